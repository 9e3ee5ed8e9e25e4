/**
 * The incremental build (src/incremental/): after any edit, `updateBuild`
 * writes exactly what a full build of the edited rules writes, whether it
 * could start from the previous build or had to run in full; and it does
 * start from the previous build for the edits it is made for.
 *
 * Edits are drawn at random (seeded) from the kinds a rule repository sees:
 * titles, values, added values, ATT&CK tags, Elastic and Splunk queries,
 * plus changes it must refuse (a file added, a shared Sigma id, an output
 * folder changed by hand).
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { loadAttackData } from '../../src/attack/index.js';
import type { AttackData } from '../../src/attack/types.js';
import { updateBuild, type UpdateResult } from '../../src/incremental/index.js';
import { buildFromPaths } from '../../src/pipeline.js';
import { corpus, describeCorpus } from '../helpers/corpora.js';
import { prng } from '../helpers/prng.mjs';
import { expectSameTree, tree } from '../helpers/tree.js';

const FIXTURES = resolve(__dirname, '..', '..', 'fixtures');
const tmp = mkdtempSync(join(tmpdir(), 'ruleatlas-incremental-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));



interface Edit {
  name: string;
  /** Files it may apply to (relative to the corpus root). */
  files: RegExp;
  apply(text: string, n: number, pick: () => number): string | null;
}

/** Replace the `which`-th match of `re` (global) with `to(match)`; null when there is none. */
function replaceNth(text: string, re: RegExp, pick: () => number, to: (m: RegExpExecArray) => string): string | null {
  const ms = [...text.matchAll(re)];
  if (!ms.length) return null;
  const m = ms[Math.floor(pick() * ms.length)]! as RegExpExecArray;
  return text.slice(0, m.index) + to(m) + text.slice(m.index + m[0].length);
}

const EDITS: Edit[] = [
  { name: 'sigma title', files: /^sigma\/.*\.yml$/, apply: (t, n) => t.replace(/^title: (.*)$/m, `title: $1 (edit ${n})`) },
  { name: 'sigma value', files: /^sigma\/.*\.yml$/, apply: (t, n, p) => replaceNth(t, /^(\s+(?:- )?(?:[A-Za-z|]+: )?)'([^'\n]+)'$/gm, p, (m) => `${m[1]}'${m[2]}${n}'`) },
  { name: 'sigma added value', files: /^sigma\/.*\.yml$/, apply: (t, n, p) => replaceNth(t, /^(\s+)- '([^'\n]+)'$/gm, p, (m) => `${m[0]}\n${m[1]}- 'added${n}.exe'`) },
  { name: 'sigma value shared with another rule', files: /^sigma\/.*\.yml$/, apply: (t, _n, p) => replaceNth(t, /^(\s+(?:- )?(?:[A-Za-z|]+: )?)'([^'\n]+)'$/gm, p, (m) => `${m[1]}'\\rundll32.exe'`) },
  { name: 'sigma case of a value', files: /^sigma\/.*\.yml$/, apply: (t, _n, p) => replaceNth(t, /^(\s+(?:- )?(?:[A-Za-z|]+: )?)'([^'\n]*[a-z][^'\n]*)'$/gm, p, (m) => `${m[1]}'${m[2]!.toUpperCase()}'`) },
  { name: 'sigma technique tag', files: /^sigma\/.*\.yml$/, apply: (t, _n, p) => replaceNth(t, /attack\.t(\d{4})(\.\d{3})?/g, p, (m) => `attack.t${m[1]}${m[2] ? '' : '.001'}`) },
  { name: 'sigma level', files: /^sigma\/.*\.yml$/, apply: (t) => t.replace(/^level: (\w+)$/m, (_m, l: string) => `level: ${l === 'high' ? 'medium' : 'high'}`) },
  { name: 'elastic name', files: /^elastic\/.*\.toml$/, apply: (t, n) => t.replace(/^name = "(.*)"$/m, `name = "$1 (edit ${n})"`) },
  { name: 'elastic query value', files: /^elastic\/.*\.toml$/, apply: (t, n, p) => replaceNth(t, /"([A-Za-z][\w.-]*\.(?:exe|dll))"/g, p, (m) => `"${m[1]!.replace(/\./, `${n}.`)}"`) },
  { name: 'splunk search value', files: /^splunk\/detections\/.*\.yml$/, apply: (t, n, p) => replaceNth(t, /"([\w*. -]+\.exe)"/g, p, (m) => `"${m[1]!.replace('.exe', `${n}.exe`)}"`) },
  { name: 'splunk name', files: /^splunk\/detections\/.*\.yml$/, apply: (t, n) => t.replace(/^name: (.*)$/m, `name: $1 edit ${n}`) },
];

