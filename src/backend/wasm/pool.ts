/**
 * A pool of kernel threads sharing one WebAssembly memory with the calling thread: `worker_threads`
 * in Node, Web Workers elsewhere (where SharedArrayBuffer exists, i.e. a cross-origin isolated
 * page). Each worker instantiates the threads build of the kernels on the shared memory, then waits
 * on its word of a control block in that memory.
 *
 * A call posts one job: a kernel, its integer arguments, and a number of chunks (bands of the
 * output, see `band` in assembly/gemm.ts). The caller and the woken workers claim chunks one at a
 * time until none is left, and the caller returns once every chunk is done; so a worker that is
 * slow to wake (or descheduled by a busy machine) costs at most the chunk it holds, never a fixed
 * share of the work.
 *
 * The core imports no Node module: Node's worker_threads and os come from
 * `process.getBuiltinModule` (Node 20.16+), workers start from an inline source (eval in Node, a
 * Blob URL in browsers), and nothing blocks on a worker starting: a worker takes part once it has
 * flagged itself ready in shared memory, and until then the caller does its chunks.
 */

/** Words of the control block, in 4-byte units from its start. */
const NEXT = 0; // job sequence number (high 16 bits) and next unclaimed chunk (low 16 bits)
const COMPLETED = 1; // chunks of the current job done (Atomics.add, notify)
const KERNEL = 2; // index into KERNEL_NAMES
const NARGS = 3;
const CHUNKS = 4;
const FAILED = 5; // 1 + the slot of a worker whose chunk threw, 0 if none
const ARGS = 8; // ARGS .. ARGS + MAX_ARGS - 1
const MAX_ARGS = 24;
const HEADER_BYTES = 256;
/** Per worker: its command word, readiness, scratch and error report. */
const SLOT_BYTES = 512;
const FLAG = 0; // 0 idle, 1 there is a job
const READY = 1; // 0 starting, 1 ready, -1 failed to start, 2 retired (idle too long)
const SCRATCH = 2; // its scratch in the current job, -1 if it takes no part
const MSG_LEN = 3;
const MSG_CHARS = 32 * 2; // byte offset of the message (UTF-16) in the slot
const MSG_MAX = (SLOT_BYTES - MSG_CHARS) / 2;

/** Workers a pool can hold (the control block is one 64 KiB page). */
export const MAX_WORKERS = (65536 - HEADER_BYTES) / SLOT_BYTES - 1;
/** Bytes of the control block. */
export const CONTROL_BYTES = 65536;
/** Chunks a job may have (the low 16 bits of NEXT). */
export const MAX_CHUNKS = 65534;
/** NEXT's chunk field while a job is being written: no job has this many chunks, so none is claimed. */
const CLOSED = 0xffff;

/** The kernels a job can name; each takes its arguments, then (scratch, part, parts). */
export const KERNEL_NAMES = [
  'gemmPartF32',
  'gemmPartF64',
  'linearForwardPartF32',
  'linearForwardPartF64',
  'linearBackwardPartF32',
  'linearBackwardPartF64',
  'convForwardPartF32',
  'convForwardPartF64',
  'winogradForwardPartF32',
  'winogradWeightGradPartF32',
  'convBackwardPartF32',
  'convBackwardPartF64',
  'sgdUpdatePartF32',
  'sgdUpdatePartF64',
  'adadeltaUpdatePartF32',
  'adadeltaUpdatePartF64',
] as const;
export type KernelName = (typeof KERNEL_NAMES)[number];

/**
 * How long a worker keeps polling for the next job before it sleeps in Atomics.wait (ms). A
 * training step posts jobs a few hundred microseconds apart; a sleeping worker takes tens of
 * microseconds to wake, a polling one well under one.
 */
const SPIN_MS = 0.3;
/**
 * A worker idle this long (ms) ends itself, and the pool starts a new one at the next call that
 * wants it (meanwhile the caller does its chunks): idle threads cost memory (a Node worker ~10 MB),
 * and a program that loads the library afresh many times (a test runner) would otherwise pile them up.
 */
const IDLE_MS = 5000;

