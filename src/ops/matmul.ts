/**
 * Matrix products on the gemm kernel: `matmul` for 1-D, 2-D and batched operands, and the named
 * products PyTorch scripts call (mm, bmm, mv, dot, addmm, addmv, baddbmm; outer, inner, tensordot
 * and kron composed as PyTorch composes them).
 */
import { Node } from '../autograd/node';
import { type FloatArray, isFloatDtype, promoteTypes, resultType } from '../dtype';
import { forEachRun } from '../kernels/broadcast';
import { kernels } from '../backend/registry';
import { checkNumber, checkOptions, describe } from '../options';
import { broadcastShapes, broadcastStrides, fmt, normalizeDim, sameShape, type Shape } from '../shape';
import { Tensor } from '../tensor';
import { add, div, eq, mul, neg, sub, where } from './binary';
import { cast, checkTensor, expandTo, zerosOf } from './helpers';
import { needsGrad, record } from '../autograd/record';
import { tracer } from '../autograd/trace-hook';
import { cat, expand, indexSelect, permute, reshape, sumTo, transpose, unsqueeze, viewAs } from './layout';
import { abs, clamp, pow, sign, sqrt } from './unary';
import { sum } from './reduce';

/**
 * The matrix product of a and b (`torch.matmul`): dot for 1-D·1-D, matrix-vector, matrix-matrix,
 * and batched products whose leading dims broadcast ([b, m, k] · [k, n] too).
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  const y = matmulUntraced(a, b);
  if (tracer !== null) tracer.op('matmul', [a, b], {}, y);
  return y;
}

function matmulUntraced(a: Tensor, b: Tensor): Tensor {
  checkTensor(a, 'matmul', 'the first operand');
  checkTensor(b, 'matmul', 'the second operand');
  if (a.dtype !== b.dtype) {
    const common = promoteTypes(a.dtype, b.dtype);
    throw new Error(
      `matmul: expected both operands to have the same dtype, but got ${a.dtype} and ${b.dtype} (as PyTorch, which does not promote here); ` +
        `convert one with .to('${common}')`,
    );
  }
  if (a.dtype === 'bool') throw new Error('matmul: bool tensors are not supported (as in PyTorch); convert them with .int() or .float() first');
  if (a.ndim === 0 || b.ndim === 0) {
    throw new Error(`matmul: both arguments need at least 1 dimension, got shapes ${fmt(a.shape)} and ${fmt(b.shape)}`);
  }
  const name = matmulName(a, b);
  const a2 = a.ndim === 1 ? reshape(a, [1, a.shape[0]]) : a;
  const b2 = b.ndim === 1 ? reshape(b, [b.shape[0], 1]) : b;
  const y = batchedMatmul(a2, b2, a.shape, b.shape, name);
  if (a.ndim > 1 && b.ndim > 1) return y;
  const shape = [...y.shape];
  if (b.ndim === 1) shape.pop();
  if (a.ndim === 1) shape.splice(shape.length - (b.ndim === 1 ? 1 : 2), 1);
  return viewAs(y, shape, name);
}

/**
 * What PyTorch prints for matmul's result, which names the last op of its decomposition: dot, mv,
 * mm, the squeeze after a vector-matrix product, and for batches the unsafe view after bmm, or
 * the contiguous copy (clone) after folding a matrix that requires grad into a batch by transposes.
 */
function matmulName(a: Tensor, b: Tensor): string {
  if (a.ndim === 1 && b.ndim === 1) return 'DotBackward0';
  if (a.ndim === 2 && b.ndim === 1) return 'MvBackward0';
  if (a.ndim === 1 && b.ndim === 2) return 'SqueezeBackward4';
  if (a.ndim === 2 && b.ndim === 2) return 'MmBackward0';
  const folds = a.ndim === 2 || (a.ndim === 3 && b.ndim === 3 && a.shape[0] === 1 && b.shape[0] !== 1);
  return folds && b.ndim >= 3 && a.requiresGrad ? 'CloneBackward0' : 'UnsafeViewBackward0';
}

