/**
 * Which Windows events a (normalized) rule covers, with how each was found.
 *
 * The rule's positive logic is reduced to a small disjunction of
 * "event constraints" (event ids, providers, channels, actions, categories)
 * over the canonical fields: `and` intersects, `or` unions, anything under a
 * `not` (exclusions) or any other field leaves the event unconstrained. Each
 * constraint is then resolved per vendor against the rule's source
 * (Sigma logsource, Elastic index patterns, Splunk source macros and
 * data_source), see docs/normalization.md "Events".
 */
import { pushAll } from '../core/arrays.js';
import type { EventRef, Node, Rule } from '../ast/schema.js';
import { queryFilters, walk } from '../ast/walk.js';
import { globToRegExp, parseGlob } from '../ast/glob.js';
import { readSeedJson } from '../normalize/seeds.js';
import type { EventCatalog } from './index.js';

type Pair = [string, number];

interface LogsourceTable {
  categories: Record<string, Pair[]>;
  services: Record<string, { channel: string; provider?: string; byId?: Record<string, string>; defaults?: Pair[] }>;
}
interface ElasticEventsTable {
  actions: Record<string, Pair[]>;
  indexFamilies: Array<{ pattern: string; providers: string[] }>;
  categories: Record<string, Pair[]>;
  scriptBlockFields: string[];
  scriptBlockPrefix: string;
}
interface SplunkEventsTable {
  macros: Record<string, { providers?: string[]; service?: string; channel?: string }>;
  sourcePrefixes: string[];
}

/** One conjunction of requirements on the event's identity. Absent = unconstrained. */
interface Constraint {
  ids?: number[];
  providers?: string[];
  channels?: string[];
  actions?: string[];
  categories?: string[];
  types?: string[];
  script?: boolean;
}

const MAX_CONSTRAINTS = 256;

export interface EventInferenceContext {
  catalog: EventCatalog;
  /** Called for an inferred (provider, id) that the catalog does not have; such events are not listed. */
  onUnknown?: (provider: string, eventId: number, via: string) => void;
}

interface Tables {
  ls: LogsourceTable;
  elastic: ElasticEventsTable;
  splunk: SplunkEventsTable;
  channelToService: Map<string, string>;
  scriptFields: Set<string>;
  /** Precomputed once: lower-cased index family patterns, and the action table as entries. */
  familyPatterns: string[];
  actionEntries: Array<[string, Pair[]]>;
}
let tables: Tables | undefined;
function getTables(): Tables {
  if (tables) return tables;
  const ls = readSeedJson<LogsourceTable>('events/logsources.json');
  const elastic = readSeedJson<ElasticEventsTable>('events/elastic.json');
  const splunk = readSeedJson<SplunkEventsTable>('events/splunk.json');
  const channelToService = new Map<string, string>();
  for (const [svc, v] of Object.entries(ls.services)) if (!channelToService.has(v.channel.toLowerCase())) channelToService.set(v.channel.toLowerCase(), svc);
  return (tables = {
    ls,
    elastic,
    splunk,
    channelToService,
    scriptFields: new Set(elastic.scriptBlockFields),
    familyPatterns: elastic.indexFamilies.map((f) => f.pattern.toLowerCase()),
    actionEntries: Object.entries(elastic.actions),
  });
}

// ---------------------------------------------------------------- constraint algebra

function intersect<T>(a: T[] | undefined, b: T[] | undefined, key: (x: T) => string): T[] | undefined | null {
  if (!a) return b;
  if (!b) return a;
  const kb = new Set(b.map(key));
  const r = a.filter((x) => kb.has(key(x)));
  return r.length ? r : null;
}
const lower = (s: string) => s.toLowerCase();
const num = (n: number) => String(n);

function merge(a: Constraint, b: Constraint): Constraint | null {
  const ids = intersect(a.ids, b.ids, num);
  const providers = intersect(a.providers, b.providers, lower);
  const channels = intersect(a.channels, b.channels, lower);
  if (ids === null || providers === null || channels === null) return null; // contradiction: no event
  const out: Constraint = {};
  if (ids) out.ids = ids;
  if (providers) out.providers = providers;
  if (channels) out.channels = channels;
  const actions = [...(a.actions ?? []), ...(b.actions ?? [])];
  if (actions.length) out.actions = actions;
  const categories = intersect(a.categories, b.categories, lower);
  if (categories === null) return null;
  if (categories) out.categories = categories;
  const types = [...(a.types ?? []), ...(b.types ?? [])];
  if (types.length) out.types = types;
  if (a.script || b.script) out.script = true;
  return out;
}

