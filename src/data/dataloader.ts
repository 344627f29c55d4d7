/** Batches over a dataset, optionally shuffled by a seeded generator (`torch.utils.data.DataLoader`). */
import { tensor } from '../creation';
import { stack } from '../ops/layout';
import { checkBoolean, checkOptions, describe, type Unsupported } from '../options';
import { checkGenerator, checkGeneratorState, Generator, type GeneratorState } from '../random';
import { Tensor } from '../tensor';
import type { Collated, Dataset } from './dataset';

/** How a DataLoader batches and orders its dataset. */
export interface DataLoaderOptions<T, B> {
  /** Items per batch; 1 unless given, as in PyTorch. */
  batchSize?: number;
  /** Draw a new random order at the start of every pass (epoch). */
  shuffle?: boolean;
  /** Leave out the last batch when it would be smaller than `batchSize`. */
  dropLast?: boolean;
  /** Where the shuffling order comes from; the default generator unless given. */
  generator?: Generator;
  /** Shorthand for `generator: new Generator(seed)`, a generator owned by this loader. */
  seed?: number;
  /** Turns a list of items into a batch; `defaultCollate` unless given. */
  collateFn?: (items: T[]) => B;
}

const OPTIONS = ['batchSize', 'shuffle', 'dropLast', 'generator', 'seed', 'collateFn'];

/**
 * A DataLoader's place, as `stateDict()` returns it and `loadStateDict()` takes it: plain numbers,
 * booleans and null (JSON and checkpoints keep it exactly).
 */
export interface DataLoaderState {
  /** The loader it was taken from: `loadStateDict` requires a loader with the same dataset length and options. */
  datasetLength: number;
  batchSize: number;
  shuffle: boolean;
  dropLast: boolean;
  /** The generator's state when the state was taken; null for a loader that does not shuffle. */
  generator: GeneratorState | null;
  /**
   * The pass in progress: the generator's state right before it drew the pass's order (null for a
   * loader that does not shuffle) and the batches it has handed out. Null between passes.
   */
  pass: { generator: GeneratorState | null; batchesYielded: number } | null;
}

const STATE_KEYS = ['datasetLength', 'batchSize', 'shuffle', 'dropLast', 'generator', 'pass'];

function copyState(state: GeneratorState): GeneratorState {
  return { alea: { ...state.alea }, spareNormal: state.spareNormal };
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x) && !ArrayBuffer.isView(x);
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

/** PyTorch's DataLoader options that tsgrad leaves out, with the values that ask for what tsgrad does anyway. */
const UNSUPPORTED: Unsupported = {
  numWorkers: { why: 'tsgrad loads batches on the calling thread', accepts: [0] },
  workerInitFn: { why: 'tsgrad loads batches on the calling thread (no workers)', accepts: [null] },
  multiprocessingContext: { why: 'tsgrad loads batches on the calling thread (no worker processes)', accepts: [null] },
  prefetchFactor: { why: 'tsgrad loads batches on the calling thread, one when asked', accepts: [null] },
  persistentWorkers: { why: 'tsgrad loads batches on the calling thread (no workers)', accepts: [false] },
  timeout: { why: 'tsgrad loads batches on the calling thread (no workers to wait for)', accepts: [0] },
  pinMemory: { why: 'tsgrad runs on the CPU (no GPU memory to pin for)', accepts: [false] },
  pinMemoryDevice: { why: 'tsgrad runs on the CPU', accepts: [''] },
  inOrder: { why: 'tsgrad loads batches in order on the calling thread', accepts: [true] },
  sampler: 'tsgrad has no samplers; order the items yourself with a Subset, or use shuffle',
  batchSampler: 'tsgrad has no samplers; use batchSize and dropLast, or a collateFn',
};

/**
 * Iterates over `dataset` in batches (`torch.utils.data.DataLoader`):
 *
 * ```ts
 * const loader = new data.DataLoader(new data.TensorDataset(images, labels), { batchSize: 32, shuffle: true, seed: 0 });
 * for (const [x, y] of loader) { ... }   // loader.length batches per pass
 * ```
 *
 * A dataset with `getBatch` (such as TensorDataset and its Subsets) is read one batch at a time;
 * other datasets are read item by item and collated. With a seed or generator the order of every
 * pass repeats from run to run.
 *
 * A pass starts at its first `next()` (the first turn of a `for...of`), when a shuffling loader
 * draws the pass's order from its generator, and ends when it has yielded its last batch and is
 * asked for the next, or when the loop is left early (`break`, `return`, an exception).
 *
 * Resuming (as torchdata's `StatefulDataLoader`): `stateDict()` captures where the loader is and
 * `loadStateDict(state)` makes a fresh loader over the same dataset continue from there, batch for
 * batch; see `stateDict`. Between passes, the generator's state alone is enough as well: a
 * loader whose generator was given `generator.getState()` from the end of a pass yields the
 * same following passes.
 *
 * Iterating one loader twice at once (two open loops, or an iterator kept after a `next()`) works
 * as before: each pass draws its own order when it starts. `stateDict()` then describes the pass
 * that started last, as torchdata's `StatefulDataLoader` follows its latest iterator; an earlier
 * pass that is still open goes on unaffected but cannot be resumed.
 */
