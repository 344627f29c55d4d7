/**
 * Products and cumulative ops: prod, cumsum, cumprod, cummax, cummin. prod lives here because its
 * backward is made of cumprods (exact where x has zeros), and cumprod's of prods.
 */
import { Node } from '../autograd/node';
import { needsGrad, record } from '../autograd/record';
import { checkDtype, type DType, isFloatDtype } from '../dtype';
import * as k from '../kernels/reduce';
import { checkInteger, checkOptions, describe } from '../options';
import { normalizeDim, type Shape, splitAt } from '../shape';
import { Tensor } from '../tensor';
import { div, mul } from './binary';
import { checkTensor, zerosOf } from './helpers';
import { cat, expand, indexSelect, narrow, reshape } from './layout';
import { checkReduce, NO_OUT, recordSelected, reducedShape, sum } from './reduce';
import { toDtype } from './unary';

/** x reversed along dim d: an indexSelect, so differentiable to every order. */
function flip(x: Tensor, d: number): Tensor {
  const n = x.shape[d];
  const index = new Int32Array(n);
  for (let i = 0; i < n; i++) index[i] = n - 1 - i;
  return indexSelect(x, d, new Tensor(index, [n], 'int32'));
}

/** A tensor of ones. */
function onesOf(shape: Shape, dtype: DType): Tensor {
  const t = zerosOf(shape, dtype);
  t.data.fill(1);
  return t;
}

/**
 * The dtype a product or a cumulative op gives (`options.dtype`, else float inputs keep theirs and
 * integer and bool ones give int32, PyTorch's int64), and x converted to it.
 */
function resultInput(x: Tensor, options: { dtype?: DType } | undefined, where: string): Tensor {
  checkOptions(options, ['dtype'], where, NO_OUT);
  const dtype = options?.dtype !== undefined ? checkDtype(options.dtype, where) : isFloatDtype(x.dtype) ? x.dtype : 'int32';
  return toDtype(x, dtype);
}

/** A tensor of `dtype` holding the float64 results; integer results must fit int32 (an Error, never a wrapped value). */
function fromWork(work: Float64Array, shape: Shape, dtype: DType, where: string): Tensor {
  if (dtype === 'int32') {
    for (let i = 0; i < work.length; i++) {
      if (work[i] > 2147483647 || work[i] < -2147483648) {
        throw new Error(
          `${where}: the result ${work[i]} does not fit int32, tsgrad's integer dtype (for PyTorch's int64); ` +
            `compute in floating point instead: x.double().${where}(...)`,
        );
      }
    }
  }
  const y = zerosOf(shape, dtype);
  if (dtype === 'bool') for (let i = 0; i < work.length; i++) y.data[i] = work[i] !== 0 ? 1 : 0;
  else y.data.set(work);
  return y;
}

// ---- prod ----

/**
 * Product of all elements, or along `dim` (one dim, as in PyTorch) keeping it when `keepdim`
 * (`torch.prod`); integer and bool inputs give int32, `options.dtype` converts first.
 */
export function prod(x: Tensor, dim?: number | null, keepdim = false, options?: { dtype?: DType }): Tensor {
  checkReduce(x, keepdim, 'prod');
  if (dim !== undefined && dim !== null && typeof dim !== 'number') {
    throw new Error(`prod: dim must be one dimension (a whole number) or null, got ${describe(dim)} (PyTorch's prod reduces one dim or all)`);
  }
  const all = dim === undefined || dim === null;
  if (all && keepdim) throw new Error('prod: keepdim needs a dim (prod of all elements has no keepdim, as in PyTorch)');
  const input = resultInput(x, options, 'prod');
  const d = all ? 0 : normalizeDim(dim, input.ndim, 'prod');
  const [outer, n, inner] = all ? [1, input.numel(), 1] : splitAt(input.shape, d);
  const work = new Float64Array(outer * inner);
  k.prodAxis(input.data, outer, n, inner, work);
  const shape = all || input.ndim === 0 ? [] : reducedShape(input.shape, [d], keepdim);
  const y = fromWork(work, shape, input.dtype, 'prod');
  if (!needsGrad(input)) return y;
  return record(y, new ProdBackward(all ? 'ProdBackward0' : 'ProdBackward1', input, y, all ? null : d), input);
}

class ProdBackward extends Node {
  constructor(
    readonly name: string,
    x: Tensor,
    y: Tensor,
    private readonly dim: number | null,
  ) {
    super();
    this.save(x, y);
  }
  // d/dx_i prod(x) = g * prod_{j != i} x_j: g * prod / x_i where x has no zero (as PyTorch), else the products
  // before and after x_i (cumprods, so that gradients of every order are exact at zeros)
  backward(g: Tensor): Tensor[] {
    const [x, y] = this.saved;
    if (x.ndim === 0) return [g];
    const d = this.dim ?? 0;
    const input = this.dim === null ? reshape(x, [-1]) : x;
    const kept = reducedShape(input.shape, [d], true);
    const gk = reshape(g, kept);
    const hasZero = x.data.some((v) => v === 0);
    const dx = hasZero ? productOfOthers(gk, input, d) : mul(gk, div(reshape(y, kept), input));
    return [this.dim === null ? reshape(dx, x.shape) : dx];
  }
  override fastBackward(g: Tensor): Tensor[] {
    const [x, y] = this.saved;
    if (x.ndim === 0) return [g];
    const [outer, n, inner] = this.dim === null ? [1, x.numel(), 1] : splitAt(x.shape, this.dim);
    const out = zerosOf(x.shape, g.dtype);
    k.prodBackward(g.data, x.data, y.data, outer, n, inner, out.data);
    return [out];
  }
}

