/**
 * The Tensor class: storage, shape and dtype, the autograd fields, and a method for each op.
 *
 * NOTE: the one inherent import cycle of tsgrad lives here. Tensor methods call ops (src/ops) and
 * the engine (src/autograd), and those make Tensors; every other import goes one way down the
 * layers (CONTRIBUTING.md, checked by tests/layers.test.ts). The cycle is safe because no module
 * uses another's exports while it is being loaded, only when called.
 */
import { type BackwardOptions, runBackward } from './autograd/engine';
import { isGradEnabled } from './autograd/grad-mode';
import type { Node } from './autograd/node';
import { tracer } from './autograd/trace-hook';
import {
  allocate,
  checkDtype,
  convert,
  Device,
  type DeviceLike,
  type DType,
  elementOf,
  getDefaultDtype,
  isCpuDevice,
  isFloatDtype,
  type TypedArray,
} from './dtype';
import { checkBoolean, checkOptions, describe } from './options';
import { formatTensor } from './format';
import { fromNested, type NestedArray } from './nested';
import * as binary from './ops/binary';
import type { TensorOrNumber } from './ops/helpers';
import * as layout from './ops/layout';
import * as products from './ops/matmul';
import { matmul } from './ops/matmul';
import * as shapeOps from './ops/shape';
import * as reduce from './ops/reduce';
import * as scan from './ops/scan';
import * as sorting from './ops/sort';
import * as softmaxOps from './ops/softmax';
import * as unary from './ops/unary';
import * as indexing from './ops/indexing';
import * as elementwise from './ops/elementwise';
import type { Generator } from './random';
import { checkGenerator, defaultGenerator } from './random';
import { fmt, normalizeDim, numel, type Shape, sameShape, type Sizes, sizesAndOptions, type SizesAnd, sizesOf } from './shape';

const CPU = new Device('cpu');

/** Nested arrays of numbers, as `toArray()` returns and `tensor()` accepts. */
export type { NestedArray };

/**
 * An n-dimensional array with reverse-mode autograd: contiguous row-major storage (`data`),
 * a `shape`, a `dtype`, and for tensors that require grad, the op that made it (`gradFn`) and
 * the accumulated gradient (`grad`).
 */
