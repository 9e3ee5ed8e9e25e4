/**
 * YAML loading with source positions, shared by the Sigma and Splunk loaders.
 *
 * Why js-yaml and not the `yaml` package: on the 3,780 Sigma files js-yaml's
 * `load` is 3-4x faster than `yaml`'s `parse`, and it reads the real
 * security_content macro file that `yaml` rejects (docs/performance.md). It has
 * no position API, but it reports `open`/`close` events for every node it
 * composes; from those we rebuild a position tree that mirrors the value, so
 * any value can be located as (line, column) by its key path.
 *
 * Safety: the CORE schema only (no custom tags, no dates, nothing executable),
 * a depth limit enforced while composing (before the recursive parser could
 * overflow the stack), and a limit on alias dereferences (alias bombs).
 */
import yaml from 'js-yaml';
import type { Diagnostic } from '../ast/schema.js';
import type { Limits } from '../core/limits.js';
import { DEFAULT_LIMITS } from '../core/limits.js';
import type { SourceFile } from '../core/source-file.js';
import { diagAt } from '../core/diagnostics.js';
import { readYamlFast, Unsupported } from './yaml-fast.js';

export interface YamlPos {
  /** 0-based offsets of the node's first character and just past its end. */
  start: number;
  end: number;
  /** Mapping: key -> [key position, value position]. Sequence: item positions. */
  entries?: Map<string, [YamlPos, YamlPos]>;
  items?: YamlPos[];
}

export interface YamlDocument {
  value: unknown;
  /** Position tree of the value (absent when `parseYaml` was asked for no positions). */
  pos?: YamlPos;
  /** 0-based offsets of the document in the file (without positions: 0 and the file length). */
  start: number;
  end: number;
}

export interface YamlParseResult {
  documents: YamlDocument[];
  diagnostics: Diagnostic[];
}

/** Locate a node (or, with `key: true`, a mapping key) by its path of keys and indexes. */
export function yamlPosAt(pos: YamlPos | undefined, path: ReadonlyArray<string | number>, key = false): YamlPos | undefined {
  let cur = pos;
  for (let i = 0; i < path.length && cur; i++) {
    const p = path[i]!;
    if (typeof p === 'number') cur = cur.items?.[p];
    else {
      const e = cur.entries?.get(p);
      cur = e ? (key && i === path.length - 1 ? e[0] : e[1]) : undefined;
    }
  }
  return cur;
}

interface Frame {
  start: number;
  children: Closed[];
  depth: number;
}
interface Closed {
  start: number;
  end: number;
  result: unknown;
  children: Closed[];
}

class Abort extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

function skipSpace(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) i++;
    else if (c === 35 /* # */) {
      while (i < text.length && text.charCodeAt(i) !== 10) i++;
    } else return i;
  }
}

/**
 * Collapse wrapper frames: a frame whose single child has the same result is that child. A
 * collection is its wrapper's result by identity even when the wrapper's end differs (js-yaml
 * closes a flow collection's wrapper after trailing spaces); a scalar only when the ends agree too.
 */
function unwrap(c: Closed): Closed {
  for (;;) {
    const k = c.children.length === 1 ? c.children[0]! : undefined;
    if (!k || k.result !== c.result) return c;
    if (k.end !== c.end && !(c.result && typeof c.result === 'object')) return c;
    c = k;
  }
}

/** Same value: identity for collections, equality (NaN too) for scalars. */
function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b));
}

