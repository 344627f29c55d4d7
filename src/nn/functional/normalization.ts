/**
 * Normalization (`nn.functional`): batchNorm, layerNorm and groupNorm, each a fused primitive, and the
 * composites instanceNorm (batchNorm over (1, N*C, ...), as PyTorch computes it), rmsNorm and
 * localResponseNorm.
 *
 * NOTE: fused for stability and speed. One pass over storage computes each group's mean and variance
 * in float64 (two passes over the group, no E[x^2] - E[x]^2 cancellation) and the output; one node
 * holds the classic analytic backward on storage (`fastBackward`). Its `backward` is the same formula
 * from ops, recomputing the statistics from x, so that second derivatives through the mean and the
 * variance are right under `createGraph`.
 */
import { Node } from '../../autograd/node';
import { needsGrad, record } from '../../autograd/record';
import { tracer } from '../../autograd/trace-hook';
import { type FloatArray, type FloatDType, isFloatDtype } from '../../dtype';
import { checkBoolean, checkInteger, checkNumber, checkOptions, describe } from '../../options';
import { add, div, mul, sub } from '../../ops/binary';
import { checkTensor, zerosOf } from '../../ops/helpers';
import { narrow, reshape } from '../../ops/layout';
import { pad } from '../../ops/pad';
import { mean, sum } from '../../ops/reduce';
import { repeat } from '../../ops/shape';
import { powScalar, rsqrt } from '../../ops/unary';
import { fmt, numel, type Shape } from '../../shape';
import { Tensor } from '../../tensor';

// ---- shared checks ----

function checkFloatInput(x: Tensor, where: string): FloatDType {
  if (!isFloatDtype(x.dtype)) {
    throw new Error(`${where}: input must be a floating point tensor, got ${x.dtype} (as in PyTorch); convert it with .float() first`);
  }
  return x.dtype;
}

/** An optional tensor argument: null, or a Tensor of the input's dtype. */
function optionalTensor(t: unknown, what: string, dtype: FloatDType, where: string): Tensor | null {
  if (t === null || t === undefined) return null;
  checkTensor(t, where, what);
  const x = t as Tensor;
  if (x.dtype !== dtype) throw new Error(`${where}: ${what} has dtype ${x.dtype} but the input is ${dtype}; they must match`);
  return x;
}

/** The sizes of a normalized shape (a number or an array of whole numbers >= 0). */
function checkNormalizedShape(normalizedShape: unknown, where: string): number[] {
  const list = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape;
  if (!Array.isArray(list)) throw new Error(`${where}: normalizedShape must be a size or an array of sizes, got ${describe(normalizedShape)}`);
  list.forEach((s, i) => {
    if (!Number.isInteger(s) || (s as number) < 0) throw new Error(`${where}: normalizedShape[${i}] must be a whole number >= 0, got ${describe(s)}`);
  });
  if (list.length === 0) {
    throw new Error(`${where}: Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one element, but got normalized_shape = []`);
  }
  return list as number[];
}

/** Whether x's trailing dims are `normalized`. */
function endsWith(x: Tensor, normalized: readonly number[]): boolean {
  if (x.ndim < normalized.length) return false;
  const offset = x.ndim - normalized.length;
  return normalized.every((s, i) => x.shape[offset + i] === s);
}

function sameShapeAs(t: Tensor, shape: readonly number[]): boolean {
  return t.ndim === shape.length && t.shape.every((s, i) => s === shape[i]);
}

/** A constant tensor of `dtype` holding `values`, shaped `shape`. */
function constant(values: Float64Array, shape: Shape, dtype: FloatDType): Tensor {
  return new Tensor(dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values), shape, dtype);
}

/** The gradients of a node whose inputs are x and the present ones of weight and bias, in that order. */
function inputGrads(dx: Tensor | null, dw: Tensor | null, db: Tensor | null, hasWeight: boolean, hasBias: boolean): (Tensor | null)[] {
  const out = [dx];
  if (hasWeight) out.push(dw);
  if (hasBias) out.push(db);
  return out;
}

// ---- batchNorm ----

