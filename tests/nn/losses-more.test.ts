import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../../src/index';
import { Tensor } from '../../src/index';
import type { DType } from '../../src/index';
import * as C from '../../src/nn/functional/ctc-loss';
import * as L from '../../src/nn/functional/losses';
import * as M from '../../src/nn/loss';
import { logSoftmax } from '../../src/ops/softmax';
import { pyValue, typedArray } from '../helpers';

// The losses of issue 14 against real PyTorch 2.13 (tests/golden/gen_activations_losses.py writes
// tests/golden/activations-losses.json; no Python needed here): values, grad_fn names and gradients
// of every input for each reduction and option, float64 and float32, special values and the kinks;
// PyTorch's errors; then the modules, finite-difference checks of first and second derivatives
// (float64), and CTC's forward-backward worked by hand on a small case.

const { gradcheck, gradgradcheck } = torch.autograd;

type Num = number | 'nan' | 'inf' | '-inf';
interface TensorSpec {
  shape: number[];
  dtype: DType;
  data: Num[];
  requiresGrad: boolean;
}
interface GoldenCase {
  name: string;
  fn: string;
  args: Record<string, Num | string | boolean>;
  inputs: TensorSpec[];
  error?: string;
  output?: { shape: number[]; dtype: DType; data: Num[] };
  gradFn?: string | null;
  gradOutput?: Num[] | null;
  grads?: (Num[] | null)[];
}
const golden = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'golden', 'activations-losses.json'), 'utf8')) as {
  torch: string;
  losses: GoldenCase[];
};

type Args = GoldenCase['args'];
type Reduction = 'mean' | 'sum' | 'none';
const n = (a: Args, key: string): number | undefined => (a[key] === undefined ? undefined : pyValue(a[key] as Num));
const b = (a: Args, key: string): boolean | undefined => a[key] as boolean | undefined;
const r = (a: Args): Reduction | undefined => a.reduction as Reduction | undefined;

/** The tsgrad call for each function name the generator uses, and the name its errors start with. */
const OPS: Record<string, [string, (inputs: Tensor[], a: Args) => Tensor]> = {
  l1Loss: ['l1Loss', ([x, t, w], a) => L.l1Loss(x, t, { reduction: r(a), weight: w })],
  smoothL1Loss: ['smoothL1Loss', ([x, t], a) => L.smoothL1Loss(x, t, { reduction: r(a), beta: n(a, 'beta') })],
  huberLoss: ['huberLoss', ([x, t, w], a) => L.huberLoss(x, t, { reduction: r(a), delta: n(a, 'delta'), weight: w })],
  klDiv: ['klDiv', ([x, t], a) => L.klDiv(x, t, { reduction: a.reduction as Reduction | 'batchmean' | undefined, logTarget: b(a, 'logTarget') })],
  poissonNllLoss: [
    'poissonNllLoss',
    ([x, t], a) => L.poissonNllLoss(x, t, { reduction: r(a), logInput: b(a, 'logInput'), full: b(a, 'full'), eps: n(a, 'eps') }),
  ],
  gaussianNllLoss: ['gaussianNllLoss', ([x, t, v], a) => L.gaussianNllLoss(x, t, v, { reduction: r(a), full: b(a, 'full'), eps: n(a, 'eps') })],
  gaussianNllLossNumber: ['gaussianNllLoss', ([x, t], a) => L.gaussianNllLoss(x, t, n(a, 'var')!, { reduction: r(a), full: b(a, 'full'), eps: n(a, 'eps') })],
  cosineEmbeddingLoss: ['cosineEmbeddingLoss', ([x1, x2, y], a) => L.cosineEmbeddingLoss(x1, x2, y, { reduction: r(a), margin: n(a, 'margin') })],
  marginRankingLoss: ['marginRankingLoss', ([x1, x2, y], a) => L.marginRankingLoss(x1, x2, y, { reduction: r(a), margin: n(a, 'margin') })],
  hingeEmbeddingLoss: ['hingeEmbeddingLoss', ([x, y], a) => L.hingeEmbeddingLoss(x, y, { reduction: r(a), margin: n(a, 'margin') })],
  multilabelSoftMarginLoss: ['multilabelSoftMarginLoss', ([x, y, w], a) => L.multilabelSoftMarginLoss(x, y, { reduction: r(a), weight: w })],
  multiMarginLoss: ['multiMarginLoss', ([x, y, w], a) => L.multiMarginLoss(x, y, { reduction: r(a), weight: w, p: n(a, 'p'), margin: n(a, 'margin') })],
  tripletMarginLoss: [
    'tripletMarginLoss',
    ([x, p, q], a) => L.tripletMarginLoss(x, p, q, { reduction: r(a), margin: n(a, 'margin'), p: n(a, 'p'), eps: n(a, 'eps'), swap: b(a, 'swap') }),
  ],
  ctcLoss: ['ctcLoss', ([lp, tg, il, tl], a) => C.ctcLoss(lp, tg, il, tl, { reduction: r(a), blank: n(a, 'blank'), zeroInfinity: b(a, 'zeroInfinity') })],
  ctcLossLogits: [
    'ctcLoss',
    ([z, tg, il, tl], a) => C.ctcLoss(logSoftmax(z, -1), tg, il, tl, { reduction: r(a), blank: n(a, 'blank'), zeroInfinity: b(a, 'zeroInfinity') }),
  ],
};

