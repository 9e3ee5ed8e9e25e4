/**
 * The build snapshot: what the incremental build (rebuild.ts) keeps in the
 * cache directory between two `ruleatlas build --cache` runs.
 *
 *   build-v1.json        the state: a key of the code and every option the
 *                        output depends on; the loader's file list and
 *                        diagnostics; the byte range of every technique, rule
 *                        and field element inside catalog.json; and the name
 *                        of the files below.
 *   build-v1-stamps-<n>.bin  every walked file with its stat stamp, text hash
 *                        and kind, every walked folder with its stamp, and
 *                        the stat stamps of the outputs written, as binary
 *                        columns (stamp-table.ts): a rebuild checks them all.
 *   build-v1-rules-<n>.json  one line per rule: its facts (catalog/build.ts
 *                        `RuleFacts`) and check figures (`RuleCheck`).
 *   build-v1-preds-<n>.bin   every rule's predicate identities
 *                        (catalog/collect.ts `PredicateStreams`) as columns of
 *                        32-bit string ids: what the aggregation's interning
 *                        pass reads, without the rules' ASTs.
 *   build-v1-strings-<n>.bin  the strings those ids name: a table
 *                        (`SnapshotStrings`) that incremental builds only
 *                        append to (a state names how many of its strings
 *                        it uses).
 *   build-v1-interning-<n>.bin  the aggregation's intern tables and per-rule
 *                        uses (catalog/collect.ts `StoredInterning`), each
 *                        predicate's own key and each key's state, as 32-bit
 *                        columns, followed by a table of the strings they
 *                        name: what a rebuild takes instead of running the
 *                        interning pass again when the changed rules keep
 *                        their predicates, and patches when they do not
 *                        (patch-interning.ts).
 *   build-v1-support-<n>.json  each vendor's state once its supporting
 *                        files were read (vendors/types.ts `saveSupport`:
 *                        Splunk's macros, data sources and stories), written
 *                        by a full build and read by a rebuild that changed
 *                        one of that vendor's rules, instead of the files;
 *                        absent when no vendor saved one.
 *   build-v1-catalog-spare.json  the catalog.json an incremental build
 *                        replaced, kept for the next one to write over in
 *                        place (render/write.ts `writeSpliced`); not part of
 *                        the state, any content will do.
 *   build-v1-spare-<kind>  one earlier file of each kind above (rules, preds,
 *                        strings, interning, stamps, support) that no state names,
 *                        kept by `removeStale` for the next file of its kind
 *                        to be written over (renamed to its new name first);
 *                        never read.
 *
 * The JSON files are read with `JSON.parse`, and every file is checked before use; anything
 * unexpected (another format, another code or options key, a missing part,
 * an id out of range) makes the next build a full one, never a wrong one.
 * Columns of ids rather than JSON strings: reading the snapshot allocates one
 * string per distinct value instead of six per predicate (fresh memory is
 * what a rebuild pays most for, docs/performance.md). New rules and column
 * files get new names, written before the state that names them, so a crash
 * between the two leaves the previous state whole; an append to the strings
 * file leaves the earlier ids as they were.
 */
