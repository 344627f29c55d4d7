/**
 * Same-shape elementwise ops of one tensor. Each is one `unaryOp` record: its forward kernel, the
 * tensor its derivative reads (the input, the result or neither), the gradient formula made of ops
 * (one line, differentiable again under createGraph) and, where training speed wants one, the same
 * formula as a one-pass storage kernel. `UnaryBackward` is the one node class they all share. The
 * tests of special values (isnan, ...) and the logical and bitwise not sit here too.
 */
import { Node } from '../autograd/node';
import { needsGrad, record } from '../autograd/record';
import { type TraceAttr, tracer } from '../autograd/trace-hook';
import { kernels } from '../backend/registry';
import { checkDtype, convert, type DType, type FloatArray, isFloatDtype, resultType, type TypedArray } from '../dtype';
import { checkInteger, checkOptions, describe } from '../options';
import * as k from '../kernels/elementwise';
import { Tensor } from '../tensor';
import { add, div, ge, gt, le, logicalAnd, mul, neg, powTensor, sub, where } from './binary';
import { cast, checkTensor, floatDtypeOf, isFloatArray, type TensorOrNumber, zerosOf } from './helpers';

/** The input gradient g * f'(s) on storage, in one pass (s is the saved input or result). */
type GradKernel = (g: FloatArray, s: FloatArray, out: FloatArray) => void;

interface UnaryOp {
  /** The op's name in errors (`exp`). */
  name: string;
  /** PyTorch's grad_fn name (`ExpBackward0`). */
  gradFn: string;
  /**
   * out[i] = f(x[i]); x and out have the op's result dtype: float, except for `keepsDtype` ops,
   * whose kernels take any TypedArray.
   */
  kernel: (x: FloatArray, out: FloatArray) => void;
  /** Integer and bool inputs keep their dtype (abs, relu) instead of computing in the default float. */
  keepsDtype?: boolean;
  /** Bool inputs are an Error, as in PyTorch (abs, relu). */
  rejectsBool?: boolean;
  /** Integer and bool inputs are an Error, as in PyTorch (frac). */
  rejectsInt?: boolean;
  /** What the gradient reads: the input x, the result y (cheaper where f' is a function of f), or nothing (f' = 0). */
  saves: 'input' | 'result' | 'none';
  /** The input gradient from g and the saved tensor, made of ops. */
  grad: (g: Tensor, saved: Tensor) => Tensor;
  /** The same gradient on storage, for backward without createGraph. */
  gradKernel?: GradKernel;
  /** The op's options, as `jit.trace` records them (leakyRelu's negativeSlope, ...). */
  traceAttrs?: Readonly<Record<string, TraceAttr>>;
}

const NO_ATTRS: Readonly<Record<string, TraceAttr>> = Object.freeze({});

class UnaryBackward extends Node {
  readonly name: string;
  constructor(
    private readonly op: UnaryOp,
    saved: Tensor,
  ) {
    super();
    this.name = op.gradFn;
    if (op.saves !== 'none') this.save(saved);
  }

  backward(g: Tensor): Tensor[] {
    // saves: 'none' keeps nothing, as PyTorch's FloorBackward0 (so an in-place change of x cannot invalidate it)
    return [this.op.grad(g, this.op.saves === 'none' ? g : this.saved[0])];
  }

  // the kernel path's gradient is new storage; op.grad's may be g itself (e.g. an identity's)
  override get returnsFreshGrads(): boolean {
    return this.op.gradKernel !== undefined && this.op.saves !== 'none';
  }

  override fastBackward(g: Tensor, reusable: boolean): Tensor[] {
    const gradKernel = this.op.gradKernel;
    if (gradKernel === undefined || this.op.saves === 'none') return this.backward(g);
    // elementwise, so out may be g itself
    const out = reusable ? g : zerosOf(g.shape, g.dtype);
    gradKernel(g.data as FloatArray, cast(this.saved[0], g.dtype).data as FloatArray, out.data as FloatArray);
    return [out];
  }
}

/** The gradient of a piecewise constant op: zeros shaped like g (PyTorch's zeros_like(grad), so 0 where g is NaN too). */
function zerosGrad(g: Tensor): Tensor {
  return zerosOf(g.shape, g.dtype);
}

