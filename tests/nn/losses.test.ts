/**
 * NLLLoss, BCELoss, BCEWithLogitsLoss and MSELoss (src/nn/functional/): worked values from the
 * formulas in PyTorch's documentation, finite-difference gradient checks in float64, edge cases
 * and errors. (Cross-entropy has its own file, tests/nn/cross-entropy.test.ts; every option
 * combination is also replayed against real PyTorch in tests/nn/golden.test.ts.)
 */
import * as torch from '../../src/index';
import { type NestedArray, Tensor, nn } from '../../src/index';
import { expectValues, f64, idx, values } from '../helpers';

const F = nn.functional;
const { gradcheck } = torch.autograd;
type Reduction = 'mean' | 'sum' | 'none';
const REDUCTIONS: Reduction[] = ['mean', 'sum', 'none'];
const { log, exp } = Math;

/** A float64 leaf of `shape`, seeded: randn * scale + shift. */
function seeded(shape: number[], seed: number, scale = 1, shift = 0): Tensor {
  torch.manualSeed(seed);
  return torch.randn(shape, { dtype: 'float64' }).mul(scale).add(shift).detach().requiresGrad_();
}
/** A float64 leaf of `shape` uniform in [low, high), seeded. */
function uniform(shape: number[], seed: number, low: number, high: number): Tensor {
  torch.manualSeed(seed);
  return torch
    .rand(shape, { dtype: 'float64' })
    .mul(high - low)
    .add(low)
    .detach()
    .requiresGrad_();
}
const sigmoid = (x: number): number => 1 / (1 + exp(-x));

