/** Where the examples write their files: `out/` at the repository root unless a flag says otherwise. */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** `out/<name>` at the repository root (git-ignored). */
export function outPath(name: string): string {
  return path.join(__dirname, '..', '..', 'out', name);
}

/** `file` as the user should read it: relative to the current directory when it is below it. */
export function shown(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/** Creates the folder that `file` goes in. */
export function ensureDir(file: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
}

/** Writes `text` to `file`, creating its folder first. */
export function writeText(file: string, text: string): void {
  ensureDir(file);
  fs.writeFileSync(file, text);
}
