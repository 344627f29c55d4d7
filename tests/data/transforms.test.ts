import * as torch from '../../src/index';
import { data, Tensor } from '../../src/index';

const { transforms } = data;

describe('data.transforms (torchvision)', () => {
  it('ToTensor: image bytes (RGBA ImageData or gray) and uint8 [H, W, C] tensors to float32 [C, H, W] in [0, 1]', () => {
    const rgba = { data: new Uint8ClampedArray([255, 0, 0, 255, 0, 51, 102, 255]), width: 2, height: 1 };
    const t = transforms.ToTensor()(rgba);
    expect(t.dtype).toBe('float32');
    expect(t.shape).toEqual([4, 1, 2]);
    expect(Array.from(t.data)).toEqual([1, 0, 0, 0.2, 0, 0.4, 1, 1].map(Math.fround));
    const gray = transforms.ToTensor()({ data: new Uint8Array([0, 255, 51, 0]), width: 2, height: 2 });
    expect(gray.shape).toEqual([1, 2, 2]);
    const hwc = torch.tensor([[[0, 255, 51]]]);
    expect(transforms.ToTensor()(hwc).shape).toEqual([3, 1, 1]);
    const f = torch.zeros(1, 2, 2);
    expect(transforms.ToTensor()(f)).toBe(f);
    expect(() => transforms.ToTensor()({ data: new Uint8Array(5), width: 2, height: 1 })).toThrow('ToTensor: 5 bytes do not fill a 1 x 2 image');
    expect(String(transforms.ToTensor())).toBe('ToTensor()');
  });

  it("Normalize: (x - mean) / std per channel, PyTorch's float32 rounding, differentiable, inplace", () => {
    const x = torch.tensor([[[0.5, 1]], [[0, 0.25]]], { dtype: 'float32' });
    const y = transforms.Normalize([0.5, 0.25], [0.5, 0.25])(x);
    expect(y.toArray()).toEqual([[[0, 1]], [[-1, 0]]]);
    const mnist = transforms.Normalize([0.1307], [0.3081]);
    expect(String(mnist)).toBe('Normalize(mean=[0.1307], std=[0.3081])');
    // (1 - 0.1307) / 0.3081 in float32, as torchvision computes it
    expect(mnist(torch.ones(1, 1, 1)).item()).toBe(Math.fround(Math.fround(1 - Math.fround(0.1307)) / Math.fround(0.3081)));
    const leaf = torch.ones(2, 1, 1, { requiresGrad: true });
    transforms.Normalize(0, 2)(leaf).sum().backward();
    expect(leaf.grad!.toArray()).toEqual([[[0.5]], [[0.5]]]);
    const img = torch.ones(1, 1, 2);
    expect(transforms.Normalize([1], [1], { inplace: true })(img)).toBe(img);
    expect(img.toArray()).toEqual([[[0, 0]]]);
    expect(() => transforms.Normalize([0], [0])).toThrow('Normalize: std evaluated to zero after conversion to torch.float32, leading to division by zero.');
    expect(() => mnist(torch.ones(1, 1, 1, { dtype: 'int32' }))).toThrow('Normalize: Input tensor should be a float tensor. Got int32.');
    expect(() => mnist(torch.ones(2, 2))).toThrow('Normalize: Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = [2, 2].');
    expect(() => transforms.Normalize([0, 0], [1, 1])(torch.ones(3, 1, 1))).toThrow('Normalize: mean has 2 values for an image of 3 channels');
  });

  it('RandomHorizontalFlip: flips with probability p, seeded', () => {
    const img = torch.arange(0, 6).reshape(1, 2, 3);
    expect(transforms.RandomHorizontalFlip(1)(img).toArray()).toEqual([
      [
        [2, 1, 0],
        [5, 4, 3],
      ],
    ]);
    expect(transforms.RandomHorizontalFlip(0)(img)).toBe(img);
    const flip = transforms.RandomHorizontalFlip(0.5, { generator: new torch.Generator(3) });
    const flips = Array.from({ length: 2000 }, () => flip(img) !== img).filter(Boolean).length;
    expect(Math.abs(flips - 1000)).toBeLessThan(5 * Math.sqrt(500));
    const again = transforms.RandomHorizontalFlip(0.5, { generator: new torch.Generator(3) });
    const f2 = Array.from({ length: 2000 }, () => again(img) !== img).filter(Boolean).length;
    expect(f2).toBe(flips);
    expect(String(transforms.RandomHorizontalFlip())).toBe('RandomHorizontalFlip(p=0.5)');
  });

  it('RandomCrop: padding modes as torchvision, every window reachable, seeded', () => {
    const img = torch.arange(1, 10, 1, { dtype: 'float32' }).reshape(1, 3, 3);
    const crops = new Set<string>();
    const crop = transforms.RandomCrop(2, { generator: new torch.Generator(1) });
    for (let i = 0; i < 200; i++) crops.add(JSON.stringify(crop(img).toArray()));
    expect(crops.size).toBe(4);
    const full = (mode: 'constant' | 'edge' | 'reflect' | 'symmetric'): number[][] =>
      (transforms.RandomCrop(5, { padding: 1, paddingMode: mode, fill: -1 })(img).toArray() as number[][][])[0];
    // torchvision: F.pad(img, 1, fill=-1, padding_mode=mode) for a 3 x 3 image 1..9
    expect(full('constant')[0]).toEqual([-1, -1, -1, -1, -1]);
    expect(full('constant')[1]).toEqual([-1, 1, 2, 3, -1]);
    expect(full('edge')[0]).toEqual([1, 1, 2, 3, 3]);
    expect(full('reflect')[0]).toEqual([5, 4, 5, 6, 5]);
    expect(full('symmetric')[0]).toEqual([1, 1, 2, 3, 3]);
    expect(full('symmetric')[4]).toEqual([7, 7, 8, 9, 9]);
    const padded = transforms.RandomCrop([4, 5], { padIfNeeded: true })(img);
    expect(padded.shape).toEqual([1, 4, 5]);
    expect(transforms.RandomCrop(3, { padding: [1, 2] })(img).shape).toEqual([1, 3, 3]);
    expect(() => transforms.RandomCrop(4)(img)).toThrow('RandomCrop: Required crop size (4, 4) is larger than input image size (3, 3)');
    expect(String(transforms.RandomCrop(32, { padding: 4 }))).toBe('RandomCrop(size=(32, 32), padding=4)');
  });

  it('Compose and Lambda, printed as torchvision prints them', () => {
    const t = transforms.Compose<Tensor>([transforms.ToTensor(), transforms.Lambda((x: Tensor) => x.mul(2)), transforms.Normalize([0.5], [0.5])]);
    const out = t({ data: new Uint8Array([255]), width: 1, height: 1 });
    expect(out.toArray()).toEqual([[[3]]]);
    expect(String(t)).toBe('Compose(\n    ToTensor()\n    Lambda()\n    Normalize(mean=[0.5], std=[0.5])\n)');
    expect(() => transforms.Compose([5 as never])).toThrow('Compose: transforms[0] must be a transform (a function), got 5');
  });
});
