/**
 * Every module class of tsgrad.nn against real PyTorch, one sweep: tests/golden/gen_state_dicts.py
 * builds each PyTorch module with several option sets and writes tests/golden/state-dicts.json
 * (reprs, state-dict keys/shapes/dtypes, inputs and outputs, PyTorch's errors for bad shapes) and
 * state-dicts.safetensors (the state dicts, and those after a train-mode forward).
 *
 * Per case: `String(module)` is PyTorch's repr; the state dict has PyTorch's keys, shapes, dtypes and
 * order; PyTorch's tensors load (strict) and give PyTorch's outputs in eval mode and, where
 * deterministic, in train mode (with the running statistics after it); the state dict written as
 * safetensors reads back as the same tensors under the same keys and file dtypes (int64 as I64).
 * Each bad input PyTorch rejects is rejected with PyTorch's key phrase.
 *
 * The last test writes each module's own state dict (seeded random values, one train forward) to
 * out/state-dicts/ for tests/golden/check_state_dicts.py, which loads them into PyTorch's modules.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../../src/index';
import { Tensor, nn } from '../../src/index';
import { parseSafetensors, serializeSafetensors, type SafetensorsDtype } from '../../src/serialization/safetensors';

type Num = number | 'nan' | 'inf' | '-inf';
type TorchDtype = 'float32' | 'float64' | 'int64' | 'bool';
interface Stored {
  shape: number[];
  dtype: TorchDtype;
  data: Num[];
}
type StoredInput = Stored | { list: number[] };
interface Case {
  name: string;
  kind: string;
  args: unknown[];
  py: string;
  dtype: 'float32' | 'float64';
  repr: string;
  keys: [string, number[], TorchDtype][];
  inputs: StoredInput[];
  eval?: Stored[];
  train?: Stored[];
}
interface ErrorCase {
  case: string;
  inputs: StoredInput[];
  train: boolean;
  message: string;
  phrases: string[];
  /** Where tsgrad words it otherwise: what its message must contain instead (naming the shapes), and why. */
  ours?: string[];
  why?: string;
}
interface Golden {
  torch: string;
  cases: Case[];
  errors: ErrorCase[];
}

const GOLDEN_DIR = path.join(__dirname, '..', 'golden');
const OUT_DIR = path.join(__dirname, '..', '..', 'out', 'state-dicts');
const golden = JSON.parse(fs.readFileSync(path.join(GOLDEN_DIR, 'state-dicts.json'), 'utf8')) as Golden;
const file = parseSafetensors(new Uint8Array(fs.readFileSync(path.join(GOLDEN_DIR, 'state-dicts.safetensors'))));

/** tsgrad's dtype for PyTorch's, and the safetensors dtype PyTorch writes it as. */
const TS_DTYPE: Record<TorchDtype, string> = { float32: 'float32', float64: 'float64', int64: 'int32', bool: 'bool' };
const FILE_DTYPE: Record<TorchDtype, SafetensorsDtype> = { float32: 'F32', float64: 'F64', int64: 'I64', bool: 'BOOL' };
const TOL = { float32: 1e-6, float64: 1e-12 } as const;

const num = (v: Num): number => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v);

function toTensor(s: Stored): Tensor {
  const data = s.data.map(num);
  if (s.dtype === 'float32') return new Tensor(Float32Array.from(data), s.shape, 'float32');
  if (s.dtype === 'float64') return new Tensor(Float64Array.from(data), s.shape, 'float64');
  if (s.dtype === 'int64') return new Tensor(Int32Array.from(data), s.shape, 'int32');
  return new Tensor(Uint8Array.from(data), s.shape, 'bool');
}

/** Fresh inputs (in-place modules change theirs): tensors, or plain arrays of lengths. */
function inputsOf(stored: StoredInput[]): (Tensor | number[])[] {
  return stored.map((s) => ('list' in s ? [...s.list] : toTensor(s)));
}

