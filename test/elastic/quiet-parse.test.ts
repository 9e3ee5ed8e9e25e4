/**
 * The generated query parsers run with Peggy's expectation bookkeeping off
 * first (`peg$silentFails`, see parseQuietly in src/vendors/elastic/context.ts)
 * and the ES|QL and KQL grammars scan whitespace, comments and strings with
 * hand-written scanners that record the expectations the replaced rules
 * recorded. These tests pin both: a quiet parse gives the same tree (or fails
 * exactly when the normal parse fails), and syntax errors keep their
 * messages, offsets and expected lists (fixtures recorded with the grammars
 * before the scanners).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as eql from '../../src/generated/eql.js';
import * as esql from '../../src/generated/esql.js';
import * as kql from '../../src/generated/kql.js';
import * as lucene from '../../src/generated/lucene.js';
import { parseQuietly } from '../../src/vendors/elastic/context.js';

type Parser = typeof esql;

function outcome(p: Parser, text: string, options: Record<string, unknown>): unknown {
  try {
    return { ok: p.parse(text, options) };
  } catch (e) {
    const err = e as { message?: string; location?: unknown; expected?: unknown };
    return { error: err.message, location: err.location, expected: err.expected };
  }
}

function quietOutcome(p: Parser, text: string, options: Record<string, unknown>): unknown {
  try {
    return { ok: parseQuietly(p.parse, text, options) };
  } catch (e) {
    const err = e as { message?: string; location?: unknown; expected?: unknown };
    return { error: err.message, location: err.location, expected: err.expected };
  }
}

const SAMPLES: Record<string, { parser: Parser; options: Record<string, unknown>; texts: string[] }> = {
  esql: {
    parser: esql,
    options: { startRule: 'Query' },
    texts: [
      'from logs-* metadata _id | where process.name == "a\\"b" and not x like "c*" // tail',
      'FROM a /* c */ | STATS n = count(*) BY host.name | WHERE n > 5 | KEEP n',
      'from a | eval y = to_lower(x), z = """raw \\q""" | where y rlike ".*" or z is not null',
      'from a | where @timestamp > now() - 7 days | dissect m "%{a} %{b}" | sort a desc',
    ],
  },
  kuery: { parser: kql, options: { startRule: 'Query' }, texts: ['process.name:"cmd.exe" and not user.name:(a or b*)', 'a:{ b:1 and c < 5 }', 'x:"q\\"" or y : *'] },
  lucene: { parser: lucene, options: { startRule: 'Query' }, texts: ['a:b AND NOT c:"d e" OR f:[1 TO 5]', '_exists_:x && y:/re.*/'] },
  eql: {
    parser: eql,
    options: {},
    texts: ['process where process.name : ("a.exe", "b*") and not user.id == "S-1-5-18"', 'sequence by host.id [file where true] [process where event.type == "start"] | head 5', 'any where x:length() > 3 // c'],
  },
};

const edit = fc.tuple(fc.nat(), fc.nat({ max: 4 }), fc.constantFrom('', '"', '"""', '\\', '/*', '*/', '//', '\n', ' ', '(', ')', '[', ']', '|', ',', ':', '==', ' and ', ' or ', 'not ', '`', '\u00a0', 'x'));

describe('quiet parse (peg$silentFails) is the normal parse', () => {
  for (const [lang, { parser, options, texts }] of Object.entries(SAMPLES)) {
    it(`${lang}: same tree or same error on mutated queries`, () => {
      fc.assert(
        fc.property(fc.constantFrom(...texts), fc.array(edit, { maxLength: 4 }), (base, edits) => {
          let t = base;
          for (const [at, del, ins] of edits) {
            const i = at % (t.length + 1);
            t = t.slice(0, i) + ins + t.slice(i + del);
          }
          expect(quietOutcome(parser, t, options)).toEqual(outcome(parser, t, options));
        }),
        { seed: 20261128, numRuns: 300 },
      );
    });
  }
});

for (const [name, parser, fixture] of [
  ['ES|QL', esql, 'esql-syntax-errors.json'],
  ['KQL', kql, 'kql-syntax-errors.json'],
] as const) {
  describe(`${name} scanners keep the syntax errors of the rules they replace`, () => {
    const cases = JSON.parse(readFileSync(join(__dirname, 'fixtures', fixture), 'utf8')) as Array<[string, { message: string; offset: number; expected: unknown } | null]>;
    for (const [text, want] of cases) {
      it(JSON.stringify(text), () => {
        const got = outcome(parser as Parser, text, { startRule: 'Query' }) as { ok?: unknown; error?: string; location?: { start: { offset: number } }; expected?: unknown };
        if (want === null) expect(got.error).toBeUndefined();
        else expect({ message: got.error, offset: got.location?.start.offset, expected: got.expected }).toEqual(want);
      });
    }
  });
}
