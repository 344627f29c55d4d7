import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../../src';
import type { Tensor } from '../../src';

// Gradients of gradients from real PyTorch (see tests/golden/gen_higher_order.py; no Python needed
// here): torch.autograd.functional (jacobian, hessian, vjp, jvp, hvp, vhp), autograd.grad twice
// through every op, backward(createGraph) and a WGAN-GP critic step. Everything is float64 and is
// checked to 1e-10 (absolute + relative).

// ---- the JSON ------------------------------------------------------------------------------------
interface Spec {
  shape: number[];
  data: number[];
  dtype?: 'int32';
  requiresGrad?: boolean;
}
type NestedSpec = Spec | null | NestedSpec[];
type NestedFlag = boolean | null | NestedFlag[];
type Args = Record<string, unknown>;
type Api = 'jacobian' | 'hessian' | 'vjp' | 'jvp' | 'hvp' | 'vhp';

interface CaseBase {
  name: string;
  fn: string;
  args: Args;
  consts: Record<string, Spec>;
  inputs: Spec[];
}
interface FunctionalCase extends CaseBase {
  kind: 'functional';
  api: Api;
  inputsAsArray: boolean;
  options: { createGraph: boolean; strict: boolean };
  v?: NestedSpec;
  throws?: string;
  expected?: NestedSpec;
  requiresGrad?: NestedFlag;
  thirdOrder?: { weights: Spec; expected: NestedSpec[] };
}
interface GradGradCase extends CaseBase {
  kind: 'gradgrad';
  output: Spec;
  gradOutput: Spec | null;
  first: NestedSpec[];
  firstRequiresGrad: (boolean | null)[];
  firstGradFn: (string | null)[];
  u: (Spec | null)[];
  second: NestedSpec[];
}
interface BackwardCase extends CaseBase {
  kind: 'backward';
  w: Spec;
  grad: Spec;
  gradRequiresGrad: boolean;
  gradGradFn: string | null;
  afterSecondAccumulated: Spec;
  secondAccumulatesInPlace: boolean;
  afterSecondFresh: Spec;
}
interface WganCase extends CaseBase {
  kind: 'wgan-gp';
  xhat: Spec;
  criticOut: Spec;
  gx: Spec;
  gxRequiresGrad: boolean;
  gxGradFn: string | null;
  norm: Spec;
  penalty: Spec;
  penaltyGrads: NestedSpec[];
  loss: Spec;
  lossGrads: Spec[];
  xhatGrad: Spec;
}
type GoldenCase = FunctionalCase | GradGradCase | BackwardCase | WganCase;

const golden = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'golden', 'higher-order-cases.json'), 'utf8')) as { torch: string; cases: GoldenCase[] };

// ---- torch.autograd.functional -------------------------------------------------------------------
// The agreed signatures; assigning the real module to this interface checks at compile time that
// tsgrad's overloads still accept these calls and return these nestings.
type Fn = (...inputs: Tensor[]) => Tensor | Tensor[];
type Inputs = Tensor | Tensor[];
interface FunctionalOptions {
  createGraph?: boolean;
  strict?: boolean;
}
interface FunctionalApi {
  /** J, or J[i] (array inputs or outputs), or J[out][in] (both). */
  jacobian(fn: Fn, inputs: Inputs, options?: FunctionalOptions): Tensor | Tensor[] | Tensor[][];
  /** H, or H[i][j] for array inputs. */
  hessian(fn: Fn, inputs: Inputs, options?: FunctionalOptions): Tensor | Tensor[][];
  vjp(fn: Fn, inputs: Inputs, v?: Tensor | Tensor[] | null, options?: FunctionalOptions): [Tensor | Tensor[], Tensor | Tensor[]];
  jvp(fn: Fn, inputs: Inputs, v?: Tensor | Tensor[] | null, options?: FunctionalOptions): [Tensor | Tensor[], Tensor | Tensor[]];
  hvp(fn: Fn, inputs: Inputs, v?: Tensor | Tensor[] | null, options?: FunctionalOptions): [Tensor, Tensor | Tensor[]];
  vhp(fn: Fn, inputs: Inputs, v?: Tensor | Tensor[] | null, options?: FunctionalOptions): [Tensor, Tensor | Tensor[]];
}
const functional: FunctionalApi = torch.autograd.functional;

