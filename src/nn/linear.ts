import { type FloatDType, getDefaultDtype } from '../dtype';
import { checkBoolean, checkOptions, describe } from '../options';
import { linear } from '../ops/linear';
import { checkGenerator, defaultGenerator, type Generator } from '../random';
import { fmt } from '../shape';
import { Tensor } from '../tensor';
import { zerosOf } from '../ops/helpers';
import * as init from './init';
import { Module } from './module';
import { Parameter } from './parameter';

export interface LinearOptions {
  bias?: boolean;
  dtype?: FloatDType;
  /** Where the initial weights come from (the default generator unless given). */
  generator?: Generator;
}

/**
 * y = x W^T + b (`nn.Linear`), weight [outFeatures, inFeatures]. Weight and bias start uniform in
 * (-1/sqrt(inFeatures), 1/sqrt(inFeatures)), PyTorch's default initialisation.
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, options: LinearOptions = {}) {
    super();
    for (const [name, v] of [
      ['inFeatures', inFeatures],
      ['outFeatures', outFeatures],
    ] as const) {
      if (!Number.isInteger(v) || v < 0) throw new Error(`Linear: ${name} must be a whole number >= 0, got ${describe(v)}`);
    }
    checkOptions(options, ['bias', 'dtype', 'generator'], 'Linear', { device: { why: 'tsgrad runs on the CPU', accepts: ['cpu'] } });
    if (options.bias !== undefined) checkBoolean(options.bias, 'Linear', 'bias');
    if (options.dtype !== undefined && options.dtype !== 'float32' && options.dtype !== 'float64') {
      throw new Error(`Linear: dtype must be 'float32' or 'float64' (parameters are floating point), got ${describe(options.dtype)}`);
    }
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    const dtype = options.dtype ?? getDefaultDtype();
    const generator = checkGenerator(options.generator, 'Linear');
    this.weight = new Parameter(zerosOf([outFeatures, inFeatures], dtype));
    this.bias = options.bias === false ? null : new Parameter(zerosOf([outFeatures], dtype));
    this.resetParameters(generator);
  }

  /** PyTorch's initialisation: kaiming-uniform weight with a = sqrt(5), bias U(-1/sqrt(in), 1/sqrt(in)). */
  resetParameters(generator: Generator = defaultGenerator): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5), generator });
    if (this.bias) {
      const bound = this.inFeatures > 0 ? 1 / Math.sqrt(this.inFeatures) : 0;
      init.uniform_(this.bias, -bound, bound, generator);
    }
  }

  forward(x: Tensor): Tensor {
    if (!(x instanceof Tensor)) throw new Error(`${this.describe()} expects a Tensor input, got ${describe(x)}`);
    if (x.ndim === 0 || x.shape[x.ndim - 1] !== this.inFeatures) {
      // NOTE: then PyTorch's message, where it has one: its matmul sees the leading dims flattened (mat1).
      const rows = x.shape.slice(0, -1).reduce((a, b) => a * b, 1);
      const theirs =
        x.ndim === 0 ? '' : ` (PyTorch: mat1 and mat2 shapes cannot be multiplied (${rows}x${x.shape[x.ndim - 1]} and ${this.inFeatures}x${this.outFeatures}))`;
      throw new Error(`${this.describe()} got input of shape ${fmt(x.shape)}: its last dimension must be ${this.inFeatures}${theirs}`);
    }
    return linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias ? 'True' : 'False'}`;
  }

  private describe(): string {
    return `Linear(in_features=${this.inFeatures}, out_features=${this.outFeatures})`;
  }
}
