/**
 * The losses of issue 14 (CTC is in ctc-loss.ts). Where PyTorch composes a loss from ops (L1, KL
 * divergence, Poisson and Gaussian NLL, the embedding and ranking losses, multilabel soft margin,
 * triplet margin), tsgrad composes it the same way, so its gradients of every order come free and it
 * prints the same grad_fn; where PyTorch has a primitive (smooth L1, Huber, multi margin), it is a
 * node here, with PyTorch's name and a backward made of ops.
 */
import { noGrad } from '../../autograd/grad-mode';
import { Node } from '../../autograd/node';
import { needsGrad, record } from '../../autograd/record';
import { type FloatArray, isFloatDtype } from '../../dtype';
import { checkBoolean, checkNumber, describe } from '../../options';
import { add, div, eq, mul, ne, neg, sub, where } from '../../ops/binary';
import { minimum, xlogy } from '../../ops/elementwise';
import { checkTensor, zerosOf } from '../../ops/helpers';
import { gather, reshape, unsqueeze } from '../../ops/layout';
import { mean, norm, sum } from '../../ops/reduce';
import { exp, log, powScalar, sqrt } from '../../ops/unary';
import { fmt, sameShape } from '../../shape';
import type { Tensor } from '../../tensor';
import { logsigmoid } from './activations-more';
import { checkLossOptions, checkReduction, type Reduction, reduceLosses, upstreamScale } from './reduction';

// ---- shared pieces ----

/** PyTorch's apply_loss_reduction: the losses, their mean or their sum. */
function reduce(loss: Tensor, reduction: Reduction): Tensor {
  return reduction === 'none' ? loss : reduction === 'sum' ? sum(loss) : mean(loss);
}

/** A float input and a target of its shape (PyTorch warns and broadcasts there; tsgrad refuses, as mseLoss). */
function checkPair(input: unknown, target: unknown, where: string): [Tensor, Tensor] {
  const x = checkTensor(input, where);
  const t = checkTensor(target, where, 'target');
  if (!isFloatDtype(x.dtype)) throw new Error(`${where}: input must be a floating point tensor, got ${x.dtype}; convert it with .float() first`);
  if (!sameShape(x.shape, t.shape)) {
    throw new Error(
      `${where}: target of shape ${fmt(t.shape)} must have the same shape as the input ${fmt(x.shape)} ` +
        '(PyTorch warns and broadcasts, which silently computes the wrong loss for an (N) vs (N, 1) mix-up; reshape one of them)',
    );
  }
  // a bool target is 0 or 1, as in PyTorch (sub itself refuses bool tensors)
  return [x, t.dtype === 'bool' ? t.int() : t];
}

/** An elementwise weight: a tensor of the input's shape, or null. */
function checkWeight(weight: Tensor | null | undefined, input: Tensor, where: string): Tensor | null {
  if (weight === null || weight === undefined) return null;
  checkTensor(weight, where, 'weight');
  if (!sameShape(weight.shape, input.shape)) {
    throw new Error(`${where}: weight of shape ${fmt(weight.shape)} and input of shape ${fmt(input.shape)} must have the same size (as in PyTorch)`);
  }
  return weight;
}

/** A bool mask of where `pred` holds for x's elements: a constant, so backwards built on it stay differentiable. */
function maskOf(x: Tensor, pred: (v: number) => boolean): Tensor {
  const m = zerosOf(x.shape, 'bool');
  const xs = x.data;
  for (let i = 0; i < xs.length; i++) if (pred(xs[i])) m.data[i] = 1;
  return m;
}

/**
 * max(x, min) elementwise with PyTorch's grad_fn name ClampMinBackward0 (the losses below clamp with
 * clamp_min, which prints so); NaN passes, and the gradient passes where x >= min.
 */
function clampMin(x: Tensor, min: number): Tensor {
  const y = zerosOf(x.shape, x.dtype);
  const xs = x.data;
  const lo = x.dtype === 'float32' ? Math.fround(min) : min;
  for (let i = 0; i < xs.length; i++) y.data[i] = xs[i] < lo ? lo : xs[i];
  return needsGrad(x) ? record(y, new ClampMinBackward(x, lo), x) : y;
}

