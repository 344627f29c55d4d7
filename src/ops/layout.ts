/**
 * Ops that rearrange elements: reshape and its composites (view, flatten, squeeze, unsqueeze),
 * permute and transpose, expand and its adjoint sumTo, cat and stack, gather and its adjoint
 * scatterAdd, indexSelect and its adjoint indexAdd, narrow, and takeFlat and its adjoint putFlat
 * (the primitive pair under flip, roll, diagonal, pad and the other ops of ops/shape.ts).
 */
import { Node } from '../autograd/node';
import { elementOf, promoteTypes } from '../dtype';
import * as k from '../kernels/layout';
import { fmt, normalizeDim, numel, sameShape, type Shape, splitAt } from '../shape';
import { Tensor } from '../tensor';
import { sumTo as sumToKernel } from '../kernels/broadcast';
import { cast, checkTensor, checkTensorList, expandTo, zerosOf } from './helpers';
import { describe } from '../options';
import { needsGrad, record } from '../autograd/record';
import { tracer } from '../autograd/trace-hook';

/** The shape `shape` asks for, with a single -1 inferred from x's element count. */
function resolveShape(x: Tensor, shape: Shape, where: string): number[] {
  checkTensor(x, where);
  if (!Array.isArray(shape)) throw new Error(`${where}: shape must be an array of sizes such as [2, -1], got ${describe(shape)}`);
  const wanted = [...shape];
  const inferred = wanted.indexOf(-1);
  if (wanted.some((s, i) => !Number.isInteger(s) || s < -1 || (s === -1 && i !== inferred))) {
    throw new Error(`${where}: invalid shape ${fmt(shape)} (sizes must be whole numbers >= 0, with at most one -1)`);
  }
  const known = numel(wanted.filter((s) => s !== -1));
  if (inferred >= 0 && known !== 0 && x.numel() % known === 0) wanted[inferred] = x.numel() / known;
  if (wanted.includes(-1) || numel(wanted) !== x.numel()) {
    throw new Error(`${where}: shape ${fmt(shape)} is invalid for input of size ${x.numel()} (shape ${fmt(x.shape)})`);
  }
  return wanted;
}

/** The same elements in a new shape, sharing x's data (`torch.reshape` / `view`); one size may be -1. */
export function reshape(x: Tensor, shape: Shape): Tensor {
  const y = viewAs(x, resolveShape(x, shape, 'reshape'), 'ViewBackward0');
  if (tracer !== null) tracer.op('reshape', [x], { shape: y.shape }, y);
  return y;
}

/**
 * @internal x's data in `shape` (already resolved), recorded under `name`: PyTorch prints a view made
 * by squeeze, unsqueeze or matmul's reshapes with their own names (`SqueezeBackward0`, `DotBackward0`).
 */
export function viewAs(x: Tensor, shape: Shape, name: string): Tensor {
  const y = x._view(shape);
  return needsGrad(x) ? record(y, new ViewBackward(name, x.shape), x) : y;
}

class ViewBackward extends Node {
  constructor(
    readonly name: string,
    private readonly inputShape: Shape,
  ) {
    super();
  }
  // d/dx reshape(x) = g reshaped back
  backward(g: Tensor): Tensor[] {
    return [reshape(g, this.inputShape)];
  }
  override fastBackward(g: Tensor): Tensor[] {
    return [g._view(this.inputShape)];
  }
}

/** Merges dims startDim..endDim into one (`torch.flatten`). */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  checkTensor(x, 'flatten');
  const start = normalizeDim(startDim, x.ndim, 'flatten');
  const end = normalizeDim(endDim, x.ndim, 'flatten');
  if (x.ndim === 0) return reshape(x, [1]); // dims 0 and -1 of a 0-d tensor, as in PyTorch
  if (start > end) throw new Error(`flatten: startDim (${startDim}) cannot come after endDim (${endDim})`);
  if (start === end) return x; // nothing to merge: PyTorch returns the input itself
  const merged = numel(x.shape.slice(start, end + 1));
  const y = reshape(x, [...x.shape.slice(0, start), merged, ...x.shape.slice(end + 1)]);
  if (tracer !== null) tracer.op('flatten', [x], { startDim: start, endDim: end }, y);
  return y;
}

