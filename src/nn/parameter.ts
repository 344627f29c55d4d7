import { describe } from '../options';
import { Tensor } from '../tensor';

/**
 * A tensor that is a module's learnable weight (`nn.Parameter`): it requires grad by default and
 * `Module.parameters()` finds it.
 */
export class Parameter extends Tensor {
  /** Wraps `data`'s storage (shared, not copied) as a parameter. */
  constructor(data: Tensor, requiresGrad = true) {
    if (!(data instanceof Tensor)) throw new Error(`Parameter: data must be a Tensor, got ${describe(data)}`);
    super(data.data, data.shape, data.dtype);
    if (typeof requiresGrad !== 'boolean') throw new Error(`Parameter: requiresGrad must be true or false, got ${describe(requiresGrad)}`);
    if (requiresGrad) this.requiresGrad = true;
  }

  /** `Parameter containing:` then the tensor, as PyTorch prints it. */
  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}