export class DataLoader<T, B = Collated<T>> implements Iterable<B> {
  readonly dataset: Dataset<T>;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly generator: Generator;
  private readonly collateFn: ((items: T[]) => B) | null;
  /** The pass that started last, while it is open: the generator's state at its start and the batches it yielded. */
  private pass: { readonly start: GeneratorState | null; yielded: number } | null = null;
  /** From `loadStateDict`: the pass the next pass resumes, until one starts. */
  private pending: { readonly start: GeneratorState | null; readonly yielded: number } | null = null;

  constructor(dataset: Dataset<T>, options: DataLoaderOptions<T, B> = {}) {
    if (!dataset || typeof dataset.get !== 'function' || !Number.isInteger(dataset.length) || dataset.length < 0) {
      throw new Error(`DataLoader: expected a Dataset (an object with a whole-number length and get(index)), got ${describe(dataset)}`);
    }
    checkOptions(options, OPTIONS, 'DataLoader', UNSUPPORTED);
    if (options.batchSize === null)
      throw new Error('DataLoader: batchSize null (items one by one, unbatched) is not supported: tsgrad always batches; use batchSize: 1');
    const batchSize = options.batchSize ?? 1;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new Error(`DataLoader: batchSize should be a positive integer value, but got batchSize=${describe(batchSize)}`);
    }
    if (options.generator && options.seed !== undefined) {
      throw new Error('DataLoader: give either a generator or a seed, not both');
    }
    if (options.seed !== undefined && !Number.isFinite(options.seed))
      throw new Error(`DataLoader: seed must be a finite number, got ${describe(options.seed)}`);
    if (options.shuffle !== undefined) checkBoolean(options.shuffle, 'DataLoader', 'shuffle');
    if (options.dropLast !== undefined) checkBoolean(options.dropLast, 'DataLoader', 'dropLast');
    if (options.collateFn !== undefined && typeof options.collateFn !== 'function') {
      throw new Error(`DataLoader: collateFn must be a function, got ${describe(options.collateFn)}`);
    }
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = options.shuffle ?? false;
    this.dropLast = options.dropLast ?? false;
    this.generator = options.seed !== undefined ? new Generator(options.seed) : checkGenerator(options.generator, 'DataLoader');
    this.collateFn = options.collateFn ?? null;
  }

  /** The number of batches in one pass (`len(loader)`). */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  *[Symbol.iterator](): Iterator<B> {
    // The body runs at the first next(): that is when a pass starts and draws its order.
    const n = this.dataset.length;
    const resume = this.pending;
    this.pending = null;
    let order: Int32Array;
    let start: GeneratorState | null = null;
    if (!this.shuffle) {
      order = Int32Array.from({ length: n }, (_, i) => i);
    } else if (resume) {
      // The interrupted pass's order, drawn again from its starting state on a generator of its
      // own: the loader's generator is already where loadStateDict put it.
      start = resume.start as GeneratorState;
      const replay = new Generator();
      replay.setState(start);
      order = replay.permutation(n);
    } else {
      start = this.generator.getState();
      order = this.generator.permutation(n);
    }
    const pass = { start, yielded: resume ? resume.yielded : 0 };
    this.pass = pass;
    try {
      const batches = this.length;
      for (let b = pass.yielded; b < batches; b++) {
        const batch = this.fetch(order.slice(b * this.batchSize, Math.min(n, (b + 1) * this.batchSize)));
        pass.yielded = b + 1; // counted before it is handed out: a stateDict() taken while using it skips it
        yield batch;
      }
    } finally {
      if (this.pass === pass) this.pass = null;
    }
  }

  /**
   * Where the loader is, as plain JSON-able data (`StatefulDataLoader.state_dict()`), for a
   * checkpoint: `save({ model: ..., loader: loader.stateDict(), ... }, file)`.
   *
   * - Inside a pass (taken in the loop's body, say): the generator's state at the start of the
   *   pass and how many batches the pass has handed out, the one being used included. A fresh
   *   loader given the state yields the rest of that pass (nothing, if the state was taken after
   *   its last batch: that pass is then done), then the same passes as this loader.
   * - Between passes (before the first, after a loop ended or was left early): the next pass
   *   starts anew from the generator's current state.
   *
   * Either way it also holds the generator's current state, which `loadStateDict` restores, so
   * that draws from a generator this loader shares with other code (the default generator, say)
   * repeat too. A loader that does not shuffle uses no generator; its state holds none.
   */
  stateDict(): DataLoaderState {
    const current = this.pass ?? this.pending;
    return {
      datasetLength: this.dataset.length,
      batchSize: this.batchSize,
      shuffle: this.shuffle,
      dropLast: this.dropLast,
      generator: this.shuffle ? this.generator.getState() : null,
      pass: current ? { generator: current.start && copyState(current.start), batchesYielded: current.yielded } : null,
    };
  }

  /**
   * Continues from `stateDict()`'s state, taken from a loader over the same dataset with the same
   * batchSize, shuffle and dropLast (`StatefulDataLoader.load_state_dict()`): it sets the
   * generator to the state's (when shuffling), and the next pass yields what remained of the
   * pass in progress then, if any. The state is checked first: a state of another loader, or one
   * that is malformed, is an Error and changes nothing. A pass already open when it is called
   * goes on as it was but is no longer what `stateDict()` describes.
   */
  loadStateDict(state: DataLoaderState): void {
    const where = 'DataLoader.loadStateDict';
    const expected = '{ datasetLength, batchSize, shuffle, dropLast, generator, pass } as stateDict() returns';
    if (!isRecord(state)) throw new Error(`${where}: expected a state ${expected}, got ${describe(state)}`);
    checkKeys(state, STATE_KEYS, `${where}: state`, expected);
    const mismatch = (what: string, saved: unknown, own: unknown): Error =>
      new Error(`${where}: the state is of a loader with ${what} ${describe(saved)}, this one has ${describe(own)}; resuming would not give the same batches`);
    if (state.datasetLength !== this.dataset.length) {
      if (!Number.isInteger(state.datasetLength)) throw new Error(`${where}: state.datasetLength must be a whole number, got ${describe(state.datasetLength)}`);
      throw new Error(
        `${where}: the state is of a loader over ${state.datasetLength} items, this one has ${this.dataset.length}; resuming would not give the same batches`,
      );
    }
    if (state.batchSize !== this.batchSize) throw mismatch('batchSize', state.batchSize, this.batchSize);
    if (state.shuffle !== this.shuffle) throw mismatch('shuffle', state.shuffle, this.shuffle);
    if (state.dropLast !== this.dropLast) throw mismatch('dropLast', state.dropLast, this.dropLast);
    const checkGenerator = (value: unknown, name: string): void => {
      if (this.shuffle) checkGeneratorState(value, `${where}: ${name}`);
      else if (value !== null) throw new Error(`${where}: ${name} must be null for a loader that does not shuffle, got ${describe(value)}`);
    };
    checkGenerator(state.generator, 'state.generator');
    const { pass } = state;
    if (pass !== null) {
      if (!isRecord(pass)) throw new Error(`${where}: state.pass must be null or { generator, batchesYielded }, got ${describe(pass)}`);
      checkKeys(pass, ['generator', 'batchesYielded'], `${where}: state.pass`, '{ generator, batchesYielded }');
      checkGenerator(pass.generator, 'state.pass.generator');
      const k = pass.batchesYielded;
      if (!Number.isInteger(k) || k < 0 || k > this.length) {
        throw new Error(`${where}: state.pass.batchesYielded must be a whole number from 0 to ${this.length} (the batches in a pass), got ${describe(k)}`);
      }
    }
    if (this.shuffle) this.generator.setState(state.generator as GeneratorState);
    this.pass = null;
    this.pending = pass === null ? null : { start: pass.generator && copyState(pass.generator), yielded: pass.batchesYielded };
  }

  private fetch(indices: Int32Array): B {
    const { dataset } = this;
    if (!this.collateFn && dataset.getBatch) return dataset.getBatch(indices) as B;
    const items = Array.from(indices, (i) => dataset.get(i));
    return this.collateFn ? this.collateFn(items) : (defaultCollate(items) as B);
  }
}

