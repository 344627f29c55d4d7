/**
 * Containers (src/nn/container.ts): Unflatten, ModuleDict, ParameterList and ParameterDict, and that
 * parameters(), stateDict(), loadStateDict(), train()/eval(), to() and printing walk into them. The
 * expected reprs, names and errors are what PyTorch 2.13 prints for the same containers.
 */
import * as torch from '../../src/index';
import { Tensor, nn } from '../../src/index';
import { Flatten, Identity, ModuleDict, ParameterDict, ParameterList, Sequential, Unflatten } from '../../src/nn/container';
import { Parameter } from '../../src/nn/parameter';
import { f64, values } from '../helpers';

const names = (pairs: [string, unknown][]): string[] => pairs.map(([n]) => n);

describe('Unflatten', () => {
  test("repr: Unflatten(dim=1, unflattened_size=(2, 5)) (PyTorch's, for a tuple)", () => {
    expect(String(new Unflatten(1, [2, 5]))).toBe('Unflatten(dim=1, unflattened_size=(2, 5))');
    expect(String(new Unflatten(-1, [5]))).toBe('Unflatten(dim=-1, unflattened_size=(5,))');
    expect(new Unflatten(0, [2, 3]).extraRepr()).toBe('dim=0, unflattened_size=(2, 3)');
  });

  test('splits one dim, infers a -1, records ViewBackward0 and passes gradients back', () => {
    const x = torch.randn([3, 10], { dtype: 'float64', requiresGrad: true });
    const y = new Unflatten(1, [2, -1])(x);
    expect(y.shape).toEqual([3, 2, 5]);
    expect(y.gradFn?.name).toBe('ViewBackward0');
    expect(values(y)).toEqual(values(x));
    y.mul(f64([2]))
      .sum()
      .backward();
    expect(values(x.grad!)).toEqual(new Array(30).fill(2));
    expect(new Unflatten(-1, [2, 5])(torch.randn(3, 10)).shape).toEqual([3, 2, 5]);
    expect(new Unflatten(0, [1, 1, 3])(torch.randn(3)).shape).toEqual([1, 1, 3]);
  });

  test('undoes Flatten inside a Sequential', () => {
    const x = torch.randn(2, 3, 4, 5);
    const model = new Sequential(new Flatten(), new Identity(), new Unflatten(1, [3, 4, 5]));
    const y = model(x);
    expect(y.shape).toEqual([2, 3, 4, 5]);
    expect(values(y)).toEqual(values(x));
  });

  test("errors: PyTorch's messages", () => {
    expect(() => new Unflatten(1, [2, 4])(torch.randn(3, 10))).toThrow(
      "unflatten: Provided sizes [2, 4] don't multiply up to the size of dim 1 (10) in the input tensor",
    );
    expect(() => new Unflatten(1, [2, -1, -1])(torch.randn(3, 10))).toThrow('unflatten: only one dimension can be inferred');
    expect(() => new Unflatten(3, [2, 5])(torch.randn(3, 10))).toThrow('dimension out of range (expected to be in range of [-2, 1], but got 3)');
    expect(() => new Unflatten(1, 5 as unknown as number[])).toThrow(
      'Unflatten: unflattened_size must be an array of whole numbers such as [2, 5], but found 5',
    );
    expect(() => new Unflatten(1, [2.5, 5])).toThrow('Unflatten: unflattened_size must be an array of whole numbers (one may be -1), but found 2.5 at pos 0');
    expect(() => new Unflatten(0.5, [2])).toThrow('Unflatten: dim must be a whole number, got 0.5');
  });
});

