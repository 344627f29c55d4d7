import { spawnSync } from 'child_process';
import * as fs from 'fs';
import nodeFs from 'fs'; // the module object itself, which jest.spyOn patches for src/node too
import * as os from 'os';
import * as path from 'path';
import { manualSeed, nn, randn, Tensor, tensor } from '../../src';
import type { DType } from '../../src/dtype';
import { pyValue, typedArray } from '../helpers';
import { load, loadWithMetadata, save } from '../../src/node';
import {
  decode,
  deserializeSafetensors,
  encode,
  float16ToFloat32Bits,
  float32BitsToBfloat16,
  float32BitsToFloat16,
  parseSafetensors,
  type SafetensorsDtype,
  serializeSafetensors,
  swapByteOrder,
} from '../../src/serialization/safetensors';

// Golden data from real PyTorch + safetensors (see tests/golden/gen_safetensors.py); no Python here.
type GoldenValue = string | number | boolean;
interface GoldenTensor {
  dtype: DType;
  shape: number[];
  values: GoldenValue[];
}
interface ByteCase {
  name: string;
  tensors: (GoldenTensor & { name: string })[];
  metadata: Record<string, string> | null;
  deterministic: boolean;
  base64: string;
  sha256: string;
}
const GOLDEN_DIR = path.join(__dirname, '..', 'golden');
const golden = JSON.parse(fs.readFileSync(path.join(GOLDEN_DIR, 'torch-written.json'), 'utf8')) as {
  file: { metadata: Record<string, string>; tensors: Record<string, GoldenTensor> };
  dtypes_file: { metadata: Record<string, string>; tensors: Record<string, GoldenTensor & { stored: SafetensorsDtype; bits?: number[] }> };
  conversions: Record<'f32_bits' | 'f32_to_f16' | 'f32_to_bf16' | 'f64' | 'f64_to_f16' | 'f64_to_bf16', string>;
  header_cases: { entry: string; data_length: number; reference: string }[];
  bytes: ByteCase[];
};

function fromGolden(g: GoldenTensor): Tensor {
  return new Tensor(typedArray(g.dtype, g.values.map(pyValue)), g.shape, g.dtype);
}

/** Same dtype, shape and elements; Object.is, so NaN equals NaN and -0 differs from 0. */
function expectSameTensor(actual: Tensor | undefined, expected: Tensor): void {
  expect(actual).toBeInstanceOf(Tensor);
  const a = actual as Tensor;
  expect(a.dtype).toBe(expected.dtype);
  expect(a.shape).toEqual(expected.shape);
  expect(a.data.constructor).toBe(expected.data.constructor);
  expect(Array.from(a.data, (x, i) => Object.is(x, expected.data[i]))).toEqual(Array.from(expected.data, () => true));
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A safetensors file from a header (object or exact JSON text) and the byte buffer after it. */
function makeFile(header: object | string, buffer: Uint8Array | number[] = []): Uint8Array {
  const json = utf8(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + buffer.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(buffer, 8 + json.length);
  return out;
}

/** The bytes of a little-endian float32 / float64 / int32 sequence. */
function le(kind: 'f32' | 'f64' | 'i32', values: number[]): number[] {
  const size = kind === 'f64' ? 8 : 4;
  const view = new DataView(new ArrayBuffer(values.length * size));
  values.forEach((v, i) => {
    if (kind === 'f32') view.setFloat32(i * size, v, true);
    else if (kind === 'f64') view.setFloat64(i * size, v, true);
    else view.setInt32(i * size, v, true);
  });
  return Array.from(new Uint8Array(view.buffer));
}

function headerOf(bytes: Uint8Array): { length: number; text: string } {
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  return { length, text: new TextDecoder().decode(bytes.subarray(8, 8 + length)) };
}

let tmpDir: string;
beforeAll(() => {
  tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsgrad-safetensors-'));
});
afterAll(() => {
  fs.rmSync(tmpDir, { recursive: true, force: true });
});

describe('save / load', () => {
  test("a model's stateDict round-trips through a file and reproduces the outputs", () => {
    manualSeed(0);
    const model = new nn.Sequential(new nn.Linear(4, 3), new nn.ReLU(), new nn.Linear(3, 2));
    const x = randn([5, 4]);
    const file = path.join(tmpDir, 'model.safetensors');
    save(model.stateDict(), file, { format: 'pt' });

    manualSeed(1);
    const fresh = new nn.Sequential(new nn.Linear(4, 3), new nn.ReLU(), new nn.Linear(3, 2));
    expect(Array.from(fresh.forward(x).data)).not.toEqual(Array.from(model.forward(x).data));
    const loaded = load(file);
    expect(Object.keys(loaded).sort()).toEqual(['0.bias', '0.weight', '2.bias', '2.weight']);
    fresh.loadStateDict(loaded);
    expectSameTensor(fresh.forward(x), model.forward(x));
    expect(loadWithMetadata(file).metadata).toEqual({ format: 'pt' });
  });

  test('save replaces an existing file and leaves no temporary file behind', () => {
    const dir = fs.mkdtempSync(path.join(tmpDir, 'atomic-'));
    const file = path.join(dir, 'w.safetensors');
    save({ w: tensor([1, 2, 3], { dtype: 'float32' }) }, file);
    save({ w: tensor([4, 5], { dtype: 'float64' }) }, file);
    expect(fs.readdirSync(dir)).toEqual(['w.safetensors']);
    expectSameTensor(load(file).w, new Tensor(new Float64Array([4, 5]), [2], 'float64'));
  });

  test('a failed save leaves the old file untouched and cleans up', () => {
    const dir = fs.mkdtempSync(path.join(tmpDir, 'failed-'));
    const file = path.join(dir, 'w.safetensors');
    save({ w: tensor([1, 2]) }, file);
    const before = fs.readFileSync(file);
    expect(() => save({ w: undefined as unknown as Tensor }, file)).toThrow('save: w is undefined');
    // Renaming onto a directory fails after the temporary file was written.
    const target = path.join(dir, 'a-directory');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'keep'), '');
    expect(() => save({ w: tensor([1, 2]) }, target)).toThrow();
    expect(fs.readdirSync(dir).sort()).toEqual(['a-directory', 'w.safetensors']);
    expect(fs.readFileSync(file)).toEqual(before);
  });

  test('load names the file in its errors', () => {
    const file = path.join(tmpDir, 'bad.safetensors');
    fs.writeFileSync(file, makeFile('{"x": 1'));
    expect(() => load(file)).toThrow(`parseSafetensors: the header is not valid JSON`);
    expect(() => load(file)).toThrow(`(reading ${file})`);
  });

  test('every dtype, 0-d and empty tensors round-trip exactly, including NaN, inf and -0', () => {
    const dict: Record<string, Tensor> = {
      f32: new Tensor(new Float32Array([NaN, Infinity, -0, 1e-45, 3.4e38, -1.5]), [2, 3], 'float32'),
      f64: new Tensor(new Float64Array([5e-324, -Infinity, -0, 0.1]), [4], 'float64'),
      i32: new Tensor(new Int32Array([-2147483648, 2147483647, 0]), [3, 1], 'int32'),
      bool: new Tensor(new Uint8Array([1, 0, 1, 1]), [2, 2], 'bool'),
      scalar: new Tensor(new Float32Array([2.5]), [], 'float32'),
      empty: new Tensor(new Int32Array(0), [0, 4], 'int32'),
      ['__proto__']: new Tensor(new Float32Array([7]), [1], 'float32'), // an own key, not the prototype
    };
    const file = path.join(tmpDir, 'all.safetensors');
    save(dict, file);
    const back = load(file);
    expect(Object.keys(back).sort()).toEqual(Object.keys(dict).sort());
    for (const [name, t] of Object.entries(dict)) expectSameTensor(back[name], t);
  });
});

