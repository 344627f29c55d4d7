import { checkNumber, checkOptions, describe } from '../../options';
import { ReduceLROnPlateau } from './plateau';
import { bisectRight } from './py-math';
import { type AnyOptimizer, initialLr, type LastEpochOptions, lastEpochOf, LRScheduler, type SchedulerStateDict } from './scheduler';

/** PyTorch's checks of the schedulers a SequentialLR or ChainedScheduler is given. */
function checkSchedulers(schedulers: unknown, optimizer: AnyOptimizer, name: string, none: string): LRScheduler[] {
  if (!Array.isArray(schedulers)) throw new Error(`${name}: schedulers must be an array of schedulers, got ${describe(schedulers)}`);
  if (schedulers.length < 1) throw new Error(`${name} expects at least one scheduler${none}, but got no scheduler.`);
  schedulers.forEach((scheduler: unknown, i) => {
    if (!(scheduler instanceof LRScheduler)) throw new Error(`${name} at index ${i} should have \`optimizer\` as its attribute.`);
    if (scheduler instanceof ReduceLROnPlateau) {
      throw new Error(
        `${name} does not support \`ReduceLROnPlateau\` scheduler as it requires additional kwargs to be specified when calling \`step\`, ` +
          `but got one at index ${i} in the given schedulers sequence.`,
      );
    }
    if (scheduler.optimizer !== optimizer) {
      throw new Error(
        `${name} expects all schedulers to belong to the same optimizer, but got scheduler ${scheduler.constructor.name} at index ${i} ` +
          `has another ${scheduler.optimizer.constructor.name}, which is different from ${optimizer.constructor.name}.`,
      );
    }
  });
  return [...schedulers] as LRScheduler[];
}

/** Saves the wrapped schedulers' states; loads them back, each into its scheduler. */
abstract class CompositeScheduler extends LRScheduler {
  /** @internal The wrapped schedulers (PyTorch's `_schedulers`). */
  _schedulers: LRScheduler[] = [];

  protected override saveField(key: string): unknown {
    return key === '_schedulers' ? this._schedulers.map((s) => s.stateDict()) : super.saveField(key);
  }

  protected override loadField(key: string, value: unknown): void {
    if (key !== '_schedulers') return super.loadField(key, value);
    const states = value as SchedulerStateDict[];
    if (states.length !== this._schedulers.length)
      throw new Error(`_schedulers has ${states.length} states, this ${this.name} has ${this._schedulers.length} schedulers`);
    this._schedulers.forEach((s, i) => s.loadStateDict(states[i]));
  }

  protected override afterLoad(): void {}
}

/** Steps back every scheduler inside `s` by one epoch (PyTorch's `recursive_undo`), undoing their constructors' steps. */
function recursiveUndo(s: LRScheduler): void {
  if (s instanceof CompositeScheduler) for (const inner of s._schedulers) recursiveUndo(inner);
  else s.lastEpoch -= 1;
}

/**
 * Runs schedulers one after another (`SequentialLR`): `schedulers[0]` until epoch `milestones[0]`,
 * then `schedulers[1]`, which starts from its closed form at its epoch 0, and so on. Make the
 * schedulers on the same optimizer first; this resets the learning rates and restarts the first.
 */
export class SequentialLR extends CompositeScheduler {
  /** @internal The epochs at which the next scheduler takes over (PyTorch's `_milestones`). */
  _milestones: number[];

  constructor(optimizer: AnyOptimizer, schedulers: readonly LRScheduler[], milestones: readonly number[], options: LastEpochOptions = {}) {
    checkOptions(options, ['lastEpoch'], 'SequentialLR');
    super(optimizer);
    const list = checkSchedulers(schedulers, this.optimizer, 'SequentialLR', '');
    if (!Array.isArray(milestones)) throw new Error(`SequentialLR: milestones must be an array of epochs, got ${describe(milestones)}`);
    milestones.forEach((m, i) => checkNumber(m, 'SequentialLR', `milestones[${i}]`));
    if (milestones.length !== list.length - 1) {
      throw new Error(
        'Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, ' +
          `but got number of schedulers ${list.length} and the number of milestones to be equal to ${milestones.length}`,
      );
    }
    this._schedulers = list;
    this._milestones = [...milestones];
    this.lastEpoch = lastEpochOf(options, this.name) + 1;
    // back to the initial learning rates, and the schedulers to before their constructors' steps
    this.groups.forEach((group, i) => {
      const lr = initialLr(group);
      if (lr === undefined) throw new Error(`SequentialLR: paramGroups[${i}] has no initial learning rate`);
      group.lr = lr;
    });
    recursiveUndo(this);
    const first = list[bisectRight(this._milestones, 0)];
    first._initialStep();
    this._lastLr = first.getLastLr();
  }

  /** Steps the scheduler whose turn it is; at a milestone, the next one starts from its epoch 0. */
  override step(...args: never[]): void {
    if (args.length > 0) throw new Error('SequentialLR.step takes no epoch');
    this.lastEpoch += 1;
    const idx = bisectRight(this._milestones, this.lastEpoch);
    const scheduler = this._schedulers[idx];
    if (idx > 0 && this._milestones[idx - 1] === this.lastEpoch) scheduler._updateLr(0);
    else scheduler.step();
    this._lastLr = scheduler.getLastLr();
  }

  protected stateKeys(): string[] {
    return ['_milestones', 'lastEpoch', '_lastLr', '_schedulers'];
  }
}

/** Options of `ChainedScheduler`. */
export interface ChainedSchedulerOptions {
  /** The optimizer; default the first scheduler's. */
  optimizer?: AnyOptimizer | null;
}

/**
 * Steps several schedulers of one optimizer together (`ChainedScheduler`): each `step()` steps
 * every scheduler in order, so their chainable forms compose. `lastEpoch` is the last scheduler's.
 */
export class ChainedScheduler extends CompositeScheduler {
  constructor(schedulers: readonly LRScheduler[], options: ChainedSchedulerOptions = {}) {
    checkOptions(options, ['optimizer'], 'ChainedScheduler');
    if (!Array.isArray(schedulers)) throw new Error(`ChainedScheduler: schedulers must be an array of schedulers, got ${describe(schedulers)}`);
    if (schedulers.length < 1) throw new Error('ChainedScheduler expects at least one scheduler to be chained, but got no scheduler.');
    const first: unknown = schedulers[0];
    if (!(first instanceof LRScheduler)) throw new Error('ChainedScheduler at index 0 should have `optimizer` as its attribute.');
    super(options.optimizer ?? first.optimizer);
    this._schedulers = checkSchedulers(schedulers, this.optimizer, 'ChainedScheduler', ' to be chained');
    this.refreshLastLr();
    this.lastEpoch = this._schedulers[this._schedulers.length - 1].lastEpoch;
  }

  /** Steps every scheduler, in order. */
  override step(...args: never[]): void {
    if (args.length > 0) throw new Error('ChainedScheduler.step takes no epoch');
    for (const scheduler of this._schedulers) scheduler.step();
    this.refreshLastLr();
    this.lastEpoch = this._schedulers[this._schedulers.length - 1].lastEpoch;
  }

  protected stateKeys(): string[] {
    return ['_lastLr', '_schedulers'];
  }

  protected override afterLoad(): void {
    this.lastEpoch = this._schedulers[this._schedulers.length - 1].lastEpoch;
  }
}
