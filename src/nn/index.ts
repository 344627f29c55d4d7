/** `tsgrad.nn`: modules, layers, losses and their functional forms. */
export { Module, ModuleList, type LoadResult } from './module';
export { Parameter } from './parameter';
export { Linear, type LinearOptions } from './linear';
export {
  ReLU,
  LeakyReLU,
  Softsign,
  Sigmoid,
  Tanh,
  Softmax,
  LogSoftmax,
  ELU,
  SELU,
  CELU,
  GELU,
  SiLU,
  Mish,
  Softplus,
  Softshrink,
  Hardshrink,
  Tanhshrink,
  Hardtanh,
  ReLU6,
  Hardsigmoid,
  Hardswish,
  PReLU,
  RReLU,
  LogSigmoid,
  Threshold,
  GLU,
  Softmin,
  Softmax2d,
} from './activation';
export { Dropout, Dropout1d, Dropout2d, Dropout3d, AlphaDropout, FeatureAlphaDropout, DropoutNd } from './dropout';
export {
  Embedding,
  EmbeddingBag,
  type EmbeddingModuleOptions,
  type EmbeddingBagModuleOptions,
  type FromPretrainedOptions,
  type EmbeddingBagFromPretrainedOptions,
} from './sparse';
export { Sequential, Flatten, Unflatten, Identity, ModuleDict, ParameterList, ParameterDict, type DictLike } from './container';
export {
  CrossEntropyLoss,
  NLLLoss,
  BCELoss,
  BCEWithLogitsLoss,
  MSELoss,
  L1Loss,
  SmoothL1Loss,
  HuberLoss,
  KLDivLoss,
  PoissonNLLLoss,
  GaussianNLLLoss,
  CosineEmbeddingLoss,
  MarginRankingLoss,
  HingeEmbeddingLoss,
  MultiLabelSoftMarginLoss,
  MultiMarginLoss,
  TripletMarginLoss,
  CTCLoss,
} from './loss';
export { type PReLUOptions } from './activation';
export * as functional from './functional/index';
export * as init from './init';
export * as utils from './utils/index';
export {
  BatchNorm1d,
  BatchNorm2d,
  InstanceNorm2d,
  LayerNorm,
  GroupNorm,
  RMSNorm,
  LocalResponseNorm,
  type BatchNormOptions,
  type LayerNormOptions,
  type GroupNormOptions,
  type RMSNormOptions,
} from './normalization';
export { Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d, type PaddingMode, type ConvModuleOptions, type ConvTransposeModuleOptions } from './conv';
export {
  MaxPool1d,
  MaxPool2d,
  AvgPool1d,
  AvgPool2d,
  AdaptiveAvgPool1d,
  AdaptiveAvgPool2d,
  AdaptiveMaxPool1d,
  AdaptiveMaxPool2d,
  MaxUnpool1d,
  MaxUnpool2d,
  type PoolResult,
  type MaxPoolModuleOptions,
  type AvgPoolModuleOptions,
  type MaxUnpoolModuleOptions,
} from './pooling';
export { Upsample, UpsamplingNearest2d, UpsamplingBilinear2d, type UpsampleOptions } from './upsampling';
