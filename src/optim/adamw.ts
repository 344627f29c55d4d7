import { checkOptions as checkOptionKeys, type Unsupported } from '../options';
import { Adam, type AdamGroupOptions, type AdamOptions, type AdamState } from './adam';
import { unsupportedOptions } from './helpers';
import { type OptimizerStateDict, type Params } from './optimizer';

/** Options of `AdamW`, with PyTorch's defaults: those of `Adam` but weightDecay 1e-2 (and no decoupledWeightDecay: it is always on). */
export interface AdamWOptions extends Omit<AdamOptions, 'weightDecay' | 'decoupledWeightDecay'> {
  /** Each step shrinks every parameter by the factor `1 - lr * weightDecay`; default 1e-2. */
  weightDecay?: number;
}

const ADAMW_OPTIONS = ['lr', 'betas', 'eps', 'weightDecay', 'amsgrad', 'maximize'];

const ADAMW_UNSUPPORTED: Unsupported = {
  ...unsupportedOptions('foreach', 'capturable', 'differentiable', 'fused'),
  decoupledWeightDecay: { why: 'AdamW always decouples weight decay (for an L2 term in the gradient, use Adam)', accepts: [true] },
};

/**
 * AdamW (`torch.optim.AdamW`): Adam with decoupled weight decay, each step first shrinking every
 * parameter by `1 - lr * weightDecay` (default weightDecay 1e-2). As in PyTorch it is an `Adam`
 * whose groups have `decoupledWeightDecay: true`, and saves the same state (step, expAvg, expAvgSq,
 * maxExpAvgSq).
 *
 * ```ts
 * const opt = new optim.AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.01 });
 * ```
 */
export class AdamW extends Adam {
  constructor(params: Params<AdamGroupOptions>, options: AdamWOptions = {}) {
    checkOptionKeys(options, ADAMW_OPTIONS, 'AdamW', ADAMW_UNSUPPORTED);
    super(params, { ...options, weightDecay: options.weightDecay ?? 1e-2, decoupledWeightDecay: true });
  }

  protected override unsupportedOptions(): Unsupported {
    return ADAMW_UNSUPPORTED;
  }

  protected override checkOptions(o: AdamGroupOptions): void {
    super.checkOptions(o);
    if (o.decoupledWeightDecay !== true) {
      throw new Error('AdamW: decoupledWeightDecay must be true (AdamW always decouples weight decay; for an L2 term in the gradient, use Adam)');
    }
  }

  /** As `Optimizer.loadStateDict`; every group loaded gets `decoupledWeightDecay: true`, as PyTorch's AdamW sets on load. */
  override loadStateDict(stateDict: OptimizerStateDict<AdamGroupOptions, AdamState>): void {
    const groups = (stateDict as { paramGroups?: unknown } | null)?.paramGroups;
    if (!Array.isArray(groups)) return super.loadStateDict(stateDict);
    const decoupled = groups.map((g: unknown) => (g !== null && typeof g === 'object' && !Array.isArray(g) ? { ...g, decoupledWeightDecay: true } : g));
    super.loadStateDict({ ...stateDict, paramGroups: decoupled as OptimizerStateDict<AdamGroupOptions, AdamState>['paramGroups'] });
  }
}
