/**
 * The published shape of `catalog.json` (zod schemas; the TypeScript types are
 * inferred from them). Everything is plain JSON. Technique, field and event
 * rows refer to rules by their index in `rules` (integers keep the file
 * compact: the full corpus has hundreds of thousands of such references).
 * Each rule also has a `key` (`<vendor>/<slug>`), unique within a catalog,
 * which is the path of its page (`rules/<vendor>/<slug>.html`).
 * docs/catalog.md explains every figure.
 */
import { z } from 'zod';
import { DiagnosticSchema, EventRefSchema, PredicateOpSchema } from '../ast/schema.js';

export const CATALOG_SCHEMA_VERSION = 1;

const Count = z.number().int().nonnegative();
/** Index of a rule in `Catalog.rules`. */
const RuleIndex = z.number().int().nonnegative();
/** vendor -> number of distinct rules (only vendors with at least one rule are present). */
export const VendorCountsSchema = z.record(z.string(), Count);
export type VendorCounts = z.infer<typeof VendorCountsSchema>;

/**
 * Corpus figures the loader measured (files read, rules per vendor and
 * language, failures). Taken as given data; every field but `files` and
 * `failures` is optional so any loader can fill what it knows.
 */
export const CorpusSummarySchema = z.object({
  /** Input paths as given on the command line. */
  sources: z.array(z.string()).optional(),
  /** Files read (rule files and supporting files). */
  files: Count,
  /** Rule files among them, and supporting files (Splunk macros, data sources...). */
  ruleFiles: Count.optional(),
  supportFiles: Count.optional(),
  /** Rules produced. */
  rules: Count.optional(),
  /** vendor -> rules. */
  byVendor: z.record(z.string(), Count).optional(),
  /** vendor -> language -> rules. */
  byLanguage: z.record(z.string(), z.record(z.string(), Count)).optional(),
  /** Elastic hunting queries (counted apart from rules by the loader). */
  hunts: Count.optional(),
  /** Files or rules that produced no rule (each one is reported, never dropped). */
  failures: Count,
  failuresByVendor: z.record(z.string(), Count).optional(),
  /** The failures themselves (first diagnostic of each), when the loader lists them. */
  failed: z
    .array(
      z.object({
        path: z.string(),
        vendor: z.string().optional(),
        code: z.string(),
        message: z.string(),
        line: z.number().int().optional(),
        column: z.number().int().optional(),
      }),
    )
    .optional(),
  /** Diagnostics by severity over the whole load. */
  diagnostics: z.object({ error: Count, warning: Count, info: Count }).partial().optional(),
  durationMs: z.number().nonnegative().optional(),
});
export type CorpusSummary = z.infer<typeof CorpusSummarySchema>;

export const TacticRefSchema = z.object({
  /** `TA0009`, or the short name as written when the id is unknown. */
  id: z.string(),
  name: z.string().nullable(),
  shortname: z.string().nullable(),
});
export type TacticRef = z.infer<typeof TacticRefSchema>;

/** How one predicate of a rule is used. */
export const PredicateRoleSchema = z.enum([
  /** Positive logic of an event filter: counts as an indicator. */
  'indicator',
  /** Inside a top-level `not(...)` of an event filter (Sigma `and not filter`, Elastic rule filters, SPL `!=`/`NOT`). */
  'exclusion',
  /** Any other negated position (nested `not`, EQL missing-event steps, `until`): shown, never counted. */
  'negated',
]);
export type PredicateRole = z.infer<typeof PredicateRoleSchema>;

export const RegexNoteSchema = z.object({ flags: z.string(), anchored: z.boolean() });

/** One predicate of a rule as the rule page shows it. */
export const CatalogPredicateSchema = z.object({
  /** Canonical field (the name as written when normalization could not map it); null = any field / full-text. */
  field: z.string().nullable(),
  /** The field as the rule wrote it, when it differs from `field`. */
  written: z.string().optional(),
  /** Present (true) when the normalizer gave no canonical name and `field` is the written name. */
  unmapped: z.literal(true).optional(),
  /** Catalog operator: a `wildcard` without any wildcard is shown (and compared) as `eq`. */
  op: PredicateOpSchema,
  /** Display value (wildcards in Sigma-style glob text; `@field` for a field-to-field comparison; `%name%` for a placeholder). */
  value: z.string(),
  /** Present (true) when the value compares case-sensitively. */
  caseSensitive: z.literal(true).optional(),
  regex: RegexNoteSchema.optional(),
  role: PredicateRoleSchema,
  /** Vendor operator as written (`contains|all`, `:`, `like~`...), and the raw value when it differs from `value`. */
  vendorOp: z.string().optional(),
  raw: z.string().optional(),
  line: z.number().int().optional(),
  /** Rules in the whole catalog using the same (field, op, value) in the same role (indicator or exclusion). */
  reach: Count.optional(),
});
export type CatalogPredicate = z.infer<typeof CatalogPredicateSchema>;

