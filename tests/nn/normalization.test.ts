/**
 * Normalization layers and their functional forms (src/nn/normalization.ts,
 * src/nn/functional/normalization.ts) against real PyTorch: tests/golden/gen_normalization.py writes
 * tests/golden/normalization.json (values, gradients, running statistics after each step, grad_fn
 * names, reprs, errors) and normalization-state.safetensors (a trained BatchNorm2d's state dict).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../../src/index';
import { Tensor, nn } from '../../src/index';
import type { FloatDType } from '../../src/dtype';
import * as F from '../../src/nn/functional/normalization';
import { BatchNorm1d, BatchNorm2d, GroupNorm, InstanceNorm2d, LayerNorm, LocalResponseNorm, RMSNorm } from '../../src/nn/normalization';
import { parseSafetensors, serializeSafetensors } from '../../src/serialization/safetensors';
import { pyValue, typedArray } from '../helpers';

const { grad, gradcheck, gradgradcheck } = torch.autograd;

type Num = number | 'nan' | 'inf' | '-inf';
interface Stored {
  shape: number[];
  dtype: 'float32' | 'float64' | 'int32';
  data: Num[];
}
interface Step {
  mode: 'train' | 'eval';
  input: string;
  output: string;
  gradFn: string;
  gradOutput: string;
  grads: Record<string, string | null>;
  state: Record<string, string>;
}
interface ModuleCase {
  name: string;
  module: string;
  args: (number | number[])[];
  options: Record<string, number | boolean | null>;
  dtype: FloatDType;
  repr: string;
  initial: Record<string, string>;
  steps: Step[];
}
interface FunctionalCase {
  name: string;
  fn: string;
  dtype: FloatDType;
  input: string;
  tensors: Record<string, string>;
  options: Record<string, unknown>;
  output: string;
  gradFn: string;
  gradOutput: string;
  grads: Record<string, string>;
  after: Record<string, string>;
}
const golden = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'golden', 'normalization.json'), 'utf8')) as {
  torch: string;
  tensors: Record<string, Stored>;
  modules: ModuleCase[];
  functional: FunctionalCase[];
  errors: Record<string, string>;
  state: {
    keys: string[];
    dtypes: Record<string, string>;
    evalInput: string;
    evalOutput: string;
    trainInput: string;
    trainOutput: string;
    trainState: Record<string, string>;
  };
};
const STATE_FILE = path.join(__dirname, '..', 'golden', 'normalization-state.safetensors');

function load(name: string): Tensor {
  const t = golden.tensors[name];
  if (!t) throw new Error(`normalization.json has no tensor ${name}`);
  return new Tensor(typedArray(t.dtype, t.data.map(pyValue)), t.shape, t.dtype);
}

function loadState(names: Record<string, string>): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(names).map(([k, v]) => [k, load(v)]));
}

/** Tolerances: float64 agrees to rounding; float32 to float32's rounding of sums of a few dozen terms. */
function tolerance(dtype: string): [number, number] {
  return dtype === 'float32' ? [2e-5, 2e-5] : [1e-10, 1e-12];
}

function expectClose(actual: Tensor | null | undefined, expectedName: string, what: string): void {
  const e = golden.tensors[expectedName];
  if (!actual) throw new Error(`${what}: tsgrad has none, PyTorch has shape [${e.shape.join(', ')}]`);
  expect(actual.shape).toEqual(e.shape);
  expect(actual.dtype).toBe(e.dtype);
  const [rtol, atol] = tolerance(e.dtype);
  e.data.forEach((v, i) => {
    const want = pyValue(v);
    const got = actual.data[i];
    if (!(Math.abs(got - want) <= atol + rtol * Math.abs(want))) throw new Error(`${what}[${i}]: tsgrad ${got}, PyTorch ${want}`);
  });
}

