/**
 * A corpus of hostile and malformed rule files, written from scratch. Each
 * entry says what the loader must report for it: the diagnostic codes that
 * are acceptable (any one of them, at the given severity), or `ok` for a
 * valid rule that must come out parsed and normalized beside the others.
 * Big inputs (a million values, multi-megabyte lines) are generated, not
 * committed.
 */
export interface HostileFile {
  path: string;
  content: string | Buffer;
  /** 'ok': at least one rule, no error diagnostic; 'support': a supporting file (macros). Otherwise acceptable codes. */
  expect: 'ok' | 'support' | { codes: string[]; severity?: 'error' | 'warning' };
  why: string;
}

const sigma = (title: string, detection: string, extra = '') =>
  `title: ${title}\nid: 11111111-2222-3333-4444-${Math.abs(hash(title)).toString(16).padStart(12, '0').slice(0, 12)}\nstatus: test\n${extra}logsource:\n  product: windows\n  category: process_creation\ndetection:\n${detection}\nlevel: high\ntags:\n  - attack.execution\n  - attack.t1059.001\n`;

function hash(s: string): number {
  let h = 7;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return h;
}

const toml = (name: string, language: string, query: string, type = 'query') =>
  `[metadata]\ncreation_date = "2024/01/01"\nmaturity = "production"\nupdated_date = "2024/01/01"\n\n[rule]\nauthor = ["ruleatlas tests"]\ndescription = "hostile"\nfrom = "now-9m"\nindex = ["logs-endpoint.events.*"]\nlanguage = "${language}"\nlicense = "Apache-2.0"\nname = "${name}"\nrisk_score = 47\nrule_id = "${Math.abs(hash(name)).toString(16).padStart(8, '0')}-aaaa-bbbb-cccc-000000000000"\nseverity = "medium"\ntype = "${type}"\nquery = '''\n${query}\n'''\n\n[[rule.threat]]\nframework = "MITRE ATT&CK"\n[[rule.threat.technique]]\nid = "T1059"\nname = "Command and Scripting Interpreter"\nreference = "https://attack.mitre.org/techniques/T1059/"\n[rule.threat.tactic]\nid = "TA0002"\nname = "Execution"\nreference = "https://attack.mitre.org/tactics/TA0002/"\n`;

const splunk = (name: string, search: string) =>
  `name: ${name}\nid: ${Math.abs(hash(name)).toString(16).padStart(8, '0')}-1111-2222-3333-444444444444\nversion: 1\ndate: '2024-01-01'\nauthor: ruleatlas tests\nstatus: production\ntype: TTP\ndescription: hostile\ndata_source:\n- Sysmon EventID 1\nsearch: ${JSON.stringify(search)}\nhow_to_implement: n/a\nknown_false_positives: n/a\nreferences: []\ntags:\n  analytic_story:\n  - Hostile\n  asset_type: Endpoint\n  mitre_attack_id:\n  - T1059.001\n  product:\n  - Splunk Enterprise\n  security_domain: endpoint\n`;

