import * as torch from '../../src/index';

const { nn } = torch;
const F = nn.functional;

describe('leakyRelu (a composite: where(x > 0, x, slope * x))', () => {
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
