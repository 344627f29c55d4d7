/**
 * `torch.linalg`: vectorNorm, matrixNorm, norm, and cross. vectorNorm is a primitive with
 * PyTorch's gradient formulas (made of ops); matrixNorm composes it with amax / amin (PyTorch's
 * composition, so that the printed grad_fns match) and, for the spectral and nuclear norms, the
 * singular values from a one-sided Jacobi SVD.
 */
import { Node } from '../autograd/node';
import { isGradEnabled } from '../autograd/grad-mode';
import { needsGrad, record } from '../autograd/record';
import { type FloatDType, isFloatDtype } from '../dtype';
import { checkBoolean, checkOptions, describe } from '../options';
import { fmt, normalizeDim, type Shape } from '../shape';
import type { Tensor } from '../tensor';
import { div, eq, mul, where } from './binary';
import { cast, checkTensor, zerosOf } from './helpers';
import { permute, reshape, transpose, unsqueeze } from './layout';
import { matmul } from './matmul';
import { amax, amin, sum } from './reduce';
import { abs, pow, sign, toDtype } from './unary';

export { linalgCross as cross } from './matmul';

/** The keyword-only option of the norms: the dtype to compute and return in. */
export interface NormOptions {
  /** A float dtype at least as wide as the input's: x is converted to it first. */
  dtype?: FloatDType;
}

/** A list of dims (or one, or none for all) normalized against x's rank, each named once, sorted. */
function normDims(x: Tensor, dim: number | readonly number[] | null | undefined, where: string): number[] {
  if (dim === null || dim === undefined) return x.shape.map((_, i) => i);
  const list = typeof dim === 'number' ? [dim] : Array.isArray(dim) ? [...dim] : null;
  if (list === null) throw new Error(`${where}: dim must be a whole number, a list of them, or null, got ${describe(dim)}`);
  if (list.length === 0) return x.shape.map((_, i) => i);
  const dims = list.map((d) => normalizeDim(d, x.ndim, where));
  if (new Set(dims).size !== dims.length) throw new Error(`${where}: dim ${fmt(list)} names a dimension twice`);
  return x.ndim === 0 ? [] : dims.sort((a, b) => a - b);
}

/** The input in the dtype the norm computes in: float input only, and a `dtype` option no narrower. */
function normInput(x: Tensor, options: NormOptions, where: string): Tensor {
  checkOptions(options, ['dtype'], where);
  if (!isFloatDtype(x.dtype)) throw new Error(`${where}: expected a floating point tensor as input, got ${x.dtype}`);
  const dtype = options.dtype ?? x.dtype;
  if (dtype !== 'float32' && dtype !== 'float64') throw new Error(`${where}: dtype must be 'float32' or 'float64', got ${describe(dtype)}`);
  if (x.dtype === 'float64' && dtype === 'float32') {
    throw new Error(`${where}: the dtype of the input (float64) should be convertible without narrowing to the specified dtype (float32)`);
  }
  return dtype === x.dtype ? x : toDtype(x, dtype);
}

/** The dims of `shape` left after reducing `dims`: removed, or kept as 1. */
function reducedShape(shape: Shape, dims: readonly number[], keepdim: boolean): number[] {
  return shape.flatMap((s, i) => (dims.includes(i) ? (keepdim ? [1] : []) : [s]));
}

/**
 * The vector p-norm of x over `dim` (all elements when null) (`torch.linalg.vector_norm`): ord is
 * any real number or +-Infinity; 0 counts the nonzero elements, Infinity takes the largest |x|.
 */
