/**
 * Convolutions (`conv1d`, `conv2d`, `convTranspose1d`, `convTranspose2d`) and the sliding-block pair
 * under them (`unfold`, `fold`).
 *
 * Fused, for speed: one `ConvolutionBackward0` node per call (PyTorch's name), computed as im2col +
 * gemm for each batch entry and group by one backend call for the whole batch (`convForward`,
 * `convBackward`: the TS loops of src/kernels/conv.ts on the js backend; on wasm, inside
 * WebAssembly, the images shared out across the kernel threads). A transposed convolution is the
 * adjoint of a convolution: gemm, then col2im (the convolution's input gradient). The node's
 * `backward` is made of ops (matmul, reshape, sum and the im2col / col2im ops, each the other's
 * backward), so gradients of gradients work; its `fastBackward` runs the same kernels on storage.
 */
import { Node } from '../../autograd/node';
import { needsGrad, record } from '../../autograd/record';
import { tracer } from '../../autograd/trace-hook';
import { kernels } from '../../backend/registry';
import { type FloatArray, type FloatDType, isFloatDtype } from '../../dtype';
import { addChannelBias, type ConvGeometry, type ConvShape, isIdentity, sumChannels } from '../../kernels/conv';
import { checkTensor, zerosOf } from '../../ops/helpers';
import { reshape, transpose, unsqueeze, viewAs } from '../../ops/layout';
import { matmul } from '../../ops/matmul';
import { pad } from '../../ops/pad';
import { sum } from '../../ops/reduce';
import { checkOptions, describe, type Unsupported } from '../../options';
import { fmt, numel, type Shape } from '../../shape';
import { Tensor } from '../../tensor';

/** A size per spatial dim, or one for all of them: `3` or `[3, 3]` (PyTorch's int or tuple). */
export type ConvSize = number | readonly number[];

/** Zero padding per spatial dim, or 'valid' (none) or 'same' (the output keeps the input's size; stride 1 only). */
export type ConvPadding = ConvSize | 'same' | 'valid';

/** The keyword arguments of `conv1d` / `conv2d`. */
export interface ConvOptions {
  /** Default 1. */
  stride?: ConvSize;
  /** Default 0. */
  padding?: ConvPadding;
  /** The spacing between kernel elements; default 1. */
  dilation?: ConvSize;
  /** Input and output channels split into this many groups, convolved separately; default 1. */
  groups?: number;
}

/** The keyword arguments of `convTranspose1d` / `convTranspose2d`. */
export interface ConvTransposeOptions {
  /** Default 1. */
  stride?: ConvSize;
  /** dilation * (kernel_size - 1) - padding zeros are added to each side of the input; default 0. */
  padding?: ConvSize;
  /** Extra size added to one side of each output dim (less than the stride or the dilation); default 0. */
  outputPadding?: ConvSize;
  /** Default 1. */
  groups?: number;
  /** Default 1. */
  dilation?: ConvSize;
}

/** The keyword arguments of `unfold` and `fold`. */
export interface FoldOptions {
  /** Default 1. */
  dilation?: ConvSize;
  /** Implicit zero padding on both sides of each spatial dim; default 0. */
  padding?: ConvSize;
  /** Default 1. */
  stride?: ConvSize;
}

/** @internal The checked parameters of one convolution: zero padding, the same on both sides of each spatial dim. */
export interface ConvParams {
  readonly stride: readonly number[];
  readonly padding: readonly number[];
  readonly dilation: readonly number[];
  readonly groups: number;
  readonly transposed: boolean;
  readonly outputPadding: readonly number[];
}

const CONV_ARGS = ['stride', 'padding', 'dilation', 'groups'] as const;
const CONV_TRANSPOSE_ARGS = ['stride', 'padding', 'outputPadding', 'groups', 'dilation'] as const;
const FOLD_ARGS = ['dilation', 'padding', 'stride'] as const;

// ---- the public functions ----

/**
 * A 1-D convolution (`torch.nn.functional.conv1d`): input [N, C_in, L] (or unbatched [C_in, L]),
 * weight [C_out, C_in / groups, kL], bias [C_out]. Options positionally, as in PyTorch
 * (`conv1d(x, w, b, stride, padding, dilation, groups)`), or as an object (`conv1d(x, w, b, { stride: 2 })`).
 */
export function conv1d(input: Tensor, weight: Tensor, bias?: Tensor | null, options?: ConvOptions): Tensor;
export function conv1d(input: Tensor, weight: Tensor, options: ConvOptions): Tensor;
export function conv1d(
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  stride?: ConvSize,
  padding?: ConvPadding,
  dilation?: ConvSize,
  groups?: number,
): Tensor;
export function conv1d(input: Tensor, weight: Tensor, ...args: unknown[]): Tensor {
  const [bias, o] = biasAndOptions<ConvOptions>('conv1d', CONV_ARGS, args);
  return convNd('conv1d', 1, input, weight, bias, o);
}

