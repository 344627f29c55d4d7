/**
 * Broadcasting elementwise ops beyond the arithmetic of ops/binary.ts: maximum and minimum (and the
 * NaN-ignoring fmax, fmin), atan2, hypot, logaddexp, xlogy, lerp, the divisions that round
 * (remainder, fmod, floorDivide), closeness (isclose, allclose, equal), logical or/xor and the
 * bitwise ops. Each differentiable op records a `BinaryBackward` whose gradients are written next to
 * its forward, made of ops and summed back to each input's shape.
 */
import { Node } from '../autograd/node';
import { needsGrad, record } from '../autograd/record';
import { type DType, getDefaultDtype, isFloatDtype, resultType } from '../dtype';
import type { BinaryRun } from '../kernels/broadcast';
import * as k from '../kernels/elementwise';
import { checkBoolean, describe } from '../options';
import { broadcastShapes, sameShape } from '../shape';
import { Tensor } from '../tensor';
import { add, div, elementwise, eq, ge, gt, le, logicalAnd, lt, mul, neg, sub, where } from './binary';
import { cast, checkOperands, checkTensor, expandTo, type TensorOrNumber, zerosOf } from './helpers';
import { sumTo } from './layout';
import { exp, isnan, reciprocal, trunc } from './unary';

/** One input's gradient from the upstream g, the operands and (where saved) the result, before it is summed to the input's shape. */
type PartialGrad = (g: Tensor, a: Tensor, b: Tensor, y: Tensor) => Tensor;

/** The node of a broadcasting op of two tensors: `da` and `db` (null where the input takes none) from ops. */
class BinaryBackward extends Node {
  constructor(
    readonly name: string,
    private readonly da: PartialGrad | null,
    private readonly db: PartialGrad | null,
    a: Tensor,
    b: Tensor,
    y: Tensor | null,
  ) {
    super();
    if (y) this.save(a, b, y);
    else this.save(a, b);
  }
  backward(g: Tensor): (Tensor | null)[] {
    const [a, b, y] = this.saved; // y is undefined unless saved, and only the grads that read it save it
    return [
      this.needsInputGrad[0] && this.da ? sumTo(this.da(g, a, b, y), a.shape) : null,
      this.needsInputGrad[1] && this.db ? sumTo(this.db(g, a, b, y), b.shape) : null,
    ];
  }
}

/** Records a `BinaryBackward` on `out` when an operand needs a gradient (`savesResult` where da or db reads it). */
function recordBinary(out: Tensor, a: Tensor, b: Tensor, name: string, da: PartialGrad | null, db: PartialGrad | null, savesResult = false): Tensor {
  return needsGrad(a, b) ? record(out, new BinaryBackward(name, da, db, a, b, savesResult ? out : null), a, b) : out;
}

/** Where PyTorch has no derivative (`floor_divide`, `remainder` of a number by a tensor): backward is an Error, as there. */
class NotImplementedBackward extends Node {
  readonly name = 'NotImplemented';
  constructor(
    private readonly op: string,
    private readonly aten: string,
  ) {
    super();
  }
  backward(): Tensor[] {
    throw new Error(`${this.op}: the derivative for aten::${this.aten} is not implemented (as in PyTorch)`);
  }
}

/** At least one operand must be a tensor; a number is a Python scalar. */
function checkSomeTensor(a: unknown, b: unknown, where: string): void {
  checkOperands(a, b, where);
  if (!(a instanceof Tensor) && !(b instanceof Tensor)) throw new Error(`${where}: at least one of input and other must be a Tensor, got two numbers`);
}

/** The result of an op computed in float64 storage, checked to fit int32 and stored as int32 (PyTorch's int64 would hold it). */
function toInt32(out: Tensor, where: string, hint = ''): Tensor {
  const d = out.data;
  for (let i = 0; i < d.length; i++) {
    if (!(d[i] >= -2147483648 && d[i] <= 2147483647)) {
      throw new Error(`${where}: the result ${d[i]} does not fit int32, tsgrad's integer dtype (for PyTorch's int64)${hint}`);
    }
  }
  return cast(out, 'int32');
}

// ---- maximum, minimum, fmax, fmin ----

