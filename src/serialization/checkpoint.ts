/**
 * Checkpoints: a nested object of tensors, numbers, strings, booleans, null, arrays and plain
 * objects (a model's stateDict, an optimizer's, a DataLoader's, an epoch counter, ...) as one
 * safetensors file, in memory and without Node APIs (`tsgrad/node`'s `save` / `load` write and
 * read files with it).
 *
 * ```ts
 * const bytes = serialize({ model: model.stateDict(), optimizer: optimizer.stateDict(), epoch: 3 });
 * const { model: m, optimizer: o, epoch } = deserialize<{ model: Record<string, Tensor>; optimizer: OptimizerStateDict; epoch: number }>(bytes);
 * ```
 *
 * ## The file layout (format version 1)
 *
 * A plain state dict, a plain object whose values are all Tensors (`model.stateDict()`, or `{}`),
 * is written exactly as `serializeSafetensors` writes it: its keys name the tensors, and
 * `__metadata__` holds only the metadata given, passed through unchanged (so the tensors and
 * metadata of any file, from `loadWithMetadata`, are written back as they were). A file without
 * the `tsgrad.checkpoint` metadata key (such as any file PyTorch's `safetensors.torch.save_file`
 * writes) reads back as that flat object of Tensors, in file order.
 *
 * Anything else is written as a checkpoint:
 *
 * - Every Tensor is stored as a safetensors tensor (its own dtype, or `options.dtypes[key]`)
 *   under its **key**: the path to it from the top, keys and array indices joined by dots,
 *   `model.linear1.weight`, `optimizer.state.0.expAvg`, `history.2` (the third item of an array).
 *   A key that has dots of its own keeps them (`{ model: { '0.weight': t } }` is stored as
 *   `model.0.weight`), and nothing is escaped. The root itself has the empty path: a bare Tensor
 *   is stored under the key `''`.
 * - `__metadata__` holds two keys (beside any metadata given, whose keys must differ from them):
 *   - `"tsgrad.checkpoint.version"`: `"1"`.
 *   - `"tsgrad.checkpoint"`: the whole object as JSON text, with each value encoded as:
 *     - null, booleans, strings: themselves;
 *     - numbers: themselves when JSON holds them exactly in every language: finite, not -0, and
 *       either not whole or a safe integer (|x| <= 2^53 - 1). Any other number is
 *       `{"__float__": s}`, where `s` is JavaScript's `String(x)` (`"NaN"`, `"Infinity"`,
 *       `"-Infinity"`, `"9007199254740992"`, `"1e+300"`), except `"-0"` for -0; both JavaScript's
 *       `Number(s)` and Python's `float(s)` read it back exactly. (Whole numbers past 2^53 are
 *       encoded because a JSON reader such as Python's would otherwise read the digits
 *       JavaScript prints, `18446744073709552000`, as that integer, not as the double 2^64.)
 *     - a Tensor: `{"__tensor__": key}`, the key it is stored under;
 *     - an array: a JSON array of its encoded items;
 *     - a plain object: a JSON object of its encoded values by key, in the object's key order.
 *       An object whose only key is one of the markers `__tensor__`, `__float__` or `__object__`
 *       is wrapped as `{"__object__": {...}}`, so that it cannot be taken for a marker.
 *   Decoding reverses this: an object with exactly one key, a marker, is what the marker says
 *   (the inner object of `__object__` taken as is, its values decoded); every other object and
 *   array is decoded value by value.
 *
 * Keys: any string is a key (dots, `__proto__`, `""`, Unicode). Two tensors whose paths join to
 * the same key (`{ a: { 'b.c': t1, b: { c: t2 } } }`) are an Error naming both paths: rename one.
 * So is a tensor whose key would be `__metadata__`. The same Tensor object reached twice is
 * stored once, under the key of its first occurrence (depth first, in key order), and every
 * occurrence is a marker naming that key: it reads back as one Tensor object at every place (unlike
 * PyTorch's `safetensors.torch.save`, which rejects shared tensors; tensors that merely share
 * storage, such as views, are separate Tensors here and are stored separately). A plain object
 * or array reached twice is written twice and reads back as two copies, as `JSON.stringify` does.
 *
 * Only own enumerable string keys are written. Everything but the kinds above is an Error that
 * names the path to it: undefined, functions, symbols, BigInts, Maps, Sets, typed arrays, class
 * instances (Dates, Modules, optimizers: save their `stateDict()`), holes in arrays and cycles.
 *
 * Reading back gives plain objects (with Object.prototype) and arrays, numbers, strings,
 * booleans, null and Tensors (fresh storage, `requiresGrad` false; F16 / BF16 / I64 tensors
 * load as float32 / int32, see `parseSafetensors`). A checkpoint file is checked strictly: the
 * version must be 1, the JSON must parse, every marker must be well formed and name a tensor of the
 * file, and every tensor of the file must be named by a marker; otherwise an Error says what is
 * wrong.
 *
 * In Python, `safetensors.safe_open(path, "pt").metadata()["tsgrad.checkpoint"]` is this JSON and
 * `safetensors.torch.load_file(path)` gives the tensors by key; a few lines put them back together
 * (see tests/golden/check_checkpoint.py, `load_tsgrad_checkpoint`).
 */
