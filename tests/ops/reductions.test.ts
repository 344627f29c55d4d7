import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../../src/index';
import type { DType, Tensor } from '../../src/index';
import { Tensor as TensorClass } from '../../src/tensor';
import {
  aminmax,
  amax,
  amin,
  all,
  any,
  countNonzero,
  logsumexp,
  nanmean,
  nansum,
  norm,
  std,
  stdMean,
  var as variance,
  varMean,
  type VarOptions,
} from '../../src/ops/reduce';
import { cummax, cummin, cumprod, cumsum, prod } from '../../src/ops/scan';
import { argsort, bucketize, kthvalue, median, mode, searchsorted, sort, topk, unique, uniqueConsecutive } from '../../src/ops/sort';
import { pyValue, typedArray } from '../helpers';

const { grad, gradcheck, gradgradcheck } = torch.autograd;

// ---- golden values, gradients and grad_fn names from PyTorch (tests/golden/gen_reductions.py) ----

interface TensorSpec {
  shape: number[];
  dtype: DType;
  data: (number | string)[];
  requiresGrad: boolean;
}
type InputSpec = TensorSpec | { number: number };
interface Output {
  shape: number[];
  dtype: DType;
  data: (number | string)[];
  gradFn: string | null;
}
interface GoldenCase {
  name: string;
  op: string;
  args: Record<string, unknown>;
  inputs: InputSpec[];
  outputs: Output[];
  gradOutputs: (number | string)[][] | null;
  grads: ({ dtype: DType; data: (number | string)[] } | null)[];
  checkIndices: boolean;
  unordered: boolean;
}
interface Rejection {
  name: string;
  op: string;
  args: Record<string, unknown>;
  inputs: InputSpec[];
  torchError: string;
}
const golden = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'golden', 'reductions.json'), 'utf8')) as {
  torch: string;
  cases: GoldenCase[];
  rejections: Rejection[];
};

type Arg = Tensor | number;
type Args = Record<string, unknown>;
const t = (x: Arg): Tensor => x as Tensor;
const dims = (a: Args): number | number[] | null | undefined => a.dim as number | number[] | null | undefined;
const bool = (a: Args, key: string, fallback: boolean): boolean => (a[key] === undefined ? fallback : (a[key] as boolean));
const dtypeOf = (a: Args): { dtype?: DType } | undefined => (a.dtype === undefined || a.dtype === null ? undefined : { dtype: a.dtype as DType });
const p = (a: Args): number | 'fro' => (a.p === undefined ? 'fro' : typeof a.p === 'string' && a.p !== 'fro' ? pyValue(a.p) : (a.p as number | 'fro'));

/** var and its kin: PyTorch's older positional form (x, dim, unbiased, keepdim) or the options form. */
function moment(fn: typeof variance | typeof varMean, [x]: Arg[], a: Args): Tensor | Tensor[] {
  if (a.legacy) return a.dim === undefined ? fn(t(x), a.unbiased as boolean) : fn(t(x), dims(a), a.unbiased as boolean, bool(a, 'keepdim', false));
  const options: VarOptions = { keepdim: bool(a, 'keepdim', false) };
  if (a.correction !== undefined) options.correction = a.correction as number;
  if (a.unbiased !== undefined) options.unbiased = a.unbiased as boolean;
  return fn(t(x), dims(a), options);
}

