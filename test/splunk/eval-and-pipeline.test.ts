/**
 * Golden tests for the eval language (`where`) and for pipeline semantics:
 * field meaning across commands, event vs post-aggregation predicates,
 * generating commands, subsearch hosts, every command class.
 */
import { describe, expect, it } from 'vitest';
import { parse } from '../../src/generated/spl.js';
import { printQuery } from '../../src/ast/print.js';
import { codes, f, q, run, sel } from './helpers.js';

describe('eval precedence and operators (where)', () => {
  it('AND binds tighter than OR in where', () => {
    expect(f('a=1 | where b=2 OR c=3 AND d=4')).toBe('a eq 1 and (b eq 2 or (c eq 3 and d eq 4))');
  });
  it('operators in any case (lower-case and/or/not in production where clauses)', () => {
    expect(f('a=1 | where b="x" and not c="y" or d>1')).toBe('a eq 1 and ((b eq:cs "x" and not c eq:cs "y") or d gt 1)');
  });
  it('== and = are case-sensitive equality; != requires the field', () => {
    expect(f('a=1 | where b=="X" c="Y" d!="Z"'.replace(' c=', ' AND c=').replace(' d!=', ' AND d!='))).toBe('a eq 1 and b eq:cs "X" and c eq:cs "Y" and d exists and not d eq:cs "Z"');
  });
  it('like() and LIKE, also with a space before the parenthesis', () => {
    expect(f('a=1 | where like(p, "%modprobe%") OR LIKE (p, "%insmod%") OR p LIKE "rm _f%"')).toBe('a eq 1 and (p wildcard:cs "*modprobe*" or p wildcard:cs "*insmod*" or p wildcard:cs "rm ?f*")');
  });
  it('match() is an unanchored PCRE search; (?i) becomes the i flag', () => {
    expect(f('a=1 | where match(ScriptBlockText, "(?i)frombase64string") AND NOT match(x, "^a$")')).toBe(
      'a eq 1 and ScriptBlockText regex_match:i "frombase64string" and not x regex_match "^a$"',
    );
  });
  it('in() and IN with literals, and NOT x IN (field) compares fields', () => {
    expect(f('a=1 | where in(u, "a", "b") AND v IN ("c") AND NOT new_ace IN (old_values)')).toBe('a eq 1 and (u eq:cs "a" or u eq:cs "b") and v eq:cs "c" and not new_ace eq @old_values');
  });
  it('isnull / isnotnull', () => {
    expect(f('a=1 | where isnull(x) AND isnotnull(y)')).toBe('a eq 1 and not x exists and y exists');
  });
  it("'quoted field names' and field-to-field comparison", () => {
    expect(f("a=1 | where 'ModifiedProperties{}.NewValue'=\"x\" AND ImageFolderPath = ImageLoadedFolderPath")).toBe(
      'a eq 1 and `ModifiedProperties{}.NewValue` eq:cs "x" and ImageFolderPath eq @ImageLoadedFolderPath',
    );
  });
  it('lower(f)=="x" is a case-insensitive comparison on f', () => {
    expect(f('a=1 | where lower(user)=="admin"')).toBe('a eq 1 and user eq "admin"');
  });
  it('arithmetic, other functions and XOR are opaque, never dropped', () => {
    expect(f('a=1 | where len(cmd) > 200 OR (x XOR y)')).toBe('a eq 1 and (opaque("len(cmd) > 200", "eval comparison that is not field-versus-literal") or opaque("x XOR y", "XOR"))');
  });
  it('multiplication is arithmetic, not part of a field name', () => {
    expect(f('a=1 | where x*2 > 5')).toBe('a eq 1 and opaque("x*2 > 5", "eval comparison that is not field-versus-literal")');
  });
  it('concatenation with . and no spaces parses', () => {
    expect(run('a=1 | eval s=finding_name.", ".desc | where like(j, "%".m."%")').diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
});

describe('field meaning along the pipeline', () => {
  const TSTATS = '| tstats `security_content_summariesonly` count min(_time) as firstTime from datamodel=Endpoint.Processes where Processes.process_name=cmd.exe by Processes.dest Processes.process_name Processes.process';
  it('drop_dm_object_name(X): later bare fields mean X.field; group-key filters are pushed down', () => {
    expect(q(`${TSTATS} | \`drop_dm_object_name(Processes)\` | where match(process, "(?i)whoami") | \`security_content_ctime(firstTime)\``)).toBe(
      'aggregate count, min(_time) by Processes.dest, Processes.process_name, Processes.process\nfrom\n  Processes.process_name eq "cmd.exe" and Processes.process regex_match:i "whoami"',
    );
  });
  it('drop_dm_object_name with a quoted argument is the same', () => {
    expect(q(`${TSTATS} | \`drop_dm_object_name("Processes")\` | search process="*x*"`)).toBe(q(`${TSTATS} | \`drop_dm_object_name(Processes)\` | search process="*x*"`));
  });
  it('rename: the new name refers to the original field', () => {
    expect(f('a=1 | rename Image as process_path, User AS user | search process_path="*\\\\x.exe"')).toBe('a eq 1 and Image wildcard "*\\\\\\\\x.exe"');
  });
  it('eval and rex outputs are computed fields', () => {
    const r = run('a=1 | eval l=lower(cmd) | rex field=cmd "(?<exe>[^\\\\\\\\]+)$" | search l=*x* exe=y');
    const preds = JSON.stringify(r.query);
    expect(preds).toContain('{"name":"l","computed":true}');
    expect(preds).toContain('{"name":"exe","computed":true}');
  });
  it('a filter on a lookup output is opaque', () => {
    expect(f('a=1 | lookup allowlist user OUTPUT approved | where isnull(approved)')).toBe('a eq 1 and opaque("isnull(approved)", "filter on a lookup output field")');
  });
  it('regex command: field=, field!=, and _raw by default', () => {
    expect(f('a=1 | regex process="(?i)\\\\\\\\temp\\\\\\\\" | regex _raw!="ok" | regex "^x"')).toBe(
      'a eq 1 and process regex_match:i "\\\\\\\\temp\\\\\\\\" and not _raw regex_match "ok" and _raw regex_match "^x"',
    );
  });
  it('search after eval/rex but before stats is an event predicate', () => {
    expect(q('a=1 | eval x=1 | search b=2 | stats count by c')).toBe('aggregate count by c\nfrom\n  a eq 1 and b eq 2');
  });
});

describe('query shapes', () => {
  it('no aggregation: a filter', () => {
    expect(run('a=1 | table a b | fields - c | dedup a | sort - a').query.kind).toBe('filter');
  });
  it('a second aggregation is kept as opaque post logic', () => {
    expect(q('a=1 | stats count by u h | stats dc(h) as hosts by u | where hosts > 3')).toBe(
      'aggregate count by u, h then opaque("stats dc(h) as hosts by u"), opaque("hosts > 3")\nfrom\n  a eq 1',
    );
  });
  it('bin/tstats span gives the aggregation window', () => {
    expect(run('| tstats count from datamodel=Web by _time span=10m Web.src').query).toMatchObject({ kind: 'aggregate', window: { ms: 600000, text: 'span=10m' } });
  });
  it('tstats: datamodel in the selection, nodename too', () => {
    expect(sel('| tstats count from datamodel=Authentication where nodename=Authentication.Failed_Authentication Authentication.user=x by Authentication.src')).toBe(
      'datamodel eq "Authentication" and nodename eq "Authentication.Failed_Authentication"',
    );
  });
  it('| from datamodel X.Y', () => {
    const r = run('| from datamodel Web.Web | search status=200 | stats count by src');
    expect(r.datamodel).toBe('Web.Web');
    expect(q('| from datamodel Web.Web | search status=200 | stats count by src')).toBe('aggregate count by src\nfrom\n  status eq 200');
  });
  it('generating commands that are not events: query none', () => {
    expect(run('| inputlookup users.csv | where x=1').query).toEqual({ kind: 'none', reason: 'results come from the generating command `inputlookup`, not from events' });
    expect(run('| makeresults | eval a=1').query.kind).toBe('none');
  });
  it('risk correlation: tstats over Risk.All_Risk is a correlation of analytic stories', () => {
    expect(
      run('| tstats sum(All_Risk.calculated_risk_score) as risk_score dc(source) as source_count from datamodel=Risk.All_Risk where All_Risk.analyticstories IN ("Story A","Story B") All_Risk.risk_object_type="system" by All_Risk.risk_object | `drop_dm_object_name(All_Risk)` | where source_count >= 4').query,
    ).toEqual({
      kind: 'correlation',
      correlationType: 'value_count',
      rules: ['Story A', 'Story B'],
      groupBy: ['All_Risk.risk_object'],
      condition: { fn: 'dc', field: { name: 'source' }, op: 'gte', value: 4, text: 'source_count >= 4' },
    });
  });
  it('join in the event phase is an opaque filter part; append is kept as unmodelled text', () => {
    const r = run('a=1 | join type=inner u [search b=2 | fields u] | append [| makeresults]');
    expect(f('a=1 | join type=inner u [search b=2 | fields u] | append [| makeresults]')).toBe('a eq 1 and opaque("join type=inner u [search b=2 | fields u]", "join with a subsearch (inner join keeps only matching events)")');
    expect(r.unmodelled).toEqual(['append [| makeresults]']);
  });
  it('every listed command parses structurally', () => {
    const spl = [
      'a=1',
      'eval x=if(a>1, "y", "z"), y=case(a==1, "one", true(), "other")',
      'rex field=cmd max_match=0 "(?<w>\\\\w+)"',
      'rex field=cmd mode=sed "s/a/b/g"',
      'regex cmd="[a-z]+"',
      'lookup local=true t f AS g OUTPUTNEW h AS i, j',
      'rename a AS b, c.* AS *',
      'table a b c',
      'fields - d',
      'spath input=x output=y path=a.b{}',
      'mvexpand y',
      'dedup a b sortby -c',
      'bin _time span=5m',
      'bucket _time span=1h',
      'fillnull value=0 a b',
      'transaction a maxspan=30s',
      'iplocation src',
      'eventstats count as total by a',
      'streamstats window=5 count by a',
      'stats count(eval(a>1)) as big values(b) as bs by c, d',
      'foreach *_count [eval <<FIELD>>=<<FIELD>>+1]',
      'appendpipe [stats count | where count=0]',
      'apply model_x',
      'map maxsearches=5 search="search u=\\"$u$\\" | stats count"',
      'xmlkv _raw',
      'makemv delim="," x',
      'sort 10 - count',
      'convert ctime(t)',
      'head 5',
    ].join(' | ');
    const r = run(spl);
    expect(codes(r.diagnostics).filter((c) => !c.startsWith('info'))).toEqual([]);
    expect(r.commands).toEqual(['search', 'eval', 'rex', 'rex', 'regex', 'lookup', 'rename', 'table', 'fields', 'spath', 'mvexpand', 'dedup', 'bin', 'bucket', 'fillnull', 'transaction', 'iplocation', 'eventstats', 'streamstats', 'stats', 'foreach', 'appendpipe', 'apply', 'map', 'xmlkv', 'makemv', 'sort', 'convert', 'head']);
  });
  it('mstats WHERE is search syntax; its time bounds are not predicates', () => {
    const r = run('| mstats avg(cpu) as cpu where index=metrics AND host=web* AND earliest=-1h by host span=10s | where cpu > 90');
    expect(r.timeBounds).toEqual({ earliest: '-1h' });
    expect(printQuery(r.query, { fieldNames: 'written', width: 1000 })).toBe('aggregate avg(cpu) by host window=span=10s where avg(cpu) > 90\nfrom\n  host wildcard "web*"');
    expect(sel('| mstats avg(cpu) as cpu where index=metrics AND host=web* by host')).toBe('index eq "metrics"');
  });
  it('rest and a later inputlookup', () => {
    expect(run('| rest /services/server/info | table version').query.kind).toBe('none');
    const r = run('a=1 | stats count by u | inputlookup append=t known.csv | stats sum(count) by u');
    expect(r.unmodelled).toEqual(['inputlookup append=t known.csv']);
    expect(codes(r.diagnostics)).toEqual([]);
  });
  it('CASE( in eval is the case() function, in search the case-sensitivity directive', () => {
    expect(codes(run('a=1 | eval action=CASE(match(r, "Halt"), "blocked", true(), "allowed") | where action="blocked"').diagnostics)).toEqual([]);
    expect(f('CASE(Halt)')).toBe('* match:cs "Halt"');
  });
  it('appendpipe after an aggregation is kept as post logic', () => {
    expect(q('a=1 | stats count by u | appendpipe [stats count | where count=0]')).toBe('aggregate count by u then opaque("appendpipe [stats count | where count=0]")\nfrom\n  a eq 1');
  });
  it('an unknown command is kept generically (info), never an error', () => {
    const r = run('a=1 | frobnicate x=1 "y" [search z] | where b=2');
    expect(codes(r.diagnostics)).toEqual(['info spl.command.unknown']);
    expect(f('a=1 | frobnicate x=1 "y" [search z] | where b=2')).toBe('a eq 1 and b eq 2');
  });
  it('commands named like Object.prototype members are unknown commands too (they once failed the rule)', () => {
    const r = run('a=1 | constructor x | toString y | where b=2');
    expect(codes(r.diagnostics)).toEqual(['info spl.command.unknown', 'info spl.command.unknown']);
    expect(f('a=1 | constructor x | toString y | where b=2')).toBe('a eq 1 and b eq 2');
  });
  it('a syntax error in one command is reported with its position and expectation; the rest still counts', () => {
    const r = run('a=1 | where b=="x" AND | search c=2');
    expect(codes(r.diagnostics)).toEqual(['error spl.syntax']);
    expect(r.diagnostics[0]!.expected?.length).toBeGreaterThan(0);
    expect(f('a=1 | where b=="x" AND | search c=2')).toBe('a eq 1 and opaque("where b==\\"x\\" AND", "unparsed where command") and c eq 2');
  });
});

describe('pipeline splitting', () => {
  it('splits on | outside quotes, brackets, backticks and comments, and keeps \\| escaped', () => {
    const r = run('a="x|y" ```comment | not a command``` b=z\\|w [search c=1 | fields d] | stats count');
    expect(r.commands).toEqual(['search', 'stats']);
    expect(codes(r.diagnostics)).toEqual([]);
  });
  it('a regex with [ ] " and | inside quotes does not open a subsearch', () => {
    const r = run(String.raw`a=1 | rex field=_raw "^(?<ip>\S+)\s+\[(?<t>[^\]]*)\]\s\"(?<req>[^\"]*)\"|x" | stats count by ip`);
    expect(codes(r.diagnostics)).toEqual([]);
    expect(r.commands).toEqual(['search', 'rex', 'stats']);
  });
  it('nested subsearches', () => {
    const r = run('a=1 [search b=2 [search c=3 | fields c] | fields b]');
    expect(codes(r.diagnostics)).toEqual([]);
  });
  it('multi-line searches: newlines are whitespace', () => {
    expect(f('a=1\n  b=2\n| where\n c=3')).toBe('a eq 1 and b eq 2 and c eq:cs 3'.replace('eq:cs 3', 'eq 3'));
  });
  it('the Pipeline and PipelineRaw start rules split the same way', () => {
    const text = '| tstats count where a=1 by b | eval c="|" | search d=[search e | fields e] | where f="`"';
    const a = parse(text, { startRule: 'Pipeline' }) as { commands: Array<{ s: number; e: number }> };
    const b = parse(text, { startRule: 'PipelineRaw' }) as { commands: Array<{ s: number; e: number }> };
    expect(a.commands.map((c) => text.slice(c.s, c.e).trim())).toEqual(b.commands.map((c) => text.slice(c.s, c.e).trim()));
  });
});

describe('large inputs', () => {
  it('hostile nesting is refused with a diagnostic, not a crash', () => {
    const r = run('('.repeat(5000) + 'a=1' + ')'.repeat(5000) + ' | where ' + '('.repeat(300) + 'b=1' + ')'.repeat(300));
    expect(codes(r.diagnostics)).toEqual(['error spl.depth-limit']);
    expect(r.query.kind).toBe('filter');
    const ok = run('('.repeat(200) + 'a=1' + ')'.repeat(200));
    expect(codes(ok.diagnostics)).toEqual([]);
    expect(f('('.repeat(200) + 'a=1' + ')'.repeat(200))).toBe('a eq 1');
  });
  const values = (n: number) => Array.from({ length: n }, (_, i) => `"v${i}.exe"`).join(', ');
  it('a 2,609-value IN list parses (repetition, not recursion)', () => {
    const r = run(`x IN (${values(2609)})`);
    expect(codes(r.diagnostics)).toEqual([]);
    expect((r.query as { filter: { children: unknown[] } }).filter.children).toHaveLength(2609);
  });
  it('and one ten times longer', () => {
    const r = run(`| tstats count where x IN (${values(26090)}) by y`);
    expect(codes(r.diagnostics)).toEqual([]);
  });
  it('a long chain of ANDed and ORed terms', () => {
    const terms = Array.from({ length: 20000 }, (_, i) => `f${i}=${i}`).join(' OR ');
    expect(codes(run(terms).diagnostics)).toEqual([]);
  });
});
