/**
 * Pooling (src/nn/pooling.ts, src/nn/functional/pooling.ts, src/kernels/pooling.ts): MaxPool1d/2d,
 * AvgPool1d/2d, AdaptiveAvgPool1d/2d, AdaptiveMaxPool1d/2d, MaxUnpool1d/2d and their functionals.
 *
 * Golden values, indices, gradients and grad_fn names from real PyTorch over a grid of options in
 * float64 and float32 (tests/golden/gen_pooling.py writes tests/golden/pooling.json; the upsampling
 * cases of that file are checked in upsampling.test.ts); gradcheck and gradgradcheck (float64,
 * inputs without ties); the op-made backward against the storage one; printed reprs; PyTorch's errors.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../../src/index';
import { Tensor } from '../../src/index';
import * as K from '../../src/kernels/pooling';
import * as P from '../../src/nn/functional/pooling';
import {
  AdaptiveAvgPool1d,
  AdaptiveAvgPool2d,
  AdaptiveMaxPool1d,
  AdaptiveMaxPool2d,
  AvgPool1d,
  AvgPool2d,
  MaxPool1d,
  MaxPool2d,
  MaxUnpool1d,
  MaxUnpool2d,
} from '../../src/nn/pooling';

const { grad, gradcheck, gradgradcheck } = torch.autograd;

type StoredNumber = number | 'nan' | 'inf' | '-inf';
type StoredTensor = { shape: number[]; dtype: 'float32' | 'float64' | 'int32'; data: StoredNumber[] };
type Options = Record<string, unknown>;
interface GoldenCase {
  name: string;
  api: 'functional' | 'module' | 'unpool';
  fn: string;
  args: unknown[];
  options: Options;
  dtype: 'float32' | 'float64';
  input: string;
  output: string;
  indices: string | null;
  gradFns: string[];
  gradOutput: string;
  gradInput: string;
  unpoolIndices?: string;
  source?: string;
  poolArgs?: unknown[];
}
interface Golden {
  torch: string;
  tensors: Record<string, StoredTensor>;
  cases: GoldenCase[];
  double: { fn: string; shape: number[]; args: unknown[]; options: Options; name: string; chain?: string[] }[];
  reprs: { kind: string; args: unknown[]; options: Options; repr: string }[];
  errors: Record<string, string>;
}

const golden = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'golden', 'pooling.json'), 'utf8')) as Golden;

const NUMBERS: Record<string, number> = { nan: NaN, inf: Infinity, '-inf': -Infinity };
function load(name: string): Tensor {
  const t = golden.tensors[name];
  if (!t) throw new Error(`pooling.json has no tensor ${name}`);
  const data = t.data.map((v) => (typeof v === 'string' ? NUMBERS[v] : v));
  const array = t.dtype === 'float32' ? Float32Array.from(data) : t.dtype === 'float64' ? Float64Array.from(data) : Int32Array.from(data);
  return new Tensor(array, t.shape, t.dtype);
}

/** `actual` equals `expected` elementwise within atol + rtol * |expected| (NaN where NaN); reports the worst element. */
function expectClose(actual: Tensor, expected: Tensor, rtol: number, atol: number, what: string): void {
  expect({ what, shape: actual.shape, dtype: actual.dtype }).toEqual({ what, shape: expected.shape, dtype: expected.dtype });
  for (let i = 0; i < expected.numel(); i++) {
    const [a, e] = [actual.data[i], expected.data[i]];
    if (Number.isNaN(e) ? Number.isNaN(a) : a === e || Math.abs(a - e) <= atol + rtol * Math.abs(e)) continue;
    throw new Error(`${what}: element ${i} is ${a}, PyTorch's ${e}`);
  }
}

const TOL = { float64: [1e-12, 1e-12], float32: [1e-6, 1e-6] } as const;

function gradFns(y: Tensor): string[] {
  const names: string[] = [];
  let node = y.gradFn;
  while (node) {
    names.push(node.name);
    node = node.inputs[0]?.gradFn ?? null;
  }
  return names;
}

type Fn = (...args: unknown[]) => Tensor | [Tensor, Tensor];
const FUNCTIONALS: Record<string, Fn> = {
  maxPool1d: P.maxPool1d as Fn,
  maxPool2d: P.maxPool2d as Fn,
  avgPool1d: P.avgPool1d as Fn,
  avgPool2d: P.avgPool2d as Fn,
  adaptiveAvgPool1d: P.adaptiveAvgPool1d as Fn,
  adaptiveAvgPool2d: P.adaptiveAvgPool2d as Fn,
  adaptiveMaxPool1d: P.adaptiveMaxPool1d as Fn,
  adaptiveMaxPool2d: P.adaptiveMaxPool2d as Fn,
  maxUnpool1d: P.maxUnpool1d as Fn,
  maxUnpool2d: P.maxUnpool2d as Fn,
};
type AnyModule = torch.nn.Module & ((...args: unknown[]) => Tensor | [Tensor, Tensor]);
const MODULES: Record<string, new (...args: unknown[]) => AnyModule> = {
  MaxPool1d,
  MaxPool2d,
  AvgPool1d,
  AvgPool2d,
  AdaptiveAvgPool1d,
  AdaptiveAvgPool2d,
  AdaptiveMaxPool1d,
  AdaptiveMaxPool2d,
  MaxUnpool1d,
  MaxUnpool2d,
} as unknown as Record<string, new (...args: unknown[]) => AnyModule>;

