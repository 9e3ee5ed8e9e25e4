/**
 * A literal prefilter over many rules: which rules can possibly match an
 * event, found with one Aho-Corasick scan per field instead of running every
 * rule.
 *
 * For each rule we derive a *necessary* condition: a set of (field, literal)
 * alternatives such that if the rule's filter is true, one of the literals
 * occurs in one of the field's case-folded values. Derivation:
 * - a positive string `eq`/`wildcard`/`match` predicate: its longest literal
 *   run (case-sensitive predicates only when that literal is ASCII, whose
 *   case folding does not depend on context);
 * - `or`: the union of its children's sets (none when a child has none);
 * - `and`: the set of one child (every child must hold), the most selective;
 * - anything else (`not`, regexes, CIDR, comparisons, null checks, field
 *   references, opaque parts): no condition.
 * A rule without a condition is always evaluated. The prefilter only skips
 * rules that cannot match, so results are identical with and without it.
 */
import { parseGlob } from '../ast/glob.js';
import type { Node, Predicate } from '../ast/schema.js';
import type { EventView, Values } from './event-view.js';
import { BASENAME_TARGETS } from './field-layer.js';
import { fold } from './glob-match.js';
import { gateAllows, type Gate } from './logsource.js';

interface Anchor {
  key: string;
  literal: string;
}

const ASCII = /^[\x00-\x7f]*$/;

function fieldKey(p: Predicate): string {
  if (!p.field) return '*';
  const canon = p.field.canonical;
  const base = canon !== undefined && canon !== p.field.name && BASENAME_TARGETS.has(canon);
  return JSON.stringify([canon ?? null, p.field.name, base]);
}

function predicateAnchors(p: Predicate): Anchor[] | null {
  if (p.ref || p.placeholder !== undefined || p.field?.computed) return null;
  if (p.op !== 'eq' && p.op !== 'wildcard' && p.op !== 'match') return null;
  if (typeof p.value !== 'string') return null;
  let lit: string;
  if (p.op === 'eq') lit = p.value;
  else {
    lit = '';
    for (const t of parseGlob(p.value)) if (t.t === 'lit' && t.s.length > lit.length) lit = t.s;
  }
  if (!lit) return null;
  if (p.caseSensitive && !ASCII.test(lit)) return null;
  return [{ key: fieldKey(p), literal: fold(lit) }];
}

/** Selectivity of an anchor set: its shortest literal (longer is rarer), fewer alternatives breaking ties. */
function score(a: Anchor[]): number {
  let min = Infinity;
  for (const x of a) min = Math.min(min, x.literal.length);
  return min * 1000 - a.length;
}

export function necessaryAnchors(root: Node, maxAlternatives = 5000): Anchor[] | null {
  const go = (n: Node, depth: number): Anchor[] | null => {
    if (depth > 200) return null;
    switch (n.type) {
      case 'predicate':
        return predicateAnchors(n);
      case 'or': {
        const out: Anchor[] = [];
        for (const c of n.children) {
          const a = go(c, depth + 1);
          if (!a) return null;
          for (const x of a) out.push(x);
          if (out.length > maxAlternatives) return null;
        }
        return out.length ? out : null;
      }
      case 'and': {
        let best: Anchor[] | null = null;
        for (const c of n.children) {
          const a = go(c, depth + 1);
          if (a && (!best || score(a) > score(best))) best = a;
        }
        return best;
      }
      default:
        return null;
    }
  };
  return go(root, 0);
}

/**
 * Aho-Corasick automaton over UTF-16 code units; reports pattern indexes
 * found in a text. Transitions live in one Map keyed by state × 2^16 + code
 * unit (one Map for the whole automaton, not one per state: building it for
 * the whole Sigma corpus stays cheap).
 */
export class AhoCorasick {
  private readonly next = new Map<number, number>();
  private readonly fail: number[] = [0];
  private readonly out: number[][] = [[]];
  private readonly children: number[][] = [[]];

  constructor(patterns: readonly string[]) {
    const next = this.next;
    patterns.forEach((p, idx) => {
      let s = 0;
      for (let i = 0; i < p.length; i++) {
        const key = s * 65536 + p.charCodeAt(i);
        let t = next.get(key);
        if (t === undefined) {
          t = this.fail.length;
          this.fail.push(0);
          this.out.push([]);
          this.children.push([]);
          next.set(key, t);
          this.children[s]!.push(key);
        }
        s = t;
      }
      this.out[s]!.push(idx);
    });
    // Breadth-first failure links; a node's outputs include its failure node's.
    const queue: number[] = [];
    for (const key of this.children[0]!) queue.push(next.get(key)!);
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi]!;
      for (const key of this.children[s]!) {
        const t = next.get(key)!;
        const c = key - s * 65536;
        queue.push(t);
        let f = this.fail[s]!;
        let g = next.get(f * 65536 + c);
        while (g === undefined && f !== 0) {
          f = this.fail[f]!;
          g = next.get(f * 65536 + c);
        }
        this.fail[t] = g !== undefined && g !== t ? g : 0;
        const fo = this.out[this.fail[t]!]!;
        if (fo.length) this.out[t] = this.out[t]!.concat(fo);
      }
    }
    this.children.length = 0;
  }

  /** Append the indexes of the patterns found in `text` to `found` (with repeats). */
  scan(text: string, found: number[]): void {
    const next = this.next;
    const fail = this.fail;
    const out = this.out;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      let t = next.get(s * 65536 + c);
      while (t === undefined && s !== 0) {
        s = fail[s]!;
        t = next.get(s * 65536 + c);
      }
      s = t ?? 0;
      const o = out[s]!;
      for (let k = 0; k < o.length; k++) found.push(o[k]!);
    }
  }
}