/** Options of `F.batchNorm` (PyTorch's keyword arguments). */
export interface BatchNormFunctionalOptions {
  /** Per-channel scale, C elements (default none: 1). */
  weight?: Tensor | null;
  /** Per-channel shift, C elements (default none: 0). */
  bias?: Tensor | null;
  /** Normalize with the batch's statistics (and update the running ones, when given); default false. */
  training?: boolean;
  /** running = (1 - momentum) running + momentum batch (default 0.1). */
  momentum?: number;
  eps?: number;
}

/**
 * Batch normalization over the channels (dim 1) of an (N, C, ...) input (`F.batch_norm`):
 * y = (x - mean) / sqrt(var + eps) * weight + bias. Training uses the batch's mean and biased
 * variance over N and the trailing dims, and, when `runningMean` and `runningVar` are given, updates
 * them in place with the batch mean and the unbiased variance. Otherwise it uses the running ones.
 */
export function batchNorm(
  input: Tensor,
  runningMean: Tensor | null = null,
  runningVar: Tensor | null = null,
  options: BatchNormFunctionalOptions = {},
): Tensor {
  const where = 'batchNorm';
  checkTensor(input, where);
  checkOptions(options, ['weight', 'bias', 'training', 'momentum', 'eps'], where);
  const training = checkBoolean(options.training ?? false, where, 'training');
  const momentum = options.momentum === undefined ? 0.1 : options.momentum;
  if (typeof momentum !== 'number') {
    throw new Error(`${where}: momentum must be a number, got ${describe(momentum)} (a BatchNorm module with momentum null passes 1 / numBatchesTracked here)`);
  }
  const eps = checkNumber(options.eps ?? 1e-5, where, 'eps');
  if (input.ndim < 2) throw new Error(`${where}: expected an input of shape (N, C) or (N, C, *), got shape ${fmt(input.shape)}`);
  const dtype = checkFloatInput(input, where);
  const [n, c] = input.shape;
  if (training && input.numel() / c === 1) {
    throw new Error(`${where}: Expected more than 1 value per channel when training, got input size ${fmt(input.shape)}`);
  }
  if (training && !(eps > 0)) throw new Error(`${where}: batch_norm eps must be positive during training, but got ${eps}`);
  if (!(eps >= 0)) throw new Error(`${where}: batch_norm eps must be non-negative, but got ${eps}`);
  const rm = optionalTensor(runningMean, 'running_mean', dtype, where);
  const rv = optionalTensor(runningVar, 'running_var', dtype, where);
  if (training && (rm === null) !== (rv === null)) throw new Error(`${where}: running_mean and running_var must either both be None or neither be None`);
  if (!training && rm === null) throw new Error(`${where}: running_mean must be defined in evaluation mode`);
  if (!training && rv === null) throw new Error(`${where}: running_var must be defined in evaluation mode`);
  const weight = optionalTensor(options.weight, 'weight', dtype, where);
  const bias = optionalTensor(options.bias, 'bias', dtype, where);
  for (const [what, t] of [
    ['running_mean', rm],
    ['running_var', rv],
    ['weight', weight],
    ['bias', bias],
  ] as const) {
    if (t && t.numel() !== c) throw new Error(`${where}: ${what} should contain ${c} elements not ${t.numel()}`);
  }
  for (const [what, t] of [
    ['running_mean', rm],
    ['running_var', rv],
  ] as const) {
    if (t?.requiresGrad) throw new Error(`${where}: batch norm is not differentiable with respect to ${what}; it cannot require grad`);
  }

  const s = n === 0 || c === 0 ? 0 : input.numel() / (n * c);
  const count = n * s;
  const x = input.data as FloatArray;
  const meanOf = new Float64Array(c);
  const invstd = new Float64Array(c);
  if (training) {
    const varOf = batchMoments(x, n, c, s, meanOf);
    for (let ch = 0; ch < c; ch++) invstd[ch] = 1 / Math.sqrt(varOf[ch] + eps);
    if (rm && rv && count > 0) {
      // running = (1 - momentum) running + momentum batch, with the unbiased variance
      const m = rm.data as FloatArray;
      const v = rv.data as FloatArray;
      for (let ch = 0; ch < c; ch++) {
        m[ch] = (1 - momentum) * m[ch] + momentum * meanOf[ch];
        v[ch] = (1 - momentum) * v[ch] + (momentum * varOf[ch] * count) / (count - 1);
      }
      rm._version.value++;
      rv._version.value++;
    }
  } else {
    const m = rm!.data;
    const v = rv!.data;
    for (let ch = 0; ch < c; ch++) {
      meanOf[ch] = m[ch];
      invstd[ch] = 1 / Math.sqrt(v[ch] + eps);
    }
  }
  const y = zerosOf(input.shape, dtype);
  const out = y.data as FloatArray;
  const w = weight?.data;
  const b = bias?.data;
  for (let i = 0; i < n; i++) {
    for (let ch = 0; ch < c; ch++) {
      const scale = invstd[ch] * (w ? w[ch] : 1);
      const shift = b ? b[ch] : 0;
      const mu = meanOf[ch];
      const base = (i * c + ch) * s;
      for (let j = base; j < base + s; j++) out[j] = (x[j] - mu) * scale + shift;
    }
  }
  if (needsGrad(input, weight, bias)) {
    const node = new NativeBatchNormBackward(input, weight, bias, training, meanOf, invstd, eps, [n, c, s]);
    record(y, node, ...([input, weight, bias].filter((t) => t !== null) as Tensor[]));
  }
  if (tracer !== null) tracer.op('batchNorm', [input, rm, rv, weight, bias], { training, momentum, eps }, y);
  return y;
}

