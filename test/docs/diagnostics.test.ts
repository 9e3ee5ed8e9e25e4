/**
 * Every diagnostic code the source emits is listed in docs/diagnostics.md,
 * and every code listed there still exists in the source.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');
const CODE = /['`]((?:yaml|io|cache|sigma|kql|eql|esql|lucene|spl|splunk|elastic|toml|json|attack|mappings|normalize|events|evaluate|internal|parser)\.[a-z0-9.-]*[a-z0-9])['`]/g;
/** Strings with a code's shape that are not codes: ATT&CK tags in comments and examples, file names. */
const NOT_CODES = new Set(['attack.execution', 'attack.t1059.001', 'events.json']);
/** Codes built from a language prefix at run time (src/vendors/elastic/context.ts). */
const DYNAMIC = ['kql', 'esql', 'lucene'].flatMap((l) => [`${l}.too-long`, `${l}.too-deep`]);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'generated' ? [] : sources(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

it('docs/diagnostics.md lists exactly the codes the source emits', () => {
  const inSource = new Set<string>(DYNAMIC);
  for (const f of sources(join(ROOT, 'src'))) for (const m of readFileSync(f, 'utf8').matchAll(CODE)) if (!NOT_CODES.has(m[1]!)) inSource.add(m[1]!);
  const doc = readFileSync(join(ROOT, 'docs', 'diagnostics.md'), 'utf8');
  const inDoc = new Set([...doc.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!));
  expect([...inSource].filter((c) => !inDoc.has(c)).sort(), 'codes missing from docs/diagnostics.md').toEqual([]);
  expect([...inDoc].filter((c) => !inSource.has(c)).sort(), 'codes in docs/diagnostics.md that no longer exist').toEqual([]);
});
