import { closeSync, existsSync, linkSync, openSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCatalog } from '../../src/catalog/build.js';
import { CatalogSchema } from '../../src/catalog/schema.js';
import { NavigatorLayerSchema } from '../../src/render/navigator.js';
import { EncodedArray, FileRange, jsonChunks, jsonParts, safeOutputPath, writeCatalog, writeSpliced } from '../../src/render/write.js';
import { ATTACK, EVENTS, smallCorpus } from '../catalog/fixtures.js';
import { hostileRules } from './hostile.js';
import { listFiles, tempDirs } from '../helpers/out-dirs.js';

const tmp = tempDirs('ruleatlas-write-');
const list = (dir: string): string[] => listFiles(dir);

describe('writeCatalog', () => {
  it('writes catalog.json, layers, Markdown pages and the site', async () => {
    const out = join(tmp(), 'out');
    const cat = buildCatalog(smallCorpus(), { attack: ATTACK, events: EVENTS });
    const res = await writeCatalog(cat, out);
    expect(list(out)).toEqual([
      '.ruleatlas-manifest.json',
      'assets/search-data.js',
      'assets/search.js',
      'assets/style.css',
      'catalog.json',
      'fields/User.html',
      'fields/event.action.html',
      'fields/index.html',
      'fields/process.command_line.html',
      'fields/process.name.html',
      'fields/process.parent.name.html',
      'fields/user.name.html',
      'index.html',
      'navigator-layer-elastic.json',
      'navigator-layer-sigma.json',
      'navigator-layer-splunk.json',
      'navigator-layer.json',
      'rules/elastic/r2-elastic.html',
      'rules/elastic/r6-elastic.html',
      'rules/elastic/r7-elastic.html',
      'rules/sigma/r1-sigma.html',
      'rules/sigma/r4-sigma.html',
      'rules/sigma/r5-sigma.html',
      'rules/splunk/r3-splunk.html',
      'techniques/T1059.001.html',
      'techniques/T1059.001.md',
      'techniques/T1059.html',
      'techniques/T1059.md',
      'techniques/T1114.002.html',
      'techniques/T1114.002.md',
      'techniques/T1114.html',
      'techniques/T1114.md',
    ]);
    expect(res.files).toBe(31);
    expect(CatalogSchema.parse(JSON.parse(readFileSync(join(out, 'catalog.json'), 'utf8')))).toEqual(cat);
    expect(NavigatorLayerSchema.safeParse(JSON.parse(readFileSync(join(out, 'navigator-layer.json'), 'utf8'))).success).toBe(true);
    expect(readFileSync(join(out, 'techniques/T1114.002.md'), 'utf8')).toContain('[Exchange export (KQL)](../rules/elastic/r2-elastic.html)');
  });

  it('hands each element of catalog.json’s arrays to onJsonElement as it writes it, the file unchanged', async () => {
    const cat = buildCatalog(smallCorpus(), { attack: ATTACK, events: EVENTS });
    const plain = tmp();
    const watched = tmp();
    await writeCatalog(cat, plain, { site: false });
    const seen: [string, number, string][] = [];
    await writeCatalog(cat, watched, { site: false, onJsonElement: (key, i, json) => seen.push([key, i, json]) });
    expect(readFileSync(join(watched, 'catalog.json')).equals(readFileSync(join(plain, 'catalog.json')))).toBe(true);
    const expected: [string, number, string][] = [];
    for (const [key, v] of Object.entries(cat)) if (Array.isArray(v)) v.forEach((e, i) => expected.push([key, i, JSON.stringify(e)]));
    expect(seen).toEqual(expected);
    expect(new Set(seen.map((x) => x[0]))).toEqual(new Set(['matrix', 'unplaced', 'techniques', 'rules', 'fields'].filter((k) => (cat as unknown as Record<string, unknown[]>)[k]!.length)));
  });

  it('writes disjoint parts that together are the whole output', async () => {
    const cat = buildCatalog(smallCorpus(), { attack: ATTACK, events: EVENTS });
    const whole = tmp();
    await writeCatalog(cat, whole);
    const byPart = new Map<string, string[]>();
    for (const part of ['rules', 'pages', 'others'] as const) {
      const out = tmp();
      await writeCatalog(cat, out, { only: part, manifest: false });
      byPart.set(part, list(out));
    }
    expect(byPart.get('rules')!.every((f) => f.startsWith('rules/'))).toBe(true);
    expect(byPart.get('pages')!.every((f) => /^techniques\/.*\.(md|html)$|^fields\/(?!index\.html).*\.html$/.test(f))).toBe(true);
    expect(byPart.get('pages')).toContain('techniques/T1114.002.md');
    expect(byPart.get('others')).toEqual(expect.arrayContaining(['catalog.json', 'fields/index.html', 'index.html', 'assets/search-data.js']));
    const all = [...byPart.values()].flat();
    expect(new Set(all).size).toBe(all.length);
    expect(all.sort()).toEqual(list(whole).filter((f) => f !== '.ruleatlas-manifest.json'));
    // Several parts at once.
    const two = tmp();
    await writeCatalog(cat, two, { only: ['pages', 'others'] });
    expect(list(two)).toEqual(list(whole).filter((f) => !f.startsWith('rules/')));
  });

  it('without the site writes only the data files and Markdown pages', async () => {
    const out = tmp();
    await writeCatalog(buildCatalog(smallCorpus()), out, { site: false });
    expect(list(out).filter((f) => f.endsWith('.html') || f.startsWith('assets/'))).toEqual([]);
    expect(readFileSync(join(out, 'techniques/T1114.002.md'), 'utf8')).not.toContain('](../rules/');
  });

  it('removes pages of a previous run that no longer exist, and nothing else', async () => {
    const out = tmp();
    await writeCatalog(buildCatalog(smallCorpus()), out);
    writeFileSync(join(out, 'my-notes.txt'), 'keep me');
    const fewer = smallCorpus().filter((r) => r.id !== 'r5-sigma');
    const res = await writeCatalog(buildCatalog(fewer), out);
    expect(existsSync(join(out, 'rules/sigma/r5-sigma.html'))).toBe(false);
    expect(existsSync(join(out, 'techniques/T1059.001.md'))).toBe(false);
    expect(existsSync(join(out, 'my-notes.txt'))).toBe(true);
    expect(res.removed).toBe(6); // r5 page, T1059 and T1059.001 md + html, fields/User.html (only r5 used it)
    expect(existsSync(join(out, 'fields/User.html'))).toBe(false);
  });

  it('never writes outside the output directory, whatever the ids', async () => {
    const root = tmp();
    const out = join(root, 'a', 'b');
    const cat = buildCatalog(hostileRules());
    await writeCatalog(cat, out);
    expect(readdirSync(root)).toEqual(['a']);
    expect(readdirSync(join(root, 'a'))).toEqual(['b']);
    for (const f of list(out)) expect(f).toMatch(/^[A-Za-z0-9._\/-]+$/);
    expect(list(out).some((f) => f.includes('..'))).toBe(false);
    // The Windows device name is not used as a file name.
    expect(cat.rules.find((r) => r.id === 'CON')!.slug).toMatch(/^_CON-[0-9a-f]{8}$/);
  });

  it('safeOutputPath refuses paths that leave the directory', () => {
    expect(() => safeOutputPath('/tmp/x', '../y')).toThrow(/outside/);
    expect(() => safeOutputPath('/tmp/x', 'a/../../y')).toThrow(/outside/);
    expect(() => safeOutputPath('/tmp/x', '/etc/passwd')).toThrow(/outside/);
    expect(() => safeOutputPath('/tmp/x', '')).toThrow(/outside/);
    expect(safeOutputPath('/tmp/x', 'rules/sigma/a.html')).toBe('/tmp/x/rules/sigma/a.html');
  });
});

