import seedrandom from 'seedrandom';
import type { TypedArray } from './dtype';
import { describe } from './options';

/**
 * The state of seedrandom's Alea (its `State.Alea`), spelled out so that the published
 * declarations don't need `@types/seedrandom`: `c` is a whole number in [0, 2091639], and `s0`,
 * `s1`, `s2` are multiples of 2^-32 in [0, 1).
 */
export interface AleaState {
  c: number;
  s0: number;
  s1: number;
  s2: number;
}

/**
 * A generator's state, as `getState` returns it and `setState` takes it: plain numbers and null,
 * so `JSON.stringify` / `JSON.parse` (or a checkpoint) keep it exactly.
 */
export interface GeneratorState {
  /** The state of the Alea generator behind `uniform()`. */
  alea: AleaState;
  /** The second value of the last Box-Muller pair, which the next `normal()` returns; null if none is waiting. */
  spareNormal: number | null;
}

/** Alea's multiplier: its carry `c` is the whole part of at most 2091639 * s0 + c * 2^-32 < 2091640. */
const ALEA_MAX_CARRY = 2091639;
const TWO_POW_32 = 4294967296;

/**
 * @internal Throws unless `state` is a generator state as `getState` returns it: exactly the keys
 * `alea` ({ c, s0, s1, s2 }) and `spareNormal`, with values Alea can hold. `where` starts the
 * message, e.g. `Generator.setState: state`.
 */
export function checkGeneratorState(state: unknown, where: string): asserts state is GeneratorState {
  const expected = '{ alea: { c, s0, s1, s2 }, spareNormal } as getState() returns';
  if (!isPlainRecord(state)) throw new Error(`${where} must be an object ${expected}, got ${describe(state)}`);
  checkKeys(state, ['alea', 'spareNormal'], where, expected);
  const { alea, spareNormal } = state;
  if (!isPlainRecord(alea)) throw new Error(`${where}.alea must be an object { c, s0, s1, s2 }, got ${describe(alea)}`);
  checkKeys(alea, ['c', 's0', 's1', 's2'], `${where}.alea`, '{ c, s0, s1, s2 }');
  if (!Number.isInteger(alea.c) || (alea.c as number) < 0 || (alea.c as number) > ALEA_MAX_CARRY) {
    throw new Error(`${where}.alea.c must be a whole number in [0, ${ALEA_MAX_CARRY}], got ${describe(alea.c)}`);
  }
  for (const key of ['s0', 's1', 's2']) {
    const s = alea[key];
    if (typeof s !== 'number' || !(s >= 0 && s < 1) || !Number.isInteger(s * TWO_POW_32)) {
      throw new Error(`${where}.alea.${key} must be a multiple of 2^-32 in [0, 1), got ${describe(s)}`);
    }
  }
  if (spareNormal !== null && (typeof spareNormal !== 'number' || !Number.isFinite(spareNormal))) {
    throw new Error(`${where}.spareNormal must be a finite number or null, got ${describe(spareNormal)}`);
  }
}

