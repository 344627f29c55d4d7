/**
 * Embedding lookups (`F.embedding`, `F.embeddingBag`) and PyTorch's in-place renormalisation of the
 * rows they read (`maxNorm`). Indices are int32 (PyTorch's int64).
 *
 * `embedding` is a primitive so that it prints PyTorch's grad_fn (`EmbeddingBackward0`) and gives
 * padding rows no gradient; its backward is a second primitive, `embeddingDenseBackward`
 * (`EmbeddingDenseBackwardBackward0`), whose own backward is made of ops, so every order is
 * differentiable. `embeddingBag` is a fused primitive (`EmbeddingBagBackward0`: no (n, dim) matrix of
 * looked-up rows in the forward) with a backward made of ops.
 */
import { noGrad } from '../../autograd/grad-mode';
import { Node } from '../../autograd/node';
import { needsGrad, record } from '../../autograd/record';
import { tracer } from '../../autograd/trace-hook';
import { type DType, isFloatDtype } from '../../dtype';
import { checkBoolean, checkNumber, checkOptions, describe } from '../../options';
import { mul } from '../../ops/binary';
import { checkTensor, zerosOf } from '../../ops/helpers';
import { indexAdd, indexSelect, putFlat, reshape } from '../../ops/layout';
import { sum } from '../../ops/reduce';
import { fmt, sameShape, type Shape } from '../../shape';
import { Tensor } from '../../tensor';

/** Options of `F.embedding` (PyTorch's keyword arguments). */
export interface EmbeddingOptions {
  /** A row that is looked up as it is but gets no gradient (negative counts from the end). */
  paddingIdx?: number | null;
  /** Rows looked up whose norm exceeds this are first scaled in place to this norm. */
  maxNorm?: number | null;
  /** The p of the p-norm for maxNorm (default 2). */
  normType?: number;
  /** Divide each row's gradient by how often its index occurs in the input. */
  scaleGradByFreq?: boolean;
}

/** PyTorch's `sparse` option, which tsgrad accepts only as false. */
const SPARSE = { sparse: { why: 'tsgrad has no sparse tensors: embedding gradients are dense', accepts: [false] } };

/** Throws unless `indices` is an int32 tensor (PyTorch's message for float indices). */
function checkIndices(indices: Tensor, what: string, where: string, pytorchName: string): Int32Array {
  if (indices.dtype !== 'int32') {
    throw new Error(
      `${where}: ${what} must be an int32 tensor (PyTorch's Long or Int), got ${indices.dtype} ` +
        `(PyTorch: Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; while checking arguments for ${pytorchName})`,
    );
  }
  return indices.data as Int32Array;
}

/** A number, or null for PyTorch's None. */
function optionalNumber(x: unknown, where: string, what: string): number | null {
  return x === undefined || x === null ? null : checkNumber(x, where, what);
}

/** The p-norm of `row` (p = inf: the largest magnitude, -inf the smallest, 0 the count of non-zeros), as `Tensor.norm(p)`. */
function rowNorm(row: ArrayLike<number>, p: number): number {
  let acc = p === -Infinity ? Infinity : 0;
  for (let i = 0; i < row.length; i++) {
    const a = Math.abs(row[i]);
    if (p === Infinity) acc = Math.max(acc, a);
    else if (p === -Infinity) acc = Math.min(acc, a);
    else if (p === 0) acc += a !== 0 ? 1 : 0;
    else if (p === 1) acc += a;
    else if (p === 2) acc += a * a;
    else acc += a ** p;
  }
  if (p === 2) return Math.sqrt(acc);
  return p === 0 || p === 1 || !Number.isFinite(p) ? acc : acc ** (1 / p);
}

/**
 * PyTorch's `embedding_renorm_`, under no-grad: every row of `weight` that `indices` names and whose
 * `normType`-norm exceeds `maxNorm` is scaled in place by maxNorm / (norm + 1e-7). The weight's version
 * goes up, so a graph that saved the weight before says so on backward (as in PyTorch).
 */
