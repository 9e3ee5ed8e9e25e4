/** Output folders compared file by file (the incremental build writes what a full build writes). */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect } from 'vitest';

/** Every file under `dir` (relative path -> bytes). */
export function tree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

/** The same files with the same bytes under both folders. */
export function expectSameTree(actual: string, expected: string): void {
  const a = tree(actual);
  const b = tree(expected);
  expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
  for (const [rel, bytes] of b) {
    // Compared as text first so that a failure shows where the outputs differ.
    if (!a.get(rel)!.equals(bytes)) expect(a.get(rel)!.toString('utf8'), rel).toBe(bytes.toString('utf8'));
  }
}