/**
 * A 2-D convolution (`torch.nn.functional.conv2d`): input [N, C_in, H, W] (or unbatched
 * [C_in, H, W]), weight [C_out, C_in / groups, kH, kW], bias [C_out]. Options positionally, as in
 * PyTorch (`conv2d(x, w, b, stride, padding, dilation, groups)`), or as an object
 * (`conv2d(x, w, b, { padding: 'same' })`, `conv2d(x, w, { stride: 2 })`).
 */
export function conv2d(input: Tensor, weight: Tensor, bias?: Tensor | null, options?: ConvOptions): Tensor;
export function conv2d(input: Tensor, weight: Tensor, options: ConvOptions): Tensor;
export function conv2d(
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  stride?: ConvSize,
  padding?: ConvPadding,
  dilation?: ConvSize,
  groups?: number,
): Tensor;
export function conv2d(input: Tensor, weight: Tensor, ...args: unknown[]): Tensor {
  const [bias, o] = biasAndOptions<ConvOptions>('conv2d', CONV_ARGS, args);
  return convNd('conv2d', 2, input, weight, bias, o);
}

/**
 * A 1-D transposed convolution (`torch.nn.functional.conv_transpose1d`), the adjoint of conv1d:
 * input [N, C_in, L], weight [C_in, C_out / groups, kL], bias [C_out]; output length
 * (L - 1) * stride - 2 * padding + dilation * (kL - 1) + outputPadding + 1. Positional options in
 * PyTorch's order (stride, padding, outputPadding, groups, dilation), or an object.
 */
export function convTranspose1d(input: Tensor, weight: Tensor, bias?: Tensor | null, options?: ConvTransposeOptions): Tensor;
export function convTranspose1d(input: Tensor, weight: Tensor, options: ConvTransposeOptions): Tensor;
export function convTranspose1d(
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  stride?: ConvSize,
  padding?: ConvSize,
  outputPadding?: ConvSize,
  groups?: number,
  dilation?: ConvSize,
): Tensor;
export function convTranspose1d(input: Tensor, weight: Tensor, ...args: unknown[]): Tensor {
  const [bias, o] = biasAndOptions<ConvTransposeOptions>('convTranspose1d', CONV_TRANSPOSE_ARGS, args);
  return convTransposeNd('convTranspose1d', 1, input, weight, bias, o);
}

/**
 * A 2-D transposed convolution (`torch.nn.functional.conv_transpose2d`), the adjoint of conv2d (the
 * gradient of conv2d's input): input [N, C_in, H, W], weight [C_in, C_out / groups, kH, kW], bias
 * [C_out]. Positional options in PyTorch's order (stride, padding, outputPadding, groups, dilation),
 * or an object (`convTranspose2d(x, w, b, { stride: 2, outputPadding: 1 })`).
 */
export function convTranspose2d(input: Tensor, weight: Tensor, bias?: Tensor | null, options?: ConvTransposeOptions): Tensor;
export function convTranspose2d(input: Tensor, weight: Tensor, options: ConvTransposeOptions): Tensor;
export function convTranspose2d(
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  stride?: ConvSize,
  padding?: ConvSize,
  outputPadding?: ConvSize,
  groups?: number,
  dilation?: ConvSize,
): Tensor;
export function convTranspose2d(input: Tensor, weight: Tensor, ...args: unknown[]): Tensor {
  const [bias, o] = biasAndOptions<ConvTransposeOptions>('convTranspose2d', CONV_TRANSPOSE_ARGS, args);
  return convTransposeNd('convTranspose2d', 2, input, weight, bias, o);
}

/**
 * The sliding blocks of an image as columns (`torch.nn.functional.unfold`, im2col): input
 * [N, C, H, W] (or unbatched [C, H, W]) to [N, C * kH * kW, L], L the number of blocks. Options
 * positionally (dilation, padding, stride) or as an object.
 */
export function unfold(input: Tensor, kernelSize: ConvSize, options?: FoldOptions): Tensor;
export function unfold(input: Tensor, kernelSize: ConvSize, dilation?: ConvSize, padding?: ConvSize, stride?: ConvSize): Tensor;
export function unfold(input: Tensor, kernelSize: ConvSize, ...args: unknown[]): Tensor {
  const where = 'unfold';
  checkTensor(input, where);
  const o = splitArgs<FoldOptions>(where, FOLD_ARGS, args);
  if (input.ndim !== 3 && input.ndim !== 4) {
    throw new Error(`${where}: Input Error: Only 3D or 4D input Tensors are supported (got ${input.ndim}D with shape ${fmt(input.shape)})`);
  }
  checkFloat(input, where, 'input');
  const [k, d, p, s] = foldParams(where, kernelSize, o);
  const [h, w] = input.shape.slice(-2);
  const blocks = [h, w].map((size, i) => Math.floor((size + 2 * p[i] - d[i] * (k[i] - 1) - 1) / s[i]) + 1);
  if (blocks[0] < 1 || blocks[1] < 1) {
    throw new Error(
      `${where}: Given input with spatial size (${h}, ${w}), kernel_size=${pyTuple(k)}, dilation=${pyTuple(d)}, padding=${pyTuple(p)}, ` +
        `calculated shape of the array of sliding blocks as ${pyTuple(blocks)}, but its components must be at least one.`,
    );
  }
  return im2colOp(input, geometry([h, w], k, s, p, d, blocks), input.ndim === 4);
}

