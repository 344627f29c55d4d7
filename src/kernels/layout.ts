/** Copies that rearrange elements: permute, concatenate, gather and its scatter-add. */
import type { TypedArray } from '../dtype';
import { type Shape, stridesOf } from '../shape';
import { forEachRun } from './broadcast';

/** out (shape = shape permuted by perm) = x with its dims reordered: out[..i_d..] = x[..i_perm[d]..]. */
export function permute(x: TypedArray, shape: Shape, perm: readonly number[], out: TypedArray): void {
  const strides = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]);
  const readStrides = perm.map((p) => strides[p]);
  forEachRun(outShape, readStrides, readStrides, (xi, sx, _bi, _sb, o, n) => {
    for (let i = 0; i < n; i++, xi += sx) out[o + i] = x[xi];
  });
}

/** Concatenates contiguous parts viewed as [outer, sizes[k] * inner] along the middle axis. */
export function concat(parts: readonly TypedArray[], sizes: readonly number[], outer: number, inner: number, out: TypedArray): void {
  const total = sizes.reduce((a, b) => a + b, 0) * inner;
  let offset = 0;
  parts.forEach((part, k) => {
    const chunk = sizes[k] * inner;
    for (let o = 0; o < outer; o++) out.set(part.subarray(o * chunk, (o + 1) * chunk), o * total + offset);
    offset += chunk;
  });
}

/** The inverse of `concat`: copies the k-th slab of `x` back out into parts[k]. */
export function split(x: TypedArray, sizes: readonly number[], outer: number, inner: number, parts: readonly (TypedArray | null)[]): void {
  const total = sizes.reduce((a, b) => a + b, 0) * inner;
  let offset = 0;
  parts.forEach((part, k) => {
    const chunk = sizes[k] * inner;
    if (part) for (let o = 0; o < outer; o++) part.set(x.subarray(o * total + offset, o * total + offset + chunk), o * chunk);
    offset += chunk;
  });
}

/**
 * Walks every element of `index` (shape `indexShape`) with the matching position in `x` (shape
 * `xShape`) along every dim but `dim`: visit(xBase, indexPosition), where the gathered element is
 * x[xBase + index[indexPosition] * strideOfDim].
 */
function forEachGather(xShape: Shape, dim: number, indexShape: Shape, visit: (xi: number, sx: number, ii: number, n: number) => void): void {
  const xStrides = stridesOf(xShape).map((s, d) => (d === dim ? 0 : s));
  forEachRun(indexShape, xStrides, stridesOf(indexShape), (xi, sx, ii, _si, _o, n) => visit(xi, sx, ii, n));
}

/** out[.., j, ..] = x[.., index[.., j, ..], ..] along `dim` (torch.gather); out has index's shape. */
export function gather(x: TypedArray, xShape: Shape, dim: number, index: Int32Array, indexShape: Shape, out: TypedArray): void {
  const stride = stridesOf(xShape)[dim];
  forEachGather(xShape, dim, indexShape, (xi, sx, ii, n) => {
    for (let t = 0; t < n; t++, xi += sx, ii++) out[ii] = x[xi + index[ii] * stride];
  });
}

/** The backward of gather: out (shaped like x, zeroed by the caller) += g scattered by index. */
export function scatterAdd(g: TypedArray, xShape: Shape, dim: number, index: Int32Array, indexShape: Shape, out: TypedArray): void {
  const stride = stridesOf(xShape)[dim];
  forEachGather(xShape, dim, indexShape, (xi, sx, ii, n) => {
    for (let t = 0; t < n; t++, xi += sx, ii++) out[xi + index[ii] * stride] += g[ii];
  });
}

/** out[i] = x[map[i]], or `fill` where map[i] is -1: any op whose outputs are inputs or a constant. */
export function takeFlat(x: TypedArray, map: Int32Array, fill: number, out: TypedArray): void {
  for (let i = 0; i < map.length; i++) {
    const j = map[i];
    out[i] = j < 0 ? fill : x[j];
  }
}

/** The adjoint of `takeFlat`: out[map[i]] += src[i] (out zeroed by the caller; -1 entries are skipped). */
export function putAddFlat(src: TypedArray, map: Int32Array, out: TypedArray): void {
  for (let i = 0; i < map.length; i++) {
    const j = map[i];
    if (j >= 0) out[j] += src[i];
  }
}

/**
 * The flat positions of an outer sum of per-dim offsets: for an output of shape
 * [offsets[0].length, offsets[1].length, ...], element (j0, j1, ...) maps to
 * base + offsets[0][j0] + offsets[1][j1] + ..., or -1 when any term is -1 (a fill position).
 */
export function offsetMap(offsets: readonly Int32Array[], base = 0): Int32Array {
  let map = Int32Array.of(base);
  for (const dim of offsets) {
    const next = new Int32Array(map.length * dim.length);
    let o = 0;
    for (let i = 0; i < map.length; i++) {
      const m = map[i];
      for (let j = 0; j < dim.length; j++, o++) next[o] = m < 0 || dim[j] < 0 ? -1 : m + dim[j];
    }
    map = next;
  }
  return map;
}
