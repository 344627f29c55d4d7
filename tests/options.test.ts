import { checkOptions, describe as describeValue } from '../src/options';

// The option-key check every public options object goes through (src/options.ts).

describe('checkOptions', () => {
  it('suggests the camelCase spelling of a snake_case key, or the closest key', () => {
    expect(() => checkOptions({ label_smoothing: 0.1 }, ['labelSmoothing', 'weight'], 'f')).toThrow(
      "f: unknown option 'label_smoothing'; did you mean 'labelSmoothing'? (allowed: labelSmoothing, weight)",
    );
    expect(() => checkOptions({ wieght: 1 }, ['labelSmoothing', 'weight'], 'f')).toThrow("f: unknown option 'wieght'; did you mean 'weight'?");
    expect(() => checkOptions({ zzz: 1 }, ['weight'], 'f')).toThrow("f: unknown option 'zzz' (allowed: weight)");
  });
  it('says why an option PyTorch has is not supported, in either spelling, and accepts the values that change nothing', () => {
    const unsupported = { numWorkers: { why: 'one thread', accepts: [0] }, sampler: 'no samplers' };
    expect(() => checkOptions({ numWorkers: 2 }, ['batchSize'], 'L', unsupported)).toThrow('L: numWorkers is not supported: one thread');
    expect(() => checkOptions({ num_workers: 2 }, ['batchSize'], 'L', unsupported)).toThrow(
      "L: numWorkers (PyTorch's num_workers) is not supported: one thread",
    );
    expect(() => checkOptions({ sampler: null }, ['batchSize'], 'L', unsupported)).toThrow('L: sampler is not supported: no samplers');
    expect(() => checkOptions({ numWorkers: 0, batchSize: 2 }, ['batchSize'], 'L', unsupported)).not.toThrow();
  });
  it('options must be an object (undefined is no options)', () => {
    expect(() => checkOptions(undefined, ['a'], 'f')).not.toThrow();
    expect(() => checkOptions(null, ['a'], 'f')).toThrow('f: options must be an object like { a: ... }, got null');
    expect(() => checkOptions([1], ['a'], 'f')).toThrow('f: options must be an object like { a: ... }, got an array of 1');
    expect(() => checkOptions('a', ['a'], 'f')).toThrow('f: options must be an object like { a: ... }, got string "a"');
    expect(() => checkOptions(new Float32Array(2), ['a'], 'f')).toThrow('f: options must be an object like { a: ... }, got a Float32Array');
  });
});

describe('describe', () => {
  it.each([
    [null, 'null'],
    [undefined, 'undefined'],
    [5, '5'],
    [NaN, 'NaN'],
    [true, 'true'],
    ['a', 'string "a"'],
    [[1, 2], 'an array of 2'],
    [new Int32Array(3), 'an Int32Array'],
    [{}, 'an object'],
    [new Map(), 'a Map'],
    [() => 1, 'a function'],
  ])('%p is %p', (value, text) => {
    expect(describeValue(value)).toBe(text);
  });
});
