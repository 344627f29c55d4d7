/** User-defined differentiable ops: forward + backward with saved tensors (`torch.autograd.Function`). */
import { isFloatDtype } from '../dtype';
import { checkOptions, describe } from '../options';
import { Tensor } from '../tensor';
import { needsGrad, record } from './record';
import { noGrad } from './grad-mode';
import { Node } from './node';

/** What an op's forward and backward share (PyTorch's `ctx`). */
export interface OpContext {
  /** Keeps tensors for backward; they are freed with the graph and checked for in-place changes. */
  saveForBackward(...tensors: Tensor[]): void;
  /** The tensors `saveForBackward` kept, in order. */
  readonly savedTensors: readonly Tensor[];
  /** For each argument of the call: whether it is a tensor that needs a gradient. */
  readonly needsInputGrad: readonly boolean[];
  /** Any other values backward needs (numbers, shapes, options). */
  readonly state: Record<string, unknown>;
}

/** The two halves of a custom op. */
export interface OpDefinition<Args extends unknown[]> {
  /** Shown as `grad_fn=<NameBackward>`. */
  name: string;
  /** Computes the result (graph recording is off inside). */
  forward(ctx: OpContext, ...args: Args): Tensor;
  /** Maps the gradient of the result to one gradient per argument (null for non-tensors or none). */
  backward(ctx: OpContext, grad: Tensor): Tensor | null | readonly (Tensor | null | undefined)[];
}

class CustomNode extends Node {
  readonly name: string;
  readonly ctx: OpContext;

  constructor(
    private readonly definition: OpDefinition<never[]>,
    needsArgGrad: readonly boolean[],
    private readonly tensorArgs: readonly number[],
  ) {
    super();
    this.name = `${definition.name}Backward`;
    const save = (...tensors: Tensor[]): void => this.save(...tensors);
    const saved = (): readonly Tensor[] => this.saved;
    this.ctx = {
      saveForBackward: save,
      get savedTensors() {
        return saved();
      },
      needsInputGrad: needsArgGrad,
      state: {},
    };
  }

  backward(grad: Tensor): (Tensor | null)[] {
    const result = this.definition.backward(this.ctx, grad);
    const perArg = result instanceof Tensor || result === null ? [result] : [...result];
    if (perArg.length < this.tensorArgs[this.tensorArgs.length - 1] + 1) {
      throw new Error(`${this.name}: backward returned ${perArg.length} gradient(s); it must return one per argument of forward`);
    }
    return this.tensorArgs.map((argIndex) => perArg[argIndex] ?? null);
  }
}

/**
 * Makes a differentiable op from a forward and a backward, for gradients autograd cannot derive
 * (or derives slowly). Check it with `gradcheck`.
 *
 * ```ts
 * const cube = defineOp({
 *   name: 'Cube',
 *   forward(ctx, x: Tensor) { ctx.saveForBackward(x); return x.pow(3); },
 *   backward(ctx, g) { const [x] = ctx.savedTensors; return [g.mul(x.pow(2)).mul(3)]; },
 * });
 * ```
 */
export function defineOp<Args extends unknown[]>(definition: OpDefinition<Args>): (...args: Args) => Tensor {
  if (definition === undefined) throw new Error('defineOp: expected a definition { name, forward, backward }, got undefined');
  checkOptions(definition, ['name', 'forward', 'backward'], 'defineOp', {
    setupContext: 'tsgrad passes ctx to forward itself; save what backward needs there',
    jvp: 'tsgrad has reverse mode only',
    vmap: 'tsgrad has no vmap',
  });
  if (typeof definition.name !== 'string') throw new Error(`defineOp: name must be a string, got ${describe(definition.name)}`);
  for (const key of ['forward', 'backward'] as const) {
    if (typeof definition[key] !== 'function') throw new Error(`defineOp: ${key} must be a function, got ${describe(definition[key])}`);
  }
  return (...args: Args): Tensor => {
    const tensorArgs: number[] = [];
    args.forEach((a, i) => {
      if (a instanceof Tensor) tensorArgs.push(i);
    });
    const inputs = tensorArgs.map((i) => args[i] as Tensor);
    const tracked = needsGrad(...inputs);
    const needsArgGrad = args.map((a) => tracked && a instanceof Tensor && a.requiresGrad);
    const node = new CustomNode(definition as unknown as OpDefinition<never[]>, needsArgGrad, tensorArgs);
    const result = noGrad(() => definition.forward(node.ctx, ...args));
    if (!(result instanceof Tensor)) throw new Error(`${definition.name}: forward must return a Tensor`);
    const out = result._view(result.shape); // a fresh tensor object even when forward returns an input
    // only float results can require grad; others (indices, masks) are outside the graph, as in PyTorch
    return tracked && isFloatDtype(out.dtype) ? record(out, node, ...inputs) : out;
  };
}
