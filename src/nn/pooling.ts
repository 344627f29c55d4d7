/**
 * Pooling layers: `MaxPool1d`, `MaxPool2d`, `AvgPool1d`, `AvgPool2d`, `AdaptiveAvgPool1d`,
 * `AdaptiveAvgPool2d`, `AdaptiveMaxPool1d`, `AdaptiveMaxPool2d`, `MaxUnpool1d`, `MaxUnpool2d`. Each
 * holds its arguments as PyTorch's module does (under camelCase names) and calls its functional form;
 * arguments positionally in PyTorch's order or as an options object; reprs as PyTorch prints them (an
 * array prints as a Python tuple).
 */
import { checkBoolean, describe } from '../options';
import type { Tensor } from '../tensor';
import { splitArgs } from './functional/conv';
import {
  type AdaptiveSize,
  adaptiveAvgPool1d,
  adaptiveAvgPool2d,
  adaptiveMaxPool1d,
  adaptiveMaxPool2d,
  avgPool1d,
  avgPool2d,
  maxPool1d,
  maxPool2d,
  maxUnpool1d,
  maxUnpool2d,
  type PoolSize,
} from './functional/pooling';
import { Module } from './module';

/** What a max pool (or adaptive max pool) returns: the values, or [values, indices] with returnIndices. */
export type PoolResult<R extends boolean> = R extends true ? [Tensor, Tensor] : Tensor;

/** The options of `MaxPool1d` and `MaxPool2d`: PyTorch's keyword arguments in camelCase. */
export interface MaxPoolModuleOptions<R extends boolean = boolean> {
  /** Default (or null): the kernel size. */
  stride?: PoolSize | null;
  /** Default 0. */
  padding?: PoolSize;
  /** Default 1. */
  dilation?: PoolSize;
  /** Return [values, indices]; default false. */
  returnIndices?: R;
  /** Default false. */
  ceilMode?: boolean;
}

/** The options of `AvgPool1d` and `AvgPool2d`. */
export interface AvgPoolModuleOptions {
  /** Default (or null): the kernel size. */
  stride?: PoolSize | null;
  /** Default 0. */
  padding?: PoolSize;
  /** Default false. */
  ceilMode?: boolean;
  /** Default true. */
  countIncludePad?: boolean;
  /** AvgPool2d only; default null. */
  divisorOverride?: number | null;
}

/** The options of `MaxUnpool1d` and `MaxUnpool2d`. */
export interface MaxUnpoolModuleOptions {
  /** Default (or null): the kernel size. */
  stride?: PoolSize | null;
  /** Default 0. */
  padding?: PoolSize;
}

/** A Python value as PyTorch's reprs print it: `2`, `(2, 3)`, `None`, `True`. */
export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (Array.isArray(value)) return `(${value.map(pyRepr).join(', ')}${value.length === 1 ? ',' : ''})`;
  return String(value);
}

function isSize(v: unknown): v is PoolSize {
  return (typeof v === 'number' && Number.isInteger(v)) || (Array.isArray(v) && v.every((e) => typeof e === 'number' && Number.isInteger(e)));
}

/** A size argument: a whole number or an array of them, kept as given (as PyTorch's modules keep it). */
function sizeArg(value: unknown, where: string, what: string): PoolSize {
  if (!isSize(value)) throw new Error(`${where}: ${what} must be a whole number or an array of whole numbers, got ${describe(value)}`);
  return Array.isArray(value) ? [...(value as number[])] : value;
}

/** PyTorch's `_single` / `_pair`: a size as a tuple of `n`. */
function tupleOf(value: PoolSize, n: number): number[] {
  return Array.isArray(value) ? [...(value as number[])] : new Array<number>(n).fill(value as number);
}

const MAX_POSITIONAL = ['stride', 'padding', 'dilation', 'returnIndices', 'ceilMode'] as const;

/** What MaxPool1d and MaxPool2d share (PyTorch's `_MaxPoolNd`). */
abstract class MaxPoolNd<R extends boolean> extends Module {
  readonly kernelSize: PoolSize;
  /** The kernel size unless given. */
  readonly stride: PoolSize;
  readonly padding: PoolSize;
  readonly dilation: PoolSize;
  readonly returnIndices: R;
  readonly ceilMode: boolean;

  protected constructor(where: string, kernelSize: PoolSize, args: readonly unknown[]) {
    super();
    const o = splitArgs<MaxPoolModuleOptions<R>>(where, MAX_POSITIONAL, args);
    this.kernelSize = sizeArg(kernelSize, where, 'kernelSize');
    this.stride = o.stride === null || o.stride === undefined ? this.kernelSize : sizeArg(o.stride, where, 'stride');
    this.padding = sizeArg(o.padding ?? 0, where, 'padding');
    this.dilation = sizeArg(o.dilation ?? 1, where, 'dilation');
    this.returnIndices = checkBoolean(o.returnIndices ?? false, where, 'returnIndices') as R;
    this.ceilMode = checkBoolean(o.ceilMode ?? false, where, 'ceilMode');
  }

