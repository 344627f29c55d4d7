import { checkBoolean, checkInteger, checkNumber, checkOptions, describe } from '../../options';
import { cos, pow, pyDiv } from './py-math';
import { type AnyOptimizer, formatParam, type Group, type LastEpochOptions, lastEpochOf, LRScheduler, setInitialLr, zipStrict } from './scheduler';

/** Whether the optimizer's momentum is `betas[0]` (Adam-like) rather than `momentum` (SGD-like); PyTorch's error when it has neither. */
function usesBeta1(optimizer: AnyOptimizer): boolean {
  const defaults = optimizer.defaults as Record<string, unknown>;
  if (!('momentum' in defaults) && !('betas' in defaults)) {
    throw new Error('optimizer must support momentum or beta1 with `cycleMomentum` option enabled');
  }
  return 'betas' in defaults;
}

function setMomentum(group: Group, momentum: number, useBeta1: boolean): void {
  if (useBeta1) group.betas = [momentum, ...(group.betas as number[]).slice(1)];
  else group.momentum = momentum;
}

/** Options of `CyclicLR`, with PyTorch's defaults. */
export interface CyclicLROptions extends LastEpochOptions {
  /** Steps (batches) in the rising half of a cycle; default 2000. */
  stepSizeUp?: number;
  /** Steps in the falling half; default `stepSizeUp`. */
  stepSizeDown?: number | null;
  /** 'triangular' (default), 'triangular2' (amplitude halved each cycle) or 'exp_range' (scaled by gamma ** step). */
  mode?: 'triangular' | 'triangular2' | 'exp_range';
  /** The base of 'exp_range'; default 1. */
  gamma?: number;
  /** A custom amplitude scale in [0, 1], of the cycle number or the step (`scaleMode`); replaces `mode`. */
  scaleFn?: ((x: number) => number) | null;
  /** What `scaleFn` is given: 'cycle' (default) or 'iterations'. */
  scaleMode?: 'cycle' | 'iterations';
  /** Cycle the momentum (or Adam's beta1) inversely to the lr; default true. */
  cycleMomentum?: boolean;
  /** The momentum at the lr's peak, one number or one per group; default 0.8. */
  baseMomentum?: number | readonly number[];
  /** The momentum at the lr's trough, one number or one per group; default 0.9. */
  maxMomentum?: number | readonly number[];
}

const CYCLIC_OPTIONS = ['stepSizeUp', 'stepSizeDown', 'mode', 'gamma', 'scaleFn', 'scaleMode', 'cycleMomentum', 'baseMomentum', 'maxMomentum', 'lastEpoch'];
const CYCLIC_MODES = ['triangular', 'triangular2', 'exp_range'];

/**
 * The cyclical learning rate policy (`CyclicLR`): each group's lr goes from `baseLr` up to `maxLr`
 * over `stepSizeUp` steps and back over `stepSizeDown`, with the amplitude scaled by `mode` or
 * `scaleFn`; step it after every batch. With `cycleMomentum` (the default) the momentum, or Adam's
 * `betas[0]`, cycles the other way between `maxMomentum` and `baseMomentum`. Sets each group's lr
 * to `baseLr` when made.
 */
export class CyclicLR extends LRScheduler {
  maxLrs: number[];
  /** Steps in a cycle. */
  totalSize: number;
  /** The rising part of a cycle, as a fraction. */
  stepRatio: number;
  mode: string;
  gamma: number;
  scaleMode: string;
  cycleMomentum: boolean;
  /** Whether the momentum cycled is `betas[0]` (only with `cycleMomentum`). */
  useBeta1?: boolean;
  baseMomentums?: number[];
  maxMomentums?: number[];
  /** @internal The custom `scaleFn` (PyTorch's `_scale_fn_custom`); not saved. */
  _scaleFnCustom: ((x: number) => number) | null;
  private scaleFnRef: (x: number) => number = () => 1.0;

