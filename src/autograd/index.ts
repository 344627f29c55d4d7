/** `tsgrad.autograd`: gradients on demand, custom ops and gradient checking. */
export { grad } from './engine';
export { defineOp, type OpContext, type OpDefinition } from './custom-op';
export { gradcheck, type GradcheckOptions } from './gradcheck';
export { Node } from './node';
export { enableGrad, isGradEnabled, noGrad, setGradEnabled } from './grad-mode';
export { toDot, type ToDotOptions } from './dot';
