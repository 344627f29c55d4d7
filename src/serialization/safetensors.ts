/**
 * The safetensors format (https://huggingface.co/docs/safetensors), in memory and without Node
 * APIs, so it runs in a browser too. Layout:
 *
 *   8 bytes   N, the header length, unsigned 64-bit little-endian
 *   N bytes   UTF-8 JSON: { name: {dtype, shape, data_offsets: [begin, end]}, ..., "__metadata__": {...} }
 *   the rest  the byte buffer: every tensor's elements, row-major, little-endian; data_offsets
 *             are relative to its start and must cover it exactly
 *
 * The writer matches `safetensors.torch.save` byte for byte: tensors sorted by dtype (widest first)
 * then name, compact JSON, header padded with spaces to a multiple of 8 bytes.
 *
 * Stored dtypes: F32, F64, I32 and BOOL are tsgrad's own. F16 and BF16 load into float32 (exactly),
 * and I64 into int32 (tsgrad's integer dtype, playing PyTorch's int64), with every value checked
 * to fit; the writer stores them again when asked (`options.dtypes`), so a PyTorch file loaded and
 * saved with its stored dtypes comes back byte for byte.
 */
import type { DType, TypedArray } from '../dtype';
import { checkOptions } from '../options';
import { fmt } from '../shape';
import { Tensor } from '../tensor';

/** The stored (file) dtypes tsgrad reads and writes. */
export type SafetensorsDtype = 'F16' | 'BF16' | 'I64' | 'F32' | 'F64' | 'I32' | 'BOOL';

/** What `parseSafetensors` returns: the tensors (in file order), the `__metadata__` strings and the stored dtypes. */
export interface SafetensorsContents {
  tensors: Record<string, Tensor>;
  /** The file's `__metadata__` ({} when it has none). */
  metadata: Record<string, string>;
  /**
   * Each tensor's dtype in the file ('F16' for a tensor tsgrad holds as float32, 'I64' for one it
   * holds as int32, ...). Pass it back as `{ dtypes }` to write the file the way it was.
   */
  dtypes: Record<string, SafetensorsDtype>;
}

/** Options of `serializeSafetensors` (and of `save` in `tsgrad/node`). */
export interface SafetensorsOptions {
  /**
   * The dtype to store a tensor as, by name (the default is the tensor's own: F32, F64, I32,
   * BOOL). A float32 or float64 tensor can be stored as F16, BF16, F32 or F64 (rounded to nearest,
   * ties to even, as PyTorch's `.half()`, `.bfloat16()`, `.float()` do); an int32 tensor as I32 or
   * I64 (sign-extended); a bool tensor as BOOL.
   */
  dtypes?: Record<string, SafetensorsDtype>;
}

/** A stored dtype: its name in the file, the tsgrad dtype it loads as, its size. */
interface Format {
  readonly name: SafetensorsDtype;
  /** The tsgrad dtype a tensor of this format loads as. */
  readonly dtype: DType;
  readonly itemsize: number;
  /** Position in the reference implementation's Dtype enum; the writer puts higher ones first. */
  readonly order: number;
}

const FORMATS: readonly Format[] = [
  { name: 'F32', dtype: 'float32', itemsize: 4, order: 4 },
  { name: 'F64', dtype: 'float64', itemsize: 8, order: 5 },
  { name: 'I32', dtype: 'int32', itemsize: 4, order: 3 },
  { name: 'BOOL', dtype: 'bool', itemsize: 1, order: 0 },
  // Converted: held in tsgrad as float32 (F16, BF16) or int32 (I64).
  { name: 'F16', dtype: 'float32', itemsize: 2, order: 1 },
  { name: 'BF16', dtype: 'float32', itemsize: 2, order: 2 },
  { name: 'I64', dtype: 'int32', itemsize: 8, order: 6 },
];
const BY_NAME = new Map(FORMATS.map((f) => [f.name as string, f]));
/** The format each tsgrad dtype is stored as by default: its own. */
const NATIVE = new Map<DType, Format>([
  ['float32', BY_NAME.get('F32') as Format],
  ['float64', BY_NAME.get('F64') as Format],
  ['int32', BY_NAME.get('I32') as Format],
  ['bool', BY_NAME.get('BOOL') as Format],
]);
/** The formats a tensor of each tsgrad dtype can be written as. */
const WRITABLE: Record<DType, readonly SafetensorsDtype[]> = {
  float32: ['F32', 'F64', 'F16', 'BF16'],
  float64: ['F64', 'F32', 'F16', 'BF16'],
  int32: ['I32', 'I64'],
  bool: ['BOOL'],
};
const SUPPORTED = 'F32, F64, I32, BOOL, F16 and BF16 (read as float32), I64 (read as int32)';
const METADATA_KEY = '__metadata__';
/** The reference implementation's MAX_HEADER_SIZE: it rejects a longer header. */
const MAX_HEADER_LENGTH = 100_000_000;
const INT32_RANGE = '[-2147483648, 2147483647]';

