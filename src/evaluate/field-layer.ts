/**
 * The canonical field layer as the evaluator sees it: a function from an
 * event's own field name (Sigma/Windows `Image`, CIM `Processes.process_name`,
 * ECS `process.executable`) to the canonical (ECS-based) name, given what the
 * event says about its source. Rules carry `field.canonical` from the
 * normalizer; events are mapped through the same tables so that a rule from
 * any vendor finds its fields in any event shape.
 *
 * `normalizerLayer()` (src/evaluate/normalizer-layer.ts) builds it from the
 * normalizer's own tables (FieldResolver); `IDENTITY_LAYER` maps nothing, and
 * lookups then fall back to the field name as written (which is how Sigma
 * rules meet Windows events).
 */
import { BASENAME_FIELDS } from '../normalize/rewrites.js';
import type { EventClass } from './logsource.js';

export interface FieldLayer {
  /** Canonical name of an event field, or undefined when unknown. `ctx` is the event's class (null when unknown). */
  canonicalOf(key: string, ctx: EventClass | null): string | undefined;
}

export const IDENTITY_LAYER: FieldLayer = { canonicalOf: () => undefined };

/** A layer with a per-(context, key) cache: mapping runs once per distinct key, not once per event. */
export function cachedLayer(fn: (key: string, ctx: EventClass | null) => string | undefined): FieldLayer {
  const cache = new Map<string, Map<string, string | null>>();
  return {
    canonicalOf(key, ctx) {
      let perCtx = cache.get(ctx ? ctx.id : '');
      if (!perCtx) cache.set(ctx ? ctx.id : '', (perCtx = new Map()));
      let v = perCtx.get(key);
      if (v === undefined) {
        v = fn(key, ctx) ?? null;
        perCtx.set(key, v);
      }
      return v ?? undefined;
    },
  };
}

/**
 * Canonical names that are derived from another canonical field when the
 * event does not carry them itself: the normalizer rewrites `Image|endswith:
 * '\\x.exe'` to `process.name eq "x.exe"` (its BASENAME_FIELDS table), and
 * Winlogbeat derives `process.name` from `process.executable` the same way.
 */
export const BASENAME_DERIVED: ReadonlyArray<readonly [from: string, to: string]> = Object.entries(BASENAME_FIELDS);
export const BASENAME_TARGETS: ReadonlySet<string> = new Set(Object.values(BASENAME_FIELDS));

/** Windows path or POSIX path basename (after the last `\` or `/`). */
export function basename(v: string): string {
  let i = v.length - 1;
  for (; i >= 0; i--) {
    const c = v.charCodeAt(i);
    if (c === 92 || c === 47) break;
  }
  return i < 0 ? v : v.slice(i + 1);
}
