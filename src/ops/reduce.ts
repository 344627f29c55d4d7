/**
 * Reductions: sum, mean, nansum, nanmean, max, min, amax, amin, aminmax, argmax, argmin, any, all,
 * countNonzero, logsumexp, var, std, varMean, stdMean and norm. Also the two backwards that ops picking
 * elements share (`ValueSelectingBackward`, `EvenlyDistributedBackward`), for sort.ts.
 */
import { Node } from '../autograd/node';
import { needsGrad, record } from '../autograd/record';
import { tracer } from '../autograd/trace-hook';
import { allocate, checkDtype, type DType, type FloatDType, isFloatDtype, type TypedArray } from '../dtype';
import { permute as permuteKernel } from '../kernels/layout';
import * as k from '../kernels/reduce';
import { checkBoolean, checkInteger, checkNumber, checkOptions, describe, type Unsupported } from '../options';
import { fmt, normalizeDim, numel, type Shape, splitAt } from '../shape';
import { Tensor } from '../tensor';
import { add, div, eq, mul, ne, sub, where } from './binary';
import { checkTensor, expandTo, floatDtypeOf, zerosOf } from './helpers';
import { expand, reshape, scatterAdd } from './layout';
import { abs, exp, pow, sign, toDtype } from './unary';

/** @internal The PyTorch option no tsgrad op takes (out=), for checkOptions. */
export const NO_OUT: Unsupported = { out: 'tsgrad ops return a new tensor (there is no out= argument)' };

/** A dim, a list of dims, or null/undefined for all of them. */
export type Dims = number | readonly number[] | null | undefined;

/** @internal The sorted, non-negative dims that `dim` names; none (or an empty list, as in PyTorch) means all. */
export function reducedDims(x: Tensor, dim: Dims, where: string): number[] {
  if (dim === null || dim === undefined || (Array.isArray(dim) && dim.length === 0)) return x.shape.map((_, i) => i);
  if (typeof dim !== 'number' && !Array.isArray(dim)) throw new Error(`${where}: dim must be a whole number, a list of them, or null, got ${describe(dim)}`);
  const list = typeof dim === 'number' ? [dim] : [...dim];
  const dims = list.map((d) => normalizeDim(d, x.ndim, where));
  if (new Set(dims).size !== dims.length) throw new Error(`${where}: dim ${JSON.stringify(list)} names a dimension twice`);
  if (x.ndim === 0) return []; // dim 0 (or -1) of a 0-d tensor is allowed, as in PyTorch, and reduces nothing
  return dims.sort((a, b) => a - b);
}

/** @internal x's shape with `dims` set to 1 (keepdim) or removed. */
export function reducedShape(shape: Shape, dims: readonly number[], keepdim: boolean): number[] {
  const out: number[] = [];
  shape.forEach((s, i) => {
    if (!dims.includes(i)) out.push(s);
    else if (keepdim) out.push(1);
  });
  return out;
}

/** Sum of x over `dims` times `scale`, shaped with kept dims of size 1 (`where` names the op in errors). */
function scaledSum(x: Tensor, dims: readonly number[], scale: number, where = 'sum'): Tensor {
  const isFloat = isFloatDtype(x.dtype);
  // NOTE: integers are summed in float64 (exact to 2^53) and checked, so a sum never wraps around
  const work = isFloat ? x.dtype : 'float64';
  let data = x.data;
  const shape = [...x.shape];
  for (let i = dims.length - 1; i >= 0; i--) {
    const [outer, n, inner] = splitAt(shape, dims[i]);
    const out = zerosOf([outer * inner], work).data;
    k.sumAxis(data, outer, n, inner, out);
    data = out;
    shape[dims[i]] = 1;
  }
  if (data === x.data) data = data.slice(); // no dims: sum over nothing is a copy
  if (scale !== 1) for (let i = 0; i < data.length; i++) data[i] *= scale;
  if (!isFloat) {
    for (let i = 0; i < data.length; i++) {
      if (data[i] > 2147483647 || data[i] < -2147483648) {
        throw new Error(
          `${where}: the result ${data[i]} does not fit int32, tsgrad's integer dtype (for PyTorch's int64); ` +
            `sum in floating point instead: x.double().${where}()`,
        );
      }
    }
  }
  const result = zerosOf(shape, isFloat ? x.dtype : 'int32');
  result.data.set(data);
  return result;
}

/** @internal Checks a reduction's input and keepdim. */
export function checkReduce(x: Tensor, keepdim: unknown, where: string): void {
  checkTensor(x, where);
  if (typeof keepdim !== 'boolean') throw new Error(`${where}: keepdim must be true or false, got ${describe(keepdim)}`);
}

