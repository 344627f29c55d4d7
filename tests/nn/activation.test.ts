import * as torch from '../../src/index';

const { nn } = torch;
const F = nn.functional;

describe('leakyRelu (one unaryOp record, LeakyReluBackward0)', () => {
  it('float32 multiplies by the slope rounded to float32, as PyTorch; NaN passes; gradients of every order', () => {
    // PyTorch 2.13: F.leaky_relu(torch.tensor([-3.], dtype=float32), 0.1).item() == -0.30000001192092896
    expect(F.leakyRelu(torch.tensor([-3], { dtype: 'float32' }), 0.1).item()).toBe(-0.30000001192092896);
    const x = torch.tensor([Number.NaN, -1], { dtype: 'float64', requiresGrad: true });
    const y = F.leakyRelu(x, 0.2);
    expect(y.toArray()).toEqual([Number.NaN, -0.2]);
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual([0.2, 0.2]);
    const z = torch.tensor([-1.5, -0.3, 0.4, 2], { dtype: 'float64', requiresGrad: true });
    expect(torch.autograd.gradcheck((t) => F.leakyRelu(t, 0.3), [z])).toBe(true);
    expect(torch.autograd.gradgradcheck((t) => F.leakyRelu(t, 0.3).pow(2), [z])).toBe(true);
  });
});

describe('softsign (a composite, x / (1 + |x|), as PyTorch composes it)', () => {
  it("matches PyTorch's values and gradient, and prints DivBackward0", () => {
    // PyTorch 2.13: F.softsign([-2, 0, 3]) = [-2/3, 0, 0.75]; gradient of the sum 1 / (1 + |x|)^2 = [1/9, 1, 1/16]
    const x = torch.tensor([-2, 0, 3], { dtype: 'float64', requiresGrad: true });
    const y = F.softsign(x);
    expect(y.toArray()).toEqual([-2 / 3, 0, 0.75]);
    expect(y.gradFn!.name).toBe('DivBackward0');
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual([1 / 9, 1, 1 / 16]);
    expect(String(new nn.Softsign())).toBe('Softsign()');
    const z = torch.tensor([-1.5, -0.3, 0.4, 2], { dtype: 'float64', requiresGrad: true });
    expect(torch.autograd.gradcheck((t) => F.softsign(t), [z])).toBe(true);
    expect(torch.autograd.gradgradcheck((t) => F.softsign(t), [z])).toBe(true);
  });
});

describe('leakyRelu', () => {
  it("matches PyTorch's values and gradient, 0 included", () => {
    // PyTorch 2.13: F.leaky_relu([-2, 0, 3], 0.1) = [-0.2, 0, 3], gradient of the sum [0.1, 0.1, 1]
    const x = torch.tensor([-2, 0, 3], { dtype: 'float64' }).requiresGrad_();
    const y = F.leakyRelu(x, 0.1);
    expect(y.toArray()).toEqual([-0.2, 0, 3]);
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual([0.1, 0.1, 1]);
  });

  it('defaults to slope 0.01, as a module too', () => {
    const x = torch.tensor([-1, 2], { dtype: 'float64' });
    expect(F.leakyRelu(x).toArray()).toEqual([-0.01, 2]);
    expect(new nn.LeakyReLU().forward(x).toArray()).toEqual([-0.01, 2]);
  });

  it("prints as PyTorch's module does", () => {
    expect(String(new nn.LeakyReLU())).toBe('LeakyReLU(negative_slope=0.01)');
    expect(String(new nn.LeakyReLU(1))).toBe('LeakyReLU(negative_slope=1.0)');
    expect(String(new nn.LeakyReLU(1e-5))).toBe('LeakyReLU(negative_slope=1e-05)');
    expect(String(new nn.LeakyReLU(2e16))).toBe('LeakyReLU(negative_slope=2e+16)');
  });

  it('rejects a slope that is not a number', () => {
    expect(() => F.leakyRelu(torch.tensor([1], { dtype: 'float32' }), Number.NaN)).toThrow('leakyRelu: negativeSlope must be a number, got NaN');
  });
});
