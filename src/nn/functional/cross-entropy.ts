/**
 * Cross-entropy of logits against class indices or class probabilities
 * (`torch.nn.functional.cross_entropy`), as ONE fused node: a log-sum-exp forward and the analytic
 * backward, never composed from softmax + log + gather.
 *
 * Both target kinds reduce to one form. With a per-(position, class) target weight a[c],
 *   loss = -sum_c a[c] * log_softmax(x)[c] = sum_c a[c] * (lse - x[c]),
 *   d loss / d x[c] = softmax(x)[c] * sum_k a[k] - a[c].
 * Class indices y (weight w, smoothing e, C classes): a[c] = (1 - e) w[y] [c = y] + (e / C) w[c].
 * Probabilities t: a[c] = w[c] * ((1 - e) t[c] + e / C).
 * 'mean' divides by the summed w[y] of non-ignored targets (indices) or by the count of positions
 * (probabilities), as PyTorch does.
 */
import { Node } from '../../autograd/node';
import { type FloatArray, type FloatDType, isFloatDtype, promoteTypes } from '../../dtype';
import { kernels } from '../../backend/registry';
import { maxAndSumExp } from '../../kernels/softmax';
import { add, eq, mul, sub, where } from '../../ops/binary';
import { cast, checkTensor, zerosOf } from '../../ops/helpers';
import { sum } from '../../ops/reduce';
import { logSoftmax, softmax } from '../../ops/softmax';
import { needsGrad, record } from '../../autograd/record';
import { fmt, sameShape } from '../../shape';
import { Tensor } from '../../tensor';
import { checkClassWeight, checkIndexTargetShape, classIndices, classLayout, nllLossName } from './class-target';
import { checkLossOptions, checkReduction, type Reduction, reduceLosses, upstream, upstreamScale } from './reduction';
import { checkBoolean, checkInteger, checkNumber } from '../../options';

export interface CrossEntropyOptions {
  /** A weight per class (1-D, C entries). */
  weight?: Tensor | null;
  /** Targets equal to this index contribute neither loss nor gradient (class-index targets only). */
  ignoreIndex?: number;
  reduction?: Reduction;
  /** Mixes the target with the uniform distribution: (1 - e) target + e / C. */
  labelSmoothing?: number;
  /** Warn (once) when the input looks like softmax output; on by default. */
  warnOnProbabilities?: boolean;
}

/** The keys of CrossEntropyOptions, for checkOptions. */
export const CROSS_ENTROPY_OPTIONS = ['weight', 'ignoreIndex', 'reduction', 'labelSmoothing', 'warnOnProbabilities'] as const;

let warnedAboutProbabilities = false;

/** Rows that all lie in [0, 1] and sum to 1 look like softmax output, which CrossEntropy must not get. */
function looksLikeProbabilities(x: FloatArray, outer: number, classes: number, inner: number): boolean {
  if (classes < 2) return false;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let sum = 0;
      for (let c = 0, p = o * classes * inner + i; c < classes; c++, p += inner) {
        if (!(x[p] >= 0 && x[p] <= 1)) return false;
        sum += x[p];
      }
      if (Math.abs(sum - 1) > 1e-3) return false;
    }
  }
  return true;
}

/** What forward and backward share; `target` is Int32Array for indices, the probabilities otherwise. */
interface Problem {
  outer: number;
  classes: number;
  inner: number;
  byIndex: boolean;
  indices: Int32Array | null;
  ignoreIndex: number;
  weight: FloatArray | null;
  smoothing: number;
  reduction: Reduction;
  /** The dtype the loss is computed and returned in. */
  dtype: FloatDType;
}

/** a[c] for position (o, i), written into `a` (length C). Returns sum_c a[c]. */
function targetWeights(pr: Problem, probs: FloatArray | null, o: number, i: number, a: Float64Array): number {
  const { classes, inner, weight, smoothing } = pr;
  const uniform = smoothing / classes;
  let total = 0;
  if (pr.byIndex) {
    const y = pr.indices![o * inner + i];
    if (y === pr.ignoreIndex) {
      a.fill(0);
      return 0;
    }
    for (let c = 0; c < classes; c++) a[c] = uniform * (weight ? weight[c] : 1);
    a[y] += (1 - smoothing) * (weight ? weight[y] : 1);
  } else {
    for (let c = 0, p = o * classes * inner + i; c < classes; c++, p += inner) {
      a[c] = (weight ? weight[c] : 1) * ((1 - smoothing) * probs![p] + uniform);
    }
  }
  for (let c = 0; c < classes; c++) total += a[c];
  return total;
}

/** Class indices over rows of logits, no class weight, no smoothing: what the kernel backend computes. */
function isFastPath(pr: Problem): boolean {
  return pr.byIndex && pr.inner === 1 && pr.weight === null && pr.smoothing === 0;
}

/**
 * The cross-entropy loss between logits `input` ((C), (N, C) or (N, C, d1, ...)) and `target`
 * (class indices of shape (), (N) or (N, d1, ...), or probabilities shaped like the input).
 */
