/**
 * Kibana query-DSL filters stored in a rule (`filters`, `threat_filters`) ->
 * AST nodes. A filter is `{meta: {negate, disabled, ...}, query: {...}}` (or
 * the DSL clause directly at the top level, as older exports write it).
 *
 * Escaping: the value went through the file's string syntax first (TOML basic
 * string or JSON, already decoded by the loader) and then through the
 * Elasticsearch wildcard syntax, where `\` escapes the next character and
 * `*`/`?` are wildcards. So `"?:\\\\Windows\\\\*"` in TOML is `?:\\Windows\\*`
 * after TOML and the pattern `?:\Windows\*` after the wildcard syntax.
 */
import { pushAll } from '../../core/arrays.js';
import { and, not, opaque, or, predicate } from '../../ast/build.js';
import type { Diagnostic, Node, Scalar } from '../../ast/schema.js';
import { diagAt } from '../../core/diagnostics.js';
import type { SourceFile } from '../../core/source-file.js';
import { likeToGlob } from './esql/index.js';

type Json = Record<string, unknown>;

function isObj(x: unknown): x is Json {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** ES `wildcard` query pattern -> canonical glob (same escaping as ES|QL LIKE). */
export const esWildcardToGlob = likeToGlob;

function scalar(x: unknown): Scalar {
  return typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean' || x === null ? x : JSON.stringify(x);
}

/** Convert one DSL clause; unknown clauses become opaque nodes. */
export function dslToNode(q: unknown, depth = 0): Node {
  if (!isObj(q) || depth > 64) return opaque(JSON.stringify(q) ?? 'undefined', 'not a query-DSL clause');
  const keys = Object.keys(q);
  if (keys.length !== 1) return opaque(JSON.stringify(q), 'query-DSL clause with several keys');
  const kind = keys[0]!;
  const body = q[kind];
  const vendorOp = `dsl:${kind}`;
  if (kind === 'bool' && isObj(body)) {
    const parts: Node[] = [];
    const list = (x: unknown) => (Array.isArray(x) ? x : x === undefined ? [] : [x]);
    for (const c of [...list(body.must), ...list(body.filter)]) parts.push(dslToNode(c, depth + 1));
    const should = list(body.should).map((c) => dslToNode(c, depth + 1));
    if (should.length) parts.push(should.length === 1 ? should[0]! : or(should));
    for (const c of list(body.must_not)) parts.push(not(dslToNode(c, depth + 1)));
    return parts.length === 1 ? parts[0]! : and(parts);
  }
  if (kind === 'exists' && isObj(body) && typeof body.field === 'string') return predicate(body.field, 'exists', true, { vendorOp });
  if (!isObj(body)) return opaque(JSON.stringify(q), `unsupported query-DSL clause ${kind}`);
  const fieldNames = Object.keys(body).filter((k) => !k.startsWith('_') && k !== 'boost');
  if (fieldNames.length !== 1) return opaque(JSON.stringify(q), `query-DSL ${kind} without exactly one field`);
  const field = fieldNames[0]!;
  const spec = body[field];
  const params: Json = isObj(spec) ? spec : {};
  const caseInsensitive = params.case_insensitive === true;
  switch (kind) {
    case 'wildcard': {
      const raw = isObj(spec) ? (spec.value ?? spec.wildcard) : spec;
      if (typeof raw !== 'string') return opaque(JSON.stringify(q), 'wildcard without a string value');
      return predicate(field, 'wildcard', esWildcardToGlob(raw), { caseSensitive: !caseInsensitive, vendorOp, raw });
    }
    case 'prefix': {
      const raw = isObj(spec) ? spec.value : spec;
      if (typeof raw !== 'string') return opaque(JSON.stringify(q), 'prefix without a string value');
      return predicate(field, 'wildcard', esWildcardToGlob(raw.replace(/[\\*?]/g, '\\$&')) + '*', { caseSensitive: !caseInsensitive, vendorOp, raw });
    }
    case 'term': {
      const raw = isObj(spec) ? spec.value : spec;
      return predicate(field, 'eq', scalar(raw), { caseSensitive: !caseInsensitive, vendorOp, raw: String(raw) });
    }
    case 'terms': {
      if (!Array.isArray(spec)) return opaque(JSON.stringify(q), 'terms without a list');
      const items = spec.map((v) => predicate(field, 'eq', scalar(v), { caseSensitive: true, vendorOp, raw: String(v) }));
      return items.length === 1 ? items[0]! : or(items);
    }
    case 'match_phrase':
    case 'match': {
      const raw = isObj(spec) ? spec.query : spec;
      if (typeof raw !== 'string') return predicate(field, 'eq', scalar(raw), { caseSensitive: true, vendorOp, raw: String(raw) });
      return predicate(field, 'match', raw.replace(/[\\*?]/g, '\\$&'), { caseSensitive: false, vendorOp, raw });
    }
    case 'range': {
      const parts: Node[] = [];
      for (const [k, op] of [
        ['gt', 'gt'],
        ['gte', 'gte'],
        ['lt', 'lt'],
        ['lte', 'lte'],
      ] as const) {
        if (params[k] !== undefined) parts.push(predicate(field, op, scalar(params[k]), { caseSensitive: true, vendorOp }));
      }
      if (parts.length === 0) return opaque(JSON.stringify(q), 'range without bounds');
      return parts.length === 1 ? parts[0]! : and(parts);
    }
    case 'regexp': {
      const raw = isObj(spec) ? spec.value : spec;
      if (typeof raw !== 'string') return opaque(JSON.stringify(q), 'regexp without a string value');
      return predicate(field, 'regex_match', raw, { caseSensitive: !caseInsensitive, regex: { flavor: 'lucene', flags: caseInsensitive ? 'i' : '', anchored: true }, vendorOp, raw });
    }
    default:
      return opaque(JSON.stringify(q), `unsupported query-DSL clause ${kind}`);
  }
}

export interface FilterResult {
  /** Nodes to AND with the query (negated filters already wrapped in not()). */
  nodes: Node[];
  diagnostics: Diagnostic[];
}

/** Convert a rule's `filters` list. Disabled filters are skipped with an info diagnostic. */
export function convertFilters(filters: unknown, file: SourceFile, offset: number | undefined, what: string): FilterResult {
  const nodes: Node[] = [];
  const diagnostics: Diagnostic[] = [];
  if (!Array.isArray(filters)) return { nodes, diagnostics };
  filters.forEach((f, i) => {
    if (!isObj(f)) {
      diagnostics.push(diagAt(file, 'warning', 'elastic.filter.invalid', `${what}[${i}] is not an object`, offset));
      return;
    }
    const meta = isObj(f.meta) ? f.meta : {};
    if (meta.disabled === true) {
      diagnostics.push(diagAt(file, 'info', 'elastic.filter.disabled', `${what}[${i}] is disabled and ignored`, offset));
      return;
    }
    const clause = f.query !== undefined ? f.query : Object.fromEntries(Object.entries(f).filter(([k]) => k !== 'meta' && k !== '$state'));
    const node = dslToNode(clause);
    // `\P` in an ES wildcard is an escaped `P`: a single-escaped Windows path
    // (an authoring slip) silently loses its backslashes. Say so.
    for (const raw of wildcardRaws(node)) {
      if (/\\[^\\*?]/.test(raw.replace(/\\\\/g, ''))) diagnostics.push(diagAt(file, 'warning', 'elastic.filter.escape', `${what}[${i}]: wildcard value ${JSON.stringify(raw)} has a backslash before an ordinary character, which the wildcard syntax reads as an escape (the backslash is dropped)`, offset));
    }
    if (node.type === 'opaque') diagnostics.push(diagAt(file, 'warning', 'elastic.filter.unsupported', `${what}[${i}]: ${node.reason}`, offset));
    nodes.push(meta.negate === true ? not(node) : node);
  });
  return { nodes, diagnostics };
}

function wildcardRaws(n: Node): string[] {
  const out: string[] = [];
  const stack: Node[] = [n];
  while (stack.length) {
    const x = stack.pop()!;
    if (x.type === 'predicate' && x.vendorOp === 'dsl:wildcard' && typeof x.raw === 'string') out.push(x.raw);
    else if (x.type === 'and' || x.type === 'or') pushAll(stack, x.children);
    else if (x.type === 'not') stack.push(x.child);
  }
  return out;
}