function reduceSum(x: Tensor, dim: Dims, keepdim: boolean, mean: boolean): Tensor {
  const where = mean ? 'mean' : 'sum';
  checkReduce(x, keepdim, where);
  const dims = reducedDims(x, dim, where);
  let count = 1;
  for (const d of dims) count *= x.shape[d];
  const all = dim === null || dim === undefined;
  const kept = scaledSum(x, dims, mean ? 1 / count : 1);
  const y = kept.reshape(reducedShape(x.shape, dims, keepdim));
  if (!needsGrad(x)) return y.detach();
  const name = `${mean ? 'Mean' : 'Sum'}Backward${all ? 0 : 1}`;
  return record(y.detach(), new SumBackward(name, x.shape, kept.shape, mean ? 1 / count : 1), x);
}

class SumBackward extends Node {
  constructor(
    readonly name: string,
    private readonly inputShape: Shape,
    private readonly keptShape: Shape,
    private readonly scale: number,
  ) {
    super();
  }
  // d/dx sum(x) = g spread over the summed dims; mean also scales by 1/count
  backward(g: Tensor): Tensor[] {
    const spread = expand(reshape(g, this.keptShape), this.inputShape);
    return [this.scale === 1 ? spread : mul(spread, this.scale)];
  }
  override fastBackward(g: Tensor): Tensor[] {
    const spread = expandTo(g.reshape(this.keptShape), this.inputShape);
    if (this.scale !== 1) for (let i = 0; i < spread.data.length; i++) spread.data[i] *= this.scale;
    return [spread];
  }
}

/** Sum of all elements, or over `dim` (a number or a list), keeping reduced dims when `keepdim`. */
export function sum(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  const y = reduceSum(x, dim, keepdim, false);
  if (tracer !== null) tracer.op('sum', [x], { dim: reducedDims(x, dim, 'sum'), keepdim }, y);
  return y;
}

/** Mean of all elements, or over `dim`; float tensors only, as in PyTorch. */
export function mean(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  checkTensor(x, 'mean');
  if (!isFloatDtype(x.dtype)) {
    throw new Error(`mean: input dtype must be a floating point dtype, got ${x.dtype}; convert with .float() first`);
  }
  const y = reduceSum(x, dim, keepdim, true);
  if (tracer !== null) tracer.op('mean', [x], { dim: reducedDims(x, dim, 'mean'), keepdim }, y);
  return y;
}

/** Max and min have no identity: the reduced dim (or, with no dim, the tensor) must not be empty. Other dims may be. */
function checkNonEmpty(x: Tensor, where: string, dim?: number): void {
  if (dim === undefined ? x.numel() === 0 : x.ndim > 0 && x.shape[dim] === 0) {
    const what = dim === undefined ? 'an empty tensor' : `dim ${dim} (of size 0) of the empty tensor`;
    throw new Error(`${where}: cannot reduce ${what} of shape ${fmt(x.shape)} (no identity for ${where}); give a dim of non-zero size`);
  }
}

function extremeAll(x: Tensor, isMin: boolean): Tensor {
  const where = isMin ? 'min' : 'max';
  checkTensor(x, where);
  checkNonEmpty(x, where);
  const y = zerosOf([], x.dtype);
  y.data[0] = k.maxAll(x.data, isMin);
  return needsGrad(x) ? record(y, new EvenlyDistributedBackward(`${isMin ? 'Min' : 'Max'}Backward1`, x, y), x) : y;
}

/**
 * @internal The backward of reductions to one value that many elements may equal (max(), min(),
 * median()): g shared evenly among the elements equal to the result (the NaNs when it is NaN), as
 * PyTorch's evenly_distribute_backward.
 */
export class EvenlyDistributedBackward extends Node {
  constructor(
    readonly name: string,
    x: Tensor,
    y: Tensor,
  ) {
    super();
    this.save(x, y);
  }
  // d/dx max(x) = g shared evenly among the elements equal to the max (PyTorch's evenly_distribute)
  backward(g: Tensor): Tensor[] {
    const [x, y] = this.saved;
    const best = y.data[0];
    const mask = zerosOf(x.shape, 'bool');
    let ties = 0;
    for (let i = 0; i < x.data.length; i++) {
      if (x.data[i] === best || (best !== best && x.data[i] !== x.data[i])) {
        mask.data[i] = 1;
        ties++;
      }
    }
    return [where(mask, div(g, ties), 0)];
  }
  override fastBackward(g: Tensor): Tensor[] {
    const [x, y] = this.saved;
    const best = y.data[0];
    const isNaN = best !== best;
    let ties = 0;
    for (let i = 0; i < x.data.length; i++) if (x.data[i] === best || (isNaN && x.data[i] !== x.data[i])) ties++;
    const out = zerosOf(x.shape, g.dtype);
    const share = g.data[0] / ties;
    for (let i = 0; i < x.data.length; i++) if (x.data[i] === best || (isNaN && x.data[i] !== x.data[i])) out.data[i] = share;
    return [out];
  }
}

