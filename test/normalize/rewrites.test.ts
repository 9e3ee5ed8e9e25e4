import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseGlob } from '../../src/ast/glob.js';
import { predicate } from '../../src/ast/build.js';
import type { Predicate } from '../../src/ast/schema.js';
import { BASENAME_FIELDS, basenameTarget } from '../../src/normalize/rewrites.js';

/** The base-name rewrite as it was written before the direct reading of `*\\name` (every value through parseGlob). */
function reference(p: Predicate, separators: string): Predicate {
  if (p.op !== 'wildcard' || p.ref || p.placeholder !== undefined || typeof p.value !== 'string') return p;
  const canonical = p.field?.canonical;
  if (!canonical) return p;
  const target = BASENAME_FIELDS[canonical];
  if (!target) return p;
  const toks = parseGlob(p.value);
  if (toks.length !== 2 || toks[0]!.t !== 'star' || toks[1]!.t !== 'lit') return p;
  const lit = toks[1].s;
  const sep = lit[0]!;
  if (!separators.includes(sep)) return p;
  const name = lit.slice(1);
  if (!name) return p;
  for (let i = 0; i < name.length; i++) if (separators.includes(name[i]!) || name[i] === '\\' || name[i] === '/') return p;
  return { ...p, field: { ...p.field!, canonical: target }, op: 'eq', value: name };
}

const pathPredicate = (value: string) => predicate({ name: 'Image', canonical: 'process.executable' }, 'wildcard', value);

describe('the base-name rewrite', () => {
  it('reads `*\\\\name` directly and agrees with the parseGlob reading on any value', () => {
    const chars = fc.constantFrom('*', '?', '\\', '/', 'a', 'b', '.', 'x');
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 8 }).map((a) => a.join('')), fc.constantFrom('\\', '\\/'), (v, seps) => {
        const p = pathPredicate(v);
        const t = basenameTarget(p, seps);
        const rewritten = t ? { ...p, field: { ...p.field!, canonical: t.canonical }, op: 'eq' as const, value: t.name } : p;
        expect(rewritten).toEqual(reference(p, seps));
        expect(t === null).toBe(reference(p, seps) === p);
      }),
      { numRuns: 20_000, seed: 9 },
    );
  });

  it('common shapes', () => {
    expect(basenameTarget(pathPredicate('*\\\\cmd.exe'), '\\')).toEqual({ canonical: 'process.name', name: 'cmd.exe' });
    expect(basenameTarget(pathPredicate('**\\\\cmd.exe'), '\\')).toEqual({ canonical: 'process.name', name: 'cmd.exe' });
    expect(basenameTarget(pathPredicate('*\\cmd.exe'), '\\')).toEqual({ canonical: 'process.name', name: 'cmd.exe' });
    expect(basenameTarget(pathPredicate('*/bash'), '\\/')).toEqual({ canonical: 'process.name', name: 'bash' });
    expect(basenameTarget(pathPredicate('*/bash'), '\\')).toBeNull();
    expect(basenameTarget(pathPredicate('*\\\\a\\*b'), '\\')).toEqual({ canonical: 'process.name', name: 'a*b' });
    expect(basenameTarget(pathPredicate('*\\\\a\\\\b'), '\\')).toBeNull();
    expect(basenameTarget(pathPredicate('*\\\\cmd.exe*'), '\\')).toBeNull();
    expect(basenameTarget(pathPredicate('*\\\\'), '\\')).toBeNull();
    expect(basenameTarget(pathPredicate('*'), '\\')).toBeNull();
  });
});
