/**
 * File stamps as columns: the walked files (with their text hashes and
 * kinds), the walked folders and the output files of a build snapshot
 * (snapshot.ts), stored in binary and read in place.
 *
 * A rebuild checks every stamp of the previous build (9,000 sources and,
 * with the web site, 10,000 outputs) and needs the paths, hashes and kinds
 * of a handful. Kept as JSON, the state made three strings and an object
 * per file, 11 MB of fresh memory and 70–90 ms to read back on this kind of
 * machine (docs/performance.md, "Fresh memory"). Here a stamp stays five
 * doubles (size, mtimeMs, ctimeMs, ino, dev) compared with a `Stats` as
 * numbers, a hash 32 bytes, and a path bytes decoded only when asked for.
 * A stamp's text form (`stampOf` in loader/file-stamps.ts) prints the same
 * five numbers, so comparing the numbers is comparing the texts.
 */
import { isAscii } from 'node:buffer';
import type { Stats } from 'node:fs';
import type { SourceStamp } from '../loader/load.js';

export type SourceKind = SourceStamp['kind'];
const KINDS: readonly SourceKind[] = ['rules', 'support', 'other', 'never', 'error'];
const KIND_CODE = new Map(KINDS.map((k, i) => [k, i]));
/** Bit of a kind byte: the entry has a hash. */
const HASHED = 8;
const NUMS = 5;
const HASH_BYTES = 32;
const HEX64 = /^[0-9a-f]{64}$/;
const TABLE_MAGIC = 0x31425453; // "STB1"

/** One entry as given to `StampTable.of`: a source (with hash and kind) or a plain stamp. */
export interface StampEntry {
  name: string;
  stamp: string | null;
  hash?: string | null;
  kind?: SourceKind;
}

/** A change to one entry (`StampTable.with`): its new stamp, and with sources its new hash. */
export interface StampChange {
  stamp: string | null;
  hash?: string | null;
}

function parseStamp(stamp: string | null, nums: Float64Array, at: number): void {
  if (stamp === null) {
    nums.fill(NaN, at, at + NUMS);
    return;
  }
  const parts = stamp.split(':');
  if (parts.length !== NUMS) throw new Error(`not a file stamp: ${stamp}`);
  for (let k = 0; k < NUMS; k++) {
    const v = Number(parts[k]);
    // Only a text the numbers print back to exactly (what `stampOf` writes) is kept as numbers.
    if (!Number.isFinite(v) || String(v) !== parts[k]) throw new Error(`not a file stamp: ${stamp}`);
    nums[at + k] = v;
  }
}

function hexBytes(hash: string, into: Uint8Array, at: number): void {
  for (let k = 0; k < HASH_BYTES; k++) into[at + k] = parseInt(hash.slice(2 * k, 2 * k + 2), 16);
}

const align8 = (n: number) => (n + 7) & ~7;

/**
 * Whether each of `n` stamps is five finite numbers, or none at all (NaN in
 * every place). A small function of its own: V8 optimizes its loop early (a
 * rebuild checks 19,000 stamps).
 */
function validStamps(nums: Float64Array, n: number): boolean {
  for (let i = 0; i < n; i++) {
    const none = Number.isNaN(nums[i * NUMS]!);
    for (let k = 0; k < NUMS; k++) if (none ? !Number.isNaN(nums[i * NUMS + k]!) : !Number.isFinite(nums[i * NUMS + k]!)) return false;
  }
  return true;
}

export class StampTable {
  /** The names' bytes as a Buffer (one view, made once), and whether they are ASCII (then decoded as Latin-1: a copy). */
  private readonly nameBytes: Buffer;
  private readonly ascii: boolean;
  /** The names decoded at once (an ASCII table), when first asked for. */
  private namesText: string | null = null;

  private constructor(
    readonly length: number,
    private readonly names: Uint8Array,
    private readonly nameOff: Uint32Array,
    private readonly nums: Float64Array,
    /** Per entry: kind code, `HASHED` or-ed in; null for a table without sources' kinds and hashes. */
    private readonly kinds: Uint8Array | null,
    private readonly hashes: Uint8Array | null,
  ) {
    this.nameBytes = Buffer.from(names.buffer, names.byteOffset, names.byteLength);
    this.ascii = isAscii(this.nameBytes);
  }

