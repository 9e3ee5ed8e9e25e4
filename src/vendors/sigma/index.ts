/**
 * The Sigma vendor: YAML rule files (one or more documents each) to `Rule`s.
 *
 * parseFile builds every document independently (detection rules,
 * correlation rules, filter documents); link() then applies filter documents
 * to the rules they target and cross-references correlations with the rules
 * they use. Semantics and every deliberate difference from pySigma are
 * recorded in docs/semantics/sigma.md.
 */
import type { Diagnostic, Node, Query, Rule } from '../../ast/schema.js';
import { and } from '../../ast/build.js';
import { mapQueryFilters } from '../../ast/walk.js';
import { diagAt, diagLine } from '../../core/diagnostics.js';
import type { SourceFile } from '../../core/source-file.js';
import { parseYaml } from '../../formats/yaml.js';
import type { ParsedFile, ParseOptions, VendorModule } from '../types.js';
import type { RuleCtx } from './context.js';
import { resolveCollection } from './collection.js';
import { buildRule } from './rule.js';

/** Sigma needs no support files: the state is empty. */
export type SigmaState = Record<string, never>;

export function parseSigmaFile(file: SourceFile, opts: ParseOptions): ParsedFile {
  const y = parseYaml(file, opts.limits);
  const diagnostics: Diagnostic[] = [...y.diagnostics];
  const { docs, issues } = resolveCollection(y.documents.map((d) => ({ value: d.value, pos: d.pos, start: d.start })));
  for (const i of issues) diagnostics.push(diagAt(file, 'error', i.code, i.message, i.start));
  const rules: Rule[] = [];
  const seenIds = new Map<string, number>();
  for (const doc of docs) {
    const ctx: RuleCtx = { file, limits: opts.limits, diags: [], predicates: 0 };
    if (opts.placeholders) ctx.placeholders = opts.placeholders;
    const rule = buildRule(ctx, doc);
    // Legacy `action: global`/`repeat` collections give several rules one id; ids are keys downstream.
    const n = (seenIds.get(rule.id) ?? 0) + 1;
    seenIds.set(rule.id, n);
    if (n > 1) {
      const original = rule.id;
      rule.id = `${original}#${n}`;
      rule.metadata.sigmaId = original;
      rule.diagnostics.push(diagAt(file, 'info', 'sigma.rule.id-duplicate', `id '${original}' is used by an earlier document of this file; this rule is '${rule.id}'`, doc.start));
    }
    rules.push(rule);
  }
  if (!rules.length && !diagnostics.some((d) => d.severity === 'error')) {
    diagnostics.push(diagLine(file.path, 'error', 'sigma.document.none', 'file contains no Sigma rule document', 1, 1));
  }
  return { rules, diagnostics };
}

/** pySigma SigmaLogSource.__contains__: every attribute the filter sets must be equal in the rule. */
function logsourceContains(filter: Rule['logsource'], rule: Rule['logsource']): boolean {
  return (
    (filter.category === undefined || filter.category === rule.category) &&
    (filter.product === undefined || filter.product === rule.product) &&
    (filter.service === undefined || filter.service === rule.service)
  );
}

function ruleName(r: Rule): string | undefined {
  const n = r.metadata.name;
  return typeof n === 'string' ? n : undefined;
}

/** AND a filter condition to a rule filter, flattening so top-level `not`s stay top-level exclusions. */
function andFlat(a: Node, b: Node): Node {
  const kids = [...(a.type === 'and' ? a.children : [a]), ...(b.type === 'and' ? b.children : [b])];
  return and(kids);
}

