/**
 * Same-shape elementwise ops of one tensor. Each is one `unaryOp` record: its forward kernel, the
 * tensor its derivative reads (the input or the result), the gradient formula made of ops (one
 * line, differentiable again under createGraph) and, where training speed wants one, the same
 * formula as a one-pass storage kernel. `UnaryBackward` is the one node class they all share.
 */
import { Node } from '../autograd/node';
import { needsGrad, record } from '../autograd/record';
import { kernels } from '../backend/registry';
import { checkDtype, convert, type DType, type FloatArray, isFloatDtype, resultType } from '../dtype';
import { describe } from '../options';
import * as k from '../kernels/elementwise';
import { Tensor } from '../tensor';
import { div, ge, gt, le, logicalAnd, mul, powTensor, sub, where } from './binary';
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
  /** What the gradient reads: the input x, or the result y (cheaper where f' is a function of f). */
  saves: 'input' | 'result';
  /** The input gradient from g and the saved tensor, made of ops. */
  grad: (g: Tensor, saved: Tensor) => Tensor;
  /** The same gradient on storage, for backward without createGraph. */
  gradKernel?: GradKernel;
}

class UnaryBackward extends Node {
  readonly name: string;
  constructor(
    private readonly op: UnaryOp,
    saved: Tensor,
  ) {
    super();
    this.name = op.gradFn;
    this.save(saved);
  }

  backward(g: Tensor): Tensor[] {
    return [this.op.grad(g, this.saved[0])];
  }

  override fastBackward(g: Tensor): Tensor[] {
    const gradKernel = this.op.gradKernel;
    if (gradKernel === undefined) return this.backward(g);
    const out = zerosOf(g.shape, g.dtype);
    gradKernel(g.data as FloatArray, cast(this.saved[0], g.dtype).data as FloatArray, out.data as FloatArray);
    return [out];
  }
}

/** The function `x => op(x)`: validates, runs the kernel, records a `UnaryBackward`. */
function unaryOp(op: UnaryOp): (x: Tensor) => Tensor {
  return (x: Tensor): Tensor => {
    checkTensor(x, op.name);
    if (op.rejectsBool && x.dtype === 'bool') {
      throw new Error(`${op.name}: bool tensors are not supported (as in PyTorch); convert with .int() or .float() first`);
    }
    const dtype = op.keepsDtype ? x.dtype : floatDtypeOf(x);
    const y = zerosOf(x.shape, dtype);
    op.kernel(cast(x, dtype).data as FloatArray, y.data as FloatArray);
    if (!needsGrad(x)) return y;
    return record(y, new UnaryBackward(op, op.saves === 'input' ? x : y), x);
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
  saves: 'input',
  // d/dx sign(x) = 0
  grad: (g) => mul(g, 0),
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
    for (let i = 0; i < y.data.length; i++) y.data[i] = Math.pow(x.data[i], p);
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
  })(cast(x, dtype));
}

/** A copy converted to `dtype`, or x itself when it already has it (`x.to(dtype)`). */
export function toDtype(x: Tensor, dtype: DType): Tensor {
  checkTensor(x, 'to');
  if (x.dtype === checkDtype(dtype, 'to')) return x;
  const y = new Tensor(convert(x.data, dtype), x.shape, dtype);
  return needsGrad(x) && isFloatDtype(dtype) ? record(y, new ToCopyBackward(x.dtype), x) : y;
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
  return needsGrad(x) ? record(y, new CloneBackward(), x) : y;
}

class CloneBackward extends Node {
  readonly name = 'CloneBackward0';
  // d/dx clone(x) = g
  backward(g: Tensor): Tensor[] {
    return [g];
  }
}
