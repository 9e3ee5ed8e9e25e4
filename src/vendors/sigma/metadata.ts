/**
 * Rule metadata common to Sigma rules, correlations and filters: ATT&CK tags,
 * logsource, the documented attributes, and every other key kept as JSON-safe
 * metadata.
 */
import { setOwn } from '../../core/objects.js';
import { exactSize } from '../../core/arrays.js';
import type { LogSource, Rule } from '../../ast/schema.js';
import { report, type RuleCtx } from './context.js';
import type { YamlPos } from '../../formats/yaml.js';

/** ATT&CK tactic short names as Sigma writes them, including the v19 split of defense-evasion. */
export const TACTICS = new Set([
  'reconnaissance',
  'resource-development',
  'initial-access',
  'execution',
  'persistence',
  'privilege-escalation',
  'defense-evasion',
  'stealth',
  'defense-impairment',
  'credential-access',
  'discovery',
  'lateral-movement',
  'collection',
  'command-and-control',
  'exfiltration',
  'impact',
]);

const TECHNIQUE_RE = /^t(\d{4})(?:\.(\d{3}))?$/i;
const GROUP_OR_SOFTWARE_RE = /^(?:[gsm]|ds|dc)\d{4}$/i; // groups, software, mitigations, data sources, data components
const CAMPAIGN_RE = /^c\d{4}$/i;

/** What one tag says about ATT&CK (depends on the tag text only). */
type TagClass = { kind: 'technique'; id: string } | { kind: 'tactic'; tactic: string } | { kind: 'none' } | { kind: 'unknown' };

function classifyTag(t: string): TagClass {
  const dot = t.indexOf('.');
  if (dot === -1 || t.slice(0, dot).toLowerCase() !== 'attack') return { kind: 'none' };
  const name = t.slice(dot + 1);
  const tm = TECHNIQUE_RE.exec(name);
  if (tm) return { kind: 'technique', id: `T${tm[1]}${tm[2] ? '.' + tm[2] : ''}` };
  // Sigma writes tactics with hyphens; old rules used underscores.
  const tactic = name.toLowerCase().replace(/_/g, '-');
  if (TACTICS.has(tactic)) return { kind: 'tactic', tactic };
  if (GROUP_OR_SOFTWARE_RE.test(name) || CAMPAIGN_RE.test(name)) return { kind: 'none' };
  return { kind: 'unknown' };
}

/** Tags recur across a corpus (`attack.execution`, `attack.t1059.001`): each is classified once. */
const TAG_CLASSES = new Map<string, TagClass>();
const MAX_TAG_CLASSES = 10_000;

export function attackFromTags(ctx: RuleCtx, tags: unknown, pos: YamlPos | undefined): Rule['attack'] {
  const attack: Rule['attack'] = { techniques: [], tactics: [], raw: [] };
  if (tags === undefined || tags === null) return attack;
  if (!Array.isArray(tags)) {
    report(ctx, 'warning', 'sigma.rule.tags', 'tags must be a list', pos);
    return attack;
  }
  for (let i = 0; i < tags.length; i++) {
    const t = tags[i];
    if (typeof t !== 'string') {
      report(ctx, 'warning', 'sigma.rule.tags', `tag ${JSON.stringify(t)} is not a string`, pos?.items?.[i] ?? pos);
      continue;
    }
    attack.raw.push(t);
    let c = TAG_CLASSES.get(t);
    if (!c) {
      c = classifyTag(t);
      if (TAG_CLASSES.size >= MAX_TAG_CLASSES) TAG_CLASSES.clear();
      TAG_CLASSES.set(t, c);
    }
    if (c.kind === 'technique') {
      if (!attack.techniques.includes(c.id)) attack.techniques.push(c.id);
    } else if (c.kind === 'tactic') {
      if (!attack.tactics.includes(c.tactic)) attack.tactics.push(c.tactic);
    } else if (c.kind === 'unknown') {
      report(ctx, 'warning', 'sigma.rule.tag-unknown', `unknown ATT&CK tag '${t}' (not a technique, tactic, group, software or campaign)`, pos?.items?.[i] ?? pos);
    }
  }
  return attack;
}

export function logsourceOf(ctx: RuleCtx, ls: unknown, pos: YamlPos | undefined, extra: Record<string, unknown>): LogSource {
  const out: LogSource = {};
  if (ls === undefined || ls === null) return out;
  if (typeof ls !== 'object' || Array.isArray(ls)) {
    report(ctx, 'error', 'sigma.rule.logsource', 'logsource must be a map', pos);
    return out;
  }
  const rest: Record<string, unknown> = {};
  const map = ls as Record<string, unknown>;
  const keys = Object.keys(map);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const v = map[k];
    if (k === 'product' || k === 'category' || k === 'service' || k === 'definition') {
      if (typeof v === 'string') out[k] = v;
      else if (v !== null && v !== undefined) {
        report(ctx, 'warning', 'sigma.rule.logsource', `logsource ${k} must be a string`, pos?.entries?.get(k)?.[1] ?? pos);
        out[k] = String(v);
      }
    } else setOwn(rest, k, jsonSafe(v));
  }
  if (Object.keys(rest).length) extra.logsource = rest;
  return out;
}

/** Make a YAML value JSON-safe (js-yaml's core schema yields plain data, except non-finite numbers); copies only when needed. */
export function jsonSafe(v: unknown): unknown {
  return isJsonSafe(v) ? v : toJsonSafe(v);
}

function isJsonSafe(v: unknown): boolean {
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(isJsonSafe);
  if (v && typeof v === 'object') {
    for (const k in v) if (!isJsonSafe((v as Record<string, unknown>)[k])) return false;
  }
  return true;
}

function toJsonSafe(v: unknown): unknown {
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (Array.isArray(v)) return v.map(toJsonSafe);
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) setOwn(o, k, toJsonSafe(x));
    return o;
  }
  return v;
}

export function stringList(v: unknown): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return v.filter((x) => x !== null && x !== undefined).map((x) => String(x));
  return [String(v)];
}

const LEVELS = new Set(['informational', 'low', 'medium', 'high', 'critical']);
const STATUSES = new Set(['stable', 'test', 'experimental', 'deprecated', 'unsupported']);

export function checkLevelStatus(ctx: RuleCtx, doc: Record<string, unknown>, pos: YamlPos | undefined): void {
  const level = doc.level;
  if (level !== undefined && level !== null && !LEVELS.has(String(level))) report(ctx, 'warning', 'sigma.rule.level', `unknown level '${String(level)}' (expected ${[...LEVELS].join(', ')})`, pos?.entries?.get('level')?.[1]);
  const status = doc.status;
  if (status !== undefined && status !== null && !STATUSES.has(String(status))) report(ctx, 'warning', 'sigma.rule.status', `unknown status '${String(status)}' (expected ${[...STATUSES].join(', ')})`, pos?.entries?.get('status')?.[1]);
}

/** Authors: Sigma `author` is one comma-separated string. */
export function authorsOf(v: unknown): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return v.map(String);
  const parts: string[] = [];
  for (const s of String(v).split(',')) {
    const a = s.trim();
    if (a) parts.push(a);
  }
  return parts.length ? exactSize(parts) : undefined;
}
