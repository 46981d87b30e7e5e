/**
 * The policy lookups through the real AWS SDK clients, against a local HTTP endpoint that answers in IAM's
 * (query/XML), S3's (REST) and KMS's (JSON 1.1) real response formats.
 */
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { decodeAuthorizationMessage } from '../../lambdas/adapters/policy-sources/decode-authorization.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatherPolicies } from '../../lambdas/adapters/policy-sources/gather-policies.js';
import { IamPrincipalPolicies } from '../../lambdas/adapters/policy-sources/iam-principal-policies.js';
import { readResourcePolicy } from '../../lambdas/adapters/policy-sources/resource-policies.js';
import { createTtlCache } from '../../lambdas/adapters/policy-sources/ttl-cache.js';
import { classify } from '../../lambdas/core/classify.js';
import { diagnose } from '../../lambdas/core/iam-policy/diagnose.js';
import { startHttpServer, type RecordedRequest } from '../support/http-server.js';
import { syntheticDenial } from '../support/records.js';

const encode = (document: object) => encodeURIComponent(JSON.stringify(document));
const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';
const iamResponse = (action: string, result: string) =>
  `<${action}Response xmlns="${IAM_NS}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></${action}Response>`;
const IDENTITY = { Version: '2012-10-17', Statement: [{ Sid: 'Builds', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::artifacts/*' }] };
const INLINE = { Version: '2012-10-17', Statement: [{ Sid: 'NoDeletes', Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' }] };
const BOUNDARY = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] };
const BUCKET_POLICY = { Version: '2012-10-17', Statement: [{ Sid: 'DenyUnencrypted', Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: 'arn:aws:s3:::artifacts/*' }] };
const KEY_POLICY = { Version: '2012-10-17', Statement: [{ Sid: 'Root', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' }] };

const IAM_ANSWERS: Record<string, string> = {
  GetRole: `<Role><Path>/</Path><RoleName>ci-deployer</RoleName><RoleId>AROAEXAMPLE</RoleId><Arn>arn:aws:iam::111122223333:role/ci-deployer</Arn><CreateDate>2024-01-01T00:00:00Z</CreateDate><Tags><member><Key>team</Key><Value>platform</Value></member></Tags><AssumeRolePolicyDocument>${encode({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'codebuild.amazonaws.com' }, Action: 'sts:AssumeRole' }] })}</AssumeRolePolicyDocument><PermissionsBoundary><PermissionsBoundaryType>Policy</PermissionsBoundaryType><PermissionsBoundaryArn>arn:aws:iam::111122223333:policy/boundary</PermissionsBoundaryArn></PermissionsBoundary></Role>`,
  ListAttachedRolePolicies: `<AttachedPolicies><member><PolicyName>deploy</PolicyName><PolicyArn>arn:aws:iam::111122223333:policy/deploy</PolicyArn></member></AttachedPolicies><IsTruncated>false</IsTruncated>`,
  ListRolePolicies: `<PolicyNames><member>guardrail</member></PolicyNames><IsTruncated>false</IsTruncated>`,
  GetRolePolicy: `<RoleName>ci-deployer</RoleName><PolicyName>guardrail</PolicyName><PolicyDocument>${encode(INLINE)}</PolicyDocument>`,
};

let server: Awaited<ReturnType<typeof startHttpServer>>;
/** IAM actions the local endpoint refuses with 403 AccessDenied; `*` refuses all. */
let iamDenied = new Set<string>();

function answer(request: RecordedRequest, res: import('node:http').ServerResponse) {
  const target = String(request.headers['x-amz-target'] ?? '');
  if (target === 'TrentService.GetKeyPolicy' && request.body.includes('0000aaaa')) {
    res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ __type: 'AccessDeniedException', message: 'User: arn:aws:sts::111122223333:assumed-role/denial-alerter/x is not authorized to perform: kms:GetKeyPolicy on this resource because the resource does not exist in this Region, no resource-based policies allow access, or a resource-based policy explicitly denies access' }));
    return;
  }
  if (target === 'TrentService.GetKeyPolicy') {
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ Policy: JSON.stringify(KEY_POLICY), PolicyName: 'default' }));
    return;
  }
  if (request.method === 'GET' && request.url.includes('policy')) {
    if (request.url.startsWith('/locked')) res.writeHead(403, { 'content-type': 'application/xml' }).end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>R1</RequestId><HostId>H1</HostId></Error>');
    else if (request.url.startsWith('/artifacts')) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(BUCKET_POLICY));
    else res.writeHead(404, { 'content-type': 'application/xml' }).end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchBucketPolicy</Code><Message>The bucket policy does not exist</Message><BucketName>other</BucketName></Error>');
    return;
  }
  const params = new URLSearchParams(request.body);
  const action = params.get('Action')!;
  if (action === 'DecodeAuthorizationMessage') {
    const decoded = JSON.stringify({
      allowed: false,
      explicitDeny: true,
      matchedStatements: { items: [{ statementId: 'NoPasswords', effect: 'DENY', source: { policyArn: 'arn:aws:iam::111122223333:policy/guardrails' } }] },
      context: { action: 'ec2:GetPasswordData' },
    });
    const xml = decoded.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
    res.writeHead(200, { 'content-type': 'text/xml' }).end(
      `<DecodeAuthorizationMessageResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><DecodeAuthorizationMessageResult><DecodedMessage>${xml}</DecodedMessage></DecodeAuthorizationMessageResult><ResponseMetadata><RequestId>r-3</RequestId></ResponseMetadata></DecodeAuthorizationMessageResponse>`,
    );
    return;
  }
  if (iamDenied.has('*') || iamDenied.has(action)) {
    res.writeHead(403, { 'content-type': 'text/xml' }).end(`<ErrorResponse xmlns="${IAM_NS}"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:sts::111122223333:assumed-role/denial-alerter/x is not authorized to perform: iam:${action}</Message></Error><RequestId>r-2</RequestId></ErrorResponse>`);
    return;
  }
  if (action === 'GetPolicy') {
    const arn = params.get('PolicyArn')!;
    res.writeHead(200, { 'content-type': 'text/xml' }).end(iamResponse(action, `<Policy><PolicyName>${arn.split('/').pop()}</PolicyName><Arn>${arn}</Arn><DefaultVersionId>v3</DefaultVersionId></Policy>`));
    return;
  }
  if (action === 'GetPolicyVersion') {
    const document = params.get('PolicyArn')!.endsWith('/boundary') ? BOUNDARY : IDENTITY;
    expect(params.get('VersionId')).toBe('v3');
    res.writeHead(200, { 'content-type': 'text/xml' }).end(iamResponse(action, `<PolicyVersion><Document>${encode(document)}</Document><VersionId>v3</VersionId><IsDefaultVersion>true</IsDefaultVersion></PolicyVersion>`));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/xml' }).end(iamResponse(action, IAM_ANSWERS[action] ?? ''));
}

