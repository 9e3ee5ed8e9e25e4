/**
 * detection-rules hunting TOML (`[hunt]` with a list of queries). Each query
 * becomes its own Rule (kind `hunt`, id `<uuid>:<n>`, n counted from 1) in the
 * language of the query itself: the file's `language` list names the set, not
 * which query is which, so each query is classified by its first keyword.
 * osquery SQL is recorded as not parsed (query kind `none`, info diagnostic).
 */
import { setOwn } from '../../core/objects.js';
import type { Diagnostic, Language, Query, Rule } from '../../ast/schema.js';
import { diagAt, diagLine } from '../../core/diagnostics.js';
import type { SourceFile } from '../../core/source-file.js';
import type { ParsedFile, ParseOptions } from '../types.js';
import { fileOffset, shiftLoc, type QueryLoc } from './context.js';
import { datasetsOf, jsonSafe, parseQuery } from './rule-doc.js';
import { findString, headerOffset, isObj, loadToml, stringLoc } from './toml-doc.js';

/** Strip a stray leading `sql` line (22 corpus queries have one); returns the cut length. */
export function stripSqlLine(q: string): number {
  const m = /^\s*sql[ \t]*\r?\n/i.exec(q);
  return m ? m[0].length : 0;
}

/** Classify a hunting query by its first keyword (comments and blank lines skipped). */
export function classifyHuntQuery(q: string, declared: string[]): Language {
  const body = q.replace(/^(?:\s+|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*/, '');
  const word = /^[A-Za-z_]+/.exec(body)?.[0]?.toLowerCase();
  if (word === 'from' || word === 'row' || word === 'show' || word === 'ts') return 'esql';
  if (word === 'select' || word === 'with') return 'osquery';
  if (word === 'sequence' || word === 'sample' || /^[A-Za-z_][\w]*\s+where\b/i.test(body)) return 'eql';
  const d = declared.map((x) => x.toLowerCase());
  if (d.length === 1) return d[0] === 'es|ql' ? 'esql' : d[0] === 'eql' ? 'eql' : d[0] === 'sql' ? 'osquery' : 'none';
  return 'none';
}

function strList(x: unknown): string[] {
  return typeof x === 'string' ? [x] : Array.isArray(x) ? x.filter((v): v is string => typeof v === 'string') : [];
}

export function parseHuntToml(file: SourceFile, opts: ParseOptions): ParsedFile {
  const { doc, layout, diagnostics } = loadToml(file, opts.limits.maxFileBytes);
  if (!doc) return { rules: [], diagnostics };
  if (!isObj(doc.hunt)) return { rules: [], diagnostics: [diagLine(file.path, 'error', 'elastic.hunt.missing', 'no [hunt] table in the file', 1, 1)] };
  const hunt = doc.hunt;
  const uuid = typeof hunt.uuid === 'string' ? hunt.uuid : file.path;
  const at = headerOffset(layout, 'hunt');
  const queries = strList(hunt.query);
  if (queries.length === 0) return { rules: [], diagnostics: [diagAt(file, 'error', 'elastic.hunt.no-query', 'hunt has no query', at)] };
  const declared = strList(hunt.language);
  const techniques: string[] = [];
  for (const t of strList(hunt.mitre)) if (!techniques.includes(t.trim().toUpperCase())) techniques.push(t.trim().toUpperCase());
  const integrations = strList(hunt.integration);
  const metadata: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(hunt)) if (!['query', 'name', 'description', 'uuid', 'mitre', 'author', 'references'].includes(k)) setOwn(metadata, k, v);

  const rules: Rule[] = queries.map((text, n) => {
    const diags: Diagnostic[] = [];
    const located = stringLoc(file, findString(layout, 'hunt.query', n), text);
    let loc: QueryLoc = located.loc ?? { file, base: at };
    const cut = stripSqlLine(text);
    const q = text.slice(cut);
    if (cut) loc = shiftLoc(loc, cut);
    const language = classifyHuntQuery(q, declared);
    let query: Query;
    let sources: string[] | undefined;
    if (language === 'osquery') {
      query = { kind: 'none', reason: 'osquery SQL is not parsed' };
      diags.push(diagAt(file, 'info', 'elastic.hunt.osquery', 'osquery SQL query recorded without predicates (not parsed)', fileOffset(loc, 0)));
    } else if (language === 'none') {
      query = { kind: 'none', reason: 'hunting query language not recognised' };
      diags.push(diagAt(file, 'error', 'elastic.hunt.language', `cannot tell the language of hunting query ${n + 1}`, fileOffset(loc, 0)));
    } else {
      const r = parseQuery(language, q, loc, opts.limits, diags);
      sources = r.sources;
      query = r.query ?? { kind: 'none', reason: `${language} query does not parse` };
    }
    const datasets = datasetsOf(query);
    const rule: Rule = {
      id: `${uuid}:${n + 1}`,
      title: typeof hunt.name === 'string' ? hunt.name : uuid,
      vendor: 'elastic',
      language,
      kind: 'hunt',
      ruleType: 'hunt',
      path: file.path,
      line: file.position(fileOffset(loc, 0)).line,
      attack: { techniques, tactics: [], raw: strList(hunt.mitre) },
      logsource: {
        ...(sources?.length ? { index: sources } : {}),
        ...(integrations.length ? { integrations } : {}),
        ...(datasets.length ? { datasets } : {}),
      },
      query,
      queryText: text,
      metadata: jsonSafe({ ...metadata, queryIndex: n + 1, queryCount: queries.length }),
      diagnostics: diags,
    };
    if (typeof hunt.description === 'string') rule.description = hunt.description;
    const authors = strList(hunt.author);
    if (authors.length) rule.authors = authors;
    const refs = strList(hunt.references);
    if (refs.length) rule.references = refs;
    return rule;
  });
  return { rules, diagnostics: [] };
}
