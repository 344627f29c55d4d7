/**
 * Writes tests/golden/tsgrad-checkpoint.safetensors: a checkpoint as tsgrad's `save` writes it, for
 * tests/golden/check_checkpoint.py to read with Python's safetensors and PyTorch.
 *
 *     npx tsx tests/golden/gen_checkpoint_fixture.ts
 *     /work/venv/bin/python tests/golden/check_checkpoint.py    # or any Python with torch and safetensors
 *
 * tests/serialization/checkpoint.test.ts checks that the committed file is what the current code
 * writes for `fixtureCheckpoint()` (so rerun this after changing the layout, then the Python check).
 * The checkpoint holds a trained model's and Adam's stateDicts, a probe input with the model's
 * output (the Python check loads the model into torch and compares), every kind of value a
 * checkpoint holds, numbers JSON cannot hold, a shared tensor, dotted keys and a marker-like key.
 */
import * as path from 'path';
import { nn, noGrad, optim, Tensor, tensor } from '../../src';
import { save } from '../../src/node';

export const FIXTURE_FILE = path.join(__dirname, 'tsgrad-checkpoint.safetensors');

/** A float32 tensor of `shape` with simple, exactly representable values (no random initialisation). */
function fixed(shape: number[], offset: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return new Tensor(
    Float32Array.from({ length: n }, (_, i) => (((i * 5 + offset) % 11) - 5) / 8),
    shape,
    'float32',
  );
}

/** The checkpoint, the same on every run: a model with fixed weights trained three steps with Adam. */
export function fixtureCheckpoint(): Record<string, unknown> {
  const model = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 2));
  model.loadStateDict({ '0.weight': fixed([4, 3], 0), '0.bias': fixed([4], 1), '2.weight': fixed([2, 4], 2), '2.bias': fixed([2], 3) });
  const optimizer = new optim.Adam(model.parameters(), { lr: 0.01, amsgrad: true });
  const x = tensor(
    [
      [0.5, -1, 2],
      [1.5, 0.25, -0.75],
      [-2, 1, 0.125],
      [0, 0.5, 1],
    ],
    { dtype: 'float32' },
  );
  const target = tensor(
    [
      [1, 0],
      [0, 1],
      [0.5, 0.5],
      [-1, 2],
    ],
    { dtype: 'float32' },
  );
  const criterion = new nn.MSELoss();
  for (let step = 0; step < 3; step++) {
    optimizer.zeroGrad();
    criterion.forward(model.forward(x), target).backward();
    optimizer.step();
  }
  const y = noGrad(() => model.forward(x));
  const shared = new Tensor(Float64Array.of(1, 2, 3), [3], 'float64');
  return {
    model: model.stateDict(),
    optimizer: optimizer.stateDict(),
    epoch: 3,
    probe: { x, y: new Tensor(y.data.slice(), y.shape, y.dtype) },
    numbers: { nan: NaN, inf: Infinity, negInf: -Infinity, negZero: -0, big: 2 ** 64, maxSafe: 2 ** 53 - 1, pastSafe: 2 ** 53, tiny: 5e-324, third: 1 / 3 },
    text: ['plain', 'caf\u00e9 \u2603 "quoted"\n\ttab', ''],
    flags: [true, false, null],
    empty: { object: {}, array: [] },
    tensors: {
      f32: new Tensor(Float32Array.of(NaN, Infinity, -0, 1.5), [2, 2], 'float32'),
      f64: new Tensor(Float64Array.of(0.1, -1e300, 5e-324), [3], 'float64'),
      i32: new Tensor(Int32Array.of(-2147483648, 2147483647, 0, -1), [2, 2], 'int32'),
      bool: new Tensor(Uint8Array.of(1, 0, 1), [3], 'bool'),
      scalar: new Tensor(Float32Array.of(2.5), [], 'float32'),
      empty: new Tensor(new Float32Array(0), [0, 3], 'float32'),
    },
    shared: { first: shared, again: shared },
    'dotted.key': { 'a.b': new Tensor(Int32Array.of(7), [1], 'int32') },
    marker: { __tensor__: 'not a tensor' },
    list: [new Tensor(Float32Array.of(1), [1], 'float32'), 1, [new Tensor(Float32Array.of(2), [1], 'float32')]],
  };
}

if (require.main === module) {
  save(fixtureCheckpoint(), FIXTURE_FILE);
  console.log(`wrote ${path.relative(process.cwd(), FIXTURE_FILE)}`);
}
