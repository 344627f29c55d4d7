import * as fs from 'fs';
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
  parseSafetensors,
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
    expect(() => save({ w: 'oops' as unknown as Tensor }, file)).toThrow("serializeSafetensors: 'w' is not a Tensor");
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
    expect(parseSafetensors(makeFile('{}      '))).toEqual({ tensors: {}, metadata: {} });
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

  test('an unknown dtype is named, with the supported ones', () => {
    const bytes = makeFile({ x: { dtype: 'F16', shape: [2], data_offsets: [0, 4] } }, [0, 0, 0, 0]);
    expect(parse(bytes)).toThrow("parseSafetensors: tensor 'x' has dtype F16, which tsgrad does not support; supported: F32, F64, I32, BOOL");
    const i64 = makeFile({ n: { dtype: 'I64', shape: [], data_offsets: [0, 8] } }, new Array(8).fill(0));
    expect(parse(i64)).toThrow("tensor 'n' has dtype I64, which tsgrad does not support");
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
    expect(parse(gap)).toThrow(
      'parseSafetensors: bytes [4, 8) of the 12-byte data buffer belong to no tensor; the data_offsets must cover the buffer exactly',
    );
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
