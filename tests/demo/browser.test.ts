/**
 * The demo page end to end, in headless Chromium (Debian's `chromium`, driven by playwright-core):
 * it builds and serves the page on 127.0.0.1, trains NeuralNet2 on MNIST digits until the test
 * accuracy passes 90% while checking that the page stays responsive, draws a digit on the canvas
 * and checks the predicted class probabilities, and saves a screenshot to out/demo.png
 * (`TSGRAD_UPDATE_SCREENSHOT=1` also writes docs/demo.png, the README's). Then it chooses the CNN
 * and trains it past 95% (screenshot in out/demo-cnn.png). Any error the page logs (or a failed
 * request) fails the test, except the one a test provokes and checks.
 *
 * Without /usr/bin/chromium (or $CHROMIUM_PATH) the browser tests are skipped with a warning, unless
 * TSGRAD_REQUIRE_BROWSER=1 (as .ci/run sets it), which makes a missing browser a failure.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { buildDemo } from '../../demo/build';
import { type DemoServer, serveDir } from '../../demo/serve';

const root = path.join(__dirname, '..', '..');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const REQUIRED = process.env.TSGRAD_REQUIRE_BROWSER === '1';
const HAVE_CHROMIUM = fs.existsSync(CHROMIUM);
/** The accuracy on the 2,000 held-out digits that training NeuralNet2 must pass. */
const ACCURACY = 0.9;
/** The same for the CNN. */
const CNN_ACCURACY = 0.95;
/** The chromium flags this machine needs: no sandbox as root, and no calls to Google's services. */
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

test('the demo and the build scripts type-check', () => {
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'demo', 'tsconfig.json')], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  expect(`${r.stdout}${r.stderr}`).toBe('');
  expect(r.status).toBe(0);
}, 60_000);

if (!HAVE_CHROMIUM && !REQUIRED) {
  console.warn(
    `\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n` +
      `!!  SKIPPING the browser end-to-end tests: no Chromium at ${CHROMIUM}.\n` +
      `!!  Install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH).\n` +
      `!!  .ci/run installs it and sets TSGRAD_REQUIRE_BROWSER=1, which fails instead.\n` +
      `!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n`,
  );
}

