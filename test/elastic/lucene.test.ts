import { describe, expect, it } from 'vitest';
import { lucene, onlyPredicate } from './helpers.js';

describe('Lucene query string', () => {
  it('the deprecated corpus rule shape: upper- and lower-case keywords, regex, unescaped + inside a term', () => {
    expect(
      lucene('event.category:process AND event.type:(start or process_started) AND process.name:chmod AND process.args:(g+s OR /2[0-9]{3}/) AND NOT user.name:root').printed,
    ).toMatchInlineSnapshot(`
      "(
        event.category eq:cs "process"
        and
        (event.type eq:cs "start" or event.type eq:cs "process_started")
        and
        process.name eq:cs "chmod"
        and
        (process.args eq:cs "g+s" or process.args regex_match:anchored "2[0-9]{3}")
        and
        not user.name eq:cs "root"
      )"
    `);
  });
  it('juxtaposed clauses use the default operator OR', () => {
    expect(lucene('a:1 b:2').printed).toBe('a eq:cs "1" or b eq:cs "2"');
    expect(lucene('a:1 b:2 AND c:3').printed).toBe('a eq:cs "1" or (b eq:cs "2" and c eq:cs "3")');
  });
  it('wildcards * and ? are wildcards; escapes make them literal', () => {
    expect(onlyPredicate(lucene('f:ab?d*').node)).toEqual({ op: 'wildcard', value: 'ab?d*', caseSensitive: true });
    expect(onlyPredicate(lucene('f:ab\\?d\\*').node)).toEqual({ op: 'eq', value: 'ab?d*', caseSensitive: true });
    expect(onlyPredicate(lucene('f:C\\:\\\\Windows\\\\*').node)).toEqual({ op: 'wildcard', value: 'C:\\\\Windows\\\\*', caseSensitive: true });
  });
  it('phrases, ranges, comparisons, exists, prefixes', () => {
    expect(lucene('f:"a b" AND n:[1 TO 5] AND m:{a TO *] AND k:>=3 AND e:* AND -x:y AND +z:w AND !q:r').printed).toMatchInlineSnapshot(`
      "(
        f eq:cs "a b"
        and
        n gte 1
        and
        n lte 5
        and
        m gt:cs "a"
        and
        k gte 3
        and
        e exists
        and
        not x eq:cs "y"
        and
        z eq:cs "w"
        and
        not q eq:cs "r"
      )"
    `);
  });
  it('regex values are anchored Lucene regexes', () => {
    const n = lucene('f:/ab.*c/').node;
    expect(n).toMatchObject({ op: 'regex_match', value: 'ab.*c', regex: { flavor: 'lucene', anchored: true } });
  });
  it('free text and syntax errors', () => {
    expect(lucene('mimikatz').printed).toBe('* match "mimikatz"');
    expect(lucene('a:(b').diagnostics[0]?.code).toBe('lucene.syntax');
  });
});
