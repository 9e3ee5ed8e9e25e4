/**
 * Golden tests for every value modifier pySigma knows, plus utf16le. Each case
 * is a tiny rule; the expected query text was reviewed by eye against the
 * specification and pySigma `sigma/modifiers.py` (base64 values were computed
 * independently with Python's base64 module).
 */
import { describe, expect, it } from 'vitest';
import { codes, parseText, q, rule } from './helpers.js';
import type { Predicate } from '../../src/ast/schema.js';
import { checkCidr } from '../../src/vendors/sigma/modifiers.js';
import { windash, windashCount } from '../../src/vendors/sigma/encodings.js';
import { parseSigmaString, toGlob } from '../../src/vendors/sigma/values.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const one = (key: string, value: string) => q(rule(`    sel:\n        ${key}: ${value}\n    condition: sel`));

describe('string modifiers', () => {
  it('contains / startswith / endswith wrap the value in wildcards without doubling them', () => {
    expect(one('CommandLine|contains', "'whoami'")).toMatchInlineSnapshot(`"CommandLine wildcard "*whoami*""`);
    expect(one('CommandLine|contains', "'*whoami*'")).toMatchInlineSnapshot(`"CommandLine wildcard "*whoami*""`);
    expect(one('Image|startswith', "'C:\\Windows\\'")).toMatchInlineSnapshot(`"Image wildcard "C:\\\\\\\\Windows\\\\\\\\*""`);
    expect(one('Image|endswith', "'\\cmd.exe'")).toMatchInlineSnapshot(`"Image wildcard "*\\\\\\\\cmd.exe""`);
    expect(one('Image|endswith', "'\\\\*.exe'")).toMatchInlineSnapshot(`"Image wildcard "*\\\\\\\\*.exe""`);
  });

  it('value lists are ORed; all ANDs them; vendorOp keeps the chain as written', () => {
    expect(one('CommandLine|contains', "['a', 'b']")).toMatchInlineSnapshot(`"CommandLine wildcard "*a*" or CommandLine wildcard "*b*""`);
    expect(one('CommandLine|contains|all', "['a', 'b']")).toMatchInlineSnapshot(`"CommandLine wildcard "*a*" and CommandLine wildcard "*b*""`);
    const r = parseText(rule(`    sel:\n        CommandLine|contains|all: ['a', 'b']\n    condition: sel`)).rules[0]!;
    const f = r.query.kind === 'filter' ? r.query.filter : null;
    expect(f?.type === 'and' && (f.children[0] as Predicate).vendorOp).toBe('contains|all');
  });

  it('cased makes a string case-sensitive; strings are case-insensitive otherwise', () => {
    expect(one('Image|cased', "'CMD.exe'")).toMatchInlineSnapshot(`"Image eq:cs "CMD.exe""`);
    expect(one('Image|contains|cased', "'Evil'")).toMatchInlineSnapshot(`"Image wildcard:cs "*Evil*""`);
  });

  it('windash expands every leading dash/slash into the five dash characters (Cartesian product)', () => {
    expect(one('CommandLine|contains|windash', "' -a /b'")).toContain('or');
    const r = parseText(rule(`    sel:\n        CommandLine|contains|windash: ' -a /b'\n    condition: sel`)).rules[0]!;
    const f = r.query.kind === 'filter' ? r.query.filter : null;
    expect(f?.type).toBe('or');
    expect(f?.type === 'or' && f.children.length).toBe(25);
    expect(one('CommandLine|windash', "'ab-cd'")).toMatchInlineSnapshot(`"CommandLine eq "ab-cd""`);
    expect(one('CommandLine|contains|windash', "'-HideWMP'")).toMatchInlineSnapshot(`"CommandLine wildcard "*-HideWMP*" or CommandLine wildcard "*/HideWMP*" or CommandLine wildcard "*–HideWMP*" or CommandLine wildcard "*—HideWMP*" or CommandLine wildcard "*―HideWMP*""`);
  });

  it('windash expansions equal pySigma 1.5 on 25 edge inputs (unicode word characters, wildcards, backslashes)', () => {
    // fixtures/windash-pysigma.json: input -> pySigma's expansion, as canonical globs (generated with pySigma).
    const expected = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'windash-pysigma.json'), 'utf8')) as Record<string, string[]>;
    expect(Object.keys(expected).length).toBe(25);
    for (const [input, variants] of Object.entries(expected)) {
      const v = parseSigmaString(input);
      expect([input, windashCount(v) ? windash(v).map(toGlob) : [toGlob(v)]]).toEqual([input, variants]);
    }
  });

  it('windash and base64offset stay OR groups under all (an AND of ORs)', () => {
    expect(one('CommandLine|contains|all|windash', "['-x', '/y']")).toMatchInlineSnapshot(`
      "(
        (CommandLine wildcard "*-x*" or CommandLine wildcard "*/x*" or CommandLine wildcard "*–x*" or CommandLine wildcard "*—x*" or CommandLine wildcard "*―x*")
        and
        (CommandLine wildcard "*-y*" or CommandLine wildcard "*/y*" or CommandLine wildcard "*–y*" or CommandLine wildcard "*—y*" or CommandLine wildcard "*―y*")
      )"
    `);
    expect(one('CommandLine|base64offset|contains|all', "['ab', 'cd']")).toMatchInlineSnapshot(`"(CommandLine wildcard "*YW*" or CommandLine wildcard "*Fi*" or CommandLine wildcard "*hY*") and (CommandLine wildcard "*Y2*" or CommandLine wildcard "*Nk*" or CommandLine wildcard "*jZ*")"`);
  });

  it('base64 and base64offset (values computed with Python base64)', () => {
    expect(one('CommandLine|base64', "'cmd.exe /c'")).toBe('CommandLine eq "Y21kLmV4ZSAvYw=="');
    expect(one('CommandLine|base64offset|contains', "'http'")).toBe('CommandLine wildcard "*aHR0c*" or CommandLine wildcard "*h0dH*" or CommandLine wildcard "*odHRw*"');
    expect(one('CommandLine|base64offset|contains', "'::FromBase64String'")).toBe(
      'CommandLine wildcard "*OjpGcm9tQmFzZTY0U3RyaW5n*" or CommandLine wildcard "*o6RnJvbUJhc2U2NFN0cmluZ*" or CommandLine wildcard "*6OkZyb21CYXNlNjRTdHJpbm*"',
    );
  });

  it('wide / utf16le / utf16be / utf16 re-encode before base64', () => {
    expect(one('CommandLine|wide|base64', "'whoami'")).toBe('CommandLine eq "dwBoAG8AYQBtAGkA"');
    expect(one('CommandLine|utf16le|base64', "'whoami'")).toBe('CommandLine eq "dwBoAG8AYQBtAGkA"');
    expect(one('CommandLine|utf16be|base64', "'ab'")).toBe('CommandLine eq "AGEAYg=="');
    expect(one('CommandLine|utf16|base64', "'ab'")).toBe('CommandLine eq "//5hAGIA"');
    expect(one('CommandLine|wide|base64offset|contains', "'ping'")).toBe('CommandLine wildcard "*cABpAG4AZw*" or CommandLine wildcard "*AAaQBuAGcA*" or CommandLine wildcard "*wAGkAbgBnA*"');
  });
});