import { closeSync, constants, existsSync, fstatSync, ftruncateSync, lstatSync, openSync, readdirSync, readFileSync, readSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { isAscii } from 'node:buffer';
import { join } from 'node:path';
import type { PredicateOp } from '../ast/schema.js';
import type { RuleFacts } from '../catalog/build.js';
import type { IdentityIds, PredicateReader, PredicateStreams, RuleUses, StoredInterning } from '../catalog/collect.js';
import type { Diagnostic } from '../ast/schema.js';
import type { FileEntry } from '../loader/load.js';
import type { CheckSummary, RuleCheck } from '../loader/summary.js';
import { scratch } from '../core/scratch.js';
import { FileRange } from '../render/write.js';
import { O_NOFOLLOW } from '../render/output-dirs.js';
import { StampTable } from './stamp-table.js';
import { validCuts, type TechniqueCuts } from './unchanged-techniques.js';

export const STATE_FILE = 'build-v1.json';
/** The previous catalog.json, which the next incremental build overwrites (see the module comment). */
export const CATALOG_SPARE = 'build-v1-catalog-spare.json';
const RULES_PREFIX = 'build-v1-rules-';
const PREDS_PREFIX = 'build-v1-preds-';
const STRINGS_PREFIX = 'build-v1-strings-';
const INTERNING_PREFIX = 'build-v1-interning-';
const STAMPS_PREFIX = 'build-v1-stamps-';
const SUPPORT_PREFIX = 'build-v1-support-';
const KIND_PREFIXES = [RULES_PREFIX, PREDS_PREFIX, STRINGS_PREFIX, INTERNING_PREFIX, STAMPS_PREFIX, SUPPORT_PREFIX];
/**
 * Each kind's spare: a file the state no longer names, kept by `removeStale`
 * to be written over by the next file of its kind (renamed to the new name
 * first). Rewriting a file's blocks in place costs less than freeing a
 * file's and allocating a new one's on this kind of machine (ext4 with
 * `discard`: docs/performance.md). Not a prefix of any kind's names.
 */
const SPARE_PREFIX = 'build-v1-spare-';
const spareOf = (prefix: string): string => `${SPARE_PREFIX}${prefix.slice('build-v1-'.length, -1)}`;
const STAMPS_MAGIC = 0x31535453; // "STS1"
const INTERNING_MAGIC = 0x31544e49; // "INT1"
export const SNAPSHOT_FORMAT = 'ruleatlas-build-snapshot 11';
/** Snapshots bigger than this are not read (a full build runs instead). */
const MAX_BYTES = 1 << 30;
const PREDS_MAGIC = 0x32504152; // "RAP2"

export interface SnapshotState {
  format: string;
  /** Code fingerprint and options (rebuild.ts `snapshotKey`). */
  key: string;
  /** Date.now() before the load that read the sources began (stamps newer than that are re-read). */
  loadedAt: number;
  /** The output directory (absolute). */
  out: string;
  /** The files of this state (`build-v1-rules-<n>.json`, `build-v1-preds-<n>.bin`, `build-v1-strings-<n>.json`, `build-v1-interning-<n>.bin`). */
  rulesFile: string;
  predsFile: string;
  stringsFile: string;
  interningFile: string;
  /** How many strings of the strings file this state's ids use. */
  strings: number;
  /**
   * The vendors' states once their supporting files were fed in (`build-v1-support-<n>.json`: vendor
   * to `VendorModule.saveSupport`'s data), written by a full build and kept while no supporting file
   * changes (a changed one makes the next build a full one); absent when no vendor saved one.
   */
  supportFile?: string;
  /** The stamps file (`build-v1-stamps-<n>.bin`) the three tables below were read from; written again with the state. */
  stampsFile: string;
  /** Every file of the output (relative paths) and the manifest, with the stamps they had when written (or checked). */
  outputs: StampTable;
  /** Every walked file, in walk order: path, stamp, text hash and kind (`SourceStamp`). */
  sources: StampTable;
  /** Every folder of the walk with its stamp (the file list is current while they are); null: walk every time. */
  dirs: StampTable | null;
  files: FileEntry[];
  unrecognized: number;
  /** The load's diagnostics not attached to a rule. */
  diagnostics: Diagnostic[];
  /** The check figures of the build (what a rebuild without changes reports). */
  summary: CheckSummary;
  /** Per rule file, the range of its rules, flat: [index among `sources`, first rule index, rule count, ...]. */
  ruleFiles: number[];
  /**
   * Byte ranges in catalog.json: [technique id, start, end], rules flat [start, end, ...], [field key, slug, start, end];
   * with the web site, [start, end] of the value rows in assets/search-data.js (render/site/search-data.ts).
   */
  ranges: { techniques: [string, number, number][]; rules: number[]; fields: [string, string, number, number][]; searchValues?: number[]; searchFields?: number[] };
  /** What each technique's value sections showed (unchanged-techniques.ts), in `ranges.techniques` order. */
  techniqueCuts?: TechniqueCuts;
}

/** One rule's record: what the aggregation and the check figures need of it besides its predicates. */
export interface RuleRecord {
  facts: RuleFacts;
  check: RuleCheck;
  /** The Sigma rule name (`name:`), which correlations may refer to; null when none. */
  name: string | null;
  /** The rule's page name (`ruleSlugs`), kept so that a rebuild need not allocate every slug again. */
  slug: string;
}

/**
 * `PredicateStreams` as columns of string ids (`IdentityIds`) into a table
 * (a full build writes each string once, a rebuild appends its changed
 * rules' strings): `off` and `flags` as in the streams.
 */
export interface PredicateIds extends IdentityIds {
  off: Int32Array;
  flags: Int32Array;
  /**
   * What the catalog showed of each predicate's key in the build that wrote
   * them (rebuild.ts compares them to find what a change reaches): its corpus
   * reach (-1 for a negated predicate), the key's display form (string id),
   * and 1 when the key is another one's (a case-sensitive value counted in
   * its case-insensitive row).
   */
  reach: Int32Array;
  keyDisplay: Int32Array;
  aliased: Int32Array;
}

const COLUMNS = ['flags', 'field', 'written', 'op', 'norm', 'display', 'foldedNorm', 'regexFlags', 'reach', 'keyDisplay', 'aliased'] as const;
/** Columns of string ids that may be -1 (null or absent), and those that may not. */
const NULLABLE_IDS = new Set(['field', 'written', 'foldedNorm', 'regexFlags', 'keyDisplay']);
const IDS = new Set(['op', 'norm', 'display']);

export interface Snapshot {
  state: SnapshotState;
  records: RuleRecord[];
  /** The strings table (its first `state.strings` entries are this state's), parsed when first asked for. */
  strings: SnapshotStrings;
  /** The rules file, and each record's line range in it (start, end, ...). */
  rulesPath: string;
  lines: number[];
}

/**
 * A strings file: the strings' bytes, then each string's end offset (after
 * a first 0), a kind byte per string (0 Latin-1, 1 UTF-16LE) and a trailer
 * (the strings' bytes padded to 4, the count, a magic number), so that it is
 * appended to in place (`appendStrings`) and read a string at a time. Read
 * whole only when a rebuild needs every string (its predicates changed): one
 * that only compares a few rules' predicates reads the offsets and those
 * strings alone.
 */
export class SnapshotStrings {
  private parsed: string[] | null = null;
  private table: StringsTable | null = null;
  private bytes: Buffer | null;
  private readonly path: string | null;
  /** The bytes of the strings decoded as Latin-1 at once, when a string is first asked for (`at`). */
  private latin1: string | null = null;
  private lengthsOf: Int32Array | null = null;

  /**
   * `source`: the file's bytes, or its path (then a string alone is read from
   * the file, and the file is read whole only for `all()`). `count`: how many
   * strings the state uses (the file may hold more).
   */
  constructor(
    source: Buffer | string,
    private readonly count: number,
  ) {
    this.bytes = typeof source === 'string' ? null : source;
    this.path = typeof source === 'string' ? source : null;
  }

  /** Every string of the file (the table a rebuild appends to). Throws when the file is damaged. */
  all(): string[] {
    if (!this.parsed) {
      if (!this.bytes) this.bytes = readBounded(this.path!);
      if (!this.bytes) throw new DamagedSnapshot('snapshot strings file is damaged');
      const t = (this.table = stringsTableOf(this.bytes, this.bytes.length, this.count));
      const b = this.bytes;
      const n = t.kinds.length;
      const out: string[] = new Array(n);
      // The Latin-1 strings as slices of the whole file decoded once (UTF-16 ones decoded alone): one
      // decode instead of 70,000.
      const whole = b.toString('latin1', 0, t.ends[n]!);
      for (let i = 0; i < n; i++) out[i] = t.kinds[i] ? b.toString('utf16le', t.ends[i]!, t.ends[i + 1]!) : whole.slice(t.ends[i]!, t.ends[i + 1]!);
      this.parsed = out;
    }
    return this.parsed;
  }

  /**
   * The strings as a list decoded a string at a time when asked for, with
   * strings appended after them: a rebuild that patches the interning asks
   * for a few thousand of the 75,000 (docs/performance.md, "Incremental
   * builds", twenty-first session). The file is read whole once.
   */
  lazy(): LazyStrings {
    if (!this.parsed && !this.bytes) {
      this.bytes = readBounded(this.path!);
      if (!this.bytes) throw new DamagedSnapshot('snapshot strings file is damaged');
    }
    return new LazyStrings(this, this.count);
  }

  /** Each string's length (UTF-16 units), without decoding them: `count` of them. Throws when the file is damaged. */
  lengths(): Int32Array {
    if (this.lengthsOf) return this.lengthsOf;
    const t = this.offsets();
    const out = new Int32Array(this.count);
    const { ends, kinds } = t;
    for (let i = 0; i < out.length; i++) out[i] = (ends[i + 1]! - ends[i]!) >> (kinds[i] ? 1 : 0);
    return (this.lengthsOf = out);
  }

  /** String `i` (below `count`). Throws when the file is damaged. */
  at(i: number): string {
    if (this.parsed) return this.parsed[i]!;
    const t = this.offsets();
    if (!(i >= 0 && i < this.count)) throw new DamagedSnapshot('snapshot strings file is damaged');
    const a = t.ends[i]!;
    const b = t.ends[i + 1]!;
    if (this.bytes) {
      // A Latin-1 string is a slice of the file's strings decoded at once (a rebuild that patches the
      // interning asks for about 14,000 of them: a decode each cost more than the one decode and the slices).
      if (!t.kinds[i]) return (this.latin1 ??= this.bytes.toString('latin1', 0, t.ends[t.kinds.length]!)).slice(a, b);
      return this.bytes.toString('utf16le', a, b);
    }
    return readFileRange(this.path!, a, b, 'snapshot strings file').toString(t.kinds[i] ? 'utf16le' : 'latin1');
  }

  /** The table of offsets and kinds: from the bytes read, or from the file's end. */
  private offsets(): StringsTable {
    return (this.table ??= this.bytes ? stringsTableOf(this.bytes, this.bytes.length, this.count) : this.tableOfFile(this.path!));
  }

  /** The offsets and kinds of a file, read from its end (not its strings). */
  private tableOfFile(path: string): StringsTable {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      if (size < 16 || size > MAX_BYTES) throw new DamagedSnapshot('snapshot strings file is damaged');
      const trailer = readAt(fd, size - 12, size, 'snapshot strings file');
      const { n, tablesAt } = stringsTrailer(trailer, 0, size);
      // The offsets, kinds and trailer (positioned as in the file, so the checks are those of the whole).
      const tail = readAt(fd, tablesAt, size, 'snapshot strings file');
      return stringsTableOf(tail, size, this.count, tablesAt, n);
    } finally {
      closeSync(fd);
    }
  }
}

/** A strings file's offsets (ends[i] to ends[i + 1]: string i's bytes) and kinds. */
interface StringsTable {
  ends: Int32Array;
  kinds: Uint8Array;
}

const STRINGS_MAGIC = 0x31525453; // "STR1"
const pad4 = (n: number) => (n + 3) & ~3;

/** Where a strings file's tables start and how many strings it holds, from its trailer at `at` of `b` (a file of `size` bytes). */
function stringsTrailer(b: Buffer, at: number, size: number): { n: number; tablesAt: number } {
  const blob = b.readInt32LE(at);
  const n = b.readInt32LE(at + 4);
  if (b.readInt32LE(at + 8) !== STRINGS_MAGIC || blob < 0 || blob % 4 || n < 0 || blob + 4 * (n + 1) + pad4(n) + 12 !== size) throw new DamagedSnapshot('snapshot strings file is damaged');
  return { n, tablesAt: blob };
}

/**
 * The checked offsets and kinds of a strings file of `size` bytes, from `b`:
 * the whole file, or (with `from`) its part from byte `from` on. At least
 * `count` strings.
 */
function stringsTableOf(b: Buffer, size: number, count: number, from = 0, known?: number): StringsTable {
  if (b.length < 12) throw new DamagedSnapshot('snapshot strings file is damaged');
  const { n, tablesAt } = stringsTrailer(b, b.length - 12, size);
  if ((known !== undefined && n !== known) || n < count) throw new DamagedSnapshot('snapshot strings file is damaged');
  const at = tablesAt - from;
  const words = b.subarray(at, at + 4 * (n + 1));
  const ends = (words.byteOffset % 4 === 0 ? new Int32Array(words.buffer, words.byteOffset, n + 1) : new Int32Array(Uint8Array.from(words).buffer)).slice();
  const kinds = b.subarray(at + 4 * (n + 1), at + 4 * (n + 1) + n);
  if (ends[0] !== 0 || pad4(ends[n]!) !== tablesAt) throw new DamagedSnapshot('snapshot strings file is damaged');
  if (!validStrings(ends, kinds, n)) throw new DamagedSnapshot('snapshot strings file is damaged');
  return { ends, kinds: Uint8Array.from(kinds) };
}

/**
 * Call `each` with every line of a file (without its newline: the bytes from
 * `start` to `end` of `buf`, and where the line starts in the file), read a
 * chunk at a time through the shared buffer (a line longer than it, in a
 * bigger one of its own); `each` returns true to stop. A last line without a
 * newline is passed too. 'missing' for a file that does not exist or is over
 * the snapshot limit.
 */
