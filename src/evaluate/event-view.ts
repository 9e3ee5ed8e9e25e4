/**
 * One event, flattened once into field lookups that every rule reuses.
 *
 * Accepted shapes (docs/evaluator.md):
 * - Windows events rendered from XML (evtx_dump, Winlogbeat raw):
 *   `{Event: {System, EventData | UserData}}`. `EventData` named values become
 *   fields under their names, also with spaces removed (`Threat Name` →
 *   `ThreatName`, as Sigma writes them); `Data: [{Name, #text}]` lists are
 *   read too. `UserData` leaves become fields under their own names. System
 *   values get the Sigma names `EventID`, `Channel`, `Provider_Name`,
 *   `Computer`, `Level`, `Task`, `Opcode`, `Keywords`, `EventRecordID`,
 *   `ProcessID`, `ThreadID`, `TimeCreated`.
 * - Flat JSON with Sigma / raw Windows names, and Splunk-style flat results.
 * - ECS JSON, nested (`{process: {name}}`) or dotted (`{"process.name": …}`):
 *   both give the dotted key. Winlogbeat's `winlog.event_data.X` values are
 *   also reachable as `X`, and `winlog.event_id`/`winlog.channel` /
 *   `winlog.provider_name` as `EventID`/`Channel`/`Provider_Name`.
 * Every path to a leaf is also kept in full (`Event.EventData.Image`).
 *
 * Arrays are multi-valued fields: a predicate holds when it holds for one of
 * the values (ECS, Splunk multivalue). `null` values are kept (a field that
 * is present but null is "null" for `eq null` and absent for `exists`).
 */
import { basename, BASENAME_DERIVED, type FieldLayer } from './field-layer.js';
import { fold } from './glob-match.js';
import { classifyEvent, SYSMON_ECS, type EventClass, type EventSource } from './logsource.js';

export type Values = unknown[];

const MAX_DEPTH = 32;

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Text of an XML-rendered element: `{#text: x, #attributes: …}` → x. */
function elementText(v: unknown): unknown {
  if (isObj(v) && '#text' in v) return v['#text'];
  return v;
}

function attr(v: unknown, name: string): unknown {
  if (!isObj(v)) return undefined;
  const a = v['#attributes'];
  if (isObj(a) && name in a) return a[name];
  if (('@' + name) in v) return v['@' + name];
  return v[name];
}

export class EventView {
  /** Field name (as the event names it, plus the Sigma aliases above) → values. */
  readonly fields = new Map<string, Values>();
  /** Canonical name → values (through the field layer, plus derived basenames). */
  readonly canonical = new Map<string, Values>();
  readonly source: EventSource = {};
  readonly cls: EventClass | null;
  readonly timestamp: number | undefined;
  private lowerKeys: Map<string, string> | undefined;
  private folded = new Map<Values, string[]>();
  private strs = new Map<Values, string[]>();
  private bases = new Map<Values, Values>();

  /** Drop the per-event caches (they are rebuilt on demand): for views kept for a later stream pass. */
  compact(): void {
    this.folded = new Map();
    this.strs = new Map();
    this.bases = new Map();
    this.lowerKeys = undefined;
    this.allText = undefined;
    this.allTextFolded = undefined;
  }
  private allText: string[] | undefined;
  private allTextFolded: string[] | undefined;

  constructor(
    readonly event: unknown,
    readonly index: number,
    layer: FieldLayer,
  ) {
    if (isObj(event)) {
      const win = isObj(event.Event) ? event.Event : isObj(event.System) ? event : null;
      if (win) this.addWindowsXml(win);
      this.flatten(event, '', 0);
      this.addWinlogbeatAliases();
    }
    this.source = this.readSource();
    this.cls = classifyEvent(this.source);
    if (this.source.provider === 'Microsoft-Windows-Security-Auditing' && this.source.eventId === 4688) {
      // Security 4688 names the process fields differently; Sigma's process_creation names are the Sysmon ones.
      this.alias('NewProcessName', 'Image');
      this.alias('ParentProcessName', 'ParentImage');
    }
    this.buildCanonical(layer);
    this.deriveEcs();
    this.timestamp = this.readTimestamp();
  }

