/**
 * Upsampling (src/nn/upsampling.ts, src/nn/functional/upsampling.ts, src/kernels/pooling.ts):
 * `interpolate` in modes nearest, nearest-exact, linear, bilinear (with and without alignCorners) and
 * area, to sizes and by scale factors, 1-D and 2-D; `Upsample`, `UpsamplingNearest2d`,
 * `UpsamplingBilinear2d`.
 *
 * Golden values, gradients and grad_fn names from real PyTorch in float64 and float32 (the
 * interpolate and Upsample cases of tests/golden/pooling.json, written by tests/golden/gen_pooling.py);
 * gradcheck and gradgradcheck (float64); the op-made backward against the storage one; reprs; errors.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../../src/index';
import { Tensor } from '../../src/index';
import { type InterpolateOptions, interpolate } from '../../src/nn/functional/upsampling';
import { Upsample, UpsamplingBilinear2d, UpsamplingNearest2d } from '../../src/nn/upsampling';

const { grad, gradcheck, gradgradcheck } = torch.autograd;

type StoredTensor = { shape: number[]; dtype: 'float32' | 'float64' | 'int32'; data: (number | string)[] };
type Options = Record<string, unknown>;
interface GoldenCase {
  name: string;
  api: 'functional' | 'module' | 'unpool';
  fn: string;
  args: unknown[];
  options: Options;
  dtype: 'float32' | 'float64';
  input: string;
  output: string;
  gradFns: string[];
  gradOutput: string;
  gradInput: string;
}
interface Golden {
  torch: string;
  tensors: Record<string, StoredTensor>;
  cases: GoldenCase[];
  double: { fn: string; shape: number[]; args: unknown[]; options: Options; name: string }[];
  reprs: { kind: string; args: unknown[]; options: Options; repr: string }[];
  errors: Record<string, string>;
}

const golden = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'golden', 'pooling.json'), 'utf8')) as Golden;

function load(name: string): Tensor {
  const t = golden.tensors[name];
  if (!t) throw new Error(`pooling.json has no tensor ${name}`);
  const data = t.data as number[];
  return new Tensor(t.dtype === 'float32' ? Float32Array.from(data) : Float64Array.from(data), t.shape, t.dtype);
}

/** `actual` equals `expected` elementwise within atol + rtol * |expected|; reports the worst element. */
function expectClose(actual: Tensor, expected: Tensor, rtol: number, atol: number, what: string): void {
  expect({ what, shape: actual.shape, dtype: actual.dtype }).toEqual({ what, shape: expected.shape, dtype: expected.dtype });
  for (let i = 0; i < expected.numel(); i++) {
    const [a, e] = [actual.data[i], expected.data[i]];
    if (a === e || Math.abs(a - e) <= atol + rtol * Math.abs(e)) continue;
    throw new Error(`${what}: element ${i} is ${a}, PyTorch's ${e}`);
  }
}

// float32: the source indices match PyTorch's float32 arithmetic exactly; the weighted sums are
// rounded once here and at every step there
const TOL = { float64: [1e-12, 1e-12], float32: [2e-6, 2e-6] } as const;

function gradFns(y: Tensor): string[] {
  const names: string[] = [];
  let node = y.gradFn;
  while (node) {
    names.push(node.name);
    node = node.inputs[0]?.gradFn ?? null;
  }
  return names;
}

const MODULES = { Upsample, UpsamplingNearest2d, UpsamplingBilinear2d } as unknown as Record<string, new (...args: unknown[]) => Upsample>;
const build = (kind: string, args: unknown[], options: Options): Upsample => new MODULES[kind](...args, ...(Object.keys(options).length ? [options] : []));
const cases = golden.cases.filter((c) => c.fn === 'interpolate' || c.fn in MODULES);

