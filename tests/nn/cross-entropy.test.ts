/**
 * Cross-entropy (src/nn/functional/cross-entropy.ts): ONE fused node, log-sum-exp forward and the
 * analytic backward d loss / d x[c] = softmax(x)[c] * sum_k a[k] - a[c]. This file holds its
 * worked values, its finite-difference gradient checks, the seed tutorial's numbers, its edge
 * cases, errors and warning. Every option combination is also replayed against real PyTorch in
 * tests/nn/golden.test.ts (from tests/golden/nn-cases.json).
 *
 * PyTorch's documentation, https://pytorch.org/docs/stable/generated/torch.nn.CrossEntropyLoss.html:
 *   class indices:   l_n = -sum_c w_c log(softmax(x_n)_c) * [(1 - e) [c = y_n] + e / C]   (w_{y_n} for the
 *                    main term, w_c for the smoothing term), 0 where y_n = ignore_index;
 *                    'mean' = sum_n l_n / sum_n w_{y_n} [y_n != ignore_index]
 *   probabilities:   l_n = -sum_c w_c log(softmax(x_n)_c) ((1 - e) t_{n,c} + e / C);  'mean' = sum_n l_n / N
 *   (N is every position: batch times d1 * d2 * ...)
 */
import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../../src/index';
import { type NestedArray, Tensor, nn } from '../../src/index';
import { expectValues, f64, idx, values } from '../helpers';

const F = nn.functional;
const { gradcheck } = torch.autograd;
type Reduction = 'mean' | 'sum' | 'none';
const REDUCTIONS: Reduction[] = ['mean', 'sum', 'none'];

const { log } = Math;
/** One row of logits ln[1, 2, 3]: softmax is exactly [1/6, 1/3, 1/2], so -log p = [ln 6, ln 3, ln 2]. */
const ROW = [log(1), log(2), log(3)];

