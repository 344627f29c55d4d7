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

/** How the affine transforms sample the image: torchvision's tensor-supported InterpolationModes. */
export type Interpolation = 'nearest' | 'bilinear';

/** Options of `affine` (`torchvision.transforms.functional.affine`); angle, translate, scale and shear are required, as there. */
export interface AffineOptions {
  /** Rotation in degrees, clockwise. */
  angle: number;
  /** Post-rotation translation in pixels, [horizontal, vertical]. */
  translate: readonly number[];
  /** Overall scale, > 0. */
  scale: number;
  /** Shear in degrees: one number shears parallel to the x axis only; [x] shears both axes by x; [x, y]. */
  shear: number | readonly number[];
  /** Default 'nearest'. */
  interpolation?: Interpolation;
  /** The value of pixels from outside the image, per channel or one for all; default none (zeros without the fill mask). */
  fill?: number | readonly number[] | null;
  /** The point [x, y] kept in place, in pixels from the top-left corner; default the image centre. */
  center?: readonly number[] | null;
}

/**
 * The image [..., H, W] (float32 or float64) under the affine map of rotation `angle` (clockwise),
 * `scale` and `shear` about `center`, then translation by `translate`: torchvision's tensor path
 * (`torchvision.transforms.functional.affine`), its inverse matrix applied to a grid of pixel
 * centres and sampled as `grid_sample(..., padding_mode='zeros', align_corners=False)`. With `fill`,
 * pixels from outside take the fill (nearest) or are blended towards it by the share of the
 * bilinear weight that fell outside, as torchvision's mask channel does. A new tensor, not recorded
 * for autograd. [H, W] is one channel.
 */
export function affine(img: Tensor, options: AffineOptions): Tensor {
  const where = 'affine';
  checkImage(img, where);
  if (options === undefined) throw new Error('affine: options { angle, translate, scale, shear } are required');
  checkOptions(options, ['angle', 'translate', 'scale', 'shear', 'interpolation', 'fill', 'center'], where);
  const angle = checkNumber(options.angle, where, 'angle');
  const { translate } = options;
  if (!Array.isArray(translate)) throw new Error(`affine: Argument translate should be a sequence, got ${describe(translate)}`);
  if (translate.length !== 2) throw new Error('affine: Argument translate should be a sequence of length 2');
  translate.forEach((t) => checkNumber(t, where, 'translate'));
  const scale = checkNumber(options.scale, where, 'scale');
  if (!(scale > 0)) throw new Error('affine: Argument scale should be positive');
  const { shear } = options;
  let shears: number[];
  if (typeof shear === 'number') shears = [shear, 0];
  else if (Array.isArray(shear)) shears = shear.length === 1 ? [shear[0], shear[0]] : [...(shear as number[])];
  else throw new Error(`affine: Shear should be either a single value or a sequence of two values, got ${describe(shear)}`);
  if (shears.length !== 2) throw new Error(`affine: Shear should be a sequence containing two values. Got ${pyList(shear as number[])}`);
  shears.forEach((s) => checkNumber(s, where, 'shear'));
  const mode = interpolationOf(options.interpolation, where);
  const fill = fillOf(options.fill, where);
  const center = centerOf(img, options.center, where);
  const matrix = inverseAffineMatrix(center, angle, [translate[0], translate[1]], scale, [shears[0], shears[1]]);
  const [h, w] = img.shape.slice(-2);
  return gridTransform(img, matrix, h, w, mode, fill, where);
}

/** Options of `rotate` (`torchvision.transforms.functional.rotate`). */
export interface RotateOptions {
  /** Default 'nearest'. */
  interpolation?: Interpolation;
  /** Make the output large enough to hold the whole rotated image; default false. */
  expand?: boolean;
  /** The point [x, y] rotated about, in pixels from the top-left corner; default the image centre. */
  center?: readonly number[] | null;
  /** As `affine`'s fill. */
  fill?: number | readonly number[] | null;
}

/**
 * The image [..., H, W] rotated by `angle` degrees counter-clockwise (`torchvision.transforms.functional.rotate`:
 * the affine path with -angle, as torchvision's tensor path does), optionally expanded to hold it all.
 */
export function rotate(img: Tensor, angle: number, options: RotateOptions = {}): Tensor {
  const where = 'rotate';
  checkImage(img, where);
  checkNumber(angle, where, 'angle');
  checkOptions(options, ['interpolation', 'expand', 'center', 'fill'], where);
  const mode = interpolationOf(options.interpolation, where);
  const expand = options.expand === undefined ? false : checkBoolean(options.expand, where, 'expand');
  const fill = fillOf(options.fill, where);
  const center = centerOf(img, options.center, where);
  return rotateImpl(img, angle, mode, expand, center, fill, where);
}

