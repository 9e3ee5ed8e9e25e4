/**
 * One SPL search -> query shape, source selection and metadata.
 *
 * Steps: expand macros (expand.ts), split the pipeline (grammar start rule
 * `Pipeline`), parse each command with its own start rule, then walk the
 * commands in order, tracking what field names mean at each point
 * (`drop_dm_object_name`, `rename`, `eval`, `rex`, `lookup` outputs) and
 * whether we are before or after the first aggregation:
 *  - before: `search`, `where`, `regex` (and the base search / tstats WHERE)
 *    are event predicates, ANDed into the rule filter;
 *  - after: simple comparisons on aggregate outputs (`count > 5`) become
 *    aggregate conditions; conditions that only use group-by fields are
 *    pushed down into the event filter (same result, documented); the rest
 *    is kept as opaque post-aggregation logic.
 */
import { pushAll } from '../../core/arrays.js';
import { and, constant, field as fieldRef, opaque, predicate } from '../../ast/build.js';
import type { AggregateCondition, Diagnostic, FieldRef, Node, OpaqueNode, Query, Source } from '../../ast/schema.js';
import { printNode } from '../../ast/print.js';
import { simplify } from '../../ast/simplify.js';
import { walk } from '../../ast/walk.js';
import { diagAt } from '../../core/diagnostics.js';
import type { Limits } from '../../core/limits.js';
import type { SourceFile } from '../../core/source-file.js';
import { parseSpl } from './parse.js';
import { AGGREGATING, ANALYTICS, GENERATING, NEUTRAL, NON_EVENT_GENERATING, STATS_SYNTAX, SUBSEARCH_HOSTS } from './commands.js';
import type { ConvertCtx } from './convert.js';
import { evalToNode, searchToNode, splitInlineFlags } from './convert.js';
import { unescapeSpl } from './escape.js';
import type { Expansion } from './expand.js';
import { expandMacros, inSourceRange, mapOffset } from './expand.js';
import { SOURCE_FIELDS } from './macro-class.js';
import type { SplunkState } from './state.js';
import type { AggTree, CommandTree, EvalTree, GenericItem, LookupTree, PipelineTree, SearchTree, StatsTree, TstatsTree } from './tree.js';

export interface AnalyzeOptions {
  state: SplunkState;
  limits: Limits;
  file: SourceFile | null;
  /** Map an offset of the search text (as written) to an offset of the file, when known. */
  locate?: (searchOffset: number) => number | undefined;
  /** Rule type (`Correlation` searches over the risk index are shaped as correlations). */
  ruleType?: string;
}

export interface MacroUseInfo {
  name: string;
  arity: number;
  class: string;
  origin: string;
}

export interface SplAnalysis {
  query: Query;
  selection?: Node;
  sourceMacros: string[];
  macros: MacroUseInfo[];
  datamodel?: string;
  /** Correlation searches: the risk-event filter, printed (the query shape has no slot for it). */
  riskFilter?: string;
  timeBounds: Record<string, string>;
  commands: string[];
  /** Commands whose effect on results is not modelled (append, map, ...), as text. */
  unmodelled: string[];
  expandedText: string;
  diagnostics: Diagnostic[];
}

interface AggOut {
  fn: string;
  field?: FieldRef;
}

const RISK_DATAMODEL = /^Risk(\.All_Risk)?$/i;
const DURATION = /^(\d+(?:\.\d+)?)\s*(s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hr|hrs|hour|hours|d|day|days|w|week|weeks|mon|month|months)?$/i;
const UNIT_MS: Record<string, number> = { s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7, w: 6.048e8, mon: 2.592e9 };

function durationMs(text: string): number | null {
  const m = DURATION.exec(text.trim());
  if (!m) return null;
  const u = (m[2] ?? 's').toLowerCase();
  const unit = u.startsWith('mon') ? 'mon' : u[0]!;
  return Number(m[1]) * (UNIT_MS[unit] ?? 1e3);
}

function syntaxExpected(e: unknown): string[] | undefined {
  const ex = (e as { expected?: Array<{ description?: string; text?: string }> | null }).expected;
  if (!ex) return undefined;
  return [...new Set(ex.map((x) => x.description ?? x.text ?? '').filter(Boolean))].slice(0, 12);
}

/** Fields a node refers to (predicate fields and refs). Null when it contains an opaque part. */
function fieldsOf(n: Node): string[] | null {
  const out: string[] = [];
  let clean = true;
  walk(n, {
    enter(x) {
      if (x.type === 'opaque') clean = false;
      if (x.type === 'predicate') {
        if (!x.field) clean = false;
        else out.push(x.field.name);
        if (x.ref) out.push(x.ref.name);
      }
    },
  });
  return clean ? out : null;
}

