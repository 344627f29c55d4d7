/**
 * `onnx.export`: traces a module (`jit.trace`) and writes the graph as an ONNX ModelProto, the
 * weights as initializers. Each traced op maps to ONNX operators in `LOWER` below; an op without
 * one is an Error naming it.
 */
import type { DType, TypedArray } from '../dtype';
import { promoteTypes } from '../dtype';
import { checkBoolean, checkOptions, describe } from '../options';
import type { Tensor } from '../tensor';
import type { Module } from '../nn/module';
import type { Graph, GraphNode, TraceAttr, ValueId, ValueInfo } from '../jit/graph';
import { type DynamicAxes, trace } from '../jit/trace';
import { AttributeType, DataType, encodeModel } from './proto';

/** The opsets `onnx.export` writes (ai.onnx domain). */
export const MIN_OPSET = 13;
export const MAX_OPSET = 20;
/** PyTorch's default (torch.onnx.export in 2.x). */
export const DEFAULT_OPSET = 17;

/** Options of `onnx.export` (PyTorch's `torch.onnx.export` keywords in camelCase). */
export interface ExportOptions {
  /** The ai.onnx opset, 13 to 20; default 17. */
  opsetVersion?: number;
  /** Graph input names, in order (default `input_0`, ...). */
  inputNames?: readonly string[];
  /** Graph output names, in order (default `output_0`, ...). */
  outputNames?: readonly string[];
  /** `{ input: { 0: 'batch' } }` or `{ input: [0] }`, keyed by input or output name. */
  dynamicAxes?: DynamicAxes;
  /** Shorthand for a dynamic dim 0 named 'batch' on every input (and the outputs that follow it). */
  dynamicBatch?: boolean;
  /** 'eval' (default: traced in eval mode, the module's mode restored after, as TrainingMode.EVAL) or 'preserve' (its current mode). */
  training?: 'eval' | 'preserve';
  /** The model's doc_string. */
  docString?: string;
}

const OPTIONS = ['opsetVersion', 'inputNames', 'outputNames', 'dynamicAxes', 'dynamicBatch', 'training', 'docString'] as const;
const UNSUPPORTED = {
  exportParams: { why: 'the weights are always written as initializers', accepts: [true] },
  doConstantFolding: { why: 'tsgrad writes the traced ops as they are', accepts: [false] },
  verbose: { why: 'tsgrad prints nothing while exporting', accepts: [false] },
};

type Attr = { type: number; value: number | string | readonly number[] };
const I = (value: number): Attr => ({ type: AttributeType.INT, value });
const F = (value: number): Attr => ({ type: AttributeType.FLOAT, value });
const INTS = (value: readonly number[]): Attr => ({ type: AttributeType.INTS, value });
const S = (value: string): Attr => ({ type: AttributeType.STRING, value });

const ONNX_TYPE: Record<DType, number> = { float32: DataType.FLOAT, float64: DataType.DOUBLE, int32: DataType.INT32, bool: DataType.BOOL };

/** Little-endian bytes of a typed array (bool as one byte per element). */
function rawBytes(data: TypedArray | BigInt64Array, dtype: DType | 'int64'): Uint8Array {
  if (dtype === 'bool') return Uint8Array.from(data as ArrayLike<number>, (v) => (v ? 1 : 0));
  const copy = dtype === 'int64' ? (data as BigInt64Array) : data.slice();
  return new Uint8Array(copy.buffer, copy.byteOffset, copy.byteLength);
}

/** An op that cannot be exported, with why. */
class Unexportable extends Error {}

/** Builds the ONNX graph: names, nodes, initializers. */
class Builder {
  readonly nodes: Record<string, unknown>[] = [];
  readonly initializers: Record<string, unknown>[] = [];
  private readonly names = new Map<ValueId, string>();
  private readonly used = new Set<string>();
  private counts = new Map<string, number>();
  /** Node outputs named here (not a traced value's claimed name). */
  private readonly fresh = new Set<string>();

  constructor(
    readonly graph: Graph,
    readonly opset: number,
  ) {}

  unique(base: string): string {
    let name = base;
    for (let k = 1; this.used.has(name); k++) name = `${base}_${k}`;
    this.used.add(name);
    return name;
  }

  reserve(name: string): void {
    if (this.used.has(name)) throw new Error(`onnx.export: the name "${name}" is given to two values (inputs, outputs and parameters need distinct names)`);
    this.used.add(name);
  }

  claim(id: ValueId, name: string): void {
    if (this.used.has(name)) throw new Error(`onnx.export: the name "${name}" is given to two values (inputs, outputs and parameters need distinct names)`);
    this.used.add(name);
    this.names.set(id, name);
  }

  /** The ONNX name of a traced value (node outputs are named when first asked for). */
  name(id: ValueId): string {
    let n = this.names.get(id);
    if (n === undefined) {
      n = this.unique(`v${id}`);
      this.names.set(id, n);
    }
    return n;
  }

  info(id: ValueId): ValueInfo {
    return this.graph.values.get(id)!;
  }

