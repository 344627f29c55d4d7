/**
 * tsgrad at one thread and at all cores (setNumThreads), on the work of issue 16's table:
 *
 *   npx tsx bench/threads.ts [--reps N] [--threads a,b,...]
 *
 * Rows: ms per SGD step of MLP 784-512-512-10 (batch 128), MLP 784-128-10 (batch 64), NeuralNet2
 * and NeuralNet1 (bench/models.ts: same data and initial weights as `npm run bench`), and GFLOPS of
 * a float32 1024 x 1024 matmul through the public API. Each figure is the median of `reps` samples
 * (each sample batches enough steps or calls to last >= 20 ms, bench/stats.ts's `time`).
 *
 * Beside each figure, the cores the process had on average while it was measured (its CPU time,
 * all threads, over the wall time): on a machine shared with other work this says whether the
 * threads had cores to run on (a worker's polling between jobs counts as CPU time too).
 */
import { getBackendInfo, setNumThreads } from '../src/backend/registry';
import { machineCores } from '../src/backend/wasm/pool';
import { CrossEntropyLoss, Linear, ReLU, Sequential } from '../src/nn';
import { SGD } from '../src/optim';
import { manualSeed, randn, Tensor } from '../src/index';
import { makeProblem, modelSpec, type ModelSpec } from './models';
import { time } from './stats';
import { tsgradTrainer } from './tsgrad';

interface Row {
  name: string;
  unit: 'ms/step' | 'GFLOPS';
  /** threads -> median figure */
  figures: Map<number, number>;
  /** threads -> CPU seconds per wall second while measuring */
  cores: Map<number, number>;
}

/** An SGD step of 784-512-512-10 on batch 128 (float32, cross-entropy; data from bench/models.ts's generator). */
function wideMlpStep(): () => void {
  const spec: ModelSpec = { ...modelSpec('mlp'), hidden: 512, batch: 128 };
  const { batches } = makeProblem(spec);
  manualSeed(0);
  const model = new Sequential(new Linear(784, 512), new ReLU(), new Linear(512, 512), new ReLU(), new Linear(512, 10));
  const criterion = new CrossEntropyLoss();
  const optimizer = new SGD(model.parameters(), { lr: 0.01 });
  const xs = batches.map((b) => new Tensor(b.x, [spec.batch, spec.inputs], 'float32'));
  const ys = batches.map((b) => new Tensor(b.labels, [spec.batch], 'int32'));
  let i = 0;
  return () => {
    optimizer.zeroGrad();
    criterion.forward(model.forward(xs[i % xs.length]), ys[i % ys.length]).backward();
    optimizer.step();
    i++;
  };
}

function trainerStep(id: string): () => void {
  const trainer = tsgradTrainer(makeProblem(modelSpec(id)), 'wasm');
  let i = 0;
  return () => trainer.run(1, i++);
}

function matmul1024(): () => void {
  manualSeed(1);
  const a = randn([1024, 1024]),
    b = randn([1024, 1024]);
  return () => void a.matmul(b);
}

/** Waits (without blocking) until `threads` threads run the kernels, or 10 s. */
async function untilRunning(threads: number): Promise<number> {
  const start = Date.now();
  while (getBackendInfo().threads < threads && Date.now() - start < 10_000) await new Promise((r) => setTimeout(r, 10));
  return getBackendInfo().threads;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const reps = argv.includes('--reps') ? Number(argv[argv.indexOf('--reps') + 1]) : 9;
  const cores = machineCores();
  const counts = argv.includes('--threads') ? argv[argv.indexOf('--threads') + 1].split(',').map(Number) : [...new Set([1, cores])];
  const cases: [string, Row['unit'], () => () => void, number][] = [
    ['MLP 784-512-512-10, batch 128', 'ms/step', wideMlpStep, 0],
    ['MLP 784-128-10, batch 64', 'ms/step', () => trainerStep('mlp'), 0],
    ['matmul 1024 x 1024 float32', 'GFLOPS', matmul1024, 2 * 1024 ** 3],
    ['NeuralNet2 784-5-3, batch 32', 'ms/step', () => trainerStep('nn2'), 0],
    ['NeuralNet1 784-5-1, batch 32', 'ms/step', () => trainerStep('nn1'), 0],
  ];
  const rows: Row[] = cases.map(([name, unit]) => ({ name, unit, figures: new Map(), cores: new Map() }));
  for (const threads of counts) {
    setNumThreads(threads);
    const running = await untilRunning(threads);
    const info = getBackendInfo();
    console.log(`threads ${threads}: backend ${info.name}, ${info.simd}, ${running} running`);
    cases.forEach(([, unit, make, flop], i) => {
      const f = make();
      for (let w = 0; w < 20; w++) f(); // warm-up (JIT, arena size)
      const cpu0 = process.cpuUsage(),
        t0 = performance.now();
      const { seconds } = time(f, reps);
      const cpu = process.cpuUsage(cpu0);
      rows[i].cores.set(threads, (cpu.user + cpu.system) / 1e3 / (performance.now() - t0));
      rows[i].figures.set(threads, unit === 'GFLOPS' ? flop / seconds / 1e9 : seconds * 1e3);
    });
  }
  const head = 'tsgrad (wasm)'.padEnd(32) + 'unit'.padEnd(9) + counts.map((t) => `${t} thread${t > 1 ? 's' : ''}`.padStart(12) + 'cores'.padStart(7)).join('');
  console.log(`\n${head}`);
  for (const r of rows) {
    const cells = counts.map(
      (t) =>
        r.figures
          .get(t)!
          .toFixed(r.unit === 'GFLOPS' ? 1 : 3)
          .padStart(12) + r.cores.get(t)!.toFixed(2).padStart(7),
    );
    console.log(r.name.padEnd(32) + r.unit.padEnd(9) + cells.join(''));
  }
  console.log(`\nmedians of ${reps} samples; cores: CPU seconds per second while measuring; ${cores} cores (${process.version})`);
}

void main();
