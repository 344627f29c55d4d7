import * as torch from '../src/index';

afterEach(() => torch.setDefaultDtype('float32'));

describe('tensor()', () => {
  it('infers shape and dtype from nested arrays', () => {
    const f = torch.tensor([
      [1.5, 2],
      [3, 4],
    ]);
    expect(f.shape).toEqual([2, 2]);
    expect(f.dtype).toBe('float32');
    expect(f.numel()).toBe(4);
    expect(f.toArray()).toEqual([
      [1.5, 2],
      [3, 4],
    ]);

    const i = torch.tensor([1, 2, 3]);
    expect(i.dtype).toBe('int32'); // whole numbers are PyTorch's int64, played by int32

    const b = torch.tensor([true, false]);
    expect(b.dtype).toBe('bool');
    expect(b.toArray()).toEqual([true, false]);
  });

  it('makes 0-d tensors from numbers, and empty tensors', () => {
    const s = torch.tensor(2.5);
    expect(s.shape).toEqual([]);
    expect(s.ndim).toBe(0);
    expect(s.item()).toBe(2.5);
    expect(s.toArray()).toBe(2.5);

    const e = torch.tensor([]);
    expect(e.shape).toEqual([0]);
    expect(e.dtype).toBe('float32');
    expect(torch.tensor([[], []]).shape).toEqual([2, 0]);
  });

  it('takes dtype and requiresGrad options; requiresGrad implies the default float', () => {
    const x = torch.tensor([1, 2], { dtype: 'float64' });
    expect(x.dtype).toBe('float64');
    expect(x.data).toBeInstanceOf(Float64Array);
    const y = torch.tensor([1, 2], { requiresGrad: true });
    expect(y.dtype).toBe('float32');
    expect(y.requiresGrad).toBe(true);
    expect(y.isLeaf).toBe(true);
    expect(torch.tensor([1.7, -1.7], { dtype: 'int32' }).toArray()).toEqual([1, -1]); // truncates toward 0
  });

  it('stores any nonzero number as true in a bool tensor, as PyTorch does', () => {
    const b = torch.tensor([2, 0, -1, 0.5], { dtype: 'bool' });
    expect(Array.from(b.data)).toEqual([1, 0, 1, 1]);
    expect(b.eq(torch.tensor([true, false, true, true])).toArray()).toEqual([true, true, true, true]);
    expect(torch.full([2], 5, { dtype: 'bool' }).sum().item()).toBe(2);
    expect(torch.zeros([2], { dtype: 'bool' }).fill_(3).sum().item()).toBe(2);
  });

  it('copies a Tensor argument (detached)', () => {
    const a = torch.tensor([1, 2, 3], { requiresGrad: true });
    const b = torch.tensor(a, { dtype: 'float64' });
    expect(b.dtype).toBe('float64');
    expect(b.requiresGrad).toBe(false);
    b.data[0] = 9;
    expect(a.data[0]).toBe(1);
  });

  it('rejects ragged nested arrays, naming where', () => {
    expect(() => torch.tensor([[1, 2], [3]])).toThrow(/ragged.*length 2.*dim 1.*\[1\].*length 1/);
    expect(() => torch.tensor([[1, 2], 3] as never)).toThrow(/ragged.*got a number/);
    expect(() => torch.tensor([1, [2]] as never)).toThrow(/ragged.*element \[1\] is an array/);
    expect(() =>
      torch.tensor([
        [[1], [2]],
        [[3], [4, 5]],
      ]),
    ).toThrow(/ragged.*\[1, 1\]/);
    expect(() => torch.tensor([1, 'a'] as never)).toThrow(/element \[1\] is string/);
    expect(() => torch.tensor([true, 1] as never)).toThrow(/mixes booleans and numbers/);
  });
});