class Analyzer {
  readonly diagnostics: Diagnostic[] = [];
  readonly timeBounds: Record<string, string> = {};
  readonly commands: string[] = [];
  readonly unmodelled: string[] = [];
  // Field meaning at the current point of the pipeline.
  private aliases = new Map<string, string>();
  private prefixes: string[] = [];
  private computed = new Set<string>();
  private lookups = new Set<string>();
  private aggOutputs = new Map<string, AggOut>();
  private byFields = new Set<string>();
  // Results.
  phase: 'event' | 'agg' = 'event';
  filterParts: Node[] = [];
  selectionParts: Node[] = [];
  datamodel: string | undefined;
  generating: string | undefined;
  aggregations: string[] = [];
  groupBy: FieldRef[] = [];
  conditions: AggregateCondition[] = [];
  post: OpaqueNode[] = [];
  window: { ms: number; text: string } | undefined;
  private aggCount = 0;

  constructor(
    private readonly exp: Expansion,
    private readonly opts: AnalyzeOptions,
    /** Offset of `text` within the expanded search (subsearch bodies), and nesting depth. */
    private readonly text: string,
    private readonly textBase: number,
    private readonly depth: number,
    /** Subsearches, map templates: only diagnostics matter; they carry this severity ceiling. */
    private readonly nested: 'top' | 'subsearch' | 'map',
  ) {}

  // ------------------------------------------------------------ positions

  private fileOffset(expandedAbs: number): number | undefined {
    if (this.nested === 'map') return this.opts.locate?.(this.mapAnchor);
    const o = mapOffset(this.exp, expandedAbs);
    return this.opts.locate ? this.opts.locate(o) : o;
  }
  mapAnchor = 0;

  source(absS: number, absE: number): Source | undefined {
    const text = this.fullText().slice(absS, absE);
    const file = this.opts.file;
    if (!file) return { vendor: 'splunk', text };
    const a = this.fileOffset(absS);
    const b = this.fileOffset(Math.max(absS, absE - 1));
    const p = a !== undefined ? file.position(a) : undefined;
    const q = b !== undefined ? file.position(b + 1) : undefined;
    // One literal per shape (same key order as before): every property stays in-object, no
    // separate property array, which matters at ~100,000 sources per corpus.
    if (p && q) return { vendor: 'splunk', text, line: p.line, column: p.column, endLine: q.line, endColumn: q.column };
    if (p) return { vendor: 'splunk', text, line: p.line, column: p.column };
    if (q) return { vendor: 'splunk', text, endLine: q.line, endColumn: q.column };
    return { vendor: 'splunk', text };
  }

  private fullText(): string {
    return this.nested === 'top' ? this.exp.text : this.text;
  }

  diag(severity: Diagnostic['severity'], code: string, message: string, absS: number, absE?: number, expected?: string[]): void {
    if (this.nested === 'map' && severity === 'error') severity = 'warning';
    const file = this.opts.file;
    const a = this.fileOffset(absS);
    const b = absE !== undefined ? this.fileOffset(absE) : undefined;
    if (file && a !== undefined) this.diagnostics.push(diagAt(file, severity, code, message, a, b, expected));
    else {
      const d: Diagnostic = { severity, code, message };
      if (file) d.path = file.path;
      if (expected?.length) d.expected = expected;
      this.diagnostics.push(d);
    }
  }

  // ------------------------------------------------------- field meaning

  resolve(name: string): FieldRef {
    const alias = this.aliases.get(name);
    if (alias !== undefined) return this.computed.has(alias) ? { name: alias, computed: true } : fieldRef(alias);
    if (this.computed.has(name) || this.aggOutputs.has(name)) return { name, computed: true };
    if (this.prefixes.length && !name.includes('.') && !name.startsWith('_')) return fieldRef(`${this.prefixes[0]}.${name}`);
    return fieldRef(name);
  }

  private ctx(base: number): ConvertCtx {
    return {
      text: this.fullText(),
      base,
      field: (n) => this.resolve(n),
      isLookup: (n) => this.lookups.has(n) && !this.aliases.has(n),
      source: (s, e) => this.source(s, e),
      timeBound: (n, v) => {
        this.timeBounds[n] = v;
      },
      maxRegexChars: this.opts.limits.maxRegexChars,
      warn: (code, message, s, e) => this.diag('warning', code, message, base + s, base + e),
      subsearch: (text, abs) => this.subsearch(text, abs),
    };
  }

  // ------------------------------------------------------------ parsing

  /** The command's parse tree for its rule: the one the pipeline parse produced, or a re-parse that reports the error. */
  private parseArgs(startRule: string, cmd: CommandTree): { t: unknown; base: number } | null {
    const c = cmd as CommandTree & { rule?: string | null; tree?: unknown };
    if (c.rule === startRule) return { t: c.tree, base: this.textBase };
    try {
      return { t: parseSpl(cmd.args, { startRule, ...(startRule === 'TstatsArgs' ? { stopAtBy: true } : {}) }), base: this.abs(cmd) };
    } catch (e) {
      const loc = (e as { location?: { start: { offset: number } } }).location;
      const at = this.abs(cmd) + (loc?.start.offset ?? 0);
      this.diag('error', 'spl.syntax', `cannot parse the arguments of \`${cmd.name || 'search'}\`: ${(e as Error).message}`, at, undefined, syntaxExpected(e));
      return null;
    }
  }