let runs = 0;
function setup(src = FIXTURES): { dir: string; paths: string[]; out: string; cache: string; root: string } {
  const root = join(tmp, String(runs++));
  const dir = join(root, 'rules');
  cpSync(src, dir, { recursive: true });
  return { dir, root, paths: [dir], out: join(root, 'out'), cache: join(root, 'cache') };
}

async function fullInto(paths: string[], out: string, site = false): Promise<void> {
  await buildFromPaths(paths, { out, site, workers: 0 });
}

function ruleFiles(dir: string): string[] {
  return [...tree(dir).keys()].filter((p) => /\.(ya?ml|toml)$/.test(p) && !p.includes('macros')).sort();
}

describe('incremental build', () => {
  for (const site of [false, true]) {
    it(`writes what a full build writes after each of a sequence of random edits (${site ? 'with' : 'without'} the web site)`, async () => {
      const s = setup();
      const first = await updateBuild(s.paths, { out: s.out, cache: s.cache, site, workers: 0 });
      expect(first.incremental.used).toBe(false);
      expect(first.incremental.snapshot).toBe(true);
      const pick = prng(site ? 20261129 : 20261128);
      const files = ruleFiles(s.dir);
      const used: string[] = [];
      /** Edits after which the corpus-wide figures were the previous build's; after which only rows were written. */
      const same: string[] = [];
      const rowsOnly: string[] = [];
      /** Edits after which the interning was patched (not counted again over the corpus). */
      const patchedInterning: string[] = [];
      for (let n = 0; n < 24; n++) {
        const edit = EDITS[n % EDITS.length]!;
        const candidates = files.filter((f) => edit.files.test(f));
        let changed = false;
        for (let tries = 0; tries < 10 && !changed; tries++) {
          const f = join(s.dir, candidates[Math.floor(pick() * candidates.length)]!);
          const before = readFileSync(f, 'utf8');
          const after = edit.apply(before, n, pick);
          if (after !== null && after !== before) {
            writeFileSync(f, after);
            changed = true;
          }
        }
        expect(changed, edit.name).toBe(true);
        const r = await updateBuild(s.paths, { out: s.out, cache: s.cache, site, workers: 0 });
        if (r.incremental.used) used.push(edit.name);
        if (r.incremental.used && r.incremental.samePredicates) same.push(edit.name);
        if (r.incremental.used && r.incremental.rowsOnly) rowsOnly.push(edit.name);
        if (r.incremental.used && r.incremental.interning === 'patched') patchedInterning.push(edit.name);
        const ref = join(s.root, `ref-${n}`);
        await fullInto(s.paths, ref, site);
        expectSameTree(s.out, ref);
        // The check figures are the full build's too.
        const full = await buildFromPaths(s.paths, { site: false, workers: 0 });
        expect(r.summary).toEqual(full.summary);
        expect(r.techniques).toBe(full.catalog.techniques.length);
      }
      // The edits it is made for did start from the previous build.
      for (const name of ['sigma title', 'sigma value', 'sigma added value', 'sigma level', 'elastic name', 'splunk name']) expect(used, name).toContain(name);
      // ...without counting the corpus again when the rule kept its predicates, and only then.
      for (const name of ['sigma title', 'sigma level', 'elastic name', 'splunk name']) expect(same, name).toContain(name);
      for (const name of ['sigma value', 'sigma added value', 'sigma value shared with another rule', 'elastic query value', 'splunk search value']) expect(same, name).not.toContain(name);
      // A level or a title that keeps the rule's place is its row alone (and, with the site, its page and the
      // pages listing it); never a value or a tag.
      for (const name of ['sigma title', 'sigma level']) expect(rowsOnly, name).toContain(name);
      for (const name of ['sigma value', 'sigma added value', 'sigma technique tag', 'elastic query value', 'splunk search value']) expect(rowsOnly, name).not.toContain(name);
      // A changed value patches the interning (src/incremental/patch-interning.ts) instead of counting the corpus again.
      for (const name of ['sigma value', 'sigma added value', 'sigma case of a value', 'elastic query value', 'splunk search value']) expect(patchedInterning, name).toContain(name);
    }, 120_000);
  }

  it('writes nothing and reports no change when no rule file changed', async () => {
    const s = setup();
    const first = await updateBuild(s.paths, { out: s.out, cache: s.cache, site: false, workers: 0 });
    const before = statSync(join(s.out, 'catalog.json')).mtimeMs;
    const r = await updateBuild(s.paths, { out: s.out, cache: s.cache, site: false, workers: 0 });
    expect(r.incremental).toMatchObject({ used: true, changedFiles: [] });
    expect(statSync(join(s.out, 'catalog.json')).mtimeMs).toBe(before);
    // The figures of the build before, and every output file (all but the manifest) counted as unchanged.
    expect(r.summary).toEqual(first.summary);
    expect(r.techniques).toBe(first.techniques);
    expect(r.written.files).toBe(tree(s.out).size - 1);
    expect(r.written.unchanged).toBe(r.written.files);
  });

  it('keeps one set of snapshot files, the ones the state names', async () => {
    const s = setup();
    await updateBuild(s.paths, { out: s.out, cache: s.cache, site: false, workers: 0 });
    const f = join(s.dir, 'sigma', 'lsass_dump_comsvcs.yml');
    for (const title of ['one', 'two']) {
      writeFileSync(f, readFileSync(f, 'utf8').replace(/^title: (.*)$/m, `title: $1 ${title}`));
      expect((await updateBuild(s.paths, { out: s.out, cache: s.cache, site: false, workers: 0 })).incremental.used).toBe(true);
    }
    // Touched without a change: only the stamps are new (the state and stamps file are written again).
    const t = new Date(Date.now() + 5_000);
    utimesSync(f, t, t);
    expect((await updateBuild(s.paths, { out: s.out, cache: s.cache, site: false, workers: 0 })).incremental).toMatchObject({ used: true, changedFiles: [] });
    const state = JSON.parse(readFileSync(join(s.cache, 'build-v1.json'), 'utf8')) as Record<string, string>;
    const named = ['rulesFile', 'predsFile', 'stringsFile', 'interningFile', 'stampsFile', 'supportFile'].map((k) => state[k]).sort();
    expect(readdirSync(s.cache).filter((x) => /^build-v1-(rules|preds|strings|interning|stamps|support)-/.test(x)).sort()).toEqual(named);
    // And one spare of each kind the rebuilds wrote again (a title edit keeps the predicates' files), written
    // over by the next file of that kind.
    expect(readdirSync(s.cache).filter((x) => x.startsWith('build-v1-spare-')).sort()).toEqual(['build-v1-spare-rules', 'build-v1-spare-stamps']);
  });

  const refusals: { name: string; change: (s: ReturnType<typeof setup>) => void; reason: RegExp }[] = [
    { name: 'a rule file added', change: (s) => cpSync(join(s.dir, 'sigma', 'lsass_dump_comsvcs.yml'), join(s.dir, 'sigma', 'copy.yml')), reason: /added, removed or renamed/ },
    {
      name: 'a Sigma id another rule has',
      change: (s) => {
        const a = join(s.dir, 'sigma', 'lsass_dump_comsvcs.yml');
        const other = /^id: (.*)$/m.exec(readFileSync(join(s.dir, 'sigma', 'lsass_memory_access.yml'), 'utf8'))![1]!;
        writeFileSync(a, readFileSync(a, 'utf8').replace(/^id: .*$/m, `id: ${other}`));
      },
      reason: /shares its id|id or name correlations refer to/,
    },
    { name: 'the output changed by hand', change: (s) => writeFileSync(join(s.out, 'catalog.json'), '{}\n'), reason: /output folder changed/ },
    { name: 'a Markdown page removed by hand', change: (s) => unlinkSync(join(s.out, 'techniques', readdirSync(join(s.out, 'techniques')).sort()[0]!)), reason: /output folder changed/ },
    {
      name: 'a supporting file changed',
      change: (s) => {
        const m = join(s.dir, 'splunk', 'macros', 'sysmon.yml');
        writeFileSync(m, readFileSync(m, 'utf8') + '\n# edited\n');
      },
      reason: /supporting file/,
    },
  ];
  for (const t of refusals) {
    it(`runs in full, and says why, for ${t.name}`, async () => {
      const s = setup();
      await updateBuild(s.paths, { out: s.out, cache: s.cache, site: false, workers: 0 });
      t.change(s);
      const r = await updateBuild(s.paths, { out: s.out, cache: s.cache, site: false, workers: 0 });
      expect(r.incremental.used).toBe(false);
      expect(r.incremental.reason).toMatch(t.reason);
      await fullInto(s.paths, join(s.root, 'ref'));
      expectSameTree(s.out, join(s.root, 'ref'));
      // ...and leaves a snapshot the next build starts from.
      const again = await updateBuild(s.paths, { out: s.out, cache: s.cache, site: false, workers: 0 });
      expect(again.incremental.used).toBe(true);
    });
  }

  it('starts a rebuild after a Splunk edit from the Splunk state the snapshot saved, not from the supporting files', async () => {
    const s = setup();
    await updateBuild(s.paths, { out: s.out, cache: s.cache, site: false, workers: 0 });
    const state = JSON.parse(readFileSync(join(s.cache, 'build-v1.json'), 'utf8')) as Record<string, string>;
    expect(state.supportFile).toMatch(/^build-v1-support-\d+\.json$/);
    const supportPath = join(s.cache, state.supportFile!);
    const saved = JSON.parse(readFileSync(supportPath, 'utf8')) as { splunk: { macros: Record<string, { definition: string }> } };
    expect(Object.keys(saved)).toEqual(['splunk']);
    expect(saved.splunk.macros['sysmon/0']!.definition).toContain('XmlWinEventLog:Microsoft-Windows-Sysmon/Operational');
    // A definition changed in the saved state alone (the macro file is as it was) shows in the edited
    // rule: the rebuild took the macros from the snapshot.
    saved.splunk.macros['sysmon/0']!.definition = 'sourcetype=from_the_snapshot';
    writeFileSync(supportPath, JSON.stringify(saved));
    const rule = join(s.dir, 'splunk', 'detections', 'lsass_access_by_unsigned_tool.yml');
    writeFileSync(rule, readFileSync(rule, 'utf8').replace(/^name: (.*)$/m, 'name: $1 (edited)'));
    const r = await updateBuild(s.paths, { out: s.out, cache: s.cache, site: false, workers: 0 });
    expect(r.incremental.used).toBe(true);
    expect(readFileSync(join(s.out, 'catalog.json'), 'utf8')).toContain('from_the_snapshot');
    // A damaged saved state is refused (the cache directory is not trusted): the build runs in full, from the files.
    writeFileSync(supportPath, JSON.stringify({ splunk: { ...saved.splunk, macros: { 'sysmon/0': { ...saved.splunk.macros['sysmon/0'], name: 'other' } } } }));
    writeFileSync(rule, readFileSync(rule, 'utf8').replace(/^name: (.*)$/m, 'name: $1 again'));
    const damaged = await updateBuild(s.paths, { out: s.out, cache: s.cache, site: false, workers: 0 });
    expect(damaged.incremental).toMatchObject({ used: false, reason: 'snapshot: a saved Splunk macro is damaged' });
    await fullInto(s.paths, join(s.root, 'ref'));
    expectSameTree(s.out, join(s.root, 'ref'));
    // A file that is not JSON at all: the same. An edit of another vendor does not read it. (The full
    // build saved the state under a new name.)
    const next = JSON.parse(readFileSync(join(s.cache, 'build-v1.json'), 'utf8')) as Record<string, string>;
    expect(next.supportFile).not.toBe(state.supportFile);
    writeFileSync(join(s.cache, next.supportFile!), '{"splunk": ');
    const sigma = join(s.dir, 'sigma', 'lsass_dump_comsvcs.yml');
    writeFileSync(sigma, readFileSync(sigma, 'utf8').replace(/^title: (.*)$/m, 'title: $1 (edited)'));
    expect((await updateBuild(s.paths, { out: s.out, cache: s.cache, site: false, workers: 0 })).incremental.used).toBe(true);
    writeFileSync(rule, readFileSync(rule, 'utf8').replace(/^name: (.*)$/m, 'name: $1 and again'));
    expect((await updateBuild(s.paths, { out: s.out, cache: s.cache, site: false, workers: 0 })).incremental).toMatchObject({ used: false, reason: 'snapshot support file is damaged' });
  });

  it('starts from the previous build only for the same ATT&CK data (the bundled data, or the same given data)', async () => {
    const s = setup();
    const edit = (name: string) => {
      const data = structuredClone(loadAttackData());
      data.techniques['T1003']!.name = name;
      return data;
    };
    const run = (attack?: AttackData) => updateBuild(s.paths, { out: s.out, cache: s.cache, site: false, workers: 0, ...(attack ? { attack } : {}) });
    await run();
    expect((await run()).incremental.used).toBe(true);
    const other = await run(edit('Credential Dumping, renamed'));
    expect(other.incremental).toMatchObject({ used: false, reason: 'the code or the options changed since the last build' });
    expect((await run(edit('Credential Dumping, renamed'))).incremental.used).toBe(true);
    expect((await run(edit('Credential Dumping, renamed again'))).incremental.used).toBe(false);
    expect((await run()).incremental.used).toBe(false);
  });

  it('keeps a web site page edited or removed by hand from being reused (a full build runs)', async () => {
    const s = setup();
    await updateBuild(s.paths, { out: s.out, cache: s.cache, workers: 0 });
    const rules = join(s.out, 'rules', 'sigma');
    unlinkSync(join(rules, readdirSync(rules).sort()[0]!));
    const f = join(s.dir, 'sigma', 'lsass_dump_comsvcs.yml');
    writeFileSync(f, readFileSync(f, 'utf8').replace(/^title: (.*)$/m, 'title: $1 (edited)'));
    const r = await updateBuild(s.paths, { out: s.out, cache: s.cache, workers: 0 });
    expect(r.incremental.used).toBe(false);
    expect(r.incremental.reason).toMatch(/output folder changed/);
    await fullInto(s.paths, join(s.root, 'ref'), true);
    expectSameTree(s.out, join(s.root, 'ref'));
  });

  it('falls back to a full build when a snapshot that passes its checks is wrong', async () => {
    const s = setup();
    await updateBuild(s.paths, { out: s.out, cache: s.cache, site: false, workers: 0 });
    // Technique pages recorded past the end of catalog.json: found out while copying them (an I/O error,
    // not a check), after the Markdown pages were written. No temporary file may stay behind. (A technique
    // tag added: the technique pages are aggregated again. The techniques the edit reaches are left where
    // they are: their previous elements are read, to be compared with the new ones, before anything is written.)
    const statePath = join(s.cache, 'build-v1.json');
    const state = JSON.parse(readFileSync(statePath, 'utf8')) as { ranges: { techniques: [string, number, number][] } };
    const reached = new Set(['T1003', 'T1003.001', 'T1218', 'T1218.011']);
    expect(state.ranges.techniques.filter(([id]) => !reached.has(id)).length).toBeGreaterThan(3);
    state.ranges.techniques = state.ranges.techniques.map(([id, a, b]) => (reached.has(id) ? [id, a, b] : [id, a + 10_000_000, b + 10_000_000]));
    writeFileSync(statePath, JSON.stringify(state));
    const f = join(s.dir, 'sigma', 'lsass_dump_comsvcs.yml');
    writeFileSync(f, readFileSync(f, 'utf8').replace('- attack.t1218.011', '- attack.t1218.011\n    - attack.t1003'));
    const r = await updateBuild(s.paths, { out: s.out, cache: s.cache, site: false, workers: 0 });
    expect(r.incremental.used).toBe(false);
    expect(r.incremental.reason).toMatch(/^the incremental build failed \(.*shorter than recorded\)$/);
    await fullInto(s.paths, join(s.root, 'ref'));
    expectSameTree(s.out, join(s.root, 'ref'));
  });

  for (const site of [false, true]) {
    it(`rewrites only the rule rows a description, title or status edit changes, unless the title moves the rule among the others (${site ? 'with' : 'without'} the web site)`, async () => {
      const s = setup();
      const run = () => updateBuild(s.paths, { out: s.out, cache: s.cache, site, workers: 0 });
      await run();
      const f = join(s.dir, 'sigma', 'lsass_dump_comsvcs.yml');
      const edit = async (from: RegExp, to: string) => {
        writeFileSync(f, readFileSync(f, 'utf8').replace(from, to));
        const r = await run();
        await fullInto(s.paths, join(s.root, 'ref'), site);
        expectSameTree(s.out, join(s.root, 'ref'));
        rmSync(join(s.root, 'ref'), { recursive: true });
        return r.incremental;
      };
      // A description: the row alone (and the rule's page), no page listing the rule (none shows it).
      expect(await edit(/^description: (.*)$/m, 'description: $1 Edited.')).toMatchObject({ used: true, rowsOnly: true, techniques: 0, rows: 1 });
      // A title that keeps the rule's place: the row and the technique pages listing the rule (two techniques, two
      // parents); with the site, the rule's links in its fields' pages and its row of the search data are patched.
      // Characters the HTML and the search data escape, too.
      expect(await edit(/^title: (.*)$/m, 'title: $1 (edited <&> "quoted" \u2028)')).toMatchObject({ used: true, rowsOnly: true, techniques: 4, rows: 1 });
      // A status: the technique pages show it.
      expect(await edit(/^status: (\w+)$/m, 'status: deprecated')).toMatchObject({ used: true, rowsOnly: true, techniques: 4, rows: 1 });
      // A title that moves it first among the Sigma rules: its techniques' and fields' pages list it elsewhere.
      const moved = await edit(/^title: (.*)$/m, 'title: 0 First of all');
      expect(moved).toMatchObject({ used: true, samePredicates: true });
      expect(moved.rowsOnly).toBeUndefined();
    });
  }

  for (const site of [false, true]) {
    it(`computes again only the fields where a changed value's rule shows something new (${site ? 'with' : 'without'} the web site)`, async () => {
      const s = setup();
      const run = () => updateBuild(s.paths, { out: s.out, cache: s.cache, site, workers: 0 });
      await run();
      // The rule filters on four fields (Image, OriginalFileName, CommandLine, ParentImage).
      const f = join(s.dir, 'sigma', 'lsass_dump_comsvcs.yml');
      const edit = async (from: RegExp, to: string, from2?: RegExp, to2?: string) => {
        const before = readFileSync(f, 'utf8');
        expect(before).toMatch(from);
        const after = before.replace(from, to);
        writeFileSync(f, from2 ? after.replace(from2, to2!) : after);
        const r = await run();
        await fullInto(s.paths, join(s.root, 'ref'), site);
        expectSameTree(s.out, join(s.root, 'ref'));
        rmSync(join(s.root, 'ref'), { recursive: true });
        return r.incremental;
      };
      // A value only this rule has, made another only it has: its field alone.
      expect(await edit(/'MiniDump'/, "'MiniDumpEdited'")).toMatchObject({ used: true, interning: 'patched', fields: 1 });
      // An added value: the rule's count of predicates changes (a corpus figure), still its field alone.
      expect(await edit(/( +)- '#24'\n/, "$1- '#24'\n$1- '#2400'\n")).toMatchObject({ used: true, interning: 'patched', fields: 1 });
      // A changed value and a changed status (which pages listing the rule show): each of its four fields.
      expect(await edit(/'MiniDumpEdited'/, "'MiniDumpStatus'", /^status: (\w+)$/m, 'status: deprecated')).toMatchObject({ used: true, interning: 'patched', fields: 4 });
      // A value moved to another field (whose counts of rules change: every field is computed again).
      expect((await edit(/ParentImage\|endswith: '\\SupportAssistAgent\.exe'/, "Image|endswith: '\\SupportAssistAgent.exe'")).fields).toBeGreaterThanOrEqual(2);
    });
  }

  it('falls back to a full build when the rows a change rewrites alone are not where the snapshot says', async () => {
    const s = setup();
    await updateBuild(s.paths, { out: s.out, cache: s.cache, site: false, workers: 0 });
    // Rule rows recorded past the end of catalog.json, then an edited description (only the rule's row shows
    // it): reading the row fails. The techniques' ranges moved alike, or the snapshot's order check says it.
    const statePath = join(s.cache, 'build-v1.json');
    const state = JSON.parse(readFileSync(statePath, 'utf8')) as { ranges: { techniques: [string, number, number][]; rules: number[]; fields: [string, string, number, number][] } };
    state.ranges.rules = state.ranges.rules.map((x) => x + 10_000_000);
    state.ranges.fields = state.ranges.fields.map(([k, slug, a, b]) => [k, slug, a + 10_000_000, b + 10_000_000]);
    writeFileSync(statePath, JSON.stringify(state));
    const f = join(s.dir, 'sigma', 'lsass_dump_comsvcs.yml');
    const text = readFileSync(f, 'utf8');
    expect(text).toMatch(/^description: /m);
    writeFileSync(f, text.replace(/^description: (.*)$/m, 'description: $1 (edited)'));
    const r = await updateBuild(s.paths, { out: s.out, cache: s.cache, site: false, workers: 0 });
    expect(r.incremental.used).toBe(false);
    expect(r.incremental.reason).toBe('catalog.json is shorter than recorded');
    await fullInto(s.paths, join(s.root, 'ref'));
    expectSameTree(s.out, join(s.root, 'ref'));
  });

  const damages: { name: string; file: string; damage: (b: Buffer) => Buffer; edit: (t: string) => string; reason: RegExp }[] = [
    // Cut short: the header still holds, the columns it announces are missing.
    // (A tag edit: a title edit that keeps the rule's place rewrites its row alone, without the interning.)
    { name: 'an interning file cut short, after a tag edit', file: 'build-v1-interning-', damage: (b) => b.subarray(0, 64), edit: (t) => t.replace('- attack.t1218.011', '- attack.t1218.011\n    - attack.t1003'), reason: /interning file is damaged/ },
    // The stamps are read with the state, before any file is checked.
    { name: 'a stamps file cut short, after a title edit', file: 'build-v1-stamps-', damage: (b) => b.subarray(0, 64), edit: (t) => t.replace(/^title: (.*)$/m, 'title: $1 (edited)'), reason: /stamps file is damaged/ },
    { name: 'a stamps file of garbage, after a title edit', file: 'build-v1-stamps-', damage: (b) => Buffer.alloc(b.length, 0x41), edit: (t) => t.replace(/^title: (.*)$/m, 'title: $1 (edited)'), reason: /stamps file is damaged/ },
    // Read a record at a time: cut in the middle of a record, or anything after the closing bracket.
    { name: 'a rules file cut short, after a title edit', file: 'build-v1-rules-', damage: (b) => b.subarray(0, Math.floor(b.length / 2)), edit: (t) => t.replace(/^title: (.*)$/m, 'title: $1 (edited)'), reason: /rules file is damaged/ },
    { name: 'a rules file with a line after its end, after a title edit', file: 'build-v1-rules-', damage: (b) => Buffer.concat([b, Buffer.from('[]\n')]), edit: (t) => t.replace(/^title: (.*)$/m, 'title: $1 (edited)'), reason: /rules file is damaged/ },
    { name: 'a rules file of garbage, after a title edit', file: 'build-v1-rules-', damage: (b) => Buffer.alloc(b.length, 0x41), edit: (t) => t.replace(/^title: (.*)$/m, 'title: $1 (edited)'), reason: /rules file is damaged/ },
    { name: 'a strings file of garbage, after a title edit', file: 'build-v1-strings-', damage: (b) => Buffer.alloc(b.length, 0x41), edit: (t) => t.replace(/^title: (.*)$/m, 'title: $1 (edited)'), reason: /strings file is damaged/ },
    { name: 'a strings file of garbage, after a value edit', file: 'build-v1-strings-', damage: (b) => Buffer.alloc(b.length, 0x41), edit: (t) => t.replace(/'([^'\n]+)'$/m, "'$1-edited'"), reason: /strings file is damaged/ },
  ];
  for (const d of damages) {
    it(`refuses ${d.name} (a full build runs)`, async () => {
      const s = setup();
      await updateBuild(s.paths, { out: s.out, cache: s.cache, site: false, workers: 0 });
      for (const f of readdirSync(s.cache).filter((x) => x.startsWith(d.file))) writeFileSync(join(s.cache, f), d.damage(readFileSync(join(s.cache, f))));
      const f = join(s.dir, 'sigma', 'lsass_dump_comsvcs.yml');
      const text = readFileSync(f, 'utf8');
      expect(d.edit(text)).not.toBe(text);
      writeFileSync(f, d.edit(text));
      const r = await updateBuild(s.paths, { out: s.out, cache: s.cache, site: false, workers: 0 });
      expect(r.incremental.used).toBe(false);
      expect(r.incremental.reason).toMatch(d.reason);
      await fullInto(s.paths, join(s.root, 'ref'));
      expectSameTree(s.out, join(s.root, 'ref'));
    });
  }

  it('refuses a damaged snapshot (a full build runs)', async () => {
    const s = setup();
    await updateBuild(s.paths, { out: s.out, cache: s.cache, site: false, workers: 0 });
    for (const f of readdirSync(s.cache).filter((x) => x.startsWith('build-v1-preds-'))) writeFileSync(join(s.cache, f), Buffer.alloc(64, 0xff));
    // Nothing changed: only the state is read (the outputs are current).
    expect((await updateBuild(s.paths, { out: s.out, cache: s.cache, site: false, workers: 0 })).incremental).toMatchObject({ used: true, changedFiles: [] });
    const f = join(s.dir, 'sigma', 'lsass_dump_comsvcs.yml');
    writeFileSync(f, readFileSync(f, 'utf8').replace(/^title: (.*)$/m, 'title: $1 (edited)'));
    const r: UpdateResult = await updateBuild(s.paths, { out: s.out, cache: s.cache, site: false, workers: 0 });
    expect(r.incremental.used).toBe(false);
    expect(r.incremental.reason).toMatch(/damaged/);
    await fullInto(s.paths, join(s.root, 'ref'));
    expectSameTree(s.out, join(s.root, 'ref'));
  });
});

