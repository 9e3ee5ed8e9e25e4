/**
 * A full garbage collection on the calling thread, for a worker thread that
 * has finished a large piece of work and idles until its next one (the kept
 * loading worker, src/worker.ts): V8 would otherwise keep the dead heap until
 * allocation next forces a major collection.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * A full collection, now (false: none could be asked for). V8 gives `gc` to
 * contexts made while `--expose-gc` is set: the flag is set for the one
 * context that fetches it and reset at once, so that the process keeps its
 * own setting (a V8 flag is the whole process's; the library sets none for
 * its callers, src/core/v8-tuning.ts). A process started with `--expose-gc`
 * has `gc` already.
 */
export function collectGarbageNow(): boolean {
  try {
    let gc = (globalThis as { gc?: () => void }).gc;
    if (typeof gc !== 'function') {
      setFlagsFromString('--expose-gc');
      try {
        gc = runInNewContext('gc') as () => void;
      } finally {
        setFlagsFromString('--no-expose-gc');
      }
    }
    gc();
    return true;
  } catch {
    // Without it the heap is collected when V8 decides.
    return false;
  }
}
