/**
 * Broadcasting elementwise ops of two tensors (add, sub, mul, div, pow, the comparisons, logical and)
 * and `where`; the others (maximum, remainder, atan2, the bitwise ops...) are in ops/elementwise.ts.
 */
import { Node } from '../autograd/node';
import { allocate, type DType, type FloatArray, getDefaultDtype, isFloatDtype, resultType } from '../dtype';
import { kernels } from '../backend/registry';
import { type BinaryRun, broadcastBinary } from '../kernels/broadcast';
import * as k from '../kernels/elementwise';
import { broadcastShapes, type Shape } from '../shape';
import { Tensor } from '../tensor';
import { cast, checkOperands, checkScalar, checkTensor, expandTo, type TensorOrNumber, toTensor, zerosOf } from './helpers';
import { sumTo } from './layout';
import { needsGrad, record } from '../autograd/record';
import { tracer } from '../autograd/trace-hook';

/**
 * The runs whose whole-array and one-value cases the kernel backend takes (KernelBackend.arithmetic:
 * the wasm backend's SIMD loops from 64 elements, the same bits); other shapes, dtypes and runs go
 * through broadcastBinary here.
 */
const BACKEND_RUNS = new Map<BinaryRun, k.ArithmeticOp>(Object.entries(k.arithmeticRuns).map(([op, run]) => [run, op as k.ArithmeticOp]));

/**
 * Runs `run` over a and b broadcast together, computing in `dtype` and storing as `outDtype`.
 * Returns the result and the operands as tensors (numbers become 0-d tensors of `dtype`).
 * NOTE: the operands come back uncast: they are the graph's inputs, and a cast copy would carry
 * no grad (a float32 tensor times a float64 one must still reach the float32 one).
 */
export function elementwise(
  name: string,
  run: BinaryRun,
  a: TensorOrNumber,
  b: TensorOrNumber,
  dtype: DType,
  outDtype: DType = dtype,
): [Tensor, Tensor, Tensor] {
  const at = toTensor(a, dtype, name);
  const bt = toTensor(b, dtype, name);
  const out = zerosOf(broadcastShapes(at.shape, bt.shape, name), outDtype);
  const ad = cast(at, dtype).data,
    bd = cast(bt, dtype).data,
    od = out.data;
  const op = BACKEND_RUNS.get(run);
  const n = od.length;
  if (op !== undefined && outDtype === dtype && (dtype === 'float32' || dtype === 'float64') && n > 0 && (ad.length === n || ad.length === 1) && (bd.length === n || bd.length === 1)) {
    kernels().arithmetic(op, ad as FloatArray, bd as FloatArray, od as FloatArray);
  } else {
    broadcastBinary(run, ad, at.shape, bd, bt.shape, od, out.shape);
  }
  return [out, at, bt];
}

/**
 * Arithmetic on two bools gives bool in PyTorch (add is or, mul is and). int32 results are computed
 * in float64 and must fit int32: PyTorch's int64 would hold them, so wrapping would lose them silently.
 */
function arithmetic(name: string, run: BinaryRun, a: TensorOrNumber, b: TensorOrNumber, dtype: DType): [Tensor, Tensor, Tensor] {
  if (dtype === 'int32') {
    const [wide, at, bt] = elementwise(name, run, a, b, 'int32', 'float64');
    const w = wide.data;
    for (let i = 0; i < w.length; i++) {
      if (w[i] > 2147483647 || w[i] < -2147483648) {
        throw new Error(
          `${name}: the result ${w[i]} does not fit int32, tsgrad's integer dtype (for PyTorch's int64); compute in floating point instead (x.double())`,
        );
      }
    }
    return [cast(wide, 'int32'), at, bt];
  }
  if (dtype !== 'bool') return elementwise(name, run, a, b, dtype);
  const [out, at, bt] = elementwise(name, run, a, b, 'bool', 'int32');
  return [cast(out, 'bool'), at, bt];
}

