/**
 * Golden tests on hand-built AST rules: operators the Sigma fixtures do not
 * reach (Lucene-flavour anchored regexes, comparisons, exists, full-text
 * match, case-sensitive equality, opaque parts and placeholders), glob and
 * CIDR units, and stream queries (sequence, sample, aggregate, correlation).
 */
import { describe, expect, it } from 'vitest';
import { and, not, opaque, or, predicate } from '../../src/ast/build.js';
import { escapeGlob } from '../../src/ast/glob.js';
import type { Node, Query, Rule } from '../../src/ast/schema.js';
import { cidrContains, parseCidr, parseIP } from '../../src/evaluate/cidr.js';
import { compileRule } from '../../src/evaluate/compile.js';
import { createEngine } from '../../src/evaluate/engine.js';
import { compileGlob } from '../../src/evaluate/glob-match.js';
import { parseConcatenatedJson } from '../../src/evaluate/read-events.js';
import { luceneToRe2 } from '../../src/evaluate/regex.js';

function rule(query: Query | Node, extra: Partial<Rule> = {}): Rule {
  const q: Query = 'kind' in query ? query : { kind: 'filter', filter: query };
  return {
    id: extra.id ?? 'r1',
    title: extra.title ?? 'test',
    vendor: extra.vendor ?? 'elastic',
    language: 'eql',
    kind: 'detection',
    path: 'mem',
    attack: { techniques: [], tactics: [], raw: [] },
    logsource: {},
    query: q,
    metadata: extra.metadata ?? {},
    diagnostics: [],
    ...extra,
  } as Rule;
}
const f = (name: string) => ({ name, canonical: name });
const matches = (n: Node, events: object[]) => {
  const m = compileRule(rule(n));
  return events.map((e) => m(e).matched);
};

describe('glob matcher', () => {
  it('agrees with the canonical syntax: escapes, ?, runs of *', () => {
    const cases: Array<[string, string, boolean]> = [
      ['a*c', 'abbbc', true],
      ['a*c', 'abbb', false],
      ['a?c', 'abc', true],
      ['a?c', 'ac', false],
      ['a\\*c', 'a*c', true],
      ['a\\*c', 'abc', false],
      ['a\\\\*', 'a\\xyz', true],
      ['*\\?x', 'y?x', true],
      ['*\\?x', 'yzx', false],
      ['*a*b*a*', 'xxaxxbxxa', true],
      ['*a*b*a*', 'xxaxxbxx', false],
      ['?', '\u{1F600}', true],
      ['C:\\Windows\\x', 'C:\\Windows\\x', true],
      ['', '', true],
      ['*', '', true],
    ];
    for (const [p, v, want] of cases) expect(compileGlob(p, true)(v), `${p} ~ ${v}`).toBe(want);
    expect(compileGlob('*' + escapeGlob('a*b?') + '*', false)('xxa*b?yy')).toBe(true); // case-insensitive matchers take folded values
  });
});

describe('CIDR', () => {
  it('parses and contains', () => {
    const inBlock = (c: string, ip: string) => cidrContains(parseCidr(c)!, parseIP(ip)!);
    expect(inBlock('192.168.0.0/22', '192.168.3.255')).toBe(true);
    expect(inBlock('192.168.0.0/22', '192.168.4.0')).toBe(false);
    expect(inBlock('0.0.0.0/0', '8.8.8.8')).toBe(true);
    expect(inBlock('2001:db8::/32', '2001:db8:ffff::1')).toBe(true);
    expect(inBlock('2001:db8::/32', '2001:db9::1')).toBe(false);
    expect(inBlock('::ffff:0:0/96', '1.2.3.4')).toBe(true);
    expect(inBlock('10.0.0.0/8', '::ffff:10.9.9.9')).toBe(true);
    expect(parseIP('01.2.3.4')).toBeNull();
    expect(parseCidr('10.0.0.0/33')).toBeNull();
  });
});

