import { enableGrad } from '../autograd/grad-mode';
import { isFloatDtype } from '../dtype';
import { checkOptions as checkOptionKeys, describe as describeValue, type Unsupported } from '../options';
import { Tensor } from '../tensor';
import { describe, isPlainObject, OPTIMIZER_UNSUPPORTED } from './helpers';

/** One parameter group: the tensors it updates and the options they use (`optimizer.param_groups[i]`). */
export type ParamGroup<O> = O & { params: Tensor[] };

/** A parameter group as given to a constructor; options it leaves out come from the optimizer's. */
export type ParamGroupInput<O> = Partial<O> & { params: Tensor | Iterable<Tensor> };

/** What an optimizer updates: tensors (`model.parameters()`) or a list of parameter groups. */
export type Params<O> = Iterable<Tensor> | Iterable<ParamGroupInput<O>>;

/** One parameter's optimizer state: numbers and buffers (tensors of the parameter's shape) by name. */
export type StateEntry = { [key: string]: number | Tensor | undefined };

/**
 * An optimizer's saved form (`state_dict()`): the state by parameter index (counting through the
 * groups in order) and each group's options with the indices of its parameters. Tensors are copies.
 */
export interface OptimizerStateDict<O = object, S extends StateEntry = StateEntry> {
  state: Record<number, S>;
  paramGroups: (O & { params: number[] })[];
}

/**
 * The base of every optimizer (`torch.optim.Optimizer`): parameter groups, per-parameter state in
 * a `Map` keyed by parameter, `zeroGrad`, `step`, and `stateDict` / `loadStateDict`. Subclasses
 * validate their options and update one group in place on the parameters' storage, so a step never
 * builds a graph, inside `noGrad` or not.
 */
export abstract class Optimizer<O extends object, S extends StateEntry> {
  /** The options every group starts from (`optimizer.defaults`). */
  readonly defaults: Readonly<O>;
  /** The parameter groups; change an option here (e.g. `paramGroups[0].lr`) to change later steps. */
  readonly paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state, made on a parameter's first step with a gradient. */
  readonly state = new Map<Tensor, S>();
  /**
   * @internal How many times `step` has run (PyTorch's `optimizer._opt_called` / `_step_count`), so an
   * LR scheduler can warn when its `step()` comes before the optimizer's first.
   */
  _stepCount = 0;
  /** What `unsupportedOptions` returns unless a subclass overrides it. */
  private readonly leftOut: Unsupported;

  /** `unsupported`: the PyTorch options of this optimizer that tsgrad leaves out (see `unsupportedOptions`). */
  constructor(params: Params<O>, defaults: O, unsupported: Unsupported = OPTIMIZER_UNSUPPORTED) {
    this.leftOut = unsupported;
    this.checkOptions(defaults);
    this.defaults = copyOptions(defaults);
    if (params instanceof Tensor || params == null || typeof (params as Iterable<unknown>)[Symbol.iterator] !== 'function') {
      throw new Error(`params argument given to the optimizer should be an iterable of Tensors or parameter groups, but got ${describe(params)}`);
    }
    const list = [...(params as Iterable<Tensor | ParamGroupInput<O>>)];
    if (list.length === 0) throw new Error('optimizer got an empty parameter list');
    const groups = list[0] instanceof Tensor ? [{ params: list } as unknown as ParamGroupInput<O>] : (list as ParamGroupInput<O>[]);
    for (const group of groups) this.addParamGroup(group);
  }

  /**
   * Checks a group's options and throws PyTorch's message for the first bad one.
   * NOTE: the base constructor calls it, before a subclass's own fields are initialised.
   */
  protected abstract checkOptions(options: O): void;

  /** The PyTorch options of this optimizer that tsgrad leaves out (for `checkOptions`' messages). */
  protected unsupportedOptions(): Unsupported {
    return this.leftOut;
  }

  /** Updates every parameter of `group` that has a gradient, in place. */
  protected abstract updateGroup(group: ParamGroup<O>): void;

  /**
   * Checks one saved state entry for `param` (whose group now has `options`) and returns a copy of
   * it in the parameter's dtype; throws when a buffer is missing or has the wrong shape.
   */
  protected abstract loadStateEntry(entry: unknown, param: Tensor, options: O): S;

