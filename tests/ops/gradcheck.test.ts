import * as torch from '../../src/index';
import type { Tensor } from '../../src/index';

const { gradcheck } = torch.autograd;

// Finite-difference checks (float64 central differences) of the full Jacobian of every
// differentiable op: each output element is back-propagated on its own, so a wrong entry anywhere
// in any backward fails the check.

let seed = 1;
/** A float64 leaf of `shape` that requires grad, standard normal (or in [0.5, 2.5) when positive). */
function rnd(shape: number[], kind: 'normal' | 'positive' = 'normal'): Tensor {
  const generator = new torch.Generator(seed++);
  const x = kind === 'positive' ? torch.rand(shape, { dtype: 'float64', generator }).mul(2).add(0.5) : torch.randn(shape, { dtype: 'float64', generator });
  return x.requiresGrad_();
}

type Fn = (...xs: Tensor[]) => Tensor;
function check(fn: Fn, inputs: Tensor[]): void {
  expect(gradcheck(fn, inputs)).toBe(true);
}

describe('broadcasting binary ops', () => {
  const shapePairs: [number[], number[]][] = [
    [
      [3, 1],
      [1, 4],
    ],
    [[2, 3], [3]],
    [[3], [2, 3]],
    [[2, 3], []],
    [[], [2, 3]],
    [[4], [4]],
    [
      [2, 1, 3],
      [4, 1],
    ],
  ];
  const ops: [string, Fn, boolean][] = [
    ['add', (a, b) => a.add(b), false],
    ['torch.add', (a, b) => torch.add(a, b), false],
    ['add alpha', (a, b) => a.add(b, -2.5), false],
    ['sub', (a, b) => a.sub(b), false],
    ['torch.sub alpha', (a, b) => torch.sub(a, b, 0.5), false],
    ['mul', (a, b) => a.mul(b), false],
    ['torch.mul', (a, b) => torch.mul(a, b), false],
    ['div', (a, b) => a.div(b), true],
    ['torch.div', (a, b) => torch.div(a, b), true],
  ];
  const cases = ops.flatMap(([name, fn, positiveB]) =>
    shapePairs.map(([sa, sb]) => [`${name} ${JSON.stringify(sa)} with ${JSON.stringify(sb)}`, fn, sa, sb, positiveB] as const),
  );
  it.each(cases)('%s', (_name, fn, sa, sb, positiveB) => {
    check(fn, [rnd(sa), rnd(sb, positiveB ? 'positive' : 'normal')]);
  });

  it.each([
    ['x.add(2)', (x: Tensor) => x.add(2)],
    ['torch.add(2.5, x)', (x: Tensor) => torch.add(2.5, x)],
    ['x.sub(2)', (x: Tensor) => x.sub(2)],
    ['torch.sub(2, x)', (x: Tensor) => torch.sub(2, x)],
    ['x.mul(2)', (x: Tensor) => x.mul(2)],
    ['torch.mul(-3, x)', (x: Tensor) => torch.mul(-3, x)],
    ['x.div(4)', (x: Tensor) => x.div(4)],
    ['torch.div(2, x)', (x: Tensor) => torch.div(2, x)],
    ['x.neg()', (x: Tensor) => x.neg()],
    ['torch.neg(x)', (x: Tensor) => torch.neg(x)],
  ])('%s with a plain number', (_name, fn) => {
    check(fn, [rnd([2, 3], 'positive')]);
  });

  it('only one operand requiring grad', () => {
    const b = rnd([3]).detach();
    check((a) => a.mul(b), [rnd([2, 3])]);
    const a = rnd([2, 3]).detach();
    check((bb) => a.div(bb), [rnd([3], 'positive')]);
  });

  it('the same tensor on both sides', () => {
    check((a) => a.mul(a), [rnd([2, 3])]);
    check((a) => a.div(a.add(3)), [rnd([2, 3], 'positive')]);
    check((a) => a.sub(a.T), [rnd([3, 3])]);
  });
});

