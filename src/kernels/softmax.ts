/**
 * Softmax and log-softmax along one axis of a contiguous array viewed as [outer, n, inner].
 * Max-subtracted, so logits of +-1e4 stay finite.
 */
import type { FloatArray } from '../dtype';

/**
 * The max m of x[base + j * stride] over j < n and sum_j exp(x - m), written to into[at], into[at + 1]:
 * max-subtracted, so logits of +-1e4 stay finite. The one log-sum-exp loop of the TypeScript
 * kernels: softmax, logSoftmax and both cross-entropy paths go through it.
 */
export function maxAndSumExp(x: FloatArray, base: number, n: number, stride: number, into: Float64Array, at = 0): void {
  let max = -Infinity;
  for (let j = 0, p = base; j < n; j++, p += stride) if (x[p] > max) max = x[p];
  if (max === -Infinity) max = 0; // all -inf: log(0) = -inf, instead of NaN from -inf - -inf
  let sum = 0;
  for (let j = 0, p = base; j < n; j++, p += stride) sum += Math.exp(x[p] - max);
  into[at] = max;
  into[at + 1] = sum;
}

const scratch = new Float64Array(2);

/** out = softmax(x) along the axis, or log-softmax when `log` is set. */
export function softmaxAxis(x: FloatArray, outer: number, n: number, inner: number, log: boolean, out: FloatArray): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      maxAndSumExp(x, base, n, inner, scratch);
      const max = scratch[0],
        sum = scratch[1];
      if (log) {
        // (x - max) - log(sum), not x - (max + log(sum)): the latter loses log(sum) when max is huge
        const logSum = Math.log(sum);
        for (let j = 0, p = base; j < n; j++, p += inner) out[p] = x[p] - max - logSum;
      } else {
        for (let j = 0, p = base; j < n; j++, p += inner) out[p] = Math.exp(x[p] - max) / sum;
      }
    }
  }
}

/**
 * Backward of softmax (y = softmax(x)): dx = y * (g - sum_j g*y);
 * of log-softmax (y = log_softmax(x)): dx = g - exp(y) * sum_j g.
 */
export function softmaxAxisBackward(g: FloatArray, y: FloatArray, outer: number, n: number, inner: number, log: boolean, out: FloatArray): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let dot = 0;
      if (log) {
        for (let j = 0, p = base; j < n; j++, p += inner) dot += g[p];
        for (let j = 0, p = base; j < n; j++, p += inner) out[p] = g[p] - Math.exp(y[p]) * dot;
      } else {
        for (let j = 0, p = base; j < n; j++, p += inner) dot += g[p] * y[p];
        for (let j = 0, p = base; j < n; j++, p += inner) out[p] = y[p] * (g[p] - dot);
      }
    }
  }
}