/** Removes size-1 dims: all of them, or only `dim` (a no-op when that size is not 1), as in PyTorch. */
export function squeeze(x: Tensor, dim?: number | readonly number[]): Tensor {
  checkTensor(x, 'squeeze');
  let y: Tensor;
  let dims: number[];
  if (dim === undefined) {
    dims = x.shape.flatMap((s, i) => (s === 1 ? [i] : []));
    y = viewAs(
      x,
      x.shape.filter((s) => s !== 1),
      'SqueezeBackward0',
    );
  } else {
    dims = (Array.isArray(dim) ? dim : [dim]).map((d) => normalizeDim(d, x.ndim, 'squeeze'));
    const repeated = dims.find((d, i) => dims.indexOf(d) !== i);
    if (repeated !== undefined) throw new Error(`squeeze: dim ${repeated} appears multiple times in the list of dims`);
    y = viewAs(
      x,
      x.shape.filter((s, i) => !(s === 1 && dims.includes(i))),
      Array.isArray(dim) ? 'SqueezeBackward2' : 'SqueezeBackward1',
    );
  }
  // the trace keeps the dims removed (those of size 1), sorted
  if (tracer !== null) tracer.op('squeeze', [x], { dim: dims.filter((d) => x.shape[d] === 1).sort((a, b) => a - b) }, y);
  return y;
}

/** Inserts a size-1 dim at `dim` (negative counts from the end of the result, as in PyTorch). */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  checkTensor(x, 'unsqueeze');
  const d = normalizeDim(dim, x.ndim + 1, 'unsqueeze');
  const y = viewAs(x, [...x.shape.slice(0, d), 1, ...x.shape.slice(d)], 'UnsqueezeBackward0');
  if (tracer !== null) tracer.op('unsqueeze', [x], { dim: d }, y);
  return y;
}

function permuteAs(x: Tensor, dims: readonly number[], name: string): Tensor {
  const where = name === 'TransposeBackward0' ? 'transpose' : 'permute';
  checkTensor(x, where);
  if (!Array.isArray(dims)) throw new Error(`${where}: dims must be an array such as [1, 0], got ${describe(dims)}`);
  if (dims.length !== x.ndim) {
    throw new Error(`${where}: the number of dims (${dims.length}) must match the tensor's ${x.ndim} dims (shape ${fmt(x.shape)})`);
  }
  const perm = dims.map((d) => normalizeDim(d, x.ndim, where));
  if (new Set(perm).size !== perm.length) throw new Error(`${where}: dims ${fmt(dims)} repeat a dimension`);
  const y = zerosOf(
    perm.map((p) => x.shape[p]),
    x.dtype,
  );
  k.permute(x.data, x.shape, perm, y.data);
  if (needsGrad(x)) record(y, new PermuteBackward(name, perm), x);
  if (tracer !== null) tracer.op(where, [x], { dims: perm }, y);
  return y;
}

class PermuteBackward extends Node {
  constructor(
    readonly name: string,
    private readonly perm: readonly number[],
  ) {
    super();
  }
  // d/dx permute(x, p) = g permuted by the inverse of p
  backward(g: Tensor): Tensor[] {
    const inverse = new Array<number>(this.perm.length);
    this.perm.forEach((p, i) => (inverse[p] = i));
    return [permute(g, inverse)];
  }
}

/** Reorders the dims (`torch.permute`); the result is a contiguous copy. */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  return permuteAs(x, dims, 'PermuteBackward0');
}

/** Swaps two dims (`torch.transpose`); the result is a contiguous copy. */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  checkTensor(x, 'transpose');
  const a = normalizeDim(dim0, x.ndim, 'transpose');
  const b = normalizeDim(dim1, x.ndim, 'transpose');
  const perm = x.shape.map((_, i) => (i === a ? b : i === b ? a : i));
  return permuteAs(x, perm, 'TransposeBackward0');
}

