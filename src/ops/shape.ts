/**
 * Shape ops: split, chunk, unbind, tensorSplit; movedim and swapaxes; flip, roll, rot90; repeat, tile,
 * repeatInterleave; tril, triu, diag, diagonal, diagEmbed, trace; oneHot; meshgrid, broadcastTo,
 * broadcastTensors; atleast1d/2d/3d and hstack, vstack, dstack, columnStack.
 *
 * NOTE: storage is contiguous, so these copy. Each rearranging op is one `takeFlat` (ops/layout.ts):
 * the flat input position of every output element (-1 for a constant), under PyTorch's grad_fn name;
 * its backward is the adjoint `putFlat`, so no op here writes a gradient formula of its own except
 * trace. Ops that PyTorch composes (meshgrid, repeatInterleave, the stacks) compose the same way.
 */
import { Node } from '../autograd/node';
import { needsGrad, record } from '../autograd/record';
import { type DType, isFloatDtype } from '../dtype';
import { offsetMap } from '../kernels/layout';
import { checkInteger, checkOptions, describe } from '../options';
import { broadcastShapes, fmt, normalizeDim, numel, sameShape, type Shape, stridesOf } from '../shape';
import { Tensor } from '../tensor';
import { checkTensor, checkTensorList, zerosOf } from './helpers';
import { cat, expand, flatten, indexSelect, narrow, permute, putFlat, reshape, takeFlat, transpose, unsqueeze } from './layout';

/** [start, start + 1, ..., start + n - 1]. */
function iota(n: number, start = 0): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = start + i;
  return out;
}

/**
 * Flat positions in a tensor of `shape` for an output whose dim d reads dim d at `coords[d]` (all of
 * it, in order, when null); a coordinate of -1 is a fill position.
 */
function coordMap(shape: Shape, coords: readonly (Int32Array | null)[]): Int32Array {
  const strides = stridesOf(shape);
  return offsetMap(shape.map((s, d) => (coords[d] ?? iota(s)).map((c) => (c < 0 ? -1 : c * strides[d]))));
}

/**
 * x's elements rearranged as `rearrange` rearranges the int32 tensor of x's flat positions, as one op
 * named `name`: for ops PyTorch makes primitives but that are compositions of others here (rot90, diag).
 */
function rearranged(x: Tensor, name: string, rearrange: (positions: Tensor) => Tensor): Tensor {
  const map = rearrange(new Tensor(iota(x.numel()), x.shape, 'int32'));
  return takeFlat(x, map.data as Int32Array, map.shape, name);
}

/** A whole number, or a list of them, as a list (`where` and `what` name it in the Error). */
function intList(x: unknown, where: string, what: string): number[] {
  const list = typeof x === 'number' ? [x] : Array.isArray(x) ? x : null;
  if (list === null) throw new Error(`${where}: ${what} must be a whole number or an array of them, got ${describe(x)}`);
  list.forEach((v, i) => checkInteger(v, where, Array.isArray(x) ? `${what}[${i}]` : what));
  return [...(list as number[])];
}

/** Dims normalized against `ndim`, each named once. */
function distinctDims(dims: readonly number[], ndim: number, where: string): number[] {
  const out = dims.map((d) => normalizeDim(d, ndim, where));
  const repeated = out.find((d, i) => out.indexOf(d) !== i);
  if (repeated !== undefined) throw new Error(`${where}: dim ${repeated} appears multiple times in the list of dims`);
  return out;
}

// ---- split, chunk, unbind, tensorSplit ----

/** `length` elements of x from `start` along dim d, under `name`. */
function sliceAs(x: Tensor, d: number, start: number, length: number, name: string): Tensor {
  const shape = [...x.shape];
  shape[d] = length;
  return takeFlat(
    x,
    coordMap(
      x.shape,
      x.shape.map((_, i) => (i === d ? iota(length, start) : null)),
    ),
    shape,
    name,
  );
}

function pieces(x: Tensor, d: number, sizes: readonly number[], name: string): Tensor[] {
  let start = 0;
  return sizes.map((s) => {
    start += s;
    return sliceAs(x, d, start - s, s, name);
  });
}

function checkSplitInput(x: Tensor, dim: number, where: string): number {
  checkTensor(x, where);
  checkInteger(dim, where, 'dim');
  if (x.ndim === 0) throw new Error(`${where}: expects at least a 1-dimensional tensor, got a 0-d tensor`);
  return normalizeDim(dim, x.ndim, where);
}

