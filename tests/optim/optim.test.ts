import * as torch from '../../src/index';
import { nn, optim, Tensor } from '../../src/index';
import {
  expectResumedTrajectory,
  expectStateMatches,
  expectTrajectory,
  findCase,
  linearModelLosses,
  type GoldenCase,
  makeParams,
  readGolden,
  replayStep,
} from './golden-helpers';

// Golden trajectories from real PyTorch (see tests/golden/gen_optim_cases.py); no Python needed here.
const golden = readGolden<{ cases: GoldenCase[] }>('optim-cases.json');
const goldenCase = (name: string): GoldenCase => findCase(golden.cases, name);

const tolerance = (c: GoldenCase): number => (c.dtype === 'float64' ? 1e-12 : 1e-6);

function expectStateDictMatches(c: GoldenCase, sd: optim.OptimizerStateDict): void {
  expectStateMatches(c, sd.state, c.finalState, tolerance(c), 0);
}

describe('golden trajectories from PyTorch', () => {
  test.each(golden.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expectStateDictMatches(c, expectTrajectory(c, tolerance(c)).stateDict());
  });

  test('the cases cover every option and both dtypes', () => {
    const names = golden.cases.map((c) => c.name);
    expect(names.length).toBeGreaterThanOrEqual(20);
    expect(golden.cases.some((c) => c.dtype === 'float32' && c.optimizer === 'SGD')).toBe(true);
    expect(golden.cases.some((c) => c.dtype === 'float32' && c.optimizer === 'Adam')).toBe(true);
    expect(golden.cases.some((c) => c.steps.some((s) => s.grads.includes(null)))).toBe(true);
  });
});

describe('parameters without a gradient', () => {
  test('are skipped and get no state; a later gradient starts their state then', () => {
    const c = goldenCase('adam, bias without grad on steps 0 and 2');
    const params = makeParams(c);
    const opt = new optim.Adam(params, { lr: 0.05, amsgrad: true });
    replayStep(c, 0, params, opt);
    expect(c.steps[0].grads[1]).toBeNull();
    expect(Array.from(params[1].data)).toEqual(c.params0[1]);
    expect(opt.state.has(params[0])).toBe(true);
    expect(opt.state.has(params[1])).toBe(false);
    expect(Object.keys(opt.stateDict().state)).toEqual(['0']);
    replayStep(c, 1, params, opt);
    expect(opt.state.get(params[1])?.step).toBe(1);
    expect(opt.state.get(params[0])?.step).toBe(2);
  });

  test('SGD without momentum keeps no state at all', () => {
    const p = new nn.Parameter(torch.tensor([1, 2], { dtype: 'float64' }));
    const opt = new optim.SGD([p], { lr: 0.5 });
    p.grad = torch.tensor([1, 1], { dtype: 'float64' });
    opt.step();
    // p = p - lr * g
    expect(Array.from(p.data)).toEqual([0.5, 1.5]);
    expect(opt.state.size).toBe(0);
    expect(opt.stateDict().state).toEqual({});
  });
});