class ClampMinBackward extends Node {
  readonly name = 'ClampMinBackward0';
  constructor(
    x: Tensor,
    private readonly min: number,
  ) {
    super();
    this.save(x);
  }
  // d/dx max(x, min) = 1 where x >= min, else 0 (0 at NaN)
  backward(g: Tensor): Tensor[] {
    return [
      where(
        maskOf(this.saved[0], (v) => v >= this.min),
        g,
        0,
      ),
    ];
  }
}

// ---- L1, smooth L1, Huber ----

export interface L1LossOptions {
  reduction?: Reduction;
  /** Multiplies each element's |input - target| (the input's shape); 'mean' then divides by the weights' sum, as PyTorch. */
  weight?: Tensor | null;
}
/** The option keys, for checkOptions. */
export const L1_LOSS_OPTIONS = ['reduction', 'weight'] as const;

/** |input - target| per element, then the reduction (`F.l1_loss`), composed as PyTorch composes it. */
export function l1Loss(input: Tensor, target: Tensor, options: L1LossOptions = {}): Tensor {
  const [x, t] = checkPair(input, target, 'l1Loss');
  checkLossOptions(options, L1_LOSS_OPTIONS, 'l1Loss');
  const reduction = checkReduction(options.reduction, 'l1Loss');
  const weight = checkWeight(options.weight, x, 'l1Loss');
  const errors = sub(x, t).abs();
  if (weight === null) return reduce(errors, reduction);
  const weighted = mul(errors, weight);
  return reduction === 'none' ? weighted : reduction === 'sum' ? sum(weighted) : div(sum(weighted), sum(weight));
}

export interface SmoothL1LossOptions {
  reduction?: Reduction;
  /** Where the loss turns from quadratic to linear; >= 0 (0 is the L1 loss). Default 1. */
  beta?: number;
}
/** The option keys, for checkOptions. */
export const SMOOTH_L1_LOSS_OPTIONS = ['reduction', 'beta'] as const;

/**
 * 0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta, d = input - target (`F.smooth_l1_loss`); one
 * node, SmoothL1LossBackward0, with the reduction inside as in PyTorch. beta 0 is l1Loss, as there.
 */
export function smoothL1Loss(input: Tensor, target: Tensor, options: SmoothL1LossOptions = {}): Tensor {
  const [x, t] = checkPair(input, target, 'smoothL1Loss');
  checkLossOptions(options, SMOOTH_L1_LOSS_OPTIONS, 'smoothL1Loss');
  const reduction = checkReduction(options.reduction, 'smoothL1Loss');
  const beta = checkNumber(options.beta ?? 1, 'smoothL1Loss', 'beta');
  if (!(beta >= 0)) throw new Error(`smoothL1Loss: beta must be >= 0 (smooth_l1_loss does not support negative values for beta), got ${beta}`);
  if (beta === 0) return l1Loss(x, t, { reduction });
  return piecewiseLoss(x, t, reduction, beta, false);
}

export interface HuberLossOptions {
  reduction?: Reduction;
  /** Where the loss turns from quadratic to linear; > 0. Default 1. */
  delta?: number;
  /** Multiplies each element's loss (the input's shape), before the reduction. */
  weight?: Tensor | null;
}
/** The option keys, for checkOptions. */
export const HUBER_LOSS_OPTIONS = ['reduction', 'delta', 'weight'] as const;

/**
 * 0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta), d = input - target (`F.huber_loss`); one
 * node, HuberLossBackward0, as in PyTorch (a weight multiplies the unreduced losses first).
 */
