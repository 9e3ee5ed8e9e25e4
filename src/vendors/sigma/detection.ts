/**
 * Sigma selections (detection definitions) to AST nodes.
 *
 * - A map is the AND of its items; a list of maps is the OR of the maps; a
 *   list of scalars (or a scalar) is a keyword item (full-text `match`, ORed).
 *   Mixed lists are ORed member by member (pySigma `SigmaDetection`).
 * - An item `field|mod|mod: value(s)` has its values ORed, or ANDed with
 *   `all`; expansions (windash, base64offset) stay OR groups; `neq` negates
 *   the whole item. `field: []` means `field: null`.
 * - Every predicate's `source` points at the YAML value it came from.
 */
import type { Node, Predicate, Scalar } from '../../ast/schema.js';
import { and, not, opaque, or, predicate } from '../../ast/build.js';
import type { YamlPos } from '../../formats/yaml.js';
import { PredicateLimit, countPredicate, report, sourceOf, type RuleCtx } from './context.js';
import { applyModifiers } from './modifiers.js';
import { checkRegex } from './regex.js';
import type { SStr, SValue, StrPart } from './values.js';
import { hasWildcards, literalText, mergeParts, parseSigmaString, placeholderNames, toGlob } from './values.js';

type Plain = string | number | boolean | null;

function isPlain(v: unknown): v is Plain {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}
function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Build the node of one selection (`detection.<name>`). */
export function buildSelection(ctx: RuleCtx, def: unknown, pos: YamlPos | undefined, name: string): Node {
  if (isMap(def)) {
    const keys = Object.keys(def);
    if (keys.length === 0) {
      report(ctx, 'error', 'sigma.detection.empty', `selection '${name}' is empty`, pos);
      return opaque(name, 'empty selection', sourceOf(ctx, pos));
    }
    const items = keys.map((k) => {
      const e = pos?.entries?.get(k);
      // A YAML alias has no position tree of its own: fall back to the alias's position.
      return buildItem(ctx, k, def[k], e?.[0] ?? pos, e?.[1] ?? pos);
    });
    return items.length === 1 ? items[0]! : and(items);
  }
  if (Array.isArray(def)) {
    if (def.length === 0) {
      report(ctx, 'error', 'sigma.detection.empty', `selection '${name}' is an empty list (a null value must be bound to a field)`, pos);
      return opaque(name, 'empty selection', sourceOf(ctx, pos));
    }
    if (def.every(isPlain)) return buildItem(ctx, null, def, undefined, pos);
    const members = def.map((d, i) => (isPlain(d) ? buildItem(ctx, null, d, undefined, pos?.items?.[i] ?? pos) : buildSelection(ctx, d, pos?.items?.[i] ?? pos, name)));
    return members.length === 1 ? members[0]! : or(members);
  }
  if (def === null || def === undefined) {
    report(ctx, 'error', 'sigma.value.null-keyword', `selection '${name}' is null (a null value must be bound to a field)`, pos);
    return opaque(name, 'null keyword', sourceOf(ctx, pos));
  }
  if (isPlain(def)) return buildItem(ctx, null, def, undefined, pos);
  report(ctx, 'error', 'sigma.detection.type', `selection '${name}' must be a map, a list or a value`, pos);
  return opaque(name, 'unsupported selection type', sourceOf(ctx, pos));
}

interface RawValue {
  value: SValue;
  raw: string;
  pos: YamlPos | undefined;
}

/** One `field|modifiers: value(s)` item, or a keyword item when key is null. */
function buildItem(ctx: RuleCtx, key: string | null, value: unknown, keyPos: YamlPos | undefined, valPos0: YamlPos | undefined): Node {
  // An implicit null (`field:` with nothing after it) has an empty span: point at the key instead.
  const valPos = valPos0 && valPos0.end <= valPos0.start ? keyPos : valPos0;
  const [fieldName0, ...chain] = key === null ? [''] : key.split('|');
  const fieldName = fieldName0 ? fieldName0 : null;
  const vendorOp = chain.length ? chain.join('|') : undefined;
  const where = keyPos ?? valPos;
  const label = key === null ? 'keywords' : `'${key}'`;
  const fail = (code: string, message: string): Node => {
    report(ctx, 'error', code, `${label}: ${message}`, where);
    return opaque(key === null ? JSON.stringify(value) : `${key}: ${JSON.stringify(value)}`, message, sourceOf(ctx, where));
  };

  const list = Array.isArray(value) ? value : [value];
  const raws: RawValue[] = [];
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    const p = Array.isArray(value) ? (valPos?.items?.[i] ?? valPos) : valPos;
    if (!isPlain(v)) return fail('sigma.value.type', 'a value must be a string, number, boolean or null (not a map or list)');
    raws.push({ value: toSigmaValue(ctx, v, p), raw: rawText(ctx, v, p), pos: p });
  }

  // Duplicated modifiers are accepted (as pySigma does) but almost always a mistake.
  for (let i = 1; i < chain.length; i++) {
    if (chain.indexOf(chain[i]!) < i) report(ctx, 'warning', 'sigma.modifier.duplicate', `${label}: modifier '${chain[i]}' is applied twice`, where);
  }

  if (raws.length === 0) {
    // `field: []` is `field: null` (pySigma: no values -> SigmaNull).
    if (fieldName === null) return fail('sigma.value.null-keyword', 'a null value must be bound to a field');
    const shaped = applyModifiers(fieldName, chain, [], budget(ctx));
    if ('code' in shaped) return fail(shaped.code, shaped.message);
    countPredicate(ctx);
    const p = predicate(fieldName, 'eq', null, { vendorOp, raw: '[]', source: sourceOf(ctx, valPos) });
    return shaped.negated ? not(p) : p;
  }

  // Modifiers apply value by value, so each value keeps its own source position.
  const perValue: Node[] = [];
  let all = false;
  let negated = false;
  for (const rv of raws) {
    let values: SValue[];
    if (chain.length === 0) values = [rv.value];
    else {
      const shaped = applyModifiers(fieldName, chain, [rv.value], budget(ctx));
      if ('code' in shaped) return fail(shaped.code, shaped.message);
      all = shaped.all;
      negated = shaped.negated;
      values = shaped.values;
    }
    for (const v of values) {
      const n = valueNode(ctx, fieldName, v, rv, vendorOp, label);
      if (n) perValue.push(n);
    }
  }
  let node: Node;
  if (perValue.length === 1) node = perValue[0]!;
  else node = all ? and(perValue) : or(perValue);
  return negated ? not(node) : node;
}

