/**
 * Worker-thread entry of the parallel loader: runs one shard (parse, link,
 * normalize; src/loader/shard.ts) with the vendor states it is sent, and
 * posts the result back. The rules travel as one JSON string per vendor:
 * a string is copied in one piece, where the structured clone of the rule
 * objects cost more than parsing them again on the main thread
 * (docs/performance.md).
 */
import { parentPort } from 'node:worker_threads';
import type { Vendor } from '../ast/schema.js';
import type { NormalizeOptions } from '../normalize/index.js';
import type { ParseOptions } from '../vendors/types.js';
import type { ParseJob } from './parse-files.js';
import { runShard, type ShardResult } from './shard.js';

export interface WorkerRequest {
  jobs: ParseJob[];
  states: Partial<Record<Vendor, unknown>>;
  opts: Partial<Record<Vendor, ParseOptions>>;
  normalize: NormalizeOptions | false;
}

/** A shard's result with each vendor's rules as JSON text. */
export type WorkerReply = { ok: true; result: ShardResult<string> } | { ok: false; error: string };

parentPort?.on('message', (req: WorkerRequest) => {
  runShard({ jobs: req.jobs, stateOf: (v) => req.states[v], parseOpts: (v) => req.opts[v]!, normalize: req.normalize }).then(
    (r) => {
      const result: ShardResult<string> = { ...r, vendors: r.vendors.map((v) => ({ ...v, rules: JSON.stringify(v.rules) })) };
      parentPort!.postMessage({ ok: true, result } satisfies WorkerReply);
    },
    (e: unknown) => parentPort!.postMessage({ ok: false, error: (e as Error).stack ?? String(e) } satisfies WorkerReply),
  );
});