function extreme(name: string, gradFn: string, run: BinaryRun, a: Tensor, b: Tensor, beats: (x: Tensor, y: Tensor) => Tensor): Tensor {
  checkTensor(a, name);
  checkTensor(b, name, 'other');
  const [out, at, bt] = elementwise(name, run, a, b, resultType(a, b));
  // d/da max(a, b) = g where a wins, g/2 at a tie, 0 where b wins (and g at a NaN); likewise for b
  const half = (g: Tensor, x: Tensor, y: Tensor): Tensor => where(eq(x, y), div(g, 2), g);
  return recordBinary(
    out,
    at,
    bt,
    gradFn,
    (g, x, y) => where(beats(y, x), 0, half(g, x, y)),
    (g, x, y) => where(beats(x, y), 0, half(g, x, y)),
  );
}

/**
 * The larger of a and b elementwise, broadcasting (`torch.maximum`); NaN where either is NaN. Both
 * must be tensors, as in PyTorch (`clamp` takes a number). At a tie each gets half the gradient.
 */
export function maximum(input: Tensor, other: Tensor): Tensor {
  return extreme('maximum', 'MaximumBackward0', k.maximumRun, input, other, gt);
}

/** The smaller of a and b elementwise, broadcasting (`torch.minimum`); NaN where either is NaN. At a tie each gets half the gradient. */
export function minimum(input: Tensor, other: Tensor): Tensor {
  return extreme('minimum', 'MinimumBackward0', k.minimumRun, input, other, lt);
}

function nanIgnoring(name: string, gradFn: string, run: BinaryRun, a: Tensor, b: Tensor, wins: (x: Tensor, y: Tensor) => Tensor): Tensor {
  checkTensor(a, name);
  checkTensor(b, name, 'other');
  const [out, at, bt] = elementwise(name, run, a, b, resultType(a, b));
  // d/da fmax(a, b) = g where a >= b or b is NaN, else 0; b takes g everywhere else (ties go to a)
  const aWins = (x: Tensor, y: Tensor): Tensor => logicalOr(wins(x, y), isnan(y));
  return recordBinary(
    out,
    at,
    bt,
    gradFn,
    (g, x, y) => where(aWins(x, y), g, 0),
    (g, x, y) => where(aWins(x, y), 0, g),
  );
}

/** The larger of a and b elementwise, taking the other where one is NaN (`torch.fmax`, C's fmax). */
export function fmax(input: Tensor, other: Tensor): Tensor {
  return nanIgnoring('fmax', 'FmaxBackward0', k.fmaxRun, input, other, ge);
}

/** The smaller of a and b elementwise, taking the other where one is NaN (`torch.fmin`, C's fmin). */
export function fmin(input: Tensor, other: Tensor): Tensor {
  return nanIgnoring('fmin', 'FminBackward0', k.fminRun, input, other, le);
}

// ---- float binaries ----

/** The float dtype an op of a and b computes in: the promoted one, or the default float for integers and bools. */
function floatResult(a: TensorOrNumber, b: TensorOrNumber): DType {
  const dtype = resultType(a, b);
  return isFloatDtype(dtype) ? dtype : getDefaultDtype();
}

/** The promoted dtype of a and b, which must be a float one (PyTorch has no integer kernel for hypot or logaddexp). */
function floatOnly(a: Tensor, b: Tensor, where: string): DType {
  const dtype = resultType(a, b);
  if (!isFloatDtype(dtype)) {
    throw new Error(
      `${where}: input and other must not both be integer or bool tensors (got ${a.dtype} and ${b.dtype}, as in PyTorch); convert with .float() first`,
    );
  }
  return dtype;
}

/** The angle of the point (other, input) in radians, in [-pi, pi] (`torch.atan2(input, other)`, C's atan2). */
export function atan2(input: Tensor, other: Tensor): Tensor {
  checkTensor(input, 'atan2');
  checkTensor(other, 'atan2', 'other');
  const [out, at, bt] = elementwise('atan2', k.atan2Run, input, other, floatResult(input, other));
  // d/da atan2(a, b) = b / (a^2 + b^2), d/db = -a / (a^2 + b^2); both 0 where a^2 + b^2 is 0, as in PyTorch
  const recip = (a: Tensor, b: Tensor): Tensor => {
    const denominator = add(mul(a, a), mul(b, b));
    return where(eq(denominator, 0), 0, reciprocal(denominator));
  };
  return recordBinary(
    out,
    at,
    bt,
    'Atan2Backward0',
    (g, a, b) => mul(mul(g, b), recip(a, b)),
    (g, a, b) => mul(mul(g, neg(a)), recip(a, b)),
  );
}

