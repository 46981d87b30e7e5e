/**
 * How urgent an alert is, for the reader at a glance (Slack colour bar and emoji, terminal colour) and for SNS filter
 * policies: the triage's severity (`core/triage`), or, for an alert no triage enricher saw, the same rules without
 * history.
 */
import type { AlertSummary, Severity } from '../alert.js';
import { severityWithoutHistory } from '../triage/triage.js';

export { SEVERITY_ORDER } from '../triage/triage.js';
export type { Severity } from '../alert.js';

/** Colour bar, emoji and terminal style per severity. */
export const SEVERITY_STYLE = {
  info: { colour: '#8d8d8d', emoji: '⚪', terminal: 'gray' },
  low: { colour: '#2eb67d', emoji: '🟢', terminal: 'green' },
  medium: { colour: '#ecb22e', emoji: '🟡', terminal: 'yellow' },
  high: { colour: '#e8702a', emoji: '🟠', terminal: 'magenta' },
  critical: { colour: '#e01e5a', emoji: '🔴', terminal: 'red' },
} as const satisfies Record<Severity, { colour: string; emoji: string; terminal: string }>;

/** The severity of an alert. */
export function severityOf(alert: AlertSummary): Severity {
  return severityWithoutHistory(alert);
}