function scalarText(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return null;
}

/** Canonical fields that say which event a predicate selects. */
const EVENT_FIELDS = new Set(['event.code', 'winlog.event_id', 'event.provider', 'winlog.provider_name', 'winlog.channel', 'splunk.source', 'splunk.sourcetype', 'event.action', 'event.category', 'event.type']);

/** The constraint one positive predicate puts on the event, or null when it says nothing about which event it is. */
function predicateConstraint(n: Extract<Node, { type: 'predicate' }>, t: Tables): Constraint | null {
  const f = n.field?.canonical;
  if (!f || n.ref) return null;
  if (!EVENT_FIELDS.has(f)) return t.scriptFields.has(f) || f.startsWith(t.elastic.scriptBlockPrefix) ? { script: true } : null;
  const v = scalarText(n.value);
  if (v === null) return null;
  const literal = n.op === 'eq' || (n.op === 'wildcard' && !parseGlob(v).some((x) => x.t !== 'lit')) ? (n.op === 'eq' ? v : parseGlob(v).map((x) => (x as { s: string }).s).join('')) : null;
  switch (f) {
    case 'event.code':
    case 'winlog.event_id': {
      if (literal === null || !/^\s*\d+\s*$/.test(literal)) return null;
      return { ids: [Number(literal)] };
    }
    case 'event.provider':
    case 'winlog.provider_name':
      // A provider pattern (Sigma `Provider_Name|contains: MSSQL`) is kept as a glob and matched against the catalog's providers.
      if (literal !== null) return { providers: [literal] };
      return n.op === 'wildcard' ? { providers: ['\u0000' + v] } : null;
    case 'winlog.channel':
      return literal === null ? null : { channels: [literal] };
    case 'splunk.source':
    case 'splunk.sourcetype': {
      if (literal === null) return null;
      for (const p of t.splunk.sourcePrefixes) if (literal.toLowerCase().startsWith(p.toLowerCase())) return { channels: [literal.slice(p.length)] };
      return null;
    }
    case 'event.action':
      if (n.op === 'eq' && literal !== null) return { actions: [literal.toLowerCase()] };
      if (n.op === 'wildcard') return { actions: [v.toLowerCase()] };
      return null;
    case 'event.category':
      return literal === null ? null : { categories: [literal.toLowerCase()] };
    case 'event.type':
      return literal === null ? null : { types: [literal.toLowerCase()] };
    default:
      return null;
  }
}

/** Reduce a node to a disjunction of constraints; null = any event. */
function reduce(node: Node, t: Tables): Constraint[] | null {
  switch (node.type) {
    case 'predicate': {
      const c = predicateConstraint(node, t);
      return c ? [c] : null;
    }
    case 'not':
    case 'opaque':
      return null;
    case 'constant':
      return node.value ? null : [];
    case 'or': {
      const out: Constraint[] = [];
      // Indexed loops: this runs mostly unoptimized, where a for-of steps an iterator object.
      for (let i = 0; i < node.children.length; i++) {
        const r = reduce(node.children[i]!, t);
        if (r === null) return null;
        pushAll(out, r);
        if (out.length > MAX_CONSTRAINTS) return null;
      }
      return out;
    }
    case 'and': {
      let acc: Constraint[] | null = null;
      for (let i = 0; i < node.children.length; i++) {
        const r = reduce(node.children[i]!, t);
        if (r === null) continue;
        if (acc === null) {
          acc = r;
          continue;
        }
        const next: Constraint[] = [];
        for (const a of acc) for (const b of r) {
          const m = merge(a, b);
          if (m) next.push(m);
        }
        if (next.length > MAX_CONSTRAINTS) return acc; // keep the narrower side rather than explode
        acc = next;
      }
      return acc;
    }
  }
}

