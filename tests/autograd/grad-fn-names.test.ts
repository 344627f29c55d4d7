import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../../src/index';
import { nn, Tensor } from '../../src/index';

const F = nn.functional;

// PyTorch's printed grad_fn names (tests/golden/gen_grad_fn_names.py writes them from real PyTorch).
const golden = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'golden', 'grad-fn-names.json'), 'utf8')) as { names: Record<string, string> };

type Inputs = Record<'a' | 'b' | 'v' | 'w' | 'm' | 'bat' | 'bat4' | 'p', Tensor> & { lab: Tensor };

function inputs(): Inputs {
  const g = new torch.Generator(0);
  const r = (...shape: number[]): Tensor => torch.randn(shape, { generator: g, requiresGrad: true });
  return {
    a: r(2, 3),
    b: r(2, 3),
    v: r(3),
    w: r(3),
    m: r(3, 4),
    bat: r(5, 2, 3),
    bat4: r(5, 3, 4),
    p: torch.rand([2, 3], { generator: g }).clamp(0.1, 0.9).detach().requiresGrad_(),
    lab: torch.tensor([0, 2], { dtype: 'int32' }),
  };
}

const leaf = (t: Tensor): Tensor => t.detach().requiresGrad_();
const ones = (t: Tensor): Tensor => torch.onesLike(t);
const idx = torch.tensor(
  [
    [0, 1],
    [2, 0],
  ],
  { dtype: 'int32' },
);
const cols = torch.tensor([2, 0], { dtype: 'int32' });
const labels = (shape: number[]): Tensor => torch.zeros(shape, { dtype: 'int32' });

