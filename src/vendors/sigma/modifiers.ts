/**
 * Sigma value modifiers: the 33 ids of pySigma's `modifier_mapping` plus the
 * specification's `utf16le`. Each modifier declares which value kinds it
 * accepts (pySigma type-checks the annotated input type the same way) and
 * transforms one value; list modifiers (`all`, `neq`) change how the item's
 * values are combined. The chain is applied left to right, value by value, and
 * a value modifier applied to an expansion (windash, base64offset) applies to
 * each of its members.
 *
 * Errors name the whole chain (`CommandLine|contains|base64offset`) so that a
 * rule author sees which key is wrong.
 */
import type { SKind, SStr, SValue, StrPart } from './values.js';
import { KIND_NAMES, endsWithStar, insertPlaceholders, isSpecial, literalText, plainString, startsWithStar } from './values.js';
import { base64, base64Offsets, utf16, windash, windashCount } from './encodings.js';

export interface ModifierError {
  code: string;
  message: string;
}

export interface ItemShape {
  /** Values after every modifier (an `exp` value is an OR group). */
  values: SValue[];
  /** `all`: AND the values instead of OR. */
  all: boolean;
  /** `neq`: the whole item is negated. */
  negated: boolean;
}

interface ApplyCtx {
  field: string | null;
  /** Modifiers applied before this one (pySigma `applied_modifiers`). */
  applied: string[];
  /** Remaining predicate budget (bounds windash/base64offset expansion). */
  budget: number;
}

type Result = SValue | SValue[] | ModifierError;

interface ModifierDef {
  list?: boolean;
  accepts: readonly SKind[] | 'any';
  apply?(v: SValue, ctx: ApplyCtx): Result;
}

const STRING_LIKE: readonly SKind[] = ['str', 're', 'ref'];
const STAR = { t: 'star' } as const;

function err(code: string, message: string): ModifierError {
  return { code, message };
}

function contains(v: SValue): SValue {
  if (v.kind === 'str') {
    // `*` added at each end that has none, in one new array (an empty value becomes a single `*`).
    const p = v.parts;
    const n = p.length;
    const addStart = n === 0 || p[0]!.t !== 'star';
    const addEnd = n > 0 && p[n - 1]!.t !== 'star';
    if (!addStart && !addEnd) return { ...v, parts: p };
    const parts: StrPart[] = addStart ? [STAR] : [];
    for (let i = 0; i < n; i++) parts.push(p[i]!);
    if (addEnd) parts.push(STAR);
    return { ...v, parts };
  }
  if (v.kind === 're') return { ...v, source: reStart(reEnd(v.source)) };
  if (v.kind === 'ref') return { ...v, startsWith: true, endsWith: true };
  return v;
}
function startswith(v: SValue): SValue {
  if (v.kind === 'str') return endsWithStar(v) ? v : { ...v, parts: [...v.parts, STAR] };
  if (v.kind === 're') return { ...v, source: reEnd(v.source) };
  if (v.kind === 'ref') return { ...v, startsWith: true };
  return v;
}
function endswith(v: SValue): SValue {
  if (v.kind === 'str') return startsWithStar(v) ? v : { ...v, parts: [STAR, ...v.parts] };
  if (v.kind === 're') return { ...v, source: reStart(v.source) };
  if (v.kind === 'ref') return { ...v, endsWith: true };
  return v;
}
// pySigma: prepend `.*` unless the pattern starts with `^` or `.*`; append unless it ends with `$` or `.*`.
function reStart(s: string): string {
  return s.startsWith('.*') || s.startsWith('^') ? s : '.*' + s;
}
function reEnd(s: string): string {
  return s.endsWith('.*') || s.endsWith('$') ? s : s + '.*';
}

function reFlag(flag: 'i' | 'm' | 's'): ModifierDef {
  return {
    accepts: ['re'],
    apply: (v) => (v.kind === 're' && !v.flags.includes(flag) ? { ...v, flags: [...v.flags, flag].sort().join('') } : v),
  };
}

function compare(op: 'gt' | 'gte' | 'lt' | 'lte'): ModifierDef {
  return {
    // A timestamp part is a number in pySigma (SigmaTimestampPart subclasses SigmaNumber): `f|hour|gt: 8` compares the part.
    accepts: ['num', 'ts'],
    apply: (v) => (v.kind === 'num' ? { kind: 'cmp', op, value: v.value, raw: v.raw } : v.kind === 'ts' ? { kind: 'cmp', op, value: v.value, raw: v.raw, part: v.part } : v),
  };
}

function tsPart(part: 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year'): ModifierDef {
  return {
    accepts: ['num'],
    apply: (v) => (v.kind === 'num' ? { kind: 'ts', part, value: Math.trunc(v.value), raw: v.raw } : v),
  };
}

function encodeUtf16(kind: 'le' | 'be' | 'bom'): ModifierDef {
  return { accepts: ['str'], apply: (v) => utf16(v as SStr, kind) };
}