/** The function `x => op(x)`: validates, runs the kernel, records a `UnaryBackward`. */
function unaryOp(op: UnaryOp): (x: Tensor) => Tensor {
  return (x: Tensor): Tensor => {
    checkTensor(x, op.name);
    if (op.rejectsInt && !isFloatDtype(x.dtype)) {
      throw new Error(`${op.name}: ${x.dtype} tensors are not supported (as in PyTorch); convert with .float() first`);
    }
    if (op.rejectsBool && x.dtype === 'bool') {
      throw new Error(`${op.name}: bool tensors are not supported (as in PyTorch); convert with .int() or .float() first`);
    }
    const dtype = op.keepsDtype ? x.dtype : floatDtypeOf(x);
    const y = zerosOf(x.shape, dtype);
    op.kernel(cast(x, dtype).data as FloatArray, y.data as FloatArray);
    if (needsGrad(x)) record(y, new UnaryBackward(op, op.saves === 'result' ? y : x), x);
    if (tracer !== null) tracer.op(op.name, [x], op.traceAttrs ?? NO_ATTRS, y);
    return y;
  };
}

/** e^x (`torch.exp`). */
export const exp = unaryOp({
  name: 'exp',
  gradFn: 'ExpBackward0',
  kernel: k.exp,
  saves: 'result',
  // d/dx e^x = e^x (reuses the result)
  grad: (g, y) => mul(g, y),
  gradKernel: k.mulInto,
});

/** Natural logarithm (`torch.log`); log(0) = -inf and log(-1) = NaN, as in PyTorch. */
export const log = unaryOp({
  name: 'log',
  gradFn: 'LogBackward0',
  kernel: k.log,
  saves: 'input',
  // d/dx ln x = 1 / x
  grad: (g, x) => div(g, x),
  gradKernel: k.divInto,
});

/** Square root (`torch.sqrt`). */
export const sqrt = unaryOp({
  name: 'sqrt',
  gradFn: 'SqrtBackward0',
  kernel: k.sqrt,
  saves: 'result',
  // d/dx sqrt(x) = 1 / (2 sqrt(x)) (reuses the result)
  grad: (g, y) => div(g, mul(y, 2)),
  gradKernel: k.sqrtBackward,
});

/** -1, 0 or 1 by the sign of x (`torch.sign`); keeps x's dtype. */
export const sign = unaryOp({
  name: 'sign',
  gradFn: 'SignBackward0',
  kernel: k.sign,
  keepsDtype: true,
  saves: 'none',
  // d/dx sign(x) = 0 (zeros, even where g is NaN or inf, as PyTorch's zeros_like(grad))
  grad: zerosGrad,
});

/** |x| (`torch.abs`); keeps x's dtype. */
export const abs = unaryOp({
  name: 'abs',
  gradFn: 'AbsBackward0',
  kernel: k.abs,
  keepsDtype: true,
  rejectsBool: true,
  saves: 'input',
  // d/dx |x| = sign(x), 0 at x = 0
  grad: (g, x) => mul(g, sign(x)),
  gradKernel: k.absBackward,
});

/** max(x, 0) (`torch.relu`); keeps x's dtype. */
export const relu = unaryOp({
  name: 'relu',
  gradFn: 'ReluBackward0',
  kernel: (x, out) => (isFloatArray(x) ? kernels().relu(x, out) : k.relu(x, out)),
  keepsDtype: true,
  rejectsBool: true,
  saves: 'result',
  // d/dx relu(x) = 0 where y <= 0, else 1 (read from the result; NaN passes g, as PyTorch's threshold_backward)
  grad: (g, y) => where(le(y, 0), 0, g),
  gradKernel: (g, y, out) => kernels().reluBackward(g, y, out),
});

/** 1 / (1 + e^-x) (`torch.sigmoid`), a primitive so it stays exact for large |x|. */
export const sigmoid = unaryOp({
  name: 'sigmoid',
  gradFn: 'SigmoidBackward0',
  kernel: (x, out) => kernels().sigmoid(x, out),
  saves: 'result',
  // d/dx sigmoid(x) = y (1 - y) (reuses the result)
  grad: (g, y) => mul(g, mul(y, sub(1, y))),
  gradKernel: (g, y, out) => kernels().sigmoidBackward(g, y, out),
});

/** Hyperbolic tangent (`torch.tanh`). */
export const tanh = unaryOp({
  name: 'tanh',
  gradFn: 'TanhBackward0',
  kernel: k.tanh,
  saves: 'result',
  // d/dx tanh(x) = 1 - y^2 (reuses the result)
  grad: (g, y) => mul(g, sub(1, mul(y, y))),
  gradKernel: k.tanhBackward,
});

