// Compiles every grammars/*.peggy into src/generated/<name>.js (ES module) with
// a .d.ts beside it, and writes the ECS field-name list (ecs-names.mjs). The
// generated files are build output: git ignores them and nobody edits them.
// Runs before build, typecheck and test.
import { readFileSync, writeFileSync, mkdirSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, dirname, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import peggy from 'peggy';
import { writeEcsNames } from './ecs-names.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, '..', 'src', 'generated');
mkdirSync(outDir, { recursive: true });

const dts = `export interface PeggyLocation { source?: unknown; start: { offset: number; line: number; column: number }; end: { offset: number; line: number; column: number } }
export interface PeggySyntaxError extends Error { location: PeggyLocation; expected: Array<{ type: string; text?: string; description?: string }> | null; found: string | null }
export declare const StartRules: string[];
export declare function parse(input: string, options?: Record<string, unknown>): any;
export declare const SyntaxError: { new (...args: any[]): PeggySyntaxError; prototype: PeggySyntaxError };
`;

// Peggy declares its constants (literal strings peg$c*, class regexes peg$r*,
// expectation objects peg$e*) inside parse(), so every call re-creates a few
// hundred of them before reading a character (≈ 40 µs a call, measured on the
// ES|QL parser). They are immutable (the regexes have no g/y flag), so they
// move to module scope, created once; the expectation constructors they call
// are pure and get module-level copies.
const EXPECTATION_HELPERS = `function peg$literalExpectation(text, ignoreCase) { return { type: "literal", text, ignoreCase }; }
function peg$classExpectation(parts, inverted, ignoreCase, unicode) { return { type: "class", parts, inverted, ignoreCase, unicode }; }
function peg$anyExpectation() { return { type: "any" }; }
function peg$endExpectation() { return { type: "end" }; }
function peg$otherExpectation(description) { return { type: "other", description }; }
`;
export function hoistConstants(code) {
  const marker = '\nfunction peg$parse(input, options) {';
  if (code.split(marker).length !== 2) throw new Error('hoistConstants: peg$parse not found exactly once');
  const hoisted = [];
  const rest = [];
  for (const line of code.split('\n')) {
    if (/^  const peg\$[cre]\d+ = .*;$/.test(line)) hoisted.push(line.slice(2));
    else rest.push(line);
  }
  for (const helper of ['literal', 'class', 'any', 'end', 'other']) {
    if (!rest.some((l) => l.startsWith(`  function peg$${helper}Expectation(`))) throw new Error(`hoistConstants: peg$${helper}Expectation changed shape`);
  }
  return rest.join('\n').replace(marker, `\n${EXPECTATION_HELPERS}${hoisted.join('\n')}\n${marker}`);
}

// The rest of parse()'s per-call work: Peggy nests every rule, action and
// helper function inside parse(), so each call also creates a closure for
// each (several hundred) before reading a character. They move to module
// scope; the parser state they share (input, options, peg$currPos, ...)
// becomes module-level `var`s that parse() assigns where it declared them, in
// the same order. Only the statements before the start rule runs are moved;
// the tail of parse() (result, error, peg$library object) stays as it was.
// Safe because no grammar action calls its own parser again while it runs.
export function hoistFunctions(code) {
  const head = '\nfunction peg$parse(input, options) {\n';
  const startAt = code.indexOf(head);
  const runLine = '  peg$result = peg$startRuleFunction();\n';
  const runAt = code.indexOf(runLine, startAt);
  if (startAt < 0 || runAt < 0 || code.indexOf(head, startAt + 1) >= 0) throw new Error('hoistFunctions: unexpected parser shape');
  const prefix = code.slice(0, startAt);
  const lines = code.slice(startAt + head.length, runAt).split('\n');
  const moved = [];
  const kept = [];
  const vars = ['input', 'options'];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fn = /^  function ([A-Za-z_$][\w$]*)\(/.exec(line);
    if (fn) {
      moved.push(fn[1]);
      const block = [line];
      if (line.endsWith('{')) {
        while (lines[++i] !== '  }') {
          if (i >= lines.length) throw new Error(`hoistFunctions: no end for ${fn[1]}`);
          block.push(lines[i]);
        }
        block.push('  }');
      } else if (!line.endsWith('}')) throw new Error(`hoistFunctions: unexpected function line: ${line}`);
      // The expectation constructors already have module-level copies (hoistConstants).
      if (/^peg\$(?:literal|class|any|end|other)Expectation$/.test(fn[1]) && prefix.includes(`\nfunction ${fn[1]}(`)) {
        moved.pop();
        continue;
      }
      hoistedBlocks.push(block.join('\n'));
      continue;
    }
    const decl = /^  (?:const|let|var) ([A-Za-z_$][\w$]*)( = |;$)/.exec(line);
    if (decl) {
      vars.push(decl[1]);
      if (decl[2] === ';') {
        kept.push(`  ${decl[1]} = undefined;`);
        continue;
      }
      const stmt = [line.replace(/^  (?:const|let|var) /, '  ')];
      if (!line.endsWith(';')) {
        if (!/[{[(]$/.test(line)) throw new Error(`hoistFunctions: unexpected declaration: ${line}`);
        while (!/^  [}\])];$/.test(lines[++i])) {
          if (i >= lines.length) throw new Error(`hoistFunctions: no end for ${decl[1]}`);
          stmt.push(lines[i]);
        }
        stmt.push(lines[i]);
      }
      kept.push(stmt.join('\n'));
      continue;
    }
    if (/^  (?:const|let|var|class|async|function\*) /.test(line)) throw new Error(`hoistFunctions: unexpected declaration: ${line}`);
    kept.push(line);
  }
  const names = [...vars, ...moved];
  if (new Set(names).size !== names.length) throw new Error('hoistFunctions: a name is declared twice in parse()');
  for (const name of names) {
    const esc = name.replace(/\$/g, '\\$');
    if (new RegExp(`^\\s{0,2}(?:function|const|let|var|class) ${esc}\\b`, 'm').test(prefix)) throw new Error(`hoistFunctions: ${name} is also declared at module scope`);
  }
  const blocks = hoistedBlocks.splice(0);
  return (
    prefix +
    `\nvar ${vars.join(', ')};\n\n` +
    blocks.join('\n') +
    '\n\nfunction peg$parse(input$, options$) {\n  input = input$;\n  options = options$;\n' +
    kept.join('\n') +
    '\n' +
    code.slice(runAt)
  );
}
const hoistedBlocks = [];

let built = 0;
for (const file of readdirSync(here).filter((f) => f.endsWith('.peggy')).sort()) {
  const src = join(here, file);
  const name = basename(file, '.peggy');
  const out = join(outDir, `${name}.js`);
  if (existsSync(out) && statSync(out).mtimeMs > statSync(src).mtimeMs && statSync(out).mtimeMs > statSync(fileURLToPath(import.meta.url)).mtimeMs) continue;
  const text = readFileSync(src, 'utf8');
  const allowedStartRules = [...text.matchAll(/^\s*\/\/\s*@start\s+([A-Za-z_][A-Za-z0-9_]*)/gm)].map((m) => m[1]);
  let code;
  try {
    code = peggy.generate(text, {
      output: 'source',
      format: 'es',
      grammarSource: `grammars/${file}`,
      allowedStartRules: allowedStartRules.length ? allowedStartRules : undefined,
    });
  } catch (e) {
    const loc = e.location ? `:${e.location.start.line}:${e.location.start.column}` : '';
    console.error(`grammars/${file}${loc}: ${e.message}`);
    process.exitCode = 1;
    continue;
  }
  writeFileSync(out, `// Generated from grammars/${file} by grammars/build.mjs. Do not edit.\n// @ts-nocheck\n${hoistFunctions(hoistConstants(code))}`);
  writeFileSync(join(outDir, `${name}.d.ts`), dts);
  built++;
}
if (built) console.error(`grammars: compiled ${built} grammar(s) into src/generated/`);
if (writeEcsNames(outDir)) console.error('grammars: wrote the ECS field-name list into src/generated/ecs-names.js');
