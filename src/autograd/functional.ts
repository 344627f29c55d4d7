/**
 * Derivatives of whole functions (`torch.autograd.functional`): `jacobian`, `hessian`, and the
 * products `vjp` (v^T J), `jvp` (J v), `vhp` (v^T H) and `hvp` (H v), all by reverse mode (the
 * forward-mode products by the double-backward trick), as PyTorch computes them.
 *
 * Conventions, as PyTorch's: `inputs` is a Tensor or an array of Tensors (an array plays the role of
 * a tuple), and `fn` is called with them spread, `fn(...inputs)`. Results are a single Tensor where
 * PyTorch returns one tensor and arrays where it returns tuples. The inputs are copied (detached,
 * sharing storage) and the copies require grad, so `fn` is differentiated with respect to exactly
 * them; with `createGraph`, an input that already requires grad is copied by a recorded view
 * instead, so the results can be differentiated again with respect to the original inputs. Without
 * `createGraph` every returned tensor is detached.
 *
 * With `strict`, a part of the result that is zero because an output does not depend on an input
 * throws instead (and with `createGraph` too, a part that cannot be differentiated further);
 * without it, such parts are zeros.
 */
import { allocate, isFloatDtype, type DType } from '../dtype';
import { checkOptions } from '../options';
import { fmt, numel, sameShape } from '../shape';
import { Tensor } from '../tensor';
import { defineOp } from './custom-op';
import { grad } from './engine';
import { enableGrad } from './grad-mode';

/** Options of every function here. */
export interface FunctionalOptions {
  /** Record the computation, so the results require grad and can be differentiated again. */
  createGraph?: boolean;
  /**
   * Throw when some output does not depend on some input (instead of returning zeros), or, with
   * createGraph, when a result is independent of the inputs.
   */
  strict?: boolean;
}

/** A function of tensors returning a Tensor or an array of Tensors. */
export type FunctionalFn = (...inputs: Tensor[]) => Tensor | readonly Tensor[];
/** A function of tensors returning one Tensor. */
type OneFn = (...inputs: Tensor[]) => Tensor;
/** A function of tensors returning an array of Tensors. */
type ManyFn = (...inputs: Tensor[]) => readonly Tensor[];
/** `v` of the products: a Tensor, an array of Tensors, or undefined/null where it may be left out. */
export type Vector = Tensor | readonly Tensor[] | null | undefined;

const OPTIONS = ['createGraph', 'strict'];

// ---- helpers --------------------------------------------------------------------------------------

function describeValue(x: unknown): string {
  if (x === null) return 'null';
  if (x === undefined) return 'undefined';
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (x instanceof Tensor) return `a Tensor of shape ${fmt(x.shape)}`;
  if (typeof x === 'number') return `the number ${x}`;
  return typeof x === 'object' ? 'an object' : `a ${typeof x}`;
}

function readOptions(options: unknown, where: string): { createGraph: boolean; strict: boolean } {
  checkOptions(options, OPTIONS, where);
  const o = (options ?? {}) as FunctionalOptions;
  for (const key of OPTIONS as (keyof FunctionalOptions)[]) {
    const value: unknown = o[key];
    if (value !== undefined && typeof value !== 'boolean') throw new Error(`${where}: option '${key}' must be a boolean, got ${describeValue(value)}`);
  }
  return { createGraph: o.createGraph ?? false, strict: o.strict ?? false };
}

function checkFn(fn: unknown, where: string): void {
  if (typeof fn !== 'function') throw new Error(`${where}: fn must be a function of Tensors, got ${describeValue(fn)}`);
}

