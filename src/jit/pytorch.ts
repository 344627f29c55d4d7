/**
 * The PyTorch exporter's sources, as strings (no Node APIs; `tsgrad/node`'s `exportPyTorch` writes them
 * to a folder): `model.py`, an `nn.Module` whose `__init__` builds the model's modules under the same
 * names (so tsgrad's state dict loads with `load_state_dict(strict=True)`) and whose `forward` is
 * generated from a trace (src/jit/trace.ts); `train_ddp.py`, a DistributedDataParallel template that
 * continues training under `torchrun`; and a README with the commands.
 *
 * A library module (a `tsgrad.nn` class) is built from its `extraRepr()`, which is PyTorch's repr and,
 * for the classes in `LIBRARY`, also its constructor's arguments (with the options the repr leaves out
 * added back); a call of one becomes `x = self.conv1(x)`. A user's module becomes a class of its own
 * whose forward holds the ops its traced forward ran, as torch / F calls. What cannot be written so
 * (an op without a PyTorch spelling here, a loss module, tied weights) is an Error naming it.
 */
import type { DType } from '../dtype';
import { pyFloatRepr } from '../format';
import { checkOptions, describe } from '../options';
import * as nn from '../nn/index';
import { Module } from '../nn/module';
import { Tensor } from '../tensor';
import type { Graph, GraphNode, ModuleCall, TraceAttr, ValueId } from './graph';
import { trace } from './trace';

/** The losses `train_ddp.py` can use (names of `torch.nn.functional`). */
export const PYTORCH_LOSSES = ['cross_entropy', 'nll_loss', 'mse_loss', 'l1_loss', 'binary_cross_entropy', 'binary_cross_entropy_with_logits'] as const;
export type PyTorchLoss = (typeof PYTORCH_LOSSES)[number];
/** The optimizers `train_ddp.py` can use (classes of `torch.optim`, lowercase). */
export const PYTORCH_OPTIMIZERS = ['sgd', 'adam', 'adamw'] as const;
export type PyTorchOptimizer = (typeof PYTORCH_OPTIMIZERS)[number];

/** Options of `toPyTorch` and `exportPyTorch`. */
export interface PyTorchExportOptions {
  /** The generated class's name (default: the model's class name). */
  className?: string;
  /** The loss of `train_ddp.py` (default: `nll_loss` after log-softmax, `binary_cross_entropy` after sigmoid, `cross_entropy` for [N, C] scores, else `mse_loss`). */
  loss?: PyTorchLoss;
  /** The optimizer of `train_ddp.py` (default `adam`). */
  optimizer?: PyTorchOptimizer;
  /** The default learning rate of `train_ddp.py` (its --lr flag; default 0.001). */
  lr?: number;
}

const OPTION_KEYS = ['className', 'loss', 'optimizer', 'lr'] as const;

/** What `toPyTorch` returns: the files' text, and the state dict with the stored dtype of its int64 buffers. */
export interface PyTorchExport {
  className: string;
  modelPy: string;
  trainPy: string;
  readme: string;
  /** The weights, as `model.stateDict()`. */
  stateDict: Record<string, Tensor>;
  /** Stored dtypes for the safetensors writer: int32 buffers (`num_batches_tracked`) are int64 in PyTorch, written as I64. */
  dtypes: Record<string, 'I64'>;
  /** The trace the forward was generated from. */
  graph: Graph;
  /** The loss `train_ddp.py` uses. */
  loss: PyTorchLoss;
}

const PY_KEYWORDS = new Set(
  (
    'False None True and as assert async await break class continue def del elif else except finally for from global if import in is ' +
    'lambda nonlocal not or pass raise return try while with yield'
  ).split(' '),
);
/** Names the generated code uses itself, which a field must not shadow. */
const RESERVED = new Set(['self', 'torch', 'nn', 'F', 'forward', 'training']);

/** `text`'s lines, each indented by `by` spaces. */
function indent(text: string, by: number): string[] {
  return text.split('\n').map((l) => ' '.repeat(by) + l);
}

function isIdentifier(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !PY_KEYWORDS.has(name);
}

const TORCH_DTYPE: Record<DType, string> = { float32: 'torch.float32', float64: 'torch.float64', int32: 'torch.int32', bool: 'torch.bool' };

/** A Python number literal: integers as ints, floats as Python's repr (float32 values with the fewest digits that give them back). */
function pyNum(x: number, dtype: DType = 'float64'): string {
  if (dtype === 'bool') return x ? 'True' : 'False';
  if (dtype === 'int32') return String(x);
  if (!Number.isFinite(x)) return Number.isNaN(x) ? "float('nan')" : x > 0 ? "float('inf')" : "float('-inf')";
  let v = x;
  if (dtype === 'float32') {
    for (let p = 1; p <= 9; p++) {
      const short = Number(x.toPrecision(p));
      if (Math.fround(short) === x) {
        v = short;
        break;
      }
    }
  }
  return pyFloatRepr(v);
}

/** An attribute as Python: numbers as they are (ints stay ints), lists as tuples, strings quoted, null as None. */
function pyAttr(a: TraceAttr | undefined): string {
  if (a === undefined || a === null) return 'None';
  if (typeof a === 'boolean') return a ? 'True' : 'False';
  if (typeof a === 'number') return Number.isInteger(a) ? String(a) : pyNum(a);
  if (typeof a === 'string') return pyString(a);
  const items = (a as readonly (number | string | null)[]).map((v) => pyAttr(v));
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
}

function pyString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A size that PyTorch takes as one int or a tuple: one int when all entries agree. */
function pySize(a: TraceAttr | undefined): string {
  if (Array.isArray(a) && a.length > 0 && a.every((v) => v === a[0])) return pyAttr(a[0] as number);
  return pyAttr(a);
}

