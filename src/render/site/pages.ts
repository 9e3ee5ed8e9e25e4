/**
 * The pages of the static site, built as strings with the escaping `html`
 * template (src/render/escape.ts). No page embeds more than it shows: the
 * index holds the matrix and summary, the search data lives in its own .js
 * file, and each technique / rule / field has its own page.
 */
import type { Catalog, CatalogField, CatalogRule, CatalogTechnique, EventRow, MatrixCell, ValueRow } from '../../catalog/schema.js';
import { type Html, type HtmlOut, type HtmlValue, flat, html, join, safeHttpUrl } from '../escape.js';
import { type CatalogLookup, fieldLookupKey, formatCount, type ListedRule, lookup, opLabel, opsText, plural, rulesByVendor, techniqueTitle, vendorLabel } from '../lookup.js';
import { page, pageBytes, rootOf } from './layout.js';

const VENDOR_SHORT: Record<string, string> = { sigma: 'sig', elastic: 'ela', splunk: 'spl' };

function heat(n: number, max: number): string {
  if (n <= 0) return 'h0';
  if (max <= 1) return 'h3';
  return 'h' + (1 + Math.min(4, Math.floor((4 * Math.log(n)) / Math.log(max))));
}

function vendorLine(byVendor: Record<string, number>): string {
  return Object.entries(byVendor)
    .map(([v, n]) => `${VENDOR_SHORT[v] ?? v} ${n}`)
    .join(' · ');
}

function fieldName(f: string | null): string {
  return f === null ? '(any field)' : f;
}

/** Context a page needs to make links: depth below the root, the catalog's indexes, the link cache. */
interface Ctx {
  catalog: Catalog;
  root: string;
  lk: CatalogLookup;
  lc: LinkCache;
}

/**
 * Markup repeated on many pages (a rule's link and list item, a field's link), made and
 * escaped once per catalog and page depth: the same few thousand rules are listed hundreds
 * of thousands of times across the site.
 */
interface LinkCache {
  ruleLinks: (Html | undefined)[];
  ruleItems: (Html | undefined)[];
  fieldLinks: Map<string | null, Html>;
}
const linkCaches = new WeakMap<Catalog, Map<string, LinkCache>>();

function ctx(catalog: Catalog, depth: number): Ctx {
  const root = rootOf(depth);
  let byRoot = linkCaches.get(catalog);
  if (!byRoot) linkCaches.set(catalog, (byRoot = new Map()));
  let lc = byRoot.get(root);
  if (!lc) byRoot.set(root, (lc = { ruleLinks: [], ruleItems: [], fieldLinks: new Map() }));
  return { catalog, root, lk: lookup(catalog), lc };
}

/**
 * A rule's link, the only place a page other than the rule's own shows the
 * rule's title: a retitled rule's pages are patched by these bytes
 * (`ruleLinkMarkup`, src/incremental/retitle.ts).
 */
function linkTo(root: string, r: Pick<ListedRule, 'key' | 'title' | 'id'>): Html {
  return html`<a href="${root}rules/${r.key}.html">${r.title || r.id}</a>`;
}

/** The markup of a rule's link on the pages at `depth` (field and technique pages: 1). */
export function ruleLinkMarkup(depth: number, r: Pick<ListedRule, 'key' | 'title' | 'id'>): string {
  return linkTo(rootOf(depth), r).value;
}

function ruleLink(c: Ctx, index: number): Html {
  let l = c.lc.ruleLinks[index];
  if (!l) {
    const r = c.catalog.rules[index];
    l = r ? linkTo(c.root, r) : html`<span class="muted">rule #${index}</span>`;
    if (Number.isInteger(index) && index >= 0 && index < c.catalog.rules.length) c.lc.ruleLinks[index] = l;
  }
  return l;
}

/** `<li>` of a rule in an expanded row. */
function ruleItem(c: Ctx, index: number): Html {
  let s = c.lc.ruleItems[index];
  if (s === undefined) {
    const r = c.catalog.rules[index];
    s = flat(html`<li>${ruleLink(c, index)}${r ? html` <span class="muted">${vendorLabel(r.vendor)}</span>` : ''}</li>`);
    if (Number.isInteger(index) && index >= 0 && index < c.catalog.rules.length) c.lc.ruleItems[index] = s;
  }
  return s;
}