function extremeDim(x: Tensor, dim: number, keepdim: boolean, isMin: boolean): [Tensor, Tensor] {
  const where = isMin ? 'min' : 'max';
  checkReduce(x, keepdim, where);
  const d = normalizeDim(dim, x.ndim, where);
  checkNonEmpty(x, where, d);
  const [outer, n, inner] = splitAt(x.shape, d);
  const shape = x.ndim === 0 ? [] : reducedShape(x.shape, [d], keepdim);
  const values = zerosOf(shape, x.dtype);
  const indices = zerosOf(shape, 'int32');
  k.maxAxis(x.data, outer, n, inner, isMin, values.data, indices.data as Int32Array);
  return [recordSelected(values, x, d, indices, `${isMin ? 'Min' : 'Max'}Backward0`), indices];
}

/**
 * @internal The backward of ops whose values are elements of x picked along `dim` at `indices` (max,
 * min, median, mode and kthvalue with a dim; sort, topk): g put back at the picked positions, 0
 * elsewhere (PyTorch's value_selecting_reduction_backward). `indices` has x's rank (reduced dims kept
 * as size 1, or the k picked of sort and topk); g comes in the shape of the values.
 */
export class ValueSelectingBackward extends Node {
  constructor(
    readonly name: string,
    private readonly inputShape: Shape,
    private readonly dim: number,
    indices: Tensor,
  ) {
    super();
    this.save(indices);
  }
  // d/dx x.gather(dim, index) = g scattered back (added) to the positions index picked
  backward(g: Tensor): Tensor[] {
    if (this.inputShape.length === 0) return [g]; // picking from a 0-d tensor gives itself
    const index = this.saved[0];
    return [scatterAdd(zerosOf(this.inputShape, g.dtype), this.dim, index, reshape(g, index.shape))];
  }
  override fastBackward(g: Tensor): Tensor[] {
    if (this.inputShape.length === 0) return [g];
    const index = this.saved[0];
    const idx = index.data as Int32Array;
    const [outer, n, inner] = splitAt(this.inputShape, this.dim);
    const picked = index.shape[this.dim];
    const out = zerosOf(this.inputShape, g.dtype);
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < picked; j++) {
        for (let i = 0; i < inner; i++) {
          const at = (o * picked + j) * inner + i;
          out.data[(o * n + idx[at]) * inner + i] += g.data[at];
        }
      }
    }
    return [out];
  }
}

/**
 * @internal Records `values` (picked from x along dim `d` at `indices`, shaped as the values) under
 * `name`, with the value-selecting backward.
 */
export function recordSelected(values: Tensor, x: Tensor, d: number, indices: Tensor, name: string): Tensor {
  if (!needsGrad(x)) return values;
  const kept = indices.ndim === x.ndim ? indices : indices._view(reducedShape(x.shape, [d], true));
  return record(values, new ValueSelectingBackward(name, x.shape, d, kept), x);
}

/** The largest element (a 0-d tensor). */
export function max(x: Tensor): Tensor;
/** The largest elements along `dim` and their indices, like `torch.max(x, 1)`. */
export function max(x: Tensor, dim: number, keepdim?: boolean): [Tensor, Tensor];
export function max(x: Tensor, dim?: number, keepdim = false): Tensor | [Tensor, Tensor] {
  return extreme(x, dim, keepdim, false);
}

function extreme(x: Tensor, dim: number | undefined, keepdim: boolean, isMin: boolean): Tensor | [Tensor, Tensor] {
  const name = isMin ? 'min' : 'max';
  if (dim === undefined) {
    const y = extremeAll(x, isMin);
    if (tracer !== null) tracer.op(name, [x], { dim: null, keepdim: false }, y);
    return y;
  }
  const out = extremeDim(x, dim, keepdim, isMin);
  if (tracer !== null) tracer.op(name, [x], { dim: normalizeDim(dim, Math.max(x.ndim, 1), name), keepdim }, out);
  return out;
}

/** The smallest element (a 0-d tensor). */
export function min(x: Tensor): Tensor;
/** The smallest elements along `dim` and their indices, like `torch.min(x, 1)`. */
export function min(x: Tensor, dim: number, keepdim?: boolean): [Tensor, Tensor];
export function min(x: Tensor, dim?: number, keepdim = false): Tensor | [Tensor, Tensor] {
  return extreme(x, dim, keepdim, true);
}

/** argmax and argmin of a bool tensor are an Error, as in PyTorch. */
function checkArgInput(x: Tensor, where: string): void {
  checkTensor(x, where);
  if (x.dtype === 'bool') throw new Error(`${where}: does not support bool input (as in PyTorch); convert it with .int() first`);
}

/** Index of the largest element (of the flattened tensor when `dim` is not given), as int32. */
export function argmax(x: Tensor, dim?: number, keepdim = false): Tensor {
  checkArgInput(x, 'argmax');
  return argExtreme(x, dim, keepdim, false);
}

