/**
 * Activation modules, Sequential, Flatten, Identity and the nn.functional namespace
 * (src/nn/activation.ts, src/nn/container.ts, src/nn/functional/index.ts). The activations'
 * values and gradients against real PyTorch are in tests/nn/golden.test.ts.
 */
import * as torch from '../../src/index';
import { Tensor, nn } from '../../src/index';
import { f64 } from '../helpers';

const F = nn.functional;
const { gradcheck } = torch.autograd;

function seeded(shape: number[], seed: number): Tensor {
  torch.manualSeed(seed);
  return torch.randn(shape, { dtype: 'float64' }).detach().requiresGrad_();
}

describe('activation modules', () => {
  const x = f64([
    [-2, 0, 3],
    [1, -0.5, 0.25],
  ]);

  test('ReLU, Sigmoid, Tanh: elementwise, values from their definitions', () => {
    // https://pytorch.org/docs/stable/generated/torch.nn.ReLU.html: max(0, x)
    expect(new nn.ReLU().forward(x).toArray()).toEqual([
      [0, 0, 3],
      [1, 0, 0.25],
    ]);
    // https://pytorch.org/docs/stable/generated/torch.nn.Sigmoid.html: 1 / (1 + exp(-x))
    Array.from(new nn.Sigmoid().forward(x).data).forEach((v, i) => expect(v).toBeCloseTo(1 / (1 + Math.exp(-x.data[i])), 15));
    // https://pytorch.org/docs/stable/generated/torch.nn.Tanh.html
    Array.from(new nn.Tanh().forward(x).data).forEach((v, i) => expect(v).toBeCloseTo(Math.tanh(x.data[i]), 15));
  });

  test('Softmax(dim) and LogSoftmax(dim): exp(x_i) / sum_j exp(x_j) along dim, negative dims too', () => {
    // https://pytorch.org/docs/stable/generated/torch.nn.Softmax.html
    const rows = new nn.Softmax(1).forward(x);
    for (let r = 0; r < 2; r++) {
      const e = [0, 1, 2].map((c) => Math.exp(x.data[r * 3 + c]));
      const s = e[0] + e[1] + e[2];
      for (let c = 0; c < 3; c++) expect(rows.data[r * 3 + c]).toBeCloseTo(e[c] / s, 15);
    }
    expect(new nn.Softmax(-1).forward(x).toArray()).toEqual(rows.toArray());
    const cols = new nn.Softmax(0).forward(x);
    expect(cols.data[0] + cols.data[3]).toBeCloseTo(1, 15);
    // https://pytorch.org/docs/stable/generated/torch.nn.LogSoftmax.html: log(softmax(x))
    Array.from(new nn.LogSoftmax(1).forward(x).data).forEach((v, i) => expect(v).toBeCloseTo(Math.log(rows.data[i]), 14));
    // finite at logits of 1000, where exp overflows
    expect(Array.from(new nn.LogSoftmax(0).forward(f64([1000, 0, -1000])).data)).toEqual([0, -1000, -2000]);
  });

  test('print as PyTorch prints them', () => {
    expect([new nn.ReLU(), new nn.Sigmoid(), new nn.Tanh(), new nn.Softmax(1), new nn.LogSoftmax(-1)].map(String)).toEqual([
      'ReLU()',
      'Sigmoid()',
      'Tanh()',
      'Softmax(dim=1)',
      'LogSoftmax(dim=-1)',
    ]);
    expect(new nn.ReLU().parameters()).toEqual([]);
  });

  test.each([
    ['ReLU', new nn.ReLU()],
    ['Sigmoid', new nn.Sigmoid()],
    ['Tanh', new nn.Tanh()],
    ['Softmax(1)', new nn.Softmax(1)],
    ['Softmax(0)', new nn.Softmax(0)],
    ['LogSoftmax(1)', new nn.LogSoftmax(1)],
    ['LogSoftmax(-2)', new nn.LogSoftmax(-2)],
  ])('gradcheck %s (float64)', (_name, m) => {
    // ReLU's kink at 0 is avoided: randn never gives exactly 0 here
    expect(gradcheck((a) => (m as { forward(t: Tensor): Tensor }).forward(a), [seeded([3, 4], 1)])).toBe(true);
  });
});

