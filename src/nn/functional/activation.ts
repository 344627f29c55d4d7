/** Activations composed from primitives: no backward of their own, so their gradients (of any order) come free. */
import { isFloatDtype } from '../../dtype';
import { gt, mul, where } from '../../ops/binary';
import { checkTensor } from '../../ops/helpers';
import type { Tensor } from '../../tensor';

/** x where x > 0, else negativeSlope * x (`F.leaky_relu`); the gradient at 0 is negativeSlope, as in PyTorch. */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  checkTensor(x, 'leakyRelu');
  if (!isFloatDtype(x.dtype))
    throw new Error(`leakyRelu: input must be a floating point tensor, got ${x.dtype} (as in PyTorch); convert it with .float() first`);
  if (typeof negativeSlope !== 'number' || Number.isNaN(negativeSlope)) {
    throw new Error(`leakyRelu: negativeSlope must be a number, got ${String(negativeSlope)}`);
  }
  return where(gt(x, 0), x, mul(x, negativeSlope));
}
