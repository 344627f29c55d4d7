import type { FloatArray } from '../dtype';
import { floatData } from '../ops/helpers';
import type { Tensor } from '../tensor';
import { checkNumberOption, checkOptionValues, isFloat32, loadBuffers, loadStep, unsupportedOptions, updateEach, withDefaults, zeroBuffer } from './helpers';
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
// Float32 rounds (fr) where PyTorch keeps a float32 result; a * b + c rounded once is its fused multiply-add.
// NOTE: one loop per float type, Math.fround written out in the float32 one: on 1.2M float32
// parameters (the MNIST CNN's) 19 -> 10 ms a step against one loop with round32(x, f32), same bits.
function adadeltaUpdate(p: FloatArray, grad: FloatArray, v: FloatArray, u: FloatArray, o: AdadeltaGroupOptions, f32: boolean): void {
  if (f32) adadeltaFloat32(p as Float32Array, grad as Float32Array, v as Float32Array, u as Float32Array, o);
  else adadeltaFloat64(p as Float64Array, grad as Float64Array, v as Float64Array, u as Float64Array, o);
}

function adadeltaFloat32(p: Float32Array, grad: Float32Array, v: Float32Array, u: Float32Array, o: AdadeltaGroupOptions): void {
  const fr = Math.fround;
  const sign = o.maximize ? -1 : 1;
  const decay = o.weightDecay !== 0;
  const weightDecay = fr(o.weightDecay);
  const rho = fr(o.rho);
  const oneMinusRho = fr(1 - o.rho);
  const eps = fr(o.eps);
  const negLr = fr(-o.lr);
  for (let i = 0; i < p.length; i++) {
    let g = sign * grad[i];
    if (decay) g = fr(weightDecay * p[i] + g);
    const vi = fr(fr(oneMinusRho * g) * g + fr(v[i] * rho));
    v[i] = vi;
    const std = fr(Math.sqrt(fr(vi + eps)));
    const delta = fr(fr(fr(Math.sqrt(fr(u[i] + eps))) / std) * g);
    u[i] = fr(fr(oneMinusRho * delta) * delta + fr(u[i] * rho));
    p[i] = fr(negLr * delta + p[i]);
  }
}

function adadeltaFloat64(p: Float64Array, grad: Float64Array, v: Float64Array, u: Float64Array, o: AdadeltaGroupOptions): void {
  const sign = o.maximize ? -1 : 1;
  const { weightDecay, rho, eps } = o;
  const oneMinusRho = 1 - rho;
  for (let i = 0; i < p.length; i++) {
    let g = sign * grad[i];
    if (weightDecay !== 0) g = weightDecay * p[i] + g;
    v[i] = oneMinusRho * g * g + v[i] * rho;
    const delta = (Math.sqrt(u[i] + eps) / Math.sqrt(v[i] + eps)) * g;
    u[i] = oneMinusRho * delta * delta + u[i] * rho;
    p[i] = -o.lr * delta + p[i];
  }
}
