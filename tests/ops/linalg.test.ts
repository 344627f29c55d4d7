import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../../src/index';
import type { DType, Tensor } from '../../src/index';
import { einsum } from '../../src/ops/einsum';
import * as linalg from '../../src/ops/linalg';
import * as M from '../../src/ops/matmul';

const { gradcheck, gradgradcheck } = torch.autograd;

// The products, einsum, cross, cdist and the norms against real PyTorch 2.13 (tests/golden/gen_shape_linalg.py
// writes the values, the gradients of sum_i (out_i * seed_i).sum(), the printed grad_fn names and the
// rejected calls), then finite-difference checks of first and second derivatives over their options.

interface Spec {
  shape: number[];
  dtype: DType;
  data: (number | string)[];
  requiresGrad: boolean;
}
interface Golden {
  name: string;
  op: string;
  args: Record<string, unknown>;
  inputs: Spec[];
  outputs: { shape: number[]; dtype: DType; data: (number | string)[]; gradFn: string | null; isInput: boolean }[];
  seeds: ((number | string)[] | null)[];
  grads: ({ dtype: DType; data: (number | string)[] } | null)[];
}
interface GoldenError {
  name: string;
  op: string;
  args: Record<string, unknown>;
  inputs: Spec[];
  where: string;
  torch: string;
}
const golden = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'golden', 'shape-linalg.json'), 'utf8')) as {
  torch: string;
  cases: Golden[];
  errors: GoldenError[];
};

const py = (v: unknown): unknown => (v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v === 'nan' ? NaN : v);
type Args = Record<string, unknown>;
const n = (a: Args, k: string): number | undefined => py(a[k]) as number | undefined;

type Ord = number | 'fro' | 'nuc';
const OPS: Record<string, (xs: Tensor[], a: Args) => Tensor | Tensor[]> = {
  mm: ([a, b]) => M.mm(a, b),
  bmm: ([a, b]) => M.bmm(a, b),
  mv: ([a, b]) => M.mv(a, b),
  dot: ([a, b]) => M.dot(a, b),
  outer: ([a, b]) => M.outer(a, b),
  inner: ([a, b]) => M.inner(a, b),
  addmm: ([i, a, b], o) => M.addmm(i, a, b, { beta: n(o, 'beta'), alpha: n(o, 'alpha') }),
  addmv: ([i, a, b], o) => M.addmv(i, a, b, { beta: n(o, 'beta'), alpha: n(o, 'alpha') }),
  baddbmm: ([i, a, b], o) => M.baddbmm(i, a, b, { beta: n(o, 'beta'), alpha: n(o, 'alpha') }),
  einsum: (xs, a) => einsum(a.equation as string, ...xs),
  tensordot: ([x, y], a) => M.tensordot(x, y, a.dims as number | [number[], number[]] | undefined),
  kron: ([a, b]) => M.kron(a, b),
  cross: ([a, b], o) => M.cross(a, b, n(o, 'dim') ?? null),
  linalgCross: ([a, b], o) => linalg.cross(a, b, n(o, 'dim')),
  cdist: ([a, b], o) => M.cdist(a, b, n(o, 'p'), o.mode as M.CdistComputeMode | undefined),
  vectorNorm: ([x], a) =>
    linalg.vectorNorm(x, n(a, 'ord'), (a.dim as number | number[] | undefined) ?? null, a.keepdim as boolean | undefined, {
      dtype: a.dtype as 'float64' | undefined,
    }),
  matrixNorm: ([x], a) =>
    linalg.matrixNorm(x, py(a.ord) as Ord | undefined, a.dim as [number, number] | undefined, a.keepdim as boolean | undefined, {
      dtype: a.dtype as 'float64' | undefined,
    }),
  norm: ([x], a) => linalg.norm(x, (py(a.ord) as Ord | undefined) ?? null, (a.dim as number | number[] | undefined) ?? null, a.keepdim as boolean | undefined),
};

function build(spec: Spec): Tensor {
  const t = torch
    .tensor(
      spec.data.map((v) => py(v) as number),
      { dtype: spec.dtype },
    )
    .reshape(spec.shape);
  return spec.requiresGrad ? t.detach().requiresGrad_() : t;
}

