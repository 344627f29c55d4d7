/**
 * Dropout and its channel-wise and self-normalizing forms (`F.dropout`, `F.dropout1d`, `F.dropout2d`,
 * `F.dropout3d`, `F.alphaDropout`, `F.featureAlphaDropout`). Composites: a mask drawn from a seeded Generator (the
 * default one unless `generator` is given), applied with `mul` (and `add` for alpha dropout), so the
 * grad_fn is PyTorch's (`MulBackward0`, `AddBackward0`) and gradients of every order are the mask
 * times the incoming gradient. The masks cannot match PyTorch's: its random streams are not tsgrad's.
 */
import { isGradEnabled } from '../../autograd/grad-mode';
import { tracer } from '../../autograd/trace-hook';
import { kernels } from '../../backend/registry';
import { type FloatArray, isFloatDtype } from '../../dtype';
import { pyFloatRepr } from '../../format';
import { checkBoolean, checkOptions, describe } from '../../options';
import { add, mul } from '../../ops/binary';
import { checkTensor, zerosOf } from '../../ops/helpers';
import { squeeze, unsqueeze, viewAs } from '../../ops/layout';
import { checkGenerator, type Generator } from '../../random';
import { fmt } from '../../shape';
import { Tensor } from '../../tensor';

/** Options of the dropout functions and modules beyond PyTorch's arguments. */
export interface DropoutOptions {
  /** Where the masks come from (the default generator, read at each call, unless given). */
  generator?: Generator;
}

/** SELU's negative saturation, -scale * alpha, negated (PyTorch's `alpha` in alpha dropout). */
const SELU_SATURATION = 1.7580993408473766;

/** `p` when it is a number in [0, 1], else PyTorch's error. */
export function checkDropoutP(p: unknown, where: string): number {
  if (typeof p !== 'number') throw new Error(`${where}: p must be a number in [0, 1], got ${describe(p)}`);
  if (!(p >= 0 && p <= 1)) throw new Error(`${where}: dropout probability has to be between 0 and 1, but got ${pyFloatRepr(p)}`);
  return p;
}

const warned = new Set<string>();

/** console.warn, once per message (Python's default filter shows a warning once per place). */
function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  console.warn(message);
}

/** Checks the arguments every dropout function takes; returns the generator to draw from. */
function checkArgs(input: unknown, p: unknown, training: unknown, inplace: unknown, options: DropoutOptions, where: string): Generator {
  checkTensor(input, where);
  checkDropoutP(p, where);
  checkBoolean(training, where, 'training');
  checkBoolean(inplace, where, 'inplace');
  checkOptions(options, ['generator'], where);
  return checkGenerator(options.generator, where);
}

/**
 * PyTorch's `_dropout_impl` out of place: the input itself when nothing is dropped (p = 0, eval, no
 * elements), zeros by `mul` when p = 1, else the input times a fresh mask (elementwise, or one value
 * per (sample, channel) when `feature`), and for alpha dropout plus a shift.
 */
function dropoutOf(input: Tensor, p: number, training: boolean, feature: boolean, alpha: boolean, generator: Generator, where: string): Tensor {
  if (p === 0 || !training || input.numel() === 0) return input;
  // NOTE: multiplied by a zero scalar, as PyTorch does, so NaN and inf inputs give NaN
  if (p === 1) return mul(input, zerosOf([], input.dtype));
  if (!isFloatDtype(input.dtype)) {
    throw new Error(`${where}: input must be floating point, got ${input.dtype} (PyTorch: result type Float can't be cast to the desired output type)`);
  }
  if (feature && input.ndim < 2) throw new Error(`${where}: Feature dropout requires at least 2 dimensions in the input (got shape ${fmt(input.shape)})`);
  const shape = feature ? input.shape.map((s, i) => (i < 2 ? s : 1)) : input.shape;
  const keep = 1 - p;
  // the scalars rounded to the input's dtype, as PyTorch's float32 arithmetic rounds them
  const round = input.dtype === 'float32' ? Math.fround : (v: number): number => v;
  const scale = zerosOf(shape, input.dtype);
  const s = scale.data;
  if (!alpha) {
    // kept elements are scaled by 1/(1-p), so the expectation is the input's
    const value = round(1 / round(keep));
    kernels().bernoulliFill(generator.aleaState(), keep, value, s as FloatArray);
    return mul(input, scale);
  }
  // y = a x + b on kept elements and a * (SELU's saturation) + b on dropped ones, with a and b
  // chosen so that a SELU output's zero mean and unit variance survive
  const a = 1 / Math.sqrt((SELU_SATURATION * SELU_SATURATION * p + 1) * keep);
  const shift = zerosOf(shape, input.dtype);
  const b = shift.data;
  const keptScale = round(a);
  const keptShift = round(SELU_SATURATION * a * p);
  const droppedShift = round(-round(SELU_SATURATION * a) + keptShift);
  // keptScale > 0, so the mask's zeros are the dropped elements
  kernels().bernoulliFill(generator.aleaState(), keep, keptScale, s as FloatArray);
  for (let i = 0; i < s.length; i++) b[i] = s[i] !== 0 ? keptShift : droppedShift;
  return add(mul(input, scale), shift);
}

