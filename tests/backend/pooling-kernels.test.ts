/**
 * The pooling kernels (KernelBackend maxPool2dForward / maxPool2dBackward / avgPool2dForward /
 * avgPool2dBackward) of the wasm backend against the js backend (the TS kernels of
 * src/kernels/pooling.ts), bit for bit: values and argmax (ties, NaN and -inf included), the
 * gradients added into a non-zero dx, over kernel, stride, padding, dilation, ceil mode,
 * countIncludePad and divisorOverride, odd sizes, 1-D (height 1), batch 1 and 5, float32 and
 * float64, on the single-thread build and the threads build; and F.maxPool2d / avgPool2d forward
 * and backward on setBackend('wasm') against setBackend('js').
 */
import * as torch from '../../src/index';
import { jsBackend, type KernelBackend } from '../../src/backend/registry';
import { createThreadedWasmBackend, createWasmBackend } from '../../src/backend/wasm/backend';
import { adaptiveWindows, avgWindows, maxWindows, poolOutputSize, type Windows } from '../../src/kernels/pooling';
import { Generator } from '../../src/random';

const single = createWasmBackend();
if (!single) console.warn('SKIPPING the wasm pooling kernel tests: no WebAssembly SIMD');
const describe = single ? global.describe : global.describe.skip;

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;
type FloatArray = Float32Array | Float64Array;
const DTYPES: Ctor[] = [Float32Array, Float64Array];
const CHANNELS = 3;

interface Case {
  h: number;
  w: number;
  k: [number, number];
  s: [number, number];
  p: [number, number];
  d: [number, number];
  ceil: boolean;
}
const c = (h: number, w: number, k: [number, number], s: [number, number], p: [number, number], d: [number, number], ceil = false): Case => ({
  h,
  w,
  k,
  s,
  p,
  d,
  ceil,
});

/** Geometries: the plain 2 x 2 layer (even and odd sizes; rows of 4, 7 and 5 windows: SIMD lanes and the scalar tail), strides, padding, dilation, ceil mode's partial windows, 1-D (height 1). */
const CASES: Case[] = [
  c(8, 8, [2, 2], [2, 2], [0, 0], [1, 1]),
  c(7, 9, [2, 2], [2, 2], [0, 0], [1, 1]),
  c(7, 9, [2, 2], [2, 2], [0, 0], [1, 1], true),
  c(6, 14, [2, 2], [2, 2], [0, 0], [1, 1]),
  c(5, 11, [2, 2], [2, 2], [0, 0], [1, 1]),
  c(9, 7, [3, 3], [2, 2], [1, 1], [1, 1]),
  c(9, 7, [3, 3], [2, 2], [1, 1], [1, 1], true),
  c(10, 11, [3, 2], [1, 2], [1, 0], [1, 1]),
  c(11, 13, [3, 3], [2, 3], [1, 1], [2, 2]),
  c(11, 13, [3, 3], [2, 3], [1, 1], [2, 2], true),
  c(5, 6, [5, 5], [3, 3], [2, 2], [1, 1], true),
  c(13, 5, [4, 2], [3, 1], [2, 1], [1, 1]),
  c(1, 17, [1, 3], [1, 2], [0, 1], [1, 1], true),
  c(1, 15, [1, 4], [1, 3], [0, 2], [1, 3]),
];

/** Whole numbers 0..4 (many ties), with NaN and -inf sprinkled in for max pooling. */
function data(ctor: Ctor, n: number, gen: Generator, specials: boolean): FloatArray {
  const a = new ctor(n);
  for (let i = 0; i < n; i++) {
    const u = gen.uniform();
    a[i] = specials && u < 0.03 ? NaN : specials && u < 0.08 ? -Infinity : Math.floor(gen.uniform() * 5) - 2 + (gen.uniform() < 0.5 ? 0 : gen.uniform());
  }
  return a;
}

