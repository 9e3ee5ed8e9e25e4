/**
 * Every escaping case of the research file (§5.2, §5.3, §5.4, §5.13, §5.17),
 * as golden values: the canonical glob / literal the AST must hold.
 * Strings below are the SPL text exactly as it appears in a search (String.raw).
 */
import { describe, expect, it } from 'vitest';
import type { Predicate } from '../../src/ast/schema.js';
import { predicates } from '../../src/ast/walk.js';
import { likePattern, searchPattern, unescapeSpl } from '../../src/vendors/splunk/escape.js';
import { run } from './helpers.js';

/** The predicates of a search's event filter, as [op, value]. */
function preds(spl: string): Array<[string, unknown]> {
  return predicates(run(spl).query).map((u) => [u.predicate.op, u.predicate.value]);
}
function one(spl: string): Predicate {
  const p = predicates(run(spl).query);
  expect(p).toHaveLength(1);
  return p[0]!.predicate;
}

describe('SPL escapes', () => {
  it('\\\\ is one backslash (quoted value)', () => {
    expect(one(String.raw`Image="*\\rundll32.exe"`).value).toBe(String.raw`*\\rundll32.exe`);
    expect(one(String.raw`Image="C:\\Windows\\x.exe"`).value).toBe(String.raw`C:\Windows\x.exe`);
  });
  it('a lone backslash before an ordinary character is a literal backslash', () => {
    // extraction_of_registry_hives: Processes.process="*\sam *"
    expect(one(String.raw`Processes.process="*\sam *"`).value).toBe(String.raw`*\\sam *`);
    // windows_dll_side_loading_in_calc: Image = "*\calc.exe"
    expect(one(String.raw`Image = "*\calc.exe"`).value).toBe(String.raw`*\\calc.exe`);
  });
  it('a backslash cannot escape *: "system32\*" is a literal backslash then a wildcard', () => {
    const p = one(String.raw`ImageLoaded="system32\*"`);
    expect(p.op).toBe('wildcard');
    expect(p.value).toBe(String.raw`system32\\*`);
  });
  it('mixed forms in one value: "*\\Windows\Temp\\*"', () => {
    expect(one(String.raw`TargetFilename="*\\Windows\Temp\\*"`).value).toBe(String.raw`*\\Windows\\Temp\\*`);
  });
  it('UNC paths: "\\\\*\\SYSVOL" is \\\\, any run, \\SYSVOL', () => {
    expect(one(String.raw`ShareName="\\\\*\\SYSVOL"`).value).toBe(String.raw`\\\\*\\SYSVOL`);
  });
  it('a phrase ending in an escaped backslash before the closing quote (baron samedit)', () => {
    const p = one(String.raw`"sudoedit -s \\"`);
    expect(p.op).toBe('match');
    expect(p.field).toBeNull();
    expect(p.value).toBe(String.raw`sudoedit -s \\`);
  });
  it('\" outside quotes does not open a string (kubernetes privileged pod)', () => {
    const p = one(String.raw`last-applied-configuration=*\"privileged\":true*`);
    expect(p.op).toBe('wildcard');
    expect(p.value).toBe('*"privileged":true*');
  });
  it('\" and \| inside a quoted value', () => {
    expect(one(String.raw`CommandLine="*\"a\|b\"*"`).value).toBe('*"a|b"*');
  });
  it('a backtick inside a quoted string is not a macro', () => {
    const r = run(String.raw`a=1 | eval p=replace(process, "`+"`"+String.raw`", "") | where p="x"`);
    expect(r.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    expect(r.macros).toEqual([]);
  });
  it('HTML entities are literal text', () => {
    expect(one(String.raw`Processes.process = "*&amp;&gt;/dev/null*"`).value).toBe('*&amp;&gt;/dev/null*');
  });
  it('hex and numeric-looking values: 0x00000001 stays a string, 4688 becomes a number, "%%14675" is literal', () => {
    expect(preds(String.raw`Registry.registry_value_data=0x00000001 EventCode="4688" | where OperationType=="%%14675"`)).toEqual([
      ['eq', '0x00000001'],
      ['eq', 4688],
      ['eq', '%%14675'],
    ]);
  });
  it('IN lists with bare backslash wildcards', () => {
    expect(preds(String.raw`RelativeTargetName IN (*\\ScheduledTasks.xml, "*\\Groups.xml")`)).toEqual([
      ['wildcard', String.raw`*\\ScheduledTasks.xml`],
      ['wildcard', String.raw`*\\Groups.xml`],
    ]);
  });
  it('eval strings: like() with % and _, and a literal * or ? escaped in the glob', () => {
    expect(preds(String.raw`a=1 | where like(cmd, "%a*b_c%")`)).toEqual([
      ['eq', 1],
      ['wildcard', String.raw`*a\*b?c*`],
    ]);
  });
  it('match() keeps the regex source with one level of string escaping removed', () => {
    const p = predicates(run(String.raw`a=1 | where match(path, "(?i)C:\\\\Users\\\\[^\\\\]+\\\\AppData")`).query)[1]!.predicate;
    expect(p.op).toBe('regex_match');
    expect(p.value).toBe(String.raw`C:\\Users\\[^\\]+\\AppData`);
    expect(p.regex).toEqual({ flavor: 'pcre', flags: 'i', anchored: false });
    expect(p.caseSensitive).toBe(false);
  });
});

describe('escape helpers', () => {
  it('unescapeSpl', () => {
    expect(unescapeSpl('a\\\\b\\"c\\|d\\e\\')).toBe('a\\b"c|d\\e\\');
  });
  it('searchPattern', () => {
    expect(searchPattern('abc')).toEqual({ wildcard: false, value: 'abc' });
    expect(searchPattern('a**b')).toEqual({ wildcard: true, value: 'a*b' });
    expect(searchPattern('a?*')).toEqual({ wildcard: true, value: String.raw`a\?*` });
  });
  it('likePattern', () => {
    expect(likePattern('abc')).toEqual({ wildcard: false, value: 'abc' });
    expect(likePattern('%x_y%')).toEqual({ wildcard: true, value: '*x?y*' });
  });
});