/** The tsgrad call for every op name the generator uses, with the same arguments. */
const OPS: Record<string, (inputs: Arg[], a: Args) => Tensor | Tensor[]> = {
  prod: ([x], a) => prod(t(x), a.dim as number | undefined, bool(a, 'keepdim', false), dtypeOf(a)),
  cumsum: ([x], a) => cumsum(t(x), a.dim as number, dtypeOf(a)),
  cumprod: ([x], a) => cumprod(t(x), a.dim as number, dtypeOf(a)),
  cummax: ([x], a) => cummax(t(x), a.dim as number),
  cummin: ([x], a) => cummin(t(x), a.dim as number),
  logsumexp: ([x], a) => logsumexp(t(x), a.dim as number | number[], bool(a, 'keepdim', false)),
  var: (xs, a) => moment(variance, xs, a),
  std: (xs, a) => moment(std, xs, a),
  varMean: (xs, a) => moment(varMean, xs, a),
  stdMean: (xs, a) => moment(stdMean, xs, a),
  norm: ([x], a) => norm(t(x), p(a), dims(a), bool(a, 'keepdim', false), dtypeOf(a) as { dtype?: 'float64' }),
  any: ([x], a) => any(t(x), dims(a), bool(a, 'keepdim', false)),
  all: ([x], a) => all(t(x), dims(a), bool(a, 'keepdim', false)),
  countNonzero: ([x], a) => countNonzero(t(x), dims(a)),
  median: ([x], a) => (a.dim === undefined ? median(t(x)) : median(t(x), a.dim as number, bool(a, 'keepdim', false))),
  mode: ([x], a) => mode(t(x), a.dim as number | undefined, bool(a, 'keepdim', false)),
  amax: ([x], a) => amax(t(x), dims(a), bool(a, 'keepdim', false)),
  amin: ([x], a) => amin(t(x), dims(a), bool(a, 'keepdim', false)),
  aminmax: ([x], a) => aminmax(t(x), { dim: a.dim as number | undefined, keepdim: bool(a, 'keepdim', false) }),
  nansum: ([x], a) => nansum(t(x), dims(a), bool(a, 'keepdim', false), dtypeOf(a)),
  nanmean: ([x], a) => nanmean(t(x), dims(a), bool(a, 'keepdim', false), dtypeOf(a) as { dtype?: 'float64' }),
  sort: ([x], a) => sort(t(x), a.dim as number | undefined, bool(a, 'descending', false), a.stable === undefined ? undefined : { stable: a.stable as boolean }),
  argsort: ([x], a) =>
    argsort(t(x), a.dim as number | undefined, bool(a, 'descending', false), a.stable === undefined ? undefined : { stable: a.stable as boolean }),
  topk: ([x], a) => topk(t(x), a.k as number, a.dim as number | undefined, bool(a, 'largest', true), bool(a, 'sorted', true)),
  kthvalue: ([x], a) => kthvalue(t(x), a.k as number, a.dim as number | undefined, bool(a, 'keepdim', false)),
  unique: ([x], a) => unique(t(x), bool(a, 'sorted', true), bool(a, 'returnInverse', false), bool(a, 'returnCounts', false), a.dim as number | undefined),
  uniqueConsecutive: ([x], a) => uniqueConsecutive(t(x), bool(a, 'returnInverse', false), bool(a, 'returnCounts', false), a.dim as number | undefined),
  searchsorted: ([s, v, sorter], a) =>
    searchsorted(t(s), v, {
      right: a.right as boolean | undefined,
      side: a.side as 'left' | 'right' | undefined,
      sorter: sorter === undefined ? undefined : t(sorter),
      outInt32: a.outInt32 as boolean | undefined,
    }),
  bucketize: ([v, b], a) => bucketize(v, t(b), { right: a.right as boolean | undefined, outInt32: a.outInt32 as boolean | undefined }),
};

function build(spec: InputSpec): Arg {
  if ('number' in spec) return spec.number;
  const data = typedArray(spec.dtype, spec.data.map(pyValue));
  return new TensorClass(data, spec.shape, spec.dtype).requiresGrad_(spec.requiresGrad);
}

/** Elements within atol + rtol * |expected| (float64 to ~1e-10, float32 to ~1e-6); NaN matches NaN, infinities match exactly. */
function expectClose(actual: ArrayLike<number>, expected: number[], dtype: DType, what: string): void {
  const rtol = dtype === 'float32' ? 2e-6 : 1e-10;
  const atol = dtype === 'float32' ? 1e-6 : 1e-12;
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const ok = Number.isNaN(e) ? Number.isNaN(a) : Number.isFinite(e) ? Math.abs(a - e) <= atol + rtol * Math.abs(e) : a === e;
    if (!ok) throw new Error(`${what}: element ${i} is ${a}, PyTorch gives ${e}`);
  }
}

