/**
 * The batched convolution kernels (KernelBackend convForward / convBackward) of the wasm backend
 * against the TypeScript path they replace, over the geometry's edge cases (stride, padding,
 * dilation, groups incl. depthwise, 1x1, a kernel larger than the input with padding, 1-D, batch 1
 * and odd), float32 and float64:
 *
 * - bit for bit against that path run on the wasm backend's own gemm (the TS im2col / col2im per
 *   image and group, as src/nn/functional/conv.ts did before), with dw summed in the slices of
 *   convSliceImages;
 * - a batch laid out in several calls (setConvCallBytes), bit for bit against one call;
 * - at 1, 2 and 3 threads (every call split, setMinWorkPerThread(1)), bit for bit against one thread,
 *   both where the images are shared out and where there are too few (under 2 a thread) and each
 *   image's gemms are split instead;
 * - im2col and col2im of a batch, bit for bit against the TS kernels;
 * - to rounding against the js backend (the TS kernels).
 *
 * These are the im2col kernels: Winograd (float32 3x3 stride-1 convolutions with >= 8 channels, as the
 * MNIST net's conv2) is off here and tested in winograd.test.ts.
 */
import * as os from 'node:os';
import * as torch from '../../src/index';
import { jsBackend, setNumThreads, type KernelBackend } from '../../src/backend/registry';
import {
  convSliceImages,
  createThreadedWasmBackend,
  createWasmBackend,
  setConvCallBytes,
  setMinWorkPerThread,
  setWinograd,
} from '../../src/backend/wasm/backend';
import { threadsUnavailableReason } from '../../src/backend/wasm/pool';
import { col2im, type ConvGeometry, type ConvShape, im2col, isIdentity } from '../../src/kernels/conv';
import { Generator } from '../../src/random';
import { untilRunning } from './kernel-threads';

const single = createWasmBackend();
beforeAll(() => setWinograd(false));
afterAll(() => setWinograd(true));
const threadsReason = single ? threadsUnavailableReason() : 'no WebAssembly SIMD';
if (!single) console.warn('SKIPPING the wasm convolution kernel tests: no WebAssembly SIMD');
const describe = single ? global.describe : global.describe.skip;

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;
type FloatArray = Float32Array | Float64Array;
const DTYPES: Ctor[] = [Float32Array, Float64Array];
const U32 = 2 ** -24;

const gen = new Generator(5);
function random(ctor: Ctor, n: number): FloatArray {
  const a = new ctor(n);
  gen.fillUniform(a, -1, 1);
  return a;
}

/** Where `got` and `want` differ in their bits: the first index, or -1. */
function firstDifference(got: FloatArray, want: FloatArray): number {
  if (got.length !== want.length) return 0;
  const g = new Uint8Array(got.buffer, got.byteOffset, got.byteLength),
    w = new Uint8Array(want.buffer, want.byteOffset, want.byteLength);
  for (let i = 0; i < g.length; i++) if (g[i] !== w[i]) return Math.floor(i / got.BYTES_PER_ELEMENT);
  return -1;
}

function expectSameBits(where: string, got: FloatArray, want: FloatArray): void {
  const at = firstDifference(got, want);
  expect({ where, at, got: got[at], want: want[at] }).toEqual({ where, at: -1, got: undefined, want: undefined });
}

/** |got - want| <= 2 (k + 1) u bound element by element (float64: 1e-12 bound). */
function expectNear(where: string, ctor: Ctor, got: FloatArray, want: FloatArray, bound: FloatArray, k: number): void {
  let worst = 0;
  for (let i = 0; i < got.length; i++) {
    const allowed = ctor === Float64Array ? 1e-12 * bound[i] : 2 * (k + 1) * U32 * bound[i];
    const excess = Math.abs(got[i] - want[i]) - allowed;
    if (excess > worst || Number.isNaN(excess)) worst = Number.isNaN(excess) ? Infinity : excess;
  }
  expect({ where, worst }).toEqual({ where, worst: 0 });
}

