/**
 * jit.trace (src/jit/trace.ts, the hook in src/autograd/trace-hook.ts): the graph of a CNN (ops,
 * attributes, parameters by state-dict name, dynamic batch dims, scopes and module calls), constants,
 * the Error for an op tracing does not record, the TracerWarning for values read into JavaScript, and
 * that tracing changes neither results nor state.
 */
import * as torch from '../../src/index';
import { type Tensor } from '../../src/index';
import { graphToString, trace } from '../../src/jit/trace';

const { nn } = torch;
const F = nn.functional;

class Net extends nn.Module {
  conv1 = new nn.Conv2d(1, 4, 3, 1);
  conv2 = new nn.Conv2d(4, 8, 3, 1);
  dropout1 = new nn.Dropout(0.25);
  fc1 = new nn.Linear(8 * 3 * 3, 16);
  fc2 = new nn.Linear(16, 10);
  unused = new nn.Linear(2, 2);
  forward(x: Tensor): Tensor {
    x = F.relu(this.conv1(x));
    x = F.relu(this.conv2(x));
    x = F.maxPool2d(x, 2);
    x = this.dropout1(x);
    x = torch.flatten(x, 1);
    x = F.relu(this.fc1(x));
    return F.logSoftmax(this.fc2(x), 1);
  }
}

class Block extends nn.Module {
  conv = new nn.Conv2d(2, 2, 3, { padding: 'same' });
  bn = new nn.BatchNorm2d(2);
  forward(x: Tensor): Tensor {
    return F.relu(this.bn(this.conv(x))).add(x);
  }
}

class Outer extends nn.Module {
  layers = [new Block(), new Block()];
  forward(x: Tensor): Tensor {
    for (const layer of this.layers) x = layer(x);
    return x.mean([2, 3]);
  }
}

beforeEach(() => torch.manualSeed(0));

