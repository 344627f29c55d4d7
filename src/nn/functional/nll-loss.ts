/** Negative log-likelihood of log-probabilities (`torch.nn.functional.nll_loss`). */
import { Node } from '../../autograd/node';
import type { FloatArray } from '../../dtype';
import { mul } from '../../ops/binary';
import { cast, checkTensor, zerosOf } from '../../ops/helpers';
import { needsGrad, record } from '../../autograd/record';
import type { Tensor } from '../../tensor';
import { checkClassWeight, checkIndexTargetShape, classIndices, classLayout, nllLossName } from './class-target';
import { checkLossOptions, checkReduction, type Reduction, reduceLosses, upstream, upstreamScale } from './reduction';
import { checkInteger } from '../../options';

export interface NLLLossOptions {
  weight?: Tensor | null;
  ignoreIndex?: number;
  reduction?: Reduction;
}

/** The keys of NLLLossOptions, for checkOptions. */
export const NLL_LOSS_OPTIONS = ['weight', 'ignoreIndex', 'reduction'] as const;

/**
 * loss = -w[y] * input[y] per position, for log-probabilities `input` ((C), (N, C) or (N, C, d1, ...))
 * and class indices `target`; 'mean' divides by the summed w[y] of non-ignored targets.
 */
export function nllLoss(input: Tensor, target: Tensor, options: NLLLossOptions = {}): Tensor {
  checkTensor(input, 'nllLoss');
  checkTensor(target, 'nllLoss', 'target');
  checkLossOptions(options, NLL_LOSS_OPTIONS, 'nllLoss');
  const reduction = checkReduction(options.reduction, 'nllLoss');
  const ignoreIndex = checkInteger(options.ignoreIndex ?? -100, 'nllLoss', 'ignoreIndex');
  const { outer, classes, inner, positionShape, dtype } = classLayout(input, 'nllLoss');
  checkIndexTargetShape(input, target, positionShape, 'nllLoss');
  const indices = classIndices(target, classes, ignoreIndex, 'nllLoss');
  const weightTensor = checkClassWeight(options.weight, classes, 'nllLoss');
  const weight = weightTensor ? (cast(weightTensor, dtype).data as FloatArray) : null;
  const x = input.data as FloatArray;
  const losses = zerosOf(positionShape, dtype).data as FloatArray;
  let denominator = 0;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const y = indices[o * inner + i];
      if (y === ignoreIndex) continue;
      const w = weight ? weight[y] : 1;
      losses[o * inner + i] = -w * x[(o * classes + y) * inner + i];
      denominator += w;
    }
  }
  const out = reduceLosses(losses, positionShape, dtype, reduction, denominator);
  if (!needsGrad(input)) return out;
  return record(
    out,
    new NLLLossBackward(nllLossName(input.ndim, reduction), input.shape, indices, weight, ignoreIndex, reduction, denominator, classes, inner),
    input,
  );
}

class NLLLossBackward extends Node {
  constructor(
    readonly name: string,
    private readonly inputShape: readonly number[],
    private readonly indices: Int32Array,
    private readonly weight: FloatArray | null,
    private readonly ignoreIndex: number,
    private readonly reduction: Reduction,
    private readonly denominator: number,
    private readonly classes: number,
    private readonly inner: number,
  ) {
    super();
  }
  // d/dx[y] = -w[y] * scale at each position's target class, 0 elsewhere
  backward(g: Tensor): Tensor[] {
    const { indices, weight, classes, inner } = this;
    const picks = zerosOf(this.inputShape, g.dtype);
    for (let p = 0; p < indices.length; p++) {
      const y = indices[p];
      if (y === this.ignoreIndex) continue;
      const o = Math.floor(p / inner);
      picks.data[(o * classes + y) * inner + p - o * inner] = -(weight ? weight[y] : 1);
    }
    const classDim = this.inputShape.length === 1 ? 0 : 1;
    return [mul(upstreamScale(g, this.reduction, this.denominator, classDim), picks)];
  }
  override fastBackward(g: Tensor): Tensor[] {
    const { indices, weight, classes, inner } = this;
    const dx = zerosOf(this.inputShape, g.dtype);
    const { each, all } = upstream(g, this.reduction, this.denominator);
    for (let p = 0; p < indices.length; p++) {
      const y = indices[p];
      if (y === this.ignoreIndex) continue;
      const o = Math.floor(p / inner);
      const i = p - o * inner;
      dx.data[(o * classes + y) * inner + i] = -(weight ? weight[y] : 1) * (each ? each[p] : all);
    }
    return [dx];
  }
}