export function embeddingRenorm_(weight: Tensor, indices: Int32Array, maxNorm: number, normType: number): void {
  const dim = weight.shape[1];
  const w = weight.data;
  const round = weight.dtype === 'float32' ? Math.fround : (v: number): number => v;
  noGrad(() => {
    for (const i of new Set(indices)) {
      const row = w.subarray(i * dim, (i + 1) * dim);
      // the norm as a value of the weight's dtype (PyTorch's `row.norm(p).item()`)
      const norm = round(rowNorm(row, normType));
      if (norm > maxNorm) {
        const scale = round(maxNorm / (norm + 1e-7));
        for (let j = 0; j < dim; j++) row[j] *= scale;
      }
    }
  });
  weight._version.value++;
}

/** Throws PyTorch's error unless every index is a row of a table of `rows`. */
function checkRange(idx: Int32Array, rows: number, where: string): void {
  for (let i = 0; i < idx.length; i++) {
    if (idx[i] < 0 || idx[i] >= rows) throw new Error(`${where}: index out of range in self (index ${idx[i]}, weight of ${rows} rows)`);
  }
}

/** The padding index as a row number (negative counts from the end), or -1 for none; `message` is PyTorch's error. */
function paddingRow(paddingIdx: unknown, rows: number, where: string, message: string): number {
  if (paddingIdx === undefined || paddingIdx === null) return -1;
  if (typeof paddingIdx !== 'number' || !Number.isInteger(paddingIdx))
    throw new Error(`${where}: paddingIdx must be a whole number or null, got ${describe(paddingIdx)}`);
  if (paddingIdx >= rows || paddingIdx < -rows) throw new Error(`${where}: ${message} (paddingIdx ${paddingIdx}, ${rows} embeddings)`);
  return paddingIdx < 0 ? paddingIdx + rows : paddingIdx;
}

/**
 * The weight each position's gradient row is multiplied by: 0 at the padding index, 1/(the index's
 * count in the input) with `scaleGradByFreq`, else 1; null when all are 1.
 */
function gradientScales(idx: Int32Array, padding: number, scaleGradByFreq: boolean): Float64Array | null {
  if (padding < 0 && !scaleGradByFreq) return null;
  const scales = new Float64Array(idx.length).fill(1);
  if (scaleGradByFreq) {
    const counts = new Map<number, number>();
    for (const i of idx) counts.set(i, (counts.get(i) ?? 0) + 1);
    for (let k = 0; k < idx.length; k++) scales[k] = 1 / counts.get(idx[k])!;
  }
  if (padding >= 0) for (let k = 0; k < idx.length; k++) if (idx[k] === padding) scales[k] = 0;
  return scales;
}

/**
 * The rows of `weight` (numEmbeddings x embeddingDim) at `input`'s indices (`F.embedding`): shape
 * input.shape + [embeddingDim]. With `maxNorm`, the rows looked up are renormalised in place first.
 * The padding row is looked up as it is and gets no gradient.
 */
export function embedding(input: Tensor, weight: Tensor, options: EmbeddingOptions = {}): Tensor {
  const where = 'embedding';
  checkTensor(input, where);
  checkTensor(weight, where, 'weight');
  checkOptions(options, ['paddingIdx', 'maxNorm', 'normType', 'scaleGradByFreq'], where, SPARSE);
  if (weight.ndim !== 2) throw new Error(`${where}: 'weight' must be 2-D, got shape ${fmt(weight.shape)}`);
  const rows = weight.shape[0];
  const padding = paddingRow(options.paddingIdx, rows, where, 'Padding_idx must be within num_embeddings');
  const maxNorm = optionalNumber(options.maxNorm, where, 'maxNorm');
  const normType = checkNumber(options.normType ?? 2, where, 'normType');
  const scaleGradByFreq = checkBoolean(options.scaleGradByFreq ?? false, where, 'scaleGradByFreq');
  const idx = checkIndices(input, 'input', where, 'embedding');
  checkRange(idx, rows, where);
  if (maxNorm !== null) embeddingRenorm_(weight, idx, maxNorm, normType);
  const dim = weight.shape[1];
  const y = zerosOf([...input.shape, dim], weight.dtype);
  const w = weight.data;
  for (let k = 0; k < idx.length; k++) y.data.set(w.subarray(idx[k] * dim, (idx[k] + 1) * dim), k * dim);
  if (needsGrad(weight)) record(y, new EmbeddingBackward(input, rows, gradientScales(idx, padding, scaleGradByFreq)), weight);
  if (tracer !== null) tracer.op('embedding', [input, weight], { paddingIdx: padding, maxNorm, normType, scaleGradByFreq }, y);
  return y;
}