/**
 * Sums columns of sliding blocks back into an image (`torch.nn.functional.fold`, col2im; the adjoint
 * of unfold): input [N, C * kH * kW, L] (or unbatched [C * kH * kW, L]) to [N, C, ...outputSize];
 * overlapping blocks add up.
 */
export function fold(input: Tensor, outputSize: ConvSize, kernelSize: ConvSize, options?: FoldOptions): Tensor;
export function fold(input: Tensor, outputSize: ConvSize, kernelSize: ConvSize, dilation?: ConvSize, padding?: ConvSize, stride?: ConvSize): Tensor;
export function fold(input: Tensor, outputSize: ConvSize, kernelSize: ConvSize, ...args: unknown[]): Tensor {
  const where = 'fold';
  checkTensor(input, where);
  const o = splitArgs<FoldOptions>(where, FOLD_ARGS, args);
  if (input.ndim !== 2 && input.ndim !== 3) {
    throw new Error(
      `${where}: Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero dimensions for input, but got: ${fmt(input.shape)}`,
    );
  }
  checkFloat(input, where, 'input');
  const size = sizes(outputSize, 2, where, 'outputSize');
  if (size.some((v) => v < 1)) throw new Error(`${where}: output size should be greater than zero, but got output_height: ${size[0]} output_width: ${size[1]}`);
  const [k, d, p, s] = foldParams(where, kernelSize, o);
  const [rows, columns] = input.shape.slice(-2);
  const kk = k[0] * k[1];
  if (rows % kk !== 0) {
    throw new Error(
      `${where}: Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)=${rows} and kernel_size=${pyTuple(k)}.`,
    );
  }
  const blocks = [0, 1].map((i) => Math.floor((size[i] + 2 * p[i] - d[i] * (k[i] - 1) - 1) / s[i]) + 1);
  if (blocks[0] * blocks[1] !== columns || blocks[0] < 1 || blocks[1] < 1) {
    throw new Error(
      `${where}: Given output_size=${pyTuple(size)}, kernel_size=${pyTuple(k)}, dilation=${pyTuple(d)}, padding=${pyTuple(p)}, stride=${pyTuple(s)}, ` +
        `expected size of input's dimension 2 to match the calculated number of sliding blocks ${blocks[0]} * ${blocks[1]} = ${blocks[0] * blocks[1]}, ` +
        `but got input.size(2)=${columns}.`,
    );
  }
  const batched = input.ndim === 3;
  const image = batched ? [input.shape[0], rows / kk, ...size] : [rows / kk, ...size];
  return col2imOp(input, image, geometry(size, k, s, p, d, blocks), batched);
}

// ---- checking ----

/** @internal The input dims a convolution over `dims` spatial dims takes, unbatched or batched, as PyTorch words it. */
export function checkInputDims(where: string, dims: number, input: Tensor): void {
  if (input.ndim !== dims + 1 && input.ndim !== dims + 2) {
    throw new Error(
      `${where}: Expected ${dims + 1}D (unbatched) or ${dims + 2}D (batched) input to ${snake(where)}, but got input of size: ${fmt(input.shape)}`,
    );
  }
}

function checkFloat(t: Tensor, where: string, what: string): void {
  if (!isFloatDtype(t.dtype)) {
    throw new Error(`${where}: ${what} must be floating point (float32 or float64), got ${t.dtype}; convert it with .float() or .double()`);
  }
}

/** Weight and bias: float tensors of the input's dtype, the weight of rank dims + 2. */
function checkOperands(where: string, dims: number, input: Tensor, weight: Tensor, bias: Tensor | null): void {
  checkTensor(weight, where, 'weight');
  if (bias !== null) checkTensor(bias, where, 'bias');
  checkFloat(input, where, 'input');
  for (const [t, what] of [
    [weight, 'weight'],
    [bias, 'bias'],
  ] as const) {
    if (t && t.dtype !== input.dtype) throw new Error(`${where}: Input type (${input.dtype}) and ${what} type (${t.dtype}) should be the same`);
  }
  if (weight.ndim !== dims + 2) {
    const layout = where.startsWith('convTranspose') ? 'in_channels, out_channels / groups' : 'out_channels, in_channels / groups';
    const kernel = dims === 1 ? 'kL' : 'kH, kW';
    throw new Error(`${where}: weight must be ${dims + 2}-D [${layout}, ${kernel}], got shape ${fmt(weight.shape)}`);
  }
}

