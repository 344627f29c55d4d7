import * as fs from 'fs';
import * as path from 'path';
import { formatExp, formatFixed, formatTensor, getPrintOptions, setPrintOptions, type PrintableTensor, type SetPrintOptions } from '../src/format';
import type { DType } from '../src/dtype';
import { pyValue, typedArray } from './helpers';

// Golden data from real PyTorch (see tests/golden/gen_format_cases.py); no Python needed here.
interface GoldenCase {
  name: string;
  data: (string | number)[];
  shape: number[];
  dtype: DType;
  requiresGrad: boolean;
  gradFn: string | null;
  defaultDtype: 'float32' | 'float64';
  options: SetPrintOptions;
  repr: string;
}
interface GoldenNumber {
  x: string;
  f: Record<string, string>;
  e: Record<string, string>;
}
const golden = JSON.parse(fs.readFileSync(path.join(__dirname, 'golden', 'format-cases.json'), 'utf8')) as { cases: GoldenCase[]; numbers: GoldenNumber[] };

function tensor(values: number[], shape: number[], dtype: DType = 'float32', extra: { requiresGrad?: boolean; gradFn?: string } = {}): PrintableTensor {
  return {
    data: typedArray(dtype, values),
    shape,
    dtype,
    requiresGrad: extra.requiresGrad ?? extra.gradFn !== undefined,
    gradFn: extra.gradFn !== undefined ? { name: extra.gradFn } : null,
  };
}

afterEach(() => setPrintOptions({ profile: 'default' }));

describe('golden cases from PyTorch', () => {
  test('there are enough of them', () => {
    expect(golden.cases.length).toBeGreaterThanOrEqual(40);
  });

  test.each(golden.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const values = c.data.map(pyValue);
    const t: PrintableTensor = {
      data: typedArray(c.dtype, values),
      shape: c.shape,
      dtype: c.dtype,
      requiresGrad: c.requiresGrad,
      gradFn: c.gradFn === null ? null : { name: c.gradFn },
    };
    // float32 values must have survived the trip exactly
    if (c.dtype === 'float32') {
      values.forEach((v, i) => expect(Object.is(t.data[i], v)).toBe(true));
    }
    setPrintOptions({ profile: 'default', ...c.options });
    expect(formatTensor(t, c.defaultDtype)).toBe(c.repr);
  });
});

describe("Python's format() for numbers", () => {
  const rows: [string, string, number, string][] = [];
  for (const n of golden.numbers) {
    for (const [d, s] of Object.entries(n.f)) rows.push([n.x, 'f', Number(d), s]);
    for (const [d, s] of Object.entries(n.e)) rows.push([n.x, 'e', Number(d), s]);
  }

  test('golden numbers all match', () => {
    const bad: string[] = [];
    for (const [x, kind, d, want] of rows) {
      const got = kind === 'f' ? formatFixed(pyValue(x), d) : formatExp(pyValue(x), d);
      if (got !== want) bad.push(`format(${x}, '.${d}${kind}'): want ${want}, got ${got}`);
    }
    expect(bad).toEqual([]);
    expect(rows.length).toBeGreaterThan(1000);
  });

  test('ties round half to even on the exact binary value', () => {
    expect(formatFixed(0.03125, 4)).toBe('0.0312');
    expect((0.03125).toFixed(4)).toBe('0.0313'); // what JavaScript would have said
    expect(formatFixed(2.5, 0)).toBe('2');
    expect(formatFixed(3.5, 0)).toBe('4');
    expect(formatFixed(-0.5, 0)).toBe('-0');
    expect(formatFixed(0.125, 2)).toBe('0.12');
    expect(formatFixed(1.005, 2)).toBe('1.00'); // 1.005 is really 1.00499999999999989...
    expect(formatExp(12500, 1)).toBe('1.2e+04');
    expect(formatExp(13500, 1)).toBe('1.4e+04');
  });

  test('signs, zeros, specials and exponents', () => {
    expect(formatFixed(-0, 4)).toBe('-0.0000');
    expect(formatFixed(-0.00001, 4)).toBe('-0.0000');
    expect(formatFixed(NaN, 4)).toBe('nan');
    expect(formatFixed(Infinity, 4)).toBe('inf');
    expect(formatFixed(-Infinity, 0)).toBe('-inf');
    expect(formatExp(0, 4)).toBe('0.0000e+00');
    expect(formatExp(-0, 4)).toBe('-0.0000e+00');
    expect(formatExp(1e-5, 4)).toBe('1.0000e-05');
    expect(formatExp(12345678901, 4)).toBe('1.2346e+10');
    expect(formatExp(9.99995e-5, 4)).toBe('9.9999e-05'); // just below the tie in binary
    expect(formatExp(9.99995, 4)).toBe('1.0000e+01'); // rounding carries into the exponent
    expect(formatExp(1e300, 2)).toBe('1.00e+300');
    expect(formatExp(5e-324, 4)).toBe('4.9407e-324');
    expect(formatExp(7, 0)).toBe('7e+00');
    expect(formatFixed(1e21, 1)).toBe('1000000000000000000000.0'); // toFixed would switch to 1e+21
    expect(formatFixed(123.456, 0)).toBe('123');
  });
});

