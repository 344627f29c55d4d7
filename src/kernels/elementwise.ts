/** Raw elementwise loops on typed arrays. They know nothing of tensors or autograd. */
import type { FloatArray, TypedArray } from '../dtype';
import type { BinaryRun } from './broadcast';

// ---- binary runs (see broadcastBinary) ----

/*
 * NOTE: the four arithmetic runs keep one loop per float type. V8 specialises a typed-array loop to
 * the array types it has seen: one loop fed float32, float64, int32 and bool arrays goes megamorphic
 * and reads every element through a generic path (mul of 320 float32 elements: ~0.9 us, against
 * 0.18 us in a loop that only ever sees Float32Array). Autograd's chains of small ops live on these
 * four; the other runs are one loop each.
 */
type Loop<A> = (a: A, ai: number, sa: number, b: A, bi: number, sb: number, out: A, o: number, n: number) => void;

/** The run that sends all-float32 and all-float64 operands to their own loops, anything else to `other`. */
function byFloatType(f32: Loop<Float32Array>, f64: Loop<Float64Array>, other: BinaryRun): BinaryRun {
  return (a, ai, sa, b, bi, sb, out, o, n) => {
    if (out instanceof Float32Array && a instanceof Float32Array && b instanceof Float32Array) f32(a, ai, sa, b, bi, sb, out, o, n);
    else if (out instanceof Float64Array && a instanceof Float64Array && b instanceof Float64Array) f64(a, ai, sa, b, bi, sb, out, o, n);
    else other(a, ai, sa, b, bi, sb, out, o, n);
  };
}

export const addRun: BinaryRun = byFloatType(
  (a, ai, sa, b, bi, sb, out, o, n) => {
    for (let i = 0; i < n; i++, ai += sa, bi += sb) out[o + i] = a[ai] + b[bi];
  },
  (a, ai, sa, b, bi, sb, out, o, n) => {
    for (let i = 0; i < n; i++, ai += sa, bi += sb) out[o + i] = a[ai] + b[bi];
  },
  (a, ai, sa, b, bi, sb, out, o, n) => {
    for (let i = 0; i < n; i++, ai += sa, bi += sb) out[o + i] = a[ai] + b[bi];
  },
);
export const subRun: BinaryRun = byFloatType(
  (a, ai, sa, b, bi, sb, out, o, n) => {
    for (let i = 0; i < n; i++, ai += sa, bi += sb) out[o + i] = a[ai] - b[bi];
  },
  (a, ai, sa, b, bi, sb, out, o, n) => {
    for (let i = 0; i < n; i++, ai += sa, bi += sb) out[o + i] = a[ai] - b[bi];
  },
  (a, ai, sa, b, bi, sb, out, o, n) => {
    for (let i = 0; i < n; i++, ai += sa, bi += sb) out[o + i] = a[ai] - b[bi];
  },
);
export const mulRun: BinaryRun = byFloatType(
  (a, ai, sa, b, bi, sb, out, o, n) => {
    for (let i = 0; i < n; i++, ai += sa, bi += sb) out[o + i] = a[ai] * b[bi];
  },
  (a, ai, sa, b, bi, sb, out, o, n) => {
    for (let i = 0; i < n; i++, ai += sa, bi += sb) out[o + i] = a[ai] * b[bi];
  },
  (a, ai, sa, b, bi, sb, out, o, n) => {
    for (let i = 0; i < n; i++, ai += sa, bi += sb) out[o + i] = a[ai] * b[bi];
  },
);
export const divRun: BinaryRun = byFloatType(
  (a, ai, sa, b, bi, sb, out, o, n) => {
    for (let i = 0; i < n; i++, ai += sa, bi += sb) out[o + i] = a[ai] / b[bi];
  },
  (a, ai, sa, b, bi, sb, out, o, n) => {
    for (let i = 0; i < n; i++, ai += sa, bi += sb) out[o + i] = a[ai] / b[bi];
  },
  (a, ai, sa, b, bi, sb, out, o, n) => {
    for (let i = 0; i < n; i++, ai += sa, bi += sb) out[o + i] = a[ai] / b[bi];
  },
);

/** The four arithmetic operations the kernel backends also run on float arrays (KernelBackend.arithmetic). */
export type ArithmeticOp = 'add' | 'sub' | 'mul' | 'div';

/** Their runs: the reference for KernelBackend.arithmetic, bit for bit. */
export const arithmeticRuns: Readonly<Record<ArithmeticOp, BinaryRun>> = { add: addRun, sub: subRun, mul: mulRun, div: divRun };