  private add(key: string, v: unknown): void {
    const cur = this.fields.get(key);
    if (cur) {
      if (!cur.includes(v)) cur.push(v);
    } else this.fields.set(key, [v]);
  }

  private alias(from: string, to: string): void {
    const v = this.fields.get(from);
    if (v && !this.fields.has(to)) this.fields.set(to, v);
  }

  /** Generic flattening: every leaf under its dotted path; arrays are multi-values. */
  private flatten(v: unknown, prefix: string, depth: number): void {
    if (depth > MAX_DEPTH) return;
    if (Array.isArray(v)) {
      if (prefix && v.length === 0) this.fields.set(prefix, this.fields.get(prefix) ?? []);
      for (const x of v) this.flatten(x, prefix, depth + 1);
      return;
    }
    if (isObj(v)) {
      if (prefix) {
        // XML text nodes: `{#text: "x", #attributes: {...}}` is the value "x". Any other
        // object is kept as a value (not text) so that `exists` holds for it.
        this.add(prefix, '#text' in v ? v['#text'] : v);
      }
      for (const k of Object.keys(v)) this.flatten(v[k], prefix ? prefix + '.' + k : k, depth + 1);
      return;
    }
    if (prefix) this.add(prefix, v);
  }

  private addWindowsXml(ev: Record<string, unknown>): void {
    const sys = ev.System;
    if (isObj(sys)) {
      const put = (name: string, v: unknown) => {
        v = elementText(v);
        if (v !== undefined && !isObj(v)) this.add(name, v);
      };
      put('EventID', sys.EventID);
      put('Channel', sys.Channel);
      put('Computer', sys.Computer);
      put('Provider_Name', attr(sys.Provider, 'Name'));
      put('Provider_Guid', attr(sys.Provider, 'Guid'));
      put('EventSourceName', attr(sys.Provider, 'EventSourceName'));
      for (const k of ['Version', 'Level', 'Task', 'Opcode', 'Keywords', 'EventRecordID']) put(k, sys[k]);
      put('TimeCreated', attr(sys.TimeCreated, 'SystemTime'));
      put('ProcessID', attr(sys.Execution, 'ProcessID'));
      put('ThreadID', attr(sys.Execution, 'ThreadID'));
      put('UserID', attr(sys.Security, 'UserID'));
    }
    const data = ev.EventData;
    if (isObj(data)) this.addNamedData(data);
    const user = ev.UserData;
    if (isObj(user)) {
      // UserData holds one provider-specific element; its children are the named values.
      for (const el of Object.values(user)) if (isObj(el)) this.addNamedData(el);
    }
  }

  private addNamedData(data: Record<string, unknown>): void {
    for (const [k, v] of Object.entries(data)) {
      if (k === '#attributes') continue;
      if (k === 'Data' && (Array.isArray(v) || isObj(v))) {
        // `<Data Name="x">v</Data>` rendered as a list of {#attributes: {Name}, #text}.
        const items = Array.isArray(v) ? v : [v];
        let named = false;
        for (const item of items) {
          const name = attr(item, 'Name');
          if (typeof name === 'string') {
            named = true;
            this.addLeaf(name, elementText(item));
          }
        }
        if (named) continue;
      }
      if (isObj(v) && !('#text' in v)) {
        // Nested element (UserData): its leaves under their own names.
        for (const [k2, v2] of Object.entries(v)) if (k2 !== '#attributes' && !isObj(v2)) this.addLeaf(k2, v2);
        continue;
      }
      this.addLeaf(k, elementText(v));
    }
  }

  private addLeaf(name: string, v: unknown): void {
    if (isObj(v)) return;
    const vals = Array.isArray(v) ? v : [v];
    for (const x of vals) {
      this.add(name, x);
      if (name.includes(' ')) this.add(name.replace(/ /g, ''), x);
    }
  }

