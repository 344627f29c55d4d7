/** Sorting and searching on typed arrays: stable sorts that order NaN above every number, binary searches. */
import type { TypedArray } from '../dtype';

/** -1, 0 or 1 as a sorts before, with or after b, NaN above every number and NaNs equal: PyTorch's sort order. */
export function compareNaNLast(a: number, b: number): number {
  if (a !== a) return b !== b ? 0 : 1;
  if (b !== b) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Sorts the slice of n elements of x starting at `first` with stride `inner` into `positions` (its
 * positions 0..n-1, smallest first, or largest first when descending): a stable sort, so equal
 * elements keep their order, with NaN above every number, as PyTorch. `values` is scratch of size n.
 */
export function sortSlice(x: TypedArray, first: number, n: number, inner: number, descending: boolean, positions: number[], values: Float64Array): void {
  for (let j = 0; j < n; j++) {
    values[j] = x[first + j * inner];
    positions[j] = j;
  }
  positions.length = n;
  positions.sort(descending ? (a, b) => compareNaNLast(values[b], values[a]) || a - b : (a, b) => compareNaNLast(values[a], values[b]) || a - b);
}

/**
 * order[o, j, i] = the position along the middle axis of [outer, n, inner] of the j-th smallest
 * element of x[o, :, i] (the j-th largest when descending), by `sortSlice`, for j < k (all n by default).
 */
export function argsortAxis(x: TypedArray, outer: number, n: number, inner: number, descending: boolean, order: Int32Array, k = n): void {
  const values = new Float64Array(n);
  const positions: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      sortSlice(x, o * n * inner + i, n, inner, descending, positions, values);
      for (let j = 0; j < k; j++) order[(o * k + j) * inner + i] = positions[j];
    }
  }
}

/** out[o, j, i] = x[o, idx[o, j, i], i]: the elements at k picked positions per slice of [outer, n, inner]. */
export function takeAlongAxis(x: TypedArray, outer: number, n: number, inner: number, idx: Int32Array, k: number, out: TypedArray): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) {
      for (let i = 0; i < inner; i++) {
        const at = (o * k + j) * inner + i;
        out[at] = x[(o * n + idx[at]) * inner + i];
      }
    }
  }
}

/**
 * For each slice x[o, :, i] (n > 0), the element that sorts at position `kth` (0-based, NaN above every
 * number; ties by position) and its position: kthvalue.
 */
export function kthAxis(x: TypedArray, outer: number, n: number, inner: number, kth: number, values: TypedArray, indices: Int32Array): void {
  const scratch = new Float64Array(n);
  const positions: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const first = o * n * inner + i;
      sortSlice(x, first, n, inner, false, positions, scratch);
      values[o * inner + i] = x[first + positions[kth] * inner];
      indices[o * inner + i] = positions[kth];
    }
  }
}

/** For each slice (n > 0), the lower median and its position, or the first NaN when the slice holds one: median with a dim. */
export function medianAxis(x: TypedArray, outer: number, n: number, inner: number, values: TypedArray, indices: Int32Array): void {
  const scratch = new Float64Array(n);
  const positions: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const first = o * n * inner + i;
      let pick = -1;
      for (let j = 0; j < n && pick < 0; j++) if (x[first + j * inner] !== x[first + j * inner]) pick = j;
      if (pick < 0) {
        sortSlice(x, first, n, inner, false, positions, scratch);
        pick = positions[(n - 1) >> 1];
      }
      values[o * inner + i] = x[first + pick * inner];
      indices[o * inner + i] = pick;
    }
  }
}

/**
 * For each slice (n > 0), the most frequent value (the smallest of those equally frequent; each NaN
 * counts alone) and the last position holding it: mode.
 */
export function modeAxis(x: TypedArray, outer: number, n: number, inner: number, values: TypedArray, indices: Int32Array): void {
  const scratch = new Float64Array(n);
  const positions: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      sortSlice(x, o * n * inner + i, n, inner, false, positions, scratch);
      let best = 0;
      let bestCount = 0;
      let runStart = 0;
      for (let j = 0; j < n; j++) {
        if (j === n - 1 || scratch[positions[j]] !== scratch[positions[j + 1]]) {
          if (j + 1 - runStart > bestCount) {
            bestCount = j + 1 - runStart;
            best = j; // the run is in position order, so its last entry is the last position
          }
          runStart = j + 1;
        }
      }
      values[o * inner + i] = scratch[positions[best]];
      indices[o * inner + i] = positions[best];
    }
  }
}

/**
 * The first position p in [start, end) whose boundary bd[p] (read through `sorter` when given, as
 * bd[start + sorter[p]]) is >= v, or > v when `right`: PyTorch's searchsorted loop, under which a NaN
 * value goes past every boundary and a NaN boundary sits above every value.
 */
export function searchBound(bd: TypedArray, start: number, end: number, v: number, right: boolean, sorter: Int32Array | null): number {
  const origin = start;
  let lo = start;
  let hi = end;
  while (lo < hi) {
    const mid = lo + ((hi - lo) >> 1);
    const m = sorter === null ? bd[mid] : bd[origin + sorter[mid]];
    if (right ? !(m > v) : !(m >= v)) lo = mid + 1;
    else hi = mid;
  }
  return lo - origin;
}
