/**
 * File stamps (src/loader/file-stamps.ts): with a cache, a rule file whose
 * stat stamp is unchanged since the last load is not read, and the load is
 * still exactly the uncached one; every way a file can change is noticed.
 *
 * A stamp is trusted only when the file's last change is RACY_MS older than
 * the moment the stamp was recorded. Files copied at the start of a test are
 * younger than that, so the tests that need trusted stamps record them with
 * the clock set ahead (`recordAhead`), as if the load ran a minute later.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { loadCorpus, type LoadOptions, type LoadResult } from '../../src/loader/load.js';

const FIXTURES = resolve(__dirname, '..', '..', 'fixtures');
const tmp = mkdtempSync(join(tmpdir(), 'ruleatlas-stamps-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
afterEach(() => {
  vi.useRealTimers();
});

let n = 0;
/** A fresh copy of the fixtures and a cache directory of its own. */
function setup(): { dir: string; cache: string; load: (cached: boolean, extra?: LoadOptions) => Promise<LoadResult> } {
  const root = join(tmp, String(n++));
  const dir = join(root, 'fixtures');
  cpSync(FIXTURES, dir, { recursive: true });
  // Files of no known format: one that is read and recognized as nothing, one never read (by its extension).
  writeFileSync(join(dir, 'sigma', 'notes.yml'), 'owner: detection team\nreview: [weekly]\n');
  writeFileSync(join(dir, 'sigma', 'README.md'), '# rules\n');
  const cache = join(root, 'cache');
  return { dir, cache, load: (cached, extra = {}) => loadCorpus([dir], { workers: 0, ...extra, ...(cached ? { cache } : {}) }) };
}

/** A cached load whose stamps are recorded a minute from now, so the next load trusts them. */
async function recordAhead(load: () => Promise<LoadResult>): Promise<LoadResult> {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.now() + 60_000);
  try {
    return await load();
  } finally {
    vi.useRealTimers();
  }
}

function same(a: LoadResult, b: LoadResult): void {
  expect(JSON.stringify(a.rules)).toBe(JSON.stringify(b.rules));
  expect(a.diagnostics).toEqual(b.diagnostics);
  expect(a.files).toEqual(b.files);
  expect(a.unrecognized).toEqual(b.unrecognized);
}

const ruleFileCount = (r: LoadResult) => r.files.filter((f) => f.role === 'rules').length;