interface Case {
  name: string;
  batch: number;
  groups: number;
  /** Channels per group, image side and block side. */
  ic: number;
  bc: number;
  /** [inH, inW], [kH, kW], [sH, sW], [pH, pW], [dH, dW]. */
  image: [number, number];
  kernel: [number, number];
  stride?: [number, number];
  padding?: [number, number];
  dilation?: [number, number];
}

function shapeOf(c: Case): ConvShape {
  const [inH, inW] = c.image,
    [kH, kW] = c.kernel,
    [sH, sW] = c.stride ?? [1, 1],
    [pH, pW] = c.padding ?? [0, 0],
    [dH, dW] = c.dilation ?? [1, 1];
  const out = (size: number, k: number, s: number, p: number, d: number) => Math.floor((size + 2 * p - d * (k - 1) - 1) / s) + 1;
  const geo: ConvGeometry = { inH, inW, kH, kW, sH, sW, pH, pW, dH, dW, outH: out(inH, kH, sH, pH, dH), outW: out(inW, kW, sW, pW, dW) };
  return { batch: c.batch, groups: c.groups, imageChannels: c.ic, blockChannels: c.bc, geo };
}

const CASES: Case[] = [
  { name: '3x3', batch: 3, groups: 1, ic: 4, bc: 5, image: [9, 9], kernel: [3, 3] },
  { name: 'stride 2, padding 1', batch: 2, groups: 1, ic: 3, bc: 6, image: [10, 9], kernel: [3, 3], stride: [2, 2], padding: [1, 1] },
  {
    name: 'stride (2, 3), padding (0, 2), dilation (2, 1)',
    batch: 5,
    groups: 1,
    ic: 2,
    bc: 3,
    image: [11, 12],
    kernel: [3, 4],
    stride: [2, 3],
    padding: [0, 2],
    dilation: [2, 1],
  },
  { name: 'dilation 2, padding 2', batch: 1, groups: 1, ic: 3, bc: 4, image: [8, 8], kernel: [3, 3], padding: [2, 2], dilation: [2, 2] },
  { name: 'groups 2', batch: 3, groups: 2, ic: 3, bc: 2, image: [7, 6], kernel: [3, 2], padding: [1, 0] },
  { name: 'depthwise (groups = channels), multiplier 1', batch: 4, groups: 6, ic: 1, bc: 1, image: [8, 8], kernel: [3, 3], padding: [1, 1] },
  { name: 'depthwise, multiplier 2, stride 2', batch: 3, groups: 4, ic: 1, bc: 2, image: [9, 9], kernel: [3, 3], stride: [2, 2], padding: [1, 1] },
  { name: '1x1 (the columns are the image)', batch: 3, groups: 1, ic: 7, bc: 5, image: [6, 5], kernel: [1, 1] },
  { name: '1x1 groups 3', batch: 2, groups: 3, ic: 2, bc: 3, image: [4, 4], kernel: [1, 1] },
  { name: '1x1 stride 2', batch: 2, groups: 1, ic: 3, bc: 4, image: [7, 7], kernel: [1, 1], stride: [2, 2] },
  { name: '1x1 padding 1', batch: 2, groups: 1, ic: 3, bc: 4, image: [4, 5], kernel: [1, 1], padding: [1, 1] },
  { name: 'kernel larger than the input, padding 2', batch: 3, groups: 1, ic: 2, bc: 3, image: [2, 3], kernel: [5, 5], padding: [2, 2] },
  {
    name: '1-D (height 1): k 5, stride 2, padding 3, dilation 2',
    batch: 7,
    groups: 1,
    ic: 3,
    bc: 4,
    image: [1, 30],
    kernel: [1, 5],
    stride: [1, 2],
    padding: [0, 3],
    dilation: [1, 2],
  },
  { name: 'batch 1, 5x5 padding 2', batch: 1, groups: 1, ic: 8, bc: 12, image: [12, 12], kernel: [5, 5], padding: [2, 2] },
  { name: '1-D groups 2', batch: 1, groups: 2, ic: 2, bc: 3, image: [1, 17], kernel: [1, 3], padding: [0, 1] },
  { name: 'batch 37 (13 slices of 3, the last of 1)', batch: 37, groups: 1, ic: 3, bc: 5, image: [6, 6], kernel: [3, 3], padding: [1, 1] },
  { name: 'batch 64, 5 channels (16 slices of 4)', batch: 64, groups: 1, ic: 5, bc: 3, image: [6, 6], kernel: [3, 3] },
  { name: 'batch 16 (16 slices of 1)', batch: 16, groups: 1, ic: 2, bc: 9, image: [5, 7], kernel: [2, 3], stride: [1, 2] },
  { name: "the MNIST net's conv2, batch 3", batch: 3, groups: 1, ic: 32, bc: 64, image: [26, 26], kernel: [3, 3] },
];

