/**
 * The convolutional rows of `npm run bench` (section `cnn`): a training step of LeNet-5 and of
 * pytorch/examples' MNIST net (conv 32, conv 64, max-pool, dropout, fc 128, dropout, fc 10) on 28x28
 * inputs, batch 64, in tsgrad (js and wasm kernels), TensorFlow.js (cpu, and wasm where it can train
 * a conv net) and js-pytorch (where it has a convolution), from the same initial weights and data;
 * conv2d forward and backward GFLOPS; tsgrad-wasm's heap and WebAssembly memory over 2,000 LeNet steps.
 *
 * bench/run.ts forks this file as a worker, one process per framework, and asks it one thing at a
 * time (`CnnRequest`); the runner decides the time boxes and builds the tables (bench/report.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import type * as tfNs from '@tensorflow/tfjs';
import * as torch from '../src/index';
import { nn, optim, type Tensor } from '../src/index';
import { wasmMemoryBytes } from '../src/backend/wasm/backend';
import { Generator } from '../src/random';
import { type BenchEntry, TSGRAD_ENTRIES, tsgradEntry } from './report';
import { useBackend } from './tsgrad';
import { median } from './stats';

export type CnnNetId = 'lenet' | 'mnist';
export const CNN_NETS: readonly { id: CnnNetId; name: string }[] = [
  { id: 'lenet', name: 'LeNet-5 (conv 6 5x5 pad 2, max-pool, conv 16 5x5, max-pool, fc 120, fc 84, fc 10)' },
  { id: 'mnist', name: 'pytorch/examples MNIST net (conv 32 3x3, conv 64 3x3, max-pool, dropout 0.25, fc 128, dropout 0.5, fc 10)' },
];
export const CNN_BATCH = 64;
export const CNN_LR = 0.01;
const BATCHES = 4;
const SEED = 20240601;

/** Every parameter in PyTorch's layout ([out, in, kh, kw] for conv, [out, in] for linear) under its state-dict name. */
type Weights = Record<string, { shape: number[]; data: Float32Array }>;

const LAYERS: Record<CnnNetId, { name: string; shape: number[]; fanIn: number }[]> = {
  lenet: [
    { name: 'conv1', shape: [6, 1, 5, 5], fanIn: 25 },
    { name: 'conv2', shape: [16, 6, 5, 5], fanIn: 150 },
    { name: 'fc1', shape: [120, 400], fanIn: 400 },
    { name: 'fc2', shape: [84, 120], fanIn: 120 },
    { name: 'fc3', shape: [10, 84], fanIn: 84 },
  ],
  mnist: [
    { name: 'conv1', shape: [32, 1, 3, 3], fanIn: 9 },
    { name: 'conv2', shape: [64, 32, 3, 3], fanIn: 288 },
    { name: 'fc1', shape: [128, 9216], fanIn: 9216 },
    { name: 'fc2', shape: [10, 128], fanIn: 128 },
  ],
};

/** The first fully connected layer's input as (channels, height, width): PyTorch flattens C, H, W; tfjs H, W, C. */
const FLAT: Record<CnnNetId, [number, number, number]> = { lenet: [16, 5, 5], mnist: [64, 12, 12] };

export interface CnnProblem {
  id: CnnNetId;
  weights: Weights;
  /** [64, 1, 28, 28] images in [0, 1) (the same bytes are NHWC for tfjs: one channel) and class labels. */
  xs: Float32Array[];
  ys: Int32Array[];
  /** FNV-1a of weights and data: every worker reports it, so the runner knows they all got the same. */
  checksum: string;
}

