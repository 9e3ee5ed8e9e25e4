/**
 * The interning after a change to a few rules' predicates, made from the
 * previous one instead of by replaying the interning pass over the whole
 * corpus (src/catalog/collect.ts): the same intern tables and uses the pass
 * would give, computed with integer columns for the unchanged rules and
 * strings only for the changed rules' values and the keys they touch.
 *
 * What the pass gives is a function of the predicates in rule order:
 *
 * - a key (field, operator, normalized value) is numbered at its first use,
 *   fields, operators and written names too;
 * - a key's display form, regex and folded value come from its first use
 *   and the written forms of the later ones (`Interner.key`, `chooseDisplays`);
 *   `ci` from every use;
 * - a case-sensitive key joins the case-insensitive key of its folded value
 *   in the same field and operator (`mergeCaseVariants`);
 * - each rule's lists follow its predicates.
 *
 * The snapshot keeps each predicate's own key (`RuleUses.predRawKey`), so
 * every unchanged predicate's key is known; the changed rules' values are
 * looked up among the keys of their field and operator. Keys are numbered
 * again by first use over the whole sequence (a value only the change uses
 * appears or disappears; a key the change used first moves). Only the keys
 * the changed rules use, before or after, can show another display form,
 * regex, `ci` or count; only keys of their fields and operators another
 * merge. A change that adds or removes a field, an operator or a written
 * name, or moves one's first use, is left to the pass (null is returned
 * with the reason).
 */
import { FIELD_EXCLUSION, FIELD_INDICATOR, F_ANCHORED, F_CI, F_CS, ROLE_BITS, ROLE_EXCLUSION, ROLE_INDICATOR, ROLE_NEGATED, type KeyState, type RuleUses, type StoredInterning } from '../catalog/collect.js';
import { fieldKey } from '../catalog/keys.js';
import type { PredicateIds } from './snapshot.js';

/** The patched interning, and the keys (new ids) the changed rules used before the change, where they still exist. */
export interface PatchedInterning {
  stored: StoredInterning;
  oldKeys: number[];
  /** Each previous key's id now (-1: no longer used), and the keys whose display form, regex, `ci` or counts were found again. */
  idOf: Int32Array;
  affected: Uint8Array;
}

/** The strings the predicate columns index: an array, or a snapshot's table decoded as asked for (`LazyStrings`). */
export interface StringsAt {
  at(i: number): string | undefined;
  /** The lengths of the first strings (as many as it holds), known without decoding them: a table can tell. */
  readonly lengths?: Int32Array;
}

/** A set of string lengths as a table indexed by length (a length past its end is not in it). */
function lengthSet(lengths: ReadonlySet<number>): Uint8Array {
  let max = 0;
  for (const l of lengths) if (l > max) max = l;
  const want = new Uint8Array(max + 1);
  for (const l of lengths) want[l] = 1;
  return want;
}

/** A key's bucket: its field and operator (at most 31 operators). */
const bucket = (fid: number, opId: number) => fid * 32 + opId;

// The passes over every predicate or key are small functions of their own: each runs once per
// rebuild, and V8 optimizes a hot loop on the stack (OSR) by compiling the function around it, which
// is quick for a small function and too slow to help for a large one (docs/performance.md, "Cold code").

/** The changed rules' predicates resolved against the previous interning. */
interface Resolved {
  /** Per predicate of a changed rule (in `next` order), its key: a previous one, or nOld + i for the i-th new one. */
  keys: Map<number, Int32Array>;
  added: { fid: number; opId: number }[];
  fields: Map<number, { fid: number[]; flags: number[]; ops: number[] }>;
  written: Map<number, number[]>;
}

/**
 * Each changed rule's predicates: its field, operator and written name among
 * the previous ones (a string when one is new), its key among the previous
 * keys of its field and operator (found by normalized value), and the rule's
 * field and written-name lists.
 */
