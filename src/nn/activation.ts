/**
 * Activation modules: each holds its options and calls its functional form; reprs as PyTorch prints
 * them (numbers as Python floats: a JS number does not say whether it was written `1` or `1.0`).
 */
import { type FloatDType, getDefaultDtype } from '../dtype';
import { pyFloatRepr } from '../format';
import { checkBoolean, checkInteger, checkNumber, checkOptions, describe } from '../options';
import { checkTensor, zerosOf } from '../ops/helpers';
import { logSoftmax, softmax } from '../ops/softmax';
import { leakyRelu, relu, sigmoid, tanh } from '../ops/unary';
import type { Tensor } from '../tensor';
import { softsign } from './functional/activation';
import {
  celu,
  elu,
  type GeluApproximate,
  gelu,
  glu,
  hardshrink,
  hardsigmoid,
  hardswish,
  hardtanh,
  logsigmoid,
  mish,
  prelu,
  relu6,
  RRELU_LOWER,
  RRELU_UPPER,
  rrelu,
  selu,
  silu,
  softmin,
  softplus,
  softshrink,
  tanhshrink,
  threshold,
  leakyRelu_,
  relu_,
} from './functional/activations-more';
import { Module } from './module';
import { Parameter } from './parameter';

/** `, inplace=True` (or `inplace=True` alone) when set, as PyTorch's extra_repr. */
function inplaceRepr(inplace: boolean, alone = false): string {
  return inplace ? (alone ? 'inplace=True' : ', inplace=True') : '';
}

function checkFlag(inplace: unknown, where: string): boolean {
  return checkBoolean(inplace, where, 'inplace');
}

/** max(x, 0) elementwise (`nn.ReLU`); `inplace` writes into the input. */
export class ReLU extends Module {
  constructor(readonly inplace = false) {
    super();
    checkFlag(inplace, 'ReLU');
  }
  forward(x: Tensor): Tensor {
    return this.inplace ? relu_(x) : relu(x);
  }
  override extraRepr(): string {
    return inplaceRepr(this.inplace, true);
  }
}

/** x where x > 0, else negativeSlope * x (`nn.LeakyReLU`); `inplace` writes into the input. */
export class LeakyReLU extends Module {
  constructor(
    readonly negativeSlope = 0.01,
    readonly inplace = false,
  ) {
    super();
    if (typeof negativeSlope !== 'number' || Number.isNaN(negativeSlope))
      throw new Error(`LeakyReLU: negativeSlope must be a number, got ${describe(negativeSlope)}`);
    checkFlag(inplace, 'LeakyReLU');
  }
  forward(x: Tensor): Tensor {
    return this.inplace ? leakyRelu_(x, this.negativeSlope) : leakyRelu(x, this.negativeSlope);
  }
  override extraRepr(): string {
    return `negative_slope=${pyFloatRepr(this.negativeSlope)}${inplaceRepr(this.inplace)}`;
  }
}

/** x / (1 + |x|) elementwise (`nn.Softsign`). */
export class Softsign extends Module {
  forward(x: Tensor): Tensor {
    return softsign(x);
  }
}

/** 1 / (1 + e^-x) elementwise (`nn.Sigmoid`). */
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

/** tanh(x) elementwise (`nn.Tanh`). */
export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