/** Weights with PyTorch's default init bounds (U(-1/sqrt(fan_in), 1/sqrt(fan_in))) and data, from tsgrad's seeded generator. */
export function makeCnnProblem(id: CnnNetId): CnnProblem {
  const g = new Generator(SEED);
  const weights: Weights = {};
  for (const { name, shape, fanIn } of LAYERS[id]) {
    const bound = 1 / Math.sqrt(fanIn);
    const w = new Float32Array(shape.reduce((a, b) => a * b, 1));
    g.fillUniform(w, -bound, bound);
    const b = new Float32Array(shape[0]);
    g.fillUniform(b, -bound, bound);
    weights[`${name}.weight`] = { shape, data: w };
    weights[`${name}.bias`] = { shape: [shape[0]], data: b };
  }
  const xs: Float32Array[] = [];
  const ys: Int32Array[] = [];
  for (let i = 0; i < BATCHES; i++) {
    const x = new Float32Array(CNN_BATCH * 28 * 28);
    g.fillUniform(x, 0, 1);
    const y = new Int32Array(CNN_BATCH);
    g.fillInteger(y, 0, 10);
    xs.push(x);
    ys.push(y);
  }
  const arrays = [...Object.values(weights).map((w) => w.data), ...xs, ...ys];
  let h = 0x811c9dc5;
  for (const a of arrays) {
    const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
  }
  return { id, weights, xs, ys, checksum: h.toString(16).padStart(8, '0') };
}

export interface CnnTrainer {
  /** One SGD step on batch `b` (dropout active unless `dropout` is false); its loss when `readLoss`, else NaN. */
  step(b: number, readLoss: boolean, dropout?: boolean): number;
  /** The loss on batch `b` with dropout off, without an update. */
  evalLoss(b: number): number;
}

// ---- tsgrad, written as a user would ----

const F = nn.functional;

class LeNet extends nn.Module {
  conv1 = new nn.Conv2d(1, 6, 5, 1, 2);
  conv2 = new nn.Conv2d(6, 16, 5);
  fc1 = new nn.Linear(400, 120);
  fc2 = new nn.Linear(120, 84);
  fc3 = new nn.Linear(84, 10);
  forward(x: Tensor): Tensor {
    x = F.maxPool2d(F.relu(this.conv1(x)), 2);
    x = F.maxPool2d(F.relu(this.conv2(x)), 2);
    x = torch.flatten(x, 1);
    return this.fc3(F.relu(this.fc2(F.relu(this.fc1(x)))));
  }
}

/** pytorch/examples' mnist/main.py Net, without its final log_softmax (CrossEntropyLoss includes it). */
class MnistNet extends nn.Module {
  conv1 = new nn.Conv2d(1, 32, 3, 1);
  conv2 = new nn.Conv2d(32, 64, 3, 1);
  dropout1 = new nn.Dropout(0.25);
  dropout2 = new nn.Dropout(0.5);
  fc1 = new nn.Linear(9216, 128);
  fc2 = new nn.Linear(128, 10);
  forward(x: Tensor): Tensor {
    x = F.relu(this.conv2(F.relu(this.conv1(x))));
    x = this.dropout1(F.maxPool2d(x, 2));
    x = this.dropout2(F.relu(this.fc1(torch.flatten(x, 1))));
    return this.fc2(x);
  }
}

/** tsgrad's trainer; sets the kernel backend (global) to `backend`. */
export function tsgradCnnTrainer(problem: CnnProblem, backend: 'js' | 'wasm', threads: number | null = null): CnnTrainer {
  useBackend(backend, threads);
  torch.manualSeed(SEED); // dropout's masks
  const model = problem.id === 'lenet' ? new LeNet() : new MnistNet();
  const state: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(problem.weights)) state[k] = torch.fromArray(v.data.slice(), v.shape);
  model.loadStateDict(state);
  const xs = problem.xs.map((x) => torch.fromArray(x, [CNN_BATCH, 1, 28, 28]));
  const ys = problem.ys.map((y) => torch.fromArray(y));
  const criterion = new nn.CrossEntropyLoss();
  const optimizer = new optim.SGD(model.parameters(), { lr: CNN_LR });
  return {
    step(b, readLoss, dropout = true) {
      if (!dropout) model.eval();
      optimizer.zeroGrad();
      const loss = criterion(model(xs[b]), ys[b]);
      loss.backward();
      optimizer.step();
      model.train();
      return readLoss ? loss.item() : NaN;
    },
    evalLoss(b) {
      model.eval();
      const loss = torch.noGrad(() => criterion(model(xs[b]), ys[b]).item());
      model.train();
      return loss;
    },
  };
}

