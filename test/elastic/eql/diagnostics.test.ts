/**
 * What Elasticsearch rejects becomes a diagnostic (never a throw), with a
 * stable code and a position; hostile input is bounded by Limits.
 */
import { describe, expect, it } from 'vitest';
import { printQuery } from '../../../src/ast/print.js';
import { opaqueNodes } from '../../../src/ast/walk.js';
import { diags, eql } from './helpers.js';

describe('syntax errors', () => {
  it('report line, column and what was expected, and keep the query as one opaque node', () => {
    const r = eql('process where\n  process.name == "a" and\n  process.args in "x"');
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ severity: 'error', code: 'eql.syntax', line: 3, column: 19, message: 'EQL syntax error: unexpected "\\"x\\""' });
    expect(r.diagnostics[0]!.expected).toContain('"("');
    expect(r.query.kind).toBe('filter');
    expect(opaqueNodes(r.query)).toMatchObject([{ type: 'opaque', reason: 'EQL syntax error' }]);
  });
  it('name invisible characters by code point', () => {
    expect(eql('process where a == 1\u00a0and b == 2').diagnostics[0]!.message).toBe('EQL syntax error: unexpected U+00A0 (EQL whitespace is only space, tab, CR and LF)');
  });
  it('count lines across CRLF line ends', () => {
    expect(diags(eql('process where\r\n  a == 1 and\r\n  b ==\r\n'))).toEqual(['error eql.syntax 4:1']);
  });
  it('explain a misplaced lineage or call', () => {
    expect(eql('process where a.b of [process where true]').diagnostics[0]).toMatchObject({ code: 'eql.syntax', column: 15, message: 'EQL syntax error: expected a relation name (descendant, child, event) before `of`' });
    expect(eql('process where length(a).b == 1').diagnostics[0]!.message).toBe('EQL syntax error: unexpected field access after a function call');
  });
  it('explain upper-case keywords', () => {
    expect(eql('process where a == 1 AND b == 2').diagnostics[0]!.message).toBe('EQL syntax error: unexpected "AND" (EQL keywords are lower-case: `and`)');
  });
  it.each([
    ['', 'end of query'],
    ['process where', 'end of query'],
    ['process where a ==', 'end of query'],
    ['process where a == "x', 'unterminated string'],
    ['process where a : ("x" "y")', '"\\"y\\""'],
    ['process where a /* never closed', 'unterminated block comment /* … */'],
    ['sequence by', 'end of query'],
    ['process where a in ()', '")"'],
    ['process where a : ("x",)', '")"'],
    ['process where a.b.', 'end of query'],
    ['process where `a', 'unterminated backtick-quoted name'],
    ['process where a == """x', 'unterminated raw string """…"""'],
    ['[process where true]', '"["'],
  ])('%j', (q, found) => {
    const r = eql(q);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['eql.syntax']);
    expect(r.diagnostics[0]!.message).toBe(found.startsWith('unterminated') ? `EQL syntax error: ${found}` : `EQL syntax error: unexpected ${found}`);
  });
});