/** torchvision's functionals as `transforms.functional.affine` and `transforms.functional.rotate`. */
export const functional = { affine, rotate };

/** Options of `RandomAffine`. */
export interface RandomAffineOptions extends RandomOptions {
  /** Maximum fractions [a, b] of the width and height to translate by: tx in (-a W, a W), ty in (-b H, b H), rounded. */
  translate?: readonly number[] | null;
  /** Range [min, max] of the scale. */
  scale?: readonly number[] | null;
  /** Shear range in degrees: a number s for x in (-s, s); [min, max] for x; [xmin, xmax, ymin, ymax]. */
  shear?: number | readonly number[] | null;
  /** Default 'nearest'. */
  interpolation?: Interpolation;
  /** The value of pixels from outside the image, one or per channel; default 0. */
  fill?: number | readonly number[];
  /** The point [x, y] kept in place; default the image centre. */
  center?: readonly number[] | null;
}

/**
 * A random affine map of the image keeping its centre (`transforms.RandomAffine`), on tensors
 * [..., H, W]. Each call draws from the generator, in this order, as torchvision's `get_params`
 * does: the angle uniform in degrees; with `translate`, tx = round(uniform(-a W, a W)) then ty
 * likewise (half to even, as Python's round); with `scale`, the scale; with `shear`, the x shear,
 * then the y shear if 4 values were given. Then `affine` with `fill` (so bilinear output is blended
 * by the fill mask even for the default fill 0, as torchvision's).
 */
export function RandomAffine(degrees: number | readonly number[], options: RandomAffineOptions = {}): Transform {
  const where = 'RandomAffine';
  checkOptions(options, ['translate', 'scale', 'shear', 'interpolation', 'fill', 'center', 'generator'], where);
  const range = setupAngle(degrees, 'degrees', [2], where);
  const translate = options.translate ?? null;
  if (translate !== null) {
    checkSequence(translate, 'translate', [2], where);
    if (translate.some((t) => !(t >= 0 && t <= 1))) throw new Error('RandomAffine: translation values should be between 0 and 1');
  }
  const scale = options.scale ?? null;
  if (scale !== null) {
    checkSequence(scale, 'scale', [2], where);
    if (scale.some((s) => !(s > 0))) throw new Error('RandomAffine: scale values should be positive');
  }
  const shear = options.shear == null ? null : setupAngle(options.shear, 'shear', [2, 4], where);
  const mode = interpolationOf(options.interpolation, where);
  const fill = options.fill ?? 0;
  const fillList = fillOf(fill, where) as number[];
  const center = options.center ?? null;
  if (center !== null) checkSequence(center, 'center', [2], where);
  const generator = checkGenerator(options.generator, where);
  let repr = `RandomAffine(degrees=${pyFloats(range)}`;
  if (translate !== null) repr += `, translate=${pyTuple(translate)}`;
  if (scale !== null) repr += `, scale=${pyTuple(scale)}`;
  if (shear !== null) repr += `, shear=${pyFloats(shear)}`;
  if (mode !== 'nearest') repr += `, interpolation=${mode}`;
  if (fill !== 0) repr += `, fill=${pyList(fill)}`;
  if (center !== null) repr += `, center=${pyList(center)}`;
  repr += ')';
  return transform(repr, (x: Tensor) => {
    checkImage(x, where);
    const [h, w] = x.shape.slice(-2);
    const angle = drawUniform(generator, range[0], range[1]);
    let tx = 0;
    let ty = 0;
    if (translate !== null) {
      const maxDx = translate[0] * w;
      const maxDy = translate[1] * h;
      tx = roundHalfEven(drawUniform(generator, -maxDx, maxDx));
      ty = roundHalfEven(drawUniform(generator, -maxDy, maxDy));
    }
    const s = scale === null ? 1 : drawUniform(generator, scale[0], scale[1]);
    let shx = 0;
    let shy = 0;
    if (shear !== null) {
      shx = drawUniform(generator, shear[0], shear[1]);
      if (shear.length === 4) shy = drawUniform(generator, shear[2], shear[3]);
    }
    const matrix = inverseAffineMatrix(centerOf(x, center, where), angle, [tx, ty], s, [shx, shy]);
    return gridTransform(x, matrix, h, w, mode, fillList, where);
  });
}

