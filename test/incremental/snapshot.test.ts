/**
 * The build snapshot's binary files (src/incremental/snapshot.ts) are read as
 * untrusted data: anything but what `writeInterning` wrote for the same number
 * of rules is refused (null), never half-read; the strings file can be read a
 * string at a time and appended to; the interning pass over the id columns
 * the snapshot keeps interns as the pass over strings does.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { catalogInput, catalogInputInterned, collectFrom } from '../../src/catalog/build.js';
import { fillRuleLists, restoreInterning, storeInterning, streamsReader, type KeyInfo } from '../../src/catalog/collect.js';
import { appendStrings, DamagedSnapshot, idsFromStreams, idsReader, readInterning, SnapshotStrings, StringTable, writeInterning, writeStrings } from '../../src/incremental/snapshot.js';
import { smallCorpus } from '../catalog/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'ruleatlas-snapshot-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rules = smallCorpus();
const { collected } = catalogInputInterned(rules);
const off = Int32Array.from(catalogInput(rules, false).streams.off);
const name = writeInterning(dir, storeInterning(collected), off);
const bytes = readFileSync(join(dir, name));

/** A copy of the interning file with `change` applied, read back. */
function readChanged(change: (b: Buffer) => Buffer, n = rules.length): ReturnType<typeof readInterning> {
  const f = `build-v1-interning-${Math.floor(Math.random() * 1e9)}.bin`;
  writeFileSync(join(dir, f), change(Buffer.from(bytes)));
  return readInterning(dir, f, n);
}

/** The size of the string table at the end of an interning file of `S` strings: ends, kind bytes, strings. */
function readStringTableSize(b: Buffer, S: number): number {
  // The last end (the strings' size) sits right before the kind bytes; try the only layout that fits.
  const kinds = Math.ceil(S / 4) * 4;
  for (let strings = 0; strings <= b.length; strings++) {
    const lastEnd = b.length - strings - kinds - 4;
    const size = strings + kinds + 4 * (S + 1);
    if (lastEnd >= 0 && b.readInt32LE(lastEnd) === strings && size <= b.length && b.readInt32LE(b.length - size) === 0) return size;
  }
  throw new Error('no string table');
}

