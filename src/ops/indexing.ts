/**
 * Indexing, in libtorch's translation of Python's subscripts: `x.index([...])` reads `x[...]` and
 * `x.indexPut_([...], v)` writes it; and the ops around them: select, slice, take, takeAlongDim,
 * indexCopy, indexFill, scatter, scatterReduce, maskedFill, maskedSelect, maskedScatter, nonzero
 * and one-argument where.
 *
 * Every op here compiles its indices to a flat map: element j of the result is element map[j] of
 * the input's (always contiguous) storage. Two primitives work on such maps and are each other's
 * backward, so gradients of every order follow: `takeAt` (y[j] = x[map[j]]) and `putAt` (x with
 * src[j] written, or added, at map[j]). They carry PyTorch's grad_fn names: a subscript records one
 * node named after the last op of PyTorch's decomposition (`x[0, 1:3]` is SliceBackward0).
 *
 * NOTE: the loops live here rather than in kernels/: each is a few lines over a flat map.
 * NOTE: a basic subscript returns a copy, not a view (tsgrad's storage is always contiguous), so a
 * write through a chain of subscripts (`x[0][1] = 5`) must be one call: `x.indexPut_([0, 1], 5)`.
 */
import { isGradEnabled } from '../autograd/grad-mode';
import { Node } from '../autograd/node';
import { needsGrad, record } from '../autograd/record';
import { allocate, type DType, elementOf, isFloatDtype, type TypedArray } from '../dtype';
import { checkBoolean, checkOptions, describe } from '../options';
import { fmt, normalizeDim, numel, sameShape, type Shape, stridesOf } from '../shape';
import { Tensor } from '../tensor';
import { div, eq, logicalAnd, mul, where as where3 } from './binary';
import { checkTensor, type TensorOrNumber, zerosOf } from './helpers';
import { expand, reshape } from './layout';
import { clone } from './unary';

// ---------------------------------------------------------------------------------------------
// Subscript entries
// ---------------------------------------------------------------------------------------------

/** A Python slice's bounds (made by `Slice`; see there). */
class PySlice {
  readonly start: number | null;
  readonly stop: number | null;
  readonly step: number | null;

  constructor(start: number | null = null, stop: number | null = null, step: number | null = null) {
    for (const [name, v] of [
      ['start', start],
      ['stop', stop],
      ['step', step],
    ] as const) {
      if (v !== null && v !== undefined && !Number.isInteger(v)) throw new Error(`Slice: ${name} must be a whole number or null, got ${describe(v)}`);
    }
    this.start = start ?? null;
    this.stop = stop ?? null;
    this.step = step ?? null;
  }

  /** `1:3:2` as Python writes it (bounds left out are empty). */
  toString(): string {
    const s = (v: number | null): string => (v === null ? '' : String(v));
    return this.step === null ? `${s(this.start)}:${s(this.stop)}` : `${s(this.start)}:${s(this.stop)}:${s(this.step)}`;
  }
}

/** What `Slice` is called as: with or without `new`, as libtorch's `Slice(1, 3)`. */
interface SliceFunction {
  new (start?: number | null, stop?: number | null, step?: number | null): PySlice;
  (start?: number | null, stop?: number | null, step?: number | null): PySlice;
  readonly prototype: PySlice;
}

/**
 * A Python slice `start:stop:step` (libtorch's `torch::indexing::Slice`); null leaves a bound
 * out. `torch.Slice(1, 3)` (or `new Slice(1, 3)`) is `1:3`, `Slice(null, null, 2)` is `::2`. The
 * string forms `'1:3'`, `'::2'`, `':'` and `'-1:'` mean the same in an index.
 */
export const Slice = function Slice(start?: number | null, stop?: number | null, step?: number | null): PySlice {
  return new PySlice(start, stop, step);
} as unknown as SliceFunction;
(Slice as { prototype: PySlice }).prototype = PySlice.prototype;
/** A slice made by `Slice`. */
export type Slice = PySlice;

const SLICE_STRING = /^\s*(-?\d+)?\s*:\s*(-?\d+)?\s*(?::\s*(-?\d+)?\s*)?$/;

/** A Python slice string (`':'`, `'1:3'`, `'::2'`, `'-1:'`) as a Slice; null when `s` is not one. */
export function parseSlice(s: string): Slice | null {
  const m = SLICE_STRING.exec(s);
  if (m === null) return null;
  const n = (v: string | undefined): number | null => (v === undefined ? null : Number(v));
  return new Slice(n(m[1]), n(m[2]), n(m[3]));
}

/** Nested arrays of integers or booleans: an index tensor written as a Python list (`x[[0, 2]]`). */
export type IndexArray = readonly (number | boolean | IndexArray)[];

/**
 * One entry of a subscript: an integer (negative counts from the end), a Slice or slice string,
 * `null` (None: a new axis), `'...'`, a boolean, a bool tensor or array (a mask), or an int32
 * tensor or array (advanced indexing).
 */
export type IndexEntry = number | boolean | string | null | Slice | Tensor | IndexArray;

type Entry =
  | { kind: 'int'; value: number; k: number }
  | { kind: 'slice'; slice: Slice; k: number }
  | { kind: 'none'; k: number }
  | { kind: 'ellipsis'; k: number }
  | { kind: 'bool'; value: boolean; k: number }
  | { kind: 'tensor'; t: Tensor; k: number }
  | { kind: 'mask'; t: Tensor; k: number };

const ENTRY_KINDS = "an integer, a Slice or slice string such as ':' or '1:3', null (a new axis), '...', a boolean, or an int32 or bool tensor or array";

/** An array of numbers or booleans (nested, rectangular) as an int32 or bool tensor. */
function arrayToTensor(a: IndexArray, what: string, where: string): Tensor {
  const shape: number[] = [];
  for (let level: unknown = a; Array.isArray(level); level = level[0]) {
    shape.push(level.length);
    if (level.length === 0) break;
  }
  const flat: (number | boolean)[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (depth === shape.length) {
      if (typeof v === 'boolean' || (typeof v === 'number' && Number.isInteger(v))) flat.push(v);
      else throw new Error(`${where}: ${what} is an array holding ${describe(v)}; index arrays hold integers or booleans (nested for more dims)`);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      throw new Error(`${where}: ${what} is a ragged array; index arrays must be rectangular (each level of shape ${fmt(shape)})`);
    }
    for (const e of v) walk(e, depth + 1);
  };
  walk(a, 0);
  const isBool = flat.length > 0 && typeof flat[0] === 'boolean';
  if (flat.some((v) => (typeof v === 'boolean') !== isBool)) throw new Error(`${where}: ${what} mixes booleans and numbers; use one kind`);
  if (!isBool) flat.forEach((v) => elementOf(v, 'int32', `${where}: ${what}`));
  const data = isBool ? Uint8Array.from(flat, (v) => (v ? 1 : 0)) : Int32Array.from(flat as number[]);
  return new Tensor(data, shape, isBool ? 'bool' : 'int32');
}

function classify(e: unknown, k: number, where: string): Entry {
  const what = `indices[${k}]`;
  if (typeof e === 'number') {
    if (!Number.isInteger(e)) {
      throw new Error(
        `${where}: ${what} is ${e}: only integers, slices (':'), ellipsis ('...'), null and int32 or bool tensors are valid indices (got a fraction)`,
      );
    }
    return { kind: 'int', value: e, k };
  }
  if (typeof e === 'boolean') return { kind: 'bool', value: e, k };
  if (e === null) return { kind: 'none', k };
  if (e instanceof Slice) return { kind: 'slice', slice: e, k };
  if (typeof e === 'string') {
    if (e.trim() === '...') return { kind: 'ellipsis', k };
    const s = parseSlice(e);
    if (s === null) {
      throw new Error(
        `${where}: ${what} is string ${JSON.stringify(e)}, which is not a slice; a slice string has a colon ` +
          `(':', '1:3', '::2', '-1:'), '...' is the ellipsis, and an integer index is a number`,
      );
    }
    return { kind: 'slice', slice: s, k };
  }
  let t: Tensor;
  if (e instanceof Tensor) t = e;
  else if (Array.isArray(e)) t = arrayToTensor(e as IndexArray, what, where);
  else throw new Error(`${where}: ${what} must be ${ENTRY_KINDS}; got ${describe(e)}`);
  if (t.dtype === 'bool') return t.ndim === 0 ? { kind: 'bool', value: t.data[0] !== 0, k } : { kind: 'mask', t, k };
  if (t.dtype !== 'int32') {
    throw new Error(`${where}: ${what} is a ${t.dtype} tensor: tensors used as indices must be long, int, byte or bool tensors (int32 or bool in tsgrad)`);
  }
  // a 0-d integer tensor indexes as the integer it holds, as in PyTorch
  return t.ndim === 0 ? { kind: 'int', value: t.data[0], k } : { kind: 'tensor', t, k };
}

