/** Mean squared error (`torch.nn.functional.mse_loss`), composed from primitives. */
import { sub } from '../../ops/binary';
import { checkTensor } from '../../ops/helpers';
import { mean, sum } from '../../ops/reduce';
import { powScalar } from '../../ops/unary';
import { fmt, sameShape } from '../../shape';
import type { Tensor } from '../../tensor';
import { checkReduction, type Reduction } from './reduction';

export interface MSELossOptions {
  reduction?: Reduction;
}

/** (input - target)^2 per element, then the reduction. Shapes must match (no silent broadcasting). */
export function mseLoss(input: Tensor, target: Tensor, options: MSELossOptions = {}): Tensor {
  checkTensor(input, 'mseLoss');
  checkTensor(target, 'mseLoss', 'target');
  const reduction = checkReduction(options.reduction, 'mseLoss');
  if (!sameShape(input.shape, target.shape)) {
    throw new Error(`mseLoss: target of shape ${fmt(target.shape)} must have the same shape as the input ${fmt(input.shape)} (no broadcasting)`);
  }
  const squared = powScalar(sub(input, target), 2);
  return reduction === 'none' ? squared : reduction === 'sum' ? sum(squared) : mean(squared);
}
