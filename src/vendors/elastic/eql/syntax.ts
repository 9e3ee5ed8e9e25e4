/**
 * Shapes of the plain objects grammars/eql.peggy returns. `s`/`e` are 0-based
 * offsets into the query text (not the file); the converter adds the query's
 * offset in its file.
 */

export interface Span {
  s: number;
  e: number;
}

export type FieldPart = string | { quoted: string } | { index: string };

export interface FieldSyn extends Span {
  k: 'field';
  optional: boolean;
  parts: FieldPart[];
}

/** `q`: `dq` "…", `raw` """…""", and the Endgame-only `sq` '…', `rawdq` ?"…", `rawsq` ?'…'. */
export interface StrSyn extends Span {
  k: 'str';
  q: 'dq' | 'raw' | 'sq' | 'rawdq' | 'rawsq';
  body: string;
}
export interface NumSyn extends Span {
  k: 'num';
  raw: string;
}
export interface BoolSyn extends Span {
  k: 'bool';
  value: boolean;
}
export interface NullSyn extends Span {
  k: 'null';
}
export type LiteralSyn = StrSyn | NumSyn | BoolSyn | NullSyn;

/** A list that ended with a comma carries the comma's offset (Elasticsearch rejects it). */
export type SynList<T> = T[] & { trailing?: number };

export interface CallSyn extends Span {
  k: 'call';
  name: string;
  tilde: boolean;
  args: SynList<ExprSyn>;
}
export interface MethodSyn extends Span {
  k: 'method';
  target: ExprSyn;
  name: string;
  tilde: boolean;
  args: SynList<ExprSyn>;
}
export interface VarSyn extends Span {
  k: 'var';
  f: FieldSyn;
}
export interface ParenSyn extends Span {
  k: 'paren';
  x: ExprSyn;
}
export interface SignSyn extends Span {
  k: 'sign';
  signs: string;
  x: ExprSyn;
}
export interface ArithSyn extends Span {
  k: 'arith';
  op: string;
  l: ExprSyn;
  r: ExprSyn;
}
export interface OrSyn extends Span {
  k: 'or';
  items: ExprSyn[];
}
export interface AndSyn extends Span {
  k: 'and';
  items: ExprSyn[];
}
export interface NotSyn extends Span {
  k: 'not';
  x: ExprSyn;
}
export interface CmpSyn extends Span {
  k: 'cmp';
  op: string;
  left: ExprSyn;
  right: ExprSyn;
}
export interface InSyn extends Span {
  k: 'in';
  op: 'in' | 'in~';
  neg: boolean;
  left: ExprSyn;
  items: SynList<ExprSyn>;
}
export interface StrPredSyn extends Span {
  k: 'strpred';
  op: ':' | 'like' | 'like~' | 'regex' | 'regex~';
  left: ExprSyn;
  values: LiteralSyn[];
  list: boolean;
}
export interface LineageSyn extends Span {
  k: 'lineage';
  rel: string;
  q: EventSyn;
}

export type ExprSyn =
  | FieldSyn
  | LiteralSyn
  | CallSyn
  | MethodSyn
  | VarSyn
  | ParenSyn
  | SignSyn
  | ArithSyn
  | OrSyn
  | AndSyn
  | NotSyn
  | CmpSyn
  | InSyn
  | StrPredSyn
  | LineageSyn;

export type CategorySyn = (Span & { k: 'any' }) | (Span & { k: 'cat'; name: string }) | (Span & { k: 'catstr'; str: StrSyn });

export interface EventSyn extends Span {
  k: 'event';
  cat: CategorySyn | null;
  cond: ExprSyn;
}

export interface BySyn extends Span {
  k: 'by';
  keys: ExprSyn[];
}
export interface MaxSpanSyn extends Span {
  k: 'maxspan';
  n: NumSyn;
  unit: string | null;
}
export interface StepSyn extends Span {
  k: 'step';
  missing: boolean;
  q: EventSyn;
  fork: (Span & { k: 'fork'; value: BoolSyn | null }) | null;
  by: BySyn | null;
  runs: (Span & { k: 'runs'; n: NumSyn }) | null;
  alias: (Span & { k: 'alias'; name: string }) | null;
}
export interface SequenceSyn extends Span {
  k: 'sequence';
  params: (BySyn | MaxSpanSyn)[];
  steps: StepSyn[];
  until: StepSyn | null;
}
export interface SampleSyn extends Span {
  k: 'sample';
  by: BySyn | null;
  steps: StepSyn[];
}
export interface JoinSyn extends Span {
  k: 'join';
  by: BySyn | null;
  steps: StepSyn[];
  until: StepSyn | null;
}
export interface PipeSyn extends Span {
  k: 'pipe';
  name: string;
  args: ExprSyn[];
}
export interface QuerySyn extends Span {
  k: 'query';
  base: SequenceSyn | SampleSyn | JoinSyn | EventSyn | null;
  pipes: PipeSyn[];
}