/**
 * Splits x into pieces along `dim` (`torch.split`): of `splitSizeOrSections` elements each (the last
 * may be smaller), or of the listed sizes, which must add up to the dim's size.
 */
export function split(x: Tensor, splitSizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  const d = checkSplitInput(x, dim, 'split');
  const size = x.shape[d];
  if (Array.isArray(splitSizeOrSections)) {
    const sizes = intList(splitSizeOrSections, 'split', 'splitSizeOrSections');
    if (sizes.some((s) => s < 0) || sizes.reduce((a, b) => a + b, 0) !== size) {
      throw new Error(`split: split sizes ${fmt(sizes)} must be >= 0 and sum exactly to ${size} (the input's size at dimension ${d}, shape ${fmt(x.shape)})`);
    }
    return pieces(x, d, sizes, 'SplitWithSizesBackward0');
  }
  const step = checkInteger(splitSizeOrSections, 'split', 'splitSizeOrSections');
  if (step < 0 || (step === 0 && size !== 0)) {
    throw new Error(`split: splitSizeOrSections must be a positive whole number (0 only for a dim of size 0), got ${step} for dimension ${d} of size ${size}`);
  }
  const n = step === 0 ? 1 : Math.max(Math.ceil(size / step), 1);
  const sizes = Array.from({ length: n }, (_, i) => Math.min(step, size - i * step));
  return pieces(x, d, sizes, 'SplitBackward0');
}

/**
 * Splits x into at most `chunks` pieces of ceil(size / chunks) elements along `dim` (`torch.chunk`);
 * the last may be smaller, and there may be fewer than `chunks`.
 */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  const d = checkSplitInput(x, dim, 'chunk');
  checkInteger(chunks, 'chunk', 'chunks');
  if (chunks <= 0) throw new Error(`chunk: chunks must be greater than 0, got ${chunks}`);
  const size = x.shape[d];
  const step = Math.ceil(size / chunks);
  // a dim of size 0 gives `chunks` empty pieces, as PyTorch's split_with_sizes does
  if (size === 0) return pieces(x, d, new Array<number>(chunks).fill(0), 'SplitWithSizesBackward0');
  return split(x, step, d);
}

/** The slices of x along `dim`, each without that dim (`torch.unbind`). */
export function unbind(x: Tensor, dim = 0): Tensor[] {
  checkTensor(x, 'unbind');
  checkInteger(dim, 'unbind', 'dim');
  if (x.ndim === 0) throw new Error('unbind: dimension specified as 0 but the tensor has no dimensions');
  const d = normalizeDim(dim, x.ndim, 'unbind');
  const shape = x.shape.filter((_, i) => i !== d);
  return Array.from({ length: x.shape[d] }, (_, j) =>
    takeFlat(
      x,
      coordMap(
        x.shape,
        x.shape.map((_s, i) => (i === d ? Int32Array.of(j) : null)),
      ),
      shape,
      'UnbindBackward0',
    ),
  );
}

/**
 * Splits x along `dim` (`torch.tensor_split`) into n pieces whose sizes differ by at most one (the
 * first size % n are one longer), or at the given indices (Python slice rules: negative counts from the end).
 */
export function tensorSplit(x: Tensor, indicesOrSections: number | readonly number[] | Tensor, dim = 0): Tensor[] {
  const d = checkSplitInput(x, dim, 'tensorSplit');
  const size = x.shape[d];
  let spec: number | number[];
  if (indicesOrSections instanceof Tensor) {
    if (indicesOrSections.dtype !== 'int32' || indicesOrSections.ndim > 1) {
      throw new Error(
        `tensorSplit: a tensor indicesOrSections must be a 0-d or 1-d int32 tensor, got ${indicesOrSections.dtype} of shape ${fmt(indicesOrSections.shape)}`,
      );
    }
    spec = indicesOrSections.ndim === 0 ? indicesOrSections.item() : Array.from(indicesOrSections.data);
  } else if (Array.isArray(indicesOrSections)) {
    spec = intList(indicesOrSections, 'tensorSplit', 'indicesOrSections');
  } else {
    spec = checkInteger(indicesOrSections, 'tensorSplit', 'indicesOrSections');
  }
  const bounds: [number, number][] = [];
  if (typeof spec === 'number') {
    if (spec <= 0) throw new Error(`tensorSplit: number of sections must be larger than 0, got ${spec}`);
    const base = Math.floor(size / spec);
    const extra = size % spec;
    let start = 0;
    for (let i = 0; i < spec; i++) {
      const length = base + (i < extra ? 1 : 0);
      bounds.push([start, start + length]);
      start += length;
    }
  } else {
    const clampIndex = (i: number): number => Math.min(Math.max(i < 0 ? i + size : i, 0), size);
    let start = 0;
    for (const index of [...spec, size]) {
      const end = Math.max(clampIndex(index), start);
      bounds.push([start, end]);
      start = clampIndex(index);
    }
  }
  return bounds.map(([start, end]) => narrow(x, d, start, Math.max(end - start, 0)));
}