/** PyTorch's `_as_tuple` for the inputs: whether they came as an array, and the list. */
function inputsOf(inputs: unknown, where: string): [boolean, Tensor[]] {
  if (inputs instanceof Tensor) {
    checkDifferentiable(inputs, `inputs`, where);
    return [false, [inputs]];
  }
  if (!Array.isArray(inputs)) throw new Error(`${where}: inputs must be a Tensor or an array of Tensors, got ${describeValue(inputs)}`);
  if (inputs.length === 0) throw new Error(`${where}: inputs is an empty array; pass a Tensor or a non-empty array of Tensors`);
  inputs.forEach((t: unknown, i) => {
    if (!(t instanceof Tensor)) throw new Error(`${where}: inputs[${i}] must be a Tensor, got ${describeValue(t)}`);
    checkDifferentiable(t, `inputs[${i}]`, where);
  });
  return [true, [...(inputs as Tensor[])]];
}

function checkDifferentiable(t: Tensor, what: string, where: string): void {
  if (!isFloatDtype(t.dtype)) {
    throw new Error(`${where}: ${what} has dtype ${t.dtype}; only floating point inputs can be differentiated (convert with .double())`);
  }
}

/** Calls fn and checks what it returns: whether it returned an array, and the outputs. */
function callFn(fn: FunctionalFn, inputs: Tensor[], where: string): [boolean, Tensor[]] {
  const out: unknown = fn(...inputs);
  if (out instanceof Tensor) return [false, [out]];
  if (!Array.isArray(out)) throw new Error(`${where}: fn must return a Tensor or an array of Tensors, got ${describeValue(out)}`);
  out.forEach((t: unknown, i) => {
    if (!(t instanceof Tensor)) throw new Error(`${where}: fn returned an array whose entry ${i} is not a Tensor (got ${describeValue(t)})`);
  });
  return [true, [...(out as Tensor[])]];
}

/** `v` as a list, checked against `refs` (the outputs for vjp, the inputs otherwise): PyTorch's `_validate_v`. */
function vectorOf(v: unknown, refs: Tensor[], refsAreArray: boolean, refName: string, where: string): Tensor[] {
  let list: Tensor[];
  if (v instanceof Tensor) {
    list = [v];
  } else if (Array.isArray(v)) {
    v.forEach((t: unknown, i) => {
      if (!(t instanceof Tensor)) throw new Error(`${where}: v[${i}] must be a Tensor, got ${describeValue(t)}`);
    });
    list = [...(v as Tensor[])];
  } else {
    const hint =
      v !== null && typeof v === 'object' ? ` (to pass options without v, pass undefined for v: ${where}(fn, inputs, undefined, { createGraph: true }))` : '';
    throw new Error(`${where}: v must be a Tensor or an array of Tensors, got ${describeValue(v)}${hint}`);
  }
  if (list.length !== refs.length) {
    throw new Error(
      refsAreArray
        ? `${where}: v has ${list.length} entries but there are ${refs.length} ${refName}s; v must have one Tensor per ${refName}`
        : `${where}: v must be a single Tensor (there is a single ${refName}), got an array of ${list.length}`,
    );
  }
  list.forEach((t, i) => {
    if (!sameShape(t.shape, refs[i].shape)) {
      const what = refsAreArray ? `v[${i}] has shape ${fmt(t.shape)}, but ${refName} ${i}` : `v has shape ${fmt(t.shape)}, but the ${refName}`;
      throw new Error(`${where}: ${what} has shape ${fmt(refs[i].shape)}; v must have the same shape`);
    }
  });
  return list;
}

/**
 * PyTorch's `_grad_preprocess`: a new tensor object for each input, so that fn is differentiated
 * with respect to these and not to tensors it may capture. With createGraph, one that requires grad
 * becomes a recorded view (the result stays connected to it); the others are detached and require
 * grad when `needGraph`.
 */
function preprocess(tensors: Tensor[], createGraph: boolean, needGraph: boolean): Tensor[] {
  return tensors.map((t) => (createGraph && t.requiresGrad ? t.reshape(t.shape) : t.detach().requiresGrad_(needGraph && isFloatDtype(t.dtype))));
}

/** PyTorch's `_grad_postprocess`: detached unless createGraph. */
function postprocess(tensors: Tensor[], createGraph: boolean): Tensor[] {
  return createGraph ? tensors : tensors.map((t) => (t.requiresGrad ? t.detach() : t));
}

