/**
 * Aggregation figures of buildCatalog on the hand-made corpus of fixtures.ts,
 * computed by hand (the expected values below are not produced by the code):
 *
 * R1 sigma   T1114.002  process.name eq powershell.exe, command_line *New-MailboxExportRequest*, not parent.name msexchange.exe; Sysmon 1 + 4688
 * R2 elastic T1114.002  process.name eq powershell.exe (case-sensitive), command_line *new-mailboxexportrequest*, not user.name svc_exchange; Sysmon 1
 * R3 splunk  T1114.002+T1114  event.action eq MailItemsAccessed, not user.name SVC_EXCHANGE, aggregate count > 10
 * R4 sigma   T1114       command_line *NEW-MailboxExportRequest*
 * R5 sigma   T1059.001   process.name eq PowerShell.exe and (command_line * -enc * or not User exists)
 * R6 elastic (none)      process.name eq POWERSHELL.EXE case-sensitive
 * R7 elastic T1114.002   sequence [process.name wildcard outlook.exe] ![process.name eq followup.exe]
 */
import { describe, expect, it } from 'vitest';
import { aggregateCatalog, buildCatalog, catalogInput, catalogInputInterned, ruleSlugs, sameSlugInputs } from '../../src/catalog/build.js';
import { CatalogSchema, CorpusSummarySchema } from '../../src/catalog/schema.js';
import { corpusSummaryFromCheck } from '../../src/catalog/corpus-summary.js';
import { catalogJsonSchema } from '../../src/catalog/json-schema.js';
import { field, or, predicate } from '../../src/ast/build.js';
import { restoreInterning, storeInterning } from '../../src/catalog/collect.js';
import { fieldKey } from '../../src/catalog/keys.js';
import { ATTACK, EVENTS, makeRule, smallCorpus } from './fixtures.js';

const cat = buildCatalog(smallCorpus(), { attack: ATTACK, events: EVENTS, corpus: { files: 9, failures: 2 } });
const tech = (id: string) => cat.techniques.find((t) => t.id === id)!;
const titleOf = (index: number) => cat.rules[index]!.title;