describe('NLLLoss', () => {
  // https://pytorch.org/docs/stable/generated/torch.nn.NLLLoss.html
  //   l_n = -w_{y_n} x_{n, y_n} (0 where y_n = ignore_index); 'mean' = sum_n l_n / sum_n w_{y_n} (kept n)
  const x = f64([
    [-1, -2, -3],
    [-0.5, -1.5, -2.5],
    [-4, -5, -6],
  ]);

  test('worked values for every reduction, weight and ignoreIndex', () => {
    const y = idx([0, 2, 1]);
    expectValues(F.nllLoss(x, y, { reduction: 'none' }), [1, 2.5, 5]);
    expect(F.nllLoss(x, y, { reduction: 'sum' }).item()).toBeCloseTo(8.5, 14);
    expect(F.nllLoss(x, y).item()).toBeCloseTo(8.5 / 3, 14);
    const weight = f64([2, 0.5, 4]);
    expectValues(F.nllLoss(x, y, { weight, reduction: 'none' }), [2, 10, 2.5]);
    expect(F.nllLoss(x, y, { weight }).item()).toBeCloseTo(14.5 / 6.5, 14);
    const ignored = idx([0, -100, 1]);
    expectValues(F.nllLoss(x, ignored, { reduction: 'none' }), [1, 0, 5]);
    expect(F.nllLoss(x, ignored).item()).toBeCloseTo(3, 14);
    expect(F.nllLoss(x, y, { ignoreIndex: 2, weight }).item()).toBeCloseTo((2 + 2.5) / 2.5, 14);
    expect(new nn.NLLLoss({ weight, ignoreIndex: 2 }).forward(x, y).item()).toBe(F.nllLoss(x, y, { ignoreIndex: 2, weight }).item());
  });

  test('(C) input with a 0-d target, and (N, C, d1)', () => {
    expect(F.nllLoss(f64([-1, -2, -3]), idx(1)).item()).toBe(2);
    const x3 = f64([
      [
        [-1, -10],
        [-2, -20],
        [-3, -30],
      ],
    ]); // (1, 3, 2)
    expectValues(F.nllLoss(x3, idx([[2, 1]]), { reduction: 'none' }), [3, 20]);
  });

  test('NLLLoss(logSoftmax(x)) equals CrossEntropyLoss(x)', () => {
    const logits = seeded([4, 5], 1);
    const y = idx([4, 0, 2, 2]);
    const weight = f64([1, 2, 3, 4, 5]);
    for (const reduction of REDUCTIONS) {
      const a = F.nllLoss(torch.logSoftmax(logits, 1), y, { weight, reduction });
      const b = F.crossEntropy(logits, y, { weight, reduction });
      values(a).forEach((v, i) => expect(v).toBeCloseTo(b.data[i], 12));
    }
  });

  test("every target ignored: 'mean' is NaN as in PyTorch, gradient 0", () => {
    const lp = seeded([2, 3], 2);
    const loss = F.nllLoss(lp, idx([-100, -100]));
    expect(Number.isNaN(loss.item())).toBe(true);
    loss.backward();
    expect(values(lp.grad!)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  const layouts: [string, number[], NestedArray][] = [
    ['(C)', [4], 3],
    ['(N, C)', [3, 4], [1, -100, 3]],
    [
      '(N, C, d1)',
      [2, 4, 3],
      [
        [0, 3, -100],
        [2, 2, 1],
      ],
    ],
    [
      '(N, C, d1, d2)',
      [2, 3, 2, 2],
      [
        [
          [0, 2],
          [-100, 1],
        ],
        [
          [2, 2],
          [1, -100],
        ],
      ],
    ],
  ];
  test.each(layouts.flatMap(([n, s, t]) => REDUCTIONS.map((r) => [n, r, s, t] as const)))(
    'gradcheck %s, %s, with weight and ignoreIndex',
    (_n, reduction, shape, target) => {
      const weight = f64([0.5, 2, 1.5, 0.75].slice(0, shape.length === 1 ? shape[0] : shape[1]));
      const y = idx(target);
      expect(gradcheck((a) => F.nllLoss(a, y, { weight, reduction }), [seeded(shape, 3)])).toBe(true);
    },
  );

  test('errors', () => {
    expect(() => F.nllLoss(x, idx([0, 3, 1]))).toThrow(/target 3 is out of bounds for 3 classes/);
    expect(() => F.nllLoss(x, idx([0, -2, 1]))).toThrow(/negative targets are only allowed when equal to ignoreIndex=-100/);
    expect(() => F.nllLoss(x, f64([0, 0.5, 1]))).toThrow(/not a whole number/);
    expect(() => F.nllLoss(x, idx([0, 1]))).toThrow(/input batch_size \(3\) to match target batch_size \(2\)/);
    expect(() => F.nllLoss(x, idx([0, 1, 2]), { weight: f64([1, 1]) })).toThrow(/one entry per class/);
  });
});

describe('BCELoss', () => {
  // https://pytorch.org/docs/stable/generated/torch.nn.BCELoss.html
  //   l_n = -w_n [y_n log x_n + (1 - y_n) log(1 - x_n)], each log clamped to >= -100;
  //   'mean' = mean over all elements
  test('worked values for every reduction and weight', () => {
    const p = f64([0.9, 0.2, 0.6]);
    const y = f64([1, 0, 0.25]);
    const l = [-log(0.9), -log(0.8), -(0.25 * log(0.6) + 0.75 * log(0.4))];
    expectValues(F.binaryCrossEntropy(p, y, { reduction: 'none' }), l);
    expect(F.binaryCrossEntropy(p, y, { reduction: 'sum' }).item()).toBeCloseTo(l[0] + l[1] + l[2], 14);
    expect(F.binaryCrossEntropy(p, y).item()).toBeCloseTo((l[0] + l[1] + l[2]) / 3, 14);
    const weight = f64([2, 1, 3]);
    expect(F.binaryCrossEntropy(p, y, { weight }).item()).toBeCloseTo((2 * l[0] + l[1] + 3 * l[2]) / 3, 14);
    // a weight broadcast along the last dim of an (N, C) input
    const p2 = f64([
      [0.9, 0.2],
      [0.6, 0.5],
    ]);
    const y2 = f64([
      [1, 0],
      [1, 1],
    ]);
    const wLast = f64([2, 0.5]);
    expectValues(F.binaryCrossEntropy(p2, y2, { weight: wLast, reduction: 'none' }), [-2 * log(0.9), -0.5 * log(0.8), -2 * log(0.6), -0.5 * log(0.5)]);
    expect(new nn.BCELoss({ weight: wLast, reduction: 'sum' }).forward(p2, y2).item()).toBe(
      F.binaryCrossEntropy(p2, y2, { weight: wLast, reduction: 'sum' }).item(),
    );
  });

  test('p = 0 and p = 1: the clamped log gives loss 100 and a finite gradient', () => {
    // PyTorch: F.binary_cross_entropy([0, 1, 0, 1], [0, 1, 1, 0], reduction='none') = [0, 0, 100, 100];
    // grad (p - y) / max(p (1 - p), 1e-12) = [0, 0, -1e12, 1e12] (PyTorch's 1e-12 is a float32 constant)
    const p = f64([0, 1, 0, 1], true);
    const y = f64([0, 1, 1, 0]);
    expectValues(F.binaryCrossEntropy(p, y, { reduction: 'none' }), [0, 0, 100, 100], 10);
    const loss = F.binaryCrossEntropy(p, y, { reduction: 'sum' });
    expect(loss.item()).toBe(200);
    loss.backward();
    const eps = Math.fround(1e-12);
    expect(values(p.grad!)).toEqual([0, 0, -1 / eps, 1 / eps]);
    // the same in float32, the tutorial's dtype
    const p32 = torch.tensor([0, 1, 0, 1], { dtype: 'float32', requiresGrad: true });
    const l32 = F.binaryCrossEntropy(p32, torch.tensor([0, 1, 1, 0], { dtype: 'float32' }));
    expect(l32.item()).toBe(50);
    l32.backward();
    expect(values(p32.grad!).every(Number.isFinite)).toBe(true);
  });

  test.each(REDUCTIONS)('gradcheck %s, with and without weight, w.r.t. input and target', (reduction) => {
    const p = uniform([3, 4], 4, 0.05, 0.95);
    const y = uniform([3, 4], 5, 0, 1);
    expect(gradcheck((a, b) => F.binaryCrossEntropy(a, b, { reduction }), [p, y])).toBe(true);
    const weight = f64([0.5, 2, 1, 3]);
    expect(gradcheck((a, b) => F.binaryCrossEntropy(a, b, { weight, reduction }), [p, y])).toBe(true);
  });

  test('errors: input outside [0, 1], shapes that differ ((N) vs (N, 1)), a weight that does not broadcast', () => {
    expect(() => F.binaryCrossEntropy(f64([0.5, 1.5]), f64([0, 1]))).toThrow(/probabilities in \[0, 1\], got 1\.5 at flat index 1.*apply sigmoid first/);
    expect(() => F.binaryCrossEntropy(f64([-0.1]), f64([0]))).toThrow(/probabilities in \[0, 1\]/);
    expect(() => F.binaryCrossEntropy(f64([NaN]), f64([0]))).toThrow(/probabilities in \[0, 1\]/);
    expect(() => F.binaryCrossEntropy(f64([0.5, 0.5, 0.5]), f64([[0], [1], [1]]))).toThrow(
      /target of shape \[3, 1\] must have the same shape as the input \[3\]/,
    );
    expect(() => F.binaryCrossEntropy(f64([[0.5], [0.5]]), f64([0, 1]))).toThrow(/target of shape \[2\] must have the same shape as the input \[2, 1\]/);
    expect(() => F.binaryCrossEntropy(f64([0.5, 0.5]), f64([0, 1]), { weight: f64([1, 2, 3]) })).toThrow(
      /weight of shape \[3\] cannot be broadcast to the input's shape \[2\]/,
    );
  });
});

describe('BCEWithLogitsLoss', () => {
  // https://pytorch.org/docs/stable/generated/torch.nn.BCEWithLogitsLoss.html
  //   l_n = -w_n [p y_n log sigmoid(x_n) + (1 - y_n) log(1 - sigmoid(x_n))], p = pos_weight (per class,
  //   broadcast along the last dim); computed stably as (1 - y) x + (1 + (p - 1) y) softplus(-x)
  test('worked values for every reduction, weight and posWeight', () => {
    const x = f64([
      [1.5, -0.5],
      [0.0, 2.0],
    ]);
    const y = f64([
      [1, 0],
      [0.5, 0],
    ]);
    const plain = (xi: number, yi: number, pw = 1, w = 1): number => -w * (pw * yi * log(sigmoid(xi)) + (1 - yi) * log(1 - sigmoid(xi)));
    const expected = [plain(1.5, 1), plain(-0.5, 0), plain(0, 0.5), plain(2, 0)];
    expectValues(F.binaryCrossEntropyWithLogits(x, y, { reduction: 'none' }), expected);
    expect(F.binaryCrossEntropyWithLogits(x, y, { reduction: 'sum' }).item()).toBeCloseTo(
      expected.reduce((a, b) => a + b),
      13,
    );
    expect(F.binaryCrossEntropyWithLogits(x, y).item()).toBeCloseTo(expected.reduce((a, b) => a + b) / 4, 13);
    const posWeight = f64([3, 0.5]);
    const weight = f64([2, 1]);
    expectValues(F.binaryCrossEntropyWithLogits(x, y, { posWeight, weight, reduction: 'none' }), [
      plain(1.5, 1, 3, 2),
      plain(-0.5, 0, 0.5, 1),
      plain(0, 0.5, 3, 2),
      plain(2, 0, 0.5, 1),
    ]);
    const viaModule = new nn.BCEWithLogitsLoss({ posWeight, weight }).forward(x, y).item();
    expect(viaModule).toBe(F.binaryCrossEntropyWithLogits(x, y, { posWeight, weight }).item());
  });

  test('equals BCELoss(sigmoid(x)) where both are accurate', () => {
    const x = seeded([3, 4], 6, 2);
    const y = uniform([3, 4], 7, 0, 1);
    const a = F.binaryCrossEntropyWithLogits(x, y, { reduction: 'none' });
    const b = F.binaryCrossEntropy(torch.sigmoid(x), y, { reduction: 'none' });
    values(a).forEach((v, i) => expect(v).toBeCloseTo(b.data[i], 12));
  });

  test('stable at |x| = 100: finite loss and gradient where sigmoid saturates', () => {
    // PyTorch: x = [100, -100, 100, -100], y = [1, 0, 0, 1] -> [~3.7e-44, 0, 100, 100], grad [0, 0, 1, -1]
    const x = f64([100, -100, 100, -100], true);
    const y = f64([1, 0, 0, 1]);
    const none = F.binaryCrossEntropyWithLogits(x, y, { reduction: 'none' });
    expectValues(none, [log(1 + exp(-100)), log(1 + exp(-100)), 100, 100], 10);
    none.sum().backward();
    expectValues(x.grad!, [0, 0, 1, -1], 12);
    const x32 = torch.tensor([100, -100], { dtype: 'float32', requiresGrad: true });
    const l32 = F.binaryCrossEntropyWithLogits(x32, torch.tensor([0, 1], { dtype: 'float32' }), { posWeight: torch.tensor([2], { dtype: 'float32' }) });
    expect(l32.item()).toBe(150);
    l32.backward();
    expect(values(x32.grad!)).toEqual([0.5, -1]);
  });

  test.each(REDUCTIONS)('gradcheck %s, plain and with weight + posWeight, w.r.t. input and target', (reduction) => {
    const x = seeded([3, 4], 8, 3);
    const y = uniform([3, 4], 9, 0, 1);
    expect(gradcheck((a, b) => F.binaryCrossEntropyWithLogits(a, b, { reduction }), [x, y])).toBe(true);
    const options = { weight: f64([[0.5], [2], [1]]), posWeight: f64([1, 3, 0.5, 2]), reduction };
    expect(gradcheck((a, b) => F.binaryCrossEntropyWithLogits(a, b, options), [x, y])).toBe(true);
  });

  test('errors: shapes that differ', () => {
    expect(() => F.binaryCrossEntropyWithLogits(f64([1, 2, 3]), f64([[0], [1], [1]]))).toThrow(
      /target of shape \[3, 1\] must have the same shape as the input \[3\]/,
    );
    expect(() => F.binaryCrossEntropyWithLogits(f64([[1, 2]]), f64([[0, 1]]), { posWeight: f64([1, 2, 3]) })).toThrow(
      /posWeight of shape \[3\] cannot be broadcast/,
    );
  });
});

describe('MSELoss', () => {
  // https://pytorch.org/docs/stable/generated/torch.nn.MSELoss.html
  //   l_n = (x_n - y_n)^2; 'mean' over all elements
  test('worked values for every reduction', () => {
    const x = f64([
      [1, 2],
      [3, 4],
    ]);
    const y = f64([
      [0, 4],
      [3, 1.5],
    ]);
    expectValues(F.mseLoss(x, y, { reduction: 'none' }), [1, 4, 0, 6.25]);
    expect(F.mseLoss(x, y, { reduction: 'sum' }).item()).toBe(11.25);
    expect(F.mseLoss(x, y).item()).toBe(11.25 / 4);
    expect(new nn.MSELoss({ reduction: 'sum' }).forward(x, y).item()).toBe(11.25);
    expect(String(new nn.MSELoss())).toBe('MSELoss()');
  });

  test.each(REDUCTIONS)('gradcheck %s, w.r.t. input and target', (reduction) => {
    expect(gradcheck((a, b) => F.mseLoss(a, b, { reduction }), [seeded([3, 4], 10), seeded([3, 4], 11)])).toBe(true);
  });

  test('errors: shapes that differ (no silent broadcasting), unknown reduction', () => {
    expect(() => F.mseLoss(f64([1, 2, 3]), f64([[1], [2], [3]]))).toThrow(/target of shape \[3, 1\] must have the same shape as the input \[3\]/);
    expect(() => F.mseLoss(f64([1]), f64([1]), { reduction: 'avg' as Reduction })).toThrow(/reduction must be 'mean', 'sum' or 'none', got 'avg'/);
  });
});

describe('loss options are checked, as PyTorch checks its keyword arguments', () => {
  const x = torch.randn([2, 3]);
  const y = torch.tensor([0, 2]);
  const p = torch.tensor([0.25, 0.75]);
  const t = torch.tensor([0, 1], { dtype: 'float32' });
  it.each([
    ['CrossEntropyLoss', () => new nn.CrossEntropyLoss({ label_smoothing: 0.1 } as never), "unknown option 'label_smoothing'; did you mean 'labelSmoothing'?"],
    ['CrossEntropyLoss', () => new nn.CrossEntropyLoss({ ignore_index: 0 } as never), "unknown option 'ignore_index'; did you mean 'ignoreIndex'?"],
    [
      'crossEntropy',
      () => nn.functional.crossEntropy(x, y, { lable_smoothing: 0.1 } as never),
      "unknown option 'lable_smoothing'; did you mean 'labelSmoothing'?",
    ],
    ['NLLLoss', () => new nn.NLLLoss({ ignoreIndx: 0 } as never), "unknown option 'ignoreIndx'; did you mean 'ignoreIndex'?"],
    ['nllLoss', () => nn.functional.nllLoss(x, y, { label_smoothing: 0.1 } as never), "unknown option 'label_smoothing'"],
    ['BCELoss', () => new nn.BCELoss({ pos_weight: p } as never), "unknown option 'pos_weight'"],
    ['binaryCrossEntropy', () => nn.functional.binaryCrossEntropy(p, t, { weights: p } as never), "unknown option 'weights'; did you mean 'weight'?"],
    ['BCEWithLogitsLoss', () => new nn.BCEWithLogitsLoss({ pos_weight: p } as never), "unknown option 'pos_weight'; did you mean 'posWeight'?"],
    [
      'binaryCrossEntropyWithLogits',
      () => nn.functional.binaryCrossEntropyWithLogits(p, t, { reductio: 'sum' } as never),
      "unknown option 'reductio'; did you mean 'reduction'?",
    ],
    [
      'MSELoss',
      () => new nn.MSELoss({ reduce: false } as never),
      "reduce is not supported: PyTorch deprecated it in favour of reduction; use reduction: 'none'",
    ],
    [
      'mseLoss',
      () => nn.functional.mseLoss(p, t, { size_average: false } as never),
      "sizeAverage (PyTorch's size_average) is not supported: PyTorch deprecated it",
    ],
    ['mseLoss', () => nn.functional.mseLoss(p, t, { weight: p } as never), "weight is not supported: tsgrad's mseLoss takes no weight"],
  ])('%s', (where, fn, message) => {
    expect(fn).toThrow(`${where}: ${message}`);
  });
  it('options that are not an object, and option values of the wrong type', () => {
    expect(() => nn.functional.crossEntropy(x, y, null as never)).toThrow('crossEntropy: options must be an object like { weight: ... }, got null');
    expect(() => new nn.CrossEntropyLoss(0.1 as never)).toThrow('CrossEntropyLoss: options must be an object like { weight: ... }, got 0.1');
    expect(() => nn.functional.crossEntropy(x, y, { labelSmoothing: '0.1' } as never)).toThrow(
      'crossEntropy: labelSmoothing must be a number, got string "0.1"',
    );
    expect(() => nn.functional.crossEntropy(x, y, { ignoreIndex: 0.5 })).toThrow('crossEntropy: ignoreIndex must be a whole number, got 0.5');
    expect(() => nn.functional.nllLoss(x, y, { ignoreIndex: '1' } as never)).toThrow('nllLoss: ignoreIndex must be a whole number, got string "1"');
    expect(() => nn.functional.crossEntropy(x, y, { warnOnProbabilities: 0 } as never)).toThrow(
      'crossEntropy: warnOnProbabilities must be true or false, got 0',
    );
    expect(() => nn.functional.crossEntropy(x, y, { weight: [1, 2, 3] } as never)).toThrow('crossEntropy: weight must be a Tensor, got an array of 3');
  });
  it('the options tsgrad has still work', () => {
    const loss = new nn.CrossEntropyLoss({ labelSmoothing: 0.1, ignoreIndex: 0, reduction: 'sum' }).forward(x, y);
    expect(loss.item()).toBeCloseTo(nn.functional.crossEntropy(x, y, { labelSmoothing: 0.1, ignoreIndex: 0, reduction: 'sum' }).item(), 6);
  });
});

describe('binaryCrossEntropy targets must lie in [0, 1], as in PyTorch', () => {
  const p = torch.tensor([0.5, 0.5], { dtype: 'float32' });
  it.each([[[0, 2]], [[-0.5, 1]], [[0.5, NaN]]])('target %p is an Error (PyTorch: "all elements of target should be between 0 and 1")', (t) => {
    const bad = t.find((v) => !(v >= 0 && v <= 1));
    const at = t.findIndex((v) => !(v >= 0 && v <= 1));
    expect(() => nn.functional.binaryCrossEntropy(p, torch.tensor(t, { dtype: 'float32' }))).toThrow(
      `binaryCrossEntropy: all elements of target should be between 0 and 1 (as in PyTorch), got ${bad} at flat index ${at}`,
    );
    expect(() => new nn.BCELoss().forward(p, torch.tensor(t, { dtype: 'float32' }))).toThrow(/all elements of target should be between 0 and 1/);
  });
  it('soft targets inside [0, 1] are fine, and the logits form accepts any target, as PyTorch does', () => {
    expect(nn.functional.binaryCrossEntropy(p, torch.tensor([0, 0.25], { dtype: 'float32' })).item()).toBeCloseTo(Math.log(2), 6);
    expect(() => nn.functional.binaryCrossEntropyWithLogits(p, torch.tensor([2, -1], { dtype: 'float32' }))).not.toThrow();
  });
});