describe('what Elasticsearch rejects after parsing', () => {
  it.each([
    ['sequence with maxspan=30 [a where true] [b where true]', 'error eql.maxspan.unit 1:10'],
    ['sequence with maxspan=3w [a where true] [b where true]', 'error eql.maxspan.unit 1:10'],
    ['sequence with maxspan=1.5m [a where true] [b where true]', 'error eql.maxspan.value 1:23'],
    ['sequence with maxspan=0s [a where true] [b where true]', 'error eql.maxspan.value 1:23'],
    ['sequence [a where true] with runs=0 [b where true]', 'error eql.runs.range 1:25'],
    ['sequence [a where true] with runs=101 [b where true]', 'error eql.runs.range 1:25'],
    ['sequence [a where true]', 'error eql.sequence.steps 1:1'],
    ['sequence [a where true] by x [b where true]', 'error eql.join-keys.arity 1:30'],
    ['sequence by h [a where true] by x [b where true] by y, z', 'error eql.join-keys.arity 1:50'],
    ['sequence [a where true] ![b where true]', 'error eql.sequence.missing-maxspan 1:1'],
    ['sequence with maxspan=1m ![a where true] ![b where true]', 'error eql.sequence.missing-only 1:1'],
    ['sample [a where true] ![b where true]', 'error eql.missing.context 1:23'],
    ['sample [a where true] with runs=2 [b where true]', 'error eql.runs.context 1:23'],
    ['sequence by a by b [x where true] [y where true]', 'error eql.sequence.params 1:15'],
    ['sequence [a where true] [b where true] until ![c where true]', 'error eql.sequence.until-missing 1:46'],
    ['process where a == 1 | head', 'error eql.pipe.argument 1:22'],
    ['process where a == 1 | tail -1', 'error eql.pipe.argument 1:22'],
    ['process where startsWith(a)', 'error eql.function.arity 1:15'],
    ['process where length(a, "b") > 1', 'error eql.function.arity 1:15'],
  ])('%s', (q, expected) => {
    expect(diags(eql(q)).filter((d) => !d.startsWith('info'))).toEqual([expected]);
  });

  it('warns on field-to-field comparisons and keeps them as ref predicates', () => {
    const r = eql('process where process.parent.name == process.name and a in (b, "c")');
    expect(diags(r)).toEqual(['warning eql.compare.fields 1:15', 'warning eql.compare.fields 1:61']);
    expect(printQuery(r.query, { width: 300 })).toBe('event.category eq:cs "process" and process.parent.name eq @process.name and (a eq @b or a eq:cs "c")');
  });

  it('checks cidrMatch blocks', () => {
    const ok = ['10.0.0.0/8', '192.168.1.1', '0.0.0.0/0', '::1', 'FE80::/10', 'ff00::/8', '2001:db8::/32', '::ffff:10.0.0.1', '1:2:3:4:5:6:7:8', '::'];
    expect(eql(`network where cidrMatch(ip, ${ok.map((c) => `"${c}"`).join(', ')})`).diagnostics).toEqual([]);
    const bad = ['10.0.0.0/33', '256.1.1.1', '10.0.0/8', 'fe80::/129', '1::2::3', '1:2:3:4:5:6:7:8:9', 'host.example', '10.0.0.0/'];
    const r = eql(`network where cidrMatch(ip, ${bad.map((c) => `"${c}"`).join(', ')})`);
    expect(r.diagnostics.map((d) => d.code)).toEqual(bad.map(() => 'eql.cidr.invalid'));
    expect(r.diagnostics[0]!.message).toBe('invalid CIDR block "10.0.0.0/33": prefix length `/33` must be 0-32');
  });

  it('keeps a non-field join key as a computed key', () => {
    const r = eql('sequence by length(x) [a where true] [b where true]');
    expect(diags(r)).toEqual(['warning eql.by.expression 1:13']);
    expect(r.query).toMatchObject({ kind: 'sequence', by: [{ name: 'length(x)', computed: true }] });
  });

  it('refuses a maxspan too large to count in milliseconds', () => {
    expect(diags(eql('sequence with maxspan=99999999999999d [a where true] [b where true]'))).toEqual(['error eql.maxspan.value 1:23']);
  });

  it('pattern operators compare strings only', () => {
    const r = eql('process where pid : 1 or pid like (2, "3") or ok regex~ true or x : null');
    expect(diags(r)).toEqual(['error eql.type.pattern 1:21', 'error eql.type.pattern 1:36', 'error eql.type.pattern 1:57']);
    expect(opaqueNodes(r.query).map((o) => o.reason)).toEqual([': with a non-string value', 'like with a non-string value', 'regex~ with a non-string value', ': with a non-string value']);
  });

  it('warns on unknown functions, refuses unknown pipes', () => {
    expect(diags(eql('process where frobnicate(a) | frob 1'))).toEqual(['warning eql.function.unknown 1:15', 'error eql.pipe.unknown 1:29', 'info eql.pipe.ignored 1:29']);
  });

  it('checks Endgame pipe arguments', () => {
    const codes = (q: string) => eql(q).diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
    expect(codes('process where true | filter')).toEqual(['eql.pipe.argument']);
    expect(codes('process where true | unique 100')).toEqual(['eql.pipe.argument']);
    expect(codes('process where true | count "x"')).toEqual(['eql.pipe.argument']);
    expect(codes('process where true | unique a b | sort a, b | count')).toEqual([]);
  });

  it('knows only the three lineage relations, lower-case', () => {
    expect(diags(eql('file where DescenDant of [process where true]'))).toEqual(['warning eql.dialect.endgame 1:12', 'error eql.lineage.relation 1:12']);
    expect(eql('file where nothing of [process where true]').diagnostics.map((d) => d.code)).toContain('eql.lineage.relation');
  });

  it('a bare category without where is a syntax error, not a condition', () => {
    expect(diags(eql('process'))).toEqual(['error eql.syntax 1:1']);
    expect(eql('process').diagnostics[0]!.message).toBe('EQL syntax error: expected `where` after the event category `process`');
  });

  it('reports bad escapes even inside parts that stay opaque', () => {
    expect(diags(eql('process where length(concat(a, "\\q")) > 1'))).toEqual(['error eql.string.escape 1:33']);
  });

  it('reports `with maxspan` before `by` as Endgame order', () => {
    expect(diags(eql('sequence with maxspan=1m by h [a where true] [b where true]'))).toEqual(['warning eql.dialect.endgame 1:26']);
  });

  it('a trailing comma is accepted only in `in` lists and function arguments (Endgame)', () => {
    expect(diags(eql('process where a in ("x", "y",) and startsWith(a, "b",)'))).toEqual(['warning eql.dialect.endgame 1:29', 'warning eql.dialect.endgame 1:53']);
  });

  it('a query made only of pipes is Endgame', () => {
    expect(diags(eql('| head 5'))).toEqual(['warning eql.dialect.endgame 1:1', 'info eql.pipe.ignored 1:1']);
  });

  it('event queries without a category are Endgame', () => {
    const r = eql('process.name == "cmd.exe"');
    expect(diags(r)).toEqual(['warning eql.dialect.endgame 1:1']);
    expect(printQuery(r.query)).toBe('process.name eq:cs "cmd.exe"');
  });
});