// ---------------------------------------------------------------------------------------------
// Planning a subscript: the flat map it reads, its shape and PyTorch's names
// ---------------------------------------------------------------------------------------------

/** One axis of the view being indexed: its size, its stride in x's storage, and x's dim (-1 for a new axis). */
interface Axis {
  size: number;
  stride: number;
  dim: number;
  /** Set on an axis indexed by a tensor: the positions it picks (negative ones already wrapped). */
  adv?: { idx: Int32Array; shape: number[] };
}

/** A subscript of x, compiled. */
interface Plan {
  map: Int32Array;
  shape: number[];
  /** Whether a tensor, array, mask or boolean took part (PyTorch's `index` ran). */
  advanced: boolean;
  /** The basic ops PyTorch's decomposition runs, in order (full slices are skipped, as PyTorch does). */
  ops: ('select' | 'slice' | 'unsqueeze')[];
  /** The whole subscript is one slice (PyTorch then runs it even when it is full). */
  loneSlice: boolean;
  /** The whole subscript is `false` (PyTorch's setitem then writes nothing). */
  loneFalse: boolean;
}

const OP_NAME = { select: 'SelectBackward0', slice: 'SliceBackward0', unsqueeze: 'UnsqueezeBackward0' } as const;
const OP_BACK_NAME = { select: 'SelectBackwardBackward0', slice: 'SliceBackwardBackward0', unsqueeze: 'SqueezeBackward1' } as const;

/** Python's slice bounds for a dim of `size`: [start, length, step]. */
function sliceBounds(s: Slice, size: number, what: string, where: string): [number, number, number] {
  const step = s.step ?? 1;
  if (step === 0) throw new Error(`${where}: ${what} (${s.toString()}): slice step cannot be zero`);
  if (step < 0) throw new Error(`${where}: ${what} (${s.toString()}): step must be greater than zero (PyTorch has no negative steps; use flip)`);
  const clampBound = (v: number | null, fallback: number): number => {
    if (v === null) return fallback;
    const w = v < 0 ? v + size : v;
    return Math.min(Math.max(w, 0), size);
  };
  const start = clampBound(s.start, 0);
  const stop = clampBound(s.stop, size);
  return [start, stop > start ? Math.ceil((stop - start) / step) : 0, step];
}

/** Checks index values against a dim of `size` and wraps negative ones (a copy). */
function wrapIndices(idx: TypedArray, size: number, describeDim: string, where: string): Int32Array {
  const out = new Int32Array(idx.length);
  for (let i = 0; i < idx.length; i++) {
    const v = idx[i];
    if (v < -size || v >= size) throw new Error(`${where}: index ${v} is out of bounds for ${describeDim} with size ${size}`);
    out[i] = v < 0 ? v + size : v;
  }
  return out;
}

/** The broadcast of index shapes, with PyTorch's error. */
function broadcastIndexShapes(shapes: readonly (readonly number[])[], where: string): number[] {
  const n = Math.max(...shapes.map((s) => s.length));
  const out = new Array<number>(n).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const o = n - s.length + i;
      if (s[i] !== out[o] && s[i] !== 1 && out[o] !== 1) {
        throw new Error(`${where}: shape mismatch: indexing tensors could not be broadcast together with shapes ${shapes.map((x) => fmt(x)).join(', ')}`);
      }
      if (s[i] !== 1) out[o] = s[i];
    }
  }
  return out;
}

/** For each element of `shape`, the flat position in a tensor of `from` (with `strides`) broadcast to it. */
function broadcastPositions(from: readonly number[], shape: readonly number[], strides: readonly number[] = stridesOf(from)): Int32Array {
  const total = numel(shape);
  const out = new Int32Array(total);
  const offset = shape.length - from.length;
  const bs = shape.map((_, i) => (i < offset || from[i - offset] === 1 ? 0 : strides[i - offset]));
  const coord = new Array<number>(shape.length).fill(0);
  let pos = 0;
  for (let j = 0; j < total; j++) {
    out[j] = pos;
    for (let d = shape.length - 1; d >= 0; d--) {
      coord[d]++;
      pos += bs[d];
      if (coord[d] < shape[d]) break;
      pos -= bs[d] * shape[d];
      coord[d] = 0;
    }
  }
  return out;
}

/** The flat positions of a walk over `axes` (a regular axis steps by its stride; a group reads its offsets) from `base`. */
function buildMap(base: number, axes: readonly { size: number; stride: number; offsets?: Int32Array }[]): Int32Array {
  const total = axes.reduce((n, a) => n * a.size, 1);
  const map = new Int32Array(total);
  if (total === 0) return map;
  let j = 0;
  const last = axes.length - 1;
  const walk = (a: number, off: number): void => {
    const ax = axes[a];
    const offsets = ax.offsets;
    if (a === last) {
      if (offsets) for (let i = 0; i < ax.size; i++) map[j++] = off + offsets[i];
      else for (let i = 0; i < ax.size; i++) map[j++] = off + i * ax.stride;
      return;
    }
    if (offsets) for (let i = 0; i < ax.size; i++) walk(a + 1, off + offsets[i]);
    else for (let i = 0; i < ax.size; i++) walk(a + 1, off + i * ax.stride);
  };
  if (axes.length === 0) map[0] = base;
  else walk(0, base);
  return map;
}

/** The positions where a mask is true, one array per mask dim (PyTorch expands masks with nonzero). */
function maskPositions(mask: Tensor): Int32Array[] {
  const m = mask.data;
  let count = 0;
  for (let i = 0; i < m.length; i++) if (m[i] !== 0) count++;
  const out = mask.shape.map(() => new Int32Array(count));
  let c = 0;
  for (let i = 0; i < m.length; i++) {
    if (m[i] === 0) continue;
    let rest = i;
    for (let d = mask.ndim - 1; d >= 0; d--) {
      out[d][c] = rest % mask.shape[d];
      rest = Math.floor(rest / mask.shape[d]);
    }
    c++;
  }
  return out;
}

function checkIndices(indices: unknown, where: string): readonly unknown[] {
  if (!Array.isArray(indices)) {
    throw new Error(`${where}: indices must be an array with one entry per subscript, as x.index([0, ':']) for x[0, :]; got ${describe(indices)}`);
  }
  return indices;
}

