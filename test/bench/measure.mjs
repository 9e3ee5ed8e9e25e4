// One benchmark measurement in a fresh process (so peak memory is this task's
// alone). Prints one JSON line: wall seconds per stage, rule counts, peak RSS.
// Usage: node test/bench/measure.mjs <task> --workers N [--paths a,b] [--out dir] [--cache dir]
// Tasks: parse (load+parse+normalize), catalog (+aggregate+catalog.json), site (+ the static site),
//        evaluator (Sigma rules against the regression events).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { workers: { type: 'string', default: 'auto' }, paths: { type: 'string' }, out: { type: 'string' }, cache: { type: 'string' } },
});
const task = positionals[0];
const lib = await import('../../dist/index.js');
const paths = values.paths.split(',');
const workers = values.workers === 'auto' ? 'auto' : Number(values.workers);
const result = { task, workers, stages: {} };
const t0 = performance.now();
const loadOpts = { workers };
if (values.cache) loadOpts.cache = values.cache;
const loaded = await lib.loadCorpus(paths, loadOpts);
const t1 = performance.now();
result.stages = { ...loaded.timings };
result.stages.load = t1 - t0;
result.rules = loaded.rules.length;
const byLang = {};
for (const r of loaded.rules) byLang[`${r.vendor}/${r.language}`] = (byLang[`${r.vendor}/${r.language}`] ?? 0) + 1;
result.byLanguage = byLang;

if (task === 'catalog' || task === 'site') {
  const out = values.out ?? mkdtempSync(join(tmpdir(), 'ruleatlas-bench-'));
  const ta = performance.now();
  const catalog = lib.buildCatalog(loaded.rules, { attack: lib.loadAttackData?.(), events: lib.loadEventCatalog?.().events, corpus: lib.summarize(loaded) });
  const tb = performance.now();
  await lib.writeCatalog(catalog, out, { site: task === 'site' });
  const tc = performance.now();
  result.stages.aggregate = tb - ta;
  result.stages.render = tc - tb;
  result.techniques = catalog.techniques.length;
  if (!values.out) rmSync(out, { recursive: true, force: true });
}
if (task === 'evaluator') {
  const bench = lib.benchmarkEvaluator;
  const events = await lib.loadRegressionEvents?.(paths[1]);
  Object.assign(result, bench(loaded.rules, events));
}
result.wall = (performance.now() - t0) / 1000;
result.maxRssMB = process.resourceUsage().maxRSS / 1024;
process.stdout.write(JSON.stringify(result) + '\n');
