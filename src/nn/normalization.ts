/**
 * Normalization layers: BatchNorm1d, BatchNorm2d, InstanceNorm2d, LayerNorm, GroupNorm, RMSNorm and
 * LocalResponseNorm. Running statistics are buffers saved under PyTorch's state-dict keys
 * (`running_mean`, `running_var`, `num_batches_tracked`), so state dicts move both ways with PyTorch.
 */
import { type FloatDType, getDefaultDtype } from '../dtype';
import { pyFloatRepr } from '../format';
import { checkBoolean, checkInteger, checkNumber, checkOptions, describe } from '../options';
import { checkTensor, zerosOf } from '../ops/helpers';
import { squeeze, unsqueeze } from '../ops/layout';
import { Tensor } from '../tensor';
import { batchNorm, groupNorm, instanceNorm, layerNorm, localResponseNorm, type LocalResponseNormOptions, rmsNorm } from './functional/normalization';
import { Module } from './module';
import { Parameter } from './parameter';

const INT32_MAX = 2147483647;

function checkDtypeOption(dtype: unknown, where: string): FloatDType {
  if (dtype === undefined) return getDefaultDtype();
  if (dtype !== 'float32' && dtype !== 'float64')
    throw new Error(`${where}: dtype must be 'float32' or 'float64' (parameters are floating point), got ${describe(dtype)}`);
  return dtype;
}

function checkSize(x: unknown, where: string, what: string, min = 0): number {
  if (!Number.isInteger(x) || (x as number) < min) throw new Error(`${where}: ${what} must be a whole number >= ${min}, got ${describe(x)}`);
  return x as number;
}

const pyBool = (b: boolean): string => (b ? 'True' : 'False');

/** Python's repr of a tuple of sizes: `(10,)`, `(2, 3)`. */
const pyTuple = (sizes: readonly number[]): string => (sizes.length === 1 ? `(${sizes[0]},)` : `(${sizes.join(', ')})`);

function filled(shape: number[], dtype: FloatDType, value: number): Tensor {
  const t = zerosOf(shape, dtype);
  t.data.fill(value);
  return t;
}

/** Options of BatchNorm1d, BatchNorm2d and InstanceNorm2d (PyTorch's keyword arguments). */
export interface BatchNormOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** running = (1 - momentum) running + momentum batch (default 0.1); null keeps the cumulative average (factor 1 / numBatchesTracked). */
  momentum?: number | null;
  /** Learnable per-channel weight and bias (default true for batch norm, false for instance norm). */
  affine?: boolean;
  /** Keep running statistics for eval mode (default true for batch norm, false for instance norm). */
  trackRunningStats?: boolean;
  /** With affine, whether there is a bias (default true). */
  bias?: boolean;
  dtype?: FloatDType;
}

/**
 * What batch and instance norm share (PyTorch's `_NormBase`): the per-channel weight and bias, and
 * the running statistics, buffers saved under PyTorch's keys.
 */
export abstract class NormBase extends Module {
  readonly numFeatures: number;
  eps: number;
  momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  weight: Parameter | null;
  bias: Parameter | null;
  /** The running mean of each channel (state-dict key `running_mean`), null without trackRunningStats. */
  declare runningMean: Tensor | null;
  /** The running (unbiased) variance of each channel (`running_var`). */
  declare runningVar: Tensor | null;
  /** Train-mode calls counted so far (`num_batches_tracked`): a 0-d int32 tensor, PyTorch's int64. */
  declare numBatchesTracked: Tensor | null;

  constructor(where: string, numFeatures: number, options: BatchNormOptions, defaults: { affine: boolean; trackRunningStats: boolean }) {
    super();
    checkSize(numFeatures, where, 'numFeatures');
    checkOptions(options, ['eps', 'momentum', 'affine', 'trackRunningStats', 'bias', 'dtype'], where, {
      device: { why: 'tsgrad runs on the CPU', accepts: ['cpu'] },
    });
    this.numFeatures = numFeatures;
    this.eps = checkNumber(options.eps ?? 1e-5, where, 'eps');
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum === null ? null : checkNumber(options.momentum, where, 'momentum');
    this.affine = checkBoolean(options.affine ?? defaults.affine, where, 'affine');
    this.trackRunningStats = checkBoolean(options.trackRunningStats ?? defaults.trackRunningStats, where, 'trackRunningStats');
    const hasBias = checkBoolean(options.bias ?? true, where, 'bias');
    const dtype = checkDtypeOption(options.dtype, where);
    this.weight = this.affine ? new Parameter(filled([numFeatures], dtype, 1)) : null;
    this.bias = this.affine && hasBias ? new Parameter(zerosOf([numFeatures], dtype)) : null;
    const track = this.trackRunningStats;
    this.registerBuffer('runningMean', track ? zerosOf([numFeatures], dtype) : null, { key: 'running_mean' });
    this.registerBuffer('runningVar', track ? filled([numFeatures], dtype, 1) : null, { key: 'running_var' });
    this.registerBuffer('numBatchesTracked', track ? zerosOf([], 'int32') : null, { key: 'num_batches_tracked' });
  }

