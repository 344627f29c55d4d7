/** Creating tensors: from nested arrays, filled, ranges, identity, and random from a seeded generator. */
import { allocate, checkDtype, convert, type DType, getDefaultDtype, isFloatDtype } from './dtype';
import { defaultGenerator, type Generator } from './random';
import { checkShape, fmt, numel, type Shape } from './shape';
import { type NestedArray, Tensor } from './tensor';

/** Options most creation functions take. */
export interface TensorOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

/** Options of the random creation functions. */
export interface RandomOptions extends TensorOptions {
  generator?: Generator;
}

function finish(data: Tensor, options: TensorOptions): Tensor {
  if (options.requiresGrad) data.requiresGrad = true;
  return data;
}

function dtypeOption(options: TensorOptions, fallback: DType, where: string): DType {
  return options.dtype === undefined ? fallback : checkDtype(options.dtype, where);
}

/** The shape of nested arrays, checking that every level is rectangular. */
function inferShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let level: NestedArray = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0];
  }
  return shape;
}

function flattenInto(data: NestedArray, shape: readonly number[], dim: number, out: (number | boolean)[], path: number[]): void {
  if (dim === shape.length) {
    if (Array.isArray(data)) throw new Error(`tensor: ragged nested array: element ${fmt(path)} is an array, but elements at that depth elsewhere are numbers`);
    if (typeof data !== 'number' && typeof data !== 'boolean') {
      throw new Error(`tensor: element ${fmt(path)} is ${data === null ? 'null' : typeof data}; only numbers and booleans can be tensor elements`);
    }
    out.push(data);
    return;
  }
  if (!Array.isArray(data) || data.length !== shape[dim]) {
    const got = Array.isArray(data) ? `length ${data.length}` : 'a number';
    throw new Error(`tensor: ragged nested array: expected a sequence of length ${shape[dim]} at dim ${dim} (index ${fmt(path)}), but got ${got}`);
  }
  data.forEach((d, i) => flattenInto(d, shape, dim + 1, out, [...path, i]));
}

/**
 * A tensor from a number (0-d) or nested arrays (`torch.tensor`). Without a dtype, booleans give
 * bool, whole numbers give int32 (PyTorch's int64 for Python ints), anything else the default float.
 * NOTE: JavaScript writes 2.0 as 2, so `tensor([1, 2])` is int32; pass `{ dtype: 'float32' }`, or
 * `requiresGrad: true`, which implies the default float.
 */
export function tensor(data: NestedArray | Tensor, options: TensorOptions = {}): Tensor {
  if (data instanceof Tensor) {
    return finish(data.detach().to(dtypeOption(options, data.dtype, 'tensor')).clone(), options);
  }
  const shape = inferShape(data);
  const flat: (number | boolean)[] = [];
  flattenInto(data, shape, 0, flat, []);
  let inferred: DType;
  if (flat.length > 0 && flat.every((v) => typeof v === 'boolean')) inferred = 'bool';
  else if (flat.some((v) => typeof v === 'boolean')) throw new Error('tensor: mixes booleans and numbers; use one kind');
  else if (options.requiresGrad || flat.length === 0 || !flat.every((v) => Number.isInteger(v))) inferred = getDefaultDtype();
  else inferred = 'int32';
  const dtype = dtypeOption(options, inferred, 'tensor');
  // NOTE: through convert, so that 2 or 0.5 become true (1) in a bool tensor, as in PyTorch
  const out = convert(Float64Array.from(flat, Number), dtype);
  return finish(new Tensor(out, shape, dtype), options);
}

/** A tensor of `shape` filled with `value` (`torch.full`); the dtype follows the value, as in PyTorch. */
export function full(shape: Shape, value: number | boolean, options: TensorOptions = {}): Tensor {
  const s = checkShape(shape, 'full');
  const inferred: DType = typeof value === 'boolean' ? 'bool' : Number.isInteger(value) && !options.requiresGrad ? 'int32' : getDefaultDtype();
  const dtype = dtypeOption(options, inferred, 'full');
  const data = allocate(dtype, numel(s));
  data.fill(convert(Float64Array.of(Number(value)), dtype)[0]);
  return finish(new Tensor(data, s, dtype), options);
}

/** A tensor of zeros (`torch.zeros`), in the default float dtype unless given one. */
export function zeros(shape: Shape, options: TensorOptions = {}): Tensor {
  const s = checkShape(shape, 'zeros');
  const dtype = dtypeOption(options, getDefaultDtype(), 'zeros');
  return finish(new Tensor(allocate(dtype, numel(s)), s, dtype), options);
}

/** A tensor of ones (`torch.ones`), in the default float dtype unless given one. */
export function ones(shape: Shape, options: TensorOptions = {}): Tensor {
  const s = checkShape(shape, 'ones');
  const dtype = dtypeOption(options, getDefaultDtype(), 'ones');
  const data = allocate(dtype, numel(s));
  data.fill(1);
  return finish(new Tensor(data, s, dtype), options);
}

