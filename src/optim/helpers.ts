/**
 * What the optimizers share besides the `Optimizer` base: their options (defaults, PyTorch's checks
 * and messages), state buffers and their loading, the loop over parameters with a gradient, and the
 * float32 rounding their kernels use.
 */
import { allocateFloat, convert, type FloatDType, getDefaultDtype, round32 } from '../dtype';
import { checkOptions as checkOptionKeys, type Unsupported } from '../options';
import { fmt, sameShape } from '../shape';
import { Tensor } from '../tensor';

// ---- options ----

/** @internal PyTorch optimizer options that tsgrad leaves out, with the values that ask for what tsgrad does anyway. */
export const OPTIMIZER_UNSUPPORTED: Unsupported = {
  foreach: { why: 'tsgrad updates each parameter in a loop of its own (no multi-tensor kernels)', accepts: [false, null] },
  fused: { why: 'tsgrad has no fused optimizer kernels', accepts: [false, null] },
  differentiable: { why: 'tsgrad steps update parameters in place, outside autograd', accepts: [false] },
};

/** @internal `capturable`, in optimizers that have it: CUDA graphs, which tsgrad (CPU only) has none of. */
export const CAPTURABLE_UNSUPPORTED: Unsupported = {
  capturable: { why: 'tsgrad runs on the CPU (no CUDA graphs to capture)', accepts: [false] },
};

/** @internal The entries of `OPTIMIZER_UNSUPPORTED` / `CAPTURABLE_UNSUPPORTED` named, for an optimizer with just those PyTorch options. */
export function unsupportedOptions(...names: ('foreach' | 'fused' | 'differentiable' | 'capturable')[]): Unsupported {
  const all: Unsupported = { ...OPTIMIZER_UNSUPPORTED, ...CAPTURABLE_UNSUPPORTED };
  return Object.fromEntries(names.map((name) => [name, all[name]]));
}

/**
 * @internal A constructor's options with `defaults` (PyTorch's, in the order groups keep them) filled
 * in where `options` leaves one out; first throws for a key outside `allowed` (the order the error
 * lists them in) unless `unsupported` accepts its value.
 */
export function withDefaults<O extends object>(
  where: string,
  options: unknown,
  defaults: O,
  unsupported: Unsupported,
  allowed: readonly string[] = Object.keys(defaults),
): O {
  checkOptionKeys(options, allowed, where, unsupported);
  const given = (options ?? {}) as Partial<O>;
  const out: Partial<O> = {};
  for (const key of Object.keys(defaults) as (keyof O)[]) out[key] = given[key] ?? defaults[key];
  return out as O;
}

const nonNegative =
  (message: string) =>
  (where: string, name: string, value: unknown): void =>
    checkNonNegative(where, name, value, message);

/** PyTorch's check of each common option, with its message (`Invalid learning rate: -1`). */
const OPTION_CHECKS = {
  lr: nonNegative('Invalid learning rate'),
  eps: nonNegative('Invalid epsilon value'),
  momentum: nonNegative('Invalid momentum value'),
  weightDecay: nonNegative('Invalid weight_decay value'),
  alpha: nonNegative('Invalid alpha value'),
  lrDecay: nonNegative('Invalid lr_decay value'),
  initialAccumulatorValue: nonNegative('Invalid initial_accumulator_value value'),
  momentumDecay: nonNegative('Invalid momentum_decay value'),
  betas: (where: string, _name: string, value: unknown) => checkBetas(where, value),
  amsgrad: checkBooleanOption,
  maximize: checkBooleanOption,
  decoupledWeightDecay: checkBooleanOption,
  centered: checkBooleanOption,
  nesterov: checkBooleanOption,
};

/** @internal Checks options `names` of `o` in that order (PyTorch's), throwing PyTorch's message for the first bad one. */
export function checkOptionValues(where: string, o: object, names: readonly (keyof typeof OPTION_CHECKS)[]): void {
  for (const name of names) OPTION_CHECKS[name](where, name, (o as Record<string, unknown>)[name]);
}