function build(c: ModuleCase): nn.Module {
  const o = { ...c.options } as Record<string, never>;
  const [a, b] = c.args;
  switch (c.module) {
    case 'BatchNorm1d':
      return new BatchNorm1d(a as number, { ...o, dtype: c.dtype });
    case 'BatchNorm2d':
      return new BatchNorm2d(a as number, { ...o, dtype: c.dtype });
    case 'InstanceNorm2d':
      return new InstanceNorm2d(a as number, { ...o, dtype: c.dtype });
    case 'LayerNorm':
      return new LayerNorm(a, { ...o, dtype: c.dtype });
    case 'GroupNorm':
      return new GroupNorm(a as number, b as number, { ...o, dtype: c.dtype });
    case 'RMSNorm':
      return new RMSNorm(a, { ...o, dtype: c.dtype });
    case 'LocalResponseNorm':
      return new LocalResponseNorm(a as number, o);
    default:
      throw new Error(`unknown module ${c.module}`);
  }
}

describe(`normalization modules against PyTorch ${golden.torch}`, () => {
  test('the file covers every module, both dtypes, train and eval', () => {
    const kinds = new Set(golden.modules.map((c) => c.module));
    expect([...kinds].sort()).toEqual(['BatchNorm1d', 'BatchNorm2d', 'GroupNorm', 'InstanceNorm2d', 'LayerNorm', 'LocalResponseNorm', 'RMSNorm']);
    expect(new Set(golden.modules.map((c) => c.dtype))).toEqual(new Set(['float32', 'float64']));
    expect(golden.modules.flatMap((c) => c.steps).filter((s) => s.mode === 'eval').length).toBeGreaterThan(20);
  });

  test.each(golden.modules.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const m = build(c);
    expect(String(m)).toBe(c.repr);
    // PyTorch's state dict (parameters set away from their defaults) loads by PyTorch's keys
    expect(Object.keys(m.stateDict())).toEqual(Object.keys(c.initial));
    m.loadStateDict(loadState(c.initial));
    const params = m.namedParameters();
    c.steps.forEach((step, k) => {
      const where = `step ${k} (${step.mode})`;
      m.train(step.mode === 'train');
      const x = load(step.input).requiresGrad_();
      const out = (m as unknown as (x: Tensor) => Tensor)(x);
      expectClose(out, step.output, `${where} output`);
      expect(out.gradFn?.name).toBe(step.gradFn);
      const grads = grad(out, [x, ...params.map(([, p]) => p)], { gradOutputs: [load(step.gradOutput)], allowUnused: true });
      expectClose(grads[0], step.grads.input!, `${where} input grad`);
      params.forEach(([name], i) => {
        const want = step.grads[name];
        if (want === null) expect(grads[i + 1]).toBeNull();
        else expectClose(grads[i + 1], want, `${where} ${name} grad`);
      });
      // running statistics and num_batches_tracked after the step, under PyTorch's keys and dtypes
      const state = m.stateDict();
      expect(Object.keys(state)).toEqual(Object.keys(step.state));
      for (const [key, name] of Object.entries(step.state)) expectClose(state[key], name, `${where} ${key}`);
    });
  });
});

describe(`normalization functions against PyTorch ${golden.torch}`, () => {
  test.each(golden.functional.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const t = loadState(c.tensors);
    for (const k of ['weight', 'bias']) t[k]?.requiresGrad_();
    const x = load(c.input).requiresGrad_();
    const o = c.options;
    const weight = t.weight ?? null;
    const bias = t.bias ?? null;
    let out: Tensor;
    switch (c.fn) {
      case 'batchNorm':
        out = F.batchNorm(x, t.runningMean ?? null, t.runningVar ?? null, { weight, bias, ...o });
        break;
      case 'instanceNorm':
        out = F.instanceNorm(x, { runningMean: t.runningMean, runningVar: t.runningVar, weight, bias, ...o });
        break;
      case 'layerNorm':
        out = F.layerNorm(x, o.normalizedShape as number[], { weight, bias });
        break;
      case 'groupNorm':
        out = F.groupNorm(x, o.numGroups as number, { weight, bias, eps: o.eps as number });
        break;
      case 'rmsNorm':
        out = F.rmsNorm(x, o.normalizedShape as number[], { weight });
        break;
      case 'localResponseNorm':
        out = F.localResponseNorm(x, o.size as number);
        break;
      default:
        throw new Error(`unknown fn ${c.fn}`);
    }
    expectClose(out, c.output, 'output');
    expect(out.gradFn?.name).toBe(c.gradFn);
    const names = ['input', ...['weight', 'bias'].filter((k) => k in t)];
    const grads = grad(
      out,
      names.map((k) => (k === 'input' ? x : t[k])),
      { gradOutputs: [load(c.gradOutput)] },
    );
    names.forEach((k, i) => expectClose(grads[i], c.grads[k], `${k} grad`));
    for (const [k, name] of Object.entries(c.after)) expectClose(t[k], name, `${k} after the call`);
  });
});

