import * as torch from '../../src/index';
import type { Tensor } from '../../src/index';

// Every differentiable op and loss, two ways:
// 1. its differentiable formula (`backward`, what createGraph runs) gives the same first-order
//    gradients as its storage twin (`fastBackward`, what plain training runs);
// 2. gradgradcheck: the second derivatives match finite differences of the first.
// All in float64; inputs are kept away from kinks (relu at 0, clamp at its bounds, ties in max).

const { grad, gradgradcheck } = torch.autograd;
const F = torch.nn.functional;

let seed = 7;
function gen(): torch.Generator {
  return new torch.Generator(seed++);
}
/** A float64 leaf that requires grad: standard normal, or in [0.5, 1.5) when positive. */
function rnd(shape: number[], kind: 'normal' | 'positive' | 'prob' = 'normal'): Tensor {
  const generator = gen();
  const x =
    kind === 'positive'
      ? torch.rand(shape, { dtype: 'float64', generator }).add(0.5)
      : kind === 'prob'
        ? torch.rand(shape, { dtype: 'float64', generator }).mul(0.8).add(0.1)
        : torch.randn(shape, { dtype: 'float64', generator });
  return x.requiresGrad_();
}
/** Normal values pushed at least 0.2 away from 0 (for relu, abs, sign). */
function awayFromZero(shape: number[]): Tensor {
  const x = torch.randn(shape, { dtype: 'float64', generator: gen() });
  return torch.where(x.ge(0), x.add(0.2), x.sub(0.2)).detach().requiresGrad_();
}
const idx = (values: number[], shape = [values.length]): Tensor => torch.tensor(values, { dtype: 'int32' }).reshape(shape);

type Fn = (...xs: Tensor[]) => Tensor;
interface Case {
  name: string;
  fn: Fn;
  inputs: () => Tensor[];
}
const c = (name: string, fn: Fn, inputs: () => Tensor[]): Case => ({ name, fn, inputs });

const cube = torch.autograd.defineOp({
  name: 'Cube',
  forward(ctx, x: Tensor) {
    ctx.saveForBackward(x);
    return x.pow(3);
  },
  // d/dx x^3 = 3 x^2, written with ops so it can be differentiated again
  backward(ctx, g) {
    const [x] = ctx.savedTensors;
    return [g.mul(x.pow(2)).mul(3)];
  },
});