function zeros(shape: readonly number[], dtype: DType): Tensor {
  return new Tensor(allocate(dtype, numel(shape)), shape, dtype);
}

/**
 * autograd.grad over the outputs that exist and require grad (PyTorch's `_autograd_grad`); all null
 * when none does. `gradOutputs[i]` goes with `outputs[i]`.
 */
function gradOf(
  outputs: readonly (Tensor | null)[],
  inputs: Tensor[],
  gradOutputs: readonly (Tensor | null)[] | null,
  createGraph: boolean,
  retainGraph?: boolean,
): (Tensor | null)[] {
  const outs: Tensor[] = [];
  const seeds: (Tensor | null)[] = [];
  outputs.forEach((out, i) => {
    if (out !== null && out.requiresGrad) {
      outs.push(out);
      seeds.push(gradOutputs === null ? null : gradOutputs[i]);
    }
  });
  if (outs.length === 0) return inputs.map(() => null);
  return grad(outs, inputs, { gradOutputs: seeds, createGraph, retainGraph: retainGraph ?? createGraph, allowUnused: true });
}

type RequiresGradCheck = 'outputs' | 'gradInputs' | 'gradient';

/** PyTorch's `_check_requires_grad` (strict mode only). */
function checkRequiresGrad(tensors: readonly (Tensor | null)[], kind: RequiresGradCheck, where: string): void {
  tensors.forEach((t, i) => {
    if (t === null) throw new Error(`${where}: the output of fn is independent of input ${i}. This is not allowed in strict mode.`);
    if (t.requiresGrad) return;
    if (kind === 'outputs') {
      throw new Error(
        `${where}: output ${i} of fn does not require grad. The outputs must be computed in a differentiable way from the inputs in strict mode.`,
      );
    }
    if (kind === 'gradient') {
      throw new Error(
        `${where}: while computing the hessian, found that the gradient of fn with respect to input ${i} is independent of the inputs. ` +
          'This is not allowed in strict mode: fn must be twice differentiable and its gradient must depend on the inputs ' +
          '(a function linear in that input violates this).',
      );
    }
    throw new Error(`${where}: the gradient with respect to input ${i} is independent of the inputs of fn. This is not allowed in strict mode.`);
  });
}

type Stage = 'back' | 'backTrick' | 'doubleBack' | 'doubleBackTrick';

/** PyTorch's `_fill_in_zeros`: nulls become zeros shaped like `refs[i]`, or throw in strict mode. */
function fillInZeros(grads: (Tensor | null)[], refs: Tensor[], strict: boolean, createGraph: boolean, stage: Stage, where: string): Tensor[] {
  return grads.map((g, i) => {
    if (g === null) {
      if (strict) {
        const what =
          stage === 'back'
            ? `the output of fn is independent of input ${i}`
            : stage === 'backTrick'
              ? `output ${i} of fn is independent of the inputs (its gradient is unused by the double-backward trick that computes the jvp)`
              : stage === 'doubleBack'
                ? `the gradient of fn is independent of input ${i}`
                : `the hessian-vector product is independent of entry ${i} of v (the double-backward trick that computes the hvp found no dependence)`;
        throw new Error(`${where}: ${what}. This is not allowed in strict mode.`);
      }
      return zeros(refs[i].shape, refs[i].dtype);
    }
    if (strict && createGraph && !g.requiresGrad) {
      const what = stage === 'back' || stage === 'backTrick' ? 'jacobian' : 'hessian';
      const of = stage === 'backTrick' ? `output ${i}` : `input ${i}`;
      throw new Error(`${where}: the ${what} of fn is independent of ${of}. This is not allowed in strict mode when createGraph is true.`);
    }
    return g;
  });
}

/**
 * `stack(rows, 0)` for rows of one shape and dtype, as an op of this layer (autograd sits below ops):
 * its backward slices the gradient with ops, so it can be differentiated again.
 */