/** Compiles the subscript `indices` of x, with PyTorch's rules and errors. */
function plan(x: Tensor, indices: unknown, where: string): Plan {
  const entries = checkIndices(indices, where).map((e, k) => classify(e, k, where));
  const ellipses = entries.filter((e) => e.kind === 'ellipsis');
  if (ellipses.length > 1) throw new Error(`${where}: an index can only have a single ellipsis ('...'); indices[${ellipses[1].k}] is a second one`);
  let consumed = 0;
  for (const e of entries) consumed += e.kind === 'int' || e.kind === 'slice' || e.kind === 'tensor' ? 1 : e.kind === 'mask' ? e.t.ndim : 0;
  if (x.ndim === 0 && entries.some((e) => e.kind === 'int')) {
    throw new Error(`${where}: invalid index of a 0-dim tensor; use x.item() to get its value`);
  }
  if (consumed > x.ndim)
    throw new Error(`${where}: too many indices for tensor of dimension ${x.ndim} (the indices use ${consumed} dims of shape ${fmt(x.shape)})`);

  const strides = stridesOf(x.shape);
  const axes: Axis[] = x.shape.map((size, i) => ({ size, stride: strides[i], dim: i }));
  const ops: Plan['ops'] = [];
  let offset = 0;
  let d = 0;
  let advanced = false;
  const dimName = (a: Axis): string => (a.dim >= 0 ? `dimension ${a.dim}` : 'a new dimension');
  for (const e of entries) {
    switch (e.kind) {
      case 'int': {
        const a = axes[d];
        if (e.value < -a.size || e.value >= a.size) {
          throw new Error(`${where}: indices[${e.k}] is ${e.value}: index ${e.value} is out of bounds for ${dimName(a)} with size ${a.size}`);
        }
        offset += (e.value < 0 ? e.value + a.size : e.value) * a.stride;
        axes.splice(d, 1);
        ops.push('select');
        break;
      }
      case 'slice': {
        const a = axes[d];
        const [start, length, step] = sliceBounds(e.slice, a.size, `indices[${e.k}]`, where);
        if (!(start === 0 && length === a.size && step === 1)) ops.push('slice');
        if (length > 0) offset += start * a.stride;
        axes[d] = { size: length, stride: a.stride * step, dim: a.dim };
        d++;
        break;
      }
      case 'none':
        axes.splice(d++, 0, { size: 1, stride: 0, dim: -1 });
        ops.push('unsqueeze');
        break;
      case 'ellipsis':
        d += x.ndim - consumed;
        break;
      case 'bool':
        // PyTorch: unsqueeze, then index the new axis with [0] (true) or [] (false)
        axes.splice(d++, 0, { size: 1, stride: 0, dim: -1, adv: { idx: new Int32Array(e.value ? 1 : 0), shape: [e.value ? 1 : 0] } });
        ops.push('unsqueeze');
        advanced = true;
        break;
      case 'tensor': {
        const a = axes[d];
        a.adv = { idx: wrapIndices(e.t.data, a.size, dimName(a), `${where}: indices[${e.k}]`), shape: [...e.t.shape] };
        d++;
        advanced = true;
        break;
      }
      case 'mask': {
        e.t.shape.forEach((s, j) => {
          if (s !== axes[d + j].size) {
            throw new Error(
              `${where}: indices[${e.k}]: The shape of the mask ${fmt(e.t.shape)} at index ${j} does not match the shape of the indexed tensor ` +
                `${fmt(axes.map((a) => a.size))} at index ${d + j}`,
            );
          }
        });
        maskPositions(e.t).forEach((idx, j) => (axes[d + j].adv = { idx, shape: [idx.length] }));
        d += e.t.ndim;
        advanced = true;
        break;
      }
    }
  }
  const loneSlice = entries.length === 1 && entries[0].kind === 'slice';
  const loneFalse = entries.length === 1 && entries[0].kind === 'bool' && !entries[0].value;
  if (!advanced) return { map: buildMap(offset, axes), shape: axes.map((a) => a.size), advanced, ops, loneSlice, loneFalse };

  const indexed = axes.flatMap((a, i) => (a.adv ? [i] : []));
  const B = broadcastIndexShapes(
    indexed.map((i) => axes[i].adv!.shape),
    where,
  );
  const groupSize = numel(B);
  const offsets = new Int32Array(groupSize);
  for (const i of indexed) {
    const { idx, shape } = axes[i].adv!;
    const pos = broadcastPositions(shape, B);
    const stride = axes[i].stride;
    for (let j = 0; j < groupSize; j++) offsets[j] += idx[pos[j]] * stride;
  }
  // consecutive indexed axes keep their place; separated ones go first (PyTorch's rule)
  const adjacent = indexed[indexed.length - 1] - indexed[0] === indexed.length - 1;
  const group = { size: groupSize, stride: 0, offsets };
  const rest = axes.filter((a) => !a.adv);
  const first = adjacent ? indexed[0] : 0;
  const before = rest.slice(0, first);
  const after = rest.slice(first);
  const walkAxes = [...before, group, ...after];
  const shape = [...before.map((a) => a.size), ...B, ...after.map((a) => a.size)];
  return { map: buildMap(offset, walkAxes), shape, advanced, ops, loneSlice, loneFalse };
}

/** PyTorch's grad_fn name for reading the plan, and the name of its backward's node. */
function readNames(p: Plan): [string, string] {
  const back = p.ops.length > 0 ? OP_BACK_NAME[p.ops[0]] : p.loneSlice ? OP_BACK_NAME.slice : 'IndexPutImplBackward0';
  if (p.advanced) return ['IndexBackward0', back];
  if (p.ops.length > 0) return [OP_NAME[p.ops[p.ops.length - 1]], back];
  return p.loneSlice ? [OP_NAME.slice, back] : ['AliasBackward0', back];
}

/** PyTorch's grad_fn name for writing `value` at the plan (`x[...] = value`). */
function writeName(p: Plan, value: Tensor | number | boolean): string {
  if (p.ops.length > 0) return 'CopySlices';
  if (p.advanced) return 'IndexPutBackward0';
  return value instanceof Tensor && value.ndim > 0 ? 'CopyBackwards' : 'FillBackward3';
}

// ---------------------------------------------------------------------------------------------
// The two primitives
// ---------------------------------------------------------------------------------------------

/** Writes src[j] at map[j] of `out` (adds with `accumulate`; bool adds are or); int32 sums beyond int32 are an Error. */
function writeAt(out: TypedArray, map: Int32Array, src: TypedArray, accumulate: boolean, dtype: DType, where: string): void {
  if (!accumulate) {
    for (let j = 0; j < map.length; j++) out[map[j]] = src[j];
  } else if (dtype === 'bool') {
    for (let j = 0; j < map.length; j++) out[map[j]] = out[map[j]] !== 0 || src[j] !== 0 ? 1 : 0;
  } else if (dtype === 'int32') {
    for (let j = 0; j < map.length; j++) {
      const v = out[map[j]] + src[j];
      if (v > 2147483647 || v < -2147483648)
        throw new Error(`${where}: the accumulated value ${v} does not fit in int32 (tsgrad's integer dtype); use a float dtype`);
      out[map[j]] = v;
    }
  } else {
    for (let j = 0; j < map.length; j++) out[map[j]] += src[j];
  }
}

/** @internal y[j] = x[map[j]], in `shape`, recorded under `name`; `backName` names the node of its backward. */
function takeAt(x: Tensor, map: Int32Array, shape: Shape, name: string, backName: string): Tensor {
  const y = zerosOf(shape, x.dtype);
  const xd = x.data,
    yd = y.data;
  for (let j = 0; j < map.length; j++) yd[j] = xd[map[j]];
  return needsGrad(x) ? record(y, new TakeBackward(name, backName, map, x.shape), x) : y;
}

class TakeBackward extends Node {
  constructor(
    readonly name: string,
    private readonly backName: string,
    private readonly map: Int32Array,
    private readonly inputShape: Shape,
  ) {
    super();
  }
  // d/dx x[map] = g added back at the positions map read (repeats accumulate)
  backward(g: Tensor): Tensor[] {
    return [putAt(zerosOf(this.inputShape, g.dtype), this.map, g, true, this.backName, this.name)];
  }
  override fastBackward(g: Tensor): Tensor[] {
    const out = zerosOf(this.inputShape, g.dtype);
    const o = out.data,
      gd = g.data,
      map = this.map;
    for (let j = 0; j < map.length; j++) o[map[j]] += gd[j];
    return [out];
  }
  override get returnsFreshGrads(): boolean {
    return true;
  }
}

/**
 * @internal x with src[j] written at flat position map[j] (added with `accumulate`), recorded under
 * `name`; src has x's dtype and map.length elements. `backName` names the node of its src-backward.
 */
function putAt(x: Tensor, map: Int32Array, src: Tensor, accumulate: boolean, name: string, backName: string): Tensor {
  const y = new Tensor(x.data.slice(), x.shape, x.dtype);
  writeAt(y.data, map, src.data, accumulate, x.dtype, name);
  return needsGrad(x, src) ? record(y, new PutBackward(name, backName, map, accumulate, src.shape), x, src) : y;
}

class PutBackward extends Node {
  constructor(
    readonly name: string,
    private readonly backName: string,
    private readonly map: Int32Array,
    private readonly accumulate: boolean,
    private readonly srcShape: Shape,
  ) {
    super();
  }
  // d/dx = g (accumulate) or g zeroed where src was written; d/dsrc = g read at the written positions
  backward(g: Tensor): (Tensor | null)[] {
    const [needX, needSrc] = this.needsInputGrad;
    const dx = !needX ? null : this.accumulate ? g : putAt(g, this.map, zerosOf(this.srcShape, g.dtype), false, this.name, this.backName);
    return [dx, needSrc ? takeAt(g, this.map, this.srcShape, this.backName, this.name) : null];
  }
  override fastBackward(g: Tensor): (Tensor | null)[] {
    const [needX, needSrc] = this.needsInputGrad;
    const map = this.map,
      gd = g.data;
    let dx: Tensor | null = null;
    if (needX && this.accumulate) dx = g;
    else if (needX) {
      dx = new Tensor(gd.slice(), g.shape, g.dtype);
      for (let j = 0; j < map.length; j++) dx.data[map[j]] = 0;
    }
    let dsrc: Tensor | null = null;
    if (needSrc) {
      dsrc = zerosOf(this.srcShape, g.dtype);
      for (let j = 0; j < map.length; j++) dsrc.data[j] = gd[map[j]];
    }
    return [dx, dsrc];
  }
}

/** Reads x at the plan's map, recorded under PyTorch's name for the subscript. */
function readPlan(x: Tensor, p: Plan): Tensor {
  const [name, backName] = readNames(p);
  if (name !== 'AliasBackward0') return takeAt(x, p.map, p.shape, name, backName);
  const y = new Tensor(x.data.slice(), x.shape, x.dtype);
  return needsGrad(x) ? record(y, new AliasBackward(), x) : y;
}

class AliasBackward extends Node {
  readonly name = 'AliasBackward0';
  // d/dx alias(x) = g
  backward(g: Tensor): Tensor[] {
    return [g];
  }
}

// ---------------------------------------------------------------------------------------------
// In-place writes
// ---------------------------------------------------------------------------------------------

