/**
 * Kernel threads in a browser (headless Chromium, as tests/demo/browser.test.ts): on a
 * cross-origin isolated page (COOP/COEP headers), a Web Worker running the core bundle starts its
 * kernel workers from a Blob URL, runs on 2 threads, and multiplies and trains to the same bits as
 * on 1; the page's main thread, which may not block, stays on one thread; without isolation
 * (no SharedArrayBuffer) the worker stays on one thread too. Skipped without Chromium.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { chromium, type Browser } from 'playwright-core';

const root = path.join(__dirname, '..', '..');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const HAVE_CHROMIUM = fs.existsSync(CHROMIUM);
if (!HAVE_CHROMIUM) console.warn(`SKIPPING the browser thread tests: no Chromium at ${CHROMIUM} (set CHROMIUM_PATH)`);
const FLAGS = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** What the page reports: the backend on its main thread, and what the worker measured. */
interface Report {
  isolated: boolean;
  main: { name: string; simd: string; threads: number };
  worker: { isolated: boolean; before: number; info: { name: string; simd: string; threads: number }; sameBits: boolean; lossesSame: boolean };
}

const ENTRY = `
import * as torch from './src/index';
import { getBackendInfo, setNumThreads } from './src/backend/registry';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function losses(threads) {
  setNumThreads(threads);
  torch.manualSeed(1);
  const net = new torch.nn.Sequential(new torch.nn.Linear(64, 96), new torch.nn.ReLU(), new torch.nn.Linear(96, 10));
  const opt = new torch.optim.SGD(net.parameters(), { lr: 0.1 });
  const x = torch.randn([128, 64]), y = torch.randint(0, 10, [128]);
  const out = [];
  for (let s = 0; s < 5; s++) {
    opt.zeroGrad();
    const loss = torch.nn.functional.crossEntropy(net.forward(x), y);
    loss.backward();
    opt.step();
    out.push(loss.item());
  }
  return out;
}
async function inWorker() {
  setNumThreads(2);
  const before = getBackendInfo().threads;
  for (let i = 0; i < 500 && getBackendInfo().threads < 2; i++) await sleep(10);
  const info = getBackendInfo();
  const a = torch.randn([300, 200]), b = torch.randn([200, 260]);
  const two = a.matmul(b).data;
  setNumThreads(1);
  const one = a.matmul(b).data;
  const sameBits = one.length === two.length && one.every((v, i) => Object.is(v, two[i]));
  const l1 = losses(1), l2 = losses(2);
  self.postMessage({ isolated: self.crossOriginIsolated, before, info, sameBits, lossesSame: l1.every((v, i) => Object.is(v, l2[i])) });
}
if (typeof document === 'undefined') {
  inWorker().catch((e) => self.postMessage({ error: String(e && e.stack || e) }));
} else {
  setNumThreads(2);
  const main = getBackendInfo();
  const w = new Worker('bundle.js');
  w.onmessage = (e) => { window.report = e.data.error ? { error: e.data.error } : { isolated: self.crossOriginIsolated, main, worker: e.data }; };
  w.onerror = (e) => { window.report = { error: e.message }; };
}
`;

let browser: Browser | null = null;
let server: http.Server | null = null;
let base = '';
/** Whether the server sends the cross-origin isolation headers. */
let isolate = true;

(HAVE_CHROMIUM ? describe : describe.skip)('kernel threads in headless Chromium', () => {
  beforeAll(async () => {
    const bundle = await esbuild.build({
      stdin: { contents: ENTRY, resolveDir: root, loader: 'ts' },
      bundle: true,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
    });
    const js = bundle.outputFiles[0].text;
    server = http.createServer((req, res) => {
      const headers: Record<string, string> = isolate ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : {};
      if (req.url === '/bundle.js') res.writeHead(200, { 'Content-Type': 'text/javascript', ...headers }).end(js);
      else res.writeHead(200, { 'Content-Type': 'text/html', ...headers }).end('<!doctype html><script src="bundle.js"></script>');
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server!.address() as AddressInfo).port}/`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => server?.close(r));
  });

  async function report(): Promise<Report> {
    const page = await browser!.newPage();
    try {
      await page.goto(base);
      await page.waitForFunction(() => (window as unknown as { report?: unknown }).report !== undefined, undefined, { timeout: 90_000 });
      const r = await page.evaluate(() => (window as unknown as { report: Report | { error: string } }).report);
      if ('error' in r) throw new Error(`the page failed: ${r.error}`);
      return r;
    } finally {
      await page.close();
    }
  }

  test('isolated: the worker trains on 2 threads, bit-identical to 1; the main thread stays on 1', async () => {
    isolate = true;
    const r = await report();
    expect(r.isolated).toBe(true);
    expect(r.main).toEqual({ name: 'wasm', simd: 'relaxed-simd', threads: 1 });
    expect(r.worker.isolated).toBe(true);
    expect(r.worker.before).toBe(1); // the kernel workers start only after this worker yields
    expect(r.worker.info).toEqual({ name: 'wasm', simd: 'relaxed-simd', threads: 2 });
    expect(r.worker.sameBits).toBe(true);
    expect(r.worker.lossesSame).toBe(true);
  }, 120_000);

  test('not isolated (no SharedArrayBuffer): one thread everywhere, still training', async () => {
    isolate = false;
    const r = await report();
    expect(r.isolated).toBe(false);
    expect(r.worker.isolated).toBe(false);
    expect(r.worker.info).toEqual({ name: 'wasm', simd: 'relaxed-simd', threads: 1 });
    expect(r.worker.sameBits).toBe(true);
    expect(r.worker.lossesSame).toBe(true);
  }, 120_000);
});
