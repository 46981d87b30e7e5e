/**
 * The engine dependencies of "never blind", to spread into `createSpikeEngine({...})`: the alert source that turns a
 * change blinding the alerter into a critical alert at once (the Lambda and `replay` both use it).
 */
import type { Settings } from '../core/config.js';
import { NO_ALERTER_RESOURCES, type AlerterResources } from '../core/blinding/own-resources.js';
import type { AlertSource } from './alert-enrichment.js';
import { createBlindingAlerts } from './blinding-alerts.js';
import type { DenialStore } from './denial-store.js';

/** The hooks; `own` names the alerter's resources (@default none: trail and organization changes only). */
export function neverBlindHooks(store: Pick<DenialStore, 'commitDecision'>, settings: Pick<Settings, 'historyDays'>, own: AlerterResources = NO_ALERTER_RESOURCES): { alertSources: AlertSource[] } {
  return { alertSources: [createBlindingAlerts({ store, own, retentionDays: settings.historyDays })] };
}