function techLink(c: Ctx, id: string, text?: string): Html {
  const t = c.lk.techniques.get(id.toUpperCase());
  if (!t) return html`<span>${text ?? id}</span>`;
  return html`<a href="${c.root}techniques/${t.slug}.html">${text ?? id}</a>`;
}

function fieldLink(c: Ctx, field: string | null): Html {
  let l = c.lc.fieldLinks.get(field);
  if (!l) {
    const f = c.lk.fields.get(fieldLookupKey(field));
    const label = fieldName(field);
    l = flat(f ? html`<a href="${c.root}fields/${f.slug}.html"><code>${label}</code></a>` : html`<code>${label}</code>`);
    c.lc.fieldLinks.set(field, l);
  }
  return l;
}

function valueCell(op: string, value: string): Html {
  if (op === 'exists') return html`<span class="muted">(present)</span>`;
  if (value === '') return html`<span class="muted">(empty)</span>`;
  return html`<span class="v">${value}</span>`;
}

/** Most rules listed in one expanded row; the rest are counted (pages stay small on the full corpus). */
const MAX_LISTED = 100;

function ruleList(c: Ctx, idxs: readonly number[], more?: Html): Html {
  const shown = idxs.length > MAX_LISTED ? idxs.slice(0, MAX_LISTED) : idxs;
  return html`<ul>${join(shown.map((i) => ruleItem(c, i)), '')}${idxs.length > shown.length ? html`<li class="muted">and ${formatCount(idxs.length - shown.length)} more${more ? html` (${more})` : ''}</li>` : ''}</ul>`;
}

function externalLink(url: string): Html {
  const safe = safeHttpUrl(url);
  return safe ? html`<a href="${safe}" rel="noopener noreferrer nofollow">${url}</a>` : html`<span>${url}</span>`;
}

function description(text: string): Html {
  return join(
    text
      .trim()
      .split(/\n\s*\n/)
      .map((p) => html`<p>${p}</p>`),
    '\n',
  );
}

// ---------------------------------------------------------------- index

function matrixCell(c: Ctx, cell: MatrixCell, max: number): Html {
  const label = cell.name ? `${cell.id} ${cell.name}` : cell.id;
  const subs = cell.subtechniques.filter((s) => s.ruleCount > 0);
  const cellBody = html`<span class="cnt">${cell.ruleCount || ''}</span>${label}${cell.ruleCount ? html`<span class="vend">${vendorLine(cell.byVendor)}</span>` : ''}`;
  const main = cell.ruleCount
    ? html`<a class="cell ${heat(cell.ruleCount, max)}" href="techniques/${lookup(c.catalog).techniques.get(cell.id)?.slug ?? ''}.html" title="${label}">${cellBody}</a>`
    : html`<span class="cell h0" title="${label}">${cellBody}</span>`;
  if (!subs.length) return main;
  return html`${main}<details class="subs"><summary>${plural(subs.length, 'sub-technique')} with rules</summary>${subs.map((s) => {
    const t = lookup(c.catalog).techniques.get(s.id);
    const sl = s.name ? `${s.id} ${s.name}` : s.id;
    return html`<a class="cell ${heat(s.ruleCount, max)}" href="techniques/${t?.slug ?? ''}.html" title="${sl}"><span class="cnt">${s.ruleCount}</span>${sl}<span class="vend">${vendorLine(s.byVendor)}</span></a>`;
  })}</details>`;
}

