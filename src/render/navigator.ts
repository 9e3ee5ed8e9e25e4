/**
 * ATT&CK Navigator layers (layer format 4.5, Navigator >= 4.9.0): one layer
 * scoring every technique by its number of distinct rules, and one per vendor.
 *
 * Scores: a sub-technique scores the rules tagged with it; a parent scores its
 * roll-up (rules tagged with it or with any of its sub-techniques, each rule
 * once), so the collapsed matrix shows real coverage. Aggregate scores are
 * left off (`showAggregateScores: false`): Navigator's sum would count a rule
 * tagged with both parent and sub-technique twice.
 *
 * Only syntactically valid ids are written, and, when ATT&CK data was given,
 * only ids it knows that are neither revoked nor deprecated (Navigator would
 * drop them); the skipped ids are listed in the layer metadata.
 */
import { z } from 'zod';
import type { Catalog, CatalogTechnique } from '../catalog/schema.js';
import { vendorLabel } from './lookup.js';

const TECHNIQUE_ID = /^T\d{4}(\.\d{3})?$/;
const HEX_COLOR = /^#([0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/;

const MetadataItem = z.union([z.object({ name: z.string(), value: z.string() }).strict(), z.object({ divider: z.boolean() }).strict()]);
const LinkItem = z.union([
  z.object({ label: z.string(), url: z.string().regex(/^[a-z][a-z0-9+.-]*:\/\//i, 'URLs must start with a protocol') }).strict(),
  z.object({ divider: z.boolean() }).strict(),
]);

/** The layer file format 4.5 rules (mitre-attack/attack-navigator layers/spec/v4.5/layerformat.md). */
export const NavigatorLayerSchema = z
  .object({
    name: z.string().min(1),
    versions: z
      .object({
        attack: z.string().optional(),
        navigator: z.string().refine((v) => {
          const [a = 0, b = 0] = v.split('.').map(Number);
          return a > 4 || (a === 4 && b >= 9);
        }, 'navigator version must be at least 4.9.0'),
        layer: z.literal('4.5'),
      })
      .strict(),
    domain: z.enum(['enterprise-attack', 'mobile-attack', 'ics-attack']),
    description: z.string().optional(),
    customDataURL: z.string().optional(),
    filters: z.object({ platforms: z.array(z.string()).optional() }).strict().optional(),
    sorting: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]).optional(),
    layout: z
      .object({
        layout: z.enum(['side', 'flat', 'mini']).optional(),
        showID: z.boolean().optional(),
        showName: z.boolean().optional(),
        showAggregateScores: z.boolean().optional(),
        countUnscored: z.boolean().optional(),
        aggregateFunction: z.enum(['average', 'min', 'max', 'sum']).optional(),
        expandedSubtechniques: z.enum(['none', 'all', 'annotated']).optional(),
      })
      .strict()
      .optional(),
    hideDisabled: z.boolean().optional(),
    techniques: z
      .array(
        z
          .object({
            techniqueID: z.string().regex(TECHNIQUE_ID),
            tactic: z.string().regex(/^[a-z]+(-[a-z]+)*$/).optional(),
            comment: z.string().optional(),
            enabled: z.boolean().optional(),
            score: z.number().finite().optional(),
            color: z.string().optional(),
            metadata: z.array(MetadataItem).optional(),
            links: z.array(LinkItem).optional(),
            showSubtechniques: z.boolean().optional(),
          })
          .strict(),
      )
      .optional(),
    gradient: z
      .object({ colors: z.array(z.string().regex(HEX_COLOR)).min(2), minValue: z.number(), maxValue: z.number() })
      .strict()
      .refine((g) => g.maxValue > g.minValue, 'maxValue must be > minValue')
      .optional(),
    legendItems: z.array(z.object({ label: z.string(), color: z.string() }).strict()).optional(),
    showTacticRowBackground: z.boolean().optional(),
    tacticRowBackground: z.string().optional(),
    selectTechniquesAcrossTactics: z.boolean().optional(),
    selectSubtechniquesWithParent: z.boolean().optional(),
    selectVisibleTechniques: z.boolean().optional(),
    metadata: z.array(MetadataItem).optional(),
    links: z.array(LinkItem).optional(),
  })
  .strict();
export type NavigatorLayer = z.infer<typeof NavigatorLayerSchema>;

export const NAVIGATOR_VERSION = '5.2.0';

function attackMajor(catalog: Catalog): string | undefined {
  const m = /(\d+)(?:\.\d+)*\s*$/.exec(catalog.attack?.version ?? '');
  return m ? m[1] : undefined;
}

function layerable(t: CatalogTechnique, catalog: Catalog): boolean {
  if (!TECHNIQUE_ID.test(t.id)) return false;
  if (catalog.attack && (t.known === false || t.revokedBy || t.deprecated)) return false;
  return true;
}

function vendorText(byVendor: Record<string, number>): string {
  return Object.entries(byVendor)
    .map(([v, n]) => `${vendorLabel(v)} ${n}`)
    .join(', ');
}

function layer(catalog: Catalog, vendor: string | null): NavigatorLayer {
  const techniques: NonNullable<NavigatorLayer['techniques']> = [];
  const skipped: string[] = [];
  let max = 0;
  for (const t of catalog.techniques) {
    const score = vendor ? (t.byVendor[vendor] ?? 0) : t.ruleCount;
    if (score === 0) continue;
    if (!layerable(t, catalog)) {
      skipped.push(t.id);
      continue;
    }
    max = Math.max(max, score);
    const metadata: { name: string; value: string }[] = [{ name: 'rules', value: String(score) }];
    if (t.scope === 'rollup') {
      metadata.push({ name: 'tagged with this id itself', value: String(t.directRuleCount) });
      metadata.push({ name: 'sub-techniques rolled up', value: t.subtechniques.join(', ') });
    }
    if (!vendor) for (const [v, n] of Object.entries(t.byVendor)) metadata.push({ name: vendorLabel(v), value: String(n) });
    const comment =
      `${score} rule${score === 1 ? '' : 's'}` +
      (vendor ? ` (${vendorLabel(vendor)})` : ` (${vendorText(t.byVendor)})`) +
      (t.scope === 'rollup' ? `; roll-up of ${t.id} and ${t.subtechniques.join(', ')}` : '');
    techniques.push({ techniqueID: t.id, score, comment, enabled: true, metadata, showSubtechniques: false });
  }
  const name = vendor ? `ruleatlas: ${vendorLabel(vendor)} rules per technique` : 'ruleatlas: rules per technique';
  const rules = vendor ? (catalog.summary.byVendor[vendor] ?? 0) : catalog.summary.rules;
  const metadata: { name: string; value: string }[] = [
    { name: 'generator', value: 'ruleatlas' },
    { name: 'rules in catalog', value: String(rules) },
    { name: 'score', value: 'distinct rules tagged with the technique (parents: with it or any sub-technique)' },
  ];
  if (skipped.length) metadata.push({ name: 'ids left out (unknown, revoked or deprecated in the ATT&CK data)', value: skipped.join(', ') });
  const major = attackMajor(catalog);
  return {
    name,
    versions: { ...(major ? { attack: major } : {}), navigator: NAVIGATOR_VERSION, layer: '4.5' },
    domain: 'enterprise-attack',
    description: `Number of ${vendor ? vendorLabel(vendor) + ' ' : ''}detection rules per ATT&CK technique, from the ruleatlas catalog.`,
    sorting: 3,
    layout: {
      layout: 'side',
      showID: true,
      showName: true,
      showAggregateScores: false,
      countUnscored: false,
      aggregateFunction: 'max',
      expandedSubtechniques: 'none',
    },
    hideDisabled: false,
    techniques,
    gradient: { colors: ['#ffffff', '#ffb366', '#e6550d'], minValue: 0, maxValue: Math.max(1, max) },
    legendItems: [],
    showTacticRowBackground: false,
    tacticRowBackground: '#dddddd',
    selectTechniquesAcrossTactics: true,
    selectSubtechniquesWithParent: false,
    selectVisibleTechniques: false,
    metadata,
    links: [],
  };
}

/** The layer over all rules, and one layer per vendor present in the catalog. */
export function navigatorLayers(catalog: Catalog): { all: NavigatorLayer; byVendor: Record<string, NavigatorLayer> } {
  const byVendor: Record<string, NavigatorLayer> = {};
  for (const v of Object.keys(catalog.summary.byVendor)) byVendor[v] = layer(catalog, v);
  return { all: layer(catalog, null), byVendor };
}
