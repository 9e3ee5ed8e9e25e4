/** The Windows event catalog (seeds/windows-events.json). */
export interface CatalogEvent {
  /** Full provider name: `Microsoft-Windows-Sysmon`, `Microsoft-Windows-Security-Auditing`, `Microsoft-Windows-PowerShell`. */
  provider: string;
  /** Short display name: `Sysmon`, `Security-Auditing`, `PowerShell`. */
  providerShort: string;
  eventId: number;
  /** `Microsoft-Windows-Sysmon/Operational`, `Security`, ... */
  channel?: string;
  /** The event's own message title, parameters named ("Creating Scriptblock text (MessageNumber of MessageTotal)."), or `Event ID N`. */
  title: string;
  fields?: string[];
}
