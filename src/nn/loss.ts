/** Loss modules: each holds its options and delegates to `nn.functional`. */
import type { Tensor } from '../tensor';
import { type BCELossOptions, type BCEWithLogitsLossOptions, binaryCrossEntropy, binaryCrossEntropyWithLogits } from './functional/binary-cross-entropy';
import { type CrossEntropyOptions, crossEntropy } from './functional/cross-entropy';
import { type MSELossOptions, mseLoss } from './functional/mse-loss';
import { type NLLLossOptions, nllLoss } from './functional/nll-loss';
import { Module } from './module';

/** Fused log-softmax + negative log-likelihood on logits (`nn.CrossEntropyLoss`). */
export class CrossEntropyLoss extends Module {
  constructor(readonly options: CrossEntropyOptions = {}) {
    super();
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, this.options);
  }
}

/** Negative log-likelihood on log-probabilities (`nn.NLLLoss`). */
export class NLLLoss extends Module {
  constructor(readonly options: NLLLossOptions = {}) {
    super();
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, this.options);
  }
}

/** Binary cross-entropy on probabilities (`nn.BCELoss`). */
export class BCELoss extends Module {
  constructor(readonly options: BCELossOptions = {}) {
    super();
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropy(input, target, this.options);
  }
}

/** Sigmoid + binary cross-entropy in one stable step (`nn.BCEWithLogitsLoss`). */
export class BCEWithLogitsLoss extends Module {
  constructor(readonly options: BCEWithLogitsLossOptions = {}) {
    super();
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(input, target, this.options);
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
