import * as torch from '../src/index';
import type { Tensor } from '../src/index';

const f64 = (data: torch.NestedArray): Tensor => torch.tensor(data, { dtype: 'float64' });
const f32 = (data: torch.NestedArray): Tensor => torch.tensor(data, { dtype: 'float32' });

function expectValues(t: Tensor, expected: number[], tol = 1e-12): void {
  expect(t.numel()).toBe(expected.length);
  expected.forEach((e, i) => expect(Math.abs(t.data[i] - e)).toBeLessThanOrEqual(tol));
}

describe('the seed notebook', () => {
  it('softmax([2, 1, 0.1]) = [0.65900114, 0.24243297, 0.09856589] and prints like PyTorch', () => {
    const x = torch.tensor([2.0, 1.0, 0.1]);
    const y = torch.softmax(x, 0);
    expectValues(y, [0.65900114, 0.24243297, 0.09856589], 1e-6);
    expect(y.dtype).toBe('float32');
    expect(String(y)).toBe('tensor([0.6590, 0.2424, 0.0986])');
    expect(x.softmax(-1).toString()).toBe('tensor([0.6590, 0.2424, 0.0986])');
  });
});

describe('arithmetic with broadcasting and plain numbers', () => {
  // [3,1] + [1,4]: out[i][j] = a[i] + b[j]
  it('add [3,1] + [1,4] and [2,3] + [3]', () => {
    const a = f64([[1], [2], [3]]);
    const b = f64([[10, 20, 30, 40]]);
    const c = a.add(b);
    expect(c.shape).toEqual([3, 4]);
    expect(c.toArray()).toEqual([
      [11, 21, 31, 41],
      [12, 22, 32, 42],
      [13, 23, 33, 43],
    ]);
    expect(
      torch
        .add(
          f64([
            [1, 2, 3],
            [4, 5, 6],
          ]),
          f64([10, 20, 30]),
        )
        .toArray(),
    ).toEqual([
      [11, 22, 33],
      [14, 25, 36],
    ]);
  });

  it('numbers on either side, and alpha', () => {
    const x = f64([1, 2, 4]);
    expect(x.mul(2).toArray()).toEqual([2, 4, 8]);
    expect(x.add(0.5).toArray()).toEqual([1.5, 2.5, 4.5]);
    expect(torch.sub(10, x).toArray()).toEqual([9, 8, 6]);
    expect(torch.div(8, x).toArray()).toEqual([8, 4, 2]);
    expect(x.div(4).toArray()).toEqual([0.25, 0.5, 1]);
    expect(x.neg().toArray()).toEqual([-1, -2, -4]);
    expect(x.add(x, 3).toArray()).toEqual([4, 8, 16]); // x + 3x
    expect(x.sub(1, 2).toArray()).toEqual([-1, 0, 2]); // x - 2
    expect(torch.add(1, 2).item()).toBe(3);
  });

  it('pow by a number (including 0) and by a tensor', () => {
    const x = f64([0, 2, -3]);
    expect(x.pow(2).toArray()).toEqual([0, 4, 9]);
    expect(x.pow(0).toArray()).toEqual([1, 1, 1]); // 0^0 = 1, as in PyTorch
    expect(torch.pow(f64([4, 9]), 0.5).toArray()).toEqual([2, 3]);
    expect(
      f64([2, 3])
        .pow(f64([3, 2]))
        .toArray(),
    ).toEqual([8, 9]);
    expect(
      f64([[2], [3]])
        .pow(f64([1, 2]))
        .toArray(),
    ).toEqual([
      [2, 4],
      [3, 9],
    ]);
    expect(torch.tensor([2, 3]).pow(2).dtype).toBe('int32');
  });

  it('unary ops', () => {
    const x = f64([-2, 0, 3]);
    expectValues(x.exp(), [Math.exp(-2), 1, Math.exp(3)]);
    expectValues(f64([1, Math.E]).log(), [0, 1]);
    expect(f64([0, -1]).log().toArray()).toEqual([-Infinity, NaN]);
    expect(f64([4, 0]).sqrt().toArray()).toEqual([2, 0]);
    expect(x.abs().toArray()).toEqual([2, 0, 3]);
    expect(x.relu().toArray()).toEqual([0, 0, 3]);
    expect(x.clamp(-1, 2).toArray()).toEqual([-1, 0, 2]);
    expect(x.clamp(0).toArray()).toEqual([0, 0, 3]);
    expect(x.clamp(null, 1).toArray()).toEqual([-2, 0, 1]);
    expect(x.clamp(2, 1).toArray()).toEqual([1, 1, 1]); // min > max gives max, as in PyTorch
    expect(torch.tensor([-2, 5]).abs().dtype).toBe('int32');
    expectValues(x.sigmoid(), [1 / (1 + Math.exp(2)), 0.5, 1 / (1 + Math.exp(-3))]);
    expectValues(x.tanh(), [Math.tanh(-2), 0, Math.tanh(3)]);
  });

  it('sigmoid and tanh stay exact for |x| = 1000', () => {
    for (const make of [f32, f64]) {
      const x = make([-1000, 1000, -80, 80]);
      expect(x.sigmoid().toArray()).toEqual([0, 1, expect.any(Number), 1]);
      expect(x.sigmoid().data[2]).toBeGreaterThan(0);
      expect(x.tanh().toArray()).toEqual([-1, 1, -1, 1]);
    }
  });
});

