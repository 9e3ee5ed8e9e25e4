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
import type { FieldRef, Node, Predicate, Scalar, Source } from '../../ast/schema.js';
import { and, not, opaque, or, predicate } from '../../ast/build.js';
import type { YamlPos } from '../../formats/yaml.js';
import { PredicateLimit, countPredicate, report, sourceOf, type RuleCtx } from './context.js';
import { applyModifiers, simpleChain, type SimpleChain } from './modifiers.js';
import { checkRegex } from './regex.js';
import type { SStr, SValue, StrPart } from './values.js';
import { hasPlaceholders, hasWildcards, literalText, mergeParts, parseSigmaString, placeholderNames, toGlob } from './values.js';

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
    const entries = pos?.entries;
    const items: Node[] = [];
    // Indexed loops on the per-item and per-value paths: most of a corpus load runs before V8
    // optimizes these functions, and an unoptimized for-of steps an iterator object.
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const e = entries?.get(k);
      // A YAML alias has no position tree of its own: fall back to the alias's position.
      items.push(buildItem(ctx, k, def[k], e?.[0] ?? pos, e?.[1] ?? pos));
    }
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
  /**
   * Source of the YAML value, built once per value: every predicate made from it (one, or the
   * members of a windash/base64offset expansion or of placeholder variants) shares the object.
   */
  source: Source | undefined;
}

/**
 * What an item key (`field|mod|mod`) says, independent of its values: the same keys recur across
 * a corpus (`Image|endswith`, `CommandLine|contains`), so each is split and checked once.
 */
interface ItemKey {
  /** null for a keyword item (or an empty field name). */
  fieldName: string | null;
  chain: readonly string[];
  /** The chain as written (`contains|all`), kept on every predicate. */
  vendorOp: string | undefined;
  /** How messages name the item: `'field|mod'` or `keywords`. */
  label: string;
  /** Each modifier that repeats an earlier one, in chain order (one warning each). */
  duplicates: readonly string[];
  /** Set when the chain is only contains/startswith/endswith/all/neq (see simpleChain). */
  simple: SimpleChain | null;
}

const KEYWORD_KEY: ItemKey = { fieldName: null, chain: [], vendorOp: undefined, label: 'keywords', duplicates: [], simple: null };
const ITEM_KEYS = new Map<string, ItemKey>();
/** Bound on ITEM_KEYS (keys are rule text: a hostile corpus must not grow it without limit). */
const MAX_ITEM_KEYS = 10_000;

function itemKey(key: string): ItemKey {
  let k = ITEM_KEYS.get(key);
  if (k) return k;
  const [fieldName0, ...chain] = key.split('|');
  // Duplicated modifiers are accepted (as pySigma does) but almost always a mistake.
  const duplicates: string[] = [];
  for (let i = 1; i < chain.length; i++) if (chain.indexOf(chain[i]!) < i) duplicates.push(chain[i]!);
  k = { fieldName: fieldName0 ? fieldName0 : null, chain, vendorOp: chain.length ? chain.join('|') : undefined, label: `'${key}'`, duplicates, simple: chain.length ? simpleChain(chain) : null };
  if (ITEM_KEYS.size >= MAX_ITEM_KEYS) ITEM_KEYS.clear();
  ITEM_KEYS.set(key, k);
  return k;
}

function itemFail(ctx: RuleCtx, key: string | null, label: string, value: unknown, where: YamlPos | undefined, code: string, message: string): Node {
  report(ctx, 'error', code, `${label}: ${message}`, where);
  return opaque(key === null ? JSON.stringify(value) : `${key}: ${JSON.stringify(value)}`, message, sourceOf(ctx, where));
}

