/**
 * Sorting and selection: sort, argsort, topk, kthvalue, median, mode, unique, uniqueConsecutive,
 * searchsorted and bucketize. Sorts are stable with NaN above every number, as PyTorch's; the ops
 * that return values picked from x send the gradient back to the picked positions.
 */
import { Node } from '../autograd/node';
import { needsGrad, record } from '../autograd/record';
import { resultType } from '../dtype';
import * as kernels from '../kernels/sort';
import { permute as permuteKernel } from '../kernels/layout';
import { checkBoolean, checkInteger, checkOptions, describe } from '../options';
import { fmt, normalizeDim, sameShape, splitAt } from '../shape';
import { Tensor } from '../tensor';
import { cast, checkTensor, type TensorOrNumber, toTensor, zerosOf } from './helpers';
import { indexSelect } from './layout';
import { checkReduce, EvenlyDistributedBackward, NO_OUT, recordSelected, reducedShape } from './reduce';

/** The ops that have no kernel for bool (as PyTorch's CPU kernels) reject it by name. */
function checkNotBool(x: Tensor, where: string): void {
  if (x.dtype === 'bool') throw new Error(`${where}: bool tensors are not supported (as in PyTorch); convert with .int() first`);
}

/** The dim an op works along (0 for a 0-d tensor), with its [outer, n, inner] split. */
function along(x: Tensor, dim: number, where: string): { d: number; outer: number; n: number; inner: number } {
  checkInteger(dim, where, 'dim');
  const d = normalizeDim(dim, x.ndim, where);
  const [outer, n, inner] = splitAt(x.shape, d);
  return { d, outer, n, inner };
}

/** The values of x at `indices` (shaped like x with `k` along dim d), and the indices, recorded under `name`. */
function pick(x: Tensor, d: number, indices: Tensor, picked: number, name: string): [Tensor, Tensor] {
  const [outer, n, inner] = splitAt(x.shape, d);
  const values = zerosOf(indices.shape, x.dtype);
  kernels.takeAlongAxis(x.data, outer, n, inner, indices.data as Int32Array, picked, values.data);
  return [recordSelected(values, x, d, indices, name), indices];
}

/** The positions that sort x along d (a stable sort), the first `picked` of them per slice. */
function sortedIndices(x: Tensor, d: number, descending: boolean, picked: number): Tensor {
  const [outer, n, inner] = splitAt(x.shape, d);
  const shape = x.ndim === 0 ? [] : x.shape.map((s, i) => (i === d ? picked : s));
  const indices = zerosOf(shape, 'int32');
  kernels.argsortAxis(x.data, outer, n, inner, descending, indices.data as Int32Array, picked);
  return indices;
}

function checkSortArgs(x: Tensor, descending: unknown, options: unknown, where: string): void {
  checkTensor(x, where);
  checkBoolean(descending, where, 'descending');
  checkOptions(options, ['stable'], where, NO_OUT);
  const stable = (options as { stable?: unknown } | undefined)?.stable;
  if (stable !== undefined && stable !== null) checkBoolean(stable, where, 'stable');
}

/**
 * `[values, indices]`: x sorted along `dim` (`torch.sort`), ascending unless `descending`. The sort
 * is always stable (equal elements keep their order, which `{ stable: true }` asks for), and NaN
 * sorts above every number, as in PyTorch. The gradient goes back to the sorted positions.
 */
export function sort(x: Tensor, dim = -1, descending = false, options?: { stable?: boolean | null }): [Tensor, Tensor] {
  checkSortArgs(x, descending, options, 'sort');
  const { d, n } = along(x, dim, 'sort');
  const name = options?.stable !== undefined ? 'SortBackward1' : 'SortBackward0';
  return pick(x, d, sortedIndices(x, d, descending, n), n, name);
}

/** The indices that sort x along `dim` (`torch.argsort`), as sort's; int32. */
export function argsort(x: Tensor, dim = -1, descending = false, options?: { stable?: boolean | null }): Tensor {
  checkSortArgs(x, descending, options, 'argsort');
  const { d, n } = along(x, dim, 'argsort');
  return sortedIndices(x, d, descending, n);
}

/**
 * `[values, indices]`: the k largest elements along `dim`, largest first (the k smallest, smallest
 * first, when `largest` is false) (`torch.topk`); NaN counts as the largest. `sorted: false` is accepted and still
 * gives them in order, which PyTorch allows. Which of equal elements come first is not specified.
 */
