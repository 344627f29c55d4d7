import type { FloatArray } from '../dtype';
import { floatData } from '../ops/helpers';
import type { Tensor } from '../tensor';
import {
  checkOptionValues,
  isFloat32,
  lerpScalars,
  type MomentOptions,
  loadBuffers,
  loadStep,
  round32 as importedRound32,
  unsupportedOptions,
  updateEach,
  withDefaults,
  zeroBuffer,
} from './helpers';
import { Optimizer, type ParamGroup, type Params } from './optimizer';

/** Options of `RAdam`, with PyTorch's defaults. */
export interface RAdamOptions {
  /** Default 1e-3. */
  lr?: number;
  /** Decay rates of the gradient's running mean and of its square; default [0.9, 0.999]. */
  betas?: readonly [number, number];
  /** Default 1e-8. */
  eps?: number;
  /** Weight decay: an L2 penalty added to the gradient, or with `decoupledWeightDecay` a shrink of the parameter; default 0. */
  weightDecay?: number;
  /** Shrink each parameter by `lr * weightDecay` before the step instead of adding an L2 term to the gradient (RAdamW); default false. */
  decoupledWeightDecay?: boolean;
  /** Step up the gradient instead of down; default false. */
  maximize?: boolean;
}

/** A group's RAdam options with every default filled in. */
export type RAdamGroupOptions = Required<RAdamOptions>;

const RADAM_DEFAULTS: RAdamGroupOptions = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, decoupledWeightDecay: false, maximize: false };
const RADAM_UNSUPPORTED = unsupportedOptions('foreach', 'capturable', 'differentiable');

/** RAdam's per-parameter state: the number of steps taken and the running means of the gradient and of its square. */
export type RAdamState = { step: number; expAvg: Tensor; expAvgSq: Tensor };

/**
 * RAdam (`torch.optim.RAdam`): Adam with the variance of the adaptive learning rate rectified, and
 * plain bias-corrected momentum steps while that variance is intractable (the first few steps),
 * following PyTorch's `_single_tensor_radam` operation for operation.
 */
export class RAdam extends Optimizer<RAdamGroupOptions, RAdamState> {
  constructor(params: Params<RAdamGroupOptions>, options: RAdamOptions = {}) {
    super(params, withDefaults('RAdam', options, RADAM_DEFAULTS, RADAM_UNSUPPORTED), RADAM_UNSUPPORTED);
  }

  protected checkOptions(o: RAdamGroupOptions): void {
    checkOptionValues('RAdam', o, ['lr', 'eps', 'betas', 'weightDecay', 'decoupledWeightDecay', 'maximize']);
  }

  protected updateGroup(group: ParamGroup<RAdamGroupOptions>): void {
    const { lr, betas, eps, weightDecay, decoupledWeightDecay, maximize } = group;
    const [beta1, beta2] = betas;
    const init = (param: Tensor): RAdamState => ({ step: 0, expAvg: zeroBuffer(param), expAvgSq: zeroBuffer(param) });
    updateEach(group.params, this.state, init, (param, grad, s) => {
      s.step += 1;
      const step = s.step;
      const bias1 = 1 - beta1 ** step;
      const bias2 = 1 - beta2 ** step;
      // the length of the approximated simple moving average, at infinity and at step t
      const rhoInf = 2 / (1 - beta2) - 1;
      const rhoT = rhoInf - (2 * step * beta2 ** step) / bias2;
      // the variance rectification term, used once rho_t > 5
      const rect = rhoT > 5 ? Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT)) : null;
      radamUpdate(floatData(param), floatData(grad), floatData(s.expAvg), floatData(s.expAvgSq), isFloat32(param), {
        lr,
        beta1,
        beta2,
        bias1,
        bias2Sqrt: Math.sqrt(bias2),
        rect,
        eps,
        weightDecay,
        decoupledWeightDecay,
        maximize,
      });
    });
  }

  protected loadStateEntry(entry: unknown, param: Tensor): RAdamState {
    return { step: loadStep(entry), ...loadBuffers(entry, param, ['expAvg', 'expAvgSq']) };
  }
}

interface RAdamScalars extends MomentOptions {
  bias1: number;
  bias2Sqrt: number;
  /** The rectification term, or null while rho_t <= 5. */
  rect: number | null;
  eps: number;
}

// t = step, g = maximize ? -grad : grad
// p = p * (1 - lr * weightDecay) if decoupled, else g = g + weightDecay * p
// m = lerp(m, g, 1 - beta1);  v = beta2 * v + (1 - beta2) * g^2;  mHat = m / (1 - beta1^t)
// p = p - mHat * lr * (1 / (sqrt(v) + eps)) * sqrt(1 - beta2^t) * rect   when rho_t > 5
// p = p - mHat * lr                                                      otherwise
// round32 rounds where PyTorch keeps a float32 result; a*b + c rounded once is its fused multiply-add.
function radamUpdate(p: FloatArray, grad: FloatArray, m: FloatArray, v: FloatArray, f32: boolean, k: RAdamScalars): void {
  const sign = k.maximize ? -1 : 1;
  const l2 = k.weightDecay !== 0 && !k.decoupledWeightDecay;
  const weightDecay = round32(k.weightDecay, f32);
  const shrink = k.weightDecay !== 0 && k.decoupledWeightDecay ? round32(1 - k.lr * k.weightDecay, f32) : 1;
  const { w, oneMinusW, small } = lerpScalars(1 - k.beta1, f32);
  const beta2 = round32(k.beta2, f32);
  const oneMinusBeta2 = round32(1 - k.beta2, f32);
  const bias1 = round32(k.bias1, f32);
  const lr = round32(k.lr, f32);
  const eps = round32(k.eps, f32);
  const bias2Sqrt = round32(k.bias2Sqrt, f32);
  const rect = k.rect === null ? 0 : round32(k.rect, f32);
  const rectified = k.rect !== null;
  const n = p.length;
  for (let i = 0; i < n; i++) {
    // NOTE: these lines and the scalars above are in adam.ts, nadam.ts and radam.ts alike: see MomentOptions
    let g = sign * grad[i];
    if (l2) g = round32(g + weightDecay * p[i], f32);
    if (shrink !== 1) p[i] *= shrink;
    const m0 = m[i];
    const d = round32(g - m0, f32);
    m[i] = small ? m0 + w * d : g - d * oneMinusW;
    v[i] = round32(v[i] * beta2, f32) + round32(oneMinusBeta2 * g, f32) * g;
    const step = round32(round32(m[i] / bias1, f32) * lr, f32);
    if (rectified) {
      // NOTE: PyTorch's `scalar / tensor` is `tensor.reciprocal() * scalar`: two roundings
      const adaptive = round32(round32(1 / round32(round32(Math.sqrt(v[i]), f32) + eps, f32), f32) * bias2Sqrt, f32);
      p[i] -= round32(round32(step * adaptive, f32) * rect, f32);
    } else {
      p[i] -= step;
    }
  }
}

// NOTE: bound once, not called through the import (see round32 in helpers.ts: several times faster under tsx).
const round32 = importedRound32;
