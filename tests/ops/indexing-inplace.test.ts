import * as torch from '../../src/index';

// Writing in place into a tensor with autograd history (PyTorch's CopySlices): the write becomes its
// grad_fn, ops that read it before keep their gradients, and a saved value that the write changed
// is caught by the version counter. Values from PyTorch 2.13 (the same programs in Python).
const f64 = (v: number[]) => torch.tensor(v, { dtype: 'float64' });

describe('in-place writes into tensors with history', () => {
  it('a loop filling rows of a buffer: out[i] = w[i] * [1, 2]', () => {
    const w = f64([0.5, -1, 2]).requiresGrad_();
    const out = torch.zeros(3, 2, { dtype: 'float64' });
    for (let i = 0; i < 3; i++) out.indexPut_([i], w.index([i]).mul(f64([1, 2])));
    const loss = out.pow(2).sum();
    loss.backward();
    // PyTorch: grad_fn CopySlices, w.grad [5, -10, 20], loss 26.25
    expect(loss.item()).toBe(26.25);
    expect(w.grad!.toArray()).toEqual([5, -10, 20]);
  });

  it('ops that read the tensor before the write keep their gradient', () => {
    const w = f64([0.5, -1, 2]).requiresGrad_();
    const y = w.mul(3);
    const z = y.sum(); // read before the write
    y.indexPut_([1], 10);
    z.add(y.mul(y).sum()).backward();
    // PyTorch: w.grad [12, 3, 39] (3 from z everywhere, 2 * 3 * y from the squares except at 1)
    expect(w.grad!.toArray()).toEqual([12, 3, 39]);
  });

  it('maskedFill_ and scatter_ on a non-leaf', () => {
    const w = f64([0.5, -1, 2]).requiresGrad_();
    const y = w.mul(2);
    y.maskedFill_(y.gt(2), 0);
    y.sum().backward();
    expect(w.grad!.toArray()).toEqual([2, 2, 0]);
    const v = f64([1, 2, 3]).requiresGrad_();
    const u = v.mul(1);
    u.scatter_(0, torch.tensor([0]), f64([7]));
    u.mul(v).sum().backward();
    // d/dv of (u * v) with u[0] = 7 fixed: v.grad = u + v * du/dv = [7, 2 + 2, 3 + 3]
    expect(v.grad!.toArray()).toEqual([7, 4, 6]);
  });

  it('a value saved for backward and then changed in place is an Error at backward, as in PyTorch', () => {
    const w = f64([0.5, -1, 2]).requiresGrad_();
    const s = w.mul(1).exp(); // exp saves its result
    s.indexPut_([0], 1);
    expect(() => s.sum().backward()).toThrow(/modified by an inplace operation|changed in place|version/);
  });

  it('a leaf that requires grad still cannot be written in place', () => {
    const w = f64([1, 2]).requiresGrad_();
    expect(() => w.indexPut_([0], 5)).toThrow('a leaf Variable that requires grad is being used in an in-place operation');
    torch.noGrad(() => w.indexPut_([0], 5));
    expect(w.toArray()).toEqual([5, 2]);
  });
});

describe('torch.Slice is called as libtorch calls it, with or without new', () => {
  it('Slice(1, 3) and new Slice(1, 3) are the same slice; instanceof holds', () => {
    const x = torch.arange(0, 10);
    expect(x.index([torch.Slice(1, 3)]).toArray()).toEqual([1, 2]);
    expect(x.index([new torch.Slice(null, null, 3)]).toArray()).toEqual([0, 3, 6, 9]);
    expect(torch.Slice(1, 3) instanceof torch.Slice).toBe(true);
    expect(String(torch.Slice(null, -1, 2))).toBe(':-1:2');
  });
});