/**
 * x where x > 0, else negativeSlope * x (`F.leaky_relu`); the gradient at 0 is negativeSlope, as in
 * PyTorch. A record rather than the composite `where(x > 0, x, slope * x)`: one pass instead of
 * three, and PyTorch's grad_fn name.
 */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  checkTensor(x, 'leakyRelu');
  if (!isFloatDtype(x.dtype))
    throw new Error(`leakyRelu: input must be a floating point tensor, got ${x.dtype} (as in PyTorch); convert it with .float() first`);
  if (typeof negativeSlope !== 'number' || Number.isNaN(negativeSlope)) {
    throw new Error(`leakyRelu: negativeSlope must be a number, got ${describe(negativeSlope)}`);
  }
  // PyTorch multiplies by the slope in the tensor's dtype
  const slope = x.dtype === 'float32' ? Math.fround(negativeSlope) : negativeSlope;
  return unaryOp({
    name: 'leakyRelu',
    gradFn: 'LeakyReluBackward0',
    kernel: (xs, out) => {
      for (let i = 0; i < xs.length; i++) out[i] = xs[i] > 0 ? xs[i] : xs[i] * slope;
    },
    saves: 'input',
    // d/dx leakyRelu(x) = 1 where x > 0, else negativeSlope (NaN takes the slope's branch, as in PyTorch)
    grad: (g, xs) => where(gt(xs, 0), g, mul(g, negativeSlope)),
    gradKernel: (g, xs, out) => {
      for (let i = 0; i < g.length; i++) out[i] = xs[i] > 0 ? g[i] : g[i] * slope;
    },
    traceAttrs: { negativeSlope },
  })(x);
}

/**
 * x ** exponent for a number or a tensor exponent, or a number to a tensor power (`torch.pow(2, x)`):
 * the one place that chooses between the two.
 */
export function pow(x: TensorOrNumber, exponent: TensorOrNumber): Tensor {
  return typeof exponent === 'number' && typeof x !== 'number' ? powScalar(x, exponent) : powTensor(x, exponent);
}

/** x ** p for a number p (`torch.pow(x, 2)`). Integer tensors stay integer for whole p >= 0. */
export function powScalar(x: Tensor, p: number): Tensor {
  checkTensor(x, 'pow');
  if (typeof p !== 'number') throw new Error(`pow: the exponent must be a number or a Tensor, got ${p === null ? 'null' : typeof p}`);
  const dtype = resultType(x, p);
  if (!isFloatDtype(dtype)) {
    if (p < 0) throw new Error(`pow: integers to negative integer powers are not allowed (exponent ${p}); convert with .float() first`);
    const y = zerosOf(x.shape, dtype);
    for (let i = 0; i < y.data.length; i++) {
      const v = Math.pow(x.data[i], p);
      if (!(v >= -2147483648 && v <= 2147483647)) {
        throw new Error(`pow: ${x.data[i]} ** ${p} = ${v} does not fit int32, tsgrad's integer dtype (for PyTorch's int64); convert with .double() first`);
      }
      y.data[i] = v;
    }
    return y;
  }
  return unaryOp({
    name: 'pow',
    gradFn: 'PowBackward0',
    kernel: (xs, out) => k.powScalar(xs, p, out),
    saves: 'input',
    // d/dx x^p = p x^(p-1), 0 for p = 0
    grad: (g, xs) => (p === 0 ? mul(g, 0) : mul(g, mul(powScalar(xs, p - 1), p))),
    gradKernel: (g, xs, out) => k.powScalarBackward(g, xs, p, out),
    traceAttrs: { exponent: p },
  })(cast(x, dtype));
}

/**
 * Limits every element to [min, max] (`torch.clamp`); either bound may be null. The gradient
 * passes where min <= x <= max, bounds included, as in PyTorch.
 */
