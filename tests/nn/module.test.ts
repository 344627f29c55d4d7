/**
 * nn.Module (src/nn/module.ts): parameters found by walking fields with PyTorch's dotted names,
 * the module tree, train/eval, zeroGrad, to(dtype), stateDict/loadStateDict and printing. The
 * expected names and printed trees are what PyTorch 2.13 gives for the same modules.
 */
import * as torch from '../../src/index';
import { Tensor, nn } from '../../src/index';
import { f64 } from '../helpers';

const names = (pairs: [string, unknown][]): string[] => pairs.map(([n]) => n);

class NeuralNet2 extends nn.Module {
  linear1 = new nn.Linear(784, 5);
  relu = new nn.ReLU();
  linear2 = new nn.Linear(5, 3);
  forward(x: Tensor): Tensor {
    return this.linear2.forward(this.relu.forward(this.linear1.forward(x)));
  }
}

class Block extends nn.Module {
  fc = new nn.Linear(4, 4);
  act = new nn.ReLU();
  forward(x: Tensor): Tensor {
    return this.act.forward(this.fc.forward(x));
  }
}

class Net extends nn.Module {
  flatten = new nn.Flatten();
  blocks = [new Block(), new Block(), new nn.Linear(4, 4), new nn.Tanh()];
  head = new nn.Sequential(new nn.Linear(4, 2), new nn.LogSoftmax(1));
  forward(x: Tensor): Tensor {
    let h = this.flatten.forward(x);
    for (const b of this.blocks) h = (b as Block).forward(h);
    return this.head.forward(h);
  }
}

describe('parameters and names', () => {
  test('fields in definition order, with dotted names', () => {
    const model = new NeuralNet2();
    expect(names(model.namedParameters())).toEqual(['linear1.weight', 'linear1.bias', 'linear2.weight', 'linear2.bias']);
    expect(model.parameters()).toEqual([model.linear1.weight, model.linear1.bias, model.linear2.weight, model.linear2.bias]);
    expect(model.parameters()[0]).toBe(model.linear1.weight);
    expect(model.parameters().map((p) => p.shape)).toEqual([[5, 784], [5], [3, 5], [3]]);
    expect(names(model.namedParameters('model'))).toEqual(['model.linear1.weight', 'model.linear1.bias', 'model.linear2.weight', 'model.linear2.bias']);
  });

  test('arrays of modules and nested modules (PyTorch: blocks.0.fc.weight, head.0.weight)', () => {
    const net = new Net();
    expect(names(net.namedParameters())).toEqual([
      'blocks.0.fc.weight',
      'blocks.0.fc.bias',
      'blocks.1.fc.weight',
      'blocks.1.fc.bias',
      'blocks.2.weight',
      'blocks.2.bias',
      'head.0.weight',
      'head.0.bias',
    ]);
    expect(names(net.namedModules())).toEqual([
      '',
      'flatten',
      'blocks',
      'blocks.0',
      'blocks.0.fc',
      'blocks.0.act',
      'blocks.1',
      'blocks.1.fc',
      'blocks.1.act',
      'blocks.2',
      'blocks.3',
      'head',
      'head.0',
      'head.1',
    ]);
    expect(net.namedParameters()[0][1]).toBe((net.blocks[0] as Block).fc.weight);
  });

  test("a module's own parameters come before its children's, as in PyTorch", () => {
    class Scaled extends nn.Module {
      fc = new nn.Linear(2, 2);
      scale = new nn.Parameter(torch.ones([1]));
      forward(x: Tensor): Tensor {
        return this.fc.forward(x).mul(this.scale);
      }
    }
    expect(names(new Scaled().namedParameters())).toEqual(['scale', 'fc.weight', 'fc.bias']);
  });

  test('a parameter shared by two modules is listed once (PyTorch: a.weight, a.bias, b.bias)', () => {
    class Tied extends nn.Module {
      a = new nn.Linear(2, 2);
      b = new nn.Linear(2, 2);
      constructor() {
        super();
        this.b.weight = this.a.weight;
      }
      forward(x: Tensor): Tensor {
        return this.b.forward(this.a.forward(x));
      }
    }
    const m = new Tied();
    expect(names(m.namedParameters())).toEqual(['a.weight', 'a.bias', 'b.bias']);
    expect(m.parameters()).toHaveLength(3);
    // every name in the state dict, as PyTorch's state_dict() lists tied weights
    expect(Object.keys(m.stateDict())).toEqual(['a.weight', 'a.bias', 'b.weight', 'b.bias']);
    expect(names(m.namedParameters('', false))).toEqual(['a.weight', 'a.bias', 'b.weight', 'b.bias']);
  });

  test('a module assigned to two fields: parameters once, printed twice, both names in the state dict', () => {
    class Shared extends nn.Module {
      a = new nn.Linear(2, 2);
      b = this.a;
      forward(x: Tensor): Tensor {
        return this.b.forward(this.a.forward(x));
      }
    }
    const m = new Shared();
    expect(names(m.namedParameters())).toEqual(['a.weight', 'a.bias']);
    expect(names(m.namedModules())).toEqual(['', 'a']);
    expect(m.children()).toEqual([m.a]);
    expect(names(m.namedChildren())).toEqual(['a', 'b']);
    expect(Object.keys(m.stateDict())).toEqual(['a.weight', 'a.bias', 'b.weight', 'b.bias']);
    expect(String(m)).toBe('Shared(\n  (a): Linear(in_features=2, out_features=2, bias=True)\n  (b): Linear(in_features=2, out_features=2, bias=True)\n)');
    // PyTorch: a state dict without b.weight is missing a key
    const sd = m.stateDict();
    delete sd['b.weight'];
    expect(() => m.loadStateDict(sd)).toThrow('Missing key(s) in state_dict: "b.weight".');
  });

  test('a field pointing back to a parent does not loop', () => {
    class Child extends nn.Module {
      fc = new nn.Linear(2, 2);
      owner: nn.Module | null = null;
      forward(x: Tensor): Tensor {
        return this.fc.forward(x);
      }
    }
    class Parent extends nn.Module {
      child = new Child();
      constructor() {
        super();
        this.child.owner = this;
      }
      forward(x: Tensor): Tensor {
        return this.child.forward(x);
      }
    }
    const m = new Parent();
    expect(names(m.namedParameters())).toEqual(['child.fc.weight', 'child.fc.bias']);
    expect(Object.keys(m.stateDict())).toEqual(['child.fc.weight', 'child.fc.bias']);
  });

  test('fields that are not modules or parameters are not registered', () => {
    class Plain extends nn.Module {
      fc = new nn.Linear(2, 2);
      buffer = torch.ones([2]); // a plain tensor, as a plain attribute in PyTorch
      sizes = [1, 2, 3];
      label = 'x';
      nothing = null;
      forward(x: Tensor): Tensor {
        return this.fc.forward(x);
      }
    }
    const m = new Plain();
    expect(names(m.namedParameters())).toEqual(['fc.weight', 'fc.bias']);
    expect(names(m.namedChildren())).toEqual(['fc']);
  });
});

