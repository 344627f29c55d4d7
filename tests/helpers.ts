/** Small helpers shared by the test files (not a test file itself: jest runs *.test.ts). */
import * as torch from '../src/index';
import type { DType, TypedArray } from '../src/dtype';
import type { NestedArray, Tensor } from '../src/index';

/** A float64 tensor (float64 keeps worked values exact to ~1e-15). */
export function f64(data: NestedArray, requiresGrad = false): Tensor {
  return torch.tensor(data, { dtype: 'float64', requiresGrad });
}

/** An int32 tensor of class indices. */
export function idx(data: NestedArray): Tensor {
  return torch.tensor(data, { dtype: 'int32' });
}

/** The elements of `t`, flat. */
export function values(t: Tensor): number[] {
  return Array.from(t.data);
}

/** `t` holds `expected` (flat), each to `digits` decimal digits (jest's toBeCloseTo). */
export function expectValues(t: Tensor, expected: number[], digits = 12): void {
  expect(t.numel()).toBe(expected.length);
  values(t).forEach((v, i) => expect(v).toBeCloseTo(expected[i], digits));
}

/** A value from a golden JSON file written by Python: a number, a bool, or a float repr ('nan', 'inf', '-inf', '1e-05'). */
export function pyValue(v: string | number | boolean): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v;
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  return Number(v);
}

/** The typed array of `dtype` holding `values`. */
export function typedArray(dtype: DType, values: number[]): TypedArray {
  switch (dtype) {
    case 'float32':
      return Float32Array.from(values);
    case 'float64':
      return Float64Array.from(values);
    case 'int32':
      return Int32Array.from(values);
    case 'bool':
      return Uint8Array.from(values);
  }
}
