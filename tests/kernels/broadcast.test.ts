import type { TypedArray } from '../../src/dtype';
import { broadcastBinary } from '../../src/kernels/broadcast';
import { accumulate, addRun, divRun, mulRun, subRun } from '../../src/kernels/elementwise';
import { broadcastStrides, type Shape } from '../../src/shape';

/** The reference: every output element from its two operands' broadcast indices, one at a time. */
function naive(f: (x: number, y: number) => number, a: number[], aShape: Shape, b: number[], bShape: Shape, outShape: Shape): number[] {
  const sa = broadcastStrides(aShape, outShape);
  const sb = broadcastStrides(bShape, outShape);
  const n = outShape.reduce((p, s) => p * s, 1);
  const out: number[] = [];
  for (let flat = 0; flat < n; flat++) {
    let rest = flat,
      ia = 0,
      ib = 0;
    for (let d = outShape.length - 1; d >= 0; d--) {
      const i = rest % outShape[d];
      rest = Math.floor(rest / outShape[d]);
      ia += i * sa[d];
      ib += i * sb[d];
    }
    out.push(f(a[ia], b[ib]));
  }
  return out;
}

const numel = (s: Shape): number => s.reduce((p, x) => p * x, 1);
const values = (n: number, seed: number): number[] => Array.from({ length: n }, (_, i) => ((i * 37 + seed * 11) % 23) - 11 + (i % 3) / 4);

const arrays: [string, (v: number[]) => TypedArray][] = [
  ['float32', (v) => Float32Array.from(v)],
  ['float64', (v) => Float64Array.from(v)],
  ['int32', (v) => Int32Array.from(v.map(Math.trunc))],
];
const runs = [
  ['add', addRun, (x: number, y: number) => x + y],
  ['sub', subRun, (x: number, y: number) => x - y],
  ['mul', mulRun, (x: number, y: number) => x * y],
  ['div', divRun, (x: number, y: number) => x / y],
] as const;
// same shape (one run), a scalar either side (one run, stride 0), one-element operands of more dims,
// and the broadcasts that take the odometer: a bias row, a column, both ways at once
const shapes: [Shape, Shape, Shape][] = [
  [
    [4, 5],
    [4, 5],
    [4, 5],
  ],
  [[4, 5], [], [4, 5]],
  [[], [4, 5], [4, 5]],
  [
    [1, 1],
    [2, 3],
    [2, 3],
  ],
  [[2, 3], [1], [2, 3]],
  [[4, 5], [5], [4, 5]],
  [
    [4, 1],
    [4, 5],
    [4, 5],
  ],
  [
    [3, 1, 5],
    [1, 4, 1],
    [3, 4, 5],
  ],
  [[1], [1], [1]],
  [[0, 3], [3], [0, 3]],
];

describe('broadcastBinary', () => {
  for (const [dtype, make] of arrays) {
    for (const [name, run, f] of runs) {
      test(`${name} ${dtype} over same-shape, scalar and broadcast operands equals the element-by-element reference`, () => {
        for (const [aShape, bShape, outShape] of shapes) {
          const a = make(values(numel(aShape), 1));
          const b = make(values(numel(bShape), 2).map((v) => (v === 0 ? 0.5 : v)));
          const out = make(new Array(numel(outShape)).fill(0));
          broadcastBinary(run, a, aShape, b, bShape, out, outShape);
          const want = make(naive(f, Array.from(a), aShape, Array.from(b), bShape, outShape));
          expect(Array.from(out)).toEqual(Array.from(want));
        }
      });
    }
  }

  test('mixed operand and result types take the general loop (float32 operands into a float64 result)', () => {
    const a = Float32Array.of(0.1, 0.2, 0.3);
    const b = Float32Array.of(3, 3, 3);
    const out = new Float64Array(3);
    broadcastBinary(mulRun, a, [3], b, [3], out, [3]);
    expect(Array.from(out)).toEqual([a[0] * 3, a[1] * 3, a[2] * 3]);
  });
});

describe('accumulate', () => {
  test('adds x into out elementwise for float32, float64 and int32, rounding float32 sums to float32', () => {
    const out32 = Float32Array.of(0.1, 1e8, -2);
    accumulate(out32, Float32Array.of(0.2, 1, 2));
    expect(Array.from(out32)).toEqual([Math.fround(Math.fround(0.1) + Math.fround(0.2)), 1e8, 0]);
    const out64 = Float64Array.of(0.1, 1e8, -2);
    accumulate(out64, Float64Array.of(0.2, 1, 2));
    expect(Array.from(out64)).toEqual([0.1 + 0.2, 1e8 + 1, 0]);
    const outInt = Int32Array.of(1, 2);
    accumulate(outInt, Int32Array.of(3, -5));
    expect(Array.from(outInt)).toEqual([4, -3]);
  });
});
