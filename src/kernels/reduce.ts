/**
 * Reductions along one axis of a contiguous array viewed as [outer, n, inner]
 * (see `splitAt` in shape.ts). Sums accumulate in float64.
 */
import type { TypedArray } from '../dtype';

/** out[o, i] = sum_j x[o, j, i] */
export function sumAxis(x: TypedArray, outer: number, n: number, inner: number, out: TypedArray): void {
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      let acc = 0;
      const base = o * n;
      for (let j = 0; j < n; j++) acc += x[base + j];
      out[o] = acc;
    }
    return;
  }
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    acc.fill(0);
    for (let j = 0; j < n; j++) {
      const base = (o * n + j) * inner;
      for (let i = 0; i < inner; i++) acc[i] += x[base + i];
    }
    out.set(acc, o * inner);
  }
}

/**
 * values[o, i] = max_j x[o, j, i] (or min), indices[o, i] = the first j that attains it. NaN counts
 * as the extreme, as in PyTorch.
 */
export function maxAxis(x: TypedArray, outer: number, n: number, inner: number, isMin: boolean, values: TypedArray, indices: Int32Array): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = x[o * n * inner + i];
      let bestJ = 0;
      if (best === best) {
        for (let j = 1; j < n; j++) {
          const v = x[(o * n + j) * inner + i];
          if (v !== v) {
            best = v;
            bestJ = j;
            break;
          }
          if (isMin ? v < best : v > best) {
            best = v;
            bestJ = j;
          }
        }
      }
      values[o * inner + i] = best;
      indices[o * inner + i] = bestJ;
    }
  }
}

/** The largest (or smallest) element; NaN if any element is NaN. */
export function maxAll(x: TypedArray, isMin: boolean): number {
  let best = x[0];
  for (let i = 1; i < x.length; i++) {
    const v = x[i];
    if (v !== v) return v;
    if (isMin ? v < best : v > best) best = v;
  }
  return best;
}