/** @internal `value` as one size per spatial dim: a whole number for all, or an array of `n` (or of 1), as PyTorch's expand_param_if_needed. */
export function sizes(value: unknown, n: number, where: string, what: string): number[] {
  if (typeof value === 'number' && Number.isInteger(value)) return new Array<number>(n).fill(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'number' && Number.isInteger(v))) {
    const list = value as number[];
    if (list.length === n) return [...list];
    if (list.length === 1) return new Array<number>(n).fill(list[0]);
    throw new Error(
      `${where}: expected ${snake(what)} to be a single integer value or a list of ${n} values to match the convolution dimensions, but got ${snake(what)}=${fmt(list)}`,
    );
  }
  throw new Error(`${where}: ${what} must be a whole number or an array of ${n} whole numbers, got ${describe(value)}`);
}

/** PyTorch's snake_case spelling of a name (`convTranspose2d` is `conv_transpose2d`, `kernelSize` is `kernel_size`). */
function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** groups: a whole number >= 1. */
function checkGroups(where: string, groups: unknown): number {
  if (typeof groups !== 'number' || !Number.isInteger(groups)) throw new Error(`${where}: groups must be a whole number, got ${describe(groups)}`);
  if (groups < 1) throw new Error(`${where}: non-positive groups is not supported (groups=${groups})`);
  return groups;
}

/** Stride, padding and dilation ranges, in PyTorch's words. */
function checkRanges(where: string, stride: number[], padding: number[], dilation: number[]): void {
  if (stride.some((s) => s < 1)) throw new Error(`${where}: non-positive stride is not supported (stride=${fmt(stride)})`);
  if (padding.some((p) => p < 0)) throw new Error(`${where}: negative padding is not supported (padding=${fmt(padding)})`);
  if (dilation.some((d) => d < 1)) throw new Error(`${where}: dilation should be greater than zero, but got ${fmt(dilation)}`);
}

/** Sizes per spatial dim in PyTorch's words: `(3 x 3)`, `(3)`. */
function perChannel(values: readonly number[]): string {
  return `(${values.join(' x ')})`;
}

/** @internal A Python tuple's repr: `(3, 3)`, `(3,)`. */
export function pyTuple(values: readonly number[]): string {
  return values.length === 1 ? `(${values[0]},)` : `(${values.join(', ')})`;
}

/**
 * Groups and channels, in PyTorch's words: the weight's dim 0 divisible by groups, and the input's
 * channels what the weight expects.
 */
function checkChannels(where: string, x: Tensor, weight: Tensor, bias: Tensor | null, groups: number, transposed: boolean): void {
  if (weight.shape[0] % groups !== 0) {
    throw new Error(
      `${where}: Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size ${fmt(weight.shape)} instead`,
    );
  }
  const expected = transposed ? weight.shape[0] : weight.shape[1] * groups;
  if (x.shape[1] !== expected) {
    const given = transposed ? 'transposed=1' : `groups=${groups}`;
    throw new Error(
      `${where}: Given ${given}, weight of size ${fmt(weight.shape)}, expected input${fmt(x.shape)} to have ${expected} channels, but got ${x.shape[1]} channels instead`,
    );
  }
  const outChannels = transposed ? weight.shape[1] * groups : weight.shape[0];
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== outChannels)) {
    throw new Error(
      `${where}: Given ${transposed ? 'transposed=1, ' : ''}weight of size ${fmt(weight.shape)}, expected bias to be 1-dimensional with ${outChannels} elements, but got bias of size ${fmt(bias.shape)} instead`,
    );
  }
}

function checkKernel(where: string, kernel: readonly number[]): void {
  if (kernel.some((k) => k < 1)) {
    const named = kernel.length === 2 ? `kernel_height: ${kernel[0]} kernel_width: ${kernel[1]}` : `kernel_size: ${kernel[0]}`;
    throw new Error(`${where}: kernel size should be greater than zero, but got ${named}`);
  }
}

/** The kernel spans `dilation * (k - 1) + 1` elements of the padded input: it must fit. */
function convOutputSize(where: string, x: Tensor, kernel: readonly number[], p: ConvParams): number[] {
  const spatial = x.shape.slice(2);
  const padded = spatial.map((s, i) => s + 2 * p.padding[i]);
  const span = kernel.map((k, i) => p.dilation[i] * (k - 1) + 1);
  if (padded.some((s, i) => s < span[i])) {
    throw new Error(
      `${where}: Calculated padded input size per channel: ${perChannel(padded)}. Kernel size: ${perChannel(span)}. Kernel size can't be greater than actual input size`,
    );
  }
  return padded.map((s, i) => Math.floor((s - span[i]) / p.stride[i]) + 1);
}

