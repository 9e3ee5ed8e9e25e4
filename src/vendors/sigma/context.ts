/** Per-rule parsing context shared by the Sigma modules: where diagnostics go and how much work is left. */
import type { Diagnostic, Source } from '../../ast/schema.js';
import type { Limits } from '../../core/limits.js';
import type { SourceFile } from '../../core/source-file.js';
import { diagAt, type Severity } from '../../core/diagnostics.js';
import type { YamlPos } from '../../formats/yaml.js';

export interface RuleCtx {
  file: SourceFile;
  limits: Limits;
  diags: Diagnostic[];
  /** Caller-supplied placeholder values (`ParseOptions.placeholders`). */
  placeholders?: Record<string, string[]>;
  /** Predicates built so far for this rule (bounded by limits.maxPredicatesPerRule). */
  predicates: number;
}

/** Thrown (and caught by the rule builder) when a rule would exceed maxPredicatesPerRule. */
export class PredicateLimit extends Error {}

export function report(ctx: RuleCtx, severity: Severity, code: string, message: string, pos?: YamlPos | number, expected?: string[]): void {
  const offset = typeof pos === 'number' ? pos : pos?.start;
  ctx.diags.push(diagAt(ctx.file, severity, code, message, offset, undefined, expected));
}

/** Source of a YAML node: its line/column and the text as written. */
export function sourceOf(ctx: RuleCtx, pos: YamlPos | undefined): Source | undefined {
  if (!pos) return undefined;
  const p = ctx.file.position(pos.start);
  const text = ctx.file.text.slice(pos.start, pos.end);
  // Built whole, not extended afterwards: an object literal keeps every property in-object (no
  // separate property array), which matters at ~100,000 sources per corpus (docs/performance.md).
  return text ? { vendor: 'sigma', line: p.line, column: p.column, text } : { vendor: 'sigma', line: p.line, column: p.column };
}

export function countPredicate(ctx: RuleCtx): void {
  if (++ctx.predicates > ctx.limits.maxPredicatesPerRule) throw new PredicateLimit();
}
