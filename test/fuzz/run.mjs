// `npm run fuzz -- --seconds 60 [--seed 1] [--vendor sigma|elastic|splunk] [--out dir]`
// Runs the vendor parsers on mutated corpus rules for a given time and
// reports crashes: an exception, a diagnostic whose code says internal/crash,
// or a parse slower than --slow-ms. Each crash input is written to --out
// (default .fuzz/) so that it can become a regression test. Not part of CI.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    seed: { type: 'string', default: String(Date.now() % 1e9) },
    vendor: { type: 'string' },
    out: { type: 'string', default: join(root, '.fuzz') },
    'slow-ms': { type: 'string', default: '2000' },
    corpora: { type: 'string', default: resolve(root, '..', 'shared', 'corpora') },
  },
});
const lib = await import(join(root, 'dist', 'index.js'));
const { VENDOR_MODULES, SourceFile, DEFAULT_LIMITS, walkPaths, sniff, decodeBytes } = lib;

let seed = Number(values.seed) >>> 0 || 1;
const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
const pick = (a) => a[Math.floor(rand() * a.length)];

// Inputs: the corpus rule files (and Splunk support files, loaded once as the macro library).
const { files } = walkPaths([values.corpora]);
const inputs = [];
const support = [];
for (const path of files) {
  const dec = decodeBytes(readFileSync(path));
  if (!dec.ok) continue;
  const role = sniff(path, dec.text);
  if (!role || (values.vendor && role.vendor !== values.vendor)) continue;
  (role.role === 'support' ? support : inputs).push({ path, text: dec.text, role });
}
if (!inputs.length) {
  console.log('[skip] no corpus rule files found (../shared/corpora absent?)');
  process.exit(0);
}
const opts = { limits: DEFAULT_LIMITS };
const states = {};
for (const v of ['sigma', 'elastic', 'splunk']) states[v] = VENDOR_MODULES[v].createState(opts);
for (const s of support) VENDOR_MODULES[s.role.vendor].loadSupport?.(new SourceFile(s.path, s.text), s.role, states[s.role.vendor], opts);

const SPECIAL = ['(', ')', '[', ']', '{', '}', '"', "'", '`', '\\', '|', '*', '?', ':', '\n', ' ', '\u0000', '\u200b', 'é', '%', '$', '!', '=', '~', ',', '#', '&', '-', 'NOT ', ' and ', ' or '];
function mutate(text) {
  let t = text;
  const n = 1 + Math.floor(rand() * 4);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(rand() * (t.length + 1));
    const kind = Math.floor(rand() * 6);
    if (kind === 0) t = t.slice(0, at) + pick(SPECIAL) + t.slice(at); // insert a special character
    else if (kind === 1) t = t.slice(0, at) + t.slice(at + 1 + Math.floor(rand() * 8)); // delete a run
    else if (kind === 2) {
      const len = Math.floor(rand() * 40);
      t = t.slice(0, at) + t.slice(at, at + len).repeat(2 + Math.floor(rand() * 3)) + t.slice(at + len); // duplicate a run
    } else if (kind === 3) t = t.slice(0, at) + String.fromCharCode(Math.floor(rand() * 0x3000)) + t.slice(at + 1); // replace a character
    else if (kind === 4) {
      const other = pick(inputs).text;
      const o = Math.floor(rand() * other.length);
      t = t.slice(0, at) + other.slice(o, o + Math.floor(rand() * 200)) + t.slice(at); // splice from another rule
    } else t = t.slice(0, at) + pick(['(', '[', '{', '"']).repeat(1 + Math.floor(rand() * 300)) + t.slice(at); // nesting
  }
  return t;
}

const deadline = Date.now() + Number(values.seconds) * 1000;
const slowMs = Number(values['slow-ms']);
mkdirSync(values.out, { recursive: true });
let runs = 0;
const crashes = [];
while (Date.now() < deadline) {
  const input = pick(inputs);
  const text = mutate(input.text);
  const mod = VENDOR_MODULES[input.role.vendor];
  const t0 = performance.now();
  let problem = null;
  try {
    const r = mod.parseFile(new SourceFile(input.path, text), input.role, states[input.role.vendor], opts);
    const bad = [...r.diagnostics, ...r.rules.flatMap((x) => x.diagnostics)].find((d) => /internal|crash|exception/.test(d.code));
    if (bad) problem = `${bad.code}: ${bad.message.split('\n')[0]}`;
    for (const rule of r.rules) JSON.stringify(rule); // must be serializable
  } catch (e) {
    problem = `exception: ${String(e && e.stack ? e.stack.split('\n').slice(0, 3).join(' | ') : e)}`;
  }
  const ms = performance.now() - t0;
  if (!problem && ms > slowMs) problem = `slow: ${ms.toFixed(0)} ms`;
  runs++;
  if (problem) {
    const name = `crash-${crashes.length}-${input.role.vendor}${input.path.slice(input.path.lastIndexOf('.'))}`;
    writeFileSync(join(values.out, name), text);
    crashes.push({ file: join(values.out, name), from: input.path, problem });
    console.log(`CRASH ${name} (from ${input.path}): ${problem}`);
  }
}
console.log(`fuzz: ${runs} mutated inputs in ${values.seconds} s (seed ${values.seed}), ${crashes.length} crashes`);
writeFileSync(join(values.out, 'report.json'), JSON.stringify({ seed: Number(values.seed), runs, crashes }, null, 2));
process.exitCode = crashes.length ? 1 : 0;
