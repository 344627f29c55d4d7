/**
 * The backward pass: an iterative topological walk of the recorded graph that calls each node's
 * backward once, with the sum of the gradients of all its consumers, checking every gradient's
 * shape against its input. Backward formulas run with grad mode off (each node's `fastBackward`
 * where it has one), so they build no graph; under `createGraph` they run with grad mode on, the
 * sums are `add` ops, and the gradients can be differentiated again.
 *
 * NOTE: the engine calls Tensor methods (`add`, `to`, `clone`) on the createGraph path: those are
 * ops, above autograd in the layering; Tensor is the one place where the two meet (see tensor.ts).
 */
import { convert, recycle } from '../dtype';
import { accumulate } from '../kernels/elementwise';
import { kernels } from '../backend/registry';
import { fmt, sameShape } from '../shape';
import { Tensor } from '../tensor';
import { checkOptions } from '../options';
import { isGradEnabled, setGradEnabled } from './grad-mode';
import { tracer } from './trace-hook';
import type { Node } from './node';

/**
 * Gradients being summed, one slot each. `owned[i]` means nothing else references the storage of
 * `grads[i]` (the engine made it, or a backward with `returnsFreshGrads`): later gradients are added
 * into it in place, and a leaf may adopt it as its `.grad` without a copy.
 */
interface Sums {
  grads: (Tensor | null)[];
  owned: boolean[];
  /** createGraph: sums are recorded `add` ops, never in place. */
  graph: boolean;
}

/** Adds `g` into slot p; `gOwned` says whether `g`'s storage is exclusively the engine's. */
function addTo(sums: Sums, p: number, g: Tensor, gOwned: boolean): void {
  const current = sums.grads[p];
  if (current === null || current === undefined) {
    sums.grads[p] = g;
    sums.owned[p] = gOwned;
    return;
  }
  if (sums.graph) {
    sums.grads[p] = current.add(g);
    sums.owned[p] = false;
    return;
  }
  let out = current,
    add = g;
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
  const o = out.data,
    x = add.data;
  // the kernel backend's add (wasm: SIMD from 64 elements) where both are one float type; same bits
  const sameType = (o instanceof Float32Array && x instanceof Float32Array) || (o instanceof Float64Array && x instanceof Float64Array);
  if (sameType && o.length === x.length) kernels().arithmetic('add', o, x, o);
  else accumulate(o, x);
}

/** Leaf gradients by tensor: `tensors[i]` receives `sums.grads[i]`. */
class LeafSums implements Sums {
  readonly tensors: Tensor[] = [];
  readonly grads: (Tensor | null)[] = [];
  readonly owned: boolean[] = [];
  private readonly index = new Map<Tensor, number>();

