/**
 * The kernel backend: which implementation the hot kernels run on. `js` is the TypeScript kernels
 * (the reference); `wasm` is the WebAssembly SIMD module in src/backend/wasm. Ops call
 * `kernels().gemm(...)` etc. on their hot path and never name a backend.
 *
 * NOTE: the backend is global state, like the grad mode (and the default dtype and RNG), changed
 * only through setBackend; nothing else in the library is. By default ('auto') it is wasm where the
 * runtime validates WebAssembly SIMD and the module compiles synchronously, js otherwise; the
 * choice is made at the first kernel call and then kept.
 */
import { jsBackend } from './js';
import { createThreadedWasmBackend, createWasmBackend, runningThreads, simdFlavor, wasmUnavailableReason, type SimdFlavor } from './wasm/backend';
import { machineCores } from './wasm/pool';
import type { FloatArray, TypedArray } from '../dtype';
import type { ConvGeometry, ConvShape } from '../kernels/conv';
import type { Windows } from '../kernels/pooling';
import type { ArithmeticOp } from '../kernels/elementwise';

export type { ArithmeticOp };

export { jsBackend } from './js';

export type BackendName = 'js' | 'wasm';

/**
 * The hot kernels. Arrays are contiguous and row-major; float arguments of one call share one
 * type (all Float32Array or all Float64Array). Outputs are written, never allocated.
 */