/** sqrt(input^2 + other^2) without overflow (`torch.hypot`); inf where either is infinite, even beside a NaN. */
export function hypot(input: Tensor, other: Tensor): Tensor {
  checkTensor(input, 'hypot');
  checkTensor(other, 'hypot', 'other');
  const [out, at, bt] = elementwise('hypot', k.hypotRun, input, other, floatOnly(input, other, 'hypot'));
  // d/da hypot(a, b) = a / hypot(a, b), d/db = b / hypot(a, b) (reuses the result)
  return recordBinary(
    out,
    at,
    bt,
    'HypotBackward0',
    (g, a, _b, y) => div(mul(g, a), y),
    (g, _a, b, y) => div(mul(g, b), y),
    true,
  );
}

/** log(e^input + e^other) without overflow (`torch.logaddexp`). */
export function logaddexp(input: Tensor, other: Tensor): Tensor {
  checkTensor(input, 'logaddexp');
  checkTensor(other, 'logaddexp', 'other');
  const [out, at, bt] = elementwise('logaddexp', k.logaddexpRun, input, other, floatOnly(input, other, 'logaddexp'));
  // d/da log(e^a + e^b) = 1 / (1 + e^(b - a)), d/db = 1 / (1 + e^(a - b))
  return recordBinary(
    out,
    at,
    bt,
    'LogaddexpBackward0',
    (g, a, b) => div(g, add(exp(sub(b, a)), 1)),
    (g, a, b) => div(g, add(exp(sub(a, b)), 1)),
  );
}

/** input * log(other), 0 where input is 0 (unless other is NaN) (`torch.xlogy`); either may be a number. */
export function xlogy(input: TensorOrNumber, other: TensorOrNumber): Tensor {
  checkSomeTensor(input, other, 'xlogy');
  const [out, at, bt] = elementwise('xlogy', k.xlogyRun, input, other, floatResult(input, other));
  // d/da a log(b) = log(b), taken as 0 where a == 0 and b <= 0; d/db = a / b
  const da: PartialGrad = (g, a, b) => where(logicalAnd(eq(a, 0), le(b, 0)), 0, xlogy(g, b));
  const db: PartialGrad = (g, a, b) => div(mul(g, a), b);
  // PyTorch names xlogy(Tensor, Tensor) XlogyBackward0, xlogy(Scalar, Tensor) XlogyBackward1, xlogy(Tensor, Scalar) XlogyBackward2
  if (typeof input === 'number') return recordBinary(out, at, bt, 'XlogyBackward1', null, db);
  if (typeof other === 'number') return recordBinary(out, at, bt, 'XlogyBackward2', da, null);
  return recordBinary(out, at, bt, 'XlogyBackward0', da, db);
}

// ---- divisions that round ----

/** The dtype of remainder, fmod and floorDivide, with PyTorch's checks: no bools, no integer division by zero. */
function divisionDtype(a: TensorOrNumber, b: TensorOrNumber, where: string): DType {
  const dtype = resultType(a, b);
  if (dtype === 'bool') throw new Error(`${where}: bool tensors are not supported (as in PyTorch); convert them with .int() first`);
  if (!isFloatDtype(dtype)) {
    const divisor = typeof b === 'number' ? [b] : b.data;
    for (let i = 0; i < divisor.length; i++) {
      if (divisor[i] === 0) throw new Error(`${where}: integer division by zero (ZeroDivisionError, as in PyTorch); other has a 0`);
    }
  }
  return dtype;
}

/**
 * The remainder of input / other with other's sign, as Python's % (`torch.remainder`): input -
 * floor(input / other) * other. Either may be a number; an integer divisor of 0 is an Error.
 */
export function remainder(input: TensorOrNumber, other: TensorOrNumber): Tensor {
  checkSomeTensor(input, other, 'remainder');
  const [out, at, bt] = elementwise('remainder', k.remainderRun, input, other, divisionDtype(input, other, 'remainder'));
  if (typeof input === 'number') return needsGrad(bt) ? record(out, new NotImplementedBackward('remainder', 'remainder'), at, bt) : out;
  // d/da remainder(a, b) = 1, d/db = -floor(a / b) (the floor a constant, as PyTorch's div(rounding_mode='floor'))
  const db: PartialGrad = (g, a, b) => mul(neg(g), floorDivide(a.detach(), b.detach()));
  // PyTorch names remainder(Tensor, Scalar) RemainderBackward0 and remainder(Tensor, Tensor) RemainderBackward1
  return recordBinary(out, at, bt, typeof other === 'number' ? 'RemainderBackward0' : 'RemainderBackward1', (g) => g, db);
}

