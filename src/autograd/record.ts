/** Graph recording: whether an op must record a node, and attaching the node to the op's output. */
import type { Tensor } from '../tensor';
import { isGradEnabled } from './grad-mode';
import type { Node } from './node';

/** Whether an op on these inputs must record a graph node (null stands for an absent optional input). */
export function needsGrad(...inputs: (Tensor | null)[]): boolean {
  if (!isGradEnabled()) return false;
  for (let i = 0; i < inputs.length; i++) if (inputs[i]?.requiresGrad) return true;
  return false;
}

/**
 * Makes `node` the grad function of `out`, with `inputs` as the node's inputs (and their grad_fn as
 * of now as its producers). Returns `out`. `out` may be one of the inputs: an in-place write.
 */
export function record(out: Tensor, node: Node, ...inputs: Tensor[]): Tensor {
  const needs: boolean[] = [];
  const producers: (Node | null)[] = [];
  for (let i = 0; i < inputs.length; i++) {
    needs.push(inputs[i].requiresGrad);
    producers.push(inputs[i].gradFn);
  }
  node.inputs = inputs;
  node.needsInputGrad = needs;
  node.producers = producers;
  out._setGradFn(node);
  return out;
}
