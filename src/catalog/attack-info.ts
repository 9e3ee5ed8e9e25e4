/**
 * ATT&CK names, parents and tactics for the catalog, with or without an
 * ATT&CK bundle. Without one the catalog works on ids alone: names are null,
 * a sub-technique's parent is the id before the dot, and tactics come from
 * the rules' own tactic tags (an approximation, marked `tacticsFrom: rules`).
 */
import type { AttackData, AttackTactic, AttackTechnique } from '../attack/types.js';
import type { TacticRef } from './schema.js';

const SUB = /^(T\d{4})\.\d{3}$/;

export function parentOf(id: string): string | null {
  const m = SUB.exec(id);
  return m ? m[1]! : null;
}

/** Normalized form of a technique tag: trimmed, upper-case `T`. */
export function normalizeTechniqueId(id: string): string {
  return id.trim().toUpperCase();
}

export class AttackInfo {
  readonly tacticsById = new Map<string, AttackTactic>();
  readonly tacticsByShort = new Map<string, AttackTactic>();

  constructor(readonly data: AttackData | undefined) {
    for (const t of data?.tactics ?? []) {
      this.tacticsById.set(t.id.toUpperCase(), t);
      this.tacticsByShort.set(t.shortname.toLowerCase(), t);
      this.tacticsByShort.set(t.name.toLowerCase(), t);
    }
  }

  technique(id: string): AttackTechnique | undefined {
    return this.data?.techniques[id];
  }

  /** Resolve a tactic tag (`TA0009`, `collection`, `Collection`, `credential_access`). */
  tactic(tag: string): TacticRef {
    const t =
      this.tacticsById.get(tag.toUpperCase()) ??
      this.tacticsByShort.get(tag.toLowerCase()) ??
      this.tacticsByShort.get(tag.toLowerCase().replace(/[_ ]/g, '-'));
    if (t) return { id: t.id, name: t.name, shortname: t.shortname };
    return { id: tag, name: null, shortname: null };
  }

  /** Tactics in matrix order (empty without ATT&CK data). */
  orderedTactics(): AttackTactic[] {
    return [...(this.data?.tactics ?? [])].sort((a, b) => a.order - b.order);
  }
}
