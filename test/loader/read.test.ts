// Reading rule files (readOne in src/loader/load.ts): files are read into a
// reused 1 MB buffer up to their end, and only a file that fills it is
// measured before the rest is read. These tests pin the size limit
// (limits.maxFileBytes) and the sizes around the buffer's edge.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCorpus } from '../../src/loader/load.js';

const SCRATCH = 1 << 20;

const RULE = `title: Read test rule
id: 5b0e1d2c-7a41-4c1e-9a55-2f0c6b7d8e01
status: test
logsource:
  product: windows
  category: process_creation
detection:
  sel:
    Image|endswith: '\\tool.exe'
  condition: sel
level: low
`;

/** The rule followed by a comment line that brings the file to exactly `size` bytes. */
function ruleOfSize(size: number): string {
  const pad = size - Buffer.byteLength(RULE) - 3; // "# " and the newline
  if (pad < 0) throw new Error('size too small');
  return RULE + '# ' + 'a'.repeat(pad) + '\n';
}

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'ruleatlas-read-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const p = join(root, name);
  writeFileSync(p, text);
  return p;
}

describe('reading rule files', () => {
  it.each([SCRATCH - 1, SCRATCH, SCRATCH + 1, 3 * SCRATCH + 17])('reads a file of %i bytes whole', async (size) => {
    const small = await loadCorpus([write('small.yml', RULE)], { workers: 0, normalize: false });
    const p = write(`size-${size}.yml`, ruleOfSize(size));
    const r = await loadCorpus([p], { workers: 0, normalize: false });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.rules).toHaveLength(1);
    expect(r.rules[0]!.title).toBe('Read test rule');
    // The same detection as the file without the padding: nothing cut at the buffer's edge.
    expect(r.rules[0]!.query).toEqual(small.rules[0]!.query);
    expect(r.files).toEqual([{ path: p, format: 'sigma-yaml', vendor: 'sigma', role: 'rules', rules: 1 }]);
  });

  it('reports a rule file over the limit with its size, and parses nothing of it', async () => {
    const bytes = Buffer.byteLength(RULE);
    const p = write('over.yml', RULE);
    const r = await loadCorpus([p], { workers: 0, normalize: false, limits: { maxFileBytes: bytes - 1 } });
    expect(r.rules).toEqual([]);
    expect(r.files).toEqual([{ path: p, format: null, rules: 0 }]);
    expect(r.diagnostics).toEqual([
      expect.objectContaining({ severity: 'error', code: 'io.too-large', path: p, line: 1, column: 1, message: `file is ${bytes} bytes, over the ${bytes - 1}-byte limit (limits.maxFileBytes); not parsed` }),
    ]);
  });

  it('accepts a file of exactly the limit', async () => {
    const p = write('exact.yml', RULE);
    const r = await loadCorpus([p], { workers: 0, normalize: false, limits: { maxFileBytes: Buffer.byteLength(RULE) } });
    expect(r.diagnostics.filter((d) => d.code === 'io.too-large')).toEqual([]);
    expect(r.rules).toHaveLength(1);
  });

  it('measures a file bigger than the buffer before reading the rest', async () => {
    const size = 2 * SCRATCH + 5;
    const p = write('big-over.yml', ruleOfSize(size));
    const r = await loadCorpus([p], { workers: 0, normalize: false, limits: { maxFileBytes: SCRATCH + SCRATCH / 2 } });
    expect(r.rules).toEqual([]);
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'io.too-large', message: `file is ${size} bytes, over the ${SCRATCH + SCRATCH / 2}-byte limit (limits.maxFileBytes); not parsed` })]);
  });

  it('lists a file of no rule extension over the limit as unrecognized, without an error', async () => {
    const p = write('notes.cfg', 'x'.repeat(300));
    const r = await loadCorpus([p], { workers: 0, normalize: false, limits: { maxFileBytes: 100 } });
    expect(r.unrecognized).toEqual([p]);
    expect(r.diagnostics).toEqual([]);
    expect(r.files).toEqual([]);
  });
});
