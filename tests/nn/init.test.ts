import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../../src/index';
import { type DType, Generator, nn, Tensor } from '../../src/index';
import type { TypedArray } from '../../src/dtype';
import { pyValue } from '../helpers';

// nn.init against real PyTorch (tests/golden/gen_nn_init_utils.py writes nn-init-utils.json): the
// deterministic fills value for value, the bounds and stds of the random ones exactly (PyTorch's
// own calls recorded), and the random fills statistically (tsgrad's generator is not PyTorch's).
const init = nn.init;

type Num = number | 'nan' | 'inf' | '-inf';
interface Stored {
  shape: number[];
  dtype: DType;
  data: Num[];
}
const golden = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'golden', 'nn-init-utils.json'), 'utf8')) as {
  gain: { nonlinearity: nn.init.Nonlinearity; param: number | null; gain: number }[];
  gainErrors: Record<string, string>;
  fans: { shape: number[]; fans: [number, number] }[];
  fanError: string;
  eye: { shape: number[]; dtype: DType; result: Stored }[];
  eyeError: string;
  dirac: { shape: number[]; groups: number; result: Stored }[];
  diracInt: Stored;
  diracErrors: Record<string, string>;
  constant: { dtype: DType; value: Num; result: Stored }[];
  initErrors: Record<string, string>;
  bounds: { fn: string; shape: number[]; options: Record<string, string | number>; draw: 'uniform' | 'normal'; args: [number, number] }[];
  truncNormal: { mean: number; std: number; a: Num; b: Num; p: number; truncMean: number; truncStd: number }[];
  orthogonal: { shape: number[]; gain: number; draws: Stored; result: Stored }[];
};

function values(s: Stored): number[] {
  return s.data.map(pyValue);
}

/** PyTorch's message without its exception class. */
function message(pyError: string): string {
  return pyError.replace(/^\w+Error: /, '');
}

/** A Generator that records the bounds and std the init functions ask it for (and still draws). */
class Recorder extends Generator {
  calls: [string, number, number][] = [];
  override fillUniform(out: TypedArray, low = 0, high = 1): void {
    this.calls.push(['uniform', low, high]);
    super.fillUniform(out, low, high);
  }
  override fillNormal(out: TypedArray, mean = 0, std = 1): void {
    this.calls.push(['normal', mean, std]);
    super.fillNormal(out, mean, std);
  }
}

/** A Generator whose normal fills replay given numbers (PyTorch's draws). */
class Replay extends Generator {
  constructor(private readonly draws: number[]) {
    super();
  }
  override fillNormal(out: TypedArray): void {
    expect(out.length).toBe(this.draws.length);
    out.set(this.draws);
  }
}

function extent(data: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < data.length; i++) [lo, hi] = [Math.min(lo, data[i]), Math.max(hi, data[i])];
  return [lo, hi];
}

function mean(data: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < data.length; i++) s += data[i];
  return s / data.length;
}

function std(data: ArrayLike<number>): number {
  const m = mean(data);
  let s = 0;
  for (let i = 0; i < data.length; i++) s += (data[i] - m) ** 2;
  return Math.sqrt(s / (data.length - 1));
}

/**
 * The sample's mean and std agree with the distribution's within `k` standard errors: the mean's is
 * sigma / sqrt(n), the std's sigma * sqrt((kurtosis - 1) / 4n), which is at most sigma / sqrt(n) for
 * the distributions here (kurtosis <= 3: normal, uniform, truncated normal).
 */
function expectMoments(data: ArrayLike<number>, expectedMean: number, expectedStd: number, k = 5): void {
  const se = expectedStd / Math.sqrt(data.length);
  expect(Math.abs(mean(data) - expectedMean)).toBeLessThan(k * se);
  expect(Math.abs(std(data) - expectedStd)).toBeLessThan(k * se);
}

const fnNames: Record<string, string> = {
  xavier_uniform_: 'xavierUniform_',
  xavier_normal_: 'xavierNormal_',
  kaiming_uniform_: 'kaimingUniform_',
  kaiming_normal_: 'kaimingNormal_',
};

