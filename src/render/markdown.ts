/**
 * The technique page in Markdown (`techniques/<ID>.md`, `ruleatlas technique
 * <ID> --format md`), following the reference page
 * (shared/spec/technique-page-example.md): header, events covered, authoring
 * guide (fields, indicator values with corpus reach, exclusions) and the rules
 * grouped by vendor. Rules are numbered (#1, #2...) in the final list and
 * every value row names the numbers of the rules behind it, which is how a
 * row "expands" in plain text.
 */
import type { Catalog, CatalogTechnique, ValueRow } from '../catalog/schema.js';
import { findTechnique, formatCount, opLabel, opsText, plural, rulesByVendor, techniqueTitle, vendorLabel } from './lookup.js';
import { mdCode, mdText } from './md.js';

export interface MarkdownOptions {
  /** Link rule titles to the site's rule pages (`../rules/<vendor>/<slug>.html`). Default false. */
  links?: boolean;
  /** Most rows per table (fields, indicators, exclusions). Default 100; 0 = all. */
  limit?: number;
  /** Most rule numbers listed per value row before "+N more". Default 12. */
  refsPerRow?: number;
}

function fieldCell(f: string | null): string {
  return f === null ? '*(any field)*' : mdCode(f);
}

function refs(row: ValueRow, numbers: Map<number, number>, max: number): string {
  // The first `max` numbers, and how many there are in all (no array of every number).
  let s = '';
  let count = 0;
  for (const k of row.rules) {
    const n = numbers.get(k);
    if (n === undefined) continue;
    if (count < max) s += count ? ` #${n}` : `#${n}`;
    count++;
  }
  if (count > max) s += s ? ` +${count - max} more` : `+${count - max} more`;
  return s;
}

function limited<T>(rows: T[], limit: number): T[] {
  return limit > 0 ? rows.slice(0, limit) : rows;
}

function moreNote(total: number, shown: number, what: string): string[] {
  return total > shown ? [``, `Showing the top ${formatCount(shown)} of ${formatCount(total)} distinct ${what}; each rule page lists all of its predicates.`] : [];
}