function build(kind: string, args: unknown[], options: Options): AnyModule {
  return new MODULES[kind](...args, options);
}

const poolCases = golden.cases.filter((c) => c.fn in FUNCTIONALS || c.fn in MODULES);

describe('golden values, indices and gradients from PyTorch', () => {
  test('the file was written by PyTorch 2.13 and holds every kind of pool', () => {
    expect(golden.torch).toMatch(/^2\.13\./);
    // (the unpool modules take indices: they are checked by the round trip below, not in the file)
    const kinds = [...Object.keys(FUNCTIONALS), ...Object.keys(MODULES).filter((k) => !k.startsWith('MaxUnpool'))];
    expect([...new Set(poolCases.map((c) => c.fn))].sort()).toEqual(kinds.sort());
    expect(poolCases.length).toBeGreaterThan(150);
  });
  test.each(poolCases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const [rtol, atol] = TOL[c.dtype];
    const x = load(c.input).requiresGrad_();
    let out: Tensor | [Tensor, Tensor];
    if (c.api === 'module') out = build(c.fn, c.args, c.options)(x);
    else if (c.api === 'unpool') {
      const indices = load(c.unpoolIndices!);
      out = FUNCTIONALS[c.fn](x, indices, ...c.args, c.options);
      // tsgrad's own pool of the source picks the same indices as PyTorch's
      const [, ours] = FUNCTIONALS[c.fn === 'maxUnpool1d' ? 'maxPool1d' : 'maxPool2d'](load(c.source!), ...c.poolArgs!, { returnIndices: true }) as [
        Tensor,
        Tensor,
      ];
      expect(Array.from(ours.data)).toEqual(Array.from(indices.data));
    } else out = FUNCTIONALS[c.fn](x, ...c.args, c.options);
    const [y, indices] = Array.isArray(out) ? out : [out, null];
    expectClose(y, load(c.output), rtol, atol, 'output');
    if (c.indices) {
      expect(indices!.dtype).toBe('int32');
      expect(indices!.shape).toEqual(load(c.indices).shape);
      expect(Array.from(indices!.data)).toEqual(Array.from(load(c.indices).data));
    } else expect(indices).toBeNull();
    expect(gradFns(y)).toEqual(c.gradFns);
    if (y.numel() === 0) return;
    const [gx] = grad(y, [x], { gradOutputs: load(c.gradOutput) });
    expectClose(gx!, load(c.gradInput), rtol, atol, 'input gradient');
  });
});

describe('the grad_fn of a gradient taken with createGraph', () => {
  test.each(golden.double.filter((d) => d.fn in FUNCTIONALS).map((d) => [`${d.fn} ${d.name}`, d] as const))('%s', (_name, d) => {
    const x = torch.randn(d.shape, { dtype: 'float64' }).requiresGrad_();
    if (d.fn === 'maxUnpool2d') {
      const [values, indices] = P.maxPool2d(x.detach(), 2, { returnIndices: true });
      const v = values.requiresGrad_();
      const y = P.maxUnpool2d(v, indices, 2);
      const [gv] = grad(y, [v], { gradOutputs: torch.randn(y.shape, { dtype: 'float64' }).requiresGrad_(), createGraph: true });
      expect(gradFns(gv!)).toEqual(d.chain);
      return;
    }
    const y = FUNCTIONALS[d.fn](x, ...d.args, d.options) as Tensor;
    const [gx] = grad(y, [x], { gradOutputs: torch.randn(y.shape, { dtype: 'float64' }).requiresGrad_(), createGraph: true });
    expect(gx!.gradFn!.name).toBe(d.name);
  });
});

// ---- gradients of every order ----

let seed = 300;
function rnd(shape: number[]): Tensor {
  return torch.randn(shape, { dtype: 'float64', generator: new torch.Generator(seed++) }).requiresGrad_();
}

/** Indices of a tie-free max pool, fixed, for the unpool cases. */
function poolIndices(shape: number[], k: number, s: number, p: number): Tensor {
  return P.maxPool2d(rnd(shape).detach(), k, { stride: s, padding: p, returnIndices: true })[1];
}

