/*
 * out[i] = a[i] op b[i] for add, sub, mul and div, float32 and float64, where each of a and b is
 * either an array (step 1) or one value used for every i (step 0): KernelBackend.arithmetic. As the
 * TS runs, in float64 and rounded once to float32 for float32 arrays: the correctly rounded float32
 * result for these four operations (53 >= 2 * 24 + 2 bits), so their bits.
 */

/*
 * The operation is a type parameter K, read at compile time (i8 add, u8 sub, i16 mul, u16 div), so
 * each instantiation of `run` holds only its own instructions. NOTE: an `op` number passed down to
 * one shared loop was folded by binaryen into a single loop that computed sub, mul and div for
 * every vector and picked one with `select` (seen in the text format, scripts/build-wasm.ts --wat).
 */
// @ts-ignore: decorator
@inline function vop<T, K>(x: v128, y: v128): v128 {
  if (sizeof<T>() == 4) {
    // in float64 lanes, rounded once to float32: the correctly rounded float32 result, and no
    // microcode assists on subnormal float32 operands or results (f32x4.mul on them: 8x slower here)
    const lo = op64<K>(f64x2.promote_low_f32x4(x), f64x2.promote_low_f32x4(y));
    const hi = op64<K>(f64x2.promote_low_f32x4(i64x2.shuffle(x, x, 1, 0)), f64x2.promote_low_f32x4(i64x2.shuffle(y, y, 1, 0)));
    return i64x2.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 2);
  }
  return op64<K>(x, y);
}

// @ts-ignore: decorator
@inline function op64<K>(x: v128, y: v128): v128 {
  if (sizeof<K>() == 1) {
    if (isSigned<K>()) return f64x2.add(x, y);
    return f64x2.sub(x, y);
  }
  if (isSigned<K>()) return f64x2.mul(x, y);
  return f64x2.div(x, y);
}

// @ts-ignore: decorator
@inline function sop<T, K>(x: T, y: T): T {
  return <T>sop64<K>(<f64>x, <f64>y);
}

// @ts-ignore: decorator
@inline function sop64<K>(x: f64, y: f64): f64 {
  if (sizeof<K>() == 1) {
    if (isSigned<K>()) return x + y;
    return x - y;
  }
  if (isSigned<K>()) return x * y;
  return x / y;
}

// @ts-ignore: decorator
@inline function splat<T>(p: usize): v128 {
  return sizeof<T>() == 4 ? v128.load32_splat(p) : v128.load64_splat(p);
}

/** One operation's loops, for each pair of steps (1: an array, 0: one value). */
function run<T, K>(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void {
  const es = <usize>sizeof<T>();
  const lanes = 16 / <i32>es;
  const end = <usize>(n - n % lanes) * es;
  const bytes = <usize>n * es;
  let i: usize = 0;
  if (sa && sb) {
    for (; i < end; i += 16) v128.store(out + i, vop<T, K>(v128.load(a + i), v128.load(b + i)));
    for (; i < bytes; i += es) store<T>(out + i, sop<T, K>(load<T>(a + i), load<T>(b + i)));
  } else if (sa) {
    const y = splat<T>(b), ys = load<T>(b);
    for (; i < end; i += 16) v128.store(out + i, vop<T, K>(v128.load(a + i), y));
    for (; i < bytes; i += es) store<T>(out + i, sop<T, K>(load<T>(a + i), ys));
  } else if (sb) {
    const x = splat<T>(a), xs = load<T>(a);
    for (; i < end; i += 16) v128.store(out + i, vop<T, K>(x, v128.load(b + i)));
    for (; i < bytes; i += es) store<T>(out + i, sop<T, K>(xs, load<T>(b + i)));
  } else {
    const v = sop<T, K>(load<T>(a), load<T>(b));
    for (; i < bytes; i += es) store<T>(out + i, v);
  }
}

/** op: 0 add, 1 sub, 2 mul, 3 div (src/backend/wasm/backend.ts ARITHMETIC_CODES). */
export function arithmeticF32(op: i32, a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void {
  if (op == 0) run<f32, i8>(a, sa, b, sb, out, n);
  else if (op == 1) run<f32, u8>(a, sa, b, sb, out, n);
  else if (op == 2) run<f32, i16>(a, sa, b, sb, out, n);
  else run<f32, u16>(a, sa, b, sb, out, n);
}

export function arithmeticF64(op: i32, a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void {
  if (op == 0) run<f64, i8>(a, sa, b, sb, out, n);
  else if (op == 1) run<f64, u8>(a, sa, b, sb, out, n);
  else if (op == 2) run<f64, i16>(a, sa, b, sb, out, n);
  else run<f64, u16>(a, sa, b, sb, out, n);
}
