/**
 * Dropout layers and their functional forms (src/nn/dropout.ts, src/nn/functional/dropout.ts). The
 * masks cannot match PyTorch's (its random streams are not tsgrad's), so the values are tested by
 * their statistics and exact scaling; reprs, grad_fn names, errors and warnings are PyTorch 2.13's.
 */
import * as torch from '../../src/index';
import { Generator, Tensor, nn } from '../../src/index';
import { AlphaDropout, Dropout, Dropout1d, Dropout2d, Dropout3d, FeatureAlphaDropout } from '../../src/nn/dropout';
import * as F from '../../src/nn/functional/dropout';
import { f64, values } from '../helpers';

const { gradcheck, gradgradcheck } = torch.autograd;

/** A float64 tensor of `shape` filled with 1..n (no zeros, so a zero in the output was dropped). */
function counting(shape: number[], dtype: 'float32' | 'float64' = 'float64', requiresGrad = false): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return torch
    .arange(1, n + 1, 1, { dtype })
    .reshape(shape)
    .requiresGrad_(requiresGrad);
}

/** The fraction of zero elements. */
const zeroFraction = (t: Tensor): number => values(t).filter((v) => v === 0).length / t.numel();

/** SELU (PyTorch's constants) applied to standard normal draws: zero mean, unit variance. */
function seluSamples(n: number, seed: number): Tensor {
  const g = new Generator(seed);
  const alpha = 1.6732632423543772;
  const scale = 1.0507009873554805;
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const z = g.normal();
    data[i] = scale * (z > 0 ? z : alpha * Math.expm1(z));
  }
  return torch.tensor(data, { dtype: 'float64' });
}

function meanStd(t: Tensor): [number, number] {
  const v = values(t);
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1);
  return [mean, Math.sqrt(variance)];
}

describe('reprs (print(nn.Dropout()) ... in PyTorch 2.13)', () => {
  test('p and inplace', () => {
    expect(String(new Dropout())).toBe('Dropout(p=0.5, inplace=False)');
    expect(String(new Dropout1d(0.2))).toBe('Dropout1d(p=0.2, inplace=False)');
    expect(String(new Dropout2d(0.3, true))).toBe('Dropout2d(p=0.3, inplace=True)');
    expect(String(new Dropout3d(0.25))).toBe('Dropout3d(p=0.25, inplace=False)');
    expect(String(new AlphaDropout(0.1))).toBe('AlphaDropout(p=0.1, inplace=False)');
    expect(String(new AlphaDropout(0.5, true))).toBe('AlphaDropout(p=0.5, inplace=True)');
    expect(String(new FeatureAlphaDropout(0.2))).toBe('FeatureAlphaDropout(p=0.2, inplace=False)');
    // p is a float in PyTorch: nn.Dropout(0.0) and nn.Dropout(1.0) print p=0.0 and p=1.0
    expect(String(new Dropout(0))).toBe('Dropout(p=0.0, inplace=False)');
    expect(String(new Dropout(1))).toBe('Dropout(p=1.0, inplace=False)');
    expect(String(new Dropout(1e-5))).toBe('Dropout(p=1e-05, inplace=False)');
    expect(new Dropout(0.1).extraRepr()).toBe('p=0.1, inplace=False');
  });

  test('inside a Sequential', () => {
    const model = new nn.Sequential(new nn.Linear(4, 3), new Dropout(0.2));
    expect(String(model)).toBe(
      ['Sequential(', '  (0): Linear(in_features=4, out_features=3, bias=True)', '  (1): Dropout(p=0.2, inplace=False)', ')'].join('\n'),
    );
  });
});