  constructor(readonly graph: boolean) {}

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
        const producer = node.producers[i];
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

/** The gradient `node` returned for input i, checked and converted to the input's dtype (by a recorded op under createGraph). */
function checkedGrad(node: Node, i: number, g: unknown, graph: boolean): Tensor | null {
  if (g === null || g === undefined || !node.needsInputGrad[i]) return null;
  const input = node.inputs[i];
  if (!(g instanceof Tensor)) throw new Error(`${node.name}: backward returned a ${typeof g} for input ${i}; expected a Tensor or null`);
  if (!sameShape(g.shape, input.shape)) {
    throw new Error(`${node.name}: backward returned a gradient of shape ${fmt(g.shape)} for input ${i}, which has shape ${fmt(input.shape)}`);
  }
  if (g.dtype === input.dtype) return g;
  return graph ? g.to(input.dtype) : new Tensor(convert(g.data, input.dtype), g.shape, input.dtype);
}

/** Whether `g`, returned for input i, is new storage that the engine may own. */
function isFresh(node: Node, grads: readonly unknown[], i: number, g: Tensor, incoming: Tensor, reusable: boolean): boolean {
  // the incoming gradient's storage, handed on (written in place by fastBackward, or passed through), stays the engine's
  if (g.data === incoming.data ? !reusable || node.fastBackward === undefined : !node.returnsFreshGrads) return false;
  // a gradient returned for two inputs is shared, however it was made (neither slot owns it)
  for (let j = 0; j < grads.length; j++) if (j !== i && grads[j] instanceof Tensor && (grads[j] as Tensor).data === g.data) return false;
  return true;
}

/**
 * Whether the engine may recycle the storage of `g`, the gradient it owned and has just passed to
 * `node`: the node is built in (a `fastBackward`, no user code that could keep g), nothing else was
 * given g (a capture for `grad()`, `retainGrad()`, a trace), and no gradient the node returned
 * shares g's buffer (a backward may return its incoming gradient or a view of it).
 */
function finishedWith(node: Node, g: Tensor, inputGrads: readonly unknown[], captureNodes: ReadonlyMap<Node, Tensor> | null): boolean {
  if (node.fastBackward === undefined || node.retainGradOf !== null || tracer !== null) return false;
  if (captureNodes !== null && captureNodes.has(node)) return false;
  const buffer = g.data.buffer;
  for (let i = 0; i < inputGrads.length; i++) {
    const gi = inputGrads[i];
    if (gi instanceof Tensor && gi.data.buffer === buffer) return false;
  }
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
  createGraph: boolean,
  captureNodes: ReadonlyMap<Node, Tensor> | null,
): Outcome {
  const leaves = new LeafSums(createGraph);
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
  const pending: Sums = { grads: [], owned: [], graph: createGraph };
  for (let p = 0; p < order.length; p++) {
    pending.grads.push(null);
    pending.owned.push(false);
  }
  for (let r = 0; r < roots.length; r++) {
    const fn = roots[r].gradFn;
    if (fn) addTo(pending, position.get(fn)!, seeds[r], false);
  }
  const gradMode = isGradEnabled();
  setGradEnabled(createGraph);
  try {
    for (let p = order.length - 1; p >= 0; p--) {
      const g = pending.grads[p];
      if (g === null) continue;
      const gOwned = pending.owned[p];
      pending.grads[p] = null;
      const node = order[p];
      if (captureNodes !== null) {
        const target = captureNodes.get(node);
        if (target) captured.set(target, g);
      }
      if (node.retainGradOf !== null) retained.push([node.retainGradOf, g]);
      // g's storage is the node's to write into: the engine's alone, and nothing was given it
      const reusable = gOwned && node.retainGradOf === null && tracer === null && (captureNodes === null || !captureNodes.has(node));
      const inputGrads: unknown = createGraph || node.fastBackward === undefined ? node.backward(g) : node.fastBackward(g, reusable);
      const inputs = node.inputs;
      if (!Array.isArray(inputGrads) || inputGrads.length !== inputs.length) {
        throw new Error(`${node.name}: backward must return one gradient (or null) per input: ${inputs.length} expected`);
      }
      for (let i = 0; i < inputs.length; i++) {
        const raw: unknown = inputGrads[i];
        const gi = checkedGrad(node, i, raw, createGraph);
        if (gi === null) continue;
        // converted copies are the engine's; under createGraph nothing is summed in place
        const owned = !createGraph && (gi !== raw || isFresh(node, inputGrads, i, gi, g, reusable));
        const producer = node.producers[i];
        if (producer === null) {
          leaves.add(inputs[i], gi, owned);
        } else {
          const q = position.get(producer);
          if (q === undefined || q >= p) throw new Error(`${node.name}: the graph changed during backward (input ${i} has a new grad_fn)`);
          addTo(pending, q, gi, owned);
        }
      }
      // (nothing is owned under createGraph)
      if (gOwned && finishedWith(node, g, inputGrads, captureNodes)) recycle(g.data);
    }
  } finally {
    setGradEnabled(gradMode);
  }
  if (!retainGraph) for (let p = 0; p < order.length; p++) order[p].free();
  return { leaves, captured, retained };
}

/** Options of `tensor.backward()`. */
export interface BackwardOptions {
  /** Keep the graph for another backward (defaults to `createGraph`). */
  retainGraph?: boolean;
  /** Record the backward pass, so the gradients can be differentiated again. */
  createGraph?: boolean;
  /** Accumulate into these tensors' `.grad` only (leaves or not); everything else is left alone. */
  inputs?: Tensor | readonly Tensor[];
}

/**
 * `tensor.backward()`: adds d(root)/d(leaf) to every leaf's `.grad` (and retained non-leaves'), or
 * only to the `.grad` of `inputs`.
 */
export function runBackward(root: Tensor, seed: Tensor, options: BackwardOptions = {}): void {
  checkOptions(options, ['retainGraph', 'createGraph', 'inputs'], 'backward');
  const createGraph = options.createGraph ?? false;
  const retainGraph = options.retainGraph ?? createGraph;
  if (options.inputs !== undefined) {
    const ins = tensorList(options.inputs, 'backward', 'inputs');
    if (ins.length === 0) throw new Error("backward: 'inputs' must not be empty; leave it out to accumulate into every leaf");
    const grads = grad(root, ins, { gradOutputs: seed, retainGraph, createGraph, allowUnused: true });
    ins.forEach((t, i) => {
      const g = grads[i];
      if (g) t._accumulateGrad(g, !createGraph, createGraph);
    });
    return;
  }
  const { leaves, retained } = execute([root], [seed], retainGraph, createGraph, null);
  const { tensors, grads, owned } = leaves;
  for (let i = 0; i < tensors.length; i++) tensors[i]._accumulateGrad(grads[i]!, owned[i], createGraph);
  for (const [t, g] of retained) t._accumulateGrad(g, false, createGraph);
}

/** Options of `autograd.grad`. */
export interface GradOptions {
  /** The gradient of each output (the "vector" of the vector-Jacobian product); needed for non-scalar outputs. */
  gradOutputs?: Tensor | readonly (Tensor | null)[];
  /** Keep the graph for another backward (defaults to `createGraph`). */
  retainGraph?: boolean;
  /** Record the backward pass, so the returned gradients require grad and can be differentiated again. */
  createGraph?: boolean;
  /** Return null for an input the outputs do not depend on, instead of throwing. */
  allowUnused?: boolean;
}

function tensorList(x: unknown, where: string, what: string): Tensor[] {
  const list = x instanceof Tensor ? [x] : Array.isArray(x) ? x : null;
  if (list === null) throw new Error(`${where}: ${what} must be a Tensor or an array of Tensors, got ${x === null ? 'null' : typeof x}`);
  list.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new Error(`${where}: ${what}[${i}] must be a Tensor, got ${t === null ? 'null' : typeof t}`);
  });
  return list as Tensor[];
}

