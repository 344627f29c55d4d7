import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../../src/index';
import type { DType, Tensor } from '../../src/index';
import * as I from '../../src/ops/indexing';
import { type IndexEntry, Slice } from '../../src/ops/indexing';
import { pyValue } from '../helpers';

const { gradcheck, gradgradcheck, grad } = torch.autograd;

// ---- golden values, gradients, grad_fn names and errors from PyTorch (tests/golden/gen_indexing.py) ----

interface TensorSpec {
  shape: number[];
  dtype: DType;
  data: (number | string)[];
  requiresGrad: boolean;
}
type EntrySpec = number | boolean | string | null | { tensor: TensorSpec } | { list: unknown[] } | { slice: (number | null)[] };
type Args = Record<string, unknown> & { indices?: EntrySpec[] };
interface GoldenCase {
  name: string;
  op: string;
  args: Args;
  inputs: TensorSpec[];
  outputs: { shape: number[]; dtype: DType; data: (number | string)[] }[];
  gradFn: string | null;
  gradGradFn?: string | null;
  version?: number;
  gradOutput: (number | string)[] | null;
  grads: ({ dtype: DType; data: (number | string)[] } | null)[];
}
interface ErrorCase {
  name: string;
  op: string;
  args: Args;
  inputs: TensorSpec[];
  torch: string;
  match: string;
}
const golden = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'golden', 'indexing.json'), 'utf8')) as {
  torch: string;
  cases: GoldenCase[];
  errors: ErrorCase[];
};

function build(spec: TensorSpec): Tensor {
  return torch.tensor(spec.data.map(pyValue), { dtype: spec.dtype }).reshape(spec.shape).detach().requiresGrad_(spec.requiresGrad);
}

function entry(e: EntrySpec): IndexEntry {
  if (e !== null && typeof e === 'object') {
    if ('tensor' in e) return build(e.tensor);
    if ('list' in e) return e.list as IndexEntry;
    const [start, stop, step] = e.slice;
    return new Slice(start, stop, step);
  }
  return e;
}

const ix = (a: Args): IndexEntry[] => a.indices!.map(entry);
const num = (a: Args, key: string): number => a[key] as number;
const value = (a: Args, rest: Tensor[]): Tensor | number | boolean => {
  if (rest.length > 0) return rest[0];
  const v = a.value as number | boolean | string;
  return typeof v === 'string' ? pyValue(v) : v;
};

/** The tsgrad side of every op the generator names. */
const OPS: Record<string, (t: Tensor[], a: Args) => Tensor | Tensor[]> = {
  index: ([x], a) => I.index(x, ix(a)),
  indexPut: ([x, ...v], a) => I.indexPut(x, ix(a), value(a, v), a.accumulate === true),
  indexPut_: ([x, ...v], a) => I.indexPut_(x, ix(a), value(a, v), a.accumulate === true),
  // Python's `x[idx] += 1`: a read, an add, a write
  iadd: ([x], a) => I.indexPut_(x, ix(a), I.index(x, ix(a)).add(num(a, 'value'))),
  select: ([x], a) => I.select(x, num(a, 'dim'), num(a, 'index')),
  slice: ([x], a) => I.slice(x, num(a, 'dim'), (a.start as number) ?? null, (a.end as number) ?? null, (a.step as number) ?? 1),
  take: ([x, i]) => I.take(x, i),
  takeAlongDim: ([x, i], a) => I.takeAlongDim(x, i, (a.dim as number) ?? null),
  indexCopy: ([x, i, s], a) => I.indexCopy(x, num(a, 'dim'), i, s),
  indexCopy_: ([x, i, s], a) => I.indexCopy_(x, num(a, 'dim'), i, s),
  indexFill: ([x, i, ...v], a) => I.indexFill(x, num(a, 'dim'), i, value(a, v)),
  indexFill_: ([x, i, ...v], a) => I.indexFill_(x, num(a, 'dim'), i, value(a, v)),
  scatter: ([x, i, ...s], a) => I.scatter(x, num(a, 'dim'), i, value(a, s), a.reduce === undefined ? undefined : { reduce: a.reduce as 'add' }),
  scatter_: ([x, i, ...s], a) => I.scatter_(x, num(a, 'dim'), i, value(a, s), a.reduce === undefined ? undefined : { reduce: a.reduce as 'add' }),
  scatterReduce: ([x, i, s], a) =>
    I.scatterReduce(
      x,
      num(a, 'dim'),
      i,
      s,
      a.reduce as I.ScatterReduction,
      a.includeSelf === undefined ? undefined : { includeSelf: a.includeSelf as boolean },
    ),
  scatterReduce_: ([x, i, s], a) => I.scatterReduce_(x, num(a, 'dim'), i, s, a.reduce as I.ScatterReduction),
  maskedFill: ([x, m, ...v], a) => I.maskedFill(x, m, value(a, v)),
  maskedFill_: ([x, m, ...v], a) => I.maskedFill_(x, m, value(a, v)),
  maskedSelect: ([x, m]) => I.maskedSelect(x, m),
  maskedScatter: ([x, m, s]) => I.maskedScatter(x, m, s),
  maskedScatter_: ([x, m, s]) => I.maskedScatter_(x, m, s),
  nonzero: ([x], a) => I.nonzero(x, { asTuple: a.asTuple === true }),
  where1: ([x]) => I.where(x),
};

