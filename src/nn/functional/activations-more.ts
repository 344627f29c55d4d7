/**
 * The activations PyTorch has as primitives with a grad_fn of their own (ELU, SELU, CELU, GELU, SiLU,
 * Mish, Softplus, Softshrink, Hardshrink, Hardtanh, ReLU6, Hardsigmoid, Hardswish, PReLU, RReLU,
 * LogSigmoid, Threshold, GLU) and the ones it composes (tanhshrink, softmin). Each elementwise
 * primitive is one `Pointwise` record: its forward on one element, the tensor its gradient reads,
 * and the gradient twice, made of ops (differentiable again under createGraph) and on storage.
 *
 * NOTE: at NaN inputs PyTorch's scalar loop and its vectorised loop disagree for some gradients
 * (elu, hardtanh, hardshrink, softshrink, hardswish); tsgrad gives the vectorised loop's value, which
 * is what any tensor of more than a few elements gets there.
 */
import { isGradEnabled, noGrad } from '../../autograd/grad-mode';
import { Node } from '../../autograd/node';
import { needsGrad, record } from '../../autograd/record';
import { tracer } from '../../autograd/trace-hook';
import { type FloatArray, isFloatDtype } from '../../dtype';
import { erfNumber } from '../../kernels/elementwise';
import { checkBoolean, checkInteger, checkNumber, describe } from '../../options';
import { add, div, mul, neg, sub, where } from '../../ops/binary';
import { cast, checkTensor, zerosOf } from '../../ops/helpers';
import { cat, narrow, reshape, sumTo } from '../../ops/layout';
import { softmax } from '../../ops/softmax';
import { clamp, clone, erf, exp, sigmoid, tanh } from '../../ops/unary';
import { defaultGenerator } from '../../random';
import { fmt, normalizeDim } from '../../shape';
import type { Tensor } from '../../tensor';

// ---- the shared record ----

interface Pointwise {
  /** The function's name in errors (`elu`). */
  where: string;
  /** PyTorch's grad_fn name. */
  gradFn: string;
  /** y = f(x) for one element (its parameters already in the tensor's dtype). */
  f: (x: number) => number;
  /** What the gradient reads: the input (the default) or the result. */
  saves?: 'input' | 'result';
  /** The input gradient from g and the saved tensor, made of ops. */
  grad: (g: Tensor, saved: Tensor) => Tensor;
  /** The same gradient for one element, on storage. */
  gradAt: (g: number, saved: number) => number;
}

class PointwiseBackward extends Node {
  readonly name: string;
  constructor(
    private readonly op: Pointwise,
    saved: Tensor,
  ) {
    super();
    this.name = op.gradFn;
    this.save(saved);
  }
  backward(g: Tensor): Tensor[] {
    return [this.op.grad(g, this.saved[0])];
  }
  override fastBackward(g: Tensor, reusable: boolean): Tensor[] {
    const s = cast(this.saved[0], g.dtype).data as FloatArray;
    // elementwise, so out may be g itself
    const out = reusable ? g : zerosOf(g.shape, g.dtype);
    const gd = g.data as FloatArray;
    const od = out.data as FloatArray;
    const gradAt = this.op.gradAt;
    for (let i = 0; i < gd.length; i++) od[i] = gradAt(gd[i], s[i]);
    return [out];
  }
}

/** Runs `op` elementwise on x, keeping x's dtype, and records its node. */
function apply(x: Tensor, op: Pointwise): Tensor {
  const y = zerosOf(x.shape, x.dtype);
  const xs = x.data;
  const ys = y.data;
  const f = op.f;
  for (let i = 0; i < xs.length; i++) ys[i] = f(xs[i]);
  if (!needsGrad(x)) return y;
  return record(y, new PointwiseBackward(op, op.saves === 'result' ? y : x), x);
}

/** PyTorch's message for an in-place write into a leaf that requires grad. */
const LEAF_ERROR = 'a leaf Variable that requires grad is being used in an in-place operation.';

/**
 * `op` applied to x, or with `inplace` written into x (PyTorch's `inplace=True`), which is returned.
 * A leaf that requires grad cannot be written under grad mode, as in PyTorch; a tensor with history
 * takes the op as its grad_fn (`inplaceGradFn`, PyTorch's name for the in-place variant), computed
 * from a copy of x's old value so the write does not invalidate what backward reads.
 */
function run(x: Tensor, op: Pointwise, inplace: boolean, inplaceGradFn: string = op.gradFn): Tensor {
  if (!inplace) return apply(x, op);
  checkWritable(x, op.where);
  const y = needsGrad(x) ? apply(clone(x), { ...op, gradFn: inplaceGradFn }) : noGrad(() => apply(x, op));
  return writeInto(x, y);
}

/** A leaf that requires grad cannot be written in place under grad mode, as in PyTorch. */
function checkWritable(x: Tensor, where: string): void {
  if (isGradEnabled() && x.requiresGrad && x.isLeaf) {
    throw new Error(`${where}: ${LEAF_ERROR} Wrap the call in noGrad(() => ...), or pass a clone (or use inplace: false)`);
  }
}

