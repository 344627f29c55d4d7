/**
 * Every WebAssembly kernel against the TypeScript kernels (the reference), on random shapes with
 * the edge sizes 1, 7, 33 and 257, all four transpose combinations, float32 and float64,
 * accumulate on and off, and operands at non-zero offsets inside larger arrays.
 *
 * Tolerances, and why:
 * - float64 gemm: bit-identical while k <= 256 (one running sum per element, in the same order);
 *   beyond, both sum in float64 but may cut k into blocks differently: relative 1e-12. The
 *   relaxed-SIMD build (where the runtime has it) fuses each multiply-add, rounding once where the
 *   TS kernels round twice: relative 1e-12 at every k.
 * - float32 gemm: the wasm kernels sum in float32 lanes (as PyTorch's CPU sgemm does) where the TS
 *   kernels sum in float64, so |wasm - ts| <= 2 k u sum_p |a_ip b_pj| with u = 2^-24 (the
 *   classical bound for a float32 dot product), checked element by element.
 * - everything else (bias, column sums, cross-entropy, relu, sigmoid's backward): the same float64
 *   arithmetic, exp and log from Math: bit-identical. arithmetic (add, sub, mul, div) runs in
 *   float32 lanes for float32, which gives the TS runs' bits (float64 then rounded once is the
 *   correctly rounded result for these four operations).
 */
import { createWasmBackend, simdFlavor } from '../../src/backend/wasm/backend';
import { jsBackend, type KernelBackend } from '../../src/backend/registry';
import { Generator } from '../../src/random';

const wasm = createWasmBackend() as KernelBackend;
const js = jsBackend;
// Where the runtime has no WebAssembly SIMD the library runs on js alone and there is nothing to compare.
if (!wasm) console.warn('SKIPPING the wasm kernel tests: this runtime has no WebAssembly SIMD (the library uses its TS kernels here).');
const describe = wasm ? global.describe : global.describe.skip;
const test = wasm ? global.test : global.test.skip;
/** float64 sums of <= 256 terms are bit-identical to the TS kernels' (not with fused multiply-adds). */
const EXACT_F64 = wasm && simdFlavor(wasm) === 'simd128';

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;
type FloatArray = Float32Array | Float64Array;
const DTYPES: [string, Ctor][] = [
  ['float32', Float32Array],
  ['float64', Float64Array],
];
const COMBOS: [boolean, boolean][] = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
];
const SIZES = [1, 7, 33, 257];
const U32 = 2 ** -24;

const gen = new Generator(7);
function random(ctor: Ctor, n: number, lo = -1, hi = 1): FloatArray {
  const a = new ctor(n);
  gen.fillUniform(a, lo, hi);
  return a;
}

/**
 * The elements of `got` from the first whose bits differ from `want`'s (-0 and 0 differ, NaN and
 * NaN agree), a few of each, or nothing when all agree: a cheap comparison for long arrays.
 */
function firstDifference(got: FloatArray, want: FloatArray): { at: number; got: string[]; want: string[] } | null {
  const shown = (a: FloatArray) => Array.from(a, (v) => (Object.is(v, -0) ? '-0' : String(v)));
  if (got.length !== want.length) return { at: -1, got: [`length ${got.length}`], want: [`length ${want.length}`] };
  for (let i = 0; i < got.length; i++) {
    if (!Object.is(got[i], want[i])) return { at: i, got: shown(got.subarray(i, i + 4)), want: shown(want.subarray(i, i + 4)) };
  }
  return null;
}

test('the wasm backend is named so', () => {
  expect(wasm.name).toBe('wasm');
});

