/**
 * Golden outputs (canonical AST text) for every EQL construct, on fixtures
 * written for this project. Each snapshot was reviewed by eye against
 * docs/semantics/elastic-eql.md.
 */
import { describe, expect, it } from 'vitest';
import { printQuery } from '../../../src/ast/print.js';
import { QuerySchema } from '../../../src/ast/schema.js';
import { predicates, topLevelExclusions } from '../../../src/ast/walk.js';
import { DEFAULT_LIMITS } from '../../../src/core/limits.js';
import { SourceFile } from '../../../src/core/source-file.js';
import { parseEql } from '../../../src/vendors/elastic/eql/index.js';
import { diags, eql, filterOf, onlyPredicate, show } from './helpers.js';

describe('event queries', () => {
  it('category where: AND(event.category == category, cond), flattened', () => {
    expect(show('process where process.name == "cmd.exe" and not process.args : "/c"')).toMatchInlineSnapshot(`"event.category eq:cs "process" and process.name eq:cs "cmd.exe" and not process.args eq "/c""`);
  });
  it('any where is just the condition', () => {
    expect(show('any where network.protocol == "http"')).toMatchInlineSnapshot(`"network.protocol eq:cs "http""`);
  });
  it('where true matches on the category alone', () => {
    expect(show('file where true')).toMatchInlineSnapshot(`"event.category eq:cs "file""`);
    expect(show('any where true')).toMatchInlineSnapshot(`"true"`);
    expect(show('any where false')).toMatchInlineSnapshot(`"false"`);
  });
  it('quoted categories', () => {
    expect(show('"my-event category" where x == 1')).toMatchInlineSnapshot(`"event.category eq:cs "my-event category" and x eq 1"`);
    expect(show('""".my.category""" where x == 1')).toMatchInlineSnapshot(`"event.category eq:cs ".my.category" and x eq 1"`);
  });
  it('honours the rule event_category_override', () => {
    expect(printQuery(eql('process where x == 1', {}, 'event.type').query)).toMatchInlineSnapshot(`"event.type eq:cs "process" and x eq 1"`);
  });
  it('keeps top-level not clauses as exclusions', () => {
    const r = eql('process where a == "1" and not b : "x*" and not (c in ("p", "q") or d == 2)');
    expect(topLevelExclusions(r.query).length).toBe(2);
  });
});

