import * as torch from '../../src/index';
import type { Tensor } from '../../src/index';

// gradgradcheck: gradcheck of (inputs..., gradOutputs...) -> autograd.grad(fn(inputs), inputs,
// { gradOutputs, createGraph: true }), i.e. d(g^T J)/d inputs (a Hessian times g) and d(g^T J)/d g.

const { gradcheck, gradgradcheck, defineOp } = torch.autograd;
const f64 = (data: torch.NestedArray, requiresGrad = true): Tensor => torch.tensor(data, { dtype: 'float64', requiresGrad });

// y = x^3, backward 3 x^2 g written with ops: d/dx (3x^2 g) = 6xg and d/dg (3x^2 g) = 3x^2 are both recorded
const cube = defineOp({
  name: 'Cube',
  forward(ctx, x: Tensor) {
    ctx.saveForBackward(x);
    return x.pow(3);
  },
  backward(ctx, g) {
    const [x] = ctx.savedTensors;
    return [g.mul(x.pow(2)).mul(3)];
  },
});

// right to first order, but 3x^2 is computed outside the graph: d/dx of the gradient is 0 instead of 6xg
const cubeFlatX = defineOp({
  name: 'CubeFlatX',
  forward(ctx, x: Tensor) {
    ctx.saveForBackward(x);
    return x.pow(3);
  },
  backward(ctx, g) {
    const [x] = ctx.savedTensors;
    return [g.mul(torch.noGrad(() => x.pow(2).mul(3)))];
  },
});

// right to first order, but g is used outside the graph: d/dg of the gradient is 0 instead of 3x^2
const cubeFlatG = defineOp({
  name: 'CubeFlatG',
  forward(ctx, x: Tensor) {
    ctx.saveForBackward(x);
    return x.pow(3);
  },
  backward(ctx, g) {
    const [x] = ctx.savedTensors;
    return [g.detach().mul(x.pow(2)).mul(3)];
  },
});