/** `x.T`: the dims reversed (a plain transpose for 2-D); PyTorch records it as a permute. */
export function T(x: Tensor): Tensor {
  return permuteAs(
    x,
    x.shape.map((_, i) => x.ndim - 1 - i),
    'PermuteBackward0',
  );
}

/** Repeats size-1 dims to `shape` (-1 keeps a size), as a copy (`torch.expand`). */
export function expand(x: Tensor, shape: Shape): Tensor {
  checkTensor(x, 'expand');
  if (!Array.isArray(shape)) throw new Error(`expand: shape must be an array of sizes such as [2, -1], got ${describe(shape)}`);
  const offset = shape.length - x.ndim;
  if (shape.some((s, i) => !Number.isInteger(s) || s < -1 || (s === -1 && i < offset))) {
    throw new Error(
      `expand: invalid shape ${fmt(shape)} for a tensor of shape ${fmt(x.shape)} (sizes must be whole numbers >= 0, or -1 to keep an existing dim)`,
    );
  }
  const target = shape.map((s, i) => (s === -1 && i >= offset ? x.shape[i - offset] : s));
  const expanded = expandTo(x, target);
  const y = expanded === x ? x._view(x.shape) : expanded;
  if (needsGrad(x)) record(y, new ExpandBackward(x.shape), x);
  if (tracer !== null) tracer.op('expand', [x], { size: y.shape }, y);
  return y;
}

class ExpandBackward extends Node {
  readonly name = 'ExpandBackward0';
  constructor(private readonly inputShape: Shape) {
    super();
  }
  // d/dx expand(x) = g summed over the repeated dims
  backward(g: Tensor): Tensor[] {
    return [sumTo(g, this.inputShape)];
  }
}

/**
 * x summed down to `shape`, which x's shape broadcasts from (PyTorch's `sum_to`): the adjoint of
 * expand, and the one place where broadcasting ops reduce their gradients.
 */
export function sumTo(x: Tensor, shape: Shape): Tensor {
  checkTensor(x, 'sumTo');
  if (!Array.isArray(shape)) throw new Error(`sumTo: shape must be an array of sizes, got ${describe(shape)}`);
  if (sameShape(x.shape, shape)) return x;
  if (shape.length > x.ndim) {
    throw new Error(`sumTo: cannot reduce a tensor of shape ${fmt(x.shape)} to the larger shape ${fmt(shape)}`);
  }
  const out = zerosOf(shape, x.dtype);
  sumToKernel(x.data, x.shape, shape, out.data);
  return needsGrad(x) ? record(out, new SumToBackward(x.shape), x) : out;
}

class SumToBackward extends Node {
  readonly name = 'SumBackward1';
  constructor(private readonly inputShape: Shape) {
    super();
  }
  // d/dx sumTo(x) = g expanded back over the summed dims
  backward(g: Tensor): Tensor[] {
    return [expand(g, this.inputShape)];
  }
}

/** Joins tensors along an existing dim (`torch.cat`); all other sizes must match. */
export function cat(list: readonly Tensor[], dim = 0): Tensor {
  return catAs(checkTensorList(list, 'cat'), dim, 'CatBackward0');
}

function catAs(tensors: Tensor[], dim: number, name: string): Tensor {
  const first = tensors[0];
  const d = normalizeDim(dim, first.ndim, 'cat');
  if (first.ndim === 0) throw new Error('cat: zero-dimensional tensors cannot be concatenated; use stack');
  const dtype = tensors.map((t) => t.dtype).reduce(promoteTypes);
  tensors.forEach((t, i) => {
    if (t.ndim !== first.ndim || t.shape.some((s, j) => j !== d && s !== first.shape[j])) {
      throw new Error(`cat: sizes must match except in dimension ${d}: tensors[0] has shape ${fmt(first.shape)}, tensors[${i}] has shape ${fmt(t.shape)}`);
    }
  });
  const sizes = tensors.map((t) => t.shape[d]);
  const [outer, , inner] = splitAt(first.shape, d);
  const shape = [...first.shape];
  shape[d] = sizes.reduce((a, b) => a + b, 0);
  const y = zerosOf(shape, dtype);
  k.concat(
    tensors.map((t) => cast(t, dtype).data),
    sizes,
    outer,
    inner,
    y.data,
  );
  if (needsGrad(...tensors)) record(y, new CatBackward(name, sizes, d), ...tensors);
  if (tracer !== null) tracer.op('cat', tensors, { dim: d }, y);
  return y;
}

