/**
 * Which events a Sigma rule's `logsource` applies to.
 *
 * A Sigma rule only applies to the events of its log source: a
 * `process_creation` rule must not fire on a Sysmon image-load event that
 * happens to carry the same `Image`. Backends add this as conditions
 * (pySigma's Sysmon pipeline adds `EventID=1`; the SigmaHQ regression runner
 * maps categories to event ids the same way). The evaluator does it by
 * classifying each event (provider, event id, channel) into the Sigma
 * categories and services it belongs to, and gating rules on that.
 *
 * The gate is permissive where it cannot know: an event whose source cannot
 * be recognized (no provider, event id or channel) is offered to every rule,
 * and a rule whose category or service is not in these tables is offered to
 * every Windows event. Rules of other vendors carry their source conditions
 * in the query itself and are never gated.
 *
 * Facts used (channel names, Sysmon event ids, built-in alternatives): the
 * Sigma taxonomy and the public Sysmon / Windows event documentation.
 */
import type { LogSource } from '../ast/schema.js';

export const SYSMON = 'Microsoft-Windows-Sysmon';
export const SECURITY = 'Microsoft-Windows-Security-Auditing';

/** Sysmon event id -> Sigma categories. Registry event 12 is refined by EventType below. */
const SYSMON_CATEGORIES: Record<number, string[]> = {
  1: ['process_creation'],
  2: ['file_change'],
  3: ['network_connection'],
  4: ['sysmon_status'],
  5: ['process_termination'],
  6: ['driver_load'],
  7: ['image_load'],
  8: ['create_remote_thread'],
  9: ['raw_access_thread'],
  10: ['process_access'],
  11: ['file_event'],
  12: ['registry_event', 'registry_add', 'registry_delete'],
  13: ['registry_event', 'registry_set'],
  14: ['registry_event', 'registry_rename'],
  15: ['create_stream_hash'],
  16: ['sysmon_status'],
  17: ['pipe_created'],
  18: ['pipe_created'],
  19: ['wmi_event'],
  20: ['wmi_event'],
  21: ['wmi_event'],
  22: ['dns_query'],
  23: ['file_delete'],
  24: ['clipboard_capture', 'clipboard_change'],
  25: ['process_tampering'],
  26: ['file_delete_detected', 'file_delete'],
  27: ['file_block_executable'],
  28: ['file_block_shredding'],
  29: ['file_executable_detected'],
  255: ['sysmon_error'],
};

/** Built-in Windows providers: event id -> categories. */
const BUILTIN_CATEGORIES: Record<string, Record<number, string[]>> = {
  [SECURITY]: { 4688: ['process_creation'], 4657: ['registry_event', 'registry_set', 'registry_add'] },
  'Microsoft-Windows-PowerShell': { 4103: ['ps_module'], 4104: ['ps_script'] },
  PowerShellCore: { 4103: ['ps_module'], 4104: ['ps_script'] },
  PowerShell: { 400: ['ps_classic_start'], 600: ['ps_classic_provider_start'], 800: ['ps_classic_script'] },
  'Microsoft-Windows-Windows Defender': Object.fromEntries(
    [1006, 1007, 1008, 1009, 1010, 1011, 1012, 1017, 1018, 1019, 1115, 1116].map((id) => [id, ['antivirus']]),
  ),
};

