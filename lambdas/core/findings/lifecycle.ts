/**
 * The finding lifecycle over a stream of alerts (replay, in event time): each alert creates or updates its fingerprint's
 * incident, and an incident quiet for its quiet period closes, once, before the next alert that comes after that
 * moment, or at the end. Pure: the caller passes the times.
 */
import type { AlertSummary } from '../alert.js';
import { alertTimeMs, incidentOf, isQuiet, type IncidentActivity, type IncidentState } from './incident.js';

/** One step of a finding's life: the alert it speaks for (the incident's latest for a close). */
export interface FindingEvent {
  alert: AlertSummary;
  incident: IncidentState;
  activity: IncidentActivity;
  /** Epoch ms: the alert's time, or the moment the incident became quiet. */
  atMs: number;
}

/** Tracks open incidents across alerts. */
export class FindingLifecycle {
  private readonly open = new Map<string, { incident: IncidentState; alert: AlertSummary }>();

  constructor(private readonly quietMs: number) {}

  /** The closes due before `alert`, then the alert's create or update. */
  next(alert: AlertSummary): FindingEvent[] {
    const at = alertTimeMs(alert);
    const events = this.closeQuiet(at);
    const { incident, activity } = incidentOf(alert, this.open.get(alert.fingerprint)?.incident, this.quietMs);
    this.open.set(alert.fingerprint, { incident, alert });
    events.push({ alert, incident, activity, atMs: at });
    return events;
  }

  /** Closes every incident quiet at `nowMs` (all of them with `Infinity`: the end of a replay). */
  closeQuiet(nowMs: number): FindingEvent[] {
    const events: FindingEvent[] = [];
    for (const [fingerprint, { incident, alert }] of this.open) {
      if (!isQuiet(incident, nowMs, this.quietMs)) continue;
      this.open.delete(fingerprint);
      events.push({ alert, incident, activity: 'close', atMs: incident.lastAlertAtMs + this.quietMs });
    }
    return events.sort((a, b) => a.atMs - b.atMs);
  }
}