// ---- movedim, swapaxes ----

/** Moves dims `source` to positions `destination`, the others keeping their order (`torch.movedim`). */
export function movedim(x: Tensor, source: number | readonly number[], destination: number | readonly number[]): Tensor {
  checkTensor(x, 'movedim');
  const src = distinctDims(intList(source, 'movedim', 'source'), x.ndim, 'movedim');
  const dst = distinctDims(intList(destination, 'movedim', 'destination'), x.ndim, 'movedim');
  if (src.length !== dst.length) {
    throw new Error(`movedim: source (${src.length} dims) and destination (${dst.length} dims) must name the same number of dims`);
  }
  const perm = new Array<number>(x.ndim).fill(-1);
  src.forEach((s, i) => (perm[dst[i]] = s));
  const rest = x.shape.map((_, i) => i).filter((i) => !src.includes(i));
  for (let i = 0, r = 0; i < perm.length; i++) if (perm[i] === -1) perm[i] = rest[r++];
  return permute(x, x.ndim === 0 ? [] : perm);
}

/** Alias of `movedim` (`torch.moveaxis`). */
export const moveaxis = movedim;

/** Swaps two dims (`torch.swapaxes`, NumPy's name for transpose). */
export function swapaxes(x: Tensor, axis0: number, axis1: number): Tensor {
  return transpose(x, axis0, axis1);
}

/** Swaps two dims (`torch.swapdims`, an alias of transpose). */
export function swapdims(x: Tensor, dim0: number, dim1: number): Tensor {
  return transpose(x, dim0, dim1);
}

// ---- flip, roll, rot90 ----

/** x with the order of elements reversed along `dims` (`torch.flip`). */
export function flip(x: Tensor, dims: number | readonly number[]): Tensor {
  checkTensor(x, 'flip');
  const ds = distinctDims(intList(dims, 'flip', 'dims'), x.ndim, 'flip');
  const coords = x.shape.map((s, i) => (ds.includes(i) ? iota(s).map((j) => s - 1 - j) : null));
  return takeFlat(x, coordMap(x.shape, coords), x.shape, 'FlipBackward0');
}

/** x flipped left-right: along dim 1 (`torch.fliplr`); x needs 2 or more dims. */
export function fliplr(x: Tensor): Tensor {
  checkTensor(x, 'fliplr');
  if (x.ndim < 2) throw new Error(`fliplr: input must have at least 2 dims, got shape ${fmt(x.shape)}`);
  return flip(x, [1]);
}

/** x flipped up-down: along dim 0 (`torch.flipud`); x needs 1 or more dims. */
export function flipud(x: Tensor): Tensor {
  checkTensor(x, 'flipud');
  if (x.ndim < 1) throw new Error('flipud: input must have at least 1 dim, got a 0-d tensor');
  return flip(x, [0]);
}

/**
 * x with its elements shifted along `dims` by `shifts`, wrapping around (`torch.roll`). Without dims
 * the flattened tensor is rolled and the shape restored.
 */
export function roll(x: Tensor, shifts: number | readonly number[], dims: number | readonly number[] | null = null): Tensor {
  checkTensor(x, 'roll');
  const s = intList(shifts, 'roll', 'shifts');
  const ds = dims === null || dims === undefined ? [] : intList(dims, 'roll', 'dims');
  if (ds.length === 0) {
    if (s.length !== 1) throw new Error(`roll: without dims, shifts must be a single number, got ${s.length} shifts`);
    const n = x.numel();
    const map = iota(n).map((i) => (((i - s[0]) % n) + n) % n);
    return takeFlat(x, map, x.shape, 'RollBackward0');
  }
  if (s.length !== ds.length) throw new Error(`roll: shifts and dims must align: got ${s.length} shifts and ${ds.length} dims`);
  const total = new Array<number>(Math.max(x.ndim, 1)).fill(0);
  ds.forEach((d, i) => (total[normalizeDim(d, x.ndim, 'roll')] += s[i]));
  const coords = x.shape.map((size, i) => (total[i] === 0 || size === 0 ? null : iota(size).map((j) => (((j - total[i]) % size) + size) % size)));
  return takeFlat(x, coordMap(x.shape, coords), x.shape, 'RollBackward0');
}

