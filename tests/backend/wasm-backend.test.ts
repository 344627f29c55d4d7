/**
 * The kernel backend as a user meets it: setBackend / getBackend, the automatic choice and the
 * fallback where WebAssembly (SIMD) is missing, training on both backends, gradchecks of the routed
 * ops on both, the WebAssembly memory staying flat, the core bundle without WebAssembly, and the
 * committed module being up to date with its AssemblyScript sources.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import * as esbuild from 'esbuild';
import * as torch from '../../src/index';
import type { Tensor } from '../../src/index';
import { createWasmBackend, wasmMemoryBytes } from '../../src/backend/wasm/backend';

const root = path.join(__dirname, '..', '..');
const { nn, optim } = torch;

afterEach(() => torch.setBackend('auto'));

/** Node 20 has WebAssembly SIMD; a runtime without it (node --noexpose-wasm) runs only the js half. */
const HAVE_WASM = createWasmBackend() !== null;
const BACKENDS = HAVE_WASM ? (['js', 'wasm'] as const) : (['js'] as const);
const withWasm = HAVE_WASM ? test : test.skip;
if (!HAVE_WASM) console.warn('SKIPPING the tests that need the wasm backend: this runtime has no WebAssembly SIMD.');

describe('setBackend and getBackend', () => {
  withWasm('the automatic choice is wasm where WebAssembly SIMD works (Node 20), and setBackend switches', () => {
    expect(torch.getBackend()).toBe('wasm');
    torch.setBackend('js');
    expect(torch.getBackend()).toBe('js');
    torch.setBackend('wasm');
    expect(torch.getBackend()).toBe('wasm');
    torch.setBackend('auto');
    expect(torch.getBackend()).toBe('wasm');
  });

  test('an unknown name is a clear error', () => {
    expect(() => torch.setBackend('gpu' as 'js')).toThrow("setBackend: unknown backend 'gpu'; expected 'js', 'wasm' or 'auto'");
  });

  /** A fresh copy of the library, loaded while `stub` is in force (the backend state is per module instance). */
  function isolated(stub: () => () => void): typeof torch {
    const restore = stub();
    try {
      let lib: typeof torch | undefined;
      jest.isolateModules(() => {
        lib = require('../../src/index') as typeof torch;
      });
      lib!.getBackend(); // resolves 'auto' while the stub holds
      return lib!;
    } finally {
      restore();
    }
  }

  withWasm('without WebAssembly SIMD the library picks js, trains, and setBackend("wasm") says why it cannot', () => {
    const lib = isolated(() => {
      const spy = jest.spyOn(WebAssembly, 'validate').mockReturnValue(false);
      return () => spy.mockRestore();
    });
    expect(lib.getBackend()).toBe('js');
    expect(() => lib.setBackend('wasm')).toThrow(
      "setBackend('wasm'): WebAssembly SIMD is not available here (this runtime rejects WebAssembly SIMD (128-bit) instructions); use setBackend('js')",
    );
    expect(lib.getBackend()).toBe('js');
    const model = new lib.nn.Linear(4, 2);
    const loss = new lib.nn.CrossEntropyLoss().forward(model.forward(lib.randn([3, 4])), lib.tensor([0, 1, 1]));
    loss.backward();
    expect(model.weight.grad).not.toBeNull();
  });

  test('without WebAssembly at all, the same', () => {
    const lib = isolated(() => {
      const saved = globalThis.WebAssembly;
      delete (globalThis as { WebAssembly?: unknown }).WebAssembly;
      return () => {
        globalThis.WebAssembly = saved;
      };
    });
    expect(lib.getBackend()).toBe('js');
    expect(() => lib.setBackend('wasm')).toThrow(
      "setBackend('wasm'): WebAssembly SIMD is not available here (this runtime has no WebAssembly); use setBackend('js')",
    );
  });

  withWasm('a module that fails to compile falls back to js and the error names the failure', () => {
    const lib = isolated(() => {
      const spy = jest.spyOn(WebAssembly, 'Module').mockImplementation(() => {
        throw new RangeError('WebAssembly.Compile is disallowed on the main thread');
      });
      return () => spy.mockRestore();
    });
    expect(lib.getBackend()).toBe('js');
    expect(() => lib.setBackend('wasm')).toThrow('compiling the kernels failed: WebAssembly.Compile is disallowed on the main thread');
  });

  withWasm('when the WebAssembly memory cannot grow (past 4 GB), the ops run on the TS kernels instead', () => {
    const grow = jest.spyOn(WebAssembly.Memory.prototype, 'grow').mockImplementation(() => {
      throw new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded');
    });
    try {
      let lib: typeof torch | undefined;
      jest.isolateModules(() => {
        lib = require('../../src/index') as typeof torch;
      });
      expect(lib!.getBackend()).toBe('wasm');
      const a = lib!.randn([300, 400], { dtype: 'float64' }),
        b = lib!.randn([400, 300], { dtype: 'float64' });
      const got = a.matmul(b);
      lib!.setBackend('js');
      expect(got.toArray()).toEqual(a.matmul(b).toArray());
      expect(grow).toHaveBeenCalled();
    } finally {
      grow.mockRestore();
    }
  });
});

