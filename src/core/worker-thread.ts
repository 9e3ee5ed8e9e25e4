/**
 * Starting the package's worker thread (dist/worker.js, entry src/worker.ts)
 * and asking it one thing at a time. Only the built package has the entry;
 * from sources (tests run src/ directly) `canUseWorkers()` is false and
 * callers do the work on the calling thread.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type Transferable } from 'node:worker_threads';

function workerPath(): string | null {
  try {
    // In dist/ every module is bundled beside worker.js.
    const p = fileURLToPath(new URL('./worker.js', import.meta.url));
    return existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

export function canUseWorkers(): boolean {
  return workerPath() !== null;
}

export interface WorkerHandle {
  /** Send one message (with `transfer`: objects moved to the thread, a message port say) and wait for the one reply. */
  request<Reply>(msg: unknown, transfer?: readonly Transferable[]): Promise<Reply>;
  /** Ends the thread; resolves once it has exited (its memory is returned). */
  stop(): Promise<void>;
}

/** Start a worker now (its module loading overlaps the caller's work); send it work later. */
export function startWorker(): WorkerHandle {
  const path = workerPath();
  if (!path) throw new Error('worker entry not found (worker threads need the built package)');
  const w = new Worker(path);
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
