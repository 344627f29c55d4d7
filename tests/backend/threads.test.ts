/**
 * Kernel threads: GEMM and the fused linear kernels split across a pool of workers on one shared
 * WebAssembly memory give, at 2 and 3 threads, exactly the bits of one thread (float32 and
 * float64), and agree with the TypeScript reference to rounding; setNumThreads / getNumThreads;
 * a worker's error reaches the caller; a process that used threads exits promptly; the memory stays
 * flat over many calls.
 *
 * Every call is split here, however small (setMinWorkPerThread(1)), so the edge sizes exercise
 * the bands: m, n, k of 1, a register tile (4 rows; 8 float32 or 4 float64 columns) and one either
 * side of it, odd sizes, and sizes past the cache blocks (128 rows, 512 columns, 256 steps of k).
 */
import { spawn } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import * as torch from '../../src/index';
import { getBackendInfo, getNumThreads, jsBackend, kernels, setNumThreads, type KernelBackend } from '../../src/backend/registry';
import {
  createThreadedWasmBackend,
  createWasmBackend,
  decodeBase64,
  relaxedSimdSupported,
  setMinWorkPerThread,
  threadsBackendUnavailableReason,
  wasmMemoryBytes,
} from '../../src/backend/wasm/backend';
import { KERNELS_THREADS_WASM_BASE64 } from '../../src/backend/wasm/kernels.wasm';
import { CONTROL_BYTES, Pool, threadsUnavailableReason } from '../../src/backend/wasm/pool';
import { Generator } from '../../src/random';
import { untilRunning } from './kernel-threads';

const root = path.join(__dirname, '..', '..');
const single = createWasmBackend();
const reason = single ? threadsUnavailableReason() : 'no WebAssembly SIMD';
if (reason) console.warn(`SKIPPING the kernel thread tests: ${reason}`);
const describe = reason ? global.describe.skip : global.describe;
const test = reason ? global.test.skip : global.test;

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;
type FloatArray = Float32Array | Float64Array;
const DTYPES: [string, Ctor][] = [
  ['float32', Float32Array],
  ['float64', Float64Array],
];
const COMBOS: [boolean, boolean][] = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
];
const U32 = 2 ** -24;
/**
 * The build every thread runs: relaxed SIMD where this runtime validates it, else SIMD128. A run
 * under `node --experimental-wasm-relaxed-simd` (tests/backend/relaxed-simd.test.ts) names the one
 * it expects in TSGRAD_EXPECT_SIMD.
 */
const SIMD = relaxedSimdSupported() ? 'relaxed-simd' : 'simd128';

/** Where `got` and `want` differ in their bits (NaN payloads and -0 included): the first index, or -1. */
function firstDifference(got: FloatArray, want: FloatArray): number {
  if (got.length !== want.length) return 0;
  const g = new Uint8Array(got.buffer, got.byteOffset, got.byteLength),
    w = new Uint8Array(want.buffer, want.byteOffset, want.byteLength);
  for (let i = 0; i < g.length; i++) if (g[i] !== w[i]) return Math.floor(i / got.BYTES_PER_ELEMENT);
  return -1;
}

function expectSameBits(where: string, got: FloatArray, want: FloatArray): void {
  const at = firstDifference(got, want);
  expect({ where, at, got: got[at], want: want[at] }).toEqual({ where, at: -1, got: undefined, want: undefined });
}
const gen = new Generator(11);
function random(ctor: Ctor, n: number): FloatArray {
  const a = new ctor(n);
  gen.fillUniform(a, -1, 1);
  return a;
}

let pooled: KernelBackend;
/** The threads backend at `threads` threads. */
function at(threads: number): KernelBackend {
  return createThreadedWasmBackend(threads)!;
}