/** x rotated by 90 degrees `k` times in the plane of `dims`, from the first towards the second (`torch.rot90`). */
export function rot90(x: Tensor, k = 1, dims: readonly number[] = [0, 1]): Tensor {
  checkTensor(x, 'rot90');
  checkInteger(k, 'rot90', 'k');
  const ds = intList(dims, 'rot90', 'dims');
  if (ds.length !== 2) throw new Error(`rot90: expected 2 rotation dims, got dims = ${fmt(ds)}`);
  if (x.ndim < 2) throw new Error(`rot90: expected a tensor of 2 or more dims, got shape ${fmt(x.shape)}`);
  const [d0, d1] = ds.map((d) => normalizeDim(d, x.ndim, 'rot90'));
  if (d0 === d1) throw new Error(`rot90: expected the rotation dims to differ, got dim0 = ${ds[0]} and dim1 = ${ds[1]}`);
  const turns = ((k % 4) + 4) % 4;
  return rearranged(x, 'Rot90Backward0', (p) => {
    if (turns === 1) return transpose(flip(p, [d1]), d0, d1);
    if (turns === 2) return flip(p, [d0, d1]);
    if (turns === 3) return flip(transpose(p, d0, d1), [d1]);
    return p;
  });
}

// ---- repeat, tile, repeatInterleave ----

/** x repeated `sizes[i]` times along each dim (`Tensor.repeat`); extra leading sizes add dims. */
export function repeat(x: Tensor, sizes: number | readonly number[]): Tensor {
  checkTensor(x, 'repeat');
  const reps = intList(sizes, 'repeat', 'sizes');
  if (reps.length < x.ndim) {
    throw new Error(`repeat: the number of repeats (${reps.length}) cannot be smaller than the number of dims of the tensor (shape ${fmt(x.shape)})`);
  }
  if (reps.some((r) => r < 0)) throw new Error(`repeat: repeats must be >= 0, got ${fmt(reps)}`);
  const padded = [...new Array<number>(reps.length - x.ndim).fill(1), ...x.shape];
  const shape = padded.map((s, i) => s * reps[i]);
  const coords = padded.map((s, i) => (reps[i] === 1 ? null : iota(shape[i]).map((j) => j % s)));
  return takeFlat(x, coordMap(padded, coords), shape, 'RepeatBackward0');
}

/** x repeated along each dim (`torch.tile`); fewer `dims` than x has are padded with 1s in front. */
export function tile(x: Tensor, dims: number | readonly number[]): Tensor {
  checkTensor(x, 'tile');
  const reps = intList(dims, 'tile', 'dims');
  return repeat(x, [...new Array<number>(Math.max(x.ndim - reps.length, 0)).fill(1), ...reps]);
}

/** Options of `repeatInterleave`. */
export interface RepeatInterleaveOptions {
  /** The total size of the result along dim, which must be the sum of the repeats. */
  outputSize?: number;
}

/**
 * Each element (slice along `dim`) of x repeated `repeats` times in place (`torch.repeat_interleave`):
 * repeats is a number or an int32 tensor with one count per slice (or one for all). Without a dim,
 * x is flattened. `repeatInterleave(counts)` alone repeats 0, 1, 2... counts[i] times each.
 */