export function indexPage(catalog: Catalog): string {
  const c = ctx(catalog, 0);
  const s = catalog.summary;
  let max = 1;
  for (const col of catalog.matrix) for (const t of col.techniques) max = Math.max(max, t.ruleCount, ...t.subtechniques.map((x) => x.ruleCount));
  const vendors = Object.keys(s.byVendor);
  const corpus = s.corpus;
  const langRows: Html[] = [];
  for (const [v, langs] of Object.entries(s.byLanguage)) for (const [l, n] of Object.entries(langs)) langRows.push(html`<tr><td>${vendorLabel(v)}</td><td>${l}</td><td class="n">${formatCount(n)}</td></tr>`);

  const body = html`
<h1>Detection rules by ATT&amp;CK technique</h1>
<p class="note">${formatCount(s.rules)} rules (${vendors.map((v) => `${vendorLabel(v)} ${formatCount(s.byVendor[v]!)}`).join(', ')}) covering ${plural(s.techniques, 'technique')} and sub-technique${s.techniques === 1 ? '' : 's'}${catalog.attack ? html`, ATT&amp;CK data ${catalog.attack.version}` : ' (no ATT&CK data given: ids only)'}.</p>

<section id="search">
<h2>Search</h2>
<p class="note">Techniques (id, name), rules (title, id), fields and field values. Several words must all match.</p>
<input id="q" type="search" placeholder="e.g. T1059.001, mimikatz, process.command_line, lsass" autocomplete="off" aria-label="Search">
<div id="results" aria-live="polite"></div>
</section>

<section id="matrix">
<h2>ATT&amp;CK matrix</h2>
<p class="note">Distinct rules per technique (a parent counts the rules tagged with it or any of its sub-techniques), per vendor below the name: ${vendors.map((v) => `${VENDOR_SHORT[v] ?? v} = ${vendorLabel(v)}`).join(', ')}. Column headers count the distinct rules under the tactic.</p>
<p class="legend muted">Fewer rules <span class="h1">&nbsp;</span><span class="h2">&nbsp;</span><span class="h3">&nbsp;</span><span class="h4">&nbsp;</span><span class="h5">&nbsp;</span> more rules (log scale, max ${max}).</p>
<div class="matrix">${catalog.matrix.map(
    (col) => html`<div class="col"><h3>${col.tactic.name ?? col.tactic.id} <span class="muted">${col.ruleCount}</span></h3>${col.techniques.map((t) => matrixCell(c, t, max))}</div>`,
  )}</div>
${catalog.unplaced.length ? html`<h3>Techniques outside the matrix</h3><p class="note">Unknown in the ATT&amp;CK data given (newer release or typo), revoked, deprecated, or without a known tactic.</p><ul>${catalog.unplaced.map((id) => {
    const t = lookup(catalog).techniques.get(id)!;
    const why = t.revokedBy ? `revoked, replaced by ${t.revokedBy}` : t.deprecated ? 'deprecated' : t.known === false ? 'unknown id' : 'no tactic known';
    return html`<li>${techLink(c, id)} — ${plural(t.ruleCount, 'rule')} <span class="muted">(${why})</span></li>`;
  })}</ul>` : ''}
</section>

<section id="summary">
<h2>Corpus</h2>
<table><tr><th>Vendor</th><th>Language</th><th>Rules</th></tr>${langRows}</table>
<table>
<tr><th>Rules</th><td class="n">${formatCount(s.rules)}</td></tr>
<tr><th>Rules with technique tags</th><td class="n">${formatCount(s.withTechniques)}</td></tr>
<tr><th>Rules without technique tags</th><td class="n">${formatCount(s.withoutTechniques)}</td></tr>
<tr><th>Rules with an error diagnostic (failed or partly parsed)</th><td class="n">${formatCount(s.withErrors)}</td></tr>
<tr><th>Rules with opaque parts</th><td class="n">${formatCount(s.withOpaque)}</td></tr>
<tr><th>Predicates</th><td class="n">${formatCount(s.predicates)}</td></tr>
<tr><th>Distinct fields</th><td class="n"><a href="fields/index.html">${formatCount(s.fields)}</a></td></tr>
${Object.entries(s.byKind).map(([k, n]) => html`<tr><th>Kind: ${k}</th><td class="n">${formatCount(n)}</td></tr>`)}
</table>
${corpus ? html`<h3>Loader</h3><table>
<tr><th>Files read</th><td class="n">${formatCount(corpus.files)}</td></tr>
${corpus.ruleFiles !== undefined ? html`<tr><th>Rule files</th><td class="n">${formatCount(corpus.ruleFiles)}</td></tr>` : ''}
${corpus.supportFiles !== undefined ? html`<tr><th>Supporting files</th><td class="n">${formatCount(corpus.supportFiles)}</td></tr>` : ''}
<tr><th>Parse failures</th><td class="n">${formatCount(corpus.failures)}</td></tr>
${Object.entries(corpus.failuresByVendor ?? {}).map(([v, n]) => html`<tr><th>Failures: ${vendorLabel(v)}</th><td class="n">${formatCount(n)}</td></tr>`)}
${corpus.durationMs !== undefined ? html`<tr><th>Load time</th><td class="n">${Math.round(corpus.durationMs)} ms</td></tr>` : ''}
</table>
${corpus.failed?.length ? html`<details><summary>${plural(corpus.failed.length, 'failure')}</summary><table><tr><th>Path</th><th>Code</th><th>Message</th></tr>${corpus.failed.map(
      (f) => html`<tr><td><code>${f.path}${f.line !== undefined ? `:${f.line}` : ''}${f.column !== undefined ? `:${f.column}` : ''}</code></td><td><code>${f.code}</code></td><td>${f.message}</td></tr>`,
    )}</table></details>` : ''}` : ''}
</section>`;
  return page({ title: 'ATT&CK catalog', depth: 0, body, scripts: ['assets/search.js'] });
}

