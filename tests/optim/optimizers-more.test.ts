import * as torch from '../../src/index';
import { nn, Tensor } from '../../src/index';
import { Adadelta } from '../../src/optim/adadelta';
import { ASGD } from '../../src/optim/asgd';
import { LBFGS, type LBFGSOptions, type LBFGSState } from '../../src/optim/lbfgs';
import type { OptimizerStateDict } from '../../src/optim/optimizer';
import { RMSprop } from '../../src/optim/rmsprop';
import { Rprop } from '../../src/optim/rprop';
import {
  type AnyOptimizer,
  construct,
  type DTypeName,
  expectClose,
  expectResumedTrajectory,
  expectStateMatches,
  expectTrajectory,
  findCase as find,
  type GoldenCase as Case,
  makeParams,
  type OptimizerName,
  type Options,
  readGolden,
  replayStep,
} from './golden-helpers';

// Golden trajectories from real PyTorch (see tests/golden/gen_optimizers_more.py); no Python needed here.
interface GoldenCase extends Case {
  finalGroups: ({ params: number[] } & Options)[];
}
interface GoldenEval {
  params: number[][];
  loss: number;
  grads: (number[] | null)[];
}
interface GoldenLBFGS {
  name: string;
  problem: 'rosenbrock' | 'rosenbrock split, a param without grad' | 'mlp';
  options: Options;
  dtype: DTypeName;
  shapes: number[][];
  params0: number[][];
  steps: { loss: number; params: number[][]; evals: GoldenEval[] }[];
  finalState: Record<string, Record<string, number | number[] | number[][]>>;
  finalGroups: ({ params: number[] } & Options)[];
  data?: Record<string, { shape: number[]; values: number[] }>;
}
interface GoldenError {
  optimizer: OptimizerName;
  options: Record<string, number | number[] | string>;
  groups?: boolean;
  message: string;
}
const golden = readGolden<{
  cases: GoldenCase[];
  lbfgs: GoldenLBFGS[];
  defaults: { optimizer: OptimizerName; options: Options }[];
  errors: GoldenError[];
}>('optimizers-more.json');

/**
 * Rprop matches PyTorch bit for bit, and ASGD in float32. PyTorch's CPU kernels fuse multiply-adds
 * (`add(alpha=)`, `addcmul`, `lerp`), which tsgrad rounds once in float32 and not in float64 (as Adam
 * does), so float64 agrees to an ulp or so; and RMSprop and Adadelta take square roots, where torch's
 * CPU sqrt (MKL's vector math) is within 1 ulp but not correctly rounded, as Math.sqrt is.
 */
function tolerance(c: { optimizer: string; dtype: DTypeName }): number {
  if (c.optimizer === 'Rprop' || (c.optimizer === 'ASGD' && c.dtype === 'float32')) return 0;
  return c.dtype === 'float64' ? 1e-14 : 1e-6;
}

function expectStateDictMatches(c: GoldenCase, sd: OptimizerStateDict): void {
  expectStateMatches(c, sd.state, c.finalState, tolerance(c), 0);
  expect(sd.paramGroups).toEqual(c.finalGroups);
}

describe('golden trajectories from PyTorch', () => {
  test.each(golden.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expectStateDictMatches(c, expectTrajectory(c, tolerance(c)).stateDict());
  });

  test.each(['RMSprop', 'Adadelta', 'ASGD', 'Rprop'])('%s: the cases cover both dtypes, groups, steps without grad, maximize, weight decay', (name) => {
    const cases = golden.cases.filter((c) => c.optimizer === name);
    expect(cases.every((c) => c.steps.length >= 20)).toBe(true);
    expect(cases.some((c) => c.dtype === 'float32')).toBe(true);
    expect(cases.some((c) => c.dtype === 'float64')).toBe(true);
    expect(cases.some((c) => (c.groups?.length ?? 0) >= 2)).toBe(true);
    expect(cases.some((c) => c.steps.some((s) => s.grads.includes(null)))).toBe(true);
    expect(cases.some((c) => c.options.maximize === true)).toBe(true);
    if (name !== 'Rprop') expect(cases.some((c) => (c.options.weightDecay as number) > 0)).toBe(true);
  });

  test('ASGD: the t0 crossing changes the averaging weight mu from 1 to 1 / (t - t0)', () => {
    const c = find(golden.cases, 'asgd t0 crossing');
    const params = makeParams(c);
    const opt = new ASGD(params, c.options);
    const mus: number[] = [];
    for (let s = 0; s < c.steps.length; s++) {
      replayStep(c, s, params, opt);
      mus.push(opt.state.get(params[0])?.mu as number);
    }
    // mu = 1 / max(1, t - t0) with t0 = 10, held in float32
    expect(mus.slice(0, 11)).toEqual(new Array(11).fill(1));
    expect(mus[24]).toBe(Math.fround(1 / 15));
    expect(opt.state.get(params[0])?.eta).toBe(Math.fround(0.02 / (1 + 0.01 * 0.02 * 25) ** 0.5));
  });

  test('Rprop: step sizes stay within stepSizes', () => {
    const c = find(golden.cases, 'rprop step sizes at both bounds');
    const params = makeParams(c);
    const opt = new Rprop(params, c.options as never);
    const seen = new Set<number>();
    for (let s = 0; s < c.steps.length; s++) {
      replayStep(c, s, params, opt);
      for (const p of params) for (const v of opt.state.get(p)?.stepSize.data ?? []) seen.add(v);
    }
    expect(Math.min(...seen)).toBe(0.01);
    expect(Math.max(...seen)).toBe(0.1);
  });
});