const LEAF_ERROR = 'a leaf Variable that requires grad is being used in an in-place operation.';
const VIEW_LEAF_ERROR = 'a view of a leaf Variable that requires grad is being used in an in-place operation.';

/**
 * Checks that x may be written in place: under grad mode, a leaf that requires grad may not (as in
 * PyTorch). A tensor with history may: the write becomes its new grad_fn, and ops that read x
 * before keep their own producer (nodes keep their inputs' grad_fn from record time), while a
 * value they saved and the write changed is caught by the version counter.
 */
function checkWritable(x: Tensor, where: string, leafText = LEAF_ERROR): void {
  if (isGradEnabled() && x.requiresGrad && x.isLeaf) throw new Error(`${where}: ${leafText} Wrap the update in noGrad(() => ...), or write into a clone`);
}

/**
 * Writes src at x's flat positions `map` in place (added with `accumulate`), bumps x's version, and
 * when src requires grad (under grad mode) records the write as x's grad_fn, named `name`.
 */
function putInPlace(x: Tensor, map: Int32Array, src: Tensor, accumulate: boolean, name: string, backName: string): Tensor {
  if (accumulate && x.dtype === 'int32') {
    // summed in a copy first, so that an overflow Error leaves x as it was
    const scratch = x.data.slice();
    writeAt(scratch, map, src.data, true, x.dtype, name);
    x.data.set(scratch);
  } else {
    writeAt(x.data, map, src.data, accumulate, x.dtype, name);
  }
  x._version.value++;
  // x is its own input: the node's producer for it is x's grad_fn before this write
  if (isGradEnabled() && (src.requiresGrad || x.requiresGrad)) record(x, new PutBackward(name, backName, map, accumulate, src.shape), x, src);
  return x;
}

/** Replaces x's contents with `result` (same shape and dtype) in place, taking over result's grad_fn. */
function adoptInPlace(x: Tensor, result: Tensor): Tensor {
  x.data.set(result.data);
  x._version.value++;
  if (result.gradFn !== null) x._setGradFn(result.gradFn);
  return x;
}

/**
 * x as the input of an in-place op computed out of place: when the result will be recorded, a copy
 * of x's values (a saved input must not change) that carries x's history, so gradients reach it.
 */
function inPlaceInput(x: Tensor, recorded: boolean): Tensor {
  if (!recorded) return x.detach();
  const before = new Tensor(x.data.slice(), x.shape, x.dtype);
  if (x.gradFn !== null) before._setGradFn(x.gradFn);
  return before;
}

// ---------------------------------------------------------------------------------------------
// Values written by a subscript
// ---------------------------------------------------------------------------------------------

/** A number or boolean as a 0-d tensor of `dtype` (overflowing int32 is an Error). */
function scalarTensor(value: number | boolean, dtype: DType, where: string, what = 'value'): Tensor {
  const data = allocate(dtype, 1);
  data[0] = elementOf(value, dtype, `${where}: ${what}`);
  return new Tensor(data, [], dtype);
}

/** `values` expanded to the plan's shape in x's dtype, with PyTorch's rules (leading size-1 dims are dropped; advanced writes need x's dtype). */
function valuesFor(x: Tensor, p: Plan, values: unknown, where: string): Tensor {
  if (typeof values === 'number' || typeof values === 'boolean') return expand(scalarTensor(values, x.dtype, where), p.shape);
  if (!(values instanceof Tensor)) throw new Error(`${where}: values must be a Tensor, a number or a boolean, got ${describe(values)}`);
  if (values.dtype !== x.dtype && p.advanced) {
    throw new Error(
      `${where}: Index put requires the source and destination dtypes match, got ${x.dtype} for the destination and ${values.dtype} for the source; convert them with .to('${x.dtype}')`,
    );
  }
  let first = 0;
  while (first < values.ndim && values.shape[first] === 1) first++;
  const stripped = values.shape.slice(first);
  const fits = stripped.length <= p.shape.length && stripped.every((s, i) => s === 1 || s === p.shape[p.shape.length - stripped.length + i]);
  if (!fits)
    throw new Error(`${where}: shape mismatch: value tensor of shape ${fmt(values.shape)} cannot be broadcast to indexing result of shape ${fmt(p.shape)}`);
  let v = values.dtype === x.dtype ? values : values.to(x.dtype);
  if (first > 0) v = reshape(v, stripped);
  return sameShape(v.shape, p.shape) ? v : expand(v, p.shape);
}

// ---------------------------------------------------------------------------------------------
// Subscripts
// ---------------------------------------------------------------------------------------------

/**
 * `x[...]` (libtorch's `x.index({...})`): one entry per subscript, each an integer, a Slice or
 * slice string, null, `'...'`, a boolean, a mask or an int32 tensor or array, in any mix:
 * `x[:, 1]` is `index(x, [':', 1])`, `x[mask]` is `index(x, [mask])`, `x[idx, ::2]` is
 * `index(x, [idx, '::2'])`. PyTorch's shapes and grad_fn names; the result is a copy.
 */
export function index(x: Tensor, indices: readonly IndexEntry[]): Tensor {
  checkTensor(x, 'index');
  return readPlan(x, plan(x, indices, 'index'));
}

/**
 * x with `values` written at the subscript `indices` (added with `accumulate`), out of place:
 * `y = x.clone(); y[...] = v` in one op (`torch.index_put` for tensor indices). Differentiable in x
 * and values; values broadcast to the indexed shape.
 */
export function indexPut(x: Tensor, indices: readonly IndexEntry[], values: Tensor | number | boolean, accumulate = false): Tensor {
  checkTensor(x, 'indexPut');
  checkBoolean(accumulate, 'indexPut', 'accumulate');
  const p = plan(x, indices, 'indexPut');
  const v = valuesFor(x, p, values, 'indexPut');
  if (p.loneFalse) return clone(x); // PyTorch writes nothing for y[False] = v
  return putAt(x, p.map, v, accumulate, writeName(p, values), p.advanced ? 'IndexBackward0' : readNames(p)[0]);
}

/**
 * `x[...] = values` (libtorch's `x.index_put_({...}, values)`), in place: `x[mask] = 0` is
 * `indexPut_(x, [mask], 0)`, `x[:, 0] = v` is `indexPut_(x, [':', 0], v)`; with `accumulate`,
 * repeated indices add up (`index_put_(..., accumulate=True)`). Returns x, its version bumped.
 */
export function indexPut_(x: Tensor, indices: readonly IndexEntry[], values: Tensor | number | boolean, accumulate = false): Tensor {
  checkTensor(x, 'indexPut_');
  checkBoolean(accumulate, 'indexPut_', 'accumulate');
  const p = plan(x, indices, 'indexPut_');
  const v = valuesFor(x, p, values, 'indexPut_');
  if (p.loneFalse) return x; // PyTorch writes nothing for x[False] = v
  checkWritable(x, 'indexPut_', p.ops.length > 0 ? VIEW_LEAF_ERROR : LEAF_ERROR);
  return putInPlace(x, p.map, v, accumulate, writeName(p, values), p.advanced ? 'IndexBackward0' : readNames(p)[0]);
}

/** The slice of x at `index` along `dim`, that dim removed (`torch.select`); index may be negative. */
export function select(x: Tensor, dim: number, index: number): Tensor {
  checkTensor(x, 'select');
  if (x.ndim === 0) throw new Error('select: select() cannot be applied to a 0-dim tensor.');
  const d = normalizeDim(dim, x.ndim, 'select');
  if (typeof index !== 'number' || !Number.isInteger(index)) throw new Error(`select: index must be a whole number, got ${describe(index)}`);
  if (index < -x.shape[d] || index >= x.shape[d]) {
    throw new Error(`select: select(): index ${index} out of range for tensor of size ${fmt(x.shape)} at dimension ${d}`);
  }
  const map = slicesMap(x.shape, d, Int32Array.of(index < 0 ? index + x.shape[d] : index));
  return takeAt(x, map, [...x.shape.slice(0, d), ...x.shape.slice(d + 1)], OP_NAME.select, OP_BACK_NAME.select);
}

/**
 * Elements start, start + step, ... before end of x along `dim` (`aten::slice`, what `x[start:end:step]`
 * runs); bounds are clamped as Python's, null leaves one out, step must be positive.
 */
export function slice(x: Tensor, dim = 0, start: number | null = null, end: number | null = null, step = 1): Tensor {
  checkTensor(x, 'slice');
  if (x.ndim === 0) throw new Error('slice: slice() cannot be applied to a 0-dim tensor.');
  const d = normalizeDim(dim, x.ndim, 'slice');
  if (typeof step !== 'number' || !Number.isInteger(step)) throw new Error(`slice: step must be a whole number, got ${describe(step)}`);
  if (step <= 0) throw new Error(`slice: slice step must be positive, got ${step}`);
  const [first, length] = sliceBounds(new Slice(start, end, step), x.shape[d], 'the slice', 'slice');
  const picked = Int32Array.from({ length }, (_, i) => first + i * step);
  return takeAt(
    x,
    slicesMap(x.shape, d, picked),
    x.shape.map((s, i) => (i === d ? length : s)),
    OP_NAME.slice,
    OP_BACK_NAME.slice,
  );
}

