/**
 * The canonical field layer as the evaluator sees it: a function from an
 * event's own field name (Sigma/Windows `Image`, CIM `Processes.process_name`,
 * ECS `process.executable`) to the canonical (ECS-based) name, given what the
 * event says about its source. Rules carry `field.canonical` from the
 * normalizer; events are mapped through the same tables so that a rule from
 * any vendor finds its fields in any event shape.
 *
 * `createFieldLayer()` builds the layer from the normalizer's exported
 * mapping API when it provides one (`canonicalEventField`); otherwise the
 * layer is the identity and lookups fall back to the field name as written
 * (which is how Sigma rules meet Windows events).
 */
import type { EventClass } from './logsource.js';

export interface FieldLayer {
  /** Canonical name of an event field, or undefined when unknown. `ctx` is the event's class (null when unknown). */
  canonicalOf(key: string, ctx: EventClass | null): string | undefined;
}

export const IDENTITY_LAYER: FieldLayer = { canonicalOf: () => undefined };

/** A layer with a per-(context, key) cache: mapping runs once per distinct key, not once per event. */
export function cachedLayer(fn: (key: string, ctx: EventClass | null) => string | undefined): FieldLayer {
  const cache = new Map<string, string | null>();
  return {
    canonicalOf(key, ctx) {
      const ck = (ctx ? [...ctx.categories].join(',') + '|' + [...ctx.services].join(',') : '') + '\u0000' + key;
      let v = cache.get(ck);
      if (v === undefined) {
        v = fn(key, ctx) ?? null;
        cache.set(ck, v);
      }
      return v ?? undefined;
    },
  };
}

/**
 * Canonical names that are derived from another canonical field when the
 * event does not carry them itself: the normalizer rewrites `Image|endswith:
 * '\x.exe'` to `process.name eq "x.exe"`, and Winlogbeat derives
 * `process.name` from `process.executable` the same way.
 */
export const BASENAME_DERIVED: ReadonlyArray<readonly [from: string, to: string]> = [
  ['process.executable', 'process.name'],
  ['process.parent.executable', 'process.parent.name'],
  ['file.path', 'file.name'],
  ['dll.path', 'dll.name'],
];

/** Windows path or POSIX path basename (after the last `\` or `/`). */
export function basename(v: string): string {
  let i = v.length - 1;
  for (; i >= 0; i--) {
    const c = v.charCodeAt(i);
    if (c === 92 || c === 47) break;
  }
  return i < 0 ? v : v.slice(i + 1);
}
