import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../../src/index';
import type { DType, Tensor } from '../../src/index';
import * as L from '../../src/ops/layout';
import { pad } from '../../src/ops/pad';
import * as S from '../../src/ops/shape';

const { gradcheck, gradgradcheck } = torch.autograd;

// The shape ops against real PyTorch 2.13 (tests/golden/gen_shape_linalg.py writes the values, the
// gradients of sum_i (out_i * seed_i).sum(), the printed grad_fn names and the rejected calls),
// then finite-difference checks of first and second derivatives over their dims and options.

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
const list = (a: Args, k: string): number[] => a[k] as number[];

const OPS: Record<string, (xs: Tensor[], a: Args) => Tensor | Tensor[]> = {
  split: ([x], a) => S.split(x, a.size as number | number[], n(a, 'dim')),
  chunk: ([x], a) => S.chunk(x, n(a, 'chunks')!, n(a, 'dim')),
  unbind: ([x], a) => S.unbind(x, n(a, 'dim')),
  tensorSplit: ([x], a) => S.tensorSplit(x, a.sections as number | number[], n(a, 'dim')),
  tensorSplitTensor: ([x, idx], a) => S.tensorSplit(x, idx, n(a, 'dim')),
  movedim: ([x], a) => S.movedim(x, a.source as number | number[], a.destination as number | number[]),
  swapaxes: ([x], a) => S.swapaxes(x, n(a, 'a')!, n(a, 'b')!),
  swapdims: ([x], a) => S.swapdims(x, n(a, 'a')!, n(a, 'b')!),
  flip: ([x], a) => S.flip(x, list(a, 'dims')),
  fliplr: ([x]) => S.fliplr(x),
  flipud: ([x]) => S.flipud(x),
  roll: ([x], a) => S.roll(x, a.shifts as number | number[], (a.dims as number | number[] | undefined) ?? null),
  rot90: ([x], a) => S.rot90(x, n(a, 'k'), a.dims as number[] | undefined),
  repeat: ([x], a) => S.repeat(x, list(a, 'sizes')),
  tile: ([x], a) => S.tile(x, list(a, 'dims')),
  repeatInterleave: ([x], a) => S.repeatInterleave(x, n(a, 'repeats'), n(a, 'dim') ?? null),
  repeatInterleaveTensor: ([x, r], a) => S.repeatInterleave(x, r, n(a, 'dim') ?? null),
  repeatInterleaveCounts: ([r]) => S.repeatInterleave(r),
  tril: ([x], a) => S.tril(x, n(a, 'diagonal')),
  triu: ([x], a) => S.triu(x, n(a, 'diagonal')),
  diag: ([x], a) => S.diag(x, n(a, 'diagonal')),
  diagonal: ([x], a) => S.diagonal(x, n(a, 'offset'), n(a, 'dim1'), n(a, 'dim2')),
  diagEmbed: ([x], a) => S.diagEmbed(x, n(a, 'offset'), n(a, 'dim1'), n(a, 'dim2')),
  trace: ([x]) => S.trace(x),
  pad: ([x], a) => pad(x, list(a, 'pad'), a.mode as 'constant' | undefined, n(a, 'value') ?? null),
  oneHot: ([x], a) => S.oneHot(x, n(a, 'numClasses')),
  meshgrid: (xs, a) => (a.indexing === undefined ? S.meshgrid(...xs) : S.meshgrid(xs, { indexing: a.indexing as 'ij' | 'xy' })),
  broadcastTo: ([x], a) => S.broadcastTo(x, list(a, 'shape')),
  broadcastTensors: (xs) => S.broadcastTensors(...xs),
  atleast1d: ([x]) => S.atleast1d(x),
  atleast2d: ([x]) => S.atleast2d(x),
  atleast3d: ([x]) => S.atleast3d(x),
  hstack: (xs) => S.hstack(xs),
  vstack: (xs) => S.vstack(xs),
  dstack: (xs) => S.dstack(xs),
  columnStack: (xs) => S.columnStack(xs),
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

describe(`shape ops against PyTorch ${golden.torch}: values, gradients and grad_fn names`, () => {
  it('covers every shape op', () => {
    const used = new Set(mine.map((c) => c.op));
    expect([...Object.keys(OPS)].filter((op) => !used.has(op))).toEqual([]);
    expect(mine.length).toBeGreaterThan(150);
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

let seed = 11;
function rnd(...shape: number[]): Tensor {
  return torch.randn(shape, { dtype: 'float64', generator: new torch.Generator(seed++) }).requiresGrad_();
}
type Fn = (...xs: Tensor[]) => Tensor | Tensor[];
const C = (name: string, fn: Fn, inputs: () => Tensor[]): [string, Fn, () => Tensor[]] => [name, fn, inputs];
const idx = (values: number[]): Tensor => torch.tensor(values, { dtype: 'int32' });

const CASES: [string, Fn, () => Tensor[]][] = [
  C(
    'split int dim 0',
    (x) => S.split(x, 2),
    () => [rnd(3, 2)],
  ),
  C(
    'split int dim -1',
    (x) => S.split(x, 2, -1),
    () => [rnd(2, 3)],
  ),
  C(
    'split sizes dim 1',
    (x) => S.split(x, [1, 0, 2], 1),
    () => [rnd(2, 3)],
  ),
  C(
    'chunk',
    (x) => S.chunk(x, 2, 1),
    () => [rnd(2, 3)],
  ),
  C(
    'unbind dim 0',
    (x) => S.unbind(x),
    () => [rnd(2, 3)],
  ),
  C(
    'unbind dim -1',
    (x) => S.unbind(x, -1),
    () => [rnd(2, 2, 2)],
  ),
  C(
    'tensorSplit sections',
    (x) => S.tensorSplit(x, 2, 1),
    () => [rnd(2, 3)],
  ),
  C(
    'tensorSplit indices',
    (x) => S.tensorSplit(x, [1, -1]),
    () => [rnd(4)],
  ),
  C(
    'movedim',
    (x) => S.movedim(x, [0, 2], [2, 0]),
    () => [rnd(2, 3, 2)],
  ),
  C(
    'swapaxes',
    (x) => S.swapaxes(x, 0, -1),
    () => [rnd(2, 3)],
  ),
  C(
    'flip dims 0, 2',
    (x) => S.flip(x, [0, 2]),
    () => [rnd(2, 2, 3)],
  ),
  C(
    'fliplr',
    (x) => S.fliplr(x),
    () => [rnd(2, 3)],
  ),
  C(
    'flipud',
    (x) => S.flipud(x),
    () => [rnd(3, 2)],
  ),
  C(
    'roll flat',
    (x) => S.roll(x, 4),
    () => [rnd(2, 3)],
  ),
  C(
    'roll dims',
    (x) => S.roll(x, [1, -1], [0, 1]),
    () => [rnd(2, 3)],
  ),
  ...[0, 1, 2, 3].map((k) =>
    C(
      `rot90 k=${k}`,
      (x) => S.rot90(x, k, [1, 2]),
      () => [rnd(2, 2, 3)],
    ),
  ),
  C(
    'repeat',
    (x) => S.repeat(x, [2, 1, 2]),
    () => [rnd(2, 2)],
  ),
  C(
    'tile',
    (x) => S.tile(x, [2]),
    () => [rnd(2, 2)],
  ),
  C(
    'repeatInterleave int dim 1',
    (x) => S.repeatInterleave(x, 2, 1),
    () => [rnd(2, 2)],
  ),
  C(
    'repeatInterleave flat',
    (x) => S.repeatInterleave(x, 2),
    () => [rnd(2, 2)],
  ),
  C(
    'repeatInterleave tensor',
    (x) => S.repeatInterleave(x, idx([2, 0, 1]), 0),
    () => [rnd(3, 2)],
  ),
  ...[-1, 0, 1].flatMap((d) => [
    C(
      `tril ${d}`,
      (x) => S.tril(x, d),
      () => [rnd(3, 3)],
    ),
    C(
      `triu ${d} batched`,
      (x) => S.triu(x, d),
      () => [rnd(2, 2, 3)],
    ),
  ]),
  C(
    'diag of a vector',
    (x) => S.diag(x, 1),
    () => [rnd(3)],
  ),
  C(
    'diag of a matrix',
    (x) => S.diag(x, -1),
    () => [rnd(3, 3)],
  ),
  C(
    'diagonal',
    (x) => S.diagonal(x, 1, 2, 0),
    () => [rnd(3, 2, 3)],
  ),
  C(
    'diagEmbed',
    (x) => S.diagEmbed(x, -1, 0, 2),
    () => [rnd(2, 2)],
  ),
  C(
    'trace',
    (x) => S.trace(x),
    () => [rnd(3, 4)],
  ),
  C(
    'pad constant with crop',
    (x) => pad(x, [2, -1, 1, 1], 'constant', 3),
    () => [rnd(2, 3)],
  ),
  ...(['reflect', 'replicate', 'circular'] as const).flatMap((mode) => [
    C(
      `pad ${mode} 1-D`,
      (x) => pad(x, [2, 1], mode),
      () => [rnd(1, 4)],
    ),
    C(
      `pad ${mode} 2-D`,
      (x) => pad(x, [1, 2, 1, 0], mode),
      () => [rnd(1, 3, 3)],
    ),
    C(
      `pad ${mode} 3-D`,
      (x) => pad(x, [1, 0, 0, 1, 1, 1], mode),
      () => [rnd(1, 1, 2, 2, 2)],
    ),
  ]),
  C(
    'meshgrid xy',
    (a, b) => S.meshgrid(a, b, { indexing: 'xy' }),
    () => [rnd(2), rnd(3)],
  ),
  C(
    'broadcastTo',
    (x) => S.broadcastTo(x, [2, 3]),
    () => [rnd(3)],
  ),
  C(
    'broadcastTensors',
    (a, b) => S.broadcastTensors(a, b),
    () => [rnd(2, 1), rnd(3)],
  ),
  C(
    'atleast3d',
    (x) => S.atleast3d(x),
    () => [rnd(3)],
  ),
  C(
    'hstack',
    (a, b) => S.hstack([a, b]),
    () => [rnd(2, 1), rnd(2, 2)],
  ),
  C(
    'vstack',
    (a, b) => S.vstack([a, b]),
    () => [rnd(2), rnd(2, 2)],
  ),
  C(
    'dstack',
    (a, b) => S.dstack([a, b]),
    () => [rnd(2), rnd(2)],
  ),
  C(
    'columnStack',
    (a, b) => S.columnStack([a, b]),
    () => [rnd(2), rnd(2, 2)],
  ),
];

describe('gradcheck of every shape op', () => {
  it.each(CASES)('%s', (_name, fn, inputs) => {
    expect(gradcheck(fn, inputs())).toBe(true);
  });
});

describe('gradgradcheck of every shape op (their backwards are made of ops)', () => {
  it.each(CASES)('%s', (_name, fn, inputs) => {
    expect(gradgradcheck(fn, inputs())).toBe(true);
  });
});

describe('shape ops at the edges', () => {
  it('takeFlat and putFlat are each other’s adjoint: <take(x), y> = <x, put(y)>', () => {
    const map = Int32Array.from([2, -1, 0, 2, 1]);
    const x = rnd(3).detach();
    const y = rnd(5).detach();
    const lhs = L.takeFlat(x, map, [5], 'TestBackward0').mul(y).sum().item();
    const rhs = x
      .mul(L.putFlat(y, map, [3], 'TestBackward0'))
      .sum()
      .item();
    expect(lhs).toBeCloseTo(rhs, 12);
  });

  it('pad replicate adds every copy’s gradient to the edge: d/dx sum(pad(x, [2, 1])) = [3, 1, 2]', () => {
    const x = torch.tensor([[1, 2, 3]], { dtype: 'float64', requiresGrad: true });
    pad(x, [2, 1], 'replicate').sum().backward();
    expect(x.grad!.toArray()).toEqual([[3, 1, 2]]);
  });

  it('ops keep integer and bool dtypes and work on empty tensors', () => {
    const b = torch.tensor([[true, false, true]]);
    expect(S.flip(b, [1]).toArray()).toEqual([[true, false, true]]);
    expect(S.repeat(b, [2, 1]).dtype).toBe('bool');
    expect(S.roll(torch.zeros([0, 3]), 1, 1).shape).toEqual([0, 3]);
    expect(pad(torch.zeros([0, 2]), [1, 1]).shape).toEqual([0, 4]);
    expect(S.chunk(torch.zeros([0]), 3).map((t) => t.shape)).toEqual([[0], [0], [0]]);
    expect(S.diagonal(torch.zeros([2, 3]), 5).shape).toEqual([0]);
  });

  it('atleast2d and broadcastTensors return an input that already fits, as PyTorch does', () => {
    const x = rnd(2, 3);
    expect(S.atleast2d(x)).toBe(x);
    const [y] = S.broadcastTensors(x, rnd(3));
    expect(y).toBe(x);
    expect(S.atleast1d(x, rnd())).toHaveLength(2);
  });

  it('wrong argument types are Errors that name the argument', () => {
    const x = rnd(2, 3);
    expect(() => S.split(x, 'a' as unknown as number)).toThrow('split: splitSizeOrSections must be a whole number, got string "a"');
    expect(() => S.flip(x, null as unknown as number[])).toThrow('flip: dims must be a whole number or an array of them, got null');
    expect(() => pad(x, [1, 1], 'wrap' as 'constant')).toThrow("pad: mode must be one of 'constant', 'reflect', 'replicate', 'circular', got string \"wrap\"");
    expect(() => S.meshgrid([x.flatten()], { indexng: 'xy' } as never)).toThrow("meshgrid: unknown option 'indexng'; did you mean 'indexing'?");
    expect(() => S.repeatInterleave(x, 2, 0, { outputSize: 5 })).toThrow('repeatInterleave: outputSize 5 does not match the 4 elements the repeats give');
  });
});
