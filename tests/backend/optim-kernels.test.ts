/**
 * The optimizer kernels (sgdUpdate, adadeltaUpdate) of the wasm backend against the TS reference
 * (jsBackend), bit for bit: float32 and float64, every SGD option, Adadelta's options, sizes
 * around the SIMD widths and the part boundaries, values including 0, -0, subnormals, huge ones,
 * infinities and NaN; on the one-thread backend and the threads backend at 1, 2 and 3 threads,
 * every update sent to wasm and split across the threads however small (setOptimizerSizes(0, 2)),
 * and at large sizes with the default thresholds (one thread's update streamed through the arena in
 * many chunks and a tail).
 *
 * NOTE: a NaN must come out as NaN where the reference's is, but its sign and payload are not
 * compared: WebAssembly leaves the sign and payload of an arithmetic NaN result nondeterministic,
 * and JS does not specify a NaN's bits at all (V8 may fold `-1 * x` into a sign flip, which flips
 * a NaN's sign where a multiply keeps it). On x64 Node 20 they have agreed bit for bit too.
 */
import * as os from 'node:os';
import { jsBackend, setNumThreads, type KernelBackend } from '../../src/backend/registry';
import { createThreadedWasmBackend, createWasmBackend, relaxedSimdSupported, setOptimizerSizes, simdFlavor } from '../../src/backend/wasm/backend';
import { threadsUnavailableReason } from '../../src/backend/wasm/pool';
import { Generator } from '../../src/random';
import { untilRunning } from './kernel-threads';

const single = createWasmBackend();
if (!single) console.warn('SKIPPING the wasm optimizer kernel tests: no WebAssembly SIMD');
const threadsReason = single ? threadsUnavailableReason() : 'no WebAssembly SIMD';
if (single && threadsReason) console.warn(`SKIPPING the threads part of the optimizer kernel tests: ${threadsReason}`);

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;
type FloatArray = Float32Array | Float64Array;
const DTYPES: Ctor[] = [Float32Array, Float64Array];
/** Around the SIMD widths (4 float32, 2 float64) and a split's part boundaries (multiples of 4). */
const SIZES = [0, 1, 3, 4, 5, 17, 1000, 4099];
/** Large updates: 128 and 8 streamed chunks (STREAM_CHUNK, 2^14 elements) and a tail of 5. */
const LARGE = (1 << 21) + 5;
const LARGE_ADADELTA_F32 = (1 << 17) + 5;

/** The first index where got and want differ (bits, or NaN against a number), or -1. */
function firstDifference(got: FloatArray, want: FloatArray): number {
  if (got.length !== want.length) return 0;
  const words = got.BYTES_PER_ELEMENT / 4;
  const g = new Uint32Array(got.buffer, got.byteOffset, got.length * words),
    w = new Uint32Array(want.buffer, want.byteOffset, want.length * words);
  for (let j = 0; j < g.length; j++) {
    if (g[j] === w[j]) continue;
    const i = words === 1 ? j : j >> 1;
    if (!(Number.isNaN(got[i]) && Number.isNaN(want[i]))) return i;
  }
  return -1;
}

function expectSameBits(where: string, got: FloatArray, want: FloatArray): void {
  const at = firstDifference(got, want);
  expect({ where, at, got: got[at], want: want[at] }).toEqual({ where, at: -1, got: undefined, want: undefined });
}

/**
 * n values: mostly uniform in [-1, 1) scaled by a power of two from 2^-30 to 2^30, one in eight
 * a special one (0, -0, +-1, a subnormal, +-huge, +-inf, NaN); `positive`: their magnitudes.
 */
function values(ctor: Ctor, n: number, gen: Generator, positive = false): FloatArray {
  const f32 = ctor === Float32Array;
  const special = [0, -0, 1, -1, f32 ? 1e-40 : 1e-310, f32 ? 3e38 : 1e308, f32 ? -3e38 : -1e308, Infinity, -Infinity, NaN];
  const u = new Float64Array(3 * n);
  gen.fillUniform(u, 0, 1);
  const out = new ctor(n);
  // NOTE: no Math calls (slow under jest, see LARGE_SGD_CASES)
  for (let i = 0; i < n; i++) {
    const x = u[3 * i] < 1 / 8 ? special[(u[3 * i + 1] * special.length) | 0] : (2 * u[3 * i + 1] - 1) * 2 ** (((u[3 * i + 2] * 61) | 0) - 30);
    out[i] = positive && x < 0 ? -x : x;
  }
  return out;
}

