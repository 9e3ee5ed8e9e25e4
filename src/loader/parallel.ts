/**
 * Shards on worker threads. The loader splits the rule files by vendor
 * (each thread warms only its own vendors' parsers, and a vendor's link pass
 * sees all of its rules) and runs one shard on the main thread while the
 * others run here; results are put back in load order, so the output is the
 * same as the one-thread path. Available only from the built package
 * (dist/worker.js); from sources the loader runs in-process.
 */
import { canUseWorkers, startWorker } from '../core/worker-thread.js';
import type { Rule, Vendor } from '../ast/schema.js';
import type { ShardResult } from './shard.js';
import type { WorkerReply, WorkerRequest } from './worker.js';

export function canParseInWorkers(): boolean {
  return canUseWorkers();
}

/**
 * Estimated cost of a vendor's files, per byte of text (relative units measured
 * on the three corpora: parse + normalize time per KB of source).
 */
const COST_PER_BYTE: Partial<Record<Vendor, number>> = { sigma: 1.6, elastic: 1.15, splunk: 1.9 };
/** A worker's start-up (loading the package) in the same units, and the main thread's share of reading a worker's rules back. */
const WORKER_START = 200_000;
const READ_BACK = 0.2;

/**
 * Assign vendor groups to threads (index 0 = the main thread), largest first,
 * each to the thread that would finish it earliest. A group sent to a worker
 * also costs the main thread the time to read its rules back.
 */
export function planShards(groups: { vendor: Vendor; bytes: number }[], threads: number): Vendor[][] {
  const plan: Vendor[][] = Array.from({ length: Math.max(1, threads) }, () => []);
  const load = plan.map((_, i) => (i === 0 ? 0 : WORKER_START));
  const sorted = groups.map((g) => ({ ...g, cost: g.bytes * (COST_PER_BYTE[g.vendor] ?? 1.5) })).sort((a, b) => b.cost - a.cost);
  for (const g of sorted) {
    let best = 0;
    let bestEnd = Infinity;
    for (let t = 0; t < plan.length; t++) {
      // Finishing time of the main thread includes reading back every worker's rules.
      const end = t === 0 ? load[0]! + g.cost : Math.max(load[t]! + g.cost, load[0]! + READ_BACK * g.cost);
      if (end < bestEnd) {
        bestEnd = end;
        best = t;
      }
    }
    plan[best]!.push(g.vendor);
    load[best]! += g.cost;
    if (best !== 0) load[0]! += READ_BACK * g.cost;
  }
  return plan;
}

/** Start a worker for a shard now (its module loading overlaps the main thread's work); send the shard later. */
export function startShardWorker(): { run: (req: WorkerRequest) => Promise<ShardResult<Rule[]>>; stop: () => void } {
  const w = startWorker();
  return {
    run: async (req) => {
      const reply = await w.request<WorkerReply>(req);
      if (!reply.ok) throw new Error(`loader worker failed: ${reply.error}`);
      const r = reply.result;
      return { ...r, vendors: r.vendors.map((v) => ({ ...v, rules: JSON.parse(v.rules) as Rule[] })) };
    },
    stop: () => w.stop(),
  };
}