/**
 * Stacks a list of items into a batch (`default_collate`): tensors are stacked along a new first
 * dim, numbers become a 1-D tensor (whole numbers int32, others the default float, booleans bool),
 * and tuples/arrays and plain objects are collated position by position or key by key.
 */
export function defaultCollate<T>(items: readonly T[]): Collated<T> {
  if (!Array.isArray(items)) throw new Error(`defaultCollate: expected an array of items, got ${describe(items)}`);
  if (items.length === 0) throw new Error('defaultCollate: cannot collate an empty list of items');
  const first: unknown = items[0];
  if (first instanceof Tensor) return stack(items as unknown as Tensor[]) as Collated<T>;
  if (typeof first === 'number' || typeof first === 'boolean') {
    if (!items.every((v) => typeof v === typeof first)) throw new Error('defaultCollate: items mix numbers with other kinds of values');
    return tensor(items as unknown as number[]) as Collated<T>;
  }
  if (Array.isArray(first)) {
    const size = first.length;
    if (!items.every((v) => Array.isArray(v) && v.length === size)) {
      throw new Error(`defaultCollate: each item in the batch should be a list of equal size (the first has ${size} elements)`);
    }
    return first.map((_, j) => defaultCollate(items.map((v) => (v as unknown[])[j]))) as Collated<T>;
  }
  if (first !== null && typeof first === 'object' && Object.getPrototypeOf(first) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(first)) out[key] = defaultCollate(items.map((v) => (v as Record<string, unknown>)[key]));
    return out as Collated<T>;
  }
  throw new Error(`defaultCollate: don't know how to batch items of type ${first === null ? 'null' : typeof first}; pass a collateFn`);
}
