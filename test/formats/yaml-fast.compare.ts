/**
 * Comparing the fast YAML reader with the js-yaml path, for the yaml-fast
 * tests. Equality here is stricter than deep equality: object keys and Map
 * entries must come in the same order, numbers must be the same (-0, NaN),
 * and every object must be a plain object, array or Map as on the js-yaml path.
 */
import { SourceFile } from '../../src/core/source-file.js';
import { DEFAULT_LIMITS, type Limits } from '../../src/core/limits.js';
import { parseYaml, parseYamlSlow } from '../../src/formats/yaml.js';
import { readYamlFast, Unsupported } from '../../src/formats/yaml-fast.js';

/** A canonical, order-preserving rendering of a value (values, position trees, diagnostics). */
export function canon(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'number') return Object.is(v, -0) ? 'n:-0' : `n:${String(v)}`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(canon).join(',')}]`;
  if (v instanceof Map) return `Map{${[...v].map(([k, x]) => `${canon(k)}=>${canon(x)}`).join(',')}}`;
  if (typeof v === 'object') {
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype) return `<object with another prototype>`;
    return `{${Object.keys(v)
      .map((k) => `${JSON.stringify(k)}:${canon((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return `<${typeof v}>`;
}

export interface Comparison {
  /** Set when the fast reader gave up (then nothing was compared). */
  fallback?: string;
  /** Set when the fast reader's answer differs from the js-yaml path's. */
  diff?: string;
}

/** Run both readers on `text`; with `positions` both ways unless told. */
export function compareWithSlow(text: string, limits: Limits = DEFAULT_LIMITS, positions: boolean[] = [true, false]): Comparison {
  const file = new SourceFile('t.yml', text);
  let fallback: string | undefined;
  for (const withPositions of positions) {
    const fast = readYamlFast(text, limits, withPositions);
    const slow = parseYamlSlow(file, limits, withPositions);
    // parseYaml must always answer what the js-yaml path answers.
    const both = parseYaml(file, limits, withPositions);
    if (canon(both) !== canon(slow)) return { diff: `parseYaml differs from parseYamlSlow (positions ${withPositions})` };
    if (fast instanceof Unsupported) {
      // An exception inside the reader is a bug even though parseYaml stays correct.
      if (fast.reason.startsWith('internal')) return { diff: `the fast reader threw: ${fast.reason}` };
      fallback = fast.reason;
      continue;
    }
    const a = canon({ documents: fast, diagnostics: [] });
    const b = canon(slow);
    if (a !== b) return { diff: `positions ${withPositions}:\nfast ${a}\nslow ${b}` };
  }
  return fallback === undefined ? {} : { fallback };
}
