/**
 * ruleatlas: the library API.
 *
 * - The unified AST and its helpers: `src/ast` (docs/AST.md).
 * - Loading: `loadCorpus(paths, options)` / `loadRules(paths, options)`.
 * - Normalization: `createNormalizer(options)`.
 */
export * from './ast/index.js';
export { SourceFile, decodeBytes } from './core/source-file.js';
export { formatDiagnostic, hasErrors } from './core/diagnostics.js';
export { DEFAULT_LIMITS, resolveLimits, type Limits } from './core/limits.js';
export { parseYaml, yamlPosAt, type YamlDocument, type YamlPos } from './formats/yaml.js';
export { loadCorpus, loadRules, type LoadOptions, type LoadResult, type FileEntry } from './loader/load.js';
export { summarize, ruleStatus, type CheckSummary, type Counts, type Failure } from './loader/summary.js';
export { sniff } from './loader/sniff.js';
export { walkPaths } from './loader/walk.js';
export { createNormalizer, type Normalizer, type NormalizeOptions } from './normalize/index.js';
export { VENDOR_MODULES } from './vendors/registry.js';
export type { VendorModule, FileRole, FileFormat, ParseOptions, ParsedFile } from './vendors/types.js';
export type { AttackData, AttackTactic, AttackTechnique } from './attack/types.js';
export type { CatalogEvent } from './events/types.js';
