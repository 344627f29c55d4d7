/**
 * A pool of kernel threads sharing one WebAssembly memory with the calling thread: `worker_threads`
 * in Node, Web Workers elsewhere (where SharedArrayBuffer exists, i.e. a cross-origin isolated
 * page). Each worker instantiates the threads build of the kernels on the shared memory, then waits
 * on its word of a control block in that memory; a call posts one job (a kernel and its integer
 * arguments) to some workers, runs part 0 itself and waits until every worker has signalled done.
 *
 * The core imports no Node module: Node's worker_threads and os come from
 * `process.getBuiltinModule` (Node 20.16+), workers start from an inline source (eval in Node, a
 * Blob URL in browsers), and nothing blocks on a worker starting: a worker takes part once it has
 * flagged itself ready in shared memory, and until then its share runs on the caller.
 */

/** Words of the control block, in 4-byte units from its start. */
const DONE = 0; // workers that finished the current job (Atomics.add, notify)
const KERNEL = 1; // index into KERNEL_NAMES
const NARGS = 2;
const PARTS = 3;
const ARGS = 8; // ARGS .. ARGS + MAX_ARGS - 1
const MAX_ARGS = 24;
const HEADER_BYTES = 256;
/** Per worker: its command word, readiness, part, scratch and error report. */
const SLOT_BYTES = 512;
const FLAG = 0; // 0 idle, 1 run the job, -1 quit
const READY = 1; // 0 starting, 1 ready, -1 failed to start
const PART = 2;
const SCRATCH = 3;
const STATUS = 4; // 0 ok, 1 the job threw
const MSG_LEN = 5;
const MSG_CHARS = 32 * 2; // byte offset of the message (UTF-16) in the slot
const MSG_MAX = (SLOT_BYTES - MSG_CHARS) / 2;

/** Workers a pool can hold (the control block is one 64 KiB page). */
export const MAX_WORKERS = (65536 - HEADER_BYTES) / SLOT_BYTES - 1;
/** Bytes of the control block. */
export const CONTROL_BYTES = 65536;

/** The kernels a job can name; each takes its arguments, then (scratch, part, parts). */
export const KERNEL_NAMES = [
  'gemmPartF32',
  'gemmPartF64',
  'linearForwardPartF32',
  'linearForwardPartF64',
  'linearBackwardPartF32',
  'linearBackwardPartF64',
] as const;
export type KernelName = (typeof KERNEL_NAMES)[number];

/**
 * How long a worker keeps polling for the next job before it sleeps in Atomics.wait (ms). A
 * training step posts jobs a few hundred microseconds apart; a sleeping worker takes tens of
 * microseconds to wake, a polling one well under one.
 */
const SPIN_MS = 0.3;

/**
 * The worker's whole program: self-contained (it imports nothing), as Node evaluates it from a
 * string and browsers load it from a Blob URL. Its data (module, memory, control block address,
 * slot, kernel names) comes as workerData in Node and as the first message in a browser.
 */
const WORKER_SOURCE = `'use strict';
const start = (init) => {
  const { module, memory, control, slot, names, spinMs } = init;
  const i32 = new Int32Array(memory.buffer);
  const u16 = new Uint16Array(memory.buffer);
  const base = (control >> 2), me = (control + ${HEADER_BYTES} + slot * ${SLOT_BYTES}) >> 2;
  let kernels;
  try {
    const ex = new WebAssembly.Instance(module, { env: { memory, exp: Math.exp, log: Math.log } }).exports;
    kernels = names.map((n) => ex[n]);
  } catch (e) {
    report(e);
    Atomics.store(i32, me + ${READY}, -1);
    return;
  }
  function report(e) {
    const text = (e instanceof Error ? e.name + ': ' + e.message : String(e)).slice(0, ${MSG_MAX});
    const at = (me << 1) + ${MSG_CHARS / 2};
    for (let i = 0; i < text.length; i++) u16[at + i] = text.charCodeAt(i);
    i32[me + ${MSG_LEN}] = text.length;
    i32[me + ${STATUS}] = 1;
  }
  Atomics.store(i32, me + ${READY}, 1);
  const args = [];
  for (;;) {
    let flag = Atomics.load(i32, me + ${FLAG});
    if (flag === 0) {
      const until = performance.now() + spinMs;
      while (flag === 0 && performance.now() < until) flag = Atomics.load(i32, me + ${FLAG});
      if (flag === 0) {
        Atomics.wait(i32, me + ${FLAG}, 0);
        continue;
      }
    }
    if (flag < 0) return;
    try {
      const n = i32[base + ${NARGS}];
      args.length = 0;
      for (let i = 0; i < n; i++) args.push(i32[base + ${ARGS} + i]);
      args.push(i32[me + ${SCRATCH}], i32[me + ${PART}], i32[base + ${PARTS}]);
      kernels[i32[base + ${KERNEL}]](...args);
    } catch (e) {
      report(e);
    }
    Atomics.store(i32, me + ${FLAG}, 0);
    Atomics.add(i32, base + ${DONE}, 1);
    Atomics.notify(i32, base + ${DONE});
  }
};
if (typeof process === 'object' && process && typeof process.getBuiltinModule === 'function') {
  start(process.getBuiltinModule('node:worker_threads').workerData);
} else {
  self.onmessage = (e) => { self.onmessage = null; start(e.data); };
}
`;

