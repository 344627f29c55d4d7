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
