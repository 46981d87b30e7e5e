/**
 * The "what changed" events the extraction query keeps beside the denials, grouped by event source, derived from the
 * change catalogue (`lambdas/core/changes/catalog.ts`) so a call added there is extracted here too. Conditions on
 * request parameters (an SQS attribute that is `Policy`, …) are left to the replayed extractor: the query keeps a
 * superset.
 */
import { CHANGE_CATALOG } from '../changes/catalog.js';
import type { ChangeEventFilter } from './backtest-spec.js';

/** One filter per event source, its event names sorted. */
export function catalogChangeEvents(): ChangeEventFilter[] {
  const bySource = new Map<string, Set<string>>();
  for (const entry of CHANGE_CATALOG) {
    const names = bySource.get(entry.eventSource) ?? new Set<string>();
    for (const name of entry.eventNames) names.add(name);
    bySource.set(entry.eventSource, names);
  }
  return [...bySource.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([eventSource, names]) => ({ eventSource, eventNames: [...names].sort() }));
}
