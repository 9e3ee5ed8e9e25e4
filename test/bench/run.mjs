// `npm run bench`: every performance measurement of docs/performance.md on
// ../shared/corpora, each repeated in fresh processes, medians reported.
// Prints one table and writes it as JSON (default .bench/results.json) so
// that results can be compared across commits (`--compare` with an earlier
// results file prints the changes; test/bench/compare.mjs compares two files).
//
//   node test/bench/run.mjs [--runs N] [--json FILE] [--compare FILE] [--quick]
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const corpora = resolve(root, '..', 'shared', 'corpora');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, json: { type: 'string' }, compare: { type: 'string' }, quick: { type: 'boolean' } } });
// Read before measuring: the default output path may be the file to compare with.
const previous = values.compare ? JSON.parse(readFileSync(values.compare, 'utf8')) : null;
const RUNS = values.quick ? 1 : Number(values.runs);
/** The heap cap of the second ten-times build: 2 GB less room for what lives outside the V8 heap (code, buffers, stacks). */
const SCALE_HEAP_CAP_MB = 1900;

if (!existsSync(corpora)) {
  console.log(`[skip] ../shared/corpora is absent: nothing to benchmark`);
  process.exit(0);
}
if (!existsSync(join(root, 'dist', 'index.js'))) {
  console.error('run `npm run build` first (npm run bench does)');
  process.exit(1);
}

const SIGMA = ['sigma/rules', 'sigma/rules-compliance', 'sigma/rules-dfir', 'sigma/rules-emerging-threats', 'sigma/rules-placeholder', 'sigma/rules-threat-hunting']
  .map((p) => join(corpora, p))
  .filter(existsSync);
const ALL = [join(corpora, 'sigma'), join(corpora, 'elastic'), join(corpora, 'splunk')];

// Every build writes into a fresh folder, all removed at the end: deleting a large tree right
// before the next build made that build's writes several times slower (the disk discards the
// freed blocks meanwhile), which would be measured as rendering time.
const outRoot = mkdtempSync(join(tmpdir(), 'ruleatlas-bench-out-'));
let outCount = 0;
process.on('exit', () => rmSync(outRoot, { recursive: true, force: true }));

/**
 * One measurement in a fresh process; `nodeArgs` are Node options of that process (a heap cap).
 * Builds write into a fresh folder, or into `outDir` when given (a rebuild in place).
 */
