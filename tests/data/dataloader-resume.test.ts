import { data, defaultGenerator, Generator, manualSeed, nn, optim, randn, Tensor, tensor } from '../../src';
import type { DataLoaderState } from '../../src/data/dataloader';
import type { GeneratorState } from '../../src/random';
import { deserialize, serialize } from '../../src/serialization/checkpoint';

/** A dataset whose item i is i (and 10 i), so every batch says which items it holds. */
function dataset(n: number): data.TensorDataset<[Tensor, Tensor]> {
  const ids = Array.from({ length: n }, (_, i) => i);
  return new data.TensorDataset(
    tensor(ids, { dtype: 'int32' }),
    tensor(
      ids.map((i) => 10 * i),
      { dtype: 'float32' },
    ),
  );
}

type Loader = data.DataLoader<[Tensor, Tensor]>;
const ids = (batch: Tensor[]): number[] => Array.from(batch[0].data);

/** The item ids of every batch of one pass. */
function pass(loader: Loader): number[][] {
  return Array.from(loader, ids);
}

/** A state through JSON, as a checkpoint stores it. */
const viaJson = <T>(state: T): T => JSON.parse(JSON.stringify(state)) as T;

describe('resuming a DataLoader mid-pass', () => {
  const configs = [
    { n: 10, batchSize: 3, shuffle: true, dropLast: false },
    { n: 10, batchSize: 3, shuffle: true, dropLast: true },
    { n: 12, batchSize: 4, shuffle: true, dropLast: false },
    { n: 10, batchSize: 3, shuffle: false, dropLast: false },
    { n: 7, batchSize: 10, shuffle: true, dropLast: false },
  ];
  test.each(configs)('after every batch of the second pass: %o', ({ n, batchSize, shuffle, dropLast }) => {
    const make = (): Loader => new data.DataLoader(dataset(n), { batchSize, shuffle, dropLast, seed: 11 });
    // The uninterrupted run: four passes.
    const a = make();
    const passes = [pass(a), pass(a), pass(a), pass(a)];
    for (let k = 0; k <= a.length; k++) {
      const original = make();
      pass(original);
      // Interrupted after k batches of the second pass.
      const it = original[Symbol.iterator]();
      let state: DataLoaderState | null = null;
      const seen: number[][] = [];
      if (k === 0) state = original.stateDict(); // the pass has not started: a boundary
      for (let b = 0; b < k; b++) {
        seen.push(ids(it.next().value as Tensor[]));
        state = original.stateDict();
      }
      expect(seen).toEqual(passes[1].slice(0, k));
      const resumed = make();
      resumed.loadStateDict(viaJson(state as DataLoaderState));
      // The rest of the interrupted pass, then the same following passes.
      expect(pass(resumed)).toEqual(passes[1].slice(k));
      expect(pass(resumed)).toEqual(passes[2]);
      expect(pass(resumed)).toEqual(passes[3]);
      // The original, taken up again, agrees: stateDict() changed nothing.
      expect(Array.from({ length: a.length - k }, () => ids(it.next().value as Tensor[]))).toEqual(passes[1].slice(k));
      expect(it.next().done).toBe(true);
      expect(pass(original)).toEqual(passes[2]);
    }
  });

  test('the state says what it captured: the generator at the start of the pass and the batches handed out', () => {
    const loader = new data.DataLoader(dataset(10), { batchSize: 4, shuffle: true, seed: 5 });
    const fresh = loader.stateDict();
    expect(fresh).toEqual({ datasetLength: 10, batchSize: 4, shuffle: true, dropLast: false, generator: new Generator(5).getState(), pass: null });
    const atStart = loader.generator.getState();
    let inside: DataLoaderState | null = null;
    for (const _ of loader) {
      inside = loader.stateDict();
      break;
    }
    expect(inside).toEqual({ ...fresh, generator: loader.generator.getState(), pass: { generator: atStart, batchesYielded: 1 } });
    // After leaving the loop early, the loader is between passes.
    expect(loader.stateDict().pass).toBeNull();
    // Unshuffled: no generator.
    const plain = new data.DataLoader(dataset(5), { batchSize: 2 });
    const it = plain[Symbol.iterator]();
    it.next();
    expect(plain.stateDict()).toEqual({
      datasetLength: 5,
      batchSize: 2,
      shuffle: false,
      dropLast: false,
      generator: null,
      pass: { generator: null, batchesYielded: 1 },
    });
  });

  test('a state taken after the last batch, before the loop ends, resumes with an empty pass, then the next pass', () => {
    const make = (): Loader => new data.DataLoader(dataset(9), { batchSize: 3, shuffle: true, seed: 2 });
    const reference = make();
    const passes = [pass(reference), pass(reference)];
    const original = make();
    let state: DataLoaderState | null = null;
    for (const _ of original) state = original.stateDict();
    expect(state?.pass?.batchesYielded).toBe(3);
    const resumed = make();
    resumed.loadStateDict(state as DataLoaderState);
    expect(pass(resumed)).toEqual([]);
    expect(pass(resumed)).toEqual(passes[1]);
  });

  test('a state taken after a loop was left early resumes at the next pass, as the original goes on', () => {
    const make = (): Loader => new data.DataLoader(dataset(10), { batchSize: 2, shuffle: true, seed: 8 });
    const original = make();
    for (const _ of original) break;
    const state = original.stateDict();
    expect(state.pass).toBeNull();
    const resumed = make();
    resumed.loadStateDict(state);
    expect(pass(resumed)).toEqual(pass(original));
    expect(pass(resumed)).toEqual(pass(original));
  });

  test('loadStateDict takes effect at the next pass; stateDict() before it starts returns the loaded state', () => {
    const make = (): Loader => new data.DataLoader(dataset(8), { batchSize: 3, shuffle: true, seed: 4 });
    const original = make();
    const it = original[Symbol.iterator]();
    it.next();
    const state = original.stateDict();
    const resumed = make();
    const open = resumed[Symbol.iterator]();
    const first = ids(open.next().value as Tensor[]);
    resumed.loadStateDict(state);
    expect(resumed.stateDict()).toEqual(state);
    // The pass that was open goes on with its own order, untracked.
    expect(ids(open.next().value as Tensor[])).toHaveLength(3);
    expect(resumed.stateDict()).toEqual(state);
    expect(first).toHaveLength(3);
    const rest = [ids(it.next().value as Tensor[]), ids(it.next().value as Tensor[])];
    expect(pass(resumed)).toEqual(rest);
  });
});