describe('buildCatalog on the hand-made corpus', () => {
  it('validates against the published schema', () => {
    expect(() => CatalogSchema.parse(JSON.parse(JSON.stringify(cat)))).not.toThrow();
  });

  it('lists the technique entries: sub-techniques on their own, parents rolled up', () => {
    expect(cat.techniques.map((t) => [t.id, t.scope, t.ruleCount, t.directRuleCount])).toEqual([
      ['T1059', 'rollup', 1, 0],
      ['T1059.001', 'technique', 1, 1],
      ['T1114', 'rollup', 5, 2],
      ['T1114.002', 'technique', 4, 4],
    ]);
    const t = tech('T1114.002');
    expect(t.name).toBe('Remote Email Collection');
    expect(t.parentName).toBe('Email Collection');
    expect(t.tactics).toEqual([{ id: 'TA0009', name: 'Collection', shortname: 'collection' }]);
    expect(t.description).toBe('Adversaries may target an Exchange server.');
    expect(t.byVendor).toEqual({ elastic: 2, sigma: 1, splunk: 1 });
    expect(t.rules.map((r) => titleOf(r.rule))).toEqual([
      'Exchange export (KQL)',
      'Outlook then no follow-up (sequence)',
      'Mailbox export via PowerShell cmdlet',
      'O365 mailbox items accessed',
    ]);
    const parent = tech('T1114');
    expect(parent.subtechniques).toEqual(['T1114.002']);
    expect(parent.rules.find((r) => titleOf(r.rule) === 'O365 mailbox items accessed')!.via).toEqual(['T1114', 'T1114.002']);
  });

  it('counts events covered per distinct rule, with catalog titles', () => {
    expect(tech('T1114.002').events.map((e) => [e.provider, e.eventId, e.title, e.count])).toEqual([
      ['Microsoft-Windows-Sysmon', 1, 'Process creation', 2],
      ['Microsoft-Windows-Security-Auditing', 4688, 'A new process has been created.', 1],
    ]);
  });

  it('ranks fields by distinct rules, with operators, written names and samples', () => {
    const f = tech('T1114.002').fields;
    expect(f.map((r) => [r.field, r.count, r.indicatorRules, r.exclusionRules])).toEqual([
      ['process.name', 3, 3, 0],
      ['process.command_line', 2, 2, 0],
      ['user.name', 2, 0, 2],
      ['event.action', 1, 1, 0],
      ['process.parent.name', 1, 0, 1],
    ]);
    expect(f[0]!.ops).toEqual({ eq: 3 });
    expect(f[0]!.writtenAs).toEqual([
      { vendor: 'elastic', name: 'process.name', count: 2 },
      { vendor: 'sigma', name: 'Image', count: 1 },
    ]);
    expect(f[0]!.samples).toEqual(['powershell.exe', 'outlook.exe']);
    expect(f[2]!.writtenAs).toEqual([
      { vendor: 'elastic', name: 'user.name', count: 1 },
      { vendor: 'splunk', name: 'UserId', count: 1 },
    ]);
  });

  it('ranks indicator values with corpus reach, folding case-insensitive values and globs', () => {
    const rows = tech('T1114.002').indicators.map((r) => [r.field, r.op, r.value, r.count, r.caseSensitive, r.reach]);
    expect(rows).toEqual([
      ['process.command_line', 'wildcard', '*New-MailboxExportRequest*', 2, 0, 3],
      // R1 R2 here; reach adds R5 (PowerShell.exe, case-insensitive) and R6 (POWERSHELL.EXE, case-sensitive,
      // matched by the case-insensitive uses).
      ['process.name', 'eq', 'powershell.exe', 2, 1, 4],
      ['event.action', 'eq', 'MailItemsAccessed', 1, 0, 1],
      // wildcard without wildcard characters is the same indicator as eq
      ['process.name', 'eq', 'outlook.exe', 1, 0, 1],
    ]);
    // The missing-event step and the threshold are not indicators.
    expect(tech('T1114.002').indicators.some((r) => r.value === 'followup.exe')).toBe(false);
    expect(tech('T1114').indicators[0]).toMatchObject({ field: 'process.command_line', count: 3, reach: 3 });
    // The case-sensitive upper-case value joins the case-insensitive row; the rule page keeps its own spelling.
    const r6 = cat.rules.find((r) => r.id === 'r6-elastic')!;
    expect(r6.predicates[0]).toMatchObject({ value: 'POWERSHELL.EXE', caseSensitive: true, reach: 4, role: 'indicator' });
    expect(r6.predicates[0]!.written).toBeUndefined();
  });

  it('ranks exclusions by distinct rules and expands them to rules', () => {
    const ex = tech('T1114.002').exclusions;
    expect(ex.map((r) => [r.field, r.op, r.value, r.count, r.reach])).toEqual([
      ['user.name', 'eq', 'svc_exchange', 2, 2],
      ['process.parent.name', 'eq', 'msexchange.exe', 1, 1],
    ]);
    expect(ex[0]!.rules.map(titleOf)).toEqual(['Exchange export (KQL)', 'O365 mailbox items accessed']);
  });

  it('keeps thresholds and nested negations on the rule page only', () => {
    const r3 = cat.rules.find((r) => r.id === 'r3-splunk')!;
    expect(r3.thresholds).toEqual(['count > 10']);
    const r5 = cat.rules.find((r) => r.id === 'r5-sigma')!;
    expect(r5.predicates.map((p) => [p.field, p.role])).toEqual([
      ['process.name', 'indicator'],
      ['process.command_line', 'indicator'],
      ['User', 'negated'],
    ]);
    expect(r5.predicates[2]!.unmapped).toBe(true);
    expect(r5.predicates[0]).toMatchObject({ field: 'process.name', written: 'Image', value: 'PowerShell.exe' });
    expect(r5.predicates[0]!.unmapped).toBeUndefined();
  });

  it('builds the matrix in tactic order with roll-up counts', () => {
    expect(cat.matrix.map((c) => [c.tactic.id, c.ruleCount, c.techniques.map((t) => [t.id, t.ruleCount, t.subtechniques.map((s) => [s.id, s.ruleCount])])])).toEqual([
      ['TA0002', 1, [['T1059', 1, [['T1059.001', 1]]]]],
      ['TA0009', 5, [['T1114', 5, [['T1114.001', 0], ['T1114.002', 4]]]]],
    ]);
    expect(cat.unplaced).toEqual([]);
  });

  it('summarizes the corpus', () => {
    expect(cat.summary).toMatchObject({
      rules: 7,
      byVendor: { elastic: 3, sigma: 3, splunk: 1 },
      byLanguage: { elastic: { eql: 2, kuery: 1 }, sigma: { sigma: 3 }, splunk: { spl: 1 } },
      withTechniques: 6,
      withoutTechniques: 1,
      techniques: 3,
      predicates: 15,
      corpus: { files: 9, failures: 2 },
    });
    expect(cat.fields.find((f) => f.field === 'process.name')!.count).toBe(5);
  });

  it('works without ATT&CK data or events (ids only, tactics from the rules)', () => {
    const bare = buildCatalog(smallCorpus());
    const t = bare.techniques.find((x) => x.id === 'T1114.002')!;
    expect(t.name).toBeNull();
    expect(t.known).toBeNull();
    expect(t.tacticsFrom).toBe('rules');
    expect(t.tactics.map((x) => x.id)).toEqual(['TA0009']);
    expect(t.events[0]).toMatchObject({ title: null, inCatalog: null, count: 2 });
    expect(bare.matrix.map((c) => [c.tactic.id, c.techniques.map((x) => x.id)])).toEqual([
      ['TA0002', ['T1059']],
      ['TA0009', ['T1114']],
    ]);
    expect(() => CatalogSchema.parse(bare)).not.toThrow();
  });

  it('marks unknown and revoked ids, and keeps them out of the matrix', () => {
    const rules = smallCorpus();
    rules[0]!.attack.techniques.push('T1685', 't1000');
    const c = buildCatalog(rules, { attack: ATTACK });
    expect(c.techniques.find((t) => t.id === 'T1685')).toMatchObject({ known: false, name: null });
    expect(c.techniques.find((t) => t.id === 'T1000')).toMatchObject({ known: true, revokedBy: 'T1059' });
    expect(c.unplaced).toEqual(['T1000', 'T1685']);
  });

  it('publishes a JSON Schema', () => {
    const s = catalogJsonSchema();
    expect(s.type).toBe('object');
    expect((s.required as string[]).sort()).toEqual(['attack', 'eventCatalog', 'fields', 'generator', 'matrix', 'rowLimit', 'rules', 'schemaVersion', 'summary', 'techniques', 'unplaced']);
  });
});