export function repeatInterleave(x: Tensor, repeats?: number | Tensor, dim: number | null = null, options: RepeatInterleaveOptions = {}): Tensor {
  checkTensor(x, 'repeatInterleave');
  checkOptions(options, ['outputSize'], 'repeatInterleave');
  if (repeats === undefined) {
    if (x.dtype !== 'int32' || x.ndim > 1)
      throw new Error(`repeatInterleave: repeats must be a 0-d or 1-d int32 tensor, got ${x.dtype} of shape ${fmt(x.shape)}`);
    return repeatIndex(x, x.numel(), options.outputSize);
  }
  const input = dim === null || dim === undefined ? flatten(x) : x;
  if (input.ndim === 0) throw new Error(`repeatInterleave: dim ${dim} is out of range for a 0-d tensor; leave dim out to repeat its one element`);
  const d = normalizeDim(dim ?? 0, x.ndim, 'repeatInterleave');
  const size = input.shape[d];
  if (repeats instanceof Tensor) {
    if (repeats.dtype !== 'int32' || repeats.ndim > 1) {
      throw new Error(`repeatInterleave: repeats must be a number or a 0-d or 1-d int32 tensor, got ${repeats.dtype} of shape ${fmt(repeats.shape)}`);
    }
    return indexSelect(input, d, repeatIndex(repeats, size, options.outputSize));
  }
  checkInteger(repeats, 'repeatInterleave', 'repeats');
  if (repeats < 0) throw new Error(`repeatInterleave: repeats must be >= 0, got ${repeats}`);
  if (options.outputSize !== undefined && options.outputSize !== size * repeats) {
    throw new Error(`repeatInterleave: outputSize ${options.outputSize} does not match the ${size * repeats} elements the repeats give`);
  }
  // as PyTorch: unsqueeze after dim, expand it to `repeats`, merge the two dims
  const wide = [...input.shape.slice(0, d + 1), repeats, ...input.shape.slice(d + 1)];
  const merged = [...input.shape];
  merged[d] *= repeats;
  return reshape(expand(unsqueeze(input, d + 1), wide), merged);
}

/** The int32 index [0 x counts[0], 1 x counts[1], ...] for `size` slices (one count broadcasts). */
function repeatIndex(counts: Tensor, size: number, outputSize: number | undefined): Tensor {
  const c = counts.data as Int32Array;
  if (c.length !== 1 && c.length !== size) {
    throw new Error(`repeatInterleave: repeats must have one count per slice (${size}) or a single count, got ${c.length}`);
  }
  const count = (i: number): number => c[c.length === 1 ? 0 : i];
  let total = 0;
  for (let i = 0; i < size; i++) {
    if (count(i) < 0) throw new Error(`repeatInterleave: repeats must be >= 0, got ${count(i)}`);
    total += count(i);
  }
  if (outputSize !== undefined && outputSize !== total) {
    throw new Error(`repeatInterleave: outputSize ${outputSize} does not match the ${total} elements the repeats give`);
  }
  const index = new Int32Array(total);
  for (let i = 0, o = 0; i < size; i++) index.fill(i, o, (o += count(i)));
  return new Tensor(index, [total], 'int32');
}

// ---- tril, triu, diagonal, diagEmbed, diag, trace ----

function triangle(x: Tensor, diagonal: number, lower: boolean): Tensor {
  const where = lower ? 'tril' : 'triu';
  checkTensor(x, where);
  checkInteger(diagonal, where, 'diagonal');
  if (x.ndim < 2) throw new Error(`${where}: input tensor must have at least 2 dimensions, got shape ${fmt(x.shape)}`);
  const [rows, cols] = x.shape.slice(-2);
  const map = iota(x.numel());
  for (let i = 0; i < map.length; i++) {
    const r = Math.floor(i / cols) % rows;
    const c = i % cols;
    if (lower ? c - r > diagonal : c - r < diagonal) map[i] = -1;
  }
  return takeFlat(x, map, x.shape, lower ? 'TrilBackward0' : 'TriuBackward0');
}

/** The lower triangle of the last two dims, zeros above diagonal `diagonal` (`torch.tril`). */
export function tril(x: Tensor, diagonal = 0): Tensor {
  return triangle(x, diagonal, true);
}

/** The upper triangle of the last two dims, zeros below diagonal `diagonal` (`torch.triu`). */
export function triu(x: Tensor, diagonal = 0): Tensor {
  return triangle(x, diagonal, false);
}

/**
 * The flat positions of diagonal `offset` of dims d1, d2 in a tensor of `shape`, and the shape of the
 * diagonal: the other dims in order, then the diagonal's length.
 */
function diagonalMap(shape: Shape, offset: number, d1: number, d2: number): [Int32Array, number[]] {
  const strides = stridesOf(shape);
  const [r0, c0] = offset >= 0 ? [0, offset] : [-offset, 0];
  const length = Math.max(0, Math.min(shape[d1] - r0, shape[d2] - c0));
  const others = shape.map((_, i) => i).filter((i) => i !== d1 && i !== d2);
  const offsets = others.map((i) => iota(shape[i]).map((j) => j * strides[i]));
  offsets.push(iota(length).map((j) => (r0 + j) * strides[d1] + (c0 + j) * strides[d2]));
  return [length === 0 || numel(shape) === 0 ? new Int32Array(0) : offsetMap(offsets), [...others.map((i) => shape[i]), length]];
}

