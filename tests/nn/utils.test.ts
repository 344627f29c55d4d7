import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../../src/index';
import { type DType, nn, Tensor } from '../../src/index';
import { pyValue, typedArray } from '../helpers';

// nn.utils against real PyTorch (tests/golden/gen_nn_init_utils.py writes nn-init-utils.json).
const U = nn.utils;

type Num = number | 'nan' | 'inf' | '-inf';
interface Stored {
  shape: number[];
  dtype: DType;
  data: Num[];
}
interface StoredParam {
  shape: number[];
  dtype: DType;
  grad: Stored | null;
}
const golden = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'golden', 'nn-init-utils.json'), 'utf8')) as {
  gradSets: Record<string, StoredParam[]>;
  clip: { set: string; normType: Num; maxNorm: number; error: string | null; total: Num | null; totalDtype: DType | null; grads: (Stored | null)[] }[];
  nonfiniteErrors: Record<string, string>;
  nanError: string;
  foreachTrueAccepted: boolean;
  emptyList: { total: number; dtype: DType };
  emptyNormErrors: Record<string, string>;
  totalNorm: { tensors: Stored[]; cases: { normType: Num; which: 'both' | 'first' | 'second'; total: Num; dtype: DType }[]; 'inf string': number };
  clipWithNorm: { set: string; totalNorm: Stored; maxNorm: number; grads: Stored[] }[];
  clipWithNormError: string;
  clipValue: { set: string; clipValue: Num; grads: (Stored | null)[] }[];
  convert: {
    params: Stored[];
    vector: Stored;
    vector32: Stored;
    vec: Stored;
    assigned: Stored[];
    assignedDtypes: DType[];
    sharesStorage: boolean;
    shortError: string;
    emptyError: string;
    intError: string;
    gradFn: string;
  };
};

function load(s: Stored): Tensor {
  return new Tensor(typedArray(s.dtype, s.data.map(pyValue)), s.shape, s.dtype);
}

/** Fresh parameters (zeros) carrying the stored gradients. */
function params(set: string): Tensor[] {
  return golden.gradSets[set].map((spec) => {
    const p = new nn.Parameter(torch.zeros(spec.shape, { dtype: spec.dtype }));
    if (spec.grad) p.grad = load(spec.grad);
    return p;
  });
}

/** PyTorch's message with tsgrad's spelling of the option it names. */
function message(pyError: string): string {
  return pyError.replace(/^\w+Error: /, '').replace('`error_if_nonfinite=False`', '`errorIfNonfinite=false`');
}

/**
 * `actual` matches PyTorch's `expected`: NaN and infinities exactly, finite values to `rtol`. float64
 * results differ from PyTorch's only by summation order (a few ulps); float32 ones also because
 * PyTorch accumulates in float32 where tsgrad accumulates in float64 and rounds once.
 */
function expectNear(actual: number, expected: number, dtype: DType, what: string, anyFloat32 = false): void {
  const rtol = dtype === 'float32' || anyFloat32 ? 2e-6 : 4e-15;
  if (!Number.isFinite(expected) || !Number.isFinite(actual)) {
    expect(`${what}: ${actual}`).toBe(`${what}: ${expected}`);
    return;
  }
  if (Math.abs(actual - expected) > rtol * Math.abs(expected) + 1e-300) throw new Error(`${what}: got ${actual}, PyTorch ${expected} (rtol ${rtol})`);
}

function expectTensor(actual: Tensor | null, expected: Stored | null, what: string, anyFloat32 = false): void {
  if (expected === null) {
    expect(actual).toBeNull();
    return;
  }
  expect(actual).not.toBeNull();
  expect(actual!.dtype).toBe(expected.dtype);
  expect(actual!.shape).toEqual(expected.shape);
  Array.from(actual!.data).forEach((v, i) => expectNear(v, pyValue(expected.data[i]), expected.dtype, `${what}[${i}]`, anyFloat32));
}

/** Whether a float32 tensor took part (then float64 results carry float32 rounding differences too). */
function hasFloat32(set: string): boolean {
  return golden.gradSets[set].some((p) => p.dtype === 'float32');
}

function normType(v: Num): number {
  return pyValue(v);
}