/** Per batch entry of the broadcast batch shape: the element offsets into a, b and the output. */
function batchOffsets(batchA: Shape, batchB: Shape, batch: Shape, sizeA: number, sizeB: number): [number, number][] {
  const offsets: [number, number][] = [];
  const sa = broadcastStrides(batchA, batch).map((s) => s * sizeA);
  const sb = broadcastStrides(batchB, batch).map((s) => s * sizeB);
  forEachRun(batch, sa, sb, (ai, da, bi, db, _o, n) => {
    for (let i = 0; i < n; i++, ai += da, bi += db) offsets.push([ai, bi]);
  });
  return offsets;
}

function batchedMatmul(a: Tensor, b: Tensor, shapeA: Shape, shapeB: Shape, name: string): Tensor {
  const [m, k] = a.shape.slice(-2);
  const [k2, n] = b.shape.slice(-2);
  if (k !== k2) {
    throw new Error(`matmul: shapes ${fmt(shapeA)} and ${fmt(shapeB)} cannot be multiplied (inner sizes ${k} and ${k2} differ)`);
  }
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const batch = broadcastShapes(batchA, batchB, 'matmul');
  const dtype = resultType(a, b);
  const work = isFloatDtype(dtype) ? dtype : 'float64';
  const ad = cast(a, work).data as FloatArray;
  const bd = cast(b, work).data as FloatArray;
  const y = zerosOf([...batch, m, n], work);
  const yd = y.data as FloatArray;
  const offsets = batchOffsets(batchA, batchB, batch, m * k, k * n);
  const kern = kernels();
  offsets.forEach(([ao, bo], i) => kern.gemm(false, false, m, n, k, ad, ao, bd, bo, yd, i * m * n, false));
  if (work !== dtype) return cast(y, dtype);
  if (!needsGrad(a, b)) return y;
  const node = new MatmulBackward(a, b, offsets, m, n, k, name);
  return record(y, node, a, b);
}

class MatmulBackward extends Node {
  constructor(
    a: Tensor,
    b: Tensor,
    private readonly offsets: [number, number][],
    private readonly m: number,
    private readonly n: number,
    private readonly k: number,
    readonly name: string,
  ) {
    super();
    this.save(a, b);
  }
  // dA = g · B^T and dB = A^T · g, per batch entry; broadcast batch entries accumulate
  backward(g: Tensor): (Tensor | null)[] {
    const [a, b] = this.saved;
    return [
      this.needsInputGrad[0] ? sumTo(matmul(g, transpose(b, -1, -2)), a.shape) : null,
      this.needsInputGrad[1] ? sumTo(matmul(transpose(a, -1, -2), g), b.shape) : null,
    ];
  }
  override fastBackward(g: Tensor): (Tensor | null)[] {
    const [a, b] = this.saved;
    const { m, n, k } = this;
    const gd = g.data as FloatArray;
    const ad = cast(a, g.dtype).data as FloatArray;
    const bd = cast(b, g.dtype).data as FloatArray;
    const da = this.needsInputGrad[0] ? zerosOf(a.shape, g.dtype) : null;
    const db = this.needsInputGrad[1] ? zerosOf(b.shape, g.dtype) : null;
    const kern = kernels();
    this.offsets.forEach(([ao, bo], i) => {
      if (da) kern.gemm(false, true, m, k, n, gd, i * m * n, bd, bo, da.data as FloatArray, ao, true);
      if (db) kern.gemm(true, false, k, n, m, ad, ao, gd, i * m * n, db.data as FloatArray, bo, true);
    });
    return [da, db];
  }
}

// ---- the named products: mm, bmm, mv, dot, outer, inner, tensordot, kron ----

/** Checks a product's operands: tensors of the given ranks (null: any), one dtype, not bool, as PyTorch's BLAS ops. */
function checkProduct(where: string, operands: readonly [Tensor, string, number | null][]): void {
  for (const [t, what, rank] of operands) {
    checkTensor(t, where, what);
    if (rank !== null && t.ndim !== rank) throw new Error(`${where}: ${what} must be ${rank}-D, got shape ${fmt(t.shape)}`);
  }
  const [first, firstName] = operands[0];
  for (const [t, what] of operands) {
    if (t.dtype !== first.dtype) {
      throw new Error(
        `${where}: expected ${firstName} and ${what} to have the same dtype, but got ${first.dtype} and ${t.dtype} (as PyTorch, which does not promote here)`,
      );
    }
  }
  if (first.dtype === 'bool') throw new Error(`${where}: bool tensors are not supported (as in PyTorch); convert them with .int() or .float() first`);
}