/** Per-channel mean (into `meanOf`) and biased variance of x laid out as (n, c, s), in float64. */
function batchMoments(x: FloatArray, n: number, c: number, s: number, meanOf: Float64Array): Float64Array {
  const varOf = new Float64Array(c);
  const count = n * s;
  for (let ch = 0; ch < c; ch++) {
    let total = 0;
    for (let i = 0; i < n; i++) {
      const base = (i * c + ch) * s;
      for (let j = base; j < base + s; j++) total += x[j];
    }
    const mu = total / count;
    let squares = 0;
    for (let i = 0; i < n; i++) {
      const base = (i * c + ch) * s;
      for (let j = base; j < base + s; j++) squares += (x[j] - mu) * (x[j] - mu);
    }
    meanOf[ch] = mu;
    varOf[ch] = squares / count;
  }
  return varOf;
}

class NativeBatchNormBackward extends Node {
  readonly name = 'NativeBatchNormBackward0';
  private readonly hasWeight: boolean;
  private readonly hasBias: boolean;
  private readonly biasShape: Shape;
  constructor(
    x: Tensor,
    weight: Tensor | null,
    bias: Tensor | null,
    private readonly training: boolean,
    private readonly meanOf: Float64Array,
    private readonly invstd: Float64Array,
    private readonly eps: number,
    private readonly layout: [number, number, number],
  ) {
    super();
    this.hasWeight = weight !== null;
    this.hasBias = bias !== null;
    this.biasShape = bias ? bias.shape : [];
    if (weight) this.save(x, weight);
    else this.save(x);
  }
  override get returnsFreshGrads(): boolean {
    return true;
  }
  // xhat = (x - mean) * invstd; dbias = sum(g); dweight = sum(g * xhat); with gw = g * weight:
  // training: dx = invstd * (gw - mean(gw) - xhat * mean(gw * xhat)) (sums and means over N and the trailing dims)
  // eval: dx = gw * invstd (the running statistics are constants)
  backward(g: Tensor): (Tensor | null)[] {
    const [x, weight] = this.saved;
    const [n, c, s] = this.layout;
    const dims = [0, 2];
    const x3 = reshape(x, [n, c, s]);
    const g3 = reshape(g, [n, c, s]);
    const dtype = x.dtype as FloatDType;
    let xhat: Tensor;
    let rstd: Tensor;
    if (this.training) {
      const xc = sub(x3, mean(x3, dims, true));
      rstd = rsqrt(add(mean(mul(xc, xc), dims, true), this.eps));
      xhat = mul(xc, rstd);
    } else {
      rstd = constant(this.invstd, [1, c, 1], dtype);
      xhat = mul(sub(x3, constant(this.meanOf, [1, c, 1], dtype)), rstd);
    }
    const needs = this.needsInputGrad;
    let dx: Tensor | null = null;
    if (needs[0]) {
      const gw = weight ? mul(g3, reshape(weight, [1, c, 1])) : g3;
      const d = this.training ? mul(rstd, sub(sub(gw, mean(gw, dims, true)), mul(xhat, mean(mul(gw, xhat), dims, true)))) : mul(gw, rstd);
      dx = reshape(d, x.shape);
    }
    const dw = this.hasWeight && needs[1] ? reshape(sum(mul(g3, xhat), dims), weight.shape) : null;
    const db = this.hasBias && needs[this.hasWeight ? 2 : 1] ? reshape(sum(g3, dims), this.biasShape) : null;
    return inputGrads(dx, dw, db, this.hasWeight, this.hasBias);
  }
  override fastBackward(g: Tensor): (Tensor | null)[] {
    const [x, weight] = this.saved;
    const [n, c, s] = this.layout;
    const needs = this.needsInputGrad;
    const xd = x.data as FloatArray;
    const gd = g.data as FloatArray;
    const w = weight?.data;
    const count = n * s;
    const sumG = new Float64Array(c);
    const sumGX = new Float64Array(c);
    for (let i = 0; i < n; i++) {
      for (let ch = 0; ch < c; ch++) {
        const mu = this.meanOf[ch];
        const r = this.invstd[ch];
        const base = (i * c + ch) * s;
        let a = 0;
        let b = 0;
        for (let j = base; j < base + s; j++) {
          a += gd[j];
          b += gd[j] * (xd[j] - mu) * r;
        }
        sumG[ch] += a;
        sumGX[ch] += b;
      }
    }
    let dx: Tensor | null = null;
    if (needs[0]) {
      dx = zerosOf(x.shape, g.dtype);
      const out = dx.data as FloatArray;
      for (let i = 0; i < n; i++) {
        for (let ch = 0; ch < c; ch++) {
          const mu = this.meanOf[ch];
          const r = this.invstd[ch];
          const scale = r * (w ? w[ch] : 1);
          const base = (i * c + ch) * s;
          if (this.training) {
            const mg = sumG[ch] / count;
            const mgx = sumGX[ch] / count;
            for (let j = base; j < base + s; j++) out[j] = scale * (gd[j] - mg - (xd[j] - mu) * r * mgx);
          } else {
            for (let j = base; j < base + s; j++) out[j] = scale * gd[j];
          }
        }
      }
    }
    const dw = this.hasWeight && needs[1] ? constant(sumGX, weight.shape, g.dtype as FloatDType) : null;
    const db = this.hasBias && needs[this.hasWeight ? 2 : 1] ? constant(sumG, this.biasShape, g.dtype as FloatDType) : null;
    return inputGrads(dx, dw, db, this.hasWeight, this.hasBias);
  }
}