  constructor(optimizer: AnyOptimizer, baseLr: number | readonly number[], maxLr: number | readonly number[], options: CyclicLROptions = {}) {
    checkOptions(options, CYCLIC_OPTIONS, 'CyclicLR');
    super(optimizer);
    const where = 'CyclicLR';
    const opt = this.optimizer;
    const lastEpoch = lastEpochOf(options, where);
    const baseLrs = formatParam('baseLr', opt, baseLr, where);
    this.maxLrs = formatParam('maxLr', opt, maxLr, where);
    const up = checkNumber(options.stepSizeUp ?? 2000, where, 'stepSizeUp');
    const down = options.stepSizeDown == null ? up : checkNumber(options.stepSizeDown, where, 'stepSizeDown');
    this.totalSize = up + down;
    this.stepRatio = pyDiv(up, this.totalSize, `${where}: stepSizeUp + stepSizeDown is 0`);
    const mode = options.mode ?? 'triangular';
    const scaleFn = options.scaleFn ?? null;
    if (scaleFn !== null && typeof scaleFn !== 'function') throw new Error(`${where}: scaleFn must be a function, got ${describe(scaleFn)}`);
    if (!CYCLIC_MODES.includes(mode) && scaleFn === null) throw new Error('mode is invalid and scaleFn is not given');
    this.mode = mode;
    this.gamma = checkNumber(options.gamma ?? 1.0, where, 'gamma');
    this._scaleFnCustom = scaleFn;
    const scaleMode = options.scaleMode ?? 'cycle';
    if (scaleMode !== 'cycle' && scaleMode !== 'iterations') throw new Error(`${where}: scaleMode must be 'cycle' or 'iterations', got ${describe(scaleMode)}`);
    this.scaleMode = scaleMode;
    this.initScaleFn();
    this.cycleMomentum = checkBoolean(options.cycleMomentum ?? true, where, 'cycleMomentum');
    if (this.cycleMomentum) {
      this.useBeta1 = usesBeta1(opt);
      this.baseMomentums = formatParam('baseMomentum', opt, options.baseMomentum ?? 0.8, where);
      this.maxMomentums = formatParam('maxMomentum', opt, options.maxMomentum ?? 0.9, where);
    }
    // NOTE: PyTorch sets the lrs before checking the rest; tsgrad checks everything first.
    if (lastEpoch === -1) {
      this.groups.forEach((group, i) => {
        group.lr = baseLrs[i];
        if (this.cycleMomentum) setMomentum(group, (this.maxMomentums as number[])[i], this.useBeta1 as boolean);
      });
    }
    this.attach(lastEpoch);
    this.baseLrs = baseLrs;
  }

  /** PyTorch's `_init_scale_fn`: the built-in modes set `scaleMode` too. */
  private initScaleFn(): void {
    if (this._scaleFnCustom !== null) return;
    if (this.mode === 'triangular') {
      this.scaleFnRef = () => 1.0;
      this.scaleMode = 'cycle';
    } else if (this.mode === 'triangular2') {
      this.scaleFnRef = (x) => 1 / pow(2.0, x - 1, this.name);
      this.scaleMode = 'cycle';
    } else if (this.mode === 'exp_range') {
      this.scaleFnRef = (x) => pow(this.gamma, x, this.name);
      this.scaleMode = 'iterations';
    }
  }

  private scaleFn(x: number): number {
    if (this._scaleFnCustom === null) return this.scaleFnRef(x);
    const scale = this._scaleFnCustom(x);
    if (typeof scale !== 'number') throw new Error(`${this.name}: scaleFn returned ${describe(scale)} for ${x}; it must return a number`);
    return scale;
  }