describe('stateDict / loadStateDict', () => {
  test.each([
    'rmsprop centered + momentum + weight decay + maximize',
    'rmsprop param groups',
    'adadelta, params without grad on some steps',
    'asgd t0 crossing',
    'asgd param groups',
    'rprop param groups',
    'rprop step sizes at both bounds float32',
  ])('continuing from a saved state in a fresh optimizer follows the same trajectory: %s', (name) => {
    const c = find(golden.cases, name);
    expectStateDictMatches(c, expectResumedTrajectory(c, 12, tolerance(c)).stateDict());
  });

  test("the saved form: PyTorch's layout in camelCase", () => {
    const a = new nn.Parameter(torch.zeros([2, 3], { dtype: 'float64' }));
    const b = new nn.Parameter(torch.ones([3], { dtype: 'float64' }));
    const grads = (): void => {
      a.grad = torch.ones([2, 3], { dtype: 'float64' });
      b.grad = torch.ones([3], { dtype: 'float64' });
    };
    const keys = (opt: AnyOptimizer): string[][] => Object.values(opt.stateDict().state).map((e) => Object.keys(e).sort());
    const rms = new RMSprop([
      { params: [a], centered: true },
      { params: [b], momentum: 0.9 },
    ]);
    grads();
    rms.step();
    expect(keys(rms)).toEqual([
      ['gradAvg', 'squareAvg', 'step'],
      ['momentumBuffer', 'squareAvg', 'step'],
    ]);
    expect(rms.stateDict().paramGroups[1]).toEqual({
      lr: 0.01,
      momentum: 0.9,
      alpha: 0.99,
      eps: 1e-8,
      centered: false,
      weightDecay: 0,
      maximize: false,
      params: [1],
    });
    const ada = new Adadelta([a, b]);
    grads();
    ada.step();
    expect(keys(ada)).toEqual([
      ['accDelta', 'squareAvg', 'step'],
      ['accDelta', 'squareAvg', 'step'],
    ]);
    const asgd = new ASGD([a]);
    grads();
    asgd.step();
    expect(asgd.stateDict().state[0]).toMatchObject({ step: 1, eta: Math.fround(0.01 / (1 + 1e-4 * 0.01) ** 0.75), mu: 1 });
    expect(keys(asgd)).toEqual([['ax', 'eta', 'mu', 'step']]);
    const rprop = new Rprop([b], { lr: 0.1 });
    grads();
    rprop.step();
    expect(keys(rprop)).toEqual([['prev', 'step', 'stepSize']]);
    expect(Array.from((rprop.stateDict().state[0].stepSize as Tensor).data)).toEqual([0.1, 0.1, 0.1]);
    expect(rprop.stateDict().paramGroups).toEqual([{ lr: 0.1, etas: [0.5, 1.2], stepSizes: [1e-6, 50], maximize: false, params: [0] }]);
  });

  test('a failed load names the problems and changes nothing', () => {
    const p = new nn.Parameter(torch.ones([2]));
    const opt = new RMSprop([p], { momentum: 0.9 });
    p.grad = torch.ones([2]);
    opt.step();
    const sd = opt.stateDict();
    delete (sd.state[0] as Record<string, unknown>).momentumBuffer;
    sd.paramGroups[0].lr = 0.5;
    expect(() => opt.loadStateDict(sd)).toThrow('Error(s) in loading state_dict for RMSprop:\n\tstate[0]: momentumBuffer must be a Tensor, got undefined');
    expect(opt.paramGroups[0].lr).toBe(0.01);
    const bad = new ASGD([p]);
    bad.step(() => 0);
    p.grad = torch.ones([2]);
    bad.step();
    const saved = bad.stateDict();
    (saved.state[0] as Record<string, unknown>).eta = 'x';
    expect(() => bad.loadStateDict(saved)).toThrow('state[0]: eta must be a number, got "x"');
  });
});

