/**
 * The build snapshot's binary files (src/incremental/snapshot.ts) are read as
 * untrusted data: anything but what `writeInterning` wrote for the same number
 * of rules is refused (null), never half-read; the strings file can be read a
 * line at a time.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { catalogInput, catalogInputInterned } from '../../src/catalog/build.js';
import { fillRuleLists, restoreInterning, storeInterning } from '../../src/catalog/collect.js';
import { DamagedSnapshot, readInterning, SnapshotStrings, writeInterning, writeStrings } from '../../src/incremental/snapshot.js';
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

describe('the interning file', () => {
  it('reads back what was written', () => {
    const back = readInterning(dir, name, rules.length)!;
    expect(back).not.toBeNull();
    expect([...back.off]).toEqual([...off]);
    const r = restoreInterning(back.stored);
    expect(r.fields).toEqual(collected.fields);
    expect(r.ops).toEqual(collected.ops);
    expect(r.writtenName).toEqual(collected.writtenName);
    // The aggregation reads a key's counts, which are its lists' lengths once filled.
    expect(collected.keys.every((k) => k.nInd === k.indRules.length && k.nExcl === k.exclRules.length)).toBe(true);
    // The counts come back at once; the rule lists when a page asks for them.
    expect(r.keys.map((k) => [k.field, k.op, k.display, k.nInd, k.nExcl])).toEqual(collected.keys.map((k) => [k.field, k.op, k.display, k.indRules.length, k.exclRules.length]));
    expect(r.keys.some((k) => k.nInd > 0 && k.indRules.length === 0)).toBe(true);
    const some = [0, 2, r.keys.length - 1];
    fillRuleLists(r, some);
    for (const k of some) expect([r.keys[k]!.indRules, r.keys[k]!.exclRules], `key ${k}`).toEqual([collected.keys[k]!.indRules, collected.keys[k]!.exclRules]);
    fillRuleLists(r, r.keys.keys());
    expect(r.keys.map((k) => [k.indRules, k.exclRules])).toEqual(collected.keys.map((k) => [k.indRules, k.exclRules]));
    for (const u of ['ind', 'indOff', 'excl', 'exclOff', 'fieldId', 'fieldFlags', 'fieldOps', 'fieldOff', 'written', 'writtenOff', 'predKey', 'predOwnKey', 'predFlags'] as const) {
      expect([...r.uses[u]], u).toEqual([...collected.uses[u]]);
    }
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
    // The strings after the columns: not a JSON array of strings.
    const json = bytes.lastIndexOf('["');
    expect(json).toBeGreaterThan(0);
    expect(readChanged((b) => (b.write('[1', json), b))).toBeNull();
    expect(readChanged((b) => Buffer.concat([b, Buffer.from('x')]))).toBeNull();
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