describe('regular expressions', () => {
  it('re is case-sensitive and unanchored; i/m/s and their long spellings set flags', () => {
    expect(one('CommandLine|re', "'\\s-enc\\s'")).toMatchInlineSnapshot(`"CommandLine regex_match "\\\\s-enc\\\\s""`);
    expect(one('CommandLine|re|i', "'foo'")).toMatchInlineSnapshot(`"CommandLine regex_match:i "foo""`);
    expect(one('CommandLine|re|ignorecase|multiline|dotall', "'foo'")).toMatchInlineSnapshot(`"CommandLine regex_match:ims "foo""`);
    expect(one('CommandLine|re|m|s', "'^a.b$'")).toMatchInlineSnapshot(`"CommandLine regex_match:ms "^a.b$""`);
  });

  it('an inline (?i) makes the regex case-insensitive and moves into the flags', () => {
    expect(one('CommandLine|re', "'(?i)\\s(-u|--user)\\s*:'")).toMatchInlineSnapshot(`"CommandLine regex_match:i "\\\\s(-u|--user)\\\\s*:""`);
  });

  it('regex values are raw: no wildcard or escape processing', () => {
    expect(one('CommandLine|re', "'(.){200,}'")).toMatchInlineSnapshot(`"CommandLine regex_match "(.){200,}""`);
    expect(one('CommandLine|re', "'C:\\\\Users\\\\[^\\\\]+\\\\NTUSER\\.DAT'")).toMatchInlineSnapshot(`"CommandLine regex_match "C:\\\\\\\\Users\\\\\\\\[^\\\\\\\\]+\\\\\\\\NTUSER\\\\.DAT""`);
  });

  it('contains/startswith/endswith on a regex add .* unless anchored or already present', () => {
    expect(one('CommandLine|re|contains', "'a+b'")).toMatchInlineSnapshot(`"CommandLine regex_match ".*a+b.*""`);
    expect(one('CommandLine|re|startswith', "'^a+b'")).toMatchInlineSnapshot(`"CommandLine regex_match "^a+b.*""`);
    expect(one('CommandLine|re|endswith', "'a+b$'")).toMatchInlineSnapshot(`"CommandLine regex_match ".*a+b$""`);
  });
});