  subsearch(text: string, abs: number): void {
    if (this.depth + 1 > this.opts.limits.maxDepth) {
      this.diag('error', 'spl.depth-limit', `subsearches nested deeper than ${this.opts.limits.maxDepth}`, abs);
      return;
    }
    const sub = new Analyzer(this.exp, this.opts, this.fullText(), abs, this.depth + 1, this.nested === 'map' ? 'map' : 'subsearch');
    sub.mapAnchor = this.mapAnchor;
    sub.run(this.fullText().slice(abs, abs + text.length), abs);
    pushAll(this.diagnostics, sub.diagnostics);
  }

  /** `map search="..."`: the quoted string is a pipeline re-parsed (and its macros expanded) per input row. */
  private mapSearch(raw: string, anchorAbs: number): void {
    const text = unescapeSpl(raw);
    const exp = expandMacros(text, this.opts.state, this.opts.limits);
    // The search's own nesting check skips quoted strings, so the map search is checked here: deep
    // nesting would overflow the parser, and unclosed parentheses make its raw groups scan the rest of the
    // text. A warning, as every problem in a map search is (the string is a template).
    const deep = nestingOverflow(exp.text, this.opts.limits.maxDepth);
    if (deep !== -1) {
      this.diag('warning', 'spl.depth-limit', `parentheses or brackets nested deeper than ${this.opts.limits.maxDepth} in a map search`, anchorAbs);
      return;
    }
    const sub = new Analyzer(exp, this.opts, exp.text, 0, this.depth + 1, 'map');
    sub.mapAnchor = mapOffset(this.exp, anchorAbs);
    for (const d of exp.diagnostics) sub.diag(d.severity === 'error' ? 'warning' : d.severity, d.code, `in map search: ${d.message}`, 0);
    sub.run(exp.text, 0);
    pushAll(this.diagnostics, sub.diagnostics);
  }

  // -------------------------------------------------------------- walk

  run(text: string, base: number): void {
    let tree: PipelineTree;
    try {
      tree = parseSpl(text, { startRule: 'Pipeline' }) as PipelineTree;
    } catch (e) {
      const loc = (e as { location?: { start: { offset: number } } }).location;
      this.diag('error', 'spl.syntax', `cannot split the search into commands: ${(e as Error).message}`, base + (loc?.start.offset ?? 0), undefined, syntaxExpected(e));
      this.filterParts.push(opaque(text, 'unparsed search'));
      return;
    }
    tree.commands.forEach((c0, i) => {
      let cmd: CommandTree = { ...c0, s: c0.s + base, e: c0.e + base, nameS: c0.nameS + base, argsS: c0.argsS + base };
      let name = cmd.name.toLowerCase();
      if (i === 0 && !tree.leadingPipe && name !== 'search') {
        // The implicit `search`: the whole first segment is search syntax.
        cmd = { ...cmd, name: 'search', args: text.slice(c0.s, c0.e), argsS: cmd.s };
        name = 'search';
      }
      // Parse the command's arguments relative to the analyzer's text.
      cmd = { ...cmd, argsS: cmd.argsS - this.textBase };
      this.commands.push(name || '`macro`');
      this.command(cmd, name, i);
    });
  }

  private abs(cmd: CommandTree): number {
    return this.textBase + cmd.argsS;
  }

  private cmdText(cmd: CommandTree): string {
    return this.fullText().slice(cmd.s, cmd.e).trim();
  }

