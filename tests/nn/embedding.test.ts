/**
 * Embedding and EmbeddingBag (src/nn/sparse.ts, src/nn/functional/embedding.ts) against real PyTorch:
 * tests/golden/gen_embedding.py writes tests/golden/embedding.json (weights, outputs, gradients, the
 * weights after maxNorm's in-place renormalisation, double-backward values, grad_fn names, reprs and
 * errors). Initialisation cannot match PyTorch's random stream and is tested by its statistics.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../../src/index';
import { Generator, Tensor, nn } from '../../src/index';
import * as F from '../../src/nn/functional/embedding';
import { Embedding, EmbeddingBag } from '../../src/nn/sparse';
import { pyValue, typedArray, values } from '../helpers';

const { grad, gradcheck, gradgradcheck } = torch.autograd;

type Num = number | 'nan' | 'inf' | '-inf';
interface Stored {
  shape: number[];
  dtype: 'float32' | 'float64' | 'int32';
  data: Num[];
}
type Options = Record<string, number | boolean | string | null>;
interface EmbeddingCase {
  name: string;
  dtype: string;
  weight: string;
  input: string;
  options: Options;
  output: string;
  gradFn: string;
  gradOutput: string;
  gradWeight: string;
  weightAfter: string;
  double?: { v: string; gradGradOutput: string; gradWeightGradFn: string };
}
interface BagCase {
  name: string;
  dtype: string;
  weight: string;
  input: string;
  offsets: string | null;
  perSampleWeights: string | null;
  options: Options;
  output: string;
  gradFn: string;
  gradOutput: string;
  gradWeight: string;
  gradPerSampleWeights: string | null;
  weightAfter: string;
  /** With scaleGradByFreq: PyTorch's own weight gradient, divided by the wrong counts (gradWeight is the reference). */
  torchGradWeight?: string;
}
interface ModuleCase {
  module: 'Embedding' | 'EmbeddingBag';
  args: [number, number];
  options: Options;
  repr: string;
  paddingIdx?: number;
}
interface PretrainedCase {
  freeze: boolean;
  paddingIdx: number | null;
  repr: string;
  requiresGrad: boolean;
  input: string;
  output: string;
  gradOutput?: string;
  gradWeight?: string;
}
const golden = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'golden', 'embedding.json'), 'utf8')) as {
  torch: string;
  tensors: Record<string, Stored>;
  embedding: EmbeddingCase[];
  embeddingBag: BagCase[];
  modules: ModuleCase[];
  pretrained: { weight: string; embedding: PretrainedCase[]; bag: { repr: string; requiresGrad: boolean; input: string; output: string } };
  errors: Record<string, string>;
};

function load(name: string): Tensor {
  const t = golden.tensors[name];
  if (!t) throw new Error(`embedding.json has no tensor ${name}`);
  return new Tensor(typedArray(t.dtype, t.data.map(pyValue)), t.shape, t.dtype);
}

/** Options from the JSON: numbers stored by Python as 'inf' and the like become numbers. */
function optionsOf(o: Options): Options {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'string' && k !== 'mode' ? pyValue(v) : v]));
}

function expectClose(actual: Tensor | null | undefined, expectedName: string, what: string): void {
  const e = golden.tensors[expectedName];
  if (!actual) throw new Error(`${what}: tsgrad has none, PyTorch has shape [${e.shape.join(', ')}]`);
  expect(actual.shape).toEqual(e.shape);
  expect(actual.dtype).toBe(e.dtype);
  const [rtol, atol] = e.dtype === 'float32' ? [1e-6, 1e-6] : [1e-12, 1e-14];
  e.data.forEach((v, i) => {
    const want = pyValue(v);
    const got = actual.data[i];
    if (!(Math.abs(got - want) <= atol + rtol * Math.abs(want))) throw new Error(`${what}[${i}]: tsgrad ${got}, PyTorch ${want}`);
  });
}

/** A leaf copy of a stored weight that requires grad. */
const leaf = (name: string): Tensor => load(name).requiresGrad_();

