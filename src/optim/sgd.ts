import { kernels } from '../backend/registry';
import type { FloatArray } from '../dtype';
import { floatData } from '../ops/helpers';
import type { Tensor } from '../tensor';
import { checkNumberOption, checkOptionValues, loadBuffer, OPTIMIZER_UNSUPPORTED, withDefaults, zeroBuffer } from './helpers';
import { Optimizer, type ParamGroup, type Params } from './optimizer';

/** Options of `SGD`, with PyTorch 2.x's defaults (lr 1e-3). */
export interface SGDOptions {
  /** Default 1e-3, as in PyTorch 2.x. */
  lr?: number;
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  weightDecay?: number;
  maximize?: boolean;
}

/** A group's SGD options with every default filled in. */
export type SGDGroupOptions = Required<SGDOptions>;

const SGD_DEFAULTS: SGDGroupOptions = { lr: 1e-3, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, maximize: false };

/** SGD's per-parameter state: the momentum buffer (only when momentum is used). */
export type SGDState = { momentumBuffer: Tensor };

/**
 * Stochastic gradient descent, optionally with momentum, Nesterov momentum and weight decay
 * (`torch.optim.SGD`), with PyTorch's exact update.
 *
 * ```ts
 * const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * opt.zeroGrad(); loss.backward(); opt.step();
 * ```
 */
export class SGD extends Optimizer<SGDGroupOptions, SGDState> {
  constructor(params: Params<SGDGroupOptions>, options: SGDOptions = {}) {
    super(params, withDefaults('SGD', options, SGD_DEFAULTS, OPTIMIZER_UNSUPPORTED));
  }

  protected checkOptions(o: SGDGroupOptions): void {
    checkOptionValues('SGD', o, ['lr', 'momentum', 'weightDecay']);
    checkNumberOption('SGD', 'dampening', o.dampening);
    checkOptionValues('SGD', o, ['nesterov', 'maximize']);
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) throw new Error('Nesterov momentum requires a momentum and zero dampening');
  }

  // g = (maximize ? -grad : grad) + weightDecay * p
  // b = g on the first step, else momentum * b + (1 - dampening) * g   (only with momentum)
  // g = nesterov ? g + momentum * b : b                                  (only with momentum)
  // p = p - lr * g
  // in the kernel backend's sgdUpdate (src/backend/js.ts, the reference), float32 rounded as PyTorch does.
  protected updateGroup(group: ParamGroup<SGDGroupOptions>): void {
    const { lr, momentum, dampening, nesterov, weightDecay, maximize } = group;
    for (const param of group.params) {
      const grad = param.grad;
      if (grad === null) continue;
      let buf: FloatArray | null = null;
      let first = false;
      if (momentum !== 0) {
        let entry = this.state.get(param);
        if (entry === undefined) {
          entry = { momentumBuffer: zeroBuffer(param) };
          this.state.set(param, entry);
          first = true;
        }
        buf = floatData(entry.momentumBuffer);
      }
      kernels().sgdUpdate(floatData(param), floatData(grad), buf, first, lr, momentum, dampening, nesterov, weightDecay, maximize);
      param._version.value++;
    }
  }

  protected loadStateEntry(entry: unknown, param: Tensor): SGDState {
    return { momentumBuffer: loadBuffer(entry, 'momentumBuffer', param) };
  }
}