/** The matrix product of two matrices (`torch.mm`): [n, m] x [m, p] -> [n, p]. */
export function mm(input: Tensor, mat2: Tensor): Tensor {
  checkProduct('mm', [
    [input, 'input', 2],
    [mat2, 'mat2', 2],
  ]);
  if (input.shape[1] !== mat2.shape[0]) {
    throw new Error(`mm: input and mat2 shapes cannot be multiplied (${input.shape.join('x')} and ${mat2.shape.join('x')})`);
  }
  const y = matmul(input, mat2);
  if (tracer !== null) tracer.op('mm', [input, mat2], {}, y);
  return y;
}

/** Batched matrix products (`torch.bmm`): [b, n, m] x [b, m, p] -> [b, n, p], with no broadcasting. */
export function bmm(input: Tensor, mat2: Tensor): Tensor {
  checkProduct('bmm', [
    [input, 'input', 3],
    [mat2, 'mat2', 3],
  ]);
  if (mat2.shape[0] !== input.shape[0] || mat2.shape[1] !== input.shape[2]) {
    throw new Error(`bmm: expected mat2 of shape [${input.shape[0]}, ${input.shape[2]}, p] for input of shape ${fmt(input.shape)}, got ${fmt(mat2.shape)}`);
  }
  const y = batchedMatmul(input, mat2, input.shape, mat2.shape, 'BmmBackward0');
  if (tracer !== null) tracer.op('bmm', [input, mat2], {}, y);
  return y;
}

/** The matrix-vector product (`torch.mv`): [n, m] x [m] -> [n]. */
export function mv(input: Tensor, vec: Tensor): Tensor {
  checkProduct('mv', [
    [input, 'input', 2],
    [vec, 'vec', 1],
  ]);
  if (input.shape[1] !== vec.shape[0]) throw new Error(`mv: size mismatch: input ${fmt(input.shape)} and vec ${fmt(vec.shape)}`);
  return matmul(input, vec);
}

/** The dot product of two 1-D tensors of the same length (`torch.dot`). */
export function dot(input: Tensor, other: Tensor): Tensor {
  checkProduct('dot', [
    [input, 'input', 1],
    [other, 'other', 1],
  ]);
  if (input.shape[0] !== other.shape[0]) {
    throw new Error(`dot: expected input and other of the same length, got ${input.shape[0]} and ${other.shape[0]} elements`);
  }
  return matmul(input, other);
}

/** The outer product of two 1-D tensors (`torch.outer`): out[i][j] = input[i] * vec2[j]; dtypes promote. */
export function outer(input: Tensor, vec2: Tensor): Tensor {
  checkTensor(input, 'outer');
  checkTensor(vec2, 'outer', 'vec2');
  for (const [t, what] of [
    [input, 'input'],
    [vec2, 'vec2'],
  ] as const) {
    if (t.ndim !== 1) throw new Error(`outer: expected a 1-D ${what}, got shape ${fmt(t.shape)}`);
  }
  return mul(reshape(input, [input.shape[0], 1]), vec2);
}

/**
 * The inner product over the last dims (`torch.inner`): out[i..., j...] = sum_k input[i..., k] *
 * other[j..., k]; a 0-d operand scales the other.
 */
export function inner(input: Tensor, other: Tensor): Tensor {
  checkTensor(input, 'inner');
  checkTensor(other, 'inner', 'other');
  if (input.ndim === 0 || other.ndim === 0) return mul(input, other);
  if (input.shape[input.ndim - 1] !== other.shape[other.ndim - 1]) {
    throw new Error(`inner: the last dimension must match on both input tensors, got shapes ${fmt(input.shape)} and ${fmt(other.shape)}`);
  }
  return tensordotImpl(input, other, [input.ndim - 1], [other.ndim - 1], 'inner');
}

/**
 * Sums products over dims of a and b (`torch.tensordot`): the last `dims` dims of a with the first
 * `dims` of b, or the listed dims [dimsA, dimsB] pairwise. The result has a's remaining dims, then b's.
 */
