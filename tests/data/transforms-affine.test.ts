import * as fs from 'fs';
import * as path from 'path';

import * as torch from '../../src/index';
import { data, Tensor } from '../../src/index';

const { transforms } = data;

// torchvision's tensor path of functional.affine / functional.rotate, reproduced in plain PyTorch 2.13
// by tests/golden/gen_transforms_affine.py (torchvision does not install beside torch 2.13 here).
interface Stored {
  shape: number[];
  dtype: 'float32' | 'float64';
  data: number[];
}
interface Case {
  name: string;
  fn: 'affine' | 'rotate';
  dtype: 'float32' | 'float64';
  options: Record<string, unknown>;
  input: string;
  output: string;
  nearTies?: number;
}
const golden = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'golden', 'transforms-affine.json'), 'utf8')) as {
  tensors: Record<string, Stored>;
  cases: Case[];
};

function load(name: string): Tensor {
  const t = golden.tensors[name];
  const data = t.dtype === 'float32' ? Float32Array.from(t.data) : Float64Array.from(t.data);
  return new Tensor(data, t.shape, t.dtype);
}

function run(c: Case): Tensor {
  const x = load(c.input);
  if (c.fn === 'affine') return transforms.affine(x, c.options as unknown as data.transforms.AffineOptions);
  const { angle, ...rest } = c.options;
  return transforms.rotate(x, angle as number, rest);
}

/** The pixels of `got` further than `tol` from PyTorch's, as "index: got vs want". */
function differences(got: Tensor, want: Tensor, tol: number): string[] {
  const out: string[] = [];
  got.data.forEach((v, i) => {
    if (!(Math.abs(v - want.data[i]) <= tol)) out.push(`${i}: ${v} vs ${want.data[i]}`);
  });
  return out;
}

describe('transforms.affine and transforms.rotate against torchvision (golden values)', () => {
  it.each(golden.cases.map((c) => [`${c.fn}: ${c.name} (${c.dtype})`, c] as const))('%s', (_, c) => {
    const want = load(c.output);
    const got = run(c);
    expect(got.dtype).toBe(c.dtype);
    expect(got.shape).toEqual(want.shape);
    expect(differences(got, want, c.dtype === 'float32' ? 1e-5 : 1e-12)).toEqual([]);
  });

  it('covers what the brief asks: angles 0, 90, 37.5; translate; scale; shear of 1 and 2 values; both modes; fills; expand', () => {
    const has = (p: (c: Case) => boolean): boolean => golden.cases.some(p);
    for (const angle of [0, 90, 37.5]) expect(has((c) => c.options.angle === angle)).toBe(true);
    expect(has((c) => Array.isArray(c.options.translate) && (c.options.translate as number[]).some((t) => t !== 0))).toBe(true);
    expect(has((c) => typeof c.options.scale === 'number' && c.options.scale !== 1)).toBe(true);
    expect(has((c) => typeof c.options.shear === 'number' && c.options.shear !== 0)).toBe(true);
    expect(has((c) => Array.isArray(c.options.shear) && (c.options.shear as number[]).length === 1)).toBe(true);
    expect(has((c) => Array.isArray(c.options.shear) && (c.options.shear as number[]).length === 2)).toBe(true);
    expect(has((c) => c.options.interpolation === 'bilinear')).toBe(true);
    expect(has((c) => c.options.interpolation === undefined)).toBe(true);
    expect(has((c) => (c.options.fill as number[] | undefined)?.[0] === 0)).toBe(true);
    expect(has((c) => ((c.options.fill as number[] | undefined)?.[0] ?? 0) !== 0)).toBe(true);
    expect(has((c) => c.options.expand === true)).toBe(true);
    expect(has((c) => (c.nearTies ?? 0) > 0)).toBe(true);
  });
});

