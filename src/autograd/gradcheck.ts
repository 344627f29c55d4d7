/** Finite-difference gradient checking (`torch.autograd.gradcheck`). */
import { isFloatDtype } from '../dtype';
import { Tensor } from '../tensor';
import { grad } from './engine';
import { enableGrad, noGrad } from './grad-mode';

export interface GradcheckOptions {
  /** Perturbation for the central differences. */
  eps?: number;
  /** Absolute tolerance. */
  atol?: number;
  /** Relative tolerance. */
  rtol?: number;
  /** Throw an Error describing the first mismatch (default) instead of returning false. */
  raiseException?: boolean;
}

type Fn = (...inputs: Tensor[]) => Tensor | readonly Tensor[];

function outputsOf(fn: Fn, inputs: Tensor[]): Tensor[] {
  const out = fn(...inputs);
  const list = out instanceof Tensor ? [out] : [...out];
  list.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new Error(`gradcheck: output ${i} of fn is not a Tensor`);
  });
  return list;
}

/** Row-major coordinates of flat index i in shape, e.g. [1, 2]. */
function coords(i: number, shape: readonly number[]): string {
  const out: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    out.unshift(i % shape[d]);
    i = Math.floor(i / shape[d]);
  }
  return `[${out.join(', ')}]`;
}

/**
 * Compares the gradients autograd computes for `fn` at `inputs` with central differences
 * (f(x + eps) - f(x - eps)) / 2eps, entry by entry: |analytic - numeric| <= atol + rtol * |numeric|.
 * Use float64 inputs: float32 cannot resolve eps = 1e-6 (a warning says so, as in PyTorch).
 * Returns true, or throws an Error naming the input, the index and both values (false when
 * `raiseException` is false).
 */
export function gradcheck(fn: Fn, inputs: readonly Tensor[], options: GradcheckOptions = {}): boolean {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3, raiseException = true } = options;
  const args = [...inputs];
  const diff = args.map((t, i) => ({ t, i })).filter(({ t }) => t.requiresGrad);
  if (diff.length === 0) throw new Error('gradcheck: at least one input must require grad');
  for (const { t, i } of diff) {
    if (t.dtype !== 'float64') {
      console.warn(
        `gradcheck: input #${i} requires gradient and is not a double precision floating point (${t.dtype}). ` +
          'This check will likely fail if all the inputs are not of double precision floating point.',
      );
    }
  }

  // analytic[o][k][j * numel(out o) + m]: d out_o[m] / d input_k[j], one backward per output element
  const outputs = enableGrad(() => outputsOf(fn, args));
  const analytic = outputs.map((out) => {
    const rows = diff.map(({ t }) => new Float64Array(t.numel() * out.numel()));
    if (!out.requiresGrad || !isFloatDtype(out.dtype)) return rows;
    for (let m = 0; m < out.numel(); m++) {
      const seed = new Tensor(new Float64Array(out.numel()), out.shape, 'float64');
      seed.data[m] = 1;
      const grads = grad(out, diff.map(({ t }) => t), { gradOutputs: [seed], retainGraph: true, allowUnused: true });
      grads.forEach((g, k) => {
        if (g) for (let j = 0; j < g.numel(); j++) rows[k][j * out.numel() + m] = g.data[j];
      });
    }
    return rows;
  });

  // numeric, by perturbing each input element in place
  for (let k = 0; k < diff.length; k++) {
    const { t, i: inputIndex } = diff[k];
    const data = t.data;
    for (let j = 0; j < t.numel(); j++) {
      const original = data[j];
      // NOTE: the values are copied at once: an output may be a view sharing the input's data (reshape)
      data[j] = original + eps;
      const plus = noGrad(() => outputsOf(fn, args)).map((out) => out.data.slice());
      data[j] = original - eps;
      const minus = noGrad(() => outputsOf(fn, args)).map((out) => out.data.slice());
      data[j] = original;
      for (let o = 0; o < outputs.length; o++) {
        if (!isFloatDtype(outputs[o].dtype)) continue;
        const n = outputs[o].numel();
        for (let m = 0; m < n; m++) {
          const numeric = (plus[o][m] - minus[o][m]) / (2 * eps);
          const a = analytic[o][k][j * n + m];
          if (Math.abs(a - numeric) <= atol + rtol * Math.abs(numeric)) continue;
          const message =
            `gradcheck: Jacobian mismatch for output ${o} with respect to input ${inputIndex}: ` +
            `d output${coords(m, outputs[o].shape)} / d input${coords(j, t.shape)} is ${a} (analytic) but ${numeric} (numerical)`;
          if (raiseException) throw new Error(message);
          return false;
        }
      }
    }
  }
  return true;
}
