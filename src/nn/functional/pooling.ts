/**
 * Pooling (`maxPool1d`, `maxPool2d`, `avgPool1d`, `avgPool2d`, `adaptiveAvgPool1d`,
 * `adaptiveAvgPool2d`, `adaptiveMaxPool1d`, `adaptiveMaxPool2d`, `maxUnpool1d`, `maxUnpool2d`), with
 * PyTorch's arguments, output sizes (ceil mode's last-window rule), errors and grad_fn names.
 *
 * Fused, for speed: each 2-D pool is one loop over the input (src/kernels/pooling.ts) and records one
 * node; the 1-D forms are PyTorch's composites, unsqueeze(-2), the 2-D pool, squeeze(-2). Every pool
 * is a linear map once its windows (and, for max, its argmax) are known, so each records a
 * `LinearMapBackward`: the gradient is the map's adjoint (scattered into the argmax, or spread over
 * the windows), itself an op whose backward is the map again, so gradients of every order work; its
 * `fastBackward` runs the same adjoint loop on storage.
 */
import { Node } from '../../autograd/node';
import { needsGrad, record } from '../../autograd/record';
import { tracer } from '../../autograd/trace-hook';
import { kernels } from '../../backend/registry';
import { type FloatArray, isFloatDtype } from '../../dtype';
import {
  adaptiveWindows,
  avgWindows,
  flatPositions,
  gatherAt,
  maxWindows,
  planePositions,
  poolOutputSize,
  unpoolWrite,
  type Windows,
} from '../../kernels/pooling';
import { checkTensor, zerosOf } from '../../ops/helpers';
import { gather, reshape, squeeze, unsqueeze } from '../../ops/layout';
import { mean } from '../../ops/reduce';
import { checkBoolean, describe } from '../../options';
import { fmt, numel, type Shape } from '../../shape';
import { Tensor } from '../../tensor';
import { pyTuple, splitArgs } from './conv';

/** A size per spatial dim, or one for all of them: `2` or `[2, 3]` (PyTorch's int or tuple). */
export type PoolSize = number | readonly number[];

/** An adaptive pool's output size: one for all dims, or one per dim, null keeping the input's size. */
export type AdaptiveSize = number | null | readonly (number | null)[];

/** The keyword arguments of `maxPool1d` / `maxPool2d`. */
export interface MaxPoolOptions {
  /** Default (or null): the kernel size. */
  stride?: PoolSize | null;
  /** Implicit -inf padding on both sides, at most half the kernel; default 0. */
  padding?: PoolSize;
  /** The spacing between window elements; default 1. */
  dilation?: PoolSize;
  /** Count a last, partial window (that starts inside the input or the left padding); default false. */
  ceilMode?: boolean;
  /** Also return the argmax of each window (int32, flat within each plane); default false. */
  returnIndices?: boolean;
}

/** The keyword arguments of `avgPool1d` / `avgPool2d`. */
export interface AvgPoolOptions {
  /** Default (or null): the kernel size. */
  stride?: PoolSize | null;
  /** Implicit zero padding on both sides, at most half the kernel; default 0. */
  padding?: PoolSize;
  /** Count a last, partial window; default false. */
  ceilMode?: boolean;
  /** Count the padding in each window's divisor; default true. */
  countIncludePad?: boolean;
  /** Divide every window's sum by this instead (2-D only); default null. */
  divisorOverride?: number | null;
}

/** The keyword arguments of `maxUnpool1d` / `maxUnpool2d`. */
export interface MaxUnpoolOptions {
  /** Default (or null): the kernel size. */
  stride?: PoolSize | null;
  /** Default 0. */
  padding?: PoolSize;
  /** The output's spatial size (or whole shape), when the pool's input size was ambiguous. */
  outputSize?: readonly number[] | null;
}

const MAX_ARGS = ['stride', 'padding', 'dilation', 'ceilMode', 'returnIndices'] as const;
const AVG1_ARGS = ['stride', 'padding', 'ceilMode', 'countIncludePad'] as const;
const AVG2_ARGS = ['stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride'] as const;
const UNPOOL_ARGS = ['stride', 'padding', 'outputSize'] as const;

// ---- the linear map behind every pool, and its node ----

/**
 * @internal A fixed linear map A from tensors of `inShape` to tensors of `outShape`: a pool once its
 * windows (and argmax) are known, an upsampling once its taps are.
 */
export interface LinearMap {
  readonly inShape: Shape;
  readonly outShape: Shape;
  /** The grad_fn names of A's output and of its adjoint's output (`AvgPool2DBackward0`, `AvgPool2DBackwardBackward0`). */
  readonly names: readonly [string, string];
  /** dst (zeros of outShape) = A src. */
  apply(src: FloatArray, dst: FloatArray): void;
  /** dst (zeros of inShape) += A^T src. */
  applyAdjoint(src: FloatArray, dst: FloatArray): void;
}

/** @internal A x (or A^T x when `adjoint`) as an op: one LinearMapBackward node. */
export function linearMapOp(x: Tensor, map: LinearMap, adjoint = false): Tensor {
  const y = zerosOf(adjoint ? map.inShape : map.outShape, x.dtype);
  if (adjoint) map.applyAdjoint(x.data as FloatArray, y.data as FloatArray);
  else map.apply(x.data as FloatArray, y.data as FloatArray);
  return needsGrad(x) ? record(y, new LinearMapBackward(map, adjoint), x) : y;
}

/** @internal Records y = A x, computed by the caller (max pooling finds values and argmax in one pass). */
export function recordLinearMap(y: Tensor, x: Tensor, map: LinearMap): Tensor {
  return needsGrad(x) ? record(y, new LinearMapBackward(map, false), x) : y;
}

