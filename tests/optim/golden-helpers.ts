// What the optimizer tests share to replay PyTorch's golden trajectories (tests/golden/gen_optim_cases.py,
// gen_optimizers_adam.py, gen_optimizers_more.py): reading the files, making the parameters and the
// optimizer a case describes, giving them PyTorch's gradients step by step, and comparing.
import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../../src/index';
import { nn, optim, Tensor } from '../../src/index';

/** Options as the golden files write them: PyTorch's, in tsgrad's camelCase. */
export type Options = Record<string, number | boolean | number[] | string | null>;
export type DTypeName = 'float32' | 'float64';
/** A parameter group of a case: indices into its parameters, its options, and the step it is added before (`addAt`), if not at first. */
export type GroupSpec = { params: number[]; addAt?: number } & Options;
/** A saved optimizer state as the golden files write it: by parameter index, buffers flattened. */
export type GoldenState = Record<string, Record<string, number | number[]>>;

/** A trajectory PyTorch took: the gradients it saw at each step (null where none) and the parameters after it. */
export interface GoldenCase {
  name: string;
  optimizer: OptimizerName;
  options: Options;
  groups?: GroupSpec[];
  dtype: DTypeName;
  shapes: number[][];
  params0: number[][];
  steps: { grads: (number[] | null)[]; params: number[][] }[];
  finalState: GoldenState;
}

export type AnyOptimizer = optim.Optimizer<object, optim.StateEntry>;

const OPTIMIZERS = {
  SGD: optim.SGD,
  Adam: optim.Adam,
  AdamW: optim.AdamW,
  Adamax: optim.Adamax,
  NAdam: optim.NAdam,
  RAdam: optim.RAdam,
  Adagrad: optim.Adagrad,
  RMSprop: optim.RMSprop,
  Adadelta: optim.Adadelta,
  ASGD: optim.ASGD,
  Rprop: optim.Rprop,
  LBFGS: optim.LBFGS,
};
export type OptimizerName = keyof typeof OPTIMIZERS;

/** `new optim[name](params, options)`, for options of any type (the tests of errors give bad ones). */
export function construct(name: OptimizerName, params: unknown, options?: unknown): AnyOptimizer {
  return new (OPTIMIZERS[name] as unknown as new (p: unknown, o: unknown) => AnyOptimizer)(params, options);
}

/** The parsed tests/golden/`file`. */
export function readGolden<T>(file: string): T {
  return JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'golden', file), 'utf8')) as T;
}

/** The case of `list` named `name`. */
export function findCase<T extends { name: string }>(list: T[], name: string): T {
  const c = list.find((x) => x.name === name);
  if (!c) throw new Error(`no golden case ${name}`);
  return c;
}

/** |actual - expected| <= tol * max(1, |expected|), elementwise; tol 0 asks for the same number. */
export function expectClose(actual: ArrayLike<number>, expected: readonly number[], tol: number, what: string): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    if (!(actual[i] === expected[i] || err <= tol * Math.max(1, Math.abs(expected[i])))) {
      throw new Error(`${what}[${i}]: got ${actual[i]}, PyTorch has ${expected[i]} (error ${err})`);
    }
  }
}

/** The case's parameters, holding `values` (its initial ones unless given). */
export function makeParams(c: { params0: number[][]; shapes: number[][]; dtype: DTypeName }, values = c.params0): nn.Parameter[] {
  return values.map((v, i) => new nn.Parameter(torch.tensor(v, { dtype: c.dtype }).reshape(c.shapes[i])));
}

function groupInput(params: Tensor[], { params: ids, addAt: _addAt, ...options }: GroupSpec) {
  return { params: ids.map((i) => params[i]), ...options };
}

/** The case's optimizer as it is just before step `step`: the groups added by then are in it. */
export function makeOptimizer(c: GoldenCase, params: Tensor[], step = 0): AnyOptimizer {
  if (!c.groups) return construct(c.optimizer, params, c.options);
  const opt = construct(
    c.optimizer,
    c.groups.filter((g) => g.addAt === undefined).map((g) => groupInput(params, g)),
    c.options,
  );
  for (const g of c.groups) if (g.addAt !== undefined && g.addAt <= step) opt.addParamGroup(groupInput(params, g));
  return opt;
}