describe('golden values and gradients from PyTorch', () => {
  test('the file holds every mode, 1-D and 2-D, and the modules', () => {
    expect(golden.torch).toMatch(/^2\.13\./);
    const modes = new Set(
      cases.filter((c) => c.fn === 'interpolate').map((c) => `${String(c.options.mode ?? c.args[2] ?? 'nearest')} ${load(c.input).ndim - 2}`),
    );
    expect([...modes].sort()).toEqual(['area 1', 'area 2', 'bilinear 2', 'linear 1', 'nearest 1', 'nearest 2', 'nearest-exact 1', 'nearest-exact 2']);
    expect(new Set(cases.map((c) => c.fn))).toEqual(new Set(['interpolate', 'Upsample', 'UpsamplingNearest2d', 'UpsamplingBilinear2d']));
    expect(cases.length).toBeGreaterThanOrEqual(80);
  });
  test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const [rtol, atol] = TOL[c.dtype];
    const x = load(c.input).requiresGrad_();
    const y =
      c.api === 'module'
        ? build(c.fn, c.args, c.options)(x)
        : (interpolate as (...a: unknown[]) => Tensor)(x, ...c.args, ...(Object.keys(c.options).length ? [c.options] : []));
    expectClose(y, load(c.output), rtol, atol, 'output');
    expect(gradFns(y)).toEqual(c.gradFns);
    if (y.numel() === 0) return;
    const [gx] = grad(y, [x], { gradOutputs: load(c.gradOutput) });
    expectClose(gx!, load(c.gradInput), rtol, atol * 4, 'input gradient');
  });
  test.each(golden.double.filter((d) => d.fn === 'interpolate').map((d) => [d.name, d] as const))('createGraph: the gradient prints %s', (name, d) => {
    const x = torch.randn(d.shape, { dtype: 'float64' }).requiresGrad_();
    const y = interpolate(x, d.options as InterpolateOptions);
    const [gx] = grad(y, [x], { gradOutputs: torch.randn(y.shape, { dtype: 'float64' }).requiresGrad_(), createGraph: true });
    expect(gx!.gradFn!.name).toBe(name);
  });
});

// ---- gradients of every order ----

let seed = 500;
function rnd(shape: number[]): Tensor {
  return torch.randn(shape, { dtype: 'float64', generator: new torch.Generator(seed++) }).requiresGrad_();
}

const gradCases: { name: string; options: InterpolateOptions; shape: number[] }[] = [
  { name: 'nearest scale 2', options: { scaleFactor: 2 }, shape: [1, 2, 3, 3] },
  { name: 'nearest size (5, 2) (up and down)', options: { size: [5, 2] }, shape: [1, 2, 3, 4] },
  { name: 'nearest 1-D scale 1.5', options: { scaleFactor: 1.5 }, shape: [2, 2, 5] },
  { name: 'nearest-exact size (4, 7)', options: { size: [4, 7], mode: 'nearest-exact' }, shape: [1, 1, 3, 5] },
  { name: 'bilinear scale 2', options: { scaleFactor: 2, mode: 'bilinear' }, shape: [1, 2, 3, 3] },
  { name: 'bilinear scale 2 alignCorners', options: { scaleFactor: 2, mode: 'bilinear', alignCorners: true }, shape: [1, 2, 3, 3] },
  { name: 'bilinear size (2, 5) (down and up)', options: { size: [2, 5], mode: 'bilinear' }, shape: [1, 2, 4, 3] },
  { name: 'bilinear scale (1.5, 0.75)', options: { scaleFactor: [1.5, 0.75], mode: 'bilinear' }, shape: [1, 1, 3, 4] },
  { name: 'linear scale 2.5 alignCorners', options: { scaleFactor: 2.5, mode: 'linear', alignCorners: true }, shape: [2, 2, 3] },
  { name: 'linear size 3 from 7', options: { size: 3, mode: 'linear' }, shape: [1, 2, 7] },
  { name: 'area size (2, 3)', options: { size: [2, 3], mode: 'area' }, shape: [1, 2, 5, 7] },
];

