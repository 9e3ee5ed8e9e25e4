// Rebuilding in place (writeData in src/render/write.ts): a file that already
// holds its content is left untouched (bytes and modification time), any
// other ends up holding exactly the new content, whatever it held before
// (longer, shorter, different anywhere, across the 1 MB comparison buffer).
import { readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCatalog } from '../../src/catalog/build.js';
import { writeCatalog, writeData } from '../../src/render/write.js';
import { ATTACK, EVENTS, smallCorpus } from '../catalog/fixtures.js';
import { listFiles, tempDirs } from '../helpers/out-dirs.js';

const tmp = tempDirs('ruleatlas-inplace-');
const OLD = new Date('2001-02-03T04:05:06Z');
const MB = 1 << 20;

/** A deterministic byte generator (xorshift32). */
function rng(seed: number): () => number {
  let x = seed || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

function bytesOf(n: number, r: () => number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = 97 + Math.floor(r() * 26);
  return b;
}

/** `b` cut into chunks of random sizes (the writer's input is a sequence of chunks). */
function chunked(b: Buffer, r: () => number, max: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < b.length; ) {
    const n = 1 + Math.floor(r() * max);
    out.push(b.subarray(i, i + n));
    i += n;
  }
  return out;
}

describe('writeData', () => {
  it('creates a file that does not exist', () => {
    const f = join(tmp(), 'a.txt');
    expect(writeData(f, 'hello')).toEqual({ bytes: 5, changed: true });
    expect(readFileSync(f, 'utf8')).toBe('hello');
  });

  it('leaves a file that already holds the content untouched, modification time included', () => {
    const f = join(tmp(), 'a.txt');
    writeFileSync(f, 'héllo wörld');
    utimesSync(f, OLD, OLD);
    expect(writeData(f, 'héllo wörld')).toEqual({ bytes: Buffer.byteLength('héllo wörld'), changed: false });
    expect(statSync(f).mtime).toEqual(OLD);
    expect(writeData(f, '')).toEqual({ bytes: 0, changed: true });
    expect(readFileSync(f, 'utf8')).toBe('');
    expect(writeData(f, '')).toEqual({ bytes: 0, changed: false });
  });

  it.each([
    ['longer with the same start', 'abcdefXYZ'],
    ['shorter', 'abc'],
    ['different at the first byte', 'Xbcdef'],
    ['different in the middle', 'abcXef'],
    ['different at the last byte', 'abcdeX'],
    ['empty', ''],
  ])('rewrites a file that is %s', (_what, before) => {
    const f = join(tmp(), 'a.txt');
    writeFileSync(f, before);
    expect(writeData(f, ['ab', 'cd', 'ef'].map((s) => Buffer.from(s)))).toEqual({ bytes: 6, changed: true });
    expect(readFileSync(f, 'utf8')).toBe('abcdef');
  });

  it('compares and rewrites across the 1 MB comparison buffer', () => {
    const r = rng(7);
    const f = join(tmp(), 'big.bin');
    const content = bytesOf(3 * MB + 123, r);
    writeFileSync(f, content);
    utimesSync(f, OLD, OLD);
    // One chunk bigger than the buffer, then smaller ones.
    const pieces = [content.subarray(0, MB + MB / 2), ...chunked(content.subarray(MB + MB / 2), r, 300_000)];
    expect(writeData(f, pieces)).toEqual({ bytes: content.length, changed: false });
    expect(statSync(f).mtime).toEqual(OLD);
    // A difference past the first megabyte, inside the big chunk and in a later one.
    for (const at of [MB + 17, 2 * MB + 5, content.length - 1]) {
      const before = Buffer.from(content);
      before[at] = before[at] === 97 ? 98 : 97;
      writeFileSync(f, before);
      expect(writeData(f, pieces).changed).toBe(true);
      expect(readFileSync(f).equals(content)).toBe(true);
    }
  });

  it('ends with exactly the new content whatever the file held (random cases)', () => {
    const r = rng(20261128);
    const f = join(tmp(), 'p.bin');
    for (let i = 0; i < 300; i++) {
      const content = bytesOf(Math.floor(r() * 5000), r);
      // What the file held: the content mutated (cut, extended, bytes changed), or something else.
      let before: Buffer;
      const kind = Math.floor(r() * 6);
      if (kind === 0) before = Buffer.from(content);
      else if (kind === 1) before = content.subarray(0, Math.floor(r() * content.length));
      else if (kind === 2) before = Buffer.concat([content, bytesOf(1 + Math.floor(r() * 50), r)]);
      else if (kind === 3) {
        before = Buffer.from(content);
        for (let k = 0; k < 1 + Math.floor(r() * 3) && before.length; k++) before[Math.floor(r() * before.length)] = 48 + Math.floor(r() * 10);
      } else if (kind === 4) before = bytesOf(Math.floor(r() * 5000), r);
      else before = Buffer.alloc(0);
      writeFileSync(f, before);
      const w = writeData(f, chunked(content, r, 700));
      const after = readFileSync(f);
      expect(after.equals(content), `case ${i} (kind ${kind})`).toBe(true);
      expect(w).toEqual({ bytes: content.length, changed: !before.equals(content) });
    }
  });
});

describe('writeCatalog in place', () => {
  const setOld = (out: string) => {
    for (const rel of listFiles(out)) utimesSync(join(out, rel), OLD, OLD);
  };
  const touched = (out: string) => listFiles(out).filter((rel) => statSync(join(out, rel)).mtime.getTime() !== OLD.getTime());

  it('rewrites nothing when nothing changed', async () => {
    const out = tmp();
    const cat = buildCatalog(smallCorpus(), { attack: ATTACK, events: EVENTS });
    const first = await writeCatalog(cat, out);
    expect(first.unchanged).toBe(0);
    setOld(out);
    const again = await writeCatalog(cat, out);
    expect(again).toMatchObject({ files: 31, unchanged: 31, removed: 0 });
    expect(touched(out)).toEqual([]);
  });

  it('after a change, rewrites exactly the files whose content changed, and ends as a fresh build', async () => {
    const before = buildCatalog(smallCorpus(), { attack: ATTACK, events: EVENTS });
    const rules = smallCorpus();
    rules[0] = { ...rules[0]!, title: `${rules[0]!.title} (edited)` };
    const after = buildCatalog(rules, { attack: ATTACK, events: EVENTS });
    const out = tmp();
    const freshBefore = tmp();
    const freshAfter = tmp();
    await writeCatalog(before, out);
    await writeCatalog(before, freshBefore);
    await writeCatalog(after, freshAfter);
    setOld(out);
    const res = await writeCatalog(after, out);
    const files = listFiles(freshAfter);
    expect(listFiles(out)).toEqual(files);
    for (const rel of files) expect(readFileSync(join(out, rel)).equals(readFileSync(join(freshAfter, rel))), rel).toBe(true);
    const differ = files.filter((rel) => !readFileSync(join(freshBefore, rel)).equals(readFileSync(join(freshAfter, rel))));
    expect(differ.length).toBeGreaterThan(0);
    expect(differ.length).toBeLessThan(files.length - 1);
    // The manifest lists the same files, so it is unchanged too.
    expect(touched(out)).toEqual(differ);
    expect(res.unchanged).toBe(res.files - differ.length);
  });
});