describe('Sequential', () => {
  test('applies its modules in order; children named 0, 1, 2', () => {
    torch.manualSeed(0);
    const seq = new nn.Sequential(new nn.Linear(4, 3, { dtype: 'float64' }), new nn.ReLU(), new nn.Linear(3, 2, { dtype: 'float64' }));
    const x = seeded([5, 4], 2);
    const first = seq.at(0) as nn.Linear;
    const last = seq.at(-1) as nn.Linear;
    const manual = last.forward(torch.relu(first.forward(x)));
    expect(seq.forward(x).toArray()).toEqual(manual.toArray());
    expect(seq.length).toBe(3);
    expect(seq.namedParameters().map(([n]) => n)).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(String(seq)).toBe(
      'Sequential(\n  (0): Linear(in_features=4, out_features=3, bias=True)\n  (1): ReLU()\n  (2): Linear(in_features=3, out_features=2, bias=True)\n)',
    );
    expect(gradcheck((a) => seq.forward(a), [x])).toBe(true);
  });

  test('nested Sequential gives 0.0.weight', () => {
    const seq = new nn.Sequential(new nn.Sequential(new nn.Linear(2, 2)), new nn.Tanh());
    expect(seq.namedParameters().map(([n]) => n)).toEqual(['0.0.weight', '0.0.bias']);
  });

  test('errors: a non-module argument, an index out of range', () => {
    expect(() => new nn.Sequential(new nn.ReLU(), (() => 1) as unknown as nn.Module)).toThrow('Sequential: argument 1 is not a Module');
    expect(() => new nn.Sequential(new nn.ReLU()).at(1)).toThrow(/index 1 is out of range for 1 modules/);
  });
});

describe('Flatten and Identity', () => {
  test('Flatten keeps the batch dim by default; startDim/endDim as in PyTorch', () => {
    const x = torch.zeros([2, 1, 28, 28]);
    expect(new nn.Flatten().forward(x).shape).toEqual([2, 784]);
    expect(new nn.Flatten(0).forward(x).shape).toEqual([1568]);
    expect(new nn.Flatten(1, 2).forward(x).shape).toEqual([2, 28, 28]);
    expect(String(new nn.Flatten())).toBe('Flatten(start_dim=1, end_dim=-1)');
    const y = seeded([2, 3, 2], 3);
    expect(gradcheck((a) => new nn.Flatten().forward(a), [y])).toBe(true);
  });

  test('Identity returns its input', () => {
    const x = f64([1, 2]);
    expect(new nn.Identity().forward(x)).toBe(x);
    expect(String(new nn.Identity())).toBe('Identity()');
  });
});

describe('nn.functional', () => {
  test('holds every stateless form', () => {
    for (const name of [
      'relu',
      'sigmoid',
      'tanh',
      'softmax',
      'logSoftmax',
      'linear',
      'crossEntropy',
      'nllLoss',
      'binaryCrossEntropy',
      'binaryCrossEntropyWithLogits',
      'mseLoss',
    ]) {
      expect(typeof (F as Record<string, unknown>)[name]).toBe('function');
    }
  });

  test('the functional and module forms agree', () => {
    const x = seeded([2, 3], 4);
    expect(F.relu(x).toArray()).toEqual(new nn.ReLU().forward(x).toArray());
    expect(F.sigmoid(x).toArray()).toEqual(new nn.Sigmoid().forward(x).toArray());
    expect(F.tanh(x).toArray()).toEqual(new nn.Tanh().forward(x).toArray());
    expect(F.softmax(x, 1).toArray()).toEqual(new nn.Softmax(1).forward(x).toArray());
    expect(F.logSoftmax(x, 0).toArray()).toEqual(new nn.LogSoftmax(0).forward(x).toArray());
  });
});