  private command(cmd: CommandTree, name: string, index: number): void {
    const P = name === '' ? null : this.parseArgs(ruleFor(name), cmd);
    const base = P ? P.base : this.abs(cmd);
    const tree = <T>(): T | null => (P ? (P.t as T) : null);
    if (index === 0 && this.depth === 0 && NON_EVENT_GENERATING.has(name)) this.generating = name;
    switch (name) {
      case 'search': {
        const t = tree<SearchTree>();
        if (!t) return this.addFilter(opaque(this.cmdText(cmd), 'unparsed search command'));
        if (index === 0) return this.firstSearch(t, base, SOURCE_FIELDS);
        if (this.phase === 'event') return this.addFilter(searchToNode(t, this.ctx(base)));
        return this.postConditions(t, 'search', base);
      }
      case 'where': {
        const t = tree<EvalTree>();
        if (!t) return this.addFilter(opaque(this.cmdText(cmd), 'unparsed where command'));
        if (this.phase === 'event') return this.addFilter(evalToNode(t, this.ctx(base)));
        return this.postConditions(t, 'eval', base);
      }
      case 'regex':
        return this.regex(cmd, base, tree());
      case 'tstats':
      case 'mstats':
        return this.tstats(cmd, name, index, base, tree());
      case 'from':
      case 'datamodel': {
        if (name === 'datamodel') {
          const g = tree<GenericItem[]>();
          const words = (g ?? []).filter((x) => x.k === 'word').map((x) => (x as { raw: string }).raw);
          if (words.length) this.setDatamodel(words.slice(0, 2).join('.'), base);
          return;
        }
        const f = tree<{ from: { kind: string; name: string } }>();
        if (f && (f.from.kind === 'datamodel' || f.from.kind === 'namespace')) this.setDatamodel(f.from.name.replace(/^datamodel[:=]/i, ''), base);
        else if (f && index === 0 && this.depth === 0) this.generating = `from ${f.from.kind}`;
        return;
      }
      case 'eval': {
        const a = tree<Array<{ target: string }>>();
        for (const x of a ?? []) this.markComputed(x.target);
        return;
      }
      case 'rex':
        return this.rex(cmd, tree());
      case 'rename':
        return this.rename(cmd, tree());
      case 'lookup': {
        const l = tree<LookupTree>();
        for (const o of l?.outputs ?? []) this.markLookup(o.alias ?? o.name);
        if (l && l.outputs.length === 0) this.unmodelled.push(this.cmdText(cmd));
        return;
      }
      case 'spath': {
        const g = tree<GenericItem[]>();
        for (const it of g ?? []) if (it.k === 'opt' && it.key.toLowerCase() === 'output') this.markComputed(it.value);
        return;
      }
      case 'iplocation': {
        const g = tree<GenericItem[]>();
        const prefix = (g ?? []).find((x) => x.k === 'opt' && x.key === 'prefix') as { value: string } | undefined;
        for (const f of ['City', 'Country', 'Region', 'lat', 'lon', 'Continent', 'MetroCode', 'Timezone']) this.markComputed((prefix?.value ?? '') + f);
        return;
      }
      case 'bin':
      case 'bucket': {
        const g = tree<GenericItem[]>();
        this.spanFrom(g ?? []);
        return;
      }
      case 'map': {
        const g = tree<GenericItem[]>();
        for (const it of g ?? []) {
          if (it.k === 'opt' && it.key.toLowerCase() === 'search') this.mapSearch(it.value, it.s + base);
          if (it.k === 'str') this.mapSearch(it.raw, it.s + base);
        }
        return this.unmodelledCommand(cmd, 'map runs a search per result row');
      }
      case 'foreach':
        // The bracketed template uses <<FIELD>> tokens; it is kept as text.
        tree<GenericItem[]>();
        return this.unmodelledCommand(cmd, null);
      case '':
        // An unexpanded macro in command position.
        return this.unknownCommand(cmd, 'unexpanded macro command');
    }
    if (STATS_SYNTAX.has(name)) return this.stats(cmd, name, base, tree());
    if (AGGREGATING.has(name)) return this.otherAggregation(cmd, name, base, tree());
    if (ANALYTICS.has(name)) {
      tree<GenericItem[]>();
      this.phase = 'agg';
      this.post.push(opaque(this.cmdText(cmd), `${name}: machine-learning / analytics command`));
      return;
    }
    if (SUBSEARCH_HOSTS.has(name)) {
      const g = tree<GenericItem[]>();
      for (const it of g ?? []) if (it.k === 'subsearch') this.subsearch(it.text, base + it.textS);
      if (name === 'join' && this.phase === 'event') return this.addFilter(opaque(this.cmdText(cmd), 'join with a subsearch (inner join keeps only matching events)'));
      return this.unmodelledCommand(cmd, `${name} adds results from another search`);
    }
    const g = tree<GenericItem[]>();
    for (const it of g ?? []) if (it.k === 'subsearch') this.subsearch(it.text, base + it.textS);
    if (GENERATING.has(name)) {
      // Later in a pipeline a generating command (`inputlookup append=t`) adds rows from elsewhere.
      if (index === 0) return;
      return this.unmodelledCommand(cmd, `${name} adds rows from another source`);
    }
    if (!NEUTRAL.has(name)) {
      this.diag('info', 'spl.command.unknown', `command \`${name}\` is not modelled; kept as text`, cmd.nameS);
      this.unmodelled.push(this.cmdText(cmd));
    }
  }

  private unmodelledCommand(cmd: CommandTree, postReason: string | null): void {
    this.unmodelled.push(this.cmdText(cmd));
    if (postReason && this.phase === 'agg') this.post.push(opaque(this.cmdText(cmd), postReason));
  }

  private unknownCommand(cmd: CommandTree, reason: string): void {
    const node = opaque(this.cmdText(cmd), reason, this.source(cmd.s, cmd.e));
    if (this.phase === 'event') this.addFilter(node);
    else this.post.push(node);
  }

  private markComputed(name: string): void {
    this.computed.add(name);
    this.aliases.delete(name);
    this.lookups.delete(name);
  }

  private markLookup(name: string): void {
    this.lookups.add(name);
    this.computed.add(name);
    this.aliases.delete(name);
  }

  private addFilter(n: Node): void {
    if (n.type === 'constant' && n.value === true) return;
    this.filterParts.push(n);
  }

  private setDatamodel(name: string, at: number): void {
    this.datamodel = name;
    this.selectionParts.push(predicate('datamodel', 'eq', name, { vendorOp: 'from datamodel', ...this.srcOpt(at, at + name.length) }));
  }

  private srcOpt(s: number, e: number): { source?: Source } {
    const src = this.source(s, e);
    return src ? { source: src } : {};
  }

