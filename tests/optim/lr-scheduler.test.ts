import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../../src/index';
import { nn, optim, type Tensor } from '../../src/index';
import { cos, log, pow } from '../../src/optim/lr-scheduler/py-math';
import { pyValue } from '../helpers';

const S = optim.lrScheduler;
type LRScheduler = optim.lrScheduler.LRScheduler;
type AnyOptimizer = optim.lrScheduler.AnyOptimizer;

// Golden schedules from real PyTorch (see tests/golden/gen_lr_scheduler.py); no Python needed here.
type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
interface OptimizerSpec {
  type: 'SGD' | 'Adam';
  options: Record<string, number | number[]>;
  groups: Record<string, number | number[]>[];
}
interface SchedulerSpec {
  type: string;
  args: Json[];
  options: Record<string, Json>;
}
interface Record_ {
  lastLr: number[][];
  groupLr: number[];
  momentum: number[];
}
interface GoldenCase {
  name: string;
  optimizer: OptimizerSpec;
  program: SchedulerSpec[];
  stepped: number[];
  stepArgs?: (number | null)[];
  records: Record_[];
  finalState: Record<string, Json>[];
}
interface StepOrderCase {
  optimizer: OptimizerSpec;
  program: SchedulerSpec[];
  stepsBefore?: number;
  stepsAfterFirst?: number;
  wrongOrder: string[];
  rightOrder: string[];
}
const golden = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'golden', 'lr-scheduler.json'), 'utf8')) as {
  stepOrderWarning: string;
  stepOrder: Record<string, StepOrderCase>;
  errors: Record<string, { type: string; message: string }>;
  correctlyRounded: { cos: [number, number][]; log: [number, number][]; pow: [number, number, number][] };
  cases: GoldenCase[];
};

// The functions the cases name; gen_lr_scheduler.py has the same table.
const FUNCTIONS: Record<string, (x: number) => number> = {
  pow095: (e) => 0.95 ** e,
  inverse: (e) => 1 / (e + 1),
  stairs: (e) => 1 + Math.floor(e / 4),
  const097: () => 0.97,
  alternate: (e) => (e % 2 ? 0.9 : 1.05),
  shrink: (x) => 1 / (1 + 0.1 * x),
  halves: (x) => 0.5 ** (x % 3),
};

function makeOptimizer(spec: OptimizerSpec): AnyOptimizer {
  const groups = spec.groups.map((g) => ({ params: [new nn.Parameter(torch.zeros([2], { dtype: 'float64' }))], ...g }));
  return spec.type === 'SGD' ? new optim.SGD(groups as never, spec.options as never) : new optim.Adam(groups as never, spec.options as never);
}

function value(v: Json, built: LRScheduler[]): unknown {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    if ('fn' in v) return FUNCTIONS[v.fn as string];
    if ('fns' in v) return (v.fns as string[]).map((f) => FUNCTIONS[f]);
    if ('refs' in v) return (v.refs as number[]).map((i) => built[i]);
  }
  return v;
}

type SchedulerClass = new (...args: unknown[]) => LRScheduler;

function makeScheduler(spec: SchedulerSpec, optimizer: AnyOptimizer, built: LRScheduler[]): LRScheduler {
  const args = spec.args.map((a) => value(a, built));
  const options = Object.fromEntries(Object.entries(spec.options).map(([k, v]) => [k, value(v, built)]));
  const cls = (S as unknown as Record<string, SchedulerClass>)[spec.type];
  return spec.type === 'ChainedScheduler' ? new cls(...args, options) : new cls(optimizer, ...args, options);
}

function build(c: { optimizer: OptimizerSpec; program: SchedulerSpec[] }): { opt: AnyOptimizer; built: LRScheduler[] } {
  const opt = makeOptimizer(c.optimizer);
  const built: LRScheduler[] = [];
  for (const spec of c.program) built.push(makeScheduler(spec, opt, built));
  return { opt, built };
}

function stepScheduler(s: LRScheduler, arg: number | null | undefined): void {
  if (arg === null || arg === undefined) s.step();
  else (s as unknown as { step(x: number): void }).step(arg);
}

