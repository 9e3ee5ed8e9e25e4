/**
 * The snapshot's stamp tables (src/incremental/stamp-table.ts): what goes in
 * comes back, a stamp compared as numbers agrees with its text
 * (loader/file-stamps.ts `stampOf`), and bytes that are not a table are
 * refused (null), never half-read.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stampOf } from '../../src/loader/file-stamps.js';
import { StampTable, type StampEntry } from '../../src/incremental/stamp-table.js';

const dir = mkdtempSync(join(tmpdir(), 'ruleatlas-stamps-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const H1 = 'ab'.repeat(32);
const H2 = '0'.repeat(64);
const sources: StampEntry[] = [
  { name: '/rules/a.yml', stamp: '1234:1795912068569.8916:1795912068569.8916:4399266:65024', hash: H1, kind: 'rules' },
  { name: '/rules/é ü/b.toml', stamp: '0:1:2:3:4', hash: null, kind: 'error' },
  { name: '/rules/LICENSE', stamp: null, hash: H2, kind: 'never' },
  { name: '/rules/macros.yml', stamp: '77:1795912068000:1795912069000.5:9007199254740991:1', hash: H1, kind: 'support' },
  { name: '', stamp: '5:6:7:8:9', hash: null, kind: 'other' },
];

/** The bytes of `t` as one buffer (its columns start at multiples of 8, as a file read back does). */
function bytesOf(t: StampTable): Buffer {
  return Buffer.concat(t.encode());
}

function entries(t: StampTable): StampEntry[] {
  return Array.from({ length: t.length }, (_, i) => (t.hasSources ? { name: t.name(i), stamp: t.stamp(i), hash: t.hash(i), kind: t.kind(i) } : { name: t.name(i), stamp: t.stamp(i) }));
}

describe('stamp tables', () => {
  it('give back names, stamps, hashes and kinds, in memory and through their bytes', () => {
    const t = StampTable.of(sources, true);
    expect(entries(t)).toEqual(sources);
    const back = StampTable.decode(bytesOf(t), 0)!;
    expect(back).not.toBeNull();
    expect(back.end).toBe(bytesOf(t).length);
    expect(entries(back.table)).toEqual(sources);
    const plain = StampTable.of([{ name: 'catalog.json', stamp: '1:2:3:4:5' }, { name: 'techniques/T1003.md', stamp: '9:8:7:6:5' }], false);
    expect(plain.hasSources).toBe(false);
    expect(entries(StampTable.decode(bytesOf(plain), 0)!.table)).toEqual(entries(plain));
    expect(StampTable.of([], false).length).toBe(0);
    expect(StampTable.decode(bytesOf(StampTable.of([], true)), 0)!.table.length).toBe(0);
  });

  it('compare a stat as its stamp text does', () => {
    const f = join(dir, 'file.txt');
    writeFileSync(f, 'x');
    const st = statSync(f);
    const t = StampTable.of([{ name: f, stamp: stampOf(st) }], false);
    expect(t.stamp(0)).toBe(stampOf(st));
    expect(t.sameStamp(0, st)).toBe(true);
    writeFileSync(f, 'xy');
    expect(t.sameStamp(0, statSync(f))).toBe(stampOf(statSync(f)) === stampOf(st));
    expect(StampTable.of([{ name: f, stamp: null }], false).sameStamp(0, st)).toBe(false);
  });

  it('change entries in a copy, keeping the original', () => {
    const t = StampTable.of(sources, true);
    const u = t.with(
      new Map([
        [1, { stamp: '10:11:12:13:14', hash: H2 }],
        [3, { stamp: null }],
        [0, { stamp: '1:1:1:1:1', hash: null }],
      ]),
    );
    expect(entries(t)).toEqual(sources);
    expect(entries(u)).toEqual([
      { ...sources[0], stamp: '1:1:1:1:1', hash: null },
      { ...sources[1], stamp: '10:11:12:13:14', hash: H2 },
      sources[2],
      { ...sources[3], stamp: null },
      sources[4],
    ]);
    expect(u.sameNames(t)).toBe(true);
    expect(StampTable.of([...sources].reverse(), true).sameNames(t)).toBe(false);
    expect(t.with(new Map())).toBe(t);
    expect(() => t.with(new Map([[5, { stamp: null }]]))).toThrow();
  });

  it('refuse what is not a stamp, a hash or a kind', () => {
    expect(() => StampTable.of([{ name: 'a', stamp: '1:2:3:4' }], false)).toThrow(/not a file stamp/);
    expect(() => StampTable.of([{ name: 'a', stamp: '1:2:3:4:x' }], false)).toThrow(/not a file stamp/);
    // Only texts that the numbers print back to exactly are kept as numbers.
    expect(() => StampTable.of([{ name: 'a', stamp: '1:2:3:4:05' }], false)).toThrow(/not a file stamp/);
    expect(() => StampTable.of([{ name: 'a', stamp: null, hash: 'abc', kind: 'rules' }], true)).toThrow(/SHA-256/);
    expect(() => StampTable.of([{ name: 'a', stamp: null, hash: null, kind: 'odd' as never }], true)).toThrow(/kind/);
  });

  it('refuse damaged bytes', () => {
    const good = bytesOf(StampTable.of(sources, true));
    const changed = (f: (b: Buffer) => Buffer) => StampTable.decode(f(Buffer.from(good)), 0);
    expect(changed((b) => b)).not.toBeNull();
    // Another magic, another "has sources" flag, an entry count or name length the bytes do not hold.
    expect(changed((b) => (b.writeUInt32LE(0, 0), b))).toBeNull();
    expect(changed((b) => (b.writeUInt32LE(2, 12), b))).toBeNull();
    expect(changed((b) => (b.writeUInt32LE(1000, 4), b))).toBeNull();
    expect(changed((b) => (b.writeUInt32LE(1 << 30, 8), b))).toBeNull();
    for (const cut of [8, 20, 64, good.length - 9]) expect(changed((b) => b.subarray(0, cut)), `cut at ${cut}`).toBeNull();
    // The second name's offset past the third's; a stamp half there (NaN beside numbers); an unknown kind.
    const nameOff = 16 + sources.length * 5 * 8;
    expect(changed((b) => (b.writeUInt32LE(10_000, nameOff + 8), b))).toBeNull();
    expect(changed((b) => (b.writeDoubleLE(NaN, 16 + 8), b))).toBeNull();
    expect(changed((b) => (b.writeDoubleLE(Infinity, 16), b))).toBeNull();
    const kinds = nameOff + (((sources.length + 1) * 4 + 7) & ~7);
    expect(changed((b) => (b[kinds] = 7, b))).toBeNull();
    // Not at a multiple of 8.
    expect(StampTable.decode(Buffer.concat([Buffer.alloc(4), good]), 4)).toBeNull();
  });
});
