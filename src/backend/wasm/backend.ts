/**
 * The WebAssembly SIMD kernel backend: the module compiled from ./assembly (bytes in
 * ./kernels.wasm.ts), instantiated synchronously at first use, and a scratch arena in its memory.
 * Two of them: one thread on the SIMD128 build (its own memory), and, where threads can run, the
 * threads build on a shared memory with a pool of workers (./pool.ts) that GEMM, the linear
 * kernels and the convolutions (a batch's images shared out, ./assembly/conv.ts) split across.
 *
 * Tensors stay in JS typed arrays (growing a WebAssembly memory detaches every view on it, so
 * tensors cannot live there); each op copies its operands in with one `TypedArray.set` each and its
 * results out once. The arena is laid out afresh by every call from the start of the heap, and the
 * memory grows only when a call needs more than any before it, so it stays flat over a training run
 * (a convolution lays out at most CONV_CALL_BYTES of a batch at a time).
 */
import type { FloatArray, TypedArray } from '../../dtype';
import { type ConvGeometry, type ConvShape, isIdentity } from '../../kernels/conv';
import { isPlain2x2, type Windows } from '../../kernels/pooling';
import type { ArithmeticOp, KernelBackend } from '../registry';
import { jsBackend } from '../js';
import { KERNELS_RELAXED_THREADS_WASM_BASE64, KERNELS_RELAXED_WASM_BASE64, KERNELS_THREADS_WASM_BASE64, KERNELS_WASM_BASE64 } from './kernels.wasm';
import { CONTROL_BYTES, MAX_CHUNKS, MAX_WORKERS, Pool, threadsUnavailableReason, type KernelName } from './pool';

type Ptr = number;

interface KernelExports {
  memory: WebAssembly.Memory;
  heapBase(): Ptr;
  gemmScratchBytes(n: number, k: number, elementBytes: number): number;
  gemmF32: GemmFn;
  gemmF64: GemmFn;
  gemmPartF32: GemmPartFn;
  gemmPartF64: GemmPartFn;
  linearForwardF32: LinearForwardFn;
  linearForwardF64: LinearForwardFn;
  linearBackwardF32: LinearBackwardFn;
  linearBackwardF64: LinearBackwardFn;
  linearForwardPartF32: (...args: number[]) => void;
  linearForwardPartF64: (...args: number[]) => void;
  linearBackwardPartF32: (...args: number[]) => void;
  linearBackwardPartF64: (...args: number[]) => void;
  convForwardPartF32: ConvForwardPartFn;
  convForwardPartF64: ConvForwardPartFn;
  convBackwardPartF32: ConvBackwardPartFn;
  convBackwardPartF64: ConvBackwardPartFn;
  winogradWeightsF32: (w: Ptr, groups: number, ic: number, bc: number, u: Ptr, tmp: Ptr) => void;
  winogradScratchBytes: (ic: number, bc: number, tiles: number, gemmBytes: number) => number;
  winogradForwardPartF32: ConvForwardPartFn;
  winogradWeightGradPartF32: (
    geo: Ptr,
    g: Ptr,
    x: Ptr,
    du: Ptr,
    batch: number,
    groups: number,
    ic: number,
    bc: number,
    per: number,
    scratch: Ptr,
    chunk: number,
    chunks: number,
  ) => void;
  winogradWeightGradF32: (du: Ptr, groups: number, ic: number, bc: number, dw: Ptr, tmp: Ptr) => void;
  convAddBiasF32: (y: Ptr, bias: Ptr, batch: number, channels: number, blocks: number) => void;
  convAddBiasF64: (y: Ptr, bias: Ptr, batch: number, channels: number, blocks: number) => void;
  im2colF32: FoldFn;
  im2colF64: FoldFn;
  col2imF32: FoldFn;
  col2imF64: FoldFn;
  convSumSlicesF32: (src: Ptr, slices: number, n: number, dst: Ptr) => void;
  convSumSlicesF64: (src: Ptr, slices: number, n: number, dst: Ptr) => void;
  crossEntropyForwardF32: CrossEntropyForwardFn;
  crossEntropyForwardF64: CrossEntropyForwardFn;
  crossEntropyBackwardF32: CrossEntropyBackwardFn;
  crossEntropyBackwardF64: CrossEntropyBackwardFn;
  bernoulliFillF32: (state: Ptr, out: Ptr, n: number, p: number, value: number) => void;
  bernoulliFillF64: (state: Ptr, out: Ptr, n: number, p: number, value: number) => void;
  arithmeticF32: ArithmeticFn;
  arithmeticF64: ArithmeticFn;
  reluF32: MapFn;
  reluF64: MapFn;
  reluBackwardF32: Map2Fn;
  reluBackwardF64: Map2Fn;
  sigmoidBackwardF32: Map2Fn;
  sigmoidBackwardF64: Map2Fn;
  maxPool2dF32: MaxPoolFn;
  maxPool2dF64: MaxPoolFn;
  maxPool2x2F32: MaxPool2x2Fn;
  maxPool2x2F64: MaxPool2x2Fn;
  maxPoolScatterF32: (g: Ptr, argmax: Ptr, n: number, dx: Ptr) => void;
  maxPoolScatterF64: (g: Ptr, argmax: Ptr, n: number, dx: Ptr) => void;
  avgPool2dF32: AvgPoolFn;
  avgPool2dF64: AvgPoolFn;
  avgPool2dAdjointF32: AvgPoolFn;
  avgPool2dAdjointF64: AvgPoolFn;
  sgdUpdatePartF32: SgdPartFn;
  sgdUpdatePartF64: SgdPartFn;
  adadeltaUpdatePartF32: AdadeltaPartFn;
  adadeltaUpdatePartF64: AdadeltaPartFn;
}
/** out = a op b over n elements (assembly/arithmetic.ts), op an index into ARITHMETIC_CODES; steps 1 (an array) or 0 (one value). */
type ArithmeticFn = (op: number, a: Ptr, aStep: number, b: Ptr, bStep: number, out: Ptr, n: number) => void;
/** KernelBackend.arithmetic's operations as assembly/arithmetic.ts numbers them. */
const ARITHMETIC_CODES: Record<ArithmeticOp, number> = { add: 0, sub: 1, mul: 2, div: 3 };
/** SGD's update of elements of part `part` of `parts` (assembly/optim.ts): params -> [lr, momentum, dampening, weightDecay]. */
type SgdPartFn = (p: Ptr, grad: Ptr, buf: Ptr, n: number, flags: number, params: Ptr, scratch: Ptr, part: number, parts: number) => void;
/** Adadelta's: params -> [lr, rho, eps, weightDecay]. */
type AdadeltaPartFn = (p: Ptr, grad: Ptr, v: Ptr, u: Ptr, n: number, maximize: number, params: Ptr, scratch: Ptr, part: number, parts: number) => void;
type MaxPoolFn = (
  x: Ptr,
  planes: number,
  inH: number,
  inW: number,
  outH: number,
  outW: number,
  rowStart: Ptr,
  rowEnd: Ptr,
  rowStep: number,
  colStart: Ptr,
  colEnd: Ptr,
  colStep: number,
  y: Ptr,
  argmax: Ptr,
) => void;
type MaxPool2x2Fn = (x: Ptr, planes: number, inH: number, inW: number, outH: number, outW: number, y: Ptr, argmax: Ptr) => void;
/** avgPool2d (src, y = dst) and its adjoint (src = g, dst = dx, added to). */
type AvgPoolFn = (
  src: Ptr,
  planes: number,
  inH: number,
  inW: number,
  outH: number,
  outW: number,
  rowStart: Ptr,
  rowEnd: Ptr,
  rowDivisor: Ptr,
  colStart: Ptr,
  colEnd: Ptr,
  colDivisor: Ptr,
  hasDivisor: boolean,
  divisor: number,
  dst: Ptr,
) => void;
type GemmPartFn = (...args: [...Parameters<GemmFn>, part: number, parts: number]) => void;
type GemmFn = (transA: boolean, transB: boolean, m: number, n: number, k: number, a: Ptr, b: Ptr, c: Ptr, accumulate: boolean, scratch: Ptr) => void;
type LinearForwardFn = (x: Ptr, w: Ptr, bias: Ptr, rows: number, inF: number, outF: number, y: Ptr, scratch: Ptr) => void;
type LinearBackwardFn = (g: Ptr, x: Ptr, w: Ptr, rows: number, inF: number, outF: number, dx: Ptr, dw: Ptr, db: Ptr, scratch: Ptr) => void;
type FoldFn = (src: Ptr, batch: number, channels: number, geo: Ptr, dst: Ptr) => void;
type ConvForwardPartFn = (
  geo: Ptr,
  x: Ptr,
  w: Ptr,
  bias: Ptr,
  y: Ptr,
  batch: number,
  groups: number,
  imageChannels: number,
  blockChannels: number,
  per: number,
  scratch: Ptr,
  chunk: number,
  chunks: number,
) => void;
type ConvBackwardPartFn = (
  geo: Ptr,
  g: Ptr,
  x: Ptr,
  w: Ptr,
  dx: Ptr,
  dw: Ptr,
  batch: number,
  groups: number,
  imageChannels: number,
  blockChannels: number,
  per: number,
  scratch: Ptr,
  chunk: number,
  chunks: number,
) => void;
type CrossEntropyForwardFn = (x: Ptr, targets: Ptr, rows: number, classes: number, ignoreIndex: number, stats: Ptr, losses: Ptr) => number;
type CrossEntropyBackwardFn = (x: Ptr, targets: Ptr, stats: Ptr, rows: number, classes: number, ignoreIndex: number, scale: number, dx: Ptr) => void;
type MapFn = (x: Ptr, out: Ptr, n: number) => void;
type Map2Fn = (a: Ptr, b: Ptr, out: Ptr, n: number) => void;

/**
 * Element-wise ops below this many elements stay in the TS kernels: there the call and the copies
 * cost more than the loop (float32 relu: 0.12 us either way at 32 elements, 0.59 vs 0.28 us at 128;
 * bench/wasm-kernels.ts).
 */