// ---------------------------------------------------------------- technique

function eventsTable(events: EventRow[]): Html {
  return html`<table><tr><th>Provider</th><th>Event</th><th>Title</th><th>Rules</th></tr>${events.map(
    (e) => html`<tr><td>${e.provider}</td><td>Event ID ${e.eventId}</td><td>${e.title ?? ''}${e.inCatalog === false ? html` <span class="muted">(not in the event catalog)</span>` : ''}</td><td class="n">${e.count}</td></tr>`,
  )}</table>`;
}

/** Rows of a technique's indicator or exclusion table, streamed one by one. */
function valueTableTo(out: HtmlOut, c: Ctx, rows: ValueRow[], verb: string): void {
  out.add(html`<table class="values"><tr><th>Field</th><th>Operator</th><th>Value (click for the rules)</th><th>Rules</th><th>Corpus reach</th></tr>`);
  for (const r of rows) {
    out.add(
      html`<tr><td>${fieldLink(c, r.field)}</td><td>${opLabel(r.op, r.regex)}</td><td><details><summary>${valueCell(r.op, r.value)}${r.caseSensitive ? html` <span class="muted">case-sensitive in ${r.caseSensitive}</span>` : ''}</summary><div class="muted">${plural(r.count, 'rule')} under this technique ${verb}:</div>${ruleList(c, r.rules)}</details></td><td class="n">${r.count}</td><td class="n">${r.reach === r.count ? '' : r.reach}</td></tr>`,
    );
  }
  out.add(TABLE_END);
}

const TABLE_END = html`</table>`;

function shownNote(shown: number, total: number): Html | '' {
  return total > shown ? html`<p class="note">The top ${formatCount(shown)} of ${formatCount(total)} distinct combinations; each rule page lists all of its predicates.</p>` : '';
}

export function techniquePage(catalog: Catalog, t: CatalogTechnique): string {
  return Buffer.concat(techniquePageBytes(catalog, t)).toString();
}

/** The technique page as UTF-8 chunks. */
export function techniquePageBytes(catalog: Catalog, t: CatalogTechnique): Buffer[] {
  return pageBytes({ title: techniqueTitle(t), depth: 1 }, (out) => techniqueBody(out, catalog, t));
}