/** Every element within atol + rtol * |expected|; NaN and infinities must match exactly. */
function expectClose(actual: Tensor, expected: (number | string)[], dtype: DType, what: string): void {
  expect(actual.numel()).toBe(expected.length);
  const exact = dtype === 'int32' || dtype === 'bool';
  const rtol = dtype === 'float32' ? 2e-6 : 1e-10;
  const atol = dtype === 'float32' ? 1e-6 : 1e-12;
  expected.forEach((raw, i) => {
    const e = pyValue(raw);
    const a = actual.data[i];
    const ok = exact || !Number.isFinite(e) ? Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e)) : Math.abs(a - e) <= atol + rtol * Math.abs(e);
    if (!ok) throw new Error(`${what}: element ${i} is ${a}, PyTorch gives ${e}`);
  });
}

describe(`golden subscripts and indexing ops from PyTorch ${golden.torch}`, () => {
  it('covers every op the generator names, with many cases', () => {
    for (const c of golden.cases) expect(OPS[c.op]).toBeDefined();
    expect(golden.cases.length).toBeGreaterThan(250);
    expect(golden.errors.length).toBeGreaterThan(50);
  });

  it.each(golden.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const inputs = c.inputs.map(build);
    const before = inputs[0]._version.value;
    const result = OPS[c.op](inputs, c.args);
    const outs = Array.isArray(result) ? result : [result];
    expect(outs.length).toBe(c.outputs.length);
    outs.forEach((out, i) => {
      expect([...out.shape]).toEqual(c.outputs[i].shape);
      expect(out.dtype).toBe(c.outputs[i].dtype);
      expectClose(out, c.outputs[i].data, out.dtype, `output ${i}`);
    });
    const out = outs[0];
    expect(out.gradFn?.name ?? null).toBe(c.gradFn);
    if (c.version !== undefined) {
      expect(out).toBe(inputs[0]);
      expect(inputs[0]._version.value - before).toBe(c.version);
    }
    if (c.gradOutput === null) {
      expect(out.requiresGrad).toBe(false);
      return;
    }
    const g = torch.tensor(c.gradOutput.map(pyValue), { dtype: out.dtype }).reshape(out.shape);
    if (c.gradGradFn !== undefined) {
      const [dx] = grad(out, [inputs[0]], { gradOutputs: g.detach().requiresGrad_(), createGraph: true, retainGraph: true });
      expect(dx!.gradFn?.name ?? null).toBe(c.gradGradFn);
    }
    out.backward(g);
    c.grads.forEach((want, i) => {
      if (want === null) {
        expect(inputs[i].grad).toBeNull();
        return;
      }
      expect(inputs[i].grad).not.toBeNull();
      expect(inputs[i].grad!.dtype).toBe(want.dtype);
      expectClose(inputs[i].grad!, want.data, want.dtype, `grad of input ${i}`);
    });
  });
});

