/**
 * Multi-document Sigma files. Plain documents stand alone (rules,
 * correlations, filters side by side). The legacy Sigma v1 collection actions
 * are applied as pySigma `SigmaCollection.from_dicts` does: `action: global`
 * sets a template that is deep-merged into every following rule (template
 * values win, as in pySigma's `deep_dict_update(rule, global)`), `reset`
 * clears it, `repeat` merges the document into the previous rule and emits
 * the result. Position trees are merged alongside, so merged values keep
 * pointing at the document they were written in.
 */
import { setOwn } from '../../core/objects.js';
import type { YamlPos } from '../../formats/yaml.js';

export interface RawDoc {
  value: unknown;
  pos?: YamlPos;
  start: number;
}

export interface MergedDoc {
  value: Record<string, unknown>;
  pos?: YamlPos;
  start: number;
  index: number;
}

export type CollectionIssue = { index: number; start: number; code: string; message: string };

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Deep merge `src` into a copy of `dest` (src wins), with the position trees merged the same way. */
function merge(dest: Record<string, unknown>, destPos: YamlPos | undefined, src: Record<string, unknown>, srcPos: YamlPos | undefined): [Record<string, unknown>, YamlPos | undefined] {
  const out: Record<string, unknown> = { ...dest };
  const entries = new Map(destPos?.entries ?? []);
  for (const [k, v] of Object.entries(src)) {
    const sp = srcPos?.entries?.get(k);
    const dv = out[k];
    if (isMap(v)) {
      const dp = entries.get(k);
      const [mv, mp] = merge(isMap(dv) ? dv : {}, isMap(dv) ? dp?.[1] : undefined, v, sp?.[1]);
      setOwn(out, k, mv);
      if (sp && mp) entries.set(k, [sp[0], mp]);
    } else {
      setOwn(out, k, v);
      if (sp) entries.set(k, sp);
    }
  }
  const pos: YamlPos | undefined = destPos || srcPos ? { start: destPos?.start ?? srcPos!.start, end: Math.max(destPos?.end ?? 0, srcPos?.end ?? 0), entries } : undefined;
  return [out, pos];
}

export function resolveCollection(docs: RawDoc[]): { docs: MergedDoc[]; issues: CollectionIssue[] } {
  const out: MergedDoc[] = [];
  const issues: CollectionIssue[] = [];
  let global: { value: Record<string, unknown>; pos?: YamlPos } | null = null;
  let prev: { value: Record<string, unknown>; pos?: YamlPos } | null = null;
  docs.forEach((d, index) => {
    if (d.value === null || d.value === undefined) return; // empty document (e.g. a trailing `---`)
    if (!isMap(d.value)) {
      issues.push({ index, start: d.start, code: 'sigma.document.invalid', message: 'a Sigma document must be a map' });
      return;
    }
    const v = d.value;
    const action = v.action;
    if (action === undefined) {
      if ('correlation' in v || ('filter' in v && !('detection' in v))) {
        out.push({ value: v, pos: d.pos, start: d.start, index });
        return;
      }
      let value = v;
      let pos = d.pos;
      if (global) [value, pos] = merge(v, d.pos, global.value, global.pos);
      out.push({ value, pos, start: d.start, index });
      prev = { value, pos };
      return;
    }
    const { action: _a, ...rest } = v;
    if (action === 'global') {
      global = { value: rest, pos: d.pos };
      prev = global;
    } else if (action === 'reset') {
      global = null;
    } else if (action === 'repeat') {
      const base: { value: Record<string, unknown>; pos?: YamlPos } = prev ?? { value: {} };
      const [value, pos] = merge(base.value, base.pos, rest, d.pos);
      out.push({ value, pos, start: d.start, index });
      prev = { value, pos };
    } else {
      issues.push({ index, start: d.start, code: 'sigma.collection.action', message: `unknown collection action '${String(action)}' (expected global, reset or repeat)` });
    }
  });
  return { docs: out, issues };
}
