/**
 * The loops under pooling and upsampling. They work on planes: a batch [N, C, H, W] (or unbatched
 * [C, H, W]) is N * C images of H x W, one after another, and a 1-D signal is an image of height 1.
 *
 * Each spatial dim is described apart from the other (pooling windows and interpolation weights are
 * separable), by one `Windows` or `Taps` per dim, computed once per call.
 */
import type { FloatArray, TypedArray } from '../dtype';

/**
 * The windows of one spatial dim, one per output index o: input indices start[o], start[o] + step,
 * ... below end[o] (none when start >= end), and the per-dim factor of each window's divisor.
 */
export interface Windows {
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly step: number;
  /** An average divides by divisor[oh] * divisor[ow] (unused by max). */
  readonly divisor: Float64Array;
}

/**
 * PyTorch's pooling output size (`pooling_output_shape`): floor((size + 2p - d(k - 1) - 1) / s) + 1,
 * rounded up instead in ceil mode, where a last window that would start in the right padding is dropped.
 */
export function poolOutputSize(size: number, k: number, pad: number, stride: number, dilation: number, ceilMode: boolean): number {
  let out = Math.floor((size + 2 * pad - dilation * (k - 1) - 1 + (ceilMode ? stride - 1 : 0)) / stride) + 1;
  if (ceilMode && (out - 1) * stride >= size + pad) out--;
  return out;
}

/** Max pooling's windows along one dim (kernel k, stride s, padding p, dilation d): the taps inside the input. */
export function maxWindows(size: number, out: number, k: number, s: number, p: number, d: number): Windows {
  const start = new Int32Array(out);
  const end = new Int32Array(out);
  for (let o = 0; o < out; o++) {
    let first = o * s - p;
    end[o] = Math.min(first + (k - 1) * d + 1, size);
    while (first < 0) first += d;
    start[o] = first;
  }
  return { start, end, step: d, divisor: new Float64Array(out).fill(1) };
}

/**
 * Average pooling's windows along one dim: the part inside the input, and the divisor's factor, the
 * window's size counting the padding it covers (countIncludePad) or not (PyTorch's avg_pool2d).
 */
export function avgWindows(size: number, out: number, k: number, s: number, p: number, countIncludePad: boolean): Windows {
  const start = new Int32Array(out);
  const end = new Int32Array(out);
  const divisor = new Float64Array(out);
  for (let o = 0; o < out; o++) {
    const first = o * s - p;
    const last = Math.min(first + k, size + p);
    start[o] = Math.max(first, 0);
    end[o] = Math.min(last, size);
    divisor[o] = countIncludePad ? last - first : end[o] - start[o];
  }
  return { start, end, step: 1, divisor };
}

/** Adaptive pooling's windows: output o covers floor(o * size / out) up to ceil((o + 1) * size / out). */
export function adaptiveWindows(size: number, out: number): Windows {
  const start = new Int32Array(out);
  const end = new Int32Array(out);
  const divisor = new Float64Array(out);
  for (let o = 0; o < out; o++) {
    start[o] = Math.floor((o * size) / out);
    end[o] = Math.ceil(((o + 1) * size) / out);
    divisor[o] = end[o] - start[o];
  }
  return { start, end, step: 1, divisor };
}

/**
 * y = the max of each window of each plane of x ([planes, inH, inW]), and argmax = its position in
 * x. As PyTorch: NaN wins (the last NaN of a window), ties go to the first, and a window of -inf
 * points at its first element.
 */
// NOTE: the running argmax is updated without a branch (a mask from the comparison picks the new
// position or keeps the old): on real data which element wins is unpredictable, and the branchy
// loop ran 3x slower
export function windowMax(x: TypedArray, planes: number, inH: number, inW: number, rows: Windows, cols: Windows, y: TypedArray, argmax: Int32Array): void {
  const outH = rows.start.length;
  const outW = cols.start.length;
  const { step: dH } = rows;
  const { step: dW } = cols;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * inH * inW;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = rows.start[oh];
      const h1 = rows.end[oh];
      for (let ow = 0; ow < outW; ow++, o++) {
        const w0 = cols.start[ow];
        const w1 = cols.end[ow];
        let best = base + h0 * inW + w0;
        let max = -Infinity;
        for (let h = h0; h < h1; h += dH) {
          const row = base + h * inW;
          for (let w = w0; w < w1; w += dW) {
            const v = x[row + w];
            // take this element when v > max or v is NaN
            best ^= (best ^ (row + w)) & -(+(v > max) | +(v !== v));
            max = x[best];
          }
        }
        y[o] = max;
        argmax[o] = best;
      }
    }
  }
}