describe('calculateGain and the fans, against PyTorch', () => {
  it.each(golden.gain.map((g) => [`${g.nonlinearity}${g.param === null ? '' : ` ${g.param}`}`, g] as const))('%s', (_, g) => {
    expect(init.calculateGain(g.nonlinearity, g.param ?? undefined)).toBe(g.gain);
  });

  it("leaky_relu's default slope is 0.01 (also for null); other nonlinearities ignore the parameter; PyTorch's errors", () => {
    expect(init.calculateGain('leaky_relu', null)).toBe(init.calculateGain('leaky_relu'));
    expect(init.calculateGain('tanh', 'x' as never)).toBe(5 / 3);
    expect(() => init.calculateGain('gelu' as never)).toThrow(`calculateGain: ${message(golden.gainErrors.gelu)}`);
    expect(() => init.calculateGain('leaky_relu', true as never)).toThrow('calculateGain: negative_slope true not a valid number');
  });

  it.each(golden.fans.map((f) => [JSON.stringify(f.shape), f] as const))('fan in and fan out of %s', (_, f) => {
    expect(init.calculateFanInAndFanOut(torch.zeros(f.shape))).toEqual(f.fans);
  });

  it('fans need 2 dims, in every function that computes them', () => {
    expect(() => init.calculateFanInAndFanOut(torch.zeros([3]))).toThrow(message(golden.fanError));
    for (const f of [init.xavierUniform_, init.xavierNormal_, init.kaimingUniform_, init.kaimingNormal_]) {
      expect(() => f(torch.zeros([3]))).toThrow(`${f.name}: ${message(golden.fanError)} (got shape [3])`);
      expect(() => f(torch.tensor(1.5))).toThrow(message(golden.fanError));
    }
  });
});

