/**
 * The convolution layers: `Conv1d`, `Conv2d`, `ConvTranspose1d`, `ConvTranspose2d`, with PyTorch's
 * arguments (positionally in PyTorch's order, or as an options object), checks, initialisation,
 * state-dict keys and printed repr.
 */
import { type FloatDType, getDefaultDtype } from '../dtype';
import { pad } from '../ops/pad';
import { checkTensor, zerosOf } from '../ops/helpers';
import { checkBoolean, describe } from '../options';
import { checkGenerator, defaultGenerator, type Generator } from '../random';
import { fmt } from '../shape';
import type { Tensor } from '../tensor';
import { checkInputDims, type ConvPadding, type ConvSize, convNd, convTransposeNd, pyTuple, sizes, splitArgs } from './functional/conv';
import * as init from './init';
import { Module } from './module';
import { Parameter } from './parameter';

/** How a convolution pads its input: with zeros, or by `F.pad`'s reflect / replicate / circular modes. */
export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

const PADDING_MODES: readonly PaddingMode[] = ['zeros', 'reflect', 'replicate', 'circular'];

/** The options of `Conv1d` and `Conv2d`: PyTorch's keyword arguments in camelCase. */
export interface ConvModuleOptions {
  /** Default 1. */
  stride?: ConvSize;
  /** Default 0; 'same' keeps the input's size (stride 1 only), 'valid' is no padding. */
  padding?: ConvPadding;
  /** Default 1. */
  dilation?: ConvSize;
  /** Default 1; groups = inChannels is a depthwise convolution. */
  groups?: number;
  /** Default true. */
  bias?: boolean;
  /** Default 'zeros'. */
  paddingMode?: PaddingMode;
  dtype?: FloatDType;
  /** Where the initial weights come from (the default generator unless given). */
  generator?: Generator;
}

/** The options of `ConvTranspose1d` and `ConvTranspose2d`. */
export interface ConvTransposeModuleOptions {
  /** Default 1. */
  stride?: ConvSize;
  /** Default 0: dilation * (kernelSize - 1) - padding zeros pad the input's sides. */
  padding?: ConvSize;
  /** Default 0: added to one side of each output dim (less than the stride or the dilation). */
  outputPadding?: ConvSize;
  /** Default 1. */
  groups?: number;
  /** Default true. */
  bias?: boolean;
  /** Default 1. */
  dilation?: ConvSize;
  /** Only 'zeros', as in PyTorch. */
  paddingMode?: 'zeros';
  dtype?: FloatDType;
  /** Where the initial weights come from (the default generator unless given). */
  generator?: Generator;
}

const CONV_POSITIONAL = ['stride', 'padding', 'dilation', 'groups', 'bias', 'paddingMode'] as const;
const CONV_TRANSPOSE_POSITIONAL = ['stride', 'padding', 'outputPadding', 'groups', 'bias', 'dilation', 'paddingMode'] as const;
const UNSUPPORTED = { device: { why: 'tsgrad runs on the CPU', accepts: ['cpu'] } };

type AnyOptions = ConvModuleOptions & ConvTransposeModuleOptions;

