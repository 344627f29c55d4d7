import * as torch from '../../src/index';
import type { Tensor } from '../../src/index';

const { gradcheck, defineOp } = torch.autograd;
const f64 = (data: torch.NestedArray, requiresGrad = true): Tensor => torch.tensor(data, { dtype: 'float64', requiresGrad });
const arr = (t: Tensor | null): unknown => (t === null ? null : t.toArray());

describe('gradient accumulation', () => {
  it('x * x accumulates to 2x', () => {
    const x = f64([1, -2, 3]);
    x.mul(x).sum().backward();
    expect(arr(x.grad)).toEqual([2, -4, 6]);
  });

  it('a node used by two consumers gets the sum of both gradients', () => {
    // y = e^x; z = 2y + y^2 => dz/dx = (2 + 2y) y
    const x = f64([0, 1]);
    const y = x.exp();
    y.mul(2).add(y.pow(2)).sum().backward();
    const e = Math.exp(1);
    expect(x.grad!.data[0]).toBeCloseTo(4, 12);
    expect(x.grad!.data[1]).toBeCloseTo((2 + 2 * e) * e, 12);
  });

  it('a diamond: one input through two paths that meet again', () => {
    // z = (3x) * (x + 1) => dz/dx = 6x + 3
    const x = f64([2]);
    x.mul(3).mul(x.add(1)).sum().backward();
    expect(arr(x.grad)).toEqual([15]);
  });

  it('accumulates over two backward calls (separate graphs, and one retained graph)', () => {
    const x = f64([1, 2]);
    x.mul(3).sum().backward();
    x.mul(3).sum().backward();
    expect(arr(x.grad)).toEqual([6, 6]);

    const w = f64([1, 2]);
    const loss = w.pow(2).sum();
    loss.backward(null, { retainGraph: true });
    loss.backward();
    expect(arr(w.grad)).toEqual([4, 8]);
  });

  it('grad is assignable (null resets; a tensor is added to)', () => {
    const x = f64([1, 2]);
    x.mul(2).sum().backward();
    x.grad = null;
    x.mul(5).sum().backward();
    expect(arr(x.grad)).toEqual([5, 5]);
    x.grad = torch.tensor([10, 20], { dtype: 'float64' });
    x.mul(1).sum().backward();
    expect(arr(x.grad)).toEqual([11, 21]);
    expect(() => (x.grad = torch.zeros([3], { dtype: 'float64' }))).toThrow(/shape \[3\].*\[2\]/);
    expect(() => (x.grad = torch.zeros([2]))).toThrow(/dtype float32.*float64/);
  });

  it('each leaf gets a gradient of its own dtype', () => {
    const a = torch.tensor([1, 2], { requiresGrad: true });
    const b = f64([3, 4]);
    a.mul(b).sum().backward();
    expect(a.grad!.dtype).toBe('float32');
    expect(arr(a.grad)).toEqual([3, 4]);
    expect(b.grad!.dtype).toBe('float64');

    const c = torch.tensor([1.5, -2], { requiresGrad: true });
    const d = c.to('float64').mul(2);
    expect(d.dtype).toBe('float64');
    expect(d.gradFn!.name).toBe('MulBackward0');
    d.sum().backward();
    expect(c.grad!.dtype).toBe('float32');
    expect(arr(c.grad)).toEqual([2, 2]);
  });
});

