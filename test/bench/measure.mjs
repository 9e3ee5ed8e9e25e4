// One benchmark measurement in a fresh process (so peak memory is this task's
// alone). Prints one JSON line: wall seconds per stage, rule counts, peak RSS.
// Usage: node test/bench/measure.mjs <task> --workers N [--paths a,b] [--out dir] [--cache dir]
// With --cache, the build is `updateBuild` (what `ruleatlas build --cache` runs): incremental where it can be.
// With the CLI's V8 tuning (tuneForBatch) unless RULEATLAS_V8_TUNING=0 is in the environment.
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
const lib = await import(process.env.RULEATLAS_DIST ?? '../../dist/index.js');
// What the CLI does at start (src/core/v8-tuning.ts); RULEATLAS_V8_TUNING=0 measures V8's defaults.
const tuning = lib.tuneForBatch ? lib.tuneForBatch() : { applied: false, reason: 'not in this build' };
const paths = values.paths.split(',');
const workers = values.workers === 'auto' ? 'auto' : Number(values.workers);
const result = { task, workers, stages: {}, v8Tuning: tuning.reason };
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const faults0 = process.resourceUsage().minorPageFault;
const loadOpts = { workers };
if (values.cache) loadOpts.cache = values.cache;
if (task === 'catalog' || task === 'site') {
  // The whole build as `ruleatlas build` runs it (src/pipeline.ts).
  const out = values.out ?? mkdtempSync(join(tmpdir(), 'ruleatlas-bench-'));
  if (values.cache && lib.updateBuild) {
    // As `ruleatlas build --cache` does: start from the previous build where it can (src/incremental/).
    const built = await lib.updateBuild(paths, { ...loadOpts, cache: values.cache, out, site: task === 'site' });
    result.stages = { ...(built.full?.load.timings ?? {}), load: built.timings.load, aggregate: built.timings.aggregate, render: built.timings.write };
    result.rules = built.summary.total + built.summary.hunts;
    result.techniques = built.techniques;
    result.incremental = built.incremental;
    if (built.cache) result.cache = built.cache;
  } else {
    const built = await lib.buildFromPaths(paths, { ...loadOpts, out, site: task === 'site' });
    result.stages = { ...built.load.timings, load: built.timings.load, aggregate: built.timings.aggregate, render: built.timings.write };
    result.rules = built.load.rules.length;
    result.techniques = built.catalog.techniques.length;
    if (built.load.cache) result.cache = built.load.cache;
  }
  // A folder of its own is removed at the very end, after the figures are taken (deleting 10,000 files
  // is no part of a build).
  if (!values.out) process.on('exit', () => rmSync(out, { recursive: true, force: true }));
} else {
  const loaded = await lib.loadCorpus(paths, loadOpts);
  result.stages = { ...loaded.timings, load: performance.now() - t0 };
  result.rules = loaded.rules.length;
  if (task === 'evaluator') {
    const events = await lib.loadRegressionEvents?.(paths[1]);
    // As `ruleatlas match` does: V8's default tiering for the hot matching loop.
    lib.endBatchTuning?.();
    Object.assign(result, lib.benchmarkEvaluator(loaded.rules, events));
  }
}
result.wall = (performance.now() - t0) / 1000;
// CPU of the whole process (every thread: V8's compiler and GC threads too), over the same span.
const cpu = process.cpuUsage(cpu0);
result.cpu = (cpu.user + cpu.system) / 1e6;
result.maxRssMB = process.resourceUsage().maxRSS / 1024;
// Pages of memory touched for the first time over the same span: on a virtual machine each costs
// several times what it does on bare metal (docs/performance.md, "Fresh memory").
result.minorFaults = process.resourceUsage().minorPageFault - faults0;
process.stdout.write(JSON.stringify(result) + '\n');