/** (in - 1) * stride - 2 * padding + dilation * (k - 1) + outputPadding + 1 per spatial dim, at least 1. */
function convTransposeOutputSize(where: string, x: Tensor, kernel: readonly number[], p: ConvParams): number[] {
  const spatial = x.shape.slice(2);
  const out = spatial.map((s, i) => (s - 1) * p.stride[i] - 2 * p.padding[i] + p.dilation[i] * (kernel[i] - 1) + p.outputPadding[i] + 1);
  if (out.some((s) => s < 1)) {
    throw new Error(
      `${where}: Given input size per channel: ${perChannel(spatial)}. Calculated output size per channel: ${perChannel(out)}. Output size is too small`,
    );
  }
  return out;
}

// ---- arguments: positional or an options object ----

function isOptionsObject(x: unknown): boolean {
  return x !== null && typeof x === 'object' && !Array.isArray(x) && !(x instanceof Tensor) && !ArrayBuffer.isView(x);
}

/**
 * @internal PyTorch's optional arguments after the required ones, given positionally in `names` order and/or
 * as a last options object (a name given both ways is an Error).
 */
export function splitArgs<O>(
  where: string,
  names: readonly string[],
  args: readonly unknown[],
  optionNames: readonly string[] = [],
  unsupported: Unsupported = {},
): O {
  const out: Record<string, unknown> = {};
  let i = 0;
  for (; i < args.length && !isOptionsObject(args[i]); i++) {
    if (i >= names.length) throw new Error(`${where}: expected at most ${names.length} optional arguments (${names.join(', ')}), got ${args.length}`);
    if (args[i] !== undefined) out[names[i]] = args[i];
  }
  if (i < args.length) {
    if (i !== args.length - 1) throw new Error(`${where}: the options object must be the last argument`);
    const options = args[i] as Record<string, unknown>;
    checkOptions(options, [...names, ...optionNames], where, unsupported);
    for (const [key, value] of Object.entries(options)) {
      if (value === undefined) continue;
      if (key in out) throw new Error(`${where}: ${key} was given twice, as an argument and as an option`);
      out[key] = value;
    }
  }
  return out as O;
}

/** The bias (a Tensor, null or absent) and the options after it; an options object may stand in the bias's place. */
function biasAndOptions<O>(where: string, names: readonly string[], args: readonly unknown[]): [Tensor | null, O] {
  if (args.length > 0 && isOptionsObject(args[0])) return [null, splitArgs<O>(where, names, args)];
  const bias = args.length > 0 ? args[0] : null;
  if (bias !== null && bias !== undefined && !(bias instanceof Tensor)) throw new Error(`${where}: bias must be a Tensor or null, got ${describe(bias)}`);
  return [(bias as Tensor | null | undefined) ?? null, splitArgs<O>(where, names, args.slice(1))];
}

function foldParams(where: string, kernelSize: ConvSize, o: FoldOptions): number[][] {
  const k = sizes(kernelSize, 2, where, 'kernelSize');
  const d = sizes(o.dilation ?? 1, 2, where, 'dilation');
  const p = sizes(o.padding ?? 0, 2, where, 'padding');
  const s = sizes(o.stride ?? 1, 2, where, 'stride');
  if (k.some((v) => v < 1)) throw new Error(`${where}: kernel size should be greater than zero, but got kernel_height: ${k[0]} kernel_width: ${k[1]}`);
  if (d.some((v) => v < 1)) throw new Error(`${where}: dilation should be greater than zero, but got dilation_height: ${d[0]} dilation_width: ${d[1]}`);
  if (p.some((v) => v < 0)) throw new Error(`${where}: padding should be non-negative, but got pad_height: ${p[0]} pad_width: ${p[1]}`);
  if (s.some((v) => v < 1)) throw new Error(`${where}: stride should be greater than zero, but got stride_height: ${s[0]} stride_width: ${s[1]}`);
  return [k, d, p, s];
}

// ---- the convolutions: checks, unbatched input, 'same' padding ----

/**
 * @internal A convolution over `dims` spatial dims with PyTorch's checks: unbatched input runs as a
 * batch of one (unsqueeze, then squeeze), 'same' padding that cannot be symmetric pads the input's
 * far side by one first (as PyTorch does).
 */
