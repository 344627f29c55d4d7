/** Finite-difference gradient checking (`torch.autograd.gradcheck` and `torch.autograd.gradgradcheck`). */
import { allocate, isFloatDtype } from '../dtype';
import { checkOptions } from '../options';
import { Generator } from '../random';
import { fmt, sameShape } from '../shape';
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

export interface GradgradcheckOptions extends GradcheckOptions {
  /**
   * The gradients of fn's outputs that require grad (one per such output, in order), i.e. the
   * "vector" of the vector-Jacobian product whose derivatives are checked. Those that require grad
   * are checked too. Default: uniform in [-1, 1), float64, requiring grad, drawn from a fixed seed
   * (the default generator's state is left alone).
   */
  gradOutputs?: Tensor | readonly Tensor[];
}

type Fn = (...inputs: Tensor[]) => Tensor | readonly Tensor[];

function describeValue(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  if (x instanceof Tensor) return `a Tensor of shape ${fmt(x.shape)}`;
  return typeof x === 'object' ? 'an object' : typeof x;
}

function outputsOf(fn: Fn, inputs: Tensor[], where: string): Tensor[] {
  const out: unknown = fn(...inputs);
  if (!(out instanceof Tensor) && !Array.isArray(out)) {
    throw new Error(`${where}: fn must return a Tensor or an array of Tensors, got ${describeValue(out)}`);
  }
  const list: unknown[] = out instanceof Tensor ? [out] : [...out];
  list.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new Error(`${where}: output ${i} of fn is not a Tensor (got ${describeValue(t)})`);
  });
  return list as Tensor[];
}

/** `x` as an array of Tensors (a single Tensor becomes an array of one). */
function tensorArgs(x: unknown, where: string, what: string): Tensor[] {
  const list: unknown[] | null = x instanceof Tensor ? [x] : Array.isArray(x) ? [...x] : null;
  if (list === null) throw new Error(`${where}: ${what} must be a Tensor or an array of Tensors, got ${describeValue(x)}`);
  list.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new Error(`${where}: ${what}[${i}] must be a Tensor, got ${describeValue(t)}`);
  });
  return list as Tensor[];
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

/** How a check names what it compares, in warnings and mismatch messages. */
interface Naming {
  /** 'gradcheck' or 'gradgradcheck': the prefix of every message. */
  where: string;
  /** The argument `i` of the checked function, for the float32 warning: `input #0`. */
  argument(i: number): string;
  /** The message for a mismatch in d output_o[m] / d argument_i[j]. */
  mismatch(o: number, outCoords: string, i: number, inCoords: string, analytic: number, numeric: number): string;
}

const FIRST_ORDER: Naming = {
  where: 'gradcheck',
  argument: (i) => `input #${i}`,
  mismatch: (o, oc, i, ic, a, n) =>
    `gradcheck: Jacobian mismatch for output ${o} with respect to input ${i}: d output${oc} / d input${ic} is ${a} (analytic) but ${n} (numerical)`,
};

/**
 * Compares the Jacobian autograd computes for `fn` at `args` (one backward per output element)
 * with central differences, entry by entry.
 */
function compareJacobians(fn: Fn, args: Tensor[], options: GradcheckOptions, naming: Naming): boolean {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3, raiseException = true } = options;
  const where = naming.where;
  const diff = args.map((t, i) => ({ t, i })).filter(({ t }) => t.requiresGrad);
  if (diff.length === 0) throw new Error(`${where}: at least one input must require grad`);
  for (const { t, i } of diff) {
    if (t.dtype !== 'float64') {
      console.warn(
        `${where}: ${naming.argument(i)} requires gradient and is not a double precision floating point (${t.dtype}). ` +
          'This check will likely fail if all the inputs are not of double precision floating point.',
      );
    }
  }

  // analytic[o][k][j * numel(out o) + m]: d out_o[m] / d input_k[j], one backward per output element
  const outputs = enableGrad(() => outputsOf(fn, args, where));
  const analytic = outputs.map((out) => {
    const rows = diff.map(({ t }) => new Float64Array(t.numel() * out.numel()));
    if (!out.requiresGrad || !isFloatDtype(out.dtype)) return rows;
    for (let m = 0; m < out.numel(); m++) {
      const seed = new Tensor(new Float64Array(out.numel()), out.shape, 'float64');
      seed.data[m] = 1;
      const grads = grad(
        out,
        diff.map(({ t }) => t),
        { gradOutputs: [seed], retainGraph: true, allowUnused: true },
      );
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
      const plus = noGrad(() => outputsOf(fn, args, where)).map((out) => out.data.slice());
      data[j] = original - eps;
      const minus = noGrad(() => outputsOf(fn, args, where)).map((out) => out.data.slice());
      data[j] = original;
      for (let o = 0; o < outputs.length; o++) {
        if (!isFloatDtype(outputs[o].dtype)) continue;
        const n = outputs[o].numel();
        for (let m = 0; m < n; m++) {
          const numeric = (plus[o][m] - minus[o][m]) / (2 * eps);
          const a = analytic[o][k][j * n + m];
          if (Math.abs(a - numeric) <= atol + rtol * Math.abs(numeric)) continue;
          const message = naming.mismatch(o, coords(m, outputs[o].shape), inputIndex, coords(j, t.shape), a, numeric);
          if (raiseException) throw new Error(message);
          return false;
        }
      }
    }
  }
  return true;
}

