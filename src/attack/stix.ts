/**
 * Converting an ATT&CK STIX 2.1 bundle to AttackData at run time
 * (`--attack <bundle.json>`). Same rules as seeds/build-attack.mjs, but the
 * whole description is kept (citations and markdown links removed), since a
 * user who passes a bundle wants the full text.
 */
import type { AttackData, AttackTactic, AttackTechnique } from './types.js';

interface StixObject {
  type: string;
  id: string;
  name?: string;
  description?: string;
  revoked?: boolean;
  x_mitre_deprecated?: boolean;
  x_mitre_shortname?: string;
  x_mitre_platforms?: string[];
  x_mitre_domains?: string[];
  x_mitre_version?: string;
  tactic_refs?: string[];
  kill_chain_phases?: Array<{ kill_chain_name: string; phase_name: string }>;
  external_references?: Array<{ source_name: string; external_id?: string; url?: string }>;
  relationship_type?: string;
  source_ref?: string;
  target_ref?: string;
}

const TECHNIQUE_ID = /^T\d{4}(\.\d{3})?$/;

/** Description text without `(Citation: …)` markers and markdown links. */
export function cleanDescription(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const t = text
    .replace(/\(Citation:[^)]*\)/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<\/?code>/g, '')
    .replace(/[ \t]+/g, ' ')
    .replace(/ +([.,;:])/g, '$1')
    .trim();
  return t || undefined;
}

function extRef(o: StixObject): { id?: string; url?: string } {
  const r = o.external_references?.find((x) => x.source_name === 'mitre-attack');
  return { id: r?.external_id, url: r?.url };
}

/** Build AttackData from a parsed STIX bundle (`{ objects: [...] }`). Throws on a value that is not a bundle. */
export function attackDataFromStix(bundle: unknown, versionHint?: string): AttackData {
  const objects = (bundle as { objects?: StixObject[] })?.objects;
  if (!Array.isArray(objects)) throw new Error('not a STIX bundle: no `objects` array');
  const matrix = objects.find((o) => o.type === 'x-mitre-matrix');
  const order = new Map((matrix?.tactic_refs ?? []).map((ref, i) => [ref, i]));
  const tactics: AttackTactic[] = objects
    .filter((o) => o.type === 'x-mitre-tactic' && !o.revoked && !o.x_mitre_deprecated)
    .map((t) => ({ id: extRef(t).id ?? '', shortname: t.x_mitre_shortname ?? '', name: t.name ?? '', order: order.get(t.id) ?? 99 }))
    .filter((t) => t.id)
    .sort((a, b) => a.order - b.order);
  const byShort = new Map(tactics.map((t) => [t.shortname, t.id]));
  const patterns = new Map<string, StixObject>();
  for (const o of objects) if (o.type === 'attack-pattern') patterns.set(o.id, o);
  const parentOf = new Map<string, string>();
  const revokedBy = new Map<string, string>();
  for (const r of objects) {
    if (r.type !== 'relationship' || r.revoked || !r.source_ref || !r.target_ref) continue;
    if (r.relationship_type === 'subtechnique-of') parentOf.set(r.source_ref, r.target_ref);
    else if (r.relationship_type === 'revoked-by') revokedBy.set(r.source_ref, r.target_ref);
  }
  const techniques: Record<string, AttackTechnique> = {};
  for (const o of patterns.values()) {
    const { id, url } = extRef(o);
    if (!id || !TECHNIQUE_ID.test(id)) continue;
    if (o.x_mitre_domains && !o.x_mitre_domains.includes('enterprise-attack')) continue;
    const tac: string[] = [];
    for (const k of o.kill_chain_phases ?? []) {
      const tid = k.kill_chain_name === 'mitre-attack' ? byShort.get(k.phase_name) : undefined;
      if (tid && !tac.includes(tid)) tac.push(tid);
    }
    const t: AttackTechnique = { id, name: o.name ?? id, tactics: tac };
    const p = parentOf.get(o.id);
    const pid = p ? extRef(patterns.get(p) ?? ({} as StixObject)).id : undefined;
    if (pid) t.parent = pid;
    else if (id.includes('.')) t.parent = id.split('.')[0];
    if (o.x_mitre_platforms?.length) t.platforms = o.x_mitre_platforms;
    if (o.revoked) {
      t.revoked = true;
      const rb = revokedBy.get(o.id);
      const rid = rb ? extRef(patterns.get(rb) ?? ({} as StixObject)).id : undefined;
      if (rid) t.revokedBy = rid;
    }
    if (o.x_mitre_deprecated) t.deprecated = true;
    const d = o.revoked ? undefined : cleanDescription(o.description);
    if (d) t.description = d;
    if (url) t.url = url;
    techniques[id] = t;
  }
  // Follow chains of revocations to the last id.
  for (const t of Object.values(techniques)) {
    for (let i = 0; i < 10 && t.revokedBy && techniques[t.revokedBy]?.revoked && techniques[t.revokedBy]!.revokedBy; i++) t.revokedBy = techniques[t.revokedBy]!.revokedBy;
  }
  const version = versionHint ?? `enterprise-attack ${matrix?.x_mitre_version ?? 'unknown'}`;
  return { version, tactics, techniques };
}
