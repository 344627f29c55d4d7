/**
 * Connectionist temporal classification loss (`F.ctc_loss`, Graves et al. 2006): the negative log of
 * the total probability of every alignment of each target to its input frames, by the
 * forward-backward algorithm in log space. One node per batch (PyTorch's CtcLossBackward0, per-sample
 * losses), then the reduction composed from ops as PyTorch composes it.
 */
import { isGradEnabled } from '../../autograd/grad-mode';
import { Node } from '../../autograd/node';
import { needsGrad, record } from '../../autograd/record';
import { type FloatArray, isFloatDtype } from '../../dtype';
import { checkBoolean, checkInteger } from '../../options';
import { div, eq, where } from '../../ops/binary';
import { checkTensor, zerosOf } from '../../ops/helpers';
import { squeeze, unsqueeze } from '../../ops/layout';
import { mean, sum } from '../../ops/reduce';
import { fmt } from '../../shape';
import { Tensor } from '../../tensor';
import { checkLossOptions, checkReduction, type Reduction } from './reduction';

export interface CTCLossOptions {
  /** The blank label's index; default 0. */
  blank?: number;
  /** 'mean' (default): each loss divided by its target length, then the batch mean; or 'sum', 'none'. */
  reduction?: Reduction;
  /** Infinite losses (inputs too short for their targets) and their gradients become 0. */
  zeroInfinity?: boolean;
}
/** The option keys, for checkOptions. */
export const CTC_LOSS_OPTIONS = ['blank', 'reduction', 'zeroInfinity'] as const;

/** Lengths given as an int32 tensor (0-d or 1-D) or an array of whole numbers. */
export type Lengths = Tensor | readonly number[];

function lengthsOf(x: unknown, what: string): number[] {
  const where = 'ctcLoss';
  if (x instanceof Tensor) {
    if (x.dtype !== 'int32') throw new Error(`${where}: ${what} must be an int32 tensor or an array of whole numbers, got a ${x.dtype} tensor`);
    if (x.ndim > 1) throw new Error(`${where}: ${what} must be 0-d or 1-D, got shape ${fmt(x.shape)}`);
    return Array.from(x.data);
  }
  if (!Array.isArray(x)) throw new Error(`${where}: ${what} must be an int32 tensor or an array of whole numbers, got ${typeof x}`);
  return x.map((v, i) => checkInteger(v, where, `${what}[${i}]`));
}

const NEG_INF = -Infinity;

/** log(e^a + e^b + e^c), -inf when all three are. */
function logAdd3(a: number, b: number, c: number): number {
  let m = a > b ? a : b;
  if (c > m) m = c;
  if (m === NEG_INF) return NEG_INF;
  return Math.log(Math.exp(a - m) + Math.exp(b - m) + Math.exp(c - m)) + m;
}

/** One sample's problem: its log-probabilities are lp[(t * batch + b) * classes + c]. */
interface Sample {
  b: number;
  inputLength: number;
  /** The target labels of this sample. */
  labels: number[];
}

/**
 * The CTC loss of each sequence in a batch (`F.ctc_loss`). `logProbs` is (T, N, C) log-probabilities
 * (logSoftmax over C), or (T, C) for one unbatched sequence; `targets` is (N, S) padded, or 1-D with
 * the targets concatenated (their lengths summing to its size); `inputLengths` and `targetLengths`
 * give each sequence's lengths.
 *
 * NOTE: as PyTorch's, the gradient with respect to logProbs is softmax - posterior (exp(logProbs) - the
 * alignment posterior), the gradient with respect to the logits before logSoftmax; backpropagated
 * through logSoftmax it is exact, which is how CTC is used. Its second derivative is an Error, as there.
 */
