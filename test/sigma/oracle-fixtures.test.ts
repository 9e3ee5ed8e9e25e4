/**
 * The fixtures in fixtures/oracle use every modifier and condition form that
 * pySigma and ruleatlas implement alike. pysigma-oracle.test.ts compares them
 * with pySigma when it is available; this test pins our output (the snapshot
 * was checked equal to pySigma's tree) so it is guarded without Python too.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { printQuery } from '../../src/ast/print.js';
import { parseText } from './helpers.js';

const dir = join(__dirname, 'fixtures', 'oracle');

for (const f of readdirSync(dir).sort()) {
  it(`${f}: parses with only the expected diagnostics and a pinned query`, () => {
    const r = parseText(readFileSync(join(dir, f), 'utf8'), { path: f });
    expect(r.rules.length).toBe(1);
    const rule = r.rules[0]!;
    expect(rule.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    expect(printQuery(rule.query, { fieldNames: 'written' })).toMatchSnapshot();
  });
}
