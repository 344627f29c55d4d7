// Runs ONNX models in ONNX Runtime for the web (its Node build, on wasm) for tests/onnx/ort.ts.
// jest's module sandbox cannot load onnxruntime-web (it imports its wasm glue dynamically), so the
// tests run this file in a child process: argv[2] is a JSON job file, the results go to stdout.
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import process from 'node:process';
import * as ort from 'onnxruntime-web';

ort.env.wasm.numThreads = 1;
const TYPED = { float32: Float32Array, float64: Float64Array, int32: Int32Array, int64: BigInt64Array, bool: Uint8Array };

const fromBase64 = (text, dtype) => {
  const bytes = Buffer.from(text, 'base64');
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return new TYPED[dtype](copy.buffer);
};

const jobs = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const results = [];
for (const job of jobs) {
  try {
    const session = await ort.InferenceSession.create(readFileSync(job.model));
    const runs = [];
    for (const feeds of job.runs) {
      const inputs = {};
      for (const [name, t] of Object.entries(feeds)) inputs[name] = new ort.Tensor(t.dtype, fromBase64(t.data, t.dtype), t.dims);
      const out = await session.run(inputs);
      const outputs = {};
      for (const name of session.outputNames) {
        const t = out[name];
        const data = t.type === 'int64' ? Array.from(t.data, Number) : Array.from(t.data);
        outputs[name] = { dtype: t.type, dims: [...t.dims], data };
      }
      runs.push(outputs);
    }
    results.push({ inputNames: session.inputNames, outputNames: session.outputNames, runs });
  } catch (e) {
    results.push({ error: String(e && e.message ? e.message : e) });
  }
}
process.stdout.write(JSON.stringify(results));