beforeAll(async () => {
  if (reason) return;
  pooled = createThreadedWasmBackend(3)!;
  expect(threadsBackendUnavailableReason()).toBeNull();
  await untilRunning(pooled, 3);
  setMinWorkPerThread(1);
}, 60_000);
afterAll(() => {
  setMinWorkPerThread(1 << 17);
  setNumThreads(os.availableParallelism());
  torch.setBackend('auto');
});

/** |got - want| <= the float32 dot-product bound (float64: 1e-12 relative) element by element, against the TS kernels. */
function expectNearReference(where: string, ctor: Ctor, got: FloatArray, want: FloatArray, bound: FloatArray, k: number): void {
  let worst = 0;
  for (let i = 0; i < got.length; i++) {
    const allowed = ctor === Float64Array ? 1e-12 * bound[i] : 2 * (k + 1) * U32 * bound[i];
    const excess = Math.abs(got[i] - want[i]) - allowed;
    if (excess > worst || Number.isNaN(excess)) worst = Number.isNaN(excess) ? Infinity : excess;
  }
  expect({ where, worst }).toEqual({ where, worst: 0 });
}

/** One gemm at 1, 2 and 3 threads: the same bits as the one-thread backend, and near the TS kernel. */
function checkGemm(ctor: Ctor, transA: boolean, transB: boolean, m: number, n: number, k: number, accumulate: boolean): void {
  const a = random(ctor, m * k),
    b = random(ctor, k * n),
    c0 = random(ctor, m * n + 2);
  const where = `${ctor.name} ${transA ? 'T' : 'N'}${transB ? 'T' : 'N'} m=${m} n=${n} k=${k} accumulate=${accumulate}`;
  const one = c0.slice();
  single!.gemm(transA, transB, m, n, k, a, 0, b, 0, one, 1, accumulate);
  for (const threads of [1, 2, 3]) {
    const c = c0.slice();
    at(threads).gemm(transA, transB, m, n, k, a, 0, b, 0, c, 1, accumulate);
    expectSameBits(`${where} at ${threads} threads`, c, one);
  }
  const ref = c0.slice();
  jsBackend.gemm(transA, transB, m, n, k, a, 0, b, 0, ref, 1, accumulate);
  const bound = new ctor(m * n + 2);
  jsBackend.gemm(transA, transB, m, n, k, a.map(Math.abs), 0, b.map(Math.abs), 0, bound, 1, false);
  if (accumulate) for (let i = 1; i <= m * n; i++) bound[i] += Math.abs(c0[i]);
  expectNearReference(where, ctor, one.subarray(1, 1 + m * n), ref.subarray(1, 1 + m * n), bound.subarray(1, 1 + m * n), k);
}

describe('gemm split across threads: bit-identical to one thread at 2 and 3 threads', () => {
  const SIDES = [1, 3, 4, 5, 7, 8, 9, 17, 33];
  const STEPS = [1, 4, 9, 257];
  for (const [name, ctor] of DTYPES) {
    for (const [transA, transB] of COMBOS) {
      test(`${name} ${transA ? 'T' : 'N'}${transB ? 'T' : 'N'}: m, n in {1, 3, 4, 5, 7, 8, 9, 17, 33}, k in {1, 4, 9, 257}, accumulate on and off`, () => {
        for (const m of SIDES) for (const n of SIDES) for (const k of STEPS) for (const acc of [false, true]) checkGemm(ctor, transA, transB, m, n, k, acc);
      });
    }
    test(`${name}: sizes past the cache blocks (m > 128, n > 512, k > 256) and the seed nets' shapes`, () => {
      const shapes: [number, number, number][] = [
        [130, 520, 70],
        [261, 67, 300],
        [64, 1030, 257],
        [128, 512, 784],
        [64, 128, 784],
        [128, 784, 64],
        [32, 5, 784],
        [5, 784, 32],
        [15, 700, 40],
        [700, 15, 40],
      ];
      for (const [m, n, k] of shapes) for (const [transA, transB] of COMBOS) checkGemm(ctor, transA, transB, m, n, k, (m + n) % 2 === 0);
    });
    test(`${name}: empty shapes (m, n or k = 0) follow the contract`, () => {
      for (const [m, n, k] of [
        [0, 3, 4],
        [3, 0, 4],
        [3, 40, 0],
      ])
        for (const acc of [false, true]) checkGemm(ctor, false, false, m, n, k, acc);
    });
  }
});