  /** Adds a node; returns its output names (`outputs` are names, or counts of fresh ones). */
  node(opType: string, inputs: readonly string[], outputs: readonly string[] | number, attrs: Record<string, Attr> = {}): string[] {
    const outs = typeof outputs === 'number' ? Array.from({ length: outputs }, () => this.unique(`${opType.toLowerCase()}_out`)) : [...outputs];
    if (typeof outputs === 'number') outs.forEach((o) => this.fresh.add(o));
    const k = (this.counts.get(opType) ?? 0) + 1;
    this.counts.set(opType, k);
    const attribute = Object.entries(attrs).map(([name, a]) => {
      const entry: Record<string, unknown> = { name, type: a.type };
      if (a.type === AttributeType.INT) entry.i = a.value;
      else if (a.type === AttributeType.FLOAT) entry.f = a.value;
      else if (a.type === AttributeType.INTS) entry.ints = a.value;
      else entry.s = new TextEncoder().encode(a.value as string);
      return entry;
    });
    this.nodes.push({ name: this.unique(`/${opType}_${k}`), opType, input: [...inputs], output: outs, attribute });
    return outs;
  }

  /** One-output node. */
  op(opType: string, inputs: readonly string[], attrs: Record<string, Attr> = {}): string {
    return this.node(opType, inputs, 1, attrs)[0];
  }

  /** An initializer holding `data` in `shape` (int64 for shapes and axes). */
  constant(data: TypedArray | readonly number[], dtype: DType | 'int64', shape: readonly number[], base = 'const'): string {
    const name = this.unique(base);
    const raw =
      dtype === 'int64'
        ? rawBytes(
            BigInt64Array.from(Array.from(data as ArrayLike<number>), (v) => BigInt(v)),
            'int64',
          )
        : rawBytes(ArrayBuffer.isView(data) ? (data as TypedArray) : Float64Array.from(data as number[]), dtype);
    const dataType = dtype === 'int64' ? DataType.INT64 : ONNX_TYPE[dtype];
    this.initializers.push({ name, dims: [...shape], dataType, rawData: raw });
    return name;
  }

  int64s(values: readonly number[], base = 'shape'): string {
    return this.constant(values, 'int64', [values.length], base);
  }

  /** A 0-d (or [1]) constant of a float or int dtype. */
  scalar(value: number, dtype: DType, shape: readonly number[] = []): string {
    const data =
      dtype === 'float32'
        ? Float32Array.of(value)
        : dtype === 'float64'
          ? Float64Array.of(value)
          : dtype === 'int32'
            ? Int32Array.of(value)
            : Uint8Array.of(value);
    return this.constant(data, dtype, shape, 'scalar');
  }

  /** `name` converted to `to` when `from` differs. */
  cast(name: string, from: DType, to: DType): string {
    return from === to ? name : this.op('Cast', [name], { to: I(ONNX_TYPE[to]) });
  }

  /** Writes `from` into the traced value `id` (an Identity when the producing node is already emitted). */
  bind(id: ValueId, from: string): void {
    const claimed = this.names.get(id);
    if (claimed === undefined) {
      this.names.set(id, from);
      return;
    }
    // the op's last node made `from` just now, and nothing reads it yet: it writes the claimed name itself
    const last = this.nodes[this.nodes.length - 1] as { output: string[] } | undefined;
    const k = last ? last.output.indexOf(from) : -1;
    if (k >= 0 && this.fresh.has(from)) last!.output[k] = claimed;
    else this.node('Identity', [from], [claimed]);
  }

  /** Reduce ops take axes as an input from opset 18 (ReduceSum from 13), as an attribute before. */
  reduce(opType: string, x: string, axes: readonly number[], keepdims: boolean): string {
    const axesAsInput = opType === 'ReduceSum' || this.opset >= 18;
    if (axesAsInput) return this.op(opType, [x, this.int64s(axes, 'axes')], { keepdims: I(keepdims ? 1 : 0) });
    return this.op(opType, [x], { axes: INTS(axes), keepdims: I(keepdims ? 1 : 0) });
  }
}

type Lower = (b: Builder, n: GraphNode, ins: (string | null)[], inInfo: (ValueInfo | null)[]) => string | string[];

const num = (a: TraceAttr): number => a as number;
const nums = (a: TraceAttr): number[] => a as number[];

/** The shape for Reshape/Expand of a value whose dims may be dynamic: 0 (Reshape) or 1 (Expand) keeps an input dim it follows, -1 infers one. */
function dynamicShape(input: ValueInfo, output: ValueInfo, forExpand: boolean, op: string): number[] {
  const offset = output.dims.length - input.dims.length;
  const lost = input.dims.find((d) => d.dynamic && !output.dims.some((o) => o.dynamic === d.dynamic || o.dynamic?.startsWith(`${d.dynamic}*`)));
  if (lost) throw new Unexportable(`${op} that merges the dynamic axis '${lost.dynamic}' into a fixed size (${output.shape.join('x')})`);
  let inferred = false;
  return output.dims.map((d, i) => {
    if (!d.dynamic) return d.size;
    const src = forExpand ? input.dims[i - offset] : input.dims[i];
    if (src && src.dynamic === d.dynamic) return forExpand ? 1 : 0;
    if (!forExpand && !inferred) {
      inferred = true;
      return -1;
    }
    throw new Unexportable(`${op} to a shape with dynamic dims it cannot keep from its input`);
  });
}