interface SgdCase {
  lr: number;
  momentum: number;
  first: boolean;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
  maximize: boolean;
}

/** Every combination of SGD's options (first, dampening and nesterov only with momentum). */
function sgdCases(): SgdCase[] {
  const out: SgdCase[] = [];
  for (const weightDecay of [0, 0.01]) {
    for (const maximize of [false, true]) {
      out.push({ lr: 0.1, momentum: 0, first: false, dampening: 0, nesterov: false, weightDecay, maximize });
      for (const first of [true, false]) {
        for (const dampening of [0, 0.1]) {
          for (const nesterov of [false, true]) out.push({ lr: 0.3, momentum: 0.9, first, dampening, nesterov, weightDecay, maximize });
        }
      }
    }
  }
  return out;
}

/**
 * SGD's cases at the large size: each option on and off at least once (all combinations run at
 * the small sizes, split; the per-element arithmetic does not depend on the size). NOTE: few,
 * because the reference is slow under jest: Math.fround and Math.sqrt cost ~300 ns a call there
 * (the test environment's Math comes from another realm, so V8 does not inline them), ~0.5 s per
 * 2M-element float32 update.
 */
const LARGE_SGD_CASES: SgdCase[] = [
  { lr: 0.1, momentum: 0, first: false, dampening: 0, nesterov: false, weightDecay: 0, maximize: false },
  { lr: 0.1, momentum: 0, first: false, dampening: 0, nesterov: false, weightDecay: 0.01, maximize: true },
  { lr: 0.3, momentum: 0.9, first: true, dampening: 0, nesterov: false, weightDecay: 0, maximize: false },
  { lr: 0.3, momentum: 0.9, first: false, dampening: 0.1, nesterov: false, weightDecay: 0.01, maximize: false },
  { lr: 0.3, momentum: 0.9, first: false, dampening: 0, nesterov: true, weightDecay: 0.01, maximize: true },
  { lr: 0.3, momentum: 0.9, first: true, dampening: 0.1, nesterov: true, weightDecay: 0, maximize: true },
];

interface AdadeltaCase {
  lr: number;
  rho: number;
  eps: number;
  weightDecay: number;
  maximize: boolean;
}

const ADADELTA_CASES: AdadeltaCase[] = [
  { lr: 1, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false },
  { lr: 1, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: true },
  { lr: 0.3, rho: 0.9, eps: 1e-6, weightDecay: 0.01, maximize: false },
  { lr: 0.3, rho: 0.95, eps: 1e-3, weightDecay: 0.01, maximize: true },
  { lr: 0.1, rho: 0, eps: 1e-8, weightDecay: 0, maximize: false },
  { lr: 0.1, rho: 1, eps: 0.1, weightDecay: 0.5, maximize: false },
];

let cached: { key: string; arrays: FloatArray[] } | null = null;
/** The inputs of size n: p, grad, a buffer, and two non-negative running means (the last size's kept). */
function inputs(ctor: Ctor, n: number): FloatArray[] {
  const key = `${ctor.name} ${n}`;
  if (cached?.key !== key) {
    const gen = new Generator(n + 1);
    cached = { key, arrays: [values(ctor, n, gen), values(ctor, n, gen), values(ctor, n, gen), values(ctor, n, gen, true), values(ctor, n, gen, true)] };
  }
  return cached.arrays;
}

/** A backend to check, set up as the check wants it (thresholds, threads) by `use`. */
interface Runner {
  name: string;
  use(): KernelBackend;
}

const threaded = (threads: number, split: number | null): Runner => ({
  name: `${threads} thread${threads > 1 ? 's' : ''}${split === null ? '' : ', every update split'}`,
  use: () => {
    setOptimizerSizes(0, split);
    return createThreadedWasmBackend(threads)!;
  },
});
const one: Runner = {
  name: 'one-thread wasm',
  use: () => {
    setOptimizerSizes(0);
    return single!;
  },
};
/** Every update in wasm, split however small on the threads backend. */
const SMALL_RUNNERS = single ? [one, ...(threadsReason ? [] : [1, 2, 3].map((t) => threaded(t, 2)))] : [];
/** The default split thresholds. */
const LARGE_RUNNERS = single ? [one, ...(threadsReason ? [] : [2, 3].map((t) => threaded(t, null)))] : [];

