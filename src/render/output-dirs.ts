/**
 * The output directory is written without following symbolic links below
 * its root. ruleatlas itself only ever writes regular files and directories
 * there, so a link inside the output is something else's: a catalog built
 * into a folder of a cloned rule repository could otherwise be steered to
 * overwrite, or (through the stale-file removal) delete, files anywhere the
 * user can write, by links planted in that repository. The root itself (the
 * `--out` folder) is the user's choice and may be a link.
 *
 * A link where a directory or file of the output belongs stops the write
 * with an `OutputError` that names it; the stale-file removal skips what lies
 * behind a link. Files are opened with O_NOFOLLOW (where the platform has it:
 * elsewhere they are checked with lstat first).
 */
import { constants, lstatSync, mkdirSync } from 'node:fs';
import { dirname, relative, sep } from 'node:path';

/** A problem with the output directory (not a bug): the CLI prints its message. */
export class OutputError extends Error {
  override name = 'OutputError';
}

/** O_NOFOLLOW, or 0 where the platform has none (Windows). */
export const O_NOFOLLOW: number = (constants as Record<string, number | undefined>).O_NOFOLLOW ?? 0;

const linkError = (path: string) => new OutputError(`refusing to write through a symbolic link in the output directory: ${path}`);

/**
 * Make `dir` (inside `root`) a real directory, creating what is missing, one
 * level at a time, each level checked with lstat. `done` holds directories
 * already made or checked by this run (`root` included by the caller).
 * Throws an OutputError when a level is a symbolic link or not a directory.
 */
export function makeRealDir(root: string, dir: string, done: Set<string>): void {
  if (done.has(dir)) return;
  if (dir === root || !dir.startsWith(root.endsWith(sep) ? root : root + sep)) throw new OutputError(`not inside the output directory: ${dir}`);
  const parent = dirname(dir);
  if (parent !== root) makeRealDir(root, parent, done);
  let st;
  try {
    st = lstatSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    try {
      mkdirSync(dir);
    } catch (e2) {
      // Made meanwhile by another writer (the rule-page thread): checked below.
      if ((e2 as NodeJS.ErrnoException).code !== 'EEXIST') throw e2;
    }
    st = lstatSync(dir);
  }
  if (st.isSymbolicLink()) throw linkError(dir);
  if (!st.isDirectory()) throw new OutputError(`in the output directory, not a directory: ${dir}`);
  done.add(dir);
}

/** Whether every level from `root` down to `dir` is a real directory (nothing is created). */
export function isRealDirUnder(root: string, dir: string): boolean {
  const rel = relative(root, dir);
  if (rel === '') return true;
  let at = root.endsWith(sep) ? root.slice(0, -1) : root;
  for (const part of rel.split(sep)) {
    at = at + sep + part;
    try {
      const st = lstatSync(at);
      if (st.isSymbolicLink() || !st.isDirectory()) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** Where the platform has no O_NOFOLLOW: refuse a file path that is a link (checked just before opening). */
export function checkNotLink(path: string): void {
  if (O_NOFOLLOW) return;
  try {
    if (lstatSync(path).isSymbolicLink()) throw linkError(path);
  } catch (e) {
    if (e instanceof OutputError) throw e;
  }
}

/** The error for an open that O_NOFOLLOW refused (ELOOP), or the error itself. */
export function openError(path: string, e: unknown): unknown {
  return (e as NodeJS.ErrnoException).code === 'ELOOP' ? linkError(path) : e;
}
