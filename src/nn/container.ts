/**
 * Containers: Sequential, Flatten and Unflatten, Identity, ModuleDict, ParameterList and
 * ParameterDict. Their children and parameters are named as in PyTorch's state dicts (`0.weight`,
 * `blocks.enc.weight`, `params.0`).
 */
import { checkInteger, describe } from '../options';
import { checkTensor } from '../ops/helpers';
import { flatten, reshape } from '../ops/layout';
import { fmt, normalizeDim } from '../shape';
import { Tensor } from '../tensor';
import { Module } from './module';
import { Parameter } from './parameter';

type AnyForward = { forward(x: unknown): unknown };

/** Modules applied one after another (`nn.Sequential`); children are named 0, 1, 2, ... */
export class Sequential extends Module {
  private readonly layers: Module[];

  constructor(...modules: Module[]) {
    super();
    modules.forEach((m, i) => {
      if (!(m instanceof Module)) throw new Error(`Sequential: argument ${i} is not a Module, got ${describe(m)}`);
    });
    this.layers = modules;
  }

  override namedChildren(): [string, Module][] {
    return this.layers.map((m, i) => [String(i), m]);
  }

  /** The i-th module (negative counts from the end). */
  at(i: number): Module {
    const m = this.layers[i < 0 ? i + this.layers.length : i];
    if (!m) throw new Error(`Sequential: index ${i} is out of range for ${this.layers.length} modules`);
    return m;
  }

  override get length(): number {
    return this.layers.length;
  }

  forward(x: Tensor): Tensor {
    let out: unknown = x;
    for (const m of this.layers) out = (m as unknown as AnyForward).forward(out);
    return out as Tensor;
  }
}

/** Flattens dims startDim..endDim (`nn.Flatten`; by default all but the batch dim). */
export class Flatten extends Module {
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
    checkInteger(startDim, 'Flatten', 'startDim');
    checkInteger(endDim, 'Flatten', 'endDim');
  }
  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }
  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

/** Returns its input unchanged (`nn.Identity`). */
export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}

/** Python's repr of a tuple of sizes: `(2, 5)`, `(5,)`. */
function pyTuple(sizes: readonly number[]): string {
  return sizes.length === 1 ? `(${sizes[0]},)` : `(${sizes.join(', ')})`;
}

/**
 * Splits dim `dim` of x into `sizes` (`x.unflatten(dim, sizes)`): one size may be -1, inferred; the
 * product must be the dim's size. A reshape, so grad_fn ViewBackward0 as in PyTorch.
 */
function unflattenDim(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  checkTensor(x, 'unflatten');
  const d = normalizeDim(dim, x.ndim, 'unflatten');
  if (sizes.filter((s) => s === -1).length > 1) throw new Error('unflatten: only one dimension can be inferred');
  const size = x.ndim === 0 ? 1 : x.shape[d];
  const known = sizes.reduce((a, s) => (s === -1 ? a : a * s), 1);
  const resolved = sizes.map((s) => (s === -1 && known !== 0 && size % known === 0 ? size / known : s));
  if (resolved.includes(-1) || resolved.reduce((a, s) => a * s, 1) !== size) {
    throw new Error(`unflatten: Provided sizes ${fmt(sizes)} don't multiply up to the size of dim ${dim} (${size}) in the input tensor`);
  }
  return reshape(x, [...x.shape.slice(0, d), ...resolved, ...x.shape.slice(d + 1)]);
}

/** Splits dim `dim` of the input into `unflattenedSize` (`nn.Unflatten`); the inverse of Flatten. */
export class Unflatten extends Module {
  readonly dim: number;
  readonly unflattenedSize: readonly number[];

  constructor(dim: number, unflattenedSize: readonly number[]) {
    super();
    this.dim = checkInteger(dim, 'Unflatten', 'dim');
    if (!Array.isArray(unflattenedSize)) {
      throw new Error(`Unflatten: unflattened_size must be an array of whole numbers such as [2, 5], but found ${describe(unflattenedSize)}`);
    }
    unflattenedSize.forEach((s, i) => {
      if (!Number.isInteger(s) || s < -1) {
        throw new Error(`Unflatten: unflattened_size must be an array of whole numbers (one may be -1), but found ${describe(s)} at pos ${i}`);
      }
    });
    this.unflattenedSize = [...unflattenedSize];
  }

  forward(x: Tensor): Tensor {
    return unflattenDim(x, this.dim, this.unflattenedSize);
  }

  /** `dim=1, unflattened_size=(2, 5)` (the sizes as the tuple PyTorch is usually given). */
  override extraRepr(): string {
    return `dim=${this.dim}, unflattened_size=${pyTuple(this.unflattenedSize)}`;
  }
}

/** What `ModuleDict` and `ParameterDict` are built and updated from: a plain object, a Map, or [key, value] pairs. */
export type DictLike<T> = Readonly<Record<string, T>> | ReadonlyMap<string, T> | Iterable<readonly [string, T]>;

/**
 * The [key, value] pairs of `values`, in PyTorch's order: a Map's or the pairs' own order, and a plain
 * object's in insertion order, or sorted when `sortObjects` (ParameterDict sorts a plain dict).
 */
