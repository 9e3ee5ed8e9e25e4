import { describe, expect, it } from 'vitest';
import { buildCatalog } from '../../src/catalog/build.js';
import { renderTechniqueMarkdown } from '../../src/render/markdown.js';
import { renderTechniqueJson } from '../../src/render/technique-json.js';
import { ATTACK, EVENTS, smallCorpus } from '../catalog/fixtures.js';
import { MD_BREAKER, XSS_TITLE, hostileRules } from './hostile.js';

const cat = buildCatalog(smallCorpus(), { attack: ATTACK, events: EVENTS });

describe('technique page in Markdown', () => {
  it('matches the reviewed golden page for T1114.002', () => {
    expect(renderTechniqueMarkdown(cat, 'T1114.002', { links: true })).toMatchSnapshot();
  });

  it('labels a roll-up and finds ids case-insensitively', () => {
    const md = renderTechniqueMarkdown(cat, 't1114')!;
    expect(md.split('\n')[0]).toBe('# Email Collection T1114');
    expect(md).toContain('**Roll-up:** 5 rules tagged T1114 or one of its sub-techniques (T1114.002); 2 tagged T1114 itself.');
    expect(md).toContain('5. O365 mailbox items accessed — via T1114, T1114.002');
    expect(renderTechniqueMarkdown(cat, 'T9999')).toBeNull();
  });

  it('limits rows and says how many there are', () => {
    const md = renderTechniqueMarkdown(cat, 'T1114.002', { limit: 1 })!;
    expect(md).toContain('### Top indicator values (4 distinct)');
    expect(md).toContain('Showing the top 1 of 4 distinct indicator values');
  });

  it('keeps hostile values inside their table cell and escapes markup', () => {
    const c = buildCatalog(hostileRules());
    const md = renderTechniqueMarkdown(c, 'T1059.001')!;
    const row = md.split('\n').find((l) => l.includes('a\\|b') && l.includes('| eq |'))!;
    // One table row: six cells, every pipe of the value escaped, the newline made visible.
    expect(row).toBe('| `<b onmouseover="window.__pwned=4">field</b>` | eq | ```a\\|b`c``d\u2424e\\\\|f``` | 1 |  | #2 |');
    expect(md).not.toMatch(/^<script>/m);
    expect(md).toContain(`\\<script\\>window.\\_\\_pwned=1;alert(1)\\</script\\> "quoted" 'single' \\& ../ title`);
    expect(MD_BREAKER).toContain('\n');
    expect(XSS_TITLE).toContain('<script>');
  });
});

describe('technique page in JSON', () => {
  it('holds the technique entry and the headers of its rules', () => {
    const data = JSON.parse(renderTechniqueJson(cat, 't1114.002')!);
    expect(data.technique.id).toBe('T1114.002');
    expect(data.technique.indicators[0]).toMatchObject({ field: 'process.command_line', count: 2, reach: 3 });
    expect(data.rules.map((r: { title: string }) => r.title)).toEqual([
      'Exchange export (KQL)',
      'Outlook then no follow-up (sequence)',
      'Mailbox export via PowerShell cmdlet',
      'O365 mailbox items accessed',
    ]);
    // Row rule indexes point into the full catalog; the headers carry the same index.
    const idx = data.technique.indicators[0].rules as number[];
    expect(idx.map((i) => data.rules.find((r: { index: number }) => r.index === i).title)).toEqual(['Exchange export (KQL)', 'Mailbox export via PowerShell cmdlet']);
    expect(renderTechniqueJson(cat, 'T0000')).toBeNull();
  });
});
