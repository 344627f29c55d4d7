/**
 * Loss modules: each holds its options and delegates to `nn.functional`. Weights are buffers, as in
 * PyTorch: in the state dict, and converted by `to(dtype)`; forward passes the buffer.
 */
import type { Tensor } from '../tensor';
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
import { checkLossOptions } from './functional/reduction';
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

/** Sigmoid + binary cross-entropy in one stable step (`nn.BCEWithLogitsLoss`). */
export class BCEWithLogitsLoss extends Module {
  declare weight: Tensor | null;
  declare posWeight: Tensor | null;
  constructor(readonly options: BCEWithLogitsLossOptions = {}) {
    super();
    checkLossOptions(options, BCE_WITH_LOGITS_LOSS_OPTIONS, 'BCEWithLogitsLoss');
    this.registerBuffer('weight', options.weight ?? null);
    this.registerBuffer('posWeight', options.posWeight ?? null);
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