describe('typed modifiers', () => {
  it('cidr accepts IPv4 and IPv6 networks', () => {
    expect(one('DestinationIp|cidr', "['10.0.0.0/8', 'fe80::/10', '192.168.1.1', '::1/128']")).toMatchInlineSnapshot(`"DestinationIp cidr "10.0.0.0/8" or DestinationIp cidr "fe80::/10" or DestinationIp cidr "192.168.1.1" or DestinationIp cidr "::1/128""`);
  });

  it('CIDR validation agrees with Python ipaddress.ip_network (strict) on every case (results computed with Python 3.11)', () => {
    const cases: Array<[string, boolean]> = [
    ['10.0.0.0/8', true],
    ['10.0.0.1/8', false],
    ['10.0.0.0/33', false],
    ['10.0.0.0/-1', false],
    ['10.0.0.0/08', true],
    ['010.0.0.0/8', false],
    ['256.0.0.0/8', false],
    ['1.2.3/24', false],
    ['1.2.3.4', true],
    ['1.2.3.4/32', true],
    ['0.0.0.0/0', true],
    ['fe80::/10', true],
    ['fe80::1/10', false],
    ['fe80:::1/64', false],
    ['::1/128', true],
    ['::/0', true],
    ['::', true],
    ['2001:db8::/32', true],
    ['2001:db8:0:0:0:0:0:0/32', true],
    ['2001:db8::1:2:3:4:5:6/128', false],
    ['2001:db8:1:2:3:4:5:6:7/128', false],
    ['::ffff:10.0.0.0/104', true],
    ['::ffff:10.0.0.1/128', true],
    ['1::2::3/64', false],
    ['fc00::/7', true],
    ['2620:83:8000::/48', true],
    ['FE80::/10', true],
    ['1.2.3.4/ 8', false],
    [' 1.2.3.4', false],
    ['fe80::%eth0/64', true],
    ['12345::/16', false],
    ];
    for (const [text, valid] of cases) expect([text, checkCidr(text) === null]).toEqual([text, valid]);
  });

  it('exists true / false', () => {
    expect(one('User|exists', 'true')).toMatchInlineSnapshot(`"User exists"`);
    expect(one('User|exists', 'false')).toMatchInlineSnapshot(`"not User exists"`);
  });

  it('fieldref alone and with contains / startswith / endswith', () => {
    expect(one('TargetFilename|fieldref', 'Image')).toMatchInlineSnapshot(`"TargetFilename eq @Image"`);
    for (const m of ['contains', 'startswith', 'endswith']) {
      const r = parseText(rule(`    sel:\n        CommandLine|fieldref|${m}: Image\n    condition: sel`)).rules[0]!;
      const p = r.query.kind === 'filter' ? (r.query.filter as Predicate) : null;
      expect(p).toMatchObject({ op: 'wildcard', value: null, ref: { name: 'Image' }, vendorOp: `fieldref|${m}` });
    }
  });

  it('gt / gte / lt / lte compare numbers', () => {
    expect(one('Count|gt', '5')).toBe('Count gt 5');
    expect(one('Count|gte', '5')).toBe('Count gte 5');
    expect(one('Count|lt', '5.5')).toBe('Count lt 5.5');
    expect(one('Count|lte', '-1')).toBe('Count lte -1');
  });

  it('neq negates the whole item', () => {
    expect(one('User|neq', "'SYSTEM'")).toMatchInlineSnapshot(`"not User eq "SYSTEM""`);
    expect(one('User|neq', "['a', 'b']")).toMatchInlineSnapshot(`"not (User eq "a" or User eq "b")"`);
  });

  it('timestamp parts compare a computed part of the field', () => {
    expect(one('EventTime|hour', '3')).toMatchInlineSnapshot(`"\`hour(EventTime)\` eq 3"`);
    for (const part of ['minute', 'day', 'week', 'month', 'year']) expect(one(`EventTime|${part}`, '7')).toBe(`\`${part}(EventTime)\` eq 7`);
    // A timestamp part is a number, so comparisons chain after it (not before it).
    expect(one('EventTime|hour|gte', '22')).toBe('`hour(EventTime)` gte 22');
    expect(codes(rule(`    sel:\n        EventTime|gte|hour: 22\n    condition: sel`))).toEqual(['sigma.modifier.type']);
  });
});