describe('transforms.affine and transforms.rotate', () => {
  const img = torch.arange(0, 30, 1, { dtype: 'float32' }).reshape(1, 5, 6);

  it("match torch.rot90 at 90 degrees: rotate's angle is counter-clockwise, affine's clockwise", () => {
    const sq = torch.arange(0, 16, 1, { dtype: 'float64' }).reshape(1, 4, 4);
    const ccw = [
      [3, 7, 11, 15],
      [2, 6, 10, 14],
      [1, 5, 9, 13],
      [0, 4, 8, 12],
    ];
    expect(transforms.rotate(sq, 90).toArray()).toEqual([ccw]);
    expect(transforms.affine(sq, { angle: -90, translate: [0, 0], scale: 1, shear: 0 }).toArray()).toEqual([ccw]);
    expect(transforms.functional.rotate).toBe(transforms.rotate);
    expect(transforms.functional.affine).toBe(transforms.affine);
  });

  it('translate shifts by whole pixels, filling with zeros or the fill', () => {
    const moved = transforms.affine(img, { angle: 0, translate: [2, 1], scale: 1, shear: 0, fill: -1 }).toArray() as number[][][];
    expect(moved[0][0]).toEqual([-1, -1, -1, -1, -1, -1]);
    expect(moved[0][1]).toEqual([-1, -1, 0, 1, 2, 3]);
    const zeros = transforms.affine(img, { angle: 0, translate: [-1, 0], scale: 1, shear: 0 }).toArray() as number[][][];
    expect(zeros[0][4]).toEqual([25, 26, 27, 28, 29, 0]);
  });

  it('[H, W] is one channel; leading dims are planes; the result is a new tensor of the same dtype', () => {
    const opts = { angle: 33, translate: [1, -1], scale: 0.9, shear: [3, 4], interpolation: 'bilinear' as const, fill: 0.25 };
    const flat = transforms.affine(img.reshape(5, 6), opts);
    expect(flat.shape).toEqual([5, 6]);
    expect(flat.toArray()).toEqual((transforms.affine(img, opts).toArray() as number[][][])[0]);
    const batch = torch.stack([img, img.mul(2)]);
    const out = transforms.affine(batch, opts);
    expect(out.shape).toEqual([2, 1, 5, 6]);
    expect(out.select(0, 1).toArray()).toEqual(transforms.affine(img.mul(2), opts).toArray());
    expect(out).not.toBe(batch);
  });

  it("errors as torchvision's", () => {
    const ok = { angle: 0, translate: [0, 0], scale: 1, shear: 0 };
    expect(() => transforms.affine(img, { ...ok, scale: 0 })).toThrow('affine: Argument scale should be positive');
    expect(() => transforms.affine(img, { ...ok, translate: [1] })).toThrow('affine: Argument translate should be a sequence of length 2');
    expect(() => transforms.affine(img, { ...ok, shear: [1, 2, 3] })).toThrow('affine: Shear should be a sequence containing two values. Got [1, 2, 3]');
    expect(() => transforms.affine(img, { ...ok, interpolation: 'bicubic' as 'nearest' })).toThrow(
      "affine: Interpolation mode 'bicubic' is unsupported with Tensor input",
    );
    expect(() => transforms.affine(torch.zeros(3, 2, 2), { ...ok, fill: [1, 2] })).toThrow(
      "affine: The number of elements in 'fill' cannot broadcast to match the number of channels of the image (2 != 3)",
    );
    expect(() => transforms.affine(img, { ...ok, angel: 3 } as never)).toThrow("affine: unknown option 'angel'; did you mean 'angle'?");
    expect(() => transforms.affine([1, 2] as never, ok)).toThrow('affine: input must be a Tensor, got an array of 2');
    expect(() => transforms.affine(torch.zeros(4), ok)).toThrow('affine: Tensor is not a torch image.');
    expect(() => transforms.affine(torch.zeros(2, 2, { dtype: 'int32' }), ok)).toThrow('affine: expected a float32 or float64 image, got int32');
    expect(() => transforms.affine(img, undefined as never)).toThrow('affine: options { angle, translate, scale, shear } are required');
    expect(() => transforms.rotate(img, 10, { expand: 1 as never })).toThrow('rotate: expand must be true or false, got 1');
  });
});