describe('the interning file', () => {
  it('reads back what was written', () => {
    const back = readInterning(dir, name, rules.length)!;
    expect(back).not.toBeNull();
    expect([...back.off]).toEqual([...off]);
    const r = restoreInterning(back.stored);
    expect(r.fields).toEqual(collected.fields);
    expect(r.ops).toEqual(collected.ops);
    expect(r.writtenName).toEqual(collected.writtenName);
    // The aggregation reads a key's counts, which are its lists' lengths once filled (lists are filled on demand).
    expect(collected.keys.some((k) => k.nInd > 0 && k.indRules.length === 0)).toBe(true);
    fillRuleLists(collected, collected.keys.keys());
    expect(collected.keys.every((k) => k.nInd === k.indRules.length && k.nExcl === k.exclRules.length)).toBe(true);
    // The counts come back at once, as columns; a key's KeyInfo when it is asked for, its rule lists when a page asks.
    const nKeys = collected.keys.length;
    expect(r.keyCols.fid.length).toBe(nKeys);
    for (const col of ['fid', 'opId', 'nInd', 'nExcl'] as const) expect([...r.keyCols[col]], col).toEqual([...collected.keyCols[col]]);
    expect(r.keys.filter(Boolean)).toEqual([]);
    expect(r.key(2)).toBe(r.key(2));
    expect(r.keys.filter(Boolean)).toHaveLength(1);
    expect(() => r.key(nKeys)).toThrow(RangeError);
    const all = (c: typeof r) => Array.from({ length: nKeys }, (_, k) => c.key(k));
    expect(all(r).map((k) => [k.fid, k.opId, k.field, k.op, k.display, k.regex ?? null, k.nInd, k.nExcl])).toEqual(
      collected.keys.map((k) => [k.fid, k.opId, k.field, k.op, k.display, k.regex ?? null, k.indRules.length, k.exclRules.length]),
    );
    expect(all(r).some((k) => k.nInd > 0 && k.indRules.length === 0)).toBe(true);
    const some = [0, 2, nKeys - 1];
    fillRuleLists(r, some);
    for (const k of some) expect([r.key(k).indRules, r.key(k).exclRules], `key ${k}`).toEqual([collected.keys[k]!.indRules, collected.keys[k]!.exclRules]);
    fillRuleLists(r, collected.keys.keys());
    expect(all(r).map((k) => [k.indRules, k.exclRules])).toEqual(collected.keys.map((k) => [k.indRules, k.exclRules]));
    for (const u of ['ind', 'indOff', 'excl', 'exclOff', 'fieldId', 'fieldFlags', 'fieldOps', 'fieldOff', 'written', 'writtenOff', 'predKey', 'predOwnKey', 'predFlags'] as const) {
      expect([...r.uses[u]], u).toEqual([...collected.uses[u]]);
    }
  });

  it('keeps any string exactly: Latin-1, wider, lone surrogates, empty', () => {
    const odd = ['é ü ÿ', '中文 \u2028', 'a\ud800b', '\udfff', '', '\u0000', '😀'];
    const stored = storeInterning(collected);
    const display = (k: number) => odd[k] ?? stored.keyDisplay(k);
    const f = writeInterning(dir, { ...stored, keyDisplay: display }, off);
    const r = restoreInterning(readInterning(dir, f, rules.length)!.stored);
    expect(odd.map((_, k) => r.key(k).display)).toEqual(odd);
    expect(r.key(odd.length).display).toBe(collected.keys[odd.length]!.display);
  });

  it('refuses another number of rules, another magic, a cut, an id out of range and a damaged string table', () => {
    expect(readInterning(dir, name, rules.length + 1)).toBeNull();
    expect(readChanged((b) => (b.writeInt32LE(0, 0), b))).toBeNull();
    for (const cut of [16, 40, bytes.length - 100, bytes.length - 1]) expect(readChanged((b) => b.subarray(0, cut)), `cut at ${cut}`).toBeNull();
    // The first key's field id (after the 8 header words, the fields and the operators).
    const nFields = bytes.readInt32LE(8);
    const nOps = bytes.readInt32LE(12);
    const keyFid = 4 * (8 + nFields + nOps);
    expect(readChanged((b) => (b.writeInt32LE(nFields, keyFid), b))).toBeNull();
    expect(readChanged((b) => (b.writeInt32LE(-1, keyFid), b))).toBeNull();
    // The string table after the columns: each string's end offset (after a 0), a kind byte per string, the strings.
    const S = bytes.readInt32LE(28);
    const tableAt = bytes.length - readStringTableSize(bytes, S);
    const endAt = (i: number) => tableAt + 4 * i;
    expect(bytes.readInt32LE(endAt(0))).toBe(0);
    expect(readChanged((b) => (b.writeInt32LE(1, endAt(0)), b))).toBeNull();
    // An end before the previous one; past the file's end; a kind that is neither Latin-1 nor UTF-16; a byte more.
    expect(readChanged((b) => (b.writeInt32LE(-1, endAt(1)), b))).toBeNull();
    expect(readChanged((b) => (b.writeInt32LE(b.readInt32LE(endAt(S)) + 1, endAt(S)), b))).toBeNull();
    expect(readChanged((b) => (b.writeUInt8(2, endAt(S + 1)), b))).toBeNull();
    expect(readChanged((b) => Buffer.concat([b, Buffer.from('x')]))).toBeNull();
  });
});

describe('the interning pass over id columns', () => {
  it('interns exactly as over the strings, whether equal strings share an id or not', () => {
    const input = catalogInput(rules, false);
    const want = collectFrom(streamsReader(input.streams), input.facts);
    for (const dedupe of [true, false]) {
      const strings: string[] = [];
      const ids = idsFromStreams(input.streams, new StringTable(strings, dedupe));
      const reader = idsReader(ids, strings);
      expect(reader.ids).toBeDefined();
      const got = collectFrom(reader, input.facts);
      expect(got.keys.length, `dedupe ${dedupe}`).toBe(want.keys.length);
      const keyOf = (k: KeyInfo) => [k.fid, k.opId, k.field, k.op, k.display, k.regex ?? null, k.nInd, k.nExcl, k.ci, k.foldedNorm ?? null, k.displays ? [...k.displays] : null];
      expect(got.keys.map(keyOf)).toEqual(want.keys.map(keyOf));
      expect([got.fields, got.ops, got.writtenField, got.writtenVendor, got.writtenName]).toEqual([want.fields, want.ops, want.writtenField, want.writtenVendor, want.writtenName]);
      for (const u of ['ind', 'indOff', 'excl', 'exclOff', 'fieldId', 'fieldFlags', 'fieldOps', 'fieldOff', 'written', 'writtenOff', 'predKey', 'predOwnKey', 'predFlags'] as const) {
        expect([...got.uses[u]], u).toEqual([...want.uses[u]]);
      }
    }
    // The corpus has what the replay remembers per string id: a value met again, in another field, written another way.
    expect(want.keys.some((k) => k.displays)).toBe(true);
  });
});

