/**
 * Where an alert goes in Slack app mode: a new parent message (a new incident), or a reply in the thread of the
 * fingerprint's open incident.
 *
 * An incident ends after {@link INCIDENT_QUIET_MS} (6 h) without an alert. Why 6 h: within an incident the engine
 * alerts again only on an escalation or after its cooldown (60 min by default), so a storm that lasts the afternoon
 * re-alerts about hourly and stays in one thread; a fingerprint silent for 6 h (a shift's worth of time, six default
 * cooldowns) that spikes again is news and deserves a fresh parent message that people will see.
 */
import type { AlertSummary } from '../alert.js';
import { INCIDENT_QUIET_MS, type Incident } from './types.js';

/** Where one alert goes. */
export type ThreadPlacement =
  | { kind: 'new-incident'; /** The previous incident, ended by the quiet period: it gets a closing note. */ ended: Incident | null }
  | { kind: 'reply'; incident: Incident };

/** Decides between a new parent and a reply in the open incident's thread. */
export function placeAlert(incident: Incident | null, nowMs: number): ThreadPlacement {
  if (incident === null) return { kind: 'new-incident', ended: null };
  if (incidentOpen(incident, nowMs)) return { kind: 'reply', incident };
  return { kind: 'new-incident', ended: incident };
}

/** True while the incident's quiet period has not run out. */
export function incidentOpen(incident: Incident, nowMs: number): boolean {
  return nowMs - incident.lastActivityMs < INCIDENT_QUIET_MS;
}

/** The incident started by posting `alert` as a parent message. */
export function startIncident(alert: AlertSummary, channel: string, parentTs: string, nowMs: number): Incident {
  return { fingerprint: alert.fingerprint, channel, parentTs, startedMs: nowMs, lastActivityMs: nowMs, alertCount: 1, latestCount: alert.count, latestReason: alert.reason };
}

/** The incident after `alert` was replied in its thread. */
export function continueIncident(incident: Incident, alert: AlertSummary, nowMs: number): Incident {
  return { ...incident, lastActivityMs: nowMs, alertCount: incident.alertCount + 1, latestCount: alert.count, latestReason: alert.reason };
}
