/** Activations composed from primitives: no backward of their own, so their gradients (of any order) come free. */
import { tracer } from '../../autograd/trace-hook';
import { add, div } from '../../ops/binary';
import { checkTensor } from '../../ops/helpers';
import { abs } from '../../ops/unary';
import type { Tensor } from '../../tensor';

export { leakyRelu } from '../../ops/unary';

/**
 * x / (1 + |x|) (`F.softsign`). Composed as PyTorch composes it, so it prints PyTorch's grad_fn
 * (`DivBackward0`) too.
 */
export function softsign(x: Tensor): Tensor {
  checkTensor(x, 'softsign');
  const y = div(x, add(abs(x), 1));
  if (tracer !== null) tracer.op('softsign', [x], {}, y);
  return y;
}