/** Constraints of every event-role filter of the query (sequence steps unioned), ANDed with the source selection. */
function ruleConstraints(rule: Rule, t: Tables): Array<Constraint[] | null> {
  const sel = rule.logsource.selection ? reduce(rule.logsource.selection, t) : null;
  const out: Array<Constraint[] | null> = [];
  for (const { filter, role } of queryFilters(rule.query)) {
    if (role !== 'event') continue;
    let r = reduce(filter, t);
    if (sel) r = r === null ? sel : r.flatMap((a) => sel.map((b) => merge(a, b)).filter((x): x is Constraint => x !== null));
    out.push(r);
  }
  if (out.length === 0) out.push(sel);
  return out;
}

// ---------------------------------------------------------------- resolution helpers

class EventSet {
  private readonly seen = new Set<string>();
  readonly list: EventRef[] = [];
  constructor(
    private readonly catalog: EventCatalog,
    private readonly onUnknown?: (provider: string, eventId: number, via: string) => void,
  ) {}
  add(provider: string, eventId: number, via: string): void {
    const cat = this.catalog.get(provider, eventId);
    const p = cat?.provider ?? provider;
    const k = `${p.toLowerCase()}|${eventId}`;
    if (this.seen.has(k)) return;
    this.seen.add(k);
    // Only catalog events are listed (an id the provider never writes, such as a search for EventCode=4624 in the
    // Sysmon log, covers nothing); the caller reports the others.
    if (!cat) {
      this.onUnknown?.(provider, eventId, via);
      return;
    }
    const ref: EventRef = { provider: p, eventId };
    if (cat.channel) ref.channel = cat.channel;
    ref.via = via;
    this.list.push(ref);
  }
}

/** Sigma and rules write short provider names (`Service Control Manager`, `Eventlog`); use the catalog's full name when there is one. */
function fullProvider(p: string, catalog: EventCatalog, id?: number): string {
  for (const c of [p, `Microsoft-Windows-${p}`]) {
    if (id === undefined) {
      const hit = catalog.provider(c);
      if (hit) return hit;
    } else {
      const hit = catalog.get(c, id);
      if (hit) return hit.provider;
    }
  }
  return p;
}

const globCache = new Map<string, RegExp>();
/** Provider names a constraint allows: literal names as the catalog spells them, glob patterns (marked by a leading NUL) expanded against the catalog. */
function expandProviders(list: string[], catalog: EventCatalog, id?: number): string[] {
  const out: string[] = [];
  for (const p of list) {
    if (!p.startsWith('\u0000')) {
      out.push(fullProvider(p, catalog, id));
      continue;
    }
    const pat = p.slice(1);
    let re = globCache.get(pat);
    if (!re) globCache.set(pat, (re = globToRegExp(pat, false)));
    const names = id === undefined ? [...new Set(catalog.events.map((e) => e.provider))] : catalog.providersOf(id);
    for (const n of names) if (re.test(n) && !out.includes(n)) out.push(n);
  }
  return out;
}

function serviceProvider(svc: { provider?: string; byId?: Record<string, string> }, id: number): string | undefined {
  return svc.byId?.[String(id)] ?? svc.provider;
}

// ---------------------------------------------------------------- vendors

