/**
 * Bounds on the work one rule file may cost. Rule repositories are untrusted
 * input: every limit here turns a hostile file into a diagnostic instead of a
 * hang or a crash. All are configurable through `LoadOptions.limits`.
 * docs/security.md lists them.
 */
export interface Limits {
  /** Largest file read, in bytes. */
  maxFileBytes: number;
  /** Longest query text handed to a query grammar, in characters. */
  maxQueryChars: number;
  /** Deepest nesting of parentheses / YAML collections accepted. */
  maxDepth: number;
  /** Most YAML alias dereferences per document. */
  maxYamlAliases: number;
  /** Most nodes a YAML document may have once its aliases are expanded (alias bombs). */
  maxYamlNodes: number;
  /** Most values in one list or one value list. */
  maxListItems: number;
  /** Most nested Splunk macro expansions, and the largest expanded search. */
  maxMacroDepth: number;
  maxExpandedChars: number;
  /** Most predicates one rule may expand into (Sigma windash/base64offset/expand products). */
  maxPredicatesPerRule: number;
  /** Largest regex source accepted. */
  maxRegexChars: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxFileBytes: 8 * 1024 * 1024,
  maxQueryChars: 1_000_000,
  maxDepth: 256,
  maxYamlAliases: 1_000,
  maxYamlNodes: 1_000_000,
  maxListItems: 200_000,
  maxMacroDepth: 32,
  maxExpandedChars: 2_000_000,
  maxPredicatesPerRule: 100_000,
  maxRegexChars: 10_000,
};

export function resolveLimits(partial?: Partial<Limits>): Limits {
  return { ...DEFAULT_LIMITS, ...(partial ?? {}) };
}
