/**
 * Property tests for every grammar, through each vendor's file parser:
 * random and mutated query texts produce a result or a diagnostic, never an
 * exception and never an internal error. Fixed seeds and bounded runs, so CI
 * is repeatable; `npm run fuzz` does the same open-ended.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Rule } from '../../src/ast/schema.js';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import { SourceFile } from '../../src/core/source-file.js';
import { sniff } from '../../src/loader/sniff.js';
import { VENDOR_MODULES } from '../../src/vendors/registry.js';
import type { FileRole, ParsedFile } from '../../src/vendors/types.js';

const opts = { limits: DEFAULT_LIMITS };

function run(path: string, text: string, role: FileRole, state: unknown): ParsedFile {
  return VENDOR_MODULES[role.vendor].parseFile(new SourceFile(path, text), role, state, opts);
}

function assertSane(r: ParsedFile, input: string): void {
  const diags = [...r.diagnostics, ...r.rules.flatMap((x: Rule) => x.diagnostics)];
  const bad = diags.filter((d) => /internal|crash|exception/.test(d.code));
  expect(bad, input.slice(0, 300)).toEqual([]);
  // A rule is produced, or an error says why not.
  expect(r.rules.length + diags.filter((d) => d.severity === 'error').length, input.slice(0, 300)).toBeGreaterThan(0);
  for (const d of diags) if (d.severity === 'error') expect(typeof d.code).toBe('string');
  for (const rule of r.rules) JSON.stringify(rule);
}

/** Text made of the characters that matter to query grammars. */
const queryText = fc.string({
  unit: fc.constantFrom('(', ')', '[', ']', '{', '}', '"', "'", '`', '\\', '|', '*', '?', ':', '=', '!', '<', '>', '~', ',', ' ', '\n', 'a', 'x', '1', '.', '-', ' and ', ' or ', ' not ', ' AND ', ' OR ', ' NOT ', 'where ', ' in ', ' like ', '$', '%', '#', 'é', '\u0000'),
  maxLength: 60,
});

/** Apply a few random edits to a text. */
const mutated = (base: string) =>
  fc
    .array(fc.tuple(fc.nat(), fc.nat({ max: 6 }), fc.constantFrom('', '(', ')', '"', "'", '`', '\\', '|', '[', ']', '{', '*', ':', '\n', ' and ', ' or ', '\u200b')), { minLength: 1, maxLength: 5 })
    .map((edits) => {
      let t = base;
      for (const [at, del, ins] of edits) {
        const i = at % (t.length + 1);
        t = t.slice(0, i) + ins + t.slice(i + del);
      }
      return t;
    });

const SEED = 20261128;
const RUNS = 300;

const sigmaWith = (condition: string) => `title: P\nlogsource:\n  product: windows\n  category: process_creation\ndetection:\n  sel:\n    Image|endswith: '\\x.exe'\n  filter_a:\n    User: y\n  condition: ${JSON.stringify(condition)}\n`;
const elasticWith = (language: string, query: string) => `[rule]\nname = "P"\nrule_id = "p"\ntype = "${language === 'eql' ? 'eql' : language === 'esql' ? 'esql' : 'query'}"\nlanguage = "${language}"\nquery = ${JSON.stringify(query)}\n`;
const splunkWith = (search: string) => `name: P\nid: p\ntype: TTP\nsearch: ${JSON.stringify(search)}\ntags:\n  mitre_attack_id:\n  - T1059\n`;

describe('grammar properties: random and mutated inputs never throw', () => {
  const sigmaRole: FileRole = { format: 'sigma-yaml', vendor: 'sigma', role: 'rules' };
  const tomlRole: FileRole = { format: 'elastic-toml', vendor: 'elastic', role: 'rules' };
  const splunkRole: FileRole = { format: 'splunk-detection-yaml', vendor: 'splunk', role: 'rules' };
  const sigmaState = VENDOR_MODULES.sigma.createState(opts);
  const elasticState = VENDOR_MODULES.elastic.createState(opts);
  const splunkState = VENDOR_MODULES.splunk.createState(opts);

  it('Sigma condition grammar', () => {
    fc.assert(fc.property(fc.oneof(queryText, mutated('sel and not 1 of filter_* or all of them')), (c) => assertSane(run('p.yml', sigmaWith(c), sigmaRole, sigmaState), c)), { seed: SEED, numRuns: RUNS });
  });

  for (const [language, sample] of [
    ['kuery', 'process.name : ("a.exe" or b*) and not host.os.type : windows and x >= 5'],
    ['eql', 'sequence by host.id with maxspan=1m [process where process.name : "a*" and not process.args in ("x", "y")] [network where true]'],
    ['esql', 'from logs-* metadata _id | where process.name like "*.exe" and to_lower(user.name) == "x" | stats c = count() by host.name | where c > 5'],
    ['lucene', 'process.name:(a OR b*) AND NOT user.name:"x y" AND bytes:[1 TO 5]'],
  ] as const) {
    it(`${language} grammar`, () => {
      fc.assert(fc.property(fc.oneof(queryText, mutated(sample)), (q) => assertSane(run('p.toml', elasticWith(language, q), tomlRole, elasticState), q)), { seed: SEED, numRuns: RUNS });
    });
  }

  it('SPL grammar', () => {
    const sample = '| tstats count from datamodel=Endpoint.Processes where Processes.process_name IN ("a.exe","b*") by Processes.dest | `drop_dm_object_name(Processes)` | where count > 5 AND NOT match(dest, "^x") | search user!=y';
    fc.assert(fc.property(fc.oneof(queryText, mutated(sample)), (q) => assertSane(run('p.yml', splunkWith(q), splunkRole, splunkState), q)), { seed: SEED, numRuns: RUNS });
  });

  it('whole rule files: mutations of our own fixtures', () => {
    const root = join(__dirname, '..', '..', 'fixtures');
    const seeds: Array<{ path: string; text: string; role: FileRole }> = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = join(d, e.name);
        if (e.isDirectory()) walk(p);
        else {
          const text = readFileSync(p, 'utf8');
          const role = sniff(p, text);
          if (role?.role === 'rules') seeds.push({ path: p, text, role });
        }
      }
    };
    walk(root);
    expect(seeds.length).toBeGreaterThan(20);
    const states = { sigma: sigmaState, elastic: elasticState, splunk: splunkState };
    for (const s of seeds) {
      fc.assert(fc.property(mutated(s.text), (t) => assertSane(run(s.path, t, s.role, states[s.role.vendor]), t)), { seed: SEED, numRuns: 40 });
    }
  });
});