function techniqueBody(out: HtmlOut, catalog: Catalog, t: CatalogTechnique): void {
  const c = ctx(catalog, 1);
  const inCat = t.events.filter((e) => e.inCatalog !== false).length;
  out.add(html`
<h1>${techniqueTitle(t)}</h1>
<p>Tactic: ${t.tactics.length ? join(t.tactics.map((x) => html`<span class="tag">${x.name ?? x.id}</span>`), ' ') : html`<span class="muted">unknown</span>`}${t.tacticsFrom === 'rules' && t.tactics.length ? html` <span class="muted">(from the rules’ tactic tags)</span>` : ''}
${t.parent ? html` · Parent: ${techLink(c, t.parent, t.parentName ? `${t.parent} ${t.parentName}` : t.parent)}` : ''}
${t.url ? html` · ${externalLink(t.url)}` : ''}</p>
${t.known === false ? html`<p class="warn">Unknown ATT&amp;CK id in the ATT&amp;CK data given (a newer ATT&amp;CK release, or a typo in the rules).</p>` : ''}
${t.revokedBy ? html`<p class="warn">Revoked in ATT&amp;CK: replaced by ${techLink(c, t.revokedBy)}.</p>` : ''}
${t.deprecated ? html`<p class="warn">Deprecated in ATT&amp;CK.</p>` : ''}
${t.scope === 'rollup' ? html`<p class="note"><strong>Roll-up:</strong> ${plural(t.ruleCount, 'rule')} tagged ${t.id} or one of its sub-techniques (${join(t.subtechniques.map((s) => techLink(c, s)), ', ')}); ${formatCount(t.directRuleCount)} tagged ${t.id} itself.</p>` : ''}
${t.description ? html`<div class="desc">${description(t.description)}</div>` : ''}

<h2>Events covered</h2>
${t.events.length ? html`<p>${plural(inCat, catalog.eventCatalog ? 'catalog event' : 'event')} ${inCat === 1 ? 'is' : 'are'} covered by at least one rule under this technique.</p>${eventsTable(t.events)}` : html`<p class="muted">No rule under this technique names an event.</p>`}

<h2>Authoring guide</h2>
<p class="note">Patterns shared across the ${plural(t.ruleCount, 'rule')} below: which fields they filter on, what specific values they look for, and what they exclude. Field names are canonical (ECS-based), so Sigma <code>Image</code>, Elastic <code>process.name</code> and Splunk <code>Processes.process_name</code> collapse into one row. Each rule counts at most once per row.</p>

<h3 id="fields">Fields filtered most (${formatCount(t.distinct.fields)} distinct)</h3>
<p class="note">How: the operators used, with the number of rules using each. Sample values are the most used indicator values, not an exhaustive list.</p>
`);
  if (t.fields.length) {
    out.add(html`<table><tr><th>Field</th><th>Rules</th><th>How</th><th>Written as</th><th>Sample values</th></tr>`);
    for (const f of t.fields) {
      out.add(
        html`<tr><td>${fieldLink(c, f.field)}</td><td class="n">${f.count}${f.exclusionRules && !f.indicatorRules ? html` <span class="muted">(excluded only)</span>` : ''}</td><td>${opsText(f.ops)}</td><td>${join(f.writtenAs.map((w) => html`<code>${w.name}</code> <span class="muted">${vendorLabel(w.vendor)} ${w.count}</span>`), ', ')}</td><td>${join(f.samples.map((v) => html`<span class="v">${v}</span>`), ' ')}</td></tr>`,
      );
    }
    out.add(TABLE_END);
  }
  out.add(html`

<h3 id="indicators">Top indicator values (${formatCount(t.distinct.indicators)} distinct)</h3>
<p class="note">Specific (field, operator, value) combinations from the rules’ positive logic, ranked by how many rules under this technique use each one. Corpus reach counts the rules across the entire catalog (any technique) using the same combination: high numbers are widely used indicators, noisy on their own. Blank means every rule using it is under this technique. Click a value to expand its rules.</p>
`);
  if (t.indicators.length) valueTableTo(out, c, t.indicators, 'use it');
  out.add(html`${shownNote(t.indicators.length, t.distinct.indicators)}

<h3 id="exclusions">Exclusions (${formatCount(t.distinct.exclusions)} distinct)</h3>
<p class="note">Combinations excluded by rules under this technique (top-level <code>not(...)</code> clauses, Elastic rule filters, Splunk top-level <code>!=</code>/<code>NOT</code>), by how many rules exclude each: the false-positive paths the community filters out. Click a value to expand its rules.</p>
`);
  if (t.exclusions.length) valueTableTo(out, c, t.exclusions, 'exclude it');
  out.add(html`${shownNote(t.exclusions.length, t.distinct.exclusions)}

<h2 id="rules">Rules under this technique</h2>
`);
  const rollup = t.scope === 'rollup';
  for (const g of rulesByVendor(catalog, t)) {
    out.add(html`<h3>${vendorLabel(g.vendor)} <span class="muted">${plural(g.rules.length, 'rule')}</span></h3><ol start="${g.rules[0]?.n ?? 1}">`);
    for (const { rule, index, via } of g.rules) {
      out.add(
        html`<li>${ruleLink(c, index)}${rule.kind !== 'detection' ? html` <span class="tag">${rule.kind}</span>` : ''}${rule.status ? html` <span class="muted">${rule.status}</span>` : ''}${rollup ? html` <span class="muted">via ${via.join(', ')}</span>` : ''}</li>`,
      );
    }
    out.add(OL_END);
  }
}

