/**
 * The patched interning (src/incremental/patch-interning.ts) is the one the
 * interning pass gives: after random changes to a rule's predicates (new and
 * shared values, roles, case flags, written forms, order, predicates added
 * and removed), patching the previous interning and collecting the whole
 * corpus again give the same tables and uses, key for key, and so does a
 * patch of a patch.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogInput, collectFrom, type CatalogInput } from '../../src/catalog/build.js';
import { newStreams, restoreInterning, storeInterning, type Interning, type PredicateStreams, type StoredInterning } from '../../src/catalog/collect.js';
import { patchInterning } from '../../src/incremental/patch-interning.js';
import { idsFromStreams, idsReader, readInterning, spliceIds, StringTable, writeInterning, type PredicateIds } from '../../src/incremental/snapshot.js';
import { loadCorpus } from '../../src/loader/load.js';
import { prng } from '../helpers/prng.mjs';

const FIXTURES = resolve(__dirname, '..', '..', 'fixtures');
const dir = mkdtempSync(join(tmpdir(), 'ruleatlas-patch-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const STREAM_COLUMNS = ['flags', 'field', 'written', 'op', 'norm', 'display', 'foldedNorm', 'regexFlags'] as const;
const USES = ['ind', 'indOff', 'excl', 'exclOff', 'fieldId', 'fieldFlags', 'fieldOps', 'fieldOff', 'written', 'writtenOff', 'predKey', 'predOwnKey', 'predFlags', 'predRawKey'] as const;

let input: CatalogInput;
beforeAll(async () => {
  const loaded = await loadCorpus([FIXTURES], { workers: 0 });
  input = catalogInput(loaded.rules, false);
});

/** Rule `i`'s predicates as streams of their own. */
function ruleStreams(s: PredicateStreams, i: number): PredicateStreams {
  const out = newStreams();
  for (let j = s.off[i]!; j < s.off[i + 1]!; j++) for (const c of STREAM_COLUMNS) (out[c] as unknown[]).push(s[c][j]);
  out.off.push(out.flags.length);
  return out;
}

type Pred = { [K in (typeof STREAM_COLUMNS)[number]]: PredicateStreams[K][number] };

function predAt(s: PredicateStreams, j: number): Pred {
  return Object.fromEntries(STREAM_COLUMNS.map((c) => [c, s[c][j]])) as Pred;
}

/** A random change to a rule's predicates: values new or taken from elsewhere in the corpus, roles, flags, order. */
function mutate(preds: Pred[], all: PredicateStreams, pick: () => number, n: number): Pred[] {
  const out = preds.map((p) => ({ ...p }));
  const any = () => predAt(all, Math.floor(pick() * all.flags.length));
  const some = () => Math.floor(pick() * out.length);
  const steps = 1 + Math.floor(pick() * 3);
  for (let s = 0; s < steps; s++) {
    const what = Math.floor(pick() * 10);
    if (!out.length && what !== 5) continue;
    const j = out.length ? some() : 0;
    if (what === 0) Object.assign(out[j]!, { norm: `new-${n}-${s}`, display: `New-${n}-${s}`, foldedNorm: undefined });
    else if (what === 1) {
      // Another predicate's value (same field and written form, so it counts as that key).
      const o = any();
      Object.assign(out[j]!, { field: o.field, written: o.written, op: o.op, norm: o.norm, display: o.display, foldedNorm: o.foldedNorm, regexFlags: o.regexFlags });
    } else if (what === 2) out[j]!.flags = (out[j]!.flags & ~3) | Math.floor(pick() * 3);
    else if (what === 3) out[j]!.flags ^= pick() < 0.5 ? 4 : 8;
    else if (what === 4) out.splice(j, 1);
    else if (what === 5) out.splice(j, 0, { ...any() });
    else if (what === 6) out.reverse();
    else if (what === 7) out[j]!.display = `${out[j]!.display}-written-${n}`;
    else if (what === 8) {
      // A case variant: the value upper-cased, case-sensitive, folding to the value.
      const p = out[j]!;
      Object.assign(p, { norm: p.norm.toUpperCase(), display: p.display.toUpperCase(), foldedNorm: p.norm, flags: (p.flags & ~4) | 8 });
    } else out[j]!.flags |= 4;
  }
  return out;
}

