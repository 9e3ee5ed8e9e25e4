/**
 * Hostile and random input: parseEql never throws, always returns a query
 * that validates against the AST schema, and reports every failure as a
 * diagnostic with a position inside the query.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { QuerySchema } from '../../../src/ast/schema.js';
import { DEFAULT_LIMITS } from '../../../src/core/limits.js';
import { SourceFile } from '../../../src/core/source-file.js';
import { parseEql } from '../../../src/vendors/elastic/eql/index.js';

const TOKENS = [
  'process', 'any', 'where', 'sequence', 'sample', 'join', 'by', 'with', 'maxspan', '=', '5m', 'runs', 'until', 'as', 'fork',
  'and', 'or', 'not', 'in', 'in~', 'like', 'like~', 'regex', 'regex~', ':', '==', '!=', '<', '>=', '+', '-', '*', '/', '%',
  '(', ')', '[', '![', ']', ',', '|', 'head', '1', '2.5', 'true', 'null', '?a.b', 'x', '`a b`', '$v', 'descendant', 'of',
  '"s"', '"a\\\\b*"', '"""r"""', "'q'", '"\\u{41}"', '"\\q"', 'startsWith(', 'cidrmatch(', 'length(', 'x:length()', '//c\n', '/*c*/', '/*', '"', '`',
];

function check(text: string): void {
  const prefix = 'prefix\n';
  const file = new SourceFile('fuzz.toml', prefix + text);
  const r = parseEql(text, { file, offset: prefix.length, limits: DEFAULT_LIMITS });
  QuerySchema.parse(r.query);
  for (const d of r.diagnostics) {
    expect(d.code).toMatch(/^eql\./);
    expect(d.line).toBeGreaterThanOrEqual(2);
    expect(d.code).not.toBe('eql.internal');
  }
}

describe('robustness', () => {
  it('random token soup never throws and always validates', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 30 }), fc.constantFrom(' ', '\n', '\t', ''), (toks, sep) => check(toks.join(sep))),
      { numRuns: 3000 },
    );
  });

  it('valid-looking queries with random tails never throw', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 12 }), (toks) => check('sequence by h with maxspan=1m [process where a == 1] [file where ' + toks.join(' ') + ']')),
      { numRuns: 1500 },
    );
  });

  it('arbitrary strings never throw', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (s) => check('process where ' + s)), { numRuns: 1500 });
  });
});