function unary(opType: string): Lower {
  return (b, _n, [x]) => b.op(opType, [x!]);
}

/** Elementwise ops of two inputs, cast to the output's dtype (or, for comparisons, to their promoted one). */
function binary(opType: string, compare = false): Lower {
  return (b, n, [x, y], [xi, yi]) => {
    const to = compare ? promoteTypes(xi!.dtype, yi!.dtype) : b.info(n.outputs[0]).dtype;
    return b.op(opType, [b.cast(x!, xi!.dtype, to), b.cast(y!, yi!.dtype, to)]);
  };
}

function pool(kind: 'MaxPool' | 'AveragePool', dims: number): Lower {
  return (b, n, [x], [xi]) => {
    const a = n.attrs;
    if (a.returnIndices) throw new Unexportable(`${n.op} with returnIndices`);
    if (kind === 'AveragePool' && a.divisorOverride !== null && a.divisorOverride !== undefined) throw new Unexportable(`${n.op} with divisorOverride`);
    const padding = nums(a.padding);
    const attrs: Record<string, Attr> = {
      kernel_shape: INTS(nums(a.kernelSize)),
      strides: INTS(nums(a.stride)),
      pads: INTS([...padding, ...padding]),
      ceil_mode: I(a.ceilMode ? 1 : 0),
    };
    if (kind === 'MaxPool') attrs.dilations = INTS(nums(a.dilation));
    else attrs.count_include_pad = I(a.countIncludePad ? 1 : 0);
    return batched(b, x!, xi!, dims, (y) => b.op(kind, [y], attrs));
  };
}

/** Runs `f` on a batched input: an unbatched one (spatial dims + 1 channel dim) gets a batch dim of 1 around it. */
function batched(b: Builder, x: string, xi: ValueInfo, spatial: number, f: (x: string) => string): string {
  if (xi.shape.length === spatial + 2) return f(x);
  const axes = b.int64s([0], 'axes');
  return b.op('Squeeze', [f(b.op('Unsqueeze', [x, axes])), axes]);
}

function adaptive(kind: 'Average' | 'Max', dims: number): Lower {
  return (b, n, [x], [xi]) => {
    if (n.attrs.returnIndices) throw new Unexportable(`${n.op} with returnIndices`);
    const out = nums(n.attrs.outputSize);
    const spatial = xi!.shape.slice(-dims);
    if (out.every((o) => o === 1)) return batched(b, x!, xi!, dims, (y) => b.op(`Global${kind}Pool`, [y]));
    if (xi!.dims.slice(-dims).some((d) => d.dynamic) || spatial.some((s, i) => s % out[i] !== 0)) {
      throw new Unexportable(`${n.op} to an output size that does not divide the input size (${spatial.join('x')} to ${out.join('x')})`);
    }
    const k = spatial.map((s, i) => s / out[i]);
    return batched(b, x!, xi!, dims, (y) => b.op(`${kind}Pool`, [y], { kernel_shape: INTS(k), strides: INTS(k) }));
  };
}

function conv(dims: number, transposed: boolean): Lower {
  return (b, n, [x, w, bias], [xi, wi]) => {
    const a = n.attrs;
    const kernel = wi!.shape.slice(2);
    const attrs: Record<string, Attr> = {
      dilations: INTS(nums(a.dilation)),
      group: I(num(a.groups)),
      kernel_shape: INTS(kernel),
      strides: INTS(nums(a.stride)),
    };
    if (transposed) {
      const p = nums(a.padding);
      attrs.pads = INTS([...p, ...p]);
      attrs.output_padding = INTS(nums(a.outputPadding));
    } else attrs.pads = INTS(nums(a.pads));
    const inputs = bias ? [w!, bias] : [w!];
    return batched(b, x!, xi!, dims, (y) => b.op(transposed ? 'ConvTranspose' : 'Conv', [y, ...inputs], attrs));
  };
}

/** ones or zeros shaped `shape` in `dtype`, for an absent weight or bias. */
function filled(b: Builder, value: number, dtype: DType, shape: readonly number[]): string {
  const n = shape.reduce((p, s) => p * s, 1);
  const data = dtype === 'float64' ? new Float64Array(n).fill(value) : new Float32Array(n).fill(value);
  return b.constant(data, dtype, shape, value === 1 ? 'ones' : 'zeros');
}

const SQRT1_2 = Math.SQRT1_2;

function gelu(b: Builder, x: string, dtype: DType, approximate: string): string {
  if (b.opset >= 20) return b.op('Gelu', [x], { approximate: S(approximate) });
  const half = b.op('Mul', [x, b.scalar(0.5, dtype)]);
  let inner: string;
  if (approximate === 'tanh') {
    const cube = b.op('Mul', [b.op('Mul', [b.op('Mul', [x, x]), x]), b.scalar(0.044715, dtype)]);
    inner = b.op('Tanh', [b.op('Mul', [b.op('Add', [x, cube]), b.scalar(Math.sqrt(2 / Math.PI), dtype)])]);
  } else inner = b.op('Erf', [b.op('Mul', [x, b.scalar(SQRT1_2, dtype)])]);
  return b.op('Mul', [half, b.op('Add', [inner, b.scalar(1, dtype)])]);
}

