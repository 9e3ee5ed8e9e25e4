/**
 * The fast YAML reader (src/formats/yaml-fast.ts) against the js-yaml path
 * of parseYaml: every construct it supports gives the same documents, values
 * and position trees; everything outside its subset falls back; and random
 * mutations of small documents never make the two disagree while the fast
 * reader accepts them.
 */
import { describe, expect, it } from 'vitest';
import { resolveLimits } from '../../src/core/limits.js';
import { SourceFile } from '../../src/core/source-file.js';
import { parseYaml, yamlPosAt } from '../../src/formats/yaml.js';
import { readYamlFast, Unsupported } from '../../src/formats/yaml-fast.js';
import { compareWithSlow } from './yaml-fast.compare.js';
import { prng } from '../helpers/prng.mjs';

const lines = (...l: string[]) => l.join('\n') + '\n';

/** Documents the fast reader must read itself, each giving exactly the js-yaml result. */
const SUPPORTED: Record<string, string> = {
  'sigma-like rule': lines(
    'title: Suspicious Thing',
    'id: 5f1a2b3c-0000-4000-8000-000000000001',
    'status: test',
    'description: |',
    '    Detects a thing.',
    '',
    '    Second paragraph.',
    'references:',
    '    - https://example.com/a',
    "    - 'https://example.com/b'",
    'author: Someone',
    'date: 2024-01-01',
    'tags:',
    '    - attack.execution',
    '    - attack.t1059.001',
    'logsource:',
    '    category: process_creation',
    '    product: windows',
    'detection:',
    '    selection_img:',
    "        - Image|endswith: '\\powershell.exe'",
    "        - OriginalFileName: 'PowerShell.EXE'",
    '    selection_cli:',
    '        CommandLine|contains|all:',
    "            - ' -enc '",
    '            - "-nop"',
    '        EventID: 4688',
    '    condition: all of selection_*',
    'falsepositives:',
    '    - Unknown',
    'level: high',
  ),
  'splunk-like detection': lines(
    'name: Some Detection',
    'id: 0d7a0000-0000-4000-8000-000000000002',
    'version: 3',
    'search: \'| tstats `security_content_summariesonly` count from datamodel=Endpoint.Processes',
    '  where Processes.process_name=cmd.exe by Processes.dest | `drop_dm_object_name(Processes)`\'',
    'how_to_implement: The detection is based on data that originates from Endpoint',
    '  Detection and Response agents.',
    'known_false_positives: none',
    'references: []',
    'tags:',
    '  analytic_story:',
    '  - Some Story',
    '  asset_type: Endpoint',
    '  mitre_attack_id:',
    '  - T1059',
    '  security_domain: endpoint',
    'tests:',
    '- name: True Positive Test',
    '  attack_data:',
    '  - data: https://example.com/data.log',
    '    source: XmlWinEventLog:Microsoft-Windows-Sysmon/Operational',
    '    sourcetype: XmlWinEventLog',
  ),
  'scalars typed by the CORE schema': lines(
    'a: 1',
    'b: -12',
    'c: 0x1F',
    'd: 0o17',
    'e: 0b101',
    'f: 1.5',
    'g: .5',
    'h: 1e3',
    'i: .inf',
    'j: -.Inf',
    'k: .nan',
    'l: ~',
    'm: null',
    'n: NULL',
    'o: true',
    'p: False',
    'q: yes',
    'r: 2024-01-01',
    's: 010',
    't: +7',
    'u: -0',
    'v: 1_000',
    'w: nullish',
    'x: truest',
    'y: "1"',
    "z: '~'",
  ),
  'keys that are not strings': lines('4688: a', 'true: b', 'null: c', '0x10: d', '1.50: e', '-0: f', '.nan: g', 'False: h', "'quoted key': i", '"dq key": j'),
  'block sequences and compact forms': lines(
    'a:',
    '- x',
    '- y',
    'b:',
    '  - - nested',
    '    - more',
    '  - k: v',
    '    k2: v2',
    '  -   spaced: out',
    'c:',
    '-',
    '  deep: item',
  ),
  'flow collections': lines(
    'a: [x, "y", \'z\', 1, true, ~]',
    'b: []',
    'c: {}',
    'd: {k: v, n: 1, "q": [1, 2]}',
    'e: [a, [b, c], {d: e}]',
    'f: [ spaced ,  out ]',
    'g: [trailing, comma,]',
    'h: [multi,',
    '  line, flow]',
    'i: {k: }',
    'j: [a:b, c#d]',
  ),
  'wrapped nodes (a key was tried first)': lines('- [a, b]', '- {k: v}', "- 'quoted'   ", '- plain   ', '- x # comment', '- "dq"  # c', '- [c]# c', '-', '  - [d]', '- - e  '),
  'a wrapped flow collection as a value': lines('k:', '  [a, b]', 'l:', '  {m: n}'),
  'values on the next line': lines('a:', '  plain on next line', 'b:', "  'quoted next'", 'c:', '  multi', '  line', 'd:', '    [1, 2]', 'e:', '  # comment first', '  value'),
  'plain scalars over several lines': lines(
    'a: first',
    '  second',
    '',
    '  after blank',
    'b: x',
    '   # not a comment here',
    'c: colon:inside and hash#inside',
    'd: trailing spaces   ',
    'e: ends at comment   # comment',
    'f: -dash start',
    'g: ?question',
    'h: a - b',
  ),
  'quoted scalars': lines(
    "a: 'it''s'",
    "b: 'multi",
    '   line',
    '',
    "   single'",
    'c: "esc \\t \\n \\\\ \\" \\/ \\0 \\a \\b \\e \\f \\r \\v \\N \\_ \\L \\P \\x41 \\u00e9 \\U0001F600"',
    'd: "multi',
    '  line \\',
    '  continued"',
    'e: ""',
    "f: ''",
    'g: "trailing spaces  ',
    '  next"',
    "h: 'C:\\Windows\\System32\\'",
  ),
  'block scalars': lines(
    'lit: |',
    '  line 1',
    '    indented',
    '',
    '  line 3',
    'strip: |-',
    '  text',
    '',
    'keep: |+',
    '  text',
    '',
    'fold: >',
    '  folded',
    '  together',
    '',
    '  new para',
    '    more indented',
    '  back',
    'foldstrip: >-',
    '  a',
    '  b',
    'foldkeep: >+',
    '  a',
    '',
    'explicit: |2',
    '    two extra',
    '  base',
    'both: |-1',
    '  x',
    'comment: | # header comment',
    '  body',
    'empty: |',
    'next: 1',
    'seq:',
    '  - |',
    '    in a sequence',
    '  - >-',
    '    folded in',
    '    a sequence',
  ),
  'comments and blank lines everywhere': lines(
    '# leading comment',
    '',
    'a: 1 # trailing',
    '# between',
    'b:    # after key',
    '  c: 2',
    '',
    '  # indented comment',
    '  d: 3',
    '',
    '',
    '# final comment',
  ),
  'null values': lines('a:', 'b: ', 'c: # comment', 'd:', '  e:', 'f: ~'),
  'several documents': lines('a: 1', '---', 'b: 2', '...', '---', '- x', '--- scalar doc', '---', '# empty document'),
  'a top-level scalar': lines('just a plain scalar'),
  'a top-level sequence': lines('- 1', '- 2'),
  'leading spaces and a document start': lines('   ', '--- ', 'a: 1'),
  'CRLF line ends': 'a: 1\r\nb:\r\n  - x # c\r\n  - |\r\n    lit\r\n    more\r\n  - "dq\r\n    folded"\r\nc: plain\r\n  more\r\n',
  'unicode and surrogate pairs': lines('title: Détecte 😀 日本語', "q: 'emoji 😀 in quotes'", 'k😀: v', 'nel: a\u0085b', 'bom-inside: a\ufeffb'),
  'keys that look special': lines('constructor: 1', 'toString: 2', 'hasOwnProperty: 3', 'a|b: 4', 'with space: 5', '"": empty key'),
};

