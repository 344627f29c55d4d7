/**
 * `npm run bench`: tsgrad against TensorFlow.js (cpu and wasm backends) and js-pytorch on the same
 * models, data and initial weights; float32 GEMM GFLOPS; issue 16's chain of small ops; tsgrad's
 * heap growth over training; the convolutional nets (LeNet-5, pytorch/examples' MNIST net), conv2d
 * GFLOPS and heap (bench/cnn.ts). tsgrad runs on each kernel backend: `tsgrad` (js, the TS kernels),
 * `tsgrad-wasm` (wasm at tsgrad's default threads: all cores) and `tsgrad-wasm-1t` (wasm,
 * setNumThreads(1)). TensorFlow.js's wasm backend has no threads in Node (the report says what its
 * API reported). Writes bench/RESULTS.md and bench/results.json on a full run.
 *
 *   npm run bench                              everything (minutes; the cnn section took 5 on 2 busy cores)
 *   npm run bench -- --only mlp,nn2            some sections: mlp512, mlp, nn2, nn1, matmul, ops, heap, cnn
 *   npm run bench -- --only mlp512,mlp,nn2,nn1,matmul,ops --frameworks tsgrad-wasm-1t,tsgrad-wasm --matmul-sizes 1024
 *                                              tsgrad at 1 thread and at all cores alone (issue 16's rows)
 *   npm run bench -- --only cnn --cnn-ms 5000  the CNN section, each framework timed for <= 5 s a net
 *   npm run bench -- --frameworks tsgrad,tsgrad-wasm,tfjs-wasm
 *   npm run bench -- --quick                   fewer, shorter repetitions (a smoke test)
 *   npm run bench -- --wait-quiet 120          first wait up to 120 s for the cores to be idle (< 5% busy for 3 s)
 *   npm run bench -- --peer-matmul-1024        also time tfjs's matMul at n = 1024 (adds minutes)
 *   npm run bench -- --torch ~/venv/bin/python also time PyTorch's figures for issue 16's rows on this
 *                                              machine (bench/pytorch.py with that Python, torch installed)
 *                                              and judge the issue's ratio targets against them too
 *   other flags: --reps N (>= 5), --rep-ms MS, --matmul-sizes 128,256, --write / --no-write, --out-dir DIR
 *   (where RESULTS.md and results.json go; bench/ by default),
 *   --cnn-warmup-ms MS, --cnn-max-steps N, --cnn-step-cap-ms MS, --conv-ms MS (the time box of each
 *   conv2d GFLOPS figure)
 *
 * The CNN steps are time-boxed, as tfjs-cpu's conv backward is slow (a MNIST-net step takes 2 to 14
 * minutes here): after the loss check (the forward loss, then step 1 with dropout off and the loss
 * after it), each framework warms up for --cnn-warmup-ms, then runs steps in 3 interleaved rounds
 * until --cnn-ms (default 10 s) or --cnn-max-steps (default 300) are used; the median step is
 * reported with the count. A step 1 still running after --cnn-step-cap-ms (default 60 s) is stopped
 * (its process killed) and the row gives that time as a lower bound; a step 1 that finished but took
 * longer than --cnn-ms is the row's only (cold) step.
 *
 * tsgrad is timed from its TypeScript sources under tsx, as imported here; section ops also times
 * the npm package (dist/index.cjs in plain node; dist/ is rebuilt first if older than src/), which
 * runs faster: under tsx each call across tsgrad's modules goes through an export getter.
 *
 * Where tsgrad's step spends its time: `npx tsx --expose-gc bench/profile.ts` (see its header).
 */