describe('reading', () => {
  test('a hand-written file whose entries are not in offset order, mixing F32, F64, I32 and BOOL', () => {
    // The byte buffer (offsets relative to its start):
    //   [0, 16)   "d": F64 [2]     = [1.5, -2.25]
    //   [16, 28)  "a": F32 [3]     = [0.5, -1, 3]
    //   [28, 36)  "i": I32 [2]     = [-7, 123456]
    //   [36, 38)  "b": BOOL [2]    = [true, false]
    // The header lists them as b, i, a, d with __metadata__ in the middle, and it is not padded:
    // a reader must go by data_offsets, and tensors that start at unaligned file offsets must
    // still come out right (8 + 274 header bytes put "d" at file offset 282, not a multiple of 8).
    const header =
      '{"b":{"dtype":"BOOL","shape":[2],"data_offsets":[36,38]},' +
      '"i":{"dtype":"I32","shape":[2],"data_offsets":[28,36]},' +
      '"__metadata__":{"format":"pt","note":"hand-written"},' +
      '"a":{"dtype":"F32","shape":[3],"data_offsets":[16,28]},' +
      '"d":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}}';
    const buffer = [...le('f64', [1.5, -2.25]), ...le('f32', [0.5, -1, 3]), ...le('i32', [-7, 123456]), 1, 0];
    expect(header.length).toBe(274);
    const { tensors, metadata } = parseSafetensors(makeFile(header, buffer));

    expect(metadata).toEqual({ format: 'pt', note: 'hand-written' });
    expect(Object.keys(tensors)).toEqual(['d', 'a', 'i', 'b']); // file order
    expectSameTensor(tensors.d, new Tensor(new Float64Array([1.5, -2.25]), [2], 'float64'));
    expectSameTensor(tensors.a, new Tensor(new Float32Array([0.5, -1, 3]), [3], 'float32'));
    expectSameTensor(tensors.i, new Tensor(new Int32Array([-7, 123456]), [2], 'int32'));
    expectSameTensor(tensors.b, new Tensor(new Uint8Array([1, 0]), [2], 'bool'));
    expect(tensors.b.toArray()).toEqual([true, false]);
  });

  test('a file written by PyTorch (safetensors.torch.save_file) reads back with the values PyTorch recorded', () => {
    const bytes = fs.readFileSync(path.join(GOLDEN_DIR, 'torch-written.safetensors'));
    const { tensors, metadata } = parseSafetensors(bytes);
    expect(metadata).toEqual(golden.file.metadata);
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(golden.file.tensors).sort());
    for (const [name, g] of Object.entries(golden.file.tensors)) expectSameTensor(tensors[name], fromGolden(g));
    // The cases the generator promises: a 0-d and an empty tensor of each kind are there.
    expect(tensors['f32.scalar'].shape).toEqual([]);
    expect(tensors['f32.empty'].shape).toEqual([0, 3]);
    expect(tensors['i32.empty'].shape).toEqual([0]);
    expect(load(path.join(GOLDEN_DIR, 'torch-written.safetensors'))['layer.weight'].shape).toEqual([3, 4]);
  });

  test('tensors get fresh, aligned storage even when the input is an unaligned view', () => {
    const file = serializeSafetensors({ x: tensor([1, 2, 3], { dtype: 'float64' }), n: tensor([4, 5], { dtype: 'int32' }) });
    const shifted = new Uint8Array(file.length + 3);
    shifted.set(file, 3);
    const input = shifted.subarray(3); // byteOffset 3: no float64 view could sit on it
    const out = deserializeSafetensors(input);
    expect(Array.from(out.x.data)).toEqual([1, 2, 3]);
    expect(Array.from(out.n.data)).toEqual([4, 5]);
    for (const t of Object.values(out)) {
      expect(t.data.byteOffset).toBe(0);
      expect(t.data.buffer).not.toBe(shifted.buffer);
    }
    shifted.fill(0);
    expect(Array.from(out.x.data)).toEqual([1, 2, 3]);
  });

  test('a BOOL byte other than 0 or 1 reads as true (stored as 1)', () => {
    const out = deserializeSafetensors(makeFile({ m: { dtype: 'BOOL', shape: [3], data_offsets: [0, 3] } }, [0, 2, 255]));
    expect(Array.from(out.m.data)).toEqual([0, 1, 1]);
  });

  test('a header padded with spaces, an empty file body and no tensors are all fine', () => {
    expect(parseSafetensors(makeFile('{}      '))).toEqual({ tensors: {}, metadata: {}, dtypes: {} });
    const padded = makeFile('{"x":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}   ');
    expect(deserializeSafetensors(padded).x.shape).toEqual([0]);
  });
});

describe('writing matches safetensors.torch.save byte for byte', () => {
  test.each(golden.bytes.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const dict: Record<string, Tensor> = {};
    for (const t of c.tensors) Object.defineProperty(dict, t.name, { value: fromGolden(t), enumerable: true });
    const ours = serializeSafetensors(dict, c.metadata ?? undefined);
    const theirs = new Uint8Array(Buffer.from(c.base64, 'base64'));
    if (c.deterministic) {
      expect(Buffer.from(ours).toString('base64')).toBe(c.base64);
    } else {
      // The reference writes __metadata__ from a Rust HashMap, so its key order varies from run
      // to run (tsgrad sorts the keys). Everything else must still match: the header length, the
      // parsed header, and the byte buffer.
      const a = headerOf(ours);
      const b = headerOf(theirs);
      expect(a.length).toBe(b.length);
      expect(JSON.parse(a.text)).toEqual(JSON.parse(b.text));
      expect(ours.subarray(8 + a.length)).toEqual(theirs.subarray(8 + b.length));
      expect(Object.keys(JSON.parse(a.text).__metadata__)).toEqual(Object.keys(c.metadata ?? {}).sort());
    }
    // And what PyTorch wrote reads back as the tensors it was given.
    const back = deserializeSafetensors(theirs);
    for (const t of c.tensors) expectSameTensor(back[t.name], fromGolden(t));
  });

  test('the golden cases include the tricky ones (so the loop above proves something)', () => {
    const names = golden.bytes.map((c) => c.name).join('\n');
    expect(names).toMatch(/mixed dtypes/);
    expect(names).toMatch(/UTF-8 bytes/);
    expect(golden.bytes.filter((c) => c.deterministic)).toHaveLength(5);
  });

  test('header layout: __metadata__ first, widest dtype first then name, padded with spaces to 8 bytes', () => {
    const bytes = serializeSafetensors(
      { b: tensor([true]), z: tensor([1], { dtype: 'int32' }), y: tensor([1, 2], { dtype: 'float32' }), x: tensor([3], { dtype: 'float64' }) },
      { k: 'v' },
    );
    const { length, text } = headerOf(bytes);
    const json =
      '{"__metadata__":{"k":"v"},' +
      '"x":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},' +
      '"y":{"dtype":"F32","shape":[2],"data_offsets":[8,16]},' +
      '"z":{"dtype":"I32","shape":[1],"data_offsets":[16,20]},' +
      '"b":{"dtype":"BOOL","shape":[1],"data_offsets":[20,21]}}';
    expect(length % 8).toBe(0);
    expect(json.length % 8).not.toBe(0); // so that padding is needed
    expect(text).toBe(json.padEnd(length, ' '));
    expect(length - json.length).toBeLessThan(8);
    expect(bytes.length).toBe(8 + length + 21);
  });
});