class CatBackward extends Node {
  constructor(
    readonly name: string,
    private readonly sizes: readonly number[],
    private readonly dim: number,
  ) {
    super();
  }
  // d/dx_i cat(x) = the slab of g that x_i filled
  backward(g: Tensor): (Tensor | null)[] {
    let start = 0;
    return this.sizes.map((s, i) => {
      start += s;
      return this.needsInputGrad[i] ? narrow(g, this.dim, start - s, s) : null;
    });
  }
  override fastBackward(g: Tensor): (Tensor | null)[] {
    const [outer, , inner] = splitAt(g.shape, this.dim);
    const parts = this.sizes.map((s, i) => {
      if (!this.needsInputGrad[i]) return null;
      const shape = [...g.shape];
      shape[this.dim] = s;
      return zerosOf(shape, g.dtype);
    });
    k.split(
      g.data,
      this.sizes,
      outer,
      inner,
      parts.map((p) => (p ? p.data : null)),
    );
    return parts;
  }
}

/** Joins same-shape tensors along a new dim (`torch.stack`). */
export function stack(list: readonly Tensor[], dim = 0): Tensor {
  const tensors = checkTensorList(list, 'stack');
  tensors.forEach((t, i) => {
    if (!sameShape(t.shape, tensors[0].shape)) {
      throw new Error(`stack: expects each tensor to be equal size, but got ${fmt(tensors[0].shape)} at entry 0 and ${fmt(t.shape)} at entry ${i}`);
    }
  });
  const d = normalizeDim(dim, tensors[0].ndim + 1, 'stack');
  const y = catAs(
    tensors.map((t) => unsqueeze(t, d)),
    d,
    'StackBackward0',
  );
  if (tracer !== null) tracer.op('stack', tensors, { dim: d }, y);
  return y;
}

function checkIndex(index: Tensor, size: number, where: string): Int32Array {
  if (index.dtype !== 'int32') throw new Error(`${where}: index must be an int32 tensor, got ${index.dtype}`);
  const idx = index.data as Int32Array;
  for (let i = 0; i < idx.length; i++) {
    if (idx[i] < 0 || idx[i] >= size) throw new Error(`${where}: index ${idx[i]} is out of bounds for dimension with size ${size}`);
  }
  return idx;
}

/** out[i][j] = x[i][index[i][j]] along `dim` (`torch.gather`); index is int32 with x's rank. */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  checkTensor(x, 'gather');
  checkTensor(index, 'gather', 'index');
  const d = normalizeDim(dim, x.ndim, 'gather');
  if (index.ndim !== x.ndim || index.shape.some((s, i) => i !== d && s > x.shape[i])) {
    throw new Error(`gather: index of shape ${fmt(index.shape)} must have the input's rank and fit inside its shape ${fmt(x.shape)} outside dim ${d}`);
  }
  const idx = checkIndex(index, x.shape[d], 'gather');
  const y = zerosOf(index.shape, x.dtype);
  k.gather(x.data, x.shape, d, idx, index.shape, y.data);
  if (needsGrad(x)) record(y, new GatherBackward(x.shape, d, index), x);
  if (tracer !== null) tracer.op('gather', [x, index], { dim: d }, y);
  return y;
}