/** Adds the groups due at `s`, gives each parameter the gradient PyTorch saw (null where it had none), then steps. */
export function replayStep(c: GoldenCase, s: number, params: Tensor[], opt: AnyOptimizer): void {
  for (const g of c.groups ?? []) if (g.addAt === s) opt.addParamGroup(groupInput(params, g));
  c.steps[s].grads.forEach((g, i) => {
    params[i].grad = g === null ? null : torch.tensor(g, { dtype: c.dtype }).reshape(c.shapes[i]);
  });
  opt.step();
}

/** Each parameter's values against PyTorch's `expected`, to `tol`. */
export function expectParams(expected: number[][], params: Tensor[], tol: number, what: string): void {
  params.forEach((p, i) => expectClose(p.data, expected[i], tol, `${what}, param ${i}`));
}

/**
 * Replays every step of `c` in its optimizer, checking the parameters after each (and calling
 * `after`, if given); returns the optimizer.
 */
export function expectTrajectory(c: GoldenCase, tol: number, after?: (s: number, params: Tensor[]) => void): AnyOptimizer {
  const params = makeParams(c);
  const opt = makeOptimizer(c, params);
  for (let s = 0; s < c.steps.length; s++) {
    replayStep(c, s, params, opt);
    expectParams(c.steps[s].params, params, tol, `${c.name}: step ${s}`);
    after?.(s, params);
  }
  return opt;
}

/**
 * A saved state against PyTorch's: the same entries, keys in PyTorch's order, the same steps, other
 * numbers to `numberTol`, and buffers of the case's dtype to `tol`.
 */
export function expectStateMatches(c: GoldenCase, state: optim.OptimizerStateDict['state'], expected: GoldenState, tol: number, numberTol: number): void {
  expect(Object.keys(state).sort()).toEqual(Object.keys(expected).sort());
  for (const [id, entry] of Object.entries(expected)) {
    const ours = state[Number(id)];
    expect(Object.keys(ours)).toEqual(Object.keys(entry));
    for (const [key, value] of Object.entries(entry)) {
      const what = `${c.name}: state[${id}].${key}`;
      if (key === 'step') expect(ours[key]).toBe(value);
      else if (typeof value === 'number') expectClose([ours[key] as number], [value], numberTol, what);
      else {
        const t = ours[key] as Tensor;
        expect(t).toBeInstanceOf(Tensor);
        expect(t.dtype).toBe(c.dtype);
        expectClose(t.data, value, tol, what);
      }
    }
  }
}

/**
 * Replays `c` to step `at`, loads the saved state into a fresh optimizer over copies of the
 * parameters, and replays the rest, checking the fresh parameters against PyTorch's; the old
 * optimizer steps on first, so a saved state that is not a copy shows. Returns the fresh optimizer.
 */
export function expectResumedTrajectory(c: GoldenCase, at: number, tol: number): AnyOptimizer {
  const params = makeParams(c);
  const opt = makeOptimizer(c, params);
  for (let s = 0; s < at; s++) replayStep(c, s, params, opt);
  const sd = opt.stateDict();

  const fresh = makeParams(c);
  fresh.forEach((p, i) => p.data.set(params[i].data));
  const opt2 = makeOptimizer(c, fresh);
  opt2.loadStateDict(sd);
  for (let s = at; s < c.steps.length; s++) replayStep(c, s, params, opt);
  for (let s = at; s < c.steps.length; s++) {
    replayStep(c, s, fresh, opt2);
    expectParams(c.steps[s].params, fresh, tol, `${c.name}: step ${s}`);
  }
  return opt2;
}

/** The mean squared error of a seeded linear model on seeded data, before and after `steps` steps of the optimizer `make` gives. */
export function linearModelLosses(make: (params: nn.Parameter[]) => { zeroGrad(): void; step(): void }, steps: number): [number, number] {
  const gen = new torch.Generator(0);
  const x = torch.randn([32, 3], { generator: gen });
  const y = x.matmul(torch.tensor([[1], [-2], [0.5]])).add(0.3);
  const model = new nn.Linear(3, 1, { generator: new torch.Generator(1) });
  const opt = make(model.parameters());
  const lossAt = (): number => nn.functional.mseLoss(model.forward(x), y).item();
  const first = lossAt();
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad();
    nn.functional.mseLoss(model.forward(x), y).backward();
    opt.step();
  }
  return [first, lossAt()];
}
