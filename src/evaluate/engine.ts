/**
 * Many rules against many events.
 *
 * Each event is flattened once (`EventView`) and offered only to the rules
 * its log source can match: Sigma rules are indexed by category and service
 * (src/evaluate/logsource.ts), so a Sysmon process-creation event visits the
 * process_creation rules, the Sysmon service rules and the ungated rules,
 * not the 3,000 others. Inside a rule, cheap tests run first
 * (src/evaluate/compile-node.ts).
 *
 * Filter rules are evaluated event by event; sequence, sample and aggregate
 * rules over the whole (time-ordered) event list; Sigma correlation rules
 * over the matches of the rules they reference (by id or `name`).
 */
import type { CorrelationQuery, Diagnostic, Rule } from '../ast/schema.js';
import { compileRule, type CompileOptions, type RuleMatcher } from './compile.js';
import { EventView } from './event-view.js';
import { defaultLayer } from './normalizer-layer.js';
import { gateAllows, KNOWN_WINDOWS_CATEGORIES, type Gate } from './logsource.js';
import { printPredicate } from '../ast/print.js';
import { timeOrder, type StreamMatch } from './stream.js';
import { toNumber } from './predicate.js';
import { Prefilter } from './prefilter.js';
import { readEvents } from './read-events.js';

export interface MatchRecord {
  ruleId: string;
  title: string;
  path: string;
  /** Index of the event (filter rules), or of the first event of a stream match. */
  event: number;
  /** All events of a stream match (sequence, sample, aggregate, correlation). */
  events?: number[];
  /** The predicates that matched, in canonical text. */
  predicates: string[];
  key?: unknown[];
  aggregates?: Record<string, number>;
  kind: 'filter' | 'sequence' | 'sample' | 'aggregate' | 'correlation';
}

export interface EngineStats {
  events: number;
  rules: number;
  /** Rules that can be evaluated (not `none`, not skipped). */
  evaluable: number;
  matches: number;
  /** (rule, event) evaluations actually run, after the log source index and the literal prefilter. */
  evaluations: number;
  /** Evaluations whose result was undetermined (placeholders, opaque parts...). */
  undetermined: number;
  /** Rules that matched at least once. */
  rulesMatched: number;
}

export interface Engine {
  matchers: RuleMatcher[];
  /** Evaluate events; `onMatch` receives matches as they are found (filter rules first, in event order). */
  run(events: ReadonlyArray<unknown>, onMatch?: (m: MatchRecord) => void): { matches: MatchRecord[]; stats: EngineStats };
  /** Filter rules only, one event (no stream rules, no correlations). */
  matchEvent(event: unknown, index?: number): MatchRecord[];
  diagnostics: Array<Diagnostic & { ruleId: string }>;
}

export interface EngineOptions extends CompileOptions {
  /** Skip rules whose necessary literals do not occur in the event (default true; results are the same). */
  prefilter?: boolean;
  /** Report matches of rules referenced by a correlation with `generate: false` (default: false, as the Sigma specification says). */
  reportCorrelationInputs?: boolean;
}

/**
 * What the hot loop needs of a filter rule, as a plain object: properties of
 * a function object (the matcher) are slow to read once there are many.
 */
interface Entry {
  test: (v: EventView) => 0 | 1 | 2;
  gate: Gate | null;
  m: RuleMatcher;
  /** Rule number in the prefilter. */
  no: number;
}

interface Index {
  byCategory: Map<string, Entry[]>;
  byService: Map<string, Entry[]>;
  always: Entry[];
  all: Entry[];
}

/** The log source index over the rules the prefilter cannot narrow (`include`), all of them without a prefilter. */
function buildIndex(filters: Entry[], include: (e: Entry) => boolean): Index {
  const idx: Index = { byCategory: new Map(), byService: new Map(), always: [], all: filters.filter(include) };
  const push = (m: Map<string, Entry[]>, k: string, r: Entry) => {
    const l = m.get(k);
    if (l) l.push(r);
    else m.set(k, [r]);
  };
  for (const m of idx.all) {
    const g = m.gate;
    if (g?.category && KNOWN_WINDOWS_CATEGORIES.has(g.category)) push(idx.byCategory, g.category, m);
    else if (g?.service && !g.category) push(idx.byService, g.service, m);
    else idx.always.push(m);
  }
  return idx;
}