export function huberLoss(input: Tensor, target: Tensor, options: HuberLossOptions = {}): Tensor {
  const [x, t] = checkPair(input, target, 'huberLoss');
  checkLossOptions(options, HUBER_LOSS_OPTIONS, 'huberLoss');
  const reduction = checkReduction(options.reduction, 'huberLoss');
  const delta = checkNumber(options.delta ?? 1, 'huberLoss', 'delta');
  if (!(delta > 0)) throw new Error(`huberLoss: delta must be > 0 (huber_loss does not support non-positive values for delta), got ${delta}`);
  const weight = checkWeight(options.weight, x, 'huberLoss');
  if (weight === null) return piecewiseLoss(x, t, reduction, delta, true);
  return reduce(mul(piecewiseLoss(x, t, 'none', delta, true), weight), reduction);
}

/** Smooth L1 (huber false) or Huber (true) with cut-off c, reduced, as one node. */
function piecewiseLoss(x: Tensor, t: Tensor, reduction: Reduction, c: number, huber: boolean): Tensor {
  const xs = x.data;
  const ts = t.data;
  const losses = zerosOf(x.shape, x.dtype).data as FloatArray;
  for (let i = 0; i < xs.length; i++) {
    const z = Math.abs(xs[i] - ts[i]);
    if (huber) losses[i] = z < c ? 0.5 * z * z : c * (z - 0.5 * c);
    else losses[i] = z < c ? (0.5 * z * z) / c : z - 0.5 * c;
  }
  const out = reduceLosses(losses, x.shape, x.dtype as 'float32' | 'float64', reduction, xs.length);
  return needsGrad(x, t) ? record(out, new PiecewiseLossBackward(x, t, reduction, c, huber), x, t) : out;
}

class PiecewiseLossBackward extends Node {
  readonly name: string;
  constructor(
    x: Tensor,
    t: Tensor,
    private readonly reduction: Reduction,
    private readonly c: number,
    private readonly huber: boolean,
  ) {
    super();
    this.name = huber ? 'HuberLossBackward0' : 'SmoothL1LossBackward0';
    this.save(x, t);
  }
  // d/dx = -s below -c, s above c, d / c (smooth L1) or d (Huber) between, d = x - t; s = 1 (smooth L1) or c (Huber);
  // d/dt = -d/dx; times g (g / numel for 'mean')
  backward(g: Tensor): (Tensor | null)[] {
    const [x, t] = this.saved;
    const d = sub(x, t);
    const c = this.c;
    const s = this.huber ? c : 1;
    const inner = this.huber ? d : div(d, c);
    const slope = where(
      maskOf(d, (v) => v < -c),
      -s,
      where(
        maskOf(d, (v) => v > c),
        s,
        inner,
      ),
    );
    const gx = mul(slope, upstreamScale(g, this.reduction, x.numel()));
    return [this.needsInputGrad[0] ? gx : null, this.needsInputGrad[1] ? neg(gx) : null];
  }
}

// ---- KL divergence, Poisson and Gaussian negative log-likelihoods ----

export interface KLDivLossOptions {
  /** 'batchmean' (the sum over the batch size, the KL divergence's definition), 'mean' (over every element), 'sum' or 'none'. */
  reduction?: Reduction | 'batchmean';
  /** The target holds log-probabilities rather than probabilities. */
  logTarget?: boolean;
}
/** The option keys, for checkOptions. */
export const KL_DIV_LOSS_OPTIONS = ['reduction', 'logTarget'] as const;

/**
 * target (log target - input) per element, the input holding log-probabilities (`F.kl_div`):
 * xlogy(target, target) - target * input, or exp(target) (target - input) with `logTarget`.
 * Composed as PyTorch composes it; input and target broadcast.
 */
export function klDiv(input: Tensor, target: Tensor, options: KLDivLossOptions = {}): Tensor {
  checkTensor(input, 'klDiv');
  checkTensor(target, 'klDiv', 'target');
  checkLossOptions(options, KL_DIV_LOSS_OPTIONS, 'klDiv');
  const reduction = options.reduction ?? 'mean';
  if (reduction !== 'batchmean') checkReduction(reduction, 'klDiv');
  const logTarget = checkBoolean(options.logTarget ?? false, 'klDiv', 'logTarget');
  const loss = logTarget ? mul(exp(target), sub(target, input)) : sub(xlogy(target, target), mul(target, input));
  if (reduction !== 'batchmean') return reduce(loss, reduction);
  return input.ndim === 0 ? sum(loss) : div(sum(loss), input.shape[0]);
}

