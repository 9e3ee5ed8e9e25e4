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
/** Linking and normalizing a split vendor on the main thread, as a share of the vendor's cost. */
const RELINK = 0.2;

/** A vendor's rule files in load order (indexes into the load's job list) and their sizes. */
export interface VendorGroup {
  vendor: Vendor;
  bytes: number;
  jobs: number[];
  sizes: number[];
}

/** Part of a thread's work: some of a vendor's files, or all of them (`whole`: linked and normalized on that thread). */
export interface ShardPart {
  vendor: Vendor;
  jobs: number[];
  whole: boolean;
}

interface Unit extends ShardPart {
  cost: number;
  sizes: number[];
}

/** Split a unit into two contiguous halves of about equal cost. */
function halve(u: Unit): [Unit, Unit] {
  const half = u.sizes.reduce((a, b) => a + b, 0) / 2;
  let acc = 0;
  let cut = 1;
  for (let i = 0; i < u.sizes.length - 1; i++) {
    acc += u.sizes[i]!;
    cut = i + 1;
    if (acc >= half) break;
  }
  const part = (jobs: number[], sizes: number[]): Unit => ({ vendor: u.vendor, jobs, sizes, whole: false, cost: (u.cost * sizes.reduce((a, b) => a + b, 0)) / Math.max(1, u.sizes.reduce((a, b) => a + b, 0)) });
  return [part(u.jobs.slice(0, cut), u.sizes.slice(0, cut)), part(u.jobs.slice(cut), u.sizes.slice(cut))];
}

/**
 * Assign work to threads (index 0 = the main thread). Whole vendors first:
 * each thread then warms only its own vendors' parsers, and a vendor's link
 * pass runs where its rules are. With fewer vendors than threads, the
 * costliest vendor is split into contiguous parts, which the main thread
 * links and normalizes once all are parsed. Units go largest first, each to
 * the thread that would finish it earliest; a unit on a worker also costs the
 * main thread the time to read its rules back.
 */
export function planShards(groups: VendorGroup[], threads: number): ShardPart[][] {
  const n = Math.max(1, threads);
  let units: Unit[] = groups.map((g) => ({ vendor: g.vendor, jobs: g.jobs, sizes: g.sizes, whole: true, cost: g.bytes * (COST_PER_BYTE[g.vendor] ?? 1.5) }));
  if (n === 1) return [units.map(({ vendor, jobs, whole }) => ({ vendor, jobs, whole }))];
  while (units.length < n) {
    const big = units.reduce((a, b) => (b.cost > a.cost ? b : a));
    if (big.jobs.length < 2) break;
    units = units.flatMap((u) => (u === big ? halve(u) : [u]));
  }
  const plan: Unit[][] = Array.from({ length: n }, () => []);
  const load = plan.map((_, i) => (i === 0 ? 0 : WORKER_START));
  for (const u of units) if (!u.whole) load[0]! += RELINK * u.cost;
  for (const u of [...units].sort((a, b) => b.cost - a.cost)) {
    let best = 0;
    let bestEnd = Infinity;
    for (let t = 0; t < n; t++) {
      const end = t === 0 ? load[0]! + u.cost : Math.max(load[t]! + u.cost, load[0]! + READ_BACK * u.cost);
      if (end < bestEnd) {
        bestEnd = end;
        best = t;
      }
    }
    plan[best]!.push(u);
    load[best]! += u.cost;
    if (best !== 0) load[0]! += READ_BACK * u.cost;
  }
  // Parts are contiguous runs of files; the loader puts them back in file order.
  return plan.map((us) => us.map(({ vendor, jobs, whole }) => ({ vendor, jobs, whole })));
}

/** Start a worker for one shard now (its module loading overlaps the main thread's work); send the shard later. */
export function startShardWorker(): { run: (req: WorkerRequest) => Promise<ShardResult<Rule[]>>; stop: () => Promise<void> } {
  const w = startWorker();
  return {
    run: async (req) => {
      let reply: WorkerReply;
      try {
        reply = await w.request<WorkerReply>(req);
      } finally {
        // One shard per worker: the thread has exited (its heap is returned) before its rules are rebuilt here.
        await w.stop();
      }
      if (!reply.ok) throw new Error(`loader worker failed: ${reply.error}`);
      const r = reply.result;
      return { ...r, vendors: r.vendors.map((v) => ({ ...v, rules: v.rules.flatMap((batch) => JSON.parse(batch) as Rule[]) })) };
    },
    stop: () => w.stop(),
  };
}