  protected get options(): { stride: PoolSize; padding: PoolSize; dilation: PoolSize; ceilMode: boolean; returnIndices: boolean } {
    return { stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode, returnIndices: this.returnIndices };
  }

  override extraRepr(): string {
    const { kernelSize, stride, padding, dilation, ceilMode } = this;
    return `kernel_size=${pyRepr(kernelSize)}, stride=${pyRepr(stride)}, padding=${pyRepr(padding)}, dilation=${pyRepr(dilation)}, ceil_mode=${pyRepr(ceilMode)}`;
  }
}

/**
 * 1-D max pooling (`nn.MaxPool1d`): [N, C, L] (or [C, L]) to [N, C, L_out]. Options positionally in
 * PyTorch's order (stride, padding, dilation, returnIndices, ceilMode) or as an object; with
 * returnIndices the module returns [values, indices].
 */
export class MaxPool1d<R extends boolean = false> extends MaxPoolNd<R> {
  constructor(kernelSize: PoolSize, options?: MaxPoolModuleOptions<R>);
  constructor(kernelSize: PoolSize, stride?: PoolSize | null, padding?: PoolSize, dilation?: PoolSize, returnIndices?: R, ceilMode?: boolean);
  constructor(kernelSize: PoolSize, ...args: unknown[]) {
    super('MaxPool1d', kernelSize, args);
  }
  forward(input: Tensor): PoolResult<R> {
    return maxPool1d(input, this.kernelSize, this.options) as PoolResult<R>;
  }
}

/**
 * 2-D max pooling (`nn.MaxPool2d`): [N, C, H, W] (or [C, H, W]) to [N, C, H_out, W_out], e.g.
 * `new MaxPool2d(2)` halves H and W. Options positionally in PyTorch's order (stride, padding,
 * dilation, returnIndices, ceilMode) or as an object; with returnIndices the module returns
 * [values, indices], which MaxUnpool2d takes.
 */
export class MaxPool2d<R extends boolean = false> extends MaxPoolNd<R> {
  constructor(kernelSize: PoolSize, options?: MaxPoolModuleOptions<R>);
  constructor(kernelSize: PoolSize, stride?: PoolSize | null, padding?: PoolSize, dilation?: PoolSize, returnIndices?: R, ceilMode?: boolean);
  constructor(kernelSize: PoolSize, ...args: unknown[]) {
    super('MaxPool2d', kernelSize, args);
  }
  forward(input: Tensor): PoolResult<R> {
    return maxPool2d(input, this.kernelSize, this.options) as PoolResult<R>;
  }
}

/**
 * 1-D average pooling (`nn.AvgPool1d`): [N, C, L] (or [C, L]) to [N, C, L_out]. Options positionally
 * in PyTorch's order (stride, padding, ceilMode, countIncludePad) or as an object. Its sizes are
 * kept as 1-tuples, as PyTorch keeps them.
 */
export class AvgPool1d extends Module {
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;

  constructor(kernelSize: PoolSize, options?: Omit<AvgPoolModuleOptions, 'divisorOverride'>);
  constructor(kernelSize: PoolSize, stride?: PoolSize | null, padding?: PoolSize, ceilMode?: boolean, countIncludePad?: boolean);
  constructor(kernelSize: PoolSize, ...args: unknown[]) {
    super();
    const where = 'AvgPool1d';
    const o = splitArgs<AvgPoolModuleOptions>(where, ['stride', 'padding', 'ceilMode', 'countIncludePad'], args);
    this.kernelSize = tupleOf(sizeArg(kernelSize, where, 'kernelSize'), 1);
    this.stride = o.stride === null || o.stride === undefined ? this.kernelSize : tupleOf(sizeArg(o.stride, where, 'stride'), 1);
    this.padding = tupleOf(sizeArg(o.padding ?? 0, where, 'padding'), 1);
    this.ceilMode = checkBoolean(o.ceilMode ?? false, where, 'ceilMode');
    this.countIncludePad = checkBoolean(o.countIncludePad ?? true, where, 'countIncludePad');
  }
  forward(input: Tensor): Tensor {
    return avgPool1d(input, this.kernelSize, { stride: this.stride, padding: this.padding, ceilMode: this.ceilMode, countIncludePad: this.countIncludePad });
  }
  override extraRepr(): string {
    return `kernel_size=${pyRepr(this.kernelSize)}, stride=${pyRepr(this.stride)}, padding=${pyRepr(this.padding)}`;
  }
}