export class Tensor {
  /** The elements in row-major order. Views made by `reshape` share it. */
  readonly data: TypedArray;
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** The op that produced this tensor (PyTorch's `grad_fn`); null for leaves. */
  gradFn: Node | null = null;
  /** @internal In-place changes bump this; it is shared with views so saved tensors can be checked. */
  readonly _version: { value: number };
  private requiresGradFlag = false;
  private gradValue: Tensor | null = null;

  constructor(data: TypedArray, shape: Shape, dtype: DType, version?: { value: number }) {
    if (data.length !== numel(shape)) {
      throw new Error(`Tensor: ${data.length} elements cannot fill shape ${fmt(shape)} (${numel(shape)} elements)`);
    }
    this.data = data;
    this.shape = [...shape];
    this.dtype = dtype;
    this._version = version ?? { value: 0 };
  }

  // ---- readout ----

  /** Number of dimensions (PyTorch's `dim()`). */
  get ndim(): number {
    return this.shape.length;
  }

  dim(): number {
    return this.shape.length;
  }

  /** The size of every dim, or of one dim (negative counts from the end). */
  size(): number[];
  size(dim: number): number;
  size(dim?: number): number | number[] {
    if (dim === undefined) return [...this.shape];
    return this.shape[normalizeDim(dim, this.ndim, 'size')];
  }

  numel(): number {
    return this.data.length;
  }

  /** The value of a one-element tensor as a number. */
  item(): number {
    if (tracer !== null) tracer.read(this, 'item()');
    if (this.data.length !== 1) {
      throw new Error(
        `item: a tensor with ${this.data.length} elements (shape ${fmt(this.shape)}) cannot be converted to a number; only one-element tensors can`,
      );
    }
    return this.data[0];
  }

  /** The elements as nested arrays (a number for a 0-d tensor; booleans for bool tensors). */
  toArray(): NestedArray {
    if (tracer !== null) tracer.read(this, 'toArray()');
    const data = this.data;
    const isBool = this.dtype === 'bool';
    const at = (i: number): number | boolean => (isBool ? data[i] !== 0 : data[i]);
    if (this.ndim === 0) return at(0);
    const build = (dim: number, offset: number): NestedArray[] => {
      const size = this.shape[dim];
      const stride = numel(this.shape.slice(dim + 1));
      const out: NestedArray[] = new Array(size);
      for (let i = 0; i < size; i++) out[i] = dim === this.ndim - 1 ? at(offset + i) : build(dim + 1, offset + i * stride);
      return out;
    };
    return build(0, 0);
  }

  /** PyTorch's printed form, e.g. `tensor([0.6590, 0.2424, 0.0986])`. */
  toString(): string {
    return formatTensor(this, getDefaultDtype());
  }

  /**
   * NOTE: JavaScript operators would turn a tensor into a string or NaN (`x + y` concatenates two
   * printouts); they throw instead, naming the method to use. Template literals and `String(x)`
   * print. `'loss ' + t` is the `+` operator too, so it throws: write `` `loss ${t}` ``.
   */
  [Symbol.toPrimitive](hint: 'string' | 'number' | 'default'): string {
    if (hint === 'string') return this.toString();
    if (hint === 'default') {
      throw new Error(
        'A Tensor was used with the + or == operator, which JavaScript cannot apply to tensors: use x.add(y) (x.eq(y) to compare); ' +
          'to print one, use a template literal `${x}` or String(x)',
      );
    }
    throw new Error(
      'A Tensor was used as a number (with -, *, /, %, **, <, >, a unary - or Number()), which JavaScript cannot do with tensors: ' +
        'use x.sub(y), x.mul(y), x.div(y), x.pow(y), x.lt(y), x.gt(y) or x.neg(), or x.item() for the value of a one-element tensor',
    );
  }

  /** So that `console.log(t)` in Node prints what `print(t)` prints in PyTorch. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  // ---- autograd ----

  /** Whether gradients are computed for this tensor. Only float tensors may require grad. */
  get requiresGrad(): boolean {
    return this.requiresGradFlag;
  }

  set requiresGrad(flag: boolean) {
    if (typeof flag !== 'boolean') throw new Error(`requiresGrad: must be true or false, got ${describe(flag)}`);
    if (flag && !isFloatDtype(this.dtype)) {
      throw new Error(`requiresGrad: only floating point tensors can require gradients, this one is ${this.dtype}`);
    }
    if (!flag && this.gradFn) {
      throw new Error('requiresGrad: only leaf tensors can stop requiring grad; use detach() to get a tensor outside the graph');
    }
    this.requiresGradFlag = flag;
  }

  /** Sets `requiresGrad` in place and returns this tensor (`requires_grad_()`). */
  requiresGrad_(flag = true): this {
    this.requiresGrad = flag;
    return this;
  }

  /** True for tensors not made by a recorded op: user-created tensors and parameters. */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  /** The gradient accumulated by backward(); null until one arrives. Assignable. */
  get grad(): Tensor | null {
    return this.gradValue;
  }

  set grad(g: Tensor | null) {
    if (g !== null) {
      if (!(g instanceof Tensor)) throw new Error('grad: assigned value must be a Tensor or null');
      if (!sameShape(g.shape, this.shape)) {
        throw new Error(`grad: assigned gradient of shape ${fmt(g.shape)} does not match the tensor's shape ${fmt(this.shape)}`);
      }
      if (g.dtype !== this.dtype) {
        throw new Error(`grad: assigned gradient has dtype ${g.dtype} but the tensor is ${this.dtype}`);
      }
    }
    this.gradValue = g;
  }

  /**
   * @internal For `zeroGrad`: sets `.grad` to null, or with `setToNone` false (PyTorch's
   * `zero_grad(set_to_none=False)`) to zeros, in place unless it is in a graph (then detached zeros).
   */
  _clearGrad(setToNone: boolean, where: string): void {
    if (typeof setToNone !== 'boolean') throw new Error(`${where}: setToNone must be true or false, got ${describe(setToNone)}`);
    const g = this.gradValue;
    if (setToNone || g === null) this.gradValue = null;
    else if (g.requiresGrad) this.gradValue = new Tensor(allocate(g.dtype, g.numel()), g.shape, g.dtype);
    else g.data.fill(0);
  }

  /** Keeps `.grad` for this non-leaf tensor during backward (`retain_grad()`). */
  retainGrad(): void {
    if (!this.requiresGrad) throw new Error("retainGrad: can't retain the gradient of a tensor that does not require grad");
    if (this.gradFn) this.gradFn.retainGradOf = this;
  }

  /**
   * Computes the gradients of this tensor with respect to the graph's leaves and adds them to
   * their `.grad`. `gradient` is required unless the tensor has one element. The graph is freed
   * afterwards unless `retainGraph` is set. With `createGraph` the backward pass is recorded too, so
   * the gradients can be differentiated again; `inputs` limits which `.grad`s receive gradients.
   */
  backward(gradient?: TensorOrNumber | null, options: BackwardOptions = {}): void {
    if (!this.requiresGrad) {
      throw new Error('backward: this tensor does not require grad and has no grad_fn; did you forget requiresGrad on an input, or call it under noGrad?');
    }
    let g: Tensor;
    if (gradient === undefined || gradient === null) {
      if (this.numel() !== 1) {
        throw new Error(
          `backward: grad can be implicitly created only for scalar outputs; this tensor has shape ${fmt(this.shape)}, so pass a gradient of that shape`,
        );
      }
      g = new Tensor(scalarData(1, this.dtype), this.shape, this.dtype);
    } else if (!(gradient instanceof Tensor) && typeof gradient !== 'number') {
      throw new Error(`backward: gradient must be a Tensor (or a number, for a one-element tensor), got ${describe(gradient)}`);
    } else if (typeof gradient === 'number') {
      if (this.numel() !== 1) throw new Error(`backward: a number gradient only fits a one-element tensor, this one has shape ${fmt(this.shape)}`);
      g = new Tensor(scalarData(gradient, this.dtype), this.shape, this.dtype);
    } else {
      if (!sameShape(gradient.shape, this.shape)) {
        throw new Error(`backward: gradient has shape ${fmt(gradient.shape)} but the tensor has shape ${fmt(this.shape)}`);
      }
      g = gradient.dtype === this.dtype ? gradient : gradient.to(this.dtype);
    }
    runBackward(this, g, options);
  }

  /** A tensor sharing this one's data but outside the graph. */
  detach(): Tensor {
    return new Tensor(this.data, this.shape, this.dtype, this._version);
  }

  /** @internal Sets the op that made this tensor; it then requires grad. */
  _setGradFn(node: Node): void {
    this.gradFn = node;
    this.requiresGradFlag = true;
  }

  /** @internal Replaces this leaf's storage (for `Module.to(dtype)`); its gradient is dropped. */
  _replaceData(data: TypedArray, dtype: DType): void {
    if (data.length !== this.data.length) throw new Error('_replaceData: the element count must not change');
    const self = this as { data: TypedArray; dtype: DType };
    self.data = data;
    self.dtype = dtype;
    this.gradValue = null;
    this._version.value++;
  }

  /** @internal A tensor of another shape over the same data and version counter. */
  _view(shape: Shape): Tensor {
    return new Tensor(this.data, shape, this.dtype, this._version);
  }

  /**
   * @internal Receives a gradient during backward: later ones are added in place; the first is
   * copied, or taken as it is when `owned` (nothing else references its storage; the engine knows).
   * Under createGraph (`graph`), as in PyTorch: the first is cloned and later ones added by ops, so
   * `.grad` stays in the graph.
   */
  _accumulateGrad(g: Tensor, owned = false, graph = false): void {
    const current = this.gradValue;
    if (graph) {
      this.gradValue = current === null ? unary.clone(g) : binary.add(current, g);
      return;
    }
    if (current === null) {
      this.gradValue = owned ? g : new Tensor(g.data.slice(), this.shape, this.dtype);
      return;
    }
    if (current.requiresGrad) {
      // a .grad left in a graph by an earlier createGraph backward is not changed in place
      this.gradValue = binary.add(current.detach(), g);
      return;
    }
    const out = current.data;
    const add = g.data;
    for (let i = 0; i < out.length; i++) out[i] += add[i];
  }

  // ---- conversion ----

  /**
   * A copy in another dtype, or this tensor when it already has it (`t.to(dtype)`). `to('cpu')`
   * returns this tensor too (tsgrad runs on the CPU); other devices are an Error.
   */
  to(dtype: DType | DeviceLike | Tensor, dtype2?: DType): Tensor {
    if (dtype instanceof Tensor) return this.to(dtype.dtype);
    if (isCpuDevice(dtype, 'to')) return dtype2 === undefined ? this : this.to(dtype2);
    return unary.toDtype(this, dtype as DType);
  }
  /** This tensor: it is on the CPU already (`x.cpu()`). */
  cpu(): this {
    return this;
  }
  /** An Error: tsgrad runs on the CPU. */
  cuda(): never {
    isCpuDevice('cuda', 'cuda');
    throw new Error('cuda: tsgrad runs on the CPU');
  }
  /** The CPU, where every tsgrad tensor lives (`x.device`). */
  get device(): Device {
    return CPU;
  }
  float(): Tensor {
    return this.to('float32');
  }
  double(): Tensor {
    return this.to('float64');
  }
  int(): Tensor {
    return this.to('int32');
  }
  /** int32 here plays the role of PyTorch's int64. */
  long(): Tensor {
    return this.to('int32');
  }
  bool(): Tensor {
    return this.to('bool');
  }

  /** A copy with its own data, still in the graph (`clone()`). */
  clone(): Tensor {
    return unary.clone(this);
  }

  // ---- indexing: one call per Python subscript (`x[0, :, 1:3]` is `x.index([0, ':', '1:3'])`) ----

  /** Reads a subscript (`x[...]`): each entry an integer, a Slice or slice string, null, '...', a bool mask or an index tensor/array. */
  index(indices: readonly indexing.IndexEntry[]): Tensor {
    return indexing.index(this, indices);
  }
  /** A copy of this tensor with `values` written at a subscript (`index_put`); `accumulate` adds instead. */
  indexPut(indices: readonly indexing.IndexEntry[], values: Tensor | number | boolean, accumulate = false): Tensor {
    return indexing.indexPut(this, indices, values, accumulate);
  }
  /** Writes `values` at a subscript in place (`x[...] = values`; `x[idx] += v` with `accumulate`). */
  indexPut_(indices: readonly indexing.IndexEntry[], values: Tensor | number | boolean, accumulate = false): this {
    indexing.indexPut_(this, indices, values, accumulate);
    return this;
  }
  select(dim: number, index: number): Tensor {
    return indexing.select(this, dim, index);
  }
  slice(dim = 0, start: number | null = null, end: number | null = null, step = 1): Tensor {
    return indexing.slice(this, dim, start, end, step);
  }
  take(index: Tensor): Tensor {
    return indexing.take(this, index);
  }
  takeAlongDim(indices: Tensor, dim: number | null = null): Tensor {
    return indexing.takeAlongDim(this, indices, dim);
  }
  indexCopy(dim: number, index: Tensor, source: Tensor): Tensor {
    return indexing.indexCopy(this, dim, index, source);
  }
  indexCopy_(dim: number, index: Tensor, source: Tensor): this {
    indexing.indexCopy_(this, dim, index, source);
    return this;
  }
  indexFill(dim: number, index: Tensor, value: TensorOrNumber | boolean): Tensor {
    return indexing.indexFill(this, dim, index, value);
  }
  indexFill_(dim: number, index: Tensor, value: TensorOrNumber | boolean): this {
    indexing.indexFill_(this, dim, index, value);
    return this;
  }
  scatter(dim: number, index: Tensor, src: TensorOrNumber | boolean, options?: indexing.ScatterOptions): Tensor {
    return indexing.scatter(this, dim, index, src, options);
  }
  scatter_(dim: number, index: Tensor, src: TensorOrNumber | boolean, options?: indexing.ScatterOptions): this {
    indexing.scatter_(this, dim, index, src, options);
    return this;
  }
  scatterReduce(dim: number, index: Tensor, src: Tensor, reduce: indexing.ScatterReduction, options?: indexing.ScatterReduceOptions): Tensor {
    return indexing.scatterReduce(this, dim, index, src, reduce, options);
  }
  scatterReduce_(dim: number, index: Tensor, src: Tensor, reduce: indexing.ScatterReduction, options?: indexing.ScatterReduceOptions): this {
    indexing.scatterReduce_(this, dim, index, src, reduce, options);
    return this;
  }
  /** `value` where `mask` is true (`x.masked_fill(mask, value)`). */
  maskedFill(mask: Tensor, value: TensorOrNumber | boolean): Tensor {
    return indexing.maskedFill(this, mask, value);
  }
  /** `x[mask] = value` in place. */
  maskedFill_(mask: Tensor, value: TensorOrNumber | boolean): this {
    indexing.maskedFill_(this, mask, value);
    return this;
  }
  maskedSelect(mask: Tensor): Tensor {
    return indexing.maskedSelect(this, mask);
  }
  maskedScatter(mask: Tensor, source: Tensor): Tensor {
    return indexing.maskedScatter(this, mask, source);
  }
  maskedScatter_(mask: Tensor, source: Tensor): this {
    indexing.maskedScatter_(this, mask, source);
    return this;
  }
  nonzero(): Tensor;
  nonzero(options: { asTuple: true }): Tensor[];
  nonzero(options?: indexing.NonzeroOptions): Tensor | Tensor[] {
    return indexing.nonzero(this, options);
  }

  // ---- more reductions, scans, sorting and selection ----

  prod(dim: number | null = null, keepdim = false, options?: { dtype?: DType }): Tensor {
    return scan.prod(this, dim, keepdim, options);
  }
  cumsum(dim: number, options?: { dtype?: DType }): Tensor {
    return scan.cumsum(this, dim, options);
  }
  cumprod(dim: number, options?: { dtype?: DType }): Tensor {
    return scan.cumprod(this, dim, options);
  }
  cummax(dim: number): [Tensor, Tensor] {
    return scan.cummax(this, dim);
  }
  cummin(dim: number): [Tensor, Tensor] {
    return scan.cummin(this, dim);
  }
  /** The variance (`x.var(dim, { correction })`, or PyTorch's older `x.var(dim, unbiased)`); Bessel's correction by default. */
  var(dim?: reduce.Dims | boolean, unbiased?: boolean | reduce.VarOptions, keepdim?: boolean): Tensor {
    return reduce.var(this, dim, unbiased, keepdim);
  }
  std(dim?: reduce.Dims | boolean, unbiased?: boolean | reduce.VarOptions, keepdim?: boolean): Tensor {
    return reduce.std(this, dim, unbiased, keepdim);
  }
  logsumexp(dim: number | readonly number[], keepdim = false): Tensor {
    return reduce.logsumexp(this, dim, keepdim);
  }
  norm(p: number | 'fro' | 'nuc' = 'fro', dim?: reduce.Dims, keepdim = false): Tensor {
    return reduce.norm(this, p, dim, keepdim);
  }
  any(dim?: reduce.Dims, keepdim = false): Tensor {
    return reduce.any(this, dim, keepdim);
  }
  all(dim?: reduce.Dims, keepdim = false): Tensor {
    return reduce.all(this, dim, keepdim);
  }
  countNonzero(dim?: reduce.Dims): Tensor {
    return reduce.countNonzero(this, dim);
  }
  amax(dim: reduce.Dims = [], keepdim = false): Tensor {
    return reduce.amax(this, dim, keepdim);
  }
  amin(dim: reduce.Dims = [], keepdim = false): Tensor {
    return reduce.amin(this, dim, keepdim);
  }
  aminmax(options?: { dim?: number | null; keepdim?: boolean }): [Tensor, Tensor] {
    return reduce.aminmax(this, options);
  }
  nansum(dim?: reduce.Dims, keepdim = false): Tensor {
    return reduce.nansum(this, dim, keepdim);
  }
  nanmean(dim?: reduce.Dims, keepdim = false): Tensor {
    return reduce.nanmean(this, dim, keepdim);
  }
  /** The median of all elements, or `[values, indices]` along `dim`. */
  median(): Tensor;
  median(dim: number, keepdim?: boolean): [Tensor, Tensor];
  median(dim?: number, keepdim = false): Tensor | [Tensor, Tensor] {
    return dim === undefined ? sorting.median(this) : sorting.median(this, dim, keepdim);
  }
  mode(dim = -1, keepdim = false): [Tensor, Tensor] {
    return sorting.mode(this, dim, keepdim);
  }
  sort(dim = -1, descending = false, options?: { stable?: boolean | null }): [Tensor, Tensor] {
    return sorting.sort(this, dim, descending, options);
  }
  argsort(dim = -1, descending = false, options?: { stable?: boolean | null }): Tensor {
    return sorting.argsort(this, dim, descending, options);
  }
  topk(k: number, dim = -1, largest = true, sorted = true): [Tensor, Tensor] {
    return sorting.topk(this, k, dim, largest, sorted);
  }
  kthvalue(k: number, dim = -1, keepdim = false): [Tensor, Tensor] {
    return sorting.kthvalue(this, k, dim, keepdim);
  }
  unique(sorted = true, returnInverse = false, returnCounts = false, dim: number | null = null): Tensor | Tensor[] {
    return sorting.unique(this, sorted, returnInverse, returnCounts, dim);
  }
  uniqueConsecutive(returnInverse = false, returnCounts = false, dim: number | null = null): Tensor | Tensor[] {
    return sorting.uniqueConsecutive(this, returnInverse, returnCounts, dim);
  }

  // ---- shape ops and products ----

  split(splitSizeOrSections: number | readonly number[], dim = 0): Tensor[] {
    return shapeOps.split(this, splitSizeOrSections, dim);
  }
  chunk(chunks: number, dim = 0): Tensor[] {
    return shapeOps.chunk(this, chunks, dim);
  }
  unbind(dim = 0): Tensor[] {
    return shapeOps.unbind(this, dim);
  }
  tensorSplit(indicesOrSections: number | readonly number[] | Tensor, dim = 0): Tensor[] {
    return shapeOps.tensorSplit(this, indicesOrSections, dim);
  }
  movedim(source: number | readonly number[], destination: number | readonly number[]): Tensor {
    return shapeOps.movedim(this, source, destination);
  }
  moveaxis(source: number | readonly number[], destination: number | readonly number[]): Tensor {
    return shapeOps.movedim(this, source, destination);
  }
  swapaxes(axis0: number, axis1: number): Tensor {
    return shapeOps.swapaxes(this, axis0, axis1);
  }
  swapdims(dim0: number, dim1: number): Tensor {
    return shapeOps.swapdims(this, dim0, dim1);
  }
  /** The elements in reverse order along `dims`: `x.flip(0)`, `x.flip(0, 1)` or `x.flip([0, 1])`. */
  flip(...dims: Sizes): Tensor {
    return shapeOps.flip(this, sizesOf(dims, 'flip'));
  }
  fliplr(): Tensor {
    return shapeOps.fliplr(this);
  }
  flipud(): Tensor {
    return shapeOps.flipud(this);
  }
  roll(shifts: number | readonly number[], dims: number | readonly number[] | null = null): Tensor {
    return shapeOps.roll(this, shifts, dims);
  }
  rot90(k = 1, dims: readonly number[] = [0, 1]): Tensor {
    return shapeOps.rot90(this, k, dims);
  }
  /** The tensor tiled `sizes` times along each dim: `x.repeat(2, 1)` or `x.repeat([2, 1])`. */
  repeat(...sizes: Sizes): Tensor {
    return shapeOps.repeat(this, sizesOf(sizes, 'repeat'));
  }
  tile(...dims: Sizes): Tensor {
    return shapeOps.tile(this, sizesOf(dims, 'tile'));
  }
  repeatInterleave(repeats?: number | Tensor, dim: number | null = null, options: shapeOps.RepeatInterleaveOptions = {}): Tensor {
    return shapeOps.repeatInterleave(this, repeats, dim, options);
  }
  tril(diagonal = 0): Tensor {
    return shapeOps.tril(this, diagonal);
  }
  triu(diagonal = 0): Tensor {
    return shapeOps.triu(this, diagonal);
  }
  diag(diagonal = 0): Tensor {
    return shapeOps.diag(this, diagonal);
  }
  diagonal(offset = 0, dim1 = 0, dim2 = 1): Tensor {
    return shapeOps.diagonal(this, offset, dim1, dim2);
  }
  diagEmbed(offset = 0, dim1 = -2, dim2 = -1): Tensor {
    return shapeOps.diagEmbed(this, offset, dim1, dim2);
  }
  trace(): Tensor {
    return shapeOps.trace(this);
  }
  broadcastTo(...shape: Sizes): Tensor {
    return shapeOps.broadcastTo(this, sizesOf(shape, 'broadcastTo'));
  }
  mm(mat2: Tensor): Tensor {
    return products.mm(this, mat2);
  }
  bmm(mat2: Tensor): Tensor {
    return products.bmm(this, mat2);
  }
  mv(vec: Tensor): Tensor {
    return products.mv(this, vec);
  }
  dot(other: Tensor): Tensor {
    return products.dot(this, other);
  }
  outer(vec2: Tensor): Tensor {
    return products.outer(this, vec2);
  }
  inner(other: Tensor): Tensor {
    return products.inner(this, other);
  }
  kron(other: Tensor): Tensor {
    return products.kron(this, other);
  }
  addmm(mat1: Tensor, mat2: Tensor, options: products.AddProductOptions = {}): Tensor {
    return products.addmm(this, mat1, mat2, options);
  }
  addmv(mat: Tensor, vec: Tensor, options: products.AddProductOptions = {}): Tensor {
    return products.addmv(this, mat, vec, options);
  }
  baddbmm(batch1: Tensor, batch2: Tensor, options: products.AddProductOptions = {}): Tensor {
    return products.baddbmm(this, batch1, batch2, options);
  }
  cross(other: Tensor, dim: number | null = null): Tensor {
    return products.cross(this, other, dim);
  }

  // ---- more elementwise ops; the `name_` forms write the result into this tensor ----

  floor(): Tensor {
    return unary.floor(this);
  }
  floor_(): this {
    return this.assign('floor_', unary.floor(this.detach()));
  }
  ceil(): Tensor {
    return unary.ceil(this);
  }
  ceil_(): this {
    return this.assign('ceil_', unary.ceil(this.detach()));
  }
  trunc(): Tensor {
    return unary.trunc(this);
  }
  trunc_(): this {
    return this.assign('trunc_', unary.trunc(this.detach()));
  }
  frac(): Tensor {
    return unary.frac(this);
  }
  frac_(): this {
    return this.assign('frac_', unary.frac(this.detach()));
  }
  sgn(): Tensor {
    return unary.sgn(this);
  }
  sgn_(): this {
    return this.assign('sgn_', unary.sgn(this.detach()));
  }
  reciprocal(): Tensor {
    return unary.reciprocal(this);
  }
  reciprocal_(): this {
    return this.assign('reciprocal_', unary.reciprocal(this.detach()));
  }
  rsqrt(): Tensor {
    return unary.rsqrt(this);
  }
  rsqrt_(): this {
    return this.assign('rsqrt_', unary.rsqrt(this.detach()));
  }
  square(): Tensor {
    return unary.square(this);
  }
  square_(): this {
    return this.assign('square_', unary.square(this.detach()));
  }
  log1p(): Tensor {
    return unary.log1p(this);
  }
  log1p_(): this {
    return this.assign('log1p_', unary.log1p(this.detach()));
  }
  expm1(): Tensor {
    return unary.expm1(this);
  }
  expm1_(): this {
    return this.assign('expm1_', unary.expm1(this.detach()));
  }
  log2(): Tensor {
    return unary.log2(this);
  }
  log2_(): this {
    return this.assign('log2_', unary.log2(this.detach()));
  }
  log10(): Tensor {
    return unary.log10(this);
  }
  log10_(): this {
    return this.assign('log10_', unary.log10(this.detach()));
  }
  exp2(): Tensor {
    return unary.exp2(this);
  }
  exp2_(): this {
    return this.assign('exp2_', unary.exp2(this.detach()));
  }
  sin(): Tensor {
    return unary.sin(this);
  }
  sin_(): this {
    return this.assign('sin_', unary.sin(this.detach()));
  }
  cos(): Tensor {
    return unary.cos(this);
  }
  cos_(): this {
    return this.assign('cos_', unary.cos(this.detach()));
  }
  tan(): Tensor {
    return unary.tan(this);
  }
  tan_(): this {
    return this.assign('tan_', unary.tan(this.detach()));
  }
  asin(): Tensor {
    return unary.asin(this);
  }
  asin_(): this {
    return this.assign('asin_', unary.asin(this.detach()));
  }
  acos(): Tensor {
    return unary.acos(this);
  }
  acos_(): this {
    return this.assign('acos_', unary.acos(this.detach()));
  }
  atan(): Tensor {
    return unary.atan(this);
  }
  atan_(): this {
    return this.assign('atan_', unary.atan(this.detach()));
  }
  sinh(): Tensor {
    return unary.sinh(this);
  }
  sinh_(): this {
    return this.assign('sinh_', unary.sinh(this.detach()));
  }
  cosh(): Tensor {
    return unary.cosh(this);
  }
  cosh_(): this {
    return this.assign('cosh_', unary.cosh(this.detach()));
  }
  asinh(): Tensor {
    return unary.asinh(this);
  }
  asinh_(): this {
    return this.assign('asinh_', unary.asinh(this.detach()));
  }
  acosh(): Tensor {
    return unary.acosh(this);
  }
  acosh_(): this {
    return this.assign('acosh_', unary.acosh(this.detach()));
  }
  atanh(): Tensor {
    return unary.atanh(this);
  }
  atanh_(): this {
    return this.assign('atanh_', unary.atanh(this.detach()));
  }
  erf(): Tensor {
    return unary.erf(this);
  }
  erf_(): this {
    return this.assign('erf_', unary.erf(this.detach()));
  }
  erfc(): Tensor {
    return unary.erfc(this);
  }
  erfc_(): this {
    return this.assign('erfc_', unary.erfc(this.detach()));
  }
  erfinv(): Tensor {
    return unary.erfinv(this);
  }
  erfinv_(): this {
    return this.assign('erfinv_', unary.erfinv(this.detach()));
  }
  logicalNot(): Tensor {
    return unary.logicalNot(this);
  }
  logicalNot_(): this {
    return this.assign('logicalNot_', unary.logicalNot(this.detach()));
  }
  bitwiseNot(): Tensor {
    return unary.bitwiseNot(this);
  }
  bitwiseNot_(): this {
    return this.assign('bitwiseNot_', unary.bitwiseNot(this.detach()));
  }
  exp_(): this {
    return this.assign('exp_', unary.exp(this.detach()));
  }
  log_(): this {
    return this.assign('log_', unary.log(this.detach()));
  }
  sqrt_(): this {
    return this.assign('sqrt_', unary.sqrt(this.detach()));
  }
  abs_(): this {
    return this.assign('abs_', unary.abs(this.detach()));
  }
  sign_(): this {
    return this.assign('sign_', unary.sign(this.detach()));
  }
  relu_(): this {
    return this.assign('relu_', unary.relu(this.detach()));
  }
  sigmoid_(): this {
    return this.assign('sigmoid_', unary.sigmoid(this.detach()));
  }
  tanh_(): this {
    return this.assign('tanh_', unary.tanh(this.detach()));
  }
  neg_(): this {
    return this.assign('neg_', binary.neg(this.detach()));
  }
  /** Rounds half to even, to `decimals` places when given (`x.round(decimals=2)` is `x.round({ decimals: 2 })`). */
  round(options?: unary.RoundOptions): Tensor {
    return unary.round(this, options);
  }
  round_(options?: unary.RoundOptions): this {
    return this.assign('round_', unary.round(this.detach(), options));
  }
  nanToNum(nan: number | null = 0, posinf: number | null = null, neginf: number | null = null): Tensor {
    return unary.nanToNum(this, nan, posinf, neginf);
  }
  nanToNum_(nan: number | null = 0, posinf: number | null = null, neginf: number | null = null): this {
    return this.assign('nanToNum_', unary.nanToNum(this.detach(), nan, posinf, neginf));
  }
  clamp_(min: number | null = null, max: number | null = null): this {
    return this.assign('clamp_', unary.clamp(this.detach(), min, max));
  }
  pow_(exponent: TensorOrNumber): this {
    return this.assign('pow_', unary.pow(this.detach(), detached(exponent, 'pow_')));
  }
  isnan(): Tensor {
    return unary.isnan(this);
  }
  isinf(): Tensor {
    return unary.isinf(this);
  }
  isfinite(): Tensor {
    return unary.isfinite(this);
  }
  maximum(other: Tensor): Tensor {
    return elementwise.maximum(this, other);
  }
  minimum(other: Tensor): Tensor {
    return elementwise.minimum(this, other);
  }
  fmax(other: Tensor): Tensor {
    return elementwise.fmax(this, other);
  }
  fmin(other: Tensor): Tensor {
    return elementwise.fmin(this, other);
  }
  logaddexp(other: Tensor): Tensor {
    return elementwise.logaddexp(this, other);
  }
  atan2(other: Tensor): Tensor {
    return elementwise.atan2(this, other);
  }
  atan2_(other: Tensor): this {
    return this.assign('atan2_', elementwise.atan2(this.detach(), detachedTensor(other, 'atan2_')));
  }
  hypot(other: Tensor): Tensor {
    return elementwise.hypot(this, other);
  }
  hypot_(other: Tensor): this {
    return this.assign('hypot_', elementwise.hypot(this.detach(), detachedTensor(other, 'hypot_')));
  }
  xlogy(other: TensorOrNumber): Tensor {
    return elementwise.xlogy(this, other);
  }
  xlogy_(other: TensorOrNumber): this {
    return this.assign('xlogy_', elementwise.xlogy(this.detach(), detached(other, 'xlogy_')));
  }
  remainder(other: TensorOrNumber): Tensor {
    return elementwise.remainder(this, other);
  }
  remainder_(other: TensorOrNumber): this {
    return this.assign('remainder_', elementwise.remainder(this.detach(), detached(other, 'remainder_')));
  }
  fmod(other: TensorOrNumber): Tensor {
    return elementwise.fmod(this, other);
  }
  fmod_(other: TensorOrNumber): this {
    return this.assign('fmod_', elementwise.fmod(this.detach(), detached(other, 'fmod_')));
  }
  floorDivide(other: TensorOrNumber): Tensor {
    return elementwise.floorDivide(this, other);
  }
  floorDivide_(other: TensorOrNumber): this {
    return this.assign('floorDivide_', elementwise.floorDivide(this.detach(), detached(other, 'floorDivide_')));
  }
  logicalOr(other: Tensor): Tensor {
    return elementwise.logicalOr(this, other);
  }
  logicalOr_(other: Tensor): this {
    return this.assign('logicalOr_', elementwise.logicalOr(this.detach(), detachedTensor(other, 'logicalOr_')));
  }
  logicalXor(other: Tensor): Tensor {
    return elementwise.logicalXor(this, other);
  }
  logicalXor_(other: Tensor): this {
    return this.assign('logicalXor_', elementwise.logicalXor(this.detach(), detachedTensor(other, 'logicalXor_')));
  }
  bitwiseAnd(other: TensorOrNumber): Tensor {
    return elementwise.bitwiseAnd(this, other);
  }
  bitwiseAnd_(other: TensorOrNumber): this {
    return this.assign('bitwiseAnd_', elementwise.bitwiseAnd(this.detach(), detached(other, 'bitwiseAnd_')));
  }
  bitwiseOr(other: TensorOrNumber): Tensor {
    return elementwise.bitwiseOr(this, other);
  }
  bitwiseOr_(other: TensorOrNumber): this {
    return this.assign('bitwiseOr_', elementwise.bitwiseOr(this.detach(), detached(other, 'bitwiseOr_')));
  }
  bitwiseXor(other: TensorOrNumber): Tensor {
    return elementwise.bitwiseXor(this, other);
  }
  bitwiseXor_(other: TensorOrNumber): this {
    return this.assign('bitwiseXor_', elementwise.bitwiseXor(this.detach(), detached(other, 'bitwiseXor_')));
  }
  bitwiseLeftShift(other: TensorOrNumber): Tensor {
    return elementwise.bitwiseLeftShift(this, other);
  }
  bitwiseLeftShift_(other: TensorOrNumber): this {
    return this.assign('bitwiseLeftShift_', elementwise.bitwiseLeftShift(this.detach(), detached(other, 'bitwiseLeftShift_')));
  }
  bitwiseRightShift(other: TensorOrNumber): Tensor {
    return elementwise.bitwiseRightShift(this, other);
  }
  bitwiseRightShift_(other: TensorOrNumber): this {
    return this.assign('bitwiseRightShift_', elementwise.bitwiseRightShift(this.detach(), detached(other, 'bitwiseRightShift_')));
  }
  /** this + weight * (end - this) (`x.lerp(end, weight)`). */
  lerp(end: Tensor, weight: TensorOrNumber): Tensor {
    return elementwise.lerp(this, end, weight);
  }
  lerp_(end: Tensor, weight: TensorOrNumber): this {
    return this.assign('lerp_', elementwise.lerp(this.detach(), detachedTensor(end, 'lerp_'), detached(weight, 'lerp_')));
  }
  isclose(other: Tensor, rtol = 1e-5, atol = 1e-8, equalNan = false): Tensor {
    return elementwise.isclose(this, other, rtol, atol, equalNan);
  }
  allclose(other: Tensor, rtol = 1e-5, atol = 1e-8, equalNan = false): boolean {
    return elementwise.allclose(this, other, rtol, atol, equalNan);
  }
  /** Whether both tensors have the same shape and elements (`torch.equal`). */
  equal(other: Tensor): boolean {
    return elementwise.equal(this, other);
  }

  // ---- in-place updates (for optimizers and initialisation, under noGrad) ----

  private beginInPlace(where: string): void {
    if (this.requiresGrad && isGradEnabled()) {
      throw new Error(
        this.isLeaf
          ? `${where}: a leaf tensor that requires grad is being used in an in-place operation; wrap the update in noGrad(() => ...)`
          : `${where}: in-place operations on tensors recorded in an autograd graph are not supported; use the out-of-place op`,
      );
    }
    this._version.value++;
  }

  /** Writes `result` into this tensor; unless `anyCast` (copy_), a float result cannot go into an integer tensor, nor an integer one into bool, as in PyTorch. */
  private assign(where: string, result: Tensor, anyCast = false): this {
    if (!sameShape(result.shape, this.shape)) {
      throw new Error(`${where}: the result of shape ${fmt(result.shape)} cannot be written into a tensor of shape ${fmt(this.shape)}`);
    }
    const kind = (d: DType): number => (d === 'bool' ? 0 : d === 'int32' ? 1 : 2);
    if (!anyCast && kind(result.dtype) > kind(this.dtype)) {
      throw new Error(
        `${where}: result type ${result.dtype} can't be cast to the desired output type ${this.dtype} (as in PyTorch); use the out-of-place op, or convert this tensor first`,
      );
    }
    this.beginInPlace(where);
    this.data.set(result.dtype === this.dtype ? result.data : convert(result.data, this.dtype));
    return this;
  }

  /** this += alpha * other, in place. */
  add_(other: TensorOrNumber, alpha = 1): this {
    return this.assign('add_', binary.add(this.detach(), detached(other, 'add_'), alpha));
  }
  /** this -= alpha * other, in place. */
  sub_(other: TensorOrNumber, alpha = 1): this {
    return this.assign('sub_', binary.sub(this.detach(), detached(other, 'sub_'), alpha));
  }
  /** this *= other, in place. */
  mul_(other: TensorOrNumber): this {
    return this.assign('mul_', binary.mul(this.detach(), detached(other, 'mul_')));
  }
  /** this /= other, in place. */
  div_(other: TensorOrNumber): this {
    return this.assign('div_', binary.div(this.detach(), detached(other, 'div_')));
  }
  /** Copies `src` (broadcast to this shape) into this tensor. */
  copy_(src: Tensor): this {
    if (!(src instanceof Tensor)) throw new Error(`copy_: src must be a Tensor, got ${describe(src)}`);
    return this.assign('copy_', layout.expand(src.detach(), this.shape), true);
  }
  /** Sets every element to `value` (a number or a boolean; NaN, inf or beyond 2^31 cannot go into int32). */
  fill_(value: number | boolean): this {
    const element = elementOf(value, this.dtype, 'fill_');
    this.beginInPlace('fill_');
    this.data.fill(element);
    return this;
  }
  zero_(): this {
    return this.fill_(0);
  }
  /** Fills with U(low, high) from the seeded generator (`uniform_`). */
  uniform_(low = 0, high = 1, generator: Generator = defaultGenerator): this {
    this.checkRandomFill('uniform_', generator);
    for (const [name, v] of [
      ['low', low],
      ['high', high],
    ] as const) {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`uniform_: ${name} must be a finite number, got ${describe(v)}`);
    }
    if (low > high) throw new Error(`uniform_: expects to return a [low, high) range, but found low=${low} > high=${high}`);
    this.beginInPlace('uniform_');
    generator.fillUniform(this.data, low, high);
    return this;
  }
  /** Fills with N(mean, std^2) from the seeded generator (`normal_`). */
  normal_(mean = 0, std = 1, generator: Generator = defaultGenerator): this {
    this.checkRandomFill('normal_', generator);
    if (typeof mean !== 'number') throw new Error(`normal_: mean must be a number, got ${describe(mean)}`);
    if (typeof std !== 'number' || !(std >= 0)) throw new Error(`normal_: expects std >= 0.0, but found std ${describe(std)}`);
    this.beginInPlace('normal_');
    generator.fillNormal(this.data, mean, std);
    return this;
  }
  /** Random fills are for float tensors (PyTorch: not implemented for integers), from a Generator. */
  private checkRandomFill(where: string, generator: unknown): void {
    checkGenerator(generator, where);
    if (!isFloatDtype(this.dtype)) throw new Error(`${where}: only floating point tensors can be filled with random samples, this one is ${this.dtype}`);
  }

