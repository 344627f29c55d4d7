/**
 * Convolutions (src/nn/conv.ts, src/nn/functional/conv.ts, src/kernels/conv.ts): Conv1d, Conv2d,
 * ConvTranspose1d, ConvTranspose2d and their functionals, unfold and fold.
 *
 * Golden values, gradients (input, weight, bias) and grad_fn names from real PyTorch over a grid of
 * options in float64 and float32, on the js and the wasm backends (tests/golden/gen_conv.py writes
 * tests/golden/conv.json); gradcheck and gradgradcheck (float64); the op-made backward against the
 * storage one; printed reprs; the default initialisation; state dicts loaded from a file PyTorch wrote;
 * PyTorch's errors.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../../src/index';
import { Tensor } from '../../src/index';
import { createWasmBackend } from '../../src/backend/wasm/backend';
import { Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d } from '../../src/nn/conv';
import * as C from '../../src/nn/functional/conv';

const { grad, gradcheck, gradgradcheck } = torch.autograd;

type StoredTensor = { shape: number[]; dtype: 'float32' | 'float64'; data: number[] };
type Options = Record<string, unknown>;
interface GoldenCase {
  name: string;
  api: 'module' | 'functional' | 'fold';
  kind: string;
  args?: unknown[];
  options: Options | unknown[];
  positional?: boolean;
  dtype: 'float32' | 'float64';
  input: string;
  weight?: string;
  bias?: string | null;
  outputSize?: number[];
  output: string;
  gradFns: string[];
  gradOutput: string;
  grads: { input: string; weight?: string; bias?: string | null };
}
interface Golden {
  torch: string;
  tensors: Record<string, StoredTensor>;
  cases: GoldenCase[];
  reprs: { kind: string; args: unknown[]; options: Options; repr: string }[];
  init: {
    kind: string;
    args: unknown[];
    options: Options;
    weightShape: number[];
    fanIn: number;
    weightBound: number;
    biasBound: number;
    weightStd: number;
    weightAbsMax: number;
  }[];
  errors: Record<string, string>;
  state: {
    prefix: string;
    kind: string;
    args: unknown[];
    options: Options;
    dtype: 'float32' | 'float64';
    keys: [string, number[], string][];
    input: string;
    output: string;
  }[];
}

const GOLDEN_DIR = path.join(__dirname, '..', 'golden');
const golden = JSON.parse(fs.readFileSync(path.join(GOLDEN_DIR, 'conv.json'), 'utf8')) as Golden;

function load(name: string): Tensor {
  const t = golden.tensors[name];
  if (!t) throw new Error(`conv.json has no tensor ${name}`);
  return new Tensor(t.dtype === 'float32' ? Float32Array.from(t.data) : Float64Array.from(t.data), t.shape, t.dtype);
}

type AnyModule = Conv1d | Conv2d | ConvTranspose1d | ConvTranspose2d;
const MODULES: Record<string, new (...args: never[]) => AnyModule> = { Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d };

/** A module built as the generator built it: PyTorch's positional arguments, then the options (and a dtype). */
function build(kind: string, args: unknown[], options: Options = {}): AnyModule {
  const ctor = MODULES[kind] as unknown as new (...a: unknown[]) => AnyModule;
  return new ctor(...args, options);
}

/** `actual` equals `expected` elementwise within atol + rtol * |expected|; reports the worst element. */
function expectClose(actual: Tensor, expected: Tensor, rtol: number, atol: number, what: string): void {
  expect({ what, shape: actual.shape }).toEqual({ what, shape: expected.shape });
  let worst = -1;
  let excess = 0;
  for (let i = 0; i < expected.numel(); i++) {
    const over = Math.abs(actual.data[i] - expected.data[i]) - (atol + rtol * Math.abs(expected.data[i]));
    if (!(over <= excess)) [worst, excess] = [i, over];
  }
  if (worst >= 0) throw new Error(`${what}: element ${worst} is ${actual.data[worst]}, PyTorch's ${expected.data[worst]}`);
}

const TOL = { float64: [1e-10, 1e-10], float32: [2e-5, 2e-5] } as const;

/** The grad_fn names from y back along each node's first input, stopping after a padding node (as the generator). */
function gradFns(y: Tensor): string[] {
  const names: string[] = [];
  let node = y.gradFn;
  while (node) {
    names.push(node.name);
    if (node.name.includes('Pad') || node.name.includes('CopySlices')) break;
    node = node.inputs[0]?.gradFn ?? null;
  }
  return names;
}

/** Runs a golden case's call on tsgrad: the output and the tensors whose gradients are compared, in order. */
function run(c: GoldenCase): { y: Tensor; wrt: Tensor[] } {
  const x = load(c.input).requiresGrad_();
  if (c.api === 'module') {
    const m = build(c.kind, c.args!, { ...(c.options as Options), dtype: c.dtype });
    torch.noGrad(() => {
      m.weight.copy_(load(c.weight!));
      if (c.bias) m.bias!.copy_(load(c.bias));
    });
    expect(m.bias === null).toBe(!c.bias);
    const y = c.outputSize ? (m as ConvTranspose2d).forward(x, c.outputSize) : m(x);
    return { y, wrt: [x, m.weight, ...(m.bias ? [m.bias] : [])] };
  }
  if (c.api === 'fold') {
    const [a, b] = c.args!;
    const y =
      c.kind === 'unfold' ? C.unfold(x, a as number[], c.options as C.FoldOptions) : C.fold(x, a as number[], b as number[], c.options as C.FoldOptions);
    return { y, wrt: [x] };
  }
  const w = load(c.weight!).requiresGrad_();
  const b = c.bias ? load(c.bias).requiresGrad_() : null;
  const fn = { conv1d: C.conv1d, conv2d: C.conv2d, convTranspose1d: C.convTranspose1d, convTranspose2d: C.convTranspose2d }[c.kind] as (
    ...args: unknown[]
  ) => Tensor;
  const y = c.positional ? fn(x, w, b, ...(c.options as unknown[])) : fn(x, w, b, c.options);
  return { y, wrt: [x, w, ...(b ? [b] : [])] };
}

