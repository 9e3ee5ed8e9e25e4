import { describe, expect, it } from 'vitest';
import { printNode } from '../../src/ast/print.js';
import { predicates } from '../../src/ast/walk.js';
import { ctxFor, kql, onlyPredicate } from './helpers.js';
import { parseKql } from '../../src/vendors/elastic/kql/index.js';

describe('KQL precedence and keywords', () => {
  it('or < and < not, n-ary and flattened', () => {
    expect(kql('a:1 or b:2 and not c:3').printed).toMatchInlineSnapshot(`"a eq:cs "1" or (b eq:cs "2" and not c eq:cs "3")"`);
    expect(kql('a:1 and b:2 and c:3 or d:4').printed).toMatchInlineSnapshot(`"(a eq:cs "1" and b eq:cs "2" and c eq:cs "3") or d eq:cs "4""`);
    expect(kql('not a:1 and not (b:2 or c:3)').printed).toMatchInlineSnapshot(`"not a eq:cs "1" and not (b eq:cs "2" or c eq:cs "3")"`);
  });
  it('keywords are case-insensitive', () => {
    expect(kql('a:1 AND b:2 Or NOT c:3').printed).toBe(kql('a:1 and b:2 or not c:3').printed);
  });
  it('keywords need whitespace around them', () => {
    expect(kql('not(a:1)').diagnostics[0]?.code).toBe('kql.syntax');
    expect(kql('a:b or"x"').diagnostics[0]?.code).toBe('kql.syntax');
    expect(kql('(a:1)or(b:2)').diagnostics[0]?.code).toBe('kql.syntax');
  });
  it('NBSP, tabs and newlines are whitespace', () => {
    expect(kql('a:1\u00a0and\tb:2\nor c:3').printed).toBe(kql('a:1 and b:2 or c:3').printed);
  });
  it('a syntax error has a position and what was expected', () => {
    const r = kql('a:1 and (b:2');
    expect(r.node).toBeNull();
    expect(r.diagnostics[0]).toMatchObject({ severity: 'error', code: 'kql.syntax', line: 1, column: 13 });
    expect(r.diagnostics[0]!.expected).toContain('")"');
  });
});