/** What Conv1d, Conv2d and the transposed ones share (PyTorch's `_ConvNd`). */
abstract class ConvNd extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: readonly number[];
  readonly stride: readonly number[];
  readonly padding: readonly number[] | 'same' | 'valid';
  readonly dilation: readonly number[];
  readonly transposed: boolean;
  readonly outputPadding: readonly number[];
  readonly groups: number;
  readonly paddingMode: PaddingMode;
  /** [outChannels, inChannels / groups, ...kernelSize], or [inChannels, outChannels / groups, ...kernelSize] when transposed. */
  weight: Parameter;
  bias: Parameter | null;

  protected constructor(dims: 1 | 2, transposed: boolean, inChannels: number, outChannels: number, kernelSize: ConvSize, args: readonly unknown[]) {
    super();
    const where = new.target.name;
    for (const [name, v] of [
      ['inChannels', inChannels],
      ['outChannels', outChannels],
    ] as const) {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new Error(`${where}: ${name} must be a whole number >= 0, got ${describe(v)}`);
    }
    const o = splitArgs<AnyOptions>(where, transposed ? CONV_TRANSPOSE_POSITIONAL : CONV_POSITIONAL, args, ['dtype', 'generator'], UNSUPPORTED);
    const kernel = sizes(kernelSize, dims, where, 'kernelSize');
    const stride = sizes(o.stride ?? 1, dims, where, 'stride');
    const dilation = sizes(o.dilation ?? 1, dims, where, 'dilation');
    const outputPadding = sizes(o.outputPadding ?? 0, dims, where, 'outputPadding');
    const groups = o.groups ?? 1;
    if (typeof groups !== 'number' || !Number.isInteger(groups) || groups <= 0)
      throw new Error(`${where}: groups must be a positive integer, got ${describe(groups)}`);
    if (inChannels % groups !== 0) throw new Error(`${where}: in_channels must be divisible by groups (in_channels=${inChannels}, groups=${groups})`);
    if (outChannels % groups !== 0) throw new Error(`${where}: out_channels must be divisible by groups (out_channels=${outChannels}, groups=${groups})`);
    const p = o.padding ?? 0;
    let padding: number[] | 'same' | 'valid';
    if (typeof p === 'string') {
      if (transposed)
        throw new Error(`${where}: padding must be a whole number or an array of ${dims}, got ${describe(p)} (only convolutions take 'same' and 'valid')`);
      if (p !== 'same' && p !== 'valid') throw new Error(`${where}: Invalid padding string '${p}', should be one of {'same', 'valid'}`);
      if (p === 'same' && stride.some((s) => s !== 1)) throw new Error(`${where}: padding='same' is not supported for strided convolutions`);
      padding = p;
    } else padding = sizes(p, dims, where, 'padding');
    const paddingMode = o.paddingMode ?? 'zeros';
    if (!PADDING_MODES.includes(paddingMode)) {
      throw new Error(
        `${where}: padding_mode must be one of {${PADDING_MODES.map((m) => `'${m}'`).join(', ')}}, but got padding_mode=${typeof paddingMode === 'string' ? `'${paddingMode}'` : describe(paddingMode)}`,
      );
    }
    if (transposed && paddingMode !== 'zeros') throw new Error(`${where}: Only "zeros" padding mode is supported for ${where}`);
    if (kernel.some((k) => k < 1)) throw new Error(`${where}: kernel size should be greater than zero, got kernelSize=${fmt(kernel)}`);
    if (stride.some((s) => s < 1)) throw new Error(`${where}: non-positive stride is not supported, got stride=${fmt(stride)}`);
    if (Array.isArray(padding) && padding.some((v) => v < 0)) throw new Error(`${where}: negative padding is not supported, got padding=${fmt(padding)}`);
    if (dilation.some((d) => d < 1)) throw new Error(`${where}: dilation should be greater than zero, got dilation=${fmt(dilation)}`);
    if (outputPadding.some((v) => v < 0)) throw new Error(`${where}: negative output_padding is not supported, got outputPadding=${fmt(outputPadding)}`);
    if (o.bias !== undefined) checkBoolean(o.bias, where, 'bias');
    if (o.dtype !== undefined && o.dtype !== 'float32' && o.dtype !== 'float64') {
      throw new Error(`${where}: dtype must be 'float32' or 'float64' (parameters are floating point), got ${describe(o.dtype)}`);
    }
    const generator = checkGenerator(o.generator, where);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = kernel;
    this.stride = stride;
    this.padding = padding;
    this.dilation = dilation;
    this.transposed = transposed;
    this.outputPadding = outputPadding;
    this.groups = groups;
    this.paddingMode = paddingMode;
    const dtype = o.dtype ?? getDefaultDtype();
    const shape = transposed ? [inChannels, outChannels / groups, ...kernel] : [outChannels, inChannels / groups, ...kernel];
    this.weight = new Parameter(zerosOf(shape, dtype));
    this.bias = o.bias === false ? null : new Parameter(zerosOf([outChannels], dtype));
    this.resetParameters(generator);
  }

  /**
   * PyTorch's initialisation: kaiming-uniform weight with a = sqrt(5) (bound 1 / sqrt(fan_in)), bias
   * U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = weight.shape[1] * kernel elements.
   */
  resetParameters(generator: Generator = defaultGenerator): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5), generator });
    if (this.bias) {
      const [fanIn] = init.calculateFanInAndFanOut(this.weight);
      if (fanIn !== 0) {
        const bound = 1 / Math.sqrt(fanIn);
        init.uniform_(this.bias, -bound, bound, generator);
      }
    }
  }

  /** F.pad's sizes for a padding mode other than zeros: last dim first, each side (PyTorch's `_reversed_padding_repeated_twice`). */
  protected reversedPaddingRepeatedTwice(): number[] {
    const out: number[] = [];
    for (let i = this.kernelSize.length - 1; i >= 0; i--) {
      if (this.padding === 'valid') out.push(0, 0);
      else if (this.padding === 'same') {
        const total = this.dilation[i] * (this.kernelSize[i] - 1);
        const left = Math.floor(total / 2);
        out.push(left, total - left);
      } else out.push(this.padding[i], this.padding[i]);
    }
    return out;
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyTuple(this.kernelSize)}, stride=${pyTuple(this.stride)}`;
    if (typeof this.padding === 'string') s += `, padding=${this.padding}`;
    else if (this.padding.some((p) => p !== 0)) s += `, padding=${pyTuple(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${pyTuple(this.dilation)}`;
    if (this.outputPadding.some((p) => p !== 0)) s += `, output_padding=${pyTuple(this.outputPadding)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (!this.bias) s += ', bias=False';
    if (this.paddingMode !== 'zeros') s += `, padding_mode=${this.paddingMode}`;
    return s;
  }
}

/** Conv1d and Conv2d's forward: F.pad first for a padding mode other than zeros, as PyTorch. */
abstract class Conv extends ConvNd {
  protected abstract readonly fn: 'conv1d' | 'conv2d';

  forward(input: Tensor): Tensor {
    const dims = this.kernelSize.length as 1 | 2;
    checkTensor(input, this.fn);
    const options = { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups };
    if (this.paddingMode === 'zeros') return convNd(this.fn, dims, input, this.weight, this.bias, options);
    checkInputDims(this.fn, dims, input);
    const padded = pad(input, this.reversedPaddingRepeatedTwice(), this.paddingMode);
    return convNd(this.fn, dims, padded, this.weight, this.bias, { ...options, padding: 0 });
  }
}

/**
 * A 1-D convolution layer (`nn.Conv1d`): [N, inChannels, L] (or [inChannels, L]) to
 * [N, outChannels, L_out]. Options positionally in PyTorch's order (stride, padding, dilation,
 * groups, bias, paddingMode) or as an object.
 */
export class Conv1d extends Conv {
  protected readonly fn = 'conv1d';
  constructor(inChannels: number, outChannels: number, kernelSize: ConvSize, options?: ConvModuleOptions);
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: ConvSize,
    stride?: ConvSize,
    padding?: ConvPadding,
    dilation?: ConvSize,
    groups?: number,
    bias?: boolean,
    paddingMode?: PaddingMode,
    options?: ConvModuleOptions,
  );
  constructor(inChannels: number, outChannels: number, kernelSize: ConvSize, ...args: unknown[]) {
    super(1, false, inChannels, outChannels, kernelSize, args);
  }
}

