/**
 * The hostile corpus (test/security/hostile-corpus.ts) through the real
 * loader: every malformed or hostile file gets the expected diagnostic with
 * path, line and column, within the default limits, the batch goes on, and
 * the valid rules beside them come out parsed and normalized. No prototype
 * is polluted and no link out of the tree is followed.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic, Rule } from '../../src/ast/schema.js';
import { predicates } from '../../src/ast/walk.js';
import { loadCorpus, type LoadResult } from '../../src/loader/load.js';
import { hostileCorpus } from './hostile-corpus.js';

const corpus = hostileCorpus();
let dir: string;
let outside: string;
let result: LoadResult;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ruleatlas-hostile-'));
  outside = mkdtempSync(join(tmpdir(), 'ruleatlas-outside-'));
  for (const f of corpus) {
    const p = join(dir, f.path);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, f.content);
  }
  // A rule outside the tree, reachable only through a symbolic link.
  writeFileSync(join(outside, 'secret.yml'), 'title: Outside\nlogsource:\n  product: windows\ndetection:\n  sel:\n    Image: x\n  condition: sel\n');
  symlinkSync(join(outside, 'secret.yml'), join(dir, 'sigma', 'link-out.yml'));
  symlinkSync(outside, join(dir, 'sigma', 'dir-out'));
  symlinkSync(dir, join(dir, 'sigma', 'loop'));
  result = await loadCorpus([dir], { workers: 0 });
}, 120_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

function diagsFor(path: string): { rules: Rule[]; diags: Diagnostic[] } {
  const full = join(dir, path);
  const rules = result.rules.filter((r) => r.path === full);
  const diags = [...rules.flatMap((r) => r.diagnostics), ...result.diagnostics.filter((d) => d.path === full)];
  return { rules, diags };
}

describe('hostile corpus', () => {
  for (const f of corpus.filter((x) => x.expect !== 'support')) {
    it(`${f.path}: ${f.why}`, () => {
      const { rules, diags } = diagsFor(f.path);
      const show = diags.map((d) => `${d.severity} ${d.code}: ${d.message.slice(0, 160)}`).join('\n');
      // Never a crash, whatever the input.
      expect(diags.filter((d) => /internal|crash|exception/.test(d.code)), show).toEqual([]);
      if (f.expect === 'ok') {
        expect(rules.length, show).toBeGreaterThan(0);
        expect(diags.filter((d) => d.severity === 'error'), show).toEqual([]);
        // Normalized: every field predicate has a canonical name.
        for (const r of rules) for (const { predicate } of predicates(r)) if (predicate.field) expect(predicate.field.canonical, predicate.field.name).toBeTruthy();
        return;
      }
      const { codes, severity } = f.expect as { codes: string[]; severity?: string };
      const hit = diags.filter((d) => codes.includes(d.code) && (!severity || d.severity === severity));
      expect(hit.length, `expected one of ${codes.join(', ')}; got:\n${show}`).toBeGreaterThan(0);
      for (const d of hit) {
        expect(d.path).toBe(join(dir, f.path));
        expect(d.line, `${d.code} has a line`).toBeGreaterThan(0);
        expect(d.column, `${d.code} has a column`).toBeGreaterThan(0);
      }
    });
  }

  it('keeps the good line of a broken NDJSON export', () => {
    const { rules } = diagsFor('elastic/export.ndjson');
    expect(rules.some((r) => r.title === 'ok line' && !r.diagnostics.some((d) => d.severity === 'error'))).toBe(true);
  });

  it('keeps __proto__ keys as plain data, never as a prototype', () => {
    for (const path of ['sigma/proto-top.yml', 'elastic/proto.toml', 'splunk/detections/proto.yml']) {
      const { rules } = diagsFor(path);
      expect(rules, path).toHaveLength(1);
      const md = rules[0]!.metadata;
      expect(Object.getPrototypeOf(md), path).toBe(Object.prototype);
      expect(Object.prototype.hasOwnProperty.call(md, '__proto__'), path).toBe(true);
      expect((md as { isAdmin?: unknown }).isAdmin, path).toBeUndefined();
      // And it survives serialization as data.
      expect(JSON.parse(JSON.stringify(md)).__proto__, path).toEqual({ isAdmin: true });
    }
  });

  it('pollutes no prototype', () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'constructor')).toBe(true);
    expect(typeof ({} as { constructor: unknown }).constructor).toBe('function');
  });

  it('does not follow links out of the tree, and survives a link loop', () => {
    expect(result.rules.some((r) => r.title === 'Outside')).toBe(false);
    const codes = result.diagnostics.filter((d) => d.code === 'io.link-outside').map((d) => d.path);
    expect(codes).toContain(join(dir, 'sigma', 'link-out.yml'));
    expect(codes).toContain(join(dir, 'sigma', 'dir-out'));
  });

  it('follows links out of the tree only when asked', async () => {
    const r = await loadCorpus([join(dir, 'sigma', 'link-out.yml'), join(dir, 'sigma', 'ok.yml')], { workers: 0 });
    expect(r.rules.some((x) => x.title === 'Outside')).toBe(true); // a path given explicitly is read
    const sub = await loadCorpus([join(dir, 'sigma')], { workers: 0, followSymlinks: true });
    expect(sub.rules.some((x) => x.title === 'Outside')).toBe(true);
  });

  it('reports every rule file: parsed or with an error, none dropped', () => {
    const ruleFiles = corpus.filter((f) => f.expect !== 'support' && !(typeof f.expect === 'object' && f.expect.severity === 'warning'));
    for (const f of ruleFiles) {
      const { rules, diags } = diagsFor(f.path);
      expect(rules.length + diags.filter((d) => d.severity === 'error').length, f.path).toBeGreaterThan(0);
    }
  });
});
