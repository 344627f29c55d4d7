import * as torch from '../../src/index';
import type { Tensor } from '../../src/index';

// torch.autograd.functional: jacobian, hessian, vjp, jvp, hvp, vhp. Hand-worked values (the formula
// in a comment), the products against the full jacobian / hessian, PyTorch's nesting of results,
// strict mode, createGraph and argument checking. All float64.

const { functional: F, grad } = torch.autograd;
const f64 = (data: torch.NestedArray, requiresGrad = false): Tensor => torch.tensor(data, { dtype: 'float64', requiresGrad });

/** t has `shape` and holds `expected` (nested or flat) to 1e-10. */
function expectTensor(t: unknown, shape: number[], expected: torch.NestedArray): void {
  expect(t).toBeInstanceOf(torch.Tensor);
  const x = t as Tensor;
  expect(x.shape).toEqual(shape);
  const flat = (Array.isArray(expected) ? (expected as unknown[]).flat(Infinity) : [expected]) as number[];
  expect(x.numel()).toBe(flat.length);
  flat.forEach((v, i) => expect(x.data[i]).toBeCloseTo(v, 10));
}

function expectClose(a: Tensor, b: Tensor): void {
  expect(a.shape).toEqual(b.shape);
  for (let i = 0; i < a.numel(); i++) expect(a.data[i]).toBeCloseTo(b.data[i], 10);
}

/** A tensor's values as a plain matrix [rows][cols], for building products by hand. */
function entry(t: Tensor, ...index: number[]): number {
  let flat = 0;
  for (let d = 0; d < t.ndim; d++) flat = flat * t.shape[d] + index[d];
  return t.data[flat];
}

// a [3], b [2] -> (a[0:2] * exp(b) + sum(a*a) [2], sigmoid(a a^T) [3, 3]); the second output does not depend on b
const vec2 = (a: Tensor, b: Tensor): Tensor[] => [
  a.narrow(0, 0, 2).mul(b.exp()).add(a.mul(a).sum()),
  a
    .reshape([3, 1])
    .mul(a.reshape([1, 3]))
    .sigmoid(),
];
// x [3] -> [2, 2]
const M = f64([
  [0.5, -1, 0.2],
  [1.5, 0.3, -0.7],
  [-0.4, 0.8, 1.1],
  [0.9, -0.2, 0.6],
]);
const vecfn = (x: Tensor): Tensor => M.matmul(x).tanh().reshape([2, 2]).mul(x.sum());
// a scalar function of x [3] and y [2, 3] with non-zero mixed second derivatives
const mix2 = (x: Tensor, y: Tensor): Tensor => y.matmul(x).sigmoid().mul(y.sum(1).tanh()).sum().add(x.pow(2).mean()).add(y.mul(x).exp().sum());

