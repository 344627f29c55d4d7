/**
 * A drawing turned into an MNIST digit, the way MNIST's own digits were made: the ink's bounding
 * box is scaled (keeping its aspect ratio, averaging the pixels it covers) to fit a 20x20 box,
 * which is then placed in the 28x28 image so that its centre of mass sits at the centre.
 */

export const SIZE = 28;
export const BOX = 20;
/** Pixels fainter than this don't count as ink for the bounding box. */
const INK = 0.05;

/**
 * `ink` holds width x height intensities in [0, 1] (1 is full ink), row-major. Returns the 28x28
 * image (784 values in [0, 1], white digit on black as in MNIST), or null when nothing is drawn.
 */
export function toMnist(ink: ArrayLike<number>, width: number, height: number): Float32Array | null {
  if (ink.length !== width * height) throw new Error(`toMnist: ${width}x${height} needs ${width * height} values, got ${ink.length}`);
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x] > INK) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  if (x1 < 0) return null;
  const w = x1 - x0 + 1;
  const h = y1 - y0 + 1;
  const scale = BOX / Math.max(w, h);
  const tw = Math.max(1, Math.round(w * scale));
  const th = Math.max(1, Math.round(h * scale));

  // Scale the crop to tw x th: rows first, then columns, each by area averaging.
  const rows = new Float64Array(h * tw);
  const line = new Float64Array(Math.max(w, h));
  const out1 = new Float64Array(Math.max(tw, th));
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) line[x] = ink[(y0 + y) * width + x0 + x];
    resample(line, w, out1, tw);
    rows.set(out1.subarray(0, tw), y * tw);
  }
  const box = new Float64Array(th * tw);
  for (let x = 0; x < tw; x++) {
    for (let y = 0; y < h; y++) line[y] = rows[y * tw + x];
    resample(line, h, out1, th);
    for (let y = 0; y < th; y++) box[y * tw + x] = out1[y];
  }

  // Centre of mass (pixel centres at +0.5), moved to the centre of the 28x28 image.
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) {
      const v = box[y * tw + x];
      mass += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
    }
  }
  const clampOffset = (o: number, size: number): number => Math.min(Math.max(o, 0), SIZE - size);
  const ox = clampOffset(Math.round(SIZE / 2 - mx / mass), tw);
  const oy = clampOffset(Math.round(SIZE / 2 - my / mass), th);
  const image = new Float32Array(SIZE * SIZE);
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) image[(oy + y) * SIZE + ox + x] = Math.min(1, box[y * tw + x]);
  }
  return image;
}

/** Resamples src[0..n) to dst[0..m): each output is the mean of the input span it covers, partial pixels weighted by their overlap. */
function resample(src: ArrayLike<number>, n: number, dst: Float64Array, m: number): void {
  const step = n / m;
  for (let j = 0; j < m; j++) {
    const a = j * step;
    const b = a + step;
    let sum = 0;
    for (let i = Math.floor(a); i < Math.min(n, Math.ceil(b)); i++) {
      const overlap = Math.min(b, i + 1) - Math.max(a, i);
      if (overlap > 0) sum += src[i] * overlap;
    }
    dst[j] = sum / step;
  }
}
