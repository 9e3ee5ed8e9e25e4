/**
 * Textual macro expansion and comment removal, before any parsing.
 *
 * Splunk expands `` `name` `` and `` `name(a, b)` `` textually and
 * recursively (arguments substituted for `$arg$`), never inside quoted
 * strings; ```` ```comments``` ```` become blank. We do the same, with three
 * documented deviations (docs/semantics/splunk.md):
 *  - `source` and `predicate` macros are wrapped in parentheses (Splunk's own
 *    advice for macro bodies); in search syntax this changes nothing for the
 *    corpus's bare `a OR b OR c` source macros (OR binds tighter than AND);
 *  - comments are replaced by spaces of the same length (not one space), so
 *    offsets in the expanded text still map back onto the original;
 *  - unknown macros, cycles and over-limit expansions are left in the text as
 *    written (the grammar reads them as opaque macro tokens) and reported.
 */
import type { Limits } from '../../core/limits.js';
import type { MacroClass } from './macro-class.js';
import { classifyDefinition } from './macro-class.js';
import type { MacroDef, SplunkState } from './state.js';
import { macroKey } from './state.js';

export interface MacroUse {
  name: string;
  arity: number;
  cls: MacroClass | 'unknown';
  origin: string;
  /** Offset of the call's opening backtick in the original text (top-level calls only; nested calls carry their top-level call's offset). */
  offset: number;
  depth: number;
}

export interface ExpandDiag {
  severity: 'error' | 'warning' | 'info';
  code: string;
  message: string;
  offset: number;
  endOffset?: number;
}

interface Piece {
  out: number;
  in: number;
  len: number;
  macro: boolean;
}

export interface Expansion {
  text: string;
  uses: MacroUse[];
  /** [start, end) ranges of the expanded text that came from source-class macros (top level). */
  sourceRanges: Array<[number, number]>;
  diagnostics: ExpandDiag[];
  pieces: Piece[];
}

/** Macros that Splunk apps outside security_content define (CIM, ES); reported as `info` when missing. */
const EXTERNAL_MACROS = new Set(['summariesonly_config', 'oldsummaries_config', 'fillnull_config', 'get_asset', 'get_identity4events', 'cim_summariesonly']);

const BUILTIN_DROP_DM: MacroDef = { name: 'drop_dm_object_name', args: ['object'], definition: 'rename $object$.* AS *', origin: 'builtin' };
const BUILTIN_FILTER_BODY = 'search *';

export function lookupMacro(state: SplunkState, name: string, arity: number): MacroDef | undefined {
  const key = macroKey(name, arity);
  const user = state.userMacros[key];
  if (user) return user;
  const lib = state.macros[key];
  if (lib) return lib;
  if (name === 'drop_dm_object_name' && arity === 1) return BUILTIN_DROP_DM;
  if (arity === 0 && name.endsWith('_filter')) return { name, args: [], definition: BUILTIN_FILTER_BODY, origin: 'builtin' };
  return undefined;
}

/** Split `name(a, "b,c", d)` into name and arguments (top-level commas, quotes respected). */
export function parseMacroCall(call: string): { name: string; args: string[] } | null {
  const t = call.trim();
  const open = t.indexOf('(');
  if (open === -1) return /^[A-Za-z0-9_\-.:]+$/.test(t) ? { name: t, args: [] } : null;
  if (!t.endsWith(')')) return null;
  const name = t.slice(0, open).trim();
  if (!/^[A-Za-z0-9_\-.:]+$/.test(name)) return null;
  const inner = t.slice(open + 1, -1);
  const args: string[] = [];
  let depth = 0;
  let inQ = false;
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '"') inQ = !inQ;
    else if (!inQ && c === '(') depth++;
    else if (!inQ && c === ')') depth--;
    else if (!inQ && depth === 0 && c === ',') {
      args.push(inner.slice(start, i));
      start = i + 1;
    }
  }
  if (inner.trim() !== '' || args.length) args.push(inner.slice(start));
  return { name, args: args.map((a) => a.trim()) };
}