export const CatalogRuleSchema = z.object({
  /** Unique catalog key `<vendor>/<slug>`; the rule page is `rules/<key>.html`. */
  key: z.string(),
  slug: z.string(),
  id: z.string(),
  title: z.string(),
  vendor: z.string(),
  language: z.string(),
  kind: z.string(),
  ruleType: z.string().optional(),
  status: z.string().optional(),
  level: z.string().optional(),
  severity: z.string().optional(),
  riskScore: z.number().optional(),
  description: z.string().optional(),
  path: z.string(),
  line: z.number().int().optional(),
  techniques: z.array(z.string()),
  tactics: z.array(z.string()),
  authors: z.array(z.string()).optional(),
  references: z.array(z.string()).optional(),
  falsePositives: z.array(z.string()).optional(),
  /** Log source in one line (`product=windows category=process_creation`, index patterns, data sources...). */
  logsource: z.string().optional(),
  events: z.array(EventRefSchema),
  /** The full normalized logic (src/ast/print.ts), canonical field names. */
  logic: z.string(),
  queryText: z.string().optional(),
  predicates: z.array(CatalogPredicateSchema),
  /** Aggregate / correlation conditions: shown, never indicators. */
  thresholds: z.array(z.string()),
  opaque: z.array(z.object({ text: z.string(), reason: z.string() })),
  diagnostics: z.array(DiagnosticSchema),
});
export type CatalogRule = z.infer<typeof CatalogRuleSchema>;

export const EventRowSchema = z.object({
  provider: z.string(),
  providerShort: z.string().nullable(),
  eventId: z.number().int(),
  channel: z.string().nullable(),
  /** Title from the event catalog; null when no catalog was given or the event is not in it. */
  title: z.string().nullable(),
  inCatalog: z.boolean().nullable(),
  count: Count,
  rules: z.array(RuleIndex),
});
export type EventRow = z.infer<typeof EventRowSchema>;

export const FieldRowSchema = z.object({
  field: z.string().nullable(),
  /** Distinct rules filtering on the field (any role). */
  count: Count,
  /** ...of which in positive logic, and in top-level exclusions. */
  indicatorRules: Count,
  exclusionRules: Count,
  /** operator -> distinct rules. */
  ops: z.record(z.string(), Count),
  writtenAs: z.array(z.object({ vendor: z.string(), name: z.string(), count: Count })),
  /** The most used indicator values (display form), at most 5. */
  samples: z.array(z.string()),
});
export type FieldRow = z.infer<typeof FieldRowSchema>;

export const ValueRowSchema = z.object({
  field: z.string().nullable(),
  op: PredicateOpSchema,
  value: z.string(),
  regex: RegexNoteSchema.optional(),
  /** Distinct rules under this technique. */
  count: Count,
  /** Of which compare case-sensitively. */
  caseSensitive: Count,
  /** Distinct rules in the whole catalog using the same combination in the same role. */
  reach: Count,
  rules: z.array(RuleIndex),
});
export type ValueRow = z.infer<typeof ValueRowSchema>;

export const TechniqueRuleSchema = z.object({
  rule: RuleIndex,
  /** The rule's own technique tags that place it on this page (the id itself, or sub-techniques for a roll-up). */
  via: z.array(z.string()),
});