/** @internal Throws `${message}: ${value}` (PyTorch's wording, e.g. "Invalid learning rate: -1") unless option `name` is a number >= 0. */
export function checkNonNegative(where: string, name: string, value: unknown, message: string): void {
  checkNumberOption(where, name, value);
  if (!((value as number) >= 0)) throw new Error(`${message}: ${value as number}`);
}

/** @internal Throws PyTorch's error unless `betas` is two numbers in [0, 1). */
export function checkBetas(where: string, betas: unknown): void {
  if (!Array.isArray(betas) || betas.length !== 2) {
    throw new Error(`${where}: option betas must be an array of two numbers, got ${JSON.stringify(betas)}`);
  }
  for (const k of [0, 1]) {
    checkNumberOption(where, `betas[${k}]`, betas[k]);
    if (!(betas[k] >= 0 && betas[k] < 1)) throw new Error(`Invalid beta parameter at index ${k}: ${betas[k]}`);
  }
}

/** @internal Throws unless option `name` is a number. */
export function checkNumberOption(where: string, name: string, value: unknown): void {
  if (typeof value !== 'number') throw new Error(`${where}: option ${name} must be a number, got ${describe(value)}`);
}

/** @internal Throws unless option `name` is a boolean. */
export function checkBooleanOption(where: string, name: string, value: unknown): void {
  if (typeof value !== 'boolean') throw new Error(`${where}: option ${name} must be true or false, got ${describe(value)}`);
}

// ---- state ----

/**
 * @internal Calls `update` for each of `params` that has a gradient, with its entry in `state` (`init`
 * makes it on the parameter's first step), then counts the in-place change in the parameter's version.
 */
export function updateEach<S>(params: Tensor[], state: Map<Tensor, S>, init: (param: Tensor) => S, update: (param: Tensor, grad: Tensor, s: S) => void): void {
  for (const param of params) {
    const grad = param.grad;
    if (grad === null) continue;
    let s = state.get(param);
    if (s === undefined) {
      s = init(param);
      state.set(param, s);
    }
    update(param, grad, s);
    param._version.value++;
  }
}

/** @internal A zero tensor of `param`'s shape and dtype, for a state buffer. */
export function zeroBuffer(param: Tensor): Tensor {
  return new Tensor(allocateFloat(param.dtype as FloatDType, param.numel()), param.shape, param.dtype);
}

/** @internal A tensor of `param`'s shape and dtype filled with `value` (`torch.full_like`), for a state buffer. */
export function filledBuffer(param: Tensor, value: number): Tensor {
  return new Tensor(allocateFloat(param.dtype as FloatDType, param.numel()).fill(value), param.shape, param.dtype);
}

/** @internal Whether PyTorch keeps 0-dim state tensors it makes (NAdam's `mu_product`) in float32: unless the default dtype is float64. */
export function scalarStateIsFloat32(): boolean {
  return getDefaultDtype() !== 'float64';
}

/** @internal Reads buffer `key` of a saved state entry: a Tensor of `param`'s shape, copied to its dtype. */
export function loadBuffer(entry: unknown, key: string, param: Tensor): Tensor {
  const value = isPlainObject(entry) ? entry[key] : undefined;
  if (!(value instanceof Tensor)) throw new Error(`${key} must be a Tensor, got ${describe(value)}`);
  if (!sameShape(value.shape, param.shape)) {
    throw new Error(`${key} has shape ${fmt(value.shape)} but its parameter has shape ${fmt(param.shape)}`);
  }
  const data = value.dtype === param.dtype ? value.data.slice() : convert(value.data, param.dtype);
  return new Tensor(data, param.shape, param.dtype);
}

/** @internal Reads buffers `keys` of a saved state entry (see `loadBuffer`), in that order. */
export function loadBuffers<K extends string>(entry: unknown, param: Tensor, keys: readonly K[]): Record<K, Tensor> {
  const out = {} as Record<K, Tensor>;
  for (const key of keys) out[key] = loadBuffer(entry, key, param);
  return out;
}