function budget(ctx: RuleCtx): number {
  return Math.max(0, ctx.limits.maxPredicatesPerRule - ctx.predicates);
}

const LEADING_ZERO = /^[-+]?0[0-9]+$/;
const OCTAL_11 = /^[-+]?0[0-7]+$/;

function toSigmaValue(ctx: RuleCtx, v: Plain, pos: YamlPos | undefined): SValue {
  if (v === null) return { kind: 'null' };
  if (typeof v === 'boolean') return { kind: 'bool', value: v };
  if (typeof v === 'number') {
    const raw = rawText(ctx, v, pos);
    // YAML 1.2 (js-yaml) reads `00000429` as 429; YAML 1.1 (PyYAML, which pySigma uses) reads it as the
    // string "00000429" (and `0755` as octal 493). Such values are registry data and codes: keep the text.
    if (LEADING_ZERO.test(raw)) {
      if (OCTAL_11.test(raw)) report(ctx, 'warning', 'sigma.value.octal', `unquoted ${raw} is an octal number in YAML 1.1 (pySigma reads ${parseInt(raw, 8)}); it is kept as the string '${raw}'`, pos);
      return parseSigmaString(raw);
    }
    return { kind: 'num', value: v, raw };
  }
  if (v.length <= 3 && YAML11_BOOL.test(v) && pos && ctx.file.text.slice(pos.start, pos.end) === v) {
    // Unquoted yes/no/on/off: YAML 1.1 (PyYAML, pySigma) reads a boolean, YAML 1.2 a string. Keep the string, say so.
    report(ctx, 'warning', 'sigma.value.yaml11-bool', `unquoted '${v}' is a boolean in YAML 1.1 (pySigma reads ${/^(yes|on)$/i.test(v)}); it is kept as the string '${v}' (quote it to silence this)`, pos);
  }
  return parseSigmaString(v);
}

const YAML11_BOOL = /^(?:yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF)$/;

/** The value as written: the YAML-unquoted string, or the source text of a number. */
function rawText(ctx: RuleCtx, v: Plain, pos: YamlPos | undefined): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && pos) {
    const t = ctx.file.text.slice(pos.start, pos.end).trim();
    if (t) return t;
  }
  return String(v);
}

