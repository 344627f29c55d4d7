import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../../src/index';
import type { DType, Tensor } from '../../src/index';

// Forward values and gradients from real PyTorch (see tests/golden/gen_core_cases.py); no Python needed here.
interface TensorSpec {
  shape: number[];
  dtype: DType;
  data: number[];
  requiresGrad: boolean;
}
type InputSpec = TensorSpec | { number: number };
interface GoldenCase {
  name: string;
  op: string;
  args: Record<string, unknown>;
  inputs: InputSpec[];
  outputs: { shape: number[]; dtype: DType; data: number[] }[];
  gradOutput: number[] | null;
  grads: ({ dtype: DType; data: number[] } | null)[];
}
const golden = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'golden', 'core-cases.json'), 'utf8')) as {
  torch: string;
  cases: GoldenCase[];
};

type Arg = Tensor | number;
type Args = Record<string, unknown>;
const num = (a: Args, key: string): number => a[key] as number;
const opt = (a: Args, key: string): number | undefined => a[key] as number | undefined;
const dims = (a: Args): number | number[] | undefined => a.dim as number | number[] | undefined;
const t = (x: Arg): Tensor => x as Tensor;

/** The tsgrad side of every op name the generator uses (methods and functions both appear). */
const OPS: Record<string, (inputs: Arg[], a: Args) => Tensor | Tensor[]> = {
  add: ([x, y], a) => torch.add(x as Tensor, y, opt(a, 'alpha')),
  sub: ([x, y], a) => (typeof x === 'number' ? torch.sub(x, y) : t(x).sub(y, opt(a, 'alpha'))),
  mul: ([x, y]) => torch.mul(x, y),
  div: ([x, y]) => (typeof x === 'number' ? torch.div(x, y) : t(x).div(y)),
  pow: ([x, y]) => torch.pow(t(x), y),
  neg: ([x]) => t(x).neg(),
  exp: ([x]) => torch.exp(t(x)),
  log: ([x]) => t(x).log(),
  sqrt: ([x]) => torch.sqrt(t(x)),
  abs: ([x]) => t(x).abs(),
  clamp: ([x], a) => t(x).clamp(opt(a, 'min') ?? null, opt(a, 'max') ?? null),
  relu: ([x]) => torch.relu(t(x)),
  sigmoid: ([x]) => t(x).sigmoid(),
  tanh: ([x]) => torch.tanh(t(x)),
  matmul: ([x, y]) => torch.matmul(t(x), t(y)),
  sum: ([x], a) => t(x).sum(dims(a), a.keepdim === true),
  mean: ([x], a) => torch.mean(t(x), dims(a), a.keepdim === true),
  maxAll: ([x]) => t(x).max(),
  minAll: ([x]) => torch.min(t(x)),
  maxDim: ([x], a) => torch.max(t(x), num(a, 'dim'), a.keepdim === true),
  minDim: ([x], a) => t(x).min(num(a, 'dim'), a.keepdim === true),
  argmax: ([x], a) => t(x).argmax(opt(a, 'dim'), a.keepdim === true),
  softmax: ([x], a) => torch.softmax(t(x), num(a, 'dim')),
  logSoftmax: ([x], a) => t(x).logSoftmax(num(a, 'dim')),
  reshape: ([x], a) => t(x).reshape(a.shape as number[]),
  view: ([x], a) => torch.view(t(x), a.shape as number[]),
  flatten: ([x], a) => t(x).flatten(opt(a, 'startDim'), opt(a, 'endDim')),
  squeeze: ([x], a) => t(x).squeeze(opt(a, 'dim')),
  unsqueeze: ([x], a) => torch.unsqueeze(t(x), num(a, 'dim')),
  transpose: ([x], a) => t(x).transpose(num(a, 'dim0'), num(a, 'dim1')),
  permute: ([x], a) => torch.permute(t(x), a.dims as number[]),
  T: ([x]) => t(x).T,
  expand: ([x], a) => t(x).expand(a.shape as number[]),
  cat: (xs, a) => torch.cat(xs as Tensor[], opt(a, 'dim')),
  stack: (xs, a) => torch.stack(xs as Tensor[], opt(a, 'dim')),
  gather: ([x, idx], a) => t(x).gather(num(a, 'dim'), t(idx)),
  indexSelect: ([x, idx], a) => torch.indexSelect(t(x), num(a, 'dim'), t(idx)),
  narrow: ([x], a) => t(x).narrow(num(a, 'dim'), num(a, 'start'), num(a, 'length')),
  eq: ([x, y]) => t(x).eq(y),
  ne: ([x, y]) => torch.ne(x, y),
  gt: ([x, y]) => t(x).gt(y),
  lt: ([x, y]) => torch.lt(x, y),
  ge: ([x, y]) => t(x).ge(y),
  le: ([x, y]) => torch.le(x, y),
  mlp: ([x, w, b]) => t(x).matmul(t(w).T).add(b).tanh().logSoftmax(1),
  attention: ([q, k, v]) => t(q).matmul(t(k).transpose(-2, -1)).div(2).softmax(-1).matmul(t(v)),
  chain: ([x, y]) =>
    t(x)
      .mul(y)
      .sigmoid()
      .sub(t(x).exp().div(t(y).abs().add(1)))
      .pow(2)
      .mean(0)
      .sqrt(),
};

function build(spec: InputSpec): Arg {
  if ('number' in spec) return spec.number;
  return torch.tensor(spec.data, { dtype: spec.dtype }).reshape(spec.shape).detach().requiresGrad_(spec.requiresGrad);
}

/** Every element within atol + rtol * |expected| (float64 cases to ~1e-10, float32 to ~1e-6). */
function expectClose(actual: Tensor, expected: number[], dtype: DType, what: string): void {
  const rtol = dtype === 'float32' ? 2e-6 : 1e-10;
  const atol = dtype === 'float32' ? 1e-6 : 1e-12;
  expect(actual.numel()).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual.data[i];
    const e = expected[i];
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      throw new Error(`${what}: element ${i} is ${a}, PyTorch gives ${e}`);
    }
  }
}

describe(`golden values and gradients from PyTorch ${golden.torch}`, () => {
  it('covers every op the generator names', () => {
    const used = new Set(golden.cases.map((c) => c.op));
    for (const op of used) expect(OPS[op]).toBeDefined();
    expect(golden.cases.length).toBeGreaterThan(150);
  });

  it.each(golden.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const inputs = c.inputs.map(build);
    const result = OPS[c.op](inputs, c.args);
    const outs = Array.isArray(result) ? result : [result];
    expect(outs.length).toBe(c.outputs.length);
    outs.forEach((out, i) => {
      const want = c.outputs[i];
      expect([...out.shape]).toEqual(want.shape);
      expect(out.dtype).toBe(want.dtype);
      if (want.dtype === 'float32' || want.dtype === 'float64') expectClose(out, want.data, want.dtype, `output ${i}`);
      else expect(Array.from(out.data)).toEqual(want.data);
    });
    if (c.gradOutput === null) {
      expect(outs.every((o) => !o.requiresGrad)).toBe(true);
      return;
    }
    const out = outs[0];
    out.backward(torch.tensor(c.gradOutput, { dtype: out.dtype }).reshape(out.shape));
    c.grads.forEach((want, i) => {
      const input = inputs[i];
      if (want === null) {
        if (typeof input !== 'number') expect(input.grad).toBeNull();
        return;
      }
      const g = (input as Tensor).grad;
      expect(g).not.toBeNull();
      expect(g!.dtype).toBe(want.dtype);
      expectClose(g!, want.data, want.dtype, `grad of input ${i}`);
    });
  });
});
