/**
 * No circular imports in src/ (the design card's rule): a cycle of modules
 * makes load order decide what is initialized, which breaks in one bundle
 * and not the other. Only imports that exist at run time count (`import
 * type` is erased); generated parsers import nothing of ours.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { expect, it } from 'vitest';

const SRC = resolve(__dirname, '..', '..', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'generated' ? [] : sources(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Relative modules `file` imports or re-exports at run time, as source paths. */
export function runtimeImports(file: string, text: string): string[] {
  const out: string[] = [];
  const spec = /^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\bfrom\s*)?['"](\.{1,2}\/[^'"]+)['"]/gm;
  for (const m of text.matchAll(spec)) out.push(resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts')));
  return out;
}

it('finds value imports, re-exports and side-effect imports, not type imports', () => {
  const f = join(SRC, 'a', 'b.ts');
  const text = `import { x } from './x.js';\nimport type { T } from './t.js';\nimport {\n  type U,\n  y,\n} from '../y.js';\nexport * from './z.js';\nimport './side.js';\nexport type { V } from './v.js';`;
  expect(runtimeImports(f, text).map((p) => relative(SRC, p)).sort()).toEqual(['a/side.ts', 'a/x.ts', 'a/z.ts', 'y.ts']);
});

it('src/ has no circular imports', () => {
  const files = sources(SRC);
  const known = new Set(files);
  const graph = new Map(files.map((f) => [f, runtimeImports(f, readFileSync(f, 'utf8')).filter((d) => known.has(d))]));
  const cycles: string[] = [];
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (n: string): void => {
    state.set(n, 1);
    stack.push(n);
    for (const d of graph.get(n) ?? []) {
      if (state.get(d) === 1) cycles.push(stack.slice(stack.indexOf(d)).concat(d).map((x) => relative(SRC, x)).join(' -> '));
      else if (!state.has(d)) visit(d);
    }
    stack.pop();
    state.set(n, 2);
  };
  for (const f of files) if (!state.has(f)) visit(f);
  expect(files.length).toBeGreaterThan(100);
  expect(cycles).toEqual([]);
});
