/**
 * The CLI's V8 tuning (src/core/v8-tuning.ts): when it applies, and that the
 * flag set at run time really changes when V8 optimizes (it is not only
 * accepted: `v8.setFlagsFromString` may ignore a flag after start-up).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { BATCH_INTERRUPT_BUDGET, DEFAULT_INTERRUPT_BUDGET, batchTuningDecision } from '../../src/core/v8-tuning.js';

const NODE20 = '11.3.244.8-node.38';
const root = resolve(__dirname, '..', '..');
const distIndex = join(root, 'dist', 'index.js');
const HAS_DIST = existsSync(distIndex);
if (!HAS_DIST) console.warn('[skip] V8 tuning in a child process: dist/ is not built (npm run build)');
const IS_V8_11_3 = process.versions.v8.startsWith('11.3.');
if (!IS_V8_11_3) console.warn(`[skip] V8 tuning effect: this is V8 ${process.versions.v8}, the tuning applies to 11.3 only`);

describe('batchTuningDecision', () => {
  const base = { env: {}, execArgv: [], v8Version: NODE20 };

  it('applies four times the default budget and no inlining on V8 11.3 when nothing says otherwise', () => {
    expect(batchTuningDecision(base)).toEqual({ applied: true, reason: `V8 --interrupt-budget=${BATCH_INTERRUPT_BUDGET} --no-turbo-inlining`, noInlining: true });
    expect(DEFAULT_INTERRUPT_BUDGET).toBe(67_584);
    expect(BATCH_INTERRUPT_BUDGET).toBe(270_336);
  });

  it("leaves a budget given on node's command line alone, in either spelling", () => {
    for (const ctx of [
      { ...base, execArgv: ['--interrupt-budget=1000'] },
      { ...base, execArgv: ['--max-old-space-size=4096', '--interrupt_budget=1000'] },
    ]) {
      expect(batchTuningDecision(ctx)).toEqual({ applied: false, reason: 'the interrupt budget is set on the node command line' });
    }
    // A different flag with the same prefix is not the budget.
    expect(batchTuningDecision({ ...base, execArgv: ['--interrupt-budget-for-feedback-allocation=10'] }).applied).toBe(true);
  });

  it("leaves inlining given on node's command line alone, either way and in either spelling, and still sets the budget", () => {
    for (const flag of ['--turbo-inlining', '--no-turbo-inlining', '--turbo_inlining', '--no-turbo_inlining']) {
      const d = batchTuningDecision({ ...base, execArgv: [flag] });
      expect(d).toMatchObject({ applied: true, noInlining: false });
      expect(d.reason).toBe(`V8 --interrupt-budget=${BATCH_INTERRUPT_BUDGET} (inlining as set on the node command line)`);
    }
    // Another flag that starts the same way is not inlining.
    expect(batchTuningDecision({ ...base, execArgv: ['--turbo-inlining-limit=3'] }).noInlining).toBe(true);
  });

  it('can be switched off, and stays off on V8 lines it was not measured on', () => {
    expect(batchTuningDecision({ ...base, env: { RULEATLAS_V8_TUNING: '0' } })).toEqual({ applied: false, reason: 'RULEATLAS_V8_TUNING=0' });
    const v12 = batchTuningDecision({ ...base, v8Version: '12.4.254.21-node.33' });
    expect(v12.applied).toBe(false);
    expect(v12.reason).toContain('12.4.254.21');
  });
});

describe.skipIf(!HAS_DIST || !IS_V8_11_3)('the tuning takes effect at run time', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ruleatlas-v8-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /**
   * Calls until V8 has optimized a small function, in a child process with
   * synchronous compilation (so the count is deterministic), after running
   * `setup` against the built package (`lib`).
   */
  function callsUntilOptimized(name: string, setup: string, env: Record<string, string> = {}): number {
    const script = join(dir, `probe-${name}.mjs`);
    writeFileSync(
      script,
      `const lib = await import(${JSON.stringify(pathToFileURL(distIndex).href)});
${setup}
function f(a) { let s = 0; for (let i = 0; i < a.length; i++) s += a.charCodeAt(i); return s; }
const s = 'x'.repeat(50);
let n = 0;
for (; n < 100000; n++) { f(s); if (%GetOptimizationStatus(f) & 16) break; }
process.stdout.write(String(n));
`,
    );
    const r = spawnSync(process.execPath, ['--allow-natives-syntax', '--no-concurrent-recompilation', script], { encoding: 'utf8', env: { ...process.env, RULEATLAS_V8_TUNING: '', ...env } });
    expect(r.status, r.stderr).toBe(0);
    return Number(r.stdout);
  }

  it('optimizes a hot function about 4 times later once tuneForBatch() ran, and as before after endBatchTuning()', () => {
    const before = callsUntilOptimized('none', '');
    const tuned = callsUntilOptimized('tuned', 'lib.tuneForBatch();');
    expect(before).toBeGreaterThan(0);
    expect(tuned).toBeGreaterThan(before * 3);
    expect(tuned).toBeLessThan(before * 6);
    expect(callsUntilOptimized('ended', 'lib.tuneForBatch(); lib.endBatchTuning();')).toBe(before);
    // Tuned again after an end: the same decision is applied again.
    expect(callsUntilOptimized('again', 'lib.tuneForBatch(); lib.endBatchTuning(); lib.tuneForBatch();')).toBe(tuned);
    // The opt-out leaves V8's default.
    expect(callsUntilOptimized('off', 'lib.tuneForBatch();', { RULEATLAS_V8_TUNING: '0' })).toBe(before);
  });

  /** How often V8's inlining trace shows g inlined into f when f, which calls the small g, is optimized after `setup`. */
  function inliningTrace(name: string, setup: string, env: Record<string, string> = {}, flags: string[] = []): number {
    const script = join(dir, `inline-${name}.mjs`);
    writeFileSync(
      script,
      `const lib = await import(${JSON.stringify(pathToFileURL(distIndex).href)});
${setup}
function g(x) { return x * 2 + 1; }
function f(n) { let s = 0; for (let i = 0; i < n; i++) s += g(i); return s; }
%PrepareFunctionForOptimization(f); f(10); f(10); %OptimizeFunctionOnNextCall(f); f(10);
`,
    );
    const r = spawnSync(process.execPath, ['--allow-natives-syntax', '--no-concurrent-recompilation', '--trace-turbo-inlining', ...flags, script], { encoding: 'utf8', env: { ...process.env, RULEATLAS_V8_TUNING: '', ...env } });
    expect(r.status, r.stderr).toBe(0);
    // Only g into f: the trace also shows Node's own code, optimized while the package was imported.
    return r.stdout.split('\n').filter((l) => /^Inlining .*<SharedFunctionInfo g>} into .*<SharedFunctionInfo f>/.test(l)).length;
  }

  it('turns inlining off with tuneForBatch() and back on with endBatchTuning(), unless the command line or the opt-out says otherwise', () => {
    expect(inliningTrace('none', '')).toBeGreaterThan(0);
    expect(inliningTrace('tuned', 'lib.tuneForBatch();')).toBe(0);
    expect(inliningTrace('ended', 'lib.tuneForBatch(); lib.endBatchTuning();')).toBeGreaterThan(0);
    expect(inliningTrace('off', 'lib.tuneForBatch();', { RULEATLAS_V8_TUNING: '0' })).toBeGreaterThan(0);
    expect(inliningTrace('cli', 'lib.tuneForBatch(); lib.endBatchTuning();', {}, ['--no-turbo-inlining'])).toBe(0);
  });
});
