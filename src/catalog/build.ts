/**
 * `buildCatalog`: aggregates normalized rules per ATT&CK technique.
 *
 * Each rule once (`catalogInput`: its facts, its predicates' identities and
 * its row), then one pass over the predicates (src/catalog/collect.ts:
 * intern fields, values and written names to integer ids, record each rule's
 * distinct uses in flat arrays), then per technique one pass over its rules'
 * lists, counting in typed arrays indexed by id and reset lazily by a stamp.
 * Linear in the total size of the rules times the number of technique pages
 * each rule appears on; ties are broken by ranks computed once, so sorts
 * compare integers. Every count is over distinct rules. `aggregateCatalog`
 * can compute only some pages in full (the incremental build's selection).
 * docs/catalog.md documents each figure; docs/performance.md says why it is
 * built this way.
 */
import type { Rule } from '../ast/schema.js';
import { exactSize } from '../core/arrays.js';
import { printNode, printQuery } from '../ast/print.js';
import type { AttackData } from '../attack/types.js';
import type { CatalogEvent } from '../events/types.js';
import { AttackInfo, normalizeTechniqueId, parentOf } from './attack-info.js';
import { thresholds } from './classify.js';
import { collectPredicates, Collector, FIELD_EXCLUSION, FIELD_INDICATOR, fillRuleLists, newStreams, roleOf, streamRules, streamsReader, type Interning, type KeyInfo, type PredicateReader, type PredicateStreams, type RuleRows } from './collect.js';
import { fieldKey } from './keys.js';
import {
  CATALOG_SCHEMA_VERSION,
  type Catalog,
  type CatalogField,
  type CatalogRule,
  type CatalogTechnique,
  type CorpusSummary,
  type EventRow,
  type FieldRow,
  type MatrixCell,
  type MatrixColumn,
  type Summary,
  type TacticRef,
  type ValueRow,
  type VendorCounts,
} from './schema.js';
import { sanitizeSlug, SlugAllocator } from './slug.js';

export interface BuildCatalogOptions {
  /** ATT&CK data (names, tactics, descriptions, matrix). Without it the catalog uses ids only. */
  attack?: AttackData;
  /** The Windows event catalog (event titles). */
  events?: CatalogEvent[];
  /** The loader's corpus figures, passed through to `summary.corpus`. */
  corpus?: CorpusSummary;
  /**
   * Most rows kept per technique section (fields, indicators, exclusions),
   * the top ones by distinct rules; the distinct totals are always given.
   * Default 250; 0 keeps every row (the long tail is mostly one-rule values,
   * which each rule page lists anyway).
   */
  rowLimit?: number;
}

export const DEFAULT_ROW_LIMIT = 250;

/**
 * What the aggregation needs of one rule besides its predicates, without its
 * AST: plain JSON data. The incremental build (src/incremental/) keeps it for
 * every rule, so it can aggregate again without loading unchanged rules.
 */
export interface RuleFacts {
  vendor: string;
  id: string;
  title: string;
  path: string;
  line?: number;
  kind: string;
  language: string;
  /** As the rule row's (listed beside the rule's title on technique and field pages). */
  status?: string;
  /** ATT&CK technique ids (normalized, distinct) and tactic tags (distinct). */
  techniques: string[];
  tactics: string[];
  /** Distinct events (provider case-insensitive, event id), each at its first occurrence. */
  events: { provider: string; eventId: number; channel?: string }[];
  /** Has an error diagnostic; number of opaque parts; number of predicates (summary figures). */
  error: boolean;
  opaque: number;
  predicates: number;
}

/** What `aggregateCatalog` reads: each rule's facts and predicate identities, and (full build) its rule row. */
export interface CatalogInput {
  facts: RuleFacts[];
  streams: PredicateStreams;
  /** The rule rows, `key`, `slug` and predicates' `reach` still to fill; without them the catalog has no `rules`. */
  rows?: CatalogRule[];
}

/** `CatalogInput`, or facts and rows alone when `aggregateCatalog`'s `known` brings what is made of the predicates. */
export type AggregateInput = Omit<CatalogInput, 'streams'> & { streams?: PredicateStreams };

/** What the aggregation reads of a rule's facts besides its events (which it interns as it meets them). */
type Prepared = Pick<RuleFacts, 'vendor' | 'techniques' | 'tactics'>;

interface RuleEvent {
  /** Interned (provider, event id). */
  eid: number;
  provider: string;
  eventId: number;
  channel: string | undefined;
}

/** The catalog's string order (code units, not locale): also what a rebuild compares rows by (src/incremental/unchanged-techniques.ts). */
export const byStr = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/*
 * The loops over every rule and technique below are indexed: an incremental
 * rebuild runs them once, before V8 optimizes them, when a `for…of` allocates
 * an iterator result per element (docs/performance.md, "Cold code").
 */

function vendorCounts(idxs: ArrayLike<number>, prepared: readonly Prepared[]): VendorCounts {
  const out: Record<string, number> = {};
  for (let j = 0; j < idxs.length; j++) {
    const v = prepared[idxs[j]!]!.vendor;
    out[v] = (out[v] ?? 0) + 1;
  }
  return sortedRecord(out);
}

function sortedRecord(r: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of Object.keys(r).sort(byStr)) out[k] = r[k]!;
  return out;
}

function logsourceText(rule: Rule): string | undefined {
  const l = rule.logsource ?? {};
  const parts: string[] = [];
  if (l.product) parts.push(`product=${l.product}`);
  if (l.category) parts.push(`category=${l.category}`);
  if (l.service) parts.push(`service=${l.service}`);
  if (l.definition) parts.push(`definition=${l.definition}`);
  if (l.index?.length) parts.push(`index=${l.index.join(',')}`);
  if (l.integrations?.length) parts.push(`integrations=${l.integrations.join(',')}`);
  if (l.datasets?.length) parts.push(`datasets=${l.datasets.join(',')}`);
  if (l.dataSources?.length) parts.push(`data_sources=${l.dataSources.join(', ')}`);
  if (l.sourceMacros?.length) parts.push(`source=${l.sourceMacros.join(' ')}`);
  if (l.selection) parts.push(`selection: ${printNode(l.selection)}`);
  return parts.length ? parts.join(' ') : undefined;
}

function eventKey(provider: string, eventId: number): string {
  return provider.toLowerCase() + '\u0001' + eventId;
}

function techniqueOrder(a: string, b: string): number {
  const ta = /^T\d{4}/.test(a);
  const tb = /^T\d{4}/.test(b);
  if (ta !== tb) return ta ? -1 : 1;
  return byStr(a, b);
}

