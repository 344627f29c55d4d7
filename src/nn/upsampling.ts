/**
 * Upsampling layers: `Upsample` (any mode of `interpolate`), and PyTorch's fixed-mode
 * `UpsamplingNearest2d` and `UpsamplingBilinear2d` (alignCorners true). Reprs as PyTorch prints them.
 */
import { pyFloatRepr } from '../format';
import { checkBoolean, describe } from '../options';
import type { Tensor } from '../tensor';
import { splitArgs } from './functional/conv';
import { type InterpolateMode, interpolate } from './functional/upsampling';
import { Module } from './module';
import { pyRepr } from './pooling';

/** The options of `Upsample`: PyTorch's keyword arguments in camelCase. */
export interface UpsampleOptions {
  /** The output's spatial size: one for every dim, or one per dim. Give this or scaleFactor. */
  size?: number | readonly number[] | null;
  /** Each spatial size is multiplied by this. Give this or size. */
  scaleFactor?: number | readonly number[] | null;
  /** Default 'nearest'. */
  mode?: InterpolateMode;
  /** For 'linear' and 'bilinear' only; default false there. */
  alignCorners?: boolean | null;
  /** Default null (false). */
  recomputeScaleFactor?: boolean | null;
}

const ARGS = ['size', 'scaleFactor', 'mode', 'alignCorners', 'recomputeScaleFactor'] as const;

function checkSize(value: unknown, where: string): number | number[] | null {
  if (value === null || value === undefined) return null;
  const whole = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v);
  if (whole(value)) return value as number;
  if (Array.isArray(value) && value.every(whole)) return [...(value as number[])];
  throw new Error(`${where}: size must be a whole number or an array of them, got ${describe(value)}`);
}

/** PyTorch keeps a scale factor as a float (or a tuple of floats), and 0 as None. */
function checkScale(value: unknown, where: string): number | number[] | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value === 0 ? null : value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'number')) return [...(value as number[])];
  throw new Error(`${where}: scaleFactor must be a number or an array of numbers, got ${describe(value)}`);
}

/**
 * Resizes its input with `interpolate` (`nn.Upsample`): [N, C, W] or [N, C, H, W] to a `size` or by
 * a `scaleFactor`, e.g. `new Upsample({ scaleFactor: 2, mode: 'bilinear' })`. Options positionally in
 * PyTorch's order (size, scaleFactor, mode, alignCorners, recomputeScaleFactor) or as an object.
 */
export class Upsample extends Module {
  readonly size: number | readonly number[] | null;
  readonly scaleFactor: number | readonly number[] | null;
  readonly mode: InterpolateMode;
  readonly alignCorners: boolean | null;
  readonly recomputeScaleFactor: boolean | null;

  constructor(options?: UpsampleOptions);
  constructor(
    size?: number | readonly number[] | null,
    scaleFactor?: number | readonly number[] | null,
    mode?: InterpolateMode,
    alignCorners?: boolean | null,
    recomputeScaleFactor?: boolean | null,
  );
  constructor(...args: unknown[]) {
    super();
    const where = new.target.name;
    const o = splitArgs<UpsampleOptions>(where, ARGS, args);
    this.size = checkSize(o.size, where);
    this.scaleFactor = checkScale(o.scaleFactor, where);
    const mode = o.mode ?? 'nearest';
    if (typeof mode !== 'string') throw new Error(`${where}: mode must be a string such as 'nearest' or 'bilinear', got ${describe(mode)}`);
    this.mode = mode;
    this.alignCorners = o.alignCorners === null || o.alignCorners === undefined ? null : checkBoolean(o.alignCorners, where, 'alignCorners');
    this.recomputeScaleFactor =
      o.recomputeScaleFactor === null || o.recomputeScaleFactor === undefined ? null : checkBoolean(o.recomputeScaleFactor, where, 'recomputeScaleFactor');
  }

  forward(input: Tensor): Tensor {
    const { size, scaleFactor, mode, alignCorners, recomputeScaleFactor } = this;
    return interpolate(input, { size, scaleFactor, mode, alignCorners, recomputeScaleFactor });
  }

  override extraRepr(): string {
    const scale = this.scaleFactor;
    const info =
      scale !== null
        ? `scale_factor=${Array.isArray(scale) ? pyRepr(scale.map((v: number) => pyFloatRepr(v))) : pyFloatRepr(scale as number)}`
        : `size=${pyRepr(this.size)}`;
    return `${info}, mode='${this.mode}'`;
  }
}

/** Nearest upsampling of images (`nn.UpsamplingNearest2d`): `Upsample` with mode 'nearest'. */
export class UpsamplingNearest2d extends Upsample {
  constructor(options?: Pick<UpsampleOptions, 'size' | 'scaleFactor'>);
  constructor(size?: number | readonly number[] | null, scaleFactor?: number | readonly number[] | null);
  constructor(...args: unknown[]) {
    const o = splitArgs<UpsampleOptions>('UpsamplingNearest2d', ['size', 'scaleFactor'], args);
    super({ size: o.size, scaleFactor: o.scaleFactor, mode: 'nearest' });
  }
}

/** Bilinear upsampling of images with the corners aligned (`nn.UpsamplingBilinear2d`): `Upsample` with mode 'bilinear', alignCorners true. */
export class UpsamplingBilinear2d extends Upsample {
  constructor(options?: Pick<UpsampleOptions, 'size' | 'scaleFactor'>);
  constructor(size?: number | readonly number[] | null, scaleFactor?: number | readonly number[] | null);
  constructor(...args: unknown[]) {
    const o = splitArgs<UpsampleOptions>('UpsamplingBilinear2d', ['size', 'scaleFactor'], args);
    super({ size: o.size, scaleFactor: o.scaleFactor, mode: 'bilinear', alignCorners: true });
  }
}
