/**
 * One shard of a load: the rule files of some vendors, parsed, linked (the
 * vendor's cross-rule pass) and normalized. The in-process loader runs every
 * vendor as one shard; the parallel loader runs one shard per thread, split
 * by vendor so that each thread warms only its own vendors' parsers, and the
 * Sigma link pass (which needs all Sigma rules) stays whole. Both paths run
 * this same function, so they produce the same rules.
 */
import type { Diagnostic, Rule, Vendor } from '../ast/schema.js';
import { diagLine } from '../core/diagnostics.js';
import { createNormalizer, type NormalizeOptions } from '../normalize/index.js';
import { VENDOR_MODULES } from '../vendors/registry.js';
import type { ParsedFile, ParseOptions } from '../vendors/types.js';
import { failedFileRule } from './failed-rule.js';
import { parseJob, type ParseJob } from './parse-files.js';

export interface ShardInput {
  /** The shard's rule files, in load order. */
  jobs: ParseJob[];
  /** Vendor state (Splunk macros...) after the supporting files were loaded. */
  stateOf: (vendor: Vendor) => unknown;
  parseOpts: (vendor: Vendor) => ParseOptions;
  /** Normalization options, or false to keep the rules as parsed. */
  normalize: NormalizeOptions | false;
  /** Vendors whose rules are returned as parsed (not linked or normalized): their files are split over several threads. */
  raw?: ReadonlySet<Vendor> | readonly Vendor[];
  /** Called after each parsed file (count within the shard). */
  onFile?: (done: number) => void;
}

export interface ShardResult<R = Rule[]> {
  /**
   * Per job, in the shard's order: rules it produced and the diagnostics that go to the load result;
   * `fresh` is the parse result as JSON for the cache (jobs with a cache key that were parsed).
   */
  perJob: { rules: number; diagnostics: Diagnostic[]; fresh?: string }[];
  /** Per vendor, in order of first appearance among the jobs: linked, normalized rules and the link pass's diagnostics. */
  vendors: { vendor: Vendor; rules: R; diagnostics: Diagnostic[] }[];
  byLanguage: Record<string, { rules: number; ms: number }>;
  ms: { parse: number; link: number; normalize: number };
}

