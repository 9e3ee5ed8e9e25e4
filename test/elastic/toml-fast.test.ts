/**
 * toml-fast reads the common TOML subset in one pass; on what it reads it must
 * give exactly what smol-toml (values) and locateTomlStrings (string layout)
 * give, and it must give up (null) on everything else, invalid TOML included.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { fastToml } from '../../src/vendors/elastic/toml-fast.js';
import { locateTomlStrings } from '../../src/vendors/elastic/toml-locate.js';

function reference(text: string): { doc: unknown; layout: unknown } | null {
  try {
    return { doc: parse(text), layout: locateTomlStrings(text) };
  } catch {
    return null;
  }
}

function protoOf(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(protoOf);
  if (x && typeof x === 'object') return [Object.getPrototypeOf(x) === null, Object.entries(x).map(([k, v]) => [k, protoOf(v)])];
  return x;
}

function check(text: string): void {
  const fast = fastToml(text);
  if (fast === null) return;
  const ref = reference(text);
  expect(ref, 'the fast path read invalid TOML').not.toBeNull();
  expect(isDeepStrictEqual(fast, ref)).toBe(true);
  expect(JSON.stringify(fast)).toBe(JSON.stringify(ref));
  expect(protoOf(fast.doc)).toEqual(protoOf(ref!.doc));
}

const FIX = join(__dirname, 'fixtures');
const fixtures = readdirSync(FIX)
  .filter((f) => f.endsWith('.toml'))
  .map((f) => readFileSync(join(FIX, f), 'utf8'));

const RULE = `[metadata]
creation_date = "2020/02/18"
integration = ["endpoint", 'windows']
maturity = "production"

[rule]
author = ["Elastic"]
description = """
Line one with "quotes" and a \\"escaped\\" one.
"""
false_positives = [
    """
    Indented text.
    """,  # comment
]
risk_score = 47
enabled = true
"quoted key" = 'literal \\ kept'
query = '''
process where process.name : "a.exe" and x == ''\\''
'''
duration = {value = 30, unit = "m"}

[[rule.threat]]
framework = "MITRE ATT&CK"
[[rule.threat.technique]]
id = "T1059"
[[rule.threat.technique.subtechnique]]
id = "T1059.001"

[rule.threat.tactic]
id = "TA0002"

[rule.filters.query.wildcard."file.path"]
value = "*x*"
`;

describe('toml-fast', () => {
  it('reads a typical rule file exactly as smol-toml and toml-locate do', () => {
    expect(fastToml(RULE)).not.toBeNull();
    check(RULE);
  });

  it('reads the fixture files exactly as smol-toml and toml-locate do (or gives up)', () => {
    for (const f of fixtures) check(f);
  });

  it('gives up on what it does not read', () => {
    for (const text of [
      'a.b = 1\n',
      'd = 2020-01-01\n',
      'f = 1.5\n',
      'u = "\\u0041"\n',
      'a = 1\na = 2\n',
      '[a]\n[a]\n',
      '[[a]]\n[a]\n',
      '[a]\nb = 1\n[a.b]\n',
      'a = "x\r\n"',
      '\ufeffa = 1\n',
      'a = 1 b = 2\n',
      'a = """\nx\\\n  y"""\n',
      'a = "\x01"\n',
      '__proto__ = 1\n',
      'a = {b = 1,}\n',
      'a = [,1]\n',
    ]) expect(fastToml(text), JSON.stringify(text)).toBeNull();
  });

  it('mutated rule files: same result or a fallback', () => {
    const edit = fc.tuple(fc.nat(), fc.nat({ max: 3 }), fc.constantFrom('', '"', "'", '"""', "'''", '\\', '[', ']', '[[', '{', '}', ',', '=', '#', '\n', ' ', '.', '1', '-1', '01', 'true', 'x = 1\n', '[rule]\n', '[[rule.threat]]\n', '\x01', '"a.b"', '""""', '\\"', '\\\\'));
    fc.assert(
      fc.property(fc.constantFrom(RULE, ...fixtures), fc.array(edit, { minLength: 1, maxLength: 4 }), (base, edits) => {
        let t = base;
        for (const [at, del, ins] of edits) {
          const i = at % (t.length + 1);
          t = t.slice(0, i) + ins + t.slice(i + del);
        }
        check(t);
      }),
      { seed: 20261128, numRuns: 500 },
    );
  });
});
