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

/** The ```ts block whose first line is `// <name>: ...`. */
function namedTsBlock(name: string): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const block = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]).find((b) => b.startsWith(`// ${name}:`));
  if (!block) throw new Error(`README.md has no \`\`\`ts block starting // ${name}:`);
  return block;
}

/** Type-checks a README script (with 'tsgrad' and 'tsgrad/node' mapped to src/) and runs it in `dir`; returns its output. */
function typecheckAndRun(source: string, dir: string): string {
  const file = join(dir, 'example.ts');
  writeFileSync(
    file,
    source.replace(/from 'tsgrad\/node'/g, `from '${join(root, 'src/node/index')}'`).replace(/from 'tsgrad'/g, `from '${join(root, 'src/index')}'`),
  );
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
  return execFileSync(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), file], { encoding: 'utf8', cwd: dir });
}

test('the README training script (init, AdamW, OneCycleLR, clipping, checkpoint and resume) type-checks, runs and learns', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsgrad-readme-train-'));
  const out = typecheckAndRun(namedTsBlock('train-and-resume.ts'), dir);
  const accuracy = Number(/train accuracy after 6 epochs: ([\d.]+)%/.exec(out)?.[1]);
  expect(accuracy).toBeGreaterThan(90);
}, 120_000);

test('the README example type-checks and prints the module tree it promises', () => {
  const source = firstTsBlock();
  const out = typecheckAndRun(source, mkdtempSync(join(tmpdir(), 'tsgrad-readme-')));
  const promised = [...source.matchAll(/^\/\/ (.*)$/gm)].map((m) => m[1]).join('\n');
  expect(promised).toContain('NeuralNet2(');
  expect(out).toContain(promised);
}, 60_000);
