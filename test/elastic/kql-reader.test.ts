/**
 * readKql (src/vendors/elastic/kql/reader.ts) against the generated KQL parser
 * (grammars/kql.peggy, start rule `Query`): on every input the same outcome,
 * the same tree as JSON text (so key order and every offset count too) when
 * it parses, null when the grammar reports a syntax error. The corpus's KQL
 * queries, hand-picked corner cases and random queries.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from '../../src/generated/kql.js';
import { readKql } from '../../src/vendors/elastic/kql/reader.js';
import { agreement, assertAgreesOnMutations, corpusQueries, elasticCorpus } from '../helpers/reader-harness.js';

const kql = agreement(readKql, (text) => parse(text, { startRule: 'Query' }));
const { same, check } = kql;

const EXAMPLES = [
  '',
  '   ',
  'a',
  'process.name:cmd.exe',
  'process.name : "cmd.exe"',
  'process.name:"cmd.exe" and not user.name:(a or b*)',
  'a:{ b:1 and c < 5 }',
  'a:{ b:1 and c < 5 ',
  'x:"q\\"" or y : *',
  '*:*',
  '*',
  'f:*',
  'a or b and c',
  'a OR b AND c',
  'not a:b',
  'NOT a:b',
  'not(a:b)',
  'not not a',
  'nota:b',
  'a:cannot be',
  'a:can not',
  'a:b c d',
  'a:b c or d',
  'message:hello world ',
  '  f : v  ',
  'a:b or',
  'a:b and ',
  'or',
  'and:1',
  'not:1',
  'a:(b or c)',
  'a:(b or not c)',
  'a:(not b)',
  'a:( b and (c or d) )',
  'a:(b',
  'a:b)',
  '(a:b',
  '((a:b))',
  '(a:b or c:d) and not (e:f)',
  'a:"x*y"',
  'a:x*y',
  'a:\\*',
  'a:\\(b\\)',
  'a:b\\:c',
  'a:\\t\\r\\n',
  'a:\\u0041\\u00e9',
  'a:\\u00zz',
  'a:\\or b',
  'a:\\OR',
  'a:\\AND x \\NOT',
  'a:\\not',
  'a:\\Not',
  'a:\\q',
  'a:b\\',
  'a:"\\t\\r\\n\\u0041\\\\\\"\\x"',
  'a:"unterminated',
  'a:"a\\"',
  'a:""',
  'a<5',
  'a <= 5',
  'a>=b',
  'a > "x"',
  'a<',
  '@timestamp >= 2024-01-01',
  'a:{b:{c:d}}',
  'a:{}',
  'a:{b:c} and d:e',
  'a:b\u00a0or\u00a0c:d',
  'a:b\tand\nc:d',
  'a:b\r\nor c:d',
  'a:\u00a0b\u00a0',
  'a:b\u2003',
  'a:\u2003b',
  'é:ü',
  'a:İor',
  'a:b İ c',
  'a:b \u212aey',
  'x:"a" "b"',
  'x:a:b',
  'x:<',
  'x:{',
  'x::y',
  'a:1 and b:2 or c:3 and not d:4',
  'event.category:(network or network_traffic) and destination.port:(22 or 3389)',
  'process.args:("-enc" or "-EncodedCommand") and not process.parent.name:"explorer.exe"',
  'a:*b* and c:d*',
  'a : * and not b : *',
  'user.name:("a" or "b") and host.os.type:windows',
];

describe('readKql', () => {
  it('matches the generated parser on corner cases', () => {
    for (const t of EXAMPLES) check(t);
    // It reads what the grammar reads: most examples parse.
    expect(EXAMPLES.filter((t) => readKql(t) !== null).length).toBeGreaterThan(60);
  });

  it('matches the generated parser on random token sequences', () => {
    const token = fc.constantFrom(
      'a', 'process.name', 'b*', '*', 'x y', 'cmd.exe', 'not', 'NOT', 'and', 'And', 'or', 'OR', 'nota', 'cannot', 'n', 'N',
      ':', ' : ', '(', ')', '{', '}', '<', '<=', '>', '>=', '"', '"q"', '"a\\"b"', '\\', '\\*', '\\n', '\\t', '\\u0041', '\\or', '\\(',
      ' ', ' ', ' ', '\t', '\n', '\u00a0', '\u2003', 'é', '1', '-5', '\\x', 'İ',
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 12 }), (toks) => {
        check(toks.join(''));
        check(toks.join(' '));
      }),
      { numRuns: 30_000, seed: 19 },
    );
  });

  it('matches the generated parser on random well-formed queries', () => {
    const ws = fc.constantFrom('', ' ', '  ', '\n', '\t ', '\u00a0');
    const sp = fc.constantFrom(' ', '  ', '\n', '\t', '\u00a0');
    const field = fc.constantFrom('a', 'process.name', 'user.name', 'event.code', '@timestamp', 'x_y', 'nota', 'or_x', '"quoted field"');
    const value = fc.constantFrom('b', 'cmd.exe', '*', 'b*', '*evil*', 'two words', '"quoted value"', '"a\\"b"', '"*"', 'c\\:d', '\\*', '4624', 'C:\\\\Windows', 'and_x', 'nothing');
    const values: fc.Arbitrary<string> = fc.letrec<{ v: string }>((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        value,
        fc.tuple(tie('v'), sp, fc.constantFrom('and', 'or', 'AND', 'Or'), sp, tie('v')).map((x) => x.join('')),
        fc.tuple(fc.constantFrom('not ', 'NOT\n'), tie('v')).map(([n, v]) => n + v),
        fc.tuple(ws, tie('v'), ws).map(([a, v, b]) => `(${a}${v}${b})`),
      ),
    })).v;
    const query: fc.Arbitrary<string> = fc.letrec<{ q: string }>((tie) => ({
      q: fc.oneof(
        { depthSize: 'small' },
        fc.tuple(field, ws, ws, values).map(([f, a, b, v]) => `${f}${a}:${b}${v}`),
        fc.tuple(field, ws, fc.constantFrom('<', '<=', '>', '>='), ws, value).map((x) => x.join('')),
        value,
        fc.tuple(tie('q'), sp, fc.constantFrom('and', 'or', 'AND', 'oR'), sp, tie('q')).map((x) => x.join('')),
        fc.tuple(fc.constantFrom('not ', 'not\t', 'NOT '), tie('q')).map(([n, q]) => n + q),
        fc.tuple(ws, tie('q'), ws).map(([a, q, b]) => `(${a}${q}${b})`),
        fc.tuple(field, ws, ws, tie('q'), ws).map(([f, a, b, q, c]) => `${f}${a}:${b}{${q}${c}}`),
      ),
    })).q;
    let accepted = 0;
    fc.assert(
      fc.property(ws, query, ws, (a, q, b) => {
        const t = a + q + b;
        check(t);
        if (readKql(t) !== null) accepted++;
      }),
      { numRuns: 20_000, seed: 23 },
    );
    expect(accepted).toBeGreaterThan(10_000);
  });

  it('matches the generated parser on mutated corner cases (a character inserted, removed or replaced)', () => {
    assertAgreesOnMutations(kql, EXAMPLES, [' ', '(', ')', '{', '}', ':', '"', '\\', '*', '<', 'n', 'o', 'r', 'a', 'd', 't', '\u00a0', '\n'], 29);
  });

  const corpus = elasticCorpus('readKql');
  it.skipIf(!corpus.present)('matches the generated parser on every KQL query of the Elastic corpus', async () => {
    const queries = await corpusQueries(corpus.dir, 'kuery');
    expect(queries.length).toBeGreaterThan(700);
    expect(queries.filter((q) => !same(q))).toEqual([]);
    // Every corpus query is read by the reader (the grammar is only asked for errors).
    expect(queries.filter((q) => readKql(q) === null)).toEqual([]);
  });
});
