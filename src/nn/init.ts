/**
 * `nn.init`: filling parameters in place under no-grad, from the seeded generator, with PyTorch's
 * formulas (`torch/nn/init.py`). Each returns the tensor it filled.
 */
import { noGrad } from '../autograd/grad-mode';
import { checkTensor } from '../ops/helpers';
import { checkOptions } from '../options';
import { defaultGenerator, type Generator } from '../random';
import { fmt } from '../shape';
import type { Tensor } from '../tensor';

/** The nonlinearities `calculateGain` knows, with PyTorch's spellings. */
export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'conv_transpose1d'
  | 'conv_transpose2d'
  | 'conv_transpose3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leaky_relu'
  | 'selu';

/** The recommended gain for a nonlinearity (`nn.init.calculate_gain`); `param` is leaky_relu's slope (default 0.01). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear':
    case 'conv1d':
    case 'conv2d':
    case 'conv3d':
    case 'conv_transpose1d':
    case 'conv_transpose2d':
    case 'conv_transpose3d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.sqrt(2);
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      if (typeof slope !== 'number' || Number.isNaN(slope)) throw new Error(`calculateGain: negative_slope ${String(param)} is not a valid number`);
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new Error(`calculateGain: unsupported nonlinearity '${String(nonlinearity)}'`);
  }
}

/** fan_in and fan_out of a weight: [out, in, ...kernel] (`_calculate_fan_in_and_fan_out`). */
export function calculateFanInAndFanOut(t: Tensor): [number, number] {
  checkTensor(t, 'calculateFanInAndFanOut', 'tensor');
  if (t.ndim < 2)
    throw new Error(`calculateFanInAndFanOut: fan in and fan out can not be computed for a tensor with fewer than 2 dimensions (shape ${fmt(t.shape)})`);
  let receptive = 1;
  for (let d = 2; d < t.ndim; d++) receptive *= t.shape[d];
  return [t.shape[1] * receptive, t.shape[0] * receptive];
}

/** Fills with U(a, b) (`nn.init.uniform_`). */
export function uniform_(t: Tensor, a = 0, b = 1, generator: Generator = defaultGenerator): Tensor {
  checkTensor(t, 'uniform_', 'tensor');
  return noGrad(() => t.uniform_(a, b, generator));
}

export interface KaimingOptions {
  /** The negative slope of the rectifier after this layer (leaky_relu only); default 0. */
  a?: number;
  /** 'fanIn' (default) keeps the forward pass's variance, 'fanOut' the backward's. */
  mode?: 'fanIn' | 'fanOut';
  nonlinearity?: Nonlinearity;
  generator?: Generator;
}

/**
 * Fills with U(-bound, bound), bound = gain * sqrt(3 / fan) (`nn.init.kaiming_uniform_`, He et al.).
 * Linear's weight uses a = sqrt(5), so that bound = 1 / sqrt(inFeatures).
 */
export function kaimingUniform_(t: Tensor, options: KaimingOptions = {}): Tensor {
  checkTensor(t, 'kaimingUniform_', 'tensor');
  checkOptions(options, ['a', 'mode', 'nonlinearity', 'generator'], 'kaimingUniform_');
  const { a = 0, mode = 'fanIn', nonlinearity = 'leaky_relu', generator = defaultGenerator } = options;
  if (mode !== 'fanIn' && mode !== 'fanOut') {
    const hint = mode === 'fan_in' || mode === 'fan_out' ? ` (PyTorch's '${mode}' is spelt '${mode === 'fan_in' ? 'fanIn' : 'fanOut'}' here)` : '';
    throw new Error(`kaimingUniform_: mode must be 'fanIn' or 'fanOut', got '${String(mode)}'${hint}`);
  }
  if (t.numel() === 0) {
    console.warn('Initializing zero-element tensors is a no-op');
    return t;
  }
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const gain = calculateGain(nonlinearity, a);
  // NOTE: PyTorch's order of operations, so the bound is the same double
  const std = gain / Math.sqrt(mode === 'fanIn' ? fanIn : fanOut);
  const bound = Math.sqrt(3) * std;
  return uniform_(t, -bound, bound, generator);
}