function toStreams(preds: Pred[]): PredicateStreams {
  const out = newStreams();
  for (const p of preds) for (const c of STREAM_COLUMNS) (out[c] as unknown[]).push(p[c]);
  out.off.push(out.flags.length);
  return out;
}

function expectSame(got: Interning, want: Interning, what: string): void {
  expect([got.fields, got.ops, got.writtenField, got.writtenVendor, got.writtenName], what).toEqual([want.fields, want.ops, want.writtenField, want.writtenVendor, want.writtenName]);
  for (const col of ['fid', 'opId', 'nInd', 'nExcl'] as const) expect([...got.keyCols[col]], `${what}: keyCols.${col}`).toEqual([...want.keyCols[col]]);
  const n = want.keyCols.fid.length;
  const key = (c: Interning, k: number) => {
    const ki = c.key(k);
    return [ki.field, ki.op, ki.display, ki.regex ?? null];
  };
  for (let k = 0; k < n; k++) expect(key(got, k), `${what}: key ${k}`).toEqual(key(want, k));
  for (const u of USES) expect([...got.uses[u]], `${what}: uses.${u}`).toEqual([...want.uses[u]]);
  // And what the next patch starts from.
  for (const col of ['first', 'ci', 'alias'] as const) expect([...got.keyState[col]], `${what}: keyState.${col}`).toEqual([...want.keyState[col]]);
}

describe('the patched interning', () => {
  it('is what the interning pass gives, after random changes to a rule and to changed rules again', () => {
    const pick = prng(20261129);
    const vendors = input.facts.map((f) => f.vendor);
    const strings: string[] = [];
    let ids: PredicateIds = idsFromStreams(input.streams, new StringTable(strings));
    let streams = input.streams;
    let old: StoredInterning = readInterning(dir, writeInterning(dir, storeInterning(collectFrom(idsReader(ids, strings), input.facts)), ids.off), vendors.length)!.stored;
    const reasons: string[] = [];
    let patched = 0;
    for (let n = 0; n < 300; n++) {
      const i = Math.floor(pick() * vendors.length);
      const before = ruleStreams(streams, i);
      const after = toStreams(mutate(STREAM_COLUMNS.length ? Array.from({ length: before.flags.length }, (_, j) => predAt(before, j)) : [], streams, pick, n));
      // As the rebuild does: the changed rule's strings appended to the table, without looking for them.
      const table = new StringTable(strings, false);
      const next = spliceIds(ids, new Map([[i, { by: idsFromStreams(after, table), i: 0 }]]));
      const p = patchInterning(old, ids.off, ids, next, strings, [i], vendors);
      const want = collectFrom(idsReader(next, strings), input.facts);
      // Each interning goes through its file, as between two rebuilds: a patched one is written with the
      // string table of the file it was read from, its changed keys' strings appended.
      const stored = typeof p === 'string' ? storeInterning(want) : p.stored;
      const back = readInterning(dir, writeInterning(dir, stored, next.off), vendors.length)!;
      expect(back, `change ${n}`).not.toBeNull();
      if (typeof p === 'string') reasons.push(p);
      else {
        expectSame(restoreInterning(p.stored), want, `change ${n} (rule ${i})`);
        patched++;
      }
      expectSame(restoreInterning(back.stored), want, `change ${n} (rule ${i}), read back`);
      old = back.stored;
      ids = next;
      // The streams the next change copies from and mutates (the changed rule's predicates replaced).
      const s2 = newStreams();
      for (let r = 0; r < vendors.length; r++) {
        const src = r === i ? after : streams;
        const from = r === i ? 0 : streams.off[r]!;
        const to = r === i ? after.flags.length : streams.off[r + 1]!;
        for (let j = from; j < to; j++) for (const c of STREAM_COLUMNS) (s2[c] as unknown[]).push(src[c][j]);
        s2.off.push(s2.flags.length);
      }
      streams = s2;
    }
    // Most changes are patched; the others added or removed a field, an operator or a written name.
    expect(patched).toBeGreaterThan(200);
    for (const r of reasons) expect(r).toMatch(/field|operator|written/);
  });
});
