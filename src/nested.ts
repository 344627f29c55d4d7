/**
 * Nested arrays (and typed arrays) as flat tensor data: the shape, checked to be rectangular, the
 * dtype PyTorch would infer, and the values converted to it. Used by `tensor` and `Tensor.newTensor`.
 */
import { convert, type DType, elementOf, getDefaultDtype, type TypedArray } from './dtype';
import { describe } from './options';
import { fmt } from './shape';

/** Nested arrays of numbers or booleans, as `toArray()` returns and `tensor()` takes. */
export type NestedArray = number | boolean | NestedArray[];

/** A typed array such as Float32Array (not a DataView), which `tensor` reads like an array of numbers. */
export function isTypedArray(x: unknown): x is ArrayLike<number> {
  return ArrayBuffer.isView(x) && !(x instanceof DataView);
}

/** The dtype a typed array keeps in `tensor` (as torch.tensor keeps a NumPy array's), or null for the other kinds. */
export function typedArrayDtype(x: unknown): DType | null {
  return x instanceof Float32Array ? 'float32' : x instanceof Float64Array ? 'float64' : x instanceof Int32Array ? 'int32' : null;
}

/** The shape of nested arrays, checking that every level is rectangular. */
function inferShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let level: NestedArray = data;
  while (Array.isArray(level) || isTypedArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0];
  }
  return shape;
}

function flattenInto(data: NestedArray, shape: readonly number[], dim: number, out: (number | boolean)[], path: number[], where: string): void {
  if (dim === shape.length) {
    if (Array.isArray(data))
      throw new Error(`${where}: ragged nested array: element ${fmt(path)} is an array, but elements at that depth elsewhere are numbers`);
    if (typeof data !== 'number' && typeof data !== 'boolean' && path.length === 0) {
      throw new Error(`${where}: data must be a number, a boolean, nested arrays of them, a typed array or a Tensor, got ${describe(data)}`);
    }
    if (typeof data !== 'number' && typeof data !== 'boolean') {
      throw new Error(`${where}: element ${fmt(path)} is ${data === null ? 'null' : typeof data}; only numbers and booleans can be tensor elements`);
    }
    out.push(data);
    return;
  }
  if (isTypedArray(data) && data.length === shape[dim] && dim === shape.length - 1) {
    if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
      throw new Error(
        `${where}: element ${fmt(path)} is a ${data.constructor.name}; BigInt elements are not supported, convert it to an Int32Array or Float64Array`,
      );
    }
    for (let i = 0; i < data.length; i++) out.push(data[i]);
    return;
  }
  if (!Array.isArray(data) || data.length !== shape[dim]) {
    const got = Array.isArray(data) || isTypedArray(data) ? `length ${data.length}` : 'a number';
    throw new Error(`${where}: ragged nested array: expected a sequence of length ${shape[dim]} at dim ${dim} (index ${fmt(path)}), but got ${got}`);
  }
  data.forEach((d, i) => flattenInto(d, shape, dim + 1, out, [...path, i], where));
}

/** The dtype nested typed arrays of one kind keep (all Float32Array rows give float32), else null. */
function nestedTypedArrayDtype(data: unknown): DType | null {
  if (isTypedArray(data)) return typedArrayDtype(data);
  if (!Array.isArray(data) || data.length === 0) return null;
  const first = nestedTypedArrayDtype(data[0]);
  return first !== null && data.every((d) => nestedTypedArrayDtype(d) === first) ? first : null;
}

/**
 * `data` (a number, a boolean, nested arrays of them, typed arrays) as flat values of `dtype`, or
 * of the dtype PyTorch infers: bool for booleans, int32 (PyTorch's int64) for whole numbers unless
 * `requiresGrad`, the kept dtype of typed arrays, else the default float.
 */
export function fromNested(
  data: NestedArray | TypedArray,
  dtype: DType | undefined,
  requiresGrad: boolean,
  where: string,
): { values: TypedArray; shape: number[]; dtype: DType } {
  const shape = inferShape(data as NestedArray);
  const flat: (number | boolean)[] = [];
  flattenInto(data as NestedArray, shape, 0, flat, [], where);
  let inferred: DType;
  const kept = nestedTypedArrayDtype(data);
  if (kept !== null) inferred = kept;
  else if (flat.length > 0 && flat.every((v) => typeof v === 'boolean')) inferred = 'bool';
  else if (flat.some((v) => typeof v === 'boolean')) throw new Error(`${where}: mixes booleans and numbers; use one kind`);
  else if (requiresGrad || flat.length === 0 || !flat.every((v) => Number.isInteger(v))) inferred = getDefaultDtype();
  else inferred = 'int32';
  const out = dtype ?? inferred;
  if (out === 'int32') flat.forEach((v) => elementOf(v, out, where));
  // NOTE: through convert, so that 2 or 0.5 become true (1) in a bool tensor, as in PyTorch
  return { values: convert(Float64Array.from(flat, Number), out), shape, dtype: out };
}