describe('dtype promotion (PyTorch rules)', () => {
  it('int32 + 2.5 -> float32, int32 + 2 -> int32', () => {
    const i = torch.tensor([1, 2, 3]);
    const y = i.add(2.5);
    expect(y.dtype).toBe('float32');
    expect(y.toArray()).toEqual([3.5, 4.5, 5.5]);
    expect(i.add(2).dtype).toBe('int32');
  });
  it('float32 + float64 tensor -> float64; float32 tensor * float64 0-d tensor -> float32', () => {
    expect(f32([1, 2]).add(f64([1, 2])).dtype).toBe('float64');
    expect(f32([1, 2]).mul(torch.tensor(2, { dtype: 'float64' })).dtype).toBe('float32');
    expect(torch.tensor(2, { dtype: 'float32' }).mul(torch.tensor(2, { dtype: 'float64' })).dtype).toBe('float64');
    expect(f32([1, 2]).mul(2.5).dtype).toBe('float32');
    expect(f64([1, 2]).mul(2.5).dtype).toBe('float64');
  });
  it('int / int is true division into the default float', () => {
    const y = torch.tensor([1, 7]).div(torch.tensor([2, 2]));
    expect(y.dtype).toBe('float32');
    expect(y.toArray()).toEqual([0.5, 3.5]);
    expect(torch.tensor([3]).div(2).toArray()).toEqual([1.5]);
  });
  it('int tensor and float tensor -> float; bool arithmetic', () => {
    expect(torch.tensor([1, 2]).mul(f32([0.5, 0.5])).dtype).toBe('float32');
    expect(torch.tensor([true, false]).add(torch.tensor([true, true])).dtype).toBe('bool');
    expect(torch.tensor([true, false]).add(1).dtype).toBe('int32');
    expect(torch.tensor([1, 2]).sum().dtype).toBe('int32');
  });
  it('unary float ops on ints give the default float', () => {
    expect(torch.tensor([0, 1]).exp().dtype).toBe('float32');
    expect(torch.tensor([1, 4]).sqrt().toArray()).toEqual([1, 2]);
    // softmax is not one of them: PyTorch rejects integer input ("not implemented for 'Long'")
    expect(() => torch.softmax(torch.tensor([1, 1]), 0)).toThrow('softmax: input must be a floating point tensor, got int32');
  });
});