const momentumOf = (group: Record<string, unknown>): number => ('betas' in group ? (group.betas as number[])[0] : (group.momentum as number));

/** The values of the running case that are not bit-identical to PyTorch's (all within 1e-15). */
let inexact: string[] = [];

/** `actual` is PyTorch's `expected` to 1e-15 relative (exactly when it is 0). */
function expectMatch(actual: number, expected: number, what: string): void {
  if (Object.is(actual, expected)) return;
  const err = Math.abs(actual - expected);
  if (!(err <= 1e-15 * Math.abs(expected))) throw new Error(`${what}: got ${actual}, PyTorch has ${expected} (relative error ${err / Math.abs(expected)})`);
  inexact.push(`${what}: ${actual} vs ${expected}`);
}

/**
 * Whether a case's numbers are all bit-identical to PyTorch's: those whose functions use JS's own
 * `**` (V8's pow, which differs from glibc's in the last bit for about a tenth of arguments) are not.
 */
const bitIdentical = (c: { program: SchedulerSpec[] }): boolean => !JSON.stringify(c.program).includes('pow095');

function expectRecord(c: GoldenCase, s: number, opt: AnyOptimizer, built: LRScheduler[]): void {
  const r = c.records[s];
  const groups = opt.paramGroups as unknown as Record<string, number>[];
  c.stepped.forEach((i, k) => {
    const last = built[i].getLastLr();
    expect(last.length).toBe(r.lastLr[k].length);
    last.forEach((lr, g) => expectMatch(lr, r.lastLr[k][g], `${c.name}: step ${s}, scheduler ${i}, getLastLr()[${g}]`));
  });
  groups.forEach((group, g) => {
    expectMatch(group.lr, r.groupLr[g], `${c.name}: step ${s}, paramGroups[${g}].lr`);
    expectMatch(momentumOf(group), r.momentum[g], `${c.name}: step ${s}, paramGroups[${g}] momentum`);
  });
}

/** Runs steps from..to-1 of a case (optimizer step, then the schedulers'), checking each against PyTorch. */
function runSteps(c: GoldenCase, opt: AnyOptimizer, built: LRScheduler[], from: number, to: number): void {
  for (let s = from; s < to; s++) {
    opt.step();
    for (const i of c.stepped) stepScheduler(built[i], c.stepArgs?.[s]);
    expectRecord(c, s + 1, opt, built);
  }
}

/** A saved state compared with PyTorch's (tsgrad's key names; numbers to 1e-15). */
function expectState(actual: unknown, expected: Json, what: string): void {
  if (typeof expected === 'number' || (typeof expected === 'string' && /^-?inf$/.test(expected))) {
    expect(typeof actual).toBe('number');
    expectMatch(actual as number, pyValue(expected), what);
  } else if (Array.isArray(expected)) {
    expect(Array.isArray(actual)).toBe(true);
    expect((actual as unknown[]).length).toBe(expected.length);
    expected.forEach((e, i) => expectState((actual as unknown[])[i], e, `${what}[${i}]`));
  } else if (expected !== null && typeof expected === 'object') {
    expect(Object.keys(actual as object).sort()).toEqual(Object.keys(expected).sort());
    for (const [k, e] of Object.entries(expected)) expectState((actual as Record<string, unknown>)[k], e, `${what}.${k}`);
  } else {
    expect(actual).toEqual(expected);
  }
}

let warn: jest.SpyInstance;
beforeEach(() => {
  warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => warn.mockRestore());

describe('schedules match PyTorch step by step', () => {
  test.each(golden.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(c.records.length).toBeGreaterThan(30);
    inexact = [];
    const { opt, built } = build(c);
    expectRecord(c, 0, opt, built);
    runSteps(c, opt, built, 0, c.records.length - 1);
    c.stepped.forEach((i, k) => expectState(built[i].stateDict(), c.finalState[k], `${c.name}: stateDict()`));
    // NOTE: the golden numbers come from glibc 2.36's libm; regenerated with another, a value may move by 1e-16
    if (bitIdentical(c)) expect(inexact).toEqual([]);
    expect(warn).not.toHaveBeenCalled();
  });
});

