/**
 * The engine's recycling of gradient buffers it owned and has finished with (src/dtype.ts `recycle`,
 * src/autograd/engine.ts `finishedWith`): what may be recycled is, and what someone else can still
 * see (a retained or captured gradient, a gradient passed on as a view) is not.
 */
import * as torch from '../../src/index';
import type { Tensor } from '../../src/index';
import { allocate, recycledByteCount } from '../../src/dtype';

const ROWS = 64;
const COLS = 1024; // 256 KiB of float32: past the recycling threshold
const BYTES = ROWS * COLS * 4;

/** x with a known pattern of signs, so relu's gradient is known. */
function input(): Tensor {
  const data = new Float32Array(ROWS * COLS);
  for (let i = 0; i < data.length; i++) data[i] = (i % 3 === 0 ? -1 : 1) * (1 + (i % 7));
  return torch.tensor(data, { dtype: 'float32' }).view(ROWS, COLS).requiresGrad_();
}

/** d(sum relu relu x)/dx: 1 where x > 0. */
function expectedGrad(): Float32Array {
  const want = new Float32Array(ROWS * COLS);
  for (let i = 0; i < want.length; i++) want[i] = i % 3 === 0 ? 0 : 1;
  return want;
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = a.length === b.length ? 0 : Infinity;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Takes every recycled float32 buffer of this size and scribbles on it, as a later op would. */
function scribble(): void {
  for (let k = 0; k < 8; k++) (allocate('float32', ROWS * COLS) as Float32Array).fill(123);
}

describe('recycled gradient buffers', () => {
  test('a gradient the engine made and passed through is recycled, and handed out again zero-filled', () => {
    scribble();
    const before = recycledByteCount();
    const x = input();
    // sum's gradient is an expanded view (not owned); relu's is new (owned), and mul's backward (by a
    // number) makes a new one from it and is done with it
    x.mul(2).relu().sum().backward();
    expect(recycledByteCount() - before).toBe(BYTES);
    expect(x.grad!.data).toEqual(expectedGrad().map((v) => 2 * v));
    const again = allocate('float32', ROWS * COLS);
    expect(recycledByteCount()).toBe(before);
    expect(again.every((v) => v === 0)).toBe(true);
  });

  test('an elementwise backward writes into the gradient it was handed, which flows on as the engine owns it', () => {
    scribble();
    const before = recycledByteCount();
    const x = input();
    // the second relu's gradient is new; the first relu's backward, and the mask product's (dropout's
    // shape), write into it, and x takes it as its .grad: nothing new, nothing to recycle
    const mask = torch.full([ROWS, COLS], 3, { dtype: 'float32' });
    x.relu().mul(mask).relu().sum().backward();
    const leafGrad = x.grad!.data;
    expect(recycledByteCount()).toBe(before);
    scribble();
    expect(x.grad!.data).toBe(leafGrad);
    expect(x.grad!.data).toEqual(expectedGrad().map((v) => 3 * v));
  });

  test('the results are the same over repeated steps with the buffers reused', () => {
    const w = torch.randn([COLS, 300], { generator: new torch.Generator(3) }).requiresGrad_();
    const x = torch.randn([ROWS, COLS], { generator: new torch.Generator(4) });
    const grads: Float32Array[] = [];
    for (let step = 0; step < 3; step++) {
      w.grad = null;
      x.matmul(w).relu().mul(2).relu().square().sum().backward();
      grads.push(w.grad!.data.slice() as Float32Array);
      scribble();
    }
    expect(grads[1]).toEqual(grads[0]);
    expect(grads[2]).toEqual(grads[0]);
  });

  // h = tanh(relu(x)): relu(h)'s gradient reaches h's node owned, and relu(x)'s backward, after it,
  // allocates a gradient of the same size, which would land in that buffer if it were recycled
  const chain = (x: Tensor): Tensor => x.relu().tanh();
  const hGrad = (): Float32Array => expectedGrad(); // d(sum relu h)/dh = 1 where h > 0, i.e. where x > 0

  test('a retained gradient is not recycled', () => {
    const x = input();
    const h = chain(x);
    h.retainGrad();
    h.relu().sum().backward();
    scribble();
    expect(h.grad!.data).toEqual(hGrad());
    const hv = h.detach().data;
    const want = expectedGrad().map((v, i) => v * (1 - hv[i] * hv[i]));
    expect(maxDifference(x.grad!.data, want)).toBeLessThan(1e-6);
  });

  test('a gradient captured by autograd.grad is not recycled', () => {
    const x = input();
    const h = chain(x);
    const [dh, dx] = torch.autograd.grad(h.relu().sum(), [h, x]);
    scribble();
    expect(dh!.data).toEqual(hGrad());
    expect(dx!.data.some((v) => v !== 0 && v !== 1)).toBe(true);
  });

  test('a gradient passed on as a view of itself is not recycled', () => {
    scribble();
    const before = recycledByteCount();
    const x = input();
    // the view's backward returns its (owned) incoming gradient reshaped: the same buffer flows on
    x.relu().view(-1).relu().sum().backward();
    expect(recycledByteCount()).toBe(before);
    scribble();
    expect(x.grad!.data).toEqual(expectedGrad());
  });

  test('nothing is recycled under createGraph', () => {
    scribble();
    const before = recycledByteCount();
    const x = input();
    const [dx] = torch.autograd.grad(x.relu().relu().relu().sum(), [x], { createGraph: true });
    expect(recycledByteCount()).toBe(before);
    scribble();
    expect(dx!.data).toEqual(expectedGrad());
  });
});