const stackRows = defineOp({
  name: 'Stack',
  forward(ctx, ...rows: Tensor[]): Tensor {
    const { shape, dtype } = rows[0];
    const n = numel(shape);
    const data = allocate(dtype, rows.length * n);
    rows.forEach((r, j) => data.set(r.data, j * n));
    ctx.state.shape = shape;
    return new Tensor(data, [rows.length, ...shape], dtype);
  },
  backward(ctx, g) {
    const shape = ctx.state.shape as readonly number[];
    return ctx.needsInputGrad.map((needed, j) => (needed ? g.narrow(0, j, 1).reshape(shape) : null));
  },
});

type Messages = (kind: 'unused' | 'constant', out: number, input: number) => string;

const JACOBIAN_MESSAGES: Messages = (kind, out, input) =>
  kind === 'unused'
    ? `jacobian: output ${out} of fn is independent of input ${input}. This is not allowed in strict mode.`
    : `jacobian: the jacobian of output ${out} of fn with respect to input ${input} is independent of the inputs. ` +
      'This is not allowed in strict mode when createGraph is true.';

const HESSIAN_MESSAGES: Messages = (kind, out, input) =>
  kind === 'unused'
    ? `hessian: the gradient with respect to input ${out} is independent of input ${input} (the hessian block H[${out}][${input}] is zero). ` +
      'This is not allowed in strict mode.'
    : `hessian: the hessian block H[${out}][${input}] of fn is independent of the inputs. This is not allowed in strict mode when createGraph is true.`;

/**
 * J[i][k], the jacobian of output i with respect to input k, of shape [...output i, ...input k]
 * (PyTorch's loop: one backward per output element), and whether fn returned an array.
 */
function jacobianOf(fn: FunctionalFn, rawInputs: Tensor[], createGraph: boolean, strict: boolean, where: string, messages: Messages): [boolean, Tensor[][]] {
  const inputs = preprocess(rawInputs, createGraph, true);
  const [outputsAreArray, outputs] = callFn(fn, inputs, where);
  if (strict) checkRequiresGrad(outputs, 'outputs', where);
  const jac = outputs.map((out, i) => {
    const n = out.numel();
    if (n === 0) return inputs.map((x) => zeros([...out.shape, ...x.shape], x.dtype));
    const rows: Tensor[][] = inputs.map(() => []);
    for (let j = 0; j < n; j++) {
      let vj: (Tensor | null)[];
      if (out.requiresGrad) {
        const seed = zeros(out.shape, out.dtype);
        seed.data[j] = 1;
        vj = grad(out, inputs, { gradOutputs: seed, retainGraph: true, createGraph, allowUnused: true });
      } else {
        vj = inputs.map(() => null);
      }
      vj.forEach((g, k) => {
        if (g !== null) {
          if (strict && createGraph && !g.requiresGrad) throw new Error(messages('constant', i, k));
          rows[k].push(g);
        } else {
          if (strict) throw new Error(messages('unused', i, k));
          rows[k].push(zeros(inputs[k].shape, inputs[k].dtype));
        }
      });
    }
    return rows.map((r, k) => stackRows(...r).reshape([...out.shape, ...inputs[k].shape]));
  });
  return [outputsAreArray, jac.map((row) => postprocess(row, createGraph))];
}

// ---- the API --------------------------------------------------------------------------------------

/**
 * The Jacobian of `fn` at `inputs` (`torch.autograd.functional.jacobian`): for an output of shape O
 * and an input of shape I, a Tensor of shape [...O, ...I] with J[o..., i...] = d out[o...] / d in[i...].
 * One Tensor for one input and one output; `J[k]` when either `inputs` is an array or `fn` returns
 * one (k indexing the array); `J[i][k]` (output i, input k) when both are arrays. Parts where an
 * output does not depend on an input are zeros (an Error with `strict`).
 *
 * ```ts
 * const x = torch.tensor([1, 2], { dtype: 'float64' });
 * autograd.functional.jacobian((a) => a.pow(2), x); // [[2, 0], [0, 4]]: diag(2x)
 * ```
 */