/**
 * The grad_fn names and requiresGrad flags of first-order gradients are PyTorch's decomposition of
 * each backward (e.g. tanh -> TanhBackwardBackward0, linear -> MmBackward0 / TBackward0); tsgrad
 * need not build the same graph, so those checks are off unless this is set.
 */
const CHECK_GRAPH_STRUCTURE = false;

// ---- building and comparing ----------------------------------------------------------------------
const RTOL = 1e-10;
const ATOL = 1e-10;

function build(spec: Spec, requiresGrad = spec.requiresGrad ?? false): Tensor {
  const dtype = spec.dtype ?? 'float64';
  const t = torch.tensor(spec.data, { dtype }).reshape(spec.shape).detach();
  return requiresGrad ? t.requiresGrad_() : t;
}

function buildNested(spec: NestedSpec): Tensor | Tensor[] {
  if (spec === null) throw new Error('buildNested: null');
  if (Array.isArray(spec)) return spec.map((s) => build(s as Spec));
  return build(spec);
}

function buildConsts(consts: Record<string, Spec>): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(consts).map(([k, s]) => [k, build(s, false)]));
}

function isTensor(x: unknown): x is Tensor {
  return x instanceof torch.Tensor;
}

function describeValue(x: unknown): string {
  if (x === null) return 'null';
  if (x === undefined) return 'undefined';
  if (isTensor(x)) return `a Tensor of shape [${x.shape.join(', ')}]`;
  if (Array.isArray(x)) return `an array of ${x.length}`;
  return typeof x;
}

function expectTensor(actual: unknown, want: Spec, what: string): void {
  if (!isTensor(actual)) throw new Error(`${what}: expected a Tensor of shape [${want.shape.join(', ')}], got ${describeValue(actual)}`);
  if (actual.shape.length !== want.shape.length || actual.shape.some((d, i) => d !== want.shape[i])) {
    throw new Error(`${what}: shape [${actual.shape.join(', ')}], PyTorch gives [${want.shape.join(', ')}]`);
  }
  if (actual.dtype !== 'float64') throw new Error(`${what}: dtype ${actual.dtype}, expected float64`);
  for (let i = 0; i < want.data.length; i++) {
    const a = actual.data[i];
    const e = want.data[i];
    if (!(Math.abs(a - e) <= ATOL + RTOL * Math.abs(e))) {
      throw new Error(`${what}: element ${i} is ${a}, PyTorch gives ${e}`);
    }
  }
}

const allZero = (s: Spec): boolean => s.data.every((v) => v === 0);

/**
 * `actual` has PyTorch's nesting (Tensor / array / null) and values. With `zerosMayBeNull`, a
 * gradient PyTorch returns as None may be all zeros here and an all-zero one may be null (whether
 * an input is reached through a backward's own graph is a detail of how that backward is built).
 */
function expectNested(actual: unknown, want: NestedSpec, what: string, zerosMayBeNull = false): void {
  if (want === null) {
    if (actual === null) return;
    if (zerosMayBeNull && isTensor(actual) && Array.from(actual.data).every((v) => v === 0)) return;
    throw new Error(`${what}: expected null (PyTorch's None), got ${describeValue(actual)}`);
  }
  if (Array.isArray(want)) {
    if (!Array.isArray(actual) || actual.length !== want.length) {
      throw new Error(`${what}: expected an array of ${want.length} (PyTorch's tuple), got ${describeValue(actual)}`);
    }
    want.forEach((w, i) => expectNested(actual[i], w, `${what}[${i}]`, zerosMayBeNull));
    return;
  }
  if (actual === null && zerosMayBeNull && allZero(want)) return;
  expectTensor(actual, want, what);
}

