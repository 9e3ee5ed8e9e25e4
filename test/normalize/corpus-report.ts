/**
 * Corpus report for normalization (run by hand, not a test):
 *   npx vite-node test/normalize/corpus-report.ts [--unmapped N] [--events]
 * Loads the three corpora in ../shared/corpora, normalizes them and prints
 * field coverage, the most frequent unmapped fields, ATT&CK resolution and
 * event coverage.
 */
import { loadEventCatalog } from '../../src/events/index.js';
import { loadCorpus } from '../../src/loader/load.js';
import { fieldCoverage } from '../../src/normalize/index.js';
import { logWide, targetsWindowsEvents } from './windows-target.js';
const CORPORA = resolve(import.meta.dirname ?? '.', '..', '..', '..', 'shared', 'corpora');
import { resolve } from 'node:path';

const args = process.argv.slice(2);
const topN = Number(args[args.indexOf('--unmapped') + 1] ?? 40) || 40;
const paths = ['sigma', 'elastic', 'splunk'].map((v) => resolve(CORPORA, v));
const t0 = performance.now();
const res = await loadCorpus(paths, { workers: 0 });
const t1 = performance.now();
const rules = res.rules;
console.log(`rules ${rules.length} (load+normalize ${(t1 - t0).toFixed(0)} ms; normalize ${res.timings?.normalize.toFixed(0)} ms)`);
const cov = fieldCoverage(rules);
console.log(`predicates ${cov.predicates}, validated ${cov.validated}, share ${(cov.share * 100).toFixed(2)}%  keyword ${cov.keywordPredicates} computed ${cov.computedPredicates}`);
for (const [v, c] of Object.entries(cov.byVendor)) console.log(`  ${v}: ${c.validated}/${c.predicates} = ${(c.share * 100).toFixed(2)}%`);
console.log(`unmapped distinct ${cov.unmapped.length}; top ${topN}:`);
for (const u of cov.unmapped.slice(0, topN)) console.log(`  ${u.vendor} ${u.field} -> ${u.canonical ?? '(none)'} x${u.count}`);
const codes = new Map<string, number>();
for (const r of rules) for (const d of r.diagnostics) if (d.code.startsWith('attack.') || d.code.startsWith('normalize.')) codes.set(`${r.vendor} ${d.code}`, (codes.get(`${r.vendor} ${d.code}`) ?? 0) + 1);
console.log('diagnostics:', [...codes.entries()].sort());
const unknown = new Map<string, number>();
for (const r of rules) for (const d of r.diagnostics) if (d.code === 'attack.unknown-technique') unknown.set(d.message.split(' ')[1]!, (unknown.get(d.message.split(' ')[1]!) ?? 0) + 1);
console.log('unknown techniques:', [...unknown.entries()]);
// Events
const byVendor: Record<string, { rules: number; withEvents: number; windowsNoEvents: string[] }> = {};
for (const r of rules) {
  const v = (byVendor[r.vendor] ??= { rules: 0, withEvents: 0, windowsNoEvents: [] });
  v.rules++;
  if (r.events?.length) v.withEvents++;
}
console.log('events:', Object.fromEntries(Object.entries(byVendor).map(([k, v]) => [k, `${v.withEvents}/${v.rules}`])));
const t = rules.filter((r) => r.attack.techniques.includes('T1114.002'));
const ev = new Set(t.flatMap((r) => (r.events ?? []).map((e) => `${e.provider}/${e.eventId}`)));
console.log(`T1114.002 rules ${t.length}:`, [...ev]);
const failed = rules.filter((r) => r.diagnostics.some((d) => d.severity === 'error')).length;
console.log('rules with errors', failed);
// Windows-targeting rules without events (test/normalize/windows-target.ts: a Windows event source, and a source or
// positive logic that names an event; log-wide keyword / event.kind / existence-only rules are listed apart).
const winTarget = targetsWindowsEvents;
for (const v of ['sigma', 'elastic', 'splunk']) {
  const w = rules.filter((r) => r.vendor === v && winTarget(r));
  const miss = w.filter((r) => !r.events?.length);
  const why = new Map<string, number>();
  for (const r of miss) {
    const k = r.vendor === 'sigma' ? `${r.logsource.category ?? '-'}/${r.logsource.service ?? '-'}` : (r.ruleType ?? r.language);
    why.set(k, (why.get(k) ?? 0) + 1);
  }
  console.log(`${v}: Windows-targeting ${w.length}, with events ${w.length - miss.length}, without ${miss.length}`, [...why.entries()]);
}
for (const v of ['sigma', 'elastic', 'splunk']) {
  const lw = rules.filter((r) => r.vendor === v && logWide(r));
  console.log(`${v}: log-wide (not Windows-targeting) ${lw.length}, of them with events ${lw.filter((r) => r.events?.length).length}`, lw.map((r) => r.path.replace(/^.*corpora\//, '')));
}
const fallback = loadEventCatalog().events.filter((e) => /^Event ID \d+$/.test(e.title)).length;
console.log(`event catalog: ${loadEventCatalog().events.length} events, ${fallback} with the fallback title 'Event ID N'`);
