/** Raw elementwise loops on typed arrays. They know nothing of tensors or autograd. */
import type { FloatArray, TypedArray } from '../dtype';
import type { BinaryRun } from './broadcast';

// ---- binary runs (see broadcastBinary) ----

export const addRun: BinaryRun = (a, ai, sa, b, bi, sb, out, o, n) => {
  for (let i = 0; i < n; i++, ai += sa, bi += sb) out[o + i] = a[ai] + b[bi];
};
export const subRun: BinaryRun = (a, ai, sa, b, bi, sb, out, o, n) => {
  for (let i = 0; i < n; i++, ai += sa, bi += sb) out[o + i] = a[ai] - b[bi];
};
export const mulRun: BinaryRun = (a, ai, sa, b, bi, sb, out, o, n) => {
  for (let i = 0; i < n; i++, ai += sa, bi += sb) out[o + i] = a[ai] * b[bi];
};
export const divRun: BinaryRun = (a, ai, sa, b, bi, sb, out, o, n) => {
  for (let i = 0; i < n; i++, ai += sa, bi += sb) out[o + i] = a[ai] / b[bi];
};
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
