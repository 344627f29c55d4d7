/**
 * The examples a new user runs first: the tutorial's printed seed numbers, short seeded training
 * runs of both nets on small splits of real MNIST digits, the physics-informed net solving an ODE,
 * and the files they write.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as torch from '../../src/index';
import { load } from '../../src/node/index';
import { HelpRequested, type Output, UsageError } from '../../examples/lib/cli';
import { ProgressLine } from '../../examples/lib/progress';
import { main as binary } from '../../examples/neuralnet1-binary';
import { main as cnn } from '../../examples/mnist-cnn';
import { main as multiclass } from '../../examples/neuralnet2-multiclass';
import { main as physics } from '../../examples/physics-ode';

const root = path.join(__dirname, '..', '..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsgrad-examples-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function run(file: string, args: string[] = []): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(tsx, [path.join(root, 'examples', file), ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function capture(isTTY = false): { out: Output; text: () => string } {
  let text = '';
  return { out: { write: (s) => void (text += s), isTTY }, text: () => text };
}

/** Timing is the only thing allowed to change between runs with the same seed. */
const withoutTiming = (text: string): string => text.replace(/[\d,]+ samples\/s/g, 'N samples/s');

describe('examples/softmax-cross-entropy.ts', () => {
  test('prints every number the seed tutorials print, and writes the graph as DOT', () => {
    const dot = path.join(tmp, 'graph.dot');
    const { status, stdout, stderr } = run('softmax-cross-entropy.ts', ['--dot', dot]);
    if (status !== 0) throw new Error(`the tutorial exited with status ${status}:\n${stderr}`);
    expect(stderr).toContain('it looks like softmax output');
    const lines = stdout.split('\n');
    for (const line of [
      // seed 002, softmax by hand (numpy) and with the library
      'softmax numpy: [0.65900114 0.24243297 0.09856589]',
      'softmax tsgrad: tensor([0.6590, 0.2424, 0.0986])',
      // seed 002, cross entropy by hand
      'Loss1 numpy: 0.3567',
      'Loss2 numpy: 2.3026',
      // seed 001, one sample: -log softmax([2.0, 1.0, 0.1])[0] and -log softmax([0.5, 2.0, 0.3])[0]
      'tsgrad Loss1: 0.4170',
      'tsgrad Loss2: 1.8406',
      'Actual class: 0, Y_pred1: 0, Y_pred2: 1',
      // seed 002, a batch of three: 0.38459011912345886 and 1.6241613626480103 in PyTorch
      'Batch Loss1: 0.3846',
      'Batch Loss2: 1.6242',
      'tensor([2, 0, 1])',
      'tensor([0, 2, 1])',
      'Actual class: tensor([2, 0, 1]), Y_pred1: tensor([2, 0, 1]), Y_pred2: tensor([0, 2, 1])',
    ]) {
      expect(lines).toContain(line);
    }
    // softmax output fed to CrossEntropyLoss: a one-hot row of 5 scores log(1 + 4/e) at best
    expect(stdout).toContain('= 0.9048 = log(1 + 4/e), never 0');
    const written = fs.readFileSync(dot, 'utf8');
    expect(stdout).toContain(written);
    expect(written).toMatch(/label="NllLossBackward0"/);
    expect(written).toMatch(/label="linear.weight \[3, 5\]"/);
  });
});

describe('command lines', () => {
  test('a bad flag prints the usage to stderr and exits with status 2', () => {
    const { status, stdout, stderr } = run('neuralnet1-binary.ts', ['--epochs', '0']);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('error: --epochs must be at least 1, got 0');
    expect(stderr).toContain('Usage: npm run example:binary -- [flags]');
    expect(stderr).toMatch(/--batch-size N +images per training step \(default: 32\)/);
  });

  test('flags are checked before anything runs', async () => {
    await expect(multiclass(['--bogus'])).rejects.toThrow(new UsageError('unknown flag --bogus'));
    await expect(multiclass(['--lr'])).rejects.toThrow(/--lr needs a value/);
    await expect(multiclass(['--lr=fast'])).rejects.toThrow(/--lr expects a number, got 'fast'/);
    await expect(multiclass(['--num-classes', '11'])).rejects.toThrow(/at most 10/);
    await expect(multiclass(['extra'])).rejects.toThrow(/unexpected argument 'extra'/);
    await expect(binary(['--task', '3v3'])).rejects.toThrow(UsageError);
    await expect(binary(['--help'])).rejects.toThrow(HelpRequested);
  });
});

