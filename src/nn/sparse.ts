/**
 * Lookup tables: Embedding and EmbeddingBag (PyTorch's `torch/nn/modules/sparse.py`). Weights start
 * N(0, 1) with the padding row zero, as PyTorch's `reset_parameters`; indices are int32.
 */
import { type FloatDType, getDefaultDtype } from '../dtype';
import { pyFloatRepr } from '../format';
import { checkBoolean, checkNumber, checkOptions, describe } from '../options';
import { zerosOf } from '../ops/helpers';
import { checkGenerator, defaultGenerator, type Generator } from '../random';
import { fmt } from '../shape';
import { Tensor } from '../tensor';
import { embedding, embeddingBag, type EmbeddingBagMode } from './functional/embedding';
import * as init from './init';
import { Module } from './module';
import { Parameter } from './parameter';

const SPARSE = { sparse: { why: 'tsgrad has no sparse tensors: embedding gradients are dense', accepts: [false] } };
const DEVICE = { device: { why: 'tsgrad runs on the CPU', accepts: ['cpu'] } };

/** Options of `nn.Embedding` (PyTorch's keyword arguments). */
export interface EmbeddingModuleOptions {
  /** A row that starts at zero, is looked up as it is and gets no gradient (negative counts from the end). */
  paddingIdx?: number | null;
  /** Rows looked up whose norm exceeds this are first scaled in place to this norm. */
  maxNorm?: number | null;
  /** The p of the p-norm for maxNorm (default 2). */
  normType?: number;
  /** Divide each row's gradient by how often its index occurs in the batch. */
  scaleGradByFreq?: boolean;
  /** PyTorch's `_weight`: a (numEmbeddings, embeddingDim) tensor to use as the weight (shared, not copied, and not initialised). */
  _weight?: Tensor | null;
  /** PyTorch's `_freeze`: with `_weight`, the weight does not require grad. */
  _freeze?: boolean;
  dtype?: FloatDType;
  /** Where the initial weights come from (the default generator unless given). */
  generator?: Generator;
}

/** Options of `Embedding.fromPretrained`. */
export interface FromPretrainedOptions {
  /** The weight does not require grad (default true). */
  freeze?: boolean;
  paddingIdx?: number | null;
  maxNorm?: number | null;
  normType?: number;
  scaleGradByFreq?: boolean;
}

function checkSize(x: unknown, where: string, what: string): number {
  if (!Number.isInteger(x) || (x as number) < 0) throw new Error(`${where}: ${what} must be a whole number >= 0, got ${describe(x)}`);
  return x as number;
}

function checkDtype(dtype: unknown, where: string): FloatDType {
  if (dtype === undefined) return getDefaultDtype();
  if (dtype !== 'float32' && dtype !== 'float64') throw new Error(`${where}: dtype must be 'float32' or 'float64', got ${describe(dtype)}`);
  return dtype;
}

/** The padding index as a row number (negative counts from the end), or null; `message` is PyTorch's assertion. */
function checkPaddingIdx(paddingIdx: unknown, rows: number, where: string, message: string): number | null {
  if (paddingIdx === undefined || paddingIdx === null) return null;
  if (typeof paddingIdx !== 'number' || !Number.isInteger(paddingIdx))
    throw new Error(`${where}: paddingIdx must be a whole number or null, got ${describe(paddingIdx)}`);
  if (paddingIdx >= rows || paddingIdx < -rows) throw new Error(`${where}: ${message} (paddingIdx ${paddingIdx}, ${rows} embeddings)`);
  return paddingIdx < 0 ? paddingIdx + rows : paddingIdx;
}

/** The weight: `_weight` wrapped as a Parameter (its shape checked), or a new one that `resetParameters` fills. */
function weightOf(given: unknown, rows: number, dim: number, dtype: FloatDType, where: string): [Parameter, boolean] {
  if (given === undefined || given === null) return [new Parameter(zerosOf([rows, dim], dtype)), false];
  if (!(given instanceof Tensor)) throw new Error(`${where}: _weight must be a Tensor or null, got ${describe(given)}`);
  if (given.ndim !== 2 || given.shape[0] !== rows || given.shape[1] !== dim) {
    throw new Error(
      `${where}: Shape of weight does not match num_embeddings and embedding_dim (weight of shape ${fmt(given.shape)}, expected [${rows}, ${dim}])`,
    );
  }
  return [new Parameter(given), true];
}

/** Sets row `row` of `weight` to zero, in place (no-grad); nothing for null. */
function zeroRow(weight: Parameter, row: number | null): void {
  if (row === null) return;
  const d = weight.shape[1];
  weight.data.fill(0, row * d, (row + 1) * d);
  weight._version.value++;
}

/** What Embedding and EmbeddingBag print after the sizes: max_norm, norm_type (when not 2), scale_grad_by_freq. */
function normRepr(maxNorm: number | null, normType: number, scaleGradByFreq: boolean): string {
  let s = '';
  if (maxNorm !== null) s += `, max_norm=${pyFloatRepr(maxNorm)}`;
  if (normType !== 2) s += `, norm_type=${pyFloatRepr(normType)}`;
  if (scaleGradByFreq) s += ', scale_grad_by_freq=True';
  return s;
}