describe('constructor errors, as PyTorch', () => {
  /** Python's float repr in PyTorch's message, as JavaScript writes the number: -1.0 -> -1, 1e-08 -> 1e-8, nan -> NaN. */
  const jsNumbers = (message: string): string => message.replace(/-?\b\d+(\.\d+)?(e[-+]\d+)?\b|\bnan\b/g, (m) => (m === 'nan' ? 'NaN' : String(Number(m))));
  const fromPython = (v: unknown): unknown => (v === 'nan' ? NaN : v);

  test.each(golden.errors.map((e) => [`${e.optimizer} ${JSON.stringify(e.options)}${e.groups ? ' with two groups' : ''}`, e] as const))('%s', (_name, e) => {
    const options = Object.fromEntries(Object.entries(e.options).map(([k, v]) => [k, fromPython(v)]));
    const params = e.groups
      ? [{ params: [new nn.Parameter(torch.zeros([2]))] }, { params: [new nn.Parameter(torch.zeros([2]))] }]
      : [new nn.Parameter(torch.zeros([2]))];
    expect(() => construct(e.optimizer, params, options)).toThrow(jsNumbers(e.message));
  });

  test('group options are checked too', () => {
    const p = (): nn.Parameter => new nn.Parameter(torch.zeros([2]));
    expect(() => new RMSprop([{ params: [p()], alpha: -1 }])).toThrow('Invalid alpha value: -1');
    expect(() => new Adadelta([{ params: [p()] }, { params: [p()], rho: 2 }])).toThrow('Invalid rho value: 2');
    expect(() => new Rprop([{ params: [p()], etas: [0.5, 1] }])).toThrow('Invalid eta values: 0.5, 1');
    expect(() => new ASGD([p()]).addParamGroup({ params: [p()], weightDecay: -1 })).toThrow('Invalid weight_decay value: -1');
    expect(() => new Rprop([p()], { stepSizes: [1e-6] as never })).toThrow('Rprop: option stepSizes must be an array of two numbers, got [0.000001]');
    expect(() => new RMSprop([p()], { centered: 1 as never })).toThrow('RMSprop: option centered must be true or false, got number 1');
    expect(() => new ASGD([p()], { t0: '5' as never })).toThrow('ASGD: option t0 must be a number, got "5"');
    expect(() => new RMSprop([])).toThrow('optimizer got an empty parameter list');
  });

  test("PyTorch's defaults", () => {
    for (const { optimizer, options } of golden.defaults) {
      const { params: _params, ...ours } = construct(optimizer, [new nn.Parameter(torch.zeros([2]))]).paramGroups[0] as Options & { params: unknown };
      expect(ours).toEqual(options);
    }
  });
});