function expectData(actual: ArrayLike<number>, expected: number[], dtype: DType, what: string): void {
  if (dtype === 'float32' || dtype === 'float64') expectClose(actual, expected, dtype, what);
  else expect(Array.from(actual)).toEqual(expected);
}

/** The dim a [values, indices] op picked along, as the generator's arguments give it. */
function pickedDim(c: GoldenCase): number {
  return (c.args.dim as number | undefined) ?? -1;
}

/** values[j] is x at indices[j] along dim: the check for ties, where PyTorch leaves the pick unspecified. */
function expectPicked(x: Tensor, values: Tensor, indices: Tensor, dim: number): void {
  const d = dim < 0 ? dim + x.ndim : dim;
  const keptIndex = indices.ndim === x.ndim ? indices : indices.unsqueeze(d);
  const taken = x.detach().gather(d, keptIndex);
  expect(Array.from(taken.data).map((v) => (Number.isNaN(v) ? 'NaN' : v))).toEqual(Array.from(values.data).map((v) => (Number.isNaN(v) ? 'NaN' : v)));
}

describe(`golden values, gradients and grad_fn names from PyTorch ${golden.torch}`, () => {
  it('covers every op the generator names, with cases for all of them', () => {
    const used = new Set([...golden.cases.map((c) => c.op), ...golden.rejections.map((r) => r.op)]);
    expect([...used].filter((op) => !(op in OPS))).toEqual([]);
    expect(Object.keys(OPS).filter((op) => !golden.cases.some((c) => c.op === op))).toEqual([]);
    expect(golden.cases.length).toBeGreaterThan(300);
  });

  it.each(golden.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const inputs = c.inputs.map(build);
    const result = OPS[c.op](inputs, c.args);
    const outs = Array.isArray(result) ? result : [result];
    expect(outs.length).toBe(c.outputs.length);
    outs.forEach((out, i) => {
      const want = c.outputs[i];
      expect([...out.shape]).toEqual(want.shape);
      expect(out.dtype).toBe(want.dtype);
      expect(out.gradFn?.name ?? null).toBe(want.gradFn);
      expect(out.requiresGrad).toBe(want.gradFn !== null);
    });
    const expected = c.outputs.map((o) => o.data.map(pyValue));
    if (c.unordered) {
      // (value, index) pairs compared in index order
      const pairs = (values: ArrayLike<number>, indices: ArrayLike<number>): number[][] =>
        Array.from(indices, (index, j) => [index, values[j]]).sort((a, b) => a[0] - b[0]);
      expect(pairs(outs[0].data, outs[1].data)).toEqual(pairs(expected[0], expected[1]));
    } else {
      outs.forEach((out, i) => {
        if (!c.checkIndices && i === 1) return;
        expectData(out.data, expected[i], out.dtype, `output ${i}`);
      });
      if (!c.checkIndices) expectPicked(inputs[0] as Tensor, outs[0], outs[1], pickedDim(c));
    }
    if (c.gradOutputs === null) return;
    const diff = outs.filter((o) => o.requiresGrad);
    const wrt = inputs.filter((x): x is Tensor => typeof x !== 'number' && x.requiresGrad);
    const gs = grad(diff, wrt, {
      gradOutputs: diff.map((o, i) => torch.tensor(c.gradOutputs![i].map(pyValue), { dtype: o.dtype }).reshape([...o.shape])),
      allowUnused: true,
    });
    c.grads.forEach((want, i) => {
      const input = inputs[i];
      if (typeof input === 'number' || !input.requiresGrad) {
        expect(want).toBeNull();
        return;
      }
      const g = gs[wrt.indexOf(input)];
      if (want === null) {
        expect(g).toBeNull();
        return;
      }
      expect(g).not.toBeNull();
      expect(g!.dtype).toBe(want.dtype);
      expectClose(g!.data, want.data.map(pyValue), want.dtype, `grad of input ${i}`);
    });
  });

  it.each(golden.rejections.map((r) => [r.name, r] as const))('rejects, as PyTorch: %s', (_name, r) => {
    const inputs = r.inputs.map(build);
    const before = inputs.map((x) => (typeof x === 'number' ? x : Array.from(x.data)));
    expect(() => OPS[r.op](inputs, r.args)).toThrow(Error);
    inputs.forEach((x, i) => expect(typeof x === 'number' ? x : Array.from(x.data)).toEqual(before[i]));
  });
});

