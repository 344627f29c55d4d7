/** What every op needs: number-to-tensor conversion, graph recording, output allocation. */
import { allocate, convert, type DType, elementOf, type FloatArray, type FloatDType, getDefaultDtype, isFloatDtype, type TypedArray } from '../dtype';
import { forEachRun } from '../kernels/broadcast';
import { describe } from '../options';
import { broadcastShapes, broadcastStrides, fmt, numel, sameShape, type Shape } from '../shape';
import { Tensor } from '../tensor';

/** A tensor, or a plain number where PyTorch accepts a Python scalar. */
export type TensorOrNumber = Tensor | number;

/** A 0-d tensor holding `x`, or `x` itself; numbers take `dtype`. */
export function toTensor(x: TensorOrNumber, dtype: DType, where: string): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x !== 'number') {
    throw new Error(`${where}: expected a Tensor or a number, got ${describe(x)}`);
  }
  const data = allocate(dtype, 1);
  // a whole number beyond int32 is an Error, not a wrapped value (PyTorch's int64 would hold it)
  data[0] = dtype === 'int32' ? elementOf(x, dtype, where) : x;
  return new Tensor(data, [], dtype);
}

export function checkTensor(x: unknown, where: string, what = 'input'): Tensor {
  if (!(x instanceof Tensor)) {
    throw new Error(`${where}: ${what} must be a Tensor, got ${describe(x)}`);
  }
  return x;
}

/** Checks the operands of a binary op: each a Tensor or a number (`input` and `other`, as PyTorch names them). */
export function checkOperands(a: unknown, b: unknown, where: string): void {
  for (const [x, what] of [
    [a, 'input'],
    [b, 'other'],
  ] as const) {
    if (!(x instanceof Tensor) && typeof x !== 'number') throw new Error(`${where}: ${what} must be a Tensor or a number, got ${describe(x)}`);
  }
}

/** Checks an op's number argument (`alpha`, a bound...): a number, else an Error naming it. */
export function checkScalar(x: unknown, where: string, what: string): number {
  if (typeof x !== 'number') throw new Error(`${where}: ${what} must be a number, got ${describe(x)}`);
  return x;
}

/** Checks a non-empty array of tensors, as cat and stack take. */
export function checkTensorList(tensors: unknown, where: string): Tensor[] {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new Error(`${where}: expected a non-empty array of tensors`);
  return tensors.map((t, i) => checkTensor(t, where, `tensors[${i}]`));
}

/** `t` in `dtype`, converted only when it differs. */
export function cast(t: Tensor, dtype: DType): Tensor {
  return t.dtype === dtype ? t : new Tensor(convert(t.data, dtype), t.shape, dtype);
}

/** The float dtype an op computes in: float inputs keep theirs, others use the default. */
export function floatDtypeOf(t: Tensor): FloatDType {
  return isFloatDtype(t.dtype) ? t.dtype : getDefaultDtype();
}

/** Whether typed-array storage holds floats (and can go to the float kernels). */
export function isFloatArray(x: TypedArray): x is FloatArray {
  return x instanceof Float32Array || x instanceof Float64Array;
}

/** `t`'s elements as a float array: its own storage when `t` is float, else converted to the default float. */
export function floatData(t: Tensor): FloatArray {
  return cast(t, floatDtypeOf(t)).data as FloatArray;
}

/** A new zero-filled tensor of `shape` and `dtype`. */
export function zerosOf(shape: Shape, dtype: DType): Tensor {
  return new Tensor(allocate(dtype, numel(shape)), shape, dtype);
}

/** A copy of `t` broadcast to `shape` (no graph): the data behind `expand` and sum's backward. */
export function expandTo(t: Tensor, shape: Shape): Tensor {
  if (sameShape(t.shape, shape)) return t;
  if (t.ndim > shape.length || !sameShape(broadcastShapes(t.shape, shape, 'expand'), shape)) {
    throw new Error(`expand: a tensor of shape ${fmt(t.shape)} cannot be expanded to ${fmt(shape)} (only size-1 dims can grow)`);
  }
  const out = zerosOf(shape, t.dtype);
  const src = t.data;
  const dst = out.data;
  const strides = broadcastStrides(t.shape, shape);
  forEachRun(shape, strides, strides, (ti, st, _bi, _sb, o, n) => {
    for (let i = 0; i < n; i++, ti += st) dst[o + i] = src[ti];
  });
  return out;
}