describe('big-endian hosts', () => {
  // On a big-endian host a Float32Array holds each element's bytes in reverse order. Simulate
  // that by reversing the bytes, and check both directions still produce / read the
  // little-endian file.
  const dict = {
    f: new Tensor(new Float32Array([1.5, -2, NaN]), [3], 'float32'),
    d: new Tensor(new Float64Array([0.1, -0]), [2], 'float64'),
    i: new Tensor(new Int32Array([1, -2, 70000]), [3], 'int32'),
    b: new Tensor(new Uint8Array([1, 0]), [2], 'bool'),
  };
  const itemsize: Record<DType, number> = { float32: 4, float64: 8, int32: 4, bool: 1 };
  const asBigEndianHost = (t: Tensor): Tensor => {
    const copy = t.data.slice();
    swapByteOrder(new Uint8Array(copy.buffer), itemsize[t.dtype]);
    return new Tensor(copy, t.shape, t.dtype);
  };

  test('swapByteOrder reverses each element', () => {
    const bytes = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    swapByteOrder(bytes, 4);
    expect(Array.from(bytes)).toEqual([4, 3, 2, 1, 8, 7, 6, 5]);
    swapByteOrder(bytes, 8);
    expect(Array.from(bytes)).toEqual([5, 6, 7, 8, 1, 2, 3, 4]);
  });

  test('the writer and reader swap bytes when the host is big-endian', () => {
    const bigEndianDict = Object.fromEntries(Object.entries(dict).map(([k, t]) => [k, asBigEndianHost(t)]));
    const file = encode(bigEndianDict, undefined, false);
    expect(file).toEqual(serializeSafetensors(dict));
    const back = decode(file, false).tensors;
    for (const [name, t] of Object.entries(dict)) expectSameTensor(back[name], asBigEndianHost(t));
  });

  test('and so do the converting writer and reader (F16, BF16, I64, F64 from float32, F32 from float64)', () => {
    const dtypes: Record<string, SafetensorsDtype> = { f: 'F16', d: 'BF16', i: 'I64' };
    const bigEndianDict = Object.fromEntries(Object.entries(dict).map(([k, t]) => [k, asBigEndianHost(t)]));
    const file = encode(bigEndianDict, undefined, false, { dtypes });
    expect(file).toEqual(serializeSafetensors(dict, undefined, { dtypes }));
    expect(decode(file, true).dtypes).toEqual({ f: 'F16', d: 'BF16', i: 'I64', b: 'BOOL' });
    const little = decode(file, true).tensors;
    const big = decode(file, false).tensors;
    for (const name of Object.keys(dict)) expectSameTensor(big[name], asBigEndianHost(little[name]));
    const widened = { f: 'F64', d: 'F32' } as const;
    expect(encode(bigEndianDict, undefined, false, { dtypes: widened })).toEqual(serializeSafetensors(dict, undefined, { dtypes: widened }));
  });
});

