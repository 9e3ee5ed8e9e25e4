/** Building unified `Rule`s from a security_content detection YAML or a savedsearches.conf stanza. */
import { setOwn } from '../../core/objects.js';
import { exactSize, pushAll } from '../../core/arrays.js';
import type { Diagnostic, Rule } from '../../ast/schema.js';
import { diagAt } from '../../core/diagnostics.js';
import type { Limits } from '../../core/limits.js';
import type { SourceFile } from '../../core/source-file.js';
import { parseYaml } from '../../formats/yaml.js';
import { analyzeSearch } from './analyze.js';
import { parseConf } from './conf.js';
import { dataSourceEvents } from './data-source.js';
import { confValueLocator, yamlScalarLocator } from './locate.js';
import type { SplunkState } from './state.js';

const TECHNIQUE = /^T\d{4}(\.\d{3})?$/i;
const TECHNIQUE_ANY = /\bT\d{4}(?:\.\d{3})?\b/g;

function techniquesOf(raw: string[]): string[] {
  const out: string[] = [];
  for (const r of raw) {
    const t = r.trim().toUpperCase();
    if (TECHNIQUE.test(t) && !out.includes(t)) out.push(t);
  }
  return out;
}

function strings(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((x) => x !== null && x !== undefined).map(String);
  if (typeof v === 'string') return [v];
  return [];
}

/** The per-detection hook macro name contentctl generates: lower-case, every non [a-z0-9] -> `_`. */
export function filterMacroName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '_') + '_filter';
}