/**
 * A 2-D convolution layer (`nn.Conv2d`): [N, inChannels, H, W] (or [inChannels, H, W]) to
 * [N, outChannels, H_out, W_out]. Options positionally in PyTorch's order (stride, padding,
 * dilation, groups, bias, paddingMode), e.g. `new Conv2d(1, 32, 3, 1)`, or as an object,
 * `new Conv2d(3, 16, 3, { padding: 'same', bias: false })`.
 */
export class Conv2d extends Conv {
  protected readonly fn = 'conv2d';
  constructor(inChannels: number, outChannels: number, kernelSize: ConvSize, options?: ConvModuleOptions);
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: ConvSize,
    stride?: ConvSize,
    padding?: ConvPadding,
    dilation?: ConvSize,
    groups?: number,
    bias?: boolean,
    paddingMode?: PaddingMode,
    options?: ConvModuleOptions,
  );
  constructor(inChannels: number, outChannels: number, kernelSize: ConvSize, ...args: unknown[]) {
    super(2, false, inChannels, outChannels, kernelSize, args);
  }
}

/** The transposed layers' forward, with PyTorch's `output_size` argument. */
abstract class ConvTranspose extends ConvNd {
  protected abstract readonly fn: 'convTranspose1d' | 'convTranspose2d';