/** Cases where tsgrad refuses what PyTorch accepts, on purpose; each must still be an Error in tsgrad. */
const DELIBERATE: Record<string, string> = {
  'l1Loss broadcasting target (tsgrad refuses)':
    'PyTorch warns "Using a target size that is different to the input size" and broadcasts; tsgrad refuses, as its mseLoss',
  'smoothL1Loss broadcasting target (tsgrad refuses)': 'as above',
  'huberLoss broadcasting target (tsgrad refuses)': 'as above',
};

function build(spec: TensorSpec): Tensor {
  const x = new Tensor(typedArray(spec.dtype, spec.data.map(pyValue)), spec.shape, spec.dtype);
  return spec.requiresGrad ? x.requiresGrad_(true) : x;
}

/** NaN matches NaN, infinities exactly; float64 to 1e-12 relative (1e-14 absolute), float32 to 4e-6 relative. */
function close(actual: number, expected: number, dtype: DType): boolean {
  if (Number.isNaN(expected) || Number.isNaN(actual)) return Number.isNaN(expected) && Number.isNaN(actual);
  if (!Number.isFinite(expected) || !Number.isFinite(actual)) return actual === expected;
  const diff = Math.abs(actual - expected);
  if (dtype === 'float32') return diff <= 4e-6 * Math.abs(expected) + 4e-6;
  return diff <= 1e-12 * Math.abs(expected) + 1e-14;
}

function compare(actual: Tensor, expected: Num[], what: string): string[] {
  const want = expected.map(pyValue);
  const got = Array.from(actual.data);
  if (got.length !== want.length) return [`${what}: ${got.length} elements, PyTorch has ${want.length}`];
  return want.flatMap((w, i) => (close(got[i], w, actual.dtype) ? [] : [`${what}[${i}]: tsgrad ${got[i]}, PyTorch ${w}`]));
}

function expectError(c: GoldenCase, tsName: string, call: () => Tensor): string[] {
  let thrown: unknown = null;
  try {
    call();
  } catch (err) {
    thrown = err;
  }
  if (thrown === null) return [`tsgrad accepts the call; PyTorch raises ${c.error ?? 'nothing (deliberate)'}`];
  if (!(thrown instanceof Error) || thrown.constructor !== Error) return [`tsgrad threw ${String(thrown)}, not a plain Error`];
  return thrown.message.startsWith(`${tsName}: `) ? [] : [`the message should start with '${tsName}: ': ${thrown.message}`];
}