interface Result {
  y: FloatArray;
  yNoBias: FloatArray;
  dx: FloatArray;
  dw: FloatArray;
  dxOnly: FloatArray;
  dwOnly: FloatArray;
}
const KEYS = ['y', 'yNoBias', 'dx', 'dw', 'dxOnly', 'dwOnly'] as const;

interface Operands {
  x: FloatArray;
  w: FloatArray;
  bias: FloatArray;
  g: FloatArray;
}

function sizes(s: ConvShape): { xLen: number; wLen: number; yLen: number; rows: number; blocks: number; pixels: number } {
  const rows = s.imageChannels * s.geo.kH * s.geo.kW;
  const blocks = s.geo.outH * s.geo.outW;
  const pixels = s.geo.inH * s.geo.inW;
  return {
    xLen: s.batch * s.groups * s.imageChannels * pixels,
    wLen: s.groups * s.blockChannels * rows,
    yLen: s.batch * s.groups * s.blockChannels * blocks,
    rows,
    blocks,
    pixels,
  };
}

function run(k: KernelBackend, s: ConvShape, o: Operands): Result {
  const ctor = o.x.constructor as Ctor;
  const { xLen, wLen, yLen } = sizes(s);
  // outputs start as garbage: the kernels overwrite them
  const y = random(ctor, yLen),
    yNoBias = random(ctor, yLen),
    dx = random(ctor, xLen),
    dw = random(ctor, wLen),
    dxOnly = random(ctor, xLen),
    dwOnly = random(ctor, wLen);
  k.convForward(o.x, o.w, o.bias, s, y);
  k.convForward(o.x, o.w, null, s, yNoBias);
  k.convBackward(o.g, o.x, o.w, s, dx, dw);
  k.convBackward(o.g, null, o.w, s, dxOnly, null);
  k.convBackward(o.g, o.x, null, s, null, dwOnly);
  return { y, yNoBias, dx, dw, dxOnly, dwOnly };
}

/**
 * The path the batched kernels replace, on `k`'s gemm: TS im2col / col2im per image and group; dw
 * summed per slice of images (convSlices), then the slices added in order.
 */
