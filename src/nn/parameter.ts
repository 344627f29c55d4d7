import { Tensor } from '../tensor';

/**
 * A tensor that is a module's learnable weight (`nn.Parameter`): it requires grad by default and
 * `Module.parameters()` finds it.
 */
export class Parameter extends Tensor {
  /** Wraps `data`'s storage (shared, not copied) as a parameter. */
  constructor(data: Tensor, requiresGrad = true) {
    super(data.data, data.shape, data.dtype);
    if (requiresGrad) this.requiresGrad = true;
  }

  /** `Parameter containing:` then the tensor, as PyTorch prints it. */
  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}
