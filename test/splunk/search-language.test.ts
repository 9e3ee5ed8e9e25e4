/**
 * Golden tests for the search language (base search, `search`, tstats WHERE):
 * Splunk precedence NOT > OR > AND with implicit AND, case rules, operators,
 * free text, source selection. Expectations are written from the Splunk
 * documentation (docs/semantics/splunk.md), not from the parser's output.
 */
import { describe, expect, it } from 'vitest';
import { f, q, run, sel } from './helpers.js';

describe('search precedence (OR binds tighter than AND)', () => {
  it('groups the docs example host AND status OR action as host AND (status OR action)', () => {
    expect(f('host="www1" AND status=200 OR action="addtocart"')).toBe('host eq "www1" and (status eq 200 or action eq "addtocart")');
  });
  it('groups implicit AND around an OR on both sides', () => {
    expect(f('a=1 b=2 OR c=3 d=4')).toBe('a eq 1 and (b eq 2 or c eq 3) and d eq 4');
  });
  it('cloudtrail style: source macro then eventName OR eventName', () => {
    expect(f('`cloudtrail` eventName=CreateKey OR eventName=PutKeyPolicy', { cloudtrail: 'sourcetype=aws:cloudtrail' })).toBe('eventName eq "CreateKey" or eventName eq "PutKeyPolicy"');
  });
  it('clop style: != term, then an OR pair, all ANDed', () => {
    expect(f('Processes.process_name != "*temp.dat*" Processes.process = "*runrun*" OR Processes.process = "*temp.dat*"')).toBe(
      'Processes.process_name exists and not Processes.process_name wildcard "*temp.dat*" and (Processes.process wildcard "*runrun*" or Processes.process wildcard "*temp.dat*")',
    );
  });
  it('predicate macro OR ... AND x in tstats WHERE groups the ORs first', () => {
    expect(f('| tstats count from datamodel=Endpoint.Processes where `process_net` OR Processes.process_name = "sc.exe" OR Processes.original_file_name= "sc.exe" AND Processes.process="*stop*" by Processes.dest')).toBe(
      '(Processes.process_name eq "net.exe" or Processes.original_file_name eq "net.exe" or Processes.process_name eq "sc.exe" or Processes.original_file_name eq "sc.exe") and Processes.process wildcard "*stop*"',
    );
  });
  it('NOT applies to the next term only, then OR', () => {
    expect(f('NOT a=1 OR b=2 c=3')).toBe('(not a eq 1 or b eq 2) and c eq 3');
  });
  it('parentheses override', () => {
    expect(f('a=1 (b=2 c=3) OR d=4')).toBe('a eq 1 and ((b eq 2 and c eq 3) or d eq 4)');
  });
  it('explicit AND is the same as the implicit one', () => {
    expect(f('a=1 AND b=2 OR c=3')).toBe(f('a=1 b=2 OR c=3'));
  });
  it('a lower-case or / and / not is a free-text term', () => {
    expect(f('x or y')).toBe('* match "x" and * match "or" and * match "y"');
    expect(f('a=1 not b=2')).toBe('a eq 1 and * match "not" and b eq 2');
  });
  it('the bare source macro (a OR b OR c) stays a unit before the next term', () => {
    const spl = '`sysmon` EventCode=1';
    expect(sel(spl)).toBe('sourcetype eq "XmlWinEventLog:Microsoft-Windows-Sysmon/Operational" or source eq "XmlWinEventLog:Microsoft-Windows-Sysmon/Operational"');
    expect(f(spl)).toBe('EventCode eq 1');
  });
});