describe('options are checked: unknown keys, and PyTorch options tsgrad leaves out', () => {
  const p = (): nn.Parameter => new nn.Parameter(torch.zeros([2]));
  type Any = never;
  it.each([
    ['RMSprop', () => new RMSprop([p()], { weight_decay: 1 } as Any), "RMSprop: unknown option 'weight_decay'; did you mean 'weightDecay'?"],
    ['RMSprop', () => new RMSprop([p()], { foreach: true } as Any), 'RMSprop: foreach is not supported: tsgrad updates each parameter in a loop of its own'],
    ['RMSprop', () => new RMSprop([p()], { capturable: true } as Any), 'RMSprop: capturable is not supported: tsgrad runs on the CPU'],
    ['RMSprop', () => new RMSprop([p()], { differentiable: true } as Any), 'RMSprop: differentiable is not supported'],
    // PyTorch's RMSprop, Adadelta, ASGD and Rprop have no fused option
    ['RMSprop', () => new RMSprop([p()], { fused: false } as Any), "RMSprop: unknown option 'fused'"],
    ['Adadelta', () => new Adadelta([p()], { rh0: 0.9 } as Any), "Adadelta: unknown option 'rh0'; did you mean 'rho'?"],
    ['ASGD', () => new ASGD([p()], { lambda: 0.1 } as Any), "ASGD: unknown option 'lambda'; did you mean 'lambd'?"],
    ['Rprop', () => new Rprop([p()], { step_sizes: [1, 2] } as Any), "Rprop: unknown option 'step_sizes'; did you mean 'stepSizes'?"],
    ['LBFGS', () => new LBFGS([p()], { max_iter: 5 } as Any), "LBFGS: unknown option 'max_iter'; did you mean 'maxIter'?"],
    // PyTorch's LBFGS has no foreach, maximize ... at all
    ['LBFGS', () => new LBFGS([p()], { foreach: false } as Any), "LBFGS: unknown option 'foreach'"],
    ['LBFGS', () => new LBFGS([p()], { maximize: true } as Any), "LBFGS: unknown option 'maximize'"],
    ['a parameter group', () => new Rprop([{ params: [p()], etaplus: 1.2 }] as Any), "Rprop: parameter group: unknown option 'etaplus'"],
    [
      'addParamGroup',
      () => new Adadelta([p()]).addParamGroup({ params: [p()], LR: 1 } as Any),
      "Adadelta: parameter group: unknown option 'LR'; did you mean 'lr'?",
    ],
  ])('%s', (_name, fn, message) => {
    expect(fn).toThrow(message);
  });

  it('the values that ask for what tsgrad does anyway are accepted', () => {
    for (const name of ['RMSprop', 'Adadelta', 'ASGD', 'Rprop'] as const) {
      expect(() => construct(name, [p()], { foreach: null, differentiable: false, capturable: false })).not.toThrow();
    }
  });
});

describe('parameter groups and steps', () => {
  const p2 = (): nn.Parameter => new nn.Parameter(torch.zeros([2], { dtype: 'float64' }));

  test.each(['RMSprop', 'Adadelta', 'ASGD', 'Rprop'] as const)('%s: addParamGroup takes the defaults for options it leaves out', (name) => {
    const opt = construct(name, [p2()], { lr: 0.5 });
    const b = p2();
    opt.addParamGroup({ params: [b], lr: 0.25 } as never);
    expect(opt.paramGroups.length).toBe(2);
    expect(opt.paramGroups[1]).toEqual({ ...opt.paramGroups[0], lr: 0.25, params: [b] });
    expect(() => opt.addParamGroup({ params: [b] })).toThrow('some parameters appear in more than one parameter group');
  });

  test.each(['RMSprop', 'Adadelta', 'ASGD', 'Rprop'] as const)('%s: step(closure) returns the loss; a parameter without grad is left alone', (name) => {
    const w = new nn.Parameter(torch.tensor([3, -1], { dtype: 'float64' }));
    const idle = p2();
    const opt = construct(name, [w, idle]);
    const loss = opt.step(() => {
      opt.zeroGrad();
      const l = w.mul(w).sum();
      l.backward();
      return l;
    });
    expect((loss as Tensor).item()).toBe(10);
    expect(Array.from(w.data)).not.toEqual([3, -1]);
    expect(Array.from(idle.data)).toEqual([0, 0]);
    expect(opt.state.has(idle)).toBe(false);
    expect(w.isLeaf && w.gradFn === null).toBe(true);
  });

  test('hand-worked first steps', () => {
    const one = (): nn.Parameter => new nn.Parameter(torch.tensor([1], { dtype: 'float64' }));
    const step = (opt: AnyOptimizer, p: Tensor, g: number): number => {
      p.grad = torch.tensor([g], { dtype: 'float64' });
      opt.step();
      return p.item();
    };
    // RMSprop: v = 0.01 * 4; p = 1 - 0.01 * 2 / (sqrt(0.04) + 1e-8)
    let p = one();
    expect(step(new RMSprop([p]), p, 2)).toBeCloseTo(1 - 0.02 / (0.2 + 1e-8), 15);
    // Adadelta: v = 0.1 * 4; delta = sqrt(1e-6) / sqrt(0.4 + 1e-6) * 2; p = 1 - delta
    p = one();
    expect(step(new Adadelta([p]), p, 2)).toBeCloseTo(1 - (Math.sqrt(1e-6) / Math.sqrt(0.4 + 1e-6)) * 2, 15);
    // ASGD: p = 1 * (1 - 1e-4 * eta) - eta * 2 with eta = lr in float32
    p = one();
    const eta = Math.fround(0.01);
    expect(step(new ASGD([p]), p, 2)).toBe(1 * (1 - 1e-4 * eta) - eta * 2);
    // Rprop: the first step moves each element by lr against the gradient's sign
    p = one();
    const rprop = new Rprop([p], { lr: 0.1 });
    expect(step(rprop, p, 2)).toBe(0.9);
    expect(step(rprop, p, 5)).toBeCloseTo(0.9 - 0.12, 15); // same sign: 0.1 * 1.2
    expect(step(rprop, p, -5)).toBeCloseTo(0.78, 15); // a flip: step size 0.06, no move
    expect(step(rprop, p, -5)).toBeCloseTo(0.78 + 0.06, 15); // the flip zeroed prev, so the factor is 1
  });

  test('a step with a parameter of the wrong type changes nothing', () => {
    const a = new nn.Parameter(torch.tensor([1, 2], { dtype: 'float32' }));
    const b = new nn.Parameter(torch.tensor([3, 4], { dtype: 'float32' }));
    const opt = new RMSprop([{ params: [a] }, { params: [b] }], { momentum: 0.9 });
    a.grad = torch.ones([2]);
    b.grad = torch.ones([2]);
    (opt.paramGroups[1] as { momentum: unknown }).momentum = '0.9';
    expect(() => opt.step()).toThrow('RMSprop.step: paramGroups[1].momentum must be a number, got string "0.9"');
    expect(Array.from(a.data)).toEqual([1, 2]);
    expect(opt.state.size).toBe(0);
  });
});

