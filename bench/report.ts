/** The benchmark's results: their shape (results.json), the printed tables and bench/RESULTS.md. */
import type { Framework, LossKind } from './models';
import type { CnnHeapReply, ConvReply } from './cnn';
import type { WasmHeapReply } from './wasm-kernels';
import type { SmallOpsReply } from './small-ops';
import type { HeapReply, MatmulRow } from './worker';

/**
 * A row of the tables: a framework, or tsgrad on its wasm kernel backend ('tsgrad' is its js
 * backend): `tsgrad-wasm` at tsgrad's default threads (all cores), `tsgrad-wasm-1t` at setNumThreads(1).
 */
export type BenchEntry = Framework | 'tsgrad-wasm' | 'tsgrad-wasm-1t';

/** tsgrad's entries: the kernel backend and the threads each asks for (null: tsgrad's default, all cores). */
export const TSGRAD_ENTRIES: Readonly<Record<'tsgrad' | 'tsgrad-wasm' | 'tsgrad-wasm-1t', { backend: 'js' | 'wasm'; threads: number | null }>> = {
  tsgrad: { backend: 'js', threads: null },
  'tsgrad-wasm': { backend: 'wasm', threads: null },
  'tsgrad-wasm-1t': { backend: 'wasm', threads: 1 },
};

/** tsgrad's backend and threads for `entry`, or null for a peer. */
export function tsgradEntry(entry: BenchEntry): { backend: 'js' | 'wasm'; threads: number | null } | null {
  return entry in TSGRAD_ENTRIES ? TSGRAD_ENTRIES[entry as keyof typeof TSGRAD_ENTRIES] : null;
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  node: string;
  platform: string;
  date: string;
  /** os.loadavg() (1, 5, 15 minutes) when the run started and when it ended. */
  loadStart: number[];
  loadEnd: number[];
  /** `ps` lines of the busiest processes when the run started. */
  busiest: string[];
  /** The commit of this tree, and whether src/ had uncommitted changes. */
  tsgrad: string;
}

export interface FrameworkResult {
  framework: BenchEntry;
  info: string;
  /** The threads its kernels ran on (tsgrad: getBackendInfo().threads; tfjs-wasm: getThreadsCount()). */
  threads?: number;
  losses: number[];
  /** Largest relative difference of `losses` from tsgrad's. */
  lossError: number;
  /** How long the warm-up ran: >= warmupMs, and on (up to warmupMaxMs) while the speed still improved. */
  warmupSeconds: number;
  stepsPerRep: number;
  /** ms per step of each repetition. */
  msPerStep: number[];
  median: number;
  min: number;
  max: number;
  /** CPU ms (user + system, this process) per step of each repetition, and their median. */
  cpuMsPerStep: number[];
  cpuMedian: number;
  /** CPU time / wall time over the repetitions: below ~0.95 the process waited for a core. */
  cpuShare: number;
}

export interface ModelResult {
  id: string;
  name: string;
  batch: number;
  loss: LossKind;
  referenceLosses: number[];
  frameworks: FrameworkResult[];
}

/** One framework on one convolutional net: time-boxed steps, or why it has none. */
export interface CnnFrameworkResult {
  framework: BenchEntry;
  info: string;
  /** "cannot train: <its error>" or "no conv: ...": the framework has no timings. */
  unavailable?: string;
  /**
   * The forward loss at the initial weights (batch 0, dropout off), step 1's loss (the same batch and
   * weights, dropout off) and batch 1's loss after that update (dropout off, no update): as many as it got to.
   */
  losses: number[];
  /** Largest relative difference of `losses` from tsgrad's (js backend). */
  lossError: number;
  firstStepMs: number;
  /** Step 1 was still running after this many ms, and was stopped: the step takes longer. */
  stoppedAfterMs?: number;
  /** The first step took longer than the time box: it is the only step timed (cold). */
  firstStepOnly: boolean;
  warmupSteps: number;
  warmupSeconds: number;
  /** Wall and CPU ms of each timed step. */
  msPerStep: number[];
  cpuMsPerStep: number[];
  median?: number;
  min?: number;
  max?: number;
  cpuMedian?: number;
  cpuShare?: number;
}

export interface CnnResult {
  id: string;
  name: string;
  batch: number;
  lr: number;
  referenceLosses: number[];
  frameworks: CnnFrameworkResult[];
}

export interface BenchResults {
  machine: MachineInfo;
  options: {
    reps: number;
    repMs: number;
    warmupMs: number;
    warmupMaxMs: number;
    lossTolerance: number;
    cnnWarmupMs?: number;
    cnnMs?: number;
    cnnMaxSteps?: number;
    cnnStepCapMs?: number;
    convMs?: number;
  };
  models: ModelResult[];
  matmul: { framework: BenchEntry; rows: MatmulRow[]; threads?: number }[];
  /** Issue 16's chain of 300 small ops, on each tsgrad entry, from the sources and from the package (section ops). */
  smallOps?: SmallOpsResult[];
  heap: HeapReply | null;
  /** tsgrad on the wasm backend (all cores): heap and WebAssembly memory over NeuralNet2 training. */
  wasmHeap?: WasmHeapReply | null;
  /** The same over MLP 784-128-10 training, whose products the kernel threads split. */
  wasmHeapMlp?: WasmHeapReply | null;
  /** The convolutional nets (section cnn), conv2d GFLOPS, and tsgrad-wasm's memory over LeNet-5 training. */
  cnn?: CnnResult[];
  conv?: ({ framework: BenchEntry } & ConvReply)[];
  cnnHeap?: CnnHeapReply;
  seconds?: number;
  /** PyTorch's figures for issue 16's rows on this machine (--torch: bench/pytorch.py), when asked for. */
  pytorch?: PytorchResult;
}