/** Writes y (x's shape and dtype) into x, which takes y's grad_fn; returns x. */
function writeInto(x: Tensor, y: Tensor): Tensor {
  x.data.set(y.data);
  x._version.value++;
  if (y.gradFn !== null) x._setGradFn(y.gradFn);
  return x;
}

/** Float tensors only, as PyTorch's kernels of these activations (`"elu_cpu" not implemented for 'Long'`). */
function checkFloat(x: unknown, where: string): Tensor {
  const t = checkTensor(x, where);
  if (!isFloatDtype(t.dtype)) {
    throw new Error(`${where}: input must be a floating point tensor, got ${t.dtype} (as in PyTorch); convert it with .float() first`);
  }
  return t;
}

/** A number parameter as the tensor's dtype holds it (PyTorch converts Scalars to the input's dtype). */
function inDtype(x: Tensor, v: number): number {
  if (x.dtype === 'float32') return Math.fround(v);
  if (x.dtype === 'int32') return Math.trunc(v);
  return v;
}

/** A bool mask of the elements of x where `pred` holds: a constant, so backwards built on it stay differentiable in x. */
function maskOf(x: Tensor, pred: (v: number) => boolean): Tensor {
  const m = zerosOf(x.shape, 'bool');
  const xs = x.data;
  for (let i = 0; i < xs.length; i++) if (pred(xs[i])) m.data[i] = 1;
  return m;
}

function checkInplace(inplace: unknown, where: string): boolean {
  return checkBoolean(inplace, where, 'inplace');
}

// ---- the ELU family ----

/** SELU's alpha (Klambauer et al.), PyTorch's constant. */
export const SELU_ALPHA = 1.6732632423543772; // PyTorch's 1.6732632423543772848170429916717 as a double
/** SELU's scale, PyTorch's constant. */
export const SELU_SCALE = 1.0507009873554805; // 1.0507009873554804934193349852946

/**
 * PyTorch's elu kernel: scale * x for x > 0, else alpha * scale * (e^(inputScale * x) - 1). ELU, SELU
 * and CELU are each one choice of the three.
 */
function eluOp(x: Tensor, name: string, gradFn: string, alpha: number, scale: number, inputScale: number): Pointwise {
  const pos = inDtype(x, scale);
  const negcoef = inDtype(x, alpha * scale);
  const negip = inDtype(x, inputScale);
  const slope0 = negcoef * negip;
  return {
    where: name,
    gradFn,
    f: (v) => (v > 0 ? v * pos : Math.expm1(v * negip) * negcoef),
    // d/dx = scale for x > 0, else alpha * scale * inputScale * e^(inputScale * x) (NaN at NaN, as PyTorch's vectorised loop);
    // the exponent is clamped to <= 0 so the branch not taken cannot overflow into the second derivative
    grad: (g, s) =>
      mul(
        g,
        where(
          maskOf(s, (v) => v > 0),
          pos,
          mul(exp(mul(clamp(s, null, 0), negip)), slope0),
        ),
      ),
    gradAt: (g, v) => (v > 0 ? g * pos : g * slope0 * Math.exp(v * negip)),
  };
}

/** x for x > 0, else alpha * (e^x - 1) (`F.elu`); `inplace` writes into x. grad_fn EluBackward0. */
export function elu(x: Tensor, alpha = 1, inplace = false): Tensor {
  const y = eluUntraced(x, alpha, inplace);
  if (tracer !== null) tracer.op('elu', [x], { alpha, inplace }, y);
  return y;
}

function eluUntraced(x: Tensor, alpha = 1, inplace = false): Tensor {
  checkFloat(x, 'elu');
  checkNumber(alpha, 'elu', 'alpha');
  return run(x, eluOp(x, 'elu', 'EluBackward0', alpha, 1, 1), checkInplace(inplace, 'elu'), 'EluBackward1');
}

/** scale * elu(x, alpha) with PyTorch's self-normalising constants (`F.selu`); grad_fn EluBackward0, as PyTorch. */
export function selu(x: Tensor, inplace = false): Tensor {
  const y = seluUntraced(x, inplace);
  if (tracer !== null) tracer.op('selu', [x], { inplace }, y);
  return y;
}

function seluUntraced(x: Tensor, inplace = false): Tensor {
  checkFloat(x, 'selu');
  return run(x, eluOp(x, 'selu', 'EluBackward0', SELU_ALPHA, SELU_SCALE, 1), checkInplace(inplace, 'selu'), 'EluBackward1');
}

/** max(0, x) + min(0, alpha * (e^(x / alpha) - 1)) (`F.celu`); alpha 0 is an Error, as in PyTorch. */
export function celu(x: Tensor, alpha = 1, inplace = false): Tensor {
  const y = celuUntraced(x, alpha, inplace);
  if (tracer !== null) tracer.op('celu', [x], { alpha, inplace }, y);
  return y;
}

