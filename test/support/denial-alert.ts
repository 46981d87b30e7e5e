/**
 * The fields an alert takes from its group's first denial, as the engine's aggregation copies them
 * (`lambdas/core/spike/aggregate.ts`): tests that build an alert from a classified denial spread these and add the
 * counts and windows their case needs.
 */
import type { AlertSummary } from '../../lambdas/core/alert.js';
import type { Denial } from '../../lambdas/core/types.js';

/** The denial's own part of an alert (who, what, where, which layer, the message). */
export function alertFieldsOf(denial: Denial): Pick<
  AlertSummary,
  'fingerprint' | 'accountId' | 'principalArn' | 'principalType' | 'action' | 'resource' | 'resourceFamily' | 'denyLayer' | 'denyKind' | 'policyArn' | 'region' | 'eventSource' | 'errorMessage'
> {
  return {
    fingerprint: denial.fingerprint!,
    accountId: denial.accountId,
    principalArn: denial.principalArn,
    principalType: denial.principalType,
    action: denial.action ?? 'unknown:Unknown',
    resource: denial.resource,
    resourceFamily: denial.resourceFamily,
    denyLayer: denial.denyLayer ?? 'unknown',
    denyKind: denial.denyKind ?? 'unknown',
    policyArn: denial.policyArn,
    region: denial.region,
    eventSource: denial.eventSource,
    errorMessage: denial.errorMessage,
  };
}

/**
 * A threshold alert of `count` such denials in one 5-minute window ending 2026-12-05 10:00 UTC, all in its last minute,
 * with the service rule the denial carries: what the renderers and the finding mappers read.
 */
export function thresholdAlertOf(denial: Denial, count: number, alertId: string): AlertSummary {
  return {
    alertId,
    ...alertFieldsOf(denial),
    reason: 'threshold',
    count,
    windowStart: '2026-12-05T09:56:00.000Z',
    windowMinutes: 5,
    totalCount: count,
    countsPerMinute: [...Array<number>(59).fill(0), count],
    firstSeen: '2026-12-05T10:00:00.000Z',
    lastSeen: '2026-12-05T10:00:00.000Z',
    sampleEventIds: [denial.eventId!],
    sessionNames: [],
    sourceIps: [],
    userAgents: [],
    baseline: 0,
    ...(denial.serviceRefusal ? { serviceRefusal: denial.serviceRefusal } : {}),
  };
}
