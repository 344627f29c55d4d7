/** The recorded graph behind a tensor as Graphviz DOT text (torchviz's `make_dot`). */
import { checkOptions, describe } from '../options';
import { fmt } from '../shape';
import type { Tensor } from '../tensor';
import type { Node } from './node';

/** Labels for `toDot`'s graph. */
export interface ToDotOptions {
  /** Names for leaf tensors: `Object.fromEntries(model.namedParameters())`, or the pairs themselves. */
  params?: Record<string, Tensor> | Iterable<readonly [string, Tensor]>;
  /** The label of the tensor the graph ends in; 'output' unless given. */
  name?: string;
}

const ROOT_COLOR = 'darkolivegreen1';
const OP_COLOR = 'lightgrey';
const LEAF_COLOR = 'lightblue';

function quote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * The autograd graph that ends in `t`, in Graphviz DOT: one box per recorded op (labelled with its
 * grad_fn name, e.g. `AddmmBackward0`), one per leaf that requires grad (labelled with its name
 * from `params`, if given, and its shape, e.g. `linear1.weight [5, 784]`), and `t` itself; edges
 * run from inputs to the ops that use them. Inputs that need no gradient (data, targets) are not
 * part of the graph, as in PyTorch. The graph is read as recorded, without running backward, so
 * call this before `backward()` (which frees the graph) or pass it `{ retainGraph: true }`.
 * Render with `dot -Tsvg graph.dot -o graph.svg`.
 */
export function toDot(t: Tensor, options: ToDotOptions = {}): string {
  if (t === null || typeof t !== 'object' || !Array.isArray(t.shape) || !('gradFn' in t)) throw new Error(`toDot: expected a Tensor, got ${describe(t)}`);
  checkOptions(options, ['params', 'name'], 'toDot');
  if (options.name !== undefined && typeof options.name !== 'string') throw new Error(`toDot: name must be a string, got ${describe(options.name)}`);
  if (options.params !== undefined && (options.params === null || typeof options.params !== 'object')) {
    throw new Error(`toDot: params must be an object of Tensors by name (or [name, Tensor] pairs), got ${describe(options.params)}`);
  }
  const names = new Map<Tensor, string>();
  const params = options.params ?? {};
  const pairs = Symbol.iterator in params ? params : Object.entries(params);
  for (const [name, p] of pairs as Iterable<readonly [string, Tensor]>) names.set(p, name);
  const leafLabel = (leaf: Tensor): string => {
    const name = names.get(leaf);
    return name === undefined ? fmt(leaf.shape) : `${name} ${fmt(leaf.shape)}`;
  };

  const lines: string[] = [];
  const edges: string[] = [];
  const ids = new Map<Node | Tensor, string>();
  const idOf = (key: Node | Tensor, label: string, color: string): string => {
    let id = ids.get(key);
    if (id === undefined) {
      id = `n${ids.size}`;
      ids.set(key, id);
      lines.push(`  ${id} [label=${quote(label)}, fillcolor=${color}];`);
    }
    return id;
  };

  const rootId = idOf(t, `${options.name ?? 'output'} ${fmt(t.shape)}`, ROOT_COLOR);
  if (t.gradFn === null) {
    if (t.requiresGrad) lines[lines.length - 1] = `  ${rootId} [label=${quote(leafLabel(t))}, fillcolor=${ROOT_COLOR}];`;
  } else {
    edges.push(`  ${idOf(t.gradFn, t.gradFn.name, OP_COLOR)} -> ${rootId};`);
    // Depth-first from the root with an explicit stack, so deep graphs cannot overflow the call stack.
    const stack: Node[] = [t.gradFn];
    const visited = new Set<Node>(stack);
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (node.isFreed) {
        throw new Error(
          `toDot: ${node.name} was freed by an earlier backward(); call toDot before backward(), ` + 'or pass { retainGraph: true } to backward()',
        );
      }
      const nodeId = ids.get(node)!;
      node.inputs.forEach((input, i) => {
        if (!node.needsInputGrad[i]) return;
        const producer = node.producers[i];
        if (producer === null) {
          edges.push(`  ${idOf(input, leafLabel(input), LEAF_COLOR)} -> ${nodeId};`);
          return;
        }
        edges.push(`  ${idOf(producer, producer.name, OP_COLOR)} -> ${nodeId};`);
        if (!visited.has(producer)) {
          visited.add(producer);
          stack.push(producer);
        }
      });
    }
  }
  return ['digraph {', '  node [shape=box, style=filled, fontname=monospace, fontsize=10, height=0.2];', ...lines, ...edges, '}', ''].join('\n');
}
