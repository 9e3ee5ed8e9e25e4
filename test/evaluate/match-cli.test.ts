/** `ruleatlas match` end to end: own fixture rules and events in a temp folder, stdout captured. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { matchCommand } from '../../src/cli/match.js';
import { UsageError } from '../../src/cli/args.js';

const dir = mkdtempSync(join(tmpdir(), 'ruleatlas-match-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

writeFileSync(
  join(dir, 'rule.yml'),
  `title: Encoded PowerShell
id: 11111111-2222-4333-8444-555555555555
status: test
logsource:
    product: windows
    category: process_creation
detection:
    selection:
        Image|endswith: '\\powershell.exe'
        CommandLine|contains|windash: ' -enc '
    condition: selection
level: high
`,
);
const sysmon = (id: number, image: string, cl: string, t: string) =>
  JSON.stringify(
    {
      Event: {
        System: { Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon' } }, EventID: id, Channel: 'Microsoft-Windows-Sysmon/Operational', TimeCreated: { '#attributes': { SystemTime: t } } },
        EventData: { Image: image, CommandLine: cl },
      },
    },
    null,
    2,
  );
// Concatenated pretty-printed objects, as evtx_dump writes them.
writeFileSync(
  join(dir, 'events.json'),
  [
    sysmon(1, 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', 'powershell /enc AAAA', '2026-01-01T00:00:00Z'),
    sysmon(1, 'C:\\Windows\\System32\\cmd.exe', 'cmd /c echo -enc x', '2026-01-01T00:00:01Z'),
    sysmon(7, 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', 'powershell -enc AAAA', '2026-01-01T00:00:02Z'),
  ].join('\n'),
);

async function runCli(argv: string[]): Promise<{ code: number; lines: Array<Record<string, unknown>> }> {
  let stdout = '';
  const w = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    stdout += String(s);
    return true;
  });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    const code = await matchCommand.run(argv);
    return { code, lines: stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
  } finally {
    w.mockRestore();
    e.mockRestore();
  }
}

describe('ruleatlas match', () => {
  it('prints each match as NDJSON with the predicates that matched, then a summary', async () => {
    const { code, lines } = await runCli(['--rules', join(dir, 'rule.yml'), '--events', join(dir, 'events.json')]);
    expect(code).toBe(0);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      type: 'match',
      rule: '11111111-2222-4333-8444-555555555555',
      title: 'Encoded PowerShell',
      event: 0,
      source: `${join(dir, 'events.json')}:1`,
    });
    expect(lines[0]!.predicates).toEqual(['process.name eq "powershell.exe"', 'process.command_line wildcard "* /enc *"']);
    expect(lines[1]).toMatchObject({ type: 'summary', events: 3, rules: 1, rulesFailed: 0, matches: 1, rulesMatched: 1 });
  });

  it('--no-gate lets the process_creation rule see the image-load event too', async () => {
    const { lines } = await runCli(['--rules', join(dir, 'rule.yml'), '--events', join(dir, 'events.json'), '--no-gate', '--quiet']);
    expect(lines.filter((l) => l.type === 'match').map((l) => l.event)).toEqual([0, 2]);
  });

  it('usage errors', async () => {
    await expect(matchCommand.run(['--events', dir])).rejects.toBeInstanceOf(UsageError);
    await expect(matchCommand.run(['--rules', dir])).rejects.toBeInstanceOf(UsageError);
  });
});