import { type ChildProcess, execFileSync, fork, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as esbuild from 'esbuild';
import { FRAMEWORKS, makeProblem, MODELS, type ModelSpec } from './models';
import {
  type BenchEntry,
  type CnnFrameworkResult,
  type CnnResult,
  formatReport,
  markdownReport,
  type BenchResults,
  type ModelResult,
  type FrameworkResult,
  type MachineInfo,
  type PytorchResult,
  type SmallOpsResult,
  tsgradEntry,
} from './report';
import { median, relativeError, summarize } from './stats';
import { tsgradTrainer } from './tsgrad';
import type { WasmHeapReply, WasmRequest } from './wasm-kernels';
import {
  CNN_BATCH,
  CNN_LR,
  CNN_NETS,
  type CnnHeapReply,
  type CnnFirstStepReply,
  type CnnInitReply,
  type CnnRequest,
  type CnnTimeReply,
  type CnnWarmupReply,
  type ConvReply,
  firstStep,
  makeCnnProblem,
  tsgradCnnTrainer,
} from './cnn';
import type { PackageRequest } from './package-worker';
import type { SmallOpsReply } from './small-ops';
import type { HeapReply, InitReply, MatmulReply, RepReply, Request, WarmupReply } from './worker';

/**
 * What a table row can be: a framework, or tsgrad on its wasm backend at all cores or at 1 thread (a
 * 'tsgrad' worker with $TSGRAD_BACKEND and $TSGRAD_THREADS set: see entryEnv).
 */
const ENTRIES: readonly BenchEntry[] = ['tsgrad', 'tsgrad-wasm-1t', 'tsgrad-wasm', ...FRAMEWORKS.filter((f) => f !== 'tsgrad')];

const SECTIONS = ['mlp512', 'mlp', 'nn2', 'nn1', 'matmul', 'ops', 'heap', 'cnn'] as const;
type Section = (typeof SECTIONS)[number];

/** Every framework's first two losses must match tsgrad's this closely, or the comparison is off. */
const LOSS_TOLERANCE = 1e-5;

interface Options {
  sections: Section[];
  frameworks: BenchEntry[];
  reps: number;
  repMs: number;
  warmupMs: number;
  warmupMaxMs: number;
  matmulSizes: number[];
  heapSteps: number;
  write: boolean;
  /** Where RESULTS.md and results.json go (bench/ by default). */
  outDir: string;
  waitQuiet: number;
  peerMatmul1024: boolean;
  cnnWarmupMs: number;
  cnnMs: number;
  cnnMaxSteps: number;
  cnnStepCapMs: number;
  convMs: number;
  /** A Python with torch to run bench/pytorch.py with (--torch), or null. */
  torchPython: string | null;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    sections: [...SECTIONS],
    frameworks: [...ENTRIES],
    reps: 9,
    repMs: 150,
    warmupMs: 3000,
    warmupMaxMs: 8000,
    matmulSizes: [128, 256, 512, 1024],
    heapSteps: 2000,
    write: true,
    outDir: __dirname,
    waitQuiet: 0,
    peerMatmul1024: false,
    cnnWarmupMs: 3000,
    cnnMs: 10000,
    cnnMaxSteps: 300,
    cnnStepCapMs: 60000,
    convMs: 6000,
    torchPython: null,
  };
  let subset = false;
  let write: boolean | null = null;
  const list = (v: string | undefined, flag: string): string[] => {
    if (!v) throw new Error(`${flag} needs a value`);
    return v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  };
  const pick = <T extends string>(values: string[], allowed: readonly T[], flag: string): T[] => {
    for (const v of values) if (!allowed.includes(v as T)) throw new Error(`${flag}: unknown '${v}'; expected ${allowed.join(', ')}`);
    return allowed.filter((a) => values.includes(a));
  };
  const num = (v: string | undefined, flag: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} needs a positive number, got ${v}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--only':
        o.sections = pick(list(value(), flag), SECTIONS, flag);
        subset = true;
        break;
      case '--frameworks':
        o.frameworks = pick(list(value(), flag), ENTRIES, flag);
        subset = true;
        break;
      case '--reps':
        o.reps = Math.max(5, Math.round(num(value(), flag)));
        break;
      case '--rep-ms':
        o.repMs = num(value(), flag);
        break;
      case '--matmul-sizes':
        o.matmulSizes = list(value(), flag).map((s) => num(s, flag));
        subset = true;
        break;
      case '--quick':
        o.reps = 5;
        o.repMs = 40;
        o.warmupMs = 300;
        o.warmupMaxMs = 1000;
        o.matmulSizes = [128, 256];
        o.heapSteps = 2000;
        o.cnnWarmupMs = 500;
        o.cnnMs = 3000;
        o.cnnMaxSteps = 60;
        o.cnnStepCapMs = 20000;
        o.convMs = 2000;
        subset = true;
        break;
      case '--cnn-warmup-ms':
        o.cnnWarmupMs = num(value(), flag);
        break;
      case '--cnn-ms':
        o.cnnMs = num(value(), flag);
        break;
      case '--cnn-max-steps':
        o.cnnMaxSteps = Math.max(1, Math.round(num(value(), flag)));
        break;
      case '--cnn-step-cap-ms':
        o.cnnStepCapMs = num(value(), flag);
        break;
      case '--conv-ms':
        o.convMs = num(value(), flag);
        break;
      case '--wait-quiet':
        o.waitQuiet = num(value(), flag);
        break;
      case '--peer-matmul-1024':
        o.peerMatmul1024 = true;
        break;
      case '--torch': {
        const python = value();
        if (!python) throw new Error(`${flag} needs the path of a Python with torch installed`);
        o.torchPython = python;
        break;
      }
      case '--write':
        write = true;
        break;
      case '--no-write':
        write = false;
        break;
      case '--out-dir': {
        const dir = value();
        if (!dir) throw new Error(`${flag} needs a directory`);
        if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new Error(`${flag}: '${dir}' is not a directory`);
        o.outDir = path.resolve(dir);
        break;
      }
      case '--help':
      case '-h':
        console.log(
          fs
            .readFileSync(__filename, 'utf8')
            .split('*/')[0]
            .replace(/^\/\*\*|^ \* ?/gm, ''),
        );
        process.exit(0);
        break;
      default:
        throw new Error(`unknown argument '${a}' (try --help)`);
    }
  }
  // a partial run must not overwrite the full results unless asked to
  o.write = write ?? !subset;
  return o;
}

