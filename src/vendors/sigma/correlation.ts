/**
 * Sigma correlation rules (specification v2.1; pySigma `sigma/correlations.py`)
 * to the `correlation` query shape.
 *
 * The aggregate condition names the function per type: event_count -> count,
 * value_count -> dc(field), value_sum -> sum(field), value_avg -> avg(field),
 * value_percentile -> percentile(field) (the percentile is in the condition
 * text and metadata), temporal / temporal_ordered -> distinct_rules (how many
 * of the referenced rules fired; pySigma's default is `gte: <number of rules>`).
 */
import type { AggregateCondition, CorrelationQuery, Query } from '../../ast/schema.js';
import type { YamlPos } from '../../formats/yaml.js';
import { report, type RuleCtx } from './context.js';
import { parseDuration } from './condition.js';

const TYPES = ['event_count', 'value_count', 'temporal', 'temporal_ordered', 'value_sum', 'value_avg', 'value_percentile'] as const;
type CorrType = (typeof TYPES)[number];
const OPS = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'] as const;
const FN: Record<CorrType, string> = {
  event_count: 'count',
  value_count: 'dc',
  value_sum: 'sum',
  value_avg: 'avg',
  value_percentile: 'percentile',
  temporal: 'distinct_rules',
  temporal_ordered: 'distinct_rules',
};
const NEEDS_FIELD = new Set<CorrType>(['value_count', 'value_sum', 'value_avg', 'value_percentile']);
const TEMPORAL = new Set<CorrType>(['temporal', 'temporal_ordered']);

