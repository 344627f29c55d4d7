/** Elementwise ops of one tensor: exp, log, sqrt, abs, pow by a number, clamp, relu, sigmoid, tanh. */
import { Node } from '../autograd/node';
import { checkDtype, convert, type DType, type FloatArray, isFloatDtype, resultType } from '../dtype';
import { kernels } from '../kernels/backend';
import * as k from '../kernels/elementwise';
import { Tensor } from '../tensor';
import { cast, empty, floatData, floatDtypeOf, needsGrad, record } from './helpers';

type FloatMap = (x: FloatArray, out: FloatArray) => void;
type GradMap = (g: FloatArray, saved: FloatArray, out: FloatArray) => void;

// relu and sigmoid run on the kernel backend (src/kernels/backend.ts)
const sigmoidKernel: FloatMap = (x, out) => kernels().sigmoid(x, out);
const sigmoidBackwardKernel: GradMap = (g, y, out) => kernels().sigmoidBackward(g, y, out);
const reluBackwardKernel: GradMap = (g, y, out) => kernels().reluBackward(g, y, out);

/** y = f(x) computed in x's float dtype (integers become the default float). */
function floatUnary(x: Tensor, f: FloatMap): Tensor {
  const y = empty(x.shape, floatDtypeOf(x));
  f(floatData(x), y.data as FloatArray);
  return y;
}

/** The input gradient f(g, saved) of a same-shape elementwise op. */
function gradMap(g: Tensor, saved: Tensor, f: GradMap): Tensor {
  const out = empty(g.shape, g.dtype);
  f(g.data as FloatArray, cast(saved, g.dtype).data as FloatArray, out.data as FloatArray);
  return out;
}

/** e^x (`torch.exp`). */
export function exp(x: Tensor): Tensor {
  const y = floatUnary(x, k.exp);
  return needsGrad(x) ? record(y, new ExpBackward(y), x) : y;
}

class ExpBackward extends Node {
  readonly name = 'ExpBackward0';
  constructor(y: Tensor) {
    super();
    this.save(y);
  }
  // d/dx e^x = e^x * g (reuses the output)
  backward(g: Tensor): Tensor[] {
    return [gradMap(g, this.saved[0], k.mulInto)];
  }
}

/** Natural logarithm (`torch.log`); log(0) = -inf and log(-1) = NaN, as in PyTorch. */
export function log(x: Tensor): Tensor {
  const y = floatUnary(x, k.log);
  return needsGrad(x) ? record(y, new LogBackward(x), x) : y;
}

class LogBackward extends Node {
  readonly name = 'LogBackward0';
  constructor(x: Tensor) {
    super();
    this.save(x);
  }
  // d/dx ln x = g / x
  backward(g: Tensor): Tensor[] {
    return [gradMap(g, this.saved[0], k.divInto)];
  }
}

/** Square root (`torch.sqrt`). */
export function sqrt(x: Tensor): Tensor {
  const y = floatUnary(x, k.sqrt);
  return needsGrad(x) ? record(y, new SqrtBackward(y), x) : y;
}

class SqrtBackward extends Node {
  readonly name = 'SqrtBackward0';
  constructor(y: Tensor) {
    super();
    this.save(y);
  }
  // d/dx sqrt(x) = g / (2 sqrt(x)) (reuses the output)
  backward(g: Tensor): Tensor[] {
    return [gradMap(g, this.saved[0], k.sqrtBackward)];
  }
}

/** |x| (`torch.abs`); keeps x's dtype. */
export function abs(x: Tensor): Tensor {
  const y = empty(x.shape, x.dtype);
  k.abs(x.data, y.data);
  return needsGrad(x) ? record(y, new AbsBackward(x), x) : y;
}

class AbsBackward extends Node {
  readonly name = 'AbsBackward0';
  constructor(x: Tensor) {
    super();
    this.save(x);
  }
  // d/dx |x| = g * sign(x), 0 at x = 0
  backward(g: Tensor): Tensor[] {
    return [gradMap(g, this.saved[0], k.absBackward)];
  }
}

/** x ** p for a number p (`torch.pow(x, 2)`). Integer tensors stay integer for whole p >= 0. */
export function powScalar(x: Tensor, p: number): Tensor {
  if (typeof p !== 'number' || Number.isNaN(p)) throw new Error(`pow: the exponent must be a number, got ${String(p)}`);
  const dtype = resultType(x, p);
  if (!isFloatDtype(dtype)) {
    if (p < 0) throw new Error(`pow: integers to negative integer powers are not allowed (exponent ${p}); convert with .float() first`);
    const y = empty(x.shape, dtype);
    for (let i = 0; i < y.data.length; i++) y.data[i] = Math.pow(x.data[i], p);
    return y;
  }
  const y = empty(x.shape, dtype);
  k.powScalar(cast(x, dtype).data as FloatArray, p, y.data as FloatArray);
  return needsGrad(x) ? record(y, new PowScalarBackward(x, p), x) : y;
}

