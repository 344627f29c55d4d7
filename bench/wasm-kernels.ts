/**
 * The WebAssembly backend's kernels on their own: `npx tsx bench/wasm-kernels.ts [--sizes 128,256]`.
 *
 * - GEMM GFLOPS (2 m n k / median time), float32 and float64, all four transpose combinations and
 *   the skinny shapes of the seed nets, through `kernels().gemm` as the ops call it (operands
 *   copied into WebAssembly memory and the result out, every call) and for the kernel alone.
 * - relu, its backward and sigmoid's backward, wasm (copies included) against the TS kernels, by size:
 *   where the copies cost more than the loop (the threshold in src/backend/wasm/backend.ts).
 * - The WebAssembly memory and the JS heap over 2,000 NeuralNet2 steps on the wasm backend.
 * The threads: tsgrad's default (all cores), or $TSGRAD_THREADS.
 *
 * bench/run.ts also forks this file as a worker (request 'matmul' or 'heap', as bench/worker.ts).
 */
import { getBackend, getBackendInfo, getNumThreads, setBackend, kernels } from '../src/backend/registry';
import * as elementwise from '../src/kernels/elementwise';
import { wasmMemoryBytes } from '../src/backend/wasm/backend';
import { KERNELS_WASM_BASE64 } from '../src/backend/wasm/kernels.wasm';
import { matmulShapes, type MatmulShape } from './matmul';
import { makeProblem, modelSpec } from './models';
import { filled, time } from './stats';
import { threadsRunning, tsgradTrainer, useBackend } from './tsgrad';
import { type HeapReply, heapOver, type MatmulReply, type MatmulRow } from './worker';

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;

/** V8 runs wasm in its baseline tier (Liftoff) first and tiers up over ~1 s of calls: get there first. */
function warmUp(ms = 1500): void {
  if (getBackend() !== 'wasm') setBackend('wasm');
  const k = kernels();
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    for (const ctor of [Float32Array, Float64Array]) {
      for (const [tA, tB] of [
        [false, false],
        [false, true],
        [true, false],
        [true, true],
      ]) {
        const a = filled(ctor, 96 * 96, 1),
          b = filled(ctor, 96 * 96, 2),
          c = new ctor(96 * 96);
        k.gemm(tA, tB, 96, 96, 96, a, 0, b, 0, c, 0, false);
        k.gemm(tA, tB, 5, 40, 33, a, 0, b, 0, c, 0, true);
      }
    }
  }
}

/** GEMM through the backend (copies in and out included), as the ops use it. */
export function benchWasmMatmul(shapes: MatmulShape[], ctor: Ctor = Float32Array): MatmulRow[] {
  warmUp();
  const k = kernels();
  return shapes.map((s) => {
    const a = filled(ctor, s.m * s.k, 1),
      b = filled(ctor, s.k * s.n, 2),
      c = new ctor(s.m * s.n);
    const { seconds, best } = time(() => k.gemm(s.transA, s.transB, s.m, s.n, s.k, a, 0, b, 0, c, 0, false));
    const flop = 2 * s.m * s.n * s.k;
    return { ...s, seconds, gflops: flop / seconds / 1e9, bestGflops: flop / best / 1e9 };
  });
}

/** GEMM of the kernel alone: operands placed in WebAssembly memory once, no copies per call. */
export function benchWasmKernelOnly(shapes: MatmulShape[], ctor: Ctor = Float32Array): MatmulRow[] {
  const module = new WebAssembly.Module(Buffer.from(KERNELS_WASM_BASE64, 'base64'));
  const ex = new WebAssembly.Instance(module, { env: { exp: Math.exp, log: Math.log } }).exports as unknown as {
    memory: WebAssembly.Memory;
    heapBase(): number;
    gemmScratchBytes(n: number, k: number, es: number): number;
    gemmF32(...args: (number | boolean)[]): void;
    gemmF64(...args: (number | boolean)[]): void;
  };
  const es = ctor.BYTES_PER_ELEMENT;
  const fn = es === 4 ? ex.gemmF32 : ex.gemmF64;
  const align = (p: number) => (p + 127) & ~63;
  const place = (s: MatmulShape) => {
    const pa = align(ex.heapBase()),
      pb = align(pa + s.m * s.k * es),
      pc = align(pb + s.k * s.n * es),
      ps = align(pc + s.m * s.n * es);
    const need = ps + ex.gemmScratchBytes(s.n, s.k, es) + 128;
    if (need > ex.memory.buffer.byteLength) ex.memory.grow(Math.ceil((need - ex.memory.buffer.byteLength) / 65536));
    new ctor(ex.memory.buffer, pa, s.m * s.k).set(filled(ctor, s.m * s.k, 1));
    new ctor(ex.memory.buffer, pb, s.k * s.n).set(filled(ctor, s.k * s.n, 2));
    return [pa, pb, pc, ps];
  };
  const t0 = performance.now();
  for (const s of shapes.filter((x) => x.m * x.n * x.k <= 128 ** 3)) {
    const [pa, pb, pc, ps] = place(s);
    while (performance.now() - t0 < 1500) fn(s.transA, s.transB, s.m, s.n, s.k, pa, pb, pc, false, ps);
  }
  return shapes.map((s) => {
    const [pa, pb, pc, ps] = place(s);
    const { seconds, best } = time(() => fn(s.transA, s.transB, s.m, s.n, s.k, pa, pb, pc, false, ps));
    const flop = 2 * s.m * s.n * s.k;
    return { ...s, seconds, gflops: flop / seconds / 1e9, bestGflops: flop / best / 1e9 };
  });
}

