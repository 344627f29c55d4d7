/** tsgrad's side of the benchmark: the models written as a user would, with nn, optim and the public API. */
import { getBackendInfo, nn, optim, setBackend, setNumThreads, sigmoid, Tensor } from '../src/index';
import { layerSizes, type Problem, type Trainer } from './models';

/** Linear -> ReLU -> ... -> Linear, plus a sigmoid for the BCE model (NeuralNet1). */
class Net extends nn.Module {
  linears: nn.Linear[];
  relu = new nn.ReLU();

  constructor(
    sizes: [number, number][],
    private readonly withSigmoid: boolean,
  ) {
    super();
    this.linears = sizes.map(([inF, outF]) => new nn.Linear(inF, outF));
  }

  forward(x: Tensor): Tensor {
    let out = this.linears[0].forward(x);
    for (const linear of this.linears.slice(1)) out = linear.forward(this.relu.forward(out));
    return this.withSigmoid ? sigmoid(out) : out;
  }
}

/** The pieces of a tsgrad step, exposed so that bench/profile.ts can time each one. */
export interface TsgradParts {
  model: Net;
  criterion: nn.Module & { forward(input: Tensor, target: Tensor): Tensor };
  optimizer: optim.SGD;
  xs: Tensor[];
  ys: Tensor[];
}

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
 * Sets the kernel backend and, if given (else $TSGRAD_THREADS, else tsgrad's default), the thread
 * count: global state, as in a user's script.
 */
export function useBackend(backend: 'js' | 'wasm' = benchBackend(), threads: number | null = benchThreads()): void {
  setBackend(backend);
  if (threads !== null) setNumThreads(threads);
}

/**
 * Waits (without blocking the event loop, where the pool's workers report ready) until as many
 * threads as asked run the kernels, or 10 s; returns how many run. The pool starts its workers
 * at the first kernel call, so this makes one.
 */
export async function threadsRunning(want: number): Promise<number> {
  const start = Date.now();
  while (getBackendInfo().threads < want && Date.now() - start < 10_000) await new Promise((r) => setTimeout(r, 10));
  return getBackendInfo().threads;
}

/** "wasm (relaxed-simd), 2 threads running": the kernel build, for the reports. */
export function describeKernels(): string {
  const info = getBackendInfo();
  return info.name === 'js'
    ? 'kernel backend js (the TS kernels)'
    : `kernel backend wasm (${info.simd}), ${info.threads} thread${info.threads > 1 ? 's' : ''} running`;
}

/** The model, loss, optimizer and data; sets the kernel backend (global) to `backend`, and the threads. */
export function tsgradParts(problem: Problem, backend: 'js' | 'wasm' = benchBackend(), threads: number | null = benchThreads()): TsgradParts {
  useBackend(backend, threads);
  const { spec, weights, batches } = problem;
  const bce = spec.loss === 'sigmoid-bce';
  const sizes = layerSizes(spec);
  const model = new Net(sizes, bce);
  const f32 = (data: Float32Array, shape: number[]) => new Tensor(data.slice(), shape, 'float32');
  const state: Record<string, Tensor> = {};
  sizes.forEach(([inF, outF], i) => {
    state[`linears.${i}.weight`] = f32(weights[i].w, [outF, inF]);
    state[`linears.${i}.bias`] = f32(weights[i].b, [outF]);
  });
  model.loadStateDict(state);
  const xs = batches.map((b) => f32(b.x, [spec.batch, spec.inputs]));
  const ys = batches.map((b) =>
    bce ? new Tensor(Float32Array.from(b.labels), [spec.batch, 1], 'float32') : new Tensor(b.labels.slice(), [spec.batch], 'int32'),
  );
  const criterion = bce ? new nn.BCELoss() : new nn.CrossEntropyLoss();
  const optimizer = new optim.SGD(model.parameters(), { lr: spec.lr });
  return { model, criterion, optimizer, xs, ys };
}

export function tsgradTrainer(problem: Problem, backend: 'js' | 'wasm' = benchBackend(), threads: number | null = benchThreads()): Trainer {
  const { model, criterion, optimizer, xs, ys } = tsgradParts(problem, backend, threads);
  const step = (b: number): Tensor => {
    optimizer.zeroGrad();
    const loss = criterion.forward(model.forward(xs[b]), ys[b]);
    loss.backward();
    optimizer.step();
    return loss;
  };
  return {
    step: (b) => step(b).item(),
    run(steps, first) {
      for (let i = 0; i < steps; i++) step((first + i) % xs.length);
    },
  };
}

/** Ops in the small-ops chain: 100 rounds of mul, add, relu. */
export const SMALL_OPS = 300;

/**
 * Issue 16's small ops: a chain of 300 ops on [32, 10] float32 tensors, h = relu(h * w + 1) 100
 * times from x (x and w require grad), then sum() and backward. Returns microseconds per op (the
 * whole forward + backward over 300; the sum is one more op, counted in the time, not the count):
 * median of `reps` samples of >= 20 ms (bench/stats.ts's `time`) after `warmupMs` of it.
 */
export function smallOpsChain(reps: number, warmupMs: number, time: (f: () => void, reps: number) => { seconds: number; best: number }) {
  const x = new Tensor(
    Float32Array.from({ length: 320 }, (_, i) => ((i * 37) % 100) / 100 - 0.5),
    [32, 10],
    'float32',
  ).requiresGrad_();
  const w = new Tensor(
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