class EmbeddingBackward extends Node {
  readonly name = 'EmbeddingBackward0';
  constructor(
    indices: Tensor,
    private readonly rows: number,
    private readonly scales: Float64Array | null,
  ) {
    super();
    this.save(indices);
  }
  // d/dW embedding(idx, W) = each gradient row added into row idx (times its scale: 0 for padding, 1/count by frequency)
  backward(g: Tensor): Tensor[] {
    return [embeddingDenseBackward(g, this.saved[0], this.rows, this.scales)];
  }
}

/**
 * The weight gradient of an embedding (PyTorch's `embedding_dense_backward`): a (rows, dim) tensor
 * with each row of `g` (shape indices.shape + [dim]), times its scale, added into the row its index
 * names. Recorded, under createGraph, as `EmbeddingDenseBackwardBackward0`.
 */
function embeddingDenseBackward(g: Tensor, indices: Tensor, rows: number, scales: Float64Array | null): Tensor {
  const idx = indices.data as Int32Array;
  const dim = g.shape[g.ndim - 1];
  const out = zerosOf([rows, dim], g.dtype);
  const o = out.data,
    src = g.data;
  for (let k = 0; k < idx.length; k++) {
    const s = scales === null ? 1 : scales[k];
    if (s === 0) continue;
    const to = idx[k] * dim,
      from = k * dim;
    if (s === 1) for (let j = 0; j < dim; j++) o[to + j] += src[from + j];
    else for (let j = 0; j < dim; j++) o[to + j] += src[from + j] * s;
  }
  return needsGrad(g) ? record(out, new EmbeddingDenseBackwardBackward(indices, g.shape, scales), g) : out;
}

class EmbeddingDenseBackwardBackward extends Node {
  readonly name = 'EmbeddingDenseBackwardBackward0';
  constructor(
    private readonly indices: Tensor,
    private readonly gShape: Shape,
    private readonly scales: Float64Array | null,
  ) {
    super();
  }
  // d/dg embeddingDenseBackward(g) = the rows of gg at the indices, times their scales, in g's shape
  // NOTE: the scales include 1/count with scaleGradByFreq, which PyTorch's double backward leaves out
  backward(gg: Tensor): Tensor[] {
    const flat = reshape(this.indices, [-1]);
    let rows = indexSelect(gg, 0, flat);
    if (this.scales !== null) rows = mul(rows, new Tensor(asFloat(this.scales, gg.dtype), [this.scales.length, 1], gg.dtype));
    return [reshape(rows, this.gShape)];
  }
}

/** `values` as a typed array of a float dtype. */
function asFloat(values: Float64Array, dtype: DType): Float32Array | Float64Array {
  return dtype === 'float32' ? Float32Array.from(values) : values.slice();
}

/** How `embeddingBag` reduces each bag. */
export type EmbeddingBagMode = 'sum' | 'mean' | 'max';

/** Options of `F.embeddingBag` (PyTorch's keyword arguments). */
export interface EmbeddingBagOptions {
  /** Rows looked up whose norm exceeds this are first scaled in place to this norm. */
  maxNorm?: number | null;
  /** The p of the p-norm for maxNorm (default 2). */
  normType?: number;
  /** Divide each row's gradient by how often its index occurs in the input (not with 'max'). */
  scaleGradByFreq?: boolean;
  /** 'sum', 'mean' (default) or 'max' of the rows of each bag. */
  mode?: EmbeddingBagMode;
  /** A weight per index (input's shape), multiplying its row; only with mode 'sum'. */
  perSampleWeights?: Tensor | null;
  /** offsets has one more entry than there are bags, the input's length (the last bag runs to the input's end anyway, as in PyTorch's CPU kernel). */
  includeLastOffset?: boolean;
  /** Entries with this index are left out of their bag (and of its count, for 'mean'). */
  paddingIdx?: number | null;
}