/**
 * Whether `w` are the windows of a plain 2-wide pool along its dim (window o is 2o and 2o + 1:
 * kernel 2, stride 2, no padding or dilation, no partial last window), where maxPool2x2 applies.
 */
export function isPlain2x2(w: Windows): boolean {
  if (w.step !== 1) return false;
  for (let o = 0; o < w.start.length; o++) if (w.start[o] !== 2 * o || w.end[o] !== 2 * o + 2) return false;
  return true;
}

/** windowMax for 2 x 2 windows at stride 2 without padding or dilation (the common layer), unrolled. */
export function maxPool2x2(x: TypedArray, planes: number, inH: number, inW: number, outH: number, outW: number, y: TypedArray, argmax: Int32Array): void {
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * inH * inW;
    for (let oh = 0; oh < outH; oh++) {
      const r0 = base + 2 * oh * inW;
      const r1 = r0 + inW;
      for (let ow = 0; ow < outW; ow++, o++) {
        const i = r0 + 2 * ow;
        const j = r1 + 2 * ow;
        // starting from the first element picks what windowMax's start from -inf picks, NaN and -inf included
        let best = i;
        let max = x[i];
        let v = x[i + 1];
        best ^= (best ^ (i + 1)) & -(+(v > max) | +(v !== v));
        max = x[best];
        v = x[j];
        best ^= (best ^ j) & -(+(v > max) | +(v !== v));
        max = x[best];
        v = x[j + 1];
        best ^= (best ^ (j + 1)) & -(+(v > max) | +(v !== v));
        y[o] = x[best];
        argmax[o] = best;
      }
    }
  }
}

/**
 * y = the average of each window of each plane of x: the window's sum divided by `divisor` when
 * given (PyTorch's divisor_override), else by rows.divisor[oh] * cols.divisor[ow]. An empty window
 * gives 0.
 */
export function windowMean(x: FloatArray, planes: number, inH: number, inW: number, rows: Windows, cols: Windows, divisor: number | null, y: FloatArray): void {
  const outH = rows.start.length;
  const outW = cols.start.length;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * inH * inW;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = rows.start[oh];
      const h1 = rows.end[oh];
      for (let ow = 0; ow < outW; ow++, o++) {
        const w0 = cols.start[ow];
        const w1 = cols.end[ow];
        if (h0 >= h1 || w0 >= w1) {
          y[o] = 0;
          continue;
        }
        let sum = 0;
        for (let h = h0; h < h1; h++) {
          const row = base + h * inW;
          for (let w = w0; w < w1; w++) sum += x[row + w];
        }
        y[o] = sum / (divisor ?? rows.divisor[oh] * cols.divisor[ow]);
      }
    }
  }
}

/** The adjoint of windowMean: dx += each output's gradient, divided as windowMean divides, over its window. */
export function windowMeanAdjoint(
  g: FloatArray,
  planes: number,
  inH: number,
  inW: number,
  rows: Windows,
  cols: Windows,
  divisor: number | null,
  dx: FloatArray,
): void {
  const outH = rows.start.length;
  const outW = cols.start.length;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * inH * inW;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = rows.start[oh];
      const h1 = rows.end[oh];
      for (let ow = 0; ow < outW; ow++, o++) {
        const w0 = cols.start[ow];
        const w1 = cols.end[ow];
        if (h0 >= h1 || w0 >= w1) continue;
        const share = g[o] / (divisor ?? rows.divisor[oh] * cols.divisor[ow]);
        for (let h = h0; h < h1; h++) {
          const row = base + h * inW;
          for (let w = w0; w < w1; w++) dx[row + w] += share;
        }
      }
    }
  }
}

/** y[i] = x[map[i]]: the values at the positions max pooling picked. */
export function gatherAt(x: TypedArray, map: Int32Array, y: TypedArray): void {
  for (let i = 0; i < map.length; i++) y[i] = x[map[i]];
}

