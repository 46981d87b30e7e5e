/**
 * The {@link AlertEnricher} of "what changed": names the recent authorization changes that most likely caused the
 * spike (`alert.changes`, at most 3, most likely first) and labels a regression (`alert.regression`) where the change
 * stream can tell.
 */
import type { ChangeStore } from '../../core/changes/change-store.js';
import { changeLookupOf, DEFAULT_CHANGE_LOOKBACK_HOURS, firstDenialMsOf, linkChanges } from '../../core/changes/link.js';
import { regressionLookupOf, regressionOf } from '../../core/changes/regression.js';
import type { AlertEnricher, RecordObserver } from '../alert-enrichment.js';
import { createChangeObserver } from '../change-observer.js';

/** Changes read per key: enough for a busy role's day, bounded for a storm of infrastructure runs. */
const LIMIT_PER_KEY = 25;

/** What the enricher is built from. */
export interface ChangeEnricherDeps {
  store: ChangeStore;
  /** How far before the first denial to look (the `changeLookbackHours` setting). @default 24 */
  lookbackHours?: number;
}

/** Builds the enricher. */
export function createChangeEnricher(deps: ChangeEnricherDeps): AlertEnricher {
  const lookbackHours = deps.lookbackHours ?? DEFAULT_CHANGE_LOOKBACK_HOURS;
  return async (alert, { sample, nowMs }) => {
    const firstDenialMs = firstDenialMsOf(alert, sample);
    const lookup = changeLookupOf(alert, sample, { firstDenialMs, lookbackHours });
    const candidates = await deps.store.findChanges({ ...lookup, limitPerKey: LIMIT_PER_KEY }, nowMs);
    const changes = linkChanges(alert, sample, candidates, lookup);
    const regressionLookup = regressionLookupOf(alert);
    const regression = regressionLookup
      ? regressionOf(await deps.store.succeededBefore(regressionLookup.actorKey, regressionLookup.action, firstDenialMs, nowMs))
      : undefined;
    return {
      ...alert,
      ...(changes.length > 0 ? { changes } : {}),
      ...(regression ? { regression } : {}),
    };
  };
}

/**
 * The engine dependencies of "what changed", to spread into `createSpikeEngine({...})`: the observer that stores
 * changes and the enricher that links them.
 *
 * @example createSpikeEngine({ store, settings, now, ...whatChangedHooks(changeStore, settings) })
 */
export function whatChangedHooks(
  store: ChangeStore,
  settings: { historyDays: number; changeLookbackHours?: number },
): { observers: RecordObserver[]; enrichers: AlertEnricher[] } {
  return {
    observers: [createChangeObserver({ store, retentionDays: settings.historyDays })],
    enrichers: [createChangeEnricher({ store, lookbackHours: settings.changeLookbackHours })],
  };
}