function checkDiagonalDims(ndim: number, offset: number, dim1: number, dim2: number, where: string): [number, number] {
  checkInteger(offset, where, 'offset');
  const d1 = normalizeDim(dim1, ndim, where);
  const d2 = normalizeDim(dim2, ndim, where);
  if (d1 === d2) throw new Error(`${where}: diagonal dimensions cannot be identical: dim1 = ${dim1}, dim2 = ${dim2}`);
  return [d1, d2];
}

/** Diagonal `offset` of the dims dim1 and dim2, appended as the last dim (`torch.diagonal`). */
export function diagonal(x: Tensor, offset = 0, dim1 = 0, dim2 = 1): Tensor {
  checkTensor(x, 'diagonal');
  if (x.ndim < 2) throw new Error(`diagonal: input must have at least 2 dims, got shape ${fmt(x.shape)}`);
  const [d1, d2] = checkDiagonalDims(x.ndim, offset, dim1, dim2, 'diagonal');
  const [map, shape] = diagonalMap(x.shape, offset, d1, d2);
  return takeFlat(x, map, shape, 'DiagonalBackward0');
}

/**
 * Matrices (in dims dim1 and dim2 of the result) whose diagonal `offset` holds the last dim of x, zeros
 * elsewhere (`torch.diag_embed`).
 */
export function diagEmbed(x: Tensor, offset = 0, dim1 = -2, dim2 = -1): Tensor {
  checkTensor(x, 'diagEmbed');
  if (x.ndim < 1) throw new Error('diagEmbed: input must have at least 1 dim, got a 0-d tensor');
  const [d1, d2] = checkDiagonalDims(x.ndim + 1, offset, dim1, dim2, 'diagEmbed');
  return embedDiagonal(x, offset, d1, d2, 'DiagEmbedBackward0');
}

function embedDiagonal(x: Tensor, offset: number, d1: number, d2: number, name: string): Tensor {
  const n = x.shape[x.ndim - 1] + Math.abs(offset);
  const batch = x.shape.slice(0, -1);
  const shape: number[] = [];
  for (let i = 0, b = 0; i < x.ndim + 1; i++) shape.push(i === d1 || i === d2 ? n : batch[b++]);
  return putFlat(x, diagonalMap(shape, offset, d1, d2)[0], shape, name);
}

/**
 * A 1-D x as the diagonal `diagonal` of a square matrix, or the diagonal of a 2-D x as 1-D (`torch.diag`).
 */
export function diag(x: Tensor, diagonal = 0): Tensor {
  checkTensor(x, 'diag');
  checkInteger(diagonal, 'diag', 'diagonal');
  if (x.ndim === 1) return embedDiagonal(x, diagonal, 0, 1, 'DiagEmbedBackward0');
  if (x.ndim !== 2) throw new Error(`diag: supports 1-D or 2-D tensors, got shape ${fmt(x.shape)}`);
  // PyTorch 2.13 records the copy it takes of the diagonal under this name
  const [map, shape] = diagonalMap(x.shape, diagonal, 0, 1);
  return takeFlat(x, map, shape, 'DiagonalBackward0_copy');
}

/** The sum of the main diagonal of a matrix (`torch.trace`); integer and bool inputs give int32. */
export function trace(x: Tensor): Tensor {
  checkTensor(x, 'trace');
  if (x.ndim !== 2) throw new Error(`trace: expected a matrix, got a tensor of shape ${fmt(x.shape)}`);
  if (x.dtype === 'bool') throw new Error('trace: bool tensors are not supported (as in PyTorch); convert them with .int() first');
  const [map] = diagonalMap(x.shape, 0, 0, 1);
  const dtype: DType = isFloatDtype(x.dtype) ? x.dtype : 'int32';
  const y = zerosOf([], dtype);
  let total = 0;
  for (let i = 0; i < map.length; i++) total += x.data[map[i]];
  if (dtype === 'int32' && (total > 2147483647 || total < -2147483648)) {
    throw new Error(`trace: the result ${total} does not fit int32, tsgrad's integer dtype; take the trace in floating point: trace(x.double())`);
  }
  y.data[0] = total;
  return needsGrad(x) ? record(y, new TraceBackward(x.shape, map), x) : y;
}

