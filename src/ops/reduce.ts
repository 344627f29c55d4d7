/** Reductions: sum, mean, max, min, argmax, argmin. */
import { Node } from '../autograd/node';
import { isFloatDtype } from '../dtype';
import { describe } from '../options';
import * as k from '../kernels/reduce';
import { fmt, normalizeDim, type Shape, splitAt } from '../shape';
import type { Tensor } from '../tensor';
import { div, mul, where } from './binary';
import { checkTensor, expandTo, zerosOf } from './helpers';
import { expand, reshape, scatterAdd } from './layout';
import { needsGrad, record } from '../autograd/record';

/** A dim, a list of dims, or null/undefined for all of them. */
export type Dims = number | readonly number[] | null | undefined;

/** The sorted, non-negative dims that `dim` names; none (or an empty list, as in PyTorch) means all. */
function reducedDims(x: Tensor, dim: Dims, where: string): number[] {
  if (dim === null || dim === undefined || (Array.isArray(dim) && dim.length === 0)) return x.shape.map((_, i) => i);
  if (typeof dim !== 'number' && !Array.isArray(dim)) throw new Error(`${where}: dim must be a whole number, a list of them, or null, got ${describe(dim)}`);
  const list = typeof dim === 'number' ? [dim] : [...dim];
  const dims = list.map((d) => normalizeDim(d, x.ndim, where));
  if (new Set(dims).size !== dims.length) throw new Error(`${where}: dim ${JSON.stringify(list)} names a dimension twice`);
  if (x.ndim === 0) return []; // dim 0 (or -1) of a 0-d tensor is allowed, as in PyTorch, and reduces nothing
  return dims.sort((a, b) => a - b);
}

/** x's shape with `dims` set to 1 (keepdim) or removed. */
function reducedShape(shape: Shape, dims: readonly number[], keepdim: boolean): number[] {
  const out: number[] = [];
  shape.forEach((s, i) => {
    if (!dims.includes(i)) out.push(s);
    else if (keepdim) out.push(1);
  });
  return out;
}

/** Sum of x over `dims` times `scale`, shaped with kept dims of size 1. */
function scaledSum(x: Tensor, dims: readonly number[], scale: number): Tensor {
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
          `sum: the result ${data[i]} does not fit int32, tsgrad's integer dtype (for PyTorch's int64); ` + 'sum in floating point instead: x.double().sum()',
        );
      }
    }
  }
  const result = zerosOf(shape, isFloat ? x.dtype : 'int32');
  result.data.set(data);
  return result;
}

/** Checks a reduction's input and keepdim. */
function checkReduce(x: Tensor, keepdim: unknown, where: string): void {
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
  return reduceSum(x, dim, keepdim, false);
}

/** Mean of all elements, or over `dim`; float tensors only, as in PyTorch. */
export function mean(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  checkTensor(x, 'mean');
  if (!isFloatDtype(x.dtype)) {
    throw new Error(`mean: input dtype must be a floating point dtype, got ${x.dtype}; convert with .float() first`);
  }
  return reduceSum(x, dim, keepdim, true);
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
  return needsGrad(x) ? record(y, new ExtremeAllBackward(`${isMin ? 'Min' : 'Max'}Backward1`, x, y), x) : y;
}

class ExtremeAllBackward extends Node {
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
  if (!needsGrad(x)) return [values, indices];
  const node = new ExtremeDimBackward(`${isMin ? 'Min' : 'Max'}Backward0`, x.shape, d, indices);
  return [record(values, node, x), indices];
}

class ExtremeDimBackward extends Node {
  constructor(
    readonly name: string,
    private readonly inputShape: Shape,
    private readonly dim: number,
    indices: Tensor,
  ) {
    super();
    this.save(indices);
  }
  // d/dx max(x, dim) = g placed at the index of each max, 0 elsewhere
  backward(g: Tensor): Tensor[] {
    if (this.inputShape.length === 0) return [g]; // max of a 0-d tensor is itself
    const index = this.saved[0];
    const kept = [...this.inputShape];
    kept[this.dim] = 1;
    return [scatterAdd(zerosOf(this.inputShape, g.dtype), this.dim, index.reshape(kept), reshape(g, kept))];
  }
  override fastBackward(g: Tensor): Tensor[] {
    const index = this.saved[0].data as Int32Array;
    const [outer, n, inner] = splitAt(this.inputShape, this.dim);
    const out = zerosOf(this.inputShape, g.dtype);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) out.data[(o * n + index[o * inner + i]) * inner + i] = g.data[o * inner + i];
    }
    return [out];
  }
}

/** The largest element (a 0-d tensor). */
export function max(x: Tensor): Tensor;
/** The largest elements along `dim` and their indices, like `torch.max(x, 1)`. */
export function max(x: Tensor, dim: number, keepdim?: boolean): [Tensor, Tensor];
export function max(x: Tensor, dim?: number, keepdim = false): Tensor | [Tensor, Tensor] {
  return dim === undefined ? extremeAll(x, false) : extremeDim(x, dim, keepdim, false);
}

/** The smallest element (a 0-d tensor). */
export function min(x: Tensor): Tensor;
/** The smallest elements along `dim` and their indices, like `torch.min(x, 1)`. */
export function min(x: Tensor, dim: number, keepdim?: boolean): [Tensor, Tensor];
export function min(x: Tensor, dim?: number, keepdim = false): Tensor | [Tensor, Tensor] {
  return dim === undefined ? extremeAll(x, true) : extremeDim(x, dim, keepdim, true);
}

/** argmax and argmin of a bool tensor are an Error, as in PyTorch. */
function checkArgInput(x: Tensor, where: string): void {
  checkTensor(x, where);
  if (x.dtype === 'bool') throw new Error(`${where}: does not support bool input (as in PyTorch); convert it with .int() first`);
}

/** Index of the largest element (of the flattened tensor when `dim` is not given), as int32. */
export function argmax(x: Tensor, dim?: number, keepdim = false): Tensor {
  checkArgInput(x, 'argmax');
  if (dim !== undefined) return extremeDim(x, dim, keepdim, false)[1];
  const flat = extremeDim(x.reshape([-1]), 0, false, false)[1];
  return keepdim ? flat.reshape(x.shape.map(() => 1)) : flat; // keepdim without a dim keeps every dim, as size 1
}

/** Index of the smallest element (of the flattened tensor when `dim` is not given), as int32. */
export function argmin(x: Tensor, dim?: number, keepdim = false): Tensor {
  checkArgInput(x, 'argmin');
  if (dim !== undefined) return extremeDim(x, dim, keepdim, true)[1];
  const flat = extremeDim(x.reshape([-1]), 0, false, true)[1];
  return keepdim ? flat.reshape(x.shape.map(() => 1)) : flat; // keepdim without a dim keeps every dim, as size 1
}