interface GradCase {
  name: string;
  fn: (x: Tensor) => Tensor;
  shape: number[];
}
const gradCases: GradCase[] = [
  { name: 'maxPool2d k2', fn: (x) => P.maxPool2d(x, 2), shape: [2, 2, 4, 4] },
  { name: 'maxPool2d k3 s2 p1 d2 ceil', fn: (x) => P.maxPool2d(x, 3, 2, 1, 2, true), shape: [1, 2, 6, 7] },
  { name: 'maxPool2d k3 s1 p1 (overlapping windows)', fn: (x) => P.maxPool2d(x, 3, { stride: 1, padding: 1 }), shape: [1, 2, 4, 4] },
  { name: 'maxPool2d unbatched k(2, 3)', fn: (x) => P.maxPool2d(x, [2, 3]), shape: [2, 4, 6] },
  { name: 'maxPool2d returnIndices (values)', fn: (x) => P.maxPool2d(x, 2, { returnIndices: true })[0], shape: [1, 2, 4, 5] },
  { name: 'maxPool1d k3 s2 p1', fn: (x) => P.maxPool1d(x, 3, 2, 1), shape: [2, 2, 7] },
  { name: 'avgPool2d k2', fn: (x) => P.avgPool2d(x, 2), shape: [2, 2, 4, 4] },
  { name: 'avgPool2d k3 s2 p1 ceil, countIncludePad false', fn: (x) => P.avgPool2d(x, 3, 2, 1, true, false), shape: [1, 2, 6, 5] },
  { name: 'avgPool2d divisorOverride 3, padding 1', fn: (x) => P.avgPool2d(x, 2, { padding: 1, divisorOverride: 3 }), shape: [1, 2, 4, 3] },
  { name: 'avgPool2d unbatched', fn: (x) => P.avgPool2d(x, [2, 3], { stride: 1 }), shape: [2, 4, 5] },
  { name: 'avgPool1d k3 s2 p1 ceil', fn: (x) => P.avgPool1d(x, 3, 2, 1, true), shape: [2, 2, 8] },
  { name: 'adaptiveAvgPool2d 3 on (7, 5)', fn: (x) => P.adaptiveAvgPool2d(x, 3), shape: [1, 2, 7, 5] },
  { name: 'adaptiveAvgPool2d 5 on (3, 4)', fn: (x) => P.adaptiveAvgPool2d(x, 5), shape: [1, 2, 3, 4] },
  { name: 'adaptiveAvgPool2d 1 (mean)', fn: (x) => P.adaptiveAvgPool2d(x, 1), shape: [2, 2, 3, 4] },
  { name: 'adaptiveAvgPool1d 3 on 7', fn: (x) => P.adaptiveAvgPool1d(x, 3), shape: [2, 2, 7] },
  { name: 'adaptiveMaxPool2d (2, 3)', fn: (x) => P.adaptiveMaxPool2d(x, [2, 3]), shape: [1, 2, 5, 7] },
  { name: 'adaptiveMaxPool2d 4 on 3 (overlapping)', fn: (x) => P.adaptiveMaxPool2d(x, 4), shape: [1, 2, 3, 3] },
  { name: 'adaptiveMaxPool1d 3 on 8, unbatched', fn: (x) => P.adaptiveMaxPool1d(x, 3), shape: [2, 8] },
  (() => {
    const indices = poolIndices([1, 2, 6, 6], 2, 2, 0);
    return { name: 'maxUnpool2d k2', fn: (x: Tensor) => P.maxUnpool2d(x, indices, 2), shape: [1, 2, 3, 3] };
  })(),
  // NOTE: not with repeated indices (overlapping pool windows): the forward writes one of the values
  // there, the gradient (PyTorch's too) reaches all of them; the golden cases check PyTorch's values
  (() => {
    const indices = poolIndices([1, 2, 7, 7], 2, 2, 1);
    return { name: 'maxUnpool2d k2 s2 p1, outputSize', fn: (x: Tensor) => P.maxUnpool2d(x, indices, 2, 2, 1, [7, 7]), shape: [1, 2, 4, 4] };
  })(),
  (() => {
    const [, indices] = P.maxPool1d(rnd([2, 2, 8]).detach(), 2, { returnIndices: true });
    return { name: 'maxUnpool1d k2', fn: (x: Tensor) => P.maxUnpool1d(x, indices, 2), shape: [2, 2, 4] };
  })(),
];

describe('gradcheck (float64)', () => {
  test.each(gradCases.map((k) => [k.name, k] as const))('%s', (_name, k) => {
    expect(gradcheck(k.fn, [rnd(k.shape)])).toBe(true);
  });
  test('through the modules', () => {
    for (const m of [
      new MaxPool2d(2, 1),
      new AvgPool2d(3, { padding: 1, countIncludePad: false }),
      new AdaptiveAvgPool2d([2, null]),
      new AdaptiveMaxPool2d(2),
    ]) {
      expect(gradcheck((x) => m(x), [rnd([1, 2, 4, 4])])).toBe(true);
    }
  });
});