describe('pow', () => {
  it.each([2, 3, 0.5, -1.5, 0, 1, -2])('pow by the number %p', (p) => {
    check((x) => x.pow(p), [rnd([2, 3], 'positive')]);
    check((x) => torch.pow(x, p), [rnd([4], 'positive')]);
  });
  it.each([2, 3, -1])('integral exponent %p on negative bases', (p) => {
    check((x) => x.pow(p), [rnd([5])]);
  });
  it.each([
    [[2, 3], [3]],
    [
      [2, 3],
      [2, 3],
    ],
    [[3], [2, 3]],
    [[4], []],
    [
      [3, 1],
      [1, 2],
    ],
  ])('pow by a tensor %j ** %j (both inputs)', (sa, sb) => {
    check((a, b) => a.pow(b), [rnd(sa, 'positive'), rnd(sb)]);
    check((a, b) => torch.pow(a, b), [rnd(sa, 'positive'), rnd(sb)]);
  });
});

describe('unary ops', () => {
  const shapes = [[5], [2, 3], [], [2, 3, 2]];
  const ops: [string, Fn, 'normal' | 'positive'][] = [
    ['exp', (x) => x.exp(), 'normal'],
    ['torch.exp', (x) => torch.exp(x), 'normal'],
    ['log', (x) => x.log(), 'positive'],
    ['torch.log', (x) => torch.log(x), 'positive'],
    ['sqrt', (x) => x.sqrt(), 'positive'],
    ['torch.sqrt', (x) => torch.sqrt(x), 'positive'],
    ['abs', (x) => x.abs(), 'normal'],
    ['torch.abs', (x) => torch.abs(x), 'normal'],
    ['relu', (x) => x.relu(), 'normal'],
    ['torch.relu', (x) => torch.relu(x), 'normal'],
    ['sigmoid', (x) => x.sigmoid(), 'normal'],
    ['torch.sigmoid', (x) => torch.sigmoid(x.mul(3)), 'normal'],
    ['tanh', (x) => x.tanh(), 'normal'],
    ['torch.tanh', (x) => torch.tanh(x.mul(2)), 'normal'],
    ['clamp(-0.5, 0.7)', (x) => x.clamp(-0.5, 0.7), 'normal'],
    ['torch.clamp(min only)', (x) => torch.clamp(x, 0.1), 'normal'],
    ['clamp(max only)', (x) => x.clamp(null, -0.2), 'normal'],
    ['clone', (x) => x.clone(), 'normal'],
    ['torch.clone', (x) => torch.clone(x).mul(x), 'normal'],
    ['to(same dtype)', (x) => x.to('float64').mul(2), 'normal'],
  ];
  const cases = ops.flatMap(([name, fn, kind]) => shapes.map((s) => [`${name} ${JSON.stringify(s)}`, fn, s, kind] as const));
  it.each(cases)('%s', (_name, fn, shape, kind) => {
    check(fn, [rnd(shape, kind)]);
  });

  it('sigmoid and tanh far out in the tails', () => {
    const x = torch.tensor([-30, -8, 8, 30], { dtype: 'float64', requiresGrad: true });
    check((t) => t.sigmoid(), [x]);
    check((t) => t.tanh(), [x]);
  });
});

describe('matmul', () => {
  const cases: [number[], number[]][] = [
    [[4], [4]],
    [[3, 4], [4]],
    [[4], [4, 5]],
    [
      [3, 4],
      [4, 5],
    ],
    [
      [1, 1],
      [1, 1],
    ],
    [
      [2, 3, 4],
      [2, 4, 5],
    ],
    [
      [2, 3, 4],
      [4, 5],
    ],
    [
      [3, 4],
      [2, 4, 5],
    ],
    [[4], [2, 4, 5]],
    [[2, 3, 4], [4]],
    [
      [1, 3, 4],
      [2, 4, 5],
    ],
    [
      [2, 1, 3, 4],
      [3, 4, 2],
    ],
  ];
  it.each(cases)('%j @ %j', (sa, sb) => {
    check((a, b) => a.matmul(b), [rnd(sa), rnd(sb)]);
  });
  it('as torch.matmul with only one operand requiring grad', () => {
    const w = rnd([4, 5]).detach();
    check((a) => torch.matmul(a, w), [rnd([2, 3, 4])]);
    const x = rnd([2, 3, 4]).detach();
    check((b) => torch.matmul(x, b), [rnd([4, 5])]);
  });
  it('a product of a matrix with its own transpose', () => {
    check((a) => a.matmul(a.T), [rnd([3, 4])]);
  });
});