function celuUntraced(x: Tensor, alpha = 1, inplace = false): Tensor {
  checkFloat(x, 'celu');
  checkNumber(alpha, 'celu', 'alpha');
  if (alpha === 0) throw new Error('celu: alpha cannot be 0 (ZeroDivisionError, as in PyTorch)');
  return run(x, eluOp(x, 'celu', 'CeluBackward0', alpha, 1, 1 / alpha), checkInplace(inplace, 'celu'), 'CeluBackward1');
}

// ---- smooth gates: GELU, SiLU, Mish, Softplus, LogSigmoid ----

const SQRT1_2 = Math.SQRT1_2;
/** 1 / sqrt(2 pi): the normal density's factor (PyTorch's kBeta for the exact GELU). */
const INV_SQRT_2PI = (2 / Math.sqrt(Math.PI)) * SQRT1_2 * 0.5;
/** sqrt(2 / pi), and the cubic coefficient of GELU's tanh approximation. */
const GELU_TANH_BETA = Math.SQRT2 * (2 / Math.sqrt(Math.PI)) * 0.5;
const GELU_TANH_KAPPA = 0.044715;

/** The approximation GELU uses (`approximate`). */
export type GeluApproximate = 'none' | 'tanh';

/**
 * x * Phi(x), Phi the standard normal CDF (`F.gelu`), or with `{ approximate: 'tanh' }`
 * 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). grad_fn GeluBackward0.
 */
export function gelu(x: Tensor, options: { approximate?: GeluApproximate } = {}): Tensor {
  const y = geluUntraced(x, options);
  if (tracer !== null) tracer.op('gelu', [x], { approximate: options?.approximate ?? 'none' }, y);
  return y;
}

function geluUntraced(x: Tensor, options: { approximate?: GeluApproximate } = {}): Tensor {
  checkFloat(x, 'gelu');
  if (options === null || typeof options !== 'object') throw new Error(`gelu: options must be an object, got ${describe(options)}`);
  for (const key of Object.keys(options)) {
    if (key !== 'approximate') throw new Error(`gelu: unknown option '${key}' (allowed: approximate)`);
  }
  const approximate = options.approximate ?? 'none';
  if (approximate !== 'none' && approximate !== 'tanh') {
    throw new Error(`gelu: approximate must be 'none' or 'tanh', got ${describe(approximate)}`);
  }
  // NOTE: PyTorch's vectorised float32 loop gives NaN at +inf (its erf there is a polynomial); tsgrad does too
  const f32 = x.dtype === 'float32';
  if (approximate === 'none') {
    return apply(x, {
      where: 'gelu',
      gradFn: 'GeluBackward0',
      f: (v) => (f32 && v === Infinity ? NaN : v * 0.5 * (1 + erfNumber(v * SQRT1_2))),
      // d/dx x Phi(x) = Phi(x) + x phi(x)
      grad: (g, s) => mul(g, add(mul(add(erf(mul(s, SQRT1_2)), 1), 0.5), mul(s, mul(exp(mul(mul(s, s), -0.5)), INV_SQRT_2PI)))),
      gradAt: (g, v) => g * (0.5 * (1 + erfNumber(v * SQRT1_2)) + v * INV_SQRT_2PI * Math.exp(-0.5 * v * v)),
    });
  }
  const inner = (v: number): number => GELU_TANH_BETA * (v + GELU_TANH_KAPPA * v * v * v);
  return apply(x, {
    where: 'gelu',
    gradFn: 'GeluBackward0',
    f: (v) => 0.5 * v * (1 + Math.tanh(inner(v))),
    // d/dx = 0.5 (1 + t) + 0.5 x (1 - t^2) sqrt(2/pi) (1 + 3 kappa x^2), t = tanh(inner(x))
    grad: (g, s) => {
      const t = tanh(mul(add(s, mul(mul(mul(s, s), s), GELU_TANH_KAPPA)), GELU_TANH_BETA));
      const left = mul(add(t, 1), 0.5);
      const right = mul(mul(mul(s, 0.5), sub(1, mul(t, t))), mul(add(mul(mul(s, s), 3 * GELU_TANH_KAPPA), 1), GELU_TANH_BETA));
      return mul(g, add(left, right));
    },
    gradAt: (g, v) => {
      const t = Math.tanh(inner(v));
      return g * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * GELU_TANH_BETA * (1 + 3 * GELU_TANH_KAPPA * v * v));
    },
  });
}

/** x * sigmoid(x) (`F.silu`, the swish); grad_fn SiluBackward0. */
export function silu(x: Tensor, inplace = false): Tensor {
  const y = siluUntraced(x, inplace);
  if (tracer !== null) tracer.op('silu', [x], { inplace }, y);
  return y;
}

function siluUntraced(x: Tensor, inplace = false): Tensor {
  checkFloat(x, 'silu');
  const op: Pointwise = {
    where: 'silu',
    gradFn: 'SiluBackward0',
    f: (v) => v / (1 + Math.exp(-v)),
    // d/dx x s(x) = s (1 + x (1 - s)), s = sigmoid(x)
    grad: (g, s) => {
      const sg = sigmoid(s);
      return mul(g, mul(sg, add(mul(s, sub(1, sg)), 1)));
    },
    gradAt: (g, v) => {
      const sg = 1 / (1 + Math.exp(-v));
      return g * sg * (1 + v * (1 - sg));
    },
  };
  return run(x, op, checkInplace(inplace, 'silu'));
}

