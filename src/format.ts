/**
 * PyTorch-faithful tensor printing.
 *
 * `formatTensor` reproduces what `repr(t)` / `print(t)` shows in PyTorch (the behaviour of
 * `torch/_tensor_str.py`: the element formatter, line wrapping, summarisation with `...`, and the
 * `dtype=` / `grad_fn=` / `requires_grad=` suffixes), so tutorial output reads the same.
 *
 * `formatFixed` / `formatExp` are exact re-implementations of Python's `format(x, '.Nf')` and
 * `format(x, '.Ne')`: they round the exact binary value of the double, ties to even, unlike
 * JavaScript's `toFixed` (which rounds ties up) and `toExponential`.
 */
import type { DType } from './dtype';
import { checkOptions } from './options';
import { stridesOf } from './shape';

/** What the printer needs to know about a tensor. */
export interface PrintableTensor {
  /** Contiguous row-major elements; bool is a Uint8Array of 0/1. */
  readonly data: Float32Array | Float64Array | Int32Array | Uint8Array;
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly requiresGrad: boolean;
  /** The node that created the tensor, e.g. `{ name: 'AddBackward0' }`, or null for a leaf. */
  readonly gradFn: { readonly name: string } | null;
}

// ---------------------------------------------------------------------------------------------
// Print options (the module's only mutable state), mirroring torch.set_printoptions.
// ---------------------------------------------------------------------------------------------

export interface PrintOptions {
  /** Digits after the decimal point for floats (default 4). */
  precision: number;
  /** Element count above which the tensor is summarised with `...` (default 1000). */
  threshold: number;
  /** Items shown at each end of a summarised dimension (default 3). */
  edgeitems: number;
  /** Characters per line used for wrapping (default 80). */
  linewidth: number;
  /** Force (true) or forbid (false) scientific notation; null lets the formatter choose. */
  sciMode: boolean | null;
}

export interface SetPrintOptions {
  precision?: number;
  threshold?: number;
  edgeitems?: number;
  linewidth?: number;
  /** As in PyTorch, omitting it (or passing null) resets it to automatic. */
  sciMode?: boolean | null;
  profile?: 'default' | 'short' | 'full';
}

const PRINT_OPTS: PrintOptions = {
  precision: 4,
  threshold: 1000,
  edgeitems: 3,
  linewidth: 80,
  sciMode: null,
};

/**
 * Sets the print options, like `torch.set_printoptions`. A `profile` is applied first, then the
 * individual options. Like PyTorch, every call sets `sciMode` (to automatic when not given).
 */
export function setPrintOptions(opts: SetPrintOptions = {}): void {
  checkOptions(opts, ['precision', 'threshold', 'edgeitems', 'linewidth', 'sciMode', 'profile'], 'setPrintOptions');
  const { profile } = opts;
  if (profile !== undefined && profile !== 'default' && profile !== 'short' && profile !== 'full') {
    throw new Error(`setPrintOptions: unknown profile '${String(profile)}' (expected default, short or full)`);
  }
  if (opts.sciMode !== undefined && opts.sciMode !== null && typeof opts.sciMode !== 'boolean') {
    throw new Error(`setPrintOptions: sciMode must be true, false or null, got ${String(opts.sciMode)}`);
  }
  const checkInt = (name: string, v: number, allowInf = false): number => {
    if (typeof v !== 'number' || Number.isNaN(v) || v < 0 || (!Number.isInteger(v) && !(allowInf && v === Infinity))) {
      throw new Error(`setPrintOptions: ${name} must be a non-negative integer, got ${String(v)}`);
    }
    return v;
  };
  // every option is checked before any is set, so a call that fails changes nothing
  for (const name of ['precision', 'edgeitems', 'linewidth'] as const) if (opts[name] !== undefined) checkInt(name, opts[name]);
  if (opts.threshold !== undefined) checkInt('threshold', opts.threshold, true);
  if (profile !== undefined) {
    if (profile === 'default') {
      Object.assign(PRINT_OPTS, { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80 });
    } else if (profile === 'short') {
      Object.assign(PRINT_OPTS, { precision: 2, threshold: 1000, edgeitems: 2, linewidth: 80 });
    } else if (profile === 'full') {
      Object.assign(PRINT_OPTS, { precision: 4, threshold: Infinity, edgeitems: 3, linewidth: 80 });
    }
  }
  if (opts.precision !== undefined) PRINT_OPTS.precision = checkInt('precision', opts.precision);
  if (opts.threshold !== undefined) PRINT_OPTS.threshold = checkInt('threshold', opts.threshold, true);
  if (opts.edgeitems !== undefined) PRINT_OPTS.edgeitems = checkInt('edgeitems', opts.edgeitems);
  if (opts.linewidth !== undefined) PRINT_OPTS.linewidth = checkInt('linewidth', opts.linewidth);
  PRINT_OPTS.sciMode = opts.sciMode ?? null;
}

