import type { FloatArray } from '../dtype';
import { floatData } from '../ops/helpers';
import type { Tensor } from '../tensor';
import {
  checkOptionValues,
  isFloat32,
  lerpScalars,
  type MomentOptions,
  loadBuffers,
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

/** Options of `NAdam`, with PyTorch's defaults. */
export interface NAdamOptions {
  /** Default 2e-3. */
  lr?: number;
  /** Decay rates of the gradient's running mean and of its square; default [0.9, 0.999]. */
  betas?: readonly [number, number];
  /** Default 1e-8. */
  eps?: number;
  /** Weight decay: an L2 penalty added to the gradient, or with `decoupledWeightDecay` a shrink of the parameter; default 0. */
  weightDecay?: number;
  /** ψ in the momentum schedule `mu_t = beta1 * (1 - 0.5 * 0.96^(t * ψ))`; default 4e-3. */
  momentumDecay?: number;
  /** Shrink each parameter by `lr * weightDecay` before the step instead of adding an L2 term to the gradient (NAdamW); default false. */
  decoupledWeightDecay?: boolean;
  /** Step up the gradient instead of down; default false. */
  maximize?: boolean;
}

/** A group's NAdam options with every default filled in. */
export type NAdamGroupOptions = Required<NAdamOptions>;

const NADAM_DEFAULTS: NAdamGroupOptions = {
  lr: 2e-3,
  betas: [0.9, 0.999],
  eps: 1e-8,
  weightDecay: 0,
  momentumDecay: 4e-3,
  decoupledWeightDecay: false,
  maximize: false,
};
const NADAM_UNSUPPORTED = unsupportedOptions('foreach', 'capturable', 'differentiable');

/**
 * NAdam's per-parameter state: the number of steps taken, the product of the momentum schedule so
 * far (`mu_1 * ... * mu_t`), and the running means of the gradient and of its square.
 */
export type NAdamState = { step: number; muProduct: number; expAvg: Tensor; expAvgSq: Tensor };

/**
 * NAdam (`torch.optim.NAdam`): Adam with Nesterov momentum, following PyTorch's
 * `_single_tensor_nadam` operation for operation.
 *
 * NOTE: PyTorch keeps `mu_product` in a 0-dim tensor of its default scalar dtype (float32 unless the
 * default dtype is float64), and `load_state_dict` casts it to the parameter's dtype; `muProduct`
 * is rounded the same way, so float64 trajectories match PyTorch's before and after a load.
 */
export class NAdam extends Optimizer<NAdamGroupOptions, NAdamState> {
  /** Whether each state's muProduct is kept in float32 (see the NOTE above), by state entry. */
  private readonly muProductIsFloat32 = new WeakMap<NAdamState, boolean>();

  constructor(params: Params<NAdamGroupOptions>, options: NAdamOptions = {}) {
    super(params, withDefaults('NAdam', options, NADAM_DEFAULTS, NADAM_UNSUPPORTED), NADAM_UNSUPPORTED);
  }

  protected checkOptions(o: NAdamGroupOptions): void {
    checkOptionValues('NAdam', o, ['lr', 'eps', 'betas', 'weightDecay', 'momentumDecay', 'decoupledWeightDecay', 'maximize']);
  }

  protected updateGroup(group: ParamGroup<NAdamGroupOptions>): void {
    const { lr, betas, eps, weightDecay, momentumDecay, decoupledWeightDecay, maximize } = group;
    const [beta1, beta2] = betas;
    const init = (param: Tensor): NAdamState => {
      const s = { step: 0, muProduct: 1, expAvg: zeroBuffer(param), expAvgSq: zeroBuffer(param) };
      this.muProductIsFloat32.set(s, scalarStateIsFloat32());
      return s;
    };
    updateEach(group.params, this.state, init, (param, grad, s) => {
      const muF32 = this.muProductIsFloat32.get(s) ?? isFloat32(param);
      s.step += 1;
      const step = s.step;
      const bias2 = 1 - beta2 ** step;
      // the momentum schedule: mu_t and mu_{t+1}
      const mu = beta1 * (1 - 0.5 * 0.96 ** (step * momentumDecay));
      const muNext = beta1 * (1 - 0.5 * 0.96 ** ((step + 1) * momentumDecay));
      s.muProduct = round32(s.muProduct * round32(mu, muF32), muF32);
      const muProductNext = s.muProduct * muNext;
      nadamUpdate(floatData(param), floatData(grad), floatData(s.expAvg), floatData(s.expAvgSq), isFloat32(param), {
        lr,
        beta1,
        beta2,
        bias2,
        eps,
        weightDecay,
        decoupledWeightDecay,
        maximize,
        gradCoef: (-lr * (1 - mu)) / (1 - s.muProduct),
        avgCoef: (-lr * muNext) / (1 - muProductNext),
      });
    });
  }

  protected loadStateEntry(entry: unknown, param: Tensor): NAdamState {
    const s: NAdamState = {
      step: loadStep(entry),
      muProduct: round32(loadNumber(entry, 'muProduct'), isFloat32(param)),
      ...loadBuffers(entry, param, ['expAvg', 'expAvgSq']),
    };
    this.muProductIsFloat32.set(s, isFloat32(param));
    return s;
  }
}

interface NAdamScalars extends MomentOptions {
  bias2: number;
  eps: number;
  gradCoef: number;
  avgCoef: number;
}

// t = step, g = maximize ? -grad : grad
// p = p * (1 - lr * weightDecay) if decoupled, else g = g + weightDecay * p
// m = lerp(m, g, 1 - beta1);  v = beta2 * v + (1 - beta2) * g^2;  d = sqrt(v / (1 - beta2^t)) + eps
// p = p + gradCoef * g / d + avgCoef * m / d, with gradCoef = -lr (1 - mu_t) / (1 - mu_1...mu_t)
//                                          and avgCoef = -lr mu_{t+1} / (1 - mu_1...mu_{t+1})
// round32 rounds where PyTorch keeps a float32 result; a*b + c rounded once is its fused multiply-add.
function nadamUpdate(p: FloatArray, grad: FloatArray, m: FloatArray, v: FloatArray, f32: boolean, k: NAdamScalars): void {
  const sign = k.maximize ? -1 : 1;
  const l2 = k.weightDecay !== 0 && !k.decoupledWeightDecay;
  const weightDecay = round32(k.weightDecay, f32);
  const shrink = k.weightDecay !== 0 && k.decoupledWeightDecay ? round32(1 - k.lr * k.weightDecay, f32) : 1;
  const { w, oneMinusW, small } = lerpScalars(1 - k.beta1, f32);
  const beta2 = round32(k.beta2, f32);
  const oneMinusBeta2 = round32(1 - k.beta2, f32);
  const bias2 = round32(k.bias2, f32);
  const eps = round32(k.eps, f32);
  const gradCoef = round32(k.gradCoef, f32);
  const avgCoef = round32(k.avgCoef, f32);
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
    const denom = round32(round32(Math.sqrt(round32(v[i] / bias2, f32)), f32) + eps, f32);
    p[i] += round32(round32(gradCoef * g, f32) / denom, f32);
    p[i] += round32(round32(avgCoef * m[i], f32) / denom, f32);
  }
}

// NOTE: bound once, not called through the import (see round32 in helpers.ts: several times faster under tsx).
const round32 = importedRound32;