describe('stateDict -> loadStateDict into fresh schedulers mid-run continues identically', () => {
  test.each(golden.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const steps = c.records.length - 1;
    const half = Math.floor(steps / 2);
    const first = build(c);
    runSteps(c, first.opt, first.built, 0, half);
    const optimizerState = structuredClone(first.opt.stateDict());
    const states = c.stepped.map((i) => structuredClone(first.built[i].stateDict()));

    const fresh = build(c);
    fresh.opt.loadStateDict(optimizerState);
    c.stepped.forEach((i, k) => fresh.built[i].loadStateDict(states[k]));
    expectRecord(c, half, fresh.opt, fresh.built);
    runSteps(c, fresh.opt, fresh.built, half, steps);
    expect(warn).not.toHaveBeenCalled();
  });
});

describe("PyTorch's warning when scheduler.step() comes before optimizer.step()", () => {
  test('the text is PyTorch’s', () => {
    expect(S.LRScheduler).toBeDefined();
    const opt = makeOptimizer(golden.stepOrder.StepLR.optimizer);
    const s = new S.StepLR(opt, 3);
    s.step();
    expect(warn.mock.calls).toEqual([[golden.stepOrderWarning]]);
  });

  test.each(Object.entries(golden.stepOrder))('%s', (_name, c) => {
    for (const wrongOrder of [true, false]) {
      warn.mockClear();
      const opt = makeOptimizer(c.optimizer);
      for (let i = 0; i < (c.stepsBefore ?? 0); i++) opt.step();
      const built: LRScheduler[] = [];
      c.program.forEach((spec, i) => {
        built.push(makeScheduler(spec, opt, built));
        if (i === 0) for (let k = 0; k < (c.stepsAfterFirst ?? 0); k++) opt.step();
      });
      const s = built[built.length - 1];
      for (let k = 0; k < 3; k++) {
        if (!wrongOrder) opt.step();
        stepScheduler(s, s instanceof S.ReduceLROnPlateau ? 1.0 : null);
        if (wrongOrder) opt.step();
      }
      expect(warn.mock.calls.map((call) => call[0])).toEqual(wrongOrder ? c.wrongOrder : c.rightOrder);
    }
  });

  test('once per scheduler, even when its step count is reset by loading', () => {
    const opt = makeOptimizer(golden.stepOrder.StepLR.optimizer);
    const s = new S.ExponentialLR(opt, 0.9);
    const saved = s.stateDict();
    s.step();
    s.loadStateDict(saved);
    s.step();
    expect(warn).toHaveBeenCalledTimes(1);
  });
});

/** A tsgrad optimizer with neither momentum nor betas (PyTorch's tests use Adagrad), for the momentum-cycling error. */
class PlainGD extends optim.Optimizer<{ lr: number }, optim.StateEntry> {
  constructor(params: Tensor[]) {
    super(params, { lr: 0.1 });
  }
  protected checkOptions(): void {}
  protected updateGroup(): void {}
  protected loadStateEntry(): optim.StateEntry {
    return {};
  }
}

/** PyTorch's message in tsgrad's spelling: snake_case names in camelCase (T_0 -> t0), None -> "not given". */
function tsgradSpelling(message: string): string {
  return message
    .replace(/\bT_([a-z0-9]+)/g, (_, rest: string) => `t${rest[0].toUpperCase()}${rest.slice(1)}`)
    .replace(
      /\b([a-z][a-z0-9]*)((?:_[a-z0-9]+)+)\b/g,
      (_, head: string, tail: string) => head + tail.replace(/_([a-z0-9])/g, (__, ch: string) => ch.toUpperCase()),
    )
    .replace('is None', 'is not given');
}