/**
 * The gradients of `outputs` with respect to `inputs`, returned instead of added to `.grad`
 * (`torch.autograd.grad`). `gradOutputs` is needed for outputs with more than one element.
 */
export function grad(outputs: Tensor | readonly Tensor[], inputs: Tensor | readonly Tensor[], options: GradOptions = {}): (Tensor | null)[] {
  checkOptions(options, ['gradOutputs', 'retainGraph', 'createGraph', 'allowUnused'], 'grad');
  const outs = tensorList(outputs, 'grad', 'outputs');
  const ins = tensorList(inputs, 'grad', 'inputs');
  const createGraph = options.createGraph ?? false;
  const given = options.gradOutputs === undefined ? [] : options.gradOutputs instanceof Tensor ? [options.gradOutputs] : options.gradOutputs;
  if (!Array.isArray(given)) throw new Error('grad: gradOutputs must be a Tensor or an array of Tensors (or nulls)');
  if (given.length > 0 && given.length !== outs.length) {
    throw new Error(`grad: gradOutputs has ${given.length} entries but there are ${outs.length} outputs`);
  }
  const seeds = outs.map((out, i) => {
    if (!out.requiresGrad) throw new Error(`grad: output ${i} does not require grad and has no grad_fn`);
    const g: unknown = given[i];
    if (g !== null && g !== undefined) {
      if (!(g instanceof Tensor)) throw new Error(`grad: gradOutputs[${i}] must be a Tensor or null, got ${typeof g}`);
      if (!sameShape(g.shape, out.shape)) throw new Error(`grad: gradOutputs[${i}] has shape ${fmt(g.shape)} but output ${i} has shape ${fmt(out.shape)}`);
      if (g.dtype === out.dtype) return g;
      return createGraph ? g.to(out.dtype) : new Tensor(convert(g.data, out.dtype), g.shape, out.dtype);
    }
    if (out.numel() !== 1) throw new Error(`grad: output ${i} of shape ${fmt(out.shape)} is not a scalar, so gradOutputs[${i}] is required`);
    return new Tensor(convert(new Float64Array([1]), out.dtype), out.shape, out.dtype);
  });
  ins.forEach((t, i) => {
    if (!t.requiresGrad) throw new Error(`grad: input ${i} does not require grad`);
  });
  const captureNodes = new Map<Node, Tensor>();
  for (const t of ins) if (t.gradFn) captureNodes.set(t.gradFn, t);
  const { leaves, captured } = execute(outs, seeds, options.retainGraph ?? createGraph, createGraph, captureNodes);
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
      if (createGraph) return g; // in the graph: a copy would cut it
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
