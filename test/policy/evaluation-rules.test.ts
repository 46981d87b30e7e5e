/**
 * Evaluation rules beyond the basics, each from the IAM User Guide (policy evaluation logic, cross-account logic,
 * Resource and Principal elements, permissions boundaries) or the KMS Developer Guide (key policies). Synthetic policies.
 */
import { describe, expect, it } from 'vitest';
import { classify } from '../../lambdas/core/classify.js';
import { diagnose } from '../../lambdas/core/iam-policy/diagnose.js';
import { evaluateRequest } from '../../lambdas/core/iam-policy/evaluate.js';
import { resourceMatches } from '../../lambdas/core/iam-policy/matching.js';
import type { NamedPolicy, PolicyLayer, PolicySet, RequestContext, Statement } from '../../lambdas/core/iam-policy/types.js';
import { syntheticDenial } from '../support/records.js';

const ACCOUNT = '111122223333';
const OTHER = '444455556666';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/app`;
const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/app/job-1`;
const USER = `arn:aws:iam::${ACCOUNT}:user/dev`;
const KEY = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

const request = (overrides: Partial<RequestContext> = {}): RequestContext => ({
  principalArn: ROLE,
  sessionArn: SESSION,
  servicePrincipal: null,
  principalAccount: ACCOUNT,
  action: 's3:GetObject',
  resource: 'arn:aws:s3:::reports/q3.csv',
  resourceAccount: ACCOUNT,
  keys: { 'aws:sourceip': '203.0.113.7', 'aws:principalarn': ROLE },
  absent: ['aws:sourcevpce'],
  ...overrides,
});
const policy = (layer: PolicyLayer, ...statements: Statement[]): NamedPolicy => ({ name: `synthetic-${layer}`, layer, document: { Version: '2012-10-17', Statement: statements } });
const allow = (action: string, resource = '*', extra: Partial<Statement> = {}): Statement => ({ Effect: 'Allow', Action: action, Resource: resource, ...extra });
const decide = (context: RequestContext, set: PolicySet) => evaluateRequest(context, { scps: [], rcps: [], resourcePolicy: null, ...set });

describe('resource ARN wildcards', () => {
  it.each([
    ['arn:aws:s3:::reports/*', 'arn:aws:s3:::reports/2024/q3.csv', true],
    ['arn:aws:s3:::reports/*', 'arn:aws:s3:::reportsx/a', false],
    ['arn:aws:sqs:*:111122223333:jobs', 'arn:aws:sqs:eu-west-1:111122223333:jobs', true],
    // a * that is not the last character of its segment stays inside the segment
    ['arn:aws:sqs:eu-*-1:111122223333:jobs', 'arn:aws:sqs:eu-west-1:111122223333:jobs', true],
    ['arn:aws:logs:eu-west-1:111122223333:log-group:a*b', 'arn:aws:logs:eu-west-1:111122223333:log-group:a:b', false],
    // a * that ends a segment may run past colons
    ['arn:aws:logs:eu-west-1:111122223333:log-group:app*', 'arn:aws:logs:eu-west-1:111122223333:log-group:app:log-stream:x', true],
    ['arn:aws:iam::111122223333:user/Bob', 'arn:aws:iam::111122223333:user/bob', false],
    ['arn:aws:s3:::a${*}b/*', 'arn:aws:s3:::a*b/x', true],
    ['arn:aws:s3:::a${*}b/*', 'arn:aws:s3:::aXb/x', false],
    ['*', 'arn:aws:s3:::anything', true],
  ])('%s covers %s: %s', (pattern, arn, expected) => expect(resourceMatches(pattern, arn)).toBe(expected));
});

