/**
 * The graph `jit.trace` records: what the ONNX exporter (`src/onnx/`) and the PyTorch exporter read.
 * Plain data: values are numbered, nodes refer to them by id, and every list is in execution order.
 */
import type { TraceAttr } from '../autograd/trace-hook';
import type { DType, TypedArray } from '../dtype';
import type { Tensor } from '../tensor';

export type { TraceAttr };

/** A value's number in the graph; every input, parameter, buffer, constant and node output has one. */
export type ValueId = number;

/**
 * One dimension of a value: its size in the example run, and the name of the dynamic axis it
 * follows (`'batch'`, or a name from `dynamicAxes`), or null when the size is fixed.
 */
export interface Dim {
  size: number;
  dynamic: string | null;
}

/** Where a value comes from. */
export type ValueKind = 'input' | 'parameter' | 'buffer' | 'constant' | 'node';

/** Type and origin of one value. */
export interface ValueInfo {
  id: ValueId;
  kind: ValueKind;
  /** The example run's shape. */
  shape: readonly number[];
  /** The same dims, with the dynamic ones named. */
  dims: readonly Dim[];
  dtype: DType;
}

/** A graph input: one of the example inputs, in order. */
export interface GraphInput {
  id: ValueId;
  /** `input_0`, ... unless named (ONNX `inputNames`). */
  name: string;
}

/** A graph output. */
export interface GraphOutput {
  id: ValueId;
  /** `output_0`, ... unless named (ONNX `outputNames`). */
  name: string;
}

/** A parameter or buffer the forward read, by its state-dict name (`conv1.weight`, `bn.running_mean`). */
export interface GraphState {
  id: ValueId;
  name: string;
  kind: 'parameter' | 'buffer';
  /** The module's own tensor (not a copy): its values when the graph is exported. */
  tensor: Tensor;
}

/** A tensor the forward made without reading any input, parameter or buffer: its values, copied when traced. */
export interface GraphConstant {
  id: ValueId;
  data: TypedArray;
}

/**
 * One recorded op. `op` is tsgrad's (and PyTorch's) name in camelCase: 'linear', 'conv2d', 'relu',
 * 'maxPool2d', 'flatten', 'reshape', 'add', 'logSoftmax', ... `inputs` are value ids in the op's
 * argument order (null for an absent optional input, e.g. a bias); `attrs` holds every option with its
 * default resolved (conv2d: stride, padding, dilation, groups as lists); `outputs` are value ids.
 */
export interface GraphNode {
  op: string;
  inputs: readonly (ValueId | null)[];
  attrs: Readonly<Record<string, TraceAttr>>;
  outputs: readonly ValueId[];
  /** The module call paths the op ran in, outermost first: `['', 'layers.0', 'layers.0.conv']` ('' is the root). */
  scope: readonly string[];
  /** The innermost module call it ran in (an index into `Graph.moduleCalls`). */
  moduleCall: number;
}

/**
 * One call of a module's forward: `self.conv1(x)` in the PyTorch exporter for a library module,
 * or the ops of the nodes inside it for a user's module. Calls nest: `parent` is the caller's
 * index (-1 for the root's call, which is `moduleCalls[0]`).
 */
export interface ModuleCall {
  /** The module's dotted path ('' for the root, 'conv1', 'layers.0'). */
  path: string;
  /** Its class name (`Conv2d`, or the user's class). */
  className: string;
  /** Whether the class is one of `tsgrad.nn`'s (it exists in PyTorch under the same name). */
  library: boolean;
  parent: number;
  /** Tensor arguments, as value ids (non-tensor arguments are not values). */
  inputs: readonly ValueId[];
  /** Whether the call also passed arguments that are not tensors (MaxUnpool2d's outputSize, ...): not in the graph, so a call of it cannot be re-spelled. */
  otherArgs: boolean;
  /** The tensors returned, as value ids. */
  outputs: readonly ValueId[];
}

/**
 * A traced forward. Nodes are in execution order and each reads only values defined before it.
 * Only what the outputs depend on is kept: ops whose results were not used are dropped, as are
 * parameters the forward did not read.
 */
export interface Graph {
  inputs: GraphInput[];
  /** The forward's results, in order (a single tensor is one output). */
  outputs: GraphOutput[];
  state: GraphState[];
  constants: GraphConstant[];
  nodes: GraphNode[];
  /** Every value by id. */
  values: Map<ValueId, ValueInfo>;
  moduleCalls: ModuleCall[];
  /** The warnings the trace gave (values read into JavaScript), in order. */
  warnings: string[];
}