describe('operators (research table)', () => {
  it('== is case-sensitive and literal, != is not(eq)', () => {
    expect(show('any where a == "x*y" and b != "Z"')).toMatchInlineSnapshot(`"a eq:cs "x*y" and not b eq:cs "Z""`);
  });
  it(': is case-insensitive; wildcard only with * or ?', () => {
    expect(show('any where a : "cmd.exe" and b : "*.EXE" and c : "doc?"')).toMatchInlineSnapshot(`"a eq "cmd.exe" and b wildcard "*.EXE" and c wildcard "doc?""`);
  });
  it('like / like~', () => {
    expect(show('any where a like "DOC*" and b like~ "doc*" and c like "exact" and d like~ "Exact"')).toMatchInlineSnapshot(`"a wildcard:cs "DOC*" and b wildcard "doc*" and c eq:cs "exact" and d eq "Exact""`);
  });
  it('regex / regex~ are anchored Lucene regular expressions', () => {
    expect(show('any where a regex "VALUE[^Z].?" and b regex~ """value\\d+"""')).toMatchInlineSnapshot(`"a regex_match:anchored "VALUE[^Z].?" and b regex_match:i:anchored "value\\\\d+""`);
    const p = onlyPredicate(eql('any where a regex~ "v.*"').query);
    expect(p.regex).toEqual({ flavor: 'lucene', flags: 'i', anchored: true });
  });
  it('in / in~ / not in / not in~', () => {
    expect(show('any where a in ("X", "y") and b in~ ("X", "y") and c not in ("1", 2) and d not in~ ("z")')).toMatchInlineSnapshot(`"(a eq:cs "X" or a eq:cs "y") and (b eq "X" or b eq "y") and not (c eq:cs "1" or c eq 2) and not d eq "z""`);
  });
  it(': like like~ regex with lists are OR', () => {
    expect(show('any where a : ("x", "y*") and b like ("A*", "B") and c like~ ("A?") and d regex ("[0-9]+", "z")')).toMatchInlineSnapshot(`"(a eq "x" or a wildcard "y*") and (b wildcard:cs "A*" or b eq:cs "B") and c wildcard "A?" and (d regex_match:anchored "[0-9]+" or d regex_match:anchored "z")"`);
  });
  it('comparisons, with the literal on either side', () => {
    expect(show('any where a < 1 and b <= 2.5 and c > -3 and d >= "m" and 10 > e and "z" <= f')).toMatchInlineSnapshot(`"a lt 1 and b lte 2.5 and c gt -3 and d gte:cs "m" and e lt 10 and f gte:cs "z""`);
  });
  it('comparisons of two literals fold to constants (null and mixed types stay opaque)', () => {
    expect(show('any where 1 == 1 and "a" != "A" and 2 < 1 and "b" >= "a" and true == false')).toMatchInlineSnapshot(`"true and true and false and true and false"`);
    expect(show('any where null == null or 1 == "1"')).toMatchInlineSnapshot(`"opaque("null == null", "comparison of two literals with null or of different types") or opaque("1 == \\"1\\"", "comparison of two literals with null or of different types")"`);
  });
  it('null checks are existence tests', () => {
    expect(show('any where ?user.id != null and ?user.name == null and null != host.id')).toMatchInlineSnapshot(`"user.id exists and not user.name exists and host.id exists"`);
  });
  it('numbers and booleans', () => {
    expect(show('any where pid == 4 and code == "4624" and ok == true and x == 1e3 and y == .5 and z == -(7)')).toMatchInlineSnapshot(`"pid eq 4 and code eq:cs "4624" and ok eq true and x eq 1000 and y eq 0.5 and z eq -7"`);
  });
  it('precedence: not > and > or', () => {
    expect(show('any where a == 1 or b == 2 and not c == 3 or not not d == 4')).toMatchInlineSnapshot(`"a eq 1 or (b eq 2 and not c eq 3) or not not d eq 4"`);
  });
  it('parentheses group and flatten', () => {
    expect(show('any where (a == 1 and (b == 2 and c == 3)) and ((d == 4))')).toMatchInlineSnapshot(`"a eq 1 and b eq 2 and c eq 3 and d eq 4"`);
  });
});

describe('fields', () => {
  it('?optional fields drop the ?', () => {
    expect(show('any where ?process.parent.name == "python*"')).toMatchInlineSnapshot(`"process.parent.name eq:cs "python*""`);
  });
  it('backtick fields are unquoted, `` escapes a backtick', () => {
    expect(show('any where `kubernetes.audit.annotations.authorization_k8s_io/decision` == "allow" and `a``b`.c == 1 and x.`my field` == 2')).toMatchInlineSnapshot(`"\`kubernetes.audit.annotations.authorization_k8s_io/decision\` eq:cs "allow" and \`a\`\`b.c\` eq 1 and \`x.my field\` eq 2"`);
  });
  it('@timestamp, array indexes and keywords after a dot', () => {
    expect(show('any where @timestamp > 0 and process.args[0] == "a" and x.sequence == 1')).toMatchInlineSnapshot(`"@timestamp gt 0 and \`process.args[0]\` eq:cs "a" and x.sequence eq 1"`);
  });
});