export interface KernelBackend {
  readonly name: BackendName;
  /** C (+)= op(A) · op(B): the contract of `gemm` in src/kernels/matmul.ts. */
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
  ): void;
  /** y = x W^T (+ bias per row): x is rows×inF, w outF×inF, y rows×outF. */
  linearForward(x: FloatArray, w: FloatArray, bias: FloatArray | null, rows: number, inF: number, outF: number, y: FloatArray): void;
  /** dx = g W, dw = g^T x, db = column sums of g (each only when given); g is rows×outF. */
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
  ): void;
  /**
   * Softmax-cross-entropy of rows×classes logits against class indices (unweighted, unsmoothed).
   * Per row r: stats[2r] = the row's max m, stats[2r + 1] = s = log sum_c exp(x[r, c] - m) (kept
   * apart, since m + s loses s when m is huge), losses[r] = s - (x[r, y[r]] - m), or 0 where
   * y[r] = ignoreIndex. Returns the number of rows not ignored.
   */
  crossEntropyForward(x: FloatArray, targets: Int32Array, rows: number, classes: number, ignoreIndex: number, stats: Float64Array, losses: FloatArray): number;
  /**
   * dx[r, c] = softmax(x)[r, c] * t - [c = y[r]] * t, t = scale, or 0 on ignored rows (so an ignored
   * row is 0 even for an inf scale, and NaN at inf logits, as in PyTorch); softmax is
   * exp(x - m - s) from `stats`.
   */
  crossEntropyBackward(
    x: FloatArray,
    targets: Int32Array,
    stats: Float64Array,
    rows: number,
    classes: number,
    ignoreIndex: number,
    scale: number,
    dx: FloatArray,
  ): void;
  /** cols = the column matrices of `batch` images of `channels` planes (im2col of each, src/kernels/conv.ts), one after the other. */
  im2col(x: FloatArray, batch: number, channels: number, geo: ConvGeometry, cols: FloatArray): void;
  /** x = the images summed from `batch` column matrices (col2im of each into zeros; x overwritten): im2col's adjoint. */
  col2im(cols: FloatArray, batch: number, channels: number, geo: ConvGeometry, x: FloatArray): void;
  /**
   * A convolution over a batch (`s`: src/kernels/conv.ts ConvShape): y[n, group] = W_group ·
   * im2col(x[n, group]), then y[n, c] += bias[c]; y overwritten. The contract of `convForward` in
   * src/kernels/conv.ts.
   */
  convForward(x: FloatArray, w: FloatArray, bias: FloatArray | null, s: ConvShape, y: FloatArray): void;
  /**
   * Its gradients from g: dx[n, group] = col2im(W_group^T · g[n, group]), dw = sum over images of
   * g[n, group] · im2col(x[n, group])^T, each when given (overwritten). The contract of
   * `convBackward` in src/kernels/conv.ts, except that dw's sum over images may be grouped
   * differently (to rounding).
   */
  convBackward(g: FloatArray, x: FloatArray | null, w: FloatArray | null, s: ConvShape, dx: FloatArray | null, dw: FloatArray | null): void;
  /**
   * Max pooling of `planes` planes of inH x inW (x, any dtype), windows `rows` x `cols` (one per
   * output row and column, src/kernels/pooling.ts Windows): y = each window's max and argmax = its
   * position in x (NaN wins, ties go to the first in row-major scan order). The contract of
   * `windowMax` in src/kernels/pooling.ts.
   */
  maxPool2dForward(x: TypedArray, planes: number, inH: number, inW: number, rows: Windows, cols: Windows, y: TypedArray, argmax: Int32Array): void;
  /** dx[argmax[i]] += g[i] (repeated positions add up): max pooling's backward, `scatterAddAt` in src/kernels/pooling.ts. */
  maxPool2dBackward(g: FloatArray, argmax: Int32Array, dx: FloatArray): void;
  /**
   * Average pooling: y = each window's sum (in float64, row-major) divided by `divisor` when given,
   * else by rows.divisor[oh] * cols.divisor[ow]; 0 for an empty window. The contract of
   * `windowMean` in src/kernels/pooling.ts.
   */
  avgPool2dForward(x: FloatArray, planes: number, inH: number, inW: number, rows: Windows, cols: Windows, divisor: number | null, y: FloatArray): void;
  /** Its adjoint: dx += each output's g, divided as the forward divides, over its window (`windowMeanAdjoint`). */
  avgPool2dBackward(g: FloatArray, planes: number, inH: number, inW: number, rows: Windows, cols: Windows, divisor: number | null, dx: FloatArray): void;
  /**
   * out[i] = value for each i in order whose draw of a Generator's `uniform()` is below p, the others
   * left as they are; `state` is the generator's live Alea state (`aleaState()`), advanced past the
   * out.length draws. Dropout's masks; the contract of `aleaBernoulliFill` in src/random.ts, bit
   * for bit.
   */
  bernoulliFill(state: Float64Array, p: number, value: number, out: FloatArray): void;
  /**
   * out[i] = a[i] op b[i] for op in add, sub, mul, div, where a and b are either out's length or a
   * single element (used for every i), all three of one float type; `out` may be `a` or `b`. IEEE
   * arithmetic in out's type: the bits of the TS runs (src/kernels/elementwise.ts addRun...), which
   * compute in float64 and round once, the same result for these four operations (Figueroa: 53 >=
   * 2 * 24 + 2 bits).
   */
  arithmetic(op: ArithmeticOp, a: FloatArray, b: FloatArray, out: FloatArray): void;
  /** out = max(x, 0) (x > 0 ? x : 0). */
  relu(x: FloatArray, out: FloatArray): void;
  /** out = g where y > 0, else 0 (y is relu's output). */
  reluBackward(g: FloatArray, y: FloatArray, out: FloatArray): void;
  /** out = 1 / (1 + e^-x). */
  sigmoid(x: FloatArray, out: FloatArray): void;
  /** out = g * y * (1 - y) (y is sigmoid's output). */
  sigmoidBackward(g: FloatArray, y: FloatArray, out: FloatArray): void;
  /**
   * One SGD step of a parameter (`torch.optim.SGD`), in place: `p` (the parameter) and, with
   * momentum, `buf` (its momentum buffer; null when momentum is 0) are updated from `grad`;
   * `first`: the buffer's first step (it starts as the gradient). Float32 arrays round where
   * PyTorch keeps a float32 result (its fused multiply-adds rounded once), float64 ones compute
   * in float64; the contract of `sgdUpdate` in src/backend/js.ts, bit for bit.
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
  ): void;
  /**
   * One Adadelta step of a parameter (`torch.optim.Adadelta`), in place: `p`, `squareAvg` (the
   * running mean of the squared gradient) and `accDelta` (of the squared update) are updated from
   * `grad`; float32 rounds as PyTorch does. The contract of `adadeltaUpdate` in src/backend/js.ts,
   * bit for bit.
   */
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
  ): void;
}

