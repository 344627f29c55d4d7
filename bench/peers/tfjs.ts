/**
 * TensorFlow.js (`@tensorflow/tfjs`) with its `cpu` backend (plain JS) or its `wasm` backend (XNNPACK,
 * SIMD, single-threaded), written the way its Dense layer computes: fused matMul + bias + activation,
 * `tf.losses`, and `tf.train.sgd` with `optimizer.minimize`. The wasm backend has no threads in Node
 * (see setupTfjs).
 */
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { layerSizes, type Problem, type Trainer, transpose } from '../models';

export type TfjsBackend = 'cpu' | 'wasm';

/** What tfjs's wasm backend said about threads when it started (null before, or on the cpu backend). */
let wasmThreads: { flag: boolean; asked: number; count: number } | null = null;

/**
 * Selects the backend. The wasm backend loads its .wasm binaries from node_modules, with SIMD. For
 * threads it asks for all cores (`setThreadsCount`, before the backend starts) and records what it
 * got: tfjs's flag WASM_HAS_MULTITHREAD_SUPPORT is false in Node (tfjs turns it off there,
 * tensorflow/tfjs#3830: no pthread worker script), so it loads the single-threaded SIMD build and
 * `getThreadsCount()` reports the threads XNNPACK runs on.
 */
export async function setupTfjs(backend: TfjsBackend): Promise<void> {
  tf.enableProdMode(); // tfjs's advice for speed; here it only silences its "install tfjs-node" banner
  if (backend === 'wasm') {
    const dist = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
    const flag = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
    // a true flag in Node would load the threaded build, whose workers cannot start here
    if (flag) throw new Error('tfjs: WASM_HAS_MULTITHREAD_SUPPORT is true in Node: this adapter does not know how to run its threaded build');
    const asked = os.availableParallelism();
    setThreadsCount(asked);
    setWasmPaths(dist);
    wasmThreads = { flag, asked, count: -1 };
  }
  if (!(await tf.setBackend(backend)) || tf.getBackend() !== backend) throw new Error(`tfjs: could not start the ${backend} backend`);
  await tf.ready();
  if (backend === 'wasm') {
    if (!(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'))) throw new Error('tfjs: the wasm backend has no SIMD here');
    wasmThreads!.count = getThreadsCount();
  }
}

/** The threads tfjs's kernels run on (1 on the cpu backend; on wasm, what getThreadsCount() reported). */
export function tfjsThreads(): number {
  return tf.getBackend() === 'wasm' ? (wasmThreads?.count ?? -1) : 1;
}

/** How the trainer was built, reported with the results. */
export function tfjsInfo(): string {
  const how = 'tf.fused.matMul (bias, relu), tf.losses.softmaxCrossEntropy / logLoss, tf.train.sgd minimize';
  const t = wasmThreads;
  const threads =
    tf.getBackend() === 'wasm' && t
      ? ` (SIMD; WASM_HAS_MULTITHREAD_SUPPORT ${t.flag}, so the single-threaded build; setThreadsCount(${t.asked}), getThreadsCount() = ${t.count})`
      : '';
  return `tfjs ${tf.version.tfjs}, backend ${tf.getBackend()}${threads}: ${how}`;
}

export function tfjsTrainer(problem: Problem): Trainer {
  const { spec, weights, batches } = problem;
  const bce = spec.loss === 'sigmoid-bce';
  // tfjs's Dense layer stores the kernel as in x out: the transpose of PyTorch's weight
  const layers = layerSizes(spec).map(([inF, outF], i) => ({
    w: tf.variable(tf.tensor2d(transpose(weights[i].w, outF, inF), [inF, outF])),
    b: tf.variable(tf.tensor1d(weights[i].b)),
  }));
  const vars = layers.flatMap((l) => [l.w, l.b]);
  const xs = batches.map((b) => tf.tensor2d(b.x, [spec.batch, spec.inputs]));
  const ys = batches.map((b) =>
    bce ? tf.tensor2d(Float32Array.from(b.labels), [spec.batch, 1]) : tf.oneHot(tf.tensor1d(b.labels, 'int32'), spec.outputs).toFloat(),
  );
  const optimizer = tf.train.sgd(spec.lr);

  const loss = (b: number): tf.Scalar => {
    let out: tf.Tensor2D = xs[b];
    layers.forEach((l, i) => {
      out = tf.fused.matMul({ a: out, b: l.w, bias: l.b, activation: i < layers.length - 1 ? 'relu' : 'linear' }) as tf.Tensor2D;
    });
    // logLoss with epsilon 0 is exactly -mean(y log p + (1 - y) log(1 - p)), as PyTorch's BCELoss
    return bce ? tf.losses.logLoss(ys[b], tf.sigmoid(out), undefined, 0) : tf.losses.softmaxCrossEntropy(ys[b], out);
  };
  const step = (b: number, readLoss: boolean): number => {
    const cost = optimizer.minimize(() => loss(b), readLoss, vars);
    if (!cost) return NaN;
    const value = cost.dataSync()[0];
    cost.dispose();
    return value;
  };

  let tensors = -1;
  return {
    step: (b) => step(b, true),
    run(steps, first) {
      for (let i = 0; i < steps; i++) step((first + i) % xs.length, false);
      // every intermediate must be freed by minimize's tidy, or the timings include a leak
      const now = tf.memory().numTensors;
      if (tensors >= 0 && now !== tensors) throw new Error(`tfjs: ${now - tensors} tensors leaked during ${steps} steps`);
      tensors = now;
    },
  };
}

/** Runs small products of every transpose combination for `ms`, so that V8 has tiered up tfjs's code first. */
export function warmUpMatmul(ms: number): void {
  const a = tf.randomUniform([96, 96]);
  const b = tf.randomUniform([96, 96]);
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    for (const [ta, tb] of [
      [false, false],
      [false, true],
      [true, false],
      [true, true],
    ])
      tf.matMul(a, b, ta, tb).dispose();
  }
  a.dispose();
  b.dispose();
}

/**
 * Median and fastest seconds per `tf.matMul(a, b, transposeA, transposeB)` of float32 operands:
 * samples of >= 20 ms, as many as fit in ~1.5 s (3 to 7), after one warm-up call.
 */
export function tfjsMatmulSeconds(transA: boolean, transB: boolean, m: number, n: number, k: number): { seconds: number; best: number } {
  const a = tf.randomUniform(transA ? [k, m] : [m, k], -0.5, 0.5, 'float32', 1);
  const b = tf.randomUniform(transB ? [n, k] : [k, n], -0.5, 0.5, 'float32', 2);
  const run = (calls: number): number => {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) tf.matMul(a, b, transA, transB).dispose();
    return (performance.now() - t0) / 1000;
  };
  let calls = 1;
  let t = run(1);
  for (; t < 0.02; t = run(calls)) calls = t < 0.002 ? calls * 8 : calls * 2;
  const reps = Math.max(3, Math.min(7, Math.floor(1.5 / t)));
  const samples: number[] = [];
  for (let r = 0; r < reps; r++) samples.push(run(calls) / calls);
  a.dispose();
  b.dispose();
  samples.sort((p, q) => p - q);
  return { seconds: samples[samples.length >> 1], best: samples[0] };
}
