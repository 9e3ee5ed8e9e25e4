/**
 * readEql (src/vendors/elastic/eql/reader.ts) against the generated EQL parser
 * (grammars/eql.peggy): on every input the same outcome, the same tree as JSON
 * text (key order, every offset and a list's trailing comma included) when it
 * parses, null when the grammar reports an error (a syntax error, or one its
 * actions raise). The corpus's EQL queries, hand-picked corner cases and
 * random queries.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from '../../src/generated/eql.js';
import { readEql } from '../../src/vendors/elastic/eql/reader.js';
import { agreement, assertAgreesOnMutations, corpusQueries, elasticCorpus } from '../helpers/reader-harness.js';

/** JSON text of a tree; a list's `trailing` (an array property JSON drops) is written too. */
function json(tree: unknown): string {
  return JSON.stringify(tree, (_k, v: unknown) => (Array.isArray(v) && (v as { trailing?: number }).trailing !== undefined ? { items: [...v], trailing: (v as { trailing?: number }).trailing } : v));
}

const eql = agreement(readEql, (text) => parse(text), json);
const { same, check } = eql;

const EXAMPLES = [
  'process where process.name == "cmd.exe"',
  'process where true',
  'any where x:length() > 3 // c',
  'process where process.name : ("a.exe", "b*") and not user.id == "S-1-5-18"',
  'process where process.name : "a.exe" or process.name like~ "B*" and not process.args regex "x.*"',
  'file where file.path : ?"C:\\temp\\x" and file.name : ?\'a\\\'b\'',
  "file where file.name == 'single' and x == \"\"\"raw \"quoted\" \\n\"\"\"",
  'file where x == """a""""',
  'file where x == """unterminated',
  'file where x == "a\\"b" and y == "c\\\\"',
  'file where x == "unterminated',
  'process where x in ("a", "b",)',
  'process where x not in ("a")',
  'process where x in~ ("A")',
  'process where x : ("a", "b")',
  'process where x : ()',
  'process where x == 1 + 2 * 3 - -4 % 5 / 6',
  'process where x == +-1',
  'process where length(x) > 1 and startsWith~(x, "a") and ?y.z == null',
  'process where $var.x == 1',
  'process where `weird name`.`x``y` == 1',
  'process where a.b[0].c == 1',
  'process where a[ 12 ] == 1',
  'process where f(x).y == 1',
  'process where f (x) == 1',
  'process where x:length() == 1 and y:concat~("a", ) == 2',
  'process where x::y',
  'process where x := 1',
  'process where x = 1',
  'process where x == 1.5e3 and y == .5 and z == 1. and w == 2e',
  'process where descendant of [process where process.name == "x"]',
  'process where child of [process where true] and x == 1',
  'process where a.b of [process where true]',
  'process where ?a of [process where true]',
  'sequence by host.id [process where true] [file where true]',
  'sequence by host.id with maxspan=5m [process where true] by user.name [file where true] until [process where false]',
  'sequence with maxspan = 30 [process where true] [file where true]',
  'sequence [process where true] fork = true by x with runs = 3 as p1 ![file where true]',
  'sequence [process where true] fork',
  'sequence',
  'sample by host.id [process where true] [file where true]',
  'join by pid [process where true] [file where true] until [network where true]',
  'process where true | head 5',
  'process where true | unique process.name, user.name | tail 3',
  'process where true | unique_count a b',
  '| head 5',
  '| head 5 | tail 2',
  'process where true |',
  'process where /* block /* nested */ comment */ x == 1',
  'process where x == 1 /* unterminated',
  'process where x == 1 // line',
  'process where x == 1 //',
  '  process where true  ',
  'process where not not x',
  'process where not (x == 1 or y == 2)',
  'process where (x)',
  'process where',
  'where x == 1',
  'any where x',
  '"my category" where x == 1',
  'sequence where x',
  'process where x == 1 and',
  'process where x == 1 or or y',
  'process where and == 1',
  'process where x.and == 1',
  'process where nothing == 1',
  'process where true_x == 1 and null_y == null and falsey == false',
  'process where x == @y',
  'process where x == [1]',
  'process where x ==',
  'process where x !== 1',
  'Process Where x == 1',
  'process where x == 1\n| head 1',
  'process where x like ("a*", "b*")',
  'process where x regex~ "A"',
  'process where x likes "a"',
  'process where x in("a")',
  'process where x in ("a", "b"',
  'process where x == "é" and ü == 1',
];

