/**
 * `nn.init`: filling parameters in place under no-grad, from the seeded generator, with PyTorch's
 * formulas (`torch/nn/init.py`). Each writes into the tensor's own storage and returns the tensor.
 *
 * Signatures are PyTorch's in camelCase: its positional arguments stay positional, its keyword
 * arguments go in an options object (`xavierUniform_(w, { gain, generator })`). tsgrad's generator
 * is not PyTorch's, so the random fills have PyTorch's distributions but not its numbers.
 */
import { noGrad } from '../autograd/grad-mode';
import { isFloatDtype, type TypedArray } from '../dtype';
import { checkTensor } from '../ops/helpers';
import { checkNumber, checkOptions, describe } from '../options';
import { checkGenerator, defaultGenerator, type Generator } from '../random';
import { fmt } from '../shape';
import type { Tensor } from '../tensor';

/** The nonlinearities `calculateGain` knows, with PyTorch's spellings. */
export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'conv_transpose1d'
  | 'conv_transpose2d'
  | 'conv_transpose3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leaky_relu'
  | 'selu';

/** Which fan the kaiming fills scale by: PyTorch's 'fan_in' | 'fan_out' (any case), or 'fanIn' | 'fanOut'. */
export type FanMode = 'fan_in' | 'fan_out' | 'fanIn' | 'fanOut';

/**
 * The recommended gain for a nonlinearity (`nn.init.calculate_gain`). `param` is leaky_relu's
 * negative slope (default 0.01, also when null); the other nonlinearities ignore it.
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number | null): number {
  switch (nonlinearity) {
    case 'linear':
    case 'conv1d':
    case 'conv2d':
    case 'conv3d':
    case 'conv_transpose1d':
    case 'conv_transpose2d':
    case 'conv_transpose3d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.sqrt(2);
    case 'leaky_relu': {
      if (param !== undefined && param !== null && typeof param !== 'number') {
        throw new Error(`calculateGain: negative_slope ${describe(param)} not a valid number`);
      }
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4; // found empirically (pytorch/pytorch#50664)
    default:
      throw new Error(`calculateGain: Unsupported nonlinearity ${typeof nonlinearity === 'string' ? nonlinearity : describe(nonlinearity)}`);
  }
}

/** fan_in and fan_out of a weight [out, in, ...kernel] (`_calculate_fan_in_and_fan_out`). */
export function calculateFanInAndFanOut(t: Tensor): [number, number] {
  checkTensor(t, 'calculateFanInAndFanOut', 'tensor');
  return fans(t, 'calculateFanInAndFanOut');
}

function fans(t: Tensor, where: string): [number, number] {
  if (t.ndim < 2) throw new Error(`${where}: Fan in and fan out can not be computed for tensor with fewer than 2 dimensions (got shape ${fmt(t.shape)})`);
  let receptive = 1;
  for (let d = 2; d < t.ndim; d++) receptive *= t.shape[d];
  return [t.shape[1] * receptive, t.shape[0] * receptive];
}

/** Fills with U(a, b) (`nn.init.uniform_`). */
export function uniform_<T extends Tensor>(t: T, a = 0, b = 1, generator: Generator = defaultGenerator): T {
  checkTensor(t, 'uniform_', 'tensor');
  return noGrad(() => t.uniform_(a, b, generator));
}

/** Fills with N(mean, std^2) (`nn.init.normal_`). */
export function normal_<T extends Tensor>(t: T, mean = 0, std = 1, generator: Generator = defaultGenerator): T {
  checkTensor(t, 'normal_', 'tensor');
  return noGrad(() => t.normal_(mean, std, generator));
}

export interface TruncNormalOptions {
  /** Default 0. */
  mean?: number;
  /** Default 1. */
  std?: number;
  /** The lower cut-off, default -2. */
  a?: number;
  /** The upper cut-off, default 2. */
  b?: number;
  generator?: Generator;
}

/**
 * Fills with N(mean, std^2) truncated to [a, b] (`nn.init.trunc_normal_`), by PyTorch's two
 * rejection samplers: redrawing normals outside [a, b] when they fall inside often (probability
 * > 0.3), else uniform proposals on [a, b] accepted with probability pdf(x) / pdf(mode).
 */
