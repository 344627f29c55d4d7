/**
 * The demo page's pieces that need no browser: the drawing's MNIST-style preprocessing (fit a
 * 20x20 box, centre by mass in 28x28) and the digits file format.
 */
import { decodeDigits, encodeDigits, PIXELS } from '../../demo/digits';
import { BOX, SIZE, toMnist } from '../../demo/preprocess';

/** A w x h canvas of zeros with the rectangle [x0, x1) x [y0, y1) set to 1. */
function canvasWith(w: number, h: number, rects: [number, number, number, number][]): Float32Array {
  const ink = new Float32Array(w * h);
  for (const [x0, y0, x1, y1] of rects) for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) ink[y * w + x] = 1;
  return ink;
}

/** Bounding box, mass and centre of mass of a 28x28 image. */
function measure(image: Float32Array): { width: number; height: number; mass: number; cx: number; cy: number } {
  let x0 = SIZE;
  let y0 = SIZE;
  let x1 = -1;
  let y1 = -1;
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const v = image[y * SIZE + x];
      if (v <= 0) continue;
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
      mass += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
    }
  }
  return { width: x1 - x0 + 1, height: y1 - y0 + 1, mass, cx: mx / mass, cy: my / mass };
}

describe('toMnist', () => {
  test('an empty drawing gives null', () => {
    expect(toMnist(new Float32Array(280 * 280), 280, 280)).toBeNull();
  });

  test('a square drawn in a corner fills the 20x20 box, centred at (14, 14)', () => {
    const image = toMnist(canvasWith(280, 280, [[10, 20, 60, 70]]), 280, 280)!;
    expect(image).toHaveLength(SIZE * SIZE);
    const m = measure(image);
    expect([m.width, m.height]).toEqual([BOX, BOX]);
    expect(m.cx).toBeCloseTo(14, 5);
    expect(m.cy).toBeCloseTo(14, 5);
    // area averaging keeps full ink at full intensity: 400 pixels of 1
    expect(m.mass).toBeCloseTo(BOX * BOX, 3);
  });

  test('a tall stroke keeps its aspect ratio: 20 high, about 2 wide, centred by mass', () => {
    // 22 px wide and 200 px tall on the 280 px canvas: a "1", scaled by 20/200 to 2.2 x 20, rounded to 2 x 20
    const image = toMnist(canvasWith(280, 280, [[200, 40, 222, 240]]), 280, 280)!;
    const m = measure(image);
    expect(m.height).toBe(BOX);
    expect(m.width).toBe(2);
    expect(m.mass).toBeCloseTo(2 * BOX, 3);
    expect(Math.abs(m.cx - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(m.cy - 14)).toBeLessThanOrEqual(0.5);
  });

  test('the centre of mass, not the box, is centred: an L shape sits off the box centre', () => {
    // a heavy vertical bar and a lighter foot: the centre of mass is at (6.67, 11.33) of the 20x20 box
    const image = toMnist(
      canvasWith(200, 200, [
        [0, 0, 100, 200],
        [100, 160, 200, 200],
      ]),
      200,
      200,
    )!;
    const m = measure(image);
    expect(Math.abs(m.cx - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(m.cy - 14)).toBeLessThanOrEqual(0.5);
    // ... so the box is moved right by 7 and down by 3, not by 4 and 4
    const columns = new Set<number>();
    const rows = new Set<number>();
    for (let i = 0; i < SIZE * SIZE; i++) {
      if (image[i] > 0) {
        columns.add(i % SIZE);
        rows.add(Math.floor(i / SIZE));
      }
    }
    expect([Math.min(...columns), Math.max(...columns)]).toEqual([7, 26]);
    expect([Math.min(...rows), Math.max(...rows)]).toEqual([3, 22]);
  });

  test('a shape whose centre of mass is far off keeps its whole box inside the 28x28 image', () => {
    const image = toMnist(
      canvasWith(200, 200, [
        [0, 0, 60, 200],
        [60, 180, 200, 200],
      ]),
      200,
      200,
    )!;
    const m = measure(image);
    expect([m.width, m.height]).toEqual([BOX, BOX]);
    expect(image[4 * SIZE + 27]).toBe(0);
    expect(m.mass).toBeCloseTo(6 * 20 + 14 * 2, 3);
  });

  test('partial pixels are averaged: a half-covered output pixel gets half the ink', () => {
    // 30 px wide (scaled by 20/30): output column 1 covers input [1.5, 3), of which [2, 3) is ink
    const ink = canvasWith(30, 30, [
      [2, 0, 3, 30],
      [0, 0, 1, 1],
      [29, 29, 30, 30],
    ]);
    const image = toMnist(ink, 30, 30)!;
    const column = Array.from({ length: SIZE }, (_, x) => image[10 * SIZE + x]);
    const nonzero = column.filter((v) => v > 0);
    expect(nonzero.length).toBe(1);
    expect(nonzero[0]).toBeCloseTo(1 / 1.5, 5);
  });

  test('rejects a size that does not match the data', () => {
    expect(() => toMnist(new Float32Array(10), 4, 4)).toThrow('4x4 needs 16 values, got 10');
  });
});

describe('the digits file', () => {
  test('round-trips labels and pixels', () => {
    const labels = Uint8Array.of(3, 1, 4);
    const pixels = Uint8Array.from({ length: 3 * PIXELS }, (_, i) => (i * 31) % 256);
    const decoded = decodeDigits(encodeDigits(labels, pixels));
    expect(decoded.count).toBe(3);
    expect(Array.from(decoded.labels)).toEqual([3, 1, 4]);
    expect(Buffer.from(decoded.pixels).equals(Buffer.from(pixels))).toBe(true);
  });

  test('refuses other files and truncated ones', () => {
    expect(() => decodeDigits(new TextEncoder().encode('<!doctype html>'))).toThrow('not a digits file');
    const bytes = encodeDigits(Uint8Array.of(1), new Uint8Array(PIXELS));
    expect(() => decodeDigits(bytes.subarray(0, bytes.length - 1))).toThrow('1 digits need 793 bytes, got 792');
  });
});