/** Zeros with another tensor's shape and dtype. */
export function zerosLike(t: Tensor, options: TensorOptions = {}): Tensor {
  return zeros(t.shape, { dtype: t.dtype, ...options });
}

/** Ones with another tensor's shape and dtype. */
export function onesLike(t: Tensor, options: TensorOptions = {}): Tensor {
  return ones(t.shape, { dtype: t.dtype, ...options });
}

/** `value` with another tensor's shape and dtype. */
export function fullLike(t: Tensor, value: number, options: TensorOptions = {}): Tensor {
  return full(t.shape, value, { dtype: t.dtype, ...options });
}

/**
 * Evenly spaced values in [start, end) (`torch.arange`): `arange(5)` or `arange(0, 1, 0.1)`.
 * Whole-number arguments give int32, others the default float.
 */
export function arange(start: number, end?: number, step = 1, options: TensorOptions = {}): Tensor {
  if (end === undefined) {
    end = start;
    start = 0;
  }
  if (step === 0 || !Number.isFinite(step)) throw new Error(`arange: step must be a nonzero finite number, got ${step}`);
  if (!Number.isFinite(start) || !Number.isFinite(end)) throw new Error(`arange: start and end must be finite, got ${start} and ${end}`);
  if ((end - start) / step < 0) throw new Error(`arange: upper bound and larger bound inconsistent with step sign (start ${start}, end ${end}, step ${step})`);
  const n = Math.ceil((end - start) / step);
  const whole = Number.isInteger(start) && Number.isInteger(end) && Number.isInteger(step);
  const dtype = dtypeOption(options, whole && !options.requiresGrad ? 'int32' : getDefaultDtype(), 'arange');
  const data = allocate(dtype, n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return finish(new Tensor(data, [n], dtype), options);
}

/** `steps` values from start to end inclusive (`torch.linspace`). */
export function linspace(start: number, end: number, steps: number, options: TensorOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`linspace: steps must be a whole number >= 0, got ${steps}`);
  const dtype = dtypeOption(options, getDefaultDtype(), 'linspace');
  const data = allocate(dtype, steps);
  const delta = steps > 1 ? (end - start) / (steps - 1) : 0;
  for (let i = 0; i < steps; i++) data[i] = start + i * delta;
  if (steps > 1) data[steps - 1] = end;
  return finish(new Tensor(data, [steps], dtype), options);
}

/** The identity matrix, n x m (m defaults to n) (`torch.eye`). */
export function eye(n: number, m: number = n, options: TensorOptions = {}): Tensor {
  const s = checkShape([n, m], 'eye');
  const dtype = dtypeOption(options, getDefaultDtype(), 'eye');
  const data = allocate(dtype, n * m);
  for (let i = 0; i < Math.min(n, m); i++) data[i * m + i] = 1;
  return finish(new Tensor(data, s, dtype), options);
}

function randomFloat(shape: Shape, options: RandomOptions, where: string, fill: (g: Generator, t: Tensor) => void): Tensor {
  const s = checkShape(shape, where);
  const dtype = dtypeOption(options, getDefaultDtype(), where);
  if (!isFloatDtype(dtype)) throw new Error(`${where}: dtype must be float32 or float64, got ${dtype}`);
  const t = new Tensor(allocate(dtype, numel(s)), s, dtype);
  fill(options.generator ?? defaultGenerator, t);
  return finish(t, options);
}

/** Uniform samples in [0, 1) (`torch.rand`), from the seeded generator. */
export function rand(shape: Shape, options: RandomOptions = {}): Tensor {
  return randomFloat(shape, options, 'rand', (g, t) => g.fillUniform(t.data));
}

/** Standard normal samples (`torch.randn`), from the seeded generator. */
export function randn(shape: Shape, options: RandomOptions = {}): Tensor {
  return randomFloat(shape, options, 'randn', (g, t) => g.fillNormal(t.data));
}

/** Whole numbers uniform in [low, high) (`torch.randint`), int32 unless given a dtype. */
export function randint(low: number, high: number, shape: Shape, options: RandomOptions = {}): Tensor {
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
    throw new Error(`randint: expected whole numbers low < high, got low=${low}, high=${high}`);
  }
  const s = checkShape(shape, 'randint');
  const dtype = dtypeOption(options, 'int32', 'randint');
  const t = new Tensor(allocate(dtype, numel(s)), s, dtype);
  (options.generator ?? defaultGenerator).fillInteger(t.data, low, high);
  return finish(t, options);
}

/** A random permutation of 0..n-1 as int32 (`torch.randperm`). */
export function randperm(n: number, options: { generator?: Generator } = {}): Tensor {
  if (!Number.isInteger(n) || n < 0) throw new Error(`randperm: n must be a whole number >= 0, got ${n}`);
  return new Tensor((options.generator ?? defaultGenerator).permutation(n), [n], 'int32');
}