const cases: Case[] = [
  // unary
  c(
    'exp',
    (x) => x.exp(),
    () => [rnd([2, 3])],
  ),
  c(
    'log',
    (x) => x.log(),
    () => [rnd([2, 3], 'positive')],
  ),
  c(
    'sqrt',
    (x) => x.sqrt(),
    () => [rnd([2, 3], 'positive')],
  ),
  c(
    'abs',
    (x) => x.abs(),
    () => [awayFromZero([2, 3])],
  ),
  c(
    'sign',
    (x) => x.sign().mul(x),
    () => [awayFromZero([2, 3])],
  ),
  c(
    'relu',
    (x) => x.relu().mul(x),
    () => [awayFromZero([2, 3])],
  ),
  c(
    'sigmoid',
    (x) => x.sigmoid(),
    () => [rnd([2, 3])],
  ),
  c(
    'tanh',
    (x) => x.tanh(),
    () => [rnd([2, 3])],
  ),
  c(
    'pow 3',
    (x) => x.pow(3),
    () => [rnd([2, 3])],
  ),
  c(
    'pow 2',
    (x) => x.pow(2),
    () => [rnd([2, 3])],
  ),
  c(
    'pow 0.5',
    (x) => x.pow(0.5),
    () => [rnd([2, 3], 'positive')],
  ),
  c(
    'pow -2',
    (x) => x.pow(-2),
    () => [rnd([2, 3], 'positive')],
  ),
  c(
    'pow 0',
    (x) => x.pow(0).mul(x),
    () => [rnd([2, 3])],
  ),
  c(
    'clamp',
    (x) => x.clamp(-0.55, 0.45).mul(x),
    () => [
      torch
        .tensor(
          [
            [-2, -0.3, 0.1],
            [0.2, 1.5, -0.05],
          ],
          { dtype: 'float64' },
        )
        .requiresGrad_(),
    ],
  ),
  c(
    'clamp min only',
    (x) => x.clamp(0.05).pow(2),
    () => [torch.tensor([-2, 0.3, 1.1], { dtype: 'float64' }).requiresGrad_()],
  ),
  c(
    'clone',
    (x) => x.clone().mul(x),
    () => [rnd([3])],
  ),
  // binary, broadcasting
  c(
    'add',
    (a, b) => a.add(b).pow(2),
    () => [rnd([3, 1]), rnd([1, 4])],
  ),
  c(
    'add alpha',
    (a, b) => torch.add(a, b, -2).pow(2),
    () => [rnd([2, 3]), rnd([3])],
  ),
  c(
    'sub',
    (a, b) => a.sub(b).pow(3),
    () => [rnd([2, 3]), rnd([])],
  ),
  c(
    'mul',
    (a, b) => a.mul(b),
    () => [rnd([3, 1]), rnd([1, 4])],
  ),
  c(
    'mul self',
    (a) => a.mul(a).mul(a),
    () => [rnd([2, 2])],
  ),
  c(
    'div',
    (a, b) => a.div(b),
    () => [rnd([2, 3]), rnd([3], 'positive')],
  ),
  c(
    'div number by tensor',
    (b) => torch.div(2, b),
    () => [rnd([4], 'positive')],
  ),
  c(
    'pow tensor',
    (a, b) => a.pow(b),
    () => [rnd([2, 3], 'positive'), rnd([3])],
  ),
  c(
    'pow number base',
    (b) => torch.pow(torch.tensor(2.5, { dtype: 'float64' }), b),
    () => [rnd([3])],
  ),
  c(
    'neg',
    (a) => a.neg().mul(a),
    () => [rnd([3])],
  ),
  c(
    'where',
    (a, b) => torch.where(torch.tensor([true, false, true]), a, b).pow(2),
    () => [rnd([2, 3]), rnd([3])],
  ),
  // reductions
  c(
    'sum',
    (x) => x.sum().pow(2),
    () => [rnd([2, 3])],
  ),
  c(
    'sum dim',
    (x) => x.sum(1).pow(2),
    () => [rnd([2, 3])],
  ),
  c(
    'sum dims keepdim',
    (x) => x.sum([0, 2], true).pow(2),
    () => [rnd([2, 3, 2])],
  ),
  c(
    'mean',
    (x) => x.mean().pow(2),
    () => [rnd([2, 3])],
  ),
  c(
    'mean dim',
    (x) => x.mean(-1).pow(2),
    () => [rnd([2, 3])],
  ),
  c(
    'max',
    (x) => x.max().pow(2),
    () => [rnd([2, 3])],
  ),
  c(
    'min',
    (x) => x.min().pow(2),
    () => [rnd([2, 3])],
  ),
  c(
    'max dim',
    (x) => x.max(1)[0].pow(2),
    () => [rnd([3, 4])],
  ),
  c(
    'min dim keepdim',
    (x) => x.min(0, true)[0].pow(2),
    () => [rnd([3, 4])],
  ),
  // layout
  c(
    'reshape',
    (x) => x.reshape([3, 2]).pow(2),
    () => [rnd([2, 3])],
  ),
  c(
    'flatten squeeze unsqueeze',
    (x) => x.unsqueeze(0).flatten(1).squeeze().pow(2),
    () => [rnd([2, 3])],
  ),
  c(
    'permute',
    (x) => x.permute([2, 0, 1]).pow(2),
    () => [rnd([2, 3, 2])],
  ),
  c(
    'transpose',
    (x) => x.transpose(0, 1).pow(2),
    () => [rnd([2, 3])],
  ),
  c(
    'T',
    (x) => x.T.matmul(x),
    () => [rnd([2, 3])],
  ),
  c(
    'expand',
    (x) => x.expand([3, 2, 4]).pow(2),
    () => [rnd([2, 1])],
  ),
  c(
    'sumTo',
    (x) => x.sumTo([3, 1]).pow(2),
    () => [rnd([2, 3, 4])],
  ),
  c(
    'cat',
    (a, b) => torch.cat([a, b, a], 1).pow(2),
    () => [rnd([2, 2]), rnd([2, 3])],
  ),
  c(
    'stack',
    (a, b) => torch.stack([a, b], 1).pow(2),
    () => [rnd([2, 3]), rnd([2, 3])],
  ),
  c(
    'gather',
    (x) => x.gather(1, idx([0, 2, 2, 1, 1, 0], [2, 3])).pow(2),
    () => [rnd([2, 4])],
  ),
  c(
    'scatterAdd',
    (x, s) => x.scatterAdd(1, idx([0, 2, 2, 1], [2, 2]), s).pow(2),
    () => [rnd([2, 3]), rnd([2, 3])],
  ),
  c(
    'indexSelect',
    (x) => x.indexSelect(0, idx([2, 0, 2])).pow(2),
    () => [rnd([3, 2])],
  ),
  c(
    'indexAdd',
    (x, s) => x.indexAdd(1, idx([1, 1]), s).pow(2),
    () => [rnd([2, 3]), rnd([2, 2])],
  ),
  c(
    'narrow',
    (x) => x.narrow(1, 1, 2).pow(2),
    () => [rnd([2, 4])],
  ),
  // products
  c(
    'matmul 1-D 1-D',
    (a, b) => a.matmul(b).pow(2),
    () => [rnd([3]), rnd([3])],
  ),
  c(
    'matmul 2-D 1-D',
    (a, b) => a.matmul(b).pow(2),
    () => [rnd([2, 3]), rnd([3])],
  ),
  c(
    'matmul 1-D 2-D',
    (a, b) => a.matmul(b).pow(2),
    () => [rnd([3]), rnd([3, 2])],
  ),
  c(
    'matmul 2-D',
    (a, b) => a.matmul(b).pow(2),
    () => [rnd([2, 3]), rnd([3, 2])],
  ),
  c(
    'matmul batched broadcast',
    (a, b) => a.matmul(b).pow(2),
    () => [rnd([2, 2, 3]), rnd([3, 2])],
  ),
  c(
    'matmul batch dims broadcast',
    (a, b) => a.matmul(b).pow(2),
    () => [rnd([2, 1, 2, 3]), rnd([2, 3, 2])],
  ),
  c(
    'linear',
    (x, w, b) => F.linear(x, w, b).pow(2),
    () => [rnd([3, 4]), rnd([2, 4]), rnd([2])],
  ),
  c(
    'linear no bias, 3-D input',
    (x, w) => F.linear(x, w).pow(2),
    () => [rnd([2, 2, 3]), rnd([2, 3])],
  ),
  c(
    'linear 1-D input',
    (x, w, b) => F.linear(x, w, b).tanh(),
    () => [rnd([3]), rnd([2, 3]), rnd([2])],
  ),
  // softmax
  c(
    'softmax dim 1',
    (x) => x.softmax(1),
    () => [rnd([2, 3])],
  ),
  c(
    'softmax dim 0',
    (x) => x.softmax(0),
    () => [rnd([3, 2])],
  ),
  c(
    'logSoftmax dim -1',
    (x) => x.logSoftmax(-1),
    () => [rnd([2, 3])],
  ),
  c(
    'logSoftmax dim 1 of 3-D',
    (x) => x.logSoftmax(1),
    () => [rnd([2, 3, 2])],
  ),
  // losses
  c(
    'crossEntropy',
    (x) => F.crossEntropy(x, idx([2, 0, 1])),
    () => [rnd([3, 4])],
  ),
  c(
    'crossEntropy sum',
    (x) => F.crossEntropy(x, idx([2, 0, 1]), { reduction: 'sum' }),
    () => [rnd([3, 4])],
  ),
  c(
    'crossEntropy none',
    (x) => F.crossEntropy(x, idx([2, 0, 1]), { reduction: 'none' }),
    () => [rnd([3, 4])],
  ),
  c(
    'crossEntropy weight, smoothing, ignoreIndex',
    (x) => F.crossEntropy(x, idx([2, 0, 1, 3]), { weight: torch.tensor([0.5, 1, 2], { dtype: 'float64' }), labelSmoothing: 0.2, ignoreIndex: 3 }),
    () => [rnd([4, 3])],
  ),
  c(
    'crossEntropy 1-D',
    (x) => F.crossEntropy(x, torch.tensor(1, { dtype: 'int32' })),
    () => [rnd([4])],
  ),
  c(
    'crossEntropy (N, C, d)',
    (x) => F.crossEntropy(x, idx([0, 2, 1, 1], [2, 2]), { reduction: 'none' }),
    () => [rnd([2, 3, 2])],
  ),
  c(
    'crossEntropy probabilities',
    (x, t) => F.crossEntropy(x, t, { labelSmoothing: 0.1, weight: torch.tensor([1, 2, 0.5], { dtype: 'float64' }) }),
    () => [rnd([2, 3]), rnd([2, 3], 'prob')],
  ),
  c(
    'nllLoss',
    (x) => F.nllLoss(x.logSoftmax(1), idx([1, 0])),
    () => [rnd([2, 3])],
  ),
  c(
    'nllLoss none, weight',
    (x) => F.nllLoss(x.mul(x), idx([1, 0, 2]), { reduction: 'none', weight: torch.tensor([1, 2, 3], { dtype: 'float64' }) }),
    () => [rnd([3, 3])],
  ),
  c(
    'binaryCrossEntropy',
    (p, y) => F.binaryCrossEntropy(p, y),
    () => [rnd([2, 3], 'prob'), rnd([2, 3], 'prob')],
  ),
  c(
    'binaryCrossEntropy weight none',
    (p) => F.binaryCrossEntropy(p, torch.tensor([0, 1, 1], { dtype: 'float64' }), { weight: torch.tensor([1, 2, 3], { dtype: 'float64' }), reduction: 'none' }),
    () => [rnd([3], 'prob')],
  ),
  c(
    'binaryCrossEntropyWithLogits',
    (x, y) => F.binaryCrossEntropyWithLogits(x, y),
    () => [rnd([2, 3]), rnd([2, 3], 'prob')],
  ),
  c(
    'binaryCrossEntropyWithLogits weight, posWeight',
    (x, y) =>
      F.binaryCrossEntropyWithLogits(x, y, {
        weight: torch.tensor([1, 2, 0.5], { dtype: 'float64' }),
        posWeight: torch.tensor([3, 1, 2], { dtype: 'float64' }),
        reduction: 'sum',
      }),
    () => [rnd([2, 3]), rnd([2, 3], 'prob')],
  ),
  c(
    'mseLoss',
    (x, y) => F.mseLoss(x, y),
    () => [rnd([2, 3]), rnd([2, 3])],
  ),
  c(
    'leakyRelu',
    (x) => F.leakyRelu(x, 0.2).pow(2),
    () => [awayFromZero([2, 3])],
  ),
  // a composite
  c(
    'softsign',
    (x) => F.softsign(x),
    () => [awayFromZero([2, 3])],
  ),
  // a custom op whose backward is made of ops
  c(
    'defineOp',
    (x) => cube(x),
    () => [rnd([3])],
  ),
];

/** Random float64 gradient seeds shaped like fn's output. */
function seedFor(out: Tensor): Tensor {
  return torch.randn([...out.shape], { dtype: 'float64', generator: gen() });
}

describe('the differentiable formula agrees with the storage one', () => {
  it.each(cases.map((k) => [k.name, k] as const))('%s', (_name, k) => {
    const inputs = k.inputs();
    const out = k.fn(...inputs);
    const v = seedFor(out);
    const fast = grad(out, inputs, { gradOutputs: v, retainGraph: true, allowUnused: true });
    const graph = grad(out, inputs, { gradOutputs: v, createGraph: true, allowUnused: true });
    inputs.forEach((_x, i) => {
      const a = fast[i];
      const b = graph[i];
      expect(b === null).toBe(a === null);
      if (!a || !b) return;
      expect(b.shape).toEqual(a.shape);
      for (let j = 0; j < a.numel(); j++) expect(b.data[j]).toBeCloseTo(a.data[j], 10);
    });
  });
});

describe('gradgradcheck of every differentiable op and loss', () => {
  it.each(cases.map((k) => [k.name, k] as const))('%s', (_name, k) => {
    expect(gradgradcheck(k.fn, k.inputs())).toBe(true);
  });
});