export function clamp(x: Tensor, min: number | null = null, max: number | null = null): Tensor {
  checkTensor(x, 'clamp');
  for (const [name, v] of [
    ['min', min],
    ['max', max],
  ] as const) {
    if (v !== null && v !== undefined && typeof v !== 'number') throw new Error(`clamp: ${name} must be a number or null, got ${describe(v)}`);
  }
  if ((min ?? null) === null && (max ?? null) === null) throw new Error("clamp: at least one of 'min' or 'max' must be given");
  const lo = min ?? -Infinity;
  const hi = max ?? Infinity;
  const dtype = resultType({ dtype: resultType(x, min ?? 0), shape: x.shape }, max ?? 0);
  return unaryOp({
    name: 'clamp',
    gradFn: 'ClampBackward1',
    kernel: (xs, out) => k.clamp(xs, lo, hi, out),
    keepsDtype: true,
    saves: 'input',
    // d/dx clamp(x) = 1 where lo <= x <= hi, else 0
    grad: (g, xs) => where(logicalAnd(ge(xs, lo), le(xs, hi)), g, 0),
    gradKernel: (g, xs, out) => k.clampBackward(g, xs, lo, hi, out),
    traceAttrs: { min: min ?? null, max: max ?? null },
  })(cast(x, dtype));
}

/** A copy converted to `dtype`, or x itself when it already has it (`x.to(dtype)`). */
export function toDtype(x: Tensor, dtype: DType): Tensor {
  checkTensor(x, 'to');
  if (x.dtype === checkDtype(dtype, 'to')) return x;
  const y = new Tensor(convert(x.data, dtype), x.shape, dtype);
  if (needsGrad(x) && isFloatDtype(dtype)) record(y, new ToCopyBackward(x.dtype), x);
  if (tracer !== null) tracer.op('to', [x], { dtype }, y);
  return y;
}

class ToCopyBackward extends Node {
  readonly name = 'ToCopyBackward0';
  constructor(private readonly from: DType) {
    super();
  }
  // d/dx x.to(dtype) = g converted back to x's dtype
  backward(g: Tensor): Tensor[] {
    return [toDtype(g, this.from)];
  }
}

/** A copy with its own storage, still in the graph (`x.clone()`). */
export function clone(x: Tensor): Tensor {
  checkTensor(x, 'clone');
  const y = new Tensor(x.data.slice(), x.shape, x.dtype);
  if (needsGrad(x)) record(y, new CloneBackward(), x);
  if (tracer !== null) tracer.op('clone', [x], NO_ATTRS, y);
  return y;
}

class CloneBackward extends Node {
  readonly name = 'CloneBackward0';
  // d/dx clone(x) = g
  backward(g: Tensor): Tensor[] {
    return [g];
  }
}

// ---- rounding (integer tensors come back unchanged, as copies; the gradient is 0) ----

/** The largest integer <= x (`torch.floor`); keeps integer dtypes. */
export const floor = unaryOp({
  name: 'floor',
  gradFn: 'FloorBackward0',
  kernel: k.floor,
  keepsDtype: true,
  rejectsBool: true,
  saves: 'none',
  // d/dx floor(x) = 0
  grad: zerosGrad,
});

/** The smallest integer >= x (`torch.ceil`); keeps integer dtypes. */
export const ceil = unaryOp({
  name: 'ceil',
  gradFn: 'CeilBackward0',
  kernel: k.ceil,
  keepsDtype: true,
  rejectsBool: true,
  saves: 'none',
  // d/dx ceil(x) = 0
  grad: zerosGrad,
});

/** x rounded toward zero (`torch.trunc`); keeps integer dtypes. */
export const trunc = unaryOp({
  name: 'trunc',
  gradFn: 'TruncBackward0',
  kernel: k.trunc,
  keepsDtype: true,
  rejectsBool: true,
  saves: 'none',
  // d/dx trunc(x) = 0
  grad: zerosGrad,
});

const roundToInteger = unaryOp({
  name: 'round',
  gradFn: 'RoundBackward0',
  kernel: k.round,
  keepsDtype: true,
  rejectsBool: true,
  saves: 'none',
  // d/dx round(x) = 0
  grad: zerosGrad,
});

/** Options of `round`: keyword-only in PyTorch. */
export interface RoundOptions {
  /** Digits after the decimal point to keep (negative: rounds to tens, hundreds...); default 0. */
  decimals?: number;
}

/**
 * x rounded to the nearest integer, ties to even (`torch.round`), or to `decimals` decimal digits
 * (`torch.round(x, decimals=2)`: round(x * 10^2) / 10^2, each step in x's dtype, as PyTorch). Integer
 * tensors are returned unchanged without decimals, and are an Error with them, as in PyTorch.
 */