export interface PoissonNLLLossOptions {
  /** The input is log(rate) (the default), else the rate itself. */
  logInput?: boolean;
  /** Adds Stirling's approximation of log(target!) where target > 1. */
  full?: boolean;
  /** Added to the rate before its log when logInput is false. Default 1e-8. */
  eps?: number;
  reduction?: Reduction;
}
/** The option keys, for checkOptions. */
export const POISSON_NLL_LOSS_OPTIONS = ['logInput', 'full', 'eps', 'reduction'] as const;

/**
 * The Poisson negative log-likelihood of target under rate e^input (`F.poisson_nll_loss`):
 * e^input - target * input, or input - target * log(input + eps) when logInput is false.
 */
export function poissonNllLoss(input: Tensor, target: Tensor, options: PoissonNLLLossOptions = {}): Tensor {
  checkTensor(input, 'poissonNllLoss');
  checkTensor(target, 'poissonNllLoss', 'target');
  checkLossOptions(options, POISSON_NLL_LOSS_OPTIONS, 'poissonNllLoss');
  const reduction = checkReduction(options.reduction, 'poissonNllLoss');
  const logInput = checkBoolean(options.logInput ?? true, 'poissonNllLoss', 'logInput');
  const full = checkBoolean(options.full ?? false, 'poissonNllLoss', 'full');
  const eps = checkNumber(options.eps ?? 1e-8, 'poissonNllLoss', 'eps');
  let loss = logInput ? sub(exp(input), mul(target, input)) : sub(input, mul(target, log(add(input, eps))));
  if (full) {
    // Stirling: target log(target) - target + 0.5 log(2 pi target), only where target > 1
    const stirling = add(sub(mul(target, log(target)), target), mul(log(mul(target, 2 * Math.PI)), 0.5));
    loss = add(
      loss,
      where(
        maskOf(target, (v) => v <= 1),
        0,
        stirling,
      ),
    );
  }
  return reduce(loss, reduction);
}

export interface GaussianNLLLossOptions {
  /** Adds the constant 0.5 log(2 pi). */
  full?: boolean;
  /** The floor on the variance (clamped without blocking its gradient, as PyTorch). Default 1e-6. */
  eps?: number;
  reduction?: Reduction;
}
/** The option keys, for checkOptions. */
export const GAUSSIAN_NLL_LOSS_OPTIONS = ['full', 'eps', 'reduction'] as const;

/**
 * 0.5 (log(var) + (input - target)^2 / var) per element (`F.gaussian_nll_loss`). `variance` has the
 * input's shape, or one dim fewer (homoscedastic over the last dim), or a 1 in one dim; a number is a
 * variance shared by every element.
 */
export function gaussianNllLoss(input: Tensor, target: Tensor, variance: Tensor | number, options: GaussianNLLLossOptions = {}): Tensor {
  const where_ = 'gaussianNllLoss';
  checkTensor(input, where_);
  checkTensor(target, where_, 'target');
  checkLossOptions(options, GAUSSIAN_NLL_LOSS_OPTIONS, where_);
  const full = checkBoolean(options.full ?? false, where_, 'full');
  const eps = checkNumber(options.eps ?? 1e-6, where_, 'eps');
  let v: Tensor;
  if (typeof variance === 'number') {
    if (variance < 0) throw new Error(`${where_}: var has negative entry/entries (got ${variance})`);
    v = noGrad(() => mul(variance, zerosOf(input.shape, input.dtype).add(1)));
  } else {
    v = checkTensor(variance, where_, 'var');
    if (Array.from(v.data).some((e) => e < 0)) throw new Error(`${where_}: var has negative entry/entries`);
  }
  if (!sameShape(v.shape, input.shape)) {
    if (sameShape(input.shape.slice(0, -1), v.shape) && input.ndim > 0) v = unsqueeze(v, -1);
    else if (!(input.ndim === v.ndim && input.shape.reduce((acc, s, i) => acc + (s !== v.shape[i] ? v.shape[i] : 0), 0) === 1)) {
      throw new Error(`${where_}: var of shape ${fmt(v.shape)} is of incorrect size for the input of shape ${fmt(input.shape)}`);
    }
  }
  const reduction = checkReduction(options.reduction, where_);
  const clamped = floorWithoutGrad(v, eps);
  let loss = mul(add(log(clamped), div(powScalar(sub(input, target), 2), clamped)), 0.5);
  if (full) loss = add(loss, 0.5 * Math.log(2 * Math.PI));
  return reduce(loss, reduction);
}

