/**
 * TOML loading shared by rule and hunting files: smol-toml for values (its
 * errors carry line/column and become diagnostics), toml-locate for where the
 * query strings sit, so predicates can point at file lines and columns.
 * toml-fast reads the common subset of both in one pass first.
 */
import { parse as parseToml } from 'smol-toml';
import type { Diagnostic } from '../../ast/schema.js';
import { diagLine } from '../../core/diagnostics.js';
import type { SourceFile } from '../../core/source-file.js';
import type { QueryLoc } from './context.js';
import { fastToml } from './toml-fast.js';
import { decodeTomlBasic, locateTomlStrings, type TomlLayout, type TomlStringLoc } from './toml-locate.js';

export type Json = Record<string, unknown>;

export function loadToml(file: SourceFile, maxBytes: number): { doc: Json | null; layout: TomlLayout | null; diagnostics: Diagnostic[] } {
  if (file.text.length > maxBytes) {
    return { doc: null, layout: null, diagnostics: [diagLine(file.path, 'error', 'file.too_large', `file has ${file.text.length} characters, more than the limit of ${maxBytes}`, 1, 1)] };
  }
  // The common case in one pass (same values and layout); anything it does not read, smol-toml.
  const fast = fastToml(file.text);
  if (fast) return { doc: fast.doc, layout: fast.layout, diagnostics: [] };
  try {
    const doc = parseToml(file.text) as Json;
    return { doc, layout: locateTomlStrings(file.text), diagnostics: [] };
  } catch (e) {
    const err = e as { line?: number; column?: number; message?: string };
    const msg = String(err?.message ?? e).split('\n')[0]!;
    return { doc: null, layout: null, diagnostics: [diagLine(file.path, 'error', 'toml.syntax', msg, err?.line, err?.column)] };
  }
}

/**
 * The QueryLoc of a string value. Literal strings map 1:1; basic strings map
 * through their escapes. The located text must decode to exactly `value`,
 * else (CRLF files, an unusual layout) we fall back to the string's start and
 * say so in the returned flag.
 */
export function stringLoc(file: SourceFile, loc: TomlStringLoc | undefined, value: string): { loc: QueryLoc | null; exact: boolean } {
  if (!loc) return { loc: null, exact: false };
  if (loc.kind === 'literal' || loc.kind === 'ml-literal') {
    const exact = file.text.slice(loc.start, loc.end) === value;
    return { loc: { file, base: loc.start }, exact };
  }
  const d = decodeTomlBasic(file.text, loc.start, loc.end, loc.kind === 'ml-basic');
  if (d.value === value) return { loc: { file, base: loc.start, map: d.map }, exact: true };
  return { loc: { file, base: loc.start }, exact: false };
}

export function findString(layout: TomlLayout | null, path: string, index = 0): TomlStringLoc | undefined {
  if (!layout) return undefined;
  let k = 0;
  for (const s of layout.strings) if (s.path === path && k++ === index) return s;
  return undefined;
}

export function headerOffset(layout: TomlLayout | null, name: string): number {
  return layout?.headers.find((h) => h.name === name)?.offset ?? 0;
}

export function isObj(x: unknown): x is Json {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