function resolveChanged(old: StoredInterning, prev: PredicateIds, next: PredicateIds, strings: StringsAt, at: readonly number[], vendors: readonly string[]): Resolved | string {
  const fieldIdx = new Map<string, number>();
  for (let f = 0; f < old.fields.length; f++) fieldIdx.set(fieldKey(old.fields[f]!), f);
  const opIdx = new Map<string, number>();
  for (let o = 0; o < old.ops.length; o++) opIdx.set(old.ops[o]!, o);
  const writtenIdx = new Map<string, number>();
  for (let w = 0; w < old.writtenName.length; w++) writtenIdx.set(`${old.writtenField[w]}\u0000${old.writtenVendor[w]}\u0000${old.writtenName[w]}`, w);
  const out: Resolved = { keys: new Map(), added: [], fields: new Map(), written: new Map() };
  // First each predicate's field and operator, and the values wanted in each bucket.
  const fidOf: number[][] = [];
  const opOf: number[][] = [];
  const wanted = new Map<number, Map<string, number>>();
  for (const i of at) {
    const fids: number[] = [];
    const ops: number[] = [];
    for (let j = next.off[i]!; j < next.off[i + 1]!; j++) {
      const f = next.field[j]!;
      const fid = fieldIdx.get(fieldKey(f < 0 ? null : strings.at(f)!));
      const opId = opIdx.get(strings.at(next.op[j]!)!);
      if (fid === undefined || opId === undefined) return 'a changed rule uses a new field or operator';
      fids.push(fid);
      ops.push(opId);
      const b = bucket(fid, opId);
      let w = wanted.get(b);
      if (!w) wanted.set(b, (w = new Map()));
      w.set(strings.at(next.norm[j]!)!, -1);
    }
    fidOf.push(fids);
    opOf.push(ops);
  }
  findKeys(old, prev, strings, wanted);
  const addedIdx = new Map<string, number>();
  const nOld = old.keyFid.length;
  for (let q = 0; q < at.length; q++) {
    const i = at[q]!;
    const from = next.off[i]!;
    const keys = new Int32Array(next.off[i + 1]! - from);
    const fl = { fid: [] as number[], flags: [] as number[], ops: [] as number[] };
    const wl: number[] = [];
    for (let j = from; j < next.off[i + 1]!; j++) {
      const fid = fidOf[q]![j - from]!;
      const opId = opOf[q]![j - from]!;
      const norm = strings.at(next.norm[j]!)!;
      let k = wanted.get(bucket(fid, opId))!.get(norm)!;
      if (k < 0) {
        const name = `${bucket(fid, opId)}\u0000${norm}`;
        let a = addedIdx.get(name);
        if (a === undefined) {
          addedIdx.set(name, (a = nOld + out.added.length));
          out.added.push({ fid, opId });
        }
        k = a;
      }
      keys[j - from] = k;
      let p = fl.fid.indexOf(fid);
      if (p < 0) {
        p = fl.fid.push(fid) - 1;
        fl.flags.push(0);
        fl.ops.push(0);
      }
      const role = next.flags[j]! & ROLE_BITS;
      fl.flags[p]! |= role === ROLE_INDICATOR ? FIELD_INDICATOR : role === ROLE_EXCLUSION ? FIELD_EXCLUSION : 0;
      fl.ops[p]! |= 1 << opId;
      const w = next.written[j]!;
      if (w >= 0) {
        const wid = writtenIdx.get(`${fid}\u0000${vendors[i]}\u0000${strings.at(w)}`);
        if (wid === undefined) return 'a changed rule writes a field name anew';
        if (!wl.includes(wid)) wl.push(wid);
      }
    }
    out.keys.set(i, keys);
    out.fields.set(i, fl);
    out.written.set(i, wl);
  }
  return out;
}

/** Fill `wanted` (bucket -> normalized value -> -1) with the previous keys of those values. */
function findKeys(old: StoredInterning, prev: PredicateIds, strings: StringsAt, wanted: Map<number, Map<string, number>>): void {
  const { keyFid, keyOp } = old;
  const first = old.keyState.first;
  const byField = new Uint8Array(old.fields.length);
  const lengths = new Set<number>();
  for (const [b, m] of wanted) {
    byField[Math.floor(b / 32)] = 1;
    for (const v of m.keys()) lengths.add(v.length);
  }
  const want = lengthSet(lengths);
  const lens = strings.lengths;
  for (let k = 0; k < keyFid.length; k++) {
    if (!byField[keyFid[k]!]) continue;
    const m = wanted.get(bucket(keyFid[k]!, keyOp[k]!));
    if (!m) continue;
    const id = prev.norm[first[k]!]!;
    // Most keys of a field are not the values wanted: their lengths tell, without decoding them.
    if (lens !== undefined && id < lens.length && !want[lens[id]!]) continue;
    const norm = strings.at(id)!;
    if (lengths.has(norm.length) && m.get(norm) === -1) m.set(norm, k);
  }
}