describe('jit.trace graph', () => {
  it("records a CNN's ops with resolved attributes, its parameters by state-dict name and a dynamic batch", () => {
    const model = new Net().eval();
    const g = trace(model, torch.randn(3, 1, 10, 10), { dynamicBatch: true });
    expect(g.nodes.map((n) => n.op)).toEqual(['conv2d', 'relu', 'conv2d', 'relu', 'maxPool2d', 'dropout', 'flatten', 'linear', 'relu', 'linear', 'logSoftmax']);
    expect(g.state.map((s) => s.name)).toEqual([
      'conv1.weight',
      'conv1.bias',
      'conv2.weight',
      'conv2.bias',
      'fc1.weight',
      'fc1.bias',
      'fc2.weight',
      'fc2.bias',
    ]);
    expect(g.state[0].tensor).toBe(model.conv1.weight);
    expect(g.nodes[0].attrs).toEqual({ stride: [1, 1], padding: [0, 0], pads: [0, 0, 0, 0], dilation: [1, 1], groups: 1 });
    expect(g.nodes[4].attrs).toEqual({ kernelSize: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1], ceilMode: false, returnIndices: false });
    expect(g.nodes[6].attrs).toEqual({ startDim: 1, endDim: 3 });
    expect(g.inputs).toEqual([{ id: g.nodes[0].inputs[0], name: 'input_0' }]);
    const out = g.values.get(g.outputs[0].id)!;
    expect(out.shape).toEqual([3, 10]);
    expect(out.dims).toEqual([
      { size: 3, dynamic: 'batch' },
      { size: 10, dynamic: null },
    ]);
    // every node reads values defined before it
    const defined = new Set([...g.inputs.map((i) => i.id), ...g.state.map((s) => s.id), ...g.constants.map((c) => c.id)]);
    for (const n of g.nodes) {
      for (const i of n.inputs) if (i !== null) expect(defined.has(i)).toBe(true);
      n.outputs.forEach((o) => defined.add(o));
    }
    expect(graphToString(g)).toContain('%3 : float32[batch, 4, 8, 8] = conv2d(%0, %1, %2; stride=[1,1]');
  });

  it('records scopes and module calls, nested, for library and user modules', () => {
    const model = new Outer().eval();
    const g = trace(model, torch.randn(2, 2, 5, 5));
    expect(g.moduleCalls.map((c) => [c.path, c.className, c.library, c.parent])).toEqual([
      ['', 'Outer', false, -1],
      ['layers.0', 'Block', false, 0],
      ['layers.0.conv', 'Conv2d', true, 1],
      ['layers.0.bn', 'BatchNorm2d', true, 1],
      ['layers.1', 'Block', false, 0],
      ['layers.1.conv', 'Conv2d', true, 4],
      ['layers.1.bn', 'BatchNorm2d', true, 4],
    ]);
    const conv = g.nodes[0];
    expect(conv.op).toBe('conv2d');
    expect(conv.scope).toEqual(['', 'layers.0', 'layers.0.conv']);
    expect(conv.attrs.padding).toBe('same');
    expect(g.moduleCalls[conv.moduleCall].path).toBe('layers.0.conv');
    const bn = g.nodes[1];
    expect(bn.op).toBe('batchNorm');
    expect(bn.attrs).toEqual({ training: false, momentum: 0.1, eps: 1e-5 });
    expect(bn.inputs.slice(1).map((i) => g.state.find((s) => s.id === i)!.name)).toEqual([
      'layers.0.bn.running_mean',
      'layers.0.bn.running_var',
      'layers.0.bn.weight',
      'layers.0.bn.bias',
    ]);
    expect(g.state.find((s) => s.name === 'layers.0.bn.running_mean')!.kind).toBe('buffer');
    // the residual add runs in the block's own forward
    expect(g.nodes[3].op).toBe('add');
    expect(g.nodes[3].scope).toEqual(['', 'layers.0']);
    expect(g.moduleCalls[1].inputs).toEqual([g.inputs[0].id]);
    expect(g.moduleCalls[1].outputs).toEqual(g.nodes[3].outputs);
    expect(g.nodes[g.nodes.length - 1]).toMatchObject({ op: 'mean', attrs: { dim: [2, 3], keepdim: false }, scope: [''] });
    // the forward functions are the class's again
    expect(Object.getOwnPropertyDescriptor(model, 'forward')).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(model.layers[0].conv, 'forward')).toBeUndefined();
  });

  it('captures tensors made in the forward as constants, by value; drops unused ops and parameters', () => {
    class M extends nn.Module {
      lin = new nn.Linear(3, 2);
      forward(x: Tensor): Tensor {
        x.exp(); // unused
        return this.lin(x)
          .mul(torch.tensor([2, 3]))
          .add(1);
      }
    }
    const g = trace(new M(), torch.randn(4, 3));
    expect(g.nodes.map((n) => n.op)).toEqual(['linear', 'mul', 'add']);
    expect(g.constants.map((c) => Array.from(c.data))).toEqual([[2, 3], [1]]);
    expect(g.values.get(g.constants[1].id)!.shape).toEqual([]);
  });

  it('names inputs and outputs and takes PyTorch-like dynamicAxes', () => {
    class Two extends nn.Module {
      forward(a: Tensor, b: Tensor): Tensor[] {
        return [a.add(b), a.mul(b).sum(1)];
      }
    }
    const g = trace(new Two(), [torch.randn(2, 3), torch.randn(2, 3)], {
      inputNames: ['a', 'b'],
      outputNames: ['s', 'p'],
      dynamicAxes: { a: { 0: 'n' }, b: [0], p: { 0: 'rows' } },
    });
    expect(g.inputs.map((i) => i.name)).toEqual(['a', 'b']);
    expect(g.values.get(g.inputs[1].id)!.dims[0].dynamic).toBe('b_dynamic_axes_1');
    expect(g.values.get(g.outputs[0].id)!.dims[0].dynamic).toBe('n');
    expect(g.values.get(g.outputs[1].id)!.dims[0].dynamic).toBe('rows');
  });
});