/** Strict IPv4/IPv6 network check, as Python's `ipaddress.ip_network(strict=True)`. */
export function checkCidr(text: string): string | null {
  const slash = text.indexOf('/');
  const addr = slash === -1 ? text : text.slice(0, slash);
  const prefixText = slash === -1 ? null : text.slice(slash + 1);
  const v4 = parseIPv4(addr);
  const v6 = v4 ? null : parseIPv6(addr);
  if (!v4 && !v6) return `'${addr}' is not a valid IPv4 or IPv6 address`;
  const bits = v4 ? 32 : 128;
  let prefix = bits;
  if (prefixText !== null) {
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) return `'${prefixText}' is not a valid netmask for IPv${v4 ? 4 : 6}`;
    prefix = Number(prefixText);
  }
  const bytes = v4 ?? v6!;
  for (let bit = prefix; bit < bits; bit++) {
    if (bytes[bit >> 3]! & (0x80 >> (bit & 7))) return `${text} has host bits set`;
  }
  return null;
}
function parseIPv4(s: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return null;
  const out = m.slice(1).map(Number);
  // Python rejects octets above 255 and leading zeros (ambiguous octal).
  if (out.some((n, i) => n > 255 || (m[i + 1]!.length > 1 && m[i + 1]!.startsWith('0')))) return null;
  return out;
}
function parseIPv6(s0: string): number[] | null {
  const s = s0.split('%')[0]!;
  if (!/^[0-9A-Fa-f:.]+$/.test(s) || s.length < 2) return null;
  let tail4: number[] | null = null;
  let body = s;
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.')) {
    tail4 = parseIPv4(s.slice(lastColon + 1));
    if (!tail4) return null;
    body = s.slice(0, lastColon + 1) + '0:0';
  }
  const dbl = body.split('::');
  if (dbl.length > 2) return null;
  const head = dbl[0] ? dbl[0].split(':') : [];
  const tail = dbl.length === 2 && dbl[1] ? dbl[1].split(':') : [];
  if ([...head, ...tail].some((g) => !/^[0-9A-Fa-f]{1,4}$/.test(g))) return null;
  const missing = 8 - head.length - tail.length;
  if (dbl.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array(dbl.length === 2 ? missing : 0).fill('0'), ...tail].map((g) => parseInt(g, 16));
  const out: number[] = [];
  for (const g of groups) out.push(g >> 8, g & 0xff);
  if (tail4) out.splice(12, 4, ...tail4);
  return out;
}

export const MODIFIERS: Record<string, ModifierDef> = {
  contains: { accepts: STRING_LIKE, apply: contains },
  startswith: { accepts: STRING_LIKE, apply: startswith },
  endswith: { accepts: STRING_LIKE, apply: endswith },
  all: { list: true, accepts: 'any' },
  neq: { list: true, accepts: 'any' },
  base64: {
    accepts: ['str'],
    apply: (v) => (isSpecial(v as SStr) ? err('sigma.modifier.wildcard', 'base64 encoding of a value with wildcards or placeholders is not allowed') : plainString(base64(v as SStr))),
  },
  base64offset: {
    accepts: ['str'],
    apply: (v) => (isSpecial(v as SStr) ? err('sigma.modifier.wildcard', 'base64offset encoding of a value with wildcards or placeholders is not allowed') : { kind: 'exp', values: base64Offsets(v as SStr).map(plainString) }),
  },
  wide: encodeUtf16('le'),
  utf16le: encodeUtf16('le'),
  utf16be: encodeUtf16('be'),
  utf16: encodeUtf16('bom'),
  windash: {
    accepts: ['str'],
    apply: (v, ctx) => {
      const n = windashCount(v as SStr);
      if (n === 0) return v;
      if (Math.pow(5, n) > ctx.budget) return err('sigma.limit.predicates', `windash would expand one value into 5^${n} variants (limit maxPredicatesPerRule)`);
      return { kind: 'exp', values: windash(v as SStr) };
    },
  },
  re: {
    accepts: ['str', 'num'],
    apply: (v, ctx) => {
      if (ctx.applied.length) return err('sigma.modifier.order', "'re' must be the first modifier (it applies to the unmodified value)");
      const source = v.kind === 'str' ? (v.original ?? literalText(v)) : v.kind === 'num' ? v.raw : '';
      return { kind: 're', source, flags: '' };
    },
  },
  i: reFlag('i'),
  ignorecase: reFlag('i'),
  m: reFlag('m'),
  multiline: reFlag('m'),
  s: reFlag('s'),
  dotall: reFlag('s'),
  cased: { accepts: ['str'], apply: (v) => ({ ...(v as SStr), cased: true }) },
  cidr: {
    accepts: ['str'],
    apply: (v, ctx) => {
      if (ctx.applied.length) return err('sigma.modifier.order', "'cidr' must be the first modifier (it applies to the unmodified value)");
      const s = v as SStr;
      const text = s.original ?? literalText(s);
      const bad = checkCidr(text);
      return bad ? err('sigma.cidr.invalid', `invalid CIDR network: ${bad}`) : { kind: 'cidr', cidr: text };
    },
  },
  exists: {
    accepts: ['bool'],
    apply: (v, ctx) => {
      if (ctx.field === null) return err('sigma.modifier.exists-field', "'exists' must be applied to a field");
      if (ctx.applied.length) return err('sigma.modifier.order', "'exists' applies only to an unmodified boolean value");
      return { kind: 'exists', value: (v as { value: boolean }).value };
    },
  },
  fieldref: {
    accepts: ['str'],
    apply: (v) => (isSpecial(v as SStr) ? err('sigma.modifier.wildcard', 'a field reference must not contain wildcards') : { kind: 'ref', field: literalText(v as SStr), startsWith: false, endsWith: false }),
  },
  gt: compare('gt'),
  gte: compare('gte'),
  lt: compare('lt'),
  lte: compare('lte'),
  minute: tsPart('minute'),
  hour: tsPart('hour'),
  day: tsPart('day'),
  week: tsPart('week'),
  month: tsPart('month'),
  year: tsPart('year'),
  expand: {
    accepts: ['str', 're'],
    apply: (v) => {
      if (v.kind === 'str') return insertPlaceholders(v);
      if (v.kind === 're') {
        const names = [...v.source.matchAll(/(?<!\\)%([^%]+)%/g)].map((m) => m[1]!);
        return { ...v, placeholders: [...new Set(names)] };
      }
      return v;
    },
  },
};