/** What bench/pytorch.py printed, and the Python that ran it. */
export interface PytorchResult {
  executable: string;
  torch: string;
  python: string;
  rows: PytorchRow[];
}

/** One PyTorch figure: ms per step (mlp512, mlp), GFLOPS (matmul1024) or us per op (ops), at `threads`. */
export interface PytorchRow {
  id: 'mlp512' | 'mlp' | 'matmul1024' | 'ops';
  threads: number;
  unit: 'ms' | 'GFLOPS' | 'us';
  median: number;
  best: number;
}

/** How to read tsgrad-wasm's conv2 GFLOPS since it runs that layer by Winograd. */
const WINOGRAD_NOTE =
  "tsgrad-wasm runs conv2's three products by Winograd F(4x4, 3x3), 36 multiply-adds per 16 outputs where these figures count im2col's 144, so its GFLOPS there are effective ones (the same work per second); conv1 (one input channel) stays im2col";

/** What the PyTorch columns of issue 16's table are, when the run has them. */
function pytorchNote(r: BenchResults): string {
  const p = r.pytorch;
  if (!p) return '';
  return `; PyTorch ${p.torch} (Python ${p.python}, ${p.executable} bench/pytorch.py) timed on this machine after tsgrad's rows, the same work and repetitions, small ops at 1 thread`;
}

const pytorchFigure = (r: BenchResults, id: PytorchRow['id'], threads: number): number | undefined =>
  r.pytorch?.rows.find((x) => x.id === id && x.threads === threads)?.median;

export interface SmallOpsResult extends SmallOpsReply {
  framework: BenchEntry;
  /**
   * Which form of tsgrad ran: its sources under tsx (bench/worker.ts; the commit is machine.tsgrad)
   * or the npm package, dist/index.cjs, in plain node (bench/package-worker.ts). Results from before
   * the package rows have none: the sources.
   */
  source?: SmallOpsSource;
  /** For the package: when dist/index.cjs was built (its mtime), and whether this run rebuilt it from src/. */
  dist?: { builtAt: string; rebuilt: boolean };
}

export type SmallOpsSource = 'tsx' | 'package';

/** The small-ops forms in the order the report shows them, and how it names each. */
const SMALL_OPS_FORMS: readonly { source: SmallOpsSource; label: string }[] = [
  { source: 'package', label: 'npm package (dist/index.cjs, node)' },
  { source: 'tsx', label: 'sources under tsx' },
];

function smallOpsOf(r: BenchResults, entry: BenchEntry, source: SmallOpsSource): SmallOpsResult | undefined {
  return r.smallOps?.find((x) => x.framework === entry && (x.source ?? 'tsx') === source);
}

interface Target {
  what: string;
  value: string;
  met: boolean;
}

/**
 * The issues' targets, for whatever the run measured: "Performance I" for tsgrad on its js backend
 * (the TS kernels), "Performance II" for tsgrad on its wasm backend.
 */
export function targets(r: BenchResults): Target[] {
  const out: Target[] = [];
  const stepTarget = (entry: BenchEntry, issue: string, rule: (id: string) => readonly [Framework, number]) => {
    for (const m of r.models) {
      if (m.id === 'mlp512') continue; // issue 16's model: its targets are in issue16Targets
      const [peer, factor] = rule(m.id);
      const ts = m.frameworks.find((f) => f.framework === entry);
      const other = m.frameworks.find((f) => f.framework === peer);
      if (!ts || !other) continue;
      const ratio = ts.median / other.median;
      const cpuRatio = ts.cpuMedian / other.cpuMedian;
      const value = `${fmtRatio(ratio)} (${fmtMs(ts.median)} vs ${fmtMs(other.median)} ms; by CPU time ${fmtRatio(cpuRatio)})`;
      out.push({ what: `${issue}: ${entry} ${m.name} step <= 1/${factor} of ${peer}'s`, value, met: ratio <= 1 / factor });
    }
  };
  const gemmTarget = (entry: BenchEntry, issue: string, gflops: number) => {
    const ts = r.matmul.find((x) => x.framework === entry);
    const at256 = ts?.rows.filter((row) => row.m === 256 && row.n === 256 && row.k === 256) ?? [];
    if (!at256.length) return;
    const worst = Math.min(...at256.map((row) => row.gflops));
    const worstBest = Math.min(...at256.map((row) => row.bestGflops));
    const value = `worst median ${worst.toFixed(2)} GFLOPS (worst fastest sample ${worstBest.toFixed(2)})`;
    out.push({ what: `${issue}: ${entry} float32 GEMM >= ${gflops} GFLOPS at n = 256, every transpose combination`, value, met: worst >= gflops });
  };
  stepTarget('tsgrad', 'I', (id) => (id === 'mlp' ? ['tfjs-cpu', 3] : ['tfjs-wasm', 2]));
  gemmTarget('tsgrad', 'I', 3);
  if (r.heap) {
    const growth = heapGrowth(r.heap);
    out.push({ what: `I: tsgrad heap growth < 5 MB over ${r.heap.steps} NeuralNet2 steps`, value: `${mb(growth)} MB`, met: growth < 5 * 2 ** 20 });
  }
  stepTarget('tsgrad-wasm', 'II', (id) => ['tfjs-wasm', id === 'mlp' ? 2 : 4]);
  gemmTarget('tsgrad-wasm', 'II', 20);
  if (r.wasmHeap) {
    const w = r.wasmHeap.wasmMemory;
    const growth = heapGrowth(r.wasmHeap);
    out.push({
      what: `II: tsgrad-wasm WebAssembly memory flat and heap growth < 5 MB over ${r.wasmHeap.steps} NeuralNet2 steps`,
      value: `memory ${w.map(mb).join(' -> ')} MB; heap growth ${mb(growth)} MB`,
      met: w.every((x) => x === w[0]) && growth < 5 * 2 ** 20,
    });
  }
  out.push(...cnnTargets(r));
  out.push(...issue16Targets(r));
  return out;
}