export function ctcLoss(logProbs: Tensor, targets: Tensor, inputLengths: Lengths, targetLengths: Lengths, options: CTCLossOptions = {}): Tensor {
  const where_ = 'ctcLoss';
  checkTensor(logProbs, where_, 'logProbs');
  checkTensor(targets, where_, 'targets');
  checkLossOptions(options, CTC_LOSS_OPTIONS, where_);
  const reduction = checkReduction(options.reduction, where_);
  const blank = checkInteger(options.blank ?? 0, where_, 'blank');
  const zeroInfinity = checkBoolean(options.zeroInfinity ?? false, where_, 'zeroInfinity');
  if (!isFloatDtype(logProbs.dtype)) throw new Error(`${where_}: logProbs must be a floating point tensor, got ${logProbs.dtype}`);
  const batched = logProbs.ndim === 3;
  if (!batched && logProbs.ndim !== 2) throw new Error(`${where_}: logProbs must be (T, N, C) or unbatched (T, C), got shape ${fmt(logProbs.shape)}`);
  if (targets.dtype === 'bool') throw new Error(`${where_}: targets must hold labels (int32, or floats PyTorch truncates), got a bool tensor`);
  const [T, N, C] = batched ? logProbs.shape : [logProbs.shape[0], 1, logProbs.shape[1]];
  if (!(blank >= 0 && blank < C)) throw new Error(`${where_}: blank must be in label range [0, ${C}), got ${blank}`);
  const il = lengthsOf(inputLengths, 'inputLengths');
  const tl = lengthsOf(targetLengths, 'targetLengths');
  if (il.length !== N) throw new Error(`${where_}: inputLengths must be of size batch_size (${N}), got ${il.length}`);
  if (tl.length !== N) throw new Error(`${where_}: targetLengths must be of size batch_size (${N}), got ${tl.length}`);
  for (const v of tl) if (v < 0) throw new Error(`${where_}: expected targetLengths to have value at least 0, but got value ${v}`);
  const maxTarget = Math.max(0, ...tl);
  const td = targets.data;
  const offsets: number[] = [];
  if (targets.ndim === 1) {
    let pos = 0;
    for (const v of tl) {
      offsets.push(pos);
      pos += v;
    }
    if (targets.shape[0] !== pos) {
      throw new Error(`${where_}: concatenated targets must have size ${pos} (the sum of targetLengths), got ${fmt(targets.shape)}`);
    }
  } else if (targets.ndim === 2) {
    if (targets.shape[0] !== N) throw new Error(`${where_}: padded targets must have ${N} rows (batch_size), got shape ${fmt(targets.shape)}`);
    if (targets.shape[1] < maxTarget) {
      throw new Error(`${where_}: expected targets to have size at least ${maxTarget} at dimension 1, but got size ${targets.shape[1]}`);
    }
    for (let b = 0; b < N; b++) offsets.push(b * targets.shape[1]);
  } else {
    throw new Error(`${where_}: targets must be (N, S) padded or 1-D concatenated, got shape ${fmt(targets.shape)}`);
  }
  for (const v of il) {
    if (v < 0) throw new Error(`${where_}: expected inputLengths to have value at least 0, but got value ${v}`);
    if (v > T) throw new Error(`${where_}: expected inputLengths to have value at most ${T}, but got value ${v}`);
  }
  const samples: Sample[] = [];
  for (let b = 0; b < N; b++) {
    const labels: number[] = [];
    for (let s = 0; s < tl[b]; s++) {
      const label = Math.trunc(td[offsets[b] + s]); // float labels are truncated, as PyTorch's conversion to int64
      if (!(label >= 0 && label < C)) throw new Error(`${where_}: target label ${label} (sample ${b}) is not in [0, ${C})`);
      labels.push(label);
    }
    samples.push({ b, inputLength: il[b], labels });
  }
  // PyTorch runs an unbatched (T, C) input as (T, 1, C)
  const lp3 = batched ? logProbs : unsqueeze(logProbs, 1);
  const lp = lp3.data as FloatArray;
  const nll = zerosOf([N], logProbs.dtype);
  const alphas: Float64Array[] = [];
  for (const sample of samples) {
    const [alpha, loss] = forwardVariables(lp, sample, N, C, blank);
    alphas.push(alpha);
    nll.data[sample.b] = loss;
  }
  let res = needsGrad(lp3) ? record(nll, new CtcLossBackward(lp3, samples, alphas, N, C, blank, zeroInfinity), lp3) : nll;
  if (zeroInfinity) res = where(eq(res, Infinity), 0, res);
  if (reduction === 'mean') {
    const lengths = zerosOf([N], logProbs.dtype);
    for (let b = 0; b < N; b++) lengths.data[b] = Math.max(tl[b], 1);
    return mean(div(res, lengths));
  }
  if (reduction === 'sum') return sum(res);
  return batched ? res : squeeze(res, 0);
}

/** The label of the extended sequence (blanks around each label) at position s. */
function primeLabel(labels: number[], s: number, blank: number): number {
  return s % 2 === 0 ? blank : labels[(s - 1) / 2];
}

