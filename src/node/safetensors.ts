/** Saving and loading safetensors files with `node:fs` (the in-memory codec is in ../serialization). */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseSafetensors, type SafetensorsContents, serializeSafetensors } from '../serialization/safetensors';
import type { Tensor } from '../tensor';

/**
 * Writes a state dict to `file` in the safetensors format (`safetensors.torch.save_file`). The
 * write is atomic: the bytes go to a temporary file in the same directory, which is then renamed
 * over `file`, so a crash never leaves a half-written checkpoint behind.
 */
export function save(stateDict: Record<string, Tensor>, file: string, metadata?: Record<string, string>): void {
  const bytes = serializeSafetensors(stateDict, metadata);
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | null = null;
  try {
    fd = fs.openSync(tmp, 'wx');
    fs.writeFileSync(fd, bytes);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = null;
    fs.renameSync(tmp, file);
  } catch (e) {
    if (fd !== null) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/** Reads the tensors of a safetensors file (`safetensors.torch.load_file`), ready for `loadStateDict`. */
export function load(file: string): Record<string, Tensor> {
  return loadWithMetadata(file).tensors;
}

/** Reads a safetensors file's tensors and its `__metadata__` strings. */
export function loadWithMetadata(file: string): SafetensorsContents {
  const bytes = fs.readFileSync(file);
  try {
    return parseSafetensors(bytes);
  } catch (e) {
    throw new Error(`${(e as Error).message} (reading ${file})`);
  }
}
