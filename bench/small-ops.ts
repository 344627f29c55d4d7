/**
 * Issue 16's chain of small ops, and what it needs to run, written once for both forms of tsgrad the
 * bench times: its sources under tsx (bench/worker.ts passes ../src/index) and the npm package in
 * plain node (bench/package-worker.ts passes require('dist/index.cjs')). The library comes in as a
 * parameter and this file imports only tsgrad's types, so esbuild can bundle it (with ./stats) into
 * the plain-node worker without a copy of src/.
 */
import type * as tsgrad from '../src/index';
import { time } from './stats';

/** The part of tsgrad's API the chain uses: the sources' module or the package's exports. */
export type TsgradLib = Pick<typeof tsgrad, 'Tensor' | 'setBackend' | 'setNumThreads' | 'getNumThreads' | 'getBackendInfo'>;

/** Issue 16's chain of small ops on one tsgrad backend, in one form of tsgrad. */
export interface SmallOpsReply {
  usPerOp: number;
  bestUsPerOp: number;
  threads: number;
  info: string;
}

/** Ops in the small-ops chain: 100 rounds of mul, add, relu. */
export const SMALL_OPS = 300;

/** The kernel backend a benchmark process uses: $TSGRAD_BACKEND ('js' or 'wasm'), js by default. */
export function benchBackend(): 'js' | 'wasm' {
  return process.env.TSGRAD_BACKEND === 'wasm' ? 'wasm' : 'js';
}

/**
 * The kernel threads a benchmark process asks for: $TSGRAD_THREADS (a positive integer), or null
 * (unset: tsgrad's default, the machine's cores).
 */
export function benchThreads(): number | null {
  const v = process.env.TSGRAD_THREADS;
  if (v === undefined || v === '') return null;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`TSGRAD_THREADS must be a positive integer, got '${v}'`);
  return n;
}

/**
 * Waits (without blocking the event loop, where the pool's workers report ready) until as many
 * threads as asked run `lib`'s kernels, or 10 s; returns how many run.
 */
export async function threadsRunningOn(lib: TsgradLib, want: number): Promise<number> {
  const start = Date.now();
  while (lib.getBackendInfo().threads < want && Date.now() - start < 10_000) await new Promise((r) => setTimeout(r, 10));
  return lib.getBackendInfo().threads;
}

/** "wasm (relaxed-simd), 2 threads running": `lib`'s kernel build, for the reports. */
export function describeKernelsOf(lib: TsgradLib): string {
  const info = lib.getBackendInfo();
  return info.name === 'js'
    ? 'kernel backend js (the TS kernels)'
    : `kernel backend wasm (${info.simd}), ${info.threads} thread${info.threads > 1 ? 's' : ''} running`;
}

/**
 * Issue 16's small ops: a chain of 300 ops on [32, 10] float32 tensors, h = relu(h * w + 1) 100
 * times from x (x and w require grad), then sum() and backward. Returns microseconds per op (the
 * whole forward + backward over 300; the sum is one more op, counted in the time, not the count):
 * median of `reps` samples of >= 20 ms (bench/stats.ts's `time`) after `warmupMs` of it.
 */
export function smallOpsChain(lib: TsgradLib, reps: number, warmupMs: number): { usPerOp: number; bestUsPerOp: number } {
  const x = new lib.Tensor(
    Float32Array.from({ length: 320 }, (_, i) => ((i * 37) % 100) / 100 - 0.5),
    [32, 10],
    'float32',
  ).requiresGrad_();
  const w = new lib.Tensor(
    Float32Array.from({ length: 320 }, (_, i) => ((i * 53) % 100) / 200 - 0.25),
    [32, 10],
    'float32',
  ).requiresGrad_();
  const chain = () => {
    x.grad = null;
    w.grad = null;
    let h = x;
    for (let i = 0; i < SMALL_OPS / 3; i++) h = h.mul(w).add(1).relu();
    h.sum().backward();
  };
  for (let t = performance.now(); performance.now() - t < warmupMs;) chain();
  const { seconds, best } = time(chain, reps);
  return { usPerOp: (seconds * 1e6) / SMALL_OPS, bestUsPerOp: (best * 1e6) / SMALL_OPS };
}

/** The chain on `lib` at this process's backend and threads ($TSGRAD_BACKEND, $TSGRAD_THREADS). */
export async function runSmallOps(lib: TsgradLib, reps: number, warmupMs: number): Promise<SmallOpsReply> {
  lib.setBackend(benchBackend());
  const threads = benchThreads();
  if (threads !== null) lib.setNumThreads(threads);
  // getBackendInfo resolves the backend, which starts the pool's workers (without waiting for them)
  if (lib.getBackendInfo().name === 'wasm' && lib.getNumThreads() > 1) await threadsRunningOn(lib, lib.getNumThreads());
  const { usPerOp, bestUsPerOp } = smallOpsChain(lib, reps, warmupMs);
  return { usPerOp, bestUsPerOp, threads: lib.getBackendInfo().threads, info: `${describeKernelsOf(lib)} (setNumThreads ${lib.getNumThreads()})` };
}