  /** Base search / tstats WHERE: top-level conjuncts that only select sources go to the source selection. */
  private firstSearch(t: SearchTree, base: number, sourceFields: Set<string>): void {
    const conjuncts = t.k === 'and' ? t.items : t.k === 'empty' ? [] : [t];
    const ctx = this.ctx(base);
    for (const c of conjuncts) {
      const node = searchToNode(c, ctx);
      const isSel = this.nested === 'top' && (inSourceRange(this.exp, base + c.s!, base + c.e!) || onlySourceFields(c, sourceFields));
      if (isSel) {
        if (!(node.type === 'constant' && node.value)) this.selectionParts.push(node);
      } else this.addFilter(node);
    }
  }

  private regex(cmd: CommandTree, base: number, r: { field: string | null; negate: boolean; re: { raw: string; quoted: boolean; s: number; e: number } } | null): void {
    if (!r) return this.addFilter(opaque(this.cmdText(cmd), 'unparsed regex command'));
    const fname = r.field ?? '_raw';
    const f = this.resolve(fname);
    const src = this.source(cmd.s, cmd.e);
    // The quoted pattern goes through SPL string unescaping (\\ -> \, \" -> "), like match() strings.
    const pattern = r.re.quoted ? unescapeSpl(r.re.raw) : r.re.raw;
    let node: Node;
    if (pattern.length > this.opts.limits.maxRegexChars) {
      this.diag('warning', 'spl.regex.too-long', `regular expression longer than ${this.opts.limits.maxRegexChars} characters`, base + r.re.s);
      node = opaque(this.cmdText(cmd), 'regex over the size limit', src);
    } else {
      const { re, flags } = splitInlineFlags(pattern);
      const p = predicate(f, 'regex_match', re, { caseSensitive: !flags.includes('i'), regex: { flavor: 'pcre', flags, anchored: false }, vendorOp: r.negate ? 'regex !=' : 'regex', raw: r.re.quoted ? `"${r.re.raw}"` : r.re.raw, ...(src ? { source: src } : {}) });
      node = r.negate ? { type: 'not', child: p } : p;
    }
    if (this.lookups.has(fname)) node = opaque(this.cmdText(cmd), 'filter on a lookup output field', src);
    if (this.phase === 'event') return this.addFilter(node);
    const fields = fieldsOf(node);
    if (fields && fields.every((x) => this.byFields.has(x))) return this.addFilter(node);
    this.post.push(opaque(this.cmdText(cmd), 'post-aggregation regex', src));
  }

  private rex(cmd: CommandTree, items: Array<{ k: 'opt'; key: string; value: string } | { k: 're'; raw: string }> | null): void {
    if (!items) return;
    const opts = new Map(items.filter((i) => i.k === 'opt').map((i) => [(i as { key: string }).key.toLowerCase(), (i as { value: string }).value]));
    if ((opts.get('mode') ?? '').toLowerCase() === 'sed') {
      this.markComputed(opts.get('field') ?? '_raw');
      return;
    }
    for (const i of items) {
      if (i.k !== 're') continue;
      for (const m of i.raw.matchAll(/\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>/g)) this.markComputed(m[1]!);
    }
  }

  private rename(cmd: CommandTree, pairs: Array<{ from: string; to: string }> | null): void {
    for (const p of pairs ?? []) {
      if (p.to === '*' && p.from.endsWith('.*')) {
        // `rename X.* AS *` (drop_dm_object_name): bare names now mean X.name.
        this.prefixes.unshift(p.from.slice(0, -2));
        continue;
      }
      if (p.from.includes('*') || p.to.includes('*')) {
        this.unmodelled.push(`rename ${p.from} AS ${p.to}`);
        continue;
      }
      const agg = this.aggOutputs.get(p.from);
      if (agg) {
        this.aggOutputs.set(p.to, agg);
        continue;
      }
      const target = this.resolve(p.from);
      this.aliases.set(p.to, target.name);
      if (target.computed) this.computed.add(target.name);
      if (this.lookups.has(p.from)) this.lookups.add(p.to);
      else this.lookups.delete(p.to);
      if (this.byFields.has(target.name)) this.byFields.add(target.name);
    }
  }

  private spanFrom(items: Array<GenericItem | { opt: { key: string; value: string } }>): void {
    for (const it of items) {
      const o = 'opt' in it && typeof it.opt === 'object' ? it.opt : (it as GenericItem).k === 'opt' ? (it as { key: string; value: string }) : null;
      if (!o || !/^(span|maxspan)$/i.test(o.key)) continue;
      const ms = durationMs(o.value);
      if (ms !== null && !this.window) this.window = { ms, text: `${o.key}=${o.value}` };
    }
  }

  // ------------------------------------------------------------ aggregation

