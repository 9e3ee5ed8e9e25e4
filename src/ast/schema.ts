/**
 * The unified predicate AST: the one contract between vendor parsers, the
 * normalizer, the evaluator, the catalog and the renderers. Defined once as
 * zod schemas; the TypeScript types are inferred from them. Everything here is
 * plain JSON (no Maps, no class instances, no undefined-vs-missing tricks), so
 * `Schema.parse(JSON.parse(JSON.stringify(x)))` gives back an equal value.
 *
 * See docs/AST.md for the meaning of every node and field.
 */
import { z } from 'zod';

export const VENDORS = ['sigma', 'elastic', 'splunk'] as const;
export const VendorSchema = z.enum(VENDORS);
export type Vendor = z.infer<typeof VendorSchema>;

export const LANGUAGES = ['sigma', 'kuery', 'eql', 'esql', 'lucene', 'spl', 'osquery', 'none'] as const;
export const LanguageSchema = z.enum(LANGUAGES);
export type Language = z.infer<typeof LanguageSchema>;

/** Where a node came from: the vendor, a 1-based line/column span in the rule file, the original clause text. */
export const SourceSchema = z.object({
  vendor: VendorSchema,
  line: z.number().int().optional(),
  column: z.number().int().optional(),
  endLine: z.number().int().optional(),
  endColumn: z.number().int().optional(),
  text: z.string().optional(),
});
export type Source = z.infer<typeof SourceSchema>;

/**
 * A field reference. `name` is the field as the rule wrote it (Sigma `Image`,
 * Elastic `process.name`, Splunk `Processes.process_name`); `canonical` is the
 * canonical (ECS-based) name, filled in by the normalizer. `computed` marks a
 * field that the query itself computed (ES|QL EVAL, SPL eval/rex), which is not
 * an event field.
 */
export const FieldRefSchema = z.object({
  name: z.string(),
  canonical: z.string().optional(),
  computed: z.boolean().optional(),
});
export type FieldRef = z.infer<typeof FieldRefSchema>;

export const PREDICATE_OPS = ['eq', 'wildcard', 'regex_match', 'match', 'cidr', 'gt', 'gte', 'lt', 'lte', 'exists'] as const;
export const PredicateOpSchema = z.enum(PREDICATE_OPS);
export type PredicateOp = z.infer<typeof PredicateOpSchema>;

export const ScalarSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type Scalar = z.infer<typeof ScalarSchema>;

/** Regex details for `regex_match`. */
export const RegexInfoSchema = z.object({
  /** Dialect the pattern was written in; the evaluator translates it. */
  flavor: z.enum(['pcre', 'lucene', 'java', 'ecmascript']),
  /** Subset of `i`, `m`, `s`. */
  flags: z.string(),
  /** True when the pattern must match the whole value (Lucene/EQL/ES|QL RLIKE); false for a search anywhere (Sigma `re`, SPL `match`). */
  anchored: z.boolean(),
});
export type RegexInfo = z.infer<typeof RegexInfoSchema>;

/**
 * One leaf condition.
 *
 * `value` by operator:
 * - `eq`: the literal value (string, number, boolean); `null` means "the field is null or absent".
 * - `wildcard`, `match`: a pattern in the canonical glob syntax (src/ast/glob.ts): `*` any run,
 *   `?` one character, `\` escapes `*`, `?` and `\`; any other backslash is literal.
 *   `match` is a full-text / keyword search (field may be null: any field or the raw event).
 * - `regex_match`: the regex source; see `regex`.
 * - `cidr`: a CIDR block (`10.0.0.0/8`, `fe80::/10`).
 * - `gt`/`gte`/`lt`/`lte`: number or string.
 * - `exists`: `true` (field present and not null). "Absent" is `not(exists)`.
 *
 * `ref` makes the predicate a field-to-field comparison (value is null then);
 * `placeholder` names an unresolved placeholder (value holds its raw text).
 */
export const PredicateSchema = z.object({
  type: z.literal('predicate'),
  field: FieldRefSchema.nullable(),
  op: PredicateOpSchema,
  value: ScalarSchema,
  caseSensitive: z.boolean(),
  regex: RegexInfoSchema.optional(),
  ref: FieldRefSchema.optional(),
  /**
   * For a `wildcard` field-to-field comparison: where the referenced field's
   * value must appear in this field's value (Sigma `fieldref|contains`, EQL
   * `startsWith(a, b)`). Absent for whole-value comparisons.
   */
  refMatch: z.enum(['contains', 'startswith', 'endswith']).optional(),
  placeholder: z.string().optional(),
  /** Vendor operator/modifier chain as written (e.g. `contains|all`, `:`, `like~`, `IN`), for display. */
  vendorOp: z.string().optional(),
  /** The value as written in the rule, before escape processing and modifiers. */
  raw: z.string().optional(),
  source: SourceSchema.optional(),
});
export type Predicate = z.infer<typeof PredicateSchema>;