const HAVE_WASM = createWasmBackend() !== null;
const BACKENDS = HAVE_WASM ? (['js', 'wasm'] as const) : (['js'] as const);
if (!HAVE_WASM) console.warn('conv.test.ts: this runtime has no WebAssembly SIMD; the golden cases run on the js backend only');

afterAll(() => torch.setBackend('auto'));

describe.each(BACKENDS)('golden values and gradients from PyTorch (%s backend)', (backend) => {
  beforeAll(() => torch.setBackend(backend));
  test('the file was written by PyTorch 2.13 and holds every kind of case', () => {
    expect(golden.torch).toMatch(/^2\.13\./);
    const kinds = new Set(golden.cases.map((c) => c.kind));
    expect([...kinds].sort()).toEqual(
      ['Conv1d', 'Conv2d', 'ConvTranspose1d', 'ConvTranspose2d', 'conv1d', 'conv2d', 'convTranspose1d', 'convTranspose2d', 'fold', 'unfold'].sort(),
    );
    expect(golden.cases.length).toBeGreaterThan(140);
  });
  test.each(golden.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const [rtol, atol] = TOL[c.dtype];
    const { y, wrt } = run(c);
    expect(y.dtype).toBe(c.dtype);
    expectClose(y, load(c.output), rtol, atol, 'output');
    expect(gradFns(y)).toEqual(c.gradFns);
    const grads = grad(y, wrt, { gradOutputs: load(c.gradOutput) });
    const expected = [c.grads.input, c.grads.weight, c.grads.bias].filter((n): n is string => typeof n === 'string');
    expect(grads.length).toBe(expected.length);
    grads.forEach((g, i) => expectClose(g!, load(expected[i]), rtol, atol * 10, ['input', 'weight', 'bias'][i] + ' gradient'));
  });
});

// ---- gradients of every order ----

let seed = 100;
function rnd(shape: number[]): Tensor {
  return torch.randn(shape, { dtype: 'float64', generator: new torch.Generator(seed++) }).requiresGrad_();
}