describe('a PyTorch state dict in safetensors', () => {
  const bytes = new Uint8Array(fs.readFileSync(STATE_FILE));
  const parsed = parseSafetensors(bytes);

  test("loads into BatchNorm2d and gives PyTorch's eval and train outputs", () => {
    expect(Object.keys(parsed.tensors).sort()).toEqual([...golden.state.keys].sort());
    expect(parsed.dtypes.num_batches_tracked).toBe('I64');
    const bn = new BatchNorm2d(3);
    bn.loadStateDict(parsed.tensors);
    expect(bn.numBatchesTracked!.item()).toBe(3);
    expect(bn.numBatchesTracked!.dtype).toBe('int32');
    bn.eval();
    expectClose(bn(load(golden.state.evalInput)), golden.state.evalOutput, 'eval output');
    bn.train();
    expectClose(bn(load(golden.state.trainInput)), golden.state.trainOutput, 'train output');
    const state = bn.stateDict();
    expect(Object.keys(state)).toEqual(golden.state.keys);
    for (const [key, name] of Object.entries(golden.state.trainState)) expectClose(state[key], name, key);
  });

  test("stateDict has PyTorch's keys, shapes and dtypes, and writes back PyTorch's file byte for byte", () => {
    const bn = new BatchNorm2d(3);
    bn.loadStateDict(parsed.tensors);
    const state = bn.stateDict();
    expect(Object.keys(state)).toEqual(golden.state.keys);
    const tsDtype = { float32: 'float32', int64: 'int32' } as Record<string, string>;
    for (const key of golden.state.keys) {
      expect(state[key].shape).toEqual(parsed.tensors[key].shape);
      expect(state[key].dtype).toBe(tsDtype[golden.state.dtypes[key]]);
    }
    expect(state.num_batches_tracked.shape).toEqual([]);
    // PyTorch's file has no __metadata__ (parseSafetensors gives {}, which would be written as "__metadata__":{})
    expect(parsed.metadata).toEqual({});
    const written = serializeSafetensors(state, undefined, { dtypes: { num_batches_tracked: 'I64' } });
    expect(Buffer.from(written).equals(Buffer.from(bytes))).toBe(true);
    // without the dtypes option, num_batches_tracked is written as tsgrad holds it (I32), and reads back
    const again = parseSafetensors(serializeSafetensors(state));
    expect(again.dtypes.num_batches_tracked).toBe('I32');
    expect(again.tensors.num_batches_tracked.item()).toBe(3);
  });
});

