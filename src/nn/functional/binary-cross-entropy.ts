/** Binary cross-entropy on probabilities and on logits (`binary_cross_entropy[_with_logits]`). */
import { Node } from '../../autograd/node';
import { type FloatArray, type FloatDType, isFloatDtype } from '../../dtype';
import { add, div, lt, mul, neg, sub, where } from '../../ops/binary';
import { cast, checkTensor, expandTo, zerosOf } from '../../ops/helpers';
import { abs, clamp, exp, log, relu, sigmoid } from '../../ops/unary';
import { needsGrad, record } from '../../autograd/record';
import { fmt, sameShape } from '../../shape';
import { Tensor } from '../../tensor';
import { checkLossOptions, checkReduction, type Reduction, reduceLosses, upstream, upstreamScale } from './reduction';

export interface BCELossOptions {
  /** Rescales each element's loss; broadcast to the input's shape. */
  weight?: Tensor | null;
  reduction?: Reduction;
}

export interface BCEWithLogitsLossOptions extends BCELossOptions {
  /** Weight of the positive term per class, broadcast along the last dim (PyTorch's pos_weight). */
  posWeight?: Tensor | null;
}

/** The keys of BCELossOptions and BCEWithLogitsLossOptions, for checkOptions. */
export const BCE_LOSS_OPTIONS = ['weight', 'reduction'] as const;
export const BCE_WITH_LOGITS_LOSS_OPTIONS = ['weight', 'reduction', 'posWeight'] as const;

/** PyTorch clamps each log at -100 so that p = 0 or 1 give a finite loss. */
const LOG_FLOOR = -100;
/**
 * PyTorch's floor on p (1 - p) in the backward, for a finite gradient at p = 0 or 1.
 * NOTE: ATen declares it `constexpr float EPSILON = 1e-12`, so even float64 uses float32's 1e-12.
 */
const EPSILON = Math.fround(1e-12);

/** Checks input and target and returns the (float) dtype the loss is computed in. */
function checkPair(input: Tensor, target: Tensor, where: string): FloatDType {
  checkTensor(input, where);
  checkTensor(target, where, 'target');
  if (!isFloatDtype(input.dtype)) throw new Error(`${where}: input must be float, got ${input.dtype}`);
  if (!sameShape(input.shape, target.shape)) {
    throw new Error(
      `${where}: target of shape ${fmt(target.shape)} must have the same shape as the input ${fmt(input.shape)} ` +
        '(no broadcasting: an (N) vs (N, 1) mix-up would silently compute the wrong loss; reshape one of them)',
    );
  }
  return input.dtype;
}

/** An optional weight broadcast to `shape`, as a float array of the input's dtype. */
function broadcastWeight(weight: Tensor | null | undefined, input: Tensor, where: string, what: string): FloatArray | null {
  if (weight === null || weight === undefined) return null;
  checkTensor(weight, where, what);
  try {
    return expandTo(cast(weight, input.dtype), input.shape).data as FloatArray;
  } catch {
    throw new Error(`${where}: ${what} of shape ${fmt(weight.shape)} cannot be broadcast to the input's shape ${fmt(input.shape)}`);
  }
}

