/**
 * The whole flow in one call: paths -> loaded, normalized rules -> catalog
 * (-> files). Used by the CLI, the benchmarks, and library users who want
 * what `ruleatlas build` does.
 */
import { pushAll } from './core/arrays.js';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { ResourceLimits } from 'node:worker_threads';
import type { Diagnostic } from './ast/schema.js';
import { loadAttackBundle, loadAttackData } from './attack/index.js';
import type { AttackData } from './attack/types.js';
import { aggregateCatalog, catalogInput, catalogInputInterned, corpusSummaryFromCheck, type AggregateInput, type Aggregated, type Catalog, type CatalogInput, type CorpusSummary } from './catalog/index.js';
import { diagLine } from './core/diagnostics.js';
import { loadEventCatalog } from './events/index.js';
import { autoWorkers, loadCorpus, type LoadOptions, type LoadResult } from './loader/load.js';
import { summarize, type CheckSummary } from './loader/summary.js';
import { createNormalizer, loadUserMappings, type NormalizeOptions } from './normalize/index.js';
import { writeCatalog, type WriteResult } from './render/index.js';
import { writeCatalogWithWorker } from './render/offload.js';
import { canUseWorkers, startWorker, type WorkerHandle } from './core/worker-thread.js';

export interface PipelineOptions extends Omit<LoadOptions, 'normalize'> {
  /** ATT&CK STIX bundle to load at run time instead of the bundled table (adds descriptions). */
  attackBundle?: string;
  /** ATT&CK data already loaded (wins over attackBundle). */
  attack?: AttackData;
  /** User field mappings: a YAML file path, or the mappings object itself. */
  mappingsFile?: string;
  mappings?: unknown;
}

export interface PipelineContext {
  attack: AttackData;
  normalize: NormalizeOptions;
  /** Canonical-name prefixes the user mappings declare (count as validated in field coverage). */
  extensions: readonly string[];
  /** Problems with the options themselves (unreadable mappings file...). */
  diagnostics: Diagnostic[];
}

/** Resolve ATT&CK data and user mappings once. */
export function pipelineContext(opts: PipelineOptions = {}): PipelineContext {
  const diagnostics: Diagnostic[] = [];
  const attack = opts.attack ?? (opts.attackBundle ? loadAttackBundle(opts.attackBundle) : loadAttackData());
  let mappings = opts.mappings;
  if (opts.mappingsFile) {
    let text: string | null = null;
    try {
      text = readFileSync(opts.mappingsFile, 'utf8');
    } catch (e) {
      diagnostics.push(diagLine(opts.mappingsFile, 'error', 'mappings.unreadable', `cannot read mappings: ${(e as Error).message}`));
    }
    if (text !== null) {
      const r = loadUserMappings(text, opts.mappingsFile);
      pushAll(diagnostics, r.diagnostics);
      mappings = r.mappings;
    }
  }
  const normalize: NormalizeOptions = { attack, ...(mappings !== undefined ? { mappings } : {}) };
  const extensions = mappings !== undefined ? createNormalizer(normalize).extensions : [];
  return { attack, normalize, extensions, diagnostics };
}

/** Load, parse and normalize with the pipeline's ATT&CK data and mappings. */
export async function loadNormalized(paths: readonly string[], opts: PipelineOptions = {}, ctx = pipelineContext(opts)): Promise<LoadResult> {
  const result = await loadCorpus(paths, { ...opts, normalize: ctx.normalize });
  if (ctx.diagnostics.length) result.diagnostics.unshift(...ctx.diagnostics);
  return result;
}

/**
 * The loader's figures in the catalog's corpus-summary shape: the catalog's
 * own conversion of the check figures, plus the per-vendor language counts
 * that only the rules themselves carry.
 */
export function corpusSummary(result: LoadResult, summary: CheckSummary = summarize(result), sources?: readonly string[]): CorpusSummary {
  return corpusSummaryOf(summary, result.rules, sources);
}

/** `corpusSummary` from the check figures and each rule's vendor and language. */
export function corpusSummaryOf(summary: CheckSummary, rules: readonly { vendor: string; language: string }[], sources?: readonly string[]): CorpusSummary {
  const out = corpusSummaryFromCheck(summary, sources ? { sources: [...sources] } : {});
  const byLanguage: Record<string, Record<string, number>> = {};
  for (const r of rules) {
    const l = (byLanguage[r.vendor] ??= {});
    l[r.language] = (l[r.language] ?? 0) + 1;
  }
  out.byLanguage = byLanguage;
  return out;
}

export interface BuildResult {
  load: LoadResult;
  summary: CheckSummary;
  catalog: Catalog;
  written?: WriteResult;
  /** Wall milliseconds per stage. */
  timings: { load: number; aggregate: number; write: number };
  /** The aggregation's input and its tables (with `keepInput`; the incremental build records them). */
  input?: CatalogInput;
  aggregated?: Aggregated;
}