/** @internal True on little-endian hosts (all common ones); the file is little-endian either way. */
export const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Encodes a state dict as a safetensors file (`safetensors.torch.save`). `metadata` becomes the
 * header's `__metadata__`, with its keys sorted (the reference writes them in hash order).
 * `options.dtypes` names the dtype to store a tensor as, e.g. `{ dtypes: { 'bn.num_batches_tracked': 'I64' } }`.
 */
export function serializeSafetensors(stateDict: Record<string, Tensor>, metadata?: Record<string, string>, options?: SafetensorsOptions): Uint8Array {
  return encode(stateDict, metadata, HOST_IS_LITTLE_ENDIAN, options);
}

/** @internal `serializeSafetensors` with the host byte order given, so tests can take the big-endian path. */
export function encode(
  stateDict: Record<string, Tensor>,
  metadata: Record<string, string> | undefined,
  hostIsLittleEndian: boolean,
  options?: SafetensorsOptions,
): Uint8Array {
  const where = 'serializeSafetensors';
  checkOptions(options, ['dtypes'], where);
  if (typeof stateDict !== 'object' || stateDict === null) {
    throw new Error(`${where}: expected an object mapping names to tensors, got ${describe(stateDict)}`);
  }
  const stored = options?.dtypes;
  if (stored !== undefined && !isPlainObject(stored)) {
    throw new Error(`${where}: options.dtypes must be an object mapping tensor names to stored dtypes, got ${describe(stored)}`);
  }
  const entries: [string, Tensor, Format][] = [];
  for (const [name, t] of Object.entries(stateDict)) {
    if (!(t instanceof Tensor)) throw new Error(`${where}: '${name}' is not a Tensor (got ${describe(t)})`);
    if (name === METADATA_KEY) throw new Error(`${where}: '${METADATA_KEY}' is reserved for metadata and cannot name a tensor`);
    checkEncodable(name, `${where}: tensor name`);
    entries.push([name, t, NATIVE.get(t.dtype) as Format]);
  }
  if (stored !== undefined) {
    const index = new Map(entries.map(([n], i) => [n, i]));
    for (const [name, requested] of Object.entries(stored)) {
      const i = index.get(name);
      if (i === undefined) throw new Error(`${where}: options.dtypes names '${name}', which is not a tensor of the state dict`);
      const t = entries[i][1];
      const allowed = WRITABLE[t.dtype];
      if (typeof requested !== 'string' || !BY_NAME.has(requested)) {
        throw new Error(`${where}: options.dtypes['${name}'] is ${describe(requested)}; tsgrad writes ${FORMATS.map((f) => f.name).join(', ')}`);
      }
      if (!allowed.includes(requested)) {
        throw new Error(`${where}: options.dtypes['${name}'] is '${requested}', but '${name}' holds ${t.dtype}, which can be stored as ${orList(allowed)}`);
      }
      entries[i][2] = BY_NAME.get(requested) as Format;
    }
  }
  // Widest dtype first, then name by code point (= Rust's byte-wise UTF-8 order), as the reference.
  entries.sort(([an, , af], [bn, , bf]) => bf.order - af.order || compareCodePoints(an, bn));

  const parts: string[] = [];
  if (metadata !== undefined) {
    if (typeof metadata !== 'object' || metadata === null) throw new Error(`${where}: metadata must be an object of strings, got ${describe(metadata)}`);
    const keys = Object.keys(metadata).sort(compareCodePoints);
    const fields = keys.map((k) => {
      const v = metadata[k];
      if (typeof v !== 'string') throw new Error(`${where}: metadata values must be strings; '${k}' is ${describe(v)}`);
      checkEncodable(k, `${where}: metadata key`);
      checkEncodable(v, `${where}: metadata value of '${k}'`);
      return `${JSON.stringify(k)}:${JSON.stringify(v)}`;
    });
    parts.push(`"${METADATA_KEY}":{${fields.join(',')}}`);
  }
  let offset = 0;
  for (const [name, t, f] of entries) {
    const end = offset + t.numel() * f.itemsize;
    // Written by hand, not JSON.stringify({...}): JS objects move integer-like keys ("0") first.
    parts.push(`${JSON.stringify(name)}:{"dtype":"${f.name}","shape":[${t.shape.join(',')}],"data_offsets":[${offset},${end}]}`);
    offset = end;
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const headerLength = Math.ceil(json.length / 8) * 8;

  const out = new Uint8Array(8 + headerLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength); // spaces
  let pos = 8 + headerLength;
  for (const [, t, f] of entries) {
    const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    if (f === NATIVE.get(t.dtype)) {
      out.set(bytes, pos);
      if (!hostIsLittleEndian) swapByteOrder(out.subarray(pos, pos + bytes.length), f.itemsize);
    } else {
      writeConverted(bytes, t.dtype, new DataView(out.buffer, pos, t.numel() * f.itemsize), f, hostIsLittleEndian);
    }
    pos += t.numel() * f.itemsize;
  }
  return out;
}

/**
 * Writes the elements of a tensor (its storage bytes `src`, in host order) as format `f`,
 * little-endian. Reads and writes go through DataViews, so no alignment is needed and the host's
 * byte order is explicit.
 */
function writeConverted(src: Uint8Array, dtype: DType, out: DataView, f: Format, hostLE: boolean): void {
  const input = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const n = out.byteLength / f.itemsize;
  if (f.name === 'I64') {
    // int32 -> int64: sign-extended.
    for (let i = 0; i < n; i++) {
      const v = input.getInt32(4 * i, hostLE);
      out.setInt32(8 * i, v, true);
      out.setInt32(8 * i + 4, v < 0 ? -1 : 0, true);
    }
    return;
  }
  // float32 or float64 in, a float format out.
  const f32Bits =
    dtype === 'float32'
      ? (i: number) => input.getUint32(4 * i, hostLE)
      : (i: number) => {
          // float64 -> float32 first (rounded to nearest even), as PyTorch converts double to half
          // and bfloat16: through float, so it rounds twice.
          SCRATCH_F32[0] = input.getFloat64(8 * i, hostLE);
          return SCRATCH_U32[0];
        };
  switch (f.name) {
    case 'F16':
      for (let i = 0; i < n; i++) out.setUint16(2 * i, float32BitsToFloat16(f32Bits(i)), true);
      return;
    case 'BF16':
      for (let i = 0; i < n; i++) out.setUint16(2 * i, float32BitsToBfloat16(f32Bits(i)), true);
      return;
    case 'F32':
      // Only float64 gets here (float32 as F32 is native): Math.fround rounds to nearest even.
      for (let i = 0; i < n; i++) out.setFloat32(4 * i, input.getFloat64(8 * i, hostLE), true);
      return;
    case 'F64':
      // Only float32 gets here: widening is exact.
      for (let i = 0; i < n; i++) out.setFloat64(8 * i, input.getFloat32(4 * i, hostLE), true);
      return;
    default:
      throw new Error(`serializeSafetensors: internal error: no conversion from ${dtype} to ${f.name}`);
  }
}

const SCRATCH_F32 = new Float32Array(1);
const SCRATCH_U32 = new Uint32Array(SCRATCH_F32.buffer);

/**
 * @internal The float16 bits of the float32 with bits `x`, rounded to nearest, ties to even (as
 * PyTorch's `.half()`), subnormals included; too large is inf. A NaN keeps its sign and the top 10
 * bits of its payload (so a float16 NaN read as float32 comes back bit for bit), made nonzero.
 */
export function float32BitsToFloat16(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return mant === 0 ? sign | 0x7c00 : sign | 0x7c00 | (mant >>> 13 || 0x200);
  const e = exp - 112; // the float16 biased exponent (bias 15 instead of 127)
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // A float16 subnormal (or zero): h units of 2^-24. Below 2^-25 everything rounds to zero.
    if (e < -10) return sign;
    const m = mant | 0x800000;
    const shift = 14 - e;
    let h = m >>> shift;
    const rest = m & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rest > half || (rest === half && (h & 1) !== 0)) h++; // may carry into the smallest normal: right
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (h & 1) !== 0)) h++; // may carry up to inf (0x7c00): right
  return sign | h;
}

