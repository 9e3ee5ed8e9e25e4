/**
 * Reached techniques whose catalog element a change cannot have changed, so
 * that a rebuild keeps their previous bytes instead of computing them in
 * full and comparing (rebuild.ts).
 *
 * After an edited value, the techniques of the changed rule are reached: its
 * old value may leave their value rows and the new one enter them. Mostly
 * neither shows: a technique with many rules lists its 250 most used values,
 * and a value one rule uses is far down. Computing such techniques in full
 * (T1218 has 430 rules) and serializing them to find them the same took
 * 20–35 ms of a 500 ms rebuild.
 *
 * What a technique's element shows of its rules' predicates (catalog/build.ts
 * `technique`): value rows (the most used keys by rules, each with its count,
 * case-sensitive count, corpus reach, display form, regex and rule list) and
 * their number (`distinct`), field rows (from each rule's fields, roles,
 * operators and written names, with sample values from the value rows shown)
 * and events (from the facts). It stays the same when:
 *
 * - the changed rules' facts are the same but for their count of predicates
 *   (the caller checks), so they are the same techniques' members, in the
 *   same places;
 * - their field and written-name lists are the same (the interning patch
 *   keeps field and written-name ids), so the field rows are;
 * - none of the technique's other rules shows another key than before (the
 *   rebuild's `touched` rules: a changed reach, alias or display form), so
 *   only the changed rules' keys can change count, reach, display or regex;
 * - and none of those keys, in either role, is or was among the rows shown:
 *   the section was full (`rowLimit` rows) and the key comes after the last
 *   row shown, before and after (it counts fewer of the technique's rules, or
 *   as many and sorts after it by field, operator and display form: a key
 *   of a changed rule that looks the same as another makes the rebuild a
 *   full build); and the technique's rules use as many keys in that role.
 *
 * Then every row shown has the same key, count, rules and figures, the same
 * rows are cut, and the samples taken from them are the same.
 */
import { byStr, type Membership } from '../catalog/build.js';
import type { RuleUses } from '../catalog/collect.js';
import type { CatalogTechnique } from '../catalog/schema.js';

/** Entries per section in `TechniqueCuts.cuts`, and per technique (indicators, then exclusions). */
const SECTION_WIDTH = 5;
export const CUT_WIDTH = 2 * SECTION_WIDTH;

/** One entry of `TechniqueCuts.cuts`. */
export type CutEntry = number | string | null;

/**
 * What each technique's value sections showed, as the snapshot keeps it: per
 * technique (in catalog order), for its indicators then its exclusions, the
 * number of rows and the last row's count, field, operator and value (0,
 * null, '' and '' when none); with the row limit in force.
 */
export interface TechniqueCuts {
  rowLimit: number;
  cuts: CutEntry[];
}

type Row = Pick<CatalogTechnique['indicators'][number], 'count' | 'field' | 'op' | 'value'>;

/** A technique element's cut (`TechniqueCuts`): what its value sections showed. */
export function techniqueCut(t: { indicators: readonly Row[]; exclusions: readonly Row[] }): CutEntry[] {
  const section = (rows: readonly Row[]): CutEntry[] => {
    const last = rows[rows.length - 1];
    return last ? [rows.length, last.count, last.field, last.op, last.value] : [0, 0, null, '', ''];
  };
  return [...section(t.indicators), ...section(t.exclusions)];
}

/** The cut of the `i`-th technique (catalog order) in `cuts`. */
export function cutAt(cuts: TechniqueCuts, i: number): CutEntry[] {
  return cuts.cuts.slice(CUT_WIDTH * i, CUT_WIDTH * i + CUT_WIDTH);
}

/** Whether `v` is a stored `TechniqueCuts.cuts` of `techniques` techniques. */
export function validCuts(v: unknown, techniques: number): v is CutEntry[] {
  if (!Array.isArray(v) || v.length !== CUT_WIDTH * techniques) return false;
  for (let i = 0; i < v.length; i++) {
    const e: unknown = v[i];
    const at = i % SECTION_WIDTH;
    const ok = at < 2 ? Number.isInteger(e) && (e as number) >= 0 : at === 2 ? e === null || typeof e === 'string' : typeof e === 'string';
    if (!ok) return false;
  }
  return true;
}

/** A key's look in the order of value rows that tie on count (catalog/build.ts `rankKeys`): field, operator, display form. */
export interface KeyLook {
  field: string | null;
  op: string;
  display: string;
}

/** The order of value rows that tie on count, but for the key ids that break ties of keys looking the same. */
const byLook = (a: KeyLook, b: KeyLook) => byStr(a.field ?? '', b.field ?? '') || byStr(a.op, b.op) || byStr(a.display, b.display);

export interface UnchangedInput {
  /** The techniques the change reaches. */
  candidates: ReadonlySet<string>;
  /** Each technique's rules (`techniqueMembership`; the changed rules' facts are the previous ones but for their count of predicates). */
  members: ReadonlyMap<string, Membership>;
  /** The changed rules. */
  at: readonly number[];
  /** The techniques of the other rules whose predicates show another key than before (`Reached.touched`). */
  touchedTechniques: ReadonlySet<string>;
  /** The interning's uses before and after; the keys in each by their own ids. */
  oldUses: RuleUses;
  newUses: RuleUses;
  /** Each previous key's id now (-1: gone); each key's previous id (-1: new). */
  idOf: Int32Array;
  oldOf: Int32Array;
  /** Whether key `k` (its id now) shows the display form and regex it showed before. */
  sameLook: (k: number) => boolean;
  /** Key `k`'s look now, and previous key `o`'s then. */
  lookNow: (k: number) => KeyLook;
  lookBefore: (o: number) => KeyLook;
  /** The previous build's cut of a technique (`CUT_WIDTH` entries), by id. */
  cutOf: (tid: string) => readonly CutEntry[] | undefined;
  /** The row limit the catalog is made with. */
  rowLimit: number;
}

