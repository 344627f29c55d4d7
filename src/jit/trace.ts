/**
 * `jit.trace`: runs a module's forward once with a tracer installed (src/autograd/trace-hook.ts) and
 * returns the graph of the ops it ran (src/jit/graph.ts).
 */
import { enableGrad } from '../autograd/grad-mode';
import { setTracer, type TraceAttr, type Tracer } from '../autograd/trace-hook';
import { isFloatDtype } from '../dtype';
import { checkBoolean, checkOptions, describe } from '../options';
import { defaultGenerator } from '../random';
import { Tensor } from '../tensor';
import { Module } from '../nn/module';
import * as nn from '../nn/index';
import type { Dim, Graph, GraphConstant, GraphNode, GraphState, ModuleCall, ValueId, ValueInfo, ValueKind } from './graph';

/** Dynamic axes of one input or output: dim -> axis name, or a list of dims (named `<name>_dynamic_axes_<k>`, as PyTorch does). */
export type DynamicAxes = Record<string, Record<number, string> | readonly number[]>;

/** Options of `jit.trace`. */
export interface TraceOptions {
  /** Dim 0 of every input (and of every value that follows it) is the dynamic axis 'batch'. */
  dynamicBatch?: boolean;
  /** PyTorch's `dynamic_axes`, keyed by input or output name: `{ input: { 0: 'batch' } }` or `{ input: [0] }`. */
  dynamicAxes?: DynamicAxes;
  /** Names of the inputs (default `input_0`, `input_1`, ...). */
  inputNames?: readonly string[];
  /** Names of the outputs (default `output_0`, ...). */
  outputNames?: readonly string[];
  /** Reading a traced tensor's values into JavaScript (`item()`, `toArray()`) is an Error instead of a warning. */
  strict?: boolean;
  /** Print the warnings with console.warn (default true); they are in `graph.warnings` either way. */
  warn?: boolean;
}

const TRACE_OPTIONS = ['dynamicBatch', 'dynamicAxes', 'inputNames', 'outputNames', 'strict', 'warn'] as const;

/** What the trace knows about a tensor object: its value, and its version then (an in-place change makes it stale). */
interface Known {
  id: ValueId;
  version: number;
}

/** `CumsumBackward0` -> `cumsum`: the op a grad_fn stands for. */
function opOfGradFn(name: string): string {
  const base = name.replace(/Backward\d*$/, '');
  return base.charAt(0).toLowerCase() + base.slice(1);
}

/** The words of PyTorch's TracerWarning, for JavaScript. */
function readWarning(how: string): string {
  return (
    `jit.trace: converting a tensor to a JavaScript value (${how}) might cause the trace to be incorrect. ` +
    "We can't record the data flow of JavaScript values, so this value will be treated as a constant in the future. " +
    'This means that the trace might not generalize to other inputs!'
  );
}

const LIBRARY_CLASSES = new Set<unknown>(Object.values(nn).filter((v) => typeof v === 'function'));

class GraphTracer implements Tracer {
  readonly values = new Map<ValueId, ValueInfo>();
  readonly nodes: GraphNode[] = [];
  readonly constants: GraphConstant[] = [];
  readonly state: GraphState[] = [];
  readonly moduleCalls: ModuleCall[] = [];
  readonly warnings: string[] = [];
  /** Values that came from an op tracing does not record, with the message naming it. */
  readonly untraced = new Map<ValueId, string>();
  private readonly known = new Map<Tensor, Known>();
  private readonly stateNames = new Map<Tensor, { name: string; kind: 'parameter' | 'buffer' }>();
  /** The storage of every traced (input-derived) value: an unknown tensor over one of them is derived through an untraced view. */
  private readonly tracedStorage = new Set<ArrayBufferLike>();
  /** Values that depend on an input (or on an untraced op): those whose reading into JavaScript makes the trace input-specific. */
  private readonly fromInput = new Set<ValueId>();
  private readonly scope: string[] = [];
  private readonly callStack: number[] = [];
  private nextId = 0;

  constructor(
    model: Module,
    private readonly strict: boolean,
    private readonly warn: boolean,
  ) {
    for (const [name, p] of model.namedParameters()) this.stateNames.set(p, { name, kind: 'parameter' });
    for (const [name, b] of model.namedBuffers()) if (!this.stateNames.has(b)) this.stateNames.set(b, { name, kind: 'buffer' });
  }

