/**
 * Differential test against pySigma (the reference implementation): for every
 * rule of the corpus, pySigma's parse tree and our AST print to the same
 * canonical text (boolean structure, leaf order, fields, operators, values,
 * case sensitivity, regex flags, polarity).
 *
 * Runs when PYSIGMA_SRC points at a pySigma source tree (1.5.0 was used) and
 * python3 has pyparsing 3.3.2 and PyYAML; otherwise it is skipped with a
 * message. Example:
 *   git --git-dir=<pySigma clone>/.git archive HEAD sigma | tar x -C /tmp/pysigma
 *   PYSIGMA_SRC=/tmp/pysigma npx vitest run test/sigma/pysigma-oracle.test.ts
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SourceFile } from '../../src/core/source-file.js';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import { parseSigmaFile } from '../../src/vendors/sigma/index.js';
import type { Node, Query } from '../../src/ast/schema.js';
import { HAS_CORPORA, corpus } from '../helpers/corpora.js';

type T = string | [string, T[]];

function flat(op: string, kids: T[]): T {
  const out: T[] = [];
  for (const k of kids) {
    if (Array.isArray(k) && k[0] === op) out.push(...k[1]);
    else out.push(k);
  }
  return out.length === 1 ? out[0]! : [op, out];
}

function tree(n: Node): T {
  switch (n.type) {
    case 'not':
      return ['not', [tree(n.child)]];
    case 'and':
    case 'or':
      return flat(n.type, n.children.map(tree));
    case 'predicate': {
      const f = n.field ? n.field.name : '*';
      const v = n.ref ? `@${n.ref.name}` : typeof n.value === 'string' ? `«${n.value}»` : String(n.value);
      const cs = n.caseSensitive && n.op !== 'regex_match' ? ':cs' : '';
      const fl = n.regex?.flags ? ':' + n.regex.flags : '';
      return `${f} ${n.op}${cs}${fl} ${v}`;
    }
    default:
      return `?${n.type}`;
  }
}
const show = (t: T): string => (typeof t === 'string' ? t : `${t[0]}(${t[1].map(show).join(', ')})`);
const queryText = (q: Query) => (q.kind === 'filter' ? show(tree(q.filter)) : `?${q.kind}`);

const PYSIGMA = process.env.PYSIGMA_SRC;
const run = PYSIGMA && HAS_CORPORA ? describe : describe.skip;
if (!PYSIGMA) console.warn('[skip] pySigma oracle: set PYSIGMA_SRC to a pySigma source tree to run it');

function compareWithPySigma(dirs: string[]): { files: number; differ: string[] } {
  const out = execFileSync('python3', [join(__dirname, 'oracle', 'pysigma_trees.py'), ...dirs], {
    env: { ...process.env, PYTHONPATH: PYSIGMA },
    maxBuffer: 512 * 1024 * 1024,
  });
  const oracle = JSON.parse(out.toString('utf8')) as Record<string, string[]>;
  const differ: string[] = [];
  let files = 0;
  const walkDir = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walkDir(p);
      else if (p.endsWith('.yml')) {
        files++;
        const ours = parseSigmaFile(new SourceFile(p, readFileSync(p, 'utf8')), { limits: DEFAULT_LIMITS }).rules.map((r) => queryText(r.query));
        const theirs = oracle[p];
        if (JSON.stringify(ours) !== JSON.stringify(theirs)) differ.push(`${p}\n  pySigma: ${theirs?.join(' ; ').slice(0, 400)}\n  ours:    ${ours.join(' ; ').slice(0, 400)}`);
      }
    }
  };
  for (const d of dirs) walkDir(d);
  return { files, differ };
}

run('pySigma differential oracle', () => {
  it('every corpus rule prints the same canonical tree as pySigma', () => {
    const dirs = readdirSync(corpus('sigma'))
      .filter((d) => d.startsWith('rules'))
      .map((d) => corpus('sigma', d));
    const { files, differ } = compareWithPySigma(dirs);
    expect(files).toBe(3780);
    expect(differ).toEqual([]);
  });
  it('our modifier and condition fixtures (every modifier both implement alike) print the same tree as pySigma', () => {
    const { files, differ } = compareWithPySigma([join(__dirname, 'fixtures', 'oracle')]);
    expect(files).toBe(2);
    expect(differ).toEqual([]);
  });
});
