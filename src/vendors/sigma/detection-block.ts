/**
 * A whole `detection` block (or a filter document's `filter` block): build
 * every selection, parse the condition(s), resolve them into one query.
 */
import type { Duration, Node, Query } from '../../ast/schema.js';
import { opaque, or } from '../../ast/build.js';
import type { YamlPos } from '../../formats/yaml.js';
import { PredicateLimit, report, type RuleCtx } from './context.js';
import { buildSelection } from './detection.js';
import { conditionDepth, legacyAggregate, parseCondition, parseDuration, resolveCondition, type CondAt, type Selections } from './condition.js';

export interface BlockOptions {
  /** Keys of the block that are not selections (`condition`, and `rules` in filters). */
  reserved: readonly string[];
  /** Accept legacy `| aggregation` and `timeframe` (rules only, not filters). */
  allowAggregation: boolean;
  /** Condition may be a list (rules) or must be one string (filters). */
  conditionListAllowed: boolean;
  /** Name used in messages: "detection" or "filter". */
  what: string;
}

export interface BlockResult {
  query: Query;
  /** Legacy `timeframe` when present. */
  timeframe?: string;
}

function fail(reason: string, text = ''): BlockResult {
  return { query: { kind: 'filter', filter: opaque(text, reason) } };
}

export function buildDetectionBlock(ctx: RuleCtx, block: unknown, pos: YamlPos | undefined, opts: BlockOptions): BlockResult {
  if (!block || typeof block !== 'object' || Array.isArray(block)) {
    report(ctx, 'error', `sigma.${opts.what}.invalid`, `${opts.what} must be a map of selections and a condition`, pos);
    return fail(`${opts.what} is not a map`);
  }
  const def = block as Record<string, unknown>;
  try {
    return build(ctx, def, pos, opts);
  } catch (e) {
    if (e instanceof PredicateLimit) {
      report(ctx, 'error', 'sigma.limit.predicates', `rule expands into more than ${ctx.limits.maxPredicatesPerRule} predicates (limit maxPredicatesPerRule)`, pos);
      return fail('predicate limit exceeded');
    }
    throw e;
  }
}