describe('constructor errors, as PyTorch', () => {
  const p = (): nn.Parameter => new nn.Parameter(torch.zeros([2]));

  test('SGD', () => {
    expect(() => new optim.SGD([p()], { lr: -0.1 })).toThrow('Invalid learning rate: -0.1');
    expect(() => new optim.SGD([p()], { lr: NaN })).toThrow('Invalid learning rate: NaN');
    expect(() => new optim.SGD([p()], { lr: 0.1, momentum: -0.5 })).toThrow('Invalid momentum value: -0.5');
    expect(() => new optim.SGD([p()], { lr: 0.1, weightDecay: -1 })).toThrow('Invalid weight_decay value: -1');
    expect(() => new optim.SGD([p()], { lr: 0.1, nesterov: true })).toThrow('Nesterov momentum requires a momentum and zero dampening');
    expect(() => new optim.SGD([p()], { lr: 0.1, nesterov: true, momentum: 0.9, dampening: 0.1 })).toThrow(
      'Nesterov momentum requires a momentum and zero dampening',
    );
    expect(() => new optim.SGD([], { lr: 0.1 })).toThrow('optimizer got an empty parameter list');
  });

  test("SGD's lr defaults to 1e-3, as in PyTorch 2.x, and must be a number", () => {
    expect(new optim.SGD([p()]).defaults.lr).toBe(1e-3);
    expect(new optim.SGD([p()], {}).paramGroups[0].lr).toBe(1e-3);
    expect(new optim.SGD([{ params: [p()], lr: 0.1 }]).paramGroups[0].lr).toBe(0.1);
    expect(() => new optim.SGD([p()], { lr: '0.1' } as unknown as optim.SGDOptions)).toThrow('SGD: option lr must be a number, got "0.1"');
  });

  test('Adam', () => {
    expect(() => new optim.Adam([p()], { lr: -1e-3 })).toThrow('Invalid learning rate: -0.001');
    expect(() => new optim.Adam([p()], { eps: -1 })).toThrow('Invalid epsilon value: -1');
    expect(() => new optim.Adam([p()], { betas: [1, 0.999] })).toThrow('Invalid beta parameter at index 0: 1');
    expect(() => new optim.Adam([p()], { betas: [-0.1, 0.999] })).toThrow('Invalid beta parameter at index 0: -0.1');
    expect(() => new optim.Adam([p()], { betas: [0.9, 1.5] })).toThrow('Invalid beta parameter at index 1: 1.5');
    expect(() => new optim.Adam([p()], { weightDecay: -0.1 })).toThrow('Invalid weight_decay value: -0.1');
    expect(() => new optim.Adam([])).toThrow('optimizer got an empty parameter list');
    // zero is allowed where PyTorch allows it
    expect(() => new optim.Adam([p()], { lr: 0, eps: 0, betas: [0, 0] })).not.toThrow();
  });

  test('bad parameter lists', () => {
    const a = p();
    expect(() => new optim.SGD(a as unknown as Tensor[], { lr: 0.1 })).toThrow(/iterable of Tensors or parameter groups, but got a Tensor/);
    expect(() => new optim.SGD([a, a], { lr: 0.1 })).toThrow('duplicate parameters');
    expect(() => new optim.SGD([{ params: [a] }, { params: [a] }], { lr: 0.1 })).toThrow('some parameters appear in more than one parameter group');
    const nonLeaf = a.mul(2);
    expect(() => new optim.SGD([nonLeaf], { lr: 0.1 })).toThrow("can't optimize a non-leaf Tensor");
    expect(() => new optim.SGD([a, 3] as unknown as Tensor[], { lr: 0.1 })).toThrow(/can only optimize Tensors, but one of the params is number 3/);
    expect(() => new optim.SGD([torch.tensor([1, 2], { dtype: 'int32' })], { lr: 0.1 })).toThrow(/floating point/);
  });

  test('group options are validated too', () => {
    expect(() => new optim.SGD([{ params: [p()], lr: -1 }], { lr: 0.1 })).toThrow('Invalid learning rate: -1');
    expect(() => new optim.Adam([{ params: [p()], betas: [0.9, 1] }])).toThrow('Invalid beta parameter at index 1: 1');
  });
});

describe('parameter groups', () => {
  test('groups take the defaults for options they leave out', () => {
    const a = p2();
    const b = p2();
    const opt = new optim.SGD([{ params: [a] }, { params: [b], lr: 0.01, momentum: undefined }], { lr: 0.1, momentum: 0.9 });
    expect(opt.paramGroups.map((g) => [g.lr, g.momentum])).toEqual([
      [0.1, 0.9],
      [0.01, 0.9],
    ]);
    expect(opt.paramGroups[1].params).toEqual([b]);
    expect(opt.defaults.lr).toBe(0.1);
  });

  test('changing a group option affects the next step (how a schedule changes lr)', () => {
    const a = p2();
    const opt = new optim.SGD(new nn.Linear(2, 2).parameters().concat([a]), { lr: 1 });
    opt.paramGroups[0].lr = 0.25;
    a.grad = torch.tensor([1, -2], { dtype: 'float64' });
    opt.step();
    // p = p - lr * g with lr 0.25
    expect(Array.from(a.data)).toEqual([-0.25, 0.5]);
  });

  test('a group may hold a single tensor, and parameters may come from any iterable', () => {
    const model = new nn.Linear(2, 2);
    function* params(): Generator<nn.Parameter> {
      yield* model.parameters();
    }
    expect(new optim.SGD(params(), { lr: 0.1 }).paramGroups[0].params).toEqual(model.parameters());
    const opt = new optim.SGD([{ params: model.weight, lr: 0.5 }, { params: new Set([model.bias as nn.Parameter]) }], { lr: 0.1 });
    expect(opt.paramGroups.map((g) => [g.params.length, g.lr])).toEqual([
      [1, 0.5],
      [1, 0.1],
    ]);
  });

  test('addParamGroup adds parameters later', () => {
    const a = p2();
    const b = p2();
    const opt = new optim.Adam([a]);
    opt.addParamGroup({ params: [b], lr: 0.5 });
    expect(opt.paramGroups.length).toBe(2);
    expect(opt.paramGroups[1].lr).toBe(0.5);
    expect(opt.paramGroups[1].betas).toEqual([0.9, 0.999]);
    expect(() => opt.addParamGroup({ params: [a] })).toThrow('some parameters appear in more than one parameter group');
  });

  function p2(): nn.Parameter {
    return new nn.Parameter(torch.zeros([2], { dtype: 'float64' }));
  }
});

