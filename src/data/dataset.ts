/** Datasets (`torch.utils.data`): items by index, tensors sliced by row, subsets and a seeded random split. */
import { indexSelect } from '../ops/layout';
import { checkOptions, describe } from '../options';
import { checkGenerator, type Generator } from '../random';
import { fmt } from '../shape';
import { Tensor } from '../tensor';

/** What a batch of items looks like after collation: tensors and numbers stack into one tensor, tuples and records keep their form. */
export type Collated<T> = T extends Tensor | number | boolean
  ? Tensor
  : T extends readonly unknown[]
    ? { -readonly [K in keyof T]: Collated<T[K]> }
    : T extends object
      ? { [K in keyof T]: Collated<T[K]> }
      : never;

/**
 * A map-style dataset (`torch.utils.data.Dataset`): `length` items, read one at a time with `get(i)`.
 * A dataset that can gather a whole batch in one step also implements `getBatch` (PyTorch's
 * `__getitems__`), which `DataLoader` then uses instead of collating items one by one.
 */
export abstract class Dataset<T> {
  /** The number of items (`len(dataset)`). */
  abstract readonly length: number;

  /** The item at `index`, 0 <= index < length (`dataset[index]`). */
  abstract get(index: number): T;

  /** Optional fast path: the already-collated batch of the items at `indices`. */
  getBatch?(indices: Int32Array): Collated<T>;
}

/** Throws unless `index` is a whole number in [0, length). */
function checkItemIndex(index: number, length: number, where: string): void {
  if (!Number.isInteger(index)) throw new Error(`${where}: index must be a whole number, got ${describe(index)}`);
  if (!Number.isInteger(index) || index < 0 || index >= length) {
    throw new Error(`${where}: index ${index} is out of range for a dataset of ${length} items`);
  }
}

/**
 * Rows of tensors that share their first dimension (`torch.utils.data.TensorDataset`): item i is
 * `[t0[i], t1[i], ...]`, typically `[image, label]`. Batches are gathered with one row copy per
 * tensor and sample, never by stacking per-sample tensors.
 */
export class TensorDataset<T extends Tensor[]> extends Dataset<T> {
  readonly tensors: T;
  readonly length: number;

  constructor(...tensors: T) {
    super();
    if (tensors.length === 0) throw new Error('TensorDataset: needs at least one tensor');
    tensors.forEach((t, i) => {
      if (!(t instanceof Tensor)) throw new Error(`TensorDataset: argument ${i} is not a Tensor, got ${describe(t)}`);
      if (t.ndim === 0) throw new Error(`TensorDataset: tensors[${i}] is 0-d; every tensor needs a first dimension to index`);
    });
    const n = tensors[0].shape[0];
    const bad = tensors.findIndex((t) => t.shape[0] !== n);
    if (bad >= 0) {
      throw new Error(
        `TensorDataset: size mismatch between tensors: tensors[0] has shape ${fmt(tensors[0].shape)} (${n} rows) ` +
          `but tensors[${bad}] has shape ${fmt(tensors[bad].shape)} (${tensors[bad].shape[0]} rows)`,
      );
    }
    this.tensors = tensors;
    this.length = n;
  }

  get(index: number): T {
    checkItemIndex(index, this.length, 'TensorDataset');
    const row = new Tensor(Int32Array.of(index), [1], 'int32');
    return this.tensors.map((t) => indexSelect(t, 0, row).reshape(t.shape.slice(1))) as T;
  }

  /** The rows at `indices` of every tensor, each as one tensor with `indices.length` rows. */
  override getBatch(indices: Int32Array): Collated<T> {
    const index = new Tensor(indices, [indices.length], 'int32');
    return this.tensors.map((t) => indexSelect(t, 0, index)) as Collated<T>;
  }
}

/** The items of `dataset` at `indices`, in that order (`torch.utils.data.Subset`). */
export class Subset<T> extends Dataset<T> {
  readonly dataset: Dataset<T>;
  readonly indices: Int32Array;
  readonly length: number;

  constructor(dataset: Dataset<T>, indices: ArrayLike<number>) {
    super();
    if (!dataset || typeof dataset.get !== 'function' || !Number.isInteger(dataset.length)) {
      throw new Error(`Subset: expected a Dataset (an object with a whole-number length and get(index)), got ${describe(dataset)}`);
    }
    if (!Array.isArray(indices) && !ArrayBuffer.isView(indices)) throw new Error(`Subset: indices must be an array of whole numbers, got ${describe(indices)}`);
    this.dataset = dataset;
    this.indices = Int32Array.from(indices);
    this.length = this.indices.length;
    for (const i of this.indices) checkItemIndex(i, dataset.length, 'Subset');
    if (dataset.getBatch) {
      this.getBatch = (indices: Int32Array): Collated<T> => {
        const mapped = new Int32Array(indices.length);
        for (let j = 0; j < indices.length; j++) {
          checkItemIndex(indices[j], this.length, 'Subset');
          mapped[j] = this.indices[indices[j]];
        }
        return dataset.getBatch!(mapped);
      };
    }
  }

  get(index: number): T {
    checkItemIndex(index, this.length, 'Subset');
    return this.dataset.get(this.indices[index]);
  }
}

/**
 * Splits `dataset` into non-overlapping random subsets (`torch.utils.data.random_split`). `lengths`
 * are item counts that add up to the dataset's length, or fractions that add up to 1 (each gets
 * floor(fraction * length); the remainder goes one by one to the first subsets, as in PyTorch).
 */
export function randomSplit<T>(dataset: Dataset<T>, lengths: readonly number[], options: { generator?: Generator } = {}): Subset<T>[] {
  if (!dataset || typeof dataset.get !== 'function' || !Number.isInteger(dataset.length)) {
    throw new Error(`randomSplit: expected a Dataset (an object with a whole-number length and get(index)), got ${describe(dataset)}`);
  }
  if (!Array.isArray(lengths)) throw new Error(`randomSplit: lengths must be an array of counts or fractions, such as [0.8, 0.2], got ${describe(lengths)}`);
  checkOptions(options, ['generator'], 'randomSplit');
  const generator = checkGenerator(options.generator, 'randomSplit');
  const n = dataset.length;
  let counts = [...lengths];
  if (counts.length === 0 || counts.some((l) => typeof l !== 'number' || !(l >= 0))) {
    throw new Error(`randomSplit: lengths must be a non-empty list of numbers >= 0, got ${JSON.stringify(lengths)}`);
  }
  const fractions = counts.reduce((a, b) => a + b, 0);
  if (Math.abs(fractions - 1) < 1e-9 && counts.some((l) => !Number.isInteger(l))) {
    counts = counts.map((f) => Math.floor(f * n));
    const remainder = n - counts.reduce((a, b) => a + b, 0);
    for (let i = 0; i < remainder; i++) counts[i % counts.length]++;
  }
  const total = counts.reduce((a, b) => a + b, 0);
  if (counts.some((l) => !Number.isInteger(l)) || total !== n) {
    throw new Error(
      `randomSplit: sum of input lengths ${fmt(lengths)} does not equal the length of the input dataset (${n}); give counts that add up to ${n} or fractions that add up to 1`,
    );
  }
  const order = generator.permutation(n);
  let start = 0;
  return counts.map((count) => {
    const part = new Subset(dataset, order.subarray(start, start + count));
    start += count;
    return part;
  });
}