export function topk(x: Tensor, k: number, dim = -1, largest = true, sorted = true): [Tensor, Tensor] {
  checkTensor(x, 'topk');
  checkInteger(k, 'topk', 'k');
  checkBoolean(largest, 'topk', 'largest');
  checkBoolean(sorted, 'topk', 'sorted');
  checkNotBool(x, 'topk');
  const { d, n } = along(x, dim, 'topk');
  if (k < 0 || k > n) throw new Error(`topk: k (${k}) is out of range for dim ${d} of size ${n} of the tensor of shape ${fmt(x.shape)}`);
  return pick(x, d, sortedIndices(x, d, largest, k), k, 'TopkBackward0');
}

/** A selection along one dim to one value per slice: its values and indices, shaped for keepdim. */
function selectOne(
  x: Tensor,
  dim: number,
  keepdim: boolean,
  where: string,
  kernel: (data: Tensor['data'], outer: number, n: number, inner: number, values: Tensor['data'], indices: Int32Array) => void,
  name: string,
): [Tensor, Tensor] {
  checkReduce(x, keepdim, where);
  const { d, outer, n, inner } = along(x, dim, where);
  if (n === 0) throw new Error(`${where}: cannot reduce dim ${d} (of size 0) of the tensor of shape ${fmt(x.shape)}; it needs a non-empty dim`);
  const shape = x.ndim === 0 ? [] : reducedShape(x.shape, [d], keepdim);
  const values = zerosOf(shape, x.dtype);
  const indices = zerosOf(shape, 'int32');
  kernel(x.data, outer, n, inner, values.data, indices.data as Int32Array);
  return [recordSelected(values, x, d, indices, name), indices];
}

/**
 * `[values, indices]`: the k-th smallest element (k from 1) along `dim` and its index
 * (`torch.kthvalue`); NaN counts as the largest. Which of equal elements is picked is not specified.
 */
export function kthvalue(x: Tensor, k: number, dim = -1, keepdim = false): [Tensor, Tensor] {
  checkTensor(x, 'kthvalue');
  checkInteger(k, 'kthvalue', 'k');
  checkNotBool(x, 'kthvalue');
  const n = x.ndim === 0 ? 1 : x.shape[normalizeDim(checkInteger(dim, 'kthvalue', 'dim'), x.ndim, 'kthvalue')];
  if (n > 0 && (k < 1 || k > n)) throw new Error(`kthvalue: k (${k}) is out of range for dim ${dim} of size ${n}: it must be in 1..${n}`);
  return selectOne(
    x,
    dim,
    keepdim,
    'kthvalue',
    (data, outer, size, inner, values, indices) => kernels.kthAxis(data, outer, size, inner, k - 1, values, indices),
    'KthvalueBackward0',
  );
}

/** The lower median of all elements, a 0-d tensor; NaN if any element is NaN (`torch.median`). */
export function median(x: Tensor): Tensor;
/**
 * `[values, indices]`: the lower median along `dim` and its index, or the first NaN of a slice that
 * holds one (`torch.median(x, dim)`). Which of equal elements is picked is not specified.
 */
export function median(x: Tensor, dim: number, keepdim?: boolean): [Tensor, Tensor];
export function median(x: Tensor, dim?: number, keepdim = false): Tensor | [Tensor, Tensor] {
  checkTensor(x, 'median');
  checkNotBool(x, 'median');
  if (dim !== undefined) return selectOne(x, dim, keepdim, 'median', kernels.medianAxis, 'MedianBackward1');
  if (x.numel() === 0 && x.dtype === 'int32') throw new Error('median: an empty int32 tensor has no median (PyTorch returns an undefined value)');
  const y = zerosOf([], x.dtype);
  if (x.numel() === 0) y.data[0] = NaN;
  else {
    const values = zerosOf([], x.dtype);
    kernels.medianAxis(x.data, 1, x.numel(), 1, values.data, new Int32Array(1));
    y.data[0] = values.data[0];
  }
  return needsGrad(x) ? record(y, new EvenlyDistributedBackward('MedianBackward0', x, y), x) : y;
}

/**
 * `[values, indices]`: the most frequent value along `dim` (the smallest of equally frequent ones)
 * and an index where it occurs (`torch.mode`); tsgrad gives the last, as PyTorch's CPU does on short dims.
 */
export function mode(x: Tensor, dim = -1, keepdim = false): [Tensor, Tensor] {
  checkTensor(x, 'mode');
  return selectOne(x, dim, keepdim, 'mode', kernels.modeAxis, 'ModeBackward0');
}

// ---- unique, uniqueConsecutive ----

