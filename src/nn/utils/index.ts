/** `tsgrad.nn.utils`: gradient clipping and flattening parameters into one vector. */
export { clipGradNorm_, clipGradValue_, getTotalNorm, clipGradsWithNorm_, type NormType, type TensorOrTensors } from './clip-grad';
export { parametersToVector, vectorToParameters } from './convert-parameters';
