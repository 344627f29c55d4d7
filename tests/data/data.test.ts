import * as torch from '../../src/index';
import { data, Tensor } from '../../src/index';

/** x[i] = [i, 10 i, 100 i] and y[i] = i, so every row says which sample it is. */
function rows(n: number): { x: Tensor; y: Tensor } {
  const x = torch.tensor(
    Array.from({ length: n }, (_, i) => [i, 10 * i, 100 * i]),
    { dtype: 'float32' },
  );
  const y = torch.tensor(
    Array.from({ length: n }, (_, i) => i),
    { dtype: 'int32' },
  );
  return { x, y };
}

/** The sample ids of every batch of one pass. */
function passIds(loader: Iterable<Tensor[]>): number[][] {
  return Array.from(loader, ([, y]) => Array.from(y.data));
}

describe('TensorDataset', () => {
  test('length and items are rows of every tensor', () => {
    const { x, y } = rows(5);
    const ds = new data.TensorDataset(x, y);
    expect(ds.length).toBe(5);
    const [xi, yi] = ds.get(3);
    expect(xi.shape).toEqual([3]);
    expect(xi.toArray()).toEqual([3, 30, 300]);
    expect(yi.shape).toEqual([]);
    expect(yi.item()).toBe(3);
  });

  test('tensors whose first dims differ are an Error naming both shapes', () => {
    expect(() => new data.TensorDataset(torch.zeros([4, 2]), torch.zeros([3]))).toThrow(/size mismatch.*\[4, 2\].*tensors\[1\] has shape \[3\]/);
  });

  test('no tensors, 0-d tensors and out-of-range indices are Errors', () => {
    expect(() => new data.TensorDataset()).toThrow(/at least one tensor/);
    expect(() => new data.TensorDataset(torch.tensor(1))).toThrow(/0-d/);
    const ds = new data.TensorDataset(torch.zeros([2, 2]));
    expect(() => ds.get(2)).toThrow(/index 2 is out of range for a dataset of 2 items/);
    expect(() => ds.get(-1)).toThrow(/out of range/);
  });

  test('getBatch gathers the requested rows in order', () => {
    const { x, y } = rows(6);
    const [bx, by] = new data.TensorDataset(x, y).getBatch(Int32Array.of(4, 1, 4));
    expect(bx.toArray()).toEqual([
      [4, 40, 400],
      [1, 10, 100],
      [4, 40, 400],
    ]);
    expect(Array.from(by.data)).toEqual([4, 1, 4]);
    expect(by.dtype).toBe('int32');
  });
});