/** x * tanh(softplus(x)) (`F.mish`); grad_fn MishBackward0. */
export function mish(x: Tensor, inplace = false): Tensor {
  const y = mishUntraced(x, inplace);
  if (tracer !== null) tracer.op('mish', [x], { inplace }, y);
  return y;
}

function mishUntraced(x: Tensor, inplace = false): Tensor {
  checkFloat(x, 'mish');
  const op: Pointwise = {
    where: 'mish',
    gradFn: 'MishBackward0',
    f: (v) => v * Math.tanh(Math.log1p(Math.exp(v))),
    // d/dx x tanh(sp(x)) = t + x sigmoid(x) (1 - t^2), t = tanh(softplus(x))
    grad: (g, s) => {
      const t = tanh(softplus(s));
      return mul(g, add(t, mul(mul(s, sigmoid(s)), sub(1, mul(t, t)))));
    },
    gradAt: (g, v) => {
      const t = Math.tanh(Math.log1p(Math.exp(v)));
      return g * (t + (v * (1 - t * t)) / (1 + Math.exp(-v)));
    },
  };
  return run(x, op, checkInplace(inplace, 'mish'));
}

/**
 * log(1 + e^(beta x)) / beta, and x itself where beta x > threshold (`F.softplus`); grad_fn
 * SoftplusBackward0.
 */
export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  const y = softplusUntraced(x, beta, threshold);
  if (tracer !== null) tracer.op('softplus', [x], { beta, threshold }, y);
  return y;
}

function softplusUntraced(x: Tensor, beta = 1, threshold = 20): Tensor {
  checkFloat(x, 'softplus');
  checkNumber(beta, 'softplus', 'beta');
  checkNumber(threshold, 'softplus', 'threshold');
  const b = inDtype(x, beta);
  const th = inDtype(x, threshold);
  const f32 = x.dtype === 'float32';
  const linear = (v: number): boolean => (f32 ? Math.fround(v * b) : v * b) > th;
  return apply(x, {
    where: 'softplus',
    gradFn: 'SoftplusBackward0',
    f: (v) => (linear(v) ? v : Math.log1p(Math.exp(v * b)) / b),
    // d/dx = 1 where beta x > threshold, else sigmoid(beta x)
    grad: (g, s) => where(maskOf(s, linear), g, mul(g, sigmoid(mul(s, b)))),
    gradAt: (g, v) => (linear(v) ? g : g / (1 + Math.exp(-v * b))),
  });
}

/** log(sigmoid(x)), stable for large |x| (`F.logsigmoid`); grad_fn LogSigmoidBackward0. */
export function logsigmoid(x: Tensor): Tensor {
  const y = logsigmoidUntraced(x);
  if (tracer !== null) tracer.op('logsigmoid', [x], {}, y);
  return y;
}

function logsigmoidUntraced(x: Tensor): Tensor {
  checkFloat(x, 'logsigmoid');
  return apply(x, {
    where: 'logsigmoid',
    gradFn: 'LogSigmoidBackward0',
    // PyTorch's form: min(0, x) - log1p(e^-|x|)
    f: (v) => Math.min(0, v) - Math.log1p(Math.exp(-Math.abs(v))),
    // d/dx log sigmoid(x) = sigmoid(-x)
    grad: (g, s) => mul(g, sigmoid(neg(s))),
    gradAt: (g, v) => {
      const z = Math.exp(-Math.abs(v));
      return v < 0 ? g * (1 - z / (1 + z)) : g * (z / (1 + z));
    },
  });
}

// ---- piecewise linear: shrinks, hardtanh, hard gates, threshold ----

/** x - lambd above lambd, x + lambd below -lambd, else 0 (`F.softshrink`); lambd must be >= 0, as in PyTorch. */
export function softshrink(x: Tensor, lambd = 0.5): Tensor {
  const y = softshrinkUntraced(x, lambd);
  if (tracer !== null) tracer.op('softshrink', [x], { lambd }, y);
  return y;
}

function softshrinkUntraced(x: Tensor, lambd = 0.5): Tensor {
  checkFloat(x, 'softshrink');
  checkNumber(lambd, 'softshrink', 'lambd');
  if (!(lambd >= 0)) throw new Error(`softshrink: lambd must be >= 0, got ${lambd} (as in PyTorch)`);
  const l = inDtype(x, lambd);
  const outside = (v: number): boolean => v > l || v < -l;
  return apply(x, {
    where: 'softshrink',
    gradFn: 'SoftshrinkBackward0',
    f: (v) => (v > l ? v - l : v < -l ? v + l : v !== v ? v : 0),
    // d/dx = 1 where |x| > lambd, else 0 (0 at NaN)
    grad: (g, s) => where(maskOf(s, outside), g, 0),
    gradAt: (g, v) => (outside(v) ? g : 0),
  });
}

