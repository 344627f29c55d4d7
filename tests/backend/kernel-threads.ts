/** What the kernel-thread tests share. */
import type { KernelBackend } from '../../src/backend/registry';
import { runningThreads } from '../../src/backend/wasm/backend';

/** Resolves once `backend` runs `threads` threads (workers start without being waited for); throws after 30 s. */
export async function untilRunning(backend: KernelBackend, threads: number): Promise<void> {
  for (let waited = 0; runningThreads(backend) < threads; waited += 10) {
    if (waited > 30_000) throw new Error(`the kernel workers did not start: ${runningThreads(backend)} of ${threads} threads`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
