import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { and, constant, not, opaque, or, predicate } from '../../src/ast/build.js';
import { printNode, printQuery } from '../../src/ast/print.js';
import { NodeSchema, QuerySchema, RuleSchema, type Node, type Query, type Rule } from '../../src/ast/schema.js';
import { simplify } from '../../src/ast/simplify.js';
import { positiveParts, predicates, topLevelExclusions, walk } from '../../src/ast/walk.js';

const P = (f: string, v: string) => predicate(f, 'eq', v);

/** Evaluate a boolean tree under an assignment of predicate truth values (by predicate value). */
function truth(n: Node, env: Record<string, boolean>): boolean {
  switch (n.type) {
    case 'predicate':
      return env[String(n.value)] ?? false;
    case 'constant':
      return n.value;
    case 'opaque':
      return env['?' + n.text] ?? false;
    case 'not':
      return !truth(n.child, env);
    case 'and':
      return n.children.every((c) => truth(c, env));
    case 'or':
      return n.children.some((c) => truth(c, env));
  }
}

const VARS = ['a', 'b', 'c', 'd'];
const nodeArb: fc.Arbitrary<Node> = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...VARS).map((v) => P('f', v) as Node),
    fc.boolean().map((b) => constant(b) as Node),
    fc.constantFrom('x').map((t) => opaque(t, 'test') as Node),
    tie('node').map((c) => not(c) as Node),
    fc.array(tie('node'), { minLength: 0, maxLength: 4 }).map((cs) => and(cs) as Node),
    fc.array(tie('node'), { minLength: 0, maxLength: 4 }).map((cs) => or(cs) as Node),
  ),
})).node;

const envArb = fc.record({ a: fc.boolean(), b: fc.boolean(), c: fc.boolean(), d: fc.boolean(), '?x': fc.boolean() });

