import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { predicate } from '../../src/ast/build.js';
import { loadAttackBundle, loadAttackData, loadCrosswalk, normalizeTechniqueText, resolveTactic, resolveTechnique, tacticIndex } from '../../src/attack/index.js';
import { createNormalizer, seedsDir } from '../../src/normalize/index.js';
import { SHARED } from '../helpers/corpora.js';
import { makeRule } from './rules.js';

const data = loadAttackData();

describe('bundled ATT&CK table', () => {
  it('has the v18.1 techniques, tactics in matrix order, and MITRE notice beside it', () => {
    expect(data.version).toBe('enterprise-attack 18.1');
    expect(data.tactics.map((t) => t.shortname)).toEqual(['reconnaissance', 'resource-development', 'initial-access', 'execution', 'persistence', 'privilege-escalation', 'defense-evasion', 'credential-access', 'discovery', 'lateral-movement', 'collection', 'command-and-control', 'exfiltration', 'impact']);
    const all = Object.values(data.techniques);
    expect(all.filter((t) => !t.revoked && !t.deprecated)).toHaveLength(691);
    expect(all.filter((t) => t.revoked)).toHaveLength(132);
    expect(data.techniques['T1059.001']).toMatchObject({ name: 'PowerShell', tactics: ['TA0002'], parent: 'T1059' });
    expect(data.techniques['T1059.001']!.description).toMatch(/^Adversaries may abuse PowerShell/);
    expect(data.techniques['T1059.001']!.description).not.toMatch(/Citation/);
    const table = join(seedsDir(), 'attack', 'enterprise-attack.json');
    expect(statSync(table).size).toBeLessThan(400 * 1024);
    expect(readFileSync(join(seedsDir(), 'attack', 'LICENSE.txt'), 'utf8')).toContain('This work is reproduced and distributed with the permission of The MITRE Corporation.');
  });

  it('every revoked technique points at a live replacement or none', () => {
    for (const t of Object.values(data.techniques)) {
      if (!t.revokedBy) continue;
      expect(data.techniques[t.revokedBy], t.id).toBeDefined();
      expect(data.techniques[t.revokedBy]!.revoked, t.id).toBeFalsy();
    }
  });
});

describe('resolveTechnique', () => {
  it('normalizes the written forms', () => {
    for (const s of ['attack.t1059.001', 'T1059.001', ' t1059.001 ', 'ATTACK.T1059.001']) expect(resolveTechnique(s, data)).toEqual({ id: 'T1059.001', status: 'ok' });
    expect(normalizeTechniqueText('attack.execution')).toBeNull();
    expect(resolveTechnique('TA0002', data).status).toBe('invalid');
  });
  it('maps revoked ids to their replacement', () => {
    expect(resolveTechnique('T1574.002', data)).toEqual({ id: 'T1574.001', status: 'revoked', from: 'T1574.002' });
    expect(resolveTechnique('T1547.011', data)).toEqual({ id: 'T1647', status: 'revoked', from: 'T1547.011' });
  });
  it('maps ATT&CK v19 ids through the crosswalk, keeps unknown ids', () => {
    expect(resolveTechnique('attack.t1685', data)).toEqual({ id: 'T1562.001', status: 'v19', from: 'T1685' });
    expect(resolveTechnique('T1686.003', data)).toEqual({ id: 'T1562.004', status: 'v19', from: 'T1686.003' });
    expect(resolveTechnique('T1685.005', data)).toEqual({ id: 'T1070.001', status: 'v19', from: 'T1685.005' });
    expect(resolveTechnique('T9999', data)).toEqual({ id: 'T9999', status: 'unknown' });
  });
  it('the crosswalk targets live v18 ids and every entry names its evidence', () => {
    const cw = loadCrosswalk();
    for (const [v19, e] of Object.entries(cw.techniques)) {
      expect(data.techniques[v19], v19).toBeUndefined();
      expect(data.techniques[e.v18], v19).toBeDefined();
      expect(data.techniques[e.v18]!.revoked, v19).toBeFalsy();
      expect(e.evidence.length, v19).toBeGreaterThan(20);
    }
  });
  it('resolves tactics by id, short name, name and v19 name', () => {
    const idx = tacticIndex(data);
    expect(resolveTactic('TA0002', idx)).toEqual(['TA0002']);
    expect(resolveTactic('attack.defense-evasion', idx)).toEqual(['TA0005']);
    expect(resolveTactic('Command and Control', idx)).toEqual(['TA0011']);
    expect(resolveTactic('attack.stealth', idx)).toEqual(['TA0005']);
    expect(resolveTactic('attack.defense-impairment', idx)).toEqual(['TA0005']);
    expect(resolveTactic('attack.g0032', idx)).toBeNull();
  });
});

