import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../../src/index';
import { Tensor, nn } from '../../src/index';

// Golden values from real PyTorch (tests/golden/gen_nn_cases.py writes tests/golden/nn-cases.json);
// no Python is needed here. Every case runs tsgrad's nn.functional call on the stored float64
// inputs, then backward with the stored upstream gradient, and compares the output and the
// gradient of every float input with PyTorch's.
const F = nn.functional;

type Num = number | 'nan' | 'inf' | '-inf';
interface StoredTensor {
  shape: number[];
  dtype: 'float64' | 'int32';
  data: Num[];
}
interface GoldenCase {
  name: string;
  fn: string;
  args: string[];
  options: Record<string, string | number>;
  output: StoredTensor;
  gradOutput?: Num[];
  grads?: Record<string, Num[]>;
}
const golden = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'golden', 'nn-cases.json'), 'utf8')) as {
  torch: string;
  seed: { batch: { good: number; bad: number; predGood: number[]; predBad: number[] }; single: { good: number; bad: number } };
  tensors: Record<string, StoredTensor>;
  cases: GoldenCase[];
};

function value(v: Num): number {
  return v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v;
}

function load(name: string): Tensor {
  const t = golden.tensors[name];
  if (!t) throw new Error(`nn-cases.json has no tensor ${name}`);
  const data = t.dtype === 'float64' ? Float64Array.from(t.data, value) : Int32Array.from(t.data, value);
  return new Tensor(data, t.shape, t.dtype);
}

/** Options in tsgrad's spelling; tensor-valued ones (weight, posWeight) are names of stored tensors. */
function options(c: GoldenCase): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c.options)) out[k] = k === 'weight' || k === 'posWeight' ? load(v as string) : v;
  return out;
}

/** The tsgrad call for a case, through the module form where there is one (it delegates to nn.functional). */
function run(c: GoldenCase, inputs: Tensor[]): Tensor {
  const o = options(c);
  const [a, b, bias] = inputs;
  switch (c.fn) {
    case 'cross_entropy':
      return F.crossEntropy(a, b, o);
    case 'nll_loss':
      return F.nllLoss(a, b, o);
    case 'binary_cross_entropy':
      return F.binaryCrossEntropy(a, b, o);
    case 'binary_cross_entropy_with_logits':
      return F.binaryCrossEntropyWithLogits(a, b, o);
    case 'mse_loss':
      return F.mseLoss(a, b, o);
    case 'linear':
      return F.linear(a, b, bias ?? null);
    case 'relu':
      return new nn.ReLU().forward(a);
    case 'sigmoid':
      return new nn.Sigmoid().forward(a);
    case 'tanh':
      return new nn.Tanh().forward(a);
    case 'softmax':
      return new nn.Softmax(o.dim as number).forward(a);
    case 'logSoftmax':
      return new nn.LogSoftmax(o.dim as number).forward(a);
    default:
      throw new Error(`unknown fn ${c.fn}`);
  }
}

/** |actual - expected| <= atol + rtol |expected|, NaN only where PyTorch has NaN, infinities equal. */
function expectClose(actual: ArrayLike<number>, expected: Num[], what: string, rtol = 1e-10, atol = 1e-12): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = value(expected[i]);
    const a = actual[i];
    const ok = Number.isNaN(e) ? Number.isNaN(a) : !Number.isFinite(e) ? a === e : Math.abs(a - e) <= atol + rtol * Math.abs(e);
    if (!ok) throw new Error(`${what}[${i}]: tsgrad ${a}, PyTorch ${e}`);
  }
}

describe(`nn functional golden cases (PyTorch ${golden.torch})`, () => {
  test('the file holds every kind of case', () => {
    const kinds = new Set(golden.cases.map((c) => c.fn));
    for (const fn of ['cross_entropy', 'nll_loss', 'binary_cross_entropy', 'binary_cross_entropy_with_logits', 'mse_loss', 'linear']) {
      expect(kinds.has(fn)).toBe(true);
    }
    expect(golden.cases.length).toBeGreaterThan(300);
  });

  test.each(golden.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const inputs = c.args.map(load);
    const gradArgs = Object.keys(c.grads ?? {}).map(Number);
    for (const i of gradArgs) inputs[i].requiresGrad = true;
    const out = run(c, inputs);
    expect(out.shape).toEqual(c.output.shape);
    expect(out.dtype).toBe('float64');
    expectClose(out.data, c.output.data, 'output');
    if (!c.grads || !c.gradOutput) return;
    const g = new Tensor(Float64Array.from(c.gradOutput, value), out.shape, 'float64');
    const grads = torch.autograd.grad(
      out,
      gradArgs.map((i) => inputs[i]),
      { gradOutputs: [g] },
    );
    gradArgs.forEach((i, k) => {
      expect(grads[k]!.shape).toEqual(inputs[i].shape);
      // BCE's gradient at p = 0 or 1 is ~1e11: relative tolerance only
      expectClose(grads[k]!.data, c.grads![String(i)], `grad of input ${i}`, 1e-10, c.fn === 'binary_cross_entropy' ? 0 : 1e-12);
    });
  });
});

describe('the seed tutorial numbers, computed by PyTorch in float32', () => {
  // https://pytorch.org/docs/stable/generated/torch.nn.CrossEntropyLoss.html
  const loss = new nn.CrossEntropyLoss();
  const Y = torch.tensor([2, 0, 1]);
  const good = torch.tensor([
    [0.1, 1.0, 2.1],
    [2.0, 1.0, 0.1],
    [2.0, 3.0, 0.1],
  ]);
  const bad = torch.tensor([
    [2.1, 1.0, 0.1],
    [0.1, 1.0, 2.1],
    [0.1, 3.0, 0.1],
  ]);

  test('the stored values are the ones the tutorial prints', () => {
    expect(golden.seed.batch.good).toBe(0.38459011912345886);
    expect(golden.seed.batch.bad).toBe(1.6241613626480103);
  });

  test('batch of three: losses and predictions', () => {
    expect(loss.forward(good, Y).item()).toBeCloseTo(golden.seed.batch.good, 6);
    expect(loss.forward(bad, Y).item()).toBeCloseTo(golden.seed.batch.bad, 6);
    expect(Array.from(torch.max(good, 1)[1].data)).toEqual(golden.seed.batch.predGood);
    expect(Array.from(torch.max(bad, 1)[1].data)).toEqual(golden.seed.batch.predBad);
  });

  test('single sample', () => {
    const y = torch.tensor([0]);
    expect(loss.forward(torch.tensor([[2.0, 1.0, 0.1]]), y).item()).toBeCloseTo(golden.seed.single.good, 6);
    expect(loss.forward(torch.tensor([[0.5, 2.0, 0.3]]), y).item()).toBeCloseTo(golden.seed.single.bad, 6);
  });
});
