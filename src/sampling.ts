/**
 * Random tensors shaped like others and drawn from distributions: randLike, randnLike,
 * randintLike, normal, bernoulli, multinomial, poisson; and logspace. All draw from a seeded
 * Generator (the default one unless `generator` is given), so a seed repeats them exactly.
 */
import { noGrad } from './autograd/grad-mode';
import { allocate, type DType, getDefaultDtype, isFloatDtype } from './dtype';
import { add, mul } from './ops/binary';
import { cast, checkTensor, floatData } from './ops/helpers';
import { checkNumber, checkOptions, describe } from './options';
import { checkGenerator, type Generator } from './random';
import { broadcastShapes, checkShape, numel, type Shape } from './shape';
import { Tensor } from './tensor';
import { linspace, rand, randint, randn, type RandomOptions, type TensorOptions } from './creation';

const RANDOM_OPTIONS = ['dtype', 'requiresGrad', 'generator'];

function likeOptions(t: Tensor, options: RandomOptions, where: string): RandomOptions {
  checkTensor(t, where);
  checkOptions(options, RANDOM_OPTIONS, where);
  return { dtype: t.dtype, ...options };
}

/** Uniform samples in [0, 1) with another tensor's shape and dtype (`torch.rand_like`). */
export function randLike(t: Tensor, options: RandomOptions = {}): Tensor {
  const o = likeOptions(t, options, 'randLike');
  return rand(t.shape, o);
}

/** Standard normal samples with another tensor's shape and dtype (`torch.randn_like`). */
export function randnLike(t: Tensor, options: RandomOptions = {}): Tensor {
  const o = likeOptions(t, options, 'randnLike');
  return randn(t.shape, o);
}

/**
 * Whole numbers uniform in [low, high) with another tensor's shape and dtype (`torch.randint_like`):
 * `randintLike(t, high)` or `randintLike(t, low, high)`.
 */
export function randintLike(t: Tensor, low: number, high?: number, options: RandomOptions = {}): Tensor {
  const o = likeOptions(t, options, 'randintLike');
  return high === undefined ? randint(0, low, t.shape, o) : randint(low, high, t.shape, o);
}

/** Options of `normal`, `bernoulli`, `multinomial` and `poisson`. */
export interface SampleOptions {
  generator?: Generator;
}

/** Options of `normal` with a size (two number arguments). */
export interface NormalOptions extends SampleOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

/**
 * Normal samples (`torch.normal`): `normal(mean, std)` with a tensor mean or std (or both, which
 * broadcast) gives one sample per element, mean + std * z; `normal(mean, std, size)` with two
 * numbers gives a tensor of `size`. std must be >= 0. The result does not require grad.
 */
export function normal(mean: Tensor | number, std: Tensor | number, size?: Shape | NormalOptions, options: NormalOptions = {}): Tensor {
  const where = 'normal';
  if (!(mean instanceof Tensor)) checkNumber(mean, where, 'mean');
  if (!(std instanceof Tensor)) checkNumber(std, where, 'std');
  if (typeof mean === 'number' && typeof std === 'number') {
    if (!Array.isArray(size)) throw new Error(`normal: with a number mean and std, give a size: normal(${mean}, ${std}, [2, 3]); got ${describe(size)}`);
    checkOptions(options, RANDOM_OPTIONS, where);
    if (std < 0) throw new Error(`normal: normal expects std >= 0.0, but found std ${std}`);
    const dtype = options.dtype ?? getDefaultDtype();
    if (!isFloatDtype(dtype)) throw new Error(`normal: dtype must be float32 or float64, got ${describe(dtype)}`);
    const s = checkShape(size, where);
    const out = new Tensor(allocate(dtype, numel(s)), s, dtype);
    checkGenerator(options.generator, where).fillNormal(out.data, mean, std);
    if (options.requiresGrad) out.requiresGrad_(true);
    return out;
  }
  const opts = (Array.isArray(size) ? options : (size ?? options)) as SampleOptions;
  if (Array.isArray(size)) throw new Error('normal: a size is only taken with a number mean and std; the tensor gives the shape');
  checkOptions(opts, ['generator'], where);
  for (const [name, t] of [
    ['mean', mean],
    ['std', std],
  ] as const) {
    if (t instanceof Tensor && !isFloatDtype(t.dtype)) throw new Error(`normal: ${name} must be a floating point tensor, got ${t.dtype}`);
  }
  if (std instanceof Tensor ? floatData(std).some((s) => s < 0) : std < 0) {
    throw new Error(`normal: normal expects all elements of std >= 0.0`);
  }
  const ref = (mean instanceof Tensor ? mean : std) as Tensor;
  const shape = mean instanceof Tensor && std instanceof Tensor ? broadcastShapes(mean.shape, std.shape, where) : ref.shape;
  const dtype = mean instanceof Tensor && std instanceof Tensor && mean.dtype !== std.dtype ? 'float64' : ref.dtype;
  return noGrad(() => {
    const z = new Tensor(allocate(dtype, numel(shape)), shape, dtype);
    checkGenerator(opts.generator, where).fillNormal(z.data);
    const m = mean instanceof Tensor ? cast(mean.detach(), dtype) : mean;
    const s = std instanceof Tensor ? cast(std.detach(), dtype) : std;
    return add(m, mul(s, z));
  });
}

