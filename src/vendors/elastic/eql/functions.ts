/**
 * The EQL function set. Names are matched case-insensitively: Elasticsearch
 * resolves `cidrmatch`, `startswith~`, `stringcontains` (53 production rules
 * spell them so), although the Python eql library does not.
 *
 * `dialect` says who accepts the function: `es` (Elasticsearch EQL function
 * reference) or `endgame` (the eql library / Endpoint only; Elasticsearch
 * rejects it). `pattern` marks the string-matching functions that become
 * wildcard predicates; `cidr` the one that becomes cidr predicates.
 */

export interface EqlFunction {
  /** Canonical spelling. */
  name: string;
  dialect: 'es' | 'endgame';
  /** Argument count bounds (max Infinity for variadic). */
  min: number;
  max: number;
  /** How a call used as a condition maps onto predicates, if it can. */
  maps?: 'startsWith' | 'endsWith' | 'stringContains' | 'cidrMatch';
  /** Why a call cannot be expressed as predicates (reason of the opaque node). */
  opaque?: string;
}

const FUNCTIONS: EqlFunction[] = [
  // Elasticsearch EQL (eql-function-ref.md).
  { name: 'add', dialect: 'es', min: 2, max: 2 },
  { name: 'between', dialect: 'es', min: 3, max: 4 },
  { name: 'cidrMatch', dialect: 'es', min: 2, max: Infinity, maps: 'cidrMatch' },
  { name: 'concat', dialect: 'es', min: 1, max: Infinity },
  { name: 'divide', dialect: 'es', min: 2, max: 2 },
  { name: 'endsWith', dialect: 'es', min: 2, max: 2, maps: 'endsWith' },
  { name: 'indexOf', dialect: 'es', min: 2, max: 3 },
  { name: 'length', dialect: 'es', min: 1, max: 1 },
  { name: 'modulo', dialect: 'es', min: 2, max: 2 },
  { name: 'multiply', dialect: 'es', min: 2, max: 2 },
  { name: 'number', dialect: 'es', min: 1, max: 2 },
  { name: 'startsWith', dialect: 'es', min: 2, max: 2, maps: 'startsWith' },
  { name: 'string', dialect: 'es', min: 1, max: 1 },
  { name: 'stringContains', dialect: 'es', min: 2, max: 2, maps: 'stringContains' },
  { name: 'substring', dialect: 'es', min: 2, max: 3 },
  { name: 'subtract', dialect: 'es', min: 2, max: 2 },
  // Endgame / Endpoint only (eql library functions.py).
  { name: 'arrayContains', dialect: 'endgame', min: 2, max: Infinity, opaque: 'Endgame arrayContains(): array element test (case-insensitive Endgame comparison)' },
  { name: 'arrayCount', dialect: 'endgame', min: 3, max: 3, opaque: 'Endgame arrayCount(): counts array elements matching a sub-condition' },
  { name: 'arraySearch', dialect: 'endgame', min: 3, max: 3, opaque: 'Endgame arraySearch(): sub-condition over array elements with a $variable' },
  { name: 'match', dialect: 'endgame', min: 2, max: Infinity, opaque: 'Endgame match(): Python regular expressions' },
  { name: 'matchLite', dialect: 'endgame', min: 2, max: Infinity, opaque: 'Endgame matchLite(): Python regular expressions' },
  { name: 'safe', dialect: 'endgame', min: 1, max: 1, opaque: 'Endgame safe(): error-suppressing wrapper' },
  { name: 'wildcard', dialect: 'endgame', min: 2, max: Infinity, opaque: 'Endgame wildcard(): Endgame wildcard semantics (only * is special)' },
];

const BY_LOWER = new Map(FUNCTIONS.map((f) => [f.name.toLowerCase(), f]));

export function lookupFunction(name: string): EqlFunction | undefined {
  return BY_LOWER.get(name.toLowerCase());
}
