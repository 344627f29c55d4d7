/**
 * The backward pass: an iterative topological walk of the recorded graph that calls each node's
 * backward once, with the sum of the gradients of all its consumers, checking every gradient's
 * shape against its input. Backward formulas run under noGrad, so they never build graph.
 */
import { convert } from '../dtype';
import { fmt, sameShape } from '../shape';
import { Tensor } from '../tensor';
import { noGrad } from './grad-mode';
import type { Node } from './node';

/** A gradient being summed; `owned` means the engine allocated it and may add into it in place. */
interface Pending {
  grad: Tensor;
  owned: boolean;
}

function accumulate<K>(map: Map<K, Pending>, key: K, grad: Tensor): void {
  const entry = map.get(key);
  if (!entry) {
    map.set(key, { grad, owned: false });
    return;
  }
  if (!entry.owned) {
    entry.grad = new Tensor(entry.grad.data.slice(), entry.grad.shape, entry.grad.dtype);
    entry.owned = true;
  }
  const out = entry.grad.data;
  const add = grad.data;
  for (let i = 0; i < out.length; i++) out[i] += add[i];
}

/** Every node reachable from `roots` through inputs that need grad, consumers before producers. */
function topologicalOrder(roots: readonly Node[]): Node[] {
  const postorder: Node[] = [];
  const seen = new Set<Node>();
  const stack: { node: Node; next: number }[] = [];
  for (const root of roots) {
    if (seen.has(root)) continue;
    seen.add(root);
    stack.push({ node: root, next: 0 });
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const { node } = top;
      if (top.next < node.inputs.length) {
        const i = top.next++;
        const producer = node.inputs[i].gradFn;
        if (producer && node.needsInputGrad[i] && !seen.has(producer)) {
          seen.add(producer);
          stack.push({ node: producer, next: 0 });
        }
      } else {
        stack.pop();
        postorder.push(node);
      }
    }
  }
  return postorder.reverse();
}

function freedError(node: Node): Error {
  return new Error(
    `Trying to backward through the graph a second time: ${node.name} was freed by an earlier backward(). ` +
      'Pass { retainGraph: true } to the first backward() call if you need to go through the graph again.',
  );
}

/** The gradient `node` returned for input i, checked and converted to the input's dtype. */
function checkedGrad(node: Node, i: number, g: unknown): Tensor | null {
  if (g === null || g === undefined || !node.needsInputGrad[i]) return null;
  const input = node.inputs[i];
  if (!(g instanceof Tensor)) throw new Error(`${node.name}: backward returned a ${typeof g} for input ${i}; expected a Tensor or null`);
  if (!sameShape(g.shape, input.shape)) {
    throw new Error(`${node.name}: backward returned a gradient of shape ${fmt(g.shape)} for input ${i}, which has shape ${fmt(input.shape)}`);
  }
  return g.dtype === input.dtype ? g : new Tensor(convert(g.data, input.dtype), g.shape, input.dtype);
}

/**
 * Runs backward from `roots` seeded with `grads`. Leaf gradients are returned (not yet added to
 * `.grad`), so a backward that fails half-way changes nothing. `captureNodes` also records the
 * gradient arriving at chosen non-leaf tensors (for `grad()`).
 */