function argExtreme(x: Tensor, dim: number | undefined, keepdim: boolean, isMin: boolean): Tensor {
  const name = isMin ? 'argmin' : 'argmax';
  let y: Tensor;
  if (dim !== undefined) y = extremeDim(x, dim, keepdim, isMin)[1];
  else {
    const flat = extremeDim(x.reshape([-1]), 0, false, isMin)[1];
    y = keepdim ? flat.reshape(x.shape.map(() => 1)) : flat; // keepdim without a dim keeps every dim, as size 1
  }
  if (tracer !== null) tracer.op(name, [x], { dim: dim === undefined ? null : normalizeDim(dim, Math.max(x.ndim, 1), name), keepdim }, y);
  return y;
}

/** Index of the smallest element (of the flattened tensor when `dim` is not given), as int32. */
export function argmin(x: Tensor, dim?: number, keepdim = false): Tensor {
  checkArgInput(x, 'argmin');
  return argExtreme(x, dim, keepdim, true);
}

// ---- shared by the reductions below ----

/** x's elements with the reduced `dims` moved last, so that each output element reduces one contiguous row of n. */
function rowsOf(x: Tensor, dims: readonly number[]): { data: TypedArray; rows: number; n: number } {
  let n = 1;
  for (const d of dims) n *= x.shape[d];
  const kept = x.shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const rows = numel(kept.map((i) => x.shape[i]));
  const perm = [...kept, ...dims];
  if (perm.every((p, i) => p === i)) return { data: x.data, rows, n };
  const data = allocate(x.dtype, x.numel());
  permuteKernel(x.data, x.shape, perm, data);
  return { data, rows, n };
}

/** A reduction's output: the kept shape (reduced dims of size 1) and the shape it returns. */
function outShapes(x: Tensor, dims: readonly number[], keepdim: boolean): { kept: number[]; shape: number[] } {
  return { kept: reducedShape(x.shape, dims, true), shape: reducedShape(x.shape, dims, keepdim) };
}

/** The reduced dims; with `noIdentity`, a reduced dim of size 0 is an Error naming it (max-like ops). */
function dimsOf(x: Tensor, dim: Dims, where: string, noIdentity = false): number[] {
  const dims = reducedDims(x, dim, where);
  const empty = noIdentity ? dims.find((d) => x.shape[d] === 0) : undefined;
  if (empty !== undefined) {
    throw new Error(
      `${where}: cannot reduce dim ${empty} (of size 0) of the tensor of shape ${fmt(x.shape)} (no identity for ${where}); give dims of non-zero size`,
    );
  }
  return dims;
}

/** The dtype an options object names (checked), or undefined. */
function optionDtype(options: { dtype?: DType } | undefined, where: string): DType | undefined {
  checkOptions(options, ['dtype'], where, NO_OUT);
  return options?.dtype === undefined ? undefined : checkDtype(options.dtype, where);
}

// ---- nansum, nanmean ----

/** Sum treating NaN as 0 (`torch.nansum`), over all elements or `dim`; integers sum to int32 as in sum. */
export function nansum(x: Tensor, dim?: Dims, keepdim = false, options?: { dtype?: DType }): Tensor {
  checkReduce(x, keepdim, 'nansum');
  const dtype = optionDtype(options, 'nansum');
  const input = dtype === undefined ? x : toDtype(x, dtype);
  const dims = reducedDims(input, dim, 'nansum');
  let clean = input.detach();
  if (isFloatDtype(input.dtype)) {
    clean = new Tensor(input.data.slice(), input.shape, input.dtype);
    for (let i = 0; i < clean.data.length; i++) if (clean.data[i] !== clean.data[i]) clean.data[i] = 0;
  }
  const { kept, shape } = outShapes(input, dims, keepdim);
  const y = scaledSum(clean, dims, 1, 'nansum').reshape(shape).detach();
  return needsGrad(input) ? record(y, new NansumBackward(input, kept), input) : y;
}

class NansumBackward extends Node {
  readonly name = 'NansumBackward0';
  constructor(
    x: Tensor,
    private readonly kept: Shape,
  ) {
    super();
    this.save(x);
  }
  // d/dx nansum(x) = g spread over the summed dims, 0 where x is NaN
  backward(g: Tensor): Tensor[] {
    const x = this.saved[0];
    return [mul(reshape(g, this.kept), eq(x, x))];
  }
}

/** Mean of the elements that are not NaN (`torch.nanmean`): nansum over the count of non-NaN; float only. */
export function nanmean(x: Tensor, dim?: Dims, keepdim = false, options?: { dtype?: FloatDType }): Tensor {
  checkReduce(x, keepdim, 'nanmean');
  const dtype = optionDtype(options, 'nanmean');
  if (dtype !== undefined && !isFloatDtype(dtype)) throw new Error(`nanmean: dtype must be a floating point dtype, got ${dtype}`);
  if (!isFloatDtype(x.dtype)) throw new Error(`nanmean: input dtype must be a floating point dtype, got ${x.dtype}; convert with .float() first`);
  const input = dtype === undefined ? x : toDtype(x, dtype);
  return div(nansum(input, dim, keepdim), sum(eq(input, input), dim, keepdim));
}

