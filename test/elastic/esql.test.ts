import { describe, expect, it } from 'vitest';
import type { Node, Query } from '../../src/ast/schema.js';
import { predicates } from '../../src/ast/walk.js';
import { likeToGlob, patternFields } from '../../src/vendors/elastic/esql/index.js';
import { esql } from './helpers.js';

function filterOf(q: Query | null): Node {
  if (!q) throw new Error('no query');
  if (q.kind === 'filter') return q.filter;
  if (q.kind === 'aggregate' && q.input.kind === 'filter') return q.input.filter;
  throw new Error('unexpected ' + q.kind);
}

describe('ES|QL WHERE predicates', () => {
  it('==, !=, comparisons, IN, NOT IN, IS [NOT] NULL', () => {
    expect(esql('FROM logs-* | WHERE a == "x" and b != "y" and c > 5 and 10 >= d and e IN ("p", "q") and f NOT IN (1, 2) and g IS NULL and h IS NOT NULL').printed).toMatchInlineSnapshot(`
      "(
        a eq:cs "x"
        and
        not b eq:cs "y"
        and
        c gt 5
        and
        d lte 10
        and
        (e eq:cs "p" or e eq:cs "q")
        and
        not (f eq 1 or f eq 2)
        and
        not g exists
        and
        h exists
      )"
    `);
  });
  it('LIKE and RLIKE, single and list forms, NOT LIKE', () => {
    expect(esql('from i | where a like "*.exe" and b rlike "[a-z]+\\\\.dll" and c like ("x*", "y?") and d not like "*z*" and e like "plain"').printed).toMatchInlineSnapshot(`
      "(
        a wildcard:cs "*.exe"
        and
        b regex_match:anchored "[a-z]+\\\\.dll"
        and
        (c wildcard:cs "x*" or c wildcard:cs "y?")
        and
        not d wildcard:cs "*z*"
        and
        e eq:cs "plain"
      )"
    `);
  });
  it('to_lower/to_upper make the predicate case-insensitive on the field', () => {
    const r = esql('FROM i | WHERE TO_LOWER(process.name) == "cmd.exe" AND to_upper(user.name) LIKE "ADMIN*" AND to_lower(x) IN ("a", "b")');
    expect(r.printed).toMatchInlineSnapshot(`"process.name eq "cmd.exe" and user.name wildcard "ADMIN*" and (x eq "a" or x eq "b")"`);
    expect(predicates(filterOf(r.query)).every((u) => !u.predicate.caseSensitive)).toBe(true);
  });
  it('starts_with, ends_with, cidr_match, match, the match operator', () => {
    expect(esql('from i | where starts_with(process.name, "py") and ends_with(to_lower(file.name), ".ps1") and cidr_match(source.ip, "10.0.0.0/8", "fe80::/10") and match(message, "failed login") and user.name : "bob"').printed).toMatchInlineSnapshot(`
      "(
        process.name wildcard:cs "py*"
        and
        file.name wildcard "*.ps1"
        and
        (source.ip cidr "10.0.0.0/8" or source.ip cidr "fe80::/10")
        and
        message match "failed login"
        and
        user.name match "bob"
      )"
    `);
  });
  it('KQL("...") is parsed with the KQL grammar, raw and escaped strings alike', () => {
    expect(esql('FROM i | WHERE KQL("""event.action:executed and process.name:curl""") and host.os.type == "linux"').printed).toMatchInlineSnapshot(`"event.action eq:cs "executed" and process.name eq:cs "curl" and host.os.type eq:cs "linux""`);
    expect(esql('FROM i | WHERE kql("process.name:\\"a b\\"")').printed).toBe('process.name eq:cs "a b"');
  });
  it('keywords and function names are case-insensitive; comments are whitespace', () => {
    const a = esql('from i | where a == "x" and not b == "y"').printed;
    expect(esql('FROM i /* c */ | WHERE a == "x" // end\n  AND NOT b == "y"').printed).toBe(a);
    expect(esql('From i | Where a == "x" And Not b == "y"').printed).toBe(a);
  });
  it('what is not a predicate becomes opaque with a reason', () => {
    expect(esql('from i | where @timestamp > now() - 7 day and length(process.name) > 10 and a + 1 == 2').printed).toMatchInlineSnapshot(`
      "(
        opaque("@timestamp > now() - 7 day", "time window relative to now()")
        and
        opaque("length(process.name) > 10", "comparison on a computed expression")
        and
        opaque("a + 1 == 2", "comparison on a computed expression")
      )"
    `);
  });
  it('a field compared with a field is a ref predicate', () => {
    expect(esql('from i | where source.ip == destination.ip').printed).toBe('source.ip eq @destination.ip');
  });
});

describe('ES|QL LIKE escaping (research §5 Windows path table)', () => {
  it('raw """C:\\\\Windows\\\\*""" and "C:\\\\\\\\Windows\\\\\\\\*" mean the same pattern', () => {
    const raw = esql('from i | where process.executable like """C:\\\\Windows\\\\*"""');
    const esc = esql('from i | where process.executable like "C:\\\\\\\\Windows\\\\\\\\*"');
    expect(raw.printed).toBe('process.executable wildcard:cs "C:\\\\\\\\Windows\\\\\\\\*"');
    expect(esc.printed).toBe(raw.printed);
  });
  it('likeToGlob: \\ escapes the next character, * and ? are wildcards, % is literal', () => {
    expect(likeToGlob('C:\\\\Windows\\\\*')).toBe('C:\\\\Windows\\\\*');
    expect(likeToGlob('a\\*b?')).toBe('a\\*b?');
    expect(likeToGlob('%/document/%')).toBe('%/document/%');
    expect(likeToGlob('C:\\Windows')).toBe('C:Windows');
  });
  it('"C:\\\\Windows\\\\*" (single escaped) loses its backslashes and escapes the star, as in Elasticsearch', () => {
    expect(esql('from i | where f like "C:\\\\Windows\\\\*"').printed).toBe('f eq:cs "C:Windows*"');
  });
  it('an undefined string escape is kept literally with a warning', () => {
    const r = esql('from i | where f == "a\\db"');
    expect(r.printed).toBe('f eq:cs "a\\\\db"');
    expect(r.diagnostics.map((d) => d.code)).toEqual(['esql.string.escape']);
  });
});