function expectClose(actual: Tensor, expected: (number | string)[], dtype: DType, what: string): void {
  const rtol = dtype === 'float32' ? 2e-6 : 1e-10;
  const atol = dtype === 'float32' ? 1e-6 : 1e-12;
  expect(actual.numel()).toBe(expected.length);
  expected.forEach((raw, i) => {
    const e = py(raw) as number;
    const a = actual.data[i];
    if (Number.isNaN(e) ? !Number.isNaN(a) : !(a === e || Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      throw new Error(`${what}: element ${i} is ${a}, PyTorch gives ${e}`);
    }
  });
}

const mine = golden.cases.filter((c) => c.op in OPS);
const myErrors = golden.errors.filter((c) => c.op in OPS);

describe(`linear algebra against PyTorch ${golden.torch}: values, gradients and grad_fn names`, () => {
  it('covers every linear algebra op', () => {
    const used = new Set(mine.map((c) => c.op));
    expect([...Object.keys(OPS)].filter((op) => !used.has(op))).toEqual([]);
    expect(mine.length).toBeGreaterThan(120);
  });

  it.each(mine.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const inputs = c.inputs.map(build);
    const result = OPS[c.op](inputs, c.args);
    const outs = Array.isArray(result) ? result : [result];
    expect(outs.length).toBe(c.outputs.length);
    outs.forEach((out, i) => {
      const want = c.outputs[i];
      expect([...out.shape]).toEqual(want.shape);
      expect(out.dtype).toBe(want.dtype);
      expect(out.gradFn?.name ?? null).toBe(want.gradFn);
      if (want.isInput) expect(inputs).toContain(out);
      if (want.dtype === 'float32' || want.dtype === 'float64') expectClose(out, want.data, want.dtype, `output ${i}`);
      else expect(Array.from(out.data)).toEqual(want.data);
    });
    const seeded = outs.flatMap((out, i) => (c.seeds[i] ? [torch.mul(out, build({ ...c.outputs[i], data: c.seeds[i]!, requiresGrad: false })).sum()] : []));
    if (seeded.length === 0) return;
    seeded.reduce((acc, t) => acc.add(t)).backward();
    c.grads.forEach((want, i) => {
      if (want === null) return expect(inputs[i].grad).toBeNull();
      expect(inputs[i].grad!.dtype).toBe(want.dtype);
      expectClose(inputs[i].grad!, want.data, want.dtype, `grad of input ${i}`);
    });
  });
});

describe('shape ops reject what PyTorch rejects, with an Error naming the op', () => {
  it.each(myErrors.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const inputs = c.inputs.map(build);
    let caught: unknown = null;
    try {
      OPS[c.op](inputs, c.args);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(Error);
    expect((caught as Error).constructor).toBe(Error);
    expect((caught as Error).message.startsWith(`${c.where}: `)).toBe(true);
  });
});

// ---- finite differences ----

let seed = 101;
function rnd(...shape: number[]): Tensor {
  return torch.randn(shape, { dtype: 'float64', generator: new torch.Generator(seed++) }).requiresGrad_();
}
/** Normal values pushed at least 0.3 from 0 (away from the kinks of |x|). */
function away(...shape: number[]): Tensor {
  const x = torch.randn(shape, { dtype: 'float64', generator: new torch.Generator(seed++) });
  return torch.where(x.ge(0), x.add(0.3), x.sub(0.3)).detach().requiresGrad_();
}
type Fn = (...xs: Tensor[]) => Tensor | Tensor[];
const C = (name: string, fn: Fn, inputs: () => Tensor[]): [string, Fn, () => Tensor[]] => [name, fn, inputs];