const NO_NEWLINE: Record<string, string> = {
  'no final line break (mapping)': 'a: 1\nb: x',
  'no final line break (null value)': 'a: 1\nb:',
  'no final line break (block scalar)': 'a: |\n  x',
  'no final line break (document end)': 'a: 1\n---',
  'no final line break (comment)': 'a: 1\n# c',
  'only a comment': '# nothing',
  'only spaces': '   ',
  empty: '',
};

/** Documents the fast reader must leave to js-yaml. */
const FALLBACK: Record<string, string> = {
  anchor: 'a: &x 1\nb: 2\n',
  alias: 'a: &x 1\nb: *x\n',
  tag: 'a: !!str 1\n',
  'custom tag': 'a: !foo 1\n',
  'merge key': 'base: {a: 1}\nm:\n  <<: {b: 2}\n',
  __proto__: '__proto__: 1\n',
  'duplicate key': 'a: 1\na: 2\n',
  'duplicate key after typing': '1: a\n01: b\n',
  'duplicate flow key': 'a: {k: 1, k: 2}\n',
  directive: '%YAML 1.2\n---\na: 1\n',
  'tab in indentation': 'a:\n\tb: 1\n',
  'tab in a value': 'a: x\ty\n',
  'lone CR': 'a: 1\rb: 2\n',
  BOM: '\ufeffa: 1\n',
  'explicit key': '? a\n: 1\n',
  'explicit key in flow': 'a: {? b: 1}\n',
  'empty sequence entry': 'a:\n-\n- x\n',
  'pair in a flow sequence': 'a: [b: c]\n',
  'flow mapping entry without a value': 'a: {b, c: 1}\n',
  'collection as key': '[a]: 1\n',
  'multi-line key': 'a\n b: 1\n',
  'unclosed flow sequence': 'a: [1, 2\nb: 3\n',
  'missing colon': 'a: 1\nb\n',
  'bad indentation': 'a:\n  b: 1\n c: 2\n',
  'key after a scalar value': 'a: b: c\n',
  'control character': 'a: x\u0001y\n',
  'DEL character': "a: 'x\u007fy'\n",
  'lone surrogate': 'a: x\ud800y\n',
  'unknown escape': 'a: "\\q"\n',
  'document marker in a quoted scalar': "a: 'x\n---\ny'\n",
  'unterminated quote': "a: 'x\n",
  'block scalar without indentation': 'a: |\nb\n',
  'block scalar header junk': 'a: | x\n  y\n',
  'alias-like value': 'a: *b\n',
  'reserved character': 'a: @x\n',
};

