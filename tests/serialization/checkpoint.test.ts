import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { manualSeed, nn, optim, randn, Tensor } from '../../src';
import { load, loadWithMetadata, save } from '../../src/node';
import { CHECKPOINT_KEY, CHECKPOINT_VERSION_KEY, deserialize, serialize } from '../../src/serialization/checkpoint';
import { deserializeSafetensors, parseSafetensors, serializeSafetensors } from '../../src/serialization/safetensors';
import { FIXTURE_FILE, fixtureCheckpoint } from '../golden/gen_checkpoint_fixture';

/**
 * `actual` is `expected`: Tensors of the same dtype, shape and elements (Object.is: NaN equals
 * NaN, -0 differs from 0), arrays and plain objects with the same keys in the same order, and
 * primitives by Object.is. Failures name the path. `anyKeyOrder`: the top level's keys in any
 * order (a plain safetensors file reads back in file order, sorted by dtype and name).
 */
function expectSame(actual: unknown, expected: unknown, at = 'root', anyKeyOrder = false): void {
  if (expected instanceof Tensor) {
    expect({ at, isTensor: actual instanceof Tensor }).toEqual({ at, isTensor: true });
    const a = actual as Tensor;
    expect({ at, dtype: a.dtype, shape: a.shape, array: a.data.constructor.name }).toEqual({
      at,
      dtype: expected.dtype,
      shape: expected.shape,
      array: expected.data.constructor.name,
    });
    const same = Array.from(a.data, (x, i) => Object.is(x, expected.data[i]));
    expect({ at, same }).toEqual({ at, same: Array.from(expected.data, () => true) });
  } else if (Array.isArray(expected)) {
    expect({ at, isArray: Array.isArray(actual), length: (actual as unknown[]).length }).toEqual({ at, isArray: true, length: expected.length });
    expected.forEach((v, i) => expectSame((actual as unknown[])[i], v, `${at}[${i}]`));
  } else if (expected !== null && typeof expected === 'object') {
    expect({ at, proto: actual !== null && typeof actual === 'object' && Object.getPrototypeOf(actual) === Object.prototype }).toEqual({ at, proto: true });
    const keys = (x: object): string[] => (anyKeyOrder ? Object.keys(x).sort() : Object.keys(x));
    expect({ at, keys: keys(actual as object) }).toEqual({ at, keys: keys(expected) });
    for (const key of Object.keys(expected))
      expectSame((actual as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key], `${at}[${JSON.stringify(key)}]`);
  } else {
    expect({ at, same: Object.is(actual, expected), actual }).toEqual({ at, same: true, actual });
  }
}

/** The header of a safetensors file: its `__metadata__` and its tensor entries. */
function header(bytes: Uint8Array): { metadata: Record<string, string>; names: string[]; text: string } {
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  const text = new TextDecoder().decode(bytes.subarray(8, 8 + length)).trimEnd();
  const json = JSON.parse(text) as Record<string, unknown>;
  const { __metadata__: metadata = {}, ...tensors } = json;
  return { metadata: metadata as Record<string, string>, names: Object.keys(tensors), text };
}

/** The checkpoint structure (the JSON in `__metadata__`) of a checkpoint file. */
function structureOf(bytes: Uint8Array): unknown {
  return JSON.parse(header(bytes).metadata[CHECKPOINT_KEY]);
}

const f32 = (...v: number[]): Tensor => new Tensor(Float32Array.from(v), [v.length], 'float32');

/** A model, its Adam and an SGD with momentum, trained a few steps so the optimizers have state. */
function trained(): { model: nn.Sequential; adam: optim.Adam; sgd: optim.SGD; linear: nn.Linear } {
  manualSeed(3);
  const model = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 2));
  const linear = new nn.Linear(2, 2, { dtype: 'float64' } as never);
  const adam = new optim.Adam(model.parameters(), { lr: 0.01, amsgrad: true, betas: [0.8, 0.99] });
  const sgd = new optim.SGD(linear.parameters(), { lr: 0.1, momentum: 0.9, nesterov: true });
  const x = randn([5, 3]);
  for (let i = 0; i < 3; i++) {
    adam.zeroGrad();
    sgd.zeroGrad();
    model.forward(x).sum().backward();
    linear.forward(model.forward(x).detach().to('float64')).pow(2).sum().backward();
    adam.step();
    sgd.step();
  }
  return { model, adam, sgd, linear };
}

