/**
 * Walk the paths given to the loader. Symbolic links are followed only when
 * they resolve inside one of the given roots, unless `followSymlinks` says
 * otherwise; a link out of the tree is reported, never read. Directories are
 * entered once each (by real path), so link loops end; a file reached twice
 * through links is read once.
 *
 * Speed: directory entries come with their type (`withFileTypes`), so plain
 * files and folders cost no extra system call; only links are resolved.
 *
 * With `stampDirs`, every folder listed is stamped (stat) before it is
 * listed: a folder's change time moves whenever an entry is added, removed or
 * renamed in it, so an incremental build whose folder stamps are all
 * unchanged knows the file list without listing again (src/incremental/), as
 * git's untracked cache does. A walk that meets a symbolic link stamps
 * nothing (`dirs` null): what a link leads to can change without any folder
 * of the walk changing. Nor does a walk that reported a problem, nor any
 * walk on Windows (see below).
 */
import { lstatSync, readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { join, normalize, resolve, sep } from 'node:path';
import type { Diagnostic } from '../ast/schema.js';
import { diagLine } from '../core/diagnostics.js';
import { stampOf } from './file-stamps.js';

export interface WalkOptions {
  followSymlinks?: boolean;
  /** Directory names never entered. */
  skipDirs?: ReadonlySet<string>;
  /** Stamp every folder before listing it (`WalkResult.dirs`). */
  stampDirs?: boolean;
}

/** A folder as the walk listed it: its stat stamp (`stampOf`), taken before the listing. */
export interface DirStamp {
  path: string;
  stamp: string;
}

export interface WalkResult {
  files: string[];
  diagnostics: Diagnostic[];
  /** With `stampDirs`: every folder listed, in walk order; null when the walk met a symbolic link or a problem, or on Windows. */
  dirs?: DirStamp[] | null;
}

const DEFAULT_SKIP = new Set(['.git', 'node_modules', '.hg', '.svn']);
const realpath = realpathSync.native;

/**
 * What `join(dir, name)` puts before the name of an entry of `dir`, or null
 * when that is not a plain prefix. `join` normalizes the whole joined path,
 * which took half of a corpus walk (3,810 Sigma files: 57 ms with a join per
 * entry, 27 ms with one normalize per folder); the name of a directory entry
 * has no separator and is never `.` or `..`, so only the folder part needs
 * normalizing. The prefix is checked against `join` itself, not assumed (a
 * Windows drive-relative `C:` normalizes differently).
 */
function entryPrefix(dir: string): string | null {
  const n = normalize(dir);
  const prefix = n === '.' ? '' : n.endsWith(sep) ? n : n + sep;
  return join(dir, 'x') === prefix + 'x' ? prefix : null;
}

function inside(real: string, roots: string[]): boolean {
  return roots.some((r) => real === r || real.startsWith(r.endsWith(sep) ? r : r + sep));
}

export function walkPaths(paths: readonly string[], opts: WalkOptions = {}): WalkResult {
  const skip = opts.skipDirs ?? DEFAULT_SKIP;
  const files: string[] = [];
  const diagnostics: Diagnostic[] = [];
  const seenDirs = new Set<string>();
  const seenLinkedFiles = new Set<string>();
  const roots: string[] = [];
  // Not on Windows: its FAT file systems leave a folder's times alone when entries change (NTFS moves them).
  let dirs: DirStamp[] | null = opts.stampDirs && process.platform !== 'win32' ? [] : null;
  for (const p of paths) {
    try {
      roots.push(realpath(resolve(p)));
    } catch {
      /* reported when visited */
    }
  }

  // `real` is known without a system call for a folder entered from its parent's listing: a
  // directory entry that is not a link is its parent's real path plus its name.
  const dir = (path: string, knownReal?: string) => {
    let real: string;
    if (knownReal !== undefined) real = knownReal;
    else {
      try {
        real = realpath(path);
      } catch {
        real = path;
      }
    }
    if (seenDirs.has(real)) return;
    seenDirs.add(real);
    let entries: Dirent[];
    try {
      // Stamped before it is listed: an entry added during the listing leaves a stamp that no longer matches.
      if (dirs) dirs.push({ path, stamp: stampOf(statSync(path)) });
      entries = readdirSync(path, { withFileTypes: true });
    } catch (e) {
      diagnostics.push(diagLine(path, 'error', 'io.unreadable', `cannot list ${path}: ${(e as Error).message}`));
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const prefix = entryPrefix(path);
    const realPrefix = entryPrefix(real);
    for (const e of entries) {
      if (skip.has(e.name)) continue;
      const p = prefix !== null ? prefix + e.name : join(path, e.name);
      if (e.isDirectory()) dir(p, realPrefix !== null ? realPrefix + e.name : join(real, e.name));
      else if (e.isFile()) files.push(p);
      else if (e.isSymbolicLink()) link(p);
    }
  };

  const link = (path: string) => {
    dirs = null;
    let real: string;
    try {
      real = realpath(path);
    } catch {
      diagnostics.push(diagLine(path, 'warning', 'io.broken-link', 'broken symbolic link skipped'));
      return;
    }
    if (!opts.followSymlinks && !inside(real, roots)) {
      diagnostics.push(diagLine(path, 'warning', 'io.link-outside', `symbolic link to ${real} points outside the given paths; not followed (use --follow-symlinks)`));
      return;
    }
    let st;
    try {
      st = statSync(path);
    } catch {
      return;
    }
    if (st.isDirectory()) dir(path);
    else if (st.isFile() && !seenLinkedFiles.has(real)) {
      seenLinkedFiles.add(real);
      files.push(path);
    }
  };

  for (const p of paths) {
    let st;
    try {
      st = lstatSync(p);
    } catch (e) {
      diagnostics.push(diagLine(p, 'error', 'io.not-found', `cannot read ${p}: ${(e as Error).message}`));
      continue;
    }
    // A path given explicitly is always followed, link or not.
    if (st.isSymbolicLink()) {
      dirs = null;
      st = statSync(p);
    }
    if (st.isDirectory()) dir(p);
    else if (st.isFile()) files.push(p);
  }
  // A walk with problems is walked again every time (its diagnostics are part of the result).
  return opts.stampDirs ? { files, diagnostics, dirs: diagnostics.length ? null : dirs } : { files, diagnostics };
}