export function convNd(where: string, dims: 1 | 2, input: Tensor, weight: Tensor, bias: Tensor | null, o: ConvOptions): Tensor {
  checkTensor(input, where);
  checkInputDims(where, dims, input);
  checkOperands(where, dims, input, weight, bias);
  const stride = sizes(o.stride ?? 1, dims, where, 'stride');
  const dilation = sizes(o.dilation ?? 1, dims, where, 'dilation');
  const groups = checkGroups(where, o.groups ?? 1);
  const kernel = weight.shape.slice(2);
  let x = input.ndim === dims + 1 ? unsqueeze(input, 0) : input;
  let padding: number[];
  const p = o.padding ?? 0;
  if (p === 'valid') padding = new Array<number>(dims).fill(0);
  else if (p === 'same') {
    if (stride.some((s) => s !== 1)) throw new Error(`${where}: padding='same' is not supported for strided convolutions`);
    const total = kernel.map((k, i) => dilation[i] * (k - 1));
    padding = total.map((t) => Math.floor(t / 2));
    if (total.some((t, i) => t !== 2 * padding[i])) {
      // the odd one out goes on the far side
      const extra = total.flatMap((t, i) => [0, t - 2 * padding[i]]);
      const reversed: number[] = [];
      for (let i = dims - 1; i >= 0; i--) reversed.push(extra[2 * i], extra[2 * i + 1]);
      x = pad(x, reversed);
    }
  } else if (typeof p === 'string') throw new Error(`${where}: Invalid padding string: '${p}'`);
  else padding = sizes(p, dims, where, 'padding');
  checkRanges(where, stride, padding, dilation);
  checkChannels(where, x, weight, bias, groups, false);
  checkKernel(where, kernel);
  const params: ConvParams = { stride, padding, dilation, groups, transposed: false, outputPadding: new Array<number>(dims).fill(0) };
  const out = convOutputSize(where, x, kernel, params);
  const y = convolution(x, weight, bias, params, out);
  const result = input.ndim === dims + 1 ? viewAs(y, y.shape.slice(1), 'SqueezeBackward1') : y;
  if (tracer !== null) {
    // pads: ONNX's [begin..., end...] per spatial dim ('same' puts an odd total's extra one at the end)
    const pads = [...padding, ...padding.map((q, i) => q + (x.shape[2 + i] - input.shape[input.ndim - dims + i]))];
    tracer.op(where, [input, weight, bias], { stride, padding: typeof p === 'string' ? p : padding, pads, dilation, groups }, result);
  }
  return result;
}

/** @internal A transposed convolution over `dims` spatial dims with PyTorch's checks (unbatched input too). */
export function convTransposeNd(where: string, dims: 1 | 2, input: Tensor, weight: Tensor, bias: Tensor | null, o: ConvTransposeOptions): Tensor {
  checkTensor(input, where);
  checkInputDims(where, dims, input);
  checkOperands(where, dims, input, weight, bias);
  if (typeof o.padding === 'string')
    throw new Error(
      `${where}: padding must be a whole number or an array of ${dims} (transposed convolutions take no '${o.padding}'), got ${describe(o.padding)}`,
    );
  const stride = sizes(o.stride ?? 1, dims, where, 'stride');
  const padding = sizes(o.padding ?? 0, dims, where, 'padding');
  const outputPadding = sizes(o.outputPadding ?? 0, dims, where, 'outputPadding');
  const dilation = sizes(o.dilation ?? 1, dims, where, 'dilation');
  const groups = checkGroups(where, o.groups ?? 1);
  checkRanges(where, stride, padding, dilation);
  if (outputPadding.some((v) => v < 0)) throw new Error(`${where}: negative output_padding is not supported (outputPadding=${fmt(outputPadding)})`);
  if (outputPadding.some((v, i) => v >= stride[i] && v >= dilation[i])) {
    const [op, s, d] = [outputPadding, stride, dilation];
    const named =
      dims === 2
        ? `output_padding_height: ${op[0]} output_padding_width: ${op[1]} stride_height: ${s[0]} stride_width: ${s[1]} dilation_height: ${d[0]} dilation_width: ${d[1]}`
        : `output_padding: ${op[0]} stride: ${s[0]} dilation: ${d[0]}`;
    throw new Error(`${where}: output padding must be smaller than either stride or dilation, but got ${named}`);
  }
  const x = input.ndim === dims + 1 ? unsqueeze(input, 0) : input;
  checkChannels(where, x, weight, bias, groups, true);
  const kernel = weight.shape.slice(2);
  checkKernel(where, kernel);
  const params: ConvParams = { stride, padding, dilation, groups, transposed: true, outputPadding };
  const out = convTransposeOutputSize(where, x, kernel, params);
  const y = convolution(x, weight, bias, params, out);
  const result = input.ndim === dims + 1 ? viewAs(y, y.shape.slice(1), 'SqueezeBackward1') : y;
  if (tracer !== null) tracer.op(where, [input, weight, bias], { stride, padding, outputPadding, groups, dilation }, result);
  return result;
}

// ---- the primitive ----