class TraceBackward extends Node {
  readonly name = 'TraceBackward0';
  constructor(
    private readonly inputShape: Shape,
    private readonly map: Int32Array,
  ) {
    super();
  }
  // d/dx trace(x) = g on the diagonal, 0 elsewhere
  backward(g: Tensor): Tensor[] {
    return [putFlat(expand(g, [this.map.length]), this.map, this.inputShape, 'TraceBackwardBackward0')];
  }
}

// ---- oneHot ----

/**
 * Class indices as one-hot rows (`nn.functional.one_hot`): an int32 tensor of x's shape plus a last dim
 * of `numClasses` (-1: one more than the largest index).
 */
export function oneHot(x: Tensor, numClasses = -1): Tensor {
  checkTensor(x, 'oneHot');
  checkInteger(numClasses, 'oneHot', 'numClasses');
  if (x.dtype !== 'int32') throw new Error(`oneHot: is only applicable to int32 index tensors (PyTorch's LongTensor), got ${x.dtype}`);
  const idx = x.data as Int32Array;
  let classes = numClasses;
  if (classes === -1) {
    if (idx.length === 0) throw new Error('oneHot: cannot infer the number of classes from an empty tensor; pass numClasses');
    classes = idx.reduce((a, b) => Math.max(a, b), 0) + 1;
  } else if (classes < -1) {
    throw new Error(`oneHot: numClasses must be -1 or a whole number >= 0, got ${numClasses}`);
  }
  for (const v of idx) {
    if (v < 0) throw new Error(`oneHot: class values must be non-negative, got ${v}`);
    if (v >= classes) throw new Error(`oneHot: class values must be smaller than numClasses (${classes}), got ${v}`);
  }
  const y = zerosOf([...x.shape, classes], 'int32');
  for (let i = 0; i < idx.length; i++) y.data[i * classes + idx[i]] = 1;
  return y;
}

// ---- meshgrid, broadcastTo, broadcastTensors ----

/** Options of `meshgrid`. */
export interface MeshgridOptions {
  /** 'ij' (matrix indexing, the default) or 'xy' (Cartesian: the first two dims swapped). */
  indexing?: 'ij' | 'xy';
}

/** A list of tensors given as varargs or as one array, and a trailing options object. */
function tensorsAndOptions<O>(args: readonly unknown[], where: string): [Tensor[], O | undefined] {
  let list = [...args];
  let options: O | undefined;
  const last = list[list.length - 1];
  if (list.length > 0 && !(last instanceof Tensor) && !Array.isArray(last) && typeof last === 'object' && last !== null) {
    options = last as O;
    list = list.slice(0, -1);
  }
  if (list.length === 1 && Array.isArray(list[0])) list = [...(list[0] as unknown[])];
  return [checkTensorList(list, where), options];
}

/**
 * Coordinate grids from 0-d or 1-d tensors (`torch.meshgrid`): output i holds tensors[i] along its own
 * dim, repeated along the others. Tensors come as arguments or one array; options last.
 */
export function meshgrid(...args: (Tensor | readonly Tensor[] | MeshgridOptions)[]): Tensor[] {
  const [tensors, options = {}] = tensorsAndOptions<MeshgridOptions>(args, 'meshgrid');
  checkOptions(options, ['indexing'], 'meshgrid');
  const indexing = options.indexing ?? 'ij';
  if (indexing !== 'ij' && indexing !== 'xy') throw new Error(`meshgrid: indexing must be 'ij' or 'xy', got ${describe(indexing)}`);
  tensors.forEach((t, i) => {
    if (t.ndim > 1) throw new Error(`meshgrid: expects 0-d or 1-d tensors, got tensors[${i}] of shape ${fmt(t.shape)}`);
    if (t.dtype !== tensors[0].dtype) throw new Error(`meshgrid: expects all tensors to have the same dtype, got ${tensors[0].dtype} and ${t.dtype}`);
  });
  const sizes = tensors.map((t) => t.numel());
  const position = tensors.map((_, i) => (indexing === 'xy' && tensors.length > 1 && i < 2 ? 1 - i : i));
  const shape = position.map((_, p) => sizes[position.indexOf(p)]);
  return tensors.map((t, i) => {
    const view = shape.map((_, p) => (p === position[i] ? sizes[i] : 1));
    return expand(reshape(t, view), shape);
  });
}

