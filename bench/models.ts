/**
 * What every framework trains in the benchmark: the three models, their seeded data and initial
 * weights (made once, with tsgrad's seeded generator, and copied into every framework), and the
 * `Trainer` interface each framework adapter implements.
 */
import { Generator } from '../src/random';

/** Cross-entropy on logits (class-index labels), or sigmoid + binary cross-entropy (0/1 labels). */
export type LossKind = 'cross-entropy' | 'sigmoid-bce';

/**
 * Linear(inputs, hidden[0]) -> ReLU -> ... -> Linear(hidden[last], outputs), then the loss; plain SGD.
 */
export interface ModelSpec {
  id: 'mlp512' | 'mlp' | 'nn2' | 'nn1';
  name: string;
  inputs: number;
  /** The widths of the hidden layers (a ReLU after each). */
  hidden: number[];
  outputs: number;
  batch: number;
  loss: LossKind;
  lr: number;
}

export const MODELS: readonly ModelSpec[] = [
  { id: 'mlp512', name: 'MLP 784-512-512-10', inputs: 784, hidden: [512, 512], outputs: 10, batch: 128, loss: 'cross-entropy', lr: 0.1 },
  { id: 'mlp', name: 'MLP 784-128-10', inputs: 784, hidden: [128], outputs: 10, batch: 64, loss: 'cross-entropy', lr: 0.1 },
  { id: 'nn2', name: 'NeuralNet2 784-5-3', inputs: 784, hidden: [5], outputs: 3, batch: 32, loss: 'cross-entropy', lr: 0.1 },
  { id: 'nn1', name: 'NeuralNet1 784-5-1', inputs: 784, hidden: [5], outputs: 1, batch: 32, loss: 'sigmoid-bce', lr: 0.1 },
];

/** The [in, out] features of each Linear layer of `spec`, first to last. */
export function layerSizes(spec: ModelSpec): [number, number][] {
  const widths = [spec.inputs, ...spec.hidden, spec.outputs];
  return widths.slice(1).map((out, i) => [widths[i], out]);
}

export function modelSpec(id: string): ModelSpec {
  const spec = MODELS.find((m) => m.id === id);
  if (!spec) throw new Error(`unknown model '${id}'; expected one of ${MODELS.map((m) => m.id).join(', ')}`);
  return spec;
}

/** One Linear layer's weights in PyTorch's layout: w is out x in, row-major; b has out entries. */
export interface LayerWeights {
  w: Float32Array;
  b: Float32Array;
}

/** The Linear layers' weights, first to last (layerSizes gives their shapes). */
export type Weights = LayerWeights[];

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
  // layer by layer, w then b: for one hidden layer the same draws as before there were more
  const weights: Weights = layerSizes(spec).map(([inF, outF]) => {
    const bound = 1 / Math.sqrt(inF);
    const w = uniform(outF * inF, bound);
    return { w, b: uniform(outF, bound) };
  });
  const classes = spec.loss === 'cross-entropy' ? spec.outputs : 2;
  const batches: Batch[] = [];
  for (let b = 0; b < BATCHES; b++) {
    const x = new Float32Array(spec.batch * spec.inputs);
    g.fillUniform(x, 0, 1);
    const labels = new Int32Array(spec.batch);
    g.fillInteger(labels, 0, classes);
    batches.push({ x, labels });
  }
  return { spec, weights, batches, checksum: checksum([...weights.flatMap((l) => [l.w, l.b]), ...batches.flatMap((b) => [b.x, b.labels])]) };
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
