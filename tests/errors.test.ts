import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../src/index';

// Every misuse is an Error that names the problem and the shapes involved.

describe('shapes that do not broadcast', () => {
  it.each([
    ['add', () => torch.add(torch.zeros([2, 3]), torch.zeros([4]))],
    ['sub', () => torch.zeros([2, 3]).sub(torch.zeros([4]))],
    ['mul', () => torch.zeros([2, 3]).mul(torch.zeros([4]))],
    ['div', () => torch.div(torch.zeros([2, 3]), torch.zeros([4]))],
    ['pow', () => torch.pow(torch.zeros([2, 3]), torch.zeros([4]))],
    ['eq', () => torch.zeros([2, 3]).eq(torch.zeros([4]))],
  ])('%s names the op and both shapes', (op, fn) => {
    expect(fn).toThrow(`${op}: shapes [2, 3] and [4] cannot be broadcast together (size 3 vs 4 at dimension 1 of the result)`);
  });
  it('in a leading dim too', () => {
    expect(() => torch.zeros([2, 1, 3]).add(torch.zeros([5, 4, 1]))).toThrow(/\[2, 1, 3\] and \[5, 4, 1\].*size 2 vs 5 at dimension 0/);
  });
  it('expand to an incompatible shape', () => {
    expect(() => torch.zeros([2, 3]).expand([4, 3])).toThrow(/expand: shapes \[2, 3\] and \[4, 3\] cannot be broadcast/);
    expect(() => torch.zeros([2, 3]).expand([3])).toThrow(/cannot be expanded/);
    expect(() => torch.zeros([2, 3]).expand([-1, 2, 3])).toThrow('expand: invalid shape [-1, 2, 3] for a tensor of shape [2, 3]');
    expect(() => torch.zeros([1, 3]).expand([-2, 3])).toThrow(/invalid shape \[-2, 3\]/);
  });
});

describe('matmul', () => {
  it('mismatched inner dims name both shapes', () => {
    expect(() => torch.matmul(torch.zeros([2, 3]), torch.zeros([4, 5]))).toThrow(
      'matmul: shapes [2, 3] and [4, 5] cannot be multiplied (inner sizes 3 and 4 differ)',
    );
    expect(() => torch.zeros([3]).matmul(torch.zeros([4]))).toThrow(/shapes \[3\] and \[4\] cannot be multiplied/);
    expect(() => torch.zeros([2, 2, 3]).matmul(torch.zeros([2]))).toThrow(/\[2, 2, 3\] and \[2\]/);
  });
  it('batch dims that do not broadcast, and 0-d operands', () => {
    expect(() => torch.zeros([2, 3, 4]).matmul(torch.zeros([3, 4, 5]))).toThrow(/matmul: shapes \[2\] and \[3\] cannot be broadcast/);
    expect(() => torch.matmul(torch.tensor(2.5), torch.zeros([2]))).toThrow(/at least 1 dimension.*\[\] and \[2\]/);
  });
});

describe('reshape', () => {
  it('to a different element count names the shape and the size', () => {
    expect(() => torch.zeros([2, 3]).reshape([4, 2])).toThrow('reshape: shape [4, 2] is invalid for input of size 6 (shape [2, 3])');
    expect(() => torch.zeros([2, 3]).view([4, -1])).toThrow(/shape \[4, -1\] is invalid for input of size 6/);
    expect(() => torch.zeros([2, 3]).reshape([-1, -1])).toThrow(/at most one -1/);
    expect(() => torch.zeros([2, 3]).reshape([2.5, 2])).toThrow(/whole numbers/);
  });
});

describe('dim out of range', () => {
  const x = torch.zeros([2, 3]);
  const message = (op: string, dim: number): string => `${op}: dimension out of range (expected to be in range of [-2, 1], but got ${dim})`;
  it.each([
    ['sum', 2, () => x.sum(2)],
    ['sum', -3, () => x.sum([0, -3])],
    ['mean', 5, () => x.mean(5)],
    ['max', 2, () => x.max(2)],
    ['min', -3, () => torch.min(x, -3)],
    ['max', 2, () => x.argmax(2)],
    ['softmax', 2, () => x.softmax(2)],
    ['logSoftmax', -3, () => torch.logSoftmax(x, -3)],
    ['transpose', 2, () => x.transpose(0, 2)],
    ['permute', 2, () => x.permute([0, 2])],
    ['squeeze', 2, () => x.squeeze(2)],
    ['flatten', 2, () => x.flatten(2)],
    ['cat', 2, () => torch.cat([x, x], 2)],
    ['gather', 2, () => x.gather(2, torch.tensor([[0]]))],
    ['indexSelect', -3, () => x.indexSelect(-3, torch.tensor([0]))],
    ['narrow', 2, () => x.narrow(2, 0, 1)],
    ['size', 2, () => x.size(2)],
  ])('%s with dim %p', (op, dim, fn) => {
    expect(fn).toThrow(message(op, dim));
  });
  it('unsqueeze and stack count the new dim', () => {
    expect(() => x.unsqueeze(3)).toThrow('unsqueeze: dimension out of range (expected to be in range of [-3, 2], but got 3)');
    expect(() => torch.stack([x, x], -4)).toThrow('stack: dimension out of range (expected to be in range of [-3, 2], but got -4)');
  });
  it('a reduction names a dim twice', () => {
    expect(() => x.sum([1, -1])).toThrow(/names a dimension twice/);
  });
});

