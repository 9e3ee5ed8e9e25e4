/**
 * The opt-in parse cache (`LoadOptions.cache`, `--cache <dir>`): the parse
 * result of each rule file, keyed by a SHA-256 of everything the result
 * depends on: the file's path and bytes, its recognized format, the parse
 * options, the vendor's supporting files (Splunk macros and data sources),
 * and a fingerprint of the running code. A rebuild after a change re-parses
 * only the files whose key changed; linking and normalization always run
 * again (they depend on other files and on the mappings), so a cached build
 * is the same as an uncached one.
 *
 * Storage: one append-only pack file, `parse-v1.pack`, in the cache
 * directory. Its first line names the format and the code fingerprint (a
 * different build starts a new pack); every other line is
 * `<key>\t<ParsedFile as JSON>`. New entries are appended at the end; when
 * more than half of the pack is entries this run did not use, the pack is
 * rewritten with the used ones only (written beside it, then renamed). A line
 * that cannot be read (a crash in the middle of a write, another process
 * writing at the same time, a hand-edited file) is a cache miss, never an error
 * in the output: the file is parsed again. The pack is the user's own data,
 * still it is read with `JSON.parse` only (no code, no prototype writes) and
 * its size is bounded.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from '../ast/schema.js';
import { diagLine } from '../core/diagnostics.js';

const PACK = 'parse-v1.pack';
const HEADER = 'ruleatlas-parse-cache 1';
/** A pack bigger than this is not read (and is started over). */
const MAX_PACK_BYTES = 1 << 30;
const KEY = /^[0-9a-f]{64}$/;

export interface CacheStats {
  hits: number;
  misses: number;
  /** Entries appended by this run. */
  stored: number;
  /** The pack was rewritten without the entries this run did not use. */
  compacted: boolean;
  /** Rule files taken from their unchanged stamps without being read (src/loader/file-stamps.ts). */
  unread: number;
}

export interface ParseCache {
  /** JSON text of the cached ParsedFile, if any. */
  get(key: string): string | undefined;
  put(key: string, json: string): void;
  /** Write what this run added (one append, or a compacted rewrite). */
  save(): void;
  readonly stats: CacheStats;
}

export function sha256(...parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) {
    h.update(p);
    h.update('\u0000');
  }
  return h.digest('hex');
}

/** Set by the bundler (tsup.config.ts): the fingerprint of the sources the bundle was built from. */
declare const __RULEATLAS_CODE_FINGERPRINT__: string | undefined;

let fingerprint: string | undefined;

/**
 * A fingerprint of the running code: in the bundle, the SHA-256 of the
 * sources and seed tables it was built from (computed at build time,
 * tsup.config.ts); when running from src/ (tests), of the sources and
 * seeds/, hashed on first use. Any change
 * to the parsers gives a new fingerprint, hence a fresh pack.
 */
export function codeFingerprint(): string {
  if (fingerprint) return fingerprint;
  if (typeof __RULEATLAS_CODE_FINGERPRINT__ === 'string') return (fingerprint = __RULEATLAS_CODE_FINGERPRINT__);
  const h = createHash('sha256');
  let here: string;
  try {
    here = dirname(fileURLToPath(import.meta.url));
  } catch {
    return (fingerprint = 'unknown');
  }
  // From src/loader the code is the whole src/ tree; from dist/ it is the bundle.
  const root = here.endsWith(join('src', 'loader')) ? resolve(here, '..') : here;
  const files: string[] = [];
  const walk = (dir: string, depth: number, take: (name: string) => boolean) => {
    if (depth > 6) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p, depth + 1, take);
      else if (take(e.name)) files.push(p);
    }
  };
  walk(root, 0, (name) => /\.(js|ts)$/.test(name) && !name.endsWith('.d.ts'));
  // From src/, the seed tables beside it too (the bundle's fingerprint covers them: tsup.config.ts).
  const seeds = resolve(root, '..', 'seeds');
  if (root.endsWith('src') && existsSync(seeds)) walk(seeds, 0, (name) => name.endsWith('.json'));
  for (const f of files.sort()) {
    h.update(f.slice(root.length));
    h.update(readFileSync(f));
  }
  return (fingerprint = h.digest('hex'));
}

const SCAN_BYTES = 4 << 20;

/**
 * Index an open pack: check its header line, then call `entry` with the key
 * and byte range (after the tab, before the newline) of each well-formed
 * line, reading the pack through one reused buffer. A last line without its
 * newline was cut short by a crash: ignored (and dropped on the next rewrite).
 * Returns whether the header is this build's.
 */
