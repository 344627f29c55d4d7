/**
 * nn.Linear and the fused linear op (src/nn/linear.ts, src/ops/linear.ts): y = x W^T + b in one
 * node with its own backward. Forward/backward against real PyTorch on given weights is in
 * tests/nn/golden.test.ts.
 *
 * https://pytorch.org/docs/stable/generated/torch.nn.Linear.html: weight (out_features, in_features),
 * bias (out_features), both initialised from U(-sqrt(k), sqrt(k)) with k = 1 / in_features.
 */
import * as torch from '../../src/index';
import { Tensor, nn } from '../../src/index';
import { f64 } from '../helpers';

const F = nn.functional;
const { gradcheck } = torch.autograd;

function seeded(shape: number[], seed: number): Tensor {
  torch.manualSeed(seed);
  return torch.randn(shape, { dtype: 'float64' }).detach().requiresGrad_();
}

describe('nn.Linear initialisation', () => {
  test('shapes, requiresGrad and the U(-1/sqrt(in), 1/sqrt(in)) bounds', () => {
    torch.manualSeed(0);
    const layer = new nn.Linear(784, 5, { dtype: 'float64' });
    expect(layer.weight.shape).toEqual([5, 784]);
    expect(layer.bias!.shape).toEqual([5]);
    expect(layer.weight.requiresGrad && layer.bias!.requiresGrad).toBe(true);
    const bound = 1 / Math.sqrt(784);
    for (const p of [layer.weight, layer.bias!]) {
      const v = Array.from(p.data);
      expect(v.every((w) => w >= -bound && w < bound)).toBe(true);
    }
    // the weight's 3920 values spread over the whole interval, with U(-b, b)'s mean 0 and variance b^2 / 3
    const w = Array.from(layer.weight.data);
    expect(Math.max(...w)).toBeGreaterThan(0.99 * bound);
    expect(Math.min(...w)).toBeLessThan(-0.99 * bound);
    const mean = w.reduce((a, b) => a + b) / w.length;
    const variance = w.reduce((a, b) => a + (b - mean) ** 2, 0) / w.length;
    expect(Math.abs(mean)).toBeLessThan(0.05 * bound);
    expect(variance / ((bound * bound) / 3)).toBeCloseTo(1, 1);
  });

  test('float32 weights stay within the float32 bound', () => {
    torch.manualSeed(1);
    const layer = new nn.Linear(3, 200);
    expect(layer.weight.dtype).toBe('float32');
    const bound = Math.fround(1 / Math.sqrt(3));
    expect(Array.from(layer.weight.data).every((w) => Math.abs(w) <= bound)).toBe(true);
    expect(Array.from(layer.bias!.data).every((w) => Math.abs(w) <= bound)).toBe(true);
  });

  test('deterministic under manualSeed, different without re-seeding', () => {
    torch.manualSeed(42);
    const a = new nn.Linear(4, 3);
    const c = new nn.Linear(4, 3);
    torch.manualSeed(42);
    const b = new nn.Linear(4, 3);
    expect(Array.from(b.weight.data)).toEqual(Array.from(a.weight.data));
    expect(Array.from(b.bias!.data)).toEqual(Array.from(a.bias!.data));
    expect(Array.from(c.weight.data)).not.toEqual(Array.from(a.weight.data));
    // a generator of its own leaves the default one alone
    const g = new torch.Generator(7);
    const d = new nn.Linear(4, 3, { generator: g });
    const e = new nn.Linear(4, 3, { generator: new torch.Generator(7) });
    expect(Array.from(d.weight.data)).toEqual(Array.from(e.weight.data));
  });

  test('bias: false gives no bias parameter; dtype float64', () => {
    const layer = new nn.Linear(3, 2, { bias: false, dtype: 'float64' });
    expect(layer.bias).toBeNull();
    expect(layer.namedParameters().map(([n]) => n)).toEqual(['weight']);
    expect(layer.weight.dtype).toBe('float64');
    expect(String(layer)).toBe('Linear(in_features=3, out_features=2, bias=False)');
  });

  test('prints as PyTorch does', () => {
    expect(String(new nn.Linear(784, 5))).toBe('Linear(in_features=784, out_features=5, bias=True)');
  });

  test('bad sizes are Errors', () => {
    expect(() => new nn.Linear(2.5, 3)).toThrow(/inFeatures must be a whole number >= 0, got 2\.5/);
    expect(() => new nn.Linear(2, -1)).toThrow(/outFeatures must be a whole number >= 0, got -1/);
  });
});

