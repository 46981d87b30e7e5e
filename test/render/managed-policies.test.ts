import { describe, expect, it } from 'vitest';
import type { AlertSummary } from '../../lambdas/core/alert.js';
import { classify } from '../../lambdas/core/classify.js';
import { diagnose } from '../../lambdas/core/iam-policy/diagnose.js';
import type { NamedPolicy } from '../../lambdas/core/iam-policy/types.js';
import type { CloudTrailRecord } from '../../lambdas/core/types.js';
import { diagnosisSummary } from '../../lambdas/core/render/diagnosis-summary.js';
import { alertJson } from '../../lambdas/core/render/json.js';
import { managedPolicySuggestions } from '../../lambdas/core/render/managed-policy-suggestions.js';
import { buildSlackMessage } from '../../lambdas/core/render/slack.js';
import { buildSnsMessage } from '../../lambdas/core/render/sns.js';
import { renderAlertText } from '../../lambdas/core/render/text.js';
import { lambdaLogStreams, s3AccessDenied, stsAssumeRole } from './alerts.js';

/**
 * Synthetic records (labelled): the corpus has no Proton or Billing Conductor denial, so these follow the IAM User
 * Guide's implicit identity-policy template.
 */
function denialRecord(eventSource: string, eventName: string, action: string, resource: string): CloudTrailRecord {
  return {
    eventID: `synthetic-${eventName}`,
    eventTime: '2026-11-30T09:00:00Z',
    eventSource,
    eventName,
    awsRegion: 'us-east-1',
    errorCode: 'AccessDeniedException',
    errorMessage: `User: arn:aws:sts::111122223333:assumed-role/platform-deployer/ci is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`,
    recipientAccountId: '111122223333',
    sourceIPAddress: '10.0.0.1',
    userAgent: 'aws-cli/2.15.0',
    userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/platform-deployer/ci', accountId: '111122223333', sessionContext: { sessionIssuer: { type: 'Role', arn: 'arn:aws:iam::111122223333:role/platform-deployer', accountId: '111122223333' } } },
  };
}

/** An alert for a classified record, as the engine would make it (counts chosen). */
function alertOf(record: CloudTrailRecord): AlertSummary {
  const denial = classify(record);
  return {
    ...lambdaLogStreams,
    alertId: `${denial.fingerprint}-test`,
    fingerprint: denial.fingerprint!,
    principalArn: denial.principalArn,
    accountId: denial.accountId,
    action: denial.action!,
    resource: denial.resource,
    resourceFamily: denial.resourceFamily,
    denyLayer: denial.denyLayer!,
    denyKind: denial.denyKind!,
    region: denial.region,
    eventSource: denial.eventSource,
    errorMessage: denial.errorMessage,
    window: undefined,
    triage: undefined,
    sampleEventIds: [record.eventID!],
  };
}

const proton = alertOf(denialRecord('proton.amazonaws.com', 'CreateEnvironment', 'proton:CreateEnvironment', 'arn:aws:proton:us-east-1:111122223333:environment/prod'));
const billing = alertOf(denialRecord('billingconductor.amazonaws.com', 'CreateBillingGroup', 'billingconductor:CreateBillingGroup', 'arn:aws:billingconductor::111122223333:billinggroup/*'));

/** Every form an alert takes. */
function forms(alert: AlertSummary): Record<string, string> {
  return {
    terminal: renderAlertText(alert),
    slack: JSON.stringify(buildSlackMessage(alert)),
    sns: buildSnsMessage(alert).message,
    json: JSON.stringify(alertJson(alert).rendering.managedPolicies),
  };
}

