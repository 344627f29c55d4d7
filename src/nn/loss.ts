/**
 * Loss modules: each holds its options and delegates to `nn.functional`. Weights are buffers, as in
 * PyTorch: in the state dict, and converted by `to(dtype)`; forward passes the buffer.
 */
import { describe } from '../options';
import { Tensor } from '../tensor';
import {
  BCE_LOSS_OPTIONS,
  BCE_WITH_LOGITS_LOSS_OPTIONS,
  type BCELossOptions,
  type BCEWithLogitsLossOptions,
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
} from './functional/binary-cross-entropy';
import { CROSS_ENTROPY_OPTIONS, type CrossEntropyOptions, crossEntropy } from './functional/cross-entropy';
import { MSE_LOSS_OPTIONS, MSE_LOSS_UNSUPPORTED, type MSELossOptions, mseLoss } from './functional/mse-loss';
import { NLL_LOSS_OPTIONS, type NLLLossOptions, nllLoss } from './functional/nll-loss';
import { checkLossOptions, checkReduction, type Reduction } from './functional/reduction';
import { CTC_LOSS_OPTIONS, type CTCLossOptions, ctcLoss, type Lengths } from './functional/ctc-loss';
import {
  cosineEmbeddingLoss,
  GAUSSIAN_NLL_LOSS_OPTIONS,
  type GaussianNLLLossOptions,
  gaussianNllLoss,
  hingeEmbeddingLoss,
  type HuberLossOptions,
  huberLoss,
  KL_DIV_LOSS_OPTIONS,
  type KLDivLossOptions,
  klDiv,
  l1Loss,
  MARGIN_LOSS_OPTIONS,
  type MarginLossOptions,
  marginRankingLoss,
  MULTI_MARGIN_LOSS_OPTIONS,
  MULTILABEL_SOFT_MARGIN_LOSS_OPTIONS,
  type MultiLabelSoftMarginLossOptions,
  multilabelSoftMarginLoss,
  type MultiMarginLossOptions,
  multiMarginLoss,
  POISSON_NLL_LOSS_OPTIONS,
  type PoissonNLLLossOptions,
  poissonNllLoss,
  SMOOTH_L1_LOSS_OPTIONS,
  type SmoothL1LossOptions,
  smoothL1Loss,
  TRIPLET_MARGIN_LOSS_OPTIONS,
  type TripletMarginLossOptions,
  tripletMarginLoss,
} from './functional/losses';
import { Module } from './module';

/** Fused log-softmax + negative log-likelihood on logits (`nn.CrossEntropyLoss`). */
export class CrossEntropyLoss extends Module {
  declare weight: Tensor | null;
  constructor(readonly options: CrossEntropyOptions = {}) {
    super();
    checkLossOptions(options, CROSS_ENTROPY_OPTIONS, 'CrossEntropyLoss');
    this.registerBuffer('weight', options.weight ?? null);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, { ...this.options, weight: this.weight });
  }
}

/** Negative log-likelihood on log-probabilities (`nn.NLLLoss`). */
export class NLLLoss extends Module {
  declare weight: Tensor | null;
  constructor(readonly options: NLLLossOptions = {}) {
    super();
    checkLossOptions(options, NLL_LOSS_OPTIONS, 'NLLLoss');
    this.registerBuffer('weight', options.weight ?? null);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, { ...this.options, weight: this.weight });
  }
}

/** Binary cross-entropy on probabilities (`nn.BCELoss`). */
export class BCELoss extends Module {
  declare weight: Tensor | null;
  constructor(readonly options: BCELossOptions = {}) {
    super();
    checkLossOptions(options, BCE_LOSS_OPTIONS, 'BCELoss');
    this.registerBuffer('weight', options.weight ?? null);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropy(input, target, { ...this.options, weight: this.weight });
  }
}