const OL_END = html`</ol>`;

// ---------------------------------------------------------------- rule

function predicateTable(c: Ctx, rule: CatalogRule, role: 'indicator' | 'exclusion' | 'negated'): Html | '' {
  const ps = rule.predicates.filter((p) => p.role === role);
  if (!ps.length) return '';
  const reach = role !== 'negated';
  return html`<table><tr><th>Field</th><th>Written as</th><th>Operator</th><th>Value</th>${reach ? html`<th>Corpus reach</th>` : ''}<th>Line</th></tr>${ps.map(
    (p) => html`<tr><td>${fieldLink(c, p.field)}${p.unmapped ? html` <span class="muted">(unmapped)</span>` : ''}</td><td>${p.written === undefined ? (p.field === null ? '' : html`<code>${p.field}</code>`) : html`<code>${p.written}</code>`}${p.vendorOp ? html` <span class="muted">${p.vendorOp}</span>` : ''}</td><td>${opLabel(p.op, p.regex)}${p.caseSensitive ? html` <span class="muted">cs</span>` : ''}</td><td>${valueCell(p.op, p.value)}</td>${reach ? html`<td class="n">${p.reach ?? ''}</td>` : ''}<td class="n">${p.line ?? ''}</td></tr>`,
  )}</table>`;
}

function metaRow(label: string, value: HtmlValue): Html | '' {
  if (value === undefined || value === null || value === '' || (Array.isArray(value) && !value.length)) return '';
  return html`<tr><th>${label}</th><td>${value}</td></tr>`;
}

export function rulePage(catalog: Catalog, rule: CatalogRule): string {
  return Buffer.concat(rulePageBytes(catalog, rule)).toString();
}

/** The rule page as UTF-8 chunks. */
export function rulePageBytes(catalog: Catalog, rule: CatalogRule): Buffer[] {
  return pageBytes({ title: rule.title || rule.id, depth: 2 }, (out) => out.add(ruleBody(catalog, rule)));
}

