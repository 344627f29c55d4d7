/**
 * The wasm backend's Winograd F(4x4, 3x3) convolutions (src/backend/wasm/assembly/winograd.ts): the
 * float32 forward of a 3x3 kernel at stride 1 and dilation 1 with >= 8 channels each side, the input
 * gradient of such a convolution (a forward of g with the kernels turned, padding 2 - p), and its
 * weight gradient (summed in the transformed space per slice of images, then turned back):
 *
 * - which shapes take it (usesWinograd), and that setWinograd(false) gives im2col's bits back;
 * - against the TS kernels (im2col, float64 sums), element by element within 2 (k + t) u of the
 *   same convolution of |x| and |w| (k the terms of a sum: the bound of a k-term float32 sum; t the
 *   transforms' roundings, see TRANSFORM_TERMS), its largest over the element's 4x4 tile for the
 *   F(4x4, 3x3) results (see tileMax);
 * - every tile case: paddings 0, 1, 2, 3, output sizes not multiples of the tile (a tile's last rows
 *   and columns cut off), outputs under one tile, rows of four tiles and the tiles left over, planes
 *   read in place and widened, groups, bias;
 * - the same bits at 1, 2 and 3 threads, and in calls cut into several (setConvCallBytes);
 * - through the public conv2d, forward and backward, near float64.
 */
import * as os from 'node:os';
import * as torch from '../../src/index';
import { jsBackend, setNumThreads, type KernelBackend } from '../../src/backend/registry';
import { createThreadedWasmBackend, createWasmBackend, setConvCallBytes, setMinWorkPerThread, setWinograd, usesWinograd } from '../../src/backend/wasm/backend';
import { threadsUnavailableReason } from '../../src/backend/wasm/pool';
import type { ConvShape } from '../../src/kernels/conv';
import { Generator } from '../../src/random';
import { untilRunning } from './kernel-threads';

const single = createWasmBackend();
const threadsReason = single ? threadsUnavailableReason() : 'no WebAssembly SIMD';
if (!single) console.warn('SKIPPING the Winograd convolution tests: no WebAssembly SIMD');
const describe = single ? global.describe : global.describe.skip;
const U32 = 2 ** -24;

const gen = new Generator(11);
function random(n: number): Float32Array {
  const a = new Float32Array(n);
  gen.fillUniform(a, -1, 1);
  return a;
}

/** A 3x3, stride 1 convolution of `batch` images [groups * ic, inH, inW] with padding p (pH, pW). */
function shape(batch: number, groups: number, ic: number, bc: number, inH: number, inW: number, pH: number, pW = pH): ConvShape {
  const geo = { inH, inW, kH: 3, kW: 3, sH: 1, sW: 1, pH, pW, dH: 1, dW: 1, outH: inH + 2 * pH - 2, outW: inW + 2 * pW - 2 };
  return { batch, groups, imageChannels: ic, blockChannels: bc, geo };
}

interface Operands {
  x: Float32Array;
  w: Float32Array;
  bias: Float32Array | null;
  g: Float32Array;
}

function operands(s: ConvShape, bias = true): Operands {
  const { batch, groups, imageChannels: ic, blockChannels: bc, geo } = s;
  return {
    x: random(batch * groups * ic * geo.inH * geo.inW),
    w: random(groups * bc * ic * 9),
    bias: bias ? random(groups * bc) : null,
    g: random(batch * groups * bc * geo.outH * geo.outW),
  };
}

interface Results {
  y: Float32Array;
  dx: Float32Array;
  dw: Float32Array;
}

function run(k: KernelBackend, s: ConvShape, o: Operands): Results {
  const y = new Float32Array(o.g.length);
  const dx = new Float32Array(o.x.length);
  const dw = new Float32Array(o.w.length);
  k.convForward(o.x, o.w, o.bias, s, y);
  k.convBackward(o.g, o.x, o.w, s, dx, dw);
  return { y, dx, dw };
}

function expectSameBits(where: string, got: Float32Array, want: Float32Array): void {
  let at = -1;
  for (let i = 0; i < got.length && at < 0; i++) if (!Object.is(got[i], want[i])) at = i;
  expect({ where, at, got: got[at], want: want[at] }).toEqual({ where, at: -1, got: undefined, want: undefined });
}