/** A copy of v with every element below `eps` raised to it, whose gradient passes unchanged (PyTorch clamps a clone under no_grad). */
function floorWithoutGrad(v: Tensor, eps: number): Tensor {
  const y = zerosOf(v.shape, v.dtype);
  const lo = v.dtype === 'float32' ? Math.fround(eps) : eps;
  for (let i = 0; i < v.data.length; i++) y.data[i] = v.data[i] < lo ? lo : v.data[i];
  return needsGrad(v) ? record(y, new PassBackward(), v) : y;
}

class PassBackward extends Node {
  readonly name = 'CloneBackward0';
  // d/dv = g: the clamp happened outside the graph
  backward(g: Tensor): Tensor[] {
    return [g];
  }
}

// ---- embedding and ranking losses ----

export interface MarginLossOptions {
  margin?: number;
  reduction?: Reduction;
}
/** The option keys, for checkOptions. */
export const MARGIN_LOSS_OPTIONS = ['margin', 'reduction'] as const;

/** ATen's EPSILON, a float32 constant (1e-12f) in every dtype. */
const EPSILON = Math.fround(1e-12);

/**
 * 1 - cos(x1, x2) where target is 1, max(0, cos(x1, x2) - margin) where it is -1 (`F.cosine_embedding_loss`),
 * the cosine over dim 1 of (N, D) inputs with an (N) target, or over the one dim of (D) inputs with a 0-d target.
 */
export function cosineEmbeddingLoss(input1: Tensor, input2: Tensor, target: Tensor, options: MarginLossOptions = {}): Tensor {
  const where_ = 'cosineEmbeddingLoss';
  checkTensor(input1, where_, 'input1');
  checkTensor(input2, where_, 'input2');
  checkTensor(target, where_, 'target');
  checkLossOptions(options, MARGIN_LOSS_OPTIONS, where_);
  const reduction = checkReduction(options.reduction, where_);
  const margin = checkNumber(options.margin ?? 0, where_, 'margin');
  const d = target.ndim;
  if (d !== 0 && d !== 1) throw new Error(`${where_}: 0D or 1D target tensor expected, multi-target not supported (got target of shape ${fmt(target.shape)})`);
  if (input1.ndim !== d + 1) {
    throw new Error(
      `${where_}: ${d}D target tensor expects ${d + 1}D input tensors, but found inputs with sizes ${fmt(input1.shape)} and ${fmt(input2.shape)}`,
    );
  }
  if (!sameShape(input1.shape, input2.shape)) {
    throw new Error(`${where_}: input1 of shape ${fmt(input1.shape)} and input2 of shape ${fmt(input2.shape)} must have the same shape`);
  }
  if (d === 1 && target.shape[0] !== input1.shape[0]) {
    throw new Error(`${where_}: target of shape ${fmt(target.shape)} must have one entry per row of the inputs, of shape ${fmt(input1.shape)}`);
  }
  const prodSum = sum(mul(input1, input2), d);
  const mag1 = add(sum(mul(input1, input1), d), EPSILON);
  const mag2 = add(sum(mul(input2, input2), d), EPSILON);
  const cos = div(prodSum, sqrt(mul(mag1, mag2)));
  const pos = sub(1, cos);
  const negative = clampMin(sub(cos, margin), 0);
  return reduce(add(where(eq(target, 1), pos, 0), where(eq(target, -1), negative, 0)), reduction);
}

/**
 * max(0, -target (x1 - x2) + margin) (`F.margin_ranking_loss`): target 1 wants x1 ranked above x2,
 * -1 below. The three must have the same number of dims, as in PyTorch.
 */