export function truncNormal_<T extends Tensor>(t: T, options: TruncNormalOptions = {}): T {
  const where = 'truncNormal_';
  checkTensor(t, where, 'tensor');
  checkOptions(options, ['mean', 'std', 'a', 'b', 'generator'], where);
  const { mean = 0, std = 1, a = -2, b = 2 } = options;
  for (const [name, v] of [
    ['mean', mean],
    ['std', std],
  ] as const) {
    if (!Number.isFinite(checkNumber(v, where, name))) throw new Error(`${where}: ${name} must be a finite number, got ${describe(v)}`);
  }
  for (const [name, v] of [
    ['a', a],
    ['b', b],
  ] as const) {
    if (Number.isNaN(checkNumber(v, where, name))) throw new Error(`${where}: ${name} must be a number or +-Infinity, got NaN`);
  }
  if (std === 0) throw new Error(`${where}: std must not be 0 (PyTorch: float division by zero)`);
  const generator = checkGenerator(options.generator, where);
  checkFloat(t, where);
  if (mean < a - 2 * std || mean > b + 2 * std) {
    console.warn(`mean is more than 2 std from [a, b] in nn.init.${where}. The distribution of values may be incorrect.`);
  }
  const round = rounding(t);
  // NOTE: PyTorch compares with the bounds rounded to the tensor's dtype
  const lo = round(a);
  const hi = round(b);
  const p = normalCdf((b - mean) / std) - normalCdf((a - mean) / std);
  return noGrad(() => {
    if (p > 0.3) {
      if (!(std >= 0)) throw new Error(`${where}: normal expects std >= 0.0, but found std ${std}`);
      return overwrite(t, (data) => {
        for (let i = 0; i < data.length; i++) {
          let v: number;
          do v = round(mean + std * generator.normal());
          while (!(v >= lo && v <= hi));
          data[i] = v;
        }
      });
    }
    if (a > b) throw new Error(`${where}: uniform_ expects to return a [from, to) range, but found from=${a} > to=${b}`);
    if (!Number.isFinite(a) || !Number.isFinite(b)) {
      throw new Error(`${where}: ${Number.isFinite(a) ? 'to' : 'from'} is out of bounds for ${t.dtype} (the uniform proposal on [a, b] needs finite bounds)`);
    }
    const mode = Math.max(a, Math.min(mean, b));
    const logPeak = -0.5 * ((mode - mean) / std) ** 2;
    return overwrite(t, (data) => {
      for (let i = 0; i < data.length; i++) {
        let v: number;
        for (;;) {
          v = round(a + (b - a) * generator.uniform());
          // accept with probability pdf(v) / pdf(mode), in logs
          if (v >= lo && v <= hi && !(Math.log(generator.uniform()) > -0.5 * ((v - mean) / std) ** 2 - logPeak)) break;
        }
        data[i] = v;
      }
    });
  });
}

/** Fills with `val` (`nn.init.constant_`); integer tensors truncate it, as PyTorch's fill_ does. */
export function constant_<T extends Tensor>(t: T, val: number | boolean): T {
  checkTensor(t, 'constant_', 'tensor');
  if (typeof val !== 'number' && typeof val !== 'boolean') throw new Error(`constant_: val must be a number, got ${describe(val)}`);
  return noGrad(() => t.fill_(val));
}

/** Fills with 1 (`nn.init.ones_`). */
export function ones_<T extends Tensor>(t: T): T {
  checkTensor(t, 'ones_', 'tensor');
  return noGrad(() => t.fill_(1));
}

/** Fills with 0 (`nn.init.zeros_`). */
export function zeros_<T extends Tensor>(t: T): T {
  checkTensor(t, 'zeros_', 'tensor');
  return noGrad(() => t.zero_());
}

/** Fills a 2-D tensor with the identity (ones on the main diagonal), any dtype (`nn.init.eye_`). */
export function eye_<T extends Tensor>(t: T): T {
  checkTensor(t, 'eye_', 'tensor');
  if (t.ndim !== 2) throw new Error(`eye_: Only tensors with 2 dimensions are supported (got shape ${fmt(t.shape)})`);
  const [rows, cols] = t.shape;
  return overwrite(t, (data) => {
    data.fill(0);
    for (let i = 0; i < Math.min(rows, cols); i++) data[i * cols + i] = 1;
  });
}