function runCase(c: GoldenCase): string[] {
  const [tsName, op] = OPS[c.fn];
  const inputs = c.inputs.map(build);
  if (c.error !== undefined || c.name in DELIBERATE) return expectError(c, tsName, () => op(inputs, c.args));
  let out: Tensor;
  try {
    out = op(inputs, c.args);
  } catch (err) {
    return [`tsgrad threw: ${(err as Error).message}`];
  }
  const want = c.output!;
  if (JSON.stringify([...out.shape]) !== JSON.stringify(want.shape)) return [`shape [${out.shape.join(', ')}], PyTorch [${want.shape.join(', ')}]`];
  if (out.dtype !== want.dtype) return [`dtype ${out.dtype}, PyTorch ${want.dtype}`];
  const problems = compare(out, want.data, 'output');
  const gradFn = out.gradFn === null ? null : out.gradFn.name;
  if (gradFn !== c.gradFn) problems.push(`grad_fn ${gradFn}, PyTorch ${c.gradFn}`);
  if (c.gradOutput) {
    out.backward(new Tensor(typedArray(out.dtype, c.gradOutput.map(pyValue)), out.shape, out.dtype));
    c.grads!.forEach((w, i) => {
      const got = inputs[i].grad;
      if (w === null) {
        if (got !== null) problems.push(`input ${i} got a gradient, PyTorch none`);
      } else if (got === null) problems.push(`input ${i} got no gradient`);
      else problems.push(...compare(got, w, `grad ${i}`));
    });
  }
  return problems;
}

describe('losses against PyTorch 2.13 (golden values, gradients, grad_fn names, errors)', () => {
  expect(golden.torch).toMatch(/^2\.13/);
  it.each(golden.losses.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(runCase(c)).toEqual([]);
  });
});

const f64 = (data: number[] | number[][], requiresGrad = true): Tensor => torch.tensor(data, { dtype: 'float64', requiresGrad });
const idx = (data: number[] | number[][]): Tensor => torch.tensor(data, { dtype: 'int32' });
function seeded(shape: number[], seed: number, scale = 1, shift = 0): Tensor {
  torch.manualSeed(seed);
  return torch.randn(shape, { dtype: 'float64' }).mul(scale).add(shift).detach().requiresGrad_();
}
function uniform(shape: number[], seed: number, low: number, high: number): Tensor {
  torch.manualSeed(seed);
  return torch
    .rand(shape, { dtype: 'float64' })
    .mul(high - low)
    .add(low)
    .detach()
    .requiresGrad_();
}
const REDUCTIONS: Reduction[] = ['mean', 'sum', 'none'];