// ---- TensorFlow.js, NHWC as its conv layers compute, fused conv/matMul + bias + relu as its layers do ----

type Tf = typeof tfNs;

async function loadTfjs(backend: 'cpu' | 'wasm'): Promise<Tf> {
  const { setupTfjs } = await import('./peers/tfjs');
  await setupTfjs(backend);
  return import('@tensorflow/tfjs');
}

/** [out, in, kh, kw] (PyTorch) as [kh, kw, in, out] (tfjs's filter layout). */
function filterOf(tf: Tf, w: { shape: number[]; data: Float32Array }): tfNs.Tensor4D {
  const [o, i, kh, kw] = w.shape;
  const out = new Float32Array(w.data.length);
  for (let a = 0; a < o; a++)
    for (let b = 0; b < i; b++)
      for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) out[((y * kw + x) * i + b) * o + a] = w.data[((a * i + b) * kh + y) * kw + x];
  return tf.tensor4d(out, [kh, kw, i, o]);
}

/** [out, in] (PyTorch) as [in, out]; with `chw`, rows reordered from PyTorch's C, H, W flattening to tfjs's H, W, C. */
function denseOf(tf: Tf, w: { shape: number[]; data: Float32Array }, chw?: [number, number, number]): tfNs.Tensor2D {
  const [o, i] = w.shape;
  const out = new Float32Array(w.data.length);
  for (let a = 0; a < o; a++) {
    for (let b = 0; b < i; b++) {
      let row = b;
      if (chw) {
        const [c, h, ww] = chw;
        row = (b % (h * ww)) * c + Math.floor(b / (h * ww));
      }
      out[row * o + a] = w.data[a * i + b];
    }
  }
  return tf.tensor2d(out, [i, o]);
}

function tfjsCnnTrainer(tf: Tf, problem: CnnProblem): CnnTrainer {
  const { id, weights: W } = problem;
  const vars: Record<string, tfNs.Variable> = {};
  for (const { name } of LAYERS[id]) {
    const w = W[`${name}.weight`];
    vars[`${name}.w`] = tf.variable(w.shape.length === 4 ? filterOf(tf, w) : denseOf(tf, w, name === 'fc1' ? FLAT[id] : undefined));
    vars[`${name}.b`] = tf.variable(tf.tensor1d(W[`${name}.bias`].data));
  }
  const xs = problem.xs.map((x) => tf.tensor4d(x, [CNN_BATCH, 28, 28, 1]));
  const ys = problem.ys.map((y) => tf.tidy(() => tf.oneHot(tf.tensor1d(y, 'int32'), 10).toFloat()));
  const optimizer = tf.train.sgd(CNN_LR);
  const conv = (x: tfNs.Tensor4D, name: string, pad: 'valid' | 'same'): tfNs.Tensor4D =>
    tf.fused.conv2d({ x, filter: vars[`${name}.w`] as tfNs.Tensor4D, strides: 1, pad, bias: vars[`${name}.b`], activation: 'relu' });
  const dense = (x: tfNs.Tensor2D, name: string, relu: boolean): tfNs.Tensor2D =>
    tf.fused.matMul({ a: x, b: vars[`${name}.w`] as tfNs.Tensor2D, bias: vars[`${name}.b`], activation: relu ? 'relu' : 'linear' }) as tfNs.Tensor2D;
  const forward = (x: tfNs.Tensor4D, dropout: boolean): tfNs.Tensor2D => {
    if (id === 'lenet') {
      let h = tf.maxPool(conv(x, 'conv1', 'same'), 2, 2, 'valid');
      h = tf.maxPool(conv(h, 'conv2', 'valid'), 2, 2, 'valid');
      return dense(dense(dense(h.reshape([CNN_BATCH, 400]), 'fc1', true), 'fc2', true), 'fc3', false);
    }
    let h = tf.maxPool(conv(conv(x, 'conv1', 'valid'), 'conv2', 'valid'), 2, 2, 'valid');
    if (dropout) h = tf.dropout(h, 0.25) as tfNs.Tensor4D;
    let f = dense(h.reshape([CNN_BATCH, 9216]), 'fc1', true);
    if (dropout) f = tf.dropout(f, 0.5) as tfNs.Tensor2D;
    return dense(f, 'fc2', false);
  };
  const list = Object.values(vars);
  return {
    step(b, readLoss, dropout = true) {
      const cost = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(ys[b], forward(xs[b], dropout)), readLoss, list);
      if (!cost) return NaN;
      const value = cost.dataSync()[0];
      cost.dispose();
      return value;
    },
    evalLoss(b) {
      return tf.tidy(() => tf.losses.softmaxCrossEntropy(ys[b], forward(xs[b], false)).dataSync()[0]);
    },
  };
}