  protected override getLr(): number[] {
    const e = this.lastEpoch;
    const cycle = Math.floor(1 + e / this.totalSize);
    const x = 1.0 + e / this.totalSize - cycle;
    const scaleFactor = x <= this.stepRatio ? pyDiv(x, this.stepRatio, this.name) : pyDiv(x - 1, this.stepRatio - 1, this.name);
    const scaleArg = this.scaleMode === 'cycle' ? cycle : e;
    const lrs = zipStrict(this.baseLrs, this.maxLrs, this.name).map(([baseLr, maxLr]) => {
      const baseHeight = (maxLr - baseLr) * scaleFactor;
      return baseLr + baseHeight * this.scaleFn(scaleArg);
    });
    if (this.cycleMomentum) {
      const momentums = zipStrict(this.baseMomentums as number[], this.maxMomentums as number[], this.name).map(([baseMomentum, maxMomentum]) => {
        const baseHeight = (maxMomentum - baseMomentum) * scaleFactor;
        return maxMomentum - baseHeight * this.scaleFn(scaleArg);
      });
      for (const [group, momentum] of zipStrict(this.groups, momentums, this.name)) setMomentum(group, momentum, this.useBeta1 as boolean);
    }
    return lrs;
  }

  protected stateKeys(): string[] {
    const momentum = this.cycleMomentum ? ['useBeta1', 'baseMomentums', 'maxMomentums'] : [];
    return [
      'maxLrs',
      'totalSize',
      'stepRatio',
      'mode',
      'gamma',
      'scaleMode',
      'cycleMomentum',
      ...momentum,
      'baseLrs',
      'lastEpoch',
      '_stepCount',
      '_lastLr',
      '_scaleFnCustom',
    ];
  }

  protected override saveField(key: string): unknown {
    return key === '_scaleFnCustom' ? null : super.saveField(key);
  }

  protected override loadField(key: string, value: unknown): void {
    if (key !== '_scaleFnCustom') super.loadField(key, value);
    else if (value !== null) throw new Error('_scaleFnCustom must be null, as stateDict() saves it (functions are not saved)');
  }

  protected override afterLoad(): void {
    super.afterLoad();
    if (!CYCLIC_MODES.includes(this.mode) && this._scaleFnCustom === null) throw new Error('mode is invalid and scaleFn is not given');
    this.initScaleFn();
  }
}

/** The names of the values a OneCycleLR phase goes between (PyTorch's param-group keys, camelCased). */
type PhaseValue = 'initialLr' | 'maxLr' | 'minLr' | 'maxMomentum' | 'baseMomentum';

/** One phase of a OneCycleLR schedule: from its start values to its end values, up to step `endStep`. */
export interface OneCyclePhase {
  endStep: number;
  startLr: PhaseValue;
  endLr: PhaseValue;
  startMomentum: PhaseValue;
  endMomentum: PhaseValue;
}

/** Options of `OneCycleLR`, with PyTorch's defaults; give `totalSteps`, or `epochs` and `stepsPerEpoch`. */
export interface OneCycleLROptions extends LastEpochOptions {
  /** Steps in the cycle. */
  totalSteps?: number | null;
  /** With `stepsPerEpoch`: `totalSteps = epochs * stepsPerEpoch`. */
  epochs?: number | null;
  stepsPerEpoch?: number | null;
  /** The fraction of the cycle spent raising the lr; default 0.3. */
  pctStart?: number;
  /** 'cos' (default) or 'linear'. */
  annealStrategy?: 'cos' | 'linear';
  /** Cycle the momentum (or Adam's beta1) inversely to the lr; default true. */
  cycleMomentum?: boolean;
  /** One number or one per group; default 0.85. */
  baseMomentum?: number | readonly number[];
  /** One number or one per group; default 0.95. */
  maxMomentum?: number | readonly number[];
  /** The initial lr is `maxLr / divFactor`; default 25. */
  divFactor?: number;
  /** The final lr is `initialLr / finalDivFactor`; default 1e4. */
  finalDivFactor?: number;
  /** Three phases (up, down to the initial lr, then down to the final lr) instead of two; default false. */
  threePhase?: boolean;
}

const ONE_CYCLE_OPTIONS = [
  'totalSteps',
  'epochs',
  'stepsPerEpoch',
  'pctStart',
  'annealStrategy',
  'cycleMomentum',
  'baseMomentum',
  'maxMomentum',
  'divFactor',
  'finalDivFactor',
  'threePhase',
  'lastEpoch',
];