/** SGD on each runner and on jsBackend from the same inputs: the same bits in p and the buffer. */
function checkSgd(runners: Runner[], ctor: Ctor, n: number, c: SgdCase): void {
  const [p, grad, buf] = inputs(ctor, n);
  const run = (backend: KernelBackend) => {
    const pc = p.slice(),
      bc = c.momentum !== 0 ? buf.slice() : null;
    backend.sgdUpdate(pc, grad, bc, c.first, c.lr, c.momentum, c.dampening, c.nesterov, c.weightDecay, c.maximize);
    return [pc, bc];
  };
  const [pj, bj] = run(jsBackend);
  for (const r of runners) {
    const [pw, bw] = run(r.use());
    const at = `${r.name} ${ctor.name} n=${n} ${JSON.stringify(c)}`;
    expectSameBits(`${at} p`, pw!, pj!);
    if (bj) expectSameBits(`${at} buf`, bw!, bj);
  }
}

/** Adadelta on each runner and on jsBackend from the same inputs: the same bits in p and both running means. */
function checkAdadelta(runners: Runner[], ctor: Ctor, n: number, c: AdadeltaCase): void {
  const [p, grad, , v, u] = inputs(ctor, n);
  const run = (backend: KernelBackend) => {
    const out = [p.slice(), v.slice(), u.slice()];
    backend.adadeltaUpdate(out[0], grad, out[1], out[2], c.lr, c.rho, c.eps, c.weightDecay, c.maximize);
    return out;
  };
  const [pj, vj, uj] = run(jsBackend);
  for (const r of runners) {
    const [pw, vw, uw] = run(r.use());
    const at = `${r.name} ${ctor.name} n=${n} ${JSON.stringify(c)}`;
    expectSameBits(`${at} p`, pw, pj);
    expectSameBits(`${at} squareAvg`, vw, vj);
    expectSameBits(`${at} accDelta`, uw, uj);
  }
}

(single ? describe : describe.skip)('optimizer kernels: wasm, one thread and 1, 2, 3 threads, bit-identical to the TS kernels', () => {
  beforeAll(async () => {
    if (!threadsReason) await untilRunning(createThreadedWasmBackend(3)!, 3);
  }, 60_000);
  afterAll(() => {
    setOptimizerSizes();
    cached = null;
    if (!threadsReason) setNumThreads(os.availableParallelism());
  });

  test('runs the build this runtime supports best (TSGRAD_EXPECT_SIMD names it, when set)', () => {
    const simd = relaxedSimdSupported() ? 'relaxed-simd' : 'simd128';
    if (process.env.TSGRAD_EXPECT_SIMD) expect(simd).toBe(process.env.TSGRAD_EXPECT_SIMD);
    expect(simdFlavor(single!)).toBe(simd);
  });

  for (const ctor of DTYPES) {
    test(`SGD, ${ctor.name}: every option combination, sizes ${SIZES.join(', ')}, every update in wasm and split`, () => {
      for (const n of SIZES) for (const c of sgdCases()) checkSgd(SMALL_RUNNERS, ctor, n, c);
    });
    test(`SGD, ${ctor.name}: each option at ${LARGE} elements, the default thresholds`, () => {
      for (const c of LARGE_SGD_CASES) checkSgd(LARGE_RUNNERS, ctor, LARGE, c);
    });
    test(`Adadelta, ${ctor.name}: lr, rho, eps, weightDecay, maximize, sizes ${SIZES.join(', ')}, every update in wasm and split`, () => {
      for (const n of SIZES) for (const c of ADADELTA_CASES) checkAdadelta(SMALL_RUNNERS, ctor, n, c);
    });
    const large = ctor === Float32Array ? LARGE_ADADELTA_F32 : LARGE;
    test(`Adadelta, ${ctor.name}: lr, rho, eps, weightDecay, maximize at ${large} elements, the default thresholds`, () => {
      for (const c of large === LARGE ? [ADADELTA_CASES[1], ADADELTA_CASES[3]] : ADADELTA_CASES) checkAdadelta(LARGE_RUNNERS, ctor, large, c);
    });
  }

  test('by default, updates below the size threshold run the TS kernel (the same bits)', () => {
    const below: Runner = { name: 'default sizes', use: () => (setOptimizerSizes(), single!) };
    checkSgd([below], Float32Array, 127, sgdCases()[5]);
    checkAdadelta([below], Float32Array, 127, ADADELTA_CASES[2]);
  });
});