describe('backward()', () => {
  it('uses an implicit 1 for a one-element output, and takes a number or a tensor', () => {
    const x = f64([3]);
    x.pow(2).backward();
    expect(arr(x.grad)).toEqual([6]);
    const y = f64([1, 2]);
    y.mul(y).sum().backward(0.5);
    expect(arr(y.grad)).toEqual([1, 2]);
    const z = f64([1, 2]);
    z.mul(3).backward(torch.tensor([1, 10], { dtype: 'float32' }));
    expect(arr(z.grad)).toEqual([3, 30]);
  });

  it('a leaf that requires grad can be the root', () => {
    const x = f64([1, 2]);
    x.backward(f64([5, 6], false));
    expect(arr(x.grad)).toEqual([5, 6]);
  });

  it('a second backward through a freed graph is a clear Error; retainGraph keeps it', () => {
    const x = f64([1, 2]);
    const y = x.exp().sum();
    y.backward();
    expect(() => y.backward()).toThrow(/backward through the graph a second time.*retainGraph/);
    const z = x.exp();
    const s = z.sum();
    s.backward(null, { retainGraph: true });
    s.backward(null, { retainGraph: true });
    z.mul(2).sum().backward(); // a new consumer of the retained part
    expect(x.grad!.data[0]).toBeCloseTo(Math.E * (1 + 2 + 2), 12);
  });

  it('records grad functions with PyTorch names and leaves/non-leaves', () => {
    const x = f64([1, 2]);
    expect(x.isLeaf).toBe(true);
    expect(x.gradFn).toBeNull();
    const y = x.mul(2);
    expect(y.isLeaf).toBe(false);
    expect(y.requiresGrad).toBe(true);
    expect(y.gradFn!.name).toBe('MulBackward0');
    expect(x.add(1).gradFn!.name).toBe('AddBackward0');
    expect(x.sum().gradFn!.name).toBe('SumBackward0');
    expect(x.sum(0).gradFn!.name).toBe('SumBackward1');
    expect(x.softmax(0).gradFn!.name).toBe('SoftmaxBackward0');
    expect(x.reshape([2, 1]).gradFn!.name).toBe('ViewBackward0');
    expect(x.pow(2).gradFn!.name).toBe('PowBackward0');
    expect(() => (y.requiresGrad = false)).toThrow(/only leaf tensors/);
  });

  it('only float tensors may require grad', () => {
    expect(() => torch.tensor([1, 2], { dtype: 'int32', requiresGrad: true })).toThrow(/only floating point tensors/);
    expect(() => torch.tensor([1, 2]).requiresGrad_()).toThrow(/only floating point tensors.*int32/);
    expect(() => torch.tensor([true]).requiresGrad_()).toThrow(/bool/);
    const x = torch.tensor([1.5]).requiresGrad_();
    expect(x.requiresGrad).toBe(true);
    expect(x.requiresGrad_(false).requiresGrad).toBe(false);
  });

  it('detach() leaves the graph but shares data', () => {
    const x = f64([1, 2]);
    const d = x.mul(2).detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.gradFn).toBeNull();
    const e = x.detach();
    e.data[0] = 42;
    expect(x.data[0]).toBe(42);
    expect(() => d.sum().backward()).toThrow(/does not require grad/);
  });

  it('ops on tensors that do not require grad build no graph', () => {
    const x = f64([1, 2], false);
    const y = x.mul(2).exp();
    expect(y.requiresGrad).toBe(false);
    expect(y.gradFn).toBeNull();
  });
});

