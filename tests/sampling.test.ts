import * as torch from '../src/index';
import { Tensor } from '../src/index';

const gen = (seed = 0): torch.Generator => new torch.Generator(seed);
const mean = (xs: ArrayLike<number>): number => Array.from(xs).reduce((a, b) => a + b, 0) / xs.length;
const variance = (xs: ArrayLike<number>): number => {
  const m = mean(xs);
  return Array.from(xs).reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
};
/** |got - want| within `k` standard errors of a mean of n draws with variance v. */
const withinSE = (got: number, want: number, v: number, n: number, k = 5): void => {
  expect(Math.abs(got - want)).toBeLessThanOrEqual(k * Math.sqrt(v / n));
};

describe('randLike, randnLike, randintLike', () => {
  it("take the tensor's shape and dtype, and repeat with a seed", () => {
    const t = torch.zeros(3, 4, { dtype: 'float64' });
    expect(torch.randLike(t).dtype).toBe('float64');
    expect(torch.randnLike(t, { dtype: 'float32' }).dtype).toBe('float32');
    expect(torch.randLike(t, { generator: gen(1) }).toArray()).toEqual(torch.rand(3, 4, { dtype: 'float64', generator: gen(1) }).toArray());
    const r = torch.randintLike(torch.zeros(1000, { dtype: 'int32' }), 3, 7, { generator: gen(2) });
    expect(r.dtype).toBe('int32');
    expect(Math.min(...r.data)).toBe(3);
    expect(Math.max(...r.data)).toBe(6);
    expect(Math.max(...torch.randintLike(torch.zeros(200), 5).data)).toBe(4);
    expect(() => torch.randLike([1] as never)).toThrow('randLike: input must be a Tensor');
  });
});

describe('normal', () => {
  it('two numbers and a size; tensors broadcast; mean + std * z', () => {
    const x = torch.normal(2, 3, [20000], { generator: gen(3) });
    expect(x.shape).toEqual([20000]);
    withinSE(mean(x.data), 2, 9, 20000);
    expect(Math.abs(Math.sqrt(variance(x.data)) - 3)).toBeLessThan(0.1);
    const m = torch.tensor([0, 100], { dtype: 'float64' });
    const s = torch.tensor([[1], [0]], { dtype: 'float64' });
    const y = torch.normal(m, s, { generator: gen(4) });
    expect(y.shape).toEqual([2, 2]);
    expect((y.toArray() as number[][])[1]).toEqual([0, 100]); // std 0: the mean exactly
    const z = torch.normal(torch.full([5000], 1.5, { dtype: 'float32' }), 0.5, { generator: gen(5) });
    expect(z.dtype).toBe('float32');
    withinSE(mean(z.data), 1.5, 0.25, 5000);
    expect(torch.normal(torch.zeros(4), 1, { generator: gen(6) }).toArray()).toEqual(torch.normal(torch.zeros(4), 1, { generator: gen(6) }).toArray());
  });

  it("PyTorch's errors", () => {
    expect(() => torch.normal(0, -1, [2])).toThrow('normal: normal expects std >= 0.0, but found std -1');
    expect(() => torch.normal(torch.zeros(2), torch.tensor([1, -1], { dtype: 'float32' }))).toThrow('normal: normal expects all elements of std >= 0.0');
    expect(() => torch.normal(0, 1)).toThrow('normal: with a number mean and std, give a size');
    expect(() => torch.normal(torch.zeros(2), 1, [3])).toThrow('normal: a size is only taken with a number mean and std');
  });
});

describe('bernoulli', () => {
  it('1 with probability p per element, in the input dtype', () => {
    const p = torch.tensor([0, 1, 0.25], { dtype: 'float64' }).expand(4000, 3).clone();
    const b = torch.bernoulli(p, { generator: gen(7) });
    expect(b.dtype).toBe('float64');
    const cols = [0, 1, 2].map((c) => mean(Array.from({ length: 4000 }, (_, i) => b.data[i * 3 + c])));
    expect(cols[0]).toBe(0);
    expect(cols[1]).toBe(1);
    withinSE(cols[2], 0.25, 0.1875, 4000);
    const q = torch.bernoulli(torch.zeros(5000), 0.7, { generator: gen(8) });
    withinSE(mean(q.data), 0.7, 0.21, 5000);
  });

  it("PyTorch's errors", () => {
    expect(() => torch.bernoulli(torch.tensor([1.5]))).toThrow('bernoulli: Expected p_in >= 0 && p_in <= 1 to be true, but got false');
    expect(() => torch.bernoulli(torch.tensor([1]))).toThrow('bernoulli: input must be a floating point tensor of probabilities, got int32');
    expect(() => torch.bernoulli(torch.zeros(2), 2)).toThrow('bernoulli: p must be in [0, 1], got 2');
  });
});