/** The bags checked: the flat indices and per-sample weights, each entry's bag (-1: none) and each bag's [start, end). */
interface Bags {
  idx: Int32Array;
  psw: Tensor | null;
  count: number;
  starts: Int32Array;
  ends: Int32Array;
}

/** PyTorch's checks of input, offsets and perSampleWeights (the Python ones, then the C++ ones); the bags they describe. */
function bagsOf(input: Tensor, weight: Tensor, offsets: Tensor | null, psw: Tensor | null, includeLastOffset: boolean, where: string): Bags {
  if (psw !== null && !sameShape(psw.shape, input.shape)) {
    throw new Error(
      `${where}: If perSampleWeights (shape ${fmt(psw.shape)}) is not null, then it must have the same shape as the input (shape ${fmt(input.shape)})`,
    );
  }
  if (weight.ndim !== 2) throw new Error(`${where}: weight has to be a 2D Tensor, but got Tensor of dimension ${weight.ndim}`);
  let offs: Int32Array;
  if (input.ndim === 2) {
    if (offsets !== null) {
      throw new Error(
        `${where}: if input is 2D, then offsets has to be null, as input is treated is a mini-batch of fixed length sequences. ` +
          `However, found offsets of type ${describe(offsets)}`,
      );
    }
    const [b, n] = input.shape;
    offs = new Int32Array(n === 0 ? 0 : b);
    for (let i = 0; i < offs.length; i++) offs[i] = i * n;
    includeLastOffset = false;
    input = reshape(input, [-1]);
    if (psw !== null) psw = reshape(psw, [-1]);
  } else if (input.ndim === 1) {
    if (offsets === null) throw new Error(`${where}: offsets has to be a 1D Tensor but got null`);
    checkTensor(offsets, where, 'offsets');
    if (offsets.ndim !== 1) throw new Error(`${where}: offsets has to be a 1D Tensor, got shape ${fmt(offsets.shape)}`);
    offs = checkIndices(offsets, 'offsets', where, 'embedding_bag');
  } else {
    throw new Error(`${where}: input has to be 1D or 2D Tensor, but got Tensor of dimension ${input.ndim}`);
  }
  const idx = checkIndices(input, 'input', where, 'embedding_bag');
  const n = idx.length;
  if (offs.length > 0 && offs[0] !== 0) {
    throw new Error(`${where}: offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from position 0. However, got ${offs[0]}`);
  }
  if (offs.length > 0 && offs[offs.length - 1] > n) {
    throw new Error(`${where}: offsets[-1] can not be greater than input's length ${n} but got offsets[-1] of ${offs[offs.length - 1]}`);
  }
  for (let i = 1; i < offs.length; i++) {
    if (offs[i] < offs[i - 1]) throw new Error(`${where}: offsets must not decrease, got offsets[${i - 1}] = ${offs[i - 1]} and offsets[${i}] = ${offs[i]}`);
  }
  const count = includeLastOffset ? Math.max(offs.length - 1, 0) : offs.length;
  const starts = new Int32Array(count);
  const ends = new Int32Array(count);
  for (let b = 0; b < count; b++) {
    starts[b] = offs[b];
    // NOTE: the last bag runs to the input's end, also with includeLastOffset (as PyTorch's CPU kernel)
    ends[b] = b + 1 < count ? offs[b + 1] : n;
  }
  return { idx, psw, count, starts, ends };
}

/**
 * Sums, means or maxima of bags of embedding rows, without the (n, dim) matrix of looked-up rows
 * (`F.embedding_bag`). A 2-D input (B, N) is B bags of N indices; a 1-D input is cut into bags at
 * `offsets` (their starts; with `includeLastOffset` also the end of the last). An empty bag gives
 * zeros. `perSampleWeights` (mode 'sum') multiply each row; entries at `paddingIdx` are left out.
 * Result: (bags, embeddingDim), grad_fn EmbeddingBagBackward0.
 */