function ruleBody(catalog: Catalog, rule: CatalogRule): Html {
  const c = ctx(catalog, 2);
  const counts = { indicator: 0, exclusion: 0, negated: 0 };
  for (const p of rule.predicates) counts[p.role]++;
  const body = html`
<h1>${rule.title || rule.id}</h1>
<table class="meta">
${metaRow('Vendor', `${vendorLabel(rule.vendor)} · ${rule.language} · ${rule.kind}${rule.ruleType ? ` · ${rule.ruleType}` : ''}`)}
${metaRow('Id', html`<code>${rule.id}</code>`)}
${metaRow('Status', rule.status)}
${metaRow('Level / severity', [rule.level, rule.severity, rule.riskScore !== undefined ? `risk ${rule.riskScore}` : undefined].filter(Boolean).join(' · '))}
${metaRow('Techniques', join(rule.techniques.map((id) => techLink(c, id)), ', '))}
${metaRow('Tactics', rule.tactics.join(', '))}
${metaRow('Source', html`<code>${rule.path}${rule.line !== undefined ? `:${rule.line}` : ''}</code>`)}
${metaRow('Log source', rule.logsource ? html`<code>${rule.logsource}</code>` : '')}
${metaRow('Authors', (rule.authors ?? []).join(', '))}
${metaRow('References', rule.references?.length ? html`<ul>${rule.references.map((r) => html`<li>${externalLink(r)}</li>`)}</ul>` : '')}
${metaRow('False positives', rule.falsePositives?.length ? html`<ul>${rule.falsePositives.map((r) => html`<li>${r}</li>`)}</ul>` : '')}
</table>
${rule.description ? html`<div class="desc">${description(rule.description)}</div>` : ''}

<h2>Events</h2>
${rule.events.length ? html`<ul>${rule.events.map((e) => html`<li>${e.provider} Event ID ${e.eventId}${e.via ? html` <span class="muted">(${e.via})</span>` : ''}</li>`)}</ul>` : html`<p class="muted">None inferred.</p>`}

<h2>Normalized logic</h2>
<pre>${rule.logic}</pre>
${rule.thresholds.length ? html`<h3>Thresholds</h3><p class="note">Conditions on aggregated values: shown here, never counted as indicators.</p><ul>${rule.thresholds.map((t) => html`<li><code>${t}</code></li>`)}</ul>` : ''}

<h2>Indicators <span class="muted">${counts.indicator}</span></h2>
<p class="note">Predicates of the positive logic. Corpus reach: rules in the whole catalog using the same combination.</p>
${predicateTable(c, rule, 'indicator') || html`<p class="muted">None.</p>`}

<h2>Exclusions <span class="muted">${counts.exclusion}</span></h2>
${predicateTable(c, rule, 'exclusion') || html`<p class="muted">None.</p>`}

${counts.negated ? html`<h2>Other negated predicates <span class="muted">${counts.negated}</span></h2><p class="note">Under a nested negation, in a missing-event step or an until clause: not counted.</p>${predicateTable(c, rule, 'negated')}` : ''}

${rule.opaque.length ? html`<h2>Opaque parts</h2><p class="note">Parts the parser could not express as predicates.</p><ul>${rule.opaque.map((o) => html`<li><code>${o.text}</code> <span class="muted">${o.reason}</span></li>`)}</ul>` : ''}

${rule.diagnostics.length ? html`<h2>Diagnostics</h2><ul>${rule.diagnostics.map(
    (d) => html`<li class="${d.severity === 'error' ? 'err' : d.severity === 'warning' ? 'warn' : ''}">${d.severity} <code>${d.code}</code>${d.line !== undefined ? ` line ${d.line}` : ''}${d.column !== undefined ? `:${d.column}` : ''}: ${d.message}${d.expected?.length ? ` (expected ${d.expected.join(', ')})` : ''}</li>`,
  )}</ul>` : ''}

${rule.queryText !== undefined ? html`<h2>Original query</h2><pre>${rule.queryText}</pre>` : ''}`;
  return body;
}

// ---------------------------------------------------------------- fields

/** Values per field page: a field with more values gets `fields/<slug>~2.html`, `~3`... (`~` never occurs in a slug). */
export const FIELD_VALUES_PER_PAGE = 500;

export function fieldPageCount(f: CatalogField): number {
  return Math.max(1, Math.ceil(f.values.length / FIELD_VALUES_PER_PAGE));
}

/** File name (without folder) of page `n` (1-based) of a field. */
export function fieldPageFile(slug: string, n: number): string {
  return n <= 1 ? `${slug}.html` : `${slug}~${n}.html`;
}

function pager(f: CatalogField, current: number): Html | '' {
  const pages = fieldPageCount(f);
  if (pages <= 1) return '';
  return html`<p class="pager">Values page: ${join(
    Array.from({ length: pages }, (_, i) => (i + 1 === current ? html`<strong>${i + 1}</strong>` : html`<a href="${fieldPageFile(f.slug, i + 1)}">${i + 1}</a>`)),
    ' ',
  )}</p>`;
}

/** Page `n` (1-based) of a field: header, techniques and rules on page 1, values on every page. */
export function fieldPage(catalog: Catalog, f: CatalogField, n = 1): string {
  return Buffer.concat(fieldPageBytes(catalog, f, n)).toString();
}

/** Page `n` of a field as UTF-8 chunks. */
export function fieldPageBytes(catalog: Catalog, f: CatalogField, n = 1): Buffer[] {
  const name = fieldName(f.field);
  return pageBytes({ title: n > 1 ? `${name} (${n})` : name, depth: 1 }, (out) => fieldBody(out, catalog, f, n));
}

