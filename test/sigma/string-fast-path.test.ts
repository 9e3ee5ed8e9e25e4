/**
 * parseSigmaString's shortcut for values without wildcards (backslash pairs by replaceAll)
 * against the character loop it replaces.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSigmaString, type StrPart } from '../../src/vendors/sigma/values.js';

/** The character loop (every value with a special character went through it before). */
function reference(s: string): StrPart[] {
  const parts: StrPart[] = [];
  let acc = '';
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 92) {
      const n = s.charCodeAt(i + 1);
      if (n === 42 || n === 63 || n === 92) {
        acc += s.slice(run, i);
        run = i + 1;
      }
      i++;
    } else if (c === 42 || c === 63) {
      acc += s.slice(run, i);
      if (acc) parts.push({ t: 'lit', s: acc });
      acc = '';
      parts.push(c === 42 ? { t: 'star' } : { t: 'one' });
      run = i + 1;
    }
  }
  acc += s.slice(run);
  if (acc) parts.push({ t: 'lit', s: acc });
  return parts;
}

describe('parseSigmaString', () => {
  it('agrees with the character loop on any value', () => {
    const chars = fc.constantFrom('\\', '\\', '*', '?', 'a', 'C', ':', '.', ' ', '%');
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 10 }).map((a) => a.join('')), (s) => {
        const v = parseSigmaString(s);
        expect(v.parts).toEqual(reference(s));
        expect(v.original).toBe(s);
      }),
      { numRuns: 20_000, seed: 5 },
    );
  });
});