/** A copy of the current print options (like `torch._tensor_str.get_printoptions`). */
export function getPrintOptions(): PrintOptions {
  return { ...PRINT_OPTS };
}

// ---------------------------------------------------------------------------------------------
// Python-exact number formatting.
// ---------------------------------------------------------------------------------------------

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
// Index of the high 32-bit word of a double (little-endian platforms store it second).
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;

/** |x| as an exact decimal: |x| = int / 10^scale. `x` must be finite. */
function exactDecimal(x: number): { int: bigint; scale: number } {
  F64[0] = x;
  const hi = U32[HI];
  const lo = U32[LO];
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (biased === 0) {
    exp = -1074; // subnormal (or zero)
  } else {
    mant |= 1n << 52n;
    exp = biased - 1075;
  }
  if (mant === 0n) return { int: 0n, scale: 0 };
  if (exp >= 0) return { int: mant << BigInt(exp), scale: 0 };
  // mant / 2^k = mant * 5^k / 10^k
  const k = -exp;
  return { int: mant * 5n ** BigInt(k), scale: k };
}

/** Rounds int / 10^drop to an integer, ties to even. */
function roundHalfEven(int: bigint, drop: number): bigint {
  if (drop <= 0) return int * 10n ** BigInt(-drop);
  const div = 10n ** BigInt(drop);
  let q = int / div;
  const r2 = (int % div) * 2n;
  if (r2 > div || (r2 === div && (q & 1n) === 1n)) q += 1n;
  return q;
}

function isNegative(x: number): boolean {
  return x < 0 || Object.is(x, -0);
}

function nonFinite(x: number): string | null {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return null;
}

/** Python's `format(x, '.{digits}f')`: exact value, round half to even, `-0.0000` kept. */
export function formatFixed(x: number, digits: number): string {
  const nf = nonFinite(x);
  if (nf !== null) return nf;
  const { int, scale } = exactDecimal(x);
  const q = roundHalfEven(int, scale - digits).toString();
  let body: string;
  if (digits === 0) {
    body = q;
  } else {
    const padded = q.length <= digits ? '0'.repeat(digits - q.length + 1) + q : q;
    body = padded.slice(0, padded.length - digits) + '.' + padded.slice(padded.length - digits);
  }
  return (isNegative(x) ? '-' : '') + body;
}

/** Python's `format(x, '.{digits}e')`: exact value, round half to even, exponent of 2+ digits. */
export function formatExp(x: number, digits: number): string {
  const nf = nonFinite(x);
  if (nf !== null) return nf;
  const sign = isNegative(x) ? '-' : '';
  const { int, scale } = exactDecimal(x);
  let mantissa: string;
  let exponent: number;
  if (int === 0n) {
    mantissa = '0'.repeat(digits + 1);
    exponent = 0;
  } else {
    const s = int.toString();
    exponent = s.length - 1 - scale;
    let q = roundHalfEven(int, s.length - (digits + 1)).toString();
    if (q.length > digits + 1) {
      // rounding carried into a new leading digit (9.99995 -> 10.0000)
      q = q.slice(0, digits + 1);
      exponent += 1;
    }
    mantissa = q;
  }
  const m = digits === 0 ? mantissa : mantissa[0] + '.' + mantissa.slice(1);
  const e = Math.abs(exponent).toString().padStart(2, '0');
  return `${sign}${m}e${exponent < 0 ? '-' : '+'}${e}`;
}

// ---------------------------------------------------------------------------------------------
// Tensor printing.
// ---------------------------------------------------------------------------------------------

/** A strided view into the flat data: what `self[i]` / slicing produce in `_tensor_str.py`. */
interface View {
  readonly data: PrintableTensor['data'];
  readonly offset: number;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
}

function sub(v: View, i: number): View {
  return { data: v.data, offset: v.offset + i * v.strides[0], shape: v.shape.slice(1), strides: v.strides.slice(1) };
}

function at1(v: View, i: number): number {
  return v.data[v.offset + i * v.strides[0]];
}

/** Every element of the view, row-major. */
function allValues(v: View, out: number[]): void {
  if (v.shape.length === 0) {
    out.push(v.data[v.offset]);
    return;
  }
  if (v.shape.length === 1) {
    for (let i = 0; i < v.shape[0]; i++) out.push(at1(v, i));
    return;
  }
  for (let i = 0; i < v.shape[0]; i++) allValues(sub(v, i), out);
}