  // ---- ops (each one is also a function in the tsgrad namespace) ----

  add(other: TensorOrNumber, alpha = 1): Tensor {
    return binary.add(this, other, alpha);
  }
  sub(other: TensorOrNumber, alpha = 1): Tensor {
    return binary.sub(this, other, alpha);
  }
  mul(other: TensorOrNumber): Tensor {
    return binary.mul(this, other);
  }
  div(other: TensorOrNumber): Tensor {
    return binary.div(this, other);
  }
  neg(): Tensor {
    return binary.neg(this);
  }
  /** this ** exponent, for a number or a tensor exponent. */
  pow(exponent: TensorOrNumber): Tensor {
    return unary.pow(this, exponent);
  }
  exp(): Tensor {
    return unary.exp(this);
  }
  log(): Tensor {
    return unary.log(this);
  }
  sqrt(): Tensor {
    return unary.sqrt(this);
  }
  abs(): Tensor {
    return unary.abs(this);
  }
  sign(): Tensor {
    return unary.sign(this);
  }
  clamp(min: number | null = null, max: number | null = null): Tensor {
    return unary.clamp(this, min, max);
  }
  relu(): Tensor {
    return unary.relu(this);
  }
  sigmoid(): Tensor {
    return unary.sigmoid(this);
  }
  tanh(): Tensor {
    return unary.tanh(this);
  }
  matmul(other: Tensor): Tensor {
    return matmul(this, other);
  }
  sum(dim?: reduce.Dims, keepdim = false): Tensor {
    return reduce.sum(this, dim, keepdim);
  }
  mean(dim?: reduce.Dims, keepdim = false): Tensor {
    return reduce.mean(this, dim, keepdim);
  }
  max(): Tensor;
  max(dim: number, keepdim?: boolean): [Tensor, Tensor];
  max(dim?: number, keepdim = false): Tensor | [Tensor, Tensor] {
    return dim === undefined ? reduce.max(this) : reduce.max(this, dim, keepdim);
  }
  min(): Tensor;
  min(dim: number, keepdim?: boolean): [Tensor, Tensor];
  min(dim?: number, keepdim = false): Tensor | [Tensor, Tensor] {
    return dim === undefined ? reduce.min(this) : reduce.min(this, dim, keepdim);
  }
  argmax(dim?: number, keepdim = false): Tensor {
    return reduce.argmax(this, dim, keepdim);
  }
  argmin(dim?: number, keepdim = false): Tensor {
    return reduce.argmin(this, dim, keepdim);
  }
  softmax(dim: number): Tensor {
    return softmaxOps.softmax(this, dim);
  }
  logSoftmax(dim: number): Tensor {
    return softmaxOps.logSoftmax(this, dim);
  }
  /** The same elements in a new shape (one size may be -1): `x.reshape(2, 3)`, `x.reshape([2, -1])`, `x.reshape(-1)`. */
  reshape(...shape: Sizes): Tensor {
    return layout.reshape(this, sizesOf(shape, 'reshape'));
  }
  /** Same as reshape: storage is always contiguous, so every reshape is a view (`x.view(-1, 784)`). */
  view(...shape: Sizes): Tensor {
    const y = layout.reshape(this, sizesOf(shape, 'view'));
    if (tracer !== null) tracer.op('view', [this], { shape: y.shape }, y);
    return y;
  }
  /** This tensor in `other`'s shape (`view_as`). */
  viewAs(other: Tensor): Tensor {
    return layout.reshape(this, checkOther(other, 'viewAs').shape);
  }
  /** This tensor in `other`'s shape (`reshape_as`). */
  reshapeAs(other: Tensor): Tensor {
    return layout.reshape(this, checkOther(other, 'reshapeAs').shape);
  }
  /** This tensor expanded to `other`'s shape (`expand_as`). */
  expandAs(other: Tensor): Tensor {
    return layout.expand(this, checkOther(other, 'expandAs').shape);
  }
  /** Zeros of the given sizes with this tensor's dtype unless told otherwise (`new_zeros`): `x.newZeros(2, 3)`. */
  newZeros(...args: SizesAnd<NewTensorOptions>): Tensor {
    return newFilled(this, args, 0, 'newZeros');
  }
  /** Ones of the given sizes with this tensor's dtype unless told otherwise (`new_ones`). */
  newOnes(...args: SizesAnd<NewTensorOptions>): Tensor {
    return newFilled(this, args, 1, 'newOnes');
  }
  /** A new tensor of the given sizes with this tensor's dtype (`new_empty`); its values are zeros. */
  newEmpty(...args: SizesAnd<NewTensorOptions>): Tensor {
    return newFilled(this, args, 0, 'newEmpty');
  }
  /** `value` in a new tensor of `size` with this tensor's dtype unless told otherwise (`new_full`). */
  newFull(size: Shape, value: number | boolean, options: NewTensorOptions = {}): Tensor {
    if (typeof value !== 'number' && typeof value !== 'boolean') throw new Error(`newFull: fill value must be a number or a boolean, got ${describe(value)}`);
    return newFilled(this, [size, options], value, 'newFull');
  }
  /**
   * A new tensor of `data` (nested arrays, a number, a typed array, or a Tensor, copied) with this
   * tensor's dtype unless told otherwise (`new_tensor`).
   */
  newTensor(data: NestedArray | TypedArray | Tensor, options: NewTensorOptions = {}): Tensor {
    checkOptions(options, ['dtype', 'requiresGrad'], 'newTensor', { device: { why: 'tsgrad runs on the CPU', accepts: ['cpu'] } });
    const dtype = options.dtype === undefined ? this.dtype : checkDtype(options.dtype, 'newTensor');
    const out =
      data instanceof Tensor
        ? data.detach().to(dtype).clone()
        : (({ values, shape }) => new Tensor(values, shape, dtype))(fromNested(data, dtype, false, 'newTensor'));
    if (options.requiresGrad !== undefined) out.requiresGrad_(checkBoolean(options.requiresGrad, 'newTensor', 'requiresGrad'));
    return out;
  }
  /** This tensor in `other`'s dtype (`type_as`). */
  typeAs(other: Tensor): Tensor {
    return this.to(checkOther(other, 'typeAs').dtype);
  }
  flatten(startDim = 0, endDim = -1): Tensor {
    return layout.flatten(this, startDim, endDim);
  }
  squeeze(dim?: number | readonly number[]): Tensor {
    return layout.squeeze(this, dim);
  }
  unsqueeze(dim: number): Tensor {
    return layout.unsqueeze(this, dim);
  }
  transpose(dim0: number, dim1: number): Tensor {
    return layout.transpose(this, dim0, dim1);
  }
  /** The dims reordered: `x.permute(1, 0)` or `x.permute([1, 0])`. */
  permute(...dims: Sizes): Tensor {
    return layout.permute(this, sizesOf(dims, 'permute'));
  }
  /** The dims reversed (a plain transpose for a matrix). */
  get T(): Tensor {
    return layout.T(this);
  }
  /** Repeats size-1 dims to `shape`; a number is a 1-D shape, as `x.expand(3)` in PyTorch. */
  /** Size-1 dims repeated to the sizes given (-1 keeps one): `x.expand(3, -1)` or `x.expand([3, -1])`. */
  expand(...shape: Sizes): Tensor {
    return layout.expand(this, sizesOf(shape, 'expand'));
  }
  gather(dim: number, index: Tensor): Tensor {
    return layout.gather(this, dim, index);
  }
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor {
    return layout.scatterAdd(this, dim, index, src);
  }
  indexAdd(dim: number, index: Tensor, source: Tensor): Tensor {
    return layout.indexAdd(this, dim, index, source);
  }
  sumTo(shape: Shape): Tensor {
    return layout.sumTo(this, shape);
  }
  indexSelect(dim: number, index: Tensor): Tensor {
    return layout.indexSelect(this, dim, index);
  }
  narrow(dim: number, start: number, length: number): Tensor {
    return layout.narrow(this, dim, start, length);
  }
  eq(other: TensorOrNumber): Tensor {
    return binary.eq(this, other);
  }
  ne(other: TensorOrNumber): Tensor {
    return binary.ne(this, other);
  }
  gt(other: TensorOrNumber): Tensor {
    return binary.gt(this, other);
  }
  lt(other: TensorOrNumber): Tensor {
    return binary.lt(this, other);
  }
  ge(other: TensorOrNumber): Tensor {
    return binary.ge(this, other);
  }
  le(other: TensorOrNumber): Tensor {
    return binary.le(this, other);
  }
  logicalAnd(other: TensorOrNumber): Tensor {
    return binary.logicalAnd(this, other);
  }
  logicalAnd_(other: TensorOrNumber): this {
    return this.assign('logicalAnd_', binary.logicalAnd(this.detach(), detached(other, 'logicalAnd_')), true);
  }
}

