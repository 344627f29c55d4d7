/** Parameters to one flat vector and back (`torch/nn/utils/convert_parameters.py`). */
import { isFloatDtype } from '../../dtype';
import { cat, reshape } from '../../ops/layout';
import { describe } from '../../options';
import { fmt, numel } from '../../shape';
import { Tensor } from '../../tensor';

/**
 * The parameters flattened and concatenated into one vector (`nn.utils.parameters_to_vector`), in
 * the promoted dtype. It is made of ops, so gradients flow back to the parameters, as in PyTorch.
 */
export function parametersToVector(parameters: Iterable<Tensor>): Tensor {
  const list = parameterList(parameters, 'parametersToVector');
  if (list.length === 0) throw new Error('parametersToVector: torch.cat(): expected a non-empty list of Tensors');
  return cat(list.map((p) => reshape(p, [-1])));
}

/**
 * Points each parameter at its slice of `vec`, in order (`nn.utils.vector_to_parameters`). As
 * PyTorch's `param.data = vec[i:j].view_as(param)` does, the parameters then share `vec`'s storage
 * and take its dtype, stay the same objects (an optimizer keeps them) and keep their `.grad` (a
 * float64 vector given to float32 parameters drops it: tsgrad keeps a grad in its tensor's dtype).
 * Slices run along `vec`'s first dim; extra elements at the end are ignored.
 */
export function vectorToParameters(vec: Tensor, parameters: Iterable<Tensor>): void {
  const where = 'vectorToParameters';
  if (!(vec instanceof Tensor)) throw new Error(`${where}: expected a Tensor (vec), but got ${describe(vec)}`);
  const list = parameterList(parameters, where);
  if (list.length > 0 && vec.ndim === 0) throw new Error(`${where}: slice() cannot be applied to a 0-dim tensor (vec)`);
  const rows = vec.shape[0];
  const rowSize = numel(vec.shape.slice(1));
  let pointer = 0;
  for (const p of list) {
    const n = p.numel();
    // vec[pointer : pointer + n], with Python's clamping of slice ends
    const start = Math.min(pointer, rows);
    const end = Math.min(pointer + n, rows);
    if ((end - start) * rowSize !== n) throw new Error(`${where}: shape '${fmt(p.shape)}' is invalid for input of size ${(end - start) * rowSize}`);
    if (p.requiresGrad && !isFloatDtype(vec.dtype)) {
      throw new Error(`${where}: data set to a tensor that requires gradients must be floating point or complex dtype, got ${vec.dtype}`);
    }
    const grad = p.grad;
    p._replaceData(vec.data.subarray(start * rowSize, end * rowSize), vec.dtype);
    if (grad !== null && grad.dtype === p.dtype) p.grad = grad;
    pointer += n;
  }
}

/** An iterable of tensors (not a lone Tensor, which PyTorch would iterate row by row). */
function parameterList(parameters: unknown, where: string): Tensor[] {
  if (parameters instanceof Tensor) {
    throw new Error(
      `${where}: parameters must be an iterable of Tensors (e.g. model.parameters()), got a Tensor of shape ${fmt(parameters.shape)}; pass [tensor]`,
    );
  }
  if (parameters === null || typeof parameters !== 'object' || typeof (parameters as Partial<Iterable<unknown>>)[Symbol.iterator] !== 'function') {
    throw new Error(`${where}: parameters must be an iterable of Tensors (e.g. model.parameters()), got ${describe(parameters)}`);
  }
  const list = Array.from(parameters as Iterable<unknown>);
  list.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw new Error(`${where}: parameters[${i}] must be a Tensor, got ${describe(p)}`);
  });
  return list as Tensor[];
}
