import type { Diagnosis } from './iam-policy/diagnose.js';
import type { ServiceRefusal } from './service-rules/service-refusal.js';
import type { DenyKind, DenyLayer } from './types.js';

/**
 * Why an alert fired. `distinct-resources` / `distinct-actions`: one caller was denied on many distinct resources or
 * actions in a window (a cardinality alert: its `fingerprint` is the aggregation key, not a denial fingerprint).
 * `blinding`: a successful change that blinds the alerter (issue 20; `alert.blinding` says what, no denial counted).
 */
export type AlertReason = 'threshold' | 'escalation' | 'first-seen' | 'distinct-resources' | 'distinct-actions' | 'blinding';

/** What an alert counts: one denial fingerprint, or one caller across resources or actions. */
export type AlertScope = 'fingerprint' | 'principal-action' | 'principal';

/** How often one value (a source IP, a user agent) was seen in the alerting window. */
export interface ValueCount {
  value: string;
  count: number;
}

/** A bounded top-N of one attribute over the alert's window: the top values, what the rest add up to, how many distinct. */
export interface TopValues {
  top: ValueCount[];
  /** Denials whose value is not in `top`. `top` counts + `others` = the window count. */
  others: number;
  /** Distinct values seen in the window (exact up to the engine's stated bound). */
  distinct: number;
}

/** Window-wide context of an alert (never just the batch that alerted). */
export interface WindowContext {
  sourceIps: TopValues;
  userAgents: TopValues;
  sessionNames: TopValues;
  /** Distinct denied resources (ARNs; `(unknown)` when a denial named none). */
  resources: TopValues;
  /** Distinct actions (useful for `principal` scope alerts). */
  actions: TopValues;
}

/** How urgent an alert looks, from its triage signals. */
export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';

/** One reason an alert looks like something to investigate (an attack pattern, a new source). */
export interface TriageSignal {
  /** Stable id, e.g. `sensitive-action`, `offensive-tool`, `new-source-ip`, `new-principal`, `cross-account`, `root`. */
  id: string;
  /** One short sentence for a reader (pure text: renderers escape it). */
  reason: string;
  severity: Severity;
}

/** The triage of one alert: signals, the severity they imply, and whether to investigate before granting. */
export interface Triage {
  severity: Severity;
  investigateFirst: boolean;
  signals: TriageSignal[];
  /** Why history-based signals were silent (not enough history yet), when they were. */
  historyNote?: string;
}

/** A recent authorization change that may have caused the spike ("what changed"). */
export interface ChangeLink {
  eventId: string;
  /** ISO 8601. */
  eventTime: string;
  accountId: string | null;
  region: string | null;
  /** Who made the change (principal ARN). */
  actorArn: string | null;
  eventSource: string;
  eventName: string;
  /** Which layer the change touched. */
  layer: DenyLayer;
  /** The principal, resource or policy ARN the change touched. */
  target: string | null;
  policyArn: string | null;
  /** Minutes between the change and the spike's first denial. */
  minutesBeforeFirstDenial: number;
  /** Why it is linked; `denying-policy` (the explicit deny's policy was changed) is the strongest. */
  match: 'denying-policy' | 'principal' | 'resource' | 'organization' | 'vpc-endpoint';
  /** `any-in-organization` when the SCP/RCP's targets could not be told. */
  exactness: 'exact' | 'any-in-organization';
  /** One line: who changed what, when. */
  summary: string;
  consoleUrl: string | null;
}

/**
 * One alert: the engine's output and the publishers' input (Slack, SNS, the replay's console).
 *
 * Every string that came from an event (user agent, session name, error message) is untrusted: renderers escape it.
 */
export interface AlertSummary {
  /** Stable id of this decision (same after redelivery or republishing from the outbox). */
  alertId: string;
  fingerprint: string;
  reason: AlertReason;
  /** @default 'fingerprint' */
  scope?: AlertScope;
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
  /**
   * Event time of the alerting window's first counted denial, to the second (read from history when the alert is
   * decided): what "what changed" measures "before" from. Absent when history could not be read.
   */
  windowFirstDenial?: string;
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
  /** Window-wide context (top IPs, user agents, sessions, distinct resources and actions). */
  window?: WindowContext;
  /** Triage signals and severity. */
  triage?: Triage;
  /** Recent changes that may have caused the spike, most likely first (at most 3). */
  changes?: ChangeLink[];
  /** `new-failure`: the principal did this successfully before; `new-caller`: never seen doing it. */
  regression?: 'new-failure' | 'new-caller';
  /** AWS's authorization id from the message (Access Troubleshooter) and its console link. */
  authorizationId?: string | null;
  authorizationDetailsUrl?: string | null;
  /** The route that chose this alert's channels. */
  route?: string;
  /** A refusal no policy change fixes (cross-account PassRole, failed authentication): every path says so and what does. */
  serviceRefusal?: ServiceRefusal;
  /** Set on a `blinding` alert: the change that blinds the alerter (rendered by `render/blinding.ts`). */
  blinding?: BlindingFacts;
}

/** What a blinding alert says (all strings from the event are untrusted: renderers escape them). */
export interface BlindingFacts {
  /** `trail`, `event-selectors`, `rule`, `bus-policy`, `stack-set`, `organization`, `event-source-mapping`, `key`. */
  kind: string;
  /** What the alerter no longer sees. */
  effect: string;
  target: string | null;
  /** The command (or step) that undoes it. */
  undo: string;
  eventId: string;
  eventTime: string;
  eventName: string;
  /** Who: the principal, its session, from where and with what. */
  actorArn: string | null;
  actorSession: string | null;
  sourceIp: string | null;
  userAgent: string | null;
  consoleUrl: string | null;
}