/** a + b, broadcasting (`torch.add`); `alpha` scales b first. */
export function add(a: TensorOrNumber, b: TensorOrNumber, alpha = 1): Tensor {
  checkOperands(a, b, 'add');
  checkScalar(alpha, 'add', 'alpha');
  if (alpha !== 1) b = mul(b, alpha);
  const [out, at, bt] = arithmetic('add', k.addRun, a, b, resultType(a, b));
  if (needsGrad(at, bt)) record(out, new AddBackward(at.shape, bt.shape), at, bt);
  if (tracer !== null) tracer.op('add', [at, bt], {}, out);
  return out;
}

class AddBackward extends Node {
  readonly name = 'AddBackward0';
  constructor(
    private readonly aShape: Shape,
    private readonly bShape: Shape,
  ) {
    super();
  }
  // d(a+b)/da = g, d(a+b)/db = g (each summed back to its input's shape)
  backward(g: Tensor): (Tensor | null)[] {
    return [this.needsInputGrad[0] ? sumTo(g, this.aShape) : null, this.needsInputGrad[1] ? sumTo(g, this.bShape) : null];
  }
}

/** a - b, broadcasting (`torch.sub`); `alpha` scales b first. */
export function sub(a: TensorOrNumber, b: TensorOrNumber, alpha = 1): Tensor {
  checkOperands(a, b, 'sub');
  checkScalar(alpha, 'sub', 'alpha');
  const isBool = (x: TensorOrNumber): boolean => typeof x === 'object' && x !== null && x.dtype === 'bool';
  if (isBool(a) && isBool(b)) throw new Error('sub: subtracting bool tensors is not supported (as in PyTorch); convert them with .int() first');
  if (isBool(a) || isBool(b)) {
    throw new Error(
      'sub: subtracting with a bool tensor is not supported (as in PyTorch); to invert a mask use mask.eq(false), or convert it with .int() first',
    );
  }
  if (alpha !== 1) b = mul(b, alpha);
  const dtype = resultType(a, b);
  const [out, at, bt] = arithmetic('sub', k.subRun, a, b, dtype);
  // PyTorch computes `2 - x` as rsub(x, 2): RsubBackward1
  const name = typeof a === 'number' ? 'RsubBackward1' : 'SubBackward0';
  if (needsGrad(at, bt)) record(out, new SubBackward(name, at.shape, bt.shape), at, bt);
  if (tracer !== null) tracer.op('sub', [at, bt], {}, out);
  return out;
}

class SubBackward extends Node {
  constructor(
    readonly name: string,
    private readonly aShape: Shape,
    private readonly bShape: Shape,
  ) {
    super();
  }
  // d(a-b)/da = g, d(a-b)/db = -g
  backward(g: Tensor): (Tensor | null)[] {
    return [this.needsInputGrad[0] ? sumTo(g, this.aShape) : null, this.needsInputGrad[1] ? sumTo(neg(g), this.bShape) : null];
  }
}

/** a * b, broadcasting (`torch.mul`). */
export function mul(a: TensorOrNumber, b: TensorOrNumber): Tensor {
  checkOperands(a, b, 'mul');
  const [out, at, bt] = arithmetic('mul', k.mulRun, a, b, resultType(a, b));
  if (needsGrad(at, bt)) record(out, new MulBackward(at, bt), at, bt);
  if (tracer !== null) tracer.op('mul', [at, bt], {}, out);
  return out;
}

class MulBackward extends Node {
  readonly name = 'MulBackward0';
  constructor(a: Tensor, b: Tensor) {
    super();
    this.save(a, b);
  }
  // d(ab)/da = g * b, d(ab)/db = g * a
  backward(g: Tensor): (Tensor | null)[] {
    const [a, b] = this.saved;
    return [this.needsInputGrad[0] ? sumTo(mul(g, b), a.shape) : null, this.needsInputGrad[1] ? sumTo(mul(g, a), b.shape) : null];
  }
  // without broadcasting or casts (dropout's input times its mask): backward's products, the last
  // one written into g when it may be
  override fastBackward(g: Tensor, reusable: boolean): (Tensor | null)[] {
    const [a, b] = this.saved;
    const n = g.data.length;
    // (an input of g's size differs from g's shape by leading 1s at most)
    if (!isFloatDtype(g.dtype) || a.dtype !== g.dtype || b.dtype !== g.dtype || a.data.length !== n || b.data.length !== n || n === 0) return this.backward(g);
    const [needA, needB] = this.needsInputGrad;
    const db = needB ? product(g, a, b.shape, reusable && !needA) : null;
    return [needA ? product(g, b, a.shape, reusable) : null, db];
  }
}