describe('AST schema', () => {
  const rule: Rule = {
    id: 'r1',
    title: 'T',
    vendor: 'sigma',
    language: 'sigma',
    kind: 'detection',
    path: 'x.yml',
    attack: { techniques: ['T1059.001'], tactics: ['TA0002'], raw: ['attack.t1059.001'] },
    logsource: { product: 'windows', category: 'process_creation' },
    query: {
      kind: 'aggregate',
      input: {
        kind: 'sequence',
        by: [{ name: 'host.id' }],
        maxspan: { ms: 30000, text: '30s' },
        steps: [
          { filter: and([predicate({ name: 'Image', canonical: 'process.name' }, 'eq', 'a.exe', { source: { vendor: 'sigma', line: 3, column: 5, text: 'a.exe' } }), not(P('x', 'y'))]) },
          { filter: predicate(null, 'match', 'foo*'), missing: true },
        ],
      },
      groupBy: [{ name: 'user' }],
      conditions: [{ fn: 'count', op: 'gt', value: 5 }],
    },
    metadata: { nested: { a: [1, 'x', null] } },
    diagnostics: [{ severity: 'warning', code: 'x.y', message: 'm', path: 'x.yml', line: 1, column: 2 }],
  };

  it('round-trips a rule through JSON without loss', () => {
    const back = RuleSchema.parse(JSON.parse(JSON.stringify(rule)));
    expect(back).toEqual(rule);
  });

  it('round-trips random trees', () => {
    fc.assert(
      fc.property(nodeArb, (n) => {
        expect(NodeSchema.parse(JSON.parse(JSON.stringify(n)))).toEqual(n);
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  it('rejects malformed nodes', () => {
    expect(NodeSchema.safeParse({ type: 'predicate', field: null, op: 'like', value: 'x', caseSensitive: false }).success).toBe(false);
    expect(NodeSchema.safeParse({ type: 'and' }).success).toBe(false);
    expect(QuerySchema.safeParse({ kind: 'filter' }).success).toBe(false);
  });
});

describe('simplify', () => {
  it('keeps meaning on random trees (all assignments)', () => {
    fc.assert(
      fc.property(nodeArb, envArb, (n, env) => {
        expect(truth(simplify(n), env)).toBe(truth(n, env));
      }),
      { seed: 11, numRuns: 2000 },
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(nodeArb, (n) => {
        const s = simplify(n);
        expect(simplify(s)).toEqual(s);
      }),
      { seed: 13, numRuns: 500 },
    );
  });

  it('flattens, folds constants and removes double negation and duplicates', () => {
    expect(simplify(and([P('f', 'a'), and([P('f', 'b'), constant(true)]), P('f', 'a')]))).toEqual(and([P('f', 'a'), P('f', 'b')]));
    expect(simplify(or([P('f', 'a'), constant(true)]))).toEqual(constant(true));
    expect(simplify(not(not(P('f', 'a'))))).toEqual(P('f', 'a'));
    expect(simplify(and([]))).toEqual(constant(true));
    expect(simplify(or([]))).toEqual(constant(false));
    // Opaque parts are never folded away.
    expect(simplify(and([opaque('x', 'r'), constant(true)]))).toEqual(opaque('x', 'r'));
  });
});

describe('printer', () => {
  it('prints stable canonical text', () => {
    const n = and([
      predicate({ name: 'Image', canonical: 'process.name' }, 'eq', 'rundll32.exe'),
      or([predicate('CommandLine', 'wildcard', '*\\\\temp\\\\*'), predicate('x y', 'regex_match', '^a+$', { caseSensitive: true, regex: { flavor: 'pcre', flags: 'i', anchored: false } })]),
      not(predicate('User', 'eq', null)),
      predicate('Count', 'gte', 5),
      predicate('a', 'eq', 'X', { caseSensitive: true }),
      predicate('b', 'eq', null, { ref: { name: 'c' } }),
      predicate(null, 'match', 'mimikatz'),
      predicate('e', 'exists', true),
      opaque('length(x) > 3', 'function'),
    ]);
    expect(printNode(n, { width: 1000 })).toBe(
      'process.name eq "rundll32.exe" and (CommandLine wildcard "*\\\\\\\\temp\\\\\\\\*" or `x y` regex_match:i "^a+$") and not User eq null and Count gte 5 and a eq:cs "X" and b eq @c and * match "mimikatz" and e exists and opaque("length(x) > 3", "function")',
    );
    expect(printNode(n, { width: 60 })).toMatchSnapshot();
  });

  it('prints query shapes', () => {
    const q: Query = {
      kind: 'sequence',
      by: [{ name: 'host.id' }],
      maxspan: { ms: 60000, text: '1m' },
      steps: [{ filter: P('event.category', 'process') }, { filter: P('event.category', 'network'), missing: true, by: [{ name: 'process.entity_id' }] }],
      until: P('event.type', 'end'),
    };
    expect(printQuery(q)).toMatchInlineSnapshot(`
      "sequence by host.id with maxspan=1m
        [event.category eq "process"]
        ![event.category eq "network"] by process.entity_id
      until [event.type eq "end"]"
    `);
    expect(printQuery({ kind: 'aggregate', input: { kind: 'filter', filter: P('a', 'b') }, groupBy: [{ name: 'user' }], conditions: [{ fn: 'count', op: 'gt', value: 5 }], aggregations: ['count'] })).toMatchInlineSnapshot(`
      "aggregate count by user where count > 5
      from
        a eq "b""
    `);
  });
});

describe('topLevelExclusions and predicates', () => {
  it('takes the not-children of a root and', () => {
    const ex1 = P('f', 'x');
    const ex2 = or([P('f', 'y'), P('g', 'z')]);
    const n = and([P('f', 'a'), not(ex1), or([P('f', 'b'), not(P('f', 'nested'))]), not(ex2)]);
    expect(topLevelExclusions(n)).toEqual([ex1, ex2]);
    expect(positiveParts(n)).toEqual([and([P('f', 'a'), or([P('f', 'b'), not(P('f', 'nested'))])])]);
  });

  it('takes the child of a root not, and nothing from a root or', () => {
    expect(topLevelExclusions(not(P('f', 'a')))).toEqual([P('f', 'a')]);
    expect(topLevelExclusions(or([not(P('f', 'a')), P('f', 'b')]))).toEqual([]);
    expect(topLevelExclusions(P('f', 'a'))).toEqual([]);
  });

  it('looks into every event filter of a sequence, not into missing steps', () => {
    const q: Query = { kind: 'sequence', steps: [{ filter: and([P('f', 'a'), not(P('f', 'b'))]) }, { filter: and([P('f', 'c'), not(P('f', 'd'))]), missing: true }] };
    expect(topLevelExclusions(q)).toEqual([P('f', 'b')]);
    const uses = predicates(q).map((u) => `${u.predicate.value}:${u.negated}:${u.role}`);
    expect(uses).toEqual(['a:false:event', 'b:true:event', 'c:true:missing', 'd:false:missing']);
  });

  it('walks deep trees without overflowing the stack', () => {
    let n: Node = P('f', 'x');
    for (let i = 0; i < 100_000; i++) n = not(n);
    let count = 0;
    walk(n, { enter: () => void count++ });
    expect(count).toBe(100_001);
  });
});
