/** tsgrad's side of the benchmark: the models written as a user would, with nn, optim and the public API. */
import * as tsgrad from '../src/index';
import { nn, optim, setBackend, setNumThreads, sigmoid, Tensor } from '../src/index';
import { layerSizes, type Problem, type Trainer } from './models';
import { benchBackend, benchThreads, describeKernelsOf, threadsRunningOn } from './small-ops';

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

export { benchBackend, benchThreads };

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
 * when the backend resolves (getBackendInfo does that).
 */
export function threadsRunning(want: number): Promise<number> {
  return threadsRunningOn(tsgrad, want);
}

/** "wasm (relaxed-simd), 2 threads running": the kernel build, for the reports. */
export function describeKernels(): string {
  return describeKernelsOf(tsgrad);
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