/** The im2col geometry of 1 or 2 spatial dims (1-D as a height of 1). */
function geometry(image: Shape, kernel: Shape, stride: Shape, padding: Shape, dilation: Shape, blocks: Shape): ConvGeometry {
  const two = image.length === 2;
  const at = (a: Shape, i: number, one: number): number => (two ? a[i] : i === 0 ? one : a[0]);
  return {
    inH: at(image, 0, 1),
    inW: at(image, 1, 1),
    kH: at(kernel, 0, 1),
    kW: at(kernel, 1, 1),
    sH: at(stride, 0, 1),
    sW: at(stride, 1, 1),
    pH: at(padding, 0, 0),
    pW: at(padding, 1, 0),
    dH: at(dilation, 0, 1),
    dW: at(dilation, 1, 1),
    outH: at(blocks, 0, 1),
    outW: at(blocks, 1, 1),
  };
}

/** The sizes one convolution call works with, per batch entry and group. */
class ConvLayout implements ConvShape {
  readonly batch: number;
  readonly groups: number;
  /** Channels of the image side per group (a convolution's input, a transposed one's output). */
  readonly imageChannels: number;
  /** Channels of the block side per group (a convolution's output, a transposed one's input). */
  readonly blockChannels: number;
  /** Rows of the column matrix: imageChannels * kernel elements. */
  readonly rows: number;
  /** Columns of the column matrix: the blocks. */
  readonly blocks: number;
  /** Elements per image channel. */
  readonly pixels: number;
  readonly geo: ConvGeometry;
  readonly identity: boolean;

  constructor(x: Shape, w: Shape, y: Shape, p: ConvParams) {
    const [image, blockSide] = p.transposed ? [y, x] : [x, y];
    this.batch = x[0];
    this.groups = p.groups;
    this.imageChannels = image[1] / p.groups;
    this.blockChannels = blockSide[1] / p.groups;
    const kernel = w.slice(2);
    this.rows = this.imageChannels * numel(kernel);
    this.blocks = numel(blockSide.slice(2));
    this.pixels = numel(image.slice(2));
    this.geo = geometry(image.slice(2), kernel, p.stride, p.padding, p.dilation, blockSide.slice(2));
    this.identity = isIdentity(this.geo);
  }
}

/**
 * @internal The convolution of a batched x with zero padding (`at::convolution`), transposed or not,
 * into an output of spatial size `out` (already checked): one ConvolutionBackward0 node.
 */
export function convolution(x: Tensor, weight: Tensor, bias: Tensor | null, p: ConvParams, out: readonly number[]): Tensor {
  const outChannels = p.transposed ? weight.shape[1] * p.groups : weight.shape[0];
  const dtype = x.dtype as FloatDType;
  const y = zerosOf([x.shape[0], outChannels, ...out], dtype);
  const lay = new ConvLayout(x.shape, weight.shape, y.shape, p);
  const xd = x.data as FloatArray;
  const wd = weight.data as FloatArray;
  const yd = y.data as FloatArray;
  const kern = kernels();
  if (!p.transposed) kern.convForward(xd, wd, bias ? (bias.data as FloatArray) : null, lay, yd);
  else {
    // y = col2im(W^T x) per batch entry and group: the input gradient of the convolution y -> x
    kern.convBackward(xd, null, wd, lay, yd, null);
    if (bias) addChannelBias(yd, bias.data as FloatArray, lay.batch, outChannels, numel(out));
  }
  if (!needsGrad(x, weight, bias)) return y;
  const node = new ConvolutionBackward(x, weight, p, lay);
  return bias ? record(y, node, x, weight, bias) : record(y, node, x, weight);
}

