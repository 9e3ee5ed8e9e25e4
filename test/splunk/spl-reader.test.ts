/**
 * readSplPipeline (src/vendors/splunk/reader.ts) against the generated SPL
 * parser (grammars/spl.peggy, start rule `Pipeline`): on every input the same
 * outcome, the same tree as JSON text (key order, offsets and texts included)
 * when it parses, null when the grammar reports a syntax error. The searches
 * the Splunk corpus's load parses, hand-picked corner cases and random
 * searches.
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { parse } from '../../src/generated/spl.js';
import { loadCorpus } from '../../src/loader/load.js';
import { readSplPipeline } from '../../src/vendors/splunk/reader.js';
import { corpus, describeCorpus } from '../helpers/corpora.js';
import { agreement, assertAgreesOnMutations } from '../helpers/reader-harness.js';

// Every text the load parses as a whole search (after macro expansion; subsearches and `map` searches too).
const seen = vi.hoisted(() => [] as string[]);
vi.mock('../../src/vendors/splunk/parse.js', async (importOriginal) => {
  const mod = await importOriginal<typeof import('../../src/vendors/splunk/parse.js')>();
  return {
    ...mod,
    parseSpl: (text: string, options: Record<string, unknown>) => {
      if (options.startRule === 'Pipeline') seen.push(text);
      return mod.parseSpl(text, options);
    },
  };
});

const spl = agreement(readSplPipeline, (text) => parse(text, { startRule: 'Pipeline' }));
const { generated, same, check } = spl;

const EXAMPLES = [
  '| tstats `security_content_summariesonly` count min(_time) as firstTime max(_time) as lastTime from datamodel=Endpoint.Processes where Processes.process_name=cmd.exe by Processes.dest Processes.user | `drop_dm_object_name(Processes)`',
  'index=main sourcetype="WinEventLog:Security" EventCode=4688 NOT (user=SYSTEM OR user="LOCAL SERVICE") | stats count by host',
  'search a=1 b!=2 c<3 d<=4 e>5 f>=6 g==7 | where x > 1 AND y like "a%" OR NOT z IN ("a", "b")',
  '`sysmon` EventCode=1 process_name IN ("a.exe", "b.exe",) | eval x=if(a==1, "y", "z"), \'q w\'=lower(b) | rename a as b, c AS d',
  '| from datamodel:Web.Web | search status=200 | table a b c',
  '| from datamodel Endpoint.Processes | fields a',
  '| mstats avg(_value) prestats=t WHERE metric_name="cpu" groupby host span=1m',
  '| tstats count where index=* by index sourcetype | where count > 0',
  '| tstats count from datamodel=X where (a=1 by b) by c',
  '| tstats count where x=1 BY y, z span=1h',
  '| tstats count where nodename=X.Y by groupby',
  '| tstats prestats=true `macro` count',
  '| inputlookup x.csv | lookup local=true update=t mylookup field1 AS f1, field2 OUTPUT out1 AS o1 out2',
  '| lookup t f OUTPUTNEW g',
  '| lookup t f output',
  '| lookup t f OUTPUTX',
  '| regex _raw="(?i)abc\\d+"',
  '| regex field!="x"',
  '| regex ^abc\\ def',
  '| rex field=_raw "(?<user>\\w+)" max_match=0 mode=sed',
  '| rex "unterminated',
  '| stats count(eval(a="b")) as c, dc(user) AS users values("x y") by host, "src ip" \'dest\'',
  '| stats count by',
  '| stats',
  '| eventstats max(x) as m by y | streamstats count | sistats count',
  '| stats count(x y',
  '| stats latest(_time) as t by a b span=1d',
  '| eval a=1+2*3-4/5%6, b=-x, c=+y, d="s"."t", e=a.b, f=\'quoted\\\'field\', g=$tok$, h=<<FIELD>>',
  '| eval a=0x1F + 1.5e3 + .5 + 1. + 2e',
  '| eval a=0xg',
  '| eval a=1e+5, b=1E-2, c=12abc',
  '| eval a=x XOR y xor z AND NOT w or v',
  '| eval a=x NOT IN (1,2), b=y not like "z%", c=z in(), d=w like "a"',
  '| eval a==1',
  '| eval =1',
  '| eval a=1,',
  '| eval a=case(x=1, "a", true(), "b") | where isnotnull(x) AND len(y) > 0',
  '| eval "dq name"=1, \'sq name\'=2',
  '| where',
  '| where (a=1',
  '| where a=1)',
  '| where and=1',
  '| where android=1 AND notes="x" AND orange=1 AND xorx=2 AND liked=1 AND index=2',
  '| where x.y.z=1 AND a.=1 AND b..c=1 AND @x{y}:z.w=1',
  '| search TERM(abc) CASE("Abc") TERM(a\\(b)',
  '| search TERM ( x )',
  '| search a=[search b=1 | fields c] d=`m(1)` e IN (`n`, "o") f=',
  '| search "just a term" plain NOT AND',
  '| search (a OR b) (c d) ()',
  '| search a="unterminated',
  '| search a="esc\\"aped" b=c\\ d e\\=f',
  '| search NOT NOT a',
  '| search NOT',
  '| search a AND',
  '| search a OR',
  '| search x IN (a b)',
  '| search x IN ()',
  '| search "field name"=1 "q\\"f"=2',
  'search a | search b',
  'search',
  'SEARCH x=1',
  'x=1 y=2 | head 10',
  '(a OR b) c | table a',
  '"quoted start" | table a',
  '[subsearch at start] x | table a',
  ']stray bracket',
  'a ] b',
  '| table a, b, "c d" | fields - e | sort - f | dedup g | head 5',
  '| makeresults count=1 | eval x="a|b" | rex field=x "(?<y>[^|]+)"',
  '| map search="search index=x user=$user$" maxsearches=10',
  '| foreach * [eval <<FIELD>>=1]',
  '| append [| inputlookup x] | appendpipe [stats count]',
  '| bin _time span=1h | timechart count by host',
  '| convert ctime(firstTime) | fillnull value=NULL | fillnull value="" a',
  '| spath input=x path=a.b{}.c output=d',
  '| eval a=(b) | eval c=(d',
  '| eval a=f(,)',
  '| eval a=f(b,)',
  '| eval a=mvindex(split(x, ","), 0)',
  '| eval a=`m`',
  '| eval a=$',
  '| eval a=$b',
  '| stats count as',
  '| stats count as x y',
  '| stats count AS "quoted alias"',
  '| stats values(a) as a by b c=d',
  '| stats count by a, b, span=1h',
  '| stats x=y count',
  '| stats eval(x)',
  '| stats count(eval(x)) as',
  '| cmd a=`m` b="c" d=(e f) g=h\\,i j=(k(l)m) n=',
  '| cmd a=b(c) d',
  '| cmd \'single\' "double" `back` (paren) [bracket] , = word\\ escaped',
  '| cmd (unclosed',
  '| cmd [unclosed',
  '| cmd `unclosed',
  '| cmd "unclosed',
  '| cmd \'unclosed',
  '| cmd \\',
  '| cmd a\\',
  '| cmd (a "b)" [c] `d`)',
  '| cmd [a "b]" [c] `d`]',
  '| cmd [a (b ] c) d] e',
  '| cmd [(b ] c) d] e',
  '| search x=[search (a ] b)] | cmd (c [d) e]',
  '| 1cmd x',
  '|',
  '||',
  '| | x',
  '',
  '   ',
  ' | tstats count',
  'a |',
  'a | b |',
  '| from',
  '| from sid=1 | rename a',
  '| rename a as',
  '| rename a as b c as d,',
  '| rename "a b" AS \'c d\'',
  '| rex',
  '| rex a=b "c" d=e',
  '| regex',
  '| regex "x" y',
  '| lookup',
  '| lookup a=b',
  '| lookup a=b t',
  '| lookup t a as',
  '| lookup t a, b as c OUTPUT d, e as f',
  '| tstats count from datamodel = Foo.Bar where a=1',
  '| tstats count from inputlookup:x where a=1',
  '| tstats count from datamodel',
  '| tstats count from',
  '| tstats count where',
  '| tstats count by',
  '| tstats count where a=1 groupby b',
  '| tstats `m` `n` count where a=1',
  '| tstats summariesonly=t allow_old_summaries=true count from datamodel=X.Y where X.a="1" X.b!=2 by X.c X.d span=1s | `ctime(t)`',
  '| search a=1 by b',
  '| tstats count where a=1 | search a by b',
  '| tstats count where a=1 by b | where c=1 | search d by e',
  '| where x="a\\"b" AND y=\'c\'',
  '| eval x=y.z.1',
  '| eval x=1.2.3',
  '| eval x=a..b',
  '| eval x = - - 1',
  '| eval x = + "a"',
  '| eval x=f ( y )',
  '| eval x=not y',
  '| eval x=y not in (1)',
  '| eval x=y notin (1)',
  '| eval x=y NOT LIKE z',
  '| eval x=y likez',
  '| eval x=y IN(1) IN(2)',
  '| eval x=y < z > w',
  '| where x!==1',
  '| where x=!1',
  '| where x<>1',
  'a\tb\r\nc\n| stats count',
  '| search a=b\n| stats count\n',
  '| search café=thé | eval 名=1',
  '| search a="b\\',
  '| search a\\',
  '| search \\a',
  '| search a=\\',
  '| search a IN ("b"',
  '| search a IN (b,',
  '| search a IN (b,,c)',
  '| search a IN (`m` "q" r),',
  '| search a IN("x")b',
  '| search a=(b)',
  '| search (a=b)c',
  '| search a=b(c)',
  '| search TERM(',
  '| search CASE(a) CASEX(b) TERMS',
];

describe('the SPL reader', () => {
  it('gives the generated parser’s tree, or null for its errors, on hand-picked searches', () => {
    let parsed = 0;
    for (const t of EXAMPLES) {
      check(t);
      if (generated(t) !== null) parsed++;
    }
    // The cases reach both outcomes (a reader that always returned null would not pass them).
    expect(parsed).toBeGreaterThan(EXAMPLES.length * 0.8);
    expect(parsed).toBeLessThan(EXAMPLES.length);
  });

  it('agrees on the cases with a character inserted, removed or replaced', () => {
    assertAgreesOnMutations(spl, EXAMPLES, [' ', '|', '"', "'", '`', '(', ')', '[', ']', ',', '=', '!', '<', '>', '\\', '.', '-', '+', '*', '$', 'a', 'x', '1', 'N', 'O', 'T', 'b', 'y', 'I', '\n', 'é'], 20261129);
  });

  it('agrees on random token sequences', () => {
    const tokens = [
      ' ', '  ', '\n', '|', '| ', 'search ', 'where ', 'eval ', 'stats ', 'tstats ', 'mstats ', 'rename ', 'regex ', 'rex ', 'lookup ', 'from ', 'table ', 'streamstats ',
      'a', 'b', 'x.y', 'Processes.dest', '=', '==', '!=', '<', '>=', ',', '(', ')', '[', ']', '"', '"q"', "'", "'f'", '`', '`m`', '\\', '\\"',
      'AND ', 'OR ', 'NOT ', 'and ', 'or ', 'not ', 'xor ', 'IN ', 'in ', 'like ', 'LIKE ', 'by ', 'BY ', 'groupby ', 'as ', 'AS ', 'OUTPUT ', 'OUTPUTNEW ',
      'from ', 'where ', 'datamodel=', 'datamodel:', 'inputlookup ', 'count', 'count(', 'eval(', 'TERM(', 'CASE(', '1', '0x1f', '1.5', '.5', '1e3', '$t$', '<<F>>', '+', '-', '.', '*', '/', '%', 'span=1h', 'x=`m`',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...tokens), { maxLength: 24 }), (ts) => same(ts.join(''))),
      { numRuns: 60_000, seed: 1129 },
    );
  });

  it('agrees on random well-formed searches', () => {
    const field = fc.constantFrom('a', 'b.c', 'Processes.process_name', '"f g"', 'x_y');
    const value = fc.constantFrom('1', 'v*', '"q v"', '`m`', '"a\\"b"', 'c\\ d', '');
    const cmp = fc.tuple(field, fc.constantFrom('=', '!=', '<', '>=', '=='), value).map(([f, o, v]) => `${f}${o}${v}`);
    const inList = fc.tuple(field, fc.array(value, { minLength: 1, maxLength: 3 })).map(([f, vs]) => `${f} IN (${vs.join(', ')})`);
    const { search } = fc.letrec((tie) => ({
      search: fc.oneof({ depthSize: 'small', withCrossShrink: true }, cmp, inList, value, tie('not'), tie('group'), tie('bin')) as fc.Arbitrary<string>,
      not: tie('search').map((s) => `NOT ${s}`),
      group: tie('search').map((s) => `(${s})`),
      bin: fc.tuple(tie('search'), fc.constantFrom(' ', ' AND ', ' OR ', ' by '), tie('search')).map(([a, o, b]) => `${a}${o}${b}`),
    }));
    const { expr } = fc.letrec((tie) => ({
      expr: fc.oneof({ depthSize: 'small', withCrossShrink: true }, fc.constantFrom('x', 'a.b', '1', '0x2', '"s"', "'f'", '$t$', 'true()', '<<F>>'), tie('call'), tie('op'), tie('neg'), tie('group')) as fc.Arbitrary<string>,
      call: fc.tuple(fc.constantFrom('if', 'lower', 'match', 'case'), fc.array(tie('expr'), { maxLength: 3 })).map(([n, as]) => `${n}(${as.join(', ')})`),
      op: fc.tuple(tie('expr'), fc.constantFrom(' + ', '-', ' . ', '*', ' AND ', ' or ', ' XOR ', '=', ' != ', ' like ', ' NOT LIKE ', '<'), tie('expr')).map(([a, o, b]) => `${a}${o}${b}`),
      neg: tie('expr').map((e) => `NOT ${e}`),
      group: tie('expr').map((e) => `(${e})`),
    }));
    const command = fc.oneof(
      search.map((s) => `search ${s}`),
      expr.map((e) => `where ${e}`),
      fc.array(fc.tuple(fc.constantFrom('x', "'y z'", 'a.b'), expr), { minLength: 1, maxLength: 3 }).map((as) => `eval ${as.map(([t, e]) => `${t}=${e}`).join(', ')}`),
      fc.tuple(fc.constantFrom('stats', 'eventstats', 'tstats'), fc.constantFrom('count', 'count(x) as c', 'dc(u) AS n, values(v)', 'count(eval(x=1))', 'summariesonly=t count'), fc.option(fc.constantFrom('from datamodel=E.P', 'from datamodel:E.P')), fc.option(search), fc.option(fc.constantFrom('by a', 'by a b', 'BY a, b span=1h'))).map(([c, a, f, w, b]) => `${c} ${a}${f ? ` ${f}` : ''}${w && c === 'tstats' ? ` where ${w}` : ''}${b ? ` ${b}` : ''}`),
      fc.constantFrom('rename a as b', 'rex field=x "(?<y>.)"', 'regex x!="y"', 'lookup t a OUTPUT b', 'table a b', 'fields - x', '`macro(1)`', 'from datamodel:X'),
    );
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 4 }), fc.boolean(), (cs, lead) => same(`${lead ? '| ' : ''}${cs.join(' | ')}`)),
      { numRuns: 20_000, seed: 291126 },
    );
  });
});

describeCorpus('the SPL reader on the Splunk corpus', () => {
  it('reads every search the load parses, with the generated parser’s tree', async () => {
    seen.length = 0;
    await loadCorpus([corpus('splunk')], { workers: 0 });
    const texts = [...new Set(seen)];
    expect(texts.length).toBeGreaterThan(1500);
    const unread = texts.filter((t) => readSplPipeline(t) === null);
    expect(unread).toEqual([]);
    for (const t of texts) check(t);
  }, 120_000);
});
