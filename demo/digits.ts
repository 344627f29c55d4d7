/**
 * The demo's digits file: MNIST digits from the `mnist` package as bytes, written by build.ts.
 *
 *   "TSGD" | uint32 count (little-endian) | count labels (uint8) | count * 784 pixels (uint8, 0..255)
 */
export const MAGIC = 'TSGD';
export const PIXELS = 28 * 28;

export interface Digits {
  count: number;
  labels: Uint8Array;
  /** count * 784 pixel values, 0..255, row-major 28x28, white digit on black. */
  pixels: Uint8Array;
}

export function encodeDigits(labels: Uint8Array, pixels: Uint8Array): Uint8Array {
  const count = labels.length;
  if (pixels.length !== count * PIXELS) throw new Error(`encodeDigits: ${count} labels need ${count * PIXELS} pixels, got ${pixels.length}`);
  const out = new Uint8Array(8 + count + count * PIXELS);
  out.set(
    Array.from(MAGIC, (c) => c.charCodeAt(0)),
    0,
  );
  new DataView(out.buffer).setUint32(4, count, true);
  out.set(labels, 8);
  out.set(pixels, 8 + count);
  return out;
}

export function decodeDigits(bytes: Uint8Array): Digits {
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic !== MAGIC) throw new Error(`decodeDigits: not a digits file (starts with ${JSON.stringify(magic)})`);
  const count = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  if (bytes.length !== 8 + count + count * PIXELS)
    throw new Error(`decodeDigits: ${count} digits need ${8 + count + count * PIXELS} bytes, got ${bytes.length}`);
  return { count, labels: bytes.subarray(8, 8 + count), pixels: bytes.subarray(8 + count) };
}
