import * as torch from '../../src/index';
import type { Tensor } from '../../src/index';
import { argsort, bucketize, kthvalue, median, mode, searchsorted, sort, topk, unique, uniqueConsecutive } from '../../src/ops/sort';
import { values } from '../helpers';

// Sorting and selection. Golden values, gradients, grad_fn names and PyTorch's rejections of these ops
// are checked in tests/ops/reductions.test.ts (one runner for tests/golden/reductions.json); here:
// gradients by finite differences, and hand-worked cases (each checked against PyTorch 2.13 by hand).

const { grad, gradcheck, gradgradcheck } = torch.autograd;

let seed = 101;
function gen(): torch.Generator {
  return new torch.Generator(seed++);
}
/** A float64 leaf of standard normal values (distinct with probability 1, so picks have no ties). */
function rnd(shape: number[]): Tensor {
  return torch.randn(shape, { dtype: 'float64', generator: gen() }).requiresGrad_();
}
const f64 = (data: number[]): Tensor => torch.tensor(data, { dtype: 'float64' });
const i32 = (data: number[]): Tensor => torch.tensor(data, { dtype: 'int32' });

type Fn = (x: Tensor) => Tensor;
const over = (name: string, make: (d: number) => Fn, shape = [2, 3, 2]): [string, Fn, number[]][] =>
  [0, 1, 2, -1].map((d) => [`${name} dim ${d}`, make(d), shape]);

const cases: [string, Fn, number[]][] = [
  ['median all', (x) => median(x), [3, 3]],
  ['median all, even count', (x) => median(x), [2, 3]],
  ...over('median', (d) => (x) => median(x, d)[0], [3, 3, 3]),
  ...over('median keepdim', (d) => (x) => median(x, d, true)[0], [3, 3, 3]),
  ...over('mode of distinct values', (d) => (x) => mode(x, d)[0]),
  ...over('sort', (d) => (x) => sort(x, d)[0]),
  ...over('sort descending stable', (d) => (x) => sort(x, d, true, { stable: true })[0]),
  ...over('topk', (d) => (x) => topk(x, 2, d)[0]),
  ...over('topk smallest', (d) => (x) => topk(x, 2, d, false)[0]),
  ...over('kthvalue', (d) => (x) => kthvalue(x, 2, d)[0]),
  ...over('kthvalue keepdim', (d) => (x) => kthvalue(x, 1, d, true)[0]),
  ['sort of a 0-d tensor', (x) => sort(x)[0], []],
  ['topk of a 0-d tensor', (x) => topk(x, 1)[0], []],
];

describe('gradients of the selection ops (float64)', () => {
  it.each(cases)('gradcheck: %s', (_name, fn, shape) => {
    expect(gradcheck(fn, [rnd(shape)])).toBe(true);
  });

  it.each(cases)('gradgradcheck: %s', (_name, fn, shape) => {
    expect(gradgradcheck(fn, [rnd(shape)])).toBe(true);
  });

  it.each(cases)('the storage backward agrees with the one made of ops: %s', (_name, fn, shape) => {
    const x = rnd(shape);
    const y = fn(x);
    const v = torch.randn([...y.shape], { dtype: 'float64', generator: gen() });
    const [fast] = grad(y, [x], { gradOutputs: v, retainGraph: true });
    const [graph] = grad(y, [x], { gradOutputs: v, createGraph: true });
    expect(values(graph!)).toEqual(values(fast!));
  });

  it('median of all elements shares the gradient among the elements equal to it', () => {
    // torch.median(torch.tensor([2., 1., 2., 3., 2.], requires_grad=True)).backward() -> grad [1/3, 0, 1/3, 0, 1/3]
    const x = f64([2, 1, 2, 3, 2]).requiresGrad_();
    median(x).backward();
    expect(values(x.grad!)).toEqual([1 / 3, 0, 1 / 3, 0, 1 / 3]);
  });

  it('sort sends each gradient back to the position its value came from', () => {
    // values [1, 2, 3] came from positions [1, 2, 0]: d/dx (values . [10, 20, 30]) = [30, 10, 20]
    const x = f64([3, 1, 2]).requiresGrad_();
    sort(x)[0]
      .mul(f64([10, 20, 30]))
      .sum()
      .backward();
    expect(values(x.grad!)).toEqual([30, 10, 20]);
  });
});

