/**
 * One Sigma YAML document to one `Rule`: detection rules, correlation rules
 * and filter (meta-filter) documents. Common attributes are modelled; every
 * other key is kept in `metadata` (JSON-safe).
 */
import { setOwn } from '../../core/objects.js';
import type { Rule } from '../../ast/schema.js';
import type { YamlPos } from '../../formats/yaml.js';
import { report, type RuleCtx } from './context.js';
import { buildDetectionBlock } from './detection-block.js';
import { buildCorrelation } from './correlation.js';
import { attackFromTags, authorsOf, checkLevelStatus, jsonSafe, logsourceOf, stringList } from './metadata.js';

export interface SigmaDoc {
  value: Record<string, unknown>;
  pos?: YamlPos;
  /** 0-based offset of the document start. */
  start: number;
  /** 0-based index of the document in its file. */
  index: number;
}

/** Keys modelled on the Rule itself (everything else goes to metadata). */
const MODELLED = new Set(['id', 'title', 'description', 'status', 'level', 'tags', 'logsource', 'detection', 'references', 'falsepositives', 'correlation', 'filter']);

export type DocKind = 'detection' | 'correlation' | 'filter';

export function docKind(doc: Record<string, unknown>): DocKind {
  if ('correlation' in doc) return 'correlation';
  if ('filter' in doc && !('detection' in doc)) return 'filter';
  return 'detection';
}

export function buildRule(ctx: RuleCtx, doc: SigmaDoc): Rule {
  const v = doc.value;
  const pos = doc.pos;
  const kind = docKind(v);
  const line = ctx.file.position(doc.start).line;
  const entry = (k: string) => pos?.entries?.get(k);

  const metadata: Record<string, unknown> = {};
  // Keys by index, not `for (const [k, x] of Object.entries(v))`: unoptimized (as most of a corpus
  // load runs), each destructured pair steps an iterator. An own `__proto__` key reads as itself.
  const keys = Object.keys(v);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (!MODELLED.has(k)) setOwn(metadata, k, jsonSafe(v[k]));
  }

  let id = typeof v.id === 'string' && v.id ? v.id : v.id !== undefined && v.id !== null ? String(v.id) : '';
  if (!id) {
    id = typeof v.name === 'string' && v.name ? v.name : `${ctx.file.path}#${doc.index + 1}`;
    report(ctx, 'warning', 'sigma.rule.id-missing', `rule has no id; using '${id}'`, doc.start);
  }
  let title = typeof v.title === 'string' ? v.title : v.title !== undefined && v.title !== null ? String(v.title) : '';
  if (!title) {
    title = id;
    report(ctx, 'warning', 'sigma.rule.title-missing', 'rule has no title', doc.start);
  }
  checkLevelStatus(ctx, v, pos);

  const rule: Rule = {
    id,
    title,
    vendor: 'sigma',
    language: 'sigma',
    kind,
    ruleType: 'rule',
    path: ctx.file.path,
    line,
    attack: attackFromTags(ctx, v.tags, entry('tags')?.[1]),
    logsource: logsourceOf(ctx, v.logsource, entry('logsource')?.[1], metadata),
    query: { kind: 'none', reason: 'not built' },
    metadata,
    diagnostics: ctx.diags,
  };
  if (typeof v.description === 'string') rule.description = v.description;
  if (v.status !== undefined && v.status !== null) rule.status = String(v.status);
  if (v.level !== undefined && v.level !== null) rule.level = String(v.level);
  const authors = authorsOf(v.author);
  if (authors) rule.authors = authors;
  const refs = stringList(v.references);
  if (refs) rule.references = refs;
  const fps = stringList(v.falsepositives);
  if (fps) rule.falsePositives = fps;

  const blockKey = kind === 'detection' ? 'detection' : kind;
  const block = entry(blockKey);
  if (block) rule.queryText = trimEnd(ctx.file.text, block[0].start, block[1].end);

  if (kind === 'detection') {
    if (!('detection' in v)) {
      report(ctx, 'error', 'sigma.rule.no-detection', 'document has no detection, correlation or filter section', doc.start);
      rule.query = { kind: 'none', reason: 'no detection section' };
    } else {
      const r = buildDetectionBlock(ctx, v.detection, block?.[1], { reserved: ['condition'], allowAggregation: true, conditionListAllowed: true, what: 'detection' });
      rule.query = r.query;
      if (r.timeframe !== undefined) metadata.timeframe = r.timeframe;
    }
    if (!('logsource' in v)) report(ctx, 'warning', 'sigma.rule.logsource-missing', 'rule has no logsource', doc.start);
  } else if (kind === 'correlation') {
    rule.query = buildCorrelation(ctx, v.correlation, block?.[1], metadata);
    rule.ruleType = 'correlation';
  } else {
    rule.ruleType = 'filter';
    const f = v.filter;
    const fpos = block?.[1];
    if (!('logsource' in v)) report(ctx, 'error', 'sigma.filter.logsource', 'a filter must have a logsource', doc.start);
    if (!f || typeof f !== 'object' || Array.isArray(f)) {
      report(ctx, 'error', 'sigma.filter.invalid', 'filter must be a map with rules, selections and a condition', fpos ?? doc.start);
      rule.query = { kind: 'none', reason: 'invalid filter' };
    } else {
      const fm = f as Record<string, unknown>;
      metadata.filterRules = filterTargets(ctx, fm, fpos);
      const r = buildDetectionBlock(ctx, fm, fpos, { reserved: ['condition', 'rules'], allowAggregation: false, conditionListAllowed: false, what: 'filter' });
      rule.query = r.query;
    }
  }
  return rule;
}

/** text.slice(start, end) without trailing whitespace (a regex `\s+$` backtracks on long blocks). */
function trimEnd(text: string, start: number, end: number): string {
  let e = end;
  while (e > start) {
    const c = text.charCodeAt(e - 1);
    if (c === 32 || c === 9 || c === 10 || c === 13) e--;
    else break;
  }
  return text.slice(start, e);
}

/** `rules: any` (or an empty list) targets every rule of the logsource; otherwise ids or names. */
function filterTargets(ctx: RuleCtx, f: Record<string, unknown>, pos: YamlPos | undefined): 'any' | string[] {
  const r = f.rules;
  if (r === undefined) {
    report(ctx, 'error', 'sigma.filter.rules', "a filter must have a 'rules' field (use 'any' for every rule of the logsource)", pos);
    return [];
  }
  if (typeof r === 'string') return r.toLowerCase() === 'any' ? 'any' : [r];
  if (Array.isArray(r)) return r.length === 0 ? 'any' : r.map(String);
  report(ctx, 'error', 'sigma.filter.rules', "filter 'rules' must be 'any', a rule id or name, or a list of them", pos?.entries?.get('rules')?.[1] ?? pos);
  return [];
}