/** x where |x| > lambd, else 0 (`F.hardshrink`). */
export function hardshrink(x: Tensor, lambd = 0.5): Tensor {
  const y = hardshrinkUntraced(x, lambd);
  if (tracer !== null) tracer.op('hardshrink', [x], { lambd }, y);
  return y;
}

function hardshrinkUntraced(x: Tensor, lambd = 0.5): Tensor {
  checkFloat(x, 'hardshrink');
  checkNumber(lambd, 'hardshrink', 'lambd');
  const l = inDtype(x, lambd);
  const outside = (v: number): boolean => v > l || v < -l;
  return apply(x, {
    where: 'hardshrink',
    gradFn: 'HardshrinkBackward0',
    f: (v) => (outside(v) || v !== v ? v : 0),
    // d/dx = 1 where |x| > lambd, else 0 (0 at NaN)
    grad: (g, s) => where(maskOf(s, outside), g, 0),
    gradAt: (g, v) => (outside(v) ? g : 0),
  });
}

/** x - tanh(x) (`F.tanhshrink`), composed as PyTorch composes it (grad_fn SubBackward0). */
export function tanhshrink(x: Tensor): Tensor {
  const y = tanhshrinkUntraced(x);
  if (tracer !== null) tracer.op('tanhshrink', [x], {}, y);
  return y;
}

function tanhshrinkUntraced(x: Tensor): Tensor {
  checkTensor(x, 'tanhshrink');
  if (x.dtype === 'bool') throw new Error('tanhshrink: bool tensors are not supported (as in PyTorch); convert with .float() first');
  return sub(x, tanh(x));
}

function hardtanhOp(x: Tensor, name: string, minVal: number, maxVal: number): Pointwise {
  const lo = inDtype(x, minVal);
  const hi = inDtype(x, maxVal);
  const inside = (v: number): boolean => v > lo && v < hi;
  return {
    where: name,
    gradFn: 'HardtanhBackward0',
    f: (v) => (v < lo ? lo : v > hi ? hi : v),
    // d/dx = 1 strictly between the bounds, else 0 (0 at the bounds and at NaN)
    grad: (g, s) => where(maskOf(s, inside), g, 0),
    gradAt: (g, v) => (inside(v) ? g : 0),
  };
}

/** A dtype hardtanh and threshold accept: float or int32 (PyTorch's integer types), not bool. */
function checkNotBool(x: unknown, where: string, what = where): Tensor {
  const t = checkTensor(x, where);
  if (t.dtype === 'bool') throw new Error(`${where}: bool inputs are not supported for ${what} (as in PyTorch); convert with .int() or .float() first`);
  return t;
}

/**
 * x limited to [minVal, maxVal] (`F.hardtanh`); the gradient is 0 at the bounds. Integer tensors stay
 * integer (the bounds truncated), as in PyTorch. minVal > maxVal is an Error.
 */
export function hardtanh(x: Tensor, minVal = -1, maxVal = 1, inplace = false): Tensor {
  const y = hardtanhUntraced(x, minVal, maxVal, inplace);
  if (tracer !== null) tracer.op('hardtanh', [x], { minVal, maxVal, inplace }, y);
  return y;
}

function hardtanhUntraced(x: Tensor, minVal = -1, maxVal = 1, inplace = false): Tensor {
  checkNotBool(x, 'hardtanh');
  checkNumber(minVal, 'hardtanh', 'minVal');
  checkNumber(maxVal, 'hardtanh', 'maxVal');
  if (minVal > maxVal) throw new Error(`hardtanh: minVal cannot be greater than maxVal, got minVal ${minVal} and maxVal ${maxVal}`);
  return run(x, hardtanhOp(x, 'hardtanh', minVal, maxVal), checkInplace(inplace, 'hardtanh'));
}

/** min(max(x, 0), 6) (`F.relu6`): PyTorch's hardtanh(x, 0, 6), grad_fn HardtanhBackward0. */
export function relu6(x: Tensor, inplace = false): Tensor {
  const y = relu6Untraced(x, inplace);
  if (tracer !== null) tracer.op('relu6', [x], { inplace }, y);
  return y;
}

function relu6Untraced(x: Tensor, inplace = false): Tensor {
  checkNotBool(x, 'relu6', 'hardtanh');
  return run(x, hardtanhOp(x, 'relu6', 0, 6), checkInplace(inplace, 'relu6'));
}

/** PyTorch's hardsigmoid backward multiplies by 1/6 as a float32 constant, in every dtype. */
const ONE_SIXTH_F32 = Math.fround(1 / 6);

/** min(max(x + 3, 0), 6) / 6 (`F.hardsigmoid`); grad_fn HardsigmoidBackward0. */
export function hardsigmoid(x: Tensor, inplace = false): Tensor {
  const y = hardsigmoidUntraced(x, inplace);
  if (tracer !== null) tracer.op('hardsigmoid', [x], { inplace }, y);
  return y;
}