interface FieldScan {
  /** Rules of this scan, to know whether any of them may see an event's log source. */
  ruleSet: number[];
  /** Event class id -> whether some rule of the scan passes that class's log source gate. */
  active: Map<string, boolean>;
  lookup: (ev: EventView) => Values | undefined;
  keyword: boolean;
  ac: AhoCorasick;
  /** pattern index -> rule numbers */
  rules: number[][];
}

/**
 * Rule numbers 0..n-1 with their filters. `mark(ev)` computes, for one event,
 * which anchored rules may match; `allowed(rule)` then answers in O(1).
 */
export class Prefilter {
  private readonly scans: FieldScan[] = [];
  private readonly anchored: Uint8Array;
  private readonly seen: Int32Array;
  private gen = 0;

  /**
   * `filters[i]` is rule i's event filter (null: not a filter rule); `gates[i]`
   * its log source gate, so that a field is not scanned for events no rule
   * reading it can see.
   */
  constructor(
    filters: ReadonlyArray<Node | null>,
    private readonly gates: ReadonlyArray<Gate | null> = [],
  ) {
    this.anchored = new Uint8Array(filters.length);
    this.seen = new Int32Array(filters.length);
    const byKey = new Map<string, { p: Predicate | null; lits: Map<string, number[]> }>();
    filters.forEach((f, rule) => {
      if (!f) return;
      const anchors = necessaryAnchors(f);
      if (!anchors) return;
      this.anchored[rule] = 1;
      for (const a of anchors) {
        let k = byKey.get(a.key);
        if (!k) byKey.set(a.key, (k = { p: null, lits: new Map() }));
        const l = k.lits.get(a.literal);
        if (l) {
          if (l[l.length - 1] !== rule) l.push(rule);
        } else k.lits.set(a.literal, [rule]);
      }
    });
    for (const [key, { lits }] of byKey) {
      const patterns = [...lits.keys()];
      const rules = patterns.map((p) => lits.get(p)!);
      const ruleSet = [...new Set(rules.flat())];
      const common = { ruleSet, active: new Map<string, boolean>(), ac: new AhoCorasick(patterns), rules };
      if (key === '*') {
        this.scans.push({ ...common, lookup: () => undefined, keyword: true });
        continue;
      }
      const [canon, name, base] = JSON.parse(key) as [string | null, string, boolean];
      const lower = name.toLowerCase();
      this.scans.push({ ...common, lookup: (ev) => ev.lookup(canon ?? undefined, name, lower, base), keyword: false });
    }
  }

  get anchoredCount(): number {
    let n = 0;
    for (const a of this.anchored) n += a;
    return n;
  }

  private readonly found: number[] = [];

  /**
   * The anchored rules whose literals occur in this event, in rule order
   * (the returned array is reused by the next call). Also makes `allowed`
   * answer for this event.
   */
  mark(ev: EventView): number[] {
    const g = ++this.gen;
    const seen = this.seen;
    const hits: number[] = [];
    const found = this.found;
    const cls = ev.cls;
    for (const s of this.scans) {
      if (cls) {
        let on = s.active.get(cls.id);
        if (on === undefined) {
          on = s.ruleSet.some((r) => gateAllows(this.gates[r] ?? null, cls));
          s.active.set(cls.id, on);
        }
        if (!on) continue;
      }
      let strs: string[];
      if (s.keyword) strs = ev.allStrings(true);
      else {
        const vals = s.lookup(ev);
        if (!vals) continue;
        strs = ev.foldedStrings(vals);
      }
      const rules = s.rules;
      found.length = 0;
      for (let i = 0; i < strs.length; i++) s.ac.scan(strs[i]!, found);
      for (let i = 0; i < found.length; i++) {
        const rs = rules[found[i]!]!;
        for (let k = 0; k < rs.length; k++) {
          const r = rs[k]!;
          if (seen[r] !== g) {
            seen[r] = g;
            hits.push(r);
          }
        }
      }
    }
    return hits.sort((a, b) => a - b);
  }

  isAnchored(rule: number): boolean {
    return this.anchored[rule] === 1;
  }

  allowed(rule: number): boolean {
    return this.anchored[rule] === 0 || this.seen[rule] === this.gen;
  }
}