/**
 * 1 with probability p, else 0, per element (`torch.bernoulli`): p is the input tensor's values
 * (each in [0, 1]), or the number `p` for every element of a result shaped like the input. The
 * result has the input's dtype.
 */
export function bernoulli(input: Tensor, p?: number | SampleOptions, options: SampleOptions = {}): Tensor {
  checkTensor(input, 'bernoulli');
  const opts = typeof p === 'object' && p !== null ? p : options;
  checkOptions(opts, ['generator'], 'bernoulli');
  const prob = typeof p === 'number' ? p : undefined;
  if (p !== undefined && typeof p !== 'number' && (typeof p !== 'object' || p === null)) {
    throw new Error(`bernoulli: p must be a number in [0, 1], got ${describe(p)}`);
  }
  if (prob !== undefined && !(prob >= 0 && prob <= 1)) throw new Error(`bernoulli: p must be in [0, 1], got ${prob}`);
  if (!isFloatDtype(input.dtype)) throw new Error(`bernoulli: input must be a floating point tensor of probabilities, got ${input.dtype}`);
  const probs = input.data;
  if (prob === undefined) {
    for (let i = 0; i < probs.length; i++) {
      if (!(probs[i] >= 0 && probs[i] <= 1))
        throw new Error(`bernoulli: Expected p_in >= 0 && p_in <= 1 to be true, but got false (element ${i} is ${probs[i]})`);
    }
  }
  const g = checkGenerator(opts.generator, 'bernoulli');
  const out = new Tensor(allocate(input.dtype, input.numel()), input.shape, input.dtype);
  for (let i = 0; i < out.data.length; i++) out.data[i] = g.uniform() < (prob ?? probs[i]) ? 1 : 0;
  return out;
}

/**
 * `numSamples` category indices per row of non-negative weights (`torch.multinomial`): a 1-D
 * input gives `[numSamples]`, a 2-D one `[rows, numSamples]` (int32). Without replacement each
 * category is drawn at most once, so numSamples can be at most the number of categories.
 */