// ---------------------------------------------------------------------------------------------
// take, takeAlongDim
// ---------------------------------------------------------------------------------------------

function checkIndexTensor(index: unknown, where: string, what: string, expects: string): Tensor {
  const t = checkTensor(index, where, what);
  if (t.dtype !== 'int32') throw new Error(`${where}: ${expects}, but got ${t.dtype} (tsgrad's int32 plays PyTorch's int64)`);
  return t;
}

/** x read as 1-D at `index` (`torch.take`): the result has index's shape; negative indices count from the end. */
export function take(x: Tensor, index: Tensor): Tensor {
  checkTensor(x, 'take');
  const idx = checkIndexTensor(index, 'take', 'index', 'take(): Expected a long tensor for index');
  const n = x.numel();
  const map = new Int32Array(idx.numel());
  for (let j = 0; j < map.length; j++) {
    const v = idx.data[j];
    if (v < -n || v >= n) throw new Error(`take: out of range: tried to access index ${v} on a tensor of ${n} elements.`);
    map[j] = v < 0 ? v + n : v;
  }
  return takeAt(x, map, idx.shape, 'TakeBackward0', 'PutBackward0');
}

/**
 * out[..., j, ...] = x[..., indices[..., j, ...], ...] along `dim` (`torch.take_along_dim`), x and
 * indices broadcast outside dim; without dim, x is read as 1-D (`x.flatten().gather(0, indices.flatten())`).
 */
export function takeAlongDim(x: Tensor, indices: Tensor, dim: number | null = null): Tensor {
  checkTensor(x, 'takeAlongDim');
  const idx = checkIndexTensor(indices, 'takeAlongDim', 'indices', 'gather(): Expected dtype int32/int64 for index');
  if (dim === null || dim === undefined) {
    const n = x.numel();
    const map = new Int32Array(idx.numel());
    for (let j = 0; j < map.length; j++) {
      const v = idx.data[j];
      if (v < 0 || v >= n) throw new Error(`takeAlongDim: index ${v} is out of bounds for dimension 0 with size ${n}`);
      map[j] = v;
    }
    return takeAt(x, map, [map.length], 'GatherBackward0', 'ScatterAddBackward0');
  }
  const d = normalizeDim(dim, x.ndim, 'takeAlongDim');
  if (idx.ndim !== x.ndim) {
    throw new Error(
      `takeAlongDim: torch.take_along_dim(): input and indices should have the same number of dimensions, but got ${x.ndim} dimensions for input, and ${idx.ndim} dimensions for indices`,
    );
  }
  const outShape = x.shape.map((s, i) => {
    if (i === d) return idx.shape[i];
    if (s !== idx.shape[i] && s !== 1 && idx.shape[i] !== 1) {
      throw new Error(
        `takeAlongDim: The size of tensor a (${s}) must match the size of tensor b (${idx.shape[i]}) at non-singleton dimension ${i} (input ${fmt(x.shape)}, indices ${fmt(idx.shape)})`,
      );
    }
    return Math.max(s, idx.shape[i]);
  });
  const size = x.shape[d];
  const xStrides = stridesOf(x.shape);
  const idxPos = broadcastPositions(idx.shape, outShape);
  // x's position outside dim (stride 0 along dim), then the index picks along dim
  const xPos = broadcastPositions(
    x.shape.map((s, i) => (i === d ? 1 : s)),
    outShape,
    xStrides,
  );
  const map = new Int32Array(idxPos.length);
  for (let j = 0; j < map.length; j++) {
    const v = idx.data[idxPos[j]];
    if (v < -size || v >= size) throw new Error(`takeAlongDim: index ${v} is out of bounds for dimension ${d} with size ${size}`);
    map[j] = xPos[j] + (v < 0 ? v + size : v) * xStrides[d];
  }
  return takeAt(x, map, outShape, 'GatherBackward0', 'ScatterAddBackward0');
}

// ---------------------------------------------------------------------------------------------
// indexCopy, indexFill
// ---------------------------------------------------------------------------------------------

/** The flat positions of the slices of x at `idx` along dim d, slice after slice (row-major in x's other dims, idx innermost at d). */
function slicesMap(shape: Shape, d: number, idx: Int32Array): Int32Array {
  const strides = stridesOf(shape);
  const axes = shape.map((s, i) =>
    i === d ? { size: idx.length, stride: 0, offsets: Int32Array.from(idx, (v) => v * strides[d]) } : { size: s, stride: strides[i] },
  );
  return buildMap(0, shape.length === 0 ? [{ size: idx.length, stride: 0, offsets: idx }] : axes);
}

function checkDimIndex(x: Tensor, dim: number, index: unknown, where: string, torchName: string, allowNegative: boolean): [number, Int32Array] {
  const d = normalizeDim(dim, x.ndim, where);
  const idx = checkIndexTensor(index, where, 'index', `${torchName}(): Expected a long tensor for index`);
  if (idx.ndim > 1) throw new Error(`${where}: ${torchName}(): Index should have dimension 1 or 0 (got ${idx.ndim})`);
  const size = x.ndim === 0 ? 1 : x.shape[d];
  const out = new Int32Array(idx.numel());
  for (let j = 0; j < out.length; j++) {
    const v = idx.data[j];
    if (v >= size || v < (allowNegative ? -size : 0))
      throw new Error(`${where}: ${torchName}(): index ${v} is out of bounds for dimension ${d} with size ${size}`);
    out[j] = v < 0 ? v + size : v;
  }
  return [d, out];
}

function indexCopyPlan(x: Tensor, dim: number, index: Tensor, source: Tensor, where: string): [Int32Array, Tensor] {
  checkTensor(x, where);
  const [d, idx] = checkDimIndex(x, dim, index, where, 'index_copy_', false);
  checkTensor(source, where, 'source');
  if (source.dtype !== x.dtype) {
    throw new Error(`${where}: index_copy_(): self and source expected to have the same dtype, but got (self) ${x.dtype} and (source) ${source.dtype}`);
  }
  if (x.ndim > 0 && source.ndim !== x.ndim) {
    throw new Error(
      `${where}: index_copy_(): When source and destination are not scalars, their dimensionality must match. Source dimensionality (${source.ndim}), destination dimensionality (${x.ndim})`,
    );
  }
  const expected = x.ndim === 0 ? [] : x.shape.map((s, i) => (i === d ? idx.length : s));
  if (x.ndim > 0 && source.shape[d] !== idx.length) {
    throw new Error(`${where}: index_copy_(): Number of indices (${idx.length}) should be equal to source.size(dim) (${source.shape[d]})`);
  }
  if (!sameShape(source.shape, expected) && !(x.ndim === 0 && source.numel() === idx.length)) {
    throw new Error(`${where}: source of shape ${fmt(source.shape)} must have shape ${fmt(expected)} (the input's, with ${idx.length} slices along dim ${d})`);
  }
  return [slicesMap(x.shape, d, idx), source];
}

/** x with the slices of `source` copied to positions `index` along `dim` (`torch.index_copy`). */
export function indexCopy(x: Tensor, dim: number, index: Tensor, source: Tensor): Tensor {
  const [map, src] = indexCopyPlan(x, dim, index, source, 'indexCopy');
  return putAt(x, map, src, false, 'IndexCopyBackward0', 'IndexSelectBackward0');
}

/** `indexCopy` in place (`index_copy_`). */
export function indexCopy_(x: Tensor, dim: number, index: Tensor, source: Tensor): Tensor {
  const [map, src] = indexCopyPlan(x, dim, index, source, 'indexCopy_');
  checkWritable(x, 'indexCopy_');
  return putInPlace(x, map, src, false, 'IndexCopyBackward0', 'IndexSelectBackward0');
}

/** A fill value (number, boolean or 0-d tensor) as a 0-d tensor of `dtype`, and whether it was a tensor. */
function fillValue(value: unknown, dtype: DType, where: string, torchName: string): Tensor {
  if (typeof value === 'number' || typeof value === 'boolean') return scalarTensor(value, dtype, where);
  if (!(value instanceof Tensor)) throw new Error(`${where}: value must be a number, a boolean or a 0-d Tensor, got ${describe(value)}`);
  if (value.ndim !== 0) {
    throw new Error(`${where}: ${torchName} only supports a 0-dimensional value tensor, but got tensor with ${value.ndim} dimension(s).`);
  }
  return value.dtype === dtype ? value : value.to(dtype);
}