import { describe } from '../options';
import { Tensor } from '../tensor';
import { parseSafetensors, type SafetensorsContents, type SafetensorsOptions, type SafetensorsSource, serializeSafetensors } from './safetensors';

/** The `__metadata__` key that holds a checkpoint's structure, as JSON. */
export const CHECKPOINT_KEY = 'tsgrad.checkpoint';
/** The `__metadata__` key that holds the checkpoint format's version. */
export const CHECKPOINT_VERSION_KEY = 'tsgrad.checkpoint.version';
/** The checkpoint format version this tsgrad writes and reads. */
export const CHECKPOINT_VERSION = '1';

/** What a checkpoint holds: Tensors, numbers, strings, booleans and null, in arrays and plain objects, nested. */
export type CheckpointValue = Tensor | number | string | boolean | null | CheckpointValue[] | { [key: string]: CheckpointValue };

const TENSOR = '__tensor__';
const FLOAT = '__float__';
const OBJECT = '__object__';
const MARKERS: ReadonlySet<string> = new Set([TENSOR, FLOAT, OBJECT]);
const METADATA_KEY = '__metadata__';
const KINDS = 'a checkpoint holds Tensors, numbers, strings, booleans, null, arrays and plain objects';

/**
 * Encodes `obj` as a safetensors file (see the layout above): a plain state dict (an object of
 * Tensors) exactly as `serializeSafetensors(obj, metadata, options)` does, anything else as a
 * checkpoint. `metadata` adds string entries to `__metadata__` (not `tsgrad.checkpoint` or
 * `tsgrad.checkpoint.version` in a checkpoint); `options.dtypes` names the dtype to store a
 * tensor as, by its key (`{ dtypes: { 'model.bn.num_batches_tracked': 'I64' } }`).
 */
export function serialize(obj: unknown, metadata?: Record<string, string>, options?: SafetensorsOptions): Uint8Array {
  return serializeAs(obj, metadata, options, 'serialize');
}

/** `serialize` with the name its errors start with. */
function serializeAs(obj: unknown, metadata: Record<string, string> | undefined, options: SafetensorsOptions | undefined, where: string): Uint8Array {
  const rename = (e: unknown): Error => new Error((e as Error).message.replace(/^serializeSafetensors:/, `${where}:`));
  if (isStateDict(obj)) {
    try {
      return serializeSafetensors(obj, metadata, options);
    } catch (e) {
      throw rename(e);
    }
  }
  const { structure, tensors } = flatten(obj, where);
  if (metadata !== undefined && (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))) {
    throw new Error(`${where}: metadata must be an object of strings, got ${describe(metadata)}`);
  }
  const header: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata ?? {})) {
    if (key === CHECKPOINT_KEY || key === CHECKPOINT_VERSION_KEY) {
      throw new Error(`${where}: metadata key '${key}' is reserved: tsgrad writes the checkpoint's structure there`);
    }
    define(header, key, value); // serializeSafetensors checks that the values are strings
  }
  header[CHECKPOINT_KEY] = JSON.stringify(structure);
  header[CHECKPOINT_VERSION_KEY] = CHECKPOINT_VERSION;
  const stored = options?.dtypes;
  if (isPlainObject(stored)) {
    for (const key of Object.keys(stored)) {
      if (!Object.hasOwn(tensors, key)) {
        throw new Error(
          `${where}: options.dtypes names '${key}', which is not the key of a tensor of the checkpoint (keys: ${listKeys(Object.keys(tensors))})`,
        );
      }
    }
  }
  try {
    return serializeSafetensors(tensors, header, options);
  } catch (e) {
    throw rename(e);
  }
}

/**
 * Decodes a file that `serialize` (or `save`) wrote: a checkpoint back into its nested object,
 * any other safetensors file into its tensors by name, as `deserializeSafetensors` does. `input` is
 * the file's bytes, or a `SafetensorsSource` to read them from (as `parseSafetensors` takes).
 *
 * `T` is what the caller says the object is; it is not checked (the default is a plain state
 * dict's type). Errors about the file's safetensors layout start with `parseSafetensors:`, errors
 * about the checkpoint structure in its metadata with `deserialize:`.
 */