describe("PyTorch's errors", () => {
  const x4 = torch.randn([2, 3, 4, 4]);
  const x3 = torch.randn([2, 3, 5]);
  const z = (n: number): Tensor => torch.zeros([n]);
  const o = (n: number): Tensor => torch.ones([n]);
  const calls: Record<string, () => unknown> = {
    'BatchNorm1d 4-D': () => new BatchNorm1d(3)(x4),
    'BatchNorm1d 1-D': () => new BatchNorm1d(3)(torch.randn([3])),
    'BatchNorm2d 3-D': () => new BatchNorm2d(3)(x3),
    'BatchNorm2d channels train': () => new BatchNorm2d(4)(x4),
    'BatchNorm2d channels eval': () => new BatchNorm2d(4).eval()(x4),
    'BatchNorm2d channels untracked': () => new BatchNorm2d(4, { trackRunningStats: false })(x4),
    'batchNorm running_mean': () => F.batchNorm(x4, z(4), o(3), { training: true }),
    'batchNorm running_var': () => F.batchNorm(x4, z(3), o(5), { training: true }),
    'batchNorm weight': () => F.batchNorm(x4, null, null, { weight: o(6), training: true }),
    'batchNorm bias': () => F.batchNorm(x4, null, null, { bias: o(7), training: true }),
    'batchNorm one value per channel': () => F.batchNorm(torch.randn([1, 3]), null, null, { training: true }),
    'BatchNorm1d one value per channel': () => new BatchNorm1d(3)(torch.randn([1, 3])),
    'batchNorm eval without running_mean': () => F.batchNorm(x4, null, null, { training: false }),
    'batchNorm running_mean only': () => F.batchNorm(x4, z(3), null, { training: true }),
    'batchNorm negative eps': () => F.batchNorm(x4, z(3), o(3), { eps: -1 }),
    'layerNorm shape': () => F.layerNorm(x3, [4]),
    'layerNorm shape 2': () => F.layerNorm(x3, [3, 4]),
    'layerNorm weight': () => F.layerNorm(x3, [5], { weight: o(4) }),
    'layerNorm bias': () => F.layerNorm(x3, [5], { bias: o(4) }),
    'layerNorm empty shape': () => F.layerNorm(x3, []),
    'LayerNorm module': () => new LayerNorm(4)(x3),
    'GroupNorm divisible': () => new GroupNorm(2, 3),
    'groupNorm divisible': () => F.groupNorm(x3, 2),
    'groupNorm 1-D': () => F.groupNorm(torch.randn([3]), 1),
    'groupNorm weight': () => F.groupNorm(x3, 3, { weight: o(4) }),
    'groupNorm one value': () => F.groupNorm(torch.randn([1, 3]), 3),
    'InstanceNorm2d 2-D': () => new InstanceNorm2d(3)(torch.randn([4, 3])),
    'InstanceNorm2d 5-D': () => new InstanceNorm2d(3)(torch.randn([1, 2, 3, 4, 5])),
    'InstanceNorm2d affine channels': () => new InstanceNorm2d(4, { affine: true })(x4),
    'InstanceNorm2d one spatial element': () => new InstanceNorm2d(3)(torch.randn([2, 3, 1, 1])),
    'instanceNorm running_mean': () => F.instanceNorm(x4, { runningMean: z(4), runningVar: o(4) }),
    'instanceNorm no running statistics': () => F.instanceNorm(x4, { useInputStats: false }),
    'rmsNorm weight': () => F.rmsNorm(x3, [5], { weight: o(4) }),
    'localResponseNorm 2-D': () => F.localResponseNorm(torch.randn([4, 3]), 2),
  };
  /** PyTorch's message in tsgrad's words: torch.Size([1, 3]) is [1, 3], runs of spaces are one. */
  const normalize = (message: string): string => message.replace(/torch\.Size\((\[[^\]]*\])\)/g, '$1').replace(/\s+/g, ' ');

  test('every recorded error has its tsgrad call', () => {
    expect(Object.keys(calls).sort()).toEqual(Object.keys(golden.errors).sort());
  });

  test.each(Object.entries(golden.errors))('%s', (name, message) => {
    expect(calls[name]).toThrow(normalize(message));
  });

  test('RMSNorm names the shape it expects (PyTorch writes [*4] for [*, 4])', () => {
    expect(() => F.rmsNorm(x3, [4])).toThrow('rmsNorm: Given normalized_shape=[4], expected input with shape [*, 4], but got input of size[2, 3, 5]');
    expect(() => new RMSNorm(4)(x3)).toThrow('expected input with shape [*, 4]');
  });

  test('what tsgrad rejects on its own: integer inputs, mixed dtypes, 1-D batch norm, bad sizes and options', () => {
    const ints = torch.ones([2, 3, 2], { dtype: 'int32' });
    expect(() => new BatchNorm1d(3)(ints)).toThrow('batchNorm: input must be a floating point tensor, got int32');
    expect(() => F.layerNorm(ints, [2])).toThrow('layerNorm: input must be a floating point tensor, got int32');
    expect(() => F.groupNorm(ints, 3)).toThrow('groupNorm: input must be a floating point tensor, got int32');
    expect(() => F.rmsNorm(ints, [2])).toThrow('rmsNorm: input must be a floating point tensor, got int32');
    expect(() => F.localResponseNorm(ints, 2)).toThrow('localResponseNorm: input must be a floating point tensor, got int32');
    expect(() => new BatchNorm1d(3, { dtype: 'float64' })(torch.randn([4, 3]))).toThrow('batchNorm: running_mean has dtype float64 but the input is float32');
    expect(() => F.layerNorm(torch.randn([2, 3]), [3], { weight: torch.ones([3], { dtype: 'float64' }) })).toThrow(
      'layerNorm: weight has dtype float64 but the input is float32',
    );
    expect(() => F.batchNorm(torch.randn([5]), null, null, { training: true })).toThrow(
      'batchNorm: expected an input of shape (N, C) or (N, C, *), got shape [5]',
    );
    expect(() => F.batchNorm(x4, null, null, { training: true, eps: 0 })).toThrow('batch_norm eps must be positive during training, but got 0');
    expect(() => F.batchNorm(x4, null, null, { training: true, momentum: null as never })).toThrow('batchNorm: momentum must be a number, got null');
    expect(() => F.batchNorm(x4, z(3).requiresGrad_(), o(3))).toThrow('batchNorm: batch norm is not differentiable with respect to running_mean');
    expect(() => F.batchNorm(x4, null, null, { trainng: true } as never)).toThrow("batchNorm: unknown option 'trainng'; did you mean 'training'?");
    expect(() => F.groupNorm(x3, 0)).toThrow('groupNorm: numGroups must be at least 1, got 0');
    expect(() => F.localResponseNorm(x3, 0)).toThrow('localResponseNorm: size must be at least 1, got 0');
    expect(() => new BatchNorm2d(-1)).toThrow('BatchNorm2d: numFeatures must be a whole number >= 0, got -1');
    expect(() => new BatchNorm2d(3, { trackRunningStat: false } as never)).toThrow("did you mean 'trackRunningStats'?");
    expect(() => new GroupNorm(0, 3)).toThrow('GroupNorm: numGroups must be a whole number >= 1, got 0');
    expect(() => new LayerNorm([2, -1])).toThrow('LayerNorm: normalizedShape[1] must be a whole number >= 0, got -1');
    expect(() => new LocalResponseNorm(0)).toThrow('LocalResponseNorm: size must be at least 1, got 0');
    expect(() => new BatchNorm2d(3)('x' as never)).toThrow('BatchNorm2d: input must be a Tensor, got string "x"');
  });
});