/** The elements `get_summarized_data` keeps (only their values matter to the formatter). */
function summarizedValues(v: View, out: number[]): void {
  const edge = PRINT_OPTS.edgeitems;
  const dim = v.shape.length;
  if (dim === 0) {
    out.push(v.data[v.offset]);
    return;
  }
  const n = v.shape[0];
  if (dim === 1) {
    // With edgeitems == 0, PyTorch's `self[-0:]` is the whole vector, so everything is kept.
    if (n > 2 * edge && edge > 0) {
      for (let i = 0; i < edge; i++) out.push(at1(v, i));
      for (let i = n - edge; i < n; i++) out.push(at1(v, i));
    } else {
      allValues(v, out);
    }
    return;
  }
  if (edge === 0) return; // PyTorch returns an empty tensor here
  if (n > 2 * edge) {
    for (let i = 0; i < edge; i++) summarizedValues(sub(v, i), out);
    for (let i = n - edge; i < n; i++) summarizedValues(sub(v, i), out);
  } else {
    for (let i = 0; i < n; i++) summarizedValues(sub(v, i), out);
  }
}

type Kind = 'float' | 'int' | 'bool';

/** PyTorch's `_Formatter`: picks int/sci/fixed mode and a common width from the values. */
class Formatter {
  readonly kind: Kind;
  intMode = true;
  sciMode = false;
  maxWidth = 1;

  constructor(kind: Kind, values: readonly number[]) {
    this.kind = kind;
    const precision = PRINT_OPTS.precision;
    if (kind !== 'float') {
      for (const v of values) this.maxWidth = Math.max(this.maxWidth, this.plain(v).length);
      return;
    }
    const vals = values.filter((v) => Number.isFinite(v) && v !== 0);
    if (vals.length === 0) return;
    let min = Infinity;
    let max = 0;
    for (const v of vals) {
      const a = Math.abs(v);
      if (a < min) min = a;
      if (a > max) max = a;
      if (this.intMode && v !== Math.ceil(v)) this.intMode = false;
    }
    this.sciMode = PRINT_OPTS.sciMode ?? (max / min > 1000.0 || max > 1.0e8 || (!this.intMode && min < 1.0e-4));
    for (const v of vals) {
      let len: number;
      if (this.sciMode) len = formatExp(v, precision).length;
      else if (this.intMode) len = formatFixed(v, 0).length + 1;
      else len = formatFixed(v, precision).length;
      if (len > this.maxWidth) this.maxWidth = len;
    }
  }

  private plain(v: number): string {
    if (this.kind === 'bool') return v ? 'True' : 'False';
    return String(v);
  }

  width(): number {
    return this.maxWidth;
  }

  format(v: number): string {
    let ret: string;
    if (this.kind === 'float') {
      if (this.sciMode) {
        ret = formatExp(v, PRINT_OPTS.precision);
      } else if (this.intMode) {
        ret = formatFixed(v, 0);
        if (Number.isFinite(v)) ret += '.';
      } else {
        ret = formatFixed(v, PRINT_OPTS.precision);
      }
    } else {
      ret = this.plain(v);
    }
    return ret.length < this.maxWidth ? ' '.repeat(this.maxWidth - ret.length) + ret : ret;
  }
}

function vectorStr(v: View, indent: number, summarize: boolean, fmt: Formatter): string {
  const elementLength = fmt.width() + 2;
  const perLine = Math.max(1, Math.floor((PRINT_OPTS.linewidth - indent) / elementLength));
  const edge = PRINT_OPTS.edgeitems;
  const n = v.shape[0];
  let data: string[];
  if (summarize && edge === 0) {
    data = ['...'];
  } else if (summarize && n > 2 * edge) {
    data = [];
    for (let i = 0; i < edge; i++) data.push(fmt.format(at1(v, i)));
    data.push(' ...');
    for (let i = n - edge; i < n; i++) data.push(fmt.format(at1(v, i)));
  } else {
    data = new Array<string>(n);
    for (let i = 0; i < n; i++) data[i] = fmt.format(at1(v, i));
  }
  const lines: string[] = [];
  for (let i = 0; i < data.length; i += perLine) lines.push(data.slice(i, i + perLine).join(', '));
  return '[' + lines.join(',\n' + ' '.repeat(indent + 1)) + ']';
}

