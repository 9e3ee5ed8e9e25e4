/**
 * A small hand-made corpus (written for these tests, no third-party rule
 * text) whose catalog figures are computed by hand in catalog.test.ts.
 */
import { and, field, not, or, predicate } from '../../src/ast/build.js';
import type { Node, Query, Rule } from '../../src/ast/schema.js';
import type { AttackData } from '../../src/attack/types.js';
import type { CatalogEvent } from '../../src/events/types.js';

type Partial = Pick<Rule, 'id' | 'title' | 'vendor' | 'language'> & {
  techniques?: string[];
  tactics?: string[];
  query?: Query;
  filter?: Node;
  events?: Rule['events'];
  kind?: Rule['kind'];
  path?: string;
};

export function makeRule(p: Partial): Rule {
  const query: Query = p.query ?? (p.filter ? { kind: 'filter', filter: p.filter } : { kind: 'none', reason: 'no query' });
  return {
    id: p.id,
    title: p.title,
    vendor: p.vendor,
    language: p.language,
    kind: p.kind ?? 'detection',
    path: p.path ?? `fixtures/${p.vendor}/${p.id}.txt`,
    attack: { techniques: p.techniques ?? [], tactics: p.tactics ?? [], raw: p.techniques ?? [] },
    logsource: {},
    query,
    events: p.events ?? [],
    metadata: {},
    diagnostics: [],
  };
}

const SYSMON = 'Microsoft-Windows-Sysmon';
const SECURITY = 'Microsoft-Windows-Security-Auditing';

/** R1..R7 as documented in catalog.test.ts. */
export function smallCorpus(): Rule[] {
  const r1 = makeRule({
    id: 'r1-sigma',
    title: 'Mailbox export via PowerShell cmdlet',
    vendor: 'sigma',
    language: 'sigma',
    techniques: ['T1114.002'],
    tactics: ['TA0009'],
    events: [
      { provider: SYSMON, eventId: 1, via: 'logsource' },
      { provider: SECURITY, eventId: 4688, via: 'logsource' },
    ],
    filter: and([
      predicate(field('Image', 'process.name'), 'eq', 'powershell.exe', { vendorOp: 'endswith' }),
      predicate(field('CommandLine', 'process.command_line'), 'wildcard', '*New-MailboxExportRequest*', { vendorOp: 'contains' }),
      not(predicate(field('ParentImage', 'process.parent.name'), 'eq', 'msexchange.exe')),
    ]),
  });
  const r2 = makeRule({
    id: 'r2-elastic',
    title: 'Exchange export (KQL)',
    vendor: 'elastic',
    language: 'kuery',
    techniques: ['T1114.002'],
    tactics: ['TA0009'],
    events: [{ provider: SYSMON, eventId: 1, via: 'dataset' }],
    filter: and([
      predicate(field('process.name', 'process.name'), 'eq', 'powershell.exe', { caseSensitive: true }),
      predicate(field('process.command_line', 'process.command_line'), 'wildcard', '*new-mailboxexportrequest*'),
      not(predicate(field('user.name', 'user.name'), 'eq', 'svc_exchange')),
    ]),
  });
  const r3 = makeRule({
    id: 'r3-splunk',
    title: 'O365 mailbox items accessed',
    vendor: 'splunk',
    language: 'spl',
    techniques: ['T1114.002', 'T1114'],
    tactics: ['TA0009'],
    query: {
      kind: 'aggregate',
      input: {
        kind: 'filter',
        filter: and([
          predicate(field('Operation', 'event.action'), 'eq', 'MailItemsAccessed'),
          not(predicate(field('UserId', 'user.name'), 'eq', 'SVC_EXCHANGE')),
        ]),
      },
      groupBy: [field('UserId', 'user.name')],
      conditions: [{ fn: 'count', op: 'gt', value: 10 }],
    },
  });
  const r4 = makeRule({
    id: 'r4-sigma',
    title: 'Email collection (parent only)',
    vendor: 'sigma',
    language: 'sigma',
    techniques: ['T1114'],
    tactics: ['TA0009'],
    filter: predicate(field('CommandLine', 'process.command_line'), 'wildcard', '*NEW-MailboxExportRequest*'),
  });
  const r5 = makeRule({
    id: 'r5-sigma',
    title: 'Unrelated PowerShell',
    vendor: 'sigma',
    language: 'sigma',
    techniques: ['T1059.001'],
    tactics: ['TA0002'],
    filter: and([
      predicate(field('Image', 'process.name'), 'eq', 'PowerShell.exe'),
      or([predicate(field('CommandLine', 'process.command_line'), 'wildcard', '* -enc *'), not(predicate(field('User'), 'exists', true))]),
    ]),
  });
  const r6 = makeRule({
    id: 'r6-elastic',
    title: 'Case-sensitive upper-case name, no technique',
    vendor: 'elastic',
    language: 'eql',
    filter: predicate(field('process.name', 'process.name'), 'eq', 'POWERSHELL.EXE', { caseSensitive: true }),
  });
  const r7 = makeRule({
    id: 'r7-elastic',
    title: 'Outlook then no follow-up (sequence)',
    vendor: 'elastic',
    language: 'eql',
    techniques: ['T1114.002'],
    query: {
      kind: 'sequence',
      steps: [
        { filter: predicate(field('process.name', 'process.name'), 'wildcard', 'outlook.exe') },
        { filter: predicate(field('process.name', 'process.name'), 'eq', 'followup.exe'), missing: true },
      ],
    },
  });
  return [r1, r2, r3, r4, r5, r6, r7];
}

export const ATTACK: AttackData = {
  version: 'enterprise-attack test',
  tactics: [
    { id: 'TA0002', shortname: 'execution', name: 'Execution', order: 4 },
    { id: 'TA0009', shortname: 'collection', name: 'Collection', order: 10 },
  ],
  techniques: {
    T1114: { id: 'T1114', name: 'Email Collection', tactics: ['TA0009'], description: 'Adversaries may target user email.' },
    'T1114.001': { id: 'T1114.001', name: 'Local Email Collection', tactics: ['TA0009'], parent: 'T1114' },
    'T1114.002': { id: 'T1114.002', name: 'Remote Email Collection', tactics: ['TA0009'], parent: 'T1114', description: 'Adversaries may target an Exchange server.' },
    T1059: { id: 'T1059', name: 'Command and Scripting Interpreter', tactics: ['TA0002'] },
    'T1059.001': { id: 'T1059.001', name: 'PowerShell', tactics: ['TA0002'], parent: 'T1059' },
    T1000: { id: 'T1000', name: 'Old revoked one', tactics: ['TA0002'], revoked: true, revokedBy: 'T1059' },
  },
};

export const EVENTS: CatalogEvent[] = [
  { provider: SYSMON, providerShort: 'Sysmon', eventId: 1, title: 'Process creation', channel: 'Microsoft-Windows-Sysmon/Operational' },
  { provider: SECURITY, providerShort: 'Security-Auditing', eventId: 4688, title: 'A new process has been created.', channel: 'Security' },
];
