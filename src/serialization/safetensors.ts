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
 */
import type { DType, TypedArray } from '../dtype';
import { fmt, numel } from '../shape';
import { Tensor } from '../tensor';

/** What `parseSafetensors` returns: the tensors (in file order) and the `__metadata__` strings. */
export interface SafetensorsContents {
  tensors: Record<string, Tensor>;
  /** The file's `__metadata__` ({} when it has none). */
  metadata: Record<string, string>;
}

interface Format {
  readonly name: string;
  readonly dtype: DType;
  readonly itemsize: number;
  /** Position in the reference implementation's Dtype enum; the writer puts higher ones first. */
  readonly order: number;
}

const FORMATS: readonly Format[] = [
  { name: 'F32', dtype: 'float32', itemsize: 4, order: 2 },
  { name: 'F64', dtype: 'float64', itemsize: 8, order: 3 },
  { name: 'I32', dtype: 'int32', itemsize: 4, order: 1 },
  { name: 'BOOL', dtype: 'bool', itemsize: 1, order: 0 },
];
const BY_NAME = new Map(FORMATS.map((f) => [f.name, f]));
const BY_DTYPE = new Map(FORMATS.map((f) => [f.dtype, f]));
const SUPPORTED = FORMATS.map((f) => f.name).join(', ');
const METADATA_KEY = '__metadata__';

/** @internal True on little-endian hosts (all common ones); the file is little-endian either way. */
export const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Encodes a state dict as a safetensors file (`safetensors.torch.save`). `metadata` becomes the
 * header's `__metadata__`, with its keys sorted (the reference writes them in hash order).
 */
export function serializeSafetensors(stateDict: Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  return encode(stateDict, metadata, HOST_IS_LITTLE_ENDIAN);
}

/** @internal `serializeSafetensors` with the host byte order given, so tests can take the big-endian path. */
export function encode(stateDict: Record<string, Tensor>, metadata: Record<string, string> | undefined, hostIsLittleEndian: boolean): Uint8Array {
  const where = 'serializeSafetensors';
  if (typeof stateDict !== 'object' || stateDict === null) {
    throw new Error(`${where}: expected an object mapping names to tensors, got ${describe(stateDict)}`);
  }
  const entries: [string, Tensor, Format][] = [];
  for (const [name, t] of Object.entries(stateDict)) {
    if (!(t instanceof Tensor)) throw new Error(`${where}: '${name}' is not a Tensor (got ${describe(t)})`);
    if (name === METADATA_KEY) throw new Error(`${where}: '${METADATA_KEY}' is reserved for metadata and cannot name a tensor`);
    checkEncodable(name, `${where}: tensor name`);
    entries.push([name, t, BY_DTYPE.get(t.dtype) as Format]);
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
    out.set(bytes, pos);
    if (!hostIsLittleEndian) swapByteOrder(out.subarray(pos, pos + bytes.length), f.itemsize);
    pos += bytes.length;
  }
  return out;
}

/** Decodes a safetensors file into its tensors, in file order (`safetensors.torch.load`). */
export function deserializeSafetensors(bytes: Uint8Array): Record<string, Tensor> {
  return parseSafetensors(bytes).tensors;
}

/**
 * Decodes a safetensors file into its tensors and `__metadata__`, checking the header strictly:
 * every error names the tensor and the offending values. Each tensor gets freshly allocated
 * (aligned) storage; nothing aliases `bytes`.
 */
export function parseSafetensors(bytes: Uint8Array): SafetensorsContents {
  return decode(bytes, HOST_IS_LITTLE_ENDIAN);
}

/** @internal `parseSafetensors` with the host byte order given, so tests can take the big-endian path. */
export function decode(bytes: Uint8Array, hostIsLittleEndian: boolean): SafetensorsContents {
  const where = 'parseSafetensors';
  if (!(bytes instanceof Uint8Array)) throw new Error(`${where}: expected a Uint8Array, got ${describe(bytes)}`);
  if (bytes.length < 8) {
    throw new Error(`${where}: the file is only ${bytes.length} bytes; a safetensors file starts with an 8-byte header length`);
  }
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (headerLength > BigInt(bytes.length - 8)) {
    throw new Error(`${where}: the header length is ${headerLength} bytes, but only ${bytes.length - 8} bytes follow the 8-byte length field`);
  }
  const dataStart = 8 + Number(headerLength);
  const bufferLength = bytes.length - dataStart;

  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, dataStart));
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
  const spans: { name: string; begin: number; end: number; shape: number[]; format: Format }[] = [];
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
    if (!isIntArray(shape)) throw new Error(`${t} has shape ${JSON.stringify(shape)}; a shape is a list of whole numbers >= 0`);
    if (!isIntArray(offsets) || offsets.length !== 2) {
      throw new Error(`${t} has data_offsets ${JSON.stringify(offsets)}; expected [begin, end], whole numbers >= 0`);
    }
    const [begin, end] = offsets;
    if (begin > end) throw new Error(`${t} has data_offsets [${begin}, ${end}]: begin is after end`);
    if (end > bufferLength) {
      throw new Error(`${t} has data_offsets [${begin}, ${end}], past the end of the ${bufferLength}-byte data buffer`);
    }
    const needed = numel(shape) * format.itemsize;
    if (needed !== end - begin) {
      throw new Error(`${t} of dtype ${dtype} and shape ${fmt(shape)} needs ${needed} bytes, but its data_offsets [${begin}, ${end}] hold ${end - begin}`);
    }
    spans.push({ name, begin, end, shape, format });
  }

  // Sorted by offset, each tensor must start where the previous one ended, and the last must end
  // at the end of the file: no overlaps, no gaps, no trailing bytes.
  spans.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i];
    if (s.begin < covered) {
      const prev = spans.slice(0, i).find((p) => p.end > s.begin) as (typeof spans)[number];
      throw new Error(
        `${where}: tensors '${prev.name}' (data_offsets [${prev.begin}, ${prev.end}]) and '${s.name}' (data_offsets [${s.begin}, ${s.end}]) overlap`,
      );
    }
    if (s.begin > covered) throw new Error(gapMessage(covered, s.begin, bufferLength));
    covered = s.end;
  }
  if (covered !== bufferLength) throw new Error(gapMessage(covered, bufferLength, bufferLength));

  const tensors: Record<string, Tensor> = {};
  for (const { name, begin, end, shape, format } of spans) {
    // A copy into a fresh buffer: aligned for any typed array, and independent of `bytes`.
    const raw = new Uint8Array(end - begin);
    raw.set(bytes.subarray(dataStart + begin, dataStart + end));
    if (!hostIsLittleEndian) swapByteOrder(raw, format.itemsize);
    define(tensors, name, new Tensor(view(raw, format.dtype), shape, format.dtype));
  }
  return { tensors, metadata };
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

function gapMessage(from: number, to: number, bufferLength: number): string {
  return `parseSafetensors: bytes [${from}, ${to}) of the ${bufferLength}-byte data buffer belong to no tensor; the data_offsets must cover the buffer exactly`;
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
