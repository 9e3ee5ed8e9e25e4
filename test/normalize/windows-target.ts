/**
 * Which corpus rules "target Windows events" (issue 6: every such rule must
 * have at least one event in the catalog). Shared by corpus-report.ts and
 * corpus.test.ts; docs/normalization.md "Which rules target Windows events"
 * gives the reasoning.
 *
 * A rule targets Windows events when
 * 1. its source is a Windows event source: Sigma `product: windows`; Elastic
 *    index patterns of Windows event-log data (`winlogbeat-*`,
 *    `logs-windows.*`, `logs-system.security*` / `logs-system.system*`);
 *    Splunk a `data_source` that names a Windows event; and
 * 2. something says which events it wants: the source itself (a Sigma
 *    logsource category, a Sigma service with default events, a Splunk
 *    data_source event) or its positive logic (any predicate on a field other
 *    than `event.kind`, other than a bare existence test; or an opaque part we
 *    cannot see into).
 * A rule whose positive logic is only full text (field-less keywords), the
 * document kind (`event.kind`) or field-existence tests, over a source that
 * names no event, is *log-wide*: it reads every record of a log or of a
 * catch-all index (Sigma keyword searches over the Application log or all
 * Windows logs; Elastic indicator-match, alert-promotion and onboarding
 * rules over `logs-*`/`winlogbeat-*`). It selects a log, not an event, and the
 * catalog's (provider, event id) references cannot name "every record of a
 * log" without inventing an id.
 */
import type { Rule } from '../../src/ast/schema.js';
import { predicates, queryFilters, walk } from '../../src/ast/walk.js';
import { readSeedJson } from '../../src/normalize/seeds.js';

export const ELASTIC_WINDOWS_INDEX = /^(winlogbeat-|logs-windows\.|logs-system\.(security|system))/;

const ls = readSeedJson<{ categories: Record<string, unknown[]>; services: Record<string, { defaults?: unknown[] }> }>('events/logsources.json');

/** Condition 1: the rule reads a Windows event source. */
export function windowsSource(r: Rule): boolean {
  if (r.vendor === 'sigma') return r.logsource.product === 'windows';
  if (r.vendor === 'elastic') return (r.logsource.index ?? []).some((i) => ELASTIC_WINDOWS_INDEX.test(i));
  return ((r.metadata['dataSourceEvents'] as unknown[] | undefined) ?? []).length > 0;
}

/** The source itself names events (Sigma category / service defaults; Splunk data_source events). */
function sourceNamesEvents(r: Rule): boolean {
  if (r.vendor === 'sigma') {
    const cat = r.logsource.category?.toLowerCase();
    const svc = r.logsource.service?.toLowerCase();
    return (!!cat && !!ls.categories[cat]?.length) || (!!svc && !!ls.services[svc]?.defaults?.length);
  }
  if (r.vendor === 'splunk') return ((r.metadata['dataSourceEvents'] as unknown[] | undefined) ?? []).length > 0;
  return false;
}

/** The positive logic says something about the event beyond full text, document kind and field existence. */
function logicNamesEvents(r: Rule): boolean {
  for (const { filter, role } of queryFilters(r.query)) {
    if (role !== 'event') continue;
    let opaque = false;
    walk(filter, {
      enter(n, negated) {
        if (n.type === 'opaque' && !negated) opaque = true;
      },
    });
    if (opaque) return true;
  }
  return predicates(r).some(({ predicate: p, negated, role }) => role === 'event' && !negated && !!p.field && p.field.canonical !== 'event.kind' && p.op !== 'exists');
}

/** Log-wide: a Windows source, but nothing in the source or the positive logic names an event. */
export function logWide(r: Rule): boolean {
  return windowsSource(r) && !sourceNamesEvents(r) && !logicNamesEvents(r);
}

/** The "targets Windows events". */
export function targetsWindowsEvents(r: Rule): boolean {
  return windowsSource(r) && !logWide(r);
}