  private beginAggregation(cmd: CommandTree, name: string, aggs: AggTree[], by: string[]): boolean {
    this.aggCount++;
    if (this.aggCount > 1) {
      // A second aggregation regroups the first one's rows: kept as text.
      this.post.push(opaque(this.cmdText(cmd), `second aggregation (${name})`));
      for (const a of aggs) this.aggOutputs.set(a.alias ?? aggName(a), { fn: a.fn.toLowerCase() });
      this.byFields = new Set(by.map((b) => this.resolve(b).name).filter((b) => this.byFields.has(b)));
      return false;
    }
    this.phase = 'agg';
    const byRefs = by.map((b) => this.resolve(b));
    this.groupBy = byRefs;
    this.byFields = new Set(byRefs.map((r) => r.name));
    for (const a of aggs) {
      const arg = a.arg && a.arg.k === 'field' ? this.resolve(a.arg.name) : undefined;
      const label = a.arg ? (a.arg.k === 'field' ? `${a.fn.toLowerCase()}(${arg!.name})` : `${a.fn.toLowerCase()}(eval(...))`) : a.fn.toLowerCase();
      if (!this.aggregations.includes(label)) this.aggregations.push(label);
      this.aggOutputs.set(a.alias ?? aggName(a), arg ? { fn: a.fn.toLowerCase(), field: arg } : { fn: a.fn.toLowerCase() });
    }
    return true;
  }

  private stats(cmd: CommandTree, name: string, base: number, t: StatsTree | null): void {
    if (!t) {
      this.aggCount++;
      this.phase = 'agg';
      this.post.push(opaque(this.cmdText(cmd), `unparsed ${name}`));
      return;
    }
    for (const a of t.aggs) if (a.arg?.k === 'eval') evalToNode(a.arg.expr, this.ctx(base));
    this.beginAggregation(cmd, name, t.aggs, t.by);
    if (this.aggCount === 1) this.spanFrom(t.tail);
  }

  private otherAggregation(cmd: CommandTree, name: string, base: number, g0: GenericItem[] | null): void {
    const g = g0 ?? [];
    for (const it of g) if (it.k === 'subsearch') this.subsearch(it.text, base + it.textS);
    let by: string[] = [];
    if (name === 'transaction') by = g.filter((x) => x.k === 'word').map((x) => (x as { raw: string }).raw);
    else {
      const i = g.findIndex((x) => x.k === 'word' && /^(by|over)$/i.test((x as { raw: string }).raw));
      if (i !== -1) by = g.slice(i + 1).filter((x) => x.k === 'word' && !/^(by|over)$/i.test((x as { raw: string }).raw)).map((x) => (x as { raw: string }).raw);
    }
    const first = this.aggCount === 0;
    this.beginAggregation(cmd, name, [], by);
    if (first) {
      this.aggregations.push(name === 'transaction' ? 'transaction' : this.cmdText(cmd));
      this.spanFrom(g);
    }
  }

  private tstats(cmd: CommandTree, name: string, index: number, base: number, t: TstatsTree | null): void {
    if (!t) {
      this.aggCount++;
      this.phase = 'agg';
      this.filterParts.push(opaque(this.cmdText(cmd), `unparsed ${name}`));
      return;
    }
    if (index !== 0) {
      // `| tstats append=t ...` later in a pipeline: another search's rows.
      return this.unmodelledCommand(cmd, `${name} appends another search`);
    }
    if (t.from && (t.from.kind === 'datamodel' || t.from.kind === 'namespace')) this.setDatamodel(t.from.name, base + t.from.s + (t.from.e - t.from.s - t.from.name.length));
    if (t.where) this.firstSearch(t.where, base, TSTATS_SOURCE_FIELDS);
    const by = t.by.filter((b): b is string => typeof b === 'string');
    this.beginAggregation(cmd, name, t.aggs, by);
    this.spanFrom(t.by.filter((b) => typeof b !== 'string') as Array<{ opt: { key: string; value: string } }>);
    this.spanFrom(t.tail);
  }

  /** After aggregation: thresholds -> conditions, group-key filters -> pushed down, the rest -> opaque post. */
  private postConditions(t: SearchTree | EvalTree, lang: 'search' | 'eval', base: number): void {
    const conjuncts: Array<SearchTree | EvalTree> = [];
    const stack: Array<SearchTree | EvalTree> = [t];
    while (stack.length) {
      const c = stack.pop()!;
      if (lang === 'search' && c.k === 'and') {
        const items = (c as { items: SearchTree[] }).items;
        for (let i = items.length - 1; i >= 0; i--) stack.push(items[i]!);
      }
      else if (lang === 'eval' && c.k === 'bin' && (c as { op: string }).op.toUpperCase() === 'AND') stack.push((c as { r: EvalTree }).r, (c as { l: EvalTree }).l);
      else if (c.k === 'group' && ((c as { item: SearchTree | EvalTree }).item.k === 'and' || (c as { item: EvalTree }).item.k === 'bin')) stack.push((c as { item: SearchTree }).item);
      else conjuncts.push(c);
    }
    const ctx = this.ctx(base);
    for (const c of conjuncts) {
      if (c.k === 'empty') continue;
      if (this.aggCount > 1) {
        // After a second aggregation, names refer to regrouped rows: kept as text.
        const node = lang === 'search' ? searchToNode(c as SearchTree, ctx) : evalToNode(c as EvalTree, ctx);
        if (!(node.type === 'constant' && node.value)) this.post.push(opaque(this.fullText().slice(base + c.s!, base + c.e!), 'condition after a second aggregation', this.source(base + c.s!, base + c.e!)));
        continue;
      }
      const cond = this.condition(c, lang, base);
      if (cond) {
        this.conditions.push(cond);
        continue;
      }
      const node = simplify(lang === 'search' ? searchToNode(c as SearchTree, ctx) : evalToNode(c as EvalTree, ctx));
      if (node.type === 'constant' && node.value === true) continue;
      const fields = fieldsOf(node);
      if (fields && fields.length && fields.every((f) => this.byFields.has(f))) {
        this.addFilter(node);
        continue;
      }
      const text = this.fullText().slice(base + c.s!, base + c.e!);
      this.post.push(opaque(text, 'post-aggregation condition', this.source(base + c.s!, base + c.e!)));
    }
  }