// ---- layerNorm and groupNorm: statistics over contiguous rows ----

/**
 * x seen as (n, p, k, s): statistics per (n, p) over (k, s), weight and bias per (p, k). layerNorm is
 * (rows, 1, features, 1); groupNorm is (N, groups, channels per group, spatial).
 */
type RowLayout = [n: number, p: number, k: number, s: number];

function rowNorm(x: Tensor, weight: Tensor | null, bias: Tensor | null, eps: number, layout: RowLayout, name: string): Tensor {
  const [n, p, k, s] = layout;
  const rows = n * p;
  const len = k * s;
  const xd = x.data as FloatArray;
  const meanOf = new Float64Array(rows);
  const rstd = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const base = r * len;
    let total = 0;
    for (let j = base; j < base + len; j++) total += xd[j];
    const mu = total / len;
    let squares = 0;
    for (let j = base; j < base + len; j++) squares += (xd[j] - mu) * (xd[j] - mu);
    meanOf[r] = mu;
    rstd[r] = 1 / Math.sqrt(squares / len + eps);
  }
  const y = zerosOf(x.shape, x.dtype);
  const out = y.data as FloatArray;
  const w = weight?.data;
  const b = bias?.data;
  for (let r = 0; r < rows; r++) {
    const mu = meanOf[r];
    const rs = rstd[r];
    const first = (r % p) * k;
    for (let kk = 0; kk < k; kk++) {
      const ch = first + kk;
      const scale = rs * (w ? w[ch] : 1);
      const shift = b ? b[ch] : 0;
      const base = r * len + kk * s;
      for (let j = base; j < base + s; j++) out[j] = (xd[j] - mu) * scale + shift;
    }
  }
  if (!needsGrad(x, weight, bias)) return y;
  const node = new RowNormBackward(name, x, weight, bias, meanOf, rstd, eps, layout);
  return record(y, node, ...([x, weight, bias].filter((t) => t !== null) as Tensor[]));
}

