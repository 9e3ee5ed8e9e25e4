/**
 * Walk the paths given to the loader. Symbolic links are followed only when
 * they resolve inside one of the given roots, unless `followSymlinks` says
 * otherwise; a link out of the tree is reported, never read. Each real file
 * is visited once (links to the same file, and link loops, are deduplicated
 * by real path).
 */
import { lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import type { Diagnostic } from '../ast/schema.js';
import { diagLine } from '../core/diagnostics.js';

export interface WalkOptions {
  followSymlinks?: boolean;
  /** Directory names never entered. */
  skipDirs?: ReadonlySet<string>;
}

export interface WalkResult {
  files: string[];
  diagnostics: Diagnostic[];
}

const DEFAULT_SKIP = new Set(['.git', 'node_modules', '.hg', '.svn']);

function inside(real: string, roots: string[]): boolean {
  return roots.some((r) => real === r || real.startsWith(r.endsWith(sep) ? r : r + sep));
}

export function walkPaths(paths: readonly string[], opts: WalkOptions = {}): WalkResult {
  const skip = opts.skipDirs ?? DEFAULT_SKIP;
  const files: string[] = [];
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  const roots: string[] = [];
  for (const p of paths) {
    try {
      roots.push(realpathSync(resolve(p)));
    } catch {
      /* reported below */
    }
  }

  const visit = (path: string, isRoot: boolean) => {
    let st;
    try {
      st = lstatSync(path);
    } catch (e) {
      diagnostics.push(diagLine(path, 'error', 'io.not-found', `cannot read ${path}: ${(e as Error).message}`));
      return;
    }
    if (st.isSymbolicLink()) {
      let real: string;
      try {
        real = realpathSync(path);
      } catch {
        diagnostics.push(diagLine(path, 'warning', 'io.broken-link', 'broken symbolic link skipped'));
        return;
      }
      if (!isRoot && !opts.followSymlinks && !inside(real, roots)) {
        diagnostics.push(diagLine(path, 'warning', 'io.link-outside', `symbolic link to ${real} points outside the given paths; not followed (use --follow-symlinks)`));
        return;
      }
      try {
        st = statSync(path);
      } catch {
        return;
      }
    }
    const real = st.isDirectory() || st.isFile() ? safeReal(path) : path;
    if (seen.has(real)) return;
    seen.add(real);
    if (st.isDirectory()) {
      let entries: string[];
      try {
        entries = readdirSync(path).sort();
      } catch (e) {
        diagnostics.push(diagLine(path, 'error', 'io.unreadable', `cannot list ${path}: ${(e as Error).message}`));
        return;
      }
      for (const name of entries) {
        if (skip.has(name)) continue;
        visit(join(path, name), false);
      }
    } else if (st.isFile()) files.push(path);
  };

  for (const p of paths) visit(p, true);
  return { files, diagnostics };
}

function safeReal(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}