/** A cached parse result, or null when the entry cannot be read (then the file is parsed again). */
function fromCache(json: string): ParsedFile | null {
  try {
    const v = JSON.parse(json) as ParsedFile;
    return v && Array.isArray(v.rules) && Array.isArray(v.diagnostics) ? v : null;
  } catch {
    return null;
  }
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function runShard(input: ShardInput): Promise<ShardResult> {
  const { jobs, stateOf, parseOpts } = input;
  const t0 = performance.now();
  const perJob: ShardResult['perJob'] = [];
  const byVendor = new Map<Vendor, Rule[]>();
  const byLanguage: ShardResult['byLanguage'] = {};
  let lastYield = performance.now();
  for (let i = 0; i < jobs.length; i++) {
    const job = jobs[i]!;
    // Let the event loop breathe every ~50 ms (progress output, timers, messages from workers).
    if (performance.now() - lastYield > 50) {
      await yieldToEventLoop();
      lastYield = performance.now();
    }
    const vendor = job.role.vendor;
    const ts = performance.now();
    let parsed = job.cached !== undefined ? fromCache(job.cached) : null;
    let fresh: string | undefined;
    if (!parsed) {
      parsed = parseJob(job, stateOf(vendor), parseOpts(vendor));
      // Serialized before the link pass and normalization, which may change the rules. Not for a
      // file read again after its entry failed: its key was made from the text it had then.
      if (job.cacheKey !== undefined && job.text !== undefined) fresh = JSON.stringify(parsed);
    }
    const ms = performance.now() - ts;
    // Per-language parse cost (benchmarks): a file's time is shared among its rules.
    for (const rule of parsed.rules) {
      const k = `${rule.vendor}/${rule.language}`;
      const e = (byLanguage[k] ??= { rules: 0, ms: 0 });
      e.rules++;
      e.ms += ms / parsed.rules.length;
    }
    let rules = parsed.rules;
    let diagnostics = parsed.diagnostics;
    // A file that yields no rule because it is broken becomes a stub rule carrying its errors.
    if (!rules.length && parsed.diagnostics.some((d) => d.severity === 'error')) {
      rules = [failedFileRule(job.path, vendor, parsed.diagnostics)];
      diagnostics = [];
    }
    perJob.push(fresh === undefined ? { rules: rules.length, diagnostics } : { rules: rules.length, diagnostics, fresh });
    let list = byVendor.get(vendor);
    if (!list) byVendor.set(vendor, (list = []));
    for (const r of rules) list.push(r);
    input.onFile?.(i + 1);
  }

  const t1 = performance.now();
  const raw = new Set(input.raw ?? []);
  const whole = [...byVendor].filter(([v]) => !raw.has(v)).map(([vendor, rules]) => ({ vendor, rules }));
  const linked = await linkAndNormalize(whole, stateOf, parseOpts, input.normalize);
  const vendors: ShardResult['vendors'] = [...byVendor].map(([vendor, rules]) => linked.find((l) => l.vendor === vendor) ?? { vendor, rules, diagnostics: [] });
  return { perJob, vendors, byLanguage, ms: { parse: t1 - t0, link: linked.linkMs, normalize: linked.normalizeMs } };
}

/**
 * Each vendor's cross-rule link pass over all of its rules, then
 * normalization: what a vendor's rules go through once every file is parsed.
 */
export async function linkAndNormalize(
  byVendor: { vendor: Vendor; rules: Rule[] }[],
  stateOf: (vendor: Vendor) => unknown,
  parseOpts: (vendor: Vendor) => ParseOptions,
  normalize: NormalizeOptions | false,
): Promise<{ vendor: Vendor; rules: Rule[]; diagnostics: Diagnostic[] }[] & { linkMs: number; normalizeMs: number }> {
  const t0 = performance.now();
  const vendors: { vendor: Vendor; rules: Rule[]; diagnostics: Diagnostic[] }[] = [];
  for (const { vendor, rules: list } of byVendor) {
    const mod = VENDOR_MODULES[vendor];
    if (mod.link) {
      const linked = mod.link(list, stateOf(vendor), parseOpts(vendor));
      vendors.push({ vendor, rules: linked.rules, diagnostics: linked.diagnostics });
    } else vendors.push({ vendor, rules: list, diagnostics: [] });
  }
  const t1 = performance.now();
  if (normalize !== false && vendors.length) {
    const normalizer = createNormalizer(normalize);
    let lastYield = performance.now();
    for (const v of vendors) {
      const rules = v.rules;
      for (let i = 0; i < rules.length; i++) {
        const r = rules[i]!;
        if (performance.now() - lastYield > 50) {
          await yieldToEventLoop();
          lastYield = performance.now();
        }
        try {
          rules[i] = normalizer.normalizeRule(r);
        } catch (e) {
          rules[i] = { ...r, diagnostics: [...r.diagnostics, diagLine(r.path, 'error', 'internal.exception', `normalizer crashed: ${(e as Error).stack ?? String(e)}`)] };
        }
      }
    }
  }
  return Object.assign(vendors, { linkMs: t1 - t0, normalizeMs: performance.now() - t1 });
}

/** The result of a thread that had nothing to do. */
export function emptyShard(): ShardResult {
  return { perJob: [], vendors: [], byLanguage: {}, ms: { parse: 0, link: 0, normalize: 0 } };
}

/** Merge per-language timings of several shards. */
export function mergeByLanguage(into: ShardResult['byLanguage'], from: ShardResult['byLanguage']): void {
  for (const [k, v] of Object.entries(from)) {
    const e = (into[k] ??= { rules: 0, ms: 0 });
    e.rules += v.rules;
    e.ms += v.ms;
  }
}

