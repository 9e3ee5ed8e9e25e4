/**
 * The canonical namespace: ECS field names (the `EcsFlat` list that the
 * `@elastic/ecs` package ships, reduced to its names at build time by
 * grammars/ecs-names.mjs) plus the declared extension prefixes of
 * seeds/fields/extensions.json.
 */
import { ECS_FIELD_NAMES } from '../generated/ecs-names.js';
import { readSeedJson } from './seeds.js';

export interface ExtensionTable {
  source: string;
  prefixes: Array<{ prefix: string; owner: string }>;
}

let ecsNames: Set<string> | undefined;
let extensionPrefixes: string[] | undefined;

/** Every ECS field name, including the declared multi-fields (`process.command_line.text`). */
export function ecsFieldNames(): Set<string> {
  return (ecsNames ??= new Set(ECS_FIELD_NAMES));
}

export function extensionPrefixList(): string[] {
  return (extensionPrefixes ??= readSeedJson<ExtensionTable>('fields/extensions.json').prefixes.map((p) => p.prefix));
}

export type FieldStatus = 'ecs' | 'extension' | 'unknown';

/** Classify a canonical name: an ECS field, a declared extension, or neither. */
export function classifyCanonical(name: string, extraPrefixes: readonly string[] = []): FieldStatus {
  if (ecsFieldNames().has(name)) return 'ecs';
  for (const p of extensionPrefixList()) if (name.startsWith(p) && name.length > p.length) return 'extension';
  for (const p of extraPrefixes) if (name.startsWith(p) && name.length > p.length) return 'extension';
  return 'unknown';
}