/**
 * The transforms' share of the error bound, in terms of a sum: F(4x4, 3x3)'s entries reach 5 and 8,
 * and G's sixths and twenty-fourths round. Measured worst on random data: 116 u, the input gradient
 * of 128 -> 8 channels; 25-60 u on most shapes for y and dx, 6-36 u for dw (F(2x2, 3x3), before:
 * 1-5 u).
 */
const TRANSFORM_TERMS = 256;

/**
 * `bound` (planes of h x w) with each element replaced by the largest of its tile's (size x size
 * outputs from the top left): a tile's transform mixes its whole window, so an output whose own
 * window is all padding (exactly the bias) takes rounding from its neighbours' values.
 */
function tileMax(bound: Float32Array, h: number, w: number, size: number): Float32Array {
  const out = new Float32Array(bound.length);
  for (let p = 0; p < bound.length; p += h * w) {
    for (let i0 = 0; i0 < h; i0 += size) {
      for (let j0 = 0; j0 < w; j0 += size) {
        let most = 0;
        for (let i = i0; i < Math.min(h, i0 + size); i++) for (let j = j0; j < Math.min(w, j0 + size); j++) most = Math.max(most, bound[p + i * w + j]);
        for (let i = i0; i < Math.min(h, i0 + size); i++) for (let j = j0; j < Math.min(w, j0 + size); j++) out[p + i * w + j] = most;
      }
    }
  }
  return out;
}

/** |got - want| <= 2 (k + t) u bound, element by element. */
function expectNear(where: string, got: Float32Array, want: Float32Array, bound: Float32Array, k: number, t: number): void {
  let worst = 0;
  for (let i = 0; i < got.length; i++) {
    const excess = Math.abs(got[i] - want[i]) - 2 * (k + t) * U32 * bound[i];
    if (excess > worst || Number.isNaN(excess)) worst = Number.isNaN(excess) ? Infinity : excess;
  }
  expect({ where, worst }).toEqual({ where, worst: 0 });
}

// (tiles: 4x4 outputs)
const CASES: [string, ConvShape][] = [
  ['8 -> 8, 10x10, no padding (two tiles a row, read in place)', shape(2, 1, 8, 8, 10, 10, 0)],
  ['8 -> 8, 18x18, no padding (a row of four whole tiles, read in place)', shape(2, 1, 8, 8, 18, 18, 0)],
  ['9 -> 11, 13x11, padding 1 (outputs 13x11: tiles cut off)', shape(3, 1, 9, 11, 13, 11, 1)],
  ['groups 2, 8 -> 9 each, 7x12, padding 2 (four tiles a row, the last cut off)', shape(2, 2, 8, 9, 7, 12, 2)],
  ['padding (0, 1), 9x21: 4 tiles and 2 left over a row', shape(2, 1, 8, 10, 9, 21, 0, 1)],
  ['padding 3 (the input gradient stays im2col)', shape(1, 1, 8, 8, 5, 6, 3)],
  ['a 3x3 input: one output', shape(3, 1, 12, 8, 3, 3, 0)],
  ['a 3x4 input: a 1x2 output', shape(2, 1, 8, 13, 3, 4, 0)],
  ["32 -> 64, 26x26 (the MNIST net's conv2), batch 5", shape(5, 1, 32, 64, 26, 26, 0)],
];