/**
 * Fills a 3-, 4- or 5-D convolution weight with the Dirac delta, so the convolution keeps its
 * input's channels (`nn.init.dirac_`); with `groups`, each group of output channels does so.
 */
export function dirac_<T extends Tensor>(t: T, groups = 1): T {
  checkTensor(t, 'dirac_', 'tensor');
  const dims = t.ndim;
  if (dims < 3 || dims > 5) throw new Error(`dirac_: Only tensors with 3, 4, or 5 dimensions are supported (got shape ${fmt(t.shape)})`);
  if (typeof groups !== 'number' || !Number.isInteger(groups) || groups < 1)
    throw new Error(`dirac_: groups must be a whole number >= 1, got ${describe(groups)}`);
  const shape = t.shape;
  if (shape[0] % groups !== 0) throw new Error(`dirac_: dim 0 must be divisible by groups (dim 0 is ${shape[0]}, groups ${groups})`);
  const outPerGroup = shape[0] / groups;
  const minDim = Math.min(outPerGroup, shape[1]);
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((p, s) => p * s, 1));
  let centre = 0; // the offset of the kernel's centre, [k2 // 2, k3 // 2, k4 // 2]
  for (let d = 2; d < dims; d++) {
    if (minDim > 0 && shape[d] === 0) throw new Error(`dirac_: index 0 is out of bounds for dimension ${d} with size 0`);
    centre += Math.floor(shape[d] / 2) * strides[d];
  }
  return overwrite(t, (data) => {
    data.fill(0);
    for (let g = 0; g < groups; g++) for (let d = 0; d < minDim; d++) data[(g * outPerGroup + d) * strides[0] + d * strides[1] + centre] = 1;
  });
}

export interface XavierOptions {
  /** Scales the bound or std; default 1. */
  gain?: number;
  generator?: Generator;
}

/** std = gain * sqrt(2 / (fan_in + fan_out)), in PyTorch's order of operations. */
function xavierStd(t: Tensor, options: XavierOptions, where: string): [number, Generator] {
  checkTensor(t, where, 'tensor');
  checkOptions(options, ['gain', 'generator'], where);
  const gain = checkNumber(options.gain ?? 1, where, 'gain');
  const generator = checkGenerator(options.generator, where);
  const [fanIn, fanOut] = fans(t, where);
  if (fanIn + fanOut === 0) throw new Error(`${where}: float division by zero: fan_in + fan_out is 0 for shape ${fmt(t.shape)}`);
  return [gain * Math.sqrt(2 / (fanIn + fanOut)), generator];
}

/** Fills with U(-bound, bound), bound = gain * sqrt(6 / (fan_in + fan_out)) (`nn.init.xavier_uniform_`, Glorot & Bengio). */
export function xavierUniform_<T extends Tensor>(t: T, options: XavierOptions = {}): T {
  const [std, generator] = xavierStd(t, options, 'xavierUniform_');
  const bound = Math.sqrt(3) * std;
  return uniform_(t, -bound, bound, generator);
}

/** Fills with N(0, std^2), std = gain * sqrt(2 / (fan_in + fan_out)) (`nn.init.xavier_normal_`). */
export function xavierNormal_<T extends Tensor>(t: T, options: XavierOptions = {}): T {
  const [std, generator] = xavierStd(t, options, 'xavierNormal_');
  return normal_(t, 0, std, generator);
}

export interface KaimingOptions {
  /** The negative slope of the rectifier after this layer (leaky_relu only); default 0 (null: 0.01). */
  a?: number | null;
  /** 'fan_in' (default) keeps the forward pass's variance, 'fan_out' the backward's. */
  mode?: FanMode;
  /** Default 'leaky_relu' (with slope `a`). */
  nonlinearity?: Nonlinearity;
  generator?: Generator;
}