describe('zeroGrad', () => {
  test('sets every gradient to null (set_to_none)', () => {
    const model = new nn.Linear(3, 2);
    const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
    model
      .forward(torch.ones([4, 3]))
      .sum()
      .backward();
    expect(model.weight.grad).not.toBeNull();
    expect(model.bias?.grad).not.toBeNull();
    opt.zeroGrad();
    expect(model.weight.grad).toBeNull();
    expect(model.bias?.grad).toBeNull();
  });
});

describe('step', () => {
  test('updates in place, builds no graph and bumps the version counter, outside noGrad', () => {
    expect(torch.isGradEnabled()).toBe(true);
    const model = new nn.Linear(3, 2);
    const weightData = model.weight.data;
    const version = model.weight._version.value;
    for (const opt of [new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 }), new optim.Adam(model.parameters())]) {
      model
        .forward(torch.ones([4, 3]))
        .sum()
        .backward();
      opt.step();
      opt.zeroGrad();
    }
    expect(model.weight.data).toBe(weightData);
    expect(model.weight._version.value).toBe(version + 2);
    for (const p of model.parameters()) {
      expect(p.isLeaf).toBe(true);
      expect(p.gradFn).toBeNull();
      expect(p.requiresGrad).toBe(true);
      expect(p.grad).toBeNull();
    }
  });

  test('a graph that saved a parameter cannot backward after the step changed it', () => {
    const w = new nn.Parameter(torch.tensor([1, 2], { dtype: 'float64' }));
    const opt = new optim.SGD([w], { lr: 0.1 });
    w.mul(w).sum().backward();
    const loss = w.mul(w).sum();
    opt.step();
    expect(() => loss.backward()).toThrow(/modified by an in-place operation/);
  });

  test('a closure recomputes the loss with grad mode on and its value is returned', () => {
    const w = new nn.Parameter(torch.tensor([3], { dtype: 'float64' }));
    const opt = new optim.SGD([w], { lr: 0.25 });
    const loss = torch.noGrad(() =>
      opt.step(() => {
        opt.zeroGrad();
        const l = w.mul(w).sum();
        l.backward();
        return l;
      }),
    );
    expect(loss.item()).toBe(9);
    // w = w - lr * 2w = 3 - 0.25 * 6
    expect(w.item()).toBe(1.5);
  });

  test('training a linear model lowers the loss', () => {
    for (const make of [(ps: nn.Parameter[]) => new optim.SGD(ps, { lr: 0.05, momentum: 0.9 }), (ps: nn.Parameter[]) => new optim.Adam(ps, { lr: 0.05 })]) {
      const [first, last] = linearModelLosses(make, 100);
      expect(last).toBeLessThan(first * 0.01);
    }
  });
});

