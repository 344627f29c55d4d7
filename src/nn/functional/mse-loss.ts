/** Mean squared error (`torch.nn.functional.mse_loss`), composed from primitives. */
import { sub } from '../../ops/binary';
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
  const squared = powScalar(sub(input, target.dtype === 'bool' ? target.int() : target), 2);
  return reduction === 'none' ? squared : reduction === 'sum' ? sum(squared) : mean(squared);
}
