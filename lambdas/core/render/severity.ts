/**
 * How urgent an alert is, for SNS filter policies and the Slack summary line.
 *
 * - `high`: the spike is escalating, or 100+ denials in the window, or the caller is the account's root user.
 * - `low`: a first sighting with fewer than 10 denials (new, but not yet a storm).
 * - `medium`: everything else (a threshold spike).
 */
import type { AlertSummary } from '../alert.js';

export const SEVERITIES = ['low', 'medium', 'high'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The denials in one window from which an alert is `high` whatever its reason. */
export const HIGH_SEVERITY_COUNT = 100;

/** The severity of an alert. */
export function severityOf(alert: Pick<AlertSummary, 'reason' | 'count' | 'principalType'>): Severity {
  if (alert.reason === 'escalation' || alert.count >= HIGH_SEVERITY_COUNT || alert.principalType === 'Root') return 'high';
  if (alert.reason === 'first-seen' && alert.count < 10) return 'low';
  return 'medium';
}