// ---- gradients: finite differences (float64), first and second order, and the storage backward ----

let seed = 11;
function gen(): torch.Generator {
  return new torch.Generator(seed++);
}
/** A float64 leaf that requires grad: standard normal, or |values| in [0.5, 1.5) with random signs when `positive`. */
function rnd(shape: number[], positive = false): Tensor {
  let x = torch.randn(shape, { dtype: 'float64', generator: gen() });
  if (positive) x = x.sign().mul(torch.rand(shape, { dtype: 'float64', generator: gen() }).add(0.5));
  return x.detach().requiresGrad_();
}
const f64 = (data: number[], shape: number[]): Tensor => torch.tensor(data, { dtype: 'float64' }).reshape(shape).detach().requiresGrad_();

type Fn = (x: Tensor) => Tensor | Tensor[];
interface Case {
  name: string;
  fn: Fn;
  input: () => Tensor;
}

const over = (name: string, make: (d: number) => Fn, input: () => Tensor, dimsToCheck = [0, 1, 2, -1]): Case[] =>
  dimsToCheck.map((d) => ({ name: `${name} dim ${d}`, fn: make(d), input }));

const cases: Case[] = [
  { name: 'prod all', fn: (x) => prod(x), input: () => rnd([2, 3], true) },
  ...over(
    'prod',
    (d) => (x) => prod(x, d),
    () => rnd([2, 3, 2], true),
  ),
  { name: 'prod keepdim', fn: (x) => prod(x, 1, true), input: () => rnd([2, 3], true) },
  { name: 'prod one zero', fn: (x) => prod(x, 1), input: () => f64([1.5, 0, -2, 0.5, 3, 2], [2, 3]) },
  { name: 'prod two zeros', fn: (x) => prod(x, 0), input: () => f64([0, 1.5, 0, 2, -2, 0.5], [3, 2]) },
  { name: 'prod all with one zero', fn: (x) => prod(x), input: () => f64([1.5, 0, -2, 0.5], [2, 2]) },
  ...over(
    'cumsum',
    (d) => (x) => cumsum(x, d),
    () => rnd([2, 3, 2]),
  ),
  ...over(
    'cumprod',
    (d) => (x) => cumprod(x, d),
    () => rnd([2, 3, 2], true),
  ),
  { name: 'cumprod one zero', fn: (x) => cumprod(x, 1), input: () => f64([2, 0, 3, -1.5, 0.5, 1.5, 2, 0], [2, 4]) },
  { name: 'cumprod two zeros', fn: (x) => cumprod(x, 0), input: () => f64([2, 0, 3, 0, 0.5, 1.5], [3, 2]) },
  ...over(
    'cummax',
    (d) => (x) => cummax(x, d)[0],
    () => rnd([2, 3, 2]),
  ),
  ...over(
    'cummin',
    (d) => (x) => cummin(x, d)[0],
    () => rnd([2, 3, 2]),
  ),
  ...over(
    'logsumexp',
    (d) => (x) => logsumexp(x, d),
    () => rnd([2, 3, 2]),
  ),
  { name: 'logsumexp dims [0, 2] keepdim', fn: (x) => logsumexp(x, [0, 2], true), input: () => rnd([2, 3, 2]) },
  { name: 'var all', fn: (x) => variance(x), input: () => rnd([2, 3]) },
  ...over(
    'var',
    (d) => (x) => variance(x, d),
    () => rnd([2, 3, 2]),
  ),
  { name: 'var dims [0, 2] correction 0 keepdim', fn: (x) => variance(x, [0, 2], { correction: 0, keepdim: true }), input: () => rnd([2, 3, 2]) },
  { name: 'std all', fn: (x) => std(x), input: () => rnd([2, 3]) },
  ...over(
    'std',
    (d) => (x) => std(x, d),
    () => rnd([2, 3, 2]),
  ),
  { name: 'std unbiased false', fn: (x) => std(x, 1, false, true), input: () => rnd([2, 3]) },
  ...over(
    'varMean',
    (d) => (x) => varMean(x, d),
    () => rnd([2, 3, 2]),
  ),
  ...over(
    'stdMean',
    (d) => (x) => stdMean(x, d, { correction: 0 }),
    () => rnd([2, 3, 2]),
  ),
  ...[2, 1, 3, 0.5, 1.5, -1, Infinity, -Infinity].flatMap((order) => [
    { name: `norm p=${order} all`, fn: (x: Tensor) => norm(x, order), input: () => rnd([2, 3], true) },
    ...over(
      `norm p=${order}`,
      (d) => (x) => norm(x, order, d),
      () => rnd([2, 3, 2], true),
    ),
  ]),
  { name: 'norm fro dims [0, 2] keepdim', fn: (x) => norm(x, 'fro', [0, 2], true), input: () => rnd([2, 3, 2]) },
  { name: 'norm p=0', fn: (x) => norm(x, 0, 1), input: () => rnd([2, 3], true) },
  { name: 'amax all', fn: (x) => amax(x), input: () => rnd([2, 3]) },
  ...over(
    'amax',
    (d) => (x) => amax(x, d),
    () => rnd([2, 3, 2]),
  ),
  ...over(
    'amin',
    (d) => (x) => amin(x, d, true),
    () => rnd([2, 3, 2]),
  ),
  { name: 'amin dims [0, 2]', fn: (x) => amin(x, [0, 2]), input: () => rnd([2, 3, 2]) },
  { name: 'aminmax all', fn: (x) => aminmax(x), input: () => rnd([2, 3]) },
  ...over(
    'aminmax',
    (d) => (x) => aminmax(x, { dim: d }),
    () => rnd([2, 3, 2]),
  ),
  { name: 'nansum all', fn: (x) => nansum(x), input: () => rnd([2, 3]) },
  ...over(
    'nansum',
    (d) => (x) => nansum(x, d),
    () => rnd([2, 3, 2]),
  ),
  { name: 'nansum with NaN', fn: (x) => nansum(x, 1), input: () => f64([1, NaN, 2, -1], [2, 2]) },
  ...over(
    'nanmean',
    (d) => (x) => nanmean(x, d),
    () => rnd([2, 3, 2]),
  ),
  { name: 'nanmean with NaN', fn: (x) => nanmean(x, 0), input: () => f64([1, NaN, 2, -1], [2, 2]) },
];