describe('KQL values', () => {
  it('value lists with their own or/and/not', () => {
    expect(kql('f:(a or b and not c)').printed).toMatchInlineSnapshot(`"f eq:cs "a" or (f eq:cs "b" and not f eq:cs "c")"`);
    expect(kql('process.args:(* and not (x or y))').printed).toMatchInlineSnapshot(`"process.args exists and not (process.args eq:cs "x" or process.args eq:cs "y")"`);
  });
  it('nested queries prefix the field names', () => {
    expect(kql('user:{ name:alice and group:{ id:7 } }').printed).toMatchInlineSnapshot(`"user.name eq:cs "alice" and user.group.id eq:cs "7""`);
  });
  it('ranges', () => {
    expect(kql('bytes >= 1024 and @timestamp < "now-1d/d" and score > 2.5 and x<=-3').printed).toMatchInlineSnapshot(`"bytes gte 1024 and @timestamp lt:cs "now-1d/d" and score gt 2.5 and x lte -3"`);
  });
  it('exists, match-all and empty', () => {
    expect(kql('f:*').printed).toBe('f exists');
    expect(kql('*:*').printed).toBe('true');
    expect(kql('*').printed).toBe('true');
    expect(kql('').printed).toBe('true');
    expect(kql('   ').printed).toBe('true');
  });
  it('free text: field null, match', () => {
    expect(kql('powershell').printed).toBe('* match "powershell"');
    expect(kql('"two words"').printed).toBe('* match "two words"');
    expect(kql('mimi*').printed).toBe('* match "mimi*"');
    expect(kql('"mimi*"').printed).toBe('* match "mimi\\\\*"');
  });
  it('quoted values are literal, unquoted `*` is a wildcard, `?` is always literal', () => {
    expect(onlyPredicate(kql('f:"a*b"').node)).toEqual({ op: 'eq', value: 'a*b', caseSensitive: true });
    expect(onlyPredicate(kql('f:a*b').node)).toEqual({ op: 'wildcard', value: 'a*b', caseSensitive: true });
    expect(onlyPredicate(kql('f:a?b').node)).toEqual({ op: 'eq', value: 'a?b', caseSensitive: true });
    expect(onlyPredicate(kql('f:a?b*').node)).toEqual({ op: 'wildcard', value: 'a\\?b*', caseSensitive: true });
    expect(onlyPredicate(kql('f:a\\*b').node)).toEqual({ op: 'eq', value: 'a*b', caseSensitive: true });
  });
  it('whitespace inside unquoted values (trimmed), and the `not ` pitfall', () => {
    expect(onlyPredicate(kql('f:bar baz ').node)).toEqual({ op: 'eq', value: 'bar baz', caseSensitive: true });
    expect(onlyPredicate(kql('f:*S3 Browser*').node)).toEqual({ op: 'wildcard', value: '*S3 Browser*', caseSensitive: true });
    // Kibana stops the literal at "not " inside "cannot ": a syntax error there too.
    expect(kql('msg: I cannot do').diagnostics[0]?.code).toBe('kql.syntax');
    // A literal that spans a line break (a missing `or` in the corpus) is one value.
    const spanning = kql('f:(*a.xml\n  */b.json or c)').node;
    expect(spanning?.type).toBe('or');
    expect(onlyPredicate(spanning?.type === 'or' ? spanning.children[0]! : null)).toEqual({ op: 'wildcard', value: '*a.xml\n  */b.json', caseSensitive: true });
  });
  it('wildcard field names, quoted field names and special characters in field names', () => {
    expect(kql('azure.auditlogs.properties.target_resources.*.display_name:x').printed).toBe('`azure.auditlogs.properties.target_resources.*.display_name` eq:cs "x"');
    expect(kql('"my field":x').printed).toBe('`my field` eq:cs "x"');
    expect(kql('kubernetes.audit.annotations.authorization_k8s_io/decision:allow').printed).toBe('`kubernetes.audit.annotations.authorization_k8s_io/decision` eq:cs "allow"');
  });
  it('CIDR notation is a cidr predicate (an ip field range)', () => {
    expect(onlyPredicate(kql('source.ip:10.0.0.0/8').node)).toEqual({ op: 'cidr', value: '10.0.0.0/8', caseSensitive: false });
    expect(onlyPredicate(kql('source.ip:"fd00::/8"').node)).toEqual({ op: 'cidr', value: 'fd00::/8', caseSensitive: false });
    expect(onlyPredicate(kql('url.path:/a/8').node)).toEqual({ op: 'eq', value: '/a/8', caseSensitive: true });
  });
  it('true, false and null are typed; numbers stay strings', () => {
    expect(onlyPredicate(kql('f:true').node)).toEqual({ op: 'eq', value: true, caseSensitive: true });
    expect(onlyPredicate(kql('f:false').node)).toEqual({ op: 'eq', value: false, caseSensitive: true });
    expect(onlyPredicate(kql('f:"true"').node)).toEqual({ op: 'eq', value: 'true', caseSensitive: true });
    expect(onlyPredicate(kql('f:null').node)).toEqual({ op: 'eq', value: null, caseSensitive: true });
    expect(onlyPredicate(kql('event.code:070').node)).toEqual({ op: 'eq', value: '070', caseSensitive: true });
  });
  it('text-like fields give match predicates; .caseless fields are case-insensitive', () => {
    expect(kql('powershell.file.script_block_text:"Invoke-Mimikatz"').printed).toBe('powershell.file.script_block_text match "Invoke-Mimikatz"');
    expect(kql('message:fail*').printed).toBe('message match "fail*"');
    expect(kql('process.command_line.text:"-enc"').printed).toBe('process.command_line.text match "-enc"');
    expect(onlyPredicate(kql('process.name.caseless:cmd.exe').node)).toEqual({ op: 'eq', value: 'cmd.exe', caseSensitive: false });
    expect(onlyPredicate(kql('process.name.caseless:cmd*').node)).toEqual({ op: 'wildcard', value: 'cmd*', caseSensitive: false });
  });
});