function measure(task, paths, workers, extra = [], nodeArgs = [], outDir = undefined, env = process.env) {
  const out = task === 'catalog' || task === 'site' ? ['--out', outDir ?? join(outRoot, String(outCount++))] : [];
  // Write back what earlier steps left dirty (the build's dist/, earlier outputs) now, not while
  // this measurement runs: the kernel flushes dirty pages about 30 s after they were written, and
  // the first Sigma measurement right after `npm run build` came out 20–30 % slower than the same
  // code measured alone.
  spawnSync('sync');
  const r = spawnSync(process.execPath, [...nodeArgs, '--expose-gc', join(here, 'measure.mjs'), task, '--workers', String(workers), '--paths', paths.join(','), ...out, ...extra], {
    env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`measure ${task} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

/**
 * The machine probe (test/bench/probe.mjs: a fixed JavaScript workload and the cost of creating a
 * file), run between measurements and recorded with its place, so that results compare knowing
 * whether the machine was in a slower or faster spell.
 */
function probe(at) {
  spawnSync('sync');
  const r = spawnSync(process.execPath, [join(here, 'probe.mjs'), outRoot], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`probe failed:\n${r.stderr}`);
  const p = JSON.parse(r.stdout.trim().split('\n').pop());
  (results.probes ??= []).push({ at, cpuMs: p.cpuMs, createUs: p.createUs });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function repeat(task, paths, workers, extra = [], runs = RUNS, nodeArgs = [], warm = true, env = process.env) {
  if (warm) measure(task, paths, workers, extra, nodeArgs, undefined, env); // warm-up (file cache)
  const rs = [];
  for (let i = 0; i < runs; i++) rs.push(measure(task, paths, workers, extra, nodeArgs, undefined, env));
  const stageNames = Object.keys(rs[0].stages);
  return {
    ...rs[0],
    wall: median(rs.map((r) => r.wall)),
    wallMin: Math.min(...rs.map((r) => r.wall)),
    wallMax: Math.max(...rs.map((r) => r.wall)),
    maxRssMB: Math.max(...rs.map((r) => r.maxRssMB)),
    cpu: median(rs.map((r) => r.cpu)),
    ...(rs[0].minorFaults !== undefined ? { minorFaults: median(rs.map((r) => r.minorFaults)) } : {}),
    // A list (each thread's finish) has the median of each of its places.
    stages: Object.fromEntries(stageNames.map((k) => [k, Array.isArray(rs[0].stages[k]) ? rs[0].stages[k].map((_, i) => median(rs.map((r) => r.stages[k][i]))) : median(rs.map((r) => r.stages[k]))])),
    runs,
  };
}

/** A corpus ten times larger: the three corpora replicated with changed ids and values. */
function syntheticCorpus(times) {
  const dir = mkdtempSync(join(tmpdir(), 'ruleatlas-scale-'));
  const uuid = /([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})/gi;
  const walk = (src, dst, k) => {
    mkdirSync(dst, { recursive: true });
    for (const e of readdirSync(src, { withFileTypes: true })) {
      const s = join(src, e.name);
      const d = join(dst, e.name);
      if (e.isDirectory()) walk(s, d, k);
      else if (/\.(ya?ml|toml|conf|ndjson)$/.test(e.name)) {
        let t = readFileSync(s, 'utf8');
        if (k > 0) {
          // New ids (the last 4 hex digits of each uuid carry the copy number) and new values.
          t = t.replace(uuid, (_m, a, b, c, d1, e1) => `${a}-${b}-${c}-${d1}-${e1.slice(0, 8)}${k.toString(16).padStart(4, '0')}`);
          t = t.replace(/\.exe\b/g, `_${k}.exe`).replace(/\.dll\b/g, `_${k}.dll`);
        }
        writeFileSync(d, t);
      }
    }
  };
  for (let k = 0; k < times; k++) for (const p of ALL) walk(p, join(dir, `copy${k}`, p.split('/').pop()), k);
  return dir;
}

const results = { date: new Date().toISOString(), machine: { cpus: cpus().length, parallelism: availableParallelism(), model: cpus()[0]?.model, memGB: Math.round(totalmem() / 2 ** 30), node: process.version }, runs: RUNS };
const log = (s) => process.stderr.write(s + '\n');

// What 'auto' means here: worker threads for spare cores (`autoWorkers()`, none on 2 cores), and on 2–3 cores
// one for a corpus that splits into whole vendors (src/loader/load.ts, `autoLoadWorkers`). So the auto runs are
// measured apart from the one-thread runs; each says how many worker threads it used.
const { autoWorkers } = await import(join(root, 'dist', 'index.js'));
results.autoWorkers = autoWorkers();

log('machine probe (a fixed workload: JavaScript, and creating files)');
probe('start');

log('sigma: load + parse + normalize, one thread and with a worker thread');
results.sigma1 = repeat('parse', SIGMA, 0);
results.sigma = repeat('parse', SIGMA, 'auto');
results.sigma2 = repeat('parse', SIGMA, 1);

log('all three corpora: per vendor, one thread');
results.vendors = {};
for (const v of ['sigma', 'elastic', 'splunk']) results.vendors[v] = repeat('parse', [join(corpora, v)], 0, [], Math.min(RUNS, 3));

log('all three corpora: load + parse + normalize + aggregate + catalog.json');
results.catalog1 = repeat('catalog', ALL, 0);
// Every measurement runs with the CLI's V8 tuning (src/core/v8-tuning.ts); this one shows V8's defaults,
// what a program that imports the library gets unless it calls tuneForBatch().
log('all three corpora → catalog.json with V8 defaults (no tuneForBatch)');
results.catalogUntuned = repeat('catalog', ALL, 0, [], Math.min(RUNS, 3), [], false, { ...process.env, RULEATLAS_V8_TUNING: '0' });
results.catalog = repeat('catalog', ALL, 'auto');
probe('before the site builds');
log('all three corpora: + static site, one thread, auto, and two threads (workers: 1)');
results.site1 = repeat('site', ALL, 0);
results.site = repeat('site', ALL, 'auto');
results.site2 = repeat('site', ALL, 1);

log('scale: a corpus ten times larger');
const big = syntheticCorpus(10);
process.on('exit', () => rmSync(big, { recursive: true, force: true }));
results.scale = repeat('site', [big], 'auto', [], Math.min(RUNS, 3));
// V8 lets the old generation grow to about four times what the last full collection kept, so the
// default peak says more about that policy than about the build (docs/performance.md, "Memory at
// ten times"). The same build with the heap capped (what NODE_OPTIONS=--max-old-space-size does for
// the CLI) shows whether it fits in 2 GB. The files are in the page cache already: no warm-up run.
results.scaleCapped = { ...repeat('site', [big], 'auto', [], Math.min(RUNS, 3), [`--max-old-space-size=${SCALE_HEAP_CAP_MB}`], false), heapCapMB: SCALE_HEAP_CAP_MB };

/**
 * The other vendors' edits of the rebuild rows: result key, vendor folder, sub-folder, the value to
 * change (its first match in the first file, by name, that has one) and the change (run i).
 */
const VENDOR_EDITS = [
  ['incrementalSiteSplunk', 'splunk', ['detections', 'endpoint'], /(Processes\.process_name=)("?)([A-Za-z][\w-]*)(\.exe)\2/, (m, i) => `${m[1]}${m[2]}${m[3]}${i}${m[4]}${m[2]}`],
  ['incrementalSiteElastic', 'elastic', ['rules', 'windows'], /(process\.name : ")([A-Za-z][\w-]*)(\.exe")/, (m, i) => `${m[1]}${m[2]}${i}${m[3]}`],
];

/** The first file under `dir` (sorted by name, not recursive) whose text matches `re`. */
function firstFileMatching(dir, re) {
  if (!existsSync(dir)) return null;
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isFile() && re.test(readFileSync(p, 'utf8'))) return p;
  }
  return null;
}

probe('before the rebuilds');
log('incremental: rebuild after one changed rule file, with the cache directory (--cache, incremental build)');
{
  const copy = mkdtempSync(join(tmpdir(), 'ruleatlas-incr-'));
  process.on('exit', () => rmSync(copy, { recursive: true, force: true }));
  for (const p of ALL) cpSync(p, join(copy, p.split('/').pop()), { recursive: true });
  const paths = ['sigma', 'elastic', 'splunk'].map((v) => join(copy, v));
  // A rebuild writes where the previous build wrote (as `ruleatlas build --out` run again does):
  // the first build fills the cache and the output folder, each rebuild updates both in place.
  // Measured without the web site (`--no-site`, task 'catalog') and with it ('site'), each with its
  // own cache and output folder.
  const target = join(copy, 'sigma', 'rules', 'windows', 'process_creation');
  const file = existsSync(target) ? join(target, readdirSync(target).find((f) => f.endsWith('.yml'))) : null;
  for (const [task, key] of [['catalog', 'incremental'], ['site', 'incrementalSite']]) {
    const out = join(outRoot, key);
    const cache = join(copy, `.cache-${task}`);
    measure(task, paths, 'auto', ['--cache', cache], [], out); // fills the cache
    const rs = [];
    for (let i = 0; i < RUNS && file; i++) {
      writeFileSync(file, readFileSync(file, 'utf8').replace(/^title: (.*)$/m, `title: $1 (${task} edit ${i})`));
      rs.push(measure(task, paths, 'auto', ['--cache', cache], [], out));
    }
    if (rs.length) results[key] = { ...rs[0], wall: median(rs.map((r) => r.wall)), ...(rs[0].minorFaults !== undefined ? { minorFaults: median(rs.map((r) => r.minorFaults)) } : {}), runs: rs.length, changedFile: file };
    if (!file) continue;
    // An edited title shows in the rule's own row and the lists of rules only. An edited value of the
    // detection logic changes what the rule counts for across the catalog (the other kind of commit):
    // measured too, without the site and with it (what `ruleatlas build --cache` does by default), in the
    // same cache and output folder.
    const vs = [];
    for (let i = 0; i < RUNS; i++) {
      const before = readFileSync(file, 'utf8');
      const after = before.replace(/^(\s+- ')([^'\n]+)'$/m, `$1$2${i}'`);
      if (after === before) break;
      writeFileSync(file, after);
      vs.push(measure(task, paths, 'auto', ['--cache', cache], [], out));
    }
    if (vs.length) results[task === 'catalog' ? 'incrementalValue' : 'incrementalSiteValue'] = { ...vs[0], wall: median(vs.map((r) => r.wall)), ...(vs[0].minorFaults !== undefined ? { minorFaults: median(vs.map((r) => r.minorFaults)) } : {}), runs: vs.length, changedFile: file };
    if (task !== 'site') continue;
    // The target is for any one changed rule file: an edited value of a Splunk search (whose vendor has
    // supporting files: macros, data sources, stories) and of an Elastic query, with the site, in the same
    // cache and output folder.
    for (const [key2, vendor, dir, re, edit] of VENDOR_EDITS) {
      const vfile = firstFileMatching(join(copy, vendor, ...dir), re);
      if (!vfile) continue;
      const ws = [];
      for (let i = 0; i < RUNS; i++) {
        const before = readFileSync(vfile, 'utf8');
        const after = before.replace(re, (...m) => edit(m, i));
        if (after === before) break;
        writeFileSync(vfile, after);
        ws.push(measure(task, paths, 'auto', ['--cache', cache], [], out));
      }
      if (ws.length) results[key2] = { ...ws[0], wall: median(ws.map((r) => r.wall)), ...(ws[0].minorFaults !== undefined ? { minorFaults: median(ws.map((r) => r.minorFaults)) } : {}), runs: ws.length, changedFile: vfile };
    }
  }
}