/** The remainder of input / other with input's sign, as C's fmod (`torch.fmod`); other may be a number. */
export function fmod(input: Tensor, other: TensorOrNumber): Tensor {
  checkTensor(input, 'fmod');
  checkOperands(input, other, 'fmod');
  const [out, at, bt] = elementwise('fmod', k.fmodRun, input, other, divisionDtype(input, other, 'fmod'));
  // d/da fmod(a, b) = 1, d/db = -trunc(a / b) (the quotient a constant, as PyTorch's div(rounding_mode='trunc'))
  const db: PartialGrad = (g, a, b) => mul(neg(g), trunc(div(a.detach(), b.detach())));
  // PyTorch names fmod(Tensor, Scalar) FmodBackward0 and fmod(Tensor, Tensor) FmodBackward1
  return recordBinary(out, at, bt, typeof other === 'number' ? 'FmodBackward0' : 'FmodBackward1', (g) => g, db);
}

/**
 * floor(input / other) (`torch.floor_divide`, Python's //); either may be a number. Floats follow
 * PyTorch's kernel in their own dtype; an integer divisor of 0 is an Error. Not differentiable, as in
 * PyTorch: the result of a float input that requires grad has grad_fn NotImplemented.
 */
export function floorDivide(input: TensorOrNumber, other: TensorOrNumber): Tensor {
  checkSomeTensor(input, other, 'floorDivide');
  const dtype = divisionDtype(input, other, 'floorDivide');
  let out: Tensor;
  let at: Tensor;
  let bt: Tensor;
  if (isFloatDtype(dtype)) {
    [out, at, bt] = elementwise('floorDivide', k.floorDivideFloatRun(dtype === 'float32' ? Math.fround : (v) => v), input, other, dtype);
  } else {
    [out, at, bt] = elementwise('floorDivide', k.floorDivideIntRun, input, other, dtype, 'float64');
    out = toInt32(out, 'floorDivide', '; divide float64 tensors instead'); // -2^31 // -1
  }
  return needsGrad(at, bt) ? record(out, new NotImplementedBackward('floorDivide', 'floor_divide'), at, bt) : out;
}

// ---- lerp ----

/**
 * input + weight * (end - input), broadcasting all three (`torch.lerp`); `weight` is a number or a
 * tensor. input and end must share a float dtype, and so must a weight tensor of one or more dims
 * (a 0-d weight may have any dtype), as in PyTorch. Rounds as PyTorch's kernel: each step in the
 * tensors' dtype, with a fused multiply-add.
 */
export function lerp(input: Tensor, end: Tensor, weight: TensorOrNumber): Tensor {
  checkTensor(input, 'lerp');
  checkTensor(end, 'lerp', 'end');
  if (!(weight instanceof Tensor) && typeof weight !== 'number') throw new Error(`lerp: weight must be a Tensor or a number, got ${describe(weight)}`);
  const dtype = input.dtype;
  if (!isFloatDtype(dtype)) throw new Error(`lerp: input must be a float32 or float64 tensor, got ${dtype} (as in PyTorch)`);
  if (end.dtype !== dtype) throw new Error(`lerp: expected dtype ${dtype} for end but got dtype ${end.dtype} (as in PyTorch)`);
  if (weight instanceof Tensor && weight.ndim > 0 && weight.dtype !== dtype) {
    throw new Error(`lerp: expected dtype ${dtype} for weight but got dtype ${weight.dtype} (as in PyTorch)`);
  }
  const w = weight instanceof Tensor ? weight : new Tensor(Float64Array.of(weight), [], 'float64');
  const shape = broadcastShapes(broadcastShapes(input.shape, end.shape, 'lerp'), w.shape, 'lerp');
  const out = zerosOf(shape, dtype);
  const data = (t: Tensor): Float32Array | Float64Array => expandTo(cast(t, dtype), shape).data as Float32Array | Float64Array;
  k.lerp(data(input), data(end), data(w), dtype === 'float32', out.data as Float32Array | Float64Array);
  if (typeof weight === 'number') {
    if (!needsGrad(input, end)) return out;
    return record(out, new LerpBackward('LerpBackward0', input.shape, end.shape, null, weight), input, end);
  }
  if (!needsGrad(input, end, weight)) return out;
  return record(out, new LerpBackward('LerpBackward1', input.shape, end.shape, [input, end, weight], 0), input, end, weight);
}

