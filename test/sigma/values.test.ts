/**
 * Escaping and wildcard semantics of Sigma string values (specification
 * "Escape Character", pySigma SigmaString): every row of the research table.
 */
import { describe, expect, it } from 'vitest';
import { parseSigmaString, toGlob, literalText, insertPlaceholders } from '../../src/vendors/sigma/values.js';
import { parseGlob, globToRegExp } from '../../src/ast/glob.js';
import { parseText, q, rule } from './helpers.js';
import { printNode } from '../../src/ast/print.js';

/** Render parts as pySigma does in its tests: literal text, * and ? as specials. */
function parts(s: string): string[] {
  return parseSigmaString(s).parts.map((p) => (p.t === 'lit' ? `lit:${p.s}` : p.t === 'star' ? 'STAR' : p.t === 'one' ? 'ONE' : `PH:${p.name}`));
}

describe('Sigma string escaping (research table, spec Escape Character)', () => {
  const table: Array<[string, string[]]> = [
    ['a*b', ['lit:a', 'STAR', 'lit:b']],
    ['a\\*b', ['lit:a*b']],
    ['a\\\\*b', ['lit:a\\', 'STAR', 'lit:b']],
    ['a\\\\\\*b', ['lit:a\\*b']],
    ['a\\\\\\\\b', ['lit:a\\\\b']],
    ['a\\\\\\b', ['lit:a\\\\b']],
    ['C:\\Windows\\', ['lit:C:\\Windows\\']],
    ['\\\\server\\share', ['lit:\\server\\share']],
    ['end\\', ['lit:end\\']],
    ['a?b', ['lit:a', 'ONE', 'lit:b']],
    ['a\\?b', ['lit:a?b']],
    ['\\', ['lit:\\']],
    ['', []],
  ];
  for (const [raw, expected] of table) {
    it(`${JSON.stringify(raw)} -> ${expected.join(' ')}`, () => {
      expect(parts(raw)).toEqual(expected);
    });
  }

  it('canonical glob writes literal backslashes doubled and escapes literal wildcards', () => {
    // `\*` is an escaped (literal) star; `\\*` is a backslash followed by a wildcard.
    expect(toGlob(parseSigmaString('C:\\Windows\\*'))).toBe('C:\\\\Windows\\*');
    expect(toGlob(parseSigmaString('C:\\Windows\\\\*'))).toBe('C:\\\\Windows\\\\*');
    expect(toGlob(parseSigmaString('\\\\\\\\\\*\\\\IPC$'))).toBe('\\\\\\\\\\*\\\\IPC$');
    expect(toGlob(parseSigmaString('momyshark\\?key='))).toBe('momyshark\\?key=');
    // The glob decodes back to the same literal text.
    const g = toGlob(parseSigmaString('a\\\\\\*b'));
    expect(parseGlob(g)).toEqual([{ t: 'lit', s: 'a\\*b' }]);
  });

  it('never trims values and keeps non-ASCII text', () => {
    expect(literalText(parseSigmaString(' -enc '))).toBe(' -enc ');
    expect(literalText(parseSigmaString('\u0410'))).toBe('\u0410');
  });

  it('expand: %name% becomes a placeholder; \\% is a literal percent', () => {
    const v = insertPlaceholders(parseSigmaString('pre %Admins% \\%x% post*'));
    expect(v.parts).toEqual([{ t: 'lit', s: 'pre ' }, { t: 'ph', name: 'Admins' }, { t: 'lit', s: ' %x% post' }, { t: 'star' }]);
  });
});

describe('values in rules', () => {
  it('a value without wildcards is eq; with wildcards it is a wildcard; YAML escapes are decoded first', () => {
    const text = rule(`
    sel:
        a: 'plain'
        b: 'C:\\Windows\\*'
        c: "\\u0410x"
        d: '\\\\server\\share'
        e: ' -enc '
        f: 'literal\\*star'
        g: 'end\\'
    condition: sel`);
    expect(q(text)).toMatchInlineSnapshot(`"a eq "plain" and b eq "C:\\\\Windows*" and c eq "Аx" and d eq "\\\\server\\\\share" and e eq " -enc " and f eq "literal*star" and g eq "end\\\\""`);
  });

  it('null is "absent or null", empty string is "present and empty", numbers and booleans keep their type', () => {
    const text = rule(`
    sel:
        a: null
        b: ''
        c:
        d: 4688
        e: true
        f: 1.5
        g: []
        h: 00000429
    condition: sel`);
    expect(q(text)).toMatchInlineSnapshot(`"a eq null and b eq "" and c eq null and d eq 4688 and e eq true and f eq 1.5 and g eq null and h eq "00000429""`);
    const p = parseText(text).rules[0]!;
    const preds = (p.query as { filter: { children: Array<{ raw?: string; source?: { line?: number; text?: string } }> } }).filter.children;
    // raw keeps the value as written (numbers as their source text).
    expect(preds.map((x) => x.raw)).toEqual(['null', '', 'null', '4688', 'true', '1.5', '[]', '00000429']);
    // source points at the YAML line of each value.
    expect(preds.map((x) => x.source?.line)).toEqual([9, 10, 11, 12, 13, 14, 15, 16]);
  });

  it('YAML anchors and aliases: the aliased selection is expanded and its predicates point at the alias', () => {
    const text = rule(`
    sel: &base
        Image|endswith: '\\cmd.exe'
        CommandLine|contains: ['/c', '/k']
    again: *base
    condition: sel and not again`);
    const r = parseText(text).rules[0]!;
    const f = r.query.kind === 'filter' && r.query.filter.type === 'and' ? r.query.filter : null;
    expect(f?.children.length).toBe(2);
    const [a, b] = f!.children;
    expect(b!.type).toBe('not');
    expect(printNode(b!.type === 'not' ? b!.child : b!)).toBe(printNode(a!));
    expect(printNode(a!)).toMatch(/^Image wildcard .*cmd\.exe.* and \(CommandLine wildcard "\*\/c\*" or CommandLine wildcard "\*\/k\*"\)$/);
    const lines = JSON.stringify(r.query).match(/"line":\d+/g);
    expect(lines).toEqual(['"line":9', '"line":10', '"line":10', '"line":11', '"line":11', '"line":11']);
  });

  it('wildcard semantics: * any run, ? one character, case-insensitive by default', () => {
    const text = rule(`
    sel:
        Image: 'C:\\Win*\\\\?md.exe'
    condition: sel`);
    const r = parseText(text).rules[0]!;
    const p = (r.query as { filter: { value: string; caseSensitive: boolean } }).filter;
    const re = globToRegExp(p.value, p.caseSensitive);
    expect(re.test('c:\\windows\\cmd.exe')).toBe(true);
    expect(re.test('C:\\Windows\\System32\\xmd.exe')).toBe(true);
    expect(re.test('C:\\Windows\\md.exe')).toBe(false);
  });
});