describe('the deterministic fills, against PyTorch', () => {
  it.each(golden.eye.map((e) => [`${JSON.stringify(e.shape)} ${e.dtype}`, e] as const))('eye_ %s', (_, e) => {
    const t = torch.full(e.shape, 7, { dtype: e.dtype });
    expect(init.eye_(t)).toBe(t);
    expect(t.dtype).toBe(e.result.dtype);
    expect(Array.from(t.data)).toEqual(values(e.result));
  });

  it.each(golden.dirac.map((d) => [`${JSON.stringify(d.shape)} groups ${d.groups}`, d] as const))('dirac_ %s', (_, d) => {
    const t = torch.full(d.shape, 7, { dtype: 'float32' });
    expect(d.groups === 1 ? init.dirac_(t) : init.dirac_(t, d.groups)).toBe(t);
    expect(Array.from(t.data)).toEqual(values(d.result));
  });

  it('dirac_ and eye_ fill integer tensors too', () => {
    const t = torch.full([2, 2, 3], 7, { dtype: 'int32' });
    init.dirac_(t);
    expect(Array.from(t.data)).toEqual(values(golden.diracInt));
  });

  it("eye_ and dirac_ reject PyTorch's shapes, and dirac_ groups that don't divide dim 0", () => {
    expect(() => init.eye_(torch.zeros([2, 2, 2]))).toThrow(`eye_: ${message(golden.eyeError)}`);
    expect(() => init.dirac_(torch.zeros([2, 2]))).toThrow(message(golden.diracErrors['2d']));
    expect(() => init.dirac_(torch.zeros([1, 1, 1, 1, 1, 1]))).toThrow(message(golden.diracErrors['6d']));
    expect(() => init.dirac_(torch.zeros([3, 2, 3]), 2)).toThrow(message(golden.diracErrors.groups));
    expect(() => init.dirac_(torch.zeros([3, 2, 3]), 0)).toThrow('dirac_: groups must be a whole number >= 1, got 0');
    expect(() => init.dirac_(torch.zeros([2, 2, 0]))).toThrow('dirac_: index 0 is out of bounds for dimension 2 with size 0');
  });

  it.each(golden.constant.map((c) => [`${c.dtype} ${c.value}`, c] as const))('constant_ %s', (_, c) => {
    const t = torch.zeros([2, 2], { dtype: c.dtype });
    expect(init.constant_(t, pyValue(c.value))).toBe(t);
    expect(Array.from(t.data)).toEqual(values(c.result));
  });

  it('ones_ and zeros_', () => {
    const t = torch.full([2, 3], 5, { dtype: 'float64' });
    expect(Array.from(init.ones_(t).data)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(Array.from(init.zeros_(t).data)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(init.ones_(torch.zeros([2], { dtype: 'int32' })).data)).toEqual([1, 1]);
  });
});

describe('xavier and kaiming: the bound or std PyTorch passes to uniform_ / normal_, exactly', () => {
  it.each(golden.bounds.map((b) => [`${b.fn} ${JSON.stringify(b.shape)} ${JSON.stringify(b.options)}`, b] as const))('%s', (_, b) => {
    const generator = new Recorder(0);
    const fn = (init as unknown as Record<string, (t: Tensor, o: object) => Tensor>)[fnNames[b.fn]];
    fn(torch.zeros(b.shape), { ...b.options, generator });
    expect(generator.calls).toEqual([[b.draw, ...b.args]]);
  });

  it("the bounds are PyTorch's documented formulas", () => {
    for (const b of golden.bounds) {
      const [fanIn, fanOut] = init.calculateFanInAndFanOut(torch.zeros(b.shape));
      const gain = b.fn.startsWith('xavier')
        ? ((b.options.gain as number | undefined) ?? 1)
        : init.calculateGain((b.options.nonlinearity as nn.init.Nonlinearity | undefined) ?? 'leaky_relu', (b.options.a as number | undefined) ?? 0);
      const fan = b.options.mode === 'fan_out' ? fanOut : fanIn;
      const expected = {
        xavier_uniform_: gain * Math.sqrt(6 / (fanIn + fanOut)), // bound
        xavier_normal_: gain * Math.sqrt(2 / (fanIn + fanOut)), // std
        kaiming_uniform_: gain * Math.sqrt(3 / fan), // bound
        kaiming_normal_: gain / Math.sqrt(fan), // std
      }[b.fn]!;
      expect(b.args[1]).toBeCloseTo(expected, 14);
    }
  });

  it("mode is PyTorch's 'fan_in' / 'fan_out' in any case, or 'fanIn' / 'fanOut'; anything else is PyTorch's error", () => {
    const draws = (mode: string): [string, number, number][] => {
      const generator = new Recorder(0);
      init.kaimingNormal_(torch.zeros([4, 9]), { mode: mode as never, generator });
      return generator.calls;
    };
    expect(draws('fanIn')).toEqual(draws('fan_in'));
    expect(draws('FAN_OUT')).toEqual(draws('fan_out'));
    expect(draws('fanOut')).toEqual(draws('fan_out'));
    expect(draws('fan_in')).not.toEqual(draws('fan_out'));
    expect(() => init.kaimingUniform_(torch.zeros([2, 2]), { mode: 'fan_avg' as never })).toThrow(
      `kaimingUniform_: ${message(golden.initErrors['kaiming mode'])}`,
    );
  });

  it("kaiming's a: 0 by default (so the default gain is sqrt(2)), null for leaky_relu's 0.01; ignored by relu", () => {
    const std = (options: nn.init.KaimingOptions): number => {
      const generator = new Recorder(0);
      init.kaimingNormal_(torch.zeros([3, 8]), { ...options, generator });
      return generator.calls[0][2];
    };
    expect(std({})).toBe(Math.sqrt(2) / Math.sqrt(8));
    expect(std({ a: null })).toBe(init.calculateGain('leaky_relu', 0.01) / Math.sqrt(8));
    expect(std({ a: 5, nonlinearity: 'relu' })).toBe(std({ nonlinearity: 'relu' }));
  });

  it('Linear initialises through kaimingUniform_ with a = sqrt(5) and its bias through uniform_, bit for bit', () => {
    const layer = new nn.Linear(7, 3, { generator: new Generator(11) });
    const g = new Generator(11);
    const w = init.kaimingUniform_(torch.zeros([3, 7]), { a: Math.sqrt(5), generator: g });
    const b = init.uniform_(torch.zeros([3]), -1 / Math.sqrt(7), 1 / Math.sqrt(7), g);
    expect(Array.from(layer.weight.data)).toEqual(Array.from(w.data));
    expect(Array.from(layer.bias!.data)).toEqual(Array.from(b.data));
  });

  it('a zero-element tensor: kaiming warns as PyTorch does and leaves it; xavier divides by zero only when both fans are 0', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      for (const f of [init.kaimingUniform_, init.kaimingNormal_]) {
        warn.mockClear();
        const t = torch.zeros([0, 3]);
        expect(f(t, { mode: 'no such mode' as never })).toBe(t); // PyTorch returns before looking at the mode
        expect(f(torch.zeros([0]))).toBeInstanceOf(Tensor);
        expect(warn).toHaveBeenCalledWith('Initializing zero-element tensors is a no-op');
      }
      expect(init.xavierUniform_(torch.zeros([0, 3])).shape).toEqual([0, 3]);
      expect(() => init.xavierUniform_(torch.zeros([0, 0]))).toThrow('xavierUniform_: float division by zero');
      expect(() => init.xavierNormal_(torch.zeros([0, 0]))).toThrow(message(golden.initErrors['xavier 0x0']));
      expect(init.orthogonal_(torch.zeros([0, 3])).shape).toEqual([0, 3]);
      expect(init.sparse_(torch.zeros([0, 2]), 0.5).shape).toEqual([0, 2]);
    } finally {
      warn.mockRestore();
    }
  });
});