describe('loss modules', () => {
  it("print as PyTorch's (no options shown) and delegate to the functional form", () => {
    const x = seeded([3, 4], 1);
    const t = seeded([3, 4], 2);
    const pm = torch.tensor([1, -1, 1], { dtype: 'float64' });
    const modules: [() => Tensor, () => Tensor][] = [
      [() => new M.L1Loss({ reduction: 'sum' })(x, t), () => L.l1Loss(x, t, { reduction: 'sum' })],
      [() => new M.SmoothL1Loss({ beta: 0.5 })(x, t), () => L.smoothL1Loss(x, t, { beta: 0.5 })],
      [() => new M.HuberLoss({ delta: 0.5 })(x, t), () => L.huberLoss(x, t, { delta: 0.5 })],
      [() => new M.KLDivLoss({ reduction: 'batchmean', logTarget: true })(x, t), () => L.klDiv(x, t, { reduction: 'batchmean', logTarget: true })],
      [() => new M.PoissonNLLLoss({ full: true })(x, t.abs()), () => L.poissonNllLoss(x, t.abs(), { full: true })],
      [() => new M.GaussianNLLLoss({ full: true })(x, t, 0.5), () => L.gaussianNllLoss(x, t, 0.5, { full: true })],
      [() => new M.CosineEmbeddingLoss({ margin: 0.2 })(x, t, pm), () => L.cosineEmbeddingLoss(x, t, pm, { margin: 0.2 })],
      [() => new M.MarginRankingLoss({ margin: 0.2 })(x, t, pm.reshape([3, 1])), () => L.marginRankingLoss(x, t, pm.reshape([3, 1]), { margin: 0.2 })],
      [() => new M.HingeEmbeddingLoss({ margin: 2 })(x, t.sign()), () => L.hingeEmbeddingLoss(x, t.sign(), { margin: 2 })],
      [() => new M.MultiLabelSoftMarginLoss()(x, t.gt(0).double()), () => L.multilabelSoftMarginLoss(x, t.gt(0).double())],
      [() => new M.MultiMarginLoss({ p: 2 })(x, idx([0, 3, 2])), () => L.multiMarginLoss(x, idx([0, 3, 2]), { p: 2 })],
      [() => new M.TripletMarginLoss({ swap: true })(x, t, x.flip(0)), () => L.tripletMarginLoss(x, t, x.flip(0), { swap: true })],
    ];
    for (const [viaModule, viaFunction] of modules) expect(viaModule().item()).toBe(viaFunction().item());
    const reprs = [
      new M.L1Loss(),
      new M.SmoothL1Loss(),
      new M.HuberLoss(),
      new M.KLDivLoss(),
      new M.PoissonNLLLoss(),
      new M.GaussianNLLLoss(),
      new M.CosineEmbeddingLoss(),
      new M.MarginRankingLoss(),
      new M.HingeEmbeddingLoss(),
      new M.MultiLabelSoftMarginLoss(),
      new M.MultiMarginLoss(),
      new M.TripletMarginLoss(),
      new M.CTCLoss(),
    ].map(String);
    // PyTorch 2.13: repr(nn.L1Loss()) == 'L1Loss()', and so on for each
    expect(reprs).toEqual([
      'L1Loss()',
      'SmoothL1Loss()',
      'HuberLoss()',
      'KLDivLoss()',
      'PoissonNLLLoss()',
      'GaussianNLLLoss()',
      'CosineEmbeddingLoss()',
      'MarginRankingLoss()',
      'HingeEmbeddingLoss()',
      'MultiLabelSoftMarginLoss()',
      'MultiMarginLoss()',
      'TripletMarginLoss()',
      'CTCLoss()',
    ]);
  });

  it('keep class weights as buffers, in the state dict', () => {
    const w = torch.tensor([1, 2, 3], { dtype: 'float64' });
    const m = new M.MultiMarginLoss({ weight: w });
    expect(Object.keys(m.stateDict())).toEqual(['weight']);
    expect(new M.MultiLabelSoftMarginLoss({ weight: w }).buffers()).toEqual([w]);
    expect(m(f64([[0.1, 0.9, 0.3]]), idx([0])).item()).toBeCloseTo(L.multiMarginLoss(f64([[0.1, 0.9, 0.3]]), idx([0]), { weight: w }).item(), 15);
  });

  it("reject the options PyTorch's modules reject", () => {
    expect(() => new M.TripletMarginLoss({ margin: 0 })).toThrow('TripletMarginLoss: expected margin to be greater than 0, got 0 instead');
    expect(() => new M.MultiMarginLoss({ p: 3 })).toThrow('MultiMarginLoss: only p == 1 and p == 2 supported, got 3');
    expect(() => new M.MultiMarginLoss({ weight: torch.ones([2, 2]) })).toThrow('MultiMarginLoss: expected weight to be null or a 1D tensor');
    expect(() => new M.L1Loss({ reduction: 'avg' as never })).toThrow("L1Loss: reduction must be 'mean', 'sum' or 'none', got 'avg'");
    expect(() => new M.L1Loss({ weight: torch.ones([1]) } as never)).toThrow("L1Loss: unknown option 'weight'");
    expect(() => new M.SmoothL1Loss({ size_average: true } as never)).toThrow(/SmoothL1Loss: sizeAverage \(PyTorch's size_average\) is not supported/);
    expect(() => new M.CTCLoss({ zero_infinity: true } as never)).toThrow(/CTCLoss: unknown option 'zero_infinity'; did you mean 'zeroInfinity'/);
    expect(() => L.klDiv(f64([1]), f64([1]), { log_target: true } as never)).toThrow(/klDiv: unknown option 'log_target'; did you mean 'logTarget'/);
  });

  it('CTCLoss takes lengths as tensors or arrays', () => {
    torch.manualSeed(4);
    const lp = logSoftmax(torch.randn([5, 2, 4], { dtype: 'float64' }), 2);
    const targets = idx([
      [1, 2],
      [3, 0],
    ]);
    const a = new M.CTCLoss({ reduction: 'sum' })(lp, targets, idx([5, 4]), idx([2, 1]));
    const c = C.ctcLoss(lp, targets, [5, 4], [2, 1], { reduction: 'sum' });
    expect(a.item()).toBe(c.item());
    expect(() => C.ctcLoss(lp, targets, [5, 4.5], [2, 1])).toThrow('ctcLoss: inputLengths[1] must be a whole number, got 4.5');
    expect(() => C.ctcLoss(lp, targets, torch.tensor([5, 4], { dtype: 'float32' }), [2, 1])).toThrow('ctcLoss: inputLengths must be an int32 tensor');
    expect(() =>
      C.ctcLoss(
        lp,
        idx([
          [1, 9],
          [0, 0],
        ]),
        [5, 4],
        [2, 1],
      ),
    ).toThrow('ctcLoss: target label 9 (sample 0) is not in [0, 4)');
  });
});

describe('finite-difference checks (float64): first and second derivatives', () => {
  const x = (): Tensor => seeded([3, 4], 11, 2);
  const t = (): Tensor => seeded([3, 4], 12, 2);
  const cases: [string, (r: Reduction) => [(...a: Tensor[]) => Tensor, Tensor[]]][] = [
    ['l1Loss', (r) => [(a, c) => L.l1Loss(a, c, { reduction: r }), [x(), t()]]],
    ['l1Loss weighted', (r) => [(a, c) => L.l1Loss(a, c, { reduction: r, weight: uniform([3, 4], 3, 0.5, 2).detach() }), [x(), t()]]],
    ['smoothL1Loss beta 0.7', (r) => [(a, c) => L.smoothL1Loss(a, c, { reduction: r, beta: 0.7 }), [x(), t()]]],
    ['huberLoss delta 1.3', (r) => [(a, c) => L.huberLoss(a, c, { reduction: r, delta: 1.3 }), [x(), t()]]],
    ['huberLoss weighted', (r) => [(a, c) => L.huberLoss(a, c, { reduction: r, weight: uniform([3, 4], 3, 0.5, 2).detach() }), [x(), t()]]],
    ['klDiv', (r) => [(a, c) => L.klDiv(a, c, { reduction: r }), [x(), uniform([3, 4], 5, 0.1, 1)]]],
    ['klDiv logTarget batchmean', () => [(a, c) => L.klDiv(a, c, { reduction: 'batchmean', logTarget: true }), [x(), t()]]],
    ['poissonNllLoss full', (r) => [(a, c) => L.poissonNllLoss(a, c, { reduction: r, full: true }), [x(), uniform([3, 4], 6, 0, 4)]]],
    [
      'poissonNllLoss rates',
      (r) => [(a, c) => L.poissonNllLoss(a, c, { reduction: r, logInput: false }), [uniform([3, 4], 7, 0.2, 3), uniform([3, 4], 6, 0, 4)]],
    ],
    ['gaussianNllLoss', (r) => [(a, c, v) => L.gaussianNllLoss(a, c, v, { reduction: r, full: true }), [x(), t(), uniform([3, 1], 8, 0.3, 2)]]],
    ['cosineEmbeddingLoss', (r) => [(a, c) => L.cosineEmbeddingLoss(a, c, f64([1, -1, -1], false), { reduction: r, margin: -0.3 }), [x(), t()]]],
    ['marginRankingLoss', (r) => [(a, c) => L.marginRankingLoss(a, c, f64([[1], [-1], [1]], false), { reduction: r, margin: 0.3 }), [x(), t()]]],
    ['hingeEmbeddingLoss', (r) => [(a) => L.hingeEmbeddingLoss(a, t().detach().sign(), { reduction: r, margin: 1.7 }), [x()]]],
    [
      'multilabelSoftMarginLoss',
      (r) => [(a, c) => L.multilabelSoftMarginLoss(a, c, { reduction: r, weight: f64([1, 2, 0.5, 1], false) }), [x(), uniform([3, 4], 9, 0, 1)]],
    ],
    ['multiMarginLoss p 1', (r) => [(a) => L.multiMarginLoss(a, idx([0, 3, 1]), { reduction: r, margin: 0.8, weight: f64([1, 2, 0.5, 1], false) }), [x()]]],
    ['multiMarginLoss p 2', (r) => [(a) => L.multiMarginLoss(a, idx([2, 3, 1]), { reduction: r, p: 2 }), [x()]]],
    ['tripletMarginLoss', (r) => [(a, p, q) => L.tripletMarginLoss(a, p, q, { reduction: r, margin: 3 }), [x(), t(), seeded([3, 4], 13)]]],
    [
      'tripletMarginLoss p 1 swap',
      (r) => [(a, p, q) => L.tripletMarginLoss(a, p, q, { reduction: r, p: 1, swap: true, margin: 3 }), [x(), t(), seeded([3, 4], 13)]],
    ],
    ['tripletMarginLoss p 3', (r) => [(a, p, q) => L.tripletMarginLoss(a, p, q, { reduction: r, p: 3, margin: 3 }), [x(), t(), seeded([3, 4], 13)]]],
  ];
  for (const [name, make] of cases) {
    it.each(REDUCTIONS)(`${name} %s`, (reduction) => {
      const [fn, inputs] = make(reduction);
      expect(gradcheck(fn, inputs)).toBe(true);
      expect(gradgradcheck(fn, inputs)).toBe(true);
    });
  }

  it('ctcLoss through logSoftmax: first derivatives; the second is an Error, as in PyTorch', () => {
    const targets = idx([
      [1, 2, 2],
      [3, 1, 0],
    ]);
    for (const reduction of REDUCTIONS) {
      for (const zeroInfinity of [false, true]) {
        const fn = (z: Tensor): Tensor => C.ctcLoss(logSoftmax(z, 2), targets, [6, 5], [3, 2], { reduction, zeroInfinity });
        expect(gradcheck(fn, [seeded([6, 2, 4], 14)])).toBe(true);
      }
    }
    const z = seeded([6, 2, 4], 14);
    expect(() => gradgradcheck((a) => C.ctcLoss(logSoftmax(a, 2), targets, [6, 5], [3, 2]), [z])).toThrow(
      /ctcLoss: the gradient of the CTC loss cannot be differentiated again \(createGraph\)/,
    );
  });
});

describe('ctcLoss by hand', () => {
  it('sums the probabilities of every alignment (T = 3, target [1])', () => {
    // alignments of "1" in 3 frames over {blank 0, 1}: 1--, -1-, --1, 11-, -11, 111 (with - the blank)
    const p = [
      [0.6, 0.4],
      [0.3, 0.7],
      [0.8, 0.2],
    ];
    const q = (t: number, c: number): number => p[t][c];
    const total =
      q(0, 1) * q(1, 0) * q(2, 0) +
      q(0, 0) * q(1, 1) * q(2, 0) +
      q(0, 0) * q(1, 0) * q(2, 1) +
      q(0, 1) * q(1, 1) * q(2, 0) +
      q(0, 0) * q(1, 1) * q(2, 1) +
      q(0, 1) * q(1, 1) * q(2, 1);
    const lp = torch.tensor(p, { dtype: 'float64' }).log().reshape([3, 1, 2]);
    expect(C.ctcLoss(lp, idx([[1]]), [3], [1], { reduction: 'none' }).item()).toBeCloseTo(-Math.log(total), 14);
    // a repeated label needs a blank between: "11" in 3 frames has the one alignment 1-1
    const repeated = C.ctcLoss(lp, idx([[1, 1]]), [3], [2], { reduction: 'none' }).item();
    expect(repeated).toBeCloseTo(-Math.log(q(0, 1) * q(1, 0) * q(2, 1)), 14);
    // and none in 2 frames: an infinite loss, 0 with zeroInfinity (its gradient too)
    const short = lp.narrow(0, 0, 2).detach().requiresGrad_();
    expect(C.ctcLoss(short, idx([[1, 1]]), [2], [2], { reduction: 'none' }).item()).toBe(Infinity);
    const zeroed = C.ctcLoss(short, idx([[1, 1]]), [2], [2], { reduction: 'sum', zeroInfinity: true });
    expect(zeroed.item()).toBe(0);
    zeroed.backward();
    expect(Array.from(short.grad!.data)).toEqual([0, 0, 0, 0]);
  });

  it("divides each loss by its target length for 'mean', as PyTorch", () => {
    torch.manualSeed(8);
    const lp = logSoftmax(torch.randn([6, 3, 5], { dtype: 'float64' }), 2);
    const targets = idx([1, 2, 3, 4, 4]);
    const each = C.ctcLoss(lp, targets, [6, 6, 5], [2, 0, 3], { reduction: 'none' });
    const lengths = [2, 1, 3];
    const want = Array.from(each.data).reduce((acc, v, i) => acc + v / lengths[i], 0) / 3;
    expect(C.ctcLoss(lp, targets, [6, 6, 5], [2, 0, 3]).item()).toBeCloseTo(want, 14);
  });
});

describe('loss edge cases', () => {
  it('smoothL1Loss with beta 0 is l1Loss, and huberLoss is beta times smoothL1Loss', () => {
    const x = seeded([5], 20, 2);
    const y = seeded([5], 21, 2);
    expect(L.smoothL1Loss(x, y, { beta: 0 }).item()).toBe(L.l1Loss(x, y).item());
    expect(L.huberLoss(x, y, { delta: 0.7 }).item()).toBeCloseTo(0.7 * L.smoothL1Loss(x, y, { beta: 0.7 }).item(), 14);
  });

  it('klDiv is 0 where target is 0 and the divergence of equal distributions is 0', () => {
    const p = f64([0.2, 0.3, 0.5, 0], false);
    const logp = p.log();
    expect(Array.from(L.klDiv(logp, p, { reduction: 'none' }).data).map((v) => (Number.isNaN(v) ? 'nan' : v))).toEqual([0, 0, 0, 'nan']);
    expect(L.klDiv(logp.narrow(0, 0, 3), p.narrow(0, 0, 3), { reduction: 'sum' }).item()).toBeCloseTo(0, 15);
    expect(() => L.klDiv(logp, p, { reduction: 'avg' as never })).toThrow("klDiv: reduction must be 'mean', 'sum' or 'none', got 'avg'");
  });

  it('gaussianNllLoss clamps the variance without blocking its gradient', () => {
    const v = f64([1e-9, 0.5]);
    const loss = L.gaussianNllLoss(f64([0, 0], false), f64([1, 1], false), v, { reduction: 'sum' });
    loss.backward();
    // d/dv 0.5 (log v + d^2 / v) = 0.5 (1 / v - d^2 / v^2), at the clamped v = 1e-6 for the first
    expect(v.grad!.data[0]).toBeCloseTo(0.5 * (1 / 1e-6 - 1 / 1e-12), -2);
    expect(v.grad!.data[1]).toBeCloseTo(0.5 * (2 - 4), 14);
  });
});
