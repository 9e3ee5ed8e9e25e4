/**
 * The first pass of `buildCatalog`: every predicate of every rule once.
 * `streamRules` classifies each rule's predicates and takes their value
 * identities; a `Collector` interns them. A build that records no snapshot
 * feeds the collector straight from `streamRules`; the incremental build
 * keeps the identities (`PredicateStreams`: plain strings and flags, kept as
 * columns of string ids in its snapshot) and replays them through the same
 * collector (`collectPredicates` with a `PredicateReader`). Fields, (field,
 * op, value) combinations ("keys") and written field names are interned to
 * small integers, and what each rule uses is recorded in flat integer arrays
 * with one offset table per list (rule `r` owns entries `off[r]` to
 * `off[r + 1] - 1`). The aggregation then counts with typed arrays indexed by
 * these ids instead of Maps keyed by strings. On the real corpora that is
 * ≈ 100,000 predicates, 57,000 keys and 1,300 fields.
 */
import type { Predicate, PredicateOp, Rule } from '../ast/schema.js';
import { classifyInto, newClassified } from './classify.js';
import { fieldKey, identityInto, newIdentityScratch, type IdentityScratch } from './keys.js';
import type { CatalogPredicate, PredicateRole } from './schema.js';

/** One interned (field, op, value) combination. */
export interface KeyInfo {
  fid: number;
  opId: number;
  field: string | null;
  op: PredicateOp;
  regex?: { flags: string; anchored: boolean };
  /** Written forms and their uses, only once a second form shows up. */
  displays?: Map<string, number>;
  display: string;
  /**
   * Rule indexes using it as indicator / as exclusion (each rule once, ascending),
   * as arrays of exactly their size (the field pages keep them), filled only
   * when a page needs them (`fillRuleLists`; empty until then). `nInd` /
   * `nExcl` count them: read the counts, not the lists' lengths.
   */
  indRules: number[];
  exclRules: number[];
  nInd: number;
  nExcl: number;
  /** Some use compares case-insensitively (so the key is a case-folded value). */
  ci: boolean;
  /** Case-sensitive value: its folded form (same field and op), when it differs. */
  foldedNorm?: string;
}

/** Bits of `RuleUses.fieldFlags`. */
export const FIELD_INDICATOR = 1;
export const FIELD_EXCLUSION = 2;

/**
 * What the rules use, as flat per-rule lists (see the module comment).
 * A key use is packed as `key * 2 + caseSensitive`: one integer per use.
 * Typed arrays live outside the JS heap: the young-generation GC, which
 * copies every surviving object, neither scans nor copies them.
 */
export interface RuleUses {
  /** Distinct keys used as indicator / in an exclusion, in first-use order. */
  ind: Int32Array;
  indOff: Int32Array;
  excl: Int32Array;
  exclOff: Int32Array;
  /** Distinct fields in first-use order (any role), with role bits and a bit set of operator ids. */
  fieldId: Int32Array;
  fieldFlags: Int32Array;
  fieldOps: Int32Array;
  fieldOff: Int32Array;
  /** Distinct written names (`Interned.written*`). */
  written: Int32Array;
  writtenOff: Int32Array;
  /** Per predicate of every rule, in catalog order: its key, or -1 for a negated predicate. */
  predKey: Int32Array;
  /**
   * The same before case variants were merged: the key of the predicate's own
   * value (the same array as `predKey` when no key was merged into another).
   */
  predOwnKey: Int32Array;
  /** Per predicate, its `PredicateStreams.flags` (role and case bits). */
  predFlags: Int32Array;
  /**
   * Per predicate, the key of its own value whatever its role (a negated
   * predicate's too): what the incremental build patches the interning from
   * (src/incremental/patch-interning.ts).
   */
  predRawKey: Int32Array;
}

/** A growable list of 32-bit integers (a typed array, doubled when full). */
export class IntList {
  data = new Int32Array(256);
  length = 0;