export function vectorNorm(x: Tensor, ord = 2, dim: number | readonly number[] | null = null, keepdim = false, options: NormOptions = {}): Tensor {
  const where = 'vectorNorm';
  checkTensor(x, where);
  if (typeof ord !== 'number' || Number.isNaN(ord)) throw new Error(`${where}: ord must be a number (Infinity for the max norm), got ${describe(ord)}`);
  checkBoolean(keepdim, where, 'keepdim');
  const input = normInput(x, options, where);
  const dims = normDims(x, dim, where);
  if (ord < 0 || ord === Infinity) {
    const empty = dims.length === 0 ? x.numel() === 0 : dims.find((d) => x.shape[d] === 0);
    if (empty !== undefined && empty !== false) {
      const what = typeof empty === 'number' ? `dimension ${empty}, which is empty` : 'an empty tensor';
      throw new Error(`${where}: cannot compute the ${ord} norm on ${what}, because the operation has no identity`);
    }
  }
  // reduce over the last axis of x permuted to [kept..., reduced...]
  const kept = x.shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const rows = permute(input.detach(), [...kept, ...dims]).data;
  const outShape = reducedShape(x.shape, dims, keepdim);
  const y = zerosOf(outShape, input.dtype);
  const n = dims.reduce((a, d) => a * x.shape[d], 1);
  for (let r = 0; r < y.numel(); r++) y.data[r] = pNorm(rows, r * n, n, ord);
  if (!needsGrad(input)) return y;
  return record(y, new VectorNormBackward(ord, reducedShape(x.shape, dims, true), input, y), input);
}

/** The p-norm of data[start .. start + n). */
function pNorm(data: Tensor['data'], start: number, n: number, p: number): number {
  let acc = p === -Infinity ? Infinity : 0;
  for (let i = start; i < start + n; i++) {
    const a = Math.abs(data[i]);
    if (a !== a) return NaN;
    if (p === Infinity) acc = Math.max(acc, a);
    else if (p === -Infinity) acc = Math.min(acc, a);
    else if (p === 0) acc += a !== 0 ? 1 : 0;
    else if (p === 1) acc += a;
    else if (p === 2) acc += a * a;
    else acc += Math.pow(a, p);
  }
  if (p === 2) return Math.sqrt(acc);
  if (p === 0 || p === 1 || !Number.isFinite(p)) return acc;
  return Math.pow(acc, 1 / p);
}

class VectorNormBackward extends Node {
  readonly name = 'LinalgVectorNormBackward0';
  constructor(
    private readonly ord: number,
    private readonly keptShape: Shape,
    x: Tensor,
    y: Tensor,
  ) {
    super();
    this.save(x, y);
  }
  // PyTorch's linalg_vector_norm_backward, with N the norm (kept dims) and g likewise:
  // p = 2: g x / N; p = 1: g sign(x); p = inf: g sign(x) [|x| = N] / #ties; other p: g sign(x) |x|^(p-1) / N^(p-1)
  // (0 where N = 0; for p < 1 as g sign(x) |x|^(p-1) N^(1-p), 0 where x = 0); p = 0: none
  backward(grad: Tensor): (Tensor | null)[] {
    const [x, y] = this.saved;
    const p = this.ord;
    if (p === 0) return [null]; // no gradient at all, as in PyTorch (x.grad stays None)
    const norm = reshape(y, this.keptShape);
    const g = reshape(grad, this.keptShape);
    if (p === 1) return [mul(sign(x), g)];
    if (!Number.isFinite(p)) {
      const mask = eq(abs(x), norm);
      const dims = this.keptShape.flatMap((s, i) => (s === 1 && x.shape[i] !== 1 ? [i] : []));
      const ties = dims.length > 0 ? sum(mask, dims, true) : cast(mask, x.dtype);
      return [mul(sign(x), mul(div(g, ties), mask))];
    }
    const zeroNorm = eq(norm, 0);
    if (p === 2) return [mul(x, where(zeroNorm, 0, div(g, norm)))];
    if (p < 1) return [mul(mul(sign(x), where(eq(x, 0), 0, pow(abs(x), p - 1))), mul(g, pow(norm, 1 - p)))];
    const scale = where(zeroNorm, 0, div(g, pow(norm, p - 1)));
    return [mul(p < 2 ? mul(sign(x), pow(abs(x), p - 1)) : mul(x, pow(abs(x), p - 2)), scale)];
  }
}

/** The matrix norms `matrixNorm` takes: 'fro', 'nuc', or +-1, +-2, +-Infinity. */
export type MatrixNormOrd = 'fro' | 'nuc' | number;

/**
 * The matrix norm of the matrices in dims `dim` (`torch.linalg.matrix_norm`): 'fro' (Frobenius),
 * 'nuc' (sum of singular values), 2 / -2 (largest / smallest singular value), 1 / -1 (max / min
 * column sum of |A|), Infinity / -Infinity (max / min row sum).
 */