function toPos(c0: Closed, text: string, aliasBudget: { left: number }, seen: Set<object>): YamlPos {
  const c = unwrap(c0);
  const pos: YamlPos = { start: skipSpace(text, c.start), end: c.end };
  const r = c.result;
  if (r && typeof r === 'object') {
    if (seen.has(r)) {
      // An alias to an already composed collection: no children events to read.
      if (--aliasBudget.left < 0) throw new Abort('yaml.alias-limit', 'too many YAML alias references', pos.start);
      return pos;
    }
    seen.add(r);
    const kids = c.children.map(unwrap);
    // js-yaml reports no events for an empty node (a bare `-` entry, a flow-mapping key without a
    // value): children are matched to the items and entries by value, and a node without events
    // gets no position (its parent's is used) instead of shifting every later position.
    if (Array.isArray(r)) {
      const items: YamlPos[] = new Array<YamlPos>(r.length);
      for (let i = 0, j = 0; i < r.length && j < kids.length; i++) {
        if (kids.length - j < r.length - i && !sameValue(kids[j]!.result, r[i])) continue;
        items[i] = toPos(kids[j++]!, text, aliasBudget, seen);
      }
      pos.items = items;
    } else {
      const entries = new Map<string, [YamlPos, YamlPos]>();
      const obj = r as Record<string, unknown>;
      for (let j = 0; j < kids.length; ) {
        const k = kids[j++]!;
        const key = String(k.result);
        if (!Object.hasOwn(obj, key) || entries.has(key)) {
          // Not a key of the value (or one seen already: keys are unique): a `<<` merge key (kept
          // with the node after it, as pairs), or the empty node js-yaml reports after a mapping's
          // last entry (dropped).
          if (j < kids.length) entries.set(key, [toPos(k, text, aliasBudget, seen), toPos(kids[j++]!, text, aliasBudget, seen)]);
          continue;
        }
        const keyPos = toPos(k, text, aliasBudget, seen);
        const v = kids[j];
        // The next child is this key's value unless it is missing, or it differs from the value and
        // reads as a later key (pairs stay pairs otherwise: a `<<` merge's value is not its entry).
        const nextIsKey = v !== undefined && !sameValue(v.result, obj[key]) && (v.result === null || typeof v.result !== 'object') && Object.hasOwn(obj, String(v.result)) && !entries.has(String(v.result));
        if (v && !nextIsKey) {
          entries.set(key, [keyPos, toPos(v, text, aliasBudget, seen)]);
          j++;
        } else entries.set(key, [keyPos, { start: keyPos.end, end: keyPos.end }]);
      }
      pos.entries = entries;
    }
  }
  return pos;
}

/**
 * Check a composed value against the limits: depth, items per collection,
 * alias references, and the node count once aliases are expanded (an alias
 * bomb is small in memory but explodes for any consumer that walks it as a
 * tree). Linear in the composed size: expanded sizes are memoized per node.
 */
function checkShape(value: unknown, limits: Limits): string | null {
  const size = new Map<object, number>();
  let aliases = 0;
  type Frame = { v: object; kids: unknown[]; i: number; acc: number; depth: number };
  if (!value || typeof value !== 'object') return null;
  const kidsOf = (v: object) => (Array.isArray(v) ? v : Object.values(v));
  const stack: Frame[] = [{ v: value, kids: kidsOf(value), i: 0, acc: 1, depth: 0 }];
  while (stack.length) {
    const f = stack[stack.length - 1]!;
    if (f.kids.length > limits.maxListItems) return `a YAML collection with more than ${limits.maxListItems} items`;
    if (f.i < f.kids.length) {
      const k = f.kids[f.i++];
      if (!k || typeof k !== 'object') {
        f.acc++;
        continue;
      }
      const known = size.get(k);
      if (known !== undefined) {
        if (++aliases > limits.maxYamlAliases) return `more than ${limits.maxYamlAliases} YAML alias references`;
        f.acc += known;
        if (f.acc > limits.maxYamlNodes) return `YAML aliases expand to more than ${limits.maxYamlNodes} nodes`;
        continue;
      }
      if (f.depth + 1 > limits.maxDepth) return `YAML nesting deeper than ${limits.maxDepth}`;
      size.set(k, 0); // a cycle back to an open node counts as one node
      stack.push({ v: k, kids: kidsOf(k), i: 0, acc: 1, depth: f.depth + 1 });
      continue;
    }
    stack.pop();
    size.set(f.v, f.acc);
    const parent = stack[stack.length - 1];
    if (parent) {
      parent.acc += f.acc;
      if (parent.acc > limits.maxYamlNodes) return `YAML aliases expand to more than ${limits.maxYamlNodes} nodes`;
    }
  }
  return null;
}