  private newValue(t: Tensor, kind: ValueKind, dims: Dim[], fromInput = false): ValueId {
    const id = this.nextId++;
    this.values.set(id, { id, kind, shape: [...t.shape], dims, dtype: t.dtype });
    this.known.set(t, { id, version: t._version.value });
    if (fromInput) {
      this.fromInput.add(id);
      this.tracedStorage.add(t.data.buffer);
    }
    return id;
  }

  addInput(t: Tensor, dynamic: Map<number, string>): ValueId {
    return this.newValue(
      t,
      'input',
      t.shape.map((size, i) => ({ size, dynamic: dynamic.get(i) ?? null })),
      true,
    );
  }

  private fixedDims(t: Tensor): Dim[] {
    return t.shape.map((size) => ({ size, dynamic: null }));
  }

  /** The value of a tensor an op or module received: known, a parameter or buffer, a constant, or one made by an untraced op. */
  resolve(t: Tensor, inPlace = false): ValueId {
    const k = this.known.get(t);
    if (k !== undefined) {
      if (inPlace) return k.id; // the op that changed it is the one being recorded
      const kind = this.values.get(k.id)!.kind;
      if (k.version === t._version.value || (kind !== 'input' && kind !== 'node')) return k.id;
      const why = t.gradFn
        ? `the forward changed a traced tensor in place with ${t.gradFn.name} (${opOfGradFn(t.gradFn.name)})`
        : 'the forward changed a traced tensor in place with an op';
      return this.unknown(t, `jit.trace: ${why}, which tracing does not support`);
    }
    const s = this.stateNames.get(t);
    if (s !== undefined) {
      const id = this.newValue(t, s.kind, this.fixedDims(t));
      this.state.push({ id, name: s.name, kind: s.kind, tensor: t });
      return id;
    }
    if (t.gradFn !== null) {
      const g = t.gradFn.name;
      return this.unknown(t, `jit.trace: the forward used ${g} (${opOfGradFn(g)}), which tracing does not support`);
    }
    if (this.tracedStorage.has(t.data.buffer)) {
      return this.unknown(
        t,
        'jit.trace: the forward took a tensor out of the trace (detach() or a view outside the traced ops), which tracing does not support',
      );
    }
    const id = this.newValue(t, 'constant', this.fixedDims(t));
    this.constants.push({ id, data: t.data.slice() });
    return id;
  }

  private unknown(t: Tensor, message: string): ValueId {
    const id = this.newValue(t, 'node', this.fixedDims(t), true);
    this.untraced.set(id, message);
    return id;
  }

  /** Dims of an op's output: a dim follows a dynamic axis of an input when its size is that axis's example size (at the same position first). */
  private outputDims(t: Tensor, inputs: readonly (ValueId | null)[]): Dim[] {
    const axes: Dim[][] = [];
    for (const id of inputs) if (id !== null) axes.push(this.values.get(id)!.dims as Dim[]);
    const out: Dim[] = t.shape.map((size, i) => {
      for (const dims of axes) if (dims[i]?.dynamic && dims[i].size === size) return { size, dynamic: dims[i].dynamic };
      for (const dims of axes) for (const d of dims) if (d.dynamic && d.size === size) return { size, dynamic: d.dynamic };
      return { size, dynamic: null };
    });
    // an axis merged with others (flatten(x, 0, 1), a reshape): the first fixed dim it divides follows it, as '<axis>*<k>'
    for (const dims of axes) {
      for (const d of dims) {
        if (!d.dynamic || out.some((o) => o.dynamic === d.dynamic || o.dynamic?.startsWith(`${d.dynamic}*`))) continue;
        const merged = out.find((o) => !o.dynamic && o.size > d.size && d.size > 0 && o.size % d.size === 0);
        if (merged) merged.dynamic = `${d.dynamic}*${merged.size / d.size}`;
      }
    }
    return out;
  }

  op(name: string, inputs: readonly (Tensor | null)[], attrs: Readonly<Record<string, TraceAttr>>, output: Tensor | readonly Tensor[]): void {
    const results = output instanceof Tensor ? [output] : output;
    const ins = inputs.map((t) => (t === null ? null : this.resolve(t, results.includes(t))));
    const fromInput = ins.some((i) => i !== null && this.fromInput.has(i));
    const outs = results.map((t) => this.newValue(t, 'node', this.outputDims(t, ins), fromInput));
    const call = this.callStack[this.callStack.length - 1] ?? -1;
    this.nodes.push({ op: name, inputs: ins, attrs: { ...attrs }, outputs: outs, scope: [...this.scope], moduleCall: call });
  }