/** Rank of each item in the order `cmp` gives; items comparing equal share a rank. */
function ranks(n: number, cmp: (a: number, b: number) => number): Int32Array {
  const order = Array.from({ length: n }, (_, i) => i).sort(cmp);
  const rank = new Int32Array(n);
  for (let i = 1; i < n; i++) rank[order[i]!] = rank[order[i - 1]!]! + (cmp(order[i - 1]!, order[i]!) === 0 ? 0 : 1);
  return rank;
}

/** The facts of one rule (see `RuleFacts`). */
export function ruleFacts(rule: Rule, predicates: number, opaque: number): RuleFacts {
  const events: RuleFacts['events'] = [];
  const seen = new Set<string>();
  for (const e of rule.events ?? []) {
    const ek = eventKey(e.provider, e.eventId);
    if (seen.has(ek)) continue;
    seen.add(ek);
    const ev: RuleFacts['events'][number] = { provider: e.provider, eventId: e.eventId };
    if (e.channel) ev.channel = e.channel;
    events.push(ev);
  }
  const f: RuleFacts = {
    vendor: String(rule.vendor),
    id: rule.id ?? '',
    title: rule.title ?? '',
    path: rule.path ?? '',
    kind: String(rule.kind),
    language: String(rule.language),
    techniques: [...new Set((rule.attack?.techniques ?? []).map(normalizeTechniqueId).filter(Boolean))],
    tactics: [...new Set(rule.attack?.tactics ?? [])],
    events,
    error: (rule.diagnostics ?? []).some((d) => d.severity === 'error'),
    opaque,
    predicates,
  };
  if (rule.line !== undefined) f.line = rule.line;
  if (rule.status !== undefined) f.status = rule.status;
  return f;
}

/** The catalog's rule row (`key` and `slug` are set by the aggregation, `reach` on each predicate too). */
export function ruleRow(rule: Rule, f: RuleFacts, predicates: CatalogRule['predicates'], opaque: CatalogRule['opaque']): CatalogRule {
  const out: CatalogRule = {
    key: '',
    slug: '',
    id: f.id,
    title: f.title,
    vendor: f.vendor,
    language: f.language,
    kind: f.kind,
    path: f.path,
    techniques: f.techniques,
    tactics: f.tactics,
    events: rule.events ?? [],
    logic: printQuery(rule.query),
    predicates,
    thresholds: thresholds(rule.query),
    opaque,
    diagnostics: rule.diagnostics ?? [],
  };
  if (rule.ruleType !== undefined) out.ruleType = rule.ruleType;
  if (rule.status !== undefined) out.status = rule.status;
  if (rule.level !== undefined) out.level = rule.level;
  if (rule.severity !== undefined) out.severity = rule.severity;
  if (rule.riskScore !== undefined) out.riskScore = rule.riskScore;
  if (rule.description !== undefined) out.description = rule.description;
  if (rule.line !== undefined) out.line = rule.line;
  if (rule.authors?.length) out.authors = rule.authors;
  if (rule.references?.length) out.references = rule.references;
  if (rule.falsePositives?.length) out.falsePositives = rule.falsePositives;
  const ls = logsourceText(rule);
  if (ls !== undefined) out.logsource = ls;
  if (rule.queryText !== undefined) out.queryText = rule.queryText;
  return out;
}

/** The aggregation's input from rules: facts, predicate identities and rule rows (`withRows`, default true). */
export function catalogInput(rules: readonly Rule[], withRows = true): CatalogInput {
  const { input } = readRules(rules, withRows, true);
  return input as CatalogInput;
}

/**
 * The aggregation's input and its interning pass, made in one pass over the
 * rules without keeping the predicate identities (`streams`): what a build
 * needs that records no snapshot. `aggregateCatalog(input, options, undefined,
 * { collected })` then gives what it gives for `catalogInput(rules)`.
 */
export function catalogInputInterned(rules: readonly Rule[], withRows = true): { input: AggregateInput; collected: Interning } {
  const { input, collected } = readRules(rules, withRows, false);
  return { input, collected: collected! };
}

function readRules(rules: readonly Rule[], withRows: boolean, keepStreams: boolean): { input: AggregateInput; collected?: Interning } {
  const rows: RuleRows = { predicates: [], opaque: [] };
  const collector = keepStreams ? undefined : new Collector(rules.length);
  const streams = streamRules(rules, keepStreams ? newStreams() : null, rows, collector);
  const facts: RuleFacts[] = new Array(rules.length);
  const out: CatalogRule[] = withRows ? new Array(rules.length) : [];
  for (let i = 0; i < rules.length; i++) {
    facts[i] = ruleFacts(rules[i]!, rows.predicates[i]!.length, rows.opaque[i]!.length);
    if (withRows) out[i] = ruleRow(rules[i]!, facts[i]!, rows.predicates[i]!, rows.opaque[i]!);
  }
  const input: AggregateInput = { facts, ...(streams ? { streams } : {}), ...(withRows ? { rows: out } : {}) };
  if (!collector) return { input };
  const collected = collector.finish();
  chooseDisplays(collected.keys);
  return { input, collected };
}

/**
 * The technique pages' names, for the catalog's techniques in its order
 * (the incremental build names them again to link them, src/incremental/).
 */
export function techniqueSlugs(ids: readonly string[]): string[] {
  const alloc = new SlugAllocator();
  return ids.map((id) => alloc.allocate(id, id, 'technique'));
}

/** Rule slugs, unique per vendor, allocated in rule order. */
export function ruleSlugs(facts: readonly RuleFacts[]): string[] {
  const allocs = new Map<string, SlugAllocator>();
  return facts.map((f, idx) => {
    let alloc = allocs.get(f.vendor);
    if (!alloc) allocs.set(f.vendor, (alloc = new SlugAllocator()));
    return alloc.allocate(f.id, `${f.path}\u0001${f.id}\u0001${f.line ?? ''}\u0001${idx}`, f.title || 'rule');
  });
}

/**
 * The catalog's order of rules (on technique and field pages): by vendor, then
 * by lower-cased title, then by index (so the order is total). `ta` and `tb`
 * are the titles lower-cased.
 */
export function compareRules(va: string, ta: string, a: number, vb: string, tb: string, b: number): number {
  if (va !== vb) return byStr(va, vb);
  return ta < tb ? -1 : ta > tb ? 1 : a - b;
}

/**
 * Whether `ruleSlugs` takes the same inputs from `a` and `b` (one rule before
 * and after an edit, at the same index): its vendor, id, path and line, and its
 * title when the id leaves no slug (the title is the fallback). When every
 * rule's inputs are the same, so is every slug: the allocation replays the
 * same calls in the same order.
 */