class GatherBackward extends Node {
  readonly name = 'GatherBackward0';
  constructor(
    private readonly inputShape: Shape,
    private readonly dim: number,
    index: Tensor,
  ) {
    super();
    this.save(index);
  }
  // d/dx gather(x, dim, index) = g scattered back (added) to the positions index picked
  backward(g: Tensor): Tensor[] {
    return [scatterAdd(zerosOf(this.inputShape, g.dtype), this.dim, this.saved[0], g)];
  }
}

/**
 * x with src added at the positions `index` names along `dim` (`torch.scatter_add`): out[i][index[i][j]]
 * += src[i][j] for dim 1. index is int32 with x's rank, and src at least index's size.
 */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  checkTensor(x, 'scatterAdd');
  checkTensor(index, 'scatterAdd', 'index');
  checkTensor(src, 'scatterAdd', 'src');
  const d = normalizeDim(dim, x.ndim, 'scatterAdd');
  if (index.ndim !== x.ndim || src.ndim !== x.ndim || index.shape.some((s, i) => s > src.shape[i] || (i !== d && s > x.shape[i]))) {
    throw new Error(
      `scatterAdd: index of shape ${fmt(index.shape)} must have the rank of the input ${fmt(x.shape)} and src ${fmt(src.shape)}, ` +
        `fit inside src, and fit inside the input outside dim ${d}`,
    );
  }
  if (src.dtype !== x.dtype) throw new Error(`scatterAdd: src has dtype ${src.dtype} but the input is ${x.dtype}; they must match`);
  const idx = checkIndex(index, x.shape[d], 'scatterAdd');
  const y = new Tensor(x.data.slice(), x.shape, x.dtype);
  // the kernel reads src laid out like index: take the part of src that index covers
  const part = sameShape(src.shape, index.shape) ? src.data : slab(src, index.shape);
  k.scatterAdd(part, x.shape, d, idx, index.shape, y.data);
  return needsGrad(x, src) ? record(y, new ScatterAddBackward(d, index, src.shape), x, src) : y;
}

/** The leading corner of t of shape `shape` (each size at most t's), as contiguous data. */
function slab(t: Tensor, shape: Shape): Tensor['data'] {
  let out = t;
  shape.forEach((s, i) => {
    if (s !== out.shape[i]) out = narrow(out, i, 0, s);
  });
  return out.data;
}

class ScatterAddBackward extends Node {
  readonly name = 'ScatterAddBackward0';
  constructor(
    private readonly dim: number,
    index: Tensor,
    private readonly srcShape: Shape,
  ) {
    super();
    this.save(index);
  }
  // d/dx scatterAdd(x, ...) = g; d/dsrc = g gathered at index (0 where src was not read)
  backward(g: Tensor): (Tensor | null)[] {
    const index = this.saved[0];
    let dsrc: Tensor | null = null;
    if (this.needsInputGrad[1]) {
      dsrc = padTo(gather(g, this.dim, index), this.srcShape);
    }
    return [this.needsInputGrad[0] ? g : null, dsrc];
  }
}

/** t zero-padded at the end of each dim to `shape`. */
function padTo(t: Tensor, shape: Shape): Tensor {
  let out = t;
  shape.forEach((s, i) => {
    if (out.shape[i] < s) {
      const fill = [...out.shape];
      fill[i] = s - out.shape[i];
      out = cat([out, zerosOf(fill, out.dtype)], i);
    }
  });
  return out;
}

/** The slices of x at `index` (a 1-D int32 tensor) along `dim` (`torch.index_select`). */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  checkTensor(x, 'indexSelect');
  checkTensor(index, 'indexSelect', 'index');
  const d = normalizeDim(dim, x.ndim, 'indexSelect');
  if (index.ndim > 1) throw new Error(`indexSelect: index must be 1-D, got shape ${fmt(index.shape)}`);
  checkIndex(index, x.ndim === 0 ? 1 : x.shape[d], 'indexSelect');
  const y = selectAs(x, d, index, 'IndexSelectBackward0');
  if (tracer !== null) tracer.op('indexSelect', [x, index], { dim: d }, y);
  return y;
}

