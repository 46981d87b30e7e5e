import { describe, expect, it } from 'vitest';
import type { AlertSummary } from '../../lambdas/core/alert.js';
import { actionResourceTypes } from '../../lambdas/core/iam-catalog.js';
import { shellQuote, showPolicyCommand, simulateCommand, statementResource, suggestFix, UNKNOWN_PRINCIPAL, UNKNOWN_RESOURCE } from '../../lambdas/core/render/least-privilege.js';
import { DENY_LAYERS } from '../../lambdas/core/types.js';
import { alertFacts } from '../../lambdas/core/render/alert-facts.js';
import { buildSlackMessage } from '../../lambdas/core/render/slack.js';
import { buildSnsMessage } from '../../lambdas/core/render/sns.js';
import { renderAlertText } from '../../lambdas/core/render/text.js';
import { ec2GetPasswordData, lambdaExplicitDeny, s3AccessDenied, stsAssumeRole } from './alerts.js';

const putObject: AlertSummary = {
  ...s3AccessDenied,
  action: 's3:PutObject',
  resource: 'arn:aws:s3:::bucket/prefix/report.csv',
  resourceFamily: 'arn:aws:s3:::bucket/prefix/*',
  denyLayer: 'identity-policy',
  denyKind: 'implicit',
};

describe('least-privilege statement', () => {
  it("allows exactly the denied action on the alert's resource family, never just the one object of the sample", () => {
    const fix = suggestFix(putObject);
    expect(fix).toMatchObject({ kind: 'allow', resourceKnown: true, scope: { kind: 'family', resources: ['arn:aws:s3:::bucket/prefix/*'] } });
    if (fix.kind !== 'allow') return;
    expect(JSON.stringify(fix.primary.statement)).toBe('{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::bucket/prefix/*"}');
    // A family that is the resource itself (one bucket) stays exact.
    const bucket = suggestFix({ ...putObject, action: 's3:ListBucket', resource: 'arn:aws:s3:::bucket', resourceFamily: 'arn:aws:s3:::bucket' });
    expect(bucket.kind === 'allow' && bucket.primary.statement.Resource).toBe('arn:aws:s3:::bucket');
  });

  it('writes the action in its canonical spelling, never a wildcard', () => {
    const fix = suggestFix({ ...putObject, action: 'S3:putobject' });
    expect(fix.kind === 'allow' && fix.primary.statement.Action).toBe('s3:PutObject');
    expect(suggestFix({ ...putObject, action: 's3:*' })).toMatchObject({ kind: 'none' });
    expect(suggestFix({ ...putObject, action: '*' })).toMatchObject({ kind: 'none' });
    expect(simulateCommand({ ...putObject, action: 's3:Put*' })).toBeNull();
  });

  it('uses "*" as resource only when the action supports no resource type', () => {
    expect(actionResourceTypes('lambda:ListFunctions')).toEqual([]);
    expect(statementResource('lambda:ListFunctions', null)).toEqual({ resource: '*', known: true });
    expect(statementResource('lambda:ListFunctions', 'arn:aws:lambda:us-east-2:123456789012:function:f')).toEqual({ resource: '*', known: true });
    // "on resource: *" in a message is not a resource for an action that has resource types.
    expect(statementResource('s3:GetObject', '*')).toEqual({ resource: UNKNOWN_RESOURCE, known: false });
    expect(statementResource('s3:GetObject', null)).toEqual({ resource: UNKNOWN_RESOURCE, known: false });
    const implicitList = suggestFix({ ...lambdaExplicitDeny, denyKind: 'implicit', denyLayer: 'identity-policy' });
    expect(implicitList.kind === 'allow' && implicitList.primary.statement).toEqual({ Effect: 'Allow', Action: 'lambda:ListFunctions', Resource: '*' });
    expect(simulateCommand({ ...lambdaExplicitDeny, denyKind: 'implicit', denyLayer: 'identity-policy' })).toBe(
      "aws iam simulate-principal-policy --region us-east-1 --policy-source-arn 'arn:aws:iam::123456789012:role/RscScpDisallow' --action-names 'lambda:ListFunctions'",
    );
  });

  it('puts the statement in the layer that did not allow, with a Principal where that policy needs one', () => {
    const where = (layer: AlertSummary['denyLayer']) => {
      const fix = suggestFix({ ...putObject, denyLayer: layer });
      return fix.kind === 'allow' ? { statement: fix.primary.statement, where: fix.primary.where.map((part) => (typeof part === 'string' ? part : part.value)).join('') } : null;
    };
    expect(where('resource-policy')).toEqual({
      statement: { Effect: 'Allow', Principal: { AWS: putObject.principalArn }, Action: 's3:PutObject', Resource: putObject.resourceFamily },
      where: 'the resource-based policy of arn:aws:s3:::bucket/prefix/report.csv (for a KMS key, its key policy)',
    });
    expect(where('permissions-boundary')!.where).toBe('the permissions boundary of arn:aws:iam::111111111111:user/testuser');
    expect(where('scp')!.where).toBe('a service control policy at every level above account 111111111111 (root, OUs, account)');
    const trust = suggestFix({ ...stsAssumeRole, denyLayer: 'role-trust-policy', denyKind: 'implicit' });
    expect(trust).toMatchObject({ kind: 'allow', also: [], primary: { statement: { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::457448411975:user/christophe' }, Action: 'sts:AssumeRole' } } });
    expect(suggestFix({ ...putObject, denyLayer: 'resource-policy', principalArn: null })).toMatchObject({ primary: { statement: { Principal: { AWS: UNKNOWN_PRINCIPAL } } } });
  });

  it('never suggests a wildcard action, a managed policy or "*" as resource for an action with resource types, in any layer', () => {
    for (const layer of DENY_LAYERS) {
      for (const resource of [putObject.resource, null, '*']) {
        const fix = suggestFix({ ...putObject, denyLayer: layer, resource });
        expect(fix.kind).toBe('allow');
        if (fix.kind !== 'allow') continue;
        for (const { statement } of [fix.primary, ...fix.also]) {
          expect(statement.Action).toBe('s3:PutObject');
          expect(statement.Resource).not.toBe('*');
        }
        expect(JSON.stringify(fix)).not.toMatch(/AdministratorAccess|"Action":"\*"/);
      }
    }
  });

  it('explicit deny: no statement, the layer and policy to look at', () => {
    const fix = suggestFix({
      ...putObject,
      denyKind: 'explicit',
      denyLayer: 'identity-policy',
      policyArn: 'arn:aws:iam::111111111111:policy/deny-uploads',
    });
    expect(fix).toMatchObject({ kind: 'explicit-deny', action: 's3:PutObject', layer: 'identity-policy', policyArn: 'arn:aws:iam::111111111111:policy/deny-uploads' });
    expect(JSON.stringify(fix)).not.toContain('"Effect"');
    expect(fix.kind === 'explicit-deny' && fix.showPolicyCommand).toBe(
      `aws iam get-policy-version --region us-east-1 --policy-arn 'arn:aws:iam::111111111111:policy/deny-uploads' --version-id "$(aws iam get-policy --region us-east-1 --policy-arn 'arn:aws:iam::111111111111:policy/deny-uploads' --query Policy.DefaultVersionId --output text)"`,
    );
    expect(showPolicyCommand('arn:aws:organizations::111122223333:policy/o-abc123/resource_control_policy/p-def456')).toBe("aws organizations describe-policy --region us-east-1 --policy-id 'p-def456'");
    expect(showPolicyCommand('arn:aws-cn:organizations::111122223333:policy/o-abc123/service_control_policy/p-def456')).toBe("aws organizations describe-policy --region cn-northwest-1 --policy-id 'p-def456'");
    expect(showPolicyCommand('arn:aws:s3:::not-a-policy')).toBeNull();
  });
});

describe('simulate command', () => {
  it('simulates the principal policy of an IAM role or user, with every argument quoted', () => {
    expect(simulateCommand(ec2GetPasswordData)).toBe(
      "aws iam simulate-principal-policy --region us-east-1 --policy-source-arn 'arn:aws:iam::457448411975:role/stratus-red-team-ec2-get-password-data-role' --action-names 'ec2:GetPasswordData' --resource-arns 'arn:aws:ec2:apiso-northsouth-3r:751353041310:instance/*'",
    );
  });

  it('simulates the suggested statement as a custom policy when the principal is unknown or not an IAM role or user', () => {
    for (const principalArn of [null, 'arn:aws:iam::111111111111:root', 'arn:aws:sts::111111111111:federated-user/bob']) {
      expect(simulateCommand({ ...putObject, principalArn })).toBe(
        `aws iam simulate-custom-policy --region us-east-1 --policy-input-list '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::bucket/prefix/*"}]}' --action-names 's3:PutObject' --resource-arns 'arn:aws:s3:::bucket/prefix/*'`,
      );
    }
    // Nothing to simulate for an explicit deny of an unknown principal.
    expect(simulateCommand({ ...putObject, principalArn: null, denyKind: 'explicit' })).toBeNull();
  });

  it('keeps the unknown-resource placeholder visible (quoted) instead of simulating "*"', () => {
    expect(simulateCommand({ ...putObject, resource: null, resourceFamily: null })).toBe(
      "aws iam simulate-principal-policy --region us-east-1 --policy-source-arn 'arn:aws:iam::111111111111:user/testuser' --action-names 's3:PutObject' --resource-arns '<resource ARN: not in the record>'",
    );
  });

  it('quotes for a POSIX shell', () => {
    expect(shellQuote("a'b")).toBe(`'a'\\''b'`);
    expect(shellQuote('$(reboot) `id` ; | &')).toBe("'$(reboot) `id` ; | &'");
    expect(shellQuote('line\nbreak\u001b')).toBe("'line?break?'");
  });
});

describe('a fix never asks for an edit nobody can make', () => {
  const ssoRole = 'arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Developer_0123456789abcdef';
  const serviceLinked = 'arn:aws:iam::111111111111:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing';
  const text = (phrase: ReadonlyArray<string | { value: string }>) => phrase.map((part) => (typeof part === 'string' ? part : part.value)).join('');
  const forms = (alert: AlertSummary) => [renderAlertText(alert), JSON.stringify(buildSlackMessage(alert)), buildSnsMessage(alert).message];

  it('an /aws-reserved/ role: the statement goes to its IAM Identity Center permission set, never "an identity-based policy of …/aws-reserved/…"', () => {
    for (const denyLayer of ['identity-policy', 'unknown', 'permissions-boundary'] as const) {
      const alert = { ...putObject, principalArn: ssoRole, denyLayer };
      const fix = suggestFix(alert);
      expect(fix.kind).toBe('allow');
      if (fix.kind !== 'allow') continue;
      expect(text(fix.primary.where)).toContain(`IAM Identity Center permission set that provisions ${ssoRole}`);
      // The ARN stays a value (escaped by each renderer), never our own words.
      expect(fix.primary.where).toContainEqual({ value: ssoRole });
      for (const form of forms(alert)) expect(form).not.toMatch(/identity-based policy of [`'"]?arn:aws:iam::111111111111:role\/aws-reserved/);
    }
    const explicit = suggestFix({ ...putObject, principalArn: ssoRole, denyKind: 'explicit' });
    expect(explicit.kind === 'explicit-deny' && text(explicit.lookAt)).toMatch(/^the IAM Identity Center permission set that provisions/);
  });

  it('a service-linked role: no identity statement and no managed policy to attach', () => {
    const alert = { ...putObject, principalArn: serviceLinked };
    expect(suggestFix(alert)).toMatchObject({ kind: 'none', reason: expect.stringContaining('service-linked role whose permissions its service defines') });
    expect(alertFacts(alert).managedPolicies).toEqual([]);
    const unknown = suggestFix({ ...alert, denyLayer: 'unknown' });
    expect(unknown.kind === 'allow' && text(unknown.primary.where)).toMatch(/^the resource-based policy of /);
    for (const form of forms(alert)) expect(form).not.toMatch(/identity-based policy of [`'"]?arn:aws:iam::111111111111:role\/aws-service-role|Or attach/);
  });

  it('an explicit deny in an AWS managed policy: detach or replace it, never edit it', () => {
    const alert = { ...putObject, denyKind: 'explicit' as const, policyArn: 'arn:aws:iam::aws:policy/AWSDenyAll' };
    const fix = suggestFix(alert);
    expect(fix.kind === 'explicit-deny' && text(fix.lookAt)).toBe(`the AWS managed policy arn:aws:iam::aws:policy/AWSDenyAll (it cannot be edited: detach it from ${putObject.principalArn}, or replace it with a customer managed copy without the Deny)`);
  });
});
