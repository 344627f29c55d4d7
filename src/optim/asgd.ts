import type { FloatArray } from '../dtype';
import { floatData } from '../ops/helpers';
import type { Tensor } from '../tensor';
import {
  checkNumberOption,
  checkOptionValues,
  isFloat32,
  loadBuffer,
  loadNumber,
  loadStep,
  round32 as importedRound32,
  scalarStateIsFloat32,
  unsupportedOptions,
  updateEach,
  withDefaults,
  zeroBuffer,
} from './helpers';
import { Optimizer, type ParamGroup, type Params } from './optimizer';

/** Options of `ASGD`, with PyTorch's defaults. */
export interface ASGDOptions {
  /** Default 1e-2. */
  lr?: number;
  /** Decay term; default 1e-4. */
  lambd?: number;
  /** Power of the step-size decay; default 0.75. */
  alpha?: number;
  /** The step after which averaging starts; default 1e6. */
  t0?: number;
  /** L2 penalty added to the gradient; default 0. */
  weightDecay?: number;
  /** Step up the gradient instead of down; default false. */
  maximize?: boolean;
}

/** A group's ASGD options with every default filled in. */
export type ASGDGroupOptions = Required<ASGDOptions>;

const ASGD_DEFAULTS: ASGDGroupOptions = { lr: 1e-2, lambd: 1e-4, alpha: 0.75, t0: 1e6, weightDecay: 0, maximize: false };
const ASGD_UNSUPPORTED = unsupportedOptions('foreach', 'differentiable', 'capturable');

/**
 * ASGD's per-parameter state: the number of steps, the current step size `eta`, the averaging
 * weight `mu`, and the averaged parameter `ax`.
 */
export type ASGDState = { step: number; eta: number; mu: number; ax: Tensor };

/**
 * Averaged stochastic gradient descent (`torch.optim.ASGD`), following PyTorch's
 * `_single_tensor_asgd` operation for operation: `p = p (1 - lambd eta) - eta g`, the average
 * `ax` of the parameters from step t0 on, `eta = lr / (1 + lambd lr t)^alpha` and
 * `mu = 1 / max(1, t - t0)`; L2 weight decay and `maximize`.
 *
 * `eta` and `mu` are held as PyTorch holds them, in 0-dim tensors of the default dtype (float32
 * unless `setDefaultDtype('float64')`), so they are rounded to it.
 */
export class ASGD extends Optimizer<ASGDGroupOptions, ASGDState> {
  constructor(params: Params<ASGDGroupOptions>, options: ASGDOptions = {}) {
    super(params, withDefaults('ASGD', options, ASGD_DEFAULTS, ASGD_UNSUPPORTED), ASGD_UNSUPPORTED);
  }

  protected checkOptions(o: ASGDGroupOptions): void {
    checkOptionValues('ASGD', o, ['lr', 'weightDecay']);
    // NOTE: not RMSprop's alpha (which must be >= 0): PyTorch's ASGD takes any number
    for (const name of ['lambd', 'alpha', 't0'] as const) checkNumberOption('ASGD', name, o[name]);
    checkOptionValues('ASGD', o, ['maximize']);
  }

  protected updateGroup(group: ParamGroup<ASGDGroupOptions>): void {
    const { lr, lambd, alpha, t0 } = group;
    const scalarF32 = scalarStateIsFloat32();
    const init = (param: Tensor): ASGDState => ({ step: 0, eta: round32(lr, scalarF32), mu: 1, ax: zeroBuffer(param) });
    updateEach(group.params, this.state, init, (param, grad, s) => {
      s.step += 1;
      asgdUpdate(floatData(param), floatData(grad), floatData(s.ax), s.eta, s.mu, group, isFloat32(param));
      // Python floats, then stored in 0-dim tensors of the default dtype
      s.eta = round32(lr / (1 + lambd * lr * s.step) ** alpha, scalarF32);
      const sinceT0 = s.step - t0; // Python's max(1, t - t0), which keeps 1 for NaN
      s.mu = round32(1 / (sinceT0 > 1 ? sinceT0 : 1), scalarF32);
    });
  }

  protected loadStateEntry(entry: unknown, param: Tensor): ASGDState {
    return { step: loadStep(entry), eta: loadNumber(entry, 'eta'), mu: loadNumber(entry, 'mu'), ax: loadBuffer(entry, 'ax', param) };
  }
}

// g = (maximize ? -grad : grad) + weightDecay * p
// p = p * (1 - lambd * eta);  p = p - eta * g
// ax = mu == 1 ? p : ax + (p - ax) * mu
// round32 rounds where PyTorch keeps a float32 result; a * b + c rounded once is its fused multiply-add.
function asgdUpdate(p: FloatArray, grad: FloatArray, ax: FloatArray, eta: number, mu: number, o: ASGDGroupOptions, f32: boolean): void {
  const sign = o.maximize ? -1 : 1;
  const weightDecay = round32(o.weightDecay, f32);
  const decay = round32(1 - o.lambd * eta, f32);
  const negEta = round32(-eta, f32);
  for (let i = 0; i < p.length; i++) {
    let g = sign * grad[i];
    if (o.weightDecay !== 0) g = round32(weightDecay * p[i] + g, f32);
    p[i] = round32(negEta * g + round32(p[i] * decay, f32), f32);
    ax[i] = mu === 1 ? p[i] : round32(ax[i] + round32(round32(p[i] - ax[i], f32) * mu, f32), f32);
  }
}

// NOTE: bound once, not called through the import (see round32 in helpers.ts: several times faster under tsx).
const round32 = importedRound32;