function candidates(idx: Index, v: EventView): Entry[] {
  const cls = v.cls;
  if (!cls) return idx.all;
  const out: Entry[] = [];
  for (const c of cls.categories) {
    const l = idx.byCategory.get(c);
    if (l) for (const m of l) out.push(m);
  }
  for (const s of cls.services) {
    const l = idx.byService.get(s);
    if (l) for (const m of l) out.push(m);
  }
  for (const m of idx.always) out.push(m);
  // A rule may sit in two category buckets' worth of the same event (registry_event and registry_set): dedupe.
  return cls.categories.size > 1 ? [...new Set(out)] : out;
}

export function createEngine(rules: readonly Rule[], options: EngineOptions = {}): Engine {
  const layer = options.layer ?? defaultLayer();
  const matchers = rules.map((r) => compileRule(r, { ...options, layer }));
  // Aggregations over a plain filter take their input events from the per-event loop (index and
  // prefilter included); only the grouping runs over the stream.
  const aggOverFilter = (m: RuleMatcher) => m.rule.query.kind === 'aggregate' && m.rule.query.input.kind === 'filter';
  const filters = matchers.filter((m) => m.rule.query.kind === 'filter' || aggOverFilter(m));
  const streams = matchers.filter((m) => m.rule.query.kind === 'sequence' || m.rule.query.kind === 'sample' || (m.rule.query.kind === 'aggregate' && !aggOverFilter(m)));
  const filterOf = (m: RuleMatcher) => (m.rule.query.kind === 'filter' ? m.rule.query.filter : m.rule.query.kind === 'aggregate' && m.rule.query.input.kind === 'filter' ? m.rule.query.input.filter : null);
  const correlations = matchers.filter((m) => m.rule.query.kind === 'correlation');
  const entries: Entry[] = filters.map((m, no) => ({ test: m.test, gate: m.gate, m, no }));
  const pf = options.prefilter === false ? null : new Prefilter(
        filters.map(filterOf),
        filters.map((m) => m.gate),
      );
  // Anchored rules are reached through the prefilter's hits; the index holds the others.
  const idx = buildIndex(entries, (e) => !pf || !pf.isAnchored(e.no));
  /** Rules to evaluate for one event: prefilter hits (gated here) plus the unanchored rules of its log source. */
  const eventCandidates = (v: EventView): Entry[] => {
    const base = candidates(idx, v);
    if (!pf) return base;
    const hits = pf.mark(v);
    if (!hits.length) return base;
    const out = base.slice();
    for (const no of hits) out.push(entries[no]!);
    return out;
  };
  const diagnostics = matchers.flatMap((m) => m.diagnostics.map((d) => ({ ...d, ruleId: m.rule.id })));

  // Rules referenced by correlations, by id and by name.
  const byRef = new Map<string, RuleMatcher>();
  for (const m of matchers) {
    byRef.set(m.rule.id, m);
    const name = (m.rule.metadata as Record<string, unknown>).name;
    if (typeof name === 'string') byRef.set(name, m);
  }
  const silenced = new Set<RuleMatcher>();
  if (!options.reportCorrelationInputs) {
    for (const c of correlations) {
      const q = c.rule.query as CorrelationQuery;
      if (q.generate) continue;
      for (const r of q.rules) {
        const m = byRef.get(r);
        if (m) silenced.add(m);
      }
    }
  }

  const record = (m: RuleMatcher, v: EventView, predicates: string[]): MatchRecord => ({
    ruleId: m.rule.id,
    title: m.rule.title,
    path: m.rule.path,
    event: v.index,
    predicates,
    kind: 'filter',
  });

  const matchEvent = (event: unknown, index = 0): MatchRecord[] => {
    const v = event instanceof EventView ? event : new EventView(event, index, layer);
    const out: MatchRecord[] = [];
    for (const { m, test, gate } of eventCandidates(v)) {
      if (m.stateful || !gateAllows(gate, v.cls)) continue;
      if (test(v) === 1) out.push(record(m, v, m.explain(v).map((p) => printPredicate(p))));
    }
    return out;
  };

  const run: Engine['run'] = (events, onMatch) => {
    // Stream rules need every event at once; filter rules alone need one view at a time, and
    // views that die young cost the garbage collector next to nothing.
    const keepViews = streams.length > 0 || correlations.length > 0;
    const views: EventView[] = [];
    const matches: MatchRecord[] = [];
    const stats: EngineStats = {
      events: events.length,
      rules: matchers.length,
      evaluable: matchers.filter((m) => m.rule.query.kind !== 'none').length,
      matches: 0,
      evaluations: 0,
      undetermined: 0,
      rulesMatched: 0,
    };
    const matchedRules = new Set<RuleMatcher>();
    const aggInputs = new Map<RuleMatcher, EventView[]>();
    // Hits of correlation inputs: rule -> views that matched.
    const hits = new Map<RuleMatcher, EventView[]>();
    const emit = (m: RuleMatcher, rec: MatchRecord) => {
      matchedRules.add(m);
      if (silenced.has(m)) return;
      matches.push(rec);
      onMatch?.(rec);
    };
    for (let ei = 0; ei < events.length; ei++) {
      const e = events[ei];
      const v = e instanceof EventView ? e : new EventView(e, ei, layer);
      if (keepViews) views.push(v);
      const cands = eventCandidates(v);
      for (let i = 0; i < cands.length; i++) {
        const { m, test, gate } = cands[i]!;
        if (!gateAllows(gate, v.cls)) continue;
        stats.evaluations++;
        const r = test(v);
        if (r === 2) stats.undetermined++;
        if (r !== 1) continue;
        if (m.stateful) {
          // An aggregation's input event: grouped after the loop.
          const l = aggInputs.get(m);
          if (l) l.push(v);
          else aggInputs.set(m, [v]);
          continue;
        }
        if (silenced.has(m) || correlations.length) {
          const l = hits.get(m);
          if (l) l.push(v);
          else hits.set(m, [v]);
        }
        emit(m, record(m, v, m.explain(v).map((p) => printPredicate(p))));
      }
      if (keepViews) v.compact();
    }
    const ordered = streams.length || correlations.length ? timeOrder(views) : views;
    for (const [m, inputs] of aggInputs) {
      for (const s of m.matchStream(inputs)) {
        if (s.undetermined) {
          stats.undetermined++;
          continue;
        }
        emit(m, streamRecord(m, s));
      }
    }
    for (const m of streams) {
      for (const s of m.matchStream(ordered)) {
        if (s.undetermined) {
          stats.undetermined++;
          continue;
        }
        emit(m, streamRecord(m, s));
      }
    }
    for (const c of correlations) {
      for (const s of runCorrelation(c.rule.query as CorrelationQuery, byRef, hits)) emit(c, streamRecord(c, s));
    }
    stats.matches = matches.length;
    stats.rulesMatched = matchedRules.size;
    return { matches, stats };
  };

  return { matchers, run, matchEvent, diagnostics };
}