describe('clipGradNorm_ against PyTorch', () => {
  it.each(golden.clip.map((c) => [`${c.set}, normType ${c.normType}, maxNorm ${c.maxNorm}`, c] as const))('%s', (_, c) => {
    const ps = params(c.set);
    if (c.error !== null) {
      expect(() => U.clipGradNorm_(ps, c.maxNorm, normType(c.normType))).toThrow(c.error);
      return;
    }
    const total = U.clipGradNorm_(ps, c.maxNorm, normType(c.normType));
    expect(total.shape).toEqual([]);
    expect(total.dtype).toBe(c.totalDtype);
    expectNear(total.item(), pyValue(c.total!), total.dtype, 'total norm', hasFloat32(c.set));
    ps.forEach((p, i) => expectTensor(p.grad, c.grads[i], `grad ${i}`, hasFloat32(c.set)));
  });

  it('float64 gradients are scaled bit for bit as PyTorch scales them (the coefficient is reciprocal(total + 1e-6) * maxNorm)', () => {
    // a total norm of exactly 5 (a 3-4-5 gradient), so that no summation order is involved
    const p = new nn.Parameter(torch.zeros([2], { dtype: 'float64' }));
    p.grad = torch.tensor([3, 4], { dtype: 'float64' });
    const total = U.clipGradNorm_([p], 1);
    expect(total.item()).toBe(5);
    const coef = (1 / (5 + 1e-6)) * 1;
    expect(Array.from(p.grad.data)).toEqual([3 * coef, 4 * coef]);
    // float32: every step rounded to float32
    const q = new nn.Parameter(torch.zeros([2]));
    q.grad = torch.tensor([3, 4], { dtype: 'float32' });
    U.clipGradNorm_([q], 1);
    const c32 = Math.fround(Math.fround(1 / Math.fround(5 + Math.fround(1e-6))) * 1);
    expect(Array.from(q.grad.data)).toEqual([Math.fround(3 * c32), Math.fround(4 * c32)]);
  });

  it('the coefficient is clamped to 1: gradients whose norm is below maxNorm are not scaled up', () => {
    const p = new nn.Parameter(torch.zeros([2], { dtype: 'float64' }));
    p.grad = torch.tensor([0.3, 0.4], { dtype: 'float64' });
    expect(U.clipGradNorm_(p, 10).item()).toBeCloseTo(0.5, 15);
    expect(Array.from(p.grad.data)).toEqual([0.3, 0.4]);
  });

  it("takes 'inf' and '-inf' as Infinity and -Infinity", () => {
    for (const [s, n] of [
      ['inf', Infinity],
      ['-inf', -Infinity],
    ] as const) {
      const a = params('float32 mixed shapes');
      const b = params('float32 mixed shapes');
      expect(U.clipGradNorm_(a, 1, s).item()).toBe(U.clipGradNorm_(b, 1, n).item());
      a.forEach((p, i) => expect(Array.from(p.grad!.data)).toEqual(Array.from(b[i].grad!.data)));
    }
    expect(U.getTotalNorm([load(golden.totalNorm.tensors[0])], 'inf').item()).toBe(golden.totalNorm['inf string']);
  });

  it('errorIfNonfinite: a NaN or infinite total norm is an Error with PyTorch text (and the gradients are left alone)', () => {
    for (const [nt, err] of Object.entries(golden.nonfiniteErrors)) {
      const ps = params('inf grad');
      const before = ps.map((p) => Array.from(p.grad!.data));
      expect(() => U.clipGradNorm_(ps, 1, normType(nt as Num), true)).toThrow(`clipGradNorm_: ${message(err)}`);
      ps.forEach((p, i) => expect(Array.from(p.grad!.data)).toEqual(before[i]));
    }
    expect(() => U.clipGradNorm_(params('nan grad'), 1, 2, true)).toThrow(message(golden.nanError));
    expect(() =>
      U.getTotalNorm(
        params('nan grad').map((p) => p.grad!),
        2,
        true,
      ),
    ).toThrow(`getTotalNorm: ${message(golden.nanError)}`);
    // finite totals pass
    expect(() => U.clipGradNorm_(params('float32 mixed shapes'), 1, 2, true)).not.toThrow();
  });

  it('foreach: null, false and true give the same result (PyTorch runs its foreach kernels on CPU tensors too)', () => {
    expect(golden.foreachTrueAccepted).toBe(true);
    const results = [null, false, true].map((foreach) => {
      const ps = params('float32 mixed shapes');
      const total = U.clipGradNorm_(ps, 1, 2, false, foreach);
      return [total.item(), ...ps.flatMap((p) => Array.from(p.grad!.data))];
    });
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
    expect(() => U.clipGradNorm_(params('small'), 1, 2, false, 'yes' as never)).toThrow('clipGradNorm_: foreach must be true, false or null, got string "yes"');
  });

  it('an empty list gives tensor(0.) in the default dtype; an empty generator warns as PyTorch does', () => {
    const total = U.clipGradNorm_([], 1);
    expect(total.item()).toBe(golden.emptyList.total);
    expect(total.dtype).toBe(golden.emptyList.dtype);
    torch.setDefaultDtype('float64');
    try {
      expect(U.clipGradNorm_([], 1).dtype).toBe('float64');
      expect(U.getTotalNorm([]).dtype).toBe('float64');
    } finally {
      torch.setDefaultDtype('float32');
    }
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      function* none(): Generator<Tensor> {}
      expect(U.clipGradNorm_(none(), 1).item()).toBe(0);
      expect(warn).toHaveBeenCalledWith('`parameters` is an empty generator, no gradient clipping will occur.');
      warn.mockClear();
      U.clipGradNorm_([], 1);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it('takes a single Tensor, a generator, or a model.parameters(); parameters without grad are skipped; only those with one are scaled', () => {
    const p = new nn.Parameter(torch.zeros([2], { dtype: 'float64' }));
    p.grad = torch.tensor([6, 8], { dtype: 'float64' });
    expect(U.clipGradNorm_(p, 5).item()).toBe(10);
    expect(Array.from(p.grad.data)).toEqual([6 * (1 / (10 + 1e-6)) * 5, 8 * (1 / (10 + 1e-6)) * 5]);
    const ps = params('some without grad');
    function* gen(): Generator<Tensor> {
      yield* ps;
    }
    const total = U.clipGradNorm_(gen(), 1);
    expect(ps[1].grad).toBeNull();
    expect(total.item()).toBeGreaterThan(1);
    const model = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 2));
    expect(U.clipGradNorm_(model.parameters(), 1).item()).toBe(0); // no grads yet
  });

  it('keeps the gradient tensors (scaled in place, version bumped) and records no graph', () => {
    const model = new nn.Linear(5, 3, { generator: new torch.Generator(1) });
    const x = torch.randn([8, 5], { generator: new torch.Generator(2) });
    model.forward(x).pow(2).sum().mul(100).backward();
    const before = model.parameters().map((p) => p.grad!);
    const versions = before.map((g) => g._version.value);
    const total = U.clipGradNorm_(model.parameters(), 0.5);
    expect(total.requiresGrad).toBe(false);
    expect(total.gradFn).toBeNull();
    model.parameters().forEach((p, i) => {
      expect(p.grad).toBe(before[i]);
      expect(p.grad!._version.value).toBe(versions[i] + 1);
      expect(p.isLeaf).toBe(true);
    });
    expect(U.getTotalNorm(model.parameters().map((p) => p.grad!)).item()).toBeCloseTo(0.5, 5);
  });

  it('rejects what PyTorch rejects, naming the argument', () => {
    expect(() => U.clipGradNorm_([torch.ones([1]), 3] as never, 1)).toThrow('clipGradNorm_: parameters[1] must be a Tensor, got 3');
    expect(() => U.clipGradNorm_(5 as never, 1)).toThrow('clipGradNorm_: parameters must be a Tensor or an iterable of Tensors, got 5');
    expect(() => U.clipGradNorm_([], '1' as never)).toThrow('clipGradNorm_: maxNorm must be a number, got string "1"');
    expect(() => U.clipGradNorm_([], 1, 'two' as never)).toThrow("clipGradNorm_: normType must be a number, 'inf' or '-inf', got string \"two\"");
    expect(() => U.clipGradNorm_([], 1, 2, 1 as never)).toThrow('clipGradNorm_: errorIfNonfinite must be true or false, got 1');
    expect(() => U.getTotalNorm([torch.tensor([1, 2])])).toThrow(`getTotalNorm: ${message(golden.emptyNormErrors.int).replace('Long', 'int32')}`);
    for (const [nt, err] of Object.entries(golden.emptyNormErrors)) {
      if (nt !== 'int') expect(() => U.getTotalNorm([torch.zeros([0])], normType(nt as Num))).toThrow(message(err));
    }
    expect(() => U.getTotalNorm([torch.zeros([0])], Infinity, false, false)).toThrow('linalg.vector_norm cannot compute the inf norm on an empty tensor');
  });
});

