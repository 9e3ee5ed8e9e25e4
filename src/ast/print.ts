/**
 * The canonical text of an AST: one readable rendering used by snapshot
 * tests, the CLI and the catalog pages. Strings are JSON-quoted, so the text
 * is unambiguous. Short groups print on one line; long ones break with
 * two-space indentation.
 */
import type { AggregateCondition, FieldRef, Node, Predicate, Query } from './schema.js';

export interface PrintOptions {
  /** Which field name to show: the canonical one when known (default), or the name as written. */
  fieldNames?: 'canonical' | 'written';
  /** Line width before a group breaks onto several lines (default 100). */
  width?: number;
  /**
   * Print everything that carries meaning (case flags on every operator, the
   * regex dialect, computed fields, placeholder values), so that
   * `parseNodeText` gives the node back. The default is the shorter display form.
   */
  exact?: boolean;
}

const IDENT = /^[A-Za-z_@$][\w.@$-]*$/;
/** Words of the text syntax: a field with such a name is quoted. */
const RESERVED = new Set(['and', 'or', 'not', 'true', 'false', 'null', 'opaque', 'eval', 'placeholder']);

/** Field names repeat across a corpus: their quoted form is cached (bounded, cleared when full). */
const quoted = new Map<string, string>();
const QUOTED_MAX = 50_000;