function expectRequiresGrad(actual: unknown, want: NestedFlag, what: string): void {
  if (want === null) return;
  if (Array.isArray(want)) {
    want.forEach((w, i) => expectRequiresGrad((actual as unknown[])[i], w, `${what}[${i}]`));
    return;
  }
  if (!isTensor(actual)) throw new Error(`${what}: expected a Tensor, got ${describeValue(actual)}`);
  if (actual.requiresGrad !== want) throw new Error(`${what}: requiresGrad is ${actual.requiresGrad}, PyTorch gives ${want}`);
}

const gradFnName = (t: Tensor | null): string | null => (t === null || t.gradFn === null ? null : t.gradFn.name);

// ---- the functions of the generator, in tsgrad ---------------------------------------------------
const nnF = torch.nn.functional;
type Consts = Record<string, Tensor>;
const num = (a: Args, key: string): number => a[key] as number;
const optNum = (a: Args, key: string): number | undefined => a[key] as number | undefined;
/** Only the options that are set (tsgrad rejects unknown keys, and undefined is not the default everywhere). */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)) as T;
}
type Reduction = 'none' | 'mean' | 'sum';
const reduction = (a: Args): Reduction | undefined => a.reduction as Reduction | undefined;

const FNS: Record<string, (a: Args, c: Consts) => Fn> = {
  // sum(tanh(x)^3) + sum(exp(x[0:2]) * x[2:4]) + log(sum(x^2) + 1)
  scalar4: () => (x) =>
    torch
      .tanh(x)
      .pow(3)
      .sum()
      .add(
        x
          .narrow(0, 0, 2)
          .exp()
          .mul(x.narrow(0, 2, 2))
          .sum(),
      )
      .add(torch.log(x.pow(2).sum().add(1))),
  mix2: () => (x, y) =>
    torch
      .sigmoid(torch.matmul(y, x))
      .mul(torch.tanh(y.sum(1)))
      .sum()
      .add(
        torch
          .softmax(y.mul(x), 1)
          .mul(torch.logSoftmax(y.add(x), 1))
          .sum(),
      )
      .add(x.pow(2).mean()),
  vec2: () => (a, b) => [a.narrow(0, 0, 2).mul(torch.exp(b)).add(a.mul(a).sum()), torch.sigmoid(a.reshape([3, 1]).mul(a.reshape([1, 3])))],
  vecfn: (_a, c) => (x) => torch.tanh(torch.matmul(c.M, x)).reshape([2, 2]).mul(x.sum()),
  softmax: (a) => (x) => torch.softmax(x, num(a, 'dim')),
  logSoftmaxTuple: () => (x) => [torch.logSoftmax(x, 0)],
  cubeSum: () => (x) => x.pow(3).sum(),
  unused2: () => (x) => torch.exp(x),
  linearInX: () => (x) => x.mul(2).sum(),
  double: () => (x) => x.mul(2),
  constant: () => (x) => torch.onesLike(x),
  crossEntropy: (a, c) => (z) =>
    nnF.crossEntropy(z, c.target, defined({ weight: c.weight, labelSmoothing: optNum(a, 'labelSmoothing'), reduction: reduction(a) })),
  nllLogSoftmax: (_a, c) => (z) => nnF.nllLoss(torch.logSoftmax(z, 1), c.target),
  bceWithLogits: (_a, c) => (z) => nnF.binaryCrossEntropyWithLogits(z, c.target, defined({ weight: c.weight, posWeight: c.posWeight })),
  bceSigmoid: (_a, c) => (z) => nnF.binaryCrossEntropy(torch.sigmoid(z), c.target),
  mseTanh: (_a, c) => (z) => nnF.mseLoss(torch.tanh(z), c.target),
  linearSq: (_a, c) => (W) => nnF.linear(c.x, W, c.b).pow(2).mul(c.c).sum(),
  linearRelu: (_a, c) => (W, b) =>
    torch
      .relu(nnF.linear(c.x, W, b))
      .pow(2)
      .sum(),
  linearTanhX: (_a, c) => (x) => torch.tanh(nnF.linear(x, c.W, c.b)).sum(),
  // single ops (gradgrad cases)
  add: () => (x, y) => x.add(y),
  sub: () => (x, y) => torch.sub(x, y),
  mul: () => (x, y) => x.mul(y),
  div: () => (x, y) => torch.div(x, y),
  neg: () => (x) => x.neg(),
  powScalar: (a) => (x) => x.pow(num(a, 'exponent')),
  powTensor: () => (x, y) => torch.pow(x, y),
  exp: () => (x) => x.exp(),
  log: () => (x) => torch.log(x),
  sqrt: () => (x) => x.sqrt(),
  abs: () => (x) => torch.abs(x),
  tanh: () => (x) => x.tanh(),
  sigmoid: () => (x) => torch.sigmoid(x),
  relu: () => (x) => x.relu(),
  clamp: (a) => (x) => x.clamp(optNum(a, 'min') ?? null, optNum(a, 'max') ?? null),
  matmul: () => (x, y) => x.matmul(y),
  sum: (a) => (x) => (a.dim === undefined ? x.sum() : x.sum(num(a, 'dim'), a.keepdim === true)),
  mean: (a) => (x) => (a.dim === undefined ? torch.mean(x) : torch.mean(x, num(a, 'dim'), a.keepdim === true)),
  maxAll: () => (x) => x.max(),
  minAll: () => (x) => torch.min(x),
  maxDimValues: (a) => (x) => x.max(num(a, 'dim'), a.keepdim === true)[0],
  minDimValues: (a) => (x) => torch.min(x, num(a, 'dim'), a.keepdim === true)[0],
  softmaxOp: (a) => (x) => x.softmax(num(a, 'dim')),
  logSoftmaxOp: (a) => (x) => torch.logSoftmax(x, num(a, 'dim')),
  reshape: (a) => (x) => x.reshape(a.shape as number[]),
  transpose: (a) => (x) => x.transpose(num(a, 'dim0'), num(a, 'dim1')),
  permute: (a) => (x) => x.permute(a.dims as number[]),
  expand: (a) => (x) => x.expand(a.shape as number[]),
  cat:
    (a) =>
    (...xs) =>
      torch.cat(xs, num(a, 'dim')),
  stack:
    (a) =>
    (...xs) =>
      torch.stack(xs, num(a, 'dim')),
  gather: (a) => (x, index) => x.gather(num(a, 'dim'), index),
  indexSelect: (a) => (x, index) => torch.indexSelect(x, num(a, 'dim'), index),
  narrow: (a) => (x) => x.narrow(num(a, 'dim'), num(a, 'start'), num(a, 'length')),
  linear: () => (x, w, b) => nnF.linear(x, w, b ?? null),
  crossEntropyOp: (a) => (z, t) => nnF.crossEntropy(z, t, defined({ reduction: reduction(a), labelSmoothing: optNum(a, 'labelSmoothing') })),
  nllLossOp: (a) => (z, t) => nnF.nllLoss(z, t, defined({ reduction: reduction(a) })),
  mseLossOp: (a) => (x, y) => nnF.mseLoss(x, y, defined({ reduction: reduction(a) })),
  bceOp: (a) => (p, t) => nnF.binaryCrossEntropy(p, t, defined({ reduction: reduction(a) })),
  bceWithLogitsOp: (a) => (z, t, pw) => nnF.binaryCrossEntropyWithLogits(z, t, defined({ posWeight: pw, reduction: reduction(a) })),
};

