import type { FloatArray } from '../dtype';
import { floatData } from '../ops/helpers';
import type { Tensor } from '../tensor';
import {
  checkNumberOption,
  checkOptionValues,
  isFloat32,
  loadBuffers,
  loadStep,
  round32 as importedRound32,
  unsupportedOptions,
  updateEach,
  withDefaults,
  zeroBuffer,
} from './helpers';
import { Optimizer, type ParamGroup, type Params } from './optimizer';

/** Options of `Adadelta`, with PyTorch's defaults. */
export interface AdadeltaOptions {
  /** Scales the update; default 1.0. */
  lr?: number;
  /** Decay rate of the running means of the squared gradient and of the squared update; default 0.9. */
  rho?: number;
  /** Added inside both square roots; default 1e-6. */
  eps?: number;
  /** L2 penalty added to the gradient; default 0. */
  weightDecay?: number;
  /** Step up the gradient instead of down; default false. */
  maximize?: boolean;
}

/** A group's Adadelta options with every default filled in. */
export type AdadeltaGroupOptions = Required<AdadeltaOptions>;

const ADADELTA_DEFAULTS: AdadeltaGroupOptions = { lr: 1.0, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false };
const ADADELTA_UNSUPPORTED = unsupportedOptions('foreach', 'differentiable', 'capturable');

/** Adadelta's per-parameter state: the number of steps and the running means of the squared gradient and of the squared update. */
export type AdadeltaState = { step: number; squareAvg: Tensor; accDelta: Tensor };

/**
 * Adadelta (`torch.optim.Adadelta`), following PyTorch's `_single_tensor_adadelta` operation for
 * operation: the update is `sqrt(u + eps) / sqrt(v + eps) * g`, with v and u the running means of
 * the squared gradient and of the squared update, scaled by lr; L2 weight decay and `maximize`.
 */
export class Adadelta extends Optimizer<AdadeltaGroupOptions, AdadeltaState> {
  constructor(params: Params<AdadeltaGroupOptions>, options: AdadeltaOptions = {}) {
    super(params, withDefaults('Adadelta', options, ADADELTA_DEFAULTS, ADADELTA_UNSUPPORTED), ADADELTA_UNSUPPORTED);
  }

  protected checkOptions(o: AdadeltaGroupOptions): void {
    checkOptionValues('Adadelta', o, ['lr']);
    checkNumberOption('Adadelta', 'rho', o.rho);
    if (!(o.rho >= 0 && o.rho <= 1)) throw new Error(`Invalid rho value: ${o.rho}`);
    checkOptionValues('Adadelta', o, ['eps', 'weightDecay', 'maximize']);
  }

  protected updateGroup(group: ParamGroup<AdadeltaGroupOptions>): void {
    const init = (param: Tensor): AdadeltaState => ({ step: 0, squareAvg: zeroBuffer(param), accDelta: zeroBuffer(param) });
    updateEach(group.params, this.state, init, (param, grad, s) => {
      s.step += 1;
      adadeltaUpdate(floatData(param), floatData(grad), floatData(s.squareAvg), floatData(s.accDelta), group, isFloat32(param));
    });
  }

  protected loadStateEntry(entry: unknown, param: Tensor): AdadeltaState {
    return { step: loadStep(entry), ...loadBuffers(entry, param, ['squareAvg', 'accDelta']) };
  }
}

// g = (maximize ? -grad : grad) + weightDecay * p
// v = rho * v + (1 - rho) * g^2
// delta = sqrt(u + eps) / sqrt(v + eps) * g
// u = rho * u + (1 - rho) * delta^2
// p = p - lr * delta
// round32 rounds where PyTorch keeps a float32 result; a * b + c rounded once is its fused multiply-add.
function adadeltaUpdate(p: FloatArray, grad: FloatArray, v: FloatArray, u: FloatArray, o: AdadeltaGroupOptions, f32: boolean): void {
  const sign = o.maximize ? -1 : 1;
  const weightDecay = round32(o.weightDecay, f32);
  const rho = round32(o.rho, f32);
  const oneMinusRho = round32(1 - o.rho, f32);
  const eps = round32(o.eps, f32);
  const negLr = round32(-o.lr, f32);
  for (let i = 0; i < p.length; i++) {
    let g = sign * grad[i];
    if (o.weightDecay !== 0) g = round32(weightDecay * p[i] + g, f32);
    v[i] = round32(round32(oneMinusRho * g, f32) * g + round32(v[i] * rho, f32), f32);
    const std = round32(Math.sqrt(round32(v[i] + eps, f32)), f32);
    const delta = round32(round32(round32(Math.sqrt(round32(u[i] + eps, f32)), f32) / std, f32) * g, f32);
    u[i] = round32(round32(oneMinusRho * delta, f32) * delta + round32(u[i] * rho, f32), f32);
    p[i] = round32(negLr * delta + p[i], f32);
  }
}

// NOTE: bound once, not called through the import (see round32 in helpers.ts: several times faster under tsx).
const round32 = importedRound32;
