/** softmax and logSoftmax over any dim: fused primitives, max-subtracted for stability. */
import { Node } from '../autograd/node';
import { type FloatArray, isFloatDtype } from '../dtype';
import { softmaxAxis, softmaxAxisBackward } from '../kernels/softmax';
import { normalizeDim, splitAt } from '../shape';
import type { Tensor } from '../tensor';
import { mul, sub } from './binary';
import { checkTensor, floatData, floatDtypeOf, zerosOf } from './helpers';
import { sum } from './reduce';
import { exp } from './unary';
import { needsGrad, record } from '../autograd/record';
import { tracer } from '../autograd/trace-hook';

function softmaxLike(x: Tensor, dim: number, log: boolean): Tensor {
  const where = log ? 'logSoftmax' : 'softmax';
  checkTensor(x, where);
  if (dim === undefined || dim === null) throw new Error(`${where}: dim is required, e.g. ${where}(x, 1) for the classes of an (N, C) batch`);
  const d = normalizeDim(dim, x.ndim, where);
  if (!isFloatDtype(x.dtype)) {
    throw new Error(
      `${where}: input must be a floating point tensor, got ${x.dtype} (as in PyTorch); convert it with .float() first, or pass { dtype } where it was made`,
    );
  }
  const [outer, n, inner] = splitAt(x.shape, d);
  const y = zerosOf(x.shape, floatDtypeOf(x));
  softmaxAxis(floatData(x), outer, n, inner, log, y.data as FloatArray);
  return needsGrad(x) ? record(y, new SoftmaxBackward(y, d, log), x) : y;
}

class SoftmaxBackward extends Node {
  readonly name: string;
  constructor(
    y: Tensor,
    private readonly dim: number,
    private readonly log: boolean,
  ) {
    super();
    this.name = log ? 'LogSoftmaxBackward0' : 'SoftmaxBackward0';
    this.save(y);
  }
  // softmax: dx = y * (g - sum(g * y)); logSoftmax: dx = g - exp(y) * sum(g), sums along dim
  backward(g: Tensor): Tensor[] {
    const y = this.saved[0];
    const d = this.dim;
    return [this.log ? sub(g, mul(exp(y), sum(g, d, true))) : mul(y, sub(g, sum(mul(g, y), d, true)))];
  }
  override fastBackward(g: Tensor): Tensor[] {
    const y = this.saved[0];
    const [outer, n, inner] = splitAt(y.shape, this.dim);
    const out = zerosOf(y.shape, g.dtype);
    softmaxAxisBackward(g.data as FloatArray, y.data as FloatArray, outer, n, inner, this.log, out.data as FloatArray);
    return [out];
  }
}

/** exp(x) / sum(exp(x)) along `dim` (`torch.softmax`); negative dims count from the end. */
export function softmax(x: Tensor, dim: number): Tensor {
  const y = softmaxLike(x, dim, false);
  if (tracer !== null) tracer.op('softmax', [x], { dim: normalizeDim(dim, Math.max(x.ndim, 1), 'softmax') }, y);
  return y;
}

/** x - logsumexp(x) along `dim` (`torch.log_softmax`), exact where log(softmax(x)) would underflow. */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  const y = softmaxLike(x, dim, true);
  if (tracer !== null) tracer.op('logSoftmax', [x], { dim: normalizeDim(dim, Math.max(x.ndim, 1), 'logSoftmax') }, y);
  return y;
}
