/** Creating tensors: from nested arrays, filled, ranges, identity, and random from a seeded generator. */
import { allocate, checkDtype, type DType, elementOf, getDefaultDtype, isFloatDtype, type TypedArray } from './dtype';
import { checkTensor } from './ops/helpers';
import { checkBoolean, checkNumber, checkOptions, describe, type Unsupported } from './options';
import { checkGenerator, type Generator } from './random';
import { checkShape, fmt, numel, type Shape, sizesAndOptions, type SizesAnd } from './shape';
import { fromNested, typedArrayDtype } from './nested';
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

/** PyTorch's creation options that tsgrad leaves out. */
const UNSUPPORTED: Unsupported = {
  device: { why: 'tsgrad runs on the CPU', accepts: ['cpu'] },
  layout: 'tsgrad tensors are always dense (torch.strided)',
  pinMemory: { why: 'tsgrad has no GPU to pin memory for', accepts: [false] },
  out: 'tsgrad returns a new tensor; copy it into yours with copy_()',
  memoryFormat: 'tsgrad tensors are always contiguous',
};

/**
 * Checks a creation function's options (`dtype`, `requiresGrad`, and with `random` `generator`);
 * a number where options go is a shape spread over arguments, as PyTorch's `zeros(2, 3)`.
 */
function checkTensorOptions(options: unknown, where: string, random = false): void {
  if (typeof options === 'number') {
    throw new Error(`${where}: the shape goes in one array, as in ${where}([2, 3]); the argument after it is the options object, got ${describe(options)}`);
  }
  checkOptions(options, random ? ['dtype', 'requiresGrad', 'generator'] : ['dtype', 'requiresGrad'], where, UNSUPPORTED);
  const o = (options ?? {}) as RandomOptions;
  if (o.requiresGrad !== undefined) checkBoolean(o.requiresGrad, where, 'requiresGrad');
  if (random) checkGenerator(o.generator, where);
}

function finish(data: Tensor, options: TensorOptions): Tensor {
  if (options.requiresGrad) data.requiresGrad = true;
  return data;
}

function dtypeOption(options: TensorOptions, fallback: DType, where: string): DType {
  return options.dtype === undefined ? fallback : checkDtype(options.dtype, where);
}

/**
 * A tensor from a number (0-d) or nested arrays (`torch.tensor`). Without a dtype, booleans give
 * bool, whole numbers give int32 (PyTorch's int64 for Python ints), anything else the default float.
 * NOTE: JavaScript writes 2.0 as 2, so `tensor([1, 2])` is int32; pass `{ dtype: 'float32' }`, or
 * `requiresGrad: true`, which implies the default float. A typed array (or nested arrays of them) is
 * copied, and a Float32Array, Float64Array or Int32Array keeps its dtype, as `torch.tensor(ndarray)` does.
 */
export function tensor(data: NestedArray | Tensor | TypedArray, options: TensorOptions = {}): Tensor {
  checkTensorOptions(options, 'tensor');
  if (data instanceof Tensor) {
    return finish(
      data
        .detach()
        .to(dtypeOption(options, data.dtype, 'tensor'))
        .clone(),
      options,
    );
  }
  const { values, shape, dtype } = fromNested(
    data,
    options.dtype === undefined ? undefined : checkDtype(options.dtype, 'tensor'),
    options.requiresGrad === true,
    'tensor',
  );
  const out = values;
  return finish(new Tensor(out, shape, dtype), options);
}

/** A tensor of `shape` filled with `value` (`torch.full`); the dtype follows the value, as in PyTorch. */
export function full(shape: Shape, value: number | boolean, options: TensorOptions = {}): Tensor {
  const s = checkShape(shape, 'full');
  checkTensorOptions(options, 'full');
  if (typeof value !== 'number' && typeof value !== 'boolean') throw new Error(`full: the fill value must be a number or a boolean, got ${describe(value)}`);
  const inferred: DType = typeof value === 'boolean' ? 'bool' : Number.isInteger(value) && !options.requiresGrad ? 'int32' : getDefaultDtype();
  const dtype = dtypeOption(options, inferred, 'full');
  const data = allocate(dtype, numel(s));
  data.fill(elementOf(value, dtype, 'full'));
  return finish(new Tensor(data, s, dtype), options);
}

/**
 * A tensor of zeros (`torch.zeros`), in the default float dtype unless given one. Sizes as PyTorch
 * takes them: `zeros(2, 3)`, `zeros([2, 3])`, `zeros(3)`; options come last (`zeros(2, 3, { dtype })`).
 */
export function zeros(...args: SizesAnd<TensorOptions>): Tensor {
  const [s, options] = sizesAndOptions<TensorOptions>(args, 'zeros');
  checkTensorOptions(options, 'zeros');
  const dtype = dtypeOption(options, getDefaultDtype(), 'zeros');
  return finish(new Tensor(allocate(dtype, numel(s)), s, dtype), options);
}