/** NaN-free inputs for the finite-difference checks (which cannot step a NaN). */
const smooth = cases.filter((c) => !c.name.includes('NaN'));

describe('gradcheck (float64 finite differences) of every differentiable op over each dim', () => {
  it.each(smooth.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(gradcheck(c.fn, [c.input()])).toBe(true);
  });
});

describe('gradgradcheck: backwards made of ops differentiate again', () => {
  // (p = 1 and p = +-inf norms, sort, max-like ops: first derivatives piecewise constant in x, so the
  // second derivatives are 0 away from ties, and finite differences agree)
  it.each(smooth.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(gradgradcheck(c.fn, [c.input()])).toBe(true);
  });
});

describe('the storage backward (fastBackward) agrees with the one made of ops', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const x = c.input();
    const result = c.fn(x);
    const outs = (Array.isArray(result) ? result : [result]).filter((o) => o.requiresGrad);
    const v = outs.map((o) => torch.randn([...o.shape], { dtype: 'float64', generator: gen() }));
    const [fast] = grad(outs, [x], { gradOutputs: v, retainGraph: true, allowUnused: true });
    const [graph] = grad(outs, [x], { gradOutputs: v, createGraph: true, allowUnused: true });
    expect(graph === null).toBe(fast === null);
    if (fast === null || graph === null) return; // norm p = 0: no gradient, as in PyTorch
    expect(graph.shape).toEqual(fast.shape);
    for (let j = 0; j < fast.numel(); j++) {
      if (Number.isNaN(fast.data[j])) expect(graph.data[j]).toBeNaN();
      else expect(graph.data[j]).toBeCloseTo(fast.data[j], 10);
    }
  });
});

