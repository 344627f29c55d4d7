/**
 * Resizing (`interpolate`, PyTorch's `F.interpolate`): modes 'nearest', 'nearest-exact', 'linear'
 * (3-D input), 'bilinear' (4-D input, with or without alignCorners) and 'area' (adaptive average
 * pooling), to a size or by a scale factor, with PyTorch's index arithmetic (float32 math for
 * float32 tensors, as PyTorch's kernels), errors and grad_fn names.
 *
 * Fused: each mode is a fixed linear map once its source indices and weights are known
 * (src/kernels/pooling.ts), recorded as one node whose backward is the map's adjoint, itself an op,
 * so gradients of every order work (see `LinearMap` in ./pooling).
 */
import { tracer } from '../../autograd/trace-hook';
import type { FloatArray, FloatDType } from '../../dtype';
import { bilinear, bilinearAdjoint, linearTaps, nearestGather, nearestIndices, nearestScatter, type Taps } from '../../kernels/pooling';
import { checkTensor } from '../../ops/helpers';
import { checkBoolean, describe } from '../../options';
import { fmt, numel, type Shape } from '../../shape';
import type { Tensor } from '../../tensor';
import { splitArgs } from './conv';
import { adaptiveAvgPool1d, adaptiveAvgPool2d, type LinearMap, linearMapOp } from './pooling';

/** How `interpolate` computes each output element. */
export type InterpolateMode = 'nearest' | 'nearest-exact' | 'linear' | 'bilinear' | 'area';

/** The keyword arguments of `interpolate`. */
export interface InterpolateOptions {
  /** The output's spatial size: one for every dim, or one per dim. Give this or scaleFactor. */
  size?: number | readonly number[] | null;
  /** Each spatial size is multiplied by this (and floored). Give this or size. */
  scaleFactor?: number | readonly number[] | null;
  /** Default 'nearest'. */
  mode?: InterpolateMode;
  /**
   * For 'linear' and 'bilinear': align the corner pixels' centers of input and output (true), or their
   * outer edges (false, the default). Not allowed with the other modes.
   */
  alignCorners?: boolean | null;
  /** Compute the output size from scaleFactor, then interpolate as if that size had been given (no scale). */
  recomputeScaleFactor?: boolean | null;
  /** Only false: tsgrad has no anti-aliased resizing. */
  antialias?: boolean;
}

const ARGS = ['size', 'scaleFactor', 'mode', 'alignCorners', 'recomputeScaleFactor', 'antialias'] as const;
const MODES = 'nearest | linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact';
const TORCH_ONLY = ['bicubic', 'trilinear', 'lanczos'];

/** A plane of [..., H, W] (or [..., W]) resized by separable per-dim index maps: nearest mode. */
class NearestMap implements LinearMap {
  constructor(
    readonly inShape: Shape,
    readonly outShape: Shape,
    readonly names: readonly [string, string],
    private readonly rows: Int32Array,
    private readonly cols: Int32Array,
    private readonly spatial: number,
  ) {}
  private dims(): [number, number, number] {
    const [h, w] = this.spatial === 2 ? this.inShape.slice(-2) : [1, this.inShape[this.inShape.length - 1]];
    return [numel(this.inShape.slice(0, -this.spatial)), h, w];
  }
  apply(src: FloatArray, dst: FloatArray): void {
    const [planes, h, w] = this.dims();
    nearestGather(src, planes, h, w, this.rows, this.cols, dst);
  }
  applyAdjoint(src: FloatArray, dst: FloatArray): void {
    const [planes, h, w] = this.dims();
    nearestScatter(src, planes, h, w, this.rows, this.cols, dst);
  }
}

/** Linear and bilinear mode: each output a weighted sum of 2 (or 2 x 2) input elements. */
class LinearInterpMap implements LinearMap {
  constructor(
    readonly inShape: Shape,
    readonly outShape: Shape,
    readonly names: readonly [string, string],
    private readonly rows: Taps,
    private readonly cols: Taps,
    private readonly spatial: number,
  ) {}
  private dims(): [number, number, number] {
    const [h, w] = this.spatial === 2 ? this.inShape.slice(-2) : [1, this.inShape[this.inShape.length - 1]];
    return [numel(this.inShape.slice(0, -this.spatial)), h, w];
  }
  apply(src: FloatArray, dst: FloatArray): void {
    const [planes, h, w] = this.dims();
    bilinear(src, planes, h, w, this.rows, this.cols, dst);
  }
  applyAdjoint(src: FloatArray, dst: FloatArray): void {
    const [planes, h, w] = this.dims();
    bilinearAdjoint(src, planes, h, w, this.rows, this.cols, dst);
  }
}