/** A constructor argument from the JSON: nested modules and tensors built, objects and arrays walked. */
function resolve(arg: unknown): unknown {
  if (Array.isArray(arg)) return arg.map(resolve);
  if (arg !== null && typeof arg === 'object') {
    const o = arg as Record<string, unknown>;
    if ('$module' in o) {
      const [kind, args] = o.$module as [string, unknown[]];
      return build(kind, args);
    }
    if ('$tensor' in o) {
      const [shape, dtype] = o.$tensor as [number[], 'float32' | 'float64'];
      return torch.zeros(shape, { dtype });
    }
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, resolve(v)]));
  }
  return arg;
}

type AnyModule = nn.Module & ((...args: unknown[]) => unknown);
function build(kind: string, args: unknown[]): AnyModule {
  const ctor = (nn as unknown as Record<string, new (...a: unknown[]) => AnyModule>)[kind];
  if (typeof ctor !== 'function') throw new Error(`tsgrad.nn has no ${kind}`);
  return new ctor(...args.map(resolve));
}

/**
 * The tensors of the golden file under `prefix/`, by key, in the order of `keys` (a safetensors file
 * holds its tensors sorted by dtype and name, not in state-dict order).
 */
function stateOf(prefix: string, keys: string[]): Record<string, Tensor> {
  const found = Object.keys(file.tensors)
    .filter((k) => k.startsWith(`${prefix}/`))
    .map((k) => k.slice(prefix.length + 1));
  expect([...found].sort()).toEqual([...keys].sort());
  return Object.fromEntries(keys.map((k) => [k, file.tensors[`${prefix}/${k}`]]));
}

/** `actual` equals `expected` elementwise within tol * (1 + |expected|) (exactly for integers); names the worst element. */
function expectClose(actual: Tensor, expected: Tensor, what: string): void {
  expect({ what, shape: actual.shape, dtype: actual.dtype }).toEqual({ what, shape: expected.shape, dtype: expected.dtype });
  const tol = expected.dtype === 'float64' ? TOL.float64 : expected.dtype === 'float32' ? TOL.float32 : 0;
  for (let i = 0; i < expected.numel(); i++) {
    const a = actual.data[i];
    const e = expected.data[i];
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    if (!(Math.abs(a - e) <= tol * (1 + Math.abs(e)))) throw new Error(`${what}: element ${i} is ${a}, PyTorch's ${e}`);
  }
}

function expectOutputs(y: unknown, expected: Stored[], what: string): void {
  const ys = Array.isArray(y) ? (y as Tensor[]) : [y as Tensor];
  expect(ys.length).toBe(expected.length);
  ys.forEach((t, i) => expectClose(t, toTensor(expected[i]), `${what} ${i}`));
}

/** The safetensors dtype each key is written as: int32 state as I64, PyTorch's int64. */
function int64Keys(state: Record<string, Tensor>): Record<string, SafetensorsDtype> {
  return Object.fromEntries(
    Object.entries(state)
      .filter(([, t]) => t.dtype === 'int32')
      .map(([k]) => [k, 'I64' as SafetensorsDtype]),
  );
}

describe.each(golden.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
  const keys = c.keys.map(([k]) => k);
  test(`repr: ${c.repr.split('\n')[0]}`, () => {
    expect(String(build(c.kind, c.args))).toBe(c.repr);
  });

  test("state dict: PyTorch's keys, shapes, dtypes and order", () => {
    const state = build(c.kind, c.args).stateDict();
    expect(Object.entries(state).map(([k, t]) => [k, t.shape, t.dtype])).toEqual(c.keys.map(([k, s, d]) => [k, s, TS_DTYPE[d]]));
  });

  test("PyTorch's state dict loads (strict) and gives PyTorch's outputs", () => {
    const m = build(c.kind, c.args);
    const theirs = stateOf(c.name, keys);
    expect(m.loadStateDict(theirs)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    const loaded = m.stateDict();
    for (const [k, t] of Object.entries(theirs)) expectClose(loaded[k], t, `loaded ${k}`);
    if (c.eval) expectOutputs(m.eval()(...inputsOf(c.inputs)), c.eval, 'eval output');
    if (c.train) {
      const n = build(c.kind, c.args);
      n.loadStateDict(theirs);
      expectOutputs(n.train()(...inputsOf(c.inputs)), c.train, 'train output');
      const after = stateOf(`${c.name}@train`, keys);
      const ours = n.stateDict();
      expect(Object.keys(ours)).toEqual(keys);
      for (const [k, t] of Object.entries(after)) expectClose(ours[k], t, `${k} after a train forward`);
    }
  });

  test('its state dict written as safetensors reads back the same (int64 buffers as I64)', () => {
    const m = build(c.kind, c.args);
    m.loadStateDict(stateOf(c.name, keys));
    const state = m.stateDict();
    const back = parseSafetensors(serializeSafetensors(state, undefined, { dtypes: int64Keys(state) }));
    expect(Object.keys(back.tensors).sort()).toEqual([...keys].sort());
    expect(c.keys.map(([k]) => [k, back.dtypes[k]])).toEqual(c.keys.map(([k, , d]) => [k, FILE_DTYPE[d]]));
    for (const [k, t] of Object.entries(state)) {
      expect(back.tensors[k].dtype).toBe(t.dtype);
      expect(back.tensors[k].shape).toEqual(t.shape);
      expect(Array.from(back.tensors[k].data)).toEqual(Array.from(t.data));
    }
  });
});

