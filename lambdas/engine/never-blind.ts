/**
 * The engine dependencies of "never blind" (the Lambda and `replay` both use them): the alert source that turns a
 * change blinding the alerter into a critical alert at once, and the canary: its denials are ignored as denials and
 * their arrivals kept per account and Region.
 */
import type { Settings } from '../core/config.js';
import { NO_ALERTER_RESOURCES, type AlerterResources } from '../core/blinding/own-resources.js';
import { isCanaryRecord } from '../core/canary/canary.js';
import type { CloudTrailRecord } from '../core/types.js';
import type { AlertSource, RecordObserver } from './alert-enrichment.js';
import { createBlindingAlerts } from './blinding-alerts.js';
import { createCanaryObserver, type CanaryArrivalStore } from './canary-observer.js';
import type { DenialStore } from './denial-store.js';

/** The hooks; `own` names the alerter's resources (@default none: trail and organization changes only). */
export function neverBlindHooks(
  store: Pick<DenialStore, 'commitDecision'>,
  settings: Pick<Settings, 'historyDays'>,
  options: { own?: AlerterResources; canaries?: CanaryArrivalStore } = {},
): { alertSources: AlertSource[]; ignore: (record: CloudTrailRecord) => boolean; observers: RecordObserver[] } {
  return {
    alertSources: [createBlindingAlerts({ store, own: options.own ?? NO_ALERTER_RESOURCES, retentionDays: settings.historyDays })],
    ignore: isCanaryRecord,
    observers: options.canaries ? [createCanaryObserver(options.canaries)] : [],
  };
}