const dtypeOf = (b: Builder, n: GraphNode): DType => b.info(n.outputs[0]).dtype;

/** The ONNX for each traced op. */
const LOWER: Record<string, Lower> = {
  linear: (b, _n, [x, w, bias], [xi, wi]) => {
    if (xi!.shape.length === 2) return b.op('Gemm', bias ? [x!, w!, bias] : [x!, w!], { transB: I(1) });
    const y = b.op('MatMul', [x!, b.op('Transpose', [w!], { perm: INTS([1, 0]) })]);
    void wi;
    return bias ? b.op('Add', [y, bias]) : y;
  },
  matmul: (b, _n, [x, y]) => b.op('MatMul', [x!, y!]),
  mm: (b, _n, [x, y]) => b.op('MatMul', [x!, y!]),
  bmm: (b, _n, [x, y]) => b.op('MatMul', [x!, y!]),
  conv1d: conv(1, false),
  conv2d: conv(2, false),
  convTranspose1d: conv(1, true),
  convTranspose2d: conv(2, true),
  maxPool1d: pool('MaxPool', 1),
  maxPool2d: pool('MaxPool', 2),
  avgPool1d: pool('AveragePool', 1),
  avgPool2d: pool('AveragePool', 2),
  adaptiveAvgPool1d: adaptive('Average', 1),
  adaptiveAvgPool2d: adaptive('Average', 2),
  adaptiveMaxPool2d: adaptive('Max', 2),
  batchNorm: (b, n, [x, mean, variance, w, bias], [xi]) => {
    if (n.attrs.training) throw new Unexportable('batchNorm in training mode (export in eval mode)');
    const c = [xi!.shape[1]];
    const dtype = xi!.dtype;
    return b.op('BatchNormalization', [x!, w ?? filled(b, 1, dtype, c), bias ?? filled(b, 0, dtype, c), mean!, variance!], {
      epsilon: F(num(n.attrs.eps)),
      momentum: F(1 - num(n.attrs.momentum)),
    });
  },
  layerNorm: (b, n, [x, w, bias], [xi]) => {
    if (b.opset < 17) throw new Unexportable('layerNorm before opset 17 (LayerNormalization)');
    const shape = nums(n.attrs.normalizedShape);
    const dtype = xi!.dtype;
    return b.op('LayerNormalization', [x!, w ?? filled(b, 1, dtype, shape), bias ?? filled(b, 0, dtype, shape)], {
      axis: I(-shape.length),
      epsilon: F(num(n.attrs.eps)),
    });
  },
  groupNorm: (b, n, [x, w, bias], [xi]) => {
    // as torch.onnx: InstanceNormalization over (N, G, rest), then the per-channel affine
    const g = num(n.attrs.numGroups);
    const dtype = xi!.dtype;
    const rank = xi!.shape.length;
    const grouped = b.op('Reshape', [x!, b.int64s([0, g, -1])]);
    const normed = b.op('InstanceNormalization', [grouped, filled(b, 1, dtype, [g]), filled(b, 0, dtype, [g])], { epsilon: F(num(n.attrs.eps)) });
    let y = b.op('Reshape', [normed, b.op('Shape', [x!])]);
    const perChannel = [xi!.shape[1], ...new Array<number>(rank - 2).fill(1)];
    if (w) y = b.op('Mul', [y, b.op('Reshape', [w, b.int64s(perChannel)])]);
    if (bias) y = b.op('Add', [y, b.op('Reshape', [bias, b.int64s(perChannel)])]);
    return y;
  },
  instanceNorm: (b, n, [x, , , w, bias], [xi]) => {
    if (!n.attrs.useInputStats) throw new Unexportable('instanceNorm with useInputStats false (running statistics)');
    const c = [xi!.shape[1]];
    const dtype = xi!.dtype;
    return b.op('InstanceNormalization', [x!, w ?? filled(b, 1, dtype, c), bias ?? filled(b, 0, dtype, c)], { epsilon: F(num(n.attrs.eps)) });
  },
  relu: unary('Relu'),
  sigmoid: unary('Sigmoid'),
  tanh: unary('Tanh'),
  exp: unary('Exp'),
  log: unary('Log'),
  sqrt: unary('Sqrt'),
  abs: unary('Abs'),
  neg: unary('Neg'),
  sign: unary('Sign'),
  floor: unary('Floor'),
  ceil: unary('Ceil'),
  reciprocal: unary('Reciprocal'),
  sin: unary('Sin'),
  cos: unary('Cos'),
  tan: unary('Tan'),
  asin: unary('Asin'),
  acos: unary('Acos'),
  atan: unary('Atan'),
  sinh: unary('Sinh'),
  cosh: unary('Cosh'),
  asinh: unary('Asinh'),
  acosh: unary('Acosh'),
  atanh: unary('Atanh'),
  erf: unary('Erf'),
  softsign: unary('Softsign'),
  rsqrt: (b, _n, [x]) => b.op('Reciprocal', [b.op('Sqrt', [x!])]),
  log1p: (b, n, [x]) => b.op('Log', [b.op('Add', [x!, b.scalar(1, dtypeOf(b, n))])]),
  expm1: (b, n, [x]) => b.op('Sub', [b.op('Exp', [x!]), b.scalar(1, dtypeOf(b, n))]),
  leakyRelu: (b, n, [x]) => b.op('LeakyRelu', [x!], { alpha: F(num(n.attrs.negativeSlope)) }),
  elu: (b, n, [x]) => b.op('Elu', [x!], { alpha: F(num(n.attrs.alpha)) }),
  selu: (b, _n, [x]) => b.op('Selu', [x!], { alpha: F(1.6732632423543772), gamma: F(1.0507009873554805) }),
  celu: (b, n, [x]) => b.op('Celu', [x!], { alpha: F(num(n.attrs.alpha)) }),
  gelu: (b, n, [x]) => gelu(b, x!, dtypeOf(b, n), n.attrs.approximate as string),
  silu: (b, _n, [x]) => b.op('Mul', [x!, b.op('Sigmoid', [x!])]),
  mish: (b, _n, [x]) => (b.opset >= 18 ? b.op('Mish', [x!]) : b.op('Mul', [x!, b.op('Tanh', [b.op('Softplus', [x!])])])),
  softplus: (b, n, [x]) => {
    // NOTE: ONNX's Softplus has no threshold; above it PyTorch returns x, which differs from log(1 + e^x) by under e^-threshold
    const beta = num(n.attrs.beta);
    if (beta === 1) return b.op('Softplus', [x!]);
    const s = b.scalar(beta, dtypeOf(b, n));
    return b.op('Div', [b.op('Softplus', [b.op('Mul', [x!, s])]), s]);
  },
  logsigmoid: (b, _n, [x]) => b.op('Neg', [b.op('Softplus', [b.op('Neg', [x!])])]),
  hardsigmoid: (b, _n, [x]) => b.op('HardSigmoid', [x!], { alpha: F(1 / 6), beta: F(0.5) }),
  hardswish: (b, _n, [x]) => (b.opset >= 14 ? b.op('HardSwish', [x!]) : b.op('Mul', [x!, b.op('HardSigmoid', [x!], { alpha: F(1 / 6), beta: F(0.5) })])),
  hardtanh: (b, n, [x]) => b.op('Clip', [x!, b.scalar(num(n.attrs.minVal), dtypeOf(b, n)), b.scalar(num(n.attrs.maxVal), dtypeOf(b, n))]),
  relu6: (b, n, [x]) => b.op('Clip', [x!, b.scalar(0, dtypeOf(b, n)), b.scalar(6, dtypeOf(b, n))]),
  softshrink: (b, n, [x]) => b.op('Shrink', [x!], { lambd: F(num(n.attrs.lambd)), bias: F(num(n.attrs.lambd)) }),
  hardshrink: (b, n, [x]) => b.op('Shrink', [x!], { lambd: F(num(n.attrs.lambd)), bias: F(0) }),
  tanhshrink: (b, _n, [x]) => b.op('Sub', [x!, b.op('Tanh', [x!])]),
  threshold: (b, n, [x]) => {
    const dtype = dtypeOf(b, n);
    return b.op('Where', [b.op('Greater', [x!, b.scalar(num(n.attrs.threshold), dtype)]), x!, b.scalar(num(n.attrs.value), dtype)]);
  },
  prelu: (b, _n, [x, w], [xi, wi]) => {
    const rank = xi!.shape.length;
    const slope = wi!.shape[0] === 1 || rank <= 2 ? w! : b.op('Reshape', [w!, b.int64s([wi!.shape[0], ...new Array<number>(rank - 2).fill(1)])]);
    return b.op('PRelu', [x!, slope]);
  },
  glu: (b, n, [x], [xi]) => {
    const d = num(n.attrs.dim);
    const half = xi!.shape[d] / 2;
    const [a, g] = b.node('Split', [x!, b.int64s([half, half], 'split')], 2, { axis: I(d) });
    return b.op('Mul', [a, b.op('Sigmoid', [g])]);
  },
  softmax: (b, n, [x]) => b.op('Softmax', [x!], { axis: I(num(n.attrs.dim)) }),
  logSoftmax: (b, n, [x]) => b.op('LogSoftmax', [x!], { axis: I(num(n.attrs.dim)) }),
  softmin: (b, n, [x]) => b.op('Softmax', [b.op('Neg', [x!])], { axis: I(num(n.attrs.dim)) }),
  add: binary('Add'),
  sub: binary('Sub'),
  mul: binary('Mul'),
  div: binary('Div'),
  eq: binary('Equal', true),
  gt: binary('Greater', true),
  lt: binary('Less', true),
  ge: binary('GreaterOrEqual', true),
  le: binary('LessOrEqual', true),
  ne: (b, n, ins, infos) => b.op('Not', [binary('Equal', true)(b, n, ins, infos) as string]),
  logicalAnd: (b, _n, [x, y], [xi, yi]) => b.op('And', [b.cast(x!, xi!.dtype, 'bool'), b.cast(y!, yi!.dtype, 'bool')]),
  where: (b, n, [c, x, y], [, xi, yi]) => {
    const to = dtypeOf(b, n);
    return b.op('Where', [c!, b.cast(x!, xi!.dtype, to), b.cast(y!, yi!.dtype, to)]);
  },
  pow: (b, n, [x, y], [xi, yi]) => {
    const to = dtypeOf(b, n);
    if ('exponent' in n.attrs) return b.op('Pow', [b.cast(x!, xi!.dtype, to), b.scalar(num(n.attrs.exponent), to)]);
    return b.op('Pow', [b.cast(x!, xi!.dtype, to), b.cast(y!, yi!.dtype, to)]);
  },
  clamp: (b, n, [x], [xi]) => {
    const to = dtypeOf(b, n);
    const bound = (v: TraceAttr): string => (v === null ? '' : b.scalar(num(v), to));
    return b.op('Clip', [b.cast(x!, xi!.dtype, to), bound(n.attrs.min), bound(n.attrs.max)]);
  },
  to: (b, n, [x]) => b.op('Cast', [x!], { to: I(ONNX_TYPE[n.attrs.dtype as DType]) }),
  clone: (b, _n, [x]) => b.op('Identity', [x!]),
  dropout: dropoutLike,
  dropout1d: dropoutLike,
  dropout2d: dropoutLike,
  dropout3d: dropoutLike,
  alphaDropout: dropoutLike,
  featureAlphaDropout: dropoutLike,
  reshape: (b, n, [x], [xi]) => b.op('Reshape', [x!, b.int64s(dynamicShape(xi!, b.info(n.outputs[0]), false, 'reshape'))]),
  view: (b, n, [x], [xi]) => b.op('Reshape', [x!, b.int64s(dynamicShape(xi!, b.info(n.outputs[0]), false, 'view'))]),
  flatten: (b, n, [x], [xi]) => {
    const start = num(n.attrs.startDim);
    const end = num(n.attrs.endDim);
    if (start === 1 && end === xi!.shape.length - 1) return b.op('Flatten', [x!], { axis: I(1) });
    // dims before the merged ones are kept (0), the merged one is inferred (-1) when it holds a dynamic dim
    const dims = xi!.dims;
    const merged = dims.slice(start, end + 1);
    const after = dims.slice(end + 1);
    if (merged.some((d) => d.dynamic) && after.some((d) => d.dynamic))
      throw new Unexportable('flatten with dynamic dims both inside and after the merged ones');
    const shape = [
      ...dims.slice(0, start).map((d) => (d.dynamic ? 0 : d.size)),
      merged.some((d) => d.dynamic) ? -1 : merged.reduce((q, d) => q * d.size, 1),
      ...after.map((d) => (d.dynamic ? -1 : d.size)),
    ];
    return b.op('Reshape', [x!, b.int64s(shape)]);
  },
  squeeze: (b, n, [x]) => (nums(n.attrs.dim).length ? b.op('Squeeze', [x!, b.int64s(nums(n.attrs.dim), 'axes')]) : b.op('Identity', [x!])),
  unsqueeze: (b, n, [x]) => b.op('Unsqueeze', [x!, b.int64s([num(n.attrs.dim)], 'axes')]),
  permute: (b, n, [x]) => b.op('Transpose', [x!], { perm: INTS(nums(n.attrs.dims)) }),
  transpose: (b, n, [x]) => b.op('Transpose', [x!], { perm: INTS(nums(n.attrs.dims)) }),
  expand: (b, n, [x], [xi]) => b.op('Expand', [x!, b.int64s(dynamicShape(xi!, b.info(n.outputs[0]), true, 'expand'))]),
  cat: (b, n, ins, infos) => {
    const to = dtypeOf(b, n);
    return b.op(
      'Concat',
      ins.map((x, i) => b.cast(x!, infos[i]!.dtype, to)),
      { axis: I(num(n.attrs.dim)) },
    );
  },
  stack: (b, n, ins, infos) => {
    const to = dtypeOf(b, n);
    const axes = b.int64s([num(n.attrs.dim)], 'axes');
    return b.op(
      'Concat',
      ins.map((x, i) => b.op('Unsqueeze', [b.cast(x!, infos[i]!.dtype, to), axes])),
      { axis: I(num(n.attrs.dim)) },
    );
  },
  gather: (b, n, [x, index]) => b.op('GatherElements', [x!, index!], { axis: I(num(n.attrs.dim)) }),
  indexSelect: (b, n, [x, index]) => b.op('Gather', [x!, index!], { axis: I(num(n.attrs.dim)) }),
  narrow: (b, n, [x]) => {
    const start = num(n.attrs.start);
    return b.op('Slice', [x!, b.int64s([start], 'starts'), b.int64s([start + num(n.attrs.length)], 'ends'), b.int64s([num(n.attrs.dim)], 'axes')]);
  },
  embedding: (b, n, [input, w]) => {
    if (n.attrs.maxNorm !== null) throw new Unexportable('embedding with maxNorm (it renormalizes the weight in place)');
    return b.op('Gather', [w!, input!], { axis: I(0) });
  },
  sum: (b, n, [x]) => b.reduce('ReduceSum', x!, nums(n.attrs.dim), n.attrs.keepdim as boolean),
  mean: (b, n, [x]) => b.reduce('ReduceMean', x!, nums(n.attrs.dim), n.attrs.keepdim as boolean),
  amax: (b, n, [x]) => b.reduce('ReduceMax', x!, nums(n.attrs.dim), n.attrs.keepdim as boolean),
  amin: (b, n, [x]) => b.reduce('ReduceMin', x!, nums(n.attrs.dim), n.attrs.keepdim as boolean),
  max: extremeLower('Max'),
  min: extremeLower('Min'),
  argmax: argLower('ArgMax'),
  argmin: argLower('ArgMin'),
  pad: (b, n, [x], [xi]) => {
    const pad = nums(n.attrs.pad);
    const rank = xi!.shape.length;
    const before = new Array<number>(rank).fill(0);
    const after = new Array<number>(rank).fill(0);
    for (let i = 0; i < pad.length / 2; i++) {
      before[rank - 1 - i] = pad[2 * i];
      after[rank - 1 - i] = pad[2 * i + 1];
    }
    const mode = n.attrs.mode as string;
    const onnxMode = { constant: 'constant', reflect: 'reflect', replicate: 'edge', circular: 'wrap' }[mode];
    if (onnxMode === undefined || (mode === 'circular' && b.opset < 19))
      throw new Unexportable(`pad with mode '${mode}'${mode === 'circular' ? ' before opset 19' : ''}`);
    const inputs = [x!, b.int64s([...before, ...after], 'pads')];
    if (mode === 'constant') inputs.push(b.scalar(num(n.attrs.value), xi!.dtype));
    return b.op('Pad', inputs, { mode: S(onnxMode) });
  },
  interpolate: (b, n, [x], [xi]) => {
    const mode = n.attrs.mode as string;
    const size = nums(n.attrs.size);
    const spatial = xi!.shape.slice(2);
    if (mode === 'area') {
      return adaptive('Average', size.length)(b, { ...n, op: 'interpolate', attrs: { outputSize: size } }, [x], [xi]) as string;
    }
    const given = n.attrs.scaleFactor as (number | null)[];
    const attrs: Record<string, Attr> = {};
    if (mode === 'nearest') Object.assign(attrs, { mode: S('nearest'), coordinate_transformation_mode: S('asymmetric'), nearest_mode: S('floor') });
    else if (mode === 'nearest-exact')
      Object.assign(attrs, { mode: S('nearest'), coordinate_transformation_mode: S('half_pixel'), nearest_mode: S('round_prefer_ceil') });
    else Object.assign(attrs, { mode: S('linear'), coordinate_transformation_mode: S(n.attrs.alignCorners ? 'align_corners' : 'pytorch_half_pixel') });
    // scales as PyTorch used them: the given factors, or out / in when they divide exactly
    const scales = spatial.map((s, i) => given[i] ?? (size[i] % s === 0 ? size[i] / s : null));
    if (scales.every((s, i) => s !== null && Math.floor(spatial[i] * s) === size[i])) {
      const dtype = 'float32';
      const sc = b.constant(Float32Array.from([1, 1, ...(scales as number[])]), dtype, [2 + spatial.length], 'scales');
      return b.op('Resize', [x!, '', sc], attrs);
    }
    if (b.opset < 18) throw new Unexportable(`interpolate to a size that is not a whole multiple of the input's before opset 18`);
    const axes = spatial.map((_, i) => 2 + i);
    return b.op('Resize', [x!, '', '', b.int64s(size, 'sizes')], { ...attrs, axes: INTS(axes) });
  },
};