class RowNormBackward extends Node {
  private readonly hasWeight: boolean;
  private readonly hasBias: boolean;
  private readonly biasShape: Shape;
  constructor(
    readonly name: string,
    x: Tensor,
    weight: Tensor | null,
    bias: Tensor | null,
    private readonly meanOf: Float64Array,
    private readonly rstd: Float64Array,
    private readonly eps: number,
    private readonly layout: RowLayout,
  ) {
    super();
    this.hasWeight = weight !== null;
    this.hasBias = bias !== null;
    this.biasShape = bias ? bias.shape : [];
    if (weight) this.save(x, weight);
    else this.save(x);
  }
  override get returnsFreshGrads(): boolean {
    return true;
  }
  // per row: xhat = (x - mean) * rstd, gw = g * weight, dx = rstd * (gw - mean(gw) - xhat * mean(gw * xhat));
  // dweight = sum(g * xhat), dbias = sum(g) over the rows
  backward(g: Tensor): (Tensor | null)[] {
    const [x, weight] = this.saved;
    const [n, p, k, s] = this.layout;
    const shape = [n, p, k, s];
    const dims = [2, 3];
    const x4 = reshape(x, shape);
    const g4 = reshape(g, shape);
    const xc = sub(x4, mean(x4, dims, true));
    const rstd = rsqrt(add(mean(mul(xc, xc), dims, true), this.eps));
    const xhat = mul(xc, rstd);
    const needs = this.needsInputGrad;
    let dx: Tensor | null = null;
    if (needs[0]) {
      const gw = weight ? mul(g4, reshape(weight, [1, p, k, 1])) : g4;
      dx = reshape(mul(rstd, sub(sub(gw, mean(gw, dims, true)), mul(xhat, mean(mul(gw, xhat), dims, true)))), x.shape);
    }
    const dw = this.hasWeight && needs[1] ? reshape(sum(mul(g4, xhat), [0, 3]), weight.shape) : null;
    const db = this.hasBias && needs[this.hasWeight ? 2 : 1] ? reshape(sum(g4, [0, 3]), this.biasShape) : null;
    return inputGrads(dx, dw, db, this.hasWeight, this.hasBias);
  }
  override fastBackward(g: Tensor): (Tensor | null)[] {
    const [x, weight] = this.saved;
    const [n, p, k, s] = this.layout;
    const rows = n * p;
    const len = k * s;
    const needs = this.needsInputGrad;
    const xd = x.data as FloatArray;
    const gd = g.data as FloatArray;
    const w = weight?.data;
    const sumGX = new Float64Array(p * k);
    const sumG = new Float64Array(p * k);
    const dx = needs[0] ? zerosOf(x.shape, g.dtype) : null;
    const out = dx?.data as FloatArray | undefined;
    for (let r = 0; r < rows; r++) {
      const mu = this.meanOf[r];
      const rs = this.rstd[r];
      const first = (r % p) * k;
      let a = 0;
      let b = 0;
      for (let kk = 0; kk < k; kk++) {
        const ch = first + kk;
        const wc = w ? w[ch] : 1;
        const base = r * len + kk * s;
        let sg = 0;
        let sgx = 0;
        for (let j = base; j < base + s; j++) {
          const xhat = (xd[j] - mu) * rs;
          sg += gd[j];
          sgx += gd[j] * xhat;
        }
        sumG[ch] += sg;
        sumGX[ch] += sgx;
        a += sg * wc;
        b += sgx * wc;
      }
      if (!out) continue;
      const mg = a / len;
      const mgx = b / len;
      for (let kk = 0; kk < k; kk++) {
        const wc = w ? w[first + kk] : 1;
        const base = r * len + kk * s;
        for (let j = base; j < base + s; j++) out[j] = rs * (gd[j] * wc - mg - (xd[j] - mu) * rs * mgx);
      }
    }
    const dw = this.hasWeight && needs[1] ? constant(sumGX, weight.shape, g.dtype as FloatDType) : null;
    const db = this.hasBias && needs[this.hasWeight ? 2 : 1] ? constant(sumG, this.biasShape, g.dtype as FloatDType) : null;
    return inputGrads(dx, dw, db, this.hasWeight, this.hasBias);
  }
}