describe('gradgradcheck (float64)', () => {
  test.each(gradCases.map((k) => [k.name, k] as const))('%s', (_name, k) => {
    expect(gradgradcheck(k.fn, [rnd(k.shape)])).toBe(true);
  });
});

describe('the op-made backward equals the storage one', () => {
  test.each(gradCases.map((k) => [k.name, k] as const))('%s', (_name, k) => {
    const x = rnd(k.shape);
    const y = k.fn(x);
    const v = torch.randn(y.shape, { dtype: 'float64', generator: new torch.Generator(3) }).requiresGrad_();
    const [fast] = grad(y, [x], { gradOutputs: v, retainGraph: true });
    const [graph] = grad(y, [x], { gradOutputs: v, createGraph: true });
    // the op-made backward recorded its own node; the storage one records nothing
    expect([fast!.requiresGrad, graph!.requiresGrad]).toEqual([false, true]);
    expectClose(fast!, graph!.detach(), 0, 0, 'gradient');
  });
  test('a float32 MaxPool2d(2) and AvgPool2d(2) batch', () => {
    const g = new torch.Generator(4);
    const x = torch.randn([8, 16, 12, 12], { generator: g }).requiresGrad_();
    for (const y of [P.maxPool2d(x, 2), P.avgPool2d(x, 2), P.adaptiveAvgPool2d(x, 5)]) {
      const v = torch.randn(y.shape, { generator: g });
      const [fast] = grad(y, [x], { gradOutputs: v, retainGraph: true });
      const [graph] = grad(y, [x], { gradOutputs: v, createGraph: true });
      expectClose(fast!, graph!.detach(), 0, 0, `${y.gradFn!.name} gradient`);
    }
  });
});

// ---- worked values ----

describe('worked values', () => {
  const arange = (shape: number[]): Tensor =>
    torch
      .arange(shape.reduce((a, b) => a * b, 1))
      .double()
      .reshape(shape);
  test("MaxPool2d(2) on a 4x4 ramp takes each window's bottom-right element, and its gradient goes there", () => {
    const x = arange([1, 1, 4, 4]).requiresGrad_();
    const y = new MaxPool2d(2)(x);
    expect(y.toArray()).toEqual([
      [
        [
          [5, 7],
          [13, 15],
        ],
      ],
    ]);
    y.sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1]);
  });
  test('AvgPool2d(3, 1, 1) divides a corner window by 9, or by the 4 elements inside with countIncludePad false', () => {
    const x = torch.ones([1, 1, 3, 3], { dtype: 'float64' });
    expect(P.avgPool2d(x, 3, 1, 1).data[0]).toBeCloseTo(4 / 9, 15);
    expect(P.avgPool2d(x, 3, 1, 1, false, false).data[0]).toBe(1);
    expect(P.avgPool2d(x, 3, 1, 1, false, true, 2).data[0]).toBe(2);
  });
  test('int32 input: max pools keep the dtype and record no graph', () => {
    const x = torch.tensor(
      [
        [
          [
            [1, 5, -2, 0],
            [3, 2, 7, 7],
          ],
        ],
      ],
      { dtype: 'int32' },
    );
    const [y, i] = P.maxPool2d(x, 2, { returnIndices: true });
    expect([y.dtype, y.toArray(), i.toArray()]).toEqual(['int32', [[[[5, 7]]]], [[[[1, 6]]]]]);
    expect(P.adaptiveMaxPool2d(x, [1, 1]).toArray()).toEqual([[[[7]]]]);
    expect(() => P.avgPool2d(x, 2)).toThrow('avgPool2d: input must be floating point (float32 or float64), got int32');
  });
  test('an empty batch gives an empty output; an adaptive size of 0 gives an empty output', () => {
    expect(P.maxPool2d(torch.zeros([0, 2, 4, 4]), 2).shape).toEqual([0, 2, 2, 2]);
    expect(P.avgPool2d(torch.zeros([0, 2, 4, 4]), 2).shape).toEqual([0, 2, 2, 2]);
    expect(P.adaptiveAvgPool2d(torch.zeros([1, 2, 4, 4]), [0, 2]).shape).toEqual([1, 2, 0, 2]);
    expect(P.adaptiveMaxPool2d(torch.zeros([1, 2, 4, 4]), [0, 2]).shape).toEqual([1, 2, 0, 2]);
  });
  test('MaxPool2d with returnIndices, then MaxUnpool2d, keeps the maxima in place and zeros the rest', () => {
    // positive values, so that the zeros unpooling fills in never win a window
    const x = torch.add(torch.abs(rnd([2, 3, 6, 5]).detach()), 0.1);
    const pool = new MaxPool2d(2, { returnIndices: true });
    const unpool = new MaxUnpool2d(2);
    const [y, indices] = pool(x);
    const back = unpool(y, indices, x.shape);
    expect(back.shape).toEqual([2, 3, 6, 5]);
    // every output is either 0 or the input element at the same place, and the maxima all come back
    let kept = 0;
    for (let i = 0; i < x.numel(); i++) {
      if (back.data[i] !== 0) {
        expect(back.data[i]).toBe(x.data[i]);
        kept++;
      }
    }
    expect(kept).toBe(y.numel());
    // pooling again gives the same values
    expect(Array.from(pool(back)[0].data)).toEqual(Array.from(y.data));
  });
  test('the unrolled 2x2 kernel agrees with the general one (ties, NaN, -inf)', () => {
    const g = new torch.Generator(7);
    const x = torch.randint(-2, 3, [3, 8, 10], { generator: g }).double();
    const specials = [NaN, -Infinity, Infinity];
    for (let i = 0; i < x.numel(); i += 7) x.data[i] = specials[i % 3];
    const run = (plain: boolean): [number[], number[]] => {
      const y = new Float64Array(3 * 4 * 5);
      const arg = new Int32Array(y.length);
      if (plain) K.maxPool2x2(x.data, 3, 8, 10, 4, 5, y, arg);
      else K.windowMax(x.data, 3, 8, 10, K.maxWindows(8, 4, 2, 2, 0, 1), K.maxWindows(10, 5, 2, 2, 0, 1), y, arg);
      return [Array.from(y), Array.from(arg)];
    };
    expect(run(true)).toEqual(run(false));
  });
  test("ceil mode's output sizes: a last window must start inside the input or its left padding", () => {
    // (size, kernel, padding, stride, dilation) -> PyTorch's sizes without and with ceil mode
    expect([K.poolOutputSize(5, 2, 0, 2, 1, false), K.poolOutputSize(5, 2, 0, 2, 1, true)]).toEqual([2, 3]);
    // floor((5 + 2 - 2 + 1) / 2) + 1 = 4 windows, but the 4th would start at 6 >= 5 + 1: dropped
    expect([K.poolOutputSize(5, 2, 1, 2, 1, false), K.poolOutputSize(5, 2, 1, 2, 1, true)]).toEqual([3, 3]);
    expect([K.poolOutputSize(7, 3, 0, 3, 1, false), K.poolOutputSize(7, 3, 0, 3, 1, true)]).toEqual([2, 3]);
  });
});

