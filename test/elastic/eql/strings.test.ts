/**
 * EQL string literals: every escape Elasticsearch defines, raw strings, the
 * Endgame string forms, and the Windows-path table of research/elastic.md §5
 * (the query text is what the TOML file holds: rules use '''literal''' TOML strings).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { globToRegExp, parseGlob } from '../../../src/ast/glob.js';
import { eqlPatternToGlob } from '../../../src/vendors/elastic/eql/strings.js';
import { diags, eql, onlyPredicate } from './helpers.js';

/** The value of `x == <literal>`. */
function value(literal: string): unknown {
  return onlyPredicate(eql(`any where x == ${literal}`).query).value;
}

describe('EQL string escapes (Elasticsearch)', () => {
  const cases: Array<[string, string]> = [
    ['"plain"', 'plain'],
    ['""', ''],
    ['"C:\\\\Windows\\\\System32"', 'C:\\Windows\\System32'],
    // A trailing escaped backslash right before the closing quote (discovery_command_system_account.toml shape).
    ['"C:\\\\ProgramData\\\\Downloads\\\\"', 'C:\\ProgramData\\Downloads\\'],
    ['"say \\"hi\\""', 'say "hi"'],
    ['"*\\" or \\"1\\"=\\"1*"', '*" or "1"="1*'],
    // `\'` is accepted by the Elasticsearch lexer and builder (a production rule uses it).
    ["\"*h\\''t\\''tp:\\''*\"", "*h''t''tp:''*"],
    ['"a\\tb"', 'a\tb'],
    ['"a\\nb"', 'a\nb'],
    ['"a\\rb"', 'a\rb'],
    ['"a\\bb"', 'a\bb'],
    ['"a\\fb"', 'a\fb'],
    ['"a\\\\nb"', 'a\\nb'], // an escaped backslash then `n`: pairs are consumed left to right
    ['"*\\u{202E}*"', '*\u202E*'],
    ['"\\u{200f}"', '\u200F'],
    ['"\\u{200F}"', '\u200F'],
    ['"\\u{0000200f}"', '\u200F'],
    ['"\\u{1F600}"', '\u{1F600}'],
    ['"//not a comment /* nor this */"', '//not a comment /* nor this */'],
    ['"*hυmаn vаlіdаtiοn*"', '*hυmаn vаlіdаtiοn*'],
  ];
  it.each(cases)('%s', (lit, expected) => {
    const r = eql(`any where x == ${lit}`);
    expect(r.diagnostics).toEqual([]);
    expect(onlyPredicate(r.query).value).toBe(expected);
    expect(onlyPredicate(r.query).raw).toBe(lit);
  });

  it('rejects escapes Elasticsearch does not define, keeping them as written', () => {
    const r = eql('any where x == "a\\db"');
    expect(diags(r)).toEqual(['error eql.string.escape 1:18']);
    expect(onlyPredicate(r.query).value).toBe('a\\db');
  });

  it.each([
    ['"\\u{1}"', 'must have 2-8 hex digits'],
    ['"\\u{123456789}"', 'must have 2-8 hex digits'],
    ['"\\u{D800}"', 'surrogate'],
    ['"\\u{110000}"', 'beyond U+10FFFF'],
    ['"\\u{zz}"', 'malformed'],
    ['"\\u0041"', 'malformed'],
  ])('reports the bad unicode escape %s', (lit, msg) => {
    const r = eql(`any where x == ${lit}`);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['eql.string.unicode']);
    expect(r.diagnostics[0]!.message).toContain(msg);
  });

  it('refuses a line break inside a string', () => {
    expect(diags(eql('any where x == "a\nb"'))).toEqual(['error eql.syntax 1:16']);
  });
});

describe('EQL raw strings """…"""', () => {
  it('has no escapes', () => {
    expect(value('"""/[a-z0-9\\s_\\-\\\\./]+\\s"""')).toBe('/[a-z0-9\\s_\\-\\\\./]+\\s');
    expect(value('"""C:\\Windows\\*"""')).toBe('C:\\Windows\\*');
  });
  it('may contain quotes and pipes, which neither end the string nor start a pipe', () => {
    expect(value('"""sh -c printf "command_start_%s"*; perl -pe \'s/[^ -~]/\\n/g\' < x | grep y | tail -1"""')).toBe(
      'sh -c printf "command_start_%s"*; perl -pe \'s/[^ -~]/\\n/g\' < x | grep y | tail -1',
    );
  });
  it('takes up to two extra closing quotes as content', () => {
    expect(value('"""a""""')).toBe('a"');
    expect(value('"""a"""""')).toBe('a""');
    expect(value('""""""')).toBe('');
  });
  it('cannot span lines', () => {
    expect(eql('any where x == """a\nb"""').diagnostics[0]!.code).toBe('eql.syntax');
  });
});