/** Options of `RandomRotation`. */
export interface RandomRotationOptions extends RandomOptions {
  /** Default 'nearest'. */
  interpolation?: Interpolation;
  /** Make the output large enough to hold the whole rotated image; default false. */
  expand?: boolean;
  /** The point [x, y] rotated about; default the image centre. */
  center?: readonly number[] | null;
  /** The value of pixels from outside the image, one or per channel; default 0. */
  fill?: number | readonly number[];
}

/**
 * The image rotated by an angle drawn uniform in `degrees` ([-d, d] for a number d, or [min, max]),
 * counter-clockwise as `rotate` (`transforms.RandomRotation`), one draw from the generator per call.
 */
export function RandomRotation(degrees: number | readonly number[], options: RandomRotationOptions = {}): Transform {
  const where = 'RandomRotation';
  checkOptions(options, ['interpolation', 'expand', 'center', 'fill', 'generator'], where);
  const range = setupAngle(degrees, 'degrees', [2], where);
  const center = options.center ?? null;
  if (center !== null) checkSequence(center, 'center', [2], where);
  const mode = interpolationOf(options.interpolation, where);
  const expand = options.expand === undefined ? false : checkBoolean(options.expand, where, 'expand');
  const fill = options.fill ?? 0;
  const fillList = fillOf(fill, where) as number[];
  const generator = checkGenerator(options.generator, where);
  let repr = `RandomRotation(degrees=${pyFloats(range)}, interpolation=${mode}, expand=${expand ? 'True' : 'False'}`;
  if (center !== null) repr += `, center=${pyList(center)}`;
  repr += `, fill=${pyList(fill)})`;
  return transform(repr, (x: Tensor) => {
    checkImage(x, where);
    const angle = drawUniform(generator, range[0], range[1]);
    return rotateImpl(x, angle, mode, expand, centerOf(x, center, where), fillList, where);
  });
}

function checkImage(x: Tensor, where: string): void {
  checkTensor(x, where);
  if (x.ndim < 2) throw new Error(`${where}: Tensor is not a torch image. Expected shape [..., H, W], got ${fmt(x.shape)}`);
  if (x.dtype !== 'float32' && x.dtype !== 'float64') throw new Error(`${where}: expected a float32 or float64 image, got ${x.dtype}`);
}

/** torchvision's `_setup_angle`: a number d >= 0 as [-d, d], else a sequence of one of `sizes` lengths. */
function setupAngle(x: unknown, name: string, sizes: readonly number[], where: string): number[] {
  if (typeof x === 'number') {
    if (!(x >= 0)) throw new Error(`${where}: If ${name} is a single number, it must be positive.`);
    return [-x, x];
  }
  checkSequence(x, name, sizes, where);
  return [...x];
}

/** torchvision's `_check_sequence_input`, for sequences of numbers. */
function checkSequence(x: unknown, name: string, sizes: readonly number[], where: string): asserts x is readonly number[] {
  if (!Array.isArray(x) || !sizes.includes(x.length)) throw new Error(`${where}: ${name} should be a sequence of length ${sizes.join(' or ')}.`);
  x.forEach((v) => checkNumber(v, where, name));
}

function interpolationOf(mode: unknown, where: string): Interpolation {
  if (mode === undefined) return 'nearest';
  if (mode !== 'nearest' && mode !== 'bilinear') throw new Error(`${where}: Interpolation mode '${String(mode)}' is unsupported with Tensor input`);
  return mode;
}

/** The fill as torchvision's tensor path receives it: null (no mask) or a list. */
function fillOf(fill: unknown, where: string): number[] | null {
  if (fill === undefined || fill === null) return null;
  if (typeof fill === 'number') return [fill];
  if (!Array.isArray(fill)) throw new Error(`${where}: Fill should be either a sequence or a number.`);
  fill.forEach((v) => checkNumber(v, where, 'fill'));
  return [...(fill as number[])];
}

/** The centre as torchvision's tensor path takes it: pixels from the image centre. */
function centerOf(img: Tensor, center: unknown, where: string): [number, number] {
  if (center === undefined || center === null) return [0, 0];
  checkSequence(center, 'center', [2], where);
  const [h, w] = img.shape.slice(-2);
  return [center[0] - w * 0.5, center[1] - h * 0.5];
}

/** One draw uniform in [low, high) (`torch.empty(1).uniform_(low, high)`). */
function drawUniform(generator: Generator, low: number, high: number): number {
  if (low > high) throw new Error(`uniform_ expects to return a [from, to) range, but found from=${low} > to=${high}`);
  return low + (high - low) * generator.uniform();
}