describe(`F.embedding against PyTorch ${golden.torch}`, () => {
  test.each(golden.embedding.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const w = leaf(c.weight);
    const options = optionsOf(c.options) as F.EmbeddingOptions;
    const y = F.embedding(load(c.input), w, options);
    expectClose(y, c.output, 'output');
    expect(y.gradFn?.name).toBe(c.gradFn);
    y.backward(load(c.gradOutput));
    expectClose(w.grad, c.gradWeight, 'weight.grad');
    expectClose(w, c.weightAfter, 'weight after the call');
    if (!c.double) return;
    // dW as a function of the upstream gradient, differentiated again
    const w2 = load(c.weightAfter).requiresGrad_();
    const gg = load(c.gradOutput).requiresGrad_();
    const { maxNorm: _maxNorm, ...rest } = options;
    const [dw] = grad(F.embedding(load(c.input), w2, rest), w2, { gradOutputs: gg, createGraph: true });
    expect(dw!.gradFn?.name).toBe(c.double.gradWeightGradFn);
    const [ddg] = grad(dw!, gg, { gradOutputs: load(c.double.v) });
    expectClose(ddg, c.double.gradGradOutput, 'd<dW, v>/dg');
  });

  test('the file covers padding, frequency scaling, every norm type, both dtypes', () => {
    const options = golden.embedding.map((c) => c.options);
    expect(options.some((o) => o.paddingIdx !== undefined && o.scaleGradByFreq === true)).toBe(true);
    expect(new Set(options.map((o) => o.normType).filter((n) => n !== undefined))).toEqual(new Set([1, 3, 'inf']));
    expect(new Set(golden.embedding.map((c) => c.dtype))).toEqual(new Set(['float32', 'float64']));
  });
});

describe(`F.embeddingBag against PyTorch ${golden.torch}`, () => {
  test.each(golden.embeddingBag.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const w = leaf(c.weight);
    const psw = c.perSampleWeights === null ? null : leaf(c.perSampleWeights);
    const offsets = c.offsets === null ? null : load(c.offsets);
    const y = F.embeddingBag(load(c.input), w, offsets, { ...(optionsOf(c.options) as F.EmbeddingBagOptions), perSampleWeights: psw });
    expectClose(y, c.output, 'output');
    expect(y.gradFn?.name).toBe(c.gradFn);
    y.backward(load(c.gradOutput));
    expectClose(w.grad, c.gradWeight, 'weight.grad');
    if (c.gradPerSampleWeights !== null) expectClose(psw!.grad, c.gradPerSampleWeights, 'perSampleWeights.grad');
    expectClose(w, c.weightAfter, 'weight after the call');
    if (c.torchGradWeight !== undefined) {
      // NOTE: PyTorch's CPU embedding_bag divides the k-th distinct index's gradient by the count of the
      // index at sorted position k; tsgrad divides by the index's own count, as F.embedding does. While
      // PyTorch's differs from the reference, this note holds.
      const ours = values(w.grad!);
      expect(load(c.torchGradWeight).data.some((v, i) => Math.abs(v - ours[i]) > 1e-6)).toBe(true);
    }
  });

  test('the file covers every mode with padding, maxNorm, includeLastOffset and both dtypes', () => {
    for (const mode of ['sum', 'mean', 'max']) {
      const cases = golden.embeddingBag.filter((c) => c.options.mode === mode);
      expect(cases.some((c) => c.options.paddingIdx !== undefined)).toBe(true);
      expect(cases.some((c) => c.options.maxNorm !== undefined)).toBe(true);
      expect(cases.some((c) => c.options.includeLastOffset === true)).toBe(true);
      expect(new Set(cases.map((c) => c.dtype))).toEqual(new Set(['float32', 'float64']));
    }
  });
});

