/**
 * onnx.export (src/onnx/): models exported with a dynamic batch axis, loaded in ONNX Runtime for the
 * web (onnxruntime-web on wasm, through tests/onnx/ort.ts) and run at batch sizes 1 and 7; their
 * outputs must match tsgrad's within 1e-5. The seed nets (NeuralNet1, NeuralNet2), an MLP, the CNN of
 * examples/mnist-cnn.ts, LeNet-5, and one case or more per exported op. Then the model's structure
 * (opset import, typed inputs and outputs, unique names, initializers by state-dict name), and the
 * Errors for ops without an ONNX form and for bad options.
 */
import * as torch from '../../src/index';
import { type Tensor } from '../../src/index';
import { decodeModel } from '../../src/onnx/proto';
import { EXPORTABLE_OPS, exportModel, type ExportOptions } from '../../src/onnx/export';
import { trace } from '../../src/jit/trace';
import { maxDiff, type OrtResult, runOrt } from './ort';
import { Net } from '../../examples/mnist-cnn';
import { NeuralNet1 } from '../../examples/neuralnet1-binary';
import { NeuralNet2 } from '../../examples/neuralnet2-multiclass';

const { nn } = torch;
const F = nn.functional;
const TOLERANCE = 1e-5;

// ---- the models ----

/** LeNet-5 (LeCun et al. 1998, as the PyTorch tutorials write it): 32x32 input, tanh and average pooling. */
class LeNet5 extends nn.Module {
  c1 = new nn.Conv2d(1, 6, 5);
  s2 = new nn.AvgPool2d(2);
  c3 = new nn.Conv2d(6, 16, 5);
  s4 = new nn.AvgPool2d(2);
  c5 = new nn.Linear(16 * 5 * 5, 120);
  f6 = new nn.Linear(120, 84);
  out = new nn.Linear(84, 10);
  forward(x: Tensor): Tensor {
    x = this.s2(torch.tanh(this.c1(x)));
    x = this.s4(torch.tanh(this.c3(x)));
    x = x.view(-1, 16 * 5 * 5);
    x = torch.tanh(this.c5(x));
    x = torch.tanh(this.f6(x));
    return F.softmax(this.out(x), 1);
  }
}

/** A module running `fn` on its input, with `parts` as submodules (their parameters become initializers). */
class Fn extends nn.Module {
  constructor(
    private readonly fn: (x: Tensor, self: Fn) => Tensor | Tensor[],
    readonly parts: InstanceType<typeof nn.Module>[] = [],
  ) {
    super();
  }
  forward(x: Tensor): Tensor | Tensor[] {
    return this.fn(x, this);
  }
  /** Runs part `i` on `x`. */
  part(i: number, x: Tensor): Tensor {
    return (this.parts[i] as unknown as (x: Tensor) => Tensor)(x);
  }
}

interface Case {
  name: string;
  model: InstanceType<typeof nn.Module>;
  /** The input shape without the batch dim. */
  shape: number[];
  options?: ExportOptions;
  /** Integer inputs in [0, int) instead of normal ones. */
  int?: number;
  /** Positive inputs (for log, sqrt, ...). */
  positive?: boolean;
}

const p = (t: Tensor): InstanceType<typeof nn.Parameter> => new nn.Parameter(t);