describe('cross_entropy worked values (formulas from the CrossEntropyLoss docs above)', () => {
  test('class index: l = -log softmax(x)[y]', () => {
    // p = [1/6, 1/3, 1/2]: target 2 gives ln 2, target 0 gives ln 6
    expect(F.crossEntropy(f64(ROW), idx(2)).item()).toBeCloseTo(log(2), 14);
    expect(F.crossEntropy(f64([ROW]), idx([0])).item()).toBeCloseTo(log(6), 14);
  });

  test("reductions: 'mean' averages, 'sum' adds, 'none' keeps one loss per sample", () => {
    const x = f64([ROW, ROW, ROW]);
    const y = idx([0, 2, 1]);
    expect(F.crossEntropy(x, y).item()).toBeCloseTo((log(6) + log(2) + log(3)) / 3, 14);
    expect(F.crossEntropy(x, y, { reduction: 'sum' }).item()).toBeCloseTo(log(36), 14);
    const none = F.crossEntropy(x, y, { reduction: 'none' });
    expect(none.shape).toEqual([3]);
    expectValues(none, [log(6), log(2), log(3)], 14);
  });

  test("weight: l_n = w[y_n] (-log p[y_n]); 'mean' divides by sum of w[y_n], not N", () => {
    const x = f64([ROW, ROW]);
    const y = idx([0, 2]);
    const weight = f64([2, 1, 0.5]);
    expectValues(F.crossEntropy(x, y, { weight, reduction: 'none' }), [2 * log(6), 0.5 * log(2)], 14);
    expect(F.crossEntropy(x, y, { weight, reduction: 'sum' }).item()).toBeCloseTo(2 * log(6) + 0.5 * log(2), 14);
    expect(F.crossEntropy(x, y, { weight }).item()).toBeCloseTo((2 * log(6) + 0.5 * log(2)) / 2.5, 14);
  });

  test('ignoreIndex: ignored targets add neither loss nor count (default -100, or any class)', () => {
    const x = f64([ROW, ROW, ROW]);
    expectValues(F.crossEntropy(x, idx([0, -100, 2]), { reduction: 'none' }), [log(6), 0, log(2)], 14);
    expect(F.crossEntropy(x, idx([0, -100, 2])).item()).toBeCloseTo((log(6) + log(2)) / 2, 14);
    expect(F.crossEntropy(x, idx([0, 1, 2]), { ignoreIndex: 1 }).item()).toBeCloseTo((log(6) + log(2)) / 2, 14);
    // with a weight, 'mean' divides by the weights of the targets that are kept
    const weight = f64([2, 1, 0.5]);
    expect(F.crossEntropy(x, idx([0, 1, 2]), { ignoreIndex: 1, weight }).item()).toBeCloseTo((2 * log(6) + 0.5 * log(2)) / 2.5, 14);
  });

  test('labelSmoothing e: (1 - e) (-log p[y]) + (e / C) sum_c (-log p[c])', () => {
    const e = 0.3;
    const smoothTerm = log(6) + log(3) + log(2);
    expect(F.crossEntropy(f64([ROW]), idx([2]), { labelSmoothing: e }).item()).toBeCloseTo((1 - e) * log(2) + (e / 3) * smoothTerm, 14);
    // with a weight, the smoothing term weighs each class by w[c]; 'mean' divides by w[y]
    const w = [2, 1, 0.5];
    const weighted = (1 - e) * w[2] * log(2) + (e / 3) * (w[0] * log(6) + w[1] * log(3) + w[2] * log(2));
    const weight = f64(w);
    expect(F.crossEntropy(f64([ROW]), idx([2]), { labelSmoothing: e, weight, reduction: 'sum' }).item()).toBeCloseTo(weighted, 14);
    expect(F.crossEntropy(f64([ROW]), idx([2]), { labelSmoothing: e, weight }).item()).toBeCloseTo(weighted / w[2], 14);
    // an ignored target gets no smoothing loss either
    expectValues(F.crossEntropy(f64([ROW, ROW]), idx([2, -100]), { labelSmoothing: e, reduction: 'none' }), [(1 - e) * log(2) + (e / 3) * smoothTerm, 0], 14);
  });

  test("probability targets: l = -sum_c t_c log p_c; 'mean' divides by N even with a weight", () => {
    const t = [0.2, 0.3, 0.5];
    const plain = 0.2 * log(6) + 0.3 * log(3) + 0.5 * log(2);
    expect(F.crossEntropy(f64(ROW), f64(t)).item()).toBeCloseTo(plain, 14);
    const x = f64([ROW, ROW]);
    const target = f64([t, [1, 0, 0]]);
    expectValues(F.crossEntropy(x, target, { reduction: 'none' }), [plain, log(6)], 14);
    expect(F.crossEntropy(x, target).item()).toBeCloseTo((plain + log(6)) / 2, 14);
    const w = [2, 1, 0.5];
    const weightedRow = w[0] * 0.2 * log(6) + w[1] * 0.3 * log(3) + w[2] * 0.5 * log(2);
    expect(F.crossEntropy(x, target, { weight: f64(w) }).item()).toBeCloseTo((weightedRow + 2 * log(6)) / 2, 14);
    // smoothing mixes the target with the uniform distribution: (1 - e) t + e / C
    const e = 0.3;
    const smoothed = t.map((tc) => (1 - e) * tc + e / 3);
    const expected = smoothed[0] * log(6) + smoothed[1] * log(3) + smoothed[2] * log(2);
    expect(F.crossEntropy(f64([ROW]), f64([t]), { labelSmoothing: e }).item()).toBeCloseTo(expected, 14);
  });

  test('(N, C, d1) input: classes along dim 1, one loss per (n, d1) position', () => {
    // x[n, :, j] = ROW for every position; targets (N, d1)
    const x = f64([
      [
        [log(1), log(1)],
        [log(2), log(2)],
        [log(3), log(3)],
      ],
    ]);
    const none = F.crossEntropy(x, idx([[2, 0]]), { reduction: 'none' });
    expect(none.shape).toEqual([1, 2]);
    expectValues(none, [log(2), log(6)], 14);
    expect(F.crossEntropy(x, idx([[2, 0]])).item()).toBeCloseTo((log(2) + log(6)) / 2, 14);
  });

  test('gradient: (softmax(x) - onehot(y)) / N for the mean', () => {
    const x = f64([ROW, ROW], true);
    F.crossEntropy(x, idx([2, 0])).backward();
    expectValues(x.grad!, [1 / 12, 1 / 6, -1 / 4, -5 / 12, 1 / 6, 1 / 4], 14);
  });

  test('the module form passes its options through', () => {
    const x = torch.randn([4, 3], { dtype: 'float64' });
    const y = idx([0, 2, -1, 1]);
    const options = { weight: f64([1, 2, 3]), ignoreIndex: -1, labelSmoothing: 0.1, reduction: 'sum' as const };
    expect(new nn.CrossEntropyLoss(options).forward(x, y).item()).toBe(F.crossEntropy(x, y, options).item());
    expect(String(new nn.CrossEntropyLoss())).toBe('CrossEntropyLoss()');
  });
});