describe('functions', () => {
  it('startsWith / endsWith / stringContains become wildcards; names are case-insensitive; ~ is insensitive', () => {
    expect(show('any where startsWith(a, "x") and endswith~(b, ".EXE") and stringContains~(c, "mid") and STRINGCONTAINS(d, "*")')).toMatchInlineSnapshot(`"a wildcard:cs "x*" and b wildcard "*.EXE" and c wildcard "*mid*" and d wildcard:cs "*\\\\**""`);
  });
  it('empty arguments follow the function reference: startsWith/endsWith(f, "") hold for any value, stringContains(f, "") never', () => {
    expect(show('any where startsWith(a, "") and endsWith(b, "") and not stringContains(c, "")')).toMatchInlineSnapshot(`"a wildcard:cs "*" and b wildcard:cs "*" and not false"`);
  });
  it('cidrMatch is an OR of cidr predicates', () => {
    expect(show('network where not cidrmatch(destination.ip, "10.0.0.0/8", "fe80::/10", "::1")')).toMatchInlineSnapshot(`"event.category eq:cs "network" and not (destination.ip cidr "10.0.0.0/8" or destination.ip cidr "fe80::/10" or destination.ip cidr "::1")"`);
  });
  it('fn(...) == true / != true', () => {
    expect(show('any where startsWith(a, "x") == true and endsWith(b, "y") != true and false == stringContains(c, "z")')).toMatchInlineSnapshot(`"a wildcard:cs "x*" and not b wildcard:cs "*y" and not c wildcard:cs "*z*""`);
  });
  it('a field as the pattern argument is a field-to-field wildcard (as Sigma fieldref|startswith)', () => {
    const r = eql('file where startswith~(file.path, dll.path) and endsWith(a, b) and stringcontains(c, ?d.e)');
    expect(r.diagnostics).toEqual([]);
    const ps = predicates(r.query).map((u) => u.predicate).filter((p) => p.vendorOp !== 'category');
    expect(ps.map((p) => [p.field?.name, p.op, p.value, p.ref?.name, p.vendorOp, p.caseSensitive])).toEqual([
      ['file.path', 'wildcard', null, 'dll.path', 'startswith~', false],
      ['a', 'wildcard', null, 'b', 'endsWith', true],
      ['c', 'wildcard', null, 'd.e', 'stringcontains', true],
    ]);
  });
  it('functions that cannot be predicates are opaque, with their text and a reason', () => {
    expect(
      show('any where length(process.args) > 3 and length(a) - (length(b) + 1) == 0 and startswith~(a, b) and between(x, "a", "b") == "c" and endsWith(substring(a, 1), "x")'),
    ).toMatchInlineSnapshot(`
      "(
        opaque("length(process.args) > 3", "comparison on a computed value (function, arithmetic or variable)")
        and
        opaque("length(a) - (length(b) + 1) == 0", "comparison on a computed value (function, arithmetic or variable)")
        and
        a wildcard:startswith @b
        and
        opaque("between(x, \\"a\\", \\"b\\") == \\"c\\"", "comparison on a computed value (function, arithmetic or variable)")
        and
        opaque("endsWith(substring(a, 1), \\"x\\")", "endsWith() whose first argument is not a field")
      )"
    `);
  });
});

describe('sequences', () => {
  it('by, maxspan, per-step by', () => {
    expect(show('sequence by host.id, ?user.name with maxspan=30s\n  [process where event.type == "start"] by process.entity_id\n  [network where true] by process.entity_id')).toMatchInlineSnapshot(`
      "sequence by host.id, user.name with maxspan=30s
        [event.category eq:cs "process" and event.type eq:cs "start"] by process.entity_id
        [event.category eq:cs "network"] by process.entity_id"
    `);
  });
  it('maxspan units', () => {
    const ms = (t: string) => {
      const q = eql(`sequence with maxspan=${t} [a where true] [b where true]`).query;
      return q.kind === 'sequence' ? q.maxspan : undefined;
    };
    expect([ms('500ms'), ms('5s'), ms('1m'), ms('2h'), ms('1d'), ms('30 s')]).toEqual([
      { ms: 500, text: '500ms' },
      { ms: 5000, text: '5s' },
      { ms: 60000, text: '1m' },
      { ms: 7200000, text: '2h' },
      { ms: 86400000, text: '1d' },
      { ms: 30000, text: '30s' },
    ]);
  });
  it('with runs (spaces allowed), until, missing events', () => {
    expect(show('sequence by user.id with maxspan=10m\n [any where event.action == "deny"] with runs = 5\nuntil   [ any     where event.action == "allow" ]')).toMatchInlineSnapshot(`
      "sequence by user.id with maxspan=10m
        [event.action eq:cs "deny"] with runs=5
      until [event.action eq:cs "allow"]"
    `);
    expect(show('sequence by host.id with maxspan=5m [any where kind == "alert"] ![any where event.category in ("process", "file")]')).toMatchInlineSnapshot(`
      "sequence by host.id with maxspan=5m
        [kind eq:cs "alert"]
        ![event.category eq:cs "process" or event.category eq:cs "file"]"
    `);
  });
  it('step aliases and fork (Endpoint dialect) are kept or reported', () => {
    const r = eql('sequence [process where true] fork by a as first [file where true] by b as second');
    expect(diags(r)).toEqual(['warning eql.dialect.endgame 1:31', 'warning eql.dialect.endgame 1:41', 'warning eql.dialect.endgame 1:73']);
    expect(printQuery(r.query)).toMatchInlineSnapshot(`
      "sequence
        [event.category eq:cs "process"] by a as first
        [event.category eq:cs "file"] by b as second"
    `);
  });
  it('fields qualified by a step alias refer to another event: opaque', () => {
    const r = eql('sequence by user.name [process where process.name == "abc.exe"] as p0 [network where p0.process.name == process.name and p0.pid in (1, 2) and startsWith(x, p0.y) and ?p0.z == 1 and q == 1]');
    expect(r.diagnostics.map((d) => d.code)).toEqual(['eql.dialect.endgame']);
    expect(printQuery(r.query, { width: 300 })).toMatchInlineSnapshot(`
      "sequence by user.name
        [event.category eq:cs "process" and process.name eq:cs "abc.exe"] as p0
        [(
          event.category eq:cs "network"
          and
          opaque("p0.process.name == process.name", "refers to the event of another sequence step through its alias (Endpoint \`as\`)")
          and
          opaque("p0.pid in (1, 2)", "refers to the event of another sequence step through its alias (Endpoint \`as\`)")
          and
          opaque("startsWith(x, p0.y)", "refers to the event of another sequence step through its alias (Endpoint \`as\`)")
          and
          p0.z eq 1
          and
          q eq 1
        )]"
    `);
  });
  it('pipes after a sequence are kept as text', () => {
    const r = eql('sequence [a where true] [b where true] | head 5 | tail 2');
    expect(r.diagnostics).toEqual([]);
    expect(r.query).toMatchObject({ kind: 'sequence', pipes: ['head 5', 'tail 2'] });
  });
});

