/**
 * A burst of failed authentications (wrong MFA codes, bad or expired tokens) from one principal is a triage signal:
 * someone may be guessing codes. The threshold follows the anchors users already have (Splunk's rule: at least 5 per
 * hour per caller); an alert's count is per principal and action already.
 */
import type { AlertSummary, TriageSignal } from '../alert.js';

/** Failed authentications in one alert window from which the burst is a signal. */
export const AUTHENTICATION_BURST = 5;

/** The `authentication-burst` signal of an alert, or null. */
export function authenticationBurstSignal(alert: Pick<AlertSummary, 'serviceRefusal' | 'count' | 'windowMinutes'>): TriageSignal | null {
  if (alert.serviceRefusal?.category !== 'authentication' || alert.count < AUTHENTICATION_BURST) return null;
  return {
    id: 'authentication-burst',
    severity: 'medium',
    reason: `${alert.count} failed authentications (MFA code or token) from this principal in ${alert.windowMinutes} min: check that it is its owner, not someone guessing codes.`,
  };
}
