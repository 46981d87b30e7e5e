/**
 * Preflight: the account's EventBridge "Event pattern size" quota against the app's largest event pattern.
 *
 * Amazon EventBridge quotas (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html): "Event pattern
 * size", 2,048 characters by default in each Region, adjustable; its Service Quotas code is `L-664C5505` in service
 * `events` (the page's "Yes" link: console.aws.amazon.com/servicequotas/home/services/events/quotas/L-664C5505).
 * PutRule refuses a larger pattern, so CloudFormation rolls the whole stack back. A pattern is measured as
 * CloudFormation sends it: compact JSON.
 */
import { uncheckedResult, type CallFailure, type CheckResult } from './checklist.js';

/** Service Quotas service code of EventBridge. */
export const EVENTS_SERVICE_CODE = 'events';
/** Service Quotas code of "Event pattern size" (EventBridge quotas page). */
export const EVENT_PATTERN_SIZE_QUOTA_CODE = 'L-664C5505';
/** The documented default of "Event pattern size", in characters. */
export const DEFAULT_EVENT_PATTERN_SIZE = 2048;

/** One event pattern of the app, named for messages. */
export interface NamedPattern {
  readonly name: string;
  readonly pattern: Record<string, unknown>;
}

/** The longest pattern, measured in characters of compact JSON (as CloudFormation sends it). */
export function largestPattern(patterns: readonly NamedPattern[]): { name: string; chars: number } {
  let largest = { name: '(none)', chars: 0 };
  for (const { name, pattern } of patterns) {
    const chars = JSON.stringify(pattern).length;
    if (chars > largest.chars) largest = { name, chars };
  }
  return largest;
}

/** The quota as Service Quotas gave it: the applied value, or the AWS default where no applied value is available. */
export interface PatternQuotaFacts {
  readonly value: number;
  readonly source: 'applied' | 'default';
}

const ID = 'pattern-quota';
const TITLE = 'EventBridge "Event pattern size" quota';

/** Judges the quota against the app's patterns. */
export function judgePatternQuota(quota: PatternQuotaFacts | CallFailure, patterns: readonly NamedPattern[]): CheckResult {
  if ('kind' in quota) return uncheckedResult(ID, TITLE, quota);
  const largest = largestPattern(patterns);
  const limit = Math.floor(quota.value);
  const quotaText = `${limit.toLocaleString('en-US')} characters (${quota.source === 'applied' ? 'applied value' : 'AWS default'}, ${EVENTS_SERVICE_CODE} ${EVENT_PATTERN_SIZE_QUOTA_CODE})`;
  if (largest.chars <= limit) {
    return { id: ID, title: TITLE, verdict: 'pass', detail: `the largest pattern (${largest.name}) is ${largest.chars.toLocaleString('en-US')} characters; the quota is ${quotaText}` };
  }
  return {
    id: ID,
    title: TITLE,
    verdict: 'fail',
    detail: `the ${largest.name} pattern is ${largest.chars.toLocaleString('en-US')} characters, over the quota of ${quotaText}: PutRule would refuse it and CloudFormation roll the stack back`,
    fix: `request an increase: aws service-quotas request-service-quota-increase --service-code ${EVENTS_SERVICE_CODE} --quota-code ${EVENT_PATTERN_SIZE_QUOTA_CODE} --desired-value ${Math.min(4096, Math.ceil(largest.chars / 256) * 256)}, and deploy once it is approved`,
  };
}