export function round(x: Tensor, options?: RoundOptions): Tensor {
  checkTensor(x, 'round');
  checkOptions(options, ['decimals'], 'round');
  const decimals = options?.decimals;
  if (decimals === undefined) return roundToInteger(x);
  checkInteger(decimals, 'round', 'decimals');
  if (!isFloatDtype(x.dtype)) {
    throw new Error(`round: decimals is not supported for ${x.dtype} tensors (as in PyTorch); convert with .float() first`);
  }
  const f32 = x.dtype === 'float32';
  return unaryOp({
    name: 'round',
    gradFn: 'RoundBackward1',
    kernel: (xs, out) => k.roundDecimals(xs, decimals, f32, out),
    saves: 'none',
    // d/dx round(x, decimals) = 0
    grad: zerosGrad,
  })(x);
}

/** The fractional part x - trunc(x), with x's sign (`torch.frac`); float tensors only, as in PyTorch. */
export const frac = unaryOp({
  name: 'frac',
  gradFn: 'FracBackward0',
  kernel: k.frac,
  rejectsInt: true,
  saves: 'none',
  // d/dx frac(x) = 1
  grad: (g) => g,
});

/** -1, 0 or 1 by the sign of x (`torch.sgn`, which is `sign` for real tensors); keeps x's dtype. */
export const sgn = unaryOp({
  name: 'sgn',
  gradFn: 'SgnBackward0',
  kernel: k.sign,
  keepsDtype: true,
  saves: 'none',
  // d/dx sgn(x) = 0 for real x
  grad: zerosGrad,
});

// ---- powers and logarithms (integer and bool inputs compute in the default float dtype) ----

/** 1 / x (`torch.reciprocal`). */
export const reciprocal = unaryOp({
  name: 'reciprocal',
  gradFn: 'ReciprocalBackward0',
  kernel: k.reciprocal,
  saves: 'result',
  // d/dx 1/x = -1/x^2 = -y^2 (reuses the result)
  grad: (g, y) => mul(neg(g), mul(y, y)),
});

/** 1 / sqrt(x) (`torch.rsqrt`). */
export const rsqrt = unaryOp({
  name: 'rsqrt',
  gradFn: 'RsqrtBackward0',
  kernel: k.rsqrt,
  saves: 'result',
  // d/dx x^(-1/2) = -x^(-3/2) / 2 = -y^3 / 2 (reuses the result)
  grad: (g, y) => mul(mul(g, -0.5), powScalar(y, 3)),
});

/** x * x (`torch.square`): PyTorch's pow(x, 2), so bool tensors give int32 and the grad_fn is PowBackward0. */
export function square(x: Tensor): Tensor {
  checkTensor(x, 'square');
  return powScalar(x, 2);
}

/** ln(1 + x), exact for small x (`torch.log1p`). */
export const log1p = unaryOp({
  name: 'log1p',
  gradFn: 'Log1PBackward0',
  kernel: k.log1p,
  saves: 'input',
  // d/dx ln(1 + x) = 1 / (x + 1)
  grad: (g, x) => div(g, add(x, 1)),
});

/** e^x - 1, exact for small x (`torch.expm1`). */
export const expm1 = unaryOp({
  name: 'expm1',
  gradFn: 'Expm1Backward0',
  kernel: k.expm1,
  saves: 'result',
  // d/dx (e^x - 1) = e^x = y + 1 (reuses the result)
  grad: (g, y) => mul(g, add(y, 1)),
});

/** Base-2 logarithm (`torch.log2`). */
export const log2 = unaryOp({
  name: 'log2',
  gradFn: 'Log2Backward0',
  kernel: k.log2,
  saves: 'input',
  // d/dx log2(x) = 1 / (x ln 2)
  grad: (g, x) => div(g, mul(x, Math.LN2)),
});

/** Base-10 logarithm (`torch.log10`). */
export const log10 = unaryOp({
  name: 'log10',
  gradFn: 'Log10Backward0',
  kernel: k.log10,
  saves: 'input',
  // d/dx log10(x) = 1 / (x ln 10)
  grad: (g, x) => div(g, mul(x, Math.LN10)),
});

/** 2^x (`torch.exp2`). */
export const exp2 = unaryOp({
  name: 'exp2',
  gradFn: 'Exp2Backward0',
  kernel: k.exp2,
  saves: 'result',
  // d/dx 2^x = 2^x ln 2 (reuses the result)
  grad: (g, y) => mul(mul(g, y), Math.LN2),
});

// ---- trigonometric and hyperbolic functions ----