describe('reductions', () => {
  const x3 = [2, 3, 4];
  const dimCases: [string, number | number[] | undefined, boolean][] = [
    ['all', undefined, false],
    ['dim 0', 0, false],
    ['dim 1', 1, false],
    ['dim 2', 2, false],
    ['dim -1', -1, false],
    ['dim -2', -2, false],
    ['dim -3', -3, false],
    ['dim 0 keepdim', 0, true],
    ['dim 1 keepdim', 1, true],
    ['dim -1 keepdim', -1, true],
    ['dims [0, 2]', [0, 2], false],
    ['dims [-1, 0] keepdim', [-1, 0], true],
    ['dims [0, 1, 2]', [0, 1, 2], false],
  ];
  it.each(dimCases)('sum %s', (_n, dim, keepdim) => {
    check((x) => x.sum(dim, keepdim), [rnd(x3)]);
  });
  it.each(dimCases)('mean %s', (_n, dim, keepdim) => {
    check((x) => torch.mean(x, dim, keepdim), [rnd(x3)]);
  });
  it('sum and mean of a 0-d tensor and of [1, 1]', () => {
    check((x) => x.sum(), [rnd([])]);
    check((x) => x.mean(0), [rnd([])]);
    check((x) => torch.sum(x, 1, true).mul(x), [rnd([1, 1])]);
  });

  it('max and min of all elements', () => {
    check((x) => x.max(), [rnd(x3)]);
    check((x) => torch.min(x), [rnd([5])]);
    check((x) => x.max(), [rnd([])]);
  });
  it.each([0, 1, 2, -1, -2, -3])('max and min over dim %p (values)', (dim) => {
    check((x) => x.max(dim)[0], [rnd(x3)]);
    check((x) => torch.max(x, dim, true)[0], [rnd(x3)]);
    check((x) => x.min(dim)[0], [rnd(x3)]);
    check((x) => torch.min(x, dim, true)[0], [rnd(x3)]);
  });
});

describe('softmax and logSoftmax', () => {
  it.each([0, 1, 2, -1, -2, -3])('softmax over dim %p of [2, 3, 4]', (dim) => {
    check((x) => x.softmax(dim), [rnd([2, 3, 4])]);
    check((x) => torch.softmax(x.mul(3), dim), [rnd([2, 3, 4])]);
  });
  it.each([0, 1, 2, -1, -2, -3])('logSoftmax over dim %p of [2, 3, 4]', (dim) => {
    check((x) => x.logSoftmax(dim), [rnd([2, 3, 4])]);
    check((x) => torch.logSoftmax(x.mul(3), dim), [rnd([2, 3, 4])]);
  });
  it('1-D, a single class and 0-d', () => {
    check((x) => x.softmax(0), [rnd([5])]);
    check((x) => x.logSoftmax(-1), [rnd([5])]);
    check((x) => x.softmax(1).mul(x), [rnd([3, 1])]);
    check((x) => x.logSoftmax(0).add(x), [rnd([])]);
  });
  it('softmax of logits near +-1e4 (finite, correct gradient)', () => {
    const x = torch.tensor(
      [
        [1e4, 1e4 - 1, -1e4],
        [-1e4, -1e4 + 0.5, 0],
      ],
      { dtype: 'float64', requiresGrad: true },
    );
    check((t) => t.softmax(1), [x]);
    check((t) => t.logSoftmax(1), [x]);
  });
});

