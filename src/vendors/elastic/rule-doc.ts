/**
 * One Elastic rule document (the `[rule]` table of a detection-rules TOML
 * file, or one object of a Kibana NDJSON export: the same fields) -> Rule.
 * Query parsing is delegated per language; this module adds what the rule
 * type means (threshold -> aggregate, filters -> extra clauses), ATT&CK ids,
 * the log source hints and the metadata.
 */
import { setOwn } from '../../core/objects.js';
import { exactSize, pushAll } from '../../core/arrays.js';
import { and } from '../../ast/build.js';
import type { AggregateCondition, Diagnostic, FieldRef, Language, Node, Query, Rule } from '../../ast/schema.js';
import { queryFilters } from '../../ast/walk.js';
import { diagAt } from '../../core/diagnostics.js';
import type { Limits } from '../../core/limits.js';
import type { SourceFile } from '../../core/source-file.js';
import { fileOffset, type QueryCtx, type QueryLoc } from './context.js';
import { parseEql } from './eql/index.js';
import { parseEsql } from './esql/index.js';
import { convertFilters } from './filters.js';
import { parseKql } from './kql/index.js';
import { parseLucene } from './lucene/index.js';

type Json = Record<string, unknown>;

export interface RuleDocInput {
  file: SourceFile;
  rule: Json;
  /** `[metadata]` table (TOML) or an empty object. */
  meta: Json;
  /** Where `rule.query` sits in the file (null when unknown: positions fall back to `offset`). */
  queryLoc: QueryLoc | null;
  /** 0-based offset of the rule's start in the file (the `[rule]` header, the NDJSON line). */
  offset: number;
  limits: Limits;
}

/** Fields of the rule document modelled outside `metadata`. */
const MODELLED = new Set(['rule_id', 'name', 'description', 'type', 'language', 'query', 'threat', 'severity', 'risk_score', 'author', 'references', 'false_positives', 'index']);

function isObj(x: unknown): x is Json {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
function str(x: unknown): string | undefined {
  return typeof x === 'string' ? x : undefined;
}
function strList(x: unknown): string[] | undefined {
  if (typeof x === 'string') return [x];
  if (Array.isArray(x)) return exactSize(x.filter((v): v is string => typeof v === 'string'));
  return undefined;
}
/**
 * JSON-safe copy: TOML dates (Date subclasses) become ISO strings, undefined
 * and non-finite numbers are dropped/null, as JSON.stringify would do, without
 * serialising long texts (`note`, `setup`) to parse them back.
 */
export function jsonSafe<T>(x: T, depth = 0): T {
  if (x === null || typeof x === 'string' || typeof x === 'boolean') return x;
  if (typeof x === 'number') return (Number.isFinite(x) ? x : null) as T;
  if (x instanceof Date) return (Number.isNaN(x.getTime()) ? null : x.toISOString()) as T;
  if (depth > 100) return null as T;
  if (Array.isArray(x)) return x.map((v) => { const c = jsonSafe(v, depth + 1); return c === undefined ? null : c; }) as T;
  if (typeof x === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(x as object)) {
      const c = jsonSafe((x as Record<string, unknown>)[k], depth + 1);
      if (c !== undefined) setOwn(out, k, c);
    }
    return out as T;
  }
  return undefined as T;
}

const LANGUAGE: Record<string, Language> = { kuery: 'kuery', kql: 'kuery', eql: 'eql', esql: 'esql', lucene: 'lucene' };

export interface ParsedQuery {
  query: Query | null;
  /** ES|QL FROM sources. */
  sources?: string[];
  metadata?: Json;
}

/**
 * Parse one query text in `language` (kuery, eql, esql, lucene). Null query on errors (diagnostics say why).
 * `categoryField` is the rule's `event_category_override`: the field an EQL `<category> where` tests.
 */
export function parseQuery(language: Language, text: string, loc: QueryLoc, limits: Limits, diagnostics: Diagnostic[], categoryField?: string): ParsedQuery {
  const ctx: QueryCtx = { loc, limits, diagnostics };
  switch (language) {
    case 'kuery': {
      const n = parseKql(text, ctx);
      return { query: n ? { kind: 'filter', filter: n } : null };
    }
    case 'lucene': {
      const n = parseLucene(text, ctx);
      return { query: n ? { kind: 'filter', filter: n } : null };
    }
    case 'esql': {
      const r = parseEsql(text, ctx);
      if (!r) return { query: null };
      return { query: r.query, sources: r.sources, metadata: { esql: { sources: r.sources, metadataFields: r.metadataFields, commands: r.commands } } };
    }
    case 'eql': {
      try {
        const r = parseEql(text, { file: loc.file, offset: fileOffset(loc, 0), limits, ...(categoryField ? { categoryField } : {}) });
        pushAll(diagnostics, r.diagnostics);
        const failed = r.diagnostics.some((d) => d.severity === 'error');
        return { query: failed ? null : r.query };
      } catch (e) {
        diagnostics.push(diagAt(loc.file, 'error', 'eql.crash', `EQL parser failure: ${(e as Error)?.message ?? String(e)}`, fileOffset(loc, 0)));
        return { query: null };
      }
    }
    default:
      diagnostics.push(diagAt(loc.file, 'error', 'elastic.language.unknown', `unknown query language ${language}`, fileOffset(loc, 0)));
      return { query: null };
  }
}

