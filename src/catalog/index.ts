/** The technique catalog: aggregation of normalized rules per ATT&CK technique, and its published schema. */
export { aggregateCatalog, buildCatalog, catalogInput, catalogInputInterned, collectForCatalog, predicateKeys, predicateReach, ruleFacts, ruleRow, ruleSlugs, type AggregateInput, type AggregateSelection, type Aggregated, type BuildCatalogOptions, type CatalogInput, type RuleFacts } from './build.js';
export { catalogJsonSchema } from './json-schema.js';
export { corpusSummaryFromCheck, type CheckSummaryLike } from './corpus-summary.js';
export { sanitizeSlug, shortHash, SlugAllocator } from './slug.js';
export { valueIdentity, type ValueIdentity } from './keys.js';
export { classifyPredicates } from './classify.js';
export * from './schema.js';
