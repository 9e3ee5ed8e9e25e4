// A full collection on request (src/core/collect-garbage.ts), without leaving `--expose-gc` set.
import { getHeapStatistics } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { collectGarbageNow } from '../../src/core/collect-garbage.js';

describe('collectGarbageNow', () => {
  it('collects a dead heap at once', () => {
    const exposed = typeof (globalThis as { gc?: unknown }).gc === 'function';
    collectGarbageNow();
    const base = getHeapStatistics().used_heap_size;
    // About 40 MB of old-generation garbage: objects that survive two scavenges, then die.
    let keep: { a: number; b: string }[] | null = [];
    for (let i = 0; i < 400_000; i++) keep.push({ a: i, b: `value ${i}` });
    keep = null;
    expect(getHeapStatistics().used_heap_size - base).toBeGreaterThan(10_000_000);
    expect(collectGarbageNow()).toBe(true);
    expect(getHeapStatistics().used_heap_size - base).toBeLessThan(5_000_000);
    // The process's own setting is kept: contexts made afterwards get no `gc` unless it had one.
    expect(runInNewContext('typeof gc')).toBe(exposed ? 'function' : 'undefined');
  });
});
