/**
 * The backward pass: an iterative topological walk of the recorded graph that calls each node's
 * backward once, with the sum of the gradients of all its consumers, checking every gradient's
 * shape against its input. Backward formulas run with grad mode off, so they never build graph.
 */
import { convert } from '../dtype';
import { fmt, sameShape } from '../shape';
import { Tensor } from '../tensor';
import { isGradEnabled, setGradEnabled } from './grad-mode';
import type { Node } from './node';

/**
 * Gradients being summed, one slot each. `owned[i]` means nothing else references the storage of
 * `grads[i]` (the engine made it, or a backward with `returnsFreshGrads`): later gradients are added
 * into it in place, and a leaf may adopt it as its `.grad` without a copy.
 */
interface Sums {
  grads: (Tensor | null)[];
  owned: boolean[];
}

/** Adds `g` into slot p; `gOwned` says whether `g`'s storage is exclusively the engine's. */
function addTo(sums: Sums, p: number, g: Tensor, gOwned: boolean): void {
  const current = sums.grads[p];
  if (current === null || current === undefined) {
    sums.grads[p] = g;
    sums.owned[p] = gOwned;
    return;
  }
  let out = current, add = g;
  if (!sums.owned[p]) {
    if (gOwned) {
      // sum into the new buffer instead of copying the old one (a + b = b + a exactly)
      out = g;
      add = current;
    } else {
      out = new Tensor(current.data.slice(), current.shape, current.dtype);
    }
    sums.grads[p] = out;
    sums.owned[p] = true;
  }
  const o = out.data, a = add.data;
  for (let i = 0; i < o.length; i++) o[i] += a[i];
}

/** Leaf gradients by tensor: `tensors[i]` receives `sums.grads[i]`. */
class LeafSums implements Sums {
  readonly tensors: Tensor[] = [];
  readonly grads: (Tensor | null)[] = [];
  readonly owned: boolean[] = [];
  private readonly index = new Map<Tensor, number>();

  add(t: Tensor, g: Tensor, gOwned: boolean): void {
    let p = this.index.get(t);
    if (p === undefined) {
      p = this.tensors.length;
      this.index.set(t, p);
      this.tensors.push(t);
    }
    addTo(this, p, g, gOwned);
  }

  slot(t: Tensor): number | undefined {
    return this.index.get(t);
  }
}

/**
 * Every node reachable from `roots` through inputs that need grad, in postorder (producers before
 * consumers: walk it backwards), and each node's position in it.
 */