export function sameSlugInputs(a: RuleFacts, b: RuleFacts): boolean {
  return a.vendor === b.vendor && a.id === b.id && a.path === b.path && a.line === b.line && (a.title === b.title || sanitizeSlug(a.id) !== '');
}


/**
 * What the catalog shows of each predicate's key (`uses.predKey` order): its
 * display form (null for a negated predicate) and whether the key is another
 * one's (a case-sensitive value counted in its case-insensitive row). With
 * `predicateReach`, the incremental build compares these between builds.
 */
export function predicateKeys(c: Interning): { display: (string | null)[]; aliased: Uint8Array } {
  const { predKey, predOwnKey } = c.uses;
  const display: (string | null)[] = new Array(predKey.length);
  const aliased = new Uint8Array(predKey.length);
  for (let j = 0; j < predKey.length; j++) {
    const k = predKey[j]!;
    if (k < 0) {
      display[j] = null;
      continue;
    }
    display[j] = c.key(k).display;
    if (predOwnKey[j] !== k) aliased[j] = 1;
  }
  return { display, aliased };
}

/**
 * The corpus reach of every predicate (`uses.predKey` order: every predicate of
 * every rule): the rules using its key in its role, -1 for a negated one.
 */
export function predicateReach(c: Interning): Int32Array {
  const { predKey, predFlags: flags } = c.uses;
  const { nInd, nExcl } = c.keyCols;
  const out = new Int32Array(predKey.length);
  for (let j = 0; j < predKey.length; j++) {
    const k = predKey[j]!;
    out[j] = k < 0 ? -1 : roleOf(flags[j]!) === 'indicator' ? nInd[k]! : nExcl[k]!;
  }
  return out;
}

/** Corpus reach on each rule row's predicates. */
function setReach(rows: CatalogRule[], reach: Int32Array): void {
  let j = 0;
  for (const row of rows) {
    for (const cp of row.predicates) {
      const n = reach[j++]!;
      if (n >= 0) cp.reach = n;
    }
  }
}

/**
 * Rank of each counted key (used by some rule as indicator or exclusion) in
 * (field, op, display) order, ties by id. The keys are bucketed by their
 * (field, op) rank first (a counting sort), so display texts are compared
 * only within a bucket. `keyByTie` lists the counted keys in that order.
 */
function rankKeys(c: Interning, fieldRank: Int32Array, opRank: Int32Array, only?: Uint8Array): { tieRank: Int32Array; keyByTie: number[] } {
  const { fid, opId, nInd, nExcl } = c.keyCols;
  const nKeys = fid.length;
  const nOps = opRank.length;
  const nGroups = fieldRank.length * nOps;
  const group = new Int32Array(nKeys).fill(-1);
  const start = new Int32Array(nGroups + 1);
  for (let k = 0; k < nKeys; k++) {
    if ((!nInd[k] && !nExcl[k]) || (only && !only[k])) continue;
    const g = (group[k] = fieldRank[fid[k]!]! * nOps + opRank[opId[k]!]!);
    start[g + 1]++;
  }
  for (let g = 0; g < nGroups; g++) start[g + 1] += start[g]!;
  const keyByTie = new Array<number>(start[nGroups]!);
  const next = start.slice(0, nGroups);
  for (let k = 0; k < nKeys; k++) if (group[k]! >= 0) keyByTie[next[group[k]!]!++] = k;
  const byDisplay = (a: number, b: number) => byStr(c.key(a).display, c.key(b).display) || a - b;
  for (let g = 0; g < nGroups; g++) {
    const from = start[g]!;
    const to = start[g + 1]!;
    if (to - from < 2) continue;
    const bucket = keyByTie.slice(from, to).sort(byDisplay);
    for (let i = 0; i < bucket.length; i++) keyByTie[from + i] = bucket[i]!;
  }
  const tieRank = new Int32Array(nKeys);
  for (let i = 0; i < keyByTie.length; i++) tieRank[keyByTie[i]!] = i;
  return { tieRank, keyByTie };
}

/** Display form of each key: the most frequent written form (first seen on ties). */
function chooseDisplays(keys: KeyInfo[]): void {
  for (const ki of keys) {
    if (!ki.displays) continue;
    let best = -1;
    ki.displays.forEach((n, d) => {
      if (n > best) {
        best = n;
        ki.display = d;
      }
    });
  }
}

export function buildCatalog(rules: readonly Rule[], options: BuildCatalogOptions = {}): Catalog {
  const { input, collected } = catalogInputInterned(rules);
  return aggregateCatalog(input, options, undefined, { collected }).catalog;
}

/**
 * Which technique and field pages to compute in full (the incremental build
 * recomputes only the pages a change reaches). The others are computed light:
 * a technique with its header figures (ids, names, counts, `byVendor`,
 * sub-techniques) and empty sections and rule list, a field with its name,
 * slug and count only.
 */
export interface AggregateSelection {
  techniques: ReadonlySet<string>;
  /** Field keys (`fieldKey`); absent: every field page in full (the web site lists every field's figures and values). */
  fields?: ReadonlySet<string>;
  /**
   * With `fields`: every other field also gets what the site's field list
   * shows of it (its rules by vendor, its written names, and a `values` list
   * of the right length whose rows are not made: holes). `'later'`: not now,
   * but when `Aggregated.fillFieldFigures` is called (the incremental build
   * calls it only when the field list may have changed).
   */
  fieldFigures?: boolean | 'later';
}

export interface Aggregated {
  catalog: Catalog;
  /** The intern tables and uses (`collectPredicates`). */
  collected: Interning;
  /** Each rule's slug (also in the rows). */
  slugs: string[];
  /** Each predicate's corpus reach (`predicateReach`). */
  reach: Int32Array;
  /** Each technique's member rules (rolled up), by id: rule index -> the ids it is tagged with that make it one (made when read). */
  readonly members: Map<string, Map<number, string[]>>;
  /** With `fieldFigures: 'later'`: give every field not selected its figures (as `fieldFigures: true` would have), in place. */
  fillFieldFigures?: () => void;
}

/** A technique's member rules (ascending) and, for each, the ids it is tagged with that make it one. */
export interface Membership {
  rules: number[];
  via: string[][];
}

/**
 * Each technique's members: a rule is one of every technique it is tagged
 * with and of their parents (sub-techniques on their own, parents rolled up).
 * Rules are added in index order, so a rule met again for a technique is its
 * last member.
 */