export function techniqueMarkdown(catalog: Catalog, t: CatalogTechnique, opts: MarkdownOptions = {}): string {
  const limit = opts.limit ?? 100;
  const maxRefs = opts.refsPerRow ?? 12;
  const numbers = new Map(t.rules.map((r, i) => [r.rule, i + 1]));
  const L: string[] = [];
  L.push(`# ${mdText(techniqueTitle(t))}`, '');
  const tactics = t.tactics.map((x) => x.name ?? x.id);
  L.push(`Tactic: ${tactics.length ? mdText(tactics.join(', ')) : '*(unknown)*'}${t.tacticsFrom === 'rules' && tactics.length ? ' *(from the rules’ tactic tags)*' : ''}`);
  if (t.known === false) L.push('', '**Unknown ATT&CK id** in the ATT&CK data given (a newer ATT&CK release, or a typo in the rules).');
  if (t.revokedBy) L.push('', `**Revoked** in ATT&CK: replaced by ${mdText(t.revokedBy)}.`);
  if (t.deprecated) L.push('', '**Deprecated** in ATT&CK.');
  if (t.scope === 'rollup') {
    L.push(
      '',
      `**Roll-up:** ${plural(t.ruleCount, 'rule')} tagged ${mdText(t.id)} or one of its sub-techniques (${t.subtechniques.map(mdText).join(', ')}); ${formatCount(t.directRuleCount)} tagged ${mdText(t.id)} itself.`,
    );
  }
  if (t.description) L.push('', t.description.trim());
  if (t.url) L.push('', `ATT&CK: <${t.url}>`);

  // Events
  L.push('', '## Events covered', '');
  const inCat = t.events.filter((e) => e.inCatalog !== false).length;
  if (t.events.length === 0) L.push('No rule under this technique names a catalog event.');
  else {
    const what = catalog.eventCatalog ? 'catalog event' : 'event';
    L.push(`${plural(inCat, what)} ${inCat === 1 ? 'is' : 'are'} covered by at least one rule under this technique${t.events.length > inCat ? ` (and ${formatCount(t.events.length - inCat)} not in the event catalog)` : ''}.`, '');
    L.push('| Provider | Event | Title | Rules |', '|---|---|---|---|');
    for (const e of t.events) L.push(`| ${mdText(e.provider)} | Event ID ${e.eventId} | ${e.title === null ? '' : mdText(e.title)} | ${e.count} |`);
  }

  // Authoring guide
  L.push('', '## Authoring guide', '');
  L.push(
    `Patterns shared across the ${plural(t.ruleCount, 'rule')} below: which fields they filter on, what specific values they look for, and what they exclude. Field names are canonical (ECS-based), so Sigma \`Image\`, Elastic \`process.name\` and Splunk \`Processes.process_name\` collapse into one row; a field the normalizer could not map keeps its written name. Each rule counts at most once per row.`,
  );

  L.push('', `### Fields filtered most (${formatCount(t.distinct.fields)} distinct)`, '');
  L.push('How: the operators used, with the number of rules using each. Sample values are the most used indicator values, not an exhaustive list.', '');
  if (t.fields.length) {
    L.push('| Field | Rules | How | Written as | Sample values |', '|---|---|---|---|---|');
    for (const f of limited(t.fields, limit)) {
      const written = f.writtenAs.map((w) => `${mdCode(w.name)} (${vendorLabel(w.vendor)} ${w.count})`).join(', ');
      const rules = f.exclusionRules && !f.indicatorRules ? `${f.count} (excluded only)` : String(f.count);
      L.push(`| ${fieldCell(f.field)} | ${rules} | ${opsText(f.ops)} | ${written} | ${f.samples.map((s) => mdCode(s)).join(', ')} |`);
    }
    L.push(...moreNote(t.distinct.fields, Math.min(limit || Infinity, t.fields.length), 'fields'));
  }

  const valueTable = (rows: ValueRow[]) => {
    L.push('| Field | Operator | Value | Rules | Corpus reach | Rule numbers |', '|---|---|---|---|---|---|');
    for (const r of limited(rows, limit)) {
      const reach = r.reach === r.count ? '' : String(r.reach);
      const cs = r.caseSensitive ? ` (case-sensitive in ${r.caseSensitive})` : '';
      L.push(`| ${fieldCell(r.field)} | ${mdText(opLabel(r.op, r.regex))} | ${r.op === 'exists' ? '' : mdCode(r.value)}${cs} | ${r.count} | ${reach} | ${refs(r, numbers, maxRefs)} |`);
    }
  };

  L.push('', `### Top indicator values (${formatCount(t.distinct.indicators)} distinct)`, '');
  L.push(
    'Specific (field, operator, value) combinations from the rules’ positive logic, ranked by how many rules under this technique use each one. Corpus reach counts the rules across the entire catalog (any technique) that use the same combination; high numbers point to widely used indicators that are noisy on their own. Blank means every rule using it is under this technique. Values compare case-folded when the rule compares case-insensitively; wildcard patterns compare in one canonical glob syntax.',
    '',
  );
  if (t.indicators.length) {
    valueTable(t.indicators);
    L.push(...moreNote(t.distinct.indicators, Math.min(limit || Infinity, t.indicators.length), 'indicator values'));
  }

  L.push('', `### Exclusions (${formatCount(t.distinct.exclusions)} distinct)`, '');
  L.push(
    'Field/operator/value combinations excluded by rules under this technique (top-level `not(...)` clauses, Elastic rule filters, Splunk top-level `!=`/`NOT`), sorted by how many rules exclude each: the false-positive paths the community has learned to filter out. Corpus reach counts the rules in the whole catalog excluding the same combination.',
    '',
  );
  if (t.exclusions.length) {
    valueTable(t.exclusions);
    L.push(...moreNote(t.distinct.exclusions, Math.min(limit || Infinity, t.exclusions.length), 'exclusions'));
  }

  // Rules
  L.push('', '## Rules under this technique', '');
  L.push('Every rule in the catalog tagged with this technique, grouped by vendor.');
  for (const g of rulesByVendor(catalog, t)) {
    L.push('', `### ${mdText(vendorLabel(g.vendor))} ${plural(g.rules.length, 'rule')}`, '');
    for (const { rule, via, n } of g.rules) {
      const title = mdText(rule.title || rule.id);
      const link = opts.links ? `[${title}](../rules/${rule.key}.html)` : title;
      const viaText = t.scope === 'rollup' ? ` — via ${via.map(mdText).join(', ')}` : '';
      const notes = [rule.kind !== 'detection' ? rule.kind : '', rule.status && rule.status !== 'production' && rule.status !== 'stable' ? rule.status : ''].filter(Boolean);
      const status = notes.length ? ` *(${mdText(notes.join(', '))})*` : '';
      L.push(`${n}. ${link}${status}${viaText}`);
    }
  }
  L.push('');
  return L.join('\n');
}

/** The Markdown page of technique `id` (case-insensitive), or null when the catalog has no such technique. */
export function renderTechniqueMarkdown(catalog: Catalog, id: string, opts: MarkdownOptions = {}): string | null {
  const t = findTechnique(catalog, id);
  return t ? techniqueMarkdown(catalog, t, opts) : null;
}