/**
 * @internal The bfloat16 bits of the float32 with bits `x`: the top half, rounded to nearest, ties
 * to even (as PyTorch's `.bfloat16()`). A NaN keeps its sign and the top of its payload, made
 * nonzero (PyTorch writes 0x7FC0 or 0xFFFF, depending on the kernel).
 */
export function float32BitsToBfloat16(x: number): number {
  if ((x & 0x7f800000) === 0x7f800000 && (x & 0x7fffff) !== 0) {
    const h = x >>> 16;
    return (h & 0x7f) === 0 ? h | 0x40 : h;
  }
  // x + bias stays below 2^32 for every non-NaN x, so >>> does not wrap.
  return ((x >>> 0) + 0x7fff + ((x >>> 16) & 1)) >>> 16;
}

/** @internal The float32 bits of the float16 with bits `h` (exact: every float16 is a float32). */
export function float16ToFloat32Bits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0x1f) return (sign | 0x7f800000 | (mant << 13)) >>> 0;
  if (exp !== 0) return (sign | ((exp + 112) << 23) | (mant << 13)) >>> 0;
  if (mant === 0) return sign >>> 0;
  // Subnormal: mant * 2^-24, normalized.
  let e = 113;
  let m = mant;
  while ((m & 0x400) === 0) {
    m <<= 1;
    e--;
  }
  return (sign | (e << 23) | ((m & 0x3ff) << 13)) >>> 0;
}