// every differentiable op here, over its options; all of them have backwards made of ops
const CASES: [string, Fn, () => Tensor[]][] = [
  C(
    'mm',
    (a, b) => M.mm(a, b),
    () => [rnd(2, 3), rnd(3, 2)],
  ),
  C(
    'bmm',
    (a, b) => M.bmm(a, b),
    () => [rnd(2, 2, 3), rnd(2, 3, 2)],
  ),
  C(
    'mv',
    (a, b) => M.mv(a, b),
    () => [rnd(2, 3), rnd(3)],
  ),
  C(
    'dot',
    (a, b) => M.dot(a, b),
    () => [rnd(4), rnd(4)],
  ),
  C(
    'outer',
    (a, b) => M.outer(a, b),
    () => [rnd(2), rnd(3)],
  ),
  C(
    'inner 3-d with 2-d',
    (a, b) => M.inner(a, b),
    () => [rnd(2, 1, 3), rnd(2, 3)],
  ),
  C(
    'inner 0-d',
    (a, b) => M.inner(a, b),
    () => [rnd(), rnd(2)],
  ),
  C(
    'addmm',
    (i, a, b) => M.addmm(i, a, b),
    () => [rnd(2, 2), rnd(2, 3), rnd(3, 2)],
  ),
  C(
    'addmm broadcast input, beta, alpha',
    (i, a, b) => M.addmm(i, a, b, { beta: -0.5, alpha: 2 }),
    () => [rnd(2), rnd(3, 2), rnd(2, 2)],
  ),
  C(
    'addmm beta 0',
    (i, a, b) => M.addmm(i, a, b, { beta: 0 }),
    () => [rnd(1), rnd(2, 2), rnd(2, 2)],
  ),
  C(
    'addmv',
    (i, a, b) => M.addmv(i, a, b, { beta: 3, alpha: -1 }),
    () => [rnd(2), rnd(2, 3), rnd(3)],
  ),
  C(
    'baddbmm',
    (i, a, b) => M.baddbmm(i, a, b, { alpha: 0.5 }),
    () => [rnd(2, 1), rnd(2, 2, 3), rnd(2, 3, 1)],
  ),
  ...['ij,jk->ik', 'ii->i', 'ij->', 'i,j->ij', 'bij,bjk->bik', '...ij,...jk', 'ij,jk,kl->il', 'iij->ji', 'bn,anm,bm->ba'].map((eq) =>
    C(
      `einsum ${eq}`,
      (...xs) => einsum(eq, ...xs),
      () => {
        const shapes: Record<string, number[][]> = {
          'ij,jk->ik': [
            [2, 3],
            [3, 2],
          ],
          'ii->i': [[3, 3]],
          'ij->': [[2, 3]],
          'i,j->ij': [[2], [3]],
          'bij,bjk->bik': [
            [2, 2, 3],
            [2, 3, 2],
          ],
          '...ij,...jk': [
            [2, 2, 3],
            [3, 2],
          ],
          'ij,jk,kl->il': [
            [2, 2],
            [2, 3],
            [3, 2],
          ],
          'iij->ji': [[2, 2, 3]],
          'bn,anm,bm->ba': [
            [2, 2],
            [2, 2, 3],
            [2, 3],
          ],
        };
        return shapes[eq].map((s) => rnd(...s));
      },
    ),
  ),
  C(
    'tensordot dims 2',
    (a, b) => M.tensordot(a, b),
    () => [rnd(2, 2, 3), rnd(2, 3, 2)],
  ),
  C(
    'tensordot dim lists with a size-1 dim',
    (a, b) =>
      M.tensordot(a, b, [
        [0, 1],
        [1, 0],
      ]),
    () => [rnd(2, 1, 2), rnd(3, 2)],
  ),
  C(
    'kron',
    (a, b) => M.kron(a, b),
    () => [rnd(2, 2), rnd(3)],
  ),
  C(
    'cross',
    (a, b) => M.cross(a, b, 0),
    () => [rnd(3, 2), rnd(3, 2)],
  ),
  C(
    'linalg.cross broadcast',
    (a, b) => linalg.cross(a, b),
    () => [rnd(2, 1, 3), rnd(1, 2, 3)],
  ),
  ...[1, 2, 3, 1.5, Infinity].map((p) =>
    C(
      `cdist p=${p}`,
      (a, b) => M.cdist(a, b, p),
      () => [away(2, 3), away(3, 3)],
    ),
  ),
  C(
    'cdist p=0 (no gradient flows)',
    (a, b) => M.cdist(a, b, 0),
    () => [away(2, 2), away(2, 2)],
  ),
  C(
    'cdist batched broadcast',
    (a, b) => M.cdist(a, b),
    () => [rnd(2, 1, 2, 2), rnd(2, 3, 2)],
  ),
  C(
    'cdist through mm',
    (a, b) => M.cdist(a, b, 2, 'use_mm_for_euclid_dist'),
    () => [rnd(2, 3), rnd(3, 3)],
  ),
  ...[2, 1, 3, 0.5, 1.5, -1, Infinity, -Infinity].flatMap((ord) => [
    C(
      `vectorNorm ord ${ord}`,
      (x) => linalg.vectorNorm(x, ord),
      () => [away(2, 3)],
    ),
    C(
      `vectorNorm ord ${ord} dims [0, 2] keepdim`,
      (x) => linalg.vectorNorm(x, ord, [0, 2], true),
      () => [away(2, 2, 3)],
    ),
  ]),
  ...(['fro', 1, -1, Infinity, -Infinity] as const).flatMap((ord) => [
    C(
      `matrixNorm ${ord}`,
      (x) => linalg.matrixNorm(x, ord),
      () => [away(3, 2)],
    ),
    C(
      `matrixNorm ${ord} dims [2, 0] keepdim`,
      (x) => linalg.matrixNorm(x, ord, [2, 0], true),
      () => [away(2, 2, 3)],
    ),
  ]),
  C(
    'norm default',
    (x) => linalg.norm(x),
    () => [rnd(2, 3)],
  ),
  C(
    'norm dim',
    (x) => linalg.norm(x, 3, 1),
    () => [away(2, 3)],
  ),
];