function randn(ctor: Ctor, n: number, gen: Generator): FloatArray {
  const a = new ctor(n);
  for (let i = 0; i < n; i++) a[i] = gen.uniform() * 2 - 1;
  return a;
}

/** Bits of a float array, for an exact comparison that NaN passes. */
const bits = (a: FloatArray): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

function expectSameBits(got: FloatArray, want: FloatArray): void {
  expect(got.length).toBe(want.length);
  const g = bits(got);
  const w = bits(want);
  let first = -1;
  for (let i = 0; i < g.length && first < 0; i++) if (g[i] !== w[i]) first = Math.floor(i / got.BYTES_PER_ELEMENT);
  if (first >= 0) throw new Error(`element ${first}: got ${got[first]}, want ${want[first]}`);
}

const backends: [string, KernelBackend | null][] = [
  ['single thread', single],
  ['threads build', single ? createThreadedWasmBackend(2) : null],
];

describe.each(backends.filter(([, b]) => b !== null) as [string, KernelBackend][])('wasm pooling kernels (%s) bit for bit against js', (_, wasm) => {
  const gen = new Generator(14);
  for (const ctor of DTYPES) {
    for (const batch of [1, 5]) {
      for (const g of CASES) {
        const label = `${ctor.name} batch ${batch} ${g.h}x${g.w} k${g.k} s${g.s} p${g.p} d${g.d}${g.ceil ? ' ceil' : ''}`;
        const planes = batch * CHANNELS;
        const outH = poolOutputSize(g.h, g.k[0], g.p[0], g.s[0], g.d[0], g.ceil);
        const outW = poolOutputSize(g.w, g.k[1], g.p[1], g.s[1], g.d[1], g.ceil);
        const n = planes * outH * outW;
        const xLen = planes * g.h * g.w;

        test(`max pooling, ${label}`, () => {
          const rows = maxWindows(g.h, outH, g.k[0], g.s[0], g.p[0], g.d[0]);
          const cols = maxWindows(g.w, outW, g.k[1], g.s[1], g.p[1], g.d[1]);
          const x = data(ctor, xLen, gen, true);
          const [y0, y1] = [new ctor(n), new ctor(n)];
          const [a0, a1] = [new Int32Array(n), new Int32Array(n)];
          jsBackend.maxPool2dForward(x, planes, g.h, g.w, rows, cols, y0, a0);
          wasm.maxPool2dForward(x, planes, g.h, g.w, rows, cols, y1, a1);
          expectSameBits(y1, y0);
          expect(Array.from(a1)).toEqual(Array.from(a0));
          const grad = randn(ctor, n, gen);
          const dx0 = randn(ctor, xLen, gen);
          const dx1 = dx0.slice();
          jsBackend.maxPool2dBackward(grad, a0, dx0);
          wasm.maxPool2dBackward(grad, a0, dx1);
          expectSameBits(dx1, dx0);
        });

        if (g.d[0] !== 1 || g.d[1] !== 1) continue; // average pooling has no dilation
        for (const countIncludePad of [true, false]) {
          for (const divisor of [null, 3]) {
            test(`average pooling, ${label}, countIncludePad ${countIncludePad}, divisorOverride ${divisor}`, () => {
              const rows = avgWindows(g.h, outH, g.k[0], g.s[0], g.p[0], countIncludePad);
              const cols = avgWindows(g.w, outW, g.k[1], g.s[1], g.p[1], countIncludePad);
              checkAvg(wasm, ctor, planes, g.h, g.w, rows, cols, divisor, gen);
            });
          }
        }
      }
    }

    test(`${ctor.name}: adaptive windows (overlapping), max and average`, () => {
      const [h, w, oh, ow, planes] = [11, 7, 4, 5, 10];
      const rows = adaptiveWindows(h, oh);
      const cols = adaptiveWindows(w, ow);
      checkAvg(wasm, ctor, planes, h, w, rows, cols, null, gen);
      const x = data(ctor, planes * h * w, gen, true);
      const n = planes * oh * ow;
      const [y0, y1] = [new ctor(n), new ctor(n)];
      const [a0, a1] = [new Int32Array(n), new Int32Array(n)];
      jsBackend.maxPool2dForward(x, planes, h, w, rows, cols, y0, a0);
      wasm.maxPool2dForward(x, planes, h, w, rows, cols, y1, a1);
      expectSameBits(y1, y0);
      expect(Array.from(a1)).toEqual(Array.from(a0));
    });
  }

  test('integer inputs to max pooling run the TS kernel (same values and argmax)', () => {
    const rows = maxWindows(6, 3, 2, 2, 0, 1);
    const x = Int32Array.from({ length: 2 * 36 }, (_, i) => (i * 7919) % 13);
    const [y0, y1] = [new Int32Array(18), new Int32Array(18)];
    const [a0, a1] = [new Int32Array(18), new Int32Array(18)];
    jsBackend.maxPool2dForward(x, 2, 6, 6, rows, rows, y0, a0);
    wasm.maxPool2dForward(x, 2, 6, 6, rows, rows, y1, a1);
    expect(Array.from(y1)).toEqual(Array.from(y0));
    expect(Array.from(a1)).toEqual(Array.from(a0));
  });
});

