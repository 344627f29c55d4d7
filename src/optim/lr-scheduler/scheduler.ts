import { checkInteger, checkNumber, describe } from '../../options';
import { Optimizer, type StateEntry } from '../optimizer';

/** Any optimizer: a scheduler reads and writes its groups' `lr` (and `momentum` or `betas`) by name. */
export type AnyOptimizer = Optimizer<object, StateEntry>;

/** What `stateDict()` returns: PyTorch's `state_dict()` keys in camelCase (`baseLrs`, `lastEpoch`, `_stepCount`, ...). */
export type SchedulerStateDict = Record<string, unknown>;

/** A parameter group as the schedulers see it. */
export type Group = Record<string, unknown> & { lr: number };

/** The warning PyTorch gives when `scheduler.step()` comes before the optimizer's first `step()`. */
export const STEP_ORDER_WARNING =
  'Detected call of `lr_scheduler.step()` before `optimizer.step()`. ' +
  'In PyTorch 1.1.0 and later, you should call them in the opposite order: ' +
  '`optimizer.step()` before `lr_scheduler.step()`.  Failure to do this ' +
  'will result in PyTorch skipping the first value of the learning rate schedule. ' +
  'See more details at https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate';

// NOTE: PyTorch writes two things into the optimizer that tsgrad's optimizers have no room for: each
// group's `initial_lr` (shared by every scheduler on the optimizer: the first sets it, later ones read
// it), and a wrapper around `optimizer.step` that records whether it ran after a scheduler was made.
// These tables hold them, keyed by the group and by the optimizer, and go away with them.
const initialLrs = new WeakMap<object, number>();
const stepsWhenWrapped = new WeakMap<object, number>();

/** @internal Sets a group's `initial_lr` (OneCycleLR overwrites it; loading a scheduler's state restores it). */
export function setInitialLr(group: object, lr: number): void {
  initialLrs.set(group, lr);
}

/** @internal A group's `initial_lr`, if a scheduler set one. */
export function initialLr(group: object): number | undefined {
  return initialLrs.get(group);
}

/** Options every epoch scheduler takes: `lastEpoch` (default -1) resumes a schedule on an optimizer that already has one. */
export interface LastEpochOptions {
  /** The index of the last epoch; -1 (the default) starts the schedule. */
  lastEpoch?: number;
}

/** @internal The `lastEpoch` option, checked. */
export function lastEpochOf(options: LastEpochOptions, where: string): number {
  return checkInteger(options.lastEpoch ?? -1, where, 'lastEpoch');
}

/** @internal Throws PyTorch's TypeError unless `x` is an optimizer. */
export function checkOptimizer(x: unknown): AnyOptimizer {
  if (!(x instanceof Optimizer)) {
    const type = x === null ? 'null' : typeof x === 'object' ? ((x as object).constructor?.name ?? 'Object') : typeof x;
    throw new Error(`${type} is not an Optimizer`);
  }
  return x as AnyOptimizer;
}

/** @internal A number, or one per group (PyTorch's `_format_param`): always a list of one number per group. */
export function formatParam(name: string, optimizer: AnyOptimizer, value: unknown, where: string): number[] {
  const n = optimizer.paramGroups.length;
  if (Array.isArray(value)) {
    if (value.length !== n) {
      throw new Error(`${name} must have the same length as optimizer.paramGroups. ${name} has ${value.length} values, paramGroups has ${n}.`);
    }
    return value.map((v, i) => checkNumber(v, where, `${name}[${i}]`));
  }
  return new Array<number>(n).fill(checkNumber(value, where, name));
}

/** @internal Pairs of a[i], b[i]; an Error when the lengths differ (Python's `zip(..., strict=True)`). */
export function zipStrict<A, B>(a: readonly A[], b: readonly B[], where: string): [A, B][] {
  if (a.length !== b.length) {
    throw new Error(
      `${where}: the optimizer has ${b.length} parameter groups but the scheduler has values for ${a.length} (was a group added after the scheduler was made?)`,
    );
  }
  return a.map((x, i) => [x, b[i]]);
}

function copy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copy);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copy(v)]));
  }
  return value;
}

