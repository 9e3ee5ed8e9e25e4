/**
 * Reached techniques kept as they were (src/incremental/unchanged-techniques.ts):
 * a rebuild keeps a technique's previous element and pages only when the
 * change cannot show there, and then writes what a full build writes.
 *
 * The fixtures' techniques never fill a section (250 rows), so this builds a
 * corpus that does: 320 Sigma rules of one technique, each with a value of
 * its own (count 1, past the last row shown or before it, by display form),
 * values shared by many, and exclusions in a section that is not full. Each
 * kind of edit is drawn at random (seeded) and the rebuild compared with a
 * full build, byte for byte.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { updateBuild } from '../../src/incremental/index.js';
import { techniqueCut, validCuts, CUT_WIDTH } from '../../src/incremental/unchanged-techniques.js';
import { buildFromPaths } from '../../src/pipeline.js';
import { prng } from '../helpers/prng.mjs';
import { expectSameTree } from '../helpers/tree.js';

const tmp = mkdtempSync(join(tmpdir(), 'ruleatlas-unchanged-techniques-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const RULES = 320;
const LATE = 280;

function ruleText(i: number): string {
  const id = `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
  // Most rules are T1059.001's (rolled up into T1059); every tenth is T1218's too (a section that is not full).
  const tags = ['attack.execution', 'attack.t1059.001', ...(i % 10 === 0 ? ['attack.t1218'] : [])];
  return [
    `title: Synthetic rule ${i}`,
    `id: ${id}`,
    'status: test',
    'description: A rule of the synthetic corpus.',
    'logsource:',
    '    category: process_creation',
    '    product: windows',
    'detection:',
    '    selection:',
    '        Image|endswith:',
    // The last 40 rules' own values sort after every other one: past the last row shown.
    `            - '\\${i < LATE ? 'tool' : 'zz'}${i}.exe'`,
    `            - '\\shared${i % 7}.exe'`,
    `        CommandLine|contains: '-flag${i % 13}'`,
    '    filter:',
    `        ParentImage|endswith: '\\parent${i % 5}.exe'`,
    '    condition: selection and not filter',
    'tags:',
    ...tags.map((t) => `    - ${t}`),
    'level: medium',
    '',
  ].join('\n');
}


interface Edit {
  name: string;
  apply(text: string, n: number): string;
  /** The rules it may edit (by number): all when absent. */
  rules?: (i: number) => boolean;
}

const EDITS: Edit[] = [
  // A value of its own renamed past the last row shown (the technique is kept) or before it (shown: computed).
  { name: 'own value, sorted late', apply: (t, n) => t.replace(/\\zz\d+[^']*\.exe'/, `\\zz${n}x.exe'`), rules: (i) => i >= LATE },
  { name: 'own value, sorted early', apply: (t, n) => t.replace(/\\(?:tool|zz)\d+[^']*\.exe'/, `\\aa${n}.exe'`) },
  { name: 'shared value', apply: (t, n) => t.replace(/\\shared(\d)\.exe'/, `\\shared$1x${n}.exe'`) },
  { name: 'own value made a shared one', apply: (t) => t.replace(/\\(?:tool|zz|aa)\d+[^']*\.exe'/, `\\shared3.exe'`) },
  { name: 'command-line value', apply: (t, n) => t.replace(/-flag\d+'/, `-flag${n}x'`) },
  { name: 'exclusion value', apply: (t, n) => t.replace(/\\parent\d\.exe'/, `\\parent${n}y.exe'`) },
  { name: 'case of an own value', apply: (t) => t.replace(/\\(tool|zz|aa)(\d+[^']*)\.exe'/, (_m, a: string, b: string) => `\\${a.toUpperCase()}${b}.EXE'`) },
];

describe('reached techniques whose element a change cannot have changed', () => {
  it('reads back what a technique showed (its cut), and refuses a cut of another shape', () => {
    const row = (count: number, value: string) => ({ count, field: 'process.name', op: 'eq' as const, value });
    const cut = techniqueCut({ indicators: [row(3, 'a.exe'), row(1, 'b.exe')], exclusions: [] });
    expect(cut).toEqual([2, 1, 'process.name', 'eq', 'b.exe', 0, 0, null, '', '']);
    expect(cut).toHaveLength(CUT_WIDTH);
    expect(validCuts(cut, 1)).toBe(true);
    expect(validCuts([...cut, ...cut], 2)).toBe(true);
    expect(validCuts(cut, 2)).toBe(false);
    expect(validCuts([-1, ...cut.slice(1)], 1)).toBe(false);
    expect(validCuts([2, 1, 3, ...cut.slice(3)], 1)).toBe(false);
    expect(validCuts([2, 1, null, null, ...cut.slice(4)], 1)).toBe(false);
    expect(validCuts('no', 0)).toBe(false);
  });

  for (const site of [false, true]) {
    it(`keeps them, and writes what a full build writes, after random value edits (${site ? 'with' : 'without'} the web site)`, async () => {
      const root = join(tmp, site ? 'site' : 'catalog');
      const dir = join(root, 'rules', 'sigma');
      mkdirSync(dir, { recursive: true });
      for (let i = 0; i < RULES; i++) writeFileSync(join(dir, `rule_${i}.yml`), ruleText(i));
      const paths = [join(root, 'rules')];
      const out = join(root, 'out');
      const cache = join(root, 'cache');
      const first = await updateBuild(paths, { out, cache, site, workers: 0 });
      expect(first.incremental.used).toBe(false);
      // The technique's indicator section is full: the rows past it are what an edit may leave unseen.
      const t = first.full!.catalog.techniques.find((x) => x.id === 'T1059.001')!;
      expect(t.indicators).toHaveLength(250);
      expect(t.indicators.at(-1)!.count).toBe(1);
      expect(t.exclusions.length).toBeLessThan(250);

      const pick = prng(site ? 20261130 : 20261129);
      const kept: Record<string, number[]> = {};
      const rounds = site ? EDITS.length : 2 * EDITS.length;
      for (let n = 0; n < rounds; n++) {
        const edit = EDITS[n % EDITS.length]!;
        let done = false;
        for (let tries = 0; tries < 100 && !done; tries++) {
          const i = Math.floor(pick() * RULES);
          if (edit.rules && !edit.rules(i)) continue;
          const f = join(dir, `rule_${i}.yml`);
          const before = readFileSync(f, 'utf8');
          const after = edit.apply(before, n);
          if (after !== before) {
            writeFileSync(f, after);
            done = true;
          }
        }
        expect(done, edit.name).toBe(true);
        const r = await updateBuild(paths, { out, cache, site, workers: 0 });
        expect(r.incremental.used, edit.name).toBe(true);
        (kept[edit.name] ??= []).push(r.incremental.techniquesKept ?? 0);
        const ref = join(root, `ref-${n}`);
        await buildFromPaths(paths, { out: ref, site, workers: 0 });
        expectSameTree(out, ref);
        rmSync(ref, { recursive: true, force: true });
      }
      // Both ways happen: a value past the last row keeps the technique and its roll-up; one shown, or a shared
      // value, or an exclusion in a section that is not full, has them computed again.
      expect(Math.max(...kept['own value, sorted late']!), 'own value, sorted late').toBeGreaterThanOrEqual(2);
      for (const name of ['own value, sorted early', 'shared value', 'exclusion value']) expect(Math.max(...kept[name]!), name).toBe(0);
    }, 120_000);
  }
});