interface GradCase {
  name: string;
  fn: (...xs: Tensor[]) => Tensor;
  inputs: () => Tensor[];
}
const F = { ...C, pad: torch.nn.functional.pad };
const gradCases: GradCase[] = [
  { name: 'conv2d', fn: (x, w, b) => F.conv2d(x, w, b), inputs: () => [rnd([2, 2, 4, 4]), rnd([3, 2, 2, 2]), rnd([3])] },
  {
    name: 'conv2d stride 2, padding 1',
    fn: (x, w, b) => F.conv2d(x, w, b, { stride: 2, padding: 1 }),
    inputs: () => [rnd([1, 2, 5, 4]), rnd([2, 2, 3, 3]), rnd([2])],
  },
  { name: 'conv2d padding same (2, 3)', fn: (x, w) => F.conv2d(x, w, null, { padding: 'same' }), inputs: () => [rnd([1, 2, 3, 4]), rnd([2, 2, 2, 3])] },
  {
    name: 'conv2d dilation (2, 1), stride (1, 2)',
    fn: (x, w, b) => F.conv2d(x, w, b, { dilation: [2, 1], stride: [1, 2] }),
    inputs: () => [rnd([1, 2, 5, 5]), rnd([2, 2, 2, 2]), rnd([2])],
  },
  { name: 'conv2d groups 2', fn: (x, w, b) => F.conv2d(x, w, b, { groups: 2 }), inputs: () => [rnd([2, 4, 3, 3]), rnd([4, 2, 2, 2]), rnd([4])] },
  {
    name: 'conv2d depthwise',
    fn: (x, w) => F.conv2d(x, w, null, { groups: 3, padding: 1 }),
    inputs: () => [rnd([1, 3, 3, 3]), rnd([3, 1, 2, 2])],
  },
  { name: 'conv2d kernel 1', fn: (x, w, b) => F.conv2d(x, w, b), inputs: () => [rnd([2, 3, 2, 3]), rnd([2, 3, 1, 1]), rnd([2])] },
  { name: 'conv2d unbatched', fn: (x, w, b) => F.conv2d(x, w, b, { padding: 1 }), inputs: () => [rnd([2, 3, 3]), rnd([2, 2, 2, 2]), rnd([2])] },
  { name: 'conv2d reflect', fn: (x, w) => F.conv2d(F.pad(x, [1, 1, 1, 0], 'reflect'), w), inputs: () => [rnd([1, 2, 3, 3]), rnd([2, 2, 2, 2])] },
  { name: 'conv2d circular', fn: (x, w) => F.conv2d(F.pad(x, [1, 1, 0, 1], 'circular'), w), inputs: () => [rnd([1, 2, 3, 3]), rnd([2, 2, 2, 2])] },
  {
    name: 'conv1d stride 2, padding 1, dilation 2',
    fn: (x, w, b) => F.conv1d(x, w, b, 2, 1, 2),
    inputs: () => [rnd([2, 2, 7]), rnd([3, 2, 3]), rnd([3])],
  },
  { name: 'conv1d groups 2, unbatched', fn: (x, w) => F.conv1d(x, w, null, { groups: 2 }), inputs: () => [rnd([4, 5]), rnd([2, 2, 2])] },
  { name: 'conv1d replicate', fn: (x, w) => F.conv1d(F.pad(x, [2, 1], 'replicate'), w), inputs: () => [rnd([1, 2, 4]), rnd([2, 2, 3])] },
  {
    name: 'convTranspose2d stride 2, padding 1, outputPadding 1',
    fn: (x, w, b) => F.convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 }),
    inputs: () => [rnd([1, 2, 3, 2]), rnd([2, 2, 3, 3]), rnd([2])],
  },
  {
    name: 'convTranspose2d groups 2, dilation 2',
    fn: (x, w, b) => F.convTranspose2d(x, w, b, { groups: 2, dilation: 2 }),
    inputs: () => [rnd([1, 4, 2, 2]), rnd([4, 1, 2, 2]), rnd([2])],
  },
  { name: 'convTranspose2d kernel 1', fn: (x, w) => F.convTranspose2d(x, w), inputs: () => [rnd([2, 3, 2, 2]), rnd([3, 2, 1, 1])] },
  {
    name: 'convTranspose2d unbatched, stride (2, 1)',
    fn: (x, w, b) => F.convTranspose2d(x, w, b, { stride: [2, 1] }),
    inputs: () => [rnd([2, 2, 3]), rnd([2, 2, 2, 2]), rnd([2])],
  },
  {
    name: 'convTranspose1d stride 3, outputPadding 2',
    fn: (x, w, b) => F.convTranspose1d(x, w, b, { stride: 3, outputPadding: 2 }),
    inputs: () => [rnd([2, 2, 3]), rnd([2, 2, 2]), rnd([2])],
  },
  { name: 'unfold', fn: (x) => F.unfold(x, [2, 2], { stride: [1, 2], padding: 1 }), inputs: () => [rnd([1, 2, 3, 4])] },
  { name: 'fold', fn: (x) => F.fold(x, [3, 4], 2, { padding: [1, 0] }), inputs: () => [rnd([1, 8, 12])] },
];

describe('gradcheck (float64)', () => {
  test.each(gradCases.map((k) => [k.name, k] as const))('%s', (_name, k) => {
    expect(gradcheck(k.fn, k.inputs())).toBe(true);
  });
  test('a module, through its own parameters (Conv2d reflect padding, ConvTranspose2d with an output size)', () => {
    const m = new Conv2d(2, 2, 2, { padding: 1, paddingMode: 'reflect', dtype: 'float64', generator: new torch.Generator(1) });
    expect(gradcheck((x) => m(x), [rnd([1, 2, 3, 3]), m.weight, m.bias!])).toBe(true);
    const t = new ConvTranspose2d(2, 2, 2, { stride: 2, dtype: 'float64', generator: new torch.Generator(2) });
    expect(gradcheck((x) => t.forward(x, [5, 4]), [rnd([1, 2, 2, 2]), t.weight, t.bias!])).toBe(true);
  });
});

describe('gradgradcheck (float64)', () => {
  test.each(gradCases.map((k) => [k.name, k] as const))('%s', (_name, k) => {
    expect(gradgradcheck(k.fn, k.inputs())).toBe(true);
  });
});

