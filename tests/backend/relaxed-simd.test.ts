/**
 * The relaxed-SIMD builds (fused multiply-adds): Node 20 validates relaxed SIMD only under
 * `node --experimental-wasm-relaxed-simd`, so this runs the kernel tests (against the TypeScript
 * reference, within float rounding), the convolution kernel tests (im2col and Winograd) and the thread tests (1, 2 and 3
 * threads bit-identical) in a child jest started so, and checks that they ran on the relaxed build. Where this runtime already
 * validates relaxed SIMD (Node 22+), the suites above ran on it in this process too.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { createWasmBackend, relaxedSimdSupported, simdFlavor } from '../../src/backend/wasm/backend';
import { threadsUnavailableReason } from '../../src/backend/wasm/pool';

const root = path.join(__dirname, '..', '..');
const FLAG = '--experimental-wasm-relaxed-simd';

/** Node flags that make this runtime validate relaxed SIMD: none if it already does, the V8 flag if it knows it, else null. */
function relaxedFlags(): string[] | null {
  if (relaxedSimdSupported()) return [];
  const probe = spawnSync(process.execPath, [FLAG, '-e', ''], { encoding: 'utf8' });
  return probe.status === 0 ? [FLAG] : null;
}

const flags = createWasmBackend() ? relaxedFlags() : null;
if (!flags) console.warn(`SKIPPING the relaxed-SIMD run: this node (${process.version}) has no relaxed SIMD, even behind ${FLAG}`);

(createWasmBackend() ? test : test.skip)('Node 20 without the flag runs the SIMD128 build; Node 21+ (V8 11.4+) the relaxed one', () => {
  const relaxed = Number(process.versions.node.split('.')[0]) >= 21 || process.execArgv.includes(FLAG);
  expect(relaxedSimdSupported()).toBe(relaxed);
  expect(simdFlavor(createWasmBackend()!)).toBe(relaxed ? 'relaxed-simd' : 'simd128');
});

(flags ? test : test.skip)(
  `the kernel and thread tests pass on the relaxed-SIMD build (node ${FLAG})`,
  () => {
    const jest = path.join(root, 'node_modules', 'jest', 'bin', 'jest.js');
    const suites = [
      'tests/backend/wasm-kernels.test.ts',
      'tests/backend/conv-kernels.test.ts',
      'tests/backend/winograd.test.ts',
      'tests/backend/optim-kernels.test.ts',
      ...(threadsUnavailableReason() ? [] : ['tests/backend/threads.test.ts']),
    ];
    const r = spawnSync(process.execPath, [...flags!, jest, '--runInBand', '--ci', ...suites], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, TSGRAD_EXPECT_SIMD: 'relaxed-simd' },
      timeout: 600_000,
    });
    const out = `${r.stdout}${r.stderr}`;
    const summary = /Tests:\s+(.*)/.exec(out)?.[1] ?? '';
    // every suite ran, nothing failed or was skipped (a failure shows its test's name here)
    expect({ status: r.status, summary, failures: out.match(/(✕|●) .*/g) ?? [] }).toEqual({
      status: 0,
      summary: expect.stringMatching(/^\d+ passed, \d+ total$/),
      failures: [],
    });
    expect(out).toContain(`Test Suites: ${suites.length} passed, ${suites.length} total`);
  },
  600_000,
);