/** std = gain / sqrt(fan), or null for a zero-element tensor (a no-op, with PyTorch's warning). */
function kaimingStd(t: Tensor, options: KaimingOptions, where: string): [number | null, Generator] {
  checkTensor(t, where, 'tensor');
  checkOptions(options, ['a', 'mode', 'nonlinearity', 'generator'], where);
  const { a = 0, mode = 'fan_in', nonlinearity = 'leaky_relu' } = options;
  const generator = checkGenerator(options.generator, where);
  if (t.numel() === 0) {
    console.warn('Initializing zero-element tensors is a no-op');
    return [null, generator];
  }
  const m = mode === 'fanIn' ? 'fan_in' : mode === 'fanOut' ? 'fan_out' : typeof mode === 'string' ? mode.toLowerCase() : mode;
  if (m !== 'fan_in' && m !== 'fan_out') {
    throw new Error(`${where}: Mode ${typeof m === 'string' ? m : describe(m)} not supported, please use one of ['fan_in', 'fan_out']`);
  }
  const [fanIn, fanOut] = fans(t, where);
  const gain = calculateGain(nonlinearity, a);
  // NOTE: PyTorch's order of operations, so the bound is the same double
  return [gain / Math.sqrt(m === 'fan_in' ? fanIn : fanOut), generator];
}

/**
 * Fills with U(-bound, bound), bound = gain * sqrt(3 / fan) (`nn.init.kaiming_uniform_`, He et al.).
 * Linear's weight uses a = sqrt(5), so that bound = 1 / sqrt(inFeatures).
 */
export function kaimingUniform_<T extends Tensor>(t: T, options: KaimingOptions = {}): T {
  const [std, generator] = kaimingStd(t, options, 'kaimingUniform_');
  if (std === null) return t;
  const bound = Math.sqrt(3) * std;
  return uniform_(t, -bound, bound, generator);
}

/** Fills with N(0, std^2), std = gain / sqrt(fan) (`nn.init.kaiming_normal_`). */
export function kaimingNormal_<T extends Tensor>(t: T, options: KaimingOptions = {}): T {
  const [std, generator] = kaimingStd(t, options, 'kaimingNormal_');
  if (std === null) return t;
  return normal_(t, 0, std, generator);
}

export interface OrthogonalOptions {
  /** Scales the result; default 1. */
  gain?: number;
  generator?: Generator;
}

/**
 * Fills with a (semi-)orthogonal matrix (`nn.init.orthogonal_`, Saxe et al.): the Q of a normal
 * matrix's QR decomposition, with the signs of R's diagonal (so that Q is uniformly distributed),
 * times `gain`. The tensor is viewed as [size(0), the rest]; a wide one gets orthonormal rows. The
 * QR runs in float64 (Householder), whatever the tensor's dtype.
 */
export function orthogonal_<T extends Tensor>(t: T, options: OrthogonalOptions = {}): T {
  const where = 'orthogonal_';
  checkTensor(t, where, 'tensor');
  checkOptions(options, ['gain', 'generator'], where);
  const gain = checkNumber(options.gain ?? 1, where, 'gain');
  const generator = checkGenerator(options.generator, where);
  if (t.ndim < 2) throw new Error(`${where}: Only tensors with 2 or more dimensions are supported (got shape ${fmt(t.shape)})`);
  if (t.numel() === 0) return t;
  checkFloat(t, where);
  const rows = t.shape[0];
  const cols = t.numel() / rows;
  const flat = new Float64Array(rows * cols);
  generator.fillNormal(flat, 0, 1);
  const wide = rows < cols;
  const [m, n] = wide ? [cols, rows] : [rows, cols];
  const { q, rDiag } = householderQr(wide ? transposed(flat, rows, cols) : flat, m, n);
  // q *= sign(diag(r)) (Mezzadri, arXiv:math-ph/0609050)
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) q[i * n + j] *= Math.sign(rDiag[j]);
  const result = wide ? transposed(q, m, n) : q;
  const round = rounding(t);
  const g = round(gain);
  // the copy into the tensor, then mul_(gain), each in the tensor's dtype
  return overwrite(t, (data) => {
    for (let i = 0; i < data.length; i++) data[i] = round(result[i]) * g;
  });
}

export interface SparseOptions {
  /** The std of the normal the non-zero entries come from; default 0.01. */
  std?: number;
  generator?: Generator;
}

/**
 * Fills a 2-D tensor with N(0, std^2) and zeroes ceil(sparsity * rows) random entries of each
 * column (`nn.init.sparse_`, Martens 2010). The rows to zero come from `generator` too (PyTorch
 * takes them from its global generator).
 */