  /** Adds a group of parameters, with options overriding the defaults (`add_param_group`). */
  addParamGroup(group: ParamGroupInput<O>): void {
    if (group === null || typeof group !== 'object' || group instanceof Tensor || !('params' in group)) {
      throw new Error(`param_group must be an object with a params field, but got ${describe(group)}`);
    }
    const name = this.constructor.name;
    checkOptionKeys(group, ['params', ...Object.keys(this.defaults)], `${name}: parameter group`, this.unsupportedOptions());
    const { params: given, ...overrides } = group;
    const params = given instanceof Tensor ? [given] : [...(given as Iterable<Tensor>)];
    for (const p of params) {
      if (!(p instanceof Tensor)) throw new Error(`optimizer can only optimize Tensors, but one of the params is ${describe(p)}`);
      if (!p.isLeaf && p.gradFn?.retainGradOf !== p) throw new Error("can't optimize a non-leaf Tensor");
      if (!isFloatDtype(p.dtype)) throw new Error(`optimizer can only optimize floating point tensors, but one of the params is ${p.dtype}`);
    }
    if (new Set(params).size !== params.length) {
      throw new Error('optimizer contains a parameter group with duplicate parameters');
    }
    for (const other of this.paramGroups) {
      if (other.params.some((p) => params.includes(p))) throw new Error('some parameters appear in more than one parameter group');
    }
    const options = { ...this.defaults, ...withoutUndefined(overrides) } as O;
    this.checkOptions(options);
    this.paramGroups.push({ ...copyOptions(options), params });
  }

  /** Clears every parameter's gradient: to null (PyTorch's default `zero_grad(set_to_none=True)`), or to zeros with `setToNone` false. */
  zeroGrad(setToNone = true): void {
    if (typeof setToNone !== 'boolean') throw new Error(`zeroGrad: setToNone must be true or false, got ${describeValue(setToNone)}`);
    for (const group of this.paramGroups) for (const p of group.params) p._clearGrad(setToNone, 'zeroGrad');
  }

  /**
   * One update of every parameter that has a gradient. `closure`, if given, recomputes the loss
   * (with grad mode on) before the update, and its value is returned.
   */
  step(): void;
  step<T>(closure: () => T): T;
  step<T>(closure?: () => T): T | undefined {
    if (closure !== undefined && typeof closure !== 'function') {
      throw new Error(`${this.constructor.name}.step: closure must be a function that recomputes the loss, got ${describeValue(closure)}`);
    }
    const loss = closure ? enableGrad(closure) : undefined;
    // every group is checked before any parameter changes, so a step that fails changes nothing
    this.paramGroups.forEach((group, g) => this.checkGroupTypes(group, g));
    for (const group of this.paramGroups) this.updateGroup(group);
    this._stepCount++;
    return loss;
  }

  /**
   * Throws when a group's option was changed (`paramGroups[g].lr = ...`) to a value of another type
   * than its default (a string lr would make every parameter NaN), or a param to a non-float tensor.
   * Values are not range-checked here: PyTorch steps with a negative lr set after construction too.
   */
  private checkGroupTypes(group: ParamGroup<O>, g: number): void {
    const where = `${this.constructor.name}.step: paramGroups[${g}]`;
    for (const [key, fallback] of Object.entries(this.defaults)) {
      const value = (group as Record<string, unknown>)[key];
      if (Array.isArray(fallback)) {
        if (!Array.isArray(value) || value.length !== fallback.length || value.some((v) => typeof v !== 'number')) {
          throw new Error(`${where}.${key} must be an array of ${fallback.length} numbers, got ${describeValue(value)}`);
        }
      } else if (typeof value !== typeof fallback) {
        throw new Error(`${where}.${key} must be a ${typeof fallback}, got ${describeValue(value)}`);
      }
    }
    group.params.forEach((p, i) => {
      if (!(p instanceof Tensor) || !isFloatDtype(p.dtype)) throw new Error(`${where}.params[${i}] must be a floating point Tensor, got ${describeValue(p)}`);
    });
  }