describe('sort, argsort', () => {
  it('is stable, ascending and descending, with or without { stable: true }', () => {
    const x = f64([1, 0, 1, 0, 1]);
    expect(values(sort(x)[1])).toEqual([1, 3, 0, 2, 4]);
    expect(values(sort(x, -1, true)[1])).toEqual([0, 2, 4, 1, 3]);
    expect(values(argsort(x, 0, true, { stable: true }))).toEqual([0, 2, 4, 1, 3]);
  });

  it('orders NaN above every number, infinities included', () => {
    const [v, i] = sort(f64([NaN, Infinity, -Infinity, 0]));
    expect(values(v)).toEqual([-Infinity, 0, Infinity, NaN]);
    expect(values(i)).toEqual([2, 3, 1, 0]);
  });

  it('sorts a long random vector into a permutation of it', () => {
    const x = torch.randn([1000], { dtype: 'float64', generator: gen() });
    const [v, i] = sort(x);
    const sorted = values(x).sort((a, b) => a - b);
    expect(values(v)).toEqual(sorted);
    expect(new Set(values(i)).size).toBe(1000);
    values(i).forEach((p, j) => expect(x.data[p]).toBe(v.data[j]));
  });

  it('keeps the dtype; indices are int32', () => {
    const [v, i] = sort(i32([3, -1, 2]));
    expect(v.dtype).toBe('int32');
    expect(i.dtype).toBe('int32');
    expect(sort(torch.tensor([true, false])).map((t) => t.dtype)).toEqual(['bool', 'int32']);
  });

  it('rejects bad arguments, naming them', () => {
    const x = f64([1, 2]);
    expect(() => sort(x, 1)).toThrow('sort: dimension out of range (expected to be in range of [-1, 0], but got 1)');
    expect(() => sort(x, 0, 'yes' as unknown as boolean)).toThrow('sort: descending must be true or false, got string "yes"');
    expect(() => sort(x, 0, false, { stabel: true } as object)).toThrow("sort: unknown option 'stabel'; did you mean 'stable'?");
    expect(() => sort(x, 0, false, { out: x } as object)).toThrow('sort: out is not supported');
    expect(() => argsort([1, 2] as unknown as Tensor)).toThrow('argsort: input must be a Tensor, got an array of 2');
  });
});

describe('topk, kthvalue', () => {
  it('topk gives the k largest, largest first, as sorting would', () => {
    const x = torch.randn([200], { dtype: 'float64', generator: gen() });
    const [v, i] = topk(x, 5);
    expect(values(v)).toEqual(
      values(x)
        .sort((a, b) => b - a)
        .slice(0, 5),
    );
    values(i).forEach((p, j) => expect(x.data[p]).toBe(v.data[j]));
  });

  it('kthvalue counts k from 1 and NaN as the largest', () => {
    const [v, i] = kthvalue(f64([1, NaN, 0.5, 2]), 4);
    expect(v.item()).toBeNaN();
    expect(i.item()).toBe(1);
    expect(kthvalue(f64([4, 1, 3]), 1)[0].item()).toBe(1);
  });

  it('rejects k out of range and bool tensors', () => {
    expect(() => topk(f64([1, 2]), 3)).toThrow('topk: k (3) is out of range for dim 0 of size 2');
    expect(() => topk(f64([1, 2]), 1.5)).toThrow('topk: k must be a whole number, got 1.5');
    expect(() => topk(torch.tensor([true]), 1)).toThrow('topk: bool tensors are not supported');
    expect(() => kthvalue(f64([1, 2]), 0)).toThrow('kthvalue: k (0) is out of range for dim -1 of size 2: it must be in 1..2');
    expect(() => kthvalue(torch.zeros([3, 0]), 1)).toThrow('kthvalue: cannot reduce dim 1 (of size 0)');
  });
});

describe('median, mode', () => {
  it('median is the lower of the two middle values, NaN if any is NaN', () => {
    expect(median(f64([4, 1, 3, 2])).item()).toBe(2);
    expect(median(f64([4, NaN, 3])).item()).toBeNaN();
    expect(median(torch.zeros([0])).item()).toBeNaN();
    expect(median(i32([5, 1, 4, 2])).dtype).toBe('int32');
  });

  it('median with a dim picks the first NaN of a slice that holds one', () => {
    const [v, i] = median(f64([1, NaN, 2, NaN, 3, 1, 2, 0]).reshape([2, 4]), 1);
    expect(values(v)).toEqual([NaN, 1]);
    expect(values(i)).toEqual([1, 1]);
  });

  it('mode picks the smallest of the most frequent values, at its last index', () => {
    const [v, i] = mode(f64([1, 2, 2, 3, 3, 1, 1]));
    expect(v.item()).toBe(1);
    expect(i.item()).toBe(6);
  });

  it('rejects bool (median), empty dims, and an empty int32 median', () => {
    expect(() => median(torch.tensor([true]))).toThrow('median: bool tensors are not supported');
    expect(() => median(torch.zeros([2, 0]), 1)).toThrow('median: cannot reduce dim 1 (of size 0)');
    expect(() => mode(torch.zeros([0]))).toThrow('mode: cannot reduce dim 0 (of size 0)');
    expect(() => median(torch.tensor([], { dtype: 'int32' }))).toThrow('median: an empty int32 tensor has no median');
  });
});