function eachLine(path: string, each: (buf: Buffer, start: number, end: number, fileAt: number) => boolean | void): true | 'missing' {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return 'missing';
  }
  try {
    if (fstatSync(fd).size > MAX_BYTES) return 'missing';
    let buf = scratch();
    let base = 0; // the file offset of buf[0]
    let have = 0;
    for (;;) {
      const n = readSync(fd, buf, have, buf.length - have, base + have);
      have += Math.max(n, 0);
      let at = 0;
      for (let nl = buf.indexOf(10, at); nl >= 0 && nl < have; nl = buf.indexOf(10, at)) {
        if (each(buf, at, nl, base + at) === true) return true;
        at = nl + 1;
      }
      if (n <= 0) {
        if (at < have && each(buf, at, have, base + at) === true) return true;
        return true;
      }
      if (at === 0 && have === buf.length) {
        const bigger = Buffer.allocUnsafe(2 * buf.length);
        buf.copy(bigger, 0, 0, have);
        buf = bigger;
        continue;
      }
      buf.copyWithin(0, at, have);
      base += at;
      have -= at;
    }
  } finally {
    closeSync(fd);
  }
}

/** Bytes `start` to `end` of the open file `fd` (`what` names it in the error when it is shorter), in a buffer of their own. */
export function readAt(fd: number, start: number, end: number, what: string): Buffer {
  const buf = Buffer.allocUnsafe(Math.max(0, end - start));
  for (let got = 0; got < buf.length; ) {
    const k = readSync(fd, buf, got, buf.length - got, start + got);
    if (k <= 0) throw new DamagedSnapshot(`${what} is shorter than recorded`);
    got += k;
  }
  return buf;
}

/** `readAt` of the file at `path`. */
export function readFileRange(path: string, start: number, end: number, what = path): Buffer {
  const fd = openSync(path, 'r');
  try {
    return readAt(fd, start, end, what);
  } finally {
    closeSync(fd);
  }
}

/** A snapshot file found damaged while it is read (rebuild.ts turns it into a full build, with this reason). */
export class DamagedSnapshot extends Error {}

/** Interns strings to ids over an existing table; `added` lists the strings it appended. */
/** `SnapshotStrings.lazy()`: string `i` decoded when first asked for; appended strings after the file's. */
export class LazyStrings {
  private readonly decoded: (string | undefined)[];
  private readonly appended: string[] = [];

  constructor(
    private readonly file: SnapshotStrings,
    private readonly count: number,
  ) {
    this.decoded = new Array<string | undefined>(count);
  }

  at(i: number): string {
    if (i >= this.count) return this.appended[i - this.count]!;
    let s = this.decoded[i];
    if (s === undefined) this.decoded[i] = s = this.file.at(i);
    return s;
  }

  /** The lengths of the file's strings (not the appended ones), without decoding them: a key's value is compared by length first. */
  get lengths(): Int32Array {
    return this.file.lengths();
  }

  push(s: string): number {
    return this.count + this.appended.push(s);
  }

  get length(): number {
    return this.count + this.appended.length;
  }

  /** Every string, the appended ones included (the interning pass, run again, reads them all). */
  all(): string[] {
    return [...this.file.all().slice(0, this.count), ...this.appended];
  }
}

export class StringTable {
  private map: Map<string, number> | null = null;
  readonly added: string[] = [];
  /**
   * `dedupe` false: every string is appended as a new id (an incremental build
   * adds a few strings to a table of tens of thousands: indexing the table
   * would cost more than the duplicates, which the next full build drops);
   * the table may then be a `LazyStrings`.
   */
  constructor(
    private readonly strings: string[] | LazyStrings,
    private readonly dedupe = true,
  ) {
    if (dedupe && !Array.isArray(strings)) throw new Error('StringTable: a deduplicating table needs its strings');
  }

  id(s: string | null | undefined): number {
    if (s === null || s === undefined) return -1;
    if (!this.dedupe) {
      this.added.push(s);
      return this.strings.push(s) - 1;
    }
    const strings = this.strings as string[];
    // Built on first use: an incremental build without changed rules never needs it.
    if (!this.map) {
      this.map = new Map();
      for (let i = 0; i < strings.length; i++) if (!this.map.has(strings[i]!)) this.map.set(strings[i]!, i);
    }
    let id = this.map.get(s);
    if (id === undefined) {
      id = strings.length;
      strings.push(s);
      this.added.push(s);
      this.map.set(s, id);
    }
    return id;
  }

  get size(): number {
    return this.strings.length;
  }
}

/** The id columns of predicate streams. */
export function idsFromStreams(s: PredicateStreams, table: StringTable): PredicateIds {
  const n = s.flags.length;
  const col = () => new Int32Array(n);
  const out: PredicateIds = { off: Int32Array.from(s.off), flags: Int32Array.from(s.flags), field: col(), written: col(), op: col(), norm: col(), display: col(), foldedNorm: col(), regexFlags: col(), reach: col().fill(-1), keyDisplay: col().fill(-1), aliased: col() };
  for (let i = 0; i < n; i++) {
    out.field[i] = table.id(s.field[i]);
    out.written[i] = table.id(s.written[i]);
    out.op[i] = table.id(s.op[i]);
    out.norm[i] = table.id(s.norm[i]);
    out.display[i] = table.id(s.display[i]);
    out.foldedNorm[i] = table.id(s.foldedNorm[i]);
    out.regexFlags[i] = table.id(s.regexFlags[i]);
  }
  return out;
}

/** A reader over the id columns (catalog/collect.ts): the interning pass reads the strings they name in place. */
export function idsReader(ids: PredicateIds, strings: readonly string[]): PredicateReader {
  return {
    off: ids.off,
    flags: ids.flags,
    ids: { ...ids, strings },
    read(i, id) {
      const f = ids.field[i]!;
      const w = ids.written[i]!;
      const fo = ids.foldedNorm[i]!;
      const rf = ids.regexFlags[i]!;
      id.field = f < 0 ? null : strings[f]!;
      id.written = w < 0 ? null : strings[w]!;
      id.op = strings[ids.op[i]!] as PredicateOp;
      id.norm = strings[ids.norm[i]!]!;
      id.display = strings[ids.display[i]!]!;
      id.foldedNorm = fo < 0 ? undefined : strings[fo];
      return rf < 0 ? undefined : strings[rf];
    },
  };
}

/** `old` with the predicates of the rules in `replace` taken from other columns (rule `i` of `by`). */
export function spliceIds(old: PredicateIds, replace: ReadonlyMap<number, { by: PredicateIds; i: number }>): PredicateIds {
  const n = old.off.length - 1;
  let total = 0;
  for (let r = 0; r < n; r++) {
    const rep = replace.get(r);
    total += rep ? rep.by.off[rep.i + 1]! - rep.by.off[rep.i]! : old.off[r + 1]! - old.off[r]!;
  }
  const out = { off: new Int32Array(n + 1) } as PredicateIds;
  for (const c of COLUMNS) out[c] = new Int32Array(total);
  let at = 0;
  // Runs of unchanged rules are copied as one block per column.
  let runFrom = 0;
  const flush = (to: number) => {
    if (to <= runFrom) return;
    const a = old.off[runFrom]!;
    const b = old.off[to]!;
    for (const c of COLUMNS) out[c].set(old[c].subarray(a, b), at);
    for (let r = runFrom; r < to; r++) out.off[r + 1] = at + old.off[r + 1]! - a;
    at += b - a;
  };
  for (let r = 0; r < n; r++) {
    const rep = replace.get(r);
    if (!rep) continue;
    flush(r);
    const a = rep.by.off[rep.i]!;
    const b = rep.by.off[rep.i + 1]!;
    for (const c of COLUMNS) out[c].set(rep.by[c].subarray(a, b), at);
    at += b - a;
    out.off[r + 1] = at;
    runFrom = r + 1;
  }
  flush(n);
  return out;
}

/** The record line of one rule: [facts, [status, noQuery, warnings, failures], name]. */
export function encodeRecord(r: RuleRecord): string {
  const c = r.check;
  return asciiJson(JSON.stringify([r.facts, [STATUSES.indexOf(c.status), c.noQuery ? 1 : 0, c.warnings, c.failures], r.name, r.slug]));
}

const STATUSES = ['clean', 'opaque', 'failed'] as const;

const NON_ASCII = /[\u007f-\uffff]/g;
/**
 * JSON text with every character beyond ASCII escaped (`\u00e9`): the
 * snapshot's JSON files are pure ASCII, so reading one back decodes bytes to
 * a one-byte string (`latin1`) instead of decoding UTF-8.
 */