/** ATT&CK ids from `[[rule.threat]]`: techniques and subtechniques (deduplicated), tactics, all ids as written. */
export function threatIds(threat: unknown): Rule['attack'] {
  const techniques: string[] = [];
  const tactics: string[] = [];
  const raw: string[] = [];
  const add = (list: string[], v: string) => {
    if (!list.includes(v)) list.push(v);
  };
  if (!Array.isArray(threat)) return { techniques, tactics, raw };
  for (const t of threat) {
    if (!isObj(t)) continue;
    const tac = isObj(t.tactic) ? str(t.tactic.id) : undefined;
    if (tac) {
      add(raw, tac);
      add(tactics, tac.trim().toUpperCase());
    }
    for (const tech of Array.isArray(t.technique) ? t.technique : []) {
      if (!isObj(tech)) continue;
      const id = str(tech.id);
      if (id) {
        add(raw, id);
        add(techniques, id.trim().toUpperCase());
      }
      for (const sub of Array.isArray(tech.subtechnique) ? tech.subtechnique : []) {
        const sid = isObj(sub) ? str(sub.id) : undefined;
        if (sid) {
          add(raw, sid);
          add(techniques, sid.trim().toUpperCase());
        }
      }
    }
  }
  return { techniques, tactics, raw };
}

/** AND extra clauses into every event filter of a query. */
export function andIntoQuery(q: Query, extra: Node[]): Query {
  if (extra.length === 0) return q;
  const join = (f: Node): Node => (f.type === 'and' ? and([...f.children, ...extra], f.source) : f.type === 'constant' && f.value ? (extra.length === 1 ? extra[0]! : and(extra)) : and([f, ...extra]));
  switch (q.kind) {
    case 'filter':
      return { ...q, filter: join(q.filter) };
    case 'sequence':
    case 'sample':
      return { ...q, steps: q.steps.map((s) => (s.missing ? s : { ...s, filter: join(s.filter) })) } as Query;
    case 'aggregate':
      return { ...q, input: andIntoQuery(q.input, extra) };
    default:
      return q;
  }
}

/** Threshold rule -> aggregate: group by threshold.field, count >= value, and each cardinality >= value. */
export function thresholdQuery(input: Query, threshold: unknown): Query {
  if (!isObj(threshold)) return input;
  const groupBy: FieldRef[] = (strList(threshold.field) ?? []).map((name) => ({ name }));
  const conditions: AggregateCondition[] = [];
  if (typeof threshold.value === 'number') conditions.push({ fn: 'count', op: 'gte', value: threshold.value, text: `count >= ${threshold.value}` });
  for (const c of Array.isArray(threshold.cardinality) ? threshold.cardinality : []) {
    if (isObj(c) && typeof c.field === 'string' && typeof c.value === 'number') conditions.push({ fn: 'dc', field: { name: c.field }, op: 'gte', value: c.value, text: `cardinality(${c.field}) >= ${c.value}` });
  }
  return { kind: 'aggregate', input, groupBy, conditions, aggregations: ['count', ...conditions.filter((c) => c.fn === 'dc').map((c) => `dc(${c.field!.name})`)] };
}

const DATASET_FIELDS = new Set(['data_stream.dataset', 'event.dataset']);

/**
 * One pass over a query's filters: how many predicates it has, and the
 * `data_stream.dataset` / `event.dataset` values it tests positively (eq or
 * wildcard, under no `not`, in an event filter).
 */
export function scanQuery(q: Query): { predicateCount: number; datasets: string[] } {
  const datasets: string[] = [];
  let predicateCount = 0;
  for (const { filter, role } of queryFilters(q)) {
    const stack: Array<[Node, boolean]> = [[filter, role !== 'event']];
    while (stack.length) {
      const [n, neg] = stack.pop()!;
      if (n.type === 'and' || n.type === 'or') for (let i = n.children.length - 1; i >= 0; i--) stack.push([n.children[i]!, neg]);
      else if (n.type === 'not') stack.push([n.child, !neg]);
      else if (n.type === 'predicate') {
        predicateCount++;
        if (!neg && n.field && DATASET_FIELDS.has(n.field.name) && (n.op === 'eq' || n.op === 'wildcard') && typeof n.value === 'string' && !datasets.includes(n.value)) datasets.push(n.value);
      }
    }
  }
  return { predicateCount, datasets };
}

/** `data_stream.dataset` / `event.dataset` values the query tests positively. */
export function datasetsOf(q: Query): string[] {
  return scanQuery(q).datasets;
}

