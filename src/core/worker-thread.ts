/**
 * Starting the package's worker threads and asking one thing at a time: the
 * loader's (dist/worker.js, entry src/worker.ts) or the page worker
 * (dist/page-worker.js, entry src/page-worker.ts). Only the built package has
 * the entries; from sources (tests run src/ directly) `canUseWorkers()` is
 * false and callers do the work on the calling thread.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type ResourceLimits, type Transferable } from 'node:worker_threads';

/** The worker entries, bundled beside this module in dist/. */
export type WorkerEntry = 'worker' | 'page-worker';

function workerPath(entry: WorkerEntry = 'worker'): string | null {
  try {
    const p = fileURLToPath(new URL(`./${entry}.js`, import.meta.url));
    return existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

export function canUseWorkers(): boolean {
  return workerPath('worker') !== null && workerPath('page-worker') !== null;
}

export interface WorkerHandle {
  /** Send one message (with `transfer`: objects moved to the thread, a message port say) and wait for the one reply. */
  request<Reply>(msg: unknown, transfer?: readonly Transferable[]): Promise<Reply>;
  /** Ends the thread; resolves once it has exited (its memory is returned). */
  stop(): Promise<void>;
}

/**
 * Start a worker now (its module loading overlaps the caller's work); send it work later.
 * `resourceLimits` caps its heap: a worker that outgrows it ends with an error, which its
 * request rejects with (callers then do the work on their own thread).
 */
export function startWorker(options: { entry?: WorkerEntry; resourceLimits?: ResourceLimits } = {}): WorkerHandle {
  const path = workerPath(options.entry);
  if (!path) throw new Error('worker entry not found (worker threads need the built package)');
  const w = new Worker(path, options.resourceLimits ? { resourceLimits: options.resourceLimits } : {});
  let failed: Error | null = null;
  const early = (e: Error) => (failed = e);
  w.on('error', early);
  return {
    request: <Reply>(msg: unknown, transfer?: readonly Transferable[]) =>
      new Promise<Reply>((resolve, reject) => {
        if (failed) return reject(failed);
        w.off('error', early);
        const onError = (e: Error) => reject(e);
        w.once('error', onError);
        w.once('message', (reply: Reply) => {
          w.off('error', onError);
          w.on('error', early);
          resolve(reply);
        });
        w.postMessage(msg, transfer);
      }),
    stop: () => w.terminate().then(() => undefined, () => undefined),
  };
}