/**
 * Compares the gradients autograd computes for `fn` at `inputs` with central differences
 * (f(x + eps) - f(x - eps)) / 2eps, entry by entry: |analytic - numeric| <= atol + rtol * |numeric|.
 * Use float64 inputs: float32 cannot resolve eps = 1e-6 (a warning says so, as in PyTorch).
 * Returns true, or throws an Error naming the input, the index and both values (false when
 * `raiseException` is false).
 *
 * ```ts
 * const x = torch.randn([3], { dtype: 'float64' }).requiresGrad_();
 * autograd.gradcheck((a) => a.mul(a).sum(), [x]); // true
 * ```
 */
export function gradcheck(fn: Fn, inputs: Tensor | readonly Tensor[], options: GradcheckOptions = {}): boolean {
  checkOptions(options, ['eps', 'atol', 'rtol', 'raiseException'], 'gradcheck');
  return compareJacobians(fn, tensorArgs(inputs, 'gradcheck', 'inputs'), options, FIRST_ORDER);
}

/** The seed of the default gradOutputs of gradgradcheck (a local generator: the default one is left alone). */
const GRAD_OUTPUTS_SEED = 20250607;

/**
 * Checks second derivatives by finite differences of the first (`torch.autograd.gradgradcheck`):
 * runs `gradcheck` on the function (inputs..., gradOutputs...) -> autograd.grad(fn(inputs), the
 * inputs that require grad, { gradOutputs, createGraph: true, allowUnused: true }), with the
 * gradOutputs as extra inputs, so both the dependence of the gradients on the inputs (the Hessian
 * times gradOutputs) and on gradOutputs (the Jacobian again) are checked. A gradient that is null
 * (an input the outputs do not use) counts as zeros. Without `gradOutputs`, random float64 ones
 * shaped like each output that requires grad are drawn from a fixed seed.
 *
 * Returns true, or throws an Error naming the gradient, what it was differentiated with respect to
 * (an input or a gradOutputs entry), the index and both values (false when `raiseException` is
 * false). Defaults as PyTorch's: eps 1e-6, atol 1e-5, rtol 1e-3. Use float64 inputs.
 *
 * ```ts
 * const x = torch.randn([3], { dtype: 'float64' }).requiresGrad_();
 * autograd.gradgradcheck((a) => a.pow(3), [x]); // true: d/dx (3x^2 g) = 6xg, d/dg = 3x^2
 * ```
 */
export function gradgradcheck(fn: Fn, inputs: Tensor | readonly Tensor[], options: GradgradcheckOptions = {}): boolean {
  const where = 'gradgradcheck';
  checkOptions(options, ['gradOutputs', 'eps', 'atol', 'rtol', 'raiseException'], where);
  const args = tensorArgs(inputs, where, 'inputs');
  const diffIndices = args.flatMap((t, i) => (t.requiresGrad ? [i] : []));
  if (diffIndices.length === 0) throw new Error(`${where}: at least one input must require grad`);

  let gradOutputs: Tensor[];
  if (options.gradOutputs === undefined) {
    const generator = new Generator(GRAD_OUTPUTS_SEED);
    const outputs = enableGrad(() => outputsOf(fn, args, where)).filter((out) => out.requiresGrad);
    gradOutputs = outputs.map((out) => {
      const g = new Tensor(allocate('float64', out.numel()), out.shape, 'float64');
      generator.fillUniform(g.data, -1, 1);
      return g.requiresGrad_();
    });
  } else {
    gradOutputs = tensorArgs(options.gradOutputs, where, 'gradOutputs');
  }

  const n = args.length;
  // the first-order gradients, as a function of the inputs and the gradOutputs
  const gradients = (...all: Tensor[]): Tensor[] =>
    enableGrad(() => {
      const xs = all.slice(0, n);
      const gs = all.slice(n);
      const outputs = outputsOf(fn, xs, where)
        .map((out, o) => ({ out, o }))
        .filter(({ out }) => out.requiresGrad);
      if (outputs.length !== gs.length) {
        throw new Error(
          `${where}: gradOutputs has ${gs.length} entries but fn has ${outputs.length} outputs that require grad; ` +
            'pass one gradient per output that requires grad',
        );
      }
      outputs.forEach(({ out, o }, k) => {
        if (!sameShape(gs[k].shape, out.shape)) {
          throw new Error(`${where}: gradOutputs[${k}] has shape ${fmt(gs[k].shape)} but output ${o} of fn has shape ${fmt(out.shape)}`);
        }
      });
      const diffXs = diffIndices.map((i) => xs[i]);
      const grads = grad(
        outputs.map(({ out }) => out),
        diffXs,
        { gradOutputs: gs, createGraph: true, allowUnused: true },
      );
      return grads.map((g, k) => g ?? new Tensor(allocate(diffXs[k].dtype, diffXs[k].numel()), diffXs[k].shape, diffXs[k].dtype));
    });

  const argName = (i: number): string => (i < n ? `input ${i}` : `gradOutputs[${i - n}]`);
  const naming: Naming = {
    where,
    argument: (i) => (i < n ? `input #${i}` : `gradOutputs[${i - n}]`),
    mismatch: (o, oc, i, ic, a, numeric) => {
      const k = diffIndices[o];
      const wrt = i < n ? `input${i}${ic}` : `gradOutputs[${i - n}]${ic}`;
      return (
        `${where}: second-order Jacobian mismatch for the gradient with respect to input ${k}, differentiated with respect to ${argName(i)}: ` +
        `d grad_input${k}${oc} / d ${wrt} is ${a} (analytic) but ${numeric} (numerical)`
      );
    },
  };
  return compareJacobians(gradients, [...args, ...gradOutputs], options, naming);
}