describe('readEql', () => {
  it('matches the generated parser on corner cases', () => {
    for (const t of EXAMPLES) check(t);
    expect(EXAMPLES.filter((t) => readEql(t) !== null).length).toBeGreaterThan(50);
  });

  it('matches the generated parser on random token sequences', () => {
    const token = fc.constantFrom(
      'process', 'where', 'any', 'sequence', 'sample', 'join', 'by', 'with', 'maxspan', '=', 'runs', 'fork', 'as', 'until', 'of',
      'and', 'or', 'not', 'in', 'in~', 'like', 'like~', 'regex', 'regex~', ':', '::', '==', '!=', '<', '<=', '>', '>=',
      'x', 'a.b', 'f', '?', '$', '`q`', '[', ']', '![', '(', ')', ',', '|', '+', '-', '*', '/', '%', '.', '~',
      '1', '2.5', '1e3', '"s"', "'s'", '?"r\\"', '"""t"""', '"\\"', 'true', 'false', 'null', '// c\n', '/* c */', '/*', ' ', ' ', '\n', '\t',
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 14 }), (toks) => {
        check(toks.join(''));
        check(toks.join(' '));
      }),
      { numRuns: 25_000, seed: 31 },
    );
  });

  it('matches the generated parser on random well-formed queries', () => {
    const ws = fc.constantFrom(' ', '  ', '\n', ' /* c */ ', ' // c\n');
    const field = fc.constantFrom('process.name', 'x', 'a.b[0].c', '?opt.field', '`odd name`.x', '$var.y', 'user.id');
    const literal = fc.constantFrom('"cmd.exe"', '"a\\"b"', "'sq'", '?"C:\\raw"', '"""raw"""', '1', '2.5', '-3', 'true', 'false', 'null', '"*.exe"');
    const value: fc.Arbitrary<string> = fc.letrec<{ v: string }>((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        field,
        literal,
        fc.tuple(fc.constantFrom('length', 'startsWith~', 'concat', 'cidrMatch'), fc.array(tie('v'), { maxLength: 3 }), fc.boolean()).map(([f, args, trailing]) => `${f}(${args.join(', ')}${trailing && args.length ? ',' : ''})`),
        fc.tuple(tie('v'), fc.constantFrom(' + ', ' - ', ' * ', ' / ', ' % ', '+', '-'), tie('v')).map((x) => x.join('')),
        fc.tuple(field, fc.constantFrom(':length()', ':trim~()', ':concat("x", 1)')).map((x) => x.join('')),
        tie('v').map((v) => `(${v})`),
      ),
    })).v;
    const cond: fc.Arbitrary<string> = fc.letrec<{ c: string }>((tie) => ({
      c: fc.oneof(
        { depthSize: 'small' },
        fc.tuple(value, fc.constantFrom(' == ', ' != ', ' < ', ' <= ', ' > ', ' >= ', ' = ', '=='), value).map((x) => x.join('')),
        fc.tuple(field, fc.constantFrom(' : ', ' like ', ' like~ ', ' regex ', ' regex~ ', ':'), fc.oneof(literal, fc.array(literal, { minLength: 1, maxLength: 3 }).map((l) => `(${l.join(', ')})`))).map((x) => x.join('')),
        fc.tuple(field, fc.constantFrom(' in ', ' not in ', ' in~ '), fc.array(value, { minLength: 1, maxLength: 3 }), fc.boolean()).map(([f, op, l, t]) => `${f}${op}(${l.join(', ')}${t ? ',' : ''})`),
        fc.tuple(tie('c'), ws, fc.constantFrom('and', 'or'), ws, tie('c')).map((x) => x.join('')),
        fc.tuple(fc.constantFrom('not ', 'not not '), tie('c')).map((x) => x.join('')),
        tie('c').map((c) => `(${c})`),
        fc.constantFrom('true', 'false', 'x'),
        fc.tuple(fc.constantFrom('descendant', 'child', 'event'), fc.constantFrom('process', 'any')).map(([r, c]) => `${r} of [${c} where true]`),
      ),
    })).c;
    const event = fc.tuple(fc.constantFrom('process', 'file', 'any', '"quoted cat"'), ws, cond).map(([c, w, x]) => `${c} where${w}${x}`);
    const step = fc.tuple(fc.constantFrom('[', '!['), event, fc.constantFrom('', ' by user.name', ' fork', ' fork = false', ' with runs = 2', ' as a1', ' by x, y as z')).map(([o, e, t]) => `${o}${e}]${t}`);
    const query = fc.oneof(
      event,
      fc.tuple(fc.constantFrom('sequence', 'sequence by host.id', 'sequence with maxspan=5m', 'sequence by h with maxspan = 1 s', 'sample by h', 'join by pid', 'join'), fc.array(step, { minLength: 1, maxLength: 3 }), fc.constantFrom('', ' until [process where true]')).map(([h, s, u]) => `${h} ${s.join(' ')}${u}`),
    );
    const pipes = fc.array(fc.constantFrom(' | head 5', ' | tail 1', ' | unique x, y', ' | unique_count a b', ' | filter x == 1', ' | count'), { maxLength: 2 }).map((p) => p.join(''));
    let accepted = 0;
    fc.assert(
      fc.property(query, pipes, (q, p) => {
        const t = q + p;
        check(t);
        if (readEql(t) !== null) accepted++;
      }),
      { numRuns: 15_000, seed: 37 },
    );
    expect(accepted).toBeGreaterThan(10_000);
  });

  it('matches the generated parser on mutated corner cases (a character inserted, removed or replaced)', () => {
    assertAgreesOnMutations(eql, EXAMPLES, [' ', '(', ')', '[', ']', ',', '"', "'", '\\', '/', '*', ':', '=', '|', '.', '?', '`', 'a', '1', '\n'], 41);
  });

  const corpus = elasticCorpus('readEql');
  it.skipIf(!corpus.present)('matches the generated parser on every EQL query of the Elastic corpus', async () => {
    const queries = await corpusQueries(corpus.dir, 'eql');
    expect(queries.length).toBeGreaterThan(1000);
    expect(queries.filter((q) => !same(q))).toEqual([]);
    expect(queries.filter((q) => readEql(q) === null)).toEqual([]);
  });
});