export function tensordot(a: Tensor, b: Tensor, dims: number | readonly [readonly number[], readonly number[]] = 2): Tensor {
  checkTensor(a, 'tensordot', 'a');
  checkTensor(b, 'tensordot', 'b');
  let dimsA: number[];
  let dimsB: number[];
  if (typeof dims === 'number') {
    if (!Number.isInteger(dims) || dims < 0) throw new Error(`tensordot: dims must be a whole number >= 0, got ${dims}`);
    if (dims > a.ndim || dims > b.ndim) {
      throw new Error(`tensordot: dims (${dims}) must be at most the dims of a (${a.ndim}) and of b (${b.ndim})`);
    }
    dimsA = Array.from({ length: dims }, (_, i) => a.ndim - dims + i);
    dimsB = Array.from({ length: dims }, (_, i) => i);
  } else if (Array.isArray(dims) && dims.length === 2) {
    const list = (x: unknown, what: string): number[] => {
      const l = Array.isArray(x) ? [...(x as number[])] : null;
      if (l === null || !l.every((d) => Number.isInteger(d))) throw new Error(`tensordot: ${what} must be an array of dims, got ${describe(x)}`);
      return l;
    };
    dimsA = list(dims[0], 'dims[0]');
    dimsB = list(dims[1], 'dims[1]');
    if (dimsA.length !== dimsB.length) throw new Error(`tensordot: both dimension lists should have the same length, got ${dimsA.length} and ${dimsB.length}`);
  } else {
    throw new Error(`tensordot: dims must be a whole number or a pair of dim lists, got ${describe(dims)}`);
  }
  return tensordotImpl(a, b, dimsA, dimsB, 'tensordot');
}

/** PyTorch's tensordot: sum broadcast (size-1) contracted dims, permute, one mm, reshape. */
function tensordotImpl(a: Tensor, b: Tensor, dimsA: number[], dimsB: number[], where: string): Tensor {
  if (a.dtype !== b.dtype) throw new Error(`${where}: both inputs should have the same dtype, got ${a.dtype} and ${b.dtype}`);
  const da = dimsA.map((d) => normalizeDim(d, a.ndim, where));
  const db = dimsB.map((d) => normalizeDim(d, b.ndim, where));
  for (const [ds, what] of [
    [da, 'dims of a'],
    [db, 'dims of b'],
  ] as const) {
    if (new Set(ds).size !== ds.length) throw new Error(`${where}: ${what} ${fmt(ds)} name a dimension twice`);
  }
  let t1 = a;
  let t2 = b;
  let csize = 1;
  da.forEach((d, i) => {
    const s1 = a.shape[d];
    const s2 = b.shape[db[i]];
    if (s2 === 1) t1 = sum(t1, d, true);
    else if (s1 === 1) t2 = sum(t2, db[i], true);
    else if (s1 !== s2) {
      throw new Error(`${where}: contracted dimensions need to match, but a has size ${s1} in dim ${dimsA[i]} and b has size ${s2} in dim ${dimsB[i]}`);
    } else csize *= s1;
  });
  const freeA = a.shape.map((_, i) => i).filter((i) => !da.includes(i));
  const freeB = b.shape.map((_, i) => i).filter((i) => !db.includes(i));
  const sizeA = freeA.reduce((n, i) => n * t1.shape[i], 1);
  const sizeB = freeB.reduce((n, i) => n * t2.shape[i], 1);
  const m1 = reshape(permute(t1, [...freeA, ...da]), [sizeA, csize]);
  const m2 = reshape(permute(t2, [...db, ...freeB]), [csize, sizeB]);
  return reshape(matmul(m1, m2), [...freeA.map((i) => t1.shape[i]), ...freeB.map((i) => t2.shape[i])]);
}

