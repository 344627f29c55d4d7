import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../../src/index';
import { Tensor } from '../../src/index';
import type { DType } from '../../src/index';
import * as A from '../../src/nn/functional/activations-more';
import * as M from '../../src/nn/activation';
import type { Module } from '../../src/nn/module';
import { pyValue, typedArray } from '../helpers';

// The activations of issue 14 against real PyTorch 2.13 (tests/golden/gen_activations_losses.py
// writes tests/golden/activations-losses.json; no Python needed here): values, dtypes, grad_fn names,
// gradients and errors over each function's options, float64 and float32, special values (NaN, +-inf,
// +-0, each function's kinks) and in-place writes; then module reprs, finite-difference checks of
// first and second derivatives (float64), the storage backward against the one made of ops, and
// RReLU's random slopes.

const { gradcheck, gradgradcheck } = torch.autograd;

type Num = number | 'nan' | 'inf' | '-inf';
interface TensorSpec {
  shape: number[];
  dtype: DType;
  data: Num[];
  requiresGrad: boolean;
}
interface GoldenCase {
  name: string;
  fn: string;
  args: Record<string, Num | string | boolean>;
  inputs: TensorSpec[];
  inplace?: boolean;
  leafInplace?: boolean;
  error?: string;
  output?: { shape: number[]; dtype: DType; data: Num[] };
  gradFn?: string | null;
  gradOutput?: Num[] | null;
  grads?: (Num[] | null)[];
}
const golden = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'golden', 'activations-losses.json'), 'utf8')) as {
  torch: string;
  activations: GoldenCase[];
  reprs: { module: string; args: (number | boolean | string)[]; repr: string }[];
  moduleErrors: { module: string; args: number[]; error: string }[];
  preluModule: { namedParameters: [string, number[], number[]][] };
};

type Args = GoldenCase['args'];
const n = (a: Args, key: string): number | undefined => (a[key] === undefined ? undefined : pyValue(a[key] as Num));
const flag = (a: Args, key: string): boolean => a[key] === true;

/** The tsgrad call for each function name the generator uses, and the name its errors start with. */
const OPS: Record<string, [string, (inputs: Tensor[], a: Args) => Tensor]> = {
  elu: ['elu', ([x], a) => A.elu(x, n(a, 'alpha') ?? 1, flag(a, 'inplace'))],
  selu: ['selu', ([x], a) => A.selu(x, flag(a, 'inplace'))],
  celu: ['celu', ([x], a) => A.celu(x, n(a, 'alpha') ?? 1, flag(a, 'inplace'))],
  gelu: ['gelu', ([x], a) => A.gelu(x, a.approximate === undefined ? {} : { approximate: a.approximate as A.GeluApproximate })],
  silu: ['silu', ([x], a) => A.silu(x, flag(a, 'inplace'))],
  mish: ['mish', ([x], a) => A.mish(x, flag(a, 'inplace'))],
  softplus: ['softplus', ([x], a) => A.softplus(x, n(a, 'beta') ?? 1, n(a, 'threshold') ?? 20)],
  softshrink: ['softshrink', ([x], a) => A.softshrink(x, n(a, 'lambd') ?? 0.5)],
  hardshrink: ['hardshrink', ([x], a) => A.hardshrink(x, n(a, 'lambd') ?? 0.5)],
  tanhshrink: ['tanhshrink', ([x]) => A.tanhshrink(x)],
  hardtanh: ['hardtanh', ([x], a) => A.hardtanh(x, n(a, 'minVal') ?? -1, n(a, 'maxVal') ?? 1, flag(a, 'inplace'))],
  relu6: ['relu6', ([x], a) => A.relu6(x, flag(a, 'inplace'))],
  hardsigmoid: ['hardsigmoid', ([x], a) => A.hardsigmoid(x, flag(a, 'inplace'))],
  hardswish: ['hardswish', ([x], a) => A.hardswish(x, flag(a, 'inplace'))],
  prelu: ['prelu', ([x, w]) => A.prelu(x, w)],
  rrelu: ['rrelu', ([x], a) => A.rrelu(x, n(a, 'lower') ?? 1 / 8, n(a, 'upper') ?? 1 / 3, false, flag(a, 'inplace'))],
  logsigmoid: ['logsigmoid', ([x]) => A.logsigmoid(x)],
  threshold: ['threshold', ([x], a) => A.threshold(x, n(a, 'threshold')!, n(a, 'value')!, flag(a, 'inplace'))],
  glu: ['glu', ([x], a) => A.glu(x, n(a, 'dim') ?? -1)],
  softmin: ['softmin', ([x], a) => A.softmin(x, n(a, 'dim')!)],
  softmax2d: ['Softmax2d', ([x]) => new M.Softmax2d()(x)],
  relu_: ['relu_', ([x]) => A.relu_(x)],
  leakyRelu_: ['leakyRelu_', ([x], a) => A.leakyRelu_(x, n(a, 'negativeSlope') ?? 0.01)],
};