interface WorkerHandle {
  unref?(): void;
  terminate(): unknown;
}

interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: number;
  slot: number;
  names: readonly string[];
  spinMs: number;
}

/** Starts one worker running WORKER_SOURCE with `init`; null where this runtime cannot. */
type Spawner = (init: WorkerInit) => WorkerHandle;

interface NodeProcess {
  getBuiltinModule?(id: string): unknown;
}

function nodeProcess(): NodeProcess | null {
  const p = (globalThis as { process?: NodeProcess }).process;
  return p && typeof p.getBuiltinModule === 'function' ? p : null;
}

/** How workers start here, or why they cannot. */
function spawner(): Spawner | string {
  const proc = nodeProcess();
  if (proc) {
    const wt = proc.getBuiltinModule!('node:worker_threads') as
      { Worker: new (src: string, opts: { eval: boolean; workerData: unknown }) => WorkerHandle & { on(e: string, f: () => void): void } } | undefined;
    if (!wt?.Worker) return 'node:worker_threads is unavailable';
    return (init) => {
      const w = new wt.Worker(WORKER_SOURCE, { eval: true, workerData: init });
      w.on('error', () => {}); // a failure is reported in shared memory (READY -1); keep it from being uncaught
      w.unref?.();
      return w;
    };
  }
  const g = globalThis as {
    Worker?: new (url: string, opts?: { name?: string }) => WorkerHandle & { postMessage(m: unknown): void };
    Blob?: new (parts: string[], opts: { type: string }) => object;
    URL?: { createObjectURL?(b: object): string };
  };
  if (typeof g.Worker !== 'function' || typeof g.Blob !== 'function' || typeof g.URL?.createObjectURL !== 'function') {
    return 'this runtime cannot start workers';
  }
  let url: string | null = null;
  return (init) => {
    url ??= g.URL!.createObjectURL!(new g.Blob!([WORKER_SOURCE], { type: 'text/javascript' }));
    const w = new g.Worker!(url, { name: `tsgrad kernels ${init.slot + 1}` });
    w.postMessage(init);
    return w;
  };
}

/**
 * Why kernel threads cannot run here, or null when they can: they need SharedArrayBuffer (in a
 * browser, a cross-origin isolated page), a thread that may block (Atomics.wait: not a browser's
 * main thread), and a way to start workers.
 */
export function threadsUnavailableReason(): string | null {
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') {
    return 'SharedArrayBuffer is unavailable (in a browser the page must be cross-origin isolated: COOP/COEP headers)';
  }
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
  } catch {
    return 'this thread may not block (Atomics.wait), as a browser main thread; train in a Web Worker';
  }
  const s = spawner();
  return typeof s === 'string' ? s : null;
}

/** The machine's logical cores: os.availableParallelism() in Node, navigator.hardwareConcurrency in browsers, else 1. */
export function machineCores(): number {
  const proc = nodeProcess();
  if (proc) {
    const os = proc.getBuiltinModule!('node:os') as { availableParallelism?(): number; cpus?(): unknown[] } | undefined;
    const n = os?.availableParallelism?.() ?? os?.cpus?.().length;
    if (typeof n === 'number' && n >= 1) return Math.floor(n);
  }
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  const h = nav?.hardwareConcurrency;
  return typeof h === 'number' && h >= 1 ? Math.floor(h) : 1;
}