describe('nn.Linear forward', () => {
  // y = x W^T + b
  const layer = new nn.Linear(3, 2, { dtype: 'float64' });
  torch.noGrad(() => {
    layer.weight.copy_(
      f64([
        [1, 2, 3],
        [-1, 0, 0.5],
      ]),
    );
    layer.bias!.copy_(f64([0.5, -1]));
  });

  test('worked values for 1-D, 2-D and 3-D input', () => {
    // [1, 1, 1] -> [1 + 2 + 3 + 0.5, -1 + 0.5 - 1]; [2, 0, -2] -> [2 - 6 + 0.5, -2 - 1 - 1]
    expect(layer.forward(f64([1, 1, 1])).toArray()).toEqual([6.5, -1.5]);
    expect(
      layer
        .forward(
          f64([
            [1, 1, 1],
            [2, 0, -2],
          ]),
        )
        .toArray(),
    ).toEqual([
      [6.5, -1.5],
      [-3.5, -4],
    ]);
    const y3 = layer.forward(f64([[[1, 1, 1]], [[2, 0, -2]]]));
    expect(y3.shape).toEqual([2, 1, 2]);
    expect(y3.toArray()).toEqual([[[6.5, -1.5]], [[-3.5, -4]]]);
  });

  test('matches matmul(x, W^T) + b', () => {
    const x = seeded([5, 3], 2);
    const expected = torch.matmul(x, layer.weight.T).add(layer.bias!);
    const y = layer.forward(x);
    Array.from(y.data).forEach((v, i) => expect(v).toBeCloseTo(expected.data[i], 14));
  });

  test('a wrong feature count is an Error naming the layer and both sizes', () => {
    const net = new nn.Linear(784, 5);
    expect(() => net.forward(torch.zeros([3, 100]))).toThrow(
      'Linear(in_features=784, out_features=5) got input of shape [3, 100]: its last dimension must be 784',
    );
    expect(() => net.forward(torch.zeros([]))).toThrow(/got input of shape \[\]/);
  });

  test('an input of another dtype is an Error with a hint', () => {
    expect(() => new nn.Linear(2, 2).forward(torch.tensor([[1, 2]]))).toThrow(
      /input has dtype int32 but the weight is float32 \(convert it with \.float\(\)\)/,
    );
    expect(() => new nn.Linear(2, 2).forward(f64([[1, 2]]))).toThrow(/input has dtype float64 but the weight is float32/);
  });

  test('functional linear checks the weight and bias shapes', () => {
    const x = f64([[1, 2, 3]]);
    expect(() => F.linear(x, f64([1, 2, 3]))).toThrow(/weight must be 2-D/);
    expect(() => F.linear(x, f64([[1, 2, 3]]), f64([1, 2]))).toThrow(/bias of shape \[2\] does not match out_features 1/);
  });
});

describe('the fused linear op: one node, gradcheck in float64', () => {
  test('one node from x, W and b: AddmmBackward0 (MmBackward0 without bias)', () => {
    const x = seeded([4, 3], 3);
    const w = seeded([2, 3], 4);
    const b = seeded([2], 5);
    const y = F.linear(x, w, b);
    expect(y.gradFn!.name).toBe('AddmmBackward0');
    expect(y.gradFn!.inputs).toEqual([x, w, b]);
    expect(F.linear(x, w).gradFn!.name).toBe('MmBackward0');
  });

  test.each([
    ['[N, in]', [4, 3]],
    ['[b, n, in]', [2, 3, 3]],
    ['[in] (1-D)', [3]],
    ['[1, in]', [1, 3]],
  ])('x %s with bias, w.r.t. x, W and b', (_name, shape) => {
    const x = seeded(shape as number[], 6);
    const w = seeded([2, 3], 7);
    const b = seeded([2], 8);
    expect(gradcheck((a, c, d) => F.linear(a, c, d), [x, w, b])).toBe(true);
  });

  test.each([
    ['[N, in]', [4, 3]],
    ['[b, n, in]', [2, 3, 3]],
  ])('x %s without bias, w.r.t. x and W', (_name, shape) => {
    expect(gradcheck((a, c) => F.linear(a, c), [seeded(shape as number[], 9), seeded([5, 3], 10)])).toBe(true);
  });

  test('only the inputs that require grad get one (bias frozen)', () => {
    const x = seeded([4, 3], 11);
    const w = seeded([2, 3], 12);
    const b = f64([1, 2]);
    expect(gradcheck((a, c) => F.linear(a, c, b), [x, w])).toBe(true);
    F.linear(x, w, b).sum().backward();
    expect(b.grad).toBeNull();
  });

  test('the module: gradients reach weight and bias; db = sum of g over all leading dims', () => {
    const layer = new nn.Linear(3, 2, { dtype: 'float64' });
    const x = seeded([2, 4, 3], 13);
    layer.forward(x).sum().backward();
    expect(Array.from(layer.bias!.grad!.data)).toEqual([8, 8]);
    // dW[o, i] = sum over rows of x[.., i]
    const colSums = torch.sum(x.reshape([8, 3]), 0);
    for (let o = 0; o < 2; o++) {
      for (let i = 0; i < 3; i++) expect(layer.weight.grad!.data[o * 3 + i]).toBeCloseTo(colSums.data[i], 12);
    }
    const w = layer.weight;
    expect(gradcheck((a) => layer.forward(a), [x])).toBe(true);
    expect(gradcheck((wt, bs) => F.linear(x, wt, bs), [w, layer.bias!])).toBe(true);
  });
});

describe('nn.Linear options are checked', () => {
  it('unknown keys, PyTorch keys tsgrad leaves out, and wrong types', () => {
    expect(() => new nn.Linear(2, 2, { Bias: false } as never)).toThrow(
      "Linear: unknown option 'Bias'; did you mean 'bias'? (allowed: bias, dtype, generator)",
    );
    expect(() => new nn.Linear(2, 2, { in_features: 2 } as never)).toThrow("Linear: unknown option 'in_features' (allowed: bias, dtype, generator)");
    expect(() => new nn.Linear(2, 2, { device: 'cuda' } as never)).toThrow('Linear: device is not supported: tsgrad runs on the CPU');
    expect(() => new nn.Linear(2, 2, { bias: 'no' } as never)).toThrow('Linear: bias must be true or false, got string "no"');
    expect(() => new nn.Linear(2, 2, { dtype: 'int32' } as never)).toThrow(/Linear: dtype must be 'float32' or 'float64'.*got string "int32"/);
    expect(() => new nn.Linear(2, 2, { generator: 5 } as never)).toThrow('Linear: generator must be a Generator (new Generator(seed)), got 5');
    expect(() => new nn.Linear(2, 2, null as never)).toThrow('Linear: options must be an object like { bias: ... }, got null');
  });
  it("device: 'cpu' asks for what tsgrad does, and is accepted", () => {
    expect(new nn.Linear(2, 3, { device: 'cpu' } as never).weight.shape).toEqual([3, 2]);
  });
});