/** A chain of only `contains`/`startswith`/`endswith` and the list modifiers (`all`, `neq`). */
export interface SimpleChain {
  /** The value modifiers in chain order; each maps a string to a string. */
  steps: ReadonlyArray<(v: SStr) => SStr>;
  all: boolean;
  negated: boolean;
}

const SIMPLE_STEPS: Record<string, (v: SStr) => SStr> = {
  contains: (v) => contains(v) as SStr,
  startswith: (v) => startswith(v) as SStr,
  endswith: (v) => endswith(v) as SStr,
};

/**
 * The chain as a SimpleChain, or null. On a string value such a chain cannot fail (each of these
 * modifiers accepts strings and returns one string, and none looks at the modifiers before it),
 * so applying `steps` in order gives what applyModifiers gives: nearly every item of a corpus
 * (`|contains`, `|endswith`, `|contains|all`) takes this path.
 */
export function simpleChain(chain: readonly string[]): SimpleChain | null {
  const steps: Array<(v: SStr) => SStr> = [];
  let all = false;
  let negated = false;
  for (const id of chain) {
    if (id === 'all') all = true;
    else if (id === 'neq') negated = true;
    else if (Object.hasOwn(SIMPLE_STEPS, id)) steps.push(SIMPLE_STEPS[id]!);
    else return null;
  }
  return { steps, all, negated };
}

/**
 * Apply a modifier chain to one value of an item (null: the item has no value, `field: []`, where
 * only the list modifiers and unknown ids matter). Returns the shaped values or the first error
 * (pySigma stops at the first error too).
 */
export function applyModifiers(field: string | null, chain: readonly string[], value: SValue | null, budget: number): ItemShape | ModifierError {
  let values: SValue[] = value === null ? [] : [value];
  let all = false;
  let negated = false;
  // One context for the whole chain: `applied` grows as the chain advances, and a modifier only
  // reads it while it is applied.
  const ctx: ApplyCtx = { field, applied: [], budget };
  for (let i = 0; i < chain.length; i++) {
    const id = chain[i]!;
    // Own keys only: a modifier named `toString` or `__proto__` is unknown, not Object.prototype's.
    const def = Object.hasOwn(MODIFIERS, id) ? MODIFIERS[id] : undefined;
    if (!def) return err('sigma.modifier.unknown', `unknown modifier '${id}'`);
    if (def.list) {
      if (id === 'all') all = true;
      else if (id === 'neq') negated = true;
      ctx.applied.push(id);
      continue;
    }
    const out: SValue[] = [];
    for (let j = 0; j < values.length; j++) {
      const e = applyOne(id, def, values[j]!, ctx, out);
      if (e) return e;
    }
    values = out;
    ctx.applied.push(id);
  }
  return { values, all, negated };
}

/** Apply one modifier to one value, appending the result(s) to `out`; the error, if any. */
function applyOne(id: string, def: ModifierDef, v: SValue, ctx: ApplyCtx, out: SValue[]): ModifierError | null {
  if (v.kind === 'exp') {
    const members: SValue[] = [];
    for (const m of v.values) {
      const e = applyOne(id, def, m, ctx, members);
      if (e) return e;
    }
    out.push({ kind: 'exp', values: members });
    return null;
  }
  if (def.accepts !== 'any' && !def.accepts.includes(v.kind)) {
    return err('sigma.modifier.type', `modifier '${id}' cannot be applied to a ${KIND_NAMES[v.kind]} value (expects ${(def.accepts as SKind[]).map((k) => KIND_NAMES[k]).join(' or ')})`);
  }
  // Modifiers that build literal runs (UTF-16, windash, expand) merge them themselves.
  const r = def.apply ? def.apply(v, ctx) : v;
  if (Array.isArray(r)) {
    for (const x of r) out.push(x);
    return null;
  }
  if ('code' in r) return r;
  out.push(r);
  return null;
}