const ELEMENTWISE_MIN = 64;
/** Bytes past each operand that the kernels may read (gemm's edge tiles read a full vector row). */
const PAD = 64;
/**
 * Elements an element-wise call (map, map2, arithmetic, the unsplit optimizer updates) copies in,
 * computes and copies out at a time, through the same arena space: the copies and the kernel then
 * meet in the cache (four float32 operands of 16K elements: 256 KB) instead of each pass going out
 * to memory. Element-wise kernels give the same bits in chunks.
 */
const STREAM_CHUNK = 1 << 14;
/** Optimizer updates of fewer elements stay in the TS kernels (see the NOTE at sgdUpdate). */
const OPTIMIZER_MIN = 128;
/**
 * Elements from which an optimizer update is split across threads, each taking at least half: by
 * default none is (see the NOTE at sgdUpdate); setOptimizerSizes sets it for tests.
 */
const OPTIMIZER_SPLIT = Infinity;
let optimizerMin = OPTIMIZER_MIN;
let optimizerSplit: number | null = null;

/**
 * Sets the elements below which optimizer updates run in the TS kernels (default OPTIMIZER_MIN)
 * and, when given, from which every one is split across threads (default: per kernel, as
 * measured): for tests (`setOptimizerSizes(0, 2)` sends every update to wasm and splits it) and
 * benchmarks. No arguments restore the defaults.
 */
export function setOptimizerSizes(min = OPTIMIZER_MIN, split: number | null = null): void {
  optimizerMin = min;
  optimizerSplit = split;
}

/**
 * Multiply-adds of a GEMM (m·n·k) per thread below which a thread is not worth waking: a hand-off
 * costs a few microseconds, this much work ~10 us on one core.
 */
const MIN_WORK_PER_THREAD = 1 << 17;
let minWorkPerThread = MIN_WORK_PER_THREAD;
/**
 * Chunks a split call is cut into per thread. One: a chunk that cuts C by columns packs all of
 * op(A) again (by rows, all of op(B)), and at three a thread the repacking cost more than the balance
 * gained (2 threads, linear forward [64, 784] x [128, 784]^T: 275 -> 228 us; [128, 784] x
 * [512, 784]^T 1701 -> 1599 us; its backward 3240 -> 3105 us). Threads still claim chunks one at a
 * time, so a worker that starts late leaves its chunk to the caller.
 */
const CHUNKS_PER_THREAD = 1;

/**
 * Sets the work per thread below which calls are not split (default MIN_WORK_PER_THREAD; 1 splits
 * every call across all threads): for tests of the split at small sizes, and benchmarks.
 */
export function setMinWorkPerThread(work: number): void {
  minWorkPerThread = work;
}
/** The pages a threads build's shared memory may grow to (the module's maximum: 4 GiB). */
const SHARED_MAXIMUM_PAGES = 65536;

/** A module with one function returning an i32x4.splat: it validates only where SIMD is supported. */
const SIMD_PROBE = new Uint8Array([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00, // magic, version 1
  0x01,
  0x05,
  0x01,
  0x60,
  0x00,
  0x01,
  0x7b, // type section: () -> v128
  0x03,
  0x02,
  0x01,
  0x00, // function section: one function of type 0
  0x0a,
  0x08,
  0x01,
  0x06,
  0x00,
  0x41,
  0x00,
  0xfd,
  0x11,
  0x0b, // code: i32.const 0, i32x4.splat, end
]);

/** v128.const 0 */
const V128_ZERO = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
/**
 * SIMD_PROBE's header, type and function sections, and a body returning f32x4.relaxed_madd of three
 * zero vectors: it validates only where relaxed SIMD is supported.
 */
const RELAXED_SIMD_PROBE = new Uint8Array([
  ...SIMD_PROBE.subarray(0, 19),
  0x0a,
  61,
  0x01,
  59,
  0x00,
  ...V128_ZERO,
  ...V128_ZERO,
  ...V128_ZERO,
  0xfd,
  0x85,
  0x02,
  0x0b,
]);

/**
 * The SIMD flavour of the kernels: 'relaxed-simd' (fused multiply-adds in GEMM's register tiles)
 * where the runtime validates relaxed SIMD, 'simd128' elsewhere.
 *
 * NOTE: relaxed SIMD ships in Chrome 114+, Firefox 145+... and Node 21+ (V8 11.4+); Node 20 (V8
 * 11.3) has it only behind `node --experimental-wasm-relaxed-simd`. Node's
 * `v8.setFlagsFromString` could set that flag from here (it works on Node 20, workers included), but
 * we do not: it changes V8's flags for the whole process after start-up, which Node documents as
 * possibly unpredictable; this module also runs in browsers, which have no `node:v8`; and Node 20
 * reached its end of life in April 2026 (Node 22 and 24 validate relaxed SIMD without a flag). We
 * use it wherever it validates, so on Node 20 the SIMD128 build runs unless the user starts node
 * with that flag, which we take as asking for it (tests/backend/relaxed-simd.test.ts runs the thread
 * tests in such a process). FMA rounds once where mul + add rounds twice: results differ from the
 * SIMD128 build and the TS kernels in the last bits (within the same error bound), while staying
 * bit-identical across thread counts, as every thread runs the same build.
 */
export type SimdFlavor = 'simd128' | 'relaxed-simd';

let backend: WasmBackend | null = null;
let unavailable: string | null = null;
let flavor: SimdFlavor = 'simd128';

/** The wasm backend, made at the first call; null where WebAssembly SIMD is unavailable. */
export function createWasmBackend(): KernelBackend | null {
  if (backend || unavailable) return backend;
  try {
    if (typeof WebAssembly !== 'object' || typeof WebAssembly.validate !== 'function') {
      unavailable = 'this runtime has no WebAssembly';
    } else if (!WebAssembly.validate(SIMD_PROBE)) {
      unavailable = 'this runtime rejects WebAssembly SIMD (128-bit) instructions';
    } else {
      // NOTE: synchronous compile; a browser's main thread may refuse it for large modules (Chrome's
      // limit is 8 MB today, this module is ~12 KB), and then the js backend is used.
      const relaxed = relaxedSimdSupported() ? instantiateOwn(KERNELS_RELAXED_WASM_BASE64) : null;
      if (relaxed) flavor = 'relaxed-simd';
      backend = new WasmBackend(relaxed ?? instantiateOwn(KERNELS_WASM_BASE64)!, flavor);
    }
  } catch (e) {
    unavailable = `compiling the kernels failed: ${e instanceof Error ? e.message : String(e)}`;
  }
  return backend;
}

/** Whether this runtime validates relaxed SIMD (then the kernels run the relaxed-SIMD builds). */
export function relaxedSimdSupported(): boolean {
  return typeof WebAssembly === 'object' && WebAssembly.validate(RELAXED_SIMD_PROBE);
}

/** The kernels of a build with its own memory; null if it fails to compile or instantiate. */
function instantiateOwn(base64: string): KernelExports | null {
  try {
    const module = new WebAssembly.Module(decodeBase64(base64));
    return new WebAssembly.Instance(module, { env: { exp: Math.exp, log: Math.log } }).exports as unknown as KernelExports;
  } catch (e) {
    if (base64 === KERNELS_WASM_BASE64) throw e;
    return null;
  }
}

let threaded: WasmBackend | null = null;
let threadsUnavailable: string | null = null;

/**
 * The threads backend, made at the first call (its workers start then, without being waited
 * for), using `threads` threads counting the caller; null where threads cannot run here (see
 * threadsBackendUnavailableReason).
 */
export function createThreadedWasmBackend(threads: number): KernelBackend | null {
  if (!threaded && !threadsUnavailable) {
    const single = createWasmBackend();
    threadsUnavailable = single ? threadsUnavailableReason() : (unavailable ?? 'WebAssembly SIMD is unavailable');
    if (!threadsUnavailable) {
      try {
        // the same flavour as the one-thread backend, so the thread count never changes a result
        const module = new WebAssembly.Module(decodeBase64(flavor === 'relaxed-simd' ? KERNELS_RELAXED_THREADS_WASM_BASE64 : KERNELS_THREADS_WASM_BASE64));
        const memory = sharedMemory(2);
        const instance = new WebAssembly.Instance(module, { env: { memory, exp: Math.exp, log: Math.log } });
        const ex = instance.exports as unknown as KernelExports;
        const control = (ex.heapBase() + 63) & ~63;
        threaded = new WasmBackend(ex, flavor, new Pool(module, memory, control, instance.exports), control + CONTROL_BYTES, single as WasmBackend);
      } catch (e) {
        threadsUnavailable = `starting the threads build failed: ${e instanceof Error ? e.message : String(e)}`;
      }
    }
  }
  threaded?.useThreads(threads);
  return threaded;
}

/**
 * The weight gradient of a convolution over a batch is summed in slices of whole images, each
 * slice's partial sum computed by one thread, then the partials added in slice order: at most this
 * many slices (so at most this many threads share a backward), and fewer when the partials would
 * take more than SLICE_BYTES. The slices depend on the batch and the weight only, never on the
 * thread count, so the gradient is bit-identical whatever the thread count.
 */
const MAX_SLICES = 16;
const SLICE_BYTES = 64 << 20;
/**
 * Bytes of operands a convolution call lays out at most (past one image or one slice of images):
 * a bigger batch runs in several calls of whole images (whole slices), with the same results, so
 * the memory does not grow (and stay) to hold a whole large batch.
 */
const CONV_CALL_BYTES = 64 << 20;
let convCallBytes = CONV_CALL_BYTES;

/** Sets the bytes a convolution call lays out at most (default CONV_CALL_BYTES): for tests of the split into calls. */
export function setConvCallBytes(bytes: number): void {
  convCallBytes = bytes;
}

/** Images per slice (see MAX_SLICES) of a batch of `batch` images, for partial sums of `partialBytes` each (the weight's, or its Winograd transform's). */
export function convSliceImages(batch: number, partialBytes: number): number {
  const most = Math.max(1, Math.min(MAX_SLICES, Math.floor(SLICE_BYTES / Math.max(1, partialBytes))));
  return Math.max(1, Math.ceil(batch / most));
}

/** Floats of a convolution's weights in the Winograd space: 36 (6x6) per kernel. */
function winogradWeightLength(s: ConvShape): number {
  return 36 * s.groups * s.blockChannels * s.imageChannels;
}
/** Bytes of the weight transforms' scratch (winogradWeightsF32, winogradWeightGradF32): 24 float64. */
const WEIGHT_TRANSFORM_TMP = 192;