/** out[i] += x[i] over all of out (x at least as long): the engine's sum of two gradients. */
export function accumulate(out: TypedArray, x: TypedArray): void {
  if (out instanceof Float32Array && x instanceof Float32Array) accumulateF32(out, x);
  else if (out instanceof Float64Array && x instanceof Float64Array) accumulateF64(out, x);
  else for (let i = 0; i < out.length; i++) out[i] += x[i];
}
function accumulateF32(out: Float32Array, x: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] += x[i];
}
function accumulateF64(out: Float64Array, x: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i] += x[i];
}
export const powRun: BinaryRun = (a, ai, sa, b, bi, sb, out, o, n) => {
  for (let i = 0; i < n; i++, ai += sa, bi += sb) out[o + i] = cpow(a[ai], b[bi]);
};
export const eqRun: BinaryRun = (a, ai, sa, b, bi, sb, out, o, n) => {
  for (let i = 0; i < n; i++, ai += sa, bi += sb) out[o + i] = a[ai] === b[bi] ? 1 : 0;
};
export const neRun: BinaryRun = (a, ai, sa, b, bi, sb, out, o, n) => {
  for (let i = 0; i < n; i++, ai += sa, bi += sb) out[o + i] = a[ai] !== b[bi] ? 1 : 0;
};
export const gtRun: BinaryRun = (a, ai, sa, b, bi, sb, out, o, n) => {
  for (let i = 0; i < n; i++, ai += sa, bi += sb) out[o + i] = a[ai] > b[bi] ? 1 : 0;
};
export const ltRun: BinaryRun = (a, ai, sa, b, bi, sb, out, o, n) => {
  for (let i = 0; i < n; i++, ai += sa, bi += sb) out[o + i] = a[ai] < b[bi] ? 1 : 0;
};
export const geRun: BinaryRun = (a, ai, sa, b, bi, sb, out, o, n) => {
  for (let i = 0; i < n; i++, ai += sa, bi += sb) out[o + i] = a[ai] >= b[bi] ? 1 : 0;
};
export const leRun: BinaryRun = (a, ai, sa, b, bi, sb, out, o, n) => {
  for (let i = 0; i < n; i++, ai += sa, bi += sb) out[o + i] = a[ai] <= b[bi] ? 1 : 0;
};
export const logicalAndRun: BinaryRun = (a, ai, sa, b, bi, sb, out, o, n) => {
  for (let i = 0; i < n; i++, ai += sa, bi += sb) out[o + i] = a[ai] !== 0 && b[bi] !== 0 ? 1 : 0;
};

// ---- unary maps: out[i] = f(x[i]) ----

/** -1, 0 or 1 (NaN gives 0, as in PyTorch). */
export function sign(x: TypedArray, out: TypedArray): void {
  for (let i = 0; i < x.length; i++) out[i] = x[i] > 0 ? 1 : x[i] < 0 ? -1 : 0;
}
export function abs(x: TypedArray, out: TypedArray): void {
  for (let i = 0; i < x.length; i++) out[i] = Math.abs(x[i]);
}
export function exp(x: FloatArray, out: FloatArray): void {
  for (let i = 0; i < x.length; i++) out[i] = Math.exp(x[i]);
}
export function log(x: FloatArray, out: FloatArray): void {
  for (let i = 0; i < x.length; i++) out[i] = Math.log(x[i]);
}
export function sqrt(x: FloatArray, out: FloatArray): void {
  for (let i = 0; i < x.length; i++) out[i] = Math.sqrt(x[i]);
}
export function tanh(x: FloatArray, out: FloatArray): void {
  for (let i = 0; i < x.length; i++) out[i] = Math.tanh(x[i]);
}
/** x where x > 0, else 0; NaN propagates (PyTorch's relu is clamp_min(x, 0)). */
export function relu(x: TypedArray, out: TypedArray): void {
  for (let i = 0; i < x.length; i++) out[i] = x[i] > 0 || x[i] !== x[i] ? x[i] : 0;
}
/** 1 / (1 + e^-x), written so that neither branch overflows for large |x|. */
export function sigmoid(x: FloatArray, out: FloatArray): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v >= 0) {
      out[i] = 1 / (1 + Math.exp(-v));
    } else {
      const e = Math.exp(v);
      out[i] = e / (1 + e);
    }
  }
}
/**
 * a ** b as C's pow (which PyTorch uses), where it differs from Math.pow: 1 ** b = 1 for every b
 * (NaN included) and (-1) ** +-inf = 1.
 */