  private addWinlogbeatAliases(): void {
    const prefixes = ['winlog.event_data.', 'winlog.user_data.', 'event_data.'];
    for (const [k, v] of [...this.fields]) {
      for (const p of prefixes) {
        if (k.startsWith(p) && k.length > p.length && !this.fields.has(k.slice(p.length))) this.fields.set(k.slice(p.length), v);
      }
    }
    this.alias('winlog.event_id', 'EventID');
    this.alias('winlog.channel', 'Channel');
    this.alias('winlog.provider_name', 'Provider_Name');
    this.alias('winlog.computer_name', 'Computer');
  }

  private first(...keys: string[]): unknown {
    for (const k of keys) {
      const v = this.fields.get(k);
      if (v && v.length && v[0] !== null && v[0] !== '') return v[0];
    }
    return undefined;
  }

  private readSource(): EventSource {
    const src: EventSource = {};
    const provider = this.first('Provider_Name', 'ProviderName', 'SourceName', 'event.provider');
    if (typeof provider === 'string') src.provider = provider;
    const id = this.first('EventID', 'EventCode', 'event_id', 'event.code');
    const n = typeof id === 'number' ? id : typeof id === 'string' && /^\d+$/.test(id) ? Number(id) : undefined;
    if (n !== undefined) src.eventId = n;
    let channel = this.first('Channel', 'LogName', 'log_name');
    if (channel === undefined) {
      // Splunk: source="XmlWinEventLog:Microsoft-Windows-Sysmon/Operational" or "WinEventLog:Security".
      const s = this.first('source');
      if (typeof s === 'string') {
        const m = /^(?:Xml)?WinEventLog:(.+)$/i.exec(s);
        if (m) channel = m[1];
      }
    }
    if (typeof channel === 'string') src.channel = channel;
    if (src.provider === undefined && src.channel && /sysmon/i.test(src.channel)) src.provider = 'Microsoft-Windows-Sysmon';
    const et = this.first('EventType');
    if (typeof et === 'string') src.eventType = et;
    // An event id alone (no provider, no channel) says nothing about the source: ids collide across providers.
    if (src.provider === undefined && src.channel === undefined) delete src.eventId;
    return src;
  }

  private buildCanonical(layer: FieldLayer): void {
    for (const [k, v] of this.fields) {
      // A container (an object value, such as `host` in `{host: {name}}`) keeps its own name: mapping
      // it (Splunk's `host` is ECS `host.name`) would mix an object into a leaf field.
      const container = v.length > 0 && v.every((x) => typeof x === 'object' && x !== null);
      const c = container ? k : (layer.canonicalOf(k, this.cls) ?? k);
      const cur = this.canonical.get(c);
      if (!cur) this.canonical.set(c, v);
      else if (cur !== v) for (const x of v) if (!cur.includes(x)) cur.push(x);
    }
    for (const [from, to] of BASENAME_DERIVED) {
      const v = this.canonical.get(from);
      if (v && !this.canonical.has(to)) this.canonical.set(to, v.map((x) => (typeof x === 'string' ? basename(x) : x)));
    }
  }

  /**
   * ECS fields a classified Windows event implies but does not carry (Winlogbeat adds them at
   * ingest): host.os.type/family, event.code as text, event.provider, and for Sysmon
   * event.category/event.type/event.module. Never overrides a field the event has.
   */
  private deriveEcs(): void {
    if (!this.cls) return;
    const put = (k: string, v: unknown[]) => {
      if (!this.canonical.has(k)) this.canonical.set(k, v);
    };
    put('host.os.type', ['windows']);
    put('host.os.family', ['windows']);
    if (this.source.eventId !== undefined) put('event.code', [String(this.source.eventId)]);
    if (this.source.provider) put('event.provider', [this.source.provider]);
    if (this.source.provider === 'Microsoft-Windows-Sysmon' && this.source.eventId !== undefined) {
      const e = SYSMON_ECS[this.source.eventId];
      put('event.module', ['sysmon']);
      if (e) {
        put('event.category', e.category);
        put('event.type', e.type);
      }
    }
    if (this.source.provider === 'Microsoft-Windows-Security-Auditing' && this.source.eventId === 4688) {
      put('event.category', ['process']);
      put('event.type', ['start']);
    }
  }