/** Checks wasm's C against the TS kernels' for one gemm call, with A, B, C inside larger arrays. */
function checkGemm(ctor: Ctor, transA: boolean, transB: boolean, m: number, n: number, k: number, accumulate: boolean): void {
  const [ao, bo, co] = [3, 5, 2];
  const a = random(ctor, ao + m * k + 4),
    b = random(ctor, bo + k * n + 6),
    c0 = random(ctor, co + m * n + 3);
  const cJs = c0.slice(),
    cWasm = c0.slice();
  js.gemm(transA, transB, m, n, k, a, ao, b, bo, cJs, co, accumulate);
  wasm.gemm(transA, transB, m, n, k, a, ao, b, bo, cWasm, co, accumulate);
  const where = `${ctor.name} ${transA ? 'T' : 'N'}${transB ? 'T' : 'N'} m=${m} n=${n} k=${k} accumulate=${accumulate}`;
  // what lies outside C must be untouched
  expect({ where, head: Array.from(cWasm.subarray(0, co)), tail: Array.from(cWasm.subarray(co + m * n)) }).toEqual({
    where,
    head: Array.from(c0.subarray(0, co)),
    tail: Array.from(c0.subarray(co + m * n)),
  });
  if (ctor === Float64Array && k <= 256 && EXACT_F64) {
    expect({ where, c: cWasm }).toEqual({ where, c: cJs });
    return;
  }
  // sum_p |a_ip b_pj| (+ |c| when accumulating), from the TS kernel on absolute values
  const bound = new ctor(m * n);
  const abs = (x: FloatArray) => x.map(Math.abs);
  js.gemm(transA, transB, m, n, k, abs(a), ao, abs(b), bo, bound, 0, false);
  let worst = 0;
  for (let i = 0; i < m * n; i++) {
    const scale = bound[i] + (accumulate ? Math.abs(c0[co + i]) : 0);
    const allowed = ctor === Float64Array ? 1e-12 * scale : 2 * (k + 1) * U32 * scale;
    const excess = Math.abs(cWasm[co + i] - cJs[co + i]) - allowed;
    if (excess > worst) worst = excess;
  }
  expect({ where, worst }).toEqual({ where, worst: 0 });
}

describe('gemm: every transpose combination, edge sizes, float32 and float64, accumulate on and off', () => {
  for (const [name, ctor] of DTYPES) {
    for (const [transA, transB] of COMBOS) {
      test(`${name} ${transA ? 'T' : 'N'}${transB ? 'T' : 'N'}: m, n, k in {1, 7, 33, 257}`, () => {
        for (const m of SIZES) for (const n of SIZES) for (const k of SIZES) for (const acc of [false, true]) checkGemm(ctor, transA, transB, m, n, k, acc);
      });
    }
    test(`${name}: random shapes up to 300, and the seed nets' shapes`, () => {
      const shapes: [number, number, number][] = [
        [32, 5, 784],
        [32, 784, 5],
        [5, 784, 32],
        [64, 128, 784],
        [128, 784, 64],
        [64, 10, 128],
        [300, 2, 513],
        // the Winograd products of the MNIST net's conv2 (forward, input gradient); with relaxed SIMD,
        // 6-row tiles on packed op(A): 6 + 4 rows, 6 + 6, and a block of 120 rows then 5
        [64, 36, 32],
        [32, 36, 64],
        [10, 40, 20],
        [12, 20, 9],
        [125, 40, 70],
      ];
      for (let r = 0; r < 12; r++) shapes.push([1 + Math.floor(gen.uniform() * 300), 1 + Math.floor(gen.uniform() * 300), 1 + Math.floor(gen.uniform() * 300)]);
      for (const [m, n, k] of shapes) for (const [transA, transB] of COMBOS) checkGemm(ctor, transA, transB, m, n, k, r2(m + n + k));
    });
    test(`${name}: empty shapes (m, n or k = 0) follow the contract`, () => {
      for (const [m, n, k] of [
        [0, 3, 4],
        [3, 0, 4],
        [3, 4, 0],
      ])
        for (const acc of [false, true]) checkGemm(ctor, false, false, m, n, k, acc);
    });
  }
});

function r2(x: number): boolean {
  return x % 2 === 0;
}

