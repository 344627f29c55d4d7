/**
 * Mean squared error (`torch.nn.functional.mse_loss`): one node (PyTorch's `MseLossBackward0`) over
 * the same forward ops as the composite, so its values are the composite's to the bit.
 */
import { Node } from '../../autograd/node';
import { noGrad } from '../../autograd/grad-mode';
import { needsGrad, record } from '../../autograd/record';
import { mul, sub } from '../../ops/binary';
import { checkTensor } from '../../ops/helpers';
import { mean, sum } from '../../ops/reduce';
import { powScalar } from '../../ops/unary';
import { fmt, sameShape } from '../../shape';
import type { Tensor } from '../../tensor';
import { checkLossOptions, checkReduction, type Reduction } from './reduction';

export interface MSELossOptions {
  reduction?: Reduction;
}

/** The keys of MSELossOptions, for checkOptions, and the PyTorch one tsgrad leaves out. */
export const MSE_LOSS_OPTIONS = ['reduction'] as const;
export const MSE_LOSS_UNSUPPORTED = { weight: "tsgrad's mseLoss takes no weight; multiply the reduction: 'none' losses by yours" };

/** (input - target)^2 per element, then the reduction. Shapes must match (no silent broadcasting). */
export function mseLoss(input: Tensor, target: Tensor, options: MSELossOptions = {}): Tensor {
  checkTensor(input, 'mseLoss');
  checkTensor(target, 'mseLoss', 'target');
  checkLossOptions(options, MSE_LOSS_OPTIONS, 'mseLoss', MSE_LOSS_UNSUPPORTED);
  const reduction = checkReduction(options.reduction, 'mseLoss');
  if (!sameShape(input.shape, target.shape)) {
    throw new Error(`mseLoss: target of shape ${fmt(target.shape)} must have the same shape as the input ${fmt(input.shape)} (no broadcasting)`);
  }
  // a bool target is 0 or 1, as in PyTorch (sub itself refuses bool tensors)
  const t = target.dtype === 'bool' ? target.int() : target;
  const out = noGrad(() => {
    const squared = powScalar(sub(input, t), 2);
    return reduction === 'none' ? squared : reduction === 'sum' ? sum(squared) : mean(squared);
  });
  return needsGrad(input, t) ? record(out, new MseLossBackward(input, t, reduction), input, t) : out;
}

class MseLossBackward extends Node {
  readonly name = 'MseLossBackward0';
  constructor(
    input: Tensor,
    target: Tensor,
    private readonly reduction: Reduction,
  ) {
    super();
    this.save(input, target);
  }
  // d/dx = c (x - t) g and d/dt = c (t - x) g, with c = 2 / numel for 'mean', else 2
  backward(g: Tensor): (Tensor | null)[] {
    const [x, t] = this.saved;
    const c = this.reduction === 'mean' ? 2 / x.numel() : 2;
    return [this.needsInputGrad[0] ? mul(mul(sub(x, t), c), g) : null, this.needsInputGrad[1] ? mul(mul(sub(t, x), c), g) : null];
  }
}
