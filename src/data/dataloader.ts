/** Batches over a dataset, optionally shuffled by a seeded generator (`torch.utils.data.DataLoader`). */
import { tensor } from '../creation';
import { stack } from '../ops/layout';
import { checkBoolean, checkOptions, describe, type Unsupported } from '../options';
import { checkGenerator, Generator } from '../random';
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
 */
export class DataLoader<T, B = Collated<T>> implements Iterable<B> {
  readonly dataset: Dataset<T>;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly generator: Generator;
  private readonly collateFn: ((items: T[]) => B) | null;

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
    const n = this.dataset.length;
    const order = this.shuffle ? this.generator.permutation(n) : Int32Array.from({ length: n }, (_, i) => i);
    const batches = this.length;
    for (let b = 0; b < batches; b++) {
      yield this.fetch(order.slice(b * this.batchSize, Math.min(n, (b + 1) * this.batchSize)));
    }
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