describe('resuming between passes', () => {
  test("the generator's state alone is enough: a loader given it yields the same following passes", () => {
    const original = new data.DataLoader(dataset(11), { batchSize: 4, shuffle: true, seed: 21 });
    pass(original);
    pass(original);
    const saved: GeneratorState = viaJson(original.generator.getState());
    const generator = new Generator(999);
    generator.setState(saved);
    const resumed = new data.DataLoader(dataset(11), { batchSize: 4, shuffle: true, generator });
    for (let e = 0; e < 3; e++) expect(pass(resumed)).toEqual(pass(original));
  });

  test('a state from before the first pass, or after a full pass, starts the next pass', () => {
    const make = (): Loader => new data.DataLoader(dataset(6), { batchSize: 4, shuffle: true, seed: 1 });
    const original = make();
    const before = original.stateDict();
    const p1 = pass(original);
    const after = original.stateDict();
    const p2 = pass(original);
    const a = make();
    a.loadStateDict(before);
    expect([pass(a), pass(a)]).toEqual([p1, p2]);
    const b = new data.DataLoader(dataset(6), { batchSize: 4, shuffle: true, seed: 12345 }); // another seed: the state decides
    b.loadStateDict(after);
    expect(pass(b)).toEqual(p2);
  });
});

describe('a generator shared with other code', () => {
  test('the default generator is restored too, so draws between batches repeat exactly', () => {
    // A loader on the default generator, and noise drawn from the same generator between batches.
    type Resume = { loader: DataLoaderState; epoch: number };
    const run = (stopAfter: number | null, resume?: Resume): { log: number[][]; resume?: Resume } => {
      manualSeed(77);
      const loader = new data.DataLoader(dataset(10), { batchSize: 3, shuffle: true });
      expect(loader.generator).toBe(defaultGenerator);
      randn([2]); // other draws before training (a model's initialisation, say)
      let epoch = 0;
      if (resume) {
        loader.loadStateDict(resume.loader);
        epoch = resume.epoch;
      }
      const log: number[][] = [];
      for (; epoch < 3; epoch++) {
        for (const batch of loader) {
          log.push([...ids(batch), ...Array.from(randn([2]).data)]);
          if (log.length === stopAfter) return { log, resume: { loader: viaJson(loader.stateDict()), epoch } };
        }
      }
      return { log };
    };
    const full = run(null).log;
    expect(full).toHaveLength(12);
    for (const stopAfter of [1, 2, 4, 5, 8, 11]) {
      const first = run(stopAfter);
      const rest = run(null, first.resume);
      expect([...first.log, ...rest.log]).toEqual(full);
    }
  });
});

