/**
 * exportPyTorch (src/jit/pytorch.ts writes the sources, src/node/export-pytorch.ts the folder): the
 * generated model.py and train_ddp.py of the seed nets, an MLP of nested Sequentials, the CNN of
 * examples/mnist-cnn.ts, a forward of plain ops with parameters of its own, and a net with BatchNorm
 * buffers, against snapshots and checked for structure (brackets, indentation, names defined before
 * use, every state-dict path built in __init__, imports); the errors. Each case is also written to
 * out/pytorch-export/<case>/ with io.json (inputs, tsgrad's outputs at two batch sizes, the repr) for
 * tests/golden/check_pytorch_export.py, which runs it in PyTorch and runs train_ddp.py under torchrun.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../../src/index';
import { nn, type Tensor } from '../../src/index';
import { toPyTorch } from '../../src/jit/pytorch';
import { exportPyTorch } from '../../src/node/export-pytorch';
import { loadWithMetadata } from '../../src/node/safetensors';
import { Net } from '../../examples/mnist-cnn';
import { NeuralNet1 } from '../../examples/neuralnet1-binary';
import { NeuralNet2 } from '../../examples/neuralnet2-multiclass';

const F = nn.functional;
const OUT = path.join(__dirname, '..', '..', 'out', 'pytorch-export');

// ---- the models ----

/** An MLP of nested Sequentials. */
class MLP extends nn.Module {
  body = new nn.Sequential(
    new nn.Flatten(),
    new nn.Linear(12, 16),
    new nn.ReLU(),
    new nn.Sequential(new nn.Linear(16, 16), new nn.GELU(), new nn.Dropout(0.1)),
    new nn.Sequential(new nn.Linear(16, 8), new nn.Tanh()),
  );
  head = new nn.Linear(8, 4);
  forward(x: Tensor): Tensor {
    return this.head(this.body(x));
  }
}

/** A forward of plain ops on parameters of its own, constants and a view that keeps the batch dynamic. */
class Mixer extends nn.Module {
  proj = new nn.Linear(6, 8);
  gate = new nn.Parameter(torch.randn(8));
  mix = new nn.Parameter(torch.randn(4, 4));
  forward(x: Tensor): Tensor {
    const h = this.proj(x);
    const g = torch.sigmoid(h.mul(this.gate));
    const a = torch.cat([h.mul(g), h.sub(1.5)], 1);
    const b = a.view(-1, 4, 4).transpose(1, 2);
    const c = torch.matmul(b, this.mix).mean(2);
    const d = F.linear(c, this.mix, null).mul(torch.tensor([1, 0.5, 0.25, 2]));
    return F.logSoftmax(torch.tanh(d).add(c.pow(2).neg()), -1);
  }
}

/** A residual block: conv, BatchNorm, ReLU, and the input added back, in its own forward. */
class Block extends nn.Module {
  conv = new nn.Conv2d(4, 4, 3, { padding: 1, bias: false });
  bn = new nn.BatchNorm2d(4);
  forward(x: Tensor): Tensor {
    return F.relu(this.bn(this.conv(x)).add(x));
  }
}

/** A small CNN with BatchNorm buffers (running statistics, num_batches_tracked) and user blocks in a list. */
class BNNet extends nn.Module {
  stem = new nn.Sequential(new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.BatchNorm2d(4), new nn.ReLU());
  blocks = [new Block(), new Block()];
  pool = new nn.AdaptiveAvgPool2d(1);
  norm = new nn.BatchNorm1d(4);
  fc = new nn.Linear(4, 3);
  forward(x: Tensor): Tensor {
    x = this.stem(x);
    for (const block of this.blocks) x = block(x);
    x = torch.flatten(this.pool(x), 1);
    return this.fc(this.norm(x));
  }
}

interface Case {
  name: string;
  make: () => nn.Module;
  /** An example input for a batch of n. */
  input: (n: number) => Tensor;
  /** Train-mode forwards before export, so that BatchNorm's running statistics are not the defaults. */
  warmup?: boolean;
}