describe('jacobian', () => {
  it('of x^2 is diag(2x), a Tensor of shape [...O, ...I] that does not require grad', () => {
    const x = f64([1, 2, 3], true);
    const J = F.jacobian((a) => a.pow(2), x);
    expectTensor(
      J,
      [3, 3],
      [
        [2, 0, 0],
        [0, 4, 0],
        [0, 0, 6],
      ],
    );
    expect(J.requiresGrad).toBe(false);
    expect(x.grad).toBeNull(); // nothing is accumulated into the inputs
  });

  it('of x * y over [x, y] is [diag(y), diag(x)]', () => {
    const J = F.jacobian((x, y) => x.mul(y), [f64([1, 2]), f64([3, 4])]);
    expect(J).toHaveLength(2);
    expectTensor(
      J[0],
      [2, 2],
      [
        [3, 0],
        [0, 4],
      ],
    );
    expectTensor(
      J[1],
      [2, 2],
      [
        [1, 0],
        [0, 2],
      ],
    );
  });

  it('of a [2, 3] -> [2] row sum has shape [2, 2, 3] with J[i, a, b] = (i == a)', () => {
    const J = F.jacobian(
      (x) => x.sum(1),
      f64([
        [1, 2, 3],
        [4, 5, 6],
      ]),
    );
    expectTensor(
      J,
      [2, 2, 3],
      [
        [
          [1, 1, 1],
          [0, 0, 0],
        ],
        [
          [0, 0, 0],
          [1, 1, 1],
        ],
      ],
    );
  });

  it('nests as PyTorch: J[output][input] for array inputs and outputs, zeros where an output ignores an input', () => {
    const a = f64([0.5, -1, 2]);
    const b = f64([0.3, -0.4]);
    const J = F.jacobian(vec2, [a, b]);
    expect(J).toHaveLength(2);
    expect(J[0]).toHaveLength(2);
    expect(J[1]).toHaveLength(2);
    expect(J[0][0].shape).toEqual([2, 3]);
    expect(J[0][1].shape).toEqual([2, 2]);
    expect(J[1][0].shape).toEqual([3, 3, 3]);
    expectTensor(J[1][1], [3, 3, 2], new Array(18).fill(0));
    // o1_i = a_i e^{b_i} + sum(a^2): d o1_i / d a_j = e^{b_i} [i == j] + 2 a_j, d o1_i / d b_k = a_i e^{b_i} [i == k]
    const e = [Math.exp(0.3), Math.exp(-0.4)];
    expectTensor(
      J[0][0],
      [2, 3],
      [
        [e[0] + 1, -2, 4],
        [1, e[1] - 2, 4],
      ],
    );
    expectTensor(
      J[0][1],
      [2, 2],
      [
        [0.5 * e[0], 0],
        [0, -e[1]],
      ],
    );
    // o2_ij = sigmoid(a_i a_j): d o2_ij / d a_k = s'(a_i a_j) (a_j [i == k] + a_i [j == k])
    const s = (z: number): number => 1 / (1 + Math.exp(-z));
    const ds = (z: number): number => s(z) * (1 - s(z));
    const av = [0.5, -1, 2];
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++)
        for (let k = 0; k < 3; k++) {
          const want = ds(av[i] * av[j]) * ((i === k ? av[j] : 0) + (j === k ? av[i] : 0));
          expect(entry(J[1][0], i, j, k)).toBeCloseTo(want, 10);
        }
  });

  it('gives J[output] for one Tensor input and several outputs, J[input] for array inputs and one output', () => {
    const x = f64([1, 2]);
    const perOutput = F.jacobian((a) => [a.pow(2), a.sum()], x);
    expect(perOutput).toHaveLength(2);
    expectTensor(
      perOutput[0],
      [2, 2],
      [
        [2, 0],
        [0, 4],
      ],
    );
    expectTensor(perOutput[1], [2], [1, 1]);
    const perInput = F.jacobian((a) => a.pow(2), [x]);
    expect(perInput).toHaveLength(1);
    expectTensor(
      perInput[0],
      [2, 2],
      [
        [2, 0],
        [0, 4],
      ],
    );
    const both = F.jacobian((a) => [a.pow(2)], [x]);
    expect(both).toHaveLength(1);
    expect(both[0]).toHaveLength(1);
    expectTensor(
      both[0][0],
      [2, 2],
      [
        [2, 0],
        [0, 4],
      ],
    );
  });

  it('is zeros for an output that does not depend on the input, and strict throws, naming output and input', () => {
    const a = f64([0.5, -1, 2]);
    const b = f64([0.3, -0.4]);
    expect(() => F.jacobian(vec2, [a, b], { strict: true })).toThrow(
      /^jacobian: output 1 of fn is independent of input 1\. This is not allowed in strict mode\.$/,
    );
    const constant = (x: Tensor): Tensor => torch.onesLike(x);
    expectTensor(F.jacobian(constant, a), [3, 3], new Array(9).fill(0));
    expect(() => F.jacobian(constant, a, { strict: true })).toThrow(/jacobian: output 0 of fn does not require grad/);
  });

  it('strict with createGraph rejects a jacobian independent of the inputs (a linear fn); without createGraph it is fine', () => {
    const x = f64([1, 2, 3]);
    expectTensor(
      F.jacobian((a) => a.mul(2), x, { strict: true }),
      [3, 3],
      [
        [2, 0, 0],
        [0, 2, 0],
        [0, 0, 2],
      ],
    );
    expect(() => F.jacobian((a) => a.mul(2), x, { strict: true, createGraph: true })).toThrow(
      /jacobian: the jacobian of output 0 of fn with respect to input 0 is independent of the inputs\. This is not allowed in strict mode when createGraph is true\./,
    );
  });

  it('with createGraph requires grad and can be differentiated again with respect to the original input', () => {
    // J = diag(3x^2); d sum(J) / dx = 6x
    const x = f64([1, -2], true);
    const J = F.jacobian((a) => a.pow(3), x, { createGraph: true });
    expect(J.requiresGrad).toBe(true);
    expectTensor(
      J,
      [2, 2],
      [
        [3, 0],
        [0, 12],
      ],
    );
    const [g] = grad(J.sum(), x);
    expectTensor(g, [2], [6, -12]);
  });

  it('with createGraph is differentiable to every order: gradcheck and gradgradcheck of J(x) itself', () => {
    // J(x) of vecfn, [2, 2, 3]: its derivative in x is the third-order tensor of vecfn, checked by finite differences
    const x = f64([0.4, -0.3, 0.9], true);
    const J = (a: Tensor): Tensor => F.jacobian(vecfn, a, { createGraph: true });
    expect(torch.autograd.gradcheck(J, [x])).toBe(true);
    expect(torch.autograd.gradgradcheck(J, [x])).toBe(true);
    const H = (a: Tensor, b: Tensor): Tensor[][] => F.hessian(mix2, [a, b], { createGraph: true });
    expect(
      torch.autograd.gradcheck(
        (a, b) => H(a, b).flat(),
        [
          f64([0.3, -0.8, 1.1], true),
          f64(
            [
              [0.2, -0.5, 0.7],
              [1.2, 0.4, -0.3],
            ],
            true,
          ),
        ],
      ),
    ).toBe(true);
  });

  it('differentiates with respect to the copies it passes to fn, not to tensors fn captures (PyTorch issue 32576)', () => {
    // fn(a) = a * x with the original x captured: only a counts, J = diag(x)
    const x = f64([2, 3], true);
    expectTensor(
      F.jacobian((a) => a.mul(x), x),
      [2, 2],
      [
        [2, 0],
        [0, 3],
      ],
    );
  });

  it('works under noGrad', () => {
    const J = torch.noGrad(() => F.jacobian((a) => a.pow(2), f64([3])));
    expectTensor(J, [1, 1], [[6]]);
  });
});

