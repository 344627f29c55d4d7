/*
 * The other hot kernels of the seed nets, float32 and float64: the fused linear forward and
 * backward, softmax-cross-entropy with class-index targets, relu and sigmoid's backward. Each mirrors the
 * TypeScript kernel it replaces operation for operation (arithmetic in float64, rounded once when
 * stored to float32, exp and log imported from the host's Math), so their results are
 * bit-identical to the TS kernels; only the gemm inside linear sums float32 in f32 lanes.
 */
import { band, bandCol0, bandCol1, bandRow0, bandRow1, gemm, gemmBand } from './gemm';

// @ts-ignore: decorator
@external('env', 'exp') declare function exp(x: f64): f64;
// @ts-ignore: decorator
@external('env', 'log') declare function log(x: f64): f64;

// ---- linear: y = x W^T + b; dx = g W, dW = g^T x, db = sum of g over rows ----

function linearForward<T>(x: usize, w: usize, bias: usize, rows: i32, inF: i32, outF: i32, y: usize, scratch: usize): void {
  const rowBytes = <usize>outF * sizeof<T>();
  if (bias) for (let r = 0; r < rows; r++) memory.copy(y + <usize>r * rowBytes, bias, rowBytes);
  gemm<T>(false, true, rows, outF, inF, x, w, y, bias != 0, scratch);
}

function linearBackward<T>(
  g: usize, x: usize, w: usize, rows: i32, inF: i32, outF: i32, dx: usize, dw: usize, db: usize, scratch: usize,
): void {
  if (dx) gemm<T>(false, false, rows, inF, outF, g, w, dx, false, scratch);
  if (dw) gemm<T>(true, false, outF, inF, rows, g, x, dw, false, scratch);
  if (db) columnSums<T>(g, rows, outF, db, 0, outF);
}

/**
 * Part `part` of `parts` of the linear forward: the band of y that gemm's `band` gives, its bias
 * copied in first. Bit-identical to linearForward for any split.
 */
function linearForwardPart<T>(x: usize, w: usize, bias: usize, rows: i32, inF: i32, outF: i32, y: usize, scratch: usize, part: i32, parts: i32): void {
  if (rows <= 0 || outF <= 0) return;
  band<T>(false, true, rows, outF, inF, part, parts);
  const es = <usize>sizeof<T>();
  if (bias && bandCol0 < bandCol1) {
    const bytes = <usize>(bandCol1 - bandCol0) * es;
    for (let r = bandRow0; r < bandRow1; r++) memory.copy(y + (<usize>r * <usize>outF + <usize>bandCol0) * es, bias + <usize>bandCol0 * es, bytes);
  }
  gemmBand<T>(false, true, rows, outF, inF, x, w, y, bias != 0, scratch, bandRow0, bandRow1, bandCol0, bandCol1);
}

/**
 * Part `part` of `parts` of the linear backward: its band of dx (gemm's `band`), then of dW, then
 * its share of db's columns. Bit-identical to linearBackward for any split.
 */
function linearBackwardPart<T>(
  g: usize, x: usize, w: usize, rows: i32, inF: i32, outF: i32, dx: usize, dw: usize, db: usize, scratch: usize, part: i32, parts: i32,
): void {
  if (dx && rows > 0 && inF > 0) {
    band<T>(false, false, rows, inF, outF, part, parts);
    gemmBand<T>(false, false, rows, inF, outF, g, w, dx, false, scratch, bandRow0, bandRow1, bandCol0, bandCol1);
  }
  if (dw && outF > 0 && inF > 0) {
    band<T>(true, false, outF, inF, rows, part, parts);
    gemmBand<T>(true, false, outF, inF, rows, g, x, dw, false, scratch, bandRow0, bandRow1, bandCol0, bandCol1);
  }
  if (db) {
    const per = (outF + parts - 1) / parts;
    const from = part * per;
    columnSums<T>(g, rows, outF, db, from, min(outF, from + per));
  }
}

/** db[j] = sum over rows of g[r, j] for j in [from, to), in float64 (as the TS kernel). */
function columnSums<T>(g: usize, rows: i32, outF: i32, db: usize, from: i32, to: i32): void {
  const es = <usize>sizeof<T>();
  for (let j = from; j < to; j++) {
    let acc: f64 = 0;
    let p = g + <usize>j * es;
    for (let r = 0; r < rows; r++) {
      acc += <f64>load<T>(p);
      p += <usize>outF * es;
    }
    store<T>(db + <usize>j * es, <T>acc);
  }
}

// @ts-ignore: decorator
@inline function min(x: i32, y: i32): i32 {
  return x < y ? x : y;
}

