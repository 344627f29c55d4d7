import { kernels } from '../backend/registry';
import { floatData } from '../ops/helpers';
import type { Tensor } from '../tensor';
import { checkNumberOption, checkOptionValues, loadBuffers, loadStep, unsupportedOptions, updateEach, withDefaults, zeroBuffer } from './helpers';
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

  // g = (maximize ? -grad : grad) + weightDecay * p
  // v = rho * v + (1 - rho) * g^2
  // delta = sqrt(u + eps) / sqrt(v + eps) * g
  // u = rho * u + (1 - rho) * delta^2
  // p = p - lr * delta
  // in the kernel backend's adadeltaUpdate (src/backend/js.ts, the reference), float32 rounded as PyTorch does.
  protected updateGroup(group: ParamGroup<AdadeltaGroupOptions>): void {
    const init = (param: Tensor): AdadeltaState => ({ step: 0, squareAvg: zeroBuffer(param), accDelta: zeroBuffer(param) });
    updateEach(group.params, this.state, init, (param, grad, s) => {
      s.step += 1;
      const { lr, rho, eps, weightDecay, maximize } = group;
      kernels().adadeltaUpdate(floatData(param), floatData(grad), floatData(s.squareAvg), floatData(s.accDelta), lr, rho, eps, weightDecay, maximize);
    });
  }

  protected loadStateEntry(entry: unknown, param: Tensor): AdadeltaState {
    return { step: loadStep(entry), ...loadBuffers(entry, param, ['squareAvg', 'accDelta']) };
  }
}