describe('gradcheck of every linear algebra op', () => {
  it.each(CASES)('%s', (_name, fn, inputs) => {
    expect(gradcheck(fn, inputs())).toBe(true);
  });
  it.each(['nuc', 2, -2] as const)('matrixNorm %s (singular values by Jacobi)', (ord) => {
    expect(gradcheck((x) => linalg.matrixNorm(x, ord), [rnd(3, 2)])).toBe(true);
    expect(gradcheck((x) => linalg.matrixNorm(x, ord, [0, 2]), [rnd(2, 2, 3)])).toBe(true);
  });
});

describe('gradgradcheck of every linear algebra op', () => {
  it.each(CASES)('%s', (_name, fn, inputs) => {
    expect(gradgradcheck(fn, inputs())).toBe(true);
  });
});

describe('linear algebra at the edges', () => {
  it('the 2, -2 and nuclear norms refuse a second derivative rather than give a wrong one', () => {
    const x = rnd(3, 3);
    const [g] = torch.autograd.grad(linalg.matrixNorm(x, 'nuc'), x);
    expect(g!.shape).toEqual([3, 3]);
    expect(() => torch.autograd.grad(linalg.matrixNorm(x, 2), x, { createGraph: true })).toThrow(
      'matrixNorm: the gradient of the 2, -2 and nuclear norms cannot be differentiated again',
    );
  });

  it('singular values match a known matrix: diag(3, 2) rotated has norms 3 (2), 2 (-2), 5 (nuc)', () => {
    // A = R diag(3, 2) with R a rotation by 30 degrees
    const c = Math.cos(Math.PI / 6);
    const s = Math.sin(Math.PI / 6);
    const A = torch.tensor(
      [
        [3 * c, -2 * s],
        [3 * s, 2 * c],
      ],
      { dtype: 'float64' },
    );
    expect(linalg.matrixNorm(A, 2).item()).toBeCloseTo(3, 12);
    expect(linalg.matrixNorm(A, -2).item()).toBeCloseTo(2, 12);
    expect(linalg.matrixNorm(A, 'nuc').item()).toBeCloseTo(5, 12);
  });

  it('addmm with beta 0 ignores NaN in input and still gives input a zero gradient, as PyTorch', () => {
    const input = torch.tensor([NaN, 1], { dtype: 'float64', requiresGrad: true });
    const y = M.addmm(input, rnd(2, 2), rnd(2, 2), { beta: 0 });
    expect(y.toArray()).not.toContain(NaN);
    y.sum().backward();
    expect(input.grad!.toArray()).toEqual([0, 0]);
  });

  it('vectorNorm ord 0 counts nonzeros and passes no gradient', () => {
    const x = torch.tensor([0, 2, -1, 0], { dtype: 'float64', requiresGrad: true });
    const y = linalg.vectorNorm(x, 0);
    expect(y.item()).toBe(2);
    y.backward();
    expect(x.grad).toBeNull();
  });

  it('einsum takes operands as one array too, and cdist of empty inputs is empty', () => {
    const a = rnd(2, 3);
    const b = rnd(3, 2);
    expect(einsum('ij,jk', [a, b]).toArray()).toEqual(M.mm(a, b).toArray());
    expect(M.cdist(torch.zeros([0, 2], { dtype: 'float64' }), torch.zeros([3, 2], { dtype: 'float64' })).shape).toEqual([0, 3]);
  });

  it('options are checked: unknown keys and wrong types name the argument', () => {
    const a = rnd(2, 2);
    expect(() => M.addmm(a, a, a, { bta: 2 } as never)).toThrow("addmm: unknown option 'bta'; did you mean 'beta'?");
    expect(() => M.addmm(a, a, a, { beta: '2' as unknown as number })).toThrow('addmm: beta must be a number, got string "2"');
    expect(() => linalg.vectorNorm(a, 2, null, false, { dtype: 'int32' as 'float64' })).toThrow("vectorNorm: dtype must be 'float32' or 'float64'");
    expect(() => M.tensordot(a, a, 'x' as unknown as number)).toThrow('tensordot: dims must be a whole number or a pair of dim lists, got string "x"');
    expect(() => einsum(3 as unknown as string, a)).toThrow('einsum: equation must be a string');
  });
});