export function linearForwardF32(x: usize, w: usize, bias: usize, rows: i32, inF: i32, outF: i32, y: usize, scratch: usize): void {
  linearForward<f32>(x, w, bias, rows, inF, outF, y, scratch);
}
export function linearForwardF64(x: usize, w: usize, bias: usize, rows: i32, inF: i32, outF: i32, y: usize, scratch: usize): void {
  linearForward<f64>(x, w, bias, rows, inF, outF, y, scratch);
}
export function linearBackwardF32(g: usize, x: usize, w: usize, rows: i32, inF: i32, outF: i32, dx: usize, dw: usize, db: usize, scratch: usize): void {
  linearBackward<f32>(g, x, w, rows, inF, outF, dx, dw, db, scratch);
}
export function linearBackwardF64(g: usize, x: usize, w: usize, rows: i32, inF: i32, outF: i32, dx: usize, dw: usize, db: usize, scratch: usize): void {
  linearBackward<f64>(g, x, w, rows, inF, outF, dx, dw, db, scratch);
}
export function linearForwardPartF32(x: usize, w: usize, bias: usize, rows: i32, inF: i32, outF: i32, y: usize, scratch: usize, part: i32, parts: i32): void {
  linearForwardPart<f32>(x, w, bias, rows, inF, outF, y, scratch, part, parts);
}
export function linearForwardPartF64(x: usize, w: usize, bias: usize, rows: i32, inF: i32, outF: i32, y: usize, scratch: usize, part: i32, parts: i32): void {
  linearForwardPart<f64>(x, w, bias, rows, inF, outF, y, scratch, part, parts);
}
export function linearBackwardPartF32(
  g: usize, x: usize, w: usize, rows: i32, inF: i32, outF: i32, dx: usize, dw: usize, db: usize, scratch: usize, part: i32, parts: i32,
): void {
  linearBackwardPart<f32>(g, x, w, rows, inF, outF, dx, dw, db, scratch, part, parts);
}
export function linearBackwardPartF64(
  g: usize, x: usize, w: usize, rows: i32, inF: i32, outF: i32, dx: usize, dw: usize, db: usize, scratch: usize, part: i32, parts: i32,
): void {
  linearBackwardPart<f64>(g, x, w, rows, inF, outF, dx, dw, db, scratch, part, parts);
}

// ---- softmax-cross-entropy over rows of `classes` logits, class-index targets ----

/**
 * Per row: stats = [m, s], m the row's max and s = log(sum exp(x - m)) (float64; kept apart, as
 * m + s loses s when m is huge), and loss = s - (x[y] - m), or 0 where y == ignoreIndex. Returns the
 * number of rows not ignored. Mirrors crossEntropyForward in src/backend/js.ts.
 */
function crossEntropyForward<T>(x: usize, targets: usize, rows: i32, classes: i32, ignoreIndex: i32, stats: usize, losses: usize): i32 {
  const es = <usize>sizeof<T>();
  let counted = 0;
  for (let r = 0; r < rows; r++) {
    const row = x + <usize>(r * classes) * es;
    let max: f64 = -Infinity;
    for (let c = 0; c < classes; c++) {
      const v = <f64>load<T>(row + <usize>c * es);
      if (v > max) max = v;
    }
    if (max == -Infinity) max = 0; // all -inf: log(0) = -inf, as the TypeScript maxAndSumExp
    let sum: f64 = 0;
    for (let c = 0; c < classes; c++) sum += exp(<f64>load<T>(row + <usize>c * es) - max);
    const s = log(sum);
    store<f64>(stats + (<usize>r << 4), max);
    store<f64>(stats + (<usize>r << 4) + 8, s);
    const y = load<i32>(targets + (<usize>r << 2));
    let loss: f64 = 0;
    if (y != ignoreIndex) {
      loss = s - (<f64>load<T>(row + <usize>y * es) - max);
      counted++;
    }
    store<T>(losses + <usize>r * es, <T>loss);
  }
  return counted;
}

/**
 * dx[r, c] = exp(x[r, c] - m - s) * t - [c = y] * t, t = scale, or 0 on rows with y == ignoreIndex
 * (so those are 0, or NaN at inf logits, as in PyTorch).
 */
function crossEntropyBackward<T>(x: usize, targets: usize, stats: usize, rows: i32, classes: i32, ignoreIndex: i32, scale: f64, dx: usize): void {
  const es = <usize>sizeof<T>();
  for (let r = 0; r < rows; r++) {
    const off = <usize>(r * classes) * es;
    const y = load<i32>(targets + (<usize>r << 2));
    const ts: f64 = y == ignoreIndex ? 0 : scale; // 0 on ignored rows even when scale is inf
    const m = load<f64>(stats + (<usize>r << 4));
    const s = load<f64>(stats + (<usize>r << 4) + 8);
    for (let c = 0; c < classes; c++) {
      const a: f64 = c == y ? ts : 0;
      store<T>(dx + off + <usize>c * es, <T>(exp(<f64>load<T>(x + off + <usize>c * es) - m - s) * ts - a));
    }
  }
}