describe('comparisons', () => {
  it('eq gt lt ge le ne return bool tensors that never require grad', () => {
    const x = torch.tensor([1, 2, 3], { requiresGrad: true });
    const y = torch.tensor([3, 2, 1], { dtype: 'float32' });
    const results: [Tensor, boolean[]][] = [
      [x.eq(y), [false, true, false]],
      [torch.eq(x, 2), [false, true, false]],
      [x.ne(y), [true, false, true]],
      [x.gt(y), [false, false, true]],
      [torch.gt(x, 1.5), [false, true, true]],
      [x.lt(y), [true, false, false]],
      [x.ge(2), [false, true, true]],
      [torch.le(x, y), [true, true, false]],
    ];
    for (const [r, want] of results) {
      expect(r.dtype).toBe('bool');
      expect(r.requiresGrad).toBe(false);
      expect(r.gradFn).toBeNull();
      expect(r.toArray()).toEqual(want);
    }
    expect(
      torch
        .tensor([[1], [2]])
        .lt(torch.tensor([2, 3]))
        .toArray(),
    ).toEqual([
      [true, true],
      [false, true],
    ]);
  });
});

describe('matmul', () => {
  const a = f64([
    [1, 2],
    [3, 4],
  ]);
  const b = f64([
    [5, 6],
    [7, 8],
  ]);
  it('1-D, 2-D and batched operands', () => {
    expect(torch.matmul(f64([1, 2, 3]), f64([4, 5, 6])).toArray()).toBe(32); // dot: 4 + 10 + 18
    expect(a.matmul(b).toArray()).toEqual([
      [19, 22],
      [43, 50],
    ]);
    expect(a.matmul(f64([1, 1])).toArray()).toEqual([3, 7]);
    expect(f64([1, 1]).matmul(a).toArray()).toEqual([4, 6]);
    const batch = torch.stack([a, b]);
    expect(batch.matmul(a).shape).toEqual([2, 2, 2]);
    expect(batch.matmul(a).toArray()).toEqual([a.matmul(a).toArray(), b.matmul(a).toArray()]);
    expect(batch.matmul(batch).toArray()).toEqual([a.matmul(a).toArray(), b.matmul(b).toArray()]);
    expect(f64([1, 0]).matmul(batch).shape).toEqual([2, 2]);
    expect(batch.matmul(f64([0, 1])).toArray()).toEqual([
      [2, 4],
      [6, 8],
    ]);
    expect(torch.zeros([2, 1, 3, 4]).matmul(torch.zeros([5, 4, 2])).shape).toEqual([2, 5, 3, 2]);
  });
  it('int matmul stays int; mixed dtypes are an Error, as in PyTorch (no promotion)', () => {
    const y = torch.tensor([[1, 2]]).matmul(torch.tensor([[3], [4]]));
    expect(y.dtype).toBe('int32');
    expect(y.toArray()).toEqual([[11]]);
    expect(() => f32([[1, 2]]).matmul(f64([[3], [4]]))).toThrow(
      "matmul: expected both operands to have the same dtype, but got float32 and float64 (as PyTorch, which does not promote here); convert one with .to('float64')",
    );
  });
});