describe("PyTorch's errors for bad arguments", () => {
  const sgd = (): AnyOptimizer => makeOptimizer(golden.cases[0].optimizer);
  const f = FUNCTIONS.pow095;
  const plain = (): AnyOptimizer => new PlainGD([new nn.Parameter(torch.zeros([2]))]);
  // name in the golden file -> the call, and where tsgrad's message is not PyTorch's in tsgrad's spelling, tsgrad's
  const cases: Record<string, [() => unknown, string?]> = {
    'not an optimizer': [() => new S.StepLR([1, 2] as never, 3), 'Array is not an Optimizer'],
    'LambdaLR wrong number of functions': [() => new S.LambdaLR(sgd(), [f, f, f])],
    'MultiplicativeLR not a function': [() => new S.MultiplicativeLR(sgd(), 5 as never), 'lrLambda should be a function, but got number'],
    'ConstantLR factor above 1': [() => new S.ConstantLR(sgd(), { factor: 1.5 })],
    'ConstantLR factor below 0': [() => new S.ConstantLR(sgd(), { factor: -0.5 })],
    'LinearLR start factor 0': [() => new S.LinearLR(sgd(), { startFactor: 0 })],
    'LinearLR start factor above 1': [() => new S.LinearLR(sgd(), { startFactor: 1.5 })],
    'LinearLR end factor above 1': [() => new S.LinearLR(sgd(), { endFactor: 2 })],
    'CosineAnnealingWarmRestarts T_0 0': [() => new S.CosineAnnealingWarmRestarts(sgd(), 0)],
    'CosineAnnealingWarmRestarts T_0 fractional': [() => new S.CosineAnnealingWarmRestarts(sgd(), 2.5)],
    'CosineAnnealingWarmRestarts T_mult 0': [() => new S.CosineAnnealingWarmRestarts(sgd(), 5, { tMult: 0 })],
    'CosineAnnealingWarmRestarts negative epoch': [() => new S.CosineAnnealingWarmRestarts(sgd(), 5).step(-1)],
    'CyclicLR base_lr list of the wrong length': [() => new S.CyclicLR(sgd(), [0.01], 0.1)],
    'CyclicLR max_lr list of the wrong length': [() => new S.CyclicLR(sgd(), 0.01, [0.1, 0.2, 0.3])],
    'CyclicLR bad mode': [() => new S.CyclicLR(sgd(), 0.01, 0.1, { mode: 'sawtooth' as never })],
    'CyclicLR momentum without momentum': [() => new S.CyclicLR(plain(), 0.01, 0.1)],
    'CyclicLR base_momentum list of the wrong length': [() => new S.CyclicLR(sgd(), 0.01, 0.1, { baseMomentum: [0.8] })],
    'OneCycleLR total_steps 0': [() => new S.OneCycleLR(sgd(), 0.1, { totalSteps: 0 })],
    'OneCycleLR total_steps fractional': [() => new S.OneCycleLR(sgd(), 0.1, { totalSteps: 2.5 })],
    'OneCycleLR epochs 0': [() => new S.OneCycleLR(sgd(), 0.1, { epochs: 0, stepsPerEpoch: 5 })],
    'OneCycleLR steps_per_epoch -1': [() => new S.OneCycleLR(sgd(), 0.1, { epochs: 2, stepsPerEpoch: -1 })],
    'OneCycleLR no length': [() => new S.OneCycleLR(sgd(), 0.1)],
    'OneCycleLR only epochs': [() => new S.OneCycleLR(sgd(), 0.1, { epochs: 3 })],
    'OneCycleLR pct_start above 1': [() => new S.OneCycleLR(sgd(), 0.1, { totalSteps: 10, pctStart: 1.5 })],
    'OneCycleLR bad anneal strategy': [() => new S.OneCycleLR(sgd(), 0.1, { totalSteps: 10, annealStrategy: 'step' as never })],
    'OneCycleLR momentum without momentum': [() => new S.OneCycleLR(plain(), 0.1, { totalSteps: 10 })],
    'OneCycleLR max_lr list of the wrong length': [() => new S.OneCycleLR(sgd(), [0.1], { totalSteps: 10 })],
    'OneCycleLR stepped past the end': [
      () => {
        const s = new S.OneCycleLR(sgd(), 0.1, { totalSteps: 3 });
        for (let i = 0; i < 4; i++) s.step();
      },
    ],
    'ReduceLROnPlateau factor 1': [() => new S.ReduceLROnPlateau(sgd(), { factor: 1.0 })],
    'ReduceLROnPlateau bad mode': [() => new S.ReduceLROnPlateau(sgd(), { mode: 'lowest' as never })],
    'ReduceLROnPlateau bad threshold mode': [() => new S.ReduceLROnPlateau(sgd(), { thresholdMode: 'relative' as never })],
    'ReduceLROnPlateau min_lr list of the wrong length': [() => new S.ReduceLROnPlateau(sgd(), { minLr: [0.1, 0.2, 0.3] })],
    'SequentialLR no schedulers': [() => new S.SequentialLR(sgd(), [], [])],
    'SequentialLR wrong number of milestones': [
      () => {
        const o = sgd();
        return new S.SequentialLR(o, [new S.StepLR(o, 2), new S.ExponentialLR(o, 0.9)], [1, 2]);
      },
    ],
    'SequentialLR with ReduceLROnPlateau': [
      () => {
        const o = sgd();
        return new S.SequentialLR(o, [new S.StepLR(o, 2), new S.ReduceLROnPlateau(o)], [3]);
      },
    ],
    'SequentialLR not a scheduler': [
      () => {
        const o = sgd();
        return new S.SequentialLR(o, [new S.StepLR(o, 2), 5 as never], [3]);
      },
    ],
    'ChainedScheduler no schedulers': [() => new S.ChainedScheduler([])],
    'ChainedScheduler with ReduceLROnPlateau': [
      () => {
        const o = sgd();
        return new S.ChainedScheduler([new S.StepLR(o, 2), new S.ReduceLROnPlateau(o)]);
      },
    ],
  };

  test('every golden error has a case here', () => {
    expect(Object.keys(cases).sort()).toEqual(Object.keys(golden.errors).sort());
  });

  test.each(Object.entries(golden.errors))('%s', (name, pytorch) => {
    const [call, ours] = cases[name];
    expect(call).toThrow(new Error(ours ?? tsgradSpelling(pytorch.message)));
  });

  test('tsgrad spells the names as its options do', () => {
    expect(tsgradSpelling('Expected positive integer T_0, but got 0')).toBe('Expected positive integer t0, but got 0');
    expect(tsgradSpelling('max_lr must have the same length as optimizer.param_groups.')).toBe('maxLr must have the same length as optimizer.paramGroups.');
  });
});