/** The Kronecker product (`torch.kron`): blocks input[i, j] * other; the rank is the larger of the two. */
export function kron(input: Tensor, other: Tensor): Tensor {
  checkTensor(input, 'kron');
  checkTensor(other, 'kron', 'other');
  const n = Math.max(input.ndim, other.ndim);
  const padA = n - input.ndim;
  const padB = n - other.ndim;
  const shapeA: number[] = [];
  const shapeB: number[] = [];
  const result: number[] = [];
  for (let i = 0; i < n; i++) {
    const sa = i >= padA ? input.shape[i - padA] : 1;
    const sb = i >= padB ? other.shape[i - padB] : 1;
    shapeA.push(sa, 1);
    shapeB.push(1, sb);
    result.push(sa * sb);
  }
  // as PyTorch: interleave the dims, multiply with broadcasting, merge the pairs (unsafe views there)
  return viewAs(mul(viewAs(input, shapeA, 'UnsafeViewBackward0'), viewAs(other, shapeB, 'UnsafeViewBackward0')), result, 'UnsafeViewBackward0');
}

// ---- addmm, addmv, baddbmm ----

/** The keyword-only scales of addmm, addmv and baddbmm: beta * input + alpha * product. */
export interface AddProductOptions {
  /** The scale of input (default 1); 0 ignores input, NaN and inf included, as in PyTorch. */
  beta?: number;
  /** The scale of the product (default 1). */
  alpha?: number;
}

/** beta * input + alpha * product(a, b), as one node named `name`. */
function addProduct(where: string, name: string, input: Tensor, a: Tensor, b: Tensor, names: [string, string, string], options: AddProductOptions): Tensor {
  checkOptions(options, ['beta', 'alpha'], where);
  let beta = checkNumber(options.beta ?? 1, where, 'beta');
  let alpha = checkNumber(options.alpha ?? 1, where, 'alpha');
  checkTensor(input, where);
  checkProduct(where, [
    [input, names[0], null],
    [a, names[1], where === 'baddbmm' ? 3 : 2],
    [b, names[2], where === 'addmv' ? 1 : where === 'baddbmm' ? 3 : 2],
  ]);
  const batched = where === 'baddbmm';
  if (a.shape[batched ? 2 : 1] !== b.shape[batched ? 1 : 0] || (batched && a.shape[0] !== b.shape[0])) {
    throw new Error(`${where}: ${names[1]} of shape ${fmt(a.shape)} and ${names[2]} of shape ${fmt(b.shape)} cannot be multiplied`);
  }
  if (!isFloatDtype(input.dtype)) {
    // PyTorch converts the scales to the integer dtype
    beta = Math.trunc(beta);
    alpha = Math.trunc(alpha);
  }
  const p = where === 'addmm' ? mm(a.detach(), b.detach()) : where === 'addmv' ? mv(a.detach(), b.detach()) : bmm(a.detach(), b.detach());
  if (!sameShape(broadcastShapes(input.shape, p.shape, where), p.shape)) {
    throw new Error(`${where}: input of shape ${fmt(input.shape)} cannot be broadcast to the product's shape ${fmt(p.shape)}`);
  }
  let y = alpha === 1 ? p : mul(p, alpha);
  if (beta !== 0) y = add(beta === 1 ? input.detach() : mul(input.detach(), beta), y);
  if (!sameShape(y.shape, p.shape)) y = expand(y, p.shape);
  if (!needsGrad(input, a, b)) return y;
  return record(y, new AddProductBackward(name, beta, alpha, input.shape, a, b), input, a, b);
}

class AddProductBackward extends Node {
  constructor(
    readonly name: string,
    private readonly beta: number,
    private readonly alpha: number,
    private readonly inputShape: Shape,
    a: Tensor,
    b: Tensor,
  ) {
    super();
    this.save(a, b);
  }
  // d/dinput = beta g (summed to input's shape); d/da = alpha g b^T (alpha g outer b for a vector b); d/db = alpha a^T g
  backward(g: Tensor): (Tensor | null)[] {
    const [a, b] = this.saved;
    const scale = (t: Tensor, s: number): Tensor => (s === 1 ? t : mul(t, s));
    return [
      this.needsInputGrad[0] ? sumTo(scale(g, this.beta), this.inputShape) : null,
      this.needsInputGrad[1] ? scale(b.ndim === 1 ? outer(g, b) : matmul(g, transpose(b, -1, -2)), this.alpha) : null,
      this.needsInputGrad[2] ? scale(matmul(transpose(a, -1, -2), g), this.alpha) : null,
    ];
  }
}

