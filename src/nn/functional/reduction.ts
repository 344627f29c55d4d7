/** The `reduction` option every loss takes, and the two things it changes: the output and the backward scale. */
import type { FloatArray, FloatDType } from '../../dtype';
import { checkOptions, type Unsupported } from '../../options';
import { div } from '../../ops/binary';
import { zerosOf } from '../../ops/helpers';
import { unsqueeze } from '../../ops/layout';
import type { Shape } from '../../shape';
import type { Tensor } from '../../tensor';

/** 'mean' (default) averages the per-element losses, 'sum' adds them, 'none' returns them all. */
export type Reduction = 'mean' | 'sum' | 'none';

/** PyTorch's size_average and reduce, deprecated there in favour of reduction. */
const LEGACY: Unsupported = {
  sizeAverage: "PyTorch deprecated it in favour of reduction; use reduction: 'mean' or 'sum'",
  reduce: "PyTorch deprecated it in favour of reduction; use reduction: 'none' for the per-element losses",
};

/** Checks a loss's options object (functional or module): only `allowed` keys, and size_average or reduce point to reduction. */
export function checkLossOptions(options: unknown, allowed: readonly string[], where: string, unsupported: Unsupported = {}): void {
  checkOptions(options, allowed, where, { ...LEGACY, ...unsupported });
}

export function checkReduction(reduction: string | undefined, where: string): Reduction {
  const r = reduction ?? 'mean';
  if (r !== 'mean' && r !== 'sum' && r !== 'none') {
    throw new Error(`${where}: reduction must be 'mean', 'sum' or 'none', got '${r}'`);
  }
  return r;
}

/** The loss tensor from per-element losses: them (shape `shape`), their sum, or their sum / `denominator`. */
export function reduceLosses(losses: FloatArray, shape: Shape, dtype: FloatDType, reduction: Reduction, denominator: number): Tensor {
  if (reduction === 'none') {
    const out = zerosOf(shape, dtype);
    out.data.set(losses);
    return out;
  }
  let total = 0;
  for (let i = 0; i < losses.length; i++) total += losses[i];
  const out = zerosOf([], dtype);
  out.data[0] = reduction === 'mean' ? total / denominator : total;
  return out;
}

/**
 * How the upstream gradient reaches element i of the per-element losses: g[i] for 'none', else the
 * same scalar for every element (g for 'sum', g / denominator for 'mean').
 */
export function upstream(g: Tensor, reduction: Reduction, denominator: number): { each: FloatArray | null; all: number } {
  if (reduction === 'none') return { each: g.data as FloatArray, all: 0 };
  return { each: null, all: reduction === 'mean' ? g.data[0] / denominator : g.data[0] };
}

/**
 * `upstream` as a tensor, for the differentiable backward: g (for 'none', with a size-1 dim
 * inserted at `classDim` when given, so it broadcasts over the classes), g, or g / denominator.
 */
export function upstreamScale(g: Tensor, reduction: Reduction, denominator: number, classDim: number | null = null): Tensor {
  if (reduction === 'none') return classDim === null ? g : unsqueeze(g, classDim);
  return reduction === 'mean' ? div(g, denominator) : g;
}