describe('the seed tutorial, in float32 as it runs there', () => {
  // The numbers PyTorch 2.13 prints (also computed by tests/golden/gen_nn_cases.py into nn-cases.json).
  const golden = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'golden', 'nn-cases.json'), 'utf8')) as {
    seed: { batch: { good: number; bad: number }; single: { good: number; bad: number } };
  };
  const loss = new nn.CrossEntropyLoss();

  test('targets [2, 0, 1]: good and bad logits, and the predictions max(x, 1) prints', () => {
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
    expect(golden.seed.batch).toMatchObject({ good: 0.38459011912345886, bad: 1.6241613626480103 });
    const l1 = loss.forward(good, Y);
    const l2 = loss.forward(bad, Y);
    expect(l1.dtype).toBe('float32');
    expect(Math.abs(l1.item() - 0.38459011912345886)).toBeLessThan(1e-6);
    expect(Math.abs(l2.item() - 1.6241613626480103)).toBeLessThan(1e-6);
    expect(String(torch.max(good, 1)[1])).toBe('tensor([2, 0, 1])');
    expect(String(torch.max(bad, 1)[1])).toBe('tensor([0, 2, 1])');
  });

  test('single sample, target [0]: good [[2.0, 1.0, 0.1]], bad [[0.5, 2.0, 0.3]]', () => {
    // -log(e^2 / (e^2 + e^1 + e^0.1)) and -log(e^0.5 / (e^0.5 + e^2 + e^0.3)); PyTorch: 0.4170299470424652, 1.840616226196289
    expect(golden.seed.single).toEqual({ good: 0.4170299470424652, bad: 1.840616226196289 });
    const y = torch.tensor([0]);
    const good = loss.forward(torch.tensor([[2.0, 1.0, 0.1]]), y).item();
    const bad = loss.forward(torch.tensor([[0.5, 2.0, 0.3]]), y).item();
    expect(Math.abs(good - 0.4170299470424652)).toBeLessThan(1e-6);
    expect(Math.abs(bad - 1.840616226196289)).toBeLessThan(1e-6);
    expect(good).toBeCloseTo(-log(Math.exp(2) / (Math.exp(2) + Math.exp(1) + Math.exp(0.1))), 6);
    expect(bad).toBeCloseTo(-log(Math.exp(0.5) / (Math.exp(0.5) + Math.exp(2) + Math.exp(0.3))), 6);
  });
});

// ---- finite-difference gradient checks, float64 ----

interface Layout {
  name: string;
  shape: number[];
  /** class-index targets, some -100 (ignored) where the layout has more than one position */
  target: NestedArray;
}
const LAYOUTS: Layout[] = [
  { name: '(C) input, 0-d target', shape: [4], target: 2 },
  { name: '(N, C)', shape: [3, 4], target: [1, -100, 3] },
  {
    name: '(N, C, d1)',
    shape: [2, 4, 3],
    target: [
      [0, 3, -100],
      [2, 2, 1],
    ],
  },
  {
    name: '(N, C, d1, d2)',
    shape: [2, 3, 2, 2],
    target: [
      [
        [0, 2],
        [-100, 1],
      ],
      [
        [2, 2],
        [1, -100],
      ],
    ],
  },
];

