/** The README's first example must compile and run as written (with 'tsgrad' mapped to src/). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..', '..');

function firstTsBlock(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const match = /```ts\n([\s\S]*?)```/.exec(readme);
  if (!match) throw new Error('README.md has no ```ts block');
  return match[1];
}

test('the README example type-checks and prints the module tree it promises', () => {
  const source = firstTsBlock().replace(/from 'tsgrad'/g, `from '${join(root, 'src/index')}'`);
  const dir = mkdtempSync(join(tmpdir(), 'tsgrad-readme-'));
  const file = join(dir, 'example.ts');
  writeFileSync(file, source);
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  execFileSync(process.execPath, [
    tsc,
    '--noEmit',
    '--strict',
    '--target',
    'ES2022',
    '--module',
    'commonjs',
    '--moduleResolution',
    'node',
    '--esModuleInterop',
    '--skipLibCheck',
    '--types',
    'node',
    '--typeRoots',
    join(root, 'node_modules/@types'),
    file,
  ]);
  const out = execFileSync(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), file], { encoding: 'utf8' });
  const promised = [...source.matchAll(/^\/\/ (.*)$/gm)].map((m) => m[1]).join('\n');
  expect(promised).toContain('NeuralNet2(');
  expect(out).toContain(promised);
}, 60_000);
