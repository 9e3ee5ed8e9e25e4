// The bench's machine probe (test/bench/probe.mjs): the same work on every run (its checksum is
// fixed), timed, and the files it creates left where it was told.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('machine probe', () => {
  it('does the same fixed work each run and reports its times', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ruleatlas-probe-test-'));
    try {
      const runs = [0, 1].map(() => {
        const r = spawnSync(process.execPath, [join(__dirname, 'probe.mjs'), dir], { encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
        return JSON.parse(r.stdout) as { cpuMs: number; createUs: number; files: number; check: number };
      });
      for (const p of runs) {
        expect(p.cpuMs).toBeGreaterThan(0);
        expect(p.createUs).toBeGreaterThan(0);
        expect(p.files).toBe(2000);
      }
      expect(runs[1]!.check).toBe(runs[0]!.check);
      // The workload itself is fixed: results files compare their probes only while it stays the same.
      expect(runs[0]!.check).toBe(11157663);
      // One folder of 2,000 files per run, in the folder given.
      const folders = readdirSync(dir);
      expect(folders).toHaveLength(2);
      for (const f of folders) expect(readdirSync(join(dir, f))).toHaveLength(2000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('refuses to run without a folder', () => {
    const r = spawnSync(process.execPath, [join(__dirname, 'probe.mjs')], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/usage/);
  });
});