describe('running statistics and numBatchesTracked', () => {
  test('a rejected input changes no running statistic and counts no batch', () => {
    const bn = new BatchNorm1d(3);
    expect(() => bn(torch.randn([1, 3]))).toThrow(/more than 1 value per channel/);
    expect(bn.numBatchesTracked!.item()).toBe(0);
    expect(Array.from(bn.runningVar!.data)).toEqual([1, 1, 1]);
  });

  test('numBatchesTracked is int32 and stops with an Error at the int32 limit, changing nothing', () => {
    const bn = new BatchNorm1d(2, { momentum: null });
    bn.numBatchesTracked!.data[0] = 2147483646;
    bn(torch.randn([4, 2]));
    expect(bn.numBatchesTracked!.item()).toBe(2147483647);
    const mean = Array.from(bn.runningMean!.data);
    expect(() => bn(torch.randn([4, 2]))).toThrow('BatchNorm1d: numBatchesTracked is 2147483647, the int32 limit');
    expect(Array.from(bn.runningMean!.data)).toEqual(mean);
    // eval mode counts nothing and needs no check
    bn.eval();
    expect(bn(torch.randn([4, 2])).shape).toEqual([4, 2]);
  });

  test('momentum null is the cumulative average of the batch statistics', () => {
    const bn = new BatchNorm1d(1, { momentum: null, affine: false, dtype: 'float64' });
    const batches = [
      [1, 3],
      [2, 6],
      [0, 10],
    ];
    for (const b of batches) bn(torch.tensor(b, { dtype: 'float64' }).reshape([2, 1]));
    // means 2, 4, 5 -> 11/3; unbiased variances 2, 8, 50 -> 20
    expect(bn.runningMean!.item()).toBeCloseTo(11 / 3, 14);
    expect(bn.runningVar!.item()).toBeCloseTo(20, 12);
    expect(bn.numBatchesTracked!.item()).toBe(3);
  });

  test('trackRunningStats false: no buffers, batch statistics in eval too; InstanceNorm counts no batches', () => {
    const bn = new BatchNorm2d(3, { trackRunningStats: false });
    expect(bn.runningMean).toBeNull();
    expect(Object.keys(bn.stateDict())).toEqual(['weight', 'bias']);
    expect(bn.buffers()).toEqual([]);
    const x = torch.randn([2, 3, 2, 2]);
    expect(torch.allclose(bn.eval()(x), bn.train()(x))).toBe(true);
    const inorm = new InstanceNorm2d(3, { trackRunningStats: true });
    inorm(x);
    expect(inorm.numBatchesTracked!.item()).toBe(0);
    expect(Object.keys(inorm.stateDict())).toEqual(['running_mean', 'running_var', 'num_batches_tracked']);
  });

  test('to(float64) converts the running statistics, not the counter; forward uses the converted ones', () => {
    const bn = new BatchNorm2d(2);
    bn(torch.randn([3, 2, 2, 2]));
    const mean = Array.from(bn.runningMean!.data);
    bn.to('float64');
    expect(bn.runningMean!.dtype).toBe('float64');
    expect(bn.runningVar!.dtype).toBe('float64');
    expect(bn.numBatchesTracked!.dtype).toBe('int32');
    expect(Array.from(bn.runningMean!.data)).toEqual(mean);
    bn(torch.randn([3, 2, 2, 2], { dtype: 'float64' }));
    expect(bn.numBatchesTracked!.item()).toBe(2);
    expect(bn.stateDict().running_mean.dtype).toBe('float64');
  });

  test('resetRunningStats and resetParameters', () => {
    const bn = new BatchNorm1d(2);
    bn(torch.randn([4, 2]));
    bn.weight!.data.fill(3);
    bn.resetParameters();
    expect(Array.from(bn.runningMean!.data)).toEqual([0, 0]);
    expect(Array.from(bn.runningVar!.data)).toEqual([1, 1]);
    expect(bn.numBatchesTracked!.item()).toBe(0);
    expect(Array.from(bn.weight!.data)).toEqual([1, 1]);
  });

  test('InstanceNorm2d warns when the channels differ from numFeatures without affine (as PyTorch)', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      expect(new InstanceNorm2d(4)(torch.randn([2, 3, 2, 2])).shape).toEqual([2, 3, 2, 2]);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining("input's size at dim=1 does not match num_features"));
    } finally {
      warn.mockRestore();
    }
  });

  test('empty batches: batch norm leaves the running statistics alone', () => {
    const rm = torch.full([3], 0.5);
    const rv = torch.full([3], 2, { dtype: 'float32' });
    expect(F.batchNorm(torch.randn([0, 3]), rm, rv, { training: true }).shape).toEqual([0, 3]);
    expect(Array.from(rm.data)).toEqual([0.5, 0.5, 0.5]);
    expect(Array.from(rv.data)).toEqual([2, 2, 2]);
    expect(F.layerNorm(torch.randn([0, 3]), [3]).shape).toEqual([0, 3]);
  });
});