export function jacobian(fn: OneFn, inputs: Tensor, options?: FunctionalOptions): Tensor;
export function jacobian(fn: ManyFn, inputs: Tensor, options?: FunctionalOptions): Tensor[];
export function jacobian(fn: OneFn, inputs: readonly Tensor[], options?: FunctionalOptions): Tensor[];
export function jacobian(fn: ManyFn, inputs: readonly Tensor[], options?: FunctionalOptions): Tensor[][];
export function jacobian(fn: FunctionalFn, inputs: Tensor | readonly Tensor[], options?: FunctionalOptions): Tensor | Tensor[] | Tensor[][];
export function jacobian(fn: FunctionalFn, inputs: Tensor | readonly Tensor[], options: FunctionalOptions = {}): Tensor | Tensor[] | Tensor[][] {
  const where = 'jacobian';
  const { createGraph, strict } = readOptions(options, where);
  checkFn(fn, where);
  const [inputsAreArray, ins] = inputsOf(inputs, where);
  return enableGrad(() => {
    const [outputsAreArray, jac] = jacobianOf(fn, ins, createGraph, strict, where, JACOBIAN_MESSAGES);
    if (outputsAreArray && inputsAreArray) return jac;
    if (outputsAreArray) return jac.map((row) => row[0]);
    return inputsAreArray ? jac[0] : jac[0][0];
  });
}

/**
 * The Hessian of a scalar `fn` (one element) at `inputs` (`torch.autograd.functional.hessian`): for
 * one input of shape I, a Tensor of shape [...I, ...I]; for an array of inputs, `H[i][j]` of shape
 * [...input i, ...input j] (d^2 fn / d input_i d input_j). Independent parts are zeros (an Error with
 * `strict`, which also rejects a gradient independent of the inputs, as for a linear fn).
 *
 * ```ts
 * const x = torch.tensor([1, 2], { dtype: 'float64' });
 * autograd.functional.hessian((a) => a.pow(3).sum(), x); // [[6, 0], [0, 12]]: diag(6x)
 * ```
 */
export function hessian(fn: OneFn, inputs: Tensor, options?: FunctionalOptions): Tensor;
export function hessian(fn: OneFn, inputs: readonly Tensor[], options?: FunctionalOptions): Tensor[][];
export function hessian(fn: FunctionalFn, inputs: Tensor | readonly Tensor[], options?: FunctionalOptions): Tensor | Tensor[][];
export function hessian(fn: FunctionalFn, inputs: Tensor | readonly Tensor[], options: FunctionalOptions = {}): Tensor | Tensor[][] {
  const where = 'hessian';
  const { createGraph, strict } = readOptions(options, where);
  checkFn(fn, where);
  const [inputsAreArray, ins] = inputsOf(inputs, where);
  const scalar = (...xs: Tensor[]): Tensor => {
    const [outputsAreArray, outs] = callFn(fn, xs, where);
    if (strict) checkRequiresGrad(outs, 'outputs', where);
    if (outputsAreArray) throw new Error(`${where}: fn must return a single Tensor with one element, got an array of ${outs.length} Tensor(s)`);
    if (outs[0].numel() !== 1) throw new Error(`${where}: fn must return a Tensor with a single element, got one of shape ${fmt(outs[0].shape)}`);
    return outs[0].reshape([]);
  };
  // the gradient, recorded, as a function of the inputs (PyTorch's jac_func)
  const gradient = (...xs: Tensor[]): Tensor[] => {
    const [, jac] = jacobianOf(scalar, xs, true, false, where, HESSIAN_MESSAGES);
    if (strict) checkRequiresGrad(jac[0], 'gradient', where);
    return jac[0];
  };
  return enableGrad(() => {
    const [, h] = jacobianOf(gradient, ins, createGraph, strict, where, HESSIAN_MESSAGES);
    return inputsAreArray ? h : h[0][0];
  });
}