/** One layer of enclosing double quotes is removed from an argument (`drop_dm_object_name("Web")` = `drop_dm_object_name(Web)`). */
function argValue(a: string): string {
  if (a.length >= 2 && a.startsWith('"') && a.endsWith('"')) return a.slice(1, -1).replace(/\\"/g, '"');
  return a;
}

/** Substituted bodies per definition and argument list: the same call recurs across detections. */
const substituted = new WeakMap<MacroDef, Map<string, string>>();

function substitute(def: MacroDef, args: string[]): string {
  if (args.length === 0 && def.args.length === 0) return def.definition;
  let memo = substituted.get(def);
  if (!memo) substituted.set(def, (memo = new Map()));
  const key = args.join('\u0000');
  let body = memo.get(key);
  if (body === undefined) {
    body = substituteNow(def, args);
    if (memo.size > 1000) memo.clear();
    memo.set(key, body);
  }
  return body;
}

function substituteNow(def: MacroDef, args: string[]): string {
  let values = args.map(argValue);
  // Named arguments: `name(field=x)`.
  const named = args.map((a) => /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*([\s\S]*)$/.exec(a));
  if (args.length && named.every((m) => m && def.args.includes(m[1]!))) {
    values = def.args.map((n) => argValue(named.find((m) => m![1] === n)![2]!.trim()));
  }
  let body = def.definition;
  def.args.forEach((n, i) => {
    body = body.split(`$${n}$`).join(values[i] ?? '');
  });
  return body;
}

class Expander {
  readonly uses: MacroUse[] = [];
  readonly diagnostics: ExpandDiag[] = [];
  readonly sourceRanges: Array<[number, number]> = [];
  readonly pieces: Piece[] = [];
  private outLen = 0;
  /** Characters produced by all expansions so far, nested ones included: bounds the total work of an expansion bomb. */
  private work = 0;
  private stopped = false;

  constructor(
    private readonly state: SplunkState,
    private readonly limits: Limits,
  ) {}

  /** Scan `text`, blanking comments and replacing macro calls. `top` records the offset map. */
  scan(text: string, depth: number, stack: string[], top: boolean, callOffset: number): string {
    const parts: string[] = [];
    const n = text.length;
    let lit = 0; // start of the pending literal run
    let outBase = this.outLen;
    let built = 0;
    const flush = (end: number) => {
      if (end > lit) {
        const s = text.slice(lit, end);
        parts.push(s);
        if (top) this.pieces.push({ out: outBase + built, in: lit, len: s.length, macro: false });
        built += s.length;
      }
    };
    let i = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 92 /* \ */) {
        i += 2;
        continue;
      }
      if (c === 34 /* " */) {
        i++;
        while (i < n && text.charCodeAt(i) !== 34) i += text.charCodeAt(i) === 92 ? 2 : 1;
        i++;
        continue;
      }
      if (c === 96 /* ` */) {
        if (text.startsWith('```', i)) {
          const end = text.indexOf('```', i + 3);
          const stop = end === -1 ? n : end + 3;
          if (end === -1) this.diag('warning', 'spl.comment.unterminated', 'comment ``` is not closed; the rest of the search is a comment', top ? i : callOffset);
          flush(i);
          const blank = text.slice(i, stop).replace(/[^\n]/g, ' ');
          parts.push(blank);
          if (top) this.pieces.push({ out: outBase + built, in: i, len: blank.length, macro: false });
          built += blank.length;
          i = stop;
          lit = i;
          continue;
        }
        const end = text.indexOf('`', i + 1);
        if (end === -1) {
          this.diag('error', 'spl.macro.unterminated', 'macro call is missing its closing backtick', top ? i : callOffset);
          i = n;
          continue;
        }
        flush(i);
        const callText = text.slice(i, end + 1);
        const at = top ? i : callOffset;
        const outStart = outBase + built;
        const prev = parts.length ? parts[parts.length - 1]! : '';
        const exp = this.expandCall(callText, depth, stack, at, prev);
        parts.push(exp.text);
        if (top) {
          this.pieces.push({ out: outStart, in: i, len: exp.text.length, macro: true });
          if (exp.cls === 'source') this.sourceRanges.push([outStart, outStart + exp.text.length]);
        }
        built += exp.text.length;
        i = end + 1;
        lit = i;
        if (top) this.outLen = outBase + built;
        continue;
      }
      i++;
    }
    flush(n);
    const out = parts.join('');
    if (top) this.outLen = outBase + built;
    return out;
  }

  private diag(severity: ExpandDiag['severity'], code: string, message: string, offset: number, endOffset?: number): void {
    const d: ExpandDiag = { severity, code, message, offset };
    if (endOffset !== undefined) d.endOffset = endOffset;
    this.diagnostics.push(d);
  }

  private expandCall(callText: string, depth: number, stack: string[], at: number, prevText: string): { text: string; cls: MacroClass | 'unknown' } {
    const call = parseMacroCall(callText.slice(1, -1));
    const end = at + callText.length;
    if (!call) {
      this.diag('warning', 'spl.macro.invalid-call', `not a macro call: ${callText}`, at, end);
      return { text: callText, cls: 'unknown' };
    }
    const def = lookupMacro(this.state, call.name, call.args.length);
    if (!def) {
      const external = EXTERNAL_MACROS.has(call.name);
      this.uses.push({ name: call.name, arity: call.args.length, cls: 'unknown', origin: external ? 'external' : 'unknown', offset: at, depth });
      this.diag(external ? 'info' : 'warning', external ? 'spl.macro.external' : 'spl.macro.unknown', external ? `macro \`${call.name}\` is defined outside security_content (Splunk CIM / ES); kept unexpanded` : `unknown macro \`${call.name}\`${call.args.length ? ` with ${call.args.length} argument(s)` : ''}; kept as an opaque part`, at, end);
      return { text: callText, cls: 'unknown' };
    }
    const key = macroKey(call.name, call.args.length);
    if (stack.includes(key)) {
      this.diag('error', 'spl.macro.cycle', `macro cycle: ${[...stack, key].map((k) => k.replace(/\/\d+$/, '')).join(' -> ')}`, at, end);
      return { text: callText, cls: 'unknown' };
    }
    if (depth + 1 > this.limits.maxMacroDepth) {
      this.diag('error', 'spl.macro.depth-limit', `macro expansion deeper than ${this.limits.maxMacroDepth} levels at \`${call.name}\``, at, end);
      return { text: callText, cls: 'unknown' };
    }
    if (this.stopped) return { text: callText, cls: 'unknown' };
    if (def.iseval) this.diag('warning', 'spl.macro.iseval', `macro \`${call.name}\` is an eval-based macro (iseval = 1); its definition is used as text`, at, end);
    let body = substitute(def, call.args);
    // The generated `_filter` hook written as `| search \`x_filter\``: a second `search` word would make Splunk
    // look for the term "search"; the hook's intent is "no filter", so only the `*` is kept.
    if (def.origin === 'builtin' && def.definition === BUILTIN_FILTER_BODY && /\bsearch\s*$/i.test(prevText)) body = '*';
    const expanded = this.scan(body, depth + 1, [...stack, key], false, at);
    // Check the size before classifying: an expansion bomb must stop here, not in the classifier.
    this.work += expanded.length;
    if (this.stopped || this.outLen + expanded.length > this.limits.maxExpandedChars || this.work > 2 * this.limits.maxExpandedChars) {
      if (!this.stopped) this.diag('error', 'spl.macro.size-limit', `expanded search longer than ${this.limits.maxExpandedChars} characters; expansion stopped at \`${call.name}\``, at, end);
      this.stopped = true;
      return { text: callText, cls: 'unknown' };
    }
    const cls = classifyDefinition(expanded);
    this.uses.push({ name: call.name, arity: call.args.length, cls, origin: def.origin, offset: at, depth });
    const text = cls === 'source' || cls === 'predicate' ? `(${expanded})` : expanded;
    if (this.outLen + text.length > this.limits.maxExpandedChars) {
      this.stopped = true;
      this.diag('error', 'spl.macro.size-limit', `expanded search longer than ${this.limits.maxExpandedChars} characters; expansion stopped at \`${call.name}\``, at, end);
      return { text: callText, cls: 'unknown' };
    }
    return { text, cls };
  }
}

export function expandMacros(text: string, state: SplunkState, limits: Limits): Expansion {
  const ex = new Expander(state, limits);
  const out = ex.scan(text, 0, [], true, 0);
  return { text: out, uses: ex.uses, sourceRanges: ex.sourceRanges, diagnostics: ex.diagnostics, pieces: ex.pieces };
}

/** Map an offset of the expanded text back to the original text (a macro's output maps to its call). */
export function mapOffset(exp: Expansion, out: number): number {
  const ps = exp.pieces;
  let lo = 0;
  let hi = ps.length - 1;
  if (hi < 0) return out;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ps[mid]!.out <= out) lo = mid;
    else hi = mid - 1;
  }
  const p = ps[lo]!;
  if (p.macro) return p.in;
  return p.in + Math.min(Math.max(out - p.out, 0), p.len);
}

/** True when the whole [s, e) range lies in one source-macro expansion. */
export function inSourceRange(exp: Expansion, s: number, e: number): boolean {
  for (const [a, b] of exp.sourceRanges) if (s >= a && e <= b) return true;
  return false;
}