describe('grad mode', () => {
  it('noGrad builds no graph and returns the value of fn', () => {
    const x = f64([1, 2]);
    const y = torch.noGrad(() => x.mul(2).exp());
    expect(y.requiresGrad).toBe(false);
    expect(y.gradFn).toBeNull();
    expect(torch.noGrad(() => 42)).toBe(42);
    expect(torch.isGradEnabled()).toBe(true);
    expect(torch.noGrad(() => torch.isGradEnabled())).toBe(false);
  });

  it('enableGrad turns recording back on inside noGrad; modes restore after a throw', () => {
    const x = f64([1, 2]);
    const y = torch.noGrad(() => torch.enableGrad(() => x.mul(2)));
    expect(y.gradFn!.name).toBe('MulBackward0');
    expect(() =>
      torch.noGrad(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(torch.isGradEnabled()).toBe(true);
    torch.setGradEnabled(false);
    try {
      expect(x.mul(2).requiresGrad).toBe(false);
    } finally {
      torch.setGradEnabled(true);
    }
    expect(torch.autograd.isGradEnabled()).toBe(true);
  });
});

describe('deep graphs', () => {
  it('a chain of 100,000 ops back-propagates without stack overflow', () => {
    const x = f64([1, 2]);
    let y = x;
    for (let i = 0; i < 50_000; i++) y = y.mul(1.0001).sub(0.0001);
    const loss = y.sum();
    expect(loss.gradFn).not.toBeNull();
    loss.backward();
    const expected = Math.pow(1.0001, 50_000);
    expect(x.grad!.data[0] / expected).toBeCloseTo(1, 10);
    expect(x.grad!.data[1] / expected).toBeCloseTo(1, 10);
  });
});

describe('retainGrad and autograd.grad', () => {
  it('retainGrad keeps the gradient of a non-leaf', () => {
    const x = f64([1, 2]);
    const y = x.mul(3);
    y.retainGrad();
    const z = x.mul(4); // not retained
    y.pow(2).add(z).sum().backward();
    expect(arr(y.grad)).toEqual([6, 12]); // d(y^2)/dy = 2y
    expect(z.grad).toBeNull();
    expect(arr(x.grad)).toEqual([18 + 4, 36 + 4]);
    expect(() => f64([1], false).retainGrad()).toThrow(/does not require grad/);
  });

  it('autograd.grad returns gradients and leaves .grad alone', () => {
    const x = f64([1, 2]);
    const w = f64([3, 4]);
    const h = x.mul(w);
    const loss = h.pow(2).sum();
    const [gx, gh] = torch.autograd.grad(loss, [x, h], { retainGraph: true });
    expect(arr(gx)).toEqual([2 * 3 * 3 * 1, 2 * 4 * 4 * 2]); // 2 w^2 x
    expect(arr(gh)).toEqual([6, 16]); // 2h
    expect(x.grad).toBeNull();
    expect(w.grad).toBeNull();
    const [gw] = torch.autograd.grad(loss, w);
    expect(arr(gw)).toEqual([2 * 1 * 3, 2 * 4 * 4]); // 2 x^2 w
  });

  it('autograd.grad with gradOutputs, several outputs and allowUnused', () => {
    const x = f64([1, 2]);
    const unused = f64([0]);
    const [g] = torch.autograd.grad([x.mul(2), x.pow(2).sum()], x, {
      gradOutputs: [f64([1, 10], false), null],
    });
    expect(arr(g)).toEqual([2 + 2, 20 + 4]);
    expect(() => torch.autograd.grad(x.mul(2), x)).toThrow(/not a scalar.*gradOutputs\[0\] is required/);
    expect(() => torch.autograd.grad(x.sum(), [x, unused])).toThrow(/input 1 was not used.*allowUnused/);
    expect(torch.autograd.grad(x.sum(), [x, unused], { allowUnused: true })[1]).toBeNull();
  });
});

describe('gradient storage is never shared (the engine adopts only gradients it owns)', () => {
  const { linear } = torch.nn.functional;
  const copyOf = (t: Tensor): number[] => Array.from(t.data);

  it('add(a, a): one gradient reaching a leaf twice', () => {
    const a = f64([1, 2]);
    a.add(a).sum().backward();
    expect(arr(a.grad)).toEqual([2, 2]);
    a.add(a).sum().backward();
    expect(arr(a.grad)).toEqual([4, 4]);
  });

  it('a leaf reached through reshape does not share the upstream gradient', () => {
    const w = f64([
      [1, 2],
      [3, 4],
    ]);
    const g = f64([5, 6, 7, 8], false);
    const y = w.reshape([4]);
    y.retainGrad();
    y.backward(g);
    expect(arr(w.grad)).toEqual([
      [5, 6],
      [7, 8],
    ]);
    g.data[0] = 100;
    y.grad!.data[1] = 100;
    expect(arr(w.grad)).toEqual([
      [5, 6],
      [7, 8],
    ]);
    expect(arr(y.grad)).toEqual([5, 100, 7, 8]);
  });

  it("the user's gradient given to backward() is copied, at a leaf root and through a clone", () => {
    const w = f64([1, 2]);
    const g = f64([3, 4], false);
    w.backward(g);
    g.data[0] = 100;
    expect(arr(w.grad)).toEqual([3, 4]);
    const v = f64([1, 2]);
    const c = v.clone();
    c.retainGrad();
    c.backward(g);
    v.grad!.data[1] = -1;
    expect(arr(c.grad)).toEqual([100, 4]);
    expect(arr(g)).toEqual([100, 4]);
  });

  it('linear: adopted weight and bias gradients accumulate correctly over two backwards', () => {
    const x = f64(
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      false,
    );
    const w = f64([
      [0.5, -1],
      [2, 1],
    ]);
    const b = f64([0.1, 0.2]);
    const g = f64(
      [
        [1, 0],
        [0, 1],
        [1, 1],
      ],
      false,
    );
    const h = linear(x, w, b);
    h.retainGrad();
    h.backward(g, { retainGraph: true });
    // dW = g^T x, db = column sums of g
    expect(arr(w.grad)).toEqual([
      [6, 8],
      [8, 10],
    ]);
    expect(arr(b.grad)).toEqual([2, 2]);
    const wGrad = w.grad!;
    h.backward(g);
    expect(w.grad).toBe(wGrad); // added in place
    expect(arr(w.grad)).toEqual([
      [12, 16],
      [16, 20],
    ]);
    expect(arr(b.grad)).toEqual([4, 4]);
    expect(arr(h.grad)).toEqual([
      [2, 0],
      [0, 2],
      [2, 2],
    ]);
    expect(arr(g)).toEqual([
      [1, 0],
      [0, 1],
      [1, 1],
    ]);
  });

  it('linear(w, w) and a weight used twice: two fresh gradients summed into one', () => {
    // y = w w^T summed: dx = 1 w and dW = 1^T x, with x = w: 2 * (column sums of w) in every row
    const w = f64([
      [1, 2],
      [3, 4],
    ]);
    linear(w, w).sum().backward();
    expect(arr(w.grad)).toEqual([
      [8, 12],
      [8, 12],
    ]);
    // tied weights: the same as composing the product from matmul and transpose
    const x = f64(
      [
        [1, -1],
        [0.5, 2],
      ],
      false,
    );
    const a = f64([
      [0.5, 1],
      [-2, 3],
    ]);
    const ref = f64([
      [0.5, 1],
      [-2, 3],
    ]);
    linear(linear(x, a), a).sum().backward();
    x.matmul(ref.T).matmul(ref.T).sum().backward();
    expect(arr(a.grad)).toEqual(arr(ref.grad));
  });

  it('autograd.grad hands out distinct tensors and leaves .grad alone', () => {
    const x = f64([[1, 2]], false);
    const w = f64([[3, 4]]);
    const loss = linear(x, w).sum();
    const [g1, g2] = torch.autograd.grad(loss, [w, w]);
    expect(arr(g1)).toEqual([[1, 2]]);
    expect(arr(g2)).toEqual([[1, 2]]);
    expect(g1!.data).not.toBe(g2!.data);
    expect(w.grad).toBeNull();
  });

  it('a backward failing after a weight gradient exists changes no .grad', () => {
    const bad = defineOp({
      name: 'Bad',
      forward(_ctx, t: Tensor) {
        return t.mul(2);
      },
      backward(_ctx, g) {
        return [g.sum()];
      },
    });
    const x0 = f64([[1, 2]]);
    const w = f64([[3, 4]]);
    w.grad = f64([[1, 1]], false);
    // LinearBackward (w's gradient) runs first, then Bad, upstream of it, fails
    expect(() => linear(bad(x0), w).sum().backward()).toThrow(/BadBackward/);
    expect(copyOf(w.grad!)).toEqual([1, 1]);
    expect(x0.grad).toBeNull();
  });
});

describe('in-place changes to saved tensors', () => {
  it('are detected at backward, naming the op', () => {
    const x = f64([1, 2]);
    const y = x.exp(); // ExpBackward saves its output
    const loss = y.sum();
    torch.noGrad(() => y.mul_(2));
    expect(() => loss.backward()).toThrow(/ExpBackward0: one of the tensors needed for gradient computation has been modified by an in-place operation/);
  });

  it('through a view that shares the version counter', () => {
    const x = f64([1, 2]);
    const a = x.mul(1);
    const v = a.reshape([2, 1]);
    const loss = v.mul(v).sum(); // MulBackward saves v
    torch.noGrad(() => a.add_(1));
    expect(() => loss.backward()).toThrow(/MulBackward0.*modified by an in-place operation \(shape \[2, 1\], version 1, expected version 0\)/);
  });

  it('of an input saved by a binary op, even one of another dtype', () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const w = torch.tensor([3, 4], { dtype: 'float64' });
    const loss = x.mul(w).sum();
    w.add_(1);
    expect(() => loss.backward()).toThrow(/MulBackward0.*in-place/);
  });

  it('and are refused outright on tensors in a graph while recording', () => {
    const x = f64([1, 2]);
    const y = x.mul(2);
    expect(() => y.add_(1)).toThrow(/in-place operations on tensors recorded in an autograd graph/);
  });
});

describe('edge-case gradients (PyTorch conventions)', () => {
  const grad1 = (fn: (t: Tensor) => Tensor, data: number[]): number[] => {
    const x = f64(data);
    fn(x).sum().backward();
    return Array.from(x.grad!.data);
  };

  it("relu'(0) = 0, abs'(0) = 0", () => {
    expect(grad1((t) => t.relu(), [-1, 0, 2])).toEqual([0, 0, 1]);
    expect(grad1((t) => t.abs(), [-1, 0, 2])).toEqual([-1, 0, 1]);
  });

  it('clamp passes the gradient at its bounds, inclusive', () => {
    expect(grad1((t) => t.clamp(-1, 1), [-2, -1, 0, 1, 2])).toEqual([0, 1, 1, 1, 0]);
    expect(grad1((t) => t.clamp(0), [-1, 0, 1])).toEqual([0, 1, 1]);
    expect(grad1((t) => t.clamp(null, 0), [-1, 0, 1])).toEqual([1, 1, 0]);
    expect(grad1((t) => t.clamp(1, -1), [-2, 0, 2])).toEqual([0, 0, 0]); // min > max: constant
  });

  it('max of all elements shares the gradient evenly among ties; max over a dim picks the first', () => {
    expect(grad1((t) => t.max(), [1, 3, 3, -2])).toEqual([0, 0.5, 0.5, 0]);
    expect(grad1((t) => t.min(), [1, 1, 1, 5])).toEqual([1 / 3, 1 / 3, 1 / 3, 0]);
    const x = f64([
      [2, 5, 5],
      [7, 7, 0],
    ]);
    const [values, indices] = x.max(1);
    expect(indices.toArray()).toEqual([1, 0]);
    values.sum().backward();
    expect(arr(x.grad)).toEqual([
      [0, 1, 0],
      [1, 0, 0],
    ]);
    const y = f64([
      [2, 2],
      [1, 1],
    ]);
    torch.min(y, 0)[0].sum().backward();
    expect(arr(y.grad)).toEqual([
      [0, 0],
      [1, 1],
    ]);
  });

  it('pow with exponent 0 has gradient 0, even at x = 0; 0 ** b by a tensor too', () => {
    expect(grad1((t) => t.pow(0), [0, 2, -3])).toEqual([0, 0, 0]);
    const a = f64([0, 0, 2]);
    const b = f64([0, 2, 1]);
    a.pow(b).sum().backward();
    expect(arr(a.grad)).toEqual([0, 0, 1]);
    expect(b.grad!.data[0]).toBe(0);
    expect(b.grad!.data[1]).toBe(0);
    expect(b.grad!.data[2]).toBeCloseTo(2 * Math.log(2), 14);
  });

  it('sigmoid and tanh at +-1000 have finite (zero) gradients', () => {
    expect(grad1((t) => t.sigmoid(), [-1000, 1000])).toEqual([0, 0]);
    expect(grad1((t) => t.tanh(), [-1000, 1000])).toEqual([0, 0]);
  });

  it('softmax and logSoftmax at logits +-1e4 have finite gradients', () => {
    const x = f64([[1e4, -1e4, 0]]);
    x.softmax(1)
      .mul(f64([[1, 2, 3]], false))
      .sum()
      .backward();
    expect(Array.from(x.grad!.data).every(Number.isFinite)).toBe(true);
    const y = f64([[1e4, -1e4, 0]]);
    y.logSoftmax(1)
      .gather(1, torch.tensor([[1]]))
      .sum()
      .backward();
    expect(arr(y.grad)).toEqual([[-1, 1, 0]]); // d log p_1 = onehot - softmax
  });

  it('comparisons and argmax cut the graph', () => {
    const x = f64([1, 2]);
    expect(x.gt(1).requiresGrad).toBe(false);
    expect(x.argmax().requiresGrad).toBe(false);
    expect(x.max(0)[1].requiresGrad).toBe(false);
  });
});

describe('custom ops (autograd.defineOp)', () => {
  // y = x^3 with a hand-written backward: dy/dx = 3 x^2
  const cube = defineOp({
    name: 'Cube',
    forward(ctx, x: Tensor) {
      ctx.saveForBackward(x);
      return x.pow(3);
    },
    backward(ctx, g) {
      const [x] = ctx.savedTensors;
      return [g.mul(x.pow(2)).mul(3)];
    },
  });

  it('computes, records the op and passes gradcheck', () => {
    const x = f64([1, -2, 0.5]);
    const y = cube(x);
    expect(y.toArray()).toEqual([1, -8, 0.125]);
    expect(y.gradFn!.name).toBe('CubeBackward');
    expect(
      gradcheck(cube, [
        f64([
          [0.3, -1.2],
          [2, 0.7],
        ]),
      ]),
    ).toBe(true);
  });

  it('takes non-tensor arguments, keeps state, and reports needsInputGrad per argument', () => {
    const seen: boolean[][] = [];
    // y = a * x + b with a number a
    const affine = defineOp({
      name: 'Affine',
      forward(ctx, a: number, x: Tensor, b: Tensor) {
        ctx.state.a = a;
        seen.push([...ctx.needsInputGrad]);
        return x.mul(a).add(b);
      },
      backward(ctx, g) {
        return [null, g.mul(ctx.state.a as number), g.sum(0)];
      },
    });
    const x = f64([
      [1, 2],
      [3, 4],
    ]);
    const b = f64([0.5, 0.5], false);
    affine(2, x, b).sum().backward();
    expect(arr(x.grad)).toEqual([
      [2, 2],
      [2, 2],
    ]);
    expect(b.grad).toBeNull();
    expect(seen[0]).toEqual([false, true, false]);
    expect(
      gradcheck(
        (xx, bb) => affine(-1.5, xx, bb),
        [
          f64([
            [1, 2],
            [3, 4],
          ]),
          f64([0.5, 1]),
        ],
      ),
    ).toBe(true);
  });

  it('may return one of its inputs unchanged', () => {
    const identity = defineOp({
      name: 'Identity',
      forward(_ctx, x: Tensor) {
        return x;
      },
      backward(_ctx, g) {
        return [g];
      },
    });
    const x = f64([1, 2]);
    const y = identity(x);
    expect(y).not.toBe(x);
    expect(x.gradFn).toBeNull();
    expect(y.gradFn!.name).toBe('IdentityBackward');
    y.mul(3).sum().backward();
    expect(arr(x.grad)).toEqual([3, 3]);
    expect(gradcheck(identity, [f64([0.1, 0.2])])).toBe(true);
  });

  it('an integer result stays outside the graph', () => {
    const argmaxOp = defineOp({
      name: 'Argmax',
      forward(_ctx, x: Tensor) {
        return x.argmax();
      },
      backward() {
        return [null];
      },
    });
    const i = argmaxOp(f64([1, 3, 2]));
    expect(i.dtype).toBe('int32');
    expect(i.requiresGrad).toBe(false);
    expect(i.gradFn).toBeNull();
  });

  it('its saved tensors are checked for in-place changes', () => {
    const x = f64([1, 2]);
    const y = x.mul(1);
    const out = cube(y);
    torch.noGrad(() => y.add_(1));
    expect(() => out.sum().backward()).toThrow(/CubeBackward.*modified by an in-place operation/);
  });
});

describe('a failing backward', () => {
  // forward is x * 2, but backward returns a gradient of the wrong shape
  const bad = defineOp({
    name: 'Bad',
    forward(_ctx, x: Tensor) {
      return x.mul(2);
    },
    backward(_ctx, g) {
      return [g.sum()];
    },
  });

  it('names the op and the shapes', () => {
    const x = f64([1, 2, 3]);
    expect(() => bad(x).sum().backward()).toThrow('BadBackward: backward returned a gradient of shape [] for input 0, which has shape [3]');
  });

  it('leaves every .grad unchanged', () => {
    const x = f64([1, 2, 3]);
    const w = f64([4, 5, 6]);
    x.grad = torch.tensor([0.5, 0.5, 0.5], { dtype: 'float64' });
    const h = x.mul(w);
    h.retainGrad();
    // NOTE: the engine walks this graph so that h's node (which yields x's and w's gradients) runs
    // before the bad node, so the gradients exist when backward fails and must not be written
    const loss = bad(x.mul(1)).sum().add(h.sum());
    expect(() => loss.backward()).toThrow(/BadBackward/);
    expect(arr(x.grad)).toEqual([0.5, 0.5, 0.5]);
    expect(w.grad).toBeNull();
    expect(h.grad).toBeNull();
  });

  it('a custom backward returning too few gradients is named', () => {
    const two = defineOp({
      name: 'Two',
      forward(_ctx, a: Tensor, b: Tensor) {
        return a.add(b);
      },
      backward(_ctx, g) {
        return [g];
      },
    });
    expect(() =>
      two(f64([1]), f64([2]))
        .sum()
        .backward(),
    ).toThrow(/TwoBackward: backward returned 1 gradient\(s\)/);
  });
});

describe('autograd.gradcheck', () => {
  const wrong = defineOp({
    name: 'WrongSquare',
    forward(ctx, x: Tensor) {
      ctx.saveForBackward(x);
      return x.mul(x);
    },
    backward(ctx, g) {
      return [g.mul(ctx.savedTensors[0])]; // should be 2 x g
    },
  });

  it('returns true for a correct gradient', () => {
    expect(gradcheck((x) => x.mul(x), [f64([1, 2])])).toBe(true);
  });

  it('throws naming the input, the index and both values', () => {
    const x = f64([
      [1, 2],
      [3, 4],
    ]);
    expect(() => gradcheck((a, b) => a.add(wrong(b)), [f64([0, 0], false), x])).toThrow(
      /Jacobian mismatch for output 0 with respect to input 1: d output\[0, 0\] \/ d input\[0, 0\] is 1 \(analytic\) but 2\.0+\d* \(numerical\)/,
    );
  });

  it('returns false when raiseException is false', () => {
    expect(gradcheck(wrong, [f64([1, 2])], { raiseException: false })).toBe(false);
  });

  it('honours atol and rtol: |analytic - numeric| <= atol + rtol * |numeric|', () => {
    // analytic x, numeric 2x at x = 1: off by 1, accepted with atol 1, rejected with atol 0.9
    expect(gradcheck(wrong, [f64([1])], { atol: 1.0001, rtol: 0 })).toBe(true);
    expect(gradcheck(wrong, [f64([1])], { atol: 0.9, rtol: 0, raiseException: false })).toBe(false);
    expect(gradcheck(wrong, [f64([1])], { atol: 0, rtol: 0.50001 })).toBe(true);
  });

  it('warns on float32 inputs, as PyTorch does', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      gradcheck((x) => x.mul(2), [torch.tensor([1, 2], { requiresGrad: true })], { eps: 1e-2, atol: 1e-2 });
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0][0])).toMatch(/input #0.*not a double precision.*float32/);
      warn.mockClear();
      gradcheck((x) => x.mul(2), [f64([1, 2])]);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it('needs an input that requires grad', () => {
    expect(() => gradcheck((x) => x.mul(2), [f64([1], false)])).toThrow(/at least one input must require grad/);
  });
});