export interface BuildOptions extends PipelineOptions {
  /** Output directory: catalog.json, Markdown pages, Navigator layers (and the site). */
  out?: string;
  /** Write the static web site too (default true). */
  site?: boolean;
  /** Keep the aggregation's input in the result (`BuildResult.input`). */
  keepInput?: boolean;
  /** Record the byte range of each technique, rule and field element of catalog.json here (see `jsonChunks`). */
  catalogRanges?: Map<string, number[]>;
}

/** paths -> catalog (and, with `out`, catalog.json, Markdown pages, Navigator layers and the site). */
export async function buildFromPaths(paths: readonly string[], opts: BuildOptions = {}): Promise<BuildResult> {
  const t0 = performance.now();
  const ctx = pipelineContext(opts);
  const site = opts.site ?? true;
  // Without the site, the loading worker (when one ran) is kept to write the technique pages' Markdown
  // (docs/performance.md, "Threads"): started and warm already, it would idle from the end of its shard.
  const loading: { worker?: WorkerHandle } = {};
  const keep = opts.out && !site ? { keepWorker: (w: WorkerHandle) => (loading.worker = w) } : {};
  let pages: WorkerHandle | null = null;
  try {
    const load = await loadNormalized(paths, { ...opts, ...keep }, ctx);
    const summary = summarize(load);
    const t1 = performance.now();
    // With the site, the technique and field pages go to a worker thread; started now, its start-up overlaps the aggregation.
    const pageWorker = opts.out && site ? pageWorkerPlan(opts.workers, load.rules.length) : null;
    pages = pageWorker ? startWorker({ entry: 'page-worker', ...pageWorker }) : (loading.worker ?? null);
    // The predicate identities are kept only for the incremental build's snapshot; otherwise they are
    // interned as the rules are read (docs/performance.md, "Incremental builds").
    const kept = opts.keepInput ? catalogInput(load.rules) : null;
    const interned = kept ? null : catalogInputInterned(load.rules);
    const input: AggregateInput = kept ?? interned!.input;
    const aggregated = aggregateCatalog(input, { attack: ctx.attack, events: loadEventCatalog().events, corpus: corpusSummary(load, summary, paths) }, undefined, interned ? { collected: interned.collected } : {});
    const catalog = aggregated.catalog;
    const t2 = performance.now();
    const wopts = { site, ...(opts.catalogRanges ? { catalogRanges: opts.catalogRanges } : {}) };
    const written = opts.out ? await (pages ? writeCatalogWithWorker(catalog, opts.out, pages, wopts) : writeCatalog(catalog, opts.out, wopts)) : undefined;
    const t3 = performance.now();
    return { load, summary, catalog, ...(written ? { written } : {}), timings: { load: t1 - t0, aggregate: t2 - t1, write: t3 - t2 }, ...(kept ? { input: kept, aggregated } : {}) };
  } finally {
    // A thread left running would keep the process alive: every one started or kept is ended, whatever happened.
    void pages?.stop();
    if (loading.worker && loading.worker !== pages) void loading.worker.stop();
  }
}

/** Below this many rules, 'auto' writes every file on one thread: starting a worker costs more than it saves. */
const AUTO_PAGE_WORKER_RULES = 2000;
/** On 2 or 3 cores, above this many rules 'auto' starts no page worker (memory; its frame grows with the rules). */
const AUTO_PAGE_WORKER_MAX_RULES_SHARED = 20_000;
/**
 * The page worker's heap on 2 or 3 cores: what keeps the build with it under 500 MB. The three
 * corpora's pages need far less (their frame is 2–3 MB); a worker that outgrows it ends, and
 * its pages are written on the main thread (src/render/offload.ts).
 */
const SHARED_CORE_PAGE_WORKER_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 48 };

/**
 * Whether a worker thread writes the technique and field pages of the site (src/render/offload.ts),
 * and with which heap limits: with `workers` of 1 or more, and with 'auto' for a corpus of 2,000
 * rules or more (on 2 or 3 cores, up to 20,000, with the worker's heap capped). On the three
 * corpora on 2 cores (docs/performance.md, "Threads") the worker took 1.0–1.7 s off the site's
 * render stage when creating files was slow and 0.2–0.5 s when it was fast; uncapped, it added
 * 70–110 MB to the build's peak memory (496–535 MB), capped 50–80 MB (456–495 MB).
 */
function pageWorkerPlan(workers: PipelineOptions['workers'], rules: number): { resourceLimits?: ResourceLimits } | null {
  if (workers === 0 || !canUseWorkers()) return null;
  if (workers !== undefined && workers !== 'auto') return {};
  if (rules < AUTO_PAGE_WORKER_RULES) return null;
  if (autoWorkers() > 0) return {};
  if (availableParallelism() < 2 || rules > AUTO_PAGE_WORKER_MAX_RULES_SHARED) return null;
  return { resourceLimits: SHARED_CORE_PAGE_WORKER_LIMITS };
}
