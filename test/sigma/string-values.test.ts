import { describe, expect, it } from 'vitest';
import { parseSigmaString, toGlob } from '../../src/vendors/sigma/values.js';
import { escapeGlob, parseGlob } from '../../src/ast/glob.js';

// The character-by-character definitions these functions had before they were rewritten to build
// flat strings (runs, one replace, one join); kept here as the reference they must agree with.
function referenceParse(s: string): { t: string; s?: string }[] {
  const parts: { t: string; s?: string }[] = [];
  let acc = '';
  let escaped = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (escaped) {
      acc += c === '*' || c === '?' || c === '\\' ? c : '\\' + c;
      escaped = false;
    } else if (c === '\\') escaped = true;
    else if (c === '*' || c === '?') {
      if (acc) parts.push({ t: 'lit', s: acc });
      acc = '';
      parts.push({ t: c === '*' ? 'star' : 'one' });
    } else acc += c;
  }
  if (escaped) acc += '\\';
  if (acc) parts.push({ t: 'lit', s: acc });
  return parts;
}
function referenceEscape(literal: string): string {
  let out = '';
  for (const c of literal) out += c === '\\' || c === '*' || c === '?' ? '\\' + c : c;
  return out;
}

describe('Sigma string values', () => {
  it('parse, glob and escape agree with the character-by-character definitions on random strings', () => {
    const alphabet = ['a', 'B', '\\', '\\', '*', '?', ' ', '.', '%', 'é', '\u{1F600}', '\\*', '\\?', '\\\\'];
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed % n);
    for (let i = 0; i < 5000; i++) {
      let s = '';
      for (let j = rand(16); j > 0; j--) s += alphabet[rand(alphabet.length)];
      const v = parseSigmaString(s);
      expect(v.parts, JSON.stringify(s)).toEqual(referenceParse(s));
      expect(escapeGlob(s)).toBe(referenceEscape(s));
      // The glob decodes back to the parsed parts (adjacent stars collapsed).
      const glob = toGlob(v);
      const want = referenceParse(s).filter((p, k, a) => !(p.t === 'star' && a[k - 1]?.t === 'star'));
      expect(parseGlob(glob), JSON.stringify(s)).toEqual(want);
    }
  });

  it('keeps the escapes of the specification', () => {
    // `\*` is an escaped star; `\\` an escaped backslash; `\c` is kept as written.
    expect(parseSigmaString('C:\\Windows\\*\\cmd.exe').parts).toEqual([{ t: 'lit', s: 'C:\\Windows*\\cmd.exe' }]);
    expect(parseSigmaString('*\\cmd.exe').parts).toEqual([{ t: 'star' }, { t: 'lit', s: '\\cmd.exe' }]);
    expect(parseSigmaString('C:\\Temp\\\\*').parts).toEqual([{ t: 'lit', s: 'C:\\Temp\\' }, { t: 'star' }]);
    expect(parseSigmaString('a\\*b\\?c\\\\d\\').parts).toEqual([{ t: 'lit', s: 'a*b?c\\d\\' }]);
    expect(toGlob(parseSigmaString('*\\\\evil*'))).toBe('*\\\\evil*');
  });
});