  /** Running mean 0, running variance 1, no batches tracked. */
  resetRunningStats(): void {
    if (!this.trackRunningStats) return;
    for (const [t, value] of [
      [this.runningMean, 0],
      [this.runningVar, 1],
      [this.numBatchesTracked, 0],
    ] as const) {
      if (!t) continue;
      t.data.fill(value);
      t._version.value++;
    }
  }

  /** resetRunningStats, weight 1 and bias 0. */
  resetParameters(): void {
    this.resetRunningStats();
    for (const [p, value] of [
      [this.weight, 1],
      [this.bias, 0],
    ] as const) {
      if (!p) continue;
      p.data.fill(value);
      p._version.value++;
    }
  }

  override extraRepr(): string {
    const momentum = this.momentum === null ? 'None' : pyFloatRepr(this.momentum);
    return (
      `${this.numFeatures}, eps=${pyFloatRepr(this.eps)}, momentum=${momentum}, affine=${pyBool(this.affine)}, ` +
      `bias=${pyBool(this.bias !== null)}, track_running_stats=${pyBool(this.trackRunningStats)}`
    );
  }
}

/** Batch normalization over dim 1 (PyTorch's `_BatchNorm`), the base of BatchNorm1d and BatchNorm2d. */
export abstract class BatchNorm extends NormBase {
  constructor(where: string, numFeatures: number, options: BatchNormOptions) {
    super(where, numFeatures, options, { affine: true, trackRunningStats: true });
  }

  /** Throws PyTorch's error for an input of the wrong rank. */
  protected abstract checkInputDim(x: Tensor): void;

  /**
   * Train mode: the batch's statistics, and with trackRunningStats the running ones updated (momentum
   * null: the cumulative average) and numBatchesTracked counted. Eval mode: the running statistics
   * (the batch's without trackRunningStats).
   */
  forward(input: Tensor): Tensor {
    checkTensor(input, this.constructor.name);
    this.checkInputDim(input);
    let factor = this.momentum ?? 0;
    const counter = this.training && this.trackRunningStats ? this.numBatchesTracked : null;
    if (counter) {
      if (counter.data[0] >= INT32_MAX) {
        throw new Error(`${this.constructor.name}: numBatchesTracked is ${counter.data[0]}, the int32 limit (tsgrad holds PyTorch's int64 counter as int32)`);
      }
      if (this.momentum === null) factor = 1 / (counter.data[0] + 1);
    }
    const bnTraining = this.training || (this.runningMean === null && this.runningVar === null);
    const stats = !this.training || this.trackRunningStats;
    const y = batchNorm(input, stats ? this.runningMean : null, stats ? this.runningVar : null, {
      weight: this.weight,
      bias: this.bias,
      training: bnTraining,
      momentum: factor,
      eps: this.eps,
    });
    // NOTE: counted after the call succeeds (PyTorch counts first), so a rejected input changes nothing
    if (counter) {
      counter.data[0]++;
      counter._version.value++;
    }
    return y;
  }
}

/** Batch normalization of an (N, C) or (N, C, L) input over N (and L), per channel C (`nn.BatchNorm1d`). */
export class BatchNorm1d extends BatchNorm {
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super('BatchNorm1d', numFeatures, options);
  }
  protected checkInputDim(x: Tensor): void {
    if (x.ndim !== 2 && x.ndim !== 3) throw new Error(`BatchNorm1d: expected 2D or 3D input (got ${x.ndim}D input)`);
  }
}

/** Batch normalization of an (N, C, H, W) input over N, H and W, per channel C (`nn.BatchNorm2d`). */
export class BatchNorm2d extends BatchNorm {
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super('BatchNorm2d', numFeatures, options);
  }
  protected checkInputDim(x: Tensor): void {
    if (x.ndim !== 4) throw new Error(`BatchNorm2d: expected 4D input (got ${x.ndim}D input)`);
  }
}

