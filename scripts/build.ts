/**
 * Builds the published package into dist/ (`npm run build`):
 *
 *   dist/index.mjs, dist/index.cjs             the core, ES module and CommonJS (no Node APIs)
 *   dist/node/index.mjs, dist/node/index.cjs   tsgrad/node: files and the MNIST loader
 *   dist/types/**.d.ts                          declarations, from tsc (tsconfig.build.json)
 *   dist/index.d.mts, dist/node/index.d.mts     the same declarations seen as ES modules
 *
 * Each entry is one esbuild bundle; seedrandom and protobufjs stay external dependencies. The node entry
 * imports the core from ../index.{mjs,cjs} rather than bundling a copy of it, so `tsgrad` and
 * `tsgrad/node` share one Tensor class (instanceof holds across them).
 *
 *   npm run build                        # into dist/
 *   tsx scripts/build.ts --outdir DIR    # anywhere else (the package test builds into a temp dir)
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';

const root = path.join(__dirname, '..');
const src = path.join(root, 'src');
const nodeSrc = path.join(src, 'node');

/** The bundles: ES module and CommonJS of each entry point. */
const entries = [
  { entry: 'index.ts', out: 'index' },
  { entry: 'node/index.ts', out: 'node/index' },
] as const;
const formats = [
  { format: 'esm', ext: '.mjs' },
  { format: 'cjs', ext: '.cjs' },
] as const;

/**
 * In the node entry's bundle, every import that leaves src/node is the core: it becomes an import
 * of the core bundle (every name the node entry takes from the core is also exported by it).
 */
function coreAsExternal(ext: string): esbuild.Plugin {
  return {
    name: 'core-as-external',
    setup(build) {
      build.onResolve({ filter: /^\.\.?\// }, (args) => {
        if (!args.importer.startsWith(nodeSrc + path.sep)) return undefined;
        const target = path.resolve(path.dirname(args.importer), args.path);
        if (target === nodeSrc || target.startsWith(nodeSrc + path.sep)) return undefined;
        return { path: `../index${ext}`, external: true };
      });
    },
  };
}

/** ES modules have no `require`; the MNIST loader uses `require.resolve` to find the mnist package. */
const ESM_REQUIRE_BANNER = "import { createRequire as __tsgradCreateRequire } from 'node:module';\nconst require = __tsgradCreateRequire(import.meta.url);";

async function bundle(outdir: string): Promise<void> {
  const builds = entries.flatMap(({ entry, out }) =>
    formats.map(({ format, ext }) => {
      const isNode = entry.startsWith('node/');
      return esbuild.build({
        entryPoints: [path.join(src, entry)],
        outfile: path.join(outdir, out + ext),
        bundle: true,
        format,
        platform: isNode ? 'node' : 'neutral',
        target: 'es2022',
        external: ['seedrandom', 'protobufjs', 'protobufjs/light.js'],
        // NOTE: keepNames, because printing a module uses its class name (`Linear(...)`).
        keepNames: true,
        plugins: isNode ? [coreAsExternal(ext)] : [],
        banner: isNode && format === 'esm' ? { js: ESM_REQUIRE_BANNER } : undefined,
        logLevel: 'warning',
      });
    }),
  );
  await Promise.all(builds);
}

/** Declarations with tsc, plus the `.d.mts` twins that `import` (not `require`) resolves to. */
function declarations(outdir: string): void {
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const typesDir = path.join(outdir, 'types');
  const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json'), '--declarationDir', typesDir], {
    cwd: root,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`tsc (declarations) failed:\n${r.stdout}${r.stderr}`);
  fs.writeFileSync(path.join(outdir, 'index.d.mts'), "export * from './types/index.js';\n");
  fs.writeFileSync(path.join(outdir, 'node', 'index.d.mts'), "export * from '../types/node/index.js';\n");
}

/** Builds the package into `outdir` (emptied first); returns the files written, relative to it. */
export async function build(outdir: string = path.join(root, 'dist')): Promise<string[]> {
  fs.rmSync(outdir, { recursive: true, force: true });
  await bundle(outdir);
  declarations(outdir);
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else files.push(path.relative(outdir, p).split(path.sep).join('/'));
    }
  };
  walk(outdir);
  return files.sort();
}

if (require.main === module) {
  const i = process.argv.indexOf('--outdir');
  const outdir = i >= 0 ? path.resolve(process.argv[i + 1]) : path.join(root, 'dist');
  const started = performance.now();
  build(outdir).then(
    (files) => {
      const ms = Math.round(performance.now() - started);
      const js = files.filter((f) => /\.[cm]js$/.test(f));
      console.log(`Built ${path.relative(process.cwd(), outdir) || '.'}/ in ${ms} ms: ${js.join(', ')} and ${files.length - js.length} declaration files`);
    },
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
}
