// The bench comparison (test/bench/compare.mjs): which figures it reads from a
// results file, the change it computes, and which way it calls better.
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { compareResults, formatComparison, metrics } from './compare.mjs';

const run = (sigmaWall: number, rss: number, evPerS: number) => ({
  date: '2026-11-28T09:00:00.000Z',
  sigma1: { wall: sigmaWall, rules: 3780 },
  site: { wall: 8, maxRssMB: rss },
  evaluator: { eventsPerSecond: evPerS },
});

describe('bench comparison', () => {
  it('reads the figures a results file has and skips the ones it lacks', () => {
    const names = metrics(run(1, 400, 3000)).map((m: { name: string }) => m.name);
    expect(names).toEqual(['sigma, one thread', 'sigma rules/s, one thread', '+ static site', 'peak RSS, full build', 'evaluator']);
    expect(metrics({})).toEqual([]);
  });

  it('computes the change and calls it by the better direction of each figure', () => {
    const rows = compareResults(run(1.2, 400, 3000), run(0.9, 500, 3100));
    const byName = new Map<string, string[]>(rows.map((r: string[]) => [r[0]!, r]));
    // Time down 25 %: better; rules/s up accordingly: better.
    expect(byName.get('sigma, one thread')).toEqual(['sigma, one thread', '1.20 s', '0.90 s', '-25.0 %', 'better']);
    expect(byName.get('sigma rules/s, one thread')![4]).toBe('better');
    // Memory up 25 %: worse.
    expect(byName.get('peak RSS, full build')![3]).toBe('+25.0 %');
    expect(byName.get('peak RSS, full build')![4]).toBe('worse');
    // Within the noise (3.3 %): neither.
    expect(byName.get('evaluator')![4]).toBe('~');
    // Unchanged figures compare as 0 %.
    expect(byName.get('+ static site')![3]).toBe('+0.0 %');
  });

  it('compares the machine probes as the machine’s spell, not as better or worse code', () => {
    const probes = (cpuMs: number, createUs: number) => [
      { at: 'start', cpuMs, createUs },
      { at: 'end', cpuMs: cpuMs + 10, createUs: createUs + 2 },
      { at: 'middle', cpuMs: cpuMs + 1000, createUs: createUs + 1000 },
    ];
    const rows = compareResults({ ...run(1, 400, 3000), probes: probes(400, 40) }, { ...run(1, 400, 3000), probes: probes(300, 80) });
    const byName = new Map<string, string[]>(rows.map((r: string[]) => [r[0]!, r]));
    // The median of each run's probes: 410 -> 310 ms, 42 -> 82 µs.
    expect(byName.get('machine probe: JavaScript workload')).toEqual(['machine probe: JavaScript workload', '410 ms', '310 ms', '-24.4 %', 'machine faster']);
    expect(byName.get('machine probe: creating a file')![4]).toBe('machine slower');
    expect(compareResults({ ...run(1, 400, 3000), probes: probes(400, 40) }, { ...run(1, 400, 3000), probes: probes(410, 41) }).find((r: string[]) => r[0] === 'machine probe: creating a file')[4]).toBe('~');
  });

  it('leaves out figures only one side has', () => {
    const before = { ...run(1, 400, 3000), incremental: { wall: 4 } };
    const rows = compareResults(before, run(1, 400, 3000));
    expect(rows.map((r: string[]) => r[0])).not.toContain('rebuild after one changed file');
    const text = formatComparison(rows, ['a', 'b']);
    expect(text.split('\n')[0]).toMatch(/^measurement +\| a +\| b +\| change/);
    expect(text.split('\n')).toHaveLength(2 + rows.length);
  });
});