describe('fused linear forward and backward', () => {
  const shapes: [number, number, number][] = [
    [1, 1, 1],
    [7, 33, 1],
    [33, 7, 5],
    [32, 784, 5],
    [64, 784, 128],
    [3, 257, 10],
    [257, 3, 33],
  ];
  for (const [name, ctor] of DTYPES) {
    test(`${name}: y = x W^T + b, and dx, dW, db in every combination`, () => {
      for (const [rows, inF, outF] of shapes) {
        const x = random(ctor, rows * inF),
          w = random(ctor, outF * inF),
          bias = random(ctor, outF),
          g = random(ctor, rows * outF);
        for (const b of [bias, null]) {
          const yJs = new ctor(rows * outF),
            yWasm = new ctor(rows * outF);
          js.linearForward(x, w, b, rows, inF, outF, yJs);
          wasm.linearForward(x, w, b, rows, inF, outF, yWasm);
          expectClose(yWasm, yJs, ctor, inF, `${name} linear forward ${rows}x${inF}->${outF} bias=${b !== null}`);
        }
        for (const want of [
          [1, 1, 1],
          [0, 1, 1],
          [1, 0, 0],
          [0, 0, 1],
        ]) {
          const out = (on: number, n: number) => (on ? [new ctor(n), new ctor(n)] : [null, null]);
          const [dxJ, dxW] = out(want[0], rows * inF),
            [dwJ, dwW] = out(want[1], outF * inF),
            [dbJ, dbW] = out(want[2], outF);
          js.linearBackward(g, x, w, rows, inF, outF, dxJ, dwJ, dbJ);
          wasm.linearBackward(g, x, w, rows, inF, outF, dxW, dwW, dbW);
          const where = `${name} linear backward ${rows}x${inF}->${outF}`;
          if (dxW && dxJ) expectClose(dxW, dxJ, ctor, outF, `${where} dx`);
          if (dwW && dwJ) expectClose(dwW, dwJ, ctor, rows, `${where} dW`);
          if (dbW && dbJ) expect({ where, db: dbW }).toEqual({ where, db: dbJ }); // float64 sums in both: identical
        }
      }
    });
  }
});

/** Equal for float64 sums of <= 256 terms; else relative to the size of the values, as for gemm. */
function expectClose(got: FloatArray, want: FloatArray, ctor: Ctor, k: number, where: string): void {
  if (ctor === Float64Array && k <= 256 && EXACT_F64) {
    expect({ where, got }).toEqual({ where, got: want });
    return;
  }
  // inputs in [-1, 1]: sum_p |a b| <= k, so the bound is 2 k u k (float32) or 1e-12 k (float64)
  const tol = ctor === Float64Array ? 1e-12 * k : 2 * (k + 1) * U32 * (k + 1);
  let worst = 0;
  for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
  expect({ where, ok: worst <= tol, worst }).toEqual({ where, ok: true, worst });
}

describe('softmax-cross-entropy with class-index targets', () => {
  for (const [name, ctor] of DTYPES) {
    test(`${name}: the row stats (max, log-sum), losses, the count and dx are bit-identical (ignored rows, logits of +-1000)`, () => {
      for (const [rows, classes] of [
        [1, 1],
        [1, 7],
        [32, 3],
        [64, 10],
        [33, 257],
        [7, 2],
      ]) {
        const x = random(ctor, rows * classes, -5, 5);
        if (rows > 2) {
          x[0] = 1000;
          x[classes] = -1000;
        }
        const targets = new Int32Array(rows).map(() => Math.floor(gen.uniform() * classes));
        if (rows > 3) targets[3] = -100;
        const run = (k: KernelBackend) => {
          const stats = new Float64Array(2 * rows),
            losses = new ctor(rows),
            dx = new ctor(rows * classes).fill(7);
          const counted = k.crossEntropyForward(x, targets, rows, classes, -100, stats, losses);
          k.crossEntropyBackward(x, targets, stats, rows, classes, -100, 1 / counted, dx);
          return { counted, stats, losses, dx };
        };
        expect({ name, rows, classes, ...run(wasm) }).toEqual({ name, rows, classes, ...run(js) });
      }
    });
  }
});

describe('element-wise kernels', () => {
  const special = [0, -0, 1e-40, -1e-40, NaN, Infinity, -Infinity, 3, -3];
  for (const [name, ctor] of DTYPES) {
    test(`${name}: relu, relu's and sigmoid's backward are bit-identical at every size around the vector widths and the size threshold, and over several streamed chunks`, () => {
      for (const n of [1, 2, 3, 4, 5, 7, 33, 63, 64, 65, 257, 4099, 40003]) {
        const x = random(ctor, n, -3, 3),
          g = random(ctor, n, -2, 2),
          y = random(ctor, n, 0, 1);
        x.set(special.slice(0, Math.min(n, special.length)));
        for (const [op, args] of [
          ['relu', [x]],
          ['reluBackward', [g, x]],
          ['sigmoidBackward', [g, y]],
          ['sigmoid', [x]],
        ] as const) {
          const outJ = new ctor(n),
            outW = new ctor(n);
          (js[op] as (...a: FloatArray[]) => void)(...args, outJ);
          (wasm[op] as (...a: FloatArray[]) => void)(...args, outW);
          expect({ op, n, difference: firstDifference(outW, outJ) }).toEqual({ op, n, difference: null });
        }
      }
    });
  }
});

