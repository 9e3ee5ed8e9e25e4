import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCatalog } from '../../src/catalog/build.js';
import type { Catalog } from '../../src/catalog/schema.js';
import { pushUtf8, utf8 } from '../../src/render/bytes.js';
import { HtmlOut, html, jsonForScript, scriptSafe } from '../../src/render/escape.js';
import { fieldPage, fieldPageBytes, rulePage, rulePageBytes, techniquePage, techniquePageBytes } from '../../src/render/site/pages.js';
import { searchData, searchDataChunks, searchDataScript, searchFieldRowsBytes } from '../../src/render/site/search-data.js';
import { catalogFilePaths, finishCatalogOutput, jsonChunks, planCatalogFiles, writeCatalog, writeCatalogFiles } from '../../src/render/write.js';
import { ATTACK, EVENTS, smallCorpus } from '../catalog/fixtures.js';
import { hostileRules } from './hostile.js';
import { listFiles, tempDirs } from '../helpers/out-dirs.js';

const tmp = tempDirs('ruleatlas-plan-');
const list = (dir: string): string[] => listFiles(dir);

/** Every file of a directory, path -> bytes. */
function snapshot(dir: string): Map<string, Buffer> {
  return new Map(list(dir).map((f) => [f, readFileSync(join(dir, f))]));
}

const catalog = () => buildCatalog([...smallCorpus(), ...hostileRules()], { attack: ATTACK, events: EVENTS });

describe('planCatalogFiles / writeCatalogFiles', () => {
  it('the parts are disjoint and together are the whole output', () => {
    const cat = catalog();
    const all = planCatalogFiles(cat).map((f) => f.rel);
    const rules = planCatalogFiles(cat, { only: 'rules' }).map((f) => f.rel);
    const pages = planCatalogFiles(cat, { only: 'pages' }).map((f) => f.rel);
    const others = planCatalogFiles(cat, { only: 'others' }).map((f) => f.rel);
    expect(rules.length).toBe(cat.rules.length);
    expect(rules.every((r) => r.startsWith('rules/') && r.endsWith('.html'))).toBe(true);
    expect(pages.every((r) => /^techniques\/[^/]+\.(md|html)$/.test(r) || (/^fields\/[^/]+\.html$/.test(r) && r !== 'fields/index.html'))).toBe(true);
    expect(pages.filter((r) => r.endsWith('.md'))).toHaveLength(cat.techniques.length);
    expect(others.some((r) => r.startsWith('rules/') || r.startsWith('techniques/'))).toBe(false);
    expect([...rules, ...pages, ...others].sort()).toEqual([...all].sort());
    expect(new Set(all).size).toBe(all.length);
    expect(catalogFilePaths(cat)).toEqual(all);
    // Several parts at once, in the order of the whole list.
    expect(planCatalogFiles(cat, { only: ['others', 'rules'] }).map((f) => f.rel)).toEqual(all.filter((r) => !pages.includes(r)));
    // Without the site there are no rule pages, and the pages are the Markdown ones.
    expect(planCatalogFiles(cat, { site: false, only: 'rules' })).toEqual([]);
    expect(planCatalogFiles(cat, { site: false, only: 'pages' }).map((f) => f.rel)).toEqual(cat.techniques.map((t) => `techniques/${t.slug}.md`));
  });

  it('partial writes (rules, pages, then others with the manifest) give the same directory as one full write', async () => {
    const cat = catalog();
    const whole = tmp();
    await writeCatalog(cat, whole);
    const split = tmp();
    const r = await writeCatalog(cat, split, { only: 'rules' });
    expect(r.files).toBe(cat.rules.length);
    expect(list(split).includes('.ruleatlas-manifest.json')).toBe(false);
    const p = await writeCatalog(cat, split, { only: 'pages' });
    expect(list(split).includes('.ruleatlas-manifest.json')).toBe(false);
    const o = await writeCatalog(cat, split, { only: 'others' });
    expect(r.files + p.files + o.files).toBe(catalogFilePaths(cat).length);
    expect(snapshot(split)).toEqual(snapshot(whole));
  });

  it('the job-list API composes the same way, in any order, and removes stale files once', async () => {
    const cat = buildCatalog([...smallCorpus().filter((r) => r.id !== 'r5-sigma'), ...hostileRules()], { attack: ATTACK, events: EVENTS });
    const whole = tmp();
    await writeCatalog(cat, whole);
    const out = tmp();
    // A previous run with one rule more: its page (and the pages only it made) must go.
    await writeCatalog(catalog(), out);
    expect(list(out)).toContain('rules/sigma/r5-sigma.html');
    await writeCatalogFiles(out, planCatalogFiles(cat, { only: 'others' }));
    await writeCatalogFiles(out, planCatalogFiles(cat, { only: 'rules' }));
    await writeCatalogFiles(out, planCatalogFiles(cat, { only: 'pages' }));
    finishCatalogOutput(out, catalogFilePaths(cat));
    expect(snapshot(out)).toEqual(snapshot(whole));
  });

  it('refuses a job whose path leaves the directory, before writing anything', async () => {
    const out = tmp();
    const jobs = [
      { rel: 'a.txt', part: 'others' as const, make: () => 'a' },
      { rel: '../escape.txt', part: 'others' as const, make: () => 'x' },
    ];
    await expect(writeCatalogFiles(join(out, 'site'), jobs)).rejects.toThrow(/outside/);
    expect(readdirSync(out)).toEqual([]);
  });
});

