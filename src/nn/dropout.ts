/**
 * Dropout layers: Dropout, Dropout1d, Dropout2d, Dropout3d, AlphaDropout and FeatureAlphaDropout.
 * Active only in training mode (`train()`); in `eval()` they return their input itself.
 */
import { pyFloatRepr } from '../format';
import { checkBoolean, checkOptions } from '../options';
import { checkGenerator, type Generator } from '../random';
import type { Tensor } from '../tensor';
import { alphaDropout, checkDropoutP, dropout, dropout1d, dropout2d, dropout3d, type DropoutOptions, featureAlphaDropout } from './functional/dropout';
import { Module } from './module';

/** What the dropout layers share (PyTorch's `_DropoutNd`): p, inplace and the generator of the masks. */
export abstract class DropoutNd extends Module {
  /** The probability of an element (or channel) being dropped. */
  p: number;
  /** Whether forward writes into its input. */
  inplace: boolean;
  /** Where the masks come from; undefined: the default generator at each call. */
  generator: Generator | undefined;

  constructor(p = 0.5, inplace = false, options: DropoutOptions = {}) {
    super();
    const where = new.target.name;
    this.p = checkDropoutP(p, where);
    this.inplace = checkBoolean(inplace, where, 'inplace');
    checkOptions(options, ['generator'], where);
    this.generator = options.generator === undefined ? undefined : checkGenerator(options.generator, where);
  }

  /** The options passed to the functional form. */
  protected get drawOptions(): DropoutOptions {
    return this.generator === undefined ? {} : { generator: this.generator };
  }

  /** `p=0.5, inplace=False`; p prints as the Python float it is in PyTorch (`p=0.0`, `p=1e-05`). */
  override extraRepr(): string {
    return `p=${pyFloatRepr(this.p)}, inplace=${this.inplace ? 'True' : 'False'}`;
  }
}

/** Zeroes elements with probability p in training and scales the rest by 1/(1-p) (`nn.Dropout`). */
export class Dropout extends DropoutNd {
  forward(input: Tensor): Tensor {
    return dropout(input, this.p, this.training, this.inplace, this.drawOptions);
  }
}

/** Zeroes whole channels of (N, C, L) or (C, L) inputs in training (`nn.Dropout1d`). */
export class Dropout1d extends DropoutNd {
  forward(input: Tensor): Tensor {
    return dropout1d(input, this.p, this.training, this.inplace, this.drawOptions);
  }
}

/** Zeroes whole channels of (N, C, H, W) inputs in training (`nn.Dropout2d`). */
export class Dropout2d extends DropoutNd {
  forward(input: Tensor): Tensor {
    return dropout2d(input, this.p, this.training, this.inplace, this.drawOptions);
  }
}

/** Zeroes whole channels of (N, C, D, H, W) or (C, D, H, W) inputs in training (`nn.Dropout3d`). */
export class Dropout3d extends DropoutNd {
  forward(input: Tensor): Tensor {
    return dropout3d(input, this.p, this.training, this.inplace, this.drawOptions);
  }
}

/**
 * Alpha dropout for SELU networks (`nn.AlphaDropout`): keeps zero mean and unit variance. As in
 * PyTorch, `inplace` is stored and printed but forward never works in place.
 */
export class AlphaDropout extends DropoutNd {
  forward(input: Tensor): Tensor {
    return alphaDropout(input, this.p, this.training, false, this.drawOptions);
  }
}

/** Alpha dropout of whole channels (`nn.FeatureAlphaDropout`); like AlphaDropout, never in place. */
export class FeatureAlphaDropout extends DropoutNd {
  forward(input: Tensor): Tensor {
    return featureAlphaDropout(input, this.p, this.training, false, this.drawOptions);
  }
}
