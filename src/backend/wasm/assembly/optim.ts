/*
 * The optimizers' per-parameter updates, float32 and float64: SGD (every option) and Adadelta, the
 * loops of sgdUpdate / adadeltaFloat32 / adadeltaFloat64 in src/backend/js.ts operation for
 * operation, four float32 or two float64 elements per SIMD step, so the results are bit-identical
 * to the TS kernels (NaN payloads aside).
 *
 * Float32: where the TS loop rounds right after one +, -, *, / or sqrt of float32 values, the f32
 * op (rounding the float64 result to float32 gives the same bits: float64 has more than 2 * 24 + 2
 * bits); where it computes `x + y * z` in float64 and rounds once (PyTorch's fused multiply-add),
 * f64 lanes, the product exact there, and one demote (`addMul`). No fused multiply-add anywhere,
 * relaxed builds included.
 *
 * Scalars come in a block of f64 at `params` (the pool passes integers only); `part` of `parts`
 * updates elements [start(part), start(part + 1)), start(k) = k * n / parts rounded down to a
 * multiple of 4: every element is independent and computed the same way in the SIMD steps and the
 * scalar tail, so any split gives the same bits.
 */

/** SGD flags. */
const FIRST: i32 = 1;
const NESTEROV: i32 = 2;
const MAXIMIZE: i32 = 4;

/** The first element of part `part` of `parts` of n (n when part == parts). */
// @ts-ignore: decorator
@inline function partStart(n: i32, part: i32, parts: i32): i32 {
  return part >= parts ? n : <i32>((<i64>n * <i64>part) / <i64>parts) & ~3;
}

/** The high two f32 lanes of `x` moved to the low two. */
// @ts-ignore: decorator
@inline function high(x: v128): v128 {
  return i64x2.shuffle(x, x, 1, 1);
}

/** fr(x + c * z) per f32 lane, computed in float64 (`c` an f64x2 splat of a float32 value). */
// @ts-ignore: decorator
@inline function addMul(x: v128, c: v128, z: v128): v128 {
  const lo = f64x2.add(f64x2.promote_low_f32x4(x), f64x2.mul(c, f64x2.promote_low_f32x4(z)));
  const hi = f64x2.add(f64x2.promote_low_f32x4(high(x)), f64x2.mul(c, f64x2.promote_low_f32x4(high(z))));
  return i64x2.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 2);
}

/** fr(x + y * z) per f32 lane, computed in float64 (y and z f32x4). */
// @ts-ignore: decorator
@inline function addMul2(x: v128, y: v128, z: v128): v128 {
  const lo = f64x2.add(f64x2.promote_low_f32x4(x), f64x2.mul(f64x2.promote_low_f32x4(y), f64x2.promote_low_f32x4(z)));
  const hi = f64x2.add(f64x2.promote_low_f32x4(high(x)), f64x2.mul(f64x2.promote_low_f32x4(high(y)), f64x2.promote_low_f32x4(high(z))));
  return i64x2.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 2);
}

/** fr(x + y * z) of float32 values, in float64. */
// @ts-ignore: decorator
@inline function addMul1(x: f32, y: f32, z: f32): f32 {
  return <f32>(<f64>x + <f64>y * <f64>z);
}

// ---- SGD: params = [lr, momentum, dampening, weightDecay]; buf = 0 without momentum ----
// g = (maximize ? -grad : grad) + weightDecay * p
// b = g on the first step, else momentum * b + (1 - dampening) * g   (only with momentum)
// g = nesterov ? g + momentum * b : b                                  (only with momentum)
// p = p - lr * g

function sgdF32(p: usize, grad: usize, buf: usize, from: i32, to: i32, flags: i32, params: usize): void {
  const weightDecayOption = load<f64>(params, 24);
  const sign: f32 = flags & MAXIMIZE ? -1 : 1;
  const l2 = weightDecayOption != 0;
  const first = (flags & FIRST) != 0;
  const nesterov = (flags & NESTEROV) != 0;
  const weightDecay = <f32>weightDecayOption;
  const negLr = <f32>-load<f64>(params);
  const momentum = <f32>load<f64>(params, 8);
  const keep = <f32>(1 - load<f64>(params, 16));
  const signV = f32x4.splat(sign);
  const wdV = f64x2.splat(<f64>weightDecay);
  const negLrV = f64x2.splat(<f64>negLr);
  const mV = f32x4.splat(momentum);
  const mV64 = f64x2.splat(<f64>momentum);
  const keepV = f64x2.splat(<f64>keep);
  let i = from;
  for (; i + 4 <= to; i += 4) {
    const at = <usize>i << 2;
    const pv = v128.load(p + at);
    let g = f32x4.mul(signV, v128.load(grad + at));
    if (l2) g = addMul(g, wdV, pv);
    let step = g;
    if (buf) {
      const b = first ? g : addMul(f32x4.mul(mV, v128.load(buf + at)), keepV, g);
      v128.store(buf + at, b);
      step = nesterov ? addMul(g, mV64, b) : b;
    }
    v128.store(p + at, addMul(pv, negLrV, step));
  }
  for (; i < to; i++) {
    const at = <usize>i << 2;
    const pi = load<f32>(p + at);
    let g = sign * load<f32>(grad + at);
    if (l2) g = addMul1(g, weightDecay, pi);
    let step = g;
    if (buf) {
      const b = first ? g : addMul1(momentum * load<f32>(buf + at), keep, g);
      store<f32>(buf + at, b);
      step = nesterov ? addMul1(g, momentum, b) : b;
    }
    store<f32>(p + at, addMul1(pi, negLr, step));
  }
}

