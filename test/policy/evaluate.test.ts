/**
 * The evaluator against cases written from the IAM User Guide's "Policy evaluation logic" and "Cross-account policy
 * evaluation logic" pages. Policies here are synthetic.
 */
import { describe, expect, it } from 'vitest';
import { evaluateRequest } from '../../lambdas/core/iam-policy/evaluate.js';
import { ipInCidr } from '../../lambdas/core/iam-policy/conditions.js';
import { managedPoliciesGranting } from '../../lambdas/core/iam-policy/managed-policies.js';
import type { NamedPolicy, PolicyLayer, PolicySet, RequestContext, Statement } from '../../lambdas/core/iam-policy/types.js';

const ROLE = 'arn:aws:iam::111122223333:role/app';
const USER = 'arn:aws:iam::111122223333:user/dev';
const OBJECT = 'arn:aws:s3:::reports/2024/q3.csv';

const request = (overrides: Partial<RequestContext> = {}): RequestContext => ({
  principalArn: ROLE,
  sessionArn: 'arn:aws:sts::111122223333:assumed-role/app/job-1',
  servicePrincipal: null,
  principalAccount: '111122223333',
  action: 's3:GetObject',
  resource: OBJECT,
  resourceAccount: '111122223333',
  keys: { 'aws:sourceip': '203.0.113.7', 'aws:requestedregion': 'eu-west-1', 'aws:principalarn': ROLE },
  absent: ['aws:sourcevpce'],
  ...overrides,
});
const policy = (layer: PolicyLayer, ...statements: Statement[]): NamedPolicy => ({ name: `${layer}-policy`, layer, document: { Version: '2012-10-17', Statement: statements } });
const allow = (action: string | string[], resource: string | string[] = '*', extra: Partial<Statement> = {}): Statement => ({ Effect: 'Allow', Action: action, Resource: resource, ...extra });
const deny = (action: string | string[], resource: string | string[] = '*', extra: Partial<Statement> = {}): Statement => ({ Effect: 'Deny', Action: action, Resource: resource, ...extra });
const decide = (context: RequestContext, set: PolicySet) => evaluateRequest(context, { scps: [], rcps: [], resourcePolicy: null, ...set });