function build(spec: TensorSpec): Tensor {
  const x = new Tensor(typedArray(spec.dtype, spec.data.map(pyValue)), spec.shape, spec.dtype);
  return spec.requiresGrad ? x.requiresGrad_(true) : x;
}

/**
 * Whether tsgrad's `actual` matches PyTorch's `expected`: NaN matches NaN and infinities exactly;
 * finite float64 values to 1e-12 relative (1e-14 absolute near 0), float32 ones to 4e-6 relative
 * (PyTorch's float32 kernels round each step in float32; tsgrad rounds once).
 */
function close(actual: number, expected: number, dtype: DType, rtol64 = 1e-12, atol64 = 1e-14): boolean {
  if (Number.isNaN(expected) || Number.isNaN(actual)) return Number.isNaN(expected) && Number.isNaN(actual);
  if (!Number.isFinite(expected) || !Number.isFinite(actual)) return actual === expected;
  const diff = Math.abs(actual - expected);
  if (dtype === 'float32') return diff <= 4e-6 * Math.abs(expected) + 4e-6;
  if (dtype === 'float64') return diff <= rtol64 * Math.abs(expected) + atol64;
  return actual === expected;
}

/** `zeroSign`: a zero's sign must match too (checked on the outputs of the special-value tensors, which run PyTorch's vectorised loop). */
function compare(actual: Tensor, expected: Num[], what: string, rtol64?: number, atol64?: number, zeroSign = false): string[] {
  const want = expected.map(pyValue);
  const got = Array.from(actual.data);
  if (got.length !== want.length) return [`${what}: ${got.length} elements, PyTorch has ${want.length}`];
  const bad: string[] = [];
  for (let i = 0; i < want.length; i++) {
    const signDiffers = zeroSign && got[i] === 0 && want[i] === 0 && !Object.is(got[i], want[i]);
    if (signDiffers || !close(got[i], want[i], actual.dtype, rtol64, atol64)) {
      bad.push(`${what}[${i}]: tsgrad ${Object.is(got[i], -0) ? '-0' : got[i]}, PyTorch ${Object.is(want[i], -0) ? '-0' : want[i]}`);
    }
  }
  return bad;
}