function cases(): Case[] {
  torch.manualSeed(1);
  const bn2 = new nn.BatchNorm2d(3);
  const bn1 = new nn.BatchNorm1d(4);
  // running statistics away from 0 and 1, then eval mode
  for (let i = 0; i < 3; i++) {
    bn2(torch.randn(5, 3, 4, 4).mul(2).add(1));
    bn1(torch.randn(5, 4).mul(3).sub(1));
  }
  const w = p(torch.randn(6, 5));
  const out: Case[] = [
    { name: 'NeuralNet1 (seed)', model: new NeuralNet1(28 * 28, 5), shape: [28 * 28] },
    { name: 'NeuralNet2 (seed)', model: new NeuralNet2(28 * 28, 5, 3), shape: [28 * 28] },
    {
      name: 'MLP',
      model: new nn.Sequential(
        new nn.Linear(20, 64),
        new nn.ReLU(),
        new nn.Dropout(0.2),
        new nn.Linear(64, 32),
        new nn.Tanh(),
        new nn.Linear(32, 4),
        new nn.LogSoftmax(1),
      ),
      shape: [20],
    },
    { name: 'CNN of examples/mnist-cnn.ts', model: new Net(), shape: [1, 28, 28] },
    { name: 'LeNet-5', model: new LeNet5(), shape: [1, 32, 32] },
    // ---- products and convolutions ----
    { name: 'linear on 3-D input (MatMul), no bias', model: new nn.Linear(6, 3, { bias: false }), shape: [4, 6] },
    {
      name: 'matmul, mm, bmm',
      model: new Fn((x, s) => [x.matmul(s.parts[0].parameters()[0]), torch.mm(x, w.T), torch.bmm(x.unsqueeze(2), x.unsqueeze(1))], [new nn.Linear(5, 5)]),
      shape: [5],
    },
    { name: 'conv1d groups dilation padding same', model: new nn.Conv1d(4, 6, 3, { groups: 2, dilation: 2, padding: 'same' }), shape: [4, 11] },
    { name: 'conv2d stride padding groups', model: new nn.Conv2d(4, 8, [3, 2], { stride: 2, padding: [1, 0], groups: 4 }), shape: [4, 9, 8] },
    { name: 'conv2d padding same, even kernel', model: new nn.Conv2d(2, 3, 4, { padding: 'same', bias: false }), shape: [2, 7, 6] },
    { name: 'convTranspose1d', model: new nn.ConvTranspose1d(3, 2, 3, { stride: 2, padding: 1, outputPadding: 1 }), shape: [3, 5] },
    { name: 'convTranspose2d groups dilation', model: new nn.ConvTranspose2d(4, 6, 3, { stride: 2, groups: 2, dilation: 2 }), shape: [4, 4, 3] },
    // ---- pooling ----
    { name: 'maxPool1d, avgPool1d', model: new Fn((x) => F.maxPool1d(x, 3, { stride: 2, padding: 1 }).add(F.avgPool1d(x, 3, 2, 1))), shape: [2, 9] },
    {
      name: 'maxPool2d ceilMode dilation',
      model: new Fn((x) => F.maxPool2d(x, 2, { stride: 2, ceilMode: true, dilation: 1 }).add(F.maxPool2d(x, 3, 1, 1, 2).mean())),
      shape: [2, 7, 7],
    },
    { name: 'avgPool2d countIncludePad false', model: new Fn((x) => F.avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false })), shape: [2, 6, 6] },
    {
      name: 'adaptive pools',
      model: new Fn((x) => [F.adaptiveAvgPool2d(x, 1), F.adaptiveAvgPool2d(x, [2, 3]), F.adaptiveMaxPool2d(x, 1), F.adaptiveAvgPool1d(x.flatten(2), 4)]),
      shape: [3, 4, 6],
    },
    // ---- normalization ----
    { name: 'batchNorm2d and 1d (eval, running statistics)', model: new Fn((x, s) => [s.part(0, x), s.part(1, x.mean([1, 3]))], [bn2, bn1]), shape: [3, 4, 4] },
    { name: 'layerNorm', model: new nn.LayerNorm([4, 5]), shape: [3, 4, 5] },
    { name: 'layerNorm without affine', model: new nn.LayerNorm(5, { elementwiseAffine: false }), shape: [4, 5] },
    { name: 'groupNorm', model: new nn.GroupNorm(2, 4), shape: [4, 3, 3] },
    { name: 'instanceNorm2d affine', model: new nn.InstanceNorm2d(3, { affine: true }), shape: [3, 4, 4] },
    // ---- activations ----
    {
      name: 'activations',
      model: new Fn(
        (x, s) => [
          F.relu(x),
          F.leakyRelu(x, 0.2),
          F.elu(x, 0.7),
          F.selu(x),
          F.celu(x, 1.5),
          F.gelu(x),
          F.gelu(x, { approximate: 'tanh' }),
          torch.sigmoid(x),
          torch.tanh(x),
          F.softplus(x),
          F.softplus(x, 2),
          F.softsign(x),
          F.hardsigmoid(x),
          F.hardswish(x),
          s.part(0, x),
          F.mish(x),
          F.silu(x),
          F.hardtanh(x, -0.5, 0.8),
          F.relu6(x.mul(4)),
          F.logsigmoid(x),
          F.softshrink(x, 0.3),
          F.hardshrink(x, 0.3),
          F.tanhshrink(x),
          F.threshold(x, 0.1, -2),
          F.glu(x, 1),
          F.softmin(x, 1),
          F.softmax(x, -1),
          F.logSoftmax(x, 2),
        ],
        [new nn.PReLU(4, 0.1)],
      ),
      shape: [4, 6],
    },
    { name: 'prelu with one slope on 2-D input', model: new nn.PReLU(), shape: [5] },
    // ---- elementwise ----
    {
      name: 'arithmetic',
      model: new Fn(
        (x, s) => {
          const b = s.parts[0].parameters()[1];
          return [
            x.add(b).sub(2).mul(3).div(b.abs().add(1)),
            torch.sub(1, x).div(4),
            x.pow(2).add(x.abs().pow(b.abs())),
            x.neg().exp(),
            x.clamp(-0.5, 0.5).add(x.clamp(null, 0)),
            torch.where(x.gt(0), x, b),
            torch
              .where(x.lt(b).logicalAnd(x.ge(-1)), 1, 0)
              .add(x.le(0).to('float32'))
              .add(x.eq(0).to('float32'))
              .add(x.ne(0).to('float32')),
          ];
        },
        [new nn.Linear(1, 5)],
      ),
      shape: [5],
    },
    {
      name: 'unary math',
      model: new Fn((x) => [
        x.log(),
        x.sqrt(),
        x.rsqrt(),
        x.reciprocal(),
        x.sin(),
        x.cos(),
        x.floor(),
        x.ceil(),
        x.erf(),
        x.log1p(),
        x.expm1(),
        x.sub(1).sign(),
        x.sub(1).abs(),
        x.tan(),
        x.atan(),
        x.sinh(),
        x.cosh(),
        x.tanh().asin(),
        x.tanh().acos(),
        x.asinh(),
        x.add(1).acosh(),
        x.tanh().mul(0.5).atanh(),
      ]),
      shape: [6],
      positive: true,
    },
    // ---- shapes ----
    {
      name: 'layout ops',
      model: new Fn((x) => [
        x.reshape([-1, 6, 2]).transpose(1, 2),
        x.view(x.size(0), 3, 4).permute([0, 2, 1]),
        torch.flatten(x, 1, 2),
        torch.flatten(x, 0, 1),
        torch.cat([x, x.mul(2)], 1),
        torch.stack([x, x.neg()], 2),
        x.unsqueeze(1).squeeze(1).unsqueeze(-1),
        x.narrow(2, 1, 2),
        torch.gather(
          x,
          2,
          torch.tensor([
            [
              [0, 3],
              [1, 1],
              [2, 0],
            ],
          ]),
        ),
        torch.indexSelect(x, 2, torch.tensor([3, 0, 0])),
        x.sum(1, true).expand([-1, 3, -1]),
      ]),
      shape: [3, 4],
    },
    // ---- reductions ----
    {
      name: 'reductions',
      model: new Fn((x) => {
        const [values, indices] = torch.max(x, 1);
        const [lo, at] = torch.min(x, 2, true);
        return [
          x.sum(1),
          x.sum([1, 2], true),
          x.mean(2),
          torch.amax(x, [1, 2]),
          torch.amin(x, 1, true),
          values,
          indices,
          lo,
          at,
          torch.argmax(x, 2),
          torch.argmin(x, 1, true),
          x.max().add(x.min()),
        ];
      }),
      shape: [3, 4],
    },
    // ---- the rest ----
    {
      name: 'dropouts (identity) and clone',
      model: new Fn((x) => [
        F.dropout(x, 0.5, false),
        F.dropout1d(x, 0.5, false),
        F.dropout2d(x.unsqueeze(1), 0.3, false),
        F.dropout3d(x.unsqueeze(1), 0.3, false),
        F.alphaDropout(x, 0.5, false),
        F.featureAlphaDropout(x, 0.5, false),
        x.clone(),
      ]),
      shape: [3, 4],
    },
    { name: 'embedding', model: new nn.Embedding(10, 4), shape: [5], int: 10 },
    {
      name: 'pad',
      model: new Fn((x) => [F.pad(x, [1, 2]), F.pad(x, [1, 1, 2, 0], 'constant', 0.5), F.pad(x, [2, 1, 1, 2], 'reflect'), F.pad(x, [1, 2, 0, 1], 'replicate')]),
      shape: [2, 4, 5],
    },
    {
      name: 'interpolate',
      model: new Fn((x) => [
        F.interpolate(x, { scaleFactor: 2 }),
        F.interpolate(x, { size: [8, 15], mode: 'nearest' }),
        F.interpolate(x, { scaleFactor: 2, mode: 'bilinear' }),
        F.interpolate(x, { size: [8, 10], mode: 'bilinear', alignCorners: true }),
        F.interpolate(x, { scaleFactor: 3, mode: 'nearest-exact' }),
        F.interpolate(x, { size: [2, 1], mode: 'area' }),
        new nn.Upsample({ scaleFactor: 2, mode: 'nearest' })(x) as Tensor,
      ]),
      shape: [2, 4, 5],
    },
    {
      name: 'interpolate to sizes that do not divide (opset 18)',
      model: new Fn((x) => [F.interpolate(x, { size: [7, 6] }), F.interpolate(x, { size: [5, 7], mode: 'bilinear' })]),
      shape: [2, 4, 5],
      options: { opsetVersion: 18 },
    },
  ];
  // the reduce ops (axes as attributes before opset 18), Mish (opset 18) and Gelu (opset 20) at other opsets
  for (const opsetVersion of [13, 18, 20]) {
    for (const name of ['activations', 'reductions']) {
      const c = out.find((k) => k.name === name)!;
      out.push({ ...c, name: `${name} (opset ${opsetVersion})`, options: { opsetVersion } });
    }
  }
  out.find((c) => c.name === 'layerNorm')!.options = { opsetVersion: 17 };
  return out;
}