/** Sigmoid + binary cross-entropy in one stable step (`nn.BCEWithLogitsLoss`); the weights are buffers, `posWeight` saved under PyTorch's key `pos_weight`. */
export class BCEWithLogitsLoss extends Module {
  declare weight: Tensor | null;
  declare posWeight: Tensor | null;
  constructor(readonly options: BCEWithLogitsLossOptions = {}) {
    super();
    checkLossOptions(options, BCE_WITH_LOGITS_LOSS_OPTIONS, 'BCEWithLogitsLoss');
    this.registerBuffer('weight', options.weight ?? null);
    this.registerBuffer('posWeight', options.posWeight ?? null, { key: 'pos_weight' });
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(input, target, { ...this.options, weight: this.weight, posWeight: this.posWeight });
  }
}

/** Mean squared error (`nn.MSELoss`). */
export class MSELoss extends Module {
  constructor(readonly options: MSELossOptions = {}) {
    super();
    checkLossOptions(options, MSE_LOSS_OPTIONS, 'MSELoss', MSE_LOSS_UNSUPPORTED);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, this.options);
  }
}

/** Mean absolute error (`nn.L1Loss`). */
export class L1Loss extends Module {
  constructor(readonly options: { reduction?: Reduction } = {}) {
    super();
    checkLossOptions(options, ['reduction'], 'L1Loss');
    checkReduction(options.reduction, 'L1Loss');
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, this.options);
  }
}

/** Quadratic below beta, linear above (`nn.SmoothL1Loss`). */
export class SmoothL1Loss extends Module {
  constructor(readonly options: SmoothL1LossOptions = {}) {
    super();
    checkLossOptions(options, SMOOTH_L1_LOSS_OPTIONS, 'SmoothL1Loss');
    checkReduction(options.reduction, 'SmoothL1Loss');
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return smoothL1Loss(input, target, this.options);
  }
}

/** Quadratic below delta, delta-scaled linear above (`nn.HuberLoss`). */
export class HuberLoss extends Module {
  constructor(readonly options: Omit<HuberLossOptions, 'weight'> = {}) {
    super();
    checkLossOptions(options, ['reduction', 'delta'], 'HuberLoss');
    checkReduction(options.reduction, 'HuberLoss');
    if (options.delta !== undefined && typeof options.delta !== 'number') throw new Error(`HuberLoss: delta must be a number, got ${describe(options.delta)}`);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return huberLoss(input, target, this.options);
  }
}

/** Kullback-Leibler divergence of the target from log-probabilities (`nn.KLDivLoss`). */
export class KLDivLoss extends Module {
  constructor(readonly options: KLDivLossOptions = {}) {
    super();
    checkLossOptions(options, KL_DIV_LOSS_OPTIONS, 'KLDivLoss');
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return klDiv(input, target, this.options);
  }
}

/** Poisson negative log-likelihood (`nn.PoissonNLLLoss`). */
export class PoissonNLLLoss extends Module {
  constructor(readonly options: PoissonNLLLossOptions = {}) {
    super();
    checkLossOptions(options, POISSON_NLL_LOSS_OPTIONS, 'PoissonNLLLoss');
    checkReduction(options.reduction, 'PoissonNLLLoss');
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return poissonNllLoss(input, target, this.options);
  }
}

/** Gaussian negative log-likelihood with a predicted variance (`nn.GaussianNLLLoss`). */
export class GaussianNLLLoss extends Module {
  constructor(readonly options: GaussianNLLLossOptions = {}) {
    super();
    checkLossOptions(options, GAUSSIAN_NLL_LOSS_OPTIONS, 'GaussianNLLLoss');
    checkReduction(options.reduction, 'GaussianNLLLoss');
  }
  forward(input: Tensor, target: Tensor, variance: Tensor | number): Tensor {
    return gaussianNllLoss(input, target, variance, this.options);
  }
}

/** 1 - cos for similar pairs, max(0, cos - margin) for dissimilar ones (`nn.CosineEmbeddingLoss`). */
export class CosineEmbeddingLoss extends Module {
  constructor(readonly options: MarginLossOptions = {}) {
    super();
    checkLossOptions(options, MARGIN_LOSS_OPTIONS, 'CosineEmbeddingLoss');
    checkReduction(options.reduction, 'CosineEmbeddingLoss');
  }
  forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return cosineEmbeddingLoss(input1, input2, target, this.options);
  }
}