/** A tensor of ones (`torch.ones`), in the default float dtype unless given one; sizes as `zeros` takes them. */
export function ones(...args: SizesAnd<TensorOptions>): Tensor {
  const [s, options] = sizesAndOptions<TensorOptions>(args, 'ones');
  checkTensorOptions(options, 'ones');
  const dtype = dtypeOption(options, getDefaultDtype(), 'ones');
  const data = allocate(dtype, numel(s));
  data.fill(1);
  return finish(new Tensor(data, s, dtype), options);
}

/**
 * A new tensor of the given sizes (`torch.empty`). PyTorch leaves its values uninitialised; tsgrad's
 * are zeros (a fresh typed array is zero-filled, so they cost nothing to give).
 */
export function empty(...args: SizesAnd<TensorOptions>): Tensor {
  const [s, options] = sizesAndOptions<TensorOptions>(args, 'empty');
  checkTensorOptions(options, 'empty');
  const dtype = dtypeOption(options, getDefaultDtype(), 'empty');
  return finish(new Tensor(allocate(dtype, numel(s)), s, dtype), options);
}

/** `empty` with another tensor's shape and dtype (`torch.empty_like`); its values are zeros. */
export function emptyLike(t: Tensor, options: TensorOptions = {}): Tensor {
  checkTensor(t, 'emptyLike');
  checkTensorOptions(options, 'emptyLike');
  return empty(t.shape, { dtype: t.dtype, ...options });
}

/**
 * A tensor over a typed array's memory, without copying (`torch.from_numpy`): a Float32Array,
 * Float64Array or Int32Array, in `shape` (default: 1-D). Writes through either one show in the
 * other. (Other typed arrays have no tsgrad dtype: copy them with `tensor`.)
 */
export function fromArray(data: Float32Array | Float64Array | Int32Array, shape?: Shape): Tensor {
  const dtype = typedArrayDtype(data);
  if (dtype === null) {
    throw new Error(
      `fromArray: expected a Float32Array, Float64Array or Int32Array (memory tsgrad can share), got ${describe(data)}; copy others with tensor()`,
    );
  }
  const s = shape === undefined ? [data.length] : checkShape(shape, 'fromArray');
  if (numel(s) !== data.length) throw new Error(`fromArray: shape ${fmt(s)} holds ${numel(s)} elements, but the array has ${data.length}`);
  return new Tensor(data, s, dtype);
}

/**
 * `data` as a tensor, sharing memory where it can (`torch.as_tensor`): a Tensor of the asked dtype
 * is returned as is, a typed array of a tsgrad dtype is wrapped as `fromArray` does, anything else
 * (or a dtype change) is copied as `tensor` does.
 */
export function asTensor(data: NestedArray | Tensor | TypedArray, options: { dtype?: DType } = {}): Tensor {
  checkOptions(options, ['dtype'], 'asTensor', { device: "tsgrad runs on the CPU: leave device out, or pass 'cpu' to .to()" });
  const dtype = options.dtype === undefined ? undefined : checkDtype(options.dtype, 'asTensor');
  if (data instanceof Tensor) return dtype === undefined || dtype === data.dtype ? data : data.to(dtype);
  if (typedArrayDtype(data) !== null) {
    const shared = fromArray(data as Float32Array);
    return dtype === undefined || dtype === shared.dtype ? shared : shared.to(dtype);
  }
  return tensor(data, dtype === undefined ? {} : { dtype });
}

/** Zeros with another tensor's shape and dtype. */
export function zerosLike(t: Tensor, options: TensorOptions = {}): Tensor {
  checkTensor(t, 'zerosLike');
  checkTensorOptions(options, 'zerosLike');
  return zeros(t.shape, { dtype: t.dtype, ...options });
}

/** Ones with another tensor's shape and dtype. */
export function onesLike(t: Tensor, options: TensorOptions = {}): Tensor {
  checkTensor(t, 'onesLike');
  checkTensorOptions(options, 'onesLike');
  return ones(t.shape, { dtype: t.dtype, ...options });
}

/** `value` with another tensor's shape and dtype. */
export function fullLike(t: Tensor, value: number, options: TensorOptions = {}): Tensor {
  checkTensor(t, 'fullLike');
  checkTensorOptions(options, 'fullLike');
  return full(t.shape, value, { dtype: t.dtype, ...options });
}

/**
 * Evenly spaced values in [start, end) (`torch.arange`): `arange(5)` or `arange(0, 1, 0.1)`.
 * Whole-number arguments give int32, others the default float.
 */
