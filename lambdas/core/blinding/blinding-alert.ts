/**
 * The alert of a blinding change: critical, "investigate before anything else", on the first event (no threshold, no
 * window), never suppressed (it is not a denial, so no suppression, built-in or configured, applies), delivered by
 * the same outbox and routes as a spike (its severity is what routes read).
 */
import { createHash } from 'node:crypto';
import type { AlertSummary } from '../alert.js';
import type { AuthorizationChange } from '../changes/change.js';
import { cloudTrailEventLink } from '../render/cloudtrail-link.js';
import { BLINDING_TECHNIQUE, type Blinding } from './blinding-change.js';

/** The triage signal id of a blinding alert (SNS attribute `signals`, route matching). */
export const BLINDING_SIGNAL = 'blinding';

/** The alert id of a blinding change: the same for every delivery of the same event. */
export function blindingAlertId(eventId: string): string {
  return `blind-${createHash('sha256').update(eventId).digest('hex').slice(0, 20)}`;
}

/** Builds the alert of one blinding change (the change as "what changed" extracted it). */
export function blindingAlertOf(change: AuthorizationChange, blinding: Blinding): AlertSummary {
  const alertId = blindingAlertId(change.eventId);
  return {
    alertId,
    fingerprint: alertId,
    reason: 'blinding',
    accountId: change.accountId,
    principalArn: change.actorArn,
    principalType: change.actorType,
    action: change.action,
    resource: blinding.target,
    resourceFamily: null,
    denyLayer: 'unknown',
    denyKind: 'unknown',
    policyArn: null,
    region: change.region,
    eventSource: change.eventSource,
    count: 1,
    windowStart: change.eventTime,
    windowMinutes: 0,
    totalCount: 1,
    countsPerMinute: [],
    firstSeen: change.eventTime,
    lastSeen: change.eventTime,
    sampleEventIds: [change.eventId],
    errorMessage: null,
    sessionNames: change.actorSession ? [{ value: change.actorSession, count: 1 }] : [],
    sourceIps: change.sourceIp ? [{ value: change.sourceIp, count: 1 }] : [],
    userAgents: change.userAgent ? [{ value: change.userAgent, count: 1 }] : [],
    baseline: 0,
    triage: {
      severity: 'critical',
      investigateFirst: true,
      signals: [{ id: BLINDING_SIGNAL, reason: `${change.eventName} blinds the alerter: ${BLINDING_TECHNIQUE}.`, severity: 'critical' }],
    },
    blinding: {
      kind: blinding.kind,
      effect: blinding.effect,
      target: blinding.target,
      undo: blinding.undo,
      eventId: change.eventId,
      eventTime: change.eventTime,
      eventName: change.eventName,
      actorArn: change.actorArn,
      actorSession: change.actorSession,
      sourceIp: change.sourceIp,
      userAgent: change.userAgent,
      consoleUrl: cloudTrailEventLink(change.region, change.eventId),
    },
  };
}