/** Options of `F.layerNorm`. */
export interface LayerNormFunctionalOptions {
  /** Elementwise scale, of the normalized shape (default none: 1). */
  weight?: Tensor | null;
  /** Elementwise shift, of the normalized shape (default none: 0). */
  bias?: Tensor | null;
  eps?: number;
}

/**
 * Layer normalization over the trailing dims `normalizedShape` (`F.layer_norm`): each slice is
 * normalized by its own mean and biased variance, then scaled and shifted elementwise.
 */
export function layerNorm(input: Tensor, normalizedShape: number | readonly number[], options: LayerNormFunctionalOptions = {}): Tensor {
  const where = 'layerNorm';
  checkTensor(input, where);
  checkOptions(options, ['weight', 'bias', 'eps'], where);
  const shape = checkNormalizedShape(normalizedShape, where);
  const eps = checkNumber(options.eps ?? 1e-5, where, 'eps');
  const dtype = checkFloatInput(input, where);
  const weight = optionalTensor(options.weight, 'weight', dtype, where);
  const bias = optionalTensor(options.bias, 'bias', dtype, where);
  for (const [what, t] of [
    ['weight', weight],
    ['bias', bias],
  ] as const) {
    if (t && !sameShapeAs(t, shape)) {
      throw new Error(
        `${where}: Expected ${what} to be of same shape as normalized_shape, but got ${what} of shape ${fmt(t.shape)} and normalized_shape = ${fmt(shape)}`,
      );
    }
  }
  if (!endsWith(input, shape)) {
    throw new Error(
      `${where}: Given normalized_shape=${fmt(shape)}, expected input with shape [*, ${shape.join(', ')}], but got input of size${fmt(input.shape)}`,
    );
  }
  const features = numel(shape);
  const rows = features === 0 ? 0 : input.numel() / features;
  const y = rowNorm(input, weight, bias, eps, [rows, 1, features, 1], 'NativeLayerNormBackward0');
  if (tracer !== null) tracer.op('layerNorm', [input, weight, bias], { normalizedShape: shape, eps }, y);
  return y;
}

/** Options of `F.groupNorm`. */
export interface GroupNormFunctionalOptions {
  /** Per-channel scale, C elements (default none: 1). */
  weight?: Tensor | null;
  /** Per-channel shift, C elements (default none: 0). */
  bias?: Tensor | null;
  eps?: number;
}

/**
 * Group normalization (`F.group_norm`): the C channels of an (N, C, ...) input split into `numGroups`
 * groups, each (sample, group) normalized by its own mean and biased variance, then scaled and
 * shifted per channel.
 */
export function groupNorm(input: Tensor, numGroups: number, options: GroupNormFunctionalOptions = {}): Tensor {
  const where = 'groupNorm';
  checkTensor(input, where);
  checkOptions(options, ['weight', 'bias', 'eps'], where);
  checkInteger(numGroups, where, 'numGroups');
  if (numGroups < 1) throw new Error(`${where}: numGroups must be at least 1, got ${numGroups}`);
  const eps = checkNumber(options.eps ?? 1e-5, where, 'eps');
  if (input.ndim < 2) throw new Error(`${where}: Expected at least 2 dimensions for input tensor but received ${input.ndim}`);
  const dtype = checkFloatInput(input, where);
  const [n, c] = input.shape;
  const spatial = input.shape.slice(2);
  const perGroup = [Math.floor((n * c) / numGroups), numGroups, ...spatial];
  if (numel(perGroup) / numGroups === 1) {
    throw new Error(`${where}: Expected more than 1 value per channel when training, got input size ${fmt(perGroup)}`);
  }
  if (c % numGroups !== 0) {
    throw new Error(
      `${where}: Expected number of channels in input to be divisible by num_groups, but got input of shape ${fmt(input.shape)} and num_groups=${numGroups}`,
    );
  }
  const weight = optionalTensor(options.weight, 'weight', dtype, where);
  const bias = optionalTensor(options.bias, 'bias', dtype, where);
  for (const [what, t] of [
    ['weight', weight],
    ['bias', bias],
  ] as const) {
    if (t && (t.ndim !== 1 || t.numel() !== c)) {
      throw new Error(
        `${where}: Expected ${what} to be a vector of size equal to the number of channels in input, but got ${what} of shape ${fmt(t.shape)} and input of shape ${fmt(input.shape)}`,
      );
    }
  }
  const y = rowNorm(input, weight, bias, eps, [n, numGroups, c / numGroups, numel(spatial)], 'NativeGroupNormBackward0');
  if (tracer !== null) tracer.op('groupNorm', [input, weight, bias], { numGroups, eps }, y);
  return y;
}