export function linkSigmaRules(rules: Rule[]): { rules: Rule[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const byRef = new Map<string, Rule[]>();
  const add = (k: string | undefined, r: Rule) => {
    if (!k) return;
    const l = byRef.get(k);
    if (l) l.push(r);
    else byRef.set(k, [r]);
  };
  for (const r of rules) {
    if (r.vendor !== 'sigma' || r.kind === 'filter') continue;
    add(r.id, r);
    add(ruleName(r), r);
  }

  // Replacements are collected first, so a rule targeted by several filters gets all of them (in file order).
  const updated = new Map<Rule, Rule>();
  const current = (r: Rule) => updated.get(r) ?? r;
  // Link problems belong to the filter or correlation that has them (inputs are never mutated).
  const addDiag = (r: Rule, d: Diagnostic) => {
    const cur = current(r);
    updated.set(r, { ...cur, diagnostics: [...cur.diagnostics, d] });
  };

  for (const f of rules) {
    if (f.vendor !== 'sigma' || f.kind !== 'filter' || f.query.kind !== 'filter') continue;
    const filterNode = f.query.filter;
    const targets = f.metadata.filterRules;
    let candidates: Rule[];
    if (targets === 'any') candidates = rules.filter((r) => r.vendor === 'sigma' && r.kind === 'detection');
    else {
      const refs = Array.isArray(targets) ? (targets as string[]) : [];
      candidates = [];
      for (const ref of refs) {
        const found = (byRef.get(ref) ?? []).filter((r) => r.kind === 'detection');
        if (!found.length) {
          addDiag(f, diagLine(f.path, 'warning', 'sigma.filter.unknown-rule', `filter '${f.title}' refers to rule '${ref}', which was not loaded`, f.line, 1));
        }
        for (const r of found) if (!candidates.includes(r)) candidates.push(r);
      }
    }
    for (const r0 of candidates) {
      if (!logsourceContains(f.logsource, r0.logsource)) continue;
      const r = current(r0);
      const query: Query = mapQueryFilters(r.query, (n) => andFlat(n, filterNode));
      const applied = Array.isArray(r.metadata.appliedFilters) ? (r.metadata.appliedFilters as string[]) : [];
      updated.set(r0, { ...r, query, metadata: { ...r.metadata, appliedFilters: [...applied, f.id] } });
    }
  }

  // The same id in different files: both rules are kept, the later ones are flagged.
  const firstById = new Map<string, Rule>();
  for (const r of rules) {
    if (r.vendor !== 'sigma') continue;
    const first = firstById.get(r.id);
    if (!first) firstById.set(r.id, r);
    else addDiag(r, diagLine(r.path, 'warning', 'sigma.rule.id-duplicate', `rule id '${r.id}' is also used by ${first.path}`, r.line, 1));
  }

  // Correlations: resolve references (warn when missing) and mark the rules they use.
  for (const c of rules) {
    if (c.vendor !== 'sigma' || c.kind !== 'correlation' || c.query.kind !== 'correlation') continue;
    for (const ref of c.query.rules) {
      const found = byRef.get(ref) ?? [];
      if (!found.length) {
        addDiag(c, diagLine(c.path, 'warning', 'sigma.correlation.unknown-rule', `correlation '${c.title}' refers to rule '${ref}', which was not loaded`, c.line, 1));
      }
      for (const r0 of found) {
        const r = current(r0);
        const by = Array.isArray(r.metadata.correlatedBy) ? (r.metadata.correlatedBy as string[]) : [];
        const meta: Record<string, unknown> = { ...r.metadata, correlatedBy: [...by, c.id] };
        // generate: false (the default) means pySigma emits the rule only as part of the correlation.
        if (c.query.generate !== true && meta.generate !== true) meta.generate = false;
        else meta.generate = true;
        updated.set(r0, { ...r, metadata: meta });
      }
    }
  }
  return { rules: rules.map(current), diagnostics };
}

export const sigmaVendor: VendorModule<SigmaState> = {
  vendor: 'sigma',
  createState: () => ({}),
  parseFile: (file, _role, _state, opts) => parseSigmaFile(file, opts),
  link: (rules) => linkSigmaRules(rules),
};
