/**
 * Issue 23, bullet 1: a refusal no policy lifts (cross-account PassRole, failed authentication) says "No policy change
 * fixes this" and what does on every alert path, the Security Hub (ASFF) and OCSF findings included, and also when the
 * triage says to investigate first (as the engine's triage does for both cases here); the findings still conform to
 * their schemas. Labelled synthetic records written for this test. (`test/core/service-refusal.test.ts` covers
 * Slack, SNS, the terminal and JSON for untriaged alerts.)
 */
import { describe, expect, it } from 'vitest';
import type { AlertSummary } from '../../lambdas/core/alert.js';
import { classify } from '../../lambdas/core/classify.js';
import { asffFinding } from '../../lambdas/core/findings/asff.js';
import { incidentOf, incidentQuietPeriod } from '../../lambdas/core/findings/incident.js';
import { ocsfDetectionFinding } from '../../lambdas/core/findings/ocsf.js';
import { NO_POLICY_FIX } from '../../lambdas/core/service-rules/service-refusal.js';
import { alertJson } from '../../lambdas/core/render/json.js';
import { buildSlackMessage } from '../../lambdas/core/render/slack.js';
import { buildSnsMessage } from '../../lambdas/core/render/sns.js';
import { renderAlertText } from '../../lambdas/core/render/text.js';
import { triageAlert } from '../../lambdas/core/triage/triage.js';
import { slackAsText } from '../render/slack-text.js';
import type { CloudTrailRecord } from '../../lambdas/core/types.js';
import { thresholdAlertOf } from '../support/denial-alert.js';
import { syntheticRefusal } from '../support/records.js';
import { asffProblems, ocsfProblems } from '../support/finding-schemas.js';

const CALLER = '111122223333';
const OTHER_ROLE = 'arn:aws:iam::444455556666:role/service-role/etl-runner';
const QUIET = incidentQuietPeriod({ windowMinutes: 5, cooldownMinutes: 60 });

const record = (eventSource: string, eventName: string, errorCode: string, errorMessage: string, requestParameters: Record<string, unknown> | null): CloudTrailRecord =>
  syntheticRefusal({ eventSource, eventName, errorCode, errorMessage, requestParameters }, { eventID: `synthetic-refusal-finding-${eventName}` });

/** The alert the engine builds from `count` such denials, triaged as the engine's enricher does. */
function alertOf(input: CloudTrailRecord, count: number): AlertSummary {
  const denial = classify(input);
  const alert = thresholdAlertOf(denial, count, `synthetic-refusal-finding-${count}`);
  return { ...alert, triage: triageAlert({ alert }) };
}

const passRole = alertOf(record('glue.amazonaws.com', 'CreateDevEndpoint', 'AccessDeniedException', 'Cross-account pass role is not allowed.', { endpointName: 'dev', roleArn: OTHER_ROLE }), 12);
const mfaBurst = alertOf(record('sts.amazonaws.com', 'GetSessionToken', 'AccessDenied', 'An unknown error occurred', null), 8);

describe('findings of a refusal no policy lifts', () => {
  it.each([
    ['cross-account PassRole', passRole, /pass a role of the caller's account/],
    ['a burst of failed MFA codes (triage: investigate first)', mfaBurst, /check the MFA device and code/],
  ])('%s: ASFF and OCSF say "No policy change fixes this" and what does, and grant nothing', (_label, alert, remedy) => {
    expect(alert.serviceRefusal).toBeDefined();
    const incident = incidentOf(alert, undefined, QUIET).incident;
    const asff = asffFinding(alert, { productAccountId: CALLER, region: 'us-east-1', incident, activity: 'create', updatedAt: '2026-12-05T10:01:00.000Z' });
    const ocsf = ocsfDetectionFinding(alert, { incident, activity: 'create', timeMs: Date.parse('2026-12-05T10:01:00Z'), productVersion: '0.1.0' });
    const asffText = `${asff.Description}\n${asff.Remediation.Recommendation.Text}`;
    const ocsfText = JSON.stringify(ocsf);
    for (const [path, text] of [['asff', asffText], ['ocsf', ocsfText]] as const) {
      expect(text, path).toContain(NO_POLICY_FIX);
      expect(text, path).toMatch(remedy);
      expect(text, path).not.toMatch(/add an Allow/);
    }
    expect(asffProblems(asff as never)).toEqual([]);
    expect(ocsfProblems(ocsf as never)).toEqual([]);
  });

  it('names iam:PassRole and the passed role for a cross-account PassRole, not the API that carried it', () => {
    const incident = incidentOf(passRole, undefined, QUIET).incident;
    const asff = asffFinding(passRole, { productAccountId: CALLER, region: 'us-east-1', incident, activity: 'create', updatedAt: '2026-12-05T10:01:00.000Z' });
    expect(asff.ProductFields['DenialAlerter/Action']).toBe('iam:PassRole');
    expect(asff.Description).not.toMatch(/glue:CreateDevEndpoint/);
    expect(JSON.stringify(asff.Resources)).toContain(OTHER_ROLE);
  });
});

describe('the other four paths, when the triage says to investigate first', () => {
  it.each([
    ['cross-account PassRole', passRole, /pass a role of the caller's account/],
    ['a burst of failed MFA codes', mfaBurst, /check the MFA device and code/],
  ])('%s: Slack, SNS, terminal and JSON', (_label, alert, remedy) => {
    expect(alert.triage?.investigateFirst).toBe(true);
    const json = alertJson(alert);
    for (const [path, out] of [
      ['slack', slackAsText(buildSlackMessage(alert))],
      ['sns', buildSnsMessage(alert).message],
      ['text', renderAlertText(alert, { color: false } as never)],
      ['json', json.rendering.fix.kind === 'none' ? json.rendering.fix.reason : ''],
    ] as const) {
      expect(out, path).toContain(NO_POLICY_FIX);
      expect(out, path).toMatch(remedy);
      expect(out, path).not.toMatch(/"Effect":\s*"Allow"/);
    }
    expect(json.rendering.managedPolicies).toEqual([]);
  });
});