describe('ModuleDict', () => {
  test("repr, keys in insertion order, length, iteration (print(nn.ModuleDict({'fc': ..., 'act': ...})))", () => {
    const md = new ModuleDict({ fc: new nn.Linear(2, 3), act: new nn.ReLU() });
    expect(String(md)).toBe(['ModuleDict(', '  (fc): Linear(in_features=2, out_features=3, bias=True)', '  (act): ReLU()', ')'].join('\n'));
    expect(md.length).toBe(2);
    expect(md.keys()).toEqual(['fc', 'act']);
    expect([...md]).toEqual(['fc', 'act']);
    expect(md.values()).toEqual([md.get('fc'), md.get('act')]);
    expect(md.items().map(([k, m]) => [k, m.constructor.name])).toEqual([
      ['fc', 'Linear'],
      ['act', 'ReLU'],
    ]);
    expect(String(new ModuleDict())).toBe('ModuleDict()');
    expect(new ModuleDict().length).toBe(0);
  });

  test('built from a Map or [key, module] pairs, in their order; update replaces in place and appends', () => {
    expect(new ModuleDict(new Map([['z', new nn.ReLU()] as const, ['a', new nn.ReLU()] as const])).keys()).toEqual(['z', 'a']);
    expect(
      new ModuleDict([
        ['z', new nn.ReLU()],
        ['a', new nn.ReLU()],
      ]).keys(),
    ).toEqual(['z', 'a']);
    // nn.ModuleDict({'b': ReLU(), 'a': Tanh()}).update({'c': ReLU(), 'a': Sigmoid()}): keys ['b', 'a', 'c']
    const md = new ModuleDict({ b: new nn.ReLU(), a: new nn.Tanh() });
    md.update({ c: new nn.ReLU(), a: new nn.Sigmoid() });
    expect(md.keys()).toEqual(['b', 'a', 'c']);
    expect(String(md)).toBe(['ModuleDict(', '  (b): ReLU()', '  (a): Sigmoid()', '  (c): ReLU()', ')'].join('\n'));
    expect(String(md.pop('b'))).toBe('ReLU()');
    expect(md.keys()).toEqual(['a', 'c']);
    expect(md.has('a')).toBe(true);
    expect(md.has('b')).toBe(false);
    const relu = new nn.ReLU();
    expect(md.set('d', relu).get('d')).toBe(relu);
    md.clear();
    expect(md.length).toBe(0);
  });

  test("errors: PyTorch's KeyError and TypeError texts", () => {
    const md = new ModuleDict({ a: new nn.ReLU() });
    expect(() => md.get('zz')).toThrow('ModuleDict: no module under key "zz" (keys: a)');
    expect(() => md.pop('q')).toThrow('no module under key "q"');
    expect(() => new ModuleDict({ 'a.b': new nn.ReLU() })).toThrow('module name can\'t contain ".", got: a.b');
    expect(() => new ModuleDict({ '': new nn.ReLU() })).toThrow('module name can\'t be empty string ""');
    expect(() => new ModuleDict({ a: 3 as unknown as nn.Module })).toThrow('3 is not a Module subclass');
    expect(() => new ModuleDict({ training: new nn.ReLU() })).toThrow("attribute 'training' already exists");
    expect(() => new ModuleDict({ forward: new nn.ReLU() })).toThrow("attribute 'forward' already exists");
    expect(() => md.update(3 as never)).toThrow('ModuleDict.update should be called with an object, a Map or an iterable of [key, value] pairs, but got 3');
    expect(() => md.update([['a']] as never)).toThrow('element #0 of the update sequence must be a [key, value] pair');
    expect(() => md.forward()).toThrow('ModuleDict has no forward()');
  });
});

describe('ParameterList', () => {
  test('reprs: one line per parameter with its dtype and size; one parameter inline; empty', () => {
    const pl = new ParameterList([new Parameter(torch.randn(2, 3)), new Parameter(torch.randn([3], { dtype: 'float64' })), new Parameter(torch.randn([]))]);
    // print(nn.ParameterList([...])) in PyTorch 2.13
    expect(String(pl)).toBe(
      [
        'ParameterList(',
        '    (0): Parameter containing: [torch.float32 of size 2x3]',
        '    (1): Parameter containing: [torch.float64 of size 3]',
        '    (2): Parameter containing: [torch.float32 of size ]',
        ')',
      ].join('\n'),
    );
    expect(String(new ParameterList([new Parameter(torch.ones(2))]))).toBe('ParameterList(  (0): Parameter containing: [torch.float32 of size 2])');
    expect(String(new ParameterList())).toBe('ParameterList()');
  });

  test('plain tensors become Parameters that share their storage and require grad; a Parameter stays itself', () => {
    const t = torch.randn(2);
    const frozen = new Parameter(torch.randn(2), false);
    const pl = new ParameterList([t, frozen]);
    expect(pl.get(0)).toBeInstanceOf(Parameter);
    expect(pl.get(0).data).toBe(t.data);
    expect(pl.get(0).requiresGrad).toBe(true);
    expect(pl.get(1)).toBe(frozen);
    expect(pl.get(1).requiresGrad).toBe(false);
  });

  test('append, extend, get and set (negative indices), length and iteration', () => {
    const pl = new ParameterList();
    pl.append(new Parameter(torch.ones(1))).extend([new Parameter(torch.ones(2)), torch.ones(3)]);
    expect(pl.length).toBe(3);
    expect([...pl].map((p) => p.shape)).toEqual([[1], [2], [3]]);
    expect(pl.get(-1).shape).toEqual([3]);
    pl.set(0, torch.zeros(4));
    expect(pl.get(0).shape).toEqual([4]);
    expect(pl.get(0)).toBeInstanceOf(Parameter);
    expect(() => pl.get(5)).toThrow('ParameterList: index 5 is out of range');
    expect(() => pl.get(-4)).toThrow('ParameterList: index -4 is out of range');
    expect(() => new ParameterList().set(0, torch.ones(1))).toThrow('index 0 is out of range');
    expect(() => pl.append(3 as unknown as Tensor)).toThrow('ParameterList.append: expected a Tensor or a Parameter, got 3');
    expect(() => pl.extend(torch.ones(2) as never)).toThrow('ParameterList.extend should be called with an iterable of tensors');
    expect(() => pl.append(torch.tensor([1, 2], { dtype: 'int32' }))).toThrow('only floating point tensors can require gradients');
  });

  test('a parameter in it twice: once in parameters(), under both names in the state dict (as PyTorch)', () => {
    const p = new nn.Linear(2, 2).weight;
    const shared = new ParameterList([p, p]);
    expect(shared.parameters()).toEqual([p]);
    expect(Object.keys(shared.stateDict())).toEqual(['0', '1']);
  });
});