describe('expand and placeholders', () => {
  const text = rule(`    sel:\n        SubjectUserName|expand: '%Admins%'\n        Workstation|contains|expand: '%Workstations%'\n        Literal|contains: '%AppData%'\n    condition: sel`);
  it('without values the placeholder stays visible (and %x% without expand is literal text)', () => {
    expect(q(text)).toMatchInlineSnapshot(`"SubjectUserName eq %Admins% and Workstation wildcard %Workstations% and Literal wildcard "*%AppData%*""`);
    expect(codes(text)).toEqual(['sigma.placeholder.unresolved', 'sigma.placeholder.unresolved']);
  });
  it('caller values replace the placeholder (an OR of the values, wildcards allowed)', () => {
    expect(q(text, { placeholders: { Admins: ['alice', 'bob'], Workstations: ['WS-*'] } })).toMatchInlineSnapshot(`"(SubjectUserName eq "alice" or SubjectUserName eq "bob") and Workstation wildcard "*WS-*" and Literal wildcard "*%AppData%*""`);
  });
});

describe('keywords', () => {
  it('plain lists are ORed full-text matches; |all ANDs them; numbers become text', () => {
    expect(q(rule(`    keywords:\n        - 'mimikatz'\n        - 'sekurlsa::'\n    condition: keywords`))).toMatchInlineSnapshot(`"* match "mimikatz" or * match "sekurlsa::""`);
    expect(q(rule(`    keywords:\n        '|all':\n            - 'POST'\n            - 200\n    condition: keywords`))).toMatchInlineSnapshot(`"* match "POST" and * match "200""`);
    expect(q(rule(`    keywords: 'single'\n    condition: keywords`))).toMatchInlineSnapshot(`"* match "single""`);
  });
});
