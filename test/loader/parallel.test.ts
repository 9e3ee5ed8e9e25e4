/**
 * Worker threads give exactly the one-thread result. Worker threads run the
 * built package (dist/worker.js), so this test loads the library from dist/
 * (CI builds before testing) and says so when it is absent.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planShards } from '../../src/loader/parallel.js';
import { corpus, describeCorpus } from '../helpers/corpora.js';

const DIST = resolve(__dirname, '..', '..', 'dist', 'index.js');
const FIXTURES = resolve(__dirname, '..', '..', 'fixtures');
const HAS_DIST = existsSync(DIST);
if (!HAS_DIST) console.warn('[skip] worker-thread identity: dist/ is not built (npm run build)');

type Lib = typeof import('../../src/index.js');
const lib = async (): Promise<Lib> => (await import(DIST)) as Lib;

describe('shard plan', () => {
  it('puts whole vendors on threads, the main thread first, balancing the estimated cost', () => {
    const groups = [
      { vendor: 'sigma' as const, bytes: 5_800_000 },
      { vendor: 'elastic' as const, bytes: 16_500_000 },
      { vendor: 'splunk' as const, bytes: 7_500_000 },
    ];
    const two = planShards(groups, 2);
    expect(two.flat().sort()).toEqual(['elastic', 'sigma', 'splunk']);
    expect(two.every((s) => s.length > 0)).toBe(true);
    expect(planShards(groups, 1)[0]!.sort()).toEqual(['elastic', 'sigma', 'splunk']);
    expect(planShards(groups, 3).every((s) => s.length === 1)).toBe(true);
  });
});

describe.skipIf(!HAS_DIST)('worker threads (built package)', () => {
  it('load the fixtures exactly as one thread does', async () => {
    const { loadCorpus } = await lib();
    const one = await loadCorpus([FIXTURES], { workers: 0 });
    const two = await loadCorpus([FIXTURES], { workers: 2 });
    expect(two.timings?.workers).toBe(2);
    expect(JSON.stringify(two.rules)).toBe(JSON.stringify(one.rules));
    expect(two.diagnostics).toEqual(one.diagnostics);
    expect(two.files).toEqual(one.files);
  });
});

describeCorpus('worker threads on the three corpora', () => {
  it.skipIf(!HAS_DIST)('give the one-thread rules, diagnostics and files', async () => {
    const { loadCorpus } = await lib();
    const paths = ['sigma', 'elastic', 'splunk'].map((v) => corpus(v));
    const one = await loadCorpus(paths, { workers: 0 });
    const auto = await loadCorpus(paths, { workers: 1 });
    expect(auto.timings?.workers).toBe(1);
    expect(auto.rules.length).toBe(one.rules.length);
    expect(JSON.stringify(auto.rules)).toBe(JSON.stringify(one.rules));
    expect(JSON.stringify(auto.diagnostics)).toBe(JSON.stringify(one.diagnostics));
    expect(auto.files).toEqual(one.files);
  }, 180_000);
});