  push(v: number): void {
    if (this.length === this.data.length) {
      const d = new Int32Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = v;
  }

  /** The filled part (a view, no copy). */
  view(): Int32Array {
    return this.data.subarray(0, this.length);
  }
}

/** The intern tables. */
export interface Interned {
  /** Field id -> name (null: any field). Ids follow first use over the rules. */
  fields: (string | null)[];
  /** Operator id -> operator (at most 31: operator sets are bit masks). */
  ops: PredicateOp[];
  keys: KeyInfo[];
  /** (field id, operator id) -> normalized value -> key id. */
  keyMaps: (Map<string, number> | undefined)[][];
  /** Written-name id -> field id, vendor, name as written. */
  writtenField: number[];
  writtenVendor: string[];
  writtenName: string[];
}

/**
 * Every key's field, operator and rule counts, as columns: what the passes
 * over every key read (ranking, the field pages' value lists, each
 * predicate's reach), without a `KeyInfo` per key.
 */
export interface KeyColumns {
  fid: Int32Array;
  opId: Int32Array;
  nInd: Int32Array;
  nExcl: Int32Array;
}

/**
 * What the interning pass knows of every key besides what the aggregation
 * reads: where it was first used (a predicate index), whether some use
 * compares case-insensitively, and the key it is counted as (itself, or the
 * case-insensitive key of its folded value: `mergeCaseVariants`). The
 * incremental build keeps it, to patch the interning after a change
 * (src/incremental/patch-interning.ts).
 */
export interface KeyState {
  first: Int32Array;
  ci: Uint8Array;
  alias: Int32Array;
}

/** The intern tables and what each rule uses: what the aggregation counts with. */
export interface Interning extends Interned {
  uses: RuleUses;
  keyCols: KeyColumns;
  keyState: KeyState;
  /**
   * Key `k`. Read keys through this, not `keys`: a restored interning
   * (`restoreInterning`) makes a key's `KeyInfo` the first time it is asked
   * for, and its `keys` holds only those made so far.
   */
  key(k: number): KeyInfo;
  /** The length of key `k`'s display form, without making the key (a restored interning reads it from its table). */
  displayLength(k: number): number;
}

/** An interning whose `keys` are all made (by collecting), with its key columns. */
function withKeyColumns(c: Interned & { uses: RuleUses; keyState: KeyState }): Interning {
  const { keys } = c;
  const n = keys.length;
  const keyCols: KeyColumns = { fid: new Int32Array(n), opId: new Int32Array(n), nInd: new Int32Array(n), nExcl: new Int32Array(n) };
  for (let k = 0; k < n; k++) {
    const ki = keys[k]!;
    keyCols.fid[k] = ki.fid;
    keyCols.opId[k] = ki.opId;
    keyCols.nInd[k] = ki.nInd;
    keyCols.nExcl[k] = ki.nExcl;
  }
  return { ...c, keyCols, key: (k: number) => keys[k]!, displayLength: (k: number) => keys[k]!.display.length };
}

const MAX_OPS = 31;
const NONE: number[] = [];

/** Interning state of one `Collector`. */
class Interner implements Interned {
  readonly fields: (string | null)[] = [];
  readonly ops: PredicateOp[] = [];
  readonly keys: KeyInfo[] = [];
  readonly keyMaps: (Map<string, number> | undefined)[][] = [];
  readonly writtenField: number[] = [];
  readonly writtenVendor: string[] = [];
  readonly writtenName: string[] = [];
  private readonly fieldIds = new Map<string, number>();
  private readonly opIds = new Map<string, number>();
  /** (field id, vendor) -> name -> written-name id. */
  private readonly writtenIds: Map<string, Map<string, number>>[] = [];

  field(field: string | null): number {
    const fk = fieldKey(field);
    let fid = this.fieldIds.get(fk);
    if (fid === undefined) {
      fid = this.fields.length;
      this.fieldIds.set(fk, fid);
      this.fields.push(field);
      this.keyMaps.push([]);
      this.writtenIds.push(new Map());
    }
    return fid;
  }

  op(op: PredicateOp): number {
    let id = this.opIds.get(op);
    if (id === undefined) {
      id = this.ops.length;
      if (id >= MAX_OPS) throw new Error(`buildCatalog: more than ${MAX_OPS} distinct predicate operators`);
      this.opIds.set(op, id);
      this.ops.push(op);
    }
    return id;
  }

  keyMap(fid: number, opId: number): Map<string, number> {
    const byOp = this.keyMaps[fid]!;
    return (byOp[opId] ??= new Map());
  }

  written(fid: number, vendor: string, name: string): number {
    const byVendor = this.writtenIds[fid]!;
    let m = byVendor.get(vendor);
    if (!m) byVendor.set(vendor, (m = new Map()));
    let wid = m.get(name);
    if (wid === undefined) {
      wid = this.writtenName.length;
      m.set(name, wid);
      this.writtenField.push(fid);
      this.writtenVendor.push(vendor);
      this.writtenName.push(name);
    }
    return wid;
  }

