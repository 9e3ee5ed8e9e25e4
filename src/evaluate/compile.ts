/**
 * `compileRule(rule, options)`: a rule compiled once into a matcher.
 *
 * - `matcher(event)` evaluates one event (a JSON object or an `EventView`) and
 *   says whether it matches and which predicates made it match. For rules
 *   whose query needs several events (sequence, sample, aggregate,
 *   correlation) it says which steps the event satisfies; use
 *   `matcher.matchStream(events)` for those.
 * - `matcher.test(view)` is the allocation-free fast path the engine uses.
 * - `matcher.matchStream(events)` runs any query kind over an ordered list of
 *   events (src/evaluate/stream.ts).
 *
 * Sigma rules are gated by their log source (src/evaluate/logsource.ts)
 * unless `logsourceGate: false`.
 */
import type { Diagnostic, Node, Predicate, Rule, SequenceStep } from '../ast/schema.js';
import { and, opaque } from '../ast/build.js';
import { createNodeCompiler, explainNode, type NodeCompiler } from './compile-node.js';
import { EventView } from './event-view.js';
import type { FieldLayer } from './field-layer.js';
import { defaultLayer } from './normalizer-layer.js';
import { gateAllows, gateOf, type Gate } from './logsource.js';
import type { Test, Tri } from './predicate.js';
import { runStream, type StreamMatch } from './stream.js';

export interface CompileOptions {
  /** Maps event field names to canonical names (default: the normalizer's tables, normalizer-layer.ts). */
  layer?: FieldLayer;
  /** Apply the Sigma logsource gate (default true). */
  logsourceGate?: boolean;
}

export interface EventMatch {
  matched: boolean;
  /** The rule could not be decided for this event (placeholders, opaque parts, unsafe regex...). */
  undetermined: boolean;
  /** The log source gate excluded the event. */
  gated: boolean;
  /** Predicates that made the event match (empty unless matched). */
  predicates: Predicate[];
  /** Stream queries: indexes of the steps this event satisfies. */
  steps?: number[];
}

export interface CompiledStep {
  step: SequenceStep;
  test: Test;
  filter: Node;
}

export interface RuleMatcher {
  (event: unknown): EventMatch;
  readonly rule: Rule;
  /** True when the query needs a stream of events (sequence, sample, aggregate, correlation). */
  readonly stateful: boolean;
  readonly gate: Gate | null;
  /** What the evaluator could not run exactly (undetermined parts, approximations). */
  readonly diagnostics: Diagnostic[];
  readonly layer: FieldLayer;
  /** Event filter of a filter rule (or of an aggregate over a filter); null otherwise. */
  test(view: EventView): Tri;
  explain(view: EventView): Predicate[];
  /** Event-level tests of stream queries: steps of a sequence/sample, the input filter of an aggregate. */
  readonly steps: CompiledStep[];
  readonly until: Test | null;
  readonly nodes: NodeCompiler;
  matchStream(events: ReadonlyArray<unknown>): StreamMatch[];
  view(event: unknown, index?: number): EventView;
}

const NEVER: Test = () => 0;

export function compileRule(rule: Rule, options: CompileOptions = {}): RuleMatcher {
  const diagnostics: Diagnostic[] = [];
  const layer = options.layer ?? defaultLayer();
  const nodes = createNodeCompiler({ diagnostics });
  const gate = options.logsourceGate === false ? null : gateOf(rule.vendor, rule.logsource);
  const q = rule.query;

  let filter: Node | null = null;
  const steps: CompiledStep[] = [];
  let until: Test | null = null;
  const stepsOf = (ss: SequenceStep[]) => {
    for (const s of ss) steps.push({ step: s, filter: s.filter, test: nodes.compile(s.filter).test });
  };
  if (q.kind === 'filter') {
    filter = q.filter;
    // Elastic rule types whose query is only the event-selection half: indicator match needs the threat
    // intel indices, new_terms the history of the field values. Without them the result is undetermined.
    const partial = rule.vendor === 'elastic' && (rule.ruleType === 'threat_match' || rule.ruleType === 'new_terms');
    if (partial) filter = and([filter, opaque(rule.ruleType!, `${rule.ruleType} rules also need data the events do not carry`)]);
  }
  else if (q.kind === 'sequence') {
    stepsOf(q.steps);
    if (q.until) until = nodes.compile(q.until).test;
    if (q.pipes?.length) diagnostics.push({ severity: 'info', code: 'evaluate.sequence.pipes', message: `pipes after the sequence are not applied: ${q.pipes.join(' | ')}` });
  } else if (q.kind === 'sample') stepsOf(q.steps);
  else if (q.kind === 'aggregate') {
    if (q.input.kind === 'filter') filter = q.input.filter;
    else if (q.input.kind === 'sequence' || q.input.kind === 'sample') {
      stepsOf(q.input.steps);
      if (q.input.kind === 'sequence' && q.input.until) until = nodes.compile(q.input.until).test;
    } else diagnostics.push({ severity: 'warning', code: 'evaluate.aggregate.input', message: `aggregate over a ${q.input.kind} query is not evaluated` });
  } else if (q.kind === 'correlation') {
    diagnostics.push({ severity: 'info', code: 'evaluate.correlation', message: 'a correlation rule is evaluated by the engine over the matches of the rules it references' });
  } else if (q.kind === 'none') {
    diagnostics.push({ severity: 'info', code: 'evaluate.no-query', message: `the rule has no query (${q.reason}): it never matches` });
  }
  const filterTest: Test = filter ? nodes.compile(filter).test : NEVER;
  const stateful = q.kind !== 'filter';

  const view = (event: unknown, index = 0): EventView => (event instanceof EventView ? event : new EventView(event, index, layer));

  const test = (v: EventView): Tri => (gateAllows(gate, v.cls) ? filterTest(v) : 0);
  const explain = (v: EventView): Predicate[] => (filter ? explainNode(filter, v, nodes) : []);

  const matcher = ((event: unknown): EventMatch => {
    const v = view(event);
    if (!gateAllows(gate, v.cls)) return { matched: false, undetermined: false, gated: true, predicates: [] };
    if (stateful && q.kind !== 'aggregate') {
      const hit: number[] = [];
      steps.forEach((s, i) => {
        if (s.test(v) === 1) hit.push(i);
      });
      return { matched: false, undetermined: false, gated: false, predicates: [], steps: hit };
    }
    const r = filterTest(v);
    return { matched: r === 1 && !stateful, undetermined: r === 2, gated: false, predicates: r === 1 ? explain(v) : [] };
  }) as RuleMatcher;

  const props = {
    rule,
    stateful,
    gate,
    diagnostics,
    layer,
    test,
    explain,
    steps,
    until,
    nodes,
    view,
    matchStream: (events: ReadonlyArray<unknown>) => runStream(matcher, events.map((e, i) => view(e, i))),
  };
  return Object.assign(matcher, props);
}

export type { StreamMatch };