describe('validation errors', () => {
  const f32 = (offsets: [number, number], shape = [1]) => ({ dtype: 'F32', shape, data_offsets: offsets });
  const parse = (bytes: Uint8Array) => () => parseSafetensors(bytes);

  test('a file shorter than the 8-byte length field', () => {
    expect(parse(new Uint8Array(5))).toThrow('parseSafetensors: the file is only 5 bytes; a safetensors file starts with an 8-byte header length');
  });

  test('a header length past the end of the file', () => {
    const bytes = makeFile('{}');
    new DataView(bytes.buffer).setUint32(0, 3, true); // one byte too many
    expect(parse(bytes)).toThrow('parseSafetensors: the header length is 3 bytes, but only 2 bytes follow the 8-byte length field');
    new DataView(bytes.buffer).setBigUint64(0, 2n ** 64n - 1n, true); // a huge u64 is read exactly
    expect(parse(bytes)).toThrow('parseSafetensors: the header length is 18446744073709551615 bytes, but only 2 bytes follow');
  });

  test('a header that is not UTF-8', () => {
    const bytes = makeFile('{"x":1}');
    bytes[10] = 0xff;
    expect(parse(bytes)).toThrow('parseSafetensors: the header is not valid UTF-8');
  });

  test('a header that is not JSON, or not a JSON object', () => {
    expect(parse(makeFile('{"x": {'))).toThrow(/^parseSafetensors: the header is not valid JSON \(.+\)$/);
    expect(parse(makeFile('[1, 2]'))).toThrow('parseSafetensors: the header must be a JSON object of tensor entries, got an array');
    expect(parse(makeFile('null'))).toThrow('parseSafetensors: the header must be a JSON object of tensor entries, got null');
  });

  test('an unsupported dtype is named, with the supported ones', () => {
    const supported = 'supported: F32, F64, I32, BOOL, F16 and BF16 (read as float32), I64 (read as int32)';
    for (const [dtype, size] of [
      ['U8', 1],
      ['I8', 1],
      ['I16', 2],
      ['U16', 2],
      ['U32', 4],
      ['U64', 8],
      ['C64', 8],
      ['F8_E4M3', 1],
      ['F8_E5M2', 1],
    ] as const) {
      const bytes = makeFile({ x: { dtype, shape: [2], data_offsets: [0, 2 * size] } }, new Array(2 * size).fill(0));
      expect(parse(bytes)).toThrow(`parseSafetensors: tensor 'x' has dtype ${dtype}, which tsgrad does not support; ${supported}`);
    }
  });

  test('malformed tensor entries', () => {
    expect(parse(makeFile({ x: [1] }))).toThrow("parseSafetensors: tensor 'x' must be an object {dtype, shape, data_offsets}, got an array");
    expect(parse(makeFile({ x: { shape: [], data_offsets: [0, 4] } }))).toThrow("parseSafetensors: tensor 'x' has no dtype string (got undefined)");
    expect(parse(makeFile({ x: f32([0, 4], [-1]) }, [0, 0, 0, 0]))).toThrow(
      "parseSafetensors: tensor 'x' has shape [-1]; a shape is a list of whole numbers >= 0",
    );
    expect(parse(makeFile({ x: { dtype: 'F32', shape: [1], data_offsets: [0, 4, 8] } }))).toThrow(
      "parseSafetensors: tensor 'x' has data_offsets [0,4,8]; expected [begin, end], whole numbers >= 0",
    );
    expect(parse(makeFile({ x: { dtype: 'F32', shape: [1], data_offsets: [0.5, 4] } }))).toThrow("tensor 'x' has data_offsets [0.5,4]");
  });

  test('__metadata__ must map strings to strings', () => {
    expect(parse(makeFile({ __metadata__: { epoch: 3 } }))).toThrow("parseSafetensors: __metadata__ values must be strings; 'epoch' is number 3");
    expect(parse(makeFile({ __metadata__: ['a'] }))).toThrow('parseSafetensors: __metadata__ must be an object of strings, got an array');
  });

  test('data_offsets with begin after end', () => {
    expect(parse(makeFile({ x: f32([4, 0]) }, [0, 0, 0, 0]))).toThrow("parseSafetensors: tensor 'x' has data_offsets [4, 0]: begin is after end");
  });

  test('data_offsets past the end of the byte buffer', () => {
    expect(parse(makeFile({ x: f32([0, 4]), y: f32([4, 8]) }, [0, 0, 0, 0, 0, 0]))).toThrow(
      "parseSafetensors: tensor 'y' has data_offsets [4, 8], past the end of the 6-byte data buffer",
    );
  });

  test('shape * itemsize must equal the byte length', () => {
    expect(parse(makeFile({ x: f32([0, 8], [3]) }, new Array(8).fill(0)))).toThrow(
      "parseSafetensors: tensor 'x' of dtype F32 and shape [3] needs 12 bytes, but its data_offsets [0, 8] hold 8",
    );
    expect(parse(makeFile({ x: { dtype: 'F64', shape: [2, 0], data_offsets: [0, 8] } }, new Array(8).fill(0)))).toThrow(
      "tensor 'x' of dtype F64 and shape [2, 0] needs 0 bytes",
    );
  });

  test('overlapping tensors', () => {
    const bytes = makeFile({ a: f32([0, 8], [2]), b: f32([4, 12], [2]) }, new Array(12).fill(0));
    expect(parse(bytes)).toThrow("parseSafetensors: tensors 'a' (data_offsets [0, 8]) and 'b' (data_offsets [4, 12]) overlap");
    const same = makeFile({ a: f32([0, 4]), b: f32([0, 4]) }, new Array(4).fill(0));
    expect(parse(same)).toThrow("tensors 'a' (data_offsets [0, 4]) and 'b' (data_offsets [0, 4]) overlap");
  });

  test('bytes that belong to no tensor: a gap, trailing bytes, or a buffer with no tensors', () => {
    const gap = makeFile({ a: f32([0, 4]), b: f32([8, 12]) }, new Array(12).fill(0));
    expect(parse(gap)).toThrow('parseSafetensors: bytes [4, 8) of the 12-byte data buffer belong to no tensor; the data_offsets must cover the buffer exactly');
    const trailing = makeFile({ a: f32([0, 4]) }, new Array(6).fill(0));
    expect(parse(trailing)).toThrow('parseSafetensors: bytes [4, 6) of the 6-byte data buffer belong to no tensor');
    const leading = makeFile({ a: f32([2, 6]) }, new Array(6).fill(0));
    expect(parse(leading)).toThrow('parseSafetensors: bytes [0, 2) of the 6-byte data buffer belong to no tensor');
    expect(parse(makeFile({}, [1]))).toThrow('parseSafetensors: bytes [0, 1) of the 1-byte data buffer belong to no tensor');
  });

  test('the writer rejects what it cannot write', () => {
    expect(() => serializeSafetensors({ w: [1, 2] as unknown as Tensor })).toThrow("serializeSafetensors: 'w' is not a Tensor (got an array)");
    expect(() => serializeSafetensors({ __metadata__: tensor([1]) })).toThrow(
      "serializeSafetensors: '__metadata__' is reserved for metadata and cannot name a tensor",
    );
    expect(() => serializeSafetensors({}, { epoch: 3 as unknown as string })).toThrow(
      "serializeSafetensors: metadata values must be strings; 'epoch' is number 3",
    );
    expect(() => serializeSafetensors({ ['bad\ud800']: tensor([1]) })).toThrow(
      'serializeSafetensors: tensor name "bad\\ud800" contains an unpaired UTF-16 surrogate, which UTF-8 cannot encode',
    );
    expect(() => serializeSafetensors(null as unknown as Record<string, Tensor>)).toThrow(
      'serializeSafetensors: expected an object mapping names to tensors, got null',
    );
  });
});

// ---- stored dtypes tsgrad converts: I64 (to int32), F16 and BF16 (to float32) ----

/** Little-endian arrays from the generator's base64. */
const u16s = (b64: string): number[] => {
  const b = Buffer.from(b64, 'base64');
  return Array.from({ length: b.length / 2 }, (_, i) => b.readUInt16LE(2 * i));
};
const u32s = (b64: string): number[] => {
  const b = Buffer.from(b64, 'base64');
  return Array.from({ length: b.length / 4 }, (_, i) => b.readUInt32LE(4 * i));
};
const f64s = (b64: string): number[] => {
  const b = Buffer.from(b64, 'base64');
  return Array.from({ length: b.length / 8 }, (_, i) => b.readDoubleLE(8 * i));
};
/** The data buffer of a safetensors file (after the header), as uint16 little-endian words. */
const dataU16 = (file: Uint8Array): number[] => {
  const start = 8 + headerOf(file).length;
  const view = new DataView(file.buffer, file.byteOffset + start, file.length - start);
  return Array.from({ length: view.byteLength / 2 }, (_, i) => view.getUint16(2 * i, true));
};
/** The float32 bits of each element of a float32 tensor. */
const bitsOf = (t: Tensor): number[] => Array.from(new Uint32Array(t.data.buffer, t.data.byteOffset, t.numel()));
const hex = (n: number, digits: number): string => '0x' + n.toString(16).toUpperCase().padStart(digits, '0');

/** The first few differences between two equally long lists, for a readable failure. */
function differences<T>(actual: T[], expected: T[], label: (i: number) => string): string[] {
  expect(actual.length).toBe(expected.length);
  const out: string[] = [];
  for (let i = 0; i < expected.length && out.length < 10; i++) {
    if (!Object.is(actual[i], expected[i])) out.push(`${label(i)}: got ${String(actual[i])}, expected ${String(expected[i])}`);
  }
  return out;
}

const DTYPES_FILE = path.join(GOLDEN_DIR, 'torch-written-dtypes.safetensors');