describe(`errors where PyTorch ${golden.torch} raises one`, () => {
  it.each(golden.errors.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const inputs = c.inputs.map(build);
    const snapshot = inputs.map((t) => [Array.from(t.data), t._version.value] as const);
    let message = '';
    expect(() => {
      try {
        OPS[c.op](inputs, c.args);
      } catch (e) {
        message = (e as Error).message;
        throw e;
      }
    }).toThrow(Error);
    expect(message).toContain(c.match);
    // it names the op that failed
    expect(message.split(':')[0]).toBe(c.op === 'where1' ? 'where' : c.op);
    // a failed call changes nothing
    inputs.forEach((t, i) => {
      expect(Array.from(t.data)).toEqual(snapshot[i][0]);
      expect(t._version.value).toBe(snapshot[i][1]);
    });
  });
});

// ---- finite differences: gradcheck and gradgradcheck, float64 ----

let seed = 11;
function rnd(shape: number[]): Tensor {
  return torch.randn(shape, { dtype: 'float64', generator: new torch.Generator(seed++) }).requiresGrad_();
}
/** Distinct values (no ties), for amax/amin. */
function distinct(shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const perm = torch.randperm(n, { generator: new torch.Generator(seed++) });
  return perm.to('float64').mul(0.37).sub(1).reshape(shape).detach().requiresGrad_();
}
function positive(shape: number[]): Tensor {
  return torch
    .rand(shape, { dtype: 'float64', generator: new torch.Generator(seed++) })
    .add(0.5)
    .detach()
    .requiresGrad_();
}
const ints = (values: unknown): Tensor => torch.tensor(values as number[], { dtype: 'int32' });
const bools = (values: unknown): Tensor => torch.tensor(values as boolean[]);