let tmpDir: string;
beforeAll(() => {
  tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsgrad-checkpoint-'));
});
afterAll(() => {
  fs.rmSync(tmpDir, { recursive: true, force: true });
});

describe('round trips', () => {
  test('model and optimizer stateDicts, an epoch counter and every kind of value come back exactly', () => {
    const { model, adam, sgd, linear } = trained();
    const checkpoint = {
      model: model.stateDict(),
      head: linear.stateDict(),
      optimizer: adam.stateDict(),
      sgd: sgd.stateDict(),
      epoch: 7,
      numbers: [0, 1, -1, 0.1, 1 / 3, -2.5e-8, 1e21, 1e300, 5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER],
      special: [NaN, Infinity, -Infinity, -0, 2 ** 53, -(2 ** 53), 2 ** 64, -(2 ** 60) - 2 ** 10, 1e300 * 10],
      strings: ['', 'a.b', 'caf\u00e9 \u2603 \ud83d\ude00', 'quote " backslash \\ newline \n tab \t nul \u0000', '\ud800 lone surrogate'],
      booleans: [true, false],
      nothing: null,
      empty: { object: {}, array: [], nested: [[], [{}]] },
      dtypes: {
        f32: new Tensor(Float32Array.of(NaN, Infinity, -Infinity, -0, 1e-45, 3.4e38), [2, 3], 'float32'),
        f64: new Tensor(Float64Array.of(5e-324, -0, 0.1, NaN), [4], 'float64'),
        i32: new Tensor(Int32Array.of(-2147483648, 2147483647, 0), [3, 1], 'int32'),
        bool: new Tensor(Uint8Array.of(1, 0, 0, 1), [2, 2], 'bool'),
        scalar: new Tensor(Float64Array.of(-1.5), [], 'float64'),
        empty: new Tensor(new Int32Array(0), [0, 4], 'int32'),
      },
      history: [
        { loss: 0.5, lr: 0.01 },
        { loss: NaN, lr: 0.001 },
      ],
    };
    const bytes = serialize(checkpoint);
    const back = deserialize<typeof checkpoint>(bytes);
    expectSame(back, checkpoint);

    // What came back loads into fresh objects.
    const fresh = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 2));
    fresh.loadStateDict(back.model);
    expectSame(fresh.stateDict(), model.stateDict());
    const freshAdam = new optim.Adam(fresh.parameters(), { lr: 0.01, amsgrad: true, betas: [0.8, 0.99] });
    freshAdam.loadStateDict(back.optimizer);
    expectSame(freshAdam.stateDict(), adam.stateDict());
    const freshLinear = new nn.Linear(2, 2, { dtype: 'float64' } as never);
    freshLinear.loadStateDict(back.head);
    const freshSgd = new optim.SGD(freshLinear.parameters(), { lr: 0.1, momentum: 0.9, nesterov: true });
    freshSgd.loadStateDict(back.sgd);
    expectSame(freshSgd.stateDict(), sgd.stateDict());
  });

  test('tensors are stored under their dotted paths, the rest is JSON in __metadata__ (the documented layout)', () => {
    const { model, adam } = trained();
    const bytes = serialize({ model: model.stateDict(), optimizer: adam.stateDict(), epoch: 2, lists: [f32(1), [f32(2)]] });
    const { metadata, names } = header(bytes);
    expect(Object.keys(metadata).sort()).toEqual([CHECKPOINT_KEY, CHECKPOINT_VERSION_KEY]);
    expect(metadata[CHECKPOINT_VERSION_KEY]).toBe('1');
    expect(names.sort()).toEqual(
      [
        'model.0.weight',
        'model.0.bias',
        'model.2.weight',
        'model.2.bias',
        ...[0, 1, 2, 3].flatMap((i) => [`optimizer.state.${i}.expAvg`, `optimizer.state.${i}.expAvgSq`, `optimizer.state.${i}.maxExpAvgSq`]),
        'lists.0',
        'lists.1.0',
      ].sort(),
    );
    const structure = structureOf(bytes) as Record<string, Record<string, unknown>>;
    expect(structure.model).toEqual({
      '0.weight': { __tensor__: 'model.0.weight' },
      '0.bias': { __tensor__: 'model.0.bias' },
      '2.weight': { __tensor__: 'model.2.weight' },
      '2.bias': { __tensor__: 'model.2.bias' },
    });
    // The groups' options are plain JSON, as they are.
    expect(structure.optimizer.paramGroups).toEqual(JSON.parse(JSON.stringify(adam.stateDict().paramGroups)));
    expect(structure.optimizer.paramGroups).toEqual([
      expect.objectContaining({ lr: 0.01, betas: [0.8, 0.99], eps: 1e-8, amsgrad: true, params: [0, 1, 2, 3] }),
    ]);
    expect((structure.optimizer.state as Record<string, unknown>)['0']).toEqual({
      step: 3,
      expAvg: { __tensor__: 'optimizer.state.0.expAvg' },
      expAvgSq: { __tensor__: 'optimizer.state.0.expAvgSq' },
      maxExpAvgSq: { __tensor__: 'optimizer.state.0.maxExpAvgSq' },
    });
    expect(structure.epoch).toBe(2);
    expect(structure.lists).toEqual([{ __tensor__: 'lists.0' }, [{ __tensor__: 'lists.1.0' }]]);
    // The tensors themselves are plain safetensors entries.
    const raw = deserializeSafetensors(bytes);
    expectSame(raw['lists.1.0'], f32(2));
    expectSame(raw['model.0.weight'], model.stateDict()['0.weight']);
  });

  test('numbers JSON cannot hold exactly are {"__float__": String(x)}, "-0" for -0; the rest stay JSON numbers', () => {
    const numbers = {
      nan: NaN,
      inf: Infinity,
      ninf: -Infinity,
      nzero: -0,
      big: 2 ** 64,
      past: 2 ** 53,
      neg: -(2 ** 53),
      huge: 1e300,
      safe: 2 ** 53 - 1,
      frac: 0.1,
      tiny: 5e-324,
      zero: 0,
    };
    const structure = structureOf(serialize(numbers));
    expect(structure).toEqual({
      nan: { __float__: 'NaN' },
      inf: { __float__: 'Infinity' },
      ninf: { __float__: '-Infinity' },
      nzero: { __float__: '-0' },
      big: { __float__: '18446744073709552000' },
      past: { __float__: '9007199254740992' },
      neg: { __float__: '-9007199254740992' },
      huge: { __float__: '1e+300' },
      safe: 9007199254740991,
      frac: 0.1,
      tiny: 5e-324,
      zero: 0,
    });
    expectSame(deserialize(serialize(numbers)), numbers);
    // Every value also round-trips at the top level.
    for (const x of Object.values(numbers)) expectSame(deserialize(serialize(x)), x);
  });

  test('keys with dots, __proto__, the empty key and Unicode round-trip, unescaped', () => {
    const obj: Record<string, unknown> = { 'a.b': { 'c.d': f32(1) }, '': f32(2), '\u2603': { '\ud83d\ude00': f32(3) }, nested: { '': { '': 5 } } };
    Object.defineProperty(obj, '__proto__', { value: { inner: f32(4), n: 1 }, enumerable: true, writable: true, configurable: true });
    const bytes = serialize(obj);
    expect(header(bytes).names.sort()).toEqual(['', 'a.b.c.d', '__proto__.inner', '\u2603.\ud83d\ude00'].sort());
    const back = deserialize<Record<string, unknown>>(bytes);
    expect(Object.hasOwn(back, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expectSame(back, obj);
  });

  test('objects that look like markers are wrapped in {"__object__": ...} and come back as objects', () => {
    const obj = {
      t: { __tensor__: 'model.weight' },
      f: { __float__: 'NaN' },
      o: { __object__: { __tensor__: 'x' } },
      withTensor: { __tensor__: f32(1) },
      twoKeys: { __tensor__: 'x', other: 1 },
      lookalike: { __tensorx__: 'y' },
    };
    const bytes = serialize(obj);
    expect(structureOf(bytes)).toEqual({
      t: { __object__: { __tensor__: 'model.weight' } },
      f: { __object__: { __float__: 'NaN' } },
      o: { __object__: { __object__: { __object__: { __tensor__: 'x' } } } },
      withTensor: { __object__: { __tensor__: { __tensor__: 'withTensor.__tensor__' } } },
      twoKeys: { __tensor__: 'x', other: 1 },
      lookalike: { __tensorx__: 'y' },
    });
    expectSame(deserialize(bytes), obj);
  });

  test('the top level may be any value: an array, a number, a string, null, a bare Tensor (stored under the key "")', () => {
    for (const value of [[f32(1), 'a', [2]], 42, 'text', null, true, [], f32(5, 6)]) expectSame(deserialize(serialize(value)), value);
    expect(header(serialize(f32(5, 6))).names).toEqual(['']);
  });

  test('the same Tensor twice is stored once and comes back as one Tensor; an object twice comes back as two copies', () => {
    const t = f32(1, 2, 3);
    const shared = { n: 1 };
    const obj = { a: { w: t }, b: [t, t], c: shared, d: shared };
    const bytes = serialize(obj);
    expect(header(bytes).names).toEqual(['a.w']);
    expect(structureOf(bytes)).toEqual({ a: { w: { __tensor__: 'a.w' } }, b: [{ __tensor__: 'a.w' }, { __tensor__: 'a.w' }], c: { n: 1 }, d: { n: 1 } });
    const back = deserialize<typeof obj>(bytes);
    expectSame(back, obj);
    expect(back.b[0]).toBe(back.a.w);
    expect(back.b[1]).toBe(back.a.w);
    expect(back.c).not.toBe(back.d);
  });

  test('objects without a prototype are written as plain objects; loaded tensors have storage of their own', () => {
    const obj = Object.create(null) as Record<string, unknown>;
    obj.x = f32(1);
    obj.y = 2;
    const back = deserialize<{ obj: { x: Tensor; y: number } }>(serialize({ obj }));
    expectSame(back, { obj: { x: f32(1), y: 2 } });
    expect(back.obj.x.requiresGrad).toBe(false);
  });

  test('metadata adds entries beside the checkpoint keys; options.dtypes stores a tensor by its key', () => {
    const obj = { model: { n: new Tensor(Int32Array.of(5, -6), [2], 'int32'), w: f32(0.1, 65504) }, step: 1 };
    const bytes = serialize(obj, { format: 'pt', note: 'hi' }, { dtypes: { 'model.n': 'I64', 'model.w': 'F16' } });
    const parsed = parseSafetensors(bytes);
    expect(parsed.dtypes).toEqual({ 'model.n': 'I64', 'model.w': 'F16' });
    expect(parsed.metadata.format).toBe('pt');
    expect(parsed.metadata.note).toBe('hi');
    const back = deserialize<typeof obj>(bytes);
    expect(Array.from(back.model.n.data)).toEqual([5, -6]);
    expect(back.model.w.data[1]).toBe(65504);
    expect(back.step).toBe(1);
  });
});