describe('Endgame string forms (accepted with a dialect warning)', () => {
  it.each([
    ["'it\\'s'", "it's"],
    ['?"C:\\Windows"', 'C:\\Windows'],
    ['?"say \\"hi\\""', 'say "hi"'],
    ["?'C:\\temp'", 'C:\\temp'],
  ])('%s', (lit, expected) => {
    const r = eql(`any where x == ${lit}`);
    expect(r.diagnostics.map((d) => `${d.severity} ${d.code}`)).toEqual(['warning eql.dialect.endgame']);
    expect(onlyPredicate(r.query).value).toBe(expected);
  });
});

describe('Windows paths in each EQL form (research/elastic.md §5 table)', () => {
  const matches = (p: { value: unknown; caseSensitive: boolean }, s: string) => globToRegExp(String(p.value), p.caseSensitive).test(s);

  it(': "?:\\\\Windows\\\\*" is a case-insensitive wildcard where ? is one character and \\ is literal', () => {
    const p = onlyPredicate(eql('process where process.executable : "?:\\\\Windows\\\\*"').query);
    expect(p).toMatchObject({ op: 'wildcard', caseSensitive: false, vendorOp: ':', raw: '"?:\\\\Windows\\\\*"' });
    expect(parseGlob(String(p.value))).toEqual([{ t: 'one' }, { t: 'lit', s: ':\\Windows\\' }, { t: 'star' }]);
    expect(matches(p, 'C:\\Windows\\System32\\cmd.exe')).toBe(true);
    expect(matches(p, 'd:\\WINDOWS\\x')).toBe(true);
    expect(matches(p, 'C:Windows')).toBe(false);
    expect(matches(p, 'CC:\\Windows\\x')).toBe(false);
  });

  it('== "C:\\\\Windows\\\\*" is case-sensitive and its * is a literal asterisk', () => {
    const p = onlyPredicate(eql('process where process.executable == "C:\\\\Windows\\\\*"').query);
    expect(p).toMatchObject({ op: 'eq', value: 'C:\\Windows\\*', caseSensitive: true, vendorOp: '==' });
  });

  it('like is a case-sensitive wildcard, like~ an insensitive one', () => {
    expect(onlyPredicate(eql('any where f like "C:\\\\Windows\\\\*.exe"').query)).toMatchObject({ op: 'wildcard', value: 'C:\\\\Windows\\\\*.exe', caseSensitive: true });
    expect(onlyPredicate(eql('any where f like~ "C:\\\\Windows\\\\*.exe"').query)).toMatchObject({ op: 'wildcard', value: 'C:\\\\Windows\\\\*.exe', caseSensitive: false });
  });

  it('a raw string gives the same pattern with single backslashes', () => {
    const a = onlyPredicate(eql('any where f : """?:\\Windows\\*"""').query);
    const b = onlyPredicate(eql('any where f : "?:\\\\Windows\\\\*"').query);
    expect(a.value).toBe(b.value);
  });

  it('startsWith treats * and ? in its argument literally', () => {
    expect(onlyPredicate(eql('any where startsWith~(f, "C:\\\\a*?")').query)).toMatchObject({ op: 'wildcard', value: 'C:\\\\a\\*\\?*', caseSensitive: false });
  });
});

describe('eqlPatternToGlob', () => {
  /** Reference semantics of an EQL pattern: * any run, ? one character, everything else literal. */
  function eqlRegExp(pattern: string): RegExp {
    let src = '^';
    for (const c of pattern) src += c === '*' ? '[\\s\\S]*' : c === '?' ? '[\\s\\S]' : c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    return new RegExp(src + '$', 'u');
  }
  const alphabet = fc.constantFrom('a', 'B', '\\', '*', '?', '.', ' ', 'é');
  it('matches exactly the strings the EQL pattern matches', () => {
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 8 }).map((a) => a.join('')), fc.array(fc.constantFrom('a', 'B', '\\', '*', '?', '.', 'x'), { maxLength: 8 }).map((a) => a.join('')), (pattern, subject) => {
        expect(globToRegExp(eqlPatternToGlob(pattern), true).test(subject)).toBe(eqlRegExp(pattern).test(subject));
      }),
      { numRuns: 3000 },
    );
  });
  it('round-trips any string through an escaped EQL literal', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 20 }).filter((s) => !/[\r\n]/.test(s)), (s) => {
        const lit = '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\t/g, '\\t') + '"';
        const r = eql(`any where x == ${lit}`);
        expect(r.diagnostics).toEqual([]);
        expect(onlyPredicate(r.query).value).toBe(s);
      }),
      { numRuns: 500 },
    );
  });
});