/** Runs a golden case through `call`; returns what differs from PyTorch (nothing when it matches). */
function runCase(c: GoldenCase, tsName: string, call: (inputs: Tensor[], a: Args) => Tensor, rtol64?: number, atol64?: number): string[] {
  const inputs = c.inputs.map(build);
  const args = c.inplace && !c.leafInplace ? [inputs[0].clone(), ...inputs.slice(1)] : inputs;
  if (c.error !== undefined) {
    let thrown: unknown = null;
    try {
      call(args, c.args);
    } catch (err) {
      thrown = err;
    }
    if (thrown === null) return [`tsgrad accepts the call; PyTorch raises ${c.error}`];
    if (!(thrown instanceof Error) || thrown.constructor !== Error) return [`tsgrad threw ${String(thrown)}, not a plain Error`];
    return thrown.message.startsWith(`${tsName}: `) ? [] : [`the message should start with '${tsName}: ': ${thrown.message}`];
  }
  let out: Tensor;
  try {
    out = call(args, c.args);
  } catch (err) {
    return [`tsgrad threw: ${(err as Error).message}`];
  }
  const want = c.output!;
  if (JSON.stringify([...out.shape]) !== JSON.stringify(want.shape)) return [`shape [${out.shape.join(', ')}], PyTorch [${want.shape.join(', ')}]`];
  if (out.dtype !== want.dtype) return [`dtype ${out.dtype}, PyTorch ${want.dtype}`];
  const problems = compare(out, want.data, 'output', rtol64, atol64, c.name.includes('special values'));
  if (c.inplace && out !== args[0]) problems.push('inplace: the result is not the input tensor');
  const gradFn = out.gradFn === null ? null : out.gradFn.name;
  if (gradFn !== c.gradFn) problems.push(`grad_fn ${gradFn}, PyTorch ${c.gradFn}`);
  if (c.gradOutput) {
    const g = new Tensor(typedArray(out.dtype, c.gradOutput.map(pyValue)), out.shape, out.dtype);
    out.backward(g);
    c.grads!.forEach((want, i) => {
      const got = inputs[i].grad;
      if (want === null) {
        if (got !== null) problems.push(`input ${i} got a gradient, PyTorch none`);
      } else if (got === null) problems.push(`input ${i} got no gradient`);
      else problems.push(...compare(got, want, `grad ${i}`, rtol64, atol64));
    });
  }
  return problems;
}

describe('activations against PyTorch 2.13 (golden values, gradients, grad_fn names, errors)', () => {
  expect(golden.torch).toMatch(/^2\.13/);
  it.each(golden.activations.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const [tsName, call] = OPS[c.fn];
    expect(runCase(c, tsName, call)).toEqual([]);
  });
});

