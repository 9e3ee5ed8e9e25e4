/**
 * Shards on worker threads. The loader splits the rule files by vendor
 * (each thread warms only its own vendors' parsers, and a vendor's link pass
 * sees all of its rules) and runs one shard on the main thread while the
 * others run here; results are put back in load order, so the output is the
 * same as the one-thread path. Available only from the built package
 * (dist/worker.js); from sources the loader runs in-process.
 */
import type { ResourceLimits } from 'node:worker_threads';
import { startWorker, type WorkerHandle } from '../core/worker-thread.js';
import type { Rule, Vendor } from '../ast/schema.js';
import type { ShardResult } from './shard.js';
import type { WorkerReply, WorkerRequest } from './worker.js';

/**
 * The cost model, in milliseconds per MB of rule text: parsing plus
 * normalizing on one idle core, by vendor, or by vendor and work class
 * (`VendorModule.workClass`) where the classes differ; and turning the rules
 * into JSON on a worker or back into objects on the main thread (the same
 * order of cost each way). Measured on the three corpora with the CLI's V8
 * tuning (bench run AA, fifteenth session; docs/performance.md, "Threads"):
 * Sigma 606 ms for 5.7 MB, Splunk 904 ms for 6.3 MB, Elastic 1,126 ms for
 * 16.5 MB, of which EQL 8.6 MB, KQL 5.0 MB, ES|QL 1.6 MB (with the hunting
 * files, 0.35 MB, mostly ES|QL), machine-learning rules (no query) 0.9 MB.
 */
const PARSE_MS_PER_MB: Record<string, number> = {
  sigma: 107,
  splunk: 143,
  elastic: 68,
  'elastic/eql': 60,
  'elastic/kuery': 64,
  'elastic/esql': 130,
  'elastic/elastic-hunt-toml': 130,
  'elastic/none': 15,
};
const JSON_MS_PER_MB: Partial<Record<Vendor, number>> = { sigma: 35, elastic: 24, splunk: 19 };
const DEFAULT_PARSE_MS_PER_MB = 120;
const DEFAULT_JSON_MS_PER_MB = 30;
/** Starting a worker: a thread, and compiling the package in it. */
const WORKER_START_MS = 300;
/** Linking and normalizing a split vendor on the main thread, as a share of its parse cost. */
const RELINK = 0.2;
/** Exhaustive assignment up to this many combinations; greedy beyond. */
const MAX_COMBINATIONS = 50_000;

/** A vendor's rule files in load order (indexes into the load's job list) and their sizes. */
export interface VendorGroup {
  vendor: Vendor;
  bytes: number;
  jobs: number[];
  sizes: number[];
  /**
   * Each file's work class, for a vendor without a cross-rule link pass
   * (`VendorModule.workClass`): its files can be finished on any thread,
   * and the plan keeps each class on one thread.
   */
  classes?: string[];
}

/**
 * Part of a thread's work: some of a vendor's files, or all of them.
 * `whole`: finished (linked and normalized) on that thread, as a vendor's
 * files are when they all go to one thread, and as any part of a vendor
 * without a link pass is. Otherwise the part is returned as parsed, and the
 * main thread links and normalizes the vendor once every part is in.
 */
export interface ShardPart {
  vendor: Vendor;
  jobs: number[];
  whole: boolean;
}

interface Unit extends ShardPart {
  sizes: number[];
  /** The vendor has no link pass: any run of its files can be finished where it runs. */
  free: boolean;
  /** Parse cost (ms), and the cost of its rules' JSON one way (ms). */
  cost: number;
  json: number;
}

function unitOf(vendor: Vendor, jobs: number[], sizes: number[], whole: boolean, free: boolean, cls?: string): Unit {
  const mb = sizes.reduce((a, b) => a + b, 0) / 1e6;
  const perMb = (cls !== undefined ? PARSE_MS_PER_MB[`${vendor}/${cls}`] : undefined) ?? PARSE_MS_PER_MB[vendor] ?? DEFAULT_PARSE_MS_PER_MB;
  return { vendor, jobs, sizes, whole, free, cost: mb * perMb, json: mb * (JSON_MS_PER_MB[vendor] ?? DEFAULT_JSON_MS_PER_MB) };
}

