/** `exportPyTorch`: writes a model's PyTorch sources and weights to a folder (the sources come from ../jit/pytorch). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PyTorchExportOptions, PyTorchLoss } from '../jit/pytorch';
// NOTE: through the core's public `jit` namespace: the package build turns every import leaving src/node into one of the core bundle
import { jit } from '../index';
import type { Module } from '../nn/module';
import type { Tensor } from '../tensor';
import { save } from './safetensors';

/** What `exportPyTorch` wrote. */
export interface PyTorchExportResult {
  /** The folder, as given. */
  dir: string;
  /** The files written, by name: model.py, model.safetensors, train_ddp.py, README.md. */
  files: string[];
  /** The class model.py defines. */
  className: string;
  /** The loss train_ddp.py uses. */
  loss: PyTorchLoss;
}

/**
 * Writes `model` for PyTorch into the folder `dir` (made if missing): `model.py` (an `nn.Module`
 * with the same submodule names, its forward generated from a trace on `exampleInputs`, dim 0 of
 * each input a dynamic batch axis), `model.safetensors` (the state dict; int64 buffers as I64),
 * `train_ddp.py` (continues training under `torchrun --nproc_per_node=N`) and `README.md`.
 *
 * ```ts
 * exportPyTorch(model.eval(), torch.randn(8, 1, 28, 28), 'out/net');
 * // cd out/net && torchrun --nproc_per_node=2 train_ddp.py --epochs 1
 * ```
 */
export function exportPyTorch(model: Module, exampleInputs: Tensor | readonly Tensor[], dir: string, options?: PyTorchExportOptions): PyTorchExportResult {
  if (typeof dir !== 'string' || dir === '')
    throw new Error(`exportPyTorch: dir must be a folder path (a non-empty string), got ${JSON.stringify(dir) ?? String(dir)}`);
  const out = jit.toPyTorch(model, exampleInputs, options);
  if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) throw new Error(`exportPyTorch: dir '${dir}' exists and is not a directory`);
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (e) {
    throw new Error(`exportPyTorch: cannot write to the folder '${dir}': ${(e as Error).message}`);
  }
  const files: [string, string][] = [
    ['model.py', out.modelPy],
    ['train_ddp.py', out.trainPy],
    ['README.md', out.readme],
  ];
  for (const [name, text] of files) fs.writeFileSync(path.join(dir, name), text);
  save(out.stateDict, path.join(dir, 'model.safetensors'), undefined, { dtypes: out.dtypes });
  return { dir, files: ['model.py', 'model.safetensors', 'train_ddp.py', 'README.md'], className: out.className, loss: out.loss };
}