export function cpow(a: number, b: number): number {
  if (a === 1 || (a === -1 && (b === Infinity || b === -Infinity))) return 1;
  return Math.pow(a, b);
}
/** x ** p for a number p with PyTorch's special cases: 0.5 is sqrt and -0.5 is 1 / sqrt (so (-inf) ** 0.5 is NaN). */
export function powNumber(x: number, p: number): number {
  return p === 0.5 ? Math.sqrt(x) : p === -0.5 ? 1 / Math.sqrt(x) : cpow(x, p);
}
export function powScalar(x: FloatArray, p: number, out: FloatArray): void {
  if (p === 2) {
    for (let i = 0; i < x.length; i++) out[i] = x[i] * x[i];
  } else {
    for (let i = 0; i < x.length; i++) out[i] = powNumber(x[i], p);
  }
}
export function clamp(x: TypedArray, lo: number, hi: number, out: TypedArray): void {
  if (lo !== lo || hi !== hi) {
    out.fill(NaN); // a NaN bound makes every element NaN, as in PyTorch
    return;
  }
  for (let i = 0; i < x.length; i++) {
    const v = x[i] < lo ? lo : x[i];
    out[i] = v > hi ? hi : v; // NaN passes through, and lo > hi gives hi everywhere, as in PyTorch
  }
}

// ---- same-shape backward loops: out = g * f'(...) ----

/** g * y (exp: y = e^x) */
export function mulInto(g: FloatArray, y: FloatArray, out: FloatArray): void {
  for (let i = 0; i < g.length; i++) out[i] = g[i] * y[i];
}
/** g / x (log) */
export function divInto(g: FloatArray, x: FloatArray, out: FloatArray): void {
  for (let i = 0; i < g.length; i++) out[i] = g[i] / x[i];
}
/** g / (2 y) (sqrt: y = sqrt(x)) */
export function sqrtBackward(g: FloatArray, y: FloatArray, out: FloatArray): void {
  for (let i = 0; i < g.length; i++) out[i] = g[i] / (2 * y[i]);
}
/** g * sign(x) (abs) */
export function absBackward(g: FloatArray, x: FloatArray, out: FloatArray): void {
  for (let i = 0; i < g.length; i++) out[i] = x[i] > 0 ? g[i] : x[i] < 0 ? -g[i] : g[i] * 0; // g * 0: inf or NaN g gives NaN, as PyTorch
}
/** 0 where y <= 0, else g (relu, from its output y; 0 at 0, and g at NaN, as PyTorch's threshold_backward) */
export function reluBackward(g: FloatArray, x: FloatArray, out: FloatArray): void {
  for (let i = 0; i < g.length; i++) out[i] = x[i] <= 0 ? 0 : g[i];
}
/** g * y * (1 - y) (sigmoid: y = sigmoid(x)) */
export function sigmoidBackward(g: FloatArray, y: FloatArray, out: FloatArray): void {
  for (let i = 0; i < g.length; i++) out[i] = g[i] * y[i] * (1 - y[i]);
}
/** g * (1 - y^2) (tanh: y = tanh(x)) */
export function tanhBackward(g: FloatArray, y: FloatArray, out: FloatArray): void {
  for (let i = 0; i < g.length; i++) out[i] = g[i] * (1 - y[i] * y[i]);
}
/** g * p * x^(p-1) (pow by a number; p = 0 gives 0) */
export function powScalarBackward(g: FloatArray, x: FloatArray, p: number, out: FloatArray): void {
  if (p === 0) {
    out.fill(0);
  } else if (p === 2) {
    for (let i = 0; i < g.length; i++) out[i] = 2 * x[i] * g[i];
  } else {
    for (let i = 0; i < g.length; i++) out[i] = p * powNumber(x[i], p - 1) * g[i];
  }
}
/** g where lo <= x <= hi, else 0 (clamp; the bounds themselves pass the gradient, as in PyTorch) */
export function clampBackward(g: FloatArray, x: TypedArray, lo: number, hi: number, out: FloatArray): void {
  for (let i = 0; i < g.length; i++) out[i] = x[i] >= lo && x[i] <= hi ? g[i] : 0;
}

// ---- rounding: nearbyint and its kin (integer inputs pass through unchanged) ----