/** Sigma Windows service -> event log channels. */
export const SERVICE_CHANNELS: Record<string, string[]> = {
  security: ['Security'],
  application: ['Application'],
  system: ['System'],
  sysmon: ['Microsoft-Windows-Sysmon/Operational'],
  powershell: ['Microsoft-Windows-PowerShell/Operational', 'PowerShellCore/Operational'],
  'powershell-classic': ['Windows PowerShell'],
  taskscheduler: ['Microsoft-Windows-TaskScheduler/Operational'],
  wmi: ['Microsoft-Windows-WMI-Activity/Operational'],
  'dns-server': ['DNS Server'],
  'dns-server-audit': ['Microsoft-Windows-DNS-Server/Audit'],
  'dns-server-analytic': ['Microsoft-Windows-DNS-Server/Analytical'],
  'driver-framework': ['Microsoft-Windows-DriverFrameworks-UserMode/Operational'],
  ntlm: ['Microsoft-Windows-NTLM/Operational'],
  dhcp: ['Microsoft-Windows-DHCP-Server/Operational'],
  'msexchange-management': ['MSExchange Management'],
  applocker: [
    'Microsoft-Windows-AppLocker/MSI and Script',
    'Microsoft-Windows-AppLocker/EXE and DLL',
    'Microsoft-Windows-AppLocker/Packaged app-Deployment',
    'Microsoft-Windows-AppLocker/Packaged app-Execution',
  ],
  'printservice-admin': ['Microsoft-Windows-PrintService/Admin'],
  'printservice-operational': ['Microsoft-Windows-PrintService/Operational'],
  'codeintegrity-operational': ['Microsoft-Windows-CodeIntegrity/Operational'],
  'smbclient-security': ['Microsoft-Windows-SmbClient/Security'],
  'firewall-as': ['Microsoft-Windows-Windows Firewall With Advanced Security/Firewall'],
  'bits-client': ['Microsoft-Windows-Bits-Client/Operational'],
  windefend: ['Microsoft-Windows-Windows Defender/Operational'],
  'terminalservices-localsessionmanager': ['Microsoft-Windows-TerminalServices-LocalSessionManager/Operational'],
  'microsoft-servicebus-client': ['Microsoft-ServiceBus-Client'],
  ldap_debug: ['Microsoft-Windows-LDAP-Client/Debug'],
  'security-mitigations': ['Microsoft-Windows-Security-Mitigations/Kernel Mode', 'Microsoft-Windows-Security-Mitigations/User Mode'],
  'diagnosis-scripted': ['Microsoft-Windows-Diagnosis-Scripted/Operational'],
  'shell-core': ['Microsoft-Windows-Shell-Core/Operational'],
  openssh: ['OpenSSH/Operational'],
  bitlocker: ['Microsoft-Windows-BitLocker/BitLocker Management'],
  vhdmp: ['Microsoft-Windows-VHDMP/Operational'],
  'appxdeployment-server': ['Microsoft-Windows-AppXDeploymentServer/Operational'],
  'lsa-server': ['Microsoft-Windows-LSA/Operational'],
  'appxpackaging-om': ['Microsoft-Windows-AppxPackaging/Operational'],
  'dns-client': ['Microsoft-Windows-DNS Client Events/Operational'],
  'appmodel-runtime': ['Microsoft-Windows-AppModel-Runtime/Admin'],
  capi2: ['Microsoft-Windows-CAPI2/Operational'],
  'certificateservicesclient-lifecycle-system': ['Microsoft-Windows-CertificateServicesClient-Lifecycle-System/Operational'],
};

const CHANNEL_SERVICES = new Map<string, string[]>();
for (const [svc, chans] of Object.entries(SERVICE_CHANNELS)) {
  for (const c of chans) {
    const k = c.toLowerCase();
    CHANNEL_SERVICES.set(k, [...(CHANNEL_SERVICES.get(k) ?? []), svc]);
  }
}

/** Every category some Windows event above belongs to: a rule with another category cannot be gated. */
export const KNOWN_WINDOWS_CATEGORIES: ReadonlySet<string> = new Set<string>([
  ...Object.values(SYSMON_CATEGORIES).flat(),
  ...Object.values(BUILTIN_CATEGORIES).flatMap((m) => Object.values(m).flat()),
]);

/** What an event says about its own source. */
export interface EventSource {
  provider?: string;
  eventId?: number;
  channel?: string;
  /** Sysmon registry EventType (`CreateKey`, `SetValue`, ...), which splits event 12. */
  eventType?: string;
}

/** The Sigma log source keys an event belongs to, or null when the event's source is unknown. */
export interface EventClass {
  product: string;
  categories: Set<string>;
  services: Set<string>;
  /** A stable text key of the class (for caches). */
  id: string;
}

function isSysmon(src: EventSource): boolean {
  return src.provider === SYSMON || /sysmon/i.test(src.channel ?? '');
}