/**
 * The vector-Jacobian product v^T J of `fn` at `inputs` (`torch.autograd.functional.vjp`): returns
 * [outputs, vjp], the outputs of fn as fn returned them and the product shaped like `inputs` (one
 * Tensor per input). `v` is shaped like the outputs; it may be left out (undefined or null) only when
 * fn returns one Tensor with one element (v = 1).
 *
 * ```ts
 * const x = torch.tensor([1, 2], { dtype: 'float64' });
 * const [y, g] = autograd.functional.vjp((a) => a.pow(2), x, torch.tensor([1, 1], { dtype: 'float64' }));
 * // y = [1, 4], g = 2x * v = [2, 4]
 * ```
 */
export function vjp(fn: OneFn, inputs: Tensor, v?: Vector, options?: FunctionalOptions): [Tensor, Tensor];
export function vjp(fn: OneFn, inputs: readonly Tensor[], v?: Vector, options?: FunctionalOptions): [Tensor, Tensor[]];
export function vjp(fn: ManyFn, inputs: Tensor, v?: Vector, options?: FunctionalOptions): [Tensor[], Tensor];
export function vjp(fn: ManyFn, inputs: readonly Tensor[], v?: Vector, options?: FunctionalOptions): [Tensor[], Tensor[]];
export function vjp(fn: FunctionalFn, inputs: Tensor | readonly Tensor[], v?: Vector, options?: FunctionalOptions): [Tensor | Tensor[], Tensor | Tensor[]];
export function vjp(fn: FunctionalFn, inputs: Tensor | readonly Tensor[], v?: Vector, options: FunctionalOptions = {}): [Tensor | Tensor[], Tensor | Tensor[]] {
  const where = 'vjp';
  const { createGraph, strict } = readOptions(options, where);
  checkFn(fn, where);
  const [inputsAreArray, ins] = inputsOf(inputs, where);
  return enableGrad(() => {
    const xs = preprocess(ins, createGraph, true);
    const [outputsAreArray, outs] = callFn(fn, xs, where);
    if (strict) checkRequiresGrad(outs, 'outputs', where);
    let vs: Tensor[] | null = null;
    if (v !== undefined && v !== null) {
      vs = preprocess(vectorOf(v, outs, outputsAreArray, 'output', where), createGraph, false);
    } else if (outs.length !== 1 || outs[0].numel() !== 1) {
      const got = outputsAreArray ? `an array of ${outs.length} Tensors` : `a Tensor of shape ${fmt(outs[0].shape)}`;
      throw new Error(`${where}: v can be left out only when fn returns a single Tensor with a single element; fn returned ${got}, so pass v shaped like it`);
    }
    const grads = gradOf(outs, xs, vs, createGraph);
    const result = postprocess(fillInZeros(grads, xs, strict, createGraph, 'back', where), createGraph);
    const outputs = postprocess(outs, createGraph);
    return [outputsAreArray ? outputs : outputs[0], inputsAreArray ? result : result[0]];
  });
}

/**
 * The Jacobian-vector product J v of `fn` at `inputs` (`torch.autograd.functional.jvp`), by the
 * double-backward trick (u^T J for a dummy u, differentiated with respect to u and contracted with
 * v): returns
 * [outputs, jvp], the product shaped like the outputs. `v` is shaped like `inputs`; it may be left
 * out only when there is one input with one element (v = 1).
 *
 * ```ts
 * const x = torch.tensor([1, 2], { dtype: 'float64' });
 * const [y, t] = autograd.functional.jvp((a) => a.pow(2), x, torch.tensor([1, 0], { dtype: 'float64' }));
 * // y = [1, 4], t = diag(2x) v = [2, 0]
 * ```
 */