export function buildCorrelation(ctx: RuleCtx, c: unknown, pos: YamlPos | undefined, metadata: Record<string, unknown>): Query {
  if (!c || typeof c !== 'object' || Array.isArray(c)) {
    report(ctx, 'error', 'sigma.correlation.invalid', 'correlation must be a map', pos);
    return { kind: 'none', reason: 'invalid correlation' };
  }
  const d = c as Record<string, unknown>;
  const at = (k: string) => pos?.entries?.get(k)?.[1] ?? pos;

  let type: CorrType = 'event_count';
  const t = d.type;
  if (t === 'value_median') {
    report(ctx, 'info', 'sigma.correlation.type', "value_median (pySigma only) is represented as value_percentile with percentile 50", at('type'));
    type = 'value_percentile';
  } else if (typeof t === 'string' && (TYPES as readonly string[]).includes(t)) type = t as CorrType;
  else {
    report(ctx, 'error', 'sigma.correlation.type', t === undefined ? 'correlation has no type' : `'${String(t)}' is not a correlation type`, at('type'), [...TYPES]);
    return { kind: 'none', reason: 'invalid correlation type' };
  }

  let rules: string[] = [];
  if (typeof d.rules === 'string') rules = [d.rules];
  else if (Array.isArray(d.rules)) rules = d.rules.map(String);
  else if (d.rules !== undefined) report(ctx, 'error', 'sigma.correlation.rules', 'correlation rules must be a rule id or name, or a list of them', at('rules'));
  else if (!TEMPORAL.has(type) || typeof d.condition !== 'string') report(ctx, 'error', 'sigma.correlation.rules', 'correlation has no rules', pos);

  let groupBy: string[] = [];
  if (typeof d['group-by'] === 'string') groupBy = [d['group-by']];
  else if (Array.isArray(d['group-by'])) groupBy = d['group-by'].map(String);
  else if (d['group-by'] !== undefined && d['group-by'] !== null) report(ctx, 'error', 'sigma.correlation.group-by', 'group-by must be a field name or a list of them', at('group-by'));

  const q: CorrelationQuery = { kind: 'correlation', correlationType: type, rules, groupBy };
  if (d.timespan === undefined) report(ctx, 'error', 'sigma.correlation.timespan', 'correlation has no timespan', pos);
  else {
    const ts = parseDuration(d.timespan);
    if (ts) q.timespan = ts;
    else report(ctx, 'error', 'sigma.correlation.timespan', `invalid timespan '${String(d.timespan)}' (expected <number><s|m|h|d|w|M|y>)`, at('timespan'));
  }

  const cond = d.condition;
  if (cond && typeof cond === 'object' && !Array.isArray(cond)) {
    const cm = cond as Record<string, unknown>;
    const ops = OPS.filter((o) => o in cm);
    const unknown = Object.keys(cm).filter((k) => !(OPS as readonly string[]).includes(k) && k !== 'field' && k !== 'percentile');
    if (unknown.length) report(ctx, 'error', 'sigma.correlation.condition', `unknown correlation condition key(s): ${unknown.join(', ')}`, at('condition'), [...OPS, 'field', 'percentile']);
    if (ops.length === 0) report(ctx, 'error', 'sigma.correlation.condition', 'correlation condition has no operator', at('condition'), [...OPS]);
    else {
      if (ops.length > 1) {
        // pySigma requires exactly one operator; the specification's examples use one. The AST holds one.
        report(ctx, 'warning', 'sigma.correlation.condition', `correlation condition has ${ops.length} operators (${ops.join(', ')}); the query keeps '${ops[0]}', metadata.correlationConditions keeps all`, at('condition'));
        metadata.correlationConditions = ops.map((o) => ({ op: o, value: cm[o] }));
      }
      const op = ops[0]!;
      const value = Number(cm[op]);
      if (!Number.isFinite(value)) report(ctx, 'error', 'sigma.correlation.condition', `'${String(cm[op])}' is not a number`, at('condition'));
      const field = cm.field;
      if (NEEDS_FIELD.has(type) && (field === undefined || field === null)) report(ctx, 'error', 'sigma.correlation.field', `${type} correlation needs condition.field`, at('condition'));
      const ac: AggregateCondition = { fn: FN[type], op, value: Number.isFinite(value) ? value : String(cm[op]) };
      const fieldName = Array.isArray(field) ? field.map(String).join(',') : field !== undefined && field !== null ? String(field) : undefined;
      if (fieldName !== undefined) ac.field = { name: fieldName };
      let percentile: number | undefined;
      if (type === 'value_percentile') {
        percentile = t === 'value_median' ? 50 : Number(cm.percentile);
        if (!Number.isFinite(percentile)) report(ctx, 'error', 'sigma.correlation.percentile', 'value_percentile correlation needs condition.percentile (a number)', at('condition'));
        else metadata.percentile = percentile;
      }
      const opText = { eq: '==', neq: '!=', gt: '>', gte: '>=', lt: '<', lte: '<=' }[op];
      ac.text = `${FN[type]}(${[fieldName, percentile].filter((x) => x !== undefined && !Number.isNaN(x)).join(', ')}) ${opText} ${String(cm[op])}`;
      q.condition = ac;
    }
  } else if (typeof cond === 'string') {
    if (!TEMPORAL.has(type)) report(ctx, 'error', 'sigma.correlation.condition', 'a string (extended) condition is only allowed for temporal correlations', at('condition'));
    else report(ctx, 'warning', 'sigma.correlation.extended-condition', 'extended (boolean) temporal conditions are pySigma-only; kept in metadata.extendedCondition', at('condition'));
    metadata.extendedCondition = cond;
  } else if (cond === undefined || cond === null) {
    if (TEMPORAL.has(type)) q.condition = { fn: FN[type], op: 'gte', value: rules.length, text: `distinct_rules() >= ${rules.length} (default)` };
    else report(ctx, 'error', 'sigma.correlation.condition', `${type} correlation has no condition`, pos);
  } else report(ctx, 'error', 'sigma.correlation.condition', 'correlation condition must be a map (or a string for temporal types)', at('condition'));

  if (d.aliases !== undefined && d.aliases !== null) {
    if (typeof d.aliases !== 'object' || Array.isArray(d.aliases)) report(ctx, 'error', 'sigma.correlation.aliases', 'aliases must be a map of alias -> (rule -> field)', at('aliases'));
    else {
      const aliases: Record<string, Record<string, string>> = {};
      for (const [alias, m] of Object.entries(d.aliases as Record<string, unknown>)) {
        if (!m || typeof m !== 'object' || Array.isArray(m)) {
          report(ctx, 'error', 'sigma.correlation.aliases', `alias '${alias}' must map rule ids or names to fields`, at('aliases'));
          continue;
        }
        aliases[alias] = Object.fromEntries(Object.entries(m as Record<string, unknown>).map(([r, f]) => [r, String(f)]));
      }
      q.aliases = aliases;
    }
  }
  if (d.generate !== undefined) {
    if (typeof d.generate !== 'boolean') report(ctx, 'error', 'sigma.correlation.generate', 'generate must be a boolean', at('generate'));
    else q.generate = d.generate;
  }
  return q;
}