describe('limits', () => {
  it('maxQueryChars', () => {
    const r = eql('process where a == "' + 'x'.repeat(200) + '"', { maxQueryChars: 100 });
    expect(diags(r)).toEqual(['error eql.limit.query-chars 1:1']);
    expect(opaqueNodes(r.query)[0]!.reason).toBe('query over the size limit');
  });
  it('maxDepth: deep parentheses are a diagnostic, never a stack overflow', () => {
    const deep = 'process where ' + '('.repeat(100_000) + 'a == 1' + ')'.repeat(100_000);
    expect(diags(eql(deep))).toEqual(['error eql.limit.depth 1:271']);
    const ok = 'process where ' + '('.repeat(256) + 'a == 1' + ')'.repeat(256);
    expect(printQuery(eql(ok).query)).toBe('event.category eq:cs "process" and a eq 1');
  });
  it('maxDepth counts nested block comments and sequence brackets, not brackets in strings', () => {
    expect(diags(eql('process where a == 1 ' + '/*'.repeat(300) + '*/'.repeat(300), { maxDepth: 256 }))[0]).toBe('error eql.limit.depth 1:534');
    expect(eql('process where a : "' + '('.repeat(1000) + '"', { maxDepth: 8 }).diagnostics).toEqual([]);
  });
  it('long not-chains and sign chains do not overflow', () => {
    expect(diags(eql('process where ' + 'not '.repeat(50_000) + 'a == 1'))).toEqual(['error eql.limit.depth 1:15']);
    expect(eql('process where ' + 'not '.repeat(256) + 'a == 1').diagnostics).toEqual([]);
    expect(eql('process where a == ' + '-'.repeat(50_000) + '1').diagnostics).toEqual([]);
  });
  it('maxListItems', () => {
    const r = eql('process where a in (' + Array.from({ length: 20 }, (_, i) => `"${i}"`).join(', ') + ')', { maxListItems: 10 });
    expect(diags(r)).toEqual(['error eql.limit.list-items 1:15']);
    expect(opaqueNodes(r.query)).toHaveLength(1);
  });
  it('huge lists inside groups and opaque parts are never spread into call arguments', () => {
    const list = Array.from({ length: 150_000 }, (_, i) => `"v${i}"`).join(',');
    const r = eql(`process where a == 1 or (b : (${list}) or c == 2) or length(x) in (${list})`, { maxQueryChars: 5_000_000 });
    expect(r.diagnostics).toEqual([]);
    const f = r.query.kind === 'filter' ? r.query.filter : null;
    expect(f?.type === 'and' && f.children[1]!.type === 'or' ? f.children[1].children.length : 0).toBe(150_003);
  });
  it('maxRegexChars', () => {
    const r = eql('process where a regex "' + 'a'.repeat(50) + '"', { maxRegexChars: 10 });
    expect(diags(r)).toEqual(['error eql.limit.regex-chars 1:23']);
  });
});