describe('activation modules', () => {
  const ctor = (name: string): new (...args: unknown[]) => Module => (M as unknown as Record<string, new (...args: unknown[]) => Module>)[name];

  it.each(golden.reprs.map((r) => [r.repr, r] as const))("prints %s as PyTorch's module does", (_repr, r) => {
    expect(String(new (ctor(r.module))(...r.args))).toBe(r.repr);
  });

  it("rejects Hardtanh bounds PyTorch's module rejects", () => {
    for (const e of golden.moduleErrors) {
      // PyTorch: AssertionError: max_val (1.0) must be greater than min_val (1.0)
      expect(() => new (ctor(e.module))(...e.args)).toThrow(/^Hardtanh: maxVal \(1\.0\) must be greater than minVal \((1|2)\.0\)$/);
    }
    expect(() => new M.ReLU6()).not.toThrow();
  });

  it('forwards to the functional form with its options', () => {
    torch.manualSeed(3);
    const x = torch.randn([4, 6], { dtype: 'float64' }).mul(3);
    const pairs: [Module, Tensor][] = [
      [new M.ELU(0.5), A.elu(x, 0.5)],
      [new M.SELU(), A.selu(x)],
      [new M.CELU(2), A.celu(x, 2)],
      [new M.GELU('tanh'), A.gelu(x, { approximate: 'tanh' })],
      [new M.SiLU(), A.silu(x)],
      [new M.Mish(), A.mish(x)],
      [new M.Softplus(2, 3), A.softplus(x, 2, 3)],
      [new M.Softshrink(1), A.softshrink(x, 1)],
      [new M.Hardshrink(1), A.hardshrink(x, 1)],
      [new M.Tanhshrink(), A.tanhshrink(x)],
      [new M.Hardtanh(-2, 0.5), A.hardtanh(x, -2, 0.5)],
      [new M.ReLU6(), A.relu6(x)],
      [new M.Hardsigmoid(), A.hardsigmoid(x)],
      [new M.Hardswish(), A.hardswish(x)],
      [new M.RReLU(0.1, 0.3).eval(), A.rrelu(x, 0.1, 0.3)],
      [new M.LogSigmoid(), A.logsigmoid(x)],
      [new M.Threshold(0.1, 20), A.threshold(x, 0.1, 20)],
      [new M.GLU(1), A.glu(x, 1)],
      [new M.Softmin(0), A.softmin(x, 0)],
    ];
    for (const [m, want] of pairs) expect(Array.from((m as unknown as (t: Tensor) => Tensor)(x).data)).toEqual(Array.from(want.data));
  });

  it('writes into the input with inplace, and returns it', () => {
    const cases: [Module, (t: Tensor) => Tensor][] = [
      [new M.ReLU(true), (t) => t.relu()],
      [new M.LeakyReLU(0.2, true), (t) => torch.nn.functional.leakyRelu(t, 0.2)],
      [new M.ELU(1, true), (t) => A.elu(t)],
      [new M.SELU(true), (t) => A.selu(t)],
      [new M.CELU(1.5, true), (t) => A.celu(t, 1.5)],
      [new M.SiLU(true), (t) => A.silu(t)],
      [new M.Mish(true), (t) => A.mish(t)],
      [new M.Hardtanh(-0.5, 0.5, true), (t) => A.hardtanh(t, -0.5, 0.5)],
      [new M.ReLU6(true), (t) => A.relu6(t)],
      [new M.Hardsigmoid(true), (t) => A.hardsigmoid(t)],
      [new M.Hardswish(true), (t) => A.hardswish(t)],
      [new M.RReLU(0.1, 0.3, true).eval(), (t) => A.rrelu(t, 0.1, 0.3)],
      [new M.Threshold(0.2, -1, true), (t) => A.threshold(t, 0.2, -1)],
    ];
    for (const [m, f] of cases) {
      const x = torch.tensor([-7, -2.5, -0.3, 0, 0.4, 1.2, 8], { dtype: 'float64' });
      const want = f(x);
      const version = x._version.value;
      const y = (m as unknown as (t: Tensor) => Tensor)(x);
      expect(y).toBe(x);
      expect(Array.from(x.data)).toEqual(Array.from(want.data));
      expect(x._version.value).toBe(version + 1);
    }
  });

  it('writes in place into a leaf that requires grad only under noGrad, as PyTorch', () => {
    const x = torch.tensor([-1, 2], { dtype: 'float64', requiresGrad: true });
    expect(() => new M.ELU(1, true)(x)).toThrow(/^elu: a leaf Variable that requires grad is being used in an in-place operation\./);
    torch.noGrad(() => new M.ELU(1, true)(x));
    expect(Array.from(x.data)).toEqual([Math.expm1(-1), 2]);
    expect(x.gradFn).toBeNull();
  });

  it('an in-place write keeps the gradients of ops that read the input before it', () => {
    // PyTorch 2.13: a = x * 2; b = a + a; F.elu(a, inplace=True); (a + b).sum().backward() -> x.grad = 2 elu'(2x) + 4
    const x = torch.tensor([-0.7, 0.3], { dtype: 'float64', requiresGrad: true });
    const a = x.mul(2);
    const b = a.add(a);
    A.elu(a, 1, true);
    expect(a.gradFn!.name).toBe('EluBackward1');
    a.add(b).sum().backward();
    const want = [-0.7, 0.3].map((v) => 2 * (2 * v > 0 ? 1 : Math.exp(2 * v)) + 4);
    Array.from(x.grad!.data).forEach((g, i) => expect(g).toBeCloseTo(want[i], 14));
    // and an op that saved the old value cannot backward any more (PyTorch: "... modified by an inplace operation")
    const c = x.mul(2);
    const d = c.mul(c);
    A.silu(c, true);
    expect(() => d.sum().backward()).toThrow(/MulBackward0: one of the tensors needed for gradient computation has been modified by an in-place operation/);
  });

  it("PReLU holds one learnable slope per parameter, as PyTorch's", () => {
    const m = new M.PReLU(3, 0.1);
    const [[name, shape, values]] = golden.preluModule.namedParameters;
    const params = m.namedParameters();
    expect(params.map(([k]) => k)).toEqual([name]);
    expect([...params[0][1].shape]).toEqual(shape);
    expect(Array.from(params[0][1].data)).toEqual(values);
    expect(params[0][1].dtype).toBe('float32');
    expect(Object.keys(m.stateDict())).toEqual(['weight']);
    expect(new M.PReLU(2, 0.3, { dtype: 'float64' }).weight.dtype).toBe('float64');
    // the slopes learn: d/dw sum(prelu(x, w)) = sum of the negative x of each channel
    const p = new M.PReLU(2, 0.25, { dtype: 'float64' });
    const x = torch.tensor(
      [
        [-1, 2],
        [-3, -4],
      ],
      { dtype: 'float64' },
    );
    p(x).sum().backward();
    expect(Array.from(p.weight.grad!.data)).toEqual([-4, -4]);
    expect(() => new M.PReLU(0)).toThrow('PReLU: numParameters must be at least 1, got 0');
    expect(() => new M.PReLU(2, 0.25, { device: 'cuda' } as never)).toThrow(/PReLU: device/);
  });

  it('checks its options', () => {
    expect(() => new M.ELU('1' as never)).toThrow('ELU: alpha must be a number, got string "1"');
    expect(() => new M.SiLU(1 as never)).toThrow('SiLU: inplace must be true or false, got 1');
    expect(() => new M.GELU('erf' as never)).toThrow(`GELU: approximate must be 'none' or 'tanh', got string "erf"`);
    expect(() => new M.Softmin(0.5)).toThrow('Softmin: dim must be a whole number, got 0.5');
    expect(() => A.gelu(torch.zeros([1]), { approx: 'tanh' } as never)).toThrow("gelu: unknown option 'approx'");
    expect(() => A.softmin(torch.zeros([1]), undefined as never)).toThrow('softmin: dim is required');
    expect(() => A.elu(torch.zeros([1]), 1, 'yes' as never)).toThrow('elu: inplace must be true or false, got string "yes"');
  });
});