export function asciiJson(text: string): string {
  return text.replace(NON_ASCII, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** Parse a snapshot JSON file's bytes (ASCII as written; UTF-8 otherwise). */
function parseJson(buf: Buffer): unknown {
  return JSON.parse(isAscii(buf) ? buf.toString('latin1') : buf.toString('utf8'));
}

function isStr(v: unknown): v is string {
  return typeof v === 'string';
}

function validFacts(f: unknown): f is RuleFacts {
  if (!f || typeof f !== 'object' || Array.isArray(f)) return false;
  const r = f as Record<string, unknown>;
  return (
    isStr(r.vendor) && isStr(r.id) && isStr(r.title) && isStr(r.path) && isStr(r.kind) && isStr(r.language) &&
    Array.isArray(r.techniques) && r.techniques.every(isStr) && Array.isArray(r.tactics) && r.tactics.every(isStr) &&
    Array.isArray(r.events) && typeof r.error === 'boolean' && typeof r.opaque === 'number' && typeof r.predicates === 'number' &&
    (r.line === undefined || typeof r.line === 'number') && (r.status === undefined || isStr(r.status))
  );
}

/** A JSON array file's text from its element lines (bytes or text). */
export function arrayFileChunks(lines: readonly (string | Uint8Array)[]): (string | Uint8Array)[] {
  const out: (string | Uint8Array)[] = ['[\n'];
  lines.forEach((l, i) => {
    out.push(l);
    out.push(i + 1 < lines.length ? ',\n' : '\n');
  });
  out.push(']\n');
  return out;
}

/**
 * The state as stored: the stamp tables in their own file, the loader's files
 * as flat numbers (paths by their index among the sources, formats and
 * vendors by index in `names`). Kept small because a rebuild reads it whole.
 */
interface StoredState extends Omit<SnapshotState, 'sources' | 'dirs' | 'outputs' | 'files'> {
  names: string[];
  /** Per loader file: path index, format, vendor (name index or -1), role (0 rules, 1 support, -1 none), rules. */
  files: number[];
}

/** The stored form each decoded state was read from: a state derived from it re-encodes only what can change. */
const storedOf = new WeakMap<SnapshotState, StoredState>();

function encodeState(state: SnapshotState, stampsFile: string, base?: SnapshotState): StoredState {
  const { sources, dirs, outputs, files, ...rest } = state;
  const raw = base && storedOf.get(base);
  // Same files as the state read (an incremental build): the loader's entries are stored as they were.
  if (raw && files === base!.files && sources.sameNames(base!.sources)) return { ...rest, stampsFile, names: raw.names, files: raw.files };
  const pathIdx = new Map<string, number>();
  for (let i = 0; i < sources.length; i++) pathIdx.set(sources.name(i), i);
  const names: string[] = [];
  const nameIdx = new Map<string, number>();
  const name = (v: string | null | undefined) => {
    if (v === null || v === undefined) return -1;
    let i = nameIdx.get(v);
    if (i === undefined) nameIdx.set(v, (i = names.push(v) - 1));
    return i;
  };
  const idx = (p: string) => {
    const i = pathIdx.get(p);
    if (i === undefined) throw new Error(`snapshot: ${p} is not among the walked files`);
    return i;
  };
  return {
    ...rest,
    stampsFile,
    names,
    files: files.flatMap((f) => [idx(f.path), name(f.format), name(f.vendor), f.role === 'rules' ? 0 : f.role === 'support' ? 1 : -1, f.rules]),
  };
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** The check figures as `summarizeChecks` makes them (what a rebuild without changes reports as they are). */
function validSummary(v: unknown): v is CheckSummary {
  if (!isRecord(v)) return false;
  const counts = ['total', 'parsed', 'failed', 'clean', 'opaque', 'noQuery', 'hunts', 'files', 'ruleFiles', 'unrecognizedFiles', 'warnings'];
  return counts.every((k) => isInt(v[k])) && isRecord(v.supportFiles) && isRecord(v.byVendor) && isRecord(v.byLanguage) && Array.isArray(v.failures);
}

/** Whether `r` is [start, end] pairs of integers, in order, each within [lo, hi]. */
function fieldRangesIn(r: unknown[], lo: number, hi: number): boolean {
  let at = lo;
  for (let i = 0; i < r.length; i += 2) {
    const a = r[i];
    const b = r[i + 1];
    if (!isInt(a) || !isInt(b) || a < at || b < a || b > hi) return false;
    at = b;
  }
  return true;
}

function decodeState(v: unknown, key: string, stamps: (name: string) => Stamps | null): SnapshotState | null {
  if (!v || typeof v !== 'object') return null;
  const s = v as Record<string, unknown>;
  const r = s.ranges as Record<string, unknown> | undefined;
  const named = (x: unknown, prefix: string, ext: string) => isStr(x) && x.startsWith(prefix) && x.endsWith(ext) && /^[a-z0-9-]+\.(json|bin)$/.test(x);
  if (
    !(
      s.format === SNAPSHOT_FORMAT && s.key === key && named(s.rulesFile, RULES_PREFIX, '.json') && named(s.predsFile, PREDS_PREFIX, '.bin') && named(s.stringsFile, STRINGS_PREFIX, '.bin') && named(s.interningFile, INTERNING_PREFIX, '.bin') &&
      named(s.stampsFile, STAMPS_PREFIX, '.bin') && (s.supportFile === undefined || named(s.supportFile, SUPPORT_PREFIX, '.json')) &&
      isInt(s.strings) && typeof s.loadedAt === 'number' && isStr(s.out) && isInt(s.unrecognized) && Array.isArray(s.diagnostics) &&
      validSummary(s.summary) &&
      !!r && Array.isArray(r.techniques) && Array.isArray(r.rules) && r.rules.every(isInt) &&
      Array.isArray(r.fields) && r.techniques.every((t) => Array.isArray(t) && isStr(t[0]) && isInt(t[1]) && isInt(t[2])) &&
      r.fields.every((f) => Array.isArray(f) && isStr(f[0]) && isStr(f[1]) && isInt(f[2]) && isInt(f[3])) &&
      (r.searchValues === undefined || (Array.isArray(r.searchValues) && r.searchValues.length === 2 && r.searchValues.every(isInt) && r.searchValues[0] <= r.searchValues[1])) &&
      (r.searchFields === undefined || (Array.isArray(r.searchValues) && Array.isArray(r.searchFields) && r.searchFields.length === 2 * r.fields.length && fieldRangesIn(r.searchFields, r.searchValues[0], r.searchValues[1]))) &&
      validTechniqueCuts(s.techniqueCuts, r.techniques.length)
    )
  ) {
    return null;
  }
  const { names, files, ruleFiles } = s;
  if (!Array.isArray(names) || !names.every(isStr)) return null;
  const tables = stamps(s.stampsFile as string);
  if (!tables) return null;
  const { sources } = tables;
  const n = sources.length;
  if (!Array.isArray(files) || files.length % 5 || !files.every(isInt) || !Array.isArray(ruleFiles) || ruleFiles.length % 3 || !ruleFiles.every(isInt)) return null;
  const nameAt = (i: number) => (i < 0 ? undefined : names[i]);
  const entries: FileEntry[] = [];
  for (let i = 0; i < files.length; i += 5) {
    // Read by index: destructuring a slice would make an array and an iterator per file, in code run once.
    const p = files[i] as number;
    const format = files[i + 1] as number;
    const vendor = files[i + 2] as number;
    const role = files[i + 3] as number;
    const rules = files[i + 4] as number;
    if (p < 0 || p >= n || format >= names.length || vendor >= names.length || rules < 0) return null;
    const e: FileEntry = { path: sources.name(p), format: (nameAt(format) ?? null) as FileEntry['format'], rules };
    const vn = nameAt(vendor);
    if (vn !== undefined) e.vendor = vn as FileEntry['vendor'];
    if (role === 0) e.role = 'rules';
    else if (role === 1) e.role = 'support';
    entries.push(e);
  }
  for (let i = 0; i < ruleFiles.length; i += 3) {
    if (ruleFiles[i]! < 0 || ruleFiles[i]! >= n || ruleFiles[i + 1]! < 0 || ruleFiles[i + 2]! < 0) return null;
  }
  const { names: _n, files: _f, ...rest } = s;
  const state: SnapshotState = { ...(rest as unknown as SnapshotState), ...tables, files: entries };
  storedOf.set(state, s as unknown as StoredState);
  return state;
}

/** A state's `techniqueCuts`: absent, or the row limit and a cut per technique. */
function validTechniqueCuts(v: unknown, techniques: number): boolean {
  return v === undefined || (isRecord(v) && isInt(v.rowLimit) && v.rowLimit >= 0 && validCuts(v.cuts, techniques));
}

/** The three stamp tables of a state. */
type Stamps = Pick<SnapshotState, 'sources' | 'dirs' | 'outputs'>;

/**
 * A stamps file's tables: a header (magic, whether the folders' table is
 * there), then the sources', the folders' and the outputs' tables
 * (`StampTable.encode`); null when it is anything else.
 */
function decodeStamps(buf: Buffer): Stamps | null {
  // The tables' columns are read in place: their bytes must start at a multiple of 8.
  const b = buf.byteOffset % 8 ? Buffer.from(buf) : buf;
  if (b.byteOffset % 8 || b.length < 8 || b.readUInt32LE(0) !== STAMPS_MAGIC) return null;
  const hasDirs = b.readUInt32LE(4);
  if (hasDirs !== 0 && hasDirs !== 1) return null;
  const src = StampTable.decode(b, 8);
  if (!src || !src.table.hasSources) return null;
  let at = src.end;
  let dirs: StampTable | null = null;
  if (hasDirs) {
    const d = StampTable.decode(b, at);
    if (!d || d.table.hasSources) return null;
    dirs = d.table;
    at = d.end;
  }
  const o = StampTable.decode(b, at);
  if (!o || o.table.hasSources || o.end !== b.length) return null;
  return { sources: src.table, dirs, outputs: o.table };
}

function encodeStamps(t: Stamps): Uint8Array[] {
  const head = new Uint8Array(Uint32Array.of(STAMPS_MAGIC, t.dirs ? 1 : 0).buffer);
  return [head, ...t.sources.encode(), ...(t.dirs ? t.dirs.encode() : []), ...t.outputs.encode()];
}

function readBounded(path: string): Buffer | null {
  if (!existsSync(path) || statSync(path).size > MAX_BYTES) return null;
  return readFileSync(path);
}

/** The id columns of a predicates file, checked against `n` rules and `strings` strings; null when malformed. */
function readPreds(buf: Buffer, n: number, strings: number): PredicateIds | null {
  if (buf.length < 12 || buf.length % 4) return null;
  // A Buffer may start at any offset of its memory: copied only when not aligned.
  const all = buf.byteOffset % 4 === 0 ? new Int32Array(buf.buffer, buf.byteOffset, buf.length / 4) : new Int32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
  if (all[0] !== PREDS_MAGIC || all[1] !== n) return null;
  const total = all[2]!;
  if (total < 0 || all.length !== 3 + n + 1 + COLUMNS.length * total) return null;
  let at = 3;
  const off = all.subarray(at, (at += n + 1));
  if (off[0] !== 0 || off[n] !== total) return null;
  for (let r = 0; r < n; r++) if (off[r + 1]! < off[r]!) return null;
  const out = { off } as PredicateIds;
  for (const c of COLUMNS) out[c] = all.subarray(at, (at += total));
  // Each column checked by one small function (`inRange`): V8 optimizes its loop early and then keeps the
  // code for every call, where the same loops inline here ran 1.1 million times mostly unoptimized (11 ms
  // of a rebuild against 3–4).
  for (const c of COLUMNS) {
    const col = out[c];
    const ok = NULLABLE_IDS.has(c) ? inRange(col, -1, strings) : IDS.has(c) ? inRange(col, 0, strings) : c === 'reach' ? inRange(col, -1, 2 ** 31) : c === 'aliased' ? inRange(col, 0, 2) : true;
    if (!ok) return null;
  }
  return out;
}

/**
 * The state of the last build with this key, or the reason there is none to
 * use. Read first and alone: the rebuild checks the sources' stamps with it
 * before the heap holds the rest of the snapshot (`readSnapshotData`).
 */
export function readSnapshotState(dir: string, key: string): SnapshotState | string {
  try {
    const stateBytes = readBounded(join(dir, STATE_FILE));
    if (!stateBytes) return 'no snapshot of a previous build in the cache directory';
    let damaged = false;
    const stamps = (name: string): Stamps | null => {
      const bytes = readBounded(join(dir, name));
      const t = bytes && decodeStamps(bytes);
      if (!t) damaged = true;
      return t;
    };
    const state = decodeState(parseJson(stateBytes), key, stamps);
    if (damaged) return 'snapshot stamps file is damaged';
    return state ?? 'the code or the options changed since the last build';
  } catch (e) {
    return `snapshot not readable: ${(e as Error).message}`;
  }
}

/** One record line of a rules file (`encodeRecord`), checked; null when it is not one. */
function parseRecord(text: string): RuleRecord | null {
  let row: unknown;
  try {
    row = JSON.parse(text);
  } catch {
    return null;
  }
  if (!Array.isArray(row) || row.length !== 4 || !validFacts(row[0]) || !Array.isArray(row[1]) || !(row[2] === null || isStr(row[2])) || !isStr(row[3])) return null;
  const c = row[1] as unknown[];
  const st = STATUSES[c[0] as number];
  const warnings = c[2];
  const failures = c[3];
  if (!st || typeof warnings !== 'number' || !Array.isArray(failures)) return null;
  const f = row[0];
  return { facts: f, check: { vendor: f.vendor, language: f.language, kind: f.kind, status: st, noQuery: c[1] === 1, warnings, failures: failures as RuleCheck['failures'] }, name: row[2] as string | null, slug: row[3] };
}

/**
 * The rule records and strings of the snapshot `state` names, or why they
 * cannot be used. The predicate identities are read apart, only when a
 * change needs them all (`readSnapshotPreds`).
 */
export function readSnapshotData(dir: string, state: SnapshotState): Snapshot | string {
  try {
    const rulesPath = join(dir, state.rulesFile);
    const stringsPath = join(dir, state.stringsFile);
    if (!existsSync(stringsPath) || statSync(stringsPath).size > MAX_BYTES) return 'snapshot files missing or too large';
    // Strings are read from the file as they are asked for (a rebuild whose predicates stayed reads a few).
    const strings = new SnapshotStrings(stringsPath, state.strings);
    // The rules file a record (line) at a time through the shared buffer: only the records are kept.
    const records: RuleRecord[] = [];
    const lines: number[] = [];
    let line = 0;
    let closed = false;
    let damaged = false;
    const read = eachLine(rulesPath, (buf, start, end, fileAt) => {
      // "[", one record per line (each but the last followed by a comma), "]", and nothing after it.
      const bracket = end - start === 1 ? buf[start] : -1;
      if (line++ === 0 ? bracket !== 0x5b : closed) {
        damaged = true;
        return true;
      }
      if (line === 1) return false;
      if (bracket === 0x5d) {
        closed = true;
        return false;
      }
      const last = buf[end - 1] === 0x2c ? end - 1 : end;
      const record = parseRecord(buf.toString('latin1', start, last));
      if (!record) return (damaged = true);
      records.push(record);
      lines.push(fileAt, fileAt + (last - start));
      return false;
    });
    if (read === 'missing') return 'snapshot files missing or too large';
    if (read !== true || damaged || !closed) return 'snapshot rules file is damaged';
    return { state, records, strings, rulesPath, lines };
  } catch (e) {
    return `snapshot not readable: ${(e as Error).message}`;
  }
}

/** The predicate identities of the snapshot `state` names (checked against its rule records), or why they cannot be used. */
export function readSnapshotPreds(dir: string, state: SnapshotState, snap: Pick<Snapshot, 'records'>): PredicateIds | string {
  try {
    const predsBytes = readBounded(join(dir, state.predsFile));
    if (!predsBytes) return 'snapshot files missing or too large';
    const ids = readPreds(predsBytes, snap.records.length, state.strings);
    if (!ids) return 'snapshot predicates file is damaged';
    for (let i = 0; i < snap.records.length; i++) if (snap.records[i]!.facts.predicates !== ids.off[i + 1]! - ids.off[i]!) return 'snapshot files do not match';
    return ids;
  } catch (e) {
    return `snapshot not readable: ${(e as Error).message}`;
  }
}

/**
 * Write the state (beside, then renamed: a crash leaves the old one or the
 * new one, never half of one). `base`: the state it was derived from, as read.
 * The stamps go to a new stamps file, whose name is recorded in
 * `state.stampsFile` (what `removeStale` then keeps).
 */
export function writeState(dir: string, state: SnapshotState, base?: SnapshotState): void {
  // The stamps under a new name first: the state names them, and a crash before the rename leaves the previous pair.
  const stampsFile = freshName(dir, STAMPS_PREFIX, '.bin');
  writeNew(dir, STAMPS_PREFIX, stampsFile, encodeStamps(state));
  const path = join(dir, STATE_FILE);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, asciiJson(JSON.stringify(encodeState(state, stampsFile, base))));
  renameSync(tmp, path);
  state.stampsFile = stampsFile;
}

/** A name for a new file of the snapshot (not taken yet). */
function freshName(dir: string, prefix: string, ext: string): string {
  let n = Date.now();
  while (existsSync(join(dir, `${prefix}${n}${ext}`))) n++;
  return `${prefix}${n}${ext}`;
}

/**
 * Write `chunks` as one file, new or (`over`) an existing one written from
 * its start and cut to length: bytes as they are (a rebuild's are mostly
 * views of what it read, not copied into one buffer first), each run of
 * strings joined into one write.
 */
function writeChunks(path: string, chunks: readonly (string | Uint8Array | FileRange)[], from?: string, over = false): void {
  const fd = over ? openSync(path, constants.O_WRONLY | O_NOFOLLOW) : openSync(path, 'w');
  let src: number | null = null;
  try {
    let total = 0;
    const put = (b: Uint8Array) => {
      for (let done = 0; done < b.byteLength; ) done += writeSync(fd, b, done, b.byteLength - done);
      total += b.byteLength;
    };
    let texts: string[] = [];
    for (const c of chunks) {
      if (typeof c === 'string') {
        texts.push(c);
        continue;
      }
      if (texts.length) put(Buffer.from(texts.join('')));
      texts = [];
      if (!(c instanceof FileRange)) {
        put(c);
        continue;
      }
      // A range of the previous file, copied through the shared buffer.
      if (from === undefined) throw new Error('writeChunks: a file range without its file');
      src ??= openSync(from, 'r');
      const buf = scratch();
      for (let p = c.start; p < c.end; ) {
        const k = readSync(src, buf, 0, Math.min(buf.length, c.end - p), p);
        if (k <= 0) throw new DamagedSnapshot('snapshot rules file is shorter than recorded');
        put(buf.subarray(0, k));
        p += k;
      }
    }
    if (texts.length) put(Buffer.from(texts.join('')));
    // Written over an older file: cut to what was written.
    if (over) ftruncateSync(fd, total);
  } finally {
    if (src !== null) closeSync(src);
    closeSync(fd);
  }
}

/**
 * Write `chunks` as the new file `name` of the kind `prefix`: over the kind's
 * spare when there is one (a plain file with one name, renamed to `name`),
 * else as a new file.
 */
function writeNew(dir: string, prefix: string, name: string, chunks: readonly (string | Uint8Array | FileRange)[], from?: string): void {
  const path = join(dir, name);
  writeChunks(path, chunks, from, takeSpare(join(dir, spareOf(prefix)), path));
}

/** Rename `spare` to `path` when it is a plain file with one name; whether it was. */
function takeSpare(spare: string, path: string): boolean {
  try {
    const st = lstatSync(spare);
    if (!st.isFile() || st.nlink !== 1) return false;
    renameSync(spare, path);
    return true;
  } catch {
    return false;
  }
}

/** Write a support file (vendor to saved state) under a new name; returns the name. */
export function writeSupport(dir: string, states: Partial<Record<string, unknown>>): string {
  const name = freshName(dir, SUPPORT_PREFIX, '.json');
  writeNew(dir, SUPPORT_PREFIX, name, [asciiJson(JSON.stringify(states))]);
  return name;
}

/**
 * The saved state of `vendor` in the support file `state` names; undefined
 * when there is none (no file, or no state of that vendor in it). A file
 * that cannot be read or parsed throws (the rebuild then builds in full).
 */
export function readSupportState(dir: string, state: Pick<SnapshotState, 'supportFile'>, vendor: string): unknown {
  if (!state.supportFile) return undefined;
  const bytes = readBounded(join(dir, state.supportFile));
  if (!bytes) throw new Error('snapshot support file missing or too large');
  let all: unknown;
  try {
    all = parseJson(bytes);
  } catch {
    all = null;
  }
  if (!isRecord(all)) throw new Error('snapshot support file is damaged');
  return Object.hasOwn(all, vendor) ? all[vendor] : undefined;
}

/** Write a rules file under a new name; returns the name. */
export function writeRules(dir: string, text: readonly (string | Uint8Array)[] | RecordChunks): string {
  const name = freshName(dir, RULES_PREFIX, '.json');
  if (Array.isArray(text)) writeNew(dir, RULES_PREFIX, name, text);
  else writeNew(dir, RULES_PREFIX, name, (text as RecordChunks).chunks, (text as RecordChunks).from);
  return name;
}

const SEPARATOR = Buffer.from(',\n');

/**
 * The chunks of a rules file that is `snap`'s with the records in `replace`
 * (rule index to record line) put in: each run of kept records is one view of
 * the bytes read (their separators included), as `arrayFileChunks` would lay
 * them out.
 */
export function splicedRecords(snap: Pick<Snapshot, 'rulesPath' | 'lines'>, replace: ReadonlyMap<number, string>): RecordChunks {
  const n = snap.lines.length / 2;
  if (n === 0) return { from: snap.rulesPath, chunks: ['[\n]\n'] };
  const out: (string | Uint8Array | FileRange)[] = ['[\n'];
  for (let i = 0; i < n; ) {
    if (i) out.push(SEPARATOR);
    const line = replace.get(i);
    if (line !== undefined) {
      out.push(line);
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < n && !replace.has(j + 1)) j++;
    out.push(new FileRange(snap.lines[2 * i]!, snap.lines[2 * j + 1]!));
    i = j + 1;
  }
  out.push('\n]\n');
  return { from: snap.rulesPath, chunks: out };
}

/** A rules file's text: strings, bytes and ranges of the file `from` (the previous rules file). */
export interface RecordChunks {
  from: string;
  chunks: (string | Uint8Array | FileRange)[];
}

/** Write a predicates file under a new name; returns the name. */
export function writePreds(dir: string, ids: PredicateIds): string {
  const name = freshName(dir, PREDS_PREFIX, '.bin');
  const n = ids.off.length - 1;
  const total = ids.flags.length;
  const bytes = (a: Int32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  // The columns as they are (views), not copied into one array first.
  writeNew(dir, PREDS_PREFIX, name, [bytes(Int32Array.of(PREDS_MAGIC, n, total)), bytes(ids.off), ...COLUMNS.map((c) => bytes(ids[c]))]);
  return name;
}

/** Write a strings file (`SnapshotStrings`) under a new name; returns the name. */
export function writeStrings(dir: string, strings: readonly string[]): string {
  const name = freshName(dir, STRINGS_PREFIX, '.bin');
  const t = encodeStrings(strings, 0);
  const size = t.ends[strings.length]!;
  writeNew(dir, STRINGS_PREFIX, name, [t.blob, new Uint8Array(pad4(size) - size), ...stringsTail(t.ends, t.kinds, strings.length)]);
  return name;
}

/** The offsets, kinds and trailer of a strings file of `n` strings. */
function stringsTail(ends: Int32Array, kinds: Uint8Array, n: number): Uint8Array[] {
  const k = new Uint8Array(pad4(n));
  k.set(kinds.subarray(0, n));
  return [new Uint8Array(ends.buffer, ends.byteOffset, 4 * (n + 1)), k, new Uint8Array(Int32Array.of(pad4(ends[n]!), n, STRINGS_MAGIC).buffer)];
}

/**
 * Append strings to a strings file in place: the new strings are written
 * over the old offsets, which follow them, made longer. Earlier ids keep
 * their strings (`before`: how many the file holds); a crash in the middle
 * leaves a file whose trailer no longer matches it (the next build is then a
 * full one).
 */
export function appendStrings(dir: string, name: string, added: readonly string[], before: number): void {
  if (!added.length) return;
  const path = join(dir, name);
  const fd = openSync(path, 'r+');
  try {
    const size = fstatSync(fd).size;
    if (size < 16) throw new Error(`${path}: not a strings file`);
    const { n, tablesAt } = stringsTrailer(readAt(fd, size - 12, size, path), 0, size);
    const old = stringsTableOf(readAt(fd, tablesAt, size, path), size, before, tablesAt, n);
    if (n !== before) throw new Error(`${path}: not the strings file of this build`);
    const t = encodeStrings(added, old.ends[n]!);
    const m = n + added.length;
    const ends = new Int32Array(m + 1);
    ends.set(old.ends);
    ends.set(t.ends.subarray(1), n + 1);
    const kinds = new Uint8Array(m);
    kinds.set(old.kinds);
    kinds.set(t.kinds, n);
    const end = ends[m]!;
    const chunks = [t.blob, new Uint8Array(pad4(end) - end), ...stringsTail(ends, kinds, m)];
    let at = old.ends[n]!;
    for (const c of chunks) {
      for (let done = 0; done < c.length; ) done += writeSync(fd, c, done, c.length - done, at + done);
      at += c.length;
    }
  } finally {
    closeSync(fd);
  }
}

/** Remove the snapshot files other than those `state` names (those of earlier states). */
export function removeStale(dir: string, state: Pick<SnapshotState, 'rulesFile' | 'predsFile' | 'stringsFile' | 'interningFile' | 'stampsFile' | 'supportFile'>): void {
  const keep = new Set([state.rulesFile, state.predsFile, state.stringsFile, state.interningFile, state.stampsFile, ...(state.supportFile ? [state.supportFile] : [])]);
  const names = readdirSync(dir);
  const spares = new Set(names.filter((n) => n.startsWith(SPARE_PREFIX)));
  for (const name of names) {
    const prefix = KIND_PREFIXES.find((p) => name.startsWith(p));
    if (keep.has(name) || prefix === undefined) continue;
    // One file of each kind is kept as its spare (the next file of that kind is written over it).
    const spare = spareOf(prefix);
    if (!spares.has(spare)) {
      try {
        renameSync(join(dir, name), join(dir, spare));
        spares.add(spare);
        continue;
      } catch {
        /* then removed */
      }
    }
    try {
      unlinkSync(join(dir, name));
    } catch {
      /* another build's, or gone */
    }
  }
}

/** The per-rule lists of `RuleUses` in file order: each offsets column, then the columns it indexes. */
const USE_LISTS = [
  ['indOff', ['ind']],
  ['exclOff', ['excl']],
  ['fieldOff', ['fieldId', 'fieldFlags', 'fieldOps']],
  ['writtenOff', ['written']],
] as const;

/** Strings whose every code unit fits in a byte are kept as Latin-1; any other as UTF-16 (exact, lone surrogates too). */
const WIDE = /[^\u0000-\u00ff]/;

/**
 * Strings as bytes: their end offsets (from `start`, which comes first), one
 * kind byte per string (0 Latin-1, 1 UTF-16LE), and the strings' bytes.
 * Strings whose every code unit fits in a byte are kept as Latin-1; any other
 * as UTF-16 (exact, lone surrogates too).
 */
function encodeStrings(strings: readonly string[], start: number): { ends: Int32Array; kinds: Uint8Array; blob: Buffer } {
  const ends = new Int32Array(strings.length + 1);
  const kinds = new Uint8Array(strings.length);
  ends[0] = start;
  let size = start;
  for (let i = 0; i < strings.length; i++) {
    const wide = WIDE.test(strings[i]!);
    kinds[i] = wide ? 1 : 0;
    size += wide ? 2 * strings[i]!.length : strings[i]!.length;
    ends[i + 1] = size;
  }
  const blob = Buffer.allocUnsafe(size - start);
  // Runs of Latin-1 strings written at once (most strings are), each wider one alone.
  for (let i = 0; i < strings.length; ) {
    if (kinds[i]) {
      blob.write(strings[i]!, ends[i]! - start, 'utf16le');
      i++;
      continue;
    }
    let j = i + 1;
    while (j < strings.length && !kinds[j] && j - i < 4096) j++;
    blob.write(j - i === 1 ? strings[i]! : strings.slice(i, j).join(''), ends[i]! - start, 'latin1');
    i = j;
  }
  return { ends, kinds, blob };
}

/**
 * A string table as bytes a reader can decode one string at a time: each
 * string's end offset (after a first 0), one kind byte per string (padded to
 * 4 bytes), then the strings (`encodeStrings`).
 */
function stringTableChunks(strings: readonly string[]): Uint8Array[] {
  const t = encodeStrings(strings, 0);
  const kinds = new Uint8Array(Math.ceil(strings.length / 4) * 4);
  kinds.set(t.kinds);
  return [new Uint8Array(t.ends.buffer), kinds, t.blob];
}

/**
 * Write an interning (with each rule's predicate offsets, `off`) under a new
 * name; returns the name. Its strings are its own (a table after the
 * columns, `stringTableChunks`), so it reads without the strings file, and a
 * reader decodes only the strings it asks for.
 */
export function writeInterning(dir: string, s: StoredInterning, off: Int32Array): string {
  const reused = s.from && tablesRead.get(s.from.base);
  if (reused && s.from && s.fields === s.from.base.fields && s.ops === s.from.base.ops && s.writtenVendor === s.from.base.writtenVendor && s.writtenName === s.from.base.writtenName) return writePatchedInterning(dir, s, off, s.from, reused);
  const strings: string[] = [];
  const index = new Map<string, number>();
  const id = (v: string | null | undefined): number => {
    if (v === null || v === undefined) return -1;
    let i = index.get(v);
    if (i === undefined) index.set(v, (i = strings.push(v) - 1));
    return i;
  };
  // Plain loops: `Int32Array.from` with a mapping function goes through the iterator protocol.
  const ints = (xs: readonly (string | null | undefined)[]) => {
    const out = new Int32Array(xs.length);
    for (let i = 0; i < xs.length; i++) out[i] = id(xs[i]);
    return out;
  };
  const perKey = (f: (k: number) => string | undefined) => {
    const out = new Int32Array(s.keyFid.length);
    for (let k = 0; k < out.length; k++) out[k] = id(f(k));
    return out;
  };
  const ids: InterningStringIds = {
    fields: ints(s.fields),
    ops: ints(s.ops),
    keyDisplay: perKey(s.keyDisplay),
    keyRegex: perKey(s.keyRegexFlags),
    writtenVendor: ints(s.writtenVendor),
    writtenName: ints(s.writtenName),
  };
  return writeInterningFile(dir, s, off, ids, strings.length, stringTableChunks(strings));
}

/** The string ids of an interning file's columns (into the table after them). */
interface InterningStringIds {
  fields: Int32Array;
  ops: Int32Array;
  keyDisplay: Int32Array;
  keyRegex: Int32Array;
  writtenVendor: Int32Array;
  writtenName: Int32Array;
}

/** An interning file's string table as read (`readInterning`): its bytes, where its strings start, its offsets and kinds, and the ids its columns held. */
interface TableRead {
  buf: Buffer;
  base: number;
  ends: Int32Array;
  kinds: Uint8Array;
  ids: InterningStringIds;
}

/** The table each interning read from a file came with (`writeInterning` reuses it for one patched from it). */
const tablesRead = new WeakMap<StoredInterning, TableRead>();

function writeInterningFile(dir: string, s: StoredInterning, off: Int32Array, ids: InterningStringIds, nStrings: number, table: Uint8Array[]): string {
  const n = off.length - 1;
  const u = s.uses;
  const cols: Int32Array[] = [
    ids.fields,
    ids.ops,
    s.keyFid,
    s.keyOp,
    ids.keyDisplay,
    ids.keyRegex,
    Int32Array.from(s.keyAnchored),
    s.keyState.first,
    Int32Array.from(s.keyState.ci),
    s.keyState.alias,
    Int32Array.from(s.writtenField),
    ids.writtenVendor,
    ids.writtenName,
  ];
  for (const [o, lists] of USE_LISTS) cols.push(u[o], ...lists.map((l) => u[l]));
  cols.push(off, u.predKey, u.predOwnKey, u.predFlags, u.predRawKey);
  const head = Int32Array.of(INTERNING_MAGIC, n, s.fields.length, s.ops.length, s.keyFid.length, s.writtenField.length, off[n]!, nStrings);
  const bytes = (a: Int32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const name = freshName(dir, INTERNING_PREFIX, '.bin');
  writeNew(dir, INTERNING_PREFIX, name, [bytes(head), ...cols.map(bytes), ...table]);
  return name;
}

/**
 * An interning patched from one read from a file, written with that file's
 * string table: a key the patch left alone keeps its strings' ids there,
 * the strings of the others are appended (each once). Nothing is decoded or
 * looked up but those.
 */
function writePatchedInterning(dir: string, s: StoredInterning, off: Int32Array, from: NonNullable<StoredInterning['from']>, t: TableRead): string {
  const S = t.kinds.length;
  const added: string[] = [];
  const index = new Map<string, number>();
  const id = (v: string | undefined): number => {
    if (v === undefined) return -1;
    let i = index.get(v);
    if (i === undefined) index.set(v, (i = S + added.push(v) - 1));
    return i;
  };
  const nKeys = s.keyFid.length;
  const keyDisplay = new Int32Array(nKeys);
  const keyRegex = new Int32Array(nKeys);
  for (let k = 0; k < nKeys; k++) {
    const o = from.oldOf[k]!;
    if (from.changed[k] || o < 0) {
      keyDisplay[k] = id(s.keyDisplay(k));
      keyRegex[k] = id(s.keyRegexFlags(k));
    } else {
      keyDisplay[k] = t.ids.keyDisplay[o]!;
      keyRegex[k] = t.ids.keyRegex[o]!;
    }
  }
  const more = encodeStrings(added, t.ends[S]!);
  const ends = new Int32Array(S + added.length + 1);
  ends.set(t.ends);
  ends.set(more.ends.subarray(1), S + 1);
  const kinds = new Uint8Array(Math.ceil((S + added.length) / 4) * 4);
  kinds.set(t.kinds);
  kinds.set(more.kinds, S);
  const table = [new Uint8Array(ends.buffer), kinds, t.buf.subarray(t.base, t.base + t.ends[S]!), more.blob];
  return writeInterningFile(dir, s, off, { ...t.ids, keyDisplay, keyRegex }, S + added.length, table);
}

/** An interning file of `n` rules (what `writeInterning` wrote, checked), with the rules' predicate offsets; null when malformed. */
export function readInterning(dir: string, name: string, n: number): { stored: StoredInterning; off: Int32Array } | null {
  const buf = readBounded(join(dir, name));
  if (!buf || buf.length < 32) return null;
  const all = buf.byteOffset % 4 === 0 ? new Int32Array(buf.buffer, buf.byteOffset, Math.floor(buf.length / 4)) : new Int32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length - (buf.length % 4)));
  const [magic, rules, nFields, nOps, nKeys, nWritten, nPreds, nStrings] = all;
  if (magic !== INTERNING_MAGIC || rules !== n || [nFields, nOps, nKeys, nWritten, nPreds, nStrings].some((x) => x! < 0)) return null;
  let at = 8;
  const take = (len: number): Int32Array | null => (len < 0 || at + len > all.length ? null : all.subarray(at, (at += len)));
  const fields = take(nFields!);
  const ops = take(nOps!);
  const keyFid = take(nKeys!);
  const keyOp = take(nKeys!);
  const keyDisplay = take(nKeys!);
  const keyRegex = take(nKeys!);
  const keyAnchored = take(nKeys!);
  const keyFirst = take(nKeys!);
  const keyCi = take(nKeys!);
  const keyAlias = take(nKeys!);
  const writtenField = take(nWritten!);
  const writtenVendor = take(nWritten!);
  const writtenName = take(nWritten!);
  const S = nStrings!;
  if (!inRange(fields, -1, S) || !inRange(ops, 0, S) || !inRange(keyFid, 0, nFields!) || !inRange(keyOp, 0, nOps!) || !inRange(keyDisplay, 0, S) || !inRange(keyRegex, -1, S) || !inRange(keyAnchored, 0, 2)) return null;
  if (!inRange(keyFirst, 0, nPreds!) || !inRange(keyCi, 0, 2) || !inRange(keyAlias, 0, nKeys!)) return null;
  if (!inRange(writtenField, 0, nFields!) || !inRange(writtenVendor, 0, S) || !inRange(writtenName, 0, S)) return null;
  /** An offsets column of the n rules (from 0, never decreasing) and its end. */
  const offsets = (): Int32Array | null => {
    const o = take(n + 1);
    if (!o || o[0] !== 0) return null;
    for (let r = 0; r < n; r++) if (o[r + 1]! < o[r]!) return null;
    return o;
  };
  const uses = {} as RuleUses;
  const bounds: Record<string, [number, number]> = { ind: [0, 2 * nKeys!], excl: [0, 2 * nKeys!], fieldId: [0, nFields!], fieldFlags: [0, 4], fieldOps: [0, 2 ** 31 - 1], written: [0, nWritten!] };
  for (const [o, lists] of USE_LISTS) {
    const oc = offsets();
    if (!oc) return null;
    uses[o] = oc;
    for (const l of lists) {
      const c = take(oc[n]!);
      if (!inRange(c, ...bounds[l]!)) return null;
      uses[l] = c;
    }
  }
  const off = offsets();
  if (!off || off[n] !== nPreds) return null;
  const predKey = take(nPreds!);
  const predOwnKey = take(nPreds!);
  const predFlags = take(nPreds!);
  const predRawKey = take(nPreds!);
  if (!inRange(predKey, -1, nKeys!) || !inRange(predOwnKey, -1, nKeys!) || !inRange(predFlags, 0, 32) || !inRange(predRawKey, 0, nKeys!)) return null;
  Object.assign(uses, { predKey, predOwnKey, predFlags, predRawKey });
  // The string table (`stringTableChunks`): checked whole, decoded a string at a time.
  const ends = take(S + 1);
  const kindWords = take(Math.ceil(S / 4));
  if (!ends || !kindWords || ends[0] !== 0) return null;
  const kinds = new Uint8Array(kindWords.buffer, kindWords.byteOffset, S);
  const base = at * 4;
  if (buf.length - base !== ends[S]) return null;
  if (!validStrings(ends, kinds, S)) return null;
  const decoded: (string | undefined)[] = new Array(S);
  const str = (i: number): string => (decoded[i] ??= buf.toString(kinds[i] ? 'utf16le' : 'latin1', base + ends[i]!, base + ends[i + 1]!));
  const nullable = (i: number) => (i < 0 ? undefined : str(i));
  const stored: StoredInterning = {
    fields: Array.from(fields, (i) => (i < 0 ? null : str(i))),
    ops: Array.from(ops, str) as PredicateOp[],
    keyFid,
    keyOp,
    // Decoded when a key is first asked for (`restoreInterning`).
    keyDisplay: (k) => str(keyDisplay[k]!),
    keyDisplayLength: (k) => {
      const i = keyDisplay[k]!;
      return (ends[i + 1]! - ends[i]!) >> kinds[i]!;
    },
    keyRegexFlags: (k) => nullable(keyRegex[k]!),
    keyAnchored: Uint8Array.from(keyAnchored),
    keyState: { first: keyFirst, ci: Uint8Array.from(keyCi), alias: keyAlias },
    writtenField: Array.from(writtenField),
    writtenVendor: Array.from(writtenVendor, str),
    writtenName: Array.from(writtenName, str),
    uses,
  };
  tablesRead.set(stored, { buf, base, ends, kinds, ids: { fields, ops, keyDisplay, keyRegex, writtenVendor, writtenName } });
  return { stored, off };
}

/** The identity columns of some rules' predicates (`PredicateStreams` order), as strings: what a change is compared with. */
export interface RuleIdentities {
  flags: number[];
  /** Per predicate: field, written, op, norm, display, folded norm, regex flags (null: none). */
  strings: (string | null)[][];
}

const IDENTITY_COLUMNS = ['field', 'written', 'op', 'norm', 'display', 'foldedNorm', 'regexFlags'] as const;

/**
 * The predicate identities of rules `which` from the predicates file, read in
 * place (the header, the offsets and each rule's run of every column): a
 * rebuild compares them with the changed rules' without reading the whole
 * file. Null when the file does not have them.
 */
export function readRuleIdentities(dir: string, state: SnapshotState, strings: SnapshotStrings, which: readonly number[]): RuleIdentities[] | null {
  const fd = openSync(join(dir, state.predsFile), 'r');
  try {
    const ints = (at: number, len: number): Int32Array | null => {
      const b = Buffer.alloc(len * 4);
      for (let got = 0; got < b.length; ) {
        const k = readSync(fd, b, got, b.length - got, at * 4 + got);
        if (k <= 0) return null;
        got += k;
      }
      return new Int32Array(b.buffer, b.byteOffset, len);
    };
    const head = ints(0, 3);
    if (!head || head[0] !== PREDS_MAGIC) return null;
    const n = head[1]!;
    const total = head[2]!;
    const off = ints(3, n + 1);
    if (!off) return null;
    const base = 3 + n + 1;
    const out: RuleIdentities[] = [];
    for (const r of which) {
      if (r < 0 || r >= n) return null;
      const a = off[r]!;
      const len = off[r + 1]! - a;
      if (a < 0 || len < 0 || a + len > total) return null;
      const flags = ints(base + a, len);
      if (!flags) return null;
      const cols: Int32Array[] = [];
      for (const c of IDENTITY_COLUMNS) {
        const col = ints(base + (COLUMNS.indexOf(c) * total) + a, len);
        if (!inRange(col, -1, state.strings)) return null;
        cols.push(col);
      }
      out.push({ flags: Array.from(flags), strings: Array.from({ length: len }, (_, q) => cols.map((col) => (col[q]! < 0 ? null : strings.at(col[q]!)))) });
    }
    return out;
  } finally {
    closeSync(fd);
  }
}

/**
 * Whether a string table's `n` strings have lengths (from their end offsets)
 * that are not negative and a kind byte each, 0 (Latin-1) or 1 (UTF-16LE, an
 * even length). A small function of its own, as `inRange`.
 */
function validStrings(ends: Int32Array, kinds: Uint8Array, n: number): boolean {
  for (let i = 0; i < n; i++) {
    const len = ends[i + 1]! - ends[i]!;
    if (len < 0 || kinds[i]! > 1 || (kinds[i] === 1 && len % 2 !== 0)) return false;
  }
  return true;
}

/** A column whose every value is in [lo, hi) (false for none). */
function inRange(a: Int32Array | null, lo: number, hi: number): a is Int32Array {
  if (!a) return false;
  for (let i = 0; i < a.length; i++) if (a[i]! < lo || a[i]! >= hi) return false;
  return true;
}