/** The grad_fn of unique's output: PyTorch records one, and its backward is an Error. */
class NotDifferentiableBackward extends Node {
  constructor(
    readonly name: string,
    private readonly op: string,
  ) {
    super();
  }
  backward(): Tensor[] {
    throw new Error(`${this.name}: the derivative of ${this.op} is not implemented (as in PyTorch)`);
  }
}

/** The groups of equal elements (or slices along d) of x: which group each belongs to and where each group starts. */
interface Groups {
  /** The group of each element (or slice), in x's order. */
  inverse: Int32Array;
  /** The first element (or slice) of each group, in group order. */
  firsts: number[];
  counts: number[];
}

/** x's slices along d as rows of a contiguous copy (d moved to the front). */
function slicesOf(x: Tensor, d: number): { data: Tensor['data']; n: number; m: number } {
  const n = x.shape[d];
  const m = n === 0 ? 0 : x.numel() / n;
  if (d === 0) return { data: x.data, n, m };
  const perm = [d, ...x.shape.map((_, i) => i).filter((i) => i !== d)];
  const data = zerosOf(x.shape, x.dtype).data;
  permuteKernel(x.data, x.shape, perm, data);
  return { data, n, m };
}

/** Rows a and b of m elements compared as PyTorch orders them: element by element, NaN above every number. */
function compareRows(data: Tensor['data'], m: number, a: number, b: number): number {
  for (let j = 0; j < m; j++) {
    const c = kernels.compareNaNLast(data[a * m + j], data[b * m + j]);
    if (c !== 0) return c;
  }
  return 0;
}

/** Whether rows a and b hold equal elements (NaN equals nothing, so rows holding NaN are each their own group). */
function sameRow(data: Tensor['data'], m: number, a: number, b: number): boolean {
  for (let j = 0; j < m; j++) if (data[a * m + j] !== data[b * m + j]) return false;
  return true;
}

/** Groups the n rows of m elements, sorted first (unique) or as they come (uniqueConsecutive). */
function group(data: Tensor['data'], n: number, m: number, sorted: boolean): Groups {
  const order = Array.from({ length: n }, (_, i) => i);
  if (sorted) order.sort((a, b) => compareRows(data, m, a, b) || a - b);
  const inverse = new Int32Array(n);
  const firsts: number[] = [];
  const counts: number[] = [];
  for (let j = 0; j < n; j++) {
    if (j === 0 || !sameRow(data, m, order[j - 1], order[j])) {
      firsts.push(order[j]);
      counts.push(0);
    }
    inverse[order[j]] = firsts.length - 1;
    counts[counts.length - 1]++;
  }
  return { inverse, firsts, counts };
}

function uniqueLike(
  x: Tensor,
  sorted: boolean,
  returnInverse: boolean,
  returnCounts: boolean,
  dim: number | null | undefined,
  consecutive: boolean,
): Tensor | Tensor[] {
  const where = consecutive ? 'uniqueConsecutive' : 'unique';
  checkTensor(x, where);
  checkBoolean(sorted, where, 'sorted');
  checkBoolean(returnInverse, where, 'returnInverse');
  checkBoolean(returnCounts, where, 'returnCounts');
  let output: Tensor;
  let inverse: Tensor;
  let counts: Tensor;
  if (dim === undefined || dim === null) {
    const { inverse: inv, firsts, counts: cs } = group(x.data, x.numel(), 1, !consecutive);
    output = indexSelect(x.detach().reshape([-1]), 0, new Tensor(Int32Array.from(firsts), [firsts.length], 'int32'));
    inverse = new Tensor(inv, x.shape, 'int32');
    counts = new Tensor(Int32Array.from(cs), [cs.length], 'int32');
  } else {
    checkInteger(dim, where, 'dim');
    if (x.ndim === 0) throw new Error(`${where}: dim ${dim} was given but the tensor has no dimensions`);
    const d = normalizeDim(dim, x.ndim, where);
    if (x.numel() === 0 && x.shape[d] !== 0) {
      throw new Error(`${where}: the tensor of shape ${fmt(x.shape)} has dims of size 0 other than dim ${d}, so unique cannot be applied`);
    }
    const { data, n, m } = slicesOf(x, d);
    const { inverse: inv, firsts, counts: cs } = group(data, n, m, !consecutive);
    output = indexSelect(x.detach(), d, new Tensor(Int32Array.from(firsts), [firsts.length], 'int32'));
    inverse = new Tensor(inv, [n], 'int32');
    counts = new Tensor(Int32Array.from(cs), [cs.length], 'int32');
  }
  if (needsGrad(x)) {
    const name = consecutive ? 'UniqueConsecutiveBackward0' : dim === undefined || dim === null ? 'Unique2Backward0' : 'UniqueDimBackward0';
    output = record(output.detach(), new NotDifferentiableBackward(name, where), x);
  }
  if (!returnInverse && !returnCounts) return output;
  return [output, ...(returnInverse ? [inverse] : []), ...(returnCounts ? [counts] : [])];
}