describe('arguments tsgrad checks besides', () => {
  const sgd = (): AnyOptimizer => makeOptimizer(golden.cases[0].optimizer);

  test('unknown option keys are rejected, naming the right spelling', () => {
    expect(() => new S.StepLR(sgd(), 3, { gama: 0.5 } as never)).toThrow("StepLR: unknown option 'gama'; did you mean 'gamma'?");
    expect(() => new S.CosineAnnealingLR(sgd(), 10, { eta_min: 0.1 } as never)).toThrow("did you mean 'etaMin'?");
    expect(() => new S.CosineAnnealingWarmRestarts(sgd(), 10, { T_mult: 2 } as never)).toThrow("did you mean 'tMult'?");
    expect(() => new S.OneCycleLR(sgd(), 0.1, { total_steps: 10 } as never)).toThrow("did you mean 'totalSteps'?");
    expect(() => new S.ReduceLROnPlateau(sgd(), { min_lr: 0.1 } as never)).toThrow("did you mean 'minLr'?");
    expect(() => new S.ChainedScheduler([new S.StepLR(sgd(), 2)], { optimiser: null } as never)).toThrow("did you mean 'optimizer'?");
  });

  test('values of the wrong type name the argument', () => {
    expect(() => new S.StepLR(sgd(), '3' as never)).toThrow('StepLR: stepSize must be a number, got string "3"');
    expect(() => new S.ExponentialLR(sgd(), undefined as never)).toThrow('ExponentialLR: gamma must be a number, got undefined');
    expect(() => new S.MultiStepLR(sgd(), [2, 4.5])).toThrow('MultiStepLR: each milestone must be a whole number, got 4.5');
    expect(() => new S.LinearLR(sgd(), { totalIters: 2.5 })).toThrow('LinearLR: totalIters must be a whole number, got 2.5');
    expect(() => new S.CyclicLR(sgd(), 0.01, 0.1, { scaleMode: 'cycles' as never })).toThrow("CyclicLR: scaleMode must be 'cycle' or 'iterations'");
    expect(() => new S.CyclicLR(sgd(), 0.01, 0.1, { stepSizeUp: 0, stepSizeDown: 0 })).toThrow(
      'CyclicLR: stepSizeUp + stepSizeDown is 0: float division by zero',
    );
    expect(() => new S.OneCycleLR(sgd(), 0.1, { totalSteps: 10, pctStart: 0.1 })).toThrow('OneCycleLR: a phase of no steps: float division by zero');
  });

  test('where PyTorch fails only on the first step, tsgrad fails when made', () => {
    expect(() => new S.StepLR(sgd(), 0)).toThrow('StepLR: stepSize must not be 0');
    expect(() => new S.CosineAnnealingLR(sgd(), 0)).toThrow('CosineAnnealingLR: tMax must not be 0');
  });

  test("step() takes PyTorch's arguments only", () => {
    const s = new S.StepLR(sgd(), 3);
    expect(() => s.step(5 as never)).toThrow('StepLR.step takes no epoch');
    const p = new S.ReduceLROnPlateau(sgd());
    expect(() => p.step(undefined as never)).toThrow('ReduceLROnPlateau.step: metrics must be a number or a one-element Tensor, got undefined');
    expect(() => p.step(torch.tensor([1, 2]))).toThrow('item: a tensor with 2 elements');
    p.step(torch.tensor(0.5));
    expect(p.best).toBe(0.5);
  });

  test('lastEpoch >= 0 needs a scheduler made before on the optimizer', () => {
    expect(() => new S.StepLR(sgd(), 3, { lastEpoch: 4 })).toThrow('StepLR: lastEpoch 4 resumes a schedule, but paramGroups[0] has no initial learning rate');
  });

  test('SequentialLR and ChainedScheduler take schedulers of their own optimizer', () => {
    const [a, b] = [sgd(), sgd()];
    expect(() => new S.SequentialLR(a, [new S.StepLR(a, 2), new S.StepLR(b, 2)], [3])).toThrow(
      'SequentialLR expects all schedulers to belong to the same optimizer, but got scheduler StepLR at index 1 has another SGD, which is different from SGD.',
    );
    expect(() => new S.ChainedScheduler([new S.StepLR(a, 2), new S.StepLR(b, 2)])).toThrow(
      'ChainedScheduler expects all schedulers to belong to the same optimizer',
    );
  });

  test('ReduceLROnPlateau with a minLr list fails once a group is added, as PyTorch', () => {
    const opt = sgd();
    const p = new S.ReduceLROnPlateau(opt, { patience: 0, minLr: [0, 0] });
    opt.addParamGroup({ params: [new nn.Parameter(torch.zeros([1]))], lr: 0.5 } as never);
    p.step(1);
    expect(() => p.step(2)).toThrow('The number of param groups in the `optimizer` (3) differs from when `ReduceLROnPlateau` was initialized (2)');
  });
});