/** x rounded to the nearest integer, ties to even (C's nearbyint, which PyTorch's round uses). */
export function roundHalfEven(v: number): number {
  const r = Math.round(v); // ties go up here: undo that where the result is odd
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
export function floor(x: TypedArray, out: TypedArray): void {
  for (let i = 0; i < x.length; i++) out[i] = Math.floor(x[i]);
}
export function ceil(x: TypedArray, out: TypedArray): void {
  for (let i = 0; i < x.length; i++) out[i] = Math.ceil(x[i]);
}
export function trunc(x: TypedArray, out: TypedArray): void {
  for (let i = 0; i < x.length; i++) out[i] = Math.trunc(x[i]);
}
export function round(x: TypedArray, out: TypedArray): void {
  for (let i = 0; i < x.length; i++) out[i] = roundHalfEven(x[i]);
}
/**
 * round(x * 10^d) / 10^d (or round(x / 10^-d) * 10^-d for d < 0), as PyTorch's kernel, which works
 * in the tensor's own dtype: `f32` rounds every step to float32.
 */
export function roundDecimals(x: FloatArray, decimals: number, f32: boolean, out: FloatArray): void {
  const r = f32 ? Math.fround : (v: number): number => v;
  const scale = r(Math.pow(10, Math.abs(decimals)));
  if (decimals < 0) {
    for (let i = 0; i < x.length; i++) out[i] = roundHalfEven(r(x[i] / scale)) * scale;
  } else {
    for (let i = 0; i < x.length; i++) out[i] = roundHalfEven(r(x[i] * scale)) / scale;
  }
}
/** x - trunc(x), keeping x's sign (inf gives NaN, as in PyTorch). */
export function frac(x: FloatArray, out: FloatArray): void {
  for (let i = 0; i < x.length; i++) out[i] = x[i] - Math.trunc(x[i]);
}

// ---- powers, logarithms, trigonometry ----

export function reciprocal(x: FloatArray, out: FloatArray): void {
  for (let i = 0; i < x.length; i++) out[i] = 1 / x[i];
}
export function rsqrt(x: FloatArray, out: FloatArray): void {
  for (let i = 0; i < x.length; i++) out[i] = 1 / Math.sqrt(x[i]);
}
export function log1p(x: FloatArray, out: FloatArray): void {
  for (let i = 0; i < x.length; i++) out[i] = Math.log1p(x[i]);
}
export function expm1(x: FloatArray, out: FloatArray): void {
  for (let i = 0; i < x.length; i++) out[i] = Math.expm1(x[i]);
}
export function log2(x: FloatArray, out: FloatArray): void {
  for (let i = 0; i < x.length; i++) out[i] = Math.log2(x[i]);
}
export function log10(x: FloatArray, out: FloatArray): void {
  for (let i = 0; i < x.length; i++) out[i] = Math.log10(x[i]);
}
export function exp2(x: FloatArray, out: FloatArray): void {
  for (let i = 0; i < x.length; i++) out[i] = Math.pow(2, x[i]);
}
export function sin(x: FloatArray, out: FloatArray): void {
  for (let i = 0; i < x.length; i++) out[i] = Math.sin(x[i]);
}
export function cos(x: FloatArray, out: FloatArray): void {
  for (let i = 0; i < x.length; i++) out[i] = Math.cos(x[i]);
}
export function tan(x: FloatArray, out: FloatArray): void {
  for (let i = 0; i < x.length; i++) out[i] = Math.tan(x[i]);
}
export function asin(x: FloatArray, out: FloatArray): void {
  for (let i = 0; i < x.length; i++) out[i] = Math.asin(x[i]);
}
export function acos(x: FloatArray, out: FloatArray): void {
  for (let i = 0; i < x.length; i++) out[i] = Math.acos(x[i]);
}
export function atan(x: FloatArray, out: FloatArray): void {
  for (let i = 0; i < x.length; i++) out[i] = Math.atan(x[i]);
}
export function sinh(x: FloatArray, out: FloatArray): void {
  for (let i = 0; i < x.length; i++) out[i] = Math.sinh(x[i]);
}
export function cosh(x: FloatArray, out: FloatArray): void {
  for (let i = 0; i < x.length; i++) out[i] = Math.cosh(x[i]);
}
export function asinh(x: FloatArray, out: FloatArray): void {
  for (let i = 0; i < x.length; i++) out[i] = Math.asinh(x[i]);
}
export function acosh(x: FloatArray, out: FloatArray): void {
  for (let i = 0; i < x.length; i++) out[i] = Math.acosh(x[i]);
}
export function atanh(x: FloatArray, out: FloatArray): void {
  for (let i = 0; i < x.length; i++) out[i] = Math.atanh(x[i]);
}

// ---- the error function and its inverse, to float64 precision ----

const TWO_OVER_SQRT_PI = 1.1283791670955126; // 2 / sqrt(pi)
const INV_SQRT_PI = 0.5641895835477563; // 1 / sqrt(pi)

/** e^(-x^2) to about an ulp: x = z + (x - z) with z of 24 bits, so z^2 is exact and the rest is small. */
function expNegSquare(x: number): number {
  const z = Math.fround(x);
  return Math.exp(-z * z) * Math.exp(-(x - z) * (x + z));
}

// (-1)^n / (n! (2n + 1)), the Maclaurin coefficients of erf(x) sqrt(pi) / (2x) in powers of x^2
const ERF_TAYLOR = Array.from({ length: 14 }, (_, n) => {
  let c = 1 / (2 * n + 1);
  for (let j = 1; j <= n; j++) c /= -j;
  return c;
});

/** erf(x) for |x| < 0.5 from its Maclaurin series by Horner's rule (the 15th term, 0.25^14 / (14! 29), is below 1e-19). */
function erfSmall(x: number): number {
  const z = x * x;
  let p = ERF_TAYLOR[ERF_TAYLOR.length - 1];
  for (let n = ERF_TAYLOR.length - 2; n >= 0; n--) p = p * z + ERF_TAYLOR[n];
  return TWO_OVER_SQRT_PI * x * p;
}

// erfc at the anchors 0.625, 0.875, ..., 2.375 (mpmath, 40 digits, rounded to float64)
const ERFC_ANCHORS = [
  0.376759117811582, 0.21592493894014034, 0.11161176829829224, 0.051829927217909674, 0.021556266760016336, 0.00800994232988003, 0.0026540293594823415,
  0.0007829382178911192,
];

/**
 * erfc(x) for x >= 0.5, relative to its own size. On [0.5, 2.5): the Taylor series about the nearest
 * anchor x0 (|h| <= 1/8), from d^n/dx^n erfc(x) = (-1)^n 2/sqrt(pi) H_(n-1)(x) e^(-x^2) with the
 * Hermite polynomials H. From 2.5 on: the continued fraction
 * erfc(x) = e^(-x^2)/sqrt(pi) / (x + (1/2) / (x + 1 / (x + (3/2) / (x + ...)))), evaluated from the bottom.
 */
function erfcPositive(x: number): number {
  if (x < 2.5) {
    const k = Math.min(7, Math.max(0, Math.floor((x - 0.5) * 4)));
    const x0 = 0.625 + 0.25 * k;
    const h = x - x0;
    // erfc(x0 + h) = erfc(x0) + 2/sqrt(pi) e^(-x0^2) sum_(n>=1) (-h)^n / n! H_(n-1)(x0)
    let hPrev = 0;
    let hCur = 1; // H_(n-1), from H_0 = 1
    let r = -h; // (-h)^n / n!
    let s = 0;
    for (let n = 1; n < 40; n++) {
      const term = r * hCur;
      s += term;
      if (Math.abs(term) <= 1e-18 * Math.abs(s)) break;
      const hNext = 2 * x0 * hCur - 2 * (n - 1) * hPrev;
      hPrev = hCur;
      hCur = hNext;
      r *= -h / (n + 1);
    }
    return ERFC_ANCHORS[k] + TWO_OVER_SQRT_PI * Math.exp(-x0 * x0) * s;
  }
  if (x > 27.3) return x === x ? 0 : NaN; // below the smallest subnormal
  let t = x;
  for (let n = Math.ceil(12 + 200 / (x * x)); n >= 1; n--) t = x + n / 2 / t;
  if (x < 26) return (expNegSquare(x) * INV_SQRT_PI) / t;
  // the result is subnormal: halve the exponent so that rounding happens once, at the end
  const z = Math.fround(x);
  const half = Math.exp((-z * z) / 2);
  return ((half * INV_SQRT_PI * Math.exp(-(x - z) * (x + z))) / t) * half;
}

/** The error function erf(x), accurate to about an ulp. */
export function erfNumber(x: number): number {
  const a = Math.abs(x);
  if (a < 0.5) return erfSmall(x);
  if (a !== a) return NaN;
  const r = 1 - erfcPositive(a);
  return x < 0 ? -r : r;
}

/** The complementary error function erfc(x) = 1 - erf(x), accurate to about an ulp of erfc itself. */
export function erfcNumber(x: number): number {
  if (x !== x) return NaN;
  if (Math.abs(x) < 0.5) return 1 - erfSmall(x);
  return x > 0 ? erfcPositive(x) : 2 - erfcPositive(-x);
}

/**
 * The inverse error function, to float64 precision: Winitzki's closed-form guess (about 2e-3
 * relative), then Halley steps x -= u / (1 + x u) with u = f / f' (f'' / f' = -2x for both forms).
 * For |y| < 0.5 the steps solve erf(x) = |y|; above, erfc(x) = 1 - |y|, which is exact there, so the
 * result keeps its precision as y nears +-1.
 */
export function erfinvNumber(y: number): number {
  const a = Math.abs(y);
  if (!(a < 1)) return a === 1 ? y * Infinity : NaN;
  if (a === 0) return y; // keeps -0
  const c = 1 - a; // exact for a >= 0.5
  let x: number;
  if (a < 0.1) {
    x = a * 0.886226925452758 * (1 + 0.2617993877991494 * a * a); // sqrt(pi)/2 * a * (1 + pi/12 a^2)
  } else {
    const l = Math.log(c * (1 + a)); // ln(1 - a^2), without cancelling near a = 1
    const w = 4.330746750799873 + l / 2; // 2 / (pi * 0.147) + l / 2
    x = Math.sqrt(Math.sqrt(w * w - l / 0.147) - w);
  }
  for (let i = 0; i < 3; i++) {
    const u = a < 0.5 ? (erfNumber(x) - a) / (TWO_OVER_SQRT_PI * expNegSquare(x)) : (c - erfcNumber(x)) / (TWO_OVER_SQRT_PI * expNegSquare(x));
    x -= u / (1 + x * u);
  }
  return y < 0 ? -x : x;
}
export function erf(x: FloatArray, out: FloatArray): void {
  for (let i = 0; i < x.length; i++) out[i] = erfNumber(x[i]);
}
export function erfc(x: FloatArray, out: FloatArray): void {
  for (let i = 0; i < x.length; i++) out[i] = erfcNumber(x[i]);
}
export function erfinv(x: FloatArray, out: FloatArray): void {
  for (let i = 0; i < x.length; i++) out[i] = erfinvNumber(x[i]);
}

// ---- more binary runs: extremes, division with rounding, float binaries, bits and logic ----

/** max(a, b); NaN if either is NaN (torch.maximum). */
export const maximumRun: BinaryRun = (a, ai, sa, b, bi, sb, out, o, n) => {
  for (let i = 0; i < n; i++, ai += sa, bi += sb) out[o + i] = a[ai] !== a[ai] || b[bi] !== b[bi] ? NaN : a[ai] < b[bi] ? b[bi] : a[ai];
};
/** min(a, b); NaN if either is NaN (torch.minimum). */
export const minimumRun: BinaryRun = (a, ai, sa, b, bi, sb, out, o, n) => {
  for (let i = 0; i < n; i++, ai += sa, bi += sb) out[o + i] = a[ai] !== a[ai] || b[bi] !== b[bi] ? NaN : b[bi] < a[ai] ? b[bi] : a[ai];
};
/** max(a, b), the other one where one is NaN (C's fmax). */
export const fmaxRun: BinaryRun = (a, ai, sa, b, bi, sb, out, o, n) => {
  for (let i = 0; i < n; i++, ai += sa, bi += sb) out[o + i] = a[ai] !== a[ai] ? b[bi] : a[ai] < b[bi] ? b[bi] : a[ai];
};
/** min(a, b), the other one where one is NaN (C's fmin). */
export const fminRun: BinaryRun = (a, ai, sa, b, bi, sb, out, o, n) => {
  for (let i = 0; i < n; i++, ai += sa, bi += sb) out[o + i] = a[ai] !== a[ai] ? b[bi] : b[bi] < a[ai] ? b[bi] : a[ai];
};
export const atan2Run: BinaryRun = (a, ai, sa, b, bi, sb, out, o, n) => {
  for (let i = 0; i < n; i++, ai += sa, bi += sb) out[o + i] = Math.atan2(a[ai], b[bi]);
};
/** sqrt(a^2 + b^2) without overflow; inf if either is infinite, even with a NaN (C's hypot). */
export const hypotRun: BinaryRun = (a, ai, sa, b, bi, sb, out, o, n) => {
  for (let i = 0; i < n; i++, ai += sa, bi += sb) out[o + i] = Math.hypot(a[ai], b[bi]);
};
/** log(e^a + e^b) as max + log1p(e^-|a-b|), with a for a == b == +-inf (PyTorch's kernel). */
export const logaddexpRun: BinaryRun = (a, ai, sa, b, bi, sb, out, o, n) => {
  for (let i = 0; i < n; i++, ai += sa, bi += sb) {
    const x = a[ai];
    const y = b[bi];
    out[o + i] = x === y && (x === Infinity || x === -Infinity) ? x : (x < y ? y : x) + Math.log1p(Math.exp(-Math.abs(x - y)));
  }
};
/** a log(b), 0 where a == 0 unless b is NaN (PyTorch's xlogy). */
export const xlogyRun: BinaryRun = (a, ai, sa, b, bi, sb, out, o, n) => {
  for (let i = 0; i < n; i++, ai += sa, bi += sb) out[o + i] = b[bi] !== b[bi] ? NaN : a[ai] === 0 ? 0 : a[ai] * Math.log(b[bi]);
};
/** C's fmod (JavaScript's %): the remainder of a / b truncated, with a's sign. Integer b must not be 0. */
export const fmodRun: BinaryRun = (a, ai, sa, b, bi, sb, out, o, n) => {
  for (let i = 0; i < n; i++, ai += sa, bi += sb) out[o + i] = a[ai] % b[bi];
};
/** The remainder of a / b floored, with b's sign (Python's %). Integer b must not be 0. */
export const remainderRun: BinaryRun = (a, ai, sa, b, bi, sb, out, o, n) => {
  for (let i = 0; i < n; i++, ai += sa, bi += sb) {
    const m = a[ai] % b[bi];
    out[o + i] = m !== 0 && b[bi] < 0 !== m < 0 ? m + b[bi] : m;
  }
};
/** floor(a / b) of integers (exact: a / b of two int32s never rounds across an integer). b must not be 0. */
export const floorDivideIntRun: BinaryRun = (a, ai, sa, b, bi, sb, out, o, n) => {
  for (let i = 0; i < n; i++, ai += sa, bi += sb) out[o + i] = Math.floor(a[ai] / b[bi]);
};
/**
 * floor(a / b) of floats as PyTorch's div_floor_floating: (a - fmod(a, b)) / b, less 1 where the
 * remainder's sign differs from b's, rounded to the nearest integer; IEEE a / b where b == 0. `r`
 * rounds every step to the tensor's dtype (Math.fround for float32).
 */
export function floorDivideFloatRun(r: (v: number) => number): BinaryRun {
  return (a, ai, sa, b, bi, sb, out, o, n) => {
    for (let i = 0; i < n; i++, ai += sa, bi += sb) {
      const x = a[ai];
      const y = b[bi];
      if (y === 0) {
        out[o + i] = x / y;
        continue;
      }
      const mod = x % y;
      let div = r(r(x - mod) / y);
      if (mod !== 0 && y < 0 !== mod < 0) div = r(div - 1);
      if (div === 0) {
        out[o + i] = x / y < 0 || Object.is(x / y, -0) ? -0 : 0; // copysign(0, a / b)
      } else {
        const f = Math.floor(div);
        out[o + i] = r(div - f) > 0.5 ? f + 1 : f;
      }
    }
  };
}
export const bitwiseAndRun: BinaryRun = (a, ai, sa, b, bi, sb, out, o, n) => {
  for (let i = 0; i < n; i++, ai += sa, bi += sb) out[o + i] = a[ai] & b[bi];
};
export const bitwiseOrRun: BinaryRun = (a, ai, sa, b, bi, sb, out, o, n) => {
  for (let i = 0; i < n; i++, ai += sa, bi += sb) out[o + i] = a[ai] | b[bi];
};
export const bitwiseXorRun: BinaryRun = (a, ai, sa, b, bi, sb, out, o, n) => {
  for (let i = 0; i < n; i++, ai += sa, bi += sb) out[o + i] = a[ai] ^ b[bi];
};
/**
 * a << b as PyTorch's int64 (tsgrad's int32 stands for it): 0 for b < 0 or b >= 64, bits beyond 64
 * dropped. `out` must be a Float64Array: the caller checks that every result fits int32.
 */
export const leftShiftRun: BinaryRun = (a, ai, sa, b, bi, sb, out, o, n) => {
  for (let i = 0; i < n; i++, ai += sa, bi += sb) {
    const s = b[bi];
    if (s < 0 || s >= 64) {
      out[o + i] = 0;
      continue;
    }
    const v = a[ai] * 2 ** s; // exact: |a| < 2^31
    out[o + i] = v >= -(2 ** 63) && v < 2 ** 63 ? v : Number(BigInt.asIntN(64, BigInt(a[ai]) << BigInt(s)));
  }
};
/** a >> b (arithmetic) as PyTorch's int64: the sign (0 or -1) for b < 0 or b >= 63. */
export const rightShiftRun: BinaryRun = (a, ai, sa, b, bi, sb, out, o, n) => {
  for (let i = 0; i < n; i++, ai += sa, bi += sb) {
    const s = b[bi];
    out[o + i] = Math.floor(a[ai] / 2 ** (s < 0 || s >= 63 ? 63 : s));
  }
};
export const logicalOrRun: BinaryRun = (a, ai, sa, b, bi, sb, out, o, n) => {
  for (let i = 0; i < n; i++, ai += sa, bi += sb) out[o + i] = a[ai] !== 0 || b[bi] !== 0 ? 1 : 0;
};
export const logicalXorRun: BinaryRun = (a, ai, sa, b, bi, sb, out, o, n) => {
  for (let i = 0; i < n; i++, ai += sa, bi += sb) out[o + i] = (a[ai] !== 0) !== (b[bi] !== 0) ? 1 : 0;
};

// ---- fused multiply-add, which PyTorch's lerp kernels use ----

const FMA_BITS = new Float64Array(1);
const FMA_WORDS = new Uint32Array(FMA_BITS.buffer); // [low, high] on little-endian hosts (all that Node runs on)

/** x + y rounded to odd (to the neighbour with an odd last bit when inexact), for exact double rounding. */
function addRoundToOdd(x: number, y: number): number {
  const s = x + y;
  if (!Number.isFinite(s)) return s;
  const v = s - x;
  const err = x - (s - v) + (y - v); // x + y - s exactly (TwoSum)
  FMA_BITS[0] = s;
  if (err === 0 || (FMA_WORDS[0] & 1) === 1) return s;
  // even last bit and inexact: step one ulp toward the exact sum (s is not 0: a sum that rounds to 0 is exact)
  if (err > 0 === s > 0) {
    FMA_WORDS[0] += 1; // away from zero; an even low word cannot carry
  } else if (FMA_WORDS[0] === 0) {
    FMA_WORDS[0] = 0xffffffff;
    FMA_WORDS[1] -= 1;
  } else {
    FMA_WORDS[0] -= 1;
  }
  return FMA_BITS[0];
}

/** a * b + c rounded once to float32 (a, b, c float32): the product is exact in float64, the sum rounded to odd then to float32. */
export function fma32(a: number, b: number, c: number): number {
  return Math.fround(addRoundToOdd(a * b, c));
}

const SPLIT = 134217729; // 2^27 + 1, Veltkamp's splitter

/**
 * a * b + c rounded once to float64 (Boldo and Melquiond's emulation: the exact product by Dekker's
 * algorithm, an exact sum, rounding to odd). Where a split could overflow or the terms are not finite,
 * a * b + c with two roundings.
 */
export function fma64(a: number, b: number, c: number): number {
  const p = a * b;
  if (!Number.isFinite(p) || !Number.isFinite(c) || Math.abs(a) > 1e290 || Math.abs(b) > 1e290 || (p !== 0 && Math.abs(p) < 1e-290)) return p + c;
  const as = SPLIT * a;
  const ah = as - (as - a);
  const al = a - ah;
  const bs = SPLIT * b;
  const bh = bs - (bs - b);
  const bl = b - bh;
  const pErr = ah * bh - p + ah * bl + al * bh + al * bl; // a * b - p exactly
  const t = c + p;
  const v = t - c;
  const tErr = c - (t - v) + (p - v); // c + p - t exactly
  return t + addRoundToOdd(tErr, pErr);
}

/**
 * lerp as PyTorch's kernels compute it, with a fused multiply-add (x86 builds fuse the scalar loop
 * too): fma(weight, end - start, start) for |weight| < 0.5, else fma(weight - 1, end - start, end),
 * so lerp(a, b, 1) is b exactly. `f32` rounds every step to float32.
 */
export function lerp(start: FloatArray, end: FloatArray, weight: FloatArray, f32: boolean, out: FloatArray): void {
  const r = f32 ? Math.fround : (v: number): number => v;
  const fma = f32 ? fma32 : fma64;
  for (let i = 0; i < out.length; i++) {
    const s = start[i];
    const e = end[i];
    const w = weight[i];
    const d = r(e - s);
    out[i] = Math.abs(w) < 0.5 ? fma(w, d, s) : fma(r(w - 1), d, e);
  }
}

// ---- tests and replacements of special values, logical and bitwise not (out may be bool) ----

export function isnan(x: TypedArray, out: TypedArray): void {
  for (let i = 0; i < x.length; i++) out[i] = x[i] !== x[i] ? 1 : 0;
}
export function isinf(x: TypedArray, out: TypedArray): void {
  for (let i = 0; i < x.length; i++) out[i] = x[i] === Infinity || x[i] === -Infinity ? 1 : 0;
}
export function isfinite(x: TypedArray, out: TypedArray): void {
  for (let i = 0; i < x.length; i++) out[i] = Number.isFinite(x[i]) ? 1 : 0;
}
/** 1 where x is 0 (NaN counts as true, so gives 0). */
export function logicalNot(x: TypedArray, out: TypedArray): void {
  for (let i = 0; i < x.length; i++) out[i] = x[i] === 0 ? 1 : 0;
}
/** ~x for integers, !x for bools. */
export function bitwiseNot(x: TypedArray, out: TypedArray, isBool: boolean): void {
  if (isBool) {
    for (let i = 0; i < x.length; i++) out[i] = x[i] ? 0 : 1;
  } else {
    for (let i = 0; i < x.length; i++) out[i] = ~x[i];
  }
}
/** x with NaN, +inf and -inf replaced by the given numbers. */
export function nanToNum(x: FloatArray, nan: number, posinf: number, neginf: number, out: FloatArray): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    out[i] = v !== v ? nan : v === Infinity ? posinf : v === -Infinity ? neginf : v;
  }
}