function inputOf(c: Case, batch: number): Tensor {
  const shape = [batch, ...c.shape];
  if (c.int) return torch.randint(0, c.int, shape);
  const x = torch.randn(shape);
  return c.positive ? x.abs().add(0.1) : x;
}

function outputsOf(model: InstanceType<typeof nn.Module>, x: Tensor): Tensor[] {
  const y = torch.noGrad(() => (model as unknown as (x: Tensor) => Tensor | Tensor[])(x));
  return Array.isArray(y) ? y : [y];
}

describe('onnx.export against ONNX Runtime (onnxruntime-web, wasm)', () => {
  const all = cases();
  const feeds: Tensor[][] = [];
  let results: OrtResult[] = [];
  const diffs: [string, number][] = [];

  beforeAll(() => {
    const jobs = all.map((c, i) => {
      c.model.eval();
      torch.manualSeed(100 + i);
      // the example batch (17) differs from every other size in these models: a dim of the example's
      // batch size is taken to follow the batch (src/jit/trace.ts)
      const model = exportModel(c.model, inputOf(c, 17), { dynamicBatch: true, ...c.options });
      feeds[i] = [inputOf(c, 1), inputOf(c, 7)];
      return { model, runs: feeds[i].map((x) => ({ input_0: x })) };
    });
    results = runOrt(jobs);
  }, 120_000);

  it.each(cases().map((c, i) => [c.name, i] as const))('%s: batch 1 and 7 match tsgrad within 1e-5', (_name, i) => {
    const r = results[i];
    expect(r.error).toBeUndefined();
    const c = all[i];
    feeds[i].forEach((x, run) => {
      const ours = outputsOf(c.model, x);
      expect(r.outputNames).toHaveLength(ours.length);
      ours.forEach((y, k) => {
        const theirs = r.runs[run][`output_${k}`];
        const d = maxDiff(y, theirs);
        diffs.push([`${c.name} output ${k} batch ${x.shape[0]}`, d]);
        expect(d).toBeLessThanOrEqual(TOLERANCE);
      });
    });
  });

  it('covers every op the exporter maps, and reports the largest difference', () => {
    const used = new Set<string>();
    for (const c of all) {
      c.model.eval();
      for (const n of trace(c.model, inputOf(c, 2), { warn: false }).nodes) used.add(n.op);
    }
    expect(EXPORTABLE_OPS.filter((op) => !used.has(op))).toEqual([]);
    const worst = diffs.reduce((a, b) => (b[1] > a[1] ? b : a), ['', 0] as [string, number]);
    expect(diffs.length).toBeGreaterThan(100);
    console.log(`largest difference against ONNX Runtime: ${worst[1].toExponential(3)} (${worst[0]}) over ${diffs.length} outputs`);
  });
});

