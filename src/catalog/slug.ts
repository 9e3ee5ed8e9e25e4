/**
 * File-name-safe slugs for untrusted ids (rule ids, technique ids, field
 * names). A slug is made of `[A-Za-z0-9._-]` only, never starts with a dot,
 * is at most 80 characters, is not a Windows device name, and is unique
 * case-insensitively within its namespace (case-insensitive file systems).
 * So `<dir>/<slug>.html` can never leave `<dir>`.
 */

/** FNV-1a, 32 bit, as 8 hex digits: a short stable disambiguator. */
export function shortHash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

const UNSAFE = /[^A-Za-z0-9._-]+/g;
const LEADING = /^[._-]+/;
const DEVICE = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;
const MAX = 80;

/** The safe form of `s` (may be empty). */
export function sanitizeSlug(s: string): string {
  let out = s.replace(UNSAFE, '_').replace(LEADING, '');
  if (out.length > MAX) out = out.slice(0, MAX);
  out = out.replace(/[._-]+$/, '');
  if (DEVICE.test(out)) out = '_' + out;
  return out;
}

/**
 * Allocates unique slugs in one namespace. `preferred` is tried first; a slug
 * that had to be changed (unsafe characters, empty, or taken) gets a hash of
 * `identity` appended, so the same input always yields the same slug.
 */
export class SlugAllocator {
  private readonly taken = new Set<string>();

  /** Keep `names` for pages of the site itself (`index`). */
  constructor(reserved: readonly string[] = []) {
    for (const r of reserved) this.taken.add(r.toLowerCase());
  }

  allocate(preferred: string, identity: string, fallback = 'item'): string {
    let base = sanitizeSlug(preferred);
    const changed = base !== preferred;
    if (!base) base = sanitizeSlug(fallback) || 'item';
    let slug = changed ? `${base.slice(0, MAX - 9)}-${shortHash(identity)}` : base;
    let n = 2;
    while (this.taken.has(slug.toLowerCase())) {
      slug = `${base.slice(0, MAX - 12)}-${shortHash(identity)}${n > 2 ? `-${n}` : ''}`;
      n++;
    }
    this.taken.add(slug.toLowerCase());
    return slug;
  }
}
