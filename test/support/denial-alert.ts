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
