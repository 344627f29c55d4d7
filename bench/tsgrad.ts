/** tsgrad's side of the benchmark: the models written as a user would, with nn, optim and the public API. */
import { nn, optim, setBackend, sigmoid, Tensor } from '../src/index';
import type { Problem, Trainer } from './models';

/** Linear -> ReLU -> Linear, plus a sigmoid for the BCE model (NeuralNet1). */
class Net extends nn.Module {
  linear1: nn.Linear;
  relu = new nn.ReLU();
  linear2: nn.Linear;

  constructor(
    inputs: number,
    hidden: number,
    outputs: number,
    private readonly withSigmoid: boolean,
  ) {
    super();
    this.linear1 = new nn.Linear(inputs, hidden);
    this.linear2 = new nn.Linear(hidden, outputs);
  }

  forward(x: Tensor): Tensor {
    const out = this.linear2.forward(this.relu.forward(this.linear1.forward(x)));
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

/** The model, loss, optimizer and data; sets the kernel backend (global) to `backend`. */
export function tsgradParts(problem: Problem, backend: 'js' | 'wasm' = benchBackend()): TsgradParts {
  setBackend(backend);
  const { spec, weights, batches } = problem;
  const bce = spec.loss === 'sigmoid-bce';
  const model = new Net(spec.inputs, spec.hidden, spec.outputs, bce);
  const f32 = (data: Float32Array, shape: number[]) => new Tensor(data.slice(), shape, 'float32');
  model.loadStateDict({
    'linear1.weight': f32(weights.w1, [spec.hidden, spec.inputs]),
    'linear1.bias': f32(weights.b1, [spec.hidden]),
    'linear2.weight': f32(weights.w2, [spec.outputs, spec.hidden]),
    'linear2.bias': f32(weights.b2, [spec.outputs]),
  });
  const xs = batches.map((b) => f32(b.x, [spec.batch, spec.inputs]));
  const ys = batches.map((b) =>
    bce ? new Tensor(Float32Array.from(b.labels), [spec.batch, 1], 'float32') : new Tensor(b.labels.slice(), [spec.batch], 'int32'),
  );
  const criterion = bce ? new nn.BCELoss() : new nn.CrossEntropyLoss();
  const optimizer = new optim.SGD(model.parameters(), { lr: spec.lr });
  return { model, criterion, optimizer, xs, ys };
}

export function tsgradTrainer(problem: Problem, backend: 'js' | 'wasm' = benchBackend()): Trainer {
  const { model, criterion, optimizer, xs, ys } = tsgradParts(problem, backend);
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