describe('a plain state dict', () => {
  test('serializes exactly as serializeSafetensors, with metadata and dtypes too, and reads back flat', () => {
    const { model } = trained();
    const sd = model.stateDict();
    expect(serialize(sd)).toEqual(serializeSafetensors(sd));
    expect(serialize(sd, { format: 'pt' })).toEqual(serializeSafetensors(sd, { format: 'pt' }));
    const opts = { dtypes: { '0.weight': 'F16' as const } };
    expect(serialize(sd, { a: 'b' }, opts)).toEqual(serializeSafetensors(sd, { a: 'b' }, opts));
    expect(serialize({})).toEqual(serializeSafetensors({}));
    const flatBytes = serialize(sd);
    expect(header(flatBytes).metadata).toEqual({});
    expectSame(deserialize(flatBytes), deserializeSafetensors(flatBytes));
    expectSame(deserialize(flatBytes), sd, 'root', true);
  });

  test('a file PyTorch wrote (no checkpoint metadata) reads as its tensors by name', () => {
    const bytes = fs.readFileSync(path.join(__dirname, '..', 'golden', 'torch-written.safetensors'));
    expectSame(deserialize(bytes), deserializeSafetensors(bytes));
  });

  test('a flat dict keeps the state-dict form: the same Tensor under two names is stored twice, as today', () => {
    const t = f32(1);
    const bytes = serialize({ a: t, b: t });
    expect(header(bytes).names).toEqual(['a', 'b']);
    const back = deserialize<Record<string, Tensor>>(bytes);
    expect(back.a).not.toBe(back.b);
  });
});