describe('jit.trace errors and warnings', () => {
  it('names an op tracing does not record by its grad_fn', () => {
    class M extends nn.Module {
      forward(x: Tensor): Tensor {
        return x.cumsum(1).relu();
      }
    }
    expect(() => trace(new M(), torch.randn(2, 3))).toThrow('jit.trace: the forward used CumsumBackward0 (cumsum), which tracing does not support');
    class Out extends nn.Module {
      forward(x: Tensor): Tensor {
        return x.relu().cumsum(0);
      }
    }
    expect(() => trace(new Out(), torch.randn(2, 3))).toThrow('CumsumBackward0 (cumsum)');
  });

  it('does not bake a detached traced value in as a constant', () => {
    class M extends nn.Module {
      forward(x: Tensor): Tensor {
        return x.relu().detach().add(1);
      }
    }
    expect(() => trace(new M(), torch.randn(2, 3))).toThrow('jit.trace: the forward took a tensor out of the trace');
  });

  it('warns when a traced value is read into JavaScript, and throws with strict', () => {
    class M extends nn.Module {
      forward(x: Tensor): Tensor {
        return x.sum().item() > 0 ? x.relu() : x.neg();
      }
    }
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const g = trace(new M(), torch.ones(2, 3));
      expect(g.nodes.map((n) => n.op)).toEqual(['relu']);
      expect(g.warnings).toEqual([
        "jit.trace: converting a tensor to a JavaScript value (item()) might cause the trace to be incorrect. We can't record the data flow of JavaScript values, so this value will be treated as a constant in the future. This means that the trace might not generalize to other inputs!",
      ]);
      expect(warn).toHaveBeenCalledWith(`TracerWarning: ${g.warnings[0]}`);
      warn.mockClear();
      expect(trace(new M(), torch.ones(2, 3), { warn: false }).warnings).toHaveLength(1);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
    expect(() => trace(new M(), torch.ones(2, 3), { strict: true })).toThrow('(item()) might cause the trace to be incorrect');
    // reading a parameter is not value-dependent control flow
    class P extends nn.Module {
      lin = new nn.Linear(2, 2);
      forward(x: Tensor): Tensor {
        return this.lin.weight.sum().item() > 100 ? x : this.lin(x);
      }
    }
    expect(trace(new P(), torch.ones(1, 2), { strict: true }).warnings).toEqual([]);
  });

  it('rejects bad arguments and unknown options', () => {
    const m = new Net();
    const x = torch.randn(1, 1, 10, 10);
    expect(() => trace({} as never, x)).toThrow('jit.trace: model must be an nn.Module');
    expect(() => trace(m, [] as never)).toThrow('jit.trace: exampleInputs must be a Tensor or a non-empty array of Tensors');
    expect(() => trace(m, x, { dynamicBatc: true } as never)).toThrow(/dynamicBatc/);
    expect(() => trace(m, x, { dynamicAxes: { y: [0] } })).toThrow(
      'jit.trace: dynamicAxes names "y", which is neither an input (input_0) nor an output (output_0)',
    );
    expect(() => trace(m, x, { dynamicAxes: { input_0: [4] } })).toThrow('jit.trace: dynamicAxes["input_0"] names dim 4, but "input_0" has 4 dims (0 to 3)');
    expect(() => trace(m, x, { inputNames: ['a', 'b'] })).toThrow('jit.trace: inputNames has 2 names but there are 1');
    class Bad extends nn.Module {
      forward(): number {
        return 1;
      }
    }
    expect(() => trace(new Bad(), x)).toThrow('jit.trace: the forward must return a Tensor or an array of Tensors, got 1');
  });
});

describe('jit.trace changes nothing', () => {
  it('keeps results, inputs, buffers, the training flag and the generator as they were', () => {
    const model = new Outer(); // training mode: BatchNorm would update its running stats
    const x = torch.randn(2, 2, 5, 5);
    const before = model.stateDict();
    const rng = torch.defaultGenerator.getState();
    trace(model, x);
    expect(model.training).toBe(true);
    const after = model.stateDict();
    for (const key of Object.keys(before)) expect(after[key].toArray()).toEqual(before[key].toArray());
    expect(torch.defaultGenerator.getState()).toEqual(rng);
    expect(x.requiresGrad).toBe(false);

    const eval_ = new Net().eval();
    const input = torch.randn(2, 1, 10, 10);
    const expected = eval_(input).toArray();
    trace(eval_, input);
    expect(eval_(input).toArray()).toEqual(expected);
    expect(eval_(input).requiresGrad).toBe(true);
  });

  it('leaves the hook off outside a trace, also after a forward that throws', () => {
    class Throws extends nn.Module {
      forward(): Tensor {
        throw new Error('boom');
      }
    }
    const m = new Throws();
    expect(() => trace(m, torch.ones(1))).toThrow('boom');
    expect(Object.getOwnPropertyDescriptor(m, 'forward')).toBeUndefined();
    // an untraced forward still runs, and records nothing anywhere
    class Id extends nn.Module {
      forward(x: Tensor): Tensor {
        return x.relu();
      }
    }
    expect(new Id()(torch.tensor([-1, 2])).toArray()).toEqual([0, 2]);
  });
});