// ---- hand-worked cases and argument checks (each checked against PyTorch 2.13 by hand) ----

describe('hand-worked values', () => {
  it('prod and its gradient at a zero: the product of the others', () => {
    // d/dx prod([2, 0, 3]) = [0 * 3, 2 * 3, 2 * 0] = [0, 6, 0]
    const x = f64([2, 0, 3], [3]);
    const y = prod(x);
    expect(y.item()).toBe(0);
    y.backward();
    expect(Array.from(x.grad!.data)).toEqual([0, 6, 0]);
  });

  it('cumprod through two zeros gives the exact gradient', () => {
    // y = [2, 0, 0, 0] for x = [2, 0, 3, 0]; d(sum y)/dx = [1, 2 + 2*3 + 0, 0, 0] = [1, 8, 0, 0]
    const x = f64([2, 0, 3, 0], [4]);
    cumprod(x, 0).sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([1, 8, 0, 0]);
  });

  it('var of [1, 2, 4]: mean 7/3, squared deviations 14/3, divided by N - correction', () => {
    const x = torch.tensor([1, 2, 4], { dtype: 'float64' });
    expect(variance(x).item()).toBeCloseTo(7 / 3, 14);
    expect(variance(x, null, { correction: 0 }).item()).toBeCloseTo(14 / 9, 14);
    expect(variance(x, false).item()).toBeCloseTo(14 / 9, 14);
    const s = std(x, 0, true, true);
    expect(s.shape).toEqual([1]);
    expect(s.item()).toBeCloseTo(Math.sqrt(7 / 3), 14);
  });

  it('logsumexp of logits +-1000 stays finite', () => {
    // log(e^1000 + e^999) = 1000 + log(1 + e^-1)
    const y = logsumexp(torch.tensor([1000, 999], { dtype: 'float64' }), 0);
    expect(y.item()).toBeCloseTo(1000 + Math.log1p(Math.exp(-1)), 10);
  });

  it('amax shares the gradient among ties, max() too', () => {
    const x = f64([1, 3, 3], [3]);
    amax(x).backward();
    expect(Array.from(x.grad!.data)).toEqual([0, 0.5, 0.5]);
  });

  it('any, all and countNonzero count NaN as nonzero; all of nothing is true', () => {
    const x = torch.tensor([0, NaN], { dtype: 'float32' });
    expect(any(x).item()).toBe(1);
    expect(all(x).item()).toBe(0);
    expect(countNonzero(x).item()).toBe(1);
    expect(all(torch.zeros([0])).toArray()).toBe(true);
    expect(any(torch.zeros([0])).dtype).toBe('bool');
  });
});

describe('integer results never wrap', () => {
  it('prod, cumsum and cumprod of int32 are exact, or an Error beyond int32', () => {
    // PyTorch's int64: torch.tensor([2**20, 2**20]).prod() == 2**40
    const big = torch.tensor([2 ** 20, 2 ** 20], { dtype: 'int32' });
    expect(() => prod(big)).toThrow('prod: the result 1099511627776 does not fit int32');
    expect(() => cumprod(big, 0)).toThrow('cumprod: the result 1099511627776 does not fit int32');
    expect(() => cumsum(torch.tensor([2 ** 30, 2 ** 30], { dtype: 'int32' }), 0)).toThrow('cumsum: the result 2147483648 does not fit int32');
    expect(() => nansum(torch.tensor([2 ** 30, 2 ** 30], { dtype: 'int32' }))).toThrow('nansum: the result 2147483648 does not fit int32');
    expect(prod(big, null, false, { dtype: 'float64' }).item()).toBe(2 ** 40);
  });
});

