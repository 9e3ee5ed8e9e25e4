/** Shapes of the plain objects the SPL grammar (grammars/spl.peggy) returns. Offsets are relative to the parsed text. */

export interface Span {
  s: number;
  e: number;
}

export interface SValue extends Span {
  raw: string;
  quoted: boolean;
  macro?: boolean;
}

export interface SField extends Span {
  name: string;
  quoted: boolean;
}

export type SearchTree =
  | ({ k: 'and' | 'or'; items: SearchTree[] } & Span)
  | ({ k: 'not' | 'group'; item: SearchTree } & Span)
  | ({ k: 'cmp'; field: SField; op: string; value: SValue } & Span)
  | ({ k: 'in'; field: SField; values: SValue[] } & Span)
  | ({ k: 'term'; value: SValue } & Span)
  | ({ k: 'fn'; name: 'TERM' | 'CASE'; value: SValue } & Span)
  | ({ k: 'subsearch'; text: string; textS: number } & Span)
  | ({ k: 'macro'; text: string } & Span)
  | ({ k: 'empty' } & Partial<Span>);

export type EvalTree =
  | ({ k: 'bin'; op: string; l: EvalTree; r: EvalTree } & Span)
  | ({ k: 'not' | 'group' | 'neg'; item: EvalTree } & Span)
  | ({ k: 'in'; item: EvalTree; list: EvalTree[] } & Span)
  | ({ k: 'call'; name: string; args: EvalTree[] } & Span)
  | ({ k: 'str'; raw: string } & Span)
  | ({ k: 'num'; raw: string; value: number } & Span)
  | ({ k: 'field'; name: string; quoted: boolean } & Span)
  | ({ k: 'token'; raw: string } & Span)
  | ({ k: 'macro'; text: string } & Span);

export interface PipelineTree {
  k: 'pipeline';
  leadingPipe: boolean;
  commands: CommandTree[];
}

export interface CommandTree extends Span {
  name: string;
  nameS: number;
  args: string;
  argsS: number;
}

export interface OptionTree extends Span {
  key: string;
  value: string;
}

export interface AggTree extends Span {
  k: 'agg';
  fn: string;
  arg: { k: 'eval'; expr: EvalTree } | { k: 'field'; name: string } | null;
  alias: string | null;
  text: string;
}

export type GenericItem =
  | ({ k: 'opt' } & OptionTree)
  | ({ k: 'subsearch'; text: string; textS: number } & Span)
  | ({ k: 'str'; raw: string } & Span)
  | ({ k: 'macro'; text: string } & Span)
  | ({ k: 'paren'; text: string } & Span)
  | ({ k: 'word'; raw: string } & Span)
  | ({ k: 'punct'; raw: string } & Span);

export interface StatsTree {
  opts: Array<{ k: 'opt' } & OptionTree>;
  aggs: AggTree[];
  by: string[];
  tail: GenericItem[];
}

export interface DatamodelRef extends Span {
  kind: string;
  name: string;
}

export interface TstatsTree {
  opts: Array<{ k: 'opt' } & OptionTree>;
  aggs: AggTree[];
  from: DatamodelRef | null;
  where: SearchTree | null;
  by: Array<string | { opt: OptionTree }>;
  tail: GenericItem[];
}

export interface LookupTree {
  opts: OptionTree[];
  table: string;
  inputs: Array<{ name: string; alias: string | null }>;
  outputKind: string | null;
  outputs: Array<{ name: string; alias: string | null }>;
}