export function crossEntropy(input: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  checkTensor(input, 'crossEntropy');
  checkTensor(target, 'crossEntropy', 'target');
  checkLossOptions(options, CROSS_ENTROPY_OPTIONS, 'crossEntropy');
  const reduction = checkReduction(options.reduction, 'crossEntropy');
  const ignoreIndex = checkInteger(options.ignoreIndex ?? -100, 'crossEntropy', 'ignoreIndex');
  const smoothing = checkNumber(options.labelSmoothing ?? 0, 'crossEntropy', 'labelSmoothing');
  if (options.warnOnProbabilities !== undefined) checkBoolean(options.warnOnProbabilities, 'crossEntropy', 'warnOnProbabilities');
  if (!(smoothing >= 0 && smoothing <= 1)) throw new Error(`crossEntropy: labelSmoothing must be between 0.0 and 1.0, got ${smoothing}`);
  const { outer, classes, inner, positionShape, dtype: inputDtype } = classLayout(input, 'crossEntropy');
  const byIndex = !sameShape(target.shape, input.shape);
  if (!byIndex && !isFloatDtype(target.dtype)) {
    throw new Error(`crossEntropy: a target shaped like the input ${fmt(input.shape)} holds class probabilities and must be float, got ${target.dtype}`);
  }
  if (!byIndex && ignoreIndex >= 0) throw new Error('crossEntropy: ignoreIndex is not supported for class-probability targets');
  if (byIndex) checkIndexTargetShape(input, target, positionShape, 'crossEntropy');
  const weight = checkClassWeight(options.weight, classes, 'crossEntropy');
  const x = input.data as FloatArray;
  if (options.warnOnProbabilities !== false && !warnedAboutProbabilities && looksLikeProbabilities(x, outer, classes, inner)) {
    warnedAboutProbabilities = true;
    console.warn(
      'tsgrad: CrossEntropyLoss got an input whose rows all lie in [0, 1] and sum to 1: it looks like softmax output. ' +
        'CrossEntropyLoss applies log-softmax itself, so pass the raw logits (scores) instead. ' +
        '(This warning shows once; pass { warnOnProbabilities: false } to silence it.)',
    );
  }

  // probability targets promote, as in PyTorch: float32 logits with float64 targets give a float64 loss
  const dtype = byIndex ? inputDtype : (promoteTypes(inputDtype, target.dtype) as FloatDType);
  const problem: Problem = {
    outer,
    classes,
    inner,
    byIndex,
    ignoreIndex,
    smoothing,
    reduction,
    dtype,
    indices: byIndex ? classIndices(target, classes, ignoreIndex, 'crossEntropy') : null,
    weight: weight ? (cast(weight, dtype).data as FloatArray) : null,
  };
  const probs = byIndex ? null : (cast(target, dtype).data as FloatArray);

  // forward: per position, the max m and s = log sum exp(x - m) (kept apart: m + s loses s when m is
  // huge), loss = sum_c a[c] (s - (x[c] - m))
  const positions = outer * inner;
  const stats = new Float64Array(2 * positions);
  const losses = zerosOf(positionShape, dtype).data as FloatArray;
  if (isFastPath(problem)) {
    // the common case (rows of logits, plain class indices) on the kernel backend: a[c] = [c = y]
    const counted = kernels().crossEntropyForward(x, problem.indices!, outer, classes, ignoreIndex, stats, losses);
    const out = reduceLosses(losses, positionShape, dtype, reduction, counted);
    if (!needsGrad(input, target)) return out;
    return record(out, new CrossEntropyBackward(problem, input, target, stats, counted), input, target);
  }
  const a = new Float64Array(classes);
  let denominator = byIndex ? 0 : positions;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * classes * inner + i;
      const position = o * inner + i;
      maxAndSumExp(x, base, classes, inner, stats, 2 * position);
      const m = stats[2 * position];
      const s = (stats[2 * position + 1] = Math.log(stats[2 * position + 1]));
      targetWeights(problem, probs, o, i, a);
      let loss = 0;
      // NOTE: class-index targets pick their classes (PyTorch's nll_loss), so a[c] = 0 adds nothing even at inf logits
      for (let c = 0, p = base; c < classes; c++, p += inner) if (a[c] !== 0 || !byIndex) loss += a[c] * (s - (x[p] - m));
      losses[position] = loss;
      const y = byIndex ? problem.indices![position] : ignoreIndex;
      if (y !== ignoreIndex) denominator += problem.weight ? problem.weight[y] : 1;
    }
  }
  const out = reduceLosses(losses, positionShape, dtype, reduction, denominator);
  if (!needsGrad(input, target)) return out;
  return record(out, new CrossEntropyBackward(problem, input, target, stats, denominator), input, target);
}

