/**
 * What an installed ruleatlas needs at run time: the built bundles (dist/)
 * may import Node's built-in modules and the packages of `dependencies`,
 * nothing else. A devDependency imported by the bundle would work here and
 * fail for every user (npm installs no devDependencies of a dependency);
 * @elastic/ecs, for example, is read at build time only (grammars/ecs-names.mjs).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '..', '..');
const dist = join(root, 'dist');
const HAS_DIST = existsSync(join(dist, 'index.js'));
if (!HAS_DIST) console.warn('[skip] package imports: dist/ is not built (npm run build)');

/** Package names a bundle's source imports or requires (bare specifiers only). */
export function importedPackages(code: string): Set<string> {
  const out = new Set<string>();
  // Static imports and re-exports (their clause may span lines), side-effect imports, import() and require().
  const spec = /(?:^\s*(?:import|export)\b[^;'"]*?\bfrom\s*|^\s*import\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)["']([@\w][\w@/.:-]*)["']/gm;
  for (const m of code.matchAll(spec)) {
    const s = m[1]!.replace(/^node:/, '');
    const name = s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!;
    out.add(name);
  }
  return out;
}

describe('package imports', () => {
  it('finds bare imports, requires and dynamic imports, and ignores relative ones', () => {
    const code = `import a from "yaml";\nimport { b } from 'node:fs';\nconst c = require("@scope/pkg/sub");\nawait import('./chunk.js');\nimport "side-effect";\nexport * from "zod";`;
    expect([...importedPackages(code)].sort()).toEqual(['@scope/pkg', 'fs', 'side-effect', 'yaml', 'zod']);
  });

  it.skipIf(!HAS_DIST)('the built bundles import only Node built-ins and `dependencies`', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    const allowed = new Set([...builtinModules, ...Object.keys(pkg.dependencies ?? {})]);
    const bundles = readdirSync(dist).filter((f) => /\.(c?js)$/.test(f));
    expect(bundles.length).toBeGreaterThan(2);
    const stray: string[] = [];
    for (const f of bundles) for (const p of importedPackages(readFileSync(join(dist, f), 'utf8'))) if (!allowed.has(p)) stray.push(`${f}: ${p}`);
    expect(stray).toEqual([]);
  });
});