/**
 * A table of `numEmbeddings` vectors of size `embeddingDim`, looked up by int32 index (`nn.Embedding`):
 * an input of any shape gives input.shape + [embeddingDim]. The weight starts N(0, 1), with the
 * `paddingIdx` row zero; that row gets no gradient.
 */
export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  /** The padding row (a negative paddingIdx counted from the end), or null. */
  readonly paddingIdx: number | null;
  maxNorm: number | null;
  normType: number;
  scaleGradByFreq: boolean;
  /** Always false: tsgrad's gradients are dense. */
  readonly sparse = false;
  weight: Parameter;

  constructor(numEmbeddings: number, embeddingDim: number, options: EmbeddingModuleOptions = {}) {
    super();
    const where = 'Embedding';
    checkOptions(options, ['paddingIdx', 'maxNorm', 'normType', 'scaleGradByFreq', '_weight', '_freeze', 'dtype', 'generator'], where, {
      ...SPARSE,
      ...DEVICE,
    });
    this.numEmbeddings = checkSize(numEmbeddings, where, 'numEmbeddings');
    this.embeddingDim = checkSize(embeddingDim, where, 'embeddingDim');
    this.paddingIdx = checkPaddingIdx(options.paddingIdx, numEmbeddings, where, 'Padding_idx must be within num_embeddings');
    this.maxNorm = options.maxNorm === undefined || options.maxNorm === null ? null : checkNumber(options.maxNorm, where, 'maxNorm');
    this.normType = checkNumber(options.normType ?? 2, where, 'normType');
    this.scaleGradByFreq = checkBoolean(options.scaleGradByFreq ?? false, where, 'scaleGradByFreq');
    const freeze = checkBoolean(options._freeze ?? false, where, '_freeze');
    const generator = checkGenerator(options.generator, where);
    const [weight, given] = weightOf(options._weight, numEmbeddings, embeddingDim, checkDtype(options.dtype, where), where);
    this.weight = weight;
    if (!given) this.resetParameters(generator);
    if (freeze) this.weight.requiresGrad = false;
  }

  /**
   * An Embedding holding `embeddings` (2-D, shared, not copied) as its weight (`from_pretrained`):
   * frozen (no grad) unless `freeze` is false; the padding row is left as given.
   */
  static fromPretrained(embeddings: Tensor, options: FromPretrainedOptions = {}): Embedding {
    const where = 'Embedding.fromPretrained';
    checkOptions(options, ['freeze', 'paddingIdx', 'maxNorm', 'normType', 'scaleGradByFreq'], where, SPARSE);
    if (!(embeddings instanceof Tensor)) throw new Error(`${where}: embeddings must be a Tensor, got ${describe(embeddings)}`);
    if (embeddings.ndim !== 2) throw new Error(`${where}: Embeddings parameter is expected to be 2-dimensional, got shape ${fmt(embeddings.shape)}`);
    const { freeze = true, ...rest } = options;
    checkBoolean(freeze, where, 'freeze');
    return new Embedding(embeddings.shape[0], embeddings.shape[1], { ...rest, _weight: embeddings, _freeze: freeze });
  }

  /** PyTorch's initialisation: N(0, 1), then the padding row zero. */
  resetParameters(generator: Generator = defaultGenerator): void {
    init.normal_(this.weight, 0, 1, generator);
    zeroRow(this.weight, this.paddingIdx);
  }

  forward(input: Tensor): Tensor {
    return embedding(input, this.weight, {
      paddingIdx: this.paddingIdx,
      maxNorm: this.maxNorm,
      normType: this.normType,
      scaleGradByFreq: this.scaleGradByFreq,
    });
  }

  /** `10, 3, padding_idx=0`, then max_norm, norm_type and scale_grad_by_freq where set. */
  override extraRepr(): string {
    let s = `${this.numEmbeddings}, ${this.embeddingDim}`;
    if (this.paddingIdx !== null) s += `, padding_idx=${this.paddingIdx}`;
    return s + normRepr(this.maxNorm, this.normType, this.scaleGradByFreq);
  }
}

/** Options of `nn.EmbeddingBag` (PyTorch's keyword arguments). */
export interface EmbeddingBagModuleOptions {
  maxNorm?: number | null;
  normType?: number;
  /** Divide each row's gradient by how often its index occurs in the batch (not with 'max'). */
  scaleGradByFreq?: boolean;
  /** 'sum', 'mean' (default) or 'max' of each bag's rows. */
  mode?: EmbeddingBagMode;
  /** PyTorch's `_weight`: a (numEmbeddings, embeddingDim) tensor to use as the weight (shared, not initialised). */
  _weight?: Tensor | null;
  /** offsets has one more entry than there are bags: the end of the last bag. */
  includeLastOffset?: boolean;
  /** Entries with this index are left out of their bag; its row starts at zero. */
  paddingIdx?: number | null;
  dtype?: FloatDType;
  /** Where the initial weights come from (the default generator unless given). */
  generator?: Generator;
}