export function classifyEvent(src: EventSource): EventClass | null {
  if (src.provider === undefined && src.eventId === undefined && src.channel === undefined) return null;
  const categories = new Set<string>();
  const services = new Set<string>();
  if (src.channel) for (const s of CHANNEL_SERVICES.get(src.channel.toLowerCase()) ?? []) services.add(s);
  if (src.eventId !== undefined) {
    if (isSysmon(src)) {
      services.add('sysmon');
      let cats = SYSMON_CATEGORIES[src.eventId] ?? [];
      if (src.eventId === 12 && src.eventType) {
        const t = src.eventType.toLowerCase();
        cats = cats.filter((c) => c === 'registry_event' || (c === 'registry_add' ? t === 'createkey' : t === 'deletekey' || t === 'deletevalue'));
      }
      for (const c of cats) categories.add(c);
    } else {
      const byProvider = src.provider ? BUILTIN_CATEGORIES[src.provider] : undefined;
      // Without a provider, infer it from the channel for the few built-in sources that have categories.
      const fallback =
        !byProvider && services.has('security')
          ? BUILTIN_CATEGORIES[SECURITY]
          : !byProvider && services.has('powershell')
            ? BUILTIN_CATEGORIES['Microsoft-Windows-PowerShell']
            : !byProvider && services.has('powershell-classic')
              ? BUILTIN_CATEGORIES['PowerShell']
              : !byProvider && services.has('windefend')
                ? BUILTIN_CATEGORIES['Microsoft-Windows-Windows Defender']
                : undefined;
      for (const c of (byProvider ?? fallback)?.[src.eventId] ?? []) categories.add(c);
    }
  }
  return { product: 'windows', categories, services, id: `windows|${[...categories].join(',')}|${[...services].join(',')}` };
}

/** A rule's gate: which classified events it may see. `null` means every event. */
export interface Gate {
  product?: string;
  category?: string;
  service?: string;
}

export function gateOf(vendor: string, ls: LogSource): Gate | null {
  if (vendor !== 'sigma') return null;
  const g: Gate = {};
  if (ls.product) g.product = ls.product.toLowerCase();
  if (ls.category) g.category = ls.category.toLowerCase();
  if (ls.service) g.service = ls.service.toLowerCase();
  return g.product || g.category || g.service ? g : null;
}

/** Whether a rule with this gate may match an event of this class. */
export function gateAllows(g: Gate | null, ec: EventClass | null): boolean {
  if (!g || !ec) return true;
  if (g.product && g.product !== ec.product) return false;
  if (g.category && KNOWN_WINDOWS_CATEGORIES.has(g.category) && !ec.categories.has(g.category)) return false;
  if (g.category && !KNOWN_WINDOWS_CATEGORIES.has(g.category) && !g.product) {
    // A category of another world (webserver, proxy, firewall...) without a product: not a Windows event log rule.
    return false;
  }
  if (g.service && Object.hasOwn(SERVICE_CHANNELS, g.service) && !ec.services.has(g.service)) return false;
  return true;
}

/**
 * ECS categorization of Sysmon events as Winlogbeat's sysmon module sets it
 * (event id -> event.category, event.type). Raw Windows events do not carry
 * these; the event view derives them so that ECS rules (EQL `process where
 * event.type == "start"`) can run on raw Sysmon events too.
 */
export const SYSMON_ECS: Record<number, { category: string[]; type: string[] }> = {
  1: { category: ['process'], type: ['start'] },
  2: { category: ['file'], type: ['change'] },
  3: { category: ['network'], type: ['connection', 'protocol', 'start'] },
  4: { category: ['configuration', 'process'], type: ['change'] },
  5: { category: ['process'], type: ['end'] },
  6: { category: ['driver'], type: ['start'] },
  7: { category: ['process'], type: ['change'] },
  8: { category: ['process'], type: ['change'] },
  9: { category: ['process'], type: ['access'] },
  10: { category: ['process'], type: ['access'] },
  11: { category: ['file'], type: ['creation'] },
  12: { category: ['configuration', 'registry'], type: ['change'] },
  13: { category: ['configuration', 'registry'], type: ['change'] },
  14: { category: ['configuration', 'registry'], type: ['change'] },
  15: { category: ['file'], type: ['access'] },
  16: { category: ['configuration', 'process'], type: ['change'] },
  17: { category: ['file'], type: ['access', 'creation'] },
  18: { category: ['file'], type: ['access', 'creation'] },
  19: { category: ['process'], type: ['access', 'change', 'info'] },
  20: { category: ['process'], type: ['access', 'change', 'info'] },
  21: { category: ['process'], type: ['access', 'change', 'info'] },
  22: { category: ['network'], type: ['connection', 'info', 'protocol'] },
  23: { category: ['file'], type: ['deletion'] },
  26: { category: ['file'], type: ['deletion'] },
};
