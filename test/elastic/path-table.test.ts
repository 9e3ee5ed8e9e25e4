/**
 * research/elastic.md §5.1: the same Windows path in every Elastic language,
 * written in TOML rule files exactly as the table shows the file text.
 */
import { describe, expect, it } from 'vitest';
import type { Node } from '../../src/ast/schema.js';
import { parseFile } from './helpers.js';

function ruleFile(language: string, type: string, query: string, extra = ''): string {
  return `[rule]\nrule_id = "p"\nname = "path"\ntype = "${type}"\nlanguage = "${language}"\nquery = '''\n${query}\n'''\n${extra}`;
}

function only(text: string) {
  const r = parseFile('p.toml', text).rules[0]!;
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  let n: Node | undefined = r.query.kind === 'filter' ? r.query.filter : r.query.kind === 'aggregate' && r.query.input.kind === 'filter' ? r.query.input.filter : undefined;
  // The DSL-filter row ANDs the filter to a trivial query; take the filter clause.
  if (n?.type === 'and') n = n.children[n.children.length - 1];
  if (n?.type === 'not') n = n.child;
  if (!n || n.type !== 'predicate') throw new Error('expected one predicate');
  return { op: n.op, value: n.value, caseSensitive: n.caseSensitive };
}

describe('Windows path table', () => {
  it('EQL `:` "?:\\\\Windows\\\\*" -> case-insensitive wildcard ?:\\Windows\\*', () => {
    expect(only(ruleFile('eql', 'eql', 'process where process.executable : "?:\\\\Windows\\\\*"'))).toEqual({ op: 'wildcard', value: '?:\\\\Windows\\\\*', caseSensitive: false });
  });
  it('EQL == "C:\\\\Windows\\\\*" -> case-sensitive literal C:\\Windows\\* (the star is literal)', () => {
    expect(only(ruleFile('eql', 'eql', 'process where process.executable == "C:\\\\Windows\\\\*"'))).toEqual({ op: 'eq', value: 'C:\\Windows\\*', caseSensitive: true });
  });
  it('KQL unquoted C\\:\\\\Windows\\\\* -> wildcard C:\\Windows\\*', () => {
    expect(only(ruleFile('kuery', 'query', 'process.executable : C\\:\\\\Windows\\\\*'))).toEqual({ op: 'wildcard', value: 'C:\\\\Windows\\\\*', caseSensitive: true });
  });
  it('KQL quoted "C:\\\\Windows\\\\*" -> literal C:\\Windows\\*', () => {
    expect(only(ruleFile('kuery', 'query', 'process.executable : "C:\\\\Windows\\\\*"'))).toEqual({ op: 'eq', value: 'C:\\Windows\\*', caseSensitive: true });
  });
  it('ES|QL like "C:\\\\\\\\Windows\\\\\\\\*" and like """C:\\\\Windows\\\\*""" -> pattern C:\\\\Windows\\\\*', () => {
    const a = only(ruleFile('esql', 'esql', 'FROM logs-* | WHERE process.executable like "C:\\\\\\\\Windows\\\\\\\\*"'));
    const b = only(ruleFile('esql', 'esql', 'FROM logs-* | WHERE process.executable like """C:\\\\Windows\\\\*"""'));
    expect(a).toEqual({ op: 'wildcard', value: 'C:\\\\Windows\\\\*', caseSensitive: true });
    expect(b).toEqual(a);
  });
  it('DSL filter value = "?:\\\\\\\\Windows\\\\\\\\*" (TOML basic string) -> wildcard ?:\\Windows\\*', () => {
    const extra = `[[rule.filters]]\n[rule.filters.meta]\nnegate = true\n[rule.filters.query.wildcard."process.executable"]\ncase_insensitive = true\nvalue = "?:\\\\\\\\Windows\\\\\\\\*"\n`;
    expect(only(ruleFile('kuery', 'query', 'event.category:process', extra))).toEqual({ op: 'wildcard', value: '?:\\\\Windows\\\\*', caseSensitive: false });
  });
});