class NeuralNet2 extends nn.Module {
  linear1: torch.nn.Linear;
  relu = new nn.ReLU();
  linear2: torch.nn.Linear;
  constructor(dtype: 'float32' | 'float64') {
    super();
    this.linear1 = new nn.Linear(784, 5, { dtype });
    this.linear2 = new nn.Linear(5, 3, { dtype });
  }
  forward(x: Tensor): Tensor {
    return this.linear2.forward(this.relu.forward(this.linear1.forward(x)));
  }
}

/** 60 SGD steps of NeuralNet2 on a seeded batch; the losses. */
function train(backend: 'js' | 'wasm', dtype: 'float32' | 'float64', steps = 60): number[] {
  torch.setBackend(backend);
  torch.manualSeed(3);
  const model = new NeuralNet2(dtype);
  const x = torch.rand([32, 784], { dtype });
  const y = torch.randint(0, 3, [32]);
  const criterion = new nn.CrossEntropyLoss();
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    optimizer.zeroGrad();
    const loss = criterion.forward(model.forward(x), y);
    loss.backward();
    optimizer.step();
    losses.push(loss.item());
  }
  return losses;
}

describe('training NeuralNet2 on both backends', () => {
  // float32: the products sum in float32 lanes on wasm and in float64 on js; 60 steps of momentum
  // SGD amplify the difference a little. float64: the same arithmetic up to the order of k-blocks.
  for (const [dtype, tol] of [
    ['float32', 1e-4],
    ['float64', 1e-11],
  ] as const) {
    withWasm(`${dtype}: the same loss curve to relative ${tol}, and it goes down`, () => {
      const js = train('js', dtype);
      const wasm = train('wasm', dtype);
      expect(js[59]).toBeLessThan(js[0]);
      const worst = Math.max(...js.map((l, i) => Math.abs(wasm[i] - l) / Math.abs(l)));
      expect(worst).toBeLessThanOrEqual(tol);
    });
  }
});

describe('gradchecks of the routed ops on each backend (float64)', () => {
  const { gradcheck } = torch.autograd;
  let seed = 11;
  const rnd = (shape: number[]) => torch.randn(shape, { dtype: 'float64', generator: new torch.Generator(seed++) }).requiresGrad_();
  const checks: [string, () => boolean][] = [
    ['linear with bias', () => gradcheck((x, w, b) => torch.nn.functional.linear(x, w, b), [rnd([4, 7]), rnd([3, 7]), rnd([3])])],
    ['linear, batched input, no bias', () => gradcheck((x, w) => torch.nn.functional.linear(x, w), [rnd([2, 3, 7]), rnd([5, 7])])],
    ['matmul 2-D', () => gradcheck((a, b) => a.matmul(b), [rnd([5, 9]), rnd([9, 6])])],
    ['matmul batched with broadcast', () => gradcheck((a, b) => a.matmul(b), [rnd([2, 3, 4, 5]), rnd([3, 5, 2])])],
    ['matmul vector', () => gradcheck((a, b) => a.matmul(b), [rnd([7]), rnd([7, 3])])],
    ['cross-entropy, class indices (the fast path)', () => gradcheck((x) => torch.nn.functional.crossEntropy(x, torch.tensor([2, 0, 1, 2])), [rnd([4, 3])])],
    [
      'cross-entropy, ignoreIndex and sum',
      () => gradcheck((x) => torch.nn.functional.crossEntropy(x, torch.tensor([2, -100, 1]), { reduction: 'sum' }), [rnd([3, 4])]),
    ],
    [
      'cross-entropy, label smoothing (the general path)',
      () => gradcheck((x) => torch.nn.functional.crossEntropy(x, torch.tensor([2, 0, 1]), { labelSmoothing: 0.1 }), [rnd([3, 4])]),
    ],
    ['relu, small and above the size threshold', () => gradcheck((x) => x.relu(), [rnd([5, 3])]) && gradcheck((x) => x.relu().sum(), [rnd([130])])],
    ['sigmoid, small and above the size threshold', () => gradcheck((x) => x.sigmoid(), [rnd([4])]) && gradcheck((x) => x.sigmoid().sum(), [rnd([2, 70])])],
  ];
  for (const backend of BACKENDS) {
    for (const [name, check] of checks) {
      test(`${backend}: ${name}`, () => {
        torch.setBackend(backend);
        expect(check()).toBe(true);
      });
    }
  }
});