function pairsOf<T>(values: unknown, where: string, sortObjects: boolean): [string, T][] {
  if (values instanceof Map) return [...(values as Map<string, T>)];
  if (values !== null && typeof values === 'object' && Object.getPrototypeOf(values) === Object.prototype) {
    const pairs = Object.entries(values as Record<string, T>);
    return sortObjects ? pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : pairs;
  }
  if (values !== null && typeof values === 'object' && Symbol.iterator in values && !(values instanceof Tensor)) {
    return [...(values as Iterable<unknown>)].map((pair, i) => {
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw new Error(`${where}: element #${i} of the update sequence must be a [key, value] pair, got ${describe(pair)}`);
      }
      return pair as [string, T];
    });
  }
  throw new Error(`${where} should be called with an object, a Map or an iterable of [key, value] pairs, but got ${describe(values)}`);
}

/** Throws PyTorch's KeyError text unless `key` can name a child in a state dict. */
function checkKey(key: unknown, what: 'module' | 'parameter', where: string): string {
  if (typeof key !== 'string') throw new Error(`${where}: ${what} name should be a string, got ${describe(key)}`);
  if (key.includes('.')) throw new Error(`${where}: ${what} name can't contain ".", got: ${key}`);
  if (key === '') throw new Error(`${where}: ${what} name can't be empty string ""`);
  return key;
}

/**
 * Submodules by name (`nn.ModuleDict`), registered as `name.key`: `get`/`set` stand for PyTorch's
 * `md[key]`, and `keys`, `values`, `items`, `update`, `pop`, `has` (`key in md`) and iteration over
 * the keys are PyTorch's methods. Keys keep insertion order.
 */
export class ModuleDict extends Module {
  private readonly entries = new Map<string, Module>();

  constructor(modules?: DictLike<Module>) {
    super();
    if (modules !== undefined) this.update(modules);
  }

  override namedChildren(): [string, Module][] {
    return [...this.entries];
  }

  /** The module under `key` (`md[key]`); an Error when there is none. */
  get(key: string): Module {
    const m = this.entries.get(key);
    if (m === undefined) throw new Error(`ModuleDict: no module under key ${JSON.stringify(key)} (keys: ${[...this.entries.keys()].join(', ')})`);
    return m;
  }

  /** Puts `module` under `key` (`md[key] = module`), replacing any module there; returns this. */
  set(key: string, module: Module): this {
    checkKey(key, 'module', 'ModuleDict');
    if (!(module instanceof Module)) throw new Error(`ModuleDict: ${describe(module)} is not a Module subclass`);
    // PyTorch's add_module rejects names of the module's own attributes
    if (!this.entries.has(key) && key in this) throw new Error(`ModuleDict: attribute '${key}' already exists`);
    this.entries.set(key, module);
    return this;
  }

  /** Whether `key` is in the dict (`key in md`). */
  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Removes the module under `key` and returns it (`md.pop(key)`); an Error when there is none. */
  pop(key: string): Module {
    const m = this.get(key);
    this.entries.delete(key);
    return m;
  }

  /** Removes every module (`md.clear()`). */
  clear(): void {
    this.entries.clear();
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  values(): Module[] {
    return [...this.entries.values()];
  }

  items(): [string, Module][] {
    return [...this.entries];
  }

  /** Adds or replaces modules from an object, a Map or [key, module] pairs, in their order (`md.update(...)`). */
  update(modules: DictLike<Module>): this {
    for (const [key, m] of pairsOf<Module>(modules, 'ModuleDict.update', false)) this.set(key, m);
    return this;
  }

  override get length(): number {
    return this.entries.size;
  }

  /** Iterates over the keys, as Python's `for key in md`. */
  [Symbol.iterator](): IterableIterator<string> {
    return this.entries.keys();
  }

  forward(): never {
    throw new Error('ModuleDict has no forward(); call its modules in your own forward()');
  }
}

/** `tensor` as a Parameter: itself if it is one, else a Parameter sharing its storage (requiring grad), as PyTorch wraps plain tensors. */
function asParameter(tensor: unknown, where: string): Parameter {
  if (tensor instanceof Parameter) return tensor;
  if (!(tensor instanceof Tensor)) throw new Error(`${where}: expected a Tensor or a Parameter, got ${describe(tensor)}`);
  return new Parameter(tensor);
}

/** `Parameter containing: [torch.float32 of size 2x3]`, PyTorch's one-line description of a parameter in a list or dict. */
function describeParameter(p: Parameter, typeName: string): string {
  return `Parameter containing: [${typeName} of size ${p.shape.join('x')}]`;
}

/** torch.typename of a tensor of `dtype` (`torch.FloatTensor`), as ParameterDict prints it. */
const LEGACY_TYPE_NAMES: Readonly<Record<string, string>> = {
  float32: 'torch.FloatTensor',
  float64: 'torch.DoubleTensor',
  int32: 'torch.IntTensor',
  bool: 'torch.BoolTensor',
};

/**
 * A list of parameters registered as `name.0`, `name.1`, ... (`nn.ParameterList`). Plain tensors
 * are wrapped as Parameters (sharing storage, requiring grad). `get`/`set` stand for `pl[i]` and
 * `pl[i] = p` (negative i counts from the end); `append`, `extend`, `length` and iteration as in PyTorch.
 */
export class ParameterList extends Module {
  private readonly items: Parameter[] = [];