// ---- modules ----

describe('printed as PyTorch prints them', () => {
  const reprs = golden.reprs.filter((r) => r.kind in MODULES);
  test.each(reprs.map((r) => [r.repr, r] as const))('%s', (_repr, r) => {
    expect(String(build(r.kind, r.args, r.options))).toBe(r.repr);
  });
  test('inside a model (LeNet-style)', () => {
    class Net extends torch.nn.Module {
      pool = new MaxPool2d(2, 2);
      gap = new AdaptiveAvgPool2d(1);
      forward(x: Tensor): Tensor {
        return this.gap(this.pool(x));
      }
    }
    const net = new Net();
    expect(String(net)).toBe(
      'Net(\n  (pool): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)\n  (gap): AdaptiveAvgPool2d(output_size=1)\n)',
    );
    expect(net(torch.randn([2, 3, 8, 8])).shape).toEqual([2, 3, 1, 1]);
    expect(net.parameters()).toEqual([]);
  });
});

describe('arguments: positional as in PyTorch, or an options object', () => {
  const x = torch.randn([1, 2, 7, 7], { generator: new torch.Generator(11) });
  test("MaxPool2d's positional order is PyTorch's module order (returnIndices before ceilMode); F.maxPool2d's is the functional's", () => {
    const m = new MaxPool2d(3, 2, 1, 1, true, true);
    expect([m.returnIndices, m.ceilMode, m.stride]).toEqual([true, true, 2]);
    const [a, ai] = m(x);
    const [b, bi] = P.maxPool2d(x, 3, 2, 1, 1, true, true);
    const c = P.maxPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true });
    expect([Array.from(a.data), Array.from(ai.data)]).toEqual([Array.from(b.data), Array.from(bi.data)]);
    expect(Array.from(c.data)).toEqual(Array.from(a.data));
    expect(P.maxPool2dWithIndices(x, 2)[1].dtype).toBe('int32');
    expect(P.maxPool1dWithIndices(x.reshape([2, 7, 7]), 3, { stride: 2 })[0].shape).toEqual([2, 7, 3]);
  });
  test('stride defaults to the kernel size, and prints so', () => {
    expect(new MaxPool2d([2, 3]).stride).toEqual([2, 3]);
    expect(new AvgPool2d(3, null, 1).stride).toBe(3);
    expect(P.maxPool2d(x, 3, null).shape).toEqual([1, 2, 2, 2]);
  });
  test('unknown options, options given twice, and wrong types are Errors', () => {
    expect(() => P.maxPool2d(x, 2, { kernel_size: 2 } as never)).toThrow("maxPool2d: unknown option 'kernel_size'");
    expect(() => P.maxPool2d(x, 2, { ceil_mode: true } as never)).toThrow("maxPool2d: unknown option 'ceil_mode'; did you mean 'ceilMode'?");
    expect(() => P.avgPool2d(x, 2, 2, { stride: 2 } as never)).toThrow('avgPool2d: stride was given twice, as an argument and as an option');
    expect(() => P.maxPool2d(x, 2, { ceilMode: 1 } as never)).toThrow('maxPool2d: ceilMode must be true or false, got 1');
    expect(() => P.maxPool2d(x, 2.5)).toThrow('maxPool2d: kernel_size must either be a single int, or a tuple of two ints, got 2.5');
    expect(() => P.maxPool2d('x' as never, 2)).toThrow('maxPool2d: input must be a Tensor, got string "x"');
    expect(() => new MaxPool2d('a' as never)).toThrow('MaxPool2d: kernelSize must be a whole number or an array of whole numbers, got string "a"');
    expect(() => new AvgPool2d(2, { divisorOverride: 1.5 })).toThrow('AvgPool2d: divisorOverride must be a whole number or null, got 1.5');
    expect(() => new AdaptiveAvgPool2d('x' as never)).toThrow('AdaptiveAvgPool2d: outputSize must be a whole number, null, or an array of them');
    expect(() => P.maxPool2d(torch.zeros([1, 1, 4, 4], { dtype: 'bool' }), 2)).toThrow('maxPool2d: input must be a float or int32 tensor, got bool');
    expect(() => P.maxUnpool2d(x, 'i' as never, 2)).toThrow('maxUnpool2d: indices must be a Tensor');
  });
});