/**
 * g * other as a tensor of `shape` (g's size: g's shape but for leading 1s), written into g's
 * storage when `into`. (A function, not a closure: the bundle names every closure it makes.)
 */
function product(g: Tensor, other: Tensor, shape: Shape, into: boolean): Tensor {
  const out = into ? g.data : allocate(g.dtype, g.data.length);
  kernels().arithmetic('mul', g.data as FloatArray, other.data as FloatArray, out as FloatArray);
  return new Tensor(out, shape, g.dtype);
}

/** a / b, broadcasting, always true division (`torch.div`): integers divide to the default float. */
export function div(a: TensorOrNumber, b: TensorOrNumber): Tensor {
  checkOperands(a, b, 'div');
  let dtype = resultType(a, b);
  if (!isFloatDtype(dtype)) dtype = getDefaultDtype();
  const [out, at, bt] = elementwise('div', k.divRun, a, b, dtype);
  // PyTorch computes `2 / x` as x.reciprocal() * 2: MulBackward0
  const name = typeof a === 'number' ? 'MulBackward0' : 'DivBackward0';
  if (needsGrad(at, bt)) record(out, new DivBackward(name, at, bt), at, bt);
  if (tracer !== null) tracer.op('div', [at, bt], {}, out);
  return out;
}

class DivBackward extends Node {
  constructor(
    readonly name: string,
    a: Tensor,
    b: Tensor,
  ) {
    super();
    this.save(a, b);
  }
  // d(a/b)/da = g / b, d(a/b)/db = -g * (a / b) / b (not a / b^2, which overflows where a / b / b does not)
  backward(g: Tensor): (Tensor | null)[] {
    const [a, b] = this.saved;
    return [this.needsInputGrad[0] ? sumTo(div(g, b), a.shape) : null, this.needsInputGrad[1] ? sumTo(neg(mul(g, div(div(a, b), b))), b.shape) : null];
  }
}

/** a ** b for a tensor exponent, broadcasting (`torch.pow`); see unary `powScalar` for numbers. */
export function powTensor(a: TensorOrNumber, b: TensorOrNumber): Tensor {
  checkOperands(a, b, 'pow');
  const dtype = resultType(a, b);
  if (dtype === 'bool') throw new Error('pow: bool tensors are not supported (as in PyTorch); convert them with .int() first');
  const [out, at, bt] = elementwise('pow', k.powRun, a, b, dtype);
  // PyTorch names pow(Tensor, Tensor) PowBackward1 and pow(Scalar, Tensor) PowBackward2
  if (needsGrad(at, bt)) record(out, new PowBackward(typeof a === 'number' ? 'PowBackward2' : 'PowBackward1', at, bt, out), at, bt);
  if (tracer !== null) tracer.op('pow', [at, bt], {}, out);
  return out;
}

class PowBackward extends Node {
  constructor(
    readonly name: string,
    a: Tensor,
    b: Tensor,
    out: Tensor,
  ) {
    super();
    this.save(a, b, out);
  }
  // d(a^b)/da = b a^(b-1), taken as 0 where b = 0; d(a^b)/db = a^b ln(a), taken as 0 where a = 0 and b >= 0
  backward(g: Tensor): (Tensor | null)[] {
    const [a, b, y] = this.saved;
    return [
      this.needsInputGrad[0] ? sumTo(where(eq(b, 0), 0, mul(g, mul(b, powTensor(a, sub(b, 1))))), a.shape) : null,
      this.needsInputGrad[1] ? sumTo(where(logicalAnd(eq(a, 0), ge(b, 0)), 0, mul(mul(g, y), a.log())), b.shape) : null,
    ];
  }
}

