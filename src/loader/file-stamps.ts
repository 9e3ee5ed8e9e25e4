/**
 * File stamps, the second half of the opt-in cache (`--cache <dir>`): for
 * each file a cached load read, its stat stamp (size, modification and change
 * times, inode, device), the SHA-256 of its text, and what the file turned
 * out to be (a rule file of some format, or no rule file at all). The next
 * load with the same cache directory takes a file whose stamp has not changed
 * from here instead of reading and hashing it again, as `git status` does
 * with its index; the parse cache (cache.ts) then supplies its rules. A
 * rebuild after one edited rule therefore reads that one rule file (and the
 * supporting files, which feed the vendor state and are always read).
 *
 * When a stamp is trusted:
 * - The stamp holds the change time (ctime), which no program can set: any
 *   write to the file moves it, even one that puts size and modification time
 *   back as they were.
 * - A stamp is taken before the file is read, so a write during the read
 *   leaves a stamp that no longer matches.
 * - Racy stamps: a file written within the same tick of a coarse file-system
 *   clock as it was recorded could change again without its times moving. A
 *   stamp whose ctime is less than RACY_MS before the moment it was recorded
 *   is not trusted: the file is read and hashed again (and recorded anew, so
 *   the next load trusts it).
 * - Only plain outcomes are recorded: rule files and files of no known format.
 *   Files that gave a diagnostic when read (too large, not decodable, empty)
 *   and supporting files are read every time.
 * - The stamps are tied to the code (the format sniffer may change) and a
 *   stamp of a file over the current `limits.maxFileBytes` is not used.
 *
 * Storage: `stamps-v1.json` in the cache directory, rewritten (beside it,
 * then renamed) when anything changed, holding the files of this load only.
 * Like the pack, it is read with `JSON.parse` only and checked entry by entry;
 * an entry that does not have the expected shape is ignored (the file is read).
 */
import { existsSync, readFileSync, renameSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { join, resolve } from 'node:path';
import { VENDORS, type Diagnostic } from '../ast/schema.js';
import { diagLine } from '../core/diagnostics.js';
import { FILE_FORMATS, type FileRole } from '../vendors/types.js';
import { codeFingerprint } from './cache.js';

const FILE = 'stamps-v1.json';
const FORMAT = 'ruleatlas-file-stamps 1';
/** A stamps file bigger than this is not read (and is started over). */
const MAX_BYTES = 256 << 20;
/**
 * A stamp recorded less than this long after the file's last change is not
 * trusted. Two seconds covers the coarsest clocks still in use (FAT, and
 * HFS+ at one second); ext4, XFS, APFS and NTFS keep far finer times.
 */
export const RACY_MS = 2000;

const FORMATS: ReadonlySet<string> = new Set(FILE_FORMATS);
const VENDOR_SET: ReadonlySet<string> = new Set(VENDORS);
const HASH = /^[0-9a-f]{64}$/;

/** What a file was when its stamp was recorded: a rule file of some format, or nothing ruleatlas reads. */
export type StampedRole = FileRole | null;

interface Entry {
  stamp: string;
  hash: string;
  role: StampedRole;
  /** Date.now() when recorded. */
  at: number;
}

export interface FileStamps {
  /** The stat of `path` now, or null when it cannot be taken (the file is then read as usual). */
  stat(path: string): Stats | null;
  /**
   * What the file is, if its stamp is recorded, unchanged and trusted (the
   * stamp is then kept for the next load); undefined when the file must be read.
   */
  known(path: string, now: Stats, maxBytes: number): { hash: string; role: StampedRole } | undefined;
  /** Record a file read in this load (stat taken before reading it). */
  record(path: string, before: Stats, hash: string, role: StampedRole): void;
  /** Write the stamps of this load, if anything changed. */
  save(): void;
}

/** `statSync`, or null when the file cannot be stat-ed. */
export function statOrNull(p: string): Stats | null {
  try {
    return statSync(p);
  } catch {
    return null;
  }
}

/** The stat stamp of a file: size, modification and change times, inode, device. */
export function stampOf(s: Stats): string {
  return `${s.size}:${s.mtimeMs}:${s.ctimeMs}:${s.ino}:${s.dev}`;
}

function validRole(v: unknown): v is StampedRole {
  if (v === null) return true;
  if (typeof v !== 'object' || Array.isArray(v)) return false;
  const r = v as Record<string, unknown>;
  return typeof r.format === 'string' && FORMATS.has(r.format) && typeof r.vendor === 'string' && VENDOR_SET.has(r.vendor) && r.role === 'rules';
}

/** Open the stamps of `dir` (the cache directory, which the parse cache has created). */
export function openFileStamps(dir: string, diagnostics: Diagnostic[]): FileStamps {
  const path = join(dir, FILE);
  const header = `${FORMAT} ${codeFingerprint()}`;
  const old = new Map<string, Entry>();
  try {
    if (existsSync(path) && statSync(path).size <= MAX_BYTES) {
      const doc = JSON.parse(readFileSync(path, 'utf8')) as { format?: unknown; files?: unknown };
      if (doc && doc.format === header && Array.isArray(doc.files)) {
        for (const row of doc.files as unknown[]) {
          // [path, stamp, hash, role, at]
          if (!Array.isArray(row) || row.length !== 5) continue;
          const [p, stamp, hash, role, at] = row as unknown[];
          if (typeof p !== 'string' || typeof stamp !== 'string' || typeof hash !== 'string' || !HASH.test(hash) || typeof at !== 'number' || !validRole(role)) continue;
          old.set(p, { stamp, hash, role, at });
        }
      }
    }
  } catch (e) {
    diagnostics.push(diagLine(path, 'warning', 'cache.unreadable', `file stamps not readable, starting over: ${(e as Error).message}`));
    old.clear();
  }

  const next = new Map<string, Entry>();
  let changed = false;
  return {
    stat: statOrNull,
    known(p, now, maxBytes) {
      const key = resolve(p);
      const e = old.get(key);
      if (!e || now.size > maxBytes || e.stamp !== stampOf(now)) return undefined;
      if (now.ctimeMs > e.at - RACY_MS) return undefined;
      next.set(key, e);
      return { hash: e.hash, role: e.role };
    },
    record(p, before, hash, role) {
      next.set(resolve(p), { stamp: stampOf(before), hash, role, at: Date.now() });
      changed = true;
    },
    save() {
      if (!changed && next.size === old.size) return;
      try {
        const files = [...next].map(([p, e]) => [p, e.stamp, e.hash, e.role, e.at]);
        const tmp = `${path}.${process.pid}.tmp`;
        writeFileSync(tmp, JSON.stringify({ format: header, files }));
        renameSync(tmp, path);
      } catch (e) {
        diagnostics.push(diagLine(path, 'warning', 'cache.unwritable', `file stamps not written: ${(e as Error).message}`));
      }
    },
  };
}