function indexFillPlan(x: Tensor, dim: number, index: Tensor, value: unknown, where: string): [Int32Array, Tensor, string] {
  checkTensor(x, where);
  const [d, idx] = checkDimIndex(x, dim, index, where, 'index_fill_', true);
  const v = fillValue(value, x.dtype, where, 'index_fill_');
  // repeated indices are filled once (PyTorch's value gradient counts each slice once)
  const unique = Int32Array.from(new Set(idx));
  const map = slicesMap(x.shape, d, unique);
  return [map, expand(v, [map.length]), value instanceof Tensor ? 'IndexFillBackward1' : 'IndexFillBackward0'];
}

/** x with `value` (a number or a 0-d tensor) at positions `index` along `dim` (`torch.index_fill`). */
export function indexFill(x: Tensor, dim: number, index: Tensor, value: TensorOrNumber | boolean): Tensor {
  const [map, v, name] = indexFillPlan(x, dim, index, value, 'indexFill');
  return putAt(x, map, v, false, name, 'IndexSelectBackward0');
}

/** `indexFill` in place (`index_fill_`). */
export function indexFill_(x: Tensor, dim: number, index: Tensor, value: TensorOrNumber | boolean): Tensor {
  const [map, v, name] = indexFillPlan(x, dim, index, value, 'indexFill_');
  checkWritable(x, 'indexFill_');
  return putInPlace(x, map, v, false, name, 'IndexSelectBackward0');
}

// ---------------------------------------------------------------------------------------------
// scatter, scatterReduce
// ---------------------------------------------------------------------------------------------

/** For scatter-like ops: x's positions written by `index` along d (index's shape, row-major), and src's positions read. */
function scatterMaps(x: Tensor, d: number, index: Tensor, srcShape: Shape | null, where: string): [Int32Array, Int32Array] {
  if (index.ndim !== x.ndim && !(x.ndim === 0 && index.ndim <= 1)) {
    throw new Error(`${where}: Index tensor must have the same number of dimensions as self tensor (index ${fmt(index.shape)}, self ${fmt(x.shape)})`);
  }
  if (srcShape !== null && index.ndim !== srcShape.length && index.numel() > 0) {
    throw new Error(`${where}: Index tensor must have the same number of dimensions as src tensor (index ${fmt(index.shape)}, src ${fmt(srcShape)})`);
  }
  const tooBig = index.shape.some((s, i) => (i !== d && s > x.shape[i]) || (srcShape !== null && s > srcShape[i]));
  if (tooBig && index.numel() > 0) {
    throw new Error(
      `${where}: Expected index ${fmt(index.shape)} to be no larger than self ${fmt(x.shape)} apart from dimension ${d}` +
        (srcShape === null ? '' : ` and to be no larger size than src ${fmt(srcShape)}`),
    );
  }
  const size = x.ndim === 0 ? 1 : x.shape[d];
  const xStrides = stridesOf(x.shape);
  const sStrides = srcShape === null ? [] : stridesOf(srcShape);
  const n = index.numel();
  const xMap = new Int32Array(n);
  const sMap = new Int32Array(n);
  const coord = new Array<number>(index.ndim).fill(0);
  for (let j = 0; j < n; j++) {
    const v = index.data[j];
    if (v < 0 || v >= size) throw new Error(`${where}: index ${v} is out of bounds for dimension ${d} with size ${size}`);
    let xp = 0,
      sp = 0;
    for (let i = 0; i < index.ndim; i++) {
      xp += (i === d ? v : coord[i]) * (xStrides[i] ?? 0);
      sp += coord[i] * (sStrides[i] ?? 0);
    }
    xMap[j] = xp;
    sMap[j] = sp;
    for (let i = index.ndim - 1; i >= 0; i--) {
      if (++coord[i] < index.shape[i]) break;
      coord[i] = 0;
    }
  }
  return [xMap, sMap];
}

/** Options of `scatter`: PyTorch's keyword-only `reduce`. */
export interface ScatterOptions {
  /** Combine instead of overwrite: `'add'` or `'multiply'` (no gradient, as in PyTorch; scatterReduce has one). */
  reduce?: 'add' | 'multiply' | null;
}

interface ScatterPlan {
  xMap: Int32Array;
  src: Tensor;
  name: string;
  reduce: 'add' | 'multiply' | null;
}

function scatterPlan(x: Tensor, dim: number, index: Tensor, src: unknown, options: ScatterOptions | undefined, where: string): ScatterPlan {
  checkTensor(x, where);
  checkOptions(options, ['reduce'], where);
  const reduce = options?.reduce ?? null;
  if (reduce !== null && reduce !== 'add' && reduce !== 'multiply') {
    throw new Error(`${where}: reduce argument must be either add or multiply, got ${describe(reduce)}; for sum, prod, mean, amax or amin use scatterReduce`);
  }
  const d = normalizeDim(dim, x.ndim, where);
  const idx = checkIndexTensor(index, where, 'index', 'scatter(): Expected dtype int32/int64 for index');
  if (typeof src === 'number' || typeof src === 'boolean') {
    const [xMap] = scatterMaps(x, d, idx, null, where);
    return { xMap, src: expand(scalarTensor(src, x.dtype, where), [xMap.length]), name: 'ScatterBackward1', reduce };
  }
  if (!(src instanceof Tensor)) throw new Error(`${where}: src must be a Tensor or a number, got ${describe(src)}`);
  if (src.dtype !== x.dtype) throw new Error(`${where}: scatter(): Expected self.dtype to be equal to src.dtype (self ${x.dtype}, src ${src.dtype})`);
  const [xMap, sMap] = scatterMaps(x, d, idx, src.shape, where);
  return { xMap, src: takeAt(src, sMap, [sMap.length], 'GatherBackward0', 'ScatterAddBackward0'), name: 'ScatterBackward0', reduce };
}

/** x with reduce-combined writes (scatter's legacy `reduce`): a result without a gradient formula. */
function scatterReduceLegacy(x: Tensor, p: ScatterPlan): Tensor {
  const y = new Tensor(x.data.slice(), x.shape, x.dtype);
  const o = y.data,
    s = p.src.data;
  for (let j = 0; j < p.xMap.length; j++) {
    const k = p.xMap[j];
    o[k] = p.reduce === 'add' ? o[k] + s[j] : o[k] * s[j];
    if (x.dtype === 'bool') o[k] = o[k] !== 0 ? 1 : 0;
  }
  return needsGrad(x, p.src) ? record(y, new NotImplementedBackward('scatter'), x, p.src) : y;
}

/** PyTorch's node for an op without a derivative: backward through it is an Error. */
class NotImplementedBackward extends Node {
  readonly name = 'NotImplemented';
  constructor(private readonly op: string) {
    super();
  }
  backward(): never {
    throw new Error(`derivative for aten::${this.op} is not implemented (as in PyTorch); scatterReduce has gradients for sum, prod, mean, amax and amin`);
  }
}

/**
 * x with src's elements written along `dim` at `index` (`torch.scatter`): out[index[i][j]][j] =
 * src[i][j] for dim 0; src may be a number. With `{ reduce: 'add' | 'multiply' }` they are combined.
 */
export function scatter(x: Tensor, dim: number, index: Tensor, src: TensorOrNumber | boolean, options?: ScatterOptions): Tensor {
  const p = scatterPlan(x, dim, index, src, options, 'scatter');
  if (p.reduce !== null) return scatterReduceLegacy(x, p);
  return putAt(x, p.xMap, p.src, false, p.name, 'GatherBackward0');
}

/** `scatter` in place (`scatter_`). */
export function scatter_(x: Tensor, dim: number, index: Tensor, src: TensorOrNumber | boolean, options?: ScatterOptions): Tensor {
  const p = scatterPlan(x, dim, index, src, options, 'scatter_');
  checkWritable(x, 'scatter_');
  if (p.reduce === null) return putInPlace(x, p.xMap, p.src, false, p.name, 'GatherBackward0');
  const recorded = isGradEnabled() && (p.src.requiresGrad || x.requiresGrad);
  return adoptInPlace(x, scatterReduceLegacy(inPlaceInput(x, recorded), p));
}

/** The reductions of `scatterReduce`. */
export type ScatterReduction = 'sum' | 'prod' | 'mean' | 'amax' | 'amin';
const REDUCTIONS: readonly string[] = ['sum', 'prod', 'mean', 'amax', 'amin'];

/** Options of `scatterReduce`: PyTorch's keyword-only `include_self`. */
export interface ScatterReduceOptions {
  /** Whether x's own values take part in the reduction (default true). */
  includeSelf?: boolean;
}

interface ScatterReducePlan {
  d: number;
  index: Tensor;
  xMap: Int32Array;
  sMap: Int32Array;
  reduce: ScatterReduction;
  includeSelf: boolean;
}