function perImage(k: KernelBackend, s: ConvShape, o: Operands): Result {
  const ctor = o.x.constructor as Ctor;
  const { batch, groups, imageChannels: ic, blockChannels: bc, geo } = s;
  const { xLen, wLen, yLen, rows, blocks, pixels } = sizes(s);
  const identity = isIdentity(geo);
  const cols = new ctor(rows * blocks);
  const forward = (bias: FloatArray | null): FloatArray => {
    const y = new ctor(yLen);
    for (let n = 0; n < batch; n++) {
      for (let g = 0; g < groups; g++) {
        const image = (n * groups + g) * ic * pixels,
          side = (n * groups + g) * bc * blocks,
          w0 = g * bc * rows;
        if (identity) k.gemm(false, false, bc, blocks, rows, o.w, w0, o.x, image, y, side, false);
        else {
          im2col(o.x, image, ic, geo, cols, 0);
          k.gemm(false, false, bc, blocks, rows, o.w, w0, cols, 0, y, side, false);
        }
      }
    }
    if (bias) for (let i = 0; i < yLen; i++) y[i] += bias[Math.floor(i / blocks) % (groups * bc)];
    return y;
  };
  const dx = new ctor(xLen);
  for (let n = 0; n < batch; n++) {
    for (let g = 0; g < groups; g++) {
      const image = (n * groups + g) * ic * pixels,
        side = (n * groups + g) * bc * blocks,
        w0 = g * bc * rows;
      if (identity) k.gemm(true, false, rows, blocks, bc, o.w, w0, o.g, side, dx, image, false);
      else {
        k.gemm(true, false, rows, blocks, bc, o.w, w0, o.g, side, cols, 0, false);
        col2im(cols, 0, ic, geo, dx, image);
      }
    }
  }
  const per = convSliceImages(batch, wLen * o.x.BYTES_PER_ELEMENT);
  const slices = Math.ceil(batch / per);
  const dw = new ctor(wLen);
  for (let slice = 0; slice < slices; slice++) {
    const part = new ctor(wLen);
    for (let n = slice * per; n < Math.min(batch, (slice + 1) * per); n++) {
      for (let g = 0; g < groups; g++) {
        const image = (n * groups + g) * ic * pixels,
          side = (n * groups + g) * bc * blocks,
          w0 = g * bc * rows;
        if (identity) k.gemm(false, true, bc, rows, blocks, o.g, side, o.x, image, part, w0, true);
        else {
          im2col(o.x, image, ic, geo, cols, 0);
          k.gemm(false, true, bc, rows, blocks, o.g, side, cols, 0, part, w0, true);
        }
      }
    }
    if (slice === 0) dw.set(part);
    else for (let i = 0; i < wLen; i++) dw[i] += part[i];
  }
  return { y: forward(o.bias), yNoBias: forward(null), dx, dw, dxOnly: dx, dwOnly: dw };
}

function operands(ctor: Ctor, s: ConvShape): Operands {
  const { xLen, wLen, yLen } = sizes(s);
  return { x: random(ctor, xLen), w: random(ctor, wLen), bias: random(ctor, s.groups * s.blockChannels), g: random(ctor, yLen) };
}

describe('wasm convForward / convBackward: bit-identical to the per-image path on its gemm, near the TS kernels', () => {
  for (const ctor of DTYPES) {
    for (const c of CASES) {
      test(`${ctor.name} ${c.name}`, () => {
        const s = shapeOf(c);
        const o = operands(ctor, s);
        const got = run(single!, s, o);
        const want = perImage(single!, s, o);
        for (const key of KEYS) expectSameBits(`${key}`, got[key], want[key]);
        // against the js backend, to rounding: bounds from |x|, |w|, |g|
        const ref = run(jsBackend, s, o);
        const abs = (a: FloatArray) => a.map(Math.abs);
        const bound = run(jsBackend, s, { x: abs(o.x), w: abs(o.w), bias: abs(o.bias), g: abs(o.g) });
        const { rows, blocks } = sizes(s);
        const steps = {
          y: rows + 1,
          yNoBias: rows,
          dx: s.blockChannels * s.geo.kH * s.geo.kW,
          dxOnly: s.blockChannels * s.geo.kH * s.geo.kW,
          dw: s.batch * blocks,
          dwOnly: s.batch * blocks,
        };
        for (const key of KEYS) expectNear(`${key} vs js`, ctor, got[key], ref[key], bound[key], steps[key]);
      });
    }
  }

  for (const ctor of DTYPES) {
    test(`${ctor.name} im2col and col2im of a batch: the TS kernels' bits, every case`, () => {
      for (const c of CASES) {
        const s = shapeOf(c);
        const channels = s.groups * s.imageChannels;
        const { geo, batch } = s;
        const xLen = batch * channels * geo.inH * geo.inW;
        const cLen = batch * channels * geo.kH * geo.kW * geo.outH * geo.outW;
        const x = random(ctor, xLen),
          cols = random(ctor, cLen);
        const run2 = (k: KernelBackend) => {
          const c2 = random(ctor, cLen),
            x2 = random(ctor, xLen);
          k.im2col(x, batch, channels, geo, c2);
          k.col2im(cols, batch, channels, geo, x2);
          return [c2, x2];
        };
        const [gotCols, gotImages] = run2(single!);
        const [wantCols, wantImages] = run2(jsBackend);
        expectSameBits(`${c.name} im2col`, gotCols, wantCols);
        expectSameBits(`${c.name} col2im`, gotImages, wantImages);
      }
    });
  }

  test('a batch split into several calls of whole images (slices): the bits of one call', () => {
    try {
      for (const ctor of DTYPES) {
        for (const c of CASES.filter((k) => k.batch > 2)) {
          const s = shapeOf(c);
          const o = operands(ctor, s);
          const one = run(single!, s, o);
          // room for about one image, then two slices' worth
          for (const bytes of [1, 600 * s.geo.inH * s.geo.inW * (s.groups * (s.imageChannels + s.blockChannels))]) {
            setConvCallBytes(bytes);
            const got = run(single!, s, o);
            setConvCallBytes(64 << 20);
            for (const key of KEYS) expectSameBits(`${ctor.name} ${c.name} ${key} in calls of ${bytes} bytes`, got[key], one[key]);
          }
        }
      }
    } finally {
      setConvCallBytes(64 << 20);
    }
  });

  test('batch 0: nothing to do, dw is zero', () => {
    const s = shapeOf({ name: '', batch: 0, groups: 1, ic: 2, bc: 3, image: [5, 5], kernel: [3, 3] });
    for (const k of [single!, jsBackend]) {
      const dw = new Float32Array(2 * 3 * 9).fill(7);
      k.convForward(new Float32Array(0), new Float32Array(54), null, s, new Float32Array(0));
      k.convBackward(new Float32Array(0), new Float32Array(0), new Float32Array(54), s, new Float32Array(0), dw);
      expect(Array.from(dw).every((v) => v === 0)).toBe(true);
    }
  });
});