describe('gradcheck and gradgradcheck (float64)', () => {
  test.each(gradCases.map((k) => [k.name, k] as const))('%s', (_name, k) => {
    expect(gradcheck((x) => interpolate(x, k.options), [rnd(k.shape)])).toBe(true);
    expect(gradgradcheck((x) => interpolate(x, k.options), [rnd(k.shape)])).toBe(true);
  });
});

describe('the op-made backward equals the storage one', () => {
  test.each(gradCases.map((k) => [k.name, k] as const))('%s', (_name, k) => {
    const x = rnd(k.shape);
    const y = interpolate(x, k.options);
    const v = torch.randn(y.shape, { dtype: 'float64', generator: new torch.Generator(9) }).requiresGrad_();
    const [fast] = grad(y, [x], { gradOutputs: v, retainGraph: true });
    const [graph] = grad(y, [x], { gradOutputs: v, createGraph: true });
    expect([fast!.requiresGrad, graph!.requiresGrad]).toEqual([false, true]);
    expectClose(fast!, graph!.detach(), 0, 0, 'gradient');
  });
});

// ---- worked values ----

describe('worked values', () => {
  const x = torch.tensor(
    [
      [
        [
          [1, 2],
          [3, 4],
        ],
      ],
    ],
    { dtype: 'float64' },
  );
  test('nearest scale 2 repeats each pixel into a 2x2 block', () => {
    expect(interpolate(x, { scaleFactor: 2 }).toArray()).toEqual([
      [
        [
          [1, 1, 2, 2],
          [1, 1, 2, 2],
          [3, 3, 4, 4],
          [3, 3, 4, 4],
        ],
      ],
    ]);
  });
  test('bilinear with alignCorners puts the corners on the corners: a 2x2 to 3x3 adds the midpoints', () => {
    expect(interpolate(x, { size: 3, mode: 'bilinear', alignCorners: true }).toArray()).toEqual([
      [
        [
          [1, 1.5, 2],
          [2, 2.5, 3],
          [3, 3.5, 4],
        ],
      ],
    ]);
    // without it, output pixel centers map to (o + 0.5) / 2 - 0.5: -0.25 (clamped to 0) and 0.25
    expect(Array.from(interpolate(x, { scaleFactor: 2, mode: 'bilinear' }).data.slice(0, 4))).toEqual([1, 1.25, 1.75, 2]);
  });
  test('Upsample positionally, as PyTorch: (size, scaleFactor, mode, alignCorners)', () => {
    const a = new Upsample(null, 2, 'bilinear', true);
    expect([a.scaleFactor, a.mode, a.alignCorners, String(a)]).toEqual([2, 'bilinear', true, "Upsample(scale_factor=2.0, mode='bilinear')"]);
    expect(Array.from(a(x).data)).toEqual(Array.from(interpolate(x, null, 2, 'bilinear', true).data));
    expect(new UpsamplingBilinear2d({ scaleFactor: 2 }).alignCorners).toBe(true);
    expect(new UpsamplingNearest2d(4).size).toBe(4);
  });
});

describe('printed as PyTorch prints them', () => {
  const reprs = golden.reprs.filter((r) => r.kind in MODULES);
  test.each(reprs.map((r) => [r.repr, r] as const))('%s', (_repr, r) => {
    expect(String(build(r.kind, r.args, r.options))).toBe(r.repr);
  });
});

