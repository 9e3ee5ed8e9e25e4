/**
 * Evaluator throughput on the real corpora (not a test: no timings in tests).
 *   npx vite-node test/evaluate/bench-evaluator.ts            # Sigma rules
 *   npx vite-node test/evaluate/bench-evaluator.ts --all      # Sigma + Elastic + Splunk
 * Prints benchmarkEvaluator's result (wall and CPU seconds, events/second).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { benchmarkEvaluator, loadRegressionEvents } from '../../src/evaluate/index.js';
import { loadCorpus } from '../../src/loader/load.js';
// Not ../helpers/corpora.js: it imports vitest, which only loads inside a test run.
const corpus = (...parts: string[]) => resolve(__dirname, '..', '..', '..', 'shared', 'corpora', ...parts);

const sigma = ['rules', 'rules-emerging-threats', 'rules-threat-hunting', 'rules-placeholder', 'rules-compliance', 'rules-dfir'].map((f) => corpus('sigma', f));
const others = [corpus('elastic', 'rules'), corpus('elastic', 'rules_building_block'), corpus('elastic', 'hunting'), corpus('splunk', 'detections'), corpus('splunk', 'macros')];
const paths = (process.argv.includes('--all') ? [...sigma, ...others] : sigma).filter(existsSync);
const { rules } = await loadCorpus(paths);
const events = loadRegressionEvents(corpus('sigma', 'regression_data'));
for (let i = 0; i < 3; i++) {
  const r = benchmarkEvaluator(rules, events, { minSeconds: 3 });
  process.stdout.write(JSON.stringify({ ...r, eventsPerCpuSecond: Math.round(r.processed / r.cpuSeconds) }) + '\n');
}
