/**
 * readPlainCondition (src/vendors/sigma/condition.ts) against the generated condition parser: on
 * every input it accepts, the same tree (JSON text, so key order counts too); and it accepts
 * every aggregation-free condition the generated parser accepts (so the fallback is only for
 * aggregations and errors).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from '../../src/generated/sigma-condition.js';
import { readPlainCondition } from '../../src/vendors/sigma/condition.js';

function generated(text: string): { ok: true; json: string; agg: boolean } | { ok: false } {
  try {
    const r = parse(text) as { agg: unknown };
    return { ok: true, json: JSON.stringify(r), agg: r.agg !== null };
  } catch {
    return { ok: false };
  }
}

function check(text: string): void {
  const mine = readPlainCondition(text);
  const g = generated(text);
  if (mine !== undefined) {
    expect(g.ok, text).toBe(true);
    if (g.ok) expect(JSON.stringify(mine), text).toBe(g.json);
  } else if (g.ok) {
    expect(g.agg, `reader refused a plain condition: ${JSON.stringify(text)}`).toBe(true);
  }
}

const EXAMPLES = [
  'selection',
  'selection and not filter',
  'selection and not 1 of filter_*',
  'all of selection_* and not 1 of filter_main_* and not 1 of filter_optional_*',
  '1 of them',
  'all of them',
  'any of sel*',
  '(sel1 or sel2) and not (f1 or f2)',
  'not not sel',
  '  sel  ',
  'sel\nand\tnot\r\nfilter',
  'a and b or c and d',
  'a or b or c',
  '((a))',
  'nota and order and android',
  'all',
  '1',
  'all of',
  '1 ofx',
  '1 of-x',
  '1 of sel-x',
  'sel-name and sel_2',
  'not',
  'and',
  'a and',
  'a or',
  '(a',
  'a)',
  'sel | count() by x > 5',
  'sel | near other',
  'AND',
  'sel and(b)',
  'sel and not(b)',
  'all(x)',
  '1 of *',
  'of',
  'anyof x',
  'any  of  x*y*',
  '',
  ' ',
  'sélection',
  'a\u00a0and b',
];

describe('readPlainCondition', () => {
  it('matches the generated parser on examples', () => {
    for (const t of EXAMPLES) check(t);
  });

  it('matches the generated parser on random token sequences', () => {
    const token = fc.constantFrom('sel', 'selection_1', 'filter_*', 'x-y', 'them', 'and', 'or', 'not', '1', 'any', 'all', 'of', '(', ')', ' ', ' ', ' ', '\t', '\n', 'nota', 'order', '|', 'count()', '1of', 'of*', '*', '-', 'é', '2');
    fc.assert(
      fc.property(fc.array(token, { maxLength: 14 }), (toks) => {
        check(toks.join(''));
        check(toks.join(' '));
      }),
      { numRuns: 30_000, seed: 9 },
    );
  });

  it('matches the generated parser on random well-formed conditions', () => {
    const ws = fc.constantFrom('', ' ', '  ', '\n', '\t ', '\r\n');
    const sp = fc.constantFrom(' ', '  ', '\n', '\t');
    const name = fc.constantFrom('sel', 'selection_1', 'x-y', 'nota', 'order', 'android', '1x', 'all_a', 'them', 'of', 'Any');
    const pattern = fc.constantFrom('sel*', 'them', 'filter_*', '*', 'a*b*c', 'x');
    const expr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
      e: fc.oneof(
        { depthSize: 'small' },
        name,
        fc.tuple(fc.constantFrom('1', 'any', 'all'), sp, sp, pattern).map(([q, a, b, p]) => `${q}${a}of${b}${p}`),
        fc.tuple(tie('e'), sp, fc.constantFrom('and', 'or'), sp, tie('e')).map((x) => x.join('')),
        fc.tuple(fc.constantFrom('not ', 'not\n', 'not('), tie('e')).map(([n, e]) => (n === 'not(' ? `not(${e})` : n + e)),
        fc.tuple(ws, tie('e'), ws).map(([a, e, b]) => `(${a}${e}${b})`),
      ),
    })).e;
    let accepted = 0;
    fc.assert(
      fc.property(ws, expr, ws, (a, e, b) => {
        const t = a + e + b;
        check(t);
        if (readPlainCondition(t) !== undefined) accepted++;
      }),
      { numRuns: 20_000, seed: 11 },
    );
    // Most of these parse (the generator makes a few invalid ones, e.g. a bare keyword as a name).
    expect(accepted).toBeGreaterThan(10_000);
  });

  it('leaves deep parentheses to the generated parser', () => {
    const deep = '('.repeat(70) + 'a' + ')'.repeat(70);
    expect(readPlainCondition(deep)).toBeUndefined();
    const ok = '('.repeat(60) + 'a' + ')'.repeat(60);
    expect(JSON.stringify(readPlainCondition(ok))).toBe(JSON.stringify(parse(ok)));
  });
});
