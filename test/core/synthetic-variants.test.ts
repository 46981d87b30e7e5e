/**
 * Synthetic variants: real corpus records whose error message is replaced by one of the IAM User Guide's templates,
 * for the layers no public record shows (SCP, RCP, boundary, session, VPC endpoint, resource policy, trust policy).
 * The real records stay unmodified in ../shared/corpus; these are built here and labelled "synthetic".
 */
import { describe, expect, it } from 'vitest';
import { classify } from '../../lambdas/core/classify.js';
import type { CloudTrailRecord } from '../../lambdas/core/types.js';
import { readJsonl } from '../support/corpus.js';

const realAssumeRole = readJsonl('stratus-red-team-detonation-logs/denied.jsonl').find((r) => r.eventName === 'AssumeRole')!;
const realGetPasswordData = readJsonl('stratus-red-team-detonation-logs/denied.jsonl').find((r) => r.eventName === 'GetPasswordData')!;

function syntheticVariant(base: CloudTrailRecord, changes: Partial<CloudTrailRecord>): CloudTrailRecord {
  return { ...structuredClone(base), ...changes, eventID: `synthetic-${changes.eventName ?? base.eventName}-${Math.random().toString(36).slice(2)}` };
}

describe('synthetic variants of real records with template messages', () => {
  it.each([
    ['scp explicit with policy ARN', 's3.amazonaws.com', 'PutObject', 'User: arn:aws:iam::457448411975:user/christophe is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::finance-exports/2024/q3.csv" with an explicit deny in a service control policy: arn:aws:organizations::111111111111:policy/o-abc123/service_control_policy/p-deny1234', 'scp', 'explicit', 's3:PutObject', 'arn:aws:s3:::finance-exports/2024/q3.csv', 'arn:aws:organizations::111111111111:policy/o-abc123/service_control_policy/p-deny1234'],
    ['rcp explicit', 'secretsmanager.amazonaws.com', 'GetSecretValue', 'User: arn:aws:iam::457448411975:user/christophe is not authorized to perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:us-east-1:457448411975:secret:db-AbCdEf with an explicit deny in a resource control policy', 'rcp', 'explicit', 'secretsmanager:GetSecretValue', 'arn:aws:secretsmanager:us-east-1:457448411975:secret:db-AbCdEf', null],
    ['permissions boundary implicit', 'codedeploy.amazonaws.com', 'ListDeployments', 'User: arn:aws:iam::457448411975:user/christophe is not authorized to perform: codedeploy:ListDeployments on resource: arn:aws:codedeploy:us-east-1:457448411975:deploymentgroup:* because no permissions boundary allows the codedeploy:ListDeployments action', 'permissions-boundary', 'implicit', 'codedeploy:ListDeployments', 'arn:aws:codedeploy:us-east-1:457448411975:deploymentgroup:*', null],
    ['session policy explicit ("sessions policy" as AWS prints it)', 'codedeploy.amazonaws.com', 'ListDeployments', 'User: arn:aws:iam::457448411975:user/christophe is not authorized to perform: codedeploy:ListDeployments on resource: arn:aws:codedeploy:us-east-1:457448411975:deploymentgroup:* with an explicit deny in a sessions policy', 'session-policy', 'explicit', 'codedeploy:ListDeployments', 'arn:aws:codedeploy:us-east-1:457448411975:deploymentgroup:*', null],
    ['KMS key policy (resource-based) implicit', 'kms.amazonaws.com', 'Decrypt', 'User: arn:aws:iam::457448411975:user/christophe is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:us-east-1:457448411975:key/1234abcd-12ab-34cd-56ef-1234567890ab because no resource-based policy allows the kms:Decrypt action', 'resource-policy', 'implicit', 'kms:Decrypt', 'arn:aws:kms:us-east-1:457448411975:key/1234abcd-12ab-34cd-56ef-1234567890ab', null],
    ['VPC endpoint policy implicit', 'codecommit.amazonaws.com', 'ListRepositories', 'User: arn:aws:iam::457448411975:user/christophe is not authorized to perform: codecommit:ListRepositories because no VPC endpoint policy allows the codecommit:ListRepositories action', 'vpc-endpoint-policy', 'implicit', 'codecommit:ListRepositories', null, null],
    ['role trust policy explicit', 'sts.amazonaws.com', 'AssumeRole', 'User: arn:aws:iam::457448411975:user/christophe is not authorized to perform: sts:AssumeRole with an explicit deny in the role trust policy', 'role-trust-policy', 'explicit', 'sts:AssumeRole', null, null],
  ])('synthetic %s', (_label, eventSource, eventName, errorMessage, layer, kind, action, resource, policyArn) => {
    const record = syntheticVariant(realAssumeRole, { eventSource, eventName, errorMessage, errorCode: eventSource.startsWith('sts') || eventSource.startsWith('s3') ? 'AccessDenied' : 'AccessDeniedException', requestParameters: null });
    const denial = classify(record);
    expect(denial).toMatchObject({ denied: true, denyLayer: layer, denyKind: kind, action, resource, policyArn, principalArn: 'arn:aws:iam::457448411975:user/christophe' });
  });

  it('synthetic EC2 explicit deny keeps the role as principal and the encoded message', () => {
    const message = realGetPasswordData.errorMessage!.replace('because no identity-based policy allows the ec2:GetPasswordData action', 'with an explicit deny in an identity-based policy');
    const denial = classify(syntheticVariant(realGetPasswordData, { errorMessage: message }));
    expect(denial).toMatchObject({ denyLayer: 'identity-policy', denyKind: 'explicit', action: 'ec2:GetPasswordData', principalArn: 'arn:aws:iam::457448411975:role/stratus-red-team-ec2-get-password-data-role' });
    expect(denial.encodedAuthorizationMessage).toMatch(/^[A-Za-z0-9_-]{100,}$/);
  });
});
