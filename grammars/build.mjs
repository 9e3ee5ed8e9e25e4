// Compiles every grammars/*.peggy into src/generated/<name>.js (ES module) with
// a .d.ts beside it. The generated files are build output: git ignores them and
// nobody edits them. Runs before build, typecheck and test.
import { readFileSync, writeFileSync, mkdirSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, dirname, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import peggy from 'peggy';

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
  writeFileSync(out, `// Generated from grammars/${file} by grammars/build.mjs. Do not edit.\n// @ts-nocheck\n${hoistConstants(code)}`);
  writeFileSync(join(outDir, `${name}.d.ts`), dts);
  built++;
}
if (built) console.error(`grammars: compiled ${built} grammar(s) into src/generated/`);