log('start-up: the CLI checking one rule file, and a bare node process for reference');
{
  // What a pre-commit hook or an editor pays per call: process start, loading the package, one file.
  // Timed from outside the process (spawn to exit), so it includes what measure.mjs leaves out.
  const dir = join(corpora, 'sigma', 'rules', 'windows', 'process_creation');
  const one = existsSync(dir) ? join(dir, readdirSync(dir).filter((f) => f.endsWith('.yml')).sort()[0]) : null;
  const time = (args) => {
    const t = performance.now();
    const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${args.join(' ')} failed:\n${r.stderr}`);
    return (performance.now() - t) / 1000;
  };
  if (one) {
    const runs = Math.max(5, RUNS * 2);
    time([join(root, 'dist', 'cli.js'), 'check', one]); // warm-up (file cache)
    const cli = [];
    const bare = [];
    for (let i = 0; i < runs; i++) {
      cli.push(time([join(root, 'dist', 'cli.js'), 'check', one]));
      bare.push(time(['-e', '0']));
    }
    results.startup = { wall: median(cli), wallMin: Math.min(...cli), wallMax: Math.max(...cli), node: median(bare), runs, file: one };
  }
}

log('evaluator: Sigma rules against the regression events');
try {
  results.evaluator = repeat('evaluator', [join(corpora, 'sigma'), join(corpora, 'sigma', 'regression_data')], 0, [], Math.min(RUNS, 3));
} catch (e) {
  results.evaluator = { error: String(e.message).split('\n')[0] };
}

probe('end');

// ---- table
const f = (x, d = 2) => (typeof x === 'number' ? x.toFixed(d) : '-');
const rows = [];
const row = (what, value, target = '', ok = '') => rows.push([what, value, target, ok]);
const check = (v, max) => (typeof v === 'number' ? (v <= max ? 'ok' : 'MISSED') : '');
row('machine', `${results.machine.parallelism} cores, ${results.machine.memGB} GiB, node ${results.machine.node}`);
row(`workers 'auto' on this machine (spare cores; more for a corpus of several vendors on 2–3 cores)`, String(results.autoWorkers));
const threadsOf = (r) => `${r.stages?.workers ?? 0} worker thread${r.stages?.workers === 1 ? '' : 's'}`;
row('V8 tuning of every run (as the CLI; src/core/v8-tuning.ts)', results.sigma1.v8Tuning ?? 'none');
// The same fixed workload at each place (test/bench/probe.mjs): how fast the machine itself was.
row(`machine probe, ${results.probes.map((p) => p.at).join(' / ')}: JavaScript workload (ms)`, results.probes.map((p) => f(p.cpuMs, 0)).join(' / '));
row('  creating a 16 KB file (µs)', results.probes.map((p) => f(p.createUs, 0)).join(' / '));
row(`sigma load+parse+normalize, auto (s; ${threadsOf(results.sigma)})`, `${f(results.sigma.wall)} [${f(results.sigma.wallMin)}–${f(results.sigma.wallMax)}]`, '≤ 1.0', check(results.sigma.wall, 1.0));
row('sigma, one thread (s)', f(results.sigma1.wall), '', '');
row('sigma, two threads (s)', f(results.sigma2.wall), '', '');
row('sigma rules/s (one thread)', f(results.sigma1.rules / results.sigma1.wall, 0), '≥ 3,685 (11× 335)', results.sigma1.rules / results.sigma1.wall >= 3685 ? 'ok' : 'MISSED');
for (const [v, r] of Object.entries(results.vendors)) {
  row(`${v} rules/s (one thread, whole load)`, f(r.rules / r.wall, 0));
  for (const [lang, n] of Object.entries(r.stages.byLanguage ?? {})) row(`  ${lang} parse rules/s`, f(n.rules / (n.ms / 1000), 0));
}
const st = results.catalog1.stages;
row('stages, one thread (s): read / parse / link / normalize / aggregate / render', [st.read + st.support, st.parse, st.link, st.normalize, st.aggregate, results.site1.stages.render].map((x) => f(x / 1000)).join(' / '));
row(`all three → catalog.json, auto (s; ${threadsOf(results.catalog)})`, f(results.catalog.wall), '≤ 3', check(results.catalog.wall, 3));
// How evenly the threads shared the load (LoadResult.timings.ends).
const ends = results.catalog.stages?.ends;
if (Array.isArray(ends) && ends.length > 1) row('  each thread done, from the start of parsing (s): main thread / worker threads', ends.map((x) => f(x / 1000)).join(' / '));
// The least wall time any split of the work could give on this machine: the CPU (every thread of the
// process, V8's included) spread evenly over every core. With one thread's CPU, a split that costs
// nothing; with auto's, the split as it runs (a second isolate starts, compiles and warms its own
// code, and the rules cross between threads as JSON).
const cores = results.machine.parallelism;
if (typeof results.catalog1?.cpu === 'number' && typeof results.catalog.cpu === 'number') {
  row(`  CPU s (all threads), one thread / auto; least wall on ${cores} cores (CPU / cores), one thread's work split for free / auto's`, `${f(results.catalog1.cpu)} / ${f(results.catalog.cpu)}; ${f(results.catalog1.cpu / cores)} / ${f(results.catalog.cpu / cores)}`);
}
if (results.catalogUntuned) row('  the same with V8 defaults (library without tuneForBatch), one thread (s)', f(results.catalogUntuned.wall));
row(`all three → catalog.json + site, auto (s; ${threadsOf(results.site)})`, f(results.site.wall), '≤ 6', check(results.site.wall, 6));
row('peak RSS, full build, auto (MB)', f(results.site.maxRssMB, 0), '≤ 500', check(results.site.maxRssMB, 500));
// Each minor fault is a 4 KB page touched for the first time (docs/performance.md, "Fresh memory").
const faultsOf = (r) => (typeof r?.minorFaults === 'number' ? `${f(r.minorFaults, 0)} (${f((r.minorFaults * 4) / 1024, 0)} MB)` : '-');
row('minor page faults: catalog.json / + site, one thread', `${faultsOf(results.catalog1)} / ${faultsOf(results.site1)}`);
row('full build with two threads (s; peak MB)', `${f(results.site2.wall)} (${f(results.site2.maxRssMB, 0)} MB)`);
const speedup = results.site1.wall / results.site2.wall;
row('speed-up of two threads over one, full build', f(speedup), '≥ 1.6', speedup >= 1.6 ? 'ok' : 'MISSED');
// The most any number of threads could bring here: the one-thread build's CPU (all of V8's threads
// included) spread evenly over every core.
row(`one-thread full build: CPU s (all threads) / bound on the speed-up with ${cores} cores`, `${f(results.site1.cpu)} / ${f(results.site1.wall / (results.site1.cpu / cores))}`);
// The same bound with the CPU the two-thread build itself spends: what its split could bring at most
// if both cores were busy from start to end.
row(`two-thread full build: CPU s (all threads) / bound on its speed-up with ${cores} cores`, `${f(results.site2.cpu)} / ${f(results.site1.wall / (results.site2.cpu / cores))}`);
if (results.scale) {
  const ratio = results.scale.wall / results.site.wall; // both with 'auto'
  row('10× corpus, full build (s)', `${f(results.scale.wall)} (${results.scale.rules} rules)`);
  row('10× / 1× time ratio', f(ratio), '≤ 11', check(ratio, 11));
  row('10× peak RSS, V8 default heap policy (MB)', f(results.scale.maxRssMB, 0));
}
if (results.scaleCapped) {
  const c = results.scaleCapped;
  row(`10× full build, heap capped at ${c.heapCapMB} MB: s (ratio to 1×)`, `${f(c.wall)} (${f(c.wall / results.site.wall)})`, '≤ 11', check(c.wall / results.site.wall, 11));
  row(`10× peak RSS, heap capped at ${c.heapCapMB} MB (MB)`, f(c.maxRssMB, 0), '≤ 2048', check(c.maxRssMB, 2048));
}
for (const [key, what, flags] of [
  ['incremental', 'one changed file (an edited title)', '--cache --no-site'],
  ['incrementalSite', 'one changed file (an edited title)', '--cache, with the web site'],
  ['incrementalValue', 'one changed value of a rule\'s detection', '--cache --no-site'],
  ['incrementalSiteValue', 'one changed value of a rule\'s detection', '--cache, with the web site'],
  ['incrementalSiteSplunk', 'one changed value of a Splunk search', '--cache, with the web site'],
  ['incrementalSiteElastic', 'one changed value of an Elastic query', '--cache, with the web site'],
]) {
  const r = results[key];
  if (!r) continue;
  const inc = r.incremental;
  const interning = inc?.interning === 'patched' ? ', interning patched' : inc?.interning?.replayed ? `, interning pass run again (${inc.interning.replayed})` : '';
  const how = inc ? (inc.used ? (inc.rowsOnly ? `incremental, the rule's row alone: ${inc.techniques} techniques' pages` : `incremental: ${inc.techniques} technique and ${inc.fields} field pages, ${inc.rows} rule rows recomputed${inc.techniquesKept ? ` (${inc.techniquesKept} techniques reached kept)` : ''}${interning}`) : `full build: ${inc.reason}`) : r.cache ? `${r.cache.hits} hits, ${r.cache.misses} re-parsed` : 'no cache figures';
  row(`rebuild in place after ${what}, ${flags} (s; ${how}; minor page faults ${faultsOf(r)})`, f(r.wall), '≤ 0.5', check(r.wall, 0.5));
}
if (results.startup) row(`CLI start-up: \`ruleatlas check\` on one rule file (s; a bare node process: ${f(results.startup.node)})`, `${f(results.startup.wall)} [${f(results.startup.wallMin)}–${f(results.startup.wallMax)}]`);
if (results.evaluator?.eventsPerSecond) row('evaluator: events/s (all Sigma rules, one core)', f(results.evaluator.eventsPerSecond, 0), '≥ 1,000', results.evaluator.eventsPerSecond >= 1000 ? 'ok' : 'MISSED');
else row('evaluator', results.evaluator?.error ?? 'n/a');

const w = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => String(r[i]).length)));
const line = (r) => r.map((c, i) => String(c).padEnd(w[i])).join(' | ');
console.log(line(['measurement', `median of ${RUNS}`, 'target', '']));
console.log(w.map((n) => '-'.repeat(n)).join('-|-'));
for (const r of rows) console.log(line(r));
const jsonPath = values.json ?? join(root, '.bench', 'results.json');
mkdirSync(dirname(jsonPath), { recursive: true });
writeFileSync(jsonPath, JSON.stringify({ ...results, table: rows }, null, 2));
console.log(`\nwritten: ${jsonPath}`);
if (previous) {
  const { compareResults, formatComparison } = await import('./compare.mjs');
  console.log(`\ncompared with ${values.compare}:`);
  console.log(formatComparison(compareResults(previous, results), [previous.date?.slice(0, 16) ?? 'before', results.date.slice(0, 16)]));
}