/** Every predicate's own key in `next`: the previous one for an unchanged rule, the resolved one for a changed rule. */
function rawKeys(oldRaw: Int32Array, oldOff: ArrayLike<number>, off: ArrayLike<number>, changed: Map<number, Int32Array>): Int32Array | null {
  const n = off.length - 1;
  const raw = new Int32Array(off[n]!);
  for (let i = 0; i < n; i++) {
    const c = changed.get(i);
    if (c) raw.set(c, off[i]!);
    else if (off[i + 1]! - off[i]! !== oldOff[i + 1]! - oldOff[i]!) return null;
    else raw.set(oldRaw.subarray(oldOff[i]!, oldOff[i + 1]!), off[i]!);
  }
  return raw;
}

/**
 * Number the keys by first use over `raw` (in place), and check that fields
 * and operators keep their first-use order (`fidOf` / `opOf`: per key of
 * `raw`). Returns each previous key's new id (-1: gone) and each new key's
 * first use, or null when a field or operator moved.
 */
function renumber(raw: Int32Array, nAll: number, nOld: number, fidOf: Int32Array, opOf: Int32Array, nFields: number, nOps: number): { idOf: Int32Array; first: Int32Array; sameIds: boolean } | null {
  const idOf = new Int32Array(nAll).fill(-1);
  const first = new Int32Array(nAll);
  const fSeen = new Uint8Array(nFields);
  const oSeen = new Uint8Array(nOps);
  let nKeys = 0;
  let nextF = 0;
  let nextO = 0;
  let sameIds = true;
  for (let j = 0; j < raw.length; j++) {
    const k = raw[j]!;
    let id = idOf[k]!;
    if (id < 0) {
      id = idOf[k] = nKeys++;
      if (k < nOld && id !== k) sameIds = false;
      first[id] = j;
      const f = fidOf[k]!;
      const o = opOf[k]!;
      if (!fSeen[f]) {
        if (f !== nextF++) return null;
        fSeen[f] = 1;
      }
      if (!oSeen[o]) {
        if (o !== nextO++) return null;
        oSeen[o] = 1;
      }
    }
    raw[j] = id;
  }
  if (nextF !== nFields || nextO !== nOps) return null;
  return { idOf, first: first.slice(0, nKeys), sameIds };
}

/** Whether the rules' written names (their lists in rule order, a changed rule's from `changed`) keep their first-use order, each still used. */
function writtenInOrder(uses: RuleUses, changed: Map<number, number[]>, nWritten: number): boolean {
  const seen = new Uint8Array(nWritten);
  let next = 0;
  const n = uses.writtenOff.length - 1;
  for (let i = 0; i < n; i++) {
    const c = changed.get(i);
    const from = c ? 0 : uses.writtenOff[i]!;
    const to = c ? c.length : uses.writtenOff[i + 1]!;
    for (let q = from; q < to; q++) {
      const w = c ? c[q]! : uses.written[q]!;
      if (seen[w]) continue;
      if (w !== next++) return false;
      seen[w] = 1;
    }
  }
  return next === nWritten;
}

