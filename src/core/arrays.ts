/**
 * Append many items without `target.push(...items)`: a spread passes every
 * item as a call argument, and a list of a few hundred thousand values (which
 * hostile or merely large rules have) overflows the call stack.
 */
export function pushAll<T>(target: T[], items: readonly T[]): T[] {
  for (let i = 0; i < items.length; i++) target.push(items[i]!);
  return target;
}