  /**
   * The transposed convolution of `input`; `outputSize` (the spatial sizes, or the whole shape) picks
   * among the output sizes a strided layer can produce, in place of the layer's outputPadding.
   */
  forward(input: Tensor, outputSize: readonly number[] | null = null): Tensor {
    const dims = this.kernelSize.length as 1 | 2;
    checkTensor(input, this.fn);
    checkInputDims(this.fn, dims, input);
    const outputPadding = outputSize === null || outputSize === undefined ? this.outputPadding : this.outputPaddingFor(input, outputSize);
    const options = { stride: this.stride, padding: this.padding as number[], outputPadding, groups: this.groups, dilation: this.dilation };
    return convTransposeNd(this.fn, dims, input, this.weight, this.bias, options);
  }

  /** The output padding that gives `outputSize` (PyTorch's `_output_padding`). */
  private outputPaddingFor(input: Tensor, outputSize: readonly number[]): number[] {
    const where = this.constructor.name;
    const dims = this.kernelSize.length;
    if (!Array.isArray(outputSize) || !outputSize.every((v) => typeof v === 'number' && Number.isInteger(v))) {
      throw new Error(`${where}: outputSize must be an array of whole numbers, got ${describe(outputSize)}`);
    }
    const leading = input.ndim === dims + 2 ? 2 : 1;
    let size: readonly number[] = outputSize;
    if (size.length === leading + dims) size = size.slice(leading);
    if (size.length !== dims) {
      throw new Error(
        `${where}: ConvTranspose${dims}D: for ${input.ndim}D input, output_size must have ${dims} or ${leading + dims} elements (got ${outputSize.length})`,
      );
    }
    const padding = this.padding as readonly number[];
    const spatial = input.shape.slice(leading);
    const min = spatial.map((s, d) => (s - 1) * this.stride[d] - 2 * padding[d] + this.dilation[d] * (this.kernelSize[d] - 1) + 1);
    const max = min.map((m, d) => m + this.stride[d] - 1);
    if (size.some((s, d) => s < min[d] || s > max[d])) {
      throw new Error(
        `${where}: requested an output size of ${fmt(size)}, but valid sizes range from ${fmt(min)} to ${fmt(max)} (for an input of ${fmt(spatial)})`,
      );
    }
    return size.map((s, d) => s - min[d]);
  }
}

/**
 * A 1-D transposed convolution layer (`nn.ConvTranspose1d`), the adjoint of Conv1d: weight
 * [inChannels, outChannels / groups, kL]. Options positionally in PyTorch's order (stride, padding,
 * outputPadding, groups, bias, dilation, paddingMode) or as an object.
 */
export class ConvTranspose1d extends ConvTranspose {
  protected readonly fn = 'convTranspose1d';
  constructor(inChannels: number, outChannels: number, kernelSize: ConvSize, options?: ConvTransposeModuleOptions);
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: ConvSize,
    stride?: ConvSize,
    padding?: ConvSize,
    outputPadding?: ConvSize,
    groups?: number,
    bias?: boolean,
    dilation?: ConvSize,
    paddingMode?: 'zeros',
    options?: ConvTransposeModuleOptions,
  );
  constructor(inChannels: number, outChannels: number, kernelSize: ConvSize, ...args: unknown[]) {
    super(1, true, inChannels, outChannels, kernelSize, args);
  }
}

/**
 * A 2-D transposed convolution layer (`nn.ConvTranspose2d`), the adjoint of Conv2d (an upsampling
 * layer): weight [inChannels, outChannels / groups, kH, kW]; output size
 * (in - 1) * stride - 2 * padding + dilation * (kernel - 1) + outputPadding + 1 per spatial dim.
 * Options positionally in PyTorch's order (stride, padding, outputPadding, groups, bias, dilation,
 * paddingMode) or as an object.
 */
export class ConvTranspose2d extends ConvTranspose {
  protected readonly fn = 'convTranspose2d';
  constructor(inChannels: number, outChannels: number, kernelSize: ConvSize, options?: ConvTransposeModuleOptions);
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: ConvSize,
    stride?: ConvSize,
    padding?: ConvSize,
    outputPadding?: ConvSize,
    groups?: number,
    bias?: boolean,
    dilation?: ConvSize,
    paddingMode?: 'zeros',
    options?: ConvTransposeModuleOptions,
  );
  constructor(inChannels: number, outChannels: number, kernelSize: ConvSize, ...args: unknown[]) {
    super(2, true, inChannels, outChannels, kernelSize, args);
  }
}
