/**
 * Classifies an (expanded) macro definition by what it does in a search,
 * following the research classes (docs/semantics/splunk.md):
 *  - `source`: only index/source/sourcetype/eventtype/Channel comparisons (`sysmon`);
 *  - `predicate`: a boolean search expression over data fields (`process_powershell`);
 *  - `pipeline`: contains commands (`security_content_ctime`, lookups);
 *  - `options`: tstats options (`security_content_summariesonly`);
 *  - `constant`: a single literal (`"-70m@m"`, `true`);
 *  - `noop`: `search *` (the default `_filter` hook);
 *  - `other`: anything else (a bare comma-separated value list).
 */
import { pushAll } from '../../core/arrays.js';
import { tryParseSpl } from './parse.js';

export type MacroClass = 'source' | 'predicate' | 'pipeline' | 'options' | 'constant' | 'noop' | 'other';

/** Fields that select where events come from rather than what they contain. */
export const SOURCE_FIELDS = new Set(['index', 'source', 'sourcetype', 'eventtype', 'Channel', 'splunk_server']);

const TSTATS_OPTIONS = new Set(['summariesonly', 'allow_old_summaries', 'fillnull_value', 'prestats', 'local', 'append', 'chunk_size', 'include_reduced_buckets']);

const COMMAND_FIRST = /^\s*(search|where|eval|lookup|inputlookup|outputlookup|convert|rename|rex|regex|stats|table|fields|fillnull|spath|dedup|sort|bin|bucket|eventstats|streamstats|join|append|appendpipe|mvexpand|makemv|xmlkv|iplocation|tstats|mstats|from|map|foreach|rest|makeresults|head|tail|transaction)\b/i;
const CONSTANT = /^\s*("(?:[^"\\]|\\.)*"|[-+]?\d+(?:\.\d+)?|true|false|null|[-+]?\d+[smhdwy][\w@]*|now)\s*$/i;

const memo = new Map<string, MacroClass>();

function hasTopLevelPipe(text: string): boolean {
  let inQ = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '"') inQ = !inQ;
    else if (c === '|' && !inQ) return true;
  }
  return false;
}

interface SNode {
  k: string;
  items?: SNode[];
  item?: SNode;
  field?: { name: string };
}

export function classifyDefinition(body: string): MacroClass {
  const hit = memo.get(body);
  if (hit) return hit;
  const cls = classify(body);
  if (memo.size > 10_000) memo.clear();
  memo.set(body, cls);
  return cls;
}

function classify(body: string): MacroClass {
  const t = body.trim();
  if (t === '' || /^search\s+\*$/i.test(t) || t === '*') return 'noop';
  if (hasTopLevelPipe(t) || COMMAND_FIRST.test(t)) return 'pipeline';
  if (CONSTANT.test(t)) return 'constant';
  const generic: Array<{ k: string; key?: string }> | null = tryParseSpl(t, { startRule: 'GenericArgs' });
  if (generic && generic.length && generic.every((i) => i.k === 'opt' && TSTATS_OPTIONS.has(i.key ?? ''))) return 'options';
  const tree: SNode | null = tryParseSpl(t, { startRule: 'SearchExpr' });
  if (!tree) return 'other';
  let fields = 0;
  let sourceOnly = true;
  let terms = 0;
  const stack: SNode[] = [tree];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.items) pushAll(stack, n.items);
    if (n.item) stack.push(n.item);
    if (n.k === 'cmp' || n.k === 'in') {
      fields++;
      if (!SOURCE_FIELDS.has(n.field!.name)) sourceOnly = false;
    } else if (n.k === 'term' || n.k === 'fn' || n.k === 'subsearch' || n.k === 'macro') terms++;
  }
  if (fields === 0) return 'other';
  if (sourceOnly && terms === 0) return 'source';
  return 'predicate';
}
