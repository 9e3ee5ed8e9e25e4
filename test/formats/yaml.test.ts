import { describe, expect, it } from 'vitest';
import { parseYaml, parseYamlSlow, yamlPosAt } from '../../src/formats/yaml.js';
import { SourceFile } from '../../src/core/source-file.js';
import { resolveLimits } from '../../src/core/limits.js';

const at = (f: SourceFile, off: number | undefined) => (off === undefined ? undefined : f.position(off));

describe('parseYaml', () => {
  it('locates keys and values by path, across documents', () => {
    const text = [
      'title: x',
      'detection:',
      '  sel:',
      "    Image|endswith:",
      "      - '\\a.exe'",
      '      - b',
      '    N: 5',
      '  condition: sel',
      'tags: [a, "b"]',
      '---',
      'foo: bar',
      '',
    ].join('\n');
    const f = new SourceFile('t.yml', text);
    const r = parseYaml(f);
    expect(r.diagnostics).toEqual([]);
    expect(r.documents).toHaveLength(2);
    const d0 = r.documents[0]!;
    expect(d0.value).toEqual({ title: 'x', detection: { sel: { 'Image|endswith': ['\\a.exe', 'b'], N: 5 }, condition: 'sel' }, tags: ['a', 'b'] });
    expect(at(f, yamlPosAt(d0.pos, ['detection', 'sel', 'Image|endswith', 0])?.start)).toEqual({ line: 5, column: 9 });
    expect(at(f, yamlPosAt(d0.pos, ['detection', 'sel', 'Image|endswith', 1])?.start)).toEqual({ line: 6, column: 9 });
    expect(at(f, yamlPosAt(d0.pos, ['detection', 'sel', 'N'], true)?.start)).toEqual({ line: 7, column: 5 });
    expect(at(f, yamlPosAt(d0.pos, ['detection', 'condition'])?.start)).toEqual({ line: 8, column: 14 });
    expect(at(f, yamlPosAt(d0.pos, ['tags', 1])?.start)).toEqual({ line: 9, column: 11 });
    expect(at(f, yamlPosAt(r.documents[1]!.pos, ['foo'])?.start)).toEqual({ line: 11, column: 6 });
    expect(yamlPosAt(d0.pos, ['nope'])).toBeUndefined();
  });

  it('positions the nodes around empty entries and flow collections with trailing spaces (js-yaml path)', () => {
    // These constructs take the js-yaml path (the fast reader falls back on them); js-yaml reports
    // no events for an empty node, and closes a flow collection's wrapper after trailing spaces.
    const text = (t: string, path: (string | number)[], key = false) => {
      const f = new SourceFile('t.yml', t);
      const d = parseYamlSlow(f).documents[0]!;
      const p = yamlPosAt(d.pos, path, key);
      return p ? t.slice(p.start, p.end) : undefined;
    };
    const list = 'a:\n  - x\n  -\n  - y\n';
    expect([text(list, ['a', 0]), text(list, ['a', 1]), text(list, ['a', 2])]).toEqual(['x', undefined, 'y']);
    const nested = 'a:\n  - [1, 2]   \n  - z\n';
    expect([text(nested, ['a', 0]), text(nested, ['a', 0, 1]), text(nested, ['a', 1])]).toEqual(['[1, 2]', '2', 'z']);
    const nextLine = 'a:\n  [1, 2]   \nb: c\n';
    expect([text(nextLine, ['a', 0]), text(nextLine, ['a', 1]), text(nextLine, ['b'])]).toEqual(['1', '2', 'c']);
    const flowMap = 'a: {j, k: 1}\nb: 2\n';
    expect([text(flowMap, ['a', 'j'], true), text(flowMap, ['a', 'j']), text(flowMap, ['a', 'k']), text(flowMap, ['b'])]).toEqual(['j', '', '1', '2']);
    // A mapping before a document marker: js-yaml's trailing empty node is not an entry.
    const doc = 'a: 1\nnull: 2\n---\nb: 3\n';
    expect([text(doc, ['a']), text(doc, ['null'])]).toEqual(['1', '2']);
    // A merge key keeps the pairs after it aligned.
    const merge = 'base: &b {x: 1}\nm:\n  <<: *b\n  y: 2\n';
    expect(text(merge, ['m', 'y'])).toBe('2');
  });

  it('handles CRLF line ends', () => {
    const f = new SourceFile('t.yml', 'a: 1\r\nb:\r\n  - x\r\n');
    const r = parseYaml(f);
    expect(r.documents[0]!.value).toEqual({ a: 1, b: ['x'] });
    expect(at(f, yamlPosAt(r.documents[0]!.pos, ['b', 0])?.start)).toEqual({ line: 3, column: 5 });
  });

  it('keeps YAML 1.2 core types and never makes dates or custom objects', () => {
    const f = new SourceFile('t.yml', 'd: 2024-01-01\nb: true\ny: yes\nn: ~\ne: ""\nq: "\\u0041\\\\"\n');
    expect(parseYaml(f).documents[0]!.value).toEqual({ d: '2024-01-01', b: true, y: 'yes', n: null, e: '', q: 'A\\' });
    const bad = parseYaml(new SourceFile('t.yml', 'x: !!js/function "function(){}"\n'));
    expect(bad.diagnostics[0]?.code).toBe('yaml.syntax');
  });

  it('reports syntax errors with line and column and keeps going', () => {
    const f = new SourceFile('bad.yml', 'a: 1\nb: [1, 2\nc: 3\n');
    const r = parseYaml(f);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ severity: 'error', code: 'yaml.syntax', path: 'bad.yml' });
    expect(r.diagnostics[0]!.line).toBeGreaterThanOrEqual(2);
    expect(r.diagnostics[0]!.column).toBeGreaterThanOrEqual(1);
  });

  it('stops alias bombs', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    const r = parseYaml(new SourceFile('bomb.yml', lines.join('\n') + '\n'), resolveLimits({ maxYamlAliases: 1000 }));
    expect(r.diagnostics.map((d) => d.code)).toEqual(['yaml.alias-limit']);
    expect(r.documents).toEqual([]);
  });

  it('stops documents nested thousands deep without a stack overflow', () => {
    const deep = '['.repeat(20000) + ']'.repeat(20000);
    const r = parseYaml(new SourceFile('deep.yml', `a: ${deep}\n`));
    expect(r.diagnostics.map((d) => d.code)).toEqual(['yaml.depth-limit']);
    const block = Array.from({ length: 3000 }, (_, i) => ' '.repeat(i) + `k${i}:`).join('\n') + ' x\n';
    expect(parseYaml(new SourceFile('deep2.yml', block)).diagnostics.map((d) => d.code)).toEqual(['yaml.depth-limit']);
  });

  it('bounds huge collections', () => {
    const big = 'a:\n' + '  - x\n'.repeat(5000);
    const r = parseYaml(new SourceFile('big.yml', big), resolveLimits({ maxListItems: 1000 }));
    expect(r.diagnostics.map((d) => d.code)).toEqual(['yaml.size-limit']);
  });

  it('does not pollute prototypes', () => {
    const r = parseYaml(new SourceFile('p.yml', '__proto__:\n  polluted: yes\nconstructor:\n  prototype:\n    polluted2: yes\n'));
    const v = r.documents[0]!.value as Record<string, unknown>;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted2).toBeUndefined();
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(['__proto__', 'constructor']);
  });

  it('reads a multi-line single-quoted scalar (a real security_content macro shape)', () => {
    const f = new SourceFile('m.yml', "definition: 'eval x=replace(y, \"a\",\n  \"b\")'\nname: m\n");
    expect(parseYaml(f).documents[0]!.value).toEqual({ definition: 'eval x=replace(y, "a", "b")', name: 'm' });
  });
});
