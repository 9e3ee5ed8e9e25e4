/**
 * Queries over a stream of events: sequences, samples and aggregations.
 *
 * Events are taken in time order (by timestamp, input order breaking ties;
 * events without a timestamp keep their input position relative to each
 * other and have no age). Decisions, after the EQL and SPL documentation
 * (docs/evaluator.md has the reasons):
 *
 * - Sequence: per join key, the latest partial sequence at each stage (a new
 *   event matching step 1 replaces an older partial, as Elasticsearch EQL
 *   does). The join key of an event at step i is the sequence `by` values
 *   followed by step i's own `by` values; an event without a join value does
 *   not take part. One event advances at most one stage per key. `maxspan`
 *   bounds last − first timestamp. `until` drops every partial of its key.
 *   A missing step `![…]` holds when no event with the same key matches it
 *   between its neighbours (before the first / after the last step: within
 *   `maxspan`). `runs=n` repeats a step n times.
 * - Sample: per join key, the first event for each step (distinct events,
 *   no order, no time window); one sample per key.
 * - Aggregate: groups by the `groupBy` values (events without a value are not
 *   grouped, as SPL `stats … by` drops them), tumbling windows of `window`
 *   when given; count, dc, sum, avg, min, max, median over the group;
 *   conditions ANDed. An opaque post-aggregation part makes the group
 *   undetermined.
 */
import type { AggregateCondition, AggregateQuery, FieldRef, Predicate, SequenceQuery, SequenceStep } from '../ast/schema.js';
import type { EventView } from './event-view.js';
import { toNumber, type Test } from './predicate.js';

export interface StreamMatch {
  /** Indexes (in the input) of the events that make the match, in time order. */
  events: number[];
  /** Join / group key values. */
  key?: unknown[];
  /** Predicates that matched, per event (filter rules: one entry). */
  predicates?: Predicate[][];
  /** Aggregate values by name (`count`, `dc(user.name)`), for aggregations. */
  aggregates?: Record<string, number>;
  /** The match could not be decided (opaque post-aggregation logic, unknown functions). */
  undetermined?: boolean;
}

/** The part of a RuleMatcher this module needs (kept structural to avoid an import cycle). */
export interface StreamRule {
  rule: { query: import('../ast/schema.js').Query };
  test(view: EventView): 0 | 1 | 2;
  explain(view: EventView): Predicate[];
  steps: ReadonlyArray<{ step: SequenceStep; test: Test }>;
  until: Test | null;
}

/** Cap on the event indexes kept per aggregate group in a match report. */
export const MAX_GROUP_EVENTS = 100;

export function timeOrder(views: EventView[]): EventView[] {
  if (!views.some((v) => v.timestamp !== undefined)) return views;
  // Stable merge: events without a timestamp inherit the last seen timestamp so they keep their place.
  let last = -Infinity;
  const keyed = views.map((v, i) => {
    if (v.timestamp !== undefined) last = v.timestamp;
    return { v, t: v.timestamp ?? last, i };
  });
  keyed.sort((a, b) => a.t - b.t || a.i - b.i);
  return keyed.map((k) => k.v);
}

function fieldValue(v: EventView, f: FieldRef): unknown {
  const vals = v.lookup(f.canonical, f.name);
  if (!vals || vals.length === 0) return undefined;
  const present = vals.filter((x) => x !== null);
  if (present.length === 0) return undefined;
  return present.length === 1 ? present[0] : present;
}

/** Key values for fields, or null when one is absent. */
function keyOf(v: EventView, fields: FieldRef[]): unknown[] | null {
  const out: unknown[] = [];
  for (const f of fields) {
    const x = fieldValue(v, f);
    if (x === undefined) return null;
    out.push(x);
  }
  return out;
}

export function runStream(m: StreamRule, input: EventView[]): StreamMatch[] {
  const q = m.rule.query;
  switch (q.kind) {
    case 'filter': {
      const out: StreamMatch[] = [];
      for (const v of input) if (m.test(v) === 1) out.push({ events: [v.index], predicates: [m.explain(v)] });
      return out;
    }
    case 'sequence':
      return runSequence(m, q, timeOrder(input));
    case 'sample':
      return runSample(m, q.by ?? [], timeOrder(input));
    case 'aggregate':
      return runAggregate(m, q, timeOrder(input));
    default:
      return [];
  }
}

interface Partial {
  events: EventView[];
  start: number | undefined;
}

function expandRuns(steps: ReadonlyArray<{ step: SequenceStep; test: Test }>) {
  const out: Array<{ step: SequenceStep; test: Test }> = [];
  for (const s of steps) for (let i = 0; i < Math.max(1, s.step.runs ?? 1); i++) out.push(s);
  return out;
}

