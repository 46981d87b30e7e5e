import type { AlertSummary } from '../alert.js';

/**
 * What responders do from Slack (issue 21): the incident thread of a fingerprint, its snooze, its "Expected"
 * suppression (two people), and the audit log of every click. Plain data; the `ResponderStore` port keeps it.
 */

/** One incident's Slack thread in one channel: the parent message and what it shows. */
export interface Incident {
  fingerprint: string;
  /** Slack channel id (`C…`) the thread lives in. */
  channel: string;
  /** `ts` of the parent message (`chat.postMessage`'s answer). */
  parentTs: string;
  startedMs: number;
  /** The last alert posted in the thread; the incident ends {@link INCIDENT_QUIET_MS} after it. */
  lastActivityMs: number;
  /** Alerts posted in the thread (parent included). */
  alertCount: number;
  /** Denials in the window of the latest alert. */
  latestCount: number;
  /** Reason of the latest alert (`threshold`, `escalation`, …). */
  latestReason: string;
  acknowledgedBy?: string;
  acknowledgedAtMs?: number;
  /** The alert of the parent message, kept so that `chat.update` can render it again with a new status line. */
  firstAlert?: AlertSummary;
}

/** A time-bounded suppression of one fingerprint (Snooze 1 h / 24 h / 7 d). */
export interface Snooze {
  fingerprint: string;
  untilMs: number;
  /** Slack user id of who snoozed. */
  by: string;
  atMs: number;
}

/** A permanent suppression of one fingerprint: in effect only once a second, different person approved it. */
export interface ExpectedSuppression {
  fingerprint: string;
  requestedBy: string;
  requestedAtMs: number;
  approvedBy?: string;
  approvedAtMs?: number;
}

/** What a click (or the engine obeying one) did. */
export type AuditAction = 'acknowledge' | 'snooze' | 'unsnooze' | 'expected-requested' | 'expected-approved' | 'expected-refused' | 'alert-suppressed';

/** One line of the audit log: who, when, what, which alert. */
export interface AuditEntry {
  atMs: number;
  /** Slack user id, or `denial-alerter` for what the engine did (an alert kept silent). */
  user: string;
  action: AuditAction;
  fingerprint: string;
  alertId: string | null;
  /** One line of detail (`for 24 h, until …`, `snoozed by U…`). */
  detail: string;
}

/** The user the engine writes audit lines as. */
export const ENGINE_USER = 'denial-alerter';

/** How long an incident thread stays open after its last alert: 6 hours (see `incident.ts`). */
export const INCIDENT_QUIET_MS = 6 * 3_600_000;
