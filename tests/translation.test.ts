/* eslint-disable @typescript-eslint/no-require-imports */
import * as torch from '../src/index';
import { nn, Tensor } from '../src/index';

// The translation friction of porting a PyTorch script (issue "A PyTorch script ports line by line").

describe('sizes as PyTorch takes them: separate numbers or one array, options last', () => {
  it('creation functions', () => {
    expect(torch.zeros(2, 3).shape).toEqual([2, 3]);
    expect(torch.zeros([2, 3]).shape).toEqual([2, 3]);
    expect(torch.zeros(3).shape).toEqual([3]);
    expect(torch.zeros([]).shape).toEqual([]);
    expect(torch.ones(2, 3, { dtype: 'int32' }).dtype).toBe('int32');
    expect(torch.ones([2, 3], { dtype: 'float64' }).toArray()).toEqual([
      [1, 1, 1],
      [1, 1, 1],
    ]);
    const a = torch.randn(3, 5, { generator: new torch.Generator(7) });
    const b = torch.randn([3, 5], { generator: new torch.Generator(7) });
    expect(a.toArray()).toEqual(b.toArray());
    expect(torch.rand(4, 1, { requiresGrad: true }).requiresGrad).toBe(true);
    expect(torch.empty(2, 2).toArray()).toEqual([
      [0, 0],
      [0, 0],
    ]);
  });

  it('view, reshape, permute and expand', () => {
    const x = torch.arange(0, 6);
    expect(x.view(-1, 3).shape).toEqual([2, 3]);
    expect(x.view([3, -1]).shape).toEqual([3, 2]);
    expect(x.view(6).shape).toEqual([6]);
    expect(x.reshape(2, 3).toArray()).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect(x.reshape(2, 3).permute(1, 0).shape).toEqual([3, 2]);
    expect(x.reshape(2, 3).permute([1, 0]).toArray()).toEqual(x.reshape(2, 3).permute(1, 0).toArray());
    expect(torch.tensor([1, 2, 3]).expand(4, -1).shape).toEqual([4, 3]);
    expect(torch.tensor([1, 2, 3]).expand([2, 3]).shape).toEqual([2, 3]);
    const img = torch.zeros(64, 1, 28, 28);
    expect(img.view(-1, 784).shape).toEqual([64, 784]);
    expect(img.view(img.size(0), -1).shape).toEqual([64, 784]);
  });

  it('viewAs, reshapeAs, expandAs and typeAs', () => {
    const x = torch.arange(0, 6);
    const target = torch.zeros(3, 2, { dtype: 'float64' });
    expect(x.viewAs(target).shape).toEqual([3, 2]);
    expect(x.reshapeAs(target).shape).toEqual([3, 2]);
    expect(
      torch
        .tensor([[1], [2], [3]])
        .expandAs(target)
        .toArray(),
    ).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    expect(x.typeAs(target).dtype).toBe('float64');
    expect(() => x.viewAs([3, 2] as never)).toThrow('viewAs: other must be a Tensor, got an array of 2');
  });

  it('newZeros, newOnes, newFull and newEmpty take the tensor dtype unless told otherwise', () => {
    const x = torch.tensor([1.5], { dtype: 'float64' });
    expect(x.newZeros(2, 3).dtype).toBe('float64');
    expect(x.newZeros([2, 3]).shape).toEqual([2, 3]);
    expect(x.newOnes(2, { dtype: 'int32' }).toArray()).toEqual([1, 1]);
    expect(x.newFull([2], 7).toArray()).toEqual([7, 7]);
    expect(x.newEmpty(1).toArray()).toEqual([0]);
    expect(x.newZeros(2, { requiresGrad: true }).requiresGrad).toBe(true);
    expect(() => x.newFull([2], 'a' as never)).toThrow('newFull: fill value must be a number or a boolean, got string "a"');
    expect(() => x.newZeros(2, { dtype: 'float16' } as never)).toThrow(/newZeros/);
  });
});

describe('devices: the CPU is accepted everywhere, the others are an Error saying why', () => {
  it('torch.device, .to(device), .cpu(), x.device', () => {
    const dev = torch.device(torch.cuda.isAvailable() ? 'cuda' : 'cpu');
    expect(String(dev)).toBe('cpu');
    expect(require('util').inspect(dev)).toBe("device(type='cpu')");
    expect(require('util').inspect(torch.device('cpu', 0))).toBe("device(type='cpu', index=0)");
    const x = torch.ones(2);
    expect(x.to(dev)).toBe(x);
    expect(x.to('cpu')).toBe(x);
    expect(x.cpu()).toBe(x);
    expect(x.to(dev, 'float64').dtype).toBe('float64');
    expect(x.to(torch.zeros(1, { dtype: 'int32' })).dtype).toBe('int32');
    expect(String(x.device)).toBe('cpu');
    const model = new nn.Linear(2, 2);
    expect(model.to(dev)).toBe(model);
    expect(model.cpu()).toBe(model);
    expect(torch.backends.mps.isAvailable()).toBe(false);
    expect(torch.cuda.deviceCount()).toBe(0);
  });

  it('cuda and mps name the reason', () => {
    expect(() => torch.device('cuda')).toThrow("device: tsgrad runs on the CPU (its kernels are TypeScript and WebAssembly); device 'cuda' is not available");
    expect(() => torch.ones(1).to('mps' as never)).toThrow(
      "to: tsgrad runs on the CPU (its kernels are TypeScript and WebAssembly); device 'mps' is not available",
    );
    expect(() => torch.ones(1).cuda()).toThrow("cuda: tsgrad runs on the CPU (its kernels are TypeScript and WebAssembly); device 'cuda' is not available");
    expect(() => new nn.ReLU().cuda()).toThrow('Module.cuda: tsgrad runs on the CPU');
    expect(() => torch.device('cpu', 1)).toThrow('device: tsgrad has one CPU device, cpu:0; got index 1');
    expect(() => torch.device('gpu')).toThrow(`device: expected a device string such as 'cpu', got "gpu"`);
  });
});