/** Microseconds per call of each element-wise kernel, js and wasm, by element count. */
export function benchElementwise(sizes = [64, 256, 1024, 4096, 16384, 65536]): string[] {
  warmUp(300);
  const wasm = kernels();
  const lines = [`${'float32 kernel'.padEnd(18)}${'n'.padStart(7)}${'js us'.padStart(9)}${'wasm us'.padStart(9)}`];
  for (const n of sizes) {
    const x = filled(Float32Array, n, 3),
      g = filled(Float32Array, n, 4),
      out = new Float32Array(n);
    const cases: [string, () => void, () => void][] = [
      ['relu', () => elementwise.relu(x, out), () => wasm.relu(x, out)],
      ['reluBackward', () => elementwise.reluBackward(g, x, out), () => wasm.reluBackward(g, x, out)],
      ['sigmoidBackward', () => elementwise.sigmoidBackward(g, x, out), () => wasm.sigmoidBackward(g, x, out)],
    ];
    for (const [name, js, wa] of cases) {
      const tj = time(js, 5).seconds * 1e6,
        tw = time(wa, 5).seconds * 1e6;
      lines.push(`${name.padEnd(18)}${String(n).padStart(7)}${tj.toFixed(2).padStart(9)}${tw.toFixed(2).padStart(9)}`);
    }
  }
  return lines;
}

/**
 * What bench/run.ts asks this file when it runs as a worker; the threads come from $TSGRAD_THREADS
 * (tsgrad's default, all cores, when unset).
 */
export type WasmRequest = { type: 'matmul'; sizes: number[]; skinny: boolean } | { type: 'heap'; model: string; steps: number };

export interface WasmHeapReply extends HeapReply {
  /** The model trained ('nn2' when missing: results.json files from before it was recorded). */
  model?: string;
  /** Threads running the kernels when the last sample was taken. */
  threads?: number;
  /** WebAssembly memory bytes at each sample. */
  wasmMemory: number[];
}

/**
 * JS heap and WebAssembly memory over `steps` steps of `model` on the wasm backend (after forced
 * GC), at the threads set (by default, all cores; their pool started before the first sample).
 */
export async function wasmHeap(steps: number, model = 'nn2'): Promise<WasmHeapReply> {
  const t = tsgradTrainer(makeProblem(modelSpec(model)), 'wasm');
  // the first steps size the arena and start the pool's workers; 10 more once they run, so that
  // the arena is sized for the calls the threads split too
  t.run(10, 0);
  await threadsRunning(getNumThreads());
  t.run(10, 10);
  const wasmMemory: number[] = [];
  const h = heapOver(t, steps, () => wasmMemory.push(wasmMemoryBytes()));
  return { ...h, model, threads: getBackendInfo().threads, wasmMemory };
}

/** GEMM through the backend at the threads set ($TSGRAD_THREADS, or all cores), once its pool runs. */
async function threadedMatmul(shapes: MatmulShape[]): Promise<MatmulReply> {
  useBackend('wasm');
  warmUp(300);
  await threadsRunning(getNumThreads());
  const rows = benchWasmMatmul(shapes);
  return { rows, threads: getBackendInfo().threads };
}

function table(title: string, rows: MatmulRow[]): string {
  const head = `${title.padEnd(28)}${'ms/call'.padStart(10)}${'GFLOPS'.padStart(9)}${'best'.padStart(8)}`;
  return [
    head,
    ...rows.map((r) => r.name.padEnd(28) + (r.seconds * 1e3).toFixed(4).padStart(10) + r.gflops.toFixed(2).padStart(9) + r.bestGflops.toFixed(2).padStart(8)),
  ].join('\n');
}

if (require.main === module) {
  if (process.send) {
    // a worker of bench/run.ts
    process.on('message', (req: WasmRequest) => {
      const asked =
        req.type === 'matmul'
          ? threadedMatmul(matmulShapes(req.sizes).filter((s) => req.skinny || (s.m === s.n && s.n === s.k)))
          : wasmHeap(req.steps, req.model);
      asked.then(
        (value) => process.send!({ ok: true, value }),
        (e: unknown) => process.send!({ ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
      );
    });
    process.on('disconnect', () => process.exit(0));
  } else {
    const argv = process.argv.slice(2);
    const at = argv.indexOf('--sizes');
    const sizes = at >= 0 ? argv[at + 1].split(',').map(Number) : [128, 256, 512, 1024];
    const shapes = matmulShapes(sizes);
    for (const ctor of [Float32Array, Float64Array]) {
      const label = ctor === Float32Array ? 'float32' : 'float64';
      console.log(`\n${table(`${label} gemm via kernels()`, benchWasmMatmul(shapes, ctor))}`);
      console.log(`\n${table(`${label} gemm, kernel alone`, benchWasmKernelOnly(shapes, ctor))}`);
    }
    console.log(`\n${benchElementwise().join('\n')}`);
    if ((globalThis as { gc?: () => void }).gc) {
      void wasmHeap(2000).then((h) => {
        const mb = (b: number) => (b / 2 ** 20).toFixed(2);
        console.log(
          `\nNeuralNet2 on wasm (${h.threads} threads), 2000 steps: WebAssembly memory ${h.wasmMemory.map(mb).join(' -> ')} MB; heapUsed ${h.samples.map((s) => mb(s.heapUsed)).join(' -> ')} MB`,
        );
      });
    } else {
      console.log('\n(run with node --expose-gc --import tsx for the memory check)');
    }
  }
}