// ---- amax, amin, aminmax ----

function extremeOver(x: Tensor, dim: Dims, keepdim: boolean, isMin: boolean, name: string, where: string): Tensor {
  const dims = dimsOf(x, dim, where, true);
  const { kept, shape } = outShapes(x, dims, keepdim);
  const { data, rows, n } = rowsOf(x, dims);
  const y = zerosOf(shape, x.dtype);
  k.extremeRows(data, rows, n, isMin, y.data);
  return needsGrad(x) ? record(y, new AmaxBackward(name, x, y, dims, kept), x) : y;
}

class AmaxBackward extends Node {
  constructor(
    readonly name: string,
    x: Tensor,
    y: Tensor,
    private readonly dims: readonly number[],
    private readonly kept: Shape,
  ) {
    super();
    this.save(x, y);
  }
  // d/dx amax(x) = g shared evenly among the elements equal to the max of their slice (PyTorch's scale_grad_by_count)
  backward(g: Tensor): Tensor[] {
    const [x, y] = this.saved;
    const mask = eq(x, reshape(y, this.kept).detach());
    return [mul(div(reshape(g, this.kept), sum(mask, this.dims, true)), mask)];
  }
}

/** The largest elements over `dim` (a dim, a list, or all by default), values only (`torch.amax`); ties share the gradient. */
export function amax(x: Tensor, dim: Dims = [], keepdim = false): Tensor {
  checkReduce(x, keepdim, 'amax');
  const y = extremeOver(x, dim, keepdim, false, 'AmaxBackward0', 'amax');
  if (tracer !== null) tracer.op('amax', [x], { dim: reducedDims(x, dim, 'amax'), keepdim }, y);
  return y;
}

/** The smallest elements over `dim` (a dim, a list, or all by default), values only (`torch.amin`); ties share the gradient. */
export function amin(x: Tensor, dim: Dims = [], keepdim = false): Tensor {
  checkReduce(x, keepdim, 'amin');
  const y = extremeOver(x, dim, keepdim, true, 'AminBackward0', 'amin');
  if (tracer !== null) tracer.op('amin', [x], { dim: reducedDims(x, dim, 'amin'), keepdim }, y);
  return y;
}

/** `[min, max]` of all elements, or along `options.dim` (one dim), in one call (`torch.aminmax`). */
export function aminmax(x: Tensor, options?: { dim?: number | null; keepdim?: boolean }): [Tensor, Tensor] {
  checkTensor(x, 'aminmax');
  checkOptions(options, ['dim', 'keepdim'], 'aminmax', NO_OUT);
  const keepdim = options?.keepdim ?? false;
  checkReduce(x, keepdim, 'aminmax');
  const dim = options?.dim ?? null;
  if (dim !== null) checkInteger(dim, 'aminmax', 'dim');
  const dims = reducedDims(x, dim, 'aminmax');
  if (dims.some((d) => x.shape[d] === 0)) {
    throw new Error(`aminmax: cannot compute aminmax over an empty dimension of the tensor of shape ${fmt(x.shape)} (the operation has no identity)`);
  }
  return [extremeOver(x, dims, keepdim, true, 'AminmaxBackward0', 'aminmax'), extremeOver(x, dims, keepdim, false, 'AminmaxBackward0', 'aminmax')];
}

// ---- any, all, countNonzero ----

function countNonzeroOver(x: Tensor, dims: readonly number[]): { counts: Float64Array; n: number } {
  const { data, rows, n } = rowsOf(x, dims);
  const counts = new Float64Array(rows);
  k.countNonzeroRows(data, rows, n, counts);
  return { counts, n };
}

function truthOver(x: Tensor, dim: Dims, keepdim: boolean, isAll: boolean): Tensor {
  const where = isAll ? 'all' : 'any';
  checkReduce(x, keepdim, where);
  const dims = reducedDims(x, dim, where);
  const { counts, n } = countNonzeroOver(x, dims);
  const y = zerosOf(reducedShape(x.shape, dims, keepdim), 'bool');
  for (let r = 0; r < counts.length; r++) y.data[r] = (isAll ? counts[r] === n : counts[r] > 0) ? 1 : 0;
  return y;
}

/** Whether any element is nonzero (NaN counts), over all elements or `dim` (a dim or a list), as bool (`torch.any`). */
export function any(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return truthOver(x, dim, keepdim, false);
}