  /**
   * The key of an identity, created on first use. The display form is the
   * most used written form: counts are kept only once a second form shows up
   * (the first form then counts the rule uses recorded so far, plus one).
   */
  key(fid: number, opId: number, id: IdentityScratch): number {
    const km = this.keyMap(fid, opId);
    let k = km.get(id.norm);
    if (k === undefined) {
      k = this.keys.length;
      km.set(id.norm, k);
      const ki: KeyInfo = { fid, opId, field: id.field, op: id.op, display: id.display, indRules: NONE, exclRules: NONE, nInd: 0, nExcl: 0, ci: false };
      if (id.regex) ki.regex = id.regex;
      if (id.foldedNorm !== undefined) ki.foldedNorm = id.foldedNorm;
      this.keys.push(ki);
    } else this.seen(k, id.display);
    return k;
  }

  /** Key `k` met again, written as `display`. */
  seen(k: number, display: string): void {
    const ki = this.keys[k]!;
    if (ki.displays) ki.displays.set(display, (ki.displays.get(display) ?? 0) + 1);
    else if (ki.display !== display) ki.displays = new Map([[ki.display, ki.nInd + ki.nExcl + 1], [display, 1]]);
  }
}

/**
 * Append `k` (with its case flag) to the current rule's list, once per rule:
 * `pos[k]` is where the key was last appended, so a position at or after the
 * rule's start means "already used by this rule" (then only the flag is or-ed).
 */
function addKeyUse(list: IntList, pos: IntList, start: number, k: number, cs: boolean): boolean {
  const at = pos.data[k]!;
  if (at >= start) {
    if (cs) list.data[at]! |= 1;
    return false;
  }
  pos.data[k] = list.length;
  list.push(k * 2 + (cs ? 1 : 0));
  return true;
}

/** `PredicateStreams.flags`: the role (2 bits), then single bits. */
export const ROLE_BITS = 3;
const ROLES: readonly PredicateRole[] = ['indicator', 'exclusion', 'negated'];
/** `ROLE_BITS` of an indicator, an exclusion, a negated predicate. */
export const ROLE_INDICATOR = 0;
export const ROLE_EXCLUSION = 1;
export const ROLE_NEGATED = 2;
/** Some use compares case-insensitively; the value is case-sensitive; a regex anchored at both ends. */
export const F_CI = 4;
export const F_CS = 8;
export const F_ANCHORED = 16;

/** The role of a predicate from its `PredicateStreams.flags`. */
export function roleOf(flags: number): PredicateRole {
  return ROLES[flags & ROLE_BITS]!;
}

/**
 * What the interning pass reads of each predicate: its role and value
 * identity (src/catalog/keys.ts), as parallel arrays over every predicate of
 * every rule (rule `r` owns entries `off[r]` to `off[r + 1] - 1`). A full
 * build makes them from the rules' ASTs; the incremental build
 * (src/incremental/) keeps them, so it can replay the interning over the
 * whole corpus without the ASTs, exactly as a full build does it.
 */
export interface PredicateStreams {
  off: number[];
  /** Role index (ROLES) | F_CI | F_CS | F_ANCHORED. */
  flags: number[];
  field: (string | null)[];
  written: (string | null)[];
  op: PredicateOp[];
  norm: string[];
  display: string[];
  foldedNorm: (string | undefined)[];
  /** Regex flags (the value is a regex), else undefined. */
  regexFlags: (string | undefined)[];
}

export function newStreams(): PredicateStreams {
  return { off: [0], flags: [], field: [], written: [], op: [], norm: [], display: [], foldedNorm: [], regexFlags: [] };
}

/**
 * What the interning pass reads, wherever the identities are kept: streams
 * (`streamsReader`), or the incremental build's columns of string ids (read
 * in place, without making streams of them first).
 */
export interface PredicateReader {
  /** Rule `r` owns predicates `off[r]` to `off[r + 1] - 1`. */
  off: ArrayLike<number>;
  /** As `PredicateStreams.flags`. */
  flags: ArrayLike<number>;
  /** Put predicate `i`'s field, written name, op, norm, display and folded norm into `id`; returns its regex flags (undefined: not a regex). */
  read(i: number, id: IdentityScratch): string | undefined;
  /** The same as columns of ids into a string table, when the identities are kept so (`collectPredicates` then reads those). */
  ids?: PredicateIdColumns;
}

/**
 * Predicate identities (`PredicateStreams`' strings) as columns of ids into
 * a string table (-1: null or absent), as the incremental build keeps them.
 * Equal ids are equal strings; equal strings may have different ids.
 */
export interface IdentityIds {
  field: Int32Array;
  written: Int32Array;
  op: Int32Array;
  norm: Int32Array;
  display: Int32Array;
  foldedNorm: Int32Array;
  regexFlags: Int32Array;
}

/** `IdentityIds` with the table they index. */
export interface PredicateIdColumns extends IdentityIds {
  strings: readonly string[];
}

/** A reader over streams. */
export function streamsReader(s: PredicateStreams): PredicateReader {
  return {
    off: s.off,
    flags: s.flags,
    read(i, id) {
      id.field = s.field[i]!;
      id.written = s.written[i]!;
      id.op = s.op[i]!;
      id.norm = s.norm[i]!;
      id.display = s.display[i]!;
      id.foldedNorm = s.foldedNorm[i];
      return s.regexFlags[i];
    },
  };
}

/** The rule page rows and opaque parts of each rule, made alongside the streams. */
export interface RuleRows {
  predicates: CatalogPredicate[][];
  opaque: { text: string; reason: string }[][];
}

/**
 * Classify each rule's query and append its predicates' identities to `s`
 * (null: keep none), feed them to `collector`, and append its rows to `rows`.
 */
export function streamRules(rules: readonly Rule[], s: PredicateStreams | null = newStreams(), rows?: RuleRows, collector?: Collector): PredicateStreams | null {
  const cls = newClassified();
  const id = newIdentityScratch();
  for (const rule of rules) {
    classifyInto(rule.query, cls);
    collector?.beginRule(String(rule.vendor));
    // Sized exactly: kept in the catalog (a list grown by push keeps ~16 spare slots).
    const preds: CatalogPredicate[] | null = rows ? new Array(cls.predicates.length) : null;
    for (let i = 0; i < cls.predicates.length; i++) {
      const p = cls.predicates[i]!;
      const role: PredicateRole = cls.roles[i]!;
      identityInto(p, id);
      const cs = p.caseSensitive && typeof p.value === 'string';
      const flags = ROLES.indexOf(role) | (id.ci ? F_CI : 0) | (cs ? F_CS : 0) | (id.regex?.anchored ? F_ANCHORED : 0);
      if (s) {
        s.flags.push(flags);
        s.field.push(id.field);
        s.written.push(id.written);
        s.op.push(id.op);
        s.norm.push(id.norm);
        s.display.push(id.display);
        s.foldedNorm.push(id.foldedNorm);
        s.regexFlags.push(id.regex?.flags);
      }
      collector?.add(flags, id);
      if (preds) preds[i] = predicateRow(p, id, role, cs);
    }
    if (s) s.off.push(s.flags.length);
    collector?.endRule();
    if (rows) {
      rows.predicates.push(preds!);
      rows.opaque.push(cls.opaque.map((o) => ({ text: o.text, reason: o.reason })));
    }
  }
  return s;
}

/** The interning pass over the predicates of `vendors.length` rules, however they are kept. */
export function collectPredicates(s: PredicateReader, vendors: readonly string[]): Interning {
  const c = new Collector(vendors.length);
  if (s.ids) {
    c.replayIds(s, s.ids, vendors);
    return c.finish();
  }
  const id = newIdentityScratch();
  for (let idx = 0; idx < vendors.length; idx++) {
    c.beginRule(vendors[idx]!);
    for (let i = s.off[idx]!; i < s.off[idx + 1]!; i++) {
      const flags = s.flags[i]!;
      const rf = s.read(i, id);
      id.regex = rf === undefined ? undefined : { flags: rf, anchored: (flags & F_ANCHORED) !== 0 };
      id.ci = (flags & F_CI) !== 0;
      c.add(flags, id);
    }
    c.endRule();
  }
  return c.finish();
}

/**
 * The interning pass, fed one predicate at a time in rule order:
 * `collectPredicates` feeds it from kept identities, a full build straight
 * from the rules as it classifies them (`streamRules`), without keeping them.
 */
export class Collector {
  private readonly t = new Interner();
  private readonly ind = new IntList();
  private readonly excl = new IntList();
  private readonly fieldId = new IntList();
  private readonly fieldFlags = new IntList();
  private readonly fieldOps = new IntList();
  private readonly written = new IntList();
  private readonly predKey = new IntList();
  private readonly predFlags = new IntList();
  private readonly predRawKey = new IntList();
  private readonly indOff: Int32Array;
  private readonly exclOff: Int32Array;
  private readonly fieldOff: Int32Array;
  private readonly writtenOff: Int32Array;
  // Last position of each key / field in the lists, and the last rule of each written name
  // (-1: none yet; grown as ids are created).
  private readonly indPos = new IntList();
  private readonly exclPos = new IntList();
  private readonly fieldPos = new IntList();
  private readonly writtenLast = new IntList();
  /** The current rule, its vendor, and where its entries start in the lists. */
  private idx = -1;
  private vendor = '';
  private indStart = 0;
  private exclStart = 0;
  private fieldStart = 0;