describe('the random fills, statistically (100k draws, within 5 standard errors)', () => {
  const big = (dtype: DType = 'float64', shape = [200, 500]): Tensor => torch.zeros(shape, { dtype });

  it('uniform_ and normal_', () => {
    const g = new Generator(1);
    expectMoments(init.uniform_(big(), -1, 3, g).data, 1, 4 / Math.sqrt(12));
    expectMoments(init.normal_(big(), 2, 0.5, g).data, 2, 0.5);
    expectMoments(init.normal_(big('float32'), -1, 3, g).data, -1, 3);
  });

  it('xavierUniform_ and xavierNormal_: std gain * sqrt(2 / (fan_in + fan_out))', () => {
    const g = new Generator(2);
    for (const gain of [1, 2.5]) {
      const s = gain * Math.sqrt(2 / (200 + 500));
      const u = init.xavierUniform_(big(), { gain, generator: g });
      expectMoments(u.data, 0, s);
      const [lo, hi] = extent(u.data);
      expect(Math.max(-lo, hi)).toBeLessThanOrEqual(Math.sqrt(3) * s);
      expectMoments(init.xavierNormal_(big(), { gain, generator: g }).data, 0, s);
    }
  });

  it('kaimingUniform_ and kaimingNormal_: std gain / sqrt(fan), each mode and nonlinearity', () => {
    const g = new Generator(3);
    for (const [options, fan] of [
      [{}, 500],
      [{ mode: 'fan_out' }, 200],
      [{ nonlinearity: 'relu' }, 500],
      [{ a: 0.2, mode: 'fan_out', nonlinearity: 'leaky_relu' }, 200],
      [{ nonlinearity: 'tanh' }, 500],
    ] as [nn.init.KaimingOptions, number][]) {
      const s = init.calculateGain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0) / Math.sqrt(fan);
      expectMoments(init.kaimingUniform_(big(), { ...options, generator: g }).data, 0, s);
      expectMoments(init.kaimingNormal_(big(), { ...options, generator: g }).data, 0, s);
    }
    // a 4-D convolution weight: fan_in = in * kh * kw
    const w = init.kaimingNormal_(torch.zeros([32, 50, 4, 4], { dtype: 'float64' }), { nonlinearity: 'relu', generator: g });
    expectMoments(w.data, 0, Math.sqrt(2) / Math.sqrt(50 * 16));
  });

  it.each(golden.truncNormal.map((c) => [`mean ${c.mean} std ${c.std} in [${c.a}, ${c.b}] (P = ${c.p.toPrecision(3)})`, c] as const))(
    'truncNormal_ %s: all inside [a, b], with the truncated normal mean and std',
    (_, c) => {
      const a = pyValue(c.a);
      const b = pyValue(c.b);
      const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
      try {
        for (const dtype of ['float64', 'float32'] as const) {
          const t = init.truncNormal_(dtype === 'float64' ? big() : big(dtype, [100, 200]), { mean: c.mean, std: c.std, a, b, generator: new Generator(4) });
          const [lo, hi] = extent(t.data);
          expect(lo).toBeGreaterThanOrEqual(a);
          expect(hi).toBeLessThanOrEqual(b);
          expectMoments(t.data, c.truncMean, c.truncStd);
        }
        expect(warn.mock.calls.length > 0).toBe(c.mean < a - 2 * c.std || c.mean > b + 2 * c.std);
      } finally {
        warn.mockRestore();
      }
    },
  );

  it("truncNormal_'s defaults are N(0, 1) in [-2, 2], and its arguments are checked", () => {
    const t = init.truncNormal_(big(), { generator: new Generator(5) });
    const [lo, hi] = extent(t.data);
    expect(lo).toBeGreaterThanOrEqual(-2);
    expect(hi).toBeLessThanOrEqual(2);
    expectMoments(t.data, 0, golden.truncNormal[0].truncStd);
    expect(() => init.truncNormal_(big(), { std: 0 })).toThrow('truncNormal_: std must not be 0');
    expect(() => init.truncNormal_(big(), { mean: NaN })).toThrow('truncNormal_: mean must be a finite number, got NaN');
    expect(() => init.truncNormal_(big(), { a: 2, b: -2 })).toThrow('truncNormal_: uniform_ expects to return a [from, to) range, but found from=2 > to=-2');
    expect(() => init.truncNormal_(torch.zeros([2], { dtype: 'int32' }))).toThrow(
      'truncNormal_: only floating point tensors can be filled with random samples, this one is int32',
    );
    expect(() => init.truncNormal_(big(), { std: 1, sd: 2 } as never)).toThrow("truncNormal_: unknown option 'sd'; did you mean 'std'?");
    // a = -Infinity, b = Infinity is the plain normal
    expectMoments(init.truncNormal_(big(), { a: -Infinity, b: Infinity, generator: new Generator(6) }).data, 0, 1);
    // a = b: every value is a
    expect(new Set(init.truncNormal_(torch.zeros([50]), { a: 1, b: 1 }).data)).toEqual(new Set([1]));
  });

  it('sparse_ zeroes exactly ceil(sparsity * rows) entries of each column; the rest are N(0, std^2)', () => {
    const g = new Generator(7);
    for (const [rows, cols, sparsity] of [
      [10, 300, 0.1],
      [10, 300, 0.33],
      [7, 200, 0.5],
      [1000, 200, 0.9],
      [5, 20, 0],
      [5, 20, 1],
      [5, 20, 1.5],
      [6, 20, -0.25], // PyTorch's row_indices[:num_zeros] with num_zeros = -1: all rows but the last
    ]) {
      const t = init.sparse_(torch.zeros([rows, cols], { dtype: 'float64' }), sparsity, { std: 0.5, generator: g });
      const n = Math.ceil(sparsity * rows);
      const expected = n >= 0 ? Math.min(n, rows) : Math.max(rows + n, 0);
      for (let c = 0; c < cols; c++) {
        let zeros = 0;
        for (let r = 0; r < rows; r++) if (t.data[r * cols + c] === 0) zeros++;
        expect(zeros).toBe(expected);
      }
      if (rows === 1000)
        expectMoments(
          Array.from(t.data).filter((v) => v !== 0),
          0,
          0.5,
        );
    }
    expect(std(init.sparse_(torch.zeros([50, 400]), 0.2).data.filter((v) => v !== 0))).toBeCloseTo(0.01, 3); // default std 0.01
    expect(() => init.sparse_(torch.zeros([2, 2, 2]), 0.5)).toThrow(`sparse_: ${message(golden.initErrors['sparse 3d'])}`);
    expect(() => init.sparse_(torch.zeros([2, 2]), NaN)).toThrow('sparse_: cannot convert float NaN to integer');
    expect(() => init.sparse_(torch.zeros([2, 2]), 0.5, { std: -1 })).toThrow('expects std >= 0.0');
  });
});