describe('ragged nested arrays', () => {
  it('name the expected length, the depth and where', () => {
    expect(() =>
      torch.tensor([
        [1, 2, 3],
        [4, 5],
      ]),
    ).toThrow('tensor: ragged nested array: expected a sequence of length 3 at dim 1 (index [1]), but got length 2');
    expect(() => torch.tensor([[[1, 2]], [[3, 4]], [[5]]])).toThrow(/length 2 at dim 2 \(index \[2, 0\]\), but got length 1/);
  });
});

describe('other misuse', () => {
  it('backward on a non-scalar without a gradient, or with a wrong one', () => {
    const y = torch.ones([2, 3], { requiresGrad: true }).mul(2);
    expect(() => y.backward()).toThrow(/implicitly created only for scalar outputs.*shape \[2, 3\]/);
    expect(() => y.backward(torch.ones([3]))).toThrow('backward: gradient has shape [3] but the tensor has shape [2, 3]');
    expect(() => y.backward(1)).toThrow(/a number gradient only fits a one-element tensor.*\[2, 3\]/);
    expect(() => torch.ones([2]).sum().backward()).toThrow(/does not require grad and has no grad_fn/);
  });
  it('cat, stack, gather, indexSelect, narrow with bad arguments', () => {
    expect(() => torch.cat([torch.zeros([2, 3]), torch.zeros([2, 4])], 0)).toThrow(
      'cat: sizes must match except in dimension 0: tensors[0] has shape [2, 3], tensors[1] has shape [2, 4]',
    );
    expect(() => torch.cat([])).toThrow(/non-empty array/);
    expect(() => torch.cat([torch.tensor(1.5)])).toThrow(/zero-dimensional/);
    expect(() => torch.stack([torch.zeros([2]), torch.zeros([3])])).toThrow(/equal size.*\[2\] at entry 0 and \[3\] at entry 1/);
    expect(() => torch.zeros([3]).gather(0, torch.tensor([3]))).toThrow(/index 3 is out of bounds for dimension with size 3/);
    expect(() => torch.zeros([3]).gather(0, torch.tensor([0.5]))).toThrow(/index must be an int32 tensor, got float32/);
    expect(() => torch.zeros([2, 2]).gather(0, torch.tensor([0]))).toThrow(/index of shape \[1\] must have the input's rank/);
    expect(() => torch.zeros([3, 2]).indexSelect(0, torch.tensor([[0]]))).toThrow(/index must be 1-D, got shape \[1, 1\]/);
    expect(() => torch.zeros([3, 2]).narrow(0, 2, 2)).toThrow(/start 2 and length 2 exceed dimension 0 of size 3/);
  });
  it('permute needs every dim once', () => {
    expect(() => torch.zeros([2, 3]).permute([0])).toThrow(/number of dims \(1\).*2 dims \(shape \[2, 3\]\)/);
    expect(() => torch.zeros([2, 3]).permute([1, 1])).toThrow(/repeat a dimension/);
  });
  it('reductions of empty tensors, mean of ints, softmax without a dim', () => {
    expect(() => torch.zeros([0, 3]).max()).toThrow('max: cannot reduce an empty tensor of shape [0, 3] (no identity for max)');
    expect(() => torch.zeros([2, 0]).min(1)).toThrow(/empty tensor of shape \[2, 0\]/);
    expect(() => torch.tensor([1, 2]).mean()).toThrow(/floating point dtype, got int32/);
    expect(() => (torch.softmax as (x: torch.Tensor) => torch.Tensor)(torch.zeros([2]))).toThrow(/dim is required/);
  });
  it('pow, clamp, sub and neg with unsupported arguments', () => {
    expect(() => torch.tensor([2]).pow(-1)).toThrow(/integers to negative integer powers/);
    expect(() => torch.zeros([2]).clamp()).toThrow(/at least one of 'min' or 'max'/);
    expect(() => torch.tensor([true]).sub(torch.tensor([false]))).toThrow(/subtracting bool tensors/);
    expect(() => torch.tensor([true]).neg()).toThrow(/negating a bool tensor/);
    expect(() => torch.zeros([2]).add('1' as never)).toThrow();
  });
  it('in-place ops that cannot write the result', () => {
    expect(() => torch.zeros([3]).add_(torch.zeros([2, 3]))).toThrow(/result of shape \[2, 3\] cannot be written into a tensor of shape \[3\]/);
  });
});

// Which calls PyTorch accepts and which it rejects (tests/golden/gen_decisions.py writes the table):
// tsgrad must decide the same, and give the same result dtype where it accepts.
describe('PyTorch accepts or rejects, and tsgrad decides the same', () => {
  const table = JSON.parse(fs.readFileSync(path.join(__dirname, 'golden', 'decisions.json'), 'utf8')) as {
    torch: string;
    cases: { name: string; decision: string; torchMessage?: string }[];
  };
  const F = torch.nn.functional;
  type T = torch.Tensor;
  const unary: Record<string, (x: T) => unknown> = {
    exp: (x) => torch.exp(x),
    log: (x) => torch.log(x),
    sqrt: (x) => torch.sqrt(x),
    abs: (x) => torch.abs(x),
    sign: (x) => torch.sign(x),
    relu: (x) => torch.relu(x),
    sigmoid: (x) => torch.sigmoid(x),
    tanh: (x) => torch.tanh(x),
    'clamp(x, 0)': (x) => torch.clamp(x, 0),
    'clamp(x, 0.5)': (x) => torch.clamp(x, 0.5),
    'pow(x, 2)': (x) => torch.pow(x, 2),
    'pow(x, 0.5)': (x) => torch.pow(x, 0.5),
    'pow(x, x)': (x) => torch.pow(x, x),
    neg: (x) => torch.neg(x),
    softmax: (x) => torch.softmax(x, 0),
    logSoftmax: (x) => torch.logSoftmax(x, 0),
    sum: (x) => torch.sum(x),
    mean: (x) => torch.mean(x),
    max: (x) => torch.max(x),
    'max(x, 0)': (x) => torch.max(x, 0)[0],
    min: (x) => torch.min(x),
    argmax: (x) => torch.argmax(x),
    argmin: (x) => torch.argmin(x),
    'argmax(x, 0)': (x) => torch.argmax(x, 0),
    'add(x, x)': (x) => torch.add(x, x),
    'sub(x, x)': (x) => torch.sub(x, x),
    'mul(x, x)': (x) => torch.mul(x, x),
    'div(x, x)': (x) => torch.div(x, x),
    'add(x, 1)': (x) => torch.add(x, 1),
    'sub(x, 1)': (x) => torch.sub(x, 1),
    'sub(1, x)': (x) => torch.sub(1, x),
    'matmul(x, x)': (x) => torch.matmul(x, x),
    linear: (x) => F.linear(x.reshape([1, 2]), x.reshape([1, 2])),
    leakyRelu: (x) => F.leakyRelu(x),
    'mseLoss(x, x)': (x) => F.mseLoss(x, x),
    clone: (x) => torch.clone(x),
    uniform_: (x) => x.clone().uniform_(0, 1),
    normal_: (x) => x.clone().normal_(0, 1),
    'fill_(1.5)': (x) => x.clone().fill_(1.5),
    'add_(0.5)': (x) => x.clone().add_(0.5),
    'add_(1)': (x) => x.clone().add_(1),
    'mul_(2)': (x) => x.clone().mul_(2),
    'div_(2)': (x) => x.clone().div_(2),
    'copy_(float)': (x) => x.clone().copy_(torch.tensor([0.5, 1.5])),
  };
  const f32 = (...v: number[]): T => torch.tensor(v, { dtype: 'float32' });
  const f64 = { dtype: 'float64' } as const;
  const single: Record<string, () => unknown> = {
    'matmul float32 x float64 (2-D)': () => torch.zeros([2, 3]).matmul(torch.zeros([3, 2], f64)),
    'matmul float32 x float64 (1-D)': () => torch.zeros([3]).matmul(torch.zeros([3], f64)),
    'matmul float32 x float64 (batched)': () => torch.zeros([2, 2, 3]).matmul(torch.zeros([3, 2], f64)),
    'matmul int x float32': () => torch.ones([2, 3], { dtype: 'int32' }).matmul(torch.ones([3, 2])),
    'linear float32 input, float64 weight': () => F.linear(torch.zeros([2, 3]), torch.zeros([4, 3], f64)),
    'flatten(0-d, 2, 2)': () => torch.flatten(torch.tensor(1.5), 2, 2),
    'flatten(0-d, 1)': () => torch.flatten(torch.tensor(1.5), 1),
    'flatten(0-d, 0, 0)': () => torch.flatten(torch.tensor(1.5), 0, 0),
    'flatten(0-d, -1, 0)': () => torch.flatten(torch.tensor(1.5), -1, 0),
    'squeeze(x, [1, 1])': () => torch.zeros([2, 1, 3]).squeeze([1, 1]),
    'squeeze(x, [1, -2])': () => torch.zeros([2, 1, 3]).squeeze([1, -2]),
    'squeeze(x, [])': () => torch.zeros([2, 1, 3]).squeeze([]),
    'squeeze(x, [0, 1])': () => torch.zeros([2, 1, 3]).squeeze([0, 1]),
    'uniform_(1, 0)': () => torch.zeros([3]).uniform_(1, 0),
    'uniform_(1, 1)': () => torch.zeros([3]).uniform_(1, 1),
    'uniform_(nan, 1)': () => torch.zeros([3]).uniform_(NaN, 1),
    'uniform_(0, inf)': () => torch.zeros([3]).uniform_(0, Infinity),
    'normal_(0, -1)': () => torch.zeros([3]).normal_(0, -1),
    'normal_(0, 0)': () => torch.zeros([3]).normal_(0, 0),
    'normal_(0, nan)': () => torch.zeros([3]).normal_(0, NaN),
    'normal_(inf, 1)': () => torch.zeros([3]).normal_(Infinity, 1),
    'nn.init.uniform_(t, 1, 0)': () => torch.nn.init.uniform_(torch.zeros([3]), 1, 0),
    "full([2], 'a')": () => torch.full([2], 'a' as never),
    'full([2], null)': () => torch.full([2], null as never),
    'full([2], nan)': () => torch.full([2], NaN),
    'full([2], nan, int32)': () => torch.full([2], NaN, { dtype: 'int32' }),
    'full([2], inf, int32)': () => torch.full([2], Infinity, { dtype: 'int32' }),
    'full([2], 3e9, int32)': () => torch.full([2], 3e9, { dtype: 'int32' }),
    'full([2], 1.5, int32)': () => torch.full([2], 1.5, { dtype: 'int32' }),
    'full([2], 2, bool)': () => torch.full([2], 2, { dtype: 'bool' }),
    'tensor([3e9], int32)': () => torch.tensor([3e9], { dtype: 'int32' }),
    'tensor([nan], int32)': () => torch.tensor([NaN], { dtype: 'int32' }),
    'fill_(inf) of int32': () => torch.zeros([2], { dtype: 'int32' }).fill_(Infinity),
    'fill_(3e9) of int32': () => torch.zeros([2], { dtype: 'int32' }).fill_(3e9),
    'fill_(true) of float32': () => torch.zeros([2]).fill_(true),
    'sub(int, bool)': () => torch.sub(torch.tensor([1]), torch.tensor([true])),
    'sub(float, bool)': () => torch.sub(torch.tensor([1.5]), torch.tensor([true])),
    'sub(bool, 1.5)': () => torch.sub(torch.tensor([true]), 1.5),
    'add_(float64) of float32': () => torch.ones([2]).add_(torch.ones([2], f64)),
    'add_(float) of int': () => torch.ones([2], { dtype: 'int32' }).add_(torch.ones([2])),
    'binaryCrossEntropy target 2': () => F.binaryCrossEntropy(f32(0.5), f32(2)),
    'binaryCrossEntropy target -0.5': () => F.binaryCrossEntropy(f32(0.5), f32(-0.5)),
    'binaryCrossEntropy target nan': () => F.binaryCrossEntropy(f32(0.5), f32(NaN)),
    'binaryCrossEntropy target 0.5': () => F.binaryCrossEntropy(f32(0.5), f32(0.5)),
    'binaryCrossEntropy target 1 and 0': () => F.binaryCrossEntropy(f32(0.5, 0.5), f32(1, 0)),
    'binaryCrossEntropy input nan': () => F.binaryCrossEntropy(f32(NaN), f32(0.5)),
    'binaryCrossEntropy input 1.5': () => F.binaryCrossEntropy(f32(1.5), f32(0.5)),
    'binaryCrossEntropyWithLogits target 2': () => F.binaryCrossEntropyWithLogits(f32(0.5), f32(2)),
    'crossEntropy int logits': () => F.crossEntropy(torch.tensor([[1, 2]]), torch.tensor([0])),
    'mseLoss float32 input, bool target': () => F.mseLoss(f32(0.5, 1), torch.tensor([true, false])),
    'pow(float requiring grad, bool tensor) backward': () =>
      torch
        .pow(f32(1, 2).requiresGrad_(), torch.tensor([true, false]))
        .sum()
        .backward(),
  };
  const call = (name: string): (() => unknown) => {
    if (name in single) return single[name];
    const [op, dtype] = name.split(' of ');
    if (!(op in unary)) throw new Error(`no tsgrad call for case '${name}'`);
    return () => unary[op](torch.tensor([1, 0], { dtype: dtype as torch.DType }));
  };
  const decide = (fn: () => unknown): string => {
    let out: unknown;
    try {
      out = fn();
    } catch (e) {
      // a decision is an Error that names the op, never a TypeError from deep inside
      expect(e).toBeInstanceOf(Error);
      expect((e as Error).constructor).toBe(Error);
      return 'error';
    }
    return out instanceof torch.Tensor ? `ok:${out.dtype}` : 'ok';
  };
  it(`covers every case (${table.cases.length}, from PyTorch ${table.torch})`, () => {
    expect(table.cases.length).toBeGreaterThan(200);
    expect(Object.keys(single).every((name) => table.cases.some((c) => c.name === name))).toBe(true);
  });
  it.each(table.cases.map((c) => [c.name, c.decision, c.torchMessage ?? '']))('%s: %s %s', (name, decision) => {
    expect(decide(call(name))).toBe(decision);
  });
});

describe('what PyTorch rejects, tsgrad rejects with a message that names the op, what it got and what it expects', () => {
  const F = torch.nn.functional;
  it.each([
    [
      () => torch.zeros([2, 3]).matmul(torch.zeros([3, 2], { dtype: 'float64' })),
      "matmul: expected both operands to have the same dtype, but got float32 and float64 (as PyTorch, which does not promote here); convert one with .to('float64')",
    ],
    [
      () => torch.tensor([[true]]).matmul(torch.tensor([[true]])),
      'matmul: bool tensors are not supported (as in PyTorch); convert them with .int() or .float() first',
    ],
    [() => torch.softmax(torch.tensor([1, 2]), 0), 'softmax: input must be a floating point tensor, got int32 (as in PyTorch); convert it with .float() first'],
    [() => torch.logSoftmax(torch.tensor([true]), 0), 'logSoftmax: input must be a floating point tensor, got bool'],
    [() => torch.relu(torch.tensor([true])), 'relu: bool tensors are not supported (as in PyTorch); convert with .int() or .float() first'],
    [() => torch.abs(torch.tensor([true])), 'abs: bool tensors are not supported (as in PyTorch)'],
    [() => torch.argmax(torch.tensor([true, false])), 'argmax: does not support bool input (as in PyTorch); convert it with .int() first'],
    [() => torch.tensor([true]).argmin(0), 'argmin: does not support bool input'],
    [() => F.leakyRelu(torch.tensor([1, -1])), 'leakyRelu: input must be a floating point tensor, got int32 (as in PyTorch)'],
    [
      () => torch.sub(torch.tensor([true]), 1),
      'sub: subtracting with a bool tensor is not supported (as in PyTorch); to invert a mask use mask.eq(false), or convert it with .int() first',
    ],
    [() => torch.tensor([true]).pow(torch.tensor([true])), 'pow: bool tensors are not supported (as in PyTorch)'],
    [() => torch.flatten(torch.tensor(1.5), 2, 2), 'flatten: dimension out of range (expected to be in range of [-1, 0], but got 2)'],
    [() => torch.zeros([2, 1, 3]).squeeze([1, 1]), 'squeeze: dim 1 appears multiple times in the list of dims'],
    [() => torch.zeros([2, 1, 3]).squeeze([1, -2]), 'squeeze: dim 1 appears multiple times in the list of dims'],
    [() => torch.zeros([3]).uniform_(1, 0), 'uniform_: expects to return a [low, high) range, but found low=1 > high=0'],
    [() => torch.zeros([3]).uniform_(NaN, 1), 'uniform_: low must be a finite number, got NaN'],
    [() => torch.zeros([3], { dtype: 'int32' }).uniform_(), 'uniform_: only floating point tensors can be filled with random samples, this one is int32'],
    [() => torch.zeros([3]).normal_(0, -1), 'normal_: expects std >= 0.0, but found std -1'],
    [() => torch.zeros([3]).normal_(0, 1, 5 as never), 'normal_: generator must be a Generator (new Generator(seed)), got 5'],
    [() => torch.zeros([2], { dtype: 'int32' }).fill_(NaN), 'fill_: value NaN cannot be converted to int32 without overflow'],
    [() => torch.zeros([2]).fill_('a' as never), 'fill_: the value must be a number or a boolean, got string "a"'],
    [() => torch.ones([2], { dtype: 'int32' }).div_(2), "div_: result type float32 can't be cast to the desired output type int32 (as in PyTorch)"],
    [() => torch.ones([2], { dtype: 'bool' }).add_(1), "add_: result type int32 can't be cast to the desired output type bool"],
    [() => torch.zeros([2]).copy_(null as never), 'copy_: src must be a Tensor, got null'],
    [() => F.linear(torch.tensor([[true]]), torch.tensor([[true]])), 'linear: bool tensors are not supported (as in PyTorch)'],
  ])('%#', (fn, message) => {
    expect(fn).toThrow(message);
  });
  it('a failed in-place call changes nothing', () => {
    const x = torch.tensor([1, 2], { dtype: 'int32' });
    const version = x._version.value;
    expect(() => x.div_(2)).toThrow();
    expect(() => x.fill_(Infinity)).toThrow();
    const y = torch.tensor([0.5, 0.25], { dtype: 'float32' });
    expect(() => y.uniform_(1, 0)).toThrow();
    expect(() => y.normal_(0, -1)).toThrow();
    expect([x.toArray(), y.toArray(), x._version.value]).toEqual([[1, 2], [0.5, 0.25], version]);
  });
});

describe('arguments of the wrong type are Errors that name the argument, what it got and what it expects', () => {
  const x = torch.randn([4, 4]);
  const any = x as unknown as Record<string, (...a: unknown[]) => unknown>;
  const F = torch.nn.functional;
  it.each([
    [() => any.add('1'), 'add: other must be a Tensor or a number, got string "1"'],
    [() => torch.add('1' as never, x), 'add: input must be a Tensor or a number, got string "1"'],
    [() => torch.mul(x, null as never), 'mul: other must be a Tensor or a number, got null'],
    [() => any.add(x, 'a'), 'add: alpha must be a number, got string "a"'],
    [() => any.eq([1]), 'eq: other must be a Tensor or a number, got an array of 1'],
    [() => any.pow('2'), 'pow: other must be a Tensor or a number, got string "2"'],
    [() => any.clamp('a'), 'clamp: min must be a number or null, got string "a"'],
    [() => any.add_(null), 'add_: other must be a Tensor or a number, got null'],
    [() => torch.sum(null as never), 'sum: input must be a Tensor, got null'],
    [() => any.sum('1'), 'sum: dim must be a whole number, a list of them, or null, got string "1"'],
    [() => any.sum(0, 'yes'), 'sum: keepdim must be true or false, got string "yes"'],
    [() => torch.max(new Float32Array(3) as never, 1), 'max: input must be a Tensor, got a Float32Array'],
    [() => any.softmax('1'), 'softmax: dim must be a whole number, got string "1"'],
    [() => any.transpose('a', 0), 'transpose: dim must be a whole number, got string "a"'],
    [() => any.reshape(null), 'reshape: sizes must be numbers, as reshape(2, 3), or one array, as reshape([2, 3]); argument 0 is null'],
    [() => torch.reshape(x, 16 as never), 'reshape: shape must be an array of sizes such as [2, -1], got 16'],
    [() => any.permute(1, '0'), 'permute: sizes must be numbers, as permute(2, 3), or one array, as permute([2, 3]); argument 1 is string "0"'],
    [() => any.expand(null), 'expand: sizes must be numbers, as expand(2, 3), or one array, as expand([2, 3]); argument 0 is null'],
    [() => any.narrow(0, 'a', 1), 'narrow: start must be a whole number, got string "a"'],
    [
      () =>
        torch
          .ones([2], { requiresGrad: true })
          .mul(2)
          .backward([1, 1] as never),
      'backward: gradient must be a Tensor (or a number, for a one-element tensor), got an array of 2',
    ],
    [
      () =>
        torch
          .ones([1], { requiresGrad: true })
          .mul(2)
          .backward('a' as never),
      'backward: gradient must be a Tensor (or a number, for a one-element tensor), got string "a"',
    ],
    [() => torch.ones([1]).requiresGrad_('yes' as never), 'requiresGrad: must be true or false, got string "yes"'],
    [() => torch.rand([2], { generator: 5 as never }), 'rand: generator must be a Generator (new Generator(seed)), got 5'],
    [() => F.crossEntropy(x, torch.tensor([0, 1, 2, 3]), null as never), 'crossEntropy: options must be an object like { weight: ... }, got null'],
    [() => F.linear(x, torch.ones([2, 4]), 5 as never), 'linear: bias must be a Tensor, got 5'],
    [
      () => new torch.nn.Linear(2, 2).loadStateDict(null as never),
      'loadStateDict: expected a state dict (an object of Tensors by name, as stateDict() returns), got null',
    ],
    [() => new torch.nn.Parameter(null as never), 'Parameter: data must be a Tensor, got null'],
    [() => new torch.nn.Linear(4, 2).forward([1, 2, 3, 4] as never), 'Linear(in_features=4, out_features=2) expects a Tensor input, got an array of 4'],
    [() => new torch.nn.Softmax('1' as never), 'Softmax: dim must be a whole number, got string "1"'],
    [() => new torch.nn.LeakyReLU('0.1' as never), 'LeakyReLU: negativeSlope must be a number, got string "0.1"'],
    [() => new torch.nn.Linear(2, 2).train('no' as never), 'train: mode must be true or false, got string "no"'],
    [() => new torch.nn.Linear(2, 2).zeroGrad('no' as never), 'zeroGrad: setToNone must be true or false, got string "no"'],
    [() => torch.noGrad(5 as never), 'noGrad: expected a function to run, as in noGrad(() => ...), got 5'],
    [() => torch.nn.init.uniform_(null as never), 'uniform_: tensor must be a Tensor, got null'],
    [() => torch.nn.init.kaimingUniform_(null as never), 'kaimingUniform_: tensor must be a Tensor, got null'],
    [() => torch.promoteTypes('float16' as never, 'float32'), "promoteTypes: unknown dtype 'float16'"],
    [() => torch.data.defaultCollate(null as never), 'defaultCollate: expected an array of items, got null'],
    [() => new torch.data.TensorDataset(x).get('a' as never), 'TensorDataset: index must be a whole number, got string "a"'],
    [() => new torch.data.Subset(null as never, [0]), 'Subset: expected a Dataset'],
    [() => torch.autograd.defineOp(undefined as never), 'defineOp: expected a definition { name, forward, backward }, got undefined'],
    [() => x.to('cuda' as never), "to: tsgrad runs on the CPU (its kernels are TypeScript and WebAssembly); device 'cuda' is not available"],
  ])('%#', (fn, message) => {
    expect(fn).toThrow(message);
  });

  it("the friendly forms PyTorch accepts: x.view(16), x.reshape(-1), x.expand(3), to('cpu')", () => {
    expect(x.view(16).shape).toEqual([16]);
    expect(torch.view(x, 16).shape).toEqual([16]);
    expect(x.reshape(-1).shape).toEqual([16]);
    expect(torch.ones([1]).expand(3).shape).toEqual([3]);
    expect(x.to('cpu')).toBe(x);
  });

  it('no public function, Tensor method or constructor throws a TypeError (or anything but an Error) for a bad argument', () => {
    const bads: unknown[] = [null, undefined, 'a', {}, [], NaN, true, new Float32Array(2), () => 1, -1, 1.5];
    const failures = new Set<string>();
    const attempt = (name: string, f: () => unknown): void => {
      try {
        f();
      } catch (e) {
        if ((e as Error)?.constructor !== Error) failures.add(`${name}: ${String(e)}`);
      }
    };
    const plausible = (i: number): unknown => (i === 0 ? torch.randn([2, 3]) : i === 1 ? 1 : undefined);
    const functions: [string, (...a: unknown[]) => unknown][] = [];
    const skip = new Set(['setDefaultDtype', 'manualSeed', 'setPrintOptions', 'setBackend', 'setGradEnabled']); // global state; checked elsewhere
    for (const [k, v] of Object.entries(torch)) if (typeof v === 'function' && !/^[A-Z]/.test(k) && !skip.has(k)) functions.push([k, v as never]);
    for (const [k, v] of Object.entries(F)) if (typeof v === 'function') functions.push([`nn.functional.${k}`, v as never]);
    for (const [k, v] of Object.entries(torch.nn.init)) if (typeof v === 'function') functions.push([`nn.init.${k}`, v as never]);
    for (const [k, v] of Object.entries(torch.data)) if (typeof v === 'function' && !/^[A-Z]/.test(k)) functions.push([`data.${k}`, v as never]);
    for (const [name, fn] of functions) {
      for (let pos = 0; pos < 4; pos++)
        for (const b of bads) attempt(`${name} arg ${pos} = ${String(b)}`, () => fn(...[0, 1, 2, 3].map((i) => (i === pos ? b : plausible(i)))));
    }
    const privateMethods = new Set(['constructor', 'assign', 'beginInPlace', 'checkRandomFill']);
    for (const m of Object.getOwnPropertyNames(torch.Tensor.prototype)) {
      const method = Object.getOwnPropertyDescriptor(torch.Tensor.prototype, m)?.value as unknown;
      if (privateMethods.has(m) || m.startsWith('_') || typeof method !== 'function') continue;
      for (let pos = 0; pos < 3; pos++) {
        for (const b of bads)
          attempt(`Tensor.${m} arg ${pos} = ${String(b)}`, () =>
            (method as (...a: unknown[]) => unknown).apply(
              torch.randn([2, 3]),
              [0, 1, 2].map((i) => (i === pos ? b : i === 0 ? 1 : undefined)),
            ),
          );
      }
    }
    const p = (): torch.Tensor => torch.ones([1], { requiresGrad: true });
    const ds = (): torch.data.TensorDataset<torch.Tensor[]> => new torch.data.TensorDataset(torch.zeros([4, 2]));
    const constructors: [string, new (...a: unknown[]) => unknown, unknown[]][] = [
      ['Linear', torch.nn.Linear as never, [2, 3]],
      ['CrossEntropyLoss', torch.nn.CrossEntropyLoss as never, []],
      ['NLLLoss', torch.nn.NLLLoss as never, []],
      ['BCELoss', torch.nn.BCELoss as never, []],
      ['BCEWithLogitsLoss', torch.nn.BCEWithLogitsLoss as never, []],
      ['MSELoss', torch.nn.MSELoss as never, []],
      ['LeakyReLU', torch.nn.LeakyReLU as never, []],
      ['Softmax', torch.nn.Softmax as never, [1]],
      ['Flatten', torch.nn.Flatten as never, []],
      ['Sequential', torch.nn.Sequential as never, []],
      ['Parameter', torch.nn.Parameter as never, [torch.zeros([2])]],
      ['Generator', torch.Generator as never, []],
      ['SGD', torch.optim.SGD as never, [[p()], { lr: 0.1 }]],
      ['Adam', torch.optim.Adam as never, [[p()]]],
      ['DataLoader', torch.data.DataLoader as never, [ds()]],
      ['TensorDataset', torch.data.TensorDataset as never, [torch.zeros([2])]],
      ['Subset', torch.data.Subset as never, [ds(), [0]]],
    ];
    for (const [name, C, args] of constructors) {
      for (let pos = 0; pos <= args.length; pos++)
        for (const b of bads)
          attempt(`new ${name} arg ${pos} = ${String(b)}`, () => new C(...args.map((a, i) => (i === pos ? b : a)), ...(pos === args.length ? [b] : [])));
    }
    const modules = [torch.nn.Linear, torch.nn.CrossEntropyLoss, torch.nn.MSELoss, torch.nn.ReLU, torch.nn.Softmax, torch.nn.Flatten, torch.nn.Sequential];
    for (const M of modules) {
      for (let pos = 0; pos < 2; pos++) {
        for (const b of bads) {
          attempt(`${M.name}.forward arg ${pos} = ${String(b)}`, () =>
            new (M as never as new (...a: number[]) => { forward(...a: unknown[]): unknown })(3, 2).forward(
              ...[0, 1].map((i) => (i === pos ? b : torch.randn([2, 3]))),
            ),
          );
        }
      }
    }
    for (const m of ['loadStateDict', 'to', 'train', 'apply', 'registerBuffer', 'namedModules', 'zeroGrad']) {
      for (const b of bads) attempt(`Module.${m}(${String(b)})`, () => (new torch.nn.Linear(3, 2) as unknown as Record<string, (a: unknown) => unknown>)[m](b));
    }
    for (const m of ['step', 'zeroGrad', 'loadStateDict', 'addParamGroup']) {
      for (const b of bads)
        attempt(`SGD.${m}(${String(b)})`, () => (new torch.optim.SGD([p()], { lr: 0.1 }) as unknown as Record<string, (a: unknown) => unknown>)[m](b));
    }
    expect([...failures]).toEqual([]);
  });
});