describe('hessian', () => {
  it('of sum(x^3) is diag(6x)', () => {
    const H = F.hessian((x) => x.pow(3).sum(), f64([1, -2, 0.5]));
    expectTensor(
      H,
      [3, 3],
      [
        [6, 0, 0],
        [0, -12, 0],
        [0, 0, 3],
      ],
    );
    expect(H.requiresGrad).toBe(false);
  });

  it('of a [2, 2] input has shape [2, 2, 2, 2]: sum(x^3) gives H[i, j, i, j] = 6 x_ij', () => {
    const H = F.hessian(
      (x) => x.pow(3).sum(),
      f64([
        [1, 2],
        [3, 4],
      ]),
    );
    expect(H.shape).toEqual([2, 2, 2, 2]);
    expect(entry(H, 1, 0, 1, 0)).toBeCloseTo(18, 10);
    expect(entry(H, 1, 0, 0, 1)).toBe(0);
    expect(Array.from(H.data).reduce((s, v) => s + v, 0)).toBeCloseTo(60, 10);
  });

  it('of sum(x^2 y) over [x, y] is H[i][j]: [[diag(2y), diag(2x)], [diag(2x), 0]]', () => {
    const H = F.hessian((x, y) => x.pow(2).mul(y).sum(), [f64([1, 2]), f64([3, 4])]);
    expect(H).toHaveLength(2);
    expectTensor(
      H[0][0],
      [2, 2],
      [
        [6, 0],
        [0, 8],
      ],
    );
    expectTensor(
      H[0][1],
      [2, 2],
      [
        [2, 0],
        [0, 4],
      ],
    );
    expectTensor(
      H[1][0],
      [2, 2],
      [
        [2, 0],
        [0, 4],
      ],
    );
    expectTensor(
      H[1][1],
      [2, 2],
      [
        [0, 0],
        [0, 0],
      ],
    );
  });

  it('of inputs given as an array of one is [[H]], and a one-element output of any shape is accepted', () => {
    const H = F.hessian((x) => x.pow(3).sum().reshape([1, 1]), [f64([1, 2])]);
    expect(H).toHaveLength(1);
    expect(H[0]).toHaveLength(1);
    expectTensor(
      H[0][0],
      [2, 2],
      [
        [6, 0],
        [0, 12],
      ],
    );
  });

  it('is symmetric and matches the jacobian of the gradient', () => {
    const x = f64([0.3, -0.8, 1.1]);
    const y = f64([
      [0.2, -0.5, 0.7],
      [1.2, 0.4, -0.3],
    ]);
    const H = F.hessian(mix2, [x, y]);
    expect(H[0][1].shape).toEqual([3, 2, 3]);
    expect(H[1][0].shape).toEqual([2, 3, 3]);
    for (let i = 0; i < 3; i++)
      for (let a = 0; a < 2; a++) for (let b = 0; b < 3; b++) expect(entry(H[0][1], i, a, b)).toBeCloseTo(entry(H[1][0], a, b, i), 10);
    // the jacobian of the gradient with respect to x, by jacobian of a grad(createGraph) function
    const gradX = (a: Tensor, b: Tensor): Tensor => grad(mix2(a, b), [a], { createGraph: true })[0]!;
    const J = F.jacobian(gradX, [x, y]);
    expectClose(H[0][0], J[0]);
    expectClose(H[0][1], J[1]);
  });

  it('with createGraph can be differentiated a third time: d sum(H * W) / dx = 6 diag(W) for sum(x^3)', () => {
    const x = f64([1, 2], true);
    const H = F.hessian((a) => a.pow(3).sum(), x, { createGraph: true });
    expect(H.requiresGrad).toBe(true);
    const [g] = grad(
      H.mul(
        f64([
          [1, 2],
          [3, 4],
        ]),
      ).sum(),
      x,
    );
    expectTensor(g, [2], [6, 24]);
  });

  it('strict rejects a linear function and a zero block, which are zeros otherwise', () => {
    const x = f64([1, 2]);
    expectTensor(
      F.hessian((a) => a.mul(2).sum(), x),
      [2, 2],
      [
        [0, 0],
        [0, 0],
      ],
    );
    expect(() => F.hessian((a) => a.mul(2).sum(), x, { strict: true })).toThrow(
      /^hessian: while computing the hessian, found that the gradient of fn with respect to input 0 is independent of the inputs/,
    );
    // sum(x^3) + sum(y^3): d grad_x / dy = 0
    const separable = (a: Tensor, b: Tensor): Tensor => a.pow(3).sum().add(b.pow(3).sum());
    expectTensor(F.hessian(separable, [x, f64([3])])[0][1], [2, 1], [[0], [0]]);
    expect(() => F.hessian(separable, [x, f64([3])], { strict: true })).toThrow(/hessian: the gradient with respect to input 0 is independent of input 1/);
  });

  it('needs fn to return one Tensor with one element', () => {
    const x = f64([1, 2, 3]);
    expect(() => F.hessian((a) => a.pow(2), x)).toThrow(/^hessian: fn must return a Tensor with a single element, got one of shape \[3\]$/);
    expect(() => F.hessian(((a: Tensor) => [a.sum()]) as never, x)).toThrow(
      /hessian: fn must return a single Tensor with one element, got an array of 1 Tensor\(s\)/,
    );
  });
});

