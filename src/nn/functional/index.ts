/** `nn.functional`: the stateless forms of the layers and losses. */
export { relu, sigmoid, tanh } from '../../ops/unary';
export { leakyRelu, softsign } from './activation';
export { softmax, logSoftmax } from '../../ops/softmax';
export { linear } from '../../ops/linear';
export { crossEntropy, type CrossEntropyOptions } from './cross-entropy';
export { nllLoss, type NLLLossOptions } from './nll-loss';
export { binaryCrossEntropy, binaryCrossEntropyWithLogits, type BCELossOptions, type BCEWithLogitsLossOptions } from './binary-cross-entropy';
export { mseLoss, type MSELossOptions } from './mse-loss';
export type { Reduction } from './reduction';
export { pad, type PadMode } from '../../ops/pad';
export { oneHot } from '../../ops/shape';
export {
  batchNorm,
  instanceNorm,
  layerNorm,
  groupNorm,
  rmsNorm,
  localResponseNorm,
  type BatchNormFunctionalOptions,
  type InstanceNormFunctionalOptions,
  type LayerNormFunctionalOptions,
  type GroupNormFunctionalOptions,
  type RMSNormFunctionalOptions,
  type LocalResponseNormOptions,
} from './normalization';
export {
  conv1d,
  conv2d,
  convTranspose1d,
  convTranspose2d,
  unfold,
  fold,
  type ConvOptions,
  type ConvTransposeOptions,
  type FoldOptions,
  type ConvSize,
  type ConvPadding,
} from './conv';
export {
  elu,
  selu,
  celu,
  gelu,
  silu,
  mish,
  softplus,
  logsigmoid,
  softshrink,
  hardshrink,
  tanhshrink,
  hardtanh,
  relu6,
  hardsigmoid,
  hardswish,
  threshold,
  prelu,
  rrelu,
  glu,
  softmin,
  elu_,
  selu_,
  celu_,
  hardtanh_,
  threshold_,
  rrelu_,
  relu_,
  leakyRelu_,
} from './activations-more';
export { dropout, dropout1d, dropout2d, dropout3d, alphaDropout, featureAlphaDropout, type DropoutOptions } from './dropout';
export { embedding, embeddingBag, type EmbeddingOptions, type EmbeddingBagOptions, type EmbeddingBagMode } from './embedding';
export {
  l1Loss,
  smoothL1Loss,
  huberLoss,
  klDiv,
  poissonNllLoss,
  gaussianNllLoss,
  cosineEmbeddingLoss,
  marginRankingLoss,
  hingeEmbeddingLoss,
  multilabelSoftMarginLoss,
  multiMarginLoss,
  tripletMarginLoss,
  type L1LossOptions,
  type SmoothL1LossOptions,
  type HuberLossOptions,
  type KLDivLossOptions,
  type PoissonNLLLossOptions,
  type GaussianNLLLossOptions,
  type MarginLossOptions,
  type MultiLabelSoftMarginLossOptions,
  type MultiMarginLossOptions,
  type TripletMarginLossOptions,
} from './losses';
export { ctcLoss, type CTCLossOptions, type Lengths as CTCLengths } from './ctc-loss';
export { type GeluApproximate } from './activations-more';
export {
  maxPool1d,
  maxPool2d,
  maxPool1dWithIndices,
  maxPool2dWithIndices,
  avgPool1d,
  avgPool2d,
  adaptiveAvgPool1d,
  adaptiveAvgPool2d,
  adaptiveMaxPool1d,
  adaptiveMaxPool2d,
  maxUnpool1d,
  maxUnpool2d,
  type PoolSize,
  type AdaptiveSize,
  type MaxPoolOptions,
  type AvgPoolOptions,
  type MaxUnpoolOptions,
} from './pooling';
export { interpolate, type InterpolateMode, type InterpolateOptions } from './upsampling';
