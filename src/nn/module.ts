import { noGrad } from '../autograd/grad-mode';
import { convert, type DeviceLike, type DType, isCpuDevice, isFloatDtype } from '../dtype';
import { checkBoolean, checkOptions, describe } from '../options';
import { fmt, sameShape } from '../shape';
import { Tensor } from '../tensor';
import { Parameter } from './parameter';

/** What `loadStateDict` reports when `strict` is off. */
export interface LoadResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/** The ModuleList for each array-of-modules field (see `Module.listOf`). */
const listWrappers = new WeakMap<readonly Module[], ModuleList>();

/** Each module's registered buffers by field name (`registerBuffer`): whether the state dict holds them, and their key there. */
const bufferNames = new WeakMap<Module, Map<string, { persistent: boolean; key: string }>>();

/**
 * The base of every layer and model (`nn.Module`). Subclasses assign submodules and parameters as
 * fields in their constructor and implement `forward`, which is how a module is called:
 *
 * ```ts
 * class NeuralNet2 extends nn.Module {
 *   linear1 = new nn.Linear(784, 5);
 *   relu = new nn.ReLU();
 *   linear2 = new nn.Linear(5, 3);
 *   forward(x: Tensor): Tensor { return this.linear2.forward(this.relu.forward(this.linear1.forward(x))); }
 * }
 * ```
 *
 * Parameters and submodules are found by walking the own fields in definition order (arrays of
 * modules too, named `layers.0`), with PyTorch's dotted names. State that is not learned (a loss's
 * class weights, running statistics) is a buffer: `registerBuffer` declares a field as one.
 */