class ConvolutionBackward extends Node {
  readonly name = 'ConvolutionBackward0';
  constructor(
    x: Tensor,
    weight: Tensor,
    private readonly p: ConvParams,
    private readonly lay: ConvLayout,
  ) {
    super();
    this.save(x, weight);
  }
  override get returnsFreshGrads(): boolean {
    return true;
  }
  // with cols = im2col(x) per batch entry and group: y = W cols, so dW = sum_n g cols^T,
  // dx = col2im(W^T g), db = g summed over batch and positions. Transposed (y = col2im(W^T x)):
  // with gcols = im2col(g), dx = W gcols, dW = sum_n x gcols^T.
  backward(g: Tensor): (Tensor | null)[] {
    const [x, w] = this.saved;
    const { batch, groups, blockChannels, rows, blocks, geo } = this.lay;
    const need = this.needsInputGrad;
    const wg = reshape(w, [groups, blockChannels, rows]);
    let dx: Tensor | null = null;
    let dw: Tensor | null = null;
    if (!this.p.transposed) {
      const gg = reshape(g, [batch, groups, blockChannels, blocks]);
      if (need[0]) dx = col2imOp(reshape(matmul(transpose(wg, 1, 2), gg), [batch, groups * rows, blocks]), x.shape, geo);
      if (need[1]) {
        const cols = reshape(im2colOp(x, geo), [batch, groups, rows, blocks]);
        dw = reshape(sum(matmul(gg, transpose(cols, 2, 3)), 0), w.shape);
      }
    } else if (need[0] || need[1]) {
      const gcols = reshape(im2colOp(g, geo), [batch, groups, rows, blocks]);
      if (need[0]) dx = reshape(matmul(wg, gcols), x.shape);
      if (need[1]) dw = reshape(sum(matmul(reshape(x, [batch, groups, blockChannels, blocks]), transpose(gcols, 2, 3)), 0), w.shape);
    }
    const grads = [dx, dw];
    if (need.length === 3) grads.push(need[2] ? sum(g, g.ndim === 3 ? [0, 2] : [0, 2, 3]) : null);
    return grads;
  }
  override fastBackward(g: Tensor): (Tensor | null)[] {
    const [x, w] = this.saved;
    const need = this.needsInputGrad;
    const dtype = g.dtype as FloatDType;
    const dx = need[0] ? zerosOf(x.shape, dtype) : null;
    const dw = need[1] ? zerosOf(w.shape, dtype) : null;
    const gd = g.data as FloatArray;
    const xd = x.data as FloatArray;
    const wd = w.data as FloatArray;
    const dxd = dx ? (dx.data as FloatArray) : null;
    const dwd = dw ? (dw.data as FloatArray) : null;
    const kern = kernels();
    // x is the image side and g the block side; transposed, g is the image side and x the block side
    if (!this.p.transposed) kern.convBackward(gd, xd, wd, this.lay, dxd, dwd);
    else {
      if (dxd) kern.convForward(gd, wd, null, this.lay, dxd);
      if (dwd) kern.convBackward(xd, gd, null, this.lay, null, dwd);
    }
    const grads: (Tensor | null)[] = [dx, dw];
    if (need.length === 3) {
      let db: Tensor | null = null;
      if (need[2]) {
        const channels = g.shape[1];
        db = zerosOf([channels], dtype);
        sumChannels(gd, g.shape[0], channels, numel(g.shape.slice(2)), db.data as FloatArray);
      }
      grads.push(db);
    }
    return grads;
  }
}

// ---- im2col and col2im as ops, each the other's backward ----

/**
 * @internal Images [N, C, ...] (or one, [C, ...], when not `batched`) to their column matrices
 * [N, C * kernel elements, blocks] ([C * kernel elements, blocks]): unfold's op.
 */
export function im2colOp(x: Tensor, geo: ConvGeometry, batched = true): Tensor {
  const batch = batched ? x.shape[0] : 1;
  const channels = x.shape[batched ? 1 : 0];
  const kk = geo.kH * geo.kW;
  const blocks = geo.outH * geo.outW;
  const y = zerosOf(batched ? [batch, channels * kk, blocks] : [channels * kk, blocks], x.dtype);
  kernels().im2col(x.data as FloatArray, batch, channels, geo, y.data as FloatArray);
  return needsGrad(x) ? record(y, new Im2ColBackward(x.shape, geo, batched), x) : y;
}

class Im2ColBackward extends Node {
  readonly name = 'Im2ColBackward0';
  constructor(
    private readonly imageShape: Shape,
    private readonly geo: ConvGeometry,
    private readonly batched: boolean,
  ) {
    super();
  }
  // im2col is linear; its adjoint adds each column entry back where it was copied from: col2im
  backward(g: Tensor): Tensor[] {
    return [col2imOp(g, this.imageShape, this.geo, this.batched)];
  }
}

/**
 * @internal Column matrices [N, C * kernel elements, blocks] summed into images of `imageShape`
 * [N, C, ...] (or one matrix into one image [C, ...], when not `batched`): fold's op.
 */
export function col2imOp(cols: Tensor, imageShape: Shape, geo: ConvGeometry, batched = true): Tensor {
  const batch = batched ? imageShape[0] : 1;
  const channels = imageShape[batched ? 1 : 0];
  const y = zerosOf(imageShape, cols.dtype);
  kernels().col2im(cols.data as FloatArray, batch, channels, geo, y.data as FloatArray);
  return needsGrad(cols) ? record(y, new Col2ImBackward(geo, batched), cols) : y;
}

class Col2ImBackward extends Node {
  readonly name = 'Col2ImBackward0';
  constructor(
    private readonly geo: ConvGeometry,
    private readonly batched: boolean,
  ) {
    super();
  }
  // the adjoint of col2im (a sum of copies) reads each copy's gradient: im2col
  backward(g: Tensor): Tensor[] {
    return [im2colOp(g, this.geo, this.batched)];
  }
}
