import type { TypedArray } from '../dtype';
import { broadcastStrides, type Shape, stridesOf } from '../shape';

/**
 * One contiguous stretch of a broadcast loop: n steps, operand A from `ai` by `sa`, operand B from
 * `bi` by `sb`, and the (contiguous) result from `o`.
 */
export type RunVisitor = (ai: number, sa: number, bi: number, sb: number, o: number, n: number) => void;

/**
 * Walks `shape` in row-major order with two operands read through `stridesA` / `stridesB`,
 * calling `visit` once per innermost run (not per element). Size-1 dims are dropped and adjacent
 * dims that are contiguous for both operands are merged, so same-shape and scalar cases are one
 * run and a bias row `[N, C] + [C]` is N runs of C.
 */
export function forEachRun(shape: Shape, stridesA: readonly number[], stridesB: readonly number[], visit: RunVisitor): void {
  const dims: number[] = [];
  const sa: number[] = [];
  const sb: number[] = [];
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 0) return;
    if (shape[d] === 1) continue;
    const last = dims.length - 1;
    if (last >= 0 && sa[last] === stridesA[d] * shape[d] && sb[last] === stridesB[d] * shape[d]) {
      dims[last] *= shape[d];
      sa[last] = stridesA[d];
      sb[last] = stridesB[d];
    } else {
      dims.push(shape[d]);
      sa.push(stridesA[d]);
      sb.push(stridesB[d]);
    }
  }
  const rank = dims.length;
  if (rank === 0) {
    visit(0, 0, 0, 0, 0, 1);
    return;
  }
  const n = dims[rank - 1];
  const innerA = sa[rank - 1];
  const innerB = sb[rank - 1];
  const outer = rank - 1;
  const index = new Array<number>(outer).fill(0);
  let ai = 0;
  let bi = 0;
  for (let o = 0; ; o += n) {
    visit(ai, innerA, bi, innerB, o, n);
    // odometer over the outer dims
    let d = outer - 1;
    for (; d >= 0; d--) {
      index[d]++;
      ai += sa[d];
      bi += sb[d];
      if (index[d] < dims[d]) break;
      ai -= sa[d] * dims[d];
      bi -= sb[d] * dims[d];
      index[d] = 0;
    }
    if (d < 0) return;
  }
}

/** A binary elementwise loop over one run: out[o + i] = f(a[ai + i*sa], b[bi + i*sb]). */
export type BinaryRun = (a: TypedArray, ai: number, sa: number, b: TypedArray, bi: number, sb: number, out: TypedArray, o: number, n: number) => void;

/** out = f(a, b) with NumPy broadcasting; `out` is contiguous with shape `outShape`. */
export function broadcastBinary(run: BinaryRun, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, out: TypedArray, outShape: Shape): void {
  // The usual cases as one run, without the strides: operands of the result's size, or one element
  const n = out.length;
  if ((a.length === n || a.length === 1) && (b.length === n || b.length === 1) && n > 0) {
    run(a, 0, a.length === n ? 1 : 0, b, 0, b.length === n ? 1 : 0, out, 0, n);
    return;
  }
  forEachRun(outShape, broadcastStrides(aShape, outShape), broadcastStrides(bShape, outShape), (ai, sa, bi, sb, o, n) => run(a, ai, sa, b, bi, sb, out, o, n));
}

/**
 * The one place broadcast gradients are reduced (PyTorch's `sum_to`): sums `g`, shaped `from`,
 * down to `to`, a shape that broadcasts to `from`.
 */
export function sumTo(g: TypedArray, from: Shape, to: Shape, out: TypedArray): void {
  out.fill(0);
  forEachRun(from, stridesOf(from), broadcastStrides(to, from), (gi, sg, oi, so, _o, n) => {
    if (so === 0) {
      let acc = 0;
      for (let i = 0; i < n; i++, gi += sg) acc += g[gi];
      out[oi] += acc;
    } else {
      for (let i = 0; i < n; i++, gi += sg, oi += so) out[oi] += g[gi];
    }
  });
}