/** beta * input + alpha * (mat1 @ mat2) (`torch.addmm`); input broadcasts to the product's shape. */
export function addmm(input: Tensor, mat1: Tensor, mat2: Tensor, options: AddProductOptions = {}): Tensor {
  return addProduct('addmm', 'AddmmBackward0', input, mat1, mat2, ['input', 'mat1', 'mat2'], options);
}

/** beta * input + alpha * (mat @ vec) (`torch.addmv`). */
export function addmv(input: Tensor, mat: Tensor, vec: Tensor, options: AddProductOptions = {}): Tensor {
  return addProduct('addmv', 'AddmvBackward0', input, mat, vec, ['input', 'mat', 'vec'], options);
}

/** beta * input + alpha * bmm(batch1, batch2) (`torch.baddbmm`). */
export function baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, options: AddProductOptions = {}): Tensor {
  return addProduct('baddbmm', 'BaddbmmBackward0', input, batch1, batch2, ['input', 'batch1', 'batch2'], options);
}

// ---- cross, cdist ----

/** The cross product of 3-vectors along `dim` (`torch.linalg.cross`); the other dims broadcast. */
export function linalgCross(input: Tensor, other: Tensor, dim = -1): Tensor {
  checkTensor(input, 'cross');
  checkTensor(other, 'cross', 'other');
  if (input.ndim !== other.ndim) {
    throw new Error(`cross: input and other must have the same number of dims, got shapes ${fmt(input.shape)} and ${fmt(other.shape)}`);
  }
  if (input.dtype !== other.dtype) throw new Error(`cross: expected input and other to have the same dtype, got ${input.dtype} and ${other.dtype}`);
  if (input.dtype === 'bool') throw new Error('cross: bool tensors are not supported (as in PyTorch); convert them with .int() or .float() first');
  const d = normalizeDim(dim, input.ndim, 'cross');
  if (input.ndim === 0 || input.shape[d] !== 3 || other.shape[d] !== 3) {
    throw new Error(`cross: dimension ${dim} must have length 3 in both inputs, got shapes ${fmt(input.shape)} and ${fmt(other.shape)}`);
  }
  const y = crossOf(input.detach(), other.detach(), d);
  if (!needsGrad(input, other)) return y;
  return record(y, new CrossBackward(d, input, other), input, other);
}

/** a x b along d: c_i = a_(i+1) b_(i+2) - a_(i+2) b_(i+1). */
function crossOf(a: Tensor, b: Tensor, d: number): Tensor {
  const next = (t: Tensor, shift: 1 | 2): Tensor => indexSelectRaw(t, d, shift === 1 ? [1, 2, 0] : [2, 0, 1]);
  return sub(mul(next(a, 1), next(b, 2)), mul(next(a, 2), next(b, 1)));
}

/** The slices of t at `index` along d, as differentiable ops. */
function indexSelectRaw(t: Tensor, d: number, index: number[]): Tensor {
  return indexSelect(t, d, new Tensor(Int32Array.from(index), [index.length], 'int32'));
}

class CrossBackward extends Node {
  readonly name = 'LinalgCrossBackward0';
  constructor(
    private readonly dim: number,
    a: Tensor,
    b: Tensor,
  ) {
    super();
    this.save(a, b);
  }
  // d/da <g, a x b> = b x g; d/db = g x a (each summed to its input's shape)
  backward(g: Tensor): (Tensor | null)[] {
    const [a, b] = this.saved;
    return [
      this.needsInputGrad[0] ? sumTo(linalgCross(b, g, this.dim), a.shape) : null,
      this.needsInputGrad[1] ? sumTo(linalgCross(g, a, this.dim), b.shape) : null,
    ];
  }
}

/**
 * The cross product along `dim` (`torch.cross`); without a dim, along the first dim of size 3 (as
 * PyTorch, which warns that this default will become -1, linalg.cross's).
 */
export function cross(input: Tensor, other: Tensor, dim: number | null = null): Tensor {
  checkTensor(input, 'cross');
  if (dim === null || dim === undefined) {
    const d = input.shape.indexOf(3);
    if (d < 0) throw new Error(`cross: no dimension of size 3 in input of shape ${fmt(input.shape)}; pass dim`);
    return linalgCross(input, other, d);
  }
  return linalgCross(input, other, dim);
}