describe('file stamps', () => {
  it('reads no unchanged rule file once its stamps are trusted, and gives the uncached load', async () => {
    const { load } = setup();
    const plain = await load(false);
    const cold = await recordAhead(() => load(true));
    expect(cold.cache).toMatchObject({ hits: 0, unread: 0 });
    const warm = await load(true);
    expect(warm.cache).toMatchObject({ hits: ruleFileCount(plain), misses: 0, unread: ruleFileCount(plain) });
    same(warm, plain);
    expect(plain.unrecognized.length).toBeGreaterThan(0); // files of no known format are taken from their stamps too
  });

  it('does not trust stamps recorded right after the files changed (racy stamps)', async () => {
    const { load } = setup();
    await load(true);
    const again = await load(true);
    expect(again.cache).toMatchObject({ unread: 0, misses: 0 });
    // Re-recorded by that load: with its clock ahead, the next load trusts them.
    await recordAhead(() => load(true));
    expect((await load(true)).cache?.unread).toBeGreaterThan(0);
  });

  it('reads an edited file, including one whose size and modification time were put back', async () => {
    const { dir, load } = setup();
    const f = join(dir, 'sigma', 'lsass_memory_access.yml');
    // A whole-second modification time, so that it can be put back exactly.
    utimesSync(f, 1_700_000_000, 1_700_000_000);
    await recordAhead(() => load(true));
    const text = readFileSync(f, 'utf8');
    const st = statSync(f);
    // Same length, same mtime: only the change time (which nobody can set) moves.
    const edited = text.replace(/^title: (.)/m, (_m, c: string) => `title: ${c === 'X' ? 'Y' : 'X'}`);
    expect(edited.length).toBe(text.length);
    writeFileSync(f, edited);
    utimesSync(f, 1_700_000_000, 1_700_000_000);
    expect(statSync(f).size).toBe(st.size);
    expect(statSync(f).mtimeMs).toBe(st.mtimeMs);
    const r = await load(true);
    expect(r.cache).toMatchObject({ misses: 1, unread: ruleFileCount(r) - 1 });
    same(r, await load(false));
  });

  it('reads a stamped file again when its parse result is gone from the pack', async () => {
    const { cache, load } = setup();
    await recordAhead(() => load(true));
    rmSync(join(cache, 'parse-v1.pack'));
    const r = await load(true);
    expect(r.cache).toMatchObject({ hits: 0, misses: ruleFileCount(r), unread: 0 });
    same(r, await load(false));
  });

  it('parses an unread file from disk when its cached entry is unreadable', async () => {
    const { cache, load } = setup();
    await recordAhead(() => load(true));
    const pack = join(cache, 'parse-v1.pack');
    // Every entry still has its key, but no entry is valid JSON any more.
    const broken = readFileSync(pack, 'utf8')
      .split('\n')
      .map((l, i) => (i === 0 || !l ? l : `${l.slice(0, 65)}{"rules":`))
      .join('\n');
    writeFileSync(pack, broken);
    const r = await load(true);
    expect(r.cache?.hits).toBe(ruleFileCount(r));
    same(r, await load(false));
  });

  it('reads a stamped file over a lowered size limit, and reports it', async () => {
    const { dir, load } = setup();
    await recordAhead(() => load(true));
    const big = statSync(join(dir, 'sigma', 'lsass_memory_access.yml')).size;
    const limits = { maxFileBytes: big - 1 };
    const r = await load(true, { limits });
    expect(r.diagnostics.some((d) => d.code === 'io.too-large' && d.path?.endsWith('lsass_memory_access.yml'))).toBe(true);
    same(r, await load(false, { limits }));
  });

  it('starts over from a corrupt or hostile stamps file, without polluting any prototype', async () => {
    const { cache, load } = setup();
    await recordAhead(() => load(true));
    const path = join(cache, 'stamps-v1.json');
    const doc = JSON.parse(readFileSync(path, 'utf8')) as { format: string; files: unknown[] };
    const first = doc.files[0] as unknown[];
    // Wrong shapes, a role that is not a rule file, and a __proto__ path: all ignored.
    doc.files = [
      ...doc.files.slice(1),
      ['__proto__', '1:2:3:4:5', 'a'.repeat(64), null, 0],
      [first[0], first[1], 'not-a-hash', first[3], first[4]],
      ['/x', '1:1:1:1:1', 'b'.repeat(64), { format: 'sigma-yaml', vendor: 'sigma', role: 'support' }, 0],
      'junk',
    ];
    writeFileSync(path, JSON.stringify(doc));
    const r = await load(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
    same(r, await load(false));
    writeFileSync(path, '{ not json');
    const r2 = await load(true);
    expect(r2.diagnostics.some((d) => d.code === 'cache.unreadable')).toBe(true);
    expect(r2.cache?.unread).toBe(0);
    expect(JSON.stringify(r2.rules)).toBe(JSON.stringify((await load(false)).rules));
    // The load wrote a clean stamps file again.
    expect(() => JSON.parse(readFileSync(path, 'utf8'))).not.toThrow();
  });

  it('notices a file that became a rule file, and one that stopped being one', async () => {
    const { dir, load } = setup();
    const plain = await load(false);
    await recordAhead(() => load(true));
    const odd = plain.unrecognized.find((p) => p.endsWith('notes.yml'));
    expect(odd).toBeDefined();
    writeFileSync(odd!, readFileSync(join(dir, 'sigma', 'lsass_memory_access.yml'), 'utf8').replace(/^id: .*$/m, 'id: 0b7cf6a1-65b5-4e1b-9a4c-3f1e4fb1d2c9'));
    writeFileSync(join(dir, 'sigma', 'lsass_memory_access.yml'), 'just: a map\n');
    const r = await load(true);
    same(r, await load(false));
    expect(r.unrecognized).not.toContain(odd);
  });

  it('keeps the stamps of this load only', async () => {
    const { dir, cache, load } = setup();
    await load(true);
    const path = join(cache, 'stamps-v1.json');
    expect(existsSync(path)).toBe(true);
    const before = (JSON.parse(readFileSync(path, 'utf8')) as { files: unknown[][] }).files.length;
    rmSync(join(dir, 'sigma', 'lsass_memory_access.yml'));
    await load(true);
    const after = (JSON.parse(readFileSync(path, 'utf8')) as { files: unknown[][] }).files.length;
    expect(after).toBe(before - 1);
  });
});