  private condition(c: SearchTree | EvalTree, lang: 'search' | 'eval', base: number): AggregateCondition | null {
    const OPS: Record<string, AggregateCondition['op']> = { '=': 'eq', '==': 'eq', '!=': 'neq', '>': 'gt', '>=': 'gte', '<': 'lt', '<=': 'lte' };
    const FLIP: Record<string, string> = { '>': '<', '<': '>', '>=': '<=', '<=': '>=', '=': '=', '==': '==', '!=': '!=' };
    let name: string | null = null;
    let op: string | null = null;
    let value: string | number | null = null;
    if (lang === 'search' && c.k === 'cmp') {
      const s = c as Extract<SearchTree, { k: 'cmp' }>;
      if (s.value.macro) return null;
      name = s.field.name;
      op = s.op;
      const lit = unescapeSpl(s.value.raw);
      if (lit.includes('*')) return null;
      value = /^-?\d+(\.\d+)?$/.test(lit) ? Number(lit) : lit;
    } else if (lang === 'eval' && c.k === 'bin') {
      const b = c as Extract<EvalTree, { k: 'bin' }>;
      if (!(b.op in OPS)) return null;
      const lit = (x: EvalTree): string | number | null => {
        while (x.k === 'group') x = x.item;
        if (x.k === 'num') return x.value;
        if (x.k === 'neg' && x.item.k === 'num') return -x.item.value;
        if (x.k === 'str') return unescapeSpl(x.raw);
        return null;
      };
      const fld = (x: EvalTree): string | null => {
        while (x.k === 'group') x = x.item;
        return x.k === 'field' ? x.name : null;
      };
      if (fld(b.l) !== null && lit(b.r) !== null) {
        name = fld(b.l);
        op = b.op;
        value = lit(b.r);
      } else if (fld(b.r) !== null && lit(b.l) !== null) {
        name = fld(b.r);
        op = FLIP[b.op]!;
        value = lit(b.l);
      }
    }
    if (name === null || op === null || value === null || !(op in OPS)) return null;
    const out = this.aggOutputs.get(name);
    if (!out) return null;
    const cond: AggregateCondition = { fn: out.fn, op: OPS[op]!, value, text: this.fullText().slice(base + c.s!, base + c.e!) };
    if (out.field) cond.field = out.field;
    return cond;
  }
}

const TSTATS_SOURCE_FIELDS = new Set([...SOURCE_FIELDS, 'nodename']);

const RULES: Record<string, string> = {
  search: 'SearchExpr', where: 'EvalExpr', eval: 'EvalAssignments', stats: 'StatsArgs', eventstats: 'StatsArgs', streamstats: 'StatsArgs', sistats: 'StatsArgs',
  tstats: 'TstatsArgs', mstats: 'TstatsArgs', rename: 'RenameArgs', regex: 'RegexArgs', rex: 'RexArgs', lookup: 'LookupArgs', from: 'FromArgs',
};
/** The grammar start rule for a command's arguments (the same table as the grammar's Command rule). */
function ruleFor(name: string): string {
  // Own keys only: a command named `constructor` or `toString` takes generic arguments.
  return Object.hasOwn(RULES, name) ? RULES[name]! : 'GenericArgs';
}

function aggName(a: AggTree): string {
  if (!a.arg) return a.fn;
  if (a.arg.k === 'field') return `${a.fn}(${a.arg.name})`;
  return a.text.replace(/\s+as\s+.*$/i, '');
}

function onlySourceFields(t: SearchTree, fields: Set<string>): boolean {
  let leaves = 0;
  let ok = true;
  const stack: SearchTree[] = [t];
  while (stack.length && ok) {
    const n = stack.pop()!;
    switch (n.k) {
      case 'and':
      case 'or':
        pushAll(stack, n.items);
        break;
      case 'not':
      case 'group':
        stack.push(n.item);
        break;
      case 'cmp':
      case 'in':
        leaves++;
        if (!fields.has(n.field.name)) ok = false;
        break;
      default:
        ok = false;
    }
  }
  return ok && leaves > 0;
}

/** Offset where `(`/`[` nesting (outside quotes) first exceeds `max`, or -1. */
function nestingOverflow(text: string, max: number): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 92 /* \\ */) i++;
    else if (c === 34 /* " */) {
      i++;
      while (i < text.length && text.charCodeAt(i) !== 34) i += text.charCodeAt(i) === 92 ? 2 : 1;
    } else if (c === 40 || c === 91) {
      if (++depth > max) return i;
    } else if (c === 41 || c === 93) depth--;
  }
  return -1;
}