function sgdF64(p: usize, grad: usize, buf: usize, from: i32, to: i32, flags: i32, params: usize): void {
  const weightDecay = load<f64>(params, 24);
  const sign: f64 = flags & MAXIMIZE ? -1 : 1;
  const l2 = weightDecay != 0;
  const first = (flags & FIRST) != 0;
  const nesterov = (flags & NESTEROV) != 0;
  const negLr = -load<f64>(params);
  const momentum = load<f64>(params, 8);
  const keep = 1 - load<f64>(params, 16);
  const signV = f64x2.splat(sign);
  const wdV = f64x2.splat(weightDecay);
  const negLrV = f64x2.splat(negLr);
  const mV = f64x2.splat(momentum);
  const keepV = f64x2.splat(keep);
  let i = from;
  for (; i + 2 <= to; i += 2) {
    const at = <usize>i << 3;
    const pv = v128.load(p + at);
    let g = f64x2.mul(signV, v128.load(grad + at));
    if (l2) g = f64x2.add(g, f64x2.mul(wdV, pv));
    let step = g;
    if (buf) {
      const b = first ? g : f64x2.add(f64x2.mul(mV, v128.load(buf + at)), f64x2.mul(keepV, g));
      v128.store(buf + at, b);
      step = nesterov ? f64x2.add(g, f64x2.mul(mV, b)) : b;
    }
    v128.store(p + at, f64x2.add(pv, f64x2.mul(negLrV, step)));
  }
  if (i < to) {
    const at = <usize>i << 3;
    const pi = load<f64>(p + at);
    let g = sign * load<f64>(grad + at);
    if (l2) g = g + weightDecay * pi;
    let step = g;
    if (buf) {
      const b = first ? g : momentum * load<f64>(buf + at) + keep * g;
      store<f64>(buf + at, b);
      step = nesterov ? g + momentum * b : b;
    }
    store<f64>(p + at, pi + negLr * step);
  }
}

/** Part `part` of `parts` of SGD's update of n elements (flags FIRST | NESTEROV | MAXIMIZE). */
export function sgdUpdatePartF32(p: usize, grad: usize, buf: usize, n: i32, flags: i32, params: usize, scratch: usize, part: i32, parts: i32): void {
  sgdF32(p, grad, buf, partStart(n, part, parts), partStart(n, part + 1, parts), flags, params);
}
export function sgdUpdatePartF64(p: usize, grad: usize, buf: usize, n: i32, flags: i32, params: usize, scratch: usize, part: i32, parts: i32): void {
  sgdF64(p, grad, buf, partStart(n, part, parts), partStart(n, part + 1, parts), flags, params);
}

// ---- Adadelta: params = [lr, rho, eps, weightDecay]; v, u the running means ----
// g = (maximize ? -grad : grad) + weightDecay * p
// v = rho * v + (1 - rho) * g^2
// delta = sqrt(u + eps) / sqrt(v + eps) * g
// u = rho * u + (1 - rho) * delta^2
// p = p - lr * delta