type Fn = (...xs: Tensor[]) => Tensor;
const checks: [string, Fn, () => Tensor[]][] = [
  ['x[0]', (x) => I.index(x, [0]), () => [rnd([3, 4])]],
  ['x[1:3, ::2]', (x) => I.index(x, ['1:3', '::2']), () => [rnd([4, 5])]],
  ['x[..., -1]', (x) => I.index(x, ['...', -1]), () => [rnd([2, 3, 4])]],
  ['x[:, None]', (x) => I.index(x, [':', null]), () => [rnd([3, 2])]],
  ['x[...] (alias)', (x) => I.index(x, ['...']), () => [rnd([2, 3])]],
  ['x[[0, 2, 0]] (repeats)', (x) => I.index(x, [[0, 2, 0]]), () => [rnd([3, 2])]],
  [
    'x[mask]',
    (x) =>
      I.index(x, [
        bools([
          [true, false, true],
          [false, true, true],
        ]),
      ]),
    () => [rnd([2, 3])],
  ],
  ['x[[0, 1], :, [1, 1]]', (x) => I.index(x, [[0, 1], ':', [1, 1]]), () => [rnd([2, 3, 2])]],
  ['x[True]', (x) => I.index(x, [true]), () => [rnd([2])]],
  ['x[0, [1, 1], 1:]', (x) => I.index(x, [0, [1, 1], '1:']), () => [rnd([2, 3, 3])]],
  ['indexPut y[0] = v', (x, v) => I.indexPut(x, [0], v), () => [rnd([3, 4]), rnd([4])]],
  ['indexPut y[:, ::2] = v broadcast', (x, v) => I.indexPut(x, [':', '::2'], v), () => [rnd([3, 4]), rnd([2])]],
  ['indexPut y[mask] = v', (x, v) => I.indexPut(x, [bools([true, false, true])], v), () => [rnd([3, 2]), rnd([2, 2])]],
  ['indexPut y[[0, 0, 1]] += v accumulate', (x, v) => I.indexPut(x, [[0, 0, 1]], v, true), () => [rnd([3, 2]), rnd([3, 2])]],
  [
    'indexPut y[[1, 1], [0, 0]] += 0-d v',
    (x, v) =>
      I.indexPut(
        x,
        [
          [1, 1],
          [0, 0],
        ],
        v,
        true,
      ),
    () => [rnd([3, 2]), rnd([])],
  ],
  ['indexPut y[...] = v', (x, v) => I.indexPut(x, ['...'], v), () => [rnd([3, 2]), rnd([2])]],
  ['select', (x) => I.select(x, 1, -1), () => [rnd([3, 4])]],
  ['slice', (x) => I.slice(x, 1, 1, null, 2), () => [rnd([3, 5])]],
  [
    'take',
    (x) =>
      I.take(
        x,
        ints([
          [0, -1],
          [3, 3],
        ]),
      ),
    () => [rnd([2, 3])],
  ],
  ['takeAlongDim dim', (x) => I.takeAlongDim(x, ints([[2, 0, 2]]), 0), () => [rnd([3, 3])]],
  ['takeAlongDim flat', (x) => I.takeAlongDim(x, ints([5, 0, 5])), () => [rnd([2, 3])]],
  ['indexCopy', (x, s) => I.indexCopy(x, 1, ints([2, 0]), s), () => [rnd([2, 3]), rnd([2, 2])]],
  ['indexFill tensor value', (x, v) => I.indexFill(x, 0, ints([1, 1]), v), () => [rnd([3, 2]), rnd([])]],
  // (repeated positions without accumulate are left out: there PyTorch's gradient, which the golden
  // cases match, gives every repeat the gradient, while only the last write shows in the output)
  [
    'scatter src',
    (x, s) =>
      I.scatter(
        x,
        0,
        ints([
          [0, 2],
          [2, 1],
        ]),
        s,
      ),
    () => [rnd([3, 2]), rnd([2, 2])],
  ],
  ['scatter src larger than index', (x, s) => I.scatter(x, 1, ints([[1], [0]]), s), () => [rnd([2, 3]), rnd([2, 2])]],
  ['scatter value', (x) => I.scatter(x, 1, ints([[1], [0]]), 3), () => [rnd([2, 3])]],
  [
    'scatterReduce sum',
    (x, s) =>
      I.scatterReduce(
        x,
        0,
        ints([
          [0, 2],
          [0, 0],
        ]),
        s,
        'sum',
      ),
    () => [rnd([3, 2]), rnd([2, 2])],
  ],
  [
    'scatterReduce mean includeSelf false',
    (x, s) =>
      I.scatterReduce(
        x,
        0,
        ints([
          [0, 2],
          [0, 0],
        ]),
        s,
        'mean',
        { includeSelf: false },
      ),
    () => [rnd([3, 2]), rnd([2, 2])],
  ],
  [
    'scatterReduce prod',
    (x, s) =>
      I.scatterReduce(
        x,
        0,
        ints([
          [0, 2],
          [0, 0],
        ]),
        s,
        'prod',
      ),
    () => [positive([3, 2]), positive([2, 2])],
  ],
  [
    'scatterReduce prod includeSelf false',
    (x, s) => I.scatterReduce(x, 1, ints([[0, 0, 1]]), s, 'prod', { includeSelf: false }),
    () => [positive([1, 3]), positive([1, 3])],
  ],
  [
    'scatterReduce amax',
    (x, s) =>
      I.scatterReduce(
        x,
        0,
        ints([
          [0, 2],
          [0, 0],
        ]),
        s,
        'amax',
      ),
    () => [distinct([3, 2]), distinct([2, 2])],
  ],
  [
    'scatterReduce amin includeSelf false',
    (x, s) =>
      I.scatterReduce(
        x,
        0,
        ints([
          [0, 2],
          [0, 0],
        ]),
        s,
        'amin',
        { includeSelf: false },
      ),
    () => [distinct([3, 2]), distinct([2, 2])],
  ],
  ['maskedFill tensor value', (x, v) => I.maskedFill(x, bools([true, false, true]), v), () => [rnd([2, 3]), rnd([])]],
  ['maskedFill bigger mask', (x) => I.maskedFill(x, bools([[[true, false]], [[false, false]]]), 1), () => [rnd([3, 2])]],
  ['maskedSelect broadcast', (x) => I.maskedSelect(x, bools([[true], [false], [true]])), () => [rnd([3, 2])]],
  [
    'maskedScatter',
    (x, s) =>
      I.maskedScatter(
        x,
        bools([
          [true, false],
          [true, true],
        ]),
        s,
      ),
    () => [rnd([2, 2]), rnd([5])],
  ],
  // in place: a fresh plain x each call, written with values that require grad
  ['indexPut_ x[:, 1] = v', (v) => I.indexPut_(torch.zeros([2, 3], { dtype: 'float64' }), [':', 1], v), () => [rnd([2])]],
  ['indexPut_ x[[0, 0]] += v accumulate', (v) => I.indexPut_(torch.ones([2, 2], { dtype: 'float64' }), [[0, 0]], v, true), () => [rnd([2, 2])]],
  ['indexCopy_', (s) => I.indexCopy_(torch.ones([3, 2], { dtype: 'float64' }), 0, ints([2, 0]), s), () => [rnd([2, 2])]],
  ['indexFill_', (v) => I.indexFill_(torch.ones([3, 2], { dtype: 'float64' }), 1, ints([1]), v), () => [rnd([])]],
  [
    'scatter_',
    (s) =>
      I.scatter_(
        torch.ones([2, 3], { dtype: 'float64' }),
        1,
        ints([
          [2, 0],
          [1, 2],
        ]),
        s,
      ),
    () => [rnd([2, 2])],
  ],
  [
    'scatterReduce_ mean',
    (s) =>
      I.scatterReduce_(
        torch.ones([2, 3], { dtype: 'float64' }),
        1,
        ints([
          [2, 2],
          [1, 2],
        ]),
        s,
        'mean',
      ),
    () => [rnd([2, 2])],
  ],
  ['maskedFill_', (v) => I.maskedFill_(torch.ones([2, 2], { dtype: 'float64' }), bools([true, false]), v), () => [rnd([])]],
  ['maskedScatter_', (s) => I.maskedScatter_(torch.ones([2, 2], { dtype: 'float64' }), bools([false, true]), s), () => [rnd([3])]],
];