(HAVE_CHROMIUM || REQUIRED ? describe : describe.skip)('the demo page in headless Chromium', () => {
  let tmp = '';
  const problems: string[] = [];
  let server: DemoServer | null = null;
  let browser: Browser | null = null;
  let page: Page;

  beforeAll(async () => {
    if (!HAVE_CHROMIUM) throw new Error(`TSGRAD_REQUIRE_BROWSER=1 but there is no Chromium at ${CHROMIUM}: install it with \`apt-get install -y chromium\``);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsgrad-demo-'));
    const build = await buildDemo(path.join(tmp, 'site'));
    server = await serveDir(build.outdir, 0);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 910 }, deviceScaleFactor: 1 });
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
    });
    // Every request stays on the page's own server.
    await page.route('**/*', (route) => (route.request().url().startsWith(server!.url) ? route.continue() : route.abort()));
    await page.goto(server.url);
  }, 60_000);

  afterEach(() => {
    expect(problems).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const text = async (selector: string): Promise<string> => (await page.textContent(selector))?.trim() ?? '';

  test('loads the digits and shows the model, ready to train', async () => {
    await page.waitForSelector('body[data-state="paused"]', { timeout: 30_000 });
    expect(await page.$$eval('#model-choice option', (options) => options.map((o) => [(o as HTMLOptionElement).value, o.textContent]))).toEqual([
      ['neuralnet2', 'NeuralNet2 (784-32-10)'],
      ['cnn', 'CNN (conv 8, conv 16, 5x5)'],
    ]);
    expect(await page.inputValue('#model-choice')).toBe('neuralnet2');
    expect(await text('#model')).toBe(
      'NeuralNet2(\n  (linear1): Linear(in_features=784, out_features=32, bias=True)\n  (relu): ReLU()\n  (linear2): Linear(in_features=32, out_features=10, bias=True)\n)',
    );
    expect(await text('#setup')).toContain('8,000 MNIST digits (all ten) to train on, 2,000 held out to test');
    expect(await text('#train')).toBe('Train');
    // Before training: the initial test evaluation, about chance.
    expect(Number(await page.getAttribute('#test-accuracy', 'data-value'))).toBeLessThan(0.3);
  }, 60_000);

  /**
   * Presses Train and waits until the test accuracy passes `target`, timing the page's frames
   * meanwhile (the worker trains; the page must keep drawing); logs and checks both.
   */
  async function trainPast(target: number, name: string): Promise<void> {
    const started = Date.now();
    await page.click('#train');
    await page.waitForSelector('body[data-state="training"]');
    // While the worker trains, the page's own frames keep coming: time a few round trips.
    const frameGaps: number[] = [];
    let accuracy = 0;
    let threads = 0;
    while (accuracy < target) {
      if (Date.now() - started > 90_000) throw new Error(`${name}: test accuracy still ${accuracy} after 90 s`);
      frameGaps.push(
        await page.evaluate(
          () =>
            new Promise<number>((resolve) => {
              const t0 = performance.now();
              requestAnimationFrame(() => resolve(performance.now() - t0));
            }),
        ),
      );
      accuracy = Number(await page.getAttribute('#test-accuracy', 'data-value'));
      threads = Math.max(threads, Number(await page.getAttribute('#threads', 'data-value')));
      await page.waitForTimeout(100);
    }
    const seconds = (Date.now() - started) / 1000;
    const samplesPerSec = Number((await text('#samples-per-sec')).replace(/,/g, ''));
    console.log(
      `demo, ${name}: ${(100 * accuracy).toFixed(1)}% test accuracy after ${seconds.toFixed(1)} s (${await text('#epoch')} epochs, ${Math.round(samplesPerSec)} samples/s, kernel threads ${await text('#threads')}); slowest frame ${Math.round(Math.max(...frameGaps))} ms`,
    );
    // The page is cross-origin isolated (npm run demo's COOP/COEP headers), so the training worker's
    // kernels run on more than one thread where the machine has more than one core.
    expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
    if ((await page.evaluate(() => navigator.hardwareConcurrency)) > 1) expect(threads).toBeGreaterThan(1);
    expect(Math.max(...frameGaps)).toBeLessThan(1000);
    expect(samplesPerSec).toBeGreaterThan(0);
    expect(Number((await text('#step')).replace(/,/g, ''))).toBeGreaterThan(0);
  }

  test(`trains to ${100 * ACCURACY}% test accuracy, charting live, while the page stays responsive`, async () => {
    await trainPast(ACCURACY, 'NeuralNet2');
    // The chart has been drawn on: some of its pixels are not blank.
    const inked = await page.evaluate(() => {
      const canvas = document.querySelector<HTMLCanvasElement>('#chart')!;
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
      return n;
    });
    expect(inked).toBeGreaterThan(1000);
  }, 120_000);

  /** Draws a 7 with the mouse: a bar across the top, then a stroke down to the lower left. */
  async function drawSeven(): Promise<void> {
    const box = (await page.locator('#draw').boundingBox())!;
    const points: [number, number][] = [
      [80, 70],
      [200, 70],
      [125, 225],
    ];
    await page.mouse.move(box.x + points[0][0], box.y + points[0][1]);
    await page.mouse.down();
    for (let i = 1; i < points.length; i++) {
      const [[x0, y0], [x1, y1]] = [points[i - 1], points[i]];
      for (let t = 1; t <= 12; t++) await page.mouse.move(box.x + x0 + ((x1 - x0) * t) / 12, box.y + y0 + ((y1 - y0) * t) / 12);
    }
    await page.mouse.up();
  }

  const probabilities = (): Promise<number[]> => page.$$eval('#probs .pct', (cells) => cells.map((c) => Number.parseFloat(c.textContent ?? '') / 100));

  test('a digit drawn on the canvas gets softmax probabilities for the ten classes', async () => {
    expect(await page.getAttribute('#prediction', 'data-digit')).toBe('');
    await drawSeven();
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#prediction')!.dataset.digit !== '');
    const probs = await probabilities();
    expect(probs).toHaveLength(10);
    expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 2);
    expect(Number(await page.getAttribute('#probs', 'data-sum'))).toBeCloseTo(1, 5);
    const predicted = Number(await page.getAttribute('#prediction', 'data-digit'));
    expect(probs[predicted]).toBe(Math.max(...probs));
    // What the model sees is drawn too: the 28x28 preview has ink.
    const previewInk = await page.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>('#preview')!;
      return c
        .getContext('2d')!
        .getImageData(0, 0, 28, 28)
        .data.filter((v, i) => i % 4 === 0 && v > 0).length;
    });
    expect(previewInk).toBeGreaterThan(20);
  }, 60_000);

  test('finishes its epochs; the finished model reads the drawn 7 as a 7; screenshot', async () => {
    await page.waitForSelector('body[data-state="done"]', { timeout: 120_000 });
    const accuracy = Number(await page.getAttribute('#test-accuracy', 'data-value'));
    expect(accuracy).toBeGreaterThan(ACCURACY);
    // The final weights arrive with the last progress; the prediction follows them.
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#prediction')!.dataset.digit === '7', undefined, { timeout: 10_000 });
    const probs = await probabilities();
    console.log(`demo, NeuralNet2: finished at ${(100 * accuracy).toFixed(1)}% test accuracy; the drawn 7 reads as 7 with p = ${probs[7].toFixed(3)}`);
    const shot = await page.screenshot({ fullPage: true });
    fs.mkdirSync(path.join(root, 'out'), { recursive: true });
    fs.writeFileSync(path.join(root, 'out', 'demo.png'), shot);
    if (process.env.TSGRAD_UPDATE_SCREENSHOT === '1' || !fs.existsSync(path.join(root, 'docs', 'demo.png'))) {
      fs.mkdirSync(path.join(root, 'docs'), { recursive: true });
      fs.writeFileSync(path.join(root, 'docs', 'demo.png'), shot);
    }
    expect(shot.length).toBeLessThan(300 * 1024);
  }, 150_000);

  test('"An MNIST digit" draws one of the digits and predicts it; Clear empties the canvas', async () => {
    await page.click('#clear');
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#prediction')!.dataset.digit === '');
    await page.click('#sample');
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#prediction')!.dataset.digit !== '');
    expect((await probabilities()).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 2);
  }, 30_000);

  test('Reset starts over from the seeded weights; training pauses and resumes', async () => {
    await page.click('#reset');
    await page.waitForFunction(() => document.querySelector('#step')!.textContent === '0' && document.body.dataset.state === 'paused');
    expect(Number(await page.getAttribute('#test-accuracy', 'data-value'))).toBeLessThan(0.3);
    await page.click('#train');
    await page.waitForFunction(() => Number(document.querySelector('#step')!.textContent!.replace(/,/g, '')) > 0);
    await page.click('#train');
    await page.waitForSelector('body[data-state="paused"]');
    expect(await text('#train')).toBe('Resume');
    const step = await text('#step');
    await page.waitForTimeout(300);
    expect(await text('#step')).toBe(step);
    await page.click('#train');
    await page.waitForFunction((before) => document.querySelector('#step')!.textContent !== before, step);
  }, 60_000);

  test('a model the worker does not know gets a clear error, and the run goes on', async () => {
    const step = await text('#step');
    await page.evaluate(() => {
      const choice = document.querySelector<HTMLSelectElement>('#model-choice')!;
      choice.add(new Option('RNN', 'rnn'));
      choice.value = 'rnn';
      choice.dispatchEvent(new Event('change'));
    });
    await page.waitForFunction(() => document.querySelector('#status')!.textContent!.startsWith('Error'));
    expect(await text('#status')).toBe(`Error: unknown model "rnn"; expected one of 'neuralnet2', 'cnn'`);
    expect(problems.splice(0)).toEqual([expect.stringMatching(/^console\.error: training worker: unknown model "rnn"; expected one of 'neuralnet2', 'cnn'\n/)]);
    await page.evaluate(() => document.querySelector<HTMLSelectElement>('#model-choice option[value="rnn"]')!.remove());
    // A message of no known type, to a worker of its own: the same kind of error comes back.
    const reply = await page.evaluate(
      () =>
        new Promise<unknown>((resolve) => {
          const w = new Worker('worker.js');
          w.onmessage = (event: MessageEvent<{ type: string }>) => {
            if (event.data.type !== 'error') return;
            w.terminate();
            resolve(event.data);
          };
          w.postMessage({ type: 'go' });
        }),
    );
    expect(reply).toEqual({
      type: 'error',
      message: expect.stringMatching(/^training worker: unknown message \{"type":"go"\}; expected type 'start', 'pause' or 'reset'\n/),
    });
    // Still NeuralNet2, still training.
    await page.waitForFunction((before) => document.querySelector('#step')!.textContent !== before, step);
    expect(await page.getAttribute('body', 'data-model')).toBe('neuralnet2');
  }, 30_000);

  test(`the CNN, chosen on the page: trains past ${100 * CNN_ACCURACY}% test accuracy, responsive; the drawn 7 reads as a 7`, async () => {
    const started = Date.now();
    // Choosing it mid-training starts a new, paused run of it; the page swaps its own copy of the model.
    await page.selectOption('#model-choice', 'cnn');
    await page.waitForSelector('body[data-model="cnn"][data-state="paused"]');
    expect(await text('#model')).toBe(
      'ConvNet(\n' +
        '  (conv1): Conv2d(1, 8, kernel_size=(5, 5), stride=(1, 1))\n' +
        '  (relu): ReLU()\n' +
        '  (pool): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)\n' +
        '  (conv2): Conv2d(8, 16, kernel_size=(5, 5), stride=(1, 1))\n' +
        '  (fc): Linear(in_features=256, out_features=10, bias=True)\n' +
        ')',
    );
    expect(await text('#setup')).toBe(
      'CrossEntropyLoss, SGD(lr=0.05, momentum=0.9), StepLR(stepSize=1, gamma=0.5) per epoch, batch size 32, 3 epochs of 250 steps. ' +
        '8,000 MNIST digits (all ten) to train on, 2,000 held out to test.',
    );
    expect(await text('#step')).toBe('0');
    expect(Number(await page.getAttribute('#test-accuracy', 'data-value'))).toBeLessThan(0.3);
    // The untrained CNN already predicts the drawing (the page feeds it [1, 1, 28, 28]).
    await page.click('#clear');
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#prediction')!.dataset.digit === '');
    await drawSeven();
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#prediction')!.dataset.digit !== '');
    expect(Number(await page.getAttribute('#probs', 'data-sum'))).toBeCloseTo(1, 5);

    await trainPast(CNN_ACCURACY, 'CNN');
    await page.waitForSelector('body[data-state="done"]', { timeout: 90_000 });
    const accuracy = Number(await page.getAttribute('#test-accuracy', 'data-value'));
    expect(accuracy).toBeGreaterThan(CNN_ACCURACY);
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#prediction')!.dataset.digit === '7', undefined, { timeout: 10_000 });
    const probs = await probabilities();
    expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 2);
    console.log(
      `demo, CNN: finished at ${(100 * accuracy).toFixed(1)}% test accuracy after ${((Date.now() - started) / 1000).toFixed(1)} s; the drawn 7 reads as 7 with p = ${probs[7].toFixed(3)}`,
    );
    const shot = await page.screenshot({ fullPage: true });
    fs.writeFileSync(path.join(root, 'out', 'demo-cnn.png'), shot);
    expect(shot.length).toBeLessThan(300 * 1024);
  }, 120_000);
});
