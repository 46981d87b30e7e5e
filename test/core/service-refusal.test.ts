/**
 * Refusals no policy can lift (`lambdas/core/service-rules/service-refusal.ts`): a role passed across accounts and
 * failed authentications. Every record below is a labelled synthetic record written for this test.
 */
import { describe, expect, it } from 'vitest';
import type { AlertSummary } from '../../lambdas/core/alert.js';
import { classify } from '../../lambdas/core/classify.js';
import { diagnose } from '../../lambdas/core/iam-policy/diagnose.js';
import { alertJson } from '../../lambdas/core/render/json.js';
import { buildSlackMessage } from '../../lambdas/core/render/slack.js';
import { buildSnsMessage } from '../../lambdas/core/render/sns.js';
import { renderAlertText } from '../../lambdas/core/render/text.js';
import { NO_POLICY_FIX } from '../../lambdas/core/service-rules/service-refusal.js';
import { triageAlert } from '../../lambdas/core/triage/triage.js';
import type { CloudTrailRecord, Denial } from '../../lambdas/core/types.js';
import { slackAsText } from '../render/slack-text.js';
import { thresholdAlertOf } from '../support/denial-alert.js';
import { syntheticRefusal } from '../support/records.js';

const CALLER = '111122223333';
const OTHER = '444455556666';
const OTHER_ROLE = `arn:aws:iam::${OTHER}:role/service-role/etl-runner`;

/** A labelled synthetic denial. */
const record = (eventSource: string, eventName: string, errorCode: string, errorMessage: string, requestParameters: Record<string, unknown> | null = null): CloudTrailRecord =>
  syntheticRefusal({ eventSource, eventName, errorCode, errorMessage, requestParameters });

const PASS_ROLE = 'Cross-account pass role is not allowed.';

describe('cross-account PassRole: action iam:PassRole, the passed role as resource, no policy fix', () => {
  it.each([
    ['glue.amazonaws.com', 'CreateDevEndpoint', { endpointName: 'dev', roleArn: OTHER_ROLE }],
    ['lambda.amazonaws.com', 'CreateFunction20150331', { functionName: 'f', role: OTHER_ROLE, runtime: 'nodejs20.x' }],
    ['transfer.amazonaws.com', 'CreateUser', { serverId: 's-1234567890abcdef0', userName: 'u', role: OTHER_ROLE }],
    ['rds.amazonaws.com', 'StartExportTask', { exportTaskIdentifier: 'x', iamRoleArn: OTHER_ROLE, s3BucketName: 'b' }],
  ])('%s %s', (source, name, parameters) => {
    const denial = classify(record(source, name, 'AccessDeniedException', PASS_ROLE, parameters));
    expect(denial).toMatchObject({ denied: true, action: 'iam:PassRole', resource: OTHER_ROLE });
    expect(denial.serviceRefusal).toMatchObject({ rule: 'cross-account-pass-role', category: 'service-rule', passedRoleArn: OTHER_ROLE, passedRoleAccount: OTHER });
    expect(denial.serviceRefusal!.remedy).toContain(CALLER);
  });

  it('prefers the role of another account among several role ARNs, and says "a role of another account" when none is named', () => {
    const both = classify(record('glue.amazonaws.com', 'CreateJob', 'AccessDeniedException', PASS_ROLE, { notify: `arn:aws:iam::${CALLER}:role/own`, job: { role: OTHER_ROLE } }));
    expect(both.serviceRefusal?.passedRoleArn).toBe(OTHER_ROLE);
    const unnamed = classify(record('glue.amazonaws.com', 'CreateJob', 'AccessDeniedException', PASS_ROLE, null));
    expect(unnamed).toMatchObject({ action: 'iam:PassRole', serviceRefusal: { passedRoleArn: null } });
    expect(unnamed.serviceRefusal!.why).toContain('a role of another account');
  });

  it('is not evaluated against policies: the diagnosis says what fixes it and suggests no change', () => {
    const denial = classify(record('glue.amazonaws.com', 'CreateDevEndpoint', 'AccessDeniedException', PASS_ROLE, { roleArn: OTHER_ROLE }));
    const diagnosis = diagnose(denial, { identity: [{ arn: 'x', name: 'x', document: { Version: '2012-10-17', Statement: [] } }] } as never);
    expect(diagnosis).toMatchObject({ decision: 'undetermined', changes: [], managedPolicies: [] });
    expect(diagnosis.summary).toMatch(new RegExp(`^${NO_POLICY_FIX}: `));
  });
});