describe('RReLU in training mode', () => {
  it('draws each negative slope uniformly from [lower, upper], seeded', () => {
    torch.manualSeed(42);
    const x = torch.full([20000], -2, { dtype: 'float64', requiresGrad: true });
    const y = A.rrelu(x, 0.1, 0.3, true);
    expect(y.gradFn!.name).toBe('RreluWithNoiseBackward0');
    const slopes = Array.from(y.data, (v) => v / -2);
    expect(Math.min(...slopes)).toBeGreaterThanOrEqual(0.1);
    expect(Math.max(...slopes)).toBeLessThanOrEqual(0.3);
    const mean = slopes.reduce((a, b) => a + b, 0) / slopes.length;
    const variance = slopes.reduce((a, b) => a + (b - mean) ** 2, 0) / slopes.length;
    // U(0.1, 0.3): mean 0.2, variance 0.2^2 / 12; the standard error of the mean is ~4e-4
    expect(Math.abs(mean - 0.2)).toBeLessThan(2e-3);
    expect(Math.abs(variance - 0.04 / 12)).toBeLessThan(2e-4);
    // the gradient is each element's own slope
    y.sum().backward();
    expect(Array.from(x.grad!.data)).toEqual(slopes);
    // the same seed gives the same slopes
    torch.manualSeed(42);
    expect(Array.from(A.rrelu(x.detach(), 0.1, 0.3, true).data)).toEqual(Array.from(y.data));
  });

  it('leaves x > 0 alone, gives 0 a slope, and follows the module mode', () => {
    torch.manualSeed(1);
    const x = torch.tensor([3, 0, -1, 1e-9], { dtype: 'float64' });
    const y = A.rrelu(x, 0.2, 0.4, true);
    expect(y.data[0]).toBe(3);
    expect(y.data[3]).toBe(1e-9);
    expect(y.data[1]).toBe(0);
    expect(-y.data[2]).toBeGreaterThanOrEqual(0.2);
    expect(-y.data[2]).toBeLessThanOrEqual(0.4);
    const m = new M.RReLU(0.2, 0.4);
    expect(m.training).toBe(true);
    const draws = new Set(Array.from({ length: 5 }, () => m(torch.tensor([-1], { dtype: 'float64' })).item()));
    expect(draws.size).toBe(5);
    m.eval();
    expect(m(torch.tensor([-1], { dtype: 'float64' })).item()).toBeCloseTo(-0.3, 15);
  });

  it('with lower equal to upper uses that slope, and rejects lower above upper', () => {
    const x = torch.tensor([-2, 1], { dtype: 'float64' });
    expect(Array.from(A.rrelu(x, 0.25, 0.25, true).data)).toEqual([-0.5, 1]);
    expect(() => A.rrelu(x, 0.5, 0.1, true)).toThrow('rrelu: lower must be less than or equal to upper, got lower 0.5 and upper 0.1');
  });

  it('in place on a tensor with history, and through gradcheck with fixed noise', () => {
    const x = torch.tensor([-1.5, 0.7, -0.2], { dtype: 'float64', requiresGrad: true });
    torch.manualSeed(9);
    const y = A.rrelu(x.mul(1), 0.1, 0.3, true, true);
    expect(y.gradFn!.name).toBe('RreluWithNoiseBackward1');
    y.sum().backward();
    expect(x.grad!.data[1]).toBe(1);
    expect(x.grad!.data[0]).toBeCloseTo(y.data[0] / -1.5, 14);
    const f = (t: Tensor): Tensor => {
      torch.manualSeed(11);
      return A.rrelu(t, 0.1, 0.3, true);
    };
    expect(gradcheck(f, [x])).toBe(true);
    expect(gradgradcheck(f, [x])).toBe(true);
  });
});

