import type { FloatArray } from '../dtype';
import { checkOptions as checkOptionKeys, type Unsupported } from '../options';
import { floatData } from '../ops/helpers';
import type { Tensor } from '../tensor';
import {
  checkBooleanOption,
  checkNumberOption,
  loadBuffer,
  loadNumber,
  Optimizer,
  OPTIMIZER_UNSUPPORTED,
  type ParamGroup,
  type Params,
  zeroBuffer,
} from './optimizer';

/** Options of `Adam`, with PyTorch's defaults. */
export interface AdamOptions {
  /** Default 1e-3. */
  lr?: number;
  /** Decay rates of the gradient's running mean and of its square; default [0.9, 0.999]. */
  betas?: readonly [number, number];
  /** Default 1e-8. */
  eps?: number;
  /** L2 penalty added to the gradient; default 0. */
  weightDecay?: number;
  /** Use the running maximum of the second moment (AMSGrad); default false. */
  amsgrad?: boolean;
  /** Step up the gradient instead of down; default false. */
  maximize?: boolean;
}

const ADAM_OPTIONS = ['lr', 'betas', 'eps', 'weightDecay', 'amsgrad', 'maximize'];

/** Adam's PyTorch options that tsgrad leaves out, with the values that ask for what tsgrad does anyway. */
const ADAM_UNSUPPORTED: Unsupported = {
  ...OPTIMIZER_UNSUPPORTED,
  capturable: { why: 'tsgrad runs on the CPU (no CUDA graphs to capture)', accepts: [false] },
  decoupledWeightDecay: {
    why: "tsgrad's Adam adds weightDecay to the gradient (L2), as PyTorch's Adam does by default; there is no AdamW",
    accepts: [false],
  },
};

/** A group's Adam options with every default filled in. */
export type AdamGroupOptions = Required<AdamOptions>;

/**
 * Adam's per-parameter state: the number of steps taken, the running means of the gradient and of
 * its square, and with amsgrad the running maximum of the latter.
 */
export type AdamState = { step: number; expAvg: Tensor; expAvgSq: Tensor; maxExpAvgSq?: Tensor };

/**
 * Adam (`torch.optim.Adam`), following PyTorch's `_single_tensor_adam` operation for operation:
 * bias-corrected step size, `sqrt(v) / sqrt(1 - beta2^t) + eps` as the denominator, optional
 * AMSGrad, L2 weight decay added to the gradient, and `maximize`.
 */
export class Adam extends Optimizer<AdamGroupOptions, AdamState> {
  constructor(params: Params<AdamGroupOptions>, options: AdamOptions = {}) {
    checkOptionKeys(options, ADAM_OPTIONS, 'Adam', ADAM_UNSUPPORTED);
    super(params, {
      lr: options.lr ?? 1e-3,
      betas: options.betas ?? [0.9, 0.999],
      eps: options.eps ?? 1e-8,
      weightDecay: options.weightDecay ?? 0,
      amsgrad: options.amsgrad ?? false,
      maximize: options.maximize ?? false,
    });
  }

  protected override unsupportedOptions(): Unsupported {
    return ADAM_UNSUPPORTED;
  }

  protected checkOptions(o: AdamGroupOptions): void {
    checkNumberOption('Adam', 'lr', o.lr);
    if (!(o.lr >= 0)) throw new Error(`Invalid learning rate: ${o.lr}`);
    checkNumberOption('Adam', 'eps', o.eps);
    if (!(o.eps >= 0)) throw new Error(`Invalid epsilon value: ${o.eps}`);
    if (!Array.isArray(o.betas) || o.betas.length !== 2) {
      throw new Error(`Adam: option betas must be an array of two numbers, got ${JSON.stringify(o.betas)}`);
    }
    for (const k of [0, 1]) {
      checkNumberOption('Adam', `betas[${k}]`, o.betas[k]);
      if (!(o.betas[k] >= 0 && o.betas[k] < 1)) throw new Error(`Invalid beta parameter at index ${k}: ${o.betas[k]}`);
    }
    checkNumberOption('Adam', 'weightDecay', o.weightDecay);
    if (!(o.weightDecay >= 0)) throw new Error(`Invalid weight_decay value: ${o.weightDecay}`);
    checkBooleanOption('Adam', 'amsgrad', o.amsgrad);
    checkBooleanOption('Adam', 'maximize', o.maximize);
  }