// ---- LBFGS ----

/** PyTorch's closure, computed with tsgrad's ops. */
function lossFn(c: GoldenLBFGS): (params: Tensor[]) => Tensor {
  if (c.problem === 'rosenbrock') {
    // sum(100 (x[1:] - x[:-1]^2)^2 + (1 - x[:-1])^2)
    return ([x]) => {
      const n = x.shape[0];
      const a = x.narrow(0, 0, n - 1);
      const b = x.narrow(0, 1, n - 1);
      return b.sub(a.pow(2)).pow(2).mul(100).add(torch.sub(1, a).pow(2)).sum();
    };
  }
  if (c.problem === 'rosenbrock split, a param without grad') {
    // 100 (b - a^2)^2 + (1 - a)^2; the third parameter is not used
    return ([a, b]) => b.sub(a.pow(2)).pow(2).mul(100).add(torch.sub(1, a).pow(2));
  }
  const data = c.data as Record<string, { shape: number[]; values: number[] }>;
  const x = torch.tensor(data.x.values, { dtype: c.dtype }).reshape(data.x.shape);
  const y = torch.tensor(data.y.values, { dtype: c.dtype }).reshape(data.y.shape);
  // mean((tanh(x W1^T + b1) W2^T + b2 - y)^2)
  return ([W1, b1, W2, b2]) => torch.matmul(torch.matmul(x, W1.T).add(b1).tanh(), W2.T).add(b2).sub(y).pow(2).mean();
}

function computingClosure(c: GoldenLBFGS, params: Tensor[], opt: LBFGS): () => Tensor {
  const f = lossFn(c);
  return () => {
    opt.zeroGrad();
    const loss = f(params);
    loss.backward();
    return loss;
  };
}

/**
 * A closure that checks it is called where PyTorch's was (to `tol`), then gives PyTorch's loss and
 * gradients there: the optimizer alone is compared, not tsgrad's and torch's rounding of the model.
 */
function replayingClosure(c: GoldenLBFGS, params: Tensor[], tol: number): { closure: () => Tensor; at: (s: number) => void; calls: () => number } {
  let step = 0;
  let call = 0;
  const closure = (): Tensor => {
    const e = c.steps[step].evals[call];
    if (e === undefined) throw new Error(`${c.name}: step ${step} evaluates the loss more often than PyTorch (${call + 1} times)`);
    params.forEach((p, i) => expectClose(p.data, e.params[i], tol, `${c.name}: step ${step}, evaluation ${call}, param ${i}`));
    params.forEach((p, i) => {
      const g = e.grads[i];
      p.grad = g === null ? null : torch.tensor(g, { dtype: c.dtype }).reshape(c.shapes[i]);
    });
    call++;
    return torch.tensor(e.loss, { dtype: c.dtype });
  };
  return {
    closure,
    at: (s) => {
      step = s;
      call = 0;
    },
    calls: () => call,
  };
}