class LerpBackward extends Node {
  constructor(
    readonly name: string,
    private readonly inputShape: readonly number[],
    private readonly endShape: readonly number[],
    tensors: Tensor[] | null,
    private readonly scalarWeight: number,
  ) {
    super();
    if (tensors) this.save(...tensors);
  }
  // d/dinput lerp = 1 - weight, d/dend = weight, d/dweight = end - input
  backward(g: Tensor): (Tensor | null)[] {
    const needs = this.needsInputGrad;
    if (this.name === 'LerpBackward0') {
      const w = this.scalarWeight;
      return [needs[0] ? sumTo(mul(g, 1 - w), this.inputShape) : null, needs[1] ? sumTo(mul(g, w), this.endShape) : null];
    }
    const [a, e, w] = this.saved;
    return [
      needs[0] ? sumTo(mul(g, sub(1, w)), this.inputShape) : null,
      needs[1] ? sumTo(mul(g, w), this.endShape) : null,
      needs[2] ? sumTo(mul(g, sub(e, a)), w.shape) : null,
    ];
  }
}

// ---- closeness ----

/** Checks isclose/allclose's arguments as PyTorch does: two tensors of one dtype, tolerances >= 0. */
function checkClose(a: unknown, b: unknown, rtol: unknown, atol: unknown, equalNan: unknown, where: string): void {
  checkTensor(a, where);
  checkTensor(b, where, 'other');
  for (const [name, v] of [
    ['rtol', rtol],
    ['atol', atol],
  ] as const) {
    if (typeof v !== 'number') throw new Error(`${where}: ${name} must be a number, got ${describe(v)}`);
    if (!(v >= 0)) throw new Error(`${where}: ${name} must be greater than or equal to zero, but got ${v} (as in PyTorch)`);
  }
  checkBoolean(equalNan, where, 'equalNan');
  const [da, db] = [(a as Tensor).dtype, (b as Tensor).dtype];
  if (da !== db) throw new Error(`${where}: input and other must have the same dtype, got ${da} and ${db} (as in PyTorch)`);
}

function closeness(a: Tensor, b: Tensor, rtol: number, atol: number, equalNan: boolean, where: string): Tensor {
  const shape = broadcastShapes(a.shape, b.shape, where);
  const x = expandTo(a, shape).data;
  const y = expandTo(b, shape).data;
  const out = zerosOf(shape, 'bool');
  const o = out.data;
  // NOTE: as PyTorch: the tolerance atol + |rtol * other| is computed in other's float dtype
  // (integers and bools in the default one), and |input - other| in the inputs' dtype, then compared
  const work = isFloatDtype(a.dtype) ? a.dtype : getDefaultDtype();
  const r = work === 'float32' ? Math.fround : (v: number): number => v;
  const [rt, at] = [r(rtol), r(atol)];
  const exact = rtol === 0 && atol === 0;
  for (let i = 0; i < o.length; i++) {
    let close = x[i] === y[i] || (equalNan && x[i] !== x[i] && y[i] !== y[i]);
    if (!close && !exact) {
      const actual = r(Math.abs(x[i] - y[i]));
      close = Number.isFinite(actual) && actual <= r(at + Math.abs(r(rt * y[i])));
    }
    o[i] = close ? 1 : 0;
  }
  return out;
}

/**
 * Where |input - other| <= atol + rtol * |other| elementwise, broadcasting, as a bool tensor
 * (`torch.isclose`); equal infinities are close, NaNs only with `equalNan`. input and other must
 * have the same dtype, as in PyTorch.
 */
export function isclose(input: Tensor, other: Tensor, rtol = 1e-5, atol = 1e-8, equalNan = false): Tensor {
  checkClose(input, other, rtol, atol, equalNan, 'isclose');
  return closeness(input, other, rtol, atol, equalNan, 'isclose');
}

/** Whether every element of input is close to other's (`torch.allclose`): isclose(...) everywhere, as a boolean. */
export function allclose(input: Tensor, other: Tensor, rtol = 1e-5, atol = 1e-8, equalNan = false): boolean {
  checkClose(input, other, rtol, atol, equalNan, 'allclose');
  return closeness(input, other, rtol, atol, equalNan, 'allclose').data.every((v) => v === 1);
}

