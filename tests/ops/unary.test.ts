import * as torch from '../../src/index';

describe('unary gradients at the edges', () => {
  it('sqrt(abs(x)) at 0 has gradient NaN (inf * sign(0)), as PyTorch 2.13 gives [nan, 0.5]', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const x = torch.tensor([0, 1], { dtype }).requiresGrad_();
      x.abs().sqrt().sum().backward();
      expect(x.grad!.toArray()).toEqual([NaN, 0.5]);
      const y = torch.tensor([0, 1], { dtype }).requiresGrad_();
      const [g] = torch.autograd.grad(y.abs().sqrt().sum(), y, { createGraph: true });
      expect(g!.toArray()).toEqual([NaN, 0.5]);
    }
  });
});