/** Channels a convolution needs on each side before its forward goes by Winograd (see usesWinograd). */
const WINOGRAD_MIN_CHANNELS = 8;
let winograd = true;

/** Turns the Winograd forward off (im2col for every convolution) or back on: for tests and benchmarks. */
export function setWinograd(enabled: boolean): void {
  winograd = enabled;
}

/**
 * Whether a convolution goes by Winograd F(4x4, 3x3) (assembly/winograd.ts): its forward, the input
 * gradient (where that convolution's padding 2 - p is not negative) and the weight gradient.
 * float32, a 3x3 kernel, stride 1, dilation 1, and at least WINOGRAD_MIN_CHANNELS channels in and
 * out per group (with fewer, its 36 products of k = imageChannels do not pay for the transforms):
 * 36 multiply-adds per 4x4 outputs and channel pair instead of im2col's 144. float64 keeps im2col,
 * bit-identical to the TS kernels; float32 results agree with im2col's to rounding, a few dozen
 * float32 units of the sum of |terms| where im2col's are a few (tests/backend/winograd.test.ts).
 */
export function usesWinograd(s: ConvShape, elementBytes: number): boolean {
  const { geo } = s;
  return (
    winograd &&
    elementBytes === 4 &&
    geo.kH === 3 &&
    geo.kW === 3 &&
    geo.sH === 1 &&
    geo.sW === 1 &&
    geo.dH === 1 &&
    geo.dW === 1 &&
    s.imageChannels >= WINOGRAD_MIN_CHANNELS &&
    s.blockChannels >= WINOGRAD_MIN_CHANNELS
  );
}

/**
 * The convolution whose forward is the input gradient of `s`'s (3x3, stride 1, dilation 1, padding
 * <= 2): over g's images (blockChannels planes of outH x outW), padding 2 - p, imageChannels out.
 */
function inputGradientShape(s: ConvShape): ConvShape {
  const { geo } = s;
  return {
    batch: s.batch,
    groups: s.groups,
    imageChannels: s.blockChannels,
    blockChannels: s.imageChannels,
    geo: { inH: geo.outH, inW: geo.outW, kH: 3, kW: 3, sH: 1, sW: 1, pH: 2 - geo.pH, pW: 2 - geo.pW, dH: 1, dW: 1, outH: geo.inH, outW: geo.inW },
  };
}

/** w [groups, bc, ic, 3, 3] as [groups, ic, bc, 3, 3], each 3x3 kernel turned 180 degrees. */
function flippedKernels(w: Float32Array, groups: number, ic: number, bc: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let g = 0; g < groups; g++) {
    for (let k = 0; k < bc; k++) {
      for (let c = 0; c < ic; c++) {
        const from = ((g * bc + k) * ic + c) * 9;
        const to = ((g * ic + c) * bc + k) * 9;
        for (let i = 0; i < 9; i++) out[to + i] = w[from + 8 - i];
      }
    }
  }
  return out;
}

/** A shared memory of `initial` pages, with the largest maximum this runtime reserves (4 GiB, else less). */
function sharedMemory(initial: number): WebAssembly.Memory {
  for (let maximum = SHARED_MAXIMUM_PAGES; ; maximum >>= 2) {
    try {
      return new WebAssembly.Memory({ initial, maximum, shared: true });
    } catch (e) {
      if (maximum <= 1024) throw e;
    }
  }
}

/** Threads that run `k`'s kernels now (1 for any backend but the threads one). */
export function runningThreads(k: KernelBackend): number {
  return k instanceof WasmBackend ? k.runningThreads() : 1;
}

/** The SIMD flavour of `k`'s kernels ('none' for the js backend). */
export function simdFlavor(k: KernelBackend): SimdFlavor | 'none' {
  return k instanceof WasmBackend ? k.simd : 'none';
}

/** Why the threads backend is unavailable, or null when it is (or was not tried yet). */
export function threadsBackendUnavailableReason(): string | null {
  return threadsUnavailable;
}

/** Why the wasm backend is unavailable, or null when it is (or was not tried yet). */
export function wasmUnavailableReason(): string | null {
  return unavailable;
}

/**
 * Bytes of WebAssembly memory the kernels hold (for tests and benchmarks): the one-thread
 * backend's memory plus the threads backend's shared one, 0 before either is made.
 */