const describeThreads = single && !threadsReason ? global.describe : global.describe.skip;
if (single && threadsReason) console.warn(`SKIPPING the threaded convolution tests: ${threadsReason}`);

describeThreads('wasm convolutions split across threads: bit-identical at 1, 2 and 3 threads', () => {
  beforeAll(async () => {
    await untilRunning(createThreadedWasmBackend(3)!, 3);
    setMinWorkPerThread(1);
  }, 60_000);
  afterAll(() => {
    setMinWorkPerThread(1 << 17);
    setNumThreads(os.availableParallelism());
    torch.setBackend('auto');
  });

  for (const ctor of DTYPES) {
    test(`${ctor.name}: every case`, () => {
      for (const c of CASES) {
        const s = shapeOf(c);
        const o = operands(ctor, s);
        const one = run(single!, s, o);
        for (const threads of [1, 2, 3]) {
          const got = run(createThreadedWasmBackend(threads)!, s, o);
          for (const key of KEYS) expectSameBits(`${c.name} ${key} at ${threads} threads`, got[key], one[key]);
        }
      }
    });
  }

  test('conv2d and convTranspose2d through the public ops: the same bits at 1, 2 and 3 threads', () => {
    const results: Float32Array[][] = [];
    for (const threads of [1, 2, 3]) {
      torch.setNumThreads(threads);
      torch.manualSeed(3);
      const x = torch.randn([9, 4, 11, 10], { requiresGrad: true });
      const w = torch.randn([6, 2, 3, 3], { requiresGrad: true });
      const b = torch.randn([6], { requiresGrad: true });
      const wt = torch.randn([6, 3, 4, 4], { requiresGrad: true });
      const y = torch.nn.functional.conv2d(x, w, b, { stride: [2, 1], padding: 1, groups: 2 });
      const z = torch.nn.functional.convTranspose2d(y, wt, null, { stride: 2, padding: 1 });
      z.mul(z).sum().backward();
      results.push([y, z, x.grad!, w.grad!, b.grad!, wt.grad!].map((t) => t.data as Float32Array));
    }
    for (const r of results.slice(1)) r.forEach((a, i) => expectSameBits(`tensor ${i}`, a, results[0][i]));
  });
});
