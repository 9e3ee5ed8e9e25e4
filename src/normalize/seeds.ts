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

/** The package's seeds/ folder (holding `probe`, by default the ATT&CK table). */
export function seedsDir(probe = join('attack', 'enterprise-attack.json')): string {
  if (cachedDir) return cachedDir;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'seeds');
    if (existsSync(join(candidate, probe))) return (cachedDir = candidate);
    const up = resolve(dir, '..');
    if (up === dir) break;
    dir = up;
  }
  throw new Error(`ruleatlas: cannot find the seeds/ folder (with ${probe}) above ${dirname(fileURLToPath(import.meta.url))}`);
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