describe('vjp', () => {
  it('of x^2 with v is [x^2, 2 x v]', () => {
    const [y, g] = F.vjp((a) => a.pow(2), f64([1, 2, 3]), f64([1, 0.5, -1]));
    expectTensor(y, [3], [1, 4, 9]);
    expectTensor(g, [3], [2, 2, -6]);
    expect(y.requiresGrad).toBe(false);
    expect(g.requiresGrad).toBe(false);
  });

  it('may leave v out for a one-element output (v = 1): the gradient 3x^2 of sum(x^3)', () => {
    const [y, g] = F.vjp((a) => a.pow(3).sum(), f64([1, 2]));
    expectTensor(y, [], 9);
    expectTensor(g, [2], [3, 12]);
  });

  it('equals v^T J', () => {
    const x = f64([0.4, -0.3, 0.9]);
    const v = f64([
      [0.5, -1],
      [2, 0.25],
    ]);
    const J = F.jacobian(vecfn, x); // [2, 2, 3]
    const [, g] = F.vjp(vecfn, x, v);
    const want = [0, 1, 2].map((k) => {
      let s = 0;
      for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) s += entry(v, i, j) * entry(J, i, j, k);
      return s;
    });
    expectTensor(g, [3], want);
  });

  it('nests as PyTorch for array inputs and outputs: [outputs[], vjp[]], zeros for an unused input', () => {
    const a = f64([0.5, -1, 2]);
    const b = f64([0.3, -0.4]);
    const v1 = f64([1, -2]);
    const v2 = f64([
      [0.1, 0.2, 0.3],
      [0.4, 0.5, 0.6],
      [0.7, 0.8, 0.9],
    ]);
    const [outs, g] = F.vjp(vec2, [a, b], [v1, v2]);
    expect(outs).toHaveLength(2);
    expect(g).toHaveLength(2);
    const J = F.jacobian(vec2, [a, b]);
    for (let k = 0; k < 2; k++) {
      const n = [a, b][k].numel();
      const want = new Array(n).fill(0);
      for (let m = 0; m < n; m++) {
        for (let i = 0; i < 2; i++) want[m] += v1.data[i] * entry(J[0][k], i, m);
        for (let i = 0; i < 9; i++) want[m] += v2.data[i] * J[1][k].data[i * n + m];
      }
      expectTensor(g[k], [n], want);
    }
    // exp(a) ignores b: its vjp is zeros, or an Error with strict
    const [, unused] = F.vjp((p, _q) => p.exp(), [a, b], f64([1, 1, 1]));
    expectTensor(unused[1], [2], [0, 0]);
    expect(() => F.vjp((p, _q) => p.exp(), [a, b], f64([1, 1, 1]), { strict: true })).toThrow(
      /^vjp: the output of fn is independent of input 1\. This is not allowed in strict mode\.$/,
    );
  });

  it('with createGraph returns outputs and products that require grad, differentiable with respect to x and v', () => {
    // vjp = 2 x v: d sum(2xv) / dx = 2v, / dv = 2x
    const x = f64([1, 2], true);
    const v = f64([3, -1], true);
    const [y, g] = F.vjp((a) => a.pow(2), x, v, { createGraph: true });
    expect(y.requiresGrad).toBe(true);
    expect(g.requiresGrad).toBe(true);
    const [gx, gv] = grad(g.sum(), [x, v]);
    expectTensor(gx, [2], [6, -2]);
    expectTensor(gv, [2], [2, 4]);
  });

  it('checks v', () => {
    const x = f64([1, 2]);
    expect(() => F.vjp((a) => a.pow(2), x)).toThrow(
      /^vjp: v can be left out only when fn returns a single Tensor with a single element; fn returned a Tensor of shape \[2\], so pass v shaped like it$/,
    );
    expect(() => F.vjp((a) => a.pow(2), x, f64([1, 2, 3]))).toThrow(/^vjp: v has shape \[3\], but the output has shape \[2\]; v must have the same shape$/);
    expect(() => F.vjp((a) => [a, a.sum()], x, [f64([1, 1])])).toThrow(/^vjp: v has 1 entries but there are 2 outputs; v must have one Tensor per output$/);
    expect(() => F.vjp((a) => [a, a.sum()], x, [f64([1, 1]), f64([1, 1])])).toThrow(/^vjp: v\[1\] has shape \[2\], but output 1 has shape \[\]/);
    expect(() => F.vjp((a) => a.pow(2), x, [f64([1, 1]), f64([1, 1])])).toThrow(
      /vjp: v must be a single Tensor \(there is a single output\), got an array of 2/,
    );
    expect(() => F.vjp((a) => a.pow(2), x, { createGraph: true } as never)).toThrow(
      /vjp: v must be a Tensor or an array of Tensors, got an object \(to pass options without v, pass undefined for v/,
    );
  });
});

