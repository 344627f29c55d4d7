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

// ---- row reductions: x viewed as [rows, n], each row contiguous (ops move the reduced dims last) ----

/** out[r] = the number of nonzero x[r, j] (NaN is nonzero): the one loop behind any, all and countNonzero. */
export function countNonzeroRows(x: TypedArray, rows: number, n: number, out: TypedArray): void {
  for (let r = 0; r < rows; r++) {
    let count = 0;
    for (let j = r * n, end = j + n; j < end; j++) if (x[j] !== 0) count++;
    out[r] = count;
  }
}

/** out[r] = the largest (or smallest) x[r, j]; NaN when the row holds a NaN. Rows must not be empty. */
export function extremeRows(x: TypedArray, rows: number, n: number, isMin: boolean, out: TypedArray): void {
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    let best = x[base];
    for (let j = 1; j < n && best === best; j++) {
      const v = x[base + j];
      if (v !== v || (isMin ? v < best : v > best)) best = v;
    }
    out[r] = best;
  }
}

/** out[r] = x[r, j] summed with NaN taken as 0, in float64 (nansum). */
export function nansumRows(x: TypedArray, rows: number, n: number, out: Float64Array): void {
  for (let r = 0; r < rows; r++) {
    let acc = 0;
    for (let j = r * n, end = j + n; j < end; j++) if (x[j] === x[j]) acc += x[j];
    out[r] = acc;
  }
}

/**
 * out[r] = log(sum_j exp(x[r, j] - m)) + m, m the row's max (taken as 0 when infinite, as PyTorch
 * does, so that all -inf gives -inf and any +inf gives +inf); an empty row gives -inf.
 */
export function logsumexpRows(x: TypedArray, rows: number, n: number, out: TypedArray): void {
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    let m = -Infinity;
    for (let j = 0; j < n; j++) if (x[base + j] > m) m = x[base + j];
    if (m === Infinity || m === -Infinity) m = 0;
    let acc = 0;
    for (let j = 0; j < n; j++) acc += Math.exp(x[base + j] - m);
    out[r] = Math.log(acc) + m;
  }
}

/**
 * The sum of squared deviations of each row divided by `divisor` (var with divisor N - correction),
 * two-pass in float64; means[r] gets the row's mean (NaN for an empty row).
 */
export function varRows(x: TypedArray, rows: number, n: number, divisor: number, out: TypedArray, means: TypedArray): void {
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    let sum = 0;
    for (let j = 0; j < n; j++) sum += x[base + j];
    const mean = sum / n;
    let acc = 0;
    for (let j = 0; j < n; j++) {
      const d = x[base + j] - mean;
      acc += d * d;
    }
    out[r] = acc / divisor;
    means[r] = mean;
  }
}

/**
 * The vector p-norm of each row, as PyTorch's linalg.vector_norm: p = 0 counts nonzeros, +-inf takes
 * the largest / smallest |x| (NaN propagates), p = 1 and 2 sum |x| and x^2, others (sum |x|^p)^(1/p).
 */
export function normRows(x: TypedArray, rows: number, n: number, p: number, out: TypedArray): void {
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    let acc: number;
    if (p === Infinity || p === -Infinity) {
      acc = p === Infinity ? 0 : Infinity;
      for (let j = 0; j < n; j++) {
        const a = Math.abs(x[base + j]);
        if (a !== a) {
          acc = a;
          break;
        }
        if (p === Infinity ? a > acc : a < acc) acc = a;
      }
    } else if (p === 0) {
      acc = 0;
      for (let j = 0; j < n; j++) if (x[base + j] !== 0) acc++;
    } else if (p === 1) {
      acc = 0;
      for (let j = 0; j < n; j++) acc += Math.abs(x[base + j]);
    } else if (p === 2) {
      acc = 0;
      for (let j = 0; j < n; j++) acc += x[base + j] * x[base + j];
      acc = Math.sqrt(acc);
    } else {
      acc = 0;
      for (let j = 0; j < n; j++) acc += Math.pow(Math.abs(x[base + j]), p);
      acc = Math.pow(acc, 1 / p);
    }
    out[r] = acc;
  }
}

