/**
 * `tsgrad.optim.lrScheduler` (`torch.optim.lr_scheduler`): schedulers that set an optimizer's
 * learning rates epoch by epoch (or batch by batch), with PyTorch's formulas and numbers.
 *
 * ```ts
 * const scheduler = new optim.lrScheduler.StepLR(optimizer, 30, { gamma: 0.1 });
 * for (let epoch = 0; epoch < 100; epoch++) {
 *   train(); // ... optimizer.step() for each batch
 *   scheduler.step();
 * }
 * ```
 */
export { LRScheduler, type AnyOptimizer, type LastEpochOptions, type SchedulerStateDict } from './scheduler';
export {
  LambdaLR,
  MultiplicativeLR,
  StepLR,
  MultiStepLR,
  ConstantLR,
  LinearLR,
  ExponentialLR,
  PolynomialLR,
  type LrLambda,
  type StepLROptions,
  type MultiStepLROptions,
  type ConstantLROptions,
  type LinearLROptions,
  type PolynomialLROptions,
} from './factor';
export { CosineAnnealingLR, CosineAnnealingWarmRestarts, type CosineAnnealingLROptions, type CosineAnnealingWarmRestartsOptions } from './cosine';
export { CyclicLR, OneCycleLR, type CyclicLROptions, type OneCycleLROptions, type OneCyclePhase } from './cyclic';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './plateau';
export { SequentialLR, ChainedScheduler, type ChainedSchedulerOptions } from './composite';