describe('corpusSummaryFromCheck', () => {
  it('maps the loader check figures onto CorpusSummary', () => {
    const s = corpusSummaryFromCheck(
      {
        total: 5,
        failed: 1,
        hunts: 2,
        files: 9,
        ruleFiles: 7,
        supportFiles: { 'splunk-macro-yaml': 2 },
        byVendor: { sigma: { rules: 3, failed: 1 }, elastic: { rules: 2, failed: 0, hunts: 2 } },
        failures: [{ path: 'a.yml', line: 3, code: 'yaml.syntax', message: 'bad' }],
        warnings: 4,
      },
      { sources: ['x'] },
    );
    expect(s).toEqual({
      files: 9,
      rules: 7,
      byVendor: { sigma: 3, elastic: 4 },
      failures: 1,
      failuresByVendor: { sigma: 1 },
      failed: [{ path: 'a.yml', line: 3, code: 'yaml.syntax', message: 'bad' }],
      ruleFiles: 7,
      supportFiles: 2,
      hunts: 2,
      diagnostics: { warning: 4, error: 1 },
      sources: ['x'],
    });
    expect(() => CorpusSummarySchema.parse(s)).not.toThrow();
  });
});

describe('case classes', () => {
  const rule = (id: string, value: string, cs: boolean) =>
    makeRule({ id, title: id, vendor: 'elastic', language: 'eql', techniques: ['T1059'], filter: predicate(field('f', 'f'), 'eq', value, { caseSensitive: cs }) });
  const rows = (rules: ReturnType<typeof rule>[]) =>
    buildCatalog(rules).techniques[0]!.indicators.map((r) => [r.value, r.count, r.caseSensitive]);

  it('keeps case-sensitive values that differ in case apart', () => {
    expect(rows([rule('a', 'Foo', true), rule('b', 'foo', true)])).toEqual([
      ['Foo', 1, 1],
      ['foo', 1, 1],
    ]);
  });

  it('joins them in the row of a case-insensitive use, counting each rule once', () => {
    const both = makeRule({
      id: 'c',
      title: 'c',
      vendor: 'sigma',
      language: 'sigma',
      techniques: ['T1059'],
      filter: or([predicate(field('f', 'f'), 'eq', 'FOO', { caseSensitive: true }), predicate(field('f', 'f'), 'eq', 'foo')]),
    });
    expect(rows([rule('a', 'Foo', true), rule('b', 'foo', true), both, rule('d', 'fOO', false)])).toEqual([['foo', 4, 3]]);
  });
});