describe('filled tensors and ranges', () => {
  it('zeros, ones, full', () => {
    const z = torch.zeros([2, 3]);
    expect(z.shape).toEqual([2, 3]);
    expect(z.dtype).toBe('float32');
    expect(Array.from(z.data)).toEqual([0, 0, 0, 0, 0, 0]);
    const o = torch.ones([3], { dtype: 'int32' });
    expect(o.dtype).toBe('int32');
    expect(o.toArray()).toEqual([1, 1, 1]);
    expect(torch.zeros([]).shape).toEqual([]);
    expect(torch.full([2], 7).dtype).toBe('int32');
    expect(torch.full([2], 0.5).toArray()).toEqual([0.5, 0.5]);
    expect(torch.full([2], true).dtype).toBe('bool');
    const g = torch.ones([2], { requiresGrad: true });
    expect(g.requiresGrad).toBe(true);
  });

  it('zerosLike, onesLike, fullLike keep shape and dtype', () => {
    const x = torch.tensor([[1, 2, 3]], { dtype: 'float64' });
    expect(torch.zerosLike(x).dtype).toBe('float64');
    expect(torch.zerosLike(x).shape).toEqual([1, 3]);
    expect(torch.onesLike(x).toArray()).toEqual([[1, 1, 1]]);
    expect(torch.onesLike(x, { dtype: 'int32' }).dtype).toBe('int32');
    expect(torch.fullLike(x, 2.5).toArray()).toEqual([[2.5, 2.5, 2.5]]);
  });

  it('arange', () => {
    expect(torch.arange(5).toArray()).toEqual([0, 1, 2, 3, 4]);
    expect(torch.arange(5).dtype).toBe('int32');
    expect(torch.arange(2, 8, 3).toArray()).toEqual([2, 5]);
    expect(torch.arange(5, 0, -2).toArray()).toEqual([5, 3, 1]);
    const f = torch.arange(0, 1, 0.25);
    expect(f.dtype).toBe('float32');
    expect(f.toArray()).toEqual([0, 0.25, 0.5, 0.75]);
    expect(torch.arange(0, 1, 0.1).numel()).toBe(10);
    expect(torch.arange(3, undefined, 1, { dtype: 'float64' }).dtype).toBe('float64');
    expect(() => torch.arange(0, 5, 0)).toThrow(/step must be a nonzero/);
    expect(() => torch.arange(5, 0, 1)).toThrow(/inconsistent with step sign/);
  });

  it('linspace and eye', () => {
    expect(torch.linspace(0, 1, 5).toArray()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(torch.eye(3).toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    expect(torch.eye(2, 3).toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ]);
    expect(torch.eye(2, 2, { dtype: 'int32' }).dtype).toBe('int32');
  });

  it('rejects bad shapes', () => {
    expect(() => torch.zeros([2, -1])).toThrow(/whole number >= 0.*\[2, -1\]/);
    expect(() => torch.ones([1.5])).toThrow(/whole number/);
  });
});

describe('random creation from a seeded generator', () => {
  it('manualSeed makes every draw repeat bit for bit', () => {
    const draw = (): number[][] => [
      Array.from(torch.rand([5]).data),
      Array.from(torch.randn([2, 3]).data),
      Array.from(torch.randint(0, 10, [6]).data),
      Array.from(torch.randperm(7).data),
      Array.from(torch.randn([3], { dtype: 'float64' }).data),
    ];
    torch.manualSeed(42);
    const first = draw();
    torch.manualSeed(42);
    const second = draw();
    expect(second).toEqual(first);
    torch.manualSeed(43);
    expect(draw()[0]).not.toEqual(first[0]);
    expect(torch.initialSeed()).toBe(43);
  });

  it('the seeded streams are pinned, so runs in other processes repeat too', () => {
    torch.manualSeed(0);
    expect(Array.from(torch.rand([3], { dtype: 'float64' }).data)).toEqual([0.5945264335737063, 0.12979769093792703, 0.479257016189522]);
    expect(Array.from(torch.randn([2], { dtype: 'float64' }).data)).toEqual([0.6371076017030167, 0.5997991512743138]);
    expect(Array.from(torch.randint(0, 100, [3]).data)).toEqual([43, 89, 13]);
  });

  it('draws have the documented ranges, dtypes and rough moments', () => {
    torch.manualSeed(0);
    const u = torch.rand([4000]);
    expect(u.dtype).toBe('float32');
    expect(u.min().item()).toBeGreaterThanOrEqual(0);
    expect(u.max().item()).toBeLessThan(1);
    expect(Math.abs(u.mean().item() - 0.5)).toBeLessThan(0.03);

    const n = torch.randn([4000], { dtype: 'float64' });
    expect(Math.abs(n.mean().item())).toBeLessThan(0.06);
    expect(Math.abs(n.pow(2).mean().item() - 1)).toBeLessThan(0.08);

    const r = torch.randint(-3, 4, [2000]);
    expect(r.dtype).toBe('int32');
    expect(r.min().item()).toBe(-3);
    expect(r.max().item()).toBe(3);

    const p = torch.randperm(50);
    expect([...p.data].sort((a, b) => a - b)).toEqual([...Array(50).keys()]);
  });

  it('a separate Generator does not disturb the default one', () => {
    torch.manualSeed(7);
    const a = Array.from(torch.rand([3]).data);
    torch.manualSeed(7);
    const g = new torch.Generator(123);
    const other = torch.randn([10], { generator: g });
    expect(Array.from(torch.rand([3]).data)).toEqual(a);
    expect(Array.from(torch.randn([10], { generator: new torch.Generator(123) }).data)).toEqual(Array.from(other.data));
  });

  it('random creation takes requiresGrad and rejects non-float dtypes', () => {
    expect(torch.randn([2], { requiresGrad: true }).requiresGrad).toBe(true);
    expect(() => torch.rand([2], { dtype: 'int32' })).toThrow(/float32 or float64/);
    expect(() => torch.randint(5, 5, [2])).toThrow(/low < high/);
  });
});

describe('dtypes', () => {
  it('setDefaultDtype / getDefaultDtype change what floats become', () => {
    expect(torch.getDefaultDtype()).toBe('float32');
    torch.setDefaultDtype('float64');
    expect(torch.getDefaultDtype()).toBe('float64');
    expect(torch.tensor([0.5]).dtype).toBe('float64');
    expect(torch.zeros([1]).dtype).toBe('float64');
    expect(torch.randn([1]).dtype).toBe('float64');
    expect(torch.tensor([1, 2]).add(0.5).dtype).toBe('float64');
    expect(torch.tensor([1, 2]).div(2).dtype).toBe('float64');
    torch.setDefaultDtype('float32');
    expect(torch.tensor([0.5]).dtype).toBe('float32');
    expect(() => torch.setDefaultDtype('int32' as never)).toThrow(/only 'float32' and 'float64'/);
  });

  it('to(dtype) converts (float to int truncates toward zero) and returns the same tensor for the same dtype', () => {
    const x = torch.tensor([1.7, -2.5, 0]);
    expect(x.to('float32')).toBe(x);
    expect(x.to('int32').toArray()).toEqual([1, -2, 0]);
    expect(x.to('bool').toArray()).toEqual([true, true, false]);
    expect(x.to('float64').dtype).toBe('float64');
    expect(x.double().dtype).toBe('float64');
    expect(x.int().dtype).toBe('int32');
    expect(x.long().dtype).toBe('int32');
    expect(x.bool().dtype).toBe('bool');
    expect(x.to('float64').float().dtype).toBe('float32');
    expect(() => x.to('float16' as never)).toThrow(/unknown dtype 'float16'/);
  });

  it('promoteTypes orders bool < int32 < float32 < float64', () => {
    expect(torch.promoteTypes('bool', 'int32')).toBe('int32');
    expect(torch.promoteTypes('int32', 'float32')).toBe('float32');
    expect(torch.promoteTypes('float64', 'float32')).toBe('float64');
  });
});

describe('readout', () => {
  it('shape, dtype, numel, item, toArray, data, size, dim', () => {
    const x = torch.tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { dtype: 'float64' },
    );
    expect(x.shape).toEqual([2, 3]);
    expect(x.size()).toEqual([2, 3]);
    expect(x.size(-1)).toBe(3);
    expect(x.dim()).toBe(2);
    expect(x.numel()).toBe(6);
    expect(x.data).toBeInstanceOf(Float64Array);
    expect(Array.from(x.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(x.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(torch.tensor([[7]]).item()).toBe(7);
    expect(() => x.item()).toThrow(/6 elements.*\[2, 3\].*only one-element tensors/);
  });
});

describe('creation options are checked', () => {
  it.each([
    [
      'zeros',
      () => torch.zeros([2], { requires_grad: true } as never),
      "unknown option 'requires_grad'; did you mean 'requiresGrad'? (allowed: dtype, requiresGrad)",
    ],
    ['ones', () => torch.ones([2], { dtpye: 'float64' } as never), "unknown option 'dtpye'; did you mean 'dtype'?"],
    ['tensor', () => torch.tensor([1], { dtpye: 'float64' } as never), "unknown option 'dtpye'; did you mean 'dtype'?"],
    ['full', () => torch.full([2], 1, { generator: new torch.Generator() } as never), "unknown option 'generator' (allowed: dtype, requiresGrad)"],
    ['zerosLike', () => torch.zerosLike(torch.zeros([2]), { dtyp: 'int32' } as never), "unknown option 'dtyp'; did you mean 'dtype'?"],
    ['onesLike', () => torch.onesLike(torch.zeros([2]), null as never), 'options must be an object like { dtype: ... }, got null'],
    ['fullLike', () => torch.fullLike(torch.zeros([2]), 1, { device: 'cuda' } as never), 'device is not supported: tsgrad runs on the CPU'],
    ['arange', () => torch.arange(0, 5, 1, { out: torch.zeros([5]) } as never), 'out is not supported: tsgrad returns a new tensor'],
    ['linspace', () => torch.linspace(0, 1, 5, { layout: 'sparse' } as never), 'layout is not supported: tsgrad tensors are always dense'],
    ['eye', () => torch.eye(2, 2, { pinMemory: true } as never), 'pinMemory is not supported'],
    ['rand', () => torch.rand([2], { seed: 1 } as never), "unknown option 'seed' (allowed: dtype, requiresGrad, generator)"],
    ['randn', () => torch.randn([2], { generator: 5 } as never), 'generator must be a Generator (new Generator(seed)), got 5'],
    ['randint', () => torch.randint(0, 5, [2], { generator: {} } as never), 'generator must be a Generator (new Generator(seed)), got an object'],
    ['randperm', () => torch.randperm(3, { dtype: 'float32' } as never), 'dtype is not supported: randperm gives int32 indices'],
    ['zeros', () => torch.zeros([2], { requiresGrad: 'yes' } as never), 'requiresGrad must be true or false, got string "yes"'],
    [
      'randn',
      () => (torch.randn as (...a: unknown[]) => unknown)([2], 3),
      'sizes must be numbers, as randn(2, 3), or one array, as randn([2, 3]); argument 0 is an array',
    ],
    ['zeros', () => (torch.zeros as (...a: unknown[]) => unknown)(), 'missing the size: give sizes as zeros(2, 3) or zeros([2, 3])'],
    ['ones', () => torch.ones(2, -1), 'every size in a shape must be a whole number >= 0, got [2, -1]'],
  ])('%s', (where, fn, message) => {
    expect(fn).toThrow(`${where}: ${message}`);
  });
  it("device: 'cpu' and pinMemory: false ask for what tsgrad does, and are accepted", () => {
    expect(torch.zeros([2], { device: 'cpu', pinMemory: false } as never).shape).toEqual([2]);
  });
});

describe('creation arguments PyTorch rejects, and the ones it accepts', () => {
  it('full needs a number or a boolean fill value (PyTorch: "must be Number, not str")', () => {
    expect(() => torch.full([2], 'a' as never)).toThrow('full: the fill value must be a number or a boolean, got string "a"');
    expect(() => torch.full([2], null as never)).toThrow('full: the fill value must be a number or a boolean, got null');
    expect(() => torch.fullLike(torch.zeros([2]), undefined as never)).toThrow('full: the fill value must be a number or a boolean, got undefined');
  });
  it('values an int32 cannot hold are an Error, never a wrapped or zeroed value (PyTorch: "cannot be converted ... without overflow")', () => {
    expect(() => torch.full([2], NaN, { dtype: 'int32' })).toThrow('full: value NaN cannot be converted to int32 without overflow');
    expect(() => torch.full([2], Infinity, { dtype: 'int32' })).toThrow('full: value Infinity cannot be converted to int32 without overflow');
    expect(() => torch.full([2], 3e9)).toThrow('full: value 3000000000 cannot be converted to int32 without overflow');
    expect(() => torch.tensor([1, 2 ** 40])).toThrow('tensor: value 1099511627776 cannot be converted to int32 without overflow');
    expect(() => torch.tensor([NaN], { dtype: 'int32' })).toThrow('tensor: value NaN cannot be converted to int32 without overflow');
    expect(() => torch.randint(0, 2 ** 40, [2])).toThrow(/randint: value 1099511627775 cannot be converted to int32/);
    expect(() => torch.arange(0, 5e9, 1e9)).toThrow(/arange: value 4000000000 cannot/);
    // what fits is fine, and floats truncate toward zero as in PyTorch
    expect(torch.full([1], 2147483647).toArray()).toEqual([2147483647]);
    expect(torch.full([1], -1.5, { dtype: 'int32' }).toArray()).toEqual([-1]);
    expect(torch.tensor([2 ** 40], { dtype: 'float64' }).toArray()).toEqual([2 ** 40]);
  });
  it('a number is a 1-D shape, as torch.zeros(3) (but full wants a shape array, as in PyTorch)', () => {
    expect(torch.zeros(3).shape).toEqual([3]);
    expect(torch.ones(2, { dtype: 'int32' }).toArray()).toEqual([1, 1]);
    expect(torch.rand(4).shape).toEqual([4]);
    expect(torch.randn(0).shape).toEqual([0]);
    expect(() => torch.full(2 as never, 1)).toThrow('full: a shape must be an array of sizes such as [2, 3], got 2');
    expect(() => torch.zeros(-1)).toThrow(/whole number >= 0, got \[-1\]/);
  });
  it('typed arrays are copied, keeping float32, float64 and int32 (as torch.tensor(ndarray))', () => {
    const f64 = Float64Array.of(0.1, 0.2, 0.3);
    const t = torch.tensor(f64);
    expect(t.dtype).toBe('float64');
    expect(Array.from(t.data)).toEqual([0.1, 0.2, 0.3]);
    f64[0] = 9;
    expect(t.data[0]).toBe(0.1);
    expect(torch.tensor(Float32Array.of(1, 2)).dtype).toBe('float32');
    expect(torch.tensor(Int32Array.of(1, 2)).dtype).toBe('int32');
    expect(torch.tensor(Uint8Array.of(1, 2)).dtype).toBe('int32');
    expect(torch.tensor(Float32Array.of(1, 2), { dtype: 'float64' }).dtype).toBe('float64');
    expect(torch.tensor(new Float32Array(0)).shape).toEqual([0]);
    const rows = torch.tensor([Float32Array.of(1, 2), Float32Array.of(3, 4)] as never);
    expect([rows.dtype, rows.shape, rows.toArray()]).toEqual([
      'float32',
      [2, 2],
      [
        [1, 2],
        [3, 4],
      ],
    ]);
    expect(() => torch.tensor([Float32Array.of(1, 2), Float32Array.of(3)] as never)).toThrow(/ragged.*length 2.*but got length 1/);
    expect(() => torch.tensor(Int32Array.of(1), { requiresGrad: true })).toThrow(/only floating point tensors can require gradients/);
    expect(() => torch.tensor(BigInt64Array.of(1n) as never)).toThrow(/BigInt64Array; BigInt elements are not supported/);
  });
  it('data that is not numbers names what it got', () => {
    expect(() => torch.tensor(null as never)).toThrow('tensor: data must be a number, a boolean, nested arrays of them, a typed array or a Tensor, got null');
    expect(() => torch.tensor('1' as never)).toThrow(/got string "1"/);
    expect(() => torch.zerosLike(null as never)).toThrow('zerosLike: input must be a Tensor, got null');
    expect(() => torch.arange('5' as never)).toThrow('arange: end must be a number, got string "5"');
    expect(() => torch.linspace(0, '1' as never, 3)).toThrow('linspace: end must be a number, got string "1"');
    expect(() => torch.eye('2' as never)).toThrow('eye: n must be a whole number >= 0, got string "2"');
  });
});