export function techniqueMembership(facts: readonly Pick<RuleFacts, 'techniques'>[]): Map<string, Membership> {
  const members = new Map<string, Membership>();
  const memberOf = (tid: string): Membership => {
    let m = members.get(tid);
    if (!m) members.set(tid, (m = { rules: [], via: [] }));
    return m;
  };
  const addMember = (m: Membership, idx: number, via: string) => {
    const last = m.rules.length - 1;
    if (last < 0 || m.rules[last] !== idx) {
      m.rules.push(idx);
      m.via.push([via]);
    } else if (!m.via[last]!.includes(via)) m.via[last]!.push(via);
  };
  // The memberships a tag adds to (its technique's, its parent's), found once per tag: 7,700 rules carry
  // about 540 distinct tags, and each look-up of a tag and of its parent costs a hash and a regular expression.
  const byTag = new Map<string, Membership[]>();
  for (let idx = 0; idx < facts.length; idx++) {
    const ts = facts[idx]!.techniques;
    for (let j = 0; j < ts.length; j++) {
      const t = ts[j]!;
      let ms = byTag.get(t);
      if (!ms) {
        const parent = parentOf(t);
        byTag.set(t, (ms = parent ? [memberOf(t), memberOf(parent)] : [memberOf(t)]));
      }
      for (let q = 0; q < ms.length; q++) addMember(ms[q]!, idx, t);
    }
  }
  return members;
}

/** A technique's `rules` list in `idxs` order (its rules, sorted), each with its tagged ids sorted. */
function techniqueRules(m: Membership, idxs: readonly number[]): CatalogTechnique['rules'] {
  const viaOf = new Map<number, string[]>();
  for (let j = 0; j < m.rules.length; j++) viaOf.set(m.rules[j]!, m.via[j]!);
  return idxs.map((i) => ({ rule: i, via: viaOf.get(i)!.slice().sort(byStr) }));
}

/** The interning pass over an input, with each key's display form chosen: what `aggregateCatalog` counts with. */
export function collectForCatalog(input: CatalogInput): Interning {
  return collectFrom(streamsReader(input.streams), input.facts);
}

/** The same over predicates however they are kept (the incremental build reads its id columns). */
export function collectFrom(reader: PredicateReader, facts: readonly RuleFacts[]): Interning {
  const c = collectPredicates(
    reader,
    facts.map((f) => f.vendor),
  );
  chooseDisplays(c.keys);
  return c;
}

/**
 * The catalog from rule facts and predicate identities: every page, or with
 * `select` only the selected pages in full. `known` passes what the caller
 * computed already over the same input (`collectForCatalog`, `predicateReach`,
 * `ruleSlugs`, `techniqueMembership`), so it is not computed twice, and a
 * previous build's field slugs (taken when its fields come in the same order).
 */