describe('DataLoader', () => {
  test('batches in order, with a smaller last batch; length counts it', () => {
    const { x, y } = rows(10);
    const loader = new data.DataLoader(new data.TensorDataset(x, y), { batchSize: 4 });
    expect(loader.length).toBe(3);
    const batches = Array.from(loader);
    expect(batches.map(([bx]) => bx.shape)).toEqual([
      [4, 3],
      [4, 3],
      [2, 3],
    ]);
    expect(passIds(loader)).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
    expect(batches[2][0].toArray()).toEqual([
      [8, 80, 800],
      [9, 90, 900],
    ]);
  });

  test('dropLast leaves out the short batch', () => {
    const { x, y } = rows(10);
    const loader = new data.DataLoader(new data.TensorDataset(x, y), { batchSize: 4, dropLast: true });
    expect(loader.length).toBe(2);
    expect(passIds(loader)).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ]);
    const exact = new data.DataLoader(new data.TensorDataset(x, y), { batchSize: 5, dropLast: true });
    expect(exact.length).toBe(2);
  });

  test('batchSize defaults to 1, as in PyTorch', () => {
    const { x, y } = rows(3);
    const loader = new data.DataLoader(new data.TensorDataset(x, y));
    expect(loader.length).toBe(3);
    expect(passIds(loader)).toEqual([[0], [1], [2]]);
  });

  test('shuffle with a seed: every pass is a permutation, new each pass, the same in every run', () => {
    const { x, y } = rows(20);
    const ds = new data.TensorDataset(x, y);
    const a = new data.DataLoader(ds, { batchSize: 6, shuffle: true, seed: 7 });
    const b = new data.DataLoader(ds, { batchSize: 6, shuffle: true, seed: 7 });
    const a1 = passIds(a);
    const a2 = passIds(a);
    expect(passIds(b)).toEqual(a1);
    expect(passIds(b)).toEqual(a2);
    expect(a1.flat()).not.toEqual(a2.flat());
    expect(a1.flat()).not.toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect([...a1.flat()].sort((p, q) => p - q)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(a1.map((ids) => ids.length)).toEqual([6, 6, 6, 2]);
    const c = new data.DataLoader(ds, { batchSize: 6, shuffle: true, seed: 8 });
    expect(passIds(c)).not.toEqual(a1);
  });

  test('a generator gives the same order as a seed; without either the default generator is used', () => {
    const { x, y } = rows(12);
    const ds = new data.TensorDataset(x, y);
    const seeded = passIds(new data.DataLoader(ds, { batchSize: 5, shuffle: true, seed: 3 }));
    const generator = new torch.Generator(3);
    expect(passIds(new data.DataLoader(ds, { batchSize: 5, shuffle: true, generator }))).toEqual(seeded);
    torch.manualSeed(11);
    const first = passIds(new data.DataLoader(ds, { batchSize: 5, shuffle: true }));
    torch.manualSeed(11);
    expect(passIds(new data.DataLoader(ds, { batchSize: 5, shuffle: true }))).toEqual(first);
  });

  test('x and y of a shuffled batch stay paired', () => {
    const { x, y } = rows(9);
    for (const [bx, by] of new data.DataLoader(new data.TensorDataset(x, y), { batchSize: 4, shuffle: true, seed: 1 })) {
      const ids = Array.from(by.data);
      expect(bx.toArray()).toEqual(ids.map((i) => [i, 10 * i, 100 * i]));
    }
  });

  test('a TensorDataset is read a batch at a time, never item by item', () => {
    const { x, y } = rows(8);
    const ds = new data.TensorDataset(x, y);
    const get = jest.spyOn(ds, 'get');
    const batch = jest.spyOn(ds, 'getBatch');
    Array.from(new data.DataLoader(ds, { batchSize: 3, shuffle: true, seed: 0 }));
    expect(get).not.toHaveBeenCalled();
    expect(batch).toHaveBeenCalledTimes(3);
  });

  test('other datasets are collated item by item: tensors stacked, numbers made a tensor', () => {
    class Squares extends data.Dataset<[Tensor, number]> {
      readonly length = 5;
      get(i: number): [Tensor, number] {
        return [torch.tensor([i, i * i], { dtype: 'float32' }), i];
      }
    }
    const loader = new data.DataLoader(new Squares(), { batchSize: 2 });
    const batches = Array.from(loader);
    expect(batches.length).toBe(3);
    const [bx, by] = batches[1];
    expect(bx.toArray()).toEqual([
      [2, 4],
      [3, 9],
    ]);
    expect(by.dtype).toBe('int32');
    expect(Array.from(by.data)).toEqual([2, 3]);
    expect(batches[2][0].shape).toEqual([1, 2]);
  });

  test('defaultCollate handles records and rejects what it cannot batch', () => {
    const batch = data.defaultCollate([
      { a: 1.5, b: torch.tensor([1]) },
      { a: 2.5, b: torch.tensor([2]) },
    ]);
    expect(batch.a.toArray()).toEqual([1.5, 2.5]);
    expect(batch.b.toArray()).toEqual([[1], [2]]);
    expect(() => data.defaultCollate(['a', 'b'])).toThrow(/collateFn/);
    expect(() => data.defaultCollate([])).toThrow(/empty/);
  });

  test('a collateFn replaces the default', () => {
    const { x, y } = rows(4);
    const loader = new data.DataLoader(new data.TensorDataset(x, y), {
      batchSize: 3,
      collateFn: (items) => items.map(([, yi]) => yi.item()),
    });
    expect(Array.from(loader)).toEqual([[0, 1, 2], [3]]);
  });

  test('an empty dataset gives no batches', () => {
    const loader = new data.DataLoader(new data.TensorDataset(torch.zeros([0, 3])), { batchSize: 4, shuffle: true, seed: 0 });
    expect(loader.length).toBe(0);
    expect(Array.from(loader)).toEqual([]);
  });

  test('bad options are Errors', () => {
    const ds = new data.TensorDataset(torch.zeros([3]));
    expect(() => new data.DataLoader(ds, { batchSize: 0 })).toThrow(/batchSize should be a positive integer value, but got batchSize=0/);
    expect(() => new data.DataLoader(ds, { batchSize: 2.5 })).toThrow(/positive integer/);
    expect(() => new data.DataLoader(ds, { seed: 1, generator: new torch.Generator(1) })).toThrow(/either a generator or a seed/);
  });
});