describe('defineOp checks its definition', () => {
  const forward = (_ctx: unknown, x: Tensor): Tensor => x.mul(2);
  const backward = (_ctx: unknown, g: Tensor): Tensor[] => [g.mul(2)];
  it('unknown keys, PyTorch keys tsgrad leaves out, and missing halves', () => {
    expect(() => torch.autograd.defineOp({ name: 'Twice', forward, backward, setup_context: () => {} } as never)).toThrow(
      "defineOp: setupContext (PyTorch's setup_context) is not supported: tsgrad passes ctx to forward itself",
    );
    expect(() => torch.autograd.defineOp({ name: 'Twice', forward, backwards: backward } as never)).toThrow(
      "defineOp: unknown option 'backwards'; did you mean 'backward'?",
    );
    expect(() => torch.autograd.defineOp({ name: 'Twice', forward } as never)).toThrow('defineOp: backward must be a function, got undefined');
    expect(() => torch.autograd.defineOp({ forward, backward } as never)).toThrow('defineOp: name must be a string, got undefined');
  });
});

describe('a backward that fails part-way changes no .grad', () => {
  const boom = torch.autograd.defineOp({
    name: 'Boom',
    forward: (_ctx, x: Tensor) => x.mul(1),
    backward: () => {
      throw new Error('boom');
    },
  });
  const wrongShape = torch.autograd.defineOp({ name: 'WrongShape', forward: (_ctx, x: Tensor) => x.mul(1), backward: () => [torch.ones([3])] });
  it.each([
    ['a backward that throws', boom, 'boom'],
    ['a backward that returns a wrong shape', wrongShape, 'WrongShapeBackward: backward returned a gradient of shape [3] for input 0, which has shape [2]'],
  ])('%s, after other gradients were computed, with and without createGraph', (_what, op, message) => {
    for (const createGraph of [false, true]) {
      const a = torch.tensor([1, 2], { dtype: 'float32', requiresGrad: true });
      const b = torch.tensor([3, 4], { dtype: 'float32', requiresGrad: true });
      a.grad = torch.tensor([10, 10], { dtype: 'float32' });
      const c = a.mul(2);
      c.retainGrad();
      // a and b get gradients from the first term before Boom's backward runs
      const loss = a
        .mul(b)
        .sum()
        .add(c.sum())
        .add(op(b.mul(a)).sum());
      expect(() => loss.backward(undefined, { createGraph })).toThrow(message);
      expect(a.grad?.toArray()).toEqual([10, 10]);
      expect(b.grad).toBeNull();
      expect(c.grad).toBeNull();
    }
  });
  it('a gradient argument of the wrong kind is found before anything runs', () => {
    const a = torch.tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    const y = a.mul(2);
    expect(() => y.backward([1, 1] as never)).toThrow('backward: gradient must be a Tensor (or a number, for a one-element tensor), got an array of 2');
    expect(a.grad).toBeNull();
    y.backward(torch.ones([2])); // the graph is still there
    expect(a.grad?.toArray()).toEqual([2, 2]);
  });
});