describe('authentication failures are counted and shown as authentication, never given a policy fix', () => {
  it.each([
    ['GetSessionToken with "An unknown error occurred"', record('sts.amazonaws.com', 'GetSessionToken', 'AccessDenied', 'An unknown error occurred')],
    ['a wrong MFA code', record('sts.amazonaws.com', 'GetSessionToken', 'AccessDenied', 'MultiFactorAuthentication failed with invalid MFA one time pass code.')],
    ['an expired token answered as AccessDenied', record('s3.amazonaws.com', 'ListBuckets', 'AccessDenied', 'The security token included in the request is expired')],
  ])('%s', (_label, input) => {
    const denial = classify(input);
    expect(denial.denied).toBe(true);
    expect(denial.serviceRefusal).toMatchObject({ rule: 'authentication', category: 'authentication' });
  });

  it('leaves an ordinary denial alone', () => {
    const denial = classify(record('s3.amazonaws.com', 'GetObject', 'AccessDenied', `User: arn:aws:iam::${CALLER}:user/under-privileged is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::b/k" because no identity-based policy allows the s3:GetObject action`));
    expect(denial.serviceRefusal).toBeNull();
  });
});

/** The alert the engine builds from a denial (the fields the renderers read). */
function alertOf(denial: Denial, count: number): AlertSummary {
  return { ...thresholdAlertOf(denial, count, 'synthetic-refusal-alert'), policyArn: null };
}

describe('every alert path says "no policy change fixes this" and what does', () => {
  const passRole = alertOf(classify(record('lambda.amazonaws.com', 'CreateFunction20150331', 'AccessDeniedException', PASS_ROLE, { role: OTHER_ROLE })), 12);
  const mfa = alertOf(classify(record('sts.amazonaws.com', 'GetSessionToken', 'AccessDenied', 'An unknown error occurred')), 8);

  it.each([
    ['cross-account PassRole', passRole, /pass a role of the caller's account/],
    ['failed MFA', mfa, /check the MFA device and code/],
  ])('%s: Slack, SNS, terminal and JSON', (_label, alert, remedy) => {
    const slack = slackAsText(buildSlackMessage(alert));
    const sns = buildSnsMessage(alert).message;
    const text = renderAlertText(alert, { color: false } as never);
    const json = alertJson(alert);
    for (const [path, out] of [['slack', slack], ['sns', sns], ['text', text], ['json', json.rendering.fix.kind === 'none' ? json.rendering.fix.reason : '']] as const) {
      expect(out, path).toContain(NO_POLICY_FIX);
      expect(out, path).toMatch(remedy);
      expect(out, path).not.toMatch(/"Effect":\s*"Allow"/);
    }
    expect(json.rendering.managedPolicies).toEqual([]);
    expect(json.serviceRefusal?.rule).toBe(alert.serviceRefusal?.rule);
  });

  it('a burst of failed authentications from one principal is a triage signal; one or two are not', () => {
    expect(triageAlert({ alert: mfa }).signals.map((signal) => signal.id)).toContain('authentication-burst');
    expect(triageAlert({ alert: { ...mfa, count: 2 } }).signals.map((signal) => signal.id)).not.toContain('authentication-burst');
    expect(triageAlert({ alert: passRole }).signals.map((signal) => signal.id)).not.toContain('authentication-burst');
  });
});