/** The linear kernels at 1, 2 and 3 threads against the one-thread backend (bits) and the TS kernels (rounding). */
function checkLinear(ctor: Ctor, rows: number, inF: number, outF: number, withBias: boolean): void {
  const where = `${ctor.name} rows=${rows} inF=${inF} outF=${outF} bias=${withBias}`;
  const x = random(ctor, rows * inF),
    w = random(ctor, outF * inF),
    bias = withBias ? random(ctor, outF) : null,
    g = random(ctor, rows * outF);
  const run = (k: KernelBackend) => {
    const y = new ctor(rows * outF),
      dx = new ctor(rows * inF),
      dw = new ctor(outF * inF),
      db = new ctor(outF);
    k.linearForward(x, w, bias, rows, inF, outF, y);
    k.linearBackward(g, x, w, rows, inF, outF, dx, dw, withBias ? db : null);
    // only some of the gradients
    const dwOnly = new ctor(outF * inF);
    k.linearBackward(g, x, w, rows, inF, outF, null, dwOnly, null);
    return { y, dx, dw, db, dwOnly };
  };
  const one = run(single!);
  for (const threads of [1, 2, 3]) {
    const got = run(at(threads));
    for (const key of ['y', 'dx', 'dw', 'db', 'dwOnly'] as const) expectSameBits(`${where} ${key} at ${threads} threads`, got[key], one[key]);
  }
  const ref = run(jsBackend);
  const abs = (a: FloatArray) => a.map(Math.abs);
  const refAbs = (() => {
    const y = new ctor(rows * outF),
      dx = new ctor(rows * inF),
      dw = new ctor(outF * inF);
    jsBackend.linearForward(abs(x), abs(w), bias && abs(bias), rows, inF, outF, y);
    jsBackend.linearBackward(abs(g), abs(x), abs(w), rows, inF, outF, dx, dw, null);
    return { y, dx, dw };
  })();
  expectNearReference(`${where} y`, ctor, one.y, ref.y, refAbs.y, inF + 1);
  expectNearReference(`${where} dx`, ctor, one.dx, ref.dx, refAbs.dx, outF);
  expectNearReference(`${where} dw`, ctor, one.dw, ref.dw, refAbs.dw, rows);
  expect({ where, db: one.db }).toEqual({ where, db: ref.db }); // column sums: the same float64 arithmetic
}

describe('the linear kernels split across threads: bit-identical to one thread', () => {
  for (const [name, ctor] of DTYPES) {
    test(`${name}: forward and backward, with and without bias, edge and seed-net sizes`, () => {
      const shapes: [number, number, number][] = [
        [1, 1, 1],
        [3, 5, 7],
        [4, 8, 8],
        [5, 9, 9],
        [17, 33, 3],
        [32, 784, 5],
        [64, 784, 128],
        [64, 128, 10],
        [130, 300, 520],
      ];
      for (const [rows, inF, outF] of shapes) for (const withBias of [true, false]) checkLinear(ctor, rows, inF, outF, withBias);
    });
  }
});