export function hostileCorpus(): HostileFile[] {
  const files: HostileFile[] = [];
  const add = (path: string, content: string | Buffer, expect: HostileFile['expect'], why: string) => files.push({ path, content, expect, why });
  const err = (...codes: string[]) => ({ codes, severity: 'error' as const });

  // ---- valid rules beside the hostile ones: all must be parsed and normalized
  add('sigma/ok.yml', sigma('Valid Sigma', "  sel:\n    Image|endswith: '\\\\powershell.exe'\n    CommandLine|contains: ' -enc '\n  condition: sel"), 'ok', 'a valid rule');
  add('sigma/ok-utf16.yml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(sigma('Valid UTF-16', "  sel:\n    Image|endswith: '\\\\cmd.exe'\n  condition: sel"), 'utf16le')]), 'ok', 'UTF-16 LE with BOM');
  add('sigma/ok-bom-crlf.yml', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(sigma('Valid BOM CRLF', "  sel:\n    Image|endswith: '\\\\wscript.exe'\n  condition: sel").replace(/\n/g, '\r\n'))]), 'ok', 'UTF-8 BOM and CRLF');
  add('sigma/ok-regex.yml', sigma('Catastrophic regex', "  sel:\n    CommandLine|re: '(a+)+$'\n  condition: sel"), 'ok', 'a regex that backtracks catastrophically is data, not a problem for the parser');
  add('sigma/proto.yml', sigma('Prototype keys', "  __proto__:\n    __proto__: x\n    constructor: y\n  prototype:\n    prototype|contains: z\n  condition: __proto__ or prototype", 'constructor:\n  prototype:\n    polluted: yes\n'), 'ok', '__proto__, constructor and prototype as keys everywhere');
  add('sigma/proto-top.yml', sigma('Prototype metadata', "  sel:\n    Image: x\n  condition: sel", '__proto__:\n  isAdmin: true\n'), 'ok', 'a top-level __proto__ key kept as metadata');
  add('elastic/proto.toml', toml('Prototype metadata', 'kuery', 'process.name : "a.exe"').replace('[rule]\n', '[rule]\n__proto__ = { isAdmin = true }\n'), 'ok', 'a __proto__ key in a TOML rule');
  add('splunk/detections/proto.yml', splunk('Prototype metadata', 'index=main process_name=a.exe') + '__proto__:\n  isAdmin: true\n', 'ok', 'a __proto__ key in a Splunk detection');
  add('elastic/ok.toml', toml('Valid KQL', 'kuery', 'process.name : "rundll32.exe" and not process.args : "*temp*"'), 'ok', 'a valid rule');
  add('splunk/detections/ok.yml', splunk('Valid SPL', '| tstats count from datamodel=Endpoint.Processes where Processes.process_name=rundll32.exe by Processes.dest | `drop_dm_object_name(Processes)` | `valid_spl_filter`'), 'ok', 'a valid detection');

  // ---- invalid syntax of every container format
  add('sigma/invalid-yaml.yml', 'title: broken\ndetection:\n  sel:\n    Image: [a, b\n  condition: sel\n', err('yaml.syntax'), 'invalid YAML');
  add('elastic/invalid.toml', '[rule]\nname = "broken\nlanguage = "kuery"\n', err('toml.syntax'), 'invalid TOML');
  add('elastic/export.ndjson', '{"rule_id": "x1", "type": "query", "language": "kuery", "name": "ok line", "query": "process.name: a.exe"}\n{"rule_id": "x2", "type": "query", broken\n', err('json.syntax'), 'an NDJSON export with a broken line (the good line still parses)');
  add('splunk/detections/invalid-yaml.yml', 'name: broken\nsearch: "a\nid: x\n', err('yaml.syntax'), 'invalid YAML in a Splunk detection');

  // ---- wrong types in rule fields
  add('sigma/wrong-types.yml', 'title: [not, a, string]\nid: 5\nstatus: 7\nlogsource: windows\ntags: 12\ndetection:\n  sel:\n    Image: {nested: map}\n  condition: 42\n', err('sigma.condition.type', 'sigma.rule.logsource', 'sigma.detection.type', 'sigma.value.type', 'sigma.rule.title-missing'), 'wrong types in every Sigma field');
  add('elastic/wrong-types.toml', '[metadata]\nmaturity = 3\n\n[rule]\nname = 5\nrule_id = ["x"]\ntype = "query"\nlanguage = "kuery"\nquery = 12\nindex = "not-a-list"\n', err('elastic.rule.missing', 'elastic.rule.query-missing', 'elastic.rule.query-missing', 'elastic.language.unknown'), 'wrong types in Elastic rule fields');
  add('splunk/detections/wrong-types.yml', 'name: [x]\nid: 5\nsearch: 12\ntags: nope\n', err('splunk.detection.invalid', 'splunk.detection.field'), 'wrong types in Splunk fields');

  // ---- unknown modifiers, functions, commands, macros
  add('sigma/unknown-modifier.yml', sigma('Unknown modifier', "  sel:\n    Image|sounds_like: x\n  condition: sel"), err('sigma.modifier.unknown'), 'an unknown Sigma modifier');
  add('elastic/unknown-function.toml', toml('Unknown EQL function', 'eql', 'process where frobnicate(process.name, "x")', 'eql'), { codes: ['eql.function.unknown'] }, 'an unknown EQL function');
  add('splunk/detections/unknown-command.yml', splunk('Unknown command', 'index=main process_name=x | frobnicate hard | stats count'), { codes: ['spl.command.unknown'] }, 'an unknown SPL command');
  add('splunk/detections/unknown-macro.yml', splunk('Unknown macro', '`no_such_macro` process_name=x'), { codes: ['spl.macro.unknown'] }, 'an unknown macro');

  // ---- unbalanced parentheses, quotes and brackets in each language
  add('sigma/unbalanced.yml', sigma('Unbalanced condition', "  sel:\n    Image: x\n  condition: (sel and"), err('sigma.condition.syntax'), 'unbalanced parentheses in a Sigma condition');
  add('elastic/kql-unbalanced.toml', toml('Unbalanced KQL', 'kuery', 'process.name : ("a.exe" or "b.exe"'), err('kql.syntax'), 'unbalanced parentheses in KQL');
  add('elastic/kql-quote.toml', toml('Unbalanced KQL quote', 'kuery', 'process.name : "a.exe'), err('kql.syntax'), 'an unterminated KQL string');
  add('elastic/eql-unbalanced.toml', toml('Unbalanced EQL', 'eql', 'sequence [process where process.name == "a"', 'eql'), err('eql.syntax'), 'an unbalanced EQL bracket');
  add('elastic/esql-unbalanced.toml', toml('Unbalanced ES|QL', 'esql', 'from logs-* | where (process.name == "a"', 'esql'), err('esql.syntax'), 'unbalanced parentheses in ES|QL');
  add('elastic/lucene-unbalanced.toml', toml('Unbalanced Lucene', 'lucene', 'process.name:(a OR b'), err('lucene.syntax'), 'unbalanced parentheses in Lucene');
  add('splunk/detections/unbalanced.yml', splunk('Unbalanced SPL', 'index=main (process_name=a OR process_name=b | where (x="1"'), err('spl.syntax'), 'unbalanced parentheses in SPL');
  add('splunk/detections/unbalanced-quote.yml', splunk('Unbalanced SPL quote', 'index=main process_name="abc | stats count'), err('spl.syntax'), 'an unterminated SPL string');
  add('splunk/detections/unbalanced-bracket.yml', splunk('Unbalanced subsearch', 'index=main [search index=other | fields user'), err('spl.syntax'), 'an unterminated subsearch');

  // ---- hostile sizes and depths
  const bomb = ['x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let i = 1; i < 10; i++) bomb.push(`x${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
  add('sigma/alias-bomb.yml', `title: Billion laughs\n${bomb.join('\n')}\nlogsource:\n  product: windows\ndetection:\n  sel:\n    Image: *a9\n  condition: sel\n`, err('yaml.alias-limit'), 'a YAML alias expansion bomb');
  add('sigma/deep-yaml.yml', `title: Deep\nlogsource:\n  product: windows\ndetection:\n  sel:\n    Image: ${'['.repeat(5000)}${']'.repeat(5000)}\n  condition: sel\n`, err('yaml.depth-limit'), 'a document nested thousands deep');
  add('sigma/deep-condition.yml', sigma('Deep condition', `  sel:\n    Image: x\n  condition: ${'('.repeat(5000)}sel${')'.repeat(5000)}`), err('sigma.condition.too-deep', 'sigma.condition.too-long'), 'thousands of nested parentheses');
  add('elastic/kql-spaces.toml', toml('Spaces in a KQL value', 'kuery', `process.name : a${' '.repeat(400_000)}b`), 'ok', 'a KQL value with a run of 400,000 spaces (each is tested for a keyword after it: linear time, not quadratic)');
  add('elastic/kql-spaces-error.toml', toml('Spaces before a KQL error', 'kuery', `process.name : a${' '.repeat(400_000)}b)`), err('kql.syntax'), 'the same run of spaces before a syntax error (which the grammar reports)');
  add('elastic/kql-deep.toml', toml('Deep KQL', 'kuery', `${'('.repeat(5000)}process.name : a${')'.repeat(5000)}`), err('kql.too-deep', 'kql.too-deep'), 'thousands of nested parentheses in KQL');
  add('elastic/eql-deep.toml', toml('Deep EQL', 'eql', `process where ${'('.repeat(5000)}process.name == "a"${')'.repeat(5000)}`, 'eql'), err('eql.limit.depth'), 'thousands of nested parentheses in EQL');
  add('elastic/esql-deep.toml', toml('Deep ES|QL', 'esql', `from logs-* | where ${'('.repeat(5000)}process.name == "a"${')'.repeat(5000)}`, 'esql'), err('esql.too-deep', 'esql.too-deep'), 'thousands of nested parentheses in ES|QL');
  add('splunk/detections/deep.yml', splunk('Deep SPL', `index=main ${'('.repeat(5000)}process_name=a${')'.repeat(5000)}`), err('spl.depth-limit', 'spl.syntax'), 'thousands of nested parentheses in SPL');
  add('sigma/million.yml', `title: A million values\nlogsource:\n  product: windows\ndetection:\n  sel:\n    Image: [${Array(1_000_000).fill('v').join(',')}]\n  condition: sel\n`, err('yaml.size-limit'), 'a list with a million values');
  add('splunk/detections/deep-map.yml', splunk('Deep map search', `index=main | map search="${'| stats count('.repeat(4000)}"`), { codes: ['spl.depth-limit'], severity: 'warning' }, 'thousands of unclosed parentheses inside a map search (a quoted string the search\'s own nesting check skips)');
  add('splunk/detections/million.yml', splunk('A million values', `index=main process_name IN (${Array(1_000_000).fill('v').join(',')})`), err('spl.size-limit', 'spl.list-limit', 'spl.limit.list'), 'an IN list with a million values');
  add('elastic/long-line.toml', toml('Long line', 'kuery', `process.name : (${Array.from({ length: 200_000 }, (_, i) => `v${i}`).join(' or ')})`), err('kql.too-long', 'kql.too-long'), 'an extremely long line (a 1.6 MB query)');

  // ---- macros: recursion, mutual recursion, expansion bombs
  add('splunk/macros/self_loop.yml', 'definition: "`self_loop` process_name=x"\ndescription: calls itself\nname: self_loop\n', 'support', 'a macro used by the hostile detections');
  add('splunk/macros/ping.yml', 'definition: "`pong` a=1"\ndescription: mutual recursion\nname: ping\n', 'support', 'a macro used by the hostile detections');
  add('splunk/macros/pong.yml', 'definition: "`ping` b=2"\ndescription: mutual recursion\nname: pong\n', 'support', 'a macro used by the hostile detections');
  for (let i = 0; i < 40; i++) add(`splunk/macros/boom${i}.yml`, `definition: "\`boom${i + 1}\` \`boom${i + 1}\`"\ndescription: doubles\nname: boom${i}\n`, 'support', 'a macro used by the hostile detections');
  add('splunk/macros/boom40.yml', 'definition: "process_name=x"\ndescription: leaf\nname: boom40\n', 'support', 'a macro used by the hostile detections');
  add('splunk/macros/valid_spl_filter.yml', 'definition: search *\ndescription: filter hook\nname: valid_spl_filter\n', 'support', 'a macro used by the hostile detections');
  add('splunk/detections/recursive.yml', splunk('Recursive macro', '`self_loop`'), err('spl.macro.cycle'), 'a macro that calls itself');
  add('splunk/detections/mutual.yml', splunk('Mutually recursive macros', '`ping`'), err('spl.macro.cycle'), 'two macros that call each other');
  add('splunk/detections/macro-bomb.yml', splunk('Macro expansion bomb', '`boom0`'), err('spl.macro.size-limit', 'spl.macro.depth-limit', 'spl.size-limit'), 'a macro whose expansion doubles 40 times');

  // ---- files that are not text, or empty
  add('sigma/binary.yml', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0x3e, 0, 1, 0, 0, 0, 0xff, 0xfe, 0xfd]), err('io.encoding'), 'a binary file with a rule extension');
  add('sigma/empty.yml', '', { codes: ['io.empty'], severity: 'warning' }, 'an empty file');
  add('elastic/empty.toml', '\n\n', { codes: ['io.empty'], severity: 'warning' }, 'an empty file');
  return files;
}