describe('reductions', () => {
  const x = f64([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  it('sum and mean over all, a dim, negative dims, lists, keepdim', () => {
    expect(x.sum().toArray()).toBe(21);
    expect(x.sum().shape).toEqual([]);
    expect(x.sum(0).toArray()).toEqual([5, 7, 9]);
    expect(x.sum(-1).toArray()).toEqual([6, 15]);
    expect(x.sum(1, true).toArray()).toEqual([[6], [15]]);
    expect(x.sum([0, 1]).toArray()).toBe(21);
    expect(x.sum([], true).shape).toEqual([1, 1]); // an empty list means every dim, as in PyTorch
    expect(x.mean().toArray()).toBe(3.5);
    expect(torch.mean(x, 0).toArray()).toEqual([2.5, 3.5, 4.5]);
    expect(x.mean(-1, true).toArray()).toEqual([[2], [5]]);
    expect(torch.sum(torch.tensor(3.5)).toArray()).toBe(3.5);
    expect(torch.tensor(3.5).sum(0).shape).toEqual([]);
  });
  it('max and min: all, or over a dim returning [values, indices]', () => {
    const y = f64([
      [1, 9, 3],
      [7, 5, 7],
    ]);
    expect(y.max().toArray()).toBe(9);
    expect(torch.min(y).toArray()).toBe(1);
    const [values, indices] = torch.max(y, 1);
    expect(values.toArray()).toEqual([9, 7]);
    expect(indices.toArray()).toEqual([1, 0]); // ties give the first index
    expect(indices.dtype).toBe('int32');
    const [mv, mi] = y.min(0, true);
    expect(mv.toArray()).toEqual([[1, 5, 3]]);
    expect(mi.toArray()).toEqual([[0, 1, 0]]);
    expect(y.max(-2)[1].toArray()).toEqual([1, 0, 1]);
  });
  it('argmax and argmin', () => {
    const y = f64([
      [1, 9, 3],
      [7, 5, 9],
    ]);
    expect(y.argmax().toArray()).toBe(1); // first of the flattened maxima
    expect(y.argmax(1).toArray()).toEqual([1, 2]);
    expect(torch.argmax(y, 0, true).toArray()).toEqual([[1, 0, 1]]);
    expect(y.argmin().toArray()).toBe(0);
    expect(torch.argmin(y, -1).toArray()).toEqual([0, 1]);
  });
  it('NaN propagates through max, as in PyTorch', () => {
    expect(f64([1, NaN, 3]).max().item()).toBeNaN();
    expect(f64([1, NaN, 3]).argmax().item()).toBe(1);
  });
});

describe('softmax and logSoftmax', () => {
  it('over any dim, negative dims too, rows summing to 1', () => {
    torch.manualSeed(3);
    const x = torch.randn([2, 3, 4], { dtype: 'float64' });
    for (const dim of [0, 1, 2, -1, -2, -3]) {
      const s = x.softmax(dim);
      const totals = s.sum(dim);
      totals.data.forEach((v) => expect(Math.abs(v - 1)).toBeLessThan(1e-12));
      const ls = torch.logSoftmax(x, dim);
      ls.data.forEach((v, i) => expect(Math.abs(v - Math.log(s.data[i]))).toBeLessThan(1e-12));
    }
  });
  it('logits of +-1e4 stay finite (max-subtracted)', () => {
    for (const make of [f32, f64]) {
      const x = make([
        [1e4, -1e4, 0],
        [-1e4, -1e4, -1e4],
      ]);
      const s = x.softmax(1);
      expect(s.toArray()).toEqual([[1, 0, 0], [1 / 3, 1 / 3, 1 / 3].map((v) => (make === f32 ? Math.fround(v) : v))]);
      const ls = x.logSoftmax(1);
      expect(Array.from(ls.data).every(Number.isFinite)).toBe(true);
      expect(ls.data[1]).toBe(-2e4);
    }
  });
});

describe('layout', () => {
  const x = f64([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  it('reshape / view share data; -1 is inferred', () => {
    const r = x.reshape([3, -1]);
    expect(r.shape).toEqual([3, 2]);
    expect(r.data).toBe(x.data);
    expect(x.view([6]).toArray()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(torch.view(x, [-1, 1]).shape).toEqual([6, 1]);
    expect(torch.reshape(x, [1, 2, 3]).shape).toEqual([1, 2, 3]);
  });
  it('flatten, squeeze, unsqueeze', () => {
    const y = torch.zeros([2, 1, 3, 1]);
    expect(y.flatten().shape).toEqual([6]);
    expect(y.flatten(1).shape).toEqual([2, 3]);
    expect(torch.flatten(y, 0, 1).shape).toEqual([2, 3, 1]);
    expect(torch.tensor(5).flatten().shape).toEqual([1]);
    expect(y.squeeze().shape).toEqual([2, 3]);
    expect(y.squeeze(1).shape).toEqual([2, 3, 1]);
    expect(y.squeeze(-1).shape).toEqual([2, 1, 3]);
    expect(y.squeeze(0).shape).toEqual([2, 1, 3, 1]); // size 2: a no-op, as in PyTorch
    expect(y.squeeze([1, 3]).shape).toEqual([2, 3]);
    expect(x.unsqueeze(0).shape).toEqual([1, 2, 3]);
    expect(x.unsqueeze(-1).shape).toEqual([2, 3, 1]);
    expect(torch.unsqueeze(x, 1).shape).toEqual([2, 1, 3]);
  });
  it('transpose, permute, T', () => {
    expect(x.transpose(0, 1).toArray()).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    expect(x.T.toArray()).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    const y = torch.arange(24).reshape([2, 3, 4]);
    const p = y.permute([2, 0, 1]);
    expect(p.shape).toEqual([4, 2, 3]);
    // p[k][i][j] = y[i][j][k] = 12 i + 4 j + k
    expect((p.toArray() as number[][][])[3][1][2]).toBe(12 + 8 + 3);
    expect(torch.transpose(y, -1, 0).shape).toEqual([4, 3, 2]);
    expect(y.T.shape).toEqual([4, 3, 2]);
    expect(f64([1, 2]).T.toArray()).toEqual([1, 2]);
  });
  it('expand, cat, stack', () => {
    expect(
      f64([[1], [2]])
        .expand([2, 3])
        .toArray(),
    ).toEqual([
      [1, 1, 1],
      [2, 2, 2],
    ]);
    expect(f64([1, 2]).expand([2, -1]).toArray()).toEqual([
      [1, 2],
      [1, 2],
    ]);
    expect(torch.cat([x, f64([[7, 8, 9]])]).toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
    expect(torch.cat([x, f64([[0], [0]])], -1).toArray()).toEqual([
      [1, 2, 3, 0],
      [4, 5, 6, 0],
    ]);
    expect(torch.cat([f32([1]), f64([2])]).dtype).toBe('float64');
    expect(torch.stack([f64([1, 2]), f64([3, 4])]).toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(torch.stack([f64([1, 2]), f64([3, 4])], -1).toArray()).toEqual([
      [1, 3],
      [2, 4],
    ]);
  });
  it('gather, indexSelect, narrow, clone', () => {
    const idx = torch.tensor([
      [2, 0],
      [1, 1],
    ]);
    expect(x.gather(1, idx).toArray()).toEqual([
      [3, 1],
      [5, 5],
    ]);
    expect(torch.gather(x, 0, torch.tensor([[1, 0, 1]])).toArray()).toEqual([[4, 2, 6]]);
    expect(x.indexSelect(1, torch.tensor([2, 0, 2])).toArray()).toEqual([
      [3, 1, 3],
      [6, 4, 6],
    ]);
    expect(x.narrow(1, 1, 2).toArray()).toEqual([
      [2, 3],
      [5, 6],
    ]);
    expect(x.narrow(0, -1, 1).toArray()).toEqual([[4, 5, 6]]);
    const c = x.clone();
    expect(c.data).not.toBe(x.data);
    expect(c.toArray()).toEqual(x.toArray());
  });
});

describe('in-place updates (outside the graph)', () => {
  it('add_, sub_, mul_, div_, fill_, zero_, copy_ write into the tensor', () => {
    const x = f64([1, 2, 3]);
    x.add_(1)
      .mul_(2)
      .sub_(f64([1, 1, 1]), 2)
      .div_(2);
    expect(x.toArray()).toEqual([1, 2, 3]);
    x.copy_(f64([7]));
    expect(x.toArray()).toEqual([7, 7, 7]);
    x.zero_();
    expect(x.toArray()).toEqual([0, 0, 0]);
  });
  it('on a leaf that requires grad only under noGrad', () => {
    const w = f64([1, 2]).requiresGrad_();
    expect(() => w.add_(1)).toThrow(/leaf tensor that requires grad.*noGrad/);
    torch.noGrad(() => w.sub_(f64([1, 1]), 0.5));
    expect(w.toArray()).toEqual([0.5, 1.5]);
    expect(w.requiresGrad).toBe(true);
  });
});