describe('stateDict and loadStateDict', () => {
  const sgd = (): AnyOptimizer => makeOptimizer(golden.cases[0].optimizer);

  test('functions are saved as null, as PyTorch saves no plain functions', () => {
    const sd = new S.LambdaLR(sgd(), FUNCTIONS.pow095).stateDict();
    expect(sd.lrLambdas).toEqual([null, null]);
    expect(new S.CyclicLR(sgd(), 0.01, 0.1, { scaleFn: FUNCTIONS.shrink }).stateDict()._scaleFnCustom).toBeNull();
  });

  test('the state is a copy, and getLastLr a copy', () => {
    const s = new S.StepLR(sgd(), 3);
    const sd = s.stateDict();
    (sd.baseLrs as number[])[0] = 42;
    expect(s.baseLrs[0]).toBe(0.1);
    s.getLastLr()[0] = 42;
    expect(s.getLastLr()[0]).toBe(0.1);
  });

  test('unknown keys and values of the wrong kind are rejected, changing nothing', () => {
    const s = new S.StepLR(sgd(), 3);
    const before = s.stateDict();
    expect(() => s.loadStateDict({ ...before, step_size: 4 })).toThrow("unknown key 'step_size'");
    expect(() => s.loadStateDict({ ...before, gamma: '0.5' })).toThrow('gamma must be a number, got string "0.5"');
    expect(() => s.loadStateDict({ ...before, baseLrs: [0.1] })).toThrow('baseLrs has 1 values, this scheduler has 2');
    expect(() => s.loadStateDict([] as never)).toThrow('StepLR.loadStateDict: expected an object');
    expect(s.stateDict()).toEqual(before);
  });

  test('a JSON round trip loses Infinity, and says so', () => {
    const p = new S.ReduceLROnPlateau(sgd());
    expect(() => p.loadStateDict(JSON.parse(JSON.stringify(p.stateDict())) as optim.lrScheduler.SchedulerStateDict)).toThrow('best must be a number, got null');
    p.loadStateDict({ defaultMinLr: null, minLrs: [0.001, 0.002] });
    expect(p.minLrs).toEqual([0.001, 0.002]);
  });

  test('a failed check after loading undoes the load', () => {
    const p = new S.ReduceLROnPlateau(sgd());
    const before = p.stateDict();
    expect(() => p.loadStateDict({ ...before, mode: 'lowest', patience: 3 })).toThrow('ReduceLROnPlateau.loadStateDict: mode lowest is unknown!');
    expect(p.stateDict()).toEqual(before);
  });

  test('keys left out keep their values, as in PyTorch', () => {
    const s = new S.StepLR(sgd(), 3);
    s.loadStateDict({ gamma: 0.5 });
    expect(s.gamma).toBe(0.5);
    expect(s.stepSize).toBe(3);
  });
});