describe('samples and joins', () => {
  it('sample by', () => {
    expect(show('sample by host.id, process.pid\n [process where x == 1] by ?destination.port\n [network where true] by ?source.port\n [file where true] by ?source.port')).toMatchInlineSnapshot(`
      "sample by host.id, process.pid
        [event.category eq:cs "process" and x eq 1] by destination.port
        [event.category eq:cs "network"] by source.port
        [event.category eq:cs "file"] by source.port"
    `);
  });
  it('Endgame join maps onto an unordered sample', () => {
    const r = eql('join by user.name [process where true] [network where true] until [process where y == 1]');
    expect(r.diagnostics.map((d) => d.code)).toEqual(['eql.dialect.endgame', 'eql.join.until']);
    expect(printQuery(r.query)).toMatchInlineSnapshot(`
      "sample by user.name
        [event.category eq:cs "process"]
        [event.category eq:cs "network"]"
    `);
  });
});

describe('Endgame / Endpoint extensions', () => {
  it('lineage is opaque (the inner query is still checked)', () => {
    const r = eql('process where process.name == "x" and descendant of [process where process.name == "winword.exe"]');
    expect(r.diagnostics.map((d) => d.code)).toEqual(['eql.dialect.endgame']);
    expect(printQuery(r.query)).toMatchInlineSnapshot(`
      "(
        event.category eq:cs "process"
        and
        process.name eq:cs "x"
        and
        opaque("descendant of [process where process.name == \\"winword.exe\\"]", "lineage: descendant of [...] relates this event to another process event; not expressible as predicates")
      )"
    `);
    expect(eql('process where child of [process where x == "\\q"]').diagnostics.map((d) => d.code)).toEqual(['eql.dialect.endgame', 'eql.string.escape']);
  });
  it('all three lineage relations', () => {
    const r = eql('process where child of [process where a == 1] or event of [file where b == 2] or not descendant of [process where c == 3]');
    expect(r.diagnostics.map((d) => `${d.code} ${d.column}`)).toEqual(['eql.dialect.endgame 15', 'eql.dialect.endgame 50', 'eql.dialect.endgame 86']);
    expect(printQuery(r.query, { width: 300 })).toMatchInlineSnapshot(`
      "(
        event.category eq:cs "process"
        and
        (
          opaque("child of [process where a == 1]", "lineage: child of [...] relates this event to another process event; not expressible as predicates")
          or
          opaque("event of [file where b == 2]", "lineage: event of [...] relates this event to another process event; not expressible as predicates")
          or
          not opaque("descendant of [process where c == 3]", "lineage: descendant of [...] relates this event to another process event; not expressible as predicates")
        )
      )"
    `);
  });
  it('$variables and array functions are opaque', () => {
    const r = eql('process where arraySearch(process.args, $a, $a == "x") and arrayContains(process.args, "y") and $b.c == 1');
    expect(printQuery(r.query)).toMatchInlineSnapshot(`
      "(
        event.category eq:cs "process"
        and
        opaque("arraySearch(process.args, $a, $a == \\"x\\")", "Endgame arraySearch(): sub-condition over array elements with a $variable")
        and
        opaque("arrayContains(process.args, \\"y\\")", "Endgame arrayContains(): array element test (case-insensitive Endgame comparison)")
        and
        opaque("$b.c == 1", "comparison on a computed value (function, arithmetic or variable)")
      )"
    `);
    expect(r.diagnostics.every((d) => d.severity === 'warning' && d.code === 'eql.dialect.endgame')).toBe(true);
  });
  it('= equality, method calls and Endgame pipes', () => {
    const r = eql("process where name = 'cmd.exe' and args:length() > 2 | unique name | filter pid == 4 | count");
    expect(diags(r)).toMatchInlineSnapshot(`
      [
        "warning eql.dialect.endgame 1:15",
        "warning eql.dialect.endgame 1:22",
        "warning eql.dialect.endgame 1:36",
        "warning eql.dialect.endgame 1:54",
        "info eql.pipe.ignored 1:54",
        "warning eql.dialect.endgame 1:68",
        "warning eql.dialect.endgame 1:86",
      ]
    `);
    expect(printQuery(r.query)).toMatchInlineSnapshot(`
      "(
        event.category eq:cs "process"
        and
        name eq:cs "cmd.exe"
        and
        opaque("args:length() > 2", "comparison on a computed value (function, arithmetic or variable)")
        and
        pid eq 4
      )"
    `);
  });
});