describe('gradcheck and gradgradcheck (float64)', () => {
  it.each(checks)('%s', (_name, fn, inputs) => {
    expect(gradcheck(fn, inputs())).toBe(true);
    expect(gradgradcheck(fn, inputs())).toBe(true);
  });

  it('scatterReduce prod with one zero per position (first order)', () => {
    const x = torch.tensor([0, 2, 3, 0.5], { dtype: 'float64', requiresGrad: true });
    const s = torch.tensor([1.5, 0, 0.7, 2], { dtype: 'float64', requiresGrad: true });
    expect(gradcheck((a, b) => I.scatterReduce(a, 0, ints([0, 1, 2, 2]), b, 'prod'), [x, s])).toBe(true);
  });
});

describe('storage backward (fastBackward) agrees with the op backward', () => {
  it.each(checks)('%s', (_name, fn, inputs) => {
    const xs = inputs();
    const out = fn(...xs);
    const g = torch.randn(out.shape, { dtype: 'float64', generator: new torch.Generator(99) });
    const fast = grad(out, xs, { gradOutputs: g, retainGraph: true, allowUnused: true });
    const slow = grad(out, xs, { gradOutputs: g, createGraph: true, allowUnused: true });
    fast.forEach((f, i) => {
      if (f === null) return expect(slow[i]).toBeNull();
      expect(Array.from(f.data)).toEqual(Array.from(slow[i]!.data));
    });
  });
});

// ---- in place: the version counter, the leaf rule, recording ----