function logits(shape: number[], seed: number): Tensor {
  torch.manualSeed(seed);
  return torch.randn(shape, { dtype: 'float64' }).mul(2).detach().requiresGrad_();
}
/** Class probabilities shaped like the input (softmax over the class dim). */
function probabilities(shape: number[], seed: number): Tensor {
  torch.manualSeed(seed);
  return torch
    .softmax(torch.randn(shape, { dtype: 'float64' }), shape.length === 1 ? 0 : 1)
    .detach()
    .requiresGrad_();
}
function classWeight(classes: number): Tensor {
  return f64([0.5, 2, 1.5, 0.75].slice(0, classes));
}
const classesOf = (shape: number[]): number => (shape.length === 1 ? shape[0] : shape[1]);

describe('cross_entropy gradcheck with respect to the input (float64)', () => {
  const cases = LAYOUTS.flatMap((layout) => REDUCTIONS.map((reduction) => [layout.name, reduction, layout] as const));

  test.each(cases)('%s, class indices, %s, no options', (_n, reduction, layout) => {
    const target = idx(layout.target);
    const x = logits(layout.shape, 1);
    expect(gradcheck((a) => F.crossEntropy(a, target, { reduction }), [x])).toBe(true);
  });

  test.each(cases)('%s, class indices, %s, weight + ignoreIndex + labelSmoothing together', (_n, reduction, layout) => {
    // the 1-D case keeps its one target (a mean over no targets is NaN) and ignores another class
    const ignoreIndex = layout.shape.length === 1 ? 1 : -100;
    const target = idx(layout.target);
    const weight = classWeight(classesOf(layout.shape));
    const x = logits(layout.shape, 2);
    const options = { weight, ignoreIndex, labelSmoothing: 0.25, reduction };
    expect(gradcheck((a) => F.crossEntropy(a, target, options), [x])).toBe(true);
  });

  test.each(cases)('%s, class indices, %s, an in-range ignoreIndex with weight and smoothing', (_n, reduction, layout) => {
    const target = idx(JSON.parse(JSON.stringify(layout.target).replace(/-100/g, '0')) as NestedArray);
    const x = logits(layout.shape, 3);
    const options = { weight: classWeight(classesOf(layout.shape)), ignoreIndex: 0, labelSmoothing: 0.1, reduction };
    expect(gradcheck((a) => F.crossEntropy(a, target, options), [x])).toBe(true);
  });

  test.each(cases)('%s, probabilities, %s, w.r.t. input and target', (_n, reduction, layout) => {
    const x = logits(layout.shape, 4);
    const t = probabilities(layout.shape, 5);
    expect(gradcheck((a, b) => F.crossEntropy(a, b, { reduction }), [x, t])).toBe(true);
  });

  test.each(cases)('%s, probabilities, %s, with labelSmoothing and weight, w.r.t. input and target', (_n, reduction, layout) => {
    const x = logits(layout.shape, 6);
    const t = probabilities(layout.shape, 7);
    const options = { weight: classWeight(classesOf(layout.shape)), labelSmoothing: 0.3, reduction };
    expect(gradcheck((a, b) => F.crossEntropy(a, b, options), [x, t])).toBe(true);
  });

  test('whole-number float class indices give the same loss and gradient as int32 ones', () => {
    const x = logits([3, 4], 8);
    const asInt = F.crossEntropy(x, idx([1, 0, 3]), { labelSmoothing: 0.1 });
    const asFloat = F.crossEntropy(x, torch.tensor([1, 0, 3], { dtype: 'float32' }), { labelSmoothing: 0.1 });
    expect(asFloat.item()).toBe(asInt.item());
    expect(gradcheck((a) => F.crossEntropy(a, f64([1, 0, 3]), { labelSmoothing: 0.1 }), [x])).toBe(true);
  });

  test('a gradcheck catches a wrong gradient (the check can fail)', () => {
    // cross-entropy's forward with a backward that forgets the 1/N of the mean: softmax - onehot
    const onehot = f64([
      [0, 1, 0, 0],
      [1, 0, 0, 0],
      [0, 0, 0, 1],
    ]);
    const target = idx([1, 0, 3]);
    const wrong = torch.autograd.defineOp({
      name: 'WrongCrossEntropy',
      forward: (ctx, x: Tensor) => {
        ctx.saveForBackward(x);
        return F.crossEntropy(x, target);
      },
      backward: (ctx, g: Tensor) => [torch.softmax(ctx.savedTensors[0], 1).sub(onehot).mul(g)],
    });
    expect(() => gradcheck((a) => wrong(a), [logits([3, 4], 9)])).toThrow(/Jacobian mismatch/);
  });
});