function isWhole(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

/** PyTorch's list form of a scale or size argument, for error messages: `(2, 2, 2)`. */
function pyList(values: readonly unknown[]): string {
  return `(${values.join(', ')}${values.length === 1 ? ',' : ''})`;
}

/**
 * The output sizes and the scales the kernels see (PyTorch's interpolate, in its order): exactly one
 * of size and scaleFactor; the size floor(in * scale), the scale dropped when recomputeScaleFactor.
 */
function outputSizes(where: string, x: Tensor, o: InterpolateOptions, mode: string): { size: number[]; scales: (number | null)[] } {
  const dim = x.ndim - 2;
  const spatial = x.shape.slice(2);
  const { size, scaleFactor } = o;
  const given = (v: unknown): boolean => v !== null && v !== undefined;
  if (given(size) && given(scaleFactor)) throw new Error(`${where}: only one of size or scale_factor should be defined`);
  let out: number[] | null = null;
  let scales: number[] | null = null;
  if (given(size)) {
    if (Array.isArray(size)) {
      if (size.length !== dim) {
        throw new Error(
          `${where}: Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of ${fmt(spatial)} ` +
            `and output size of ${pyList(size)}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.`,
        );
      }
      if (!size.every(isWhole)) {
        throw new Error(
          `${where}: expected size to be one of int or Tuple[int] or Tuple[int, int] or Tuple[int, int, int], but got size ${describe(size)} with ${size.map((v) => typeof v).join(', ')} entries`,
        );
      }
      out = [...(size as number[])];
    } else if (isWhole(size)) out = new Array<number>(dim).fill(size);
    else throw new Error(`${where}: size must be a whole number or an array of them, got ${describe(size)}`);
  } else if (given(scaleFactor)) {
    if (Array.isArray(scaleFactor)) {
      if (scaleFactor.length !== dim) {
        throw new Error(
          `${where}: Input and scale_factor must have the same number of spatial dimensions, but got input with spatial dimensions of ${fmt(spatial)} ` +
            `and scale_factor of shape ${pyList(scaleFactor)}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) format.`,
        );
      }
      if (!scaleFactor.every((v) => typeof v === 'number'))
        throw new Error(`${where}: scaleFactor must be a number or an array of numbers, got ${describe(scaleFactor)}`);
      scales = [...(scaleFactor as number[])];
    } else if (typeof scaleFactor === 'number') scales = new Array<number>(dim).fill(scaleFactor);
    else throw new Error(`${where}: scaleFactor must be a number or an array of numbers, got ${describe(scaleFactor)}`);
  } else throw new Error(`${where}: either size or scale_factor should be defined`);
  let recompute = o.recomputeScaleFactor ?? null;
  if (recompute !== null) checkBoolean(recompute, where, 'recomputeScaleFactor');
  if (recompute === true && given(size)) throw new Error(`${where}: recompute_scale_factor is not meaningful with an explicit size.`);
  if (mode === 'area' && out === null) recompute = true;
  // the output size is the integer part of in * scale, with or without recomputing
  if (out === null) out = spatial.map((s, i) => Math.trunc(s * scales![i]));
  if (recompute === true) scales = null;
  return { size: out, scales: out.map((_, i) => (scales ? scales[i] : null)) };
}

/** PyTorch's check that no size is 0, in its words for 1 and 2 spatial dims. */
function checkSizes(where: string, spatial: readonly number[], size: readonly number[]): void {
  if (spatial.every((s) => s > 0) && size.every((s) => s > 0)) return;
  const message =
    spatial.length === 1
      ? `Input and output sizes should be greater than 0, but got input (W: ${spatial[0]}) and output (W: ${size[0]})`
      : `Input and output sizes should be greater than 0, but got input (H: ${spatial[0]}, W: ${spatial[1]}) output (H: ${size[0]}, W: ${size[1]})`;
  throw new Error(`${where}: ${message}`);
}

/**
 * Resizes a batch of signals or images (`torch.nn.functional.interpolate`): input [N, C, W] (1-D
 * modes) or [N, C, H, W] (2-D modes) to the given `size` or scaled by `scaleFactor` (floored),
 * e.g. `interpolate(x, { scaleFactor: 2 })` or `interpolate(x, { size: [32, 32], mode: 'bilinear',
 * alignCorners: true })`. Options positionally in PyTorch's order (size, scaleFactor, mode,
 * alignCorners, recomputeScaleFactor, antialias) or as an object. 'nearest' reads
 * floor(out_index * in / out) (PyTorch's legacy rule; 'nearest-exact' rounds to the nearest center
 * instead), 'linear' / 'bilinear' interpolate between neighbours, 'area' averages (adaptive pooling).
 */
export function interpolate(input: Tensor, options?: InterpolateOptions): Tensor;
export function interpolate(
  input: Tensor,
  size?: number | readonly number[] | null,
  scaleFactor?: number | readonly number[] | null,
  mode?: InterpolateMode,
  alignCorners?: boolean | null,
  recomputeScaleFactor?: boolean | null,
  antialias?: boolean,
): Tensor;
export function interpolate(input: Tensor, ...args: unknown[]): Tensor {
  const where = 'interpolate';
  const o = splitArgs<InterpolateOptions>(where, ARGS, args);
  checkTensor(input, where);
  const mode: string = o.mode ?? 'nearest';
  if (typeof mode !== 'string') throw new Error(`${where}: mode must be a string such as 'nearest' or 'bilinear', got ${describe(mode)}`);
  const linearMode = !['nearest', 'area', 'nearest-exact'].includes(mode);
  let alignCorners = o.alignCorners ?? null;
  if (!linearMode && alignCorners !== null) {
    throw new Error(`${where}: align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear`);
  }
  if (alignCorners !== null) checkBoolean(alignCorners, where, 'alignCorners');
  else if (linearMode) alignCorners = false;
  const { size, scales } = outputSizes(where, input, o, mode);
  const antialias = o.antialias ?? false;
  checkBoolean(antialias, where, 'antialias');
  if (antialias) throw new Error(`${where}: antialias is not supported: tsgrad has no anti-aliased resizing (PyTorch's applies to bilinear and bicubic modes)`);
  const dims = input.ndim;
  if (TORCH_ONLY.includes(mode) || dims === 5) {
    throw new Error(
      `${where}: mode '${mode}' on ${dims}-D input is not supported by tsgrad (it has nearest and nearest-exact, linear, bilinear and area on 3-D and 4-D input)`,
    );
  }
  const wanted: Record<string, number> = { linear: 3, bilinear: 4 };
  if (wanted[mode] !== undefined && dims !== wanted[mode] && (dims === 3 || dims === 4)) {
    throw new Error(`${where}: Got ${dims}D input, but ${mode} mode needs ${wanted[mode]}D input`);
  }
  if ((dims !== 3 && dims !== 4) || !['nearest', 'nearest-exact', 'linear', 'bilinear', 'area'].includes(mode)) {
    throw new Error(`${where}: Input Error: Only 3D, 4D and 5D input Tensors supported (got ${dims}D) for the modes: ${MODES} (got ${mode})`);
  }
  if (input.dtype !== 'float32' && input.dtype !== 'float64') {
    throw new Error(`${where}: input must be floating point (float32 or float64), got ${input.dtype}; convert it with .float() or .double()`);
  }
  const attrs = { size, scaleFactor: scales, mode, alignCorners };
  if (mode === 'area') return traced(input, attrs, dims === 3 ? adaptiveAvgPool1d(input, size[0]) : adaptiveAvgPool2d(input, size));
  const spatial = input.shape.slice(2);
  checkSizes(where, spatial, size);
  const outShape = [...input.shape.slice(0, 2), ...size];
  const d = `${dims - 2}D`;
  const f32 = (input.dtype as FloatDType) === 'float32';
  const [hIn, wIn] = dims === 4 ? spatial : [1, spatial[0]];
  const [hOut, wOut] = dims === 4 ? size : [1, size[0]];
  const [hScale, wScale] = dims === 4 ? scales : [null, scales[0]];
  if (mode === 'nearest' || mode === 'nearest-exact') {
    const exact = mode === 'nearest-exact';
    const name = `Upsample${exact ? 'NearestExact' : 'Nearest'}${d}Backward0`;
    const rows = nearestIndices(hIn, hOut, hScale, exact);
    const cols = nearestIndices(wIn, wOut, wScale, exact);
    return traced(
      input,
      attrs,
      linearMapOp(input, new NearestMap(input.shape, outShape, [name, name.replace('Backward0', 'BackwardBackward0')], rows, cols, dims - 2)),
    );
  }
  const name = `Upsample${mode === 'linear' ? 'Linear' : 'Bilinear'}${d}Backward0`;
  const rows = linearTaps(hIn, hOut, alignCorners!, hScale, f32);
  const cols = linearTaps(wIn, wOut, alignCorners!, wScale, f32);
  return traced(
    input,
    attrs,
    linearMapOp(input, new LinearInterpMap(input.shape, outShape, [name, name.replace('Backward0', 'BackwardBackward0')], rows, cols, dims - 2)),
  );
}

/** Reports interpolate to the tracer (`size`: the output's spatial sizes; `scaleFactor`: the scales asked for, or null). */
function traced(input: Tensor, attrs: { size: number[]; scaleFactor: (number | null)[]; mode: string; alignCorners: boolean | null }, y: Tensor): Tensor {
  if (tracer !== null) tracer.op('interpolate', [input], attrs, y);
  return y;
}