export function aggregateCatalog(input: AggregateInput, options: BuildCatalogOptions = {}, select?: AggregateSelection, known: { collected?: Interning; reach?: Int32Array; slugs?: string[]; members?: Map<string, Membership>; fieldSlugs?: readonly (readonly [string, string])[] } = {}): Aggregated {
  const info = new AttackInfo(options.attack);
  const { facts } = input;
  const streams = (): PredicateStreams => {
    if (!input.streams) throw new Error('aggregateCatalog: the input has no predicate streams, and `known` does not bring what is made of them');
    return input.streams;
  };

  // ---- 1. Each rule once: predicates interned, slug, events.
  const c = known.collected ?? collectForCatalog({ ...input, streams: streams() });
  const { uses } = c;
  const prepared: readonly Prepared[] = facts;
  const reach = known.reach ?? predicateReach(c);
  const slugs = known.slugs ?? ruleSlugs(facts);
  if (input.rows) {
    for (let i = 0; i < input.rows.length; i++) {
      const row = input.rows[i]!;
      row.slug = slugs[i]!;
      row.key = `${row.vendor}/${row.slug}`;
    }
    setReach(input.rows, reach);
  }

  // ---- 2. Technique membership (`techniqueMembership`), unless the caller made it over the same facts.
  const members = known.members ?? techniqueMembership(prepared);
  const techIds = [...members.keys()].sort(techniqueOrder);

  // ---- 3. Event catalog index, per interned event.
  const eventIndex = new Map<string, CatalogEvent>();
  for (const e of options.events ?? []) {
    const k1 = eventKey(e.provider, e.eventId);
    if (!eventIndex.has(k1)) eventIndex.set(k1, e);
    if (e.providerShort) {
      const k2 = eventKey(e.providerShort, e.eventId);
      if (!eventIndex.has(k2)) eventIndex.set(k2, e);
    }
  }
  const hasEventCatalog = options.events !== undefined;
  // Each rule's events interned to (provider, event id) ids when a technique computed in full first
  // lists them (a rebuild computes a few techniques only), with the catalog's entry of each.
  const eventIds = new Map<string, number>();
  const catalogEvent: (CatalogEvent | undefined)[] = [];
  const ruleEvents: RuleEvent[][] = new Array(facts.length);
  const eventsOf = (i: number): RuleEvent[] =>
    (ruleEvents[i] ??= facts[i]!.events.map((e) => {
      const ek = eventKey(e.provider, e.eventId);
      let eid = eventIds.get(ek);
      if (eid === undefined) {
        eventIds.set(ek, (eid = eventIds.size));
        catalogEvent[eid] = eventIndex.get(ek);
      }
      return { eid, provider: e.provider, eventId: e.eventId, channel: e.channel };
    }));

  // ---- Orders, ranked once so that the many sorts below compare integers.
  // Rules: by vendor, then title (case-insensitive); the order is total (ties break by index). Ranked
  // once for a whole catalog; with a selection (a rebuild sorts a few pages' rules) compared as asked.
  const lowerTitles: string[] = new Array(prepared.length);
  const lower = (i: number) => (lowerTitles[i] ??= facts[i]!.title.toLowerCase());
  const compare = (a: number, b: number) => compareRules(prepared[a]!.vendor, lower(a), a, prepared[b]!.vendor, lower(b), b);
  let ruleOrder = compare;
  if (!select) {
    const ruleRank = ranks(prepared.length, compare);
    ruleOrder = (a: number, b: number) => ruleRank[a]! - ruleRank[b]!;
  }
  // Fields by name (null, "any field", sorts as the empty string), operators by name.
  const fieldRank = ranks(c.fields.length, (a, b) => byStr(c.fields[a] ?? '', c.fields[b] ?? ''));
  const opRank = ranks(c.ops.length, (a, b) => byStr(c.ops[a]!, c.ops[b]!));
  const opsByName = Array.from({ length: c.ops.length }, (_, i) => i).sort((a, b) => opRank[a]! - opRank[b]!);
  // Written names by vendor, then name.
  const writtenRank = ranks(c.writtenName.length, (a, b) => byStr(c.writtenVendor[a]!, c.writtenVendor[b]!) || byStr(c.writtenName[a]!, c.writtenName[b]!));
  // Value rows tie on count by (field, op, value); only keys some rule counts need a rank.
  // With a selection, only the keys of the selected techniques' rules are sorted (they are all the
  // value rows compare): the relative order of any two keys is the same either way.
  let only: Uint8Array | undefined;
  if (select) {
    only = new Uint8Array(c.keyCols.fid.length);
    for (const tid of select.techniques) {
      for (const i of members.get(tid)?.rules ?? []) {
        for (let j = uses.indOff[i]!; j < uses.indOff[i + 1]!; j++) only[uses.ind[j]! >> 1] = 1;
        for (let j = uses.exclOff[i]!; j < uses.exclOff[i + 1]!; j++) only[uses.excl[j]! >> 1] = 1;
      }
    }
  }
  const { tieRank, keyByTie } = rankKeys(c, fieldRank, opRank, only);

  const rowLimit = options.rowLimit ?? DEFAULT_ROW_LIMIT;
  const top = <T>(rows: T[]): T[] => (rowLimit > 0 && rows.length > rowLimit ? rows.slice(0, rowLimit) : rows);
  /** Operator counts as a record sorted by operator name. */
  const opsRecord = (counts: Int32Array, base: number): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const o of opsByName) if (counts[base + o]) out[c.ops[o]!] = counts[base + o]!;
    return out;
  };
  const writtenAs = (wids: number[], count: Int32Array) =>
    wids
      .sort((a, b) => count[b]! - count[a]! || writtenRank[a]! - writtenRank[b]!)
      .map((w) => ({ vendor: c.writtenVendor[w]!, name: c.writtenName[w]!, count: count[w]! }));

  // ---- Per-technique counters indexed by id, reset lazily by a technique stamp.
  const nKeys = c.keyCols.fid.length;
  const nFields = c.fields.length;
  const nOps = c.ops.length;
  const stamp = new Int32Array(nKeys).fill(-1);
  const counts = new Int32Array(nKeys);
  const csCounts = new Int32Array(nKeys);
  const keep = new Int32Array(nKeys).fill(-1);
  let techStamp = 0;
  const keyOrder = (a: number, b: number) => counts[b]! - counts[a]! || tieRank[a]! - tieRank[b]!;
  /**
   * `touched` in `keyOrder` (count descending, then tie rank), as one native numeric sort
   * of `(maxCount - count) * ranked + tieRank` (exact in a double): no comparator calls.
   */
  const sortKeys = (touched: number[], maxCount: number): void => {
    const ranked = keyByTie.length;
    if ((maxCount + 1) * ranked > Number.MAX_SAFE_INTEGER) {
      touched.sort(keyOrder);
      return;
    }
    const packed = new Float64Array(touched.length);
    for (let i = 0; i < touched.length; i++) packed[i] = (maxCount - counts[touched[i]!]!) * ranked + tieRank[touched[i]!]!;
    packed.sort();
    for (let i = 0; i < packed.length; i++) touched[i] = keyByTie[packed[i]! % ranked]!;
  };
  /** Value rows of one role over a technique's rules; `kept` receives the key of each row. */
  const valueRows = (idxs: number[], list: Int32Array, off: Int32Array, role: 'indicator' | 'exclusion', kept: number[]): { rows: ValueRow[]; distinct: number } => {
    const s = ++techStamp;
    const touched: number[] = [];
    for (const i of idxs) {
      for (let j = off[i]!; j < off[i + 1]!; j++) {
        const k = list[j]! >> 1;
        if (stamp[k] !== s) {
          stamp[k] = s;
          counts[k] = 0;
          csCounts[k] = 0;
          touched.push(k);
        }
        counts[k]++;
        csCounts[k] += list[j]! & 1;
      }
    }
    sortKeys(touched, idxs.length);
    const rows: ValueRow[] = [];
    for (const k of top(touched)) {
      keep[k] = rows.length; // row position; reset to -1 below
      kept.push(k);
      const ki = c.key(k);
      const row: ValueRow = {
        field: ki.field,
        op: ki.op,
        value: ki.display,
        count: counts[k]!,
        caseSensitive: csCounts[k]!,
        reach: role === 'indicator' ? ki.nInd : ki.nExcl,
        // Exactly sized: filled below (arrays grown by push keep up to 16 spare slots each).
        rules: new Array<number>(counts[k]!),
      };
      if (ki.regex) row.regex = ki.regex;
      rows.push(row);
    }
    // Rule lists for the kept rows only (`counts` now counts the rules filled in).
    for (const k of kept) counts[k] = 0;
    for (const i of idxs) {
      for (let j = off[i]!; j < off[i + 1]!; j++) {
        const k = list[j]! >> 1;
        const at = keep[k]!;
        if (at >= 0) rows[at]!.rules[counts[k]!++] = i;
      }
    }
    for (const k of kept) keep[k] = -1;
    return { rows: exactSize(rows), distinct: touched.length };
  };

  const fStamp = new Int32Array(nFields).fill(-1);
  const fCount = new Int32Array(nFields);
  const fInd = new Int32Array(nFields);
  const fExcl = new Int32Array(nFields);
  const fOps = new Int32Array(nFields * nOps);
  const fKeep = new Int32Array(nFields).fill(-1);
  const nWritten = c.writtenName.length;
  const wStamp = new Int32Array(nWritten).fill(-1);
  const wCount = new Int32Array(nWritten);
  /** The "fields filtered most" rows of a technique (and the number of distinct fields). */
  const fieldRows = (idxs: number[], s: number, sampleKeys: number[]): { rows: FieldRow[]; distinct: number } => {
    const touched: number[] = [];
    const wTouched: number[] = [];
    for (const i of idxs) {
      for (let j = uses.fieldOff[i]!; j < uses.fieldOff[i + 1]!; j++) {
        const fid = uses.fieldId[j]!;
        if (fStamp[fid] !== s) {
          fStamp[fid] = s;
          fCount[fid] = fInd[fid] = fExcl[fid] = 0;
          for (let o = 0; o < nOps; o++) fOps[fid * nOps + o] = 0;
          touched.push(fid);
        }
        fCount[fid]++;
        const flags = uses.fieldFlags[j]!;
        if (flags & FIELD_INDICATOR) fInd[fid]++;
        if (flags & FIELD_EXCLUSION) fExcl[fid]++;
        const opBits = uses.fieldOps[j]!;
        for (let o = 0; o < nOps; o++) if (opBits & (1 << o)) fOps[fid * nOps + o]++;
      }
      for (let j = uses.writtenOff[i]!; j < uses.writtenOff[i + 1]!; j++) {
        const w = uses.written[j]!;
        if (wStamp[w] !== s) {
          wStamp[w] = s;
          wCount[w] = 0;
          wTouched.push(w);
        }
        wCount[w]++;
      }
    }
    // Stable sort: equal names (only null and "") keep first-use order.
    touched.sort((a, b) => fCount[b]! - fCount[a]! || fieldRank[a]! - fieldRank[b]!);
    const kept = top(touched);
    const wids: number[][] = [];
    const rows: FieldRow[] = kept.map((fid, j) => {
      fKeep[fid] = j;
      wids.push([]);
      return {
        field: c.fields[fid]!,
        count: fCount[fid]!,
        indicatorRules: fInd[fid]!,
        exclusionRules: fExcl[fid]!,
        ops: opsRecord(fOps, fid * nOps),
        writtenAs: [],
        samples: [],
      };
    });
    for (const w of wTouched) {
      const j = fKeep[c.writtenField[w]!]!;
      if (j >= 0) wids[j]!.push(w);
    }
    for (let j = 0; j < rows.length; j++) rows[j]!.writtenAs = writtenAs(wids[j]!, wCount);
    // Samples come from the ranked indicator rows, so they are the most used values (within the row limit).
    for (const k of sampleKeys) {
      const ki = c.key(k);
      const j = fKeep[ki.fid]!;
      if (j < 0) continue;
      const samples = rows[j]!.samples;
      if (samples.length < 5 && ki.op !== 'exists' && !samples.includes(ki.display)) samples.push(ki.display);
    }
    for (let j = 0; j < rows.length; j++) rows[j]!.samples = exactSize(rows[j]!.samples);
    for (const fid of kept) fKeep[fid] = -1;
    return { rows, distinct: touched.length };
  };

  // Indexed by event id, which grows as techniques are computed (a technique stamp once met).
  const evStamp: number[] = [];
  const evFirst: RuleEvent[] = [];
  const evRules: number[][] = [];
  /** The "events covered" rows of a technique. */
  const eventRows = (idxs: number[], s: number): EventRow[] => {
    const touched: number[] = [];
    for (const i of idxs) {
      for (const e of eventsOf(i)) {
        if (evStamp[e.eid] !== s) {
          evStamp[e.eid] = s;
          evFirst[e.eid] = e;
          evRules[e.eid] = [];
          touched.push(e.eid);
        }
        evRules[e.eid]!.push(i);
      }
    }
    return touched
      .map((eid): EventRow => {
        const e = evFirst[eid]!;
        const ce = catalogEvent[eid];
        const rs = evRules[eid]!;
        return {
          provider: ce?.provider ?? e.provider,
          providerShort: ce?.providerShort ?? null,
          eventId: e.eventId,
          channel: ce?.channel ?? e.channel ?? null,
          title: ce?.title ?? null,
          inCatalog: hasEventCatalog ? !!ce : null,
          count: rs.length,
          rules: exactSize(rs),
        };
      })
      .sort((x, y) => y.count - x.count || byStr(x.provider, y.provider) || x.eventId - y.eventId);
  };

  // ---- 4. Per-technique aggregation.
  const techSlugs = techniqueSlugs(techIds);
  const technique = (tid: string, ti: number): CatalogTechnique => {
    const m = members.get(tid)!;
    const full = !select || select.techniques.has(tid);
    // A light technique's figures do not depend on its rules' order.
    const idxs = m.rules.slice();
    if (full) idxs.sort(ruleOrder);
    let direct = 0;
    const subs = new Set<string>();
    for (let j = 0; j < m.via.length; j++) {
      const via = m.via[j]!;
      if (via.includes(tid)) direct++;
      for (let q = 0; q < via.length; q++) if (via[q] !== tid) subs.add(via[q]!);
    }
    let indicators: ValueRow[] = [];
    let exclusions: ValueRow[] = [];
    let fields: FieldRow[] = [];
    let events: EventRow[] = [];
    const distinct = { events: 0, fields: 0, indicators: 0, exclusions: 0 };
    if (full) {
      const indKeys: number[] = [];
      const ind = valueRows(idxs, uses.ind, uses.indOff, 'indicator', indKeys);
      const excl = valueRows(idxs, uses.excl, uses.exclOff, 'exclusion', []);
      const s = ++techStamp;
      const fr = fieldRows(idxs, s, indKeys);
      indicators = ind.rows;
      exclusions = excl.rows;
      fields = fr.rows;
      events = eventRows(idxs, s);
      Object.assign(distinct, { events: events.length, fields: fr.distinct, indicators: ind.distinct, exclusions: excl.distinct });
    }

    const at = info.technique(tid);
    const parent = parentOf(tid);
    const parentAt = parent ? info.technique(parent) : undefined;
    let tactics: TacticRef[];
    let tacticsFrom: 'attack' | 'rules';
    const attackTactics = at?.tactics ?? parentAt?.tactics;
    if (attackTactics) {
      tactics = attackTactics.map((t) => info.tactic(t));
      tacticsFrom = 'attack';
    } else {
      // Without ATT&CK tactics for the id: the union of its rules' tactic tags.
      const ruleTactics = new Set<string>();
      for (const i of idxs) for (const t of prepared[i]!.tactics) ruleTactics.add(t);
      const seen = new Map<string, TacticRef>();
      for (const t of [...ruleTactics].sort(byStr)) {
        const ref = info.tactic(t);
        if (!seen.has(ref.id)) seen.set(ref.id, ref);
      }
      tactics = [...seen.values()];
      tacticsFrom = 'rules';
    }
    const validId = /^T\d{4}(\.\d{3})?$/.test(tid);
    return {
      id: tid,
      slug: techSlugs[ti]!,
      name: at?.name ?? null,
      parent,
      parentName: parentAt?.name ?? null,
      tactics,
      tacticsFrom,
      description: at?.description ?? null,
      url: at?.url ?? (validId ? `https://attack.mitre.org/techniques/${tid.replace('.', '/')}/` : null),
      known: options.attack ? !!at : null,
      revokedBy: at?.revokedBy ?? null,
      deprecated: !!at?.deprecated,
      scope: subs.size > 0 ? 'rollup' : 'technique',
      subtechniques: [...subs].sort(byStr),
      ruleCount: idxs.length,
      directRuleCount: direct,
      byVendor: vendorCounts(idxs, prepared),
      rules: full ? techniqueRules(m, idxs) : [],
      distinct,
      events,
      fields,
      indicators,
      exclusions,
    };
  };
  const techniques = techIds.map(technique);
  const techById = new Map(techniques.map((t) => [t.id, t]));

  // ---- 5. Catalog-wide field pages.
  const { pages: fields, fillFigures } = fieldPages(c, prepared, techIds, { fieldRank, ruleOrder, opsRecord, writtenAs, ...(known.fieldSlugs ? { knownSlugs: known.fieldSlugs } : {}) }, select?.fields, select?.fieldFigures);

  // ---- 6. Matrix.
  const matrix: MatrixColumn[] = [];
  const placed = new Set<string>();
  const cell = (id: string, name: string | null, subIds: { id: string; name: string | null }[]): MatrixCell => {
    const t = techById.get(id);
    return {
      id,
      name: name ?? t?.name ?? null,
      ruleCount: t?.ruleCount ?? 0,
      byVendor: t?.byVendor ?? {},
      subtechniques: subIds.map((s) => {
        const st = techById.get(s.id);
        return { id: s.id, name: s.name ?? st?.name ?? null, ruleCount: st?.ruleCount ?? 0, byVendor: st?.byVendor ?? {} };
      }),
    };
  };
  // A column's distinct rules, marked with the column's number.
  const colStamp = new Int32Array(prepared.length).fill(-1);
  let colNo = 0;
  const column = (tactic: TacticRef, cells: MatrixCell[]): MatrixColumn => {
    const s = colNo++;
    const rs: number[] = [];
    const addRules = (id: string) => {
      const m = members.get(id);
      if (!m) return;
      for (let j = 0; j < m.rules.length; j++) {
        const i = m.rules[j]!;
        if (colStamp[i] === s) continue;
        colStamp[i] = s;
        rs.push(i);
      }
    };
    for (let j = 0; j < cells.length; j++) {
      addRules(cells[j]!.id);
      const subs = cells[j]!.subtechniques;
      for (let q = 0; q < subs.length; q++) addRules(subs[q]!.id);
    }
    return { tactic, ruleCount: rs.length, byVendor: vendorCounts(rs, prepared), techniques: cells };
  };
  if (options.attack) {
    const active = Object.values(options.attack.techniques).filter((t) => !t.revoked && !t.deprecated);
    const subsOf = new Map<string, { id: string; name: string }[]>();
    for (const t of active) {
      if (!t.parent) continue;
      let l = subsOf.get(t.parent);
      if (!l) subsOf.set(t.parent, (l = []));
      l.push({ id: t.id, name: t.name });
    }
    for (const l of subsOf.values()) l.sort((a, b) => byStr(a.id, b.id));
    const parents = active.filter((t) => !t.parent).sort((a, b) => byStr(a.name, b.name) || byStr(a.id, b.id));
    for (const tac of info.orderedTactics()) {
      const cells: MatrixCell[] = [];
      for (const p of parents) {
        if (!p.tactics.includes(tac.id)) continue;
        const subs = subsOf.get(p.id) ?? [];
        cells.push(cell(p.id, p.name, subs));
        placed.add(p.id);
        for (const s of subs) placed.add(s.id);
      }
      matrix.push(column({ id: tac.id, name: tac.name, shortname: tac.shortname }, cells));
    }
  } else {
    const cols = new Map<string, { tactic: TacticRef; ids: string[] }>();
    for (const t of techniques) {
      if (t.parent) continue;
      for (const tac of t.tactics) {
        let c = cols.get(tac.id);
        if (!c) cols.set(tac.id, (c = { tactic: tac, ids: [] }));
        c.ids.push(t.id);
      }
    }
    for (const k of [...cols.keys()].sort(byStr)) {
      const c = cols.get(k)!;
      const cells = c.ids.map((id) => {
        const subs = techById.get(id)!.subtechniques.map((s) => ({ id: s, name: null }));
        placed.add(id);
        for (const s of subs) placed.add(s.id);
        return cell(id, null, subs);
      });
      matrix.push(column(c.tactic, cells));
    }
  }
  const unplaced = techniques.filter((t) => !placed.has(t.id)).map((t) => t.id);

  // ---- 7. Summary.
  const byVendor: Record<string, number> = {};
  const byLanguage: Record<string, Record<string, number>> = {};
  const byKind: Record<string, number> = {};
  let withTechniques = 0;
  let withErrors = 0;
  let withOpaque = 0;
  let predicateCount = 0;
  for (let i = 0; i < facts.length; i++) {
    const r = facts[i]!;
    byVendor[r.vendor] = (byVendor[r.vendor] ?? 0) + 1;
    const bl = (byLanguage[r.vendor] ??= {});
    bl[r.language] = (bl[r.language] ?? 0) + 1;
    byKind[r.kind] = (byKind[r.kind] ?? 0) + 1;
    if (r.techniques.length) withTechniques++;
    if (r.error) withErrors++;
    if (r.opaque) withOpaque++;
    predicateCount += r.predicates;
  }
  const summary: Summary = {
    rules: prepared.length,
    byVendor: sortedRecord(byVendor),
    byLanguage: Object.fromEntries(Object.keys(byLanguage).sort(byStr).map((v) => [v, sortedRecord(byLanguage[v]!)])),
    byKind: sortedRecord(byKind),
    withTechniques,
    withoutTechniques: prepared.length - withTechniques,
    techniques: new Set(prepared.flatMap((p) => p.techniques)).size,
    withErrors,
    withOpaque,
    predicates: predicateCount,
    fields: fields.length,
    corpus: options.corpus ?? null,
  };

  const catalog: Catalog = {
    schemaVersion: CATALOG_SCHEMA_VERSION,
    generator: 'ruleatlas',
    attack: options.attack ? { version: options.attack.version } : null,
    rowLimit,
    eventCatalog: options.events ? { events: options.events.length } : null,
    summary,
    matrix,
    unplaced,
    techniques,
    rules: input.rows ?? [],
    fields,
  };
  return {
    catalog,
    collected: c,
    slugs,
    reach,
    get members() {
      return new Map([...members].map(([tid, m]) => [tid, new Map(m.rules.map((i, j) => [i, m.via[j]!]))]));
    },
    ...(fillFigures ? { fillFieldFigures: fillFigures } : {}),
  };
}