describe('module tree, modes and gradients', () => {
  test('children, namedChildren, modules', () => {
    const model = new NeuralNet2();
    expect(model.children()).toEqual([model.linear1, model.relu, model.linear2]);
    expect(names(model.namedChildren())).toEqual(['linear1', 'relu', 'linear2']);
    expect(model.modules()).toEqual([model, model.linear1, model.relu, model.linear2]);
  });

  test('train() and eval() set training on every module and return the module', () => {
    const net = new Net();
    expect(net.training).toBe(true);
    expect(net.eval()).toBe(net);
    expect(net.modules().every((m) => !m.training)).toBe(true);
    expect((net.blocks[1] as Block).fc.training).toBe(false);
    expect(net.train()).toBe(net);
    expect(net.modules().every((m) => m.training)).toBe(true);
    net.train(false);
    expect(net.head.at(0).training).toBe(false);
    // the ModuleList standing for the array field is the same object each time, so its flag sticks
    expect(net.children()[1]).toBe(net.children()[1]);
    expect(net.children()[1].training).toBe(false);
  });

  test('zeroGrad clears every gradient to null', () => {
    const model = new NeuralNet2();
    torch.manualSeed(0);
    model
      .forward(torch.randn([2, 784]))
      .sum()
      .backward();
    expect(model.parameters().every((p) => p.grad !== null)).toBe(true);
    model.zeroGrad();
    expect(model.parameters().every((p) => p.grad === null)).toBe(true);
  });

  test('apply visits children first, then the module', () => {
    const seen: string[] = [];
    new NeuralNet2().apply((m) => seen.push(m.constructor.name));
    expect(seen).toEqual(['Linear', 'ReLU', 'Linear', 'NeuralNet2']);
  });

  test('to(dtype) converts the same Parameter objects in place and returns the module', () => {
    const model = new NeuralNet2();
    const before = model.parameters();
    const values = Array.from(model.linear2.weight.data);
    expect(model.to('float64')).toBe(model);
    expect(model.parameters()).toEqual(before);
    expect(model.parameters()[2]).toBe(before[2]);
    expect(model.parameters().every((p) => p.dtype === 'float64' && p.requiresGrad)).toBe(true);
    expect(Array.from(model.linear2.weight.data)).toEqual(values);
    const y = model.forward(torch.zeros([2, 784], { dtype: 'float64' }));
    expect(y.dtype).toBe('float64');
    expect(() => model.to('int32')).toThrow(/parameters must stay floating point, got int32/);
    // gradients are converted too, as PyTorch's module.to keeps param.grad
    y.sum().backward();
    const grad = Array.from(model.linear2.bias!.grad!.data);
    model.to('float32');
    expect(model.linear2.bias!.grad!.dtype).toBe('float32');
    expect(Array.from(model.linear2.bias!.grad!.data)).toEqual(grad.map(Math.fround));
  });
});