/** js-pytorch's version, and its exports whose names say convolution or pooling. */
async function jsPytorchConvExports(): Promise<{ version: string; conv: string[]; nn: string[] }> {
  const { torch: jt } = await import('js-pytorch');
  const pkg = path.join(path.dirname(require.resolve('js-pytorch')), '..', 'package.json');
  const { version } = JSON.parse(fs.readFileSync(pkg, 'utf8')) as { version: string };
  const names = [...Object.keys(jt).map((k) => `torch.${k}`), ...Object.keys(jt.nn).map((k) => `torch.nn.${k}`)];
  return { version, conv: names.filter((n) => /conv|pool/i.test(n)), nn: Object.keys(jt.nn) };
}

// ---- the worker's side ----

export type CnnRequest =
  | { type: 'cnn-init'; entry: BenchEntry; net: CnnNetId }
  | { type: 'cnn-first-step' }
  | { type: 'cnn-warmup'; ms: number }
  | { type: 'cnn-time'; ms: number; maxSteps: number }
  | { type: 'conv'; entry: BenchEntry; budgetMs: number }
  | { type: 'cnn-heap'; steps: number; at: number[] };

export interface CnnInitReply {
  info: string;
  /** Why this framework has no row (it has no convolution), and what it lacks. */
  unavailable?: string;
  checksum: string;
  /** The loss on batch 0 at the initial weights, dropout off: step 1's loss, by a forward pass alone. */
  loss: number;
}
/** Step 1 (dropout off, cold: it includes the first calls' compilation), then batch 1's loss after its update. */
export interface CnnFirstStepReply {
  /** "cannot train: <the error the step threw>". */
  unavailable?: string;
  ms: number;
  cpuMs: number;
  /** Step 1's own loss, and batch 1's after the update (dropout off, no update). */
  losses: [number, number];
}
export interface CnnWarmupReply {
  steps: number;
  seconds: number;
}
/** Wall and CPU ms of each step of a time box. */
export interface CnnTimeReply {
  ms: number[];
  cpuMs: number[];
}

export type ConvDirection = 'forward' | 'input gradient' | 'weight gradient';
export interface ConvRow {
  layer: string;
  direction: ConvDirection;
  /** The batch timed: 64, or for a peer whose calls are too slow for the time box, a smaller power of 2. */
  batch: number;
  calls: number;
  seconds: number;
  gflops: number;
  /** Set when the framework cannot run it (the error's message); the numbers are then NaN. */
  error?: string;
}
export interface ConvReply {
  info: string;
  rows: ConvRow[];
}

export interface CnnHeapSample {
  step: number;
  heapUsed: number;
  arrayBuffers: number;
  wasmMemory: number;
}
export interface CnnHeapReply {
  steps: number;
  msPerStep: number;
  samples: CnnHeapSample[];
}

let trainer: CnnTrainer | null = null;
let peer = false; // the trainer is another framework's: an error in its step means it cannot train
let nextBatch = 0;