function build(ctx: RuleCtx, def: Record<string, unknown>, pos: YamlPos | undefined, opts: BlockOptions): BlockResult {
  const hasTimeframe = opts.allowAggregation && 'timeframe' in def;
  // Indexed loops here and below: this runs once per rule, mostly unoptimized.
  const keys = Object.keys(def);
  const names: string[] = [];
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (!opts.reserved.includes(k) && !(hasTimeframe && k === 'timeframe')) names.push(k);
  }

  // Every selection is built (so errors in unused ones are reported too), in YAML order.
  const nodes = new Map<string, Node>();
  const entries = pos?.entries;
  for (let i = 0; i < names.length; i++) {
    const n = names[i]!;
    nodes.set(n, buildSelection(ctx, def[n], entries?.get(n)?.[1], n));
  }
  const sel: Selections = { names, get: (n) => nodes.get(n), used: new Set() };

  const condPos = pos?.entries?.get('condition')?.[1];
  const condKeyPos = pos?.entries?.get('condition')?.[0];
  const cond = def.condition;
  let conditions: Array<{ text: string; where: CondAt }> = [];
  if (cond === undefined || cond === null) {
    report(ctx, 'error', 'sigma.condition.missing', `${opts.what} has no condition`, condKeyPos ?? pos);
    return fail('missing condition');
  } else if (typeof cond === 'string') {
    conditions = [{ text: cond, where: whereOf(ctx, cond, condPos) }];
  } else if (Array.isArray(cond) && opts.conditionListAllowed) {
    // Sigma v1 allowed a list of conditions (each its own query); the JSON schema says string only.
    report(ctx, 'warning', 'sigma.condition.list', 'condition is a list (Sigma v1); its conditions are ORed', condPos);
    cond.forEach((c, i) => {
      if (typeof c === 'string') conditions.push({ text: c, where: whereOf(ctx, c, condPos?.items?.[i]) });
      else report(ctx, 'error', 'sigma.condition.type', 'each condition must be a string', condPos?.items?.[i] ?? condPos);
    });
  } else {
    report(ctx, 'error', 'sigma.condition.type', `${opts.what} condition must be a string`, condPos);
    return fail('condition is not a string');
  }
  if (conditions.length === 0) {
    if (Array.isArray(cond) && cond.length === 0) report(ctx, 'error', 'sigma.condition.missing', `${opts.what} condition list is empty`, condPos ?? pos);
    return fail('no usable condition');
  }

  let window: Duration | null = null;
  let timeframe: string | undefined;
  if (hasTimeframe) {
    timeframe = String(def.timeframe);
    window = parseDuration(def.timeframe);
    if (!window) report(ctx, 'error', 'sigma.detection.timeframe', `invalid timeframe '${timeframe}' (expected <number><s|m|h|d|w|M|y>)`, pos?.entries?.get('timeframe')?.[1]);
  }

  const filters: Node[] = [];
  /** Condition text of each entry of `filters`. */
  const plainTexts: string[] = [];
  let query: Query | null = null;
  let conditionFailed = false;
  for (const c of conditions) {
    const parsed = parseCondition(ctx, c.text, c.where);
    if (!parsed) {
      conditionFailed = true;
      filters.push(opaque(c.text, 'invalid condition'));
      plainTexts.push(c.text);
      continue;
    }
    if (conditionDepth(parsed.expr) > ctx.limits.maxDepth * 4) {
      report(ctx, 'error', 'sigma.condition.too-deep', `condition nests deeper than ${ctx.limits.maxDepth}`, c.where.offset);
      conditionFailed = true;
      filters.push(opaque(c.text, 'condition too deep'));
      plainTexts.push(c.text);
      continue;
    }
    let node = resolveCondition(ctx, parsed.expr, sel, c.where);
    if (!node) {
      report(ctx, 'error', 'sigma.condition.empty', 'condition is empty after dropping patterns that match no selection', c.where.offset);
      node = opaque(c.text, 'empty condition');
    }
    if (parsed.agg) {
      if (!opts.allowAggregation) {
        report(ctx, 'error', 'sigma.condition.legacy-aggregation', `aggregations are not allowed in a ${opts.what} condition`, c.where.offset);
        filters.push(opaque(c.text, 'aggregation not allowed'));
        plainTexts.push(c.text);
        continue;
      }
      if (query) report(ctx, 'warning', 'sigma.condition.list', 'only the first aggregation of a condition list is kept in the query', c.where.offset);
      else query = legacyAggregate(ctx, node, parsed.agg, window, sel, c.where);
      continue;
    }
    filters.push(node);
    plainTexts.push(c.text);
  }
  if (hasTimeframe && !query) report(ctx, 'warning', 'sigma.detection.timeframe', 'timeframe without an aggregation has no effect', pos?.entries?.get('timeframe')?.[0]);

  // After a condition error the set of used selections is unknown: no unused-selection noise.
  if (!conditionFailed) {
    for (let i = 0; i < names.length; i++) {
      const n = names[i]!;
      if (!sel.used.has(n)) report(ctx, 'warning', 'sigma.detection.unused', `selection '${n}' is not used by the condition`, entries?.get(n)?.[0]);
    }
  }

  if (query && filters.length && query.kind === 'aggregate') {
    // A Sigma v1 condition list mixing an aggregation with plain conditions (each its own query there):
    // the plain ones cannot join the aggregate shape, so they stay visible as opaque post-conditions.
    report(ctx, 'warning', 'sigma.condition.list', 'plain conditions next to an aggregation are kept only as opaque text', condPos);
    query.post = [...(query.post ?? []), ...plainTexts.map((t) => opaque(t, 'condition list entry next to an aggregation'))];
  }
  const result: BlockResult = { query: query ?? { kind: 'filter', filter: filters.length === 1 ? filters[0]! : or(filters) } };
  if (timeframe !== undefined) result.timeframe = timeframe;
  return result;
}

/** Offsets of the condition text in the file: exact when the YAML scalar is written plainly on one line. */
function whereOf(ctx: RuleCtx, text: string, pos: YamlPos | undefined): CondAt {
  if (!pos) return { offset: 0, exact: false };
  const src = ctx.file.text.slice(pos.start, pos.end);
  if (src === text) return { offset: pos.start, exact: true };
  const q = src[0];
  if ((q === "'" || q === '"') && src.slice(1, 1 + text.length) === text) return { offset: pos.start + 1, exact: true };
  return { offset: pos.start, exact: false, source: src, text };
}