export function matrixNorm(
  A: Tensor,
  ord: MatrixNormOrd = 'fro',
  dim: readonly [number, number] = [-2, -1],
  keepdim = false,
  options: NormOptions = {},
): Tensor {
  const where = 'matrixNorm';
  checkTensor(A, where, 'A');
  checkBoolean(keepdim, where, 'keepdim');
  if (A.ndim < 2) throw new Error(`${where}: the input tensor A must have at least 2 dims, got shape ${fmt(A.shape)}`);
  if (!Array.isArray(dim) || dim.length !== 2) throw new Error(`${where}: dim must be a list of 2 dims, got ${describe(dim)}`);
  const [d0, d1] = dim.map((d) => normalizeDim(d, A.ndim, where));
  if (d0 === d1) throw new Error(`${where}: dims must be different, got (${dim[0]}, ${dim[1]})`);
  if (!isFloatDtype(A.dtype)) throw new Error(`${where}: expected a floating point tensor as input, got ${A.dtype}`);
  if (ord === 'fro') return vectorNorm(A, 2, [d0, d1], keepdim, options);
  const spectral = ord === 'nuc' || ord === 2 || ord === -2;
  if (!spectral && ord !== 1 && ord !== -1 && ord !== Infinity && ord !== -Infinity) {
    throw new Error(`${where}: order ${describe(ord)} not supported; use 'fro', 'nuc', 1, -1, 2, -2, Infinity or -Infinity`);
  }
  const input = normInput(A, options, where);
  if (A.shape[d0] === 0 || A.shape[d1] === 0) {
    // an empty matrix has norm 0 (PyTorch returns zeros rather than reducing an empty dim)
    return zerosOf(reducedShape(A.shape, [d0, d1], keepdim), input.dtype);
  }
  if (spectral) {
    // as PyTorch: the singular values of the matrices moved to the last two dims; keepdim moves them back
    const perm = [...A.shape.map((_, i) => i).filter((i) => i !== d0 && i !== d1), d0, d1];
    const s = svdvals(permute(input, perm), where);
    const y = ord === 'nuc' ? sum(s, -1) : ord === 2 ? amax(s, -1) : amin(s, -1);
    if (!keepdim) return y;
    const inverse = new Array<number>(perm.length);
    perm.forEach((p, i) => (inverse[p] = i));
    return permute(unsqueeze(unsqueeze(y, -1), -1), inverse);
  }
  // the inf norm is the 1 norm of the transpose: sum |A| over one dim, then max over the other
  const first = Math.abs(ord as number) === Infinity ? d1 : d0;
  let second = first === d1 ? d0 : d1;
  if (!keepdim && first < second) second--;
  const sums = vectorNorm(input, 1, first, keepdim);
  return (ord as number) < 0 ? amin(sums, second, keepdim) : amax(sums, second, keepdim);
}

/**
 * The norm of A (`torch.linalg.norm`): a vector norm over one dim (or all of them when neither ord
 * nor dim is given), a matrix norm over two; with ord but no dim, A must be 1-D or 2-D.
 */
export function norm(
  A: Tensor,
  ord: MatrixNormOrd | null = null,
  dim: number | readonly number[] | null = null,
  keepdim = false,
  options: NormOptions = {},
): Tensor {
  const where = 'norm';
  checkTensor(A, where, 'A');
  if (dim !== null && dim !== undefined) {
    const dims = typeof dim === 'number' ? [dim] : Array.isArray(dim) ? dim : null;
    if (dims === null) throw new Error(`${where}: dim must be a whole number or a list of 1 or 2 of them, got ${describe(dim)}`);
    if (dims.length === 1 && typeof ord !== 'string') return vectorNorm(A, ord ?? 2, dims, keepdim, options);
    if (dims.length === 2 || (dims.length === 1 && typeof ord === 'string')) {
      if (dims.length === 1) throw new Error(`${where}: ord ${describe(ord)} is a matrix norm, which needs 2 dims; got dim ${fmt(dims)}`);
      return matrixNorm(A, ord ?? 'fro', dims as [number, number], keepdim, options);
    }
    throw new Error(`${where}: if dim is given, it must be of length 1 or 2, got ${fmt(dims)}`);
  }
  if (ord === null || ord === undefined) return vectorNorm(A, 2, null, keepdim, options);
  if (typeof ord === 'string') return matrixNorm(A, ord, [-2, -1], keepdim, options);
  if (A.ndim === 1) return vectorNorm(A, ord, null, keepdim, options);
  if (A.ndim === 2) return matrixNorm(A, ord, [-2, -1], keepdim, options);
  throw new Error(`${where}: if dim is not given but ord is, the input must be 1-D or 2-D, got shape ${fmt(A.shape)}`);
}

