/**
 * The context a query parser works in: where the query text sits in the rule
 * file (so every node gets a file line/column), the limits, and the list that
 * collects diagnostics. Query parsers never throw: they add diagnostics here.
 */
import type { Diagnostic, Source } from '../../ast/schema.js';
import { diagAt } from '../../core/diagnostics.js';
import type { Limits } from '../../core/limits.js';
import type { SourceFile } from '../../core/source-file.js';

/**
 * Maps 0-based offsets of a query text to 0-based offsets of its file. The
 * common case (a TOML literal string, `'''...'''`) is a constant shift; a
 * string with escapes (TOML basic, JSON, an ES|QL "..." literal) carries a
 * per-character map: `map[k]` is the file offset of decoded character k.
 */
export interface QueryLoc {
  file: SourceFile;
  base: number;
  map?: number[];
}

export interface QueryCtx {
  loc: QueryLoc;
  limits: Limits;
  diagnostics: Diagnostic[];
}

export function fileOffset(loc: QueryLoc, i: number): number {
  if (!loc.map) return loc.base + i;
  const m = loc.map;
  if (m.length === 0) return loc.base;
  return m[Math.max(0, Math.min(i, m.length - 1))]!;
}

/** A location for a substring of the query whose characters come from query offsets `offsets`. */
export function subLoc(loc: QueryLoc, offsets: number[]): QueryLoc {
  return { file: loc.file, base: fileOffset(loc, offsets[0] ?? 0), map: offsets.map((o) => fileOffset(loc, o)) };
}

/** A location shifted by `start` characters (a raw substring, no escapes). */
export function shiftLoc(loc: QueryLoc, start: number): QueryLoc {
  if (!loc.map) return { file: loc.file, base: loc.base + start };
  return { file: loc.file, base: fileOffset(loc, start), map: loc.map.slice(Math.min(start, loc.map.length - 1)) };
}

export function sourceAt(loc: QueryLoc, query: string, start: number, end: number): Source {
  const a = loc.file.position(fileOffset(loc, start));
  const b = loc.file.position(fileOffset(loc, end));
  return { vendor: 'elastic', line: a.line, column: a.column, endLine: b.line, endColumn: b.column, text: query.slice(start, end) };
}

export function diagQuery(ctx: QueryCtx, severity: Diagnostic['severity'], code: string, message: string, start?: number, end?: number, expected?: string[]): void {
  const off = start === undefined ? undefined : fileOffset(ctx.loc, start);
  const endOff = end === undefined ? undefined : fileOffset(ctx.loc, end);
  ctx.diagnostics.push(diagAt(ctx.loc.file, severity, code, message, off, endOff, expected));
}

/**
 * Runs a generated Peggy parser with its expectation bookkeeping off first
 * (`peg$silentFails`): Peggy records, at every failed alternative, what it
 * expected there, only to build the message of a syntax error, and almost
 * every query parses. The tree of a successful parse is the same; a failure
 * is parsed again with the bookkeeping on, which throws the usual error (same
 * message, location and `expected` list).
 */
export function parseQuietly<T>(parse: (text: string, options?: Record<string, unknown>) => T, text: string, options: Record<string, unknown> = {}): T {
  try {
    return parse(text, { ...options, peg$silentFails: 1 });
  } catch {
    return parse(text, options);
  }
}

/** Peggy syntax error -> diagnostic (never throws). */
export function syntaxDiag(ctx: QueryCtx, code: string, e: unknown): void {
  const err = e as { message?: string; location?: { start: { offset: number }; end: { offset: number } }; expected?: Array<{ type: string; text?: string; description?: string }> | null };
  if (err && err.location) {
    const expected = [...new Set((err.expected ?? []).map((x) => x.description ?? (x.text !== undefined ? JSON.stringify(x.text) : x.type)))].slice(0, 12);
    diagQuery(ctx, 'error', code, `syntax error: ${err.message ?? 'invalid query'}`, err.location.start.offset, err.location.end.offset, expected);
  } else if (e instanceof RangeError) {
    diagQuery(ctx, 'error', code.replace(/\.syntax$/, '') + '.too-deep', 'query nests too deeply to parse', 0);
  } else {
    diagQuery(ctx, 'error', code, `parser failure: ${String((err && err.message) || e)}`, 0);
  }
}

/**
 * Deepest nesting of ( [ { outside double-quoted strings: checked before a
 * grammar runs, so that hostile nesting becomes a diagnostic, not a stack overflow.
 */
export function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inStr = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inStr) {
      if (c === 92) i++;
      else if (c === 34) inStr = false;
      continue;
    }
    if (c === 34) inStr = true;
    else if (c === 40 || c === 91 || c === 123) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === 41 || c === 93 || c === 125) depth = Math.max(0, depth - 1);
  }
  return max;
}

/** Limits checks shared by every query language; true when the query may be parsed. */
export function withinLimits(ctx: QueryCtx, text: string, lang: string): boolean {
  if (text.length > ctx.limits.maxQueryChars) {
    diagQuery(ctx, 'error', `${lang}.too-long`, `query has ${text.length} characters, more than the limit of ${ctx.limits.maxQueryChars}`, 0);
    return false;
  }
  const depth = nestingDepth(text);
  if (depth > ctx.limits.maxDepth) {
    diagQuery(ctx, 'error', `${lang}.too-deep`, `query nests ${depth} levels deep, more than the limit of ${ctx.limits.maxDepth}`, 0);
    return false;
  }
  return true;
}
