import { checkInteger, checkNumber, checkOptions } from '../../options';
import { bisectRight, pow, pyDiv, pyFloorDiv, pyMod } from './py-math';
import { type AnyOptimizer, type LastEpochOptions, lastEpochOf, LRScheduler, zipStrict } from './scheduler';

// The schedulers that scale each group's lr by a factor per epoch. Each `getLr` is PyTorch's chainable
// form (the next lr from the group's current one), `closedFormLr` its formula from `baseLrs` (used
// when SequentialLR switches to the scheduler); expressions keep PyTorch's order of operations.

/** A multiplicative factor as a function of the epoch. */
export type LrLambda = (epoch: number) => number;

/** One function per group, from one function or a list (PyTorch's lr_lambda handling). */
function lrLambdas(lrLambda: unknown, optimizer: AnyOptimizer): LrLambda[] {
  const n = optimizer.paramGroups.length;
  const list = Array.isArray(lrLambda) ? lrLambda : new Array<unknown>(n).fill(lrLambda);
  if (Array.isArray(lrLambda) && lrLambda.length !== n) throw new Error(`Expected ${n} lrLambdas, but got ${lrLambda.length}`);
  for (const f of list) {
    if (typeof f !== 'function') throw new Error(`lrLambda should be a function, but got ${f === null ? 'null' : typeof f}`);
  }
  return list as LrLambda[];
}

function callLambda(f: LrLambda, epoch: number, where: string): number {
  const factor = f(epoch);
  if (typeof factor !== 'number') throw new Error(`${where}: lrLambda returned ${typeof factor} at epoch ${epoch}; it must return a number`);
  return factor;
}

/** LambdaLR and MultiplicativeLR: one function per group, which stateDict does not save. */
abstract class LambdaScheduler extends LRScheduler {
  /** One function per parameter group. */
  lrLambdas: LrLambda[];

  protected constructor(optimizer: AnyOptimizer, lrLambda: LrLambda | readonly LrLambda[], options: LastEpochOptions) {
    super(optimizer);
    this.lrLambdas = lrLambdas(lrLambda, this.optimizer);
    this.attach(lastEpochOf(options, this.name));
  }

  protected stateKeys(): string[] {
    return ['baseLrs', 'lastEpoch', '_stepCount', '_lastLr', 'lrLambdas'];
  }

  protected override saveField(key: string): unknown {
    return key === 'lrLambdas' ? this.lrLambdas.map(() => null) : super.saveField(key);
  }

  protected override loadField(key: string, value: unknown): void {
    if (key !== 'lrLambdas') return super.loadField(key, value);
    const saved = value as unknown[];
    if (saved.length !== this.lrLambdas.length || saved.some((v) => v !== null)) {
      throw new Error(`lrLambdas must be ${this.lrLambdas.length} nulls, as stateDict() saves them (functions are not saved)`);
    }
  }
}

/**
 * Sets each group's lr to its initial lr times a function of the epoch (`LambdaLR`):
 * `lr = baseLr * lrLambda(epoch)`. `lrLambda` is one function, or one per group. The functions are
 * not saved by `stateDict` (PyTorch saves no plain functions either).
 */
export class LambdaLR extends LambdaScheduler {
  constructor(optimizer: AnyOptimizer, lrLambda: LrLambda | readonly LrLambda[], options: LastEpochOptions = {}) {
    checkOptions(options, ['lastEpoch'], 'LambdaLR');
    super(optimizer, lrLambda, options);
  }

  protected override getLr(): number[] {
    return zipStrict(this.lrLambdas, this.baseLrs, this.name).map(([f, baseLr]) => baseLr * callLambda(f, this.lastEpoch, this.name));
  }
}

/**
 * Multiplies each group's lr by a function of the epoch, every epoch (`MultiplicativeLR`):
 * `lr = lr * lrLambda(epoch)`. The functions are not saved by `stateDict`.
 */
export class MultiplicativeLR extends LambdaScheduler {
  constructor(optimizer: AnyOptimizer, lrLambda: LrLambda | readonly LrLambda[], options: LastEpochOptions = {}) {
    checkOptions(options, ['lastEpoch'], 'MultiplicativeLR');
    super(optimizer, lrLambda, options);
  }

  protected override getLr(): number[] {
    if (this.isInitial) return this.currentLrs();
    return zipStrict(this.lrLambdas, this.groups, this.name).map(([f, group]) => group.lr * callLambda(f, this.lastEpoch, this.name));
  }
}

/** Options of `StepLR`. */
export interface StepLROptions extends LastEpochOptions {
  /** The factor applied every `stepSize` epochs; default 0.1. */
  gamma?: number;
}