/**
 * The environment of a process measuring `entry`: tsgrad's kernel backend ($TSGRAD_BACKEND) and
 * threads ($TSGRAD_THREADS; unset: tsgrad's default, all cores), read by bench/tsgrad.ts.
 */
function entryEnv(entry: BenchEntry): NodeJS.ProcessEnv {
  const ts = tsgradEntry(entry) ?? { backend: 'js', threads: null };
  const env: NodeJS.ProcessEnv = { ...process.env, TSGRAD_BACKEND: ts.backend };
  delete env.TSGRAD_THREADS;
  if (ts.threads !== null) env.TSGRAD_THREADS = String(ts.threads);
  return env;
}

/** The framework a worker builds for `entry` (tsgrad's entries are all 'tsgrad', told apart by entryEnv). */
const workerFramework = (entry: BenchEntry) => (tsgradEntry(entry) ? 'tsgrad' : (entry as Exclude<BenchEntry, 'tsgrad-wasm' | 'tsgrad-wasm-1t'>));

/**
 * A child process running bench/worker.ts (or `script`, relative to bench/ or absolute), asked one
 * thing at a time; tsgrad in it runs on the kernel backend and threads of `entry` (entryEnv). It
 * runs under tsx as this process does, or with `plainNode` in node alone (a JavaScript script).
 */
class Worker {
  private readonly child: ChildProcess;
  private pending: { resolve: (v: unknown) => void; reject: (e: Error) => void } | null = null;

