/**
 * Python's arithmetic where JavaScript's differs, so the schedulers compute PyTorch's numbers:
 * floor modulo and floor division, `bisect_right`, division by zero as an Error (Python raises
 * ZeroDivisionError where JS gives Infinity or NaN), and `cos`, `log` and `pow` correctly rounded.
 *
 * NOTE: V8's Math.cos / Math.log / Math.pow (fdlibm) differ from glibc's, which CPython calls, in the
 * last bit for a few percent of arguments (cos about 3%, pow with an integer exponent about 10%).
 * That matters near cos(x) = -1, where `1 + cos(x)` cancels: a cosine schedule near its minimum would
 * be off by 1e-13 relative. glibc's results are within a hair of correct rounding (they differ from
 * it for about 0.1% of arguments), so the functions here compute in double-double (about 106 bits)
 * and round once, which reproduces glibc's numbers for all but those few arguments.
 */

/** Python's `a % b` for numbers: the result has the sign of `b`; an Error for `b == 0`. */
export function pyMod(a: number, b: number, where: string): number {
  if (b === 0) throw new Error(`${where}: modulo by zero`);
  const m = a % b;
  if (m !== 0) return m < 0 !== b < 0 ? m + b : m;
  return b < 0 ? -0 : 0;
}

/** Python's `a // b` for whole numbers (floor division); an Error for `b == 0`. */
export function pyFloorDiv(a: number, b: number, where: string): number {
  return (a - pyMod(a, b, where)) / b;
}

/** Python's `a / b`: an Error where Python raises ZeroDivisionError. */
export function pyDiv(a: number, b: number, where: string): number {
  if (b === 0) throw new Error(`${where}: float division by zero`);
  return a / b;
}