function runSequence(m: StreamRule, q: SequenceQuery, views: EventView[]): StreamMatch[] {
  const all = expandRuns(m.steps);
  const chain = all.map((s, i) => ({ ...s, pos: i })).filter((s) => !s.step.missing);
  const missing = all.map((s, i) => ({ ...s, pos: i })).filter((s) => s.step.missing);
  const by = q.by ?? [];
  const maxspan = q.maxspan?.ms;
  const out: StreamMatch[] = [];
  if (chain.length === 0) return out;
  // stage j (0-based in chain) -> key -> latest partial that completed chain[0..j]
  const stages: Array<Map<string, Partial>> = chain.map(() => new Map());
  // Missing-step hits, for the check after completion: per missing step, key -> timestamps.
  const missingHits = missing.map(() => new Map<string, number[]>());
  const keyStr = (v: EventView, step: SequenceStep): string | null => {
    const k = keyOf(v, [...by, ...(step.by ?? [])]);
    return k === null ? null : JSON.stringify(k);
  };
  const completed: Array<{ p: Partial; key: string }> = [];
  for (const v of views) {
    if (m.until && m.until(v) === 1) {
      const k = keyOf(v, by);
      if (k) {
        const ks = JSON.stringify(k);
        for (const st of stages) for (const key of [...st.keys()]) if (key === ks || key.startsWith(ks.slice(0, -1) + ',')) st.delete(key);
      }
    }
    missing.forEach((s, i) => {
      if (s.test(v) !== 1) return;
      const k = keyStr(v, s.step);
      if (k === null) return;
      const list = missingHits[i]!.get(k) ?? [];
      list.push(v.timestamp ?? v.index);
      missingHits[i]!.set(k, list);
    });
    // Highest stage first, so one event advances at most one stage of one partial.
    for (let j = chain.length - 1; j >= 0; j--) {
      const s = chain[j]!;
      if (s.test(v) !== 1) continue;
      const k = keyStr(v, s.step);
      if (k === null) continue;
      if (j === 0) {
        const p: Partial = { events: [v], start: v.timestamp };
        if (chain.length === 1) completed.push({ p, key: k });
        else stages[0]!.set(k, p);
        continue;
      }
      const prev = stages[j - 1]!.get(k);
      if (!prev || prev.events.includes(v)) continue;
      if (maxspan !== undefined && prev.start !== undefined && v.timestamp !== undefined && v.timestamp - prev.start > maxspan) {
        stages[j - 1]!.delete(k);
        continue;
      }
      stages[j - 1]!.delete(k);
      const next: Partial = { events: [...prev.events, v], start: prev.start ?? v.timestamp };
      if (j === chain.length - 1) completed.push({ p: next, key: k });
      else stages[j]!.set(k, next);
      break;
    }
  }
  for (const { p, key } of completed) {
    if (missing.length && !missingHold(p, key, chain, missing, missingHits, maxspan)) continue;
    out.push({ events: p.events.map((e) => e.index), key: JSON.parse(key) as unknown[], predicates: p.events.map(() => []) });
  }
  return out;
}

function missingHold(
  p: Partial,
  key: string,
  chain: Array<{ pos: number }>,
  missing: Array<{ pos: number }>,
  hits: Array<Map<string, number[]>>,
  maxspan: number | undefined,
): boolean {
  const times = p.events.map((e) => e.timestamp ?? e.index);
  for (let i = 0; i < missing.length; i++) {
    const pos = missing[i]!.pos;
    const before = chain.filter((c) => c.pos < pos).length; // chain steps before the missing step
    const lo = before === 0 ? (maxspan !== undefined ? times[0]! - maxspan : -Infinity) : times[before - 1]!;
    const hi = before === chain.length ? (maxspan !== undefined ? times[0]! + maxspan : Infinity) : times[before]!;
    const list = hits[i]!.get(key) ?? [];
    if (list.some((t) => t >= lo && t <= hi)) return false;
  }
  return true;
}

function runSample(m: StreamRule, by: FieldRef[], views: EventView[]): StreamMatch[] {
  const steps = m.steps;
  const state = new Map<string, Array<EventView | undefined>>();
  const out: StreamMatch[] = [];
  for (const v of views) {
    for (let j = 0; j < steps.length; j++) {
      const s = steps[j]!;
      if (s.test(v) !== 1) continue;
      const k = keyOf(v, [...by, ...(s.step.by ?? [])]);
      if (!k) continue;
      const ks = JSON.stringify(k);
      let slots = state.get(ks);
      if (!slots) state.set(ks, (slots = new Array<EventView | undefined>(steps.length).fill(undefined)));
      if (slots === DONE) continue;
      if (slots[j] || slots.includes(v)) continue;
      slots[j] = v;
      if (slots.every((x) => x !== undefined)) {
        out.push({ events: slots.map((x) => x!.index), key: k, predicates: slots.map(() => []) });
        state.set(ks, DONE);
      }
    }
  }
  return out;
}
const DONE: Array<EventView | undefined> = [];