describe('predicate roles', () => {
  it('finds top-level exclusions through nested conjunctions, never under or', async () => {
    const { classifyPredicates } = await import('../../src/catalog/classify.js');
    const { and, or, not, predicate } = await import('../../src/ast/build.js');
    const p = (f: string) => predicate(f, 'eq', 'x');
    const roles = (filter: Parameters<typeof and>[0][number]) =>
      classifyPredicates({ kind: 'filter', filter }).map((u) => `${u.predicate.field!.name}:${u.role}`);
    // SPL `a=x b!=x`: a and (exists b and not b=x)
    expect(roles(and([p('a'), and([predicate('b', 'exists', true), not(p('b'))])]))).toEqual(['a:indicator', 'b:indicator', 'b:exclusion']);
    expect(roles(not(or([p('a'), p('b')])))).toEqual(['a:exclusion', 'b:exclusion']);
    expect(roles(or([p('a'), and([p('b'), not(p('c'))])]))).toEqual(['a:indicator', 'b:indicator', 'c:negated']);
    expect(roles(and([p('a'), not(and([p('b'), not(p('c'))]))]))).toEqual(['a:indicator', 'b:exclusion', 'c:negated']);
  });
});

describe('the aggregation input', () => {
  it('gives the same catalog whether the predicate identities are kept or interned as the rules are read', () => {
    const options = { attack: ATTACK, events: EVENTS };
    const kept = aggregateCatalog(catalogInput(smallCorpus()), options);
    const { input, collected } = catalogInputInterned(smallCorpus());
    expect(input.streams).toBeUndefined();
    const interned = aggregateCatalog(input, options, undefined, { collected });
    expect(JSON.stringify(interned.catalog)).toBe(JSON.stringify(kept.catalog));
    expect([...interned.reach]).toEqual([...kept.reach]);
    // Without the identities, the aggregation needs the interning it was given.
    expect(() => aggregateCatalog(input, options)).toThrow(/no predicate streams/);
  });

  it('takes the field pages\' slugs from a previous build when its fields come in the same order, and allocates them otherwise', () => {
    const options = { attack: ATTACK, events: EVENTS };
    const { input, collected } = catalogInputInterned(smallCorpus());
    const whole = aggregateCatalog(input, options, undefined, { collected });
    const known = whole.catalog.fields.map((f) => [fieldKey(f.field), f.slug] as const);
    expect(known.length).toBeGreaterThan(2);
    const slugsWith = (fieldSlugs: readonly (readonly [string, string])[]) => aggregateCatalog(input, options, undefined, { collected, fieldSlugs }).catalog.fields.map((f) => f.slug);
    expect(slugsWith(known)).toEqual(whole.catalog.fields.map((f) => f.slug));
    // The same order: the given slugs are the ones used.
    expect(slugsWith(known.map(([k], i) => [k, `given-${i}`] as const))).toEqual(known.map((_, i) => `given-${i}`));
    // Another order, or another number of fields: allocated again.
    const moved = [known[1]!, known[0]!, ...known.slice(2)].map(([k], i) => [k, `given-${i}`] as const);
    expect(slugsWith(moved)).toEqual(whole.catalog.fields.map((f) => f.slug));
    expect(slugsWith(known.slice(1))).toEqual(whole.catalog.fields.map((f) => f.slug));
  });

  it('computes the selected techniques and fields in full, every other one light (what a rebuild aggregates)', () => {
    const options = { attack: ATTACK, events: EVENTS };
    const { input, collected } = catalogInputInterned(smallCorpus());
    const whole = aggregateCatalog(input, options, undefined, { collected });
    const part = aggregateCatalog(input, options, { techniques: new Set(['T1114']), fields: new Set(['process.name']) }, { collected: restoreInterning(storeInterning(collected)) });
    for (const [i, t] of part.catalog.techniques.entries()) {
      const w = whole.catalog.techniques[i]!;
      if (t.id === 'T1114') expect(t).toEqual(w);
      else {
        // Light: the header figures the matrix, the summary and the layers read; no sections, no rule list.
        expect([t.id, t.slug, t.ruleCount, t.directRuleCount, t.byVendor, t.scope, t.subtechniques]).toEqual([w.id, w.slug, w.ruleCount, w.directRuleCount, w.byVendor, w.scope, w.subtechniques]);
        expect([t.rules, t.indicators, t.fields, t.events]).toEqual([[], [], [], []]);
      }
    }
    for (const [i, f] of part.catalog.fields.entries()) {
      const w = whole.catalog.fields[i]!;
      expect([f.field, f.slug, f.count]).toEqual([w.field, w.slug, w.count]);
      if (f.field === 'process.name') expect(f).toEqual(w);
      else expect(f.values).toEqual([]);
    }
    expect([part.catalog.matrix, part.catalog.summary]).toEqual([whole.catalog.matrix, whole.catalog.summary]);
    // With the field list's figures, now or when asked for: every other field's rules by vendor, written names
    // and number of values (its rows holes), as the whole catalog has them.
    const select = { techniques: new Set(['T1114']), fields: new Set(['process.name']) };
    const figures = (fs: typeof whole.catalog.fields) => fs.map((f) => [f.field, f.slug, f.count, f.byVendor, f.writtenAs, f.values.length]);
    const now = aggregateCatalog(input, options, { ...select, fieldFigures: true }, { collected: restoreInterning(storeInterning(collected)) });
    expect(now.fillFieldFigures).toBeUndefined();
    expect(figures(now.catalog.fields)).toEqual(figures(whole.catalog.fields));
    const later = aggregateCatalog(input, options, { ...select, fieldFigures: 'later' }, { collected: restoreInterning(storeInterning(collected)) });
    expect(later.catalog.fields.filter((f) => f.field !== 'process.name').every((f) => f.values.length === 0 && !Object.keys(f.byVendor).length)).toBe(true);
    later.fillFieldFigures!();
    expect(figures(later.catalog.fields)).toEqual(figures(whole.catalog.fields));
    expect(JSON.stringify(later.catalog.fields)).toBe(JSON.stringify(now.catalog.fields));
    // Each technique's members, by rule: the ids it is tagged with that make it one.
    expect(whole.members.get('T1114')).toEqual(new Map([[0, ['T1114.002']], [1, ['T1114.002']], [2, ['T1114.002', 'T1114']], [3, ['T1114']], [6, ['T1114.002']]]));
  });

  it('tells when a change leaves every rule slug as it was', () => {
    const facts = catalogInput(smallCorpus()).facts;
    const same = (i: number, change: Partial<(typeof facts)[number]>) => {
      const next = facts.slice();
      next[i] = { ...facts[i]!, ...change };
      const kept = sameSlugInputs(facts[i]!, next[i]!);
      // Whenever it says so, every slug is the same.
      if (kept) expect(ruleSlugs(next)).toEqual(ruleSlugs(facts));
      return kept;
    };
    expect(same(0, { title: 'Another title', tactics: ['TA0001'] })).toBe(true);
    expect(same(0, { id: 'another-id' })).toBe(false);
    expect(same(0, { path: 'elsewhere.yml' })).toBe(false);
    expect(same(0, { line: 7 })).toBe(false);
    expect(same(0, { vendor: 'splunk' })).toBe(false);
    // An id that leaves no slug falls back to the title: then the title counts too.
    const noSlug = facts.slice();
    noSlug[1] = { ...facts[1]!, id: '///' };
    expect(sameSlugInputs(noSlug[1]!, { ...noSlug[1]!, title: 'Other' })).toBe(false);
    expect(sameSlugInputs(noSlug[1]!, { ...noSlug[1]!, status: 'stable' })).toBe(true);
  });

  it('gives the same catalog from an interning stored as columns and restored (what an incremental build keeps)', () => {
    const options = { attack: ATTACK, events: EVENTS };
    const { input, collected } = catalogInputInterned(smallCorpus());
    const direct = aggregateCatalog(input, options, undefined, { collected });
    const restored = restoreInterning(storeInterning(collected));
    const again = aggregateCatalog(input, options, undefined, { collected: restored });
    expect(JSON.stringify(again.catalog)).toBe(JSON.stringify(direct.catalog));
    expect([...again.reach]).toEqual([...direct.reach]);
    // Each key keeps what the aggregation reads of it.
    const seen = (c: typeof collected) => Array.from({ length: c.keyCols.fid.length }, (_, k) => c.key(k)).map((k) => [k.fid, k.opId, k.field, k.op, k.display, k.regex ?? null, k.indRules, k.exclRules]);
    expect(seen(restored)).toEqual(seen(collected));
  });
});