describe('fast YAML reader', () => {
  for (const [name, text] of Object.entries({ ...SUPPORTED, ...NO_NEWLINE })) {
    it(`reads ${name} exactly as js-yaml does`, () => {
      const r = compareWithSlow(text);
      expect(r.diff).toBeUndefined();
      expect(r.fallback).toBeUndefined();
    });
  }

  for (const [name, text] of Object.entries(FALLBACK)) {
    it(`falls back to js-yaml on: ${name}`, () => {
      expect(readYamlFast(text, resolveLimits({}), true)).toBeInstanceOf(Unsupported);
      expect(readYamlFast(text, resolveLimits({}), false)).toBeInstanceOf(Unsupported);
      expect(compareWithSlow(text).diff).toBeUndefined();
    });
  }

  it('falls back on a flow collection followed by spaces where js-yaml tried a key (positions only)', () => {
    // toPos then lists the collection as its own only item; the values are unaffected.
    const text = '- [a, b]  \n';
    expect(readYamlFast(text, resolveLimits({}), true)).toBeInstanceOf(Unsupported);
    expect(compareWithSlow(text, resolveLimits({}), [false])).toEqual({});
    expect(compareWithSlow(text).diff).toBeUndefined();
  });

  it('falls back before a limit: depth, items per collection, node count', () => {
    const nested = lines('a:', '  b:', '    c:', '      d: 1');
    expect(readYamlFast(nested, resolveLimits({ maxDepth: 5 }), true)).toBeInstanceOf(Unsupported);
    expect(readYamlFast(nested, resolveLimits({ maxDepth: 20 }), true)).not.toBeInstanceOf(Unsupported);
    const list = 'a:\n' + '  - x\n'.repeat(10);
    expect(readYamlFast(list, resolveLimits({ maxListItems: 10 }), true)).toBeInstanceOf(Unsupported);
    expect(readYamlFast(list, resolveLimits({ maxListItems: 11 }), true)).not.toBeInstanceOf(Unsupported);
    expect(readYamlFast(list, resolveLimits({ maxYamlNodes: 10 }), true)).toBeInstanceOf(Unsupported);
    // The js-yaml path then reports what it always reported.
    for (const limits of [resolveLimits({ maxDepth: 2 }), resolveLimits({ maxListItems: 5 }), resolveLimits({ maxYamlNodes: 5 })]) {
      expect(compareWithSlow(nested, limits).diff).toBeUndefined();
      expect(compareWithSlow(list, limits).diff).toBeUndefined();
    }
  });

  it('locates values as before', () => {
    const f = new SourceFile('t.yml', SUPPORTED['sigma-like rule']!);
    const r = parseYaml(f);
    const at = (path: Array<string | number>, key = false) => {
      const p = yamlPosAt(r.documents[0]!.pos, path, key);
      return p && f.position(p.start);
    };
    expect(at(['detection', 'selection_cli', 'CommandLine|contains|all', 1])).toEqual({ line: 26, column: 15 });
    expect(at(['detection', 'selection_cli', 'EventID'], true)).toEqual({ line: 27, column: 9 });
    expect(r.documents[0]!.value).toMatchObject({ detection: { selection_cli: { EventID: 4688 } }, date: '2024-01-01' });
  });

  it('parses without positions (start 0, end the text length, no pos)', () => {
    const text = SUPPORTED['sigma-like rule']!;
    const r = parseYaml(new SourceFile('t.yml', text), resolveLimits({}), false);
    expect(r.documents).toHaveLength(1);
    expect(r.documents[0]).toMatchObject({ start: 0, end: text.length });
    expect(r.documents[0]!.pos).toBeUndefined();
  });
});


