/**
 * Parse rule files on worker threads. The files are split into one
 * contiguous batch per worker (balanced by text size) and the results come
 * back in input order, so the output is identical to the in-process path.
 * Available only from the built package (dist/worker.js); from sources the
 * loader parses in-process.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Vendor } from '../ast/schema.js';
import type { ParsedFile, ParseOptions } from '../vendors/types.js';
import type { ParseJob } from './parse-files.js';
import type { WorkerRequest } from './worker.js';

function workerPath(): string | null {
  try {
    const p = fileURLToPath(new URL('./worker.js', import.meta.url));
    return existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

export function canParseInWorkers(): boolean {
  return workerPath() !== null;
}

function split(jobs: ParseJob[], n: number): ParseJob[][] {
  const total = jobs.reduce((s, j) => s + j.text.length, 0);
  const target = total / n;
  const out: ParseJob[][] = [[]];
  let acc = 0;
  for (const j of jobs) {
    if (acc >= target * out.length && out.length < n) out.push([]);
    out[out.length - 1]!.push(j);
    acc += j.text.length;
  }
  return out.filter((b) => b.length);
}

export async function parseInWorkers(
  jobs: ParseJob[],
  states: Partial<Record<Vendor, unknown>>,
  opts: Partial<Record<Vendor, ParseOptions>>,
  workers: number,
  onProgress?: (done: number, total: number) => void,
): Promise<ParsedFile[]> {
  const path = workerPath();
  if (!path) throw new Error('worker entry not found (parallel parsing needs the built package)');
  const batches = split(jobs, Math.max(1, workers));
  let done = 0;
  const results = await Promise.all(
    batches.map(
      (batch) =>
        new Promise<ParsedFile[]>((resolve, reject) => {
          const w = new Worker(path);
          w.once('message', (r: ParsedFile[]) => {
            done += batch.length;
            onProgress?.(done, jobs.length);
            resolve(r);
            void w.terminate();
          });
          w.once('error', reject);
          const req: WorkerRequest = { jobs: batch, states, opts };
          w.postMessage(req);
        }),
    ),
  );
  return results.flat();
}