function timed(f: () => void): { ms: number; cpuMs: number } {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  f();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** The loss check, here and in every worker: step 1 with dropout off, then batch 1's loss after its update. */
export function firstStep(t: CnnTrainer): CnnFirstStepReply {
  let first = NaN;
  const { ms, cpuMs } = timed(() => (first = t.step(0, true, false)));
  return { ms, cpuMs, losses: [first, t.evalLoss(1)] };
}

async function init(entry: BenchEntry, net: CnnNetId): Promise<CnnInitReply> {
  const problem = makeCnnProblem(net);
  const base = { checksum: problem.checksum, loss: NaN };
  let info: string;
  switch (entry) {
    case 'tsgrad':
    case 'tsgrad-wasm':
    case 'tsgrad-wasm-1t': {
      trainer = tsgradCnnTrainer(problem, entry === 'tsgrad' ? 'js' : 'wasm', TSGRAD_ENTRIES[entry].threads);
      peer = false;
      info = `tsgrad (this tree): nn.Conv2d, F.maxPool2d, nn.Dropout, nn.Linear, nn.CrossEntropyLoss, optim.SGD; kernel backend ${torch.getBackend()}, setNumThreads ${torch.getNumThreads()}`;
      break;
    }
    case 'tfjs-cpu':
    case 'tfjs-wasm': {
      const tf = await loadTfjs(entry === 'tfjs-cpu' ? 'cpu' : 'wasm');
      const how = 'tf.fused.conv2d / tf.fused.matMul (bias, relu), tf.maxPool, tf.dropout, tf.losses.softmaxCrossEntropy, tf.train.sgd minimize';
      info = `tfjs ${tf.version.tfjs}, backend ${tf.getBackend()}, ${(await import('./peers/tfjs')).tfjsThreads()} thread(s): ${how}`;
      trainer = tfjsCnnTrainer(tf, problem);
      peer = true;
      break;
    }
    case 'js-pytorch': {
      const js = await jsPytorchConvExports();
      if (js.conv.length) throw new Error(`js-pytorch ${js.version} now exports ${js.conv.join(', ')}: bench/cnn.ts needs an adapter for it`);
      return {
        ...base,
        info: `js-pytorch ${js.version}: torch.nn has ${js.nn.join(', ')}`,
        unavailable: `no conv: js-pytorch ${js.version} exports no convolution or pooling`,
      };
    }
  }
  return { ...base, info, loss: trainer.evalLoss(0) };
}

/** Step 1 and the loss after it; a framework whose step throws (tfjs-wasm: a kernel it lacks) cannot train. */
function first(): CnnFirstStepReply {
  const t = need(trainer);
  try {
    const reply = firstStep(t);
    nextBatch = 1;
    return reply;
  } catch (e) {
    if (!peer) throw e;
    trainer = null;
    return { unavailable: `cannot train: ${firstLine(e)}`, ms: NaN, cpuMs: NaN, losses: [NaN, NaN] };
  }
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

function need(t: CnnTrainer | null): CnnTrainer {
  if (!t) throw new Error('cnn worker: a successful cnn-init must come first');
  return t;
}

/** Steps until `ms` have passed (at least one). */
function warmup(ms: number): CnnWarmupReply {
  const t = need(trainer);
  const t0 = performance.now();
  let steps = 0;
  do {
    t.step(nextBatch, false);
    nextBatch = (nextBatch + 1) % BATCHES;
    steps++;
  } while (performance.now() - t0 < ms);
  return { steps, seconds: (performance.now() - t0) / 1000 };
}

/** Steps, each timed, until `ms` have passed or `maxSteps` were run (at least one). */
function timeBox(ms: number, maxSteps: number): CnnTimeReply {
  const t = need(trainer);
  const out: CnnTimeReply = { ms: [], cpuMs: [] };
  const t0 = performance.now();
  do {
    const b = nextBatch;
    const s = timed(() => t.step(b, false));
    out.ms.push(s.ms);
    out.cpuMs.push(s.cpuMs);
    nextBatch = (nextBatch + 1) % BATCHES;
  } while (performance.now() - t0 < ms && out.ms.length < maxSteps);
  return out;
}

// ---- conv2d GFLOPS ----

/** The shapes timed: the MNIST net's two convolutions (batch 64, float32, stride 1, no padding). */
export const CONV_SHAPES = [
  { layer: 'conv2 [64, 32, 26, 26] x [64, 32, 3, 3]', c: 32, h: 26, w: 26, o: 64, k: 3 },
  { layer: 'conv1 [64, 1, 28, 28] x [32, 1, 3, 3] (first layer)', c: 1, h: 28, w: 28, o: 32, k: 3 },
] as const;
type ConvShape = (typeof CONV_SHAPES)[number];
const DIRECTIONS: readonly ConvDirection[] = ['forward', 'input gradient', 'weight gradient'];

/** 2 N O C kh kw OH OW: the multiply-adds of the forward product, and of each gradient's. */
export function convFlops(s: ConvShape, batch: number): number {
  return 2 * batch * s.o * s.c * s.k * s.k * (s.h - s.k + 1) * (s.w - s.k + 1);
}

function uniform(n: number, seed: number, bound: number): Float32Array {
  const a = new Float32Array(n);
  new Generator(seed).fillUniform(a, -bound, bound);
  return a;
}

/** A call of one direction of tsgrad's conv2d at `batch`, as the training step makes it. */
function tsgradConv(s: ConvShape, dir: ConvDirection, batch: number): () => void {
  const [oh, ow] = [s.h - s.k + 1, s.w - s.k + 1];
  const x = torch.fromArray(uniform(batch * s.c * s.h * s.w, 1, 1), [batch, s.c, s.h, s.w]);
  const w = torch.fromArray(uniform(s.o * s.c * s.k * s.k, 2, 0.1), [s.o, s.c, s.k, s.k]);
  const gy = torch.fromArray(uniform(batch * s.o * oh * ow, 3, 1), [batch, s.o, oh, ow]);
  if (dir === 'forward') return () => void torch.noGrad(() => F.conv2d(x, w));
  // one graph, its backward run again and again (retainGraph): the gradient alone, as in training
  const wrt = dir === 'input gradient' ? x.requiresGrad_() : w.requiresGrad_();
  const y = F.conv2d(x, w);
  return () => void torch.autograd.grad(y, [wrt], { gradOutputs: gy, retainGraph: true });
}

/** A call of one direction of tfjs's conv2d kernels (Conv2D, Conv2DBackpropInput, Conv2DBackpropFilter), as its gradient calls them. */
function tfjsConv(tf: Tf, s: ConvShape, dir: ConvDirection, batch: number): () => void {
  const [oh, ow] = [s.h - s.k + 1, s.w - s.k + 1];
  const x = tf.tensor4d(uniform(batch * s.c * s.h * s.w, 1, 1), [batch, s.h, s.w, s.c]);
  const f = tf.tensor4d(uniform(s.o * s.c * s.k * s.k, 2, 0.1), [s.k, s.k, s.c, s.o]);
  const dy = tf.tensor4d(uniform(batch * s.o * oh * ow, 3, 1), [batch, oh, ow, s.o]);
  const conv = { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC' };
  const run = (): tfNs.Tensor => {
    if (dir === 'forward') return tf.conv2d(x, f, 1, 'valid');
    if (dir === 'input gradient')
      return tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: f }, { ...conv, inputShape: [batch, s.h, s.w, s.c] }) as tfNs.Tensor;
    return tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...conv, filterShape: [s.k, s.k, s.c, s.o] }) as tfNs.Tensor;
  };
  return () => {
    const out = run();
    out.dataSync();
    out.dispose();
  };
}