const positiveInteger = (x: unknown): boolean => typeof x === 'number' && Number.isInteger(x) && x > 0;

/**
 * The 1cycle policy (`OneCycleLR`): each group's lr rises from `maxLr / divFactor` to `maxLr`, then
 * falls to `maxLr / divFactor / finalDivFactor`, by cosine or linear annealing, over `totalSteps`
 * steps (step it after every batch); the momentum, or Adam's `betas[0]`, moves the other way.
 * NOTE: PyTorch keeps each group's initial_lr, max_lr, min_lr, max_momentum and base_momentum in the
 * optimizer's param groups; tsgrad keeps them in the scheduler (`baseLrs`, `maxLrs`, `minLrs`,
 * `maxMomentums`, `baseMomentums`) and in its stateDict.
 */
export class OneCycleLR extends LRScheduler {
  totalSteps: number;
  /** @internal The phases (PyTorch's `_schedule_phases`). */
  _schedulePhases: OneCyclePhase[];
  /** @internal 'cos' or 'linear' (PyTorch's `_anneal_func_type`). */
  _annealFuncType: string;
  cycleMomentum: boolean;
  useBeta1?: boolean;
  maxLrs: number[];
  minLrs: number[];
  maxMomentums?: number[];
  baseMomentums?: number[];

