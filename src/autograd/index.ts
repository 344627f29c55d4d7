/** `tsgrad.autograd`: gradients on demand, custom ops and gradient checking. */
export { grad } from './engine';
export { defineOp, type OpContext, type OpDefinition } from './custom-op';
export { gradcheck, gradgradcheck, type GradcheckOptions, type GradgradcheckOptions } from './gradcheck';
export * as functional from './functional';
export { Node } from './node';
export { enableGrad, isGradEnabled, noGrad, setGradEnabled } from './grad-mode';
export { toDot, type ToDotOptions } from './dot';