  /** For `n` rules. */
  constructor(private readonly n: number) {
    this.indOff = new Int32Array(n + 1);
    this.exclOff = new Int32Array(n + 1);
    this.fieldOff = new Int32Array(n + 1);
    this.writtenOff = new Int32Array(n + 1);
  }

  /** Start the next rule. */
  beginRule(vendor: string): void {
    this.idx++;
    if (this.idx >= this.n) throw new Error(`Collector: more than the ${this.n} rules it was made for`);
    this.vendor = vendor;
    this.indStart = this.ind.length;
    this.exclStart = this.excl.length;
    this.fieldStart = this.fieldId.length;
  }

  /** One predicate of the current rule: its `PredicateStreams` flags and identity (regex and ci included). */
  add(flags: number, id: IdentityScratch): void {
    const t = this.t;
    const fid = t.field(id.field);
    const opId = t.op(id.op);
    const k = t.key(fid, opId, id);
    this.record(flags, fid, opId, k, id.written === null ? -1 : t.written(fid, this.vendor, id.written));
  }

  /**
   * Every rule's predicates from identity columns of string ids, in rule
   * order: what feeding `add` each identity does, with the field, operator,
   * key and written name of a string id remembered (tagged with the field
   * and operator the key was found under), so that the intern tables are
   * asked only the first time an id shows up in a role. A run over a whole
   * corpus (the incremental build's replay) then hashes each string once.
   */
  replayIds(s: Pick<PredicateReader, 'off' | 'flags'>, ids: PredicateIdColumns, vendors: readonly string[]): void {
    const t = this.t;
    const { strings } = ids;
    const nStr = strings.length;
    // Per string id: its field id (index + 1, so that -1, "any field", has a slot), its operator id,
    // its key (valid while the tag, field id * 32 + operator id, matches), its written-name id.
    const fidOf = new Int32Array(nStr + 1).fill(-1);
    const opOf = new Int32Array(nStr).fill(-1);
    const keyOf = new Int32Array(nStr);
    const keyTag = new Int32Array(nStr).fill(-1);
    const writtenOf = new Int32Array(nStr).fill(-1);
    const id = newIdentityScratch();
    const { field, written, op, norm, display, foldedNorm, regexFlags } = ids;
    const flagsCol = s.flags;
    const off = s.off;
    for (let idx = 0; idx < vendors.length; idx++) {
      this.beginRule(vendors[idx]!);
      const vendor = this.vendor;
      for (let i = off[idx]!; i < off[idx + 1]!; i++) {
        const flags = flagsCol[i]!;
        const f = field[i]!;
        let fid = fidOf[f + 1]!;
        if (fid < 0) fid = fidOf[f + 1] = t.field(f < 0 ? null : strings[f]!);
        const o = op[i]!;
        let opId = opOf[o]!;
        if (opId < 0) opId = opOf[o] = t.op(strings[o] as PredicateOp);
        const nm = norm[i]!;
        const tag = fid * 32 + opId;
        let k: number;
        if (keyTag[nm] === tag) {
          k = keyOf[nm]!;
          t.seen(k, strings[display[i]!]!);
        } else {
          id.field = f < 0 ? null : strings[f]!;
          id.op = strings[o] as PredicateOp;
          id.norm = strings[nm]!;
          id.display = strings[display[i]!]!;
          const fo = foldedNorm[i]!;
          id.foldedNorm = fo < 0 ? undefined : strings[fo];
          const rf = regexFlags[i]!;
          id.regex = rf < 0 ? undefined : { flags: strings[rf]!, anchored: (flags & F_ANCHORED) !== 0 };
          k = t.key(fid, opId, id);
          keyOf[nm] = k;
          keyTag[nm] = tag;
        }
        const w = written[i]!;
        let wid = -1;
        if (w >= 0) {
          wid = writtenOf[w]!;
          if (wid < 0 || t.writtenField[wid] !== fid || t.writtenVendor[wid] !== vendor) wid = writtenOf[w] = t.written(fid, vendor, strings[w]!);
        }
        this.record(flags, fid, opId, k, wid);
      }
      this.endRule();
    }
  }