export function multinomial(input: Tensor, numSamples: number, replacement = false, options: SampleOptions = {}): Tensor {
  const where = 'multinomial';
  checkTensor(input, where);
  checkOptions(options, ['generator'], where);
  if (typeof replacement !== 'boolean') throw new Error(`multinomial: replacement must be true or false, got ${describe(replacement)}`);
  if (input.ndim !== 1 && input.ndim !== 2) throw new Error(`multinomial: prob_dist must be 1 or 2 dim, got ${input.ndim}-D`);
  if (!isFloatDtype(input.dtype)) throw new Error(`multinomial: only supports floating-point dtypes for input, got: ${input.dtype}`);
  if (!Number.isInteger(numSamples) || numSamples <= 0) throw new Error(`multinomial: cannot sample n_sample <= 0 samples, got ${describe(numSamples)}`);
  const categories = input.shape[input.ndim - 1];
  const rows = input.ndim === 1 ? 1 : input.shape[0];
  if (!replacement && numSamples > categories) throw new Error(`multinomial: cannot sample n_sample > prob_dist.size(-1) samples without replacement`);
  const w = input.data;
  for (let r = 0; r < rows; r++) {
    let total = 0;
    for (let c = 0; c < categories; c++) {
      const v = w[r * categories + c];
      if (!(v >= 0) || v === Infinity) throw new Error('multinomial: probability tensor contains either `inf`, `nan` or element < 0');
      total += v;
    }
    if (total <= 0) throw new Error('multinomial: invalid multinomial distribution (sum of probabilities <= 0)');
  }
  const g = checkGenerator(options.generator, where);
  const out = new Int32Array(rows * numSamples);
  const weights = new Float64Array(categories);
  const taken = new Uint8Array(rows * categories);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < categories; c++) weights[c] = w[r * categories + c];
    for (let k = 0; k < numSamples; k++) {
      let total = 0;
      for (let c = 0; c < categories; c++) total += weights[c];
      if (total <= 0) {
        // every category with weight is drawn: PyTorch then takes the zero-weight ones, first come first
        const rest = taken.indexOf(0, r * categories) - r * categories;
        out[r * numSamples + k] = rest;
        taken[r * categories + rest] = 1;
        continue;
      }
      let u = g.uniform() * total;
      let pick = categories - 1;
      for (let c = 0; c < categories; c++) {
        if (weights[c] > 0 && u < weights[c]) {
          pick = c;
          break;
        }
        u -= weights[c];
      }
      while (weights[pick] === 0) pick--; // rounding at the end of the scan: the last category with weight
      out[r * numSamples + k] = pick;
      if (!replacement) {
        weights[pick] = 0;
        taken[r * categories + pick] = 1;
      }
    }
  }
  return new Tensor(out, input.ndim === 1 ? [numSamples] : [rows, numSamples], 'int32');
}

/** Poisson samples with the input's rates, one per element, in the input's dtype (`torch.poisson`). */
export function poisson(rates: Tensor, options: SampleOptions = {}): Tensor {
  checkTensor(rates, 'poisson');
  checkOptions(options, ['generator'], 'poisson');
  if (!isFloatDtype(rates.dtype)) throw new Error(`poisson: rates must be a floating point tensor, got ${rates.dtype}`);
  const lam = rates.data;
  for (let i = 0; i < lam.length; i++) {
    if (!(lam[i] >= 0) || lam[i] === Infinity) throw new Error(`poisson: invalid Poisson rate, expected rate to be non-negative, got ${lam[i]}`);
  }
  const g = checkGenerator(options.generator, 'poisson');
  const out = new Tensor(allocate(rates.dtype, rates.numel()), rates.shape, rates.dtype);
  for (let i = 0; i < lam.length; i++) out.data[i] = samplePoisson(g, lam[i]);
  return out;
}

/**
 * One Poisson(lam) draw: by multiplying uniforms below lam = 10 (Knuth), above it by Hormann's
 * transformed rejection with squeeze (PTRS, 1993), which needs about 1.1 uniform pairs per draw.
 */
function samplePoisson(g: Generator, lam: number): number {
  if (lam === 0) return 0;
  if (lam < 10) {
    const limit = Math.exp(-lam);
    let k = 0;
    let p = g.uniform();
    while (p > limit) {
      k++;
      p *= g.uniform();
    }
    return k;
  }
  const slam = Math.sqrt(lam);
  const loglam = Math.log(lam);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = g.uniform() - 0.5;
    const v = g.uniform();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + lam + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lam + k * loglam - logFactorial(k)) return k;
  }
}

function logFactorial(k: number): number {
  if (k < 20) {
    let f = 1;
    for (let i = 2; i <= k; i++) f *= i;
    return Math.log(f);
  }
  // Stirling's series, accurate to double precision for k >= 20
  const x = k + 1;
  return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x ** 3) + 1 / (1260 * x ** 5);
}

/** `steps` points from base^start to base^end, evenly spaced in the exponent (`torch.logspace`). */
export function logspace(start: number, end: number, steps: number, base = 10, options: TensorOptions = {}): Tensor {
  checkNumber(base, 'logspace', 'base');
  checkOptions(options, ['dtype', 'requiresGrad'], 'logspace');
  const exponents = linspace(start, end, steps, { dtype: 'float64' }).data;
  const dtype = options.dtype ?? getDefaultDtype();
  const out = allocate(dtype, steps);
  for (let i = 0; i < steps; i++) out[i] = Math.pow(base, exponents[i]);
  const t = new Tensor(out, [steps], dtype);
  if (options.requiresGrad) t.requiresGrad_(true);
  return t;
}
