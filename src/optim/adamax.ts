import type { FloatArray } from '../dtype';
import { floatData } from '../ops/helpers';
import type { Tensor } from '../tensor';
import {
  checkOptionValues,
  isFloat32,
  lerpScalars,
  loadBuffers,
  loadStep,
  round32 as importedRound32,
  unsupportedOptions,
  updateEach,
  withDefaults,
  zeroBuffer,
} from './helpers';
import { Optimizer, type ParamGroup, type Params } from './optimizer';

/** Options of `Adamax`, with PyTorch's defaults. */
export interface AdamaxOptions {
  /** Default 2e-3. */
  lr?: number;
  /** Decay rates of the gradient's running mean and of its infinity norm; default [0.9, 0.999]. */
  betas?: readonly [number, number];
  /** Added to |g| in the infinity norm; default 1e-8. */
  eps?: number;
  /** L2 penalty added to the gradient; default 0. */
  weightDecay?: number;
  /** Step up the gradient instead of down; default false. */
  maximize?: boolean;
}

/** A group's Adamax options with every default filled in. */
export type AdamaxGroupOptions = Required<AdamaxOptions>;

const ADAMAX_DEFAULTS: AdamaxGroupOptions = { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, maximize: false };
const ADAMAX_UNSUPPORTED = unsupportedOptions('foreach', 'differentiable', 'capturable');

/** Adamax's per-parameter state: the number of steps taken, the gradient's running mean and its exponentially weighted infinity norm. */
export type AdamaxState = { step: number; expAvg: Tensor; expInf: Tensor };

/**
 * Adamax (`torch.optim.Adamax`), Adam with the infinity norm in place of the second moment,
 * following PyTorch's `_single_tensor_adamax` operation for operation.
 */
export class Adamax extends Optimizer<AdamaxGroupOptions, AdamaxState> {
  constructor(params: Params<AdamaxGroupOptions>, options: AdamaxOptions = {}) {
    super(params, withDefaults('Adamax', options, ADAMAX_DEFAULTS, ADAMAX_UNSUPPORTED), ADAMAX_UNSUPPORTED);
  }

  protected checkOptions(o: AdamaxGroupOptions): void {
    checkOptionValues('Adamax', o, ['lr', 'eps', 'betas', 'weightDecay', 'maximize']);
  }

  protected updateGroup(group: ParamGroup<AdamaxGroupOptions>): void {
    const { lr, betas, eps, weightDecay, maximize } = group;
    const [beta1, beta2] = betas;
    const init = (param: Tensor): AdamaxState => ({ step: 0, expAvg: zeroBuffer(param), expInf: zeroBuffer(param) });
    updateEach(group.params, this.state, init, (param, grad, s) => {
      s.step += 1;
      const clr = lr / (1 - beta1 ** s.step);
      adamaxUpdate(
        floatData(param),
        floatData(grad),
        floatData(s.expAvg),
        floatData(s.expInf),
        clr,
        beta1,
        beta2,
        eps,
        weightDecay,
        maximize,
        isFloat32(param),
      );
    });
  }

  protected loadStateEntry(entry: unknown, param: Tensor): AdamaxState {
    return { step: loadStep(entry), ...loadBuffers(entry, param, ['expAvg', 'expInf']) };
  }
}

// t = step, g = (maximize ? -grad : grad) + weightDecay * p
// m = lerp(m, g, 1 - beta1);  u = max(beta2 * u, |g| + eps)
// p = p + (-lr / (1 - beta1^t)) * m / u
// round32 rounds where PyTorch keeps a float32 result; a*b + c rounded once is its fused multiply-add.
function adamaxUpdate(
  p: FloatArray,
  grad: FloatArray,
  m: FloatArray,
  u: FloatArray,
  clr: number,
  beta1: number,
  beta2Option: number,
  epsOption: number,
  weightDecayOption: number,
  maximize: boolean,
  f32: boolean,
): void {
  const sign = maximize ? -1 : 1;
  const l2 = weightDecayOption !== 0;
  const weightDecay = round32(weightDecayOption, f32);
  const { w, oneMinusW, small } = lerpScalars(1 - beta1, f32);
  const beta2 = round32(beta2Option, f32);
  const eps = round32(epsOption, f32);
  const negClr = round32(-clr, f32);
  const n = p.length;
  for (let i = 0; i < n; i++) {
    let g = sign * grad[i];
    if (l2) g = round32(g + weightDecay * p[i], f32);
    const m0 = m[i];
    const d = round32(g - m0, f32);
    m[i] = small ? m0 + w * d : g - d * oneMinusW;
    u[i] = Math.max(round32(u[i] * beta2, f32), round32(Math.abs(g) + eps, f32)); // NaN propagates, as in torch.maximum
    p[i] += round32(round32(negClr * m[i], f32) / u[i], f32);
  }
}

// NOTE: bound once, not called through the import (see round32 in helpers.ts: several times faster under tsx).
const round32 = importedRound32;
