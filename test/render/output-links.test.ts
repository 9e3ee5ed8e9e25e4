// Symbolic links below the output directory are never followed
// (src/render/output-dirs.ts): a catalog built into a folder that holds
// planted links (say, a folder of a cloned rule repository) must not write,
// or remove, anything outside that folder. The folder itself may be a link.
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildCatalog } from '../../src/catalog/build.js';
import { runCli } from '../../src/cli/run.js';
import { OutputError } from '../../src/render/output-dirs.js';
import { writeCatalog } from '../../src/render/write.js';
import { ATTACK, EVENTS, smallCorpus } from '../catalog/fixtures.js';
import { listFiles, tempDirs } from '../helpers/out-dirs.js';

const tmp = tempDirs('ruleatlas-links-');
const catalog = () => buildCatalog(smallCorpus(), { attack: ATTACK, events: EVENTS });
const FIXTURES = join(__dirname, '..', '..', 'fixtures');

afterEach(() => vi.restoreAllMocks());

/** An output folder and, beside it, a folder standing for the rest of the user's files. */
function dirs(): { out: string; outside: string } {
  const base = tmp();
  const out = join(base, 'out');
  const outside = join(base, 'outside');
  mkdirSync(out);
  mkdirSync(outside);
  writeFileSync(join(outside, 'keep.txt'), 'precious\n');
  return { out, outside };
}

describe('links in the output directory', () => {
  it('refuses a folder of the output that is a link, and writes nothing through it', async () => {
    const { out, outside } = dirs();
    symlinkSync(outside, join(out, 'techniques'));
    await expect(writeCatalog(catalog(), out)).rejects.toThrow(OutputError);
    await expect(writeCatalog(catalog(), out)).rejects.toThrow(/symbolic link .*techniques/);
    expect(listFiles(outside)).toEqual(['keep.txt']);
  });

  it('refuses a file of the output that is a link, and leaves its target as it was', async () => {
    const { out, outside } = dirs();
    symlinkSync(join(outside, 'keep.txt'), join(out, 'index.html'));
    await expect(writeCatalog(catalog(), out)).rejects.toThrow(/symbolic link .*index\.html/);
    expect(readFileSync(join(outside, 'keep.txt'), 'utf8')).toBe('precious\n');
    // A dangling link is refused too (it would create the file it points to).
    const { out: out2, outside: outside2 } = dirs();
    symlinkSync(join(outside2, 'created.json'), join(out2, 'catalog.json'));
    await expect(writeCatalog(catalog(), out2)).rejects.toThrow(OutputError);
    expect(existsSync(join(outside2, 'created.json'))).toBe(false);
  });

  it('does not remove stale files through a link', async () => {
    const { out, outside } = dirs();
    await writeCatalog(catalog(), out);
    // A tampered manifest naming a file behind a planted link.
    symlinkSync(outside, join(out, 'old'));
    const manifest = join(out, '.ruleatlas-manifest.json');
    const m = JSON.parse(readFileSync(manifest, 'utf8')) as { files: string[] };
    m.files.push('old/keep.txt');
    writeFileSync(manifest, JSON.stringify(m));
    await writeCatalog(catalog(), out);
    expect(readFileSync(join(outside, 'keep.txt'), 'utf8')).toBe('precious\n');
  });

  it('writes into an output folder that is itself a link (the user chose it)', async () => {
    const { out } = dirs();
    const link = join(out, '..', 'out-link');
    symlinkSync(out, link);
    const r = await writeCatalog(catalog(), link);
    expect(r.files).toBeGreaterThan(5);
    expect(existsSync(join(out, 'index.html'))).toBe(true);
  });

  it('the CLI says what it refused and exits 1', async () => {
    const { out, outside } = dirs();
    symlinkSync(outside, join(out, 'rules'));
    let err = '';
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
    const code = await runCli(['build', FIXTURES, '--out', out, '--workers', '0']);
    vi.restoreAllMocks();
    expect(code).toBe(1);
    expect(err).toContain('ruleatlas build: refusing to write through a symbolic link in the output directory');
    expect(err).toContain(join(out, 'rules'));
    expect(listFiles(outside)).toEqual(['keep.txt']);
  });
});
