/**
 * The SPL grammar takes whitespace (`_`, `__`) in one sticky-regex step and
 * records the one expectation the per-character loop recorded where it
 * stopped. Syntax errors keep their messages, offsets and expected lists
 * (fixtures recorded with the grammar before the change), and a quiet parse
 * (peg$silentFails) gives the normal parse's tree.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from '../../src/generated/spl.js';

type Want = { message: string; offset: number; expected: unknown } | null;
const cases = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'spl-syntax-errors.json'), 'utf8')) as Array<[string, string, Want]>;

describe('SPL whitespace scanning keeps the syntax errors of the per-character rules', () => {
  for (const [startRule, text, want] of cases) {
    it(`${startRule} ${JSON.stringify(text)}`, () => {
      let got: { message?: string; offset?: number; expected?: unknown; ok?: unknown };
      try {
        got = { ok: parse(text, { startRule }) };
        expect(parse(text, { startRule, peg$silentFails: 1 })).toEqual(got.ok);
      } catch (e) {
        const err = e as { message: string; location: { start: { offset: number } }; expected: unknown };
        got = { message: err.message, offset: err.location.start.offset, expected: err.expected };
      }
      if (want === null) expect(got.message).toBeUndefined();
      else expect(got).toEqual(want);
    });
  }
});
