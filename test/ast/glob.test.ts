import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  canonicalGlob,
  canonicalHasWildcard,
  canonicalLiteral,
  displayCanonicalGlob,
  displayGlob,
  escapeGlob,
  formatGlob,
  globLiteral,
  globToRegExp,
  hasWildcard,
  parseGlob,
} from '../../src/ast/glob.js';

describe('canonical glob syntax', () => {
  it('decodes escapes like Sigma: only * ? \\ are escapable, a lone backslash is literal', () => {
    // As in Sigma, `\*` is an escaped star: a folder wildcard must be written `\\*`.
    expect(parseGlob('C:\\Windows\\*')).toEqual([{ t: 'lit', s: 'C:\\Windows*' }]);
    expect(parseGlob('C:\\Windows\\\\*')).toEqual([{ t: 'lit', s: 'C:\\Windows\\' }, { t: 'star' }]);
    expect(parseGlob('a\\*b')).toEqual([{ t: 'lit', s: 'a*b' }]);
    expect(parseGlob('a\\?b')).toEqual([{ t: 'lit', s: 'a?b' }]);
    expect(parseGlob('a\\\\*')).toEqual([{ t: 'lit', s: 'a\\' }, { t: 'star' }]);
    expect(parseGlob('trailing\\')).toEqual([{ t: 'lit', s: 'trailing\\' }]);
    expect(parseGlob('a?b')).toEqual([{ t: 'lit', s: 'a' }, { t: 'one' }, { t: 'lit', s: 'b' }]);
    expect(parseGlob('**x')).toEqual([{ t: 'star' }, { t: 'lit', s: 'x' }]);
  });

  it('canonical form doubles every literal backslash', () => {
    expect(canonicalGlob('*\\rundll32.exe')).toBe('*\\\\rundll32.exe');
    expect(escapeGlob('a*b?c\\d')).toBe('a\\*b\\?c\\\\d');
    expect(canonicalGlob('x**y')).toBe('x*y');
  });

  it('display form is the shortest Sigma-style text', () => {
    expect(displayGlob('*\\\\rundll32.exe')).toBe('*\\rundll32.exe');
    expect(displayGlob(escapeGlob('a\\') + '*')).toBe('a\\\\*');
    expect(displayGlob(escapeGlob('a*'))).toBe('a\\*');
  });

  it('literal detection', () => {
    expect(hasWildcard(escapeGlob('a*b'))).toBe(false);
    expect(globLiteral(escapeGlob('a*b\\'))).toBe('a*b\\');
    expect(globLiteral('a*')).toBeNull();
  });

  it('regexp matching follows the tokens', () => {
    expect(globToRegExp('*\\\\rundll32.exe', false).test('C:\\Windows\\System32\\RUNDLL32.EXE')).toBe(true);
    expect(globToRegExp('*\\\\rundll32.exe', true).test('C:\\Windows\\System32\\RUNDLL32.EXE')).toBe(false);
    expect(globToRegExp('a?c', false).test('abc')).toBe(true);
    expect(globToRegExp('a?c', false).test('ac')).toBe(false);
    expect(globToRegExp(escapeGlob('a.*'), false).test('a.*')).toBe(true);
    expect(globToRegExp(escapeGlob('a.*'), false).test('abc')).toBe(false);
  });

  it('property: escape then parse gives back the literal; canonical form is a fixed point', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '\\', '*', '?', 'é', ' ') }), (s) => {
        expect(globLiteral(escapeGlob(s))).toBe(s);
        const c = canonicalGlob(s);
        expect(canonicalGlob(c)).toBe(c);
        expect(formatGlob(parseGlob(c))).toBe(c);
        // Concatenation is safe: a trailing backslash never escapes the star.
        expect(parseGlob(escapeGlob(s) + '*').at(-1)).toEqual({ t: 'star' });
      }),
      { seed: 42, numRuns: 500 },
    );
  });

  it('property: the one-scan helpers on canonical text agree with the token-based functions', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'B', '\\', '*', '?', 'é', ' ') }), (s) => {
        // canonicalGlob returns an already canonical pattern as is, anything else re-encoded.
        expect(canonicalGlob(s)).toBe(formatGlob(parseGlob(s)));
        const c = canonicalGlob(s);
        expect(canonicalHasWildcard(c)).toBe(hasWildcard(c));
        if (!hasWildcard(c)) expect(canonicalLiteral(c)).toBe(globLiteral(c));
        expect(displayCanonicalGlob(c)).toBe(displayGlob(c));
      }),
      { seed: 7, numRuns: 3000 },
    );
  });
});
