/** simpleChain (the per-item shortcut of src/vendors/sigma/detection.ts) gives what applyModifiers gives. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyModifiers, simpleChain } from '../../src/vendors/sigma/modifiers.js';
import { parseSigmaString } from '../../src/vendors/sigma/values.js';

describe('simpleChain', () => {
  it('agrees with applyModifiers on string values', () => {
    const id = fc.constantFrom('contains', 'startswith', 'endswith', 'all', 'neq');
    const value = fc.array(fc.constantFrom('*', '?', '\\', 'a', 'b'), { maxLength: 6 }).map((a) => a.join(''));
    fc.assert(
      fc.property(fc.array(id, { minLength: 1, maxLength: 4 }), value, (chain, s) => {
        const simple = simpleChain(chain)!;
        expect(simple).not.toBeNull();
        let v = parseSigmaString(s);
        for (const step of simple.steps) v = step(v);
        const shaped = applyModifiers('f', chain, parseSigmaString(s), 1000);
        expect(shaped).toEqual({ values: [v], all: simple.all, negated: simple.negated });
      }),
      { numRuns: 5_000, seed: 3 },
    );
  });

  it('is null for any other modifier', () => {
    for (const m of ['re', 'cidr', 'windash', 'base64offset', 'cased', 'expand', 'gt', 'bogus', 'toString', '__proto__']) {
      expect(simpleChain(['contains', m])).toBeNull();
    }
  });
});