export function sparse_<T extends Tensor>(t: T, sparsity: number, options: SparseOptions = {}): T {
  const where = 'sparse_';
  checkTensor(t, where, 'tensor');
  checkNumber(sparsity, where, 'sparsity');
  checkOptions(options, ['std', 'generator'], where);
  const std = checkNumber(options.std ?? 0.01, where, 'std');
  const generator = checkGenerator(options.generator, where);
  if (t.ndim !== 2) throw new Error(`${where}: Only tensors with 2 dimensions are supported (got shape ${fmt(t.shape)})`);
  if (!Number.isFinite(sparsity)) throw new Error(`${where}: cannot convert float ${Number.isNaN(sparsity) ? 'NaN' : 'infinity'} to integer (sparsity)`);
  const [rows, cols] = t.shape;
  const numZeros = Math.ceil(sparsity * rows);
  // how many of a column's permuted rows Python's row_indices[:num_zeros] takes
  const count = numZeros >= 0 ? Math.min(numZeros, rows) : Math.max(rows + numZeros, 0);
  return noGrad(() => {
    t.normal_(0, std, generator);
    const data = t.data;
    for (let c = 0; c < cols; c++) {
      const perm = generator.permutation(rows);
      for (let i = 0; i < count; i++) data[perm[i] * cols + c] = 0;
    }
    return t;
  });
}

// ---- helpers ----

/** Runs `fill` on the tensor's storage as one in-place change (its version goes up, no graph). */
function overwrite<T extends Tensor>(t: T, fill: (data: TypedArray) => void): T {
  t._version.value++;
  fill(t.data);
  return t;
}

function checkFloat(t: Tensor, where: string): void {
  if (!isFloatDtype(t.dtype)) throw new Error(`${where}: only floating point tensors can be filled with random samples, this one is ${t.dtype}`);
}

/** Rounding to the tensor's float dtype. */
function rounding(t: Tensor): (x: number) => number {
  return t.dtype === 'float32' ? Math.fround : (x) => x;
}

/** The [cols, rows] transpose of a row-major [rows, cols] matrix. */
function transposed(a: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j];
  return out;
}

/**
 * The reduced QR decomposition of a row-major m x n matrix (m >= n) by Householder reflections, in
 * float64: Q (m x n, orthonormal columns) and R's diagonal. Each reflection H = I - 2 v v^T / v^T v
 * maps column k below the diagonal to beta e_k, with beta = -sign(alpha) |x| as LAPACK's dlarfg
 * chooses (no cancellation in alpha - beta).
 */
function householderQr(a: Float64Array, m: number, n: number): { q: Float64Array; rDiag: Float64Array } {
  const r = Float64Array.from(a);
  const vs: Float64Array[] = [];
  const vvs = new Float64Array(n);
  const rDiag = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const len = m - k;
    const v = new Float64Array(len);
    let norm2 = 0;
    for (let i = 0; i < len; i++) {
      const x = r[(k + i) * n + k];
      v[i] = x;
      norm2 += x * x;
    }
    vs.push(v);
    if (norm2 === 0) continue; // a zero column: H = I, R[k][k] = 0
    const alpha = v[0];
    const beta = alpha >= 0 ? -Math.sqrt(norm2) : Math.sqrt(norm2);
    v[0] = alpha - beta;
    let vv = 0;
    for (let i = 0; i < len; i++) vv += v[i] * v[i];
    vvs[k] = vv;
    rDiag[k] = beta;
    for (let j = k + 1; j < n; j++) {
      let dot = 0;
      for (let i = 0; i < len; i++) dot += v[i] * r[(k + i) * n + j];
      const s = (2 * dot) / vv;
      for (let i = 0; i < len; i++) r[(k + i) * n + j] -= s * v[i];
    }
  }
  // Q = H_0 H_1 ... H_{n-1} applied to the first n columns of I (H_k leaves columns j < k alone)
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * n + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const vv = vvs[k];
    if (vv === 0) continue;
    const v = vs[k];
    for (let j = k; j < n; j++) {
      let dot = 0;
      for (let i = 0; i < v.length; i++) dot += v[i] * q[(k + i) * n + j];
      const s = (2 * dot) / vv;
      for (let i = 0; i < v.length; i++) q[(k + i) * n + j] -= s * v[i];
    }
  }
  return { q, rDiag };
}

/**
 * Phi(x), the standard normal CDF, through erfc (Numerical Recipes' Chebyshev fit, relative error
 * below 1.2e-7): it only chooses truncNormal_'s sampler, so that is plenty.
 */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const tail =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - tail / 2 : tail / 2; // tail = erfc(|x| / sqrt 2)
}
