import type { FloatArray } from '../dtype';
import { checkOptions as checkOptionKeys, type Unsupported } from '../options';
import { floatData } from '../ops/helpers';
import type { Tensor } from '../tensor';
import {
  checkBetas,
  checkBooleanOption,
  checkNonNegative,
  lerpScalars,
  loadBuffer,
  loadStep,
  Optimizer,
  type ParamGroup,
  type Params,
  isFloat32,
  unsupportedOptions,
  zeroBuffer,
} from './optimizer';

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

const ADAMAX_OPTIONS = ['lr', 'betas', 'eps', 'weightDecay', 'maximize'];

const ADAMAX_UNSUPPORTED: Unsupported = unsupportedOptions('foreach', 'differentiable', 'capturable');

/** A group's Adamax options with every default filled in. */
export type AdamaxGroupOptions = Required<AdamaxOptions>;

/** Adamax's per-parameter state: the number of steps taken, the gradient's running mean and its exponentially weighted infinity norm. */
export type AdamaxState = { step: number; expAvg: Tensor; expInf: Tensor };

/**
 * Adamax (`torch.optim.Adamax`), Adam with the infinity norm in place of the second moment,
 * following PyTorch's `_single_tensor_adamax` operation for operation.
 */
export class Adamax extends Optimizer<AdamaxGroupOptions, AdamaxState> {
  constructor(params: Params<AdamaxGroupOptions>, options: AdamaxOptions = {}) {
    checkOptionKeys(options, ADAMAX_OPTIONS, 'Adamax', ADAMAX_UNSUPPORTED);
    super(params, {
      lr: options.lr ?? 2e-3,
      betas: options.betas ?? [0.9, 0.999],
      eps: options.eps ?? 1e-8,
      weightDecay: options.weightDecay ?? 0,
      maximize: options.maximize ?? false,
    });
  }

  protected override unsupportedOptions(): Unsupported {
    return ADAMAX_UNSUPPORTED;
  }

  protected checkOptions(o: AdamaxGroupOptions): void {
    checkNonNegative('Adamax', 'lr', o.lr, 'Invalid learning rate');
    checkNonNegative('Adamax', 'eps', o.eps, 'Invalid epsilon value');
    checkBetas('Adamax', o.betas);
    checkNonNegative('Adamax', 'weightDecay', o.weightDecay, 'Invalid weight_decay value');
    checkBooleanOption('Adamax', 'maximize', o.maximize);
  }

  protected updateGroup(group: ParamGroup<AdamaxGroupOptions>): void {
    const { lr, betas, eps, weightDecay, maximize } = group;
    const [beta1, beta2] = betas;
    for (const param of group.params) {
      const grad = param.grad;
      if (grad === null) continue;
      let s = this.state.get(param);
      if (s === undefined) {
        s = { step: 0, expAvg: zeroBuffer(param), expInf: zeroBuffer(param) };
        this.state.set(param, s);
      }
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
      param._version.value++;
    }
  }

  protected loadStateEntry(entry: unknown, param: Tensor): AdamaxState {
    return { step: loadStep(entry), expAvg: loadBuffer(entry, 'expAvg', param), expInf: loadBuffer(entry, 'expInf', param) };
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

// NOTE: optimizer.ts's round32, copied so that V8 inlines it in the loops: under tsx (esbuild's
// CommonJS) an imported function is read through a getter on every call, several times slower.
function round32(x: number, f32: boolean): number {
  return f32 ? Math.fround(x) : x;
}