describe('stored dtypes: I64 loads as int32, F16 and BF16 as float32, and are written back on request', () => {
  test('a PyTorch file with I64, F16 and BF16 tensors (and the rest) loads with the values PyTorch recorded', () => {
    const { tensors, metadata, dtypes } = loadWithMetadata(DTYPES_FILE);
    const g = golden.dtypes_file;
    expect(metadata).toEqual(g.metadata);
    expect(dtypes).toEqual(Object.fromEntries(Object.entries(g.tensors).map(([k, t]) => [k, t.stored])));
    expect(new Set(Object.values(dtypes))).toEqual(new Set(['I64', 'F16', 'BF16', 'F32', 'F64', 'I32', 'BOOL']));
    for (const [name, t] of Object.entries(g.tensors)) expectSameTensor(tensors[name], fromGolden(t));
    // BatchNorm's counter, an int64 0-d tensor in PyTorch, is an int32 0-d tensor here.
    expect(tensors['bn.num_batches_tracked'].dtype).toBe('int32');
    expect(tensors['bn.num_batches_tracked'].shape).toEqual([]);
    expect(tensors['bn.num_batches_tracked'].item()).toBe(12345);
    expect(Array.from(tensors['emb.index'].data)).toEqual([-2147483648, 2147483647, 0, -1, 42, 7]);
    // Every F16 / BF16 element is kept exactly, NaN sign and payload included: its float32 bits
    // convert back to the stored bits. Some by hand: F16 0x7C01 (a signalling NaN) is float32
    // 0x7F802000, F16 0x0001 (2^-24) is 0x33800000, BF16 0xFF81 is 0xFF810000.
    for (const [name, t] of Object.entries(g.tensors)) {
      if (!t.bits) continue;
      const back = t.stored === 'F16' ? float32BitsToFloat16 : float32BitsToBfloat16;
      expect(bitsOf(tensors[name]).map(back)).toEqual(t.bits);
    }
    const f16Bits = bitsOf(tensors['bn.running_mean']);
    expect(f16Bits[g.tensors['bn.running_mean'].bits?.indexOf(0x7c01) as number]).toBe(0x7f802000);
    expect(f16Bits[g.tensors['bn.running_mean'].bits?.indexOf(0x0001) as number]).toBe(0x33800000);
    expect(f16Bits[g.tensors['bn.running_mean'].bits?.indexOf(0xfe00) as number]).toBe(0xffc00000);
    expect(bitsOf(tensors['bn.weight'])[g.tensors['bn.weight'].bits?.indexOf(0xffff) as number]).toBe(0xffff0000);
  });

  test('load, then save with the stored dtypes, gives back the PyTorch file byte for byte', () => {
    const original = new Uint8Array(fs.readFileSync(DTYPES_FILE));
    const contents = loadWithMetadata(DTYPES_FILE);
    const out = path.join(tmpDir, 'torch-written-dtypes.copy.safetensors');
    save(contents.tensors, out, contents.metadata, { dtypes: contents.dtypes });
    expect(Buffer.from(fs.readFileSync(out)).equals(Buffer.from(original))).toBe(true);
    expect(serializeSafetensors(contents.tensors, contents.metadata, { dtypes: contents.dtypes })).toEqual(original);
    // Without dtypes, every tensor is written as what tsgrad holds (F32, I32, ...), same values.
    const plain = parseSafetensors(serializeSafetensors(contents.tensors, contents.metadata));
    expect(new Set(Object.values(plain.dtypes))).toEqual(new Set(['F32', 'F64', 'I32', 'BOOL']));
    for (const [name, t] of Object.entries(contents.tensors)) expectSameTensor(plain.tensors[name], t);
  });

  test('every F16 and every BF16 value (all 65536 of each) loads exactly, and is written back bit for bit', () => {
    const all = Array.from({ length: 65536 }, (_, h) => h);
    const bytes = new Uint8Array(2 * 65536);
    all.forEach((h) => new DataView(bytes.buffer).setUint16(2 * h, h, true));
    // The value of each, computed independently of the code under test.
    const f16 = (h: number): number => {
      const sign = h & 0x8000 ? -1 : 1;
      const [e, m] = [(h >> 10) & 0x1f, h & 0x3ff];
      if (e === 0x1f) return m ? NaN : sign * Infinity;
      return e === 0 ? sign * m * 2 ** -24 : sign * (1 + m / 1024) * 2 ** (e - 15);
    };
    const bf16 = (h: number): number => {
      const sign = h & 0x8000 ? -1 : 1;
      const [e, m] = [(h >> 7) & 0xff, h & 0x7f];
      if (e === 0xff) return m ? NaN : sign * Infinity;
      return e === 0 ? sign * m * 2 ** -133 : sign * (1 + m / 128) * 2 ** (e - 127);
    };
    for (const [dtype, value] of [['F16', f16] as const, ['BF16', bf16] as const]) {
      const file = makeFile({ x: { dtype, shape: [256, 256], data_offsets: [0, bytes.length] } }, bytes);
      const contents = parseSafetensors(file);
      const x = contents.tensors.x;
      expect(x.dtype).toBe('float32');
      expect(x.shape).toEqual([256, 256]);
      expect(differences(Array.from(x.data), all.map(value), (i) => `${dtype} ${hex(i, 4)}`)).toEqual([]);
      const again = serializeSafetensors(contents.tensors, undefined, { dtypes: contents.dtypes });
      expect(differences(dataU16(again), all, (i) => `${dtype} ${hex(i, 4)} written back`)).toEqual([]);
      expect(again).toEqual(serializeSafetensors({ x }, undefined, { dtypes: { x: dtype } }));
    }
    expect(float16ToFloat32Bits(0x8001)).toBe(0xb3800000); // -2^-24
  });

  test('float32 -> F16 / BF16 rounds as PyTorch does: to nearest, ties to even, subnormals, overflow to inf', () => {
    const inputBits = u32s(golden.conversions.f32_bits);
    expect(inputBits.length).toBeGreaterThan(10000);
    const x = new Tensor(new Float32Array(new Uint32Array(inputBits).buffer), [inputBits.length], 'float32');
    for (const [dtype, key] of [
      ['F16', 'f32_to_f16'],
      ['BF16', 'f32_to_bf16'],
    ] as const) {
      const ours = dataU16(serializeSafetensors({ x }, undefined, { dtypes: { x: dtype } }));
      const torch = u16s(golden.conversions[key]);
      expect(differences(ours, torch, (i) => `float32 ${hex(inputBits[i], 8)} as ${dtype}`)).toEqual([]);
    }
  });

  test('float64 -> F16 / BF16 rounds through float32, as PyTorch does (so twice)', () => {
    const values = f64s(golden.conversions.f64);
    const x = new Tensor(Float64Array.from(values), [values.length], 'float64');
    for (const [dtype, key] of [
      ['F16', 'f64_to_f16'],
      ['BF16', 'f64_to_bf16'],
    ] as const) {
      const ours = dataU16(serializeSafetensors({ x }, undefined, { dtypes: { x: dtype } }));
      expect(differences(ours, u16s(golden.conversions[key]), (i) => `float64 ${values[i]} as ${dtype}`)).toEqual([]);
    }
    // 1 + 2^-11 + 2^-40: float32 drops the 2^-40, and the tie then rounds to even (1.0), where
    // rounding once would give 1 + 2^-10.
    const once = serializeSafetensors({ x: new Tensor(Float64Array.of(1 + 2 ** -11 + 2 ** -40), [1], 'float64') }, undefined, { dtypes: { x: 'F16' } });
    expect(dataU16(once)).toEqual([0x3c00]);
  });

  test('float64 stored as F32 (rounded), float32 as F64 (exact), int32 as I64 (sign-extended)', () => {
    const dict = {
      d: new Tensor(Float64Array.of(0.1, 1e300, -0, 5e-324), [4], 'float64'),
      f: new Tensor(Float32Array.of(1.5, NaN, -0), [3], 'float32'),
      i: new Tensor(Int32Array.of(-1, 2147483647, -2147483648, 0), [2, 2], 'int32'),
    };
    const bytes = serializeSafetensors(dict, undefined, { dtypes: { d: 'F32', f: 'F64', i: 'I64' } });
    const back = parseSafetensors(bytes);
    expect(Object.entries(back.dtypes)).toEqual([
      ['i', 'I64'],
      ['f', 'F64'],
      ['d', 'F32'],
    ]);
    expectSameTensor(back.tensors.d, new Tensor(Float32Array.of(0.1, Infinity, -0, 0), [4], 'float32'));
    expectSameTensor(back.tensors.f, new Tensor(Float64Array.of(1.5, NaN, -0), [3], 'float64'));
    expectSameTensor(back.tensors.i, dict.i);
    const start = 8 + headerOf(bytes).length;
    expect(Array.from(bytes.subarray(start, start + 32))).toEqual([
      ...[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
      ...[0xff, 0xff, 0xff, 0x7f, 0x00, 0x00, 0x00, 0x00],
      ...[0x00, 0x00, 0x00, 0x80, 0xff, 0xff, 0xff, 0xff],
      ...[0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00],
    ]);
  });

  test('an I64 value outside the int32 range is an Error naming the tensor, the value and the index; never wrapped', () => {
    const i64File = (values: bigint[], shape: number[]): Uint8Array => {
      const buffer = new DataView(new ArrayBuffer(8 * values.length));
      values.forEach((v, i) => buffer.setBigInt64(8 * i, v, true));
      return makeFile({ n: { dtype: 'I64', shape, data_offsets: [0, buffer.byteLength] } }, new Uint8Array(buffer.buffer));
    };
    const inRange = parseSafetensors(i64File([-(2n ** 31n), 2n ** 31n - 1n, 0n, -1n], [4]));
    expectSameTensor(inRange.tensors.n, new Tensor(Int32Array.of(-2147483648, 2147483647, 0, -1), [4], 'int32'));
    expect(inRange.dtypes).toEqual({ n: 'I64' });
    const why = 'outside the int32 range [-2147483648, 2147483647]: tsgrad holds I64 tensors as int32 and never wraps a value';
    expect(() => parseSafetensors(i64File([1n, 2n ** 31n], [2, 1]))).toThrow(
      `parseSafetensors: tensor 'n' (I64, shape [2, 1]) holds 2147483648 at index [1, 0], ${why}`,
    );
    expect(() => parseSafetensors(i64File([-(2n ** 31n) - 1n], [1]))).toThrow(`holds -2147483649 at index [0], ${why}`);
    // 2^32 would wrap to 0; 2^63 - 1 read through a float64 would print as 9223372036854775808.
    expect(() => parseSafetensors(i64File([0n, 2n ** 32n], [2]))).toThrow(`holds 4294967296 at index [1], ${why}`);
    expect(() => parseSafetensors(i64File([2n ** 63n - 1n], []))).toThrow(`(I64, shape []) holds 9223372036854775807 at index [], ${why}`);
    expect(() => parseSafetensors(i64File([-(2n ** 63n)], [1]))).toThrow(`holds -9223372036854775808 at index [0]`);
    const file = path.join(tmpDir, 'i64-overflow.safetensors');
    fs.writeFileSync(file, i64File([2n ** 40n], [1]));
    expect(() => load(file)).toThrow(`tensor 'n' (I64, shape [1]) holds 1099511627776 at index [0], ${why} (reading ${file})`);
  });

  test('the options: unknown keys, unknown tensors and impossible conversions are Errors naming the key', () => {
    const dict = { w: tensor([1.5, 2], { dtype: 'float32' }), n: tensor([1, 2], { dtype: 'int32' }), b: tensor([true]) };
    const write = (options: unknown) => () => serializeSafetensors(dict, undefined, options as never);
    expect(write({ dtype: { w: 'F16' } })).toThrow("serializeSafetensors: unknown option 'dtype'; did you mean 'dtypes'? (allowed: dtypes)");
    expect(write(null)).toThrow('serializeSafetensors: options must be an object like { dtypes: ... }, got null');
    expect(write({ dtypes: [] })).toThrow('serializeSafetensors: options.dtypes must be an object mapping tensor names to stored dtypes, got an array');
    expect(write({ dtypes: { nope: 'F16' } })).toThrow("serializeSafetensors: options.dtypes names 'nope', which is not a tensor of the state dict");
    expect(write({ dtypes: { n: 'F16' } })).toThrow(
      "serializeSafetensors: options.dtypes['n'] is 'F16', but 'n' holds int32, which can be stored as I32 or I64",
    );
    expect(write({ dtypes: { w: 'I64' } })).toThrow("options.dtypes['w'] is 'I64', but 'w' holds float32, which can be stored as F32, F64, F16 or BF16");
    expect(write({ dtypes: { b: 'F16' } })).toThrow("options.dtypes['b'] is 'F16', but 'b' holds bool, which can be stored as BOOL");
    expect(write({ dtypes: { w: 'U8' } })).toThrow(
      `serializeSafetensors: options.dtypes['w'] is the string "U8"; tsgrad writes F32, F64, I32, BOOL, F16, BF16, I64`,
    );
    expect(write({ dtypes: { w: 'f16' } })).toThrow(`options.dtypes['w'] is the string "f16"`);
    expect(write({ dtypes: {} })).not.toThrow();
    // save checks the same, under its own name, and writes nothing.
    const file = path.join(tmpDir, 'bad-options.safetensors');
    expect(() => save(dict, file, undefined, { dtype: {} } as never)).toThrow("save: unknown option 'dtype'; did you mean 'dtypes'? (allowed: dtypes)");
    expect(() => save(dict, file, undefined, { dtypes: { n: 'BF16' } })).toThrow("save: options.dtypes['n'] is 'BF16', but 'n' holds int32");
    expect(fs.existsSync(file)).toBe(false);
  });
});

// ---- shapes: exact element counts, as the reference checks them ----

describe('shapes are checked with exact integers, as the reference does', () => {
  test.each(golden.header_cases.map((c) => [c.entry, c] as const))('%s', (_entry, c) => {
    // Written as text: JSON.parse would round the shapes' big integers in the test itself.
    const bytes = makeFile(`{"x":${c.entry}}`, new Array(c.data_length).fill(0));
    if (c.reference === 'ok') expect(parseSafetensors(bytes).tensors.x).toBeInstanceOf(Tensor);
    else expect(() => parseSafetensors(bytes)).toThrow(/^parseSafetensors: tensor 'x' /);
  });

  test('the golden cases include both verdicts and the overflow ones', () => {
    const verdicts = golden.header_cases.map((c) => c.reference);
    expect(verdicts.filter((v) => v === 'ok').length).toBeGreaterThanOrEqual(3);
    expect(verdicts.filter((v) => /overflow/.test(v)).length).toBeGreaterThanOrEqual(3);
  });

  const entry = (dtype: string, shape: string) => makeFile(`{"x":{"dtype":"${dtype}","shape":${shape},"data_offsets":[0,0]}}`);

  test('an element count past 64 bits is an Error, even when a later dimension is 0', () => {
    expect(() => parseSafetensors(entry('F32', '[4294967296,4294967296,0]'))).toThrow(
      "parseSafetensors: tensor 'x' has shape [4294967296, 4294967296, 0]: the product of its first 2 dimensions is 18446744073709551616, more than 2^64 - 1 " +
        '(safetensors multiplies the dimensions left to right in 64 bits and rejects an overflow, even when a later dimension is 0)',
    );
    // The 0 first: no overflow, an empty tensor.
    expect(parseSafetensors(entry('F32', '[0,4294967296,4294967296]')).tensors.x.shape).toEqual([0, 4294967296, 4294967296]);
    // 2^59 float32 elements are 2^64 bits.
    expect(() => parseSafetensors(entry('F32', '[1073741824,536870912]'))).toThrow(
      "parseSafetensors: tensor 'x' of dtype F32 and shape [1073741824, 536870912] has 576460752303423488 elements, 18446744073709551616 bits: more than 2^64 - 1",
    );
  });

  test('byte counts past 2^53 are exact in the message (a float64 would round them)', () => {
    expect(() => parseSafetensors(entry('F32', '[134217728,134217728,2]'))).toThrow(
      "parseSafetensors: tensor 'x' of dtype F32 and shape [134217728, 134217728, 2] needs 144115188075855872 bytes, but its data_offsets [0, 0] hold 0",
    );
  });

  test('a dimension past 2^53 - 1 is refused (JavaScript cannot hold it exactly), even where the reference takes it', () => {
    // The reference accepts [0, 2^60] (0 elements); tsgrad cannot represent 2^60 + 1 apart from 2^60.
    expect(() => parseSafetensors(entry('F32', '[0,1152921504606846976]'))).toThrow(
      "parseSafetensors: tensor 'x' has a dimension of about 1152921504606846976 in its shape, past 2^53 - 1, the largest whole number JavaScript holds exactly",
    );
    expect(() => parseSafetensors(entry('F32', '[9007199254740993]'))).toThrow(
      "tensor 'x' has a dimension of about 9007199254740992 in its shape, past 2^53 - 1",
    );
  });
});

// ---- files: the header is read and checked before the data ----

describe('parseSafetensors from a source { size, read } (what load uses; no Node APIs)', () => {
  const file = serializeSafetensors({ a: tensor([1, 2, 3], { dtype: 'float32' }), n: tensor([7], { dtype: 'int32' }) }, { k: 'v' });
  const sourceOf = (bytes: Uint8Array, size = bytes.length) => {
    const reads: [number, number][] = [];
    return { reads, source: { size, read: (position: number, length: number) => (reads.push([position, length]), bytes.slice(position, position + length)) } };
  };

  test('reads the length, then the header, then each tensor; the result is the same as from the bytes', () => {
    const { reads, source } = sourceOf(file);
    expect(parseSafetensors(source)).toEqual(parseSafetensors(file));
    const n = headerOf(file).length;
    expect(reads).toEqual([
      [0, 8],
      [8, n],
      [8 + n, 12],
      [8 + n + 12, 4],
    ]);
  });

  test('a size the header disagrees with is an Error before any tensor is read', () => {
    const { reads, source } = sourceOf(file, file.length + 1);
    expect(() => parseSafetensors(source)).toThrow(`parseSafetensors: the file is ${file.length + 1} bytes, but its header describes ${file.length}`);
    expect(reads).toHaveLength(2);
  });

  test('a source that is not one, or reads short, is an Error', () => {
    expect(() => parseSafetensors({ size: -1, read: () => new Uint8Array(0) })).toThrow(
      'parseSafetensors: expected a Uint8Array or a source { size, read(position, length) }, got an object (Object)',
    );
    expect(() => parseSafetensors([1, 2] as unknown as Uint8Array)).toThrow('parseSafetensors: expected a Uint8Array or a source');
    const short = { size: file.length, read: (position: number, length: number) => file.slice(position, position + length - 1) };
    expect(() => parseSafetensors(short)).toThrow('parseSafetensors: asked the source for 8 bytes at byte 0, its read() returned 7 bytes');
  });
});

/** A sparse file of `size` bytes that starts with `prefix` (it takes no disk space). */
function sparseFile(name: string, prefix: Uint8Array, size: number): string {
  const file = path.join(tmpDir, name);
  fs.writeFileSync(file, prefix);
  fs.truncateSync(file, size);
  return file;
}

/** Runs `fn`, spying on fs.readSync: the bytes it asked for and the milliseconds it took. */
function measureReads(fn: () => void): { bytes: number; ms: number } {
  const reads = jest.spyOn(nodeFs, 'readSync');
  const start = performance.now();
  try {
    fn();
    const ms = performance.now() - start;
    const bytes = reads.mock.calls.reduce((sum, call) => sum + ((call as unknown[])[3] as number), 0);
    return { bytes, ms };
  } finally {
    reads.mockRestore(); // (which also forgets the calls)
  }
}

const onLinux = process.platform === 'linux' ? test : test.skip;

describe('load reads and checks the length and the header before the data', () => {
  const GiB = 2 ** 30;

  test('a 1 GiB file whose length field says 2^40 is rejected at once, after reading 8 bytes', () => {
    const length = new Uint8Array(8);
    new DataView(length.buffer).setBigUint64(0, 2n ** 40n, true);
    const file = sparseFile('length-2-40.safetensors', length, GiB);
    const { bytes, ms } = measureReads(() =>
      expect(() => load(file)).toThrow(
        `parseSafetensors: the header length is 1099511627776 bytes, but only 1073741816 bytes follow the 8-byte length field (reading ${file})`,
      ),
    );
    expect(bytes).toBe(8);
    expect(ms).toBeLessThan(500); // reading the whole file first took 2.6 s and 1.1 GB
  });

  test('a header over the reference limit of 100,000,000 bytes is rejected without reading it', () => {
    const length = new Uint8Array(8);
    new DataView(length.buffer).setBigUint64(0, 100_000_001n, true);
    const file = sparseFile('long-header.safetensors', length, 8 + 100_000_001);
    const { bytes } = measureReads(() =>
      expect(() => load(file)).toThrow(
        `parseSafetensors: the header length is 100000001 bytes, more than the 100000000 bytes safetensors allows (its MAX_HEADER_SIZE) (reading ${file})`,
      ),
    );
    expect(bytes).toBe(8);
  });

  test('a header whose tensors claim 2^40 bytes, in a 1 GiB file, is rejected before any data is read', () => {
    const json = JSON.stringify({ x: { dtype: 'F32', shape: [2 ** 38], data_offsets: [0, 2 ** 40] } });
    const header = makeFile(json);
    const file = sparseFile('data-2-40.safetensors', header, GiB);
    const expected = 8 + json.length + 2 ** 40;
    const { bytes, ms } = measureReads(() =>
      expect(() => load(file)).toThrow(
        `parseSafetensors: the file is 1073741824 bytes, but its header describes ${expected}: the 8-byte length, the ${json.length}-byte header ` +
          `and 1099511627776 bytes of tensor data; it is truncated, ${expected - GiB} bytes short (reading ${file})`,
      ),
    );
    expect(bytes).toBe(header.length);
    expect(ms).toBeLessThan(500);
  });

  test('a truncated file, and a file with bytes after its last tensor, name the size and the size the header describes', () => {
    const file = path.join(tmpDir, 'sized.safetensors');
    save({ a: tensor([1, 2, 3], { dtype: 'float32' }), b: tensor([4], { dtype: 'int32' }) }, file);
    const whole = fs.readFileSync(file);
    const n = headerOf(whole).length;
    fs.writeFileSync(file, whole.subarray(0, whole.length - 3));
    expect(() => load(file)).toThrow(
      `parseSafetensors: the file is ${whole.length - 3} bytes, but its header describes ${whole.length}: the 8-byte length, the ${n}-byte header ` +
        `and 16 bytes of tensor data; it is truncated, 3 bytes short (reading ${file})`,
    );
    fs.writeFileSync(file, Buffer.concat([whole, Buffer.alloc(5)]));
    expect(() => load(file)).toThrow(`parseSafetensors: the file is ${whole.length + 5} bytes, but its header describes ${whole.length}`);
    expect(() => load(file)).toThrow('; it has 5 bytes after the last tensor');
    fs.writeFileSync(file, whole);
    expect(Array.from(load(file).a.data)).toEqual([1, 2, 3]);
  });

  test('an empty file and a directory are rejected', () => {
    const empty = path.join(tmpDir, 'empty.safetensors');
    fs.writeFileSync(empty, '');
    expect(() => load(empty)).toThrow(`parseSafetensors: the file is only 0 bytes; a safetensors file starts with an 8-byte header length (reading ${empty})`);
    const dir = fs.mkdtempSync(path.join(tmpDir, 'dir-'));
    expect(() => load(dir)).toThrow(/^load: not a regular file \(a directory\)|EISDIR/);
  });

  onLinux('a /proc file (size 0, endless or not) is read no further than its size says', () => {
    expect(() => load('/proc/self/status')).toThrow('parseSafetensors: the file is only 0 bytes');
  });

  onLinux('/dev/zero and a FIFO with no writer are rejected promptly (in a child process, so a hang cannot hang the tests)', () => {
    const fifo = path.join(tmpDir, 'fifo.safetensors');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const node = path.join(__dirname, '..', '..', 'src', 'node', 'index.ts');
    const script = `const { load } = require(${JSON.stringify(node)});
for (const f of process.argv.slice(1)) { try { load(f); console.log('loaded ' + f); } catch (e) { console.log(e.message); } }`;
    const start = performance.now();
    const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', script, '/dev/zero', fifo], {
      cwd: path.join(__dirname, '..', '..'),
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect({ signal: child.signal, status: child.status, stderr: child.stderr }).toEqual({ signal: null, status: 0, stderr: '' });
    expect(child.stdout.trim().split('\n')).toEqual([
      'load: not a regular file (a character device); tsgrad reads safetensors only from regular files (reading /dev/zero)',
      `load: not a regular file (a FIFO); tsgrad reads safetensors only from regular files (reading ${fifo})`,
    ]);
    expect(performance.now() - start).toBeLessThan(20_000);
  });
});

// ---- save: temporary files ----

describe("save's temporary files", () => {
  /** save's name for a temporary file: `.<name>.<pid>.<12 hex digits>.tmp`. */
  const TEMPORARY = /^\.w\.safetensors\.\d+\.[0-9a-f]{12}\.tmp$/;

  test('a save killed mid-write leaves its temporary file; the next save of the same file removes it', () => {
    const dir = fs.mkdtempSync(path.join(tmpDir, 'killed-'));
    const file = path.join(dir, 'w.safetensors');
    save({ w: tensor([1, 2]) }, file);
    const before = fs.readFileSync(file);
    // A real kill: a child process saves, and is killed by SIGKILL once its bytes are written,
    // before the rename.
    const node = path.join(__dirname, '..', '..', 'src', 'node', 'index.ts');
    const script = `const fs = require('fs'); const { save } = require(${JSON.stringify(node)});
const { tensor } = require(${JSON.stringify(path.join(__dirname, '..', '..', 'src', 'index.ts'))});
fs.fsyncSync = () => process.kill(process.pid, 'SIGKILL');
save({ w: tensor([3, 4, 5]) }, process.argv[1]);`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', script, file], {
      cwd: path.join(__dirname, '..', '..'),
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(child.signal).toBe('SIGKILL');
    const left = fs.readdirSync(dir).filter((f) => f !== 'w.safetensors');
    expect(left).toHaveLength(1);
    expect(left[0]).toMatch(TEMPORARY);
    expect(left[0]).toContain(`.${child.pid}.`);
    expect(fs.readFileSync(file)).toEqual(before); // the killed save changed nothing

    // Leftovers of other dead writers too, and files that only look alike, which must stay.
    fs.writeFileSync(path.join(dir, '.w.safetensors.999999.0123456789ab.tmp'), 'half a checkpoint');
    const unrelated = [
      'w.safetensors.bak',
      '.w.safetensors.tmp',
      '.v.safetensors.1.0123456789ab.tmp',
      '.wXsafetensors.1.0123456789ab.tmp',
      '.w.safetensors.1.0123456789ab.tmp.keep',
    ];
    for (const f of unrelated) fs.writeFileSync(path.join(dir, f), 'keep me');
    save({ w: tensor([6, 7], { dtype: 'float32' }) }, file);
    expect(fs.readdirSync(dir).sort()).toEqual([...unrelated, 'w.safetensors'].sort());
    expectSameTensor(load(file).w, new Tensor(Float32Array.of(6, 7), [2], 'float32'));
  });

  test('two overlapping saves of one file: the later one wins, the earlier one fails with an Error, the file is never partial', () => {
    // save is synchronous: from one thread, saves run one after the other. Overlapping ones come
    // from worker threads or other processes; here, the second save runs while the first is
    // between writing and renaming its temporary file.
    const dir = fs.mkdtempSync(path.join(tmpDir, 'overlap-'));
    const file = path.join(dir, 'w.safetensors');
    const realFsync = nodeFs.fsyncSync;
    const fsync = jest.spyOn(nodeFs, 'fsyncSync').mockImplementationOnce((fd) => {
      realFsync(fd);
      expect(fs.readdirSync(dir)).toEqual([expect.stringMatching(TEMPORARY)]);
      save({ w: tensor([2, 2], { dtype: 'float32' }) }, file); // the later save
    });
    try {
      expect(() => save({ w: tensor([1, 1, 1]) }, file)).toThrow(
        new RegExp(
          `^save: the temporary file .*\\.w\\.safetensors\\.${process.pid}\\.[0-9a-f]{12}\\.tmp was removed before it could be renamed over .*w\\.safetensors: ` +
            `another save of .*w\\.safetensors, started meanwhile, removed it as a leftover; .*w\\.safetensors holds that save's tensors$`,
        ),
      );
    } finally {
      fsync.mockRestore();
    }
    expect(fs.readdirSync(dir)).toEqual(['w.safetensors']);
    expectSameTensor(load(file).w, new Tensor(Float32Array.of(2, 2), [2], 'float32'));
  });
});
