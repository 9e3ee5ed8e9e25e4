/**
 * Append many items without `target.push(...items)`: a spread passes every
 * item as a call argument, and a list of a few hundred thousand values (which
 * hostile or merely large rules have) overflows the call stack.
 */
export function pushAll<T>(target: T[], items: readonly T[]): T[] {
  for (let i = 0; i < items.length; i++) target.push(items[i]!);
  return target;
}

/**
 * `list` with a backing store of exactly its length. V8 gives an array that
 * grows by `push` room for about 16 more elements (a two-item list takes 200
 * bytes instead of 72); sizing the many small lists a loaded corpus keeps
 * (tags, authors, children, rule lists) exactly saved about 11 of 200 MB of
 * live heap (docs/performance.md, "Memory").
 * `slice()` copies into an exactly sized store; use it where a list built by
 * `push` is finished and kept.
 */
export function exactSize<T>(list: T[]): T[] {
  return list.slice();
}
