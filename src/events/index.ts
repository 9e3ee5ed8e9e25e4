/**
 * The Windows event catalog (seeds/windows-events.json, built by
 * seeds/build-events.mjs) and per-rule event inference (./infer.ts).
 */
import { readSeedJson } from '../normalize/seeds.js';
import type { CatalogEvent } from './types.js';

export type { CatalogEvent } from './types.js';
export { inferEvents, type EventInferenceContext } from './infer.js';

export interface EventCatalog {
  events: CatalogEvent[];
  get(provider: string, eventId: number): CatalogEvent | undefined;
  /** Providers known to have this event id (for an event id without a provider). */
  providersOf(eventId: number): string[];
  /** The catalog's spelling of a provider name (case-insensitive), if it has that provider. */
  provider(name: string): string | undefined;
}

let catalog: EventCatalog | undefined;

/** The bundled event catalog (synchronous, cached). Provider names compare case-insensitively. */
export function loadEventCatalog(): EventCatalog {
  if (catalog) return catalog;
  const { events } = readSeedJson<{ events: CatalogEvent[] }>('windows-events.json');
  const byKey = new Map<string, CatalogEvent>();
  const byId = new Map<number, string[]>();
  const providers = new Map<string, string>();
  for (const e of events) {
    byKey.set(`${e.provider.toLowerCase()}|${e.eventId}`, e);
    providers.set(e.provider.toLowerCase(), e.provider);
    const l = byId.get(e.eventId);
    if (l) l.push(e.provider);
    else byId.set(e.eventId, [e.provider]);
  }
  catalog = {
    events,
    get: (provider, eventId) => byKey.get(`${provider.toLowerCase()}|${eventId}`),
    providersOf: (eventId) => byId.get(eventId) ?? [],
    provider: (name) => providers.get(name.toLowerCase()),
  };
  return catalog;
}