/** Whether every element is nonzero (NaN counts; true for none), over all elements or `dim`, as bool (`torch.all`). */
export function all(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return truthOver(x, dim, keepdim, true);
}

/** The number of nonzero elements (NaN counts), over all elements or `dim` (a dim or a list), as int32 (`torch.count_nonzero`). */
export function countNonzero(x: Tensor, dim?: Dims): Tensor {
  checkTensor(x, 'countNonzero');
  const dims = reducedDims(x, dim, 'countNonzero');
  const { counts } = countNonzeroOver(x, dims);
  const y = zerosOf(reducedShape(x.shape, dims, false), 'int32');
  y.data.set(counts);
  return y;
}

// ---- logsumexp ----

/**
 * log(sum(exp(x))) over `dim` (a dim or a list; required, as in PyTorch) without overflow
 * (`torch.logsumexp`): the max is taken out first. Integer and bool inputs compute in the default float.
 */
export function logsumexp(x: Tensor, dim: number | readonly number[], keepdim = false): Tensor {
  checkReduce(x, keepdim, 'logsumexp');
  if (dim === undefined || dim === null || (Array.isArray(dim) && dim.length === 0)) {
    throw new Error(`logsumexp: dim is required (a dimension or a non-empty list of them), got ${describe(dim)}`);
  }
  const input = isFloatDtype(x.dtype) ? x : toDtype(x, floatDtypeOf(x));
  const dims = reducedDims(input, dim, 'logsumexp');
  const { kept, shape } = outShapes(input, dims, keepdim);
  const { data, rows, n } = rowsOf(input, dims);
  const y = zerosOf(shape, input.dtype);
  k.logsumexpRows(data, rows, n, y.data);
  return needsGrad(input) ? record(y, new LogsumexpBackward(input, y, kept), input) : y;
}

class LogsumexpBackward extends Node {
  readonly name = 'LogsumexpBackward0';
  constructor(
    x: Tensor,
    y: Tensor,
    private readonly kept: Shape,
  ) {
    super();
    this.save(x, y);
  }
  // d/dx logsumexp(x) = g * exp(x - logsumexp(x)), the softmax of x
  backward(g: Tensor): Tensor[] {
    const [x, y] = this.saved;
    return [mul(reshape(g, this.kept), exp(sub(x, reshape(y, this.kept))))];
  }
}

// ---- var, std, varMean, stdMean ----

/** Keyword options of var, std, varMean and stdMean. */
export interface VarOptions {
  /** The divisor is N - correction (1: Bessel's correction, the default; 0: the population variance). */
  correction?: number;
  keepdim?: boolean;
  /** PyTorch's older spelling: true is correction 1, false is correction 0. */
  unbiased?: boolean;
}

type MomentKind = 'var' | 'std' | 'varMean' | 'stdMean';

/**
 * Reads PyTorch's two call forms: `var(x, dim, { correction, keepdim })` and the older
 * `var(x, dim, unbiased, keepdim)` (and `var(x, unbiased)`), all optional.
 */
function momentArgs(
  where: MomentKind,
  x: Tensor,
  dim: Dims | boolean,
  third: boolean | VarOptions | undefined,
  fourth: boolean | undefined,
): { dims: number[]; correction: number; keepdim: boolean } {
  checkTensor(x, where);
  if (!isFloatDtype(x.dtype)) {
    throw new Error(`${where}: input dtype must be a floating point dtype, got ${x.dtype} (std and var only support floating point dtypes, as in PyTorch)`);
  }
  let correction = 1;
  let keepdim = false;
  if (typeof dim === 'boolean') {
    if (third !== undefined || fourth !== undefined) {
      throw new Error(
        `${where}: after unbiased given in place of dim (${where}(x, ${dim})), no other argument is allowed; use ${where}(x, dim, unbiased, keepdim)`,
      );
    }
    return { dims: reducedDims(x, null, where), correction: dim ? 1 : 0, keepdim };
  }
  if (typeof third === 'boolean') {
    correction = third ? 1 : 0;
    if (fourth !== undefined) keepdim = checkBoolean(fourth, where, 'keepdim');
  } else {
    checkOptions(third, ['correction', 'keepdim', 'unbiased'], where, NO_OUT);
    if (fourth !== undefined) throw new Error(`${where}: keepdim goes in the options object when one is given, got a 4th argument ${describe(fourth)}`);
    if (third?.correction !== undefined && third.unbiased !== undefined) {
      throw new Error(`${where}: give correction or unbiased, not both (unbiased: true is correction 1, false is correction 0)`);
    }
    if (third?.correction !== undefined) correction = checkNumber(third.correction, where, 'correction');
    if (third?.unbiased !== undefined) correction = checkBoolean(third.unbiased, where, 'unbiased') ? 1 : 0;
    if (third?.keepdim !== undefined) keepdim = checkBoolean(third.keepdim, where, 'keepdim');
  }
  return { dims: reducedDims(x, dim, where), correction, keepdim };
}

