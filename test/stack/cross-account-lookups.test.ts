/**
 * Cross-account diagnosis end to end: the handler's lookups for a member account's denial assume that account's
 * `DenialAlerterReader` role through STS and read the member's IAM and S3 policies with those credentials, against a
 * loopback endpoint that answers in STS's and IAM's query/XML, S3's REST and KMS's JSON formats and records which
 * access key signed each call.
 */
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { gatherPolicies } from '../../lambdas/adapters/policy-sources/gather-policies.js';
import { IamPrincipalPolicies } from '../../lambdas/adapters/policy-sources/iam-principal-policies.js';
import { memberAccountCredentials, ReaderRoleAccessDenied } from '../../lambdas/adapters/policy-sources/member-account-credentials.js';
import { memberAccountSourcesFromEnvironment } from '../../lambdas/adapters/policy-sources/member-account-sources.js';
import { createTtlCache } from '../../lambdas/adapters/policy-sources/ttl-cache.js';
import { MEMBER_ACCOUNTS_ENV } from '../../lambdas/config/env.js';
import { classify } from '../../lambdas/core/classify.js';
import { diagnose } from '../../lambdas/core/iam-policy/diagnose.js';
import type { CloudTrailRecord } from '../../lambdas/core/types.js';
import { startHttpServer, type RecordedRequest } from '../support/http-server.js';

const CENTRAL = '111122223333';
const MEMBER = '222233334444';
const LOCKED_MEMBER = '333344445555';
const CENTRAL_KEY = 'AKIACENTRALHANDLER01';
const memberKey = (account: string, serial: number) => `ASIAMEMBER${account}${serial}`.slice(0, 24);

const encode = (document: object) => encodeURIComponent(JSON.stringify(document));
const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';
const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const iamResponse = (action: string, result: string) =>
  `<${action}Response xmlns="${IAM_NS}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></${action}Response>`;
const accessDenied = (res: ServerResponse, namespace: string, message: string) =>
  res.writeHead(403, { 'content-type': 'text/xml' }).end(`<ErrorResponse xmlns="${namespace}"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>${message}</Message></Error><RequestId>r-2</RequestId></ErrorResponse>`);