describe('the op-made backward equals the storage one', () => {
  const check = (k: GradCase): void => {
    const inputs = k.inputs();
    const y = k.fn(...inputs);
    const v = torch.randn(y.shape, { dtype: 'float64', generator: new torch.Generator(3) });
    const fast = grad(y, inputs, { gradOutputs: v, retainGraph: true });
    const graph = grad(y, inputs, { gradOutputs: v, createGraph: true });
    inputs.forEach((_x, i) => expectClose(graph[i]!, fast[i]!, 1e-12, 1e-12, `gradient ${i}`));
  };
  test.each(gradCases.map((k) => [k.name, k] as const))('%s', (_name, k) => check(k));
  test.each(BACKENDS)('a larger conv2d and convTranspose2d on the %s backend, float32 (the packed gemm path)', (backend) => {
    torch.setBackend(backend);
    try {
      const g = new torch.Generator(4);
      const x = torch.randn([2, 8, 12, 12], { generator: g }).requiresGrad_();
      const w = torch.randn([64, 8, 3, 3], { generator: g }).requiresGrad_();
      const b = torch.randn([64], { generator: g }).requiresGrad_();
      for (const y of [F.conv2d(x, w, b, { padding: 1 }), F.convTranspose2d(torch.randn([2, 64, 5, 5], { generator: g }).requiresGrad_(), w, null, 2)]) {
        const ins = y.gradFn!.inputs;
        const v = torch.randn(y.shape, { generator: g });
        const fast = grad(y, ins, { gradOutputs: v, retainGraph: true });
        const graph = grad(y, ins, { gradOutputs: v, createGraph: true });
        ins.forEach((_t, i) => expectClose(graph[i]!, fast[i]!, 1e-4, 1e-3, `gradient ${i}`));
      }
    } finally {
      torch.setBackend('auto');
    }
  });
  (HAVE_WASM ? test : test.skip)('wasm against js over a batch of many slices (the weight gradient summed per slice of images), float64 and float32', () => {
    const results = (['js', 'wasm'] as const).map((backend) => {
      torch.setBackend(backend);
      try {
        return (['float64', 'float32'] as const).map((dtype) => {
          const g = new torch.Generator(9);
          const x = torch.randn([37, 6, 20, 21], { generator: g, dtype }).requiresGrad_();
          const w = torch.randn([8, 3, 3, 3], { generator: g, dtype }).requiresGrad_();
          const b = torch.randn([8], { generator: g, dtype }).requiresGrad_();
          const wt = torch.randn([8, 2, 4, 3], { generator: g, dtype }).requiresGrad_();
          const x1 = torch.randn([21, 4, 300], { generator: g, dtype }).requiresGrad_();
          const w1 = torch.randn([5, 4, 5], { generator: g, dtype }).requiresGrad_();
          const y = F.conv2d(x, w, b, { padding: 1, groups: 2, dilation: [1, 2] });
          const z = F.convTranspose2d(y, wt, null, { stride: 2, padding: 1 });
          const y1 = F.conv1d(x1, w1, null, { stride: 2, padding: 2 });
          z.square().sum().add(y1.square().sum()).backward();
          return [y, z, y1, x.grad!, w.grad!, b.grad!, wt.grad!, x1.grad!, w1.grad!];
        });
      } finally {
        torch.setBackend('auto');
      }
    });
    const [js, wasm] = results;
    js.forEach((ts, d) =>
      ts.forEach((t, i) => expectClose(wasm[d][i], t, d === 0 ? 1e-10 : 1e-3, d === 0 ? 1e-10 : 1e-3, `${d === 0 ? 'float64' : 'float32'} tensor ${i}`)),
    );
  });
  test('gradients reach only the inputs that require them', () => {
    const x = rnd([1, 2, 4, 4]);
    const w = torch.randn([3, 2, 2, 2], { dtype: 'float64' });
    const b = rnd([3]);
    const y = F.conv2d(x, w, b);
    expect(y.gradFn!.name).toBe('ConvolutionBackward0');
    expect(y.gradFn!.needsInputGrad).toEqual([true, false, true]);
    y.sum().backward();
    expect(w.grad).toBeNull();
    // d sum / d b = the number of output positions per channel
    expect(Array.from(b.grad!.data)).toEqual([9, 9, 9]);
    expect(F.conv2d(x.detach(), w).requiresGrad).toBe(false);
    expect(torch.noGrad(() => F.conv2d(x, w, b)).gradFn).toBeNull();
  });
});

// ---- worked values ----

describe('worked values', () => {
  test('a 2x2 kernel over a 3x3 image: each output is the sum of a window times the kernel', () => {
    const x = torch.arange(9).double().reshape([1, 1, 3, 3]);
    const w = torch.tensor(
      [
        [
          [
            [1, 0],
            [0, -1],
          ],
        ],
      ],
      { dtype: 'float64' },
    );
    // y[i][j] = x[i][j] - x[i+1][j+1] = -4 everywhere
    expect(F.conv2d(x, w, torch.tensor([0.5], { dtype: 'float64' })).toArray()).toEqual([
      [
        [
          [-3.5, -3.5],
          [-3.5, -3.5],
        ],
      ],
    ]);
    // the transposed convolution spreads each input over a kernel-sized patch: x[0][0] = 0 ... the corners
    const t = F.convTranspose2d(torch.ones([1, 1, 2, 2], { dtype: 'float64' }), w);
    expect(t.toArray()).toEqual([
      [
        [
          [1, 1, 0],
          [1, 0, -1],
          [0, -1, -1],
        ],
      ],
    ]);
  });
  test('unfold then fold of non-overlapping blocks gives the image back; overlapping blocks count their copies', () => {
    const x = torch.arange(16).double().reshape([1, 1, 4, 4]);
    expect(F.fold(F.unfold(x, 2, { stride: 2 }), [4, 4], 2, { stride: 2 }).toArray()).toEqual(x.toArray());
    const counts = F.fold(F.unfold(torch.ones([1, 1, 3, 3], { dtype: 'float64' }), 2), [3, 3], 2);
    expect(counts.toArray()).toEqual([
      [
        [
          [1, 2, 1],
          [2, 4, 2],
          [1, 2, 1],
        ],
      ],
    ]);
  });
  test('an empty batch gives an empty output of the right shape, and zero gradients', () => {
    const m = new Conv2d(2, 3, 3, { padding: 1 });
    const x = torch.zeros([0, 2, 5, 5]).requiresGrad_();
    const y = m(x);
    expect(y.shape).toEqual([0, 3, 5, 5]);
    y.sum().backward();
    expect(x.grad!.shape).toEqual([0, 2, 5, 5]);
    expect(Array.from(m.weight.grad!.data).every((v) => v === 0)).toBe(true);
    expect(Array.from(m.bias!.grad!.data)).toEqual([0, 0, 0]);
  });
  test('no input channels: the output is the bias (the empty weight is left alone, with PyTorch warning)', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const m = new Conv2d(0, 2, 1, { dtype: 'float64' });
      expect(warn).toHaveBeenCalledWith('Initializing zero-element tensors is a no-op');
      expect(m.weight.shape).toEqual([2, 0, 1, 1]);
      torch.noGrad(() => m.bias!.copy_(torch.tensor([1.5, -2], { dtype: 'float64' })));
      const y = m(torch.zeros([1, 0, 2, 2], { dtype: 'float64' }));
      expect(y.toArray()).toEqual([
        [
          [
            [1.5, 1.5],
            [1.5, 1.5],
          ],
          [
            [-2, -2],
            [-2, -2],
          ],
        ],
      ]);
    } finally {
      warn.mockRestore();
    }
  });
});