/** Decodes a safetensors file into its tensors, in file order (`safetensors.torch.load`). */
export function deserializeSafetensors(bytes: Uint8Array): Record<string, Tensor> {
  return parseSafetensors(bytes).tensors;
}

/**
 * A file to parse without holding all of it in memory first: its size, and a way to read any part
 * of it (`tsgrad/node`'s `load` passes one that reads from the file). `parseSafetensors` reads the
 * 8-byte length and the header first, checks them against `size`, and only then reads each
 * tensor's bytes, so a file that cannot be right is rejected before its data is read.
 */
export interface SafetensorsSource {
  /** The file's length in bytes. */
  readonly size: number;
  /**
   * Exactly `length` bytes from byte `position` on. A tensor keeps the array it is given when
   * that is a whole ArrayBuffer of its own, so return a fresh one, not a view of something reused.
   */
  read(position: number, length: number): Uint8Array;
}

/**
 * Decodes a safetensors file into its tensors, `__metadata__` and stored dtypes, checking the
 * header strictly: every error names the tensor and the offending values. Each tensor gets
 * freshly allocated (aligned) storage; nothing aliases `bytes`. `input` is the file's bytes, or a
 * `SafetensorsSource` to read them from.
 */
export function parseSafetensors(input: Uint8Array | SafetensorsSource): SafetensorsContents {
  return decode(input, HOST_IS_LITTLE_ENDIAN);
}

/** @internal `parseSafetensors` with the host byte order given, so tests can take the big-endian path. */
export function decode(input: Uint8Array | SafetensorsSource, hostIsLittleEndian: boolean): SafetensorsContents {
  if (input instanceof Uint8Array) return decodeBytes(input, hostIsLittleEndian);
  if (!isPlainObject(input) || typeof input.read !== 'function' || !Number.isSafeInteger(input.size) || (input.size as number) < 0) {
    throw new Error(`parseSafetensors: expected a Uint8Array or a source { size, read(position, length) }, got ${describe(input)}`);
  }
  return decodeSource(input as unknown as SafetensorsSource, hostIsLittleEndian);
}

function decodeBytes(bytes: Uint8Array, hostIsLittleEndian: boolean): SafetensorsContents {
  const headerLength = readHeaderLength(bytes.subarray(0, 8), bytes.length);
  const dataStart = 8 + headerLength;
  const header = parseHeader(bytes.subarray(8, dataStart), bytes.length - dataStart);
  const contents: SafetensorsContents = { tensors: {}, metadata: header.metadata, dtypes: {} };
  for (const entry of header.entries) {
    const tensor = toTensor(entry, bytes.subarray(dataStart + entry.begin, dataStart + entry.end), false, hostIsLittleEndian);
    define(contents.tensors, entry.name, tensor);
    define(contents.dtypes, entry.name, entry.format.name);
  }
  return contents;
}