describe('modules: reprs, padding rows, from_pretrained', () => {
  test.each(golden.modules.map((c) => [c.repr, c] as const))('%s', (_repr, c) => {
    const options = optionsOf(c.options);
    const m = c.module === 'Embedding' ? new Embedding(...c.args, options) : new EmbeddingBag(...c.args, options as never);
    expect(String(m)).toBe(c.repr);
    expect(m.paddingIdx).toBe(c.paddingIdx ?? null);
    expect(m.weight.shape).toEqual(c.args);
    if (m.paddingIdx !== null) {
      const d = c.args[1];
      expect(values(m.weight).slice(m.paddingIdx * d, (m.paddingIdx + 1) * d)).toEqual(new Array(d).fill(0));
    }
  });

  test.each(golden.pretrained.embedding.map((c) => [c.repr + (c.freeze ? ' frozen' : ''), c] as const))('Embedding.fromPretrained: %s', (_r, c) => {
    const weight = load(golden.pretrained.weight);
    const m = Embedding.fromPretrained(weight, { freeze: c.freeze, paddingIdx: c.paddingIdx });
    expect(String(m)).toBe(c.repr);
    expect(m.weight.requiresGrad).toBe(c.requiresGrad);
    // the weight's storage is shared, not copied, and the padding row is left as given
    expect(m.weight.data).toBe(weight.data);
    const y = m(load(c.input));
    expectClose(y, c.output, 'output');
    if (c.gradOutput === undefined) {
      expect(y.requiresGrad).toBe(false);
      return;
    }
    y.backward(load(c.gradOutput));
    expectClose(m.weight.grad, c.gradWeight!, 'weight.grad');
  });

  test('EmbeddingBag.fromPretrained', () => {
    const c = golden.pretrained.bag;
    const m = EmbeddingBag.fromPretrained(load(golden.pretrained.weight), { mode: 'max', freeze: false });
    expect(String(m)).toBe(c.repr);
    expect(m.weight.requiresGrad).toBe(c.requiresGrad);
    expectClose(m(load(c.input)), c.output, 'output');
    expect(EmbeddingBag.fromPretrained(load(golden.pretrained.weight)).weight.requiresGrad).toBe(false);
  });

  test('initialisation: N(0, 1) from the default generator or the given one, the padding row zero', () => {
    const m = new Embedding(2000, 50, { paddingIdx: 3 });
    const v = values(m.weight);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1));
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(std - 1)).toBeLessThan(0.01);
    expect(v.slice(150, 200)).toEqual(new Array(50).fill(0));
    expect(m.weight.requiresGrad).toBe(true);
    expect(m.weight.dtype).toBe('float32');
    const a = new Embedding(5, 3, { generator: new Generator(1) });
    const b = new Embedding(5, 3, { generator: new Generator(1) });
    expect(values(a.weight)).toEqual(values(b.weight));
    torch.manualSeed(7);
    const c = new EmbeddingBag(5, 3, { paddingIdx: 0 });
    torch.manualSeed(7);
    expect(values(new EmbeddingBag(5, 3, { paddingIdx: 0 }).weight)).toEqual(values(c.weight));
    expect(values(c.weight).slice(0, 3)).toEqual([0, 0, 0]);
    expect(new Embedding(4, 2, { dtype: 'float64' }).weight.dtype).toBe('float64');
  });

  test('parameters, state dict and printing inside a model', () => {
    class Model extends nn.Module {
      emb = new Embedding(10, 4, { paddingIdx: 0 });
      bag = new EmbeddingBag(10, 4, { mode: 'sum' });
      fc = new nn.Linear(4, 2);
      forward(x: Tensor): Tensor {
        return this.fc(this.emb(x).sum(1).add(this.bag(x)));
      }
    }
    const model = new Model();
    expect(model.namedParameters().map(([n]) => n)).toEqual(['emb.weight', 'bag.weight', 'fc.weight', 'fc.bias']);
    const state = model.stateDict();
    expect(Object.keys(state)).toEqual(['emb.weight', 'bag.weight', 'fc.weight', 'fc.bias']);
    const other = new Model();
    other.loadStateDict(state);
    expect(values(other.emb.weight)).toEqual(values(model.emb.weight));
    expect(String(model)).toBe(
      [
        'Model(',
        '  (emb): Embedding(10, 4, padding_idx=0)',
        "  (bag): EmbeddingBag(10, 4, mode='sum')",
        '  (fc): Linear(in_features=4, out_features=2, bias=True)',
        ')',
      ].join('\n'),
    );
    const x = torch.tensor(
      [
        [0, 3, 5],
        [2, 0, 0],
      ],
      { dtype: 'int32' },
    );
    model(x).sum().backward();
    // the padding row gets no gradient; rows looked up do
    expect(values(model.emb.weight.grad!).slice(0, 4)).toEqual([0, 0, 0, 0]);
    expect(
      values(model.emb.weight.grad!)
        .slice(12, 16)
        .some((g) => g !== 0),
    ).toBe(true);
    expect(
      values(model.bag.weight.grad!)
        .slice(0, 4)
        .some((g) => g !== 0),
    ).toBe(true);
  });

  test('a training step moves only the rows looked up (and never the padding row)', () => {
    const emb = new Embedding(6, 3, { paddingIdx: 1, generator: new Generator(2) });
    const before = values(emb.weight);
    const opt = new torch.optim.SGD(emb.parameters(), { lr: 0.5 });
    emb(torch.tensor([1, 4, 4], { dtype: 'int32' }))
      .pow(2)
      .sum()
      .backward();
    opt.step();
    const after = values(emb.weight);
    for (let r = 0; r < 6; r++) {
      const changed = [0, 1, 2].some((j) => after[r * 3 + j] !== before[r * 3 + j]);
      expect(changed).toBe(r === 4);
    }
  });
});