  read(t: Tensor, how: string): void {
    const k = this.known.get(t);
    // a tensor the trace does not know but with a grad_fn came from an untraced op, maybe on an input
    if (k !== undefined ? !this.fromInput.has(k.id) : t.gradFn === null) return;
    const message = readWarning(how);
    if (this.strict) throw new Error(`${message} (strict: true makes this an Error)`);
    this.warnings.push(message);
    if (this.warn) console.warn(`TracerWarning: ${message}`);
  }

  /** Runs a module's forward inside its scope, recording the call. */
  callModule(path: string, module: Module, forward: (...args: unknown[]) => unknown, args: unknown[]): unknown {
    const index = this.moduleCalls.length;
    const inputs = args.filter((a): a is Tensor => a instanceof Tensor).map((t) => this.resolve(t));
    const parent = this.callStack[this.callStack.length - 1] ?? -1;
    const record: ModuleCall = {
      path,
      className: module.constructor.name,
      library: LIBRARY_CLASSES.has(module.constructor),
      parent,
      inputs,
      otherArgs: args.some((a) => !(a instanceof Tensor) && a !== undefined),
      outputs: [],
    };
    this.moduleCalls.push(record);
    this.scope.push(path);
    this.callStack.push(index);
    try {
      const result = forward.apply(module, args);
      const outs = result instanceof Tensor ? [result] : Array.isArray(result) ? result.filter((r): r is Tensor => r instanceof Tensor) : [];
      record.outputs = outs.map((t) => this.resolve(t));
      return result;
    } finally {
      this.scope.pop();
      this.callStack.pop();
    }
  }
}

function checkNames(names: unknown, count: number, what: string): string[] | null {
  if (names === undefined) return null;
  if (!Array.isArray(names) || names.some((n) => typeof n !== 'string' || n === '')) {
    throw new Error(`jit.trace: ${what} must be an array of non-empty strings, got ${describe(names)}`);
  }
  if (names.length > count) throw new Error(`jit.trace: ${what} has ${names.length} names but there are ${count}`);
  if (new Set(names).size !== names.length) throw new Error(`jit.trace: ${what} repeats a name: ${JSON.stringify(names)}`);
  return names as string[];
}

/** The dynamic dims of `name` from `dynamicAxes` (checked against the value's rank). */
function axesOf(dynamicAxes: DynamicAxes | undefined, name: string, rank: number): Map<number, string> {
  const out = new Map<number, string>();
  const spec = dynamicAxes?.[name];
  if (spec === undefined) return out;
  const entries: [number, string][] = Array.isArray(spec)
    ? (spec as number[]).map((d, k) => [d, `${name}_dynamic_axes_${k + 1}`])
    : Object.entries(spec).map(([d, n]) => [Number(d), n as string]);
  for (const [d, n] of entries) {
    if (!Number.isInteger(d) || d < 0 || d >= rank) {
      throw new Error(`jit.trace: dynamicAxes["${name}"] names dim ${describe(d)}, but "${name}" has ${rank} dims (0 to ${rank - 1})`);
    }
    if (typeof n !== 'string' || n === '') throw new Error(`jit.trace: dynamicAxes["${name}"][${d}] must be a non-empty axis name, got ${describe(n)}`);
    out.set(d, n);
  }
  return out;
}

/**
 * Runs `model`'s forward once on `exampleInputs` and records the ops it ran (`torch.jit.trace`,
 * returning the graph rather than a compiled module). The model runs in its current mode and nothing
 * about it changes: buffers (BatchNorm's running statistics) and the default generator's state are
 * restored afterwards, and the inputs are copied.
 *
 * Only ops that report to the tracer are recorded; an op that does not, used on a traced value, is an
 * Error naming it (found through the grad_fn it leaves: the copied float inputs require grad while
 * tracing). Reading a traced tensor's values into JavaScript (`item()`, `toArray()`) warns, as
 * PyTorch's TracerWarning does, or throws with `strict: true`.
 */