// The same expressions as the generator's CASES, in tsgrad.
const CASES: Record<string, (t: Inputs) => Tensor> = {
  add: (t) => t.a.add(t.b),
  'add scalar': (t) => t.a.add(2),
  'scalar add': (t) => torch.add(2, t.a),
  'add alpha': (t) => torch.add(t.a, t.b, 2),
  'add broadcast': (t) => t.a.add(t.v),
  sub: (t) => t.a.sub(t.b),
  'sub scalar': (t) => t.a.sub(2),
  'scalar sub': (t) => torch.sub(2, t.a),
  mul: (t) => t.a.mul(t.b),
  'mul scalar': (t) => t.a.mul(2),
  'scalar mul': (t) => torch.mul(2, t.a),
  div: (t) => t.a.div(t.b),
  'div scalar': (t) => t.a.div(2),
  'scalar div': (t) => torch.div(2, t.a),
  neg: (t) => t.a.neg(),
  'pow tensor': (t) => t.p.pow(t.b),
  'pow scalar': (t) => t.a.pow(2),
  'pow half': (t) => t.p.pow(0.5),
  'scalar pow': (t) => torch.pow(2, t.a),
  where: (t) => torch.where(t.a.gt(0), t.a, t.b),
  exp: (t) => t.a.exp(),
  log: (t) => t.p.log(),
  sqrt: (t) => t.p.sqrt(),
  abs: (t) => t.a.abs(),
  sign: (t) => t.a.sign(),
  relu: (t) => t.a.relu(),
  sigmoid: (t) => t.a.sigmoid(),
  tanh: (t) => t.a.tanh(),
  clamp: (t) => t.a.clamp(-0.5, 0.5),
  'clamp min': (t) => t.a.clamp(-0.5),
  clone: (t) => t.a.clone(),
  'to float64': (t) => t.a.double(),
  'leaky relu': (t) => F.leakyRelu(t.a, 0.1),
  sum: (t) => t.a.sum(),
  'sum dim': (t) => t.a.sum(1),
  'sum dims keepdim': (t) => t.a.sum([0, 1], true),
  mean: (t) => t.a.mean(),
  'mean dim': (t) => t.a.mean(0),
  max: (t) => t.a.max(),
  'max dim': (t) => t.a.max(1)[0],
  min: (t) => t.a.min(),
  'min dim': (t) => t.a.min(0)[0],
  softmax: (t) => t.a.softmax(1),
  'log softmax': (t) => t.a.logSoftmax(1),
  'matmul 1d 1d': (t) => t.v.matmul(t.w),
  'matmul 2d 1d': (t) => t.a.matmul(t.v),
  'matmul 1d 2d': (t) => t.v.matmul(t.m),
  'matmul 2d 2d': (t) => t.a.matmul(t.m),
  'matmul 3d 2d': (t) => t.bat.matmul(t.m),
  'matmul 3d 3d': (t) => t.bat.matmul(t.bat4),
  'matmul 2d 3d': (t) => t.a.matmul(t.bat4),
  'matmul 3d 1d': (t) => t.bat.matmul(t.v),
  'matmul 1d 3d': (t) => t.v.matmul(t.bat4),
  reshape: (t) => t.a.reshape([3, 2]),
  view: (t) => t.a.view([6]),
  flatten: (t) => t.bat.flatten(1),
  'flatten noop': (t) => t.v.flatten(),
  squeeze: (t) => t.a.reshape([1, 2, 3]).squeeze(),
  'squeeze dim': (t) => t.a.unsqueeze(0).squeeze(0),
  'squeeze dims': (t) => t.a.unsqueeze(0).squeeze([0, 1]),
  unsqueeze: (t) => t.a.unsqueeze(1),
  transpose: (t) => t.a.transpose(0, 1),
  T: (t) => t.a.T,
  permute: (t) => t.bat.permute([2, 0, 1]),
  expand: (t) => t.v.expand([4, 3]),
  'sum to size': (t) => t.a.sumTo([1, 3]),
  cat: (t) => torch.cat([t.a, t.b], 0),
  stack: (t) => torch.stack([t.a, t.b], 0),
  gather: (t) => t.a.gather(1, idx),
  'scatter add': (t) => t.a.scatterAdd(1, idx, t.b.narrow(1, 0, 2)),
  'index select': (t) => t.a.indexSelect(1, cols),
  'index add': (t) => t.a.indexAdd(1, cols, t.b.narrow(1, 0, 2)),
  narrow: (t) => t.a.narrow(1, 1, 2),
  'linear 2d': (t) => F.linear(t.a, leaf(t.m.T), leaf(t.m.narrow(0, 0, 1).squeeze(0))),
  'linear 2d no bias': (t) => F.linear(t.a, leaf(t.m.T)),
  'linear 1d': (t) => F.linear(t.v, leaf(t.m.T), leaf(t.m.narrow(0, 0, 1).squeeze(0))),
  'linear 3d': (t) => F.linear(t.bat, leaf(t.m.T), leaf(t.m.narrow(0, 0, 1).squeeze(0))),
  'linear 3d no bias': (t) => F.linear(t.bat, leaf(t.m.T)),
  'cross entropy': (t) => F.crossEntropy(t.a, t.lab),
  'cross entropy sum': (t) => F.crossEntropy(t.a, t.lab, { reduction: 'sum' }),
  'cross entropy none': (t) => F.crossEntropy(t.a, t.lab, { reduction: 'none' }),
  'cross entropy smoothing': (t) => F.crossEntropy(t.a, t.lab, { labelSmoothing: 0.1 }),
  'cross entropy probs': (t) => F.crossEntropy(t.a, t.p.detach()),
  'cross entropy probs sum': (t) => F.crossEntropy(t.a, t.p.detach(), { reduction: 'sum' }),
  'cross entropy probs none': (t) => F.crossEntropy(t.a, t.p.detach(), { reduction: 'none' }),
  'nll loss': (t) => F.nllLoss(t.a, t.lab),
  'nll loss none': (t) => F.nllLoss(t.a, t.lab, { reduction: 'none' }),
  bce: (t) => F.binaryCrossEntropy(t.p, ones(t.p)),
  'bce none': (t) => F.binaryCrossEntropy(t.p, ones(t.p), { reduction: 'none' }),
  'bce with logits': (t) => F.binaryCrossEntropyWithLogits(t.a, t.p.detach()),
  mse: (t) => F.mseLoss(t.a, t.b),
  'mse sum': (t) => F.mseLoss(t.a, t.b, { reduction: 'sum' }),
  'mse none': (t) => F.mseLoss(t.a, t.b, { reduction: 'none' }),
  'module linear': (t) => new nn.Linear(3, 4).forward(t.a),
  'module linear 1d': (t) => new nn.Linear(3, 4).forward(t.v),
  'module sequential': (t) => new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU()).forward(t.a),
  'module flatten': (t) => new nn.Flatten().forward(t.bat),
  'module leaky relu': (t) => new nn.LeakyReLU(0.2).forward(t.a),
  'module mse': (t) => new nn.MSELoss().forward(t.a, t.b),
  'module cross entropy': (t) => new nn.CrossEntropyLoss().forward(t.a, t.lab),
  'mul minus one': (t) => t.a.mul(-1),
  'scalar one div': (t) => torch.div(1, t.a),
  'clamp max': (t) => t.a.clamp(undefined, 0.5),
  'sum no dims': (t) => t.a.sum([]),
  'mean dims': (t) => t.a.mean([0, 1]),
  'max dim keepdim': (t) => t.a.max(1, true)[0],
  'cat one': (t) => torch.cat([t.a]),
  'stack one': (t) => torch.stack([t.a]),
  'where scalar': (t) => torch.where(t.a.gt(0), t.a, 0),
  'to same dtype': (t) => t.a.float(),
  'to float64 twice': (t) => t.a.double().double(),
  'sum to same size': (t) => t.a.sumTo([2, 3]),
  'expand same size': (t) => t.a.expand([2, 3]),
  'T 1d': (t) => t.v.T,
  'transpose 1d': (t) => t.v.transpose(0, 0),
  'transpose same dim': (t) => t.a.transpose(1, 1),
  'squeeze nothing': (t) => t.a.squeeze(),
  'squeeze dim nothing': (t) => t.a.squeeze(0),
  'flatten 0d': (t) => t.a.sum().flatten(),
  'flatten one dim': (t) => t.a.flatten(0, 0),
  'permute identity': (t) => t.a.permute([0, 1]),
  'linear 1d no bias': (t) => F.linear(t.v, leaf(t.m.T)),
  'linear 4d': (t) => F.linear(t.bat.reshape([5, 1, 2, 3]), leaf(t.m.T), leaf(t.m.narrow(0, 0, 1).squeeze(0))),
  'linear 4d no bias': (t) => F.linear(t.bat.reshape([5, 1, 2, 3]), leaf(t.m.T)),
  'matmul 3d 3d broadcast a': (t) => t.bat.narrow(0, 0, 1).matmul(t.bat4),
  'matmul 3d 3d broadcast b': (t) => t.bat.matmul(t.bat4.narrow(0, 0, 1)),
  'matmul 4d 3d': (t) => t.bat.reshape([1, 5, 2, 3]).matmul(t.bat4),
  'matmul 2d 4d': (t) => t.a.matmul(t.bat4.reshape([5, 1, 3, 4])),
  'matmul 2d 3d no grad for a': (t) => t.a.detach().matmul(t.bat4),
  'matmul 3d 3d both batch of one': (t) => t.bat.narrow(0, 0, 1).matmul(t.bat4.narrow(0, 0, 1)),
  'matmul 3d batch of one 4d': (t) => t.bat.narrow(0, 0, 1).matmul(t.bat4.reshape([5, 1, 3, 4])),
  softsign: (t) => F.softsign(t.a),
  'module softsign': (t) => new nn.Softsign().forward(t.a),
  'matmul 1d 4d': (t) => t.v.matmul(t.bat4.reshape([5, 1, 3, 4])),
  'cross entropy smoothing none': (t) => F.crossEntropy(t.a, t.lab, { labelSmoothing: 0.1, reduction: 'none' }),
  'cross entropy smoothing sum': (t) => F.crossEntropy(t.a, t.lab, { labelSmoothing: 0.1, reduction: 'sum' }),
  'cross entropy weight': (t) => F.crossEntropy(t.a, t.lab, { weight: torch.tensor([0.2, 0.3, 0.5]) }),
  'cross entropy ignore index': (t) => F.crossEntropy(t.a, t.lab, { ignoreIndex: 0 }),
  'cross entropy 1d': (t) => F.crossEntropy(t.v, torch.tensor(2, { dtype: 'int32' })),
  'cross entropy 3d': (t) => F.crossEntropy(t.bat, labels([5, 3])),
  'cross entropy 4d': (t) => F.crossEntropy(t.bat.reshape([5, 2, 3, 1]), labels([5, 3, 1])),
  'cross entropy 3d none': (t) => F.crossEntropy(t.bat, labels([5, 3]), { reduction: 'none' }),
  'cross entropy 4d none': (t) => F.crossEntropy(t.bat.reshape([5, 2, 3, 1]), labels([5, 3, 1]), { reduction: 'none' }),
  'cross entropy 5d': (t) => F.crossEntropy(t.bat.reshape([5, 2, 3, 1, 1]), labels([5, 3, 1, 1])),
  'cross entropy 5d none': (t) => F.crossEntropy(t.bat.reshape([5, 2, 3, 1, 1]), labels([5, 3, 1, 1]), { reduction: 'none' }),
  'cross entropy 3d smoothing': (t) => F.crossEntropy(t.bat, labels([5, 3]), { labelSmoothing: 0.1 }),
  'cross entropy probs smoothing': (t) => F.crossEntropy(t.a, t.p.detach(), { labelSmoothing: 0.1 }),
  'cross entropy probs smoothing none': (t) => F.crossEntropy(t.a, t.p.detach(), { labelSmoothing: 0.1, reduction: 'none' }),
  'cross entropy probs weight': (t) => F.crossEntropy(t.a, t.p.detach(), { weight: torch.tensor([0.2, 0.3, 0.5]) }),
  'nll loss sum': (t) => F.nllLoss(t.a, t.lab, { reduction: 'sum' }),
  'nll loss 4d': (t) => F.nllLoss(t.bat.reshape([5, 2, 3, 1]), labels([5, 3, 1])),
  'bce weight': (t) => F.binaryCrossEntropy(t.p, t.p.detach(), { weight: torch.tensor([0.2, 0.3, 0.5]) }),
  'bce with logits pos weight': (t) => F.binaryCrossEntropyWithLogits(t.a, t.p.detach(), { posWeight: torch.tensor([0.2, 0.3, 0.5]) }),
};

describe("grad_fn names: what PyTorch 2.13 prints for each op's result", () => {
  it('covers every case of the golden file and no other', () => {
    expect(Object.keys(CASES).sort()).toEqual(Object.keys(golden.names).sort());
  });

  for (const [name, expected] of Object.entries(golden.names)) {
    it(`${name}: ${expected}`, () => {
      const y = CASES[name](inputs());
      expect(y.gradFn === null ? 'NoneType' : y.gradFn.name).toBe(expected);
    });
  }
});

describe('a grad_fn prints as PyTorch repr does, without the address', () => {
  it('String, template literals and util.inspect show <Name object>', () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const y = x.mul(2);
    expect(String(y.gradFn)).toBe('<MulBackward0 object>');
    expect(`${y.sum().gradFn}`).toBe('<SumBackward0 object>');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(require('util').inspect(y.gradFn)).toBe('<MulBackward0 object>');
  });
});