function topologicalOrder(roots: readonly Node[]): { order: Node[]; position: Map<Node, number> } {
  const order: Node[] = [];
  const position = new Map<Node, number>(); // -1 while the node is on the stack
  const stack: Node[] = [];
  const next: number[] = [];
  for (const root of roots) {
    if (position.has(root)) continue;
    position.set(root, -1);
    stack.push(root);
    next.push(0);
    while (stack.length > 0) {
      const top = stack.length - 1;
      const node = stack[top];
      const i = next[top];
      if (i < node.inputs.length) {
        next[top] = i + 1;
        const producer = node.inputs[i].gradFn;
        if (producer !== null && node.needsInputGrad[i] && !position.has(producer)) {
          position.set(producer, -1);
          stack.push(producer);
          next.push(0);
        }
      } else {
        stack.pop();
        next.pop();
        position.set(node, order.length);
        order.push(node);
      }
    }
  }
  return { order, position };
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

/** Whether `g`, returned for input i, is new storage that the engine may own. */
function isFresh(node: Node, grads: readonly unknown[], i: number, g: Tensor, incoming: Tensor): boolean {
  if (!node.returnsFreshGrads || g.data === incoming.data) return false;
  // a gradient returned for two inputs is shared, however it was made
  for (let j = 0; j < i; j++) if (grads[j] instanceof Tensor && (grads[j] as Tensor).data === g.data) return false;
  return true;
}

interface Outcome {
  leaves: LeafSums;
  /** (tensor, gradient) pairs for `captureNodes`. */
  captured: Map<Tensor, Tensor>;
  /** (tensor, gradient) pairs for non-leaves that asked for `retainGrad()`. */
  retained: [Tensor, Tensor][];
}

/**
 * Runs backward from `roots` seeded with `grads`. Leaf gradients are returned (not yet added to
 * `.grad`), so a backward that fails half-way changes nothing. `captureNodes` also records the
 * gradient arriving at chosen non-leaf tensors (for `grad()`).
 */
function execute(
  roots: readonly Tensor[],
  seeds: readonly Tensor[],
  retainGraph: boolean,
  captureNodes: ReadonlyMap<Node, Tensor> | null,
): Outcome {
  const leaves = new LeafSums();
  const captured = new Map<Tensor, Tensor>();
  const retained: [Tensor, Tensor][] = [];
  const rootNodes: Node[] = [];
  for (let r = 0; r < roots.length; r++) {
    const fn = roots[r].gradFn;
    if (fn) rootNodes.push(fn);
    else leaves.add(roots[r], seeds[r], false);
  }
  const { order, position } = topologicalOrder(rootNodes);
  for (let p = order.length - 1; p >= 0; p--) {
    if (order[p].isFreed) throw freedError(order[p]);
    order[p].checkSaved();
  }
  const pending: Sums = { grads: [], owned: [] };
  for (let p = 0; p < order.length; p++) {
    pending.grads.push(null);
    pending.owned.push(false);
  }
  for (let r = 0; r < roots.length; r++) {
    const fn = roots[r].gradFn;
    if (fn) addTo(pending, position.get(fn)!, seeds[r], false);
  }
  const gradMode = isGradEnabled();
  setGradEnabled(false);
  try {
    for (let p = order.length - 1; p >= 0; p--) {
      const g = pending.grads[p];
      if (g === null) continue;
      pending.grads[p] = null;
      const node = order[p];
      if (captureNodes !== null) {
        const target = captureNodes.get(node);
        if (target) captured.set(target, g);
      }
      if (node.retainGradOf !== null) retained.push([node.retainGradOf, g]);
      const inputGrads: unknown = node.backward(g);
      const inputs = node.inputs;
      if (!Array.isArray(inputGrads) || inputGrads.length !== inputs.length) {
        throw new Error(`${node.name}: backward must return one gradient (or null) per input: ${inputs.length} expected`);
      }
      for (let i = 0; i < inputs.length; i++) {
        const raw: unknown = inputGrads[i];
        const gi = checkedGrad(node, i, raw);
        if (gi === null) continue;
        const owned = gi !== raw || isFresh(node, inputGrads, i, gi, g); // converted copies are the engine's
        const producer = inputs[i].gradFn;
        if (producer === null) {
          leaves.add(inputs[i], gi, owned);
        } else {
          const q = position.get(producer);
          if (q === undefined || q >= p) throw new Error(`${node.name}: the graph changed during backward (input ${i} has a new grad_fn)`);
          addTo(pending, q, gi, owned);
        }
      }
    }
  } finally {
    setGradEnabled(gradMode);
  }
  if (!retainGraph) for (let p = 0; p < order.length; p++) order[p].free();
  return { leaves, captured, retained };
}

/** `tensor.backward()`: adds d(root)/d(leaf) to every leaf's `.grad` (and retained non-leaves'). */
export function runBackward(root: Tensor, grad: Tensor, retainGraph: boolean): void {
  const { leaves, retained } = execute([root], [grad], retainGraph, null);
  const { tensors, grads, owned } = leaves;
  for (let i = 0; i < tensors.length; i++) tensors[i]._accumulateGrad(grads[i]!, owned[i]);
  for (const [t, g] of retained) t._accumulateGrad(g, false);
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
  const handedOut = new Set<Tensor>();
  return ins.map((t, i) => {
    let g: Tensor | undefined;
    let owned = false;
    if (t.gradFn) {
      g = captured.get(t);
    } else {
      const p = leaves.slot(t);
      if (p !== undefined) {
        g = leaves.grads[p]!;
        owned = leaves.owned[p];
      }
    }
    if (g) {
      // an input listed twice gets two tensors
      if (owned && !handedOut.has(g)) {
        handedOut.add(g);
        return g;
      }
      return new Tensor(g.data.slice(), t.shape, t.dtype);
    }
    if (options.allowUnused) return null;
    throw new Error(`grad: input ${i} was not used to compute the outputs; pass { allowUnused: true } if that is expected`);
  });
}