/** The distinct elements of x, sorted (`torch.unique`); each NaN is distinct. */
export function unique(x: Tensor, sorted?: boolean, returnInverse?: false, returnCounts?: false, dim?: number | null): Tensor;
/** `[output, inverse]`: inverse[i] is the index in output of x's element i (of slice i along `dim`). */
export function unique(x: Tensor, sorted: boolean, returnInverse: true, returnCounts?: false, dim?: number | null): [Tensor, Tensor];
/** `[output, counts]`: how many times each output element occurs. */
export function unique(x: Tensor, sorted: boolean, returnInverse: false, returnCounts: true, dim?: number | null): [Tensor, Tensor];
/** `[output, inverse, counts]`. */
export function unique(x: Tensor, sorted: boolean, returnInverse: true, returnCounts: true, dim?: number | null): [Tensor, Tensor, Tensor];
/**
 * The distinct elements of x (or distinct slices along `dim`), sorted, with the inverse indices and
 * counts when asked, as `torch.unique(x, sorted, return_inverse, return_counts, dim)`. The result is
 * sorted even with `sorted: false`, as PyTorch's CPU gives it. Not differentiable (as in PyTorch).
 */
export function unique(x: Tensor, sorted?: boolean, returnInverse?: boolean, returnCounts?: boolean, dim?: number | null): Tensor | Tensor[];
export function unique(x: Tensor, sorted = true, returnInverse = false, returnCounts = false, dim: number | null = null): Tensor | Tensor[] {
  return uniqueLike(x, sorted, returnInverse, returnCounts, dim, false);
}

/** The first element of each run of equal consecutive elements (`torch.unique_consecutive`). */
export function uniqueConsecutive(x: Tensor, returnInverse?: false, returnCounts?: false, dim?: number | null): Tensor;
/** `[output, inverse]`: inverse[i] is the index in output of the run holding x's element i (or slice i along `dim`). */
export function uniqueConsecutive(x: Tensor, returnInverse: true, returnCounts?: false, dim?: number | null): [Tensor, Tensor];
/** `[output, counts]`: the length of each run. */
export function uniqueConsecutive(x: Tensor, returnInverse: false, returnCounts: true, dim?: number | null): [Tensor, Tensor];
/** `[output, inverse, counts]`. */
export function uniqueConsecutive(x: Tensor, returnInverse: true, returnCounts: true, dim?: number | null): [Tensor, Tensor, Tensor];
/**
 * Collapses runs of equal consecutive elements (or slices along `dim`) to one, with the inverse
 * indices and run lengths when asked (`torch.unique_consecutive`). Not differentiable (as in PyTorch).
 */
export function uniqueConsecutive(x: Tensor, returnInverse?: boolean, returnCounts?: boolean, dim?: number | null): Tensor | Tensor[];
export function uniqueConsecutive(x: Tensor, returnInverse = false, returnCounts = false, dim: number | null = null): Tensor | Tensor[] {
  return uniqueLike(x, true, returnInverse, returnCounts, dim, true);
}

// ---- searchsorted, bucketize ----

/** Keyword options of searchsorted. */
export interface SearchsortedOptions {
  /** PyTorch's int32 result instead of int64; tsgrad's indices are int32 either way. */
  outInt32?: boolean;
  /** Return the last position at which each value could go (after equal boundaries) instead of the first. */
  right?: boolean;
  /** 'left' or 'right': the same choice as `right`, by name. */
  side?: 'left' | 'right' | null;
  /** Indices (int32, shaped like sortedSequence) that sort an unsorted sortedSequence along its last dim. */
  sorter?: Tensor | null;
}

function searchValues(where: string, boundaries: Tensor, input: TensorOrNumber, right: boolean, sorter: Tensor | null): Tensor {
  const values = input instanceof Tensor ? input : null;
  const dtype = resultType(boundaries, input);
  const bd = cast(boundaries, dtype).data;
  const v = cast(toTensor(input, dtype, where), dtype);
  const last = boundaries.shape[boundaries.ndim - 1];
  const rowLength = values === null || values.ndim === 0 ? 1 : values.shape[values.ndim - 1];
  const out = zerosOf(v.shape, 'int32');
  const sort = sorter === null ? null : (sorter.data as Int32Array);
  for (let i = 0; i < v.data.length; i++) {
    const start = boundaries.ndim === 1 ? 0 : Math.floor(i / rowLength) * last;
    out.data[i] = kernels.searchBound(bd, start, start + last, v.data[i], right, sort);
  }
  return out;
}