// NOTE: merged with the class below to give every module a call signature typed by its own
// forward: `model(x)` takes forward's parameters and returns its result, in every subclass.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface Module {
  /** Runs `forward` (PyTorch's `model(x)`). */
  (...args: Parameters<this['forward']>): ReturnType<this['forward']>;
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export abstract class Module {
  /** Training mode (true) or evaluation mode; set with `train()` / `eval()`. */
  declare training: boolean;

  abstract forward(...args: never[]): unknown;

  /**
   * Makes the module callable: the object `new` returns is a function that runs `forward`, with
   * the subclass's prototype, so methods, fields, `instanceof` and printing are a plain object's.
   */
  constructor() {
    const call = (...args: never[]): unknown => module.forward(...args);
    const module = call as unknown as Module;
    // a function's own `name` and `length` would hide subclass fields and getters of those names
    delete (call as { name?: string }).name;
    delete (call as { length?: number }).length;
    Object.setPrototypeOf(call, new.target.prototype);
    // NOTE: set here, not as a field initializer: those of this base class would run on the object
    // `new` made before this constructor replaced it (subclasses' run on the returned function)
    module.training = true;
    return module;
  }

  /** PyTorch's `extra_repr`: the text inside `Name(...)` when printed, e.g. `in_features=784, ...`. */
  extraRepr(): string {
    return '';
  }

  /** The module's direct submodules with their names: own fields holding a Module or an array of them. */
  namedChildren(): [string, Module][] {
    const out: [string, Module][] = [];
    for (const [key, value] of Object.entries(this)) {
      if (value instanceof Module) out.push([key, value]);
      else if (Array.isArray(value) && value.length > 0 && value.every((v) => v instanceof Module)) {
        out.push([key, this.listOf(value as Module[])]);
      }
    }
    return out;
  }

  /**
   * The ModuleList standing for an array field: one per array, kept, so that its `training` flag
   * (set by train/eval) and its identity last from one call to the next.
   */
  private listOf(modules: Module[]): ModuleList {
    let list = listWrappers.get(modules);
    if (!list) {
      list = new ModuleList(modules);
      list.training = this.training;
      listWrappers.set(modules, list);
    }
    return list;
  }

  /** The module's own parameters (not its submodules'): own fields holding a Parameter. */
  protected namedOwnParameters(): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    for (const [key, value] of Object.entries(this)) if (value instanceof Parameter) out.push([key, value]);
    return out;
  }

  /**
   * Declares the field `name` a buffer holding `tensor` (`register_buffer`): not a parameter, but
   * part of the module's state: listed by `buffers()`, converted by `to(dtype)` when floating point,
   * and, unless `persistent` is false, saved by `stateDict()` and restored by `loadStateDict()`.
   * Assigning the field later replaces the buffer; a null buffer is skipped. In a subclass, declare
   * the field with `declare` (`declare runningMean: Tensor;`) so that no initializer overwrites it.
   * `key` is the buffer's name in the state dict and `namedBuffers()` when it differs from the field's,
   * e.g. PyTorch's `running_mean` for the field `runningMean`, so that state dicts move both ways.
   */
  registerBuffer(name: string, tensor: Tensor | null, options: { persistent?: boolean; key?: string } = {}): void {
    checkOptions(options, ['persistent', 'key'], 'registerBuffer');
    if (options.persistent !== undefined) checkBoolean(options.persistent, 'registerBuffer', 'persistent');
    if (typeof name !== 'string' || name === '' || name.includes('.')) {
      throw new Error(`registerBuffer: a buffer name must be a non-empty string without ".", got ${JSON.stringify(name)}`);
    }
    const key = options.key ?? name;
    if (typeof key !== 'string' || key === '' || key.includes('.')) {
      throw new Error(`registerBuffer: key must be a non-empty string without ".", got ${describe(key)}`);
    }
    let names = bufferNames.get(this);
    for (const [field, entry] of names ?? []) {
      if (field !== name && entry.key === key)
        throw new Error(`registerBuffer: key "${key}" is already the key of buffer "${field}" on ${this.constructor.name}`);
    }
    if (key !== name && key in this) throw new Error(`registerBuffer: key "${key}" is the name of attribute "${key}" of ${this.constructor.name}`);
    const fields = this as unknown as Record<string, Tensor | null | undefined>;
    // a field declared without a value (`runningMean!: Tensor;`) is undefined here, and free to take
    if (name in this && fields[name] !== undefined && !names?.has(name))
      throw new Error(`registerBuffer: attribute "${name}" already exists on ${this.constructor.name}`);
    if (tensor !== null && !(tensor instanceof Tensor)) throw new Error(`registerBuffer: buffer "${name}" must be a Tensor or null, got ${describe(tensor)}`);
    if (tensor instanceof Parameter) throw new Error(`registerBuffer: "${name}" is a Parameter; assign it to a field to register it as a parameter`);
    if (!names) bufferNames.set(this, (names = new Map()));
    names.set(name, { persistent: options.persistent ?? true, key });
    fields[name] = tensor;
  }

  /** The module's own buffers (not its submodules') as [key, tensor, field], those saved in the state dict only if `persistentOnly`. */
  private namedOwnBuffers(persistentOnly: boolean): [string, Tensor, string][] {
    const out: [string, Tensor, string][] = [];
    const fields = this as unknown as Record<string, unknown>;
    for (const [field, { persistent, key }] of bufferNames.get(this) ?? []) {
      const value = fields[field];
      if (value instanceof Tensor && (persistent || !persistentOnly)) out.push([key, value, field]);
    }
    return out;
  }

  /** Every buffer with its dotted name, each listed once (`named_buffers()`). */
  namedBuffers(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    for (const [moduleName, module] of this.namedModules(prefix)) {
      for (const [key, b] of module.namedOwnBuffers(false)) {
        if (seen.has(b)) continue;
        seen.add(b);
        out.push([moduleName ? `${moduleName}.${key}` : key, b]);
      }
    }
    return out;
  }

  /** Every buffer, each once. */
  buffers(): Tensor[] {
    return this.namedBuffers().map(([, b]) => b);
  }

  /** The direct submodules, each once even when assigned to two fields. */
  children(): Module[] {
    return [...new Set(this.namedChildren().map(([, m]) => m))];
  }

  /**
   * This module and every module below it, depth first, with dotted names ('' for this one). A
   * module reachable by two names is listed once, under the first, unless `removeDuplicate` is false
   * (a module is still never entered from inside itself, so a field pointing back up cannot loop).
   */
  namedModules(prefix = '', removeDuplicate = true): [string, Module][] {
    if (typeof prefix !== 'string') throw new Error(`namedModules: prefix must be a string, got ${describe(prefix)}`);
    checkBoolean(removeDuplicate, 'namedModules', 'removeDuplicate');
    const out: [string, Module][] = [];
    const seen = new Set<Module>();
    const path = new Set<Module>();
    const visit = (name: string, module: Module): void => {
      if (removeDuplicate ? seen.has(module) : path.has(module)) return;
      seen.add(module);
      path.add(module);
      out.push([name, module]);
      for (const [key, child] of module.namedChildren()) visit(name ? `${name}.${key}` : key, child);
      path.delete(module);
    };
    visit(prefix, this);
    return out;
  }

  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /**
   * Every parameter with its dotted name (`linear1.weight`), each listed once even when shared,
   * unless `removeDuplicate` is false (then a shared one appears under every name, as in stateDict).
   */
  namedParameters(prefix = '', removeDuplicate = true): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    const seen = new Set<Parameter>();
    for (const [moduleName, module] of this.namedModules(prefix, removeDuplicate)) {
      for (const [key, p] of module.namedOwnParameters()) {
        if (removeDuplicate && seen.has(p)) continue;
        seen.add(p);
        out.push([moduleName ? `${moduleName}.${key}` : key, p]);
      }
    }
    return out;
  }

  /** Every parameter, in definition order, each once. */
  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Sets training mode on this module and all below it; returns this. */
  train(mode = true): this {
    checkBoolean(mode, 'train', 'mode');
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Sets evaluation mode (`train(false)`); returns this. */
  eval(): this {
    return this.train(false);
  }

  /** Clears every parameter's gradient: to null (PyTorch's default `set_to_none=True`), or to zeros with `setToNone` false. */
  zeroGrad(setToNone = true): void {
    if (typeof setToNone !== 'boolean') throw new Error(`zeroGrad: setToNone must be true or false, got ${describe(setToNone)}`);
    for (const p of this.parameters()) p._clearGrad(setToNone, 'zeroGrad');
  }

  /**
   * Converts every parameter (and its gradient) to a float dtype in place, keeping the Parameter
   * objects, and replaces every floating-point buffer with a converted copy; returns this.
   * `to('cpu')` changes nothing and returns this (tsgrad runs on the CPU); other devices are an Error.
   */
  to(dtype: DType | DeviceLike, dtype2?: DType): this {
    if (isCpuDevice(dtype, 'Module.to')) return dtype2 === undefined ? this : this.to(dtype2);
    if (dtype === 'int32' || dtype === 'bool') throw new Error(`Module.to: parameters must stay floating point, got ${dtype}`);
    if (dtype !== 'float32' && dtype !== 'float64') {
      throw new Error(`Module.to: expected a float dtype ('float32' or 'float64') or 'cpu', got ${describe(dtype)}`);
    }
    for (const p of this.parameters()) {
      if (p.dtype === dtype) continue;
      const grad = p.grad;
      p._replaceData(convert(p.data, dtype), dtype);
      if (grad) p.grad = new Tensor(convert(grad.data, dtype), grad.shape, dtype);
    }
    for (const module of this.modules()) {
      for (const [, b, field] of module.namedOwnBuffers(false)) {
        if (isFloatDtype(b.dtype) && b.dtype !== dtype) {
          (module as unknown as Record<string, Tensor>)[field] = new Tensor(convert(b.data, dtype), b.shape, dtype);
        }
      }
    }
    return this;
  }

  /** This module: it is on the CPU already (`model.cpu()`). */
  cpu(): this {
    return this;
  }

  /** An Error: tsgrad runs on the CPU. */
  cuda(): never {
    isCpuDevice('cuda', 'Module.cuda');
    throw new Error('Module.cuda: tsgrad runs on the CPU');
  }

  /** Calls `fn` on every module below this one and on this one (children first); returns this. */
  apply(fn: (module: Module) => void): this {
    if (typeof fn !== 'function') throw new Error(`apply: fn must be a function of a module, got ${describe(fn)}`);
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  /**
   * Every parameter and persistent buffer by dotted name, module by module (each module's
   * parameters, then its buffers), as `state_dict()` orders them. As in PyTorch, a parameter shared
   * by two modules (tied weights) appears under both names.
   */
  private namedState(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [moduleName, module] of this.namedModules('', false)) {
      const prefix = moduleName ? `${moduleName}.` : '';
      for (const [key, p] of module.namedOwnParameters()) out.push([prefix + key, p]);
      for (const [key, b] of module.namedOwnBuffers(true)) out.push([prefix + key, b]);
    }
    return out;
  }

  /** A plain object of detached copies of the parameters and persistent buffers, by dotted name (`state_dict()`). */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const [name, t] of this.namedState()) out[name] = new Tensor(t.data.slice(), t.shape, t.dtype);
    return out;
  }

  /**
   * Copies values from a state dict into the parameters and buffers (`load_state_dict`). Every key and shape is
   * checked first; all problems are listed in one Error and nothing is changed. With `strict` off,
   * missing and unexpected keys are reported instead of failing.
   */
  loadStateDict(stateDict: Record<string, Tensor>, options: { strict?: boolean } = {}): LoadResult {
    if (stateDict === null || typeof stateDict !== 'object' || Array.isArray(stateDict) || stateDict instanceof Tensor || ArrayBuffer.isView(stateDict)) {
      throw new Error(`loadStateDict: expected a state dict (an object of Tensors by name, as stateDict() returns), got ${describe(stateDict)}`);
    }
    checkOptions(options, ['strict'], 'loadStateDict', { assign: { why: 'tsgrad copies the values into the existing parameters', accepts: [false] } });
    const strict = checkBoolean(options.strict ?? true, 'loadStateDict', 'strict');
    const state = new Map(this.namedState());
    const missingKeys = [...state.keys()].filter((k) => !(k in stateDict));
    const unexpectedKeys = Object.keys(stateDict).filter((k) => !state.has(k));
    const problems: string[] = [];
    if (strict && missingKeys.length) problems.push(`Missing key(s) in state_dict: ${missingKeys.map((k) => `"${k}"`).join(', ')}.`);
    if (strict && unexpectedKeys.length) problems.push(`Unexpected key(s) in state_dict: ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}.`);
    for (const [name, p] of state) {
      const value = stateDict[name];
      if (value === undefined) continue;
      if (!(value instanceof Tensor)) problems.push(`value for ${name} is not a Tensor.`);
      else if (!sameShape(value.shape, p.shape)) {
        problems.push(
          `size mismatch for ${name}: copying a param with shape ${fmt(value.shape)} from checkpoint, the shape in current model is ${fmt(p.shape)}.`,
        );
      }
    }
    if (problems.length) {
      throw new Error(`Error(s) in loading state_dict for ${this.constructor.name}:\n\t${problems.join('\n\t')}`);
    }
    noGrad(() => {
      for (const [name, p] of state) {
        const value = stateDict[name];
        if (!value) continue;
        p.data.set(value.dtype === p.dtype ? value.data : convert(value.data, p.dtype));
        p._version.value++;
      }
    });
    return { missingKeys, unexpectedKeys };
  }

  /** PyTorch's module tree: `Name(\n  (child): Child(...)\n)`. */
  toString(): string {
    const extra = this.extraRepr();
    const extraLines = extra ? extra.split('\n') : [];
    const childLines = this.namedChildren().map(([key, child]) => `(${key}): ${String(child).split('\n').join('\n  ')}`);
    const lines = [...extraLines, ...childLines];
    let text = `${this.constructor.name}(`;
    if (extraLines.length === 1 && childLines.length === 0) text += extraLines[0];
    else if (lines.length > 0) text += `\n  ${lines.join('\n  ')}\n`;
    return `${text})`;
  }

  /** So that `console.log(model)` prints the module tree in Node. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

// Modules are functions (see the constructor): Function.prototype's call, apply and bind work on them,
// as their type says.
Object.setPrototypeOf(Module.prototype, Function.prototype);

/** A list of modules whose parameters are registered as `name.0`, `name.1`, ... (`nn.ModuleList`). */
export class ModuleList extends Module {
  constructor(readonly items: readonly Module[] = []) {
    super();
  }

  override namedChildren(): [string, Module][] {
    return this.items.map((m, i) => [String(i), m]);
  }

  override get length(): number {
    return this.items.length;
  }

  /** PyTorch's ModuleList repr: runs of identical modules print once, as `(0-2): 3 x Linear(...)`. */
  override toString(): string {
    if (this.items.length === 0) return 'ModuleList()';
    const blocks: { start: number; end: number; text: string }[] = [];
    this.items.forEach((m, i) => {
      const text = String(m);
      const last = blocks[blocks.length - 1];
      if (last && last.text === text) last.end = i;
      else blocks.push({ start: i, end: i, text });
    });
    const lines = blocks.map(({ start, end, text }) => {
      const head = start === end ? `(${start}): ` : `(${start}-${end}): ${end - start + 1} x `;
      return `${head}${text}`.split('\n').join('\n  ');
    });
    return `ModuleList(\n  ${lines.join('\n  ')}\n)`;
  }

  forward(): never {
    throw new Error('ModuleList has no forward(); call its modules in your own forward()');
  }
}
