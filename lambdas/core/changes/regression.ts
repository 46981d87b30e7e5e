/**
 * "New failure" or "new caller": whether the denied principal had been doing the denied action successfully before.
 * The data is the change stream (successful catalogue calls), so the label is given only for catalogued actions.
 */
import type { AlertSummary } from '../alert.js';
import { CHANGE_ACTIONS } from './catalog.js';
import { targetKey } from './targets.js';

/** What to look up for an alert's regression label, or null when the change stream cannot tell. */
export interface RegressionLookup {
  /** The principal's key (`targetKey`). */
  actorKey: string;
  action: string;
}

/** The lookup for an alert, or null when its action is not one the change stream records (no data: no label). */
export function regressionLookupOf(alert: Pick<AlertSummary, 'principalArn' | 'action'>): RegressionLookup | null {
  if (!alert.principalArn || !CHANGE_ACTIONS.has(alert.action)) return null;
  return { actorKey: targetKey(alert.principalArn), action: alert.action };
}

/** The label, from whether a success of the same principal and action was seen before the first denial. */
export function regressionOf(succeededBefore: boolean): 'new-failure' | 'new-caller' {
  return succeededBefore ? 'new-failure' : 'new-caller';
}