const CASES: Case[] = [
  { name: 'neuralnet1', make: () => new NeuralNet1(28 * 28, 5), input: (n) => torch.rand(n, 28 * 28) },
  { name: 'neuralnet2', make: () => new NeuralNet2(28 * 28, 5, 3), input: (n) => torch.rand(n, 28 * 28) },
  { name: 'mlp', make: () => new MLP(), input: (n) => torch.randn(n, 3, 4) },
  {
    name: 'sequential',
    make: () => new nn.Sequential(new nn.Linear(5, 7), new nn.ReLU(), new nn.Sequential(new nn.Linear(7, 7), new nn.Sigmoid()), new nn.Linear(7, 2)),
    input: (n) => torch.randn(n, 5),
  },
  { name: 'mnist-cnn', make: () => new Net(), input: (n) => torch.rand(n, 1, 28, 28) },
  { name: 'mixer', make: () => new Mixer(), input: (n) => torch.randn(n, 6) },
  { name: 'bn-net', make: () => new BNNet(), input: (n) => torch.randn(n, 1, 6, 6), warmup: true },
];

// ---- structure checks (no Python parser here) ----

/** The source with string literals and comments blanked out (same length), for bracket and name checks. */
function code(src: string): string {
  return src
    .replace(/"""[\s\S]*?"""/g, (m) => m.replace(/[^\n]/g, ' '))
    .replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"/g, (m) => ' '.repeat(m.length))
    .replace(/#[^\n]*/g, (m) => ' '.repeat(m.length));
}

function checkBrackets(src: string): void {
  const stack: string[] = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  for (const ch of code(src)) {
    if ('([{'.includes(ch)) stack.push(ch);
    else if (ch in pairs) expect(stack.pop()).toBe(pairs[ch]);
  }
  expect(stack).toEqual([]);
}

/** Every line indented by a multiple of 4 spaces; a deeper block only after a line ending in ':' and only by 4. */
function checkIndentation(src: string): void {
  const lines = code(src).split('\n');
  let depth = 0; // open brackets at the start of the line
  let previous = { indent: 0, opens: false };
  for (const line of lines) {
    if (line.trim() === '') continue;
    expect(line).not.toMatch(/^\s*\t/);
    const indent = line.length - line.trimStart().length;
    if (depth === 0) {
      expect(indent % 4).toBe(0);
      if (indent > previous.indent) {
        expect(previous.opens).toBe(true);
        expect(indent).toBe(previous.indent + 4);
      }
      if (previous.opens) expect(indent).toBe(previous.indent + 4);
      previous = { indent, opens: /:\s*$/.test(line) };
    }
    for (const ch of line) depth += '([{'.includes(ch) ? 1 : ')]}'.includes(ch) ? -1 : 0;
  }
}

const PY_NAMES = new Set([
  'self',
  'torch',
  'nn',
  'F',
  'True',
  'False',
  'None',
  'float',
  'super',
  'isinstance',
  'tuple',
  'int',
  'print',
  'range',
  'os',
  'for',
  'in',
  'if',
  'else',
]);

/** In each `def forward`, every name read is a parameter, a module or a name assigned on an earlier line. */
function checkForwardNames(src: string): void {
  const lines = code(src).split('\n');
  let defined: Set<string> | null = null;
  let forwards = 0;
  for (const line of lines) {
    const def = /^\s*def forward\(self(?:, ([\w, ]+))?\):/.exec(line);
    if (def) {
      forwards++;
      defined = new Set(def[1] ? def[1].split(', ') : []);
      continue;
    }
    if (defined === null || line.trim() === '') continue;
    if (/^\S/.test(line) || /^ {4}\S/.test(line)) {
      defined = null;
      continue;
    }
    const m = /^\s+(?:return (.*)|([\w, ]+) = (.*))$/.exec(line);
    expect(m).not.toBeNull();
    const expr = m![1] ?? m![3];
    // names that are not attributes (after '.') nor keyword argument names (before '=')
    for (const [, name] of expr.replace(/\b\w+=(?!=)/g, '').matchAll(/(?<![.\w])([A-Za-z_]\w*)/g)) {
      expect([name, PY_NAMES.has(name) || defined.has(name)]).toEqual([name, true]);
    }
    if (m![2]) for (const n of m![2].split(', ')) defined.add(n);
  }
  expect(forwards).toBeGreaterThan(0);
}

/** Every module path of the state dict is assigned in some __init__ (`self.conv1 = `), indices aside. */
function checkStatePaths(src: string, state: Record<string, Tensor>): void {
  for (const key of Object.keys(state)) {
    const parts = key.split('.');
    for (const part of parts.slice(0, -1)) if (!/^\d+$/.test(part)) expect([key, src.includes(`self.${part} = `)]).toEqual([key, true]);
  }
}

function checkImports(src: string): void {
  expect(src).toContain('\nimport torch\n');
  expect(src).toContain('\nimport torch.nn as nn\n');
  expect(src).toContain('\nimport torch.nn.functional as F\n');
  expect(src).not.toMatch(/\b(?:numpy|np)\./);
}

function tensorJson(t: Tensor): { shape: number[]; dtype: string; data: number[] } {
  return { shape: [...t.shape], dtype: t.dtype, data: Array.from(t.data as ArrayLike<number>) };
}

/** A model's forward on one input (the cases' models differ in type). */
function run(model: nn.Module, x: Tensor): Tensor {
  return (model as unknown as (x: Tensor) => Tensor)(x);
}

beforeEach(() => torch.manualSeed(0));

describe('exportPyTorch: generated sources', () => {
  for (const c of CASES) {
    test(`${c.name}: model.py and train_ddp.py match the snapshots and are well formed; the folder holds the weights`, () => {
      const model = c.make();
      if (c.warmup) for (let i = 0; i < 3; i++) torch.noGrad(() => run(model, c.input(6)));
      model.eval();
      const example = c.input(5);
      const out = toPyTorch(model, example);
      expect(out.modelPy).toMatchSnapshot('model.py');
      expect(out.trainPy).toMatchSnapshot('train_ddp.py');
      for (const src of [out.modelPy, out.trainPy]) {
        checkBrackets(src);
        checkIndentation(src);
        checkImports(out.modelPy);
      }
      checkForwardNamesIfAny(out.modelPy, model);
      checkStatePaths(out.modelPy, model.stateDict());
      expect(out.modelPy).toContain(`class ${model.constructor.name}(`);
      expect(out.trainPy).toContain(`from model import ${model.constructor.name}\n`);

      const dir = path.join(OUT, c.name);
      fs.rmSync(dir, { recursive: true, force: true });
      const result = exportPyTorch(model, example, dir);
      expect(result.files.map((f) => fs.existsSync(path.join(dir, f)))).toEqual([true, true, true, true]);
      expect(fs.readFileSync(path.join(dir, 'model.py'), 'utf8')).toBe(out.modelPy);
      const saved = loadWithMetadata(path.join(dir, 'model.safetensors'));
      const state = model.stateDict();
      expect(Object.keys(saved.tensors).sort()).toEqual(Object.keys(state).sort());
      for (const [k, t] of Object.entries(state)) {
        expect(Array.from(saved.tensors[k].data as ArrayLike<number>)).toEqual(Array.from(t.data as ArrayLike<number>));
        expect(saved.dtypes[k]).toBe(t.dtype === 'int32' ? 'I64' : t.dtype === 'float64' ? 'F64' : 'F32');
      }
      // what the Python check compares against: tsgrad's outputs at the traced batch and another
      const runs = [example, c.input(3)].map((x) => ({ inputs: [tensorJson(x)], outputs: [tensorJson(torch.noGrad(() => run(model, x)))] }));
      fs.writeFileSync(path.join(dir, 'io.json'), JSON.stringify({ className: out.className, repr: String(model), runs }));
    });
  }
});

/** Library roots (a Sequential) have no forward of their own to check. */
function checkForwardNamesIfAny(src: string, model: nn.Module): void {
  if (model instanceof nn.Sequential) expect(src).not.toContain('def forward');
  else checkForwardNames(src);
}

describe('exportPyTorch: what the trace gives', () => {
  it('writes a BatchNorm net with int64 num_batches_tracked, user blocks as one class, buffers by their PyTorch names', () => {
    const model = new BNNet();
    torch.noGrad(() => model(torch.randn(6, 1, 6, 6)));
    model.eval();
    const out = toPyTorch(model, torch.randn(5, 1, 6, 6));
    expect(out.dtypes).toEqual({
      'stem.1.num_batches_tracked': 'I64',
      'blocks.0.bn.num_batches_tracked': 'I64',
      'blocks.1.bn.num_batches_tracked': 'I64',
      'norm.num_batches_tracked': 'I64',
    });
    expect(out.modelPy.match(/^class Block\(nn\.Module\):/gm)).toHaveLength(1);
    expect(out.modelPy).toContain('self.blocks = nn.ModuleList([\n            Block(),\n            Block(),\n        ])');
    expect(out.modelPy).toContain('x = self.blocks[0](x)\n        x = self.blocks[1](x)');
  });

  it("keeps the batch dim dynamic in reshapes, and writes the forward's parameters and constants", () => {
    const out = toPyTorch(new Mixer().eval(), torch.randn(5, 6));
    expect(out.modelPy).toContain('.view(-1, 4, 4)');
    expect(out.modelPy).toContain('self.gate = nn.Parameter(torch.empty(8))');
    expect(out.modelPy).toContain("self.register_buffer('const_0', torch.tensor([1.0, 0.5, 0.25, 2.0], dtype=torch.float32), persistent=False)");
    expect(out.modelPy).toContain(' - 1.5');
    expect(out.loss).toBe('nll_loss');
  });

  it('writes dropout in a user forward with the module training flag, and picks the loss from the last op', () => {
    class D extends nn.Module {
      lin = new nn.Linear(3, 2);
      forward(x: Tensor): Tensor {
        return torch.sigmoid(F.dropout(this.lin(x), 0.3, this.training));
      }
    }
    const out = toPyTorch(new D().eval(), torch.randn(4, 3));
    expect(out.modelPy).toContain('F.dropout(x, p=0.3, training=self.training)');
    expect(out.loss).toBe('binary_cross_entropy');
    expect(toPyTorch(new D().eval(), torch.randn(4, 3), { loss: 'mse_loss', optimizer: 'sgd', lr: 0.1 }).trainPy).toContain(
      'return F.mse_loss(output, target)',
    );
  });
});

describe('exportPyTorch: errors', () => {
  it('names an op it cannot write', () => {
    class N extends nn.Module {
      lin = new nn.Linear(3, 3);
      forward(x: Tensor): Tensor {
        return torch.nanToNum(this.lin(x));
      }
    }
    expect(() => toPyTorch(new N(), torch.randn(2, 3))).toThrow(
      "exportPyTorch: the op 'nanToNum' (in the model's own forward) has no PyTorch spelling in the exporter",
    );
    class R extends nn.Module {
      lin = new nn.Linear(3, 3);
      forward(x: Tensor): Tensor {
        return torch.round(this.lin(x));
      }
    }
    expect(() => toPyTorch(new R(), torch.randn(2, 3))).toThrow('exportPyTorch: the trace has round, but does not record its decimals');
    // a library module called with a non-tensor argument (not in the graph): an Error, never a call without it
    class U extends nn.Module {
      lin = new nn.Linear(3, 2);
      forward(x: Tensor): Tensor {
        return (this.lin as unknown as (x: Tensor, n: number) => Tensor)(x, 5);
      }
    }
    expect(() => toPyTorch(new U(), torch.randn(2, 3))).toThrow("calls 'lin' (Linear) with arguments that are not tensors");
  });

  it('rejects loss modules, shared modules and tied weights', () => {
    class L extends nn.Module {
      lin = new nn.Linear(3, 3);
      loss = new nn.MSELoss();
      forward(x: Tensor): Tensor {
        return this.lin(x);
      }
    }
    expect(() => toPyTorch(new L(), torch.randn(2, 3))).toThrow("exportPyTorch: 'loss' is nn.MSELoss, a loss module, which belongs in the training script");
    class S extends nn.Module {
      a = new nn.Linear(3, 3);
      b = this.a;
      forward(x: Tensor): Tensor {
        return this.b(this.a(x));
      }
    }
    expect(() => toPyTorch(new S(), torch.randn(2, 3))).toThrow("exportPyTorch: the module at 'b' is also at 'a' (a shared module)");
    class T extends nn.Module {
      a = new nn.Linear(3, 3);
      b = new nn.Linear(3, 3);
      constructor() {
        super();
        this.b.weight = this.a.weight;
      }
      forward(x: Tensor): Tensor {
        return this.b(this.a(x));
      }
    }
    expect(() => toPyTorch(new T(), torch.randn(2, 3))).toThrow("exportPyTorch: parameter 'b.weight' is also 'a.weight' (tied weights)");
  });

  it('checks its arguments: the model, option keys and values, the folder', () => {
    const model = new NeuralNet2(4, 3, 2);
    const x = torch.randn(2, 4);
    expect(() => toPyTorch({} as never, x)).toThrow('exportPyTorch: model must be an nn.Module, got');
    expect(() => toPyTorch(model, x, { clasName: 'X' } as never)).toThrow('exportPyTorch');
    expect(() => toPyTorch(model, x, { clasName: 'X' } as never)).toThrow('clasName');
    expect(() => toPyTorch(model, x, { className: 'my-net' })).toThrow(
      'exportPyTorch: className must be a Python identifier (letters, digits, _; not a keyword), got string "my-net"',
    );
    expect(() => toPyTorch(model, x, { className: 'class' })).toThrow('className must be a Python identifier');
    expect(() => toPyTorch(model, x, { loss: 'hinge' as never })).toThrow('exportPyTorch: loss must be one of cross_entropy, nll_loss');
    expect(() => toPyTorch(model, x, { optimizer: 'lbfgs' as never })).toThrow('exportPyTorch: optimizer must be one of sgd, adam, adamw');
    expect(() => toPyTorch(model, x, { lr: -1 })).toThrow('exportPyTorch: lr must be a positive number, got -1');
    expect(() => toPyTorch(model, 'x' as never)).toThrow('jit.trace: exampleInputs must be a Tensor or a non-empty array of Tensors');

    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsgrad-pytorch-'));
    try {
      const file = path.join(tmp, 'file.txt');
      fs.writeFileSync(file, 'not a folder');
      expect(() => exportPyTorch(model, x, file)).toThrow(`exportPyTorch: dir '${file}' exists and is not a directory`);
      expect(() => exportPyTorch(model, x, path.join(file, 'sub'))).toThrow(`exportPyTorch: cannot write to the folder '${path.join(file, 'sub')}'`);
      expect(() => exportPyTorch(model, x, '')).toThrow('exportPyTorch: dir must be a folder path (a non-empty string), got ""');
      expect(() => exportPyTorch(model, x, 3 as never)).toThrow('exportPyTorch: dir must be a folder path (a non-empty string), got 3');
      const named = exportPyTorch(model, x, path.join(tmp, 'a', 'b'), { className: 'Classifier' });
      expect(named.className).toBe('Classifier');
      expect(fs.readFileSync(path.join(tmp, 'a', 'b', 'model.py'), 'utf8')).toContain('class Classifier(nn.Module):');
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