/** A vendor without a link pass in parts of one work class each (in order of first file), each finished where it runs. */
function classUnits(g: VendorGroup): Unit[] {
  const byClass = new Map<string, { jobs: number[]; sizes: number[] }>();
  g.jobs.forEach((job, i) => {
    const cls = g.classes![i] ?? '';
    let c = byClass.get(cls);
    if (!c) byClass.set(cls, (c = { jobs: [], sizes: [] }));
    c.jobs.push(job);
    c.sizes.push(g.sizes[i]!);
  });
  return [...byClass].map(([cls, c]) => unitOf(g.vendor, c.jobs, c.sizes, true, true, cls));
}

/** Split a unit into `n` contiguous runs of files of about equal size (finished where they run when the vendor has no link pass). */
function split(u: Unit, n: number): Unit[] {
  const total = u.sizes.reduce((a, b) => a + b, 0);
  const out: Unit[] = [];
  let from = 0;
  let acc = 0;
  for (let k = 1; k <= n && from < u.jobs.length; k++) {
    let to = from;
    while (to < u.jobs.length && (k === n || acc + u.sizes[to]! <= (total * k) / n || to === from)) acc += u.sizes[to++]!;
    const part = unitOf(u.vendor, u.jobs.slice(from, to), u.sizes.slice(from, to), u.free, u.free);
    // A run costs its share of the unit it came from (whose rate may be its class's).
    const share = total > 0 ? part.sizes.reduce((x, y) => x + y, 0) / total : 0;
    out.push({ ...part, cost: u.cost * share, json: u.json * share });
    from = to;
  }
  return out;
}

/** When the last thread finishes: a worker's units cost it their JSON too, and the main thread reads that JSON back. */
function makespan(units: Unit[], assign: number[], threads: number): number {
  const end = new Array<number>(threads).fill(0);
  for (let t = 1; t < threads; t++) if (assign.includes(t)) end[t] = WORKER_START_MS;
  let readBack = 0;
  units.forEach((u, i) => {
    const t = assign[i]!;
    end[t]! += u.cost + (t === 0 ? 0 : u.json);
    if (t !== 0) readBack += u.json;
    if (!u.whole) end[0]! += RELINK * u.cost;
  });
  // The main thread reads the workers' rules back after its own work (or as they arrive).
  return Math.max(end[0]! + readBack, ...end.slice(1));
}

/**
 * Assign work to threads (index 0 = the main thread). Whole vendors first:
 * each thread then warms only its own vendors' parsers, and a vendor's link
 * pass runs where its rules are. With fewer vendors than threads (one
 * corpus alone), the costliest vendor is split: by work class when it has
 * no link pass and tells its files' classes (Elastic: the query language),
 * each class finished on the thread it goes to; otherwise into contiguous
 * runs of files, which the main thread links and normalizes once all are
 * parsed (finished where they run, for a vendor without a link pass). Whole
 * vendors are kept whole when there are enough of them: measured on the
 * three corpora, moving Elastic's KQL or ES|QL rules to the worker took
 * 0.1–0.5 s off the main thread and added 0.4–0.6 s to the worker (which
 * warms the vendor's code again), with no gain (docs/performance.md). The
 * assignment minimizes the estimated finishing time (every combination when
 * there are few, largest first to the earliest thread otherwise).
 */
export function planShards(groups: VendorGroup[], threads: number): ShardPart[][] {
  return estimateShards(groups, threads).plan;
}

/** How many threads of a plan have some of `vendor`'s files (more than one: the vendor is split or spread). */
export function threadsWith(plan: readonly ShardPart[][], vendor: Vendor): number {
  return plan.reduce((n, parts) => n + (parts.some((p) => p.vendor === vendor) ? 1 : 0), 0);
}