/** One `field|modifiers: value(s)` item, or a keyword item when key is null. */
function buildItem(ctx: RuleCtx, key: string | null, value: unknown, keyPos: YamlPos | undefined, valPos0: YamlPos | undefined): Node {
  // An implicit null (`field:` with nothing after it) has an empty span: point at the key instead.
  const valPos = valPos0 && valPos0.end <= valPos0.start ? keyPos : valPos0;
  const k = key === null ? KEYWORD_KEY : itemKey(key);
  const { fieldName, chain, vendorOp, label } = k;
  const where = keyPos ?? valPos;

  const isList = Array.isArray(value);
  const count = isList ? value.length : 1;
  const raws: RawValue[] = [];
  for (let i = 0; i < count; i++) {
    const v: unknown = isList ? value[i] : value;
    const p = isList ? (valPos?.items?.[i] ?? valPos) : valPos;
    if (!isPlain(v)) return itemFail(ctx, key, label, value, where, 'sigma.value.type', 'a value must be a string, number, boolean or null (not a map or list)');
    raws.push({ value: toSigmaValue(ctx, v, p), raw: rawText(ctx, v, p), pos: p, source: sourceOf(ctx, p) });
  }

  for (let i = 0; i < k.duplicates.length; i++) report(ctx, 'warning', 'sigma.modifier.duplicate', `${label}: modifier '${k.duplicates[i]}' is applied twice`, where);

  if (raws.length === 0) {
    // `field: []` is `field: null` (pySigma: no values -> SigmaNull).
    if (fieldName === null) return itemFail(ctx, key, label, value, where, 'sigma.value.null-keyword', 'a null value must be bound to a field');
    const shaped = applyModifiers(fieldName, chain, null, budget(ctx));
    if ('code' in shaped) return itemFail(ctx, key, label, value, where, shaped.code, shaped.message);
    countPredicate(ctx);
    const p = predicate(fieldName, 'eq', null, { vendorOp, raw: '[]', source: sourceOf(ctx, valPos) });
    return shaped.negated ? not(p) : p;
  }

  // One field reference for every predicate of the item (nothing mutates AST nodes).
  const field: FieldRef | null = fieldName === null ? null : { name: fieldName };
  // Modifiers apply value by value, so each value keeps its own source position.
  const perValue: Node[] = [];
  let all = false;
  let negated = false;
  for (let i = 0; i < raws.length; i++) {
    const rv = raws[i]!;
    if (chain.length === 0) {
      const n = valueNode(ctx, field, rv.value, rv, vendorOp, label);
      if (n) perValue.push(n);
      continue;
    }
    const simple = k.simple;
    if (simple !== null && rv.value.kind === 'str') {
      let v = rv.value;
      for (let j = 0; j < simple.steps.length; j++) v = simple.steps[j]!(v);
      all = simple.all;
      negated = simple.negated;
      const n = valueNode(ctx, field, v, rv, vendorOp, label);
      if (n) perValue.push(n);
      continue;
    }
    const shaped = applyModifiers(fieldName, chain, rv.value, budget(ctx));
    if ('code' in shaped) return itemFail(ctx, key, label, value, where, shaped.code, shaped.message);
    all = shaped.all;
    negated = shaped.negated;
    const values = shaped.values;
    for (let j = 0; j < values.length; j++) {
      const n = valueNode(ctx, field, values[j]!, rv, vendorOp, label);
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

/** A predicate of a (non-string) value: counted, case-insensitive, with the value's raw text and source. */
function valuePredicate(ctx: RuleCtx, field: FieldRef | null, op: Predicate['op'], value: Scalar, rv: RawValue, vendorOp: string | undefined): Predicate {
  countPredicate(ctx);
  return predicate(field, op, value, { vendorOp, raw: rv.raw, source: rv.source, caseSensitive: false });
}

/** One (already modified) value as a predicate or OR group; null when reported as an error. */
function valueNode(ctx: RuleCtx, field: FieldRef | null, v: SValue, rv: RawValue, vendorOp: string | undefined, label: string): Node | null {
  const source = rv.source;
  switch (v.kind) {
    case 'str':
      return stringNode(ctx, field, v, rv, vendorOp, label);
    case 'exp': {
      const kids: Node[] = [];
      for (const m of v.values) {
        const n = valueNode(ctx, field, m, rv, vendorOp, label);
        if (n !== null) kids.push(n);
      }
      return kids.length === 1 ? kids[0]! : or(kids);
    }
    case 'num':
      return field === null ? valuePredicate(ctx, field, 'match', v.raw, rv, vendorOp) : valuePredicate(ctx, field, 'eq', v.value, rv, vendorOp);
    case 'bool':
      return field === null ? valuePredicate(ctx, field, 'match', String(v.value), rv, vendorOp) : valuePredicate(ctx, field, 'eq', v.value, rv, vendorOp);
    case 'null':
      if (field === null) {
        report(ctx, 'error', 'sigma.value.null-keyword', `${label}: a null value must be bound to a field`, rv.pos);
        return opaque('null', 'null keyword', source);
      }
      return valuePredicate(ctx, field, 'eq', null, rv, vendorOp);
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
      countPredicate(ctx);
      const p = predicate(field, 'regex_match', source2, { vendorOp, raw: rv.raw, source, regex: { flavor: 'pcre', flags, anchored: false }, caseSensitive: !flags.includes('i') });
      if (v.placeholders?.length) {
        p.placeholder = v.placeholders.join(',');
        report(ctx, 'info', 'sigma.placeholder.unresolved', `${label}: placeholder(s) ${v.placeholders.map((n) => `%${n}%`).join(', ')} in a regular expression are kept unresolved`, rv.pos);
      }
      return p;
    }
    case 'cidr':
      return valuePredicate(ctx, field, 'cidr', v.cidr, rv, vendorOp);
    case 'ref': {
      const op = v.startsWith || v.endsWith ? 'wildcard' : 'eq';
      const refMatch = v.startsWith && v.endsWith ? 'contains' : v.startsWith ? 'startswith' : v.endsWith ? 'endswith' : undefined;
      countPredicate(ctx);
      return predicate(field, op, null, { vendorOp, raw: rv.raw, source, caseSensitive: false, ref: { name: v.field }, ...(refMatch ? { refMatch } : {}) });
    }
    case 'cmp':
      if (v.part) {
        countPredicate(ctx);
        return predicate(field === null ? null : { name: `${v.part}(${field.name})`, computed: true }, v.op, v.value, { vendorOp, raw: rv.raw, source });
      }
      return valuePredicate(ctx, field, v.op, v.value, rv, vendorOp);
    case 'exists': {
      const p = valuePredicate(ctx, field, 'exists', true, rv, vendorOp);
      return v.value ? p : not(p);
    }
    case 'ts': {
      // The AST has no "part of a timestamp" operator: the part is a computed field, hour(EventTime) == 3.
      countPredicate(ctx);
      return predicate(field === null ? null : { name: `${v.part}(${field.name})`, computed: true }, 'eq', v.value, { vendorOp, raw: rv.raw, source });
    }
  }
}

function stringNode(ctx: RuleCtx, field: FieldRef | null, v: SStr, rv: RawValue, vendorOp: string | undefined, label: string): Node {
  if (hasPlaceholders(v)) {
    const names = placeholderNames(v);
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

function stringPredicate(ctx: RuleCtx, field: FieldRef | null, v: SStr, rv: RawValue, vendorOp: string | undefined): Predicate {
  countPredicate(ctx);
  const opts = { vendorOp, raw: rv.raw, source: rv.source, caseSensitive: v.cased };
  if (field === null) return predicate(null, 'match', toGlob(v), opts);
  if (hasWildcards(v)) return predicate(field, 'wildcard', toGlob(v), opts);
  // An unresolved placeholder without wildcards compares equal to each of its (unknown) values: eq '%name%'.
  if (hasPlaceholders(v)) return predicate(field, 'eq', placeholderText(v), opts);
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

