import { gemm, FloatArray } from '../../src/kernels/matmul';

// Global lookups are slow inside jest's sandbox; keep them out of hot loops.
const abs = Math.abs,
  imul = Math.imul;

/** Tiny deterministic PRNG (mulberry32) giving values in [-1, 1). */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  };
}

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;
const SENTINEL = 12345.5;

/** An array of `pad + size + pad` elements: random inside, SENTINEL in the padding. */
function padded(ctor: Ctor, size: number, pad: number, rnd: () => number): FloatArray {
  const x = new ctor(pad + size + pad).fill(SENTINEL);
  for (let i = 0; i < size; i++) x[pad + i] = rnd();
  return x;
}

function expectPaddingIntact(x: FloatArray, pad: number, size: number): void {
  for (let i = 0; i < pad; i++) {
    if (x[i] !== SENTINEL || x[pad + size + i] !== SENTINEL) {
      throw new Error(`padding overwritten near index ${i}`);
    }
  }
}

function expectUnchanged(x: FloatArray, before: FloatArray, name: string): void {
  for (let i = 0; i < x.length; i++) if (x[i] !== before[i]) throw new Error(`${name} modified at ${i}`);
}

/**
 * Naive float64 reference. Returns op(A)·op(B) (+ C0 when accumulating), and per element the sum of
 * magnitudes of everything added up, which bounds the rounding error of any summation order.
 */
function reference(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  a: FloatArray,
  ao: number,
  b: FloatArray,
  bo: number,
  c0: FloatArray,
  co: number,
  accumulate: boolean,
): { out: Float64Array; mag: Float64Array } {
  const out = new Float64Array(m * n),
    mag = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = accumulate ? c0[co + i * n + j] : 0;
      let sAbs = abs(s);
      for (let p = 0; p < k; p++) {
        const av = transA ? a[ao + p * m + i] : a[ao + i * k + p];
        const bv = transB ? b[bo + j * k + p] : b[bo + p * n + j];
        s += av * bv;
        sAbs += abs(av * bv);
      }
      out[i * n + j] = s;
      mag[i * n + j] = sAbs;
    }
  }
  return { out, mag };
}

interface Case {
  ctor: Ctor;
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  accumulate: boolean;
  seed: number;
}

function check({ ctor, transA, transB, m, n, k, accumulate, seed }: Case): void {
  const rnd = prng(seed);
  // odd, distinct paddings so the offsets are never aligned to anything in particular
  const pa = 3 + (seed % 5),
    pb = 1 + (seed % 7),
    pc = 5 + (seed % 3);
  const a = padded(ctor, m * k, pa, rnd);
  const b = padded(ctor, k * n, pb, rnd);
  const c = padded(ctor, m * n, pc, rnd);
  const a0 = a.slice(),
    b0 = b.slice(),
    c0 = c.slice();
  const { out: want, mag } = reference(transA, transB, m, n, k, a, pa, b, pb, c0, pc, accumulate);

  gemm(transA, transB, m, n, k, a, pa, b, pb, c, pc, accumulate);

  expectUnchanged(a, a0, 'A');
  expectUnchanged(b, b0, 'B');
  expectPaddingIntact(c, pc, m * n);

  // Inputs are exact in both types and sums run in float64, so float32 results may only differ by
  // a rounding of C per k-block; float64 ones by summation order.
  const tol = ctor === Float32Array ? 1.2e-7 * (2 + Math.ceil(k / 256)) : 1.2e-16 * (k + 2);
  for (let i = 0; i < m * n; i++) {
    const got = c[pc + i],
      exp = want[i];
    if (!(abs(got - exp) <= tol * mag[i] + 1e-300)) {
      const desc = `${ctor.name} transA=${transA} transB=${transB} m=${m} n=${n} k=${k} acc=${accumulate}`;
      throw new Error(`${desc}: C[${Math.floor(i / n)},${i % n}] = ${got}, expected ${exp}`);
    }
  }
}

const COMBOS: Array<[boolean, boolean]> = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
];
const SIZES = [0, 1, 2, 3, 7, 8, 16, 33, 64, 257];

