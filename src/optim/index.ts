/** `tsgrad.optim`: optimizers that update parameters in place from their gradients. */
export { Optimizer, type OptimizerStateDict, type ParamGroup, type ParamGroupInput, type Params, type StateEntry } from './optimizer';
export { SGD, type SGDOptions, type SGDGroupOptions, type SGDState } from './sgd';
export { Adam, type AdamOptions, type AdamGroupOptions, type AdamState } from './adam';
export { AdamW, type AdamWOptions } from './adamw';
export { Adamax, type AdamaxOptions, type AdamaxGroupOptions, type AdamaxState } from './adamax';
export { NAdam, type NAdamOptions, type NAdamGroupOptions, type NAdamState } from './nadam';
export { RAdam, type RAdamOptions, type RAdamGroupOptions, type RAdamState } from './radam';
export { Adagrad, type AdagradOptions, type AdagradGroupOptions, type AdagradState } from './adagrad';
export * as lrScheduler from './lr-scheduler/index';
export { RMSprop, type RMSpropOptions, type RMSpropGroupOptions, type RMSpropState } from './rmsprop';
export { Adadelta, type AdadeltaOptions, type AdadeltaGroupOptions, type AdadeltaState } from './adadelta';
export { ASGD, type ASGDOptions, type ASGDGroupOptions, type ASGDState } from './asgd';
export { Rprop, type RpropOptions, type RpropGroupOptions, type RpropState } from './rprop';
export { LBFGS, type LBFGSOptions, type LBFGSGroupOptions, type LBFGSState } from './lbfgs';