describe('operators on hand-built predicates', () => {
  it('lucene regexes are anchored; ^ and $ are literals; . spans newlines; @ is any string', () => {
    const re = (v: string, caseSensitive = true) => predicate(f('process.name'), 'regex_match', v, { regex: { flavor: 'lucene', flags: '', anchored: true }, caseSensitive });
    expect(matches(re('cmd\\.exe'), [{ 'process.name': 'cmd.exe' }, { 'process.name': 'xcmd.exe' }])).toEqual([true, false]);
    expect(matches(re('a.c'), [{ 'process.name': 'a\nc' }])).toEqual([true]);
    expect(matches(re('@exe'), [{ 'process.name': 'cmd.exe' }])).toEqual([true]);
    expect(matches(re('\\^x'), [{ 'process.name': '^x' }])).toEqual([true]);
    expect(matches(re('CMD\\.EXE', false), [{ 'process.name': 'cmd.exe' }])).toEqual([true]);
    expect(luceneToRe2('a<1-3>')).toEqual({ pattern: 'a(?:0{0,0}1|0{0,0}2|0{0,0}3)' });
    expect('error' in luceneToRe2('~a')).toBe(true);
  });

  it('a regex RE2 cannot run and a backtracking engine must not: undetermined, reported', () => {
    const m = compileRule(rule(predicate(f('x'), 'regex_match', '(\\w+)+\\1', { regex: { flavor: 'pcre', flags: '', anchored: false }, caseSensitive: true })));
    expect(m({ x: 'aaaa' })).toMatchObject({ matched: false, undetermined: true });
    expect(m.diagnostics.map((d) => d.code)).toEqual(['evaluate.regex.unsupported']);
    const back = compileRule(rule(predicate(f('x'), 'regex_match', '(ab)\\1', { regex: { flavor: 'pcre', flags: '', anchored: false }, caseSensitive: true })));
    expect([back({ x: 'xabab' }).matched, back({ x: 'xab' }).matched]).toEqual([true, false]);
  });

  it('numeric and string comparisons', () => {
    const gt = predicate(f('n'), 'gt', 10);
    expect(matches(gt, [{ n: 11 }, { n: '11' }, { n: 10 }, { n: 'abc' }, {}])).toEqual([true, true, false, false, false]);
    expect(matches(predicate(f('n'), 'lte', 10), [{ n: 10 }, { n: [30, 5] }])).toEqual([true, true]);
    expect(matches(predicate(f('s'), 'gte', 'm'), [{ s: 'n' }, { s: 'a' }, { s: 'M' }])).toEqual([true, false, true]);
  });

  it('exists, and not(exists)', () => {
    const ex = predicate(f('a'), 'exists', true);
    expect(matches(ex, [{ a: 1 }, { a: null }, {}, { a: '' }, { a: { b: 1 } }])).toEqual([true, false, false, true, true]);
    expect(matches(not(ex), [{ a: 1 }, {}])).toEqual([false, true]);
  });

  it('case-sensitive equality (EQL ==) and insensitive (:)', () => {
    expect(matches(predicate(f('process.name'), 'eq', 'cmd.exe', { caseSensitive: true }), [{ process: { name: 'cmd.exe' } }, { process: { name: 'CMD.EXE' } }])).toEqual([true, false]);
    expect(matches(predicate(f('process.name'), 'eq', 'cmd.exe'), [{ process: { name: 'CMD.EXE' } }])).toEqual([true]);
  });

  it('full-text match: field-less over every value; on a field, a substring glob', () => {
    expect(matches(predicate(null, 'match', 'evil*dll'), [{ a: { b: 'x EVIL.dll y' } }, { a: 'evil' }])).toEqual([true, false]);
    expect(matches(predicate(f('msg'), 'match', 'fail?d'), [{ msg: 'login failed for x' }, { msg: 'fail' }])).toEqual([true, false]);
  });

  it('multi-valued fields match when one value does; not() needs all to fail', () => {
    const p = predicate(f('tags'), 'eq', 'b');
    expect(matches(p, [{ tags: ['a', 'b'] }, { tags: ['a'] }, { tags: [] }])).toEqual([true, false, false]);
    expect(matches(not(p), [{ tags: ['a', 'b'] }, { tags: ['a'] }])).toEqual([false, true]);
  });

  it('opaque parts and placeholders are undetermined (Kleene logic), never a match', () => {
    const x = predicate(f('a'), 'eq', '1');
    const op = opaque('| eval x=1', 'unsupported command');
    const m1 = compileRule(rule(and([x, op])));
    expect(m1({ a: '1' })).toMatchObject({ matched: false, undetermined: true });
    expect(m1({ a: '2' })).toMatchObject({ matched: false, undetermined: false });
    expect(compileRule(rule(or([x, op])))({ a: '1' }).matched).toBe(true);
    const ph = predicate(f('a'), 'eq', '%admins%', { placeholder: 'admins' });
    expect(compileRule(rule(not(ph)))({ a: 'x' })).toMatchObject({ matched: false, undetermined: true });
    expect(compileRule(rule(predicate({ name: 'c', computed: true }, 'gt', 1)))({ c: 5 })).toMatchObject({ matched: false, undetermined: true });
  });

  it('explains a match by the predicates that made it true', () => {
    const a = predicate(f('a'), 'eq', '1');
    const b = predicate(f('b'), 'eq', '2');
    const c = predicate(f('c'), 'eq', '3');
    const m = compileRule(rule(and([or([a, b]), not(c)])));
    expect(m({ a: '1', b: 'x', c: 'y' }).predicates).toEqual([a]);
  });
});