export function jvp(fn: OneFn, inputs: Tensor | readonly Tensor[], v?: Vector, options?: FunctionalOptions): [Tensor, Tensor];
export function jvp(fn: ManyFn, inputs: Tensor | readonly Tensor[], v?: Vector, options?: FunctionalOptions): [Tensor[], Tensor[]];
export function jvp(fn: FunctionalFn, inputs: Tensor | readonly Tensor[], v?: Vector, options?: FunctionalOptions): [Tensor | Tensor[], Tensor | Tensor[]];
export function jvp(fn: FunctionalFn, inputs: Tensor | readonly Tensor[], v?: Vector, options: FunctionalOptions = {}): [Tensor | Tensor[], Tensor | Tensor[]] {
  const where = 'jvp';
  const { createGraph, strict } = readOptions(options, where);
  checkFn(fn, where);
  const [inputsAreArray, ins] = inputsOf(inputs, where);
  return enableGrad(() => {
    const xs = preprocess(ins, createGraph, true);
    const vs = vectorForInputs(v, xs, inputsAreArray, createGraph, where);
    const [outputsAreArray, outs] = callFn(fn, xs, where);
    if (strict) checkRequiresGrad(outs, 'outputs', where);
    // The backward is linear in its gradOutputs, so their value does not matter (zeros, as PyTorch's)
    const dummies = outs.map((out) => (out.requiresGrad ? zeros(out.shape, out.dtype).requiresGrad_() : null));
    const gradInputs = gradOf(outs, xs, dummies, true);
    if (strict) checkRequiresGrad(gradInputs, 'gradInputs', where);
    const used = dummies.flatMap((d, i) => (d === null ? [] : [{ d, i }]));
    const grads: (Tensor | null)[] = outs.map(() => null);
    if (used.length > 0) {
      const g = gradOf(
        gradInputs,
        used.map(({ d }) => d),
        vs,
        createGraph,
      );
      used.forEach(({ i }, k) => (grads[i] = g[k]));
    }
    const result = postprocess(fillInZeros(grads, outs, strict, createGraph, 'backTrick', where), createGraph);
    const outputs = postprocess(outs, createGraph);
    return outputsAreArray ? [outputs, result] : [outputs[0], result[0]];
  });
}

/** `v` of jvp, hvp and vhp, shaped like the inputs; null when left out (one one-element input). */
function vectorForInputs(v: Vector, xs: Tensor[], inputsAreArray: boolean, createGraph: boolean, where: string): Tensor[] | null {
  if (v !== undefined && v !== null) return preprocess(vectorOf(v, xs, inputsAreArray, 'input', where), createGraph, false);
  if (xs.length !== 1 || xs[0].numel() !== 1) {
    const got = inputsAreArray ? `an array of ${xs.length} Tensors` : `a Tensor of shape ${fmt(xs[0].shape)}`;
    throw new Error(`${where}: v can be left out only when inputs is a single Tensor with a single element; inputs is ${got}, so pass v shaped like it`);
  }
  return null;
}

/** fn's output, which must be one Tensor with one element (hvp, vhp). */
function scalarOutput(fn: FunctionalFn, xs: Tensor[], strict: boolean, where: string): Tensor {
  const [outputsAreArray, outs] = callFn(fn, xs, where);
  if (strict) checkRequiresGrad(outs, 'outputs', where);
  if (outputsAreArray) throw new Error(`${where}: fn must return a single Tensor with one element, got an array of ${outs.length} Tensor(s)`);
  if (outs[0].numel() !== 1) throw new Error(`${where}: fn must return a Tensor with a single element, got one of shape ${fmt(outs[0].shape)}`);
  return outs[0];
}

/**
 * The vector-Hessian product v^T H of a scalar `fn` at `inputs` (`torch.autograd.functional.vhp`):
 * returns [output, vhp], the product shaped like `inputs`. `v` is shaped like `inputs`; it may be
 * left out only when there is one input with one element (v = 1).
 *
 * ```ts
 * const x = torch.tensor([1, 2], { dtype: 'float64' });
 * const [y, p] = autograd.functional.vhp((a) => a.pow(3).sum(), x, torch.tensor([1, 1], { dtype: 'float64' }));
 * // y = 9, p = v^T diag(6x) = [6, 12]
 * ```
 */