describe('onnx.export model structure', () => {
  it('writes the opset import, typed inputs and outputs with the dynamic axes, initializers by state-dict name and unique names', () => {
    torch.manualSeed(0);
    const model = new Net();
    const bytes = exportModel(model, torch.randn(2, 1, 28, 28), {
      inputNames: ['x'],
      outputNames: ['logits'],
      dynamicAxes: { x: { 0: 'n' }, logits: { 0: 'n' } },
    });
    expect(bytes).toBeInstanceOf(Uint8Array);
    const m = decodeModel(bytes) as {
      irVersion: number;
      opsetImport: { domain?: string; version: number }[];
      graph: {
        node: { name: string; opType: string; input: string[]; output: string[] }[];
        initializer: { name: string; dims: number[]; dataType: number }[];
        input: { name: string; type: { tensorType: { elemType: number; shape: { dim: { dimValue?: number; dimParam?: string }[] } } } }[];
        output: { name: string; type: { tensorType: { elemType: number; shape: { dim: { dimValue?: number; dimParam?: string }[] } } } }[];
      };
    };
    expect(m.irVersion).toBe(8);
    expect(m.opsetImport).toEqual([{ version: 17 }]);
    expect(m.graph.input).toEqual([
      { name: 'x', type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'n' }, { dimValue: 1 }, { dimValue: 28 }, { dimValue: 28 }] } } } },
    ]);
    expect(m.graph.output).toEqual([{ name: 'logits', type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'n' }, { dimValue: 10 }] } } } }]);
    expect(m.graph.initializer.map((i) => i.name)).toEqual([
      'conv1.weight',
      'conv1.bias',
      'conv2.weight',
      'conv2.bias',
      'fc1.weight',
      'fc1.bias',
      'fc2.weight',
      'fc2.bias',
    ]);
    expect(m.graph.initializer[0].dims).toEqual([32, 1, 3, 3]);
    expect(m.graph.node.map((n) => n.opType)).toEqual([
      'Conv',
      'Relu',
      'Conv',
      'Relu',
      'MaxPool',
      'Identity',
      'Flatten',
      'Gemm',
      'Relu',
      'Identity',
      'Gemm',
      'LogSoftmax',
    ]);
    const nodeNames = m.graph.node.map((n) => n.name);
    expect(new Set(nodeNames).size).toBe(nodeNames.length);
    const produced = m.graph.node.flatMap((n) => n.output);
    expect(new Set(produced).size).toBe(produced.length);
    const defined = new Set([...m.graph.input.map((i) => i.name), ...m.graph.initializer.map((i) => i.name)]);
    for (const n of m.graph.node) {
      for (const i of n.input) expect(defined.has(i)).toBe(true);
      n.output.forEach((o) => expect(defined.has(o)).toBe(false));
      n.output.forEach((o) => defined.add(o));
    }
    expect(defined.has('logits')).toBe(true);
  });

  it('exports in eval mode and restores the mode; tracing changes no state', () => {
    torch.manualSeed(0);
    const model = new nn.Sequential(new nn.Conv2d(1, 2, 3), new nn.BatchNorm2d(2), new nn.Dropout(0.5));
    const before = model.stateDict();
    const bytes = exportModel(model, torch.randn(2, 1, 5, 5));
    expect(model.training).toBe(true);
    expect(model.modules().every((m) => m.training)).toBe(true);
    for (const [k, v] of Object.entries(model.stateDict())) expect(v.toArray()).toEqual(before[k].toArray());
    const m = decodeModel(bytes) as { graph: { node: { opType: string }[] } };
    expect(m.graph.node.map((n) => n.opType)).toEqual(['Conv', 'BatchNormalization', 'Identity']);
    expect(() => exportModel(model, torch.randn(2, 1, 5, 5), { training: 'preserve' })).toThrow(
      'onnx.export: cannot export these ops:\n  batchNorm in training mode (export in eval mode) (in 1)\n  dropout in training mode (export in eval mode) (in 2)',
    );
  });

  it('names outputs that are inputs or repeated with an Identity, and runs them', () => {
    const model = new Fn((x) => [x, x.relu(), x.relu()]);
    const bytes = exportModel(model, torch.randn(2, 3), { outputNames: ['same', 'a', 'b'] });
    const x = torch.randn(2, 3);
    const [r] = runOrt([{ model: bytes, runs: [{ input_0: x }] }]);
    expect(r.error).toBeUndefined();
    expect(r.outputNames).toEqual(['same', 'a', 'b']);
    expect(maxDiff(x, r.runs[0].same)).toBe(0);
    expect(maxDiff(x.relu(), r.runs[0].b)).toBe(0);
  });
});