/**
 * float32 replays match PyTorch to the bit (the cases run where the line search meets no square root
 * that torch's CPU sqrt rounds differently). float64 ones drift by ulps, from the fused multiply-adds
 * (see `tolerance`) and those square roots, and L-BFGS amplifies that step by step, most in `ro`
 * (1 / y.s, with y.s a difference of nearly equal numbers): to ~3e-8 over these runs.
 */
const lbfgsTolerance = (c: GoldenLBFGS): number => (c.dtype === 'float64' ? 1e-6 : 0);

function expectLBFGSState(c: GoldenLBFGS, opt: LBFGS, tol: number): void {
  const sd = opt.stateDict();
  expect(Object.keys(sd.state)).toEqual(['0']);
  const ours = sd.state[0] as unknown as Record<string, unknown>;
  const theirs = c.finalState['0'];
  expect(Object.keys(ours).sort()).toEqual(Object.keys(theirs).sort());
  for (const [key, value] of Object.entries(theirs)) {
    const what = `${c.name}: state.${key}`;
    const mine = ours[key];
    if (key === 'funcEvals' || key === 'nIter') expect(mine).toBe(value);
    else if (typeof value === 'number') expectClose([mine as number], [value], tol, what);
    else if (key === 'ro') expectClose(mine as number[], value as number[], tol, what);
    else if (key === 'oldDirs' || key === 'oldStps') {
      expect((mine as Tensor[]).length).toBe(value.length);
      (value as number[][]).forEach((v, i) => expectClose((mine as Tensor[])[i].data, v, tol, `${what}[${i}]`));
    } else expectClose((mine as Tensor).data, value as number[], tol, what);
  }
  expect(sd.paramGroups).toEqual(c.finalGroups);
}

describe('LBFGS: golden trajectories from PyTorch', () => {
  test.each(golden.lbfgs.map((c) => [c.name, c] as const))('replaying PyTorch losses and gradients: %s', (_name, c) => {
    const tol = lbfgsTolerance(c);
    const params = makeParams(c);
    const opt = new LBFGS(params, c.options as LBFGSOptions);
    const replay = replayingClosure(c, params, tol);
    for (let s = 0; s < c.steps.length; s++) {
      replay.at(s);
      const loss = opt.step(replay.closure);
      expect(replay.calls()).toBe(c.steps[s].evals.length);
      expectClose([loss.item()], [c.steps[s].loss], tol, `${c.name}: step ${s} loss`);
      params.forEach((p, i) => expectClose(p.data, c.steps[s].params[i], tol, `${c.name}: step ${s}, param ${i}`));
    }
    expectLBFGSState(c, opt, tol);
  });

  // With tsgrad's ops, Rosenbrock's losses and gradients are torch's to the bit; the network's are
  // not (tanh and matmul round differently). Either way L-BFGS amplifies the optimizer's own ulps and
  // those, step by step, so the first five steps are compared, and the iteration and evaluation
  // counts to the end.
  test.each(golden.lbfgs.map((c) => [c.name, c] as const))('computing the loss with tsgrad: %s', (_name, c) => {
    const tol = c.dtype === 'float64' ? 1e-8 : c.problem === 'mlp' ? 1e-3 : 1e-6;
    const params = makeParams(c);
    const opt = new LBFGS(params, c.options as LBFGSOptions);
    const closure = computingClosure(c, params, opt);
    for (let s = 0; s < c.steps.length; s++) {
      const loss = opt.step(closure);
      if (s >= 5) continue;
      expectClose([loss.item()], [c.steps[s].loss], tol, `${c.name}: step ${s} loss`);
      params.forEach((p, i) => expectClose(p.data, c.steps[s].params[i], tol, `${c.name}: step ${s}, param ${i}`));
    }
    const state = opt.stateDict().state[0] as unknown as LBFGSState;
    expect([state.nIter, state.funcEvals]).toEqual([c.finalState['0'].nIter, c.finalState['0'].funcEvals]);
  });

  test('the cases cover fixed steps and strong_wolfe, both dtypes, a parameter without grad, history overflow, early stops', () => {
    const cases = golden.lbfgs;
    expect(cases.every((c) => c.steps.length >= 20)).toBe(true);
    for (const fn of [null, 'strong_wolfe']) {
      for (const dtype of ['float32', 'float64']) expect(cases.some((c) => (c.options.lineSearchFn ?? null) === fn && c.dtype === dtype)).toBe(true);
    }
    expect(cases.some((c) => c.steps.some((s) => s.evals.some((e) => e.grads.includes(null))))).toBe(true);
    expect(cases.some((c) => (c.finalState['0'].oldDirs as number[][]).length === c.options.historySize)).toBe(true);
    // a step that stops at once: the first gradient is within toleranceGrad
    expect(cases.some((c) => c.steps.some((s) => s.evals.length === 1))).toBe(true);
  });

  test('continuing from a saved state in a fresh optimizer follows the same trajectory', () => {
    for (const name of ['rosenbrock, strong wolfe, history 3', 'mlp, fixed steps']) {
      const c = find(golden.lbfgs, name);
      const tol = lbfgsTolerance(c);
      const params = makeParams(c);
      const opt = new LBFGS(params, c.options as LBFGSOptions);
      const replay = replayingClosure(c, params, tol);
      for (let s = 0; s < 10; s++) {
        replay.at(s);
        opt.step(replay.closure);
      }
      const sd = opt.stateDict();
      const fresh = makeParams(c);
      fresh.forEach((p, i) => p.data.set(params[i].data));
      const opt2 = new LBFGS(fresh, { lr: 123 });
      opt2.loadStateDict(sd);
      // the saved state is a copy: stepping the old optimizer on does not change it
      replay.at(10);
      opt.step(replay.closure);
      const replay2 = replayingClosure(c, fresh, tol);
      for (let s = 10; s < c.steps.length; s++) {
        replay2.at(s);
        expectClose([opt2.step(replay2.closure).item()], [c.steps[s].loss], tol, `${name}: step ${s} loss`);
        fresh.forEach((p, i) => expectClose(p.data, c.steps[s].params[i], tol, `${name}: step ${s}, param ${i}`));
      }
      expectLBFGSState(c, opt2, tol);
    }
  });
});

