/** Shared by cross_entropy and nll_loss: the (N, C, d1, ...) layout and checked class-index targets. */
import { type FloatDType, isFloatDtype } from '../../dtype';
import { checkTensor } from '../../ops/helpers';
import { fmt, type Shape, sameShape, splitAt } from '../../shape';
import type { Tensor } from '../../tensor';
import type { Reduction } from './reduction';

export interface ClassLayout {
  /** N (1 for a (C) input) */
  outer: number;
  classes: number;
  /** d1 * d2 * ... (1 without extra dims) */
  inner: number;
  /** The input's shape without the class dim: the shape of index targets and of 'none' losses. */
  positionShape: number[];
  dtype: FloatDType;
}

/** The class layout of `input`: classes along dim 1, or dim 0 for a 1-D input. */
export function classLayout(input: Tensor, where: string): ClassLayout {
  if (!isFloatDtype(input.dtype)) throw new Error(`${where}: input must be float, got ${input.dtype}; convert with .float()`);
  if (input.ndim === 0) throw new Error(`${where}: input must have at least 1 dimension (C), (N, C) or (N, C, d1, ...), got a 0-d tensor`);
  const classDim = input.ndim === 1 ? 0 : 1;
  const [outer, classes, inner] = splitAt(input.shape, classDim);
  return { outer, classes, inner, positionShape: input.shape.filter((_, d) => d !== classDim), dtype: input.dtype };
}

/** Checks that `target` has the shape class indices for `input` need, batch size first. */
export function checkIndexTargetShape(input: Tensor, target: Tensor, positionShape: Shape, where: string): void {
  if (input.ndim > 1 && target.ndim > 0 && target.shape[0] !== input.shape[0]) {
    throw new Error(`${where}: expected input batch_size (${input.shape[0]}) to match target batch_size (${target.shape[0]})`);
  }
  if (!sameShape(target.shape, positionShape)) {
    throw new Error(
      `${where}: target of shape ${fmt(target.shape)} does not fit input of shape ${fmt(input.shape)}: class indices need shape ${fmt(positionShape)}`,
    );
  }
}

/** Class indices as int32, checked: whole numbers in [0, C), or equal to ignoreIndex. */
export function classIndices(target: Tensor, classes: number, ignoreIndex: number, where: string): Int32Array {
  if (target.dtype === 'bool') throw new Error(`${where}: target must hold class indices (int32), got a bool tensor`);
  const data = target.data;
  const out = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const y = data[i];
    if (!Number.isInteger(y)) throw new Error(`${where}: target ${y} (at flat index ${i}) is not a whole number; class indices must be integers`);
    if (y !== ignoreIndex && (y < 0 || y >= classes)) {
      const why = y < 0 ? ` (negative targets are only allowed when equal to ignoreIndex=${ignoreIndex})` : '';
      throw new Error(`${where}: target ${y} is out of bounds for ${classes} classes${why}`);
    }
    out[i] = y;
  }
  return out;
}

/** A weight per class, checked to be 1-D with C entries. */
export function checkClassWeight(weight: Tensor | null | undefined, classes: number, where: string): Tensor | null {
  if (weight === null || weight === undefined) return null;
  checkTensor(weight, where, 'weight');
  if (weight.ndim !== 1 || weight.shape[0] !== classes) {
    throw new Error(`${where}: weight must have one entry per class (shape [${classes}]), got shape ${fmt(weight.shape)}`);
  }
  return weight;
}

/**
 * What PyTorch prints for nll_loss's result on an input of `ndim` dims: nll_loss for 1-D and 2-D,
 * nll_loss2d otherwise, behind a view when it reshaped a 3-D or 5-D+ input and kept every loss.
 */
export function nllLossName(ndim: number, reduction: Reduction): string {
  if (ndim <= 2) return 'NllLossBackward0';
  return reduction === 'none' && ndim !== 4 ? 'ViewBackward0' : 'NllLoss2DBackward0';
}