export function embeddingBag(input: Tensor, weight: Tensor, offsets: Tensor | null = null, options: EmbeddingBagOptions = {}): Tensor {
  const where = 'embeddingBag';
  checkTensor(input, where);
  checkTensor(weight, where, 'weight');
  if (offsets !== null && offsets !== undefined) checkTensor(offsets, where, 'offsets');
  checkOptions(options, ['maxNorm', 'normType', 'scaleGradByFreq', 'mode', 'perSampleWeights', 'includeLastOffset', 'paddingIdx'], where, SPARSE);
  const maxNorm = optionalNumber(options.maxNorm, where, 'maxNorm');
  const normType = checkNumber(options.normType ?? 2, where, 'normType');
  const scaleGradByFreq = checkBoolean(options.scaleGradByFreq ?? false, where, 'scaleGradByFreq');
  const includeLastOffset = checkBoolean(options.includeLastOffset ?? false, where, 'includeLastOffset');
  const mode = options.mode ?? 'mean';
  const psw0 = options.perSampleWeights ?? null;
  if (psw0 !== null) checkTensor(psw0, where, 'perSampleWeights');
  const bags = bagsOf(input, weight, offsets ?? null, psw0, includeLastOffset, where);
  if (mode !== 'sum' && mode !== 'mean' && mode !== 'max') throw new Error(`${where}: mode has to be one of sum, mean or max, got ${describe(mode)}`);
  if (mode === 'max' && scaleGradByFreq) throw new Error(`${where}: max mode does not support scaling the gradient by the frequency`);
  const rows = weight.shape[0];
  const { idx, psw } = bags;
  if (psw !== null && mode !== 'sum') {
    throw new Error(
      `${where}: per_sample_weights was not null. perSampleWeights is only supported for mode='sum' (got mode='${mode}'). ` +
        'Please open a feature request on GitHub.',
    );
  }
  if (!isFloatDtype(weight.dtype)) throw new Error(`${where}: weight must be floating point, got ${weight.dtype}`);
  if (psw !== null && psw.dtype !== weight.dtype) {
    throw new Error(
      `${where}: Expected tensor for argument #1 'weight' to have the same type as tensor for argument #1 'per_sample_weights'; ` +
        `but type ${weight.dtype} does not equal ${psw.dtype}`,
    );
  }
  const padding = paddingRowOfBag(options.paddingIdx, rows, where);
  for (let i = 0; i < idx.length; i++) {
    if (idx[i] < 0 || idx[i] >= rows) throw new Error(`${where}: Index ${i} of input takes value ${idx[i]} which is not in the valid range [0, ${rows})`);
  }
  if (maxNorm !== null) embeddingRenorm_(weight, idx, maxNorm, normType);

  const dim = weight.shape[1];
  const out = zerosOf([bags.count, dim], weight.dtype);
  const o = out.data,
    w = weight.data,
    sw = psw?.data;
  // max: the row each output element came from (-1 for an empty bag)
  const argmax = mode === 'max' ? new Int32Array(bags.count * dim).fill(-1) : null;
  const sizes = new Int32Array(bags.count);
  for (let b = 0; b < bags.count; b++) {
    const ob = b * dim;
    for (let i = bags.starts[b]; i < bags.ends[b]; i++) {
      const r = idx[i];
      if (r === padding) continue;
      const wr = r * dim;
      if (argmax !== null) {
        for (let j = 0; j < dim; j++) {
          // the first maximum wins, as in PyTorch
          if (sizes[b] === 0 || w[wr + j] > o[ob + j]) {
            o[ob + j] = w[wr + j];
            argmax[ob + j] = r;
          }
        }
      } else {
        const s = sw === undefined ? 1 : sw[i];
        for (let j = 0; j < dim; j++) o[ob + j] += s * w[wr + j];
      }
      sizes[b]++;
    }
    if (mode === 'mean' && sizes[b] > 0) for (let j = 0; j < dim; j++) o[ob + j] /= sizes[b];
  }
  if (!needsGrad(weight, psw)) return out;
  const node = new EmbeddingBagBackward(bags, weight, rows, dim, mode, padding, scaleGradByFreq, sizes, argmax);
  return psw === null ? record(out, node, weight) : record(out, node, weight, psw);
}

