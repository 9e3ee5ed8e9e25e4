/**
 * readEsql (src/vendors/elastic/esql/reader.ts) against the generated ES|QL
 * parser (grammars/esql.peggy, start rule `Query`): on every input the same
 * outcome, the same tree as JSON text (key order, offsets and texts included)
 * when it parses, null when the grammar reports a syntax error. The corpus's
 * ES|QL queries, hand-picked corner cases and random queries.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from '../../src/generated/esql.js';
import { readEsql } from '../../src/vendors/elastic/esql/reader.js';
import { agreement, assertAgreesOnMutations, corpusQueries, elasticCorpus } from '../helpers/reader-harness.js';

const esql = agreement(readEsql, (text) => parse(text, { startRule: 'Query' }));
const { generated, same, check } = esql;

const EXAMPLES = [
  'from logs-* metadata _id | where process.name == "a\\"b" and not x like "c*" // tail',
  'FROM a /* c */ | STATS n = count(*) BY host.name | WHERE n > 5 | KEEP n',
  'from a | eval y = to_lower(x), z = """raw \\q""" | where y rlike ".*" or z is not null',
  'from a | where @timestamp > now() - 7 days | dissect m "%{a} %{b}" | sort a desc',
  'from "quoted-index", logs-*, metrics-* METADATA _id, _version, _index',
  'from a,b',
  'from',
  'ts metrics-*',
  'ts',
  'from a | where x in ("a", "b") and y not in (1, 2)',
  'from a | where x is null or y IS NOT NULL',
  'from a | where x not like ("a*", "b*") and y rlike "r"',
  'from a | where x : "match" and y::keyword == "z"',
  'from a | where x == 1.5e3 and y == .5 and z == 1. and w == 2e',
  'from a | where x == 1e and y == 1abc',
  'from a | where d > 1 minute and e < 2 mins and f == 3 ms and g == 4 h',
  'from a | where x == -1 and y == +-2 and z == - - 3',
  'from a | where x == 1 + 2 * 3 - 4 / 5 % 6',
  'from a | where x == [1, 2, 3] and y == [] and z == ["a"]',
  'from a | where x == ?param and y == ?',
  'from a | where `odd``name`.x == 1 and `unterminated == 1',
  'from a | where 12ab.c == 1',
  'from a | where not not x',
  'from a | where not (x or y)',
  'from a | where (x)',
  'from a | where',
  'from a | where x ==',
  'from a | where x === 1',
  'from a | where and == 1',
  'from a | where x.and == 1',
  'from a | where nothing == 1',
  'from a | eval x = 1, y = f(a, b), z',
  'from a | eval x == 1',
  'from a | eval a.b.c = coalesce(x, "y")',
  'from a | stats',
  'from a | stats count() by x',
  'from a | stats by x, y',
  'from a | stats c = count(*) where x > 1, m = max(y) by z = bucket(t, 1 hour)',
  'from a | inline stats c = count(*) by x',
  'from a | inlinestats c = count(*)',
  'from a | INLINE  STATS c = count(*)',
  'from a | rename a as b, c.d AS e.f, g* = h*',
  'from a | rename a',
  'from a | grok message "%{IP:ip}" | dissect message """%{a}""" append_separator = ","',
  'from a | grok message',
  'from a | keep a, b* | drop c | sort a desc nulls last | limit 10',
  'from a | mv_expand x | enrich policy on x with y = z',
  'from a | lookup join idx on key',
  'from a | keep (a | b)',
  'from a | keep [a, b] {c} /d',
  'from a | keep a /* unterminated',
  'from a | keep a // line',
  'from a | keep "str | in string" x',
  'from a | keep "unterminated',
  'from a | where f(*) > 1 and g() == 2 and h({"k": 1, "m": {"n": "o"}}) == 3',
  'from a | where f({}) == 1',
  'from a | where match(x, "y", {"fuzziness": 2})',
  'from a | where KQL("process.name : x") and LUCENE("y:z")',
  'from a | where x == "esc \\t\\n\\r\\\\ \\q"',
  'from a | where x == "ends with backslash\\',
  'from a | where x == """a""""',
  'from a | where x == """unterminated',
  'from a |',
  '| where x',
  '  from a  ',
  'row a = 1',
  'show info',
  'from a\n| where x == 1\n| limit 5',
  'from a | where x == "é" and ü == 1',
  'from a | where x == 1 and\u00a0y == 2',
  'from a | where x::long::double > 1',
  'from a | where x:: > 1',
  'from a | where NOT == 1',
  'from a | eval IN = 1, Is = 2, LIKE = 3',
  'from a | where AND == 1 Or x',
  'from a | where x == TRUE and y == Null',
];