/**
 * `x` with `apply(x)` written into it (PyTorch's `inplace=True`). When the write is recorded, `apply`
 * reads a copy of x that carries x's history (the ops it records save their input, which must not
 * change), and x takes over the result's grad_fn. Call it only when there is something to write
 * (see `writes`): PyTorch returns the input untouched before its in-place checks otherwise.
 */
function inPlace(x: Tensor, apply: (input: Tensor) => Tensor, where: string): Tensor {
  const recorded = isGradEnabled() && x.requiresGrad;
  if (recorded && x.isLeaf) {
    throw new Error(`${where}: a leaf tensor that requires grad is being used in an in-place operation (inplace=true); use inplace=false`);
  }
  let input = x.detach();
  if (recorded) {
    input = new Tensor(x.data.slice(), x.shape, x.dtype);
    input._setGradFn(x.gradFn!);
  }
  const y = apply(input);
  if (y === input) return x;
  x.data.set(y.data);
  x._version.value++;
  if (y.gradFn !== null) x._setGradFn(y.gradFn);
  return x;
}

/** Whether dropout changes anything (PyTorch's early return: p = 0, eval mode, no elements). */
function writes(input: Tensor, p: number, training: boolean): boolean {
  return p !== 0 && training && input.numel() !== 0;
}

/**
 * Zeroes each element with probability p and scales the rest by 1/(1-p) (`F.dropout`), when
 * `training`; otherwise (or with p = 0) returns `input` itself. p = 1 gives zeros.
 */
export function dropout(input: Tensor, p = 0.5, training = true, inplace = false, options: DropoutOptions = {}): Tensor {
  const y = dropoutUntraced(input, p, training, inplace, options);
  if (tracer !== null) tracer.op('dropout', [input], { p, training, inplace }, y);
  return y;
}

function dropoutUntraced(input: Tensor, p = 0.5, training = true, inplace = false, options: DropoutOptions = {}): Tensor {
  const generator = checkArgs(input, p, training, inplace, options, 'dropout');
  const apply = (x: Tensor): Tensor => dropoutOf(x, p, training, false, false, generator, 'dropout');
  return inplace && writes(input, p, training) ? inPlace(input, apply, 'dropout') : apply(input);
}

/**
 * Zeroes whole channels of an (N, C, L) or unbatched (C, L) input with probability p and scales the
 * rest by 1/(1-p) (`F.dropout1d`): one mask value per (sample, channel).
 */
export function dropout1d(input: Tensor, p = 0.5, training = true, inplace = false, options: DropoutOptions = {}): Tensor {
  const y = dropout1dUntraced(input, p, training, inplace, options);
  if (tracer !== null) tracer.op('dropout1d', [input], { p, training, inplace }, y);
  return y;
}

function dropout1dUntraced(input: Tensor, p = 0.5, training = true, inplace = false, options: DropoutOptions = {}): Tensor {
  const generator = checkArgs(input, p, training, inplace, options, 'dropout1d');
  if (input.ndim !== 2 && input.ndim !== 3) {
    throw new Error(
      `dropout1d: Expected 2D or 3D input, but received a ${input.ndim}D input. Note that dropout1d exists to provide channel-wise ` +
        'dropout on inputs with 1 spatial dimension, a channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).',
    );
  }
  const drop = (x: Tensor): Tensor => dropoutOf(x, p, training, true, false, generator, 'dropout1d');
  if (input.ndim === 3) return inplace && writes(input, p, training) ? inPlace(input, drop, 'dropout1d') : drop(input);
  return asBatchOfOne(input, p, training, inplace, drop, 'dropout1d');
}

/**
 * Feature dropout of an unbatched input as a batch of one, as PyTorch does it (so that the result is
 * a squeeze, SqueezeBackward1, even in eval mode; in place, PyTorch's squeeze_ is SqueezeBackward4).
 */
function asBatchOfOne(input: Tensor, p: number, training: boolean, inplace: boolean, drop: (x: Tensor) => Tensor, where: string): Tensor {
  if (!inplace) return squeeze(drop(unsqueeze(input, 0)), 0);
  if (!writes(input, p, training)) return input;
  return inPlace(input, (x) => viewAs(drop(unsqueeze(x, 0)), x.shape, 'SqueezeBackward4'), where);
}

/**
 * Zeroes whole channels of an (N, C, H, W) input with probability p and scales the rest by 1/(1-p)
 * (`F.dropout2d`). As in PyTorch, a 3-D input is taken as (N, C, L) (channel-wise 1-D dropout), with
 * a warning, and other ranks are deprecated (a warning; below 2-D an Error in training).
 */