/** dx[map[i]] += g[i]: the adjoint of gatherAt (repeated positions add up). */
export function scatterAddAt(g: FloatArray, map: Int32Array, dx: FloatArray): void {
  for (let i = 0; i < map.length; i++) dx[map[i]] += g[i];
}

/**
 * Max unpooling: each plane's values written (not added) at their plane-local indices into planes of
 * `outPlane` elements, the rest left as they are (zeros). Returns the first index outside the plane,
 * or null when all are inside (then the write is done).
 */
export function unpoolWrite(x: TypedArray, indices: Int32Array, planes: number, inPlane: number, outPlane: number, y: TypedArray): number | null {
  for (let i = 0; i < indices.length; i++) if (indices[i] < 0 || indices[i] >= outPlane) return indices[i];
  for (let p = 0, i = 0; p < planes; p++) {
    const base = p * outPlane;
    for (let j = 0; j < inPlane; j++, i++) y[base + indices[i]] = x[i];
  }
  return null;
}

/**
 * Plane-local indices (as PyTorch returns them: `perPlane` of them for each of `planes` planes) to
 * positions in the whole tensor they point into, whose planes hold `planeSize` elements.
 */
export function flatPositions(indices: Int32Array, planes: number, perPlane: number, planeSize: number): Int32Array {
  const map = new Int32Array(indices.length);
  for (let p = 0, i = 0; p < planes; p++) for (let j = 0; j < perPlane; j++, i++) map[i] = indices[i] + p * planeSize;
  return map;
}

/** The inverse of flatPositions: positions in the whole tensor to plane-local indices. */
export function planePositions(map: Int32Array, planes: number, perPlane: number, planeSize: number): Int32Array {
  const indices = new Int32Array(map.length);
  for (let p = 0, i = 0; p < planes; p++) for (let j = 0; j < perPlane; j++, i++) indices[i] = map[i] - p * planeSize;
  return indices;
}

// ---- upsampling ----

/** 1 / scale when a scale factor is given (and > 0), else in / out: PyTorch's compute_scales_value. */
function scaleOf(inSize: number, outSize: number, scale: number | null, f32: boolean): number {
  const r = scale !== null && scale > 0 ? 1 / scale : inSize / outSize;
  return f32 ? Math.fround(r) : r;
}

/**
 * The input index each output index reads in nearest mode (PyTorch's nearest_idx, float32 math as
 * PyTorch's): floor(o * scale), or floor((o + 0.5) * scale) for 'nearest-exact', at most in - 1.
 */
export function nearestIndices(inSize: number, outSize: number, scale: number | null, exact: boolean): Int32Array {
  const idx = new Int32Array(outSize);
  if (!exact && outSize === inSize) for (let o = 0; o < outSize; o++) idx[o] = o;
  else if (!exact && outSize === 2 * inSize) for (let o = 0; o < outSize; o++) idx[o] = o >> 1;
  else {
    const s = scaleOf(inSize, outSize, scale, true);
    for (let o = 0; o < outSize; o++) idx[o] = Math.min(Math.floor(Math.fround((exact ? o + 0.5 : o) * s)), inSize - 1);
  }
  return idx;
}

/** Linear interpolation along one dim: output o is lambda0[o] * x[i0[o]] + lambda1[o] * x[i1[o]]. */
export interface Taps {
  readonly i0: Int32Array;
  readonly i1: Int32Array;
  readonly lambda0: Float64Array;
  readonly lambda1: Float64Array;
}

/**
 * The taps of linear interpolation (PyTorch's compute_source_index_and_lambda), in float32 math for
 * float32 tensors as PyTorch computes them: the source coordinate is scale * o with alignCorners
 * (scale (in - 1) / (out - 1)), else scale * (o + 0.5) - 0.5 clamped at 0; same sizes copy.
 */