describe('cross_entropy is one fused node', () => {
  test('the loss comes straight from the logits: one node, printed as PyTorch prints it (AddBackward0 with smoothing)', () => {
    const x = logits([3, 4], 10);
    const loss = F.crossEntropy(x, idx([0, 1, 2]), { labelSmoothing: 0.1 });
    expect(loss.gradFn!.name).toBe('AddBackward0');
    expect(loss.gradFn!.inputs[0]).toBe(x);
    expect(x.isLeaf).toBe(true);
  });

  test('float32 logits give float32 loss and gradient', () => {
    const x = torch.tensor([[0.1, 1.0, 2.1]], { requiresGrad: true });
    const loss = F.crossEntropy(x, idx([2]));
    expect(loss.dtype).toBe('float32');
    loss.backward();
    expect(x.grad!.dtype).toBe('float32');
  });
});

describe('cross_entropy edge cases', () => {
  test('logits of +-1000 give finite losses and gradients (log-sum-exp subtracts the max)', () => {
    const x = torch.tensor(
      [
        [1000, -1000, 0],
        [-1000, 1000, 0],
        [1000, 1000, -1000],
      ],
      { dtype: 'float32', requiresGrad: true },
    );
    const none = F.crossEntropy(x, idx([1, 1, 0]), { reduction: 'none' });
    // PyTorch: [2000, 0, ln 2]
    expectValues(none, [2000, 0, log(2)], 4);
    const loss = F.crossEntropy(x, idx([1, 1, 0]), { labelSmoothing: 0.1 });
    expect(Number.isFinite(loss.item())).toBe(true);
    loss.backward();
    expect(values(x.grad!).every(Number.isFinite)).toBe(true);
    // d/dx = (softmax - onehot) / 3: row 0 softmax is [1, 0, 0] against target 1, less smoothing
    expect(x.grad!.data[0]).toBeCloseTo((1 - 0.1 / 3) / 3, 6);
  });

  test("every target ignored: 'mean' is NaN (0 / 0), as PyTorch gives; 'sum' is 0; gradients are 0", () => {
    // PyTorch 2.13: F.cross_entropy(x, tensor([-100, -100, -100])) -> tensor(nan), x.grad all zeros
    const target = idx([-100, -100, -100]);
    for (const labelSmoothing of [0, 0.2]) {
      const x = logits([3, 4], 11);
      const mean = F.crossEntropy(x, target, { labelSmoothing });
      expect(Number.isNaN(mean.item())).toBe(true);
      mean.backward();
      expect(values(x.grad!)).toEqual(new Array(12).fill(0));
      expect(F.crossEntropy(x, target, { labelSmoothing, reduction: 'sum' }).item()).toBe(0);
      expect(values(F.crossEntropy(x, target, { labelSmoothing, reduction: 'none' }))).toEqual([0, 0, 0]);
    }
    // the (C) input with its one 0-d target ignored
    expect(Number.isNaN(F.crossEntropy(f64(ROW), idx(-100)).item())).toBe(true);
  });

  test('a (C) input with a 0-d target gives a 0-d loss for every reduction', () => {
    for (const reduction of REDUCTIONS) expect(F.crossEntropy(f64(ROW), idx(2), { reduction }).shape).toEqual([]);
  });
});