describe('errors name the path', () => {
  class Box {
    value = 1;
  }
  const cycle: Record<string, unknown> = { a: 1 };
  cycle.self = { back: cycle };
  const arrayCycle: unknown[] = [1];
  arrayCycle.push([arrayCycle]);
  test.each<[string, unknown, string | RegExp]>([
    [
      'undefined',
      { optimizer: { state: { 0: { step: undefined } } } },
      'serialize: optimizer.state[0].step is undefined; a checkpoint holds Tensors, numbers, strings, booleans, null, arrays and plain objects (leave the key out, or use null)',
    ],
    ['a function', { model: { forward: () => 1 } }, 'serialize: model.forward is a function'],
    ['a symbol', { s: [Symbol('x')] }, 'serialize: s[0] is a symbol'],
    ['a BigInt', { n: { 'big.int': 10n } }, 'serialize: n["big.int"] is a BigInt (10n); a checkpoint holds'],
    [
      'a Map',
      { m: new Map() },
      'serialize: m is a Map; a checkpoint holds Tensors, numbers, strings, booleans, null, arrays and plain objects (use a plain object)',
    ],
    [
      'a Set',
      { s: new Set([1]) },
      'serialize: s is a Set; a checkpoint holds Tensors, numbers, strings, booleans, null, arrays and plain objects (use an array)',
    ],
    [
      'a typed array',
      { w: [new Float32Array(2)] },
      'serialize: w[0] is a Float32Array; a checkpoint holds Tensors, numbers, strings, booleans, null, arrays and plain objects (wrap it in a Tensor, or use an array)',
    ],
    ['a class instance', { box: new Box() }, 'serialize: box is an instance of the class Box; a checkpoint holds'],
    ['a Date', { when: new Date(0) }, 'serialize: when is an instance of the class Date'],
    [
      'a Module',
      { model: new nn.Linear(1, 1) },
      'serialize: model is an instance of the class Linear; a checkpoint holds Tensors, numbers, strings, booleans, null, arrays and plain objects (save its stateDict() instead)',
    ],
    ['a Map at the top', new Map(), 'serialize: the value itself is a Map'],
    ['a cycle', cycle, 'serialize: self.back is the value itself again, a cycle; a checkpoint must be a tree'],
    ['a nested cycle', { x: { y: arrayCycle } }, 'serialize: x.y[1][0] is x.y again, a cycle'],
    // eslint-disable-next-line no-sparse-arrays
    ['a hole', { list: [1, , 3] }, 'serialize: list[1] is a hole in the array'],
    [
      'a dtype for a key that is no tensor',
      { w: f32(1), n: 1 },
      "serialize: options.dtypes names 'x', which is not the key of a tensor of the checkpoint (keys: 'w')",
    ],
  ])('%s', (_name, value, message) => {
    const options = _name.startsWith('a dtype') ? { dtypes: { x: 'F16' as const } } : undefined;
    expect(() => serialize(value, undefined, options)).toThrow(message);
  });

  test('two tensors whose paths join to the same key are an Error naming both; so is the key __metadata__', () => {
    expect(() => serialize({ a: { 'b.c': f32(1), b: { c: f32(2) } } })).toThrow(
      `serialize: the tensors at a["b.c"] and a.b.c would both be stored under the key 'a.b.c' (a tensor's key is its path joined by dots); rename one of them`,
    );
    expect(() => serialize({ 'x.0': f32(1), x: [f32(2)] })).toThrow('the tensors at ["x.0"] and x[0] would both be stored under the key \'x.0\'');
    expect(() => serialize({ __metadata__: f32(1), n: 1 })).toThrow(
      "serialize: the tensor at __metadata__ would be stored under the key '__metadata__', which safetensors reserves; rename it",
    );
    // A flat state dict with it is refused as serializeSafetensors refuses it.
    expect(() => serialize({ __metadata__: f32(1) })).toThrow("serialize: '__metadata__' is reserved for metadata and cannot name a tensor");
  });

  test('bad metadata: reserved keys, non-strings, not an object', () => {
    expect(() => serialize({ n: 1 }, { [CHECKPOINT_KEY]: 'x' })).toThrow(
      "serialize: metadata key 'tsgrad.checkpoint' is reserved: tsgrad writes the checkpoint's structure there",
    );
    expect(() => serialize({ n: 1 }, { [CHECKPOINT_VERSION_KEY]: '1' })).toThrow("metadata key 'tsgrad.checkpoint.version' is reserved");
    expect(() => serialize({ n: 1 }, { a: 3 as unknown as string })).toThrow("serialize: metadata values must be strings; 'a' is number 3");
    expect(() => serialize({ n: 1 }, ['x'] as unknown as Record<string, string>)).toThrow(
      'serialize: metadata must be an object of strings, got an array of 1',
    );
    expect(() => serialize({ n: 1 }, undefined, { dtype: {} } as never)).toThrow("serialize: unknown option 'dtype'; did you mean 'dtypes'?");
  });

  test('a tensor key that UTF-8 cannot encode is an Error', () => {
    expect(() => serialize({ '\ud800': { w: f32(1) } })).toThrow('serialize: tensor name "\\ud800.w" contains an unpaired UTF-16 surrogate');
  });
});

