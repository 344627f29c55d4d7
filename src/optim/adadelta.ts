import type { FloatArray } from '../dtype';
import { checkOptions as checkOptionKeys, type Unsupported } from '../options';
import { floatData } from '../ops/helpers';
import type { Tensor } from '../tensor';
import {
  checkBooleanOption,
  checkNonNegative,
  checkNumberOption,
  isFloat32,
  loadBuffer,
  loadStep,
  Optimizer,
  type ParamGroup,
  type Params,
  unsupportedOptions,
  zeroBuffer,
} from './optimizer';

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

const ADADELTA_OPTIONS = ['lr', 'rho', 'eps', 'weightDecay', 'maximize'];
const ADADELTA_UNSUPPORTED = unsupportedOptions('foreach', 'differentiable', 'capturable');

/** A group's Adadelta options with every default filled in. */
export type AdadeltaGroupOptions = Required<AdadeltaOptions>;

/** Adadelta's per-parameter state: the number of steps and the running means of the squared gradient and of the squared update. */
export type AdadeltaState = { step: number; squareAvg: Tensor; accDelta: Tensor };

/**
 * Adadelta (`torch.optim.Adadelta`), following PyTorch's `_single_tensor_adadelta` operation for
 * operation: the update is `sqrt(u + eps) / sqrt(v + eps) * g`, with v and u the running means of
 * the squared gradient and of the squared update, scaled by lr; L2 weight decay and `maximize`.
 */
export class Adadelta extends Optimizer<AdadeltaGroupOptions, AdadeltaState> {
  constructor(params: Params<AdadeltaGroupOptions>, options: AdadeltaOptions = {}) {
    checkOptionKeys(options, ADADELTA_OPTIONS, 'Adadelta', ADADELTA_UNSUPPORTED);
    super(params, {
      lr: options.lr ?? 1.0,
      rho: options.rho ?? 0.9,
      eps: options.eps ?? 1e-6,
      weightDecay: options.weightDecay ?? 0,
      maximize: options.maximize ?? false,
    });
  }

  protected override unsupportedOptions(): Unsupported {
    return ADADELTA_UNSUPPORTED;
  }

  protected checkOptions(o: AdadeltaGroupOptions): void {
    checkNonNegative('Adadelta', 'lr', o.lr, 'Invalid learning rate');
    checkNumberOption('Adadelta', 'rho', o.rho);
    if (!(o.rho >= 0 && o.rho <= 1)) throw new Error(`Invalid rho value: ${o.rho}`);
    checkNonNegative('Adadelta', 'eps', o.eps, 'Invalid epsilon value');
    checkNonNegative('Adadelta', 'weightDecay', o.weightDecay, 'Invalid weight_decay value');
    checkBooleanOption('Adadelta', 'maximize', o.maximize);
  }

  protected updateGroup(group: ParamGroup<AdadeltaGroupOptions>): void {
    for (const param of group.params) {
      const grad = param.grad;
      if (grad === null) continue;
      let s = this.state.get(param);
      if (s === undefined) {
        s = { step: 0, squareAvg: zeroBuffer(param), accDelta: zeroBuffer(param) };
        this.state.set(param, s);
      }
      s.step += 1;
      adadeltaUpdate(floatData(param), floatData(grad), floatData(s.squareAvg), floatData(s.accDelta), group, isFloat32(param));
      param._version.value++;
    }
  }

  protected loadStateEntry(entry: unknown, param: Tensor): AdadeltaState {
    return { step: loadStep(entry), squareAvg: loadBuffer(entry, 'squareAvg', param), accDelta: loadBuffer(entry, 'accDelta', param) };
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

// NOTE: optimizer.ts's round32, copied so that V8 inlines it in the loop: under tsx (esbuild's
// CommonJS) an imported function is read through a getter on every call, several times slower.
function round32(x: number, f32: boolean): number {
  return f32 ? Math.fround(x) : x;
}