/** One element holding `value` (a seed gradient; the tensor requiring grad is float). */
function scalarData(value: number, dtype: DType): TypedArray {
  const data = allocate(dtype, 1);
  data[0] = value;
  return data;
}

/** `x` outside the graph, for an in-place op's operand (a Tensor or a number, else an Error naming `where`). */
function detachedTensor(x: Tensor, where: string): Tensor {
  if (!(x instanceof Tensor)) throw new Error(`${where}: other must be a Tensor, got ${describe(x)}`);
  return x.detach();
}

function detached(x: TensorOrNumber, where: string): TensorOrNumber {
  if (!(x instanceof Tensor) && typeof x !== 'number') throw new Error(`${where}: other must be a Tensor or a number, got ${describe(x)}`);
  return x instanceof Tensor ? x.detach() : x;
}

/** A shape, from an array or (as PyTorch's `x.view(16)`) a single size. */
/** Options of `newZeros`, `newOnes`, `newFull`, `newEmpty`: the dtype defaults to the tensor's. */
export interface NewTensorOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

/** A new tensor of `args`' sizes filled with `value`, in t's dtype unless the options say otherwise. */
function newFilled(t: Tensor, args: readonly unknown[], value: number | boolean, where: string): Tensor {
  const [shape, options] = sizesAndOptions<NewTensorOptions>(args, where);
  checkOptions(options, ['dtype', 'requiresGrad'], where, { device: { why: 'tsgrad runs on the CPU', accepts: ['cpu'] } });
  const dtype = options.dtype === undefined ? t.dtype : checkDtype(options.dtype, where);
  const data = allocate(dtype, numel(shape));
  if (value !== 0) data.fill(elementOf(value, dtype, where));
  const out = new Tensor(data, shape, dtype);
  if (options.requiresGrad !== undefined) out.requiresGrad_(checkBoolean(options.requiresGrad, where, 'requiresGrad'));
  return out;
}

function checkOther(other: unknown, where: string): Tensor {
  if (!(other instanceof Tensor)) throw new Error(`${where}: other must be a Tensor, got ${describe(other)}`);
  return other;
}