describe('jvp', () => {
  it('of x^2 with v is [x^2, 2 x v]', () => {
    const [y, t] = F.jvp((a) => a.pow(2), f64([1, 2, 3]), f64([1, 0.5, -1]));
    expectTensor(y, [3], [1, 4, 9]);
    expectTensor(t, [3], [2, 2, -6]);
    expect(t.requiresGrad).toBe(false);
  });

  it('equals J v, shaped like the output', () => {
    const x = f64([0.4, -0.3, 0.9]);
    const u = f64([1, -0.5, 2]);
    const J = F.jacobian(vecfn, x); // [2, 2, 3]
    const [, t] = F.jvp(vecfn, x, u);
    const want: number[] = [];
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 2; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += entry(J, i, j, k) * u.data[k];
        want.push(s);
      }
    expectTensor(t, [2, 2], want);
  });

  it('nests as PyTorch for array inputs and outputs: [outputs[], jvp[]], each jvp shaped like its output', () => {
    const a = f64([0.5, -1, 2]);
    const b = f64([0.3, -0.4]);
    const u = [f64([1, 2, -1]), f64([0.5, -2])];
    const [outs, t] = F.jvp(vec2, [a, b], u);
    expect(outs).toHaveLength(2);
    expect(t).toHaveLength(2);
    const J = F.jacobian(vec2, [a, b]);
    for (let i = 0; i < 2; i++) {
      const m = outs[i].numel();
      const want = new Array(m).fill(0);
      for (let k = 0; k < 2; k++) {
        const n = u[k].numel();
        for (let p = 0; p < m; p++) for (let q = 0; q < n; q++) want[p] += J[i][k].data[p * n + q] * u[k].data[q];
      }
      expectTensor(t[i], [...outs[i].shape], want);
    }
  });

  it('may leave v out for one one-element input (v = 1): d x^3 / dx = 3x^2', () => {
    const [y, t] = F.jvp((a) => a.pow(3), f64([0.7]));
    expectTensor(y, [1], [0.343]);
    expectTensor(t, [1], [3 * 0.49]);
    expect(() => F.jvp((a) => a.pow(3), f64([1, 2, 3]))).toThrow(
      /^jvp: v can be left out only when inputs is a single Tensor with a single element; inputs is a Tensor of shape \[3\], so pass v shaped like it$/,
    );
  });

  it('is zeros for an output independent of the inputs; strict throws for an unused input', () => {
    const a = f64([1, 2]);
    const [, t] = F.jvp((p) => [p.exp(), torch.onesLike(p)], a, f64([1, 1]));
    expectTensor(t[0], [2], [Math.E, Math.exp(2)]);
    expectTensor(t[1], [2], [0, 0]);
    expect(() => F.jvp((p, _q) => p.exp(), [a, f64([3])], [f64([1, 1]), f64([1])], { strict: true })).toThrow(
      /^jvp: the output of fn is independent of input 1\. This is not allowed in strict mode\.$/,
    );
  });

  it('with createGraph can be differentiated with respect to x: d sum(3x^2 v) / dx = 6xv', () => {
    const x = f64([1, -2], true);
    const [y, t] = F.jvp((a) => a.pow(3), x, f64([1, 0.5]), { createGraph: true });
    expect(y.requiresGrad).toBe(true);
    expect(t.requiresGrad).toBe(true);
    expectTensor(t, [2], [3, 6]);
    const [g] = grad(t.sum(), x);
    expectTensor(g, [2], [6, -6]);
  });
});

