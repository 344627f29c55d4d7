/**
 * What every framework trains in the benchmark: the three models, their seeded data and initial
 * weights (made once, with tsgrad's seeded generator, and copied into every framework), and the
 * `Trainer` interface each framework adapter implements.
 */
import { Generator } from '../src/random';

/** Cross-entropy on logits (class-index labels), or sigmoid + binary cross-entropy (0/1 labels). */
export type LossKind = 'cross-entropy' | 'sigmoid-bce';

/** Linear(inputs, hidden) -> ReLU -> Linear(hidden, outputs), then the loss; plain SGD. */
export interface ModelSpec {
  id: 'mlp' | 'nn2' | 'nn1';
  name: string;
  inputs: number;
  hidden: number;
  outputs: number;
  batch: number;
  loss: LossKind;
  lr: number;
}

export const MODELS: readonly ModelSpec[] = [
  { id: 'mlp', name: 'MLP 784-128-10', inputs: 784, hidden: 128, outputs: 10, batch: 64, loss: 'cross-entropy', lr: 0.1 },
  { id: 'nn2', name: 'NeuralNet2 784-5-3', inputs: 784, hidden: 5, outputs: 3, batch: 32, loss: 'cross-entropy', lr: 0.1 },
  { id: 'nn1', name: 'NeuralNet1 784-5-1', inputs: 784, hidden: 5, outputs: 1, batch: 32, loss: 'sigmoid-bce', lr: 0.1 },
];

export function modelSpec(id: string): ModelSpec {
  const spec = MODELS.find((m) => m.id === id);
  if (!spec) throw new Error(`unknown model '${id}'; expected one of ${MODELS.map((m) => m.id).join(', ')}`);
  return spec;
}

/** The weights in PyTorch's layout: w1 is hidden x inputs, w2 is outputs x hidden, row-major. */
export interface Weights {
  w1: Float32Array;
  b1: Float32Array;
  w2: Float32Array;
  b2: Float32Array;
}

/** One mini-batch: x is batch x inputs in [0, 1); labels are class indices, or 0/1 for BCE. */
export interface Batch {
  x: Float32Array;
  labels: Int32Array;
}

export interface Problem {
  spec: ModelSpec;
  weights: Weights;
  batches: Batch[];
  /** A hash of weights and data; every worker reports it so the runner can check they all got the same. */
  checksum: string;
}

/** Batches the training loop cycles through (made once, before timing). */
export const BATCHES = 8;
const SEED = 20240601;

/**
 * The model's initial weights and data, from tsgrad's seeded generator: the same numbers in every
 * process. Weights use PyTorch's default Linear init, U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
 */
export function makeProblem(spec: ModelSpec): Problem {
  const g = new Generator(SEED);
  const uniform = (n: number, bound: number): Float32Array => {
    const a = new Float32Array(n);
    g.fillUniform(a, -bound, bound);
    return a;
  };
  const bound1 = 1 / Math.sqrt(spec.inputs);
  const bound2 = 1 / Math.sqrt(spec.hidden);
  const weights: Weights = {
    w1: uniform(spec.hidden * spec.inputs, bound1),
    b1: uniform(spec.hidden, bound1),
    w2: uniform(spec.outputs * spec.hidden, bound2),
    b2: uniform(spec.outputs, bound2),
  };
  const classes = spec.loss === 'cross-entropy' ? spec.outputs : 2;
  const batches: Batch[] = [];
  for (let b = 0; b < BATCHES; b++) {
    const x = new Float32Array(spec.batch * spec.inputs);
    g.fillUniform(x, 0, 1);
    const labels = new Int32Array(spec.batch);
    g.fillInteger(labels, 0, classes);
    batches.push({ x, labels });
  }
  return { spec, weights, batches, checksum: checksum([weights.w1, weights.b1, weights.w2, weights.b2, ...batches.flatMap((b) => [b.x, b.labels])]) };
}

/** FNV-1a over the bytes of the arrays, as hex. */
function checksum(arrays: (Float32Array | Int32Array)[]): string {
  let h = 0x811c9dc5;
  for (const a of arrays) {
    const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** Row-major transpose of a rows x cols matrix (for frameworks that store Linear weights as in x out). */
export function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = a[r * cols + c];
  return out;
}

/**
 * One framework's training loop for one model, built from a `Problem` (same weights, same data).
 * A step is: zero the gradients, forward, loss, backward, SGD update.
 */
export interface Trainer {
  /** One step on batch `b`; returns that step's loss (computed before the update). */
  step(b: number): number;
  /** `steps` steps cycling through the batches from `first`, without reading the loss back. */
  run(steps: number, first: number): void;
}

/** The frameworks the benchmark knows, in the order tables list them. */
export const FRAMEWORKS = ['tsgrad', 'tfjs-cpu', 'tfjs-wasm', 'js-pytorch'] as const;
export type Framework = (typeof FRAMEWORKS)[number];