/** Copies shorter than this many elements run as a loop rather than a subarray and set. */
const SMALL_COPY = 32;

/** x's slices at a checked `index` along dim `d`, recorded under `name` (narrow is PyTorch's SliceBackward0). */
function selectAs(x: Tensor, d: number, index: Tensor, name: string): Tensor {
  const idx = index.data as Int32Array;
  const [outer, n, inner] = splitAt(x.shape, d);
  const shape = x.ndim === 0 ? [] : [...x.shape];
  if (x.ndim > 0) shape[d] = idx.length;
  const y = zerosOf(shape, x.dtype);
  const m = idx.length;
  let run = m > 0;
  for (let j = 1; j < m && run; j++) run = idx[j] === idx[0] + j;
  // one block of m * inner elements per outer index when the index is a run (narrow, slices),
  // else one of inner elements per index; element by element below SMALL_COPY (a subarray
  // and set per element cost ~100 ns: 42% of the CNN example's data loading went there)
  const block = run ? m * inner : inner;
  const blocks = run ? 1 : m;
  const xd = x.data,
    yd = y.data;
  for (let o = 0, to = 0; o < outer; o++) {
    for (let j = 0; j < blocks; j++, to += block) {
      const from = (o * n + idx[j]) * inner;
      if (block < SMALL_COPY) for (let i = 0; i < block; i++) yd[to + i] = xd[from + i];
      else yd.set(xd.subarray(from, from + block), to);
    }
  }
  return needsGrad(x) ? record(y, new IndexSelectBackward(name, x.shape, d, index), x) : y;
}

class IndexSelectBackward extends Node {
  constructor(
    readonly name: string,
    private readonly inputShape: Shape,
    private readonly dim: number,
    private readonly index: Tensor,
  ) {
    super();
  }
  // d/dx indexSelect(x, dim, index) = g added back into the selected slices (repeats accumulate)
  backward(g: Tensor): Tensor[] {
    return [indexAdd(zerosOf(this.inputShape, g.dtype), this.dim, this.index, g)];
  }
}

/**
 * x with the slices of `source` added at `index` along `dim` (`torch.index_add`): out[..., index[j], ...]
 * += source[..., j, ...]; repeated indices accumulate.
 */
export function indexAdd(x: Tensor, dim: number, index: Tensor, source: Tensor): Tensor {
  checkTensor(x, 'indexAdd');
  checkTensor(index, 'indexAdd', 'index');
  checkTensor(source, 'indexAdd', 'source');
  const d = normalizeDim(dim, x.ndim, 'indexAdd');
  if (index.ndim > 1) throw new Error(`indexAdd: index must be 1-D, got shape ${fmt(index.shape)}`);
  const size = x.ndim === 0 ? 1 : x.shape[d];
  const idx = checkIndex(index, size, 'indexAdd');
  const expected = x.ndim === 0 ? [] : x.shape.map((s, i) => (i === d ? idx.length : s));
  if (!sameShape(source.shape, expected)) {
    throw new Error(`indexAdd: source of shape ${fmt(source.shape)} must have shape ${fmt(expected)} (the input's, with ${idx.length} slices along dim ${d})`);
  }
  if (source.dtype !== x.dtype) throw new Error(`indexAdd: source has dtype ${source.dtype} but the input is ${x.dtype}; they must match`);
  const [outer, n, inner] = splitAt(x.shape, d);
  const y = new Tensor(x.data.slice(), x.shape, x.dtype);
  const out = y.data,
    src = source.data,
    m = idx.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const to = (o * n + idx[j]) * inner;
      const from = (o * m + j) * inner;
      for (let i = 0; i < inner; i++) out[to + i] += src[from + i];
    }
  }
  return needsGrad(x, source) ? record(y, new IndexAddBackward(d, index), x, source) : y;
}

