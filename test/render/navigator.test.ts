import { describe, expect, it } from 'vitest';
import { buildCatalog } from '../../src/catalog/build.js';
import { NavigatorLayerSchema, navigatorLayers } from '../../src/render/navigator.js';
import { ATTACK, smallCorpus } from '../catalog/fixtures.js';

const scores = (l: { techniques?: { techniqueID: string; score?: number }[] }) => Object.fromEntries((l.techniques ?? []).map((t) => [t.techniqueID, t.score]));

describe('ATT&CK Navigator layers', () => {
  const rules = smallCorpus();
  rules[0]!.attack.techniques.push('T1685', 'T1000'); // unknown (newer ATT&CK) and revoked
  const cat = buildCatalog(rules, { attack: ATTACK });
  const { all, byVendor } = navigatorLayers(cat);

  it('validates against the layer format 4.5 rules', () => {
    for (const layer of [all, ...Object.values(byVendor)]) expect(NavigatorLayerSchema.safeParse(layer).success).toBe(true);
    expect(all.versions).toEqual({ navigator: '5.2.0', layer: '4.5' }); // test ATT&CK data has no release number
  });

  it('scores techniques by distinct rules; parents by their roll-up', () => {
    expect(scores(all)).toEqual({ T1059: 1, 'T1059.001': 1, T1114: 5, 'T1114.002': 4 });
    expect(Object.keys(byVendor).sort()).toEqual(['elastic', 'sigma', 'splunk']);
    expect(scores(byVendor.sigma!)).toEqual({ T1059: 1, 'T1059.001': 1, T1114: 2, 'T1114.002': 1 });
    expect(scores(byVendor.elastic!)).toEqual({ T1114: 2, 'T1114.002': 2 });
    expect(scores(byVendor.splunk!)).toEqual({ T1114: 1, 'T1114.002': 1 });
    expect(all.gradient).toEqual({ colors: ['#ffffff', '#ffb366', '#e6550d'], minValue: 0, maxValue: 5 });
    const t1114 = all.techniques!.find((t) => t.techniqueID === 'T1114')!;
    expect(t1114.metadata).toContainEqual({ name: 'tagged with this id itself', value: '2' });
    expect(t1114.metadata).toContainEqual({ name: 'Sigma', value: '2' });
  });

  it('leaves out unknown and revoked ids and says so', () => {
    expect(all.metadata).toContainEqual({ name: 'ids left out (unknown, revoked or deprecated in the ATT&CK data)', value: 'T1000, T1685' });
  });

  it('writes the ATT&CK major version when ATT&CK data was given', () => {
    const c = buildCatalog(smallCorpus(), { attack: { ...ATTACK, version: 'enterprise-attack 18.1' } });
    expect(navigatorLayers(c).all.versions).toEqual({ attack: '18', navigator: '5.2.0', layer: '4.5' });
  });

  it('the schema rejects what the format forbids', () => {
    const bad = (patch: Record<string, unknown>) => NavigatorLayerSchema.safeParse({ ...all, ...patch }).success;
    expect(bad({})).toBe(true);
    expect(bad({ techniques: [{ techniqueID: 'T12', score: 1 }] })).toBe(false);
    expect(bad({ techniques: [{ techniqueID: 'T1059', score: 'high' }] })).toBe(false);
    expect(bad({ versions: { navigator: '4.8.0', layer: '4.5' } })).toBe(false);
    expect(bad({ gradient: { colors: ['#ffffff'], minValue: 0, maxValue: 1 } })).toBe(false);
    expect(bad({ gradient: { colors: ['#ffffff', '#000000'], minValue: 3, maxValue: 3 } })).toBe(false);
    expect(bad({ metadata: [{ name: 'x' }] })).toBe(false);
    expect(bad({ domain: 'enterprise' })).toBe(false);
  });
});
