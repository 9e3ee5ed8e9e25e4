/**
 * IPv4 and IPv6 addresses and CIDR blocks, as byte arrays.
 *
 * Decisions (docs/evaluator.md):
 * - A block with host bits set (`10.1.2.3/8`) is masked, not rejected: the
 *   parser already reports it, and the evaluator should still run the rule.
 * - An IPv4-mapped IPv6 address (`::ffff:10.1.2.3`) is matched by IPv4
 *   blocks, and an IPv4 address by `::ffff:0:0/96` blocks: it is the same host.
 * - A zone id (`fe80::1%eth0`) is ignored; leading zeros in IPv4 octets are
 *   rejected (ambiguous octal, like Python's `ipaddress`).
 */

export interface Cidr {
  bytes: Uint8Array;
  prefix: number;
}

const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;

export function parseIPv4(s: string): Uint8Array | null {
  const m = V4.exec(s);
  if (!m) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = m[i + 1]!;
    const n = Number(part);
    if (n > 255 || (part.length > 1 && part[0] === '0')) return null;
    out[i] = n;
  }
  return out;
}

export function parseIPv6(s0: string): Uint8Array | null {
  const pct = s0.indexOf('%');
  let s = pct === -1 ? s0 : s0.slice(0, pct);
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  if (s.length < 2 || s.indexOf(':') === -1) return null;
  let tail4: Uint8Array | null = null;
  if (s.includes('.')) {
    const last = s.lastIndexOf(':');
    tail4 = parseIPv4(s.slice(last + 1));
    if (!tail4) return null;
    s = s.slice(0, last + 1) + '0:0';
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  for (const g of head) if (!HEX_GROUP.test(g)) return null;
  for (const g of tail) if (!HEX_GROUP.test(g)) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...new Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const n = parseInt(g, 16);
    out[2 * i] = n >> 8;
    out[2 * i + 1] = n & 0xff;
  });
  if (tail4) out.set(tail4, 12);
  return out;
}

/** An address of either family; surrounding whitespace is not accepted (an event value is the address or it is not). */
export function parseIP(s: string): Uint8Array | null {
  if (s.length > 64) return null;
  return parseIPv4(s) ?? parseIPv6(s);
}

export function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf('/');
  const addr = parseIP(slash === -1 ? text.trim() : text.slice(0, slash).trim());
  if (!addr) return null;
  const bits = addr.length * 8;
  let prefix = bits;
  if (slash !== -1) {
    const p = text.slice(slash + 1).trim();
    if (!/^\d{1,3}$/.test(p) || Number(p) > bits) return null;
    prefix = Number(p);
  }
  return { bytes: addr, prefix };
}

function isV4Mapped(a: Uint8Array): boolean {
  if (a.length !== 16) return false;
  for (let i = 0; i < 10; i++) if (a[i] !== 0) return false;
  return a[10] === 0xff && a[11] === 0xff;
}

function prefixEqual(a: Uint8Array, b: Uint8Array, offsetA: number, prefix: number): boolean {
  const full = prefix >> 3;
  for (let i = 0; i < full; i++) if (a[offsetA + i] !== b[i]) return false;
  const rest = prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (a[offsetA + full]! & mask) === (b[full]! & mask);
}

export function cidrContains(block: Cidr, addr: Uint8Array): boolean {
  if (block.bytes.length === addr.length) return prefixEqual(addr, block.bytes, 0, block.prefix);
  if (block.bytes.length === 4 && isV4Mapped(addr)) return prefixEqual(addr, block.bytes, 12, block.prefix);
  if (block.bytes.length === 16 && addr.length === 4 && isV4Mapped(block.bytes) && block.prefix >= 96) {
    return prefixEqual(addr, block.bytes.subarray(12), 0, block.prefix - 96);
  }
  return false;
}
