/** Shape arithmetic shared by kernels and ops: sizes, strides, broadcasting, dims. */

export type Shape = readonly number[];

/** `[2, 3]` as PyTorch's messages write it. */
export function fmt(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

export function numel(shape: Shape): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/** Row-major element strides of a contiguous tensor. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function checkShape(shape: Shape, where: string): number[] {
  if (!Array.isArray(shape)) {
    const got = typeof shape === 'string' ? `string ${JSON.stringify(shape)}` : shape === null || typeof shape !== 'object' ? String(shape) : 'an object';
    throw new Error(`${where}: a shape must be an array of sizes such as [2, 3], got ${got}`);
  }
  for (const s of shape) {
    if (!Number.isInteger(s) || s < 0) {
      throw new Error(`${where}: every size in a shape must be a whole number >= 0, got ${fmt(shape)}`);
    }
  }
  return [...shape];
}

/**
 * Sizes as PyTorch takes them: separate numbers (`view(-1, 784)`, `randn(3, 5)`) or one array
 * (`view([-1, 784])`); a single number is a 1-D size. Checks only that they are numbers: the op
 * checks their values (-1 is valid for view, not for zeros).
 */
export type Sizes = [size: Shape | number] | number[];

/** The sizes of `Sizes` arguments as one array (see `Sizes`). */
export function sizesOf(args: readonly unknown[], where: string): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return [...(args[0] as number[])];
  if (args.length === 0) throw new Error(`${where}: missing the size: give sizes as ${where}(2, 3) or ${where}([2, 3])`);
  args.forEach((a, i) => {
    if (typeof a !== 'number') {
      const got = Array.isArray(a) ? 'an array' : a === null ? 'null' : typeof a === 'object' ? 'an object' : `${typeof a} ${JSON.stringify(a)}`;
      throw new Error(`${where}: sizes must be numbers, as ${where}(2, 3), or one array, as ${where}([2, 3]); argument ${i} is ${got}`);
    }
  });
  return args as number[];
}

/** `Sizes` followed by an optional options object, as creation functions take them (`zeros(2, 3, { dtype })`). */
export type SizesAnd<O> = [size: Shape | number, options?: O] | number[] | [...sizes: number[], options: O];

/** Splits `SizesAnd` arguments into the sizes (checked as a shape) and the options (`{}` when left out). */
export function sizesAndOptions<O extends object>(args: readonly unknown[], where: string): [number[], O] {
  const last = args[args.length - 1];
  const hasOptions = args.length > 1 && typeof last === 'object' && last !== null && !Array.isArray(last) && !ArrayBuffer.isView(last);
  const sizes = sizesOf(hasOptions ? args.slice(0, -1) : args, where);
  return [checkShape(sizes, where), (hasOptions ? last : {}) as O];
}

/** NumPy broadcasting: align from the right; sizes must match or one of them be 1. */
export function broadcastShapes(a: Shape, b: Shape, where: string): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`${where}: shapes ${fmt(a)} and ${fmt(b)} cannot be broadcast together ` + `(size ${da} vs ${db} at dimension ${i} of the result)`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * Strides that read a contiguous tensor of `shape` as if it had `outShape` (a broadcast of it):
 * 0 along broadcast dimensions.
 */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const strides = stridesOf(shape);
  const offset = outShape.length - shape.length;
  const out = new Array<number>(outShape.length).fill(0);
  for (let i = 0; i < shape.length; i++) out[i + offset] = shape[i] === 1 ? 0 : strides[i];
  return out;
}

/** Wraps a possibly negative dim into [0, ndim); a dim out of range is an Error, as in PyTorch. */
export function normalizeDim(dim: number, ndim: number, where: string): number {
  const rank = Math.max(ndim, 1); // a 0-d tensor accepts dim 0 and -1, as in PyTorch
  if (!Number.isInteger(dim)) {
    const got = typeof dim === 'number' ? String(dim) : typeof dim === 'string' ? `string ${JSON.stringify(dim)}` : String(dim);
    throw new Error(`${where}: dim must be a whole number, got ${got}`);
  }
  if (dim < -rank || dim >= rank) {
    throw new Error(`${where}: dimension out of range (expected to be in range of [${-rank}, ${rank - 1}], but got ${dim})`);
  }
  return dim < 0 ? dim + rank : dim;
}

/** Splits `shape` around `dim` into the [outer, size, inner] extents reductions loop over. */
export function splitAt(shape: Shape, dim: number): [number, number, number] {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < dim; i++) outer *= shape[i];
  for (let i = dim + 1; i < shape.length; i++) inner *= shape[i];
  return [outer, shape.length === 0 ? 1 : shape[dim], inner];
}
