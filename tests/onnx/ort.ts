/**
 * Runs exported models in ONNX Runtime for the web (onnxruntime-web's Node build, on wasm) through
 * tests/onnx/ort-run.mjs in a child process (jest's module sandbox cannot load it), and compares.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Tensor } from '../../src/index';

/** One model and the input sets to run it on. */
export interface OrtJob {
  model: Uint8Array;
  runs: Record<string, Tensor>[];
}

export interface OrtTensor {
  dtype: string;
  dims: number[];
  data: number[];
}

export interface OrtResult {
  error?: string;
  inputNames: string[];
  outputNames: string[];
  runs: Record<string, OrtTensor>[];
}

/** Runs every job in one child process; a model ORT rejects gives a result with `error`. */
export function runOrt(jobs: OrtJob[]): OrtResult[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsgrad-onnx-'));
  try {
    const spec = jobs.map((job, i) => {
      const model = path.join(dir, `model${i}.onnx`);
      fs.writeFileSync(model, job.model);
      const runs = job.runs.map((feeds) =>
        Object.fromEntries(
          Object.entries(feeds).map(([name, t]) => {
            const data = t.dtype === 'bool' ? Uint8Array.from(t.data) : t.data;
            return [name, { dtype: t.dtype, dims: [...t.shape], data: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64') }];
          }),
        ),
      );
      return { model, runs };
    });
    const jobFile = path.join(dir, 'jobs.json');
    fs.writeFileSync(jobFile, JSON.stringify(spec));
    const out = execFileSync(process.execPath, [path.join(__dirname, 'ort-run.mjs'), jobFile], { maxBuffer: 1 << 28, encoding: 'utf8' });
    return JSON.parse(out) as OrtResult[];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The largest |a - b| over two outputs, after checking shapes; NaN where exactly one is NaN counts as Infinity. */
export function maxDiff(ours: Tensor, theirs: OrtTensor): number {
  expect(theirs.dims).toEqual([...ours.shape]);
  let worst = 0;
  const a = ours.data;
  for (let i = 0; i < a.length; i++) {
    const x = Number(a[i]);
    const y = theirs.data[i];
    const d = Number.isNaN(x) && Number.isNaN(y) ? 0 : Number.isNaN(x) || Number.isNaN(y) ? Infinity : Math.abs(x - y);
    worst = Math.max(worst, d);
  }
  return worst;
}