/**
 * Instance normalization of an (N, C, H, W) or unbatched (C, H, W) input: each image's channel over
 * H and W (`nn.InstanceNorm2d`). Without affine weights and running statistics by default; with
 * trackRunningStats, eval mode uses the running ones (numBatchesTracked stays 0, as in PyTorch).
 */
export class InstanceNorm2d extends NormBase {
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super('InstanceNorm2d', numFeatures, options, { affine: false, trackRunningStats: false });
  }

  forward(input: Tensor): Tensor {
    checkTensor(input, 'InstanceNorm2d');
    if (input.ndim !== 3 && input.ndim !== 4) throw new Error(`InstanceNorm2d: expected 3D or 4D input (got ${input.ndim}D input)`);
    const featureDim = input.ndim - 3;
    const size = input.shape[featureDim];
    if (size !== this.numFeatures) {
      if (this.affine) {
        throw new Error(`InstanceNorm2d: expected input's size at dim=${featureDim} to match num_features (${this.numFeatures}), but got: ${size}.`);
      }
      console.warn(
        `InstanceNorm2d: input's size at dim=${featureDim} does not match num_features. ` +
          'You can silence this warning by not passing in num_features, which is not used because affine=False',
      );
    }
    const apply = (x: Tensor): Tensor =>
      instanceNorm(x, {
        runningMean: this.runningMean,
        runningVar: this.runningVar,
        weight: this.weight,
        bias: this.bias,
        useInputStats: this.training || !this.trackRunningStats,
        momentum: this.momentum ?? 0,
        eps: this.eps,
      });
    return input.ndim === 3 ? squeeze(apply(unsqueeze(input, 0)), 0) : apply(input);
  }
}

/** Options of `nn.LayerNorm`. */
export interface LayerNormOptions {
  eps?: number;
  /** Learnable elementwise weight (and bias), of the normalized shape (default true). */
  elementwiseAffine?: boolean;
  /** With elementwiseAffine, whether there is a bias (default true). */
  bias?: boolean;
  dtype?: FloatDType;
}

/** Layer normalization over the trailing dims `normalizedShape` (`nn.LayerNorm`). */
export class LayerNorm extends Module {
  readonly normalizedShape: readonly number[];
  eps: number;
  readonly elementwiseAffine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(normalizedShape: number | readonly number[], options: LayerNormOptions = {}) {
    super();
    const where = 'LayerNorm';
    checkOptions(options, ['eps', 'elementwiseAffine', 'bias', 'dtype'], where, { device: { why: 'tsgrad runs on the CPU', accepts: ['cpu'] } });
    const shape = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape;
    if (!Array.isArray(shape)) throw new Error(`${where}: normalizedShape must be a size or an array of sizes, got ${describe(normalizedShape)}`);
    shape.forEach((s, i) => checkSize(s, where, `normalizedShape[${i}]`));
    this.normalizedShape = [...(shape as number[])];
    this.eps = checkNumber(options.eps ?? 1e-5, where, 'eps');
    this.elementwiseAffine = checkBoolean(options.elementwiseAffine ?? true, where, 'elementwiseAffine');
    const hasBias = checkBoolean(options.bias ?? true, where, 'bias');
    const dtype = checkDtypeOption(options.dtype, where);
    this.weight = this.elementwiseAffine ? new Parameter(filled([...this.normalizedShape], dtype, 1)) : null;
    this.bias = this.elementwiseAffine && hasBias ? new Parameter(zerosOf(this.normalizedShape, dtype)) : null;
  }

  forward(input: Tensor): Tensor {
    return layerNorm(input, this.normalizedShape, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    return `${pyTuple(this.normalizedShape)}, eps=${pyFloatRepr(this.eps)}, elementwise_affine=${pyBool(this.elementwiseAffine)}, bias=${pyBool(this.bias !== null)}`;
  }
}

/** Options of `nn.GroupNorm`. */
export interface GroupNormOptions {
  eps?: number;
  /** Learnable per-channel weight and bias (default true). */
  affine?: boolean;
  /** With affine, whether there is a bias (default true). */
  bias?: boolean;
  dtype?: FloatDType;
}

/** Group normalization: the channels of an (N, C, ...) input in `numGroups` groups, each normalized per sample (`nn.GroupNorm`). */
export class GroupNorm extends Module {
  readonly numGroups: number;
  readonly numChannels: number;
  eps: number;
  readonly affine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(numGroups: number, numChannels: number, options: GroupNormOptions = {}) {
    super();
    const where = 'GroupNorm';
    checkSize(numGroups, where, 'numGroups', 1);
    checkSize(numChannels, where, 'numChannels');
    checkOptions(options, ['eps', 'affine', 'bias', 'dtype'], where, { device: { why: 'tsgrad runs on the CPU', accepts: ['cpu'] } });
    if (numChannels % numGroups !== 0) throw new Error(`${where}: num_channels (${numChannels}) must be divisible by num_groups (${numGroups})`);
    this.numGroups = numGroups;
    this.numChannels = numChannels;
    this.eps = checkNumber(options.eps ?? 1e-5, where, 'eps');
    this.affine = checkBoolean(options.affine ?? true, where, 'affine');
    const hasBias = checkBoolean(options.bias ?? true, where, 'bias');
    const dtype = checkDtypeOption(options.dtype, where);
    this.weight = this.affine ? new Parameter(filled([numChannels], dtype, 1)) : null;
    this.bias = this.affine && hasBias ? new Parameter(zerosOf([numChannels], dtype)) : null;
  }