export function dropout2d(input: Tensor, p = 0.5, training = true, inplace = false, options: DropoutOptions = {}): Tensor {
  const y = dropout2dUntraced(input, p, training, inplace, options);
  if (tracer !== null) tracer.op('dropout2d', [input], { p, training, inplace }, y);
  return y;
}

function dropout2dUntraced(input: Tensor, p = 0.5, training = true, inplace = false, options: DropoutOptions = {}): Tensor {
  const generator = checkArgs(input, p, training, inplace, options, 'dropout2d');
  if (input.ndim !== 3 && input.ndim !== 4) {
    warnOnce(
      `dropout2d: Received a ${input.ndim}-D input to dropout2d, which is deprecated and will result in an error in a future release. ` +
        'To retain the behavior and silence this warning, please use dropout instead. Note that dropout2d exists to provide ' +
        'channel-wise dropout on inputs with 2 spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 3D or 4D inputs).',
    );
  }
  if (input.ndim === 3) {
    warnOnce(
      'dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior is desired - input is ' +
        'interpreted as shape (N, C, L), where C is the channel dim. This behavior will change in a future release to interpret ' +
        'the input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, ' +
        'please switch to using dropout1d instead.',
    );
  }
  const apply = (x: Tensor): Tensor => dropoutOf(x, p, training, true, false, generator, 'dropout2d');
  return inplace && writes(input, p, training) ? inPlace(input, apply, 'dropout2d') : apply(input);
}

/**
 * Zeroes whole channels of an (N, C, D, H, W) or unbatched (C, D, H, W) input with probability p and
 * scales the rest by 1/(1-p) (`F.dropout3d`). Other ranks are deprecated (a warning) and, as in
 * PyTorch, taken as unbatched.
 */
export function dropout3d(input: Tensor, p = 0.5, training = true, inplace = false, options: DropoutOptions = {}): Tensor {
  const y = dropout3dUntraced(input, p, training, inplace, options);
  if (tracer !== null) tracer.op('dropout3d', [input], { p, training, inplace }, y);
  return y;
}

function dropout3dUntraced(input: Tensor, p = 0.5, training = true, inplace = false, options: DropoutOptions = {}): Tensor {
  const generator = checkArgs(input, p, training, inplace, options, 'dropout3d');
  if (input.ndim !== 4 && input.ndim !== 5) {
    warnOnce(
      `dropout3d: Received a ${input.ndim}-D input to dropout3d, which is deprecated and will result in an error in a future release. ` +
        'To retain the behavior and silence this warning, please use dropout instead. Note that dropout3d exists to provide ' +
        'channel-wise dropout on inputs with 3 spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 4D or 5D inputs).',
    );
  }
  const drop = (x: Tensor): Tensor => dropoutOf(x, p, training, true, false, generator, 'dropout3d');
  if (input.ndim === 5) return inplace && writes(input, p, training) ? inPlace(input, drop, 'dropout3d') : drop(input);
  return asBatchOfOne(input, p, training, inplace, drop, 'dropout3d');
}

/**
 * Alpha dropout for self-normalizing networks (`F.alpha_dropout`): each element is dropped with
 * probability p to SELU's negative saturation, then all are scaled and shifted so that inputs of zero
 * mean and unit variance keep them. Only when `training`, which defaults to false as in PyTorch.
 */
export function alphaDropout(input: Tensor, p = 0.5, training = false, inplace = false, options: DropoutOptions = {}): Tensor {
  const y = alphaDropoutUntraced(input, p, training, inplace, options);
  if (tracer !== null) tracer.op('alphaDropout', [input], { p, training, inplace }, y);
  return y;
}

function alphaDropoutUntraced(input: Tensor, p = 0.5, training = false, inplace = false, options: DropoutOptions = {}): Tensor {
  const generator = checkArgs(input, p, training, inplace, options, 'alphaDropout');
  const apply = (x: Tensor): Tensor => dropoutOf(x, p, training, false, true, generator, 'alphaDropout');
  return inplace && writes(input, p, training) ? inPlace(input, apply, 'alphaDropout') : apply(input);
}

/**
 * Alpha dropout of whole channels (`F.feature_alpha_dropout`): one draw per (sample, channel) of an
 * input of at least 2 dims. Only when `training`, which defaults to false as in PyTorch.
 */
export function featureAlphaDropout(input: Tensor, p = 0.5, training = false, inplace = false, options: DropoutOptions = {}): Tensor {
  const y = featureAlphaDropoutUntraced(input, p, training, inplace, options);
  if (tracer !== null) tracer.op('featureAlphaDropout', [input], { p, training, inplace }, y);
  return y;
}

function featureAlphaDropoutUntraced(input: Tensor, p = 0.5, training = false, inplace = false, options: DropoutOptions = {}): Tensor {
  const generator = checkArgs(input, p, training, inplace, options, 'featureAlphaDropout');
  const apply = (x: Tensor): Tensor => dropoutOf(x, p, training, true, true, generator, 'featureAlphaDropout');
  return inplace && writes(input, p, training) ? inPlace(input, apply, 'featureAlphaDropout') : apply(input);
}