describe('stateDict and loadStateDict', () => {
  test('a plain object of detached copies', () => {
    const model = new NeuralNet2();
    const sd = model.stateDict();
    expect(Object.getPrototypeOf(sd)).toBe(Object.prototype);
    expect(Object.keys(sd)).toEqual(['linear1.weight', 'linear1.bias', 'linear2.weight', 'linear2.bias']);
    const w = sd['linear2.weight'];
    expect(w).not.toBe(model.linear2.weight);
    expect(w.requiresGrad).toBe(false);
    expect(w.gradFn).toBeNull();
    expect(w.shape).toEqual([3, 5]);
    expect(Array.from(w.data)).toEqual(Array.from(model.linear2.weight.data));
    // copies: changing one leaves the other alone
    const original = model.linear2.weight.data[0];
    w.data[0] = 123;
    expect(model.linear2.weight.data[0]).toBe(original);
    torch.noGrad(() => model.linear2.weight.fill_(7));
    expect(w.data[1]).not.toBe(7);
  });

  test('round trip into another model', () => {
    const a = new NeuralNet2();
    const b = new NeuralNet2();
    expect(Array.from(b.linear1.weight.data)).not.toEqual(Array.from(a.linear1.weight.data));
    expect(b.loadStateDict(a.stateDict())).toEqual({ missingKeys: [], unexpectedKeys: [] });
    for (const [name, p] of b.namedParameters()) expect(Array.from(p.data)).toEqual(Array.from(a.stateDict()[name].data));
    // still the same Parameter objects, still learnable
    expect(b.parameters()[0]).toBe(b.linear1.weight);
    expect(b.linear1.weight.requiresGrad).toBe(true);
  });

  test('float64 values load into float32 parameters (converted)', () => {
    const layer = new nn.Linear(2, 1);
    layer.loadStateDict({ weight: f64([[0.1, 0.2]]), bias: f64([0.3]) });
    expect(layer.weight.dtype).toBe('float32');
    expect(Array.from(layer.weight.data)).toEqual([Math.fround(0.1), Math.fround(0.2)]);
  });

  test('missing keys, unexpected keys and shape mismatches are all listed in one Error, and nothing changes', () => {
    const model = new NeuralNet2();
    const before = model.parameters().map((p) => Array.from(p.data));
    const sd = new NeuralNet2().stateDict();
    delete sd['linear1.bias'];
    sd['linear3.weight'] = torch.zeros([1]);
    sd['linear2.weight'] = torch.zeros([5, 3]);
    // PyTorch's wording, in PyTorch's order
    const expected =
      'Error(s) in loading state_dict for NeuralNet2:\n' +
      '\tMissing key(s) in state_dict: "linear1.bias".\n' +
      '\tUnexpected key(s) in state_dict: "linear3.weight".\n' +
      '\tsize mismatch for linear2.weight: copying a param with shape [5, 3] from checkpoint, the shape in current model is [3, 5].';
    expect(() => model.loadStateDict(sd)).toThrow(expected);
    // linear1.weight and linear2.bias were fine, but a failed load copies nothing
    expect(model.parameters().map((p) => Array.from(p.data))).toEqual(before);
  });

  test('strict: false reports missing and unexpected keys and loads the rest; shape mismatches still fail', () => {
    const model = new NeuralNet2();
    const source = new NeuralNet2();
    const result = model.loadStateDict({ 'linear2.bias': source.linear2.bias!.detach(), extra: torch.ones([1]) }, { strict: false });
    expect(result).toEqual({ missingKeys: ['linear1.weight', 'linear1.bias', 'linear2.weight'], unexpectedKeys: ['extra'] });
    expect(Array.from(model.linear2.bias!.data)).toEqual(Array.from(source.linear2.bias!.data));
    expect(() => model.loadStateDict({ 'linear2.bias': torch.ones([4]) }, { strict: false })).toThrow(/size mismatch for linear2\.bias/);
  });

  test('a value that is not a Tensor is an Error', () => {
    const layer = new nn.Linear(2, 1);
    expect(() => layer.loadStateDict({ weight: [[1, 2]] as unknown as Tensor, bias: torch.zeros([1]) })).toThrow(/value for weight is not a Tensor/);
  });
});