describe('normalizeRule: attack', () => {
  const n = createNormalizer();
  const rule = (techniques: string[], tactics: string[] = []) => makeRule('sigma', predicate('CommandLine', 'eq', 'x'), { product: 'windows', category: 'process_creation' }, { attack: { techniques, tactics, raw: techniques } });

  it('resolves, deduplicates and derives tactics when the vendor gave none', () => {
    const out = n.normalizeRule(rule(['T1685', 'T1562.001', 'attack.t1574.002', 'T1059.001']));
    expect(out.attack.techniques).toEqual(['T1562.001', 'T1574.001', 'T1059.001']);
    expect(out.attack.tactics).toEqual(['TA0005', 'TA0003', 'TA0004', 'TA0002']);
    expect(out.attack.raw).toEqual(['T1685', 'T1562.001', 'attack.t1574.002', 'T1059.001']);
    expect(out.diagnostics.map((d) => `${d.severity} ${d.code}`)).toEqual(['info attack.v19-technique', 'info attack.revoked-technique']);
  });
  it('keeps vendor tactics (as TA ids) and flags unknown ids as warnings', () => {
    const out = n.normalizeRule(rule(['T1660', 'T1059'], ['execution', 'attack.stealth', 'made-up']));
    expect(out.attack.techniques).toEqual(['T1660', 'T1059']);
    expect(out.attack.tactics).toEqual(['TA0002', 'TA0005', 'made-up']);
    expect(out.diagnostics).toMatchObject([
      { severity: 'warning', code: 'attack.unknown-technique' },
      { severity: 'warning', code: 'attack.unknown-tactic' },
    ]);
  });
  it('uses a user-supplied ATT&CK data set', () => {
    const custom = { version: 'custom', tactics: data.tactics, techniques: { T1660: { id: 'T1660', name: 'Phishing', tactics: ['TA0001'] } } };
    const out = createNormalizer({ attack: custom }).normalizeRule(rule(['T1660']));
    expect(out.attack).toMatchObject({ techniques: ['T1660'], tactics: ['TA0001'] });
    expect(out.diagnostics).toEqual([]);
  });
});

const BUNDLE = resolve(SHARED, 'attack', 'enterprise-attack-v18.1.json');
describe.skipIf(!existsSync(BUNDLE))('loadAttackBundle (../shared/attack)', () => {
  it('loads a STIX bundle at run time with full descriptions, agreeing with the bundled table', () => {
    const b = loadAttackBundle(BUNDLE);
    expect(b.version).toBe('enterprise-attack 18.1');
    expect(Object.keys(b.techniques).sort()).toEqual(Object.keys(data.techniques).sort());
    for (const id of ['T1059.001', 'T1114.002', 'T1574.002']) {
      const { description: d1, ...rest1 } = b.techniques[id]!;
      const { description: d2, ...rest2 } = data.techniques[id]!;
      expect({ ...rest1, url: undefined }).toEqual({ ...rest2, url: undefined });
      if (d2) expect(d1!.startsWith(d2.replace(/…$/, '').slice(0, 200))).toBe(true);
    }
    expect(b.techniques['T1059.001']!.description!.length).toBeGreaterThan(data.techniques['T1059.001']!.description!.length);
    expect(() => loadAttackBundle(join(SHARED, 'README.md'))).toThrow(/cannot read ATT&CK bundle/);
  });
});

describe('seeds folder', () => {
  it('is found from the source tree and from a bundled dist/ one level below the package root', async () => {
    const { mkdtempSync, mkdirSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { findSeedsDir } = await import('../../src/normalize/seeds.js');
    const root = mkdtempSync(join(tmpdir(), 'ruleatlas-seeds-'));
    mkdirSync(join(root, 'seeds', 'attack'), { recursive: true });
    writeFileSync(join(root, 'seeds', 'attack', 'enterprise-attack.json'), '{}');
    mkdirSync(join(root, 'dist'));
    mkdirSync(join(root, 'src', 'normalize'), { recursive: true });
    expect(findSeedsDir(join(root, 'dist'))).toBe(join(root, 'seeds'));
    expect(findSeedsDir(join(root, 'src', 'normalize'))).toBe(join(root, 'seeds'));
    expect(findSeedsDir(tmpdir())).toBeNull();
    expect(seedsDir()).toBe(resolve(__dirname, '..', '..', 'seeds'));
  });
});