// ---- products and scans along the middle axis of [outer, n, inner] ----

/** out[o, i] = prod_j x[o, j, i], accumulated in float64 (1 over an empty axis). */
export function prodAxis(x: TypedArray, outer: number, n: number, inner: number, out: TypedArray): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let acc = 1;
      for (let j = 0, at = o * n * inner + i; j < n; j++, at += inner) acc *= x[at];
      out[o * inner + i] = acc;
    }
  }
}

/** out[o, j, i] = sum (or product) of x[o, 0..j, i], accumulated in float64. */
export function cumulative(x: TypedArray, outer: number, n: number, inner: number, isProd: boolean, out: TypedArray): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let acc = isProd ? 1 : 0;
      for (let j = 0, at = o * n * inner + i; j < n; j++, at += inner) {
        acc = isProd ? acc * x[at] : acc + x[at];
        out[at] = acc;
      }
    }
  }
}

/** out[o, j, i] = sum of g[o, j..n-1, i] (cumsum's backward), in float64. */
export function reverseCumsum(g: TypedArray, outer: number, n: number, inner: number, out: TypedArray): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let acc = 0;
      for (let j = n - 1, at = (o * n + n - 1) * inner + i; j >= 0; j--, at -= inner) {
        acc += g[at];
        out[at] = acc;
      }
    }
  }
}

/**
 * cumprod's input gradient, exact with zeros: dx_j = (prod_{k<j} x_k) * S_j, where S_j =
 * sum_{m>=j} g_m prod_{j<k<=m} x_k is run backwards as S_j = g_j + x_{j+1} S_{j+1}.
 */
export function cumprodBackward(g: TypedArray, x: TypedArray, outer: number, n: number, inner: number, out: TypedArray): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const first = o * n * inner + i;
      let s = 0;
      for (let j = n - 1; j >= 0; j--) {
        const at = first + j * inner;
        s = j === n - 1 ? g[at] : g[at] + x[at + inner] * s;
        out[at] = s;
      }
      let before = 1;
      for (let j = 0; j < n; j++) {
        const at = first + j * inner;
        out[at] *= before;
        before *= x[at];
      }
    }
  }
}

/**
 * prod's input gradient along the axis, g[o, i] times the product of the other elements, exact with
 * zeros: y / x where the slice has no zero (as PyTorch), else the products before and after.
 */
export function prodBackward(g: TypedArray, x: TypedArray, y: TypedArray, outer: number, n: number, inner: number, out: TypedArray): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const first = o * n * inner + i;
      const gi = g[o * inner + i];
      let zeros = 0;
      for (let j = 0; j < n; j++) if (x[first + j * inner] === 0) zeros++;
      if (zeros === 0) {
        const yi = y[o * inner + i];
        for (let j = 0, at = first; j < n; j++, at += inner) out[at] = gi * (yi / x[at]);
        continue;
      }
      let before = 1;
      for (let j = 0, at = first; j < n; j++, at += inner) {
        out[at] = before;
        before *= x[at];
      }
      let after = 1;
      for (let j = n - 1, at = first + (n - 1) * inner; j >= 0; j--, at -= inner) {
        out[at] = gi * (out[at] * after);
        after *= x[at];
      }
    }
  }
}

/**
 * values[o, j, i] = the running max (or min) of x[o, 0..j, i] and indices the position it came from:
 * ties take the later position and a NaN, once seen, stays (at the latest NaN), as PyTorch's cummax.
 */
export function cumExtreme(x: TypedArray, outer: number, n: number, inner: number, isMin: boolean, values: TypedArray, indices: Int32Array): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = 0;
      let bestJ = 0;
      for (let j = 0, at = o * n * inner + i; j < n; j++, at += inner) {
        const v = x[at];
        if (j === 0 || v !== v || (best === best && (isMin ? v <= best : v >= best))) {
          best = v;
          bestJ = j;
        }
        values[at] = best;
        indices[at] = bestJ;
      }
    }
  }
}