/**
 * Issue 16's targets for tsgrad-wasm at its default threads (all cores), from PyTorch's figures as
 * the issue gives them (measured there on a 2-core machine, not by this bench): the 784-512-512-10
 * step <= 2 x PyTorch's 2-thread 4.06 ms; the 784-128-10 step <= PyTorch's 1-thread 0.58 ms; matmul
 * 1024 >= 60 GFLOPS; small ops <= 2.6 us per op; NeuralNet1/2 steps <= 0.07 ms; heap and WebAssembly
 * memory flat over 2,000 steps with the threads on.
 */
export const ISSUE16 = { mlp512Ms: 2 * 4.06, mlpMs: 0.58, matmulGflops: 60, smallOpsUs: 2.6, seedNetMs: 0.07 } as const;

function issue16Targets(r: BenchResults): Target[] {
  const out: Target[] = [];
  const entry = 'tsgrad-wasm';
  const th = threadsOf(r, entry);
  const at = th ? ` (${threadWord(th)})` : '';
  const step = (id: string, limit: number, why: string) => {
    const f = r.models.find((m) => m.id === id)?.frameworks.find((x) => x.framework === entry);
    const name = r.models.find((m) => m.id === id)?.name;
    if (f) out.push({ what: `16: ${entry}${at} ${name} step <= ${limit.toFixed(2)} ms (${why})`, value: `${fmtMs(f.median)} ms`, met: f.median <= limit });
  };
  step('mlp512', ISSUE16.mlp512Ms, "2x PyTorch's 2 threads");
  step('mlp', ISSUE16.mlpMs, "PyTorch's 1 thread");
  // the same targets as the issue states them, ratios to PyTorch, against PyTorch measured on this machine (--torch)
  const vsTorch = (id: 'mlp512' | 'mlp', threads: number, factor: number, why: string) => {
    const f = r.models.find((m) => m.id === id)?.frameworks.find((x) => x.framework === entry);
    const torch = pytorchFigure(r, id, threads);
    const name = r.models.find((m) => m.id === id)?.name;
    if (!f || torch === undefined) return;
    out.push({
      what: `16: ${entry}${at} ${name} step <= ${why}, PyTorch ${r.pytorch!.torch} measured on this machine`,
      value: `${fmtMs(f.median)} ms vs ${fmtMs(factor * torch)} ms (${fmtRatio(f.median / torch)} PyTorch's ${threadWord(threads)})`,
      met: f.median <= factor * torch,
    });
  };
  vsTorch('mlp512', 2, 2, "2x PyTorch's 2 threads");
  vsTorch('mlp', 1, 1, "PyTorch's 1 thread");
  step('nn2', ISSUE16.seedNetMs, 'no slower than before threads');
  step('nn1', ISSUE16.seedNetMs, 'no slower than before threads');
  const mm = matmul1024(r, entry);
  if (mm)
    out.push({
      what: `16: ${entry}${at} float32 matmul 1024 (NN) >= ${ISSUE16.matmulGflops} GFLOPS`,
      value: `${mm.gflops.toFixed(1)} GFLOPS`,
      met: mm.gflops >= ISSUE16.matmulGflops,
    });
  // each form judged on its own: the package is what users run, the sources what the other sections time
  for (const { source, label } of SMALL_OPS_FORMS) {
    const ops = smallOpsOf(r, entry, source);
    if (ops)
      out.push({
        what: `16: ${entry}${at} small ops <= ${ISSUE16.smallOpsUs} us per op, ${label}`,
        value: `${ops.usPerOp.toFixed(2)} us`,
        met: ops.usPerOp <= ISSUE16.smallOpsUs,
      });
    const torchOps = pytorchFigure(r, 'ops', 1);
    if (ops && torchOps !== undefined)
      out.push({
        what: `16: ${entry}${at} small ops <= half PyTorch eager's per op, ${label}, PyTorch ${r.pytorch!.torch} measured on this machine`,
        value: `${ops.usPerOp.toFixed(2)} us vs ${(torchOps / 2).toFixed(2)} us (${fmtRatio(ops.usPerOp / torchOps)} PyTorch's ${torchOps.toFixed(2)} us)`,
        met: ops.usPerOp <= torchOps / 2,
      });
  }
  for (const h of [r.wasmHeap, r.wasmHeapMlp]) {
    if (!h?.threads) continue;
    const w = h.wasmMemory;
    const growth = heapGrowth(h);
    out.push({
      what: `16: ${entry} (${threadWord(h.threads)}) WebAssembly memory flat and heap growth < 5 MB over ${h.steps} ${modelName(h.model)} steps`,
      value: `memory ${w.map(mb).join(' -> ')} MB; heap growth ${mb(growth)} MB`,
      met: w.every((x) => x === w[0]) && growth < 5 * 2 ** 20,
    });
  }
  return out;
}

const threadWord = (n: number) => `${n} thread${n === 1 ? '' : 's'}`;
const modelName = (id = 'nn2') => ({ mlp: 'MLP 784-128-10', nn2: 'NeuralNet2', nn1: 'NeuralNet1', mlp512: 'MLP 784-512-512-10' })[id] ?? id;

/** The threads `entry` ran on in this run (its first model row, GEMM or small-ops figure that says), or undefined. */
export function threadsOf(r: BenchResults, entry: BenchEntry): number | undefined {
  for (const m of r.models) {
    const t = m.frameworks.find((f) => f.framework === entry)?.threads;
    if (t !== undefined) return t;
  }
  return r.matmul.find((x) => x.framework === entry)?.threads ?? r.smallOps?.find((x) => x.framework === entry)?.threads;
}