/** The padding index of a bag as a row number, or -1 for none (PyTorch's C++ check and message). */
function paddingRowOfBag(paddingIdx: unknown, rows: number, where: string): number {
  if (paddingIdx === undefined || paddingIdx === null) return -1;
  if (typeof paddingIdx !== 'number' || !Number.isInteger(paddingIdx))
    throw new Error(`${where}: paddingIdx must be a whole number or null, got ${describe(paddingIdx)}`);
  if (paddingIdx >= rows || paddingIdx < -rows) {
    throw new Error(`${where}: padding_idx must be within the number of embeddings, -${rows} through ${rows - 1}, but got ${paddingIdx}`);
  }
  return paddingIdx < 0 ? paddingIdx + rows : paddingIdx;
}

class EmbeddingBagBackward extends Node {
  readonly name = 'EmbeddingBagBackward0';
  /** The flat indices. */
  private readonly indices: Tensor;
  /** Each entry's bag (0 for entries in none, whose coefficient is 0). */
  private readonly bagOf: Tensor;
  /** Each entry's coefficient apart from its per-sample weight: 1/size for mean, 1/count by frequency, 0 for padding. */
  private readonly coefficients: Float64Array;
  constructor(
    bags: Bags,
    weight: Tensor,
    private readonly rows: number,
    private readonly dim: number,
    mode: EmbeddingBagMode,
    padding: number,
    scaleGradByFreq: boolean,
    sizes: Int32Array,
    private readonly argmax: Int32Array | null,
  ) {
    super();
    const n = bags.idx.length;
    const bagOf = new Int32Array(n);
    const coefficients = new Float64Array(n);
    const counts = new Map<number, number>();
    if (scaleGradByFreq) for (const i of bags.idx) counts.set(i, (counts.get(i) ?? 0) + 1);
    for (let b = 0; b < bags.count; b++) {
      for (let i = bags.starts[b]; i < bags.ends[b]; i++) {
        bagOf[i] = b;
        if (bags.idx[i] === padding) continue;
        let c = mode === 'mean' ? 1 / sizes[b] : 1;
        if (scaleGradByFreq) c /= counts.get(bags.idx[i])!;
        coefficients[i] = c;
      }
    }
    this.bagOf = new Tensor(bagOf, [n], 'int32');
    this.coefficients = coefficients;
    // a copy: the input's indices may be overwritten before backward
    this.indices = new Tensor(bags.idx.slice(), [n], 'int32');
    // the weight only for the per-sample weights' gradient (as PyTorch, which reads only its size otherwise)
    if (bags.psw !== null) this.save(weight, bags.psw);
  }

  // sum / mean: dW[idx_i] += c_i psw_i g[bag_i]; dpsw_i = c_i' <g[bag_i], W[idx_i]> (c_i' = 0 for padding, else 1)
  // max: dW[argmax[b, j], j] += g[b, j]
  backward(g: Tensor): (Tensor | null)[] {
    const [weight, psw] = this.saved as (Tensor | undefined)[];
    if (this.argmax !== null) {
      const map = new Int32Array(this.argmax.length);
      for (let k = 0; k < map.length; k++) map[k] = this.argmax[k] < 0 ? -1 : this.argmax[k] * this.dim + (k % this.dim);
      return [putFlat(g, map, [this.rows, this.dim], 'EmbeddingBagBackwardBackward0')];
    }
    const n = this.coefficients.length;
    const perEntry = indexSelect(g, 0, this.bagOf);
    let dW: Tensor | null = null;
    if (this.needsInputGrad[0]) {
      let coef = new Tensor(asFloat(this.coefficients, g.dtype), [n, 1], g.dtype);
      if (psw !== undefined) coef = mul(reshape(psw, [n, 1]), coef);
      dW = indexAdd(zerosOf([this.rows, this.dim], g.dtype), 0, this.indices, mul(perEntry, coef));
    }
    let dpsw: Tensor | null = null;
    if (psw !== undefined && this.needsInputGrad[1]) {
      const used = Float64Array.from(this.coefficients, (c) => (c === 0 ? 0 : 1));
      const dots = sum(mul(perEntry, indexSelect(weight!, 0, this.indices)), 1);
      dpsw = mul(dots, new Tensor(asFloat(used, g.dtype), [n], g.dtype));
    }
    return psw === undefined ? [dW] : [dW, dpsw];
  }
}
