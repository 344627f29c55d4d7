/** `tsgrad.onnx`: exporting a module to ONNX (`onnx.export`), for ONNX Runtime and other inference engines. */
export { exportModel as export, graphToOnnx, type ExportOptions, EXPORTABLE_OPS, MIN_OPSET, MAX_OPSET, DEFAULT_OPSET } from './export';
export { decodeModel } from './proto';