describe('incremental build: the folders are listed again only when one changed', () => {
  afterEach(() => {
    vi.useRealTimers();
  });
  const opts = (s: ReturnType<typeof setup>) => ({ out: s.out, cache: s.cache, site: false, workers: 0 }) as const;
  /**
   * A first build whose stamps are recorded a minute from now: stamps of folders (and files) changed less
   * than RACY_MS before a build are not trusted, and the copies made by `setup` are that young.
   */
  async function firstBuildAhead(s: ReturnType<typeof setup>): Promise<void> {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 60_000);
    await updateBuild(s.paths, opts(s));
    vi.useRealTimers();
  }
  const editTitle = (s: ReturnType<typeof setup>) => {
    const f = join(s.dir, 'sigma', 'lsass_dump_comsvcs.yml');
    writeFileSync(f, readFileSync(f, 'utf8').replace(/^title: (.*)$/m, 'title: $1 (edited)'));
  };

  it('does not list them after an edit in place', async () => {
    const s = setup();
    await firstBuildAhead(s);
    editTitle(s);
    const r = await updateBuild(s.paths, opts(s));
    expect(r.incremental).toMatchObject({ used: true, listed: false, changedFiles: [join(s.dir, 'sigma', 'lsass_dump_comsvcs.yml')] });
    await fullInto(s.paths, join(s.root, 'ref'));
    expectSameTree(s.out, join(s.root, 'ref'));
  });

  it('lists them when a folder changed, and starts from the previous build when the files are the same', async () => {
    const s = setup();
    await firstBuildAhead(s);
    // What an editor's swap file does: created beside the rule, then removed.
    const swap = join(s.dir, 'splunk', 'detections', '.rule.yml.swp');
    writeFileSync(swap, 'x');
    unlinkSync(swap);
    editTitle(s);
    const r = await updateBuild(s.paths, opts(s));
    expect(r.incremental).toMatchObject({ used: true, listed: true });
    await fullInto(s.paths, join(s.root, 'ref'));
    expectSameTree(s.out, join(s.root, 'ref'));
  });

  const changes: { name: string; change: (s: ReturnType<typeof setup>) => void }[] = [
    { name: 'a rule file added to a sub-folder', change: (s) => cpSync(join(s.dir, 'splunk', 'detections', readdirSync(join(s.dir, 'splunk', 'detections')).sort()[0]!), join(s.dir, 'splunk', 'detections', 'zz_copy.yml')) },
    { name: 'a rule file removed', change: (s) => unlinkSync(join(s.dir, 'sigma', 'lsass_memory_access.yml')) },
    { name: 'a rule file renamed', change: (s) => renameSync(join(s.dir, 'sigma', 'lsass_memory_access.yml'), join(s.dir, 'sigma', 'lsass_memory_access_renamed.yml')) },
    {
      name: 'a new folder with a rule file',
      change: (s) => {
        mkdirSync(join(s.dir, 'sigma', 'more'));
        cpSync(join(s.dir, 'sigma', 'lsass_memory_access.yml'), join(s.dir, 'sigma', 'more', 'copy.yml'));
      },
    },
  ];
  for (const t of changes) {
    it(`notices ${t.name} (a full build runs)`, async () => {
      const s = setup();
      await firstBuildAhead(s);
      t.change(s);
      const r = await updateBuild(s.paths, opts(s));
      expect(r.incremental.used).toBe(false);
      expect(r.incremental.reason).toMatch(/added, removed or renamed/);
      await fullInto(s.paths, join(s.root, 'ref'));
      expectSameTree(s.out, join(s.root, 'ref'));
    });
  }
});