  forward(input: Tensor): Tensor {
    return groupNorm(input, this.numGroups, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${pyFloatRepr(this.eps)}, affine=${pyBool(this.affine)}, bias=${pyBool(this.bias !== null)}`;
  }
}

/** Options of `nn.RMSNorm`. */
export interface RMSNormOptions {
  /** Added to the mean square; null (the default) is the machine epsilon of the input's dtype. */
  eps?: number | null;
  /** Learnable elementwise weight, of the normalized shape (default true). */
  elementwiseAffine?: boolean;
  dtype?: FloatDType;
}

/** Root-mean-square normalization over the trailing dims `normalizedShape` (`nn.RMSNorm`). */
export class RMSNorm extends Module {
  readonly normalizedShape: readonly number[];
  eps: number | null;
  readonly elementwiseAffine: boolean;
  weight: Parameter | null;

  constructor(normalizedShape: number | readonly number[], options: RMSNormOptions = {}) {
    super();
    const where = 'RMSNorm';
    checkOptions(options, ['eps', 'elementwiseAffine', 'dtype'], where, { device: { why: 'tsgrad runs on the CPU', accepts: ['cpu'] } });
    const shape = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape;
    if (!Array.isArray(shape)) throw new Error(`${where}: normalizedShape must be a size or an array of sizes, got ${describe(normalizedShape)}`);
    shape.forEach((s, i) => checkSize(s, where, `normalizedShape[${i}]`));
    this.normalizedShape = [...(shape as number[])];
    this.eps = options.eps === undefined || options.eps === null ? null : checkNumber(options.eps, where, 'eps');
    this.elementwiseAffine = checkBoolean(options.elementwiseAffine ?? true, where, 'elementwiseAffine');
    const dtype = checkDtypeOption(options.dtype, where);
    this.weight = this.elementwiseAffine ? new Parameter(filled([...this.normalizedShape], dtype, 1)) : null;
  }

  forward(input: Tensor): Tensor {
    return rmsNorm(input, this.normalizedShape, { weight: this.weight, eps: this.eps });
  }

  override extraRepr(): string {
    const eps = this.eps === null ? 'None' : pyFloatRepr(this.eps);
    return `${pyTuple(this.normalizedShape)}, eps=${eps}, elementwise_affine=${pyBool(this.elementwiseAffine)}`;
  }
}

/** Local response normalization across neighbouring channels (`nn.LocalResponseNorm`). */
export class LocalResponseNorm extends Module {
  readonly size: number;
  readonly alpha: number;
  readonly beta: number;
  readonly k: number;

  constructor(size: number, options: LocalResponseNormOptions = {}) {
    super();
    const where = 'LocalResponseNorm';
    checkInteger(size, where, 'size');
    if (size < 1) throw new Error(`${where}: size must be at least 1, got ${size}`);
    checkOptions(options, ['alpha', 'beta', 'k'], where);
    this.size = size;
    this.alpha = checkNumber(options.alpha ?? 1e-4, where, 'alpha');
    this.beta = checkNumber(options.beta ?? 0.75, where, 'beta');
    this.k = checkNumber(options.k ?? 1, where, 'k');
  }

  forward(input: Tensor): Tensor {
    return localResponseNorm(input, this.size, { alpha: this.alpha, beta: this.beta, k: this.k });
  }

  override extraRepr(): string {
    return `${this.size}, alpha=${pyFloatRepr(this.alpha)}, beta=${pyFloatRepr(this.beta)}, k=${pyFloatRepr(this.k)}`;
  }
}