/** Options of `EmbeddingBag.fromPretrained`. */
export interface EmbeddingBagFromPretrainedOptions {
  freeze?: boolean;
  maxNorm?: number | null;
  normType?: number;
  scaleGradByFreq?: boolean;
  mode?: EmbeddingBagMode;
  includeLastOffset?: boolean;
  paddingIdx?: number | null;
}

/**
 * Sums, means or maxima of bags of embedding rows without the rows themselves (`nn.EmbeddingBag`):
 * `forward(input, offsets, perSampleWeights)` gives (bags, embeddingDim); see `F.embeddingBag`.
 */
export class EmbeddingBag extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  maxNorm: number | null;
  normType: number;
  scaleGradByFreq: boolean;
  mode: EmbeddingBagMode;
  /** Always false: tsgrad's gradients are dense. */
  readonly sparse = false;
  includeLastOffset: boolean;
  readonly paddingIdx: number | null;
  weight: Parameter;

  constructor(numEmbeddings: number, embeddingDim: number, options: EmbeddingBagModuleOptions = {}) {
    super();
    const where = 'EmbeddingBag';
    checkOptions(options, ['maxNorm', 'normType', 'scaleGradByFreq', 'mode', '_weight', 'includeLastOffset', 'paddingIdx', 'dtype', 'generator'], where, {
      ...SPARSE,
      ...DEVICE,
    });
    this.numEmbeddings = checkSize(numEmbeddings, where, 'numEmbeddings');
    this.embeddingDim = checkSize(embeddingDim, where, 'embeddingDim');
    this.maxNorm = options.maxNorm === undefined || options.maxNorm === null ? null : checkNumber(options.maxNorm, where, 'maxNorm');
    this.normType = checkNumber(options.normType ?? 2, where, 'normType');
    this.scaleGradByFreq = checkBoolean(options.scaleGradByFreq ?? false, where, 'scaleGradByFreq');
    const mode = options.mode ?? 'mean';
    // NOTE: PyTorch takes any mode here and rejects it in forward; tsgrad rejects it at once
    if (mode !== 'sum' && mode !== 'mean' && mode !== 'max') throw new Error(`${where}: mode has to be one of sum, mean or max, got ${describe(mode)}`);
    this.mode = mode;
    this.includeLastOffset = checkBoolean(options.includeLastOffset ?? false, where, 'includeLastOffset');
    this.paddingIdx = checkPaddingIdx(options.paddingIdx, numEmbeddings, where, 'padding_idx must be within num_embeddings');
    const generator = checkGenerator(options.generator, where);
    const [weight, given] = weightOf(options._weight, numEmbeddings, embeddingDim, checkDtype(options.dtype, where), where);
    this.weight = weight;
    if (!given) this.resetParameters(generator);
  }

  /** An EmbeddingBag holding `embeddings` (2-D, shared) as its weight, frozen unless `freeze` is false (`from_pretrained`). */
  static fromPretrained(embeddings: Tensor, options: EmbeddingBagFromPretrainedOptions = {}): EmbeddingBag {
    const where = 'EmbeddingBag.fromPretrained';
    checkOptions(options, ['freeze', 'maxNorm', 'normType', 'scaleGradByFreq', 'mode', 'includeLastOffset', 'paddingIdx'], where, SPARSE);
    if (!(embeddings instanceof Tensor)) throw new Error(`${where}: embeddings must be a Tensor, got ${describe(embeddings)}`);
    if (embeddings.ndim !== 2) throw new Error(`${where}: Embeddings parameter is expected to be 2-dimensional, got shape ${fmt(embeddings.shape)}`);
    const { freeze = true, ...rest } = options;
    checkBoolean(freeze, where, 'freeze');
    const bag = new EmbeddingBag(embeddings.shape[0], embeddings.shape[1], { ...rest, _weight: embeddings });
    bag.weight.requiresGrad = !freeze;
    return bag;
  }

  /** PyTorch's initialisation: N(0, 1), then the padding row zero. */
  resetParameters(generator: Generator = defaultGenerator): void {
    init.normal_(this.weight, 0, 1, generator);
    zeroRow(this.weight, this.paddingIdx);
  }

  /** The bags of `input` (2-D: one per row; 1-D: cut at `offsets`), reduced by `mode`. */
  forward(input: Tensor, offsets: Tensor | null = null, perSampleWeights: Tensor | null = null): Tensor {
    return embeddingBag(input, this.weight, offsets, {
      maxNorm: this.maxNorm,
      normType: this.normType,
      scaleGradByFreq: this.scaleGradByFreq,
      mode: this.mode,
      perSampleWeights,
      includeLastOffset: this.includeLastOffset,
      paddingIdx: this.paddingIdx,
    });
  }

  /** `10, 3, mode='mean'`, with max_norm, norm_type and scale_grad_by_freq before the mode and padding_idx after, where set. */
  override extraRepr(): string {
    let s = `${this.numEmbeddings}, ${this.embeddingDim}` + normRepr(this.maxNorm, this.normType, this.scaleGradByFreq);
    s += `, mode='${this.mode}'`;
    if (this.paddingIdx !== null) s += `, padding_idx=${this.paddingIdx}`;
    return s;
  }
}