const clientOptions = () => ({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });

beforeAll(async () => {
  server = await startHttpServer((request, res) => answer(request, res));
});
afterAll(async () => server.close());

describe('IAM principal policies', () => {
  it('reads managed (default version) and inline policies, the boundary and the trust policy of a role', async () => {
    const result = await new IamPrincipalPolicies(new IAMClient(clientOptions())).read('arn:aws:iam::111122223333:role/ci-deployer');
    expect(result.status).toBe('found');
    if (result.status !== 'found') return;
    expect(result.value.identity.map((policy) => policy.name)).toEqual(['deploy', 'role/ci-deployer inline guardrail']);
    expect(result.value.identity[1]!.document).toEqual(INLINE);
    expect(result.value.permissionsBoundary).toMatchObject({ arn: 'arn:aws:iam::111122223333:policy/boundary', layer: 'permissions-boundary', document: BOUNDARY });
    expect(result.value.trustPolicy?.layer).toBe('role-trust-policy');
    expect(result.value.tags).toEqual({ team: 'platform' });
  });

  it.each([
    ['*', 'iam:GetRole on role/ci-deployer'],
    ['GetRolePolicy', 'iam:GetRolePolicy on role/ci-deployer'],
    ['GetPolicyVersion', 'iam:GetPolicyVersion on arn:aws:iam::111122223333:policy/deploy'],
  ])('records a 403 AccessDenied (refusing %s) as not permitted, naming the exact call', async (refused, what) => {
    iamDenied = new Set([refused]);
    try {
      const result = await new IamPrincipalPolicies(new IAMClient(clientOptions())).read('arn:aws:iam::111122223333:role/ci-deployer');
      expect(result).toEqual({ status: 'not-permitted', what, reason: 'AccessDenied' });
    } finally {
      iamDenied = new Set();
    }
  });

  it('surfaces a refused lookup in the diagnosis as not checked, and never claims the identity layer denied', async () => {
    iamDenied = new Set(['GetRolePolicy']);
    try {
      const sources = { iam: new IamPrincipalPolicies(new IAMClient(clientOptions())), resources: { s3: new S3Client({ ...clientOptions(), forcePathStyle: true }) }, cache: createTtlCache(() => 0, 60_000) };
      const denial = classify({ ...syntheticDenial({ time: 0, key: 'x' }), eventName: 'GetObject', errorMessage: 'Access Denied', requestParameters: { bucketName: 'other', key: 'x' } });
      const { policies, notChecked } = await gatherPolicies(denial, sources);
      expect(notChecked).toEqual(['iam:GetRolePolicy on role/ci-deployer: not permitted from here (AccessDenied)']);
      const diagnosis = diagnose(denial, policies);
      expect(diagnosis.decision).toBe('allowed');
      expect(diagnosis.layer).toBeNull();
      expect(diagnosis.notChecked).toContain('identity policies: not provided');
    } finally {
      iamDenied = new Set();
    }
  });
});