export const CatalogTechniqueSchema = z.object({
  id: z.string(),
  /** File-name-safe form of the id (`techniques/<slug>.md|html`). */
  slug: z.string(),
  name: z.string().nullable(),
  parent: z.string().nullable(),
  parentName: z.string().nullable(),
  tactics: z.array(TacticRefSchema),
  /** Where the tactics come from: the ATT&CK data, or (without it) the tactics tagged on its rules. */
  tacticsFrom: z.enum(['attack', 'rules']),
  description: z.string().nullable(),
  url: z.string().nullable(),
  /** true/false when ATT&CK data was given (false: unknown id, e.g. a newer ATT&CK release); null without it. */
  known: z.boolean().nullable(),
  revokedBy: z.string().nullable(),
  deprecated: z.boolean(),
  /** `technique`: rules tagged with this id. `rollup`: a parent with its sub-techniques rolled up. */
  scope: z.enum(['technique', 'rollup']),
  /** Sub-techniques with rules (roll-ups only). */
  subtechniques: z.array(z.string()),
  ruleCount: Count,
  /** Rules tagged with this exact id (equals ruleCount for `technique` scope). */
  directRuleCount: Count,
  byVendor: VendorCountsSchema,
  rules: z.array(TechniqueRuleSchema),
  /** Distinct rows before the row limit: the "(N distinct)" of each section. */
  distinct: z.object({ events: Count, fields: Count, indicators: Count, exclusions: Count }),
  events: z.array(EventRowSchema),
  /** The top rows (see `rowLimit`), ranked by distinct rules. */
  fields: z.array(FieldRowSchema),
  indicators: z.array(ValueRowSchema),
  exclusions: z.array(ValueRowSchema),
});
export type CatalogTechnique = z.infer<typeof CatalogTechniqueSchema>;

export const FieldValueSchema = z.object({
  op: PredicateOpSchema,
  value: z.string(),
  regex: RegexNoteSchema.optional(),
  indicatorRules: z.array(RuleIndex),
  exclusionRules: z.array(RuleIndex),
});

/** A catalog-wide field page. */
export const CatalogFieldSchema = z.object({
  field: z.string().nullable(),
  slug: z.string(),
  count: Count,
  byVendor: VendorCountsSchema,
  ops: z.record(z.string(), Count),
  writtenAs: z.array(z.object({ vendor: z.string(), name: z.string(), count: Count })),
  /** Techniques (as tagged on the rules, no roll-up) with the number of their rules filtering on the field. */
  techniques: z.array(z.object({ id: z.string(), count: Count })),
  rules: z.array(RuleIndex),
  /** Every (operator, value) used on the field, most used first. */
  values: z.array(FieldValueSchema),
});
export type CatalogField = z.infer<typeof CatalogFieldSchema>;

export const MatrixCellSchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  /** Distinct rules (roll-up for a parent: tagged with it or any sub-technique). */
  ruleCount: Count,
  byVendor: VendorCountsSchema,
  subtechniques: z.array(z.object({ id: z.string(), name: z.string().nullable(), ruleCount: Count, byVendor: VendorCountsSchema })),
});
export type MatrixCell = z.infer<typeof MatrixCellSchema>;

export const MatrixColumnSchema = z.object({
  tactic: TacticRefSchema,
  /** Distinct rules tagged with any technique of this column. */
  ruleCount: Count,
  byVendor: VendorCountsSchema,
  techniques: z.array(MatrixCellSchema),
});
export type MatrixColumn = z.infer<typeof MatrixColumnSchema>;

export const SummarySchema = z.object({
  rules: Count,
  byVendor: VendorCountsSchema,
  /** vendor -> language -> rules */
  byLanguage: z.record(z.string(), z.record(z.string(), Count)),
  byKind: z.record(z.string(), Count),
  /** Rules with at least one technique tag, and without. */
  withTechniques: Count,
  withoutTechniques: Count,
  techniques: Count,
  /** Rules carrying an error diagnostic (parsed partly), rules with opaque parts. */
  withErrors: Count,
  withOpaque: Count,
  predicates: Count,
  fields: Count,
  /** The loader's own figures (files, failures), as given. */
  corpus: CorpusSummarySchema.nullable(),
});
export type Summary = z.infer<typeof SummarySchema>;

export const CatalogSchema = z.object({
  schemaVersion: z.literal(CATALOG_SCHEMA_VERSION),
  generator: z.literal('ruleatlas'),
  attack: z.object({ version: z.string() }).nullable(),
  /** Most rows kept per technique section (fields, indicators, exclusions); 0 = all. */
  rowLimit: Count,
  eventCatalog: z.object({ events: Count }).nullable(),
  summary: SummarySchema,
  matrix: z.array(MatrixColumnSchema),
  /** Techniques and roll-ups not placed in the matrix: unknown or revoked ids, or no tactic known. */
  unplaced: z.array(z.string()),
  techniques: z.array(CatalogTechniqueSchema),
  rules: z.array(CatalogRuleSchema),
  fields: z.array(CatalogFieldSchema),
});
export type Catalog = z.infer<typeof CatalogSchema>;