export function crossEntropyForwardF32(x: usize, targets: usize, rows: i32, classes: i32, ignoreIndex: i32, stats: usize, losses: usize): i32 {
  return crossEntropyForward<f32>(x, targets, rows, classes, ignoreIndex, stats, losses);
}
export function crossEntropyForwardF64(x: usize, targets: usize, rows: i32, classes: i32, ignoreIndex: i32, stats: usize, losses: usize): i32 {
  return crossEntropyForward<f64>(x, targets, rows, classes, ignoreIndex, stats, losses);
}
export function crossEntropyBackwardF32(x: usize, targets: usize, stats: usize, rows: i32, classes: i32, ignoreIndex: i32, scale: f64, dx: usize): void {
  crossEntropyBackward<f32>(x, targets, stats, rows, classes, ignoreIndex, scale, dx);
}
export function crossEntropyBackwardF64(x: usize, targets: usize, stats: usize, rows: i32, classes: i32, ignoreIndex: i32, scale: f64, dx: usize): void {
  crossEntropyBackward<f64>(x, targets, stats, rows, classes, ignoreIndex, scale, dx);
}

// ---- relu, and sigmoid's backward, n elements (sigmoid itself is one Math.exp per element: it stays in JS) ----

/** y = x > 0 || x is NaN ? x : 0 (NaN propagates and -0 gives +0, as in PyTorch and the TS kernel). */
export function reluF32(x: usize, y: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    const v = v128.load(x + at);
    v128.store(y + at, v128.and(v, v128.or(f32x4.gt(v, zero), f32x4.ne(v, v))));
  }
  for (; i < n; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    store<f32>(y + (<usize>i << 2), v > 0 || v != v ? v : 0);
  }
}
export function reluF64(x: usize, y: usize, n: i32): void {
  const zero = f64x2.splat(0);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const at = <usize>i << 3;
    const v = v128.load(x + at);
    v128.store(y + at, v128.and(v, v128.or(f64x2.gt(v, zero), f64x2.ne(v, v))));
  }
  if (i < n) {
    const v = load<f64>(x + (<usize>i << 3));
    store<f64>(y + (<usize>i << 3), v > 0 || v != v ? v : 0);
  }
}

/** out = saved <= 0 ? 0 : g (relu's backward, reading its output; a NaN output passes g, as PyTorch's threshold_backward). */
export function reluBackwardF32(g: usize, saved: usize, out: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    v128.store(out + at, v128.andnot(v128.load(g + at), f32x4.le(v128.load(saved + at), zero)));
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    store<f32>(out + at, load<f32>(saved + at) <= 0 ? 0 : load<f32>(g + at));
  }
}
export function reluBackwardF64(g: usize, saved: usize, out: usize, n: i32): void {
  const zero = f64x2.splat(0);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const at = <usize>i << 3;
    v128.store(out + at, v128.andnot(v128.load(g + at), f64x2.le(v128.load(saved + at), zero)));
  }
  if (i < n) {
    const at = <usize>i << 3;
    store<f64>(out + at, load<f64>(saved + at) <= 0 ? 0 : load<f64>(g + at));
  }
}

/** out = g * y * (1 - y), in float64 lanes. */
export function sigmoidBackwardF32(g: usize, y: usize, out: usize, n: i32): void {
  const one = f64x2.splat(1);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const at = <usize>i << 2;
    const gv = f64x2.promote_low_f32x4(v128.load64_zero(g + at));
    const yv = f64x2.promote_low_f32x4(v128.load64_zero(y + at));
    const r = f64x2.mul(f64x2.mul(gv, yv), f64x2.sub(one, yv));
    v128.store64_lane(out + at, f32x4.demote_f64x2_zero(r), 0);
  }
  if (i < n) {
    const at = <usize>i << 2;
    const yv = <f64>load<f32>(y + at);
    store<f32>(out + at, <f32>(<f64>load<f32>(g + at) * yv * (1 - yv)));
  }
}
export function sigmoidBackwardF64(g: usize, y: usize, out: usize, n: i32): void {
  const one = f64x2.splat(1);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const at = <usize>i << 3;
    const yv = v128.load(y + at);
    v128.store(out + at, f64x2.mul(f64x2.mul(v128.load(g + at), yv), f64x2.sub(one, yv)));
  }
  if (i < n) {
    const at = <usize>i << 3;
    const yv = load<f64>(y + at);
    store<f64>(out + at, load<f64>(g + at) * yv * (1 - yv));
  }
}
