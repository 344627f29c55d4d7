/*
 * out[i] = a[i] op b[i] for add, sub, mul and div, float32 and float64, where each of a and b is
 * either an array (step 1) or one value used for every i (step 0): KernelBackend.arithmetic. One
 * IEEE operation per element in out's type, which is what the TS runs give (float64 arithmetic on
 * float32 values, rounded once, is the correctly rounded float32 result for these four).
 */

/** The operations, as KernelBackend.arithmetic's op is passed in (src/backend/wasm/backend.ts ARITHMETIC_CODES). */
const ADD: i32 = 0;
const SUB: i32 = 1;
const MUL: i32 = 2;

// @ts-ignore: decorator
@inline function vop<T>(op: i32, x: v128, y: v128): v128 {
  if (sizeof<T>() == 4) return op == ADD ? f32x4.add(x, y) : op == SUB ? f32x4.sub(x, y) : op == MUL ? f32x4.mul(x, y) : f32x4.div(x, y);
  return op == ADD ? f64x2.add(x, y) : op == SUB ? f64x2.sub(x, y) : op == MUL ? f64x2.mul(x, y) : f64x2.div(x, y);
}

// @ts-ignore: decorator
@inline function sop<T>(op: i32, x: T, y: T): T {
  return op == ADD ? x + y : op == SUB ? x - y : op == MUL ? x * y : x / y;
}

// @ts-ignore: decorator
@inline function splat<T>(p: usize): v128 {
  return sizeof<T>() == 4 ? v128.load32_splat(p) : v128.load64_splat(p);
}

/** One operation's loop (op a constant after inlining), for each pair of steps. */
// @ts-ignore: decorator
@inline function run<T>(op: i32, a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void {
  const es = <usize>sizeof<T>();
  const lanes = 16 / <i32>es;
  const end = <usize>(n - n % lanes) * es;
  const bytes = <usize>n * es;
  let i: usize = 0;
  if (sa && sb) {
    for (; i < end; i += 16) v128.store(out + i, vop<T>(op, v128.load(a + i), v128.load(b + i)));
    for (; i < bytes; i += es) store<T>(out + i, sop<T>(op, load<T>(a + i), load<T>(b + i)));
  } else if (sa) {
    const y = splat<T>(b), ys = load<T>(b);
    for (; i < end; i += 16) v128.store(out + i, vop<T>(op, v128.load(a + i), y));
    for (; i < bytes; i += es) store<T>(out + i, sop<T>(op, load<T>(a + i), ys));
  } else if (sb) {
    const x = splat<T>(a), xs = load<T>(a);
    for (; i < end; i += 16) v128.store(out + i, vop<T>(op, x, v128.load(b + i)));
    for (; i < bytes; i += es) store<T>(out + i, sop<T>(op, xs, load<T>(b + i)));
  } else {
    const v = sop<T>(op, load<T>(a), load<T>(b));
    for (; i < bytes; i += es) store<T>(out + i, v);
  }
}

// @ts-ignore: decorator
@inline function arithmetic<T>(op: i32, a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void {
  if (op == ADD) run<T>(ADD, a, sa, b, sb, out, n);
  else if (op == SUB) run<T>(SUB, a, sa, b, sb, out, n);
  else if (op == MUL) run<T>(MUL, a, sa, b, sb, out, n);
  else run<T>(3, a, sa, b, sb, out, n);
}

export function arithmeticF32(op: i32, a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void {
  arithmetic<f32>(op, a, sa, b, sb, out, n);
}

export function arithmeticF64(op: i32, a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void {
  arithmetic<f64>(op, a, sa, b, sb, out, n);
}