/** A pool of kernel workers on `memory` (shared), with its control block at byte `control`. */
export class Pool {
  private readonly module: WebAssembly.Module;
  private readonly memory: WebAssembly.Memory;
  private readonly control: number;
  private readonly spawn: Spawner;
  private readonly i32: Int32Array;
  private readonly u16: Uint16Array;
  private readonly workers: WorkerHandle[] = [];
  /** Slots of the workers that are ready, in order; refreshed until all started ones are. */
  private ready: number[] = [];
  private failed = 0;

  constructor(module: WebAssembly.Module, memory: WebAssembly.Memory, control: number) {
    const s = spawner();
    if (typeof s === 'string') throw new Error(`kernel threads: ${s}`);
    this.spawn = s;
    this.module = module;
    this.memory = memory;
    this.control = control;
    this.i32 = new Int32Array(memory.buffer);
    this.u16 = new Uint16Array(memory.buffer);
  }

  /** Starts workers until there are `count` (at most MAX_WORKERS); never waits for them. */
  ensureWorkers(count: number): void {
    const want = Math.min(count, MAX_WORKERS);
    while (this.workers.length < want) {
      const slot = this.workers.length;
      const at = this.slotWord(slot);
      this.i32.fill(0, at, at + SLOT_BYTES / 4);
      this.workers.push(this.spawn({ module: this.module, memory: this.memory, control: this.control, slot, names: KERNEL_NAMES, spinMs: SPIN_MS }));
    }
  }

  /** Workers that have started and can take a job now. */
  readyWorkers(): number {
    if (this.ready.length + this.failed < this.workers.length) {
      const ready: number[] = [];
      let failed = 0;
      for (let w = 0; w < this.workers.length; w++) {
        const r = Atomics.load(this.i32, this.slotWord(w) + READY);
        if (r === 1) ready.push(w);
        else if (r < 0) failed++;
      }
      this.ready = ready;
      this.failed = failed;
    }
    return this.ready.length;
  }

  private slotWord(slot: number): number {
    return (this.control + HEADER_BYTES + slot * SLOT_BYTES) >> 2;
  }

  /**
   * Runs `kernel(...args, scratch(p), p, parts)` for p = 0 .. parts-1: part 0 on this thread through
   * `own`, the others on ready workers (parts - 1 <= readyWorkers()), and returns once all are done.
   * A worker's error is thrown here as an Error, after every part has finished.
   */
  run(kernel: KernelName, args: readonly number[], parts: number, scratchBase: number, scratchStride: number, own: () => void): void {
    if (args.length > MAX_ARGS) throw new Error(`kernel threads: ${args.length} arguments, at most ${MAX_ARGS}`);
    const i32 = this.i32;
    const base = this.control >> 2;
    i32[base + KERNEL] = KERNEL_NAMES.indexOf(kernel);
    i32[base + NARGS] = args.length;
    i32[base + PARTS] = parts;
    for (let i = 0; i < args.length; i++) i32[base + ARGS + i] = args[i];
    Atomics.store(i32, base + DONE, 0);
    const posted = parts - 1;
    for (let p = 1; p <= posted; p++) {
      const at = this.slotWord(this.ready[p - 1]);
      i32[at + PART] = p;
      i32[at + SCRATCH] = scratchBase + p * scratchStride;
      i32[at + STATUS] = 0;
      Atomics.store(i32, at + FLAG, 1);
      Atomics.notify(i32, at + FLAG, 1);
    }
    try {
      own();
    } finally {
      // NOTE: wait even when part 0 threw: the workers are still writing into the arena
      for (let done = Atomics.load(i32, base + DONE), spins = 0; done < posted; done = Atomics.load(i32, base + DONE)) {
        if (++spins > 2000) Atomics.wait(i32, base + DONE, done, 50);
      }
    }
    for (let p = 1; p <= posted; p++) {
      const at = this.slotWord(this.ready[p - 1]);
      if (i32[at + STATUS] !== 0) {
        const len = i32[at + MSG_LEN];
        const from = (at << 1) + MSG_CHARS / 2;
        throw new Error(`a kernel thread failed in ${kernel}: ${String.fromCharCode(...this.u16.subarray(from, from + len))}`);
      }
    }
  }
}