function adadeltaF32(p: usize, grad: usize, v: usize, u: usize, from: i32, to: i32, maximize: bool, params: usize): void {
  const rhoOption = load<f64>(params, 8);
  const weightDecayOption = load<f64>(params, 24);
  const sign: f32 = maximize ? -1 : 1;
  const decay = weightDecayOption != 0;
  const weightDecay = <f32>weightDecayOption;
  const rho = <f32>rhoOption;
  const oneMinusRho = <f32>(1 - rhoOption);
  const eps = <f32>load<f64>(params, 16);
  const negLr = <f32>-load<f64>(params);
  const signV = f32x4.splat(sign);
  const wdV = f64x2.splat(<f64>weightDecay);
  const rhoV = f32x4.splat(rho);
  const omrV = f32x4.splat(oneMinusRho);
  const epsV = f32x4.splat(eps);
  const negLrV = f64x2.splat(<f64>negLr);
  let i = from;
  for (; i + 4 <= to; i += 4) {
    const at = <usize>i << 2;
    const pv = v128.load(p + at);
    const uv = v128.load(u + at);
    let g = f32x4.mul(signV, v128.load(grad + at));
    if (decay) g = addMul(g, wdV, pv);
    const vi = addMul2(f32x4.mul(v128.load(v + at), rhoV), f32x4.mul(omrV, g), g);
    v128.store(v + at, vi);
    const std = f32x4.sqrt(f32x4.add(vi, epsV));
    const delta = f32x4.mul(f32x4.div(f32x4.sqrt(f32x4.add(uv, epsV)), std), g);
    v128.store(u + at, addMul2(f32x4.mul(uv, rhoV), f32x4.mul(omrV, delta), delta));
    v128.store(p + at, addMul(pv, negLrV, delta));
  }
  for (; i < to; i++) {
    const at = <usize>i << 2;
    const pi = load<f32>(p + at);
    const ui = load<f32>(u + at);
    let g = sign * load<f32>(grad + at);
    if (decay) g = addMul1(g, weightDecay, pi);
    const vi = addMul1(load<f32>(v + at) * rho, oneMinusRho * g, g);
    store<f32>(v + at, vi);
    const std = sqrt<f32>(vi + eps);
    const delta = (sqrt<f32>(ui + eps) / std) * g;
    store<f32>(u + at, addMul1(ui * rho, oneMinusRho * delta, delta));
    store<f32>(p + at, addMul1(pi, negLr, delta));
  }
}

function adadeltaF64(p: usize, grad: usize, v: usize, u: usize, from: i32, to: i32, maximize: bool, params: usize): void {
  const rho = load<f64>(params, 8);
  const weightDecay = load<f64>(params, 24);
  const sign: f64 = maximize ? -1 : 1;
  const decay = weightDecay != 0;
  const oneMinusRho = 1 - rho;
  const eps = load<f64>(params, 16);
  const negLr = -load<f64>(params);
  const signV = f64x2.splat(sign);
  const wdV = f64x2.splat(weightDecay);
  const rhoV = f64x2.splat(rho);
  const omrV = f64x2.splat(oneMinusRho);
  const epsV = f64x2.splat(eps);
  const negLrV = f64x2.splat(negLr);
  let i = from;
  for (; i + 2 <= to; i += 2) {
    const at = <usize>i << 3;
    const pv = v128.load(p + at);
    const uv = v128.load(u + at);
    let g = f64x2.mul(signV, v128.load(grad + at));
    if (decay) g = f64x2.add(f64x2.mul(wdV, pv), g);
    const vi = f64x2.add(f64x2.mul(f64x2.mul(omrV, g), g), f64x2.mul(v128.load(v + at), rhoV));
    v128.store(v + at, vi);
    const delta = f64x2.mul(f64x2.div(f64x2.sqrt(f64x2.add(uv, epsV)), f64x2.sqrt(f64x2.add(vi, epsV))), g);
    v128.store(u + at, f64x2.add(f64x2.mul(f64x2.mul(omrV, delta), delta), f64x2.mul(uv, rhoV)));
    v128.store(p + at, f64x2.add(f64x2.mul(negLrV, delta), pv));
  }
  if (i < to) {
    const at = <usize>i << 3;
    const pi = load<f64>(p + at);
    const ui = load<f64>(u + at);
    let g = sign * load<f64>(grad + at);
    if (decay) g = weightDecay * pi + g;
    const vi = oneMinusRho * g * g + load<f64>(v + at) * rho;
    store<f64>(v + at, vi);
    const delta = (sqrt<f64>(ui + eps) / sqrt<f64>(vi + eps)) * g;
    store<f64>(u + at, oneMinusRho * delta * delta + ui * rho);
    store<f64>(p + at, negLr * delta + pi);
  }
}

/** Part `part` of `parts` of Adadelta's update of n elements (v, u: the running means of g^2 and of delta^2). */
export function adadeltaUpdatePartF32(p: usize, grad: usize, v: usize, u: usize, n: i32, maximize: bool, params: usize, scratch: usize, part: i32, parts: i32): void {
  adadeltaF32(p, grad, v, u, partStart(n, part, parts), partStart(n, part + 1, parts), maximize, params);
}
export function adadeltaUpdatePartF64(p: usize, grad: usize, v: usize, u: usize, n: i32, maximize: bool, params: usize, scratch: usize, part: i32, parts: i32): void {
  adadeltaF64(p, grad, v, u, partStart(n, part, parts), partStart(n, part + 1, parts), maximize, params);
}