let requested: BackendName | 'auto' = 'auto';
let active: KernelBackend | null = null;
/** The thread count set by setNumThreads; null: the machine's cores (looked up at first use). */
let numThreads: number | null = null;

/** The backend the hot kernels run on; on first use, resolves 'auto'. */
export function kernels(): KernelBackend {
  return active ?? resolve();
}

function resolve(): KernelBackend {
  if (requested === 'js') return (active = jsBackend);
  const threads = getNumThreads();
  const pooled = threads > 1 ? createThreadedWasmBackend(threads) : null;
  if (pooled) return (active = pooled);
  const wasm = createWasmBackend();
  if (wasm) return (active = wasm);
  if (requested === 'wasm') throw new Error(wasmError());
  return (active = jsBackend);
}

function wasmError(): string {
  return `setBackend('wasm'): WebAssembly SIMD is not available here (${wasmUnavailableReason() ?? 'unknown reason'}); use setBackend('js')`;
}

/**
 * Chooses the kernel backend: 'wasm' (WebAssembly SIMD; throws where the runtime lacks it), 'js'
 * (the TypeScript kernels), or 'auto' (the default: wasm where available, else js). Global, like
 * the grad mode; float64 results agree between backends to rounding (bit for bit in most kernels),
 * float32 matrix products to float32 rounding (see src/backend/wasm/assembly/gemm.ts).
 */
export function setBackend(name: BackendName | 'auto'): void {
  if (name !== 'js' && name !== 'wasm' && name !== 'auto') {
    throw new Error(`setBackend: unknown backend '${String(name)}'; expected 'js', 'wasm' or 'auto'`);
  }
  if (name === 'wasm' && !createWasmBackend()) throw new Error(wasmError());
  requested = name;
  active = null;
}

/** The name of the backend the kernels run on ('auto' resolved). */
export function getBackend(): BackendName {
  return kernels().name;
}

/**
 * Sets the number of threads the kernels use (`torch.set_num_threads`), counting the calling
 * thread: GEMM, matmul, Linear and the convolutions split across a pool of workers on one shared
 * WebAssembly memory (worker_threads in Node; Web Workers in a cross-origin isolated page, from
 * inside a Web Worker, as a browser's main thread may not block). 1 runs everything on the calling
 * thread, exactly as a build without threads; where threads cannot run, every count does. Results
 * are bit-identical whatever the count.
 */
export function setNumThreads(threads: number): void {
  if (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1) {
    const got = typeof threads === 'number' ? String(threads) : `${typeof threads} ${String(threads)}`;
    throw new Error(`setNumThreads: threads must be a positive integer, got ${got}`);
  }
  numThreads = threads;
  active = null;
}

/**
 * The number of threads the kernels may use (`torch.get_num_threads`): what setNumThreads set, by
 * default the machine's logical cores. `getBackendInfo().threads` says how many run now.
 */
export function getNumThreads(): number {
  return (numThreads ??= machineCores());
}

/** Which build of the kernels runs (see getBackendInfo). */
export interface BackendInfo {
  /** As getBackend(). */
  name: BackendName;
  /**
   * The build of the WebAssembly kernels: 'relaxed-simd' (fused multiply-adds) where the runtime
   * validates relaxed SIMD (Chrome 114+, Node 22+, Node 20 with --experimental-wasm-relaxed-simd),
   * else 'simd128'; 'none' on the js backend.
   */
  simd: SimdFlavor | 'none';
  /** Threads running the kernels now: the caller plus the workers that have started (1 without a pool). */
  threads: number;
}

/** The kernel build in use: backend name, SIMD flavour and threads running now. */
export function getBackendInfo(): BackendInfo {
  const k = kernels();
  return { name: k.name, simd: simdFlavor(k), threads: runningThreads(k) };
}
