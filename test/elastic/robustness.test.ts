/** Hostile and random input: the parsers return diagnostics, never throw. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kql, esql, lucene, parseFile } from './helpers.js';

const alphabet = fc.constantFrom(...'ab:()"\\*?<>={}[]|/ \n\tornadt-.,=!~^+LIKEwhere'.split(''));
const junk = fc.array(alphabet, { maxLength: 80 }).map((a) => a.join(''));

describe('robustness', () => {
  it('KQL, ES|QL and Lucene never throw on random input', () => {
    fc.assert(
      fc.property(junk, (s) => {
        kql(s);
        esql('from i | where ' + s);
        lucene(s);
      }),
      { numRuns: 400 },
    );
  });
  it('rule files never throw on random TOML-ish, hunting or NDJSON input', () => {
    fc.assert(
      fc.property(junk, (s) => {
        parseFile('r.toml', `[rule]\nrule_id = "x"\nname = "n"\ntype = "query"\nlanguage = "kuery"\nquery = '''${s.replace(/'''/g, '')}'''\n`);
        parseFile('r.toml', s);
        parseFile('h.toml', `[hunt]\nuuid = "u"\nquery = ['''${s.replace(/'''/g, '')}''']\n`, 'elastic-hunt-toml');
        parseFile('e.ndjson', s, 'elastic-ndjson');
      }),
      { numRuns: 300 },
    );
  });
  it('deep nesting in ES|QL and Lucene is a diagnostic', () => {
    const deep = '('.repeat(5000) + 'a == 1' + ')'.repeat(5000);
    expect(esql('from i | where ' + deep).diagnostics[0]?.code).toBe('esql.too-deep');
    expect(lucene('('.repeat(5000) + 'a:1' + ')'.repeat(5000)).diagnostics[0]?.code).toBe('lucene.too-deep');
  });
  it('`f: not v` without parentheses is rejected, as Kibana does', () => {
    expect(kql('f: not v').diagnostics[0]?.code).toBe('kql.syntax');
    expect(kql('f:(not v)').printed).toBe('not f eq:cs "v"');
  });
  it('a rule with a wrong-typed field still yields a rule with diagnostics', () => {
    const r = parseFile('r.toml', `[rule]\nname = 5\ntype = "query"\nlanguage = "kuery"\nquery = 'a:1'\n`);
    expect(r.rules).toHaveLength(1);
    expect(r.rules[0]!.diagnostics.map((d) => d.code)).toEqual(['elastic.rule.id-missing', 'elastic.rule.name-missing']);
  });
});

describe('limits', () => {
  it('a KQL value list over maxListItems is an error, not a hang', async () => {
    const { ctxFor } = await import('./helpers.js');
    const { parseKql } = await import('../../src/vendors/elastic/kql/index.js');
    const q = `f:(${Array.from({ length: 50 }, (_, i) => `v${i}`).join(' or ')})`;
    const ctx = ctxFor(q, { maxListItems: 10 });
    const n = parseKql(q, ctx);
    expect(n?.type).toBe('opaque');
    expect(ctx.diagnostics.map((d) => d.code)).toEqual(['kql.list.too-long']);
  });
});
