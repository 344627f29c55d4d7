import { fmt } from '../shape';
import type { Tensor } from '../tensor';

/**
 * One recorded op in the autograd graph (PyTorch's `grad_fn`). A primitive op subclasses it next to
 * its forward: it saves what backward needs with `save`, and `backward` maps the gradient of the
 * op's output to one gradient per input (null where that input needs none).
 */
export abstract class Node {
  /** PyTorch's name for this backward, printed as `grad_fn=<Name>`, e.g. `MulBackward0`. */
  abstract readonly name: string;
  /** The op's inputs, in order. Emptied when the graph is freed. */
  inputs: Tensor[] = [];
  /** needsInputGrad[i]: whether input i wants a gradient (backward may skip the others). */
  needsInputGrad: boolean[] = [];
  /** A non-leaf output whose `.grad` should be kept (`retainGrad()`). */
  retainGradOf: Tensor | null = null;
  private savedValues: Tensor[] = [];
  private savedVersions: number[] = [];
  private freed = false;

  /** Keeps tensors for backward. They are freed with the graph and checked for in-place changes. */
  protected save(...tensors: Tensor[]): void {
    for (const t of tensors) {
      this.savedValues.push(t);
      this.savedVersions.push(t._version.value);
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

  abstract backward(grad: Tensor): (Tensor | null)[];

  /** @internal The engine calls this before backward: a saved tensor changed in place gives wrong gradients. */
  checkSaved(): void {
    this.savedValues.forEach((t, i) => {
      if (t._version.value !== this.savedVersions[i]) {
        throw new Error(
          `${this.name}: one of the tensors needed for gradient computation has been modified by an in-place ` +
            `operation (shape ${fmt(t.shape)}, version ${t._version.value}, expected version ` +
            `${this.savedVersions[i]}). Use the out-of-place op, or clone() the tensor first.`,
        );
      }
    });
  }

  /** @internal Drops the inputs and saved tensors after backward, so the graph can be collected. */
  free(): void {
    this.freed = true;
    this.inputs = [];
    this.savedValues = [];
    this.retainGradOf = null;
  }
}