function decodeSource(source: SafetensorsSource, hostIsLittleEndian: boolean): SafetensorsContents {
  const { size } = source;
  const read = (position: number, length: number): Uint8Array => {
    const bytes = source.read(position, length);
    if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
      const got = bytes instanceof Uint8Array ? `${bytes.length} bytes` : describe(bytes);
      throw new Error(`parseSafetensors: asked the source for ${length} bytes at byte ${position}, its read() returned ${got}`);
    }
    return bytes;
  };
  const headerLength = readHeaderLength(read(0, Math.min(8, size)), size);
  const header = parseHeader(read(8, headerLength), undefined);
  const expected = 8 + headerLength + header.dataLength;
  if (size !== expected) {
    const why = size < expected ? `it is truncated, ${expected - size} bytes short` : `it has ${size - expected} bytes after the last tensor`;
    throw new Error(
      `parseSafetensors: the file is ${size} bytes, but its header describes ${expected}: the 8-byte length, the ${headerLength}-byte header ` +
        `and ${header.dataLength} bytes of tensor data; ${why}`,
    );
  }
  const contents: SafetensorsContents = { tensors: {}, metadata: header.metadata, dtypes: {} };
  const dataStart = 8 + headerLength;
  for (const entry of header.entries) {
    const bytes = read(dataStart + entry.begin, entry.end - entry.begin);
    define(contents.tensors, entry.name, toTensor(entry, bytes, true, hostIsLittleEndian));
    define(contents.dtypes, entry.name, entry.format.name);
  }
  return contents;
}

/** One tensor entry of a header, checked. */
interface HeaderEntry {
  readonly name: string;
  readonly format: Format;
  readonly shape: number[];
  /** Its bytes in the data buffer (after the header): [begin, end). */
  readonly begin: number;
  readonly end: number;
}

/** A parsed and checked header. */
interface Header {
  readonly metadata: Record<string, string>;
  /** Sorted by offset, covering [0, dataLength) exactly. */
  readonly entries: HeaderEntry[];
  /** The byte count of the data buffer the header describes: the end of its last tensor. */
  readonly dataLength: number;
}

/**
 * Reads and checks the 8-byte header length N from `prefix` (the first bytes of a file
 * of `fileLength` bytes): the file must have 8 + N bytes at least, and N must be within the
 * reference implementation's limit.
 */
function readHeaderLength(prefix: Uint8Array, fileLength: number): number {
  const where = 'parseSafetensors';
  if (fileLength < 8) {
    throw new Error(`${where}: the file is only ${fileLength} bytes; a safetensors file starts with an 8-byte header length`);
  }
  const n = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(fileLength - 8)) {
    throw new Error(`${where}: the header length is ${n} bytes, but only ${fileLength - 8} bytes follow the 8-byte length field`);
  }
  if (n > BigInt(MAX_HEADER_LENGTH)) {
    throw new Error(`${where}: the header length is ${n} bytes, more than the ${MAX_HEADER_LENGTH} bytes safetensors allows (its MAX_HEADER_SIZE)`);
  }
  return Number(n);
}

/**
 * Parses and checks the header JSON (the N bytes after the length field). With
 * `bufferLength` (the bytes after the header), the tensors must also fit in it and cover it
 * exactly; without it (a file not read yet), the caller compares `dataLength` with the file size.
 */