/**
 * 2-D average pooling (`nn.AvgPool2d`): [N, C, H, W] (or [C, H, W]) to [N, C, H_out, W_out]. Options
 * positionally in PyTorch's order (stride, padding, ceilMode, countIncludePad, divisorOverride) or as
 * an object.
 */
export class AvgPool2d extends Module {
  readonly kernelSize: PoolSize;
  readonly stride: PoolSize;
  readonly padding: PoolSize;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;

  constructor(kernelSize: PoolSize, options?: AvgPoolModuleOptions);
  constructor(
    kernelSize: PoolSize,
    stride?: PoolSize | null,
    padding?: PoolSize,
    ceilMode?: boolean,
    countIncludePad?: boolean,
    divisorOverride?: number | null,
  );
  constructor(kernelSize: PoolSize, ...args: unknown[]) {
    super();
    const where = 'AvgPool2d';
    const o = splitArgs<AvgPoolModuleOptions>(where, ['stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride'], args);
    this.kernelSize = sizeArg(kernelSize, where, 'kernelSize');
    this.stride = o.stride === null || o.stride === undefined ? this.kernelSize : sizeArg(o.stride, where, 'stride');
    this.padding = sizeArg(o.padding ?? 0, where, 'padding');
    this.ceilMode = checkBoolean(o.ceilMode ?? false, where, 'ceilMode');
    this.countIncludePad = checkBoolean(o.countIncludePad ?? true, where, 'countIncludePad');
    const divisor = o.divisorOverride ?? null;
    if (divisor !== null && !Number.isInteger(divisor)) throw new Error(`${where}: divisorOverride must be a whole number or null, got ${describe(divisor)}`);
    this.divisorOverride = divisor;
  }
  forward(input: Tensor): Tensor {
    const { stride, padding, ceilMode, countIncludePad, divisorOverride } = this;
    return avgPool2d(input, this.kernelSize, { stride, padding, ceilMode, countIncludePad, divisorOverride });
  }
  override extraRepr(): string {
    return `kernel_size=${pyRepr(this.kernelSize)}, stride=${pyRepr(this.stride)}, padding=${pyRepr(this.padding)}`;
  }
}

function outputSizeArg(value: unknown, where: string): AdaptiveSize {
  const ok = (v: unknown): boolean => v === null || (typeof v === 'number' && Number.isInteger(v));
  if (ok(value) || (Array.isArray(value) && value.every(ok))) return Array.isArray(value) ? [...(value as (number | null)[])] : (value as number | null);
  throw new Error(`${where}: outputSize must be a whole number, null, or an array of them, got ${describe(value)}`);
}

/** 1-D adaptive average pooling (`nn.AdaptiveAvgPool1d`): [N, C, L] (or [C, L]) to [N, C, outputSize], for any L. */
export class AdaptiveAvgPool1d extends Module {
  readonly outputSize: number | readonly number[];
  constructor(outputSize: number | readonly number[]) {
    super();
    this.outputSize = outputSizeArg(outputSize, 'AdaptiveAvgPool1d') as number | number[];
  }
  forward(input: Tensor): Tensor {
    return adaptiveAvgPool1d(input, this.outputSize);
  }
  override extraRepr(): string {
    return `output_size=${pyRepr(this.outputSize)}`;
  }
}

/**
 * 2-D adaptive average pooling (`nn.AdaptiveAvgPool2d`): [N, C, H, W] (or [C, H, W]) to
 * [..., outH, outW] for any H and W; `outputSize` is one size or [outH, outW], null keeping the
 * input's size (`new AdaptiveAvgPool2d([3, null])`).
 */
export class AdaptiveAvgPool2d extends Module {
  readonly outputSize: AdaptiveSize;
  constructor(outputSize: AdaptiveSize) {
    super();
    this.outputSize = outputSizeArg(outputSize, 'AdaptiveAvgPool2d');
  }
  forward(input: Tensor): Tensor {
    return adaptiveAvgPool2d(input, this.outputSize);
  }
  override extraRepr(): string {
    return `output_size=${pyRepr(this.outputSize)}`;
  }
}