describe('a corrupted checkpoint is a clear Error', () => {
  const withMetadata = (metadata: Record<string, string>, tensors: Record<string, Tensor> = {}): Uint8Array => serializeSafetensors(tensors, metadata);
  const v1 = { [CHECKPOINT_VERSION_KEY]: '1' };
  test.each<[string, Uint8Array, string]>([
    [
      'JSON that does not parse',
      withMetadata({ ...v1, [CHECKPOINT_KEY]: '{"a": ' }),
      "deserialize: the checkpoint structure (__metadata__['tsgrad.checkpoint']) is not valid JSON (",
    ],
    [
      'a marker naming a missing tensor',
      withMetadata({ ...v1, [CHECKPOINT_KEY]: '{"m": {"w": {"__tensor__": "m.w"}}}' }),
      "deserialize: the checkpoint structure (__metadata__['tsgrad.checkpoint']) at m.w names the tensor 'm.w', which the file does not hold; the file is corrupted",
    ],
    [
      'a tensor no marker names',
      withMetadata({ ...v1, [CHECKPOINT_KEY]: '{"a": 1}' }, { stray: f32(1) }),
      "deserialize: the file holds tensors that the checkpoint structure does not mention: 'stray'; the file is corrupted",
    ],
    [
      'a __tensor__ that is not a string',
      withMetadata({ ...v1, [CHECKPOINT_KEY]: '[{"__tensor__": 3}]' }),
      'at [0]: __tensor__ must be the key of a tensor (a string), got 3; the file is corrupted',
    ],
    [
      'a __float__ that is no number',
      withMetadata({ ...v1, [CHECKPOINT_KEY]: '{"x": {"__float__": "nan"}}' }),
      'at x: __float__ must be a number as String(x) writes it',
    ],
    ['a __float__ that is not a string', withMetadata({ ...v1, [CHECKPOINT_KEY]: '{"x": {"__float__": 1}}' }), 'at x: __float__ must be a string'],
    [
      'an __object__ that is no object',
      withMetadata({ ...v1, [CHECKPOINT_KEY]: '{"x": {"__object__": [1]}}' }),
      'at x: __object__ must be an object, got an array of 1',
    ],
    [
      'another version',
      withMetadata({ [CHECKPOINT_VERSION_KEY]: '2', [CHECKPOINT_KEY]: '{}' }),
      'deserialize: the checkpoint has format version "2"; this tsgrad reads version 1 (was it written by a newer tsgrad?)',
    ],
    [
      'no version',
      withMetadata({ [CHECKPOINT_KEY]: '{}' }),
      "deserialize: the file's __metadata__ has 'tsgrad.checkpoint' but no 'tsgrad.checkpoint.version' (a corrupted file?)",
    ],
    [
      'a version but no structure',
      withMetadata(v1),
      "deserialize: the file's __metadata__ has 'tsgrad.checkpoint.version' but no 'tsgrad.checkpoint': the checkpoint's structure is missing",
    ],
  ])('%s', (_name, bytes, message) => {
    expect(() => deserialize(bytes)).toThrow(message);
  });

  test('a truncated file is rejected by the safetensors reader', () => {
    const bytes = serialize({ w: f32(1, 2), n: 1 });
    expect(() => deserialize(bytes.subarray(0, bytes.length - 1))).toThrow(/^parseSafetensors: /);
  });
});