describe('onnx.export errors', () => {
  const x = torch.randn(2, 3);

  it('names every op it cannot export, and where it ran', () => {
    const model = new Fn(
      (t, s) => F.maxPool1d(t.erfinv().unsqueeze(0), 2, { returnIndices: true })[0].add(s.part(0, t.tanh().mul(0.5)).erfinv()),
      [new nn.Identity()],
    );
    expect(() => exportModel(model, x)).toThrow(
      "onnx.export: cannot export these ops:\n  erfinv: ONNX has no operator for it in tsgrad's exporter\n  maxPool1d with returnIndices\n  erfinv: ONNX has no operator for it in tsgrad's exporter",
    );
    const conv = new Fn((t) => F.pad(t, [1, 1], 'circular'));
    expect(() => exportModel(conv, torch.randn(1, 2, 3))).toThrow("onnx.export: cannot export this op:\n  pad with mode 'circular' before opset 19");
    expect(() => exportModel(new nn.LayerNorm(3), x, { opsetVersion: 16 })).toThrow('layerNorm before opset 17 (LayerNormalization)');
    expect(() => exportModel(new nn.Embedding(4, 2, { maxNorm: 1 }), torch.tensor([[1, 2]]))).toThrow('embedding with maxNorm');
  });

  it('names an op the trace does not record', () => {
    const model = new Fn((t) => t.cumsum(1));
    expect(() => exportModel(model, x)).toThrow('onnx.export: the forward used CumsumBackward0 (cumsum), which tracing does not support');
  });

  it('rejects bad options', () => {
    const model = new nn.Linear(3, 1);
    expect(() => exportModel(model, x, { opset: 17 } as never)).toThrow(/onnx\.export: unknown option 'opset'/);
    expect(() => exportModel(model, x, { opsetVersion: 12 })).toThrow('onnx.export: opsetVersion must be a whole number from 13 to 20, got 12');
    expect(() => exportModel(model, x, { opsetVersion: 21 })).toThrow('onnx.export: opsetVersion must be a whole number from 13 to 20, got 21');
    expect(() => exportModel(model, x, { training: 'train' as never })).toThrow(/^onnx\.export: training must be 'eval' or 'preserve', got string "train"$/);
    expect(() => exportModel(model, x, { exportParams: false } as never)).toThrow(/exportParams/);
    expect(() => exportModel(model, x, { inputNames: ['w'], outputNames: ['w'] })).toThrow('onnx.export: the name "w" is given to two values');
    expect(() => exportModel(model, x, { inputNames: ['weight'] })).toThrow('onnx.export: the name "weight" is given to two values');
    expect(() => exportModel(model, x, { dynamicAxes: { nope: [0] } })).toThrow('onnx.export: dynamicAxes names "nope"');
  });
});

describe('tsgrad/node onnx.export', () => {
  it('writes the .onnx file, as torch.onnx.export(model, args, f)', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { onnx } = require('../../src/node/index') as typeof import('../../src/node/index');
    const fs = require('fs') as typeof import('fs'); // eslint-disable-line @typescript-eslint/no-require-imports
    const os = require('os') as typeof import('os'); // eslint-disable-line @typescript-eslint/no-require-imports
    const path = require('path') as typeof import('path'); // eslint-disable-line @typescript-eslint/no-require-imports
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tsgrad-onnx-file-')), 'model.onnx');
    torch.manualSeed(0);
    const model = new NeuralNet2(6, 5, 3);
    const bytes = onnx.export(model, torch.randn(2, 6), file, { dynamicBatch: true });
    expect(new Uint8Array(fs.readFileSync(file))).toEqual(bytes);
    expect(bytes).toEqual(torch.onnx.export(model, torch.randn(2, 6), { dynamicBatch: true }));
    expect(() => onnx.export(model, torch.randn(2, 6), '' as string)).toThrow('onnx.export: f must be a file path, got an empty string');
    fs.rmSync(path.dirname(file), { recursive: true });
  });
});