export function indexPack(fd: number, size: number, header: string, entry: (key: string, start: number, end: number) => void, chunkBytes = SCAN_BYTES): boolean {
  const buf = Buffer.allocUnsafe(Math.min(chunkBytes, Math.max(size, 1)));
  const keyBuf = Buffer.allocUnsafe(65);
  let lineStart = -1; // file offset of the line being read; -1 while in the header
  let headerEnd = -1;
  for (let off = 0; off < size; ) {
    const len = readSync(fd, buf, 0, Math.min(buf.length, size - off), off);
    if (len <= 0) break;
    for (let p = 0; p < len; ) {
      const nl = buf.indexOf(10, p);
      if (nl < 0 || nl >= len) break;
      const at = off + nl;
      if (headerEnd < 0) {
        headerEnd = at;
        // The header is the first line; a pack of another build (or not a pack) is not indexed.
        const h = Buffer.allocUnsafe(at);
        if (at === 0 || at > 4096 || readSync(fd, h, 0, at, 0) !== at || h.toString('utf8') !== header) return false;
      } else if (at - lineStart > 65) {
        // The key and its tab: from this chunk when they are in it, else read on their own.
        const inChunk = lineStart >= off && lineStart + 65 <= off + len;
        const kb = inChunk ? buf.subarray(lineStart - off, lineStart - off + 65) : keyBuf;
        if (inChunk || readSync(fd, keyBuf, 0, 65, lineStart) === 65) {
          if (kb[64] === 9) {
            const key = kb.toString('latin1', 0, 64);
            if (KEY.test(key)) entry(key, lineStart + 65, at);
          }
        }
      }
      lineStart = at + 1;
      p = nl + 1;
    }
    off += len;
  }
  return headerEnd > 0;
}

/** Open (or start) the pack in `dir`. Problems with the directory are reported and leave caching off. */
export function openParseCache(dir: string, diagnostics: Diagnostic[]): ParseCache | null {
  const stats: CacheStats = { hits: 0, misses: 0, stored: 0, compacted: false, unread: 0 };
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    diagnostics.push(diagLine(dir, 'warning', 'cache.unusable', `cache directory not usable, caching off: ${(e as Error).message}`));
    return null;
  }
  const packPath = join(dir, PACK);
  const header = `${HEADER} ${codeFingerprint()}`;
  // The pack stays open and is only indexed here: each entry's byte range, found by reading
  // the pack through one reused buffer. An entry is read and decoded when asked for (one
  // UTF-8 decoding per entry keeps ASCII entries in V8's compact one-byte strings). Reading the
  // whole pack into one buffer instead cost 0.4 s for a 64 MB pack on this machine, most of it
  // the page faults of a fresh 64 MB allocation; indexing it this way costs about 60 ms.
  let fd: number | undefined;
  const entries = new Map<string, { start: number; end: number }>();
  let lines = 0;
  let valid = false;
  try {
    if (existsSync(packPath)) {
      fd = openSync(packPath, 'r');
      const size = fstatSync(fd).size;
      if (size <= MAX_PACK_BYTES) valid = indexPack(fd, size, header, (key, start, end) => {
        entries.set(key, { start, end });
        lines++;
      });
    }
  } catch (e) {
    diagnostics.push(diagLine(packPath, 'warning', 'cache.unreadable', `cache pack not readable, starting over: ${(e as Error).message}`));
    entries.clear();
    lines = 0;
    valid = false;
  }
  let entryBuf: Buffer | undefined;
  const text = (key: string): string | undefined => {
    const r = entries.get(key);
    if (!r || fd === undefined) return undefined;
    const len = r.end - r.start;
    if (!entryBuf || entryBuf.length < len) entryBuf = Buffer.allocUnsafe(Math.max(len, 1 << 16));
    try {
      if (readSync(fd, entryBuf, 0, len, r.start) !== len) return undefined;
    } catch {
      return undefined;
    }
    return entryBuf.toString('utf8', 0, len);
  };
  const close = () => {
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
  };

  const used = new Set<string>();
  const fresh = new Map<string, string>();
  return {
    stats,
    get(key) {
      const v = text(key);
      if (v === undefined) stats.misses++;
      else {
        stats.hits++;
        used.add(key);
      }
      return v;
    },
    put(key, json) {
      if (!KEY.test(key) || json.includes('\n')) return;
      fresh.set(key, json);
      used.add(key);
    },
    save() {
      try {
        const compact = !valid || lines + fresh.size > 2 * used.size;
        if (compact) {
          // Written line by line: the pack of a large corpus is longer than a JavaScript string can be.
          const tmp = `${packPath}.${process.pid}.tmp`;
          const out = openSync(tmp, 'w');
          try {
            writeSync(out, header + '\n');
            for (const key of used) {
              const v = fresh.get(key) ?? text(key);
              if (v !== undefined) writeSync(out, `${key}\t${v}\n`);
            }
          } finally {
            closeSync(out);
          }
          // Closed first: Windows does not replace a file that is open.
          close();
          renameSync(tmp, packPath);
          stats.compacted = valid;
        } else if (fresh.size) {
          const out = openSync(packPath, 'a');
          try {
            for (const [key, v] of fresh) writeSync(out, `${key}\t${v}\n`);
          } finally {
            closeSync(out);
          }
        }
        stats.stored = fresh.size;
      } catch (e) {
        diagnostics.push(diagLine(packPath, 'warning', 'cache.unwritable', `cache pack not written: ${(e as Error).message}`));
      } finally {
        close();
      }
    },
  };
}