  constructor(optimizer: AnyOptimizer, maxLr: number | readonly number[], options: OneCycleLROptions = {}) {
    checkOptions(options, ONE_CYCLE_OPTIONS, 'OneCycleLR');
    super(optimizer);
    const where = 'OneCycleLR';
    const { totalSteps, epochs, stepsPerEpoch } = options;
    if (totalSteps != null) {
      if (!positiveInteger(totalSteps)) throw new Error(`Expected positive integer totalSteps, but got ${String(totalSteps)}`);
      this.totalSteps = totalSteps;
    } else if (epochs != null && stepsPerEpoch != null) {
      if (!positiveInteger(epochs)) throw new Error(`Expected positive integer epochs, but got ${String(epochs)}`);
      if (!positiveInteger(stepsPerEpoch)) throw new Error(`Expected positive integer stepsPerEpoch, but got ${String(stepsPerEpoch)}`);
      this.totalSteps = epochs * stepsPerEpoch;
    } else {
      throw new Error('You must define either totalSteps OR (epochs AND stepsPerEpoch)');
    }
    const pctStart = options.pctStart ?? 0.3;
    if (typeof pctStart !== 'number' || pctStart < 0 || pctStart > 1) {
      throw new Error(`Expected float between 0 and 1 pctStart, but got ${String(pctStart)}`);
    }
    const last = this.totalSteps - 1;
    this._schedulePhases = options.threePhase
      ? [
          { endStep: pctStart * this.totalSteps - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
          { endStep: 2 * pctStart * this.totalSteps - 2, startLr: 'maxLr', endLr: 'initialLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
          { endStep: last, startLr: 'initialLr', endLr: 'minLr', startMomentum: 'maxMomentum', endMomentum: 'maxMomentum' },
        ]
      : [
          { endStep: pctStart * this.totalSteps - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
          { endStep: last, startLr: 'maxLr', endLr: 'minLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
        ];
    checkBoolean(options.threePhase ?? false, where, 'threePhase');
    const anneal = options.annealStrategy ?? 'cos';
    if (anneal !== 'cos' && anneal !== 'linear') throw new Error(`annealStrategy must be one of 'cos' or 'linear', instead got ${String(anneal)}`);
    this._annealFuncType = anneal;
    const lastEpoch = lastEpochOf(options, where);
    const divFactor = checkNumber(options.divFactor ?? 25.0, where, 'divFactor');
    const finalDivFactor = checkNumber(options.finalDivFactor ?? 1e4, where, 'finalDivFactor');
    this.maxLrs = formatParam('maxLr', this.optimizer, maxLr, where);
    const initialLrs = this.maxLrs.map((m) => pyDiv(m, divFactor, `${where}: divFactor is 0`));
    this.minLrs = initialLrs.map((lr) => pyDiv(lr, finalDivFactor, `${where}: finalDivFactor is 0`));
    this.cycleMomentum = checkBoolean(options.cycleMomentum ?? true, where, 'cycleMomentum');
    if (this.cycleMomentum) {
      this.useBeta1 = usesBeta1(this.optimizer);
      this.maxMomentums = formatParam('maxMomentum', this.optimizer, options.maxMomentum ?? 0.95, where);
      this.baseMomentums = formatParam('baseMomentum', this.optimizer, options.baseMomentum ?? 0.85, where);
    }
    if (lastEpoch === -1) {
      this.groups.forEach((group, i) => {
        setInitialLr(group, initialLrs[i]);
        if (this.cycleMomentum) setMomentum(group, (this.maxMomentums as number[])[i], this.useBeta1 as boolean);
      });
    }
    this.attach(lastEpoch);
  }

  private value(name: PhaseValue, g: number): number {
    const table: Record<PhaseValue, number[] | undefined> = {
      initialLr: this.baseLrs,
      maxLr: this.maxLrs,
      minLr: this.minLrs,
      maxMomentum: this.maxMomentums,
      baseMomentum: this.baseMomentums,
    };
    const values = table[name];
    if (values === undefined || g >= values.length) throw new Error(`${this.name}: no ${name} for parameter group ${g}`);
    return values[g];
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this._annealFuncType === 'cos') {
      const cosOut = cos(Math.PI * pct) + 1;
      return end + ((start - end) / 2.0) * cosOut;
    }
    return (end - start) * pct + start;
  }

  protected override getLr(): number[] {
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) throw new Error(`Tried to step ${stepNum} times. The specified number of total steps is ${this.totalSteps}`);
    const phases = this._schedulePhases;
    return this.groups.map((group, g) => {
      let startStep = 0.0;
      for (let i = 0; i < phases.length; i++) {
        const phase = phases[i];
        const endStep = phase.endStep;
        if (stepNum <= endStep || i === phases.length - 1) {
          const pct = pyDiv(stepNum - startStep, endStep - startStep, `${this.name}: a phase of no steps`);
          const lr = this.anneal(this.value(phase.startLr, g), this.value(phase.endLr, g), pct);
          if (this.cycleMomentum) {
            const momentum = this.anneal(this.value(phase.startMomentum, g), this.value(phase.endMomentum, g), pct);
            setMomentum(group, momentum, this.useBeta1 as boolean);
          }
          return lr;
        }
        startStep = phase.endStep;
      }
      throw new Error(`${this.name}: no schedule phases`);
    });
  }

  protected stateKeys(): string[] {
    const momentum = this.cycleMomentum ? ['useBeta1'] : [];
    const groupMomentum = this.cycleMomentum ? ['maxMomentums', 'baseMomentums'] : [];
    return [
      'totalSteps',
      '_schedulePhases',
      '_annealFuncType',
      'cycleMomentum',
      ...momentum,
      'baseLrs',
      'lastEpoch',
      '_stepCount',
      '_lastLr',
      'maxLrs',
      'minLrs',
      ...groupMomentum,
    ];
  }

  protected override afterLoad(): void {
    super.afterLoad();
    if (this._annealFuncType !== 'cos' && this._annealFuncType !== 'linear') throw new Error(`Unknown _annealFuncType: ${this._annealFuncType}`);
    checkInteger(this.totalSteps, this.name, 'totalSteps');
    const names = ['initialLr', 'maxLr', 'minLr', 'maxMomentum', 'baseMomentum'];
    for (const phase of this._schedulePhases) {
      const ok =
        phase !== null &&
        typeof phase === 'object' &&
        typeof phase.endStep === 'number' &&
        [phase.startLr, phase.endLr, phase.startMomentum, phase.endMomentum].every((n) => names.includes(n));
      if (!ok) throw new Error(`_schedulePhases must be phases as stateDict() saves them, got ${JSON.stringify(phase)}`);
    }
  }
}