export function linearTaps(inSize: number, outSize: number, alignCorners: boolean, scale: number | null, f32: boolean): Taps {
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const lambda0 = new Float64Array(outSize);
  const lambda1 = new Float64Array(outSize);
  const r = (v: number): number => (f32 ? Math.fround(v) : v);
  const ratio = alignCorners ? (outSize > 1 ? r((inSize - 1) / (outSize - 1)) : 0) : scaleOf(inSize, outSize, scale, f32);
  for (let o = 0; o < outSize; o++) {
    if (outSize === inSize) {
      i0[o] = i1[o] = o;
      lambda0[o] = 1;
      continue;
    }
    let src = alignCorners ? r(ratio * o) : r(r(ratio * r(o + 0.5)) - 0.5);
    if (!alignCorners && src < 0) src = 0;
    const index = Math.min(Math.floor(src), inSize - 1);
    const lambda = Math.min(Math.max(r(src - index), 0), 1);
    i0[o] = index;
    i1[o] = index < inSize - 1 ? index + 1 : index;
    lambda1[o] = lambda;
    lambda0[o] = r(1 - lambda);
  }
  return { i0, i1, lambda0, lambda1 };
}

/** y[p, oh, ow] = x[p, rows[oh], cols[ow]]: nearest upsampling of each plane. */
export function nearestGather(x: FloatArray, planes: number, inH: number, inW: number, rows: Int32Array, cols: Int32Array, y: FloatArray): void {
  const outH = rows.length;
  const outW = cols.length;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * inH * inW;
    for (let oh = 0; oh < outH; oh++) {
      const row = base + rows[oh] * inW;
      for (let ow = 0; ow < outW; ow++, o++) y[o] = x[row + cols[ow]];
    }
  }
}

/** The adjoint of nearestGather: dx[p, rows[oh], cols[ow]] += g[p, oh, ow]. */
export function nearestScatter(g: FloatArray, planes: number, inH: number, inW: number, rows: Int32Array, cols: Int32Array, dx: FloatArray): void {
  const outH = rows.length;
  const outW = cols.length;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * inH * inW;
    for (let oh = 0; oh < outH; oh++) {
      const row = base + rows[oh] * inW;
      for (let ow = 0; ow < outW; ow++, o++) dx[row + cols[ow]] += g[o];
    }
  }
}

/**
 * Bilinear interpolation of each plane, in PyTorch's order: along the width in each of the two rows,
 * then between the rows (a 1-D signal has one row, read with weight 1).
 */
export function bilinear(x: FloatArray, planes: number, inH: number, inW: number, rows: Taps, cols: Taps, y: FloatArray): void {
  const outH = rows.i0.length;
  const outW = cols.i0.length;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * inH * inW;
    for (let oh = 0; oh < outH; oh++) {
      const r0 = base + rows.i0[oh] * inW;
      const r1 = base + rows.i1[oh] * inW;
      const h0 = rows.lambda0[oh];
      const h1 = rows.lambda1[oh];
      for (let ow = 0; ow < outW; ow++, o++) {
        const c0 = cols.i0[ow];
        const c1 = cols.i1[ow];
        const w0 = cols.lambda0[ow];
        const w1 = cols.lambda1[ow];
        y[o] = (x[r0 + c0] * w0 + x[r0 + c1] * w1) * h0 + (x[r1 + c0] * w0 + x[r1 + c1] * w1) * h1;
      }
    }
  }
}

/** The adjoint of bilinear: each output's gradient added to its four taps, weighted. */
export function bilinearAdjoint(g: FloatArray, planes: number, inH: number, inW: number, rows: Taps, cols: Taps, dx: FloatArray): void {
  const outH = rows.i0.length;
  const outW = cols.i0.length;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * inH * inW;
    for (let oh = 0; oh < outH; oh++) {
      const r0 = base + rows.i0[oh] * inW;
      const r1 = base + rows.i1[oh] * inW;
      const h0 = rows.lambda0[oh];
      const h1 = rows.lambda1[oh];
      for (let ow = 0; ow < outW; ow++, o++) {
        const c0 = cols.i0[ow];
        const c1 = cols.i1[ow];
        const w0 = cols.lambda0[ow];
        const w1 = cols.lambda1[ow];
        const v = g[o];
        dx[r0 + c0] += h0 * w0 * v;
        dx[r0 + c1] += h0 * w1 * v;
        dx[r1 + c0] += h1 * w0 * v;
        dx[r1 + c1] += h1 * w1 * v;
      }
    }
  }
}