/** The member account's guardrail: the statement the alert must name. */
const MEMBER_GUARDRAIL = { Version: '2012-10-17', Statement: [{ Sid: 'NoDeletesInProduction', Effect: 'Deny', Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::payments-ledger/*' }] };
const MEMBER_DEPLOY = { Version: '2012-10-17', Statement: [{ Sid: 'Ledger', Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::payments-ledger/*' }] };
const MEMBER_BUCKET_POLICY = { Version: '2012-10-17', Statement: [{ Sid: 'Auditors', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::222233334444:role/auditor` }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::payments-ledger/*' }] };

const MEMBER_KEY_POLICY = {
  Version: '2012-10-17',
  Statement: [
    { Sid: 'Root', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::222233334444:root` }, Action: 'kms:*', Resource: '*' },
    { Sid: 'NoDecryptForLedgerWriter', Effect: 'Deny', Principal: { AWS: `arn:aws:iam::222233334444:role/ledger-writer` }, Action: 'kms:Decrypt', Resource: '*' },
  ],
};

/** The access key id a request was signed with (SigV4 `Authorization: AWS4-HMAC-SHA256 Credential=AKID/…`). */
const signer = (request: RecordedRequest) => /Credential=([A-Z0-9]+)\//.exec(String(request.headers.authorization ?? ''))?.[1] ?? null;

let server: Awaited<ReturnType<typeof startHttpServer>>;
let issued = 0;
let expiresInMs = 3_600_000;
// The test's clock starts at the real time: the SDK also checks the credentials' Expiration against the real clock,
// so a fixed date would expire them once the day has passed (and every call would assume the role again).
const START_MS = Math.floor(Date.now() / 60_000) * 60_000;
let nowMs = START_MS;
/** Which member key is valid for which account. */
const memberKeys = new Map<string, string>();

function answer(request: RecordedRequest, res: ServerResponse) {
  const key = signer(request);
  if (String(request.headers['x-amz-target'] ?? '').startsWith('AWSOrganizationsV20161128.')) {
    // This central account is neither the management account nor a delegated administrator.
    res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ __type: 'AccessDeniedException', Message: 'You don\'t have permissions to access this resource.' }));
    return;
  }
  const params = new URLSearchParams(request.body);
  const action = params.get('Action');
  if (action === 'AssumeRole') {
    const roleArn = params.get('RoleArn') ?? '';
    const account = /::(\d{12}):role\//.exec(roleArn)?.[1] ?? '';
    if (key !== CENTRAL_KEY || account === LOCKED_MEMBER || !roleArn.endsWith(':role/DenialAlerterReader')) {
      accessDenied(res, STS_NS, `User: arn:aws:sts::${CENTRAL}:assumed-role/handler/x is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
      return;
    }
    issued += 1;
    const accessKeyId = memberKey(account, issued);
    memberKeys.set(accessKeyId, account);
    res.writeHead(200, { 'content-type': 'text/xml' }).end(
      `<AssumeRoleResponse xmlns="${STS_NS}"><AssumeRoleResult><Credentials><AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>secret-${issued}</SecretAccessKey><SessionToken>token-${issued}</SessionToken><Expiration>${new Date(nowMs + expiresInMs).toISOString()}</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROAREADER:denial-alerter</AssumedRoleId><Arn>arn:aws:sts::${account}:assumed-role/DenialAlerterReader/denial-alerter</Arn></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>r-3</RequestId></ResponseMetadata></AssumeRoleResponse>`,
    );
    return;
  }
  // Only the member's reader credentials may read the member's IAM, S3 and KMS; the central handler's own may not.
  const inMember = memberKeys.get(key ?? '') === MEMBER;
  if (request.headers['x-amz-target'] === 'TrentService.GetKeyPolicy') {
    if (!inMember) res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ __type: 'AccessDeniedException', message: 'not authorized to perform: kms:GetKeyPolicy' }));
    else res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ Policy: JSON.stringify(MEMBER_KEY_POLICY), PolicyName: 'default' }));
    return;
  }
  if (request.method === 'GET' && request.url.includes('policy')) {
    if (!inMember) res.writeHead(403, { 'content-type': 'application/xml' }).end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>');
    else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(MEMBER_BUCKET_POLICY));
    return;
  }
  if (!inMember) {
    accessDenied(res, IAM_NS, `User: arn:aws:sts::${CENTRAL}:assumed-role/handler/x is not authorized to perform: iam:${action}`);
    return;
  }
  const answers: Record<string, string> = {
    GetRole: `<Role><Path>/</Path><RoleName>ledger-writer</RoleName><RoleId>AROAMEMBER</RoleId><Arn>arn:aws:iam::${MEMBER}:role/ledger-writer</Arn><CreateDate>2024-01-01T00:00:00Z</CreateDate><AssumeRolePolicyDocument>${encode({ Version: '2012-10-17', Statement: [] })}</AssumeRolePolicyDocument></Role>`,
    ListAttachedRolePolicies: `<AttachedPolicies><member><PolicyName>ledger-deploy</PolicyName><PolicyArn>arn:aws:iam::${MEMBER}:policy/ledger-deploy</PolicyArn></member></AttachedPolicies><IsTruncated>false</IsTruncated>`,
    ListRolePolicies: `<PolicyNames><member>production-guardrail</member></PolicyNames><IsTruncated>false</IsTruncated>`,
    GetRolePolicy: `<RoleName>ledger-writer</RoleName><PolicyName>production-guardrail</PolicyName><PolicyDocument>${encode(MEMBER_GUARDRAIL)}</PolicyDocument>`,
    GetPolicy: `<Policy><PolicyName>ledger-deploy</PolicyName><Arn>arn:aws:iam::${MEMBER}:policy/ledger-deploy</Arn><DefaultVersionId>v1</DefaultVersionId></Policy>`,
    GetPolicyVersion: `<PolicyVersion><Document>${encode(MEMBER_DEPLOY)}</Document><VersionId>v1</VersionId><IsDefaultVersion>true</IsDefaultVersion></PolicyVersion>`,
  };
  res.writeHead(200, { 'content-type': 'text/xml' }).end(iamResponse(action ?? '', answers[action ?? ''] ?? ''));
}

const clientConfig = () => ({ endpoint: server.url, region: 'us-east-1', maxAttempts: 1, forcePathStyle: true });
const centralCredentials = { accessKeyId: CENTRAL_KEY, secretAccessKey: 'central-secret' };
const centralSts = () => new STSClient({ ...clientConfig(), credentials: centralCredentials });
const ENV = { [MEMBER_ACCOUNTS_ENV.readerRoleArnPattern]: 'arn:aws:iam::*:role/DenialAlerterReader', [MEMBER_ACCOUNTS_ENV.ownAccountId]: CENTRAL };

/** A denial in `account` by its role ledger-writer: s3:DeleteObject on the ledger, with an explicit identity-policy deny. */
function memberDenial(account: string): CloudTrailRecord {
  return {
    eventVersion: '1.09',
    eventID: `member-${account}`,
    eventTime: '2026-11-30T09:58:00Z',
    eventSource: 's3.amazonaws.com',
    eventName: 'DeleteObject',
    awsRegion: 'eu-west-1',
    sourceIPAddress: '203.0.113.10',
    userAgent: 'aws-cli/2.0',
    errorCode: 'AccessDenied',
    errorMessage: `User: arn:aws:sts::${account}:assumed-role/ledger-writer/job-7 is not authorized to perform: s3:DeleteObject on resource: "arn:aws:s3:::payments-ledger/2026/11/30.csv" with an explicit deny in an identity-based policy`,
    recipientAccountId: account,
    requestParameters: { bucketName: 'payments-ledger', key: '2026/11/30.csv' },
    userIdentity: {
      type: 'AssumedRole',
      arn: `arn:aws:sts::${account}:assumed-role/ledger-writer/job-7`,
      accountId: account,
      principalId: 'AROAMEMBER:job-7',
      sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${account}:role/ledger-writer`, accountId: account, userName: 'ledger-writer' } },
    },
  } as CloudTrailRecord;
}

