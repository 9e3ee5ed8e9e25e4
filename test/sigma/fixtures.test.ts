/** The demo rules in fixtures/sigma (used by `npm run catalog`) parse cleanly and carry what the catalog shows. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { SourceFile } from '../../src/core/source-file.js';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import { parseSigmaFile, linkSigmaRules } from '../../src/vendors/sigma/index.js';
import { topLevelExclusions } from '../../src/ast/walk.js';
import type { Rule } from '../../src/ast/schema.js';

const dir = join(__dirname, '..', '..', 'fixtures', 'sigma');

it('demo fixtures parse without diagnostics, cover the required techniques and have exclusions', () => {
  let rules: Rule[] = [];
  for (const f of readdirSync(dir).sort()) {
    const r = parseSigmaFile(new SourceFile(`fixtures/sigma/${f}`, readFileSync(join(dir, f), 'utf8')), { limits: DEFAULT_LIMITS });
    expect(r.diagnostics).toEqual([]);
    rules.push(...r.rules);
  }
  rules = linkSigmaRules(rules).rules;
  expect(rules.flatMap((r) => r.diagnostics)).toEqual([]);
  expect(rules.length).toBeGreaterThanOrEqual(10);
  const techniques = new Set(rules.flatMap((r) => r.attack.techniques));
  for (const t of ['T1114.002', 'T1059.001', 'T1218.011', 'T1003.001']) expect(techniques).toContain(t);
  const withExclusions = rules.filter((r) => topLevelExclusions(r).length > 0);
  expect(withExclusions.length).toBeGreaterThanOrEqual(8);
  expect(rules.some((r) => r.kind === 'correlation')).toBe(true);
});