export function marginRankingLoss(input1: Tensor, input2: Tensor, target: Tensor, options: MarginLossOptions = {}): Tensor {
  const where_ = 'marginRankingLoss';
  checkTensor(input1, where_, 'input1');
  checkTensor(input2, where_, 'input2');
  checkTensor(target, where_, 'target');
  checkLossOptions(options, MARGIN_LOSS_OPTIONS, where_);
  const reduction = checkReduction(options.reduction, where_);
  const margin = checkNumber(options.margin ?? 0, where_, 'margin');
  if (input1.ndim !== input2.ndim || input1.ndim !== target.ndim) {
    throw new Error(
      `${where_}: all input tensors should have the same number of dims, got input1 ${fmt(input1.shape)}, input2 ${fmt(input2.shape)} and target ${fmt(target.shape)}`,
    );
  }
  return reduce(clampMin(add(mul(neg(target), sub(input1, input2)), margin), 0), reduction);
}

/** x where target is 1, max(0, margin - x) where it is -1 (`F.hinge_embedding_loss`); margin defaults to 1. */
export function hingeEmbeddingLoss(input: Tensor, target: Tensor, options: MarginLossOptions = {}): Tensor {
  const where_ = 'hingeEmbeddingLoss';
  checkTensor(input, where_);
  checkTensor(target, where_, 'target');
  checkLossOptions(options, MARGIN_LOSS_OPTIONS, where_);
  const reduction = checkReduction(options.reduction, where_);
  const margin = checkNumber(options.margin ?? 1, where_, 'margin');
  const marginTerm = where(ne(target, 1), clampMin(sub(margin, input), 0), 0);
  const selfTerm = where(ne(target, -1), input, 0);
  return reduce(add(marginTerm, selfTerm), reduction);
}

export interface MultiLabelSoftMarginLossOptions {
  /** A weight per class (broadcast along the last dim). */
  weight?: Tensor | null;
  reduction?: Reduction;
}
/** The option keys, for checkOptions. */
export const MULTILABEL_SOFT_MARGIN_LOSS_OPTIONS = ['weight', 'reduction'] as const;

/**
 * -(y log sigmoid(x) + (1 - y) log sigmoid(-x)) averaged over the classes (the last dim), one loss
 * per sample (`F.multilabel_soft_margin_loss`); target holds 0 or 1 per class.
 */
export function multilabelSoftMarginLoss(input: Tensor, target: Tensor, options: MultiLabelSoftMarginLossOptions = {}): Tensor {
  const where_ = 'multilabelSoftMarginLoss';
  checkTensor(input, where_);
  checkTensor(target, where_, 'target');
  checkLossOptions(options, MULTILABEL_SOFT_MARGIN_LOSS_OPTIONS, where_);
  const reduction = checkReduction(options.reduction, where_);
  if (input.ndim === 0) throw new Error(`${where_}: input must have a class dim (the last), got a 0-d tensor`);
  if (!sameShape(input.shape, target.shape)) {
    throw new Error(`${where_}: target of shape ${fmt(target.shape)} must have the same shape as the input ${fmt(input.shape)}`);
  }
  let loss = neg(add(mul(target, logsigmoid(input)), mul(sub(1, target), logsigmoid(neg(input)))));
  if (options.weight !== null && options.weight !== undefined) loss = mul(loss, checkTensor(options.weight, where_, 'weight'));
  const classDim = input.ndim - 1;
  loss = div(sum(loss, classDim), input.shape[classDim]);
  return reduce(loss, reduction);
}

export interface MultiMarginLossOptions {
  /** 1 (hinge) or 2 (squared hinge). */
  p?: number;
  margin?: number;
  /** A weight per class, applied by the target class. */
  weight?: Tensor | null;
  reduction?: Reduction;
}
/** The option keys, for checkOptions. */
export const MULTI_MARGIN_LOSS_OPTIONS = ['p', 'margin', 'weight', 'reduction'] as const;