/** -x (`torch.neg`). */
export function neg(x: Tensor): Tensor {
  checkTensor(x, 'neg');
  if (x.dtype === 'bool') throw new Error('neg: negating a bool tensor is not supported (as in PyTorch); to invert a mask use x.eq(false)');
  const y = mul(x.detach(), -1);
  if (needsGrad(x)) record(y, new NegBackward(), x);
  if (tracer !== null) tracer.op('neg', [x], {}, y);
  return y;
}

class NegBackward extends Node {
  readonly name = 'NegBackward0';
  // d(-x)/dx = -g
  backward(g: Tensor): Tensor[] {
    return [neg(g)];
  }
}

function compare(name: string, run: BinaryRun, a: TensorOrNumber, b: TensorOrNumber): Tensor {
  checkOperands(a, b, name);
  const [out, at, bt] = elementwise(name, run, a, b, resultType(a, b), 'bool');
  if (tracer !== null) tracer.op(name, [at, bt], {}, out);
  return out;
}

/** Elementwise a && b of truth values (nonzero is true) as a bool tensor (`torch.logical_and`). */
export const logicalAnd = (a: TensorOrNumber, b: TensorOrNumber): Tensor => compare('logicalAnd', k.logicalAndRun, a, b);

/** Elementwise a == b as a bool tensor (no gradient). */
export const eq = (a: TensorOrNumber, b: TensorOrNumber): Tensor => compare('eq', k.eqRun, a, b);
/** Elementwise a != b as a bool tensor (no gradient). */
export const ne = (a: TensorOrNumber, b: TensorOrNumber): Tensor => compare('ne', k.neRun, a, b);
/** Elementwise a > b as a bool tensor (no gradient). */
export const gt = (a: TensorOrNumber, b: TensorOrNumber): Tensor => compare('gt', k.gtRun, a, b);
/** Elementwise a < b as a bool tensor (no gradient). */
export const lt = (a: TensorOrNumber, b: TensorOrNumber): Tensor => compare('lt', k.ltRun, a, b);
/** Elementwise a >= b as a bool tensor (no gradient). */
export const ge = (a: TensorOrNumber, b: TensorOrNumber): Tensor => compare('ge', k.geRun, a, b);
/** Elementwise a <= b as a bool tensor (no gradient). */
export const le = (a: TensorOrNumber, b: TensorOrNumber): Tensor => compare('le', k.leRun, a, b);

/**
 * a where `condition` is true, else b, all three broadcast together (`torch.where`); a and b may
 * be numbers. The result has a and b's promoted dtype.
 */
export function where(condition: Tensor, a: TensorOrNumber, b: TensorOrNumber): Tensor {
  checkTensor(condition, 'where', 'condition');
  if (condition.dtype !== 'bool') throw new Error(`where: condition must be a bool tensor, got ${condition.dtype}`);
  checkOperands(a, b, 'where');
  const dtype = resultType(a, b);
  const at = toTensor(a, dtype, 'where');
  const bt = toTensor(b, dtype, 'where');
  const shape = broadcastShapes(broadcastShapes(condition.shape, at.shape, 'where'), bt.shape, 'where');
  const c = expandTo(condition, shape).data;
  const ad = expandTo(cast(at, dtype), shape).data;
  const bd = expandTo(cast(bt, dtype), shape).data;
  const out = zerosOf(shape, dtype);
  const o = out.data;
  for (let i = 0; i < o.length; i++) o[i] = c[i] ? ad[i] : bd[i];
  if (needsGrad(at, bt)) record(out, new WhereBackward(condition, at.shape, bt.shape), at, bt);
  if (tracer !== null) tracer.op('where', [condition, at, bt], {}, out);
  return out;
}

class WhereBackward extends Node {
  readonly name = 'WhereBackward0';
  constructor(
    condition: Tensor,
    private readonly aShape: Shape,
    private readonly bShape: Shape,
  ) {
    super();
    this.save(condition);
  }
  // d/da where(c, a, b) = g where c, else 0; d/db = g where not c, else 0
  backward(g: Tensor): (Tensor | null)[] {
    const condition = this.saved[0];
    return [
      this.needsInputGrad[0] ? sumTo(where(condition, g, 0), this.aShape) : null,
      this.needsInputGrad[1] ? sumTo(where(condition, 0, g), this.bShape) : null,
    ];
  }
}