export function deserialize<T = Record<string, Tensor>>(input: Uint8Array | SafetensorsSource): T {
  return rebuild(parseSafetensors(input), 'deserialize') as T;
}

/** A key path as error messages show it: `model["0.weight"]`, `optimizer.state[0].expAvg`, `history[2]`. */
function showPath(path: readonly (string | number)[]): string {
  if (path.length === 0) return 'the value itself';
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number' || /^(0|[1-9]\d*)$/.test(seg)) out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** A plain state dict: a plain object whose values are all Tensors (an empty object is one too). */
function isStateDict(obj: unknown): obj is Record<string, Tensor> {
  return isPlainObject(obj) && Object.values(obj).every((v) => v instanceof Tensor);
}

/**
 * The JSON structure of `obj` (Tensors replaced by markers) and its tensors by key, with every
 * value checked. Errors name the path to the offending value.
 */
function flatten(obj: unknown, where: string): { structure: unknown; tensors: Record<string, Tensor> } {
  const tensors: Record<string, Tensor> = {};
  const keyOf = new Map<Tensor, string>();
  const pathOfKey = new Map<string, string>();
  /** The objects and arrays on the way from the root to the value being encoded, with their paths. */
  const open = new Map<object, string>();

  const encode = (value: unknown, path: (string | number)[]): unknown => {
    const at = (): string => showPath(path);
    if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
    if (typeof value === 'number') {
      const plain = Number.isFinite(value) && !Object.is(value, -0) && (!Number.isInteger(value) || Number.isSafeInteger(value));
      return plain ? value : { [FLOAT]: Object.is(value, -0) ? '-0' : String(value) };
    }
    if (value instanceof Tensor) {
      const known = keyOf.get(value);
      if (known !== undefined) return { [TENSOR]: known };
      const key = path.join('.');
      if (key === METADATA_KEY) {
        throw new Error(`${where}: the tensor at ${at()} would be stored under the key '${METADATA_KEY}', which safetensors reserves; rename it`);
      }
      const other = pathOfKey.get(key);
      if (other !== undefined) {
        throw new Error(
          `${where}: the tensors at ${other} and ${at()} would both be stored under the key '${key}' (a tensor's key is its path joined by dots); rename one of them`,
        );
      }
      keyOf.set(value, key);
      pathOfKey.set(key, at());
      define(tensors, key, value);
      return { [TENSOR]: key };
    }
    if (value === undefined) throw new Error(`${where}: ${at()} is undefined; ${KINDS} (leave the key out, or use null)`);
    if (typeof value === 'bigint') throw new Error(`${where}: ${at()} is a BigInt (${value}n); ${KINDS} (store it as a number or a string)`);
    if (typeof value === 'symbol') throw new Error(`${where}: ${at()} is a symbol; ${KINDS}`);
    // A function with a stateDict() (a callable Module) is reported as the instance it is.
    if (typeof value === 'function' && typeof (value as { stateDict?: unknown }).stateDict !== 'function') {
      throw new Error(`${where}: ${at()} is a function; ${KINDS}`);
    }
    const object = value as object;
    const cycle = open.get(object);
    if (cycle !== undefined) {
      throw new Error(
        `${where}: ${at()} is ${cycle === '' ? 'the value itself' : cycle} again, a cycle; a checkpoint must be a tree (a value may not contain itself)`,
      );
    }
    if (Array.isArray(object)) {
      open.set(object, path.length ? at() : '');
      const items: unknown[] = [];
      for (let i = 0; i < object.length; i++) {
        if (!(i in object)) throw new Error(`${where}: ${showPath([...path, i])} is a hole in the array; ${KINDS} (fill it, with null say)`);
        items.push(encode(object[i], [...path, i]));
      }
      open.delete(object);
      return items;
    }
    if (!isPlainObject(object)) throw new Error(`${where}: ${at()} is ${kindOf(object)}; ${KINDS}${hint(object)}`);
    open.set(object, path.length ? at() : '');
    const out: Record<string, unknown> = {};
    const keys = Object.keys(object);
    for (const key of keys) define(out, key, encode((object as Record<string, unknown>)[key], [...path, key]));
    open.delete(object);
    return keys.length === 1 && MARKERS.has(keys[0]) ? { [OBJECT]: out } : out;
  };

  const structure = encode(obj, []);
  return { structure, tensors };
}

/** What a non-plain object is, for an error message: `a Map`, `an instance of the class Linear`. */
function kindOf(x: object): string {
  if (x instanceof Map) return 'a Map';
  if (x instanceof Set) return 'a Set';
  if (ArrayBuffer.isView(x) || x instanceof ArrayBuffer) return describe(x);
  const name = (x as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name ? `an instance of the class ${name}` : 'an object with a prototype other than Object.prototype';
}

function hint(x: object): string {
  if (x instanceof Map) return ' (use a plain object)';
  if (x instanceof Set) return ' (use an array)';
  if (ArrayBuffer.isView(x) || x instanceof ArrayBuffer) return ' (wrap it in a Tensor, or use an array)';
  if (typeof (x as { stateDict?: unknown }).stateDict === 'function') return ' (save its stateDict() instead)';
  return '';
}

/**
 * The object a parsed safetensors file holds: its nested structure for a checkpoint, its tensors
 * by name otherwise. `where` starts the error messages.
 */
function rebuild(contents: SafetensorsContents, where: string): unknown {
  const { tensors, metadata } = contents;
  const hasStructure = Object.hasOwn(metadata, CHECKPOINT_KEY);
  const hasVersion = Object.hasOwn(metadata, CHECKPOINT_VERSION_KEY);
  if (!hasStructure) {
    if (hasVersion) {
      throw new Error(
        `${where}: the file's __metadata__ has '${CHECKPOINT_VERSION_KEY}' but no '${CHECKPOINT_KEY}': the checkpoint's structure is missing (a corrupted file?)`,
      );
    }
    return tensors;
  }
  const corrupt = `${where}: the checkpoint structure (__metadata__['${CHECKPOINT_KEY}'])`;
  if (!hasVersion) throw new Error(`${where}: the file's __metadata__ has '${CHECKPOINT_KEY}' but no '${CHECKPOINT_VERSION_KEY}' (a corrupted file?)`);
  const version = metadata[CHECKPOINT_VERSION_KEY];
  if (version !== CHECKPOINT_VERSION) {
    throw new Error(
      `${where}: the checkpoint has format version ${JSON.stringify(version)}; this tsgrad reads version ${CHECKPOINT_VERSION} (was it written by a newer tsgrad?)`,
    );
  }
  let structure: unknown;
  try {
    structure = JSON.parse(metadata[CHECKPOINT_KEY]);
  } catch (e) {
    throw new Error(`${corrupt} is not valid JSON (${(e as Error).message}); the file is corrupted`);
  }
  const used = new Set<string>();
  const decode = (value: unknown, path: (string | number)[]): unknown => {
    if (value === null || typeof value !== 'object') return value; // JSON: null, booleans, strings, finite numbers
    if (Array.isArray(value)) return value.map((item, i) => decode(item, [...path, i]));
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    let fields = record;
    if (keys.length === 1 && MARKERS.has(keys[0])) {
      const inner = record[keys[0]];
      const bad = (expected: string): Error =>
        new Error(`${corrupt} at ${showPath(path)}: ${keys[0]} must be ${expected}, got ${describe(inner)}; the file is corrupted`);
      if (keys[0] === TENSOR) {
        if (typeof inner !== 'string') throw bad('the key of a tensor (a string)');
        if (!Object.hasOwn(tensors, inner)) {
          throw new Error(`${corrupt} at ${showPath(path)} names the tensor '${inner}', which the file does not hold; the file is corrupted`);
        }
        used.add(inner);
        return tensors[inner];
      }
      if (keys[0] === FLOAT) {
        if (typeof inner !== 'string') throw bad('a string such as "NaN", "Infinity", "-0" or "1e+300"');
        const x = Number(inner);
        if (!(inner === 'NaN' || inner === '-0' || (!Number.isNaN(x) && String(x) === inner))) {
          throw bad(`a number as String(x) writes it ("NaN", "Infinity", "-Infinity", "-0", "1e+300", ...)`);
        }
        return x;
      }
      if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) throw bad('an object');
      fields = inner as Record<string, unknown>;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(fields)) define(out, k, decode(v, [...path, k]));
    return out;
  };
  const result = decode(structure, []);
  const unused = Object.keys(tensors).filter((k) => !used.has(k));
  if (unused.length) {
    throw new Error(`${where}: the file holds tensors that the checkpoint structure does not mention: ${listKeys(unused)}; the file is corrupted`);
  }
  return result;
}

function listKeys(keys: readonly string[]): string {
  if (keys.length === 0) return 'none';
  const shown = keys.slice(0, 10).map((k) => `'${k}'`);
  return keys.length > 10 ? `${shown.join(', ')} and ${keys.length - 10} more` : shown.join(', ');
}

/** Sets `obj[key]` as an own property, safe for keys such as `__proto__`. */
function define<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** An object literal's kind: its prototype is Object.prototype or null (and it is not a Tensor or array). */
function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}