function tensorStrWithFormatter(v: View, indent: number, summarize: boolean, fmt: Formatter): string {
  const dim = v.shape.length;
  if (dim === 0) return fmt.format(v.data[v.offset]);
  if (dim === 1) return vectorStr(v, indent, summarize, fmt);
  const edge = PRINT_OPTS.edgeitems;
  const n = v.shape[0];
  const slices: string[] = [];
  if (summarize && n > 2 * edge) {
    for (let i = 0; i < edge; i++) slices.push(tensorStrWithFormatter(sub(v, i), indent + 1, summarize, fmt));
    slices.push('...');
    for (let i = n - edge; i < n; i++) slices.push(tensorStrWithFormatter(sub(v, i), indent + 1, summarize, fmt));
  } else {
    for (let i = 0; i < n; i++) slices.push(tensorStrWithFormatter(sub(v, i), indent + 1, summarize, fmt));
  }
  return '[' + slices.join(',' + '\n'.repeat(dim - 1) + ' '.repeat(indent + 1)) + ']';
}

function kindOf(dtype: DType): Kind {
  return dtype === 'bool' ? 'bool' : dtype === 'int32' ? 'int' : 'float';
}

function tensorStr(t: PrintableTensor, indent: number, numel: number): string {
  if (numel === 0) return '[]';
  const view: View = { data: t.data, offset: 0, shape: t.shape, strides: stridesOf(t.shape) };
  const summarize = numel > PRINT_OPTS.threshold;
  const values: number[] = [];
  if (summarize) summarizedValues(view, values);
  else allValues(view, values);
  const fmt = new Formatter(kindOf(t.dtype), values);
  return tensorStrWithFormatter(view, indent, summarize, fmt);
}

function addSuffixes(str: string, suffixes: readonly string[], indent: number): string {
  const parts = [str];
  // Mirrors PyTorch's `len(s) - s.rfind("\n") + 1` (which over-counts by two, faithfully).
  let lastLineLen = str.length - str.lastIndexOf('\n') + 1;
  for (const suffix of suffixes) {
    if (lastLineLen + suffix.length + 2 > PRINT_OPTS.linewidth) {
      parts.push(',\n' + ' '.repeat(indent) + suffix);
      lastLineLen = indent + suffix.length;
    } else {
      parts.push(', ' + suffix);
      lastLineLen += suffix.length + 2;
    }
  }
  parts.push(')');
  return parts.join('');
}

function pyTuple(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** How a dtype is named in a `dtype=` suffix. */
export function dtypeRepr(dtype: DType): string {
  return `torch.${dtype}`;
}

/**
 * PyTorch's repr of a tensor. `defaultDtype` is the current default float dtype. `int32` is treated
 * as PyTorch's default integer type (no suffix when non-empty), as is `bool`.
 */
export function formatTensor(t: PrintableTensor, defaultDtype: 'float32' | 'float64' = 'float32'): string {
  const prefix = 'tensor(';
  const indent = prefix.length;
  const suffixes: string[] = [];
  let numel = 1;
  for (const d of t.shape) numel *= d;
  if (t.data.length < numel) {
    throw new Error(`formatTensor: data holds ${t.data.length} elements but shape [${t.shape.join(', ')}] needs ${numel}`);
  }
  let body: string;
  if (numel === 0) {
    // Empty: the shape is shown unless it is (0,), and any non-default-float dtype is named,
    // since there are no elements to tell ints from floats.
    if (t.shape.length !== 1) suffixes.push('size=' + pyTuple(t.shape));
    if (t.dtype !== defaultDtype) suffixes.push('dtype=' + dtypeRepr(t.dtype));
    body = '[]';
  } else {
    // PyTorch names the shape whenever edgeitems is 0, since the body can then be just `[...]`.
    if (PRINT_OPTS.edgeitems === 0) suffixes.push('size=' + pyTuple(t.shape));
    if (t.dtype !== defaultDtype && t.dtype !== 'int32' && t.dtype !== 'bool') {
      suffixes.push('dtype=' + dtypeRepr(t.dtype));
    }
    body = tensorStr(t, indent, numel);
  }
  if (t.gradFn !== null) suffixes.push(`grad_fn=<${t.gradFn.name}>`);
  else if (t.requiresGrad) suffixes.push('requires_grad=True');
  return addSuffixes(prefix + body, suffixes, indent);
}

/** Python's repr of a float: `0.01`, `1.0`, `1e-05`, `inf`, `nan` (for module reprs like `LeakyReLU(negative_slope=0.01)`). */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(x);
  if (abs >= 1e16 || abs < 1e-4) {
    // both use the shortest round-tripping digits; Python writes the exponent with a sign and two digits
    const [mantissa, exponent] = x.toExponential().split('e');
    const e = Number(exponent);
    return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  const s = String(x);
  return s.includes('.') ? s : `${s}.0`;
}
