import type { FloatArray } from '../dtype';
import { floatData } from '../ops/helpers';
import type { Tensor } from '../tensor';
import {
  checkNumberOption,
  checkOptionValues,
  filledBuffer,
  isFloat32,
  loadBuffers,
  loadStep,
  round32 as importedRound32,
  unsupportedOptions,
  updateEach,
  withDefaults,
  zeroBuffer,
} from './helpers';
import { Optimizer, type ParamGroup, type Params } from './optimizer';

/** Options of `Rprop`, with PyTorch's defaults. */
export interface RpropOptions {
  /** The initial step size of every element; default 1e-2. */
  lr?: number;
  /** [etaminus, etaplus]: how a step size shrinks when the gradient changes sign and grows when it keeps it; default [0.5, 1.2]. */
  etas?: readonly [number, number];
  /** [min, max]: the bounds of the step sizes; default [1e-6, 50]. */
  stepSizes?: readonly [number, number];
  /** Step up the gradient instead of down; default false. */
  maximize?: boolean;
}

/** A group's Rprop options with every default filled in. */
export type RpropGroupOptions = Required<RpropOptions>;

const RPROP_DEFAULTS: RpropGroupOptions = { lr: 1e-2, etas: [0.5, 1.2], stepSizes: [1e-6, 50], maximize: false };
const RPROP_UNSUPPORTED = unsupportedOptions('foreach', 'differentiable', 'capturable');

/** Rprop's per-parameter state: the number of steps, the previous (masked) gradient, and each element's step size. */
export type RpropState = { step: number; prev: Tensor; stepSize: Tensor };

/**
 * Resilient backpropagation (`torch.optim.Rprop`), following PyTorch's `_single_tensor_rprop`:
 * each element's step size grows by etaplus while its gradient keeps its sign and shrinks by
 * etaminus when the sign flips (then that element does not move, and its gradient counts as 0 next
 * time), clamped to `stepSizes`; the parameter moves by its step size against the gradient's sign.
 */
export class Rprop extends Optimizer<RpropGroupOptions, RpropState> {
  constructor(params: Params<RpropGroupOptions>, options: RpropOptions = {}) {
    super(params, withDefaults('Rprop', options, RPROP_DEFAULTS, RPROP_UNSUPPORTED), RPROP_UNSUPPORTED);
  }

  protected checkOptions(o: RpropGroupOptions): void {
    checkOptionValues('Rprop', o, ['lr']);
    for (const name of ['etas', 'stepSizes'] as const) {
      const pair = o[name];
      if (!Array.isArray(pair) || pair.length !== 2) throw new Error(`Rprop: option ${name} must be an array of two numbers, got ${JSON.stringify(pair)}`);
      checkNumberOption('Rprop', `${name}[0]`, pair[0]);
      checkNumberOption('Rprop', `${name}[1]`, pair[1]);
    }
    const [etaminus, etaplus] = o.etas;
    if (!(0 < etaminus && etaminus < 1 && 1 < etaplus)) throw new Error(`Invalid eta values: ${etaminus}, ${etaplus}`);
    checkOptionValues('Rprop', o, ['maximize']);
  }

  protected updateGroup(group: ParamGroup<RpropGroupOptions>): void {
    const init = (param: Tensor): RpropState => ({ step: 0, prev: zeroBuffer(param), stepSize: filledBuffer(param, group.lr) });
    updateEach(group.params, this.state, init, (param, grad, s) => {
      s.step += 1;
      rpropUpdate(floatData(param), floatData(grad), floatData(s.prev), floatData(s.stepSize), group, isFloat32(param));
    });
  }

  protected loadStateEntry(entry: unknown, param: Tensor): RpropState {
    return { step: loadStep(entry), ...loadBuffers(entry, param, ['prev', 'stepSize']) };
  }
}

/** torch.sign: 1, -1, or 0 (for zeros and NaN). */
const sign = (x: number): number => (x > 0 ? 1 : 0) - (x < 0 ? 1 : 0);

// g = maximize ? -grad : grad
// factor = etaplus where g * prev > 0, etaminus where < 0, else 1
// stepSize = clamp(stepSize * factor, min, max)
// g = 0 where factor == etaminus (a sign flip: no move now, and no sign to compare next step)
// p = p - sign(g) * stepSize;  prev = g
function rpropUpdate(p: FloatArray, grad: FloatArray, prev: FloatArray, stepSize: FloatArray, o: RpropGroupOptions, f32: boolean): void {
  const flip = o.maximize ? -1 : 1;
  const etaminus = round32(o.etas[0], f32);
  const etaplus = round32(o.etas[1], f32);
  const lo = round32(o.stepSizes[0], f32);
  const hi = round32(o.stepSizes[1], f32);
  for (let i = 0; i < p.length; i++) {
    let g = flip * grad[i];
    const s = sign(round32(g * prev[i], f32));
    const factor = s > 0 ? etaplus : s < 0 ? etaminus : 1;
    // clamp as torch.clamp: a NaN bound gives NaN; min above max gives max
    let size = round32(stepSize[i] * factor, f32);
    if (lo !== lo || size < lo) size = lo;
    if (hi !== hi || size > hi) size = hi;
    stepSize[i] = size;
    if (factor === etaminus) g = 0;
    p[i] = round32(p[i] - sign(g) * size, f32);
    prev[i] = g;
  }
}

// NOTE: bound once, not called through the import (see round32 in helpers.ts: several times faster under tsx).
const round32 = importedRound32;