  constructor(
    readonly label: string,
    entry: BenchEntry = 'tsgrad',
    script = 'worker.ts',
    plainNode = false,
  ) {
    this.child = fork(path.resolve(__dirname, script), [], {
      // process.execArgv holds tsx's --require and --import of its loader
      execArgv: [...(plainNode ? [] : process.execArgv), '--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: entryEnv(entry),
    });
    this.child.on('message', (msg: { ok: boolean; value?: unknown; error?: string }) => {
      const p = this.pending;
      this.pending = null;
      if (!p) return;
      if (msg.ok) p.resolve(msg.value);
      else p.reject(new Error(`${this.label}: ${msg.error}`));
    });
    this.child.on('exit', (code) => {
      this.pending?.reject(new Error(`${this.label}: worker exited (code ${code}) before answering`));
      this.pending = null;
    });
  }

  request<T>(req: Request | WasmRequest | CnnRequest | PackageRequest): Promise<T> {
    if (this.pending) throw new Error(`${this.label}: one request at a time`);
    return new Promise<T>((resolve, reject) => {
      this.pending = { resolve: resolve as (v: unknown) => void, reject };
      this.child.send(req);
    });
  }

  stop(): void {
    if (this.child.connected) this.child.disconnect();
  }

  /** Ends the process now, mid-request (its pending request rejects). */
  kill(): void {
    this.child.kill('SIGKILL');
  }
}

async function benchModel(spec: ModelSpec, o: Options): Promise<ModelResult> {
  // tsgrad's losses, computed here, are the reference every framework (tsgrad's worker too) must match
  const reference = tsgradTrainer(makeProblem(spec), 'js');
  const refLosses = [reference.step(0), reference.step(1)];
  const refChecksum = makeProblem(spec).checksum;

  const workers = o.frameworks.map((f) => ({ framework: f, worker: new Worker(`${f} ${spec.id}`, f) }));
  try {
    // one at a time: a pool's workers starting must not share the cores with another framework's start
    const inits: InitReply[] = [];
    for (const { framework, worker } of workers)
      inits.push(await worker.request<InitReply>({ type: 'init', framework: workerFramework(framework), model: spec.id }));
    const problems: string[] = [];
    const lossErrors = inits.map((init, i) => {
      const f = workers[i].framework;
      if (init.checksum !== refChecksum) problems.push(`${f} got data/weights with checksum ${init.checksum}, expected ${refChecksum}`);
      const errs = init.losses.map((l, s) => relativeError(l, refLosses[s]));
      errs.forEach((e, s) => {
        if (!(e <= LOSS_TOLERANCE)) {
          problems.push(
            `${f}: loss of step ${s + 1} is ${init.losses[s]}, tsgrad's is ${refLosses[s]} (relative error ${e.toExponential(2)} > ${LOSS_TOLERANCE})`,
          );
        }
      });
      return Math.max(...errs);
    });
    if (problems.length) throw new Error(`${spec.name}: the frameworks do not compute the same thing:\n  ${problems.join('\n  ')}`);

    const steps: number[] = [];
    const warmups: WarmupReply[] = [];
    for (const { worker } of workers) {
      const w = await worker.request<WarmupReply>({ type: 'warmup', ms: o.warmupMs, maxMs: o.warmupMaxMs, minSteps: 3 });
      warmups.push(w);
      steps.push(Math.max(1, Math.ceil(o.repMs / w.msPerStep)));
    }
    // repetitions interleaved across frameworks, the order rotated each round, so that a change
    // in machine load during the run hits every framework alike
    const reps: RepReply[][] = workers.map(() => []);
    for (let r = 0; r < o.reps; r++) {
      for (let j = 0; j < workers.length; j++) {
        const i = (j + r) % workers.length;
        reps[i].push(await workers[i].worker.request<RepReply>({ type: 'rep', steps: steps[i] }));
      }
    }
    const frameworks: FrameworkResult[] = workers.map(({ framework }, i) => {
      const msPerStep = reps[i].map((r) => r.ms / steps[i]);
      const cpuMsPerStep = reps[i].map((r) => r.cpuMs / steps[i]);
      const cpuShare = reps[i].reduce((s, r) => s + r.cpuMs, 0) / reps[i].reduce((s, r) => s + r.ms, 0);
      return {
        framework,
        info: inits[i].info,
        threads: inits[i].threads,
        losses: inits[i].losses,
        lossError: lossErrors[i],
        warmupSeconds: warmups[i].seconds,
        stepsPerRep: steps[i],
        msPerStep,
        ...summarize(msPerStep),
        cpuMsPerStep,
        cpuMedian: median(cpuMsPerStep),
        cpuShare,
      };
    });
    return { id: spec.id, name: spec.name, batch: spec.batch, loss: spec.loss, referenceLosses: refLosses, frameworks };
  } finally {
    for (const { worker } of workers) worker.stop();
  }
}

/**
 * One convolutional net in every framework: the loss check against tsgrad's, computed here on the js
 * backend (the forward loss at the initial weights; step 1 with dropout off and the loss after its
 * update), then time-boxed steps. Each framework runs in its own process (bench/cnn.ts), one after
 * another: a step 1 of minutes must not share the cores with another framework's.
 */
async function benchCnn(net: (typeof CNN_NETS)[number], o: Options): Promise<CnnResult> {
  const problem = makeCnnProblem(net.id);
  const reference = firstStep(tsgradCnnTrainer(problem, 'js')).losses;
  const workers = o.frameworks.map((f) => ({ framework: f, worker: new Worker(`${f} ${net.id}`, f, 'cnn.ts') }));
  try {
    const inits: CnnInitReply[] = [];
    const firsts: (CnnFirstStepReply | null)[] = [];
    for (const { framework, worker } of workers) {
      const init = await worker.request<CnnInitReply>({ type: 'cnn-init', entry: framework, net: net.id });
      inits.push(init);
      if (init.unavailable) {
        console.error(`bench:   ${framework}: ${init.unavailable}`);
        firsts.push(null);
        continue;
      }
      console.error(`bench:   ${framework}: forward loss ${init.loss} (tsgrad: ${reference[0]}); step 1 (stopped after ${fmtSeconds(o.cnnStepCapMs)}) ...`);
      let timer: NodeJS.Timeout | undefined;
      const capped = new Promise<null>((resolve) => {
        timer = setTimeout(() => {
          worker.kill();
          resolve(null);
        }, o.cnnStepCapMs);
      });
      const asked = worker.request<CnnFirstStepReply>({ type: 'cnn-first-step' });
      asked.catch(() => {}); // after a kill it rejects; the race has its answer by then
      const first = await Promise.race([asked, capped]);
      clearTimeout(timer);
      firsts.push(first);
      if (!first) console.error(`bench:   ${framework}: step 1 stopped after ${fmtSeconds(o.cnnStepCapMs)}`);
      else if (first.unavailable) console.error(`bench:   ${framework}: ${first.unavailable}`);
      else console.error(`bench:   ${framework}: losses ${first.losses.join(', ')} (tsgrad: ${reference.join(', ')}); step 1 took ${fmtSeconds(first.ms)}`);
    }
    const problems: string[] = [];
    const lossErrors = inits.map((init, i) => {
      if (init.unavailable) return NaN;
      const f = workers[i].framework;
      if (init.checksum !== problem.checksum) problems.push(`${f} got data/weights with checksum ${init.checksum}, expected ${problem.checksum}`);
      const first = firsts[i];
      const losses = first && !first.unavailable ? [init.loss, ...first.losses] : [init.loss];
      const refs = [reference[0], ...reference];
      const errs = losses.map((l, s) => relativeError(l, refs[s]));
      errs.forEach((e, s) => {
        if (!(e <= LOSS_TOLERANCE)) {
          problems.push(`${f}: loss ${s} is ${losses[s]}, tsgrad's is ${refs[s]} (relative error ${e.toExponential(2)} > ${LOSS_TOLERANCE})`);
        }
      });
      return Math.max(...errs);
    });
    if (problems.length) throw new Error(`${net.name}: the frameworks do not compute the same thing:\n  ${problems.join('\n  ')}`);

    const live = firsts.map((f) => f !== null && !f.unavailable && f.ms <= o.cnnMs);
    const warmups: (CnnWarmupReply | null)[] = [];
    for (let i = 0; i < workers.length; i++) {
      warmups.push(live[i] ? await workers[i].worker.request<CnnWarmupReply>({ type: 'cnn-warmup', ms: o.cnnWarmupMs }) : null);
    }
    const ROUNDS = 3;
    const times: CnnTimeReply[] = workers.map(() => ({ ms: [], cpuMs: [] }));
    for (let r = 0; r < ROUNDS; r++) {
      for (let j = 0; j < workers.length; j++) {
        const i = (j + r) % workers.length;
        const left = o.cnnMaxSteps - times[i].ms.length;
        if (!live[i] || left <= 0) continue;
        const t = await workers[i].worker.request<CnnTimeReply>({
          type: 'cnn-time',
          ms: o.cnnMs / ROUNDS,
          maxSteps: Math.min(left, Math.ceil(o.cnnMaxSteps / ROUNDS)),
        });
        times[i].ms.push(...t.ms);
        times[i].cpuMs.push(...t.cpuMs);
      }
    }
    const frameworks: CnnFrameworkResult[] = workers.map(({ framework }, i) => {
      const [init, first] = [inits[i], firsts[i]];
      const none = { firstStepOnly: false, warmupSteps: 0, warmupSeconds: 0, msPerStep: [], cpuMsPerStep: [] };
      const base = { framework, info: init.info, lossError: lossErrors[i] };
      if (init.unavailable || first?.unavailable) {
        return { ...base, ...none, losses: [init.loss], firstStepMs: NaN, unavailable: init.unavailable ?? first?.unavailable };
      }
      if (!first) return { ...base, ...none, losses: [init.loss], firstStepMs: NaN, stoppedAfterMs: o.cnnStepCapMs };
      const firstStepOnly = !live[i];
      const ms = firstStepOnly ? [first.ms] : times[i].ms;
      const cpu = firstStepOnly ? [first.cpuMs] : times[i].cpuMs;
      return {
        ...base,
        losses: [init.loss, ...first.losses],
        firstStepMs: first.ms,
        firstStepOnly,
        warmupSteps: warmups[i]?.steps ?? 0,
        warmupSeconds: warmups[i]?.seconds ?? 0,
        msPerStep: ms,
        cpuMsPerStep: cpu,
        ...summarize(ms),
        cpuMedian: median(cpu),
        cpuShare: cpu.reduce((a, b) => a + b, 0) / ms.reduce((a, b) => a + b, 0),
      };
    });
    return { id: net.id, name: net.name, batch: CNN_BATCH, lr: CNN_LR, referenceLosses: [reference[0], ...reference], frameworks };
  } finally {
    for (const { worker } of workers) worker.stop();
  }
}

/** The package's CommonJS entry, as `npm run build` writes it, and when it was built. */
interface DistState {
  file: string;
  builtAt: string;
  rebuilt: boolean;
}

/** The newest file under `dir` (mtime), or null if it holds none. */
function newestFile(dir: string): { file: string; mtimeMs: number } | null {
  let newest: { file: string; mtimeMs: number } | null = null;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const file = path.join(e.parentPath, e.name);
    const mtimeMs = fs.statSync(file).mtimeMs;
    if (!newest || mtimeMs > newest.mtimeMs) newest = { file, mtimeMs };
  }
  return newest;
}