describe('iterating one loader twice at once', () => {
  test('each pass draws its own order; stateDict describes the pass started last', () => {
    const make = (): Loader => new data.DataLoader(dataset(9), { batchSize: 2, shuffle: true, seed: 3 });
    const reference = make();
    const [p1, p2, p3] = [pass(reference), pass(reference), pass(reference)];
    const loader = make();
    const older = loader[Symbol.iterator]();
    expect(ids(older.next().value as Tensor[])).toEqual(p1[0]);
    const newer = loader[Symbol.iterator]();
    expect(ids(newer.next().value as Tensor[])).toEqual(p2[0]);
    expect(ids(older.next().value as Tensor[])).toEqual(p1[1]);
    const state = loader.stateDict();
    expect(state.pass?.batchesYielded).toBe(1);
    const resumed = make();
    resumed.loadStateDict(state);
    expect(pass(resumed)).toEqual(p2.slice(1));
    expect(pass(resumed)).toEqual(p3);
    // When the newer pass ends, the loader is between passes even though the older is open.
    for (let r = newer.next(); !r.done; r = newer.next());
    expect(loader.stateDict().pass).toBeNull();
    expect(ids(older.next().value as Tensor[])).toEqual(p1[2]);
  });
});

describe('loadStateDict checks the state', () => {
  const make = (options: { shuffle?: boolean; dropLast?: boolean; batchSize?: number; n?: number } = {}): Loader =>
    new data.DataLoader(dataset(options.n ?? 10), { batchSize: options.batchSize ?? 3, shuffle: options.shuffle ?? true, dropLast: options.dropLast, seed: 1 });
  const good = (): DataLoaderState => {
    const loader = make();
    const it = loader[Symbol.iterator]();
    it.next();
    return viaJson(loader.stateDict());
  };
  const where = 'DataLoader.loadStateDict: ';
  test.each<[string, (s: DataLoaderState) => unknown, string]>([
    ['not an object', () => 5, `${where}expected a state { datasetLength, batchSize, shuffle, dropLast, generator, pass } as stateDict() returns, got 5`],
    [
      'a missing key',
      ({ pass: _, ...s }) => s,
      `${where}state must be { datasetLength, batchSize, shuffle, dropLast, generator, pass } as stateDict() returns; it has no pass`,
    ],
    [
      'an extra key',
      (s) => ({ ...s, epoch: 1 }),
      `${where}state must be { datasetLength, batchSize, shuffle, dropLast, generator, pass } as stateDict() returns; it has unexpected "epoch"`,
    ],
    [
      'another dataset length',
      (s) => ({ ...s, datasetLength: 11 }),
      `${where}the state is of a loader over 11 items, this one has 10; resuming would not give the same batches`,
    ],
    ['a non-number dataset length', (s) => ({ ...s, datasetLength: '10' }), `${where}state.datasetLength must be a whole number, got string "10"`],
    [
      'another batchSize',
      (s) => ({ ...s, batchSize: 4 }),
      `${where}the state is of a loader with batchSize 4, this one has 3; resuming would not give the same batches`,
    ],
    ['another shuffle', (s) => ({ ...s, shuffle: false }), `${where}the state is of a loader with shuffle false, this one has true`],
    ['another dropLast', (s) => ({ ...s, dropLast: true }), `${where}the state is of a loader with dropLast true, this one has false`],
    [
      'a generator that is not a state',
      (s) => ({ ...s, generator: 3 }),
      `${where}state.generator must be an object { alea: { c, s0, s1, s2 }, spareNormal } as getState() returns, got 3`,
    ],
    [
      'a generator state out of range',
      (s) => ({ ...s, generator: { ...s.generator, alea: { ...s.generator!.alea, s1: 1.5 } } }),
      `${where}state.generator.alea.s1 must be a multiple of 2^-32 in [0, 1), got 1.5`,
    ],
    ['a pass that is not an object', (s) => ({ ...s, pass: [] }), `${where}state.pass must be null or { generator, batchesYielded }, got an array of 0`],
    [
      'a pass with a bad generator',
      (s) => ({ ...s, pass: { ...s.pass, generator: { alea: { c: 1, s0: 0, s1: 0, s2: 0 } } } }),
      `${where}state.pass.generator must be { alea: { c, s0, s1, s2 }, spareNormal } as getState() returns; it has no spareNormal`,
    ],
    [
      'too many batches',
      (s) => ({ ...s, pass: { ...s.pass, batchesYielded: 5 } }),
      `${where}state.pass.batchesYielded must be a whole number from 0 to 4 (the batches in a pass), got 5`,
    ],
    [
      'a fractional count',
      (s) => ({ ...s, pass: { ...s.pass, batchesYielded: 1.5 } }),
      `${where}state.pass.batchesYielded must be a whole number from 0 to 4 (the batches in a pass), got 1.5`,
    ],
  ])('%s', (_name, change, message) => {
    const loader = make();
    const before = loader.generator.getState();
    expect(() => loader.loadStateDict(change(good()) as DataLoaderState)).toThrow(message);
    // Nothing changed.
    expect(loader.generator.getState()).toEqual(before);
    expect(loader.stateDict().pass).toBeNull();
  });

  test('an unshuffled loader takes no generator state', () => {
    const loader = make({ shuffle: false });
    const state = loader.stateDict();
    expect(() => loader.loadStateDict({ ...state, generator: new Generator(1).getState() })).toThrow(
      `${where}state.generator must be null for a loader that does not shuffle, got an object`,
    );
    expect(() => loader.loadStateDict({ ...state, pass: { generator: new Generator(1).getState(), batchesYielded: 0 } })).toThrow(
      `${where}state.pass.generator must be null for a loader that does not shuffle`,
    );
  });
});