describe('buffers (registerBuffer)', () => {
  // Expected names and orders are PyTorch 2.13's for the same modules (register_buffer, state_dict).
  class Stats extends nn.Module {
    fc = new nn.Linear(2, 2);
    declare stats: Tensor;
    declare scratch: Tensor;
    declare absent: Tensor | null;
    w = new nn.Parameter(torch.ones([1]));
    constructor() {
      super();
      this.registerBuffer('stats', torch.zeros([2]));
      this.registerBuffer('scratch', torch.zeros([1]), { persistent: false });
      this.registerBuffer('absent', null);
    }
    forward(x: Tensor): Tensor {
      return x;
    }
  }

  test("in the state dict after each module's parameters, unless not persistent or null", () => {
    const m = new Stats();
    expect(Object.keys(m.stateDict())).toEqual(['w', 'stats', 'fc.weight', 'fc.bias']);
    expect(names(m.namedBuffers())).toEqual(['stats', 'scratch']);
    expect(m.buffers()).toEqual([m.stats, m.scratch]);
    expect(names(m.namedParameters())).toEqual(['w', 'fc.weight', 'fc.bias']);
    const sd = m.stateDict();
    expect(sd.stats).not.toBe(m.stats);
    const other = new Stats();
    other.stats.data.set([3, 4]);
    m.loadStateDict(other.stateDict());
    expect(Array.from(m.stats.data)).toEqual([3, 4]);
  });

  test('nested: dotted names, and assigning the field replaces the buffer', () => {
    class Outer extends nn.Module {
      inner = new Stats();
      forward(x: Tensor): Tensor {
        return x;
      }
    }
    const o = new Outer();
    expect(names(o.namedBuffers())).toEqual(['inner.stats', 'inner.scratch']);
    o.inner.stats = torch.ones([3]);
    expect(o.stateDict()['inner.stats'].shape).toEqual([3]);
  });

  test('a buffer that does not fit is listed with the other problems, and nothing is loaded', () => {
    const m = new Stats();
    const sd = new Stats().stateDict();
    sd.stats = torch.ones([5]);
    sd['fc.bias'] = torch.full([2], 9);
    const before = Array.from(m.fc.bias!.data);
    expect(() => m.loadStateDict(sd)).toThrow('size mismatch for stats: copying a param with shape [5] from checkpoint, the shape in current model is [2].');
    expect(Array.from(m.fc.bias!.data)).toEqual(before);
    const missing = new Stats().stateDict();
    delete missing.stats;
    expect(() => m.loadStateDict(missing)).toThrow('Missing key(s) in state_dict: "stats".');
  });

  test("to(dtype) converts float buffers into new tensors, leaving the caller's tensor and int buffers alone", () => {
    const weight = torch.tensor([1, 2, 3], { dtype: 'float32' });
    const loss = new nn.CrossEntropyLoss({ weight });
    loss.to('float64');
    expect(loss.weight!.dtype).toBe('float64');
    expect(loss.weight).not.toBe(weight);
    expect(weight.dtype).toBe('float32');
    class Counter extends nn.Module {
      declare count: Tensor;
      constructor() {
        super();
        this.registerBuffer('count', torch.tensor([0], { dtype: 'int32' }));
      }
      forward(): void {}
    }
    expect(new Counter().to('float64').count.dtype).toBe('int32');
  });

  test('bad names and values are Errors that register nothing', () => {
    const m = new Stats();
    expect(() => m.registerBuffer('fc', torch.zeros([1]))).toThrow('registerBuffer: attribute "fc" already exists on Stats');
    expect(() => m.registerBuffer('forward', torch.zeros([1]))).toThrow(/attribute "forward" already exists/);
    expect(() => m.registerBuffer('a.b', torch.zeros([1]))).toThrow('a buffer name must be a non-empty string without ".", got "a.b"');
    expect(() => m.registerBuffer('', torch.zeros([1]))).toThrow(/non-empty/);
    expect(() => m.registerBuffer('p', new nn.Parameter(torch.zeros([1])))).toThrow(/is a Parameter/);
    expect(() => m.registerBuffer('q', [1, 2] as unknown as Tensor)).toThrow('buffer "q" must be a Tensor or null');
    expect(names(m.namedBuffers())).toEqual(['stats', 'scratch']);
    expect('q' in m).toBe(false);
  });

  test("the losses' weights are buffers, as in PyTorch", () => {
    const weight = torch.tensor([1, 2, 3], { dtype: 'float32' });
    expect(Object.keys(new nn.CrossEntropyLoss().stateDict())).toEqual([]);
    const ce = new nn.CrossEntropyLoss({ weight });
    expect(Object.keys(ce.stateDict())).toEqual(['weight']);
    expect(String(ce)).toBe('CrossEntropyLoss()');
    // load_state_dict copies into the registered tensor, which the loss then uses
    const x = torch.tensor([[1, 2, 3]], { dtype: 'float32' });
    const y = torch.tensor([0], { dtype: 'int32' });
    ce.loadStateDict({ weight: torch.full([3], 5) });
    expect(Array.from(weight.data)).toEqual([5, 5, 5]);
    expect(ce.forward(x, y).item()).toBeCloseTo(new nn.CrossEntropyLoss().forward(x, y).item(), 6);
    ce.weight = torch.tensor([0, 1, 1], { dtype: 'float32' });
    expect(ce.forward(x, y.add(1)).item()).toBeCloseTo(torch.nn.functional.crossEntropy(x, y.add(1), { weight: ce.weight }).item(), 6);
    expect(Object.keys(new nn.NLLLoss({ weight }).stateDict())).toEqual(['weight']);
    expect(Object.keys(new nn.BCELoss({ weight }).stateDict())).toEqual(['weight']);
    expect(Object.keys(new nn.BCEWithLogitsLoss({ weight, posWeight: weight }).stateDict())).toEqual(['weight', 'pos_weight']);
  });
});