function scatterReducePlan(
  x: Tensor,
  dim: number,
  index: Tensor,
  src: Tensor,
  reduce: ScatterReduction,
  options: ScatterReduceOptions | undefined,
  where: string,
): ScatterReducePlan {
  checkTensor(x, where);
  checkOptions(options, ['includeSelf'], where);
  const includeSelf = checkBoolean(options?.includeSelf ?? true, where, 'includeSelf');
  if (!REDUCTIONS.includes(reduce))
    throw new Error(`${where}: reduce argument must be either sum, prod, mean, amax or amin, got ${typeof reduce === 'string' ? reduce : describe(reduce)}`);
  if (x.dtype === 'bool') throw new Error(`${where}: bool tensors are not supported here; convert x and src with .int() first`);
  const d = normalizeDim(dim, x.ndim, where);
  const idx = checkIndexTensor(index, where, 'index', 'scatter_reduce(): Expected dtype int32/int64 for index');
  checkTensor(src, where, 'src');
  if (src.dtype !== x.dtype) throw new Error(`${where}: scatter_reduce(): Expected self.dtype to be equal to src.dtype (self ${x.dtype}, src ${src.dtype})`);
  const [xMap, sMap] = scatterMaps(x, d, idx, src.shape, where);
  return { d, index: idx, xMap, sMap, reduce, includeSelf };
}

/** The forward of scatterReduce on storage (integers in float64, checked against int32's range). */
function scatterReduceForward(x: Tensor, src: Tensor, p: ScatterReducePlan): Tensor {
  const isInt = x.dtype === 'int32';
  const o = isInt ? Float64Array.from(x.data) : x.data.slice();
  const s = src.data,
    { xMap, sMap, reduce } = p;
  if (!p.includeSelf) {
    const identity = reduce === 'prod' ? 1 : reduce === 'amax' ? -Infinity : reduce === 'amin' ? Infinity : 0;
    for (let j = 0; j < xMap.length; j++) o[xMap[j]] = identity;
  }
  const count = reduce === 'mean' ? new Float64Array(o.length).fill(p.includeSelf ? 1 : 0) : null;
  for (let j = 0; j < xMap.length; j++) {
    const k = xMap[j],
      v = s[sMap[j]];
    if (reduce === 'sum' || reduce === 'mean') o[k] += v;
    else if (reduce === 'prod') o[k] *= v;
    else if (reduce === 'amax') {
      if (v > o[k] || Number.isNaN(v)) o[k] = v;
    } else if (v < o[k] || Number.isNaN(v)) o[k] = v;
    if (count !== null) count[k]++;
  }
  if (count !== null) {
    // PyTorch divides integers with rounding toward -inf
    for (let k = 0; k < o.length; k++) o[k] = isInt ? Math.floor(o[k] / Math.max(count[k], 1)) : o[k] / Math.max(count[k], 1);
  }
  if (!isInt) return new Tensor(o, x.shape, x.dtype);
  for (let k = 0; k < o.length; k++) {
    if (!(o[k] >= -2147483648 && o[k] <= 2147483647))
      throw new Error(`scatterReduce: the result ${o[k]} does not fit in int32 (tsgrad's integer dtype); use a float dtype`);
  }
  return new Tensor(Int32Array.from(o), x.shape, x.dtype);
}

/**
 * x with src's elements reduced into it along `dim` at `index` (`torch.scatter_reduce`): `reduce`
 * is sum, prod, mean, amax or amin; with `{ includeSelf: false }` x's values at written positions
 * do not take part. Differentiable in x and src with PyTorch's formulas (ties share amax's gradient).
 */
export function scatterReduce(x: Tensor, dim: number, index: Tensor, src: Tensor, reduce: ScatterReduction, options?: ScatterReduceOptions): Tensor {
  const p = scatterReducePlan(x, dim, index, src, reduce, options, 'scatterReduce');
  return scatterReduceWith(x, src, p);
}

function scatterReduceWith(x: Tensor, src: Tensor, p: ScatterReducePlan): Tensor {
  const y = scatterReduceForward(x, src, p);
  return needsGrad(x, src) && isFloatDtype(x.dtype) ? record(y, new ScatterReduceBackward(p, x, src, y), x, src) : y;
}

/** `scatterReduce` in place (`scatter_reduce_`). */
export function scatterReduce_(x: Tensor, dim: number, index: Tensor, src: Tensor, reduce: ScatterReduction, options?: ScatterReduceOptions): Tensor {
  const p = scatterReducePlan(x, dim, index, src, reduce, options, 'scatterReduce_');
  checkWritable(x, 'scatterReduce_');
  const recorded = isGradEnabled() && (src.requiresGrad || x.requiresGrad);
  return adoptInPlace(x, scatterReduceWith(inPlaceInput(x, recorded), src, p));
}

class ScatterReduceBackward extends Node {
  readonly name = 'ScatterReduceBackward0';
  constructor(
    private readonly p: ScatterReducePlan,
    x: Tensor,
    src: Tensor,
    result: Tensor,
  ) {
    super();
    this.save(x, src, result);
  }

  /** g read at index's positions of a tensor shaped like x (`t.gather(dim, index)`). */
  private gather(t: Tensor): Tensor {
    return takeAt(t, this.p.xMap, this.p.index.shape, 'GatherBackward0', 'ScatterAddBackward0');
  }
  /** The part of a src-shaped tensor that index covers, in index's shape. */
  private srcPart(t: Tensor): Tensor {
    return takeAt(t, this.p.sMap, this.p.index.shape, 'GatherBackward0', 'ScatterAddBackward0');
  }
  /** An index-shaped tensor as a src-shaped gradient (zeros where index does not reach). */
  private toSrc(t: Tensor, srcShape: Shape): Tensor {
    return putAt(zerosOf(srcShape, t.dtype), this.p.sMap, t, true, 'ScatterAddBackward0', 'GatherBackward0');
  }
  /** `base.scatter_add(dim, index, t)` for an index-shaped t. */
  private scatterAdd(base: Tensor, t: Tensor): Tensor {
    return putAt(base, this.p.xMap, t, true, 'ScatterAddBackward0', 'GatherBackward0');
  }

  // PyTorch's scatter_reduce_backward, op for op:
  // sum: dx = g, dsrc = g.gather; mean: both divided by the count; prod: result / the factor (zeros
  // handled by products without them); amax/amin: g shared equally among the elements equal to the result
  backward(g: Tensor): (Tensor | null)[] {
    const [x, src, result] = this.saved;
    const { reduce, includeSelf } = this.p;
    let dx: Tensor;
    let dsrcPart: Tensor;
    if (reduce === 'sum') {
      dx = g;
      dsrcPart = this.gather(g);
    } else if (reduce === 'mean') {
      const n = this.scatterAdd(fullOf(x.shape, includeSelf ? 1 : 0, g.dtype), fullOf(this.p.index.shape, 1, g.dtype));
      const counts = where3(eq(n, 0), 1, n);
      dx = div(g, counts);
      dsrcPart = div(this.gather(g), this.gather(counts));
    } else if (reduce === 'prod') {
      // the product without x's zeros, and without a zero of src when it is the only one there
      const maskedX = where3(eq(x, 0), 1, x);
      dx = div(mul(g, scatterReduceWith(maskedX, src, this.p)), maskedX);
      const s = this.srcPart(src);
      const srcZero = eq(s, 0);
      const zerosThere = this.gather(this.scatterAdd(zerosOf(x.shape, g.dtype), srcZero.to(g.dtype)));
      const singleZero = logicalAnd(srcZero, eq(zerosThere, 1));
      const withoutZero = scatterReduceWith(x, this.toSrcFromPart(where3(singleZero, 1, s), src), this.p);
      dsrcPart = where3(singleZero, this.gather(mul(g, withoutZero)), div(this.gather(mul(g, result)), where3(srcZero, 1, s)));
    } else {
      const s = this.srcPart(src);
      const value = this.gather(result);
      const xIsResult = eq(x, result).to(g.dtype);
      const srcIsResult = eq(s, value).to(g.dtype);
      const share = div(g, this.scatterAdd(xIsResult, srcIsResult));
      dx = mul(xIsResult, share);
      dsrcPart = mul(srcIsResult, this.gather(share));
    }
    if (!includeSelf) dx = putAt(dx, this.p.xMap, zerosOf(this.p.index.shape, g.dtype), false, 'ScatterBackward1', 'GatherBackward0');
    return [this.needsInputGrad[0] ? dx : null, this.needsInputGrad[1] ? this.toSrc(dsrcPart, src.shape) : null];
  }

  /** A src-shaped tensor equal to `src` with its index-covered part replaced by `part`. */
  private toSrcFromPart(part: Tensor, src: Tensor): Tensor {
    return putAt(src, this.p.sMap, part, false, 'ScatterBackward0', 'GatherBackward0');
  }
}