/** [variance, mean, std or null, the kept shape, the divisor] of x over dims. */
function moments(where: MomentKind, x: Tensor, dim: Dims | boolean, third: boolean | VarOptions | undefined, fourth: boolean | undefined) {
  const { dims, correction, keepdim } = momentArgs(where, x, dim, third, fourth);
  const { kept, shape } = outShapes(x, dims, keepdim);
  const { data, rows, n } = rowsOf(x, dims);
  const variance = zerosOf(shape, x.dtype);
  const mean = zerosOf(shape, x.dtype);
  k.varRows(data, rows, n, Math.max(0, n - correction), variance.data, mean.data);
  let std: Tensor | null = null;
  if (where === 'std' || where === 'stdMean') {
    std = zerosOf(shape, x.dtype);
    for (let i = 0; i < std.data.length; i++) std.data[i] = Math.sqrt(variance.data[i]);
  }
  const all = typeof dim === 'boolean' || dim === undefined || dim === null || x.ndim === 0;
  const reduction: Reduction = { dims, kept, dof: n - correction, all };
  return { reduction, kept, n, variance, mean, std };
}

class VarBackward extends Node {
  constructor(
    readonly name: string,
    x: Tensor,
    private readonly reduction: Reduction,
  ) {
    super();
    this.save(x);
  }
  // d/dx var(x) = g * 2 (x - mean(x)) / (N - correction)
  backward(g: Tensor): Tensor[] {
    return [varGrad(reshape(g, this.reduction.kept), this.saved[0], this.reduction)];
  }
}

/** What var's and std's backwards need: the reduced dims, the kept shape, N - correction, and whether dim was left out. */
interface Reduction {
  dims: readonly number[];
  kept: Shape;
  dof: number;
  all: boolean;
}

/**
 * g * 2 (x - mean(x)) / (N - correction), as PyTorch's var_backward: without a dim and with
 * N - correction <= 0 it is g * inf (NaN where x is its mean); with a dim, N - correction is not
 * clamped at 0 as the forward's divisor is.
 */
function varGrad(g: Tensor, x: Tensor, r: Reduction): Tensor {
  if (r.all && r.dof <= 0) return mul(g, where(eq(x, mean(x)), NaN, Infinity));
  return mul(mul(g, sub(x, mean(x, r.dims, true))), 2 / r.dof);
}

class StdBackward extends Node {
  constructor(
    readonly name: string,
    x: Tensor,
    y: Tensor,
    private readonly reduction: Reduction,
  ) {
    super();
    this.save(x, y);
  }
  // d/dx std(x) = d/dx var(x) * g / (2 std(x)), 0 where std(x) = 0
  backward(g: Tensor): Tensor[] {
    const [x, y] = this.saved;
    const std = reshape(y, this.reduction.kept);
    return [varGrad(where(eq(std, 0), 0, div(reshape(g, this.reduction.kept), mul(std, 2))), x, this.reduction)];
  }
}

/**
 * Variance over all elements or `dim` (a dim or a list), with divisor N - correction (`torch.var`):
 * `var(x, dim, { correction, keepdim })`, or PyTorch's older `var(x, dim, unbiased, keepdim)` and
 * `var(x, unbiased)`. Float only; N - correction <= 0 gives inf or NaN, as in PyTorch.
 */
function variance(x: Tensor, dim?: Dims | boolean, unbiased?: boolean | VarOptions, keepdim?: boolean): Tensor {
  const m = moments('var', x, dim, unbiased, keepdim);
  return needsGrad(x) ? record(m.variance, new VarBackward('VarBackward0', x, m.reduction), x) : m.variance;
}
export { variance as var };

/** Standard deviation, the square root of `var` (`torch.std`), with var's arguments. */
export function std(x: Tensor, dim?: Dims | boolean, unbiased?: boolean | VarOptions, keepdim?: boolean): Tensor {
  const m = moments('std', x, dim, unbiased, keepdim);
  const y = m.std!;
  return needsGrad(x) ? record(y, new StdBackward('StdBackward0', x, y, m.reduction), x) : y;
}

/** `[var, mean]` in one pass (`torch.var_mean`), with var's arguments. */
export function varMean(x: Tensor, dim?: Dims | boolean, unbiased?: boolean | VarOptions, keepdim?: boolean): [Tensor, Tensor] {
  const m = moments('varMean', x, dim, unbiased, keepdim);
  if (!needsGrad(x)) return [m.variance, m.mean];
  const name = 'VarMeanBackward0';
  return [record(m.variance, new VarBackward(name, x, m.reduction), x), record(m.mean, new SumBackward(name, x.shape, m.kept, 1 / m.n), x)];
}

