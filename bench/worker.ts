/**
 * One benchmark process: it builds one framework's trainer (or runs the GEMM or heap measurement)
 * and answers the runner's requests over the IPC channel, one at a time. Each framework and model
 * gets a fresh process, so no framework's JIT state or garbage affects another's timings.
 */
import * as tsgrad from '../src/index';
import { getBackendInfo, getNumThreads } from '../src/index';
import { benchMatmul, type MatmulBenchRow, matmulShapes } from './matmul';
import { type Framework, makeProblem, modelSpec, type Trainer } from './models';
import { runSmallOps, type SmallOpsReply } from './small-ops';
import { benchBackend, describeKernels, threadsRunning, tsgradTrainer } from './tsgrad';

export type Request =
  | { type: 'init'; framework: Framework; model: string }
  | { type: 'warmup'; ms: number; maxMs: number; minSteps: number }
  | { type: 'rep'; steps: number }
  | { type: 'matmul'; framework: Framework; sizes: number[]; skinny: boolean }
  | { type: 'heap'; model: string; steps: number }
  | { type: 'small-ops'; reps: number; warmupMs: number };

export interface InitReply {
  checksum: string;
  /** The loss of step 1 (initial weights, batch 0) and of step 2 (after one update, batch 1). */
  losses: [number, number];
  info: string;
  /** The threads the framework's kernels run on (tsgrad: getBackendInfo().threads once its pool is up). */
  threads: number;
}
export interface WarmupReply {
  steps: number;
  /** the fastest chunk's ms per step: sets the steps per repetition */
  msPerStep: number;
  seconds: number;
}
export interface RepReply {
  ms: number;
  /** CPU time this process used during the repetition (user + system). */
  cpuMs: number;
}
/** One float32 GEMM timing (the same row for tsgrad, tsgrad-wasm and the peers). */
export type MatmulRow = MatmulBenchRow;
/** A framework's GEMM timings, and the threads its kernels ran on. */
export interface MatmulReply {
  rows: MatmulRow[];
  threads: number;
}
export type { SmallOpsReply };
export interface HeapReply {
  steps: number;
  /** process.memoryUsage() after a forced GC: before the first step, half-way, after the last. */
  samples: { step: number; heapUsed: number; arrayBuffers: number }[];
}

type Reply = InitReply | WarmupReply | RepReply | MatmulReply | HeapReply | SmallOpsReply;

let trainer: Trainer | null = null;
let nextBatch = 0;
/** tsgrad on a pool of kernel threads (wasm, more than 1): its idle workers retire after 5 s. */
let pooled = false;

/** The trainer, and (once its first steps ran: tsgrad's pool starts its workers then) what it runs on. */
async function makeTrainer(framework: Framework, model: string): Promise<{ trainer: Trainer; about: () => Promise<{ info: string; threads: number }> }> {
  const problem = makeProblem(modelSpec(model));
  switch (framework) {
    case 'tsgrad': {
      const about = async () => {
        pooled = benchBackend() === 'wasm' && getNumThreads() > 1;
        if (pooled) await threadsRunning(getNumThreads());
        const info = `tsgrad (this tree): nn.Linear, nn.ReLU, sigmoid, nn.CrossEntropyLoss / nn.BCELoss, optim.SGD; ${describeKernels()} (setNumThreads ${getNumThreads()})`;
        return { info, threads: getBackendInfo().threads };
      };
      return { trainer: tsgradTrainer(problem), about };
    }
    case 'tfjs-cpu':
    case 'tfjs-wasm': {
      const tfjs = await import('./peers/tfjs');
      await tfjs.setupTfjs(framework === 'tfjs-cpu' ? 'cpu' : 'wasm');
      return { trainer: tfjs.tfjsTrainer(problem), about: async () => ({ info: tfjs.tfjsInfo(), threads: tfjs.tfjsThreads() }) };
    }
    case 'js-pytorch': {
      const js = await import('./peers/js-pytorch');
      return { trainer: js.jsPytorchTrainer(problem), about: async () => ({ info: js.jsPytorchInfo(), threads: 1 }) };
    }
  }
}

function runTimed(t: Trainer, steps: number): RepReply {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  t.run(steps, nextBatch);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  nextBatch = (nextBatch + steps) % 1024;
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000 };
}