describe('LBFGS', () => {
  const quadratic = (): { w: nn.Parameter; opt: LBFGS; closure: () => Tensor } => {
    const w = new nn.Parameter(torch.tensor([3, -2], { dtype: 'float64' }));
    const opt = new LBFGS([w], { lineSearchFn: 'strong_wolfe' });
    const closure = (): Tensor => {
      opt.zeroGrad();
      const loss = w
        .sub(torch.tensor([1, 2], { dtype: 'float64' }))
        .pow(2)
        .sum();
      loss.backward();
      return loss;
    };
    return { w, opt, closure };
  };

  test('minimizes a quadratic in one step and returns the first loss', () => {
    const { w, opt, closure } = quadratic();
    // (3 - 1)^2 + (-2 - 2)^2
    expect(opt.step(closure).item()).toBe(20);
    expect(w.data[0]).toBeCloseTo(1, 12);
    expect(w.data[1]).toBeCloseTo(2, 12);
    // at the minimum the first gradient is within toleranceGrad: one evaluation, no iteration
    const before = opt.stateDict().state[0] as unknown as LBFGSState;
    opt.step(closure);
    const after = opt.stateDict().state[0] as unknown as LBFGSState;
    expect(after.funcEvals).toBe(before.funcEvals + 1);
    expect(after.nIter).toBe(before.nIter);
  });

  test('needs a closure', () => {
    const { opt } = quadratic();
    expect(() => (opt as unknown as { step(): void }).step()).toThrow(/LBFGS.step needs a closure that recomputes the loss, got undefined/);
    expect(() => opt.step((() => 'x') as never)).toThrow('LBFGS: the closure must return the loss, a one-element Tensor or a number, got string "x"');
  });

  test('a number is a loss too', () => {
    const w = new nn.Parameter(torch.tensor([2], { dtype: 'float64' }));
    const opt = new LBFGS([w], { maxIter: 50 });
    // f = (w - 5)^2 by hand: gradient 2 (w - 5)
    const loss = opt.step(() => {
      w.grad = torch.tensor([2 * (w.item() - 5)], { dtype: 'float64' });
      return (w.item() - 5) ** 2;
    });
    expect(loss).toBe(9);
    expect(w.item()).toBeCloseTo(5, 9);
  });

  test('one parameter group only, as PyTorch', () => {
    const p = (): nn.Parameter => new nn.Parameter(torch.zeros([2]));
    expect(() => new LBFGS([{ params: [p()] }, { params: [p()] }])).toThrow("LBFGS doesn't support per-parameter options (parameter groups)");
    const opt = new LBFGS([{ params: [p(), p()], lr: 0.5 }]);
    expect(opt.paramGroups[0].lr).toBe(0.5);
    expect(() => opt.addParamGroup({ params: [p()] })).toThrow("LBFGS doesn't support per-parameter options (parameter groups)");
  });

  test('options: maxEval defaults to floor(maxIter * 5 / 4); lineSearchFn is null or strong_wolfe', () => {
    const p = (): nn.Parameter => new nn.Parameter(torch.zeros([2]));
    expect(new LBFGS([p()], { maxIter: 7 }).paramGroups[0].maxEval).toBe(8);
    expect(new LBFGS([p()], { maxIter: 7, maxEval: null }).paramGroups[0].maxEval).toBe(8);
    expect(() => new LBFGS([p()], { lineSearchFn: 'backtracking' as never })).toThrow("only 'strong_wolfe' is supported");
    expect(() => new LBFGS([p()], { historySize: 2.5 })).toThrow('LBFGS: option historySize must be a whole number, got 2.5');
    expect(() => new LBFGS([p()], { historySize: 0 })).toThrow('LBFGS: option historySize must be at least 1, got 0');
    expect(() => new LBFGS([p()], { toleranceGrad: '1e-5' as never })).toThrow('LBFGS: option toleranceGrad must be a number, got "1e-5"');
  });

  test('the state lives under the first parameter; its saved lists are copies', () => {
    const { w, opt, closure } = quadratic();
    expect(opt.stateDict().state).toEqual({});
    opt.step(closure);
    expect(opt.state.has(w)).toBe(true);
    const sd = opt.stateDict();
    const saved = sd.state[0] as unknown as LBFGSState;
    expect(Object.keys(saved).sort()).toEqual(['HDiag', 'dDirection', 'funcEvals', 'nIter', 'oldDirs', 'oldStps', 'prevFlatGrad', 'prevLoss', 'ro', 'tStep']);
    expect(saved.dDirection?.shape).toEqual([2]);
    const live = opt.state.get(w) as unknown as LBFGSState;
    expect(saved.oldDirs).not.toBe(live.oldDirs);
    (saved.oldDirs as Tensor[]).push(torch.zeros([2]));
    saved.ro?.push(1);
    expect(live.oldDirs?.length).toBe(live.ro?.length);
    expect(live.oldDirs?.length).not.toBe(saved.oldDirs?.length);
  });

  test('loadStateDict checks the saved lists', () => {
    const { opt, closure } = quadratic();
    opt.step(closure);
    const sd = opt.stateDict();
    (sd.state[0] as unknown as LBFGSState).oldStps = [];
    expect(() => opt.loadStateDict(sd)).toThrow(/oldDirs, oldStps and ro must have one entry per past update, got 1, 0 and 1/);
    const sd2 = opt.stateDict();
    (sd2.state[0] as unknown as LBFGSState).dDirection = torch.zeros([3], { dtype: 'float64' });
    expect(() => opt.loadStateDict(sd2)).toThrow("dDirection must be a flat Tensor of the parameters' 2 elements, got shape [3]");
  });

  test('an option of the wrong type is found before anything changes', () => {
    const { w, opt, closure } = quadratic();
    (opt.paramGroups[0] as { lr: unknown }).lr = '1';
    expect(() => opt.step(closure)).toThrow('LBFGS.step: paramGroups[0].lr must be a number, got string "1"');
    expect(Array.from(w.data)).toEqual([3, -2]);
    expect(opt.state.size).toBe(0);
  });
});

describe('ASGD keeps eta and mu in the default dtype, as PyTorch', () => {
  test('float64 when the default dtype is float64', () => {
    torch.setDefaultDtype('float64');
    try {
      const p = new nn.Parameter(torch.tensor([1, 2], { dtype: 'float32' }));
      const opt = new ASGD([p], { lr: 0.1, lambd: 0.3, t0: 0 });
      p.grad = torch.tensor([1, 1], { dtype: 'float32' });
      opt.step();
      opt.step();
      const s = opt.state.get(p);
      // eta = lr / (1 + lambd lr t)^alpha and mu = 1 / max(1, t - t0), unrounded
      expect(s?.eta).toBe(0.1 / (1 + 0.3 * 0.1 * 2) ** 0.75);
      expect(s?.mu).toBe(1 / 2);
    } finally {
      torch.setDefaultDtype('float32');
    }
  });
});