/** Whether rule `i`'s entries of one list are the same in both. */
function sameRange(a: Int32Array, aOff: Int32Array, b: Int32Array, bOff: Int32Array, i: number): boolean {
  const n = aOff[i + 1]! - aOff[i]!;
  if (n !== bOff[i + 1]! - bOff[i]!) return false;
  for (let q = 0; q < n; q++) if (a[aOff[i]! + q] !== b[bOff[i]! + q]) return false;
  return true;
}

/** The keys of `ids` marked in an array indexed by key (as long as the largest one needs). */
function marked(ids: ReadonlySet<number>): Uint8Array {
  let max = -1;
  for (const k of ids) if (k > max) max = k;
  const out = new Uint8Array(max + 1);
  for (const k of ids) out[k] = 1;
  return out;
}

/** The techniques among `candidates` whose element is the previous one (see the module's comment). */
export function unchangedTechniques(x: UnchangedInput): Set<string> {
  const out = new Set<string>();
  const { oldUses: ou, newUses: nu, at } = x;
  if (x.rowLimit <= 0) return out;
  for (const i of at) {
    if (!sameRange(ou.fieldId, ou.fieldOff, nu.fieldId, nu.fieldOff, i) || !sameRange(ou.fieldFlags, ou.fieldOff, nu.fieldFlags, nu.fieldOff, i)) return out;
    if (!sameRange(ou.fieldOps, ou.fieldOff, nu.fieldOps, nu.fieldOff, i) || !sameRange(ou.written, ou.writtenOff, nu.written, nu.writtenOff, i)) return out;
  }
  // The keys whose counts, reach or display can have changed, per role, by their ids before and after: a key
  // a changed rule used before and not after, or the other way, or with the other case bit, and a key that
  // shows another display form or regex. A key each changed rule uses as it did counts the same rules.
  const roles = [
    { old: ou.ind, oldOff: ou.indOff, now: nu.ind, nowOff: nu.indOff },
    { old: ou.excl, oldOff: ou.exclOff, now: nu.excl, nowOff: nu.exclOff },
  ];
  const keys = roles.map((r) => {
    const before = new Set<number>();
    const after = new Set<number>();
    // Per changed rule, its entries (key now << 1 | case bit) before and after; a gone key is marked apart.
    const gone = new Set<number>();
    for (const i of at) {
      const was = new Set<number>();
      const now = new Set<number>();
      for (let j = r.oldOff[i]!; j < r.oldOff[i + 1]!; j++) {
        const k = r.old[j]! >> 1;
        const id = x.idOf[k]!;
        if (id < 0) gone.add(k);
        else was.add((id << 1) | (r.old[j]! & 1));
      }
      for (let j = r.nowOff[i]!; j < r.nowOff[i + 1]!; j++) now.add(r.now[j]!);
      for (const e of was) if (!now.has(e) || !x.sameLook(e >> 1)) after.add(e >> 1);
      for (const e of now) if (!was.has(e) || !x.sameLook(e >> 1)) after.add(e >> 1);
    }
    for (const k of gone) before.add(k);
    for (const k of after) if (x.oldOf[k]! >= 0) before.add(x.oldOf[k]!);
    return { before, after };
  });

  // The keys to count, marked by id (before: the previous ids; after: the ids now), per role.
  const marks = keys.map((k) => ({ before: marked(k.before), after: marked(k.after) }));
  /** For each marked key, the number of `rules` whose list holds it (the keys they do not use left out). */
  const count = (rules: readonly number[], list: Int32Array, off: Int32Array, want: Uint8Array): Map<number, number> => {
    const counts = new Map<number, number>();
    for (const i of rules) {
      for (let j = off[i]!; j < off[i + 1]!; j++) {
        const k = list[j]! >> 1;
        if (k < want.length && want[k] === 1) counts.set(k, (counts.get(k) ?? 0) + 1);
      }
    }
    return counts;
  };
  for (const t of x.candidates) {
    const rules = x.members.get(t)?.rules;
    const cut = x.cutOf(t);
    if (!rules || x.touchedTechniques.has(t) || !cut || cut.length !== CUT_WIDTH) continue;
    const same = roles.every((r, ri) => {
      const base = ri * SECTION_WIDTH;
      const shown = cut[base] as number;
      const last = { count: cut[base + 1] as number, look: { field: cut[base + 2] as string | null, op: cut[base + 3] as string, display: cut[base + 4] as string } };
      const full = shown === x.rowLimit;
      const before = count(rules, r.old, r.oldOff, marks[ri]!.before);
      const after = count(rules, r.now, r.nowOff, marks[ri]!.after);
      // A key counting rules here would be shown unless the section is full and the key comes after its last row.
      const hidden = (c: number, look: () => KeyLook) => full && (c < last.count || (c === last.count && byLook(look(), last.look) > 0));
      // The same number of distinct keys, and none of the changed ones in the rows shown, before or after.
      if (before.size !== after.size) return false;
      for (const [k, c] of before) if (!hidden(c, () => x.lookBefore(k))) return false;
      for (const [k, c] of after) if (!hidden(c, () => x.lookNow(k))) return false;
      return true;
    });
    if (same) out.add(t);
  }
  return out;
}
