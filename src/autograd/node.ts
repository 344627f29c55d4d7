import { fmt } from '../shape';
import type { Tensor } from '../tensor';

// What a freed node's arrays become: shared and frozen, so nothing can be added to them.
const NO_TENSORS = Object.freeze([]) as unknown as Tensor[];
const NO_FLAGS = Object.freeze([]) as unknown as boolean[];
const NO_VERSIONS = Object.freeze([]) as unknown as number[];
const NO_NODES = Object.freeze([]) as unknown as (Node | null)[];

/**
 * One recorded op in the autograd graph (PyTorch's `grad_fn`). A primitive op subclasses it next to
 * its forward: it saves what backward needs with `save`, and `backward` maps the gradient of the
 * op's output to one gradient per input (null where that input needs none).
 */
export abstract class Node {
  /** PyTorch's name for this backward, printed as `grad_fn=<Name>`, e.g. `MulBackward0`. */
  abstract readonly name: string;
  /** The op's inputs, in order. Emptied when the graph is freed. */
  declare inputs: Tensor[];
  /** needsInputGrad[i]: whether input i wants a gradient (backward may skip the others). */
  declare needsInputGrad: boolean[];
  /**
   * producers[i]: input i's grad_fn when this node was recorded (null for a leaf). The engine walks
   * these, not the inputs' current grad_fn, so an input written in place later (which gives it a new
   * grad_fn) does not reroute the gradients of ops that read it before.
   */
  declare producers: (Node | null)[];
  /** A non-leaf output whose `.grad` should be kept (`retainGrad()`). */
  declare retainGradOf: Tensor | null;
  declare private savedValues: Tensor[];
  declare private savedVersions: number[];
  declare private freed: boolean;

  constructor() {
    // NOTE: assigned here rather than as class fields: a base class's field initializers define
    // properties on objects of every subclass, which V8 runs ~10x slower (~0.8 µs per node) once
    // it has seen more than four subclasses.
    this.inputs = NO_TENSORS;
    this.needsInputGrad = NO_FLAGS;
    this.producers = NO_NODES;
    this.retainGradOf = null;
    this.savedValues = NO_TENSORS;
    this.savedVersions = NO_VERSIONS;
    this.freed = false;
  }

  /** `<MulBackward0 object>`: PyTorch's repr of a grad_fn, without the memory address. */
  toString(): string {
    return `<${this.name} object>`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /** Keeps tensors for backward. They are freed with the graph and checked for in-place changes. */
  protected save(...tensors: Tensor[]): void {
    if (this.savedValues === NO_TENSORS) {
      this.savedValues = [];
      this.savedVersions = [];
    }
    for (let i = 0; i < tensors.length; i++) {
      this.savedValues.push(tensors[i]);
      this.savedVersions.push(tensors[i]._version.value);
    }
  }

  /** What `save` kept, in order. */
  get saved(): readonly Tensor[] {
    if (this.freed) {
      throw new Error(
        `${this.name}: its saved tensors were freed by an earlier backward(). Trying to backward through ` +
          'the graph a second time? Pass { retainGraph: true } to the first backward() call.',
      );
    }
    return this.savedValues;
  }

  get isFreed(): boolean {
    return this.freed;
  }

  /**
   * @internal True when every gradient `fastBackward` (or `backward`, without it) returns is a new tensor with its own storage that
   * the node keeps no reference to: the engine may then add into it in place, and a leaf may take it
   * as its `.grad` without a copy. False by default: a backward may return its incoming gradient, a
   * view of it, or a tensor it holds.
   */
  get returnsFreshGrads(): boolean {
    return false;
  }

  /**
   * The gradient formula: maps the gradient of the output to one gradient per input (null where
   * none is needed), built from differentiable ops. Under `createGraph` it runs with grad mode on,
   * so the gradients it returns are themselves in a graph and can be differentiated again.
   */
  abstract backward(grad: Tensor): (Tensor | null)[];

  /**
   * The same formula on raw storage, for the usual case where no graph of the backward pass is
   * recorded: optional, and used only when `createGraph` is off. Tests check it against `backward`.
   * `reusable`: grad's storage is the engine's alone and nothing else was given it, so the node may
   * write its result into that storage and return it (as an elementwise backward of grad's shape
   * does, sparing a new array); the engine then owns it as it owned grad.
   */
  fastBackward?(grad: Tensor, reusable: boolean): (Tensor | null)[];

  /** @internal The engine calls this before backward: a saved tensor changed in place gives wrong gradients. */
  checkSaved(): void {
    const values = this.savedValues,
      versions = this.savedVersions;
    for (let i = 0; i < values.length; i++) {
      const t = values[i];
      if (t._version.value !== versions[i]) {
        throw new Error(
          `${this.name}: one of the tensors needed for gradient computation has been modified by an in-place ` +
            `operation (shape ${fmt(t.shape)}, version ${t._version.value}, expected version ` +
            `${versions[i]}). Use the out-of-place op, or clone() the tensor first.`,
        );
      }
    }
  }

  /** @internal Drops the inputs and saved tensors after backward, so the graph can be collected. */
  free(): void {
    this.freed = true;
    this.inputs = NO_TENSORS;
    this.needsInputGrad = NO_FLAGS;
    this.producers = NO_NODES;
    this.savedValues = NO_TENSORS;
    this.savedVersions = NO_VERSIONS;
    this.retainGradOf = null;
  }
}