function parseHeader(json: Uint8Array, bufferLength?: number): Header {
  const where = 'parseSafetensors';
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(json);
  } catch {
    throw new Error(`${where}: the header is not valid UTF-8`);
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    throw new Error(`${where}: the header is not valid JSON (${(e as Error).message})`);
  }
  if (!isPlainObject(header)) {
    throw new Error(`${where}: the header must be a JSON object of tensor entries, got ${describe(header)}`);
  }

  const metadata: Record<string, string> = {};
  const entries: HeaderEntry[] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === METADATA_KEY) {
      if (!isPlainObject(info)) throw new Error(`${where}: ${METADATA_KEY} must be an object of strings, got ${describe(info)}`);
      for (const [k, v] of Object.entries(info)) {
        if (typeof v !== 'string') throw new Error(`${where}: ${METADATA_KEY} values must be strings; '${k}' is ${describe(v)}`);
        define(metadata, k, v);
      }
      continue;
    }
    const t = `${where}: tensor '${name}'`;
    if (!isPlainObject(info)) throw new Error(`${t} must be an object {dtype, shape, data_offsets}, got ${describe(info)}`);
    const { dtype, shape, data_offsets: offsets } = info;
    if (typeof dtype !== 'string') throw new Error(`${t} has no dtype string (got ${describe(dtype)})`);
    const format = BY_NAME.get(dtype);
    if (!format) throw new Error(`${t} has dtype ${dtype}, which tsgrad does not support; supported: ${SUPPORTED}`);
    if (!isIntArray(shape)) {
      // JSON.parse has rounded any integer past 2^53 already, so such a dimension is only "about".
      const huge = Array.isArray(shape) && shape.find((d) => Number.isInteger(d) && d > Number.MAX_SAFE_INTEGER);
      if (typeof huge === 'number') {
        throw new Error(`${t} has a dimension of about ${BigInt(huge)} in its shape, past 2^53 - 1, the largest whole number JavaScript holds exactly`);
      }
      throw new Error(`${t} has shape ${JSON.stringify(shape)}; a shape is a list of whole numbers >= 0`);
    }
    if (!isIntArray(offsets) || offsets.length !== 2) {
      throw new Error(`${t} has data_offsets ${JSON.stringify(offsets)}; expected [begin, end], whole numbers >= 0`);
    }
    const [begin, end] = offsets;
    if (begin > end) throw new Error(`${t} has data_offsets [${begin}, ${end}]: begin is after end`);
    if (bufferLength !== undefined && end > bufferLength) {
      throw new Error(`${t} has data_offsets [${begin}, ${end}], past the end of the ${bufferLength}-byte data buffer`);
    }
    // Exact integer arithmetic, as the reference: the element count is a running product in 64
    // bits (an overflow is an error even when a later dimension is 0), and so is the bit count.
    let count = 1n;
    for (let d = 0; d < shape.length; d++) {
      count *= BigInt(shape[d]);
      if (count > U64_MAX) {
        throw new Error(
          `${t} has shape ${fmt(shape)}: the product of its first ${d + 1} dimensions is ${count}, more than 2^64 - 1 ` +
            `(safetensors multiplies the dimensions left to right in 64 bits and rejects an overflow, even when a later dimension is 0)`,
        );
      }
    }
    if (count * BigInt(8 * format.itemsize) > U64_MAX) {
      throw new Error(`${t} of dtype ${dtype} and shape ${fmt(shape)} has ${count} elements, ${count * BigInt(8 * format.itemsize)} bits: more than 2^64 - 1`);
    }
    const needed = count * BigInt(format.itemsize);
    if (needed !== BigInt(end - begin)) {
      throw new Error(`${t} of dtype ${dtype} and shape ${fmt(shape)} needs ${needed} bytes, but its data_offsets [${begin}, ${end}] hold ${end - begin}`);
    }
    entries.push({ name, begin, end, shape, format });
  }

  // Sorted by offset, each tensor must start where the previous one ended, and the last must end
  // at the end of the buffer: no overlaps, no gaps, no trailing bytes.
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  for (let i = 0; i < entries.length; i++) {
    const s = entries[i];
    if (s.begin < covered) {
      const prev = entries.slice(0, i).find((p) => p.end > s.begin) as HeaderEntry;
      throw new Error(
        `${where}: tensors '${prev.name}' (data_offsets [${prev.begin}, ${prev.end}]) and '${s.name}' (data_offsets [${s.begin}, ${s.end}]) overlap`,
      );
    }
    if (s.begin > covered) throw new Error(gapMessage(covered, s.begin, bufferLength));
    covered = s.end;
  }
  if (bufferLength !== undefined && covered !== bufferLength) throw new Error(gapMessage(covered, bufferLength, bufferLength));
  return { metadata, entries, dataLength: covered };
}

const U64_MAX = (1n << 64n) - 1n;

/**
 * The tensor of a header entry from its bytes in the file (little-endian). `owned`: the
 * bytes are a fresh buffer of their own that the tensor may keep (and that may be changed);
 * otherwise they are copied.
 */