describe('printing the module tree', () => {
  test("the tutorial's NeuralNet2", () => {
    expect(String(new NeuralNet2())).toBe(
      [
        'NeuralNet2(',
        '  (linear1): Linear(in_features=784, out_features=5, bias=True)',
        '  (relu): ReLU()',
        '  (linear2): Linear(in_features=5, out_features=3, bias=True)',
        ')',
      ].join('\n'),
    );
  });

  test('nested modules, arrays as ModuleList (repeats compressed, as PyTorch 2.x prints them), Sequential', () => {
    // print(Net()) in PyTorch 2.13, with nn.ModuleList for the array
    const expected = [
      'Net(',
      '  (flatten): Flatten(start_dim=1, end_dim=-1)',
      '  (blocks): ModuleList(',
      '    (0-1): 2 x Block(',
      '      (fc): Linear(in_features=4, out_features=4, bias=True)',
      '      (act): ReLU()',
      '    )',
      '    (2): Linear(in_features=4, out_features=4, bias=True)',
      '    (3): Tanh()',
      '  )',
      '  (head): Sequential(',
      '    (0): Linear(in_features=4, out_features=2, bias=True)',
      '    (1): LogSoftmax(dim=1)',
      '  )',
      ')',
    ].join('\n');
    expect(String(new Net())).toBe(expected);
    class WithList extends nn.Module {
      flatten = new nn.Flatten();
      blocks = new nn.ModuleList([new Block(), new Block(), new nn.Linear(4, 4), new nn.Tanh()]);
      head = new nn.Sequential(new nn.Linear(4, 2), new nn.LogSoftmax(1));
      forward(): never {
        throw new Error('not called');
      }
    }
    expect(names(new WithList().namedParameters())).toEqual(names(new Net().namedParameters()));
    expect(String(new WithList()).replace('WithList(', 'Net(')).toBe(expected);
  });

  test('a module with no children or extra text prints Name(); console.log uses the same text', () => {
    expect(String(new nn.ReLU())).toBe('ReLU()');
    expect(String(new nn.Sequential())).toBe('Sequential()');
    expect(String(new nn.ModuleList())).toBe('ModuleList()');
    const inspect = (new NeuralNet2() as unknown as Record<symbol, () => string>)[Symbol.for('nodejs.util.inspect.custom')];
    expect(inspect.call(new NeuralNet2())).toBe(String(new NeuralNet2()));
  });

  test('a Parameter prints as PyTorch prints it', () => {
    expect(String(new nn.Parameter(torch.ones([2])))).toBe('Parameter containing:\ntensor([1., 1.], requires_grad=True)');
  });
});