// ---- singular values ----

/**
 * The singular values (descending) of the matrices in the last two dims of A, by one-sided Jacobi
 * (accurate for small singular values too), as a node whose backward is U diag(g) V^T.
 * NOTE: U and V are saved as constants, so the gradient is right to first order only; a backward with
 * createGraph through it is an Error rather than a silently wrong second derivative.
 */
function svdvals(A: Tensor, where: string): Tensor {
  const [m, n] = A.shape.slice(-2);
  const k = Math.min(m, n);
  const batch = A.shape.slice(0, -2);
  const count = batch.reduce((a, b) => a * b, 1);
  const dtype = A.dtype as FloatDType;
  const s = zerosOf([...batch, k], dtype);
  const U = zerosOf([...batch, m, k], dtype);
  const V = zerosOf([...batch, n, k], dtype);
  const data = A.data;
  for (let b = 0; b < count; b++) {
    const matrix = Array.from({ length: m }, (_, i) => Array.from({ length: n }, (_, j) => data[b * m * n + i * n + j]));
    const [sv, u, v] = jacobiSvd(matrix, m, n);
    for (let j = 0; j < k; j++) {
      s.data[b * k + j] = sv[j];
      for (let i = 0; i < m; i++) U.data[(b * m + i) * k + j] = u[i][j];
      for (let i = 0; i < n; i++) V.data[(b * n + i) * k + j] = v[i][j];
    }
  }
  if (!needsGrad(A)) return s;
  return record(s, new SvdvalsBackward(where, U, V), A);
}

class SvdvalsBackward extends Node {
  readonly name = 'LinalgSvdBackward0';
  constructor(
    private readonly where: string,
    private readonly U: Tensor,
    private readonly V: Tensor,
  ) {
    super();
  }
  // d sigma_i / dA = u_i v_i^T, so dA = U diag(g) V^T
  backward(g: Tensor): Tensor[] {
    if (isGradEnabled()) {
      throw new Error(
        `${this.where}: the gradient of the 2, -2 and nuclear norms cannot be differentiated again in tsgrad (createGraph); ` +
          "use ord 'fro', 1 or Infinity, or take first derivatives only",
      );
    }
    return [matmul(mul(this.U, reshape(g, [...g.shape.slice(0, -1), 1, g.shape[g.ndim - 1]])), transpose(this.V, -1, -2))];
  }
}

/** One-sided Jacobi SVD of an m x n matrix: singular values (descending), U (m x k) and V (n x k), k = min(m, n). */
function jacobiSvd(a: number[][], m: number, n: number): [number[], number[][], number[][]] {
  if (m < n) {
    const t = Array.from({ length: n }, (_, j) => Array.from({ length: m }, (_, i) => a[i][j]));
    const [s, u, v] = jacobiSvd(t, n, m);
    return [s, v, u];
  }
  // columns of `a` are rotated until orthogonal; v accumulates the rotations
  const v = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < m; i++) {
          alpha += a[i][p] * a[i][p];
          beta += a[i][q] * a[i][q];
          gamma += a[i][p] * a[i][q];
        }
        if (gamma === 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (const rows of [a, v]) {
          for (const row of rows) {
            const x = row[p];
            const y = row[q];
            row[p] = c * x - s * y;
            row[q] = s * x + c * y;
          }
        }
      }
    }
    if (!rotated) break;
  }
  const norms = Array.from({ length: n }, (_, j) => Math.sqrt(a.reduce((acc, row) => acc + row[j] * row[j], 0)));
  const order = norms.map((_, j) => j).sort((i, j) => norms[j] - norms[i]);
  const s = order.map((j) => norms[j]);
  const u = a.map((row) => order.map((j) => (norms[j] === 0 ? 0 : row[j] / norms[j])));
  return [s, u, v.map((row) => order.map((j) => row[j]))];
}