function sigmaEvents(rule: Rule, ctx: EventInferenceContext, t: Tables): EventRef[] {
  const ls = rule.logsource;
  const product = (ls.product ?? '').toLowerCase();
  const category = (ls.category ?? '').toLowerCase();
  const service = (ls.service ?? '').toLowerCase();
  // Only Windows logsources name Windows events (a Linux process_creation rule may read auditd, Sysmon for Linux or an EDR).
  if (product !== 'windows') return [];
  const base: Pair[] = t.ls.categories[category] ?? [];
  const svc = t.ls.services[service];
  const set = new EventSet(ctx.catalog, ctx.onUnknown);
  let unconstrained = false;
  for (const cs of ruleConstraints(rule, t)) {
    if (cs === null) unconstrained = true;
    const list = cs ?? [{}];
    for (const c of list) {
      const providers = c.providers;
      const channelSvc = c.channels?.map((ch) => t.ls.services[t.channelToService.get(ch.toLowerCase()) ?? ''] ?? undefined).filter((x) => x !== undefined);
      if (c.ids) {
        for (const id of c.ids) {
          let prov: string[] = [];
          if (providers?.length) prov = expandProviders(providers, ctx.catalog, id);
          else if (channelSvc?.length) prov = channelSvc.map((s) => serviceProvider(s!, id)).filter((x): x is string => !!x);
          else if (svc) {
            const p = serviceProvider(svc, id);
            // A channel without one provider (Application): the catalog's providers of this id on that channel.
            prov = p ? [p] : ctx.catalog.providersOf(id).filter((x) => ctx.catalog.get(x, id)?.channel?.toLowerCase() === svc.channel.toLowerCase());
          } else if (base.length) {
            const hit = base.filter(([, i]) => i === id).map(([p]) => p);
            prov = hit.length ? hit : [...new Set(base.map(([p]) => p))].filter((p) => ctx.catalog.get(p, id));
          } else {
            const known = ctx.catalog.providersOf(id);
            if (known.length === 1) prov = known;
          }
          for (const p of prov) set.add(p, id, 'predicate');
        }
      } else if (base.length || svc?.defaults) {
        const allowedProviders = providers?.length ? new Set(expandProviders(providers, ctx.catalog).map(lower)) : undefined;
        for (const [p, id] of base.length ? base : svc!.defaults!) {
          if (allowedProviders && !allowedProviders.has(p.toLowerCase())) continue;
          set.add(p, id, 'logsource');
        }
      }
    }
  }
  if (set.list.length === 0 && svc && unconstrained) {
    // The rule reaches any event of its channel (an OR with an unconstrained branch): list the event ids its positive logic names.
    for (const id of positiveEventIds(rule)) {
      const p = serviceProvider(svc, id);
      if (p) set.add(p, id, 'predicate');
    }
  }
  if (set.list.length === 0 && svc?.provider && unconstrained) {
    // A channel and event-data fields but no event id (Security `SamAccountName|startswith: ...` on purpose "any event"):
    // the channel provider's catalog events that carry the fields of some positive branch (only when nothing pinned the
    // event's identity: a contradiction such as `EventID: 4624 and EventID: 4625` still reaches none). An event without the
    // field cannot satisfy a positive predicate on it, so this is every event the rule can match (as far as the
    // catalog's field lists go).
    const sets = positiveFieldSets(rule);
    if (sets?.length) {
      const channel = svc.channel.toLowerCase();
      for (const e of ctx.catalog.events) {
        if (e.provider.toLowerCase() !== svc.provider.toLowerCase() || e.channel?.toLowerCase() !== channel || !e.fields?.length) continue;
        const have = new Set(e.fields.map(lower));
        if (sets.some((need) => need.every((f) => have.has(f)))) set.add(e.provider, e.eventId, 'fields');
      }
    }
  }
  return set.list;
}

const MAX_FIELD_SETS = 64;
/**
 * The event-data fields the rule's positive logic requires, as a disjunction of conjunctions (lower-cased vendor
 * field names: for Sigma the EventData names). null when some branch requires no field at all (keywords, constants,
 * opaque parts, only exclusions): then the rule can match an event without any of them.
 */
function positiveFieldSets(rule: Rule): string[][] | null {
  const out: string[][] = [];
  for (const { filter, role } of queryFilters(rule.query)) {
    if (role !== 'event') continue;
    const r = fieldSets(filter);
    if (r === null) return null;
    pushAll(out, r);
  }
  return out.length ? out : null;
}
function fieldSets(node: Node): string[][] | null {
  switch (node.type) {
    case 'predicate': {
      // `field: null` / `not exists` match an absent field; keywords have no field; EventID/Channel/Provider_Name say
      // which event it is, not which data it carries.
      if (!node.field || node.ref || node.value === null || (node.op === 'exists' && node.value !== true)) return null;
      if (EVENT_FIELDS.has(node.field.canonical ?? '')) return null;
      return [[node.field.name.toLowerCase()]];
    }
    case 'and': {
      let acc: string[][] | null = null;
      for (const c of node.children) {
        const r = fieldSets(c);
        if (r === null) continue;
        if (acc === null) {
          acc = r;
          continue;
        }
        const next: string[][] = [];
        for (const a of acc) for (const b of r) next.push([...new Set([...a, ...b])]);
        if (next.length > MAX_FIELD_SETS) return acc;
        acc = next;
      }
      return acc;
    }
    case 'or': {
      const out: string[][] = [];
      for (const c of node.children) {
        const r = fieldSets(c);
        if (r === null) return null;
        pushAll(out, r);
      }
      return out.length > MAX_FIELD_SETS ? null : out;
    }
    default:
      return null;
  }
}