/** max(0, -y (x1 - x2) + margin) (`nn.MarginRankingLoss`). */
export class MarginRankingLoss extends Module {
  constructor(readonly options: MarginLossOptions = {}) {
    super();
    checkLossOptions(options, MARGIN_LOSS_OPTIONS, 'MarginRankingLoss');
    checkReduction(options.reduction, 'MarginRankingLoss');
  }
  forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return marginRankingLoss(input1, input2, target, this.options);
  }
}

/** x for y = 1, max(0, margin - x) for y = -1 (`nn.HingeEmbeddingLoss`). */
export class HingeEmbeddingLoss extends Module {
  constructor(readonly options: MarginLossOptions = {}) {
    super();
    checkLossOptions(options, MARGIN_LOSS_OPTIONS, 'HingeEmbeddingLoss');
    checkReduction(options.reduction, 'HingeEmbeddingLoss');
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return hingeEmbeddingLoss(input, target, this.options);
  }
}

/** One-vs-all logistic loss over the classes (`nn.MultiLabelSoftMarginLoss`); the weight is a buffer. */
export class MultiLabelSoftMarginLoss extends Module {
  declare weight: Tensor | null;
  constructor(readonly options: MultiLabelSoftMarginLossOptions = {}) {
    super();
    checkLossOptions(options, MULTILABEL_SOFT_MARGIN_LOSS_OPTIONS, 'MultiLabelSoftMarginLoss');
    checkReduction(options.reduction, 'MultiLabelSoftMarginLoss');
    this.registerBuffer('weight', options.weight ?? null);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return multilabelSoftMarginLoss(input, target, { ...this.options, weight: this.weight });
  }
}

/** Multi-class hinge loss (`nn.MultiMarginLoss`); p is 1 or 2, the weight (one per class) a buffer. */
export class MultiMarginLoss extends Module {
  declare weight: Tensor | null;
  constructor(readonly options: MultiMarginLossOptions = {}) {
    super();
    checkLossOptions(options, MULTI_MARGIN_LOSS_OPTIONS, 'MultiMarginLoss');
    checkReduction(options.reduction, 'MultiMarginLoss');
    if (options.p !== undefined && options.p !== 1 && options.p !== 2)
      throw new Error(`MultiMarginLoss: only p == 1 and p == 2 supported, got ${describe(options.p)}`);
    const weight = options.weight ?? null;
    if (weight !== null && (!(weight instanceof Tensor) || weight.ndim !== 1)) {
      throw new Error(`MultiMarginLoss: expected weight to be null or a 1D tensor, got ${describe(weight)}`);
    }
    this.registerBuffer('weight', weight);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return multiMarginLoss(input, target, { ...this.options, weight: this.weight });
  }
}

/** max(0, margin + d(a, p) - d(a, n)) over triplets (`nn.TripletMarginLoss`); margin must be > 0. */
export class TripletMarginLoss extends Module {
  constructor(readonly options: TripletMarginLossOptions = {}) {
    super();
    checkLossOptions(options, TRIPLET_MARGIN_LOSS_OPTIONS, 'TripletMarginLoss');
    checkReduction(options.reduction, 'TripletMarginLoss');
    const margin = options.margin ?? 1;
    if (!(typeof margin === 'number' && margin > 0))
      throw new Error(`TripletMarginLoss: expected margin to be greater than 0, got ${describe(margin)} instead`);
  }
  forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    return tripletMarginLoss(anchor, positive, negative, this.options);
  }
}

/** Connectionist temporal classification loss (`nn.CTCLoss`). */
export class CTCLoss extends Module {
  constructor(readonly options: CTCLossOptions = {}) {
    super();
    checkLossOptions(options, CTC_LOSS_OPTIONS, 'CTCLoss');
    checkReduction(options.reduction, 'CTCLoss');
  }
  forward(logProbs: Tensor, targets: Tensor, inputLengths: Lengths, targetLengths: Lengths): Tensor {
    return ctcLoss(logProbs, targets, inputLengths, targetLengths, this.options);
  }
}