/** "tsgrad-wasm (2 threads)": an entry with the threads it ran on, for column headers. */
function withThreads(r: BenchResults, entry: BenchEntry): string {
  const t = threadsOf(r, entry);
  return t === undefined || t < 0 ? entry : `${entry} (${threadWord(t)})`;
}

function matmul1024(r: BenchResults, entry: BenchEntry): MatmulRow | undefined {
  return r.matmul.find((x) => x.framework === entry)?.rows.find((y) => y.m === 1024 && y.n === 1024 && y.k === 1024 && !y.transA && !y.transB);
}

/**
 * Issue 16's table, PyTorch-free: tsgrad-wasm at 1 thread and at all cores beside tfjs-wasm (no wasm
 * threads in Node), from whatever this run measured.
 */
function issue16Table(r: BenchResults, markdown: boolean): string {
  const cols: BenchEntry[] = ['tsgrad-wasm-1t', 'tsgrad-wasm', 'tfjs-wasm'];
  const rows: string[][] = [];
  // PyTorch's figures measured on this machine (--torch), at 1 and 2 threads, after tsgrad's columns
  const torch = (id: PytorchRow['id'], fmt: (v: number) => string): string[] =>
    r.pytorch ? [1, 2].map((t) => (pytorchFigure(r, id, t) === undefined ? '-' : fmt(pytorchFigure(r, id, t)!))) : [];
  const stepRow = (id: string) => {
    const m = r.models.find((x) => x.id === id);
    if (!m) return;
    const cell = (e: BenchEntry) => {
      const f = m.frameworks.find((x) => x.framework === e);
      return f ? fmtMs(f.median) : '-';
    };
    rows.push([
      `SGD step, ${m.name}, batch ${m.batch} (ms)`,
      ...cols.map(cell),
      ...(id === 'mlp512' || id === 'mlp' ? torch(id, fmtMs) : r.pytorch ? ['-', '-'] : []),
    ]);
  };
  stepRow('mlp512');
  stepRow('mlp');
  if (r.matmul.length) {
    rows.push([
      'matmul 1024 x 1024 float32, NN (GFLOPS)',
      ...cols.map((e) => matmul1024(r, e)?.gflops.toFixed(1) ?? '-'),
      ...torch('matmul1024', (v) => v.toFixed(1)),
    ]);
  }
  for (const { source, label } of SMALL_OPS_FORMS) {
    if (!r.smallOps?.some((x) => (x.source ?? 'tsx') === source)) continue;
    rows.push([
      `300 small ops ([32, 10] mul, add, relu) forward + backward (us per op), ${label}`,
      ...cols.map((e) => smallOpsOf(r, e, source)?.usPerOp.toFixed(2) ?? '-'),
      ...(r.pytorch ? [pytorchFigure(r, 'ops', 1)?.toFixed(2) ?? '-', '-'] : []),
    ]);
  }
  stepRow('nn2');
  stepRow('nn1');
  const heaps = [r.wasmHeap, r.wasmHeapMlp].filter((h): h is WasmHeapReply => !!h?.threads);
  for (const h of heaps) {
    rows.push([
      `WebAssembly memory over ${h.steps} ${modelName(h.model)} steps (MB)`,
      ...cols.map((e) => (e === 'tsgrad-wasm' ? h.wasmMemory.map(mb).join(' -> ') : '-')),
      ...(r.pytorch ? ['-', '-'] : []),
    ]);
  }
  if (!rows.length) return '';
  const torchCols = r.pytorch ? [`PyTorch ${r.pytorch.torch}, 1 thread`, `PyTorch ${r.pytorch.torch}, 2 threads`] : [];
  return table(['work', ...cols.map((e) => withThreads(r, e)), ...torchCols], rows, markdown);
}

function smallOpsLines(r: BenchResults): string[] {
  return (r.smallOps ?? []).map((x) => {
    const label = SMALL_OPS_FORMS.find((f) => f.source === (x.source ?? 'tsx'))!.label;
    const built = x.dist ? `; dist/index.cjs built ${x.dist.builtAt}${x.dist.rebuilt ? ' (by this run, from src/)' : ''}` : '';
    return `${x.framework}, ${label}: ${x.usPerOp.toFixed(2)} us per op (fastest sample ${x.bestUsPerOp.toFixed(2)}); ${x.info}${built}`;
  });
}

/** Issue 14's ("Speed"): the step <= 1/4 of tfjs-cpu's, conv forward >= 15 GFLOPS on wasm, heap flat over 2,000 steps. */
function cnnTargets(r: BenchResults): Target[] {
  const out: Target[] = [];
  for (const net of r.cnn ?? []) {
    const peer = net.frameworks.find((f) => f.framework === 'tfjs-cpu' && (f.median !== undefined || f.stoppedAfterMs !== undefined));
    for (const entry of ['tsgrad', 'tsgrad-wasm'] as const) {
      const ts = net.frameworks.find((f) => f.framework === entry && f.median !== undefined);
      if (!ts || !peer) continue;
      const what = `14: ${entry} ${shortNet(net)} step <= 1/4 of tfjs-cpu's`;
      if (peer.stoppedAfterMs !== undefined) {
        // tfjs-cpu's step is longer than the cap, so the ratio is below ts / cap
        const bound = ts.median! / peer.stoppedAfterMs;
        const value = `< ${fmtRatio(bound)} (${fmtMs(ts.median!)} vs > ${fmtMs(peer.stoppedAfterMs)} ms: tfjs-cpu's step 1 was stopped unfinished)`;
        out.push({ what, value, met: bound <= 1 / 4 });
        continue;
      }
      const ratio = ts.median! / peer.median!;
      const value = `${fmtRatio(ratio)} (${fmtMs(ts.median!)} vs ${fmtMs(peer.median!)} ms${peer.firstStepOnly ? ", tfjs-cpu's one cold step" : ''}; by CPU time ${fmtRatio(ts.cpuMedian! / peer.cpuMedian!)})`;
      out.push({ what, value, met: ratio <= 1 / 4 });
    }
  }
  const wasmConv = r.conv?.find((c) => c.framework === 'tsgrad-wasm')?.rows.find((row) => row.layer.startsWith('conv2') && row.direction === 'forward');
  if (wasmConv) {
    out.push({
      what: `14: tsgrad-wasm conv2d forward >= 15 GFLOPS (${wasmConv.layer}, float32)`,
      value: `${wasmConv.gflops.toFixed(2)} GFLOPS (batch ${wasmConv.batch})`,
      met: wasmConv.gflops >= 15,
    });
  }
  const h = r.cnnHeap;
  if (h && h.samples.length >= 2) {
    const [first, last] = [h.samples[0], h.samples[h.samples.length - 1]];
    const growth = last.heapUsed - first.heapUsed;
    out.push({
      what: `14: tsgrad-wasm heap flat over ${h.steps} LeNet-5 steps (growth < 5 MB from step ${first.step}, WebAssembly memory unchanged)`,
      value: `heapUsed ${h.samples.map((x) => mb(x.heapUsed)).join(' -> ')} MB; WebAssembly memory ${h.samples.map((x) => mb(x.wasmMemory)).join(' -> ')} MB`,
      met: growth < 5 * 2 ** 20 && last.wasmMemory === first.wasmMemory,
    });
  }
  return out;
}