export function trace(model: Module, exampleInputs: Tensor | readonly Tensor[], options: TraceOptions = {}): Graph {
  if (!(model instanceof Module)) throw new Error(`jit.trace: model must be an nn.Module, got ${describe(model)}`);
  checkOptions(options, TRACE_OPTIONS, 'jit.trace');
  const examples = exampleInputs instanceof Tensor ? [exampleInputs] : exampleInputs;
  if (!Array.isArray(examples) || examples.length === 0 || examples.some((x) => !(x instanceof Tensor))) {
    throw new Error(`jit.trace: exampleInputs must be a Tensor or a non-empty array of Tensors, got ${describe(exampleInputs)}`);
  }
  const dynamicBatch = checkBoolean(options.dynamicBatch ?? false, 'jit.trace', 'dynamicBatch');
  const strict = checkBoolean(options.strict ?? false, 'jit.trace', 'strict');
  const warn = checkBoolean(options.warn ?? true, 'jit.trace', 'warn');
  const inputNames = checkNames(options.inputNames, examples.length, 'inputNames') ?? [];
  const names = examples.map((_, i) => inputNames[i] ?? `input_${i}`);
  const dynamicAxes = options.dynamicAxes;
  if (dynamicAxes !== undefined && (dynamicAxes === null || typeof dynamicAxes !== 'object' || Array.isArray(dynamicAxes))) {
    throw new Error(`jit.trace: dynamicAxes must be an object keyed by input or output name, got ${describe(dynamicAxes)}`);
  }
  if (dynamicBatch && examples.some((x) => x.ndim === 0))
    throw new Error('jit.trace: dynamicBatch needs every input to have a dim 0 (a batch dim); one is 0-d');

  const tracer = new GraphTracer(model, strict, warn);
  const inputs = examples.map((x, i) => {
    const copy = new Tensor(x.data.slice(), x.shape, x.dtype);
    if (isFloatDtype(x.dtype)) copy.requiresGrad = true;
    const dynamic = axesOf(dynamicAxes, names[i], x.ndim);
    if (dynamicBatch && !dynamic.has(0)) dynamic.set(0, 'batch');
    return { copy, id: tracer.addInput(copy, dynamic), name: names[i] };
  });

  const buffers = model.buffers().map((b) => [b, b.data.slice(), b._version.value] as const);
  const rng = defaultGenerator.getState();
  const wrapped: [Module, PropertyDescriptor | undefined][] = [];
  let result: unknown;
  const previous = setTracer(tracer);
  try {
    for (const [path, module] of model.namedModules()) {
      const own = Object.getOwnPropertyDescriptor(module, 'forward');
      const forward = module.forward as (...args: unknown[]) => unknown;
      wrapped.push([module, own]);
      Object.defineProperty(module, 'forward', {
        value: (...args: unknown[]) => tracer.callModule(path, module, forward, args),
        configurable: true,
        writable: true,
      });
    }
    result = enableGrad(() => (model as unknown as (...args: Tensor[]) => unknown)(...inputs.map((i) => i.copy)));
  } finally {
    setTracer(previous);
    for (const [module, own] of wrapped) {
      if (own) Object.defineProperty(module, 'forward', own);
      else delete (module as { forward?: unknown }).forward;
    }
    for (const [b, data, version] of buffers) {
      b.data.set(data);
      b._version.value = version;
    }
    defaultGenerator.setState(rng);
  }

  const results = result instanceof Tensor ? [result] : Array.isArray(result) ? result : null;
  if (results === null || results.length === 0 || results.some((r) => !(r instanceof Tensor))) {
    throw new Error(`jit.trace: the forward must return a Tensor or an array of Tensors, got ${describe(result)}`);
  }
  const outputNames = checkNames(options.outputNames, results.length, 'outputNames') ?? [];
  const outputs = (results as Tensor[]).map((t, i) => ({ id: tracer.resolve(t), name: outputNames[i] ?? `output_${i}` }));
  for (const key of Object.keys(dynamicAxes ?? {})) {
    if (!names.includes(key) && !outputs.some((o) => o.name === key)) {
      throw new Error(
        `jit.trace: dynamicAxes names "${key}", which is neither an input (${names.join(', ')}) nor an output (${outputs.map((o) => o.name).join(', ')})`,
      );
    }
  }
  outputs.forEach((o, i) => {
    const info = tracer.values.get(o.id)!;
    const axes = axesOf(dynamicAxes, o.name, info.shape.length);
    if (axes.size === 0) return;
    const t = results[i] as Tensor;
    // an output that is also an input or a state value gets its own copy of the dims only here
    tracer.values.set(o.id, { ...info, dims: t.shape.map((size, d) => ({ size, dynamic: axes.get(d) ?? info.dims[d].dynamic })) });
  });
  return prune(tracer, inputs, outputs);
}

