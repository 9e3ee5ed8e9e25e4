import { describe, expect, it } from 'vitest';
import { printNode } from '../../src/ast/print.js';
import { SourceFile } from '../../src/core/source-file.js';
import { convertFilters, dslToNode, esWildcardToGlob } from '../../src/vendors/elastic/filters.js';
import { parseFile } from './helpers.js';

const file = new SourceFile('x.toml', '');

describe('Kibana DSL filters', () => {
  it('the Windows path table row: TOML basic string, then ES wildcard escaping', () => {
    // value = "?:\\\\Windows\\\\*" in TOML is ?:\\Windows\\* after TOML ...
    const afterToml = '?:\\\\Windows\\\\*';
    // ... and the pattern ?:\Windows\* (one char, ':\Windows\', any run) after the wildcard syntax.
    expect(esWildcardToGlob(afterToml)).toBe('?:\\\\Windows\\\\*');
    const toml = `[rule]\nrule_id = "r"\nname = "n"\ntype = "query"\nlanguage = "kuery"\nquery = 'a:b'\n[[rule.filters]]\n[rule.filters.meta]\nnegate = true\n[rule.filters.query.wildcard."process.executable"]\ncase_insensitive = true\nvalue = "?:\\\\\\\\Windows\\\\\\\\*"\n`;
    const rule = parseFile('f.toml', toml).rules[0]!;
    expect(printNode(rule.query.kind === 'filter' ? rule.query.filter : { type: 'constant', value: false })).toBe('a eq:cs "b" and not process.executable wildcard "?:\\\\\\\\Windows\\\\\\\\*"');
  });
  it('negate -> not(), disabled filters skipped, the single-escaped slip flagged', () => {
    const r = convertFilters(
      [
        { meta: { negate: true }, query: { wildcard: { 'file.path': { value: 'C:\\Program Files\\X\\*', case_insensitive: true } } } },
        { meta: { negate: false, disabled: true }, query: { exists: { field: 'a' } } },
        { meta: { negate: false }, query: { match_phrase: { 'event.category': 'threat' } } },
      ],
      file,
      0,
      'filters',
    );
    expect(r.nodes.map((n) => printNode(n))).toEqual(['not file.path wildcard "C:Program FilesX\\\\*"', 'event.category match "threat"']);
    expect(r.diagnostics.map((d) => [d.severity, d.code])).toEqual([
      ['warning', 'elastic.filter.escape'],
      ['info', 'elastic.filter.disabled'],
    ]);
  });
  it('DSL clauses: term, terms, prefix, range, regexp, exists, bool; unknown -> opaque', () => {
    expect(printNode(dslToNode({ term: { 'event.code': '4624' } }))).toBe('event.code eq:cs "4624"');
    expect(printNode(dslToNode({ terms: { 'event.code': ['1', '2'] } }))).toBe('event.code eq:cs "1" or event.code eq:cs "2"');
    expect(printNode(dslToNode({ prefix: { 'file.name': { value: 'a*b' } } }))).toBe('file.name wildcard:cs "a\\\\*b*"');
    expect(printNode(dslToNode({ range: { bytes: { gte: 10, lt: 20 } } }))).toBe('bytes gte 10 and bytes lt 20');
    expect(printNode(dslToNode({ regexp: { 'host.name': { value: 'web[0-9]+', case_insensitive: true } } }))).toBe('host.name regex_match:i:anchored "web[0-9]+"');
    expect(printNode(dslToNode({ bool: { must: [{ exists: { field: 'a' } }], must_not: [{ term: { b: 'x' } }], should: [{ term: { c: 1 } }, { term: { c: 2 } }] } }))).toBe(
      'a exists and (c eq 1 or c eq 2) and not b eq:cs "x"',
    );
    expect(dslToNode({ geo_distance: { distance: '1km' } }).type).toBe('opaque');
  });
});
