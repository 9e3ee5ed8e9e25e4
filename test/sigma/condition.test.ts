/**
 * Condition forms: operators and precedence, parentheses, selectors, `them`,
 * `_` names, names reachable only through patterns, multi-line conditions,
 * identifiers that start with an operator word, legacy aggregations.
 */
import { describe, expect, it } from 'vitest';
import { codes, diags, parseText, q, rule } from './helpers.js';
import { patternMatches, selectorNames } from '../../src/vendors/sigma/condition.js';

const sels = (names: string[]) => names.map((n) => `    ${n}:\n        F: '${n}'`).join('\n');
const cond = (names: string[], condition: string) => q(rule(`${sels(names)}\n    condition: ${condition}`));

describe('boolean operators', () => {
  it('precedence is not > and > or', () => {
    expect(cond(['a', 'b', 'c'], 'a or b and c')).toBe('F eq "a" or (F eq "b" and F eq "c")');
    expect(cond(['a', 'b', 'c'], 'a and b or c')).toBe('(F eq "a" and F eq "b") or F eq "c"');
    expect(cond(['a', 'b', 'c'], 'not a and b')).toBe('not F eq "a" and F eq "b"');
    expect(cond(['a', 'b', 'c'], 'not (a and b) or c')).toBe('not (F eq "a" and F eq "b") or F eq "c"');
  });
  it('and/or are n-ary and left-associative; parentheses nest at any depth', () => {
    expect(cond(['a', 'b', 'c'], 'a and b and c')).toBe('F eq "a" and F eq "b" and F eq "c"');
    expect(cond(['a', 'b', 'c'], '((a) and ((b or (c))))')).toBe('F eq "a" and (F eq "b" or F eq "c")');
    expect(cond(['a', 'b'], 'not not a or b')).toBe('not not F eq "a" or F eq "b"');
  });
  it('names that start with an operator word are identifiers (no pySigma `notepad` bug)', () => {
    expect(cond(['notepad', 'order', 'android'], 'notepad and order or android')).toBe('(F eq "notepad" and F eq "order") or F eq "android"');
    expect(cond(['sel-1', 'sel_2'], 'sel-1 and not sel_2')).toBe('F eq "sel-1" and not F eq "sel_2"');
  });
  it('multi-line conditions (folded plain scalar and block scalar)', () => {
    expect(q(rule(`${sels(['a', 'b', 'c'])}\n    condition: a and\n        (b or\n        c)`))).toBe('F eq "a" and (F eq "b" or F eq "c")');
    expect(q(rule(`${sels(['a', 'b'])}\n    condition: |\n        a\n        and not b`))).toBe('F eq "a" and not F eq "b"');
  });
  it('a YAML comment after the condition is not part of it', () => {
    expect(cond(['a', 'b'], 'a # and not b')).toBe('F eq "a"');
  });
});

describe('selectors', () => {
  const names = ['selection_a', 'selection_b', 'filter_main_x', 'filter_optional_y', '_private', 'sel.with.dot', 'sel|endswith', 'Upper_Case'];
  it('patterns match whole names, case-sensitively, in YAML order; `*` is any run', () => {
    expect(selectorNames('selection_*', names)).toEqual(['selection_a', 'selection_b']);
    expect(selectorNames('filter_*', names)).toEqual(['filter_main_x', 'filter_optional_y']);
    expect(selectorNames('*_x', names)).toEqual(['filter_main_x']);
    expect(selectorNames('upper_*', names)).toEqual([]);
    expect(selectorNames('sel*', names)).toEqual(['selection_a', 'selection_b', 'sel.with.dot', 'sel|endswith']);
    expect(patternMatches('a*b*c', 'axxbyyc')).toBe(true);
    expect(patternMatches('a*b*c', 'axxc')).toBe(false);
  });
  it('`them` and non-underscore patterns skip `_` names; a `_` pattern reaches them', () => {
    expect(selectorNames('them', names)).toEqual(names.filter((n) => !n.startsWith('_')));
    expect(selectorNames('_*', names)).toEqual(['_private']);
  });
  it('1 of / any of are OR, all of is AND, a single match is the selection itself', () => {
    expect(cond(['s_a', 's_b', 'f'], '1 of s_*')).toBe('F eq "s_a" or F eq "s_b"');
    expect(cond(['s_a', 's_b', 'f'], 'any of s_*')).toBe('F eq "s_a" or F eq "s_b"');
    expect(cond(['s_a', 's_b', 'f'], 'all of s_*')).toBe('F eq "s_a" and F eq "s_b"');
    expect(cond(['s_a', 'f'], 'all of s_* and not f')).toBe('F eq "s_a" and not F eq "f"');
    expect(cond(['a', 'b', '_c'], 'all of them')).toBe('F eq "a" and F eq "b"');
    expect(cond(['a', 'b', '_c'], '1 of them')).toBe('F eq "a" or F eq "b"');
  });
  it('not 1 of / not all of', () => {
    expect(cond(['sel', 'filter_a', 'filter_b'], 'sel and not 1 of filter_*')).toBe('F eq "sel" and not (F eq "filter_a" or F eq "filter_b")');
    expect(cond(['sel', 'filter_a', 'filter_b'], 'sel and not all of filter_*')).toBe('F eq "sel" and not (F eq "filter_a" and F eq "filter_b")');
  });
  it('names with `.` or `|` are reachable through patterns only', () => {
    const text = rule(`    select_tree|endswith:\n        Image: '/tree'\n    filter.conf:\n        F: x\n    condition: 1 of select* and not 1 of filter*`);
    expect(q(text)).toBe('Image eq "/tree" and not F eq "x"');
  });
  it('a pattern that matches nothing is a warning and is dropped (pySigma)', () => {
    const text = rule(`${sels(['sel'])}\n    condition: sel and not 1 of filter_*`);
    expect(q(text)).toBe('F eq "sel"');
    expect(diags(text)).toEqual(['warning sigma.condition.pattern-empty @10:28']);
  });
  it('a condition that is only an empty pattern is an error', () => {
    expect(codes(rule(`${sels(['sel'])}\n    condition: 1 of filter_*`))).toEqual(['sigma.condition.pattern-empty', 'sigma.condition.empty', 'sigma.detection.unused']);
  });
});

