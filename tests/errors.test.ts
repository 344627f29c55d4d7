import * as torch from '../src/index';

// Every misuse is an Error that names the problem and the shapes involved.

describe('shapes that do not broadcast', () => {
  it.each([
    ['add', () => torch.add(torch.zeros([2, 3]), torch.zeros([4]))],
    ['sub', () => torch.zeros([2, 3]).sub(torch.zeros([4]))],
    ['mul', () => torch.zeros([2, 3]).mul(torch.zeros([4]))],
    ['div', () => torch.div(torch.zeros([2, 3]), torch.zeros([4]))],
    ['pow', () => torch.pow(torch.zeros([2, 3]), torch.zeros([4]))],
    ['eq', () => torch.zeros([2, 3]).eq(torch.zeros([4]))],
  ])('%s names the op and both shapes', (op, fn) => {
    expect(fn).toThrow(`${op}: shapes [2, 3] and [4] cannot be broadcast together (size 3 vs 4 at dimension 1 of the result)`);
  });
  it('in a leading dim too', () => {
    expect(() => torch.zeros([2, 1, 3]).add(torch.zeros([5, 4, 1]))).toThrow(/\[2, 1, 3\] and \[5, 4, 1\].*size 2 vs 5 at dimension 0/);
  });
  it('expand to an incompatible shape', () => {
    expect(() => torch.zeros([2, 3]).expand([4, 3])).toThrow(/expand: shapes \[2, 3\] and \[4, 3\] cannot be broadcast/);
    expect(() => torch.zeros([2, 3]).expand([3])).toThrow(/cannot be expanded/);
    expect(() => torch.zeros([2, 3]).expand([-1, 2, 3])).toThrow('expand: invalid shape [-1, 2, 3] for a tensor of shape [2, 3]');
    expect(() => torch.zeros([1, 3]).expand([-2, 3])).toThrow(/invalid shape \[-2, 3\]/);
  });
});

describe('matmul', () => {
  it('mismatched inner dims name both shapes', () => {
    expect(() => torch.matmul(torch.zeros([2, 3]), torch.zeros([4, 5]))).toThrow(
      'matmul: shapes [2, 3] and [4, 5] cannot be multiplied (inner sizes 3 and 4 differ)',
    );
    expect(() => torch.zeros([3]).matmul(torch.zeros([4]))).toThrow(/shapes \[3\] and \[4\] cannot be multiplied/);
    expect(() => torch.zeros([2, 2, 3]).matmul(torch.zeros([2]))).toThrow(/\[2, 2, 3\] and \[2\]/);
  });
  it('batch dims that do not broadcast, and 0-d operands', () => {
    expect(() => torch.zeros([2, 3, 4]).matmul(torch.zeros([3, 4, 5]))).toThrow(/matmul: shapes \[2\] and \[3\] cannot be broadcast/);
    expect(() => torch.matmul(torch.tensor(2.5), torch.zeros([2]))).toThrow(/at least 1 dimension.*\[\] and \[2\]/);
  });
});

describe('reshape', () => {
  it('to a different element count names the shape and the size', () => {
    expect(() => torch.zeros([2, 3]).reshape([4, 2])).toThrow('reshape: shape [4, 2] is invalid for input of size 6 (shape [2, 3])');
    expect(() => torch.zeros([2, 3]).view([4, -1])).toThrow(/shape \[4, -1\] is invalid for input of size 6/);
    expect(() => torch.zeros([2, 3]).reshape([-1, -1])).toThrow(/at most one -1/);
    expect(() => torch.zeros([2, 3]).reshape([2.5, 2])).toThrow(/whole numbers/);
  });
});

describe('dim out of range', () => {
  const x = torch.zeros([2, 3]);
  const message = (op: string, dim: number): string =>
    `${op}: dimension out of range (expected to be in range of [-2, 1], but got ${dim})`;
  it.each([
    ['sum', 2, () => x.sum(2)],
    ['sum', -3, () => x.sum([0, -3])],
    ['mean', 5, () => x.mean(5)],
    ['max', 2, () => x.max(2)],
    ['min', -3, () => torch.min(x, -3)],
    ['max', 2, () => x.argmax(2)],
    ['softmax', 2, () => x.softmax(2)],
    ['logSoftmax', -3, () => torch.logSoftmax(x, -3)],
    ['transpose', 2, () => x.transpose(0, 2)],
    ['permute', 2, () => x.permute([0, 2])],
    ['squeeze', 2, () => x.squeeze(2)],
    ['flatten', 2, () => x.flatten(2)],
    ['cat', 2, () => torch.cat([x, x], 2)],
    ['gather', 2, () => x.gather(2, torch.tensor([[0]]))],
    ['indexSelect', -3, () => x.indexSelect(-3, torch.tensor([0]))],
    ['narrow', 2, () => x.narrow(2, 0, 1)],
    ['size', 2, () => x.size(2)],
  ])('%s with dim %p', (op, dim, fn) => {
    expect(fn).toThrow(message(op, dim));
  });
  it('unsqueeze and stack count the new dim', () => {
    expect(() => x.unsqueeze(3)).toThrow('unsqueeze: dimension out of range (expected to be in range of [-3, 2], but got 3)');
    expect(() => torch.stack([x, x], -4)).toThrow('stack: dimension out of range (expected to be in range of [-3, 2], but got -4)');
  });
  it('a reduction names a dim twice', () => {
    expect(() => x.sum([1, -1])).toThrow(/names a dimension twice/);
  });
});