/**
 * The multi-class hinge loss (`F.multi_margin_loss`): for each sample, sum over classes i != y of
 * w[y] max(0, margin - x[y] + x[i])^p / C, for (N, C) or (C) input and int32 class indices. One node,
 * MultiMarginLossBackward0, with the reduction inside as in PyTorch.
 */
export function multiMarginLoss(input: Tensor, target: Tensor, options: MultiMarginLossOptions = {}): Tensor {
  const where_ = 'multiMarginLoss';
  checkTensor(input, where_);
  checkTensor(target, where_, 'target');
  checkLossOptions(options, MULTI_MARGIN_LOSS_OPTIONS, where_);
  const p = options.p ?? 1;
  if (p !== 1 && p !== 2) throw new Error(`${where_}: only p == 1 and p == 2 supported, got ${describe(p)}`);
  const margin = checkNumber(options.margin ?? 1, where_, 'margin');
  const weight = options.weight ?? null;
  if (weight !== null) {
    checkTensor(weight, where_, 'weight');
    if (weight.ndim !== 1) throw new Error(`${where_}: weight must be one-dimensional, got shape ${fmt(weight.shape)}`);
  }
  const reduction = checkReduction(options.reduction, where_);
  if (!isFloatDtype(input.dtype)) throw new Error(`${where_}: input must be a floating point tensor, got ${input.dtype}`);
  const nd = input.ndim;
  if (nd > 2 || (nd >= 1 && input.shape[nd - 1] === 0)) {
    throw new Error(`${where_}: expected a non-empty vector or matrix with optional 0-dim batch size, got input of shape ${fmt(input.shape)}`);
  }
  const n = nd <= 1 ? 1 : input.shape[0];
  const c = nd === 0 ? 1 : input.shape[nd - 1];
  if (target.ndim > 1 || target.numel() !== n) {
    throw new Error(
      `${where_}: target tensor should be 1-D with size equal to the number of input samples (batch size). ` +
        `Expected target size [${n}], but got ${fmt(target.shape)}. Input has shape ${fmt(input.shape)}.`,
    );
  }
  if (target.dtype !== 'int32') throw new Error(`${where_}: target must be an int32 tensor of class indices, got ${target.dtype}`);
  if (weight !== null && weight.numel() !== c) throw new Error(`${where_}: inconsistent weight size, expected ${c} but got ${fmt(weight.shape)}`);
  const ys = target.data;
  for (let i = 0; i < n; i++) if (!(ys[i] >= 0 && ys[i] < c)) throw new Error(`${where_}: target out of range: ${ys[i]} is not a class index in [0, ${c})`);
  const xs = input.data;
  const losses = zerosOf([n], input.dtype).data as FloatArray;
  for (let s = 0; s < n; s++) {
    const y = ys[s];
    const xy = xs[s * c + y];
    const w = weight === null ? 1 : weight.data[y];
    let total = 0;
    for (let i = 0; i < c; i++) {
      if (i === y) continue;
      const z = margin - xy + xs[s * c + i];
      if (z > 0) total += (p === 1 ? z : z * z) * w;
    }
    losses[s] = total / c;
  }
  const noneShape = reduction === 'none' && target.ndim > 0 ? [n] : [];
  const out = reduceLosses(losses, noneShape, input.dtype, reduction, n);
  if (!needsGrad(input)) return out;
  return record(out, new MultiMarginBackward(input, target, weight, p, margin, reduction, [n, c]), input);
}

