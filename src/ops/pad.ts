/**
 * Padding (`nn.functional.pad`): constant, reflect, replicate and circular. Each mode maps every
 * output element to an input element (or the constant) along each padded dim, and the whole pad is
 * one `takeFlat` (ops/layout.ts) under PyTorch's grad_fn name; its backward adds the gradient back
 * (`putFlat`), so edge elements that were copied several times collect every copy's gradient.
 */
import { offsetMap } from '../kernels/layout';
import { checkInteger, describe } from '../options';
import { fmt, stridesOf } from '../shape';
import type { Tensor } from '../tensor';
import { checkTensor } from './helpers';
import { takeFlat } from './layout';
import { tracer } from '../autograd/trace-hook';

/** How `pad` fills: a constant, the mirror image without the edge, copies of the edge, or wrapping around. */
export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

const MODES: readonly PadMode[] = ['constant', 'reflect', 'replicate', 'circular'];

/**
 * For output position j of a dim of size `size` padded by `before` and `after`: the input position, or
 * -1 for the constant. Circular, as PyTorch, crops first and wraps around what is left.
 */
const SOURCE: Record<PadMode, (j: number, size: number, before: number, after: number) => number> = {
  constant: (j, size, before) => (j - before >= 0 && j - before < size ? j - before : -1),
  reflect: (j, size, before) => {
    const c = Math.abs(j - before);
    return c < size ? c : 2 * (size - 1) - c;
  },
  replicate: (j, size, before) => Math.min(Math.max(j - before, 0), size - 1),
  circular: (j, size, before, after) => {
    const kept = size + Math.min(before, 0) + Math.min(after, 0);
    return ((((j - Math.max(before, 0)) % kept) + kept) % kept) + Math.max(-before, 0);
  },
};

/**
 * x padded (`nn.functional.pad`): `pad` lists (before, after) sizes for the last dim, then the one
 * before it, and so on, as in PyTorch; negative sizes crop. `constant` fills with `value` (default 0)
 * and pads any number of dims; `reflect`, `replicate` and `circular` pad the last 1, 2 or 3 dims of
 * an input with one or two more dims than that (batch and channels).
 */
export function pad(x: Tensor, pad: readonly number[], mode: PadMode = 'constant', value: number | null = null): Tensor {
  checkTensor(x, 'pad');
  if (!Array.isArray(pad)) throw new Error(`pad: pad must be an array of sizes such as [1, 1], got ${describe(pad)}`);
  pad.forEach((p, i) => checkInteger(p, 'pad', `pad[${i}]`));
  if (!MODES.includes(mode)) throw new Error(`pad: mode must be one of ${MODES.map((m) => `'${m}'`).join(', ')}, got ${describe(mode)}`);
  if (value !== null && value !== undefined && typeof value !== 'number') throw new Error(`pad: value must be a number or null, got ${describe(value)}`);
  if (pad.length % 2 !== 0) throw new Error(`pad: the padding length must be divisible by 2, got ${pad.length} (${fmt(pad)})`);
  if (pad.length > 2 * x.ndim) {
    throw new Error(`pad: the padding length (${pad.length}) must be at most two times the input's dims, got a tensor of shape ${fmt(x.shape)}`);
  }
  const padded = pad.length / 2;
  let name = 'ConstantPadNdBackward0';
  if (mode !== 'constant') {
    if (value !== null && value !== undefined && value !== 0) throw new Error(`pad: padding mode '${mode}' doesn't take a value argument, got ${value}`);
    if (padded < 1 || padded > 3 || (x.ndim !== padded + 1 && x.ndim !== padded + 2)) {
      throw new Error(
        `pad: padding mode '${mode}' pads the last 1, 2 or 3 dims of a tensor with 1 or 2 more dims (batch and channels); ` +
          `got ${pad.length} padding sizes for a tensor of shape ${fmt(x.shape)}`,
      );
    }
    name = mode === 'circular' ? 'torch::autograd::CopySlices' : `${mode === 'reflect' ? 'Reflection' : 'Replication'}Pad${padded}DBackward0`;
  }
  const before = new Array<number>(x.ndim).fill(0);
  const after = new Array<number>(x.ndim).fill(0);
  for (let i = 0; i < padded; i++) {
    before[x.ndim - 1 - i] = pad[2 * i];
    after[x.ndim - 1 - i] = pad[2 * i + 1];
  }
  const shape = x.shape.map((s, d) => s + before[d] + after[d]);
  x.shape.forEach((s, d) => checkPadSize(mode, s, before[d], after[d], shape[d], d, x.shape));
  const strides = stridesOf(x.shape);
  const offsets = shape.map((n, d) => {
    const o = new Int32Array(n);
    for (let j = 0; j < n; j++) {
      const c = before[d] === 0 && after[d] === 0 ? j : SOURCE[mode](j, x.shape[d], before[d], after[d]);
      o[j] = c < 0 ? -1 : c * strides[d];
    }
    return o;
  });
  const y = takeFlat(x, offsetMap(offsets), shape, name, value ?? 0);
  if (tracer !== null) tracer.op('pad', [x], { pad: [...pad], mode, value: value ?? 0 }, y);
  return y;
}

/** PyTorch's limits on one dim's padding: a non-negative result; reflect below the size, circular at most it; no empty padded dims. */
function checkPadSize(mode: PadMode, size: number, before: number, after: number, out: number, d: number, shape: readonly number[]): void {
  if (out < 0 || (mode !== 'constant' && out < 1 && (before !== 0 || after !== 0))) {
    throw new Error(
      `pad: the input size ${size}, plus padding ${before} and ${after}, gives an output size of ${out} at dimension ${d} of input ${fmt(shape)}, which is invalid`,
    );
  }
  if (mode === 'constant' || (before === 0 && after === 0)) return;
  if (size === 0) throw new Error(`pad: padding mode '${mode}' cannot pad dimension ${d} of size 0 (input ${fmt(shape)})`);
  if (mode === 'reflect' && (before >= size || after >= size)) {
    throw new Error(`pad: padding (${before}, ${after}) must be less than the size ${size} of dimension ${d} of input ${fmt(shape)} in reflect mode`);
  }
  if (mode === 'circular' && (before > size || after > size)) {
    throw new Error(`pad: padding (${before}, ${after}) at dimension ${d} of input ${fmt(shape)} wraps around more than once in circular mode`);
  }
}