/**
 * dist/index.cjs, rebuilt first (`npm run build`, ~5 s) if it is missing or older than a file in src/;
 * null (with the reason printed) if the build fails.
 */
function currentDist(): DistState | null {
  const root = path.join(__dirname, '..');
  const file = path.join(root, 'dist', 'index.cjs');
  const built = fs.existsSync(file) ? fs.statSync(file).mtimeMs : null;
  const src = newestFile(path.join(root, 'src'));
  const state = (rebuilt: boolean): DistState => ({ file, builtAt: new Date(fs.statSync(file).mtimeMs).toISOString(), rebuilt });
  if (built !== null && (!src || src.mtimeMs <= built)) return state(false);
  const why = built === null ? 'is missing' : `is older than ${path.relative(root, src!.file)}`;
  console.error(`bench: dist/index.cjs ${why}: running npm run build ...`);
  const t0 = performance.now();
  const run = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8' });
  if (run.status !== 0 || !fs.existsSync(file)) {
    const said = `${run.error?.message ?? ''}\n${run.stdout ?? ''}\n${run.stderr ?? ''}`.trim();
    console.error(
      `bench: npm run build failed (${run.error ? 'not started' : `exit ${run.status ?? run.signal}`}); the npm package rows are skipped:\n${said}`,
    );
    return null;
  }
  console.error(`bench: npm run build done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return state(true);
}

/**
 * bench/package-worker.ts bundled into a temporary directory, for plain node. NOTE: bundled here with
 * esbuild rather than written as a .cjs by hand, so the chain and stats.ts's `time` stay one
 * TypeScript definition that both forms run; the bundle holds bench code only (checked), and tsgrad
 * is the untouched package that the worker require()s.
 */
function bundlePackageWorker(): { script: string; dispose: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsgrad-bench-'));
  const script = path.join(dir, 'package-worker.cjs');
  const built = esbuild.buildSync({
    entryPoints: [path.join(__dirname, 'package-worker.ts')],
    outfile: script,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    metafile: true,
    absWorkingDir: path.join(__dirname, '..'),
    logLevel: 'error',
  });
  const strays = Object.keys(built.metafile.inputs).filter((f) => !f.startsWith('bench/'));
  if (strays.length) throw new Error(`bench/package-worker.ts's bundle must hold bench code only, not ${strays.join(', ')}`);
  return { script, dispose: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Issue 16's small ops on each tsgrad entry, in two forms, each in its own process: the sources
 * under tsx (bench/worker.ts, as every other section) and the npm package (dist/index.cjs) in plain
 * node (bench/package-worker.ts). The package rows are skipped if dist/ cannot be built.
 */
async function benchSmallOps(o: Options): Promise<SmallOpsResult[]> {
  const entries = o.frameworks.filter((f) => tsgradEntry(f));
  if (!entries.length) return [];
  const dist = currentDist();
  const worker = dist ? bundlePackageWorker() : null;
  const out: SmallOpsResult[] = [];
  try {
    for (const framework of entries) {
      console.error(`bench: small ops, ${framework}, sources under tsx ...`);
      const reply = await oneShot<SmallOpsReply>(`${framework} small ops`, { type: 'small-ops', reps: o.reps, warmupMs: o.warmupMs }, 'worker.ts', framework);
      out.push({ framework, source: 'tsx', ...reply });
      if (!dist || !worker) continue;
      console.error(`bench: small ops, ${framework}, npm package (dist/index.cjs, plain node) ...`);
      const w = new Worker(`${framework} small ops (package)`, framework, worker.script, true);
      try {
        const req: PackageRequest = { type: 'small-ops-package', dist: dist.file, reps: o.reps, warmupMs: o.warmupMs };
        const pkg = await w.request<SmallOpsReply>(req);
        out.push({ framework, source: 'package', dist: { builtAt: dist.builtAt, rebuilt: dist.rebuilt }, ...pkg });
      } finally {
        w.stop();
      }
    }
  } finally {
    worker?.dispose();
  }
  return out;
}

function fmtSeconds(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(1)} ms`;
}

async function oneShot<T>(label: string, req: Request | WasmRequest | CnnRequest, script?: string, entry: BenchEntry = 'tsgrad'): Promise<T> {
  const worker = new Worker(label, entry, script);
  try {
    return await worker.request<T>(req);
  } finally {
    worker.stop();
  }
}

function machineInfo(): MachineInfo {
  const cpuinfo = fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  const mhz = /^cpu MHz\s*:\s*(.*)$/m.exec(cpuinfo)?.[1];
  const simd = (/^flags\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? '').split(' ').filter((f) => /^(avx2|avx512f|fma)$/.test(f));
  return {
    cpu: `${model.trim()}${mhz ? ` @ ${Math.round(Number(mhz))} MHz` : ''}${simd.length ? ` (${simd.join(', ')})` : ''}`,
    cores: os.cpus().length,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    date: new Date().toISOString(),
    loadStart: os.loadavg(),
    loadEnd: [],
    busiest: busiestProcesses(),
    tsgrad: treeState(),
  };
}

/** The commit the tsgrad numbers come from, and whether src/ had uncommitted changes. */
function treeState(): string {
  try {
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: path.join(__dirname, '..'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const changed = git('status', '--porcelain', '--', 'src').split('\n').filter(Boolean).length;
    return `commit ${git('rev-parse', '--short', 'HEAD')}${changed ? ` + uncommitted changes to ${changed} file(s) under src/` : ''}`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

/** The processes using the most CPU right now (other engineers' test runs, say), for the record. */
function busiestProcesses(): string[] {
  try {
    const out = execFileSync('ps', ['-eo', 'pid,pcpu,etime,args', '--sort=-pcpu'], { encoding: 'utf8' });
    const own = new Set([process.pid, process.ppid]); // this runner and the npm that started it
    const rows = out
      .split('\n')
      .slice(1)
      .map((l) => l.trim().split(/\s+/))
      .filter((f) => f.length > 3);
    const others = rows.filter((f) => !own.has(Number(f[0])) && Number(f[1]) >= 5);
    return others.slice(0, 6).map((f) => f.slice(1).join(' ').slice(0, 110));
  } catch {
    return [];
  }
}

/** The share of all cores busy over the next `ms` (from /proc/stat), or the 1-minute load per core elsewhere. */
async function busyShare(ms: number): Promise<number> {
  const read = () => {
    const f = /^cpu\s+(.*)$/m.exec(fs.readFileSync('/proc/stat', 'utf8'))![1].split(/\s+/).map(Number);
    return { idle: f[3] + f[4], total: f.reduce((a, b) => a + b, 0) };
  };
  if (!fs.existsSync('/proc/stat')) return os.loadavg()[0] / os.cpus().length;
  const a = read();
  await new Promise((r) => setTimeout(r, ms));
  const b = read();
  return 1 - (b.idle - a.idle) / Math.max(1, b.total - a.total);
}

/** Waits up to `seconds` until the other processes leave the cores (nearly) idle for 3 s. */
async function waitQuiet(seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const busy = await busyShare(3000);
    if (busy < 0.05 || Date.now() > deadline) {
      console.error(`bench: cores ${(100 * busy).toFixed(0)}% busy before starting${busy < 0.05 ? '' : ' (waited long enough; going ahead)'}`);
      return;
    }
    console.error(`bench: waiting for a quiet machine: cores ${(100 * busy).toFixed(0)}% busy`);
  }
}

/**
 * PyTorch's figures for issue 16's rows on this machine: bench/pytorch.py run with --torch's Python,
 * with the same repetitions as tsgrad's rows (its own process, after them).
 */
function benchPytorch(o: Options): PytorchResult {
  console.error(`bench: PyTorch's figures for issue 16's rows (${o.torchPython} bench/pytorch.py) ...`);
  const args = [path.join(__dirname, 'pytorch.py'), '--reps', String(o.reps), '--rep-ms', String(o.repMs), '--warmup-ms', String(o.warmupMs)];
  const run = spawnSync(o.torchPython!, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (run.error) throw new Error(`--torch: could not run '${o.torchPython}': ${run.error.message}`);
  if (run.status !== 0) throw new Error(`--torch: '${o.torchPython} bench/pytorch.py' exited with code ${run.status} (is torch installed in that Python?)`);
  return { executable: o.torchPython!, ...(JSON.parse(run.stdout.trim().split('\n').pop()!) as Omit<PytorchResult, 'executable'>) };
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  if (o.waitQuiet > 0) await waitQuiet(o.waitQuiet);
  const results: BenchResults = {
    machine: machineInfo(),
    options: {
      reps: o.reps,
      repMs: o.repMs,
      warmupMs: o.warmupMs,
      warmupMaxMs: o.warmupMaxMs,
      lossTolerance: LOSS_TOLERANCE,
      cnnWarmupMs: o.cnnWarmupMs,
      cnnMs: o.cnnMs,
      cnnMaxSteps: o.cnnMaxSteps,
      cnnStepCapMs: o.cnnStepCapMs,
      convMs: o.convMs,
    },
    models: [],
    matmul: [],
    heap: null,
  };
  const t0 = performance.now();
  for (const spec of MODELS) {
    if (!o.sections.includes(spec.id)) continue;
    console.error(`bench: ${spec.name} ...`);
    results.models.push(await benchModel(spec, o));
  }
  if (o.sections.includes('matmul')) {
    for (const framework of o.frameworks) {
      if (framework === 'js-pytorch') continue; // nested-array matmul: minutes at n = 1024, and not a GEMM
      console.error(`bench: float32 GEMM, ${framework} ...`);
      // the peers' products at n = 1024 take seconds a call (minutes in all): unless asked, they stop at 512
      const sizes = framework.startsWith('tsgrad') || o.peerMatmul1024 ? o.matmulSizes : o.matmulSizes.filter((n) => n <= 512);
      const reply =
        tsgradEntry(framework)?.backend === 'wasm'
          ? await oneShot<MatmulReply>(`${framework} matmul`, { type: 'matmul', sizes, skinny: true }, 'wasm-kernels.ts', framework)
          : await oneShot<MatmulReply>(`${framework} matmul`, { type: 'matmul', framework: workerFramework(framework), sizes, skinny: true });
      results.matmul.push({ framework, ...reply });
    }
  }
  if (o.sections.includes('ops')) results.smallOps = await benchSmallOps(o);
  if (o.sections.includes('heap')) {
    console.error(`bench: tsgrad heap over ${o.heapSteps} NeuralNet2 steps ...`);
    results.heap = await oneShot<HeapReply>('tsgrad heap', { type: 'heap', model: 'nn2', steps: o.heapSteps });
    if (o.frameworks.includes('tsgrad-wasm')) {
      // at tsgrad's default threads (all cores): NeuralNet2's products are too small to split, the MLP's are not
      console.error(`bench: tsgrad-wasm heap and WebAssembly memory over ${o.heapSteps} NeuralNet2 steps ...`);
      results.wasmHeap = await oneShot<WasmHeapReply>('tsgrad-wasm heap', { type: 'heap', model: 'nn2', steps: o.heapSteps }, 'wasm-kernels.ts', 'tsgrad-wasm');
      console.error(`bench: tsgrad-wasm heap and WebAssembly memory over ${o.heapSteps} MLP 784-128-10 steps ...`);
      results.wasmHeapMlp = await oneShot<WasmHeapReply>(
        'tsgrad-wasm mlp heap',
        { type: 'heap', model: 'mlp', steps: o.heapSteps },
        'wasm-kernels.ts',
        'tsgrad-wasm',
      );
    }
  }
  if (o.sections.includes('cnn')) {
    results.cnn = [];
    for (const net of CNN_NETS) {
      console.error(`bench: ${net.name}, batch ${CNN_BATCH} ...`);
      results.cnn.push(await benchCnn(net, o));
    }
    results.conv = [];
    for (const framework of o.frameworks) {
      if (framework === 'js-pytorch') continue; // no convolution (its row in the CNN tables says so)
      console.error(`bench: conv2d GFLOPS, ${framework} ...`);
      const reply = await oneShot<ConvReply>(`${framework} conv`, { type: 'conv', entry: framework, budgetMs: o.convMs }, 'cnn.ts', framework);
      results.conv.push({ framework, ...reply });
    }
    if (o.frameworks.includes('tsgrad-wasm')) {
      const at = [100, Math.round(o.heapSteps / 2), o.heapSteps].filter((s, i, a) => s <= o.heapSteps && a.indexOf(s) === i);
      console.error(`bench: tsgrad-wasm heap and WebAssembly memory over ${o.heapSteps} LeNet-5 steps ...`);
      results.cnnHeap = await oneShot<CnnHeapReply>('tsgrad-wasm cnn heap', { type: 'cnn-heap', steps: o.heapSteps, at }, 'cnn.ts', 'tsgrad-wasm');
    }
  }
  if (o.torchPython) results.pytorch = benchPytorch(o);
  results.machine.loadEnd = os.loadavg();
  results.seconds = (performance.now() - t0) / 1000;

  // results.json first: if a table cannot be made, the numbers are kept
  const out = (name: string) => path.join(o.outDir, name);
  if (o.write) fs.writeFileSync(out('results.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(formatReport(results));
  if (o.write) {
    fs.writeFileSync(out('RESULTS.md'), markdownReport(results));
    console.error(`bench: wrote ${out('RESULTS.md')} and ${out('results.json')}`);
  } else {
    console.error(`bench: a partial run; ${out('RESULTS.md')} and ${out('results.json')} left as they were (pass --write to overwrite)`);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