async function matmul(framework: Framework, sizes: number[], skinny: boolean): Promise<MatmulReply> {
  const shapes = matmulShapes(sizes).filter((s) => skinny || (s.m === s.n && s.n === s.k));
  if (framework === 'tsgrad') return { rows: await benchMatmul(shapes), threads: 1 }; // the TS gemm, called directly
  if (framework !== 'tfjs-cpu' && framework !== 'tfjs-wasm') throw new Error(`no GEMM benchmark for ${framework}`);
  const tfjs = await import('./peers/tfjs');
  await tfjs.setupTfjs(framework === 'tfjs-cpu' ? 'cpu' : 'wasm');
  tfjs.warmUpMatmul(3000);
  const rows = shapes.map((s) => {
    const { seconds, best } = tfjs.tfjsMatmulSeconds(s.transA, s.transB, s.m, s.n, s.k);
    const flop = 2 * s.m * s.n * s.k;
    return { ...s, seconds, gflops: flop / seconds / 1e9, bestGflops: flop / best / 1e9 };
  });
  return { rows, threads: tfjs.tfjsThreads() };
}

/**
 * Heap after a forced GC before `steps` training steps of `t`, half-way and after the last;
 * `onSample` runs at each sample (to record more, e.g. the WebAssembly memory).
 */
export function heapOver(t: Pick<Trainer, 'run'>, steps: number, onSample: () => void = () => {}): HeapReply {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('heap: global.gc is missing; run with --expose-gc');
  const sample = (step: number) => {
    gc();
    gc();
    const m = process.memoryUsage();
    onSample();
    return { step, heapUsed: m.heapUsed, arrayBuffers: m.arrayBuffers };
  };
  const samples = [sample(0)];
  const half = Math.floor(steps / 2);
  t.run(half, 0);
  samples.push(sample(half));
  t.run(steps - half, half);
  samples.push(sample(steps));
  return { steps, samples };
}

async function handle(req: Request): Promise<Reply> {
  switch (req.type) {
    case 'init': {
      const made = await makeTrainer(req.framework, req.model);
      trainer = made.trainer;
      const problem = makeProblem(modelSpec(req.model));
      const losses: [number, number] = [trainer.step(0), trainer.step(1)];
      nextBatch = 2;
      return { checksum: problem.checksum, losses, ...(await made.about()) };
    }
    case 'warmup': {
      // V8 keeps optimising for seconds (JS tier-up, and wasm tier-up from Liftoff to TurboFan: tfjs's
      // wasm backend takes ~3 s to reach its steady speed), so warm up in ~100 ms chunks for at least
      // req.ms, and on while the best recent chunk is still > 3% faster than the best before it
      const t = need(trainer);
      let steps = 1;
      let total = 0;
      const chunks: number[] = []; // ms per step of each chunk of >= 100 ms
      const t0 = performance.now();
      for (;;) {
        const { ms } = runTimed(t, steps);
        total += steps;
        if (ms < 100) {
          steps = Math.max(steps + 1, Math.ceil((steps * 100) / Math.max(ms, 1)));
          continue;
        }
        chunks.push(ms / steps);
        const elapsed = performance.now() - t0;
        if (elapsed < req.ms || total < req.minSteps || chunks.length < 6) continue;
        const recent = Math.min(...chunks.slice(-3));
        const before = Math.min(...chunks.slice(0, -3));
        if (recent > 0.97 * before || elapsed > req.maxMs) break;
      }
      return { steps: total, msPerStep: Math.min(...chunks), seconds: (performance.now() - t0) / 1000 };
    }
    case 'rep': {
      const t = need(trainer);
      if (pooled && getBackendInfo().threads < getNumThreads()) {
        // the workers retired while the other frameworks ran (idle > 5 s): one untimed step restarts them
        t.run(1, nextBatch);
        nextBatch = (nextBatch + 1) % 1024;
        await threadsRunning(getNumThreads());
      }
      return runTimed(t, req.steps);
    }
    case 'matmul':
      return matmul(req.framework, req.sizes, req.skinny);
    case 'heap':
      return heapOver(tsgradTrainer(makeProblem(modelSpec(req.model))), req.steps);
    case 'small-ops':
      // the sources under tsx; bench/package-worker.ts runs the same chain on the npm package
      return runSmallOps(tsgrad, req.reps, req.warmupMs);
  }
}

function need(t: Trainer | null): Trainer {
  if (!t) throw new Error('worker: init must come first');
  return t;
}

if (require.main === module) {
  if (!process.send) throw new Error('bench/worker.ts is started by bench/run.ts, not by hand');
  process.on('message', (req: Request) => {
    handle(req).then(
      (value) => process.send!({ ok: true, value }),
      (e: unknown) => process.send!({ ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
}