describe('training on real MNIST digits (small seeded splits)', () => {
  test("example:cnn (pytorch/examples' MNIST script, ported line by line): a dry run prints the original's train and test lines", async () => {
    const out = capture();
    const result = await cnn(['--dry-run', '--epochs', '1', '--plot=', '--save='], out.out);
    const text = out.text();
    expect(text).toMatch(/^Train Epoch: 1 \[0\/8000 \(0%\)\]\tLoss: \d\.\d{6}$/m);
    expect(text).toMatch(/^Test set: Average loss: \d+\.\d{4}, Accuracy: \d+\/2000 \(\d+%\)$/m);
    expect(result.testAccuracy).toBeGreaterThan(0);
    expect(String(result.model)).toContain('(conv1): Conv2d(1, 32, kernel_size=(3, 3), stride=(1, 1))');
    expect(String(result.model)).toContain('(dropout1): Dropout(p=0.25, inplace=False)');
    await expect(cnn(['--epochs', '0'])).rejects.toThrow(/--epochs must be at least 1/);
  }, 60_000);

  test('--optimizer adamw --scheduler onecycle --clip 1.0: AdamW over two groups, a OneCycleLR step per batch, clipped gradients', async () => {
    const out = capture();
    const result = await multiclass(
      ['--optimizer', 'adamw', '--scheduler', 'onecycle', '--clip', '1.0', '--limit', '200', '--epochs', '3', '--plot=', '--save='],
      out.out,
    );
    expect(out.text()).toContain(
      'CrossEntropyLoss, AdamW(lr=0.1, weight_decay=0.01), OneCycleLR per batch, gradients clipped to norm 1, batch size 32, 3 epochs, seed 0',
    );
    expect(result.testAccuracy).toBeGreaterThanOrEqual(0.9);
    await expect(multiclass(['--optimizer', 'lion'])).rejects.toThrow(
      "--optimizer must be one of sgd, adam, adamw, adagrad, nadam, radam, rmsprop, got 'lion'",
    );
    await expect(multiclass(['--scheduler', 'warmup'])).rejects.toThrow(/--scheduler must be one of none, onecycle, cosine, step, linear/);
  });

  test('NeuralNet2 on digits 0-2, 200 images of each: at least 93% test accuracy, the same output every run', async () => {
    const plot = path.join(tmp, 'multi.svg');
    const save = path.join(tmp, 'multi.safetensors');
    const args = ['--limit', '200', '--epochs', '5', '--seed', '0', '--plot', plot, '--save', save];
    const first = capture();
    const result = await multiclass(args, first.out);
    expect(result.testAccuracy).toBeGreaterThanOrEqual(0.93);
    const text = first.text();
    expect(text).toContain(
      'NeuralNet2(\n  (linear1): Linear(in_features=784, out_features=5, bias=True)\n  (relu): ReLU()\n  (linear2): Linear(in_features=5, out_features=3, bias=True)\n)',
    );
    expect(text).toContain('MNIST digits 0, 1, 2: 600 images of 28x28 = 784 pixels, 480 to train on and 120 to test');
    expect(text.match(/^epoch \d\/5 {2}loss \d\.\d{4} {2}train acc \d+\.\d\d% {2}test acc \d+\.\d\d% {2}[\d,]+ samples\/s$/gm)).toHaveLength(5);
    expect(text).toMatch(/^Test accuracy: \d+\.\d\d% \(\d+\/120 test images\)$/m);
    expect(text).not.toContain('\r');
    const again = capture();
    await multiclass(args, again.out);
    expect(withoutTiming(again.text())).toBe(withoutTiming(text));

    // the saved weights: a safetensors file, read by hand
    const bytes = fs.readFileSync(save);
    const headerLength = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8'));
    expect(header.__metadata__).toEqual({ model: 'NeuralNet2', input_size: '784', hidden_size: '5', num_classes: '3' });
    const shapes: Record<string, number[]> = { 'linear1.weight': [5, 784], 'linear1.bias': [5], 'linear2.weight': [3, 5], 'linear2.bias': [3] };
    expect(
      Object.keys(header)
        .filter((k) => k !== '__metadata__')
        .sort(),
    ).toEqual(Object.keys(shapes).sort());
    const state = result.model.stateDict();
    const spans: [number, number][] = [];
    for (const [name, shape] of Object.entries(shapes)) {
      const entry = header[name];
      expect(entry.dtype).toBe('F32');
      expect(entry.shape).toEqual(shape);
      const [begin, end] = entry.data_offsets as [number, number];
      expect(end - begin).toBe(4 * shape.reduce((a, b) => a * b, 1));
      spans.push([begin, end]);
      const start = 8 + headerLength + begin;
      const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + start + end - begin));
      expect(values).toEqual(state[name].data);
    }
    spans.sort((a, b) => a[0] - b[0]);
    expect(spans[0][0]).toBe(0);
    spans.slice(1).forEach(([begin], i) => expect(begin).toBe(spans[i][1]));
    expect(bytes.length).toBe(8 + headerLength + spans[spans.length - 1][1]);
    // ... and through the library: the trained model loads it back
    expect(result.model.loadStateDict(load(save))).toEqual({ missingKeys: [], unexpectedKeys: [] });

    // the chart: a standalone SVG with a loss panel and an accuracy panel
    const svg = fs.readFileSync(plot, 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="880" height="350" viewBox="0 0 880 350"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('<title>NeuralNet2 on MNIST digits 0-2 (hidden_size=5, seed 0)</title>');
    const open: string[] = [];
    for (const [, close, name, selfClosing] of svg.matchAll(/<(\/?)([a-z]+)[^>]*?(\/?)>/g)) {
      if (selfClosing) continue;
      if (close) expect(open.pop()).toBe(name);
      else open.push(name);
    }
    expect(open).toEqual([]);
    expect([...svg.matchAll(/<g class="panel"/g)]).toHaveLength(2);
    const series = [...svg.matchAll(/<polyline class="series" data-name="([^"]+)" points="([^"]+)"/g)].map(([, name, points]) => ({
      name,
      points: points.split(' ').map((p) => p.split(',').map(Number)),
    }));
    expect(series.map((s) => s.name)).toEqual(['train (running mean)', 'test', 'train', 'test']);
    expect(series.map((s) => s.points.length)).toEqual([expect.any(Number), 5, 5, 5]);
    expect(series[0].points.length).toBeGreaterThanOrEqual(5 * 10);
    for (const [x, y] of series.flatMap((s) => s.points)) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(440);
      expect(y).toBeGreaterThanOrEqual(0);
      expect(y).toBeLessThanOrEqual(320);
    }
  });

  test('NeuralNet1 on odd vs even, 300 images of each digit: at least 83% test accuracy', async () => {
    const { out, text } = capture();
    const result = await binary(['--limit', '300', '--epochs', '5', '--seed', '0', '--plot=', '--save='], out);
    expect(result.testAccuracy).toBeGreaterThanOrEqual(0.83);
    expect(text()).toContain('MNIST, is the digit odd? 3000 images (1500 yes, 1500 no), 2400 to train on and 600 to test');
    expect(text()).toContain('(linear2): Linear(in_features=5, out_features=1, bias=True)');
    expect(text()).not.toContain('Saved');
  });
});