describe('the strings file', () => {
  const strings = ['a', 'b"\\c', 'é ü', '', 'line\nbreak', 'last'];
  const file = writeStrings(dir, strings);
  const raw = readFileSync(join(dir, file));

  it('reads any string alone, or all of them', () => {
    const s = new SnapshotStrings(raw, strings.length);
    expect(strings.map((_, i) => s.at(i))).toEqual(strings);
    expect(new SnapshotStrings(raw, strings.length).all()).toEqual(strings);
    // A state may use fewer strings than the file holds (appended to since).
    expect(new SnapshotStrings(raw, 2).at(1)).toBe(strings[1]);
  });

  it('reads a string alone from the file, without reading it whole (a line longer than the read buffer too)', () => {
    const long = ['x', 'é'.repeat(700_000), 'y\u2028z', 'last'];
    const f = writeStrings(dir, long);
    const s = new SnapshotStrings(join(dir, f), long.length);
    expect([3, 0, 2, 1].map((i) => s.at(i))).toEqual([3, 0, 2, 1].map((i) => long[i]));
    expect(new SnapshotStrings(join(dir, f), 2).at(1)).toBe(long[1]);
    expect(new SnapshotStrings(join(dir, f), long.length).all()).toEqual(long);
    expect(() => new SnapshotStrings(join(dir, f), long.length + 2).at(0)).toThrow(DamagedSnapshot);
    expect(() => new SnapshotStrings(join(dir, f), long.length + 1).at(long.length)).toThrow(DamagedSnapshot);
    expect(() => new SnapshotStrings(join(dir, 'build-v1-strings-missing.bin'), 1).at(0)).toThrow();
  });

  it('reads as a list decoded as asked for, strings appended after the ones the state uses', () => {
    const f = writeStrings(dir, [...strings, 'not used by the state']);
    const lazy = new SnapshotStrings(join(dir, f), strings.length).lazy();
    expect(lazy.length).toBe(strings.length);
    expect([...lazy.lengths]).toEqual(strings.map((x) => x.length));
    expect([5, 0, 2, 2, 4, 1, 3].map((i) => lazy.at(i))).toEqual([5, 0, 2, 2, 4, 1, 3].map((i) => strings[i]));
    const table = new StringTable(lazy, false);
    expect([table.id('added'), table.id('a'), table.id(null)]).toEqual([strings.length, strings.length + 1, -1]);
    expect(table.added).toEqual(['added', 'a']);
    expect([lazy.length, table.size, lazy.at(strings.length), lazy.at(strings.length + 1)]).toEqual([strings.length + 2, strings.length + 2, 'added', 'a']);
    expect(lazy.all()).toEqual([...strings, 'added', 'a']);
    // Out of the state's range: damaged.
    expect(() => new SnapshotStrings(join(dir, f), strings.length).lazy().at(-1)).toThrow(DamagedSnapshot);
    expect(() => new StringTable(lazy)).toThrow(/needs its strings/);
    expect(() => new SnapshotStrings(join(dir, 'build-v1-strings-missing.bin'), 1).lazy()).toThrow();
    // UTF-16 strings: their length in units, surrogates and all.
    const wide = ['wide \u{1F600} \ud800', 'ascii', '\u4e2d\u6587'];
    const w = new SnapshotStrings(join(dir, writeStrings(dir, wide)), wide.length).lazy();
    expect([...w.lengths]).toEqual(wide.map((x) => x.length));
    expect(wide.map((_, i) => w.at(i))).toEqual(wide);
  });

  it('is appended to in place, earlier ids keeping their strings', () => {
    const f = writeStrings(dir, strings);
    const more = ['new', '', 'wide \u{1F600} \ud800', 'x'.repeat(5)];
    appendStrings(dir, f, more.slice(0, 1), strings.length);
    appendStrings(dir, f, more.slice(1), strings.length + 1);
    const all = [...strings, ...more];
    expect(new SnapshotStrings(join(dir, f), all.length).all()).toEqual(all);
    const s = new SnapshotStrings(join(dir, f), strings.length);
    expect(strings.map((_, i) => s.at(i))).toEqual(strings);
    // What it holds is checked against the count the caller says it holds.
    expect(() => appendStrings(dir, f, ['y'], strings.length)).toThrow(/not the strings file/);
  });

  it('reports a damaged file as such', () => {
    const garbage = Buffer.alloc(raw.length, 0x41);
    expect(() => new SnapshotStrings(garbage, strings.length).at(0)).toThrow(DamagedSnapshot);
    expect(() => new SnapshotStrings(garbage, strings.length).all()).toThrow(DamagedSnapshot);
    expect(() => new SnapshotStrings(raw, strings.length + 5).at(0)).toThrow(DamagedSnapshot);
    expect(() => new SnapshotStrings(raw, strings.length).at(strings.length)).toThrow(DamagedSnapshot);
  });
});

it('leaves no file behind but those written', () => {
  expect(readdirSync(dir).every((f) => f.startsWith('build-v1-'))).toBe(true);
});