  constructor(values?: Iterable<Tensor>) {
    super();
    if (values !== undefined) this.extend(values);
  }

  protected override namedOwnParameters(): [string, Parameter][] {
    return this.items.map((p, i) => [String(i), p]);
  }

  private position(i: number): number {
    const n = this.items.length;
    if (!Number.isInteger(i) || i < -n || i >= n) throw new Error(`ParameterList: index ${i} is out of range`);
    return i < 0 ? i + n : i;
  }

  /** The parameter at `i` (`pl[i]`). */
  get(i: number): Parameter {
    return this.items[this.position(i)];
  }

  /** Puts `value` (wrapped as a Parameter if it is a plain tensor) at `i` (`pl[i] = value`); returns this. */
  set(i: number, value: Tensor): this {
    this.items[this.position(i)] = asParameter(value, 'ParameterList.set');
    return this;
  }

  /** Adds `value` at the end (wrapped as a Parameter if it is a plain tensor); returns this. */
  append(value: Tensor): this {
    this.items.push(asParameter(value, 'ParameterList.append'));
    return this;
  }

  /** Appends each of `values`; returns this. */
  extend(values: Iterable<Tensor>): this {
    if (values === null || typeof values !== 'object' || !(Symbol.iterator in values) || values instanceof Tensor) {
      throw new Error(`ParameterList.extend should be called with an iterable of tensors, but got ${describe(values)}`);
    }
    for (const v of values) this.append(v);
    return this;
  }

  override get length(): number {
    return this.items.length;
  }

  [Symbol.iterator](): IterableIterator<Parameter> {
    return this.items[Symbol.iterator]();
  }

  /** One line per parameter, `  (0): Parameter containing: [torch.float32 of size 2x3]`, as PyTorch's extra_repr. */
  override extraRepr(): string {
    return this.items.map((p, i) => `  (${i}): ${describeParameter(p, `torch.${p.dtype}`)}`).join('\n');
  }

  forward(): never {
    throw new Error('ParameterList has no forward(); use its parameters in your own forward()');
  }
}

/**
 * Parameters by name (`nn.ParameterDict`), registered as `name.key`. Plain tensors are wrapped as
 * Parameters. `get`/`set` stand for `pd[key]` and `pd[key] = p`; `keys`, `values`, `items`, `update`,
 * `pop`, `has`, `length` and iteration over the keys as in PyTorch. As in PyTorch, a plain object
 * is taken in sorted key order (a Map or [key, value] pairs keep theirs).
 */
export class ParameterDict extends Module {
  private readonly entries = new Map<string, Parameter>();

  constructor(parameters?: DictLike<Tensor>) {
    super();
    if (parameters !== undefined) this.update(parameters);
  }

  protected override namedOwnParameters(): [string, Parameter][] {
    return [...this.entries];
  }

  /** The parameter under `key` (`pd[key]`); an Error when there is none. */
  get(key: string): Parameter {
    const p = this.entries.get(key);
    if (p === undefined) throw new Error(`ParameterDict: no parameter under key ${JSON.stringify(key)} (keys: ${[...this.entries.keys()].join(', ')})`);
    return p;
  }

  /** Puts `value` (wrapped as a Parameter if it is a plain tensor) under `key`; returns this. */
  set(key: string, value: Tensor): this {
    checkKey(key, 'parameter', 'ParameterDict');
    this.entries.set(key, asParameter(value, 'ParameterDict.set'));
    return this;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Removes the parameter under `key` and returns it (`pd.pop(key)`). */
  pop(key: string): Parameter {
    const p = this.get(key);
    this.entries.delete(key);
    return p;
  }

  clear(): void {
    this.entries.clear();
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  values(): Parameter[] {
    return [...this.entries.values()];
  }

  items(): [string, Parameter][] {
    return [...this.entries];
  }

  /** Adds or replaces parameters from an object (in sorted key order, as PyTorch), a Map or [key, tensor] pairs. */
  update(parameters: DictLike<Tensor>): this {
    for (const [key, p] of pairsOf<Tensor>(parameters, 'ParameterDict.update', true)) this.set(key, p);
    return this;
  }

  override get length(): number {
    return this.entries.size;
  }

  [Symbol.iterator](): IterableIterator<string> {
    return this.entries.keys();
  }

  /** One line per parameter, `  (w): Parameter containing: [torch.FloatTensor of size 2x3]`, as PyTorch's extra_repr. */
  override extraRepr(): string {
    return [...this.entries].map(([k, p]) => `  (${k}): ${describeParameter(p, LEGACY_TYPE_NAMES[p.dtype])}`).join('\n');
  }

  forward(): never {
    throw new Error('ParameterDict has no forward(); use its parameters in your own forward()');
  }
}