// ---- instanceNorm (a composite of batchNorm) ----

/** Options of `F.instanceNorm` (all of PyTorch's arguments after the input, which are optional there too). */
export interface InstanceNormFunctionalOptions {
  /** C running means, updated in place when `useInputStats` (default none). */
  runningMean?: Tensor | null;
  /** C running variances, updated in place when `useInputStats` (default none). */
  runningVar?: Tensor | null;
  weight?: Tensor | null;
  bias?: Tensor | null;
  /** Normalize with each instance's statistics (default true); false uses the running ones. */
  useInputStats?: boolean;
  momentum?: number;
  eps?: number;
}

/**
 * Instance normalization (`F.instance_norm`): each (sample, channel) of an (N, C, ...) input normalized
 * over its trailing dims. As PyTorch computes it: batchNorm of the input seen as (1, N*C, ...), with
 * weight, bias and running statistics repeated N times; the running statistics then take the mean of
 * the N updated copies.
 */
export function instanceNorm(input: Tensor, options: InstanceNormFunctionalOptions = {}): Tensor {
  const where = 'instanceNorm';
  checkTensor(input, where);
  checkOptions(options, ['runningMean', 'runningVar', 'weight', 'bias', 'useInputStats', 'momentum', 'eps'], where);
  const useInputStats = checkBoolean(options.useInputStats ?? true, where, 'useInputStats');
  const momentum = checkNumber(options.momentum ?? 0.1, where, 'momentum');
  const eps = checkNumber(options.eps ?? 1e-5, where, 'eps');
  if (input.ndim < 2) throw new Error(`${where}: expected an input of shape (N, C, *), got shape ${fmt(input.shape)}`);
  const dtype = checkFloatInput(input, where);
  if (useInputStats && numel(input.shape.slice(2)) === 1) {
    throw new Error(`${where}: Expected more than 1 spatial element when training, got input size ${fmt(input.shape)}`);
  }
  const runningMean = optionalTensor(options.runningMean, 'runningMean', dtype, where);
  const runningVar = optionalTensor(options.runningVar, 'runningVar', dtype, where);
  if (!useInputStats && (runningMean === null || runningVar === null)) {
    throw new Error(`${where}: Expected running_mean and running_var to be defined when use_input_stats is false`);
  }
  const weight = optionalTensor(options.weight, 'weight', dtype, where);
  const bias = optionalTensor(options.bias, 'bias', dtype, where);
  const [n, c] = input.shape;
  const repeated = (t: Tensor | null): Tensor | null => (t === null ? null : repeat(t, [n]));
  const meanCopies = repeated(runningMean?.detach() ?? null);
  const varCopies = repeated(runningVar?.detach() ?? null);
  const y = batchNorm(reshape(input, [1, n * c, ...input.shape.slice(2)]), meanCopies, varCopies, {
    weight: repeated(weight),
    bias: repeated(bias),
    training: useInputStats,
    momentum,
    eps,
  });
  if (useInputStats) {
    for (const [stats, copies] of [
      [runningMean, meanCopies],
      [runningVar, varCopies],
    ] as const) {
      if (!stats || !copies) continue;
      // running = the mean of the N copies batchNorm updated
      for (let ch = 0; ch < c; ch++) {
        let total = 0;
        for (let i = 0; i < n; i++) total += copies.data[i * c + ch];
        stats.data[ch] = total / n;
      }
      stats._version.value++;
    }
  }
  const result = reshape(y, input.shape);
  if (tracer !== null) tracer.op('instanceNorm', [input, runningMean, runningVar, weight, bias], { useInputStats, momentum, eps }, result);
  return result;
}

