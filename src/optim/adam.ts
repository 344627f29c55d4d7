import type { FloatArray } from '../dtype';
import { floatData } from '../ops/helpers';
import type { Tensor } from '../tensor';
import {
  checkOptionValues,
  isFloat32,
  lerpScalars,
  type MomentOptions,
  loadBuffers,
  loadOptionalBuffers,
  loadStep,
  round32 as importedRound32,
  unsupportedOptions,
  updateEach,
  withDefaults,
  zeroBuffer,
} from './helpers';
import { Optimizer, type ParamGroup, type Params } from './optimizer';

/** Options of `Adam`, with PyTorch's defaults. */
export interface AdamOptions {
  /** Default 1e-3. */
  lr?: number;
  /** Decay rates of the gradient's running mean and of its square; default [0.9, 0.999]. */
  betas?: readonly [number, number];
  /** Default 1e-8. */
  eps?: number;
  /** Weight decay: an L2 penalty added to the gradient, or with `decoupledWeightDecay` a shrink of the parameter; default 0. */
  weightDecay?: number;
  /** Use the running maximum of the second moment (AMSGrad); default false. */
  amsgrad?: boolean;
  /** Step up the gradient instead of down; default false. */
  maximize?: boolean;
  /** Shrink each parameter by `lr * weightDecay` before the step instead of adding an L2 term to the gradient (AdamW); default false. */
  decoupledWeightDecay?: boolean;
}

/** A group's Adam options with every default filled in. */
export type AdamGroupOptions = Required<AdamOptions>;

const ADAM_DEFAULTS: AdamGroupOptions = {
  lr: 1e-3,
  betas: [0.9, 0.999],
  eps: 1e-8,
  weightDecay: 0,
  amsgrad: false,
  maximize: false,
  decoupledWeightDecay: false,
};

/** Adam's PyTorch options that tsgrad leaves out, with the values that ask for what tsgrad does anyway. */
const ADAM_UNSUPPORTED = unsupportedOptions('foreach', 'capturable', 'differentiable', 'fused');

/**
 * Adam's per-parameter state: the number of steps taken, the running means of the gradient and of
 * its square, and with amsgrad the running maximum of the latter.
 */
export type AdamState = { step: number; expAvg: Tensor; expAvgSq: Tensor; maxExpAvgSq?: Tensor };

/**
 * Adam (`torch.optim.Adam`), following PyTorch's `_single_tensor_adam` operation for operation:
 * bias-corrected step size, `sqrt(v) / sqrt(1 - beta2^t) + eps` as the denominator, optional
 * AMSGrad, weight decay as an L2 term in the gradient or decoupled (`decoupledWeightDecay`, as
 * `AdamW`), and `maximize`.
 */
export class Adam extends Optimizer<AdamGroupOptions, AdamState> {
  constructor(params: Params<AdamGroupOptions>, options: AdamOptions = {}) {
    super(params, withDefaults('Adam', options, ADAM_DEFAULTS, ADAM_UNSUPPORTED), ADAM_UNSUPPORTED);
  }

  protected checkOptions(o: AdamGroupOptions): void {
    checkOptionValues(this.constructor.name, o, ['lr', 'eps', 'betas', 'weightDecay', 'amsgrad', 'maximize', 'decoupledWeightDecay']);
  }

  protected updateGroup(group: ParamGroup<AdamGroupOptions>): void {
    const { lr, betas, eps, weightDecay, amsgrad, maximize, decoupledWeightDecay } = group;
    const [beta1, beta2] = betas;
    const init = (param: Tensor): AdamState => {
      const s: AdamState = { step: 0, expAvg: zeroBuffer(param), expAvgSq: zeroBuffer(param) };
      if (amsgrad) s.maxExpAvgSq = zeroBuffer(param);
      return s;
    };
    updateEach(group.params, this.state, init, (param, grad, s) => {
      // NOTE: amsgrad switched on after earlier steps; PyTorch fails (KeyError), we start the maximum at zero.
      if (amsgrad && s.maxExpAvgSq === undefined) s.maxExpAvgSq = zeroBuffer(param);
      s.step += 1;
      const bias1 = 1 - beta1 ** s.step;
      const bias2 = 1 - beta2 ** s.step;
      adamUpdate(
        floatData(param),
        floatData(grad),
        floatData(s.expAvg),
        floatData(s.expAvgSq),
        amsgrad && s.maxExpAvgSq ? floatData(s.maxExpAvgSq) : null,
        { lr, stepSize: lr / bias1, bias2Sqrt: Math.sqrt(bias2), beta1, beta2, eps, weightDecay, decoupledWeightDecay, maximize },
        isFloat32(param),
      );
    });
  }

  protected loadStateEntry(entry: unknown, param: Tensor, options: AdamGroupOptions): AdamState {
    return {
      step: loadStep(entry),
      ...loadBuffers(entry, param, ['expAvg', 'expAvgSq']),
      ...loadOptionalBuffers(entry, param, { maxExpAvgSq: options.amsgrad }),
    };
  }
}

interface AdamScalars extends MomentOptions {
  stepSize: number;
  bias2Sqrt: number;
  eps: number;
}

// t = step, g = maximize ? -grad : grad
// p = p * (1 - lr * weightDecay) if decoupled, else g = g + weightDecay * p
// m = lerp(m, g, 1 - beta1);  v = beta2 * v + (1 - beta2) * g^2;  vmax = max(vmax, v) with amsgrad
// p = p + (-lr / (1 - beta1^t)) * m / (sqrt(amsgrad ? vmax : v) / sqrt(1 - beta2^t) + eps)
// round32 rounds where PyTorch keeps a float32 result; a*b + c rounded once is its fused multiply-add.
function adamUpdate(p: FloatArray, grad: FloatArray, m: FloatArray, v: FloatArray, vmax: FloatArray | null, k: AdamScalars, f32: boolean): void {
  const sign = k.maximize ? -1 : 1;
  const l2 = k.weightDecay !== 0 && !k.decoupledWeightDecay;
  const weightDecay = round32(k.weightDecay, f32);
  const shrink = k.weightDecay !== 0 && k.decoupledWeightDecay ? round32(1 - k.lr * k.weightDecay, f32) : 1;
  const { w, oneMinusW, small } = lerpScalars(1 - k.beta1, f32);
  const beta2 = round32(k.beta2, f32);
  const oneMinusBeta2 = round32(1 - k.beta2, f32);
  const bias2Sqrt = round32(k.bias2Sqrt, f32);
  const eps = round32(k.eps, f32);
  const negStepSize = round32(-k.stepSize, f32);
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
    let second = v[i];
    if (vmax !== null) {
      vmax[i] = Math.max(vmax[i], second); // NaN propagates, as in torch.maximum
      second = vmax[i];
    }
    const denom = round32(round32(round32(Math.sqrt(second), f32) / bias2Sqrt, f32) + eps, f32);
    p[i] += round32(round32(negStepSize * m[i], f32) / denom, f32);
  }
}

// NOTE: bound once, not called through the import (see round32 in helpers.ts: several times faster under tsx).
const round32 = importedRound32;