/**
 * Median seconds per call within about `budgetMs`. At `fixedBatch` (tsgrad: 64) after one warm-up
 * call; without it (the peers, whose kernels can take minutes a call) the batch doubles from 1 while
 * a call takes under 1/8 of the budget, up to 64. Then calls until half the budget has passed (1 to 15).
 */
function timeConv(make: (batch: number) => () => void, budgetMs: number, fixedBatch?: number): { batch: number; calls: number; seconds: number } {
  let batch = fixedBatch ?? 1;
  let f = make(batch);
  let last = timed(f).ms;
  while (!fixedBatch && batch < CNN_BATCH && last < budgetMs / 8) {
    batch *= 2;
    f = make(batch);
    last = timed(f).ms;
  }
  const samples: number[] = [];
  const t0 = performance.now();
  do samples.push(timed(f).ms);
  while (performance.now() - t0 < budgetMs / 2 && samples.length < 15);
  return { batch, calls: samples.length, seconds: median(samples) / 1000 };
}

async function convGflops(entry: BenchEntry, budgetMs: number): Promise<ConvReply> {
  let make: (s: ConvShape, dir: ConvDirection, batch: number) => () => void;
  let info: string;
  const ts = tsgradEntry(entry);
  const tsgrad = ts !== null;
  if (ts) {
    useBackend(ts.backend, ts.threads);
    make = tsgradConv;
    info = `tsgrad F.conv2d on the ${ts.backend} backend (setNumThreads ${torch.getNumThreads()}): forward under noGrad; each gradient alone by autograd.grad (retainGraph) over one conv2d`;
  } else if (entry === 'tfjs-cpu' || entry === 'tfjs-wasm') {
    const tf = await loadTfjs(entry === 'tfjs-cpu' ? 'cpu' : 'wasm');
    make = (s, dir, batch) => tfjsConv(tf, s, dir, batch);
    info = `tfjs ${tf.version.tfjs} ${tf.getBackend()}: tf.conv2d, and the kernels its gradient runs (Conv2DBackpropInput, Conv2DBackpropFilter)`;
  } else {
    throw new Error(`conv: no conv2d benchmark for ${entry}`);
  }
  const rows: ConvRow[] = [];
  for (const s of CONV_SHAPES) {
    for (const direction of DIRECTIONS) {
      try {
        const { batch, calls, seconds } = timeConv((b) => make(s, direction, b), budgetMs, tsgrad ? CNN_BATCH : undefined);
        rows.push({ layer: s.layer, direction, batch, calls, seconds, gflops: convFlops(s, batch) / seconds / 1e9 });
      } catch (e) {
        rows.push({ layer: s.layer, direction, batch: NaN, calls: 0, seconds: NaN, gflops: NaN, error: firstLine(e) });
      }
    }
  }
  return { info, rows };
}

