/**
 * js-pytorch (nested-array tensors, float64 JS numbers): its Linear and CrossEntropyLoss as they
 * are. What it lacks is built here from its tensor ops, bench-only:
 * - ReLU: its nn.ReLU is leaky (slope 1e-3), which changes the loss; this one multiplies by the
 *   same kind of constant mask with 0 instead of 1e-3, so it costs what its ReLU costs;
 * - Sigmoid: 1 / (1 + exp(-x));
 * - BCE: -mean(y log p + (1 - y) log(1 - p));
 * - SGD: p = p - lr * grad, with its ops as its Adam does.
 */
import * as fs from 'fs';
import * as path from 'path';
import { torch } from 'js-pytorch';
import { type Batch, layerSizes, type Problem, type Trainer } from '../models';

type JsTensor = InstanceType<typeof torch.Tensor>;
type Nested = number[] | number[][];

/** Version, and what the adapter builds itself. */
export function jsPytorchInfo(): string {
  // its package.json is not in its "exports": read it from next to the resolved entry point
  const pkg = path.join(path.dirname(require.resolve('js-pytorch')), '..', 'package.json');
  const { version } = JSON.parse(fs.readFileSync(pkg, 'utf8')) as { version: string };
  return `js-pytorch ${version}: its nn.Linear and nn.CrossEntropyLoss; exact ReLU, sigmoid, BCE and SGD from its tensor ops`;
}

/** Row-major data as nested rows. */
function rows(a: ArrayLike<number>, r: number, c: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < r; i++) out.push(Array.from({ length: c }, (_, j) => a[i * c + j]));
  return out;
}

/** max(x, 0) as x * mask, the mask a constant 1/0 tensor. */
function relu(x: JsTensor): JsTensor {
  const mask = (x.data as number[][]).map((row) => row.map((v) => (v > 0 ? 1 : 0)));
  return x.mul(torch.tensor(mask));
}

export function jsPytorchTrainer(problem: Problem): Trainer {
  const { spec, weights, batches } = problem;
  const bce = spec.loss === 'sigmoid-bce';
  const sizes = layerSizes(spec);
  const linears = sizes.map(([inF, outF]) => new torch.nn.Linear(inF, outF));
  // its Linear computes x W + b with W stored in x out: the transpose of PyTorch's weight
  const setWeight = (layer: InstanceType<typeof torch.nn.Linear>, w: Float32Array, b: Float32Array, out: number, inp: number) => {
    const wt = rows(w, out, inp);
    layer.W._data = Array.from({ length: inp }, (_, i) => wt.map((row) => row[i]));
    layer.b._data = Array.from(b);
  };
  sizes.forEach(([inF, outF], i) => setWeight(linears[i], weights[i].w, weights[i].b, outF, inF));
  const params = linears.flatMap((l) => [l.W, l.b]);

  const xs = batches.map((b: Batch) => torch.tensor(rows(b.x, spec.batch, spec.inputs)));
  const labels = batches.map((b: Batch) => torch.tensor(Array.from(b.labels)));
  const ys = batches.map((b: Batch) => torch.tensor(Array.from(b.labels, (v) => [v])));
  const oneMinusYs = batches.map((b: Batch) => torch.tensor(Array.from(b.labels, (v) => [1 - v])));
  const ones = torch.ones([spec.batch, 1]);
  const crossEntropy = new torch.nn.CrossEntropyLoss();

  const forwardLoss = (b: number): JsTensor => {
    let out = linears[0].forward(xs[b]);
    for (const linear of linears.slice(1)) out = linear.forward(relu(out));
    if (!bce) return crossEntropy.forward(out, labels[b]);
    const p = ones.div(out.neg().exp().add(1));
    const perRow = torch
      .log(p)
      .mul(ys[b])
      .add(torch.log(p.neg().add(1)).mul(oneMinusYs[b]));
    return perRow.sum(-1).sum(-1).div(spec.batch).neg();
  };
  const step = (b: number): JsTensor => {
    for (const p of params) p.zero_grad();
    const loss = forwardLoss(b);
    loss.backward();
    // on a grad-free view of the parameter, so the update records no graph
    for (const p of params) p._data = torch.tensor(p._data).add(p._grad.mul(-spec.lr))._data as Nested;
    return loss;
  };
  return {
    step: (b) => (step(b).data as number[])[0],
    run(steps, first) {
      for (let i = 0; i < steps; i++) step((first + i) % xs.length);
    },
  };
}