describe('examples/physics-ode.ts (second-order gradients)', () => {
  test("learns y' = -y, y(0) = 1 from the equation alone: max error against exp(-x) below 1e-2", async () => {
    const plot = path.join(tmp, 'physics.svg');
    const save = path.join(tmp, 'physics.safetensors');
    const first = capture();
    const result = await physics(['--plot', plot, '--save', save], first.out);
    expect(result.maxError).toBeLessThan(1e-2);
    const text = first.text();
    expect(text).toContain(
      'PINN(\n  (linear1): Linear(in_features=1, out_features=32, bias=True)\n  (tanh1): Tanh()\n' +
        '  (linear2): Linear(in_features=32, out_features=32, bias=True)\n  (tanh2): Tanh()\n' +
        '  (linear3): Linear(in_features=32, out_features=1, bias=True)\n)',
    );
    expect(text).toContain('3000 steps, float64, seed 0');
    const logged = [...text.matchAll(/^step +(\d+)\/3000 {2}loss (\S+) \(equation \S+, y\(0\) \S+\) {2}max error (\S+) {2}[\d,]+ steps\/s$/gm)];
    expect(logged.map((m) => Number(m[1]))).toEqual([300, 600, 900, 1200, 1500, 1800, 2100, 2400, 2700, 3000]);
    // the loss falls by orders of magnitude, and the last logged error is the final one
    expect(Number(logged[9][2])).toBeLessThan(Number(logged[0][2]) / 10);
    expect(Number(logged[9][3])).toBeCloseTo(result.maxError, 4);
    const reported = text.match(/^Max \|y - exp\(-x\)\| on 1001 points of \[0, 2\]: (\S+) \(at x = \d\.\d{3}\)$/m);
    expect(Number(reported![1])).toBeLessThan(1e-2);
    expect(text).not.toContain('\r');

    // the net, checked independently of the example's own measurement: it solves the equation
    const x = torch.linspace(0, 2, 201, { dtype: 'float64' }).reshape([201, 1]);
    const y = torch.noGrad(() => result.model.forward(x));
    expect(y.dtype).toBe('float64');
    y.data.forEach((v, i) => expect(Math.abs(v - Math.exp(-x.data[i]))).toBeLessThan(1e-2));

    // the weights: float64 safetensors that load back into the model
    const loaded = load(save);
    expect(Object.keys(loaded).sort()).toEqual(['linear1.bias', 'linear1.weight', 'linear2.bias', 'linear2.weight', 'linear3.bias', 'linear3.weight']);
    expect(loaded['linear2.weight'].dtype).toBe('float64');
    expect(result.model.loadStateDict(loaded)).toEqual({ missingKeys: [], unexpectedKeys: [] });

    // the chart: solution, error and loss panels; the net's curve and exp(-x) drawn on the same axes
    const svg = fs.readFileSync(plot, 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="1320" height="350"')).toBe(true);
    expect([...svg.matchAll(/<g class="panel"/g)]).toHaveLength(3);
    const series = [...svg.matchAll(/<polyline class="series" data-name="([^"]+)" points="([^"]+)"/g)].map(([, name, points]) => ({
      name,
      points: points.split(' ').map((p) => p.split(',').map(Number)),
    }));
    expect(series.map((s) => s.name)).toEqual(['net y(x)', 'exp(-x)', 'net - exp(-x)', 'loss']);
    expect(series[0].points).toHaveLength(201);
    // at most a pixel apart: 1e-2 of the y axis' 1.0 span is 2.4 pixels
    series[0].points.forEach(([px, py], i) => {
      expect(px).toBe(series[1].points[i][0]);
      expect(Math.abs(py - series[1].points[i][1])).toBeLessThanOrEqual(1);
    });
  });

  test('float32 and fewer steps converge too, with the same output every run; a bad --dtype is a usage error', async () => {
    const args = ['--dtype', 'float32', '--steps', '1000', '--plot=', '--save='];
    const first = capture();
    const result = await physics(args, first.out);
    expect(result.maxError).toBeLessThan(1e-2);
    const text = first.text();
    expect(text).toContain('1000 steps, float32, seed 0');
    expect(text).not.toContain('Wrote');
    expect(text).not.toContain('Saved');
    const again = capture();
    await physics(args, again.out);
    const withoutRate = (t: string): string => t.replace(/[\d,]+ steps\/s/g, 'N steps/s');
    expect(withoutRate(again.text())).toBe(withoutRate(text));
    await expect(physics(['--dtype', 'int32'])).rejects.toThrow(new UsageError("--dtype must be float64 or float32, got 'int32'"));
  });
});

describe('ProgressLine', () => {
  test('redraws in place in a terminal, prints only finished lines when piped', () => {
    const tty = capture(true);
    const live = new ProgressLine(tty.out, 0);
    live.update('step 1');
    live.update('step 2');
    live.done('epoch 1 done');
    expect(tty.text()).toBe('\rstep 1\x1b[K\rstep 2\x1b[K\repoch 1 done\x1b[K\n');
    const piped = capture(false);
    const plain = new ProgressLine(piped.out, 0);
    plain.update('step 1');
    plain.done('epoch 1 done');
    expect(piped.text()).toBe('epoch 1 done\n');
  });
});