describe('finite-difference checks (float64): first and second derivatives', () => {
  // points away from every kink (0, +-0.5, +-1, +-1.5, +-3, the thresholds)
  const points = [-4.2, -2.7, -1.3, -0.6, -0.2, 0.15, 0.7, 1.6, 2.4, 3.7];
  const x = (): Tensor => torch.tensor(points, { dtype: 'float64', requiresGrad: true });
  const fns: [string, (t: Tensor) => Tensor][] = [
    ['elu', (t) => A.elu(t)],
    ['elu alpha 0.5', (t) => A.elu(t, 0.5)],
    ['selu', (t) => A.selu(t)],
    ['celu alpha 2.5', (t) => A.celu(t, 2.5)],
    ['gelu', (t) => A.gelu(t)],
    ['gelu tanh', (t) => A.gelu(t, { approximate: 'tanh' })],
    ['silu', (t) => A.silu(t)],
    ['mish', (t) => A.mish(t)],
    ['softplus', (t) => A.softplus(t)],
    ['softplus beta 2 threshold 3', (t) => A.softplus(t, 2, 3)],
    ['softshrink', (t) => A.softshrink(t)],
    ['hardshrink', (t) => A.hardshrink(t)],
    ['tanhshrink', (t) => A.tanhshrink(t)],
    ['hardtanh', (t) => A.hardtanh(t, -2, 0.5)],
    ['relu6', (t) => A.relu6(t.mul(2))],
    ['hardsigmoid', (t) => A.hardsigmoid(t)],
    ['hardswish', (t) => A.hardswish(t)],
    ['rrelu eval', (t) => A.rrelu(t, 0.1, 0.3)],
    ['logsigmoid', (t) => A.logsigmoid(t)],
    ['threshold', (t) => A.threshold(t, 0.1, 20)],
    ['relu_ on a copy', (t) => A.relu_(t.mul(1))],
    ['leakyRelu_ on a copy', (t) => A.leakyRelu_(t.mul(1), 0.2)],
    ['elu inplace on a copy', (t) => A.elu(t.mul(1), 1, true)],
    ['mish inplace on a copy', (t) => A.mish(t.mul(1), true)],
    ['glu dim 0', (t) => A.glu(t.reshape([10, 1]), 0)],
    ['glu dim 1', (t) => A.glu(t.reshape([5, 2]), 1)],
    ['softmin dim 0', (t) => A.softmin(t.reshape([2, 5]), 0)],
    ['softmin dim 1', (t) => A.softmin(t.reshape([2, 5]), 1)],
    ['softmax2d', (t) => new M.Softmax2d()(t.reshape([1, 5, 2, 1]))],
  ];
  it.each(fns)('%s', (_name, f) => {
    expect(gradcheck(f, [x()])).toBe(true);
    // squared, so that piecewise-linear functions have a second derivative to check too
    expect(gradgradcheck((t) => f(t).pow(2), [x()])).toBe(true);
  });

  it('prelu, in the input and the weight, one slope or one per channel', () => {
    const input = torch.tensor(points, { dtype: 'float64' }).reshape([1, 2, 5]).detach().requiresGrad_();
    for (const w of [torch.tensor([0.25], { dtype: 'float64' }), torch.tensor([0.1, -0.4], { dtype: 'float64' })]) {
      const weight = w.requiresGrad_();
      expect(gradcheck((a, b) => A.prelu(a, b), [input, weight])).toBe(true);
      expect(gradgradcheck((a, b) => A.prelu(a, b).pow(2), [input, weight])).toBe(true);
    }
  });
});

