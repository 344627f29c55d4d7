import { checkNumber, checkOptions, describe } from '../../options';
import { Tensor } from '../../tensor';
import { type AnyOptimizer, LRScheduler } from './scheduler';

/** Options of `ReduceLROnPlateau`, with PyTorch's defaults. */
export interface ReduceLROnPlateauOptions {
  /** 'min' (default): reduce when the metric stops falling; 'max': when it stops rising. */
  mode?: 'min' | 'max';
  /** The factor the lr is multiplied by, below 1; default 0.1. */
  factor?: number;
  /** Epochs without improvement tolerated before a reduction; default 10. */
  patience?: number;
  /** The least change that counts as an improvement; default 1e-4. */
  threshold?: number;
  /** 'rel' (default): relative to the best value; 'abs': absolute. */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a reduction before counting bad epochs again; default 0. */
  cooldown?: number;
  /** The lowest lr, one number or one per group; default 0. */
  minLr?: number | readonly number[];
  /** A reduction smaller than eps is skipped; default 1e-8. */
  eps?: number;
}

const PLATEAU_OPTIONS = ['mode', 'factor', 'patience', 'threshold', 'thresholdMode', 'cooldown', 'minLr', 'eps'];

/**
 * Reduces each group's lr by `factor` when a metric has stopped improving for `patience` epochs
 * (`ReduceLROnPlateau`). Call `step(metric)` once per epoch, with the validation loss (mode 'min')
 * or accuracy (mode 'max').
 */
export class ReduceLROnPlateau extends LRScheduler {
  factor: number;
  /** The `minLr` option when it was one number (null when it was a list). */
  defaultMinLr: number | null;
  minLrs: number[];
  patience: number;
  cooldown: number;
  eps: number;
  /** The worst value of the metric: Infinity in mode 'min', -Infinity in 'max'. */
  modeWorse = Infinity;
  mode: string;
  threshold: number;
  thresholdMode: string;
  /** The best value of the metric so far. */
  best = Infinity;
  cooldownCounter = 0;
  numBadEpochs = 0;

  constructor(optimizer: AnyOptimizer, options: ReduceLROnPlateauOptions = {}) {
    checkOptions(options, PLATEAU_OPTIONS, 'ReduceLROnPlateau');
    const where = 'ReduceLROnPlateau';
    const factor = checkNumber(options.factor ?? 0.1, where, 'factor');
    if (factor >= 1.0) throw new Error('Factor should be < 1.0.');
    super(optimizer);
    this.factor = factor;
    const n = this.groups.length;
    const minLr = options.minLr ?? 0;
    if (Array.isArray(minLr)) {
      if (minLr.length !== n) throw new Error(`expected ${n} minLrs, got ${minLr.length}`);
      this.defaultMinLr = null;
      this.minLrs = minLr.map((v, i) => checkNumber(v, where, `minLr[${i}]`));
    } else {
      this.defaultMinLr = checkNumber(minLr, where, 'minLr');
      this.minLrs = new Array<number>(n).fill(this.defaultMinLr);
    }
    this.patience = checkNumber(options.patience ?? 10, where, 'patience');
    this.cooldown = checkNumber(options.cooldown ?? 0, where, 'cooldown');
    this.eps = checkNumber(options.eps ?? 1e-8, where, 'eps');
    this.lastEpoch = 0;
    this.refreshLastLr();
    this.mode = options.mode ?? 'min';
    this.threshold = checkNumber(options.threshold ?? 1e-4, where, 'threshold');
    this.thresholdMode = options.thresholdMode ?? 'rel';
    this.initIsBetter();
    this.best = this.modeWorse;
  }

  /** Checks mode and thresholdMode and sets `modeWorse` (PyTorch's `_init_is_better`). */
  private initIsBetter(): void {
    if (this.mode !== 'min' && this.mode !== 'max') throw new Error(`mode ${String(this.mode)} is unknown!`);
    if (this.thresholdMode !== 'rel' && this.thresholdMode !== 'abs') throw new Error(`threshold mode ${String(this.thresholdMode)} is unknown!`);
    this.modeWorse = this.mode === 'min' ? Infinity : -Infinity;
  }

  /** Whether the cooldown after a reduction is still running. */
  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  private isBetter(a: number, best: number): boolean {
    if (this.mode === 'min' && this.thresholdMode === 'rel') return a < best * (1.0 - this.threshold);
    if (this.mode === 'min') return a < best - this.threshold;
    if (this.thresholdMode === 'rel') return a > best * (this.threshold + 1.0);
    return a > best + this.threshold;
  }

  /** Records this epoch's metric (a number or a one-element Tensor) and reduces the learning rates after `patience` bad epochs. */
  override step(metrics: number | Tensor): void {
    let current: number;
    if (typeof metrics === 'number') current = metrics;
    else if (metrics instanceof Tensor) current = metrics.item();
    else throw new Error(`ReduceLROnPlateau.step: metrics must be a number or a one-element Tensor, got ${describe(metrics)}`);
    const epoch = this.lastEpoch + 1;
    this.lastEpoch = epoch;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // bad epochs in the cooldown do not count
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.refreshLastLr();
  }

  private reduceLr(): void {
    const groups = this.groups;
    if (groups.length !== this.minLrs.length) {
      if (this.defaultMinLr === null) {
        throw new Error(
          `The number of param groups in the \`optimizer\` (${groups.length}) differs from when \`ReduceLROnPlateau\` was initialized ` +
            `(${this.minLrs.length}), usually due to a new param group being added to the optimizer. Please modify the \`minLrs\` ` +
            'field to match the length of the `optimizer` param groups.',
        );
      }
      this.minLrs = new Array<number>(groups.length).fill(this.defaultMinLr);
    }
    groups.forEach((group, i) => {
      const oldLr = group.lr;
      const reduced = oldLr * this.factor;
      const newLr = this.minLrs[i] > reduced ? this.minLrs[i] : reduced; // Python's max(reduced, minLr)
      if (oldLr - newLr > this.eps) group.lr = newLr;
    });
  }

  protected stateKeys(): string[] {
    return [
      'factor',
      'defaultMinLr',
      'minLrs',
      'patience',
      'cooldown',
      'eps',
      'lastEpoch',
      '_lastLr',
      'modeWorse',
      'mode',
      'threshold',
      'thresholdMode',
      'best',
      'cooldownCounter',
      'numBadEpochs',
    ];
  }

  protected override nullableKeys(): string[] {
    return ['defaultMinLr'];
  }

  protected override afterLoad(): void {
    this.initIsBetter();
  }
}
