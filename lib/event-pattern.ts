/**
 * The EventBridge pattern that catches every CloudTrail authorization denial (pure, so tests can check it against
 * the corpus). It mirrors `isDenialErrorCode` in `lambdas/core/error-codes.ts`: the same rules as the Athena extraction
 * query (`denialCandidateRules`), written as EventBridge filters.
 */
import { denialCandidateRules } from '../lambdas/core/athena/denial-predicate.js';

export const CLOUDTRAIL_DETAIL_TYPES_FOR_RULE = ['AWS API Call via CloudTrail', 'AWS Network Activity Event via CloudTrail'] as const;

/**
 * Only events AWS itself put on the bus. EventBridge reserves the `aws.` source prefix for AWS services: a custom event
 * cannot carry it. Documented in the EventBridge Scheduler API reference for the PutEvents target,
 * https://docs.aws.amazon.com/scheduler/latest/APIReference/API_EventBridgePutEventsV2Parameters.html ("The source
 * can't start with the aws. prefix.", pattern `((?!aws\.).*)`), and in the CloudFormation reference
 * `AWS::Scheduler::Schedule EventBridgeParameters` (same `(?!aws\.)` pattern on Source). Events forwarded between buses
 * keep their source. So a forged `source: com.attacker` event carrying a CloudTrail-looking `detail` never matches.
 */
export const AWS_SOURCE_FILTER = [{ prefix: 'aws.' }] as const;

/**
 * EventBridge "Event pattern size": 2,048 characters by default, 4,096 only after a Service Quotas increase (EventBridge
 * User Guide, "Amazon EventBridge quotas"); a larger pattern makes PutRule fail. The pattern, written as compact JSON,
 * must fit the default.
 */
export const EVENT_PATTERN_MAX_CHARACTERS = 2048;

/** The event pattern; `extraErrorCodes` are the opt-in codes of the `extraErrorCodes` setting. */
export function denialEventPattern(extraErrorCodes: readonly string[] = []): Record<string, unknown> {
  const rules = denialCandidateRules(extraErrorCodes);
  const byCode = {
    errorCode: [...rules.exact, ...rules.prefixes.map((prefix) => ({ prefix })), ...rules.suffixes.map((suffix) => ({ suffix }))],
  };
  const byService = Object.entries(rules.byService).map(([eventSource, codes]) => ({ eventSource: [eventSource], errorCode: [...codes] }));
  const byMessage = {
    errorCode: [...rules.optional],
    errorMessage: [{ wildcard: `*${rules.messagePhrase}*` }],
    eventSource: [{ 'anything-but': [...rules.servicesWithoutMessageRule] }],
  };
  return {
    source: [...AWS_SOURCE_FILTER],
    'detail-type': [...CLOUDTRAIL_DETAIL_TYPES_FOR_RULE],
    detail: { $or: [byCode, ...byService, byMessage] },
  };
}
