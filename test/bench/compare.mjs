// Compare two `npm run bench` results (the JSON that run.mjs writes): one row
// per measurement with both values and the change, and which way is better.
//
//   node test/bench/compare.mjs BEFORE.json AFTER.json
//   npm run bench -- --compare BEFORE.json      (compares the new run with BEFORE)
//
// A change within the noise of this machine (docs/performance.md: up to 20 %
// between runs of the same code) is marked `~`, not better or worse. The
// machine probes (test/bench/probe.mjs) are compared too, marked `machine
// faster` or `machine slower`: what to read the other changes against.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Changes smaller than this fraction are reported as noise. */
export const NOISE = 0.1;

/**
 * The comparable figures of one results object: name, value, unit, and
 * whether lower or higher is better. Measurements a run did not make are left
 * out, so results of older bench versions still compare on what they share.
 */
export function metrics(results) {
  const out = [];
  const add = (name, value, unit, better) => {
    if (typeof value === 'number' && Number.isFinite(value)) out.push({ name, value, unit, better });
  };
  const r = results ?? {};
  add('sigma, one thread', r.sigma1?.wall, 's', 'lower');
  if (r.sigma1?.wall) add('sigma rules/s, one thread', r.sigma1.rules / r.sigma1.wall, 'rules/s', 'higher');
  for (const [vendor, v] of Object.entries(r.vendors ?? {})) {
    if (v?.wall) add(`${vendor} rules/s, whole load`, v.rules / v.wall, 'rules/s', 'higher');
    for (const [lang, l] of Object.entries(v?.stages?.byLanguage ?? {})) {
      if (l?.ms > 0) add(`${lang} parse rules/s`, l.rules / (l.ms / 1000), 'rules/s', 'higher');
    }
  }
  add('three corpora → catalog.json', r.catalog?.wall, 's', 'lower');
  add('three corpora → catalog.json, V8 defaults', r.catalogUntuned?.wall, 's', 'lower');
  add('+ static site', r.site?.wall, 's', 'lower');
  for (const stage of ['read', 'parse', 'normalize', 'aggregate']) add(`stage ${stage}, one thread`, r.catalog1?.stages?.[stage] / 1000, 's', 'lower');
  add('stage render (site), one thread', r.site1?.stages?.render / 1000, 's', 'lower');
  add('peak RSS, full build', r.site?.maxRssMB, 'MB', 'lower');
  if (r.site1?.wall && r.site2?.wall) add('speed-up of two threads', r.site1.wall / r.site2.wall, '×', 'higher');
  add('10× full build', r.scale?.wall, 's', 'lower');
  if (r.scale?.wall && r.site?.wall) add('10× / 1× time', r.scale.wall / r.site.wall, '×', 'lower');
  add('10× peak RSS, default heap', r.scale?.maxRssMB, 'MB', 'lower');
  add('10× peak RSS, capped heap', r.scaleCapped?.maxRssMB, 'MB', 'lower');
  add('rebuild after one changed file', r.incremental?.wall, 's', 'lower');
  add('rebuild after one changed file, with the site', r.incrementalSite?.wall, 's', 'lower');
  add('rebuild after one changed value', r.incrementalValue?.wall, 's', 'lower');
  add('rebuild after one changed value, with the site', r.incrementalSiteValue?.wall, 's', 'lower');
  add('rebuild after a changed Splunk value, with the site', r.incrementalSiteSplunk?.wall, 's', 'lower');
  add('rebuild after a changed Elastic value, with the site', r.incrementalSiteElastic?.wall, 's', 'lower');
  add('minor page faults, catalog.json, one thread', r.catalog1?.minorFaults, 'faults', 'lower');
  add('minor page faults, rebuild', r.incremental?.minorFaults, 'faults', 'lower');
  add('CLI start-up, check one file', r.startup?.wall, 's', 'lower');
  add('evaluator', r.evaluator?.eventsPerSecond, 'events/s', 'higher');
  // The machine itself (test/bench/probe.mjs), the median over the run's probes: not ruleatlas's speed,
  // what to read the other changes against.
  const probes = Array.isArray(r.probes) ? r.probes : [];
  if (probes.length) {
    add('machine probe: JavaScript workload', median(probes.map((p) => p.cpuMs)), 'ms', 'machine');
    add('machine probe: creating a file', median(probes.map((p) => p.createUs)), 'µs', 'machine');
  }
  return out;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Rows comparing `before` and `after`: [name, before, after, change, verdict]. */
export function compareResults(before, after, noise = NOISE) {
  const b = new Map(metrics(before).map((m) => [m.name, m]));
  const rows = [];
  for (const m of metrics(after)) {
    const old = b.get(m.name);
    if (!old) continue;
    const change = old.value === 0 ? 0 : (m.value - old.value) / old.value;
    const improved = m.better === 'higher' ? change > 0 : change < 0;
    // A probe of the machine says which way the machine moved, not the code.
    const verdict = Math.abs(change) < noise ? '~' : m.better === 'machine' ? (improved ? 'machine faster' : 'machine slower') : improved ? 'better' : 'worse';
    rows.push([m.name, fmt(old.value, m.unit), fmt(m.value, m.unit), `${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)} %`, verdict]);
  }
  return rows;
}

function fmt(v, unit) {
  const digits = unit === 's' || unit === '×' ? 2 : 0;
  return `${v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })} ${unit}`;
}

/** The rows as an aligned text table. */
export function formatComparison(rows, labels = ['before', 'after']) {
  const all = [['measurement', labels[0], labels[1], 'change', ''], ...rows];
  const w = [0, 1, 2, 3, 4].map((i) => Math.max(...all.map((r) => String(r[i]).length)));
  const line = (r) => r.map((c, i) => String(c).padEnd(w[i])).join(' | ').trimEnd();
  return [line(all[0]), w.map((n) => '-'.repeat(n)).join('-|-'), ...rows.map(line)].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [beforePath, afterPath] = process.argv.slice(2);
  if (!beforePath || !afterPath) {
    console.error('usage: node test/bench/compare.mjs BEFORE.json AFTER.json');
    process.exit(2);
  }
  const read = (p) => JSON.parse(readFileSync(p, 'utf8'));
  const before = read(beforePath);
  const after = read(afterPath);
  console.log(formatComparison(compareResults(before, after), [before.date?.slice(0, 16) ?? beforePath, after.date?.slice(0, 16) ?? afterPath]));
}