/** The handler's sources: its own clients (central credentials), and per account the reader-role clients from the environment. */
function handlerSources() {
  const own = { ...clientConfig(), credentials: centralCredentials };
  return {
    iam: new IamPrincipalPolicies(new IAMClient(own)),
    resources: { s3: new S3Client(own), kms: new KMSClient(own) },
    cache: createTtlCache(() => nowMs, 15 * 60_000),
    forAccount: memberAccountSourcesFromEnvironment(ENV, { sts: centralSts(), clientConfig: clientConfig() }),
  };
}

beforeAll(async () => {
  server = await startHttpServer((request, res) => answer(request, res));
});
afterAll(async () => server.close());
beforeEach(() => {
  server.requests.length = 0;
  expiresInMs = 3_600_000;
  nowMs = START_MS;
});

describe('cross-account policy lookups', () => {
  it('assume the reader role of the denial\'s account and name the member account\'s denying statement', async () => {
    const denial = classify(memberDenial(MEMBER));
    const { policies, notChecked } = await gatherPolicies(denial, handlerSources());
    expect(notChecked).toEqual([]);
    const diagnosis = diagnose(denial, policies);
    expect(diagnosis).toMatchObject({ decision: 'explicit-deny', layer: 'identity-policy', denyingStatement: { sid: 'NoDeletesInProduction' } });

    const assumeRoles = server.requests.filter((request) => new URLSearchParams(request.body).get('Action') === 'AssumeRole');
    expect(assumeRoles).toHaveLength(1);
    expect(signer(assumeRoles[0]!)).toBe(CENTRAL_KEY);
    expect(new URLSearchParams(assumeRoles[0]!.body).get('RoleArn')).toBe(`arn:aws:iam::${MEMBER}:role/DenialAlerterReader`);
    // Every IAM and S3 read was signed with the member's reader credentials, none with the handler's own.
    const reads = server.requests.filter((request) => request !== assumeRoles[0]);
    expect(reads.length).toBeGreaterThanOrEqual(6);
    for (const read of reads) expect(memberKeys.get(signer(read) ?? ''), `${read.method} ${read.url} ${read.body}`).toBe(MEMBER);
    expect(reads.some((read) => read.method === 'GET' && read.url.includes('payments-ledger') && read.url.includes('policy'))).toBe(true);
  });

  it('read a member\'s KMS key policy with the member\'s credentials and name its denying statement', async () => {
    const record = memberDenial(MEMBER);
    const key = `arn:aws:kms:eu-west-1:${MEMBER}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const denial = classify({
      ...record,
      eventID: 'member-kms',
      eventSource: 'kms.amazonaws.com',
      eventName: 'Decrypt',
      errorCode: 'AccessDeniedException',
      errorMessage: `User: arn:aws:sts::${MEMBER}:assumed-role/ledger-writer/job-7 is not authorized to perform: kms:Decrypt on resource: ${key} with an explicit deny in a resource-based policy`,
      requestParameters: { keyId: key },
    } as CloudTrailRecord);
    const { policies, notChecked } = await gatherPolicies(denial, handlerSources());
    expect(notChecked).toEqual([]);
    expect(diagnose(denial, policies)).toMatchObject({ decision: 'explicit-deny', layer: 'resource-policy', denyingStatement: { sid: 'NoDecryptForLedgerWriter' } });
    const keyPolicyReads = server.requests.filter((request) => request.headers['x-amz-target'] === 'TrentService.GetKeyPolicy');
    expect(keyPolicyReads).toHaveLength(1);
    expect(memberKeys.get(signer(keyPolicyReads[0]!) ?? '')).toBe(MEMBER);
  });

  it('read the handler\'s own account with its own credentials, assuming nothing', async () => {
    const forAccount = memberAccountSourcesFromEnvironment(ENV, { sts: centralSts(), clientConfig: clientConfig() })!;
    expect(forAccount(CENTRAL)).toBeUndefined();
    expect(forAccount(MEMBER)).toBe(forAccount(MEMBER));
    expect(memberAccountSourcesFromEnvironment({}, { sts: centralSts() })).toBeUndefined();
  });

  it('report a refused AssumeRole as not checked, never as the layer that denied', async () => {
    const denial = classify(memberDenial(LOCKED_MEMBER));
    const { policies, notChecked } = await gatherPolicies(denial, handlerSources());
    expect(notChecked).toEqual([
      'iam:GetRole on role/ledger-writer: not permitted from here (ReaderRoleAccessDenied)',
      's3:GetBucketPolicy on arn:aws:s3:::payments-ledger/2026/11/30.csv: not permitted from here (ReaderRoleAccessDenied)',
    ]);
    const diagnosis = diagnose(denial, policies);
    expect(diagnosis.denyingStatement ?? null).toBeNull();
    expect(diagnosis.notChecked.join('\n')).toMatch(/identity policies: not provided/);
    // The member's policies were never read with the handler's own credentials.
    expect(server.requests.filter((request) => signer(request) === CENTRAL_KEY).map((request) => new URLSearchParams(request.body).get('Action'))).toEqual(['AssumeRole', 'AssumeRole']);
  });
});

describe('the handler\'s policy diagnoser (SDK clients configured from the Lambda environment)', () => {
  const saved: Record<string, string | undefined> = {};
  const lambdaEnvironment = () => ({ AWS_ENDPOINT_URL: server.url, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: CENTRAL_KEY, AWS_SECRET_ACCESS_KEY: 'central-secret', AWS_MAX_ATTEMPTS: '1' });
  beforeAll(() => {
    for (const [name, value] of Object.entries(lambdaEnvironment())) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
  });
  afterAll(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('diagnoses a member account\'s denial with the member\'s own policies, read through its reader role', async () => {
    const { createPolicyDiagnoser } = await import('../../lambdas/adapters/policy-sources/policy-diagnoser.js');
    const diagnoseDenial = createPolicyDiagnoser({ env: ENV, troubleshooter: null });
    const diagnosis = await diagnoseDenial(classify(memberDenial(MEMBER)));
    expect(diagnosis).toMatchObject({ decision: 'explicit-deny', layer: 'identity-policy', denyingStatement: { sid: 'NoDeletesInProduction' } });
    // SCPs and RCPs are read centrally, where Organizations refused: not checked, not blamed.
    expect(diagnosis.notChecked.filter((line) => line.includes('organizations') || line.includes('control policies'))).not.toEqual([]);
    const memberReads = server.requests.filter((request) => memberKeys.get(signer(request) ?? '') === MEMBER);
    expect(memberReads.length).toBeGreaterThanOrEqual(6);
    expect(server.requests.filter((request) => new URLSearchParams(request.body).get('Action') === 'AssumeRole').map(signer)).toEqual([CENTRAL_KEY]);
  });
});

describe('member account credentials', () => {
  it('are cached per account, shared by concurrent callers, and renewed five minutes before they expire', async () => {
    const credentialsFor = memberAccountCredentials({ sts: centralSts(), roleArnPattern: 'arn:aws:iam::*:role/DenialAlerterReader', now: () => nowMs });
    const provider = credentialsFor(MEMBER);
    const before = issued;
    const [first, second] = await Promise.all([provider(), provider()]);
    expect(first.accessKeyId).toBe(second.accessKeyId);
    expect(issued - before).toBe(1);
    expect(first.expiration?.getTime()).toBe(nowMs + 3_600_000);

    nowMs += 54 * 60_000; // 6 minutes left: still good
    expect((await provider()).accessKeyId).toBe(first.accessKeyId);
    nowMs += 2 * 60_000; // 4 minutes left: renewed
    const renewed = await provider();
    expect(renewed.accessKeyId).not.toBe(first.accessKeyId);
    expect(issued - before).toBe(2);
    expect(credentialsFor(MEMBER)).toBe(provider);
  });

  it('follow the expiry STS gives (shorter than asked), and do not cache a refusal', async () => {
    expiresInMs = 10 * 60_000;
    const credentialsFor = memberAccountCredentials({ sts: centralSts(), roleArnPattern: 'arn:aws:iam::*:role/DenialAlerterReader', now: () => nowMs });
    const before = issued;
    await credentialsFor(MEMBER)();
    nowMs += 6 * 60_000;
    await credentialsFor(MEMBER)();
    expect(issued - before).toBe(2);

    const refused = credentialsFor(LOCKED_MEMBER);
    await expect(refused()).rejects.toBeInstanceOf(ReaderRoleAccessDenied);
    await expect(refused()).rejects.toThrow(`sts:AssumeRole on arn:aws:iam::${LOCKED_MEMBER}:role/DenialAlerterReader failed`);
    expect(server.requests.filter((request) => (new URLSearchParams(request.body).get('RoleArn') ?? '').includes(LOCKED_MEMBER))).toHaveLength(2);
  });
});