export function wasmMemoryBytes(): number {
  return (backend ? backend.memoryBytes() : 0) + (threaded ? threaded.memoryBytes() : 0);
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Base64 to bytes without atob or Buffer (neither is in every JS context). */
export function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  const table = new Uint8Array(128);
  for (let i = 0; i < BASE64.length; i++) table[BASE64.charCodeAt(i)] = i;
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((s.length / 4) * 3 - pad);
  for (let i = 0, o = 0; i < s.length; i += 4) {
    const n = (table[s.charCodeAt(i)] << 18) | (table[s.charCodeAt(i + 1)] << 12) | (table[s.charCodeAt(i + 2)] << 6) | table[s.charCodeAt(i + 3)];
    out[o++] = n >> 16;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}

const isF32 = (a: FloatArray): boolean => a.BYTES_PER_ELEMENT === 4;

class WasmBackend implements KernelBackend {
  readonly name = 'wasm' as const;
  readonly simd: SimdFlavor;
  private readonly ex: KernelExports;
  private readonly pool: Pool | null;
  /** Threads a call may use, counting the caller (1 without a pool). */
  private threads = 1;
  private readonly base: Ptr;
  private buffer: ArrayBuffer;
  private f32: Float32Array;
  private f64: Float64Array;
  private i32: Int32Array;
  /** The next free byte of the arena during a call. */
  private top: Ptr = 0;
  /**
   * The threads backend's one-thread twin (the same build on its own, unshared memory), which runs
   * every call that is not split: V8 copies typed arrays into and out of a shared memory element by
   * element, about 4x slower than into an unshared one (25,088 float32: 3.4-4.0 vs 0.9 us), so an
   * unsplit call costs less there, with the same bits (the same kernels).
   */
  private readonly solo: WasmBackend | null;

  /** `ex` the kernels; with a pool, the arena starts at `base` (after the pool's control block). */
  constructor(ex: KernelExports, simd: SimdFlavor, pool: Pool | null = null, base = ex.heapBase(), solo: WasmBackend | null = null) {
    this.ex = ex;
    this.solo = solo;
    this.simd = simd;
    this.pool = pool;
    this.base = (base + 63) & ~63;
    this.buffer = ex.memory.buffer;
    this.f32 = new Float32Array(this.buffer);
    this.f64 = new Float64Array(this.buffer);
    this.i32 = new Int32Array(this.buffer);
  }

  memoryBytes(): number {
    return this.ex.memory.buffer.byteLength;
  }

  /** Uses up to `threads` threads from now on (starting the workers that takes, without waiting for them). */
  useThreads(threads: number): void {
    if (!this.pool) return;
    this.threads = Math.min(threads, MAX_WORKERS + 1);
    this.pool.ensureWorkers(this.threads - 1);
  }

  /** Threads that run the kernels now: the caller and the workers that have started. */
  runningThreads(): number {
    return this.pool ? 1 + Math.min(this.threads - 1, this.pool.readyWorkers()) : 1;
  }

  /** How many threads a call of `work` multiply-adds is split across (1: this thread alone). */
  private partsFor(work: number): number {
    if (this.threads === 1 || work < 2 * minWorkPerThread) return 1;
    return Math.max(1, Math.min(this.threads, 1 + this.pool!.readyWorkers(), Math.floor(work / minWorkPerThread)));
  }

  /**
   * Runs `kernel(...args, scratch, chunk, chunks)` over `parts` threads (this one and parts - 1
   * workers, each with its scratch, `stride` bytes apart from `scratch`), in CHUNKS_PER_THREAD
   * chunks per thread while each keeps at least a quarter of minWorkPerThread.
   */
  private split(kernel: KernelName, args: number[], work: number, parts: number, scratch: Ptr, stride: number): void {
    const chunks = Math.max(parts, Math.min(parts * CHUNKS_PER_THREAD, Math.floor((4 * work) / minWorkPerThread)));
    this.pool!.run(kernel, args, parts, chunks, scratch, stride);
  }

  /**
   * Starts laying out a call that needs at most `bytes` (plus padding per operand), growing the
   * memory if needed. False when it cannot grow that far (past 4 GB): the caller then runs the TS kernel.
   */
  private begin(bytes: number, operands: number): boolean {
    const need = this.base + bytes + operands * (PAD + 64);
    // the buffer held here is the memory's own until the memory grows, which only this method
    // does (a grown non-shared buffer is detached, byteLength 0, and also lands here): so the
    // memory.buffer getter (~2% of a small op) runs only when the call may need more
    if (need > this.buffer.byteLength) {
      const have = this.ex.memory.buffer.byteLength;
      if (need > have) {
        try {
          this.ex.memory.grow(Math.ceil((need - have) / 65536));
        } catch {
          return false;
        }
      }
      this.buffer = this.ex.memory.buffer;
      this.f32 = new Float32Array(this.buffer);
      this.f64 = new Float64Array(this.buffer);
      this.i32 = new Int32Array(this.buffer);
    }
    this.top = this.base;
    return true;
  }

  private alloc(bytes: number): Ptr {
    const p = this.top;
    this.top = (p + bytes + PAD + 63) & ~63;
    return p;
  }

  /** Copies `len` elements of `src` from `offset` into the arena. */
  private put(src: FloatArray, offset: number, len: number): Ptr {
    const p = this.alloc(len * src.BYTES_PER_ELEMENT);
    this.copyIn(p, src, offset, len);
    return p;
  }

  /** Copies `len` elements of `src` from `offset` to `p`, in space already laid out. */
  private copyIn(p: Ptr, src: FloatArray, offset: number, len: number): void {
    const whole = offset === 0 && len === src.length ? src : src.subarray(offset, offset + len);
    if (isF32(src)) this.f32.set(whole, p >> 2);
    else this.f64.set(whole, p >> 3);
  }

  private putInt(src: Int32Array): Ptr {
    const p = this.alloc(src.length * 4);
    this.i32.set(src, p >> 2);
    return p;
  }

  /** Copies `len` elements at `p` out to `dst` from `offset`. */
  private get(p: Ptr, dst: FloatArray, offset: number, len: number): void {
    if (isF32(dst)) dst.set(this.f32.subarray(p >> 2, (p >> 2) + len), offset);
    else dst.set(this.f64.subarray(p >> 3, (p >> 3) + len), offset);
  }

  gemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    a: FloatArray,
    aOffset: number,
    b: FloatArray,
    bOffset: number,
    c: FloatArray,
    cOffset: number,
    accumulate: boolean,
  ): void {
    if (m <= 0 || n <= 0) return;
    if (k <= 0) {
      if (!accumulate) c.fill(0, cOffset, cOffset + m * n);
      return;
    }
    const es = a.BYTES_PER_ELEMENT;
    const parts = this.partsFor(m * n * k);
    if (parts === 1 && this.solo) return this.solo.gemm(transA, transB, m, n, k, a, aOffset, b, bOffset, c, cOffset, accumulate);
    const scratch = (this.ex.gemmScratchBytes(n, k, es) + 63) & ~63;
    if (!this.begin((m * k + k * n + m * n) * es + scratch * parts, 4)) {
      jsBackend.gemm(transA, transB, m, n, k, a, aOffset, b, bOffset, c, cOffset, accumulate);
      return;
    }
    const pa = this.put(a, aOffset, m * k);
    const pb = this.put(b, bOffset, k * n);
    const pc = accumulate ? this.put(c, cOffset, m * n) : this.alloc(m * n * es);
    const ps = this.alloc(scratch * parts);
    if (parts > 1) {
      this.split(es === 4 ? 'gemmPartF32' : 'gemmPartF64', [+transA, +transB, m, n, k, pa, pb, pc, +accumulate], m * n * k, parts, ps, scratch);
    } else {
      (es === 4 ? this.ex.gemmF32 : this.ex.gemmF64)(transA, transB, m, n, k, pa, pb, pc, accumulate, ps);
    }
    this.get(pc, c, cOffset, m * n);
  }

  linearForward(x: FloatArray, w: FloatArray, bias: FloatArray | null, rows: number, inF: number, outF: number, y: FloatArray): void {
    if (rows === 0 || outF === 0) return;
    const es = x.BYTES_PER_ELEMENT;
    const parts = this.partsFor(rows * outF * inF);
    if (parts === 1 && this.solo) return this.solo.linearForward(x, w, bias, rows, inF, outF, y);
    const scratch = (this.ex.gemmScratchBytes(outF, inF, es) + 63) & ~63;
    if (!this.begin((rows * inF + outF * inF + outF + rows * outF) * es + scratch * parts, 5)) {
      jsBackend.linearForward(x, w, bias, rows, inF, outF, y);
      return;
    }
    const px = this.put(x, 0, rows * inF);
    const pw = this.put(w, 0, outF * inF);
    const pb = bias ? this.put(bias, 0, outF) : 0;
    const py = this.alloc(rows * outF * es);
    const ps = this.alloc(scratch * parts);
    if (parts > 1) {
      this.split(es === 4 ? 'linearForwardPartF32' : 'linearForwardPartF64', [px, pw, pb, rows, inF, outF, py], rows * outF * inF, parts, ps, scratch);
    } else {
      (es === 4 ? this.ex.linearForwardF32 : this.ex.linearForwardF64)(px, pw, pb, rows, inF, outF, py, ps);
    }
    this.get(py, y, 0, rows * outF);
  }

  linearBackward(
    g: FloatArray,
    x: FloatArray,
    w: FloatArray,
    rows: number,
    inF: number,
    outF: number,
    dx: FloatArray | null,
    dw: FloatArray | null,
    db: FloatArray | null,
  ): void {
    const es = g.BYTES_PER_ELEMENT;
    const work = rows * inF * outF * ((dx ? 1 : 0) + (dw ? 1 : 0));
    const parts = this.partsFor(work);
    if (parts === 1 && this.solo) return this.solo.linearBackward(g, x, w, rows, inF, outF, dx, dw, db);
    const scratch = (Math.max(this.ex.gemmScratchBytes(inF, outF, es), this.ex.gemmScratchBytes(inF, rows, es)) + 63) & ~63;
    if (!this.begin((rows * outF + 2 * rows * inF + 2 * outF * inF + outF) * es + scratch * parts, 7)) {
      jsBackend.linearBackward(g, x, w, rows, inF, outF, dx, dw, db);
      return;
    }
    const pg = this.put(g, 0, rows * outF);
    const px = dw ? this.put(x, 0, rows * inF) : 0;
    const pw = dx ? this.put(w, 0, outF * inF) : 0;
    const pdx = dx ? this.alloc(rows * inF * es) : 0;
    const pdw = dw ? this.alloc(outF * inF * es) : 0;
    const pdb = db ? this.alloc(outF * es) : 0;
    const ps = this.alloc(scratch * parts);
    if (parts > 1) {
      this.split(es === 4 ? 'linearBackwardPartF32' : 'linearBackwardPartF64', [pg, px, pw, rows, inF, outF, pdx, pdw, pdb], work, parts, ps, scratch);
    } else {
      (es === 4 ? this.ex.linearBackwardF32 : this.ex.linearBackwardF64)(pg, px, pw, rows, inF, outF, pdx, pdw, pdb, ps);
    }
    if (dx) this.get(pdx, dx, 0, rows * inF);
    if (dw) this.get(pdw, dw, 0, outF * inF);
    if (db) this.get(pdb, db, 0, outF);
  }

  crossEntropyForward(x: FloatArray, targets: Int32Array, rows: number, classes: number, ignoreIndex: number, stats: Float64Array, losses: FloatArray): number {
    if (this.solo) return this.solo.crossEntropyForward(x, targets, rows, classes, ignoreIndex, stats, losses);
    const es = x.BYTES_PER_ELEMENT;
    if (!this.begin((rows * classes + rows) * es + rows * 20, 4)) {
      return jsBackend.crossEntropyForward(x, targets, rows, classes, ignoreIndex, stats, losses);
    }
    const px = this.put(x, 0, rows * classes);
    const pt = this.putInt(targets);
    const pl = this.alloc(rows * 16);
    const pr = this.alloc(rows * es);
    const counted = (es === 4 ? this.ex.crossEntropyForwardF32 : this.ex.crossEntropyForwardF64)(px, pt, rows, classes, ignoreIndex, pl, pr);
    stats.set(this.f64.subarray(pl >> 3, (pl >> 3) + 2 * rows));
    this.get(pr, losses, 0, rows);
    return counted;
  }

  crossEntropyBackward(
    x: FloatArray,
    targets: Int32Array,
    stats: Float64Array,
    rows: number,
    classes: number,
    ignoreIndex: number,
    scale: number,
    dx: FloatArray,
  ): void {
    if (this.solo) return this.solo.crossEntropyBackward(x, targets, stats, rows, classes, ignoreIndex, scale, dx);
    const es = x.BYTES_PER_ELEMENT;
    if (!this.begin(2 * rows * classes * es + rows * 20, 4)) {
      jsBackend.crossEntropyBackward(x, targets, stats, rows, classes, ignoreIndex, scale, dx);
      return;
    }
    const px = this.put(x, 0, rows * classes);
    const pt = this.putInt(targets);
    const pl = this.alloc(rows * 16);
    this.f64.set(stats, pl >> 3);
    const pd = this.alloc(rows * classes * es);
    (es === 4 ? this.ex.crossEntropyBackwardF32 : this.ex.crossEntropyBackwardF64)(px, pt, pl, rows, classes, ignoreIndex, scale, pd);
    this.get(pd, dx, 0, rows * classes);
  }

  /** Writes `geo` (12 i32, as assembly/conv.ts reads it) into the arena. */
  private putGeometry(geo: ConvGeometry): Ptr {
    const { inH, inW, kH, kW, sH, sW, pH, pW, dH, dW, outH, outW } = geo;
    const p = this.alloc(48);
    this.i32.set([inH, inW, kH, kW, sH, sW, pH, pW, dH, dW, outH, outW], p >> 2);
    return p;
  }

  /** Bytes of one thread's scratch for a convolution: the columns of one image and group, then gemm's (as gemmScratch in assembly/conv.ts). */
  private convScratchBytes(s: ConvShape, es: number): number {
    const { kH, kW, outH, outW } = s.geo;
    const rows = s.imageChannels * kH * kW;
    const blocks = outH * outW;
    const bc = s.blockChannels;
    const gemmBytes = Math.max(
      this.ex.gemmScratchBytes(blocks, rows, es),
      this.ex.gemmScratchBytes(rows, blocks, es),
      this.ex.gemmScratchBytes(blocks, bc, es),
    );
    return (((rows * blocks * es + 64 + 63) & ~63) + gemmBytes + 63) & ~63;
  }

  /**
   * The whole batch in one call (or a few, past CONV_CALL_BYTES): the input copied in once and the
   * output out once; images shared out across the threads, each computed the same way on any
   * thread (bit-identical whatever the thread count, and to the TS kernel's im2col + this
   * backend's gemm per image).
   */
  convForward(x: FloatArray, w: FloatArray, bias: FloatArray | null, s: ConvShape, y: FloatArray): void {
    const { batch, groups, imageChannels: ic, blockChannels: bc, geo } = s;
    const xImage = groups * ic * geo.inH * geo.inW;
    const yImage = groups * bc * geo.outH * geo.outW;
    const run = Math.max(1, Math.floor(convCallBytes / ((xImage + yImage) * x.BYTES_PER_ELEMENT)));
    for (let n0 = 0; n0 < batch; n0 += run) {
      const n1 = Math.min(batch, n0 + run);
      const whole = n0 === 0 && n1 === batch;
      const xs = whole ? x : x.subarray(n0 * xImage, n1 * xImage);
      const ys = whole ? y : y.subarray(n0 * yImage, n1 * yImage);
      this.convForwardRun(xs, w, bias, whole ? s : { ...s, batch: n1 - n0 }, ys);
    }
  }

  private convForwardRun(x: FloatArray, w: FloatArray, bias: FloatArray | null, s: ConvShape, y: FloatArray): void {
    const { batch, groups, imageChannels: ic, blockChannels: bc, geo } = s;
    const es = x.BYTES_PER_ELEMENT;
    const rows = ic * geo.kH * geo.kW;
    const blocks = geo.outH * geo.outW;
    const xLen = batch * groups * ic * geo.inH * geo.inW;
    const wLen = groups * bc * rows;
    const yLen = batch * groups * bc * blocks;
    const threads = this.partsFor(yLen * rows);
    // NOTE: Winograd's images are never banded (their gemms split), so the thread count never changes the algorithm
    const winograd = usesWinograd(s, es);
    // too few images to share out (fewer than 2 a thread): each image's gemm is split instead
    const banded = threads > 1 && batch < 2 * threads && !winograd;
    const parts = banded ? threads : Math.min(threads, batch);
    if (parts === 1 && this.solo) return this.solo.convForwardRun(x, w, bias, s, y);
    if (winograd) return this.winogradForwardRun(x, w, bias, s, y, parts);
    const scratch = this.convScratchBytes(s, es);
    if (!this.begin((xLen + wLen + groups * bc + yLen) * es + 48 + scratch * parts, 5)) {
      jsBackend.convForward(x, w, bias, s, y);
      return;
    }
    const pg = this.putGeometry(s.geo);
    const px = this.put(x, 0, xLen);
    const pw = this.put(w, 0, wLen);
    const pb = bias ? this.put(bias, 0, groups * bc) : 0;
    const py = this.alloc(yLen * es);
    const ps = this.alloc(scratch * parts);
    const f32 = es === 4;
    if (banded) {
      const cols = ps;
      const gs = ps + this.colsBytes(s, es);
      for (let n = 0; n < batch; n++) {
        for (let g = 0; g < groups; g++) {
          const image = px + (n * groups + g) * ic * geo.inH * geo.inW * es;
          let b = image;
          if (!isIdentity(geo)) {
            (f32 ? this.ex.im2colF32 : this.ex.im2colF64)(image, 1, ic, pg, cols);
            b = cols;
          }
          this.gemmIn(es, false, false, bc, blocks, rows, pw + g * bc * rows * es, b, py + (n * groups + g) * bc * blocks * es, false, gs, scratch, parts);
        }
      }
      if (pb) (f32 ? this.ex.convAddBiasF32 : this.ex.convAddBiasF64)(py, pb, batch, groups * bc, blocks);
    } else if (parts > 1) {
      const chunks = Math.min(batch, MAX_CHUNKS);
      const args = [pg, px, pw, pb, py, batch, groups, ic, bc, Math.ceil(batch / chunks)];
      this.pool!.run(f32 ? 'convForwardPartF32' : 'convForwardPartF64', args, parts, chunks, ps, scratch);
    } else {
      (f32 ? this.ex.convForwardPartF32 : this.ex.convForwardPartF64)(pg, px, pw, pb, py, batch, groups, ic, bc, batch, ps, 0, 1);
    }
    this.get(py, y, 0, yLen);
  }

  /** Bytes of one thread's scratch for a Winograd forward (`forward`) or weight gradient: V, M and the gemm's of its 36 products. */
  private winogradScratchBytes(s: ConvShape, forward: boolean): number {
    const { imageChannels: ic, blockChannels: bc, geo } = s;
    const tiles = ((geo.outH + 3) >> 2) * ((geo.outW + 3) >> 2);
    const gemmBytes = forward ? this.ex.gemmScratchBytes(tiles, ic, 4) : this.ex.gemmScratchBytes(ic, tiles, 4);
    return (this.ex.winogradScratchBytes(ic, bc, tiles, gemmBytes) + 63) & ~63;
  }

  /**
   * convForwardRun by Winograd F(4x4, 3x3) (assembly/winograd.ts; see usesWinograd): the weights
   * transformed once, then the images shared out across `parts` threads as in convForwardRun.
   */
  private winogradForwardRun(x: FloatArray, w: FloatArray, bias: FloatArray | null, s: ConvShape, y: FloatArray, parts: number): void {
    const { batch, groups, imageChannels: ic, blockChannels: bc, geo } = s;
    const xLen = batch * groups * ic * geo.inH * geo.inW;
    const wLen = groups * bc * ic * 9;
    const yLen = batch * groups * bc * geo.outH * geo.outW;
    const scratch = this.winogradScratchBytes(s, true);
    const uLen = winogradWeightLength(s);
    if (!this.begin((xLen + wLen + groups * bc + yLen + uLen) * 4 + 48 + WEIGHT_TRANSFORM_TMP + scratch * parts, 7)) {
      jsBackend.convForward(x, w, bias, s, y);
      return;
    }
    const pg = this.putGeometry(geo);
    const px = this.put(x, 0, xLen);
    const pw = this.put(w, 0, wLen);
    const pb = bias ? this.put(bias, 0, groups * bc) : 0;
    const py = this.alloc(yLen * 4);
    const pu = this.alloc(uLen * 4);
    const pt = this.alloc(WEIGHT_TRANSFORM_TMP);
    const ps = this.alloc(scratch * parts);
    this.ex.winogradWeightsF32(pw, groups, ic, bc, pu, pt);
    if (parts > 1) {
      const chunks = Math.min(batch, MAX_CHUNKS);
      this.pool!.run('winogradForwardPartF32', [pg, px, pu, pb, py, batch, groups, ic, bc, Math.ceil(batch / chunks)], parts, chunks, ps, scratch);
    } else {
      this.ex.winogradForwardPartF32(pg, px, pu, pb, py, batch, groups, ic, bc, batch, ps, 0, 1);
    }
    this.get(py, y, 0, yLen);
  }

  /**
   * The weight gradient by Winograd F(4x4, 3x3) (see usesWinograd): each slice of images
   * (convSliceImages) summed in the transformed space by one thread (winogradWeightGradPartF32), in
   * calls of whole slices past CONV_CALL_BYTES; then the slices added in order and turned into dw
   * (winogradWeightGradF32), the same way whatever the threads and calls, so the same bits.
   */
  private winogradWeightGrad(g: Float32Array, x: Float32Array, s: ConvShape, dw: Float32Array): void {
    const { batch, groups, imageChannels: ic, blockChannels: bc, geo } = s;
    const uLen = winogradWeightLength(s);
    const per = convSliceImages(batch, uLen * 4);
    const slices = Math.ceil(batch / per);
    const xImage = groups * ic * geo.inH * geo.inW;
    const gImage = groups * bc * geo.outH * geo.outW;
    const run = Math.max(1, Math.floor(convCallBytes / ((per * (xImage + gImage) + uLen) * 4)));
    // the whole batch in one call: its slices summed and turned into dw in the same call
    if (run >= slices) {
      if (!this.winogradWeightGradSlices(g, x, s, per, null, dw)) jsBackend.convBackward(g, x, null, s, null, dw);
      return;
    }
    const partials = new Float32Array(slices * uLen);
    for (let s0 = 0; s0 < slices; s0 += run) {
      const n0 = s0 * per;
      const n1 = Math.min(batch, (s0 + run) * per);
      const sub = { ...s, batch: n1 - n0 };
      const part = partials.subarray(s0 * uLen, Math.min(slices, s0 + run) * uLen);
      if (!this.winogradWeightGradSlices(g.subarray(n0 * gImage, n1 * gImage), x.subarray(n0 * xImage, n1 * xImage), sub, per, part, null)) {
        jsBackend.convBackward(g, x, null, s, null, dw);
        return;
      }
    }
    if (!this.begin((2 * slices * uLen + uLen + dw.length) * 4 + WEIGHT_TRANSFORM_TMP, 4)) {
      jsBackend.convBackward(g, x, null, s, null, dw);
      return;
    }
    const pp = this.put(partials, 0, partials.length);
    this.finishWeightGrad(pp, slices, s, dw);
  }

  /** dw from the `slices` transformed partial sums at `pp` (in the arena): added in slice order, then turned back. */
  private finishWeightGrad(pp: Ptr, slices: number, s: ConvShape, dw: Float32Array): void {
    const { groups, imageChannels: ic, blockChannels: bc } = s;
    const uLen = winogradWeightLength(s);
    const pu = this.alloc(uLen * 4);
    const pdw = this.alloc(dw.length * 4);
    const pt = this.alloc(WEIGHT_TRANSFORM_TMP);
    this.ex.convSumSlicesF32(pp, slices, uLen, pu);
    this.ex.winogradWeightGradF32(pu, groups, ic, bc, pdw, pt);
    this.get(pdw, dw, 0, dw.length);
  }

  /**
   * One call of winogradWeightGrad: the transformed gradient of each slice of `per` images of this
   * batch, into `out`, or (`out` null) on to dw; false if the memory cannot grow so far.
   */
  private winogradWeightGradSlices(g: Float32Array, x: Float32Array, s: ConvShape, per: number, out: Float32Array | null, dw: Float32Array | null): boolean {
    const { batch, groups, imageChannels: ic, blockChannels: bc, geo } = s;
    const slices = Math.ceil(batch / per);
    const xLen = x.length;
    const gLen = g.length;
    const uLen = winogradWeightLength(s);
    const duLen = slices * uLen;
    const parts = Math.min(this.partsFor(gLen * ic * 9), slices);
    if (parts === 1 && this.solo) return this.solo.winogradWeightGradSlices(g, x, s, per, out, dw);
    const scratch = this.winogradScratchBytes(s, false);
    const finish = out ? 0 : (uLen + dw!.length) * 4 + WEIGHT_TRANSFORM_TMP;
    if (!this.begin((xLen + gLen + duLen) * 4 + 48 + scratch * parts + finish, 7)) return false;
    const pgeo = this.putGeometry(geo);
    const pg = this.put(g, 0, gLen);
    const px = this.put(x, 0, xLen);
    const pdu = this.alloc(duLen * 4);
    const ps = this.alloc(scratch * parts);
    if (parts > 1) this.pool!.run('winogradWeightGradPartF32', [pgeo, pg, px, pdu, batch, groups, ic, bc, per], parts, slices, ps, scratch);
    else for (let k = 0; k < slices; k++) this.ex.winogradWeightGradPartF32(pgeo, pg, px, pdu, batch, groups, ic, bc, per, ps, k, slices);
    if (out) this.get(pdu, out, 0, duLen);
    else this.finishWeightGrad(pdu, slices, s, dw!);
    return true;
  }

  /**
   * The whole batch in one call (or a few of whole slices, past CONV_CALL_BYTES), images shared out
   * across the threads: dx per image as the TS kernel (bit-identical to it with this backend's
   * gemm); dw summed per slice of images (convSliceImages), then the slices in order, so it agrees
   * with the TS kernel's sum in image order to rounding (bit for bit when the batch is one slice).
   */
  convBackward(g: FloatArray, x: FloatArray | null, w: FloatArray | null, s: ConvShape, dxOut: FloatArray | null, dwOut: FloatArray | null): void {
    const { batch, groups, imageChannels: ic, blockChannels: bc, geo } = s;
    let dx = w ? dxOut : null;
    let dw = x ? dwOut : null;
    if (!dx && !dw) return;
    const es = g.BYTES_PER_ELEMENT;
    if (batch > 0 && usesWinograd(s, es)) {
      if (dx && geo.pH <= 2 && geo.pW <= 2) {
        // dx is g convolved (full, padding 2 - p) with the kernels turned 180 degrees, channels swapped: a forward by Winograd
        this.convForward(g, flippedKernels(w as Float32Array, groups, ic, bc), null, inputGradientShape(s), dx);
        dx = null;
      }
      if (dw) {
        this.winogradWeightGrad(g as Float32Array, x as Float32Array, s, dw as Float32Array);
        dw = null;
      }
      if (!dx) return;
    }
    const wLen = groups * bc * ic * geo.kH * geo.kW;
    const xImage = groups * ic * geo.inH * geo.inW;
    const gImage = groups * bc * geo.outH * geo.outW;
    if (batch === 0) {
      dw?.fill(0);
      return;
    }
    const per = dw ? convSliceImages(batch, wLen * es) : 1;
    const slices = Math.ceil(batch / per);
    const sliceBytes = (per * (gImage + (dw ? xImage : 0) + (dx ? xImage : 0)) + (dw ? wLen : 0)) * es;
    const run = Math.max(1, Math.floor(convCallBytes / sliceBytes));
    if (run >= slices) {
      this.convBackwardRun(g, x, w, s, dx, dw, per, true);
      return;
    }
    // several calls of `run` slices, their partial dw added in slice order here (float32 adds
    // rounded once, as in wasm)
    const partials = dw ? (es === 4 ? new Float32Array(run * wLen) : new Float64Array(run * wLen)) : null;
    for (let s0 = 0; s0 < slices; s0 += run) {
      const n0 = s0 * per;
      const n1 = Math.min(batch, (s0 + run) * per);
      const sub = { ...s, batch: n1 - n0 };
      const xs = x ? x.subarray(n0 * xImage, n1 * xImage) : null;
      this.convBackwardRun(g.subarray(n0 * gImage, n1 * gImage), xs, w, sub, dx ? dx.subarray(n0 * xImage, n1 * xImage) : null, partials, per, false);
      if (dw && partials) {
        for (let k = 0; k < Math.ceil((n1 - n0) / per); k++) {
          const part = partials.subarray(k * wLen, (k + 1) * wLen);
          if (s0 === 0 && k === 0) dw.set(part);
          else for (let i = 0; i < wLen; i++) dw[i] += part[i];
        }
      }
    }
  }

  /**
   * convBackward of a batch in one call, slices of `per` images; `sum`: dw is the weight gradient,
   * else dw receives each slice's partial sum, one after the other.
   */
  private convBackwardRun(
    g: FloatArray,
    x: FloatArray | null,
    w: FloatArray | null,
    s: ConvShape,
    dx: FloatArray | null,
    dw: FloatArray | null,
    per: number,
    sum: boolean,
  ): void {
    const { batch, groups, imageChannels: ic, blockChannels: bc, geo } = s;
    const es = g.BYTES_PER_ELEMENT;
    const rows = ic * geo.kH * geo.kW;
    const blocks = geo.outH * geo.outW;
    const xLen = batch * groups * ic * geo.inH * geo.inW;
    const wLen = groups * bc * rows;
    const gLen = batch * groups * bc * blocks;
    const slices = Math.ceil(batch / per);
    const threads = this.partsFor(gLen * rows * ((dx ? 1 : 0) + (dw ? 1 : 0)));
    // too few slices to share out (fewer than 2 a thread): each image's gemms are split instead
    const banded = threads > 1 && slices < 2 * threads;
    const parts = banded ? threads : Math.min(threads, slices);
    if (parts === 1 && this.solo) return this.solo.convBackwardRun(g, x, w, s, dx, dw, per, sum);
    const scratch = this.convScratchBytes(s, es);
    const bytes = (gLen + (dw ? xLen + slices * wLen : 0) + (dx ? wLen + xLen : 0)) * es + 48 + scratch * parts;
    if (!this.begin(bytes, 6)) {
      // past what the memory can hold: the TS kernels, slice by slice
      for (let k = 0; k < slices; k++) {
        const n0 = k * per;
        const n1 = Math.min(batch, n0 + per);
        const xImage = groups * ic * geo.inH * geo.inW;
        const gImage = groups * bc * blocks;
        const part = dw ? (sum && k > 0 ? dw.slice(0, wLen) : dw.subarray(sum ? 0 : k * wLen, (sum ? 1 : k + 1) * wLen)) : null;
        jsBackend.convBackward(
          g.subarray(n0 * gImage, n1 * gImage),
          x ? x.subarray(n0 * xImage, n1 * xImage) : null,
          w,
          { ...s, batch: n1 - n0 },
          dx ? dx.subarray(n0 * xImage, n1 * xImage) : null,
          part,
        );
        if (dw && part && sum && k > 0) for (let i = 0; i < wLen; i++) dw[i] += part[i];
      }
      return;
    }
    const pgeo = this.putGeometry(s.geo);
    const pg = this.put(g, 0, gLen);
    const px = dw && x ? this.put(x, 0, xLen) : 0;
    const pw = dx && w ? this.put(w, 0, wLen) : 0;
    const pdx = dx ? this.alloc(xLen * es) : 0;
    const pdw = dw ? this.alloc(slices * wLen * es) : 0;
    const ps = this.alloc(scratch * parts);
    const f32 = es === 4;
    if (banded) {
      this.convBackwardBanded(s, es, pgeo, pg, px, pw, pdx, pdw, per, ps, scratch, parts);
    } else if (parts > 1) {
      const args = [pgeo, pg, px, pw, pdx, pdw, batch, groups, ic, bc, per];
      this.pool!.run(f32 ? 'convBackwardPartF32' : 'convBackwardPartF64', args, parts, slices, ps, scratch);
    } else {
      const f = f32 ? this.ex.convBackwardPartF32 : this.ex.convBackwardPartF64;
      for (let c = 0; c < slices; c++) f(pgeo, pg, px, pw, pdx, pdw, batch, groups, ic, bc, per, ps, c, slices);
    }
    if (dx) this.get(pdx, dx, 0, xLen);
    if (dw && sum) {
      (f32 ? this.ex.convSumSlicesF32 : this.ex.convSumSlicesF64)(pdw, slices, wLen, pdw);
      this.get(pdw, dw, 0, wLen);
    } else if (dw) this.get(pdw, dw, 0, slices * wLen);
  }

  /** Bytes of the columns of one image and group at the start of a thread's convolution scratch (as gemmScratch in assembly/conv.ts). */
  private colsBytes(s: ConvShape, es: number): number {
    return (s.imageChannels * s.geo.kH * s.geo.kW * s.geo.outH * s.geo.outW * es + 64 + 63) & ~63;
  }

  /** One gemm on operands in the arena, split across at most `most` threads when worth it (thread t's scratch at `scratch + t * stride`). */
  private gemmIn(
    es: number,
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    a: Ptr,
    b: Ptr,
    c: Ptr,
    accumulate: boolean,
    scratch: Ptr,
    stride: number,
    most: number,
  ): void {
    const parts = Math.min(this.partsFor(m * n * k), most);
    if (parts > 1) this.split(es === 4 ? 'gemmPartF32' : 'gemmPartF64', [+transA, +transB, m, n, k, a, b, c, +accumulate], m * n * k, parts, scratch, stride);
    else (es === 4 ? this.ex.gemmF32 : this.ex.gemmF64)(transA, transB, m, n, k, a, b, c, accumulate, scratch);
  }

  /**
   * convBackward for a batch too small to share out by images: the same steps as the slices of
   * convBackwardPart (the same bits), one image and group at a time, each gemm split across the
   * threads. Operands and outputs as laid out by convBackward.
   */
  private convBackwardBanded(
    s: ConvShape,
    es: number,
    pgeo: Ptr,
    pg: Ptr,
    px: Ptr,
    pw: Ptr,
    pdx: Ptr,
    pdw: Ptr,
    per: number,
    ps: Ptr,
    stride: number,
    most: number,
  ): void {
    const { batch, groups, imageChannels: ic, blockChannels: bc, geo } = s;
    const f32 = es === 4;
    const rows = ic * geo.kH * geo.kW;
    const blocks = geo.outH * geo.outW;
    const pixels = geo.inH * geo.inW;
    const identity = isIdentity(geo);
    const cols = ps;
    const gs = ps + this.colsBytes(s, es);
    const slices = Math.ceil(batch / per);
    const wBytes = groups * bc * rows * es;
    if (pdw) new Uint8Array(this.ex.memory.buffer, pdw, slices * wBytes).fill(0);
    for (let n = 0; n < batch; n++) {
      const partial = pdw + Math.floor(n / per) * wBytes;
      for (let k = 0; k < groups; k++) {
        const image = (n * groups + k) * ic * pixels * es;
        const side = pg + (n * groups + k) * bc * blocks * es;
        const w0 = k * bc * rows * es;
        if (pdw) {
          let b = px + image;
          if (!identity) {
            (f32 ? this.ex.im2colF32 : this.ex.im2colF64)(px + image, 1, ic, pgeo, cols);
            b = cols;
          }
          this.gemmIn(es, false, true, bc, rows, blocks, side, b, partial + w0, true, gs, stride, most);
        }
        if (pdx) {
          if (identity) this.gemmIn(es, true, false, rows, blocks, bc, pw + w0, side, pdx + image, false, gs, stride, most);
          else {
            this.gemmIn(es, true, false, rows, blocks, bc, pw + w0, side, cols, false, gs, stride, most);
            (f32 ? this.ex.col2imF32 : this.ex.col2imF64)(cols, 1, ic, pgeo, pdx + image);
          }
        }
      }
    }
  }

  im2col(x: FloatArray, batch: number, channels: number, geo: ConvGeometry, cols: FloatArray): void {
    if (this.solo) return this.solo.im2col(x, batch, channels, geo, cols);
    const es = x.BYTES_PER_ELEMENT;
    const xLen = batch * channels * geo.inH * geo.inW;
    const cLen = batch * channels * geo.kH * geo.kW * geo.outH * geo.outW;
    if (cLen === 0) return;
    if (!this.begin((xLen + cLen) * es + 48, 3)) {
      jsBackend.im2col(x, batch, channels, geo, cols);
      return;
    }
    const pg = this.putGeometry(geo);
    const px = this.put(x, 0, xLen);
    const pc = this.alloc(cLen * es);
    (es === 4 ? this.ex.im2colF32 : this.ex.im2colF64)(px, batch, channels, pg, pc);
    this.get(pc, cols, 0, cLen);
  }

  col2im(cols: FloatArray, batch: number, channels: number, geo: ConvGeometry, x: FloatArray): void {
    if (this.solo) return this.solo.col2im(cols, batch, channels, geo, x);
    const es = cols.BYTES_PER_ELEMENT;
    const xLen = batch * channels * geo.inH * geo.inW;
    const cLen = batch * channels * geo.kH * geo.kW * geo.outH * geo.outW;
    if (xLen === 0) return;
    if (!this.begin((xLen + cLen) * es + 48, 3)) {
      jsBackend.col2im(cols, batch, channels, geo, x);
      return;
    }
    const pg = this.putGeometry(geo);
    const pc = this.put(cols, 0, cLen);
    const px = this.alloc(xLen * es);
    (es === 4 ? this.ex.col2imF32 : this.ex.col2imF64)(pc, batch, channels, pg, px);
    this.get(px, x, 0, xLen);
  }

  /** Writes a dim's windows (start, end, and with `divisor` their divisors) into the arena: [start, end, divisor] pointers. */
  private putWindows(w: Windows, divisor: boolean): [Ptr, Ptr, Ptr] {
    return [this.putInt(w.start), this.putInt(w.end), divisor ? this.put(w.divisor, 0, w.divisor.length) : 0];
  }

  /** Bytes of a dim's windows in the arena (with their divisors), padding included. */
  private static windowBytes(w: Windows): number {
    return w.start.length * 16 + 3 * (PAD + 64);
  }

  /** windowMax (maxPool2x2 where the windows are the plain 2 x 2 ones) in wasm; other dtypes in the TS kernels. */
  maxPool2dForward(x: TypedArray, planes: number, inH: number, inW: number, rows: Windows, cols: Windows, y: TypedArray, argmax: Int32Array): void {
    if (this.solo) return this.solo.maxPool2dForward(x, planes, inH, inW, rows, cols, y, argmax);
    const outH = rows.start.length;
    const outW = cols.start.length;
    const n = planes * outH * outW;
    if (n === 0) return;
    if (!(x instanceof Float32Array || x instanceof Float64Array)) {
      jsBackend.maxPool2dForward(x, planes, inH, inW, rows, cols, y, argmax);
      return;
    }
    const es = x.BYTES_PER_ELEMENT;
    const xLen = planes * inH * inW;
    if (!this.begin((xLen + n) * es + n * 4 + WasmBackend.windowBytes(rows) + WasmBackend.windowBytes(cols), 7)) {
      jsBackend.maxPool2dForward(x, planes, inH, inW, rows, cols, y, argmax);
      return;
    }
    const f32 = es === 4;
    const px = this.put(x, 0, xLen);
    const py = this.alloc(n * es);
    const pa = this.alloc(n * 4);
    if (isPlain2x2(rows) && isPlain2x2(cols)) {
      (f32 ? this.ex.maxPool2x2F32 : this.ex.maxPool2x2F64)(px, planes, inH, inW, outH, outW, py, pa);
    } else {
      const [rs, re] = this.putWindows(rows, false);
      const [cs, ce] = this.putWindows(cols, false);
      (f32 ? this.ex.maxPool2dF32 : this.ex.maxPool2dF64)(px, planes, inH, inW, outH, outW, rs, re, rows.step, cs, ce, cols.step, py, pa);
    }
    this.get(py, y as FloatArray, 0, n);
    argmax.set(this.i32.subarray(pa >> 2, (pa >> 2) + n));
  }

  /** scatterAddAt in wasm: dx copied in, added to in order, copied out. */
  maxPool2dBackward(g: FloatArray, argmax: Int32Array, dx: FloatArray): void {
    if (this.solo) return this.solo.maxPool2dBackward(g, argmax, dx);
    const n = argmax.length;
    if (n === 0) return;
    const es = g.BYTES_PER_ELEMENT;
    if (!this.begin((n + dx.length) * es + n * 4, 3)) {
      jsBackend.maxPool2dBackward(g, argmax, dx);
      return;
    }
    const pg = this.put(g, 0, n);
    const pa = this.putInt(argmax);
    const pd = this.put(dx, 0, dx.length);
    (es === 4 ? this.ex.maxPoolScatterF32 : this.ex.maxPoolScatterF64)(pg, pa, n, pd);
    this.get(pd, dx, 0, dx.length);
  }

  /** windowMean in wasm. */
  avgPool2dForward(x: FloatArray, planes: number, inH: number, inW: number, rows: Windows, cols: Windows, divisor: number | null, y: FloatArray): void {
    if (this.solo) return this.solo.avgPool2dForward(x, planes, inH, inW, rows, cols, divisor, y);
    const outH = rows.start.length;
    const outW = cols.start.length;
    const n = planes * outH * outW;
    if (n === 0) return;
    const es = x.BYTES_PER_ELEMENT;
    const xLen = planes * inH * inW;
    if (!this.begin((xLen + n) * es + WasmBackend.windowBytes(rows) + WasmBackend.windowBytes(cols), 8)) {
      jsBackend.avgPool2dForward(x, planes, inH, inW, rows, cols, divisor, y);
      return;
    }
    const px = this.put(x, 0, xLen);
    const [rs, re, rd] = this.putWindows(rows, true);
    const [cs, ce, cd] = this.putWindows(cols, true);
    const py = this.alloc(n * es);
    const f = es === 4 ? this.ex.avgPool2dF32 : this.ex.avgPool2dF64;
    f(px, planes, inH, inW, outH, outW, rs, re, rd, cs, ce, cd, divisor !== null, divisor ?? 0, py);
    this.get(py, y, 0, n);
  }

  /** windowMeanAdjoint in wasm: dx copied in, added to, copied out. */
  avgPool2dBackward(g: FloatArray, planes: number, inH: number, inW: number, rows: Windows, cols: Windows, divisor: number | null, dx: FloatArray): void {
    if (this.solo) return this.solo.avgPool2dBackward(g, planes, inH, inW, rows, cols, divisor, dx);
    const outH = rows.start.length;
    const outW = cols.start.length;
    const n = planes * outH * outW;
    if (n === 0) return;
    const es = g.BYTES_PER_ELEMENT;
    const xLen = planes * inH * inW;
    if (!this.begin((xLen + n) * es + WasmBackend.windowBytes(rows) + WasmBackend.windowBytes(cols), 8)) {
      jsBackend.avgPool2dBackward(g, planes, inH, inW, rows, cols, divisor, dx);
      return;
    }
    const pg = this.put(g, 0, n);
    const [rs, re, rd] = this.putWindows(rows, true);
    const [cs, ce, cd] = this.putWindows(cols, true);
    const pd = this.put(dx, 0, xLen);
    const f = es === 4 ? this.ex.avgPool2dAdjointF32 : this.ex.avgPool2dAdjointF64;
    f(pg, planes, inH, inW, outH, outW, rs, re, rd, cs, ce, cd, divisor !== null, divisor ?? 0, pd);
    this.get(pd, dx, 0, xLen);
  }

  /** out = f(x) in wasm, STREAM_CHUNK elements at a time; false (nothing done) when the memory cannot hold it. */
  private map(f32: MapFn, f64: MapFn, x: FloatArray, out: FloatArray): boolean {
    const n = x.length;
    const bytes = Math.min(n, STREAM_CHUNK) * x.BYTES_PER_ELEMENT;
    if (!this.begin(2 * bytes, 2)) return false;
    const px = this.alloc(bytes);
    const po = this.alloc(bytes);
    const f = isF32(x) ? f32 : f64;
    for (let at = 0; at < n; at += STREAM_CHUNK) {
      const len = Math.min(STREAM_CHUNK, n - at);
      this.copyIn(px, x, at, len);
      f(px, po, len);
      this.get(po, out, at, len);
    }
    return true;
  }

  private map2(f32: Map2Fn, f64: Map2Fn, a: FloatArray, b: FloatArray, out: FloatArray): boolean {
    const n = a.length;
    const bytes = Math.min(n, STREAM_CHUNK) * a.BYTES_PER_ELEMENT;
    if (!this.begin(3 * bytes, 3)) return false;
    const pa = this.alloc(bytes);
    const pb = this.alloc(bytes);
    const po = this.alloc(bytes);
    const f = isF32(a) ? f32 : f64;
    for (let at = 0; at < n; at += STREAM_CHUNK) {
      const len = Math.min(STREAM_CHUNK, n - at);
      this.copyIn(pa, a, at, len);
      this.copyIn(pb, b, at, len);
      f(pa, pb, po, len);
      this.get(po, out, at, len);
    }
    return true;
  }

  /** Alea stepped as a multiply-with-carry on integers (assembly/random.ts): the same draws, bit for bit. */
  bernoulliFill(state: Float64Array, p: number, value: number, out: FloatArray): void {
    if (this.solo) return this.solo.bernoulliFill(state, p, value, out);
    const n = out.length;
    const bytes = Math.min(n, STREAM_CHUNK) * out.BYTES_PER_ELEMENT;
    if (n < ELEMENTWISE_MIN || !this.begin(bytes + 32, 2)) {
      jsBackend.bernoulliFill(state, p, value, out);
      return;
    }
    const ps = this.alloc(32);
    this.f64.set(state, ps >> 3);
    const po = this.alloc(bytes);
    const f = isF32(out) ? this.ex.bernoulliFillF32 : this.ex.bernoulliFillF64;
    // the generator's state stays at ps from one chunk to the next: the same draws in order
    for (let at = 0; at < n; at += STREAM_CHUNK) {
      const len = Math.min(STREAM_CHUNK, n - at);
      this.copyIn(po, out, at, len);
      f(ps, po, len, p, value);
      this.get(po, out, at, len);
    }
    state.set(this.f64.subarray(ps >> 3, (ps >> 3) + 4));
  }

  arithmetic(op: ArithmeticOp, a: FloatArray, b: FloatArray, out: FloatArray): void {
    if (this.solo) return this.solo.arithmetic(op, a, b, out);
    const n = out.length;
    const es = out.BYTES_PER_ELEMENT;
    const bytes = Math.min(n, STREAM_CHUNK) * es;
    if (n < ELEMENTWISE_MIN || !this.begin(3 * bytes, 3)) {
      jsBackend.arithmetic(op, a, b, out);
      return;
    }
    // an operand of one value is copied in once and read at step 0
    const aWhole = a.length === n;
    const bWhole = b.length === n;
    const pa = aWhole ? this.alloc(bytes) : this.put(a, 0, 1);
    const pb = bWhole ? this.alloc(bytes) : this.put(b, 0, 1);
    const po = this.alloc(bytes);
    const f = isF32(out) ? this.ex.arithmeticF32 : this.ex.arithmeticF64;
    const code = ARITHMETIC_CODES[op];
    for (let at = 0; at < n; at += STREAM_CHUNK) {
      const len = Math.min(STREAM_CHUNK, n - at);
      if (aWhole) this.copyIn(pa, a, at, len);
      if (bWhole) this.copyIn(pb, b, at, len);
      f(code, pa, aWhole ? 1 : 0, pb, bWhole ? 1 : 0, po, len);
      this.get(po, out, at, len);
    }
  }

  relu(x: FloatArray, out: FloatArray): void {
    if (this.solo) return this.solo.relu(x, out);
    if (x.length < ELEMENTWISE_MIN || !this.map(this.ex.reluF32, this.ex.reluF64, x, out)) jsBackend.relu(x, out);
  }

  reluBackward(g: FloatArray, y: FloatArray, out: FloatArray): void {
    if (this.solo) return this.solo.reluBackward(g, y, out);
    if (g.length < ELEMENTWISE_MIN || !this.map2(this.ex.reluBackwardF32, this.ex.reluBackwardF64, g, y, out)) jsBackend.reluBackward(g, y, out);
  }

  /** Threads an optimizer update of n elements is split across (from OPTIMIZER_SPLIT elements, each thread taking at least half of that). */
  private optimizerParts(n: number): number {
    const at = optimizerSplit ?? OPTIMIZER_SPLIT;
    if (this.threads === 1 || n < optimizerMin || n < at) return 1;
    return Math.max(1, Math.min(this.threads, 1 + this.pool!.readyWorkers(), Math.floor((2 * n) / at)));
  }

  /** Writes four float64 scalars into the arena (the optimizer kernels' params block). */
  private putScalars(a: number, b: number, c: number, d: number): Ptr {
    const p = this.alloc(32);
    const at = p >> 3;
    this.f64[at] = a;
    this.f64[at + 1] = b;
    this.f64[at + 2] = c;
    this.f64[at + 3] = d;
    return p;
  }

  /**
   * The operands copied in, updated in wasm (assembly/optim.ts: the TS loops' bits), copied back.
   *
   * NOTE: the thresholds, measured (2-core AMD EPYC VM, Node 20; us a call, float32 unless said:
   * js / wasm one thread / threads backend split in 2):
   * - SGD: 64 elements 0.11 / 0.14, 128 0.22 / 0.17, 1k 1.65 / 0.55 / 1.31, 100k 164 / 49 / 59,
   *   1M 1646 / 556 / 619, 3M 5598 / 2536 / 2388. With momentum: 128 0.50 / 0.27, 1M 3784 / 1134
   *   / 1190, 3M 11615 / 4786 / 4168. Float64 with momentum: 128 0.48 / 0.33, 1M 2593 wasm / 2450 split.
   * - Adadelta: 64 0.57 / 0.35, 128 1.13 / 0.45, 65k 140 / 143 split, 100k 881 / 216 / 185, 1M
   *   8928 / 2648 / 2088. Float64: 128 0.79 / 0.60, 1M 6227 / 5176 / 5144, 3M 18079 / 14601 split.
   * So wasm from OPTIMIZER_MIN elements. A split pays only where the kernel's own time outweighs
   * copying into the shared memory (0.14 ns per float32, against 0.03-0.07 into the twin's own).
   * Since one thread's updates stream through the arena (STREAM_CHUNK), where the copies meet the
   * kernel in the cache, no size split pays (2-core Xeon VM, ms a call, median of 15 alternated
   * rounds, split in 2 / one thread streamed): float32 Adadelta 131K 0.97 / 0.91, 1.18M 10.2 /
   * 8.7; float64 Adadelta 3M 45.5 / 26.3; SGD with momentum 4.2M 23.7 / 16.2. So no update is split
   * unless setOptimizerSizes asks for it (the tests).
   */
  sgdUpdate(
    p: FloatArray,
    grad: FloatArray,
    buf: FloatArray | null,
    first: boolean,
    lr: number,
    momentum: number,
    dampening: number,
    nesterov: boolean,
    weightDecay: number,
    maximize: boolean,
  ): void {
    const n = p.length;
    const parts = this.optimizerParts(n);
    if (parts === 1 && this.solo) return this.solo.sgdUpdate(p, grad, buf, first, lr, momentum, dampening, nesterov, weightDecay, maximize);
    const es = p.BYTES_PER_ELEMENT;
    // a split update goes in whole; one thread's streams through the arena (STREAM_CHUNK)
    const chunk = parts > 1 ? n : Math.min(n, STREAM_CHUNK);
    if (n < optimizerMin || !this.begin((buf ? 3 : 2) * chunk * es + 32, 4)) {
      jsBackend.sgdUpdate(p, grad, buf, first, lr, momentum, dampening, nesterov, weightDecay, maximize);
      return;
    }
    const params = this.putScalars(lr, momentum, dampening, weightDecay);
    const pp = this.alloc(chunk * es);
    const pg = this.alloc(chunk * es);
    const pb = buf ? this.alloc(chunk * es) : 0;
    const flags = (first ? 1 : 0) | (nesterov ? 2 : 0) | (maximize ? 4 : 0);
    const f32 = es === 4;
    for (let at = 0; at < n; at += chunk) {
      const len = Math.min(chunk, n - at);
      this.copyIn(pp, p, at, len);
      this.copyIn(pg, grad, at, len);
      if (buf) this.copyIn(pb, buf, at, len);
      if (parts > 1) this.pool!.run(f32 ? 'sgdUpdatePartF32' : 'sgdUpdatePartF64', [pp, pg, pb, len, flags, params], parts, parts, 0, 0);
      else (f32 ? this.ex.sgdUpdatePartF32 : this.ex.sgdUpdatePartF64)(pp, pg, pb, len, flags, params, 0, 0, 1);
      this.get(pp, p, at, len);
      if (buf) this.get(pb, buf, at, len);
    }
  }

  adadeltaUpdate(
    p: FloatArray,
    grad: FloatArray,
    squareAvg: FloatArray,
    accDelta: FloatArray,
    lr: number,
    rho: number,
    eps: number,
    weightDecay: number,
    maximize: boolean,
  ): void {
    const n = p.length;
    const parts = this.optimizerParts(n);
    if (parts === 1 && this.solo) return this.solo.adadeltaUpdate(p, grad, squareAvg, accDelta, lr, rho, eps, weightDecay, maximize);
    const es = p.BYTES_PER_ELEMENT;
    // a split update goes in whole; one thread's streams through the arena (STREAM_CHUNK)
    const chunk = parts > 1 ? n : Math.min(n, STREAM_CHUNK);
    if (n < optimizerMin || !this.begin(4 * chunk * es + 32, 5)) {
      jsBackend.adadeltaUpdate(p, grad, squareAvg, accDelta, lr, rho, eps, weightDecay, maximize);
      return;
    }
    const params = this.putScalars(lr, rho, eps, weightDecay);
    const pp = this.alloc(chunk * es);
    const pg = this.alloc(chunk * es);
    const pv = this.alloc(chunk * es);
    const pu = this.alloc(chunk * es);
    const f32 = es === 4;
    for (let at = 0; at < n; at += chunk) {
      const len = Math.min(chunk, n - at);
      this.copyIn(pp, p, at, len);
      this.copyIn(pg, grad, at, len);
      this.copyIn(pv, squareAvg, at, len);
      this.copyIn(pu, accDelta, at, len);
      if (parts > 1) this.pool!.run(f32 ? 'adadeltaUpdatePartF32' : 'adadeltaUpdatePartF64', [pp, pg, pv, pu, len, +maximize, params], parts, parts, 0, 0);
      else (f32 ? this.ex.adadeltaUpdatePartF32 : this.ex.adadeltaUpdatePartF64)(pp, pg, pv, pu, len, +maximize, params, 0, 0, 1);
      this.get(pp, p, at, len);
      this.get(pv, squareAvg, at, len);
      this.get(pu, accDelta, at, len);
    }
  }

  /**
   * NOTE: the TS kernel at every size. Its time is one Math.exp per element, which wasm can only
   * import (a vectorised exp would not match Math.exp bit for bit); measured no faster in wasm.
   */
  sigmoid(x: FloatArray, out: FloatArray): void {
    jsBackend.sigmoid(x, out);
  }

  sigmoidBackward(g: FloatArray, y: FloatArray, out: FloatArray): void {
    if (this.solo) return this.solo.sigmoidBackward(g, y, out);
    if (g.length < ELEMENTWISE_MIN || !this.map2(this.ex.sigmoidBackwardF32, this.ex.sigmoidBackwardF64, g, y, out)) {
      jsBackend.sigmoidBackward(g, y, out);
    }
  }
}