describe('registerBuffer with a key (the state-dict name PyTorch uses)', () => {
  class Stats extends nn.Module {
    declare runningTotal: Tensor;
    declare scratchPad: Tensor;
    w = new nn.Parameter(torch.ones([1]));
    constructor() {
      super();
      this.registerBuffer('runningTotal', torch.zeros([2]), { key: 'running_total' });
      this.registerBuffer('scratchPad', torch.zeros([1]), { key: 'scratch_pad', persistent: false });
    }
    forward(x: Tensor): Tensor {
      return x;
    }
  }

  test('the key names the buffer in stateDict, namedBuffers and loadStateDict; the field keeps its name', () => {
    const m = new Stats();
    expect(Object.keys(m.stateDict())).toEqual(['w', 'running_total']);
    expect(m.namedBuffers().map(([k]) => k)).toEqual(['running_total', 'scratch_pad']);
    m.loadStateDict({ w: torch.ones([1]), running_total: torch.tensor([3, 4], { dtype: 'float32' }) });
    expect(Array.from(m.runningTotal.data)).toEqual([3, 4]);
    expect(() => m.loadStateDict({ w: torch.ones([1]), runningTotal: torch.zeros([2]) })).toThrow('Missing key(s) in state_dict: "running_total".');
    m.to('float64');
    expect(m.runningTotal.dtype).toBe('float64');
    expect(m.scratchPad.dtype).toBe('float64');
    expect((m as unknown as Record<string, unknown>).running_total).toBeUndefined();
  });

  test('a key taken by another buffer or attribute, or not a name, is an Error', () => {
    const m = new Stats();
    expect(() => m.registerBuffer('other', torch.zeros([1]), { key: 'running_total' })).toThrow(
      'registerBuffer: key "running_total" is already the key of buffer "runningTotal" on Stats',
    );
    expect(() => m.registerBuffer('other', torch.zeros([1]), { key: 'w' })).toThrow('registerBuffer: key "w" is the name of attribute "w" of Stats');
    expect(() => m.registerBuffer('other', torch.zeros([1]), { key: 'a.b' })).toThrow(
      'registerBuffer: key must be a non-empty string without ".", got string "a.b"',
    );
    expect(() => m.registerBuffer('other', torch.zeros([1]), { key: 3 as never })).toThrow('key must be a non-empty string without ".", got 3');
    // registering the same field again with its key replaces the buffer
    m.registerBuffer('runningTotal', torch.ones([2]), { key: 'running_total' });
    expect(Array.from(m.stateDict().running_total.data)).toEqual([1, 1]);
  });
});