function streamRecord(m: RuleMatcher, s: StreamMatch): MatchRecord {
  const rec: MatchRecord = {
    ruleId: m.rule.id,
    title: m.rule.title,
    path: m.rule.path,
    event: s.events[0] ?? -1,
    events: s.events,
    predicates: [],
    kind: m.rule.query.kind as MatchRecord['kind'],
  };
  if (s.key) rec.key = s.key;
  if (s.aggregates) rec.aggregates = s.aggregates;
  return rec;
}

/**
 * Sigma correlations over the hits of the referenced rules. Each group (the
 * `group-by` values, read through `aliases` per rule) is scanned with a
 * window of `timespan` starting at each hit; the first window that satisfies
 * the condition is reported and the scan continues after it.
 */
export function runCorrelation(q: CorrelationQuery, byRef: Map<string, RuleMatcher>, hits: Map<RuleMatcher, EventView[]>): StreamMatch[] {
  type Hit = { v: EventView; ref: number };
  const refs = q.rules.map((r) => byRef.get(r));
  const groups = new Map<string, { key: unknown[]; hits: Hit[] }>();
  refs.forEach((m, ref) => {
    if (!m) return;
    const refName = q.rules[ref]!;
    for (const v of hits.get(m) ?? []) {
      const key: unknown[] = [];
      let ok = true;
      for (const g of q.groupBy) {
        const fieldName = q.aliases?.[g]?.[refName] ?? q.aliases?.[g]?.[m.rule.id] ?? g;
        const vals = v.lookup(undefined, fieldName)?.filter((x) => x !== null);
        if (!vals?.length) {
          ok = false;
          break;
        }
        key.push(vals.length === 1 ? vals[0] : vals);
      }
      if (!ok) continue;
      const ks = JSON.stringify(key);
      let grp = groups.get(ks);
      if (!grp) groups.set(ks, (grp = { key, hits: [] }));
      grp.hits.push({ v, ref });
    }
  });
  const span = q.timespan?.ms ?? Infinity;
  const cond = q.condition;
  const out: StreamMatch[] = [];
  for (const g of groups.values()) {
    const hs = g.hits.sort((a, b) => (a.v.timestamp ?? a.v.index) - (b.v.timestamp ?? b.v.index) || a.v.index - b.v.index);
    const t = (h: Hit) => h.v.timestamp ?? 0;
    for (let i = 0; i < hs.length; ) {
      let j = i;
      while (j < hs.length && t(hs[j]!) - t(hs[i]!) <= span) j++;
      const win = hs.slice(i, j);
      const value = correlationValue(q, win.map((h) => h.v), win.map((h) => h.ref));
      const target = cond ? toNumber(cond.value) : q.rules.length;
      const op = cond?.op ?? 'gte';
      const pass =
        value !== undefined &&
        target !== undefined &&
        (op === 'gt' ? value > target : op === 'gte' ? value >= target : op === 'lt' ? value < target : op === 'lte' ? value <= target : op === 'eq' ? value === target : value !== target);
      if (pass) {
        const agg: Record<string, number> = { [cond?.fn ?? 'value']: value! };
        out.push({ events: win.map((h) => h.v.index), key: g.key, aggregates: agg });
        i = j;
      } else i++;
    }
  }
  return out;
}

