/** Element types a tensor can hold. `int32` plays the role of PyTorch's int64 (class labels, indices). */
export type DType = 'float32' | 'float64' | 'int32' | 'bool';
export type FloatDType = 'float32' | 'float64';

export type FloatArray = Float32Array | Float64Array;
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'bool'];

let defaultDtype: FloatDType = 'float32';

/** The float dtype new tensors get when none is given (PyTorch's `torch.get_default_dtype()`). */
export function getDefaultDtype(): FloatDType {
  return defaultDtype;
}

/** Sets the default float dtype; only `'float32'` and `'float64'` are allowed, as in PyTorch. */
export function setDefaultDtype(dtype: FloatDType): void {
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw new Error(`setDefaultDtype: only 'float32' and 'float64' can be the default dtype, got '${dtype}'`);
  }
  defaultDtype = dtype;
}

export function checkDtype(dtype: string, where: string): DType {
  if (!DTYPES.includes(dtype as DType)) {
    throw new Error(`${where}: unknown dtype '${dtype}' (expected one of ${DTYPES.join(', ')})`);
  }
  return dtype as DType;
}

/** A device as PyTorch names one (`torch.device('cpu')`); tsgrad has only the CPU. */
export class Device {
  readonly type = 'cpu';
  /** The device index (`cpu:0` gives 0); null when none was given. */
  readonly index: number | null;

  /** `new Device('cpu')`, `'cpu:0'`, or `('cpu', 0)`; other devices are an Error naming why. */
  constructor(device: string, index?: number) {
    if (!isCpuDevice(device, 'device'))
      throw new Error(`device: expected a device string such as 'cpu', got ${typeof device === 'string' ? JSON.stringify(device) : typeof device}`);
    const given = /:(\d+)$/.exec(device);
    if (index !== undefined && (!Number.isInteger(index) || index < 0)) throw new Error(`device: index must be a whole number >= 0, got ${String(index)}`);
    if (given && index !== undefined) throw new Error(`device: type (string) must not include an index because index was passed explicitly: ${device}`);
    if ((index ?? Number(given?.[1] ?? 0)) !== 0) throw new Error(`device: tsgrad has one CPU device, cpu:0; got index ${index ?? given?.[1]}`);
    this.index = given ? Number(given[1]) : (index ?? null);
  }

  /** `cpu` or `cpu:0`, as `str(device)`. */
  toString(): string {
    return this.index === null ? this.type : `${this.type}:${this.index}`;
  }

