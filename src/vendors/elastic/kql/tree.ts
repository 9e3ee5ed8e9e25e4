/**
 * The KQL syntax tree: what the generated parser (grammars/kql.peggy) and the
 * hand-written reader (reader.ts) both return. Offsets are 0-based into the
 * query text.
 */
import type { GlobToken } from '../../../ast/glob.js';

/** A literal: quoted (one `lit` token, `*` literal) or unquoted (`star` tokens for `*`, trimmed). */
export interface KValue {
  type: 'value';
  quoted: boolean;
  tokens: GlobToken[];
  /** The literal as written (an unquoted one trimmed). */
  raw: string;
  start: number;
  end: number;
}

export type KValueTree = KValue | { type: 'or' | 'and'; children: KValueTree[]; start: number; end: number } | { type: 'not'; child: KValueTree; start: number; end: number };

export type KNode =
  | { type: 'empty'; start: number; end: number }
  | { type: 'or' | 'and'; children: KNode[]; start: number; end: number }
  | { type: 'not'; child: KNode; start: number; end: number }
  | { type: 'field'; field: KValue | null; value: KValueTree; start: number; end: number }
  | { type: 'range'; field: KValue; op: '<' | '<=' | '>' | '>='; value: KValue; start: number; end: number }
  | { type: 'nested'; field: KValue; query: KNode; start: number; end: number };