describe('errors', () => {
  it('unknown selection: error with the defined names as expected', () => {
    const r = parseText(rule(`${sels(['sel', 'filter'])}\n    condition: sel and not fliter`));
    const d = r.rules[0]!.diagnostics.find((x) => x.code === 'sigma.condition.unknown-selection')!;
    expect(d).toMatchObject({ severity: 'error', line: 12, column: 28, expected: ['sel', 'filter'] });
  });
  it('syntax errors carry the position and what was expected', () => {
    const r = parseText(rule(`${sels(['a', 'b'])}\n    condition: a AND b`));
    const d = r.rules[0]!.diagnostics.find((x) => x.code === 'sigma.condition.syntax')!;
    expect(d.line).toBe(12);
    expect(d.column).toBe(18);
    expect(d.message).toContain('lower-case');
    expect(d.expected).toContain("'and'");
    expect(codes(rule(`${sels(['a'])}\n    condition: 2 of a*`))).toContain('sigma.condition.syntax');
    expect(codes(rule(`${sels(['a'])}\n    condition: (a`))).toContain('sigma.condition.syntax');
    expect(codes(rule(`${sels(['a'])}\n    condition: a and`))).toContain('sigma.condition.syntax');
  });
  it('positions inside multi-line conditions point at the source line', () => {
    const r = parseText(rule(`${sels(['a', 'b'])}\n    condition: a and\n        not fliter`));
    expect(r.rules[0]!.diagnostics.map((d) => `${d.code} @${d.line}:${d.column}`)).toEqual(['sigma.condition.unknown-selection @13:13', 'sigma.detection.unused @10:5']);
    const r2 = parseText(rule(`${sels(['a', 'b'])}\n    condition: |\n        a and\n        b AND a`));
    expect(r2.rules[0]!.diagnostics.map((d) => `${d.code} @${d.line}:${d.column}`)).toEqual(['sigma.condition.syntax @14:11']);
  });
  it('missing condition, condition not a string, nesting limit', () => {
    expect(codes(rule(`${sels(['a'])}`))).toContain('sigma.condition.missing');
    expect(codes(rule(`${sels(['a'])}\n    condition: {x: 1}`))).toContain('sigma.condition.type');
    expect(codes(rule(`${sels(['a'])}\n    condition: []`))).toEqual(['sigma.condition.list', 'sigma.condition.missing']);
    expect(codes(rule(`${sels(['a'])}\n    condition: [5]`))).toEqual(['sigma.condition.list', 'sigma.condition.type']);
    expect(codes(rule(`${sels(['a'])}\n    condition: ${'('.repeat(300)}a${')'.repeat(300)}`))).toContain('sigma.condition.too-deep');
    expect(codes(rule(`${sels(['a'])}\n    condition: ${'not '.repeat(5000)}a`))).toContain('sigma.condition.too-deep');
  });
  it('a condition list (Sigma v1) is ORed with a warning', () => {
    const text = rule(`${sels(['a', 'b'])}\n    condition:\n        - a\n        - b`);
    expect(q(text)).toBe('F eq "a" or F eq "b"');
    expect(codes(text)).toEqual(['sigma.condition.list']);
  });
});

describe('legacy aggregations (Sigma v1 pipe syntax) become the aggregate shape', () => {
  it('count() by field > N, with timeframe', () => {
    const text = rule(`${sels(['sel'])}\n    timeframe: 5m\n    condition: sel | count() by SourceIp > 10`);
    expect(q(text)).toMatchInlineSnapshot(`
      "aggregate count() by SourceIp window=5m where count > 10
      from
        F eq "sel""
    `);
    expect(codes(text)).toEqual(['sigma.condition.legacy-aggregation']);
  });
  it('a condition list mixing an aggregation and a plain condition keeps the plain one as opaque text', () => {
    const text = rule(`${sels(['a', 'b'])}\n    condition:\n        - a | count() > 3\n        - b`);
    expect(q(text)).toContain('then opaque("b")');
  });
  it('count(field) counts distinct values; sum/avg/min/max; near', () => {
    expect(q(rule(`${sels(['sel'])}\n    condition: sel | count(TargetUserName) by IpAddress >= 3`))).toMatchInlineSnapshot(`
      "aggregate dc(TargetUserName) by IpAddress where dc(TargetUserName) >= 3
      from
        F eq "sel""
    `);
    expect(q(rule(`${sels(['sel'])}\n    condition: sel | sum(Bytes) by Host > 1000000`))).toMatchInlineSnapshot(`
      "aggregate sum(Bytes) by Host where sum(Bytes) > 1000000
      from
        F eq "sel""
    `);
    expect(q(rule(`${sels(['a', 'b', 'c'])}\n    timeframe: 30s\n    condition: a | near b and not c`))).toMatchInlineSnapshot(`
      "aggregate near window=30s then opaque("near b and not c")
      from
        F eq "a""
    `);
  });
});