/** Python's round: to the nearest whole number, halves to even. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * torchvision's `_get_inverse_affine_matrix`: the 2 x 3 inverse of
 * M = T * C * R(angle) S(scale) SHy(shear[1]) SHx(shear[0]) * C^-1, angles in degrees.
 */
function inverseAffineMatrix(center: [number, number], angle: number, translate: [number, number], scale: number, shear: [number, number]): number[] {
  const radians = Math.PI / 180;
  const rot = angle * radians;
  const sx = shear[0] * radians;
  const sy = shear[1] * radians;
  const [cx, cy] = center;
  const [tx, ty] = translate;
  const a = Math.cos(rot - sy) / Math.cos(sy);
  const b = (-Math.cos(rot - sy) * Math.tan(sx)) / Math.cos(sy) - Math.sin(rot);
  const c = Math.sin(rot - sy) / Math.cos(sy);
  const d = (-Math.sin(rot - sy) * Math.tan(sx)) / Math.cos(sy) + Math.cos(rot);
  const m = [d, -b, 0, -c, a, 0].map((v) => v / scale);
  m[2] += m[0] * (-cx - tx) + m[1] * (-cy - ty);
  m[5] += m[3] * (-cx - tx) + m[4] * (-cy - ty);
  m[2] += cx;
  m[5] += cy;
  return m;
}

function rotateImpl(x: Tensor, angle: number, mode: Interpolation, expand: boolean, center: [number, number], fill: number[] | null, where: string): Tensor {
  const matrix = inverseAffineMatrix(center, -angle, [0, 0], 1, [0, 0]);
  const [h, w] = x.shape.slice(-2);
  const [oh, ow] = expand ? expandedSize(matrix, w, h) : [h, w];
  return gridTransform(x, matrix, oh, ow, mode, fill, where);
}

/** torchvision's `_compute_affine_output_size` (float32, as there): [oh, ow] holding the whole rotated image. */
function expandedSize(matrix: readonly number[], w: number, h: number): [number, number] {
  const f = Math.fround;
  const t = matrix.map(f);
  const lo = [Infinity, Infinity];
  const hi = [-Infinity, -Infinity];
  for (const [px, py] of [
    [-0.5 * w, -0.5 * h],
    [-0.5 * w, 0.5 * h],
    [0.5 * w, 0.5 * h],
    [0.5 * w, -0.5 * h],
  ]) {
    for (let k = 0; k < 2; k++) {
      const v = f(f(f(px * t[3 * k]) + f(py * t[3 * k + 1])) + t[3 * k + 2]);
      lo[k] = Math.min(lo[k], v);
      hi[k] = Math.max(hi[k], v);
    }
  }
  const tol = f(1e-4);
  const size = [w, h].map((s, k) => {
    const half = f(s * 0.5);
    const cmax = Math.ceil(f(Math.trunc(f(f(hi[k] + half) / tol)) * tol));
    const cmin = Math.floor(f(Math.trunc(f(f(lo[k] + half) / tol)) * tol));
    return cmax - cmin;
  });
  return [size[1], size[0]];
}

/**
 * torchvision's `_gen_affine_grid` + `_apply_grid_transform` in one pass: for each output pixel of
 * [oh, ow], its centre (relative to the output centre) mapped by the inverse `matrix`, normalised
 * by the input's size and unnormalised again as `grid_sample(align_corners=False)` does, in the
 * image's precision (float32 rounding step by step), then sampled from every plane.
 */