function fieldBody(out: HtmlOut, catalog: Catalog, f: CatalogField, n: number): void {
  const c = ctx(catalog, 1);
  const name = fieldName(f.field);
  const from = (n - 1) * FIELD_VALUES_PER_PAGE;
  const values = f.values.slice(from, from + FIELD_VALUES_PER_PAGE);
  if (n > 1) {
    out.add(html`
<h1><code>${name}</code> <span class="muted">values, page ${n}</span></h1>
<p><a href="${fieldPageFile(f.slug, 1)}">Back to the field</a></p>
${pager(f, n)}
`);
    valuesTableTo(out, c, values, from);
    out.add(html`
${pager(f, n)}`);
    return;
  }
  out.add(html`
<h1><code>${name}</code></h1>
<p>${plural(f.count, 'rule')} filter on this field (${Object.entries(f.byVendor).map(([v, n]) => `${vendorLabel(v)} ${n}`).join(', ')}). Operators: ${opsText(f.ops)}.</p>
<p>Written as: ${join(f.writtenAs.map((w) => html`<code>${w.name}</code> <span class="muted">${vendorLabel(w.vendor)} ${w.count}</span>`), ', ')}</p>

<h2>Techniques</h2>
${f.techniques.length ? html`<table><tr><th>Technique</th><th>Rules filtering on the field</th></tr>${f.techniques.map((t) => {
    const tt = c.lk.techniques.get(t.id);
    return html`<tr><td>${techLink(c, t.id, tt?.name ? `${t.id} ${tt.name}` : t.id)}</td><td class="n">${t.count}</td></tr>`;
  })}</table>` : html`<p class="muted">No technique-tagged rule.</p>`}

<h2>Values (${formatCount(f.values.length)} distinct)</h2>
<p class="note">Every (operator, value) used on this field, as an indicator or in an exclusion, most used first. Click a count for its rules.</p>
${pager(f, 1)}
`);
  valuesTableTo(out, c, values, 0);
  out.add(html`
${pager(f, 1)}

<h2>Rules</h2>
<details><summary>${plural(f.rules.length, 'rule')}</summary>${ruleList(c, f.rules)}</details>`);
}

function valuesTableTo(out: HtmlOut, c: Ctx, values: CatalogField['values'], from: number): void {
  out.add(html`<table><tr><th>Operator</th><th>Value</th><th>Indicator in</th><th>Excluded by</th></tr>`);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    out.add(
      html`<tr id="v${from + i}"><td>${opLabel(v.op, v.regex)}</td><td>${valueCell(v.op, v.value)}</td><td>${v.indicatorRules.length ? html`<details><summary>${plural(v.indicatorRules.length, 'rule')}</summary>${ruleList(c, v.indicatorRules)}</details>` : ''}</td><td>${v.exclusionRules.length ? html`<details><summary>${plural(v.exclusionRules.length, 'rule')}</summary>${ruleList(c, v.exclusionRules)}</details>` : ''}</td></tr>`,
    );
  }
  out.add(TABLE_END);
}

export function fieldsIndexPage(catalog: Catalog): string {
  const c = ctx(catalog, 1);
  const body = html`
<h1>Fields</h1>
<p class="note">${plural(catalog.fields.length, 'distinct field')} (canonical names; a field the normalizer could not map keeps its written name), by number of rules filtering on them.</p>
<table><tr><th>Field</th><th>Rules</th><th>Vendors</th><th>Written as</th><th>Values</th></tr>${catalog.fields.map(
    (f) => html`<tr><td>${fieldLink(c, f.field)}</td><td class="n">${f.count}</td><td>${vendorLine(f.byVendor)}</td><td>${join(f.writtenAs.slice(0, 6).map((w) => html`<code>${w.name}</code>`), ', ')}${f.writtenAs.length > 6 ? ` +${f.writtenAs.length - 6}` : ''}</td><td class="n">${f.values.length}</td></tr>`,
  )}</table>`;
  return page({ title: 'Fields', depth: 1, body });
}
