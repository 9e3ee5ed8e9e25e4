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

function quoteName(name: string): string {
  return IDENT.test(name) && !RESERVED.has(name) ? name : '`' + name.replace(/`/g, '``') + '`';
}

export function printField(f: FieldRef | null, opts: PrintOptions = {}): string {
  if (!f) return '*';
  const name = quoteName(opts.fieldNames === 'written' ? f.name : (f.canonical ?? f.name));
  return opts.exact && f.computed ? `eval(${name})` : name;
}

export function printPredicate(p: Predicate, opts: PrintOptions = {}): string {
  let op: string = p.op;
  const flags: string[] = [];
  if (p.caseSensitive && (opts.exact || (typeof p.value === 'string' && p.op !== 'regex_match' && p.op !== 'cidr'))) flags.push('cs');
  if (p.refMatch) flags.push(p.refMatch);
  if (p.regex) {
    if (opts.exact) flags.push(p.regex.flavor);
    if (p.regex.flags) flags.push(p.regex.flags);
    if (p.regex.anchored) flags.push('anchored');
  }
  if (flags.length) op += ':' + flags.join(':');
  let value: string;
  if (p.ref) value = '@' + printField(p.ref, opts);
  else if (p.placeholder !== undefined) value = opts.exact ? `placeholder(${JSON.stringify(p.placeholder)}, ${JSON.stringify(p.value)})` : `%${p.placeholder}%`;
  else value = JSON.stringify(p.value);
  if (p.op === 'exists' && p.value === true && !flags.length) return `${printField(p.field, opts)} exists`;
  return `${printField(p.field, opts)} ${op} ${value}`;
}

function flat(n: Node, opts: PrintOptions): string {
  switch (n.type) {
    case 'predicate':
      return printPredicate(n, opts);
    case 'constant':
      return String(n.value);
    case 'opaque':
      return `opaque(${JSON.stringify(n.text)}, ${JSON.stringify(n.reason)})`;
    case 'not':
      return `not ${group(n.child, opts)}`;
    case 'and':
    case 'or':
      // Groups of fewer than two children have no infix form.
      if (n.children.length < 2) return `${n.type}(${n.children.map((c) => flat(c, opts)).join('')})`;
      return '(' + n.children.map((c) => flat(c, opts)).join(` ${n.type} `) + ')';
  }
}

function group(n: Node, opts: PrintOptions): string {
  return flat(n, opts);
}

function pretty(n: Node, opts: PrintOptions, indent: string): string {
  const width = opts.width ?? 100;
  const one = flat(n, opts);
  if (indent.length + one.length <= width) return one;
  switch (n.type) {
    case 'not':
      return `not ${pretty(n.child, opts, indent)}`;
    case 'and':
    case 'or': {
      if (n.children.length < 2) return `${n.type}(${n.children.map((c) => pretty(c, opts, indent)).join('')})`;
      const inner = indent + '  ';
      return '(\n' + n.children.map((c) => inner + pretty(c, opts, inner)).join(`\n${inner}${n.type}\n`) + '\n' + indent + ')';
    }
    default:
      return one;
  }
}

/** Render a node as canonical text. */
export function printNode(n: Node, opts: PrintOptions = {}): string {
  const s = pretty(n, opts, '');
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
  const ind = (s: string) => s.split('\n').map((l) => '  ' + l).join('\n');
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