describe('Subset and randomSplit', () => {
  test('fractions become counts, the remainder going to the first subsets (PyTorch)', () => {
    const ds = new data.TensorDataset(torch.arange(5));
    expect(data.randomSplit(ds, [0.5, 0.5], { generator: new torch.Generator(0) }).map((s) => s.length)).toEqual([3, 2]);
    const { x, y } = rows(10);
    expect(data.randomSplit(new data.TensorDataset(x, y), [0.8, 0.2]).map((s) => s.length)).toEqual([8, 2]);
  });

  test('the parts are disjoint, cover the dataset, and repeat with the same seed', () => {
    const { x, y } = rows(10);
    const ds = new data.TensorDataset(x, y);
    const [a, b] = data.randomSplit(ds, [7, 3], { generator: new torch.Generator(5) });
    const ids = [...a.indices, ...b.indices].sort((p, q) => p - q);
    expect(ids).toEqual(Array.from({ length: 10 }, (_, i) => i));
    const [a2] = data.randomSplit(ds, [7, 3], { generator: new torch.Generator(5) });
    expect(Array.from(a2.indices)).toEqual(Array.from(a.indices));
    const [xb, yb] = b.get(1);
    expect(yb.item()).toBe(b.indices[1]);
    expect(xb.toArray()).toEqual([b.indices[1], 10 * b.indices[1], 100 * b.indices[1]]);
  });

  test('a Subset of a TensorDataset is still read a batch at a time', () => {
    const { x, y } = rows(10);
    const ds = new data.TensorDataset(x, y);
    const [part] = data.randomSplit(ds, [6, 4], { generator: new torch.Generator(2) });
    const batch = jest.spyOn(ds, 'getBatch');
    const loaded = passIds(new data.DataLoader(part, { batchSize: 4 }));
    expect(loaded.flat()).toEqual(Array.from(part.indices));
    expect(batch).toHaveBeenCalledTimes(2);
  });

  test('lengths that do not add up are an Error', () => {
    const ds = new data.TensorDataset(torch.zeros([10]));
    expect(() => data.randomSplit(ds, [5, 4])).toThrow(/sum of input lengths \[5, 4\] does not equal the length of the input dataset \(10\)/);
    expect(() => data.randomSplit(ds, [0.5, 0.4])).toThrow(/does not equal/);
    expect(() => new data.Subset(ds, [10])).toThrow(/out of range/);
  });
});

describe('DataLoader and randomSplit options are checked', () => {
  const ds = new data.TensorDataset(torch.zeros([4, 2]));
  type Any = never;
  it.each([
    [() => new data.DataLoader(ds, { numWorkers: 2 } as Any), 'DataLoader: numWorkers is not supported: tsgrad loads batches on the calling thread'],
    [
      () => new data.DataLoader(ds, { num_workers: 4 } as Any),
      "DataLoader: numWorkers (PyTorch's num_workers) is not supported: tsgrad loads batches on the calling thread",
    ],
    [() => new data.DataLoader(ds, { pinMemory: true } as Any), 'DataLoader: pinMemory is not supported: tsgrad runs on the CPU'],
    [() => new data.DataLoader(ds, { persistentWorkers: true } as Any), 'DataLoader: persistentWorkers is not supported'],
    [() => new data.DataLoader(ds, { prefetchFactor: 2 } as Any), 'DataLoader: prefetchFactor is not supported'],
    [() => new data.DataLoader(ds, { sampler: [0, 1] } as Any), 'DataLoader: sampler is not supported: tsgrad has no samplers'],
    [() => new data.DataLoader(ds, { batch_size: 2 } as Any), "DataLoader: unknown option 'batch_size'; did you mean 'batchSize'?"],
    [() => new data.DataLoader(ds, { drop_last: true } as Any), "DataLoader: unknown option 'drop_last'; did you mean 'dropLast'?"],
    [() => new data.DataLoader(ds, { batchSize: null } as Any), 'DataLoader: batchSize null (items one by one, unbatched) is not supported'],
    [() => new data.DataLoader(ds, { shuffle: 'yes' } as Any), 'DataLoader: shuffle must be true or false, got string "yes"'],
    [() => new data.DataLoader(ds, { generator: 1 } as Any), 'DataLoader: generator must be a Generator (new Generator(seed)), got 1'],
    [() => new data.DataLoader(ds, { seed: 'a' } as Any), 'DataLoader: seed must be a finite number, got string "a"'],
    [() => new data.DataLoader(ds, { collateFn: 1 } as Any), 'DataLoader: collateFn must be a function, got 1'],
    [() => new data.DataLoader(ds, null as Any), 'DataLoader: options must be an object like { batchSize: ... }, got null'],
    [() => data.randomSplit(ds, [2, 2], { seed: 1 } as Any), "randomSplit: unknown option 'seed' (allowed: generator)"],
    [() => data.randomSplit(ds, [2, 2], { generator: 1 } as Any), 'randomSplit: generator must be a Generator (new Generator(seed)), got 1'],
    [() => data.randomSplit(ds, 4 as Any), 'randomSplit: lengths must be an array of counts or fractions, such as [0.8, 0.2], got 4'],
    [() => data.randomSplit(ds, ['2', 2] as Any), 'randomSplit: lengths must be a non-empty list of numbers >= 0, got ["2",2]'],
    [() => data.randomSplit(null as Any, [1]), 'randomSplit: expected a Dataset (an object with a whole-number length and get(index)), got null'],
  ])('%#', (fn, message) => {
    expect(fn).toThrow(message);
  });
  it('the values that ask for what tsgrad does anyway are accepted', () => {
    const loader = new data.DataLoader(ds, { batchSize: 2, numWorkers: 0, pinMemory: false, persistentWorkers: false, timeout: 0 } as Any);
    expect(loader.length).toBe(2);
  });
});