/**
 * -w (y log p + (1 - y) log(1 - p)) per element, each log clamped at -100 (`binaryCrossEntropy`).
 * `input` holds probabilities in [0, 1]; anything else is an Error.
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options: BCELossOptions = {}): Tensor {
  const dtype = checkPair(input, target, 'binaryCrossEntropy');
  checkLossOptions(options, BCE_LOSS_OPTIONS, 'binaryCrossEntropy');
  const reduction = checkReduction(options.reduction, 'binaryCrossEntropy');
  const p = input.data as FloatArray;
  for (let i = 0; i < p.length; i++) {
    if (!(p[i] >= 0 && p[i] <= 1)) {
      throw new Error(
        `binaryCrossEntropy: all input elements must be probabilities in [0, 1], got ${p[i]} at flat index ${i} (apply sigmoid first, or use binaryCrossEntropyWithLogits)`,
      );
    }
  }
  const y = cast(target, input.dtype).data as FloatArray;
  for (let i = 0; i < y.length; i++) {
    if (!(y[i] >= 0 && y[i] <= 1)) {
      throw new Error(`binaryCrossEntropy: all elements of target should be between 0 and 1 (as in PyTorch), got ${y[i]} at flat index ${i}`);
    }
  }
  const w = broadcastWeight(options.weight, input, 'binaryCrossEntropy', 'weight');
  const losses = zerosOf(input.shape, input.dtype).data as FloatArray;
  for (let i = 0; i < p.length; i++) {
    const logP = Math.max(Math.log(p[i]), LOG_FLOOR);
    const log1mP = Math.max(Math.log(1 - p[i]), LOG_FLOOR);
    losses[i] = -(w ? w[i] : 1) * (y[i] * logP + (1 - y[i]) * log1mP);
  }
  const out = reduceLosses(losses, input.shape, dtype, reduction, p.length);
  if (!needsGrad(input, target)) return out;
  return record(out, new BCEBackward(input, target, y, w, reduction), input, target);
}

class BCEBackward extends Node {
  readonly name = 'BinaryCrossEntropyBackward0';
  constructor(
    input: Tensor,
    target: Tensor,
    private readonly y: FloatArray,
    private readonly w: FloatArray | null,
    private readonly reduction: Reduction,
  ) {
    super();
    this.save(input, target);
  }
  // d/dp = w (p - y) / max(p (1 - p), 1e-12); d/dy = w (log(1 - p) - log p), unclamped (+-inf at p = 0, 1, as in PyTorch)
  backward(g: Tensor): (Tensor | null)[] {
    const [p, target] = this.saved;
    const y = target.to(p.dtype);
    const scale = mul(upstreamScale(g, this.reduction, p.numel()), this.w ? new Tensor(this.w, p.shape, p.dtype) : 1);
    return [
      this.needsInputGrad[0] ? div(mul(scale, sub(p, y)), clamp(mul(p, sub(1, p)), EPSILON)) : null,
      this.needsInputGrad[1] ? mul(scale, sub(log(sub(1, p)), log(p))) : null,
    ];
  }
  override fastBackward(g: Tensor): (Tensor | null)[] {
    const input = this.saved[0];
    const p = input.data as FloatArray;
    const { y, w } = this;
    const { each, all } = upstream(g, this.reduction, p.length);
    const dp = this.needsInputGrad[0] ? zerosOf(input.shape, g.dtype) : null;
    const dy = this.needsInputGrad[1] ? zerosOf(input.shape, g.dtype) : null;
    for (let i = 0; i < p.length; i++) {
      const scale = (each ? each[i] : all) * (w ? w[i] : 1);
      if (dp) dp.data[i] = (scale * (p[i] - y[i])) / Math.max(p[i] * (1 - p[i]), EPSILON);
      if (dy) dy.data[i] = scale * (Math.log(1 - p[i]) - Math.log(p[i]));
    }
    return [dp, dy];
  }
}

/**
 * -x + (pw - 1) softplus(-x), BCE-with-logits' slope in the target, written as (pw - 1) softplus(x) - pw x
 * for x < 0, so that x = -inf gives inf (not inf - inf) for every pw.
 */
function targetSlopeAt(x: number, pw: number): number {
  return x < 0 ? (pw - 1) * softplusNeg(-x) - pw * x : -x + (pw - 1) * softplusNeg(x);
}

/** targetSlopeAt with ops, for the differentiable backward. */
function targetSlope(x: Tensor, pw: Tensor): Tensor {
  const softplus = (t: Tensor): Tensor => add(log(add(exp(neg(abs(t))), 1)), relu(neg(t))); // softplus(-t)
  const negative = sub(mul(sub(pw, 1), softplus(neg(x))), mul(pw, x));
  const positive = add(neg(x), mul(sub(pw, 1), softplus(x)));
  return where(lt(x, 0), negative, positive);
}