  /** The uses of one predicate whose field, operator, key and written name (-1: none) are interned. */
  private record(flags: number, fid: number, opId: number, k: number, wid: number): void {
    const t = this.t;
    const role = roleOf(flags);
    if (k === this.indPos.length) {
      this.indPos.push(-1);
      this.exclPos.push(-1);
    }
    if (fid === this.fieldPos.length) this.fieldPos.push(-1);
    const ki = t.keys[k]!;
    if ((flags & F_CI) !== 0) ki.ci = true;
    const cs = (flags & F_CS) !== 0;
    let roleBit = 0;
    if (role === 'indicator') {
      if (addKeyUse(this.ind, this.indPos, this.indStart, k, cs)) ki.nInd++;
      roleBit = FIELD_INDICATOR;
    } else if (role === 'exclusion') {
      if (addKeyUse(this.excl, this.exclPos, this.exclStart, k, cs)) ki.nExcl++;
      roleBit = FIELD_EXCLUSION;
    }

    const fieldPos = this.fieldPos;
    let fpos = fieldPos.data[fid]!;
    if (fpos < this.fieldStart) {
      fpos = fieldPos.data[fid] = this.fieldId.length;
      this.fieldId.push(fid);
      this.fieldFlags.push(0);
      this.fieldOps.push(0);
    }
    this.fieldFlags.data[fpos]! |= roleBit;
    this.fieldOps.data[fpos]! |= 1 << opId;
    if (wid >= 0) {
      if (wid === this.writtenLast.length) this.writtenLast.push(-1);
      if (this.writtenLast.data[wid] !== this.idx) {
        this.writtenLast.data[wid] = this.idx;
        this.written.push(wid);
      }
    }
    this.predKey.push(role === 'negated' ? -1 : k);
    this.predFlags.push(flags);
    this.predRawKey.push(k);
  }