describe('Module methods check their arguments and options', () => {
  it('registerBuffer and loadStateDict options', () => {
    const m = new nn.Linear(2, 2);
    expect(() => m.registerBuffer('b', null, { persistant: false } as never)).toThrow(
      "registerBuffer: unknown option 'persistant'; did you mean 'persistent'?",
    );
    expect(() => m.registerBuffer('b', null, { persistent: 'no' } as never)).toThrow('registerBuffer: persistent must be true or false, got string "no"');
    const sd = new nn.Linear(2, 2).stateDict();
    expect(() => m.loadStateDict(sd, { assign: true } as never)).toThrow(
      'loadStateDict: assign is not supported: tsgrad copies the values into the existing parameters',
    );
    expect(() => m.loadStateDict(sd, { strict: 'no' } as never)).toThrow('loadStateDict: strict must be true or false, got string "no"');
    expect(() => m.loadStateDict(sd, { Strict: false } as never)).toThrow("loadStateDict: unknown option 'Strict'; did you mean 'strict'?");
  });
  it('loadStateDict of something that is not a state dict', () => {
    const m = new nn.Linear(2, 2);
    const message = 'loadStateDict: expected a state dict (an object of Tensors by name, as stateDict() returns), got';
    expect(() => m.loadStateDict(null as never)).toThrow(`${message} null`);
    expect(() => m.loadStateDict([] as never)).toThrow(`${message} an array of 0`);
    expect(() => m.loadStateDict(m.weight as never)).toThrow(`${message} Parameter of shape [2, 2]`);
  });
  it("to('cpu') changes nothing and returns the module; other devices are an Error", () => {
    const m = new nn.Linear(2, 2);
    const w = m.weight.data.slice();
    expect(m.to('cpu')).toBe(m);
    expect(m.weight.dtype).toBe('float32');
    expect(m.weight.data).toEqual(w);
    expect(() => m.to('cuda' as never)).toThrow(
      "Module.to: tsgrad runs on the CPU (its kernels are TypeScript and WebAssembly); device 'cuda' is not available",
    );
    expect(() => m.to('mps' as never)).toThrow("Module.to: tsgrad runs on the CPU (its kernels are TypeScript and WebAssembly); device 'mps' is not available");
    expect(() => m.to('cuda:1' as never)).toThrow(/device 'cuda:1' is not available/);
    expect(() => m.to('int32')).toThrow('Module.to: parameters must stay floating point, got int32');
    expect(() => m.to('float16' as never)).toThrow(`Module.to: expected a float dtype ('float32' or 'float64') or 'cpu', got string "float16"`);
  });
});

describe('a loadStateDict that fails loads nothing', () => {
  const snapshot = (m: nn.Module): number[][] => m.parameters().map((p) => Array.from(p.data));
  it.each([
    ['a value that is not a Tensor', (sd: Record<string, unknown>) => (sd.bias = [0, 0]), 'value for bias is not a Tensor.'],
    ['a value of another shape', (sd: Record<string, unknown>) => (sd.bias = torch.zeros([3])), 'size mismatch for bias'],
    ['a null value', (sd: Record<string, unknown>) => (sd.bias = null), 'value for bias is not a Tensor.'],
  ])('%s, next to a good one, with strict on or off', (_what, spoil, message) => {
    for (const strict of [true, false]) {
      const m = new nn.Linear(2, 2);
      const before = snapshot(m);
      const versions = m.parameters().map((p) => p._version.value);
      const sd: Record<string, unknown> = { ...new nn.Linear(2, 2).stateDict() };
      spoil(sd);
      expect(() => m.loadStateDict(sd as Record<string, Tensor>, { strict })).toThrow(message);
      expect(snapshot(m)).toEqual(before); // the good weight was not copied either
      expect(m.parameters().map((p) => p._version.value)).toEqual(versions);
    }
  });
});