/** log(1 + e^-|x|) + max(-x, 0) = -log sigmoid(x), without overflow for large |x|. */
function softplusNeg(x: number): number {
  return Math.log1p(Math.exp(-Math.abs(x))) + Math.max(-x, 0);
}

/**
 * Sigmoid and binary cross-entropy in one stable step (`binaryCrossEntropyWithLogits`):
 * (1 - y) x + (1 + (posWeight - 1) y) (log(1 + e^-|x|) + max(-x, 0)), times weight.
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, options: BCEWithLogitsLossOptions = {}): Tensor {
  const where = 'binaryCrossEntropyWithLogits';
  const dtype = checkPair(input, target, where);
  checkLossOptions(options, BCE_WITH_LOGITS_LOSS_OPTIONS, where);
  const reduction = checkReduction(options.reduction, where);
  const x = input.data as FloatArray;
  const y = cast(target, input.dtype).data as FloatArray;
  const w = broadcastWeight(options.weight, input, where, 'weight');
  const pw = broadcastWeight(options.posWeight, input, where, 'posWeight');
  const losses = zerosOf(input.shape, input.dtype).data as FloatArray;
  for (let i = 0; i < x.length; i++) {
    const logWeight = pw ? 1 + (pw[i] - 1) * y[i] : 1;
    losses[i] = (w ? w[i] : 1) * ((1 - y[i]) * x[i] + logWeight * softplusNeg(x[i]));
  }
  const out = reduceLosses(losses, input.shape, dtype, reduction, x.length);
  if (!needsGrad(input, target)) return out;
  return record(out, new BCEWithLogitsBackward(input, target, y, w, pw, reduction), input, target);
}

class BCEWithLogitsBackward extends Node {
  readonly name = 'BinaryCrossEntropyWithLogitsBackward0';
  constructor(
    input: Tensor,
    target: Tensor,
    private readonly y: FloatArray,
    private readonly w: FloatArray | null,
    private readonly pw: FloatArray | null,
    private readonly reduction: Reduction,
  ) {
    super();
    this.save(input, target);
  }
  // with lw = 1 + (posWeight - 1) y: d/dx = w ((1 - y) - lw sigmoid(-x)); d/dy = w (-x + (posWeight - 1) softplus(-x))
  backward(g: Tensor): (Tensor | null)[] {
    const [x, target] = this.saved;
    const y = target.to(x.dtype);
    const scale = mul(upstreamScale(g, this.reduction, x.numel()), this.w ? new Tensor(this.w, x.shape, x.dtype) : 1);
    const pw = this.pw ? new Tensor(this.pw, x.shape, x.dtype) : null;
    const lw = pw ? add(mul(sub(pw, 1), y), 1) : 1;
    return [
      this.needsInputGrad[0] ? mul(scale, sub(sub(1, y), mul(lw, sigmoid(neg(x))))) : null,
      this.needsInputGrad[1] ? mul(scale, pw ? targetSlope(x, pw) : neg(x)) : null,
    ];
  }
  override fastBackward(g: Tensor): (Tensor | null)[] {
    const input = this.saved[0];
    const x = input.data as FloatArray;
    const { y, w, pw } = this;
    const { each, all } = upstream(g, this.reduction, x.length);
    const dx = this.needsInputGrad[0] ? zerosOf(input.shape, g.dtype) : null;
    const dy = this.needsInputGrad[1] ? zerosOf(input.shape, g.dtype) : null;
    for (let i = 0; i < x.length; i++) {
      const scale = (each ? each[i] : all) * (w ? w[i] : 1);
      const lw = pw ? 1 + (pw[i] - 1) * y[i] : 1;
      const sigNeg = x[i] >= 0 ? Math.exp(-x[i]) / (1 + Math.exp(-x[i])) : 1 / (1 + Math.exp(x[i]));
      if (dx) dx.data[i] = scale * (1 - y[i] - lw * sigNeg);
      if (dy) dy.data[i] = scale * (pw ? targetSlopeAt(x[i], pw[i]) : -x[i]);
    }
    return [dx, dy];
  }
}