/** `planShards`' plan with its estimated finishing time, and the estimate for one thread (ms, by the cost model above). */
export function estimateShards(groups: VendorGroup[], threads: number): { plan: ShardPart[][]; span: number; oneThread: number } {
  const n = Math.max(1, threads);
  let units: Unit[] = groups.map((g) => unitOf(g.vendor, g.jobs, g.sizes, true, !!g.classes));
  if (n > 1 && units.length < n) {
    const big = units.reduce((a, b) => (b.cost > a.cost ? b : a));
    const bigGroup = groups[units.indexOf(big)]!;
    const byClass = bigGroup.classes && new Set(bigGroup.classes).size > 1 ? classUnits(bigGroup) : null;
    // By work class where the vendor tells them (each class's parsers warmed on one thread only);
    // otherwise twice as many runs as threads, so that the main thread can take a smaller share.
    units = units.flatMap((u) => (u !== big ? [u] : byClass ?? (u.jobs.length > 1 ? split(u, Math.min(u.jobs.length, 2 * (n - units.length + 1))) : [u])));
  }
  let best: number[] = units.map(() => 0);
  if (n > 1) {
    if (n ** units.length <= MAX_COMBINATIONS) {
      let bestSpan = Infinity;
      const assign = units.map(() => 0);
      const visit = (i: number) => {
        if (i === units.length) {
          const span = makespan(units, assign, n);
          if (span < bestSpan) {
            bestSpan = span;
            best = [...assign];
          }
          return;
        }
        for (let t = 0; t < n; t++) {
          assign[i] = t;
          visit(i + 1);
        }
      };
      visit(0);
    } else {
      // Largest first, each to the thread that keeps the estimated finishing time lowest.
      const placed: number[] = [];
      for (const i of units.map((_, k) => k).sort((a, b) => units[b]!.cost - units[a]!.cost)) {
        let bestSpan = Infinity;
        let chosen = 0;
        placed.push(i);
        for (let t = 0; t < n; t++) {
          best[i] = t;
          const span = makespan(placed.map((k) => units[k]!), placed.map((k) => best[k]!), n);
          if (span < bestSpan) {
            bestSpan = span;
            chosen = t;
          }
        }
        best[i] = chosen;
      }
    }
  }
  const plan: ShardPart[][] = Array.from({ length: n }, () => []);
  // Units in load order on each thread (parts of a split vendor are contiguous runs; the loader puts them back in file order).
  // A vendor's finished classes that share a thread are one part, its files in load order.
  units.forEach((u, i) => {
    const parts = plan[best[i]!]!;
    const same = u.whole ? parts.find((p) => p.whole && p.vendor === u.vendor) : undefined;
    if (same) same.jobs = [...same.jobs, ...u.jobs].sort((x, y) => x - y);
    else parts.push({ vendor: u.vendor, jobs: u.jobs, whole: u.whole });
  });
  return { plan, span: makespan(units, best, n), oneThread: units.reduce((t, u) => t + u.cost, 0) };
}

/**
 * A worker that will be kept gets a smaller young generation (semi-spaces of 4 MB instead of V8's 16):
 * it lives on beside the main thread's largest heap. On the three corpora without the site the build
 * peaked at 440–448 MB with it against 461–493 MB without, for 0.05–0.1 s more (5 alternating rounds;
 * docs/performance.md, "Threads").
 */
const KEPT_WORKER_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 12 };

/**
 * Start a worker for one shard now (its module loading overlaps the main thread's work); send the shard later.
 * With `keep`, a worker whose shard succeeded is handed to it instead of ended (its new owner stops it).
 */
export function startShardWorker(keep?: (worker: WorkerHandle) => void): { run: (req: WorkerRequest) => Promise<ShardResult<Rule[]>>; stop: () => Promise<void> } {
  const w = startWorker(keep ? { resourceLimits: KEPT_WORKER_LIMITS } : {});
  return {
    run: async (req) => {
      let reply: WorkerReply;
      let kept = false;
      try {
        reply = await w.request<WorkerReply>(req);
        if (keep && reply.ok) {
          keep(w);
          kept = true;
        }
      } finally {
        // One shard per worker unless kept: the thread has exited (its heap is returned) before its rules are rebuilt here.
        if (!kept) await w.stop();
      }
      if (!reply.ok) throw new Error(`loader worker failed: ${reply.error}`);
      const r = reply.result;
      return { ...r, vendors: r.vendors.map((v) => ({ ...v, rules: v.rules.flatMap((batch) => JSON.parse(batch) as Rule[]) })) };
    },
    stop: () => w.stop(),
  };
}
