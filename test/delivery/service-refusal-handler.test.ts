/**
 * Issue 23, bullet 1, end to end: refusals no policy lifts through the Lambda handler as `dependenciesFromEnvironment`
 * builds it, policy lookups on (`test/support/handler-environment.ts`). A burst of failed MFA codes and a burst of
 * cross-account PassRole refusals are counted and alerted on the responders' route (Slack and SNS), saying "No policy
 * change fixes this" and what does (the MFA burst with its triage signal), with no policy lookup at all (the catch-all endpoint stays untouched). Labelled
 * synthetic records written for this test.
 */
import { describe, expect, it } from 'vitest';
import { NO_POLICY_FIX } from '../../lambdas/core/service-rules/service-refusal.js';
import type { CloudTrailRecord } from '../../lambdas/core/types.js';
import { syntheticRefusal } from '../support/records.js';
import { HANDLER_ACCOUNT, INVOCATION, PAYMENTS_TOPIC, sqsBatch, useHandlerEnvironment } from '../support/handler-environment.js';

const { deployment } = useHandlerEnvironment();
const OTHER_ROLE = 'arn:aws:iam::444455556666:role/service-role/etl-runner';

/** `count` labelled synthetic refusals of one IAM user over the last minute. */
function burst(count: number, eventSource: string, eventName: string, errorCode: string, errorMessage: string, requestParameters: Record<string, unknown> | null): CloudTrailRecord[] {
  const start = Date.now() - 60_000;
  return Array.from({ length: count }, (_, index) =>
    syntheticRefusal(
      { eventSource, eventName, errorCode, errorMessage, requestParameters },
      {
        account: HANDLER_ACCOUNT,
        eventVersion: '1.09',
        eventID: `synthetic-refusal-${eventName}-${index}-${Math.random().toString(36).slice(2, 8)}`,
        eventTime: new Date(start + index * 1000).toISOString(),
        sourceIPAddress: '203.0.113.10',
        userAgent: 'aws-cli/2.15.0',
      },
    ),
  );
}

describe('refusals no policy lifts, through the handler', () => {
  it.each([
    ['a burst of failed MFA codes (GetSessionToken)', () => burst(8, 'sts.amazonaws.com', 'GetSessionToken', 'AccessDenied', 'MultiFactorAuthentication failed with invalid MFA one time pass code.', null), 'sts:GetSessionToken', /check the MFA device and code/, /8 failed authentications/],
    ['cross-account PassRole (Glue CreateDevEndpoint)', () => burst(6, 'glue.amazonaws.com', 'CreateDevEndpoint', 'AccessDeniedException', 'Cross-account pass role is not allowed.', { endpointName: 'dev', roleArn: OTHER_ROLE }), 'iam:PassRole', /pass a role of the caller's account/, null],
  ])('%s: one alert on the responders\' route saying so, and no lookup', { timeout: 120_000 }, async (_label, records, action, remedy, triage) => {
    const { handler, paymentsSlack, publishes, lookups } = await deployment();
    expect(await handler(sqsBatch(records(), 'r'), INVOCATION)).toEqual({ batchItemFailures: [] });
    expect(lookups()).toBe(0);
    expect(paymentsSlack.requests).toHaveLength(1);
    const slack = paymentsSlack.requests[0]!.body;
    expect(slack).toContain(NO_POLICY_FIX);
    expect(slack).toMatch(remedy);
    expect(slack).toContain(action);
    // A burst of failed authentications from one principal is a triage signal (investigate first).
    if (triage) expect(slack).toMatch(triage);
    const [published] = publishes();
    expect(published?.topicArn).toBe(PAYMENTS_TOPIC);
    expect(published?.message).toContain(NO_POLICY_FIX);
    expect(published?.message).toMatch(remedy);
    expect(published?.message).not.toMatch(/"Effect":\s*"Allow"/);
  });
});