  /** The state by parameter index and the groups' options, as copies (`state_dict()`). */
  stateDict(): OptimizerStateDict<O, S> {
    const state: Record<number, S> = {};
    const paramGroups: (O & { params: number[] })[] = [];
    let index = 0;
    for (const { params, ...options } of this.paramGroups) {
      const ids: number[] = [];
      for (const p of params) {
        const entry = this.state.get(p);
        if (entry) state[index] = copyEntry(entry);
        ids.push(index++);
      }
      paramGroups.push({ ...copyOptions(options as O), params: ids });
    }
    return { state, paramGroups };
  }

  /**
   * Loads what `stateDict()` returned (`load_state_dict`): the groups' options and the state, matched
   * to this optimizer's parameters by index. Everything is checked first (group and parameter counts,
   * options, every buffer's shape); all problems are listed in one Error and nothing is changed.
   */
  loadStateDict(stateDict: OptimizerStateDict<O, S>): void {
    const name = this.constructor.name;
    if (!isPlainObject(stateDict) || !isPlainObject(stateDict.state) || !Array.isArray(stateDict.paramGroups)) {
      throw new Error(`${name}.loadStateDict: expected an object { state, paramGroups } as stateDict() returns, got ${describe(stateDict)}`);
    }
    const saved = stateDict.paramGroups as unknown[];
    if (saved.length !== this.paramGroups.length) {
      throw new Error(`loaded state dict has a different number of parameter groups (${saved.length}) than the optimizer (${this.paramGroups.length})`);
    }
    const problems: string[] = [];
    const newOptions: O[] = [];
    const targets = new Map<number, { param: Tensor; options: O }>();
    saved.forEach((savedGroup, g) => {
      const group = this.paramGroups[g];
      if (!isPlainObject(savedGroup) || !Array.isArray(savedGroup.params)) {
        problems.push(`paramGroups[${g}] is not a parameter group with a params list.`);
        return;
      }
      const { params: ids, ...rest } = savedGroup as { params: unknown[] };
      try {
        checkOptionKeys(savedGroup, ['params', ...Object.keys(this.defaults)], `paramGroups[${g}]`);
      } catch (e) {
        problems.push((e as Error).message);
      }
      if (ids.length !== group.params.length) {
        problems.push(
          `loaded state dict contains a parameter group that doesn't match the size of optimizer's group: ` +
            `paramGroups[${g}] has ${ids.length} parameters, the optimizer's has ${group.params.length}.`,
        );
      }
      const options = copyOptions({ ...this.defaults, ...withoutUndefined(rest) } as O);
      try {
        this.checkOptions(options);
      } catch (e) {
        problems.push(`paramGroups[${g}]: ${(e as Error).message}`);
      }
      newOptions.push(options);
      ids.forEach((id, j) => {
        if (!Number.isInteger(id)) problems.push(`paramGroups[${g}].params[${j}] is not a parameter index: ${describe(id)}.`);
        else if (targets.has(id as number)) problems.push(`parameter index ${String(id)} appears more than once in paramGroups.`);
        else if (j < group.params.length) targets.set(id as number, { param: group.params[j], options });
      });
    });
    const newState = new Map<Tensor, S>();
    for (const [key, entry] of Object.entries(stateDict.state)) {
      const target = targets.get(Number(key));
      if (target === undefined) {
        problems.push(`state has an entry for parameter ${key}, which no group in the state dict lists.`);
        continue;
      }
      try {
        newState.set(target.param, this.loadStateEntry(entry, target.param, target.options));
      } catch (e) {
        problems.push(`state[${key}]: ${(e as Error).message}`);
      }
    }
    if (problems.length) throw new Error(`Error(s) in loading state_dict for ${name}:\n\t${problems.join('\n\t')}`);

    this.paramGroups.forEach((group, g) => Object.assign(group, newOptions[g]));
    this.state.clear();
    for (const [param, entry] of newState) this.state.set(param, entry);
  }
}

function copyEntry<S extends StateEntry>(entry: S): S {
  const out: StateEntry = {};
  for (const [key, value] of Object.entries(entry)) {
    if (value === undefined) continue;
    out[key] = value instanceof Tensor ? new Tensor(value.data.slice(), value.shape, value.dtype) : value;
  }
  return out as S;
}

/** A copy of a group's options; arrays (such as Adam's betas) are copied too. */
function copyOptions<O extends object>(options: O): O {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) out[key] = Array.isArray(value) ? [...value] : value;
  return out as O;
}

function withoutUndefined(options: object): object {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
}