export interface AndNode { type: 'and'; children: Node[]; source?: Source }
export interface OrNode { type: 'or'; children: Node[]; source?: Source }
export interface NotNode { type: 'not'; child: Node; source?: Source }
export interface ConstantNode { type: 'constant'; value: boolean; source?: Source }
/** A part the parser or normalizer cannot express; kept with its text and a reason, and counted. */
export interface OpaqueNode { type: 'opaque'; text: string; reason: string; source?: Source }
export type Node = Predicate | AndNode | OrNode | NotNode | ConstantNode | OpaqueNode;

export const ConstantNodeSchema = z.object({ type: z.literal('constant'), value: z.boolean(), source: SourceSchema.optional() });
export const OpaqueNodeSchema = z.object({ type: z.literal('opaque'), text: z.string(), reason: z.string(), source: SourceSchema.optional() });

export const NodeSchema: z.ZodType<Node> = z.lazy(() =>
  z.discriminatedUnion('type', [
    PredicateSchema,
    z.object({ type: z.literal('and'), children: z.array(NodeSchema), source: SourceSchema.optional() }),
    z.object({ type: z.literal('or'), children: z.array(NodeSchema), source: SourceSchema.optional() }),
    z.object({ type: z.literal('not'), child: NodeSchema, source: SourceSchema.optional() }),
    ConstantNodeSchema,
    OpaqueNodeSchema,
  ]),
) as z.ZodType<Node>;

/** A duration in milliseconds plus the text it was written as (`5m`, `maxspan=30s`). */
export const DurationSchema = z.object({ ms: z.number().nonnegative(), text: z.string() });
export type Duration = z.infer<typeof DurationSchema>;

/** Aggregate condition: `count > 5`, `dc(user) >= 3`. Thresholds are never indicators. */
export const AggregateConditionSchema = z.object({
  /** Aggregation function name, lower-case: count, dc, sum, avg, min, max, percentile, ... or a computed name. */
  fn: z.string(),
  field: FieldRefSchema.optional(),
  op: z.enum(['eq', 'neq', 'gt', 'gte', 'lt', 'lte']),
  value: z.union([z.number(), z.string()]),
  text: z.string().optional(),
});
export type AggregateCondition = z.infer<typeof AggregateConditionSchema>;

export interface FilterQuery { kind: 'filter'; filter: Node }
export interface SequenceStep {
  filter: Node;
  by?: FieldRef[];
  /** EQL missing-event step `![...]`: the sequence matches when this event does NOT occur. */
  missing?: boolean;
  alias?: string;
  runs?: number;
}
export interface SequenceQuery {
  kind: 'sequence';
  steps: SequenceStep[];
  by?: FieldRef[];
  maxspan?: Duration;
  until?: Node;
  /** Pipes after the sequence (`| head 5`), kept as text. */
  pipes?: string[];
}
export interface SampleQuery { kind: 'sample'; steps: SequenceStep[]; by?: FieldRef[] }
export interface AggregateQuery {
  kind: 'aggregate';
  /** The event-level input: a filter, or a sequence. */
  input: Query;
  groupBy: FieldRef[];
  /** Conditions on aggregated values, ANDed. Empty when every group is reported. */
  conditions: AggregateCondition[];
  /** Aggregations computed (`count`, `dc(user.name)`), for display. */
  aggregations?: string[];
  window?: Duration;
  /** Opaque post-aggregation logic (text) that could not be expressed as conditions. */
  post?: OpaqueNode[];
}
export interface CorrelationQuery {
  kind: 'correlation';
  correlationType: 'event_count' | 'value_count' | 'temporal' | 'temporal_ordered' | 'value_sum' | 'value_avg' | 'value_percentile';
  /** Referenced rules, by id or name as written. */
  rules: string[];
  groupBy: string[];
  timespan?: Duration;
  condition?: AggregateCondition;
  /** alias name -> (rule id/name -> field) */
  aliases?: Record<string, Record<string, string>>;
  generate?: boolean;
}
/** A rule with no query (machine-learning jobs, osquery hunts): techniques but no predicates. */
export interface NoQuery { kind: 'none'; reason: string }
export type Query = FilterQuery | SequenceQuery | SampleQuery | AggregateQuery | CorrelationQuery | NoQuery;

const SequenceStepSchema = z.object({
  filter: NodeSchema,
  by: z.array(FieldRefSchema).optional(),
  missing: z.boolean().optional(),
  alias: z.string().optional(),
  runs: z.number().int().optional(),
});

