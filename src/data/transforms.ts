/**
 * `tsgrad.data.transforms`: torchvision's common image transforms, as functions made by calls of
 * the same names (`transforms.Compose([transforms.ToTensor(), transforms.Normalize([0.1307], [0.3081])])`).
 * Images are tensors of shape [..., C, H, W] (or [H, W]); random transforms draw from a seeded
 * Generator, the default one unless `generator` is given.
 */
import { noGrad } from '../autograd/grad-mode';
import { isFloatDtype } from '../dtype';
import { div, sub } from '../ops/binary';
import { checkTensor } from '../ops/helpers';
import { indexSelect, narrow, reshape } from '../ops/layout';
import { checkBoolean, checkNumber, checkOptions, describe } from '../options';
import { checkGenerator, type Generator } from '../random';
import { fmt } from '../shape';
import { Tensor } from '../tensor';

/** A transform: a function of one input, printed as torchvision prints it (`Normalize(mean=[0.5], std=[0.5])`). */
export type Transform<I = Tensor, O = Tensor> = ((x: I) => O) & { toString(): string };

function transform<I, O>(repr: string, fn: (x: I) => O): Transform<I, O> {
  return Object.assign(fn, { toString: () => repr });
}

/** The transforms applied in order (`transforms.Compose`). */
export function Compose<T = Tensor>(transforms: readonly Transform<never, unknown>[]): Transform<unknown, T> {
  if (!Array.isArray(transforms)) throw new Error(`Compose: transforms must be an array of transforms, got ${describe(transforms)}`);
  transforms.forEach((t, i) => {
    if (typeof t !== 'function') throw new Error(`Compose: transforms[${i}] must be a transform (a function), got ${describe(t)}`);
  });
  const repr = `Compose(\n${transforms.map((t) => `    ${String(t)}`).join('\n')}\n)`;
  return transform(repr, (x: unknown) => transforms.reduce<unknown>((y, t) => (t as (v: unknown) => unknown)(y), x) as T);
}

/** A user function as a transform (`transforms.Lambda`). */
export function Lambda<I, O>(fn: (x: I) => O): Transform<I, O> {
  if (typeof fn !== 'function') throw new Error(`Lambda: fn must be a function, got ${describe(fn)}`);
  return transform('Lambda()', (x: I) => fn(x));
}

/** Image bytes as a browser's ImageData holds them: `height * width * channels` values 0-255, row by row. */
export interface ImageBytes {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
}

/**
 * Image bytes (an ImageData, or `{ data, width, height }` with 1, 3 or 4 channels per pixel), or an
 * integer tensor of shape [H, W, C] or [H, W] with values 0-255, as a float32 tensor of shape
 * [C, H, W] in [0, 1] (`transforms.ToTensor`). A float tensor passes through unchanged.
 */
export function ToTensor(): Transform<ImageBytes | Tensor, Tensor> {
  return transform('ToTensor()', (image: ImageBytes | Tensor) => {
    if (image instanceof Tensor) {
      if (isFloatDtype(image.dtype)) return image;
      if (image.ndim !== 2 && image.ndim !== 3) throw new Error(`ToTensor: an integer image tensor must be [H, W] or [H, W, C], got shape ${fmt(image.shape)}`);
      const [h, w, c = 1] = image.shape;
      return hwcToChw(image.data, h, w, c);
    }
    if (image === null || typeof image !== 'object' || !ArrayBuffer.isView(image.data) || !Number.isInteger(image.width) || !Number.isInteger(image.height)) {
      throw new Error(`ToTensor: expected image bytes { data, width, height } (an ImageData) or a Tensor, got ${describe(image)}`);
    }
    const { data, width, height } = image;
    const c = data.length / (width * height);
    if (![1, 3, 4].includes(c)) {
      throw new Error(`ToTensor: ${data.length} bytes do not fill a ${height} x ${width} image with 1, 3 or 4 channels`);
    }
    return hwcToChw(data, height, width, c);
  });
}

function hwcToChw(data: ArrayLike<number>, h: number, w: number, c: number): Tensor {
  const out = new Float32Array(c * h * w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let k = 0; k < c; k++) out[(k * h + y) * w + x] = data[(y * w + x) * c + k] / 255;
    }
  }
  return new Tensor(out, [c, h, w], 'float32');
}

/** Options of `Normalize`. */
export interface NormalizeOptions {
  /** Change the input tensor instead of returning a new one; default false. */
  inplace?: boolean;
}