describe('writing in place', () => {
  it('writes the storage and bumps the version, returning x', () => {
    const x = torch.zeros([2, 3]);
    const v0 = x._version.value;
    expect(I.indexPut_(x, [':', 1], torch.tensor([1, 2]).float())).toBe(x);
    expect(x.toArray()).toEqual([
      [0, 1, 0],
      [0, 2, 0],
    ]);
    expect(x._version.value).toBe(v0 + 1);
  });

  it('writes through a view into its base (reshape shares storage)', () => {
    const base = torch.zeros([2, 3]);
    const view = base.reshape([6]);
    I.indexPut_(view, [[0, 5]], 7);
    expect(base.toArray()).toEqual([
      [7, 0, 0],
      [0, 0, 7],
    ]);
    expect(base._version.value).toBe(view._version.value);
  });

  it('a subscript read is a copy: writing into it leaves x alone', () => {
    const x = torch.zeros([2, 3]);
    const row = I.index(x, [0]);
    I.indexPut_(row, [0], 5);
    expect(x.sum().item()).toBe(0);
  });

  it('a tensor saved for backward and then changed in place is caught', () => {
    const w = torch.tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
    const x = torch.tensor([4, 5, 6], { dtype: 'float64' });
    const y = w.mul(x); // saves x
    I.indexPut_(x, [0], 0);
    expect(() => y.sum().backward()).toThrow(/modified by an in-place operation/);
    const x2 = torch.tensor([4, 5, 6], { dtype: 'float64' });
    const y2 = w.mul(x2);
    I.maskedFill_(x2, bools([true, false, false]), 0);
    expect(() => y2.sum().backward()).toThrow(/modified by an in-place operation/);
  });

  it('a leaf that requires grad may not be written, except under noGrad', () => {
    const w = torch.ones([3], { dtype: 'float64', requiresGrad: true });
    expect(() => I.indexPut_(w, [0], 0)).toThrow(/a view of a leaf Variable that requires grad is being used in an in-place operation/);
    expect(() => I.indexPut_(w, [[0]], 0)).toThrow(/a leaf Variable that requires grad/);
    expect(w.toArray()).toEqual([1, 1, 1]);
    torch.noGrad(() => I.indexPut_(w, [[0, 0]], 2, true));
    expect(w.toArray()).toEqual([5, 1, 1]);
    expect(w.isLeaf).toBe(true);
  });

  it('writing values that require grad into a plain tensor records the write (x[i] = f(w))', () => {
    const w = torch.tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const out = torch.zeros([3, 2], { dtype: 'float64' });
    I.indexPut_(out, [1], w.mul(3));
    expect(out.isLeaf).toBe(false);
    expect(out.requiresGrad).toBe(true);
    expect(out.gradFn!.name).toBe('CopySlices');
    out.sum().backward();
    expect(w.grad!.toArray()).toEqual([3, 3]);
  });

  it('writing into a tensor already in a graph records the write (CopySlices), as the out-of-place form does', () => {
    const w = torch.tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const y = w.mul(2);
    I.indexPut_(y, [0], 0);
    expect(y.toArray()).toEqual([0, 4]);
    y.sum().backward();
    expect(w.grad!.toArray()).toEqual([0, 2]);
    // the out-of-place form gives the same gradient
    const w2 = torch.tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    I.indexPut(w2.mul(2), [0], 0).sum().backward();
    expect(w2.grad!.toArray()).toEqual([0, 2]);
  });

  it('under noGrad, in-place writes record nothing', () => {
    const v = torch.ones([2], { dtype: 'float64', requiresGrad: true });
    const x = torch.zeros([2, 2], { dtype: 'float64' });
    torch.noGrad(() => I.indexPut_(x, [0], v));
    expect(x.requiresGrad).toBe(false);
    expect(x.gradFn).toBeNull();
  });

  it('x[False] = v writes nothing (the version stays), as in PyTorch', () => {
    const x = torch.zeros([2]);
    I.indexPut_(x, [false], 3);
    expect(x._version.value).toBe(0);
    expect(x.toArray()).toEqual([0, 0]);
  });

  it('int32 accumulation beyond int32 is an Error that changes nothing', () => {
    const x = torch.tensor([2147483000, 0], { dtype: 'int32' });
    expect(() => I.indexPut_(x, [[0, 0]], torch.tensor([600, 600], { dtype: 'int32' }), true)).toThrow(/does not fit in int32/);
    expect(x.toArray()).toEqual([2147483000, 0]);
  });

  it('scatter with reduce has no derivative, as in PyTorch', () => {
    const x = torch.zeros([2], { dtype: 'float64', requiresGrad: true });
    const y = I.scatter(x, 0, ints([1]), 2, { reduce: 'add' });
    expect(y.toArray()).toEqual([0, 2]);
    expect(y.gradFn!.name).toBe('NotImplemented');
    expect(() => y.sum().backward()).toThrow(/derivative for aten::scatter is not implemented/);
  });
});

// ---- entries, slices and argument checks ----