describe('orthogonal_', () => {
  /** W W^T for a wide W, W^T W for a tall one ([rows, cols] view): gain^2 times the identity. */
  function gram(t: Tensor): { size: number; at: (i: number, j: number) => number } {
    const rows = t.shape[0];
    const cols = t.numel() / rows;
    const d = t.data;
    const wide = rows < cols;
    const size = wide ? rows : cols;
    const at = (i: number, j: number): number => {
      let s = 0;
      if (wide) for (let k = 0; k < cols; k++) s += d[i * cols + k] * d[j * cols + k];
      else for (let k = 0; k < rows; k++) s += d[k * cols + i] * d[k * cols + j];
      return s;
    };
    return { size, at };
  }

  function maxDeviation(t: Tensor, gain = 1): number {
    const { size, at } = gram(t);
    let worst = 0;
    for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) worst = Math.max(worst, Math.abs(at(i, j) - (i === j ? gain * gain : 0)));
    return worst;
  }

  it.each([
    ['tall', [60, 25]],
    ['wide', [25, 60]],
    ['square', [40, 40]],
    ['4-D wide', [8, 3, 2, 2]],
    ['4-D tall', [30, 2, 2, 2]],
    ['a row', [1, 9]],
    ['a column', [9, 1]],
  ])('%s %j: Q^T Q = I to 1e-12 in float64', (_, shape) => {
    const t = init.orthogonal_(torch.zeros(shape as number[], { dtype: 'float64' }), { generator: new Generator(8) });
    expect(maxDeviation(t)).toBeLessThan(1e-12);
  });

  it('gain scales it; float32 is orthogonal to float32 precision', () => {
    expect(maxDeviation(init.orthogonal_(torch.zeros([20, 30], { dtype: 'float64' }), { gain: 3, generator: new Generator(9) }), 3)).toBeLessThan(1e-11);
    expect(maxDeviation(init.orthogonal_(torch.zeros([30, 20]), { generator: new Generator(9) }))).toBeLessThan(1e-5);
  });

  it.each(golden.orthogonal.map((o) => [`${JSON.stringify(o.shape)} gain ${o.gain}`, o] as const))(
    "%s: from PyTorch's normal draws, PyTorch's matrix (its QR sign correction and transposition)",
    (_, o) => {
      const t = init.orthogonal_(torch.zeros(o.shape, { dtype: 'float64' }), { gain: o.gain, generator: new Replay(values(o.draws)) });
      const expected = values(o.result);
      Array.from(t.data).forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThan(1e-12));
    },
  );

  it('is uniform over the orthogonal matrices (Haar): no sign bias in any entry', () => {
    // without the sign correction, Householder QR gives Q[0][0] < 0 whenever the first draw is > 0
    const g = new Generator(10);
    let positive = 0;
    for (let i = 0; i < 400; i++) if (init.orthogonal_(torch.zeros([3, 3], { dtype: 'float64' }), { generator: g }).data[0] > 0) positive++;
    expect(Math.abs(positive - 200)).toBeLessThan(5 * 10); // binomial(400, 1/2): sd 10
  });

  it("PyTorch's errors", () => {
    expect(() => init.orthogonal_(torch.zeros([3]))).toThrow(`orthogonal_: ${message(golden.initErrors['orthogonal 1d'])}`);
    expect(() => init.orthogonal_(torch.zeros([3, 3], { dtype: 'int32' }))).toThrow(
      'orthogonal_: only floating point tensors can be filled with random samples',
    );
  });
});