class LinearMapBackward extends Node {
  readonly name: string;
  constructor(
    private readonly map: LinearMap,
    private readonly adjoint: boolean,
  ) {
    super();
    this.name = map.names[adjoint ? 1 : 0];
  }
  override get returnsFreshGrads(): boolean {
    return true;
  }
  // y = A x is linear: dx = A^T g (and the adjoint's gradient is A g)
  backward(g: Tensor): Tensor[] {
    return [linearMapOp(g, this.map, !this.adjoint)];
  }
  override fastBackward(g: Tensor): Tensor[] {
    const dx = zerosOf(this.adjoint ? this.map.outShape : this.map.inShape, g.dtype);
    if (this.adjoint) this.map.apply(g.data as FloatArray, dx.data as FloatArray);
    else this.map.applyAdjoint(g.data as FloatArray, dx.data as FloatArray);
    return [dx];
  }
}

/** Average pooling (plain or adaptive): each output the mean of its window. */
class WindowMeanMap implements LinearMap {
  constructor(
    readonly inShape: Shape,
    readonly outShape: Shape,
    readonly names: readonly [string, string],
    private readonly rows: Windows,
    private readonly cols: Windows,
    private readonly divisor: number | null,
  ) {}
  private get planes(): number {
    return numel(this.inShape.slice(0, -2));
  }
  apply(src: FloatArray, dst: FloatArray): void {
    const [h, w] = this.inShape.slice(-2);
    kernels().avgPool2dForward(src, this.planes, h, w, this.rows, this.cols, this.divisor, dst);
  }
  applyAdjoint(src: FloatArray, dst: FloatArray): void {
    const [h, w] = this.inShape.slice(-2);
    kernels().avgPool2dBackward(src, this.planes, h, w, this.rows, this.cols, this.divisor, dst);
  }
}

/** Max pooling once the argmax is known: each output the input element at its position in `map`. */
class ArgmaxMap implements LinearMap {
  constructor(
    readonly inShape: Shape,
    readonly outShape: Shape,
    readonly names: readonly [string, string],
    private readonly map: Int32Array,
  ) {}
  apply(src: FloatArray, dst: FloatArray): void {
    gatherAt(src, this.map, dst);
  }
  applyAdjoint(src: FloatArray, dst: FloatArray): void {
    kernels().maxPool2dBackward(src, this.map, dst);
  }
}

// ---- argument checks ----