function dropoutLike(b: Builder, n: GraphNode, [x]: (string | null)[]): string {
  if (n.attrs.training && num(n.attrs.p) > 0) throw new Unexportable(`${n.op} in training mode (export in eval mode)`);
  return b.op('Identity', [x!]);
}

function extremeLower(kind: 'Max' | 'Min'): Lower {
  return (b, n, [x], [xi]) => {
    const dim = n.attrs.dim;
    if (dim === null)
      return b.reduce(
        `Reduce${kind}`,
        x!,
        xi!.shape.map((_, i) => i),
        false,
      );
    const keepdims = n.attrs.keepdim as boolean;
    const values = b.reduce(`Reduce${kind}`, x!, [num(dim)], keepdims);
    const indices = b.op(`Arg${kind}`, [x!], { axis: I(num(dim)), keepdims: I(keepdims ? 1 : 0) });
    return [values, b.op('Cast', [indices], { to: I(DataType.INT32) })];
  };
}

function argLower(kind: 'ArgMax' | 'ArgMin'): Lower {
  return (b, n, [x], [xi]) => {
    const keepdims = n.attrs.keepdim as boolean;
    let y: string;
    if (n.attrs.dim === null) {
      y = b.op(kind, [b.op('Reshape', [x!, b.int64s([-1])])], { axis: I(0), keepdims: I(0) });
      if (keepdims) y = b.op('Reshape', [y, b.int64s(xi!.shape.map(() => 1))]);
    } else y = b.op(kind, [x!], { axis: I(num(n.attrs.dim)), keepdims: I(keepdims ? 1 : 0) });
    return b.op('Cast', [y], { to: I(DataType.INT32) });
  };
}