/** log alpha over [inputLength, 2L + 1] (row-major) and the sample's negative log-likelihood. */
function forwardVariables(lp: FloatArray, sample: Sample, N: number, C: number, blank: number): [Float64Array, number] {
  const { b, inputLength: Ti, labels } = sample;
  const L = labels.length;
  const S = 2 * L + 1;
  const alpha = new Float64Array(Math.max(Ti, 1) * S).fill(NEG_INF);
  const at = (t: number, c: number): number => lp[(t * N + b) * C + c];
  if (Ti === 0) return [alpha, L === 0 ? 0 : Infinity];
  alpha[0] = at(0, blank);
  if (L > 0) alpha[1] = at(0, labels[0]);
  for (let t = 1; t < Ti; t++) {
    for (let s = 0; s < S; s++) {
      const label = primeLabel(labels, s, blank);
      const a1 = alpha[(t - 1) * S + s];
      const a2 = s > 0 ? alpha[(t - 1) * S + s - 1] : NEG_INF;
      const a3 = s > 1 && primeLabel(labels, s - 2, blank) !== label ? alpha[(t - 1) * S + s - 2] : NEG_INF;
      alpha[t * S + s] = logAdd3(a1, a2, a3) + at(t, label);
    }
  }
  const l1 = alpha[(Ti - 1) * S + S - 1];
  const l2 = L > 0 ? alpha[(Ti - 1) * S + S - 2] : NEG_INF;
  return [alpha, -logAdd3(l1, l2, NEG_INF)];
}

class CtcLossBackward extends Node {
  readonly name = 'CtcLossBackward0';
  constructor(
    logProbs: Tensor,
    private readonly samples: Sample[],
    private readonly alphas: Float64Array[],
    private readonly N: number,
    private readonly C: number,
    private readonly blank: number,
    private readonly zeroInfinity: boolean,
  ) {
    super();
    this.save(logProbs);
  }

  // d nll_b / d lp[t, b, c] = exp(lp) - exp(log(sum over s with label c of alpha_t(s) beta_t(s)) + nll_b - lp),
  // for t < inputLength (0 after), times g_b: PyTorch's formula, the gradient through logSoftmax
  backward(g: Tensor): Tensor[] {
    if (isGradEnabled()) {
      throw new Error(
        'ctcLoss: the gradient of the CTC loss cannot be differentiated again (createGraph), as in PyTorch (derivative for _ctc_loss_backward is not implemented)',
      );
    }
    return this.fastBackward(g);
  }

  override fastBackward(g: Tensor): Tensor[] {
    const logProbs = this.saved[0];
    const lp = logProbs.data as FloatArray;
    const { N, C, blank } = this;
    const out = zerosOf(logProbs.shape, g.dtype);
    const od = out.data as FloatArray;
    const lcab = new Float64Array(logProbs.shape[0] * C);
    this.samples.forEach((sample, i) => {
      const { b, inputLength: Ti, labels } = sample;
      const gb = g.data[b];
      const alpha = this.alphas[i];
      const L = labels.length;
      const S = 2 * L + 1;
      const at = (t: number, c: number): number => lp[(t * N + b) * C + c];
      const l1 = Ti > 0 ? alpha[(Ti - 1) * S + S - 1] : NEG_INF;
      const l2 = Ti > 0 && L > 0 ? alpha[(Ti - 1) * S + S - 2] : NEG_INF;
      const nll = Ti === 0 ? (L === 0 ? 0 : Infinity) : -logAdd3(l1, l2, NEG_INF);
      if (Ti === 0 || (this.zeroInfinity && nll === Infinity)) return;
      // log beta, filled backward in time; lcab[t, c] accumulates log sum of alpha * beta over s with label c
      const beta = new Float64Array(Ti * S).fill(NEG_INF);
      lcab.fill(NEG_INF);
      const accumulate = (t: number, s: number): void => {
        const c = primeLabel(labels, s, blank);
        const v = alpha[t * S + s] + beta[t * S + s];
        const cur = lcab[t * C + c];
        lcab[t * C + c] = cur === NEG_INF ? v : v === NEG_INF ? cur : Math.max(cur, v) + Math.log1p(Math.exp(-Math.abs(cur - v)));
      };
      beta[(Ti - 1) * S + S - 1] = at(Ti - 1, blank);
      accumulate(Ti - 1, S - 1);
      if (L > 0) {
        beta[(Ti - 1) * S + S - 2] = at(Ti - 1, labels[L - 1]);
        accumulate(Ti - 1, S - 2);
      }
      for (let t = Ti - 2; t >= 0; t--) {
        for (let s = 0; s < S; s++) {
          const label = primeLabel(labels, s, blank);
          const b1 = beta[(t + 1) * S + s];
          const b2 = s < S - 1 ? beta[(t + 1) * S + s + 1] : NEG_INF;
          const b3 = s < S - 2 && primeLabel(labels, s + 2, blank) !== label ? beta[(t + 1) * S + s + 2] : NEG_INF;
          beta[t * S + s] = logAdd3(b1, b2, b3) + at(t, label);
          accumulate(t, s);
        }
      }
      for (let t = 0; t < Ti; t++) {
        for (let c = 0; c < C; c++) {
          const l = at(t, c);
          od[(t * N + b) * C + c] = (Math.exp(l) - Math.exp(lcab[t * C + c] + nll - l)) * gb;
        }
      }
    });
    return [out];
  }
}