function same(a: TraceAttr | undefined, b: TraceAttr | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

// ---- library modules: their constructor calls ----

type Fields = Record<string, unknown>;

/**
 * The tsgrad.nn classes the exporter builds, with what their repr leaves out (or spells unlike
 * Python) put back: `nn.<Class>(<extraRepr><extra>)`. A class not listed is an Error.
 */
const LIBRARY: Record<string, ((m: Fields, repr: string) => string) | null> = {};
const plain = [
  'Linear',
  'ReLU',
  'LeakyReLU',
  'Softsign',
  'Sigmoid',
  'Tanh',
  'Softmax',
  'LogSoftmax',
  'ELU',
  'SELU',
  'CELU',
  'GELU',
  'SiLU',
  'Mish',
  'Softplus',
  'Softshrink',
  'Hardshrink',
  'Tanhshrink',
  'Hardtanh',
  'ReLU6',
  'Hardsigmoid',
  'Hardswish',
  'PReLU',
  'RReLU',
  'LogSigmoid',
  'Threshold',
  'GLU',
  'Softmin',
  'Softmax2d',
  'Dropout',
  'Dropout1d',
  'Dropout2d',
  'Dropout3d',
  'AlphaDropout',
  'FeatureAlphaDropout',
  'Embedding',
  'Flatten',
  'Unflatten',
  'Identity',
  'BatchNorm1d',
  'BatchNorm2d',
  'InstanceNorm2d',
  'LayerNorm',
  'GroupNorm',
  'RMSNorm',
  'LocalResponseNorm',
  'AdaptiveAvgPool1d',
  'AdaptiveAvgPool2d',
  'MaxUnpool1d',
  'MaxUnpool2d',
];
for (const name of plain) LIBRARY[name] = null;
const conv = (_: Fields, repr: string): string =>
  repr.replace(/, padding=([a-z]+)/, ", padding='$1'").replace(/, padding_mode=([a-z]+)/, ", padding_mode='$1'");
for (const name of ['Conv1d', 'Conv2d', 'ConvTranspose1d', 'ConvTranspose2d']) LIBRARY[name] = conv;
const returnIndices = (m: Fields, repr: string): string => (m.returnIndices ? `${repr}, return_indices=True` : repr);
for (const name of ['MaxPool1d', 'MaxPool2d', 'AdaptiveMaxPool1d', 'AdaptiveMaxPool2d']) LIBRARY[name] = returnIndices;
const avgPool = (m: Fields, repr: string): string => {
  let s = repr;
  if (m.ceilMode) s += ', ceil_mode=True';
  if (m.countIncludePad === false) s += ', count_include_pad=False';
  if (m.divisorOverride !== undefined && m.divisorOverride !== null) s += `, divisor_override=${String(m.divisorOverride)}`;
  return s;
};
LIBRARY.AvgPool1d = avgPool;
LIBRARY.AvgPool2d = avgPool;
const upsample = (m: Fields, repr: string): string => {
  let s = repr;
  if (m.alignCorners !== null && m.alignCorners !== undefined) s += `, align_corners=${m.alignCorners ? 'True' : 'False'}`;
  if (m.recomputeScaleFactor !== null && m.recomputeScaleFactor !== undefined) s += `, recompute_scale_factor=${m.recomputeScaleFactor ? 'True' : 'False'}`;
  return s;
};
LIBRARY.Upsample = upsample;
// their constructors take only size and scale_factor; the mode is the class's
LIBRARY.UpsamplingNearest2d = (_, repr) => repr.replace(/, mode='[a-z-]+'$/, '');
LIBRARY.UpsamplingBilinear2d = (_, repr) => repr.replace(/, mode='[a-z-]+'$/, '');
LIBRARY.EmbeddingBag = (m, repr) => (m.includeLastOffset ? `${repr}, include_last_offset=True` : repr);

const LIBRARY_CLASSES = new Set<unknown>(Object.values(nn).filter((v) => typeof v === 'function'));
const CONTAINERS = new Set(['Sequential', 'ModuleList', 'ModuleDict', 'ParameterList', 'ParameterDict']);

function isLibrary(m: Module): boolean {
  return LIBRARY_CLASSES.has(m.constructor);
}

// ---- the module tree ----

/** What the exporter knows about the model's modules: by path, and which tensors are persistent state. */
interface Tree {
  model: Module;
  byPath: Map<string, Module>;
  pathOf: Map<Module, string>;
  stateKeys: Set<string>;
}

function buildTree(model: Module): Tree {
  const byPath = new Map<string, Module>();
  const pathOf = new Map<Module, string>();
  for (const [path, m] of model.namedModules('', false)) {
    if (pathOf.has(m)) {
      throw new Error(
        `exportPyTorch: the module at '${path}' is also at '${pathOf.get(m)}' (a shared module); model.py would build two, so exportPyTorch does not write shared modules`,
      );
    }
    byPath.set(path, m);
    pathOf.set(m, path);
  }
  const seen = new Map<Tensor, string>();
  for (const [name, p] of model.namedParameters('', false)) {
    if (seen.has(p)) {
      throw new Error(`exportPyTorch: parameter '${name}' is also '${seen.get(p)}' (tied weights), which exportPyTorch does not write`);
    }
    seen.set(p, name);
  }
  return { model, byPath, pathOf, stateKeys: new Set(Object.keys(model.stateDict())) };
}

/** `layers.0.conv` relative to `layers` as a Python expression on self: `self[0].conv` is written `self.layers[0].conv` from the root. */
function accessor(tree: Tree, from: string, path: string): string {
  const rel = from === '' ? path : path.slice(from.length + 1);
  let expr = 'self';
  let current = from;
  for (const part of rel.split('.')) {
    const parent = tree.byPath.get(current)!;
    const cls = parent.constructor.name;
    if (parent instanceof nn.Sequential || parent instanceof nn.ModuleList || parent instanceof nn.ParameterList) expr += `[${part}]`;
    else if (parent instanceof nn.ModuleDict || parent instanceof nn.ParameterDict) expr += `[${pyString(part)}]`;
    else {
      if (!isIdentifier(part) || RESERVED.has(part)) {
        throw new Error(`exportPyTorch: '${part}' (in '${path}', a field of ${cls}) is not a Python attribute name the exporter can use`);
      }
      expr += `.${part}`;
    }
    current = current === '' ? part : `${current}.${part}`;
  }
  return expr;
}

/** The own parameters and buffers of the module at `path`: [key, tensor, kind, persistent]. */
function ownState(tree: Tree, path: string): [string, Tensor, 'parameter' | 'buffer', boolean][] {
  const m = tree.byPath.get(path)!;
  const prefix = path ? `${path}.` : '';
  const out: [string, Tensor, 'parameter' | 'buffer', boolean][] = [];
  for (const [key, p] of m.namedParameters('', false)) if (!key.includes('.')) out.push([key, p, 'parameter', true]);
  for (const [key, b] of m.namedBuffers()) if (!key.includes('.')) out.push([key, b, 'buffer', tree.stateKeys.has(prefix + key)]);
  return out;
}

function emptyTensor(t: Tensor): string {
  const dims = t.shape.length === 0 ? '()' : t.shape.join(', ');
  return t.dtype === 'float32' ? `torch.empty(${dims})` : `torch.empty(${dims}, dtype=${TORCH_DTYPE[t.dtype]})`;
}

function parameterExpr(p: Tensor): string {
  return p.requiresGrad ? `nn.Parameter(${emptyTensor(p)})` : `nn.Parameter(${emptyTensor(p)}, requires_grad=False)`;
}

// ---- generation ----

/** One generated class: its name and text. */
interface PyClass {
  name: string;
  text: string;
}

class Generator {
  readonly classes: PyClass[] = [];
  /** Classes by text, so identical submodules share one class. */
  private readonly byText = new Map<string, string>();
  /** The calls of each module path, in order. */
  private readonly callsOf = new Map<string, number[]>();
  private readonly producer = new Map<ValueId, number>();
  /** Each call's subtree: the calls below it (itself included). */
  private readonly subtree: Set<number>[];

  constructor(
    readonly tree: Tree,
    readonly graph: Graph,
  ) {
    graph.moduleCalls.forEach((c, i) => {
      const list = this.callsOf.get(c.path) ?? [];
      list.push(i);
      this.callsOf.set(c.path, list);
    });
    graph.nodes.forEach((n, i) => n.outputs.forEach((o) => this.producer.set(o, i)));
    this.subtree = graph.moduleCalls.map(() => new Set<number>());
    graph.moduleCalls.forEach((_, i) => {
      for (let k = i; k >= 0; k = graph.moduleCalls[k].parent) this.subtree[k].add(i);
    });
  }

  /** A class for the user module at `path` (named `name`, or its class's), returning the name it got. */
  userClass(path: string, name?: string): string {
    const m = this.tree.byPath.get(path)!;
    const base = name ?? m.constructor.name;
    if (!isIdentifier(base))
      throw new Error(`exportPyTorch: the class name '${base}' (of '${path || 'the model'}') is not a Python identifier; pass className`);
    const lines: string[] = [];
    const init = this.initBody(path);
    const forward = this.forwardOf(path);
    lines.push(`class ${base}(nn.Module):`);
    lines.push('    def __init__(self):');
    lines.push('        super().__init__()');
    for (const l of [...init, ...forward.init]) lines.push(...indent(l, 8));
    if (forward.lines.length) {
      lines.push('');
      for (const l of forward.lines) lines.push(`    ${l}`);
    }
    return this.addClass(base, lines.join('\n'));
  }

  /** A root that is itself a library module: a subclass that builds it with its arguments. */
  libraryRoot(name: string): string {
    const m = this.tree.model;
    const cls = m.constructor.name;
    if (!isIdentifier(name)) throw new Error(`exportPyTorch: the class name '${name}' is not a Python identifier; pass className`);
    const args = CONTAINERS.has(cls) ? this.containerArgs('') : this.libraryArgs(m, '');
    const lines = [`class ${name}(nn.${cls}):`, '    def __init__(self):', ...indent(`super().__init__(${args})`, 8)];
    return this.addClass(name, lines.join('\n'));
  }

  /** Adds a class, or finds the same one added before; a different class of the same name gets a suffix (`Block_2`). */
  private addClass(base: string, text: string): string {
    const known = this.byText.get(text);
    if (known) return known;
    let name = base;
    for (let k = 2; this.classes.some((c) => c.name === name); k++) name = `${base}_${k}`;
    const final = name === base ? text : text.replace(/^class [A-Za-z0-9_]+\(/, `class ${name}(`);
    this.classes.push({ name, text: final });
    this.byText.set(text, name);
    return name;
  }

  /** `__init__` lines of a user module: its children, then its own parameters and buffers. */
  private initBody(path: string): string[] {
    const m = this.tree.byPath.get(path)!;
    const lines: string[] = [];
    for (const [key, child] of m.namedChildren()) {
      const childPath = path ? `${path}.${key}` : key;
      lines.push(`${accessor(this.tree, path, childPath)} = ${this.moduleExpr(childPath, child)}`);
    }
    for (const [key, t, kind, persistent] of ownState(this.tree, path)) {
      const target = accessor(this.tree, path, path ? `${path}.${key}` : key);
      if (kind === 'parameter') lines.push(`${target} = ${parameterExpr(t)}`);
      else lines.push(`self.register_buffer(${pyString(key)}, ${emptyTensor(t)}${persistent ? '' : ', persistent=False'})`);
    }
    return lines;
  }

  /** The Python expression that builds the module at `path`. */
  private moduleExpr(path: string, m: Module): string {
    if (!isLibrary(m)) return `${this.userClass(path)}()`;
    const cls = m.constructor.name;
    if (CONTAINERS.has(cls)) return `nn.${cls}(${this.containerArgs(path)})`;
    return `nn.${cls}(${this.libraryArgs(m, path)})`;
  }

  private libraryArgs(m: Module, path: string): string {
    const cls = m.constructor.name;
    if (!(cls in LIBRARY)) {
      const kind = cls.endsWith('Loss') ? 'a loss module, which belongs in the training script' : 'a class the exporter has no constructor for';
      throw new Error(`exportPyTorch: '${path || 'the model'}' is nn.${cls}, ${kind}`);
    }
    if (m.namedChildren().length > 0) throw new Error(`exportPyTorch: nn.${cls} at '${path}' has submodules, which the exporter does not build`);
    const repr = m.extraRepr();
    const fix = LIBRARY[cls];
    return fix ? fix(m as unknown as Fields, repr) : repr;
  }

  /** Arguments of a container's constructor, one child per line. */
  private containerArgs(path: string): string {
    const m = this.tree.byPath.get(path)!;
    const cls = m.constructor.name;
    const nest = (s: string): string => s.split('\n').join('\n    ');
    const childPath = (key: string): string => (path ? `${path}.${key}` : key);
    if (cls === 'ParameterList' || cls === 'ParameterDict') {
      const state = ownState(this.tree, path);
      if (state.length === 0) return '';
      const items = state.map(([key, t]) => (cls === 'ParameterList' ? parameterExpr(t) : `(${pyString(key)}, ${parameterExpr(t)})`));
      return `[\n    ${items.join(',\n    ')},\n]`;
    }
    const children = m.namedChildren();
    if (children.length === 0) return '';
    const exprs = children.map(([key, child]) => nest(this.moduleExpr(childPath(key), child)));
    if (cls === 'Sequential') return `\n    ${exprs.join(',\n    ')},\n`;
    if (cls === 'ModuleList') return `[\n    ${exprs.join(',\n    ')},\n]`;
    return `[\n    ${children.map(([key], i) => `(${pyString(key)}, ${exprs[i]})`).join(',\n    ')},\n]`;
  }

  /** The forward of the user module at `path`, from its calls (all must give the same code). */
  private forwardOf(path: string): { init: string[]; lines: string[] } {
    const calls = this.callsOf.get(path) ?? [];
    if (calls.length === 0) {
      return {
        init: [],
        lines: ['# forward was not called in the traced run, so it is not generated here', '# (nn.Module.forward raises NotImplementedError)'],
      };
    }
    const results = calls.map((c) => new ForwardWriter(this, c).write());
    const text = (r: { init: string[]; lines: string[] }): string => [...r.init, ...r.lines].join('\n');
    for (const r of results.slice(1)) {
      if (text(r) !== text(results[0])) {
        throw new Error(
          `exportPyTorch: '${path || 'the model'}' (${this.tree.byPath.get(path)!.constructor.name}) is called ${calls.length} times and its traced forward differs between calls, so no one forward() can be written`,
        );
      }
    }
    return results[0];
  }

  nodeProducer(id: ValueId): number | undefined {
    return this.producer.get(id);
  }
}

/** One step of a forward: an op run by the module itself, or a call of a child module. */
type Step = { kind: 'node'; index: number; key: number } | { kind: 'call'; index: number; key: number };

/** Writes one module call's forward. */
class ForwardWriter {
  private readonly names = new Map<ValueId, string>();
  private readonly init: string[] = [];
  private readonly lines: string[] = [];
  private readonly call: ModuleCall;
  private readonly module: Module;
  private constants = 0;
  private fresh = 0;
  private readonly used = new Set<string>();
  /** Each value's last step that reads it (the return is step Infinity). */
  private readonly lastUse = new Map<ValueId, number>();

  constructor(
    private readonly gen: Generator,
    private readonly index: number,
  ) {
    this.call = gen.graph.moduleCalls[index];
    this.module = gen.tree.byPath.get(this.call.path)!;
  }

  private where(): string {
    return this.call.path ? `'${this.call.path}' (${this.call.className})` : `the model (${this.call.className})`;
  }

  /** The steps of this call in execution order: its own nodes and the calls of its children. */
  private steps(): Step[] {
    const g = this.gen.graph;
    const steps: Step[] = [];
    const firstNode = new Map<number, number>();
    g.nodes.forEach((n, i) => {
      if (n.moduleCall === this.index) steps.push({ kind: 'node', index: i, key: i });
      else {
        for (let c = n.moduleCall; c >= 0; c = g.moduleCalls[c].parent) {
          if (g.moduleCalls[c].parent === this.index) {
            if (!firstNode.has(c)) firstNode.set(c, i);
            break;
          }
        }
      }
    });
    g.moduleCalls.forEach((c, i) => {
      if (c.parent !== this.index) return;
      let key = firstNode.get(i);
      if (key === undefined) {
        // no op of its own (Identity): after the ops that made its inputs
        key = -0.5;
        for (const v of c.inputs) {
          const p = this.gen.nodeProducer(v);
          if (p !== undefined) key = Math.max(key, p + 0.5);
        }
      }
      steps.push({ kind: 'call', index: i, key });
    });
    return steps.sort((a, b) => a.key - b.key || (a.kind === b.kind ? a.index - b.index : a.kind === 'call' ? -1 : 1));
  }

  private stepInputs(s: Step): readonly (ValueId | null)[] {
    return s.kind === 'node' ? this.gen.graph.nodes[s.index].inputs : this.gen.graph.moduleCalls[s.index].inputs;
  }

  write(): { init: string[]; lines: string[] } {
    const params = this.call.inputs.length === 1 ? ['x'] : this.call.inputs.map((_, i) => `x${i}`);
    this.call.inputs.forEach((v, i) => {
      if (!this.names.has(v)) this.names.set(v, params[i]);
      this.used.add(params[i]);
    });
    const steps = this.steps();
    steps.forEach((s, i) => {
      for (const v of this.stepInputs(s)) if (v !== null) this.lastUse.set(v, i);
    });
    for (const v of this.call.outputs) this.lastUse.set(v, Infinity);
    steps.forEach((s, i) => (s.kind === 'node' ? this.writeNode(s.index, i) : this.writeCall(s.index, i)));
    const outs = this.call.outputs.map((v) => this.value(v, false));
    if (outs.length === 0) throw new Error(`exportPyTorch: the forward of ${this.where()} returns no tensor`);
    const body = this.lines.length ? this.lines : [];
    return {
      init: this.init,
      lines: [`def forward(self, ${params.join(', ')}):`, ...body.map((l) => `    ${l}`), `    return ${outs.join(', ')}`],
    };
  }

  /** A name for a step's output: its first input's name when that was its last use, else a new one. */
  private nameFor(first: ValueId | null | undefined, step: number): string {
    if (first !== undefined && first !== null && this.lastUse.get(first) === step) {
      const n = this.names.get(first);
      if (n !== undefined && /^[a-z_][a-z0-9_]*$/.test(n) && !n.startsWith('self')) return n;
    }
    let name: string;
    do name = `x_${++this.fresh}`;
    while (this.used.has(name));
    this.used.add(name);
    return name;
  }

  /** The Python expression for a value read by this forward; `literal` allows a 0-d constant as a number. */
  private value(id: ValueId, literal: boolean): string {
    const known = this.names.get(id);
    if (known !== undefined) return known;
    const g = this.gen.graph;
    const state = g.state.find((s) => s.id === id);
    if (state) {
      const prefix = this.call.path ? `${this.call.path}.` : '';
      if (this.call.path && !state.name.startsWith(prefix)) {
        throw new Error(
          `exportPyTorch: the forward of ${this.where()} reads '${state.name}', which is not its own ${state.kind}; model.py could not reach it from there`,
        );
      }
      const expr = accessor(this.gen.tree, this.call.path, state.name);
      this.names.set(id, expr);
      return expr;
    }
    const constant = g.constants.find((c) => c.id === id);
    if (constant) {
      const info = g.values.get(id)!;
      if (literal && info.shape.length === 0) return pyNum(constant.data[0] as number, info.dtype);
      const name = `const_${this.constants++}`;
      const data = Array.from(constant.data as ArrayLike<number>, (v) => pyNum(v, info.dtype));
      const nested = (dims: readonly number[], offset: number): string => {
        if (dims.length === 0) return data[offset];
        const stride = dims.slice(1).reduce((a, b) => a * b, 1);
        return `[${Array.from({ length: dims[0] }, (_, i) => nested(dims.slice(1), offset + i * stride)).join(', ')}]`;
      };
      this.init.push(`self.register_buffer(${pyString(name)}, torch.tensor(${nested(info.shape, 0)}, dtype=${TORCH_DTYPE[info.dtype]}), persistent=False)`);
      const expr = `self.${name}`;
      this.names.set(id, expr);
      return expr;
    }
    const what = g.inputs.some((i) => i.id === id)
      ? 'a model input it was not given as an argument'
      : 'a tensor that is neither its argument, its own parameter or buffer, nor made by its own code (one made inside a submodule and not returned?)';
    throw new Error(`exportPyTorch: the forward of ${this.where()} reads ${what}; model.py passes tensors only as arguments and return values`);
  }

  private assign(outputs: readonly ValueId[], expr: string, step: number, first: ValueId | null | undefined): void {
    const names = outputs.map((o, i) => {
      const known = this.names.get(o);
      if (known !== undefined && !known.startsWith('self')) return known; // a module returning its input (Identity)
      const n = this.nameFor(i === 0 ? first : undefined, step);
      this.names.set(o, n);
      return n;
    });
    this.lines.push(`${names.join(', ')} = ${expr}`);
  }

  private writeCall(c: number, step: number): void {
    const call = this.gen.graph.moduleCalls[c];
    if (call.otherArgs) {
      throw new Error(
        `exportPyTorch: the forward of ${this.where()} calls '${call.path}' (${call.className}) with arguments that are not tensors, which the trace does not record; pass tensors only, or call the functional form`,
      );
    }
    const args = call.inputs.map((v) => this.value(v, false));
    this.assign(call.outputs, `${accessor(this.gen.tree, this.call.path, call.path)}(${args.join(', ')})`, step, call.inputs[0]);
  }

  private writeNode(i: number, step: number): void {
    const node = this.gen.graph.nodes[i];
    const expr = opExpr(node, this.gen.graph, (k, literal) => (node.inputs[k] === null ? 'None' : this.value(node.inputs[k]!, literal)), this.module.training);
    this.assign(node.outputs, expr, step, node.inputs[0]);
  }
}

// ---- ops ----

const UNARY_TORCH: Record<string, string> = {
  exp: 'torch.exp',
  log: 'torch.log',
  sqrt: 'torch.sqrt',
  sign: 'torch.sign',
  abs: 'torch.abs',
  sigmoid: 'torch.sigmoid',
  tanh: 'torch.tanh',
  floor: 'torch.floor',
  ceil: 'torch.ceil',
  trunc: 'torch.trunc',
  frac: 'torch.frac',
  sgn: 'torch.sgn',
  reciprocal: 'torch.reciprocal',
  rsqrt: 'torch.rsqrt',
  log1p: 'torch.log1p',
  expm1: 'torch.expm1',
  log2: 'torch.log2',
  log10: 'torch.log10',
  exp2: 'torch.exp2',
  sin: 'torch.sin',
  cos: 'torch.cos',
  tan: 'torch.tan',
  asin: 'torch.asin',
  acos: 'torch.acos',
  atan: 'torch.atan',
  sinh: 'torch.sinh',
  cosh: 'torch.cosh',
  asinh: 'torch.asinh',
  acosh: 'torch.acosh',
  atanh: 'torch.atanh',
  erf: 'torch.erf',
  erfc: 'torch.erfc',
  erfinv: 'torch.erfinv',
  relu: 'F.relu',
  softsign: 'F.softsign',
  selu: 'F.selu',
  silu: 'F.silu',
  mish: 'F.mish',
  logsigmoid: 'F.logsigmoid',
  tanhshrink: 'F.tanhshrink',
  relu6: 'F.relu6',
  hardsigmoid: 'F.hardsigmoid',
  hardswish: 'F.hardswish',
  clone: 'torch.clone',
};

const BINARY_OPERATOR: Record<string, string> = { add: '+', sub: '-', mul: '*', div: '/', pow: '**', eq: '==', ne: '!=', gt: '>', lt: '<', ge: '>=', le: '<=' };

/** Keyword arguments, dropping those equal to PyTorch's default. */
function keywords(attrs: Readonly<Record<string, TraceAttr>>, spec: [string, string, TraceAttr?, ((a: TraceAttr) => string)?][]): string {
  const out: string[] = [];
  for (const [key, py, dflt, show] of spec) {
    const a = attrs[key];
    if (dflt !== undefined && same(a, dflt)) continue;
    out.push(`${py}=${(show ?? pyAttr)(a)}`);
  }
  return out.map((s) => `, ${s}`).join('');
}

/** `x.view(...)` / `x.reshape(...)` sizes: -1 (or `x.shape[i]`) where the output's dim follows a dynamic axis. */
function reshapeSizes(node: GraphNode, graph: Graph, x: string): string {
  const out = graph.values.get(node.outputs[0])!;
  const input = graph.values.get(node.inputs[0]!)!;
  const sizes = out.dims.map((d) => String(d.size));
  const dynamic = out.dims.map((d, i) => (d.dynamic ? i : -1)).filter((i) => i >= 0);
  const left: number[] = [];
  for (const i of dynamic) {
    const j = input.dims.findIndex((d, k) => d.dynamic === out.dims[i].dynamic && d.size === out.dims[i].size && k === i);
    if (dynamic.length > 1 && j >= 0) sizes[i] = `${x}.shape[${j}]`;
    else left.push(i);
  }
  if (left.length > 1)
    throw new Error(
      `exportPyTorch: ${node.op} to ${out.dims.map((d) => d.dynamic ?? d.size).join('x')} has ${left.length} dynamic dims it cannot relate to its input's`,
    );
  if (left.length === 1) sizes[left[0]] = '-1';
  return sizes.join(', ');
}

function opExpr(node: GraphNode, graph: Graph, arg: (k: number, literal: boolean) => string, moduleTraining: boolean): string {
  const a = node.attrs;
  const op = node.op;
  const x = (): string => arg(0, false);
  const rank = (k: number): number => graph.values.get(node.inputs[k]!)!.shape.length;
  const training = (): string => (a.training === moduleTraining ? 'self.training' : pyAttr(a.training));
  if (op in BINARY_OPERATOR && node.inputs.length === 2) {
    let l = arg(0, true);
    const r = arg(1, true);
    if (!/^[A-Za-z_]/.test(l) && !/^[A-Za-z_]/.test(r)) l = arg(0, false);
    const wrap = (s: string): string => (s.startsWith('-') ? `(${s})` : s);
    return `${wrap(l)} ${BINARY_OPERATOR[op]} ${wrap(r)}`;
  }
  if (op in UNARY_TORCH && node.inputs.length === 1 && Object.keys(a).length === 0) return `${UNARY_TORCH[op]}(${x()})`;
  switch (op) {
    case 'neg':
      return `-${x()}`;
    case 'pow':
      return `${x()} ** ${pyAttr(a.exponent)}`;
    case 'logicalAnd':
    case 'logicalOr':
    case 'logicalXor':
      return `torch.logical_${op.slice(7).toLowerCase()}(${x()}, ${arg(1, false)})`;
    case 'where':
      return `torch.where(${x()}, ${arg(1, true)}, ${arg(2, true)})`;
    case 'leakyRelu':
      return `F.leaky_relu(${x()}${keywords(a, [['negativeSlope', 'negative_slope', 0.01]])})`;
    case 'clamp':
      return `torch.clamp(${x()}${keywords(a, [
        ['min', 'min', null],
        ['max', 'max', null],
      ])})`;
    case 'to':
      return `${x()}.to(${TORCH_DTYPE[a.dtype as DType]})`;
    case 'matmul':
      return `${x()} @ ${arg(1, false)}`;
    case 'mm':
    case 'bmm':
      return `torch.${op}(${x()}, ${arg(1, false)})`;
    case 'linear':
      return `F.linear(${x()}, ${arg(1, false)}, ${arg(2, false)})`;
    case 'softmax':
    case 'logSoftmax':
    case 'softmin':
      return `F.${op === 'logSoftmax' ? 'log_softmax' : op}(${x()}, dim=${pyAttr(a.dim)})`;
    case 'glu':
      return `F.glu(${x()}${keywords(a, [['dim', 'dim']])})`;
    case 'pad':
      return a.mode === 'constant'
        ? `F.pad(${x()}, ${pyAttr(a.pad)}${keywords(a, [['value', 'value', 0]])})`
        : `F.pad(${x()}, ${pyAttr(a.pad)}, mode=${pyAttr(a.mode)})`;
    case 'sum':
    case 'mean':
    case 'amax':
    case 'amin': {
      const dims = a.dim as readonly number[];
      const all = dims.length === rank(0) || dims.length === 0;
      if (all && !a.keepdim && (op === 'sum' || op === 'mean')) return `torch.${op}(${x()})`;
      const dim = dims.length === 1 ? String(dims[0]) : pyAttr(dims);
      return `torch.${op}(${x()}, dim=${dim}${a.keepdim ? ', keepdim=True' : ''})`;
    }
    case 'max':
    case 'min':
    case 'argmax':
    case 'argmin':
      if (a.dim === null) return `torch.${op}(${x()}${a.keepdim ? ', keepdim=True' : ''})`;
      return `torch.${op}(${x()}, dim=${pyAttr(a.dim)}${a.keepdim ? ', keepdim=True' : ''})`;
    case 'reshape':
      return `${x()}.reshape(${reshapeSizes(node, graph, x())})`;
    case 'view':
      return `${x()}.view(${reshapeSizes(node, graph, x())})`;
    case 'flatten': {
      const end = (a.endDim as number) === rank(0) - 1 || rank(0) === 0 ? '' : `, ${pyAttr(a.endDim)}`;
      return `torch.flatten(${x()}${a.startDim === 0 && !end ? '' : `, ${pyAttr(a.startDim)}`}${end})`;
    }
    case 'squeeze': {
      const dims = a.dim as readonly number[];
      return `torch.squeeze(${x()}, ${dims.length === 1 ? dims[0] : pyAttr(dims)})`;
    }
    case 'unsqueeze':
      return `torch.unsqueeze(${x()}, ${pyAttr(a.dim)})`;
    case 'transpose':
    case 'permute': {
      const perm = a.dims as readonly number[];
      const moved = perm.map((p, i) => (p !== i ? i : -1)).filter((i) => i >= 0);
      if (op === 'transpose' && moved.length === 2) return `torch.transpose(${x()}, ${moved[0]}, ${moved[1]})`;
      return `${x()}.permute(${perm.join(', ')})`;
    }
    case 'expand': {
      const input = graph.values.get(node.inputs[0]!)!;
      const out = graph.values.get(node.outputs[0])!;
      const offset = out.shape.length - input.shape.length;
      const sizes = out.dims.map((d, i) => {
        const j = i - offset;
        if (j >= 0 && input.shape[j] === d.size) return '-1';
        if (d.dynamic) throw new Error(`exportPyTorch: expand to a dynamic dim ${i} (${d.dynamic}) from a fixed one`);
        return String(d.size);
      });
      return `${x()}.expand(${sizes.join(', ')})`;
    }
    case 'cat':
    case 'stack':
      return `torch.${op}([${node.inputs.map((_, k) => arg(k, false)).join(', ')}], dim=${pyAttr(a.dim)})`;
    case 'gather':
      return `torch.gather(${x()}, ${pyAttr(a.dim)}, ${arg(1, false)}.long())`;
    case 'indexSelect':
      return `torch.index_select(${x()}, ${pyAttr(a.dim)}, ${arg(1, false)})`;
    case 'narrow':
      return `torch.narrow(${x()}, ${pyAttr(a.dim)}, ${pyAttr(a.start)}, ${pyAttr(a.length)})`;
    case 'embedding':
      return `F.embedding(${x()}, ${arg(1, false)}${keywords(a, [
        ['paddingIdx', 'padding_idx', null],
        ['maxNorm', 'max_norm', null],
        ['normType', 'norm_type', 2],
        ['scaleGradByFreq', 'scale_grad_by_freq', false],
      ])})`;
    case 'conv1d':
    case 'conv2d':
      return `F.${op}(${x()}, ${arg(1, false)}, ${arg(2, false)}${keywords(a, [
        ['stride', 'stride', rank(1) === 3 ? [1] : [1, 1], pySize],
        ['padding', 'padding', rank(1) === 3 ? [0] : [0, 0], (v) => (typeof v === 'string' ? pyString(v) : pySize(v))],
        ['dilation', 'dilation', rank(1) === 3 ? [1] : [1, 1], pySize],
        ['groups', 'groups', 1],
      ])})`;
    case 'convTranspose1d':
    case 'convTranspose2d': {
      const ones = rank(1) === 3 ? [1] : [1, 1];
      const zeros = rank(1) === 3 ? [0] : [0, 0];
      return `F.conv_transpose${op.slice(-2)}(${x()}, ${arg(1, false)}, ${arg(2, false)}${keywords(a, [
        ['stride', 'stride', ones, pySize],
        ['padding', 'padding', zeros, pySize],
        ['outputPadding', 'output_padding', zeros, pySize],
        ['groups', 'groups', 1],
        ['dilation', 'dilation', ones, pySize],
      ])})`;
    }
    case 'maxPool1d':
    case 'maxPool2d': {
      const zeros = op === 'maxPool1d' ? [0] : [0, 0];
      const ones = op === 'maxPool1d' ? [1] : [1, 1];
      return `F.max_pool${op.slice(-2)}(${x()}, ${pySize(a.kernelSize)}${keywords(a, [
        ['stride', 'stride', a.kernelSize, pySize],
        ['padding', 'padding', zeros, pySize],
        ['dilation', 'dilation', ones, pySize],
        ['ceilMode', 'ceil_mode', false],
        ['returnIndices', 'return_indices', false],
      ])})`;
    }
    case 'avgPool1d':
    case 'avgPool2d':
      return `F.avg_pool${op.slice(-2)}(${x()}, ${pySize(a.kernelSize)}${keywords(a, [
        ['stride', 'stride', a.kernelSize, pySize],
        ['padding', 'padding', op === 'avgPool1d' ? [0] : [0, 0], pySize],
        ['ceilMode', 'ceil_mode', false],
        ['countIncludePad', 'count_include_pad', true],
        ...(op === 'avgPool2d' ? [['divisorOverride', 'divisor_override', null] as [string, string, TraceAttr]] : []),
      ])})`;
    case 'adaptiveAvgPool1d':
    case 'adaptiveAvgPool2d':
      return `F.adaptive_avg_pool${op.slice(-2)}(${x()}, ${pySize(a.outputSize)})`;
    case 'adaptiveMaxPool2d':
      return `F.adaptive_max_pool2d(${x()}, ${pySize(a.outputSize)}${a.returnIndices ? ', return_indices=True' : ''})`;
    case 'dropout':
    case 'dropout1d':
    case 'dropout2d':
    case 'dropout3d':
    case 'alphaDropout':
    case 'featureAlphaDropout': {
      const name = { alphaDropout: 'alpha_dropout', featureAlphaDropout: 'feature_alpha_dropout' }[op as string] ?? op;
      return `F.${name}(${x()}, p=${pyAttr(a.p)}, training=${training()}${a.inplace ? ', inplace=True' : ''})`;
    }
    case 'batchNorm':
      return `F.batch_norm(${x()}, ${arg(1, false)}, ${arg(2, false)}, ${arg(3, false)}, ${arg(4, false)}, training=${training()}, momentum=${pyAttr(a.momentum)}, eps=${pyAttr(a.eps)})`;
    case 'instanceNorm':
      return `F.instance_norm(${x()}, ${arg(1, false)}, ${arg(2, false)}, ${arg(3, false)}, ${arg(4, false)}, use_input_stats=${pyAttr(a.useInputStats)}, momentum=${pyAttr(a.momentum)}, eps=${pyAttr(a.eps)})`;
    case 'layerNorm':
      return `F.layer_norm(${x()}, ${pyAttr(a.normalizedShape)}, ${arg(1, false)}, ${arg(2, false)}, eps=${pyAttr(a.eps)})`;
    case 'groupNorm':
      return `F.group_norm(${x()}, ${pyAttr(a.numGroups)}, ${arg(1, false)}, ${arg(2, false)}, eps=${pyAttr(a.eps)})`;
    case 'elu':
    case 'celu':
      return `F.${op}(${x()}${keywords(a, [['alpha', 'alpha', 1]])})`;
    case 'gelu':
      return `F.gelu(${x()}${keywords(a, [['approximate', 'approximate', 'none']])})`;
    case 'softplus':
      return `F.softplus(${x()}${keywords(a, [
        ['beta', 'beta', 1],
        ['threshold', 'threshold', 20],
      ])})`;
    case 'softshrink':
    case 'hardshrink':
      return `F.${op}(${x()}${keywords(a, [['lambd', 'lambd', 0.5]])})`;
    case 'hardtanh':
      return `F.hardtanh(${x()}${keywords(a, [
        ['minVal', 'min_val', -1],
        ['maxVal', 'max_val', 1],
      ])})`;
    case 'threshold':
      return `F.threshold(${x()}, ${pyAttr(a.threshold)}, ${pyAttr(a.value)})`;
    case 'prelu':
      return `F.prelu(${x()}, ${arg(1, false)})`;
    case 'interpolate': {
      const scales = a.scaleFactor as readonly (number | null)[];
      const floats = scales.map((v) => pyFloatRepr(v ?? 0));
      const how = scales.every((v) => v !== null)
        ? `scale_factor=${floats.length === 1 ? `(${floats[0]},)` : `(${floats.join(', ')})`}`
        : `size=${pyAttr(a.size)}`;
      return `F.interpolate(${x()}, ${how}, mode=${pyAttr(a.mode)}${a.alignCorners === null ? '' : `, align_corners=${pyAttr(a.alignCorners)}`})`;
    }
    case 'round':
      throw new Error(
        'exportPyTorch: the trace has round, but does not record its decimals (torch.round(x) or torch.round(x, decimals=n)), so the exporter cannot write it',
      );
    default:
      throw new Error(
        `exportPyTorch: the op '${op}' (in ${node.scope[node.scope.length - 1] ? `'${node.scope[node.scope.length - 1]}'` : "the model's own forward"}) has no PyTorch spelling in the exporter`,
      );
  }
}

// ---- the files ----

function inferLoss(graph: Graph): PyTorchLoss {
  const out = graph.outputs[0].id;
  const last = graph.nodes.find((n) => n.outputs.includes(out));
  if (last?.op === 'logSoftmax') return 'nll_loss';
  if (last?.op === 'sigmoid') return 'binary_cross_entropy';
  const info = graph.values.get(out)!;
  if (info.shape.length === 2 && info.shape[1] > 1) return 'cross_entropy';
  return 'mse_loss';
}

const MODEL_HEADER = (className: string, source: string): string =>
  `"""${className}, exported from tsgrad (${source}).

Build it and load tsgrad's weights:

    from safetensors.torch import load_file
    from model import ${className}
    model = ${className}()
    model.load_state_dict(load_file("model.safetensors"), strict=True)
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
`;

function trainPy(className: string, graph: Graph, loss: PyTorchLoss, optimizer: PyTorchOptimizer, lr: number): string {
  const inputs = graph.inputs.map((i) => graph.values.get(i.id)!);
  const out = graph.values.get(graph.outputs[0].id)!;
  const sample = (shape: readonly number[]): string => (shape.length === 0 ? '' : `${shape.join(', ')}, `);
  const makeInputs = inputs.map((v, i) => {
    const per = v.shape.slice(1);
    if (v.dtype === 'float32' || v.dtype === 'float64') {
      return `    x${i} = torch.randn(num_samples, ${sample(per)}generator=g${v.dtype === 'float64' ? ', dtype=torch.float64' : ''})`;
    }
    return `    x${i} = torch.randint(0, 2, (num_samples, ${sample(per)}), generator=g)${v.dtype === 'bool' ? '.bool()' : ''}`;
  });
  const outPer = out.shape.slice(1);
  let target: string;
  if (loss === 'nll_loss' || loss === 'cross_entropy') {
    const rest = outPer.slice(1);
    target = `    y = torch.randint(0, ${outPer[0] ?? 2}, (num_samples,${rest.length ? ` ${rest.join(', ')}` : ''}), generator=g)`;
  } else if (loss.startsWith('binary')) target = `    y = torch.randint(0, 2, (num_samples, ${sample(outPer)}), generator=g).float()`;
  else target = `    y = torch.randn(num_samples, ${sample(outPer)}generator=g)`;
  const shapes = inputs.map((v) => `(${v.shape.slice(1).join(', ')}${v.shape.length === 2 ? ',' : ''})`).join(' and ');
  const call = inputs.length === 1 ? 'model(inputs[0])' : 'model(*inputs)';
  const optim = {
    sgd: 'torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)',
    adam: 'torch.optim.Adam(model.parameters(), lr=args.lr)',
    adamw: 'torch.optim.AdamW(model.parameters(), lr=args.lr)',
  }[optimizer];
  return `"""Continues training ${className} (exported from tsgrad) with DistributedDataParallel.

    torchrun --standalone --nproc_per_node=2 train_ddp.py --epochs 1
    torchrun --standalone --nproc_per_node=4 train_ddp.py --epochs 10 --lr ${pyNum(lr)} --batch-size 64 --out trained.safetensors

One process per CPU core group (backend gloo) or per GPU (backend nccl, when CUDA is available).
Rank 0 prints the losses and writes the trained weights as safetensors, which tsgrad loads again:
model.loadStateDict(load('trained.safetensors')).
"""
import argparse
import os

import torch
import torch.distributed as dist
import torch.nn.functional as F
from safetensors.torch import load_file, save_file
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, TensorDataset
from torch.utils.data.distributed import DistributedSampler

from model import ${className}

HERE = os.path.dirname(os.path.abspath(__file__))


def make_dataset(num_samples):
    """The training data: a Dataset of (input, target) pairs.

    Put your own Dataset here: inputs shaped ${shapes} per sample, as in the
    traced run, and targets as the loss below takes them. The default is random data of those shapes,
    so that the script runs as is.
    """
    g = torch.Generator().manual_seed(0)
${makeInputs.join('\n')}
${target}
    return TensorDataset(${inputs.map((_, i) => `x${i}, `).join('')}y)


def loss_fn(output, target):
    return F.${loss}(output, target)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--lr", type=float, default=${pyNum(lr)})
    parser.add_argument("--batch-size", type=int, default=32, help="per process")
    parser.add_argument("--steps", type=int, default=0, help="stop after this many steps (0: run every epoch to the end)")
    parser.add_argument("--samples", type=int, default=1024, help="size of the default random dataset")
    parser.add_argument("--weights", default=os.path.join(HERE, "model.safetensors"))
    parser.add_argument("--out", default=os.path.join(HERE, "trained.safetensors"))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    cuda = torch.cuda.is_available()
    dist.init_process_group(backend="nccl" if cuda else "gloo")
    rank = dist.get_rank()
    local_rank = int(os.environ.get("LOCAL_RANK", 0))
    device = torch.device("cuda", local_rank) if cuda else torch.device("cpu")
    if cuda:
        torch.cuda.set_device(device)
    torch.manual_seed(args.seed)

    model = ${className}()
    model.load_state_dict(load_file(args.weights), strict=True)
    model.to(device)
    model.train()
    ddp_model = DistributedDataParallel(model, device_ids=[local_rank] if cuda else None)

    dataset = make_dataset(args.samples)
    sampler = DistributedSampler(dataset, shuffle=True, seed=args.seed)
    loader = DataLoader(dataset, batch_size=args.batch_size, sampler=sampler)
    optimizer = ${optim.replace('model.parameters()', 'ddp_model.parameters()')}

    step = 0
    for epoch in range(1, args.epochs + 1):
        sampler.set_epoch(epoch)
        for batch in loader:
            *inputs, target = (t.to(device) for t in batch)
            optimizer.zero_grad()
            output = ddp_${call}
            loss = loss_fn(output[0] if isinstance(output, tuple) else output, target)
            loss.backward()
            optimizer.step()
            step += 1
            if rank == 0:
                print(f"epoch {epoch} step {step} loss {loss.item():.6f}", flush=True)
            if args.steps and step >= args.steps:
                break
        if args.steps and step >= args.steps:
            break

    if rank == 0:
        state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
        save_file(state, args.out)
        print(f"saved {args.out}", flush=True)
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
`;
}

function readme(className: string, loss: PyTorchLoss): string {
  return `# ${className}, exported from tsgrad

- \`model.py\`: the model as a PyTorch \`nn.Module\` (same submodule names, so the weights load with
  \`strict=True\`), its \`forward\` generated from a trace of tsgrad's.
- \`model.safetensors\`: tsgrad's weights (\`model.stateDict()\`).
- \`train_ddp.py\`: continues training with DistributedDataParallel (loss \`F.${loss}\`); put your
  dataset in its \`make_dataset\`.

\`\`\`sh
pip install torch safetensors
python -c "from model import ${className}; from safetensors.torch import load_file; m = ${className}(); m.load_state_dict(load_file('model.safetensors')); print(m)"
torchrun --standalone --nproc_per_node=2 train_ddp.py --epochs 1 --lr 0.001 --batch-size 32
# on several machines (run on each; HOST is the first one's address):
torchrun --nnodes=2 --nproc_per_node=8 --rdzv_backend=c10d --rdzv_endpoint=HOST:29500 train_ddp.py --epochs 10
\`\`\`

\`trained.safetensors\` (rank 0 writes it) loads back into tsgrad:
\`model.loadStateDict(load('trained.safetensors'))\` with \`load\` from \`tsgrad/node\`.
`;
}

/**
 * The PyTorch sources of `model` (see the file's comment), traced on `exampleInputs` with dim 0 of every
 * input as a dynamic batch axis: `model.py`, `train_ddp.py`, a README, and the state dict to write as
 * `model.safetensors` (with its int64 buffers' stored dtype). `tsgrad/node`'s `exportPyTorch` writes them.
 */
export function toPyTorch(model: Module, exampleInputs: Tensor | readonly Tensor[], options: PyTorchExportOptions = {}): PyTorchExport {
  if (!(model instanceof Module)) throw new Error(`exportPyTorch: model must be an nn.Module, got ${describe(model)}`);
  checkOptions(options, OPTION_KEYS, 'exportPyTorch');
  const className = options.className ?? model.constructor.name;
  if (typeof className !== 'string' || !isIdentifier(className) || RESERVED.has(className)) {
    throw new Error(`exportPyTorch: className must be a Python identifier (letters, digits, _; not a keyword), got ${describe(className)}`);
  }
  if (options.loss !== undefined && !(PYTORCH_LOSSES as readonly string[]).includes(options.loss)) {
    throw new Error(`exportPyTorch: loss must be one of ${PYTORCH_LOSSES.join(', ')}, got ${describe(options.loss)}`);
  }
  const optimizer = options.optimizer ?? 'adam';
  if (!(PYTORCH_OPTIMIZERS as readonly string[]).includes(optimizer)) {
    throw new Error(`exportPyTorch: optimizer must be one of ${PYTORCH_OPTIMIZERS.join(', ')}, got ${describe(optimizer)}`);
  }
  const lr = options.lr ?? 0.001;
  if (typeof lr !== 'number' || !(lr > 0) || !Number.isFinite(lr)) throw new Error(`exportPyTorch: lr must be a positive number, got ${describe(lr)}`);

  const tree = buildTree(model);
  const graph = trace(model, exampleInputs, { dynamicBatch: true, warn: false });
  if (graph.warnings.length) {
    throw new Error(`exportPyTorch: the trace is specific to the example inputs, so the generated forward would be too:\n${graph.warnings.join('\n')}`);
  }
  const gen = new Generator(tree, graph);
  const name = isLibrary(model) ? gen.libraryRoot(className) : gen.userClass('', className);
  if (name !== className) throw new Error(`exportPyTorch: className '${className}' is also the name of a submodule's class; pass another className`);
  const modelPy = `${MODEL_HEADER(className, `${model.constructor.name}, traced on inputs of shape ${graph.inputs.map((i) => `[${graph.values.get(i.id)!.shape.join(', ')}]`).join(', ')}`)}\n\n${gen.classes.map((c) => c.text).join('\n\n\n')}\n`;
  const loss = options.loss ?? inferLoss(graph);
  const stateDict = model.stateDict();
  const dtypes: Record<string, 'I64'> = {};
  for (const [k, t] of Object.entries(stateDict)) if (t.dtype === 'int32') dtypes[k] = 'I64';
  return { className, modelPy, trainPy: trainPy(className, graph, loss, optimizer, lr), readme: readme(className, loss), stateDict, dtypes, graph, loss };
}