/** Multiplies each group's lr by `gamma` every `stepSize` epochs (`StepLR`). */
export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;

  constructor(optimizer: AnyOptimizer, stepSize: number, options: StepLROptions = {}) {
    checkOptions(options, ['gamma', 'lastEpoch'], 'StepLR');
    super(optimizer);
    checkNumber(stepSize, 'StepLR', 'stepSize');
    // NOTE: PyTorch takes 0 and fails on the first step (integer modulo by zero); tsgrad says so here.
    if (stepSize === 0) throw new Error('StepLR: stepSize must not be 0 (PyTorch fails with a modulo by zero on the first step)');
    this.stepSize = stepSize;
    this.gamma = checkNumber(options.gamma ?? 0.1, 'StepLR', 'gamma');
    this.attach(lastEpochOf(options, this.name));
  }

  protected override getLr(): number[] {
    if (this.lastEpoch === 0 || pyMod(this.lastEpoch, this.stepSize, this.name) !== 0) return this.currentLrs();
    return this.groups.map((group) => group.lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((baseLr) => baseLr * pow(this.gamma, pyFloorDiv(this.lastEpoch, this.stepSize, this.name), this.name));
  }

  protected stateKeys(): string[] {
    return ['stepSize', 'gamma', 'baseLrs', 'lastEpoch', '_stepCount', '_lastLr'];
  }
}

/** Options of `MultiStepLR`. */
export interface MultiStepLROptions extends LastEpochOptions {
  /** The factor applied at each milestone; default 0.1. */
  gamma?: number;
}

/**
 * Multiplies each group's lr by `gamma` at each milestone epoch (`MultiStepLR`); a milestone listed n
 * times multiplies by `gamma ** n`.
 */
export class MultiStepLR extends LRScheduler {
  /** How many times each milestone epoch was listed (PyTorch's `Counter`). */
  milestones: Record<string, number>;
  gamma: number;

  constructor(optimizer: AnyOptimizer, milestones: Iterable<number>, options: MultiStepLROptions = {}) {
    checkOptions(options, ['gamma', 'lastEpoch'], 'MultiStepLR');
    super(optimizer);
    if (milestones === null || typeof (milestones as Partial<Iterable<number>>)?.[Symbol.iterator] !== 'function') {
      throw new Error(`MultiStepLR: milestones must be a list of epochs, got ${milestones === null ? 'null' : typeof milestones}`);
    }
    this.milestones = {};
    for (const m of milestones) {
      checkInteger(m, 'MultiStepLR', 'each milestone');
      this.milestones[m] = (this.milestones[m] ?? 0) + 1;
    }
    this.gamma = checkNumber(options.gamma ?? 0.1, 'MultiStepLR', 'gamma');
    this.attach(lastEpochOf(options, this.name));
  }

  protected override getLr(): number[] {
    if (!Object.hasOwn(this.milestones, this.lastEpoch)) return this.currentLrs();
    const count = this.milestones[this.lastEpoch];
    return this.groups.map((group) => group.lr * pow(this.gamma, count, this.name));
  }

  protected override closedFormLr(): number[] {
    const sorted = Object.entries(this.milestones)
      .flatMap(([m, count]) => new Array<number>(count).fill(Number(m)))
      .sort((a, b) => a - b);
    return this.baseLrs.map((baseLr) => baseLr * pow(this.gamma, bisectRight(sorted, this.lastEpoch), this.name));
  }

  protected stateKeys(): string[] {
    return ['milestones', 'gamma', 'baseLrs', 'lastEpoch', '_stepCount', '_lastLr'];
  }
}

/** Options of `ConstantLR`. */
export interface ConstantLROptions extends LastEpochOptions {
  /** The factor, in [0, 1], applied until `totalIters`; default 1/3. */
  factor?: number;
  /** The epoch at which the factor is undone; default 5. */
  totalIters?: number;
}

/** Multiplies each group's lr by `factor` until epoch `totalIters`, then restores it (`ConstantLR`). */
export class ConstantLR extends LRScheduler {
  factor: number;
  totalIters: number;

  constructor(optimizer: AnyOptimizer, options: ConstantLROptions = {}) {
    checkOptions(options, ['factor', 'totalIters', 'lastEpoch'], 'ConstantLR');
    super(optimizer);
    const factor = checkNumber(options.factor ?? 1.0 / 3, 'ConstantLR', 'factor');
    if (factor > 1.0 || factor < 0) throw new Error('Constant multiplicative factor expected to be between 0 and 1.');
    this.factor = factor;
    this.totalIters = checkInteger(options.totalIters ?? 5, 'ConstantLR', 'totalIters');
    this.attach(lastEpochOf(options, this.name));
  }

  protected override getLr(): number[] {
    if (this.lastEpoch === 0) return this.groups.map((group) => group.lr * this.factor);
    if (this.lastEpoch !== this.totalIters) return this.currentLrs();
    return this.groups.map((group) => group.lr * pyDiv(1.0, this.factor, `${this.name}: undoing factor 0`));
  }

  protected override closedFormLr(): number[] {
    const reached = this.lastEpoch >= this.totalIters ? 1 : 0;
    return this.baseLrs.map((baseLr) => baseLr * (this.factor + reached * (1 - this.factor)));
  }

  protected stateKeys(): string[] {
    return ['factor', 'totalIters', 'baseLrs', 'lastEpoch', '_stepCount', '_lastLr'];
  }
}

