/**
 * `npm run demo`: builds the demo page, then serves it on http://127.0.0.1:8080/ (loopback only).
 *
 *   npm run demo -- --port 9000     another port (0 for any free one)
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { buildDemo, DEFAULT_OUTDIR } from './build';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.bin': 'application/octet-stream',
};

export interface DemoServer {
  url: string;
  close(): Promise<void>;
}

/** Serves the files of `root` (GET and HEAD only) on 127.0.0.1:`port`. */
export function serveDir(root: string, port: number): Promise<DemoServer> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const name = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
    const file = path.resolve(root, name);
    const type = TYPES[path.extname(file)];
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !file.startsWith(root + path.sep) || !type || !fs.existsSync(file)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    const body = fs.readFileSync(file);
    // Cross-origin isolation (COOP + COEP), so the page and its workers get SharedArrayBuffer and the
    // training worker's kernels run on every core (tsgrad's kernel threads, setNumThreads).
    res.writeHead(200, {
      'content-type': type,
      'content-length': body.length,
      'cache-control': 'no-store',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: actual } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${actual}/`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}

async function main(argv: string[]): Promise<void> {
  const i = argv.indexOf('--port');
  const port = i >= 0 ? Number(argv[i + 1]) : 8080;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, got ${argv[i + 1]}`);
  const started = performance.now();
  const build = await buildDemo(DEFAULT_OUTDIR);
  console.log(`Built the demo in ${Math.round(performance.now() - started)} ms (${build.digits.toLocaleString('en-US')} MNIST digits).`);
  let server: DemoServer;
  try {
    server = await serveDir(build.outdir, port);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    console.log(`Port ${port} is taken; using a free one.`);
    server = await serveDir(build.outdir, 0);
  }
  console.log(`Serving the demo at ${server.url}  (Ctrl+C to stop)`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