describe('tsgrad/node save and load', () => {
  test('a checkpoint saved to a file loads back, typed, and the file is a valid safetensors file', () => {
    const { model, adam } = trained();
    const file = path.join(tmpDir, 'ckpt.safetensors');
    const checkpoint = { model: model.stateDict(), optimizer: adam.stateDict(), epoch: 4, best: -Infinity };
    save(checkpoint, file, { format: 'pt' });
    expect(fs.readdirSync(tmpDir).filter((f) => f.startsWith('.'))).toEqual([]); // no temporary file left
    expect(new Uint8Array(fs.readFileSync(file))).toEqual(serialize(checkpoint, { format: 'pt' }));
    const back = load<{ model: Record<string, Tensor>; optimizer: optim.OptimizerStateDict; epoch: number; best: number }>(file);
    expectSame(back, checkpoint);
    const raw = loadWithMetadata(file);
    expect(raw.metadata.format).toBe('pt');
    expect(Object.keys(raw.tensors)).toContain('optimizer.state.0.expAvg');
  });

  test('a plain state dict saves the same bytes as before and loads flat', () => {
    const { model } = trained();
    const file = path.join(tmpDir, 'flat.safetensors');
    save(model.stateDict(), file, { format: 'pt' });
    expect(new Uint8Array(fs.readFileSync(file))).toEqual(serializeSafetensors(model.stateDict(), { format: 'pt' }));
    expectSame(load(file), model.stateDict(), 'root', true);
  });

  test('errors start with save: and load:, and load names the file', () => {
    const file = path.join(tmpDir, 'bad.safetensors');
    expect(() => save({ a: { b: undefined } }, file)).toThrow('save: a.b is undefined');
    expect(() => save({ a: { 'b.c': f32(1), b: { c: f32(2) } } }, file)).toThrow(
      'save: the tensors at a["b.c"] and a.b.c would both be stored under the key \'a.b.c\'',
    );
    expect(fs.existsSync(file)).toBe(false);
    fs.writeFileSync(file, serializeSafetensors({}, { [CHECKPOINT_VERSION_KEY]: '1', [CHECKPOINT_KEY]: '{"x": ' }));
    expect(() => load(file)).toThrow(
      /^load: the checkpoint structure \(__metadata__\['tsgrad.checkpoint'\]\) is not valid JSON .*\(reading .*bad\.safetensors\)$/,
    );
  });
});

describe('the golden fixture for Python', () => {
  test('tests/golden/tsgrad-checkpoint.safetensors is what the current code writes (rerun gen_checkpoint_fixture.ts if not)', () => {
    const committed = new Uint8Array(fs.readFileSync(FIXTURE_FILE));
    const checkpoint = fixtureCheckpoint();
    expect(Buffer.from(serialize(checkpoint)).equals(Buffer.from(committed))).toBe(true);
    expectSame(load(FIXTURE_FILE), checkpoint);
  });
});
