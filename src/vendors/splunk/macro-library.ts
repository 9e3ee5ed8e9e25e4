/**
 * Loading macro definitions: security_content `macros/*.yml` files
 * (`name`, `definition`, `arguments`) and Splunk `macros.conf` stanzas
 * (`[name]` or `[name(N)]` with `args` and `definition`), plus the user macro
 * library given through `vendorOptions.macros`.
 */
import { pushAll } from '../../core/arrays.js';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '../../ast/schema.js';
import { diagAt } from '../../core/diagnostics.js';
import type { Limits } from '../../core/limits.js';
import { SourceFile } from '../../core/source-file.js';
import { parseYaml, yamlPosAt } from '../../formats/yaml.js';
import { parseConf } from './conf.js';
import type { MacroDef } from './state.js';
import { macroKey } from './state.js';

const STANZA = /^([A-Za-z0-9_\-.:]+)(?:\((\d+)\))?$/;

/** Put a definition into a table; a different body under the same key is reported. */
function put(table: Record<string, MacroDef>, def: MacroDef, file: SourceFile, offset: number, diags: Diagnostic[]): void {
  const key = macroKey(def.name, def.args.length);
  const old = table[key];
  if (old && old.definition !== def.definition) {
    diags.push(diagAt(file, 'info', 'spl.macro.redefined', `macro \`${def.name}\` (${def.args.length} args) from ${old.origin} is replaced by ${def.origin}`, offset));
  }
  table[key] = def;
}

export function loadMacroYaml(file: SourceFile, table: Record<string, MacroDef>, limits: Limits, origin = file.path): Diagnostic[] {
  const { documents, diagnostics } = parseYaml(file, limits);
  const diags = [...diagnostics];
  for (const doc of documents) {
    const v = doc.value as Record<string, unknown> | null;
    if (!v || typeof v !== 'object' || Array.isArray(v)) {
      diags.push(diagAt(file, 'error', 'spl.macro.invalid', 'a macro file must be a mapping with `name` and `definition`', doc.start));
      continue;
    }
    const name = v.name;
    const definition = v.definition;
    if (typeof name !== 'string' || !name) {
      diags.push(diagAt(file, 'error', 'spl.macro.invalid', 'macro without a `name`', doc.start));
      continue;
    }
    if (typeof definition !== 'string') {
      diags.push(diagAt(file, 'error', 'spl.macro.invalid', `macro \`${name}\` has no string \`definition\``, yamlPosAt(doc.pos, ['name'])?.start ?? doc.start));
      continue;
    }
    const args = Array.isArray(v.arguments) ? v.arguments.map(String) : [];
    put(table, { name, args, definition, origin }, file, yamlPosAt(doc.pos, ['name'])?.start ?? doc.start, diags);
  }
  return diags;
}

export function loadMacrosConf(file: SourceFile, table: Record<string, MacroDef>, origin = file.path): Diagnostic[] {
  const diags: Diagnostic[] = [];
  for (const st of parseConf(file.text)) {
    if (st.name === 'default') continue;
    const def = st.entries.get('definition');
    const m = STANZA.exec(st.name.trim());
    if (!m) {
      diags.push(diagAt(file, 'warning', 'spl.macro.invalid', `macros.conf stanza [${st.name}] is not a macro name`, st.offset));
      continue;
    }
    if (!def) {
      diags.push(diagAt(file, 'warning', 'spl.macro.invalid', `macros.conf stanza [${st.name}] has no definition`, st.offset));
      continue;
    }
    const arity = m[2] ? Number(m[2]) : 0;
    const argText = st.entries.get('args')?.value ?? '';
    const args = argText.split(',').map((s) => s.trim()).filter(Boolean);
    if (args.length !== arity) {
      diags.push(diagAt(file, 'warning', 'spl.macro.arity', `macros.conf stanza [${st.name}] declares ${arity} argument(s) but args lists ${args.length}`, st.offset));
      while (args.length < arity) args.push(`arg${args.length + 1}`);
      args.length = arity;
    }
    const iseval = /^(1|true|t)$/i.test(st.entries.get('iseval')?.value.trim() ?? '');
    put(table, { name: m[1]!, args, definition: def.value, origin, ...(iseval ? { iseval } : {}) }, file, st.offset, diags);
  }
  return diags;
}

/**
 * The user macro library (`vendorOptions.macros`): a list whose items are a
 * path (a macros folder, a macro `.yml`, or a `macros.conf`), an inline file
 * `{ path, text }`, or a record `{ name: definition }` (`name(N)` keys take
 * `$1$`-style positional arguments named arg1..argN).
 */
export function loadUserMacros(spec: unknown, table: Record<string, MacroDef>, limits: Limits): Diagnostic[] {
  const diags: Diagnostic[] = [];
  const items = Array.isArray(spec) ? spec : spec === undefined || spec === null ? [] : [spec];
  const loadFile = (path: string, text: string) => {
    const f = new SourceFile(path, text);
    if (/\.conf$/i.test(path) || /^\s*\[/m.test(text) && /^\s*definition\s*=/m.test(text)) pushAll(diags, loadMacrosConf(f, table, `user:${path}`));
    else pushAll(diags, loadMacroYaml(f, table, limits, `user:${path}`));
  };
  const loadPath = (p: string, depth: number) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      diags.push({ severity: 'error', code: 'spl.macro.library', message: `macro library not found: ${p}`, path: p });
      return;
    }
    if (st.isDirectory()) {
      if (depth > 8) return;
      for (const name of readdirSync(p).sort()) {
        const child = join(p, name);
        if (/\.(ya?ml|conf)$/i.test(name) || statSync(child).isDirectory()) loadPath(child, depth + 1);
      }
    } else loadFile(p, readFileSync(p, 'utf8'));
  };
  for (const item of items) {
    if (typeof item === 'string') loadPath(item, 0);
    else if (item && typeof item === 'object' && typeof (item as { text?: unknown }).text === 'string') {
      const f = item as { path?: string; text: string };
      loadFile(f.path ?? '<user macros>', f.text);
    } else if (item && typeof item === 'object') {
      for (const [k, v] of Object.entries(item as Record<string, unknown>)) {
        if (typeof v !== 'string') continue;
        const m = STANZA.exec(k.trim());
        if (!m) continue;
        const arity = m[2] ? Number(m[2]) : 0;
        table[macroKey(m[1]!, arity)] = { name: m[1]!, args: Array.from({ length: arity }, (_, i) => `arg${i + 1}`), definition: v, origin: 'user:inline' };
      }
    }
  }
  return diags;
}