function checkSearchable(boundaries: Tensor, input: unknown, where: string, boundariesName: string): void {
  if (!(input instanceof Tensor) && typeof input !== 'number') throw new Error(`${where}: input must be a Tensor or a number, got ${describe(input)}`);
  if (boundaries.dtype === 'bool' || (input instanceof Tensor && input.dtype === 'bool')) {
    throw new Error(`${where}: bool tensors are not supported (as in PyTorch); convert with .int() first`);
  }
  if (boundaries.ndim === 0) throw new Error(`${where}: ${boundariesName} must have at least one dimension, got a 0-d tensor`);
}

/**
 * For each value of `input`, the index where it would go in the last dim of `sortedSequence` to keep
 * it sorted (`torch.searchsorted`): the first such index, or the last with `right: true` or
 * `side: 'right'`. A sortedSequence of more than one dim has one row per leading index of input,
 * whose leading dims must match. NaN sorts above every number. Returns int32 of input's shape.
 */
export function searchsorted(sortedSequence: Tensor, input: TensorOrNumber, options?: SearchsortedOptions): Tensor {
  const where = 'searchsorted';
  checkTensor(sortedSequence, where, 'sortedSequence');
  checkOptions(options, ['outInt32', 'right', 'side', 'sorter'], where, NO_OUT);
  checkSearchable(sortedSequence, input, where, 'sortedSequence');
  if (options?.outInt32 !== undefined) checkBoolean(options.outInt32, where, 'outInt32');
  let right = options?.right === undefined ? false : checkBoolean(options.right, where, 'right');
  const side = options?.side ?? null;
  if (side !== null && side !== 'left' && side !== 'right') throw new Error(`${where}: side must be 'left' or 'right', got ${describe(side)}`);
  if (side === 'left' && right) throw new Error(`${where}: side and right cannot be opposites: got side 'left' with right true`);
  if (side === 'right') right = true;
  if (sortedSequence.ndim > 1) {
    const leading = sortedSequence.shape.slice(0, -1);
    if (!(input instanceof Tensor) || input.ndim !== sortedSequence.ndim || !sameShape(input.shape.slice(0, -1), leading)) {
      throw new Error(
        `${where}: sortedSequence must be 1-D, or its leading dims ${fmt(leading)} must match input's leading dims; got sortedSequence ${fmt(sortedSequence.shape)} ` +
          `and input ${input instanceof Tensor ? fmt(input.shape) : 'a number'}`,
      );
    }
  }
  const sorter = options?.sorter ?? null;
  if (sorter !== null) {
    checkTensor(sorter, where, 'sorter');
    if (sorter.dtype !== 'int32') throw new Error(`${where}: sorter must be an int32 tensor, got ${sorter.dtype}`);
    if (!sameShape(sorter.shape, sortedSequence.shape)) {
      throw new Error(`${where}: sorter must have sortedSequence's shape ${fmt(sortedSequence.shape)}, got ${fmt(sorter.shape)}`);
    }
    const last = sortedSequence.shape[sortedSequence.ndim - 1];
    if (sorter.data.some((s) => s < 0 || s >= last)) throw new Error(`${where}: sorter holds an index out of range for a last dim of size ${last}`);
  }
  return searchValues(where, sortedSequence, input, right, sorter);
}

/**
 * The bucket of each value of `input` by the sorted 1-D `boundaries` (`torch.bucketize`): i such that
 * boundaries[i-1] < x <= boundaries[i], or boundaries[i-1] <= x < boundaries[i] with `right: true`.
 * Returns int32 of input's shape.
 */
export function bucketize(input: TensorOrNumber, boundaries: Tensor, options?: { outInt32?: boolean; right?: boolean }): Tensor {
  const where = 'bucketize';
  checkTensor(boundaries, where, 'boundaries');
  checkOptions(options, ['outInt32', 'right'], where, NO_OUT);
  checkSearchable(boundaries, input, where, 'boundaries');
  if (boundaries.ndim !== 1) throw new Error(`${where}: boundaries must be 1-D, got shape ${fmt(boundaries.shape)}`);
  if (options?.outInt32 !== undefined) checkBoolean(options.outInt32, where, 'outInt32');
  const right = options?.right === undefined ? false : checkBoolean(options.right, where, 'right');
  return searchValues(where, boundaries, input, right, null);
}