/** x expanded to `shape` by broadcasting (`torch.broadcast_to`); -1 keeps a size. */
export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  checkTensor(x, 'broadcastTo');
  return expand(x, shape);
}

/** The tensors expanded to their common broadcast shape (`torch.broadcast_tensors`). */
export function broadcastTensors(...tensors: (Tensor | readonly Tensor[])[]): Tensor[] {
  const list = tensorsAndOptions<never>(tensors, 'broadcastTensors')[0];
  const shape = list.map((t) => t.shape).reduce((a, b) => broadcastShapes(a, b, 'broadcastTensors'));
  // a tensor that already has the shape is returned itself, as in PyTorch
  return list.map((t) => (sameShape(t.shape, shape) ? t : expand(t, shape)));
}

// ---- atleast1d/2d/3d, hstack, vstack, dstack, columnStack ----

function atleast(args: readonly unknown[], rank: number, where: string, lift: (t: Tensor) => Tensor): Tensor | Tensor[] {
  if (args.length === 1 && args[0] instanceof Tensor) {
    const t = args[0];
    return t.ndim >= rank ? t : lift(t);
  }
  return tensorsAndOptions<never>(args, where)[0].map((t) => (t.ndim >= rank ? t : lift(t)));
}

/** x itself when it has 1 or more dims, else x as shape [1] (`torch.atleast_1d`); several tensors give an array. */
export function atleast1d(x: Tensor): Tensor;
export function atleast1d(...tensors: (Tensor | readonly Tensor[])[]): Tensor[];
export function atleast1d(...args: (Tensor | readonly Tensor[])[]): Tensor | Tensor[] {
  return atleast(args, 1, 'atleast1d', (t) => reshape(t, [1]));
}

/** x with 2 or more dims: 0-d as [1, 1], 1-d [n] as [1, n] (`torch.atleast_2d`). */
export function atleast2d(x: Tensor): Tensor;
export function atleast2d(...tensors: (Tensor | readonly Tensor[])[]): Tensor[];
export function atleast2d(...args: (Tensor | readonly Tensor[])[]): Tensor | Tensor[] {
  return atleast(args, 2, 'atleast2d', (t) => (t.ndim === 0 ? reshape(t, [1, 1]) : unsqueeze(t, 0)));
}

/** x with 3 or more dims: 0-d as [1, 1, 1], [n] as [1, n, 1], [m, n] as [m, n, 1] (`torch.atleast_3d`). */
export function atleast3d(x: Tensor): Tensor;
export function atleast3d(...tensors: (Tensor | readonly Tensor[])[]): Tensor[];
export function atleast3d(...args: (Tensor | readonly Tensor[])[]): Tensor | Tensor[] {
  return atleast(args, 3, 'atleast3d', (t) => (t.ndim === 0 ? reshape(t, [1, 1, 1]) : t.ndim === 1 ? unsqueeze(unsqueeze(t, 0), -1) : unsqueeze(t, -1)));
}

function lifted(tensors: readonly Tensor[], where: string, lift: (...ts: Tensor[]) => Tensor | Tensor[]): Tensor[] {
  return lift(...checkTensorList(tensors, where)) as Tensor[];
}

/** Tensors joined column-wise (`torch.hstack`): along dim 1, or dim 0 for 1-d tensors. */
export function hstack(tensors: readonly Tensor[]): Tensor {
  const list = lifted(tensors, 'hstack', (...ts) => atleast1d(ts));
  return cat(list, list[0].ndim === 1 ? 0 : 1);
}

/** Tensors joined row-wise (`torch.vstack`): 1-d ones as rows, along dim 0. */
export function vstack(tensors: readonly Tensor[]): Tensor {
  return cat(
    lifted(tensors, 'vstack', (...ts) => atleast2d(ts)),
    0,
  );
}

/** Tensors joined depth-wise (`torch.dstack`): as 3-d tensors, along dim 2. */
export function dstack(tensors: readonly Tensor[]): Tensor {
  return cat(
    lifted(tensors, 'dstack', (...ts) => atleast3d(ts)),
    2,
  );
}

/** Tensors as columns (`torch.column_stack`): 0-d and 1-d ones as [n, 1], then joined along dim 1. */
export function columnStack(tensors: readonly Tensor[]): Tensor {
  const list = checkTensorList(tensors, 'columnStack').map((t) => (t.ndim <= 1 ? reshape(t, [t.numel(), 1]) : t));
  return cat(list, 1);
}
