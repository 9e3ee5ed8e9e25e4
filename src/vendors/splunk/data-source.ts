/**
 * security_content `data_source` strings -> the Windows events they name.
 *
 * A string may be compound (`Sysmon EventID 1 AND Sysmon EventID 3`); each
 * part is resolved by, in order: the loaded data_sources/*.yml definition
 * (its `example_log` XML gives `<Provider Name>`, `<EventID>`, `<Channel>`),
 * then the naming patterns measured on the corpus (research §6). Non-Windows
 * sources (`CrowdStrike ProcessRollup2`, `O365`) name no event: their
 * trailing digits are not event ids.
 */
import type { DataSourceDef } from './state.js';

export interface DataSourceEvent {
  provider: string;
  eventId: number;
  channel?: string;
  /** The data_source string (part) it came from. */
  dataSource: string;
}

interface Pattern {
  re: RegExp;
  provider: (id: number, m: RegExpExecArray) => string | null;
  channel?: (id: number, m: RegExpExecArray) => string | undefined;
  multi?: boolean;
}

const SECURITY = 'Microsoft-Windows-Security-Auditing';
const CHANNEL_PROVIDER: Record<string, [string, string]> = {
  printservice: ['Microsoft-Windows-PrintService', 'Microsoft-Windows-PrintService/Operational'],
  capi2: ['Microsoft-Windows-CAPI2', 'Microsoft-Windows-CAPI2/Operational'],
  taskscheduler: ['Microsoft-Windows-TaskScheduler', 'Microsoft-Windows-TaskScheduler/Operational'],
  remoteconnectionmanager: ['Microsoft-Windows-TerminalServices-RemoteConnectionManager', 'Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational'],
  certificateservicesclient: ['Microsoft-Windows-CertificateServicesClient-Lifecycle-System', 'Microsoft-Windows-CertificateServicesClient-Lifecycle-System/Operational'],
};

function systemProvider(id: number): string | null {
  if (id >= 7000 && id <= 7045) return 'Service Control Manager';
  if (id === 104) return 'Microsoft-Windows-Eventlog';
  // `Windows Event Log System 4720/4726` are Security events filed under System in the corpus.
  if (id >= 4608 && id <= 6424) return SECURITY;
  return null;
}

const PATTERNS: Pattern[] = [
  { re: /^Sysmon EventID (\d+)$/i, provider: () => 'Microsoft-Windows-Sysmon', channel: () => 'Microsoft-Windows-Sysmon/Operational' },
  { re: /^Sysmon for Linux EventID (\d+)$/i, provider: () => 'Linux-Sysmon', channel: () => 'Linux-Sysmon/Operational' },
  {
    re: /^Windows (?:Event Log )?Security (\d+)$/i,
    provider: (id) => (id === 1100 || id === 1102 || id === 1104 ? 'Microsoft-Windows-Eventlog' : SECURITY),
    channel: () => 'Security',
  },
  { re: /^Powershell Script Block Logging (\d+)$/i, provider: () => 'Microsoft-Windows-PowerShell', channel: () => 'Microsoft-Windows-PowerShell/Operational' },
  { re: /^Windows Event Log Defender (\d+)$/i, provider: () => 'Microsoft-Windows-Windows Defender', channel: () => 'Microsoft-Windows-Windows Defender/Operational' },
  { re: /^Windows Event Log System (\d+)$/i, provider: (id) => systemProvider(id), channel: (id) => (systemProvider(id) === SECURITY ? 'Security' : 'System') },
  {
    re: /^Windows Event Log (Printservice|CAPI2|TaskScheduler|RemoteConnectionManager|CertificateServicesClient) (\d+)$/i,
    provider: (_id, m) => CHANNEL_PROVIDER[m[1]!.toLowerCase()]![0],
    channel: (_id, m) => CHANNEL_PROVIDER[m[1]!.toLowerCase()]![1],
  },
  { re: /^Windows IIS (\d+)$/i, provider: () => 'Microsoft-IIS-Configuration', channel: () => 'Microsoft-IIS-Configuration/Operational' },
  { re: /^NTLM Operational ([\d, ]+)$/i, provider: () => 'Microsoft-Windows-NTLM', channel: () => 'Microsoft-Windows-NTLM/Operational', multi: true },
];

/** Provider / event id / channel from a data_sources `example_log` (Windows EventLog XML). */
export function eventFromExampleLog(xml: string): { provider?: string; eventId?: number; channel?: string } {
  const out: { provider?: string; eventId?: number; channel?: string } = {};
  const p = /<Provider\s+Name=['"]([^'"]+)['"]/.exec(xml);
  if (p) out.provider = p[1]!.replace(/\s+/g, ' ').trim();
  const e = /<EventID[^>]*>\s*(\d+)\s*<\/EventID>/.exec(xml);
  if (e) out.eventId = Number(e[1]);
  const c = /<Channel>([^<]+)<\/Channel>/.exec(xml);
  if (c) out.channel = c[1]!.trim();
  return out;
}

export function dataSourceEvents(value: string, defs: Record<string, DataSourceDef>): DataSourceEvent[] {
  const out: DataSourceEvent[] = [];
  for (const part0 of value.split(/\s+AND\s+/)) {
    const part = part0.trim();
    if (!part) continue;
    const def = defs[part];
    // The loaded definition wins only when its example names the same event id as the string
    // (the trailing number), so a wrong example cannot silently change the event.
    const trailing = /(\d+)$/.exec(part);
    if (def?.provider && def.eventId !== undefined && (!trailing || Number(trailing[1]) === def.eventId)) {
      out.push({ provider: def.provider, eventId: def.eventId, ...(def.channel ? { channel: def.channel } : {}), dataSource: part });
      continue;
    }
    for (const p of PATTERNS) {
      const m = p.re.exec(part);
      if (!m) continue;
      const ids = (p.multi ? m[1]!.split(/[ ,]+/).filter(Boolean) : [m[m.length - 1]!]).map(Number);
      for (const id of ids) {
        const provider = p.provider(id, m);
        if (!provider) continue;
        const channel = p.channel?.(id, m);
        out.push({ provider, eventId: id, ...(channel ? { channel } : {}), dataSource: part });
      }
      break;
    }
  }
  return out;
}