// ---- modules: repr, init, state dict, options ----

describe('printed as PyTorch prints them', () => {
  test.each(golden.reprs.map((r) => [r.repr, r] as const))('%s', (_repr, r) => {
    expect(String(build(r.kind, r.args, r.options))).toBe(r.repr);
  });
  test('inside a model', () => {
    class Net extends torch.nn.Module {
      conv1 = new Conv2d(1, 32, 3, 1);
      conv2 = new Conv2d(32, 64, 3, 1);
      forward(x: Tensor): Tensor {
        return this.conv2(this.conv1(x));
      }
    }
    expect(String(new Net())).toBe(
      'Net(\n  (conv1): Conv2d(1, 32, kernel_size=(3, 3), stride=(1, 1))\n  (conv2): Conv2d(32, 64, kernel_size=(3, 3), stride=(1, 1))\n)',
    );
  });
});

describe("PyTorch's default initialisation", () => {
  test.each(golden.init.map((s) => [`${s.kind}(${s.args.join(', ')})`, s] as const))('%s: kaiming uniform (a = sqrt 5) and the bias bound', (_n, s) => {
    torch.manualSeed(5);
    const m = build(s.kind, s.args, s.options);
    expect(m.weight.shape).toEqual(s.weightShape);
    expect(m.weight.dtype).toBe('float32');
    expect(torch.nn.init.calculateFanInAndFanOut(m.weight)[0]).toBe(s.fanIn);
    // the bound is 1 / sqrt(fan_in): gain sqrt(2 / (1 + 5)) times sqrt(3 / fan_in)
    expect(s.weightBound).toBeCloseTo(1 / Math.sqrt(s.fanIn), 12);
    const w = Array.from(m.weight.data);
    const bound = Math.fround(s.weightBound);
    expect(w.every((v) => Math.abs(v) <= bound)).toBe(true);
    const absMax = Math.max(...w.map(Math.abs));
    expect(absMax).toBeGreaterThan(0.97 * bound);
    expect(s.weightAbsMax).toBeGreaterThan(0.97 * bound);
    const mean = w.reduce((a, b) => a + b, 0) / w.length;
    const std = Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / (w.length - 1));
    // U(-b, b) has std b / sqrt(3); tsgrad's sample and PyTorch's agree with it
    expect(std / (s.weightBound / Math.sqrt(3))).toBeCloseTo(1, 1);
    expect(std / s.weightStd).toBeCloseTo(1, 1);
    expect(Math.abs(mean)).toBeLessThan(0.05 * bound);
    const bias = Array.from(m.bias!.data);
    expect(bias.every((v) => Math.abs(v) <= Math.fround(s.biasBound))).toBe(true);
    expect(new Set(bias).size).toBe(bias.length);
  });
  test('deterministic under manualSeed; a generator of its own leaves the default one alone; dtype float64', () => {
    torch.manualSeed(7);
    const a = new Conv2d(3, 4, 3);
    torch.manualSeed(7);
    const b = new Conv2d(3, 4, 3);
    expect(Array.from(b.weight.data)).toEqual(Array.from(a.weight.data));
    expect(Array.from(b.bias!.data)).toEqual(Array.from(a.bias!.data));
    const c = new Conv2d(3, 4, 3, { generator: new torch.Generator(9) });
    const d = new Conv2d(3, 4, 3, { generator: new torch.Generator(9) });
    expect(Array.from(c.weight.data)).toEqual(Array.from(d.weight.data));
    const e = new ConvTranspose2d(3, 4, 3, { dtype: 'float64' });
    expect([e.weight.dtype, e.bias!.dtype, e.weight.shape]).toEqual(['float64', 'float64', [3, 4, 3, 3]]);
    expect(new Conv1d(3, 4, 3, { bias: false }).bias).toBeNull();
  });
});