describe('ES|QL pipeline shape', () => {
  it('WHERE before STATS are event predicates; STATS BY and later WHERE are the aggregate', () => {
    const r = esql(`FROM logs-endpoint.events.process-* METADATA _id, _index, _version
| WHERE host.os.type == "windows" AND event.type == "start"
| EVAL Esql.name = CONCAT(process.name, "!")
| WHERE Esql.name LIKE "*.tmp"
| STATS Esql.count = COUNT(*), Esql.hosts = COUNT_DISTINCT(host.id), Esql.args = VALUES(process.args) BY process.executable, Esql.bucket = DATE_TRUNC(1 hour, @timestamp)
| WHERE Esql.hosts <= 2 AND Esql.count > 10 AND Esql.args IS NOT NULL
| SORT Esql.count DESC
| LIMIT 10
| KEEP process.executable, Esql.*`);
    expect(r.diagnostics).toEqual([]);
    expect(r.printed).toMatchInlineSnapshot(`
      "aggregate Esql.count = COUNT(*), Esql.hosts = COUNT_DISTINCT(host.id), Esql.args = VALUES(process.args) by process.executable, Esql.bucket where dc(host.id) <= 2 and count > 10 then opaque("Esql.args IS NOT NULL")
      from
        host.os.type eq:cs "windows" and event.type eq:cs "start" and Esql.name wildcard:cs "*.tmp""
    `);
    const q = r.query!;
    expect(q.kind === 'aggregate' && q.groupBy).toEqual([{ name: 'process.executable' }, { name: 'Esql.bucket', computed: true }]);
    const computed = predicates(q).filter((u) => u.predicate.field?.computed).map((u) => u.predicate.field!.name);
    expect(computed).toEqual(['Esql.name']);
  });
  it('an EVAL column that only re-expresses a field (to_lower, conversions) is resolved to that field', () => {
    const r = esql(`from i | eval ua = to_lower(user_agent.original), ip = to_ip(source.address), n = length(process.name)
| where ua like "*curl*" and cidr_match(ip, "10.0.0.0/8") and n > 3
| eval ua = concat(ua, "x") | where ua == "y"`);
    expect(r.printed).toMatchInlineSnapshot(`
      "(
        user_agent.original wildcard "*curl*"
        and
        source.address cidr "10.0.0.0/8"
        and
        n gt 3
        and
        ua eq:cs "y"
      )"
    `);
    expect(predicates(r.query!).map((u) => [u.predicate.field!.name, !!u.predicate.field!.computed])).toEqual([
      ['user_agent.original', false],
      ['source.address', false],
      ['n', true],
      ['ua', true],
    ]);
  });
  it('GROK and DISSECT fields are computed; RENAME maps back to the event field', () => {
    const r = esql(`from i | grok message "%{IP:client.ip} %{WORD:verb}" | dissect path "%{drive}\\\\%{rest}" | rename process.name as pname
| where verb == "GET" and drive == "C:" and pname == "x" and client.ip == "1.2.3.4"`);
    expect(predicates(r.query!).map((u) => [u.predicate.field!.name, !!u.predicate.field!.computed])).toEqual([
      ['verb', true],
      ['drive', true],
      ['process.name', false],
      ['client.ip', true],
    ]);
  });
  it('other commands are parsed structurally and do not break the parse', () => {
    const r = esql(`from a, b-*, "c" metadata _id
| mv_expand process.args
| enrich hosts_policy on host.name with host.owner
| lookup join threat_list on source.ip
| inline stats n = count(*) by host.id
| completion Esql.summary = CONCAT("x", y) WITH { "inference_id": "my" }
| change_point n on @timestamp
| sort n desc nulls last
| drop _id
| where n > 1`);
    expect(r.diagnostics).toEqual([]);
    expect(r.query?.kind).toBe('aggregate');
  });
  it('a syntax error is a diagnostic with position', () => {
    const r = esql('from i\n| where a = "x"');
    expect(r.query).toBeNull();
    expect(r.diagnostics[0]).toMatchObject({ code: 'esql.syntax', line: 2, column: 11 });
  });
  it('an IN list of 26,090 values parses', () => {
    const values = Array.from({ length: 26_090 }, (_, i) => `"v${i}"`);
    const r = esql(`from i | where f in (${values.join(', ')})`);
    expect(r.diagnostics).toEqual([]);
    const f = filterOf(r.query);
    expect(f.type === 'or' && f.children.length).toBe(26_090);
  });
  it('grok/dissect pattern field names', () => {
    expect(patternFields('grok', '%{IP:source.ip} %{NUMBER:bytes:int} %{GREEDYDATA}')).toEqual(['source.ip', 'bytes']);
    expect(patternFields('grok', '(?i:https?)://(?:[^/@]+@)?(?<Esql.host>[a-z.]+)')).toEqual(['Esql.host']);
    expect(patternFields('dissect', '%{a} %{+a} %{?skip} %{b->}')).toEqual(['a', 'a', 'b']);
  });
});