/** Event ids of non-negated event.code predicates anywhere in the rule's event filters. */
function positiveEventIds(rule: Rule): number[] {
  const out: number[] = [];
  for (const { filter, role } of queryFilters(rule.query)) {
    if (role !== 'event') continue;
    walk(filter, {
      enter(n, negated) {
        if (negated || n.type !== 'predicate' || n.field?.canonical !== 'event.code' || n.op !== 'eq') return;
        const v = scalarText(n.value);
        if (v !== null && /^\d+$/.test(v) && !out.includes(Number(v))) out.push(Number(v));
      },
    });
  }
  return out;
}

function elasticEvents(rule: Rule, ctx: EventInferenceContext, t: Tables): EventRef[] {
  const indices = [...(rule.logsource.index ?? []), ...(rule.logsource.datasets ?? []).map((d) => `logs-${d}-`)].map((i) => i.toLowerCase());
  const familyProviders = new Set<string>();
  let any = false;
  for (const i of indices) {
    for (let k = 0; k < t.elastic.indexFamilies.length; k++) {
      const f = t.elastic.indexFamilies[k]!;
      if (!i.startsWith(t.familyPatterns[k]!)) continue;
      for (const p of f.providers) (p === '*' ? (any = true) : familyProviders.add(p));
      break;
    }
  }
  const windowsCapable = any || familyProviders.size > 0;
  const allowed = (p: string) => any || familyProviders.has(p);
  const set = new EventSet(ctx.catalog, ctx.onUnknown);
  for (const cs of ruleConstraints(rule, t)) {
    for (const c of cs ?? [{}]) {
      const explicitProviders = c.providers?.length ? expandProviders(c.providers, ctx.catalog) : undefined;
      const channelProviders = c.channels?.map((ch) => t.ls.services[t.channelToService.get(ch.toLowerCase()) ?? '']).filter((x) => x !== undefined);
      if (c.ids) {
        if (!windowsCapable && !explicitProviders && !channelProviders?.length) continue;
        for (const id of c.ids) {
          let prov: string[];
          if (explicitProviders) prov = explicitProviders;
          else if (channelProviders?.length) prov = channelProviders.map((s) => serviceProvider(s!, id)).filter((x): x is string => !!x);
          else {
            const known = ctx.catalog.providersOf(id).filter((p) => allowed(p));
            // Sysmon ids (1-29, 255) and Security/PowerShell/SCM ids overlap with other providers: prefer the providers Elastic rules query.
            const pref = ['Microsoft-Windows-Sysmon', 'Microsoft-Windows-Security-Auditing', 'Microsoft-Windows-PowerShell', 'Service Control Manager', 'Microsoft-Windows-Eventlog'];
            const sysmonRange = id <= 29 || id === 255;
            prov = pref.filter((p) => known.includes(p) && (p !== 'Microsoft-Windows-Sysmon' || sysmonRange)).slice(0, 1);
            if (!prov.length && known.length === 1) prov = known;
          }
          for (const p of prov) set.add(p, id, 'event.code');
        }
        continue;
      }
      if (explicitProviders && !c.actions && !c.categories && !c.script) {
        // Only a provider: every catalog event of that provider when it has few (Audit-CVE, ...).
        for (const p of explicitProviders) {
          const evs = ctx.catalog.events.filter((e) => e.provider === p);
          if (evs.length <= 10) for (const e of evs) set.add(e.provider, e.eventId, 'event.provider');
        }
        continue;
      }
      if (!windowsCapable) continue;
      let found = false;
      for (const a of c.actions ?? []) {
        const pattern = a.replace(/ \(rule: .*$/, '');
        const star = pattern.indexOf('*');
        for (const [action, pairs] of t.actionEntries) {
          const ok = star < 0 ? action === pattern : action.startsWith(pattern.slice(0, star));
          if (!ok) continue;
          for (const [p, id] of pairs) if (allowed(p)) (set.add(p, id, 'event.action'), (found = true));
        }
      }
      if (found) continue;
      if (c.script) {
        if (allowed('Microsoft-Windows-PowerShell')) set.add('Microsoft-Windows-PowerShell', 4104, 'script-block');
        continue;
      }
      for (const cat of c.categories ?? []) {
        const keys = (c.types?.length ? c.types.map((ty) => `${cat}/${ty}`) : []).concat(cat);
        for (const k of keys) {
          const pairs = t.elastic.categories[k];
          if (!pairs) continue;
          for (const [p, id] of pairs) if (allowed(p)) set.add(p, id, 'category');
          break;
        }
      }
    }
  }
  return set.list;
}

interface DataSourceEvent {
  provider: string;
  eventId: number;
}

function splunkEvents(rule: Rule, ctx: EventInferenceContext, t: Tables): EventRef[] {
  const macros = (rule.logsource.sourceMacros ?? []).map((m) => m.replace(/^`|`$/g, '').replace(/\(.*$/, '').toLowerCase());
  const macroInfo = macros.map((m) => t.splunk.macros[m]).filter((x) => x !== undefined);
  const ds = (rule.metadata['dataSourceEvents'] as DataSourceEvent[] | undefined) ?? [];
  const set = new EventSet(ctx.catalog, ctx.onUnknown);
  let explicit = false;
  for (const cs of ruleConstraints(rule, t)) {
    for (const c of cs ?? []) {
      if (!c.ids) continue;
      for (const id of c.ids) {
        // Candidate providers in order of authority; the first group whose providers have this id in the catalog wins
        // (a macro defined on the wrong channel, `wineventlog_task_scheduler` = source Security, still finds Task Scheduler 200).
        const groups: string[][] = [];
        if (c.providers?.length) groups.push(expandProviders(c.providers, ctx.catalog, id));
        if (c.channels?.length) {
          groups.push(
            c.channels
              .map((ch) => t.ls.services[t.channelToService.get(ch.toLowerCase()) ?? ''])
              .filter((x) => x !== undefined)
              .map((s) => serviceProvider(s!, id))
              .filter((x): x is string => !!x),
          );
        }
        const fromMacros: string[] = [];
        for (const m of macroInfo) {
          if (m!.providers) pushAll(fromMacros, m!.providers);
          else if (m!.service) {
            const s = t.ls.services[m!.service];
            const p = s && serviceProvider(s, id);
            if (p) fromMacros.push(p);
          }
        }
        groups.push(fromMacros);
        groups.push(ds.filter((d) => d.eventId === id).map((d) => d.provider));
        const nonEmpty = groups.filter((g) => g.length);
        let prov: string[] = [];
        for (const g of nonEmpty) {
          const known = g.filter((p) => ctx.catalog.get(p, id));
          if (known.length) {
            prov = known;
            break;
          }
        }
        if (!prov.length && nonEmpty.length) prov = nonEmpty[0]!;
        // Sysmon for Linux shares the `sysmon` macro: the data sources say which one.
        if (prov.includes('Microsoft-Windows-Sysmon') && ds.length && ds.every((d) => d.provider === 'Linux-Sysmon')) prov = ['Linux-Sysmon'];
        for (const p of prov) {
          set.add(p, id, 'predicate');
          explicit = true;
        }
      }
    }
  }
  if (!explicit) for (const d of ds) set.add(d.provider, d.eventId, 'data_source');
  return set.list;
}

/** The events a normalized rule covers (canonical field names must be set). */
export function inferEvents(rule: Rule, ctx: EventInferenceContext): EventRef[] {
  const t = getTables();
  switch (rule.vendor) {
    case 'sigma':
      return sigmaEvents(rule, ctx, t);
    case 'elastic':
      return elasticEvents(rule, ctx, t);
    case 'splunk':
      return splunkEvents(rule, ctx, t);
  }
}