/** Sine, in radians (`torch.sin`). */
export const sin = unaryOp({
  name: 'sin',
  gradFn: 'SinBackward0',
  kernel: k.sin,
  saves: 'input',
  // d/dx sin(x) = cos(x)
  grad: (g, x) => mul(g, cos(x)),
});

/** Cosine, in radians (`torch.cos`). */
export const cos = unaryOp({
  name: 'cos',
  gradFn: 'CosBackward0',
  kernel: k.cos,
  saves: 'input',
  // d/dx cos(x) = -sin(x)
  grad: (g, x) => mul(g, neg(sin(x))),
});

/** Tangent, in radians (`torch.tan`). */
export const tan = unaryOp({
  name: 'tan',
  gradFn: 'TanBackward0',
  kernel: k.tan,
  saves: 'result',
  // d/dx tan(x) = 1 + tan(x)^2 (reuses the result)
  grad: (g, y) => mul(g, add(powScalar(y, 2), 1)),
});

/** Arcsine (`torch.asin`); NaN outside [-1, 1]. */
export const asin = unaryOp({
  name: 'asin',
  gradFn: 'AsinBackward0',
  kernel: k.asin,
  saves: 'input',
  // d/dx asin(x) = 1 / sqrt(1 - x^2)
  grad: (g, x) => mul(g, rsqrt(add(mul(neg(x), x), 1))),
});

/** Arccosine (`torch.acos`); NaN outside [-1, 1]. */
export const acos = unaryOp({
  name: 'acos',
  gradFn: 'AcosBackward0',
  kernel: k.acos,
  saves: 'input',
  // d/dx acos(x) = -1 / sqrt(1 - x^2)
  grad: (g, x) => mul(g, neg(rsqrt(add(mul(neg(x), x), 1)))),
});

/** Arctangent (`torch.atan`); see `atan2` for the angle of a point. */
export const atan = unaryOp({
  name: 'atan',
  gradFn: 'AtanBackward0',
  kernel: k.atan,
  saves: 'input',
  // d/dx atan(x) = 1 / (x^2 + 1)
  grad: (g, x) => div(g, add(mul(x, x), 1)),
});

/** Hyperbolic sine (`torch.sinh`). */
export const sinh = unaryOp({
  name: 'sinh',
  gradFn: 'SinhBackward0',
  kernel: k.sinh,
  saves: 'input',
  // d/dx sinh(x) = cosh(x)
  grad: (g, x) => mul(g, cosh(x)),
});

/** Hyperbolic cosine (`torch.cosh`). */
export const cosh = unaryOp({
  name: 'cosh',
  gradFn: 'CoshBackward0',
  kernel: k.cosh,
  saves: 'input',
  // d/dx cosh(x) = sinh(x)
  grad: (g, x) => mul(g, sinh(x)),
});

/** Inverse hyperbolic sine (`torch.asinh`). */
export const asinh = unaryOp({
  name: 'asinh',
  gradFn: 'AsinhBackward0',
  kernel: k.asinh,
  saves: 'input',
  // d/dx asinh(x) = 1 / sqrt(x^2 + 1)
  grad: (g, x) => mul(g, rsqrt(add(powScalar(x, 2), 1))),
});

/** Inverse hyperbolic cosine (`torch.acosh`); NaN below 1. */
export const acosh = unaryOp({
  name: 'acosh',
  gradFn: 'AcoshBackward0',
  kernel: k.acosh,
  saves: 'input',
  // d/dx acosh(x) = 1 / sqrt(x^2 - 1)
  grad: (g, x) => mul(g, rsqrt(sub(powScalar(x, 2), 1))),
});

/** Inverse hyperbolic tangent (`torch.atanh`); +-inf at +-1, NaN beyond. */
export const atanh = unaryOp({
  name: 'atanh',
  gradFn: 'AtanhBackward0',
  kernel: k.atanh,
  saves: 'input',
  // d/dx atanh(x) = 1 / (1 - x^2)
  grad: (g, x) => div(g, sub(1, powScalar(x, 2))),
});

// ---- the error function ----

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** The error function 2/sqrt(pi) * integral of e^(-t^2) from 0 to x (`torch.erf`), to about an ulp. */
export const erf = unaryOp({
  name: 'erf',
  gradFn: 'ErfBackward0',
  kernel: k.erf,
  saves: 'input',
  // d/dx erf(x) = 2/sqrt(pi) e^(-x^2)
  grad: (g, x) => mul(mul(exp(neg(powScalar(x, 2))), TWO_OVER_SQRT_PI), g),
});