function isPlainRecord(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** Throws unless `obj` has exactly the keys `keys`. */
function checkKeys(obj: Record<string, unknown>, keys: readonly string[], where: string, expected: string): void {
  const missing = keys.filter((k) => !Object.hasOwn(obj, k));
  const extra = Object.keys(obj).filter((k) => !keys.includes(k));
  if (missing.length || extra.length) {
    const parts = [missing.length ? `no ${missing.join(', ')}` : '', extra.length ? `unexpected ${extra.map((k) => JSON.stringify(k)).join(', ')}` : ''];
    throw new Error(`${where} must be ${expected}; it has ${parts.filter(Boolean).join(' and ')}`);
  }
}

/** PyTorch's default CPU seed, so an unseeded run is repeatable too. */
const DEFAULT_SEED = 67280421310721;

/** 2^-32 and 2^-53: Alea's state is in multiples of the first, `uniform()`'s doubles of the second. */
const TWO_POW_MINUS_32 = 2.3283064365386963e-10;
const TWO_POW_MINUS_53 = 1.1102230246251565e-16;

/**
 * A Bernoulli mask from a Generator's Alea state [c, s0, s1, s2] (`aleaState()`, advanced in place):
 * out[i] = value for each i in order whose `uniform()` draw is below p, the others left as they are.
 * The loop of `uniform()` with the state in locals; the js kernel backend's `bernoulliFill`, the
 * reference for the wasm one (assembly/random.ts).
 */
export function aleaBernoulliFill(state: Float64Array, out: TypedArray, p: number, value: number): void {
  let c = state[0];
  let s0 = state[1];
  let s1 = state[2];
  let s2 = state[3];
  for (let i = 0; i < out.length; i++) {
    let t = 2091639 * s0 + c * TWO_POW_MINUS_32;
    c = t | 0;
    const high = t - c;
    t = 2091639 * s1 + c * TWO_POW_MINUS_32;
    c = t | 0;
    const low = t - c;
    s0 = s2;
    s1 = high;
    s2 = low;
    if (high + ((low * 0x200000) | 0) * TWO_POW_MINUS_53 < p) out[i] = value;
  }
  state[0] = c;
  state[1] = s0;
  state[2] = s1;
  state[3] = s2;
}

/**
 * A seeded pseudo-random source (PyTorch's `torch.Generator`): seedrandom's Alea. The same seed
 * gives the same numbers on every run and platform.
 *
 * NOTE: seedrandom seeds the state (its Mash hash of the seed); the steps are taken here, the same
 * arithmetic as seedrandom's `alea().double()` (two steps, 53 bits) and so the same bits, on a
 * Float64Array [c, s0, s1, s2]: dropout's masks draw one double per element, and through
 * seedrandom's closures a [32, 9216] mask took 9.8-12.3 ms against 7.2-8.0 with the steps here.
 */
export class Generator {
  private readonly alea = new Float64Array(4);
  private seed = DEFAULT_SEED;
  private spareNormal: number | null = null;

  constructor(seed: number = DEFAULT_SEED) {
    this.manualSeed(seed);
  }

  /** Re-seeds the generator; returns it, as `torch.Generator.manual_seed` does. */
  manualSeed(seed: number): this {
    if (!Number.isFinite(seed)) throw new Error(`manualSeed: the seed must be a finite number, got ${describe(seed)}`);
    this.seed = seed;
    this.setAlea(seedrandom.alea(String(seed), { state: true }).state());
    this.spareNormal = null;
    return this;
  }

  initialSeed(): number {
    return this.seed;
  }

  /**
   * A snapshot that `setState` restores, for repeating a stretch of random draws or resuming them
   * from a checkpoint: a fresh object of plain numbers (JSON keeps it exactly). It does not include
   * the seed: `initialSeed()` stays what it was.
   */
  getState(): GeneratorState {
    const [c, s0, s1, s2] = this.alea;
    return { alea: { c, s0, s1, s2 }, spareNormal: this.spareNormal };
  }

  /**
   * Restores a state from `getState` (of this generator or another), after which the draws repeat
   * those that followed it. The state is checked first (an Error names what is wrong, and nothing
   * changes) and copied, so changing it later does not affect the generator.
   */
  setState(state: GeneratorState): void {
    checkGeneratorState(state, 'Generator.setState: state');
    this.setAlea(state.alea);
    this.spareNormal = state.spareNormal;
  }

  private setAlea({ c, s0, s1, s2 }: AleaState): void {
    this.alea[0] = c;
    this.alea[1] = s0;
    this.alea[2] = s1;
    this.alea[3] = s2;
  }

  /** Uniform in [0, 1) with 53 random bits: two Alea steps, the second giving the low 21 bits. */
  uniform(): number {
    const st = this.alea;
    let t = 2091639 * st[1] + st[0] * TWO_POW_MINUS_32;
    let c = t | 0;
    const high = t - c;
    t = 2091639 * st[2] + c * TWO_POW_MINUS_32;
    c = t | 0;
    const low = t - c;
    st[0] = c;
    st[1] = st[3];
    st[2] = high;
    st[3] = low;
    return high + ((low * 0x200000) | 0) * TWO_POW_MINUS_53;
  }

  /**
   * @internal Alea's state [c, s0, s1, s2], live: a kernel backend's `bernoulliFill` draws from it
   * and advances it (dropout's masks).
   */
  aleaState(): Float64Array {
    return this.alea;
  }

  /** Standard normal by the Box-Muller transform (pairs, the second kept for the next call). */
  normal(): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return z;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** A whole number in [low, high). */
  integer(low: number, high: number): number {
    return low + Math.floor(this.uniform() * (high - low));
  }

  fillUniform(out: TypedArray, low = 0, high = 1): void {
    const span = high - low;
    if (out instanceof Float32Array) {
      // NOTE: 24 random bits, so that rounding to float32 can never produce 1.0.
      for (let i = 0; i < out.length; i++) out[i] = low + span * (Math.floor(this.uniform() * 16777216) / 16777216);
    } else {
      for (let i = 0; i < out.length; i++) out[i] = low + span * this.uniform();
    }
  }

  fillNormal(out: TypedArray, mean = 0, std = 1): void {
    for (let i = 0; i < out.length; i++) out[i] = mean + std * this.normal();
  }

  fillInteger(out: TypedArray, low: number, high: number): void {
    for (let i = 0; i < out.length; i++) out[i] = this.integer(low, high);
  }

  /** A random permutation of 0..n-1 (Fisher-Yates), as `torch.randperm`. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.uniform() * (i + 1));
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}

/** `generator`, or the default generator when it is undefined; anything else is an Error naming `where`. */
export function checkGenerator(generator: unknown, where: string): Generator {
  if (generator === undefined) return defaultGenerator;
  if (!(generator instanceof Generator)) {
    throw new Error(`${where}: generator must be a Generator (new Generator(seed)), got ${describe(generator)}`);
  }
  return generator;
}

/** The generator that `rand`, `randn`, `randint`, layer initialisation and shuffling use by default. */
export const defaultGenerator = new Generator();

/** Seeds the default generator so that every run repeats bit for bit (`torch.manual_seed`). */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}

export function initialSeed(): number {
  return defaultGenerator.initialSeed();
}
