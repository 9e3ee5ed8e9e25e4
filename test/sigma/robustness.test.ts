/** Hostile and random input: the Sigma parser never throws, never hangs, and reports instead of dropping. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseText, rule, q, codes } from './helpers.js';
import { predicates } from '../../src/ast/walk.js';

describe('robustness', () => {
  it('random condition strings never throw (every rule is produced)', () => {
    const token = fc.constantFrom('a', 'b', 'sel_1', 'not', 'and', 'or', '(', ')', '1 of', 'all of', 'any of', 'them', 'sel_*', '|', 'count()', 'by', '>', '5', 'near', 'AND', '#', '"', "'", '.', '\\');
    fc.assert(
      fc.property(fc.array(token, { maxLength: 30 }), (toks) => {
        const text = rule(`    a:\n        F: 1\n    b:\n        F: 2\n    sel_1:\n        F: 3\n    condition: ${JSON.stringify(toks.join(' '))}`);
        const r = parseText(text);
        expect(r.rules.length).toBe(1);
      }),
      { numRuns: 300 },
    );
  });

  it('random detection values and modifier chains never throw', () => {
    const mod = fc.constantFrom('contains', 'startswith', 'endswith', 'all', 're', 'i', 'cidr', 'base64', 'base64offset', 'wide', 'utf16', 'utf16be', 'windash', 'cased', 'exists', 'fieldref', 'gt', 'neq', 'expand', 'hour', 'bogus');
    const value = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string({ maxLength: 6 }), { maxLength: 4 }));
    fc.assert(
      fc.property(fc.array(mod, { maxLength: 4 }), value, (mods, v) => {
        const key = ['Field', ...mods].join('|');
        const text = rule(`    sel:\n        ${JSON.stringify(key)}: ${JSON.stringify(v)}\n    condition: sel`);
        const r = parseText(text);
        expect(r.rules.length).toBe(1);
      }),
      { numRuns: 500 },
    );
  });

  it('random bytes as a file never throw', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        const r = parseText(s);
        expect(r.rules.length + r.diagnostics.length).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 300 },
    );
  });

  it('very long value lists parse (26,090 values) without recursion per element', () => {
    const values = Array.from({ length: 26090 }, (_, i) => `        - 'v${i}'`).join('\n');
    const r = parseText(rule(`    sel:\n      Field|contains:\n${values}\n    condition: sel`));
    expect(r.rules[0]!.diagnostics).toEqual([]);
    expect(predicates(r.rules[0]!).length).toBe(26090);
  });

  it('long and/or chains and many selections resolve', () => {
    const names = Array.from({ length: 2000 }, (_, i) => `s${i}`);
    const sels = names.map((n) => `    ${n}:\n        F: ${n}`).join('\n');
    const text = rule(`${sels}\n    condition: ${names.join(' or ')} and not 1 of s1*`);
    expect(codes(text)).toEqual([]);
    expect(q(text).length).toBeGreaterThan(1000);
  });
});