  /** `device(type='cpu')`, as PyTorch prints one. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.index === null ? `device(type='${this.type}')` : `device(type='${this.type}', index=${this.index})`;
  }
}

/** What names a device: a Device or a string such as `'cpu'`. */
export type DeviceLike = Device | string;

/** The accelerators PyTorch has, which tsgrad names in its Error. */
const OTHER_DEVICES = /^(cuda|mps|xpu|meta|hip|xla|vulkan|ipu|hpu|mtia|mkldnn|privateuseone)(:\d+)?$/;

/**
 * Whether `x`, given where a dtype or device goes (`to('cpu')`, `to(device)`), names the CPU; other
 * devices (`'cuda'`, `'mps:0'`...) are an Error, since tsgrad runs on the CPU. False for anything else.
 */
export function isCpuDevice(x: unknown, where: string): boolean {
  if (x instanceof Device) return true;
  if (typeof x !== 'string') return false;
  if (/^cpu(:\d+)?$/.test(x)) return true;
  if (OTHER_DEVICES.test(x)) {
    throw new Error(
      `${where}: tsgrad runs on the CPU (its kernels are TypeScript and WebAssembly); device '${x}' is not available. ` +
        "Keep the script's device 'cpu' (to('cpu') is accepted and changes nothing)",
    );
  }
  return false;
}

export function isFloatDtype(dtype: DType): dtype is FloatDType {
  return dtype === 'float32' || dtype === 'float64';
}

// NOTE: a typed array of more than 64 bytes gets its own off-heap backing store, which costs V8
// ~0.85 us to make (measured: new Float32Array(320) 0.85 us, a view into an existing buffer 0.07
// us), a third of a small op's time. So arrays of up to SMALL_BYTES are views into a shared slab,
// handed out in order and never reused: a fresh slab is zero-filled, so every view starts at zero,
// and a slab is freed when its last view is. A long-lived small tensor keeps its slab (64 KiB) alive.
const SLAB_BYTES = 1 << 16;
const SMALL_BYTES = 4096;
let slab = new ArrayBuffer(SLAB_BYTES);
let slabOffset = 0;

/** Where the last `slabFor` space starts in its slab. */
let viewOffset = 0;

/**
 * The slab holding `bytes` fresh zero bytes (8-byte aligned) at `viewOffset`; starts a new slab
 * when the current one is full. Call it before reading `viewOffset` (arguments run left to right).
 */
function slabFor(bytes: number): ArrayBuffer {
  if (slabOffset + bytes > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabOffset = 0;
  }
  viewOffset = slabOffset;
  slabOffset += (bytes + 7) & ~7;
  return slab;
}

// NOTE: a large new array costs more than its bytes: the first writes into it fault its pages in
// (measured on a 2-core Xeon VM: writing 4.7 MB into a new Float32Array 2.6-3.5 ms, into one
// already written 0.45 ms), and V8 counts it as external memory, whose growth triggers its full
// collections. So the autograd engine hands back the gradient buffers it owned and has finished
// with (`recycle`: the caller vouches that nothing else references the array or its buffer), and
// `allocate` gives them out again, zero-filled, to the next array of the same dtype and length: in
// a training loop, the next forward's activations. Only arrays of at least RECYCLE_MIN_BYTES that
// own their whole buffer, and at most RECYCLE_MAX_BYTES kept, newest first.
const RECYCLE_MIN_BYTES = 1 << 16;
const RECYCLE_MAX_BYTES = 128 << 20;
const recycled = new Map<string, TypedArray[]>();
let recycledBytes = 0;

function dtypeOfArray(a: TypedArray): DType {
  return a instanceof Float32Array ? 'float32' : a instanceof Float64Array ? 'float64' : a instanceof Int32Array ? 'int32' : 'bool';
}

/**
 * @internal Gives `a` back for a later `allocate` of its dtype and length. Only for an array nothing
 * else references, not even through its buffer (the autograd engine's finished gradients); ignored
 * for small arrays, views into a larger buffer, and once RECYCLE_MAX_BYTES are kept.
 */
export function recycle(a: TypedArray): void {
  const bytes = a.byteLength;
  if (bytes < RECYCLE_MIN_BYTES || a.byteOffset !== 0 || bytes !== a.buffer.byteLength || recycledBytes + bytes > RECYCLE_MAX_BYTES) return;
  const key = `${dtypeOfArray(a)}:${a.length}`;
  const list = recycled.get(key);
  if (list === undefined) recycled.set(key, [a]);
  else list.push(a);
  recycledBytes += bytes;
}

/** A recycled array of `dtype` and length n, zero-filled, or null if none is kept. */
function takeRecycled(dtype: DType, n: number): TypedArray | null {
  const list = recycled.get(`${dtype}:${n}`);
  const a = list?.pop();
  if (a === undefined) return null;
  recycledBytes -= a.byteLength;
  return a.fill(0);
}

/** @internal The bytes kept for recycling (tests). */
export function recycledByteCount(): number {
  return recycledBytes;
}

/**
 * A new zero-filled typed array of `dtype` holding `n` elements. Small ones share a slab (see the
 * NOTE above): their `.buffer` is not theirs alone, so copy (`data.slice()`) before transferring one.
 * Large ones may be recycled gradient buffers (see the NOTE above), zero-filled like new ones.
 */
export function allocate(dtype: DType, n: number): TypedArray {
  if (recycledBytes > 0 && n >= RECYCLE_MIN_BYTES / 8) {
    const a = takeRecycled(dtype, n);
    if (a !== null) return a;
  }
  switch (dtype) {
    case 'float32':
      return n * 4 > 64 && n * 4 <= SMALL_BYTES ? new Float32Array(slabFor(n * 4), viewOffset, n) : new Float32Array(n);
    case 'float64':
      return n * 8 > 64 && n * 8 <= SMALL_BYTES ? new Float64Array(slabFor(n * 8), viewOffset, n) : new Float64Array(n);
    case 'int32':
      return n * 4 > 64 && n * 4 <= SMALL_BYTES ? new Int32Array(slabFor(n * 4), viewOffset, n) : new Int32Array(n);
    case 'bool':
      return n > 64 && n <= SMALL_BYTES ? new Uint8Array(slabFor(n), viewOffset, n) : new Uint8Array(n);
  }
}

export function allocateFloat(dtype: FloatDType, n: number): FloatArray {
  return allocate(dtype, n) as FloatArray;
}

/**
 * `value` as an element of `dtype` (a boolean is 1 or 0). NaN, infinities and numbers outside int32's
 * range cannot be int32: an Error, as PyTorch's "value cannot be converted to type int64_t without
 * overflow", never a wrapped or zeroed value.
 */
export function elementOf(value: number | boolean, dtype: DType, where: string): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value !== 'number') {
    throw new Error(
      `${where}: the value must be a number or a boolean, got ${value === null ? 'null' : typeof value === 'string' ? `string ${JSON.stringify(value)}` : typeof value}`,
    );
  }
  if (dtype === 'int32' && !(Math.trunc(value) >= -2147483648 && Math.trunc(value) <= 2147483647)) {
    throw new Error(`${where}: value ${value} cannot be converted to int32 without overflow (int32 is tsgrad's integer dtype; use a float dtype)`);
  }
  return convert(Float64Array.of(value), dtype)[0];
}