/**
 * PyTorch's key phrases, ignoring case (tsgrad's messages start with the function's name, as in
 * `glu: halving dimension must be even`), or tsgrad's own phrase where the JSON says why it differs.
 */
describe("PyTorch's errors for bad shapes", () => {
  const title = (e: ErrorCase): string => `${e.case}: ${e.message}${e.ours ? ` (tsgrad: ${e.ours.join(' ... ')}; ${e.why})` : ''}`;
  test.each(golden.errors.map((e) => [title(e), e] as const))('%s', (_title, e) => {
    const c = golden.cases.find((k) => k.name === e.case)!;
    const m = build(c.kind, c.args).train(e.train);
    let message: string | null = null;
    try {
      m(...inputsOf(e.inputs));
    } catch (err) {
      message = err instanceof Error ? err.message : String(err);
    }
    const phrases = e.ours ?? e.phrases;
    const has = phrases.map((p) => message?.toLowerCase().includes(p.toLowerCase()));
    expect({ message, has }).toEqual({ message, has: phrases.map(() => true) });
  });
});

describe('tsgrad-written state dicts for tests/golden/check_state_dicts.py', () => {
  test('each module with seeded random state (one train forward where deterministic) and its eval outputs, in out/state-dicts/', () => {
    torch.manualSeed(2024);
    const all: Record<string, Tensor> = {};
    const outputs: Record<string, { shape: readonly number[]; dtype: string; data: number[] }[]> = {};
    for (const c of golden.cases) {
      const m = build(c.kind, c.args);
      const state = m.stateDict();
      for (const [k, t] of Object.entries(state)) {
        if (t.dtype === 'int32') state[k] = torch.full(t.shape, 5, { dtype: 'int32' });
        else if (t.dtype !== 'bool') {
          const r = torch.randn(t.shape, { dtype: t.dtype as 'float32' | 'float64' });
          state[k] = k.endsWith('running_var') || k.endsWith('weight') || k.endsWith('pos_weight') ? r.abs().add(0.5) : r;
        }
      }
      m.loadStateDict(state);
      if (c.train) m.train()(...inputsOf(c.inputs));
      const written = m.stateDict();
      for (const [k, t] of Object.entries(written)) all[`${c.name}/${k}`] = t;
      if (c.eval) {
        const y = m.eval()(...inputsOf(c.inputs));
        outputs[c.name] = (Array.isArray(y) ? (y as Tensor[]) : [y as Tensor]).map((t) => ({ shape: t.shape, dtype: t.dtype, data: Array.from(t.data) }));
      }
    }
    fs.mkdirSync(OUT_DIR, { recursive: true });
    const bytes = serializeSafetensors(all, undefined, { dtypes: int64Keys(all) });
    fs.writeFileSync(path.join(OUT_DIR, 'tsgrad-state-dicts.safetensors'), bytes);
    fs.writeFileSync(path.join(OUT_DIR, 'tsgrad-outputs.json'), JSON.stringify(outputs));
    const back = parseSafetensors(bytes);
    expect(Object.keys(back.tensors).sort()).toEqual(Object.keys(all).sort());
    expect(Object.values(back.dtypes).filter((d) => d === 'I64').length).toBe(Object.values(all).filter((t) => t.dtype === 'int32').length);
  });
});