describe('evaluateRequest', () => {
  it('allows what an identity policy allows, same account, no resource policy', () => {
    expect(decide(request(), { identity: [policy('identity-policy', allow('s3:GetObject', 'arn:aws:s3:::reports/*'))] }).decision).toBe('allowed');
  });

  it('denies implicitly when nothing allows, naming the identity layer', () => {
    const result = decide(request(), { identity: [policy('identity-policy', allow('s3:PutObject', 'arn:aws:s3:::reports/*'))] });
    expect(result).toMatchObject({ decision: 'implicit-deny', layer: 'identity-policy', missingAllows: ['identity-policy'] });
  });

  it('lets an explicit deny win over any allow, and names the statement', () => {
    const result = decide(request(), {
      identity: [policy('identity-policy', allow('s3:*', '*'), deny('s3:GetObject', 'arn:aws:s3:::reports/*', { Sid: 'NoReports' }))],
    });
    expect(result).toMatchObject({ decision: 'explicit-deny', layer: 'identity-policy', denyingStatement: { sid: 'NoReports' } });
  });

  it('intersects SCP levels and the boundary with identity policies', () => {
    const identity = [policy('identity-policy', allow('s3:GetObject'))];
    expect(decide(request(), { identity, scps: [[policy('scp', allow('*'))], [policy('scp', allow('ec2:*'))]] })).toMatchObject({ decision: 'implicit-deny', layer: 'scp' });
    expect(decide(request(), { identity, scps: [[policy('scp', allow('*'))], [policy('scp', allow('s3:*'))]] }).decision).toBe('allowed');
    expect(decide(request(), { identity, permissionsBoundary: policy('permissions-boundary', allow('ec2:*')) })).toMatchObject({ decision: 'implicit-deny', layer: 'permissions-boundary' });
    expect(decide(request(), { identity, permissionsBoundary: policy('permissions-boundary', allow('s3:Get*')) }).decision).toBe('allowed');
  });

  it('applies session policies as another intersection', () => {
    const identity = [policy('identity-policy', allow('s3:GetObject'))];
    expect(decide(request(), { identity, sessionPolicies: [policy('session-policy', allow('s3:ListBucket'))] })).toMatchObject({ decision: 'implicit-deny', layer: 'session-policy' });
  });

  it('lets a same-account resource policy naming an IAM user allow on its own', () => {
    const bucketPolicy = policy('resource-policy', allow('s3:GetObject', 'arn:aws:s3:::reports/*', { Principal: { AWS: USER } }));
    const context = request({ principalArn: USER, sessionArn: null });
    expect(decide(context, { identity: [], resourcePolicy: bucketPolicy }).decision).toBe('allowed');
    expect(decide(context, { identity: [] })).toMatchObject({ decision: 'implicit-deny', layer: 'identity-policy' });
  });

  it('requires both sides across accounts', () => {
    const context = request({ resource: 'arn:aws:sqs:eu-west-1:444455556666:jobs', resourceAccount: '444455556666', action: 'sqs:SendMessage' });
    const identity = [policy('identity-policy', allow('sqs:SendMessage', 'arn:aws:sqs:eu-west-1:444455556666:jobs'))];
    const queuePolicy = policy('resource-policy', allow('sqs:SendMessage', 'arn:aws:sqs:eu-west-1:444455556666:jobs', { Principal: { AWS: '111122223333' } }));
    expect(decide(context, { identity })).toMatchObject({ decision: 'implicit-deny', layer: 'resource-policy' });
    expect(decide(context, { identity: [], resourcePolicy: queuePolicy })).toMatchObject({ decision: 'implicit-deny', layer: 'identity-policy' });
    expect(decide(context, { identity, resourcePolicy: queuePolicy }).decision).toBe('allowed');
  });

  it('handles NotAction, NotResource and wildcards', () => {
    const identity = [policy('identity-policy', { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })];
    expect(decide(request(), { identity }).decision).toBe('allowed');
    expect(decide(request({ action: 'iam:CreateUser', resource: null }), { identity }).decision).toBe('implicit-deny');
    const notResource = [policy('identity-policy', allow('s3:*'), { Effect: 'Deny', Action: 's3:*', NotResource: 'arn:aws:s3:::public/*' })];
    expect(decide(request(), { identity: notResource }).decision).toBe('explicit-deny');
    expect(decide(request({ resource: 'arn:aws:s3:::public/a' }), { identity: notResource }).decision).toBe('allowed');
    expect(decide(request({ action: 's3:getobject' }), { identity: [policy('identity-policy', allow('S3:Get?bject', 'arn:aws:s3:::reports/20??/*'))] }).decision).toBe('allowed');
  });

  it('substitutes policy variables, and depends on the ones the record lacks', () => {
    const identity = [policy('identity-policy', allow('s3:GetObject', 'arn:aws:s3:::home/${aws:username}/*'))];
    const user = request({ principalArn: USER, sessionArn: null, resource: 'arn:aws:s3:::home/dev/notes.txt', keys: { 'aws:username': 'dev' } });
    expect(decide(user, { identity }).decision).toBe('allowed');
    const result = decide(request({ resource: 'arn:aws:s3:::home/x/notes.txt' }), { identity });
    expect(result.decision).toBe('undetermined');
    expect(result.dependsOn).toContain('aws:username');
  });

  it('evaluates the common condition operators from what the record carries', () => {
    const withCondition = (condition: Statement['Condition']) => [policy('identity-policy', allow('s3:GetObject', '*', { Condition: condition }))];
    expect(decide(request(), { identity: withCondition({ IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }) }).decision).toBe('allowed');
    expect(decide(request(), { identity: withCondition({ NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }) }).decision).toBe('implicit-deny');
    expect(decide(request(), { identity: withCondition({ StringEquals: { 'aws:RequestedRegion': ['eu-west-1', 'eu-central-1'] } }) }).decision).toBe('allowed');
    expect(decide(request(), { identity: withCondition({ StringNotEqualsIgnoreCase: { 'aws:RequestedRegion': 'EU-WEST-1' } }) }).decision).toBe('implicit-deny');
    expect(decide(request(), { identity: withCondition({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/app' } }) }).decision).toBe('allowed');
    expect(decide(request(), { identity: withCondition({ StringEqualsIfExists: { 'aws:SourceVpce': 'vpce-1' } }) }).decision).toBe('allowed');
    expect(decide(request(), { identity: withCondition({ Null: { 'aws:SourceVpce': 'true' } }) }).decision).toBe('allowed');
    expect(decide(request({ keys: { 'aws:currenttime': '2025-06-01T00:00:00Z' } }), { identity: withCondition({ DateLessThan: { 'aws:CurrentTime': '2025-01-01T00:00:00Z' } }) }).decision).toBe('implicit-deny');
    expect(decide(request({ keys: { 'aws:multifactorauthpresent': 'false' } }), { identity: withCondition({ Bool: { 'aws:MultiFactorAuthPresent': 'true' } }) }).decision).toBe('implicit-deny');
    expect(decide(request({ keys: { 'aws:tagkeys': ['team', 'env'] } }), { identity: withCondition({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'env', 'owner'] } }) }).decision).toBe('allowed');
    expect(decide(request({ keys: { 'aws:tagkeys': ['team', 'secret'] } }), { identity: withCondition({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'env'] } }) }).decision).toBe('implicit-deny');
    expect(decide(request({ keys: { 'n': '5' } }), { identity: withCondition({ NumericLessThan: { n: '10' } }) }).decision).toBe('allowed');
  });

  it('reports a condition on a key the record cannot supply as "depends on", never a guess', () => {
    const identity = [policy('identity-policy', allow('s3:GetObject', '*', { Condition: { StringEquals: { 'aws:PrincipalTag/team': 'data' } } }))];
    const result = decide(request(), { identity });
    expect(result).toMatchObject({ decision: 'undetermined', dependsOn: ['aws:PrincipalTag/team'] });
    expect(decide(request({ keys: { 'aws:principaltag/team': 'data' } }), { identity }).decision).toBe('allowed');
  });

  it('needs the trust policy for AssumeRole, naming role-trust-policy when it does not allow', () => {
    const context = request({ principalArn: USER, sessionArn: null, action: 'sts:AssumeRole', resource: 'arn:aws:iam::111122223333:role/admin' });
    const trust = (principal: string) => policy('role-trust-policy', { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: principal } });
    expect(decide(context, { identity: [], trustPolicy: trust('arn:aws:iam::111122223333:user/other') })).toMatchObject({ decision: 'implicit-deny', layer: 'role-trust-policy' });
    expect(decide(context, { identity: [], trustPolicy: trust(USER) }).decision).toBe('allowed');
  });

  it('needs a VPC endpoint policy to allow when the request went through one', () => {
    const identity = [policy('identity-policy', allow('s3:GetObject'))];
    const endpoint = policy('vpc-endpoint-policy', allow('s3:GetObject', 'arn:aws:s3:::other/*', { Principal: '*' }));
    expect(decide(request(), { identity, vpcEndpointPolicy: endpoint })).toMatchObject({ decision: 'implicit-deny', layer: 'vpc-endpoint-policy' });
  });

  it('says which layers it could not check', () => {
    const result = evaluateRequest(request(), { identity: [policy('identity-policy', allow('s3:GetObject'))], scps: 'not-visible' });
    expect(result.decision).toBe('allowed');
    expect(result.notChecked).toEqual(['service control policies: not visible from here', 'resource control policies: not provided', 'resource policy: not provided']);
  });
});