describe('gradients: finite differences (float64), train and eval', () => {
  let seed = 100;
  const rnd = (shape: number[], kind: 'normal' | 'positive' = 'normal'): Tensor => {
    const generator = new torch.Generator(seed++);
    const t = kind === 'positive' ? torch.rand(shape, { dtype: 'float64', generator }).add(0.5) : torch.randn(shape, { dtype: 'float64', generator });
    return t.requiresGrad_();
  };
  const stats = (c: number): [Tensor, Tensor] => [rnd([c]).detach(), rnd([c], 'positive').detach()];
  type Case = [string, (...xs: Tensor[]) => Tensor, () => Tensor[]];
  const [rm, rv] = stats(3);
  const cases: Case[] = [
    [
      'batchNorm train, weight and bias',
      (x, w, b) => F.batchNorm(x, null, null, { weight: w, bias: b, training: true }),
      () => [rnd([3, 3, 2]), rnd([3], 'positive'), rnd([3])],
    ],
    ['batchNorm train, no affine, (N, C)', (x) => F.batchNorm(x, null, null, { training: true }), () => [rnd([4, 3])]],
    ['batchNorm eval, weight and bias', (x, w, b) => F.batchNorm(x, rm, rv, { weight: w, bias: b }), () => [rnd([2, 3, 2, 2]), rnd([3], 'positive'), rnd([3])]],
    ['batchNorm eval, weight only', (x, w) => F.batchNorm(x, rm, rv, { weight: w }), () => [rnd([2, 3, 2]), rnd([3], 'positive')]],
    ['layerNorm, weight and bias', (x, w, b) => F.layerNorm(x, [2, 3], { weight: w, bias: b }), () => [rnd([2, 2, 3]), rnd([2, 3], 'positive'), rnd([2, 3])]],
    ['layerNorm, no affine', (x) => F.layerNorm(x, [4]), () => [rnd([3, 4])]],
    ['groupNorm 2 groups, weight and bias', (x, w, b) => F.groupNorm(x, 2, { weight: w, bias: b }), () => [rnd([2, 4, 3]), rnd([4], 'positive'), rnd([4])]],
    ['groupNorm 1 group, bias only', (x, b) => F.groupNorm(x, 1, { bias: b }), () => [rnd([2, 3, 2]), rnd([3])]],
    ['instanceNorm, weight and bias', (x, w, b) => F.instanceNorm(x, { weight: w, bias: b }), () => [rnd([2, 2, 3]), rnd([2], 'positive'), rnd([2])]],
    [
      'instanceNorm eval (running statistics)',
      (x, w) => F.instanceNorm(x, { runningMean: rm, runningVar: rv, weight: w, useInputStats: false }),
      () => [rnd([2, 3, 2]), rnd([3], 'positive')],
    ],
    ['rmsNorm, weight', (x, w) => F.rmsNorm(x, [3], { weight: w }), () => [rnd([2, 3]), rnd([3], 'positive')]],
    ['rmsNorm 2 dims, eps 1e-6', (x) => F.rmsNorm(x, [2, 2], { eps: 1e-6 }), () => [rnd([3, 2, 2])]],
    ['localResponseNorm size 3', (x) => F.localResponseNorm(x, 3, { alpha: 0.5, beta: 0.8, k: 1.5 }), () => [rnd([2, 4, 3])]],
    ['localResponseNorm 4-D size 2', (x) => F.localResponseNorm(x, 2, { alpha: 1 }), () => [rnd([1, 3, 2, 2])]],
  ];

  test.each(cases)('gradcheck %s', (_name, fn, inputs) => {
    expect(gradcheck(fn, inputs())).toBe(true);
  });

  test.each(cases)('gradgradcheck %s', (_name, fn, inputs) => {
    expect(gradgradcheck(fn, inputs())).toBe(true);
  });

  test.each(cases)('the storage backward agrees with the one made of ops: %s', (_name, fn, inputs) => {
    const xs = inputs();
    const out = fn(...xs);
    const g = torch.randn(out.shape, { dtype: 'float64', generator: new torch.Generator(7) });
    const fast = grad(out, xs, { gradOutputs: [g], retainGraph: true });
    const graph = grad(out, xs, { gradOutputs: [g], createGraph: true });
    xs.forEach((_x, i) => {
      expect(graph[i]!.shape).toEqual(fast[i]!.shape);
      for (let j = 0; j < fast[i]!.numel(); j++) expect(graph[i]!.data[j]).toBeCloseTo(fast[i]!.data[j], 12);
    });
  });

  test('modules: gradcheck through BatchNorm2d in train and eval mode, and through GroupNorm and LayerNorm', () => {
    const bn = new BatchNorm2d(2, { dtype: 'float64', trackRunningStats: false });
    expect(gradcheck((x) => bn(x), [rnd([2, 2, 2, 2])])).toBe(true);
    const tracked = new BatchNorm2d(2, { dtype: 'float64' });
    tracked(rnd([3, 2, 2, 2]).detach());
    tracked.eval();
    expect(gradgradcheck((x) => tracked(x), [rnd([2, 2, 2, 2])])).toBe(true);
    const gn = new GroupNorm(2, 4, { dtype: 'float64' });
    expect(gradgradcheck((x) => gn(x), [rnd([2, 4, 2])])).toBe(true);
  });

  test('second derivatives of batch norm in training: d/dx of the input gradient matches finite differences of it', () => {
    const w = rnd([3], 'positive');
    const v = rnd([3, 3]).detach();
    // gradcheck's finite differences run fn under noGrad; the inner gradient needs a graph
    const fn = (x: Tensor): Tensor =>
      torch.autograd.enableGrad(() => {
        const y = F.batchNorm(x, null, null, { weight: w, training: true });
        const [gx] = grad(y.mul(v).sum(), [x], { createGraph: true });
        return gx!;
      });
    expect(gradcheck(fn, [rnd([3, 3])])).toBe(true);
  });
});

describe('float32', () => {
  test('batch norm of large offsets keeps float32 precision (float64 statistics, no E[x^2] - E[x]^2)', () => {
    const x = torch.tensor([10000.5, 10001.5, 10002.5, 10003.5], { dtype: 'float32' }).reshape([4, 1]);
    const y = F.batchNorm(x, null, null, { training: true, eps: 0.0001 });
    // mean 10002, biased variance 1.25: y = (x - 10002) / sqrt(1.25 + 1e-4)
    const expected = [-1.5, -0.5, 0.5, 1.5].map((d) => d / Math.sqrt(1.2501));
    Array.from(y.data).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
  });
});
