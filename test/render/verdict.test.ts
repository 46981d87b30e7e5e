import { describe, expect, it } from 'vitest';
import type { AlertSummary } from '../../lambdas/core/alert.js';
import type { Diagnosis } from '../../lambdas/core/iam-policy/diagnose.js';
import { alertFacts } from '../../lambdas/core/render/alert-facts.js';
import { alertJson } from '../../lambdas/core/render/json.js';
import { buildSlackMessage } from '../../lambdas/core/render/slack.js';
import { buildSnsMessage } from '../../lambdas/core/render/sns.js';
import { renderAlertText } from '../../lambdas/core/render/text.js';
import { scpExplicitDenyWithArn } from './alerts.js';

/**
 * A diagnosis as `authorization-details.ts` makes it when AWS's Access Troubleshooter answered (synthetic, labelled:
 * the SCP alert of the fixtures, AWS's record naming the SCP statement that denied and the identity statement that
 * allowed).
 */
const SCP = 'arn:aws:organizations::111111111111:policy/o-abcdefghij/service_control_policy/p-examplepolicy';
const troubleshooter: Diagnosis = {
  decision: 'explicit-deny',
  layer: 'scp',
  denyingStatement: null,
  changes: [],
  managedPolicies: [],
  dependsOn: [],
  notChecked: [],
  summary: 'AWS denied explicitly: statement DenyLeaving of the SCP p-examplepolicy.',
  decidedBy: 'access-troubleshooter',
  awsAuthorization: {
    authorizationId: 'a1b2c3d4-0000-0000-0000-000000000000',
    decision: 'explicit-deny',
    layer: 'scp',
    matchedStatements: [
      { policyUri: 'scp:p-examplepolicy', policyArn: SCP, layer: 'scp', sid: 'DenyLeaving', effect: 'Deny', statement: null },
      { policyUri: 'identity:inline/admin', policyArn: null, layer: 'identity-policy', sid: 'Admin`*bold*`', effect: 'Allow', statement: null },
    ],
  },
};

const alert: AlertSummary = { ...scpExplicitDenyWithArn, diagnosis: troubleshooter };

describe('who decided, and what AWS matched, in Slack, SNS and the terminal', () => {
  it('names the Access Troubleshooter and its matched statements', () => {
    const slack = JSON.stringify(buildSlackMessage(alert));
    expect(slack).toContain('*Policy check* (AWS Access Troubleshooter)');
    expect(slack).toContain(`AWS matched \`Deny\` \`DenyLeaving\` in \`${SCP}\` (scp)`);
    const sns = buildSnsMessage(alert).message;
    expect(sns).toContain('Policy check (AWS Access Troubleshooter): AWS denied explicitly');
    expect(sns).toContain(`Statements AWS matched:\n  - Deny DenyLeaving in ${SCP} (scp)\n  - Allow Admin`);
    const text = renderAlertText(alert);
    expect(text).toMatch(/policies {2}AWS denied explicitly.*\(decided by AWS Access Troubleshooter\)/);
    expect(text).toContain(`matched   Deny DenyLeaving in ${SCP} (scp)`);
    expect(text).toContain('matched   Allow Admin');
    expect(alertJson(alert).rendering.verdict).toMatchObject({ decidedBy: 'AWS Access Troubleshooter', matched: [{ effect: 'Deny', sid: 'DenyLeaving', policy: SCP, layer: 'scp' }, { effect: 'Allow' }] });
  });

  it('the statement id from the record is escaped in Slack (it cannot format the message)', () => {
    const slack = JSON.stringify(buildSlackMessage(alert));
    expect(slack).not.toContain('`*bold*`');
  });

  it('at most three matched statements, then how many more; our own evaluation named as such', () => {
    const many = { ...troubleshooter, awsAuthorization: { ...troubleshooter.awsAuthorization!, matchedStatements: Array.from({ length: 5 }, (_, index) => ({ ...troubleshooter.awsAuthorization!.matchedStatements[0]!, sid: `S${index}` })) } };
    const facts = alertFacts({ ...alert, diagnosis: many });
    expect(facts.verdict).toMatchObject({ decidedBy: 'AWS Access Troubleshooter', more: 2 });
    expect(facts.verdict!.matched.map((ref) => ref.sid)).toEqual(['S0', 'S1', 'S2']);
    expect(renderAlertText({ ...alert, diagnosis: many })).toContain('matched   and 2 more');
    const own = alertFacts({ ...alert, diagnosis: { ...troubleshooter, decidedBy: 'policy-evaluation', awsAuthorization: undefined } });
    expect(own.verdict).toEqual({ decidedBy: 'policy evaluation', matched: [], more: 0 });
    expect(alertFacts({ ...alert, diagnosis: undefined }).verdict).toBeNull();
  });
});
