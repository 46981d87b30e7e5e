import type { AlertSummary } from '../../lambdas/core/alert.js';
import { classify } from '../../lambdas/core/classify.js';
import type { CloudTrailRecord } from '../../lambdas/core/types.js';

/** An alert built from a real record's classification, with fixed counts (as the engine would report them). */
export function alertFromRecord(record: CloudTrailRecord, overrides: Partial<AlertSummary> = {}): AlertSummary {
  const denial = classify(record);
  return {
    fingerprint: denial.fingerprint!,
    reason: 'threshold',
    accountId: denial.accountId,
    principalArn: denial.principalArn,
    principalType: denial.principalType,
    action: denial.action!,
    resource: denial.resource,
    resourceFamily: denial.resourceFamily,
    denyLayer: denial.denyLayer!,
    denyKind: denial.denyKind!,
    policyArn: denial.policyArn,
    region: denial.region,
    eventSource: denial.eventSource,
    count: 29,
    windowStart: '2024-07-30T21:27:00.000Z',
    windowMinutes: 5,
    totalCount: 30,
    countsPerMinute: [...Array(55).fill(0), 0, 1, 0, 3, 25],
    firstSeen: '2024-07-30T21:31:16.000Z',
    lastSeen: '2024-07-30T21:31:21.000Z',
    sampleEventIds: [denial.eventId ?? 'unknown'],
    errorMessage: denial.errorMessage,
    sessionNames: denial.sessionName ? [{ value: denial.sessionName, count: 29 }] : [],
    sourceIps: denial.sourceIp ? [{ value: denial.sourceIp, count: 29 }] : [],
    userAgents: denial.userAgent ? [{ value: denial.userAgent, count: 29 }] : [],
    baseline: 0,
    ...overrides,
  };
}
