/**
 * The CLI, run in-process: exit codes, help, the check figures (on the
 * fixtures and, when present, the real corpora), normalize, build,
 * technique, schema and fields.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RuleSchema } from '../../src/ast/schema.js';
import { CatalogSchema } from '../../src/catalog/index.js';
import { runCli } from '../../src/cli/run.js';
import { corpus, describeCorpus } from '../helpers/corpora.js';

const FIXTURES = join(__dirname, '..', '..', 'fixtures');

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  try {
    const code = await runCli(argv);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('usage', () => {
  it('prints help and exits 2 without a command, 0 with --help', async () => {
    expect((await cli()).code).toBe(2);
    const h = await cli('--help');
    expect(h.code).toBe(0);
    for (const c of ['check', 'normalize', 'build', 'technique', 'fields', 'schema', 'match']) expect(h.out).toContain(`  ${c}`);
    // The one environment switch (src/core/v8-tuning.ts) is documented where users look.
    expect(h.out).toMatch(/Environment:\n {2}RULEATLAS_V8_TUNING=0 /);
  });

  it('gives every command a --help', async () => {
    for (const c of ['check', 'normalize', 'build', 'technique', 'fields', 'schema', 'match']) {
      const r = await cli(c, '--help');
      expect(r.code, c).toBe(0);
      expect(r.out, c).toMatch(/^Usage: ruleatlas /);
    }
  });

  it('exits 2 on usage errors', async () => {
    expect((await cli('nope')).code).toBe(2);
    expect((await cli('check')).code).toBe(2);
    expect((await cli('check', '--bogus', FIXTURES)).code).toBe(2);
    expect((await cli('build', FIXTURES)).code).toBe(2);
    expect((await cli('check', FIXTURES, '--workers', 'many')).code).toBe(2);
    expect((await cli('technique', 'T1059', FIXTURES, '--format', 'pdf')).code).toBe(2);
  });
});

describe('on the bundled fixtures', () => {
  it('check --json counts every vendor and language and fails nothing', async () => {
    const r = await cli('check', FIXTURES, '--json', '--strict', '--workers', '0');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out);
    expect(s.failed).toBe(0);
    expect(s.failures).toEqual([]);
    expect(Object.keys(s.byVendor).sort()).toEqual(['elastic', 'sigma', 'splunk']);
    expect(s.total).toBe(s.parsed + s.failed);
    for (const v of Object.values(s.byVendor) as Array<{ rules: number; parsed: number }>) expect(v.parsed).toBe(v.rules);
    expect(s.fieldCoverage.share).toBeGreaterThanOrEqual(0.97);
  });

  it('normalize prints one valid rule per line', async () => {
    const r = await cli('normalize', join(FIXTURES, 'sigma'), '--workers', '0');
    const lines = r.out.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(10);
    for (const l of lines) {
      const rule = RuleSchema.parse(JSON.parse(l));
      expect(rule.vendor).toBe('sigma');
    }
  });

  it('build writes a valid catalog, Markdown pages, layers and the site', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ruleatlas-cli-'));
    try {
      const r = await cli('build', FIXTURES, '--out', out, '--workers', '0');
      expect(r.code).toBe(0);
      expect(r.out.trim()).toBe(join(out, 'index.html'));
      const catalog = CatalogSchema.parse(JSON.parse(readFileSync(join(out, 'catalog.json'), 'utf8')));
      expect(catalog.techniques.map((t) => t.id)).toContain('T1114.002');
      for (const f of ['index.html', 'navigator-layer.json', 'techniques/T1114.002.md', 'techniques/T1114.002.html']) expect(existsSync(join(out, f)), f).toBe(true);
      const files = /; (\d+) files written in /.exec(r.err);
      expect(files, r.err).not.toBeNull();
      // Again into the same folder: every file is already up to date.
      const again = await cli('build', FIXTURES, '--out', out, '--workers', '0');
      expect(again.code).toBe(0);
      expect(again.err).toContain(`; ${files![1]} files (0 written, ${files![1]} unchanged) in `);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('build --cache says how many rule files came from the cache', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ruleatlas-cli-'));
    try {
      const cache = join(out, '.cache');
      const cold = await cli('build', FIXTURES, '--out', join(out, 'site'), '--workers', '0', '--cache', cache);
      expect(cold.code).toBe(0);
      // The first build is a full one, and says why; it leaves a snapshot the next build starts from.
      const n = /; cache: 0 of (\d+) rule files parsed before; full build: no snapshot of a previous build in the cache directory\n/.exec(cold.err);
      expect(n, cold.err).not.toBeNull();
      const warm = await cli('build', FIXTURES, '--out', join(out, 'site'), '--workers', '0', '--cache', cache);
      expect(warm.code).toBe(0);
      expect(warm.err).toMatch(/; incremental: 0 changed rule files, 0 technique pages, 0 field pages, 0 rule rows recomputed\n/);
      // Without --cache, no cache figures.
      expect((await cli('build', FIXTURES, '--out', join(out, 'site'), '--workers', '0')).err).not.toContain('cache:');
      // Other options (--no-site, another folder): a full build, every rule file from the parse cache.
      const first = await cli('build', FIXTURES, '--out', join(out, 'cat'), '--no-site', '--workers', '0', '--cache', cache);
      expect(first.err).toMatch(new RegExp(`; cache: ${n![1]} of ${n![1]} rule files parsed before( \\(\\d+ not read\\))?; full build: the code or the options changed since the last build\n`));
      const next = await cli('build', FIXTURES, '--out', join(out, 'cat'), '--no-site', '--workers', '0', '--cache', cache);
      expect(next.code).toBe(0);
      expect(next.err).toMatch(/; incremental: 0 changed rule files, 0 technique pages, 0 field pages, 0 rule rows recomputed\n/);
      expect(next.out.trim()).toBe(join(out, 'cat', 'catalog.json'));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('build and check --timings say where the time went, on stderr', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ruleatlas-cli-'));
    try {
      const cache = join(out, '.cache');
      const full = await cli('build', FIXTURES, '--out', join(out, 'site'), '--workers', '0', '--cache', cache, '--timings');
      expect(full.code).toBe(0);
      const m = /\ntimings \(s\): load (\d+\.\d\d), aggregate (\d+\.\d\d), write (\d+\.\d\d); total (\d+\.\d\d); peak memory (\d+) MB\n/.exec(full.err);
      expect(m, full.err).not.toBeNull();
      // The total is the stages' sum (each rounded), and the summary line's time.
      expect(Math.abs(Number(m![4]) - (Number(m![1]) + Number(m![2]) + Number(m![3])))).toBeLessThanOrEqual(0.02);
      expect(full.err).toContain(` in ${m![4]} s; cache:`);
      expect(Number(m![5])).toBeGreaterThan(0);
      expect(full.err).toMatch(/\nload stages \(s\): read \d+\.\d\d, supporting files \d+\.\d\d, parse \d+\.\d\d, link \d+\.\d\d, normalize \d+\.\d\d\n/);
      // Each language of the fixtures, with its count of rules.
      for (const lang of ['elastic/eql', 'elastic/kuery', 'sigma/sigma', 'splunk/spl']) expect(full.err).toMatch(new RegExp(`[:,] ${lang} \\d+ in \\d+\\.\\d\\d s`));
      // One thread: no thread line.
      expect(full.err).not.toContain('threads:');
      // A rebuild from the previous build has no full load to break down.
      const warm = await cli('build', FIXTURES, '--out', join(out, 'site'), '--workers', '0', '--cache', cache, '--timings');
      expect(warm.err).toMatch(/; incremental: .*\ntimings \(s\): load \d+\.\d\d, aggregate \d+\.\d\d, write \d+\.\d\d; total \d+\.\d\d; peak memory \d+ MB\n$/);
      // Without the flag, none of it.
      expect((await cli('build', FIXTURES, '--out', join(out, 'site'), '--workers', '0')).err).not.toContain('timings');
      const c = await cli('check', FIXTURES, '--workers', '0', '--timings');
      expect(c.code).toBe(0);
      expect(c.err).toMatch(/^timings \(s\): load \d+\.\d\d; peak memory \d+ MB\nload stages \(s\): /);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('technique prints one page, Markdown or JSON; an unknown id exits 1', async () => {
    const md = await cli('technique', 'T1114.002', FIXTURES, '--workers', '0');
    expect(md.code).toBe(0);
    expect(md.out).toMatch(/T1114\.002/);
    expect(md.out).toContain('## Events covered');
    const js = await cli('technique', 'T1114.002', FIXTURES, '--format', 'json', '--workers', '0');
    expect(JSON.parse(js.out)).toBeTruthy();
    expect((await cli('technique', 'T9999', FIXTURES, '--workers', '0')).code).toBe(1);
  });

  it('schema prints JSON Schemas of the catalog and of a rule', async () => {
    const c = JSON.parse((await cli('schema')).out);
    expect(c.type).toBe('object');
    expect(Object.keys(c.properties)).toContain('techniques');
    const r = JSON.parse((await cli('schema', 'rule')).out);
    expect(Object.keys(r.properties)).toEqual(expect.arrayContaining(['id', 'vendor', 'query', 'diagnostics']));
  });

  it('fields lists written and canonical names (Image|endswith \\x.exe is process.name)', async () => {
    const r = await cli('fields', FIXTURES, '--json', '--workers', '0');
    const j = JSON.parse(r.out);
    expect(j.fields.some((f: { vendor: string; field: string; canonical: string }) => f.vendor === 'sigma' && f.field === 'Image' && f.canonical === 'process.name')).toBe(true);
  });
});

describeCorpus('ruleatlas check on ../shared/corpora', () => {
  it('recognizes and counts every rule file correctly', async () => {
    const r = await cli('check', corpus(), '--json', '--workers', '0');
    const s = JSON.parse(r.out);
    // Rules per vendor: Sigma's rules* folders, Elastic's rules + building blocks, Splunk's detections.
    expect(s.byVendor.sigma.rules).toBe(3780);
    expect(s.byVendor.elastic.rules).toBe(2068);
    expect(s.byVendor.splunk.rules).toBe(1613);
    for (const v of ['sigma', 'elastic', 'splunk']) expect(s.byVendor[v].total).toBe(s.byVendor[v].rules);
    // Hunting files are counted apart from rules: 140 files, one entry per query.
    expect(s.byVendor.elastic.hunts).toBe(239);
    expect(s.byVendor.elastic.files).toBe(2068 + 140);
    // Macros, data sources and stories are supporting files, not rules.
    expect(s.supportFiles).toEqual({ 'splunk-macro-yaml': 189, 'splunk-datasource-yaml': 205, 'splunk-story-yaml': 261 });
    expect(s.byVendor.elastic.noQuery).toBe(106);
    expect(s.failed).toBe(0);
    expect(s.parsed).toBe(3780 + 2068 + 1613);
    expect(s.fieldCoverage.share).toBeGreaterThanOrEqual(0.97);
  });
});