describe('errors', () => {
  test("p outside [0, 1]: PyTorch's message, from every module and function", () => {
    const x = torch.randn(4, 5);
    for (const make of [(p: number) => new Dropout(p), (p: number) => new Dropout2d(p), (p: number) => new AlphaDropout(p)]) {
      expect(() => make(1.5)).toThrow('dropout probability has to be between 0 and 1, but got 1.5');
      expect(() => make(-0.1)).toThrow('dropout probability has to be between 0 and 1, but got -0.1');
      expect(() => make(2)).toThrow('dropout probability has to be between 0 and 1, but got 2.0');
      expect(() => make(NaN)).toThrow('dropout probability has to be between 0 and 1, but got nan');
    }
    for (const fn of [F.dropout, F.dropout1d, F.dropout2d, F.dropout3d, F.alphaDropout, F.featureAlphaDropout]) {
      expect(() => fn(x, 1.5)).toThrow('dropout probability has to be between 0 and 1, but got 1.5');
    }
    expect(() => F.dropout(x, 1.5)).toThrow(/^dropout: /);
    expect(() => new Dropout(1.5)).toThrow(/^Dropout: /);
    expect(() => new Dropout('0.5' as unknown as number)).toThrow('Dropout: p must be a number in [0, 1], got string "0.5"');
  });

  test('arguments and options are checked', () => {
    const x = torch.randn(3);
    expect(() => F.dropout(x, 0.5, 1 as unknown as boolean)).toThrow('dropout: training must be true or false, got 1');
    expect(() => F.dropout(x, 0.5, true, 'no' as unknown as boolean)).toThrow('dropout: inplace must be true or false, got string "no"');
    expect(() => new Dropout(0.5, 0 as unknown as boolean)).toThrow('Dropout: inplace must be true or false, got 0');
    expect(() => F.dropout([1, 2] as unknown as Tensor)).toThrow('dropout: input must be a Tensor, got an array of 2');
    expect(() => F.dropout(x, 0.5, true, false, { seed: 1 } as never)).toThrow("dropout: unknown option 'seed'");
    expect(() => new Dropout(0.5, false, { generator: 3 as unknown as Generator })).toThrow('Dropout: generator must be a Generator');
  });

  test('dropout1d: only 2-D and 3-D inputs, in eval mode too', () => {
    const msg = (d: number): string =>
      `dropout1d: Expected 2D or 3D input, but received a ${d}D input. Note that dropout1d exists to provide channel-wise dropout on ` +
      'inputs with 1 spatial dimension, a channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).';
    expect(() => F.dropout1d(torch.randn(5))).toThrow(msg(1));
    expect(() => F.dropout1d(torch.randn(2, 3, 4, 5))).toThrow(msg(4));
    expect(() => F.dropout1d(torch.randn(2, 3, 4, 5), 0.5, false)).toThrow(msg(4));
    expect(() => new Dropout1d().eval()(torch.randn(5))).toThrow(msg(1));
  });

  test('feature dropout needs 2 dims (in training, 0 < p < 1), as PyTorch', () => {
    const spy = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      expect(() => F.dropout2d(torch.randn(5), 0.5)).toThrow('dropout2d: Feature dropout requires at least 2 dimensions in the input');
      expect(() => F.featureAlphaDropout(torch.randn(5), 0.5, true)).toThrow('Feature dropout requires at least 2 dimensions in the input');
      const x = torch.randn(5);
      expect(F.dropout2d(x, 0.5, false)).toBe(x);
      expect(values(F.dropout2d(x, 1)).every((v) => v === 0)).toBe(true);
    } finally {
      spy.mockRestore();
    }
  });

  test('integer inputs: eval and p = 0 pass them through, p = 1 gives integer zeros, otherwise an Error', () => {
    const x = torch.tensor([1, 2, 3], { dtype: 'int32' });
    expect(F.dropout(x, 0.5, false)).toBe(x);
    expect(F.dropout(x, 0)).toBe(x);
    const zeros = F.dropout(x, 1);
    expect(zeros.dtype).toBe('int32');
    expect(values(zeros)).toEqual([0, 0, 0]);
    expect(() => F.dropout(x, 0.5)).toThrow('dropout: input must be floating point, got int32');
  });

  test('in place on a leaf that requires grad is an Error (PyTorch: a leaf Variable ... in-place operation)', () => {
    const w = torch.randn([3], { requiresGrad: true });
    expect(() => F.dropout(w, 0.5, true, true)).toThrow('dropout: a leaf tensor that requires grad is being used in an in-place operation');
    expect(() => new Dropout(0.5, true)(w)).toThrow('in-place operation');
    // nothing was written
    expect(w.gradFn).toBeNull();
  });
});

