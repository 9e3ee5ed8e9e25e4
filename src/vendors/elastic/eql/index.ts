/**
 * EQL entry point: query text -> unified Query + diagnostics. Never throws.
 *
 * The text is parsed by grammars/eql.peggy (syntax only) and converted by
 * EqlConverter (semantics). On a syntax error the whole query becomes one
 * opaque filter and an `eql.syntax` error points at the file line/column.
 * See docs/semantics/elastic-eql.md for every semantic decision.
 */
import { opaque } from '../../../ast/build.js';
import type { Diagnostic, Query } from '../../../ast/schema.js';
import { diagAt } from '../../../core/diagnostics.js';
import type { Limits } from '../../../core/limits.js';
import type { SourceFile } from '../../../core/source-file.js';
import { parse, SyntaxError as PeggySyntaxError } from '../../../generated/eql.js';
import { parseQuietly } from '../context.js';
import { readEql } from './reader.js';
import { EqlConverter } from './convert.js';
import { maxNesting } from './prescan.js';
import type { QuerySyn } from './syntax.js';

export interface EqlContext {
  file: SourceFile;
  /** 0-based offset of the query text inside `file`. */
  offset: number;
  limits: Limits;
  /**
   * Field that `<category> where` tests: the rule's `event_category_override`
   * (15 production rules set it, 13 of them to `event.type`). Default `event.category`.
   */
  categoryField?: string;
}

export interface EqlResult {
  query: Query;
  diagnostics: Diagnostic[];
}

/** The token at a syntax error: a word, or one character. */
const TOKEN_AT = /^(?:[A-Za-z0-9_@]+|"(?:[^"\\\r\n]|\\.)*"?|\S)/;
const KEYWORDS = new Set(['and', 'any', 'by', 'false', 'in', 'join', 'like', 'maxspan', 'not', 'null', 'of', 'or', 'regex', 'sample', 'sequence', 'true', 'until', 'where', 'with']);

/** A token for a message; invisible characters (NBSP, zero-width, controls) by code point, since EQL whitespace is only space, tab, CR, LF. */
function describeToken(token: string): string {
  if (token.length <= 2 && /^[\s\p{C}\u200B-\u200D\u2060\uFEFF]$/u.test(token)) return `U+${token.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} (EQL whitespace is only space, tab, CR and LF)`;
  return JSON.stringify(token);
}

/** Longest text kept in the opaque node of a query that could not be parsed. */
const OPAQUE_TEXT_MAX = 10_000;

export function parseEql(text: string, ctx: EqlContext): EqlResult {
  const { file, offset, limits } = ctx;
  const fail = (code: string, message: string, at: number, reason: string, expected?: string[]): EqlResult => {
    const d = diagAt(file, 'error', code, message, offset + at, undefined, expected);
    const p = file.position(offset);
    const shown = text.length > OPAQUE_TEXT_MAX ? text.slice(0, OPAQUE_TEXT_MAX) + '…' : text;
    return { query: { kind: 'filter', filter: opaque(shown, reason, { vendor: 'elastic', line: p.line, column: p.column, text: shown }) }, diagnostics: [d] };
  };

  if (text.length > limits.maxQueryChars) {
    return fail('eql.limit.query-chars', `EQL query has ${text.length} characters, more than limits.maxQueryChars (${limits.maxQueryChars})`, 0, 'query over the size limit');
  }
  const nesting = maxNesting(text, limits.maxDepth);
  if (nesting.depth > limits.maxDepth) {
    return fail('eql.limit.depth', `EQL query nests brackets or comments deeper than limits.maxDepth (${limits.maxDepth})`, nesting.at, 'query over the nesting limit');
  }

  let syn: QuerySyn;
  try {
    // The hand-written reader first; a query it does not read is parsed by the grammar, which reports the error.
    syn = readEql(text) ?? (parseQuietly(parse, text) as QuerySyn);
  } catch (e) {
    if (e instanceof PeggySyntaxError) {
      const at = e.location?.start.offset ?? 0;
      const expected = summarizeExpected(e.expected);
      // A grammar action's error(...) carries its own message and no expectation list.
      if (e.expected === null) return fail('eql.syntax', `EQL syntax error: ${e.message}`, at, 'EQL syntax error');
      const open = nesting.unterminated;
      if (open && open.at <= at) return fail('eql.syntax', `EQL syntax error: unterminated ${open.what}`, open.at, 'EQL syntax error', expected);
      const token = at >= text.length ? null : (TOKEN_AT.exec(text.slice(at, at + 200))?.[0] ?? text[at]!);
      let message = `EQL syntax error: unexpected ${token === null ? 'end of query' : describeToken(token)}`;
      if (token !== null && token !== token.toLowerCase() && KEYWORDS.has(token.toLowerCase())) message += ` (EQL keywords are lower-case: \`${token.toLowerCase()}\`)`;
      return fail('eql.syntax', message, at, 'EQL syntax error', expected);
    }
    // A RangeError (stack) or anything unforeseen: report, never throw.
    return fail('eql.internal', `EQL parser failed: ${e instanceof Error ? e.message : String(e)}`, 0, 'EQL parser failure');
  }

  const conv = new EqlConverter(text, { file, offset, limits, categoryField: ctx.categoryField ?? 'event.category' });
  try {
    const query = conv.query(syn);
    return { query, diagnostics: sortByPosition(conv.diagnostics) };
  } catch (e) {
    const r = fail('eql.internal', `EQL conversion failed: ${e instanceof Error ? e.message : String(e)}`, 0, 'EQL conversion failure');
    // No spread into a call: there can be very many diagnostics.
    return { query: r.query, diagnostics: conv.diagnostics.concat(r.diagnostics) };
  }
}

/** Diagnostics in reading order (the converter finds some out of order); stable for equal positions. */
function sortByPosition(ds: Diagnostic[]): Diagnostic[] {
  return ds.length < 2 ? ds : ds.map((d, i) => [d, i] as const).sort(([a, i], [b, j]) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0) || i - j).map(([d]) => d);
}

/** Peggy's expectation list, deduplicated and readable (`"where"`, `string`, ...). */
function summarizeExpected(expected: Array<{ type: string; text?: string; description?: string }> | null): string[] | undefined {
  if (!expected?.length) return undefined;
  const out = new Set<string>();
  for (const x of expected) {
    if (x.type === 'literal' && x.text !== undefined) out.add(JSON.stringify(x.text));
    else if (x.type === 'end') out.add('end of query');
    else if (x.description) out.add(x.description);
  }
  return [...out].sort().slice(0, 30);
}