describe('momentum cycling', () => {
  test("cycles Adam's betas[0] and keeps betas[1]", () => {
    const opt = makeOptimizer({ type: 'Adam', options: { lr: 0.001 }, groups: [{ lr: 0.001 }, { lr: 0.002, betas: [0.8, 0.99] }] });
    const s = new S.OneCycleLR(opt, 0.01, { totalSteps: 10 });
    const groups = opt.paramGroups as unknown as { betas: number[] }[];
    expect(groups.map((g) => g.betas)).toEqual([
      [0.95, 0.999],
      [0.95, 0.99],
    ]);
    opt.step();
    s.step();
    expect(groups[0].betas[0]).toBeLessThan(0.95);
    expect(groups[1].betas[1]).toBe(0.99);
  });

  test('adds no keys to the parameter groups, so the optimizer state round-trips', () => {
    const opt = makeOptimizer(golden.cases[0].optimizer);
    const keys = opt.paramGroups.map((g) => Object.keys(g).sort());
    new S.CyclicLR(opt, 0.01, 0.1);
    new S.OneCycleLR(opt, 0.1, { totalSteps: 10 });
    expect(opt.paramGroups.map((g) => Object.keys(g).sort())).toEqual(keys);
    expect(() => opt.loadStateDict(opt.stateDict())).not.toThrow();
  });
});

describe('cos, log and pow are correctly rounded (as glibc, which CPython calls; V8 differs in the last bit)', () => {
  const { correctlyRounded: cr } = golden;
  test('cos', () => expect(cr.cos.filter(([x, y]) => !Object.is(cos(x), y))).toEqual([]));
  test('log', () => expect(cr.log.filter(([x, y]) => !Object.is(log(x), y))).toEqual([]));
  test('pow, midpoint cases of whole exponents included', () => expect(cr.pow.filter(([b, e, y]) => !Object.is(pow(b, e, 'pow'), y))).toEqual([]));
  test("Python's errors and special values", () => {
    expect(() => pow(0, -1, 'x')).toThrow('x: 0.0 cannot be raised to a negative power');
    expect(() => pow(-8, 1 / 3, 'x')).toThrow('x: a negative number cannot be raised to a fractional power');
    expect(pow(-2, 3, 'x')).toBe(-8);
    expect(pow(NaN, 0, 'x')).toBe(1);
    expect(pow(1, NaN, 'x')).toBe(1);
    expect(pow(-1, Infinity, 'x')).toBe(1);
    expect(cos(Infinity)).toBeNaN();
    expect(log(0)).toBe(-Infinity);
  });
});
