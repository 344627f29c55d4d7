import { flatten } from '../ops/layout';
import type { Tensor } from '../tensor';
import { checkInteger, describe } from '../options';
import { Module } from './module';

type AnyForward = { forward(x: unknown): unknown };

/** Modules applied one after another (`nn.Sequential`); children are named 0, 1, 2, ... */
export class Sequential extends Module {
  private readonly layers: Module[];

  constructor(...modules: Module[]) {
    super();
    modules.forEach((m, i) => {
      if (!(m instanceof Module)) throw new Error(`Sequential: argument ${i} is not a Module, got ${describe(m)}`);
    });
    this.layers = modules;
  }

  override namedChildren(): [string, Module][] {
    return this.layers.map((m, i) => [String(i), m]);
  }

  /** The i-th module (negative counts from the end). */
  at(i: number): Module {
    const m = this.layers[i < 0 ? i + this.layers.length : i];
    if (!m) throw new Error(`Sequential: index ${i} is out of range for ${this.layers.length} modules`);
    return m;
  }

  override get length(): number {
    return this.layers.length;
  }

  forward(x: Tensor): Tensor {
    let out: unknown = x;
    for (const m of this.layers) out = (m as unknown as AnyForward).forward(out);
    return out as Tensor;
  }
}

/** Flattens dims startDim..endDim (`nn.Flatten`; by default all but the batch dim). */
export class Flatten extends Module {
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
    checkInteger(startDim, 'Flatten', 'startDim');
    checkInteger(endDim, 'Flatten', 'endDim');
  }
  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }
  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

/** Returns its input unchanged (`nn.Identity`). */
export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}