/** @internal Reads the buffers of `wanted` that are true or that the saved entry has (a buffer some options make), in that order. */
export function loadOptionalBuffers<K extends string>(entry: unknown, param: Tensor, wanted: Record<K, boolean>): Partial<Record<K, Tensor>> {
  const out: Partial<Record<K, Tensor>> = {};
  for (const key of Object.keys(wanted) as K[]) {
    if (wanted[key] || (isPlainObject(entry) && entry[key] !== undefined)) out[key] = loadBuffer(entry, key, param);
  }
  return out;
}

/** @internal Reads the step count of a saved state entry: a whole number >= 0. */
export function loadStep(entry: unknown): number {
  return loadCount(entry, 'step');
}

/** @internal Reads count `key` of a saved state entry: a whole number >= 0. */
export function loadCount(entry: unknown, key: string): number {
  const value = loadNumber(entry, key);
  if (!(Number.isInteger(value) && value >= 0)) throw new Error(`${key} must be a whole number >= 0, got ${value}`);
  return value;
}

/** @internal Reads number `key` of a saved state entry. */
export function loadNumber(entry: unknown, key: string): number {
  const value = isPlainObject(entry) ? entry[key] : undefined;
  if (typeof value !== 'number') throw new Error(`${key} must be a number, got ${describe(value)}`);
  return value;
}

// ---- kernels ----

/** @internal Whether `param` is float32: kernels then round where PyTorch keeps a float32 result (see `round32`). */
export function isFloat32(param: Tensor): boolean {
  return param.dtype === 'float32';
}

/** @internal `round32` (src/dtype.ts), here for the optimizers beside their other helpers. */
export { round32 };

/**
 * @internal The scalars of `m.lerp_(g, weight)` as PyTorch's kernel uses them, rounded by `round32`: it
 * computes `m + w * (g - m)` when |w| < 0.5 and `g - (g - m) * (1 - w)` otherwise (for accuracy).
 */
export function lerpScalars(weight: number, f32: boolean): { w: number; oneMinusW: number; small: boolean } {
  const w = round32(weight, f32);
  return { w, oneMinusW: round32(1 - w, f32), small: Math.abs(w) < 0.5 };
}

/**
 * @internal The options Adam, NAdam and RAdam start each element's update with, for one group: g = ±grad,
 * weight decay (L2 or decoupled), m = lerp(m, g, 1 - beta1) and v = beta2 * v + (1 - beta2) * g^2.
 *
 * NOTE: each of the three kernels writes that start out itself, scalars and loop lines, for speed
 * (200 steps on 1M float32 parameters, tsx, Node 20): a shared per-element function taking its
 * scalars in an object made Adam's step 6% slower (9.7 vs 9.15 ms; V8 loads the fields for every
 * element), with 15 arguments ~1.5%; a shared function making the scalars, called once per step, made
 * NAdam's and RAdam's 3-5% slower (11.1 vs 10.6, 10.4 vs 9.8 ms) in a process running Adam too.
 */
export interface MomentOptions {
  lr: number;
  beta1: number;
  beta2: number;
  weightDecay: number;
  decoupledWeightDecay: boolean;
  maximize: boolean;
}

// ---- values ----

/** @internal Whether `x` is an object of named values (not null, an array or a Tensor). */
export function isPlainObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !(x instanceof Tensor) && !Array.isArray(x);
}

/** @internal A value as the optimizers' messages show what they got: `a Tensor of shape [2]`, `number 5`, `"a"`. */
export function describe(x: unknown): string {
  if (x instanceof Tensor) return `a Tensor of shape ${fmt(x.shape)}`;
  if (x === null || x === undefined) return String(x);
  if (Array.isArray(x)) return 'an array';
  if (typeof x === 'object') return x.constructor?.name ?? 'an object';
  if (typeof x === 'string') return JSON.stringify(x);
  return `${typeof x} ${String(x)}`;
}
