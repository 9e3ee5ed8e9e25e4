/**
 * ruleatlas: the library API.
 *
 * - The unified AST and its helpers (docs/AST.md).
 * - Loading: `loadCorpus(paths, options)` / `loadRules(paths, options)`; `summarize` for the check figures.
 * - Normalization: `createNormalizer(options)`, `fieldCoverage`, ATT&CK data and the Windows event catalog.
 * - The catalog: `buildCatalog`, `writeCatalog`, the renderers; `buildFromPaths` does it all.
 * - The evaluator: `compileRule`, `createEngine`.
 */
export * from './ast/index.js';
export { SourceFile, decodeBytes } from './core/source-file.js';
export { formatDiagnostic, hasErrors } from './core/diagnostics.js';
export { tuneForBatch, endBatchTuning, batchTuningDecision, BATCH_INTERRUPT_BUDGET, DEFAULT_INTERRUPT_BUDGET, type BatchTuning, type BatchTuningContext } from './core/v8-tuning.js';
export { DEFAULT_LIMITS, resolveLimits, type Limits } from './core/limits.js';
export { parseYaml, yamlPosAt, type YamlDocument, type YamlPos } from './formats/yaml.js';
export { autoWorkers, loadCorpus, loadRules, type LoadOptions, type LoadResult, type FileEntry } from './loader/load.js';
export { summarize, ruleStatus, type CheckSummary, type Counts, type Failure } from './loader/summary.js';
export { sniff } from './loader/sniff.js';
export { walkPaths } from './loader/walk.js';
export * from './normalize/index.js';
export * from './attack/index.js';
export * from './events/index.js';
export * from './catalog/index.js';
export * from './render/index.js';
export * from './evaluate/index.js';
export { buildFromPaths, corpusSummary, loadNormalized, pipelineContext, type BuildOptions, type BuildResult, type PipelineOptions, type PipelineContext } from './pipeline.js';
export { updateBuild, type IncrementalInfo, type UpdateOptions, type UpdateResult } from './incremental/index.js';
export { VENDOR_MODULES } from './vendors/registry.js';
export type { VendorModule, FileRole, FileFormat, ParseOptions, ParsedFile } from './vendors/types.js';