function fnOf(c: CaseBase): Fn {
  const make = FNS[c.fn];
  if (make === undefined) throw new Error(`no tsgrad function for '${c.fn}'`);
  return make(c.args, buildConsts(c.consts));
}

// ---- the cases -----------------------------------------------------------------------------------
const ofKind = <K extends GoldenCase['kind']>(kind: K) =>
  golden.cases.filter((c): c is Extract<GoldenCase, { kind: K }> => c.kind === kind).map((c) => [c.name, c] as const);

function runFunctional(c: FunctionalCase, xs: Tensor[]): unknown {
  const F = functional;
  const fn = fnOf(c);
  const inputs: Inputs = c.inputsAsArray ? xs : xs[0];
  const options: FunctionalOptions = { createGraph: c.options.createGraph, strict: c.options.strict };
  if (c.api === 'jacobian' || c.api === 'hessian') return F[c.api](fn, inputs, options);
  const v = c.v === undefined ? undefined : buildNested(c.v);
  return F[c.api](fn, inputs, v, options);
}

describe(`higher-order gradients against PyTorch ${golden.torch}`, () => {
  it('has a tsgrad function for every function the generator names', () => {
    for (const c of golden.cases) if (c.kind !== 'wgan-gp') expect(FNS[c.fn]).toBeDefined();
    expect(golden.cases.length).toBeGreaterThan(100);
  });

  describe('torch.autograd.functional', () => {
    it.each(ofKind('functional'))('%s', (_name, c) => {
      const xs = c.inputs.map((s) => build(s));
      if (c.throws !== undefined) {
        let error: unknown = null;
        try {
          runFunctional(c, xs);
        } catch (e) {
          error = e;
        }
        if (error === null) throw new Error(`expected an error like PyTorch's: ${c.throws}`);
        expect(String((error as Error).message)).not.toMatch(/is not a function|Cannot read propert/);
        return;
      }
      const result = runFunctional(c, xs);
      expectNested(result, c.expected!, c.api);
      expectRequiresGrad(result, c.requiresGrad!, `${c.api} requiresGrad`);
      if (c.thirdOrder) {
        const w = build(c.thirdOrder.weights);
        const grads = torch.autograd.grad((result as Tensor).mul(w).sum(), xs, { allowUnused: true });
        expectNested(grads, c.thirdOrder.expected, 'third derivative');
      }
    });
  });

  describe('autograd.grad twice (createGraph, then the gradient of the gradient)', () => {
    it.each(ofKind('gradgrad'))('%s', (_name, c) => {
      const xs = c.inputs.map((s) => build(s));
      const y = fnOf(c)(...xs) as Tensor;
      expectTensor(y, c.output, 'output');
      const diff = xs.filter((x) => x.requiresGrad);
      const g = c.gradOutput === null ? null : build(c.gradOutput, true);
      const first = torch.autograd.grad(y, diff, { gradOutputs: g ?? undefined, createGraph: true, allowUnused: true });
      expectNested(first, c.first, 'first', true);
      // second order over the first-order gradients that are in a graph (on both sides)
      const outs: Tensor[] = [];
      const us: Tensor[] = [];
      first.forEach((d, i) => {
        const u = c.u[i];
        if (d !== null && d.requiresGrad && u !== null) {
          outs.push(d);
          us.push(build(u));
        }
      });
      const wrt = g === null ? diff : [...diff, g];
      const second = outs.length > 0 ? torch.autograd.grad(outs, wrt, { gradOutputs: us, allowUnused: true }) : wrt.map(() => null);
      expectNested(second, c.second, 'second', true);
    });
  });

  describe('backward({ createGraph: true })', () => {
    it.each(ofKind('backward'))('%s', (_name, c) => {
      const fn = fnOf(c);
      const w = build(c.w);
      const x = build(c.inputs[0], true);
      (fn(x) as Tensor).backward(undefined, { createGraph: true });
      const gx = x.grad!;
      expectTensor(gx, c.grad, 'x.grad');
      expect(gx.requiresGrad).toBe(c.gradRequiresGrad);
      // a second backward through x.grad adds H w to x.grad
      gx.mul(w).sum().backward();
      expectTensor(x.grad, c.afterSecondAccumulated, 'x.grad after the second backward');
      // and from x.grad = null it is H w alone
      const x2 = build(c.inputs[0], true);
      (fn(x2) as Tensor).backward(undefined, { createGraph: true });
      const g2 = x2.grad!;
      x2.grad = null;
      g2.mul(w).sum().backward();
      expectTensor(x2.grad, c.afterSecondFresh, 'x.grad after x.grad = null and the second backward');
    });
  });

  describe('WGAN-GP', () => {
    it.each(ofKind('wgan-gp'))('%s', (_name, c) => {
      const { real, fake, eps } = buildConsts(c.consts);
      const params = c.inputs.map((s) => build(s, true));
      const [W1, b1, W2, b2] = params;
      const D = (x: Tensor): Tensor => nnF.linear(torch.tanh(nnF.linear(x, W1, b1)), W2, b2);
      const xhat = eps.mul(real).add(torch.sub(1, eps).mul(fake)).requiresGrad_();
      expectTensor(xhat, c.xhat, 'xhat');
      const out = D(xhat);
      expectTensor(out, c.criticOut, 'D(xhat)');
      const [gx] = torch.autograd.grad(out.sum(), xhat, { createGraph: true });
      expectTensor(gx, c.gx, 'gx');
      expect(gx!.requiresGrad).toBe(c.gxRequiresGrad);
      const norm = gx!.pow(2).sum(1).sqrt();
      expectTensor(norm, c.norm, '|gx|');
      const penalty = norm.sub(1).pow(2).mean();
      expectTensor(penalty, c.penalty, 'penalty');
      // b2 never reaches the penalty: PyTorch returns None for it
      const penaltyGrads = torch.autograd.grad(penalty, params, { retainGraph: true, allowUnused: true });
      expectNested(penaltyGrads, c.penaltyGrads, 'd penalty / d (W1, b1, W2, b2)');
      const loss = D(fake)
        .mean()
        .sub(D(real).mean())
        .add(penalty.mul(c.args.lambda as number));
      expectTensor(loss, c.loss, 'loss');
      loss.backward();
      params.forEach((p, i) => expectTensor(p.grad, c.lossGrads[i], `.grad of parameter ${i}`));
      expectTensor(xhat.grad, c.xhatGrad, 'xhat.grad');
    });
  });

  (CHECK_GRAPH_STRUCTURE ? describe : describe.skip)("PyTorch's graph structure (grad_fn names, requiresGrad)", () => {
    it.each(ofKind('gradgrad'))('%s', (_name, c) => {
      const xs = c.inputs.map((s) => build(s));
      const y = fnOf(c)(...xs) as Tensor;
      const g = c.gradOutput === null ? null : build(c.gradOutput, true);
      const first = torch.autograd.grad(
        y,
        xs.filter((x) => x.requiresGrad),
        { gradOutputs: g ?? undefined, createGraph: true, allowUnused: true },
      );
      expect(first.map((d) => (d === null ? null : d.requiresGrad))).toEqual(c.firstRequiresGrad);
      expect(first.map(gradFnName)).toEqual(c.firstGradFn);
    });

    it.each(ofKind('backward'))('%s', (_name, c) => {
      const x = build(c.inputs[0], true);
      (fnOf(c)(x) as Tensor).backward(undefined, { createGraph: true });
      const gx = x.grad!;
      expect(gradFnName(gx)).toBe(c.gradGradFn); // CopyBackwards: PyTorch copies the first gradient into .grad
      gx.mul(build(c.w)).sum().backward();
      expect(x.grad === gx).toBe(c.secondAccumulatesInPlace); // without createGraph PyTorch adds into .grad in place
    });

    it.each(ofKind('wgan-gp'))('%s', (_name, c) => {
      const { real, fake, eps } = buildConsts(c.consts);
      const [W1, b1, W2, b2] = c.inputs.map((s) => build(s, true));
      const xhat = eps.mul(real).add(torch.sub(1, eps).mul(fake)).requiresGrad_();
      const out = nnF.linear(torch.tanh(nnF.linear(xhat, W1, b1)), W2, b2);
      const [gx] = torch.autograd.grad(out.sum(), xhat, { createGraph: true });
      expect(gradFnName(gx)).toBe(c.gxGradFn);
    });
  });
});