describe('byte-level renderers', () => {
  it('page bytes equal the page strings', () => {
    const cat = catalog();
    for (const t of cat.techniques) expect(Buffer.concat(techniquePageBytes(cat, t)).toString()).toBe(techniquePage(cat, t));
    for (const r of cat.rules) expect(Buffer.concat(rulePageBytes(cat, r))).toEqual(Buffer.from(rulePage(cat, r)));
    for (const f of cat.fields) expect(Buffer.concat(fieldPageBytes(cat, f)).toString()).toBe(fieldPage(cat, f));
  });

  it('HtmlOut chunks add up to the concatenated markup, whatever the chunk size', () => {
    const parts = ['a’b', 'x'.repeat(40), '\u{1F600}<', 'é'.repeat(33), ''].map((s) => html`<p>${s}</p>`);
    const whole = Buffer.from(parts.map((p) => p.value).join(''));
    const saved = HtmlOut.CHUNK;
    try {
      for (const size of [1, 7, 64, 16384]) {
        HtmlOut.CHUNK = size;
        const out = new HtmlOut();
        for (const p of parts) out.add(p);
        expect(Buffer.concat(out.finish())).toEqual(whole);
      }
    } finally {
      HtmlOut.CHUNK = saved;
    }
  });

  it('utf8 / pushUtf8 give Buffer.from bytes, long strings split on whole characters', () => {
    const long = ('ab\u{1F600}’' + 'z'.repeat(1000)).repeat(100) + '\ud800' + 'end';
    for (const s of ['', 'plain', 'é’\u{1F600}', '\udc00lone', long]) {
      expect(utf8(s).equals(Buffer.from(s))).toBe(true);
      const out: Uint8Array[] = [];
      pushUtf8(out, s);
      expect(out.length).toBeGreaterThanOrEqual(s === long ? 2 : 0);
      expect(Buffer.concat(out).equals(Buffer.from(s))).toBe(true);
    }
  });

  it('search-data.js chunks equal the one-string formula, hostile values included', () => {
    const cat = catalog();
    const ref = `window.RULEATLAS_SEARCH = JSON.parse(${jsonForScript(JSON.stringify(searchData(cat)))});\n`;
    expect(searchDataScript(cat)).toBe(ref);
    expect(Buffer.concat(searchDataChunks(cat))).toEqual(Buffer.from(ref));
    expect(scriptSafe('<a>&\u2028\u2029')).toBe('\\u003ca\\u003e\\u0026\\u2028\\u2029');
  });

  it('search-data.js records where its value rows are, and takes them back as bytes (the incremental site)', () => {
    const cat = catalog();
    const whole = Buffer.concat(searchDataChunks(cat));
    const ranges = new Map<string, number[]>([['searchValues', []]]);
    expect(Buffer.concat(searchDataChunks(cat, { ranges }))).toEqual(whole);
    const [start, end] = ranges.get('searchValues')!;
    expect(end! - start!).toBeGreaterThan(0);
    const values = whole.subarray(start!, end!);
    // The value rows are the body of the `v` array, escaped for the script.
    expect(whole.subarray(start! - 7, start!).toString()).toBe('\\"v\\":[');
    expect(whole.subarray(end!, end! + 1).toString()).toBe(']');
    // Given those bytes, the file is the same without reading any field's values.
    const noValues = { ...cat, fields: cat.fields.map((f) => ({ ...f, values: [] })) };
    const again = new Map<string, number[]>([['searchValues', []]]);
    expect(Buffer.concat(searchDataChunks(noValues, { values, ranges: again }))).toEqual(whole);
    expect(again.get('searchValues')).toEqual([start, end]);
    // Each field's rows, recorded apart (without the comma between two fields'), are its rows' bytes alone.
    const perField = new Map<string, number[]>([
      ['searchValues', []],
      ['searchFields', []],
    ]);
    expect(Buffer.concat(searchDataChunks(cat, { ranges: perField }))).toEqual(whole);
    const sf = perField.get('searchFields')!;
    expect(sf).toHaveLength(2 * cat.fields.length);
    cat.fields.forEach((f, fi) => expect(whole.subarray(sf[2 * fi]!, sf[2 * fi + 1]!), f.field ?? '').toEqual(searchFieldRowsBytes(f, fi)));
    expect(cat.fields.filter((_, fi) => sf[2 * fi + 1]! > sf[2 * fi]!).length).toBeGreaterThan(1);
  });

  it('escapes for a script whatever the bytes around the characters it escapes', () => {
    // Runs of them, at the ends, beside other characters starting with the byte E2 (’ is E2 80 99).
    for (const v of ['<<>>&&', '\u2028\u2029\u2028', '’\u2028’', 'a<b>c&d\u2029e’f', '<', '\u2029', '’', 'plain', '']) {
      const cat = { ...catalog(), rules: [{ title: v, vendor: 'sigma', key: `sigma/${v.length}`, id: v }] } as unknown as Catalog;
      const ref = `window.RULEATLAS_SEARCH = JSON.parse(${jsonForScript(JSON.stringify(searchData(cat)))});\n`;
      expect(Buffer.concat(searchDataChunks(cat)).toString(), JSON.stringify(v)).toBe(ref);
    }
  });

  it('catalog.json chunks equal JSON.stringify', () => {
    const cat = catalog();
    expect(Buffer.concat([...jsonChunks(cat)]).toString()).toBe(JSON.stringify(cat) + '\n');
  });
});

describe('pages from a partial catalog', () => {
  it('rule pages need only the rules and the techniques\' and fields\' slugs and names', async () => {
    const cat = catalog();
    const whole = tmp();
    await writeCatalog(cat, whole);
    const out = tmp();
    const partial = {
      rules: JSON.parse(JSON.stringify(cat.rules)),
      techniques: cat.techniques.map((t) => ({ id: t.id, slug: t.slug, name: t.name })),
      fields: cat.fields.map((f) => ({ field: f.field, slug: f.slug })),
    } as unknown as typeof cat;
    const r = await writeCatalog(partial, out, { only: 'rules', manifest: false });
    expect(r.files).toBe(cat.rules.length);
    const o = await writeCatalog(cat, out, { only: ['others', 'pages'] });
    expect(o.files + r.files).toBe(catalogFilePaths(cat).length);
    expect(snapshot(out)).toEqual(snapshot(whole));
  });
});