describe('wasm Winograd F(4x4, 3x3) convolutions (float32)', () => {
  afterEach(() => {
    setWinograd(true);
    setConvCallBytes(64 << 20);
  });

  test('taken by float32 3x3 convolutions at stride 1 and dilation 1 with >= 8 channels each side, and by nothing else', () => {
    const s = shape(1, 1, 8, 8, 6, 6, 1);
    expect(usesWinograd(s, 4)).toBe(true);
    expect(usesWinograd(s, 8)).toBe(false);
    expect(usesWinograd({ ...s, imageChannels: 7 }, 4)).toBe(false);
    expect(usesWinograd({ ...s, blockChannels: 7 }, 4)).toBe(false);
    expect(usesWinograd({ ...s, geo: { ...s.geo, sW: 2 } }, 4)).toBe(false);
    expect(usesWinograd({ ...s, geo: { ...s.geo, dH: 2 } }, 4)).toBe(false);
    expect(usesWinograd({ ...s, geo: { ...s.geo, kW: 5 } }, 4)).toBe(false);
    setWinograd(false);
    expect(usesWinograd(s, 4)).toBe(false);
  });

  for (const [name, s] of CASES) {
    test(`${name}: y, dx and dw near the TS kernels`, () => {
      const o = operands(s);
      const got = run(single!, s, o);
      const want = run(jsBackend, s, o);
      const abs = (a: Float32Array | null) => (a ? a.map(Math.abs) : null);
      const bound = run(jsBackend, s, { x: abs(o.x)!, w: abs(o.w)!, bias: abs(o.bias), g: abs(o.g)! });
      const { inH, inW, outH, outW } = s.geo;
      expectNear('y', got.y, want.y, tileMax(bound.y, outH, outW, 4), s.imageChannels * 9 + 1, TRANSFORM_TERMS);
      expectNear('dx', got.dx, want.dx, tileMax(bound.dx, inH, inW, 4), s.blockChannels * 9, TRANSFORM_TERMS);
      expectNear('dw', got.dw, want.dw, bound.dw, s.batch * s.geo.outH * s.geo.outW, TRANSFORM_TERMS);
      // Winograd off: the im2col path again (other bits), which conv-kernels.test.ts holds to the TS kernels
      setWinograd(false);
      const im2col = run(single!, s, o);
      const dxByWinograd = s.geo.pH <= 2 && s.geo.pW <= 2;
      for (const key of ['y', 'dx', 'dw'] as const) {
        expect({ key, differs: Array.from(im2col[key]).some((v, i) => v !== got[key][i]) }).toEqual({ key, differs: key !== 'dx' || dxByWinograd });
      }
    });
  }

  test('no bias, and a batch laid out in several calls: the bits of one call', () => {
    const s = shape(7, 1, 8, 9, 8, 9, 1);
    const o = operands(s, false);
    const one = run(single!, s, o);
    setConvCallBytes(4096);
    const cut = run(single!, s, o);
    for (const key of ['y', 'dx', 'dw'] as const) expectSameBits(key, cut[key], one[key]);
  });

  test('conv2d through the public op, forward and backward, near float64', () => {
    torch.manualSeed(4);
    const x = torch.randn([3, 16, 9, 11]);
    const w = torch.randn([12, 16, 3, 3]).mul(0.1);
    const b = torch.randn([12]);
    const grads = (dtype: 'float32' | 'float64') => {
      const xs = x.detach().to(dtype).requiresGrad_();
      const ws = w.detach().to(dtype).requiresGrad_();
      const bs = b.detach().to(dtype).requiresGrad_();
      const y = torch.nn.functional.conv2d(xs, ws, bs, { padding: 1 });
      y.mul(y).sum().backward();
      return [y, xs.grad!, ws.grad!, bs.grad!].map((t) => Array.from(t.data as Float32Array | Float64Array));
    };
    const f32 = grads('float32');
    const f64 = grads('float64');
    f32.forEach((a, i) => {
      const scale = Math.max(...f64[i].map(Math.abs));
      const worst = Math.max(...a.map((v, j) => Math.abs(v - f64[i][j])));
      expect(worst).toBeLessThan(2e-5 * scale);
    });
  });
});

const describeThreads = single && !threadsReason ? global.describe : global.describe.skip;
if (single && threadsReason) console.warn(`SKIPPING the threaded Winograd tests: ${threadsReason}`);

describeThreads('wasm Winograd convolutions split across threads: bit-identical at 1, 2 and 3 threads', () => {
  beforeAll(async () => {
    await untilRunning(createThreadedWasmBackend(3)!, 3);
    setMinWorkPerThread(1);
  }, 60_000);
  afterAll(() => {
    setMinWorkPerThread(1 << 17);
    setNumThreads(os.availableParallelism());
    torch.setBackend('auto');
  });

  test('every case', () => {
    for (const [name, s] of CASES) {
      const o = operands(s);
      const one = run(single!, s, o);
      for (const threads of [1, 2, 3]) {
        const got = run(createThreadedWasmBackend(threads)!, s, o);
        for (const key of ['y', 'dx', 'dw'] as const) expectSameBits(`${name} ${key} at ${threads} threads`, got[key], one[key]);
      }
    }
  });
});
