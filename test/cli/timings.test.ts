/** `--timings` lines (src/cli/timings.ts) from given figures. */
import { describe, expect, it } from 'vitest';
import { buildTimingLines, loadTimingLines } from '../../src/cli/timings.js';

const load = {
  read: 201,
  support: 62,
  parse: 2256,
  link: 5,
  normalize: 287,
  workers: 1,
  ends: [2429, 1924],
  byLanguage: { 'splunk/spl': { rules: 1613, ms: 1237 }, 'sigma/sigma': { rules: 3780, ms: 677 }, 'elastic/none': { rules: 0, ms: 0 } },
};

describe('--timings', () => {
  it('gives the load stages, each thread done, and each language sorted, with its rate', () => {
    expect(loadTimingLines(load)).toEqual([
      'load stages (s): read 0.20, supporting files 0.06, parse 2.26, link 0.01, normalize 0.29',
      'threads: 1 worker thread; done after the start of parsing (s): main thread 2.43, worker 1 1.92',
      'parse by language (rules): sigma/sigma 3780 in 0.68 s (5583/s), splunk/spl 1613 in 1.24 s (1304/s)',
    ]);
  });

  it('leaves out the thread line on one thread, and the load lines when no full load ran', () => {
    expect(loadTimingLines({ ...load, workers: 0, ends: [2429] }).some((l) => l.startsWith('threads:'))).toBe(false);
    expect(loadTimingLines({ ...load, workers: 2, ends: [900, 0, 850] })[1]).toBe('threads: 2 worker threads; done after the start of parsing (s): main thread 0.90, worker 1 not started (no files), worker 2 0.85');
    const lines = buildTimingLines({ load: 180, aggregate: 260, write: 170 });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^timings \(s\): load 0\.18, aggregate 0\.26, write 0\.17; total 0\.61; peak memory \d+ MB$/);
    expect(buildTimingLines({ load: 2800, aggregate: 960, write: 2210 }, load)).toHaveLength(4);
  });

  it('says what the page worker did, and when it failed', () => {
    expect(buildTimingLines({ load: 1, aggregate: 1, write: 1 }, undefined, { pageWorker: { files: 2458 } }).at(-1)).toBe('page worker: wrote 2458 files (the technique pages, and with the site the field pages)');
    expect(buildTimingLines({ load: 1, aggregate: 1, write: 1 }, undefined, { pageWorker: { failed: 'Worker terminated due to reaching memory limit: JS heap out of memory' } }).at(-1)).toBe(
      'page worker failed (Worker terminated due to reaching memory limit: JS heap out of memory); its pages were written on the main thread',
    );
    expect(buildTimingLines({ load: 1, aggregate: 1, write: 1 }, undefined, {})).toHaveLength(1);
  });
});
