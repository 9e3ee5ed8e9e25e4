/** The evaluator: run normalized rules against events (docs/evaluator.md). */
export { compileRule, type CompileOptions, type EventMatch, type RuleMatcher } from './compile.js';
export { createEngine, benchmarkEvaluator, loadRegressionEvents, runCorrelation, type Engine, type EngineOptions, type EngineStats, type MatchRecord } from './engine.js';
export { EventView, parseTimestamp } from './event-view.js';
export { IDENTITY_LAYER, cachedLayer, type FieldLayer } from './field-layer.js';
export { defaultLayer, normalizerLayer } from './normalizer-layer.js';
export { classifyEvent, gateOf, gateAllows, type EventClass, type EventSource, type Gate } from './logsource.js';
export { parseConcatenatedJson, readEvents, type ReadEventsResult } from './read-events.js';
export type { StreamMatch } from './stream.js';
export type { Tri } from './predicate.js';