describe('training and convolution through the public API', () => {
  /** Losses of 5 SGD steps of a small MLP (and a conv net) at `threads` threads, all values float32. */
  function trajectory(threads: number): number[] {
    torch.manualSeed(3);
    setNumThreads(threads);
    const net = new torch.nn.Sequential(new torch.nn.Linear(60, 70), new torch.nn.ReLU(), new torch.nn.Linear(70, 9));
    const conv = new torch.nn.Conv2d(3, 8, 3);
    const opt = new torch.optim.SGD([...net.parameters(), ...conv.parameters()], { lr: 0.1 });
    const x = torch.randn([40, 60]);
    const img = torch.randn([4, 3, 12, 12]);
    const y = torch.randint(0, 9, [40]);
    const losses: number[] = [];
    for (let s = 0; s < 5; s++) {
      opt.zeroGrad();
      const loss = torch.nn.functional.crossEntropy(net.forward(x), y).add(conv.forward(img).square().mean());
      loss.backward();
      opt.step();
      losses.push(loss.item());
    }
    return [...losses, ...(net.parameters()[0].data as Float32Array).slice(0, 50), ...(conv.parameters()[0].data as Float32Array).slice(0, 50)];
  }

  test('an MLP and a Conv2d train to the same bits at 1, 2 and 3 threads', () => {
    const one = trajectory(1);
    expect(kernels()).toBe(single);
    for (const threads of [2, 3]) {
      const got = trajectory(threads);
      expect(kernels()).toBe(pooled);
      expectSameBits(`${threads} threads`, Float64Array.from(got), Float64Array.from(one));
    }
  });
});

describe('setNumThreads and getNumThreads', () => {
  test('every thread runs the build this runtime supports best (TSGRAD_EXPECT_SIMD names it, when set)', () => {
    if (process.env.TSGRAD_EXPECT_SIMD) expect(SIMD).toBe(process.env.TSGRAD_EXPECT_SIMD);
    for (const threads of [1, 3]) {
      setNumThreads(threads);
      expect(getBackendInfo().simd).toBe(SIMD);
    }
  });

  test("the default is the machine's cores (os.availableParallelism())", async () => {
    // a fresh copy of the registry, where nothing has set it
    await jest.isolateModulesAsync(async () => {
      const fresh = await import('../../src/backend/registry');
      expect(fresh.getNumThreads()).toBe(os.availableParallelism());
    });
  });

  test('set and get; 1 is the one-thread backend on the SIMD128 build, more is the pool', () => {
    setNumThreads(1);
    expect(getNumThreads()).toBe(1);
    expect(kernels()).toBe(single);
    expect(getBackendInfo()).toEqual({ name: 'wasm', simd: SIMD, threads: 1 });
    expect(torch.getBackend()).toBe('wasm');
    setNumThreads(3);
    expect(getNumThreads()).toBe(3);
    expect(kernels()).toBe(pooled);
    expect(getBackendInfo()).toEqual({ name: 'wasm', simd: SIMD, threads: 3 });
    setNumThreads(2);
    expect(getBackendInfo().threads).toBe(2);
    torch.setBackend('js');
    expect(getBackendInfo()).toEqual({ name: 'js', simd: 'none', threads: 1 });
    torch.setBackend('auto');
  });

  test('a thread count that is not a positive integer is a clear error', () => {
    for (const [bad, got] of [
      [0, '0'],
      [-2, '-2'],
      [1.5, '1.5'],
      [NaN, 'NaN'],
      [Infinity, 'Infinity'],
      ['2', 'string 2'],
      [undefined, 'undefined undefined'],
    ] as [unknown, string][]) {
      expect(() => setNumThreads(bad as number)).toThrow(`setNumThreads: threads must be a positive integer, got ${got}`);
    }
    expect(getNumThreads()).toBe(2); // unchanged by the failed calls
  });
});

