import { Aws, Token } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { actionResourceTypes } from '../../lambdas/core/iam-catalog.js';
import { POLICY_LOOKUP_ACTIONS, policyLookupGrants } from '../../lib/policy-lookups.js';

const scope = { partition: 'aws', account: '111122223333' };
const grants = policyLookupGrants(scope);
const grantOf = (action: string) => grants.find((grant) => grant.actions.includes(action));

describe('policy lookup grants', () => {
  it('grant every lookup action exactly once', () => {
    expect(grants.flatMap((grant) => grant.actions).sort()).toEqual([...POLICY_LOOKUP_ACTIONS].sort());
  });

  it('use resource "*" exactly for the actions IAM cannot scope to a resource type', () => {
    for (const action of POLICY_LOOKUP_ACTIONS) {
      const unscopable = actionResourceTypes(action)!.length === 0;
      expect(grantOf(action)!.resources.includes('*'), action).toBe(unscopable);
    }
    expect(grantOf('sts:DecodeAuthorizationMessage')!.resources).toEqual(['*']);
  });

  it('scope IAM reads to this account, and policies also to AWS managed ones', () => {
    expect(grantOf('iam:GetRolePolicy')!.resources).toEqual(['arn:aws:iam::111122223333:role/*']);
    expect(grantOf('iam:ListGroupsForUser')!.resources).toEqual(['arn:aws:iam::111122223333:user/*']);
    expect(grantOf('iam:GetPolicyVersion')!.resources).toEqual(['arn:aws:iam::111122223333:policy/*', 'arn:aws:iam::aws:policy/*']);
  });

  it('scope resource-policy reads to this account in any Region (S3 bucket ARNs carry no account)', () => {
    expect(grantOf('kms:GetKeyPolicy')!.resources).toEqual(['arn:aws:kms:*:111122223333:key/*']);
    expect(grantOf('lambda:GetPolicy')!.resources).toEqual(['arn:aws:lambda:*:111122223333:function:*']);
    expect(grantOf('s3:GetBucketPolicy')!.resources).toEqual(['arn:aws:s3:*:111122223333:accesspoint/*', 'arn:aws:s3:::*']);
  });

  it('scope Organizations reads to the organization when known, AWS managed SCPs included', () => {
    const narrowed = policyLookupGrants({ ...scope, organizationId: 'o-a1b2c3d4e5' });
    const describePolicy = narrowed.find((grant) => grant.actions.includes('organizations:DescribePolicy'))!;
    expect(describePolicy.resources).toEqual(['arn:aws:organizations::*:policy/o-a1b2c3d4e5/*/p-*', 'arn:aws:organizations::aws:policy/*']);
    expect(grantOf('organizations:ListParents')!.resources).toEqual(['arn:aws:organizations::*:account/o-*/*', 'arn:aws:organizations::*:ou/o-*/ou-*']);
  });

  it('keep CDK tokens for the partition and account intact', () => {
    const tokens = policyLookupGrants({ partition: Aws.PARTITION, account: Aws.ACCOUNT_ID });
    const role = tokens.find((grant) => grant.actions.includes('iam:GetRole'))!.resources[0]!;
    expect(Token.isUnresolved(role)).toBe(true);
    expect(role).toContain(Aws.ACCOUNT_ID);
    expect(role.endsWith(':role/*')).toBe(true);
  });

  it('give each statement a reason naming its actions', () => {
    for (const grant of grants) {
      expect(grant.sid).toMatch(/^PolicyLookup[A-Za-z0-9]+$/);
      for (const action of grant.actions) expect(grant.reason).toContain(action);
    }
    expect(new Set(grants.map((grant) => grant.sid)).size).toBe(grants.length);
  });
});