describe("cross_entropy errors, in a learner's words", () => {
  const x = f64([ROW, ROW, ROW]);
  test.each([
    ['a target out of range', () => F.crossEntropy(x, idx([0, 5, 1])), /target 5 is out of bounds for 3 classes/],
    ['target == C', () => F.crossEntropy(x, idx([0, 3, 1])), /target 3 is out of bounds for 3 classes/],
    [
      'a negative target that is not ignoreIndex',
      () => F.crossEntropy(x, idx([0, -1, 1])),
      /target -1 is out of bounds.*negative targets are only allowed when equal to ignoreIndex=-100/,
    ],
    ['a fractional class index', () => F.crossEntropy(x, f64([0, 1.5, 1])), /target 1\.5 .*not a whole number/],
    ['batch sizes that differ', () => F.crossEntropy(x, idx([0, 1])), /input batch_size \(3\) to match target batch_size \(2\)/],
    [
      '(N, 1) targets',
      () => F.crossEntropy(x, idx([[0], [1], [2]])),
      /target of shape \[3, 1\] does not fit input of shape \[3, 3\]: class indices need shape \[3\]/,
    ],
    [
      'int probabilities',
      () =>
        F.crossEntropy(
          x,
          idx([
            [0, 1, 0],
            [1, 0, 0],
            [0, 0, 1],
          ]),
        ),
      /holds class probabilities and must be float/,
    ],
    [
      'ignoreIndex with probability targets',
      () => F.crossEntropy(x, f64([ROW, ROW, ROW]), { ignoreIndex: 0 }),
      /ignoreIndex is not supported for class-probability targets/,
    ],
    [
      'a weight of the wrong size',
      () => F.crossEntropy(x, idx([0, 1, 2]), { weight: f64([1, 2]) }),
      /weight must have one entry per class \(shape \[3\]\), got shape \[2\]/,
    ],
    ['labelSmoothing above 1', () => F.crossEntropy(x, idx([0, 1, 2]), { labelSmoothing: 1.5 }), /labelSmoothing must be between 0\.0 and 1\.0/],
    ['an unknown reduction', () => F.crossEntropy(x, idx([0, 1, 2]), { reduction: 'avg' as Reduction }), /reduction must be 'mean', 'sum' or 'none'/],
    ['int logits', () => F.crossEntropy(idx([[1, 2, 3]]), idx([0])), /input must be float/],
    ['a 0-d input', () => F.crossEntropy(f64(ROW).sum(), idx(0)), /at least 1 dimension/],
  ])('%s', (_name, call, message) => {
    expect(call).toThrow(message);
  });
});

describe('the warning when the input looks like softmax output', () => {
  // A fresh copy of the library, so that the once-only flag starts unset whatever ran before.
  let fresh!: typeof torch;
  jest.isolateModules(() => {
    fresh = require('../../src/index') as typeof torch;
  });
  afterEach(() => jest.restoreAllMocks());

  test('fires once, can be silenced, and stays quiet for ordinary logits', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const probs = fresh.softmax(
      fresh.tensor([
        [2.0, 1.0, 0.1],
        [0.5, 2.0, 0.3],
      ]),
      1,
    );
    const y = fresh.tensor([0, 1]);
    fresh.nn.functional.crossEntropy(
      fresh.tensor([
        [2.0, 1.0, 0.1],
        [0.5, 2.0, 0.3],
      ]),
      y,
    );
    expect(warn).not.toHaveBeenCalled();
    new fresh.nn.CrossEntropyLoss({ warnOnProbabilities: false }).forward(probs, y);
    expect(warn).not.toHaveBeenCalled();
    new fresh.nn.CrossEntropyLoss().forward(probs, y);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/looks like softmax output.*pass the raw logits/);
    new fresh.nn.CrossEntropyLoss().forward(probs, y);
    fresh.nn.functional.crossEntropy(probs, y);
    expect(warn).toHaveBeenCalledTimes(1);
  });
});