function quoteName(name: string): string {
  let q = quoted.get(name);
  if (q === undefined) {
    q = IDENT.test(name) && !RESERVED.has(name) ? name : '`' + name.replace(/`/g, '``') + '`';
    if (quoted.size >= QUOTED_MAX) quoted.clear();
    quoted.set(name, q);
  }
  return q;
}

export function printField(f: FieldRef | null, opts: PrintOptions = {}): string {
  if (!f) return '*';
  const name = quoteName(opts.fieldNames === 'written' ? f.name : (f.canonical ?? f.name));
  return opts.exact && f.computed ? `eval(${name})` : name;
}

export function printPredicate(p: Predicate, opts: PrintOptions = {}): string {
  const t = predicateText(p, opts, { field: '', op: '', value: null });
  return t.value === null ? `${t.field} exists` : `${t.field} ${t.op} ${t.value}`;
}

/** The parts of a predicate's text: `<field> <op> <value>`, or `<field> exists` (value null). */
interface PredicateText {
  field: string;
  op: string;
  value: string | null;
}

function predicateText(p: Predicate, opts: PrintOptions, out: PredicateText): PredicateText {
  // The operator with its flags (`eq:cs`, `regex_match:i:anchored`), built without a flags array.
  let op: string = p.op;
  if (p.caseSensitive && (opts.exact || (typeof p.value === 'string' && p.op !== 'regex_match' && p.op !== 'cidr'))) op += ':cs';
  if (p.refMatch) op += ':' + p.refMatch;
  if (p.regex) {
    if (opts.exact) op += ':' + p.regex.flavor;
    if (p.regex.flags) op += ':' + p.regex.flags;
    if (p.regex.anchored) op += ':anchored';
  }
  out.field = printField(p.field, opts);
  out.op = op;
  const hasFlags = op.length !== p.op.length;
  if (p.op === 'exists' && p.value === true && !hasFlags) out.value = null;
  else if (p.ref) out.value = '@' + printField(p.ref, opts);
  else if (p.placeholder !== undefined) out.value = opts.exact ? `placeholder(${JSON.stringify(p.placeholder)}, ${JSON.stringify(p.value)})` : `%${p.placeholder}%`;
  else out.value = JSON.stringify(p.value);
  return out;
}

/**
 * Layout in two passes, so that no text is built twice. `measure` records in
 * pre-order each leaf's text and each node's one-line length and subtree
 * size (node `i`'s first child is `i + 1`, each next sibling follows the
 * previous one's subtree). `emitPretty` then writes every node once: on one
 * line when that fits (`emitFlat`), else broken. Pieces go into one array,
 * joined at the end. (Building each group's one-line text, at each level of
 * the tree, cost most of the catalog's printing time and allocation.)
 */
interface Layout {
  /** Nodes measured, pieces written: the arrays are reused and never shrunk (growing them again cost allocation). */
  nodes: number;
  pieces: number;
  /** Leaf text: the whole text of a constant or opaque node; a predicate's field. */
  leaf: string[];
  /** A predicate's operator and value (null: `exists`); null for other nodes. */
  leafOp: (string | null)[];
  leafValue: (string | null)[];
  len: number[];
  size: number[];
  out: string[];
}

// Reused by every printNode call (printing never re-enters printNode).
const layout: Layout = { nodes: 0, pieces: 0, leaf: [], leafOp: [], leafValue: [], len: [], size: [], out: [] };
const predicate: PredicateText = { field: '', op: '', value: null };

function measure(n: Node, opts: PrintOptions, L: Layout): number {
  const at = L.nodes++;
  L.leaf[at] = '';
  L.leafOp[at] = null;
  L.leafValue[at] = null;
  let len: number;
  switch (n.type) {
    case 'predicate': {
      // Kept in parts: emitFlat writes them out, no joined string per predicate.
      const t = predicateText(n, opts, predicate);
      L.leaf[at] = t.field;
      L.leafOp[at] = t.op;
      L.leafValue[at] = t.value;
      len = t.value === null ? t.field.length + 7 : t.field.length + t.op.length + t.value.length + 2;
      break;
    }
    case 'constant':
    case 'opaque': {
      const t = n.type === 'constant' ? String(n.value) : `opaque(${JSON.stringify(n.text)}, ${JSON.stringify(n.reason)})`;
      L.leaf[at] = t;
      len = t.length;
      break;
    }
    case 'not':
      len = 4 + measure(n.child, opts, L);
      break;
    case 'and':
    case 'or': {
      const cs = n.children;
      // Groups of fewer than two children have no infix form: `and(x)`.
      if (cs.length < 2) len = n.type.length + 2 + (cs.length ? measure(cs[0]!, opts, L) : 0);
      else {
        len = 2 + (cs.length - 1) * (n.type.length + 2);
        for (const c of cs) len += measure(c, opts, L);
      }
      break;
    }
  }
  L.len[at] = len;
  L.size[at] = L.nodes - at;
  return len;
}

function put(L: Layout, piece: string): void {
  L.out[L.pieces++] = piece;
}

/** Node `at` on one line: `(a and b)`, `not x`. */
function emitFlat(n: Node, at: number, L: Layout): void {
  switch (n.type) {
    case 'not':
      put(L, 'not ');
      emitFlat(n.child, at + 1, L);
      return;
    case 'and':
    case 'or': {
      const cs = n.children;
      if (cs.length < 2) {
        put(L, n.type + '(');
        if (cs.length) emitFlat(cs[0]!, at + 1, L);
        put(L, ')');
        return;
      }
      const sep = n.type === 'and' ? ' and ' : ' or ';
      put(L, '(');
      let child = at + 1;
      for (let i = 0; i < cs.length; i++) {
        if (i > 0) put(L, sep);
        emitFlat(cs[i]!, child, L);
        child += L.size[child]!;
      }
      put(L, ')');
      return;
    }
    default: {
      put(L, L.leaf[at]!);
      const op = L.leafOp[at];
      if (op === null) return;
      const value = L.leafValue[at]!;
      if (value === null) put(L, ' exists');
      else {
        put(L, ' ');
        put(L, op);
        put(L, ' ');
        put(L, value);
      }
    }
  }
}

/** Indentation strings by depth, built once. */
const INDENTS: string[] = [''];
function indentOf(depth: number): string {
  while (INDENTS.length <= depth) INDENTS.push(INDENTS[INDENTS.length - 1] + '  ');
  return INDENTS[depth]!;
}

/** Node `at`: on one line when it fits in `width` after its indentation, else each child on its own lines. */
function emitPretty(n: Node, at: number, width: number, depth: number, L: Layout): void {
  if (2 * depth + L.len[at]! <= width) return emitFlat(n, at, L);
  switch (n.type) {
    case 'not':
      put(L, 'not ');
      emitPretty(n.child, at + 1, width, depth, L);
      return;
    case 'and':
    case 'or': {
      const cs = n.children;
      if (cs.length < 2) {
        put(L, n.type + '(');
        if (cs.length) emitPretty(cs[0]!, at + 1, width, depth, L);
        put(L, ')');
        return;
      }
      const inner = indentOf(depth + 1);
      put(L, '(\n');
      let child = at + 1;
      for (let i = 0; i < cs.length; i++) {
        if (i > 0) {
          put(L, '\n');
          put(L, inner);
          put(L, n.type === 'and' ? 'and\n' : 'or\n');
        }
        put(L, inner);
        emitPretty(cs[i]!, child, width, depth + 1, L);
        child += L.size[child]!;
      }
      put(L, '\n');
      put(L, indentOf(depth));
      put(L, ')');
      return;
    }
    default:
      emitFlat(n, at, L);
  }
}

/** Render a node as canonical text. */
export function printNode(n: Node, opts: PrintOptions = {}): string {
  const L = layout;
  L.nodes = L.pieces = 0;
  measure(n, opts, L);
  emitPretty(n, 0, opts.width ?? 100, 0, L);
  L.out.length = L.pieces; // drops the previous call's tail (trimmed in place, not reallocated)
  const s = L.out.join('');
  // A top-level group needs no outer parentheses when it fits on one line.
  return s.startsWith('(') && !s.includes('\n') && balancedOuter(s) ? s.slice(1, -1) : s;
}

function balancedOuter(s: string): boolean {
  let depth = 0;
  let inStr = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inStr) {
      if (c === '\\') i++;
      else if (c === '"') inStr = false;
      continue;
    }
    if (c === '"') inStr = true;
    else if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0 && i !== s.length - 1) return false;
    }
  }
  return true;
}