/**
 * (x - mean[c]) / std[c] per channel of a float tensor [..., C, H, W] (`transforms.Normalize`),
 * differentiable as torchvision's; a single mean or std applies to every channel.
 */
export function Normalize(mean: number | readonly number[], std: number | readonly number[], options: NormalizeOptions = {}): Transform {
  checkOptions(options, ['inplace'], 'Normalize');
  const inplace = options.inplace === undefined ? false : checkBoolean(options.inplace, 'Normalize', 'inplace');
  const means = typeof mean === 'number' ? [mean] : [...mean];
  const stds = typeof std === 'number' ? [std] : [...std];
  [...means, ...stds].forEach((v) => checkNumber(v, 'Normalize', 'mean and std'));
  if (stds.some((s) => Math.fround(s) === 0)) {
    throw new Error('Normalize: std evaluated to zero after conversion to torch.float32, leading to division by zero.');
  }
  const repr = `Normalize(mean=${pyList(mean)}, std=${pyList(std)})`;
  return transform(repr, (x: Tensor) => {
    checkTensor(x, 'Normalize');
    if (!isFloatDtype(x.dtype)) throw new Error(`Normalize: Input tensor should be a float tensor. Got ${x.dtype}.`);
    if (x.ndim < 3) throw new Error(`Normalize: Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = ${fmt(x.shape)}.`);
    const channels = x.shape[x.ndim - 3];
    for (const [name, v] of [
      ['mean', means],
      ['std', stds],
    ] as const) {
      if (v.length !== 1 && v.length !== channels) throw new Error(`Normalize: ${name} has ${v.length} values for an image of ${channels} channels`);
    }
    const m = reshape(new Tensor(Float64Array.from(means), [means.length], 'float64').to(x.dtype), [means.length, 1, 1]);
    const s = reshape(new Tensor(Float64Array.from(stds), [stds.length], 'float64').to(x.dtype), [stds.length, 1, 1]);
    if (!inplace) return div(sub(x, m), s);
    return x.copy_(noGrad(() => div(sub(x, m), s)));
  });
}

/** Options of the random transforms. */
export interface RandomOptions {
  generator?: Generator;
}

/** The image flipped left to right with probability p (`transforms.RandomHorizontalFlip`). */
export function RandomHorizontalFlip(p = 0.5, options: RandomOptions = {}): Transform {
  checkNumber(p, 'RandomHorizontalFlip', 'p');
  checkOptions(options, ['generator'], 'RandomHorizontalFlip');
  const generator = checkGenerator(options.generator, 'RandomHorizontalFlip');
  return transform(`RandomHorizontalFlip(p=${p})`, (x: Tensor) => {
    checkTensor(x, 'RandomHorizontalFlip');
    if (x.ndim < 2) throw new Error(`RandomHorizontalFlip: expected an image of shape [..., H, W], got ${fmt(x.shape)}`);
    if (!(generator.uniform() < p)) return x;
    const w = x.shape[x.ndim - 1];
    return indexSelect(
      x,
      -1,
      new Tensor(
        Int32Array.from({ length: w }, (_, i) => w - 1 - i),
        [w],
        'int32',
      ),
    );
  });
}

/** How `RandomCrop` pads: torchvision's padding modes. */
export type PaddingMode = 'constant' | 'edge' | 'reflect' | 'symmetric';

/** Options of `RandomCrop`. */
export interface RandomCropOptions extends RandomOptions {
  /** Pixels added on each border first: one number for all four, [left/right, top/bottom], or [left, top, right, bottom]. */
  padding?: number | readonly number[] | null;
  /** Pad an image smaller than the crop up to its size; default false. */
  padIfNeeded?: boolean;
  /** The value of constant padding; default 0. */
  fill?: number;
  /** Default 'constant'. */
  paddingMode?: PaddingMode;
}

/**
 * A random `size` ([h, w], or one number for a square) window of the image, after optional
 * padding (`transforms.RandomCrop`), on tensors [..., H, W].
 */