describe('ParameterDict', () => {
  test('a plain object is taken in sorted key order (as PyTorch sorts a dict); a Map and pairs keep theirs', () => {
    const pd = new ParameterDict({ w: new Parameter(torch.randn(2, 3)), b: new Parameter(torch.zeros(3)) });
    expect(pd.keys()).toEqual(['b', 'w']);
    // print(nn.ParameterDict({'w': ..., 'b': ...})) in PyTorch 2.13: legacy type names
    expect(String(pd)).toBe(
      [
        'ParameterDict(',
        '    (b): Parameter containing: [torch.FloatTensor of size 3]',
        '    (w): Parameter containing: [torch.FloatTensor of size 2x3]',
        ')',
      ].join('\n'),
    );
    expect(new ParameterDict(new Map([['z', torch.ones(1)] as const, ['a', torch.ones(1)] as const])).keys()).toEqual(['z', 'a']);
    expect(
      new ParameterDict([
        ['z', torch.ones(1)],
        ['a', torch.ones(1)],
      ]).keys(),
    ).toEqual(['z', 'a']);
    // nn.ParameterDict({'b': ...}).update({'z': ..., 'a': ...}): keys ['b', 'a', 'z']
    const u = new ParameterDict({ b: torch.ones(1) });
    u.update({ z: torch.ones(1), a: torch.ones(2) });
    expect(u.keys()).toEqual(['b', 'a', 'z']);
    expect(String(new ParameterDict())).toBe('ParameterDict()');
    expect(String(new ParameterDict({ d: torch.ones([2], { dtype: 'float64' }) }))).toBe(
      'ParameterDict(  (d): Parameter containing: [torch.DoubleTensor of size 2])',
    );
  });

  test('get, set, has, pop, values, items, length, iteration; plain tensors wrapped', () => {
    const pd = new ParameterDict({ a: new Parameter(torch.ones(1)) });
    const t = torch.ones(2);
    pd.set('x', t);
    expect(pd.get('x')).toBeInstanceOf(Parameter);
    expect(pd.get('x').data).toBe(t.data);
    expect(pd.get('x').requiresGrad).toBe(true);
    expect(pd.has('a')).toBe(true);
    expect(pd.length).toBe(2);
    expect([...pd]).toEqual(['a', 'x']);
    expect(pd.values()).toEqual([pd.get('a'), pd.get('x')]);
    expect(names(pd.items())).toEqual(['a', 'x']);
    expect(pd.pop('a').shape).toEqual([1]);
    expect(pd.keys()).toEqual(['x']);
    expect(() => pd.get('q')).toThrow('ParameterDict: no parameter under key "q" (keys: x)');
    expect(() => pd.set('a.b', torch.ones(1))).toThrow('parameter name can\'t contain ".", got: a.b');
    expect(() => pd.set('', torch.ones(1))).toThrow('parameter name can\'t be empty string ""');
    expect(() => pd.set('k', 3 as unknown as Tensor)).toThrow('ParameterDict.set: expected a Tensor or a Parameter, got 3');
    pd.clear();
    expect(pd.length).toBe(0);
  });
});

class M extends nn.Module {
  blocks = new ModuleDict({ enc: new nn.Linear(2, 2), dec: new Sequential(new nn.Linear(2, 2)) });
  params = new ParameterList([new Parameter(torch.ones(2)), new Parameter(torch.ones(1))]);
  extra = new ParameterDict({ scale: new Parameter(torch.ones(1)) });
  unflat = new Unflatten(1, [1, 2]);
  forward(x: Tensor): Tensor {
    const h = (this.blocks.get('dec') as Sequential)((this.blocks.get('enc') as nn.Linear)(x));
    return this.unflat(h.mul(this.params.get(0)).add(this.params.get(1)).mul(this.extra.get('scale')));
  }
}