describe('Generator.getState / setState', () => {
  test('the state is plain numbers that survive JSON, and setState repeats the draws (normal pairs too)', () => {
    const g = new Generator(42);
    g.uniform();
    g.normal(); // leaves the second of a pair waiting
    const state = g.getState();
    expect(Object.keys(state)).toEqual(['alea', 'spareNormal']);
    expect(Object.keys(state.alea)).toEqual(['c', 's0', 's1', 's2']);
    expect(typeof state.spareNormal).toBe('number');
    const expected = [g.normal(), g.uniform(), g.normal(), g.integer(0, 100)];
    const h = new Generator(7);
    h.setState(viaJson(state));
    expect([h.normal(), h.uniform(), h.normal(), h.integer(0, 100)]).toEqual(expected);
    expect(h.initialSeed()).toBe(7); // the seed is not part of the state
  });

  test('getState returns a fresh object, and setState copies what it is given', () => {
    const g = new Generator(1);
    const state = g.getState();
    state.alea.s0 = 0;
    expect(g.getState().alea.s0).not.toBe(0);
    const h = new Generator(2);
    const given = g.getState();
    h.setState(given);
    given.alea.c = 0;
    given.spareNormal = 5;
    expect(h.uniform()).toBe(g.uniform());
  });

  const s = (): GeneratorState => new Generator(3).getState();
  const prefix = 'Generator.setState: state';
  test.each<[string, unknown, string]>([
    ['null', null, `${prefix} must be an object { alea: { c, s0, s1, s2 }, spareNormal } as getState() returns, got null`],
    ['an array', [], `${prefix} must be an object`],
    ['a missing spareNormal', { alea: s().alea }, `${prefix} must be { alea: { c, s0, s1, s2 }, spareNormal } as getState() returns; it has no spareNormal`],
    ['an extra key', { ...s(), seed: 3 }, `${prefix} must be { alea: { c, s0, s1, s2 }, spareNormal } as getState() returns; it has unexpected "seed"`],
    ['alea not an object', { alea: 'x', spareNormal: null }, `${prefix}.alea must be an object { c, s0, s1, s2 }, got string "x"`],
    ['alea missing s2', { alea: { c: 1, s0: 0, s1: 0 }, spareNormal: null }, `${prefix}.alea must be { c, s0, s1, s2 }; it has no s2`],
    ['a fractional carry', { alea: { ...s().alea, c: 1.5 }, spareNormal: null }, `${prefix}.alea.c must be a whole number in [0, 2091639], got 1.5`],
    ['a carry too large', { alea: { ...s().alea, c: 2091640 }, spareNormal: null }, `${prefix}.alea.c must be a whole number in [0, 2091639], got 2091640`],
    ['a negative s0', { alea: { ...s().alea, s0: -0.5 }, spareNormal: null }, `${prefix}.alea.s0 must be a multiple of 2^-32 in [0, 1), got -0.5`],
    ['s2 = 1', { alea: { ...s().alea, s2: 1 }, spareNormal: null }, `${prefix}.alea.s2 must be a multiple of 2^-32 in [0, 1), got 1`],
    ['s1 not a multiple of 2^-32', { alea: { ...s().alea, s1: 0.1 }, spareNormal: null }, `${prefix}.alea.s1 must be a multiple of 2^-32 in [0, 1), got 0.1`],
    ['a string s0', { alea: { ...s().alea, s0: '0' }, spareNormal: null }, `${prefix}.alea.s0 must be a multiple of 2^-32 in [0, 1), got string "0"`],
    ['a NaN spareNormal', { ...s(), spareNormal: NaN }, `${prefix}.spareNormal must be a finite number or null, got NaN`],
  ])('setState rejects %s, and the generator is unchanged', (_name, state, message) => {
    const g = new Generator(9);
    const before = g.getState();
    expect(() => g.setState(state as GeneratorState)).toThrow(message);
    expect(g.getState()).toEqual(before);
  });
});

