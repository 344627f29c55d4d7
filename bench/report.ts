/** The benchmark's results: their shape (results.json), the printed tables and bench/RESULTS.md. */
import type { Framework, LossKind } from './models';
import type { CnnHeapReply, ConvReply } from './cnn';
import type { WasmHeapReply } from './wasm-kernels';
import type { HeapReply, MatmulRow } from './worker';

/** A row of the tables: a framework, or tsgrad on its wasm kernel backend ('tsgrad' is its js backend). */
export type BenchEntry = Framework | 'tsgrad-wasm';

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
  matmul: { framework: BenchEntry; rows: MatmulRow[] }[];
  heap: HeapReply | null;
  /** tsgrad on the wasm backend: heap and WebAssembly memory over NeuralNet2 training. */
  wasmHeap?: WasmHeapReply | null;
  /** The convolutional nets (section cnn), conv2d GFLOPS, and tsgrad-wasm's memory over LeNet-5 training. */
  cnn?: CnnResult[];
  conv?: ({ framework: BenchEntry } & ConvReply)[];
  cnnHeap?: CnnHeapReply;
  seconds?: number;
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
  return out;
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

const shortNet = (net: CnnResult) => (net.id === 'lenet' ? 'LeNet-5' : 'MNIST net');

function heapGrowth(h: HeapReply): number {
  return h.samples[h.samples.length - 1].heapUsed - h.samples[0].heapUsed;
}

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
  const head = [
    'framework',
    'median ms/step',
    'min-max ms',
    'steps x reps',
    'warm-up s',
    'cpu/wall',
    'CPU ms/step',
    'loss rel. err',
    'tsgrad / this',
    'tsgrad / this (CPU)',
    ...(wasm ? ['tsgrad-wasm / this', 'tsgrad-wasm / this (CPU)'] : []),
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
  return table(['shape (op(A) op(B))', ...names.map((n) => `${n} GFLOPS`), ...tsHead, ...wasmHead, ...peerHead], rows, markdown);
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
  return [...heapLines(h), `WebAssembly memory (after the first 10 steps sized the arena) ${h.wasmMemory.map(mb).join(' MB -> ')} MB`];
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
  for (const m of r.models) {
    out.push(`${m.name}: batch ${m.batch}, ${m.loss}, SGD lr 0.1; step-1 loss ${m.referenceLosses[0].toFixed(6)} in every framework`);
    out.push(modelTable(m, false), '');
  }
  if (r.matmul.length) out.push('float32 matmul, GFLOPS (2 m n k / median time; peers stop at n = 512 unless --peer-matmul-1024)', matmulTable(r, false), '');
  if (r.heap) out.push(`tsgrad heap over ${r.heap.steps} NeuralNet2 training steps (after forced GC)`, ...heapLines(r.heap), '');
  if (r.wasmHeap) out.push(`tsgrad-wasm heap and WebAssembly memory over ${r.wasmHeap.steps} NeuralNet2 training steps`, ...wasmHeapLines(r.wasmHeap), '');
  if (r.cnn?.length) out.push(...cnnIntro(r), '');
  for (const net of r.cnn ?? []) {
    out.push(
      `${net.name}: 28x28, batch ${net.batch}, cross-entropy, SGD lr ${net.lr}; tsgrad's losses ${net.referenceLosses.map((l) => l.toFixed(6)).join(', ')}`,
    );
    out.push(cnnTable(net, r, false), '');
  }
  if (r.conv?.length) out.push('conv2d GFLOPS (2 N O C kh kw OH OW / median time per call; each gradient alone)', convTable(r, false), '');
  if (r.cnnHeap) out.push(`tsgrad-wasm over ${r.cnnHeap.steps} LeNet-5 training steps (after forced GCs)`, ...cnnHeapLines(r.cnnHeap), '');
  const t = targets(r);
  if (t.length) {
    out.push('targets of "Performance I" (tsgrad on js), "Performance II" (tsgrad on wasm) and issue 14 (CNNs)');
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
    'js backend (the TypeScript kernels), `tsgrad-wasm` the wasm backend (WebAssembly SIMD, src/backend/wasm).',
    'Every framework trains the same model on the same seeded data from the same initial weights, and its first',
    `two losses were checked against tsgrad's on the js backend (relative error <= ${r.options.lossTolerance}) before timing.`,
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
  const t = targets(r);
  if (t.length) {
    out.push(
      '## Targets ("Performance I": tsgrad on its js backend; "Performance II": on its wasm backend; "14": the CNNs of issue 14)',
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
      'tsgrad: the TS `gemm` via bench/matmul.ts; tsgrad-wasm: `kernels().gemm` on the wasm backend via bench/wasm-kernels.ts, copying the operands into WebAssembly memory and the result out on every call, as the ops do; tfjs: `tf.matMul(a, b, transposeA, transposeB)`, including its output allocation.',
      '',
    );
    out.push(matmulTable(r, true), '');
  }
  if (r.heap) out.push(`## tsgrad heap over ${r.heap.steps} NeuralNet2 training steps`, '', ...heapLines(r.heap).map((l) => `- ${l}`), '');
  if (r.wasmHeap)
    out.push(
      `## tsgrad-wasm heap and WebAssembly memory over ${r.wasmHeap.steps} NeuralNet2 training steps`,
      '',
      ...wasmHeapLines(r.wasmHeap).map((l) => `- ${l}`),
      '',
    );
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
      'peer whose call at batch 64 would not fit the time box is timed at a smaller batch (shown).',
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