describe('transforms.RandomAffine and transforms.RandomRotation', () => {
  const img = torch.rand([1, 28, 28], { generator: new torch.Generator(5) });

  it('reprs as torchvision', () => {
    expect(String(transforms.RandomAffine(10, { translate: [0.1, 0.1], scale: [0.9, 1.1] }))).toBe(
      'RandomAffine(degrees=[-10.0, 10.0], translate=(0.1, 0.1), scale=(0.9, 1.1))',
    );
    expect(String(transforms.RandomAffine([-5, 15.5], { shear: 8, interpolation: 'bilinear', fill: 1, center: [3, 4] }))).toBe(
      'RandomAffine(degrees=[-5.0, 15.5], shear=[-8.0, 8.0], interpolation=bilinear, fill=1, center=[3, 4])',
    );
    expect(String(transforms.RandomAffine(0, { shear: [1, 2, 3, 4e-5] }))).toBe('RandomAffine(degrees=[-0.0, 0.0], shear=[1.0, 2.0, 3.0, 4e-05])');
    expect(String(transforms.RandomRotation(10))).toBe('RandomRotation(degrees=[-10.0, 10.0], interpolation=nearest, expand=False, fill=0)');
    expect(String(transforms.RandomRotation([0, 90], { interpolation: 'bilinear', expand: true, center: [1, 2], fill: [0.5] }))).toBe(
      'RandomRotation(degrees=[0.0, 90.0], interpolation=bilinear, expand=True, center=[1, 2], fill=[0.5])',
    );
  });

  it('draws angle, tx, ty, scale, shear x, shear y in that order and applies affine with fill', () => {
    const g = new torch.Generator(11);
    const copy = new torch.Generator(11);
    const t = transforms.RandomAffine([-20, 30], {
      translate: [0.1, 0.2],
      scale: [0.8, 1.2],
      shear: [-5, 5, -3, 3],
      interpolation: 'bilinear',
      generator: g,
    });
    for (let k = 0; k < 5; k++) {
      const got = t(img);
      const u = Array.from({ length: 6 }, () => copy.uniform());
      const roundHalfEven = (v: number): number => (Math.abs(v % 1) === 0.5 ? 2 * Math.round(v / 2) : Math.round(v));
      const want = transforms.affine(img, {
        angle: -20 + 50 * u[0],
        translate: [roundHalfEven(-2.8 + 5.6 * u[1]), roundHalfEven(-5.6 + 11.2 * u[2])],
        scale: 0.8 + 0.4 * u[3],
        shear: [-5 + 10 * u[4], -3 + 6 * u[5]],
        interpolation: 'bilinear',
        fill: [0],
      });
      expect(got.toArray()).toEqual(want.toArray());
    }
  });

  it('is deterministic under a seeded generator and varies between calls', () => {
    const a = transforms.RandomAffine(15, { translate: [0.1, 0.1], scale: [0.9, 1.1], generator: new torch.Generator(3) });
    const b = transforms.RandomAffine(15, { translate: [0.1, 0.1], scale: [0.9, 1.1], generator: new torch.Generator(3) });
    const first = a(img);
    expect(first.toArray()).toEqual(b(img).toArray());
    expect(a(img).toArray()).not.toEqual(first.toArray());
    const r1 = transforms.RandomRotation(30, { generator: new torch.Generator(4) });
    const r2 = transforms.RandomRotation(30, { generator: new torch.Generator(4) });
    expect(r1(img).toArray()).toEqual(r2(img).toArray());
  });

  it('draws uniform in range: translations are whole pixels within the bound, angles cover the range', () => {
    // a single bright pixel at the centre moves by exactly (tx, ty) when only translating
    const dot = torch.zeros(1, 21, 21);
    dot.data[10 * 21 + 10] = 1;
    const t = transforms.RandomAffine(0, { translate: [0.2, 0.1], generator: new torch.Generator(8) });
    const seen = new Map<string, number>();
    for (let k = 0; k < 3000; k++) {
      const out = t(dot);
      const at = out.data.indexOf(1);
      const [dy, dx] = [Math.floor(at / 21) - 10, (at % 21) - 10];
      // max_dx = 0.2 * 21 = 4.2 -> tx in [-4, 4]; max_dy = 2.1 -> ty in [-2, 2]
      expect(Math.abs(dx)).toBeLessThanOrEqual(4);
      expect(Math.abs(dy)).toBeLessThanOrEqual(2);
      seen.set(`${dx},${dy}`, (seen.get(`${dx},${dy}`) ?? 0) + 1);
    }
    expect(seen.size).toBe(9 * 5);
    // tx = 0 takes (-0.5, 0.5) of (-4.2, 4.2): 1/8.4 of the draws
    const zero = [...seen].filter(([k]) => k.startsWith('0,')).reduce((s, [, n]) => s + n, 0);
    expect(Math.abs(zero - 3000 / 8.4)).toBeLessThan(5 * Math.sqrt((3000 / 8.4) * (1 - 1 / 8.4)));

    // rotation of a horizontal bar: its angle, read back from the second moments, is uniform in [-30, 30]
    const bar = torch.zeros(1, 41, 41, { dtype: 'float64' });
    for (let x = 5; x < 36; x++) bar.data[20 * 41 + x] = 1;
    const rot = transforms.RandomRotation(30, { interpolation: 'bilinear', generator: new torch.Generator(9) });
    const angles: number[] = [];
    for (let k = 0; k < 400; k++) {
      const out = rot(bar).data;
      let sxx = 0;
      let syy = 0;
      let sxy = 0;
      out.forEach((v, i) => {
        const [y, x] = [Math.floor(i / 41) - 20, (i % 41) - 20];
        sxx += v * x * x;
        syy += v * y * y;
        sxy += v * x * y;
      });
      // image y points down, so a counter-clockwise rotation has negative sxy
      angles.push((-0.5 * Math.atan2(2 * sxy, sxx - syy) * 180) / Math.PI);
    }
    expect(Math.min(...angles)).toBeGreaterThanOrEqual(-30.5);
    expect(Math.max(...angles)).toBeLessThanOrEqual(30.5);
    expect(Math.min(...angles)).toBeLessThan(-28);
    expect(Math.max(...angles)).toBeGreaterThan(28);
    const mean = angles.reduce((s, a) => s + a, 0) / angles.length;
    expect(Math.abs(mean)).toBeLessThan(5 * Math.sqrt(300 / angles.length)); // sd of U(-30, 30) is 17.3
    const quarter = angles.filter((a) => a > 15).length;
    expect(Math.abs(quarter - 100)).toBeLessThan(5 * Math.sqrt(75));
  });

  it("fills per channel and leaves the default generator's stream to the default", () => {
    const rgb = torch.ones(3, 6, 6);
    const out = transforms
      .RandomAffine([45, 45], { fill: [0.1, 0.2, 0.3] })(rgb)
      .toArray() as number[][][];
    expect(out.map((c) => c[0][0])).toEqual([0.1, 0.2, 0.3].map(Math.fround));
    torch.manualSeed(21);
    const a = transforms.RandomRotation(40)(img);
    torch.manualSeed(21);
    expect(transforms.RandomRotation(40)(img).toArray()).toEqual(a.toArray());
  });

  it("errors as torchvision's", () => {
    expect(() => transforms.RandomAffine(-1)).toThrow('RandomAffine: If degrees is a single number, it must be positive.');
    expect(() => transforms.RandomAffine([1, 2, 3])).toThrow('RandomAffine: degrees should be a sequence of length 2.');
    expect(() => transforms.RandomAffine(10, { translate: [0.1, 1.5] })).toThrow('RandomAffine: translation values should be between 0 and 1');
    expect(() => transforms.RandomAffine(10, { translate: [0.1] })).toThrow('RandomAffine: translate should be a sequence of length 2.');
    expect(() => transforms.RandomAffine(10, { scale: [0, 1] })).toThrow('RandomAffine: scale values should be positive');
    expect(() => transforms.RandomAffine(10, { shear: -2 })).toThrow('RandomAffine: If shear is a single number, it must be positive.');
    expect(() => transforms.RandomAffine(10, { shear: [1, 2, 3] })).toThrow('RandomAffine: shear should be a sequence of length 2 or 4.');
    expect(() => transforms.RandomAffine(10, { fill: 'white' as never })).toThrow('RandomAffine: Fill should be either a sequence or a number.');
    expect(() => transforms.RandomAffine(10, { center: [1] })).toThrow('RandomAffine: center should be a sequence of length 2.');
    expect(() => transforms.RandomAffine(10, { resample: 2 } as never)).toThrow("RandomAffine: unknown option 'resample'");
    expect(() => transforms.RandomAffine(10, { interpolation: 'bicubic' as never })).toThrow(
      "RandomAffine: Interpolation mode 'bicubic' is unsupported with Tensor input",
    );
    expect(() => transforms.RandomAffine(10)('x' as never)).toThrow('RandomAffine: input must be a Tensor, got string "x"');
    expect(() => transforms.RandomAffine([10, -10])(img)).toThrow('uniform_ expects to return a [from, to) range, but found from=10 > to=-10');
    expect(() => transforms.RandomRotation(-3)).toThrow('RandomRotation: If degrees is a single number, it must be positive.');
    expect(() => transforms.RandomRotation(3, { generator: 7 as never })).toThrow('RandomRotation: generator must be a Generator');
  });
});