describe('unique, uniqueConsecutive', () => {
  it('returns the output alone, or the asked-for extras in PyTorch order', () => {
    const x = i32([3, 1, 3, 2]);
    expect(values(unique(x))).toEqual([1, 2, 3]);
    const [u, inverse] = unique(x, true, true);
    expect(values(u)).toEqual([1, 2, 3]);
    expect(values(inverse)).toEqual([2, 0, 2, 1]);
    const [, counts] = unique(x, true, false, true);
    expect(values(counts)).toEqual([1, 1, 2]);
    expect(unique(x, true, true, true)).toHaveLength(3);
  });

  it('records PyTorch grad_fn, whose backward is an Error, and leaves .grad alone', () => {
    const x = f64([2, 1, 2]).requiresGrad_();
    const u = unique(x);
    expect(u.gradFn?.name).toBe('Unique2Backward0');
    expect(() => u.sum().backward()).toThrow('Unique2Backward0: the derivative of unique is not implemented (as in PyTorch)');
    expect(x.grad).toBeNull();
    expect(unique(x.reshape([3, 1]), true, false, false, 0).gradFn?.name).toBe('UniqueDimBackward0');
    expect(uniqueConsecutive(x).gradFn?.name).toBe('UniqueConsecutiveBackward0');
  });

  it('uniqueConsecutive collapses runs only', () => {
    const [u, inverse, counts] = uniqueConsecutive(i32([1, 1, 2, 1]), true, true);
    expect(values(u)).toEqual([1, 2, 1]);
    expect(values(inverse)).toEqual([0, 0, 1, 2]);
    expect(values(counts)).toEqual([2, 1, 1]);
  });

  it('rejects bad arguments, naming them', () => {
    expect(() => unique(f64([1]), 'yes' as unknown as boolean)).toThrow('unique: sorted must be true or false, got string "yes"');
    expect(() => unique(f64([1]), true, false, false, 1.5)).toThrow('unique: dim must be a whole number, got 1.5');
    expect(() => unique(f64([3]).reshape([]), true, false, false, 0)).toThrow('unique: dim 0 was given but the tensor has no dimensions');
  });
});

describe('searchsorted, bucketize', () => {
  it('searches each row of a sequence with leading dims, through a sorter', () => {
    // torch.searchsorted(torch.tensor([[5., 3, 1], [2, 6, 4]]), torch.tensor([[3., 0], [4, 7]]),
    //                    sorter=torch.tensor([[2, 1, 0], [0, 2, 1]])) -> [[1, 0], [1, 3]]
    const seq = f64([5, 3, 1, 2, 6, 4]).reshape([2, 3]);
    const out = searchsorted(seq, f64([3, 0, 4, 7]).reshape([2, 2]), { sorter: i32([2, 1, 0, 0, 2, 1]).reshape([2, 3]) });
    expect(out.toArray()).toEqual([
      [1, 0],
      [1, 3],
    ]);
    expect(out.dtype).toBe('int32');
  });

  it('a number gives a 0-d result; bucketize is searchsorted with boundaries second', () => {
    expect(searchsorted(i32([1, 3, 5]), 3, { side: 'right' }).shape).toEqual([]);
    expect(searchsorted(i32([1, 3, 5]), 3, { side: 'right' }).item()).toBe(2);
    expect(bucketize(f64([0, 3, 6]), i32([1, 3, 5])).toArray()).toEqual([0, 1, 3]);
    expect(bucketize(f64([0, 3, 6]), i32([1, 3, 5]), { right: true }).toArray()).toEqual([0, 2, 3]);
  });

  it('rejects bad options, naming them', () => {
    const seq = f64([1, 2, 3]);
    expect(() => searchsorted(seq, 2, { side: 'up' as 'left' })).toThrow("searchsorted: side must be 'left' or 'right', got string \"up\"");
    expect(() => searchsorted(seq, 2, { right: true, side: 'left' })).toThrow('searchsorted: side and right cannot be opposites');
    expect(() => searchsorted(seq, 2, { sorter: f64([0, 1, 2]) })).toThrow('searchsorted: sorter must be an int32 tensor, got float64');
    expect(() => searchsorted(seq, '2' as unknown as number)).toThrow('searchsorted: input must be a Tensor or a number, got string "2"');
    expect(() => searchsorted(seq, 2, { outint32: true } as object)).toThrow("searchsorted: unknown option 'outint32'; did you mean 'outInt32'?");
    expect(() => bucketize(2, seq, { side: 'left' } as object)).toThrow("bucketize: unknown option 'side'");
  });
});