describe('every init function: in place, under no-grad, reproducible', () => {
  const calls: [string, (t: Tensor, g: Generator) => Tensor][] = [
    ['uniform_', (t, g) => init.uniform_(t, -1, 1, g)],
    ['normal_', (t, g) => init.normal_(t, 0, 1, g)],
    ['truncNormal_', (t, g) => init.truncNormal_(t, { generator: g })],
    ['truncNormal_ (uniform proposals)', (t, g) => init.truncNormal_(t, { a: 1, b: 2, generator: g })],
    ['xavierUniform_', (t, g) => init.xavierUniform_(t, { generator: g })],
    ['xavierNormal_', (t, g) => init.xavierNormal_(t, { generator: g })],
    ['kaimingUniform_', (t, g) => init.kaimingUniform_(t, { generator: g })],
    ['kaimingNormal_', (t, g) => init.kaimingNormal_(t, { generator: g })],
    ['orthogonal_', (t, g) => init.orthogonal_(t, { generator: g })],
    ['sparse_', (t, g) => init.sparse_(t, 0.5, { generator: g })],
    ['constant_', (t) => init.constant_(t, 0.5)],
    ['ones_', (t) => init.ones_(t)],
    ['zeros_', (t) => init.zeros_(t)],
    ['eye_', (t) => init.eye_(t)],
  ];

  it.each(calls)('%s: same storage, still a leaf that requires grad, no gradFn, version bumped', (_, fill) => {
    const p = new nn.Parameter(torch.full([6, 4], 9, { dtype: 'float32' }));
    const data = p.data;
    const version = p._version.value;
    expect(torch.isGradEnabled()).toBe(true);
    expect(fill(p, new Generator(1))).toBe(p);
    expect(p.data).toBe(data);
    expect(Array.from(p.data)).not.toEqual(new Array(24).fill(9));
    expect(p.isLeaf).toBe(true);
    expect(p.gradFn).toBeNull();
    expect(p.requiresGrad).toBe(true);
    expect(p._version.value).toBeGreaterThan(version);
    expect(torch.isGradEnabled()).toBe(true);
    // the parameter still trains
    p.sum().backward();
    expect(Array.from(p.grad!.data)).toEqual(new Array(24).fill(1));
  });

  it('dirac_ too', () => {
    const p = new nn.Parameter(torch.zeros([4, 4, 3, 3]));
    expect(init.dirac_(p, 2)).toBe(p);
    expect(p.isLeaf && p.gradFn === null && p.requiresGrad).toBe(true);
  });

  it.each(calls.slice(0, 10))('%s: the same seed gives the same numbers, another seed others', (_, fill) => {
    const run = (seed: number): number[] => Array.from(fill(torch.zeros([6, 4], { dtype: 'float64' }), new Generator(seed)).data);
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
  });

  it('the default generator is the default', () => {
    torch.manualSeed(3);
    const a = Array.from(init.orthogonal_(torch.zeros([4, 4])).data);
    const b = Array.from(init.xavierNormal_(torch.zeros([4, 4])).data);
    const c = Array.from(init.sparse_(torch.zeros([4, 4]), 0.5).data);
    torch.manualSeed(3);
    expect(Array.from(init.orthogonal_(torch.zeros([4, 4]), { generator: torch.defaultGenerator }).data)).toEqual(a);
    expect(Array.from(init.xavierNormal_(torch.zeros([4, 4]), { generator: torch.defaultGenerator }).data)).toEqual(b);
    expect(Array.from(init.sparse_(torch.zeros([4, 4]), 0.5, { generator: torch.defaultGenerator }).data)).toEqual(c);
  });

  it('options are checked: unknown keys, a generator that is not one', () => {
    expect(() => init.xavierUniform_(torch.zeros([2, 2]), { gian: 2 } as never)).toThrow("xavierUniform_: unknown option 'gian'; did you mean 'gain'?");
    expect(() => init.orthogonal_(torch.zeros([2, 2]), { generator: 5 as never })).toThrow('orthogonal_: generator must be a Generator');
    expect(() => init.kaimingNormal_(torch.zeros([2, 2]), { nonlinearity: 'gelu' as never })).toThrow('calculateGain: Unsupported nonlinearity gelu');
    expect(() => init.normal_(torch.zeros([2], { dtype: 'int32' }))).toThrow('normal_: only floating point tensors can be filled with random samples');
  });
});
