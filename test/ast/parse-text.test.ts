import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { and, constant, not, opaque, or, predicate } from '../../src/ast/build.js';
import { parseNodeText, semanticProjection } from '../../src/ast/parse-text.js';
import { printNode } from '../../src/ast/print.js';
import { PREDICATE_OPS, type FieldRef, type Node, type Predicate } from '../../src/ast/schema.js';

const fieldArb: fc.Arbitrary<FieldRef> = fc.record(
  {
    name: fc.oneof(fc.constantFrom('process.name', 'Image', 'and', 'not', 'true', 'x y', 'a`b', 'Processes.process_name', '@timestamp', '0day', 'eval'), fc.string({ maxLength: 8 })),
    canonical: fc.constantFrom('process.name', 'winlog.event_data.GrantedAccess', 'or'),
    computed: fc.constant(true),
  },
  { requiredKeys: ['name'] },
);
const scalarArb = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
const predArb: fc.Arbitrary<Predicate> = fc
  .record(
    {
      field: fc.option(fieldArb, { nil: null }),
      op: fc.constantFrom(...PREDICATE_OPS),
      value: scalarArb,
      caseSensitive: fc.boolean(),
      regex: fc.record({ flavor: fc.constantFrom('pcre', 'lucene', 'java', 'ecmascript'), flags: fc.constantFrom('', 'i', 'ims', 's'), anchored: fc.boolean() }),
      rhs: fc.oneof(fc.constant({}), fieldArb.map((ref) => ({ ref, value: null })), fc.string({ maxLength: 6 }).map((placeholder) => ({ placeholder, value: `%${placeholder}%` }))),
      vendorOp: fc.constant('contains|all'),
      raw: fc.string(),
      source: fc.constant({ vendor: 'sigma' as const, line: 3, column: 4, text: 'x' }),
    },
    { requiredKeys: ['field', 'op', 'value', 'caseSensitive'] },
  )
  // A predicate compares with a value, another field (value null) or a placeholder (value: its raw text).
  .map(({ rhs, ...r }) => ({ type: 'predicate', ...r, ...rhs }) as Predicate);

const nodeArb: fc.Arbitrary<Node> = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    predArb as fc.Arbitrary<Node>,
    fc.boolean().map((b) => constant(b) as Node),
    fc.tuple(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 })).map(([t, r]) => opaque(t, r) as Node),
    tie('node').map((c) => not(c) as Node),
    fc.array(tie('node'), { maxLength: 4 }).map((cs) => and(cs) as Node),
    fc.array(tie('node'), { maxLength: 4 }).map((cs) => or(cs) as Node),
  ),
})).node;

describe('canonical text round trip', () => {
  it('parse(print(node)) is the node without its sources (random trees)', () => {
    fc.assert(
      fc.property(nodeArb, fc.constantFrom(20, 100, 1000), (n, width) => {
        const text = printNode(n, { exact: true, width });
        const back = parseNodeText(text);
        expect(back.ok ? back.node : back, text).toEqual(semanticProjection(n));
      }),
      { seed: 2024, numRuns: 1500 },
    );
  });

  it('reads hand-written text with precedence not > and > or', () => {
    const r = parseNodeText('a eq 1 or not b eq 2 and c exists');
    expect(r).toEqual({
      ok: true,
      node: or([predicate('a', 'eq', 1), and([not(predicate('b', 'eq', 2)), predicate('c', 'exists', true)])]),
    });
  });

  it('reports syntax errors with a position', () => {
    const r = parseNodeText('a eq "x" and (b eq');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.line).toBe(1);
  });
});
