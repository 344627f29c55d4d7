import type { FloatArray } from '../dtype';
import { floatData } from '../ops/helpers';
import type { Tensor } from '../tensor';
import {
  checkOptionValues,
  isFloat32,
  lerpScalars,
  loadBuffer,
  loadOptionalBuffers,
  loadStep,
  round32 as importedRound32,
  unsupportedOptions,
  updateEach,
  withDefaults,
  zeroBuffer,
} from './helpers';
import { Optimizer, type ParamGroup, type Params } from './optimizer';

/** Options of `RMSprop`, with PyTorch's defaults. */
export interface RMSpropOptions {
  /** Default 1e-2. */
  lr?: number;
  /** Momentum factor; default 0 (none). */
  momentum?: number;
  /** Smoothing constant of the running mean of the squared gradient; default 0.99. */
  alpha?: number;
  /** Added to the denominator; default 1e-8. */
  eps?: number;
  /** Divide by an estimate of the gradient's variance (the mean square minus the squared mean); default false. */
  centered?: boolean;
  /** L2 penalty added to the gradient; default 0. */
  weightDecay?: number;
  /** Step up the gradient instead of down; default false. */
  maximize?: boolean;
}

/** A group's RMSprop options with every default filled in. */
export type RMSpropGroupOptions = Required<RMSpropOptions>;

const RMSPROP_DEFAULTS: RMSpropGroupOptions = { lr: 1e-2, momentum: 0, alpha: 0.99, eps: 1e-8, centered: false, weightDecay: 0, maximize: false };
const RMSPROP_UNSUPPORTED = unsupportedOptions('foreach', 'differentiable', 'capturable');

/**
 * RMSprop's per-parameter state: the number of steps, the running mean of the squared gradient,
 * with momentum the momentum buffer, and when centered the running mean of the gradient.
 */
export type RMSpropState = { step: number; squareAvg: Tensor; momentumBuffer?: Tensor; gradAvg?: Tensor };

/**
 * RMSprop (`torch.optim.RMSprop`), following PyTorch's `_single_tensor_rmsprop` operation for
 * operation: `v = alpha v + (1 - alpha) g^2`, optionally centered (`v - mean(g)^2`), the square root
 * taken before eps is added, optional momentum, L2 weight decay and `maximize`.
 */
export class RMSprop extends Optimizer<RMSpropGroupOptions, RMSpropState> {
  constructor(params: Params<RMSpropGroupOptions>, options: RMSpropOptions = {}) {
    super(params, withDefaults('RMSprop', options, RMSPROP_DEFAULTS, RMSPROP_UNSUPPORTED), RMSPROP_UNSUPPORTED);
  }

  protected checkOptions(o: RMSpropGroupOptions): void {
    checkOptionValues('RMSprop', o, ['lr', 'eps', 'momentum', 'weightDecay', 'alpha', 'centered', 'maximize']);
  }

  protected updateGroup(group: ParamGroup<RMSpropGroupOptions>): void {
    const { momentum, centered } = group;
    const init = (param: Tensor): RMSpropState => {
      const s: RMSpropState = { step: 0, squareAvg: zeroBuffer(param) };
      if (momentum > 0) s.momentumBuffer = zeroBuffer(param);
      if (centered) s.gradAvg = zeroBuffer(param);
      return s;
    };
    updateEach(group.params, this.state, init, (param, grad, s) => {
      // NOTE: momentum or centered switched on after earlier steps: PyTorch fails (KeyError); we start the buffer at zero.
      if (momentum > 0 && s.momentumBuffer === undefined) s.momentumBuffer = zeroBuffer(param);
      if (centered && s.gradAvg === undefined) s.gradAvg = zeroBuffer(param);
      s.step += 1;
      rmspropUpdate(
        floatData(param),
        floatData(grad),
        floatData(s.squareAvg),
        centered && s.gradAvg ? floatData(s.gradAvg) : null,
        momentum > 0 && s.momentumBuffer ? floatData(s.momentumBuffer) : null,
        group,
        isFloat32(param),
      );
    });
  }

  protected loadStateEntry(entry: unknown, param: Tensor, options: RMSpropGroupOptions): RMSpropState {
    return {
      step: loadStep(entry),
      squareAvg: loadBuffer(entry, 'squareAvg', param),
      ...loadOptionalBuffers(entry, param, { momentumBuffer: options.momentum > 0, gradAvg: options.centered }),
    };
  }
}

// g = (maximize ? -grad : grad) + weightDecay * p
// v = alpha * v + (1 - alpha) * g^2
// centered: gAvg = lerp(gAvg, g, 1 - alpha); avg = sqrt(v - gAvg^2) + eps, else avg = sqrt(v) + eps
// momentum: b = momentum * b + g / avg; p = p - lr * b, else p = p - lr * g / avg
// round32 rounds where PyTorch keeps a float32 result; a * b + c rounded once is its fused multiply-add.
function rmspropUpdate(
  p: FloatArray,
  grad: FloatArray,
  v: FloatArray,
  gAvg: FloatArray | null,
  buf: FloatArray | null,
  o: RMSpropGroupOptions,
  f32: boolean,
): void {
  const sign = o.maximize ? -1 : 1;
  const weightDecay = round32(o.weightDecay, f32);
  const alpha = round32(o.alpha, f32);
  const { w, oneMinusW, small } = lerpScalars(1 - o.alpha, f32);
  const eps = round32(o.eps, f32);
  const momentum = round32(o.momentum, f32);
  const negLr = round32(-o.lr, f32);
  for (let i = 0; i < p.length; i++) {
    let g = sign * grad[i];
    if (o.weightDecay !== 0) g = round32(weightDecay * p[i] + g, f32);
    v[i] = round32(round32(w * g, f32) * g + round32(v[i] * alpha, f32), f32);
    let avg: number;
    if (gAvg !== null) {
      const diff = round32(g - gAvg[i], f32);
      gAvg[i] = round32(small ? w * diff + gAvg[i] : g - diff * oneMinusW, f32);
      avg = round32(Math.sqrt(round32(v[i] - gAvg[i] * gAvg[i], f32)), f32);
    } else {
      avg = round32(Math.sqrt(v[i]), f32);
    }
    avg = round32(avg + eps, f32);
    if (buf !== null) {
      buf[i] = round32(round32(buf[i] * momentum, f32) + round32(g / avg, f32), f32);
      p[i] = round32(negLr * buf[i] + p[i], f32);
    } else {
      p[i] = round32(p[i] + round32(round32(negLr * g, f32) / avg, f32), f32);
    }
  }
}

// NOTE: bound once, not called through the import (see round32 in helpers.ts: several times faster under tsx).
const round32 = importedRound32;
