/**
 * Issue 16's small-ops chain on the npm package: a process in plain node (no tsx) that `require`s
 * dist/index.cjs, as a user's script would, and runs bench/small-ops.ts's chain on it at the
 * backend and threads of $TSGRAD_BACKEND and $TSGRAD_THREADS. bench/run.ts bundles this file with
 * esbuild at the start of section ops (./small-ops and ./stats inlined; tsgrad is not in the bundle,
 * only required at run time) and forks the bundle.
 */
import { runSmallOps, type SmallOpsReply, type TsgradLib } from './small-ops';

export interface PackageRequest {
  type: 'small-ops-package';
  /** The absolute path of the package's CommonJS entry (dist/index.cjs). */
  dist: string;
  reps: number;
  warmupMs: number;
}

function load(dist: string): TsgradLib {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the package, loaded as a user's require() would
  return require(dist) as TsgradLib;
}

async function handle(req: PackageRequest): Promise<SmallOpsReply> {
  if (req.type !== 'small-ops-package') throw new Error(`package worker: unknown request ${JSON.stringify(req)}`);
  return runSmallOps(load(req.dist), req.reps, req.warmupMs);
}

if (require.main === module) {
  if (!process.send) throw new Error('bench/package-worker.ts is bundled and started by bench/run.ts, not by hand');
  process.on('message', (req: PackageRequest) => {
    handle(req).then(
      (value) => process.send!({ ok: true, value }),
      (e: unknown) => process.send!({ ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
}