interface Group {
  key: unknown[];
  events: EventView[];
  /** Input units (events, or sequence matches) in the group: what `count` counts. */
  units: number;
}

function runAggregate(m: StreamRule, q: AggregateQuery, views: EventView[]): StreamMatch[] {
  // The input: a filter gives single events; a sequence/sample gives matches whose first event carries the group values.
  let units: EventView[][];
  if (q.input.kind === 'filter') units = views.filter((v) => m.test(v) === 1).map((v) => [v]);
  else if (q.input.kind === 'sequence') units = runSequence(m, q.input, views).map((s) => s.events.map((i) => views.find((v) => v.index === i)!));
  else if (q.input.kind === 'sample') units = runSample(m, q.input.by ?? [], views).map((s) => s.events.map((i) => views.find((v) => v.index === i)!));
  else return [];
  const groups = new Map<string, Group>();
  const win = q.window?.ms;
  for (const u of units) {
    const first = u[0]!;
    const k = keyOf(first, q.groupBy);
    if (!k) continue;
    if (win) k.push(first.timestamp === undefined ? null : Math.floor(first.timestamp / win) * win);
    const ks = JSON.stringify(k);
    let g = groups.get(ks);
    if (!g) groups.set(ks, (g = { key: k, events: [], units: 0 }));
    g.events.push(...u);
    g.units++;
  }
  const out: StreamMatch[] = [];
  for (const g of groups.values()) {
    const aggregates: Record<string, number> = {};
    let ok = true;
    let undetermined = !!q.post?.length;
    for (const c of q.conditions) {
      const val = aggregate(c, g.events, g.units);
      if (val === undefined) {
        undetermined = true;
        continue;
      }
      aggregates[aggName(c)] = val;
      const target = toNumber(c.value);
      if (target === undefined) {
        undetermined = true;
        continue;
      }
      if (!compare(val, c.op, target)) ok = false;
    }
    if (!q.conditions.length) aggregates.count = g.units;
    if (!ok) continue;
    out.push({
      events: g.events.slice(0, MAX_GROUP_EVENTS).map((e) => e.index),
      key: g.key,
      aggregates,
      ...(undetermined ? { undetermined: true } : {}),
    });
  }
  return out;
}

function aggName(c: AggregateCondition): string {
  return c.field ? `${c.fn}(${c.field.canonical ?? c.field.name})` : c.fn;
}

function compare(a: number, op: AggregateCondition['op'], b: number): boolean {
  switch (op) {
    case 'eq':
      return a === b;
    case 'neq':
      return a !== b;
    case 'gt':
      return a > b;
    case 'gte':
      return a >= b;
    case 'lt':
      return a < b;
    case 'lte':
      return a <= b;
  }
}

/** An aggregation function over a group; undefined when the function is not known. */
export function aggregate(c: AggregateCondition, events: EventView[], count: number): number | undefined {
  const fn = c.fn.toLowerCase();
  const vals = (): unknown[] => {
    if (!c.field) return [];
    const out: unknown[] = [];
    for (const e of events) {
      const v = e.lookup(c.field.canonical, c.field.name);
      if (v) for (const x of v) if (x !== null) out.push(x);
    }
    return out;
  };
  const nums = () => vals().map(toNumber).filter((n): n is number => n !== undefined);
  switch (fn) {
    case 'count':
    case 'c':
      return c.field ? events.filter((e) => e.lookup(c.field!.canonical, c.field!.name)?.some((x) => x !== null)).length : count;
    case 'dc':
    case 'distinct_count':
    case 'cardinality':
    case 'count_distinct':
      return new Set(vals().map((x) => (typeof x === 'string' ? x : JSON.stringify(x)))).size;
    case 'sum':
      return nums().reduce((s, n) => s + n, 0);
    case 'avg':
    case 'mean': {
      const n = nums();
      return n.length ? n.reduce((s, x) => s + x, 0) / n.length : undefined;
    }
    case 'min': {
      const n = nums();
      return n.length ? Math.min(...n) : undefined;
    }
    case 'max': {
      const n = nums();
      return n.length ? Math.max(...n) : undefined;
    }
    case 'median': {
      const n = nums().sort((a, b) => a - b);
      if (!n.length) return undefined;
      const mid = n.length >> 1;
      return n.length % 2 ? n[mid] : (n[mid - 1]! + n[mid]!) / 2;
    }
    default:
      return undefined;
  }
}