describe('arguments are checked, and errors name them', () => {
  const x = torch.tensor([[1, 2, 4]], { dtype: 'float64' });

  it('var and its kin: both call forms, not mixed', () => {
    expect(() => variance(x, 1, { correction: 1, unbiased: true })).toThrow('var: give correction or unbiased, not both');
    expect(() => variance(x, true, { correction: 1 })).toThrow('var: after unbiased given in place of dim (var(x, true)), no other argument is allowed');
    expect(() => std(x, 1, { keepdim: true }, true)).toThrow('std: keepdim goes in the options object when one is given');
    expect(() => varMean(x, 1, { correction: '1' as unknown as number })).toThrow('varMean: correction must be a number, got string "1"');
    expect(() => stdMean(x, 1, { ddof: 1 } as VarOptions)).toThrow("stdMean: unknown option 'ddof'");
    expect(() => variance(torch.tensor([1, 2]))).toThrow('var: input dtype must be a floating point dtype, got int32');
    expect(() => variance(x, 1, false, 'no' as unknown as boolean)).toThrow('var: keepdim must be true or false, got string "no"');
  });

  it('prod takes one dim and keepdim only with it', () => {
    expect(() => prod(x, [0, 1] as unknown as number)).toThrow('prod: dim must be one dimension (a whole number) or null, got an array of 2');
    expect(() => prod(x, null, true)).toThrow('prod: keepdim needs a dim');
    expect(() => prod(x, 0, false, { dtype: 'int64' as 'int32' })).toThrow("prod: unknown dtype 'int64'");
  });

  it('cumulative ops need a whole-number dim', () => {
    expect(() => cumsum(x, undefined as unknown as number)).toThrow('cumsum: dim must be a whole number, got undefined');
    expect(() => cummax(x, 0.5)).toThrow('cummax: dim must be a whole number, got 0.5');
    expect(() => cumprod(x, 1, { dtyp: 'float64' } as object)).toThrow("cumprod: unknown option 'dtyp'; did you mean 'dtype'?");
  });

  it('norm: p, dims and dtype', () => {
    expect(() => norm(x, 'nuc')).toThrow("norm: p 'nuc' (the nuclear norm) is not supported");
    expect(() => norm(x, 'max' as 'fro')).toThrow("norm: p must be a number, 'fro' or 'nuc', got string \"max\"");
    expect(() => norm(x, 2, 1, false, { dtype: 'float32' })).toThrow(
      'norm: the dtype of the input (float64) must convert to options.dtype (float32) without narrowing',
    );
    expect(() => norm(torch.tensor([1, 2]))).toThrow('norm: input must be a floating point tensor, got int32');
  });

  it('logsumexp needs a dim; amax and aminmax name theirs', () => {
    expect(() => logsumexp(x, undefined as unknown as number)).toThrow('logsumexp: dim is required');
    expect(() => logsumexp(x, [])).toThrow('logsumexp: dim is required (a dimension or a non-empty list of them), got an array of 0');
    expect(() => amax(x, 'a' as unknown as number)).toThrow('amax: dim must be a whole number, a list of them, or null, got string "a"');
    expect(() => amax(torch.zeros([0, 3]))).toThrow('amax: cannot reduce dim 0 (of size 0) of the tensor of shape [0, 3] (no identity for amax)');
    expect(() => aminmax(x, { dim: 0.5 })).toThrow('aminmax: dim must be a whole number, got 0.5');
    expect(() => aminmax(x, { axis: 0 } as object)).toThrow("aminmax: unknown option 'axis'");
  });

  it('nanmean and any/all/countNonzero', () => {
    expect(() => nanmean(torch.tensor([1, 2]))).toThrow('nanmean: input dtype must be a floating point dtype, got int32');
    expect(() => any(x, 0, 1 as unknown as boolean)).toThrow('any: keepdim must be true or false, got 1');
    expect(() => all('x' as unknown as Tensor)).toThrow('all: input must be a Tensor, got string "x"');
    expect(() => countNonzero(x, [0, 0])).toThrow('countNonzero: dim [0,0] names a dimension twice');
  });
});