// ---- PyTorch's errors ----

/** PyTorch's message without its own function-name prefix (`max_pool2d: `, `max_pool1d() `, `adaptive_avg_pool2d(): `). */
function unprefixed(message: string): string {
  return message.replace(/^[a-z0-9_]+(\(\):?|:)\s/, '');
}

describe("PyTorch's errors, in PyTorch's words", () => {
  const r = (...shape: number[]): Tensor => torch.randn(shape);
  const long = (shape: number[], value: number): Tensor => torch.full(shape, value, { dtype: 'int32' });
  const calls: Record<string, () => unknown> = {
    'maxPool2d 2-D input': () => P.maxPool2d(r(3, 4), 2),
    'maxPool2d 5-D input': () => P.maxPool2d(r(1, 1, 3, 4, 4), 2),
    'maxPool2d empty H': () => P.maxPool2d(r(1, 1, 0, 4), 2),
    'maxPool2d empty C': () => new MaxPool2d(2)(r(2, 0, 4, 4)),
    'maxPool2d empty C unbatched': () => P.maxPool2d(r(0, 4, 4), 2),
    'maxPool2d padding more than half the kernel': () => P.maxPool2d(r(1, 1, 5, 5), 2, { padding: 2 }),
    'maxPool2d padding (0, 2) on kernel 3': () => P.maxPool2d(r(1, 1, 9, 9), 3, { padding: [0, 2] }),
    'maxPool2d padding 2, kernel 3, dilation 2': () => P.maxPool2d(r(1, 1, 9, 9), 3, { padding: 2, dilation: 2 }),
    'maxPool2d padding -1': () => P.maxPool2d(r(1, 1, 5, 5), 2, { padding: -1 }),
    'maxPool2d kernel 0': () => P.maxPool2d(r(1, 1, 5, 5), 0),
    'maxPool2d kernel 0 stride 1': () => P.maxPool2d(r(1, 1, 5, 5), 0, 1),
    'maxPool2d stride 0': () => P.maxPool2d(r(1, 1, 5, 5), 2, 0),
    'maxPool2d stride -1': () => P.maxPool2d(r(1, 1, 5, 5), 2, -1),
    'maxPool2d dilation 0': () => P.maxPool2d(r(1, 1, 5, 5), 2, { dilation: 0 }),
    'maxPool2d output too small': () => P.maxPool2d(r(1, 1, 2, 2), 3),
    'maxPool2d kernel of 3': () => P.maxPool2d(r(1, 1, 5, 5), [2, 2, 2]),
    'maxPool2d stride of 3': () => P.maxPool2d(r(1, 1, 5, 5), 2, [1, 1, 1]),
    'maxPool2d padding of 3': () => P.maxPool2d(r(1, 1, 5, 5), 2, 2, [1, 1, 1]),
    'maxPool2d dilation of 3': () => P.maxPool2d(r(1, 1, 5, 5), 2, 2, 0, [1, 1, 1]),
    'maxPool1d 1-D input': () => P.maxPool1d(r(4), 2),
    'maxPool1d 4-D input': () => P.maxPool1d(r(1, 1, 3, 4), 2),
    'maxPool1d empty': () => new MaxPool1d(2)(r(1, 0, 5)),
    'maxPool1d padding': () => P.maxPool1d(r(1, 1, 5), 2, { padding: 2 }),
    'maxPool1d output too small': () => P.maxPool1d(r(1, 1, 2), 3),
    'maxPool1d kernel 0': () => P.maxPool1d(r(1, 1, 5), 0),
    'maxPool1d stride 0': () => P.maxPool1d(r(1, 1, 5), 2, 0),
    'maxPool1d padding -1': () => P.maxPool1d(r(1, 1, 5), 2, { padding: -1 }),
    'maxPool1d dilation 0': () => P.maxPool1d(r(1, 1, 5), 2, { dilation: 0 }),
    'maxPool1d kernel of 2': () => P.maxPool1d(r(1, 1, 5), [2, 2]),
    'maxPool1d stride of 2': () => P.maxPool1d(r(1, 1, 5), 2, [2, 2]),
    'avgPool2d 5-D input': () => P.avgPool2d(r(1, 1, 3, 4, 4), 2),
    'avgPool2d empty H': () => new AvgPool2d(2)(r(1, 1, 0, 4)),
    'avgPool2d padding': () => P.avgPool2d(r(1, 1, 5, 5), 2, { padding: 2 }),
    'avgPool2d padding -1': () => P.avgPool2d(r(1, 1, 5, 5), 2, { padding: -1 }),
    'avgPool2d divisor 0': () => P.avgPool2d(r(1, 1, 5, 5), 2, { divisorOverride: 0 }),
    'avgPool2d output too small': () => P.avgPool2d(r(1, 1, 2, 2), 3),
    'avgPool2d kernel 0': () => P.avgPool2d(r(1, 1, 5, 5), 0),
    'avgPool2d kernel 0 stride 1': () => P.avgPool2d(r(1, 1, 5, 5), 0, 1),
    'avgPool2d kernel of 3': () => P.avgPool2d(r(1, 1, 5, 5), [2, 2, 2]),
    'avgPool2d stride of 3': () => P.avgPool2d(r(1, 1, 5, 5), 2, [1, 1, 1]),
    'avgPool2d padding of 3': () => P.avgPool2d(r(1, 1, 5, 5), 2, 2, [1, 1, 1]),
    'avgPool1d 1-D input': () => P.avgPool1d(r(4), 2),
    'avgPool1d 4-D input': () => new AvgPool1d(2)(r(1, 1, 4, 4)),
    'avgPool1d padding': () => P.avgPool1d(r(1, 1, 5), 2, { padding: 2 }),
    'avgPool1d output too small': () => P.avgPool1d(r(1, 1, 2), 3),
    'avgPool1d kernel of 2': () => P.avgPool1d(r(1, 1, 5), [2, 2]),
    'avgPool1d stride of 2': () => P.avgPool1d(r(1, 1, 5), 2, [2, 2]),
    'avgPool1d kernel 0': () => P.avgPool1d(r(1, 1, 5), 0),
    'adaptiveAvgPool2d 2-D input': () => P.adaptiveAvgPool2d(r(3, 4), 2),
    'adaptiveAvgPool2d 5-D input': () => P.adaptiveAvgPool2d(r(1, 1, 3, 4, 4), 2),
    'adaptiveAvgPool2d output size of 3': () => P.adaptiveAvgPool2d(r(1, 1, 4, 4), [2, 2, 2]),
    'adaptiveAvgPool2d negative output size': () => P.adaptiveAvgPool2d(r(1, 1, 4, 4), [-1, 2]),
    'adaptiveAvgPool2d empty H': () => new AdaptiveAvgPool2d(2)(r(1, 1, 0, 4)),
    'adaptiveAvgPool2d null on 2-D input': () => P.adaptiveAvgPool2d(r(3, 4), [null, 2]),
    'adaptiveAvgPool1d 1-D input': () => P.adaptiveAvgPool1d(r(4), 2),
    'adaptiveAvgPool1d 4-D input': () => P.adaptiveAvgPool1d(r(1, 1, 4, 4), 2),
    'adaptiveAvgPool1d output size of 2': () => P.adaptiveAvgPool1d(r(1, 1, 4), [2, 2]),
    'adaptiveAvgPool1d negative output size': () => P.adaptiveAvgPool1d(r(1, 1, 4), -1),
    'adaptiveAvgPool1d empty': () => P.adaptiveAvgPool1d(r(1, 1, 0), 2),
    'adaptiveMaxPool2d 2-D input': () => P.adaptiveMaxPool2d(r(3, 4), 2),
    'adaptiveMaxPool2d 5-D input': () => P.adaptiveMaxPool2d(r(1, 1, 3, 4, 4), 2),
    'adaptiveMaxPool2d empty C': () => new AdaptiveMaxPool2d(2)(r(1, 0, 4, 4)),
    'adaptiveMaxPool2d empty H': () => P.adaptiveMaxPool2d(r(1, 1, 0, 4), 2),
    'adaptiveMaxPool1d 1-D input': () => P.adaptiveMaxPool1d(r(4), 2),
    'adaptiveMaxPool1d output size of 2': () => new AdaptiveMaxPool1d([2, 2])(r(1, 1, 4)),
    'maxUnpool2d indices shape': () => P.maxUnpool2d(r(1, 1, 2, 2), long([1, 1, 2, 3], 0), 2),
    'maxUnpool2d index too big': () => P.maxUnpool2d(r(1, 1, 2, 2), long([1, 1, 2, 2], 16), 2),
    'maxUnpool2d negative index': () => new MaxUnpool2d(2)(r(1, 1, 2, 2), long([1, 1, 2, 2], -1)),
    'maxUnpool2d 2-D input': () => P.maxUnpool2d(r(2, 2), long([2, 2], 0), 2),
    'maxUnpool2d empty C': () => P.maxUnpool2d(r(1, 0, 2, 2), long([1, 0, 2, 2], 0), 2),
    'maxUnpool2d outputSize out of range': () => P.maxUnpool2d(r(1, 1, 2, 2), long([1, 1, 2, 2], 0), 2, { outputSize: [7, 4] }),
    'maxUnpool2d outputSize length': () => new MaxUnpool2d(2)(r(1, 1, 2, 2), long([1, 1, 2, 2], 0), [1, 4, 4]),
    'maxUnpool1d index too big': () => P.maxUnpool1d(r(1, 1, 2), long([1, 1, 2], 4), 2),
  };
  // where tsgrad's words differ from PyTorch's, on purpose (the part both say is checked too)
  const reworded: Record<string, [() => unknown, string, string]> = {
    // PyTorch fails indexing dim -3 of a 2-D input; tsgrad says what its 5-D message says
    'avgPool2d 2-D input': [
      () => P.avgPool2d(r(3, 4), 2),
      'avgPool2d: Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:[3, 4]',
      'Dimension out of range',
    ],
    'adaptiveMaxPool2d output size of 3': [
      () => P.adaptiveMaxPool2d(r(1, 1, 4, 4), [2, 2, 2]),
      'adaptiveMaxPool2d: output_size must be 2, got [2, 2, 2]',
      'must be 2',
    ],
    'adaptiveMaxPool2d negative output size': [
      () => P.adaptiveMaxPool2d(r(1, 1, 4, 4), [-1, 2]),
      'adaptiveMaxPool2d: elements of output_size must be greater than or equal to 0 but received {-1, 2}',
      'negative dimension -1',
    ],
    // tsgrad's indices are int32, its stand-in for int64
    'maxUnpool2d float indices': [
      () => P.maxUnpool2d(r(1, 1, 2, 2), torch.zeros([1, 1, 2, 2]), 2),
      "maxUnpool2d: elements in indices should be type int32 (tsgrad's int64) but got: float32",
      'elements in indices should be type',
    ],
    // PyTorch counts the dims of the 2-D call it makes
    'maxUnpool1d 4-D input': [
      () => P.maxUnpool1d(r(1, 1, 2, 2), long([1, 1, 2, 2], 0), 2),
      'maxUnpool1d: Input to max_unpooling1d should be a 2d or 3d Tensor, but got a tensor with 4 dimensions.',
      'should be a 3d or 4d Tensor',
    ],
  };
  const owned = Object.keys(golden.errors).filter((k) => !/^(interpolate|Upsample)/.test(k));
  test('every recorded PyTorch pooling error has a tsgrad call here', () => {
    expect(owned.sort()).toEqual([...Object.keys(calls), ...Object.keys(reworded)].sort());
  });
  test.each(Object.keys(calls).map((k) => [k] as const))('%s', (name) => {
    expect(calls[name]).toThrow(unprefixed(golden.errors[name]));
  });
  test.each(Object.keys(reworded).map((k) => [k] as const))('%s (reworded)', (name) => {
    const [call, ours, shared] = reworded[name];
    expect(golden.errors[name]).toContain(shared);
    expect(call).toThrow(ours);
  });
});