describe('the storage backward agrees with the backward made of ops (special values too)', () => {
  const values = [Number.NaN, Infinity, -Infinity, 0, -0, 0.5, -0.5, 1, -1, 3, -3, 6, 20, 21, -20, 1e-300, 700, -700, 0.1, -2.2, 4.4];
  const fns: [string, (t: Tensor) => Tensor][] = [
    ['elu', (t) => A.elu(t, 0.7)],
    ['selu', (t) => A.selu(t)],
    ['celu', (t) => A.celu(t, 2)],
    ['gelu', (t) => A.gelu(t)],
    ['gelu tanh', (t) => A.gelu(t, { approximate: 'tanh' })],
    ['silu', (t) => A.silu(t)],
    ['mish', (t) => A.mish(t)],
    ['softplus', (t) => A.softplus(t, 2, 10)],
    ['softshrink', (t) => A.softshrink(t, 0.5)],
    ['hardshrink', (t) => A.hardshrink(t, 0.5)],
    ['hardtanh', (t) => A.hardtanh(t)],
    ['relu6', (t) => A.relu6(t)],
    ['hardsigmoid', (t) => A.hardsigmoid(t)],
    ['hardswish', (t) => A.hardswish(t)],
    ['rrelu eval', (t) => A.rrelu(t)],
    ['logsigmoid', (t) => A.logsigmoid(t)],
    ['threshold', (t) => A.threshold(t, 1, 5)],
  ];
  it.each(fns)('%s', (_name, f) => {
    for (const dtype of ['float64', 'float32'] as const) {
      const x = torch.tensor(values, { dtype, requiresGrad: true });
      const node = f(x).gradFn!;
      const g = torch.linspace(-2, 2, values.length, { dtype });
      const slow = node.backward(g)[0]!;
      const fast = node.fastBackward!(g, false)[0]!;
      expect(fast.dtype).toBe(dtype);
      Array.from(fast.data).forEach((v, i) => expect(close(v, slow.data[i], dtype, 1e-12, 1e-15)).toBe(true));
      // reusable: the same values, written into the incoming gradient's storage
      const own = g.clone();
      const inPlace = node.fastBackward!(own, true)[0]!;
      expect(inPlace.data).toBe(own.data);
      expect(Array.from(inPlace.data)).toEqual(Array.from(fast.data));
    }
  });
});