function hardsigmoidUntraced(x: Tensor, inplace = false): Tensor {
  checkFloat(x, 'hardsigmoid');
  const inside = (v: number): boolean => v > -3 && v < 3;
  const op: Pointwise = {
    where: 'hardsigmoid',
    gradFn: 'HardsigmoidBackward0',
    f: (v) => Math.min(Math.max(v + 3, 0), 6) / 6,
    // d/dx = 1/6 strictly inside (-3, 3), else 0
    grad: (g, s) => where(maskOf(s, inside), mul(g, ONE_SIXTH_F32), 0),
    gradAt: (g, v) => (inside(v) ? g * ONE_SIXTH_F32 : 0),
  };
  return run(x, op, checkInplace(inplace, 'hardsigmoid'));
}

/** x * hardsigmoid(x) (`F.hardswish`); grad_fn HardswishBackward0. */
export function hardswish(x: Tensor, inplace = false): Tensor {
  const y = hardswishUntraced(x, inplace);
  if (tracer !== null) tracer.op('hardswish', [x], { inplace }, y);
  return y;
}

function hardswishUntraced(x: Tensor, inplace = false): Tensor {
  checkFloat(x, 'hardswish');
  const low = (v: number): boolean => v <= -3;
  const high = (v: number): boolean => v >= 3;
  const op: Pointwise = {
    where: 'hardswish',
    gradFn: 'HardswishBackward0',
    f: (v) => (v * Math.min(Math.max(v + 3, 0), 6)) / 6,
    // d/dx = 0 for x <= -3, 1 for x >= 3, else x/3 + 1/2 (NaN at NaN)
    grad: (g, s) => where(maskOf(s, low), 0, where(maskOf(s, high), g, mul(g, add(div(s, 3), 0.5)))),
    gradAt: (g, v) => (low(v) ? 0 : high(v) ? g : g * (v / 3 + 0.5)),
  };
  return run(x, op, checkInplace(inplace, 'hardswish'));
}

/**
 * value where x <= threshold, else x (`F.threshold`); grad_fn ThresholdBackward0. Integer tensors
 * stay integer (threshold and value truncated), as in PyTorch.
 */
export function threshold(x: Tensor, threshold: number, value: number, inplace = false): Tensor {
  const y = thresholdUntraced(x, threshold, value, inplace);
  if (tracer !== null) tracer.op('threshold', [x], { threshold, value, inplace }, y);
  return y;
}

function thresholdUntraced(x: Tensor, threshold: number, value: number, inplace = false): Tensor {
  checkNotBool(x, 'threshold');
  checkNumber(threshold, 'threshold', 'threshold');
  checkNumber(value, 'threshold', 'value');
  const th = inDtype(x, threshold);
  const val = inDtype(x, value);
  const below = (v: number): boolean => v <= th;
  const op: Pointwise = {
    where: 'threshold',
    gradFn: 'ThresholdBackward0',
    f: (v) => (below(v) ? val : v),
    // d/dx = 0 where x <= threshold, else 1
    grad: (g, s) => where(maskOf(s, below), 0, g),
    gradAt: (g, v) => (below(v) ? 0 : g),
  };
  return run(x, op, checkInplace(inplace, 'threshold'), 'ThresholdBackward1');
}

// ---- learned and random slopes: PReLU, RReLU ----

/**
 * x where x > 0, else weight * x (`F.prelu`), weight of 1 element or one per channel (dim 1 of the
 * input). Input and weight must share a float dtype (PyTorch does not promote here). grad_fn
 * PreluKernelBackward0.
 */
export function prelu(x: Tensor, weight: Tensor): Tensor {
  const y = preluUntraced(x, weight);
  if (tracer !== null) tracer.op('prelu', [x, weight], {}, y);
  return y;
}

function preluUntraced(x: Tensor, weight: Tensor): Tensor {
  checkTensor(x, 'prelu');
  checkTensor(weight, 'prelu', 'weight');
  if (weight.ndim > 1) throw new Error(`prelu: weight must be a scalar or 1D tensor, got ${weight.ndim} dims (shape ${fmt(weight.shape)})`);
  const n = weight.numel();
  if (n !== 1) {
    if (x.ndim === 0) throw new Error(`prelu: a 0-d input takes a weight of 1 element, got ${n} (as in PyTorch, "Not allow zero-dim input tensor")`);
    const channels = x.ndim > 1 ? x.shape[1] : 1;
    if (channels !== n) {
      throw new Error(
        `prelu: mismatch of parameter numbers and input channel size: found parameter numbers = ${n} and channel size = ${channels} (dim 1 of the input of shape ${fmt(x.shape)})`,
      );
    }
  }
  if (x.dtype !== weight.dtype)
    throw new Error(`prelu: input and weight must have the same dtype (no type promotion, as in PyTorch), got ${x.dtype} and ${weight.dtype}`);
  checkFloat(x, 'prelu');
  const bshape = n === 1 ? [] : x.shape.map((s, i) => (i === 1 ? s : 1));
  const y = zerosOf(x.shape, x.dtype);
  const [xs, ws, yd] = [x.data, weight.data, y.data];
  const inner = n === 1 ? 1 : x.shape.slice(2).reduce((a, b) => a * b, 1);
  for (let i = 0; i < xs.length; i++) {
    const w = n === 1 ? ws[0] : ws[Math.floor(i / inner) % n];
    yd[i] = xs[i] > 0 ? xs[i] : w * xs[i];
  }
  return needsGrad(x, weight) ? record(y, new PreluBackward(x, weight, bshape), x, weight) : y;
}