/** How cdist computes p = 2 distances: through a matrix product (fast), or directly (exact at 0). */
export type CdistComputeMode = 'use_mm_for_euclid_dist_if_necessary' | 'use_mm_for_euclid_dist' | 'donot_use_mm_for_euclid_dist';

const CDIST_MODES: readonly CdistComputeMode[] = ['use_mm_for_euclid_dist_if_necessary', 'use_mm_for_euclid_dist', 'donot_use_mm_for_euclid_dist'];

/**
 * The p-norm distances between the rows of x1 [..., P, M] and of x2 [..., R, M] (`torch.cdist`):
 * out[..., i, j] = ||x1[..., i, :] - x2[..., j, :]||_p, batch dims broadcasting. For p = 2 with more
 * than 25 rows on either side (or `use_mm_for_euclid_dist`), PyTorch's matrix-product form
 * sqrt(|a|^2 - 2 a.b + |b|^2) is used, as in PyTorch.
 */
export function cdist(x1: Tensor, x2: Tensor, p = 2, computeMode: CdistComputeMode = 'use_mm_for_euclid_dist_if_necessary'): Tensor {
  checkTensor(x1, 'cdist', 'x1');
  checkTensor(x2, 'cdist', 'x2');
  checkNumber(p, 'cdist', 'p');
  if (!CDIST_MODES.includes(computeMode))
    throw new Error(`cdist: computeMode must be one of ${CDIST_MODES.map((m) => `'${m}'`).join(', ')}, got ${describe(computeMode)}`);
  for (const [t, what] of [
    [x1, 'x1'],
    [x2, 'x2'],
  ] as const) {
    if (t.ndim < 2) throw new Error(`cdist: ${what} must have at least 2 dims, got shape ${fmt(t.shape)}`);
    if (!isFloatDtype(t.dtype)) throw new Error(`cdist: only supports floating point dtypes, ${what} is ${t.dtype}`);
  }
  if (x1.dtype !== x2.dtype) throw new Error(`cdist: expected x1 and x2 to have the same dtype, got ${x1.dtype} and ${x2.dtype}`);
  if (!(p >= 0)) throw new Error(`cdist: only supports non-negative p values, got ${p}`);
  const [rows1, cols1] = x1.shape.slice(-2);
  const [rows2, cols2] = x2.shape.slice(-2);
  if (cols1 !== cols2) throw new Error(`cdist: x1 and x2 must have the same number of columns, got x1 ${fmt(x1.shape)} and x2 ${fmt(x2.shape)}`);
  const batch = broadcastShapes(x1.shape.slice(0, -2), x2.shape.slice(0, -2), 'cdist');
  const useMm = computeMode === 'use_mm_for_euclid_dist' || (computeMode === 'use_mm_for_euclid_dist_if_necessary' && (rows1 > 25 || rows2 > 25));
  if (p === 2 && useMm && x1.numel() > 0 && x2.numel() > 0) {
    const b = batch.reduce((n, s) => n * s, 1);
    const a = reshape(expand(x1, [...batch, rows1, cols1]), [b, rows1, cols1]);
    const c = reshape(expand(x2, [...batch, rows2, cols2]), [b, rows2, cols2]);
    return reshape(euclideanDist(a, c), [...batch, rows1, rows2]);
  }
  const a = expandTo(x1.detach(), [...batch, rows1, cols1]);
  const c = expandTo(x2.detach(), [...batch, rows2, cols2]);
  const y = zerosOf([...batch, rows1, rows2], x1.dtype);
  const ad = a.data,
    cd = c.data,
    yd = y.data;
  const batches = batch.reduce((n, s) => n * s, 1);
  for (let t = 0; t < batches; t++) {
    for (let i = 0; i < rows1; i++) {
      for (let j = 0; j < rows2; j++) {
        const ai = (t * rows1 + i) * cols1;
        const ci = (t * rows2 + j) * cols1;
        let acc = 0;
        for (let m = 0; m < cols1; m++) {
          const diff = Math.abs(ad[ai + m] - cd[ci + m]);
          if (p === 0) acc += diff !== 0 ? 1 : 0;
          else if (p === Infinity) acc = diff > acc || diff !== diff ? diff : acc;
          else if (p === 1) acc += diff;
          else if (p === 2) acc += diff * diff;
          else acc += Math.pow(diff, p);
        }
        yd[(t * rows1 + i) * rows2 + j] = p === 0 || p === 1 || p === Infinity ? acc : p === 2 ? Math.sqrt(acc) : Math.pow(acc, 1 / p);
      }
    }
  }
  if (!needsGrad(x1, x2)) return y;
  return record(y, new CdistBackward(p, x1, x2, y), x1, x2);
}

