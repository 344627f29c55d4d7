import { checkNumber, checkOptions } from '../../options';
import { cos, intPow, log, pyDiv, pyMod } from './py-math';
import { type AnyOptimizer, type LastEpochOptions, lastEpochOf, LRScheduler, zipStrict } from './scheduler';

const PI = Math.PI;

/** Options of `CosineAnnealingLR`. */
export interface CosineAnnealingLROptions extends LastEpochOptions {
  /** The lowest learning rate; default 0. */
  etaMin?: number;
}

/**
 * Anneals each group's lr from its initial value to `etaMin` along a half cosine over `tMax`
 * epochs, and back up over the next `tMax` (`CosineAnnealingLR`, no restarts):
 * `etaMin + (baseLr - etaMin) (1 + cos(pi epoch / tMax)) / 2`, reached by PyTorch's recursive form
 * `lr_e = (1 + cos(pi e / T)) / (1 + cos(pi (e-1) / T)) (lr_{e-1} - etaMin) + etaMin`.
 */
export class CosineAnnealingLR extends LRScheduler {
  /** The number of epochs from the initial lr down to `etaMin` (PyTorch's `T_max`). */
  tMax: number;
  etaMin: number;

  constructor(optimizer: AnyOptimizer, tMax: number, options: CosineAnnealingLROptions = {}) {
    checkOptions(options, ['etaMin', 'lastEpoch'], 'CosineAnnealingLR');
    super(optimizer);
    checkNumber(tMax, 'CosineAnnealingLR', 'tMax');
    // NOTE: PyTorch takes 0 and fails on the first step (integer modulo by zero); tsgrad says so here.
    if (tMax === 0) throw new Error('CosineAnnealingLR: tMax must not be 0 (PyTorch fails with a modulo by zero on the first step)');
    this.tMax = tMax;
    this.etaMin = checkNumber(options.etaMin ?? 0.0, 'CosineAnnealingLR', 'etaMin');
    this.attach(lastEpochOf(options, this.name));
  }

  protected override getLr(): number[] {
    const { etaMin, tMax, lastEpoch: e, name } = this;
    if (this.isInitial) return this.currentLrs();
    if (this._stepCount === 1 && e > 0) {
      return this.baseLrs.map((baseLr) => etaMin + ((baseLr - etaMin) * (1 + cos((e * PI) / tMax))) / 2);
    }
    if (pyMod(e - 1 - tMax, 2 * tMax, name) === 0) {
      // at the bottom of the cosine: the recursive form would divide by 1 + cos(pi) = 0
      return zipStrict(this.baseLrs, this.groups, name).map(([baseLr, group]) => group.lr + ((baseLr - etaMin) * (1 - cos(PI / tMax))) / 2);
    }
    const ratio = pyDiv(1 + cos((PI * e) / tMax), 1 + cos((PI * (e - 1)) / tMax), name);
    return this.groups.map((group) => ratio * (group.lr - etaMin) + etaMin);
  }

  protected override closedFormLr(): number[] {
    const { etaMin, tMax } = this;
    return this.baseLrs.map((baseLr) => etaMin + ((baseLr - etaMin) * (1 + cos((PI * this.lastEpoch) / tMax))) / 2);
  }

  protected stateKeys(): string[] {
    return ['tMax', 'etaMin', 'baseLrs', 'lastEpoch', '_stepCount', '_lastLr'];
  }
}

/** Options of `CosineAnnealingWarmRestarts`. */
export interface CosineAnnealingWarmRestartsOptions extends LastEpochOptions {
  /** The factor by which each period is longer than the last (a whole number >= 1); default 1. */
  tMult?: number;
  /** The lowest learning rate; default 0. */
  etaMin?: number;
}

/**
 * Cosine annealing with warm restarts (SGDR, `CosineAnnealingWarmRestarts`): each group's lr is
 * `etaMin + (baseLr - etaMin) (1 + cos(pi tCur / tI)) / 2`, where `tCur` counts epochs since the last
 * restart and the period `tI` starts at `t0` and grows `tMult` times at each restart. `step(epoch)`
 * jumps to an epoch, which may be fractional (e.g. `epoch + batch / batches` per batch).
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  /** The first period (PyTorch's `T_0`). */
  t0: number;
  /** The current period (PyTorch's `T_i`). */
  tI: number;
  /** The growth of the period at each restart (PyTorch's `T_mult`). */
  tMult: number;
  etaMin: number;
  /** Epochs since the last restart (PyTorch's `T_cur`); fractional after a fractional `step(epoch)`. */
  tCur: number;

  constructor(optimizer: AnyOptimizer, t0: number, options: CosineAnnealingWarmRestartsOptions = {}) {
    checkOptions(options, ['tMult', 'etaMin', 'lastEpoch'], 'CosineAnnealingWarmRestarts');
    super(optimizer);
    const tMult = options.tMult ?? 1;
    const etaMin = options.etaMin ?? 0.0;
    if (!Number.isInteger(t0) || t0 <= 0) throw new Error(`Expected positive integer t0, but got ${String(t0)}`);
    if (!Number.isInteger(tMult) || tMult < 1) throw new Error(`Expected integer tMult >= 1, but got ${String(tMult)}`);
    if (typeof etaMin !== 'number') throw new Error(`Expected float or int etaMin, but got ${String(etaMin)} of type ${typeof etaMin}`);
    const lastEpoch = lastEpochOf(options, this.name);
    this.t0 = t0;
    this.tI = t0;
    this.tMult = tMult;
    this.etaMin = etaMin;
    this.tCur = lastEpoch;
    this.attach(lastEpoch);
  }

  protected override getLr(): number[] {
    const { etaMin } = this;
    return this.baseLrs.map((baseLr) => etaMin + ((baseLr - etaMin) * (1 + cos((PI * this.tCur) / this.tI))) / 2);
  }

  /**
   * Moves to the next epoch, or to `epoch` (a number >= 0, fractional allowed), and sets the
   * learning rates. NOTE: as in PyTorch, this scheduler's step does not warn about the step order.
   */
  override step(epoch?: number): void {
    const name = this.name;
    if (epoch !== undefined) checkNumber(epoch, `${name}.step`, 'epoch');
    if (epoch === undefined && this.lastEpoch < 0) epoch = 0;
    if (epoch === undefined) {
      epoch = this.lastEpoch + 1;
      this.tCur = this.tCur + 1;
      if (this.tCur >= this.tI) {
        this.tCur = pyMod(this.tCur, this.tI, name);
        this.tI = this.tI * this.tMult;
      }
    } else {
      if (epoch < 0) throw new Error(`Expected non-negative epoch, but got ${epoch}`);
      if (epoch >= this.t0) {
        if (this.tMult === 1) {
          this.tCur = pyMod(epoch, this.t0, name);
        } else {
          // the restart n before epoch: t0 (tMult^n - 1) / (tMult - 1) <= epoch, by Python's math.log(x, base)
          const n = Math.trunc(pyDiv(log((epoch / this.t0) * (this.tMult - 1) + 1), log(this.tMult), name));
          this.tCur = epoch - pyDiv(this.t0 * (intPow(this.tMult, n) - 1), this.tMult - 1, name);
          this.tI = this.t0 * intPow(this.tMult, n);
        }
      } else {
        this.tI = this.t0;
        this.tCur = epoch;
      }
    }
    this.lastEpoch = Math.floor(epoch);
    this.setLrs(this.getLr());
  }

  protected stateKeys(): string[] {
    return ['t0', 'tI', 'tMult', 'etaMin', 'tCur', 'baseLrs', 'lastEpoch', '_stepCount', '_lastLr'];
  }
}