describe('formatTensor', () => {
  test('tutorial examples', () => {
    expect(formatTensor(tensor([0.659, 0.2424, 0.0986], [3]), 'float32')).toBe('tensor([0.6590, 0.2424, 0.0986])');
    expect(formatTensor(tensor([2, 0, 1], [3], 'int32'), 'float32')).toBe('tensor([2, 0, 1])');
    expect(formatTensor(tensor([0.3846], [], 'float32', { gradFn: 'NllLossBackward0' }), 'float32')).toBe('tensor(0.3846, grad_fn=<NllLossBackward0>)');
    expect(formatTensor(tensor([1, 2], [2], 'float32', { requiresGrad: true }), 'float32')).toBe('tensor([1., 2.], requires_grad=True)');
    expect(formatTensor(tensor([0.1, 0.2, 3.9, 1.2, -0.1, 0.3], [2, 3]), 'float32')).toBe(
      'tensor([[ 0.1000,  0.2000,  3.9000],\n        [ 1.2000, -0.1000,  0.3000]])',
    );
  });

  test('grad_fn wins over requires_grad', () => {
    const t = tensor([1.5], [1], 'float32', { requiresGrad: true, gradFn: 'AddBackward0' });
    expect(formatTensor(t, 'float32')).toBe('tensor([1.5000], grad_fn=<AddBackward0>)');
  });

  test('dtype suffix follows the default dtype', () => {
    const t64 = tensor([0.5], [1], 'float64');
    const t32 = tensor([0.5], [1], 'float32');
    expect(formatTensor(t64, 'float32')).toBe('tensor([0.5000], dtype=torch.float64)');
    expect(formatTensor(t64, 'float64')).toBe('tensor([0.5000])');
    expect(formatTensor(t32, 'float64')).toBe('tensor([0.5000], dtype=torch.float32)');
    expect(formatTensor(tensor([1, 0], [2], 'bool'), 'float64')).toBe('tensor([ True, False])');
    expect(formatTensor(tensor([], [0], 'int32'), 'float32')).toBe('tensor([], dtype=torch.int32)');
    expect(formatTensor(tensor([], [0, 3]), 'float32')).toBe('tensor([], size=(0, 3))');
  });

  test('setPrintOptions mirrors torch.set_printoptions', () => {
    setPrintOptions({ precision: 2, sciMode: true });
    expect(getPrintOptions()).toMatchObject({ precision: 2, sciMode: true });
    setPrintOptions({ linewidth: 100 }); // like PyTorch, sciMode goes back to automatic
    expect(getPrintOptions()).toEqual({ precision: 2, threshold: 1000, edgeitems: 3, linewidth: 100, sciMode: null });
    setPrintOptions({ profile: 'full' });
    expect(getPrintOptions().threshold).toBe(Infinity);
    setPrintOptions({ profile: 'default' });
    expect(getPrintOptions()).toEqual({ precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80, sciMode: null });
    expect(() => setPrintOptions({ precision: -1 })).toThrow(/precision/);
  });

  test('rejects data shorter than the shape', () => {
    expect(() => formatTensor(tensor([1, 2], [3]), 'float32')).toThrow(/needs 3/);
  });

  test('a large tensor is summarised from its edges', () => {
    const n = 1_000_000;
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) values[i] = Math.sin(i);
    const t: PrintableTensor = { data: values, shape: [1000, 1000], dtype: 'float32', requiresGrad: false, gradFn: null };
    const s = formatTensor(t, 'float32');
    expect(s.split('\n')).toHaveLength(7);
    expect(s.startsWith('tensor([[ 0.0000,  0.8415,  0.9093,  ..., ')).toBe(true);
  });
});

describe('setPrintOptions checks its options, and a call that fails changes nothing', () => {
  afterEach(() => setPrintOptions({ profile: 'default' }));
  it('unknown keys name the right spelling', () => {
    expect(() => setPrintOptions({ sci_mode: false } as never)).toThrow("setPrintOptions: unknown option 'sci_mode'; did you mean 'sciMode'?");
    expect(() => setPrintOptions(5 as never)).toThrow('setPrintOptions: options must be an object like { precision: ... }, got 5');
    expect(() => setPrintOptions({ sciMode: 'yes' } as never)).toThrow('setPrintOptions: sciMode must be true, false or null, got yes');
  });
  it('a bad option after a good profile leaves the options as they were', () => {
    const before = getPrintOptions();
    expect(() => setPrintOptions({ profile: 'short', precision: -1 })).toThrow('setPrintOptions: precision must be a non-negative integer, got -1');
    expect(() => setPrintOptions({ profile: 'full', linewidth: 1.5, sciMode: true })).toThrow(/linewidth must be a non-negative integer/);
    expect(getPrintOptions()).toEqual(before);
  });
});