function checkAvg(
  wasm: KernelBackend,
  ctor: Ctor,
  planes: number,
  h: number,
  w: number,
  rows: Windows,
  cols: Windows,
  divisor: number | null,
  gen: Generator,
): void {
  const n = planes * rows.start.length * cols.start.length;
  const xLen = planes * h * w;
  const x = randn(ctor, xLen, gen);
  const [y0, y1] = [new ctor(n), new ctor(n)];
  jsBackend.avgPool2dForward(x, planes, h, w, rows, cols, divisor, y0);
  wasm.avgPool2dForward(x, planes, h, w, rows, cols, divisor, y1);
  expectSameBits(y1, y0);
  const grad = randn(ctor, n, gen);
  const dx0 = randn(ctor, xLen, gen);
  const dx1 = dx0.slice();
  jsBackend.avgPool2dBackward(grad, planes, h, w, rows, cols, divisor, dx0);
  wasm.avgPool2dBackward(grad, planes, h, w, rows, cols, divisor, dx1);
  expectSameBits(dx1, dx0);
}

describe('F.maxPool2d and F.avgPool2d on the wasm backend against js', () => {
  afterEach(() => torch.setBackend('auto'));

  function run(backend: 'js' | 'wasm', dtype: 'float32' | 'float64', f: (x: torch.Tensor) => torch.Tensor): [FloatArray, FloatArray] {
    torch.setBackend(backend);
    torch.manualSeed(3);
    const x = torch.randn([5, 4, 13, 12], { dtype, requiresGrad: true });
    const y = f(x);
    y.backward(torch.randn(y.shape, { dtype }));
    return [y.data as FloatArray, x.grad!.data as FloatArray];
  }

  const ops: [string, (x: torch.Tensor) => torch.Tensor][] = [
    ['maxPool2d(2)', (x) => torch.nn.functional.maxPool2d(x, 2)],
    ['maxPool2d(3, stride 2, padding 1, ceilMode)', (x) => torch.nn.functional.maxPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true })],
    ['avgPool2d(3, stride 2, padding 1, countIncludePad false)', (x) => torch.nn.functional.avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false })],
    ['avgPool1d over the last dim', (x) => torch.nn.functional.avgPool1d(torch.reshape(x, [20, 13, 12]), 3, { stride: 2, padding: 1 })],
  ];
  for (const dtype of ['float32', 'float64'] as const) {
    for (const [name, f] of ops) {
      test(`${name}, ${dtype}: forward and backward bit for bit`, () => {
        const [y0, g0] = run('js', dtype, f);
        const [y1, g1] = run('wasm', dtype, f);
        expectSameBits(y1, y0);
        expectSameBits(g1, g0);
      });
    }
  }
});
