/**
 * ATT&CK reference data: the bundled technique table (seeds/attack/, works
 * offline), STIX bundles loaded at run time, technique/tactic id resolution
 * (revoked -> replacement, ATT&CK v19 ids -> v18 through the crosswalk in
 * seeds/attack/v19-crosswalk.json).
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { readSeedJson } from '../normalize/seeds.js';
import { attackDataFromStix } from './stix.js';
import type { AttackData } from './types.js';

export type { AttackData, AttackTactic, AttackTechnique } from './types.js';
export { attackDataFromStix, cleanDescription } from './stix.js';

interface AttackSeed extends AttackData {
  source: unknown;
}

let bundled: AttackData | undefined;

/** The bundled ATT&CK table (synchronous, cached). */
export function loadAttackData(): AttackData {
  if (bundled) return bundled;
  const seed = readSeedJson<AttackSeed>('attack/enterprise-attack.json');
  for (const t of Object.values(seed.techniques)) if (!t.url) t.url = `https://attack.mitre.org/techniques/${t.id.replace('.', '/')}/`;
  bundled = { version: seed.version, tactics: seed.tactics, techniques: seed.techniques };
  return bundled;
}

/** A STIX 2.1 bundle from disk (adds full descriptions and newer releases). Throws with a clear message on a bad file. */
export function loadAttackBundle(path: string): AttackData {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read ATT&CK bundle ${path}: ${(e as Error).message}`);
  }
  const m = /v(\d+(?:\.\d+)*)/.exec(basename(path));
  return attackDataFromStix(json, m ? `enterprise-attack ${m[1]}` : undefined);
}

export interface Crosswalk {
  source: string;
  tactics: Record<string, { v18: string[]; evidence: string }>;
  techniques: Record<string, { v18: string; alsoFrom?: string[]; evidence: string }>;
}

export function loadCrosswalk(): Crosswalk {
  return readSeedJson<Crosswalk>('attack/v19-crosswalk.json');
}

export type TechniqueStatus = 'ok' | 'revoked' | 'deprecated' | 'v19' | 'unknown' | 'invalid';

export interface TechniqueResolution {
  /** The id to use (`T1059.001`); for unknown ids the normalized input. */
  id: string;
  status: TechniqueStatus;
  /** The id as normalized before resolution, when it differs from `id`. */
  from?: string;
}

const TECH = /^T\d{4}(\.\d{3})?$/;

/** `attack.t1059.001`, `T1059.001`, ` t1059.001 ` -> `T1059.001`; null when it is not a technique id. */
export function normalizeTechniqueText(raw: string): string | null {
  let s = raw.trim();
  if (/^attack\./i.test(s)) s = s.slice(7);
  s = s.toUpperCase();
  return TECH.test(s) ? s : null;
}

/** Resolve a technique id against ATT&CK data: revoked -> replacement, v19 -> v18 crosswalk, unknown kept. */
export function resolveTechnique(id: string, data: AttackData = loadAttackData(), crosswalk: Crosswalk = loadCrosswalk()): TechniqueResolution {
  const norm = normalizeTechniqueText(id);
  if (!norm) return { id: id.trim(), status: 'invalid' };
  const t = data.techniques[norm];
  if (t) {
    if (t.revoked) return t.revokedBy && data.techniques[t.revokedBy] ? { id: t.revokedBy, status: 'revoked', from: norm } : { id: norm, status: 'revoked' };
    return { id: norm, status: t.deprecated ? 'deprecated' : 'ok' };
  }
  const cw = crosswalk.techniques[norm];
  if (cw) {
    const target = data.techniques[cw.v18];
    if (target?.revoked && target.revokedBy) return { id: target.revokedBy, status: 'v19', from: norm };
    return { id: cw.v18, status: 'v19', from: norm };
  }
  return { id: norm, status: 'unknown' };
}

/** Tactic lookup keyed by TA id, shortname, lower-cased name and slug; v19 tactic names through the crosswalk. */
export function tacticIndex(data: AttackData, crosswalk: Crosswalk = loadCrosswalk()): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const t of data.tactics) {
    m.set(t.id.toLowerCase(), [t.id]);
    m.set(t.shortname.toLowerCase(), [t.id]);
    m.set(t.name.toLowerCase(), [t.id]);
    m.set(t.name.toLowerCase().replace(/[^a-z0-9]+/g, '-'), [t.id]);
    m.set(t.name.toLowerCase().replace(/[^a-z0-9]+/g, '_'), [t.id]);
  }
  for (const [name, v] of Object.entries(crosswalk.tactics)) if (!m.has(name)) m.set(name, v.v18);
  return m;
}

/** `attack.execution`, `Execution`, `TA0002`, `defense_evasion` -> TA ids; null when unknown. */
export function resolveTactic(raw: string, index: Map<string, string[]>): string[] | null {
  let s = raw.trim().toLowerCase();
  if (s.startsWith('attack.')) s = s.slice(7);
  return index.get(s) ?? index.get(s.replace(/[^a-z0-9]+/g, '-')) ?? null;
}
