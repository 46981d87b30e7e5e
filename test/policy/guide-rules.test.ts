/**
 * The rules on which independent simulators disagreed with this evaluator, each implemented as the IAM User Guide (or
 * the STS API reference) words it, and tested with the page's own examples where it gives some. Synthetic policies.
 */
import { describe, expect, it } from 'vitest';
import { classify } from '../../lambdas/core/classify.js';
import { evaluateConditions } from '../../lambdas/core/iam-policy/conditions.js';
import { diagnose } from '../../lambdas/core/iam-policy/diagnose.js';
import { identityChangeWhere, isAwsManagedPolicy, principalOwner } from '../../lambdas/core/iam-policy/editable.js';
import { evaluateRequest } from '../../lambdas/core/iam-policy/evaluate.js';
import type { NamedPolicy, PolicyLayer, PolicySet, RequestContext, Statement } from '../../lambdas/core/iam-policy/types.js';
import { readJsonl } from '../support/corpus.js';
import { syntheticDenial } from '../support/records.js';

const ACCOUNT = '111122223333';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/app`;
const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/app/job-1`;
const USER = `arn:aws:iam::${ACCOUNT}:user/dev`;
const QUEUE = `arn:aws:sqs:eu-west-1:${ACCOUNT}:jobs`;

const request = (overrides: Partial<RequestContext> = {}): RequestContext => ({
  principalArn: ROLE,
  sessionArn: SESSION,
  servicePrincipal: null,
  principalAccount: ACCOUNT,
  action: 'sqs:SendMessage',
  resource: QUEUE,
  resourceAccount: ACCOUNT,
  keys: { 'aws:principalarn': ROLE, 'aws:principalaccount': ACCOUNT },
  absent: [],
  ...overrides,
});
const policy = (layer: PolicyLayer, ...statements: Statement[]): NamedPolicy => ({ name: `synthetic-${layer}`, layer, document: { Version: '2012-10-17', Statement: statements } });
const decide = (context: RequestContext, set: PolicySet) => evaluateRequest(context, { scps: [], rcps: [], resourcePolicy: null, identity: [], ...set });
const sendMessage: Statement = { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: QUEUE };
const otherAction = policy('permissions-boundary', { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' });

describe('IAM User Guide, "AWS JSON policy elements: NotPrincipal": an Allow with NotPrincipal grants every principal not listed', () => {
  // "Doing so allows all principals except the one named in the NotPrincipal element access to your resources."
  const notPrincipalAllow = (excluded: string) => policy('resource-policy', { ...sendMessage, NotPrincipal: { AWS: excluded } });

  it('a same-account user not listed is allowed with no identity policy at all', () => {
    const context = request({ principalArn: USER, sessionArn: null, keys: { 'aws:principalarn': USER } });
    expect(decide(context, { resourcePolicy: notPrincipalAllow(`arn:aws:iam::${ACCOUNT}:user/someone-else`) }).decision).toBe('allowed');
  });

  it('a same-account role not listed is allowed, like Principal "*" not limited by its permissions boundary', () => {
    expect(decide(request(), { resourcePolicy: notPrincipalAllow(USER) }).decision).toBe('allowed');
    expect(decide(request(), { resourcePolicy: notPrincipalAllow(USER), permissionsBoundary: otherAction }).decision).toBe('allowed');
  });

  it('the principal it lists gets nothing from it', () => {
    expect(decide(request(), { resourcePolicy: notPrincipalAllow(ROLE) })).toMatchObject({ decision: 'implicit-deny', layer: 'identity-policy' });
  });
});

describe('IAM User Guide, "AWS JSON policy elements: Principal" (IAM role principals): Principal "*" with aws:PrincipalArn', () => {
  // "Identity-based policy types, such as permissions boundaries or session policies, do not limit permissions granted
  // using the aws:PrincipalArn condition key with a wildcard(*) in the Principal element, unless the identity-based
  // policies contain an explicit deny."
  const wildcardWithArn = policy('resource-policy', { ...sendMessage, Principal: '*', Condition: { ArnEquals: { 'aws:PrincipalArn': ROLE } } });
  const wildcardOnly = policy('resource-policy', { ...sendMessage, Principal: '*' });
  const roleArn = policy('resource-policy', { ...sendMessage, Principal: { AWS: ROLE } });
  const session = policy('session-policy', { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' });

  it('is limited neither by the permissions boundary nor by a session policy', () => {
    expect(decide(request(), { resourcePolicy: wildcardWithArn, permissionsBoundary: otherAction }).decision).toBe('allowed');
    expect(decide(request(), { resourcePolicy: wildcardWithArn, sessionPolicies: [session] }).decision).toBe('allowed');
  });

  it('an explicit deny in an identity-based policy still wins', () => {
    const deny = policy('identity-policy', { Sid: 'NoSend', Effect: 'Deny', Action: 'sqs:SendMessage', Resource: '*' });
    expect(decide(request(), { resourcePolicy: wildcardWithArn, identity: [deny] })).toMatchObject({ decision: 'explicit-deny', layer: 'identity-policy' });
  });

  it('a bare "*" grants at least what "*" narrowed by aws:PrincipalArn grants: not limited by the boundary or session policy either', () => {
    // The guide is silent on a bare "*" (docs/policies.md gives the reasoning): a Condition only narrows which requests
    // match, so the wider grant is evaluated like the narrower one; AWS is observed to behave so.
    expect(decide(request(), { resourcePolicy: wildcardOnly })).toMatchObject({ decision: 'allowed' });
    expect(decide(request(), { resourcePolicy: wildcardOnly, permissionsBoundary: otherAction }).decision).toBe('allowed');
    expect(decide(request(), { resourcePolicy: wildcardOnly, sessionPolicies: [session] }).decision).toBe('allowed');
    const deny = policy('permissions-boundary', { Effect: 'Deny', Action: 'sqs:SendMessage', Resource: '*' });
    expect(decide(request(), { resourcePolicy: wildcardOnly, permissionsBoundary: deny })).toMatchObject({ decision: 'explicit-deny', layer: 'permissions-boundary' });
  });

  it('a grant to the role ARN stays limited by the boundary and session policy, as the guide says', () => {
    // Policy evaluation logic: "Resource-based policies that grant permissions to an IAM role ARN are limited by an
    // implicit deny in a permissions boundary or session policy."
    expect(decide(request(), { resourcePolicy: roleArn, permissionsBoundary: otherAction })).toMatchObject({ decision: 'implicit-deny', missingAllows: ['permissions-boundary'] });
    expect(decide(request(), { resourcePolicy: roleArn, sessionPolicies: [session] })).toMatchObject({ decision: 'implicit-deny', missingAllows: ['session-policy'] });
  });

  it('when the condition does not match the caller, it grants nothing', () => {
    const other = policy('resource-policy', { ...sendMessage, Principal: '*', Condition: { ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/other` } } });
    expect(decide(request(), { resourcePolicy: other })).toMatchObject({ decision: 'implicit-deny', layer: 'identity-policy' });
  });
});

describe('IAM User Guide, "Single-valued vs. multivalued context keys"', () => {
  // The page's examples: ForAllValues / ForAnyValue with aws:TagKeys, and "Multivalued context keys require a condition
  // set operator."
  const forAll = { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['environment', 'cost-center'] }, Null: { 'aws:TagKeys': 'false' } };
  const forAny = { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['environment', 'cost-center'] } };
  const single = { StringEquals: { 'aws:TagKeys': ['environment', 'cost-center'] } };
  const withTags = (tags: string[] | null) => request({ keys: tags ? { 'aws:tagkeys': tags } : {}, absent: tags ? [] : ['aws:tagkeys'] });

  it.each([
    [['environment'], true],
    [['cost-center'], true],
    [['environment', 'cost-center'], true],
    [['environment', 'dept'], false],
    [null, false],
  ])('ForAllValues with Null false, request %j: match %s (the page\'s table)', (tags, expected) => {
    expect(evaluateConditions(forAll, withTags(tags))).toBe(expected);
  });

  it.each([
    [['environment'], true],
    [['cost-center'], true],
    [['environment', 'cost-center'], true],
    [['environment', 'dept'], true],
    [['dept'], false],
    [null, false],
  ])('ForAnyValue, request %j: match %s (the page\'s table)', (tags, expected) => {
    expect(evaluateConditions(forAny, withTags(tags))).toBe(expected);
  });

  it('a single-valued operator on a key carrying several values matches nothing (a set operator is required)', () => {
    expect(evaluateConditions(single, withTags(['environment', 'cost-center']))).toBe(false);
    expect(evaluateConditions({ StringNotEquals: { 'aws:TagKeys': 'dept' } }, withTags(['environment', 'cost-center']))).toBe(false);
    // … so an Allow conditioned that way does not allow (AWS's simulator denies where the evaluator allowed)
    const identity = [policy('identity-policy', { Effect: 'Allow', Action: 'ec2:DeleteTags', Resource: '*', Condition: single })];
    expect(decide(withTags(['environment', 'cost-center']), { identity }).decision).toBe('implicit-deny');
  });

  it('a single value still matches a single-valued operator', () => {
    expect(evaluateConditions(single, withTags(['environment']))).toBe(true);
    expect(evaluateConditions(single, request({ keys: { 'aws:tagkeys': 'cost-center' } }))).toBe(true);
  });
});

describe('STS API reference, GetCallerIdentity: no identity policy can deny it', () => {
  // "No permissions are required to perform this operation. If an administrator attaches a policy to your identity that
  // explicitly denies access to the sts:GetCallerIdentity action, you can still perform this operation."
  const context = request({ action: 'sts:GetCallerIdentity', resource: null, resourceAccount: null });

  it('is allowed with no identity policy, and with an explicit deny in identity, boundary or session policies', () => {
    const deny = (layer: PolicyLayer) => policy(layer, { Effect: 'Deny', Action: 'sts:*', Resource: '*' });
    expect(decide(context, {}).decision).toBe('allowed');
    expect(decide(context, { identity: [deny('identity-policy')], permissionsBoundary: deny('permissions-boundary'), sessionPolicies: [deny('session-policy')] }).decision).toBe('allowed');
  });

  it('says why the identity side was not evaluated', () => {
    expect(decide(context, {}).notChecked.join(' ')).toMatch(/sts:GetCallerIdentity needs no permission/);
  });
});

describe('IAM User Guide: AWS managed policies and /aws-reserved/ roles cannot be changed, so no fix edits them', () => {
  // "AWS managed policies": "You cannot change the permissions defined in AWS managed policies."; IAM Identity Center
  // roles (path /aws-reserved/sso.amazonaws.com/) are managed through their permission set.
  const ssoRecord = readJsonl('panther-analysis-test-fixtures/denied.jsonl').find((record) => record.userIdentity?.sessionContext?.sessionIssuer?.arn?.includes('/aws-reserved/'))!;
  const ssoDenial = classify(ssoRecord);

  it('knows AWS managed policies and who owns a principal', () => {
    expect(isAwsManagedPolicy('arn:aws:iam::aws:policy/ReadOnlyAccess')).toBe(true);
    expect(isAwsManagedPolicy('arn:aws-us-gov:iam::aws:policy/job-function/ViewOnlyAccess')).toBe(true);
    expect(isAwsManagedPolicy(`arn:aws:iam::${ACCOUNT}:policy/Mine`)).toBe(false);
    expect(principalOwner(ssoDenial.principalArn)).toBe('identity-center');
    expect(principalOwner(`arn:aws:iam::${ACCOUNT}:role/aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS`)).toBe('service');
    expect(principalOwner(ROLE)).toBe('iam');
  });

  it('an implicit deny of an Identity Center role (real record) points at its permission set, not at the role', () => {
    const diagnosis = diagnose(ssoDenial, { identity: [], scps: [], rcps: [], resourcePolicy: null });
    expect(diagnosis.decision).toBe('implicit-deny');
    const change = diagnosis.changes.find((c) => c.layer === 'identity-policy')!;
    expect(change.where).toBe(identityChangeWhere(ssoDenial.principalArn!));
    expect(change.where).toMatch(/IAM Identity Center permission set/);
    expect(change.where).not.toMatch(/^an identity policy of/);
  });

  it('an explicit deny in an AWS managed policy is never to be edited: detach or replace it', () => {
    const denial = classify(syntheticDenial({ time: '2025-01-01T00:00:00Z' }));
    const managed: NamedPolicy = { ...policy('identity-policy', { Sid: 'DenyWrites', Effect: 'Deny', Action: 's3:Put*', Resource: '*' }), name: 'AWSDenyAll', arn: 'arn:aws:iam::aws:policy/AWSDenyAll' };
    const diagnosis = diagnose(denial, { identity: [managed], scps: [], rcps: [], resourcePolicy: null });
    expect(diagnosis.decision).toBe('explicit-deny');
    expect(diagnosis.denyChange).toMatchObject({ statement: null, instruction: expect.stringMatching(/AWS managed policy and cannot be edited: detach it/) });
  });

  it('a boundary that is an AWS managed policy is replaced, never edited', () => {
    const denial = classify(syntheticDenial({ time: '2025-01-01T00:00:00Z' }));
    const boundary: NamedPolicy = { ...policy('permissions-boundary', { Effect: 'Allow', Action: 's3:Get*', Resource: '*' }), name: 'AmazonS3ReadOnlyAccess', arn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' };
    const identity = [policy('identity-policy', { Effect: 'Allow', Action: 's3:*', Resource: '*' })];
    const diagnosis = diagnose(denial, { identity, permissionsBoundary: boundary, scps: [], rcps: [], resourcePolicy: null });
    const change = diagnosis.changes.find((c) => c.layer === 'permissions-boundary')!;
    expect(change.where).toMatch(/^a customer managed policy to set as the permissions boundary of .* instead of arn:aws:iam::aws:policy\/AmazonS3ReadOnlyAccess/);
  });

  it('an explicit deny in an Identity Center role\'s own policy is changed in its permission set', () => {
    const inline: NamedPolicy = { ...policy('identity-policy', { Sid: 'NoSSH', Effect: 'Deny', Action: 'ec2-instance-connect:*', Resource: '*' }), name: 'AwsSSOInlinePolicy' };
    const diagnosis = diagnose(ssoDenial, { identity: [inline], scps: [], rcps: [], resourcePolicy: null });
    expect(diagnosis.denyChange).toMatchObject({ statement: null, instruction: expect.stringMatching(/permission set/) });
  });
});