describe('evaluation rules', () => {
  it('KMS: an identity policy alone does not allow a key its key policy does not open to the account', () => {
    const context = request({ action: 'kms:Decrypt', resource: KEY });
    const identity = [policy('identity-policy', allow('kms:Decrypt', KEY))];
    const closed = policy('resource-policy', { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/other` }, Action: 'kms:*', Resource: '*' });
    expect(decide(context, { identity, resourcePolicy: closed })).toMatchObject({ decision: 'implicit-deny', layer: 'resource-policy', missingAllows: ['resource-policy'] });
    const delegating = policy('resource-policy', { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' });
    expect(decide(context, { identity, resourcePolicy: delegating }).decision).toBe('allowed');
    // a key policy naming only the account delegates to IAM: the identity side must allow then
    expect(decide(context, { identity: [], resourcePolicy: delegating })).toMatchObject({ decision: 'implicit-deny', layer: 'identity-policy' });
    // a key policy naming the role allows without an identity policy
    const naming = policy('resource-policy', { Effect: 'Allow', Principal: { AWS: ROLE }, Action: 'kms:Decrypt', Resource: '*' });
    expect(decide(context, { identity: [], resourcePolicy: naming }).decision).toBe('allowed');
  });

  it('same account: a resource policy naming the role is limited by its boundary; naming the session is not', () => {
    const boundary = policy('permissions-boundary', allow('ec2:*'));
    const byRole = policy('resource-policy', allow('s3:GetObject', 'arn:aws:s3:::reports/*', { Principal: { AWS: ROLE } }));
    const bySession = policy('resource-policy', allow('s3:GetObject', 'arn:aws:s3:::reports/*', { Principal: { AWS: SESSION } }));
    expect(decide(request(), { identity: [], permissionsBoundary: boundary, resourcePolicy: byRole })).toMatchObject({ decision: 'implicit-deny', layer: 'permissions-boundary' });
    expect(decide(request(), { identity: [], resourcePolicy: byRole }).decision).toBe('allowed');
    expect(decide(request(), { identity: [], permissionsBoundary: boundary, resourcePolicy: bySession }).decision).toBe('allowed');
  });

  it('same account: a resource policy naming an IAM user allows even past the user\'s boundary', () => {
    const context = request({ principalArn: USER, sessionArn: null });
    const bucket = policy('resource-policy', allow('s3:GetObject', 'arn:aws:s3:::reports/*', { Principal: { AWS: USER } }));
    expect(decide(context, { identity: [], permissionsBoundary: policy('permissions-boundary', allow('ec2:*')), resourcePolicy: bucket }).decision).toBe('allowed');
  });

  it('same account: a resource policy naming only the account needs the identity side', () => {
    const bucket = policy('resource-policy', allow('s3:GetObject', 'arn:aws:s3:::reports/*', { Principal: { AWS: ACCOUNT } }));
    expect(decide(request(), { identity: [], resourcePolicy: bucket })).toMatchObject({ decision: 'implicit-deny', layer: 'identity-policy' });
  });

  it('cross account: a resource policy naming the caller still needs the caller\'s identity policy', () => {
    const context = request({ principalAccount: OTHER, principalArn: `arn:aws:iam::${OTHER}:role/app`, sessionArn: null });
    const bucket = policy('resource-policy', allow('s3:GetObject', 'arn:aws:s3:::reports/*', { Principal: { AWS: `arn:aws:iam::${OTHER}:role/app` } }));
    const result = decide(context, { identity: [], resourcePolicy: bucket });
    expect(result).toMatchObject({ decision: 'implicit-deny', layer: 'identity-policy', missingAllows: ['identity-policy'] });
    const neither = decide(context, { identity: [] });
    expect(neither.missingAllows).toEqual(['resource-policy', 'identity-policy']);
  });

  it('AssumeRole: a trust policy naming the calling role is still limited by that role\'s boundary', () => {
    const context = request({ action: 'sts:AssumeRole', resource: `arn:aws:iam::${ACCOUNT}:role/deployer` });
    const trust = policy('role-trust-policy', { Effect: 'Allow', Principal: { AWS: ROLE }, Action: 'sts:AssumeRole' });
    expect(decide(context, { identity: [], trustPolicy: trust }).decision).toBe('allowed');
    expect(decide(context, { identity: [], trustPolicy: trust, permissionsBoundary: policy('permissions-boundary', allow('s3:*')) })).toMatchObject({ decision: 'implicit-deny', layer: 'permissions-boundary' });
    const accountTrust = policy('role-trust-policy', { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' });
    expect(decide(context, { identity: [], trustPolicy: accountTrust })).toMatchObject({ decision: 'implicit-deny', layer: 'identity-policy' });
  });

  it('a Deny with NotPrincipal denies any principal that has a permissions boundary (IAM guide warning)', () => {
    const bucket = policy('resource-policy', { Sid: 'OnlyApp', Effect: 'Deny', NotPrincipal: { AWS: ROLE }, Action: 's3:*', Resource: '*' });
    const identity = [policy('identity-policy', allow('s3:GetObject'))];
    expect(decide(request(), { identity, resourcePolicy: bucket }).decision).toBe('allowed');
    expect(decide(request(), { identity, resourcePolicy: bucket, permissionsBoundary: policy('permissions-boundary', allow('s3:*')) })).toMatchObject({ decision: 'explicit-deny', denyingStatement: { sid: 'OnlyApp' } });
  });

  it('Principal "*" (a public resource) allows a same-account user without an identity policy', () => {
    const context = request({ principalArn: USER, sessionArn: null });
    const bucket = policy('resource-policy', allow('s3:GetObject', 'arn:aws:s3:::reports/*', { Principal: '*' }));
    expect(decide(context, { identity: [], resourcePolicy: bucket }).decision).toBe('allowed');
  });

  it('matches Service and Federated principals, and a unique id left by a deleted role', () => {
    const serviceContext = request({ principalArn: null, sessionArn: null, servicePrincipal: 'cloudtrail.amazonaws.com', principalAccount: null, action: 's3:PutObject' });
    const bucket = policy('resource-policy', allow('s3:PutObject', 'arn:aws:s3:::reports/*', { Principal: { Service: 'cloudtrail.amazonaws.com' } }));
    expect(decide(serviceContext, { identity: [], resourcePolicy: bucket }).decision).toBe('allowed');
    const federated = request({ principalArn: null, sessionArn: null, principalAccount: null, action: 'sts:AssumeRoleWithWebIdentity', resource: `arn:aws:iam::${ACCOUNT}:role/ci`, keys: { 'aws:federatedprovider': `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` } });
    const trust = (provider: string) => policy('role-trust-policy', { Effect: 'Allow', Principal: { Federated: provider }, Action: 'sts:AssumeRoleWithWebIdentity' });
    expect(decide(federated, { identity: [], trustPolicy: trust(`arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`) }).decision).toBe('allowed');
    expect(decide(federated, { identity: [], trustPolicy: trust('cognito-identity.amazonaws.com') })).toMatchObject({ decision: 'implicit-deny', layer: 'role-trust-policy' });
    const orphan = policy('resource-policy', allow('s3:GetObject', '*', { Principal: { AWS: 'AROAEXAMPLEID1234567' } }));
    expect(decide(request({ keys: { 'aws:userid': 'AROAEXAMPLEID1234567:job-1' } }), { identity: [], resourcePolicy: orphan }).decision).toBe('allowed');
    expect(decide(request({ keys: { 'aws:userid': 'AROAOTHERID123456789:job-1' } }), { identity: [], resourcePolicy: orphan }).decision).toBe('implicit-deny');
  });

  it('SCPs and RCPs do not apply to service-linked roles', () => {
    const linked = `arn:aws:iam::${ACCOUNT}:role/aws-service-role/elasticmapreduce.amazonaws.com/AWSServiceRoleForEMRCleanup`;
    const result = decide(request({ principalArn: linked, sessionArn: null }), { identity: [policy('identity-policy', allow('s3:GetObject'))], scps: [[policy('scp', { Effect: 'Deny', Action: '*', Resource: '*' })]] });
    expect(result.decision).toBe('allowed');
    expect(result.notChecked).toContain('SCPs and RCPs: do not apply to service-linked roles');
  });

  it('never blames a layer it could not read: identity policies not provided leave an explicit deny or "allowed"', () => {
    const result = evaluateRequest(request(), { scps: [], rcps: [], resourcePolicy: null });
    expect(result.decision).toBe('allowed');
    expect(result.notChecked).toContain('identity policies: not provided');
    expect(result.layers.find((layer) => layer.layer === 'identity-policy')).toEqual({ layer: 'identity-policy', policies: [], result: 'not-checked', statements: [] });
    const denied = evaluateRequest(request(), { scps: [[policy('scp', { Sid: 'NoS3', Effect: 'Deny', Action: 's3:*', Resource: '*' })]], rcps: [], resourcePolicy: null });
    expect(denied).toMatchObject({ decision: 'explicit-deny', layer: 'scp', denyingStatement: { sid: 'NoS3' } });
  });

  it('a variable whose key is absent makes the Resource match nothing', () => {
    const identity = [policy('identity-policy', allow('s3:GetObject', 'arn:aws:s3:::home/${aws:PrincipalTag/team}/*'))];
    const context = request({ resource: 'arn:aws:s3:::home//x', absent: ['aws:sourcevpce', 'aws:principaltag/*'] });
    expect(decide(context, { identity })).toMatchObject({ decision: 'implicit-deny', dependsOn: [] });
  });

  it('reports every layer with the statements that matched', () => {
    const result = decide(request(), {
      identity: [policy('identity-policy', { Sid: 'Read', ...allow('s3:GetObject') }, allow('ec2:*'))],
      scps: [[policy('scp', allow('*'))], [policy('scp', allow('ec2:*'))]],
      permissionsBoundary: policy('permissions-boundary', { Sid: 'TeamTag', ...allow('s3:*'), Condition: { StringEquals: { 'aws:PrincipalTag/team': 'data' } } }),
    });
    expect(result.layers.map((layer) => [layer.layer, layer.level ?? null, layer.result])).toEqual([
      ['scp', 0, 'allows'],
      ['scp', 1, 'no-match'],
      ['resource-policy', null, 'no-match'],
      ['identity-policy', null, 'allows'],
      ['permissions-boundary', null, 'depends'],
    ]);
    expect(result.layers[3]!.statements.map((ref) => ref.sid)).toEqual(['Read']);
    expect(result.layers[3]!.policies).toEqual(['synthetic-identity-policy']);
    expect(result).toMatchObject({ decision: 'implicit-deny', layer: 'scp', dependsOn: ['aws:PrincipalTag/team'] });
  });

  it('is undetermined when the outcome hinges on a key the record lacks, and says which', () => {
    const identity = [policy('identity-policy', allow('s3:GetObject'))];
    const scp = [[policy('scp', allow('*'), { Sid: 'OnlyFromVpc', Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { StringNotEquals: { 'aws:SourceVpc': 'vpc-1' } } })]];
    expect(decide(request(), { identity, scps: scp })).toMatchObject({ decision: 'undetermined', layer: 'scp', dependsOn: ['aws:SourceVpc'] });
    expect(decide(request({ keys: { 'aws:sourcevpc': 'vpc-1' } }), { identity, scps: scp }).decision).toBe('allowed');
    expect(decide(request({ keys: { 'aws:sourcevpc': 'vpc-2' } }), { identity, scps: scp }).decision).toBe('explicit-deny');
  });
});

describe('diagnosis', () => {
  const denial = classify({ ...syntheticDenial({ time: Date.parse('2025-04-01T08:00:00Z'), key: 'builds/app.zip' }), errorMessage: 'Access Denied' });
  const OBJECT = 'arn:aws:s3:::artifacts/builds/app.zip';
  const base: PolicySet = { identity: [policy('identity-policy', allow('s3:PutObject', 'arn:aws:s3:::artifacts/*'))], scps: [], rcps: [], resourcePolicy: null };

  it('for an explicit deny in a shared policy, proposes exempting the principal (merged into an existing exemption)', () => {
    const scp = policy('scp', allow('*'), { Sid: 'NoWrites', Effect: 'Deny', Action: ['s3:PutObject', 's3:DeleteObject'], Resource: '*', Condition: { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/admin' } } });
    const diagnosis = diagnose(denial, { ...base, scps: [[scp]] });
    expect(diagnosis.denyChange).toMatchObject({ layer: 'scp', statement: { Sid: 'NoWrites', Effect: 'Deny', Condition: { ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:iam::*:role/admin', 'arn:aws:iam::111122223333:role/ci-deployer'] } } } });
    expect(diagnosis.denyChange!.instruction).toMatch(/Exempt arn:aws:iam::111122223333:role\/ci-deployer .* Condition on aws:PrincipalArn/);
    expect(diagnosis.changes).toEqual([]);
  });

  it('for an explicit deny in the principal\'s own policy, proposes removing the action from it', () => {
    const identity = [policy('identity-policy', allow('s3:*'), { Sid: 'NoWrites', Effect: 'Deny', Action: ['s3:PutObject', 's3:DeleteObject'], Resource: '*' })];
    const diagnosis = diagnose(denial, { ...base, identity });
    expect(diagnosis.denyChange).toMatchObject({ layer: 'identity-policy', statement: { Sid: 'NoWrites', Action: 's3:DeleteObject' } });
    expect(diagnosis.denyChange!.instruction).toBe('Remove s3:PutObject from the Action of statement NoWrites of synthetic-identity-policy.');
  });

  it('for an implicit deny on a KMS key, names the key policy and the exact key', () => {
    const kms = classify({
      ...syntheticDenial({ time: 0 }),
      eventSource: 'kms.amazonaws.com',
      eventName: 'GenerateDataKey',
      errorCode: 'AccessDeniedException',
      errorMessage: `User: arn:aws:sts::111122223333:assumed-role/ci-deployer/job-42 is not authorized to perform: kms:GenerateDataKey on resource: ${KEY} because no resource-based policy allows the kms:GenerateDataKey action`,
      requestParameters: { keyId: KEY },
    });
    const keyPolicy = policy('resource-policy', { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/other' }, Action: 'kms:*', Resource: '*' });
    const diagnosis = diagnose(kms, { identity: [policy('identity-policy', allow('kms:GenerateDataKey', KEY))], scps: [], rcps: [], resourcePolicy: keyPolicy });
    expect(diagnosis).toMatchObject({ decision: 'implicit-deny', layer: 'resource-policy' });
    expect(diagnosis.changes).toEqual([
      {
        layer: 'resource-policy',
        where: `the key policy of ${KEY}`,
        statement: { Sid: 'AllowkmsGenerateDataKey', Effect: 'Allow', Action: 'kms:GenerateDataKey', Resource: KEY, Principal: { AWS: 'arn:aws:iam::111122223333:role/ci-deployer' } },
      },
    ]);
  });

  it('suggests managed policies that cover the resource, never AdministratorAccess', () => {
    const diagnosis = diagnose(denial, { ...base, identity: [] });
    expect(diagnosis.changes[0]).toMatchObject({ layer: 'identity-policy', statement: { Action: 's3:PutObject', Resource: OBJECT } });
    expect(diagnosis.managedPolicies.length).toBeGreaterThan(0);
    for (const match of diagnosis.managedPolicies) expect(match.name).not.toMatch(/AdministratorAccess|PowerUserAccess/);
  });
});