describe('inside a model: names, state dict, train/eval, to(), printing, training', () => {
  test("PyTorch's state-dict keys, named modules and printed tree", () => {
    const m = new M();
    // list(M().state_dict().keys()) in PyTorch 2.13
    const keys = ['blocks.enc.weight', 'blocks.enc.bias', 'blocks.dec.0.weight', 'blocks.dec.0.bias', 'params.0', 'params.1', 'extra.scale'];
    expect(Object.keys(m.stateDict())).toEqual(keys);
    expect(names(m.namedParameters())).toEqual(keys);
    expect(m.parameters().length).toBe(7);
    expect(names(m.namedModules())).toEqual(['', 'blocks', 'blocks.enc', 'blocks.dec', 'blocks.dec.0', 'params', 'extra', 'unflat']);
    // print(M()) in PyTorch 2.13, the one-parameter ParameterDict inline as PyTorch prints it
    expect(String(m)).toBe(
      [
        'M(',
        '  (blocks): ModuleDict(',
        '    (enc): Linear(in_features=2, out_features=2, bias=True)',
        '    (dec): Sequential(',
        '      (0): Linear(in_features=2, out_features=2, bias=True)',
        '    )',
        '  )',
        '  (params): ParameterList(',
        '      (0): Parameter containing: [torch.float32 of size 2]',
        '      (1): Parameter containing: [torch.float32 of size 1]',
        '  )',
        '  (extra): ParameterDict(  (scale): Parameter containing: [torch.FloatTensor of size 1])',
        '  (unflat): Unflatten(dim=1, unflattened_size=(1, 2))',
        ')',
      ].join('\n'),
    );
  });

  test('loadStateDict fills the containers; a missing key names them', () => {
    const a = new M();
    const b = new M();
    const state = a.stateDict();
    state['params.0'] = torch.tensor([3, 4]);
    state['extra.scale'] = torch.tensor([5]);
    b.loadStateDict(state);
    expect(values(b.params.get(0))).toEqual([3, 4]);
    expect(values(b.extra.get('scale'))).toEqual([5]);
    expect(values(b.blocks.get('enc').parameters()[0])).toEqual(values(a.blocks.get('enc').parameters()[0]));
    delete state['params.1'];
    expect(() => b.loadStateDict(state)).toThrow('Missing key(s) in state_dict: "params.1".');
    expect(b.loadStateDict(state, { strict: false }).missingKeys).toEqual(['params.1']);
  });

  test("train()/eval() reach modules in a ModuleDict; to() converts the containers' parameters", () => {
    const m = new M();
    m.eval();
    expect(m.blocks.training).toBe(false);
    expect(m.blocks.get('dec').training).toBe(false);
    expect((m.blocks.get('dec') as Sequential).at(0).training).toBe(false);
    expect(m.params.training).toBe(false);
    m.train();
    expect(m.blocks.get('enc').training).toBe(true);
    const d = new nn.Sequential(new nn.Linear(2, 2), new nn.ReLU());
    const md = new ModuleDict({ d });
    md.eval();
    expect(d.at(1).training).toBe(false);
    m.to('float64');
    expect(m.params.get(0).dtype).toBe('float64');
    expect(m.extra.get('scale').dtype).toBe('float64');
    expect(m.blocks.get('enc').parameters()[0].dtype).toBe('float64');
  });

  test('an optimizer over parameters() trains the parameters in the containers', () => {
    const m = new M();
    const opt = new torch.optim.SGD(m.parameters(), { lr: 0.1 });
    const before = [values(m.params.get(0)), values(m.params.get(1)), values(m.extra.get('scale'))];
    const y = m(torch.randn(4, 2));
    expect(y.shape).toEqual([4, 1, 2]);
    y.pow(2).sum().backward();
    expect(m.params.get(0).grad).not.toBeNull();
    expect(m.extra.get('scale').grad).not.toBeNull();
    opt.step();
    expect(values(m.params.get(0))).not.toEqual(before[0]);
    expect(values(m.params.get(1))).not.toEqual(before[1]);
    expect(values(m.extra.get('scale'))).not.toEqual(before[2]);
    m.zeroGrad();
    expect(m.params.get(0).grad).toBeNull();
  });

  test('Sequential, Flatten and Identity keep working', () => {
    const s = new Sequential(new Flatten(), new Identity(), new nn.Linear(6, 2));
    expect(s(torch.randn(3, 2, 3)).shape).toEqual([3, 2]);
    expect(names(s.namedParameters())).toEqual(['2.weight', '2.bias']);
    expect(String(new Flatten())).toBe('Flatten(start_dim=1, end_dim=-1)');
    expect(String(new Identity())).toBe('Identity()');
  });
});