describe('the pool', () => {
  test("a worker's error reaches the caller as an Error, and the pool keeps working", async () => {
    const module = new WebAssembly.Module(decodeBase64(KERNELS_THREADS_WASM_BASE64));
    const memory = new WebAssembly.Memory({ initial: 80, maximum: 128, shared: true });
    const own = new WebAssembly.Instance(module, { env: { memory, exp: Math.exp, log: Math.log } }).exports;
    const pool = new Pool(module, memory, 0, own);
    pool.ensureWorkers(1);
    for (let waited = 0; pool.readyWorkers() < 1; waited += 10) {
      if (waited > 30_000) throw new Error('the worker did not start');
      await new Promise((r) => setTimeout(r, 10));
    }
    // C = A B, 512×512 float32 ones, in 2 chunks over 2 threads; the worker's scratch lies past the
    // memory, so the chunk it claims traps (when it wakes only after this thread took both chunks,
    // there is no error: try again)
    const n = 512,
      bytes = n * n * 4;
    const a = CONTROL_BYTES,
      b = a + bytes,
      c = b + bytes,
      scratch = c + bytes;
    new Float32Array(memory.buffer).fill(1, a / 4, c / 4);
    const args = [0, 0, n, n, n, a, b, c, 0];
    let message = '';
    for (let attempt = 0; attempt < 20 && !message; attempt++) {
      try {
        pool.run('gemmPartF32', args, 2, 2, scratch, 2 ** 31 - scratch);
      } catch (e) {
        expect(e).toBeInstanceOf(Error);
        message = (e as Error).message;
      }
    }
    expect(message).toBe('a kernel thread failed in gemmPartF32: RuntimeError: memory access out of bounds');
    // an error in this thread's chunk is thrown (after the other chunks have finished)
    expect(() => pool.run('gemmPartF32', args, 1, 1, 2 ** 31, 0)).toThrow(/memory access out of bounds/);
    // the worker is still there: the product, in 8 chunks over 2 threads
    new Float32Array(memory.buffer).fill(0, c / 4, scratch / 4);
    const stride = (own.gemmScratchBytes as (n: number, k: number, es: number) => number)(n, n, 4);
    pool.run('gemmPartF32', args, 2, 8, scratch, stride);
    expect(new Float32Array(memory.buffer, c, n * n).every((v) => v === n)).toBe(true);
  }, 60_000);

  test('a worker idle for 5 s ends itself, and the pool starts a new one when a call wants it', async () => {
    const module = new WebAssembly.Module(decodeBase64(KERNELS_THREADS_WASM_BASE64));
    const memory = new WebAssembly.Memory({ initial: 4, maximum: 16, shared: true });
    const own = new WebAssembly.Instance(module, { env: { memory, exp: Math.exp, log: Math.log } }).exports;
    const pool = new Pool(module, memory, 0, own);
    pool.ensureWorkers(1);
    const until = async (ready: number, what: string) => {
      for (let waited = 0; pool.readyWorkers() !== ready; waited += 20) {
        if (waited > 30_000) throw new Error(`waited 30 s for ${what}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await until(1, 'the worker to start');
    const started = Date.now();
    await until(0, 'the worker to retire'); // this call saw it retired and started another
    expect(Date.now() - started).toBeGreaterThanOrEqual(4000);
    await until(1, 'the new worker to start');
    // 8×8×8 ones, in 4 chunks over 2 threads
    const [a, b, c, scratch] = [CONTROL_BYTES, CONTROL_BYTES + 4096, CONTROL_BYTES + 2048, CONTROL_BYTES + 8192];
    new Float32Array(memory.buffer).fill(1, a / 4, a / 4 + 64).fill(1, b / 4, b / 4 + 64);
    const stride = (own.gemmScratchBytes as (n: number, k: number, es: number) => number)(8, 8, 4);
    pool.run('gemmPartF32', [0, 0, 8, 8, 8, a, b, c, 0], 2, 4, scratch, stride);
    expect(Array.from(new Float32Array(memory.buffer, c, 64))).toEqual(new Array(64).fill(8));
  }, 60_000);

  test('back-to-back jobs with different chunk counts never mix: each product is whole when run returns', async () => {
    const module = new WebAssembly.Module(decodeBase64(KERNELS_THREADS_WASM_BASE64));
    const memory = new WebAssembly.Memory({ initial: 8, maximum: 16, shared: true });
    const own = new WebAssembly.Instance(module, { env: { memory, exp: Math.exp, log: Math.log } }).exports;
    const pool = new Pool(module, memory, 0, own);
    pool.ensureWorkers(2);
    for (let waited = 0; pool.readyWorkers() < 2; waited += 10) {
      if (waited > 30_000) throw new Error('the workers did not start');
      await new Promise((r) => setTimeout(r, 10));
    }
    // C += A B of ones (so every element of C = 1 ends k + 1), in 1 to 4 chunks over 2 and 3
    // threads, the count changing every call: a worker still in the last job must not claim a chunk
    // of the next while it is being written (that chunk would run twice, adding twice)
    const [a, c, scratch] = [CONTROL_BYTES, CONTROL_BYTES + 16384, CONTROL_BYTES + 32768];
    const f32 = new Float32Array(memory.buffer);
    f32.fill(1, a / 4, a / 4 + 4096);
    const gemmScratch = own.gemmScratchBytes as (n: number, k: number, es: number) => number;
    let bad = '';
    for (let i = 0; i < 30_000 && !bad; i++) {
      const m = 8 + (i % 3),
        n = 9 + ((i * 7) % 33),
        k = 1 + (i % 4),
        chunks = 1 + (i % 4),
        threads = 2 + (i % 2);
      f32.fill(1, c / 4, c / 4 + m * n);
      pool.run('gemmPartF32', [0, 0, m, n, k, a, a, c, 1], threads, chunks, scratch, (gemmScratch(n, k, 4) + 63) & ~63);
      for (let j = 0; j < m * n && !bad; j++) {
        if (f32[c / 4 + j] !== k + 1) bad = `call ${i}: m=${m} n=${n} k=${k} chunks=${chunks}: C[${j}] = ${f32[c / 4 + j]}, not ${k + 1}`;
      }
    }
    expect(bad).toBe('');
  }, 120_000);

  test('the shared memory stays flat over 2,000 split gemm calls', () => {
    setNumThreads(2);
    const k = kernels();
    expect(k).toBe(pooled);
    const m = 96,
      n = 80,
      kk = 64;
    const a = random(Float32Array, m * kk),
      b = random(Float32Array, kk * n),
      c = new Float32Array(m * n);
    k.gemm(false, false, m, n, kk, a, 0, b, 0, c, 0, false);
    const before = wasmMemoryBytes();
    const heapBefore = process.memoryUsage().heapUsed;
    for (let i = 0; i < 2000; i++) k.gemm(i % 2 === 0, false, m, n, kk, a, 0, b, 0, c, 0, i % 3 === 0);
    expect(wasmMemoryBytes()).toBe(before);
    expect(before).toBeGreaterThan(0);
    // no per-call garbage that survives: the JS heap grows by far less than a copy per call would
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(2000 * m * n * 4);
  });

  test('a process that used threads exits promptly (the workers do not hold it open)', async () => {
    const tsx = path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
    const script = [
      `const r = require(${JSON.stringify(path.join(root, 'src', 'backend', 'registry'))});`,
      `const torch = require(${JSON.stringify(path.join(root, 'src', 'index'))});`,
      'r.setNumThreads(2);',
      'const a = torch.randn([256, 256]);',
      'const start = Date.now();',
      // wait (without blocking) until the worker runs, then use it
      'const go = () => { if (r.getBackendInfo().threads < 2 && Date.now() - start < 20000) return setTimeout(go, 5);',
      '  for (let i = 0; i < 5; i++) a.matmul(a).sum().item();',
      '  console.log("threads " + r.getBackendInfo().threads); };',
      'go();',
    ].join('\n');
    const child = spawn(process.execPath, [tsx, '-e', script], { cwd: root });
    let out = '';
    let printedAt = 0;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('threads')) printedAt ||= Date.now();
    });
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    clearTimeout(killer);
    const exitedAfter = Date.now() - printedAt;
    expect(out.trim()).toBe('threads 2');
    expect(code).toBe(0);
    expect(exitedAfter).toBeLessThan(3000);
  }, 100_000);
});