// ---- heap ----

/** tsgrad-wasm LeNet-5 steps, with heapUsed, arrayBuffers and WebAssembly memory after forced GCs at the steps in `at`. */
function heap(steps: number, at: number[]): CnnHeapReply {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('cnn-heap: global.gc is missing; run with --expose-gc');
  const t = tsgradCnnTrainer(makeCnnProblem('lenet'), 'wasm');
  const samples: CnnHeapSample[] = [];
  const t0 = performance.now();
  let paused = 0;
  for (let i = 1; i <= steps; i++) {
    t.step(i % BATCHES, false);
    if (at.includes(i)) {
      const p0 = performance.now();
      gc();
      gc();
      const m = process.memoryUsage();
      samples.push({ step: i, heapUsed: m.heapUsed, arrayBuffers: m.arrayBuffers, wasmMemory: wasmMemoryBytes() });
      paused += performance.now() - p0;
    }
  }
  return { steps, msPerStep: (performance.now() - t0 - paused) / steps, samples };
}

async function handle(req: CnnRequest): Promise<unknown> {
  switch (req.type) {
    case 'cnn-init':
      return init(req.entry, req.net);
    case 'cnn-first-step':
      return first();
    case 'cnn-warmup':
      return warmup(req.ms);
    case 'cnn-time':
      return timeBox(req.ms, req.maxSteps);
    case 'conv':
      return convGflops(req.entry, req.budgetMs);
    case 'cnn-heap':
      return heap(req.steps, req.at);
  }
}

if (require.main === module) {
  if (!process.send) throw new Error('bench/cnn.ts is started by bench/run.ts: npm run bench -- --only cnn');
  process.on('message', (req: CnnRequest) => {
    handle(req).then(
      (value) => process.send!({ ok: true, value }),
      (e: unknown) => process.send!({ ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
}
