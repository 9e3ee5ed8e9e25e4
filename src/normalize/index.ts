/**
 * Normalization entry point (placeholder until the normalization work lands):
 * fills canonical field names, applies value rewrites, infers covered events
 * and resolves ATT&CK ids. The contract: `createNormalizer(options)` returns an
 * object whose `normalizeRule(rule)` returns a new Rule (inputs are not mutated).
 */
import type { Rule } from '../ast/schema.js';
import type { AttackData } from '../attack/types.js';

export interface NormalizeOptions {
  /** User field mappings (see docs/normalization.md), validated. */
  mappings?: unknown;
  /** ATT&CK data; defaults to the bundled table in seeds/. */
  attack?: AttackData;
}

export interface Normalizer {
  normalizeRule(rule: Rule): Rule;
}

export function createNormalizer(_options: NormalizeOptions = {}): Normalizer {
  return { normalizeRule: (rule) => rule };
}
