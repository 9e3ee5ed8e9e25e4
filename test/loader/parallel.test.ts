/**
 * Worker threads give exactly the one-thread result. Worker threads run the
 * built package (dist/worker.js), so this test loads the library from dist/
 * (CI builds before testing) and says so when it is absent.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { availableParallelism } from 'node:os';
import { autoLoadWorkers } from '../../src/loader/load.js';
import { estimateShards, planShards } from '../../src/loader/parallel.js';
import { corpus, describeCorpus } from '../helpers/corpora.js';

const DIST = process.env.RULEATLAS_DIST ?? resolve(__dirname, '..', '..', 'dist', 'index.js');
const FIXTURES = resolve(__dirname, '..', '..', 'fixtures');
const HAS_DIST = existsSync(DIST);
if (!HAS_DIST) console.warn('[skip] worker-thread identity: dist/ is not built (npm run build)');

type Lib = typeof import('../../src/index.js');
const lib = async (): Promise<Lib> => (await import(DIST)) as Lib;

const group = (vendor: 'sigma' | 'elastic' | 'splunk', first: number, sizes: number[]) => ({
  vendor,
  bytes: sizes.reduce((a, b) => a + b, 0),
  jobs: sizes.map((_, i) => first + i),
  sizes,
});

describe('shard plan', () => {
  const groups = [group('sigma', 0, Array(58).fill(100_000)), group('elastic', 58, Array(165).fill(100_000)), group('splunk', 223, Array(75).fill(100_000))];

  it('puts whole vendors on threads when there are enough vendors', () => {
    for (const threads of [1, 2, 3]) {
      const plan = planShards(groups, threads);
      expect(plan).toHaveLength(threads);
      expect(plan.flat().every((p) => p.whole)).toBe(true);
      expect(plan.flat().map((p) => p.vendor).sort()).toEqual(['elastic', 'sigma', 'splunk']);
    }
    // With two threads both are used (the corpus is far larger than a worker's start-up).
    expect(planShards(groups, 2).every((t) => t.length > 0)).toBe(true);
  });

  it('estimates the plan against one thread (the same plan as planShards)', () => {
    for (const threads of [1, 2, 3]) {
      const e = estimateShards(groups, threads);
      expect(e.plan).toEqual(planShards(groups, threads));
      if (threads === 1) expect(e.span).toBeCloseTo(e.oneThread);
      else expect(e.span).toBeLessThan(e.oneThread);
    }
  });

  it("chooses 'auto' worker threads by cores, and on 2–3 cores by what the corpus is", () => {
    // Spare cores: one worker per two cores beyond the first two.
    expect([1, 2, 4, 6, 8].map((cores) => autoLoadWorkers(groups, cores))).toEqual([0, 1, 1, 2, 3]);
    expect(autoLoadWorkers(groups, 3)).toBe(1);
    // 2 cores: none for a lone vendor (split in parts, linked and normalized on the main thread after)...
    expect(autoLoadWorkers([groups[0]!], 2)).toBe(0);
    // ...for a corpus under 4 MB, or over 64 MB (a worker's heap: the ten-times corpus)...
    expect(autoLoadWorkers([group('sigma', 0, [1_000_000]), group('splunk', 1, [1_000_000])], 2)).toBe(0);
    const big = groups.map((g) => ({ ...g, bytes: g.bytes * 10, sizes: g.sizes.map((x) => x * 10) }));
    expect(autoLoadWorkers(big, 2)).toBe(0);
    expect(autoLoadWorkers(big, 4)).toBe(1);
    // ...or when one vendor is nearly all of it (the worker's share would not pay for its start).
    expect(autoLoadWorkers([group('sigma', 0, Array(200).fill(100_000)), group('elastic', 200, [200_000])], 2)).toBe(0);
  });

  // Elastic's work classes as the three corpora have them (MB): EQL, KQL, ES|QL, hunting files, machine learning.
  const classed = (first: number) => {
    const mb: [string, number][] = [['eql', 8.6], ['kuery', 5.0], ['esql', 1.6], ['elastic-hunt-toml', 0.35], ['none', 0.9]];
    const sizes: number[] = [];
    const classes: string[] = [];
    // Files of 100 KB, the classes interleaved as a folder walk finds them.
    const left = mb.map(([, m]) => Math.round(m * 10));
    for (let k = 0; left.some((n) => n > 0); k = (k + 1) % mb.length) {
      if (left[k]! === 0) continue;
      left[k]!--;
      sizes.push(100_000);
      classes.push(mb[k]![0]);
    }
    return { ...group('elastic', first, sizes), classes };
  };

  it('keeps a vendor with work classes whole beside other vendors (spreading it warms its code twice)', () => {
    const three = [groups[0]!, classed(58), { ...groups[2]!, jobs: groups[2]!.jobs.map((j) => j + 1000) }];
    const plan = planShards(three, 2);
    expect(plan.flat().every((p) => p.whole)).toBe(true);
    expect(plan.map((t) => t.map((p) => p.vendor))).toEqual([['sigma', 'elastic'], ['splunk']]);
    expect(plan[0]!.find((p) => p.vendor === 'elastic')!.jobs).toEqual(three[1]!.jobs);
    expect(autoLoadWorkers(three, 2)).toBe(1);
  });

  it('spreads a lone vendor without a link pass by work class, each class finished on one thread', () => {
    const elastic = classed(0);
    const plan = planShards([elastic], 2);
    expect(plan.every((t) => t.length > 0)).toBe(true);
    const parts = plan.flat();
    expect(parts.every((p) => p.whole && p.vendor === 'elastic')).toBe(true);
    expect(parts.flatMap((p) => p.jobs).sort((a, b) => a - b)).toEqual(elastic.jobs);
    const classOf = new Map(elastic.jobs.map((j, i) => [j, elastic.classes[i]!]));
    const threadOf = new Map<string, number>();
    plan.forEach((t, ti) => t.forEach((p) => p.jobs.forEach((j) => expect(threadOf.set(classOf.get(j)!, threadOf.get(classOf.get(j)!) ?? ti).get(classOf.get(j)!)).toBe(ti))));
    // EQL, the largest class, has a thread of its own.
    expect(plan.filter((t) => t.some((p) => p.jobs.some((j) => classOf.get(j) === 'eql')))).toHaveLength(1);
    // On 2 cores one thread is still the faster (measured: 1.27 s against 1.33 s with a worker).
    expect(autoLoadWorkers([elastic], 2)).toBe(0);
    // A vendor of one class is split into runs of files, finished where they run.
    const eql = { ...group('elastic', 0, Array(80).fill(100_000)), classes: Array<string>(80).fill('eql') };
    const runs = planShards([eql], 2);
    expect(runs.every((t) => t.length === 1 && t[0]!.whole)).toBe(true);
    for (const t of runs) expect(t[0]!.jobs.at(-1)! - t[0]!.jobs[0]! + 1).toBe(t[0]!.jobs.length);
  });

  it('splits a lone vendor into contiguous runs of files over the threads', () => {
    const plan = planShards([groups[0]!], 2);
    expect(plan.every((t) => t.length > 0)).toBe(true);
    const parts = plan.flat();
    expect(parts.every((p) => !p.whole && p.vendor === 'sigma')).toBe(true);
    expect(parts.flatMap((p) => p.jobs).sort((a, b) => a - b)).toEqual(groups[0]!.jobs);
    for (const p of parts) expect(p.jobs.at(-1)! - p.jobs[0]! + 1).toBe(p.jobs.length);
  });
});

describe.skipIf(!HAS_DIST)('worker threads (built package)', () => {
  it('load the fixtures exactly as one thread does, vendors on threads or one vendor split', async () => {
    const { loadCorpus } = await lib();
    for (const paths of [[FIXTURES], [resolve(FIXTURES, 'sigma')], [resolve(FIXTURES, 'elastic')]]) {
      const one = await loadCorpus(paths, { workers: 0 });
      for (const workers of [1, 2]) {
        const many = await loadCorpus(paths, { workers });
        expect(many.timings?.workers).toBe(workers);
        expect(JSON.stringify(many.rules)).toBe(JSON.stringify(one.rules));
        expect(many.diagnostics).toEqual(one.diagnostics);
        expect(many.files).toEqual(one.files);
      }
    }
  });

  it('load cached files that were not read (trusted stamps) exactly as one uncached thread does', async () => {
    const { loadCorpus } = await lib();
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { vi } = await import('vitest');
    const cache = mkdtempSync(join(tmpdir(), 'ruleatlas-par-cache-'));
    try {
      const one = await loadCorpus([FIXTURES], { workers: 0 });
      // Stamps recorded a minute ahead are trusted by the next loads (test/loader/stamps.test.ts).
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + 60_000);
      try {
        await loadCorpus([FIXTURES], { workers: 0, cache });
      } finally {
        vi.useRealTimers();
      }
      for (const workers of [1, 2]) {
        const many = await loadCorpus([FIXTURES], { workers, cache });
        expect(many.timings?.workers).toBe(workers);
        expect(many.cache?.unread).toBe(one.files.filter((f) => f.role === 'rules').length);
        expect(JSON.stringify(many.rules)).toBe(JSON.stringify(one.rules));
        expect(many.diagnostics).toEqual(one.diagnostics);
        expect(many.files).toEqual(one.files);
      }
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!HAS_DIST)('build with worker threads (built package)', () => {
  for (const site of [true, false]) {
    it(`writes byte-identical files, technique and field pages on a worker and the manifest once (${site ? 'with' : 'without'} the site)`, async () => {
      const { buildFromPaths } = await lib();
      const { mkdtempSync, readdirSync, readFileSync, rmSync } = await import('node:fs');
      const { tmpdir } = await import('node:os');
      const { join } = await import('node:path');
      const dirs = [0, 1].map((w) => mkdtempSync(join(tmpdir(), `ruleatlas-par-${w}-`)));
      try {
        await buildFromPaths([FIXTURES], { out: dirs[0]!, workers: 0, site });
        const r = await buildFromPaths([FIXTURES], { out: dirs[1]!, workers: 1, site });
        const list = (d: string): string[] => readdirSync(d, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(d.length)).sort();
        expect(list(dirs[1]!)).toEqual(list(dirs[0]!));
        expect(list(dirs[0]!).some((f) => f.startsWith('/techniques/') && f.endsWith('.md'))).toBe(true);
        expect(list(dirs[0]!).some((f) => f.startsWith('/fields/') && f !== '/fields/index.html')).toBe(site);
        for (const f of list(dirs[0]!)) expect(readFileSync(join(dirs[1]!, f)).equals(readFileSync(join(dirs[0]!, f))), f).toBe(true);
        expect(r.written?.files).toBe(list(dirs[0]!).length - 1); // all but the manifest
        // With the site, the page worker wrote the technique and field pages; without it, no loading worker
        // ran on a corpus this small (one that did would write the Markdown: below, on the real corpora).
        if (site) expect(r.written?.pageWorker).toEqual({ files: list(dirs[0]!).filter((f) => /^\/(techniques\/|fields\/(?!index\.html))/.test(f)).length });
        else expect(r.written?.pageWorker).toBeUndefined();
      } finally {
        for (const d of dirs) rmSync(d, { recursive: true, force: true });
      }
    });
  }
});

describeCorpus('worker threads on the real corpora', () => {
  // What 'auto' chose on this machine: with 2 or 3 cores, one worker for the three corpora (whole vendors
  // on each thread) and none for the Sigma corpus alone; with more, one per two cores beyond the first two.
  it.skipIf(!HAS_DIST)("'auto' threads for the three corpora and for the Sigma corpus alone", async () => {
    const { autoWorkers, loadCorpus } = await lib();
    const cores = availableParallelism();
    const three = await loadCorpus(['sigma', 'elastic', 'splunk'].map((v) => corpus(v)), { workers: 'auto' });
    const sigma = await loadCorpus([corpus('sigma')], { workers: 'auto' });
    expect(three.timings?.workers).toBe(cores >= 4 ? autoWorkers() : cores >= 2 ? 1 : 0);
    expect(sigma.timings?.workers).toBe(cores >= 4 ? autoWorkers() : 0);
  }, 180_000);

  // The three corpora (vendors on threads), the Sigma corpus alone (split, linked on the main thread) and
  // the Elastic corpus alone (spread by query language, each part finished on its thread).
  for (const [name, parts] of [
    ['three corpora', ['sigma', 'elastic', 'splunk']],
    ['Sigma alone', ['sigma']],
    ['Elastic alone', ['elastic']],
  ] as const) {
    it.skipIf(!HAS_DIST)(`${name}: the one-thread rules, diagnostics and files`, async () => {
      const { loadCorpus } = await lib();
      const paths = parts.map((v) => corpus(v));
      const one = await loadCorpus(paths, { workers: 0 });
      const two = await loadCorpus(paths, { workers: 1 });
      expect(two.timings?.workers).toBe(1);
      // Both threads had files (a worker given none is not started, and its finish stays 0).
      expect(two.timings?.ends).toHaveLength(2);
      expect(two.timings!.ends[1]).toBeGreaterThan(0);
      expect(two.rules.length).toBe(one.rules.length);
      // The first rule that differs (a failing comparison of the whole corpus would print a diff too large to show).
      const differs = one.rules.findIndex((r, i) => JSON.stringify(r) !== JSON.stringify(two.rules[i]));
      expect(differs, differs >= 0 ? `rule ${differs}: ${one.rules[differs]!.path}` : '').toBe(-1);
      expect(JSON.stringify(two.diagnostics) === JSON.stringify(one.diagnostics)).toBe(true);
      expect(two.files).toEqual(one.files);
    }, 180_000);
  }

  // Without the site, the loading worker is kept once its shard is done and writes the techniques' Markdown
  // while the main thread aggregates and writes catalog.json (src/pipeline.ts).
  it.skipIf(!HAS_DIST)('three corpora without the site: the kept loading worker writes the Markdown, byte for byte', async () => {
    const { buildFromPaths, loadCorpus } = await lib();
    const { mkdtempSync, readdirSync, readFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const paths = ['sigma', 'elastic', 'splunk'].map((v) => corpus(v));
    // The loader hands the worker over only when asked; its new owner ends it.
    const kept: { stop(): Promise<void> }[] = [];
    const loaded = await loadCorpus(paths, { workers: 1, keepWorker: (w) => kept.push(w) });
    expect(loaded.timings!.ends[1]).toBeGreaterThan(0);
    expect(kept).toHaveLength(1);
    await kept[0]!.stop();
    const dirs = [0, 1].map((w) => mkdtempSync(join(tmpdir(), `ruleatlas-keep-${w}-`)));
    try {
      await buildFromPaths(paths, { out: dirs[0]!, workers: 0, site: false });
      const r = await buildFromPaths(paths, { out: dirs[1]!, workers: 1, site: false });
      const list = (d: string): string[] => readdirSync(d, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(d.length)).sort();
      expect(list(dirs[1]!)).toEqual(list(dirs[0]!));
      for (const f of list(dirs[0]!)) expect(readFileSync(join(dirs[1]!, f)).equals(readFileSync(join(dirs[0]!, f))), f).toBe(true);
      const markdown = list(dirs[0]!).filter((f) => /^\/techniques\/[^/]+\.md$/.test(f)).length;
      expect(markdown).toBeGreaterThan(500);
      expect(r.written?.pageWorker).toEqual({ files: markdown });
    } finally {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    }
  }, 180_000);
});