/** The ops `onnx.export` can write, by trace name. */
export const EXPORTABLE_OPS: readonly string[] = Object.keys(LOWER);

function valueInfo(name: string, info: ValueInfo): Record<string, unknown> {
  return {
    name,
    type: {
      tensorType: {
        elemType: ONNX_TYPE[info.dtype],
        shape: { dim: info.dims.map((d) => (d.dynamic ? { dimParam: d.dynamic } : { dimValue: d.size })) },
      },
    },
  };
}

/** Writes a traced graph as ONNX ModelProto bytes. */
export function graphToOnnx(graph: Graph, opsetVersion: number = DEFAULT_OPSET, docString = ''): Uint8Array {
  const b = new Builder(graph, opsetVersion);
  for (const i of graph.inputs) b.claim(i.id, i.name);
  for (const s of graph.state) b.claim(s.id, s.name);
  const outputIds = new Set<ValueId>();
  for (const o of graph.outputs) {
    // a node's output takes the output's name; an input, parameter, constant or repeated output gets an Identity to it
    if (b.graph.values.get(o.id)!.kind === 'node' && !outputIds.has(o.id)) b.claim(o.id, o.name);
    else b.reserve(o.name);
    outputIds.add(o.id);
  }
  for (const c of graph.constants) {
    const info = graph.values.get(c.id)!;
    b.bind(c.id, b.constant(c.data, info.dtype, info.shape, `const_${c.id}`));
  }
  for (const s of graph.state)
    b.initializers.push({ name: s.name, dims: [...s.tensor.shape], dataType: ONNX_TYPE[s.tensor.dtype], rawData: rawBytes(s.tensor.data, s.tensor.dtype) });

  const problems: string[] = [];
  for (const n of graph.nodes) {
    const lower = LOWER[n.op];
    const where = n.scope[n.scope.length - 1] ? ` (in ${n.scope[n.scope.length - 1]})` : '';
    if (!lower) {
      problems.push(`${n.op}${where}: ONNX has no operator for it in tsgrad's exporter`);
      continue;
    }
    try {
      const ins = n.inputs.map((i) => (i === null ? null : b.name(i)));
      const infos = n.inputs.map((i) => (i === null ? null : b.info(i)));
      const outs = lower(b, n, ins, infos);
      const list = typeof outs === 'string' ? [outs] : outs;
      n.outputs.forEach((o, k) => {
        if (k < list.length) b.bind(o, list[k]);
      });
    } catch (e) {
      if (!(e instanceof Unexportable)) throw e;
      problems.push(`${e.message}${where}`);
    }
  }
  if (problems.length) throw new Error(`onnx.export: cannot export ${problems.length === 1 ? 'this op' : 'these ops'}:\n  ${problems.join('\n  ')}`);
  const outputs = graph.outputs.map((o) => {
    const name = b.name(o.id);
    if (name !== o.name) b.node('Identity', [name], [o.name]);
    return valueInfo(o.name, graph.values.get(o.id)!);
  });
  const model = {
    irVersion: opsetVersion >= 19 ? 9 : 8,
    opsetImport: [{ domain: '', version: opsetVersion }],
    producerName: 'tsgrad',
    producerVersion: '0.1.0',
    docString,
    graph: {
      name: 'main_graph',
      node: b.nodes,
      initializer: b.initializers,
      input: graph.inputs.map((i) => valueInfo(i.name, graph.values.get(i.id)!)),
      output: outputs,
    },
  };
  return encodeModel(model);
}

