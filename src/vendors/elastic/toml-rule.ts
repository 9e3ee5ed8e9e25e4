/** detection-rules TOML rule files (`[metadata]`, `[rule]`, `[[rule.threat]]`; `[transform]` is not the query). */
import { diagLine } from '../../core/diagnostics.js';
import type { SourceFile } from '../../core/source-file.js';
import type { ParsedFile, ParseOptions } from '../types.js';
import { buildRule } from './rule-doc.js';
import { findString, headerOffset, isObj, loadToml, stringLoc } from './toml-doc.js';

export function parseRuleToml(file: SourceFile, opts: ParseOptions): ParsedFile {
  const { doc, layout, diagnostics } = loadToml(file, opts.limits.maxFileBytes);
  if (!doc) return { rules: [], diagnostics };
  if (!isObj(doc.rule)) return { rules: [], diagnostics: [diagLine(file.path, 'error', 'elastic.rule.missing', 'no [rule] table in the file', 1, 1)] };
  const rule = doc.rule;
  const query = typeof rule.query === 'string' ? rule.query : undefined;
  const located = query !== undefined ? stringLoc(file, findString(layout, 'rule.query'), query) : { loc: null, exact: false };
  const built = buildRule({ file, rule, meta: isObj(doc.metadata) ? doc.metadata : {}, queryLoc: located.loc, offset: headerOffset(layout, 'rule'), limits: opts.limits });
  if (query !== undefined && !located.exact) built.diagnostics.push(diagLine(file.path, 'info', 'elastic.position.approximate', 'query position in the file is approximate (could not map the string exactly)', built.line, 1));
  return { rules: [built], diagnostics: [] };
}
