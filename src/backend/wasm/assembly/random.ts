/*
 * Dropout's masks: seedrandom's Alea, the generator behind src/random.ts's `Generator.uniform()`,
 * stepped in integers. Alea keeps s0, s1, s2 as multiples of 2^-32 and a carry c < 2^21, and a step
 * is t = 2091639 s0 + c 2^-32, c = floor(t), s = t - c in float64, where every value is exact (the
 * integer 2091639 S + c, S = s 2^32, stays below 2^53). So it is the multiply-with-carry
 * X = 2091639 S + c, c = X >> 32, S = X mod 2^32 on integers, with the same bits; and a chain of an
 * integer multiply-add and a shift per step instead of float64 conversions, multiplies and adds.
 * `uniform()` is two steps, high + floor(low 2^21) 2^-53 (high, low: the two new s), also exact.
 */

const MULTIPLIER: u64 = 2091639;
const TWO_POW_32: f64 = 4294967296;
const TWO_POW_MINUS_32: f64 = 2.3283064365386963e-10;
const TWO_POW_MINUS_53: f64 = 1.1102230246251565e-16;

/**
 * out[i] = value for each i in order whose draw of uniform() is below p, the others left as they
 * are; `state` holds the generator's [c, s0, s1, s2] (float64) and is advanced past the n draws.
 */
// @ts-ignore: decorator
@inline function bernoulliFill<T>(state: usize, out: usize, n: i32, p: f64, value: T): void {
  let c = <u64>load<f64>(state);
  let s0 = <u64>(load<f64>(state, 8) * TWO_POW_32);
  let s1 = <u64>(load<f64>(state, 16) * TWO_POW_32);
  let s2 = <u64>(load<f64>(state, 24) * TWO_POW_32);
  for (let i = 0; i < n; i++) {
    const x = MULTIPLIER * s0 + c;
    c = x >> 32;
    const high = x & 0xffffffff;
    const y = MULTIPLIER * s1 + c;
    c = y >> 32;
    const low = y & 0xffffffff;
    s0 = s2;
    s1 = high;
    s2 = low;
    const u = <f64>high * TWO_POW_MINUS_32 + <f64>(low >> 11) * TWO_POW_MINUS_53;
    const at = out + (<usize>i << alignof<T>());
    store<T>(at, select<T>(value, load<T>(at), u < p));
  }
  store<f64>(state, <f64>c);
  store<f64>(state, <f64>s0 * TWO_POW_MINUS_32, 8);
  store<f64>(state, <f64>s1 * TWO_POW_MINUS_32, 16);
  store<f64>(state, <f64>s2 * TWO_POW_MINUS_32, 24);
}

export function bernoulliFillF32(state: usize, out: usize, n: i32, p: f64, value: f32): void {
  bernoulliFill<f32>(state, out, n, p, value);
}

export function bernoulliFillF64(state: usize, out: usize, n: i32, p: f64, value: f64): void {
  bernoulliFill<f64>(state, out, n, p, value);
}