class PowScalarBackward extends Node {
  readonly name = 'PowBackward0';
  constructor(x: Tensor, private readonly p: number) {
    super();
    this.save(x);
  }
  // d/dx x^p = g * p * x^(p-1) (0 for p = 0)
  backward(g: Tensor): Tensor[] {
    const out = empty(g.shape, g.dtype);
    k.powScalarBackward(g.data as FloatArray, this.saved[0].data as FloatArray, this.p, out.data as FloatArray);
    return [out];
  }
}

/**
 * Limits every element to [min, max] (`torch.clamp`); either bound may be null. The gradient
 * passes where min <= x <= max, bounds included, as in PyTorch.
 */
export function clamp(x: Tensor, min: number | null = null, max: number | null = null): Tensor {
  if (min === null && max === null) throw new Error("clamp: at least one of 'min' or 'max' must be given");
  const lo = min ?? -Infinity;
  const hi = max ?? Infinity;
  const dtype = resultType({ dtype: resultType(x, min ?? 0), shape: x.shape }, max ?? 0);
  const y = empty(x.shape, dtype);
  k.clamp(cast(x, dtype).data, lo, hi, y.data);
  return needsGrad(x) ? record(y, new ClampBackward(x, lo, hi), x) : y;
}

class ClampBackward extends Node {
  readonly name = 'ClampBackward1';
  constructor(x: Tensor, private readonly lo: number, private readonly hi: number) {
    super();
    this.save(x);
  }
  // d/dx clamp(x) = g where lo <= x <= hi, else 0
  backward(g: Tensor): Tensor[] {
    const out = empty(g.shape, g.dtype);
    k.clampBackward(g.data as FloatArray, this.saved[0].data, this.lo, this.hi, out.data as FloatArray);
    return [out];
  }
}

/** max(x, 0) (`torch.relu`); keeps x's dtype. */
export function relu(x: Tensor): Tensor {
  const y = empty(x.shape, x.dtype);
  if (isFloatDtype(x.dtype)) kernels().relu(x.data as FloatArray, y.data as FloatArray);
  else k.relu(x.data, y.data);
  return needsGrad(x) ? record(y, new ReluBackward(y), x) : y;
}

class ReluBackward extends Node {
  readonly name = 'ReluBackward0';
  constructor(y: Tensor) {
    super();
    this.save(y);
  }
  // d/dx relu(x) = g where x > 0 (read from the output: y > 0 exactly where x > 0), else 0
  backward(g: Tensor): Tensor[] {
    return [gradMap(g, this.saved[0], reluBackwardKernel)];
  }
}

/** 1 / (1 + e^-x) (`torch.sigmoid`), a primitive so it stays exact for large |x|. */
export function sigmoid(x: Tensor): Tensor {
  const y = floatUnary(x, sigmoidKernel);
  return needsGrad(x) ? record(y, new SigmoidBackward(y), x) : y;
}

class SigmoidBackward extends Node {
  readonly name = 'SigmoidBackward0';
  constructor(y: Tensor) {
    super();
    this.save(y);
  }
  // d/dx sigmoid(x) = g * y * (1 - y) (reuses the output)
  backward(g: Tensor): Tensor[] {
    return [gradMap(g, this.saved[0], sigmoidBackwardKernel)];
  }
}

/** Hyperbolic tangent (`torch.tanh`). */
export function tanh(x: Tensor): Tensor {
  const y = floatUnary(x, k.tanh);
  return needsGrad(x) ? record(y, new TanhBackward(y), x) : y;
}

class TanhBackward extends Node {
  readonly name = 'TanhBackward0';
  constructor(y: Tensor) {
    super();
    this.save(y);
  }
  // d/dx tanh(x) = g * (1 - y^2) (reuses the output)
  backward(g: Tensor): Tensor[] {
    return [gradMap(g, this.saved[0], k.tanhBackward)];
  }
}

/** A copy converted to `dtype`, or x itself when it already has it (`x.to(dtype)`). */
export function toDtype(x: Tensor, dtype: DType): Tensor {
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
    return [cast(g, this.from)];
  }
}

/** A copy with its own storage, still in the graph (`x.clone()`). */
export function clone(x: Tensor): Tensor {
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
