import type { FloatArray } from '../dtype';
import { floatData } from '../ops/helpers';
import type { Tensor } from '../tensor';
import {
  checkOptionValues,
  filledBuffer,
  isFloat32,
  loadBuffer,
  loadStep,
  round32 as importedRound32,
  unsupportedOptions,
  updateEach,
  withDefaults,
} from './helpers';
import { Optimizer, type ParamGroup, type Params } from './optimizer';

/** Options of `Adagrad`, with PyTorch's defaults. */
export interface AdagradOptions {
  /** Default 1e-2. */
  lr?: number;
  /** Step t uses the learning rate `lr / (1 + (t - 1) * lrDecay)`; default 0. */
  lrDecay?: number;
  /** L2 penalty added to the gradient; default 0. */
  weightDecay?: number;
  /** What each parameter's sum of squared gradients starts at; default 0. See the NOTE on `Adagrad`. */
  initialAccumulatorValue?: number;
  /** Default 1e-10. */
  eps?: number;
  /** Step up the gradient instead of down; default false. */
  maximize?: boolean;
}

/** A group's Adagrad options with every default filled in. */
export type AdagradGroupOptions = Required<AdagradOptions>;

const ADAGRAD_DEFAULTS: AdagradGroupOptions = { lr: 1e-2, lrDecay: 0, eps: 1e-10, weightDecay: 0, initialAccumulatorValue: 0, maximize: false };
/** The options in the order of PyTorch's arguments, which it checks them in and errors list them in (groups keep ADAGRAD_DEFAULTS'). */
const ADAGRAD_OPTIONS = ['lr', 'lrDecay', 'weightDecay', 'initialAccumulatorValue', 'eps', 'maximize'] as const;
const ADAGRAD_UNSUPPORTED = unsupportedOptions('foreach', 'differentiable', 'fused');

/** Adagrad's per-parameter state: the number of steps taken and the running sum of squared gradients. */
export type AdagradState = { step: number; sum: Tensor };

/**
 * Adagrad (`torch.optim.Adagrad`), following PyTorch's `_single_tensor_adagrad` operation for
 * operation.
 *
 * NOTE: as in PyTorch, the constructor gives every parameter its state at once (step 0, `sum` full
 * of `initialAccumulatorValue`), and that value is always the optimizer's, never a group's: a
 * group's `initialAccumulatorValue` is kept (and saved) but not used, nor is it for parameters of a
 * group added later, which get their state on their first step.
 */
export class Adagrad extends Optimizer<AdagradGroupOptions, AdagradState> {
  constructor(params: Params<AdagradGroupOptions>, options: AdagradOptions = {}) {
    super(params, withDefaults('Adagrad', options, ADAGRAD_DEFAULTS, ADAGRAD_UNSUPPORTED, ADAGRAD_OPTIONS), ADAGRAD_UNSUPPORTED);
    for (const group of this.paramGroups) for (const param of group.params) this.state.set(param, this.freshState(param));
  }

  protected checkOptions(o: AdagradGroupOptions): void {
    checkOptionValues('Adagrad', o, ADAGRAD_OPTIONS);
  }

  private freshState(param: Tensor): AdagradState {
    return { step: 0, sum: filledBuffer(param, this.defaults.initialAccumulatorValue) };
  }

  protected updateGroup(group: ParamGroup<AdagradGroupOptions>): void {
    const { lr, lrDecay, eps, weightDecay, maximize } = group;
    updateEach(
      group.params,
      this.state,
      (param) => this.freshState(param),
      (param, grad, s) => {
        s.step += 1;
        const clr = lr / (1 + (s.step - 1) * lrDecay);
        adagradUpdate(floatData(param), floatData(grad), floatData(s.sum), clr, eps, weightDecay, maximize, isFloat32(param));
      },
    );
  }

  protected loadStateEntry(entry: unknown, param: Tensor): AdagradState {
    return { step: loadStep(entry), sum: loadBuffer(entry, 'sum', param) };
  }
}

// t = step, g = (maximize ? -grad : grad) + weightDecay * p
// sum = sum + g^2;  p = p + (-lr / (1 + (t - 1) * lrDecay)) * g / (sqrt(sum) + eps)
// round32 rounds where PyTorch keeps a float32 result; a*b + c rounded once is its fused multiply-add.
function adagradUpdate(
  p: FloatArray,
  grad: FloatArray,
  sum: FloatArray,
  clr: number,
  epsOption: number,
  weightDecayOption: number,
  maximize: boolean,
  f32: boolean,
): void {
  const sign = maximize ? -1 : 1;
  const l2 = weightDecayOption !== 0;
  const weightDecay = round32(weightDecayOption, f32);
  const eps = round32(epsOption, f32);
  const negClr = round32(-clr, f32);
  const n = p.length;
  for (let i = 0; i < n; i++) {
    let g = sign * grad[i];
    if (l2) g = round32(g + weightDecay * p[i], f32);
    sum[i] += g * g;
    const std = round32(round32(Math.sqrt(sum[i]), f32) + eps, f32);
    p[i] += round32(round32(negClr * g, f32) / std, f32);
  }
}

// NOTE: bound once, not called through the import (see round32 in helpers.ts: several times faster under tsx).
const round32 = importedRound32;