function correlationValue(q: CorrelationQuery, views: EventView[], refs: number[]): number | undefined {
  const field = q.condition?.field;
  const vals = () => {
    const out: unknown[] = [];
    if (field) for (const v of views) for (const x of v.lookup(field.canonical, field.name) ?? []) if (x !== null) out.push(x);
    return out;
  };
  switch (q.correlationType) {
    case 'event_count':
      return views.length;
    case 'value_count':
      return new Set(vals().map((x) => (typeof x === 'string' ? x : JSON.stringify(x)))).size;
    case 'value_sum':
      return vals().map(toNumber).reduce<number>((s, n) => s + (n ?? 0), 0);
    case 'value_avg': {
      const n = vals().map(toNumber).filter((x): x is number => x !== undefined);
      return n.length ? n.reduce((s, x) => s + x, 0) / n.length : undefined;
    }
    case 'temporal':
      return new Set(refs).size;
    case 'temporal_ordered': {
      // Longest prefix of the referenced rules found in order within the window.
      let next = 0;
      for (const r of refs) if (r === next) next++;
      return next;
    }
    default:
      return undefined;
  }
}

/**
 * For `npm run bench`: all rules against the events, evaluation only
 * (compilation is timed apart). Small event sets are run several times, until
 * at least `minSeconds` have passed, so the rate is not a timer artefact.
 * `cpuSeconds` is the process CPU time of the evaluation (robust on a busy
 * machine); `seconds` is wall time; `processed` = events × rounds.
 */
export function benchmarkEvaluator(
  rules: readonly Rule[],
  events: ReadonlyArray<unknown>,
  options: EngineOptions & { minSeconds?: number; maxRounds?: number } = {},
): { events: number; processed: number; rules: number; seconds: number; cpuSeconds: number; eventsPerSecond: number; matches: number; rounds: number; compileSeconds: number } {
  const t0 = performance.now();
  const engine = createEngine(rules, options);
  const t1 = performance.now();
  const minMs = (options.minSeconds ?? 1) * 1000;
  const maxRounds = options.maxRounds ?? 100;
  const c0 = process.cpuUsage();
  let rounds = 0;
  let matches = 0;
  while (rounds < maxRounds && (rounds === 0 || performance.now() - t1 < minMs)) {
    matches = engine.run(events).stats.matches;
    rounds++;
  }
  const c = process.cpuUsage(c0);
  const seconds = (performance.now() - t1) / 1000;
  const n = events.length * rounds;
  return {
    events: events.length,
    processed: n,
    rules: rules.length,
    seconds,
    cpuSeconds: (c.user + c.system) / 1e6,
    eventsPerSecond: seconds > 0 ? n / seconds : Infinity,
    matches,
    rounds,
    compileSeconds: (t1 - t0) / 1000,
  };
}

/** Every event under a folder of regression data (or any event file/folder), for the benchmark. */
export function loadRegressionEvents(path: string): unknown[] {
  return readEvents(path).events;
}
