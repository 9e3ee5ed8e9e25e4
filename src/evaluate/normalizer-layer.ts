/**
 * The canonical field layer built from the normalizer's tables
 * (src/normalize/fields.ts `FieldResolver`, seeds/fields/*.json): an event
 * field is mapped the way a rule field of the same name would be for a rule
 * whose log source is the event's. So `Image` in a Sysmon event 1 becomes
 * `process.executable`, `TargetObject` in event 13 `registry.path`, a field
 * with no ECS equivalent `winlog.event_data.<name>`, exactly as the rules'
 * `field.canonical`.
 *
 * Order for one event key:
 * 1. a name ECS (or a declared extension) already knows is itself (ECS events);
 * 2. the Sigma/Windows tables for the event's log source (explicit entries);
 * 3. the Splunk tables (CIM data-model names, raw Windows names, bare CIM names);
 * 4. the Windows fallback prefix (`winlog.event_data.`), for classified Windows events only.
 * An event whose source is unknown is looked up as a Windows event without
 * category (the shape of flat Sigma-named JSON), without the fallback.
 */
import type { Rule } from '../ast/schema.js';
import { FieldResolver, fieldContext, type FieldContext } from '../normalize/fields.js';
import type { SourceKey } from '../normalize/tables.js';
import type { UserMappings } from '../normalize/user-mappings.js';
import { cachedLayer, type FieldLayer } from './field-layer.js';
import type { EventClass } from './logsource.js';

const SIGMA = { vendor: 'sigma' } as Rule;
const SPLUNK = { vendor: 'splunk' } as Rule;

/** The single most specific category of an event class (registry_set over registry_event). */
function mainCategory(cls: EventClass): string | undefined {
  let first: string | undefined;
  for (const c of cls.categories) {
    first ??= c;
    if (c !== 'registry_event') return c;
  }
  return first;
}

export function normalizerLayer(user: UserMappings = {}): FieldLayer {
  const resolver = new FieldResolver(user);
  const contexts = new Map<string, { sigma: FieldContext; splunk: FieldContext; classified: boolean }>();
  const contextOf = (cls: EventClass | null) => {
    const id = cls ? cls.id : '';
    let c = contexts.get(id);
    if (!c) {
      const key: SourceKey = { product: 'windows' };
      if (cls) {
        const cat = mainCategory(cls);
        if (cat) key.category = cat;
        const svc = cls.services.values().next().value;
        if (svc) key.service = svc;
      }
      c = { sigma: fieldContext(key), splunk: fieldContext({}, key), classified: cls !== null };
      contexts.set(id, c);
    }
    return c;
  };
  return cachedLayer((name, cls) => {
    if (resolver.status(name) !== 'unknown') return name;
    const ctx = contextOf(cls);
    const sigma = resolver.resolve(SIGMA, name, ctx.sigma);
    if (sigma.canonical !== undefined && (sigma.how === 'table' || sigma.how === 'user')) return sigma.canonical;
    const splunk = resolver.resolve(SPLUNK, name, ctx.splunk);
    if (splunk.canonical !== undefined && (splunk.how === 'table' || splunk.how === 'user')) return splunk.canonical;
    if (ctx.classified && sigma.canonical !== undefined && sigma.how === 'fallback') return sigma.canonical;
    return undefined;
  });
}

let shared: FieldLayer | undefined;

/** The layer used when none is given: the normalizer's tables, built once per process. */
export function defaultLayer(): FieldLayer {
  return (shared ??= normalizerLayer());
}