class MultiMarginBackward extends Node {
  readonly name = 'MultiMarginLossBackward0';
  constructor(
    input: Tensor,
    private readonly target: Tensor,
    private readonly weight: Tensor | null,
    private readonly p: number,
    private readonly margin: number,
    private readonly reduction: Reduction,
    private readonly shape: [number, number],
  ) {
    super();
    this.save(input);
  }
  // with z_i = margin - x_y + x_i and h_i = w_y (1 or 2 z_i) / C where z_i > 0 and i != y (else 0):
  // d/dx_i = h_i g_n for i != y, d/dx_y = -sum_i h_i g_n (g_n: the sample's upstream, / N for 'mean')
  backward(g: Tensor): Tensor[] {
    const x = this.saved[0];
    const [n, c] = this.shape;
    const x2 = reshape(x, [n, c]);
    const y = reshape(this.target, [n, 1]);
    const z = add(sub(this.margin, gather(x2, 1, y)), x2);
    const ys = this.target.data;
    const active = maskOf(z, (v) => v > 0);
    const notTarget = zerosOf([n, c], 'bool');
    const onehot = zerosOf([n, c], x.dtype);
    for (let s = 0; s < n; s++) {
      for (let i = 0; i < c; i++) notTarget.data[s * c + i] = i === ys[s] ? 0 : active.data[s * c + i];
      onehot.data[s * c + ys[s]] = 1;
    }
    const wy = zerosOf([n, 1], x.dtype);
    for (let s = 0; s < n; s++) wy.data[s] = (this.weight === null ? 1 : this.weight.data[ys[s]]) / c;
    const per = this.reduction === 'none' ? reshape(g, [n, 1]) : upstreamScale(g, this.reduction, n);
    const h = mul(where(notTarget, this.p === 1 ? 1 : mul(z, 2), 0), mul(wy, per));
    return [reshape(sub(h, mul(onehot, sum(h, 1, true))), x.shape)];
  }
}

export interface TripletMarginLossOptions {
  /** > 0; default 1. */
  margin?: number;
  /** The norm of the pairwise distance; default 2. */
  p?: number;
  /** Added to each difference before the norm (PyTorch's pairwise_distance); default 1e-6. */
  eps?: number;
  /** Uses the distance positive-negative when it is smaller than anchor-negative. */
  swap?: boolean;
  reduction?: Reduction;
}
/** The option keys, for checkOptions. */
export const TRIPLET_MARGIN_LOSS_OPTIONS = ['margin', 'p', 'eps', 'swap', 'reduction'] as const;

/** ||x1 - x2 + eps||_p over the last dim (PyTorch's pairwise_distance). */
function pairwiseDistance(x1: Tensor, x2: Tensor, p: number, eps: number): Tensor {
  const diff = add(sub(x1, x2), eps);
  return norm(diff, p, Math.max(x1.ndim, x2.ndim) - 1);
}

/**
 * max(0, margin + d(anchor, positive) - d(anchor, negative)) (`F.triplet_margin_loss`), d the
 * p-norm distance over the last dim; with `swap`, d(anchor, negative) is replaced by d(positive,
 * negative) where that is smaller.
 */
export function tripletMarginLoss(anchor: Tensor, positive: Tensor, negative: Tensor, options: TripletMarginLossOptions = {}): Tensor {
  const where_ = 'tripletMarginLoss';
  checkTensor(anchor, where_, 'anchor');
  checkTensor(positive, where_, 'positive');
  checkTensor(negative, where_, 'negative');
  checkLossOptions(options, TRIPLET_MARGIN_LOSS_OPTIONS, where_);
  const reduction = checkReduction(options.reduction, where_);
  const margin = checkNumber(options.margin ?? 1, where_, 'margin');
  if (!(margin > 0)) throw new Error(`${where_}: margin must be greater than 0, got ${margin}`);
  const p = checkNumber(options.p ?? 2, where_, 'p');
  const eps = checkNumber(options.eps ?? 1e-6, where_, 'eps');
  const swap = checkBoolean(options.swap ?? false, where_, 'swap');
  if (anchor.ndim !== positive.ndim || positive.ndim !== negative.ndim) {
    throw new Error(
      `${where_}: the anchor, positive, and negative tensors are expected to have the same number of dimensions, but got: anchor ${anchor.ndim}D, positive ${positive.ndim}D, and negative ${negative.ndim}D inputs`,
    );
  }
  const distPos = pairwiseDistance(anchor, positive, p, eps);
  let distNeg = pairwiseDistance(anchor, negative, p, eps);
  if (swap) distNeg = minimum(distNeg, pairwiseDistance(positive, negative, p, eps));
  return reduce(clampMin(sub(add(distPos, margin), distNeg), 0), reduction);
}