/**
 * What PyTorch prints for cross_entropy's result, the last op of its composite: nll_loss for class
 * indices (the add of the smoothing term with labelSmoothing), and for probabilities the mean's
 * division or the negation of the summed terms. tsgrad's one fused node computes all of it.
 */
function crossEntropyName({ byIndex, smoothing, reduction }: Problem, ndim: number): string {
  if (byIndex) return smoothing > 0 ? 'AddBackward0' : nllLossName(ndim, reduction);
  return reduction === 'mean' ? 'DivBackward1' : 'NegBackward0';
}

class CrossEntropyBackward extends Node {
  readonly name: string;
  constructor(
    private readonly problem: Problem,
    input: Tensor,
    target: Tensor,
    /** Per position: the max m of the logits and log sum exp(x - m). */
    private readonly stats: Float64Array,
    private readonly denominator: number,
  ) {
    super();
    this.name = crossEntropyName(problem, input.ndim);
    this.save(input, target);
  }
  // dx and dt are new tensors, kept nowhere
  override get returnsFreshGrads(): boolean {
    return true;
  }
  // d/dx[c] = softmax(x)[c] * (scale * sum_k a[k]) - scale * a[c]; for probability targets also
  // d/dt[c] = scale * w[c] (1 - e) (lse - x[c]) = -scale * w[c] (1 - e) logSoftmax(x)[c]
  backward(g: Tensor): (Tensor | null)[] {
    const [input, target] = this.saved;
    const pr = this.problem;
    const classDim = input.ndim === 1 ? 0 : 1;
    const scale = upstreamScale(g, pr.reduction, this.denominator, classDim);
    // the class weight shaped to broadcast along the class dim, or 1
    const weightShape = input.shape.map((s, d) => (d === classDim ? s : 1));
    const w: Tensor | number = pr.weight ? new Tensor(pr.weight, weightShape, pr.dtype) : 1;
    let a: Tensor;
    if (pr.byIndex) {
      // a constant: (1 - e) w[y] at each position's target, e / C w[c] everywhere
      a = zerosOf(input.shape, input.dtype);
      const row = new Float64Array(pr.classes);
      for (let o = 0; o < pr.outer; o++) {
        for (let i = 0; i < pr.inner; i++) {
          targetWeights(pr, null, o, i, row);
          for (let c = 0, p = o * pr.classes * pr.inner + i; c < pr.classes; c++, p += pr.inner) a.data[p] = row[c];
        }
      }
    } else {
      a = mul(w, add(mul(target.to(pr.dtype), 1 - pr.smoothing), pr.smoothing / pr.classes));
    }
    // a zero weight times the scale is 0 even when the scale is inf ('mean' of only ignored targets)
    const scaled = (t: Tensor): Tensor => where(eq(t, 0), 0, mul(t, scale));
    const dx = this.needsInputGrad[0] ? sub(mul(softmax(input, classDim), scaled(sum(a, classDim, true))), scaled(a)) : null;
    const dt = this.needsInputGrad[1] && !pr.byIndex ? mul(scale, mul(mul(w, pr.smoothing - 1), logSoftmax(input, classDim))) : null;
    return [dx, dt];
  }
  override fastBackward(g: Tensor): (Tensor | null)[] {
    const [input, target] = this.saved;
    const pr = this.problem;
    const { outer, classes, inner } = pr;
    const x = input.data as FloatArray;
    const probs = pr.byIndex ? null : (cast(target, pr.dtype).data as FloatArray);
    const { each, all } = upstream(g, pr.reduction, this.denominator);
    const dx = this.needsInputGrad[0] ? zerosOf(input.shape, g.dtype) : null;
    if (dx && !each && isFastPath(pr)) {
      kernels().crossEntropyBackward(x, pr.indices!, this.stats, outer, classes, pr.ignoreIndex, all, dx.data as FloatArray);
      return [dx, null];
    }
    const dt = this.needsInputGrad[1] && !pr.byIndex ? zerosOf(input.shape, g.dtype) : null;
    const a = new Float64Array(classes);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const position = o * inner + i;
        const scale = each ? each[position] : all;
        const base = o * classes * inner + i;
        const m = this.stats[2 * position];
        const s = this.stats[2 * position + 1];
        if (dx) {
          // an ignored position has total 0: its gradient is 0, or NaN at inf logits, as in PyTorch
          const total = targetWeights(pr, probs, o, i, a);
          // NOTE: a zero weight times the scale is 0 even when the scale is inf ('mean' of only ignored targets)
          const ts = total === 0 ? 0 : total * scale;
          const d = dx.data;
          for (let c = 0, p = base; c < classes; c++, p += inner) d[p] = Math.exp(x[p] - m - s) * ts - (a[c] === 0 ? 0 : a[c] * scale);
        }
        if (dt) {
          for (let c = 0, p = base; c < classes; c++, p += inner) {
            dt.data[p] = scale * (pr.weight ? pr.weight[c] : 1) * (1 - pr.smoothing) * (s - (x[p] - m));
          }
        }
      }
    }
    return [dx, dt];
  }
}
