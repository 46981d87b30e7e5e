import type { Diagnosis } from './iam-policy/diagnose.js';
import type { DenyKind, DenyLayer } from './types.js';

/** Why an alert fired. */
export type AlertReason = 'threshold' | 'escalation' | 'first-seen';

/** How often one value (a source IP, a user agent) was seen in the alerting window. */
export interface ValueCount {
  value: string;
  count: number;
}

/**
 * One alert: the engine's output and the publishers' input (Slack, SNS, the replay's console).
 *
 * Every string that came from an event (user agent, session name, error message) is untrusted: renderers escape it.
 */
export interface AlertSummary {
  fingerprint: string;
  reason: AlertReason;
  accountId: string | null;
  principalArn: string | null;
  principalType: string | null;
  action: string;
  /** The first denied resource ARN seen for this fingerprint, or null. */
  resource: string | null;
  resourceFamily: string | null;
  denyLayer: DenyLayer;
  denyKind: DenyKind;
  policyArn: string | null;
  region: string | null;
  eventSource: string | null;
  /** Denials in the alerting window. */
  count: number;
  /** Start of the alerting window (ISO 8601). */
  windowStart: string;
  /** Length of the alerting window in minutes. */
  windowMinutes: number;
  /** Denials for this fingerprint since it was first seen. */
  totalCount: number;
  /** Denials per minute over the last hour up to the alert, oldest first (for a sparkline). */
  countsPerMinute: number[];
  firstSeen: string;
  lastSeen: string;
  sampleEventIds: string[];
  /** A sample error message (untrusted text). */
  errorMessage: string | null;
  sessionNames: ValueCount[];
  sourceIps: ValueCount[];
  userAgents: ValueCount[];
  /** Baseline denials per window before this alert (exponentially weighted), for context. */
  baseline: number;
  /** The policy evaluation of the sample denial, when policies could be read (`--policies`, policy lookups). */
  diagnosis?: Diagnosis;
}