function isWhole(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

/** A 2-D pool's size argument as [h, w]: one whole number for both, or an array of 1 or 2 (PyTorch's `_pair`); `message` otherwise. */
function pair(value: unknown, where: string, message: string, allowEmpty = false): number[] {
  if (isWhole(value)) return [value, value];
  if (Array.isArray(value) && value.every(isWhole) && (value.length === 1 || value.length === 2 || (allowEmpty && value.length === 0))) {
    return value.length === 1 ? [value[0], value[0]] : [...(value as number[])];
  }
  throw new Error(`${where}: ${message}, got ${describe(value)}`);
}

/** A 1-D pool's size argument: a whole number or an array of one; `message(size)` otherwise. */
function single(value: unknown, where: string, message: (size: number) => string): number {
  if (isWhole(value)) return value;
  if (Array.isArray(value) && value.every(isWhole)) {
    if (value.length === 1) return value[0] as number;
    throw new Error(`${where}: ${message(value.length)}`);
  }
  throw new Error(`${where}: ${message(1)}: expected a whole number or an array of one, got ${describe(value)}`);
}

function floatInput(x: Tensor, where: string): void {
  if (!isFloatDtype(x.dtype))
    throw new Error(`${where}: input must be floating point (float32 or float64), got ${x.dtype}; convert it with .float() or .double()`);
}

/** Max pooling takes float and int32 tensors, as PyTorch takes floats and integers. */
function numericInput(x: Tensor, where: string): void {
  if (x.dtype === 'bool') throw new Error(`${where}: input must be a float or int32 tensor, got bool`);
}

function flag(value: unknown, where: string, what: string, fallback: boolean): boolean {
  return value === undefined || value === null ? fallback : checkBoolean(value, where, what);
}

/** The checked geometry of one 2-D (max or average) pool over input [..., H, W]. */
interface Pool2d {
  readonly k: number[];
  readonly s: number[];
  readonly p: number[];
  readonly d: number[];
  readonly out: number[];
}

/**
 * PyTorch's output size and checks for a 2-D pool (pooling_output_shape, then pool2d_shape_check),
 * in its order and words.
 */
function pool2dGeometry(where: string, x: Tensor, k: number[], s: number[], p: number[], d: number[], ceilMode: boolean): Pool2d {
  const [h, w] = x.shape.slice(-2);
  const out = [0, 1].map((i) => {
    if (s[i] === 0) throw new Error(`${where}: stride should not be zero`);
    if (p[i] < 0) throw new Error(`${where}: pad must be non-negative, but got pad: ${p[i]}`);
    if (p[i] > Math.trunc(((k[i] - 1) * d[i] + 1) / 2)) {
      throw new Error(`${where}: pad should be at most half of effective kernel size, but got pad=${p[i]}, kernel_size=${k[i]} and dilation=${d[i]}`);
    }
    return poolOutputSize([h, w][i], k[i], p[i], s[i], d[i], ceilMode);
  });
  if (k[0] <= 0 || k[1] <= 0) throw new Error(`${where}: kernel size should be greater than zero, but got kH: ${k[0]} kW: ${k[1]}`);
  if (s[0] <= 0 || s[1] <= 0) throw new Error(`${where}: stride should be greater than zero, but got dH: ${s[0]} dW: ${s[1]}`);
  if (d[0] <= 0 || d[1] <= 0) throw new Error(`${where}: dilation should be greater than zero, but got dilationH: ${d[0]} dilationW: ${d[1]}`);
  const dims = x.shape;
  if (!((x.ndim === 3 && dims[0] !== 0 && dims[1] !== 0 && dims[2] !== 0) || (x.ndim === 4 && dims[1] !== 0 && dims[2] !== 0 && dims[3] !== 0))) {
    throw new Error(`${where}: Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:${fmt(x.shape)}`);
  }
  if (Math.trunc(k[1] / 2) < p[1] || Math.trunc(k[0] / 2) < p[0]) {
    throw new Error(`${where}: pad should be smaller than or equal to half of kernel size, but got padW = ${p[1]}, padH = ${p[0]}, kW = ${k[1]}, kH = ${k[0]}`);
  }
  if (out[0] < 1 || out[1] < 1) {
    const c = x.shape[x.ndim - 3];
    throw new Error(`${where}: Given input size: (${c}x${h}x${w}). Calculated output size: (${c}x${out[0]}x${out[1]}). Output size is too small`);
  }
  return { k, s, p, d, out };
}

// ---- max pooling ----

/** @internal The 2-D max pool of a checked input (3-D or 4-D): values and argmax in one pass, one node. */
function maxPool2dCore(x: Tensor, g: Pool2d, returnIndices: boolean): [Tensor, Tensor | null] {
  const [h, w] = x.shape.slice(-2);
  const [outH, outW] = g.out;
  const lead = x.shape.slice(0, -2);
  const planes = numel(lead);
  const y = zerosOf([...lead, outH, outW], x.dtype);
  const argmax = new Int32Array(y.numel());
  const rows = maxWindows(h, outH, g.k[0], g.s[0], g.p[0], g.d[0]);
  kernels().maxPool2dForward(x.data, planes, h, w, rows, maxWindows(w, outW, g.k[1], g.s[1], g.p[1], g.d[1]), y.data, argmax);
  const indices = returnIndices ? new Tensor(planePositions(argmax, planes, outH * outW, h * w), y.shape, 'int32') : null;
  if (!isFloatDtype(x.dtype)) return [y, indices];
  const map = new ArgmaxMap(x.shape, y.shape, ['MaxPool2DWithIndicesBackward0', 'MaxPool2DWithIndicesBackwardBackward0'], argmax);
  return [recordLinearMap(y, x, map), indices];
}

function maxPool2dImpl(where: string, input: Tensor, kernelSize: PoolSize, o: MaxPoolOptions): [Tensor, Tensor | null] {
  checkTensor(input, where);
  const k = pair(kernelSize, where, 'kernel_size must either be a single int, or a tuple of two ints');
  const stride = o.stride ?? [];
  const s = pair(stride, where, 'stride must either be omitted, a single int, or a tuple of two ints', true);
  const p = pair(o.padding ?? 0, where, 'padding must either be a single int, or a tuple of two ints');
  const d = pair(o.dilation ?? 1, where, 'dilation must be either a single int, or a tuple of two ints');
  const ceilMode = flag(o.ceilMode, where, 'ceilMode', false);
  const returnIndices = flag(o.returnIndices, where, 'returnIndices', false);
  numericInput(input, where);
  if (input.ndim !== 3 && input.ndim !== 4)
    throw new Error(`${where}: non-empty 3D or 4D (batch mode) tensor expected for input, got input of shape ${fmt(input.shape)}`);
  const g = pool2dGeometry(where, input, k, s.length === 0 ? k : s, p, d, ceilMode);
  const out = maxPool2dCore(input, g, returnIndices);
  if (tracer !== null) {
    const attrs = { kernelSize: g.k, stride: g.s, padding: g.p, dilation: g.d, ceilMode, returnIndices };
    tracer.op('maxPool2d', [input], attrs, returnIndices ? [out[0], out[1]!] : out[0]);
  }
  return out;
}

function maxPool1dImpl(where: string, input: Tensor, kernelSize: PoolSize, o: MaxPoolOptions): [Tensor, Tensor | null] {
  checkTensor(input, where);
  const x = input;
  if (!((x.ndim === 2 && x.shape[0] !== 0 && x.shape[1] !== 0) || (x.ndim === 3 && x.shape[1] !== 0 && x.shape[2] !== 0))) {
    throw new Error(`${where}: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, but got:${fmt(x.shape)}`);
  }
  const k = single(kernelSize, where, (n) => `kernel_size must be an int, list of ints or tuple of ints of size 1 but got size ${n}`);
  const stride = o.stride ?? [];
  if (Array.isArray(stride) && stride.length > 1) {
    throw new Error(`${where}: stride must be None, an int, list of ints, or tuple of ints of size 1 but got size ${stride.length}`);
  }
  const s =
    Array.isArray(stride) && stride.length === 0
      ? k
      : single(stride, where, (n) => `stride must be None, an int, list of ints, or tuple of ints of size 1 but got size ${n}`);
  const p = single(o.padding ?? 0, where, (n) => `padding must be an int, list of ints, or tuple of ints of size 1 but got size ${n}`);
  const d = single(o.dilation ?? 1, where, (n) => `dilation must be an int, list of ints or tuple of ints of size 1 but got size ${n}`);
  const ceilMode = flag(o.ceilMode, where, 'ceilMode', false);
  const returnIndices = flag(o.returnIndices, where, 'returnIndices', false);
  numericInput(input, where);
  if (k <= 0) throw new Error(`${where}: kernel_size must be greater than zero, but got ${k}`);
  if (s <= 0) throw new Error(`${where}: stride must be greater than zero, but got ${s}`);
  if (p < 0) throw new Error(`${where}: padding must be non-negative, but got ${p}`);
  if (p > Math.trunc(k / 2)) throw new Error(`${where}: padding should be at most half of kernel size, but got padding=${p} and kernel_size=${k}`);
  if (d <= 0) throw new Error(`${where}: dilation must be greater than zero, but got ${d}`);
  const out = poolOutputSize(x.shape[x.ndim - 1], k, p, s, d, ceilMode);
  if (out <= 0) throw new Error(`${where}: Invalid computed output size: ${out}`);
  const x2 = unsqueeze(x, -2);
  const [y, indices] = maxPool2dCore(x2, { k: [1, k], s: [1, s], p: [0, p], d: [1, d], out: [1, out] }, returnIndices);
  const result: [Tensor, Tensor | null] = [squeeze(y, -2), indices && squeeze(indices, -2)];
  if (tracer !== null) {
    const attrs = { kernelSize: [k], stride: [s], padding: [p], dilation: [d], ceilMode, returnIndices };
    tracer.op('maxPool1d', [input], attrs, result[1] ? [result[0], result[1]] : result[0]);
  }
  return result;
}

/**
 * 1-D max pooling (`torch.nn.functional.max_pool1d`): input [N, C, L] (or [C, L]); the max of each
 * window of `kernelSize` elements, `stride` apart (default: the kernel size). Options positionally in
 * PyTorch's order (stride, padding, dilation, ceilMode, returnIndices) or as an object; with
 * returnIndices, [values, indices] (int32 positions along L).
 */
export function maxPool1d(input: Tensor, kernelSize: PoolSize, options: MaxPoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool1d(input: Tensor, kernelSize: PoolSize, options?: MaxPoolOptions & { returnIndices?: false }): Tensor;
export function maxPool1d(
  input: Tensor,
  kernelSize: PoolSize,
  stride: PoolSize | null | undefined,
  padding: PoolSize | undefined,
  dilation: PoolSize | undefined,
  ceilMode: boolean | undefined,
  returnIndices: true,
): [Tensor, Tensor];
export function maxPool1d(
  input: Tensor,
  kernelSize: PoolSize,
  stride?: PoolSize | null,
  padding?: PoolSize,
  dilation?: PoolSize,
  ceilMode?: boolean,
  returnIndices?: false,
): Tensor;
export function maxPool1d(input: Tensor, kernelSize: PoolSize, ...args: unknown[]): Tensor | [Tensor, Tensor];
export function maxPool1d(input: Tensor, kernelSize: PoolSize, ...args: unknown[]): Tensor | [Tensor, Tensor] {
  const o = splitArgs<MaxPoolOptions>('maxPool1d', MAX_ARGS, args);
  const [y, indices] = maxPool1dImpl('maxPool1d', input, kernelSize, o);
  return indices ? [y, indices] : y;
}

/**
 * 2-D max pooling (`torch.nn.functional.max_pool2d`): input [N, C, H, W] (or [C, H, W]); the max of
 * each kH x kW window, `stride` apart (default: the kernel size), as `F.maxPool2d(x, 2)`. Options
 * positionally in PyTorch's order (stride, padding, dilation, ceilMode, returnIndices) or as an
 * object; with returnIndices, [values, indices] (int32, h * W + w within each plane). NaN wins a
 * window; of equal maxima the first does.
 */
export function maxPool2d(input: Tensor, kernelSize: PoolSize, options: MaxPoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool2d(input: Tensor, kernelSize: PoolSize, options?: MaxPoolOptions & { returnIndices?: false }): Tensor;
export function maxPool2d(
  input: Tensor,
  kernelSize: PoolSize,
  stride: PoolSize | null | undefined,
  padding: PoolSize | undefined,
  dilation: PoolSize | undefined,
  ceilMode: boolean | undefined,
  returnIndices: true,
): [Tensor, Tensor];
export function maxPool2d(
  input: Tensor,
  kernelSize: PoolSize,
  stride?: PoolSize | null,
  padding?: PoolSize,
  dilation?: PoolSize,
  ceilMode?: boolean,
  returnIndices?: false,
): Tensor;
export function maxPool2d(input: Tensor, kernelSize: PoolSize, ...args: unknown[]): Tensor | [Tensor, Tensor];
export function maxPool2d(input: Tensor, kernelSize: PoolSize, ...args: unknown[]): Tensor | [Tensor, Tensor] {
  const o = splitArgs<MaxPoolOptions>('maxPool2d', MAX_ARGS, args);
  const [y, indices] = maxPool2dImpl('maxPool2d', input, kernelSize, o);
  return indices ? [y, indices] : y;
}

/** `maxPool1d` returning [values, indices] (`max_pool1d_with_indices`). */
export function maxPool1dWithIndices(input: Tensor, kernelSize: PoolSize, options: Omit<MaxPoolOptions, 'returnIndices'> = {}): [Tensor, Tensor] {
  const o = splitArgs<MaxPoolOptions>('maxPool1dWithIndices', MAX_ARGS.slice(0, 4), [options]);
  const [y, indices] = maxPool1dImpl('maxPool1dWithIndices', input, kernelSize, { ...o, returnIndices: true });
  return [y, indices!];
}

/** `maxPool2d` returning [values, indices] (`max_pool2d_with_indices`). */
export function maxPool2dWithIndices(input: Tensor, kernelSize: PoolSize, options: Omit<MaxPoolOptions, 'returnIndices'> = {}): [Tensor, Tensor] {
  const o = splitArgs<MaxPoolOptions>('maxPool2dWithIndices', MAX_ARGS.slice(0, 4), [options]);
  const [y, indices] = maxPool2dImpl('maxPool2dWithIndices', input, kernelSize, { ...o, returnIndices: true });
  return [y, indices!];
}

// ---- average pooling ----

/** @internal The 2-D average pool of a checked input: one AvgPool2DBackward0 node. */
function avgPool2dCore(x: Tensor, g: Pool2d, countIncludePad: boolean, divisor: number | null): Tensor {
  const [h, w] = x.shape.slice(-2);
  const rows = avgWindows(h, g.out[0], g.k[0], g.s[0], g.p[0], countIncludePad);
  const cols = avgWindows(w, g.out[1], g.k[1], g.s[1], g.p[1], countIncludePad);
  const outShape = [...x.shape.slice(0, -2), ...g.out];
  return linearMapOp(x, new WindowMeanMap(x.shape, outShape, ['AvgPool2DBackward0', 'AvgPool2DBackwardBackward0'], rows, cols, divisor));
}

function avgPool2dImpl(where: string, input: Tensor, kernelSize: PoolSize, o: AvgPoolOptions): Tensor {
  checkTensor(input, where);
  const k = pair(kernelSize, where, 'kernel_size must either be a single int, or a tuple of two ints');
  const stride = o.stride ?? [];
  const s = pair(stride, where, 'stride must either be omitted, a single int, or a tuple of two ints', true);
  const p = pair(o.padding ?? 0, where, 'padding must either be a single int, or a tuple of two ints');
  const ceilMode = flag(o.ceilMode, where, 'ceilMode', false);
  const countIncludePad = flag(o.countIncludePad, where, 'countIncludePad', true);
  const divisor = o.divisorOverride ?? null;
  if (divisor !== null && !isWhole(divisor)) throw new Error(`${where}: divisorOverride must be a whole number or null, got ${describe(divisor)}`);
  if (divisor === 0) throw new Error(`${where}: divisor must be not zero`);
  floatInput(input, where);
  if (input.ndim < 3) {
    throw new Error(`${where}: Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:${fmt(input.shape)}`);
  }
  const g = pool2dGeometry(where, input, k, s.length === 0 ? k : s, p, [1, 1], ceilMode);
  const y = avgPool2dCore(input, g, countIncludePad, divisor);
  if (tracer !== null) tracer.op('avgPool2d', [input], { kernelSize: g.k, stride: g.s, padding: g.p, ceilMode, countIncludePad, divisorOverride: divisor }, y);
  return y;
}

/** PyTorch's checkDimRange for the 1-D pools: 2-D (unbatched) or 3-D input. */
function check1dInput(where: string, x: Tensor, torchName: string): void {
  if (x.ndim !== 2 && x.ndim !== 3) {
    throw new Error(
      `${where}: Expected 2 to 3 dimensions, but got ${x.ndim}-dimensional tensor for argument #1 'self' (while checking arguments for ${torchName}) (input of shape ${fmt(x.shape)})`,
    );
  }
}

/**
 * 1-D average pooling (`torch.nn.functional.avg_pool1d`): input [N, C, L] (or [C, L]); the mean of
 * each window. Options positionally in PyTorch's order (stride, padding, ceilMode, countIncludePad)
 * or as an object.
 */
export function avgPool1d(input: Tensor, kernelSize: PoolSize, options?: Omit<AvgPoolOptions, 'divisorOverride'>): Tensor;
export function avgPool1d(
  input: Tensor,
  kernelSize: PoolSize,
  stride?: PoolSize | null,
  padding?: PoolSize,
  ceilMode?: boolean,
  countIncludePad?: boolean,
): Tensor;
export function avgPool1d(input: Tensor, kernelSize: PoolSize, ...args: unknown[]): Tensor {
  const where = 'avgPool1d';
  const o = splitArgs<AvgPoolOptions>(where, AVG1_ARGS, args);
  checkTensor(input, where);
  check1dInput(where, input, 'avg_pool1d');
  const one = (what: string) => (n: number) => `argument '${what}' should contain one int (got ${n})`;
  const k = single(kernelSize, where, one('kernel_size'));
  const stride = o.stride ?? [];
  const s = Array.isArray(stride) && stride.length === 0 ? k : single(stride, where, one('stride'));
  const p = single(o.padding ?? 0, where, one('padding'));
  const y = avgPool2dImpl(where, unsqueeze(input, -2), [1, k], { stride: [1, s], padding: [0, p], ceilMode: o.ceilMode, countIncludePad: o.countIncludePad });
  const result = squeeze(y, -2);
  if (tracer !== null) {
    const attrs = { kernelSize: [k], stride: [s], padding: [p], ceilMode: o.ceilMode ?? false, countIncludePad: o.countIncludePad ?? true };
    tracer.op('avgPool1d', [input], attrs, result);
  }
  return result;
}

/**
 * 2-D average pooling (`torch.nn.functional.avg_pool2d`): input [N, C, H, W] (or [C, H, W]); the mean
 * of each window, dividing by the window's size with the padding it covers (countIncludePad, the
 * default) or without, or by divisorOverride. Options positionally in PyTorch's order (stride,
 * padding, ceilMode, countIncludePad, divisorOverride) or as an object.
 */
export function avgPool2d(input: Tensor, kernelSize: PoolSize, options?: AvgPoolOptions): Tensor;
export function avgPool2d(
  input: Tensor,
  kernelSize: PoolSize,
  stride?: PoolSize | null,
  padding?: PoolSize,
  ceilMode?: boolean,
  countIncludePad?: boolean,
  divisorOverride?: number | null,
): Tensor;
export function avgPool2d(input: Tensor, kernelSize: PoolSize, ...args: unknown[]): Tensor {
  const o = splitArgs<AvgPoolOptions>('avgPool2d', AVG2_ARGS, args);
  return avgPool2dImpl('avgPool2d', input, kernelSize, o);
}

// ---- adaptive pooling ----

/** Python's `_list_with_default`: an adaptive pool's output size with null entries taken from the input. */
function adaptiveSize(where: string, x: Tensor, outputSize: unknown): number[] {
  const entry = (v: unknown): boolean => v === null || isWhole(v);
  if (isWhole(outputSize)) return [outputSize, outputSize];
  if (!Array.isArray(outputSize) || !outputSize.every(entry)) {
    throw new Error(`${where}: outputSize must be a whole number or an array of 2 (whole numbers or null), got ${describe(outputSize)}`);
  }
  if (x.ndim <= outputSize.length) throw new Error(`${where}: Input dimension should be at least ${outputSize.length + 1}`);
  if (outputSize.length !== 2) throw new Error(`${where}: output_size must be 2, got [${(outputSize as unknown[]).map(String).join(', ')}]`);
  const lead = x.ndim - 2;
  return (outputSize as (number | null)[]).map((v, i) => v ?? x.shape[lead + i]);
}

function checkAdaptiveDims(where: string, x: Tensor, from: number): void {
  if (x.ndim !== 3 && x.ndim !== 4) throw new Error(`${where}: Expected 3D or 4D tensor, but got ${fmt(x.shape)}`);
  for (let i = from < 0 ? x.ndim + from : from; i < x.ndim; i++) {
    if (x.shape[i] === 0) {
      throw new Error(
        `${where}: Expected input to have non-zero size for non-batch dimensions, but input has sizes ${fmt(x.shape)} with dimension ${i} being empty`,
      );
    }
  }
}

function adaptiveAvgPool2dImpl(where: string, x: Tensor, outputSize: unknown): Tensor {
  checkTensor(x, where);
  const size = adaptiveSize(where, x, outputSize);
  if (size[0] < 0 || size[1] < 0) {
    throw new Error(`${where}: elements of output_size must be greater than or equal to 0 but received {${size[0]}, ${size[1]}}`);
  }
  floatInput(x, where);
  // NOTE: as PyTorch, a 1 x 1 output is the mean over H and W (MeanBackward1), for any input of 2 dims or more
  if (size[0] === 1 && size[1] === 1 && x.ndim >= 2) return mean(x, [-1, -2], true);
  checkAdaptiveDims(where, x, -2);
  const [h, w] = x.shape.slice(-2);
  const outShape = [...x.shape.slice(0, -2), ...size];
  const names = ['AdaptiveAvgPool2DBackward0', 'AdaptiveAvgPool2DBackwardBackward0'] as const;
  return linearMapOp(x, new WindowMeanMap(x.shape, outShape, names, adaptiveWindows(h, size[0]), adaptiveWindows(w, size[1]), null));
}

function adaptiveMaxPool2dImpl(where: string, x: Tensor, outputSize: unknown, returnIndices: boolean): [Tensor, Tensor | null] {
  checkTensor(x, where);
  const size = adaptiveSize(where, x, outputSize);
  numericInput(x, where);
  if (x.ndim !== 3 && x.ndim !== 4) throw new Error(`${where}: Expected 3D or 4D tensor, but got: ${fmt(x.shape)}`);
  checkAdaptiveDims(where, x, 1);
  if (size[0] < 0 || size[1] < 0) {
    throw new Error(`${where}: elements of output_size must be greater than or equal to 0 but received {${size[0]}, ${size[1]}}`);
  }
  const [h, w] = x.shape.slice(-2);
  const lead = x.shape.slice(0, -2);
  const planes = numel(lead);
  const y = zerosOf([...lead, ...size], x.dtype);
  const argmax = new Int32Array(y.numel());
  kernels().maxPool2dForward(x.data, planes, h, w, adaptiveWindows(h, size[0]), adaptiveWindows(w, size[1]), y.data, argmax);
  const indices = returnIndices ? new Tensor(planePositions(argmax, planes, size[0] * size[1], h * w), y.shape, 'int32') : null;
  if (!isFloatDtype(x.dtype)) return [y, indices];
  const map = new ArgmaxMap(x.shape, y.shape, ['AdaptiveMaxPool2DBackward0', 'AdaptiveMaxPool2DBackwardBackward0'], argmax);
  return [recordLinearMap(y, x, map), indices];
}

/** The output size of a 1-D adaptive pool: a whole number or an array of one (null keeps the input's length). */
function adaptiveLength(where: string, outputSize: unknown): number | null {
  if (outputSize === null || isWhole(outputSize)) return outputSize;
  if (Array.isArray(outputSize) && outputSize.every((v) => v === null || isWhole(v))) {
    if (outputSize.length === 1) return outputSize[0] as number | null;
    throw new Error(`${where}: argument 'output_size' should contain one int (got ${outputSize.length})`);
  }
  throw new Error(`${where}: outputSize must be a whole number, got ${describe(outputSize)}`);
}

/**
 * 1-D adaptive average pooling (`torch.nn.functional.adaptive_avg_pool1d`): input [N, C, L] (or
 * [C, L]) to [N, C, outputSize]; output i averages elements floor(i L / out) to ceil((i + 1) L / out).
 */
export function adaptiveAvgPool1d(input: Tensor, outputSize: number | readonly number[]): Tensor {
  const where = 'adaptiveAvgPool1d';
  checkTensor(input, where);
  check1dInput(where, input, 'adaptive_avg_pool1d');
  const size = adaptiveLength(where, outputSize) ?? input.shape[input.ndim - 1];
  const y = squeeze(adaptiveAvgPool2dImpl(where, unsqueeze(input, -2), [1, size]), -2);
  if (tracer !== null) tracer.op('adaptiveAvgPool1d', [input], { outputSize: [size] }, y);
  return y;
}

/**
 * 2-D adaptive average pooling (`torch.nn.functional.adaptive_avg_pool2d`): input [N, C, H, W] (or
 * [C, H, W]) to [..., outH, outW] for any input size; windows overlap where the sizes do not divide.
 * `outputSize` is one size for both dims or [outH, outW], null keeping the input's size.
 */
export function adaptiveAvgPool2d(input: Tensor, outputSize: AdaptiveSize): Tensor {
  const y = adaptiveAvgPool2dImpl('adaptiveAvgPool2d', input, outputSize);
  if (tracer !== null) tracer.op('adaptiveAvgPool2d', [input], { outputSize: y.shape.slice(-2) }, y);
  return y;
}

/**
 * 1-D adaptive max pooling (`torch.nn.functional.adaptive_max_pool1d`): input [N, C, L] (or [C, L]) to
 * [N, C, outputSize]; with returnIndices (positionally or `{ returnIndices: true }`), [values, indices].
 */
export function adaptiveMaxPool1d(input: Tensor, outputSize: number | readonly number[], returnIndices: true): [Tensor, Tensor];
export function adaptiveMaxPool1d(input: Tensor, outputSize: number | readonly number[], options: { returnIndices: true }): [Tensor, Tensor];
export function adaptiveMaxPool1d(input: Tensor, outputSize: number | readonly number[], returnIndices?: false | { returnIndices?: false }): Tensor;
export function adaptiveMaxPool1d(input: Tensor, outputSize: number | readonly number[], ...args: unknown[]): Tensor | [Tensor, Tensor];
export function adaptiveMaxPool1d(input: Tensor, outputSize: number | readonly number[], ...args: unknown[]): Tensor | [Tensor, Tensor] {
  const where = 'adaptiveMaxPool1d';
  const o = splitArgs<{ returnIndices?: boolean }>(where, ['returnIndices'], args);
  checkTensor(input, where);
  check1dInput(where, input, 'adaptive_max_pool1d');
  const size = adaptiveLength(where, outputSize) ?? input.shape[input.ndim - 1];
  const [y, indices] = adaptiveMaxPool2dImpl(where, unsqueeze(input, -2), [1, size], flag(o.returnIndices, where, 'returnIndices', false));
  return indices ? [squeeze(y, -2), squeeze(indices, -2)] : squeeze(y, -2);
}

/**
 * 2-D adaptive max pooling (`torch.nn.functional.adaptive_max_pool2d`): input [N, C, H, W] (or
 * [C, H, W]) to [..., outH, outW]; with returnIndices (positionally or `{ returnIndices: true }`),
 * [values, indices] (int32, flat within each plane).
 */
export function adaptiveMaxPool2d(input: Tensor, outputSize: AdaptiveSize, returnIndices: true): [Tensor, Tensor];
export function adaptiveMaxPool2d(input: Tensor, outputSize: AdaptiveSize, options: { returnIndices: true }): [Tensor, Tensor];
export function adaptiveMaxPool2d(input: Tensor, outputSize: AdaptiveSize, returnIndices?: false | { returnIndices?: false }): Tensor;
export function adaptiveMaxPool2d(input: Tensor, outputSize: AdaptiveSize, ...args: unknown[]): Tensor | [Tensor, Tensor];
export function adaptiveMaxPool2d(input: Tensor, outputSize: AdaptiveSize, ...args: unknown[]): Tensor | [Tensor, Tensor] {
  const where = 'adaptiveMaxPool2d';
  const o = splitArgs<{ returnIndices?: boolean }>(where, ['returnIndices'], args);
  const [y, indices] = adaptiveMaxPool2dImpl(where, input, outputSize, flag(o.returnIndices, where, 'returnIndices', false));
  if (tracer !== null) tracer.op('adaptiveMaxPool2d', [input], { outputSize: y.shape.slice(-2), returnIndices: indices !== null }, indices ? [y, indices] : y);
  return indices ? [y, indices] : y;
}

// ---- max unpooling ----

/** Python's `_unpool_output_size`: the default (in - 1) * stride - 2 * padding + kernel, or a checked outputSize. */
function unpoolOutputSize(where: string, x: Tensor, k: number[], s: number[], p: number[], outputSize: unknown): number[] {
  const n = k.length;
  const spatial = x.shape.slice(-n);
  const fallback = spatial.map((v, i) => (v - 1) * s[i] + k[i] - 2 * p[i]);
  if (outputSize === null || outputSize === undefined) return fallback;
  if (!Array.isArray(outputSize) || !outputSize.every(isWhole))
    throw new Error(`${where}: outputSize must be an array of whole numbers, got ${describe(outputSize)}`);
  let size = outputSize as number[];
  if (size.length === n + 2) size = size.slice(2);
  if (size.length !== n) {
    throw new Error(`${where}: output_size should be a sequence containing ${n} or ${n + 2} elements, but it has a length of '${size.length}'`);
  }
  size.forEach((v, d) => {
    const [min, max] = [fallback[d] - s[d], fallback[d] + s[d]];
    if (!(min < v && v < max))
      throw new Error(`${where}: invalid output_size "${pyTuple(outputSize as number[])}" (dim ${d} must be between ${min} and ${max})`);
  });
  return size;
}

/**
 * @internal max_unpool2d on a checked input [..., h, w] into [..., H, W]: each value written at its
 * index; one MaxUnpool2DBackward0 node.
 */
function maxUnpool2dCore(where: string, x: Tensor, indices: Tensor, size: number[], dims: number): Tensor {
  if (indices.dtype !== 'int32') throw new Error(`${where}: elements in indices should be type int32 (tsgrad's int64) but got: ${indices.dtype}`);
  if (x.ndim !== 3 && x.ndim !== 4) {
    const [lo, hi] = dims === 2 ? ['3d', '4d'] : ['2d', '3d'];
    throw new Error(`${where}: Input to max_unpooling${dims}d should be a ${lo} or ${hi} Tensor, but got a tensor with ${x.ndim - (2 - dims)} dimensions.`);
  }
  if (x.ndim !== indices.ndim || x.shape.some((v, i) => v !== indices.shape[i])) {
    throw new Error(
      `${where}: Expected shape of indices to be same as that of the input tensor (${fmt(x.shape)}) but got indices tensor with shape: ${fmt(indices.shape)}`,
    );
  }
  for (let i = 1; i < x.ndim; i++) {
    if (x.shape[i] === 0)
      throw new Error(`${where}: Expected input to have non-zero size for non-batch dimensions, but got ${fmt(x.shape)} with dimension ${i} being empty.`);
  }
  numericInput(x, where);
  const lead = x.shape.slice(0, -2);
  const planes = numel(lead);
  const inPlane = x.shape[x.ndim - 2] * x.shape[x.ndim - 1];
  const outPlane = size[0] * size[1];
  const y = zerosOf([...lead, ...size], x.dtype);
  const bad = unpoolWrite(x.data, indices.data as Int32Array, planes, inPlane, outPlane, y.data);
  if (bad !== null) throw new Error(`${where}: Found an invalid max index: ${bad} (output volumes are of size ${size[0]}x${size[1]})`);
  return needsGrad(x) ? record(y, new MaxUnpoolBackward(indices, planes, inPlane, outPlane), x) : y;
}

class MaxUnpoolBackward extends Node {
  readonly name = 'MaxUnpool2DBackward0';
  constructor(
    indices: Tensor,
    private readonly planes: number,
    private readonly inPlane: number,
    private readonly outPlane: number,
  ) {
    super();
    this.save(indices);
  }
  override get returnsFreshGrads(): boolean {
    return true;
  }
  // y[plane, index] = x: dx = g read back at the indices (PyTorch's max_pool_double_backward, a gather
  // over each flattened plane)
  backward(g: Tensor): Tensor[] {
    const indices = this.saved[0];
    const lead = indices.shape.slice(0, -2);
    const picked = gather(reshape(g, [...lead, this.outPlane]), -1, reshape(indices, [...lead, this.inPlane]));
    return [reshape(picked, indices.shape)];
  }
  override fastBackward(g: Tensor): Tensor[] {
    const indices = this.saved[0];
    const dx = zerosOf(indices.shape, g.dtype);
    gatherAt(g.data, flatPositions(indices.data as Int32Array, this.planes, this.inPlane, this.outPlane), dx.data);
    return [dx];
  }
}

/**
 * The partial inverse of maxPool1d (`torch.nn.functional.max_unpool1d`): input and indices [N, C, l]
 * (or [C, l]) as maxPool1d returned them; the output [N, C, L] holds each value at its index, zeros
 * elsewhere. L is (l - 1) * stride - 2 * padding + kernelSize unless `outputSize` says otherwise.
 */
export function maxUnpool1d(input: Tensor, indices: Tensor, kernelSize: PoolSize, options?: MaxUnpoolOptions): Tensor;
export function maxUnpool1d(
  input: Tensor,
  indices: Tensor,
  kernelSize: PoolSize,
  stride?: PoolSize | null,
  padding?: PoolSize,
  outputSize?: readonly number[] | null,
): Tensor;
export function maxUnpool1d(input: Tensor, indices: Tensor, kernelSize: PoolSize, ...args: unknown[]): Tensor {
  const where = 'maxUnpool1d';
  const o = splitArgs<MaxUnpoolOptions>(where, UNPOOL_ARGS, args);
  checkTensor(input, where);
  const idx = checkTensor(indices, where, 'indices');
  const one = (what: string) => (n: number) => `${what} must be a whole number or an array of one, got an array of ${n}`;
  const k = single(kernelSize, where, one('kernelSize'));
  const s = o.stride === null || o.stride === undefined ? k : single(o.stride, where, one('stride'));
  const p = single(o.padding ?? 0, where, one('padding'));
  const size = unpoolOutputSize(where, input, [k], [s], [p], o.outputSize);
  const x = unsqueeze(input, -1);
  return squeeze(maxUnpool2dCore(where, x, unsqueeze(idx, -1), [size[0], 1], 1), -1);
}

/**
 * The partial inverse of maxPool2d (`torch.nn.functional.max_unpool2d`): input and indices
 * [N, C, h, w] (or [C, h, w]) as maxPool2d returned them (returnIndices); the output [N, C, H, W]
 * holds each value at its index and zeros elsewhere. H and W are (in - 1) * stride - 2 * padding +
 * kernelSize unless `outputSize` picks another size the pool could have come from.
 */
export function maxUnpool2d(input: Tensor, indices: Tensor, kernelSize: PoolSize, options?: MaxUnpoolOptions): Tensor;
export function maxUnpool2d(
  input: Tensor,
  indices: Tensor,
  kernelSize: PoolSize,
  stride?: PoolSize | null,
  padding?: PoolSize,
  outputSize?: readonly number[] | null,
): Tensor;
export function maxUnpool2d(input: Tensor, indices: Tensor, kernelSize: PoolSize, ...args: unknown[]): Tensor {
  const where = 'maxUnpool2d';
  const o = splitArgs<MaxUnpoolOptions>(where, UNPOOL_ARGS, args);
  checkTensor(input, where);
  const idx = checkTensor(indices, where, 'indices');
  const k = pair(kernelSize, where, 'kernelSize must be a whole number or an array of two');
  const s = o.stride === null || o.stride === undefined ? k : pair(o.stride, where, 'stride must be a whole number or an array of two');
  const p = pair(o.padding ?? 0, where, 'padding must be a whole number or an array of two');
  if (input.ndim < 2) throw new Error(`${where}: Input to max_unpooling2d should be a 3d or 4d Tensor, but got a tensor with ${input.ndim} dimensions.`);
  const size = unpoolOutputSize(where, input, k, s, p, o.outputSize);
  return maxUnpool2dCore(where, input, idx, size, 2);
}