export const QuerySchema: z.ZodType<Query> = z.lazy(() =>
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('filter'), filter: NodeSchema }),
    z.object({
      kind: z.literal('sequence'),
      steps: z.array(SequenceStepSchema),
      by: z.array(FieldRefSchema).optional(),
      maxspan: DurationSchema.optional(),
      until: NodeSchema.optional(),
      pipes: z.array(z.string()).optional(),
    }),
    z.object({ kind: z.literal('sample'), steps: z.array(SequenceStepSchema), by: z.array(FieldRefSchema).optional() }),
    z.object({
      kind: z.literal('aggregate'),
      input: QuerySchema,
      groupBy: z.array(FieldRefSchema),
      conditions: z.array(AggregateConditionSchema),
      aggregations: z.array(z.string()).optional(),
      window: DurationSchema.optional(),
      post: z.array(OpaqueNodeSchema).optional(),
    }),
    z.object({
      kind: z.literal('correlation'),
      correlationType: z.enum(['event_count', 'value_count', 'temporal', 'temporal_ordered', 'value_sum', 'value_avg', 'value_percentile']),
      rules: z.array(z.string()),
      groupBy: z.array(z.string()),
      timespan: DurationSchema.optional(),
      condition: AggregateConditionSchema.optional(),
      aliases: z.record(z.string(), z.record(z.string(), z.string())).optional(),
      generate: z.boolean().optional(),
    }),
    z.object({ kind: z.literal('none'), reason: z.string() }),
  ]),
) as z.ZodType<Query>;

export const SeveritySchema = z.enum(['error', 'warning', 'info']);
/**
 * A diagnostic. `code` is stable (documented in docs/diagnostics.md), e.g.
 * `yaml.syntax`, `sigma.modifier.unknown`, `kql.syntax`, `spl.macro.unknown`.
 */
export const DiagnosticSchema = z.object({
  severity: SeveritySchema,
  code: z.string(),
  message: z.string(),
  path: z.string().optional(),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
  endLine: z.number().int().optional(),
  endColumn: z.number().int().optional(),
  /** What the parser expected at that point, when it knows. */
  expected: z.array(z.string()).optional(),
});
export type Diagnostic = z.infer<typeof DiagnosticSchema>;

/** A Windows (or other) event a rule covers: provider + event id, as in seeds/windows-events.json. */
export const EventRefSchema = z.object({
  provider: z.string(),
  eventId: z.number().int(),
  channel: z.string().optional(),
  /** How the event was inferred (logsource, explicit predicate, data_source, index, action, fields: the channel's events carrying the rule's fields...). */
  via: z.string().optional(),
});
export type EventRef = z.infer<typeof EventRefSchema>;

export const LogSourceSchema = z.object({
  /** Sigma logsource block. */
  product: z.string().optional(),
  category: z.string().optional(),
  service: z.string().optional(),
  definition: z.string().optional(),
  /** Elastic index patterns, integrations (`related_integrations` packages and tags), `data_stream.dataset` values. */
  index: z.array(z.string()).optional(),
  integrations: z.array(z.string()).optional(),
  datasets: z.array(z.string()).optional(),
  /** Splunk `data_source` strings and the source-selection macros / index / sourcetype terms of the search. */
  dataSources: z.array(z.string()).optional(),
  sourceMacros: z.array(z.string()).optional(),
  /** Source selection predicates (Splunk index/sourcetype/source/eventtype, Sigma-like), kept apart from the rule filter. */
  selection: NodeSchema.optional(),
});
export type LogSource = z.infer<typeof LogSourceSchema>;

export const RuleSchema = z.object({
  /** Vendor rule id (Sigma `id`, Elastic `rule_id`, Splunk `id`). Hunting queries get `<id>:<n>`. */
  id: z.string(),
  title: z.string(),
  description: z.string().optional(),
  vendor: VendorSchema,
  language: LanguageSchema,
  /** `detection` for rules, `hunt` for Elastic hunting queries, `correlation`/`filter` for Sigma meta rules. */
  kind: z.enum(['detection', 'hunt', 'correlation', 'filter']),
  /** Vendor rule type: Elastic `query`/`eql`/`threshold`/..., Splunk `TTP`/`Anomaly`/..., Sigma `rule`. */
  ruleType: z.string().optional(),
  /** Source file path as given to the loader, and the 1-based line where the rule starts. */
  path: z.string(),
  line: z.number().int().optional(),
  attack: z.object({
    /** Normalized technique ids (`T1059.001`), deduplicated, in first-seen order. */
    techniques: z.array(z.string()),
    /** Tactic ids (`TA0002`) or short names when the id is unknown. */
    tactics: z.array(z.string()),
    /** Tags or ids exactly as written. */
    raw: z.array(z.string()),
  }),
  status: z.string().optional(),
  level: z.string().optional(),
  severity: z.string().optional(),
  riskScore: z.number().optional(),
  authors: z.array(z.string()).optional(),
  references: z.array(z.string()).optional(),
  falsePositives: z.array(z.string()).optional(),
  logsource: LogSourceSchema,
  query: QuerySchema,
  /** The query exactly as written (Sigma: the detection block's YAML text). */
  queryText: z.string().optional(),
  /** Events the rule covers (filled by the normalizer). */
  events: z.array(EventRefSchema).optional(),
  /** Vendor metadata not modelled above, as loaded (JSON-safe). */
  metadata: z.record(z.string(), z.unknown()),
  diagnostics: z.array(DiagnosticSchema),
});
export type Rule = z.infer<typeof RuleSchema>;