/** Whether input and other have the same shape and equal elements (`torch.equal`), as a boolean; NaN is never equal. */
export function equal(input: Tensor, other: Tensor): boolean {
  checkTensor(input, 'equal');
  checkTensor(other, 'equal', 'other');
  if (!sameShape(input.shape, other.shape)) return false;
  const [x, y] = [input.data, other.data];
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

// ---- logical and bitwise ----

function logical(name: string, run: BinaryRun, a: Tensor, b: Tensor): Tensor {
  checkTensor(a, name);
  checkTensor(b, name, 'other');
  return elementwise(name, run, a, b, resultType(a, b), 'bool')[0];
}

/** Elementwise a || b of truth values (nonzero, NaN included, is true) as a bool tensor (`torch.logical_or`). */
export function logicalOr(input: Tensor, other: Tensor): Tensor {
  return logical('logicalOr', k.logicalOrRun, input, other);
}

/** Elementwise a xor b of truth values (nonzero, NaN included, is true) as a bool tensor (`torch.logical_xor`). */
export function logicalXor(input: Tensor, other: Tensor): Tensor {
  return logical('logicalXor', k.logicalXorRun, input, other);
}

/** The integer (or bool) dtype of a bitwise op, with PyTorch's checks; number operands must be whole and fit int32. */
function bitwiseDtype(a: TensorOrNumber, b: TensorOrNumber, where: string, allowBool: boolean): DType {
  checkSomeTensor(a, b, where);
  const dtype = resultType(a, b);
  if (isFloatDtype(dtype) || (!allowBool && dtype === 'bool')) {
    const kinds = [a, b].map((x) => (typeof x === 'number' ? `the number ${x}` : `a ${x.dtype} tensor`)).join(' and ');
    throw new Error(`${where}: operands must be int32${allowBool ? ' or bool' : ''} tensors or whole numbers (as in PyTorch), got ${kinds}`);
  }
  for (const x of [a, b]) {
    if (typeof x === 'number' && !(x >= -2147483648 && x <= 2147483647)) {
      throw new Error(`${where}: the number ${x} does not fit int32, tsgrad's integer dtype (for PyTorch's int64)`);
    }
  }
  return dtype;
}

function bitwise(name: string, run: BinaryRun, a: TensorOrNumber, b: TensorOrNumber): Tensor {
  return elementwise(name, run, a, b, bitwiseDtype(a, b, name, true))[0];
}

/** Elementwise a & b of int32 or bool tensors, or a tensor and a whole number (`torch.bitwise_and`). */
export function bitwiseAnd(input: TensorOrNumber, other: TensorOrNumber): Tensor {
  return bitwise('bitwiseAnd', k.bitwiseAndRun, input, other);
}

/** Elementwise a | b of int32 or bool tensors, or a tensor and a whole number (`torch.bitwise_or`). */
export function bitwiseOr(input: TensorOrNumber, other: TensorOrNumber): Tensor {
  return bitwise('bitwiseOr', k.bitwiseOrRun, input, other);
}

/** Elementwise a ^ b of int32 or bool tensors, or a tensor and a whole number (`torch.bitwise_xor`). */
export function bitwiseXor(input: TensorOrNumber, other: TensorOrNumber): Tensor {
  return bitwise('bitwiseXor', k.bitwiseXorRun, input, other);
}

function shift(name: string, run: BinaryRun, a: TensorOrNumber, b: TensorOrNumber): Tensor {
  bitwiseDtype(a, b, name, false);
  return toInt32(elementwise(name, run, a, b, 'int32', 'float64')[0], name);
}

/**
 * input << other of int32 tensors (`torch.bitwise_left_shift`), as PyTorch's int64: 0 for shifts
 * below 0 or from 64 on; a result outside int32 is an Error.
 */
export function bitwiseLeftShift(input: TensorOrNumber, other: TensorOrNumber): Tensor {
  return shift('bitwiseLeftShift', k.leftShiftRun, input, other);
}

/** input >> other (arithmetic) of int32 tensors (`torch.bitwise_right_shift`), as PyTorch's int64: the sign for shifts below 0 or from 63 on. */
export function bitwiseRightShift(input: TensorOrNumber, other: TensorOrNumber): Tensor {
  return shift('bitwiseRightShift', k.rightShiftRun, input, other);
}
