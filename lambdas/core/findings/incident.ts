/**
 * Incidents: the alerts of one fingerprint that follow each other closely are one incident, and one finding. The first
 * alert opens it (finding created), later alerts within the quiet period update it (an escalation, a new threshold
 * crossing), and once the fingerprint has been quiet for the quiet period the incident closes (finding archived).
 *
 * The Slack side (issue 21) threads an incident's messages with its own quiet period; {@link incidentQuietPeriod} is
 * this module's rule, kept pure and in one place so that both can be unified on one definition later.
 */
import type { AlertSummary } from '../alert.js';

/** One open incident, as the finding channels keep it between alerts. */
export interface IncidentState {
  /** Stable id: the `alertId` of the alert that opened the incident. */
  incidentId: string;
  fingerprint: string;
  /** When the incident opened (epoch ms, the first alert's last denial). */
  openedAtMs: number;
  /** When its latest alert's last denial was (epoch ms): the quiet period counts from here. */
  lastAlertAtMs: number;
  /** Alerts so far (1 for a new incident). */
  alerts: number;
}

/** What an alert does to its fingerprint's incident. */
export type IncidentActivity = 'create' | 'update' | 'close';

/** The rules the quiet period is derived from (`Settings` fields of the same names). */
export interface QuietPeriodRules {
  windowMinutes: number;
  cooldownMinutes: number;
}

/**
 * How long a fingerprint must stay without alerts before its incident closes, in ms: the spike rules' cooldown (the
 * engine re-alerts on a fingerprint within its cooldown only on escalation, so an alert after the cooldown is a new
 * episode), and never less than two alerting windows (a spike that straddles windows stays one incident).
 *
 * @example incidentQuietPeriod({ windowMinutes: 5, cooldownMinutes: 60 }) // 3_600_000
 */
export function incidentQuietPeriod(rules: QuietPeriodRules): number {
  return Math.max(rules.cooldownMinutes, 2 * rules.windowMinutes) * 60_000;
}

/** The time an alert speaks for (epoch ms): its last denial, else its window's start. */
export function alertTimeMs(alert: Pick<AlertSummary, 'lastSeen' | 'windowStart'>): number {
  const last = Date.parse(alert.lastSeen);
  if (Number.isFinite(last)) return last;
  const start = Date.parse(alert.windowStart);
  return Number.isFinite(start) ? start : 0;
}

/**
 * The incident an alert belongs to: its fingerprint's open incident when that was active within the quiet period
 * (an update), else a new one opened by this alert (a create). Redelivering the same alert gives the same answer.
 */
export function incidentOf(alert: AlertSummary, open: IncidentState | undefined, quietMs: number): { incident: IncidentState; activity: 'create' | 'update' } {
  const at = alertTimeMs(alert);
  if (open && open.fingerprint === alert.fingerprint && (open.incidentId === alert.alertId || at - open.lastAlertAtMs <= quietMs)) {
    if (open.incidentId === alert.alertId) return { incident: open, activity: 'create' };
    return { incident: { ...open, lastAlertAtMs: Math.max(open.lastAlertAtMs, at), alerts: open.alerts + 1 }, activity: 'update' };
  }
  return { incident: { incidentId: alert.alertId, fingerprint: alert.fingerprint, openedAtMs: at, lastAlertAtMs: at, alerts: 1 }, activity: 'create' };
}

/** Whether an open incident has been quiet long enough to close at `nowMs`. */
export function isQuiet(incident: IncidentState, nowMs: number, quietMs: number): boolean {
  return nowMs - incident.lastAlertAtMs > quietMs;
}
