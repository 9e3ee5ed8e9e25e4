/**
 * `buildCatalog`: aggregates normalized rules per ATT&CK technique.
 *
 * One pass over each rule's predicates (classify, intern the value keys),
 * then per technique one pass over its rules' precomputed distinct sets.
 * Everything is keyed by strings/ints in Maps: linear in the total size of
 * the rules times the number of technique pages each rule appears on.
 * Every count is over distinct rules. docs/catalog.md documents each figure.
 */
import type { PredicateOp, Rule } from '../ast/schema.js';
import { printNode, printQuery } from '../ast/print.js';
import type { AttackData } from '../attack/types.js';
import type { CatalogEvent } from '../events/types.js';
import { AttackInfo, normalizeTechniqueId, parentOf } from './attack-info.js';
import { classifyPredicates, opaqueParts, thresholds } from './classify.js';
import { fieldKey, valueIdentityParts } from './keys.js';
import {
  CATALOG_SCHEMA_VERSION,
  type Catalog,
  type CatalogField,
  type CatalogPredicate,
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
import { SlugAllocator } from './slug.js';

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

/** One interned (field, op, value) combination. */
interface KeyInfo {
  field: string | null;
  op: PredicateOp;
  regex?: { flags: string; anchored: boolean };
  /** Written forms and their uses, only once a second form shows up. */
  displays?: Map<string, number>;
  display: string;
  /** Rule indexes using it as indicator / as exclusion (each rule once). */
  indRules: number[];
  exclRules: number[];
  /** Some use compares case-insensitively (so the key is a case-folded value). */
  ci: boolean;
  /** Case-sensitive value: its folded form (same field and op), when it differs. */
  foldedNorm?: string;
}

interface FieldUse {
  fk: string;
  field: string | null;
  /** Distinct, in first-use order (a handful at most: arrays, not Sets). */
  ops: PredicateOp[];
  written: string[];
  indicator: boolean;
  exclusion: boolean;
}

interface KeyUse {
  k: number;
  cs: boolean;
}

interface Prepared {
  idx: number;
  rule: Rule;
  key: string;
  vendor: string;
  techniques: string[];
  tactics: string[];
  ind: KeyUse[];
  excl: KeyUse[];
  fields: FieldUse[];
  events: { ek: string; provider: string; eventId: number; channel?: string }[];
  out: CatalogRule;
  /** Parallel to out.predicates: interned key and role, to fill `reach`. */
  predKeys: number[];
}

const byStr = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function bump<K>(m: Map<K, number>, k: K, n = 1): void {
  m.set(k, (m.get(k) ?? 0) + n);
}

function vendorCounts(idxs: Iterable<number>, prepared: Prepared[]): VendorCounts {
  const out: Record<string, number> = {};
  for (const i of idxs) {
    const v = prepared[i]!.vendor;
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

export function buildCatalog(rules: readonly Rule[], options: BuildCatalogOptions = {}): Catalog {
  const info = new AttackInfo(options.attack);
  // (field, op, value) -> key id, as nested maps: no joined key string per predicate.
  const keys = new Map<string, Map<string, Map<string, number>>>();
  const keyMap = (fk: string, op: string): Map<string, number> => {
    let byOp = keys.get(fk);
    if (!byOp) keys.set(fk, (byOp = new Map()));
    let m = byOp.get(op);
    if (!m) byOp.set(op, (m = new Map()));
    return m;
  };
  const keyList: KeyInfo[] = [];
  const ruleSlugs = new Map<string, SlugAllocator>();
  const prepared: Prepared[] = [];
  // Per-rule dedupe of keys without per-rule Maps: the rule that last used key k as
  // indicator / exclusion, and its KeyUse (arrays grow with the key list).
  const indLast: number[] = [];
  const exclLast: number[] = [];
  const indUse: KeyUse[] = [];
  const exclUse: KeyUse[] = [];

  // ---- 1. Each rule once: slug, predicates classified and interned, fields, events.
  for (let idx = 0; idx < rules.length; idx++) {
    const rule = rules[idx]!;
    const vendor = String(rule.vendor);
    let alloc = ruleSlugs.get(vendor);
    if (!alloc) ruleSlugs.set(vendor, (alloc = new SlugAllocator()));
    const slug = alloc.allocate(rule.id ?? '', `${rule.path}\u0001${rule.id}\u0001${rule.line ?? ''}\u0001${idx}`, rule.title || 'rule');
    const key = `${vendor}/${slug}`;
    const techniques = [...new Set((rule.attack?.techniques ?? []).map(normalizeTechniqueId).filter(Boolean))];
    const tactics = [...new Set(rule.attack?.tactics ?? [])];

    const uses = classifyPredicates(rule.query);
    const ind: KeyUse[] = [];
    const excl: KeyUse[] = [];
    const fields = new Map<string, FieldUse>();
    const preds: CatalogPredicate[] = [];
    const predKeys: number[] = [];
    for (const { predicate: p, role } of uses) {
      const id = valueIdentityParts(p);
      const fk = fieldKey(id.field);
      const km = keyMap(fk, id.op);
      let k = km.get(id.norm);
      if (k === undefined) {
        k = keyList.length;
        km.set(id.norm, k);
        const ki: KeyInfo = { field: id.field, op: id.op, display: id.display, indRules: [], exclRules: [], ci: false };
        if (id.regex) ki.regex = id.regex;
        if (id.foldedNorm !== undefined) ki.foldedNorm = id.foldedNorm;
        keyList.push(ki);
        indLast.push(-1);
        exclLast.push(-1);
        indUse.push(undefined as unknown as KeyUse);
        exclUse.push(undefined as unknown as KeyUse);
      } else {
        const ki = keyList[k]!;
        if (ki.displays) bump(ki.displays, id.display);
        else if (ki.display !== id.display) ki.displays = new Map([[ki.display, ki.indRules.length + ki.exclRules.length + 1], [id.display, 1]]);
      }
      const ki = keyList[k]!;
      if (id.ci) ki.ci = true;
      const cs = p.caseSensitive && typeof p.value === 'string';
      if (role === 'indicator') {
        if (indLast[k] === idx) indUse[k]!.cs ||= cs;
        else {
          const nu = { k, cs };
          indLast[k] = idx;
          indUse[k] = nu;
          ind.push(nu);
          ki.indRules.push(idx);
        }
      } else if (role === 'exclusion') {
        if (exclLast[k] === idx) exclUse[k]!.cs ||= cs;
        else {
          const nu = { k, cs };
          exclLast[k] = idx;
          exclUse[k] = nu;
          excl.push(nu);
          ki.exclRules.push(idx);
        }
      }
      let fu = fields.get(fk);
      if (!fu) fields.set(fk, (fu = { fk, field: id.field, ops: [], written: [], indicator: false, exclusion: false }));
      if (!fu.ops.includes(id.op)) fu.ops.push(id.op);
      if (id.written !== null && !fu.written.includes(id.written)) fu.written.push(id.written);
      if (role === 'indicator') fu.indicator = true;
      else if (role === 'exclusion') fu.exclusion = true;

      const cp: CatalogPredicate = { field: id.field, op: id.op, value: id.display, role };
      if (id.written !== null && id.written !== id.field) cp.written = id.written;
      if (!id.mapped && id.field !== null) cp.unmapped = true;
      if (cs) cp.caseSensitive = true;
      if (id.regex) cp.regex = id.regex;
      if (p.vendorOp !== undefined) cp.vendorOp = p.vendorOp;
      if (p.raw !== undefined && p.raw !== id.display && p.raw !== p.value) cp.raw = p.raw;
      if (p.source?.line !== undefined) cp.line = p.source.line;
      preds.push(cp);
      predKeys.push(role === 'negated' ? -1 : k);
    }

    const evSeen = new Map<string, Prepared['events'][number]>();
    for (const e of rule.events ?? []) {
      const ek = eventKey(e.provider, e.eventId);
      if (!evSeen.has(ek)) evSeen.set(ek, e.channel ? { ek, provider: e.provider, eventId: e.eventId, channel: e.channel } : { ek, provider: e.provider, eventId: e.eventId });
    }

    const out: CatalogRule = {
      key,
      slug,
      id: rule.id ?? '',
      title: rule.title ?? '',
      vendor,
      language: String(rule.language),
      kind: String(rule.kind),
      path: rule.path ?? '',
      techniques,
      tactics,
      events: rule.events ?? [],
      logic: printQuery(rule.query),
      predicates: preds,
      thresholds: thresholds(rule.query),
      opaque: opaqueParts(rule.query),
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

    prepared.push({ idx, rule, key, vendor, techniques, tactics, ind, excl, fields: [...fields.values()], events: [...evSeen.values()], out, predKeys });
  }

  // ---- 1b. A case-sensitive value joins the case-insensitive row of its folded form, when
  // one exists (the case-insensitive use matches it). Rules are re-counted once per row.
  const alias = new Map<number, number>();
  for (let k = 0; k < keyList.length; k++) {
    const ki = keyList[k]!;
    if (ki.ci || ki.foldedNorm === undefined) continue;
    const t = keys.get(fieldKey(ki.field))?.get(ki.op)?.get(ki.foldedNorm);
    if (t !== undefined && t !== k && keyList[t]!.ci) alias.set(k, t);
  }
  if (alias.size) {
    for (const ki of keyList) {
      ki.indRules = [];
      ki.exclRules = [];
    }
    const remap = (list: KeyUse[]): KeyUse[] => {
      const seen = new Map<number, KeyUse>();
      for (const u of list) {
        const k = alias.get(u.k) ?? u.k;
        const prev = seen.get(k);
        if (prev) prev.cs ||= u.cs;
        else seen.set(k, { k, cs: u.cs });
      }
      return [...seen.values()];
    };
    for (const pr of prepared) {
      pr.ind = remap(pr.ind);
      pr.excl = remap(pr.excl);
      for (const u of pr.ind) keyList[u.k]!.indRules.push(pr.idx);
      for (const u of pr.excl) keyList[u.k]!.exclRules.push(pr.idx);
      for (let i = 0; i < pr.predKeys.length; i++) {
        const t = alias.get(pr.predKeys[i]!);
        if (t !== undefined) pr.predKeys[i] = t;
      }
    }
  }

  // Display form of each key: the most frequent written form (first seen on ties).
  for (const ki of keyList) {
    if (!ki.displays) continue;
    let best = -1;
    for (const [d, n] of ki.displays) {
      if (n > best) {
        best = n;
        ki.display = d;
      }
    }
  }
  // Corpus reach on each rule's predicates.
  for (const pr of prepared) {
    const preds = pr.out.predicates;
    for (let i = 0; i < preds.length; i++) {
      const k = pr.predKeys[i]!;
      if (k < 0) continue;
      const ki = keyList[k]!;
      preds[i]!.reach = preds[i]!.role === 'indicator' ? ki.indRules.length : ki.exclRules.length;
    }
  }

  // ---- 2. Technique membership: sub-techniques on their own, parents rolled up.
  const members = new Map<string, Map<number, string[]>>();
  const addMember = (tid: string, idx: number, via: string) => {
    let m = members.get(tid);
    if (!m) members.set(tid, (m = new Map()));
    const v = m.get(idx);
    if (!v) m.set(idx, [via]);
    else if (!v.includes(via)) v.push(via);
  };
  for (const pr of prepared) {
    for (const t of pr.techniques) {
      addMember(t, pr.idx, t);
      const parent = parentOf(t);
      if (parent) addMember(parent, pr.idx, t);
    }
  }

  // ---- 3. Event catalog index.
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

  const lowerTitles = prepared.map((p) => p.out.title.toLowerCase());
  const ruleOrderByText = (a: number, b: number) => {
    const pa = prepared[a]!;
    const pb = prepared[b]!;
    if (pa.vendor !== pb.vendor) return byStr(pa.vendor, pb.vendor);
    const ta = lowerTitles[a]!;
    const tb = lowerTitles[b]!;
    return ta < tb ? -1 : ta > tb ? 1 : a - b;
  };
  // The order is total (ties break by index): rank every rule once, then sorts compare integers.
  const ruleRank = new Int32Array(prepared.length);
  {
    const order = Array.from({ length: prepared.length }, (_, i) => i).sort(ruleOrderByText);
    for (let i = 0; i < order.length; i++) ruleRank[order[i]!] = i;
  }
  const ruleOrder = (a: number, b: number) => ruleRank[a]! - ruleRank[b]!;

  const rowLimit = options.rowLimit ?? DEFAULT_ROW_LIMIT;
  const top = <T>(rows: T[]): T[] => (rowLimit > 0 && rows.length > rowLimit ? rows.slice(0, rowLimit) : rows);
  // Per-technique value counting without per-key allocations: counters indexed by key id,
  // reset lazily by a technique stamp; rule lists are collected for the kept rows only.
  const nKeys = keyList.length;
  const stamp = new Int32Array(nKeys).fill(-1);
  const counts = new Int32Array(nKeys);
  const csCounts = new Int32Array(nKeys);
  const keep = new Int32Array(nKeys).fill(-1);
  let techStamp = 0;
  // Tie order (field, op, value) ranked once for all keys, so per-technique sorts compare integers.
  const tieRank = new Int32Array(nKeys);
  {
    const order = Array.from({ length: nKeys }, (_, i) => i);
    order.sort((a, b) => {
      const x = keyList[a]!;
      const y = keyList[b]!;
      return byStr(x.field ?? '', y.field ?? '') || byStr(x.op, y.op) || byStr(x.display, y.display) || a - b;
    });
    order.forEach((k, i) => (tieRank[k] = i));
  }
  const keyOrder = (a: number, b: number) => counts[b]! - counts[a]! || tieRank[a]! - tieRank[b]!;
  const valueRows = (idxs: number[], role: 'indicator' | 'exclusion'): { rows: ValueRow[]; distinct: number } => {
    const s = ++techStamp;
    const touched: number[] = [];
    for (const i of idxs) {
      for (const u of role === 'indicator' ? prepared[i]!.ind : prepared[i]!.excl) {
        if (stamp[u.k] !== s) {
          stamp[u.k] = s;
          counts[u.k] = 0;
          csCounts[u.k] = 0;
          touched.push(u.k);
        }
        counts[u.k]++;
        if (u.cs) csCounts[u.k]++;
      }
    }
    touched.sort(keyOrder);
    const kept = top(touched);
    const rows: ValueRow[] = kept.map((k, j) => {
      keep[k] = j; // row position; reset to -1 below
      const ki = keyList[k]!;
      const row: ValueRow = {
        field: ki.field,
        op: ki.op,
        value: ki.display,
        count: counts[k]!,
        caseSensitive: csCounts[k]!,
        reach: role === 'indicator' ? ki.indRules.length : ki.exclRules.length,
        rules: [],
      };
      if (ki.regex) row.regex = ki.regex;
      return row;
    });
    for (const i of idxs) {
      for (const u of role === 'indicator' ? prepared[i]!.ind : prepared[i]!.excl) {
        const j = keep[u.k]!;
        if (j >= 0) rows[j]!.rules.push(i);
      }
    }
    for (const k of touched) keep[k] = -1;
    return { rows, distinct: touched.length };
  };

  const eventRow = (ek: string, provider: string, eventId: number, channel: string | undefined, rs: number[]): EventRow => {
    const ce = eventIndex.get(ek);
    return {
      provider: ce?.provider ?? provider,
      providerShort: ce?.providerShort ?? null,
      eventId,
      channel: ce?.channel ?? channel ?? null,
      title: ce?.title ?? null,
      inCatalog: hasEventCatalog ? !!ce : null,
      count: rs.length,
      rules: rs,
    };
  };

  // ---- 4. Per-technique aggregation.
  const techniques: CatalogTechnique[] = [];
  const techSlugs = new SlugAllocator();
  for (const tid of [...members.keys()].sort(techniqueOrder)) {
    const m = members.get(tid)!;
    const idxs = [...m.keys()].sort(ruleOrder);
    const fieldAgg = new Map<
      string,
      { field: string | null; count: number; ind: number; excl: number; ops: Map<string, number>; written: Map<string, number> }
    >();
    const evAgg = new Map<string, { provider: string; eventId: number; channel?: string; rules: number[] }>();
    const ruleTactics = new Set<string>();
    let direct = 0;
    const subs = new Set<string>();
    for (const i of idxs) {
      const pr = prepared[i]!;
      const via = m.get(i)!;
      if (via.includes(tid)) direct++;
      for (const v of via) if (v !== tid) subs.add(v);
      for (const t of pr.tactics) ruleTactics.add(t);
      for (const f of pr.fields) {
        let a = fieldAgg.get(f.fk);
        if (!a) fieldAgg.set(f.fk, (a = { field: f.field, count: 0, ind: 0, excl: 0, ops: new Map(), written: new Map() }));
        a.count++;
        if (f.indicator) a.ind++;
        if (f.exclusion) a.excl++;
        for (const op of f.ops) bump(a.ops, op);
        for (const w of f.written) bump(a.written, pr.vendor + '\u0001' + w);
      }
      for (const e of pr.events) {
        let a = evAgg.get(e.ek);
        if (!a) evAgg.set(e.ek, (a = e.channel ? { provider: e.provider, eventId: e.eventId, channel: e.channel, rules: [] } : { provider: e.provider, eventId: e.eventId, rules: [] }));
        a.rules.push(i);
      }
    }
    const { rows: indicators, distinct: distinctInd } = valueRows(idxs, 'indicator');
    const { rows: exclusions, distinct: distinctExcl } = valueRows(idxs, 'exclusion');
    const samples = new Map<string, string[]>();
    // Samples come from the ranked rows, so they are the most used values (within the row limit).
    for (const r of indicators) {
      const fk = fieldKey(r.field);
      let s = samples.get(fk);
      if (!s) samples.set(fk, (s = []));
      if (s.length < 5 && r.op !== 'exists' && !s.includes(r.value)) s.push(r.value);
    }
    const fields: FieldRow[] = [...fieldAgg.entries()].map(([fk, a]) => ({
      field: a.field,
      count: a.count,
      indicatorRules: a.ind,
      exclusionRules: a.excl,
      ops: sortedRecord(Object.fromEntries(a.ops)),
      writtenAs: [...a.written]
        .map(([k, n]) => {
          const [vendor, name] = k.split('\u0001') as [string, string];
          return { vendor, name, count: n };
        })
        .sort((x, y) => y.count - x.count || byStr(x.vendor, y.vendor) || byStr(x.name, y.name)),
      samples: samples.get(fk) ?? [],
    }));
    fields.sort((x, y) => y.count - x.count || byStr(x.field ?? '', y.field ?? ''));
    const distinct = { events: evAgg.size, fields: fields.length, indicators: distinctInd, exclusions: distinctExcl };
    const events = [...evAgg.entries()]
      .map(([ek, a]) => eventRow(ek, a.provider, a.eventId, a.channel, a.rules))
      .sort((x, y) => y.count - x.count || byStr(x.provider, y.provider) || x.eventId - y.eventId);

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
      const seen = new Map<string, TacticRef>();
      for (const t of [...ruleTactics].sort(byStr)) {
        const ref = info.tactic(t);
        if (!seen.has(ref.id)) seen.set(ref.id, ref);
      }
      tactics = [...seen.values()];
      tacticsFrom = 'rules';
    }
    const validId = /^T\d{4}(\.\d{3})?$/.test(tid);
    techniques.push({
      id: tid,
      slug: techSlugs.allocate(tid, tid, 'technique'),
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
      rules: idxs.map((i) => ({ rule: i, via: m.get(i)!.slice().sort(byStr) })),
      distinct,
      events,
      fields: top(fields),
      indicators,
      exclusions,
    });
  }
  const techById = new Map(techniques.map((t) => [t.id, t]));

  // ---- 5. Catalog-wide field pages.
  const fieldPages = new Map<
    string,
    {
      field: string | null;
      rules: number[];
      ops: Map<string, number>;
      written: Map<string, number>;
      techniques: Map<string, number>;
      values: Map<number, { ind: number[]; excl: number[] }>;
    }
  >();
  const fieldPage = (fk: string, field: string | null) => {
    let f = fieldPages.get(fk);
    if (!f) fieldPages.set(fk, (f = { field, rules: [], ops: new Map(), written: new Map(), techniques: new Map(), values: new Map() }));
    return f;
  };
  for (const pr of prepared) {
    for (const fu of pr.fields) {
      const f = fieldPage(fu.fk, fu.field);
      f.rules.push(pr.idx);
      for (const op of fu.ops) bump(f.ops, op);
      for (const w of fu.written) bump(f.written, pr.vendor + '\u0001' + w);
      for (const t of pr.techniques) bump(f.techniques, t);
    }
    for (const [list, isInd] of [
      [pr.ind, true],
      [pr.excl, false],
    ] as const) {
      for (const u of list) {
        const ki = keyList[u.k]!;
        const f = fieldPage(fieldKey(ki.field), ki.field);
        let v = f.values.get(u.k);
        if (!v) f.values.set(u.k, (v = { ind: [], excl: [] }));
        (isInd ? v.ind : v.excl).push(pr.idx);
      }
    }
  }
  const fieldSlugs = new SlugAllocator(['index']); // fields/index.html is the field list
  const fields: CatalogField[] = [...fieldPages.values()]
    .sort((a, b) => b.rules.length - a.rules.length || byStr(a.field ?? '', b.field ?? ''))
    .map((f) => ({
      field: f.field,
      slug: fieldSlugs.allocate(f.field ?? 'any-field', fieldKey(f.field), 'field'),
      count: f.rules.length,
      byVendor: vendorCounts(f.rules, prepared),
      ops: sortedRecord(Object.fromEntries(f.ops)),
      writtenAs: [...f.written]
        .map(([k, n]) => {
          const [vendor, name] = k.split('\u0001') as [string, string];
          return { vendor, name, count: n };
        })
        .sort((x, y) => y.count - x.count || byStr(x.vendor, y.vendor) || byStr(x.name, y.name)),
      techniques: [...f.techniques].map(([id, count]) => ({ id, count })).sort((x, y) => y.count - x.count || techniqueOrder(x.id, y.id)),
      rules: f.rules.slice().sort(ruleOrder),
      values: [...f.values]
        .sort((x, y) => y[1].ind.length + y[1].excl.length - (x[1].ind.length + x[1].excl.length) || x[0] - y[0])
        .map(([k, v]) => {
          const ki = keyList[k]!;
          const row: CatalogField['values'][number] = {
            op: ki.op,
            value: ki.display,
            indicatorRules: v.ind,
            exclusionRules: v.excl,
          };
          if (ki.regex) row.regex = ki.regex;
          return row;
        }),
    }));

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
  const column = (tactic: TacticRef, cells: MatrixCell[]): MatrixColumn => {
    const rs = new Set<number>();
    for (const c of cells) {
      for (const i of members.get(c.id)?.keys() ?? []) rs.add(i);
      for (const s of c.subtechniques) for (const i of members.get(s.id)?.keys() ?? []) rs.add(i);
    }
    return { tactic, ruleCount: rs.size, byVendor: vendorCounts(rs, prepared), techniques: cells };
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
  for (const pr of prepared) {
    const r = pr.out;
    byVendor[r.vendor] = (byVendor[r.vendor] ?? 0) + 1;
    const bl = (byLanguage[r.vendor] ??= {});
    bl[r.language] = (bl[r.language] ?? 0) + 1;
    byKind[r.kind] = (byKind[r.kind] ?? 0) + 1;
    if (r.techniques.length) withTechniques++;
    if (r.diagnostics.some((d) => d.severity === 'error')) withErrors++;
    if (r.opaque.length) withOpaque++;
    predicateCount += r.predicates.length;
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

  return {
    schemaVersion: CATALOG_SCHEMA_VERSION,
    generator: 'ruleatlas',
    attack: options.attack ? { version: options.attack.version } : null,
    rowLimit,
    eventCatalog: options.events ? { events: options.events.length } : null,
    summary,
    matrix,
    unplaced,
    techniques,
    rules: prepared.map((p) => p.out),
    fields,
  };
}