describe('typed arrays in', () => {
  it('fromArray shares memory, as torch.from_numpy does', () => {
    const buf = new Float32Array([1, 2, 3, 4, 5, 6]);
    const t = torch.fromArray(buf, [2, 3]);
    expect(t.dtype).toBe('float32');
    buf[0] = 10;
    expect(t.toArray()).toEqual([
      [10, 2, 3],
      [4, 5, 6],
    ]);
    t.mul_(2);
    expect(buf[1]).toBe(4);
    expect(torch.fromArray(new Int32Array([1, 2])).dtype).toBe('int32');
    expect(torch.fromArray(new Float64Array(3)).shape).toEqual([3]);
    expect(() => torch.fromArray(new Float32Array(6), [4, 2])).toThrow('fromArray: shape [4, 2] holds 8 elements, but the array has 6');
    expect(() => torch.fromArray(new Uint8Array(2) as never)).toThrow('fromArray: expected a Float32Array, Float64Array or Int32Array');
  });

  it('tensor copies a typed array; asTensor shares it when it can', () => {
    const buf = new Float64Array([1, 2]);
    const copied = torch.tensor(buf);
    buf[0] = 5;
    expect(copied.toArray()).toEqual([1, 2]);
    const shared = torch.asTensor(buf);
    buf[1] = 7;
    expect(shared.toArray()).toEqual([5, 7]);
    expect(torch.asTensor(shared)).toBe(shared);
    expect(torch.asTensor(buf, { dtype: 'float32' }).dtype).toBe('float32');
    expect(torch.asTensor([[1, 2]]).shape).toEqual([1, 2]);
    expect(torch.emptyLike(shared).dtype).toBe('float64');
  });
});

describe('JavaScript operators on tensors throw, naming the method to use', () => {
  const x = torch.tensor([1, 2]);
  const y = torch.tensor([3, 4]);
  const js = (f: (a: unknown, b: unknown) => unknown) => () => f(x, y);

  it('+ and == (with a non-tensor) point to add and eq', () => {
    expect(js((a, b) => (a as number) + (b as number))).toThrow(
      'A Tensor was used with the + or == operator, which JavaScript cannot apply to tensors: use x.add(y)',
    );
    expect(() => (x as unknown) == 3).toThrow('use x.add(y) (x.eq(y) to compare)');
    expect(() => 'loss ' + (x as unknown as string)).toThrow('to print one, use a template literal `${x}` or String(x)');
  });

  it('arithmetic and comparisons point to the methods and item()', () => {
    for (const f of [
      (a: unknown, b: unknown) => (a as number) * (b as number),
      (a: unknown) => -(a as number),
      (a: unknown, b: unknown) => (a as number) < (b as number),
    ]) {
      expect(js(f)).toThrow('A Tensor was used as a number');
    }
    expect(() => Number(x)).toThrow('x.item() for the value of a one-element tensor');
  });

  it('template literals, String, join and console printing still print', () => {
    expect(`${x}`).toBe('tensor([1, 2])');
    expect(String(y)).toBe('tensor([3, 4])');
    expect([x].join()).toBe('tensor([1, 2])');
    expect(require('util').inspect(x)).toBe('tensor([1, 2])');
    expect(x.toString()).toBe('tensor([1, 2])');
    const t: Tensor = torch.tensor(0.5);
    expect(`loss ${t}`).toBe('loss tensor(0.5000)');
  });
});

describe('newTensor', () => {
  it("copies data into this tensor's dtype unless told otherwise, as new_tensor", () => {
    const x = torch.tensor([1.5], { dtype: 'float64' });
    const a = x.newTensor([
      [1, 2],
      [3, 4],
    ]);
    expect(a.dtype).toBe('float64');
    expect(a.shape).toEqual([2, 2]);
    expect(x.newTensor([1, 2], { dtype: 'int32' }).dtype).toBe('int32');
    const src = torch.tensor([1, 2], { dtype: 'float32' });
    const b = x.newTensor(src);
    expect(b.dtype).toBe('float64');
    src.mul_(0);
    expect(b.toArray()).toEqual([1, 2]);
    expect(x.newTensor(new Float32Array([0.5])).dtype).toBe('float64');
    expect(x.newTensor([1], { requiresGrad: true }).requiresGrad).toBe(true);
    expect(() => x.newTensor([[1], [2, 3]])).toThrow('newTensor: ragged nested array');
  });
});