function toTensor(entry: HeaderEntry, bytes: Uint8Array, owned: boolean, hostIsLittleEndian: boolean): Tensor {
  const { format, shape, name } = entry;
  const input = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length / format.itemsize;
  switch (format.name) {
    case 'F16':
    case 'BF16': {
      // Written as float32 bits, so every value (NaN payloads too) is exact.
      const out = new Float32Array(n);
      const bits = new DataView(out.buffer);
      if (format.name === 'F16') {
        for (let i = 0; i < n; i++) bits.setUint32(4 * i, float16ToFloat32Bits(input.getUint16(2 * i, true)), hostIsLittleEndian);
      } else {
        for (let i = 0; i < n; i++) bits.setUint32(4 * i, input.getUint16(2 * i, true) * 0x10000, hostIsLittleEndian);
      }
      return new Tensor(out, shape, 'float32');
    }
    case 'I64': {
      const out = new Int32Array(n);
      const values = new DataView(out.buffer);
      for (let i = 0; i < n; i++) {
        const low = input.getInt32(8 * i, true);
        // In the int32 range exactly when the high word is the sign extension of the low one.
        if (input.getInt32(8 * i + 4, true) !== low >> 31) {
          throw new Error(
            `parseSafetensors: tensor '${name}' (I64, shape ${fmt(shape)}) holds ${input.getBigInt64(8 * i, true)} at index ${fmt(unravel(i, shape))}, ` +
              `outside the int32 range ${INT32_RANGE}: tsgrad holds I64 tensors as int32 and never wraps a value`,
          );
        }
        values.setInt32(4 * i, low, hostIsLittleEndian);
      }
      return new Tensor(out, shape, 'int32');
    }
    default: {
      // A copy into a fresh buffer: aligned for any typed array, and independent of the input.
      // (Not bytes.slice(): on a Node Buffer that is a view.)
      let raw = bytes;
      if (!owned || bytes.byteOffset !== 0 || bytes.byteLength !== bytes.buffer.byteLength) {
        raw = new Uint8Array(bytes.length);
        raw.set(bytes);
      }
      if (!hostIsLittleEndian) swapByteOrder(raw, format.itemsize);
      return new Tensor(view(raw, format.dtype), shape, format.dtype);
    }
  }
}

/** The index of element `i` (row-major) of a tensor of `shape`. */
function unravel(i: number, shape: number[]): number[] {
  const index = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    index[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return index;
}

/** @internal Reverses the bytes of every `itemsize`-byte element in place (little <-> big endian). */
export function swapByteOrder(bytes: Uint8Array, itemsize: number): void {
  if (itemsize === 1) return;
  for (let i = 0; i < bytes.length; i += itemsize) {
    for (let a = i, b = i + itemsize - 1; a < b; a++, b--) {
      const tmp = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = tmp;
    }
  }
}

function view(raw: Uint8Array, dtype: DType): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(raw.buffer);
    case 'float64':
      return new Float64Array(raw.buffer);
    case 'int32':
      return new Int32Array(raw.buffer);
    case 'bool':
      // NOTE: PyTorch reads any nonzero byte as true; tsgrad's bool storage holds exactly 0 or 1.
      for (let i = 0; i < raw.length; i++) raw[i] = raw[i] !== 0 ? 1 : 0;
      return raw;
  }
}

/** 'A', 'A or B', 'A, B or C'. */
function orList(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

function gapMessage(from: number, to: number, bufferLength: number | undefined): string {
  const buffer = bufferLength === undefined ? 'data buffer' : `${bufferLength}-byte data buffer`;
  return `parseSafetensors: bytes [${from}, ${to}) of the ${buffer} belong to no tensor; the data_offsets must cover the buffer exactly`;
}

/** Orders strings by Unicode code point, which is the byte order of their UTF-8 encodings. */
function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i) as number;
    const cb = b.codePointAt(i) as number;
    if (ca !== cb) return ca - cb;
    if (ca > 0xffff) i++;
  }
  return a.length - b.length;
}

function checkEncodable(s: string, what: string): void {
  // With the u flag this matches only unpaired surrogates, which UTF-8 cannot encode.
  if (/[\ud800-\udfff]/u.test(s)) throw new Error(`${what} ${JSON.stringify(s)} contains an unpaired UTF-16 surrogate, which UTF-8 cannot encode`);
}

/** Sets `obj[key]` as an own property, safe for keys such as `__proto__`. */
function define<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isIntArray(x: unknown): x is number[] {
  return Array.isArray(x) && x.every((v) => Number.isSafeInteger(v) && v >= 0);
}

function describe(x: unknown): string {
  if (x === null || x === undefined) return String(x);
  if (Array.isArray(x)) return 'an array';
  if (typeof x === 'string') return `the string ${JSON.stringify(x)}`;
  if (typeof x === 'object') return `an object (${(x as object).constructor?.name ?? 'no prototype'})`;
  return `${typeof x} ${String(x)}`;
}