/**
 * The worker's whole program: self-contained (it imports nothing), as Node evaluates it from a
 * string and browsers load it from a Blob URL. Its data (module, memory, control block address,
 * slot, kernel names) comes as workerData in Node and as the first message in a browser.
 *
 * NOTE: a chunk is claimed by a compare-exchange on NEXT, after reading the job: the exchange
 * succeeds only if NEXT still holds the value read, that job's sequence number with that chunk
 * unclaimed. A job cannot end while one of its chunks is unclaimed, and the caller closes NEXT
 * (chunk field CLOSED) before it writes the next job, so a worker that read an ended job's NEXT
 * and then some of the next job's description cannot claim: without the close, a worker just out
 * of its last chunk could read the old NEXT, the new chunk count, and claim a chunk of the next job
 * before it was published, which then ran twice (seen: C += A·B adding twice at 3 threads).
 * A worker waking late for a job that has ended finds its chunks gone and sleeps again.
 */
const WORKER_SOURCE = `'use strict';
const start = (init) => {
  const { module, memory, control, slot, names, spinMs, idleMs } = init;
  const i32 = new Int32Array(memory.buffer);
  const u16 = new Uint16Array(memory.buffer);
  const base = control >> 2, me = (control + ${HEADER_BYTES} + slot * ${SLOT_BYTES}) >> 2;
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
  }
  const args = [];
  function work() {
    for (;;) {
      const v = Atomics.load(i32, base + ${NEXT});
      const chunk = v & 0xffff, chunks = i32[base + ${CHUNKS}], scratch = i32[me + ${SCRATCH}];
      if (chunk >= chunks || scratch === -1) return;
      const kernel = kernels[i32[base + ${KERNEL}]], n = i32[base + ${NARGS}];
      args.length = 0;
      for (let i = 0; i < n; i++) args.push(i32[base + ${ARGS} + i]);
      if (Atomics.compareExchange(i32, base + ${NEXT}, v, v + 1) !== v) continue;
      args.push(scratch, chunk, chunks);
      try {
        kernel(...args);
      } catch (e) {
        report(e);
        Atomics.store(i32, base + ${FAILED}, slot + 1);
      }
      Atomics.add(i32, base + ${COMPLETED}, 1);
      Atomics.notify(i32, base + ${COMPLETED});
    }
  }
  Atomics.store(i32, me + ${READY}, 1);
  for (;;) {
    let flag = Atomics.load(i32, me + ${FLAG});
    if (flag === 0) {
      const until = performance.now() + spinMs;
      while (flag === 0 && performance.now() < until) flag = Atomics.load(i32, me + ${FLAG});
      if (flag === 0) {
        // retire when idle: a job posted meanwhile is done by the caller, which claims every chunk left
        if (Atomics.wait(i32, me + ${FLAG}, 0, idleMs) === 'timed-out' && Atomics.compareExchange(i32, me + ${READY}, 1, 2) === 1) return;
        continue;
      }
    }
    Atomics.store(i32, me + ${FLAG}, 0);
    work();
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
  idleMs: number;
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
  /** Slots of the workers that are ready, in order, as of the last readyWorkers(). */
  private readonly ready: number[] = [];
  /** Workers wanted (retired ones are started again up to this many). */
  private wanted = 0;
  private readonly own: ((...a: number[]) => void)[];
  /** The sequence number of the last job (16 bits). */
  private seq = 0;

  /** `own`: this thread's instance of the threads build (on `memory`), whose exports run its chunks. */
  constructor(module: WebAssembly.Module, memory: WebAssembly.Memory, control: number, own: WebAssembly.Exports) {
    const s = spawner();
    if (typeof s === 'string') throw new Error(`kernel threads: ${s}`);
    this.spawn = s;
    this.module = module;
    this.memory = memory;
    this.control = control;
    this.i32 = new Int32Array(memory.buffer);
    this.u16 = new Uint16Array(memory.buffer);
    this.own = KERNEL_NAMES.map((n) => own[n] as (...a: number[]) => void);
  }

  /** Starts workers until there are `count` (at most MAX_WORKERS); never waits for them. */
  ensureWorkers(count: number): void {
    this.wanted = Math.min(count, MAX_WORKERS);
    while (this.workers.length < this.wanted) this.start(this.workers.length);
  }

  private start(slot: number): void {
    const at = this.slotWord(slot);
    this.i32.fill(0, at, at + SLOT_BYTES / 4);
    this.i32[at + SCRATCH] = -1;
    const init = { module: this.module, memory: this.memory, control: this.control, slot, names: KERNEL_NAMES, spinMs: SPIN_MS, idleMs: IDLE_MS };
    this.workers[slot] = this.spawn(init);
  }

  /** Workers that have started and can take a job now; starts again the wanted ones that retired. */
  readyWorkers(): number {
    this.ready.length = 0;
    for (let w = 0; w < this.workers.length; w++) {
      const r = Atomics.load(this.i32, this.slotWord(w) + READY);
      if (r === 1) this.ready.push(w);
      else if (r === 2 && w < this.wanted) this.start(w);
    }
    return this.ready.length;
  }

  private slotWord(slot: number): number {
    return (this.control + HEADER_BYTES + slot * SLOT_BYTES) >> 2;
  }

  /**
   * Runs `kernel(...args, scratch, chunk, chunks)` for chunk = 0 .. chunks-1 on this thread and
   * `threads - 1` ready workers (threads - 1 <= readyWorkers()); thread t uses the scratch at
   * `scratchBase + t * scratchStride`. Returns once every chunk is done; an error in any chunk is
   * thrown here as an Error, after all have finished.
   */
  run(kernel: KernelName, args: readonly number[], threads: number, chunks: number, scratchBase: number, scratchStride: number): void {
    if (args.length > MAX_ARGS) throw new Error(`kernel threads: ${args.length} arguments, at most ${MAX_ARGS}`);
    if (chunks > MAX_CHUNKS) throw new Error(`kernel threads: ${chunks} chunks, at most ${MAX_CHUNKS}`);
    const i32 = this.i32;
    const base = this.control >> 2;
    // close the last job before rewriting its description (see the NOTE on WORKER_SOURCE)
    Atomics.store(i32, base + NEXT, (this.seq << 16) | CLOSED);
    i32[base + KERNEL] = KERNEL_NAMES.indexOf(kernel);
    i32[base + NARGS] = args.length;
    i32[base + CHUNKS] = chunks;
    i32[base + FAILED] = 0;
    for (let i = 0; i < args.length; i++) i32[base + ARGS + i] = args[i];
    // every worker's scratch for this job (-1: not in it), before the job is published
    for (let w = 0, t = 1; w < this.workers.length; w++) {
      const inJob = t < threads && this.ready.includes(w);
      i32[this.slotWord(w) + SCRATCH] = inJob ? scratchBase + t++ * scratchStride : -1;
    }
    Atomics.store(i32, base + COMPLETED, 0);
    this.seq = (this.seq + 1) & 0xffff;
    Atomics.store(i32, base + NEXT, this.seq << 16);
    for (let t = 1; t < threads; t++) {
      const at = this.slotWord(this.ready[t - 1]);
      Atomics.store(i32, at + FLAG, 1);
      Atomics.notify(i32, at + FLAG, 1);
    }
    const f = this.own[KERNEL_NAMES.indexOf(kernel)];
    let error: unknown = null;
    for (;;) {
      const v = Atomics.load(i32, base + NEXT);
      const chunk = v & 0xffff;
      if (chunk >= chunks) break;
      if (Atomics.compareExchange(i32, base + NEXT, v, v + 1) !== v) continue;
      try {
        f(...args, scratchBase, chunk, chunks);
      } catch (e) {
        error ??= e;
      }
      Atomics.add(i32, base + COMPLETED, 1);
    }
    // NOTE: wait even when a chunk here threw: the workers are still writing into the arena
    for (let done = Atomics.load(i32, base + COMPLETED), spins = 0; done < chunks; done = Atomics.load(i32, base + COMPLETED)) {
      if (++spins > 2000) Atomics.wait(i32, base + COMPLETED, done, 50);
    }
    if (error !== null) throw error instanceof Error ? error : new Error(String(error));
    const failed = i32[base + FAILED];
    if (failed > 0) {
      const at = this.slotWord(failed - 1);
      const from = (at << 1) + MSG_CHARS / 2;
      throw new Error(`a kernel thread failed in ${kernel}: ${String.fromCharCode(...this.u16.subarray(from, from + i32[at + MSG_LEN]))}`);
    }
  }
}
