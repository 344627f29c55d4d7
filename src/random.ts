import seedrandom from 'seedrandom';
import type { TypedArray } from './dtype';
import { describe } from './options';

/**
 * The state of seedrandom's Alea (its `State.Alea`), spelled out so that the published
 * declarations don't need `@types/seedrandom`.
 */
interface AleaState {
  c: number;
  s0: number;
  s1: number;
  s2: number;
}

/** PyTorch's default CPU seed, so an unseeded run is repeatable too. */
const DEFAULT_SEED = 67280421310721;

/**
 * A seeded pseudo-random source (PyTorch's `torch.Generator`), backed by seedrandom's Alea.
 * The same seed gives the same numbers on every run and platform.
 */
export class Generator {
  private prng!: seedrandom.StatefulPRNG<AleaState>;
  private seed = DEFAULT_SEED;
  private spareNormal: number | null = null;

  constructor(seed: number = DEFAULT_SEED) {
    this.manualSeed(seed);
  }

  /** Re-seeds the generator; returns it, as `torch.Generator.manual_seed` does. */
  manualSeed(seed: number): this {
    if (!Number.isFinite(seed)) throw new Error(`manualSeed: the seed must be a finite number, got ${describe(seed)}`);
    this.seed = seed;
    this.prng = seedrandom.alea(String(seed), { state: true });
    this.spareNormal = null;
    return this;
  }

  initialSeed(): number {
    return this.seed;
  }

  /** A snapshot that `setState` restores, for repeating a stretch of random draws. */
  getState(): { alea: AleaState; spareNormal: number | null } {
    return { alea: this.prng.state(), spareNormal: this.spareNormal };
  }

  setState(state: { alea: AleaState; spareNormal: number | null }): void {
    this.prng = seedrandom.alea('', { state: state.alea });
    this.spareNormal = state.spareNormal;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    return this.prng.double();
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
