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
import { createWasmBackend, wasmUnavailableReason } from './wasm/backend';
import type { FloatArray } from '../dtype';

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
  /** out = max(x, 0) (x > 0 ? x : 0). */
  relu(x: FloatArray, out: FloatArray): void;
  /** out = g where y > 0, else 0 (y is relu's output). */
  reluBackward(g: FloatArray, y: FloatArray, out: FloatArray): void;
  /** out = 1 / (1 + e^-x). */
  sigmoid(x: FloatArray, out: FloatArray): void;
  /** out = g * y * (1 - y) (y is sigmoid's output). */
  sigmoidBackward(g: FloatArray, y: FloatArray, out: FloatArray): void;
}

let requested: BackendName | 'auto' = 'auto';
let active: KernelBackend | null = null;

/** The backend the hot kernels run on; on first use, resolves 'auto'. */
export function kernels(): KernelBackend {
  return active ?? resolve();
}

function resolve(): KernelBackend {
  if (requested === 'js') return (active = jsBackend);
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