function kind(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * The base of every learning-rate scheduler (`torch.optim.lr_scheduler.LRScheduler`). A scheduler
 * sets its optimizer's `paramGroups[i].lr` on each `step()` (call it after `optimizer.step()`):
 * most compute the next rate from the current one (PyTorch's chainable form, so two schedulers on
 * one optimizer compose), and the first step is taken by the constructor.
 *
 * A scheduler of your own sets its fields, then calls `attach(lastEpoch)` at the end of its
 * constructor; it implements `getLr()` (the next rates, at `lastEpoch`) and `stateKeys()`.
 */
export abstract class LRScheduler {
  /** The optimizer whose learning rates this scheduler sets. */
  readonly optimizer: AnyOptimizer;
  /**
   * Each group's initial learning rate when the scheduler was made (PyTorch's `base_lrs`, from the
   * groups' `initial_lr`). Empty for ReduceLROnPlateau, SequentialLR and ChainedScheduler, which have none.
   */
  baseLrs: number[] = [];
  /** The index of the last epoch (or batch) stepped; the constructor's step makes it 0. */
  lastEpoch = -1;
  /** @internal How many times `step` ran, the constructor's included (PyTorch's `_step_count`). */
  _stepCount = 0;
  /** @internal The learning rates after the last step (PyTorch's `_last_lr`). */
  _lastLr: number[] = [];
  /** True during the constructor's step (PyTorch's `_is_initial`). */
  protected isInitial = false;
  private warnedStepOrder = false;

  protected constructor(optimizer: unknown) {
    this.optimizer = checkOptimizer(optimizer);
  }

  /** @internal The optimizer's groups, with their `lr`. */
  get groups(): Group[] {
    return this.optimizer.paramGroups as unknown as Group[];
  }

  /** The class name, for messages. */
  protected get name(): string {
    return this.constructor.name;
  }

  /**
   * PyTorch's `LRScheduler.__init__`, called by a subclass at the end of its constructor (its own
   * fields set): records each group's initial lr (the first scheduler on an optimizer sets it, later
   * ones read it), takes `baseLrs` from them, and takes the first step.
   */
  protected attach(lastEpoch: number): void {
    const groups = this.groups;
    if (lastEpoch === -1) {
      for (const group of groups) if (!initialLrs.has(group)) initialLrs.set(group, group.lr);
    } else {
      groups.forEach((group, i) => {
        if (!initialLrs.has(group)) {
          throw new Error(
            `${this.name}: lastEpoch ${lastEpoch} resumes a schedule, but paramGroups[${i}] has no initial learning rate: no scheduler ` +
              `was made on this optimizer with lastEpoch -1. To resume from a checkpoint, make the scheduler with lastEpoch -1 and call loadStateDict.`,
          );
        }
      });
    }
    this.baseLrs = groups.map((group) => initialLrs.get(group) as number);
    this.lastEpoch = lastEpoch;
    if (!stepsWhenWrapped.has(this.optimizer)) stepsWhenWrapped.set(this.optimizer, this.optimizer._stepCount);
    this._initialStep();
  }

  /** @internal The constructor's step (PyTorch's `_initial_step`); SequentialLR retakes it for the scheduler it starts with. */
  _initialStep(): void {
    this._stepCount = 0;
    this.isInitial = true;
    try {
      this.step();
    } finally {
      this.isInitial = false;
    }
  }

  /** The learning rates the last step set, one per parameter group (`get_last_lr()`). */
  getLastLr(): number[] {
    return [...this._lastLr];
  }

  /**
   * Moves the schedule on one epoch (or batch) and sets the optimizer's learning rates. Call it after
   * `optimizer.step()`. (PyTorch's deprecated `step(epoch)` is left out, except where PyTorch keeps it:
   * `CosineAnnealingWarmRestarts.step(epoch)`; ReduceLROnPlateau's takes the metric.)
   */
  step(...args: never[]): void {
    if (args.length > 0) {
      throw new Error(`${this.name}.step takes no epoch (PyTorch deprecated step(epoch)); call step() once per epoch, after optimizer.step()`);
    }
    this.checkStepOrder();
    this._stepCount++;
    this._updateLr();
  }

  /** Warns once, as PyTorch does, when the first `step()` comes before the optimizer's first. */
  protected checkStepOrder(): void {
    if (this._stepCount !== 1 || this.warnedStepOrder) return;
    const wrapped = stepsWhenWrapped.get(this.optimizer);
    if (wrapped !== undefined && this.optimizer._stepCount > wrapped) return;
    this.warnedStepOrder = true;
    console.warn(STEP_ORDER_WARNING);
  }

  /**
   * @internal PyTorch's `_update_lr`: with no epoch, the next epoch's rates from `getLr` (the
   * chainable form); with an epoch, that epoch's from the closed form where there is one.
   */
  _updateLr(epoch?: number): void {
    let values: number[];
    if (epoch === undefined) {
      this.lastEpoch += 1;
      values = this.getLr();
    } else {
      this.lastEpoch = epoch;
      values = this.closedFormLr?.() ?? this.getLr();
    }
    this.setLrs(values);
  }

  /** Sets each group's lr, and `_lastLr`. */
  protected setLrs(values: readonly number[]): void {
    for (const [group, lr] of zipStrict(this.groups, values, this.name)) group.lr = lr;
    this.refreshLastLr();
  }

  /** @internal `_lastLr` from the groups' current lrs. */
  protected refreshLastLr(): void {
    this._lastLr = this.groups.map((group) => group.lr);
  }

  /** The groups' current lrs (what a chainable form returns when it leaves them be). */
  protected currentLrs(): number[] {
    return this.groups.map((group) => group.lr);
  }

  /** The next learning rates, computed at `lastEpoch` (PyTorch's `get_lr`, the chainable form). */
  protected getLr(): number[] {
    throw new Error(`${this.name} computes no learning rates of its own (PyTorch's get_lr raises NotImplementedError)`);
  }

  /** The learning rates at `lastEpoch` from `baseLrs` (PyTorch's `_get_closed_form_lr`), where there is a formula. */
  protected closedFormLr?(): number[];

  /** The fields `stateDict` saves, by name: PyTorch's attribute names in camelCase, in its order. */
  protected abstract stateKeys(): string[];

  /** The saved fields that hold a number or null. */
  protected nullableKeys(): string[] {
    return [];
  }

  /** A copy of one saved field; subclasses override for fields that hold functions or schedulers. */
  protected saveField(key: string): unknown {
    return copy((this as unknown as Record<string, unknown>)[key]);
  }

  /** Sets one loaded field (already checked to be of the right kind). */
  protected loadField(key: string, value: unknown): void {
    (this as unknown as Record<string, unknown>)[key] = copy(value);
  }

  /** Checks and re-derives what depends on the loaded fields; throwing here undoes the load. */
  protected afterLoad(): void {
    if (this.baseLrs.length === this.groups.length) this.groups.forEach((group, i) => initialLrs.set(group, this.baseLrs[i]));
  }

  /**
   * The scheduler's state (`state_dict()`): PyTorch's keys in camelCase, values copied. Functions
   * (LambdaLR's lambdas, CyclicLR's scaleFn) are not saved, as PyTorch saves no plain functions. The
   * learning rates themselves live in the optimizer: save its `stateDict()` too.
   */
  stateDict(): SchedulerStateDict {
    const out: SchedulerStateDict = {};
    for (const key of this.stateKeys()) out[key] = this.saveField(key);
    return out;
  }

  /**
   * Loads what `stateDict()` returned (`load_state_dict`), into a scheduler made the same way. Keys
   * left out keep their values, as in PyTorch; an unknown key, or a value of the wrong kind, is an
   * Error and changes nothing. Load the optimizer's state as well, for its learning rates.
   */
  loadStateDict(stateDict: SchedulerStateDict): void {
    const where = `${this.name}.loadStateDict`;
    if (stateDict === null || typeof stateDict !== 'object' || Array.isArray(stateDict)) {
      throw new Error(`${where}: expected an object as stateDict() returns, got ${describe(stateDict)}`);
    }
    const keys = this.stateKeys();
    const problems: string[] = [];
    for (const [key, value] of Object.entries(stateDict)) {
      if (!keys.includes(key)) {
        problems.push(`unknown key '${key}' (a ${this.name} saves ${keys.join(', ')})`);
        continue;
      }
      const current = this.saveField(key);
      const [want, got] = [kind(current), kind(value)];
      const nullable = this.nullableKeys().includes(key) && (want === 'null' || want === 'number') && (got === 'null' || got === 'number');
      if (want !== got && !nullable) {
        problems.push(`${key} must be ${want === 'array' ? 'an array' : `a ${want}`}, got ${describe(value)}`);
      } else if (Array.isArray(current) && current.every((v) => typeof v === 'number')) {
        const values = value as unknown[];
        if (values.length !== current.length) problems.push(`${key} has ${values.length} values, this scheduler has ${current.length}`);
        else if (values.some((v) => typeof v !== 'number')) problems.push(`${key} must be an array of numbers`);
      }
    }
    if (problems.length) throw new Error(`${where}:\n\t${problems.join('\n\t')}`);
    const before = this.stateDict();
    try {
      for (const [key, value] of Object.entries(stateDict)) this.loadField(key, value);
      this.afterLoad();
    } catch (e) {
      for (const [key, value] of Object.entries(before)) this.loadField(key, value);
      this.afterLoad();
      throw new Error(`${where}: ${(e as Error).message}`);
    }
  }
}