/** Options of `LinearLR`. */
export interface LinearLROptions extends LastEpochOptions {
  /** The factor at epoch 0, in (0, 1]; default 1/3. */
  startFactor?: number;
  /** The factor from epoch `totalIters` on, in [0, 1]; default 1. */
  endFactor?: number;
  /** The number of epochs of the change; default 5. */
  totalIters?: number;
}

/** Scales each group's lr by a factor going linearly from `startFactor` to `endFactor` over `totalIters` epochs (`LinearLR`). */
export class LinearLR extends LRScheduler {
  startFactor: number;
  endFactor: number;
  totalIters: number;

  constructor(optimizer: AnyOptimizer, options: LinearLROptions = {}) {
    checkOptions(options, ['startFactor', 'endFactor', 'totalIters', 'lastEpoch'], 'LinearLR');
    super(optimizer);
    const startFactor = checkNumber(options.startFactor ?? 1.0 / 3, 'LinearLR', 'startFactor');
    const endFactor = checkNumber(options.endFactor ?? 1.0, 'LinearLR', 'endFactor');
    if (startFactor > 1.0 || startFactor <= 0) {
      throw new Error('Starting multiplicative factor expected to be greater than 0 and less or equal to 1.');
    }
    if (endFactor > 1.0 || endFactor < 0) throw new Error('Ending multiplicative factor expected to be between 0 and 1.');
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = checkInteger(options.totalIters ?? 5, 'LinearLR', 'totalIters');
    this.attach(lastEpochOf(options, this.name));
  }

  protected override getLr(): number[] {
    const { startFactor: start, endFactor: end, totalIters, lastEpoch } = this;
    if (lastEpoch === 0) return this.groups.map((group) => group.lr * start);
    if (this.isInitial || lastEpoch > totalIters) return this.currentLrs();
    // lr_e = lr_{e-1} * (1 + (end - start) / (T start + (e - 1)(end - start)))
    const step = pyDiv(end - start, totalIters * start + (lastEpoch - 1) * (end - start), this.name);
    return this.groups.map((group) => group.lr * (1.0 + step));
  }

  protected override closedFormLr(): number[] {
    const { startFactor: start, endFactor: end, totalIters } = this;
    const fraction = pyDiv((end - start) * Math.min(totalIters, this.lastEpoch), totalIters, this.name);
    return this.baseLrs.map((baseLr) => baseLr * (start + fraction));
  }

  protected stateKeys(): string[] {
    return ['startFactor', 'endFactor', 'totalIters', 'baseLrs', 'lastEpoch', '_stepCount', '_lastLr'];
  }
}

/** Multiplies each group's lr by `gamma` every epoch (`ExponentialLR`). */
export class ExponentialLR extends LRScheduler {
  gamma: number;

  constructor(optimizer: AnyOptimizer, gamma: number, options: LastEpochOptions = {}) {
    checkOptions(options, ['lastEpoch'], 'ExponentialLR');
    super(optimizer);
    this.gamma = checkNumber(gamma, 'ExponentialLR', 'gamma');
    this.attach(lastEpochOf(options, this.name));
  }

  protected override getLr(): number[] {
    if (this.isInitial) return this.currentLrs();
    return this.groups.map((group) => group.lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((baseLr) => baseLr * pow(this.gamma, this.lastEpoch, this.name));
  }

  protected stateKeys(): string[] {
    return ['gamma', 'baseLrs', 'lastEpoch', '_stepCount', '_lastLr'];
  }
}

/** Options of `PolynomialLR`. */
export interface PolynomialLROptions extends LastEpochOptions {
  /** The number of epochs of the decay; default 5. */
  totalIters?: number;
  /** The power of the polynomial; default 1. */
  power?: number;
}

/** Decays each group's lr as `baseLr * (1 - epoch / totalIters) ** power`, then holds it (`PolynomialLR`). */
export class PolynomialLR extends LRScheduler {
  totalIters: number;
  power: number;

  constructor(optimizer: AnyOptimizer, options: PolynomialLROptions = {}) {
    checkOptions(options, ['totalIters', 'power', 'lastEpoch'], 'PolynomialLR');
    super(optimizer);
    this.totalIters = checkInteger(options.totalIters ?? 5, 'PolynomialLR', 'totalIters');
    this.power = checkNumber(options.power ?? 1.0, 'PolynomialLR', 'power');
    this.attach(lastEpochOf(options, this.name));
  }

  protected override getLr(): number[] {
    const { totalIters: t, lastEpoch: e, name } = this;
    if (this.isInitial || e > t) return this.currentLrs();
    // lr_e = lr_{e-1} * ((1 - e/T) / (1 - (e-1)/T)) ** power
    const decay = pow(pyDiv(1.0 - pyDiv(e, t, name), 1.0 - pyDiv(e - 1, t, name), name), this.power, name);
    return this.groups.map((group) => group.lr * decay);
  }

  protected override closedFormLr(): number[] {
    const { totalIters: t, name } = this;
    return this.baseLrs.map((baseLr) => baseLr * pow(1.0 - pyDiv(Math.min(t, this.lastEpoch), t, name), this.power, name));
  }

  protected stateKeys(): string[] {
    return ['totalIters', 'power', 'baseLrs', 'lastEpoch', '_stepCount', '_lastLr'];
  }
}