describe('search operators', () => {
  it('f=v is a case-insensitive eq; a plain integer is a number', () => {
    const r = run('EventCode=4688 user=Bob');
    expect(r.query.kind).toBe('filter');
    const fl = (r.query as { filter: { children: Array<{ value: unknown; caseSensitive: boolean }> } }).filter;
    expect(fl.children.map((c) => [c.value, c.caseSensitive])).toEqual([
      [4688, false],
      ['Bob', false],
    ]);
  });
  it('spaces around = are allowed', () => {
    expect(f('event.SeverityName= LOW Image = "*\\calc.exe"')).toBe('event.SeverityName eq "LOW" and Image wildcard "*\\\\\\\\calc.exe"');
  });
  it('* makes a wildcard; leading, trailing, middle', () => {
    expect(f('a=*x b=y* c=*z* d=p*q')).toBe('a wildcard "*x" and b wildcard "y*" and c wildcard "*z*" and d wildcard "p*q"');
  });
  it('? is not a wildcard in search and is escaped in the canonical glob', () => {
    expect(f('a="what?*"')).toBe('a wildcard "what\\\\?*"');
  });
  it('f=* means the field exists; NOT f=* that it is absent', () => {
    expect(f('a=* NOT b=*')).toBe('a exists and not b exists');
  });
  it('f!=v requires the field to exist, NOT f=v does not', () => {
    expect(f('a!=1')).toBe('a exists and not a eq 1');
    expect(f('NOT a=1')).toBe('not a eq 1');
  });
  it('IN is an OR of equalities, with or without a space before the parenthesis, quoted and bare values', () => {
    expect(f('EventID IN(4723,4724) x IN ("a", *b*, "c d")')).toBe('(EventID eq 4723 or EventID eq 4724) and (x eq "a" or x wildcard "*b*" or x eq "c d")');
  });
  it('NOT(field IN(...)) is a top-level exclusion', () => {
    expect(f('EventCode=7 NOT(process_name IN("CMSTP.exe","CMMGR32.exe"))')).toBe('EventCode eq 7 and not (process_name eq "CMSTP.exe" or process_name eq "CMMGR32.exe")');
  });
  it('comparisons', () => {
    expect(f('a>5 b>=1.5 c<x d<=0')).toBe('a gt 5 and b gte 1.5 and c lt "x" and d lte 0');
  });
  it('CIDR values become cidr predicates', () => {
    expect(f('dest_ip!=10.0.0.0/8 src=fe80::/10')).toBe('dest_ip exists and not dest_ip cidr "10.0.0.0/8" and src cidr "fe80::/10"');
  });
  it('free text and phrases match the raw event', () => {
    expect(f('web "remote error" err*')).toBe('* match "web" and * match "remote error" and * match "err*"');
  });
  it('TERM() and CASE()', () => {
    const r = run('TERM(sudoedit) CASE(Segfault)');
    expect(f('TERM(sudoedit) CASE(Segfault)')).toBe('* match "sudoedit" and * match:cs "Segfault"');
    const fl = (r.query as { filter: { children: Array<{ vendorOp: string }> } }).filter;
    expect(fl.children.map((c) => c.vendorOp)).toEqual(['TERM', 'CASE']);
  });
  it('quoted field names and punctuation in field names', () => {
    expect(f('"{}.ResourceAppId"="0000" requestObject.metadata.annotations.kubectl.kubernetes.io/last-applied-configuration=*x* properties.authenticationDetails{}.succeeded=false')).toBe(
      '`{}.ResourceAppId` eq "0000" and `requestObject.metadata.annotations.kubectl.kubernetes.io/last-applied-configuration` wildcard "*x*" and `properties.authenticationDetails{}.succeeded` eq "false"',
    );
  });
  it('earliest/latest are time bounds, not predicates', () => {
    const r = run('index=main earliest=-24h@h latest=now user=x');
    expect(r.timeBounds).toEqual({ earliest: '-24h@h', latest: 'now' });
    expect(f('index=main earliest=-24h@h latest=now user=x')).toBe('user eq "x"');
  });
  it('index/source/sourcetype/eventtype go to the source selection, apart from the filter', () => {
    const spl = 'index=win sourcetype="XmlWinEventLog" (source=a OR eventtype=b) EventCode=4688';
    expect(sel(spl)).toBe('index eq "win" and sourcetype eq "XmlWinEventLog" and (source eq "a" or eventtype eq "b")');
    expect(f(spl)).toBe('EventCode eq 4688');
  });
  it('a source field mixed with a data field in one OR stays in the filter', () => {
    expect(f('(index=a OR user=b) x=1')).toBe('(index eq "a" or user eq "b") and x eq 1');
  });
  it('a subsearch is an opaque part of the filter', () => {
    expect(f('a=1 NOT [| inputlookup allow.csv | fields user]')).toBe('a eq 1 and not opaque("[| inputlookup allow.csv | fields user]", "subsearch (its results become a filter at run time)")');
  });
  it('$tokens$ are placeholders', () => {
    const r = run('src="$src$"');
    const p = (r.query as { filter: { placeholder?: string } }).filter;
    expect(p.placeholder).toBe('src');
  });
});

describe('aggregations in search syntax', () => {
  it('stats count by x | where count > 5 is an aggregate with a condition', () => {
    expect(q('EventCode=4625 | stats count by src | where count > 5')).toBe('aggregate count by src where count > 5\nfrom\n  EventCode eq 4625');
  });
  it('| search thresholds after stats also become conditions', () => {
    expect(q('a=1 | stats dc(user) as users by src | search users>=3')).toBe('aggregate dc(user) by src where dc(user) >= 3\nfrom\n  a eq 1');
  });
  it('a post-aggregation filter on a group-by field is pushed into the event filter', () => {
    expect(q('a=1 | stats count by user | where user!="svc" AND count>2')).toBe('aggregate count by user where count > 2\nfrom\n  a eq 1 and user exists and not user eq:cs "svc"');
  });
  it('post-aggregation logic that is not a condition stays opaque', () => {
    expect(q('a=1 | stats avg(x) as avg stdev(x) as sd by h | where x > avg + sd')).toBe(
      'aggregate avg(x), stdev(x) by h then opaque("x > avg + sd")\nfrom\n  a eq 1',
    );
  });
});