/** A copy of `src` converted to `dtype` (float to int truncates toward zero, as PyTorch does). */
export function convert(src: TypedArray, dtype: DType): TypedArray {
  const out = allocate(dtype, src.length);
  if (dtype === 'int32') {
    for (let i = 0; i < src.length; i++) out[i] = Math.trunc(src[i]);
  } else if (dtype === 'bool') {
    for (let i = 0; i < src.length; i++) out[i] = src[i] !== 0 ? 1 : 0;
  } else {
    out.set(src);
  }
  return out;
}

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };
const CATEGORY: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 2 };

/** The wider of two dtypes (bool < int32 < float32 < float64). */
export function promoteTypes(a: DType, b: DType): DType {
  for (const d of [a, b]) if (!Object.hasOwn(RANK, d)) checkDtype(String(d), 'promoteTypes');
  return RANK[a] >= RANK[b] ? a : b;
}

/** An operand of a binary op: a tensor (its dtype and rank) or a plain number. */
export type Operand = { readonly dtype: DType; readonly shape: readonly number[] } | number;

/**
 * The dtype of `a op b`, by PyTorch's promotion rules: the highest category (bool < integer <
 * float) wins; within it, tensors with dimensions outrank 0-d tensors, which outrank plain
 * numbers, so `float32Tensor.mul(2.5)` stays float32 and `int32Tensor.mul(2.5)` becomes the
 * default float dtype.
 */
export function resultType(a: Operand, b: Operand): DType {
  const ka = kindOf(a);
  const kb = kindOf(b);
  if (ka.category !== kb.category) return (ka.category > kb.category ? ka : kb).dtype;
  if (ka.priority !== kb.priority) return (ka.priority > kb.priority ? ka : kb).dtype;
  return promoteTypes(ka.dtype, kb.dtype);
}

function kindOf(x: Operand): { dtype: DType; category: number; priority: number } {
  if (typeof x === 'number') {
    const dtype: DType = Number.isInteger(x) ? 'int32' : defaultDtype;
    return { dtype, category: CATEGORY[dtype], priority: 0 };
  }
  return { dtype: x.dtype, category: CATEGORY[x.dtype], priority: x.shape.length > 0 ? 2 : 1 };
}

/**
 * @internal `x` rounded to float32 when `f32`, else `x`. Kernels apply it wherever PyTorch keeps an
 * intermediate in a float32 tensor or rounds a Python scalar to the tensor's dtype, so float32 steps
 * round as PyTorch's do. `round32(a * b + c, f32)` (a, b, c float32) is PyTorch's fused multiply-add
 * (its CPU kernels for `add(alpha)`, `lerp` and `addcmul` use one): the product is exact in float64.
 *
 * NOTE: a flag, not a rounding function passed in: a kernel called with two different functions
 * runs several times slower in V8. And a kernel file (the optimizers' in src/optim, the update kernels in src/backend/js.ts) binds it to a const of its own once
 * (`const round32 = imported;`) rather than calling the import: under tsx (esbuild's CommonJS) an
 * imported function is read through a getter on every call, which V8 does not inline. Measured on
 * 200 steps of 1M float32 parameters (Node 20, tsx): Adam 63 ms/step calling the import, 8.6 bound
 * (as with a copy in the file); RMSprop 60 vs 7.4; SGD with momentum 11.7 vs 3.7.
 */
export function round32(x: number, f32: boolean): number {
  return f32 ? Math.fround(x) : x;
}