  /** A table of `entries`; `sources`: each has a kind and a hash (or null). */
  static of(entries: readonly StampEntry[], sources: boolean): StampTable {
    const n = entries.length;
    const enc = new TextEncoder();
    const encoded = entries.map((e) => enc.encode(e.name));
    const nameOff = new Uint32Array(n + 1);
    for (let i = 0; i < n; i++) nameOff[i + 1] = nameOff[i]! + encoded[i]!.length;
    const names = new Uint8Array(nameOff[n]!);
    for (let i = 0; i < n; i++) names.set(encoded[i]!, nameOff[i]!);
    const nums = new Float64Array(n * NUMS);
    const kinds = sources ? new Uint8Array(n) : null;
    const hashes = sources ? new Uint8Array(n * HASH_BYTES) : null;
    for (let i = 0; i < n; i++) {
      const e = entries[i]!;
      parseStamp(e.stamp, nums, i * NUMS);
      if (!kinds || !hashes) continue;
      const code = KIND_CODE.get(e.kind!);
      if (code === undefined) throw new Error(`not a source kind: ${e.kind}`);
      kinds[i] = code;
      if (e.hash !== null && e.hash !== undefined) {
        if (!HEX64.test(e.hash)) throw new Error(`not a SHA-256: ${e.hash}`);
        hexBytes(e.hash, hashes, i * HASH_BYTES);
        kinds[i]! |= HASHED;
      }
    }
    return new StampTable(n, names, nameOff, nums, kinds, hashes);
  }

  /** Sources as the loader reports them (`LoadResult.sources`). */
  static ofSources(sources: readonly SourceStamp[]): StampTable {
    return StampTable.of(
      sources.map((s) => ({ name: s.path, stamp: s.stamp, hash: s.hash, kind: s.kind })),
      true,
    );
  }

  get hasSources(): boolean {
    return this.kinds !== null;
  }

  name(i: number): string {
    // An ASCII table is decoded once and sliced: a rebuild asks for about 27,000 names (each output's
    // and source's to stat, each loader file's), and a decode each cost 0.8 µs.
    if (this.ascii) return (this.namesText ??= this.nameBytes.toString('latin1')).slice(this.nameOff[i]!, this.nameOff[i + 1]!);
    return this.nameBytes.toString('utf8', this.nameOff[i]!, this.nameOff[i + 1]!);
  }

  /** The stamp's text (`stampOf`'s), or null when the file had none. */
  stamp(i: number): string | null {
    const at = i * NUMS;
    if (Number.isNaN(this.nums[at]!)) return null;
    return `${this.nums[at]}:${this.nums[at + 1]}:${this.nums[at + 2]}:${this.nums[at + 3]}:${this.nums[at + 4]}`;
  }

  /** Whether `st` has this entry's stamp (as `stampOf(st) === stamp(i)`, without the text). */
  sameStamp(i: number, st: Stats): boolean {
    const at = i * NUMS;
    const v = this.nums;
    return st.size === v[at] && st.mtimeMs === v[at + 1] && st.ctimeMs === v[at + 2] && st.ino === v[at + 3] && st.dev === v[at + 4];
  }

  kind(i: number): SourceKind {
    if (!this.kinds) throw new Error('StampTable: no kinds in this table');
    return KINDS[this.kinds[i]! & 7]!;
  }

  hash(i: number): string | null {
    if (!this.kinds || !this.hashes || !(this.kinds[i]! & HASHED)) return null;
    return Buffer.from(this.hashes.buffer, this.hashes.byteOffset + i * HASH_BYTES, HASH_BYTES).toString('hex');
  }

  /** Whether both tables list the same names in the same order. */
  sameNames(o: StampTable): boolean {
    if (o.length !== this.length || o.names.byteLength !== this.names.byteLength) return false;
    for (let i = 0; i <= this.length; i++) if (o.nameOff[i] !== this.nameOff[i]) return false;
    return o.nameBytes.equals(this.nameBytes);
  }