  /** End the current rule. */
  endRule(): void {
    const i = this.idx + 1;
    this.indOff[i] = this.ind.length;
    this.exclOff[i] = this.excl.length;
    this.fieldOff[i] = this.fieldId.length;
    this.writtenOff[i] = this.written.length;
  }

  /** The intern tables and uses, once every rule was fed. */
  finish(): Interning {
    if (this.idx !== this.n - 1) throw new Error(`Collector: fed ${this.idx + 1} of ${this.n} rules`);
    const uses: RuleUses = {
      ind: this.ind.view(),
      indOff: this.indOff,
      excl: this.excl.view(),
      exclOff: this.exclOff,
      fieldId: this.fieldId.view(),
      fieldFlags: this.fieldFlags.view(),
      fieldOps: this.fieldOps.view(),
      fieldOff: this.fieldOff,
      written: this.written.view(),
      writtenOff: this.writtenOff,
      predKey: this.predKey.view(),
      predOwnKey: this.predKey.view(),
      predFlags: this.predFlags.view(),
      predRawKey: this.predRawKey.view(),
    };
    const nKeys = this.t.keys.length;
    const keyState: KeyState = { first: new Int32Array(nKeys).fill(-1), ci: new Uint8Array(nKeys), alias: new Int32Array(nKeys) };
    const raw = uses.predRawKey;
    for (let j = 0; j < raw.length; j++) if (keyState.first[raw[j]!]! < 0) keyState.first[raw[j]!] = j;
    for (let k = 0; k < nKeys; k++) keyState.ci[k] = this.t.keys[k]!.ci ? 1 : 0;
    const c = { ...pick(this.t), uses, keyState };
    mergeCaseVariants(c);
    // The keys' rule lists are filled when a page asks for them (`fillRuleLists`): a rebuild shows a few.
    return withKeyColumns(c);
  }
}

/** Fill each key's rule list (sized beforehand) from the per-rule key uses; keys not in `only` are skipped. */
function fillUses(list: Int32Array, off: Int32Array, keys: KeyInfo[], rulesOf: (k: KeyInfo) => number[], only?: Uint8Array): void {
  const filled = new Int32Array(keys.length);
  for (let r = 0; r + 1 < off.length; r++) {
    for (let j = off[r]!; j < off[r + 1]!; j++) {
      const k = list[j]! >> 1;
      if (!only || only[k]) rulesOf(keys[k]!)[filled[k]!++] = r;
    }
  }
}

/**
 * The rule lists of the keys `ks` (indexes into `c.keys`), for the pages that
 * show them (field pages), filled here the first time they are asked for,
 * whether the interning was collected or restored (`restoreInterning`): an
 * incremental rebuild shows the lists of a few fields only, and 57,000 keys'
 * lists cost more than the rest of the restore.
 */
export function fillRuleLists(c: Interning, ks: Iterable<number>): void {
  const { uses } = c;
  let only: Uint8Array | null = null;
  for (const k of ks) {
    const ki = c.key(k);
    if (ki.indRules.length === ki.nInd && ki.exclRules.length === ki.nExcl) continue;
    ki.indRules = new Array<number>(ki.nInd);
    ki.exclRules = new Array<number>(ki.nExcl);
    (only ??= new Uint8Array(c.keyCols.fid.length))[k] = 1;
  }
  if (!only) return;
  // Only keys in `only` are looked up, and those were made above.
  fillUses(uses.ind, uses.indOff, c.keys, (ki) => ki.indRules, only);
  fillUses(uses.excl, uses.exclOff, c.keys, (ki) => ki.exclRules, only);
}

/**
 * Re-list one kind of key use (indicator or exclusion) with keys replaced by
 * `aliasOf`, each key once per rule (case flags or-ed), and recount the keys'
 * rules with `count`. Returns the new list and offsets.
 */
function remapUses(list: Int32Array, off: Int32Array, aliasOf: Int32Array, keys: KeyInfo[], count: (k: KeyInfo) => void): { list: Int32Array; off: Int32Array } {
  const out = new IntList();
  const outOff = new Int32Array(off.length);
  const pos = new Int32Array(keys.length).fill(-1);
  for (let r = 0; r + 1 < off.length; r++) {
    const start = out.length;
    for (let j = off[r]!; j < off[r + 1]!; j++) {
      const k = aliasOf[list[j]! >> 1]!;
      const cs = list[j]! & 1;
      const at = pos[k]!;
      if (at >= start) out.data[at]! |= cs;
      else {
        pos[k] = out.length;
        out.push(k * 2 + cs);
        count(keys[k]!);
      }
    }
    outOff[r + 1] = out.length;
  }
  return { list: out.view(), off: outOff };
}

/**
 * A case-sensitive value joins the case-insensitive row of its folded form,
 * when one exists (the case-insensitive use matches it). Rules are
 * re-counted once per row.
 */
function mergeCaseVariants(c: Interned & { uses: RuleUses; keyState: KeyState }): void {
  const { keys, uses } = c;
  const aliasOf = c.keyState.alias;
  let any = false;
  for (let k = 0; k < keys.length; k++) {
    aliasOf[k] = k;
    const ki = keys[k]!;
    if (ki.ci || ki.foldedNorm === undefined) continue;
    const t = c.keyMaps[ki.fid]![ki.opId]?.get(ki.foldedNorm);
    if (t !== undefined && t !== k && keys[t]!.ci) {
      aliasOf[k] = t;
      any = true;
    }
  }
  if (!any) return;
  for (const ki of keys) ki.nInd = ki.nExcl = 0;
  const ind = remapUses(uses.ind, uses.indOff, aliasOf, keys, (ki) => ki.nInd++);
  uses.ind = ind.list;
  uses.indOff = ind.off;
  const excl = remapUses(uses.excl, uses.exclOff, aliasOf, keys, (ki) => ki.nExcl++);
  uses.excl = excl.list;
  uses.exclOff = excl.off;
  uses.predOwnKey = uses.predKey.slice();
  for (let i = 0; i < uses.predKey.length; i++) if (uses.predKey[i]! >= 0) uses.predKey[i] = aliasOf[uses.predKey[i]!]!;
}

function pick(t: Interner): Interned {
  return { fields: t.fields, ops: t.ops, keys: t.keys, keyMaps: t.keyMaps, writtenField: t.writtenField, writtenVendor: t.writtenVendor, writtenName: t.writtenName };
}

/** One row of the rule page (`reach` is added once every rule is counted). */
function predicateRow(p: Predicate, id: IdentityScratch, role: PredicateRole, cs: boolean): CatalogPredicate {
  const cp: CatalogPredicate = { field: id.field, op: id.op, value: id.display, role };
  if (id.written !== null && id.written !== id.field) cp.written = id.written;
  if (!id.mapped && id.field !== null) cp.unmapped = true;
  if (cs) cp.caseSensitive = true;
  if (id.regex) cp.regex = id.regex;
  if (p.vendorOp !== undefined) cp.vendorOp = p.vendorOp;
  if (p.raw !== undefined && p.raw !== id.display && p.raw !== p.value) cp.raw = p.raw;
  if (p.source?.line !== undefined) cp.line = p.source.line;
  return cp;
}

/**
 * What the aggregation reads of an `Interning`, as plain columns: what the
 * incremental build stores in its snapshot (src/incremental/snapshot.ts), so
 * that a rebuild whose changed rules keep their predicates does not run the
 * interning pass again. The normalized values and the key maps are not kept:
 * a restored interning is read, never extended.
 */
export interface StoredInterning {
  fields: (string | null)[];
  ops: PredicateOp[];
  keyFid: Int32Array;
  keyOp: Int32Array;
  /** Key `k`'s display form (and its length) and regex flags: functions, so that a file's strings are decoded only for the keys asked for. */
  keyDisplay(k: number): string;
  keyDisplayLength(k: number): number;
  keyRegexFlags(k: number): string | undefined;
  keyAnchored: Uint8Array;
  keyState: KeyState;
  /**
   * For an interning patched from a stored one (src/incremental/patch-interning.ts):
   * that one, each key's key there (-1: none), and the keys whose display
   * form or regex were found again (the others have that key's), so that a
   * writer can reuse what it stored.
   */
  from?: { base: StoredInterning; oldOf: Int32Array; changed: Uint8Array };
  writtenField: number[];
  writtenVendor: string[];
  writtenName: string[];
  uses: RuleUses;
}

/** The columns `restoreInterning` takes back. */
export function storeInterning(c: Interning): StoredInterning {
  const n = c.keyCols.fid.length;
  const keyAnchored = new Uint8Array(n);
  for (let k = 0; k < n; k++) keyAnchored[k] = c.key(k).regex?.anchored ? 1 : 0;
  return {
    fields: c.fields,
    ops: c.ops,
    keyFid: c.keyCols.fid,
    keyOp: c.keyCols.opId,
    keyDisplay: (k) => c.key(k).display,
    keyDisplayLength: (k) => c.displayLength(k),
    keyRegexFlags: (k) => c.key(k).regex?.flags,
    keyAnchored,
    keyState: c.keyState,
    writtenField: c.writtenField,
    writtenVendor: c.writtenVendor,
    writtenName: c.writtenName,
    uses: c.uses,
  };
}

/**
 * An `Interning` from its stored columns: every key with its field, operator,
 * display form, regex and rule counts, as `Collector.finish` and
 * `chooseDisplays` left them. The counts are columns at once; a key's
 * `KeyInfo` (and its display form, decoded from the snapshot) is made when
 * `key(k)` first asks for it, and its rule lists when a page does
 * (`fillRuleLists`). `keyMaps` is empty, and a key's `ci`, `foldedNorm` and
 * written-form counts are not kept (the interning pass's own state, which
 * the aggregation never reads).
 */
export function restoreInterning(s: StoredInterning): Interning {
  const n = s.keyFid.length;
  const { uses } = s;
  const nInd = new Int32Array(n);
  const nExcl = new Int32Array(n);
  for (let j = 0; j < uses.ind.length; j++) nInd[uses.ind[j]! >> 1]++;
  for (let j = 0; j < uses.excl.length; j++) nExcl[uses.excl[j]! >> 1]++;
  // Made on first use: a rebuild asks for the keys of a few techniques and fields, not all 57,000.
  const keys: KeyInfo[] = new Array(n);
  const key = (k: number): KeyInfo => {
    let ki = keys[k];
    if (ki === undefined) {
      if (!(k >= 0 && k < n)) throw new RangeError(`restoreInterning: no key ${k}`);
      const fid = s.keyFid[k]!;
      const opId = s.keyOp[k]!;
      ki = { fid, opId, field: s.fields[fid]!, op: s.ops[opId]!, display: s.keyDisplay(k), indRules: NONE, exclRules: NONE, nInd: nInd[k]!, nExcl: nExcl[k]!, ci: false };
      const rf = s.keyRegexFlags(k);
      if (rf !== undefined) ki.regex = { flags: rf, anchored: s.keyAnchored[k] === 1 };
      keys[k] = ki;
    }
    return ki;
  };
  return {
    fields: s.fields,
    ops: s.ops,
    keys,
    keyMaps: s.fields.map(() => []),
    writtenField: s.writtenField,
    writtenVendor: s.writtenVendor,
    writtenName: s.writtenName,
    uses,
    keyCols: { fid: s.keyFid, opId: s.keyOp, nInd, nExcl },
    keyState: s.keyState,
    key,
    displayLength: (k) => (keys[k] ? keys[k].display.length : s.keyDisplayLength(k)),
  };
}