describe('cross-vendor: ECS rules on raw Windows events', () => {
  const sysmon = (id: number, data: object) => ({
    Event: { System: { Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon' } }, EventID: id, Channel: 'Microsoft-Windows-Sysmon/Operational' }, EventData: data },
  });
  it('derives event.category/event.type/host.os.type the way Winlogbeat does, and maps Image to process.*', () => {
    const eql = and([
      predicate(f('host.os.type'), 'eq', 'windows', { caseSensitive: true }),
      predicate(f('event.type'), 'eq', 'start', { caseSensitive: true }),
      predicate(f('event.category'), 'eq', 'process', { caseSensitive: true }),
      predicate(f('process.name'), 'eq', 'cmd.exe'),
      predicate(f('process.parent.name'), 'eq', 'winword.exe'),
    ]);
    const data = { Image: 'C:\\Windows\\System32\\cmd.exe', ParentImage: 'C:\\Office\\WINWORD.EXE' };
    expect(matches(eql, [sysmon(1, data), sysmon(7, data), data])).toEqual([true, false, false]);
  });
  it('Elastic indicator-match and new-terms rules are undetermined (their query is only half the rule)', () => {
    const m = compileRule(rule(predicate(f('process.name'), 'eq', 'cmd.exe'), { ruleType: 'threat_match' }));
    expect(m({ process: { name: 'cmd.exe' } })).toMatchObject({ matched: false, undetermined: true });
  });
});

describe('stream queries', () => {
  const ts = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
  const ev = (s: number, host: string, action: string, extra: object = {}) => ({ '@timestamp': ts(s), host: { name: host }, event: { action }, ...extra });
  const step = (action: string) => ({ filter: predicate(f('event.action'), 'eq', action) });
  const by = [f('host.name')];

  it('sequence by a key within maxspan', () => {
    const m = compileRule(rule({ kind: 'sequence', by, maxspan: { ms: 10_000, text: '10s' }, steps: [step('login'), step('exec')] }));
    const events = [ev(0, 'a', 'login'), ev(1, 'b', 'exec'), ev(5, 'a', 'exec'), ev(20, 'b', 'login'), ev(40, 'b', 'exec')];
    expect(m.matchStream(events).map((s) => [s.events, s.key])).toEqual([[[0, 2], ['a']]]);
  });

  it('sequence until, missing steps, runs', () => {
    const until = compileRule(rule({ kind: 'sequence', by, steps: [step('login'), step('exec')], until: predicate(f('event.action'), 'eq', 'logout') }));
    expect(until.matchStream([ev(0, 'a', 'login'), ev(1, 'a', 'logout'), ev(2, 'a', 'exec')])).toEqual([]);
    const missing = compileRule(rule({ kind: 'sequence', by, steps: [step('login'), { ...step('mfa'), missing: true }, step('exec')] }));
    expect(missing.matchStream([ev(0, 'a', 'login'), ev(1, 'a', 'mfa'), ev(2, 'a', 'exec'), ev(3, 'b', 'login'), ev(4, 'b', 'exec')]).map((s) => s.events)).toEqual([[3, 4]]);
    const runs = compileRule(rule({ kind: 'sequence', by, steps: [{ ...step('fail'), runs: 3 }, step('login')] }));
    expect(runs.matchStream([ev(0, 'a', 'fail'), ev(1, 'a', 'fail'), ev(2, 'a', 'login'), ev(3, 'a', 'fail'), ev(4, 'a', 'login')]).map((s) => s.events)).toEqual([[0, 1, 3, 4]]);
  });

  it('sequences follow timestamps, not input order', () => {
    const m = compileRule(rule({ kind: 'sequence', by, steps: [step('login'), step('exec')] }));
    expect(m.matchStream([ev(5, 'a', 'exec'), ev(1, 'a', 'login')]).map((s) => s.events)).toEqual([[1, 0]]);
  });

  it('sample: one event per step for a key, any order', () => {
    const m = compileRule(rule({ kind: 'sample', by, steps: [step('exec'), step('login')] }));
    expect(m.matchStream([ev(0, 'a', 'login'), ev(9, 'b', 'exec'), ev(3, 'a', 'exec')]).map((s) => s.events)).toEqual([[2, 0]]);
  });

  it('aggregate: count and distinct count by a key, in tumbling windows', () => {
    const q: Query = {
      kind: 'aggregate',
      input: { kind: 'filter', filter: step('fail').filter },
      groupBy: by,
      conditions: [
        { fn: 'count', op: 'gte', value: 3 },
        { fn: 'dc', field: f('user.name'), op: 'gte', value: 2 },
      ],
      window: { ms: 60_000, text: '1m' },
    };
    const m = compileRule(rule(q));
    const u = (n: string) => ({ user: { name: n } });
    const events = [ev(0, 'a', 'fail', u('x')), ev(1, 'a', 'fail', u('y')), ev(2, 'a', 'fail', u('x')), ev(3, 'b', 'fail', u('x')), ev(4, 'b', 'fail', u('x')), ev(5, 'b', 'fail', u('x')), ev(70, 'a', 'fail', u('z'))];
    expect(m.matchStream(events).map((s) => [s.key?.[0], s.events, s.aggregates])).toEqual([['a', [0, 1, 2], { count: 3, 'dc(user.name)': 2 }]]);
  });

  it('Sigma correlation (event_count) over the matches of a referenced rule', () => {
    const base = rule(step('fail').filter, { id: 'base', vendor: 'sigma', metadata: { name: 'failed_login' } });
    const corr = rule(
      { kind: 'correlation', correlationType: 'event_count', rules: ['failed_login'], groupBy: ['host.name'], timespan: { ms: 10_000, text: '10s' }, condition: { fn: 'count', op: 'gte', value: 3 } },
      { id: 'corr', vendor: 'sigma', kind: 'correlation' },
    );
    const events = [ev(0, 'a', 'fail'), ev(2, 'a', 'fail'), ev(30, 'a', 'fail'), ev(31, 'a', 'fail'), ev(32, 'a', 'fail'), ev(33, 'b', 'fail')];
    const { matches } = createEngine([base, corr]).run(events);
    // The base rule only feeds the correlation (generate: false), as the specification says.
    expect(matches.map((m) => [m.ruleId, m.events])).toEqual([['corr', [2, 3, 4]]]);
  });
});

describe('event reader', () => {
  it('reads arrays, JSON lines and concatenated pretty-printed objects, reporting bad values and going on', () => {
    const text = '[{"a":1},{"a":2}]\n{"a":3}\n{\n  "a": "x}{\\"y"\n}\n{"a": bad}\n{"a":5}';
    const r = parseConcatenatedJson(text, 'e.json');
    expect(r.events).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }, { a: 'x}{"y' }, { a: 5 }]);
    expect(r.diagnostics.map((d) => [d.code, d.line])).toEqual([['events.json', 6]]);
  });
  it('stops after 100 invalid values in one file (binary input) with one summary diagnostic', () => {
    const r = parseConcatenatedJson('x '.repeat(1000), 'e.evtx');
    expect(r.events).toEqual([]);
    expect(r.diagnostics).toHaveLength(101);
    expect(r.diagnostics.at(-1)!.code).toBe('events.not-json');
  });
});
