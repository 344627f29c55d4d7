/**
 * The core (src/ less src/node) runs in a browser: bundled by esbuild for the browser platform, it
 * pulls in no Node module, and the bundle trains a net in a bare JavaScript context that has only
 * what a browser also has (no require, process, Buffer or module).
 */
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';
import * as esbuild from 'esbuild';

const root = path.join(__dirname, '..', '..');
const nodeBuiltins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const isNodeModule = (p: string): boolean => p.startsWith('node:') || nodeBuiltins.has(p) || nodeBuiltins.has(p.split('/')[0]);

let bundle: esbuild.BuildResult<{ write: false; metafile: true }>;

beforeAll(async () => {
  bundle = await esbuild.build({
    entryPoints: [path.join(root, 'src', 'index.ts')],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'tsgrad',
    target: 'es2022',
    keepNames: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
}, 30_000);

test('bundles for the browser without errors or warnings', () => {
  expect(bundle.errors).toEqual([]);
  expect(bundle.warnings.map((w) => w.text)).toEqual([]);
});

test('no module of the bundle imports a Node API, and nothing from src/node is in it', () => {
  const offenders: string[] = [];
  for (const [file, input] of Object.entries(bundle.metafile.inputs)) {
    if (file.startsWith('src/node/')) offenders.push(`${file} is in the core bundle`);
    for (const imp of input.imports) {
      const ours = !file.startsWith('node_modules/');
      if (isNodeModule(imp.path) || (ours && isNodeModule(imp.original ?? imp.path))) offenders.push(`${file} imports ${imp.original ?? imp.path}`);
    }
  }
  expect(offenders).toEqual([]);
  // seedrandom's require('crypto') (only for seeding from entropy, which tsgrad never does) is
  // replaced by an empty module, as its package.json's `browser` field asks.
  const seedrandom = bundle.metafile.inputs['node_modules/seedrandom/seedrandom.js'];
  expect(seedrandom.imports).toContainEqual(expect.objectContaining({ path: '(disabled):crypto', original: 'crypto' }));
});

test('the bundle trains NeuralNet2 in a context with only browser globals', () => {
  const code = bundle.outputFiles[0].text;
  // What browsers and workers have, and nothing Node-only.
  const context = vm.createContext({ console, TextEncoder, TextDecoder, performance, setTimeout, clearTimeout });
  vm.runInContext(`${code}\nglobalThis.tsgrad = tsgrad;`, context, { filename: 'tsgrad.browser.js' });
  const result = vm.runInContext(
    `(() => {
      const { nn, optim } = tsgrad;
      tsgrad.manualSeed(0);
      const model = new nn.Sequential(new nn.Linear(784, 5), new nn.ReLU(), new nn.Linear(5, 3));
      const criterion = new nn.CrossEntropyLoss();
      const optimizer = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
      const x = tsgrad.randn([16, 784]);
      const y = tsgrad.randint(0, 3, [16]);
      const losses = [];
      for (let step = 0; step < 10; step++) {
        optimizer.zeroGrad();
        const loss = criterion.forward(model.forward(x), y);
        loss.backward();
        optimizer.step();
        losses.push(loss.item());
      }
      const bytes = tsgrad.serializeSafetensors(model.stateDict());
      const back = tsgrad.deserializeSafetensors(bytes);
      return { losses, keys: Object.keys(back), printed: String(tsgrad.softmax(tsgrad.tensor([2.0, 1.0, 0.1]), 0)), model: String(model) };
    })()`,
    context,
  ) as { losses: number[]; keys: string[]; printed: string; model: string };
  expect(result.losses[9]).toBeLessThan(result.losses[0]);
  expect(result.keys.sort()).toEqual(['0.bias', '0.weight', '2.bias', '2.weight']);
  expect(result.printed).toBe('tensor([0.6590, 0.2424, 0.0986])');
  expect(result.model).toContain('(0): Linear(in_features=784, out_features=5, bias=True)');
});

test('the core has no Node-only globals: process, Buffer, require, __dirname', () => {
  const text = bundle.outputFiles[0].text;
  // The bundle's sections start with a `// path` comment; seedrandom's (a guarded UMD wrapper) are not ours to check.
  const ours = text.split(/\n\s*\/\/ (?=\S+\.\w+\n)/).filter((section) => section.startsWith('src/'));
  expect(ours.length).toBeGreaterThan(20);
  // The one exception: `process.getBuiltinModule`, feature-detected (`typeof process`), which is how the
  // kernel threads reach worker_threads and os in Node and nothing in a browser (src/backend/wasm/pool.ts).
  for (const section of ours)
    expect({
      section: section.split('\n')[0],
      match: /\b(process\.(?!getBuiltinModule\b)|Buffer\b|__dirname|__filename|require\()/.exec(section)?.[0],
    }).toEqual({
      section: section.split('\n')[0],
      match: undefined,
    });
});