describe('IP ranges', () => {
  it.each([
    ['10.1.2.3', '10.0.0.0/8', true],
    ['11.1.2.3', '10.0.0.0/8', false],
    ['2001:db8::1', '2001:db8::/32', true],
    ['2001:db9::1', '2001:db8::/32', false],
    ['10.1.2.3', '2001:db8::/32', false],
    ['10.1.2.3', '10.1.2.3', true],
  ])('%s in %s is %s', (ip, cidr, expected) => expect(ipInCidr(ip, cidr)).toBe(expected));
});

describe('managed policies', () => {
  it('finds the policies that grant proton:CreateEnvironment, never AdministratorAccess nor through "*"', () => {
    const found = managedPoliciesGranting('proton:CreateEnvironment');
    expect(found.map((match) => match.name)).toContain('AWSProtonFullAccess');
    for (const match of [...found, ...managedPoliciesGranting('s3:PutObject'), ...managedPoliciesGranting('iam:CreateUser')]) {
      expect(match.name).not.toMatch(/^(AdministratorAccess|PowerUserAccess)$/);
      expect(match.grantedBy).not.toBe('*');
      expect(match.arn).not.toContain('aws-service-role/');
    }
  });

  it('ranks the policy about the service first, then exact grants before wildcards', () => {
    const found = managedPoliciesGranting('ec2:GetPasswordData');
    expect(found[0]!.name).toBe('AmazonEC2FullAccess');
    expect(found[1]!.grantedBy).toBe('ec2:GetPasswordData');
  });
});