describe('warnings (dropout2d and dropout3d of other ranks), once per message as Python shows them', () => {
  test('dropout2d: 2-D, 3-D and 5-D inputs', () => {
    const spy = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      F.dropout2d(torch.randn(2, 5), 0.5);
      expect(spy).toHaveBeenLastCalledWith(
        'dropout2d: Received a 2-D input to dropout2d, which is deprecated and will result in an error in a future release. To retain ' +
          'the behavior and silence this warning, please use dropout instead. Note that dropout2d exists to provide channel-wise dropout ' +
          'on inputs with 2 spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 3D or 4D inputs).',
      );
      const y = F.dropout2d(torch.ones(2, 3, 40), 0.5);
      expect(spy).toHaveBeenLastCalledWith(
        'dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior is desired - input is ' +
          'interpreted as shape (N, C, L), where C is the channel dim. This behavior will change in a future release to interpret the ' +
          'input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please ' +
          'switch to using dropout1d instead.',
      );
      // (N, C, L): one value per (sample, channel)
      for (let r = 0; r < 6; r++) expect(new Set(values(y).slice(r * 40, r * 40 + 40)).size).toBe(1);
      F.dropout2d(torch.randn(2, 3, 2, 2, 2), 0.5);
      expect(spy).toHaveBeenLastCalledWith(expect.stringContaining('dropout2d: Received a 5-D input to dropout2d, which is deprecated'));
      F.dropout3d(torch.randn(2, 3), 0.5);
      expect(spy).toHaveBeenLastCalledWith(expect.stringContaining('dropout3d: Received a 2-D input to dropout3d, which is deprecated'));
      const calls = spy.mock.calls.length;
      F.dropout2d(torch.randn(2, 5), 0.5);
      F.dropout2d(torch.randn(2, 5), 0.5, false);
      expect(spy.mock.calls.length).toBe(calls);
      F.dropout2d(torch.randn(2, 3, 4, 4), 0.5);
      F.dropout3d(torch.randn(2, 3, 4, 4, 4), 0.5);
      expect(spy.mock.calls.length).toBe(calls);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('eval mode, training false and p = 0: the input itself', () => {
  test('modules in eval() return the same tensor object', () => {
    const x = torch.randn([2, 3, 4, 4], { requiresGrad: true });
    for (const m of [new Dropout(), new Dropout2d(), new AlphaDropout(), new FeatureAlphaDropout(), new Dropout(0.5, true)]) {
      m.eval();
      expect(m.training).toBe(false);
      expect(m(x)).toBe(x);
    }
    const x3 = torch.randn(2, 3, 4);
    expect(new Dropout1d().eval()(x3)).toBe(x3);
    const x5 = torch.randn(2, 3, 2, 2, 2);
    expect(new Dropout3d().eval()(x5)).toBe(x5);
    // an unbatched input to Dropout3d goes through a batch of one, as in PyTorch
    const y4 = new Dropout3d().eval()(x);
    expect(y4).not.toBe(x);
    expect(values(y4)).toEqual(values(x));
  });

  test('functional forms with training false, and p = 0 in training', () => {
    const x = torch.randn(4, 5);
    expect(F.dropout(x, 0.5, false)).toBe(x);
    expect(F.dropout(x, 0)).toBe(x);
    expect(F.dropout2d(torch.randn(2, 3, 4, 4), 0)).toBeInstanceOf(Tensor);
    expect(F.alphaDropout(x, 0.5)).toBe(x); // training defaults to false for alpha dropout, as in PyTorch
    expect(F.alphaDropout(x, 0, true)).toBe(x);
    expect(F.featureAlphaDropout(x, 0.5)).toBe(x);
    const empty = torch.zeros(0, 3);
    expect(F.dropout(empty, 0.5)).toBe(empty);
  });

  test('dropout1d of an unbatched input is a squeeze of a batch of one, even in eval (SqueezeBackward1, as PyTorch)', () => {
    const x = torch.randn([3, 4], { dtype: 'float64', requiresGrad: true });
    const y = F.dropout1d(x, 0.5, false);
    expect(y).not.toBe(x);
    expect(y.shape).toEqual([3, 4]);
    expect(values(y)).toEqual(values(x));
    expect(y.gradFn?.name).toBe('SqueezeBackward1');
    expect(F.dropout1d(x, 0.5).gradFn?.name).toBe('SqueezeBackward1');
    const batched = torch.randn(2, 3, 4);
    expect(F.dropout1d(batched, 0.5, false)).toBe(batched);
  });

  test('train() and eval() switch a model with dropout inside', () => {
    const model = new nn.Sequential(new nn.Linear(6, 6), new Dropout(0.5));
    const x = torch.randn(8, 6);
    model.eval();
    const a = model(x);
    expect(values(model(x))).toEqual(values(a));
    model.train();
    expect((model.at(1) as Dropout).training).toBe(true);
    expect(values(model(x))).not.toEqual(values(a));
  });
});

describe('training mode: the mask and its scale', () => {
  test('dropout zeroes about p of the elements and scales the rest by exactly 1/(1-p) (float64)', () => {
    const n = 200000;
    const x = counting([n]);
    for (const p of [0.1, 0.3, 0.5, 0.8]) {
      const y = F.dropout(x, p, true, false, { generator: new Generator(p * 100) });
      // the zero count is binomial(n, p): its standard deviation is at most 0.0012 here
      expect(Math.abs(zeroFraction(y) - p)).toBeLessThan(0.006);
      const scale = 1 / (1 - p);
      const ys = values(y);
      const wrong = values(x).filter((v, i) => ys[i] !== 0 && ys[i] !== v * scale);
      expect(wrong).toEqual([]);
    }
  });

  test('the mean of the input is preserved (ones in, mean ~1 out)', () => {
    const y = F.dropout(torch.ones([100000], { dtype: 'float64' }), 0.4, true, false, { generator: new Generator(5) });
    const [mean] = meanStd(y);
    // the std of the mean is sqrt(p / (1 - p) / n) = 0.0026
    expect(Math.abs(mean - 1)).toBeLessThan(0.013);
  });

  test('float32: the scale rounded to float32 (1/fround(1-p)), products rounded as PyTorch rounds them', () => {
    const x = torch.randn([5000], { generator: new Generator(3) });
    const p = 0.3;
    const y = F.dropout(x, p, true, false, { generator: new Generator(1) });
    expect(y.dtype).toBe('float32');
    const scale = Math.fround(1 / Math.fround(1 - p));
    const ys = values(y);
    let kept = 0;
    values(x).forEach((v, i) => {
      if (ys[i] !== 0) {
        kept++;
        expect(ys[i]).toBe(Math.fround(v * scale));
      }
    });
    expect(kept).toBeGreaterThan(3200);
    expect(kept).toBeLessThan(3800);
  });

  test('p = 1 gives zeros by multiplying with zero (MulBackward0; NaN stays NaN, as in PyTorch)', () => {
    const x = f64([1, -2, NaN, Infinity], true);
    const y = F.dropout(x, 1);
    expect(y.gradFn?.name).toBe('MulBackward0');
    expect(values(y)).toEqual([0, -0, NaN, NaN]);
    y.sum().backward();
    expect(values(x.grad!)).toEqual([0, 0, 0, 0]);
    expect(values(new Dropout(1)(torch.ones(3)))).toEqual([0, 0, 0]);
    expect(values(F.dropout2d(torch.ones(1, 2, 2, 2), 1))).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });

  test("grad_fn names: MulBackward0 for dropout and the channel forms, AddBackward0 for alpha dropout (PyTorch 2.13's)", () => {
    const x = torch.randn([2, 3, 4, 4], { requiresGrad: true });
    expect(F.dropout(x, 0.5).gradFn?.name).toBe('MulBackward0');
    expect(F.dropout2d(x, 0.5).gradFn?.name).toBe('MulBackward0');
    expect(F.dropout1d(torch.randn([2, 3, 4], { requiresGrad: true }), 0.5).gradFn?.name).toBe('MulBackward0');
    expect(F.dropout3d(torch.randn([2, 3, 2, 2, 2], { requiresGrad: true }), 0.5).gradFn?.name).toBe('MulBackward0');
    expect(F.dropout3d(torch.randn([3, 2, 2, 2], { requiresGrad: true }), 0.5).gradFn?.name).toBe('SqueezeBackward1');
    expect(F.alphaDropout(x, 0.5, true).gradFn?.name).toBe('AddBackward0');
    expect(F.featureAlphaDropout(x, 0.5, true).gradFn?.name).toBe('AddBackward0');
    expect(F.alphaDropout(x, 1, true).gradFn?.name).toBe('MulBackward0');
    expect(new Dropout()(x).gradFn?.name).toBe('MulBackward0');
  });

  test('dropout keeps the dtype', () => {
    expect(F.dropout(torch.randn([4], { dtype: 'float64' }), 0.5).dtype).toBe('float64');
    expect(F.dropout(torch.randn([4]), 0.5).dtype).toBe('float32');
  });
});

describe('channel masks', () => {
  test('dropout2d: each (sample, channel) map is all dropped or all kept and scaled; about p of them dropped', () => {
    const [N, C, H, W] = [50, 40, 3, 4];
    const x = counting([N, C, H, W]);
    const p = 0.3;
    const y = F.dropout2d(x, p, true, false, { generator: new Generator(11) });
    const xs = values(x);
    const ys = values(y);
    let dropped = 0;
    for (let m = 0; m < N * C; m++) {
      const slice = ys.slice(m * H * W, (m + 1) * H * W);
      if (slice.every((v) => v === 0)) dropped++;
      else slice.forEach((v, i) => expect(v).toBe(xs[m * H * W + i] * (1 / (1 - p))));
    }
    // 2000 channels: the std of the dropped fraction is 0.01
    expect(Math.abs(dropped / (N * C) - p)).toBeLessThan(0.05);
  });

  test('dropout1d: one value per (sample, channel) of (N, C, L) and of unbatched (C, L)', () => {
    const y = F.dropout1d(torch.ones([20, 30, 7], { dtype: 'float64' }), 0.5, true, false, { generator: new Generator(2) });
    const ys = values(y);
    for (let m = 0; m < 600; m++) expect(new Set(ys.slice(m * 7, m * 7 + 7)).size).toBe(1);
    expect(new Set(ys)).toEqual(new Set([0, 2]));
    const u = F.dropout1d(torch.ones([200, 5], { dtype: 'float64' }), 0.5, true, false, { generator: new Generator(3) });
    expect(u.shape).toEqual([200, 5]);
    const us = values(u);
    for (let c = 0; c < 200; c++) expect(new Set(us.slice(c * 5, c * 5 + 5)).size).toBe(1);
    expect(Math.abs(zeroFraction(u) - 0.5)).toBeLessThan(0.15);
  });

  test('dropout3d: (N, C, D, H, W) and unbatched (C, D, H, W)', () => {
    const y = F.dropout3d(torch.ones([4, 25, 2, 2, 2], { dtype: 'float64' }), 0.5, true, false, { generator: new Generator(4) });
    const ys = values(y);
    for (let m = 0; m < 100; m++) expect(new Set(ys.slice(m * 8, m * 8 + 8)).size).toBe(1);
    const u = F.dropout3d(torch.ones([50, 2, 2, 2], { dtype: 'float64' }), 0.5, true, false, { generator: new Generator(4) });
    expect(u.shape).toEqual([50, 2, 2, 2]);
    const us = values(u);
    for (let m = 0; m < 50; m++) expect(new Set(us.slice(m * 8, m * 8 + 8)).size).toBe(1);
  });

  test('Dropout2d in a conv-style model: the mask is constant over H and W', () => {
    const m = new Dropout2d(0.5, false, { generator: new Generator(8) });
    const y = m(torch.ones([8, 16, 5, 5], { dtype: 'float64' }));
    const ys = values(y);
    for (let c = 0; c < 8 * 16; c++) expect(new Set(ys.slice(c * 25, c * 25 + 25)).size).toBe(1);
  });
});

describe('alpha dropout', () => {
  const a = (p: number): number => 1 / Math.sqrt((1.7580993408473766 ** 2 * p + 1) * (1 - p));

  test('PyTorch 2.13: alpha_dropout(torch.ones(10), 0.5, True) holds only 1.6656 (kept) and -0.7792 (dropped)', () => {
    const y = F.alphaDropout(torch.ones([10000], { dtype: 'float64' }), 0.5, true, false, { generator: new Generator(1) });
    const distinct = [...new Set(values(y))].sort((u, v) => u - v);
    expect(distinct.length).toBe(2);
    expect(distinct[0]).toBeCloseTo(-0.7792, 4);
    expect(distinct[1]).toBeCloseTo(1.6656, 4);
  });

  test('kept: a x + alpha a p; dropped: alpha a (p - 1), with a = 1/sqrt((alpha^2 p + 1)(1 - p))', () => {
    const p = 0.2;
    const x = torch.randn([2000], { dtype: 'float64', generator: new Generator(6) });
    const y = F.alphaDropout(x, p, true, false, { generator: new Generator(7) });
    const alpha = 1.7580993408473766;
    const dropped = alpha * a(p) * (p - 1);
    let n = 0;
    values(y).forEach((v, i) => {
      const kept = x.data[i] * a(p) + alpha * a(p) * p;
      if (Math.abs(v - dropped) < 1e-12) n++;
      else expect(v).toBeCloseTo(kept, 12);
    });
    expect(n / 2000).toBeGreaterThan(0.15);
    expect(n / 2000).toBeLessThan(0.25);
  });

  test('a SELU output keeps zero mean and unit variance', () => {
    const x = seluSamples(200000, 9);
    const [m0, s0] = meanStd(x);
    expect(Math.abs(m0)).toBeLessThan(0.01);
    expect(Math.abs(s0 - 1)).toBeLessThan(0.01);
    for (const p of [0.1, 0.3]) {
      const [m, s] = meanStd(new AlphaDropout(p, false, { generator: new Generator(10) })(x));
      expect(Math.abs(m)).toBeLessThan(0.015);
      expect(Math.abs(s - 1)).toBeLessThan(0.015);
    }
  });

  test('feature alpha dropout: one draw per (sample, channel)', () => {
    const y = F.featureAlphaDropout(torch.ones([10, 20, 3], { dtype: 'float64' }), 0.5, true, false, { generator: new Generator(2) });
    const ys = values(y);
    for (let m = 0; m < 200; m++) expect(new Set(ys.slice(m * 3, m * 3 + 3)).size).toBe(1);
    expect(new Set(ys).size).toBe(2);
    expect(String(new FeatureAlphaDropout().eval())).toBe('FeatureAlphaDropout(p=0.5, inplace=False)');
  });

  test('AlphaDropout(inplace=true) prints it but never writes in place (as PyTorch forward ignores it)', () => {
    const x = torch.ones([50], { dtype: 'float64' });
    const y = new AlphaDropout(0.5, true, { generator: new Generator(1) })(x);
    expect(y).not.toBe(x);
    expect(values(x).every((v) => v === 1)).toBe(true);
  });
});

describe('determinism: masks come from a seeded Generator', () => {
  test('the same seed gives the same mask; further calls draw new ones', () => {
    const x = counting([1000]);
    const a = F.dropout(x, 0.5, true, false, { generator: new Generator(42) });
    const b = F.dropout(x, 0.5, true, false, { generator: new Generator(42) });
    expect(values(a)).toEqual(values(b));
    const g = new Generator(42);
    const first = F.dropout(x, 0.5, true, false, { generator: g });
    const second = F.dropout(x, 0.5, true, false, { generator: g });
    expect(values(first)).toEqual(values(a));
    expect(values(second)).not.toEqual(values(first));
  });

  test('without a generator: the default one, so manualSeed repeats a run', () => {
    const x = counting([500]);
    const m = new Dropout(0.3);
    torch.manualSeed(123);
    const a = m(x);
    const a2 = F.dropout2d(counting([4, 6, 2, 2]), 0.5);
    torch.manualSeed(123);
    expect(values(m(x))).toEqual(values(a));
    expect(values(F.dropout2d(counting([4, 6, 2, 2]), 0.5))).toEqual(values(a2));
  });

  test("a module's generator: the same seed gives the same sequence of masks", () => {
    const x = counting([300]);
    const m1 = new Dropout(0.5, false, { generator: new Generator(5) });
    const m2 = new Dropout(0.5, false, { generator: new Generator(5) });
    for (let i = 0; i < 3; i++) expect(values(m1(x))).toEqual(values(m2(x)));
    expect(m1.generator).toBeInstanceOf(Generator);
    expect(new Dropout().generator).toBeUndefined();
  });

  test('the generator state drives the mask: getState/setState repeat it', () => {
    const g = new Generator(77);
    const state = g.getState();
    const x = counting([200]);
    const a = F.alphaDropout(x, 0.4, true, false, { generator: g });
    g.setState(state);
    expect(values(F.alphaDropout(x, 0.4, true, false, { generator: g }))).toEqual(values(a));
  });
});

describe('gradients', () => {
  test('the gradient is the mask times the scale times g', () => {
    const x = counting([2000], 'float64', true);
    const p = 0.25;
    const y = F.dropout(x, p, true, false, { generator: new Generator(3) });
    const g = torch.randn([2000], { dtype: 'float64', generator: new Generator(4) });
    y.backward(g);
    const ys = values(y);
    // (+ 0 turns the -0 of a dropped negative g into 0)
    values(x.grad!).forEach((v, i) => expect(v + 0).toBe(ys[i] === 0 ? 0 : g.data[i] * (1 / (1 - p))));
  });

  test('dropout2d: the gradient of each channel is all zero or all g / (1 - p)', () => {
    const x = counting([3, 10, 2, 2], 'float64', true);
    const y = F.dropout2d(x, 0.5, true, false, { generator: new Generator(5) });
    y.sum().backward();
    const gs = values(x.grad!);
    const ys = values(y);
    for (let m = 0; m < 30; m++) {
      const expected = ys[m * 4] === 0 ? 0 : 2;
      expect(gs.slice(m * 4, m * 4 + 4)).toEqual([expected, expected, expected, expected]);
    }
  });

  test('alpha dropout: the gradient is a on kept elements and 0 on dropped ones', () => {
    const x = torch.randn([500], { dtype: 'float64', requiresGrad: true, generator: new Generator(1) });
    const p = 0.3;
    const y = F.alphaDropout(x, p, true, false, { generator: new Generator(2) });
    y.sum().backward();
    const a = 1 / Math.sqrt((1.7580993408473766 ** 2 * p + 1) * (1 - p));
    const dropped = 1.7580993408473766 * a * (p - 1);
    values(x.grad!).forEach((v, i) => expect(v).toBe(Math.abs(y.data[i] - dropped) < 1e-12 ? 0 : a));
  });

  test('gradcheck and gradgradcheck with a fixed mask (a fresh generator of one seed per call)', () => {
    const x = torch.randn([3, 4, 2, 2], { dtype: 'float64', requiresGrad: true, generator: new Generator(9) });
    const fresh = (): { generator: Generator } => ({ generator: new Generator(31) });
    const cases: ((t: Tensor) => Tensor)[] = [
      (t) => F.dropout(t, 0.4, true, false, fresh()),
      (t) => F.dropout2d(t, 0.5, true, false, fresh()),
      (t) => F.dropout3d(t, 0.5, true, false, fresh()),
      (t) => F.dropout1d(t.reshape([12, 4]), 0.5, true, false, fresh()),
      (t) => F.alphaDropout(t, 0.2, true, false, fresh()),
      (t) => F.featureAlphaDropout(t, 0.2, true, false, fresh()),
      (t) => F.dropout(t, 1),
    ];
    for (const fn of cases) {
      expect(gradcheck(fn, [x])).toBe(true);
      expect(gradgradcheck(fn, [x])).toBe(true);
    }
  });
});

describe('inplace', () => {
  test('a non-leaf is overwritten and takes the grad_fn (MulBackward0); gradients reach its history', () => {
    const a = counting([400], 'float64', true);
    const h = a.mul(2);
    const out = F.dropout(h, 0.5, true, true, { generator: new Generator(12) });
    expect(out).toBe(h);
    expect(h.gradFn?.name).toBe('MulBackward0');
    const hs = values(h);
    hs.forEach((v, i) => expect(v === 0 || v === 4 * (i + 1)).toBe(true));
    h.sum().backward();
    values(a.grad!).forEach((v, i) => expect(v).toBe(hs[i] === 0 ? 0 : 4));
    // the same mask as out of place with the same seed
    expect(hs).toEqual(values(F.dropout(counting([400]).mul(2), 0.5, true, false, { generator: new Generator(12) })));
  });

  test('a tensor without grad is overwritten; in eval it is returned untouched', () => {
    const x = torch.ones([100], { dtype: 'float64' });
    const version = x._version.value;
    const m = new Dropout(0.5, true, { generator: new Generator(1) });
    expect(m(x)).toBe(x);
    expect(new Set(values(x))).toEqual(new Set([0, 2]));
    expect(x._version.value).toBe(version + 1);
    const z = torch.ones(3);
    expect(m.eval()(z)).toBe(z);
    expect(values(z)).toEqual([1, 1, 1]);
  });

  test('under noGrad a parameter-like leaf may be written', () => {
    const w = torch.ones([50], { requiresGrad: true });
    torch.noGrad(() => F.dropout(w, 0.5, true, true));
    expect(w.gradFn).toBeNull();
    expect(values(w).some((v) => v === 0)).toBe(true);
  });

  test('the channel forms and alpha dropout in place: grad_fn names as PyTorch', () => {
    const base = torch.randn([2, 3, 4, 4], { requiresGrad: true });
    const h = base.mul(1);
    expect(F.dropout2d(h, 0.5, true, true)).toBe(h);
    expect(h.gradFn?.name).toBe('MulBackward0');
    const k = base.mul(1);
    expect(F.alphaDropout(k, 0.5, true, true)).toBe(k);
    expect(k.gradFn?.name).toBe('AddBackward0');
    const u = torch.randn([3, 4], { requiresGrad: true }).mul(1);
    expect(F.dropout1d(u, 0.5, true, true)).toBe(u);
    expect(u.gradFn?.name).toBe('SqueezeBackward4');
    u.sum().backward();
  });

  test('a tensor saved for a backward and then changed in place: the backward says so', () => {
    const a = torch.randn([10], { dtype: 'float64', requiresGrad: true });
    const e = a.exp(); // exp saves its result
    F.dropout(e, 0.5, true, true);
    expect(() => e.sum().backward()).toThrow('modified by an in-place operation');
  });
});
