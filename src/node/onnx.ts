/** `onnx.export` writing a `.onnx` file, as `torch.onnx.export(model, args, f)` does. */
import * as fs from 'fs';
import type { Module } from '../nn/module';
import type { Tensor } from '../tensor';
// NOTE: through the core's public `onnx` namespace: the package build turns every import leaving src/node into one of the core bundle
import { onnx } from '../index';
import type { ExportOptions } from '../onnx/export';

/**
 * Exports `model` to ONNX (see `tsgrad.onnx.export`) and writes the ModelProto to the file `f`
 * (`torch.onnx.export(model, args, f, ...)`); returns the bytes written.
 */
function exportToFile(model: Module, exampleInputs: Tensor | readonly Tensor[], f: string, options: ExportOptions = {}): Uint8Array {
  if (typeof f !== 'string' || f === '') throw new Error(`onnx.export: f must be a file path, got ${typeof f === 'string' ? 'an empty string' : typeof f}`);
  const bytes = onnx.export(model, exampleInputs, options);
  fs.writeFileSync(f, bytes);
  return bytes;
}

export { exportToFile as export, type ExportOptions };
