/**
 * The parse cache (src/loader/cache.ts): the pack format and its failure
 * modes, and a cached load giving exactly the rules of an uncached one.
 */
import { appendFileSync, closeSync, cpSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/ast/schema.js';
import { indexPack, openParseCache, sha256 } from '../../src/loader/cache.js';
import { loadCorpus } from '../../src/loader/load.js';

const FIXTURES = resolve(__dirname, '..', '..', 'fixtures');
const tmp = mkdtempSync(join(tmpdir(), 'ruleatlas-cache-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const K1 = sha256('one');
const K2 = sha256('two');
const K3 = sha256('three');

describe('parse cache pack', () => {
  it('stores, reads back, and counts hits and misses', () => {
    const dir = join(tmp, 'pack1');
    const d: Diagnostic[] = [];
    const c = openParseCache(dir, d)!;
    expect(c.get(K1)).toBeUndefined();
    c.put(K1, '{"rules":[],"diagnostics":[]}');
    c.save();
    expect(c.stats).toMatchObject({ misses: 1, stored: 1 });
    const again = openParseCache(dir, d)!;
    expect(again.get(K1)).toBe('{"rules":[],"diagnostics":[]}');
    expect(again.get(K2)).toBeUndefined();
    expect(again.stats).toMatchObject({ hits: 1, misses: 1 });
    expect(d).toEqual([]);
  });

  it('appends new entries and compacts when most of the pack is unused', () => {
    const dir = join(tmp, 'pack2');
    const c = openParseCache(dir, [])!;
    c.put(K1, '1');
    c.put(K2, '2');
    c.save();
    // One of two used, one added: 3 lines for 2 used -> appended.
    const c2 = openParseCache(dir, [])!;
    c2.get(K1);
    c2.put(K3, '3');
    c2.save();
    expect(c2.stats.compacted).toBe(false);
    expect(readFileSync(join(dir, 'parse-v1.pack'), 'utf8').trim().split('\n')).toHaveLength(4);
    // Only one of three used: rewritten with it alone.
    const c3 = openParseCache(dir, [])!;
    expect(c3.get(K3)).toBe('3');
    c3.save();
    expect(c3.stats.compacted).toBe(true);
    const lines = readFileSync(join(dir, 'parse-v1.pack'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe(`${K3}\t3`);
  });

  it('ignores a line cut short, a malformed line and a pack of another code version', () => {
    const dir = join(tmp, 'pack3');
    const c = openParseCache(dir, [])!;
    c.put(K1, '1');
    c.save();
    const pack = join(dir, 'parse-v1.pack');
    appendFileSync(pack, `not a key\tjunk\n${K2}\t2`); // the last line has no newline: a crash mid-write
    const c2 = openParseCache(dir, [])!;
    expect(c2.get(K1)).toBe('1');
    expect(c2.get(K2)).toBeUndefined();
    writeFileSync(pack, `ruleatlas-parse-cache 1 another-build\n${K1}\t1\n`);
    const c3 = openParseCache(dir, [])!;
    expect(c3.get(K1)).toBeUndefined();
    c3.put(K2, '2');
    c3.save();
    expect(readFileSync(pack, 'utf8')).not.toContain('another-build');
  });

  it('reports an unusable directory and goes on without a cache', () => {
    const file = join(tmp, 'a-file');
    writeFileSync(file, 'x');
    const d: Diagnostic[] = [];
    expect(openParseCache(join(file, 'sub'), d)).toBeNull();
    expect(d[0]?.code).toBe('cache.unusable');
  });
});

describe('pack index', () => {
  // The pack is indexed through a reused buffer (4 MB in use): lines, keys and the header
  // may straddle its chunks. The index must be what a scan of the whole pack in memory finds.
  const HEADER = 'ruleatlas-parse-cache 1 test-build';
  function wholeScan(pack: Buffer): { valid: boolean; entries: [string, number, number][] } {
    const entries: [string, number, number][] = [];
    let nl = pack.indexOf(10);
    if (nl <= 0 || pack.toString('utf8', 0, nl) !== HEADER) return { valid: false, entries };
    for (let pos = nl + 1; pos < pack.length; pos = nl + 1) {
      nl = pack.indexOf(10, pos);
      if (nl < 0) break;
      if (nl - pos > 65 && pack[pos + 64] === 9) {
        const key = pack.toString('latin1', pos, pos + 64);
        if (/^[0-9a-f]{64}$/.test(key)) entries.push([key, pos + 65, nl]);
      }
    }
    return { valid: true, entries };
  }
  let seed = 7;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  function randomPack(): Buffer {
    const lines: string[] = [rand(10) === 0 ? 'ruleatlas-parse-cache 1 other-build' : HEADER];
    const count = rand(12);
    for (let i = 0; i < count; i++) {
      const key = sha256(String(rand(1e9)));
      switch (rand(7)) {
        case 0: lines.push(`${key}\t`); break; // no value
        case 1: lines.push(`${key.slice(0, 60)}\tshort key`); break;
        case 2: lines.push(`${key.toUpperCase()}\t{"x":1}`); break;
        case 3: lines.push(''); break;
        default: lines.push(`${key}\t${JSON.stringify({ v: 'é'.repeat(rand(40)), n: rand(1000) })}`);
      }
    }
    // A last line cut short by a crash, sometimes.
    return Buffer.from(lines.join('\n') + (rand(3) === 0 ? `\n${sha256('cut')}\t{"a":` : '\n'));
  }

  it('finds what a whole-pack scan finds, for every chunk size and 200 random packs', () => {
    const path = join(tmp, 'index.pack');
    for (let round = 0; round < 200; round++) {
      const pack = randomPack();
      writeFileSync(path, pack);
      const want = wholeScan(pack);
      const fd = openSync(path, 'r');
      try {
        for (const chunk of [1, 2, 17, 64, 65, 66, 67, 100, 131, 4096]) {
          const got: [string, number, number][] = [];
          const valid = indexPack(fd, pack.length, HEADER, (k, s, e) => got.push([k, s, e]), chunk);
          expect(valid, `round ${round}, chunk ${chunk}`).toBe(want.valid);
          expect(got, `round ${round}, chunk ${chunk}`).toEqual(want.valid ? want.entries : []);
        }
      } finally {
        closeSync(fd);
      }
    }
  });
});

describe('cached loads', () => {
  const corpusDir = join(tmp, 'fixtures');
  cpSync(FIXTURES, corpusDir, { recursive: true });
  const cacheDir = join(tmp, 'load-cache');
  const load = (cache?: string) => loadCorpus([corpusDir], { workers: 0, ...(cache ? { cache } : {}) });

  it('gives the same rules and diagnostics as an uncached load, cold and warm', async () => {
    const plain = await load();
    const cold = await load(cacheDir);
    const warm = await load(cacheDir);
    const files = plain.files.filter((f) => f.role === 'rules').length;
    expect(cold.cache).toMatchObject({ hits: 0, misses: files, stored: files });
    expect(warm.cache).toMatchObject({ hits: files, misses: 0, stored: 0 });
    for (const r of [cold, warm]) {
      expect(JSON.stringify(r.rules)).toBe(JSON.stringify(plain.rules));
      expect(r.diagnostics).toEqual(plain.diagnostics);
      expect(r.files).toEqual(plain.files);
    }
  });

  it('re-parses only the changed file', async () => {
    const f = join(corpusDir, 'sigma', 'lsass_memory_access.yml');
    writeFileSync(f, readFileSync(f, 'utf8').replace(/^title: (.*)$/m, 'title: $1 (edited)'));
    const r = await load(cacheDir);
    expect(r.cache).toMatchObject({ misses: 1, stored: 1 });
    expect(r.rules.some((x) => x.title.endsWith('(edited)'))).toBe(true);
    expect(JSON.stringify(r.rules)).toBe(JSON.stringify((await load()).rules));
  });

  it('re-parses every Splunk file when a macro changes', async () => {
    const before = await load(cacheDir);
    const splunkFiles = before.files.filter((f) => f.role === 'rules' && f.vendor === 'splunk').length;
    const m = join(corpusDir, 'splunk', 'macros', 'sysmon.yml');
    writeFileSync(m, readFileSync(m, 'utf8') + '\n# changed\n');
    const r = await load(cacheDir);
    expect(r.cache?.misses).toBe(splunkFiles);
    expect(JSON.stringify(r.rules)).toBe(JSON.stringify((await load()).rules));
  });
});