class CdistBackward extends Node {
  readonly name = 'CdistBackward0';
  constructor(
    private readonly p: number,
    x1: Tensor,
    x2: Tensor,
    y: Tensor,
  ) {
    super();
    this.save(x1, x2, y);
  }
  // with d = x1_i - x2_j and D = ||d||_p: dD/dx1_i = sign(d) |d|^(p-1) / D^(p-1) (0 where D = 0), and
  // -that for x2_j; p = inf keeps the entries where |d| = D, p = 0 gives 0 (PyTorch's _cdist_backward)
  backward(g: Tensor): (Tensor | null)[] {
    const [x1, x2, y] = this.saved;
    const p = this.p;
    const diff = sub(unsqueeze(x1, -2), unsqueeze(x2, -3));
    const dist = unsqueeze(y, -1);
    const gu = unsqueeze(g, -1);
    let t: Tensor;
    if (p === 0) t = mul(diff, 0);
    else if (p === 1) t = mul(sign(diff), gu);
    else if (p === Infinity) t = mul(mul(sign(diff), eq(abs(diff), dist)), gu);
    else {
      const scale = where(eq(dist, 0), 0, div(gu, p === 2 ? dist : pow(dist, p - 1)));
      const part = p === 2 ? diff : p < 2 ? mul(sign(diff), pow(abs(diff), p - 1)) : mul(diff, pow(abs(diff), p - 2));
      t = mul(p < 1 ? where(eq(diff, 0), 0, part) : part, scale);
    }
    return [this.needsInputGrad[0] ? sumTo(sum(t, -2), x1.shape) : null, this.needsInputGrad[1] ? sumTo(neg(sum(t, -3)), x2.shape) : null];
  }
}

/**
 * PyTorch's `_euclidean_dist` for 3-d x1, x2: sqrt(max(|a|^2 - 2 a.b + |b|^2, 0)) through one batched
 * matrix product of [-2a, |a|^2, 1] and [b, 1, |b|^2].
 */
function euclideanDist(x1: Tensor, x2: Tensor): Tensor {
  const a = x1.detach();
  const b = x2.detach();
  const na = sum(mul(a, a), -1, true);
  const nb = sum(mul(b, b), -1, true);
  const ones = (t: Tensor): Tensor => add(mul(t, 0), 1);
  const left = cat([mul(a, -2), na, ones(na)], -1);
  const right = cat([b, ones(nb), nb], -1);
  const y = sqrt(clamp(matmul(left, transpose(right, -1, -2)), 0));
  if (!needsGrad(x1, x2)) return y;
  return record(y, new EuclideanDistBackward(x1, x2, y), x1, x2);
}

class EuclideanDistBackward extends Node {
  readonly name = 'EuclideanDistBackward0';
  constructor(x1: Tensor, x2: Tensor, y: Tensor) {
    super();
    this.save(x1, x2, y);
  }
  // with r = g / D (0 where D = 0): dx1 = x1 * sum_j r - r x2; dx2 = x2 * sum_i r - r^T x1
  backward(g: Tensor): (Tensor | null)[] {
    const [x1, x2, y] = this.saved;
    const r = where(eq(y, 0), 0, div(g, y));
    return [
      this.needsInputGrad[0] ? sub(mul(x1, sum(r, -1, true)), matmul(r, x2)) : null,
      this.needsInputGrad[1] ? sub(mul(x2, unsqueeze(sum(r, -2), -1)), matmul(transpose(r, -1, -2), x1)) : null,
    ];
  }
}