/** 1-D adaptive max pooling (`nn.AdaptiveMaxPool1d`); with returnIndices the module returns [values, indices]. */
export class AdaptiveMaxPool1d<R extends boolean = false> extends Module {
  readonly outputSize: number | readonly number[];
  readonly returnIndices: R;
  constructor(outputSize: number | readonly number[], returnIndices?: R);
  constructor(outputSize: number | readonly number[], options: { returnIndices?: R });
  constructor(outputSize: number | readonly number[], ...args: unknown[]) {
    super();
    const o = splitArgs<{ returnIndices?: R }>('AdaptiveMaxPool1d', ['returnIndices'], args);
    this.outputSize = outputSizeArg(outputSize, 'AdaptiveMaxPool1d') as number | number[];
    this.returnIndices = checkBoolean(o.returnIndices ?? false, 'AdaptiveMaxPool1d', 'returnIndices') as R;
  }
  forward(input: Tensor): PoolResult<R> {
    return adaptiveMaxPool1d(input, this.outputSize, { returnIndices: this.returnIndices } as { returnIndices: true }) as PoolResult<R>;
  }
  override extraRepr(): string {
    return `output_size=${pyRepr(this.outputSize)}`;
  }
}

/**
 * 2-D adaptive max pooling (`nn.AdaptiveMaxPool2d`): [N, C, H, W] (or [C, H, W]) to
 * [..., outH, outW]; with returnIndices the module returns [values, indices].
 */
export class AdaptiveMaxPool2d<R extends boolean = false> extends Module {
  readonly outputSize: AdaptiveSize;
  readonly returnIndices: R;
  constructor(outputSize: AdaptiveSize, returnIndices?: R);
  constructor(outputSize: AdaptiveSize, options: { returnIndices?: R });
  constructor(outputSize: AdaptiveSize, ...args: unknown[]) {
    super();
    const o = splitArgs<{ returnIndices?: R }>('AdaptiveMaxPool2d', ['returnIndices'], args);
    this.outputSize = outputSizeArg(outputSize, 'AdaptiveMaxPool2d');
    this.returnIndices = checkBoolean(o.returnIndices ?? false, 'AdaptiveMaxPool2d', 'returnIndices') as R;
  }
  forward(input: Tensor): PoolResult<R> {
    return adaptiveMaxPool2d(input, this.outputSize, { returnIndices: this.returnIndices } as { returnIndices: true }) as PoolResult<R>;
  }
  override extraRepr(): string {
    return `output_size=${pyRepr(this.outputSize)}`;
  }
}

/** What MaxUnpool1d and MaxUnpool2d share: sizes kept as tuples, as PyTorch's `_MaxUnpoolNd`. */
abstract class MaxUnpoolNd extends Module {
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];

  protected constructor(where: string, n: number, kernelSize: PoolSize, args: readonly unknown[]) {
    super();
    const o = splitArgs<MaxUnpoolModuleOptions>(where, ['stride', 'padding'], args);
    this.kernelSize = tupleOf(sizeArg(kernelSize, where, 'kernelSize'), n);
    this.stride = o.stride === null || o.stride === undefined ? this.kernelSize : tupleOf(sizeArg(o.stride, where, 'stride'), n);
    this.padding = tupleOf(sizeArg(o.padding ?? 0, where, 'padding'), n);
  }

  override extraRepr(): string {
    return `kernel_size=${pyRepr(this.kernelSize)}, stride=${pyRepr(this.stride)}, padding=${pyRepr(this.padding)}`;
  }
}

/** The partial inverse of MaxPool1d (`nn.MaxUnpool1d`): forward(input, indices, outputSize?). */
export class MaxUnpool1d extends MaxUnpoolNd {
  constructor(kernelSize: PoolSize, options?: MaxUnpoolModuleOptions);
  constructor(kernelSize: PoolSize, stride?: PoolSize | null, padding?: PoolSize);
  constructor(kernelSize: PoolSize, ...args: unknown[]) {
    super('MaxUnpool1d', 1, kernelSize, args);
  }
  forward(input: Tensor, indices: Tensor, outputSize: readonly number[] | null = null): Tensor {
    return maxUnpool1d(input, indices, this.kernelSize, { stride: this.stride, padding: this.padding, outputSize });
  }
}

/**
 * The partial inverse of MaxPool2d (`nn.MaxUnpool2d`): forward(input, indices, outputSize?) puts each
 * value back at the position its index names (from a MaxPool2d with returnIndices), zeros elsewhere.
 */
export class MaxUnpool2d extends MaxUnpoolNd {
  constructor(kernelSize: PoolSize, options?: MaxUnpoolModuleOptions);
  constructor(kernelSize: PoolSize, stride?: PoolSize | null, padding?: PoolSize);
  constructor(kernelSize: PoolSize, ...args: unknown[]) {
    super('MaxUnpool2d', 2, kernelSize, args);
  }
  forward(input: Tensor, indices: Tensor, outputSize: readonly number[] | null = null): Tensor {
    return maxUnpool2d(input, indices, this.kernelSize, { stride: this.stride, padding: this.padding, outputSize });
  }
}