describe('stateDict / loadStateDict', () => {
  test.each([
    'sgd momentum + dampening + weight decay + maximize',
    'sgd param groups',
    'adam betas + eps + weight decay + amsgrad + maximize',
    'adam, bias without grad on steps 0 and 2',
    'adam amsgrad float32',
  ])('continuing from a saved state in a fresh optimizer follows the same trajectory: %s', (name) => {
    const c = goldenCase(name);
    expectStateDictMatches(c, expectResumedTrajectory(c, 3, tolerance(c)).stateDict());
  });

  test("the saved form: state by parameter index, the groups' options with parameter indices", () => {
    const a = new nn.Parameter(torch.zeros([2, 3], { dtype: 'float64' }));
    const b = new nn.Parameter(torch.zeros([3], { dtype: 'float64' }));
    const opt = new optim.Adam([{ params: [a] }, { params: [b], lr: 0.1 }], { amsgrad: true });
    b.grad = torch.ones([3], { dtype: 'float64' });
    opt.step();
    const sd = opt.stateDict();
    expect(Object.keys(sd.state)).toEqual(['1']);
    expect(sd.state[1].step).toBe(1);
    expect(Object.keys(sd.state[1]).sort()).toEqual(['expAvg', 'expAvgSq', 'maxExpAvgSq', 'step']);
    expect((sd.state[1].expAvg as Tensor).shape).toEqual([3]);
    expect(sd.paramGroups).toEqual([
      { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: true, maximize: false, decoupledWeightDecay: false, params: [0] },
      { lr: 0.1, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: true, maximize: false, decoupledWeightDecay: false, params: [1] },
    ]);
    // copies: changing the saved buffers or options changes nothing in the optimizer
    (sd.state[1].expAvg as Tensor).data.fill(7);
    (sd.paramGroups[0].betas as unknown as number[])[0] = 0.1;
    expect(opt.state.get(b)?.expAvg.data[0]).toBeCloseTo(0.1, 12);
    expect(opt.paramGroups[0].betas[0]).toBe(0.9);
  });

  test('loading also loads the options of each group, as PyTorch does', () => {
    const a = new nn.Parameter(torch.zeros([2]));
    const sd = new optim.SGD([a], { lr: 0.5, momentum: 0.9 }).stateDict();
    const opt = new optim.SGD([new nn.Parameter(torch.zeros([2]))], { lr: 0.1 });
    opt.loadStateDict(sd);
    expect(opt.paramGroups[0].lr).toBe(0.5);
    expect(opt.paramGroups[0].momentum).toBe(0.9);
  });

  test('a failed load lists every problem and changes nothing', () => {
    const make = (): [nn.Parameter[], optim.Adam] => {
      const ps = [new nn.Parameter(torch.ones([3, 2])), new nn.Parameter(torch.ones([2]))];
      const opt = new optim.Adam(ps, { lr: 0.01 });
      ps.forEach((p) => (p.grad = torch.ones(p.shape)));
      opt.step();
      return [ps, opt];
    };
    const [, source] = make();
    const good = source.stateDict();
    const [params, opt] = make();
    params[0].grad = torch.full([3, 2], 2.5);
    opt.step();
    const before = JSON.stringify(opt.stateDict(), tensorsAsArrays);

    const badShape = source.stateDict();
    badShape.paramGroups[0].lr = 0.5; // would be loaded if the state were fine
    badShape.state[1].expAvg = torch.zeros([3]);
    delete (badShape.state[0] as Partial<optim.AdamState>).expAvgSq;
    expect(() => opt.loadStateDict(badShape)).toThrow(
      'Error(s) in loading state_dict for Adam:\n\tstate[0]: expAvgSq must be a Tensor, got undefined\n\tstate[1]: expAvg has shape [3] but its parameter has shape [2]',
    );

    const tooFew = source.stateDict();
    tooFew.paramGroups[0].params = [0];
    expect(() => opt.loadStateDict(tooFew)).toThrow(/doesn't match the size of optimizer's group: paramGroups\[0\] has 1 parameters, the optimizer's has 2/);

    const twoGroups = source.stateDict();
    twoGroups.paramGroups.push({ ...twoGroups.paramGroups[0], params: [2] });
    expect(() => opt.loadStateDict(twoGroups)).toThrow('loaded state dict has a different number of parameter groups (2) than the optimizer (1)');

    const strayState = source.stateDict();
    strayState.state[5] = strayState.state[0];
    expect(() => opt.loadStateDict(strayState)).toThrow('state has an entry for parameter 5, which no group in the state dict lists.');

    const badOption = source.stateDict();
    badOption.paramGroups[0].betas = [0.9, 2];
    expect(() => opt.loadStateDict(badOption)).toThrow('paramGroups[0]: Invalid beta parameter at index 1: 2');

    expect(() => opt.loadStateDict(null as unknown as optim.OptimizerStateDict<optim.AdamGroupOptions, optim.AdamState>)).toThrow(
      /expected an object \{ state, paramGroups \}/,
    );

    expect(JSON.stringify(opt.stateDict(), tensorsAsArrays)).toBe(before);
    expect(opt.paramGroups[0].lr).toBe(0.01);
    opt.loadStateDict(good);
    expect(JSON.stringify(opt.stateDict(), tensorsAsArrays)).toBe(JSON.stringify(good, tensorsAsArrays));
  });

  test('buffers are converted to the parameter dtype on load', () => {
    const a = new nn.Parameter(torch.zeros([2], { dtype: 'float64' }));
    const opt = new optim.SGD([a], { lr: 0.1, momentum: 0.9 });
    opt.loadStateDict({ state: { 0: { momentumBuffer: torch.tensor([1, 2], { dtype: 'float32' }) } }, paramGroups: [{ ...opt.paramGroups[0], params: [0] }] });
    const buf = opt.state.get(a)?.momentumBuffer;
    expect(buf?.dtype).toBe('float64');
    expect(Array.from(buf?.data ?? [])).toEqual([1, 2]);
  });
});

function tensorsAsArrays(_key: string, value: unknown): unknown {
  return value instanceof Tensor ? { shape: value.shape, dtype: value.dtype, data: Array.from(value.data) } : value;
}

describe('options are checked: unknown keys, and PyTorch options tsgrad leaves out', () => {
  const p = (): nn.Parameter => new nn.Parameter(torch.zeros([2]));
  type Any = never;
  it.each([
    ['SGD', () => new optim.SGD([p()], { lr: 0.1, weight_decay: 1 } as Any), "SGD: unknown option 'weight_decay'; did you mean 'weightDecay'?"],
    [
      'SGD',
      () => new optim.SGD([p()], { lr: 0.1, betas: [0.9, 0.99] } as Any),
      "SGD: unknown option 'betas' (allowed: lr, momentum, dampening, nesterov, weightDecay, maximize)",
    ],
    ['SGD', () => new optim.SGD([p()], { lr: 0.1, foreach: true } as Any), 'SGD: foreach is not supported: tsgrad updates each parameter in a loop of its own'],
    ['SGD', () => new optim.SGD([p()], { lr: 0.1, fused: true } as Any), 'SGD: fused is not supported: tsgrad has no fused optimizer kernels'],
    ['SGD', () => new optim.SGD([p()], { lr: 0.1, differentiable: true } as Any), 'SGD: differentiable is not supported'],
    ['SGD', () => new optim.SGD([p()], null as Any), 'SGD: options must be an object like { lr: ... }, got null'],
    ['Adam', () => new optim.Adam([p()], { amsGrad: true } as Any), "Adam: unknown option 'amsGrad'; did you mean 'amsgrad'?"],
    ['Adam', () => new optim.Adam([p()], { capturable: true } as Any), 'Adam: capturable is not supported: tsgrad runs on the CPU'],
    [
      'Adam',
      () => new optim.Adam([p()], { decoupled_weight_decay: true } as Any),
      "Adam: unknown option 'decoupled_weight_decay'; did you mean 'decoupledWeightDecay'?",
    ],
    [
      'a parameter group',
      () => new optim.SGD([{ params: [p()], weight_decay: 1 }] as Any, { lr: 0.1 }),
      "SGD: parameter group: unknown option 'weight_decay'; did you mean 'weightDecay'?",
    ],
    ['a parameter group', () => new optim.Adam([{ params: [p()], momentum: 0.9 }] as Any), "Adam: parameter group: unknown option 'momentum'"],
    [
      'addParamGroup',
      () => new optim.Adam([p()]).addParamGroup({ params: [p()], lR: 0.1 } as Any),
      "Adam: parameter group: unknown option 'lR'; did you mean 'lr'?",
    ],
  ])('%s', (_name, fn, message) => {
    expect(fn).toThrow(message);
  });
  it('the values that ask for what tsgrad does anyway are accepted', () => {
    expect(() => new optim.SGD([p()], { lr: 0.1, foreach: null, fused: false, differentiable: false } as Any)).not.toThrow();
    expect(() => new optim.Adam([p()], { foreach: false, capturable: false, decoupledWeightDecay: false } as Any)).not.toThrow();
  });
  it('loadStateDict lists unknown keys of a saved group and loads nothing', () => {
    const params = [p()];
    const opt = new optim.SGD(params, { lr: 0.1 });
    const saved = opt.stateDict();
    (saved.paramGroups[0] as Record<string, unknown>).weight_decay = 1;
    saved.paramGroups[0].lr = 0.5;
    expect(() => opt.loadStateDict(saved)).toThrow(
      "Error(s) in loading state_dict for SGD:\n\tparamGroups[0]: unknown option 'weight_decay'; did you mean 'weightDecay'?",
    );
    expect(opt.paramGroups[0].lr).toBe(0.1);
    expect('weight_decay' in opt.paramGroups[0]).toBe(false);
  });
});

describe('a step that fails changes nothing', () => {
  function setup(make: (groups: { params: Tensor[] }[]) => optim.SGD | optim.Adam) {
    const a = new nn.Parameter(torch.tensor([1, 2], { dtype: 'float32' }));
    const b = new nn.Parameter(torch.tensor([3, 4], { dtype: 'float32' }));
    const opt = make([{ params: [a] }, { params: [b] }]);
    const step = (): void => {
      a.grad = torch.tensor([0.5, -0.5], { dtype: 'float32' });
      b.grad = torch.tensor([0.25, 0.25], { dtype: 'float32' });
      opt.step();
    };
    return { a, b, opt, step };
  }
  const snapshot = (opt: optim.SGD | optim.Adam, ...ps: Tensor[]) => ({
    params: ps.map((p) => Array.from(p.data)),
    state: JSON.stringify(opt.stateDict().state, (_k, v) => (v instanceof Tensor ? Array.from(v.data) : v)),
  });

  it.each([
    ['SGD with momentum', (g: { params: Tensor[] }[]) => new optim.SGD(g, { lr: 0.1, momentum: 0.9 })],
    ['Adam', (g: { params: Tensor[] }[]) => new optim.Adam(g, { lr: 0.1 })],
  ])('%s: an option of the wrong type in a later group is found before any parameter moves', (_name, make) => {
    const { a, b, opt, step } = setup(make);
    step(); // some state to keep
    const before = snapshot(opt, a, b);
    (opt.paramGroups[1] as { lr: unknown }).lr = '0.1';
    expect(step).toThrow(`${opt.constructor.name}.step: paramGroups[1].lr must be a number, got string "0.1"`);
    expect(snapshot(opt, a, b)).toEqual(before);
    (opt.paramGroups[1] as { lr: unknown }).lr = 0.1;
    opt.paramGroups[0].maximize = 1 as never;
    expect(step).toThrow(/paramGroups\[0\]\.maximize must be a boolean, got 1/);
    expect(snapshot(opt, a, b)).toEqual(before);
  });
  it('Adam: betas that are not two numbers', () => {
    const { a, b, opt, step } = setup((g) => new optim.Adam(g));
    const before = snapshot(opt, a, b);
    (opt.paramGroups[1] as { betas: unknown }).betas = [0.9];
    expect(step).toThrow('Adam.step: paramGroups[1].betas must be an array of 2 numbers, got an array of 1');
    expect(snapshot(opt, a, b)).toEqual(before);
  });
  it('a closure that throws changes nothing', () => {
    const { a, b, opt, step } = setup((g) => new optim.SGD(g, { lr: 0.1, momentum: 0.9 }));
    step();
    const before = snapshot(opt, a, b);
    expect(() =>
      opt.step(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(snapshot(opt, a, b)).toEqual(before);
  });
  it('as in PyTorch, a negative lr set after construction is not an error at step', () => {
    const { a, opt, step } = setup((g) => new optim.SGD(g, { lr: 0.1 }));
    opt.paramGroups[0].lr = -0.1;
    step();
    expect(Array.from(a.data)).toEqual([Math.fround(1.05), Math.fround(1.95)]);
  });
});

describe('zeroGrad(setToNone)', () => {
  it('false zeroes the gradients in place, as PyTorch zero_grad(set_to_none=False); true (the default) sets them to null', () => {
    const p = new nn.Parameter(torch.ones([2]));
    const opt = new optim.SGD([p], { lr: 0.1 });
    p.grad = torch.tensor([1, 2], { dtype: 'float32' });
    const g = p.grad;
    opt.zeroGrad(false);
    expect(p.grad).toBe(g);
    expect(p.grad?.toArray()).toEqual([0, 0]);
    opt.zeroGrad();
    expect(p.grad).toBeNull();
    expect(() => opt.zeroGrad('no' as never)).toThrow('zeroGrad: setToNone must be true or false, got string "no"');
    const m = new nn.Linear(2, 1);
    m.forward(torch.ones([1, 2]))
      .sum()
      .backward();
    m.zeroGrad(false);
    expect(m.parameters().map((q) => q.grad?.toArray())).toEqual([[[0, 0]], [0]]);
  });
});