function fields(fs: FieldRef[] | undefined, opts: PrintOptions): string {
  return (fs ?? []).map((f) => printField(f, opts)).join(', ');
}

function cond(c: AggregateCondition): string {
  const opText = { eq: '==', neq: '!=', gt: '>', gte: '>=', lt: '<', lte: '<=' }[c.op];
  const fn = c.field ? `${c.fn}(${c.field.canonical ?? c.field.name})` : c.fn;
  return `${fn} ${opText} ${JSON.stringify(c.value)}`;
}

/** Render a query shape as canonical text. */
export function printQuery(q: Query, opts: PrintOptions = {}): string {
  // Every line indented by two spaces.
  const ind = (s: string) => '  ' + s.replace(/\n/g, '\n  ');
  switch (q.kind) {
    case 'filter':
      return printNode(q.filter, opts);
    case 'sequence':
    case 'sample': {
      let head = q.kind;
      if (q.by?.length) head += ` by ${fields(q.by, opts)}`;
      if (q.kind === 'sequence' && q.maxspan) head += ` with maxspan=${q.maxspan.text}`;
      const steps = q.steps.map((s) => {
        let t = `${s.missing ? '!' : ''}[${printNode(s.filter, opts)}]`;
        if (s.by?.length) t += ` by ${fields(s.by, opts)}`;
        if (s.runs) t += ` with runs=${s.runs}`;
        if (s.alias) t += ` as ${s.alias}`;
        return ind(t);
      });
      let out = [head, ...steps].join('\n');
      if (q.kind === 'sequence' && q.until) out += `\nuntil [${printNode(q.until, opts)}]`;
      if (q.kind === 'sequence' && q.pipes?.length) out += '\n' + q.pipes.map((p) => `| ${p}`).join('\n');
      return out;
    }
    case 'aggregate': {
      let head = 'aggregate';
      if (q.aggregations?.length) head += ' ' + q.aggregations.join(', ');
      if (q.groupBy.length) head += ` by ${fields(q.groupBy, opts)}`;
      if (q.window) head += ` window=${q.window.text}`;
      if (q.conditions.length) head += ` where ${q.conditions.map(cond).join(' and ')}`;
      if (q.post?.length) head += ` then ${q.post.map((p) => `opaque(${JSON.stringify(p.text)})`).join(', ')}`;
      return `${head}\nfrom\n${ind(printQuery(q.input, opts))}`;
    }
    case 'correlation': {
      let head = `correlation ${q.correlationType} rules(${q.rules.map((r) => JSON.stringify(r)).join(', ')})`;
      if (q.groupBy.length) head += ` by ${q.groupBy.join(', ')}`;
      if (q.timespan) head += ` timespan=${q.timespan.text}`;
      if (q.condition) head += ` where ${cond(q.condition)}`;
      return head;
    }
    case 'none':
      return `none(${JSON.stringify(q.reason)})`;
  }
}

/** A structural key for a node that ignores where it came from (source, raw text, vendor operator). */
export function nodeKey(n: Node): string {
  switch (n.type) {
    case 'predicate': {
      const f = n.field ? `${n.field.canonical ?? ''}|${n.field.name}` : '';
      const r = n.ref ? `${n.ref.canonical ?? ''}|${n.ref.name}` : '';
      const rx = (n.regex ? `${n.regex.flavor}:${n.regex.flags}:${n.regex.anchored}` : '') + (n.refMatch ? `:${n.refMatch}` : '');
      return `P(${f};${n.op};${JSON.stringify(n.value)};${n.caseSensitive ? 1 : 0};${rx};${r};${n.placeholder ?? ''})`;
    }
    case 'constant':
      return n.value ? 'T' : 'F';
    case 'opaque':
      return `O(${JSON.stringify(n.text)})`;
    case 'not':
      return `!${nodeKey(n.child)}`;
    case 'and':
    case 'or':
      return `${n.type === 'and' ? 'A' : 'R'}[${n.children.map(nodeKey).join(',')}]`;
  }
}
