// Folder walking (src/loader/walk.ts): the paths it returns are spelled the
// way `join(folder, name)` spells them, whatever form the given path takes
// (trailing slash, `./`, `..`, absolute, `.`), in sorted order, skipping .git.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stampOf } from '../../src/loader/file-stamps.js';
import { walkPaths } from '../../src/loader/walk.js';

let root: string;
const cwd = process.cwd();

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'ruleatlas-walk-'));
  for (const d of ['corpus/a/deep', 'corpus/b', 'corpus/.git', 'corpus/c d']) mkdirSync(join(root, d), { recursive: true });
  for (const f of ['corpus/z.yml', 'corpus/a/1.yml', 'corpus/a/deep/2.toml', 'corpus/b/3.yml', 'corpus/.git/config', 'corpus/c d/e f.yml', 'corpus/.hidden.yml']) writeFileSync(join(root, f), 'x: 1\n');
  process.chdir(root);
});
afterAll(() => {
  process.chdir(cwd);
  rmSync(root, { recursive: true, force: true });
});

/** The reference: every file under `dir`, joined with `join` at each level, entries in name order. */
function expected(dir: string): string[] {
  const out: string[] = [];
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name === '.git') continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...expected(p));
    else out.push(p);
  }
  return out;
}

describe('walkPaths', () => {
  it.each(['corpus', 'corpus/', './corpus', 'corpus/a/..', './corpus//', '.'])('spells paths like join for %j', (given) => {
    const r = walkPaths([given]);
    expect(r.diagnostics).toEqual([]);
    expect(r.files).toEqual(expected(given));
    expect(r.files.length).toBe(6);
  });

  it('keeps absolute paths absolute', () => {
    const abs = join(root, 'corpus');
    const r = walkPaths([abs + '/']);
    expect(r.files).toEqual(expected(abs));
    expect(r.files[0]).toBe(join(abs, '.hidden.yml'));
    expect(r.files).toContain(join(abs, 'c d', 'e f.yml'));
  });

  it('stamps every folder it lists, once, in walk order (stampDirs)', () => {
    const r = walkPaths(['corpus'], { stampDirs: true });
    expect(r.files).toEqual(expected('corpus'));
    expect(r.dirs!.map((d) => d.path)).toEqual(['corpus', join('corpus', 'a'), join('corpus', 'a', 'deep'), join('corpus', 'b'), join('corpus', 'c d')]);
    for (const d of r.dirs!) expect(d.stamp).toBe(stampOf(statSync(d.path)));
    expect(walkPaths(['corpus']).dirs).toBeUndefined();
  });

  it('stamps nothing when the walk meets a link or a problem', () => {
    const dir = join(root, 'linked');
    mkdirSync(join(dir, 'real'), { recursive: true });
    writeFileSync(join(dir, 'real', 'r.yml'), 'x: 1\n');
    symlinkSync(join(dir, 'real'), join(dir, 'via-link'));
    expect(walkPaths([dir], { stampDirs: true }).dirs).toBeNull();
    const r = walkPaths(['corpus', 'missing-folder'], { stampDirs: true });
    expect(r.diagnostics.length).toBe(1);
    expect(r.dirs).toBeNull();
  });
});