describe('AWS managed policies that grant the action, in every form, without --policies', () => {
  it('a Proton denial points at the Proton managed policy, a Billing Conductor denial at its own', () => {
    for (const [alert, policy] of [[proton, 'AWSProtonFullAccess'], [billing, 'AWSBillingConductorFullAccess']] as const) {
      expect(alert.diagnosis).toBeUndefined();
      for (const [form, text] of Object.entries(forms(alert))) expect(text, `${form} of ${alert.action}`).toContain(policy);
    }
  });

  it('narrowest first, and never AdministratorAccess, PowerUserAccess, a permissive or job-function policy, or a "*" grant', () => {
    for (const action of ['s3:PutEncryptionConfiguration', 'ec2:GetPasswordData', 'dynamodb:GetItem', 'logs:CreateLogStream', 'iam:ListRoles', 'kms:Decrypt']) {
      const alert = { ...proton, action, resource: null, resourceFamily: null };
      const suggestions = managedPolicySuggestions(alert, action, null);
      for (const match of suggestions) {
        expect(match.name).not.toMatch(/AdministratorAccess|PowerUserAccess|Permissive|^ReadOnlyAccess$/);
        expect(match.arn).not.toContain('/job-function/');
        expect(match.grantedBy).not.toBe('*');
      }
      for (const text of Object.values(forms(alert))) expect(text).not.toMatch(/"AdministratorAccess"|`AdministratorAccess`|PowerUserAccess/);
    }
    const logs = managedPolicySuggestions(lambdaLogStreams, 'logs:CreateLogStream', null).map((match) => match.name);
    expect(logs).toContain('AWSLambdaBasicExecutionRole');
  });

  it('only where the identity policy is (or may be) the layer to change, and never for sts: or iam:PassRole', () => {
    expect(managedPolicySuggestions(s3AccessDenied, 's3:PutEncryptionConfiguration', null).length).toBeGreaterThan(0); // layer unknown
    expect(managedPolicySuggestions({ ...proton, denyKind: 'explicit' }, 'proton:CreateEnvironment', null)).toEqual([]);
    expect(managedPolicySuggestions({ ...proton, denyLayer: 'resource-policy' }, 'proton:CreateEnvironment', null)).toEqual([]);
    expect(managedPolicySuggestions({ ...proton, denyLayer: 'scp' }, 'proton:CreateEnvironment', null)).toEqual([]);
    expect(managedPolicySuggestions(stsAssumeRole, 'sts:AssumeRole', null)).toEqual([]);
    expect(managedPolicySuggestions({ ...proton, action: 'iam:PassRole' }, 'iam:PassRole', null)).toEqual([]);
  });
});

describe('no verdict claims an allow from layers that were not provided', () => {
  it('an empty --policies folder: "nothing was evaluated", never "the policies given allow"', () => {
    const denial = classify(denialRecord('proton.amazonaws.com', 'CreateEnvironment', 'proton:CreateEnvironment', 'arn:aws:proton:us-east-1:111122223333:environment/prod'));
    const diagnosed = { ...proton, diagnosis: diagnose(denial, {}) };
    expect(diagnosed.diagnosis.decision).toBe('allowed');
    // The diagnosis itself (what `explain --json`, the history and any other reader see) words it the same way.
    expect(diagnosed.diagnosis.summary).toBe(diagnosisSummary(diagnosed.diagnosis));
    expect(diagnosed.diagnosis.summary).toMatch(/^No policy document was provided for this request, so nothing was evaluated\./);
    for (const [form, text] of Object.entries({ ...forms(diagnosed), diagnosis: JSON.stringify(diagnosed.diagnosis) })) {
      expect(text, form).not.toMatch(/policies given allow/i);
    }
    expect(renderAlertText(diagnosed)).toContain('policies  No policy document was provided for this request, so nothing was evaluated.');
    // The managed policies still show: the index needs no policy folder.
    expect(renderAlertText(diagnosed)).toContain('AWSProtonFullAccess');
  });

  it('some layers provided and allowing: the verdict names them and what was not checked', () => {
    const denial = classify(denialRecord('proton.amazonaws.com', 'CreateEnvironment', 'proton:CreateEnvironment', 'arn:aws:proton:us-east-1:111122223333:environment/prod'));
    const identity: NamedPolicy[] = [{ name: 'inline/deploy', layer: 'identity-policy', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'proton:*', Resource: '*' }] } }];
    const diagnosed = { ...proton, diagnosis: diagnose(denial, { identity }) };
    expect(diagnosed.diagnosis.decision).toBe('allowed');
    expect(diagnosed.diagnosis.summary).toMatch(/^Of the policies provided \(identity policies\), none refuses this request/);
    expect(JSON.stringify(diagnosed.diagnosis)).not.toMatch(/policies given allow/i);
    expect(renderAlertText(diagnosed)).toMatch(/policies {2}Of the policies provided \(identity policies\), none refuses this request: the denial came from a layer that was not checked\. Not checked: .*service control policies: not provided/);
  });
});
