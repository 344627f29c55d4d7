/** Saving and loading safetensors files with `node:fs` (the in-memory codec is in ../serialization). */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
// Only what the core (src/index.ts) exports: the build makes these imports of the core bundle.
import { deserialize, serialize } from '../serialization/checkpoint';
import { parseSafetensors, type SafetensorsContents, type SafetensorsOptions, type SafetensorsSource } from '../serialization/safetensors';
import type { Tensor } from '../tensor';

/**
 * Writes `obj` to `file` in the safetensors format. A state dict (an object whose values are all
 * Tensors, `model.stateDict()`) is written as `safetensors.torch.save_file` writes it. Anything
 * else is written as a checkpoint (`serialize`'s layout): a nested object of Tensors, numbers,
 * strings, booleans, null, arrays and plain objects, such as
 * `save({ model: model.stateDict(), optimizer: optimizer.stateDict(), loader: loader.stateDict(), epoch }, file)`,
 * its tensors under dotted keys (`model.0.weight`) and the rest as JSON in `__metadata__`;
 * `load` reads it back.
 *
 * `metadata` adds string entries to `__metadata__`. `options.dtypes` names the dtype to store a
 * tensor as, by key (see `serializeSafetensors`); to write back a file as it was loaded, pass its
 * `dtypes`: `save(c.tensors, file, c.metadata, { dtypes: c.dtypes })`.
 *
 * The write is atomic: the bytes go to a temporary file in the same directory,
 * `.<name>.<pid>.<random>.tmp`, which is then renamed over `file`, so a crash never leaves a
 * half-written checkpoint behind. A save that was killed mid-write leaves its temporary file; the
 * next save of the same `file` removes every such leftover first.
 *
 * `save` is synchronous, so two saves of one file from the same thread run one after the other
 * (the later one wins). Saves of one file that do overlap (from worker threads or other processes)
 * still never leave a partial file: each renames only its own temporary file. But the one that
 * starts later removes the earlier one's temporary file as a leftover, and the earlier one then
 * fails with an Error saying so; `file` holds the later one's tensors.
 */
export function save(obj: unknown, file: string, metadata?: Record<string, string>, options?: SafetensorsOptions): void {
  let bytes: Uint8Array;
  try {
    bytes = serialize(obj, metadata, options);
  } catch (e) {
    throw new Error((e as Error).message.replace(/^serialize:/, 'save:'));
  }
  const dir = path.dirname(file);
  const name = path.basename(file);
  removeLeftovers(dir, name);
  const tmp = path.join(dir, `.${name}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | null = null;
  try {
    fd = fs.openSync(tmp, 'wx');
    fs.writeFileSync(fd, bytes);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = null;
    try {
      fs.renameSync(tmp, file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' && !fs.existsSync(tmp) && fs.existsSync(dir)) {
        throw new Error(
          `save: the temporary file ${tmp} was removed before it could be renamed over ${file}: ` +
            `another save of ${file}, started meanwhile, removed it as a leftover; ${file} holds that save's tensors`,
        );
      }
      throw e;
    }
  } catch (e) {
    if (fd !== null) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Removes the temporary files that earlier saves of `dir/name` left behind (killed mid-write):
 * exactly the names `save` gives them. Best effort: a leftover that cannot be removed stays.
 */
function removeLeftovers(dir: string, name: string): void {
  const pattern = new RegExp(`^\\.${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.\\d+\\.[0-9a-f]{12}\\.tmp$`);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return; // an unreadable or missing directory: opening the temporary file will say what is wrong
  }
  for (const leftover of names) {
    if (!pattern.test(leftover)) continue;
    try {
      fs.unlinkSync(path.join(dir, leftover));
    } catch {
      // Gone already (another save removed it), or not ours to remove.
    }
  }
}

/**
 * Reads what `save` wrote. A plain safetensors file (a state dict, or any file PyTorch's
 * `safetensors.torch.save_file` wrote) gives its tensors by name, ready for `loadStateDict`, as
 * `safetensors.torch.load_file` does. A checkpoint gives its nested object back:
 *
 * ```ts
 * const ckpt = load<{ model: Record<string, Tensor>; optimizer: OptimizerStateDict; epoch: number }>('ckpt.safetensors');
 * model.loadStateDict(ckpt.model);
 * ```
 *
 * `T` is what the caller says the file holds; it is not checked (the default is a state dict's
 * type, what a plain file holds). The file is checked as `loadWithMetadata` checks it, and a
 * checkpoint's structure as `deserialize` checks it.
 */
export function load<T = Record<string, Tensor>>(file: string): T {
  return readFile(file, (source) => {
    try {
      return deserialize<T>(source);
    } catch (e) {
      throw new Error((e as Error).message.replace(/^deserialize:/, 'load:'));
    }
  });
}

/**
 * Reads a safetensors file's tensors, its `__metadata__` strings and the stored dtype of each
 * tensor. The 8-byte length and the header are read and checked first, against the file's size,
 * so a file that cannot be right is rejected before its data is read; then each tensor is read
 * straight into its own storage. A checkpoint is not put back together here: its tensors come by
 * key (`model.0.weight`) and its structure is the JSON in `metadata['tsgrad.checkpoint']`.
 */
export function loadWithMetadata(file: string): SafetensorsContents {
  return readFile(file, parseSafetensors);
}

/** Opens `file`, checks that it is a regular file, and reads it with `parse`; errors name the file. */
function readFile<R>(file: string, parse: (source: SafetensorsSource) => R): R {
  // O_NONBLOCK: opening a FIFO must not wait for a writer (it is rejected below).
  const fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw new Error(`load: not a regular file (${kind(stat)}); tsgrad reads safetensors only from regular files`);
    // The size from fstat bounds every read: a file that says it holds more is rejected first.
    return parse({ size: stat.size, read: (position, length) => readAt(fd, position, length) });
  } catch (e) {
    throw new Error(`${(e as Error).message} (reading ${file})`);
  } finally {
    fs.closeSync(fd);
  }
}

/** Exactly `length` bytes at `position`, in a fresh buffer; an Error if the file ends first. */
function readAt(fd: number, position: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    // At most 1 GiB per call: readSync takes no more than 2^31 - 1 bytes at once.
    const n = fs.readSync(fd, out, done, Math.min(length - done, 2 ** 30), position + done);
    if (n === 0) throw new Error(`load: the file ended at byte ${position + done}, reading ${length} bytes from byte ${position} (did it shrink meanwhile?)`);
    done += n;
  }
  return out;
}

function kind(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}
