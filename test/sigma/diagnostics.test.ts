/**
 * Every diagnostic the Sigma parser emits, with severity and position. A bad
 * rule never throws and is never dropped: the rule is produced with its
 * diagnostics and the bad part as an opaque node.
 */
import { describe, expect, it } from 'vitest';
import { diags, parseText, rule } from './helpers.js';
import { opaqueNodes } from '../../src/ast/walk.js';

const item = (key: string, value: string) => rule(`    sel:\n        ${key}: ${value}\n    condition: sel`);

describe('modifier diagnostics name the modifier chain', () => {
  const cases: Array<[string, string, string, string[], string]> = [
    ['unknown modifier', 'CommandLine|contain', "'x'", ['error sigma.modifier.unknown @9:9'], "'CommandLine|contain': unknown modifier 'contain'"],
    // Names of Object.prototype members are unknown modifiers too (they once crashed the file).
    ['toString as a modifier', 'CommandLine|toString', "'x'", ['error sigma.modifier.unknown @9:9'], "'CommandLine|toString': unknown modifier 'toString'"],
    ['constructor as a modifier', 'CommandLine|contains|constructor', "'x'", ['error sigma.modifier.unknown @9:9'], "'CommandLine|contains|constructor': unknown modifier 'constructor'"],
    ['__proto__ as a modifier', 'CommandLine|__proto__', "'x'", ['error sigma.modifier.unknown @9:9'], "'CommandLine|__proto__': unknown modifier '__proto__'"],
    ['re not first', 'CommandLine|contains|re', "'x'", ['error sigma.modifier.order @9:9'], "'CommandLine|contains|re': 're' must be the first modifier (it applies to the unmodified value)"],
    ['cidr not first', 'Ip|startswith|cidr', "'10.0.0.0/8'", ['error sigma.modifier.order @9:9'], ''],
    ['base64offset after contains', 'CommandLine|contains|base64offset', "'x'", ['error sigma.modifier.wildcard @9:9'], "'CommandLine|contains|base64offset': base64offset encoding of a value with wildcards or placeholders is not allowed"],
    ['base64 of a wildcard', 'CommandLine|base64', "'a*'", ['error sigma.modifier.wildcard @9:9'], ''],
    ['string given to gt', 'Count|gt', "'5'", ['error sigma.modifier.type @9:9'], "'Count|gt': modifier 'gt' cannot be applied to a string value (expects number or timestamp part)"],
    ['number given to contains', 'Code|contains', '5', ['error sigma.modifier.type @9:9'], ''],
    ['flag without re', 'CommandLine|i', "'x'", ['error sigma.modifier.type @9:9'], ''],
    ['exists with a string', 'User|exists', "'yes'", ['error sigma.modifier.type @9:9'], ''],
    ['exists after another modifier (pySigma: only unmodified booleans)', 'User|neq|exists', 'true', ['error sigma.modifier.order @9:9'], ''],
    ['exists without a field', "'|exists'", 'true', ['error sigma.modifier.exists-field @9:9'], ''],
    ['fieldref with a wildcard', 'A|fieldref', "'B*'", ['error sigma.modifier.wildcard @9:9'], ''],
    ['windash on a regex', 'A|re|windash', "'-x'", ['error sigma.modifier.type @9:9'], ''],
    ['invalid CIDR (prefix)', 'Ip|cidr', "'10.0.0.0/33'", ['error sigma.cidr.invalid @9:9'], ''],
    ['invalid CIDR (host bits)', 'Ip|cidr', "'10.0.0.1/8'", ['error sigma.cidr.invalid @9:9'], "'Ip|cidr': invalid CIDR network: 10.0.0.1/8 has host bits set"],
    ['invalid CIDR (address)', 'Ip|cidr', "'fe80:::1/64'", ['error sigma.cidr.invalid @9:9'], ''],
    ['duplicate modifier', 'A|contains|contains', "'x'", ['warning sigma.modifier.duplicate @9:9'], ''],
  ];
  for (const [name, key, value, expected, message] of cases) {
    it(name, () => {
      const text = item(key, value);
      expect(diags(text)).toEqual(expected);
      const r = parseText(text).rules[0]!;
      if (message) expect(r.diagnostics[0]!.message).toBe(message);
      // The rule is still produced; an erroneous item is an opaque node.
      if (expected.some((e) => e.startsWith('error'))) expect(opaqueNodes(r.query).length).toBe(1);
    });
  }
});

