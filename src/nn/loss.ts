/**
 * Loss modules: each holds its options and delegates to `nn.functional`. Weights are buffers, as in
 * PyTorch: in the state dict, and converted by `to(dtype)`; forward passes the buffer.
 */
import type { Tensor } from '../tensor';
import { type BCELossOptions, type BCEWithLogitsLossOptions, binaryCrossEntropy, binaryCrossEntropyWithLogits } from './functional/binary-cross-entropy';
import { type CrossEntropyOptions, crossEntropy } from './functional/cross-entropy';
import { type MSELossOptions, mseLoss } from './functional/mse-loss';
import { type NLLLossOptions, nllLoss } from './functional/nll-loss';
import { Module } from './module';

/** Fused log-softmax + negative log-likelihood on logits (`nn.CrossEntropyLoss`). */
export class CrossEntropyLoss extends Module {
  declare weight: Tensor | null;
  constructor(readonly options: CrossEntropyOptions = {}) {
    super();
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
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, this.options);
  }
}