class IndexAddBackward extends Node {
  readonly name = 'IndexAddBackward0';
  constructor(
    private readonly dim: number,
    private readonly index: Tensor,
  ) {
    super();
  }
  // d/dx indexAdd(x, dim, index, s) = g; d/ds = the slices of g at index
  backward(g: Tensor): (Tensor | null)[] {
    return [this.needsInputGrad[0] ? g : null, this.needsInputGrad[1] ? indexSelect(g, this.dim, this.index) : null];
  }
}

/** `length` elements of x along `dim` from `start` (`torch.narrow`); start may be negative. */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  checkTensor(x, 'narrow');
  for (const [name, v] of [
    ['start', start],
    ['length', length],
  ] as const) {
    if (!Number.isInteger(v)) throw new Error(`narrow: ${name} must be a whole number, got ${describe(v)}`);
  }
  const d = normalizeDim(dim, x.ndim, 'narrow');
  const size = x.shape[d];
  const begin = start < 0 ? start + size : start;
  if (!Number.isInteger(begin) || !Number.isInteger(length) || begin < 0 || length < 0 || begin + length > size) {
    throw new Error(`narrow: start ${start} and length ${length} exceed dimension ${d} of size ${size} (shape ${fmt(x.shape)})`);
  }
  const index = new Int32Array(length);
  for (let i = 0; i < length; i++) index[i] = begin + i;
  const y = selectAs(x, d, new Tensor(index, [length], 'int32'), 'SliceBackward0');
  if (tracer !== null) tracer.op('narrow', [x], { dim: d, start: begin, length }, y);
  return y;
}

/**
 * @internal The elements of x at flat positions `map` (-1 gives `fill`), in `shape`, recorded under
 * PyTorch's `name`: the one primitive behind every op whose outputs are input elements or a constant
 * (flip, roll, rot90, repeat, diagonal, tril, pad, split...). Its adjoint is `putFlat`, and each is
 * the other's backward, so gradients of every order follow.
 */
export function takeFlat(x: Tensor, map: Int32Array, shape: Shape, name: string, fill = 0): Tensor {
  const y = zerosOf(shape, x.dtype);
  if (y.numel() !== map.length) throw new Error(`takeFlat: a map of ${map.length} positions cannot fill shape ${fmt(shape)}`);
  k.takeFlat(x.data, map, elementOf(fill, x.dtype, name), y.data);
  return needsGrad(x) ? record(y, new TakeFlatBackward(name, map, x.shape), x) : y;
}

class TakeFlatBackward extends Node {
  constructor(
    readonly name: string,
    private readonly map: Int32Array,
    private readonly inputShape: Shape,
  ) {
    super();
  }
  // d/dx takeFlat(x, map) = g added back at the positions map took (repeats accumulate, fills drop)
  backward(g: Tensor): Tensor[] {
    return [putFlat(g, this.map, this.inputShape, adjointName(this.name))];
  }
}

/** PyTorch's name for the backward of a backward: `FlipBackward0` -> `FlipBackwardBackward0`. */
function adjointName(name: string): string {
  return name.replace(/Backward(\d+)$/, 'BackwardBackward$1');
}

/**
 * @internal A zero tensor of `shape` with src's elements added at flat positions `map` (-1 entries
 * are dropped), recorded under `name`: the adjoint of `takeFlat` (diagEmbed is one).
 */
export function putFlat(src: Tensor, map: Int32Array, shape: Shape, name: string): Tensor {
  if (src.numel() !== map.length) throw new Error(`putFlat: a map of ${map.length} positions does not match ${src.numel()} elements`);
  const y = zerosOf(shape, src.dtype);
  k.putAddFlat(src.data, map, y.data);
  return needsGrad(src) ? record(y, new PutFlatBackward(name, map, src.shape), src) : y;
}

class PutFlatBackward extends Node {
  constructor(
    readonly name: string,
    private readonly map: Int32Array,
    private readonly srcShape: Shape,
  ) {
    super();
  }
  // d/dsrc putFlat(src, map) = g read back at the positions map wrote to
  backward(g: Tensor): Tensor[] {
    return [takeFlat(g, this.map, this.srcShape, adjointName(this.name))];
  }
}