describe('gemm', () => {
  for (const ctor of [Float32Array, Float64Array] as Ctor[]) {
    for (const [transA, transB] of COMBOS) {
      const name = `${ctor.name} ${transA ? 'T' : 'N'}${transB ? 'T' : 'N'}`;

      test(`${name}: all small size combinations, overwrite and accumulate`, () => {
        let seed = 1;
        const small = SIZES.filter((s) => s <= 16);
        for (const m of small)
          for (const n of small)
            for (const k of small) {
              for (const accumulate of [false, true]) {
                check({ ctor, transA, transB, m, n, k, accumulate, seed: seed++ });
              }
            }
      });

      test(`${name}: narrow shapes, m or n from 1 to 8 against a wider side`, () => {
        // the skinny tiles: whole-width 4×2, 4×3 and 4×5 tiles, 8×1 matrix-vector tiles, transposed
        // tiles for the last rows, and narrow op(A) covered as the transpose of C
        let seed = 5000;
        for (let narrow = 1; narrow <= 8; narrow++) {
          for (const wide of [narrow, 9, 12, 13, 34]) {
            for (const k of [1, 5, 40]) {
              for (const accumulate of [false, true]) {
                check({ ctor, transA, transB, m: narrow, n: wide, k, accumulate, seed: seed++ });
                check({ ctor, transA, transB, m: wide, n: narrow, k, accumulate, seed: seed++ });
              }
            }
          }
        }
      });

      test(`${name}: mixed larger sizes`, () => {
        // every size in each position at least once, with the other two dims all different
        const shapes: Array<[number, number, number]> = [
          [33, 7, 64],
          [7, 33, 257],
          [257, 3, 8],
          [1, 257, 33],
          [64, 257, 1],
          [33, 64, 7],
          [257, 16, 2],
          [2, 1, 257],
          [16, 33, 0],
          [64, 8, 33],
          [8, 64, 16],
          [3, 2, 300],
          // shapes that take the packed path: ragged tiles and partial blocks in m and n, two
          // k-blocks, n beyond one 1024-column block, large strides along k
          [257, 65, 33],
          [65, 70, 450],
          [97, 1030, 3],
          [9, 600, 130],
          [600, 9, 130],
        ];
        let seed = 1000;
        for (const [m, n, k] of shapes) {
          for (const accumulate of [false, true]) {
            check({ ctor, transA, transB, m, n, k, accumulate, seed: seed++ });
          }
        }
      });
    }
  }

  test('k = 0 zeroes C, or leaves it unchanged when accumulating', () => {
    const a = new Float32Array(4),
      b = new Float32Array(4);
    const c = new Float32Array([9, 1, 2, 3, 4, 5, 6, 9]);
    gemm(false, false, 2, 3, 0, a, 0, b, 0, c, 1, true);
    expect(Array.from(c)).toEqual([9, 1, 2, 3, 4, 5, 6, 9]);
    gemm(false, false, 2, 3, 0, a, 0, b, 0, c, 1, false);
    expect(Array.from(c)).toEqual([9, 0, 0, 0, 0, 0, 0, 9]);
  });

  test('overwriting ignores the previous contents of C, even NaN', () => {
    const rnd = prng(3);
    // small shapes run the kernels on A and B in place, large ones pack them
    for (const [m, n, k] of [
      [5, 6, 7],
      [70, 66, 300],
    ] as Array<[number, number, number]>) {
      for (const ctor of [Float32Array, Float64Array] as Ctor[]) {
        const a = new ctor(m * k).map(() => rnd()),
          b = new ctor(k * n).map(() => rnd());
        const c = new ctor(m * n).fill(NaN);
        gemm(true, false, m, n, k, a, 0, b, 0, c, 0, false);
        const { out: want } = reference(true, false, m, n, k, a, 0, b, 0, c, 0, false);
        for (let i = 0; i < m * n; i++) expect(c[i]).toBeCloseTo(want[i], 4);
      }
    }
  });

  test('m = 0 or n = 0 touches nothing', () => {
    const x = new Float64Array([1, 2, 3, 4]);
    gemm(false, false, 0, 2, 2, x, 0, x, 0, x, 0, false);
    gemm(true, true, 2, 0, 2, x, 0, x, 0, x, 0, false);
    expect(Array.from(x)).toEqual([1, 2, 3, 4]);
  });

  test('batched use: per-batch offsets into one array', () => {
    const rnd = prng(7);
    const batch = 3,
      m = 5,
      n = 6,
      k = 7;
    for (const ctor of [Float32Array, Float64Array] as Ctor[]) {
      const a = new ctor(batch * m * k).map(() => rnd());
      const b = new ctor(batch * k * n).map(() => rnd());
      const c = new ctor(batch * m * n);
      for (let t = 0; t < batch; t++) gemm(false, true, m, n, k, a, t * m * k, b, t * k * n, c, t * m * n, false);
      for (let t = 0; t < batch; t++) {
        const { out: want } = reference(false, true, m, n, k, a, t * m * k, b, t * k * n, c, 0, false);
        for (let i = 0; i < m * n; i++) expect(c[t * m * n + i]).toBeCloseTo(want[i], 5);
      }
    }
  });

  test('float32 and float64 calls interleave correctly (shared scratch)', () => {
    const rnd = prng(11);
    for (let r = 0; r < 4; r++) {
      for (const ctor of [Float32Array, Float64Array] as Ctor[]) {
        for (const [m, n, k] of [
          [70, 90, 300],
          [5, 784, 32],
          [32, 5, 784],
        ] as Array<[number, number, number]>) {
          check({ ctor, transA: r % 2 === 1, transB: r >= 2, m, n, k, accumulate: r === 1, seed: Math.floor(rnd() * 1e6) + 1e6 });
        }
      }
    }
  });
});