/** 1 - erf(x), accurate where erf(x) is near 1 (`torch.erfc`). */
export const erfc = unaryOp({
  name: 'erfc',
  gradFn: 'ErfcBackward0',
  kernel: k.erfc,
  saves: 'input',
  // d/dx erfc(x) = -2/sqrt(pi) e^(-x^2)
  grad: (g, x) => mul(mul(exp(neg(powScalar(x, 2))), -TWO_OVER_SQRT_PI), g),
});

/** The inverse of erf on (-1, 1) (`torch.erfinv`), to float64 precision; +-inf at +-1, NaN beyond. */
export const erfinv = unaryOp({
  name: 'erfinv',
  gradFn: 'ErfinvBackward0',
  kernel: k.erfinv,
  saves: 'result',
  // d/dx erfinv(x) = sqrt(pi)/2 e^(erfinv(x)^2) (reuses the result)
  grad: (g, y) => mul(mul(exp(powScalar(y, 2)), Math.sqrt(Math.PI) / 2), g),
});

// ---- special values ----

/**
 * x with NaN, +inf and -inf replaced (`torch.nan_to_num`): NaN by `nan` (0 by default), the
 * infinities by `posinf` and `neginf` (by default the largest and lowest finite numbers of x's
 * dtype). Integer and bool tensors come back unchanged, as copies.
 */
export function nanToNum(x: Tensor, nan: number | null = 0, posinf: number | null = null, neginf: number | null = null): Tensor {
  checkTensor(x, 'nanToNum');
  for (const [name, v] of [
    ['nan', nan],
    ['posinf', posinf],
    ['neginf', neginf],
  ] as const) {
    if (v !== null && typeof v !== 'number') throw new Error(`nanToNum: ${name} must be a number or null, got ${describe(v)}`);
  }
  if (!isFloatDtype(x.dtype)) return new Tensor(x.data.slice(), x.shape, x.dtype);
  const largest = x.dtype === 'float32' ? 3.4028234663852886e38 : Number.MAX_VALUE;
  const [n, p, m] = [nan ?? 0, posinf ?? largest, neginf ?? -largest];
  return unaryOp({
    name: 'nanToNum',
    gradFn: 'NanToNumBackward0',
    kernel: (xs, out) => k.nanToNum(xs, n, p, m, out),
    saves: 'input',
    // d/dx nanToNum(x) = 1 where x is finite, else 0 (as g * isfinite(x): NaN where g is inf or NaN, as in PyTorch)
    grad: (g, xs) => mul(g, isfinite(xs)),
  })(x);
}

/** A bool tensor from a kernel that writes 0 or 1 for each element. */
function boolOf(x: Tensor, where: string, kernel: (x: TypedArray, out: TypedArray) => void): Tensor {
  checkTensor(x, where);
  const out = zerosOf(x.shape, 'bool');
  kernel(x.data, out.data);
  return out;
}

/** Where x is NaN, as a bool tensor (`torch.isnan`). */
export const isnan = (x: Tensor): Tensor => boolOf(x, 'isnan', k.isnan);
/** Where x is +inf or -inf, as a bool tensor (`torch.isinf`). */
export const isinf = (x: Tensor): Tensor => boolOf(x, 'isinf', k.isinf);
/** Where x is neither NaN nor infinite, as a bool tensor (`torch.isfinite`); true everywhere for integers. */
export const isfinite = (x: Tensor): Tensor => boolOf(x, 'isfinite', k.isfinite);
/** Where x is zero, as a bool tensor (`torch.logical_not`); NaN counts as true, so gives false. */
export const logicalNot = (x: Tensor): Tensor => boolOf(x, 'logicalNot', k.logicalNot);

/** ~x for int32 tensors, !x for bool ones (`torch.bitwise_not`); float tensors are an Error, as in PyTorch. */
export function bitwiseNot(x: Tensor): Tensor {
  checkTensor(x, 'bitwiseNot');
  if (isFloatDtype(x.dtype)) throw new Error(`bitwiseNot: input must be an int32 or bool tensor, got ${x.dtype} (as in PyTorch)`);
  const out = zerosOf(x.shape, x.dtype);
  k.bitwiseNot(x.data, out.data, x.dtype === 'bool');
  return out;
}