describe('comments and layout', () => {
  it('line, block and nested block comments; tabs and newlines', () => {
    expect(show('process where // a comment\n\ta == "//x" /* block /* nested */ still */ and\n\tb == "/*y*/" // end')).toMatchInlineSnapshot(`"event.category eq:cs "process" and a eq:cs "//x" and b eq:cs "/*y*/""`);
  });
  it('a line comment eats the rest of the line', () => {
    expect(diags(eql('process where // true'))).toEqual(['error eql.syntax 1:22']);
  });
});

describe('sources point at file lines and columns', () => {
  it('uses the query offset inside the file', () => {
    const query = 'process where\n  process.name : ("a.exe",\n    "b*") and x == 1';
    const text = `[rule]\nquery = '''\n${query}\n'''\n`;
    const file = new SourceFile('rules/x.toml', text);
    const r = parseEql(query, { file, offset: text.indexOf(query), limits: DEFAULT_LIMITS });
    const f = filterOf(r.query);
    expect(f.type).toBe('and');
    const [cat, list, eq] = (f as { children: any[] }).children;
    expect(cat.source).toEqual({ vendor: 'elastic', line: 3, column: 1, endLine: 3, endColumn: 8, text: 'process' });
    expect(list.source).toMatchObject({ line: 4, column: 3, endLine: 5, endColumn: 10 });
    expect(list.children[1].source).toEqual({ vendor: 'elastic', line: 5, column: 5, endLine: 5, endColumn: 9, text: 'process.name : "b*"' });
    expect(eq.source).toEqual({ vendor: 'elastic', line: 5, column: 15, endLine: 5, endColumn: 21, text: 'x == 1' });
    const bad = parseEql('process where\n  x == ', { file: new SourceFile('f', 'abc\nprocess where\n  x == '), offset: 4, limits: DEFAULT_LIMITS });
    expect(bad.diagnostics).toMatchObject([{ severity: 'error', code: 'eql.syntax', path: 'f', line: 3, column: 8 }]);
  });
});

describe('schema', () => {
  it('every output validates against the AST schema and survives JSON', () => {
    for (const q of [
      'process where a : ("x", "y*") and not b in~ ("c") and startsWith(d, "e") and length(f) > 1',
      'sequence by h with maxspan=1m [a where x == null] with runs=2 ![b where true] until [c where true] | head 1',
      'sample by h [a where true] [b where false]',
    ]) {
      const r = eql(q);
      expect(QuerySchema.parse(JSON.parse(JSON.stringify(r.query)))).toEqual(r.query);
    }
  });
});