describeCorpus('incremental build on the real corpora', () => {
  for (const site of [false, true]) {
    it(`writes what a full build writes after edits to a Sigma, an Elastic and a Splunk rule (${site ? 'with' : 'without'} the web site)`, async () => {
      const root = join(tmp, site ? 'corpora-site' : 'corpora');
      for (const v of ['sigma', 'elastic', 'splunk']) cpSync(corpus(v), join(root, 'rules', v), { recursive: true });
      const paths = ['sigma', 'elastic', 'splunk'].map((v) => join(root, 'rules', v));
      const out = join(root, 'out');
      const cache = join(root, 'cache');
      await updateBuild(paths, { out, cache, site, workers: 0 });
      const sigma = join(paths[0]!, 'rules', 'windows', 'process_creation');
      const f = join(sigma, readdirSync(sigma).filter((x) => x.endsWith('.yml')).sort()[0]!);
      // A title, and a value many rules share (its corpus reach changes on many rule rows).
      const sigmaText = readFileSync(f, 'utf8');
      const edited = sigmaText.replace(/^title: (.*)$/m, 'title: $1 (edited)').replace(/^(\s+- )'[^'\n]*\.exe'$/m, "$1'\\cmd.exe'");
      expect(edited.includes("'\\cmd.exe'")).toBe(true);
      writeFileSync(f, edited);
      // In the same rebuild, an Elastic rule's name and a Splunk detection's name (its macros are loaded with it).
      const firstFile = (dir: string, ext: string): string => {
        const found = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((x) => x.endsWith(ext)).sort()[0]!;
        return join(dir, found);
      };
      const e = firstFile(join(paths[1]!, 'rules'), '.toml');
      writeFileSync(e, readFileSync(e, 'utf8').replace(/^name = "(.*)"$/m, 'name = "$1 (edited)"'));
      const sp = firstFile(join(paths[2]!, 'detections'), '.yml');
      writeFileSync(sp, readFileSync(sp, 'utf8').replace(/^name: (.*)$/m, 'name: $1 edited'));
      const r = await updateBuild(paths, { out, cache, site, workers: 0 });
      expect(r.incremental.reason).toBeUndefined();
      expect(r.incremental.used).toBe(true);
      expect(r.incremental.changedFiles.length).toBe(3);
      expect(r.incremental.rows).toBeGreaterThan(3);
      // The value tables patched, not counted again; with the site too, only the fields reached computed in full
      // (the field list and the search data's other value rows as they were), of the corpus's 1,300.
      expect(r.incremental.interning).toBe('patched');
      expect(r.incremental.fields).toBeLessThan(50);
      await fullInto(paths, join(root, 'ref'), site);
      expectSameTree(out, join(root, 'ref'));
      if (site) {
        // Then the bench's edit: an Elastic query's process name made one no other rule uses, twice (the
        // second time, the value it replaces is one no other rule used either). The techniques it reaches
        // show neither value (their sections are full, with more used values), so they are kept as they were.
        const q = join(paths[1]!, 'rules', 'windows', 'command_and_control_certreq_postdata.toml');
        for (const name of ['CertReq1', 'CertReq12']) {
          const text = readFileSync(q, 'utf8');
          const next = text.replace(/process\.name : "CertReq\d*\.exe"/, `process.name : "${name}.exe"`);
          expect(next).not.toBe(text);
          writeFileSync(q, next);
          const again = await updateBuild(paths, { out, cache, site, workers: 0 });
          expect(again.incremental.used).toBe(true);
          rmSync(join(root, 'ref'), { recursive: true, force: true });
          await fullInto(paths, join(root, 'ref'), site);
          expectSameTree(out, join(root, 'ref'));
          if (name === 'CertReq12') expect(again.incremental.techniquesKept).toBeGreaterThanOrEqual(3);
        }
      }
      rmSync(root, { recursive: true, force: true });
    }, 300_000);
  }
});