describe('getTotalNorm against PyTorch', () => {
  const [t1, t2] = golden.totalNorm.tensors.map(load);
  it.each(golden.totalNorm.cases.map((c) => [`${c.which}, normType ${c.normType}`, c] as const))('%s', (_, c) => {
    const tensors = c.which === 'both' ? [t1, t2] : c.which === 'first' ? t1 : [t2];
    const total = U.getTotalNorm(tensors, normType(c.normType));
    expect(total.dtype).toBe(c.dtype);
    expectNear(total.item(), pyValue(c.total), c.dtype, 'total', c.which !== 'second');
  });

  it('leaves the tensors alone and records no graph, even for tensors that require grad', () => {
    const w = torch.tensor([3, 4], { dtype: 'float64', requiresGrad: true });
    const total = U.getTotalNorm([w]);
    expect(total.item()).toBe(5);
    expect(total.requiresGrad).toBe(false);
    expect(Array.from(w.data)).toEqual([3, 4]);
  });
});

describe('clipGradsWithNorm_ against PyTorch', () => {
  it.each(golden.clipWithNorm.map((c) => [`${c.set}, totalNorm ${c.totalNorm.data[0]} (${c.totalNorm.dtype})`, c] as const))('%s', (_, c) => {
    const ps = params(c.set);
    U.clipGradsWithNorm_(ps, c.maxNorm, load(c.totalNorm));
    ps.forEach((p, i) => expectTensor(p.grad, c.grads[i], `grad ${i}`, c.totalNorm.dtype === 'float32'));
  });

  it('is getTotalNorm then the scaling: together, clipGradNorm_', () => {
    const a = params('mixed dtypes');
    const b = params('mixed dtypes');
    const total = U.getTotalNorm(
      a.map((p) => p.grad!),
      3,
    );
    U.clipGradsWithNorm_(a, 0.7, total);
    expect(U.clipGradNorm_(b, 0.7, 3).item()).toBe(total.item());
    a.forEach((p, i) => expect(Array.from(p.grad!.data)).toEqual(Array.from(b[i].grad!.data)));
  });

  it("wants a 0-d total norm, as PyTorch's foreach path does (a one-element one with foreach false)", () => {
    expect(() => U.clipGradsWithNorm_(params('small'), 1, torch.tensor([5], { dtype: 'float32' }))).toThrow(
      message(golden.clipWithNormError).replace(/\.$/, ''),
    );
    const ps = params('small');
    U.clipGradsWithNorm_(ps, 1, torch.tensor([0.5], { dtype: 'float32' }), false);
    expect(ps[0].grad!.data[0]).toBe(Math.fround(0.001));
    expect(() => U.clipGradsWithNorm_(params('small'), 1, 5 as never)).toThrow(
      'clipGradsWithNorm_: totalNorm must be a Tensor (as getTotalNorm returns), got 5',
    );
    expect(() => U.clipGradsWithNorm_([], 1, 5 as never)).not.toThrow(); // PyTorch returns before looking at it when there are no grads
  });
});