describe("PyTorch's errors, in PyTorch's words", () => {
  const r = (...shape: number[]): Tensor => torch.randn(shape);
  const calls: Record<string, () => unknown> = {
    'interpolate size and scale': () => interpolate(r(1, 1, 4, 4), { size: 2, scaleFactor: 2 }),
    'interpolate neither size nor scale': () => interpolate(r(1, 1, 4, 4)),
    'interpolate alignCorners with nearest': () => interpolate(r(1, 1, 4, 4), { scaleFactor: 2, alignCorners: true }),
    'interpolate 2-D input': () => interpolate(r(4, 4), { scaleFactor: 2 }),
    'interpolate bilinear on 3-D input': () => interpolate(r(1, 4, 4), { scaleFactor: 2, mode: 'bilinear' }),
    'interpolate linear on 4-D input': () => interpolate(r(1, 1, 4, 4), { scaleFactor: 2, mode: 'linear' }),
    'interpolate size of 3': () => interpolate(r(1, 1, 4, 4), [2, 2, 2]),
    'interpolate scale of 3': () => interpolate(r(1, 1, 4, 4), null, [2, 2, 2]),
    'interpolate unknown mode': () => interpolate(r(1, 1, 4, 4), { scaleFactor: 2, mode: 'foo' as never }),
    'interpolate size 0': () => interpolate(r(1, 1, 4, 4), 0),
    'interpolate scale too small': () => interpolate(r(1, 1, 4, 4), { scaleFactor: 0.1 }),
    'interpolate 1-D size 0': () => interpolate(r(1, 1, 4), { size: 0 }),
    'interpolate empty input': () => interpolate(r(1, 1, 0, 4), { scaleFactor: 2 }),
    'interpolate recompute with size': () => interpolate(r(1, 1, 4, 4), { size: 3, recomputeScaleFactor: true }),
    'Upsample size and scale': () => new Upsample({ size: 2, scaleFactor: 2 })(r(1, 1, 4, 4)),
    'Upsample neither': () => new Upsample()(r(1, 1, 4, 4)),
  };
  // where tsgrad's words differ from PyTorch's, on purpose (the part both say is checked too)
  const reworded: Record<string, [() => unknown, string, string]> = {
    'interpolate non-integer size': [
      () => interpolate(r(1, 1, 4, 4), [2.5, 2]),
      'interpolate: expected size to be one of int or Tuple[int] or Tuple[int, int] or Tuple[int, int, int], but got size an array of 2 with number, number entries',
      'expected size to be one of int',
    ],
    'interpolate integer input': [
      () => interpolate(torch.zeros([1, 1, 4, 4], { dtype: 'int32' }), { scaleFactor: 2 }),
      'interpolate: input must be floating point (float32 or float64), got int32',
      'not implemented for',
    ],
  };
  const owned = Object.keys(golden.errors).filter((k) => /^(interpolate|Upsample)/.test(k));
  test('every recorded PyTorch upsampling error has a tsgrad call here', () => {
    expect(owned.sort()).toEqual([...Object.keys(calls), ...Object.keys(reworded)].sort());
  });
  test.each(Object.keys(calls).map((k) => [k] as const))('%s', (name) => {
    expect(calls[name]).toThrow(golden.errors[name]);
  });
  test.each(Object.keys(reworded).map((k) => [k] as const))('%s (reworded)', (name) => {
    const [call, ours, shared] = reworded[name];
    expect(golden.errors[name]).toContain(shared);
    expect(call).toThrow(ours);
  });
  test("tsgrad's own limits: the modes and dims it leaves out say so", () => {
    expect(() => interpolate(r(1, 1, 4, 4), { scaleFactor: 2, mode: 'bicubic' as never })).toThrow(
      "interpolate: mode 'bicubic' on 4-D input is not supported by tsgrad",
    );
    expect(() => interpolate(r(1, 1, 2, 2, 2), { scaleFactor: 2 })).toThrow("interpolate: mode 'nearest' on 5-D input is not supported by tsgrad");
    expect(() => interpolate(r(1, 1, 4, 4), { scaleFactor: 2, mode: 'bilinear', antialias: true })).toThrow('interpolate: antialias is not supported');
    expect(() => interpolate(r(1, 1, 4, 4), { scale_factor: 2 } as never)).toThrow("interpolate: unknown option 'scale_factor'; did you mean 'scaleFactor'?");
    expect(() => new Upsample({ scaleFactor: 'x' as never })).toThrow('Upsample: scaleFactor must be a number or an array of numbers, got string "x"');
  });
});