describe('maxNorm renormalises the rows looked up, in place', () => {
  test('rows above maxNorm are scaled to it (by maxNorm / (norm + 1e-7)); others and rows not looked up stay', () => {
    const w = torch.tensor(
      [
        [3, 4],
        [0.3, 0.4],
        [6, 8],
      ],
      { dtype: 'float64' },
    );
    const y = F.embedding(torch.tensor([0, 1], { dtype: 'int32' }), w, { maxNorm: 1 });
    const s = 1 / (5 + 1e-7);
    expect(values(w)).toEqual([3 * s, 4 * s, 0.3, 0.4, 6, 8]);
    expect(values(y)).toEqual([3 * s, 4 * s, 0.3, 0.4]);
  });

  test("the weight's version goes up, so a graph that saved it before says so on backward", () => {
    const m = new Embedding(4, 3, { maxNorm: 0.1, generator: new Generator(3) });
    const version = m.weight._version.value;
    const saved = m.weight.mul(m.weight); // mul saves the weight
    m(torch.tensor([0, 1], { dtype: 'int32' }));
    expect(m.weight._version.value).toBe(version + 1);
    expect(() => saved.sum().backward()).toThrow('modified by an in-place operation');
  });
});

describe('gradients of every order', () => {
  const w = (): Tensor => torch.randn([6, 3], { dtype: 'float64', requiresGrad: true, generator: new Generator(4) });
  const idx = torch.tensor(
    [
      [1, 4, 4],
      [5, 1, 0],
    ],
    { dtype: 'int32' },
  );

  test('embedding: gradcheck; gradgradcheck also with padding and frequency scaling', () => {
    expect(gradcheck((t) => F.embedding(idx, t), [w()])).toBe(true);
    expect(gradcheck((t) => F.embedding(idx.reshape([-1]), t), [w()])).toBe(true);
    // padding and frequency scaling change the gradient on purpose (it is no longer the derivative),
    // but the gradient is linear in g, and its own derivatives are checked
    for (const options of [{}, { paddingIdx: 4 }, { scaleGradByFreq: true }, { paddingIdx: 1, scaleGradByFreq: true }]) {
      // NOTE: with scaleGradByFreq this passes where PyTorch's fails: its double backward leaves out the 1/count
      expect(gradgradcheck((t) => F.embedding(idx, t, options), [w()])).toBe(true);
    }
    expect(() => gradcheck((t) => F.embedding(idx, t, { paddingIdx: 4 }), [w()])).toThrow('Jacobian mismatch');
  });

  test('embedding: the padding row gets no gradient, repeats accumulate, 1/count with scaleGradByFreq', () => {
    const weight = w();
    F.embedding(idx, weight, { paddingIdx: 5 }).sum().backward();
    expect(values(weight.grad!)).toEqual([1, 1, 1, 2, 2, 2, 0, 0, 0, 0, 0, 0, 2, 2, 2, 0, 0, 0]);
    const weight2 = w();
    F.embedding(idx, weight2, { scaleGradByFreq: true }).sum().backward();
    expect(values(weight2.grad!)).toEqual([1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
  });

  test('embeddingBag: gradcheck and gradgradcheck of every mode, with per-sample weights', () => {
    const input = torch.tensor([1, 4, 4, 5, 0, 2, 2], { dtype: 'int32' });
    const offsets = torch.tensor([0, 3, 3, 5], { dtype: 'int32' });
    for (const mode of ['sum', 'mean', 'max'] as const) {
      for (const paddingIdx of [null, 2]) {
        const fn = (t: Tensor): Tensor => F.embeddingBag(input, t, offsets, { mode, paddingIdx });
        expect(gradcheck(fn, [w()])).toBe(true);
        // NOTE: PyTorch has no double backward for embedding_bag ("the derivative for '_embedding_bag_backward' is not implemented")
        expect(gradgradcheck(fn, [w()])).toBe(true);
      }
    }
    const psw = torch.randn([7], { dtype: 'float64', requiresGrad: true, generator: new Generator(5) });
    const fn = (t: Tensor, p: Tensor): Tensor => F.embeddingBag(input, t, offsets, { mode: 'sum', perSampleWeights: p, paddingIdx: 2 });
    expect(gradcheck(fn, [w(), psw])).toBe(true);
    expect(gradgradcheck(fn, [w(), psw])).toBe(true);
    const freq = (t: Tensor): Tensor => F.embeddingBag(input, t, offsets, { mode: 'mean', scaleGradByFreq: true });
    expect(gradgradcheck(freq, [w()])).toBe(true);
    const last = (t: Tensor): Tensor => F.embeddingBag(input, t, torch.tensor([0, 2, 7], { dtype: 'int32' }), { mode: 'max', includeLastOffset: true });
    expect(gradcheck(last, [w()])).toBe(true);
  });

  test('embeddingBag: only the per-sample weights need grad', () => {
    const weight = torch.randn([6, 3], { dtype: 'float64', generator: new Generator(6) });
    const psw = torch.tensor([2, -1], { dtype: 'float64', requiresGrad: true });
    const y = F.embeddingBag(torch.tensor([3, 5], { dtype: 'int32' }), weight, torch.tensor([0], { dtype: 'int32' }), { mode: 'sum', perSampleWeights: psw });
    expect(y.gradFn?.name).toBe('EmbeddingBagBackward0');
    y.sum().backward();
    const rowSum = (r: number): number =>
      values(weight)
        .slice(r * 3, r * 3 + 3)
        .reduce((a, b) => a + b, 0);
    expect(psw.grad!.data[0]).toBeCloseTo(rowSum(3), 14);
    expect(psw.grad!.data[1]).toBeCloseTo(rowSum(5), 14);
  });
});

describe(`errors (PyTorch ${golden.torch}'s messages)`, () => {
  const E = golden.errors;
  const W = torch.randn(5, 3);
  const i32 = (data: number[] | number[][] | number[][][]): Tensor => torch.tensor(data, { dtype: 'int32' });

  test('F.embedding and nn.Embedding', () => {
    expect(() => F.embedding(i32([5]), W)).toThrow(`embedding: ${E['index out of range']}`);
    expect(() => F.embedding(i32([-1]), W)).toThrow(E['negative index']);
    // tsgrad's indices are int32, PyTorch's message names Long and Int
    expect(() => F.embedding(torch.tensor([1], { dtype: 'float32' }), W)).toThrow(
      "embedding: input must be an int32 tensor (PyTorch's Long or Int), got float32",
    );
    expect(E['float indices']).toContain("Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int");
    expect(() => F.embedding(i32([1]), torch.randn(5))).toThrow(E['weight not 2-D']);
    expect(() => F.embedding(i32([1]), W, { paddingIdx: 5 })).toThrow(E['functional paddingIdx too large']);
    expect(() => F.embedding(i32([1]), W, { paddingIdx: -6 })).toThrow(E['functional paddingIdx too small']);
    expect(() => new Embedding(10, 3, { paddingIdx: 10 })).toThrow(E['module paddingIdx too large']);
    expect(() => new Embedding(10, 3, { paddingIdx: -11 })).toThrow(E['module paddingIdx too small']);
    expect(() => new Embedding(10, 3, { _weight: torch.randn(3, 3) })).toThrow(E['_weight shape']);
    expect(() => Embedding.fromPretrained(torch.randn(3))).toThrow(E['fromPretrained 1-D']);
    expect(() => new Embedding(-1, 3)).toThrow('Embedding: numEmbeddings must be a whole number >= 0, got -1');
    expect(() => new Embedding(2.5, 3)).toThrow('Embedding: numEmbeddings must be a whole number >= 0, got 2.5');
    expect(() => new Embedding(3, 2, { sparse: true } as never)).toThrow('Embedding: sparse is not supported: tsgrad has no sparse tensors');
    expect(new Embedding(3, 2, { sparse: false } as never).sparse).toBe(false);
    expect(() => new Embedding(3, 2, { padding_idx: 0 } as never)).toThrow("Embedding: unknown option 'padding_idx'; did you mean 'paddingIdx'?");
    // nothing was renormalised by a call that failed its index check
    const w = torch.tensor([[3, 4]], { dtype: 'float64' });
    expect(() => F.embedding(i32([0, 1]), w, { maxNorm: 1 })).toThrow('index out of range in self');
    expect(values(w)).toEqual([3, 4]);
  });

  test('F.embeddingBag and nn.EmbeddingBag', () => {
    expect(() => new EmbeddingBag(10, 3, { paddingIdx: 10 })).toThrow(E['bag module paddingIdx']);
    expect(() => F.embeddingBag(i32([1, 2]), W)).toThrow(E['bag without offsets'].replace('None', 'null'));
    expect(() => F.embeddingBag(i32([[1, 2]]), W, i32([0]))).toThrow(
      'if input is 2D, then offsets has to be null, as input is treated is a mini-batch of fixed length sequences. However, found offsets of type Tensor of shape [1]',
    );
    expect(E['bag 2-D with offsets']).toContain('if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed length sequences');
    expect(() => F.embeddingBag(i32([1, 2]), W, i32([1]))).toThrow(E['bag offsets[0]']);
    expect(() => F.embeddingBag(i32([1, 2]), W, i32([0, 3]))).toThrow(E['bag offsets[-1]']);
    expect(() => F.embeddingBag(i32([1, 2]), W, i32([[0]]))).toThrow(E['bag offsets 2-D']);
    // PyTorch's own message here is an internal assertion ("Expected i < index_size to be true")
    expect(() => F.embeddingBag(i32([1, 2]), W, i32([0, 2, 1]))).toThrow('embeddingBag: offsets must not decrease, got offsets[1] = 2 and offsets[2] = 1');
    expect(() => F.embeddingBag(i32([1, 2]), W, i32([0]), { mode: 'mean', perSampleWeights: torch.rand(2) })).toThrow(
      "perSampleWeights is only supported for mode='sum' (got mode='mean'). Please open a feature request on GitHub.",
    );
    expect(E['bag perSampleWeights with mean']).toContain("per_sample_weights is only supported for mode='sum' (got mode='mean')");
    expect(() => F.embeddingBag(i32([1, 2]), W, i32([0]), { mode: 'sum', perSampleWeights: torch.rand(3) })).toThrow(
      'If perSampleWeights (shape [3]) is not null, then it must have the same shape as the input (shape [2])',
    );
    expect(E['bag perSampleWeights shape']).toContain('If per_sample_weights (torch.Size([3])) is not None, then it must have the same shape as the input');
    expect(() => F.embeddingBag(i32([1, 5]), W, i32([0]))).toThrow(E['bag index out of range']);
    expect(() => F.embeddingBag(i32([[[1]]]), W)).toThrow(E['bag input 3-D']);
    expect(() => F.embeddingBag(i32([1, 2]), W, i32([0]), { mode: 'avg' as never })).toThrow(E['bag mode']);
    expect(() => new EmbeddingBag(10, 3, { mode: 'avg' as never })).toThrow(E['bag mode']);
    expect(() => F.embeddingBag(i32([1, 2]), W, i32([0]), { mode: 'max', scaleGradByFreq: true })).toThrow(E['bag max with scaleGradByFreq']);
    expect(() => F.embeddingBag(i32([1, 2]), W, torch.tensor([0], { dtype: 'float32' }))).toThrow(
      "embeddingBag: offsets must be an int32 tensor (PyTorch's Long or Int), got float32",
    );
    expect(E['bag float offsets']).toContain('while checking arguments for embedding_bag');
    expect(() => F.embeddingBag(i32([1, 2]), W, i32([0]), { paddingIdx: 5 })).toThrow(E['bag functional paddingIdx']);
    expect(() => F.embeddingBag(i32([1, 2]), torch.randn(5), i32([0]))).toThrow(E['bag weight not 2-D']);
    expect(() => F.embeddingBag(i32([1, 2]), W, i32([0]), { mode: 'sum', perSampleWeights: torch.rand([2], { dtype: 'float64' }) })).toThrow(
      "Expected tensor for argument #1 'weight' to have the same type as tensor for argument #1 'per_sample_weights'; but type float32 does not equal float64",
    );
  });
});

describe('shapes and edge cases', () => {
  test('output shape is input.shape + [embeddingDim], for 0-d, empty and 3-D inputs', () => {
    const m = new Embedding(7, 4);
    expect(m(torch.tensor(3, { dtype: 'int32' })).shape).toEqual([4]);
    expect(m(torch.zeros([2, 0], { dtype: 'int32' })).shape).toEqual([2, 0, 4]);
    expect(m(torch.zeros([2, 3, 5], { dtype: 'int32' })).shape).toEqual([2, 3, 5, 4]);
  });

  test('EmbeddingBag: bags from a 2-D input, offsets with includeLastOffset, empty bags give zeros', () => {
    const weight = torch.tensor(
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      { dtype: 'float64' },
    );
    const bag = EmbeddingBag.fromPretrained(weight, { mode: 'sum', includeLastOffset: true });
    const y = bag(torch.tensor([0, 1, 2, 2], { dtype: 'int32' }), torch.tensor([0, 1, 1, 4], { dtype: 'int32' }));
    // bags [0], [], [1, 2, 2]
    expect(values(y)).toEqual([1, 2, 0, 0, 13, 16]);
    const mean = EmbeddingBag.fromPretrained(weight);
    expect(values(mean(torch.tensor([[0, 2]], { dtype: 'int32' })))).toEqual([3, 4]);
    const max = EmbeddingBag.fromPretrained(weight, { mode: 'max' });
    expect(values(max(torch.tensor([1, 0], { dtype: 'int32' }), torch.tensor([0, 2], { dtype: 'int32' })))).toEqual([3, 4, 0, 0]);
    const psw = torch.tensor([2, 0.5], { dtype: 'float64' });
    expect(values(bag.eval()(torch.tensor([0, 2], { dtype: 'int32' }), torch.tensor([0, 2], { dtype: 'int32' }), psw))).toEqual([4.5, 7]);
  });
});