withWasm('the WebAssembly memory stays flat over 2,000 NeuralNet2 steps (the arena is reused)', () => {
  torch.setBackend('wasm');
  torch.manualSeed(0);
  const model = new NeuralNet2('float32');
  const criterion = new nn.CrossEntropyLoss();
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.05 });
  const xs = [torch.rand([32, 784]), torch.rand([17, 784])];
  const ys = [torch.randint(0, 3, [32]), torch.randint(0, 3, [17])];
  const step = (i: number) => {
    optimizer.zeroGrad();
    criterion.forward(model.forward(xs[i % 2]), ys[i % 2]).backward();
    optimizer.step();
  };
  for (let i = 0; i < 10; i++) step(i);
  const after10 = wasmMemoryBytes();
  expect(after10).toBeGreaterThan(0);
  for (let i = 10; i < 2000; i++) step(i);
  expect(wasmMemoryBytes()).toBe(after10);
});

test('the core bundle loads and trains in a browser-like context without WebAssembly', async () => {
  const bundle = await esbuild.build({
    entryPoints: [path.join(root, 'src', 'index.ts')],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'tsgrad',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  // TextDecoder/TextEncoder: web APIs every browser has (protobufjs, behind onnx.export, reads them at load)
  const context = vm.createContext({ console, TextDecoder, TextEncoder });
  vm.runInContext('delete globalThis.WebAssembly;', context);
  vm.runInContext(`${bundle.outputFiles[0].text}\nglobalThis.tsgrad = tsgrad;`, context);
  const result = vm.runInContext(
    `(() => {
      const { nn } = tsgrad;
      tsgrad.manualSeed(0);
      const model = new nn.Sequential(new nn.Linear(20, 5), new nn.ReLU(), new nn.Linear(5, 3));
      const x = tsgrad.randn([16, 20]);
      const y = tsgrad.randint(0, 3, [16]);
      const losses = [];
      for (let step = 0; step < 5; step++) {
        for (const p of model.parameters()) p.grad = null;
        const loss = new nn.CrossEntropyLoss().forward(model.forward(x), y);
        loss.backward();
        tsgrad.noGrad(() => { for (const p of model.parameters()) p.sub_(p.grad.mul(0.5)); });
        losses.push(loss.item());
      }
      let error = '';
      try { tsgrad.setBackend('wasm'); } catch (e) { error = e.message; }
      return { backend: tsgrad.getBackend(), first: losses[0], last: losses[4], error };
    })()`,
    context,
  ) as { backend: string; first: number; last: number; error: string };
  expect(result.backend).toBe('js');
  expect(result.last).toBeLessThan(result.first);
  expect(result.error).toContain('this runtime has no WebAssembly');
}, 30_000);

const ascInstalled = fs.existsSync(path.join(root, 'node_modules', 'assemblyscript', 'bin', 'asc.js'));
if (!ascInstalled) {
  console.warn(
    'SKIPPING the up-to-date check of src/backend/wasm/kernels.wasm.ts: the AssemblyScript compiler (devDependency assemblyscript) is not installed; run `npm ci`.',
  );
}
(ascInstalled ? test : test.skip)(
  'src/backend/wasm/kernels.wasm.ts is what the AssemblyScript sources compile to (else: npm run build:wasm)',
  () => {
    const tsx = path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
    const r = spawnSync(process.execPath, [tsx, path.join(root, 'scripts', 'build-wasm.ts'), '--check'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    expect(`${r.stdout}${r.stderr}`.trim()).toMatch(/is up to date/);
    expect(r.status).toBe(0);
  },
  120_000,
);