function fullOf(shape: Shape, value: number, dtype: DType): Tensor {
  const t = zerosOf(shape, dtype);
  if (value !== 0) t.data.fill(value);
  return t;
}

// ---------------------------------------------------------------------------------------------
// Masks
// ---------------------------------------------------------------------------------------------

function checkMask(mask: unknown, where: string, message: (dtype: DType) => string): Tensor {
  const m = checkTensor(mask, where, 'mask');
  if (m.dtype !== 'bool') throw new Error(`${where}: ${message(m.dtype)}`);
  return m;
}

/** The shape x and mask broadcast to, with PyTorch's error. */
function maskShape(x: Tensor, mask: Tensor, where: string): number[] {
  const n = Math.max(x.ndim, mask.ndim);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = i < n - x.ndim ? 1 : x.shape[i - (n - x.ndim)];
    const b = i < n - mask.ndim ? 1 : mask.shape[i - (n - mask.ndim)];
    if (a !== b && a !== 1 && b !== 1) {
      throw new Error(
        `${where}: The size of tensor a (${a}) must match the size of tensor b (${b}) at non-singleton dimension ${i} (input ${fmt(x.shape)}, mask ${fmt(mask.shape)})`,
      );
    }
    out.push(a === 1 ? b : a);
  }
  return out;
}

/** The flat positions (in `shape`) where mask, broadcast to `shape`, is true. */
function maskMap(mask: Tensor, shape: Shape): Int32Array {
  const pos = broadcastPositions(mask.shape, shape);
  const m = mask.data;
  let count = 0;
  for (let j = 0; j < pos.length; j++) if (m[pos[j]] !== 0) count++;
  const out = new Int32Array(count);
  let c = 0;
  for (let j = 0; j < pos.length; j++) if (m[pos[j]] !== 0) out[c++] = j;
  return out;
}

/** For in-place mask ops: the mask must broadcast to x's own shape. */
function checkInPlaceShape(x: Tensor, shape: Shape, where: string): void {
  if (!sameShape(shape, x.shape)) throw new Error(`${where}: output with shape ${fmt(x.shape)} doesn't match the broadcast shape ${fmt(shape)}`);
}

function maskedFillPlan(x: Tensor, mask: Tensor, value: unknown, where: string): [number[], Int32Array, Tensor, string] {
  checkTensor(x, where);
  const m = checkMask(mask, where, (d) => `masked_fill_ only supports boolean masks, but got mask with dtype ${d}`);
  const v = fillValue(value, x.dtype, where, 'masked_fill_');
  const shape = maskShape(x, m, where);
  const map = maskMap(m, shape);
  return [shape, map, expand(v, [map.length]), value instanceof Tensor ? 'MaskedFillBackward1' : 'MaskedFillBackward0'];
}

/** x with `value` (a number or a 0-d tensor) where `mask` is true (`torch.masked_fill`); x and mask broadcast. */
export function maskedFill(x: Tensor, mask: Tensor, value: TensorOrNumber | boolean): Tensor {
  const [shape, map, v, name] = maskedFillPlan(x, mask, value, 'maskedFill');
  return putAt(sameShape(shape, x.shape) ? x : expand(x, shape), map, v, false, name, 'MaskedSelectBackward0');
}

/** `maskedFill` in place (`masked_fill_`); the mask must broadcast to x's shape. */
export function maskedFill_(x: Tensor, mask: Tensor, value: TensorOrNumber | boolean): Tensor {
  const [shape, map, v, name] = maskedFillPlan(x, mask, value, 'maskedFill_');
  checkInPlaceShape(x, shape, 'maskedFill_');
  checkWritable(x, 'maskedFill_');
  return putInPlace(x, map, v, false, name, 'MaskedSelectBackward0');
}

/** The elements of x where `mask` is true, as a 1-D tensor (`torch.masked_select`); x and mask broadcast. */
export function maskedSelect(x: Tensor, mask: Tensor): Tensor {
  checkTensor(x, 'maskedSelect');
  const m = checkMask(mask, 'maskedSelect', (d) => `masked_select: expected BoolTensor for mask, got ${d}`);
  const shape = maskShape(x, m, 'maskedSelect');
  const map = maskMap(m, shape);
  return takeAt(sameShape(shape, x.shape) ? x : expand(x, shape), map, [map.length], 'MaskedSelectBackward0', 'MaskedScatterBackward0');
}

function maskedScatterPlan(x: Tensor, mask: Tensor, source: Tensor, where: string): [number[], Int32Array, Tensor] {
  checkTensor(x, where);
  const m = checkMask(mask, where, (d) => `masked_scatter_ only supports boolean masks, but got mask with dtype ${d}`);
  checkTensor(source, where, 'source');
  if (source.dtype !== x.dtype)
    throw new Error(`${where}: masked_scatter: expected self and source to have same dtypes but got ${x.dtype} and ${source.dtype}`);
  const shape = maskShape(x, m, where);
  const map = maskMap(m, shape);
  if (source.numel() < map.length) {
    throw new Error(`${where}: Number of elements of source < number of ones in mask (source has ${source.numel()}, the mask ${map.length})`);
  }
  const first = Int32Array.from({ length: map.length }, (_, j) => j);
  return [shape, map, takeAt(source, first, [map.length], 'SliceBackward0', 'SliceBackwardBackward0')];
}

/** x with the first elements of `source`, in order, written where `mask` is true (`torch.masked_scatter`). */
export function maskedScatter(x: Tensor, mask: Tensor, source: Tensor): Tensor {
  const [shape, map, src] = maskedScatterPlan(x, mask, source, 'maskedScatter');
  return putAt(sameShape(shape, x.shape) ? x : expand(x, shape), map, src, false, 'MaskedScatterBackward0', 'MaskedSelectBackward0');
}

/** `maskedScatter` in place (`masked_scatter_`); the mask must broadcast to x's shape. */
export function maskedScatter_(x: Tensor, mask: Tensor, source: Tensor): Tensor {
  const [shape, map, src] = maskedScatterPlan(x, mask, source, 'maskedScatter_');
  checkInPlaceShape(x, shape, 'maskedScatter_');
  checkWritable(x, 'maskedScatter_');
  return putInPlace(x, map, src, false, 'MaskedScatterBackward0', 'MaskedSelectBackward0');
}

// ---------------------------------------------------------------------------------------------
// nonzero, where(condition)
// ---------------------------------------------------------------------------------------------

/** Options of `nonzero`: PyTorch's keyword-only `as_tuple`. */
export interface NonzeroOptions {
  /** One 1-D tensor of indices per dim instead of one [n, ndim] tensor. */
  asTuple?: boolean;
}

/**
 * The indices of x's nonzero elements (`torch.nonzero`): an int32 tensor of shape [n, ndim], or with
 * `{ asTuple: true }` one 1-D tensor per dim (a 0-d x counts as 1-D there, as in PyTorch).
 */
export function nonzero(x: Tensor): Tensor;
export function nonzero(x: Tensor, options: { asTuple: true }): Tensor[];
export function nonzero(x: Tensor, options?: NonzeroOptions): Tensor | Tensor[];
export function nonzero(x: Tensor, options?: NonzeroOptions): Tensor | Tensor[] {
  checkTensor(x, 'nonzero');
  checkOptions(options, ['asTuple'], 'nonzero', { out: 'tsgrad ops return new tensors' });
  const asTuple = checkBoolean(options?.asTuple ?? false, 'nonzero', 'asTuple');
  const shape = x.ndim === 0 && asTuple ? [1] : x.shape;
  const nz = new Tensor(
    Uint8Array.from(x.data, (v) => (v !== 0 ? 1 : 0)),
    shape,
    'bool',
  );
  const cols = shape.length === 0 ? [] : maskPositions(nz);
  const n = x.ndim === 0 ? nz.data[0] : (cols[0]?.length ?? 0);
  if (asTuple) return cols.map((c) => new Tensor(c, [c.length], 'int32'));
  const out = new Int32Array(n * x.ndim);
  for (let i = 0; i < n; i++) for (let d = 0; d < x.ndim; d++) out[i * x.ndim + d] = cols[d][i];
  return new Tensor(out, [n, x.ndim], 'int32');
}

/**
 * `torch.where`: with one argument, the indices where `condition` is nonzero, one tensor per dim
 * (`nonzero(condition, { asTuple: true })`); with three, `input` where condition holds, else `other`.
 */
export function where(condition: Tensor): Tensor[];
export function where(condition: Tensor, input: TensorOrNumber, other: TensorOrNumber): Tensor;
export function where(condition: Tensor, input?: TensorOrNumber, other?: TensorOrNumber): Tensor | Tensor[] {
  if (input === undefined && other === undefined) return nonzero(checkTensor(condition, 'where', 'condition'), { asTuple: true });
  if (input === undefined || other === undefined) throw new Error('where: give either condition alone, or condition, input and other');
  return where3(condition, input, other);
}