describe('autograd.gradgradcheck', () => {
  it('passes for x^3 (second derivative 6x g, and 3x^2 with respect to g)', () => {
    expect(gradgradcheck((x) => x.pow(3), [f64([0.5, -1.2, 2])])).toBe(true);
  });

  it('accepts a single Tensor as inputs', () => {
    expect(gradgradcheck((x) => x.exp().sum(), f64([0.1, 0.2]))).toBe(true);
  });

  it('passes for several inputs, broadcasting and several outputs', () => {
    // outputs a*b (a [2,1], b [3]) and sum(tanh(a)); second derivatives: d^2(a*b)/da db = 1, tanh'' = -2 tanh (1 - tanh^2)
    const fn = (a: Tensor, b: Tensor): Tensor[] => [a.mul(b), a.tanh().sum()];
    expect(gradgradcheck(fn, [f64([[0.3], [-0.7]]), f64([1.5, -0.2, 0.4])])).toBe(true);
  });

  it('skips outputs that do not require grad (an argmax), as PyTorch keeps only differentiable outputs', () => {
    const fn = (x: Tensor): Tensor[] => [x.argmax(), x.pow(2).sum()];
    expect(gradgradcheck(fn, [f64([0.2, 0.9, -0.4])])).toBe(true);
  });

  it('counts the null gradient of an unused input as zeros, and ignores inputs that do not require grad', () => {
    // fn(a, b, c) = exp(a) * c: b is unused (its gradient is null), c is a constant
    const fn = (a: Tensor, _b: Tensor, c: Tensor): Tensor => a.exp().mul(c);
    expect(gradgradcheck(fn, [f64([0.1, -0.3]), f64([1, 2]), f64([2, 3], false)])).toBe(true);
  });

  it('passes for a linear function, whose second derivatives are all zero', () => {
    // the gradient 2g does not depend on x; d/dg is 2
    expect(gradgradcheck((x) => x.mul(2), [f64([1, 2, 3])])).toBe(true);
  });

  it('passes for a custom op whose backward is made of differentiable ops', () => {
    const x = f64([0.5, -1.5, 2]);
    expect(gradcheck(cube, [x])).toBe(true);
    expect(gradgradcheck(cube, [x])).toBe(true);
    expect(gradgradcheck((a, b) => cube(a.mul(b)).sum(), [f64([0.5, -1]), f64([2, 0.3])])).toBe(true);
  });

  it('fails a custom op right to first order but wrong to second, naming the input, the index and both values', () => {
    // x = [1, 2], g = [0.5, -1]: d grad_input0[0] / d input0[0] is 6 x0 g0 = 3, the op says 0
    const x = f64([1, 2]);
    const g = f64([0.5, -1]);
    expect(gradcheck(cubeFlatX, [x])).toBe(true);
    expect(() => gradgradcheck(cubeFlatX, [x], { gradOutputs: [g] })).toThrow(
      /^gradgradcheck: second-order Jacobian mismatch for the gradient with respect to input 0, differentiated with respect to input 0: d grad_input0\[0\] \/ d input0\[0\] is 0 \(analytic\) but (2\.9999\d*|3\.0000\d*) \(numerical\)$/,
    );
  });

  it('names the gradOutputs entry when the gradient is wrong with respect to it', () => {
    // d grad_input0[0] / d gradOutputs[0][0] is 3 x0^2 = 3 at x = [1, 2]; the op says 0
    expect(gradcheck(cubeFlatG, [f64([1, 2])])).toBe(true);
    expect(() => gradgradcheck(cubeFlatG, [f64([1, 2])])).toThrow(
      /gradgradcheck: .*differentiated with respect to gradOutputs\[0\]: d grad_input0\[0\] \/ d gradOutputs\[0\]\[0\] is 0 \(analytic\) but (2\.9999\d*|3\.0000\d*) \(numerical\)/,
    );
    // gradOutputs that do not require grad are constants: only the inputs are checked, as in PyTorch
    expect(gradgradcheck(cubeFlatG, [f64([1, 2])], { gradOutputs: f64([0.5, -1], false) })).toBe(true);
  });

  it('names the original index of the input among inputs that do not require grad', () => {
    // the gradient checked is the one of input 1 (input 0 is a constant)
    expect(() => gradgradcheck((c, x) => cubeFlatX(x).mul(c), [f64([1, 1], false), f64([1, 2])], { gradOutputs: f64([1, 1]) })).toThrow(
      /the gradient with respect to input 1, differentiated with respect to input 1: d grad_input1\[0\] \/ d input1\[0\] is 0 \(analytic\) but (5\.9999\d*|6\.0000\d*) \(numerical\)/,
    );
  });

  it('returns false when raiseException is false', () => {
    expect(gradgradcheck(cubeFlatX, [f64([1, 2])], { raiseException: false })).toBe(false);
    expect(gradgradcheck(cube, [f64([1, 2])], { raiseException: false })).toBe(true);
  });

  it('honours atol: |analytic - numeric| <= atol + rtol * |numeric|', () => {
    // cubeFlatX at x = 1, g = 1: second derivative off by 6 x g = 6
    expect(gradgradcheck(cubeFlatX, [f64([1])], { gradOutputs: f64([1]), atol: 6.001, rtol: 0 })).toBe(true);
    expect(gradgradcheck(cubeFlatX, [f64([1])], { gradOutputs: f64([1]), atol: 5.9, rtol: 0, raiseException: false })).toBe(false);
  });

  it('draws its default gradOutputs from a fixed seed without touching the default generator', () => {
    torch.manualSeed(123);
    const expected = torch.randn([4], { dtype: 'float64' }).toArray();
    torch.manualSeed(123);
    const messages: string[] = [];
    for (let i = 0; i < 2; i++) {
      try {
        gradgradcheck(cubeFlatX, [f64([1, 2])]);
      } catch (e) {
        messages.push((e as Error).message);
      }
    }
    expect(torch.randn([4], { dtype: 'float64' }).toArray()).toEqual(expected);
    // the same random gradOutputs both times: the same numbers in the message
    expect(messages).toHaveLength(2);
    expect(messages[0]).toBe(messages[1]);
  });

  it('leaves the inputs and the given gradOutputs as they were', () => {
    const x = f64([0.5, -1]);
    const g = f64([2, 3]);
    gradgradcheck((a) => a.pow(3), [x], { gradOutputs: [g] });
    expect(x.toArray()).toEqual([0.5, -1]);
    expect(g.toArray()).toEqual([2, 3]);
    expect(x.grad).toBeNull();
    expect(g.grad).toBeNull();
  });

  it('checks the count and the shapes of gradOutputs', () => {
    const x = f64([1, 2]);
    expect(() => gradgradcheck((a) => a.pow(3), [x], { gradOutputs: [f64([1, 1]), f64([1, 1])] })).toThrow(
      /gradgradcheck: gradOutputs has 2 entries but fn has 1 outputs that require grad/,
    );
    expect(() => gradgradcheck((a) => a.pow(3), [x], { gradOutputs: f64([1, 1, 1]) })).toThrow(
      /gradgradcheck: gradOutputs\[0\] has shape \[3\] but output 0 of fn has shape \[2\]/,
    );
    expect(() => gradgradcheck((a) => a.pow(3), [x], { gradOutputs: [3 as unknown as Tensor] })).toThrow(
      /gradgradcheck: gradOutputs\[0\] must be a Tensor, got number/,
    );
  });

  it('rejects unknown options, as gradcheck now does', () => {
    const x = f64([1]);
    expect(() => gradgradcheck((a) => a.pow(3), [x], { raise_exception: false } as never)).toThrow(
      /gradgradcheck: unknown option 'raise_exception'; did you mean 'raiseException'\?/,
    );
    expect(() => gradcheck((a) => a.pow(3), [x], { nondetTol: 0 } as never)).toThrow(/gradcheck: unknown option 'nondetTol'/);
  });

  it('needs an input that requires grad', () => {
    expect(() => gradgradcheck((x) => x.mul(2), [f64([1], false)])).toThrow(/gradgradcheck: at least one input must require grad/);
  });

  it('warns on float32 inputs, naming gradgradcheck and the input', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      gradgradcheck((x) => x.pow(2), [torch.tensor([1, 2], { requiresGrad: true })], { eps: 1e-2, atol: 1e-1 });
      expect(warn).toHaveBeenCalled();
      expect(String(warn.mock.calls[0][0])).toMatch(/^gradgradcheck: input #0 requires gradient and is not a double precision.*float32/);
    } finally {
      warn.mockRestore();
    }
  });
});
