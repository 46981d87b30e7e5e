/**
 * The account's "Event pattern size" quota from Service Quotas: the applied value (GetServiceQuota), or AWS's default
 * (GetAWSDefaultServiceQuota) when no applied value is available, which GetServiceQuota reports as
 * `NoSuchResourceException` (Service Quotas API reference: https://docs.aws.amazon.com/servicequotas/2019-06-24/apireference/API_GetServiceQuota.html).
 */
import { GetAWSDefaultServiceQuotaCommand, GetServiceQuotaCommand, type ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import type { CallFailure } from '../../core/preflight/checklist.js';
import { EVENT_PATTERN_SIZE_QUOTA_CODE, EVENTS_SERVICE_CODE, type PatternQuotaFacts } from '../../core/preflight/pattern-quota.js';
import { attempt, isCallFailure } from './aws-call.js';

const QUOTA = { ServiceCode: EVENTS_SERVICE_CODE, QuotaCode: EVENT_PATTERN_SIZE_QUOTA_CODE };
const NO_APPLIED_VALUE = Symbol('no applied value');

/** The quota's value in characters, and where it came from. */
export async function gatherPatternQuota(serviceQuotas: ServiceQuotasClient): Promise<PatternQuotaFacts | CallFailure> {
  const applied = await attempt('servicequotas:GetServiceQuota', 'Service Quotas', () => serviceQuotas.send(new GetServiceQuotaCommand(QUOTA)), (error) =>
    error.name === 'NoSuchResourceException' ? NO_APPLIED_VALUE : undefined,
  );
  if (isCallFailure(applied)) return applied;
  if (applied !== NO_APPLIED_VALUE && typeof applied.Quota?.Value === 'number') return { value: applied.Quota.Value, source: 'applied' };
  const fallback = await attempt('servicequotas:GetAWSDefaultServiceQuota', 'Service Quotas', () => serviceQuotas.send(new GetAWSDefaultServiceQuotaCommand(QUOTA)));
  if (isCallFailure(fallback)) return fallback;
  if (typeof fallback.Quota?.Value !== 'number') return { kind: 'other', permission: 'servicequotas:GetAWSDefaultServiceQuota', message: `Service Quotas returned no value for ${EVENTS_SERVICE_CODE} ${EVENT_PATTERN_SIZE_QUOTA_CODE}` };
  return { value: fallback.Quota.Value, source: 'default' };
}