/** `[std, mean]` in one pass (`torch.std_mean`), with var's arguments. */
export function stdMean(x: Tensor, dim?: Dims | boolean, unbiased?: boolean | VarOptions, keepdim?: boolean): [Tensor, Tensor] {
  const m = moments('stdMean', x, dim, unbiased, keepdim);
  const y = m.std!;
  if (!needsGrad(x)) return [y, m.mean];
  const name = 'StdMeanBackward0';
  return [record(y, new StdBackward(name, x, y, m.reduction), x), record(m.mean, new SumBackward(name, x.shape, m.kept, 1 / m.n), x)];
}

// ---- norm ----

/**
 * The vector p-norm over all elements or `dim` (a dim or a list), as `torch.norm` (which runs
 * `torch.linalg.vector_norm`): p = 'fro' (the default) and 2 are the Euclidean norm, 1 the sum of
 * |x|, Infinity / -Infinity the largest / smallest |x|, 0 the count of nonzeros, others
 * (sum |x|^p)^(1/p). Float only; `options.dtype` computes in a wider float dtype.
 */
export function norm(x: Tensor, p: number | 'fro' | 'nuc' = 'fro', dim?: Dims, keepdim = false, options?: { dtype?: FloatDType }): Tensor {
  checkReduce(x, keepdim, 'norm');
  checkOptions(options, ['dtype'], 'norm', NO_OUT);
  if (p === 'nuc') throw new Error("norm: p 'nuc' (the nuclear norm) is not supported: it needs a singular value decomposition, which tsgrad does not have");
  if (p !== 'fro' && typeof p !== 'number') throw new Error(`norm: p must be a number, 'fro' or 'nuc', got ${describe(p)}`);
  if (p === 'fro' && Array.isArray(dim) && dim.length > 2) {
    throw new Error(`norm: the Frobenius norm takes at most 2 dims, got dim ${fmt(dim)}; use a number p (p = 2 is the same norm) for more`);
  }
  if (!isFloatDtype(x.dtype))
    throw new Error(`norm: input must be a floating point tensor, got ${x.dtype} (as linalg.vector_norm); convert it with .float() first`);
  let input = x;
  if (options?.dtype !== undefined) {
    const dtype = checkDtype(options.dtype, 'norm');
    if (!isFloatDtype(dtype)) throw new Error(`norm: dtype must be a floating point dtype, got ${dtype}`);
    if (x.dtype === 'float64' && dtype === 'float32') {
      throw new Error('norm: the dtype of the input (float64) must convert to options.dtype (float32) without narrowing');
    }
    input = toDtype(x, dtype);
  }
  const order = p === 'fro' ? 2 : p;
  const dims = reducedDims(input, dim, 'norm');
  const empty = dims.find((d) => input.shape[d] === 0);
  if (empty !== undefined && (order < 0 || order === Infinity)) {
    throw new Error(`norm: cannot compute the ${order} norm over dim ${empty}, which is empty (the operation has no identity)`);
  }
  const { kept, shape } = outShapes(input, dims, keepdim);
  const { data, rows, n } = rowsOf(input, dims);
  const y = zerosOf(shape, input.dtype);
  k.normRows(data, rows, n, order, y.data);
  return needsGrad(input) ? record(y, new NormBackward(input, y, order, dims, kept), input) : y;
}

class NormBackward extends Node {
  readonly name = 'LinalgVectorNormBackward0';
  constructor(
    x: Tensor,
    y: Tensor,
    private readonly p: number,
    private readonly dims: readonly number[],
    private readonly kept: Shape,
  ) {
    super();
    this.save(x, y);
  }
  // d/dx ||x||_p = sign(x) |x|^(p-1) / ||x||^(p-1) * g (PyTorch's norm_backward, case by case: 0 where the norm is 0;
  // p = inf shares g among the elements of largest |x|; p = 0 has gradient 0)
  backward(grad: Tensor): (Tensor | null)[] {
    const [x, y] = this.saved;
    const p = this.p;
    const g = reshape(grad, this.kept);
    const n = reshape(y, this.kept);
    if (p === 0) return [null]; // no gradient, as PyTorch (x.grad stays None)
    if (p === 1) return [mul(sign(x), g)];
    if (p === 2) return [mul(g, where(eq(n, 0), 0, div(x, n)))];
    if (p === Infinity || p === -Infinity) {
      const ax = abs(x);
      const mask = add(eq(ax, n.detach()), ne(ax, ax)); // bool + bool is logical or
      return [mul(sign(x), mul(div(g, sum(mask, this.dims, true)), mask))];
    }
    if (p < 1) return [mul(mul(mul(sign(x), where(eq(x, 0), 0, pow(abs(x), p - 1))), g), pow(n, 1 - p))];
    const scaled = p < 2 ? mul(sign(x), pow(abs(x), p - 1)) : mul(x, pow(abs(x), p - 2));
    return [mul(scaled, where(eq(n, 0), 0, div(g, pow(n, p - 1))))];
  }
}