  private readTimestamp(): number | undefined {
    const v = this.first('@timestamp', 'TimeCreated', 'Event.System.TimeCreated.SystemTime', '_time', 'timestamp', 'UtcTime', 'time');
    return parseTimestamp(v);
  }

  /**
   * Values of a field: the canonical name first (when the rule knows it),
   * then the name as written, then the name ignoring case. Undefined when
   * the event has no such field. `lowerName` is `name.toLowerCase()`,
   * computed once by the caller (this runs for every rule on every event).
   */
  lookup(canonical: string | undefined, name: string, lowerName?: string, basenameOfRaw = false): Values | undefined {
    if (canonical !== undefined) {
      const v = this.canonical.get(canonical);
      if (v) return v;
    }
    const v = this.fields.get(name);
    if (v) return basenameOfRaw ? this.basenames(v) : v;
    if (!this.lowerKeys) {
      this.lowerKeys = new Map();
      for (const k of this.fields.keys()) {
        const l = k.toLowerCase();
        if (!this.lowerKeys.has(l)) this.lowerKeys.set(l, k);
      }
    }
    const k = this.lowerKeys.get(lowerName ?? name.toLowerCase());
    if (k === undefined) return undefined;
    const w = this.fields.get(k)!;
    return basenameOfRaw ? this.basenames(w) : w;
  }

  /** Last path component of each string value (cached): for rewritten base-name predicates met by a raw full-path field. */
  private basenames(vals: Values): Values {
    let b = this.bases.get(vals);
    if (!b) {
      b = vals.map((x) => (typeof x === 'string' ? basename(x) : x));
      this.bases.set(vals, b);
    }
    return b;
  }

  /** String forms of the scalar values (numbers and booleans as text); cached per value list. */
  strings(vals: Values): string[] {
    let s = this.strs.get(vals);
    if (!s) {
      s = [];
      for (const v of vals) {
        if (typeof v === 'string') s.push(v);
        else if (typeof v === 'number' || typeof v === 'boolean') s.push(String(v));
      }
      this.strs.set(vals, s);
    }
    return s;
  }

  /** Lower-cased string forms, cached per value list. */
  foldedStrings(vals: Values): string[] {
    let s = this.folded.get(vals);
    if (!s) {
      s = this.strings(vals).map(fold);
      this.folded.set(vals, s);
    }
    return s;
  }

  /** Every scalar value of the event as text, for keyword (field-less) predicates. Each leaf once. */
  allStrings(folded: boolean): string[] {
    if (!this.allText) {
      const seen = new Set<Values>();
      const out: string[] = [];
      for (const v of this.fields.values()) {
        if (seen.has(v)) continue;
        seen.add(v);
        for (const s of this.strings(v)) out.push(s);
      }
      this.allText = [...new Set(out)];
    }
    if (!folded) return this.allText;
    return (this.allTextFolded ??= this.allText.map(fold));
  }
}

/** Epoch milliseconds from a number (seconds below 1e11, else ms) or a date string (UTC when no zone is given). */
export function parseTimestamp(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v < 1e11 ? v * 1000 : v;
  if (typeof v !== 'string' || !v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return parseTimestamp(Number(v));
  let s = v.trim();
  // Sysmon UtcTime "2025-11-27 07:40:10.132" has no zone: it is UTC.
  if (/^\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(s)) s = s.replace(' ', 'T') + 'Z';
  // JavaScript dates keep milliseconds only: drop extra fraction digits that some parsers reject.
  s = s.replace(/(\.\d{3})\d+/, '$1');
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}