/** What the report says of TensorFlow.js's threads (what its API reports is in each tfjs-wasm row's notes). */
const TFJS_THREADS_NOTE =
  "TensorFlow.js's wasm backend has no threads in Node: its WASM_HAS_MULTITHREAD_SUPPORT flag is false there (tensorflow/tfjs#3830), so it loads its single-threaded SIMD build; the bench asks for all cores with setThreadsCount and records getThreadsCount()";

const SMALL_OPS_TITLE =
  'Small ops (issue 16): h = relu(h * w + 1) 100 times on [32, 10] float32 (300 ops), sum, backward; us per op = the whole forward + backward / 300';

/** Why the small ops are timed in two forms, and why they differ. */
const SOURCES_NOTE =
  "every tsgrad row is timed from tsgrad's TypeScript sources under tsx, except those marked npm package (dist/index.cjs, the esbuild bundle users install, run in plain node), which run small ops faster because under tsx (esbuild's per-file CommonJS transform) every call across tsgrad's modules goes through an export getter that V8 inlines poorly";

const shortNet = (net: CnnResult) => (net.id === 'lenet' ? 'LeNet-5' : 'MNIST net');

function heapGrowth(h: HeapReply): number {
  return h.samples[h.samples.length - 1].heapUsed - h.samples[0].heapUsed;
}

const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const fmtMs = (ms: number) => (ms >= 100 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(3) : ms.toFixed(4));
const fmtRatio = (x: number) => (x >= 10 ? x.toFixed(1) : x.toFixed(3));
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(2);
const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');