interface FieldPageOrders {
  fieldRank: Int32Array;
  ruleOrder: (a: number, b: number) => number;
  opsRecord: (counts: Int32Array, base: number) => Record<string, number>;
  writtenAs: (wids: number[], count: Int32Array) => { vendor: string; name: string; count: number }[];
  /** A previous build's field pages, [field key, slug] in their order: the same fields in the same order have the same slugs. */
  knownSlugs?: readonly (readonly [string, string])[];
}

/** One page per field: the rules filtering on it (any role), its operators, names, techniques and values. */
function fieldPages(c: Interning, prepared: readonly Prepared[], techIds: string[], o: FieldPageOrders, selected?: ReadonlySet<string>, figuresWanted: boolean | 'later' = false): { pages: CatalogField[]; fillFigures?: () => void } {
  const { uses } = c;
  const nFields = c.fields.length;
  const nOps = c.ops.length;
  // The pages computed in full (all of them without a selection); every other one shows its name and count
  // only, and with figures (`fillFigures`, below) what the field list shows too.
  const full = new Uint8Array(nFields).fill(selected ? 0 : 1);
  if (selected) for (let fid = 0; fid < nFields; fid++) if (selected.has(fieldKey(c.fields[fid]!))) full[fid] = 1;
  const pageCount = new Int32Array(nFields);
  const pageRules: number[][] = new Array(nFields);
  const pageWritten: number[][] = new Array(nFields);
  const pageKeys: number[][] = new Array(nFields);
  const valueCount = new Int32Array(nFields);
  for (let fid = 0; fid < nFields; fid++) {
    if (full[fid]) (pageRules[fid] = []), (pageWritten[fid] = []);
    if (full[fid]) pageKeys[fid] = [];
  }
  const pageOps = new Int32Array(nFields * nOps);
  for (let r = 0; r < prepared.length; r++) {
    for (let j = uses.fieldOff[r]!; j < uses.fieldOff[r + 1]!; j++) {
      const fid = uses.fieldId[j]!;
      pageCount[fid]++;
      if (!full[fid]) continue;
      pageRules[fid]!.push(r);
      const opBits = uses.fieldOps[j]!;
      for (let op = 0; op < nOps; op++) if (opBits & (1 << op)) pageOps[fid * nOps + op]++;
    }
  }
  // A written name belongs to one field, and each rule lists it once: its count is its number of rules.
  const writtenCount = new Int32Array(c.writtenName.length);
  for (let j = 0; j < uses.written.length; j++) writtenCount[uses.written[j]!]++;
  for (let w = 0; w < c.writtenField.length; w++) if (full[c.writtenField[w]!]) pageWritten[c.writtenField[w]!]!.push(w);
  // Each page's values: the keys some rule counts (from the columns: no key is looked at otherwise).
  const { fid: keyFid, nInd, nExcl } = c.keyCols;
  for (let k = 0; k < keyFid.length; k++) {
    if (!nInd[k] && !nExcl[k]) continue;
    valueCount[keyFid[k]!]++;
    if (full[keyFid[k]!]) pageKeys[keyFid[k]!]!.push(k);
  }
  // Techniques (as tagged, no roll-up) as ranks in `techIds` order, per rule as the pages ask.
  const techRank = new Map(techIds.map((t, i) => [t, i]));
  const ruleTechs: number[][] = new Array(prepared.length);
  const techsOf = (r: number): number[] => (ruleTechs[r] ??= prepared[r]!.techniques.map((t) => techRank.get(t)!));
  const tStamp = new Int32Array(techIds.length).fill(-1);
  const tCount = new Int32Array(techIds.length);

  // Field ids follow first use, the order pages are listed in before sorting (stable: ties keep it).
  const order = Array.from({ length: nFields }, (_, i) => i).sort((a, b) => pageCount[b]! - pageCount[a]! || o.fieldRank[a]! - o.fieldRank[b]!);
  const slugs = new SlugAllocator(['index']); // fields/index.html is the field list
  // Slugs are allocated in page order: the same fields in the same order get the ones a previous build did
  // (the incremental build passes them; allocating 1,300 costs a few milliseconds of regular expressions).
  const known = o.knownSlugs;
  const sameOrder = !!known && known.length === order.length && order.every((fid, i) => known[i]![0] === fieldKey(c.fields[fid]!));
  // The pages computed in full list their values' rules: filled at once (a restored interning has none yet).
  fillRuleLists(c, order.filter((fid) => full[fid]).flatMap((fid) => pageKeys[fid]!));
  const pages = order.map((fid, i): CatalogField => {
    const field = c.fields[fid]!;
    const slug = sameOrder ? known![i]![1] : slugs.allocate(field ?? 'any-field', fieldKey(field), 'field');
    if (!full[fid]) return { field, slug, count: pageCount[fid]!, byVendor: {}, ops: {}, writtenAs: [], techniques: [], rules: [], values: [] };
    const rules = pageRules[fid]!;
    const techs: number[] = [];
    for (const r of rules) {
      for (const t of techsOf(r)) {
        if (tStamp[t] !== fid) {
          tStamp[t] = fid;
          tCount[t] = 0;
          techs.push(t);
        }
        tCount[t]++;
      }
    }
    return {
      field,
      slug,
      count: rules.length,
      byVendor: vendorCounts(rules, prepared),
      ops: o.opsRecord(pageOps, fid * nOps),
      writtenAs: o.writtenAs(pageWritten[fid]!, writtenCount),
      techniques: techs.sort((a, b) => tCount[b]! - tCount[a]! || a - b).map((t) => ({ id: techIds[t]!, count: tCount[t]! })),
      rules: rules.slice().sort(o.ruleOrder),
      values: pageKeys[fid]!
        .sort((a, b) => nInd[b]! + nExcl[b]! - (nInd[a]! + nExcl[a]!) || a - b)
        .map((k) => {
          const ki = c.key(k);
          const row: CatalogField['values'][number] = { op: ki.op, value: ki.display, indicatorRules: ki.indRules, exclusionRules: ki.exclRules };
          if (ki.regex) row.regex = ki.regex;
          return row;
        }),
    };
  });
  if (!figuresWanted || !selected) return { pages };
  // The figures of the fields not computed in full (their rules by vendor, written names, and a `values`
  // list of the right length whose rows are holes), filled into their pages now or when asked for.
  const fillFigures = () => {
    const rulesOf: number[][] = new Array(nFields);
    const writtenOf: number[][] = new Array(nFields);
    for (let fid = 0; fid < nFields; fid++) if (!full[fid]) (rulesOf[fid] = []), (writtenOf[fid] = []);
    for (let r = 0; r < prepared.length; r++) {
      for (let j = uses.fieldOff[r]!; j < uses.fieldOff[r + 1]!; j++) {
        const fid = uses.fieldId[j]!;
        if (!full[fid]) rulesOf[fid]!.push(r);
      }
    }
    for (let w = 0; w < c.writtenField.length; w++) if (!full[c.writtenField[w]!]) writtenOf[c.writtenField[w]!]!.push(w);
    order.forEach((fid, i) => {
      if (full[fid]) return;
      const page = pages[i]!;
      page.byVendor = vendorCounts(rulesOf[fid]!, prepared);
      page.writtenAs = o.writtenAs(writtenOf[fid]!, writtenCount);
      page.values = new Array(valueCount[fid]!);
    });
  };
  if (figuresWanted === 'later') return { pages, fillFigures };
  fillFigures();
  return { pages };
}