/** One (already modified) value as a predicate or OR group; null when reported as an error. */
function valueNode(ctx: RuleCtx, field: string | null, v: SValue, rv: RawValue, vendorOp: string | undefined, label: string): Node | null {
  const source = sourceOf(ctx, rv.pos);
  const base = { vendorOp, raw: rv.raw, source };
  const make = (op: Predicate['op'], value: Scalar, extra: Partial<Predicate> = {}): Predicate => {
    countPredicate(ctx);
    const p = predicate(field, op, value, { ...base, caseSensitive: false, ...extra });
    return p;
  };
  switch (v.kind) {
    case 'exp': {
      const kids = v.values.map((m) => valueNode(ctx, field, m, rv, vendorOp, label)).filter((n): n is Node => n !== null);
      return kids.length === 1 ? kids[0]! : or(kids);
    }
    case 'str':
      return stringNode(ctx, field, v, rv, vendorOp, label);
    case 'num':
      return field === null ? make('match', v.raw) : make('eq', v.value);
    case 'bool':
      return field === null ? make('match', String(v.value)) : make('eq', v.value);
    case 'null':
      if (field === null) {
        report(ctx, 'error', 'sigma.value.null-keyword', `${label}: a null value must be bound to a field`, rv.pos);
        return opaque('null', 'null keyword', source);
      }
      return make('eq', null);
    case 're': {
      const chk = checkRegex(v.source);
      if (v.source.length > ctx.limits.maxRegexChars) {
        report(ctx, 'error', 'sigma.regex.too-long', `${label}: regular expression longer than ${ctx.limits.maxRegexChars} characters`, rv.pos);
        return opaque(v.source.slice(0, 200), 'regex too long', source);
      }
      if (chk.error) {
        report(ctx, 'error', 'sigma.regex.invalid', `${label}: invalid regular expression: ${chk.error}`, rv.pos);
        return opaque(v.source, 'invalid regular expression', source);
      }
      if (chk.unsupportedFlags) report(ctx, 'warning', 'sigma.regex.flags', `${label}: inline regex flag(s) '${chk.unsupportedFlags}' are kept in the pattern only`, rv.pos);
      const flags = [...new Set((v.flags + chk.inlineFlags).split(''))].sort().join('');
      const source2 = chk.unsupportedFlags ? v.source : chk.source;
      const p = make('regex_match', source2, { regex: { flavor: 'pcre', flags, anchored: false }, caseSensitive: !flags.includes('i') });
      if (v.placeholders?.length) {
        p.placeholder = v.placeholders.join(',');
        report(ctx, 'info', 'sigma.placeholder.unresolved', `${label}: placeholder(s) ${v.placeholders.map((n) => `%${n}%`).join(', ')} in a regular expression are kept unresolved`, rv.pos);
      }
      return p;
    }
    case 'cidr':
      return make('cidr', v.cidr);
    case 'ref': {
      const op = v.startsWith || v.endsWith ? 'wildcard' : 'eq';
      const refMatch = v.startsWith && v.endsWith ? 'contains' : v.startsWith ? 'startswith' : v.endsWith ? 'endswith' : undefined;
      return make(op, null, { ref: { name: v.field }, ...(refMatch ? { refMatch } : {}) });
    }
    case 'cmp':
      if (v.part) {
        countPredicate(ctx);
        return predicate(field === null ? null : { name: `${v.part}(${field})`, computed: true }, v.op, v.value, base);
      }
      return make(v.op, v.value);
    case 'exists': {
      const p = make('exists', true);
      return v.value ? p : not(p);
    }
    case 'ts': {
      // The AST has no "part of a timestamp" operator: the part is a computed field, hour(EventTime) == 3.
      countPredicate(ctx);
      return predicate(field === null ? null : { name: `${v.part}(${field})`, computed: true }, 'eq', v.value, base);
    }
  }
}

function stringNode(ctx: RuleCtx, field: string | null, v: SStr, rv: RawValue, vendorOp: string | undefined, label: string): Node {
  const names = placeholderNames(v);
  if (names.length) {
    const supplied = ctx.placeholders;
    if (supplied && names.every((n) => Array.isArray(supplied[n]))) {
      const variants = substitutePlaceholders(ctx, v, supplied);
      const kids = variants.map((s) => stringPredicate(ctx, field, s, rv, vendorOp));
      return kids.length === 1 ? kids[0]! : or(kids);
    }
    report(ctx, 'info', 'sigma.placeholder.unresolved', `${label}: placeholder(s) ${names.map((n) => `%${n}%`).join(', ')} have no value; kept as placeholders`, rv.pos);
    const p = stringPredicate(ctx, field, v, rv, vendorOp);
    p.placeholder = names.join(',');
    return p;
  }
  return stringPredicate(ctx, field, v, rv, vendorOp);
}

function stringPredicate(ctx: RuleCtx, field: string | null, v: SStr, rv: RawValue, vendorOp: string | undefined): Predicate {
  countPredicate(ctx);
  const opts = { vendorOp, raw: rv.raw, source: sourceOf(ctx, rv.pos), caseSensitive: v.cased };
  if (field === null) return predicate(null, 'match', toGlob(v), opts);
  if (hasWildcards(v)) return predicate(field, 'wildcard', toGlob(v), opts);
  // An unresolved placeholder without wildcards compares equal to each of its (unknown) values: eq '%name%'.
  if (v.parts.some((p) => p.t === 'ph')) return predicate(field, 'eq', placeholderText(v), opts);
  return predicate(field, 'eq', literalText(v), opts);
}

function placeholderText(v: SStr): string {
  return v.parts.map((p) => (p.t === 'lit' ? p.s : p.t === 'ph' ? `%${p.name}%` : '')).join('');
}

/**
 * Replace placeholders by the caller's values (each parsed as a Sigma string,
 * so values may carry wildcards): the Cartesian product over the placeholders
 * of one value, as pySigma's ValueListPlaceholderTransformation.
 */
function substitutePlaceholders(ctx: RuleCtx, v: SStr, supplied: Record<string, string[]>): SStr[] {
  let variants: StrPart[][] = [[]];
  for (const part of v.parts) {
    if (part.t !== 'ph') {
      for (const x of variants) x.push(part);
      continue;
    }
    const values = supplied[part.name] ?? [];
    if (variants.length * values.length > budget(ctx)) throw new PredicateLimit();
    const next: StrPart[][] = [];
    for (const x of variants) for (const val of values) next.push([...x, ...parseSigmaString(val).parts]);
    variants = next;
  }
  return variants.map((parts) => ({ ...v, parts: mergeParts(parts) }));
}