/** Keeps what the outputs depend on, and throws if that includes a value made by an untraced op. */
function prune(tracer: GraphTracer, inputs: { id: ValueId; name: string }[], outputs: { id: ValueId; name: string }[]): Graph {
  const producer = new Map<ValueId, number>();
  tracer.nodes.forEach((n, i) => n.outputs.forEach((o) => producer.set(o, i)));
  const live = new Set<ValueId>();
  const liveNodes = new Set<number>();
  const stack = outputs.map((o) => o.id);
  while (stack.length) {
    const id = stack.pop()!;
    if (live.has(id)) continue;
    live.add(id);
    const n = producer.get(id);
    if (n === undefined || liveNodes.has(n)) continue;
    liveNodes.add(n);
    for (const i of tracer.nodes[n].inputs) if (i !== null) stack.push(i);
  }
  const problems = [...new Set([...live].filter((id) => tracer.untraced.has(id)).map((id) => tracer.untraced.get(id)!))];
  if (problems.length) throw new Error(problems.join('\n'));
  for (const n of liveNodes) for (const o of tracer.nodes[n].outputs) live.add(o);
  for (const i of inputs) live.add(i.id);

  const calls = tracer.moduleCalls;
  const keepCall = new Set<number>();
  for (const n of liveNodes) for (let c = tracer.nodes[n].moduleCall; c >= 0 && !keepCall.has(c); c = calls[c].parent) keepCall.add(c);
  calls.forEach((c, i) => {
    if (c.outputs.some((o) => live.has(o))) for (let k = i; k >= 0 && !keepCall.has(k); k = calls[k].parent) keepCall.add(k);
  });
  const callIndex = new Map<number, number>();
  const keptCalls: ModuleCall[] = [];
  calls.forEach((c, i) => {
    if (!keepCall.has(i)) return;
    callIndex.set(i, keptCalls.length);
    keptCalls.push({ ...c, parent: c.parent < 0 ? -1 : callIndex.get(c.parent)! });
  });
  const nodes = tracer.nodes.filter((_, i) => liveNodes.has(i)).map((n) => ({ ...n, moduleCall: n.moduleCall < 0 ? -1 : callIndex.get(n.moduleCall)! }));
  for (const c of keptCalls) for (const v of [...c.inputs, ...c.outputs]) if (!tracer.untraced.has(v)) live.add(v);
  const values = new Map([...tracer.values].filter(([id]) => live.has(id)));
  for (const v of values.values()) {
    if (v.kind === 'node' && tracer.untraced.has(v.id)) values.delete(v.id);
  }
  return {
    inputs: inputs.map(({ id, name }) => ({ id, name })),
    outputs,
    state: tracer.state.filter((s) => live.has(s.id)),
    constants: tracer.constants.filter((c) => live.has(c.id)),
    nodes,
    values,
    moduleCalls: keptCalls,
    warnings: tracer.warnings,
  };
}

/** `Graph` as text, one line per node, for reading a trace: `%5 = conv2d(%0, %1, %2) {stride: [1, 1], ...} # conv1`. */
export function graphToString(graph: Graph): string {
  const v = (id: ValueId | null): string => (id === null ? 'None' : `%${id}`);
  const type = (id: ValueId): string => {
    const info = graph.values.get(id)!;
    return `${info.dtype}[${info.dims.map((d) => d.dynamic ?? d.size).join(', ')}]`;
  };
  const lines = ['graph('];
  for (const i of graph.inputs) lines.push(`  ${v(i.id)} : ${type(i.id)}  # input ${i.name}`);
  for (const s of graph.state) lines.push(`  ${v(s.id)} : ${type(s.id)}  # ${s.kind} ${s.name}`);
  for (const c of graph.constants) lines.push(`  ${v(c.id)} : ${type(c.id)}  # constant`);
  lines.push('):');
  for (const n of graph.nodes) {
    const attrs = Object.entries(n.attrs)
      .map(([k, a]) => `${k}=${JSON.stringify(a)}`)
      .join(', ');
    const outs = n.outputs.map((o) => `${v(o)} : ${type(o)}`).join(', ');
    const scope = n.scope[n.scope.length - 1];
    lines.push(`  ${outs} = ${n.op}(${n.inputs.map(v).join(', ')}${attrs ? `; ${attrs}` : ''})${scope ? `  # ${scope}` : ''}`);
  }
  lines.push(`  return (${graph.outputs.map((o) => v(o.id)).join(', ')})`);
  return lines.join('\n');
}
