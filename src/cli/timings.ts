/**
 * `--timings`: where a command's time went, on stderr, for a user who wants
 * to know why a build in their CI is slow (and what `--workers` or `--cache`
 * would change). The figures are the ones the library reports
 * (`LoadResult.timings`, `BuildResult.timings`, `UpdateResult.timings`),
 * the same the benchmark reads (docs/performance.md).
 */
import type { LoadResult } from '../loader/load.js';
import type { WriteResult } from '../render/write.js';

type LoadTimings = NonNullable<LoadResult['timings']>;

const s = (ms: number) => (ms / 1000).toFixed(2);

/** Peak resident memory of this process so far, in MB (every thread's heap included). */
function peakMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/**
 * The load's stages, its threads and each language's parse rate, one line
 * each. Parse includes waiting for the worker threads and reading their
 * rules back; the per-language times are each thread's own, shared among a
 * file's rules.
 */
export function loadTimingLines(t: LoadTimings): string[] {
  const lines = [`load stages (s): read ${s(t.read)}, supporting files ${s(t.support)}, parse ${s(t.parse)}, link ${s(t.link)}, normalize ${s(t.normalize)}`];
  if (t.workers > 0) {
    const [main, ...workers] = t.ends;
    // A worker the plan gave no files was never started (its entry stays 0).
    const done = workers.map((w, i) => (w > 0 ? `worker ${i + 1} ${s(w)}` : `worker ${i + 1} not started (no files)`)).join(', ');
    lines.push(`threads: ${t.workers} worker thread${t.workers === 1 ? '' : 's'}; done after the start of parsing (s): main thread ${s(main ?? 0)}${done ? `, ${done}` : ''}`);
  }
  const langs = Object.entries(t.byLanguage)
    .filter(([, v]) => v.rules > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k} ${v.rules} in ${s(v.ms)} s${v.ms > 0 ? ` (${Math.round(v.rules / (v.ms / 1000))}/s)` : ''}`);
  if (langs.length) lines.push(`parse by language (rules): ${langs.join(', ')}`);
  return lines;
}

/**
 * A build's stages (load, aggregate, write) and peak memory, then the load's lines when a full load
 * ran, and what the page worker did when one wrote pages (`written.pageWorker`).
 */
export function buildTimingLines(stages: { load: number; aggregate: number; write: number }, load?: LoadTimings, written?: Pick<WriteResult, 'pageWorker'>): string[] {
  const total = stages.load + stages.aggregate + stages.write;
  const pw = written?.pageWorker;
  return [
    `timings (s): load ${s(stages.load)}, aggregate ${s(stages.aggregate)}, write ${s(stages.write)}; total ${s(total)}; peak memory ${peakMb()} MB`,
    ...(load ? loadTimingLines(load) : []),
    ...(pw ? ['files' in pw ? `page worker: wrote ${pw.files} files (the technique pages, and with the site the field pages)` : `page worker failed (${pw.failed}); its pages were written on the main thread`] : []),
  ];
}

/** A command that only loads rules (check): its load time, the peak memory and the load's lines. */
export function loadOnlyTimingLines(wallMs: number, load?: LoadTimings): string[] {
  return [`timings (s): load ${s(wallMs)}; peak memory ${peakMb()} MB`, ...(load ? loadTimingLines(load) : [])];
}