// ---- rmsNorm and localResponseNorm (composites, as in PyTorch) ----

/** Options of `F.rmsNorm`. */
export interface RMSNormFunctionalOptions {
  /** Elementwise scale, of the normalized shape (default none: 1). */
  weight?: Tensor | null;
  /** Added to the mean square; null (the default) is the machine epsilon of the input's dtype. */
  eps?: number | null;
}

/** The machine epsilon of a float dtype (`torch.finfo(dtype).eps`). */
function machineEps(dtype: FloatDType): number {
  return dtype === 'float32' ? 2 ** -23 : 2 ** -52;
}

/** Root-mean-square normalization over the trailing dims `normalizedShape` (`F.rms_norm`): x / sqrt(mean(x^2) + eps) * weight. */
export function rmsNorm(input: Tensor, normalizedShape: number | readonly number[], options: RMSNormFunctionalOptions = {}): Tensor {
  const where = 'rmsNorm';
  checkTensor(input, where);
  checkOptions(options, ['weight', 'eps'], where);
  const shape = checkNormalizedShape(normalizedShape, where);
  const dtype = checkFloatInput(input, where);
  const eps = options.eps === null || options.eps === undefined ? machineEps(dtype) : checkNumber(options.eps, where, 'eps');
  const weight = optionalTensor(options.weight, 'weight', dtype, where);
  if (weight && !sameShapeAs(weight, shape)) {
    throw new Error(
      `${where}: Expected weight to be of same shape as normalized_shape, but got weight of shape ${fmt(weight.shape)} and normalized_shape = ${fmt(shape)}`,
    );
  }
  if (!endsWith(input, shape)) {
    throw new Error(
      `${where}: Given normalized_shape=${fmt(shape)}, expected input with shape [*, ${shape.join(', ')}], but got input of size${fmt(input.shape)}`,
    );
  }
  const dims = shape.map((_, i) => input.ndim - shape.length + i);
  const y = mul(input, rsqrt(add(mean(mul(input, input), dims, true), eps)));
  return weight ? mul(y, weight) : y;
}

/** Options of `F.localResponseNorm` and `nn.LocalResponseNorm`. */
export interface LocalResponseNormOptions {
  /** Default 1e-4. */
  alpha?: number;
  /** Default 0.75. */
  beta?: number;
  /** Default 1. */
  k?: number;
}

/**
 * Local response normalization across channels (`F.local_response_norm`): x / (k + alpha * a)^beta,
 * where a is the mean of x^2 over a window of `size` neighbouring channels (zero padded, size / 2
 * before and (size - 1) / 2 after), for an (N, C, ...) input of 3 or more dims.
 */
export function localResponseNorm(input: Tensor, size: number, options: LocalResponseNormOptions = {}): Tensor {
  const where = 'localResponseNorm';
  checkTensor(input, where);
  checkInteger(size, where, 'size');
  if (size < 1) throw new Error(`${where}: size must be at least 1, got ${size}`);
  checkOptions(options, ['alpha', 'beta', 'k'], where);
  const alpha = checkNumber(options.alpha ?? 1e-4, where, 'alpha');
  const beta = checkNumber(options.beta ?? 0.75, where, 'beta');
  const k = checkNumber(options.k ?? 1, where, 'k');
  if (input.ndim < 3) throw new Error(`${where}: Expected 3D or higher dimensionality input (got ${input.ndim} dimensions)`);
  checkFloatInput(input, where);
  if (input.numel() === 0) return input;
  const c = input.shape[1];
  const padding = new Array<number>(2 * (input.ndim - 2)).fill(0);
  padding.push(Math.floor(size / 2), Math.floor((size - 1) / 2));
  const squares = pad(mul(input, input), padding);
  let windows = narrow(squares, 1, 0, c);
  for (let j = 1; j < size; j++) windows = add(windows, narrow(squares, 1, j, c));
  // PyTorch's order: the window's mean (avg_pool), times alpha, plus k, to the beta
  const scale = powScalar(add(mul(div(windows, size), alpha), k), beta);
  return div(input, scale);
}