/** Python's `bisect.bisect_right(list, x)`: the same binary search, so an unsorted list gives Python's answer too. */
export function bisectRight(list: readonly number[], x: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x < list[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** `base ** exponent` for whole numbers, exactly (Python's int power), while the result stays below 2^53. */
export function intPow(base: number, exponent: number): number {
  let out = 1;
  for (let i = 0; i < exponent; i++) out *= base;
  return out;
}

// ---- double-double arithmetic: a value is hi + lo with |lo| <= ulp(hi) / 2 ----

type DD = readonly [number, number];

const SPLITTER = 134217729; // 2^27 + 1

function twoSum(a: number, b: number): DD {
  const s = a + b;
  const bb = s - a;
  return [s, a - (s - bb) + (b - bb)];
}

function quickTwoSum(a: number, b: number): DD {
  const s = a + b;
  return [s, b - (s - a)];
}

/** a * b exactly, as hi + lo (Dekker's product; there is no fused multiply-add in JS). */
function twoProd(a: number, b: number): DD {
  const p = a * b;
  let t = SPLITTER * a;
  const ahi = t - (t - a);
  const alo = a - ahi;
  t = SPLITTER * b;
  const bhi = t - (t - b);
  const blo = b - bhi;
  return [p, ahi * bhi - p + ahi * blo + alo * bhi + alo * blo];
}

function add(a: DD, b: DD): DD {
  const s = twoSum(a[0], b[0]);
  const t = twoSum(a[1], b[1]);
  const u = quickTwoSum(s[0], s[1] + t[0]);
  return quickTwoSum(u[0], u[1] + t[1]);
}

const neg = (a: DD): DD => [-a[0], -a[1]];

function mul(a: DD, b: DD): DD {
  const p = twoProd(a[0], b[0]);
  return quickTwoSum(p[0], p[1] + (a[0] * b[1] + a[1] * b[0]));
}

function mulNumber(a: DD, b: number): DD {
  const p = twoProd(a[0], b);
  return quickTwoSum(p[0], p[1] + a[1] * b);
}

function div(a: DD, b: DD): DD {
  const q1 = a[0] / b[0];
  let r = add(a, neg(mul(b, [q1, 0])));
  const q2 = r[0] / b[0];
  r = add(r, neg(mul(b, [q2, 0])));
  const q3 = r[0] / b[0];
  return add(quickTwoSum(q1, q2), [q3, 0]);
}

// pi/2 and ln 2 as sums of doubles, each the remainder of the ones before (about 200 and 150 bits)
const PIO2 = [1.5707963267948966, 6.123233995736766e-17, -1.4973849048591698e-33, 5.562271104316826e-50];
const LN2 = [0.6931471805599453, 2.3190468138462996e-17, 5.707708438416212e-34];

/**
 * x - k * (sum of parts), for a whole k below 2^30: each product is exact, and subtracting them one by
 * one, largest first, keeps the low parts' bits after the cancellation (Cody and Waite's reduction).
 */
function subtractMultiple(x: DD, parts: readonly number[], k: number): DD {
  let out = x;
  for (const p of parts) out = add(out, neg(twoProd(k, p)));
  return out;
}

// 1 / (2n + 1) for the atanh series of log
const ODD_RECIPROCALS: DD[] = Array.from({ length: 24 }, (_, n) => div([1, 0], [2 * n + 1, 0]));

/** cos(r) or sin(r) for |r| <= pi/4 + a little: Taylor series by Horner, to r^32 (terms below 2^-110). */
function cosSinReduced(r: DD, sine: boolean): DD {
  const r2 = mul(r, r);
  let t: DD = [1, 0];
  for (let n = 16; n >= 1; n--) {
    const d = sine ? 2 * n * (2 * n + 1) : (2 * n - 1) * (2 * n);
    t = add([1, 0], neg(div(mul(r2, t), [d, 0])));
  }
  return sine ? mul(r, t) : t;
}

/** cos(x), correctly rounded (as glibc's, bar about 0.1% of arguments); |x| above 2^28 falls back to Math.cos. */
export function cos(x: number): number {
  if (!Number.isFinite(x)) return NaN;
  if (Math.abs(x) > 2 ** 28) return Math.cos(x);
  const k = Math.round(x * 0.6366197723675814); // x / (pi/2), nearest
  const r = subtractMultiple([x, 0], PIO2, k); // |r| <= pi/4 (+ rounding), to ~2^-106 relative
  switch (((k % 4) + 4) % 4) {
    case 0:
      return cosSinReduced(r, false)[0];
    case 1:
      return -cosSinReduced(r, true)[0];
    case 2:
      return -cosSinReduced(r, false)[0];
    default:
      return cosSinReduced(r, true)[0];
  }
}

/** ln(x) in double-double, for finite x > 0: x = m 2^e with m in [sqrt(1/2), sqrt(2)), ln m = 2 atanh((m-1)/(m+1)). */
function logDD(x: number): DD {
  let e = 0;
  if (x < 2 ** -1000) {
    x *= 2 ** 100; // subnormal: scale up first, so 2^-e below stays finite
    e = -100;
  }
  let p = Math.floor(Math.log2(x));
  let m = x * 2 ** -p;
  while (m >= Math.SQRT2) {
    m /= 2;
    p++;
  }
  while (m < Math.SQRT1_2) {
    m *= 2;
    p--;
  }
  e += p;
  const s = div([m - 1, 0], twoSum(m, 1)); // m - 1 is exact here
  const s2 = mul(s, s);
  let t = ODD_RECIPROCALS[ODD_RECIPROCALS.length - 1];
  for (let n = ODD_RECIPROCALS.length - 2; n >= 0; n--) t = add(ODD_RECIPROCALS[n], mul(s2, t));
  return add(neg(subtractMultiple([0, 0], LN2, e)), mulNumber(mul(s, t), 2));
}

/** ln(x), correctly rounded (Python's math.log, bar about 0.03% of arguments). */
export function log(x: number): number {
  if (Number.isNaN(x) || x < 0) return NaN;
  if (x === 0) return -Infinity;
  if (x === Infinity) return Infinity;
  return logDD(x)[0];
}

/** e^z for a double-double z with |z| < 708: z = k ln2 + r, e^r by Taylor on r / 512, squared 9 times. */
function expDD(z: DD): DD {
  const k = Math.round(z[0] / LN2[0]);
  const r = subtractMultiple(z, LN2, k);
  const small: DD = [r[0] / 512, r[1] / 512];
  let t: DD = [1, 0];
  for (let n = 11; n >= 1; n--) t = add([1, 0], div(mul(small, t), [n, 0]));
  for (let i = 0; i < 9; i++) t = mul(t, t);
  // scaling by 2^k is exact in the normal range, which |z| < 708 keeps us in
  const scale = 2 ** k;
  return quickTwoSum(t[0] * scale, t[1] * scale);
}

const bits = new DataView(new ArrayBuffer(8));

/** The next double after finite x > 0, up or down. */
function neighbour(x: number, up: boolean): number {
  bits.setFloat64(0, x);
  bits.setBigUint64(0, bits.getBigUint64(0) + (up ? 1n : -1n));
  return bits.getFloat64(0);
}

/** Whether hi + lo is so near a midpoint between two doubles that an error of 2^-85 relative could round it either way. */
function nearMidpoint(v: DD): boolean {
  const [hi, lo] = v;
  if (lo === 0 || !(Math.abs(hi) > 2 ** -1000)) return false;
  const halfGap = Math.abs(neighbour(Math.abs(hi), lo > 0 === hi > 0) - Math.abs(hi)) / 2;
  return Math.abs(Math.abs(lo) - halfGap) <= 2 ** -85 * Math.abs(hi);
}

/** x = m 2^e with m a whole number below 2^53, for finite x > 0. */
function decompose(x: number): [bigint, number] {
  bits.setFloat64(0, x);
  const word = bits.getBigUint64(0);
  const exponent = Number((word >> 52n) & 0x7ffn);
  const mantissa = word & 0xfffffffffffffn;
  return exponent === 0 ? [mantissa, -1074] : [mantissa | (1n << 52n), exponent - 1075];
}

/** m 2^e (m > 0, plus something below its last bit if `sticky`) rounded to the nearest double, ties to even; NaN outside the normal range. */
function roundExact(m: bigint, e: number, sticky: boolean): number {
  const shift = m.toString(2).length - 53;
  if (shift <= 0) return Math.abs(e) < 960 && !sticky ? Number(m) * 2 ** e : NaN;
  const q = m >> BigInt(shift);
  const rest = m - (q << BigInt(shift));
  const half = 1n << BigInt(shift - 1);
  const up = rest > half || (rest === half && (sticky || (q & 1n) === 1n));
  const scale = e + shift;
  return Math.abs(scale) < 960 ? Number(up ? q + 1n : q) * 2 ** scale : NaN;
}

/**
 * x^n exactly rounded, for finite x > 0 and a whole n with 2 <= |n| <= 4096, by whole-number
 * arithmetic: x^n of a short x can lie on a midpoint to within double-double's precision (0.75 +
 * 2^-53 squared is 2^-106 above one), and glibc, like Python, rounds those correctly.
 */
function integerPowExact(x: number, n: number): number {
  const [m, e] = decompose(x);
  const power = m ** BigInt(Math.abs(n));
  if (n > 0) return roundExact(power, e * n, false);
  // 1 / (m^|n| 2^(e|n|)) = (2^k / m^|n|) 2^(-k - e|n|), with 2^k / m^|n| to 55 bits or more
  const k = power.toString(2).length + 55;
  const numerator = 1n << BigInt(k);
  return roundExact(numerator / power, -k - e * Math.abs(n), numerator % power !== 0n);
}

/**
 * Python's `base ** exponent` for floats, correctly rounded (as glibc's pow, bar about 0.1% of
 * arguments). Where Python raises (0 to a negative power, a negative base to a fractional power,
 * whose result is complex) this throws.
 */
export function pow(base: number, exponent: number, where: string): number {
  if (exponent === 0 || base === 1) return 1;
  if (Number.isNaN(base) || Number.isNaN(exponent)) return NaN;
  const odd = Number.isInteger(exponent) && Math.abs(exponent) < 2 ** 53 && Math.abs(exponent % 2) === 1;
  if (base === 0) {
    if (exponent < 0) throw new Error(`${where}: 0.0 cannot be raised to a negative power`);
    return odd ? base : 0;
  }
  if (base === -1 && !Number.isFinite(exponent)) return 1;
  if (!Number.isFinite(base) || !Number.isFinite(exponent)) return Math.pow(base, exponent);
  if (base < 0) {
    if (!Number.isInteger(exponent)) throw new Error(`${where}: a negative number cannot be raised to a fractional power (${base} ** ${exponent})`);
    const magnitude = pow(-base, exponent, where);
    return odd ? -magnitude : magnitude;
  }
  const z = mulNumber(logDD(base), exponent);
  if (Math.abs(z[0]) >= 708) return Math.pow(base, exponent); // overflow or the subnormal range
  const result = expDD(z);
  if (nearMidpoint(result) && Number.isInteger(exponent) && Math.abs(exponent) >= 2 && Math.abs(exponent) <= 4096) {
    const exact = integerPowExact(base, exponent);
    if (!Number.isNaN(exact)) return exact;
  }
  return result[0];
}
