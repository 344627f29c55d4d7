/** The benchmark's results: their shape (results.json), the printed tables and bench/RESULTS.md. */
import type { Framework, LossKind } from './models';
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

export interface BenchResults {
  machine: MachineInfo;
  options: { reps: number; repMs: number; warmupMs: number; warmupMaxMs: number; lossTolerance: number };
  models: ModelResult[];
  matmul: { framework: BenchEntry; rows: MatmulRow[] }[];
  heap: HeapReply | null;
  /** tsgrad on the wasm backend: heap and WebAssembly memory over NeuralNet2 training. */
  wasmHeap?: WasmHeapReply | null;
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
  return out;
}

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
  const t = targets(r);
  if (t.length) {
    out.push('targets of "Performance I" (tsgrad on js) and "Performance II" (tsgrad on wasm)');
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
      '## Targets ("Performance I": tsgrad on its js backend; "Performance II": on its wasm backend)',
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
  return `${out.join('\n')}\n`;
}
