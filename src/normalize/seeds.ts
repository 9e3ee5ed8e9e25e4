/**
 * Locating and reading the data tables shipped in the package's `seeds/`
 * folder. Works from source (vitest runs `src/` directly: src/normalize ->
 * ../../seeds) and from the bundled `dist/` (one level below the package
 * root): we walk up from this module's directory until a `seeds/` folder
 * holding the table exists.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedDir: string | undefined;

/** Walk up from `start` to the first directory holding `seeds/<probe>`; that `seeds/` folder, or null. */
export function findSeedsDir(start: string, probe = join('attack', 'enterprise-attack.json')): string | null {
  let dir = start;
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'seeds');
    if (existsSync(join(candidate, probe))) return candidate;
    const up = resolve(dir, '..');
    if (up === dir) break;
    dir = up;
  }
  return null;
}

/** The package's seeds/ folder: from src/normalize/ (tests, two levels down) or from dist/ (one level down). */
export function seedsDir(): string {
  if (cachedDir) return cachedDir;
  const here = dirname(fileURLToPath(import.meta.url));
  const found = findSeedsDir(here);
  if (!found) throw new Error(`ruleatlas: cannot find the seeds/ folder above ${here}`);
  return (cachedDir = found);
}

const jsonCache = new Map<string, unknown>();

/** Parse a JSON table from seeds/ once per process. */
export function readSeedJson<T>(relPath: string): T {
  const hit = jsonCache.get(relPath);
  if (hit !== undefined) return hit as T;
  const value = JSON.parse(readFileSync(join(seedsDir(), relPath), 'utf8')) as T;
  jsonCache.set(relPath, value);
  return value;
}