/**
 * Exports `model` to ONNX (`torch.onnx.export`): traces its forward on `exampleInputs` (in eval mode
 * unless `training: 'preserve'`; the module's mode is restored) and returns the bytes of an ONNX
 * ModelProto with the parameters and buffers as initializers, named by their state-dict keys. Opsets
 * 13 to 20 (default 17). An op with no ONNX operator in the exporter is an Error listing them all.
 */
export function exportModel(model: Module, exampleInputs: Tensor | readonly Tensor[], options: ExportOptions = {}): Uint8Array {
  checkOptions(options, OPTIONS, 'onnx.export', UNSUPPORTED);
  const opset = options.opsetVersion ?? DEFAULT_OPSET;
  if (!Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new Error(`onnx.export: opsetVersion must be a whole number from ${MIN_OPSET} to ${MAX_OPSET}, got ${describe(opset)}`);
  }
  const training = options.training ?? 'eval';
  if (training !== 'eval' && training !== 'preserve') throw new Error(`onnx.export: training must be 'eval' or 'preserve', got ${describe(training)}`);
  if (options.docString !== undefined && typeof options.docString !== 'string')
    throw new Error(`onnx.export: docString must be a string, got ${describe(options.docString)}`);
  const dynamicBatch = checkBoolean(options.dynamicBatch ?? false, 'onnx.export', 'dynamicBatch');
  const modes = model.modules().map((m) => [m, m.training] as const);
  if (training === 'eval') model.eval();
  let graph: Graph;
  try {
    graph = trace(model, exampleInputs, {
      dynamicBatch,
      dynamicAxes: options.dynamicAxes,
      inputNames: options.inputNames,
      outputNames: options.outputNames,
      warn: true,
    });
  } catch (e) {
    if (e instanceof Error) e.message = e.message.replace(/^jit\.trace:/gm, 'onnx.export:');
    throw e;
  } finally {
    for (const [m, mode] of modes) m.training = mode;
  }
  return graphToOnnx(graph, opset, options.docString ?? '');
}