describe('resource policies', () => {
  it('reads an S3 bucket policy and a KMS key policy, and "none" for a bucket without one', async () => {
    const s3 = new S3Client({ ...clientOptions(), forcePathStyle: true });
    const kms = new KMSClient(clientOptions());
    expect(await readResourcePolicy('arn:aws:s3:::artifacts/builds/app.zip', { s3 })).toMatchObject({ status: 'found', value: { arn: 'arn:aws:s3:::artifacts', document: BUCKET_POLICY } });
    expect(await readResourcePolicy('arn:aws:s3:::other/x', { s3 })).toEqual({ status: 'none' });
    expect(await readResourcePolicy('arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab', { kms })).toMatchObject({ status: 'found', value: { document: KEY_POLICY } });
    expect(server.requests.at(-1)!.headers['x-amz-target']).toBe('TrentService.GetKeyPolicy');
  });

  it('records a 403 from S3 and from KMS as not permitted, naming the call', async () => {
    const s3 = new S3Client({ ...clientOptions(), forcePathStyle: true });
    const kms = new KMSClient(clientOptions());
    const key = 'arn:aws:kms:us-east-1:111122223333:key/0000aaaa-12ab-34cd-56ef-1234567890ab';
    expect(await readResourcePolicy('arn:aws:s3:::locked/x', { s3 })).toEqual({ status: 'not-permitted', what: 's3:GetBucketPolicy on arn:aws:s3:::locked/x', reason: 'AccessDenied' });
    expect(await readResourcePolicy(key, { kms })).toEqual({ status: 'not-permitted', what: `kms:GetKeyPolicy on ${key}`, reason: 'AccessDeniedException' });
  });
});

describe('EC2 encoded authorization messages', () => {
  it('are decoded with sts:DecodeAuthorizationMessage into the matched statements', async () => {
    const result = await decodeAuthorizationMessage(new STSClient(clientOptions()), 'abc-ENCODED_123');
    expect(result).toEqual({
      status: 'found',
      value: { allowed: false, explicitDeny: true, matchedStatements: [{ sid: 'NoPasswords', effect: 'DENY', policy: 'arn:aws:iam::111122223333:policy/guardrails' }] },
    });
    expect(new URLSearchParams(server.requests.at(-1)!.body).get('EncodedMessage')).toBe('abc-ENCODED_123');
  });
});

describe('gatherPolicies + diagnose', () => {
  it('finds the bucket policy statement behind an S3 "Access Denied", caching lookups', async () => {
    let calls = 0;
    const iam = new IamPrincipalPolicies(new IAMClient(clientOptions()));
    const counting = { read: (arn: string) => ((calls += 1), iam.read(arn)) } as IamPrincipalPolicies;
    const sources = { iam: counting, resources: { s3: new S3Client({ ...clientOptions(), forcePathStyle: true }) }, cache: createTtlCache(() => 0, 60_000) };
    const denial = classify({ ...syntheticDenial({ time: 0, key: 'builds/app.zip' }), errorMessage: 'Access Denied' });
    const { policies, notChecked } = await gatherPolicies(denial, sources);
    await gatherPolicies(denial, sources);
    expect(calls).toBe(1);
    expect(notChecked).toEqual([]);
    const diagnosis = diagnose(denial, policies);
    expect(diagnosis).toMatchObject({ decision: 'explicit-deny', layer: 'resource-policy', denyingStatement: { sid: 'DenyUnencrypted' } });
  });
});