function execute(
  roots: readonly Tensor[],
  grads: readonly Tensor[],
  retainGraph: boolean,
  captureNodes: ReadonlyMap<Node, Tensor> = new Map(),
): { leaves: Map<Tensor, Pending>; captured: Map<Tensor, Pending>; retained: Map<Tensor, Pending> } {
  const leaves = new Map<Tensor, Pending>();
  const captured = new Map<Tensor, Pending>();
  const retained = new Map<Tensor, Pending>();
  const pending = new Map<Node, Pending>();
  const rootNodes: Node[] = [];
  roots.forEach((root, i) => {
    if (root.gradFn) {
      accumulate(pending, root.gradFn, grads[i]);
      rootNodes.push(root.gradFn);
    } else {
      accumulate(leaves, root, grads[i]);
    }
  });
  const order = topologicalOrder(rootNodes);
  for (const node of order) {
    if (node.isFreed) throw freedError(node);
    node.checkSaved();
  }
  for (const node of order) {
    const entry = pending.get(node);
    if (!entry) continue;
    pending.delete(node);
    const target = captureNodes.get(node);
    if (target) accumulate(captured, target, entry.grad);
    if (node.retainGradOf) accumulate(retained, node.retainGradOf, entry.grad);
    const inputGrads: unknown = noGrad(() => node.backward(entry.grad));
    if (!Array.isArray(inputGrads) || inputGrads.length !== node.inputs.length) {
      throw new Error(`${node.name}: backward must return one gradient (or null) per input: ${node.inputs.length} expected`);
    }
    inputGrads.forEach((raw, i) => {
      const g = checkedGrad(node, i, raw);
      if (!g) return;
      const input = node.inputs[i];
      if (input.gradFn) accumulate(pending, input.gradFn, g);
      else accumulate(leaves, input, g);
    });
  }
  if (!retainGraph) for (const node of order) node.free();
  return { leaves, captured, retained };
}

/** `tensor.backward()`: adds d(root)/d(leaf) to every leaf's `.grad` (and retained non-leaves'). */
export function runBackward(root: Tensor, grad: Tensor, retainGraph: boolean): void {
  const { leaves, retained } = execute([root], [grad], retainGraph);
  for (const [t, { grad: g }] of leaves) t._accumulateGrad(g);
  for (const [t, { grad: g }] of retained) t._accumulateGrad(g);
}

/**
 * The gradients of `outputs` with respect to `inputs`, returned instead of added to `.grad`
 * (`torch.autograd.grad`). `gradOutputs` is needed for outputs with more than one element.
 */
export function grad(
  outputs: Tensor | readonly Tensor[],
  inputs: Tensor | readonly Tensor[],
  options: { gradOutputs?: readonly (Tensor | null)[] | Tensor; retainGraph?: boolean; allowUnused?: boolean } = {},
): (Tensor | null)[] {
  const outs = outputs instanceof Tensor ? [outputs] : [...outputs];
  const ins = inputs instanceof Tensor ? [inputs] : [...inputs];
  const given = options.gradOutputs instanceof Tensor ? [options.gradOutputs] : options.gradOutputs ?? [];
  const seeds = outs.map((out, i) => {
    if (!out.requiresGrad) throw new Error(`grad: output ${i} does not require grad and has no grad_fn`);
    const g = given[i];
    if (g) {
      if (!sameShape(g.shape, out.shape)) throw new Error(`grad: gradOutputs[${i}] has shape ${fmt(g.shape)} but output ${i} has shape ${fmt(out.shape)}`);
      return g.dtype === out.dtype ? g : new Tensor(convert(g.data, out.dtype), g.shape, out.dtype);
    }
    if (out.numel() !== 1) throw new Error(`grad: output ${i} of shape ${fmt(out.shape)} is not a scalar, so gradOutputs[${i}] is required`);
    return new Tensor(convert(new Float64Array([1]), out.dtype), out.shape, out.dtype);
  });
  ins.forEach((t, i) => {
    if (!t.requiresGrad) throw new Error(`grad: input ${i} does not require grad`);
  });
  const captureNodes = new Map<Node, Tensor>();
  for (const t of ins) if (t.gradFn) captureNodes.set(t.gradFn, t);
  const { leaves, captured } = execute(outs, seeds, options.retainGraph ?? false, captureNodes);
  return ins.map((t, i) => {
    const entry = t.gradFn ? captured.get(t) : leaves.get(t);
    if (entry) return entry.owned ? entry.grad : new Tensor(entry.grad.data.slice(), t.shape, t.dtype);
    if (options.allowUnused) return null;
    throw new Error(`grad: input ${i} was not used to compute the outputs; pass { allowUnused: true } if that is expected`);
  });
}