describe('layout ops', () => {
  const ops: [string, Fn, number[]][] = [
    ['reshape', (x) => x.reshape([4, -1]).mul(x.reshape([4, 6])), [2, 3, 4]],
    ['torch.reshape', (x) => torch.reshape(x, [6, 4]), [2, 3, 4]],
    ['view', (x) => x.view([3, 2, 2]), [2, 6]],
    ['torch.view', (x) => torch.view(x, [12]), [2, 6]],
    ['flatten', (x) => x.flatten(), [2, 3, 2]],
    ['torch.flatten 1..2', (x) => torch.flatten(x, 1, 2), [2, 3, 2, 2]],
    ['squeeze', (x) => x.squeeze(), [1, 3, 1, 2]],
    ['torch.squeeze dim', (x) => torch.squeeze(x, 2), [1, 3, 1, 2]],
    ['unsqueeze', (x) => x.unsqueeze(-1), [2, 3]],
    ['torch.unsqueeze', (x) => torch.unsqueeze(x, 0), [2, 3]],
    ['transpose', (x) => x.transpose(0, 2), [2, 3, 4]],
    ['torch.transpose negative', (x) => torch.transpose(x, -1, -2), [2, 3, 4]],
    ['permute', (x) => x.permute([2, 0, 1]), [2, 3, 4]],
    ['torch.permute', (x) => torch.permute(x, [1, 0, 2]), [2, 3, 4]],
    ['T of 2-D', (x) => x.T, [3, 4]],
    ['T of 3-D', (x) => x.T, [2, 3, 4]],
    ['expand', (x) => x.expand([2, 3, 4]), [3, 1]],
    ['torch.expand with -1', (x) => torch.expand(x, [3, -1]), [1, 4]],
    ['narrow', (x) => x.narrow(1, 1, 3), [3, 5]],
    ['torch.narrow negative start', (x) => torch.narrow(x, 0, -3, 2), [4, 2]],
  ];
  it.each(ops)('%s', (_name, fn, shape) => {
    check(fn, [rnd(shape)]);
  });

  it.each([0, 1, -1])('cat along dim %p', (dim) => {
    const shapeFor = (size: number): number[] => (dim === 0 ? [size, 3] : [2, size]);
    check((a, b, c) => torch.cat([a, b, c], dim), [rnd(shapeFor(2)), rnd(shapeFor(1)), rnd(shapeFor(3))]);
  });
  it.each([0, 1, 2, -1])('stack along dim %p', (dim) => {
    check((a, b) => torch.stack([a, b], dim), [rnd([2, 3]), rnd([2, 3])]);
  });
  it('cat with an input that does not require grad', () => {
    const b = rnd([2, 3]).detach();
    check((a) => torch.cat([b, a, b], 0), [rnd([1, 3])]);
  });

  it('gather, with repeated indices and a smaller index', () => {
    const idx1 = torch.tensor([
      [0, 3],
      [3, 1],
      [2, 0],
    ]);
    check((x) => x.gather(1, idx1), [rnd([3, 4])]);
    const idx0 = torch.tensor([
      [2, 2, 0, 1],
      [2, 2, 2, 2],
    ]);
    check((x) => torch.gather(x, 0, idx0), [rnd([3, 4])]);
    const idx3 = torch.tensor([
      [[1], [0]],
      [[3], [3]],
    ]);
    check((x) => x.gather(1, idx3), [rnd([3, 4, 2])]);
    check((x) => x.gather(-1, torch.tensor([[1, 1, 1]])), [rnd([2, 3])]);
  });
  it('indexSelect with repeats, along each dim', () => {
    check((x) => x.indexSelect(0, torch.tensor([3, 0, 3])), [rnd([4, 3])]);
    check((x) => torch.indexSelect(x, 1, torch.tensor([1, 2])), [rnd([2, 4, 2])]);
    check((x) => x.indexSelect(-1, torch.tensor([0, 0, 1])), [rnd([2, 4, 2])]);
  });
});

describe('composites', () => {
  it('an MLP head: logSoftmax(tanh(x W^T + b))', () => {
    check((x, w, b) => x.matmul(w.T).add(b).tanh().logSoftmax(1), [rnd([4, 3]), rnd([5, 3]), rnd([5])]);
  });
  it('one attention step: softmax(q k^T / 2) v', () => {
    check((q, k, v) => q.matmul(k.transpose(-2, -1)).div(2).softmax(-1).matmul(v), [rnd([2, 3, 4]), rnd([2, 5, 4]), rnd([2, 5, 2])]);
  });
  it('a chain mixing broadcasting, unary ops and reductions', () => {
    check(
      (x, y) =>
        x
          .mul(y)
          .sigmoid()
          .sub(x.exp().div(y.abs().add(1)))
          .pow(2)
          .mean(0)
          .sqrt(),
      [rnd([3, 4]), rnd([4])],
    );
  });
  it('a cross-entropy built from primitives', () => {
    const target = torch.tensor([[2], [0], [1]]);
    check((logits) => logits.logSoftmax(1).gather(1, target).neg().mean(), [rnd([3, 4])]);
  });
  it('functions with several outputs', () => {
    expect(gradcheck((x) => [x.exp(), x.sum(0)], [rnd([2, 3])])).toBe(true);
  });
});
