/**
 * The {@link AlertEnricher} of "what changed": names the recent authorization changes that most likely caused the
 * spike (`alert.changes`, at most 3, most likely first) and labels a regression (`alert.regression`) where the change
 * stream can tell.
 */
import type { ChangeStore } from '../../core/changes/change-store.js';
import {
  attachedPoliciesOf,
  changeLookupOf,
  DEFAULT_CHANGE_LOOKBACK_HOURS,
  firstDenialMsOf,
  groupsOf,
  knownPoliciesOfDiagnosis,
  linkChanges,
} from '../../core/changes/link.js';
import { targetKey } from '../../core/changes/targets.js';
import { regressionLookupOf, regressionOf } from '../../core/changes/regression.js';
import type { AlertEnricher, RecordObserver } from '../alert-enrichment.js';
import { createChangeObserver } from '../change-observer.js';

/** Changes read per key: enough for a busy role's day, bounded for a storm of infrastructure runs. */
const LIMIT_PER_KEY = 25;
/** A principal's stored changes read to learn its attached policies. */
const HISTORY_PER_PRINCIPAL = 100;

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
    const firstDenialMs = firstDenialMsOf(alert);
    // What is attached to the principal: from the diagnosis, and from its attachments seen in the change stream
    // (however old, within the TTL), so that a new version of an attached managed policy is an exact link.
    const known = knownPoliciesOfDiagnosis(alert);
    if (alert.principalArn) {
      const history = await deps.store.findChanges(
        { targets: [targetKey(alert.principalArn)], organization: false, fromMs: 0, untilMs: firstDenialMs, limitPerKey: HISTORY_PER_PRINCIPAL },
        nowMs,
      );
      known.principal.push(...attachedPoliciesOf(alert.principalArn, history));
      known.groups = groupsOf(alert.principalArn, history);
    }
    const lookup = changeLookupOf(alert, sample, { firstDenialMs, lookbackHours, known });
    const candidates = await deps.store.findChanges({ ...lookup, limitPerKey: LIMIT_PER_KEY }, nowMs);
    const changes = linkChanges(alert, sample, candidates, lookup, known);
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