export function vhp(fn: OneFn, inputs: Tensor, v?: Vector, options?: FunctionalOptions): [Tensor, Tensor];
export function vhp(fn: OneFn, inputs: readonly Tensor[], v?: Vector, options?: FunctionalOptions): [Tensor, Tensor[]];
export function vhp(fn: FunctionalFn, inputs: Tensor | readonly Tensor[], v?: Vector, options?: FunctionalOptions): [Tensor, Tensor | Tensor[]];
export function vhp(fn: FunctionalFn, inputs: Tensor | readonly Tensor[], v?: Vector, options: FunctionalOptions = {}): [Tensor, Tensor | Tensor[]] {
  const where = 'vhp';
  const { createGraph, strict } = readOptions(options, where);
  checkFn(fn, where);
  const [inputsAreArray, ins] = inputsOf(inputs, where);
  return enableGrad(() => {
    const xs = preprocess(ins, createGraph, true);
    const vs = vectorForInputs(v, xs, inputsAreArray, createGraph, where);
    const out = scalarOutput(fn, xs, strict, where);
    const jac = gradOf([out], xs, null, true);
    if (strict) checkRequiresGrad(jac, 'gradient', where);
    const grads = gradOf(jac, xs, vs, createGraph);
    const result = postprocess(fillInZeros(grads, xs, strict, createGraph, 'doubleBack', where), createGraph);
    const [output] = postprocess([out], createGraph);
    return [output, inputsAreArray ? result : result[0]];
  });
}

/**
 * The Hessian-vector product H v of a scalar `fn` at `inputs` (`torch.autograd.functional.hvp`), by
 * the double-backward trick: returns [output, hvp], the product shaped like `inputs`. Equal to vhp
 * for a twice continuously differentiable fn (H is symmetric), and slower. `v` is shaped like
 * `inputs`; it may be left out only when there is one input with one element (v = 1).
 *
 * ```ts
 * const x = torch.tensor([1, 2], { dtype: 'float64' });
 * const [y, p] = autograd.functional.hvp((a) => a.pow(3).sum(), x, torch.tensor([1, 0], { dtype: 'float64' }));
 * // y = 9, p = diag(6x) v = [6, 0]
 * ```
 */
export function hvp(fn: OneFn, inputs: Tensor, v?: Vector, options?: FunctionalOptions): [Tensor, Tensor];
export function hvp(fn: OneFn, inputs: readonly Tensor[], v?: Vector, options?: FunctionalOptions): [Tensor, Tensor[]];
export function hvp(fn: FunctionalFn, inputs: Tensor | readonly Tensor[], v?: Vector, options?: FunctionalOptions): [Tensor, Tensor | Tensor[]];
export function hvp(fn: FunctionalFn, inputs: Tensor | readonly Tensor[], v?: Vector, options: FunctionalOptions = {}): [Tensor, Tensor | Tensor[]] {
  const where = 'hvp';
  const { createGraph, strict } = readOptions(options, where);
  checkFn(fn, where);
  const [inputsAreArray, ins] = inputsOf(inputs, where);
  return enableGrad(() => {
    const xs = preprocess(ins, createGraph, true);
    const vs = vectorForInputs(v, xs, inputsAreArray, createGraph, where);
    const out = scalarOutput(fn, xs, strict, where);
    const jac = gradOf([out], xs, null, true);
    if (strict) checkRequiresGrad(jac, 'gradient', where);
    // u^T H as a function of a dummy u (its value does not matter: zeros), then its gradient with respect to u, contracted with v
    const dummies = xs.map((x) => zeros(x.shape, x.dtype).requiresGrad_());
    const doubleBack = gradOf(jac, xs, dummies, true);
    const grads = gradOf(doubleBack, dummies, vs, createGraph);
    const result = postprocess(fillInZeros(grads, xs, strict, createGraph, 'doubleBackTrick', where), createGraph);
    const [output] = postprocess([out], createGraph);
    return [output, inputsAreArray ? result : result[0]];
  });
}