/** Whether two integer columns hold the same values (compared as bytes). */
function sameInts(a: Int32Array, b: Int32Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/**
 * `keyColumns` when every previous key kept its id (`renumber`'s `sameIds`):
 * the previous columns copied, and the keys the change touched (`affectedRaw`,
 * listed from the changed rules' predicates before and after) set as
 * `keyColumns` sets them. A new key takes the id of a previous one no longer
 * used (or the next one).
 */
function keyColumnsKept(idOf: Int32Array, first: Int32Array, nOld: number, fidOf: Int32Array, opOf: Int32Array, affectedRaw: Uint8Array, r: Resolved, at: readonly number[], oldOff: ArrayLike<number>, old: StoredInterning, next: PredicateIds): KeyColumnsOut {
  const nKeys = first.length;
  const keep = Math.min(nKeys, nOld);
  const cols = emptyKeyColumns(nKeys, old.fields.length);
  const { oldOf, keyFid, keyOp, affected, ci, keyAnchored, touched, touchedField } = cols;
  keyFid.set(old.keyFid.subarray(0, keep));
  keyOp.set(old.keyOp.subarray(0, keep));
  ci.set(old.keyState.ci.subarray(0, keep));
  keyAnchored.set(old.keyAnchored.subarray(0, keep));
  for (let k = 0; k < keep; k++) oldOf[k] = k;
  // A previous key no longer used: its id is free (a new key may take it below).
  const raws: number[] = [];
  for (const keys of r.keys.values()) for (let q = 0; q < keys.length; q++) raws.push(keys[q]!);
  for (const i of at) for (let j = oldOff[i]!; j < oldOff[i + 1]!; j++) raws.push(old.uses.predRawKey[j]!);
  for (const k of raws) if (k < nOld && idOf[k]! < 0 && k < nKeys) oldOf[k] = -1;
  for (const k of raws) {
    if (!affectedRaw[k]) continue;
    touched.add(bucket(fidOf[k]!, opOf[k]!));
    touchedField[fidOf[k]!] = 1;
    const id = idOf[k]!;
    if (id < 0 || affected[id]) continue;
    keyFid[id] = fidOf[k]!;
    keyOp[id] = opOf[k]!;
    oldOf[id] = k < nOld ? k : -1;
    affected[id] = 1;
    ci[id] = 0;
    const j = first[id]!;
    keyAnchored[id] = next.regexFlags[j]! >= 0 && next.flags[j]! & F_ANCHORED ? 1 : 0;
  }
  return cols;
}

/** What `keyColumns` makes per key (new ids), and the buckets and fields of the keys the change touched. */
type KeyColumnsOut = ReturnType<typeof emptyKeyColumns>;

/** `keyColumns`' columns for `nKeys` keys, empty (no previous key), and no bucket or field of `nFields` touched. */
function emptyKeyColumns(nKeys: number, nFields: number) {
  return {
    oldOf: new Int32Array(nKeys).fill(-1),
    keyFid: new Int32Array(nKeys),
    keyOp: new Int32Array(nKeys),
    affected: new Uint8Array(nKeys),
    ci: new Uint8Array(nKeys),
    keyAnchored: new Uint8Array(nKeys),
    touched: new Set<number>(),
    touchedField: new Uint8Array(nFields),
  };
}

/**
 * Per key (new ids, from `idOf`): its previous key, field, operator, whether
 * the change touched it (`affectedRaw`, by previous ids), and what an
 * untouched key keeps (`ci`, anchored regex; a touched key's anchoring from
 * its first use, its `ci` found again later); and the buckets and fields of
 * the touched keys, before and after.
 */
function keyColumns(idOf: Int32Array, first: Int32Array, nOld: number, fidOf: Int32Array, opOf: Int32Array, affectedRaw: Uint8Array, old: StoredInterning, next: PredicateIds): KeyColumnsOut {
  const cols = emptyKeyColumns(first.length, old.fields.length);
  const { oldOf, keyFid, keyOp, affected, ci, keyAnchored, touched, touchedField } = cols;
  const oldCi = old.keyState.ci;
  const oldAnchored = old.keyAnchored;
  for (let k = 0; k < idOf.length; k++) {
    const id = idOf[k]!;
    const a = affectedRaw[k]!;
    if (a) {
      touched.add(bucket(fidOf[k]!, opOf[k]!));
      touchedField[fidOf[k]!] = 1;
    }
    if (id < 0) continue;
    keyFid[id] = fidOf[k]!;
    keyOp[id] = opOf[k]!;
    if (k < nOld) oldOf[id] = k;
    if (a) {
      affected[id] = 1;
      const j = first[id]!;
      keyAnchored[id] = next.regexFlags[j]! >= 0 && next.flags[j]! & F_ANCHORED ? 1 : 0;
    } else {
      ci[id] = oldCi[k]!;
      keyAnchored[id] = oldAnchored[k]!;
    }
  }
  return cols;
}

/**
 * The state of the keys marked `affected`, from their uses in order, as the
 * interning pass makes it: `ci` from every use; the display form as
 * `Interner.key` counts the written forms (the first form's count starts
 * when a second one shows up, at the rules counted so far plus one) and
 * `chooseDisplays` picks it.
 */
function affectedState(raw: Int32Array, off: ArrayLike<number>, flags: Int32Array, display: Int32Array, strings: StringsAt, affected: Uint8Array, first: Int32Array, ci: Uint8Array): Map<number, string> {
  const nKeys = affected.length;
  const shown = new Map<number, string>();
  const forms = new Map<number, Map<string, number>>();
  const nInd = new Int32Array(nKeys);
  const nExcl = new Int32Array(nKeys);
  const lastInd = new Int32Array(nKeys).fill(-1);
  const lastExcl = new Int32Array(nKeys).fill(-1);
  const n = off.length - 1;
  for (let i = 0; i < n; i++) {
    for (let j = off[i]!; j < off[i + 1]!; j++) {
      const k = raw[j]!;
      if (!affected[k]) continue;
      const f = flags[j]!;
      if (f & F_CI) ci[k] = 1;
      const d = strings.at(display[j]!)!;
      if (j === first[k]) shown.set(k, d);
      else {
        const m = forms.get(k);
        if (m) m.set(d, (m.get(d) ?? 0) + 1);
        else if (shown.get(k) !== d) forms.set(k, new Map([[shown.get(k)!, nInd[k]! + nExcl[k]! + 1], [d, 1]]));
      }
      const role = f & ROLE_BITS;
      if (role === ROLE_INDICATOR && lastInd[k] !== i) {
        lastInd[k] = i;
        nInd[k]++;
      } else if (role === ROLE_EXCLUSION && lastExcl[k] !== i) {
        lastExcl[k] = i;
        nExcl[k]++;
      }
    }
  }
  for (const [k, m] of forms) {
    let best = -1;
    m.forEach((c, d) => {
      if (c > best) {
        best = c;
        shown.set(k, d);
      }
    });
  }
  return shown;
}

/**
 * Each key's alias (`mergeCaseVariants`): found again for the keys of the
 * buckets marked in `touched` (a case-sensitive key joins the
 * case-insensitive key of its folded value), the previous one elsewhere.
 */
function aliases(keyFid: Int32Array, keyOp: Int32Array, oldOf: Int32Array, idOf: Int32Array, oldAlias: Int32Array, touched: Set<number>, touchedField: Uint8Array, ci: Uint8Array, first: Int32Array, next: PredicateIds, strings: StringsAt, sameIds = false): Int32Array {
  const nKeys = keyFid.length;
  const alias = new Int32Array(nKeys);
  const inBucket = new Map<number, number[]>();
  const inTouched = (k: number) => {
    // The bucket inline (`bucket`): a call per key in code run once, with inlining off.
    const b = touchedField[keyFid[k]!] ? keyFid[k]! * 32 + keyOp[k]! : -1;
    if (b < 0 || !touched.has(b)) return false;
    let l = inBucket.get(b);
    if (!l) inBucket.set(b, (l = []));
    l.push(k);
    alias[k] = k;
    return true;
  };
  if (sameIds) {
    // Every previous key kept its id: outside the touched buckets, each key's alias is the previous one (a key
    // and its alias share a bucket; a new key's bucket is touched), copied; the touched buckets' keys found again.
    alias.set(oldAlias.subarray(0, Math.min(nKeys, oldAlias.length)));
    for (let k = 0; k < nKeys; k++) if (touchedField[keyFid[k]!]) inTouched(k);
  } else {
    for (let k = 0; k < nKeys; k++) {
      if (inTouched(k)) continue;
      alias[k] = oldOf[k]! >= 0 ? idOf[oldAlias[oldOf[k]!]!]! : k;
    }
  }
  // Indexed loops: the touched buckets hold thousands of keys (16,500 after the bench's edit), in code run
  // once, where `for…of` costs several times more (docs/performance.md, "Cold code").
  const foldedNorm = next.foldedNorm;
  for (const keys of inBucket.values()) {
    // The case-sensitive keys with a folded value, by that value; then the case-insensitive keys of such a value.
    const folds = new Map<string, number[]>();
    const lengths = new Set<number>();
    for (let q = 0; q < keys.length; q++) {
      const k = keys[q]!;
      if (ci[k]) continue;
      const fo = foldedNorm[first[k]!]!;
      if (fo < 0) continue;
      const v = strings.at(fo)!;
      const l = folds.get(v);
      if (l) l.push(k);
      else folds.set(v, [k]);
      lengths.add(v.length);
    }
    if (!folds.size) continue;
    const want = lengthSet(lengths);
    const lens = strings.lengths;
    const norms = next.norm;
    for (let q = 0; q < keys.length; q++) {
      const t = keys[q]!;
      if (!ci[t]) continue;
      const id = norms[first[t]!]!;
      if (lens !== undefined && id < lens.length && !want[lens[id]!]) continue;
      const norm = strings.at(id)!;
      if (!lengths.has(norm.length)) continue;
      for (const k of folds.get(norm) ?? []) if (k !== t) alias[k] = t;
    }
  }
  return alias;
}

/**
 * Per-rule lists (columns sharing the offsets `off`) with the lists of some
 * rules replaced (`changed(i)`: rule i's new columns, or undefined to keep
 * its old ones): the runs of kept rules are copied as blocks, not value by
 * value (the field and written-name lists keep their ids in a patch).
 */
function spliceLists(off: Int32Array, cols: readonly Int32Array[], n: number, changed: (i: number) => readonly ArrayLike<number>[] | undefined): { off: Int32Array; cols: Int32Array[] } {
  const repl = new Map<number, readonly ArrayLike<number>[]>();
  let total = off[n]!;
  for (let i = 0; i < n; i++) {
    const c = changed(i);
    if (!c) continue;
    repl.set(i, c);
    total += c[0]!.length - (off[i + 1]! - off[i]!);
  }
  const out = cols.map(() => new Int32Array(total));
  const outOff = new Int32Array(n + 1);
  let at = 0;
  let runFrom = 0; // first rule of the current run of kept rules
  const flush = (to: number) => {
    // Kept rules runFrom..to-1: their lists are a block of the old columns, shifted by a constant.
    const a = off[runFrom]!;
    const b = off[to]!;
    for (let k = 0; k < cols.length; k++) out[k]!.set(cols[k]!.subarray(a, b), at);
    const shift = at - a;
    for (let i = runFrom; i < to; i++) outOff[i + 1] = off[i + 1]! + shift;
    at += b - a;
  };
  for (const i of [...repl.keys()].sort((x, y) => x - y)) {
    flush(i);
    const c = repl.get(i)!;
    for (let k = 0; k < cols.length; k++) out[k]!.set(c[k]!, at);
    at += c[0]!.length;
    outOff[i + 1] = at;
    runFrom = i + 1;
  }
  flush(n);
  return { off: outOff, cols: out };
}

/** The field and written-name lists of every rule: the previous ones, but the changed rules' (their ids are kept by a patch). */
function fieldAndWrittenLists(ou: RuleUses, r: Resolved, n: number): Pick<RuleUses, 'fieldId' | 'fieldFlags' | 'fieldOps' | 'fieldOff' | 'written' | 'writtenOff'> {
  const fields = spliceLists(ou.fieldOff, [ou.fieldId, ou.fieldFlags, ou.fieldOps], n, (i) => {
    const fl = r.fields.get(i);
    return fl && [fl.fid, fl.flags, fl.ops];
  });
  const written = spliceLists(ou.writtenOff, [ou.written], n, (i) => {
    const w = r.written.get(i);
    return w && [w];
  });
  const [fieldId, fieldFlags, fieldOps] = fields.cols as [Int32Array, Int32Array, Int32Array];
  return { fieldId, fieldFlags, fieldOps, fieldOff: fields.off, written: written.cols[0]!, writtenOff: written.off };
}

/** Each rule's lists (`RuleUses`) from its predicates' keys, aliases and flags; field and written lists copied from `old` but for the changed rules'. */
function ruleLists(raw: Int32Array, off: ArrayLike<number>, flags: Int32Array, alias: Int32Array, ou: RuleUses, r: Resolved): RuleUses {
  const n = off.length - 1;
  const nKeys = alias.length;
  // Written in place, not pushed: a rule lists each predicate at most once, and with the batch tuning's
  // inlining off (src/core/v8-tuning.ts) a push is a call per predicate even in optimized code.
  const ind = new Int32Array(raw.length);
  const excl = new Int32Array(raw.length);
  let nInd = 0;
  let nExcl = 0;
  const indOff = new Int32Array(n + 1);
  const exclOff = new Int32Array(n + 1);
  const indPos = new Int32Array(nKeys).fill(-1);
  const exclPos = new Int32Array(nKeys).fill(-1);
  const predKey = new Int32Array(raw.length);
  const predOwnKey = new Int32Array(raw.length);
  for (let i = 0; i < n; i++) {
    const is = nInd;
    const es = nExcl;
    for (let j = off[i]!; j < off[i + 1]!; j++) {
      const k = raw[j]!;
      const a = alias[k]!;
      const f = flags[j]!;
      const role = f & ROLE_BITS;
      const cs = f & F_CS ? 1 : 0;
      if (role === ROLE_INDICATOR) {
        const p = indPos[a]!;
        if (p >= is) ind[p]! |= cs;
        else {
          indPos[a] = nInd;
          ind[nInd++] = a * 2 + cs;
        }
      } else if (role === ROLE_EXCLUSION) {
        const p = exclPos[a]!;
        if (p >= es) excl[p]! |= cs;
        else {
          exclPos[a] = nExcl;
          excl[nExcl++] = a * 2 + cs;
        }
      }
      predKey[j] = role === ROLE_NEGATED ? -1 : a;
      predOwnKey[j] = role === ROLE_NEGATED ? -1 : k;
    }
    indOff[i + 1] = nInd;
    exclOff[i + 1] = nExcl;
  }
  return {
    ind: ind.subarray(0, nInd),
    indOff,
    excl: excl.subarray(0, nExcl),
    exclOff,
    ...fieldAndWrittenLists(ou, r, n),
    predKey,
    predOwnKey,
    predFlags: flags,
    predRawKey: raw,
  };
}

/**
 * `ruleLists` when every key kept its id and its alias: a rule not changed
 * has its previous indicator, exclusion and predicate-key lists, copied as
 * blocks; the changed rules' are made from their predicates.
 */
function ruleListsSpliced(raw: Int32Array, off: ArrayLike<number>, oldOff: ArrayLike<number>, flags: Int32Array, alias: Int32Array, ou: RuleUses, r: Resolved, at: readonly number[]): RuleUses {
  const n = off.length - 1;
  const made = new Map<number, { ind: number[]; excl: number[]; predKey: number[]; predOwnKey: number[] }>();
  // A changed rule's lists as `ruleLists` makes each rule's (that pass is one loop over every predicate, with
  // the per-rule steps written inline: run once, before V8 optimizes it, a call per predicate would cost).
  for (const i of at) {
    const ind: number[] = [];
    const excl: number[] = [];
    const predKey: number[] = [];
    const predOwnKey: number[] = [];
    for (let j = off[i]!; j < off[i + 1]!; j++) {
      const k = raw[j]!;
      const a = alias[k]!;
      const f = flags[j]!;
      const role = f & ROLE_BITS;
      const cs = f & F_CS ? 1 : 0;
      const list = role === ROLE_INDICATOR ? ind : role === ROLE_EXCLUSION ? excl : null;
      if (list) {
        const p = list.findIndex((e) => e >> 1 === a);
        if (p >= 0) list[p]! |= cs;
        else list.push(a * 2 + cs);
      }
      predKey.push(role === ROLE_NEGATED ? -1 : a);
      predOwnKey.push(role === ROLE_NEGATED ? -1 : k);
    }
    made.set(i, { ind, excl, predKey, predOwnKey });
  }
  const ind = spliceLists(ou.indOff, [ou.ind], n, (i) => made.get(i) && [made.get(i)!.ind]);
  const excl = spliceLists(ou.exclOff, [ou.excl], n, (i) => made.get(i) && [made.get(i)!.excl]);
  const preds = spliceLists(oldOff instanceof Int32Array ? oldOff : Int32Array.from(oldOff), [ou.predKey, ou.predOwnKey], n, (i) => made.get(i) && [made.get(i)!.predKey, made.get(i)!.predOwnKey]);
  const [predKey, predOwnKey] = preds.cols as [Int32Array, Int32Array];
  return {
    ind: ind.cols[0]!,
    indOff: ind.off,
    excl: excl.cols[0]!,
    exclOff: excl.off,
    ...fieldAndWrittenLists(ou, r, n),
    predKey,
    predOwnKey,
    predFlags: flags,
    predRawKey: raw,
  };
}

/**
 * The interning of the predicates `next` (the previous ones, `prev`, with the
 * rules `at` changed), from the previous interning `old` of `prev`
 * (`oldOff`: its rules' predicate offsets). `strings`: the table both
 * columns index. A string (why) when the change is left to the full pass.
 */
export function patchInterning(old: StoredInterning, oldOff: ArrayLike<number>, prev: PredicateIds, next: PredicateIds, strings: StringsAt, at: readonly number[], vendors: readonly string[]): PatchedInterning | string {
  const n = vendors.length;
  const ou = old.uses;
  const nOld = old.keyFid.length;
  const off = next.off;
  if (oldOff.length !== n + 1 || off.length !== n + 1 || ou.predRawKey.length !== prev.flags.length || old.keyState.first.length !== nOld) return 'the snapshot files do not match';
  const r = resolveChanged(old, prev, next, strings, at, vendors);
  if (typeof r === 'string') return r;
  const raw = rawKeys(ou.predRawKey, oldOff, off, r.keys);
  if (!raw) return 'the snapshot files do not match';

  // ---- Keys numbered by first use; fields, operators and written names must keep theirs.
  const nAll = nOld + r.added.length;
  const fidOf = new Int32Array(nAll);
  const opOf = new Int32Array(nAll);
  fidOf.set(old.keyFid);
  opOf.set(old.keyOp);
  r.added.forEach((a, q) => {
    fidOf[nOld + q] = a.fid;
    opOf[nOld + q] = a.opId;
  });
  // The keys the changed rules use, before and after (by their ids before numbering).
  const affectedRaw = new Uint8Array(nAll);
  for (const keys of r.keys.values()) for (let q = 0; q < keys.length; q++) affectedRaw[keys[q]!] = 1;
  for (const i of at) for (let j = oldOff[i]!; j < oldOff[i + 1]!; j++) affectedRaw[ou.predRawKey[j]!] = 1;
  const num = renumber(raw, nAll, nOld, fidOf, opOf, old.fields.length, old.ops.length);
  if (!num) return 'a field or operator is used first elsewhere, or no longer';
  if (!writtenInOrder(ou, r.written, old.writtenName.length)) return 'a written field name is used first elsewhere, or no longer';
  const { idOf, first } = num;
  // Every previous key kept its id (a value only the changed rules used, replaced by one only they use, takes
  // its id): the columns are the previous ones, copied, but for the keys the change touched.
  const sameIds = num.sameIds;
  const cols = sameIds ? keyColumnsKept(idOf, first, nOld, fidOf, opOf, affectedRaw, r, at, oldOff, old, next) : keyColumns(idOf, first, nOld, fidOf, opOf, affectedRaw, old, next);
  const { oldOf, keyFid, keyOp, affected, ci } = cols;
  const oldKeys: number[] = [];
  for (const i of at) {
    for (let j = oldOff[i]!; j < oldOff[i + 1]!; j++) {
      const id = idOf[ou.predRawKey[j]!]!;
      if (id >= 0 && !oldKeys.includes(id)) oldKeys.push(id);
    }
  }

  // ---- Key state: the previous one, but for the keys the change touched.
  const shown = affectedState(raw, off, next.flags, next.display, strings, affected, first, ci);
  const alias = aliases(keyFid, keyOp, oldOf, idOf, old.keyState.alias, cols.touched, cols.touchedField, ci, first, next, strings, sameIds);
  // With the ids kept and every key's alias the previous one, a rule not changed has its previous lists.
  const uses = sameIds && sameInts(alias, old.keyState.alias) ? ruleListsSpliced(raw, off, oldOff, next.flags, alias, ou, r, at) : ruleLists(raw, off, next.flags, alias, ou, r);
  const keyState: KeyState = { first, ci, alias };
  const { keyAnchored } = cols;
  return {
    stored: {
      fields: old.fields,
      ops: old.ops,
      keyFid,
      keyOp,
      keyDisplay: (k) => (affected[k] ? shown.get(k)! : old.keyDisplay(oldOf[k]!)),
      keyDisplayLength: (k) => (affected[k] ? shown.get(k)!.length : old.keyDisplayLength(oldOf[k]!)),
      keyRegexFlags: (k) => {
        if (!affected[k]) return old.keyRegexFlags(oldOf[k]!);
        const rf = next.regexFlags[first[k]!]!;
        return rf < 0 ? undefined : strings.at(rf);
      },
      keyAnchored,
      keyState,
      from: { base: old, oldOf, changed: affected },
      writtenField: old.writtenField,
      writtenVendor: old.writtenVendor,
      writtenName: old.writtenName,
      uses,
    },
    oldKeys,
    idOf,
    affected,
  };
}