describe('subscript entries', () => {
  it('parses Python slice strings', () => {
    const cases: [string, (number | null)[]][] = [
      [':', [null, null, null]],
      ['1:3', [1, 3, null]],
      ['::2', [null, null, 2]],
      ['-1:', [-1, null, null]],
      [' 2 : -1 : 3 ', [2, -1, 3]],
      [':-2', [null, -2, null]],
    ];
    for (const [text, [start, stop, step]] of cases) {
      const s = I.parseSlice(text)!;
      expect([s.start, s.stop, s.step]).toEqual([start, stop, step]);
    }
    expect(I.parseSlice('1')).toBeNull();
    expect(I.parseSlice('a:b')).toBeNull();
    expect(I.parseSlice('1:2:3:4')).toBeNull();
    expect(String(new Slice(1, null, 2))).toBe('1::2');
    expect(String(new Slice(null, 3))).toBe(':3');
  });

  it('a Slice and its string are the same subscript', () => {
    const x = torch.arange(10);
    expect(I.index(x, [new Slice(1, 8, 3)]).toArray()).toEqual(I.index(x, ['1:8:3']).toArray());
    expect(I.index(x, [new Slice()]).toArray()).toEqual(x.toArray());
  });

  it('rejects bad entries with an Error naming the entry, what it got and what is valid', () => {
    const x = torch.zeros([3, 4]);
    expect(() => I.index(x, 0 as unknown as IndexEntry[])).toThrow(/index: indices must be an array .* got 0/);
    expect(() => I.index(x, [1.5])).toThrow(/index: indices\[0\] is 1.5: only integers/);
    expect(() => I.index(x, [':', 'a'])).toThrow(/index: indices\[1\] is string "a", which is not a slice/);
    expect(() => I.index(x, ['1'])).toThrow(/not a slice/);
    expect(() => I.index(x, [{} as IndexEntry])).toThrow(/index: indices\[0\] must be an integer, a Slice .* got an object/);
    expect(() => I.index(x, [undefined as unknown as IndexEntry])).toThrow(/indices\[0\] must be .* got undefined/);
    expect(() => I.index(x, [[[0, 1], [2]]])).toThrow(/indices\[0\] is a ragged array/);
    expect(() => I.index(x, [[0, true]])).toThrow(/indices\[0\] mixes booleans and numbers/);
    expect(() => I.index(x, [[0.5]])).toThrow(/indices\[0\] is an array holding 0.5/);
    expect(() => I.index(x, ['...', 0, '...'])).toThrow(/only have a single ellipsis/);
    expect(() => new Slice(0.5)).toThrow(/Slice: start must be a whole number or null, got 0.5/);
    expect(() => I.indexPut(x, [0], 'a' as unknown as number)).toThrow(/indexPut: values must be a Tensor, a number or a boolean, got string "a"/);
    expect(() => I.indexPut_(x, [0], 1, 1 as unknown as boolean)).toThrow(/indexPut_: accumulate must be true or false/);
    expect(() => I.indexPut_(torch.zeros([2], { dtype: 'int32' }), [0], 2 ** 40)).toThrow(/cannot be converted to int32/);
  });

  it('checks the other ops arguments and options', () => {
    const x = torch.zeros([3, 4]);
    expect(() => I.select(x, 2, 0)).toThrow(/select: dimension out of range/);
    expect(() => I.select(x, 0, 0.5)).toThrow(/select: index must be a whole number, got 0.5/);
    expect(() => I.take(x, [0] as unknown as Tensor)).toThrow(/take: index must be a Tensor, got an array of 1/);
    expect(() => I.scatter(x, 0, ints([[0]]), 1, { reduc: 'add' } as unknown as I.ScatterOptions)).toThrow(
      /scatter: unknown option 'reduc'; did you mean 'reduce'\?/,
    );
    expect(() => I.scatterReduce(x, 0, ints([[0]]), x, 'sum', { includeSelf: 1 as unknown as boolean })).toThrow(/includeSelf must be true or false/);
    expect(() => I.scatterReduce(bools([true]), 0, ints([0]), bools([true]), 'sum')).toThrow(/scatterReduce: bool tensors are not supported/);
    expect(() => I.nonzero(x, { as_tuple: true } as unknown as I.NonzeroOptions)).toThrow(/did you mean 'asTuple'/);
    expect(() => I.maskedFill(x, bools([true, false, true, false]), 'x' as unknown as number)).toThrow(
      /maskedFill: value must be a number, a boolean or a 0-d Tensor, got string "x"/,
    );
    expect(() => (I.where as (...a: unknown[]) => unknown)(bools([true]), 1)).toThrow(/where: give either condition alone, or condition, input and other/);
  });

  it('where with three arguments is the elementwise where', () => {
    const c = bools([true, false]);
    expect(I.where(c, torch.tensor([1, 2]), 0).toArray()).toEqual([1, 0]);
  });
});