export function arange(start: number, end?: number, step = 1, options: TensorOptions = {}): Tensor {
  checkTensorOptions(options, 'arange');
  if (end === undefined) {
    end = start;
    start = 0;
  }
  checkNumber(start, 'arange', 'start');
  checkNumber(end, 'arange', 'end');
  checkNumber(step, 'arange', 'step');
  if (step === 0 || !Number.isFinite(step)) throw new Error(`arange: step must be a nonzero finite number, got ${step}`);
  if (!Number.isFinite(start) || !Number.isFinite(end)) throw new Error(`arange: start and end must be finite, got ${start} and ${end}`);
  if ((end - start) / step < 0) throw new Error(`arange: upper bound and larger bound inconsistent with step sign (start ${start}, end ${end}, step ${step})`);
  const n = Math.ceil((end - start) / step);
  const whole = Number.isInteger(start) && Number.isInteger(end) && Number.isInteger(step);
  const dtype = dtypeOption(options, whole && !options.requiresGrad ? 'int32' : getDefaultDtype(), 'arange');
  if (dtype === 'int32' && n > 0) [start, start + (n - 1) * step].forEach((v) => elementOf(v, dtype, 'arange'));
  const data = allocate(dtype, n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return finish(new Tensor(data, [n], dtype), options);
}

/** `steps` values from start to end inclusive (`torch.linspace`). */
export function linspace(start: number, end: number, steps: number, options: TensorOptions = {}): Tensor {
  checkTensorOptions(options, 'linspace');
  checkNumber(start, 'linspace', 'start');
  checkNumber(end, 'linspace', 'end');
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`linspace: steps must be a whole number >= 0, got ${describe(steps)}`);
  const dtype = dtypeOption(options, getDefaultDtype(), 'linspace');
  const data = allocate(dtype, steps);
  const delta = steps > 1 ? (end - start) / (steps - 1) : 0;
  for (let i = 0; i < steps; i++) data[i] = start + i * delta;
  if (steps > 1) data[steps - 1] = end;
  return finish(new Tensor(data, [steps], dtype), options);
}

/** The identity matrix, n x m (m defaults to n) (`torch.eye`). */
export function eye(n: number, m: number = n, options: TensorOptions = {}): Tensor {
  checkTensorOptions(options, 'eye');
  for (const [name, v] of [
    ['n', n],
    ['m', m],
  ] as const) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`eye: ${name} must be a whole number >= 0, got ${describe(v)}`);
  }
  const s = checkShape([n, m], 'eye');
  const dtype = dtypeOption(options, getDefaultDtype(), 'eye');
  const data = allocate(dtype, n * m);
  for (let i = 0; i < Math.min(n, m); i++) data[i * m + i] = 1;
  return finish(new Tensor(data, s, dtype), options);
}

function randomFloat(args: readonly unknown[], where: string, fill: (g: Generator, t: Tensor) => void): Tensor {
  const [s, options] = sizesAndOptions<RandomOptions>(args, where);
  checkTensorOptions(options, where, true);
  const dtype = dtypeOption(options, getDefaultDtype(), where);
  if (!isFloatDtype(dtype)) throw new Error(`${where}: dtype must be float32 or float64, got ${dtype}`);
  const t = new Tensor(allocate(dtype, numel(s)), s, dtype);
  fill(checkGenerator(options.generator, where), t);
  return finish(t, options);
}

/** Uniform samples in [0, 1) (`torch.rand`), from the seeded generator; sizes as `zeros` takes them (`rand(3, 5)`). */
export function rand(...args: SizesAnd<RandomOptions>): Tensor {
  return randomFloat(args, 'rand', (g, t) => g.fillUniform(t.data));
}

/** Standard normal samples (`torch.randn`), from the seeded generator; sizes as `zeros` takes them (`randn(3, 5)`). */
export function randn(...args: SizesAnd<RandomOptions>): Tensor {
  return randomFloat(args, 'randn', (g, t) => g.fillNormal(t.data));
}

/** Whole numbers uniform in [low, high) (`torch.randint`), int32 unless given a dtype. */
export function randint(low: number, high: number, shape: Shape, options: RandomOptions = {}): Tensor {
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
    throw new Error(`randint: expected whole numbers low < high, got low=${describe(low)}, high=${describe(high)}`);
  }
  const s = checkShape(shape, 'randint');
  checkTensorOptions(options, 'randint', true);
  const dtype = dtypeOption(options, 'int32', 'randint');
  if (dtype === 'int32') [low, high - 1].forEach((v) => elementOf(v, dtype, 'randint'));
  const t = new Tensor(allocate(dtype, numel(s)), s, dtype);
  checkGenerator(options.generator, 'randint').fillInteger(t.data, low, high);
  return finish(t, options);
}

/** A random permutation of 0..n-1 as int32 (`torch.randperm`). */
export function randperm(n: number, options: { generator?: Generator } = {}): Tensor {
  if (!Number.isInteger(n) || n < 0) throw new Error(`randperm: n must be a whole number >= 0, got ${describe(n)}`);
  checkOptions(options, ['generator'], 'randperm', {
    ...UNSUPPORTED,
    dtype: 'randperm gives int32 indices; convert them with .to(dtype)',
    requiresGrad: 'randperm gives int32 indices, which cannot require grad',
  });
  return new Tensor(checkGenerator(options.generator, 'randperm').permutation(n), [n], 'int32');
}