class PreluBackward extends Node {
  readonly name = 'PreluKernelBackward0';
  constructor(
    x: Tensor,
    w: Tensor,
    private readonly bshape: number[],
  ) {
    super();
    this.save(x, w);
  }
  // dx = g where x > 0, else w g; dw = sum over all but the channel dim of (x g where x <= 0)
  backward(g: Tensor): (Tensor | null)[] {
    const [x, w] = this.saved;
    const pos = maskOf(x, (v) => v > 0);
    const wb = reshape(w, this.bshape);
    return [
      this.needsInputGrad[0] ? where(pos, g, mul(g, wb)) : null,
      this.needsInputGrad[1] ? reshape(sumTo(where(pos, 0, mul(x, g)), this.bshape), w.shape) : null,
    ];
  }
}

/** RReLU's default lower bound (PyTorch's 1/8). */
export const RRELU_LOWER = 1 / 8;
/** RReLU's default upper bound (PyTorch's 1/3). */
export const RRELU_UPPER = 1 / 3;

/**
 * Randomized leaky ReLU (`F.rrelu`): in training, each element x <= 0 is multiplied by its own slope
 * drawn uniformly from [lower, upper] by the default generator (seed it with `manualSeed`); otherwise
 * (the default, `training` false) by the mean slope (lower + upper) / 2. grad_fn RreluWithNoiseBackward0.
 */
export function rrelu(x: Tensor, lower = RRELU_LOWER, upper = RRELU_UPPER, training = false, inplace = false): Tensor {
  checkFloat(x, 'rrelu');
  checkNumber(lower, 'rrelu', 'lower');
  checkNumber(upper, 'rrelu', 'upper');
  checkBoolean(training, 'rrelu', 'training');
  checkInplace(inplace, 'rrelu');
  if (lower > upper) throw new Error(`rrelu: lower must be less than or equal to upper, got lower ${lower} and upper ${upper} (as in PyTorch)`);
  // PyTorch's backward uses the drawn slopes only when training with upper - lower > 1e-6 (in float32), else the mean slope
  if (!(training && Math.fround(upper) - Math.fround(lower) > 1e-6)) {
    const slope = inDtype(x, (lower + upper) / 2);
    const op: Pointwise = {
      where: 'rrelu',
      gradFn: 'RreluWithNoiseBackward0',
      f: (v) => (v > 0 ? v : v * slope),
      // d/dx = 1 for x > 0, else the mean slope (which NaN takes)
      grad: (g, s) =>
        where(
          maskOf(s, (v) => v > 0),
          g,
          mul(g, slope),
        ),
      gradAt: (g, v) => (v > 0 ? g : g * slope),
    };
    return run(x, op, inplace, 'RreluWithNoiseBackward1');
  }
  if (inplace) checkWritable(x, 'rrelu');
  // noise: a slope drawn where x <= 0, else 1; y = x * noise
  const noise = zerosOf(x.shape, x.dtype);
  const y = zerosOf(x.shape, x.dtype);
  const [xs, nd, yd] = [x.data, noise.data, y.data];
  const span = upper - lower;
  for (let i = 0; i < xs.length; i++) {
    nd[i] = xs[i] <= 0 ? lower + span * defaultGenerator.uniform() : 1;
    yd[i] = xs[i] * nd[i];
  }
  if (needsGrad(x)) record(y, new RreluNoiseBackward(inplace ? 'RreluWithNoiseBackward1' : 'RreluWithNoiseBackward0', noise), inplace ? clone(x) : x);
  return inplace ? writeInto(x, y) : y;
}

class RreluNoiseBackward extends Node {
  constructor(
    readonly name: string,
    private readonly noise: Tensor,
  ) {
    super();
  }
  // d/dx (x * noise) = g * noise (noise is a constant: the slopes drawn, 1 where x > 0)
  backward(g: Tensor): Tensor[] {
    return [mul(g, this.noise)];
  }
}

// ---- in-place forms (PyTorch's F.elu_, F.relu_, ...) ----

/** `elu(x, alpha, true)`: writes into x (`F.elu_`). */
export function elu_(x: Tensor, alpha = 1): Tensor {
  return elu(x, alpha, true);
}

/** `selu(x, true)` (`F.selu_`). */
export function selu_(x: Tensor): Tensor {
  return selu(x, true);
}

/** `celu(x, alpha, true)` (`F.celu_`). */
export function celu_(x: Tensor, alpha = 1): Tensor {
  return celu(x, alpha, true);
}

