/**
 * The catalog over the three real corpora (../shared/corpora), loaded by the
 * project's loader. The expected rule lists are computed independently of
 * the parsers: Elastic from the issue text, Splunk and Sigma by reading the
 * raw YAML tags of every rule file.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { beforeAll, expect, it } from 'vitest';
import type { Rule } from '../../src/ast/schema.js';
import { aggregateCatalog, buildCatalog, catalogInput, catalogInputInterned } from '../../src/catalog/build.js';
import { type Catalog, CatalogSchema } from '../../src/catalog/schema.js';
import { corpusSummaryFromCheck } from '../../src/catalog/corpus-summary.js';
import { restoreInterning, storeInterning } from '../../src/catalog/collect.js';
import { readInterning, writeInterning } from '../../src/incremental/snapshot.js';
import { loadCorpus } from '../../src/loader/load.js';
import { summarize } from '../../src/loader/summary.js';
import { corpus, describeCorpus } from '../helpers/corpora.js';

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out;
}

/** Splunk detections whose raw `tags.mitre_attack_id` lists the id, minus deprecated ones. */
function splunkTagged(id: string): string[] {
  const names: string[] = [];
  for (const f of yamlFiles(corpus('splunk', 'detections'))) {
    const doc = parseYaml(readFileSync(f, 'utf8')) as { name?: string; status?: string; tags?: { mitre_attack_id?: string[] } };
    if (doc?.status === 'deprecated') continue;
    if ((doc?.tags?.mitre_attack_id ?? []).some((t) => String(t).trim().toUpperCase() === id)) names.push(String(doc.name));
  }
  return names.sort();
}

/** Sigma rules whose raw tags hold attack.<id>. */
function sigmaTagged(id: string): string[] {
  const tag = `attack.${id.toLowerCase()}`;
  const titles: string[] = [];
  for (const dir of readdirSync(corpus('sigma')).filter((d) => d.startsWith('rules'))) {
    for (const f of yamlFiles(corpus('sigma', dir))) {
      const text = readFileSync(f, 'utf8');
      if (!text.toLowerCase().includes(tag)) continue;
      for (const doc of text.split(/^---\s*$/m)) {
        const d = parseYaml(doc) as { title?: string; tags?: string[] } | null;
        if (d?.tags?.some((t) => String(t).toLowerCase() === tag)) titles.push(String(d.title));
      }
    }
  }
  return titles.sort();
}

const ELASTIC_T1114_002 = [
  'Exchange Mailbox Export via PowerShell',
  'Exporting Exchange Mailbox via PowerShell',
  'M365 Exchange Mailbox Accessed by Unusual Client',
  'M365 Exchange Mailbox Items Accessed Excessively',
  'Microsoft Graph Email Access by Unusual User and Client',
  'New ActiveSyncAllowedDeviceID Added via PowerShell',
  'PowerShell Mailbox Collection Script',
];

describeCorpus('catalog over the three real corpora', () => {
  let rules: Rule[];
  let cat: Catalog;

  beforeAll(async () => {
    const res = await loadCorpus([corpus('sigma'), corpus('elastic'), corpus('splunk')]);
    rules = res.rules;
    cat = buildCatalog(rules, { corpus: corpusSummaryFromCheck(summarize(res)) });
  });

  const titles = (id: string, vendor: string) =>
    cat.techniques
      .find((t) => t.id === id)!
      .rules.map((r) => cat.rules[r.rule]!)
      .filter((r) => r.vendor === vendor)
      .map((r) => r.title)
      .sort();

  it('T1114.002 lists exactly the expected Elastic, Splunk and Sigma rules', () => {
    expect(titles('T1114.002', 'elastic')).toEqual(ELASTIC_T1114_002);
    const splunk = splunkTagged('T1114.002');
    expect(splunk.length).toBeGreaterThan(0);
    expect(titles('T1114.002', 'splunk')).toEqual(splunk);
    expect(titles('T1114.002', 'sigma')).toEqual(sigmaTagged('T1114.002'));
  });

  it('the T1114 roll-up holds every T1114.002 rule', () => {
    const parent = cat.techniques.find((t) => t.id === 'T1114')!;
    const sub = cat.techniques.find((t) => t.id === 'T1114.002')!;
    const inParent = new Set(parent.rules.map((r) => r.rule));
    expect(sub.rules.every((r) => inParent.has(r.rule))).toBe(true);
    expect(parent.scope).toBe('rollup');
  });

  it('keeps every rule, and validates against the published schema', () => {
    expect(cat.rules.length).toBe(rules.length);
    expect(cat.summary.rules).toBe(rules.length);
    expect(new Set(cat.rules.map((r) => r.key)).size).toBe(rules.length);
    expect(CatalogSchema.safeParse(cat).success).toBe(true);
    expect(cat.summary.corpus!.rules).toBe(rules.length);
  });

  it('is the same whether the predicate identities are kept (incremental snapshots) or interned as the rules are read', () => {
    const kept = aggregateCatalog(catalogInput(rules)).catalog;
    const { input, collected } = catalogInputInterned(rules);
    expect(JSON.stringify(aggregateCatalog(input, {}, undefined, { collected }).catalog)).toBe(JSON.stringify(kept));
    // ...and with the interning written to an incremental snapshot's file and read back.
    const dir = mkdtempSync(join(tmpdir(), 'ruleatlas-interning-'));
    try {
      const offsets = Int32Array.from(catalogInput(rules, false).streams.off);
      const name = writeInterning(dir, storeInterning(collected), offsets);
      const back = readInterning(dir, name, rules.length)!;
      expect([...back.off]).toEqual([...offsets]);
      expect(JSON.stringify(aggregateCatalog(input, {}, undefined, { collected: restoreInterning(back.stored) }).catalog)).toBe(JSON.stringify(kept));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every count is over distinct rules', () => {
    for (const t of cat.techniques) {
      expect(new Set(t.rules.map((r) => r.rule)).size).toBe(t.ruleCount);
      for (const row of [...t.indicators, ...t.exclusions]) {
        expect(new Set(row.rules).size).toBe(row.count);
        expect(row.count).toBeLessThanOrEqual(t.ruleCount);
        expect(row.reach).toBeGreaterThanOrEqual(row.count);
      }
      for (const f of t.fields) expect(f.count).toBeLessThanOrEqual(t.ruleCount);
    }
  });
});