const INSERTS = [' ', '  ', '\n', '\n  ', '#', ' # ', "'", '"', ':', ': ', '-', '- ', '\t', '\r\n', '[', ']', '{', '}', ',', '|', '>', '|-', '&a ', '*a', '!', '?', '%', '\\', 'a', '0', '.', '~', '---\n', '...\n', '😀', '\u0085'];

function mutate(text: string, rnd: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  let t = text;
  const count = 1 + Math.floor(rnd() * 3);
  for (let i = 0; i < count; i++) {
    const at = Math.floor(rnd() * (t.length + 1));
    const kind = rnd();
    if (kind < 0.25) t = t.slice(0, at) + t.slice(at + 1 + Math.floor(rnd() * 3));
    else if (kind < 0.55) t = t.slice(0, at) + pick(INSERTS) + t.slice(at);
    else if (kind < 0.65) t = t.slice(0, at) + t.charAt(at) + t.slice(at);
    else {
      // Re-indent, duplicate, drop or swap whole lines.
      const ls = t.split('\n');
      const n = Math.floor(rnd() * ls.length);
      const op = rnd();
      if (op < 0.35) ls[n] = ' '.repeat(1 + Math.floor(rnd() * 4)) + ls[n];
      else if (op < 0.6) ls[n] = ls[n]!.replace(/^ {1,4}/, '');
      else if (op < 0.75) ls.splice(n, 0, ls[n]!);
      else if (op < 0.85) ls.splice(n, 1);
      else {
        const m = Math.floor(rnd() * ls.length);
        [ls[n], ls[m]] = [ls[m]!, ls[n]!];
      }
      t = ls.join('\n');
    }
  }
  return t;
}

describe('fast YAML reader under mutation', () => {
  it('agrees with js-yaml on every mutated document it accepts (seeded, 6,000 cases)', () => {
    const rnd = prng(20261128);
    const bases = [...Object.values(SUPPORTED), ...Object.values(NO_NEWLINE), ...Object.values(FALLBACK)];
    let compared = 0;
    const diffs: string[] = [];
    for (let i = 0; i < 6000; i++) {
      const text = mutate(bases[i % bases.length]!, rnd);
      const r = compareWithSlow(text);
      if (r.diff) diffs.push(`${JSON.stringify(text)}\n${r.diff}`);
      else if (!r.fallback) compared++;
    }
    expect(diffs.slice(0, 3)).toEqual([]);
    // Enough of the mutants stay in the subset for the comparison to mean something.
    expect(compared).toBeGreaterThan(1500);
  });
});