describe('clipGradValue_ against PyTorch', () => {
  it.each(golden.clipValue.map((c) => [`${c.set}, clipValue ${c.clipValue}`, c] as const))('%s', (_, c) => {
    const ps = params(c.set);
    expect(U.clipGradValue_(ps, pyValue(c.clipValue))).toBeUndefined();
    ps.forEach((p, i) => {
      const g = c.grads[i];
      if (g === null) expect(p.grad).toBeNull();
      else expect(Array.from(p.grad!.data)).toEqual(g.data.map(pyValue)); // exact: clamping only
    });
  });

  it('takes a single Tensor and checks its arguments', () => {
    const p = new nn.Parameter(torch.zeros([3]));
    p.grad = torch.tensor([-5, 0.5, 5], { dtype: 'float32' });
    U.clipGradValue_(p, 1, true);
    expect(Array.from(p.grad.data)).toEqual([-1, 0.5, 1]);
    expect(() => U.clipGradValue_(p, '1' as never)).toThrow('clipGradValue_: clipValue must be a number, got string "1"');
    expect(() => U.clipGradValue_(p, 1, 0 as never)).toThrow('clipGradValue_: foreach must be true, false or null, got 0');
  });
});

describe('parametersToVector and vectorToParameters against PyTorch', () => {
  const g = golden.convert;

  it('parametersToVector flattens and concatenates in the promoted dtype, recording the graph', () => {
    const [a, b, c] = g.params.map(load);
    const v = U.parametersToVector([a, b, c]);
    expect(v.dtype).toBe(g.vector.dtype);
    expect(Array.from(v.data)).toEqual(g.vector.data.map(pyValue));
    expect(Array.from(U.parametersToVector([a, c]).data)).toEqual(g.vector32.data.map(pyValue));
    const p = new nn.Parameter(torch.ones([2, 2]));
    const vec = U.parametersToVector([p]);
    expect(vec.gradFn!.name).toBe(g.gradFn);
    vec
      .mul(torch.tensor([1, 2, 3, 4], { dtype: 'float32' }))
      .sum()
      .backward();
    expect(Array.from(p.grad!.data)).toEqual([1, 2, 3, 4]);
    expect(() => U.parametersToVector([])).toThrow(message(g.emptyError));
    expect(() => U.parametersToVector(torch.ones([2]) as never)).toThrow(
      'parametersToVector: parameters must be an iterable of Tensors (e.g. model.parameters()), got a Tensor of shape [2]; pass [tensor]',
    );
  });

  it('vectorToParameters gives each parameter its slice of the vector, sharing its storage and taking its dtype', () => {
    const vec = load(g.vec);
    const pa = new nn.Parameter(torch.zeros([2, 3]));
    const pc = new nn.Parameter(torch.zeros([1, 2, 2]));
    U.vectorToParameters(vec, [pa, pc]);
    [pa, pc].forEach((p, i) => {
      expect(p.dtype).toBe(g.assignedDtypes[i]);
      expect(p.shape).toEqual(g.assigned[i].shape);
      expect(Array.from(p.data)).toEqual(g.assigned[i].data.map(pyValue));
      expect(p.requiresGrad).toBe(true);
      expect(p.isLeaf).toBe(true);
    });
    expect(g.sharesStorage).toBe(true);
    vec.data[0] = 42;
    expect(pa.data[0]).toBe(42);
  });

  it('round-trips a model and keeps its parameters (and their grads) the same objects', () => {
    const model = new nn.Sequential(new nn.Linear(3, 4, { generator: new torch.Generator(3) }), new nn.Linear(4, 2, { generator: new torch.Generator(4) }));
    const ps = model.parameters();
    model
      .forward(torch.ones([1, 3]))
      .sum()
      .backward();
    const grads = ps.map((p) => p.grad);
    const v = U.parametersToVector(ps).detach();
    const doubled = v.mul(2);
    U.vectorToParameters(doubled, model.parameters());
    expect(model.parameters()).toEqual(ps);
    ps.forEach((p, i) => expect(p.grad).toBe(grads[i]));
    expect(Array.from(U.parametersToVector(model.parameters()).data)).toEqual(Array.from(doubled.data));
    expect(U.parametersToVector(model.parameters()).numel()).toBe(3 * 4 + 4 + 4 * 2 + 2);
  });

  it("rejects what PyTorch rejects: a short vector, an integer vector for parameters that require grad, a vector that isn't a Tensor", () => {
    expect(() => U.vectorToParameters(torch.zeros([4]), [new nn.Parameter(torch.zeros([2, 3]))])).toThrow(message(g.shortError));
    expect(() => U.vectorToParameters(torch.arange(6), [new nn.Parameter(torch.zeros([2, 3]))])).toThrow(message(g.intError));
    expect(() => U.vectorToParameters([1, 2] as never, [])).toThrow('vectorToParameters: expected a Tensor (vec), but got an array of 2');
    expect(() => U.vectorToParameters(torch.tensor(1), [torch.zeros([1])])).toThrow('slice() cannot be applied to a 0-dim tensor');
    // extra elements at the end are ignored, as in PyTorch
    const p = torch.zeros([2]);
    U.vectorToParameters(torch.tensor([1, 2, 3], { dtype: 'float32' }), [p]);
    expect(Array.from(p.data)).toEqual([1, 2]);
  });
});