describe('multinomial', () => {
  it('draws categories in proportion to their weights, with replacement', () => {
    const w = torch.tensor([1, 2, 7], { dtype: 'float64' });
    const s = torch.multinomial(w, 20000, true, { generator: gen(9) });
    expect(s.dtype).toBe('int32');
    expect(s.shape).toEqual([20000]);
    [0.1, 0.2, 0.7].forEach((p, c) => withinSE(mean(Array.from(s.data, (v) => (v === c ? 1 : 0))), p, p * (1 - p), 20000));
  });

  it('without replacement draws each category once; zero weights come last, as in PyTorch', () => {
    const rows = torch.tensor(
      [
        [1, 1, 1, 1],
        [0, 5, 0, 1],
      ],
      { dtype: 'float32' },
    );
    const s = torch.multinomial(rows, 4, false, { generator: gen(10) });
    expect(s.shape).toEqual([2, 4]);
    const [r0, r1] = s.toArray() as number[][];
    expect([...r0].sort()).toEqual([0, 1, 2, 3]);
    expect(new Set(r1.slice(0, 2))).toEqual(new Set([1, 3]));
    expect(r1.slice(2)).toEqual([0, 2]);
    // PyTorch 2.13: torch.multinomial(torch.tensor([1., 0.]), 2) = tensor([0, 1])
    expect(torch.multinomial(torch.tensor([1, 0], { dtype: 'float32' }), 2).toArray()).toEqual([0, 1]);
  });

  it("PyTorch's errors", () => {
    const w = torch.tensor([1, 1], { dtype: 'float32' });
    expect(() => torch.multinomial(w, 3)).toThrow('multinomial: cannot sample n_sample > prob_dist.size(-1) samples without replacement');
    expect(() => torch.multinomial(torch.zeros(2), 1)).toThrow('multinomial: invalid multinomial distribution (sum of probabilities <= 0)');
    expect(() => torch.multinomial(torch.tensor([1, -1], { dtype: 'float32' }), 1)).toThrow(
      'multinomial: probability tensor contains either `inf`, `nan` or element < 0',
    );
    expect(() => torch.multinomial(torch.zeros(1, 1, 1), 1)).toThrow('multinomial: prob_dist must be 1 or 2 dim, got 3-D');
  });
});

describe('poisson', () => {
  it.each([0.5, 3, 9.5, 10, 50, 1000])('rate %d: mean and variance both equal the rate', (lam) => {
    const n = 20000;
    const x = torch.poisson(torch.full([n], lam, { dtype: 'float64' }), { generator: gen(11) });
    expect(x.data.every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
    withinSE(mean(x.data), lam, lam, n);
    expect(Math.abs(variance(x.data) / lam - 1)).toBeLessThan(0.06);
  });

  it('rate 0 gives 0; bad rates are an Error', () => {
    expect(torch.poisson(torch.zeros(3)).toArray()).toEqual([0, 0, 0]);
    expect(() => torch.poisson(torch.tensor([-1], { dtype: 'float32' }))).toThrow('poisson: invalid Poisson rate, expected rate to be non-negative');
    expect(() => torch.poisson(torch.tensor([1]))).toThrow('poisson: rates must be a floating point tensor, got int32');
  });
});

describe('logspace', () => {
  it("PyTorch 2.13's values", () => {
    // torch.logspace(-2, 2, 5, dtype=torch.float64), torch.logspace(0, 3, 4, base=2, dtype=torch.float64), torch.logspace(-1, 1, 7)
    expect(torch.logspace(-2, 2, 5, 10, { dtype: 'float64' }).toArray()).toEqual([0.01, 0.1, 1.0, 10.0, 100.0]);
    expect(torch.logspace(0, 3, 4, 2, { dtype: 'float64' }).toArray()).toEqual([1, 2, 4, 8]);
    const f32: Tensor = torch.logspace(-1, 1, 7);
    expect(f32.dtype).toBe('float32');
    expect(f32.toArray()).toEqual([0.10000000149011612, 0.2154434621334076, 0.46415889263153076, 1.0, 2.1544346809387207, 4.6415886878967285, 10.0]);
  });
});
