/**
 * The loader's side of the worker thread (entry: src/worker.ts): runs one
 * shard (parse, link, normalize; src/loader/shard.ts) with the vendor states
 * it is sent. The rules travel back as JSON strings (batches of rules): a string
 * is copied in one piece, where the structured clone of the rule objects cost
 * more than parsing them again on the main thread (docs/performance.md).
 */
import type { Vendor } from '../ast/schema.js';
import type { NormalizeOptions } from '../normalize/index.js';
import type { ParseOptions } from '../vendors/types.js';
import type { ParseJob } from './parse-files.js';
import { runShard, type ShardResult } from './shard.js';

export interface WorkerRequest {
  kind: 'shard';
  jobs: ParseJob[];
  states: Partial<Record<Vendor, unknown>>;
  opts: Partial<Record<Vendor, ParseOptions>>;
  normalize: NormalizeOptions | false;
  /** Vendors split over several threads: returned as parsed, linked and normalized by the main thread. */
  raw: Vendor[];
  /**
   * The thread is kept for more work once this shard is done (`LoadOptions.keepWorker`): it then
   * collects its garbage at once, so that the parse's heap is not held for the rest of the build.
   */
  kept?: boolean;
}

/** A shard's result with each vendor's rules as JSON text. */
export type WorkerReply = { ok: true; result: ShardResult<string[]> } | { ok: false; error: string };

/** Rules per JSON string: one string for a whole vendor could pass V8's string length limit on a large corpus. */
const BATCH = 500;

function jsonBatches(rules: unknown[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < rules.length; i += BATCH) out.push(JSON.stringify(rules.slice(i, i + BATCH)));
  return out;
}

export async function handleShard(req: WorkerRequest): Promise<WorkerReply> {
  try {
    const r = await runShard({ jobs: req.jobs, stateOf: (v) => req.states[v], parseOpts: (v) => req.opts[v]!, normalize: req.normalize, raw: req.raw });
    return { ok: true, result: { ...r, vendors: r.vendors.map((v) => ({ ...v, rules: jsonBatches(v.rules) })) } };
  } catch (e) {
    return { ok: false, error: (e as Error).stack ?? String(e) };
  }
}