/** g * (the product of the elements of x before each one along d) * (the product of those after it): PyTorch's prod_safe_zeros_backward. */
function productOfOthers(g: Tensor, x: Tensor, d: number): Tensor {
  if (x.numel() === 0) return expand(g, x.shape);
  const n = x.shape[d];
  const ones = onesOf(reducedShape(x.shape, [d], true), x.dtype);
  const before = cumprod(cat([ones, narrow(x, d, 0, n - 1)], d), d);
  const after = flip(cumprod(cat([ones, flip(narrow(x, d, 1, n - 1), d)], d), d), d);
  return mul(g, mul(before, after));
}

// ---- cumsum, cumprod ----

function cumulative(x: Tensor, dim: number, options: { dtype?: DType } | undefined, isProd: boolean): Tensor {
  const where = isProd ? 'cumprod' : 'cumsum';
  checkTensor(x, where);
  checkInteger(dim, where, 'dim');
  const input = resultInput(x, options, where);
  const d = normalizeDim(dim, input.ndim, where);
  const [outer, n, inner] = splitAt(input.shape, d);
  const work = new Float64Array(input.numel());
  k.cumulative(input.data, outer, n, inner, isProd, work);
  const y = fromWork(work, input.shape, input.dtype, where);
  if (!needsGrad(input)) return y;
  return record(y, isProd ? new CumprodBackward(input, y, d) : new CumsumBackward(d), input);
}

/** Running sums along `dim` (`torch.cumsum`); integer and bool inputs give int32, `options.dtype` converts first. */
export function cumsum(x: Tensor, dim: number, options?: { dtype?: DType }): Tensor {
  return cumulative(x, dim, options, false);
}

/** Running products along `dim` (`torch.cumprod`); integer and bool inputs give int32, `options.dtype` converts first. */
export function cumprod(x: Tensor, dim: number, options?: { dtype?: DType }): Tensor {
  return cumulative(x, dim, options, true);
}

/** The sums of g from each position to the end along d (cumsum's backward). */
function reversedCumsum(g: Tensor, d: number): Tensor {
  return flip(cumsum(flip(g, d), d), d);
}

class CumsumBackward extends Node {
  readonly name = 'CumsumBackward0';
  constructor(private readonly dim: number) {
    super();
  }
  // d/dx_j cumsum(x)_m = 1 for m >= j: dx_j = sum_{m >= j} g_m
  backward(g: Tensor): Tensor[] {
    if (g.ndim === 0 || g.shape[this.dim] <= 1) return [g];
    return [reversedCumsum(g, this.dim)];
  }
  override fastBackward(g: Tensor): Tensor[] {
    const [outer, n, inner] = splitAt(g.shape, this.dim);
    const out = zerosOf(g.shape, g.dtype);
    k.reverseCumsum(g.data, outer, n, inner, out.data);
    return [out];
  }
}

class CumprodBackward extends Node {
  readonly name = 'CumprodBackward0';
  constructor(
    x: Tensor,
    y: Tensor,
    private readonly dim: number,
  ) {
    super();
    this.save(x, y);
  }
  // dx_j = sum_{m >= j} g_m prod_{k <= m, k != j} x_k: reversedCumsum(g y) / x where x has no zero (as PyTorch),
  // else built position by position from products that leave x_j out
  backward(g: Tensor): Tensor[] {
    const [x, y] = this.saved;
    const d = this.dim;
    if (x.numel() <= 1 || x.shape[d] === 1) return [g];
    if (!x.data.some((v) => v === 0)) return [div(reversedCumsum(mul(g, y), d), x)];
    const n = x.shape[d];
    const ones = onesOf(reducedShape(x.shape, [d], true), x.dtype);
    const parts: Tensor[] = [];
    for (let j = 0; j < n; j++) {
      // omitted[m] = prod_{k <= j+m, k != j} x_k for m = 0..n-1-j
      const until = j === 0 ? ones : prod(narrow(x, d, 0, j), d, true);
      const omitted = j === n - 1 ? until : cat([until, mul(until, cumprod(narrow(x, d, j + 1, n - 1 - j), d))], d);
      parts.push(sum(mul(narrow(g, d, j, n - j), omitted), d, true));
    }
    return [cat(parts, d)];
  }
  override fastBackward(g: Tensor): Tensor[] {
    const [x] = this.saved;
    const [outer, n, inner] = splitAt(x.shape, this.dim);
    const out = zerosOf(x.shape, g.dtype);
    k.cumprodBackward(g.data, x.data, outer, n, inner, out.data);
    return [out];
  }
}

// ---- cummax, cummin ----

function cumExtreme(x: Tensor, dim: number, isMin: boolean): [Tensor, Tensor] {
  const where = isMin ? 'cummin' : 'cummax';
  checkTensor(x, where);
  checkInteger(dim, where, 'dim');
  const d = normalizeDim(dim, x.ndim, where);
  const [outer, n, inner] = splitAt(x.shape, d);
  const values = zerosOf(x.shape, x.dtype);
  const indices = zerosOf(x.shape, 'int32');
  k.cumExtreme(x.data, outer, n, inner, isMin, values.data, indices.data as Int32Array);
  return [recordSelected(values, x, d, indices, isMin ? 'CumminBackward0' : 'CummaxBackward0'), indices];
}

/**
 * `[values, indices]`: the running max along `dim` and where each came from (`torch.cummax`); ties
 * take the later index, and a NaN, once reached, stays, as in PyTorch. The gradient goes to those indices.
 */
export function cummax(x: Tensor, dim: number): [Tensor, Tensor] {
  return cumExtreme(x, dim, false);
}

/** `[values, indices]`: the running min along `dim` and where each came from (`torch.cummin`), as cummax. */
export function cummin(x: Tensor, dim: number): [Tensor, Tensor] {
  return cumExtreme(x, dim, true);
}