describe('hvp and vhp', () => {
  const cubeSum = (a: Tensor): Tensor => a.pow(3).sum();

  it('of sum(x^3) are diag(6x) v', () => {
    const x = f64([1, 2, -1]);
    const v = f64([1, -1, 2]);
    const [y, hv] = F.hvp(cubeSum, x, v);
    expectTensor(y, [], 8);
    expectTensor(hv, [3], [6, -12, -12]);
    const [y2, vh] = F.vhp(cubeSum, x, v);
    expectTensor(y2, [], 8);
    expectTensor(vh, [3], [6, -12, -12]);
    expect(hv.requiresGrad || vh.requiresGrad || y.requiresGrad).toBe(false);
  });

  it('equal H v and v^T H for two inputs (and each other, H being symmetric)', () => {
    const x = f64([0.3, -0.8, 1.1]);
    const y = f64([
      [0.2, -0.5, 0.7],
      [1.2, 0.4, -0.3],
    ]);
    const v = [
      f64([0.5, 1, -1]),
      f64([
        [1, 0, -2],
        [0.3, 0.6, 0.9],
      ]),
    ];
    const H = F.hessian(mix2, [x, y]);
    const sizes = [3, 6];
    const want = sizes.map((n, i) => {
      const out = new Array(n).fill(0);
      for (let p = 0; p < n; p++) for (let j = 0; j < 2; j++) for (let q = 0; q < sizes[j]; q++) out[p] += H[i][j].data[p * sizes[j] + q] * v[j].data[q];
      return out;
    });
    const [out, hv] = F.hvp(mix2, [x, y], v);
    expectClose(out, mix2(x, y));
    expect(hv).toHaveLength(2);
    expectTensor(hv[0], [3], want[0]);
    expectTensor(hv[1], [2, 3], want[1]);
    const [, vh] = F.vhp(mix2, [x, y], v);
    expectClose(vh[0], hv[0]);
    expectClose(vh[1], hv[1]);
  });

  it('may leave v out for one one-element input (v = 1): 6x', () => {
    expectTensor(F.hvp(cubeSum, f64([-1.3]))[1], [1], [-7.8]);
    expectTensor(F.vhp(cubeSum, f64([-1.3]))[1], [1], [-7.8]);
    expect(() => F.hvp(cubeSum, f64([1, 2]))).toThrow(/^hvp: v can be left out only when inputs is a single Tensor with a single element/);
    expect(() => F.vhp(cubeSum, [f64([1]), f64([2])])).toThrow(
      /^vhp: v can be left out only when inputs is a single Tensor with a single element; inputs is an array of 2 Tensors/,
    );
  });

  it('need fn to return one Tensor with one element', () => {
    const x = f64([1, 2, 3]);
    expect(() => F.hvp((a) => a.pow(2), x, x)).toThrow(/^hvp: fn must return a Tensor with a single element, got one of shape \[3\]$/);
    expect(() => F.vhp(((a: Tensor) => [a.sum()]) as never, x, x)).toThrow(
      /^vhp: fn must return a single Tensor with one element, got an array of 1 Tensor\(s\)$/,
    );
    expect(() => F.hvp(cubeSum, x, f64([1, 2]))).toThrow(/^hvp: v has shape \[2\], but the input has shape \[3\]; v must have the same shape$/);
  });

  it('are zeros for a linear function, and strict throws', () => {
    const x = f64([1, 2]);
    expectTensor(F.hvp((a) => a.mul(2).sum(), x, x)[1], [2], [0, 0]);
    expectTensor(F.vhp((a) => a.mul(2).sum(), x, x)[1], [2], [0, 0]);
    expect(() => F.hvp((a) => a.mul(2).sum(), x, x, { strict: true })).toThrow(
      /^hvp: while computing the hessian, found that the gradient of fn with respect to input 0 is independent/,
    );
    expect(() => F.vhp((a) => a.mul(2).sum(), x, x, { strict: true })).toThrow(/^vhp: while computing the hessian/);
  });

  it('with createGraph can be differentiated again: d sum(6 x v) / dx = 6v', () => {
    const x = f64([1, 2], true);
    const v = f64([0.5, -1]);
    for (const product of [F.hvp, F.vhp]) {
      const [y, p] = product(cubeSum, x, v, { createGraph: true });
      expect(y.requiresGrad).toBe(true);
      expect(p.requiresGrad).toBe(true);
      const [g] = grad(p.sum(), x);
      expectTensor(g, [2], [3, -6]);
    }
  });
});

