/**
 * The demo fixtures (fixtures/splunk, used by `npm run catalog`) parse cleanly
 * through the loader, with their own macros, and carry the ATT&CK techniques
 * the catalog demo needs.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { printQuery } from '../../src/ast/print.js';
import { loadCorpus } from '../../src/loader/load.js';

describe('fixtures/splunk', () => {
  it('every detection and saved search parses with no warning or error, techniques as tagged', async () => {
    const res = await loadCorpus([resolve(__dirname, '../../fixtures/splunk')], { workers: 0, normalize: false });
    const rules = res.rules.filter((r) => r.vendor === 'splunk');
    expect(rules).toHaveLength(10);
    for (const r of rules) expect(r.diagnostics.filter((d) => d.severity !== 'info'), r.title).toEqual([]);
    const techniques = new Set(rules.flatMap((r) => r.attack.techniques));
    for (const t of ['T1114.002', 'T1059.001', 'T1218.011', 'T1003.001']) expect(techniques.has(t), t).toBe(true);
    const byTitle = new Map(rules.map((r) => [r.title, r]));
    expect(printQuery(byTitle.get('Rundll32 Loading DLL From User Writable Path')!.query, { fieldNames: 'written', width: 1000 })).toBe(
      'aggregate count by Computer, User, ParentImage, CommandLine\nfrom\n  EventCode eq 1 and Image wildcard "*\\\\\\\\rundll32.exe" and (CommandLine wildcard "*\\\\\\\\AppData\\\\\\\\*" or CommandLine wildcard "*\\\\\\\\Users\\\\\\\\Public\\\\\\\\*" or CommandLine wildcard "*\\\\\\\\Temp\\\\\\\\*") and not CommandLine wildcard "*C:\\\\\\\\Windows\\\\\\\\*" and CommandLine exists and not CommandLine wildcard "*\\\\\\\\Program Files*"',
    );
    expect(printQuery(byTitle.get('O365 New Mailbox Export Request')!.query, { fieldNames: 'written', width: 1000 })).toBe(
      'aggregate count, min(_time) by UserId, mailbox, Operation\nfrom\n  Operation eq "New-MailboxExportRequest" or (Operation eq "New-ComplianceSearchAction" and Parameters wildcard "*Export*")',
    );
  });
});