/** `^key:` per key, and the start of the next top-level line (compiled once). */
const KEY_RE = new Map<string, RegExp>();
const NEXT_TOP = /\n(?=[^\s#-]|---|\.\.\.)/g;

/**
 * Offset of a top-level key's value in a single-document YAML file (`key:` at
 * the start of a line). Detection files are large (6 MB for the corpus) and
 * only a few offsets are needed, so the YAML is parsed without the position
 * tree and the offsets are found in the text.
 */
function topKeyValue(text: string, key: string, from: number, to: number): { start: number; end: number } | undefined {
  let re = KEY_RE.get(key);
  if (!re) KEY_RE.set(key, (re = new RegExp(`^${key}:[ \t]*`, 'gm')));
  re.lastIndex = from;
  const m = re.exec(text);
  if (!m || m.index >= to) return undefined;
  const start = m.index + m[0].length;
  // The value ends at the next line that starts a top-level key, a comment, or a document marker.
  const next = NEXT_TOP;
  next.lastIndex = start;
  const n = next.exec(text);
  let end = n && n.index < to ? n.index : to;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  return { start, end };
}

export function parseDetectionYaml(file: SourceFile, state: SplunkState, limits: Limits): { rules: Rule[]; diagnostics: Diagnostic[] } {
  const { documents, diagnostics } = parseYaml(file, limits, false);
  const rules: Rule[] = [];
  const fileDiags = [...diagnostics];
  for (const doc of documents) {
    const v = doc.value as Record<string, unknown> | null;
    if (!v || typeof v !== 'object' || Array.isArray(v)) {
      if (v !== null && v !== undefined) fileDiags.push(diagAt(file, 'error', 'splunk.detection.invalid', 'a detection must be a YAML mapping', doc.start));
      continue;
    }
    const diags: Diagnostic[] = [];
    const at = (key: string) => topKeyValue(file.text, key, doc.start, doc.end)?.start ?? doc.start;
    const name = typeof v.name === 'string' ? v.name : '';
    if (!name) diags.push(diagAt(file, 'error', 'splunk.detection.field', 'detection has no `name`', doc.start, undefined, ['name']));
    const id = v.id !== undefined && v.id !== null ? String(v.id) : '';
    if (!id) diags.push(diagAt(file, 'warning', 'splunk.detection.field', 'detection has no `id`; the name is used', doc.start, undefined, ['id']));
    const tags = (v.tags && typeof v.tags === 'object' && !Array.isArray(v.tags) ? v.tags : {}) as Record<string, unknown>;
    const attackRaw = strings(tags.mitre_attack_id);
    for (const r of attackRaw) if (!TECHNIQUE.test(r.trim())) diags.push(diagAt(file, 'warning', 'splunk.attack.invalid', `not an ATT&CK technique id: ${r}`, at('tags')));
    const dataSources = strings(v.data_source ?? v.data_sources);
    const dsEvents = dataSources.flatMap((d) => dataSourceEvents(d, state.dataSources)).map(({ provider, eventId, channel, dataSource }) => ({ provider, eventId, ...(channel ? { channel } : {}), dataSource }));
    const search = v.search;
    const metadata: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(v)) {
      if (['name', 'id', 'description', 'type', 'status', 'search', 'author', 'references', 'known_false_positives'].includes(k)) continue;
      setOwn(metadata, k, val);
    }
    metadata.analyticStories = strings(tags.analytic_story);
    metadata.dataSourceEvents = dsEvents.map(({ provider, eventId, channel }) => ({ provider, eventId, ...(channel ? { channel } : {}) }));
    const rule: Rule = {
      id: id || name,
      title: name,
      vendor: 'splunk',
      language: 'spl',
      kind: 'detection',
      path: file.path,
      line: file.position(doc.start).line,
      attack: { techniques: techniquesOf(attackRaw), tactics: [], raw: attackRaw },
      logsource: { dataSources },
      query: { kind: 'none', reason: 'no search' },
      metadata,
      diagnostics: diags,
    };
    if (typeof v.description === 'string') rule.description = v.description;
    if (typeof v.type === 'string') rule.ruleType = v.type;
    if (typeof v.status === 'string') rule.status = v.status;
    if (typeof v.author === 'string') rule.authors = exactSize(v.author.split(/\s*,\s*/).filter(Boolean));
    const refs = strings(v.references);
    if (refs.length) rule.references = refs;
    const fps = strings(v.known_false_positives);
    if (fps.length) rule.falsePositives = fps;
    if (typeof tags.risk_score === 'number') rule.riskScore = tags.risk_score;
    if (typeof search !== 'string') {
      diags.push(diagAt(file, 'error', 'splunk.detection.field', 'detection has no string `search`', doc.start, undefined, ['search']));
    } else {
      const pos = topKeyValue(file.text, 'search', doc.start, doc.end);
      const locate = pos ? yamlScalarLocator(file.text, pos.start, pos.end, search) : () => doc.start;
      applySearch(rule, search, state, limits, file, locate);
      if (name && !search.includes(filterMacroName(name))) diags.push(diagAt(file, 'info', 'splunk.detection.no-filter-macro', `search does not call the \`${filterMacroName(name)}\` hook`, pos?.start ?? doc.start));
    }
    rules.push(rule);
  }
  return { rules, diagnostics: fileDiags };
}

function applySearch(rule: Rule, search: string, state: SplunkState, limits: Limits, file: SourceFile, locate: (o: number) => number): void {
  const a = analyzeSearch(search, { state, limits, file, locate, ...(rule.ruleType ? { ruleType: rule.ruleType } : {}) });
  rule.queryText = search;
  rule.query = a.query;
  if (a.sourceMacros.length) rule.logsource.sourceMacros = a.sourceMacros;
  if (a.selection) rule.logsource.selection = a.selection;
  pushAll(rule.diagnostics, a.diagnostics);
  const splunk: Record<string, unknown> = { macros: a.macros, commands: a.commands };
  if (a.datamodel) splunk.datamodel = a.datamodel;
  if (Object.keys(a.timeBounds).length) splunk.timeBounds = a.timeBounds;
  if (a.unmodelled.length) splunk.unmodelled = a.unmodelled;
  if (a.riskFilter) splunk.riskFilter = a.riskFilter;
  rule.metadata.splunk = splunk;
}

/** savedsearches.conf: one rule per stanza with a `search`. */
export function parseSavedSearches(file: SourceFile, state: SplunkState, limits: Limits): { rules: Rule[]; diagnostics: Diagnostic[] } {
  const rules: Rule[] = [];
  for (const st of parseConf(file.text)) {
    const search = st.entries.get('search');
    if (!search || st.name === 'default') continue;
    const diags: Diagnostic[] = [];
    const metadata: Record<string, unknown> = {};
    for (const [k, e] of st.entries) if (k !== 'search') setOwn(metadata, k, e.value);
    // ATT&CK ids: the annotations JSON (ES correlation searches, ESCU), then the title.
    const raw: string[] = [];
    const annotations = st.entries.get('action.correlationsearch.annotations')?.value;
    if (annotations) {
      try {
        const j = JSON.parse(annotations) as Record<string, unknown>;
        for (const t of strings(j.mitre_attack)) raw.push(t);
      } catch {
        diags.push(diagAt(file, 'warning', 'splunk.conf.annotations', 'action.correlationsearch.annotations is not valid JSON', st.entries.get('action.correlationsearch.annotations')!.offset));
        for (const m of annotations.matchAll(TECHNIQUE_ANY)) raw.push(m[0]);
      }
    }
    for (const key of ['action.escu.mitre_attack', 'mitre_attack']) {
      const v = st.entries.get(key)?.value;
      if (v) for (const m of v.matchAll(TECHNIQUE_ANY)) raw.push(m[0]);
    }
    if (raw.length === 0) for (const m of st.name.matchAll(TECHNIQUE_ANY)) raw.push(m[0]);
    const dsRaw = st.entries.get('action.escu.data_source')?.value;
    let dataSources: string[] = [];
    if (dsRaw) {
      try {
        dataSources = strings(JSON.parse(dsRaw));
      } catch {
        dataSources = dsRaw.split(',').map((s) => s.trim()).filter(Boolean);
      }
    }
    const events = dataSources.flatMap((d) => dataSourceEvents(d, state.dataSources));
    metadata.dataSourceEvents = events.map(({ provider, eventId, channel }) => ({ provider, eventId, ...(channel ? { channel } : {}) }));
    const rule: Rule = {
      id: st.entries.get('action.escu.rule_id')?.value ?? st.entries.get('id')?.value ?? st.name,
      title: st.name,
      vendor: 'splunk',
      language: 'spl',
      kind: 'detection',
      path: file.path,
      line: file.position(st.offset).line,
      attack: { techniques: techniquesOf(raw), tactics: [], raw },
      logsource: dataSources.length ? { dataSources } : {},
      query: { kind: 'none', reason: 'no search' },
      metadata,
      diagnostics: diags,
    };
    const desc = st.entries.get('description')?.value;
    if (desc) rule.description = desc;
    const type = st.entries.get('action.escu.analytic_type')?.value;
    if (type) rule.ruleType = type;
    const disabled = st.entries.get('disabled')?.value;
    if (disabled !== undefined) rule.status = /^(1|true)$/i.test(disabled.trim()) ? 'disabled' : 'enabled';
    applySearch(rule, search.value, state, limits, file, confValueLocator(file.text, search.offset, search.value));
    rules.push(rule);
  }
  return { rules, diagnostics: [] };
}
