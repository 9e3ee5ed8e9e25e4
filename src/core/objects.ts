/**
 * Set an own property whose key comes from rule data. A plain
 * `obj[key] = value` with the key `__proto__` would replace the object's
 * prototype instead of storing the value (and lose the key); every record
 * built from untrusted keys goes through here.
 */
export function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}