describe('readEsql', () => {
  it('matches the generated parser on corner cases', () => {
    for (const t of EXAMPLES) check(t);
    expect(EXAMPLES.filter((t) => readEsql(t) !== null).length).toBeGreaterThan(50);
  });

  it('matches the generated parser on random token sequences', () => {
    const token = fc.constantFrom(
      'from', 'ts', 'metadata', 'where', 'eval', 'stats', 'inline', 'inlinestats', 'by', 'rename', 'as', 'grok', 'dissect', 'keep', 'limit',
      'and', 'or', 'not', 'in', 'is', 'null', 'like', 'rlike', 'true', 'false', 'ms', 'minutes', 'h', 'NOT', 'And', 'IN', 'Null', 'RLike', 'By',
      'x', 'a.b', '`q`', '@t', '12ab', 'f', '|', ',', '(', ')', '[', ']', '{', '}', '=', '==', '!=', '<', '>=', ':', '::', '+', '-', '*', '/', '%', '.', '?', '?p',
      '1', '2.5', '1e3', '.5', '"s"', '"a\\"b"', '"""t"""', '"\\', '// c\n', '/* c */', '/*', ' ', ' ', '\n', '\u00a0',
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 14 }), (toks) => {
        check(toks.join(''));
        check(toks.join(' '));
        check('from a | ' + toks.join(' '));
      }),
      { numRuns: 20_000, seed: 43 },
    );
  });

  it('matches the generated parser on random well-formed queries', () => {
    const ws = fc.constantFrom(' ', '  ', '\n', ' /* c */ ', ' // c\n');
    const field = fc.constantFrom('x', 'process.name', '@timestamp', '`odd name`', 'a.b.c', 'host.os.type');
    const literal = fc.constantFrom('"s"', '"a\\"b"', '"""raw"""', '1', '2.5', '-3', 'true', 'false', 'null', '1 hour', '5 minutes', '[1, 2]', '?p');
    const value: fc.Arbitrary<string> = fc.letrec<{ v: string }>((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        field,
        literal,
        fc.tuple(fc.constantFrom('to_lower', 'coalesce', 'CIDR_MATCH', 'count', 'date_trunc'), fc.array(tie('v'), { maxLength: 3 })).map(([f, args]) => `${f}(${args.join(', ')})`),
        fc.tuple(tie('v'), fc.constantFrom(' + ', ' - ', ' * ', ' / ', ' % '), tie('v')).map((x) => x.join('')),
        fc.tuple(tie('v'), fc.constantFrom('::keyword', ' :: long')).map((x) => x.join('')),
        tie('v').map((v) => `(${v})`),
      ),
    })).v;
    const cond: fc.Arbitrary<string> = fc.letrec<{ c: string }>((tie) => ({
      c: fc.oneof(
        { depthSize: 'small' },
        fc.tuple(value, fc.constantFrom(' == ', ' != ', ' < ', ' <= ', ' > ', ' >= '), value).map((x) => x.join('')),
        fc.tuple(field, fc.constantFrom(' like ', ' not like ', ' rlike ', ' NOT RLIKE '), fc.constantFrom('"a*"', '("a*", "b?")')).map((x) => x.join('')),
        fc.tuple(field, fc.constantFrom(' in ', ' not in '), fc.array(value, { minLength: 1, maxLength: 3 })).map(([f, op, l]) => `${f}${op}(${l.join(', ')})`),
        fc.tuple(field, fc.constantFrom(' is null', ' IS NOT NULL')).map((x) => x.join('')),
        fc.tuple(field, fc.constantFrom(' : ', ':'), literal).map((x) => x.join('')),
        fc.tuple(tie('c'), ws, fc.constantFrom('and', 'OR'), ws, tie('c')).map((x) => x.join('')),
        fc.tuple(fc.constantFrom('not ', 'NOT '), tie('c')).map((x) => x.join('')),
        tie('c').map((c) => `(${c})`),
      ),
    })).c;
    const command = fc.oneof(
      cond.map((c) => `where ${c}`),
      fc.array(fc.tuple(fc.option(field), value), { minLength: 1, maxLength: 3 }).map((as) => `eval ${as.map(([n, v]) => (n ? `${n} = ${v}` : v)).join(', ')}`),
      fc.tuple(fc.constantFrom('stats', 'STATS', 'inline stats'), fc.array(value, { maxLength: 2 }), fc.option(fc.array(field, { minLength: 1, maxLength: 2 }))).map(([k, a, b]) => `${k} ${a.map((x, i) => `c${i} = ${x}`).join(', ')}${b ? ` by ${b.join(', ')}` : ''}`),
      fc.constantFrom('keep a, b*', 'drop c', 'sort a desc', 'limit 10', 'rename a as b', 'grok m "%{IP:i}"', 'dissect m "%{a} %{b}"', 'mv_expand x', 'enrich p on x with y'),
    );
    const query = fc.tuple(fc.constantFrom('from logs-*', 'FROM a, "b" metadata _id', 'ts m-*', 'row a = 1'), fc.array(command, { maxLength: 3 })).map(([s, cs]) => [s, ...cs].join(' | '));
    let accepted = 0;
    fc.assert(
      fc.property(query, (q) => {
        check(q);
        if (readEsql(q) !== null) accepted++;
      }),
      { numRuns: 15_000, seed: 47 },
    );
    expect(accepted).toBeGreaterThan(10_000);
  });

  it('matches the generated parser on mutated corner cases (a character inserted, removed or replaced)', () => {
    assertAgreesOnMutations(esql, EXAMPLES, [' ', '(', ')', '[', ']', '{', '}', ',', '"', '\\', '/', '*', ':', '=', '|', '.', '?', '`', 'a', '1', '\n'], 53);
  });

  const corpus = elasticCorpus('readEsql');
  it.skipIf(!corpus.present)('matches the generated parser on every ES|QL query of the Elastic corpus', async () => {
    const queries = await corpusQueries(corpus.dir, 'esql');
    expect(queries.length).toBeGreaterThan(350);
    expect(queries.filter((q) => !same(q))).toEqual([]);
    // Only the queries the grammar rejects are left to it.
    expect(queries.filter((q) => readEsql(q) === null).length).toBe(queries.filter((q) => generated(q) === null).length);
  });
});