describe('argument checking', () => {
  const x = f64([1, 2]);
  const square = (a: Tensor): Tensor => a.pow(2);

  it('rejects unknown options and options of the wrong type', () => {
    expect(() => F.jacobian(square, x, { create_graph: true } as never)).toThrow(/^jacobian: unknown option 'create_graph'; did you mean 'createGraph'\?/);
    expect(() => F.hessian(square, x, { vectorize: true } as never)).toThrow(/^hessian: unknown option 'vectorize'/);
    expect(() => F.vjp(square, x, x, { strict: 1 } as never)).toThrow(/^vjp: option 'strict' must be a boolean, got the number 1$/);
    expect(() => F.jvp(square, x, x, { fwMode: true } as never)).toThrow(/^jvp: unknown option 'fwMode'/);
  });

  it('rejects inputs that are not Tensors, empty, or not floating point', () => {
    expect(() => F.jacobian(square, 3 as never)).toThrow(/^jacobian: inputs must be a Tensor or an array of Tensors, got the number 3$/);
    expect(() => F.jacobian(square, [x, 'y'] as never)).toThrow(/^jacobian: inputs\[1\] must be a Tensor, got a string$/);
    expect(() => F.jacobian(square, [])).toThrow(/^jacobian: inputs is an empty array/);
    expect(() => F.hvp(square, torch.tensor([1, 2]), torch.tensor([1, 2]))).toThrow(
      /^hvp: inputs has dtype int32; only floating point inputs can be differentiated/,
    );
  });

  it('rejects fn that is not a function or does not return Tensors', () => {
    expect(() => F.jacobian(undefined as never, x)).toThrow(/^jacobian: fn must be a function of Tensors, got undefined$/);
    expect(() => F.jacobian((() => 1) as never, x)).toThrow(/^jacobian: fn must return a Tensor or an array of Tensors, got the number 1$/);
    expect(() => F.vjp(((a: Tensor) => [a, null]) as never, x, [x, x])).toThrow(/^vjp: fn returned an array whose entry 1 is not a Tensor \(got null\)$/);
  });

  it('leaves the given inputs and v alone', () => {
    const a = f64([1, 2], true);
    const v = f64([1, 1]);
    F.hvp((p) => p.pow(3).sum(), a, v);
    F.jvp((p) => p.pow(3), a, v);
    expect(a.toArray()).toEqual([1, 2]);
    expect(v.toArray()).toEqual([1, 1]);
    expect(a.grad).toBeNull();
    expect(a.isLeaf).toBe(true);
  });
});