describe('value and selection diagnostics', () => {
  it('invalid regex, too long regex, unsupported inline flags', () => {
    expect(diags(item('A|re', "'(ab'"))).toEqual(['error sigma.regex.invalid @9:15']);
    expect(diags(item('A|re', "'[a'"))).toEqual(['error sigma.regex.invalid @9:15']);
    expect(diags(item('A|re', "'abcdef'"), { limits: { maxRegexChars: 3 } })).toEqual(['error sigma.regex.too-long @9:15']);
    expect(diags(item('A|re', "'(?x)a b'"))).toEqual(['warning sigma.regex.flags @9:15']);
  });
  it('null keywords, empty selections, maps in value lists, unsupported selection types', () => {
    expect(diags(rule('    sel: null\n    condition: sel'))).toEqual(['error sigma.value.null-keyword @8:10']);
    expect(diags(rule("    sel: ['a', null]\n    condition: sel"))).toEqual(['error sigma.value.null-keyword @8:16']);
    expect(diags(rule('    sel: []\n    condition: sel'))).toEqual(['error sigma.detection.empty @8:10']);
    expect(diags(rule('    sel: {}\n    condition: sel'))).toEqual(['error sigma.detection.empty @8:10']);
    expect(diags(item('A', '[{b: 1}]'))).toEqual(['error sigma.value.type @9:9']);
    expect(diags(rule('    sel:\n        "|all": []\n    condition: sel'))).toEqual(['error sigma.value.null-keyword @9:9']);
  });
  it('unquoted YAML 1.1 booleans (yes/no/on/off) are kept as strings with a warning', () => {
    expect(diags(item('Enabled', 'yes'))).toEqual(['warning sigma.value.yaml11-bool @9:18']);
    expect(diags(item('Enabled', "'yes'"))).toEqual([]);
    expect(diags(item('Enabled', "[On, 'off']"))).toEqual(['warning sigma.value.yaml11-bool @9:19']);
  });
  it('octal-looking numbers are kept as text with a warning', () => {
    expect(diags(item('Details', '0755'))).toEqual(['warning sigma.value.octal @9:18']);
    expect(diags(item('Details', '00000429'))).toEqual([]);
  });
  it('predicate limit: Cartesian blow-ups become a diagnostic, not a hang', () => {
    expect(diags(item('A|windash', `'${' -a'.repeat(12)}'`))).toEqual(['error sigma.limit.predicates @9:9']);
    expect(diags(item('A|contains', "['a', 'b', 'c', 'd']"), { limits: { maxPredicatesPerRule: 3 } })).toEqual(['error sigma.limit.predicates @8:5']);
    expect(diags(item('A|expand', "'%x%%y%'"), { limits: { maxPredicatesPerRule: 10 }, placeholders: { x: ['1', '2', '3', '4'], y: ['1', '2', '3', '4'] } })).toEqual(['error sigma.limit.predicates @8:5']);
  });
  it('unused selections, timeframe without aggregation, invalid timeframe', () => {
    expect(diags(rule("    sel:\n        A: 1\n    other:\n        B: 2\n    condition: sel"))).toEqual(['warning sigma.detection.unused @10:5']);
    expect(diags(rule("    sel:\n        A: 1\n    timeframe: 5m\n    condition: sel"))).toEqual(['warning sigma.detection.timeframe @10:5']);
    expect(diags(rule("    sel:\n        A: 1\n    timeframe: soon\n    condition: sel | count() > 1"))).toEqual(['error sigma.detection.timeframe @10:16', 'warning sigma.condition.legacy-aggregation @11:22']);
    expect(diags(rule('    - A: 1'))).toEqual(['error sigma.detection.invalid @8:5']);
    expect(diags(rule('    sel: !!binary aGk=\n    condition: sel'))).toEqual(['error yaml.syntax @8:23']);
  });
});

describe('document diagnostics', () => {
  it('metadata problems are warnings; the rule is still produced', () => {
    const text = 'detection:\n    sel:\n        A: 1\n    condition: sel\nlevel: severe\nstatus: beta\ntags: [attack.t1059.001, attack.execution, attack.x1, 5]\nlogsource: {product: 5}\n';
    expect(diags(text)).toEqual([
      'warning sigma.rule.id-missing @1:1',
      'warning sigma.rule.title-missing @1:1',
      'warning sigma.rule.level @5:8',
      'warning sigma.rule.status @6:9',
      'warning sigma.rule.tag-unknown @7:44',
      'warning sigma.rule.tags @7:55',
      'warning sigma.rule.logsource @8:22',
    ]);
    const r = parseText(text).rules[0]!;
    expect(r.id).toBe('test.yml#1');
    expect(r.attack).toEqual({ techniques: ['T1059.001'], tactics: ['execution'], raw: ['attack.t1059.001', 'attack.execution', 'attack.x1'] });
  });
  it('missing detection and logsource, non-map documents, files without rules, invalid YAML', () => {
    expect(diags('title: x\nid: y\n')).toEqual(['error sigma.rule.no-detection @1:1', 'warning sigma.rule.logsource-missing @1:1']);
    expect(diags('- a\n- b\n')).toEqual(['error sigma.document.invalid @1:1', 'error sigma.document.none @1:1'].slice(0, 1));
    expect(diags('# only a comment\n')).toEqual(['error sigma.document.none @1:1']);
    expect(diags('title: [unclosed\n')).toEqual(['error yaml.syntax @2:1']);
    expect(diags(rule('    sel:\n        A: 1\n    condition: sel', 'logsource: [x]'))).toContain('error yaml.syntax @12:1');
  });
  it('a condition longer than maxQueryChars', () => {
    expect(diags(rule('    sel:\n        A: 1\n    condition: sel and sel'), { limits: { maxQueryChars: 5 } })).toEqual(['error sigma.condition.too-long @10:16']);
  });
});