/**
 * Parse every document of a YAML file. Never throws: syntax errors and limit
 * violations become diagnostics (code `yaml.syntax`, `yaml.depth-limit`,
 * `yaml.alias-limit`, `yaml.size-limit`), and the documents before the error are kept.
 *
 * Most rule files are read by the one-pass reader of yaml-fast.ts, which
 * gives the same result as js-yaml; any file outside its subset (or with any
 * error or a limit in sight) is parsed by js-yaml (`parseYamlSlow`), which
 * also words the diagnostics.
 */
export function parseYaml(file: SourceFile, limits: Limits = DEFAULT_LIMITS, withPositions = true): YamlParseResult {
  const fast = readYamlFast(file.text, limits, withPositions);
  if (!(fast instanceof Unsupported)) return { documents: fast, diagnostics: [] };
  return parseYamlSlow(file, limits, withPositions);
}

/**
 * The js-yaml path of parseYaml: the documents, then a position tree rebuilt
 * from js-yaml's open/close listener events. Exported so that tests can
 * compare the fast reader with it.
 */
export function parseYamlSlow(file: SourceFile, limits: Limits = DEFAULT_LIMITS, withPositions = true): YamlParseResult {
  const text = file.text;
  const documents: YamlDocument[] = [];
  const diagnostics: Diagnostic[] = [];
  const stack: Frame[] = [{ start: 0, children: [], depth: 0 }];
  const listener = withPositions
    ? (type: 'open' | 'close', state: { position: number; result: unknown }) => {
        if (type === 'open') {
          const depth = stack.length;
          if (depth > limits.maxDepth * 2 + 8) throw new Abort('yaml.depth-limit', `YAML nesting deeper than ${limits.maxDepth}`, state.position);
          stack.push({ start: state.position, children: [], depth });
        } else {
          const f = stack.pop()!;
          stack[stack.length - 1]!.children.push({ start: f.start, end: state.position, result: state.result, children: f.children });
        }
      }
    : (type: 'open' | 'close', state: { position: number }) => {
        if (type === 'open') {
          if (stack.length > limits.maxDepth * 2 + 8) throw new Abort('yaml.depth-limit', `YAML nesting deeper than ${limits.maxDepth}`, state.position);
          stack.push({ start: 0, children: [], depth: 0 });
        } else stack.pop();
      };
  try {
    // js-yaml composes every document before it calls the iterator, so the
    // position frames are matched to the documents afterwards, by index.
    const values: unknown[] = [];
    yaml.loadAll(text, (doc) => values.push(doc), { schema: yaml.CORE_SCHEMA, filename: file.path, listener: listener as never, json: false, maxDepth: limits.maxDepth } as yaml.LoadOptions);
    const frames = stack[0]!.children;
    for (let i = 0; i < values.length; i++) {
      const doc = values[i];
      const top = frames.length === values.length ? frames[i] : undefined;
      const at = top ? skipSpace(text, top.start) : 0;
      const shape = checkShape(doc, limits);
      if (shape) {
        diagnostics.push(diagAt(file, 'error', /alias/.test(shape) ? 'yaml.alias-limit' : shape.includes('items') ? 'yaml.size-limit' : 'yaml.depth-limit', shape, at));
        continue;
      }
      const d: YamlDocument = { value: doc, start: at, end: top?.end ?? text.length };
      if (withPositions && top) d.pos = toPos(top, text, { left: limits.maxYamlAliases }, new Set());
      documents.push(d);
    }
  } catch (e) {
    if (e instanceof Abort) diagnostics.push(diagAt(file, 'error', e.code, e.message, e.offset));
    else if (e instanceof yaml.YAMLException) {
      const mark = (e as { mark?: { position?: number } }).mark;
      const reason = (e as { reason?: string }).reason ?? e.message;
      const code = /exceeded maxDepth/.test(reason) ? 'yaml.depth-limit' : /exceeded maxTotalMergeKeys/.test(reason) ? 'yaml.alias-limit' : 'yaml.syntax';
      diagnostics.push(diagAt(file, 'error', code, code === 'yaml.syntax' ? `invalid YAML: ${reason}` : `YAML ${reason}`, mark?.position ?? 0));
    } else if (e instanceof RangeError) {
      diagnostics.push(diagAt(file, 'error', 'yaml.depth-limit', 'YAML nesting too deep to parse', 0));
    } else throw e;
  }
  return { documents, diagnostics };
}