/** softmax along `dim` (`nn.Softmax(dim)`). */
export class Softmax extends Module {
  constructor(readonly dim: number) {
    super();
    checkInteger(dim, 'Softmax', 'dim');
  }
  forward(x: Tensor): Tensor {
    return softmax(x, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** log-softmax along `dim` (`nn.LogSoftmax(dim)`). */
export class LogSoftmax extends Module {
  constructor(readonly dim: number) {
    super();
    checkInteger(dim, 'LogSoftmax', 'dim');
  }
  forward(x: Tensor): Tensor {
    return logSoftmax(x, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** x for x > 0, else alpha * (e^x - 1) (`nn.ELU`). */
export class ELU extends Module {
  constructor(
    readonly alpha = 1,
    readonly inplace = false,
  ) {
    super();
    checkNumber(alpha, 'ELU', 'alpha');
    checkFlag(inplace, 'ELU');
  }
  forward(x: Tensor): Tensor {
    return elu(x, this.alpha, this.inplace);
  }
  override extraRepr(): string {
    return `alpha=${pyFloatRepr(this.alpha)}${inplaceRepr(this.inplace)}`;
  }
}

/** The self-normalising ELU, scale * elu(x, alpha) with PyTorch's constants (`nn.SELU`). */
export class SELU extends Module {
  constructor(readonly inplace = false) {
    super();
    checkFlag(inplace, 'SELU');
  }
  forward(x: Tensor): Tensor {
    return selu(x, this.inplace);
  }
  override extraRepr(): string {
    return inplaceRepr(this.inplace, true);
  }
}

/** max(0, x) + min(0, alpha (e^(x/alpha) - 1)) (`nn.CELU`). */
export class CELU extends Module {
  constructor(
    readonly alpha = 1,
    readonly inplace = false,
  ) {
    super();
    checkNumber(alpha, 'CELU', 'alpha');
    checkFlag(inplace, 'CELU');
  }
  forward(x: Tensor): Tensor {
    return celu(x, this.alpha, this.inplace);
  }
  override extraRepr(): string {
    return `alpha=${pyFloatRepr(this.alpha)}${inplaceRepr(this.inplace)}`;
  }
}

/** x * Phi(x), or its tanh approximation (`nn.GELU(approximate)`). */
export class GELU extends Module {
  constructor(readonly approximate: GeluApproximate = 'none') {
    super();
    if (approximate !== 'none' && approximate !== 'tanh') throw new Error(`GELU: approximate must be 'none' or 'tanh', got ${describe(approximate)}`);
  }
  forward(x: Tensor): Tensor {
    return gelu(x, { approximate: this.approximate });
  }
  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

/** x * sigmoid(x) (`nn.SiLU`). */
export class SiLU extends Module {
  constructor(readonly inplace = false) {
    super();
    checkFlag(inplace, 'SiLU');
  }
  forward(x: Tensor): Tensor {
    return silu(x, this.inplace);
  }
  override extraRepr(): string {
    return inplaceRepr(this.inplace, true);
  }
}

/** x * tanh(softplus(x)) (`nn.Mish`). */
export class Mish extends Module {
  constructor(readonly inplace = false) {
    super();
    checkFlag(inplace, 'Mish');
  }
  forward(x: Tensor): Tensor {
    return mish(x, this.inplace);
  }
  override extraRepr(): string {
    return inplaceRepr(this.inplace, true);
  }
}

/** log(1 + e^(beta x)) / beta, linear above `threshold` (`nn.Softplus`). */
export class Softplus extends Module {
  constructor(
    readonly beta = 1,
    readonly threshold = 20,
  ) {
    super();
    checkNumber(beta, 'Softplus', 'beta');
    checkNumber(threshold, 'Softplus', 'threshold');
  }
  forward(x: Tensor): Tensor {
    return softplus(x, this.beta, this.threshold);
  }
  override extraRepr(): string {
    return `beta=${pyFloatRepr(this.beta)}, threshold=${pyFloatRepr(this.threshold)}`;
  }
}

/** Shrinks x toward 0 by lambd, 0 inside [-lambd, lambd] (`nn.Softshrink`). */
export class Softshrink extends Module {
  constructor(readonly lambd = 0.5) {
    super();
    checkNumber(lambd, 'Softshrink', 'lambd');
  }
  forward(x: Tensor): Tensor {
    return softshrink(x, this.lambd);
  }
  override extraRepr(): string {
    return pyFloatRepr(this.lambd);
  }
}

/** x outside [-lambd, lambd], else 0 (`nn.Hardshrink`). */
export class Hardshrink extends Module {
  constructor(readonly lambd = 0.5) {
    super();
    checkNumber(lambd, 'Hardshrink', 'lambd');
  }
  forward(x: Tensor): Tensor {
    return hardshrink(x, this.lambd);
  }
  override extraRepr(): string {
    return pyFloatRepr(this.lambd);
  }
}

/** x - tanh(x) (`nn.Tanhshrink`). */
export class Tanhshrink extends Module {
  forward(x: Tensor): Tensor {
    return tanhshrink(x);
  }
}

/** x limited to [minVal, maxVal] (`nn.Hardtanh`); maxVal must be greater than minVal, as in PyTorch. */
export class Hardtanh extends Module {
  constructor(
    readonly minVal = -1,
    readonly maxVal = 1,
    readonly inplace = false,
  ) {
    super();
    checkNumber(minVal, new.target.name, 'minVal');
    checkNumber(maxVal, new.target.name, 'maxVal');
    checkFlag(inplace, new.target.name);
    if (!(maxVal > minVal)) throw new Error(`Hardtanh: maxVal (${pyFloatRepr(maxVal)}) must be greater than minVal (${pyFloatRepr(minVal)})`);
  }
  forward(x: Tensor): Tensor {
    return hardtanh(x, this.minVal, this.maxVal, this.inplace);
  }
  override extraRepr(): string {
    return `min_val=${pyFloatRepr(this.minVal)}, max_val=${pyFloatRepr(this.maxVal)}${inplaceRepr(this.inplace)}`;
  }
}

/** min(max(x, 0), 6) (`nn.ReLU6`): a Hardtanh(0, 6), as in PyTorch. */
export class ReLU6 extends Hardtanh {
  constructor(inplace = false) {
    super(0, 6, inplace);
  }
  override forward(x: Tensor): Tensor {
    return relu6(x, this.inplace);
  }
  override extraRepr(): string {
    return inplaceRepr(this.inplace, true);
  }
}

/** min(max(x + 3, 0), 6) / 6 (`nn.Hardsigmoid`); PyTorch prints no options. */
export class Hardsigmoid extends Module {
  constructor(readonly inplace = false) {
    super();
    checkFlag(inplace, 'Hardsigmoid');
  }
  forward(x: Tensor): Tensor {
    return hardsigmoid(x, this.inplace);
  }
}

/** x * hardsigmoid(x) (`nn.Hardswish`); PyTorch prints no options. */
export class Hardswish extends Module {
  constructor(readonly inplace = false) {
    super();
    checkFlag(inplace, 'Hardswish');
  }
  forward(x: Tensor): Tensor {
    return hardswish(x, this.inplace);
  }
}

/** Options of `nn.PReLU` beyond its two positional arguments. */
export interface PReLUOptions {
  dtype?: FloatDType;
}

/**
 * x where x > 0, else a * x, with a learned `weight` of `numParameters` slopes (1, or one per
 * channel, dim 1 of the input), each starting at `init` (`nn.PReLU`).
 */
export class PReLU extends Module {
  readonly numParameters: number;
  readonly init: number;
  weight: Parameter;
  constructor(numParameters = 1, init = 0.25, options: PReLUOptions = {}) {
    super();
    checkInteger(numParameters, 'PReLU', 'numParameters');
    if (numParameters < 1) throw new Error(`PReLU: numParameters must be at least 1, got ${numParameters}`);
    checkNumber(init, 'PReLU', 'init');
    checkOptions(options, ['dtype'], 'PReLU', { device: { why: 'tsgrad runs on the CPU', accepts: ['cpu'] } });
    if (options.dtype !== undefined && options.dtype !== 'float32' && options.dtype !== 'float64') {
      throw new Error(`PReLU: dtype must be 'float32' or 'float64' (parameters are floating point), got ${describe(options.dtype)}`);
    }
    this.numParameters = numParameters;
    this.init = init;
    this.weight = new Parameter(zerosOf([numParameters], options.dtype ?? getDefaultDtype()));
    this.resetParameters();
  }
  /** Every slope back to `init` (PyTorch's reset_parameters). */
  resetParameters(): void {
    this.weight.data.fill(this.init);
    this.weight._version.value++;
  }
  forward(x: Tensor): Tensor {
    return prelu(x, this.weight);
  }
  override extraRepr(): string {
    return `num_parameters=${this.numParameters}`;
  }
}

/**
 * Randomized leaky ReLU (`nn.RReLU`): in training mode each negative element gets a slope drawn
 * uniformly from [lower, upper] (by the default generator); in eval mode the mean slope.
 */
export class RReLU extends Module {
  constructor(
    readonly lower = RRELU_LOWER,
    readonly upper = RRELU_UPPER,
    readonly inplace = false,
  ) {
    super();
    checkNumber(lower, 'RReLU', 'lower');
    checkNumber(upper, 'RReLU', 'upper');
    checkFlag(inplace, 'RReLU');
  }
  forward(x: Tensor): Tensor {
    return rrelu(x, this.lower, this.upper, this.training, this.inplace);
  }
  override extraRepr(): string {
    return `lower=${pyFloatRepr(this.lower)}, upper=${pyFloatRepr(this.upper)}${inplaceRepr(this.inplace)}`;
  }
}

/** log(sigmoid(x)) (`nn.LogSigmoid`). */
export class LogSigmoid extends Module {
  forward(x: Tensor): Tensor {
    return logsigmoid(x);
  }
}

/** value where x <= threshold, else x (`nn.Threshold(threshold, value)`). */
export class Threshold extends Module {
  constructor(
    readonly threshold: number,
    readonly value: number,
    readonly inplace = false,
  ) {
    super();
    checkNumber(threshold, 'Threshold', 'threshold');
    checkNumber(value, 'Threshold', 'value');
    checkFlag(inplace, 'Threshold');
  }
  forward(x: Tensor): Tensor {
    return threshold(x, this.threshold, this.value, this.inplace);
  }
  override extraRepr(): string {
    return `threshold=${pyFloatRepr(this.threshold)}, value=${pyFloatRepr(this.value)}${inplaceRepr(this.inplace)}`;
  }
}

/** The gated linear unit a * sigmoid(b), a and b the halves of the input along `dim` (`nn.GLU`). */
export class GLU extends Module {
  constructor(readonly dim = -1) {
    super();
    checkInteger(dim, 'GLU', 'dim');
  }
  forward(x: Tensor): Tensor {
    return glu(x, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** softmax(-x) along `dim` (`nn.Softmin(dim)`). */
export class Softmin extends Module {
  constructor(readonly dim: number) {
    super();
    checkInteger(dim, 'Softmin', 'dim');
  }
  forward(x: Tensor): Tensor {
    return softmin(x, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** softmax over the channels (dim -3) of a (C, H, W) or (N, C, H, W) input (`nn.Softmax2d`). */
export class Softmax2d extends Module {
  forward(x: Tensor): Tensor {
    checkTensor(x, 'Softmax2d');
    if (x.ndim !== 3 && x.ndim !== 4) throw new Error(`Softmax2d: expected input to be 3D or 4D, got ${x.ndim}D instead`);
    return softmax(x, -3);
  }
}
