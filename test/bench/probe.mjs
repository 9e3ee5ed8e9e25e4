// How fast this machine is right now, by a fixed workload that does not depend on ruleatlas: the
// bench runs it between its measurements, so that two results files can be compared knowing whether
// the machine itself was slower or faster (on this kind of virtual machine the same code measures up
// to 20 % apart on the CPU, and creating files several times apart, from one hour to the next:
// docs/performance.md, "Machine probes").
//
//   node test/bench/probe.mjs <dir>     prints one JSON line: { cpuMs, createUs, files }
//
// cpuMs: the median of 3 rounds of a deterministic JavaScript workload of the build's kind (objects
// made and kept, JSON both ways, sorting strings, a regular expression over text), in this fresh
// process. createUs: microseconds per file to create, write (16 KB) and close 2,000 new files in a
// new folder under <dir>, which is left in place (deleting it at once would slow what runs next:
// the disk discards the freed blocks); the bench removes its whole folder at exit.
import { closeSync, mkdirSync, mkdtempSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { prng } from '../helpers/prng.mjs';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node test/bench/probe.mjs <dir>');
  process.exit(2);
}

const WORDS = ['process', 'image', 'command', 'line', 'parent', 'registry', 'powershell', 'cmd', 'exe', 'dll', 'temp', 'system32', 'user', 'event', 'hash'];

function workload() {
  // A seeded generator, so that every run does the same work.
  const next = prng(12345);
  const word = () => WORDS[Math.floor(next() * WORDS.length)];
  const rules = [];
  for (let i = 0; i < 40_000; i++) {
    const values = [];
    for (let j = 0; j < 6; j++) values.push(`C:\\${word()}\\${word()}_${Math.floor(next() * 1000)}.${word()}`);
    rules.push({ id: `r${i}`, title: `${word()} ${word()} ${word()}`, level: next() < 0.5 ? 'high' : 'medium', fields: { name: word(), values } });
  }
  const text = JSON.stringify(rules);
  const back = JSON.parse(text);
  back.sort((a, b) => (a.title < b.title ? -1 : a.title > b.title ? 1 : 0));
  let hits = 0;
  const re = /\\(system32|temp)\\[a-z]+_\d{2,3}\.(exe|dll)/i;
  for (const r of back) for (const v of r.fields.values) if (re.test(v)) hits++;
  return hits + text.length;
}

const rounds = [];
let check = 0;
for (let k = 0; k < 3; k++) {
  const t = performance.now();
  check = workload();
  rounds.push(performance.now() - t);
}
rounds.sort((a, b) => a - b);

const FILES = 2000;
const folder = mkdtempSync(join(dir, 'probe-'));
mkdirSync(folder, { recursive: true });
const data = Buffer.alloc(16 * 1024, 'a');
const t = performance.now();
for (let i = 0; i < FILES; i++) {
  const fd = openSync(join(folder, `f${i}.html`), 'w');
  writeSync(fd, data);
  closeSync(fd);
}
const createUs = ((performance.now() - t) * 1000) / FILES;

process.stdout.write(JSON.stringify({ cpuMs: rounds[1], createUs, files: FILES, check }) + '\n');
