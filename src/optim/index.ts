/** `tsgrad.optim`: optimizers that update parameters in place from their gradients. */
export { Optimizer, type OptimizerStateDict, type ParamGroup, type ParamGroupInput, type Params, type StateEntry } from './optimizer';
export { SGD, type SGDOptions, type SGDGroupOptions, type SGDState } from './sgd';
export { Adam, type AdamOptions, type AdamGroupOptions, type AdamState } from './adam';