export function buildRule(input: RuleDocInput, kind: Rule['kind'] = 'detection'): Rule {
  const { file, rule, meta, limits } = input;
  const diagnostics: Diagnostic[] = [];
  const at = input.offset;
  const ruleType = str(rule.type);
  let id = str(rule.rule_id);
  if (!id) {
    diagnostics.push(diagAt(file, 'error', 'elastic.rule.id-missing', 'rule has no rule_id', at));
    id = `${file.path}#${file.position(at).line}`;
  }
  const title = str(rule.name) ?? id;
  if (!str(rule.name)) diagnostics.push(diagAt(file, 'warning', 'elastic.rule.name-missing', 'rule has no name', at));

  let language: Language = 'none';
  let query: Query;
  const queryText = str(rule.query);
  let sources: string[] | undefined;
  const extraMeta: Json = {};
  if (ruleType === 'machine_learning') {
    const jobs = strList(rule.machine_learning_job_id) ?? [];
    query = { kind: 'none', reason: `machine learning rule (job ${jobs.join(', ') || 'unknown'}): no query` };
  } else if (queryText === undefined) {
    diagnostics.push(diagAt(file, 'error', 'elastic.rule.query-missing', `rule of type ${ruleType ?? 'unknown'} has no query`, at));
    query = { kind: 'none', reason: 'no query in the rule' };
  } else {
    const lang = str(rule.language) ?? (ruleType === 'eql' ? 'eql' : ruleType === 'esql' ? 'esql' : 'kuery');
    language = LANGUAGE[lang.toLowerCase()] ?? 'none';
    const loc = input.queryLoc ?? { file, base: at };
    if (language === 'none') {
      diagnostics.push(diagAt(file, 'error', 'elastic.language.unknown', `unknown query language ${lang}`, fileOffset(loc, 0)));
      query = { kind: 'none', reason: `unknown language ${lang}` };
    } else {
      const categoryField = typeof rule.event_category_override === 'string' ? rule.event_category_override : undefined;
      const parsed = parseQuery(language, queryText, loc, limits, diagnostics, categoryField);
      sources = parsed.sources;
      if (parsed.metadata) Object.assign(extraMeta, parsed.metadata);
      query = parsed.query ?? { kind: 'none', reason: `${language} query does not parse` };
    }
  }

  // Stored DSL filters are extra clauses of the query (negated ones: exclusions).
  if (query.kind !== 'none' && rule.filters !== undefined) {
    const f = convertFilters(rule.filters, file, at, 'filters');
    pushAll(diagnostics, f.diagnostics);
    query = andIntoQuery(query, f.nodes);
  }
  if (ruleType === 'threshold' && query.kind !== 'none') query = thresholdQuery(query, rule.threshold);

  // threat_match: the indicator query must parse too (kept in metadata, not part of the rule's event filter).
  if (typeof rule.threat_query === 'string') {
    const tdiags: Diagnostic[] = [];
    const tl = LANGUAGE[(str(rule.threat_language) ?? 'kuery').toLowerCase()] ?? 'kuery';
    parseQuery(tl, rule.threat_query, { file, base: at }, limits, tdiags);
    for (const d of tdiags) diagnostics.push({ ...d, severity: d.severity === 'error' ? 'warning' : d.severity, code: `threat_query.${d.code}`, message: `threat_query: ${d.message}` });
  }

  const { predicateCount, datasets } = scanQuery(query);
  if (predicateCount > limits.maxPredicatesPerRule) {
    diagnostics.push(diagAt(file, 'error', 'elastic.rule.too-many-predicates', `rule has ${predicateCount} predicates, more than the limit of ${limits.maxPredicatesPerRule}`, at));
    query = { kind: 'none', reason: 'too many predicates' };
  }

  const attack = threatIds(rule.threat);
  const metaIntegrations = strList(meta.integration) ?? [];
  const related = Array.isArray(rule.related_integrations) ? rule.related_integrations.map((r) => (isObj(r) ? str(r.package) : undefined)).filter((x): x is string => !!x) : [];
  const integrations = [...new Set([...related, ...metaIntegrations])];
  const index = strList(rule.index) ?? sources;

  const metadata: Json = {};
  for (const [k, v] of Object.entries(rule)) if (!MODELLED.has(k)) setOwn(metadata, k, v);
  if (Object.keys(meta).length) metadata.metadata = meta;
  Object.assign(metadata, extraMeta);

  const out: Rule = {
    id,
    title,
    vendor: 'elastic',
    language,
    kind,
    path: file.path,
    line: file.position(at).line,
    attack,
    logsource: {
      ...(index && index.length ? { index } : {}),
      ...(integrations.length ? { integrations } : {}),
      ...(datasets.length ? { datasets } : {}),
    },
    query,
    metadata: jsonSafe(metadata),
    diagnostics,
  };
  if (ruleType) out.ruleType = ruleType;
  const description = str(rule.description);
  if (description !== undefined) out.description = description;
  if (str(meta.maturity)) out.status = str(meta.maturity)!;
  if (str(rule.severity)) out.severity = str(rule.severity)!;
  if (typeof rule.risk_score === 'number') out.riskScore = rule.risk_score;
  const authors = strList(rule.author);
  if (authors) out.authors = authors;
  const references = strList(rule.references);
  if (references) out.references = references;
  const fps = strList(rule.false_positives);
  if (fps) out.falsePositives = fps;
  if (queryText !== undefined) out.queryText = queryText;
  return out;
}