describe('resuming training from a checkpoint is exact', () => {
  /** A model, Adam and a shuffling loader, trained for `epochs` passes; optionally checkpointed after `stopAt` steps. */
  function train(options: { epochs: number; stopAt?: number; resume?: Uint8Array }): { params: Tensor[]; losses: number[]; checkpoint?: Uint8Array } {
    manualSeed(5);
    const x = randn([23, 3]);
    const y = randn([23, 2]);
    const model = new nn.Sequential(new nn.Linear(3, 5), new nn.Tanh(), new nn.Linear(5, 2));
    const optimizer = new optim.Adam(model.parameters(), { lr: 0.05 });
    const loader = new data.DataLoader(new data.TensorDataset(x, y), { batchSize: 4, shuffle: true, seed: 9 });
    const criterion = new nn.MSELoss();
    let epoch = 0;
    let step = 0;
    if (options.resume) {
      const ckpt = deserialize<{
        model: Record<string, Tensor>;
        optimizer: optim.OptimizerStateDict<optim.AdamGroupOptions, optim.AdamState>;
        loader: DataLoaderState;
        epoch: number;
        step: number;
      }>(options.resume);
      model.loadStateDict(ckpt.model);
      optimizer.loadStateDict(ckpt.optimizer);
      loader.loadStateDict(ckpt.loader);
      ({ epoch, step } = ckpt);
    }
    const losses: number[] = [];
    for (; epoch < options.epochs; epoch++) {
      for (const [xb, yb] of loader) {
        optimizer.zeroGrad();
        const loss = criterion.forward(model.forward(xb), yb);
        loss.backward();
        optimizer.step();
        losses.push(loss.item());
        step++;
        if (step === options.stopAt) {
          const checkpoint = serialize({ model: model.stateDict(), optimizer: optimizer.stateDict(), loader: loader.stateDict(), epoch, step });
          return { params: model.parameters(), losses, checkpoint };
        }
      }
    }
    return { params: model.parameters(), losses };
  }

  test.each([3, 6, 12, 13])('a run stopped after %i steps and resumed from its checkpoint ends with the same parameters, bit for bit', (stopAt) => {
    const full = train({ epochs: 3 });
    const first = train({ epochs: 3, stopAt });
    const rest = train({ epochs: 3, resume: first.checkpoint });
    expect([...first.losses, ...rest.losses]).toEqual(full.losses);
    rest.params.forEach((p, i) => expect(Array.from(p.data)).toEqual(Array.from(full.params[i].data)));
  });
});
