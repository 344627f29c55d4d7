/**
 * tsgrad: tensors with reverse-mode autograd, PyTorch's semantics in TypeScript's conventions.
 *
 * ```ts
 * import * as torch from 'tsgrad';
 * const x = torch.tensor([2.0, 1.0, 0.1]);
 * console.log(torch.softmax(x, 0)); // tensor([0.6590, 0.2424, 0.0986])
 * ```
 */
import { checkTensor } from './ops/helpers';
import { Tensor } from './tensor';
import { Device } from './dtype';

export { Tensor, type NestedArray } from './tensor';
export { type DType, type FloatDType, getDefaultDtype, setDefaultDtype, promoteTypes, Device, type DeviceLike } from './dtype';
export { type Shape } from './shape';
export { Generator, manualSeed, initialSeed, defaultGenerator, type GeneratorState } from './random';
export {
  tensor,
  zeros,
  ones,
  full,
  empty,
  emptyLike,
  fromArray,
  asTensor,
  zerosLike,
  onesLike,
  fullLike,
  arange,
  linspace,
  eye,
  rand,
  randn,
  randint,
  randperm,
  type TensorOptions,
  type RandomOptions,
} from './creation';
export { randLike, randnLike, randintLike, normal, bernoulli, multinomial, poisson, logspace, type SampleOptions, type NormalOptions } from './sampling';
export { noGrad, enableGrad, isGradEnabled, setGradEnabled } from './autograd/grad-mode';
export { setBackend, getBackend, setNumThreads, getNumThreads, getBackendInfo, type BackendInfo, type BackendName } from './backend/registry';
export { setPrintOptions, getPrintOptions } from './format';
export type { TensorOrNumber } from './ops/helpers';
export { add, sub, mul, div, neg, eq, ne, gt, lt, ge, le, logicalAnd } from './ops/binary';
export {
  Slice,
  parseSlice,
  index,
  indexPut,
  indexPut_,
  select,
  slice,
  take,
  takeAlongDim,
  indexCopy,
  indexFill,
  scatter,
  scatterReduce,
  maskedFill,
  maskedSelect,
  maskedScatter,
  nonzero,
  where,
  type IndexEntry,
  type ScatterReduction,
  type ScatterOptions,
  type ScatterReduceOptions,
  type NonzeroOptions,
} from './ops/indexing';
export { exp, log, sqrt, abs, sign, clamp, relu, sigmoid, tanh, clone, pow } from './ops/unary';
export { matmul } from './ops/matmul';
export {
  sum,
  mean,
  max,
  min,
  argmax,
  argmin,
  var,
  std,
  varMean,
  stdMean,
  logsumexp,
  norm,
  any,
  all,
  countNonzero,
  amax,
  amin,
  aminmax,
  nansum,
  nanmean,
  type Dims,
  type VarOptions,
} from './ops/reduce';
export { prod, cumsum, cumprod, cummax, cummin } from './ops/scan';
export { sort, argsort, topk, kthvalue, median, mode, unique, uniqueConsecutive, searchsorted, bucketize } from './ops/sort';
export { softmax, logSoftmax } from './ops/softmax';
export {
  reshape,
  flatten,
  squeeze,
  unsqueeze,
  transpose,
  permute,
  expand,
  sumTo,
  cat,
  stack,
  gather,
  scatterAdd,
  indexSelect,
  indexAdd,
  narrow,
} from './ops/layout';
export {
  floor,
  ceil,
  round,
  trunc,
  frac,
  sgn,
  reciprocal,
  rsqrt,
  square,
  log1p,
  expm1,
  log2,
  log10,
  exp2,
  sin,
  cos,
  tan,
  asin,
  acos,
  atan,
  sinh,
  cosh,
  asinh,
  acosh,
  atanh,
  erf,
  erfc,
  erfinv,
  nanToNum,
  isnan,
  isinf,
  isfinite,
  logicalNot,
  bitwiseNot,
  type RoundOptions,
} from './ops/unary';
export {
  maximum,
  minimum,
  fmax,
  fmin,
  atan2,
  hypot,
  logaddexp,
  xlogy,
  remainder,
  fmod,
  floorDivide,
  lerp,
  isclose,
  allclose,
  equal,
  logicalOr,
  logicalXor,
  bitwiseAnd,
  bitwiseOr,
  bitwiseXor,
  bitwiseLeftShift,
  bitwiseRightShift,
} from './ops/elementwise';
export {
  split,
  chunk,
  unbind,
  tensorSplit,
  movedim,
  moveaxis,
  swapaxes,
  swapdims,
  flip,
  fliplr,
  flipud,
  roll,
  rot90,
  tile,
  repeatInterleave,
  tril,
  triu,
  diag,
  diagonal,
  diagEmbed,
  trace,
  meshgrid,
  broadcastTo,
  broadcastTensors,
  atleast1d,
  atleast2d,
  atleast3d,
  hstack,
  vstack,
  dstack,
  columnStack,
  type MeshgridOptions,
  type RepeatInterleaveOptions,
} from './ops/shape';
export {
  mm,
  bmm,
  mv,
  dot,
  outer,
  inner,
  addmm,
  addmv,
  baddbmm,
  tensordot,
  kron,
  cross,
  cdist,
  type AddProductOptions,
  type CdistComputeMode,
} from './ops/matmul';
export { einsum } from './ops/einsum';
export * as linalg from './ops/linalg';
export * as autograd from './autograd/index';

/** Same as reshape (`torch.Tensor.view`); a number is a 1-D shape, as `x.view(16)`. */
export function view(x: Tensor, shape: readonly number[] | number): Tensor {
  return checkTensor(x, 'view').view(shape);
}
export * as nn from './nn/index';

/** A device (`torch.device('cpu')`); tsgrad runs on the CPU, and other devices are an Error naming why. */
export function device(type: string, index?: number): Device {
  return new Device(type, index);
}

/** `torch.cuda`: tsgrad has no CUDA; `isAvailable()` is false, so `'cuda' if torch.cuda.is_available() else 'cpu'` picks the CPU. */
export const cuda = {
  isAvailable: (): boolean => false,
  deviceCount: (): number => 0,
};

/** `torch.backends`: no MPS either. */
export const backends = { mps: { isAvailable: (): boolean => false, isBuilt: (): boolean => false } };
export { serializeSafetensors, deserializeSafetensors, parseSafetensors, type SafetensorsContents } from './serialization/safetensors';
export { serialize, deserialize, type CheckpointValue } from './serialization/checkpoint';
export * as data from './data/index';
export * as optim from './optim/index';
export * as jit from './jit/index';
export * as onnx from './onnx/index';