describe('ragged nested arrays', () => {
  it('name the expected length, the depth and where', () => {
    expect(() => torch.tensor([[1, 2, 3], [4, 5]])).toThrow(
      'tensor: ragged nested array: expected a sequence of length 3 at dim 1 (index [1]), but got length 2',
    );
    expect(() => torch.tensor([[[1, 2]], [[3, 4]], [[5]]])).toThrow(/length 2 at dim 2 \(index \[2, 0\]\), but got length 1/);
  });
});

describe('other misuse', () => {
  it('backward on a non-scalar without a gradient, or with a wrong one', () => {
    const y = torch.ones([2, 3], { requiresGrad: true }).mul(2);
    expect(() => y.backward()).toThrow(/implicitly created only for scalar outputs.*shape \[2, 3\]/);
    expect(() => y.backward(torch.ones([3]))).toThrow('backward: gradient has shape [3] but the tensor has shape [2, 3]');
    expect(() => y.backward(1)).toThrow(/a number gradient only fits a one-element tensor.*\[2, 3\]/);
    expect(() => torch.ones([2]).sum().backward()).toThrow(/does not require grad and has no grad_fn/);
  });
  it('cat, stack, gather, indexSelect, narrow with bad arguments', () => {
    expect(() => torch.cat([torch.zeros([2, 3]), torch.zeros([2, 4])], 0)).toThrow(
      'cat: sizes must match except in dimension 0: tensors[0] has shape [2, 3], tensors[1] has shape [2, 4]',
    );
    expect(() => torch.cat([])).toThrow(/non-empty array/);
    expect(() => torch.cat([torch.tensor(1.5)])).toThrow(/zero-dimensional/);
    expect(() => torch.stack([torch.zeros([2]), torch.zeros([3])])).toThrow(/equal size.*\[2\] at entry 0 and \[3\] at entry 1/);
    expect(() => torch.zeros([3]).gather(0, torch.tensor([3]))).toThrow(/index 3 is out of bounds for dimension with size 3/);
    expect(() => torch.zeros([3]).gather(0, torch.tensor([0.5]))).toThrow(/index must be an int32 tensor, got float32/);
    expect(() => torch.zeros([2, 2]).gather(0, torch.tensor([0]))).toThrow(/index of shape \[1\] must have the input's rank/);
    expect(() => torch.zeros([3, 2]).indexSelect(0, torch.tensor([[0]]))).toThrow(/index must be 1-D, got shape \[1, 1\]/);
    expect(() => torch.zeros([3, 2]).narrow(0, 2, 2)).toThrow(/start 2 and length 2 exceed dimension 0 of size 3/);
  });
  it('permute needs every dim once', () => {
    expect(() => torch.zeros([2, 3]).permute([0])).toThrow(/number of dims \(1\).*2 dims \(shape \[2, 3\]\)/);
    expect(() => torch.zeros([2, 3]).permute([1, 1])).toThrow(/repeat a dimension/);
  });
  it('reductions of empty tensors, mean of ints, softmax without a dim', () => {
    expect(() => torch.zeros([0, 3]).max()).toThrow('max: cannot reduce an empty tensor of shape [0, 3] (no identity for max)');
    expect(() => torch.zeros([2, 0]).min(1)).toThrow(/empty tensor of shape \[2, 0\]/);
    expect(() => torch.tensor([1, 2]).mean()).toThrow(/floating point dtype, got int32/);
    expect(() => (torch.softmax as (x: torch.Tensor) => torch.Tensor)(torch.zeros([2]))).toThrow(/dim is required/);
  });
  it('pow, clamp, sub and neg with unsupported arguments', () => {
    expect(() => torch.tensor([2]).pow(-1)).toThrow(/integers to negative integer powers/);
    expect(() => torch.zeros([2]).clamp()).toThrow(/at least one of 'min' or 'max'/);
    expect(() => torch.tensor([true]).sub(torch.tensor([false]))).toThrow(/subtracting bool tensors/);
    expect(() => torch.tensor([true]).neg()).toThrow(/negating a bool tensor/);
    expect(() => torch.zeros([2]).add('1' as never)).toThrow();
  });
  it('in-place ops that cannot write the result', () => {
    expect(() => torch.zeros([3]).add_(torch.zeros([2, 3]))).toThrow(/result of shape \[2, 3\] cannot be written into a tensor of shape \[3\]/);
  });
});