/** `hardtanh(x, minVal, maxVal, true)` (`F.hardtanh_`). */
export function hardtanh_(x: Tensor, minVal = -1, maxVal = 1): Tensor {
  return hardtanh(x, minVal, maxVal, true);
}

/** `threshold(x, threshold, value, true)` (`F.threshold_`). */
export function threshold_(x: Tensor, th: number, value: number): Tensor {
  return threshold(x, th, value, true);
}

/** `rrelu(x, lower, upper, training, true)` (`F.rrelu_`). */
export function rrelu_(x: Tensor, lower = RRELU_LOWER, upper = RRELU_UPPER, training = false): Tensor {
  return rrelu(x, lower, upper, training, true);
}

/** max(x, 0) written into x (`F.relu_`); integer tensors too. grad_fn ReluBackward0, as PyTorch's relu_. */
export function relu_(x: Tensor): Tensor {
  checkNotBool(x, 'relu_', 'relu');
  const zero = (v: number): boolean => v <= 0;
  return run(
    x,
    {
      where: 'relu_',
      gradFn: 'ReluBackward0',
      f: (v) => (v < 0 ? 0 : v), // PyTorch's clamp_min: -0 and NaN pass
      // d/dx = 0 where x <= 0, else 1 (NaN passes g)
      grad: (g, s) => where(maskOf(s, zero), 0, g),
      gradAt: (g, v) => (zero(v) ? 0 : g),
    },
    true,
  );
}

/** leakyRelu(x, negativeSlope) written into x (`F.leaky_relu_`); grad_fn LeakyReluBackward1, as PyTorch's. */
export function leakyRelu_(x: Tensor, negativeSlope = 0.01): Tensor {
  checkFloat(x, 'leakyRelu_');
  checkNumber(negativeSlope, 'leakyRelu_', 'negativeSlope');
  const slope = inDtype(x, negativeSlope);
  const op: Pointwise = {
    where: 'leakyRelu_',
    gradFn: 'LeakyReluBackward1',
    f: (v) => (v > 0 ? v : v * slope),
    // d/dx = 1 where x > 0, else negativeSlope (which NaN takes)
    grad: (g, s) =>
      where(
        maskOf(s, (v) => v > 0),
        g,
        mul(g, negativeSlope),
      ),
    gradAt: (g, v) => (v > 0 ? g : g * slope),
  };
  return run(x, op, true);
}

// ---- gates along a dim, and softmin ----

/**
 * a * sigmoid(b), a and b the two halves of x along `dim` (`F.glu`); that dim's size must be even.
 * grad_fn GluBackward0.
 */
export function glu(x: Tensor, dim = -1): Tensor {
  const y = gluUntraced(x, dim);
  if (tracer !== null) tracer.op('glu', [x], { dim: normalizeDim(dim, Math.max(x.ndim, 1), 'glu') }, y);
  return y;
}

function gluUntraced(x: Tensor, dim = -1): Tensor {
  checkTensor(x, 'glu');
  checkInteger(dim, 'glu', 'dim');
  if (x.ndim === 0) throw new Error('glu: glu does not support scalars because halving size must be even (as in PyTorch)');
  const d = normalizeDim(dim, x.ndim, 'glu');
  const size = x.shape[d];
  if (size % 2 !== 0) throw new Error(`glu: halving dimension must be even, but dimension ${d} is size ${size}`);
  checkFloat(x, 'glu');
  const h = size / 2;
  const y = noGrad(() => mul(narrow(x, d, 0, h), sigmoid(narrow(x, d, h, h))));
  return needsGrad(x) ? record(y, new GluBackward(x, d, h), x) : y;
}

class GluBackward extends Node {
  readonly name = 'GluBackward0';
  constructor(
    x: Tensor,
    private readonly dim: number,
    private readonly half: number,
  ) {
    super();
    this.save(x);
  }
  // d/da = g sigmoid(b), d/db = g a sigmoid(b) (1 - sigmoid(b)), joined back along dim
  backward(g: Tensor): Tensor[] {
    const x = this.saved[0];
    const a = narrow(x, this.dim, 0, this.half);
    const sb = sigmoid(narrow(x, this.dim, this.half, this.half));
    return [cat([mul(g, sb), mul(mul(mul(g, a), sb), sub(1, sb))], this.dim)];
  }
}

/** softmax(-x) along `dim` (`F.softmin`), composed as PyTorch composes it (grad_fn SoftmaxBackward0). */
export function softmin(x: Tensor, dim: number): Tensor {
  const y = softminUntraced(x, dim);
  if (tracer !== null) tracer.op('softmin', [x], { dim: normalizeDim(dim, Math.max(x.ndim, 1), 'softmin') }, y);
  return y;
}

function softminUntraced(x: Tensor, dim: number): Tensor {
  checkFloat(x, 'softmin');
  if (dim === undefined || dim === null) throw new Error('softmin: dim is required, e.g. softmin(x, 1) for the classes of an (N, C) batch');
  return softmax(neg(x), dim);
}
