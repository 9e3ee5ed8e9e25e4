/**
 * Syntax check for the blocks of `cidrMatch(field, "10.0.0.0/8", "::1", ...)`:
 * an IPv4 or IPv6 address with an optional prefix length (0-32 / 0-128).
 * Elasticsearch refuses a malformed block when the query runs, so a typo is
 * worth a warning at load time. Plain string checks, no regex per call site.
 */

const IPV4_OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;

function isIPv4(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => IPV4_OCTET.test(p));
}

function isIPv6(s: string): boolean {
  if (s.includes('%')) return false;
  const halves = s.split('::');
  if (halves.length > 2) return false;
  const groups = (h: string) => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  const all = [...head, ...tail];
  let count = all.length;
  // An embedded IPv4 tail (::ffff:10.0.0.1) counts as two groups.
  const last = all[all.length - 1];
  if (last !== undefined && last.includes('.')) {
    if (!isIPv4(last)) return false;
    all.pop();
    count++;
  }
  if (!all.every((g) => HEX_GROUP.test(g))) return false;
  return halves.length === 2 ? count <= 7 : count === 8;
}

/** Null when `block` is a valid address or CIDR block, else why not. */
export function cidrProblem(block: string): string | null {
  const slash = block.indexOf('/');
  const addr = slash === -1 ? block : block.slice(0, slash);
  const v4 = isIPv4(addr);
  if (!v4 && !isIPv6(addr)) return `\`${addr}\` is not an IPv4 or IPv6 address`;
  if (slash === -1) return null;
  const len = block.slice(slash + 1);
  const max = v4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(len) || Number(len) > max) return `prefix length \`/${len}\` must be 0-${max}`;
  return null;
}
