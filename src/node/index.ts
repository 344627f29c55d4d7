/**
 * tsgrad's Node entry point: what needs `node:fs` and friends, kept apart so that the core
 * (`src/index.ts`) stays browser-safe.
 *
 * ```ts
 * import * as torch from 'tsgrad';
 * import { save, load, loadMnist } from 'tsgrad/node';
 * save(model.stateDict(), 'model.safetensors');
 * model.loadStateDict(load('model.safetensors'));
 * ```
 */
export { save, load, loadWithMetadata } from './safetensors';
export type { SafetensorsContents, SafetensorsDtype, SafetensorsOptions, SafetensorsSource } from '../serialization/safetensors';

// Further Node-only modules are re-exported below, one line each (e.g. the MNIST loader, ./mnist).
export { loadMnist, type LoadMnistOptions, type Mnist, MNIST_PIXELS } from './mnist';

// ONNX export to a file: onnx.export(model, exampleInputs, 'model.onnx', options), as torch.onnx.export.
export * as onnx from './onnx';

// PyTorch export to a folder: model.py, model.safetensors, train_ddp.py (see jit.toPyTorch for the text alone).
export { exportPyTorch, type PyTorchExportResult } from './export-pytorch';
export type { PyTorchExportOptions, PyTorchLoss, PyTorchOptimizer } from '../jit/pytorch';