describe('state dicts: PyTorch keys, shapes and dtypes; a file PyTorch wrote loads and gives its outputs', () => {
  const file = torch.deserializeSafetensors(new Uint8Array(fs.readFileSync(path.join(GOLDEN_DIR, 'conv-state.safetensors'))));
  test.each(golden.state.map((s) => [s.prefix, s] as const))('%s', (prefix, s) => {
    const m = build(s.kind, s.args, { ...s.options, dtype: s.dtype });
    const ours = m.stateDict();
    expect(Object.entries(ours).map(([k, v]) => [k, v.shape, v.dtype])).toEqual(s.keys);
    const theirs = Object.fromEntries(
      Object.entries(file)
        .filter(([k]) => k.startsWith(`${prefix}.`))
        .map(([k, v]) => [k.slice(prefix.length + 1), v]),
    );
    expect(m.loadStateDict(theirs)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    const [rtol, atol] = TOL[s.dtype];
    expectClose(m(load(s.input)), load(s.output), rtol, atol, 'output');
  });
  test('a state dict of the wrong shape is refused', () => {
    const m = new Conv2d(3, 8, 3);
    expect(() => m.loadStateDict({ weight: torch.zeros([8, 3, 5, 5]), bias: torch.zeros([8]) })).toThrow(/weight/);
  });
});

describe('arguments: positional as in PyTorch, or an options object', () => {
  test('new Conv2d(1, 32, 3, 1): the fourth argument is the stride', () => {
    const m = new Conv2d(1, 32, 3, 2);
    expect([m.stride, m.padding, m.kernelSize]).toEqual([
      [2, 2],
      [0, 0],
      [3, 3],
    ]);
    const n = new Conv2d(4, 8, [3, 1], 1, 'same', 2, 4, false, 'circular');
    expect(String(n)).toBe('Conv2d(4, 8, kernel_size=(3, 1), stride=(1, 1), padding=same, dilation=(2, 2), groups=4, bias=False, padding_mode=circular)');
    const t = new ConvTranspose2d(4, 8, 3, 2, 1, 1, 2, true, 1, 'zeros', { dtype: 'float64' });
    expect([t.outputPadding, t.groups, t.weight.dtype]).toEqual([[1, 1], 2, 'float64']);
  });
  test('F.conv2d takes the bias, then stride, padding, dilation and groups, or an options object in the bias place', () => {
    const x = rnd([1, 2, 5, 5]).detach();
    const w = rnd([2, 1, 3, 3]).detach();
    const a = F.conv2d(x, w, null, 2, 1, 1, 2);
    const b = F.conv2d(x, w, { stride: 2, padding: 1, groups: 2 });
    expect(a.shape).toEqual([1, 2, 3, 3]);
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
  });
  test('unknown options, options given twice, and wrong types are Errors', () => {
    expect(() => new Conv2d(1, 2, 3, { strides: 2 } as never)).toThrow("Conv2d: unknown option 'strides'; did you mean 'stride'?");
    expect(() => new Conv2d(1, 2, 3, { padding_mode: 'reflect' } as never)).toThrow("Conv2d: unknown option 'padding_mode'; did you mean 'paddingMode'?");
    expect(() => new Conv2d(1, 2, 3, { device: 'cuda' } as never)).toThrow('Conv2d: device is not supported: tsgrad runs on the CPU');
    expect(new Conv2d(1, 2, 3, { device: 'cpu' } as never).weight.shape).toEqual([2, 1, 3, 3]);
    expect(() => new Conv2d(1, 2, 3, 2, { stride: 2 } as never)).toThrow('Conv2d: stride was given twice, as an argument and as an option');
    expect(() => new Conv2d(1, 2, 3, { bias: 1 } as never)).toThrow('Conv2d: bias must be true or false, got 1');
    expect(() => new Conv2d(1, 2, 3, { dtype: 'int32' } as never)).toThrow("Conv2d: dtype must be 'float32' or 'float64'");
    expect(() => new Conv2d(1, 2, 3, { generator: 5 } as never)).toThrow('Conv2d: generator must be a Generator');
    expect(() => new Conv2d(1.5, 2, 3)).toThrow('Conv2d: inChannels must be a whole number >= 0, got 1.5');
    expect(() => new Conv2d(1, 2, 'a' as never)).toThrow('Conv2d: kernelSize must be a whole number or an array of 2 whole numbers, got string "a"');
    expect(() => new Conv2d(1, 2, [3, 3, 3])).toThrow(
      'Conv2d: expected kernel_size to be a single integer value or a list of 2 values to match the convolution dimensions, but got kernel_size=[3, 3, 3]',
    );
    expect(() => new Conv2d(1, 2, 0)).toThrow('Conv2d: kernel size should be greater than zero');
    expect(() => new Conv2d(1, 2, 3, 0)).toThrow('Conv2d: non-positive stride is not supported');
    expect(() => new Conv2d(1, 2, 3, 1, -1)).toThrow('Conv2d: negative padding is not supported');
    expect(() => new Conv2d(1, 2, 3, { dilation: 0 })).toThrow('Conv2d: dilation should be greater than zero');
    expect(() => new Conv2d(1, 2, 3, { paddingMode: 'zero' as never })).toThrow(
      "Conv2d: padding_mode must be one of {'zeros', 'reflect', 'replicate', 'circular'}, but got padding_mode='zero'",
    );
    expect(() => new Conv2d(1, 2, 3, { padding: 'full' as never })).toThrow("Conv2d: Invalid padding string 'full', should be one of {'same', 'valid'}");
    expect(() => new ConvTranspose2d(1, 2, 3, { padding: 'same' as never })).toThrow('ConvTranspose2d: padding must be a whole number or an array of 2');
    expect(() => F.conv2d(rnd([1, 1, 3, 3]), rnd([1, 1, 2, 2]), 5 as never)).toThrow('conv2d: bias must be a Tensor or null, got 5');
    expect(() => (F.conv2d as (...a: unknown[]) => Tensor)(rnd([1, 1, 3, 3]), rnd([1, 1, 2, 2]), null, 1, 0, 1, 1, 1)).toThrow(
      'conv2d: expected at most 4 optional arguments',
    );
    expect(() => F.conv2d(rnd([1, 1, 3, 3]), rnd([1, 1, 2, 2]), null, 1, 0, 1, 1.5)).toThrow('conv2d: groups must be a whole number, got 1.5');
    expect(() => F.conv2d(rnd([1, 1, 3, 3]), rnd([1, 1, 2, 2]), { paddin: 1 } as never)).toThrow("conv2d: unknown option 'paddin'; did you mean 'padding'?");
  });
});

// ---- PyTorch's errors ----

describe("PyTorch's errors, in PyTorch's words", () => {
  const r = (...shape: number[]): Tensor => torch.randn(shape);
  const calls: Record<string, () => unknown> = {
    'conv2d 2-D input': () => new Conv2d(1, 32, 3)(r(2, 3)),
    'conv1d 4-D input': () => F.conv1d(r(1, 2, 3, 3), r(2, 2, 2)),
    'conv_transpose2d 2-D input': () => new ConvTranspose2d(2, 3, 3)(r(2, 3)),
    'conv2d channels': () => new Conv2d(1, 32, 3)(r(2, 3, 5, 5)),
    'conv2d channels unbatched': () => new Conv2d(1, 32, 3)(r(3, 5, 5)),
    'conv2d channels groups': () => F.conv2d(r(1, 2, 3, 3), r(2, 2, 2, 2), { groups: 2 }),
    'conv_transpose2d channels': () => F.convTranspose2d(r(1, 3, 3, 3), r(2, 2, 3, 3)),
    'conv2d bias': () => F.conv2d(r(1, 2, 3, 3), r(2, 2, 2, 2), r(3)),
    'conv_transpose2d bias': () => F.convTranspose2d(r(1, 4, 3, 3), r(4, 2, 3, 3), r(3), { groups: 2 }),
    'conv2d kernel too big': () => F.conv2d(r(1, 1, 3, 3), r(2, 1, 5, 5)),
    'conv2d dilated kernel too big': () => F.conv2d(r(1, 1, 4, 4), r(2, 1, 2, 3), { dilation: 2 }),
    'conv1d kernel too big': () => F.conv1d(r(1, 2, 3), r(2, 2, 5)),
    'conv2d stride length': () => F.conv2d(r(1, 2, 3, 3), r(2, 2, 2, 2), { stride: [1, 1, 1] }),
    'conv2d padding length': () => F.conv2d(r(1, 2, 3, 3), r(2, 2, 2, 2), { padding: [1, 2, 3] }),
    'conv2d stride 0': () => F.conv2d(r(1, 2, 3, 3), r(2, 2, 2, 2), { stride: 0 }),
    'conv2d padding -1': () => F.conv2d(r(1, 2, 3, 3), r(2, 2, 2, 2), { padding: -1 }),
    'conv2d dilation 0': () => F.conv2d(r(1, 2, 3, 3), r(2, 2, 2, 2), { dilation: [0, 1] }),
    'conv2d groups 0': () => F.conv2d(r(1, 2, 3, 3), r(2, 2, 2, 2), { groups: 0 }),
    'conv2d same strided': () => F.conv2d(r(1, 2, 3, 3), r(2, 2, 2, 2), { padding: 'same', stride: 2 }),
    'conv2d padding string': () => F.conv2d(r(1, 2, 3, 3), r(2, 2, 2, 2), { padding: 'zz' as never }),
    'conv2d kernel 0': () => F.conv2d(r(1, 2, 3, 3), r(2, 2, 0, 0)),
    'conv_transpose2d output padding': () => F.convTranspose2d(r(1, 2, 3, 3), r(2, 2, 3, 3), { stride: 2, outputPadding: 2 }),
    'conv_transpose2d output too small': () => F.convTranspose2d(r(1, 2, 3, 3), r(2, 2, 3, 3), { padding: [4, 0] }),
    'conv_transpose2d negative output padding': () => F.convTranspose2d(r(1, 4, 3, 3), r(4, 2, 3, 3), { outputPadding: -1 }),
    'Conv2d groups 0': () => new Conv2d(4, 6, 3, { groups: 0 }),
    'Conv2d in_channels groups': () => new Conv2d(4, 6, 3, { groups: 3 }),
    'Conv2d out_channels groups': () => new Conv2d(4, 6, 3, { groups: 4 }),
    'Conv2d same strided': () => new Conv2d(4, 6, 3, { padding: 'same', stride: 2 }),
    'ConvTranspose2d padding mode': () => new ConvTranspose2d(2, 2, 3, { paddingMode: 'reflect' as never }),
    'ConvTranspose2d outputSize length': () => new ConvTranspose2d(2, 3, 3, 2).forward(r(1, 2, 4, 4), [2, 10, 10]),
    'unfold blocks': () => F.unfold(r(1, 2, 3, 3), 4),
    'unfold stride 0': () => F.unfold(r(1, 2, 3, 3), 2, { stride: 0 }),
    'unfold padding -1': () => F.unfold(r(1, 2, 3, 3), 2, { padding: -1 }),
    'fold kernel product': () => F.fold(r(1, 7, 4), [3, 3], 2),
    'fold blocks': () => F.fold(r(1, 8, 5), [3, 3], 2),
    'fold 4-D input': () => F.fold(r(2, 1, 8, 4), [3, 3], 2),
  };
  // where tsgrad's words differ from PyTorch's, on purpose: one pair of brackets around a shape, and a
  // shape printed as tsgrad prints shapes
  const reworded: Record<string, string> = {
    'conv2d weight not divisible': 'Given groups=2, expected weight to be divisible by 2 at dimension 0, but got weight of size [3, 2, 2, 2] instead',
    'ConvTranspose2d outputSize range': 'requested an output size of [11, 11], but valid sizes range from [9, 9] to [10, 10] (for an input of [4, 4])',
  };
  const rewordedCalls: Record<string, () => unknown> = {
    'conv2d weight not divisible': () => F.conv2d(r(1, 4, 3, 3), r(3, 2, 2, 2), { groups: 2 }),
    'ConvTranspose2d outputSize range': () => new ConvTranspose2d(2, 3, 3, 2).forward(r(1, 2, 4, 4), [11, 11]),
  };
  test('every recorded PyTorch error has a tsgrad call here', () => {
    expect(Object.keys(golden.errors).sort()).toEqual([...Object.keys(calls), ...Object.keys(reworded)].sort());
  });
  test.each(Object.keys(calls).map((k) => [k] as const))('%s', (name) => {
    expect(calls[name]).toThrow(golden.errors[name]);
  });
  test.each(Object.keys(reworded).map((k) => [k] as const))('%s (reworded)', (name) => {
    expect(golden.errors[name]).toContain(reworded[name].slice(0, 30));
    expect(rewordedCalls[name]).toThrow(reworded[name]);
  });
  test("tsgrad's own checks: dtypes, weight rank, non-tensors", () => {
    expect(() => F.conv2d(r(1, 2, 3, 3).double(), r(2, 2, 2, 2))).toThrow('conv2d: Input type (float64) and weight type (float32) should be the same');
    expect(() => F.conv2d(r(1, 2, 3, 3), r(2, 2, 2, 2), r(2).double())).toThrow('conv2d: Input type (float32) and bias type (float64) should be the same');
    expect(() => F.conv2d(torch.zeros([1, 2, 3, 3], { dtype: 'int32' }), r(2, 2, 2, 2))).toThrow(
      'conv2d: input must be floating point (float32 or float64), got int32',
    );
    expect(() => F.conv2d(r(1, 2, 3, 3), r(2, 2, 2))).toThrow('conv2d: weight must be 4-D [out_channels, in_channels / groups, kH, kW], got shape [2, 2, 2]');
    expect(() => F.convTranspose1d(r(1, 2, 3), r(2, 2))).toThrow(
      'convTranspose1d: weight must be 3-D [in_channels, out_channels / groups, kL], got shape [2, 2]',
    );
    expect(() => F.conv2d([1, 2] as never, r(2, 2, 2, 2))).toThrow('conv2d: input must be a Tensor, got an array of 2');
    expect(() => new Conv2d(2, 2, 2)('x' as never)).toThrow('conv2d: input must be a Tensor, got string "x"');
    expect(() => new Conv2d(2, 2, 2, { padding: 1, paddingMode: 'reflect' })(r(2, 3))).toThrow(
      'conv2d: Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [2, 3]',
    );
    expect(() => new Conv2d(2, 2, 3, { padding: 3, paddingMode: 'reflect' })(r(1, 2, 3, 3))).toThrow(/in reflect mode/);
    expect(() => F.convTranspose2d(r(1, 2, 3, 3), r(2, 2, 3, 3), { padding: 'same' as never })).toThrow('convTranspose2d: padding must be a whole number');
    expect(() => F.fold(r(1, 8, 4), [0, 3], 2)).toThrow('fold: output size should be greater than zero');
    expect(() => F.unfold(r(2, 3), 2)).toThrow('unfold: Input Error: Only 3D or 4D input Tensors are supported (got 2D with shape [2, 3])');
  });
});

describe('the modules in a model, on both backends', () => {
  test.each(BACKENDS)('a small CNN trains (the loss falls) on the %s backend', (backend) => {
    torch.setBackend(backend);
    try {
      torch.manualSeed(0);
      const model = new torch.nn.Sequential(
        new Conv2d(1, 4, 3, { padding: 1 }),
        new torch.nn.ReLU(),
        new Conv2d(4, 4, 3, { stride: 2, groups: 2 }),
        new torch.nn.ReLU(),
        new ConvTranspose2d(4, 2, 2, { stride: 2 }),
        new torch.nn.Flatten(),
        new torch.nn.Linear(2 * 6 * 6, 3),
      );
      const x = torch.randn([8, 1, 7, 7]);
      const y = torch.randint(0, 3, [8]);
      const opt = new torch.optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
      const loss = (): Tensor => torch.nn.functional.crossEntropy(model(x), y);
      const first = loss().item();
      for (let i = 0; i < 30; i++) {
        opt.zeroGrad();
        const l = loss();
        l.backward();
        opt.step();
      }
      expect(loss().item()).toBeLessThan(0.5 * first);
    } finally {
      torch.setBackend('auto');
    }
  });
});