/** Analyze one search (as written, macros unexpanded). Never throws. */
export function analyzeSearch(search: string, opts: AnalyzeOptions): SplAnalysis {
  const diagnostics: Diagnostic[] = [];
  const { limits, file } = opts;
  const fileAt = (o: number) => (opts.locate ? opts.locate(o) : undefined);
  const d0 = (severity: Diagnostic['severity'], code: string, message: string, at: number, end?: number) => {
    const a = fileAt(at);
    diagnostics.push(file && a !== undefined ? diagAt(file, severity, code, message, a, end !== undefined ? fileAt(end) : undefined) : { severity, code, message, ...(file ? { path: file.path } : {}) });
  };
  if (search.length > limits.maxQueryChars) {
    d0('error', 'spl.size-limit', `search longer than ${limits.maxQueryChars} characters`, 0);
    return { query: { kind: 'none', reason: 'search over the size limit' }, sourceMacros: [], macros: [], timeBounds: {}, commands: [], unmodelled: [], expandedText: '', diagnostics };
  }
  const exp = expandMacros(search, opts.state, limits);
  for (const d of exp.diagnostics) d0(d.severity, d.code, d.message, d.offset, d.endOffset);
  // Hostile nesting would overflow the recursive-descent parser and the tree walks: refuse it up front.
  const deep = nestingOverflow(exp.text, limits.maxDepth);
  if (deep !== -1) {
    d0('error', 'spl.depth-limit', `parentheses or brackets nested deeper than ${limits.maxDepth}`, mapOffset(exp, deep));
    return { query: { kind: 'filter', filter: opaque(search, 'search nested too deeply to parse') }, sourceMacros: [], macros: [], timeBounds: {}, commands: [], unmodelled: [], expandedText: exp.text, diagnostics };
  }
  const an = new Analyzer(exp, opts, exp.text, 0, 0, 'top');
  an.run(exp.text, 0);
  pushAll(diagnostics, an.diagnostics);

  const macros: MacroUseInfo[] = [];
  const seen = new Set<string>();
  for (const u of exp.uses) {
    const k = `${u.name}/${u.arity}`;
    if (seen.has(k)) continue;
    seen.add(k);
    macros.push({ name: u.name, arity: u.arity, class: u.cls, origin: u.origin });
  }
  const sourceMacros = [...new Set(exp.uses.filter((u) => u.cls === 'source').map((u) => u.name))];
  const selection = an.selectionParts.length ? simplify(and(an.selectionParts)) : undefined;
  const filter = simplify(an.filterParts.length ? and(an.filterParts) : constant(true));
  let query: Query;
  let riskFilter: string | undefined;
  const isRisk = an.datamodel !== undefined && RISK_DATAMODEL.test(an.datamodel);
  if (an.generating) query = { kind: 'none', reason: `results come from the generating command \`${an.generating}\`, not from events` };
  else if (isRisk || (opts.ruleType === 'Correlation' && an.phase === 'agg')) {
    query = correlationQuery(an, filter);
    riskFilter = printNode(filter);
  }
  else if (an.phase === 'agg') {
    const q: Query = { kind: 'aggregate', input: { kind: 'filter', filter }, groupBy: an.groupBy, conditions: an.conditions, aggregations: an.aggregations };
    if (an.window) q.window = an.window;
    if (an.post.length) q.post = an.post;
    query = q;
  } else query = { kind: 'filter', filter };
  return {
    query,
    ...(selection ? { selection } : {}),
    sourceMacros,
    macros,
    ...(an.datamodel ? { datamodel: an.datamodel } : {}),
    ...(riskFilter ? { riskFilter } : {}),
    timeBounds: an.timeBounds,
    commands: an.commands,
    unmodelled: an.unmodelled,
    expandedText: exp.text,
    diagnostics,
  };
}

/**
 * Risk-based correlation searches (ES risk index / Risk datamodel): they count
 * risk events that other detections raised, grouped by risk object. The
 * referenced rules are the analytic stories (or search names) the filter names.
 */
function correlationQuery(an: Analyzer, filter: Node): Query {
  const rules: string[] = [];
  walk(filter, {
    enter(n, negated) {
      if (n.type === 'predicate' && !negated && (n.op === 'eq' || n.op === 'wildcard') && typeof n.value === 'string' && n.field && /(^|\.)(analyticstories|search_name|source)$/.test(n.field.name)) {
        if (!rules.includes(n.value)) rules.push(n.value);
      }
    },
  });
  const cond = an.conditions[0];
  const fn = cond?.fn ?? 'count';
  const correlationType = fn === 'dc' || fn === 'distinct_count' ? 'value_count' : fn === 'sum' ? 'value_sum' : fn === 'avg' || fn === 'mean' ? 'value_avg' : 'event_count';
  const q: Query = { kind: 'correlation', correlationType, rules, groupBy: an.groupBy.map((f) => f.name) };
  if (an.window) q.timespan = an.window;
  if (cond) q.condition = cond;
  return q;
}