describe('arithmetic (add, sub, mul, div): arrays and single values, bit-identical to the TS runs', () => {
  // operands that overflow, underflow to subnormals, divide by zero, and meet NaN, infinities and signed zeros
  const specialA = [0, -0, 1e-40, -1e-40, NaN, Infinity, -Infinity, 3e38, -3e38, 1e-30, 1, 0, Infinity, 5];
  const specialB = [0, 0, -0, 1e-10, 2, Infinity, Infinity, 10, 3e38, 1e-10, -0, -0, -Infinity, 7];
  for (const [name, ctor] of DTYPES) {
    test(`${name}: every size around the vector widths and the size threshold, and over several streamed chunks, each operand an array or one value, in place too`, () => {
      for (const n of [1, 2, 3, 5, 7, 33, 63, 64, 65, 257, 4099, 40003]) {
        const a = random(ctor, n, -3, 3),
          b = random(ctor, n, -2, 2);
        a.set(specialA.slice(0, Math.min(n, specialA.length)));
        b.set(specialB.slice(0, Math.min(n, specialB.length)));
        for (const op of ['add', 'sub', 'mul', 'div'] as const) {
          for (const [x, y] of [
            [a, b],
            [a, b.subarray(0, 1)],
            [a.subarray(n - 1), b],
            [a.subarray(0, 1), b.subarray(n - 1)],
            [a, new ctor([-0])],
            [new ctor([Infinity]), b],
          ]) {
            const outJ = new ctor(n),
              outW = new ctor(n);
            js.arithmetic(op, x, y, outJ);
            wasm.arithmetic(op, x, y, outW);
            expect({ op, n, steps: [x.length, y.length], difference: firstDifference(outW, outJ) }).toEqual({ op, n, steps: [x.length, y.length], difference: null });
          }
          // out may be either operand
          const want = new ctor(n);
          js.arithmetic(op, a, b, want);
          const first = a.slice(),
            second = b.slice();
          wasm.arithmetic(op, first, b, first);
          wasm.arithmetic(op, a, second, second);
          expect({ op, n, first: firstDifference(first, want), second: firstDifference(second, want) }).toEqual({ op, n, first: null, second: null });
        }
      }
    });
  }
});

describe("dropout's masks (bernoulliFill: Alea as a multiply-with-carry on integers)", () => {
  for (const [name, ctor] of DTYPES) {
    test(`${name}: the same elements written and the same state after as the TS loop, at every p and size`, () => {
      for (const seed of [1, 2, 12345]) {
        for (const p of [0, 1e-9, 0.25, 0.5, 0.75, 0.999999, 1]) {
          for (const n of [0, 1, 7, 63, 64, 65, 4099, 100003]) {
            const a = new Generator(seed);
            const b = new Generator(seed);
            a.uniform();
            b.uniform();
            // marks in both outputs: elements not drawn below p must keep them
            const outJ = new ctor(n).fill(-7),
              outW = new ctor(n).fill(-7);
            js.bernoulliFill(a.aleaState(), p, 4 / 3, outJ);
            wasm.bernoulliFill(b.aleaState(), p, 4 / 3, outW);
            if (outW.some((v, i) => !Object.is(v, outJ[i]))) throw new Error(`seed ${seed}, p ${p}, n ${n}: the masks differ`);
            expect(b.getState()).toEqual(a.getState());
            // and the stream goes on as uniform()'s
            expect(b.uniform()).toBe(a.uniform());
          }
        }
      }
    });
  }

  test("the mask is Generator.uniform()'s draws, compared with p", () => {
    const g = new Generator(9);
    const h = new Generator(9);
    const out = new Float32Array(5000);
    wasm.bernoulliFill(g.aleaState(), 0.3, 2, out);
    for (let i = 0; i < out.length; i++) expect(out[i]).toBe(h.uniform() < 0.3 ? 2 : 0);
  });
});