  /** A copy with the entries in `changes` given new stamps (and hashes); the names are shared. */
  with(changes: ReadonlyMap<number, StampChange>): StampTable {
    if (!changes.size) return this;
    const nums = this.nums.slice();
    const kinds = this.kinds ? this.kinds.slice() : null;
    const hashes = this.hashes ? this.hashes.slice() : null;
    for (const [i, c] of changes) {
      if (!(i >= 0 && i < this.length)) throw new Error(`StampTable: no entry ${i}`);
      parseStamp(c.stamp, nums, i * NUMS);
      if (!kinds || !hashes || c.hash === undefined) continue;
      if (c.hash === null) kinds[i]! &= ~HASHED;
      else {
        if (!HEX64.test(c.hash)) throw new Error(`not a SHA-256: ${c.hash}`);
        hexBytes(c.hash, hashes, i * HASH_BYTES);
        kinds[i]! |= HASHED;
      }
    }
    return new StampTable(this.length, this.names, this.nameOff, nums, kinds, hashes);
  }

  /**
   * The table's bytes: a header (magic, entries, name bytes, whether it has
   * kinds and hashes), then the columns, each starting at a multiple of 8.
   */
  encode(): Uint8Array[] {
    const n = this.length;
    const view = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const out: Uint8Array[] = [view(Uint32Array.of(TABLE_MAGIC, n, this.names.byteLength, this.kinds ? 1 : 0)), view(this.nums)];
    const pad = (len: number) => {
      if (align8(len) > len) out.push(new Uint8Array(align8(len) - len));
    };
    out.push(view(this.nameOff));
    pad(this.nameOff.byteLength);
    if (this.kinds && this.hashes) {
      out.push(this.kinds);
      pad(this.kinds.byteLength);
      out.push(this.hashes);
    }
    out.push(this.names);
    pad(this.names.byteLength);
    return out;
  }

  /**
   * A table read back from `buf` at byte `at` (a multiple of 8, as is
   * `buf.byteOffset`), with where the next one starts; null when the bytes
   * are not a table (the columns are views of `buf`, checked for range).
   */
  static decode(buf: Uint8Array, at: number): { table: StampTable; end: number } | null {
    if (buf.byteOffset % 8 || at % 8 || at + 16 > buf.byteLength) return null;
    const head = new Uint32Array(buf.buffer, buf.byteOffset + at, 4);
    const [magic, n, nameBytes, sources] = head as unknown as [number, number, number, number];
    if (magic !== TABLE_MAGIC || (sources !== 0 && sources !== 1)) return null;
    let p = at + 16;
    const need = (len: number) => p + len <= buf.byteLength;
    if (!need(n * NUMS * 8)) return null;
    const nums = new Float64Array(buf.buffer, buf.byteOffset + p, n * NUMS);
    p += n * NUMS * 8;
    if (!need((n + 1) * 4)) return null;
    const nameOff = new Uint32Array(buf.buffer, buf.byteOffset + p, n + 1);
    p = align8(p + (n + 1) * 4);
    if (nameOff[0] !== 0 || nameOff[n] !== nameBytes) return null;
    for (let i = 0; i < n; i++) if (nameOff[i + 1]! < nameOff[i]!) return null;
    let kinds: Uint8Array | null = null;
    let hashes: Uint8Array | null = null;
    if (sources) {
      if (!need(n)) return null;
      kinds = buf.subarray(p, p + n);
      p = align8(p + n);
      for (let i = 0; i < n; i++) if ((kinds[i]! & ~HASHED) >= KINDS.length) return null;
      if (!need(n * HASH_BYTES)) return null;
      hashes = buf.subarray(p, p + n * HASH_BYTES);
      p += n * HASH_BYTES;
    }
    if (!need(nameBytes)) return null;
    const names = buf.subarray(p, p + nameBytes);
    p = align8(p + nameBytes);
    if (!validStamps(nums, n)) return null;
    return { table: new StampTable(n, names, nameOff, nums, kinds, hashes), end: Math.min(p, buf.byteLength) };
  }
}