export function RandomCrop(size: number | readonly [number, number], options: RandomCropOptions = {}): Transform {
  const where = 'RandomCrop';
  checkOptions(options, ['padding', 'padIfNeeded', 'fill', 'paddingMode', 'generator'], where);
  const [ch, cw] = typeof size === 'number' ? [size, size] : size;
  if (![ch, cw].every((s) => Number.isInteger(s) && s > 0))
    throw new Error(`RandomCrop: size must be a positive whole number or [h, w], got ${describe(size)}`);
  const pad = paddingOf(options.padding ?? null);
  const padIfNeeded = options.padIfNeeded === undefined ? false : checkBoolean(options.padIfNeeded, where, 'padIfNeeded');
  const fill = options.fill ?? 0;
  checkNumber(fill, where, 'fill');
  const mode = options.paddingMode ?? 'constant';
  if (!['constant', 'edge', 'reflect', 'symmetric'].includes(mode)) {
    throw new Error(`RandomCrop: paddingMode must be 'constant', 'edge', 'reflect' or 'symmetric', got ${describe(mode)}`);
  }
  const generator = checkGenerator(options.generator, where);
  const repr = `RandomCrop(size=(${ch}, ${cw}), padding=${options.padding == null ? 'None' : typeof options.padding === 'number' ? options.padding : `[${options.padding.join(', ')}]`})`;
  return transform(repr, (x: Tensor) => {
    checkTensor(x, where);
    if (x.ndim < 2) throw new Error(`RandomCrop: expected an image of shape [..., H, W], got ${fmt(x.shape)}`);
    let img = pad ? padImage(x, pad, fill, mode) : x;
    if (padIfNeeded) {
      const [h, w] = img.shape.slice(-2);
      if (w < cw) img = padImage(img, [cw - w, 0, cw - w, 0], fill, mode);
      if (h < ch) img = padImage(img, [0, ch - h, 0, ch - h], fill, mode);
    }
    const [h, w] = img.shape.slice(-2);
    if (h < ch || w < cw) throw new Error(`RandomCrop: Required crop size (${ch}, ${cw}) is larger than input image size (${h}, ${w})`);
    const top = generator.integer(0, h - ch + 1);
    const left = generator.integer(0, w - cw + 1);
    return narrow(narrow(img, -2, top, ch), -1, left, cw);
  });
}

/** [left, top, right, bottom] from torchvision's padding forms. */
function paddingOf(padding: number | readonly number[] | null): [number, number, number, number] | null {
  if (padding === null) return null;
  const p = typeof padding === 'number' ? [padding] : [...padding];
  if (![1, 2, 4].includes(p.length) || p.some((v) => !Number.isInteger(v) || v < 0)) {
    throw new Error(`RandomCrop: padding must be a whole number >= 0 or an array of 2 or 4 of them, got ${describe(padding)}`);
  }
  if (p.length === 1) return [p[0], p[0], p[0], p[0]];
  if (p.length === 2) return [p[0], p[1], p[0], p[1]];
  return p as [number, number, number, number];
}

/** The image [..., H, W] padded by [left, top, right, bottom] (a copy; not recorded for autograd). */
function padImage(x: Tensor, [left, top, right, bottom]: readonly number[], fill: number, mode: PaddingMode): Tensor {
  const [h, w] = x.shape.slice(-2);
  if ((mode === 'reflect' && (left >= w || right >= w || top >= h || bottom >= h)) || ((mode === 'edge' || mode === 'symmetric') && (w === 0 || h === 0))) {
    throw new Error(`RandomCrop: padding of ${Math.max(left, right, top, bottom)} is too large for '${mode}' padding of an image of size (${h}, ${w})`);
  }
  const H = h + top + bottom;
  const W = w + left + right;
  const planes = x.numel() / (h * w);
  const out = new Tensor(new (x.data.constructor as Float32ArrayConstructor)(planes * H * W), [...x.shape.slice(0, -2), H, W], x.dtype);
  const source = (i: number, n: number): number => {
    if (i >= 0 && i < n) return i;
    if (mode === 'edge') return i < 0 ? 0 : n - 1;
    if (mode === 'reflect') return i < 0 ? -i : 2 * (n - 1) - i;
    if (mode === 'symmetric') return i < 0 ? -i - 1 : 2 * n - 1 - i;
    return -1;
  };
  for (let p = 0; p < planes; p++) {
    for (let y = 0; y < H; y++) {
      const sy = source(y - top, h);
      for (let xx = 0; xx < W; xx++) {
        const sx = source(xx - left, w);
        out.data[(p * H + y) * W + xx] = sy < 0 || sx < 0 ? fill : x.data[(p * h + sy) * w + sx];
      }
    }
  }
  return out;
}

/** A number or list as torchvision's reprs print what they were given (`[0.1307]`, `0.5`). */
function pyList(v: number | readonly number[]): string {
  return typeof v === 'number' ? String(v) : `[${v.join(', ')}]`;
}