describe('writeJsonStreamed', () => {
  it('writes exactly JSON.stringify(value) + newline', async () => {
    const { writeJsonStreamed } = await import('../../src/render/write.js');
    const cat = buildCatalog([...smallCorpus(), ...hostileRules()], { attack: ATTACK, events: EVENTS });
    const file = join(tmp(), 'c.json');
    const bytes = await writeJsonStreamed(file, cat);
    const text = readFileSync(file, 'utf8');
    expect(text).toBe(JSON.stringify(cat) + '\n');
    expect(bytes).toBe(Buffer.byteLength(text));
    const odd = { a: [1, undefined, 'x\u2028'], b: undefined, c: { d: [] }, e: [] };
    await writeJsonStreamed(file, odd);
    expect(readFileSync(file, 'utf8')).toBe(JSON.stringify(odd) + '\n');
  });
});

describe('catalog.json element ranges and splicing (the incremental build)', () => {
  const doc = () => ({ head: { n: 1, s: 'é ✓ "q"' }, items: [{ a: 1 }, 'x,y', [2, 3], { b: 'ünïcode\u2028' }, null, 7], tail: [] as unknown[] });

  it('records the byte range of each element, which holds exactly that element', () => {
    const ranges = new Map([['items', [] as number[]]]);
    const bytes = Buffer.concat([...jsonChunks(doc(), ranges)]);
    expect(bytes.toString('utf8')).toBe(JSON.stringify(doc()) + '\n');
    const r = ranges.get('items')!;
    expect(r.length).toBe(doc().items.length * 2);
    doc().items.forEach((item, i) => expect(bytes.subarray(r[2 * i], r[2 * i + 1]).toString('utf8')).toBe(JSON.stringify(item)));
  });

  it('writes the same bytes from new elements and ranges of the previous file, over that file', () => {
    const path = join(tmp(), 'catalog.json');
    const ranges = new Map([['items', [] as number[]]]);
    writeFileSync(path, Buffer.concat([...jsonChunks(doc(), ranges)]));
    const r = ranges.get('items')!;
    const range = (i: number) => new FileRange(r[2 * i]!, r[2 * i + 1]!);
    // Elements 0-1 and 4-5 from the file (adjacent ranges copied as one), 2 and 3 new.
    const next = { ...doc(), items: new EncodedArray([range(0), range(1), JSON.stringify(['new']), JSON.stringify({ b: 'changed' }), range(4), range(5)]) };
    const expected = JSON.stringify({ ...doc(), items: [{ a: 1 }, 'x,y', ['new'], { b: 'changed' }, null, 7] }) + '\n';
    const again = new Map([['items', [] as number[]]]);
    const fd = openSync(path, 'r');
    try {
      expect(writeSpliced(path, jsonParts(next, again), fd).bytes).toBe(Buffer.byteLength(expected));
    } finally {
      closeSync(fd);
    }
    expect(readFileSync(path, 'utf8')).toBe(expected);
    // The new ranges hold the new elements.
    const written = readFileSync(path);
    const r2 = again.get('items')!;
    expect(written.subarray(r2[4], r2[5]).toString('utf8')).toBe('["new"]');
    expect(written.subarray(r2[8], r2[9]).toString('utf8')).toBe('null');
    // jsonChunks refuses file ranges (they need writeSpliced).
    expect(() => [...jsonChunks(next)]).toThrow(/FileRange/);
  });

  /** Splice `items` (new texts, or indexes of the current file's elements) into `path`, with a spare. */
  function splice(path: string, spare: string, items: (string | number)[]): string {
    const ranges = new Map([['items', [] as number[]]]);
    const now = JSON.parse(readFileSync(path, 'utf8')) as ReturnType<typeof doc>;
    // The current file's element ranges, from a fresh encoding of what it holds.
    Buffer.concat([...jsonChunks(now, ranges)]);
    const r = ranges.get('items')!;
    const next = { ...now, items: new EncodedArray(items.map((x) => (typeof x === 'number' ? new FileRange(r[2 * x]!, r[2 * x + 1]!) : x))) };
    const fd = openSync(path, 'r');
    try {
      writeSpliced(path, jsonParts(next, new Map()), fd, spare);
    } finally {
      closeSync(fd);
    }
    return readFileSync(path, 'utf8');
  }

  it('keeps the file it replaces as a spare, and writes the next one over the spare in place', () => {
    const dir = tmp();
    const path = join(dir, 'catalog.json');
    const spare = join(dir, 'spare.json');
    const first = JSON.stringify(doc()) + '\n';
    writeFileSync(path, first);
    const second = splice(path, spare, [0, JSON.stringify('two'), 5]);
    expect(JSON.parse(second).items).toEqual([{ a: 1 }, 'two', 7]);
    // The replaced file is the spare now (its inode: nothing copied), with one name.
    expect(readFileSync(spare, 'utf8')).toBe(first);
    expect(statSync(spare).nlink).toBe(1);
    const spareIno = statSync(spare).ino;
    const third = splice(path, spare, [JSON.stringify('three'), 1]);
    expect(JSON.parse(third).items).toEqual(['three', 'two']);
    // Written over the spare (shorter than it: truncated), which took catalog.json's place.
    expect(statSync(path).ino).toBe(spareIno);
    expect(readFileSync(spare, 'utf8')).toBe(second);
    expect(readdirSync(dir).sort()).toEqual(['catalog.json', 'spare.json']);
  });

  it('never writes through a spare that is a link or another file’s second name', () => {
    const dir = tmp();
    const path = join(dir, 'catalog.json');
    writeFileSync(path, JSON.stringify(doc()) + '\n');
    const precious = join(dir, 'precious.txt');
    writeFileSync(precious, 'keep me\n');
    const hardSpare = join(dir, 'hard.json');
    linkSync(precious, hardSpare);
    splice(path, hardSpare, [JSON.stringify('x')]);
    expect(readFileSync(precious, 'utf8')).toBe('keep me\n');
    const softSpare = join(dir, 'soft.json');
    symlinkSync(precious, softSpare);
    splice(path, softSpare, [JSON.stringify('y')]);
    expect(readFileSync(precious, 'utf8')).toBe('keep me\n');
    expect(JSON.parse(readFileSync(path, 'utf8')).items).toEqual(['y']);
  });
});
