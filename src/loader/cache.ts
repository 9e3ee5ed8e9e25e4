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
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
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

let fingerprint: string | undefined;

/**
 * A fingerprint of the running code: the bundle files beside this module
 * (dist/*.js), or the sources when running from src/ (tests). Any change to
 * the parsers gives a new fingerprint, hence a fresh pack.
 */
export function codeFingerprint(): string {
  if (fingerprint) return fingerprint;
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
  const walk = (dir: string, depth: number) => {
    if (depth > 6) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p, depth + 1);
      else if (/\.(js|ts)$/.test(e.name) && !e.name.endsWith('.d.ts')) files.push(p);
    }
  };
  walk(root, 0);
  for (const f of files.sort()) {
    h.update(f.slice(root.length));
    h.update(readFileSync(f));
  }
  return (fingerprint = h.digest('hex'));
}

/** Open (or start) the pack in `dir`. Problems with the directory are reported and leave caching off. */
export function openParseCache(dir: string, diagnostics: Diagnostic[]): ParseCache | null {
  const stats: CacheStats = { hits: 0, misses: 0, stored: 0, compacted: false };
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    diagnostics.push(diagLine(dir, 'warning', 'cache.unusable', `cache directory not usable, caching off: ${(e as Error).message}`));
    return null;
  }
  const packPath = join(dir, PACK);
  const header = `${HEADER} ${codeFingerprint()}`;
  // Entries as byte ranges of the pack, decoded when asked for: one UTF-8 decoding per entry
  // keeps ASCII entries in V8's compact one-byte strings (the whole pack as one string would not be).
  let pack: Buffer = Buffer.alloc(0);
  const entries = new Map<string, { start: number; end: number }>();
  let lines = 0;
  let valid = false;
  try {
    if (existsSync(packPath) && statSync(packPath).size <= MAX_PACK_BYTES) {
      pack = readFileSync(packPath);
      let nl = pack.indexOf(10);
      if (nl > 0 && pack.toString('utf8', 0, nl) === header) {
        valid = true;
        let pos = nl + 1;
        while (pos < pack.length) {
          nl = pack.indexOf(10, pos);
          // A line without its newline was cut short by a crash: ignored (and dropped on the next rewrite).
          if (nl < 0) break;
          if (pack[pos + 64] === 9) {
            const key = pack.toString('latin1', pos, pos + 64);
            if (KEY.test(key)) {
              entries.set(key, { start: pos + 65, end: nl });
              lines++;
            }
          }
          pos = nl + 1;
        }
      }
    }
  } catch (e) {
    diagnostics.push(diagLine(packPath, 'warning', 'cache.unreadable', `cache pack not readable, starting over: ${(e as Error).message}`));
  }
  const text = (key: string): string | undefined => {
    const r = entries.get(key);
    return r ? pack.toString('utf8', r.start, r.end) : undefined;
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
          const fd = openSync(tmp, 'w');
          try {
            writeSync(fd, header + '\n');
            for (const key of used) {
              const v = fresh.get(key) ?? text(key);
              if (v !== undefined) writeSync(fd, `${key}\t${v}\n`);
            }
          } finally {
            closeSync(fd);
          }
          renameSync(tmp, packPath);
          stats.compacted = valid;
        } else if (fresh.size) {
          const fd = openSync(packPath, 'a');
          try {
            for (const [key, v] of fresh) writeSync(fd, `${key}\t${v}\n`);
          } finally {
            closeSync(fd);
          }
        }
        stats.stored = fresh.size;
      } catch (e) {
        diagnostics.push(diagLine(packPath, 'warning', 'cache.unwritable', `cache pack not written: ${(e as Error).message}`));
      }
    },
  };
}
