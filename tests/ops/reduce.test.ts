import * as torch from '../../src/index';

// Edges of the reductions, each checked against PyTorch 2.13 by hand:
//   torch.argmax(torch.zeros(2, 3), keepdim=True).shape == (1, 1)
//   torch.max(torch.zeros(0, 3), 1) -> values and indices of shape (0,)
//   torch.max(torch.zeros(3, 0), 1) -> RuntimeError (reduction dim of size 0)
//   torch.tensor([2**30] * 3).sum() == 3221225472 (int64; tsgrad's int32 cannot hold it)

describe('reductions at the edges', () => {
  it('argmax and argmin without a dim but with keepdim keep every dim, as size 1', () => {
    const x = torch.tensor(
      [
        [1, 5, 2],
        [0, 3, 4],
      ],
      { dtype: 'float32' },
    );
    expect(torch.argmax(x, undefined, true).shape).toEqual([1, 1]);
    expect(torch.argmax(x, undefined, true).toArray()).toEqual([[1]]);
    expect(torch.argmin(x, undefined, true).toArray()).toEqual([[3]]);
    expect(torch.argmax(x).shape).toEqual([]);
  });

  it('max and min along a dim of an empty tensor give empty results when that dim is not empty', () => {
    const [values, indices] = torch.max(torch.zeros([0, 3]), 1);
    expect(values.shape).toEqual([0]);
    expect(indices.shape).toEqual([0]);
    expect(torch.min(torch.zeros([0, 3]), 1)[0].shape).toEqual([0]);
    expect(torch.argmax(torch.zeros([0, 3]), 1).shape).toEqual([0]);
    expect(torch.zeros([0, 3]).sum(1).shape).toEqual([0]);
  });

  it('reducing a dim of size 0 (or an empty tensor without a dim) with max is an Error', () => {
    expect(() => torch.max(torch.zeros([3, 0]), 1)).toThrow('max: cannot reduce dim 1 (of size 0) of the empty tensor of shape [3, 0]');
    expect(() => torch.max(torch.zeros([0, 3]))).toThrow('max: cannot reduce an empty tensor of shape [0, 3]');
  });

  it('an integer sum never wraps: it is exact, or an Error when it does not fit int32', () => {
    expect(
      torch
        .tensor([2 ** 30, 2 ** 30 - 1, -5])
        .sum()
        .item(),
    ).toBe(2 ** 31 - 6);
    expect(() => torch.tensor([2 ** 30, 2 ** 30, 2 ** 30]).sum()).toThrow('sum: the result 3221225472 does not fit int32');
    expect(
      torch
        .tensor([2 ** 30, 2 ** 30, 2 ** 30])
        .double()
        .sum()
        .item(),
    ).toBe(3221225472);
  });
});