function table(head: string[], rows: string[][], markdown: boolean, rightFrom = 1): string {
  if (markdown) {
    const sep = head.map((_, i) => (i >= rightFrom ? '---:' : '---'));
    return [head, sep, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i >= rightFrom ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}

function modelTable(m: ModelResult, markdown: boolean): string {
  const ts = m.frameworks.find((f) => f.framework === 'tsgrad');
  const wasm = m.frameworks.find((f) => f.framework === 'tsgrad-wasm');
  const rows = m.frameworks.map((f) => [
    f.framework,
    f.threads === undefined ? '?' : String(f.threads),
    fmtMs(f.median),
    `${fmtMs(f.min)}-${fmtMs(f.max)}`,
    `${f.stepsPerRep} x ${f.msPerStep.length}`,
    f.warmupSeconds.toFixed(1),
    f.cpuShare.toFixed(2),
    fmtMs(f.cpuMedian),
    f.lossError.toExponential(1),
    ts ? fmtRatio(ts.median / f.median) : '-',
    ts ? fmtRatio(ts.cpuMedian / f.cpuMedian) : '-',
    ...(wasm ? [fmtRatio(wasm.median / f.median), fmtRatio(wasm.cpuMedian / f.cpuMedian)] : []),
  ]);
  const wasmName = wasm?.threads !== undefined ? `tsgrad-wasm (${threadWord(wasm.threads)})` : 'tsgrad-wasm';
  const head = [
    'framework',
    'threads',
    'median ms/step',
    'min-max ms',
    'steps x reps',
    'warm-up s',
    'cpu/wall',
    'CPU ms/step',
    'loss rel. err',
    'tsgrad / this',
    'tsgrad / this (CPU)',
    ...(wasm ? [`${wasmName} / this`, `${wasmName} / this (CPU)`] : []),
  ];
  return table(head, rows, markdown);
}

function matmulTable(r: BenchResults, markdown: boolean): string {
  const first = r.matmul[0];
  if (!first) return '';
  const names = r.matmul.map((x) => x.framework);
  const wasmHead = names.includes('tsgrad-wasm') ? ['tsgrad-wasm best sample'] : [];
  const peerHead = wasmHead.length && names.includes('tfjs-wasm') ? ['tsgrad-wasm / tfjs-wasm'] : [];
  const rows = first.rows.map((row) => {
    const cells = r.matmul.map((x) => x.rows.find((y) => y.name === row.name)?.gflops.toFixed(2) ?? '-');
    const best = r.matmul
      .find((x) => x.framework === 'tsgrad')
      ?.rows.find((y) => y.name === row.name)
      ?.bestGflops.toFixed(2);
    const ts = r.matmul.find((x) => x.framework === 'tsgrad')?.rows.find((y) => y.name === row.name);
    const ratios = r.matmul
      .filter((x) => x.framework !== 'tsgrad')
      .map((x) => {
        const y = x.rows.find((z) => z.name === row.name);
        return ts && y ? fmtRatio(ts.gflops / y.gflops) : '-';
      });
    const wasm = r.matmul.find((x) => x.framework === 'tsgrad-wasm')?.rows.find((y) => y.name === row.name);
    const peer = r.matmul.find((x) => x.framework === 'tfjs-wasm')?.rows.find((y) => y.name === row.name);
    const wasmCells = wasmHead.length
      ? [wasm?.bestGflops.toFixed(2) ?? '-', ...(peerHead.length ? [wasm && peer ? fmtRatio(wasm.gflops / peer.gflops) : '-'] : [])]
      : [];
    return [row.name, ...cells, ...(ts ? [best ?? '-', ...ratios] : []), ...wasmCells];
  });
  const tsHead = names.includes('tsgrad') ? ['tsgrad best sample', ...names.filter((n) => n !== 'tsgrad').map((n) => `tsgrad / ${n}`)] : [];
  const named = (n: BenchEntry) => {
    const t = r.matmul.find((x) => x.framework === n)?.threads;
    return t === undefined || t < 0 ? n : `${n} (${threadWord(t)})`;
  };
  return table(['shape (op(A) op(B))', ...names.map((n) => `${named(n)} GFLOPS`), ...tsHead, ...wasmHead, ...peerHead], rows, markdown);
}

function cnnTable(net: CnnResult, r: BenchResults, markdown: boolean): string {
  const ts = net.frameworks.find((f) => f.framework === 'tsgrad' && f.median !== undefined);
  const wasm = net.frameworks.find((f) => f.framework === 'tsgrad-wasm' && f.median !== undefined);
  const rows = net.frameworks.map((f) => {
    // NaN comes back from a worker (and from results.json) as null
    const loss = (i: number) => (isNumber(f.losses[i]) ? f.losses[i].toFixed(6) : '-');
    const err = isNumber(f.lossError) ? f.lossError.toExponential(1) : '-';
    if (f.stoppedAfterMs !== undefined) {
      const note = `step 1 stopped unfinished after ${(f.stoppedAfterMs / 1000).toFixed(0)} s (the cap): only the forward loss checked`;
      const bound = (x?: CnnFrameworkResult) => (x ? `< ${fmtRatio(x.median! / f.stoppedAfterMs!)}` : '-');
      return [f.framework, `> ${fmtMs(f.stoppedAfterMs)}`, '-', '0', '-', '-', '-', loss(0), '-', '-', err, bound(ts), bound(wasm), note];
    }
    if (f.unavailable || f.median === undefined)
      return [f.framework, '-', '-', '0', '-', '-', '-', loss(0), '-', '-', err, '-', '-', (f.unavailable ?? '').replace(/\|/g, '/')];
    const note = f.firstStepOnly ? `step 1 only (cold, dropout off): it took longer than the ${cnnBox(r)} time box` : '';
    return [
      f.framework,
      fmtMs(f.median),
      `${fmtMs(f.min!)}-${fmtMs(f.max!)}`,
      String(f.msPerStep.length),
      f.firstStepOnly ? '-' : `${f.warmupSteps} in ${f.warmupSeconds.toFixed(1)} s`,
      f.cpuShare!.toFixed(2),
      fmtMs(f.cpuMedian!),
      loss(0),
      loss(1),
      loss(2),
      err,
      ts ? fmtRatio(ts.median! / f.median) : '-',
      wasm ? fmtRatio(wasm.median! / f.median) : '-',
      note,
    ];
  });
  const head = [
    'framework',
    'median ms/step',
    'min-max ms',
    'steps timed',
    'warm-up',
    'cpu/wall',
    'CPU ms/step',
    'forward loss',
    'step-1 loss',
    'loss after step 1',
    'loss rel. err',
    'tsgrad / this',
    'tsgrad-wasm / this',
    'note',
  ];
  return table(head, rows, markdown);
}

const isNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const cnnBox = (r: BenchResults) => `${((r.options.cnnMs ?? NaN) / 1000).toFixed(0)} s`;

function convTable(r: BenchResults, markdown: boolean): string {
  const conv = r.conv ?? [];
  const first = conv[0];
  if (!first) return '';
  const rows = first.rows.map((row) => [
    row.layer,
    row.direction,
    ...conv.map((c) => {
      const x = c.rows.find((y) => y.layer === row.layer && y.direction === row.direction);
      if (!x) return '-';
      if (x.error) return `cannot: ${x.error.replace(/\|/g, '/')}`;
      return `${x.gflops.toFixed(x.gflops >= 1 ? 2 : 4)}${x.batch !== 64 ? ` (batch ${x.batch})` : ''}`;
    }),
  ]);
  return table(['conv2d, float32', 'product', ...conv.map((c) => `${c.framework} GFLOPS`)], rows, markdown, 2);
}

function cnnHeapLines(h: CnnHeapReply): string[] {
  return [
    ...h.samples.map(
      (x) => `after step ${x.step}: heapUsed ${mb(x.heapUsed)} MB, arrayBuffers ${mb(x.arrayBuffers)} MB, WebAssembly memory ${mb(x.wasmMemory)} MB`,
    ),
    `${fmtMs(h.msPerStep)} ms/step over the ${h.steps} steps (the GC pauses at the samples left out)`,
  ];
}

function cnnIntro(r: BenchResults): string[] {
  const o = r.options;
  return [
    `Each framework: the loss check against tsgrad's on the js backend (relative error <= ${o.lossTolerance}): the forward loss at the initial weights,`,
    "then step 1 (dropout off) and batch 1's loss after its update (dropout off); then a warm-up of",
    `>= ${(o.cnnWarmupMs ?? NaN) / 1000} s, and steps timed one by one in 3 interleaved rounds until ${cnnBox(r)} or ${o.cnnMaxSteps} steps: the median step.`,
    `A step 1 still running after ${((o.cnnStepCapMs ?? NaN) / 1000).toFixed(0)} s is stopped (its process killed) and that time is a lower bound;`,
    "one that finished but took longer than the time box is the row's only step (cold, dropout off).",
  ];
}

function wasmHeapLines(h: WasmHeapReply): string[] {
  const sized = h.threads ? "the first 10 steps, and 10 more once the pool's workers ran" : 'the first 10 steps';
  return [...heapLines(h), `WebAssembly memory (after ${sized} sized the arena) ${h.wasmMemory.map(mb).join(' MB -> ')} MB`];
}

function heapLines(h: HeapReply): string[] {
  const [first, mid, last] = [h.samples[0], h.samples[1], h.samples[h.samples.length - 1]];
  return [
    `heapUsed before ${mb(first.heapUsed)} MB, after ${h.steps} steps ${mb(last.heapUsed)} MB: growth ${mb(heapGrowth(h))} MB ` +
      `(second half alone: ${mb(last.heapUsed - mid.heapUsed)} MB)`,
    `arrayBuffers (typed-array storage, outside heapUsed): ${mb(first.arrayBuffers)} MB -> ${mb(last.arrayBuffers)} MB`,
  ];
}

function warmupText(r: BenchResults): string {
  return `a warm-up of ${r.options.warmupMs / 1000}-${r.options.warmupMaxMs / 1000} s (on until the speed stops improving: V8's JS and wasm tier-up take seconds)`;
}

function header(r: BenchResults): string[] {
  const m = r.machine;
  return [
    `${m.cpu}, ${m.cores} cores, Node ${m.node}, ${m.platform}; tsgrad at ${m.tsgrad}`,
    `${m.date}; load average (1/5/15 min) ${load(m.loadStart)} at the start, ${load(m.loadEnd)} at the end`,
    `median of ${r.options.reps} repetitions of >= ${r.options.repMs} ms after ${warmupText(r)}; each framework in its own process, repetitions interleaved`,
  ];
}

/** The tables printed to stdout. */
export function formatReport(r: BenchResults): string {
  const out: string[] = ['', ...header(r), ''];
  const i16 = issue16Table(r, false);
  if (i16) out.push(`issue 16: tsgrad at 1 thread and at all cores, beside tfjs-wasm (${TFJS_THREADS_NOTE})${pytorchNote(r)}`, i16, '');
  for (const m of r.models) {
    out.push(`${m.name}: batch ${m.batch}, ${m.loss}, SGD lr 0.1; step-1 loss ${m.referenceLosses[0].toFixed(6)} in every framework`);
    out.push(modelTable(m, false), '');
  }
  if (r.matmul.length) out.push('float32 matmul, GFLOPS (2 m n k / median time; peers stop at n = 512 unless --peer-matmul-1024)', matmulTable(r, false), '');
  if (r.heap) out.push(`tsgrad heap over ${r.heap.steps} NeuralNet2 training steps (after forced GC)`, ...heapLines(r.heap), '');
  if (r.smallOps?.length) out.push(SMALL_OPS_TITLE, `(${SOURCES_NOTE})`, ...smallOpsLines(r), '');
  for (const h of [r.wasmHeap, r.wasmHeapMlp]) {
    if (h)
      out.push(
        `tsgrad-wasm heap and WebAssembly memory over ${h.steps} ${modelName(h.model)} training steps${h.threads ? ` (${threadWord(h.threads)})` : ''}`,
        ...wasmHeapLines(h),
        '',
      );
  }
  if (r.cnn?.length) out.push(...cnnIntro(r), '');
  for (const net of r.cnn ?? []) {
    out.push(
      `${net.name}: 28x28, batch ${net.batch}, cross-entropy, SGD lr ${net.lr}; tsgrad's losses ${net.referenceLosses.map((l) => l.toFixed(6)).join(', ')}`,
    );
    out.push(cnnTable(net, r, false), '');
  }
  if (r.conv?.length) out.push(`conv2d GFLOPS (2 N O C kh kw OH OW / median time per call; each gradient alone; ${WINOGRAD_NOTE})`, convTable(r, false), '');
  if (r.cnnHeap) out.push(`tsgrad-wasm over ${r.cnnHeap.steps} LeNet-5 training steps (after forced GCs)`, ...cnnHeapLines(r.cnnHeap), '');
  const t = targets(r);
  if (t.length) {
    out.push('targets of "Performance I" (tsgrad on js), "Performance II" (tsgrad on wasm), issue 14 (CNNs) and issue 16 (threads)');
    for (const x of t) out.push(`  [${x.met ? 'met' : 'NOT met'}] ${x.what}: ${x.value}`);
    out.push('');
  }
  return out.join('\n');
}

/** bench/RESULTS.md. */
export function markdownReport(r: BenchResults): string {
  const m = r.machine;
  const out: string[] = [
    '# tsgrad benchmark results',
    '',
    'Made by `npm run bench` (bench/run.ts); the raw numbers are in bench/results.json. Lower ms is better;',
    '"tsgrad / this" below 1 means tsgrad is faster. tsgrad runs on each of its kernel backends: `tsgrad` is the',
    'js backend (the TypeScript kernels), `tsgrad-wasm` the wasm backend (WebAssembly SIMD, src/backend/wasm) at',
    "tsgrad's default threads (all cores: a pool of workers on one shared WebAssembly memory), `tsgrad-wasm-1t` the",
    `wasm backend at setNumThreads(1); the "threads" columns and headers say how many ran. ${TFJS_THREADS_NOTE}.`,
    'Every framework trains the same model on the same seeded data from the same initial weights, and its first',
    `two losses were checked against tsgrad's on the js backend (relative error <= ${r.options.lossTolerance}) before timing.`,
    `${upperFirst(SOURCES_NOTE)}.`,
    '',
    table(
      ['', ''],
      [
        ['CPU', m.cpu],
        ['cores', String(m.cores)],
        ['Node', m.node],
        ['platform', m.platform],
        ['date', m.date],
        ['tsgrad', m.tsgrad],
        ['load average 1/5/15 min, start', load(m.loadStart)],
        ['load average 1/5/15 min, end', load(m.loadEnd)],
        ['busiest processes at the start', m.busiest.map((l) => `\`${l.replace(/\|/g, '/')}\``).join('<br>') || '-'],
        [
          'method',
          `median of ${r.options.reps} repetitions, each >= ${r.options.repMs} ms, after ${warmupText(r)}; each framework in its own process; repetitions interleaved across frameworks`,
        ],
      ],
      true,
      99,
    ),
    '',
    "cpu/wall is the process's CPU time over wall time during the repetitions: well below 1 means it was",
    'waiting for a core (a loaded machine), and its wall times are inflated. "CPU ms/step" (user + system time',
    'of the process, GC threads included) is less sensitive to other load, though not immune (on a shared VM a',
    'busy neighbour slows the core too); the targets are judged on wall time. Ratios are steadier than absolute',
    'times: each round of repetitions runs every framework back to back.',
    '',
  ];
  const i16 = issue16Table(r, true);
  if (i16) {
    out.push(
      '## Issue 16: tsgrad at 1 thread and at all cores, beside TensorFlow.js wasm',
      '',
      `Medians from the sections below (the same runs). ${TFJS_THREADS_NOTE}${pytorchNote(r)}.`,
      '',
      i16,
      '',
    );
  }
  const t = targets(r);
  if (t.length) {
    out.push(
      '## Targets ("Performance I": tsgrad on its js backend; "Performance II": on its wasm backend; "14": the CNNs of issue 14; "16": threads, from the PyTorch figures issue 16 gives)',
      '',
      table(
        ['target', 'measured', 'met'],
        t.map((x) => [x.what, x.value, x.met ? 'yes' : '**no**']),
        true,
        99,
      ),
      '',
    );
  }
  for (const model of r.models) {
    out.push(`## ${model.name}`, '', `batch ${model.batch}, ${model.loss}, plain SGD lr 0.1; step-1 loss ${model.referenceLosses[0].toFixed(6)}.`, '');
    out.push(modelTable(model, true), '');
    for (const f of model.frameworks) out.push(`- ${f.framework}: ${f.info}`);
    out.push('');
  }
  if (r.matmul.length) {
    out.push(
      '## float32 matmul (GFLOPS = 2 m n k / median time)',
      '',
      'tsgrad: the TS `gemm` via bench/matmul.ts (one thread); tsgrad-wasm (all cores) and tsgrad-wasm-1t (setNumThreads(1)): `kernels().gemm` on the wasm backend via bench/wasm-kernels.ts, copying the operands into WebAssembly memory and the result out on every call, as the ops do; tfjs: `tf.matMul(a, b, transposeA, transposeB)`, including its output allocation. The headers give the threads each ran on.',
      '',
    );
    out.push(matmulTable(r, true), '');
  }
  if (r.smallOps?.length) out.push(`## ${SMALL_OPS_TITLE}`, '', `${upperFirst(SOURCES_NOTE)}.`, '', ...smallOpsLines(r).map((l) => `- ${l}`), '');
  if (r.heap) out.push(`## tsgrad heap over ${r.heap.steps} NeuralNet2 training steps`, '', ...heapLines(r.heap).map((l) => `- ${l}`), '');
  for (const h of [r.wasmHeap, r.wasmHeapMlp]) {
    if (!h) continue;
    out.push(
      `## tsgrad-wasm heap and WebAssembly memory over ${h.steps} ${modelName(h.model)} training steps${h.threads ? ` (${threadWord(h.threads)})` : ''}`,
      '',
      ...wasmHeapLines(h).map((l) => `- ${l}`),
      '',
    );
  }
  if (r.cnn?.length) {
    out.push(
      '## Convolutional nets: ms per training step',
      '',
      "bench/cnn.ts. Every framework starts from the same weights (made in PyTorch's layout and converted to",
      "tfjs's NHWC filters and [in, out] dense kernels) and trains on the same seeded 28x28 images.",
      ...cnnIntro(r),
      '',
    );
  }
  for (const net of r.cnn ?? []) {
    out.push(
      `### ${net.name}`,
      '',
      `28x28, batch ${net.batch}, cross-entropy, plain SGD lr ${net.lr}; tsgrad's losses (js backend) ${net.referenceLosses.map((l) => l.toFixed(6)).join(', ')}.`,
      '',
    );
    out.push(cnnTable(net, r, true), '');
    for (const f of net.frameworks) out.push(`- ${f.framework}: ${f.info}`);
    out.push('');
  }
  if (r.conv?.length) {
    out.push(
      '## conv2d GFLOPS (float32, stride 1, no padding)',
      '',
      '2 N O C kh kw OH OW per product / median seconds per call; the input and weight gradients each alone. A',
      `peer whose call at batch 64 would not fit the time box is timed at a smaller batch (shown). ${WINOGRAD_NOTE}.`,
      '',
      convTable(r, true),
      '',
      ...r.conv.map((c) => `- ${c.framework}: ${c.info}`),
      '',
    );
  }
  if (r.cnnHeap) {
    out.push(
      `## tsgrad-wasm heap and WebAssembly memory over ${r.cnnHeap.steps} LeNet-5 training steps`,
      '',
      ...cnnHeapLines(r.cnnHeap).map((l) => `- ${l}`),
      '',
    );
  }
  return `${out.join('\n')}\n`;
}