  protected updateGroup(group: ParamGroup<AdamGroupOptions>): void {
    const { lr, betas, eps, weightDecay, amsgrad, maximize } = group;
    const [beta1, beta2] = betas;
    for (const param of group.params) {
      const grad = param.grad;
      if (grad === null) continue;
      let s = this.state.get(param);
      if (s === undefined) {
        s = { step: 0, expAvg: zeroBuffer(param), expAvgSq: zeroBuffer(param) };
        if (amsgrad) s.maxExpAvgSq = zeroBuffer(param);
        this.state.set(param, s);
      } else if (amsgrad && s.maxExpAvgSq === undefined) {
        // NOTE: amsgrad switched on after earlier steps; PyTorch fails (KeyError), we start the maximum at zero.
        s.maxExpAvgSq = zeroBuffer(param);
      }
      s.step += 1;
      const bias1 = 1 - beta1 ** s.step;
      const bias2 = 1 - beta2 ** s.step;
      adamUpdate(
        floatData(param),
        floatData(grad),
        floatData(s.expAvg),
        floatData(s.expAvgSq),
        amsgrad && s.maxExpAvgSq ? floatData(s.maxExpAvgSq) : null,
        lr / bias1,
        Math.sqrt(bias2),
        beta1,
        beta2,
        eps,
        weightDecay,
        maximize,
      );
      param._version.value++;
    }
  }

  protected loadStateEntry(entry: unknown, param: Tensor, options: AdamGroupOptions): AdamState {
    const step = loadNumber(entry, 'step');
    if (!(Number.isInteger(step) && step >= 0)) throw new Error(`step must be a whole number >= 0, got ${step}`);
    const out: AdamState = { step, expAvg: loadBuffer(entry, 'expAvg', param), expAvgSq: loadBuffer(entry, 'expAvgSq', param) };
    const hasMax = (entry as { maxExpAvgSq?: unknown }).maxExpAvgSq !== undefined;
    if (options.amsgrad || hasMax) out.maxExpAvgSq = loadBuffer(entry, 'maxExpAvgSq', param);
    return out;
  }
}

// t = step, g = (maximize ? -grad : grad) + weightDecay * p
// m = lerp(m, g, 1 - beta1);  v = beta2 * v + (1 - beta2) * g^2;  vmax = max(vmax, v) with amsgrad
// p = p - (lr / (1 - beta1^t)) * m / (sqrt(amsgrad ? vmax : v) / sqrt(1 - beta2^t) + eps)
function adamUpdate(
  p: FloatArray,
  grad: FloatArray,
  m: FloatArray,
  v: FloatArray,
  vmax: FloatArray | null,
  stepSize: number,
  bias2Sqrt: number,
  beta1: number,
  beta2: number,
  eps: number,
  weightDecay: number,
  maximize: boolean,
): void {
  const sign = maximize ? -1 : 1;
  const negStepSize = -stepSize;
  const w = 1 - beta1;
  const oneMinusW = 1 - w;
  // NOTE: PyTorch's lerp switches formula at weight 0.5 for accuracy: a + w(b - a), or b - (b - a)(1 - w).
  const smallWeight = Math.abs(w) < 0.5;
  const oneMinusBeta2 = 1 - beta2;
  const n = p.length;
  for (let i = 0; i < n; i++) {
    let g = sign * grad[i];
    if (weightDecay !== 0) g += weightDecay * p[i];
    const m0 = m[i];
    m[i] = smallWeight ? m0 + w * (g - m0) : g - (g - m0) * oneMinusW;
    v[i] = v[i] * beta2 + oneMinusBeta2 * g * g;
    let second = v[i];
    if (vmax !== null) {
      vmax[i] = Math.max(vmax[i], second); // NaN propagates, as in torch.maximum
      second = vmax[i];
    }
    p[i] += (negStepSize * m[i]) / (Math.sqrt(second) / bias2Sqrt + eps);
  }
}