function gridTransform(x: Tensor, matrix: readonly number[], oh: number, ow: number, mode: Interpolation, fill: number[] | null, where: string): Tensor {
  const [h, w] = x.shape.slice(-2);
  const channels = x.ndim >= 3 ? x.shape[x.ndim - 3] : 1;
  if (fill !== null && fill.length > 1 && fill.length !== channels) {
    throw new Error(`${where}: The number of elements in 'fill' cannot broadcast to match the number of channels of the image (${fill.length} != ${channels})`);
  }
  const f32 = x.dtype === 'float32';
  const planes = h * w === 0 ? 0 : x.numel() / (h * w);
  const src = x.data as Float32Array | Float64Array;
  const out = new (src.constructor as Float32ArrayConstructor | Float64ArrayConstructor)(planes * oh * ow);
  const fills = fill === null ? null : Float64Array.from({ length: channels }, (_, c) => rnd(fill.length === 1 ? fill[0] : fill[c], f32));
  const t = matrix.map((v) => rnd(v, f32));
  const halfW = rnd(0.5 * w, f32);
  const halfH = rnd(0.5 * h, f32);
  // rescaled theta: theta^T / [w / 2, h / 2]
  const ax = rnd(t[0] / halfW, f32);
  const bx = rnd(t[1] / halfW, f32);
  const cx = rnd(t[2] / halfW, f32);
  const ay = rnd(t[3] / halfH, f32);
  const by = rnd(t[4] / halfH, f32);
  const cy = rnd(t[5] / halfH, f32);
  const inPlane = h * w;
  const outPlane = oh * ow;
  for (let oy = 0; oy < oh; oy++) {
    const gy0 = oy - oh * 0.5 + 0.5;
    for (let ox = 0; ox < ow; ox++) {
      const gx0 = ox - ow * 0.5 + 0.5;
      const gx = rnd(rnd(rnd(gx0 * ax, f32) + rnd(gy0 * bx, f32), f32) + cx, f32);
      const gy = rnd(rnd(rnd(gx0 * ay, f32) + rnd(gy0 * by, f32), f32) + cy, f32);
      const ix = rnd(rnd(rnd(gx + 1, f32) * halfW, f32) - 0.5, f32);
      const iy = rnd(rnd(rnd(gy + 1, f32) * halfH, f32) - 0.5, f32);
      const o = oy * ow + ox;
      if (mode === 'nearest') {
        const nx = roundHalfEven(ix);
        const ny = roundHalfEven(iy);
        const inside = nx > -1 && nx < w && ny > -1 && ny < h;
        const s = ny * w + nx;
        for (let p = 0, c = 0; p < planes; p++) {
          out[p * outPlane + o] = inside ? src[p * inPlane + s] : fills === null ? 0 : fills[c];
          if (++c === channels) c = 0;
        }
        continue;
      }
      const x0 = Math.floor(ix);
      const y0 = Math.floor(iy);
      const we = rnd(ix - x0, f32);
      const ea = rnd(1 - we, f32);
      const no = rnd(iy - y0, f32);
      const so = rnd(1 - no, f32);
      const inW = x0 > -1 && x0 < w;
      const inE = x0 + 1 > -1 && x0 + 1 < w;
      const inN = y0 > -1 && y0 < h;
      const inS = y0 + 1 > -1 && y0 + 1 < h;
      const inNW = inN && inW;
      const inNE = inN && inE;
      const inSW = inS && inW;
      const inSE = inS && inE;
      const nw = rnd(so * ea, f32);
      const ne = rnd(so * we, f32);
      const sw = rnd(no * ea, f32);
      const se = rnd(no * we, f32);
      const iNW = y0 * w + x0;
      // the mask channel of ones, sampled as the image is: the in-bounds share of the weight
      const mask = rnd(rnd(rnd((inNW ? nw : 0) + (inNE ? ne : 0), f32) + (inSW ? sw : 0), f32) + (inSE ? se : 0), f32);
      const rest = rnd(1 - mask, f32);
      for (let p = 0, c = 0; p < planes; p++) {
        const base = p * inPlane + iNW;
        let v = inNW ? rnd(src[base] * nw, f32) : 0;
        v = rnd(v + (inNE ? rnd(src[base + 1] * ne, f32) : 0), f32);
        v = rnd(v + (inSW ? rnd(src[base + w] * sw, f32) : 0), f32);
        v = rnd(v + (inSE ? rnd(src[base + w + 1] * se, f32) : 0), f32);
        out[p * outPlane + o] = fills === null ? v : rnd(rnd(v * mask, f32) + rnd(rest * fills[c], f32), f32);
        if (++c === channels) c = 0;
      }
    }
  }
  return new Tensor(out, [...x.shape.slice(0, -2), oh, ow], x.dtype);
}

/** `v` in the image's precision: rounded to float32 when `f32` (one function, so that V8 inlines it for both dtypes). */
function rnd(v: number, f32: boolean): number {
  return f32 ? Math.fround(v) : v;
}

/** Python's repr of a float (`10.0`, `0.1`, `1e-05`). */
function pyFloat(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-4 || a >= 1e16)) return v.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  const s = Object.is(v, -0) ? '-0' : String(v);
  return s.includes('.') ? s : `${s}.0`;
}

/** A list of floats as Python prints one (`[-10.0, 10.0]`). */
function pyFloats(v: readonly number[]): string {
  return `[${v.map(pyFloat).join(', ')}]`;
}

/** A pair as Python prints a tuple (`(0.1, 0.1)`). */
function pyTuple(v: readonly number[]): string {
  return `(${v.join(', ')})`;
}