describe('KQL escapes', () => {
  // [as written in the query, expected predicate]
  const unquoted: Array<[string, { op: string; value: unknown }]> = [
    ['f:a\\:b', { op: 'eq', value: 'a:b' }],
    ['f:a\\\\b', { op: 'eq', value: 'a\\b' }],
    ['f:a\\"b', { op: 'eq', value: 'a"b' }],
    ['f:a\\(b\\)', { op: 'eq', value: 'a(b)' }],
    ['f:a\\<b\\>', { op: 'eq', value: 'a<b>' }],
    ['f:a\\{b\\}', { op: 'eq', value: 'a{b}' }],
    ['f:a\\tb', { op: 'eq', value: 'a\tb' }],
    ['f:a\\nb', { op: 'eq', value: 'a\nb' }],
    ['f:a\\u0041b', { op: 'eq', value: 'aAb' }],
    ['f:\\or', { op: 'eq', value: 'or' }],
    ['f:x \\and y', { op: 'eq', value: 'x and y' }],
    // `\\n` is an escaped backslash then `n`, never a newline (pairs consumed left to right).
    ['f:*System32\\\\ntoskrnl.exe*', { op: 'wildcard', value: '*System32\\\\ntoskrnl.exe*' }],
    ['f:*\\"allowBlobPublicAccess\\"\\:true*', { op: 'wildcard', value: '*"allowBlobPublicAccess":true*' }],
    ['f:system\\:serviceaccount\\:kube-system\\:*', { op: 'wildcard', value: 'system:serviceaccount:kube-system:*' }],
  ];
  it.each(unquoted)('unquoted %s', (q, want) => {
    expect(onlyPredicate(kql(q).node)).toMatchObject(want);
  });
  const quoted: Array<[string, string]> = [
    ['f:"C:\\\\Windows"', 'C:\\Windows'],
    ['f:"C:\\Windows"', 'C:\\Windows'], // unknown escape: backslash kept
    ['f:"C:\\temp"', 'C:\temp'], // \t is a tab
    ['f:"say \\"hi\\""', 'say "hi"'],
    ['f:"\\u00e9t\\u00e9"', 'été'],
    ['f:"a:b (c) *"', 'a:b (c) *'],
    ['f:"DWSNET OÜ"', 'DWSNET OÜ'],
  ];
  it.each(quoted)('quoted %s', (q, want) => {
    expect(onlyPredicate(kql(q).node)).toEqual({ op: 'eq', value: want, caseSensitive: true });
  });
  it('invalid escapes in unquoted values are syntax errors', () => {
    expect(kql('f:a\\qb').diagnostics[0]?.code).toBe('kql.syntax');
    expect(kql('f:a<b').diagnostics[0]?.code).toBe('kql.syntax');
  });
});

describe('KQL: the Windows path table (research §5)', () => {
  it('unquoted C\\:\\\\Windows\\\\* is a case-sensitive wildcard over C:\\Windows\\', () => {
    const p = onlyPredicate(kql('process.executable : C\\:\\\\Windows\\\\*').node);
    expect(p).toEqual({ op: 'wildcard', value: 'C:\\\\Windows\\\\*', caseSensitive: true });
  });
  it('quoted "C:\\\\Windows\\\\*" is the literal C:\\Windows\\* (no wildcard in quotes)', () => {
    const p = onlyPredicate(kql('process.executable : "C:\\\\Windows\\\\*"').node);
    expect(p).toEqual({ op: 'eq', value: 'C:\\Windows\\*', caseSensitive: true });
  });
  it('an unquoted value mixing escapes and a wildcard', () => {
    const p = onlyPredicate(kql('process.executable:C\\:\\\\ProgramData\\\\Amazon\\\\*\\\\updater.exe').node);
    expect(p.value).toBe('C:\\\\ProgramData\\\\Amazon\\\\*\\\\updater.exe');
  });
});

describe('KQL positions, limits and size', () => {
  it('predicates carry line/column spans of their clause', () => {
    const r = kql('a:1 and\n  b:(x or "y")');
    const ps = predicates(r.node!).map((u) => u.predicate.source);
    expect(ps).toEqual([
      { vendor: 'elastic', line: 1, column: 1, endLine: 1, endColumn: 4, text: 'a:1' },
      { vendor: 'elastic', line: 2, column: 6, endLine: 2, endColumn: 7, text: 'x' },
      { vendor: 'elastic', line: 2, column: 11, endLine: 2, endColumn: 14, text: '"y"' },
    ]);
  });
  it('positions are shifted by where the query sits in its file', () => {
    const ctx = ctxFor('xx\nq = a:1');
    ctx.loc.base = 7;
    const n = parseKql('a:1', ctx)!;
    expect(n.type === 'predicate' && n.source).toMatchObject({ line: 2, column: 5 });
  });
  it('a list of 26,090 values parses (no recursion per element)', () => {
    const values = Array.from({ length: 26_090 }, (_, i) => `"C:\\\\Windows\\\\dir${i}\\\\file.dll"`);
    const r = kql(`dll.path:(${values.join(' or ')})`);
    expect(r.diagnostics).toEqual([]);
    expect(r.node?.type === 'or' && r.node.children.length).toBe(26_090);
  });
  it('nesting deeper than the limit is a diagnostic, not a crash', () => {
    const q = '('.repeat(300) + 'a:1' + ')'.repeat(300);
    const ctx = ctxFor(q, { maxDepth: 256 });
    expect(parseKql(q, ctx)).toBeNull();
    expect(ctx.diagnostics[0]?.code).toBe('kql.too-deep');
  });
  it('a query longer than maxQueryChars is refused with a diagnostic', () => {
    const ctx = ctxFor('a:1', { maxQueryChars: 2 });
    expect(parseKql('a:1', ctx)).toBeNull();
    expect(ctx.diagnostics[0]?.code).toBe('kql.too-long');
  });
  it('printNode round trip is stable for a realistic query', () => {
    const r = kql('event.category:process and process.name:(cmd.exe or powershell.exe) and not process.parent.name:explorer.exe');
    expect(printNode(r.node!)).toBe(r.printed);
  });
});
