import type { CloudTrailRecord } from '../../lambdas/core/types.js';

let counter = 0;

/** A synthetic S3 PutObject denial (labelled synthetic: built for tests from the real record shape). */
export function syntheticDenial(overrides: { time: string | number; eventID?: string; key?: string; principal?: string; userAgent?: string; sourceIp?: string } ): CloudTrailRecord {
  const time = typeof overrides.time === 'number' ? new Date(overrides.time).toISOString() : overrides.time;
  const principal = overrides.principal ?? 'ci-deployer';
  return {
    eventVersion: '1.09',
    eventID: overrides.eventID ?? `synthetic-${++counter}-${Math.random().toString(36).slice(2, 10)}`,
    eventTime: time,
    eventSource: 's3.amazonaws.com',
    eventName: 'PutObject',
    awsRegion: 'eu-west-1',
    sourceIPAddress: overrides.sourceIp ?? '203.0.113.10',
    userAgent: overrides.userAgent ?? 'aws-sdk-js/3.0 ci-job',
    errorCode: 'AccessDenied',
    errorMessage: `User: arn:aws:sts::111122223333:assumed-role/${principal}/job-42 is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::artifacts/${overrides.key ?? 'builds/app.zip'}" because no identity-based policy allows the s3:PutObject action`,
    recipientAccountId: '111122223333',
    requestID: 'REQ',
    requestParameters: { bucketName: 'artifacts', key: overrides.key ?? 'builds/app.zip' },
    userIdentity: {
      type: 'AssumedRole',
      arn: `arn:aws:sts::111122223333:assumed-role/${principal}/job-42`,
      accountId: '111122223333',
      principalId: 'AROAEXAMPLE:job-42',
      sessionContext: {
        sessionIssuer: { type: 'Role', arn: `arn:aws:iam::111122223333:role/${principal}`, accountId: '111122223333', userName: principal },
        attributes: { mfaAuthenticated: 'false', creationDate: time },
      },
    },
  };
}

/** `count` denials spread evenly from `startMs` over `minutes`. */
export function syntheticBurst(count: number, startMs: number, minutes: number, options: Parameters<typeof syntheticDenial>[0] extends infer T ? Omit<T & object, 'time'> : never = {}): CloudTrailRecord[] {
  return Array.from({ length: count }, (_, index) => syntheticDenial({ ...options, time: startMs + Math.floor((index * minutes * 60_000) / count) }));
}

/**
 * A labelled synthetic refusal of one call by the IAM user `under-privileged` of account 111122223333, at
 * 2026-12-05 10:00 UTC in us-east-1 (issue 23's service-rule cases); `extra` overrides or adds fields.
 */
export function syntheticRefusal(
  call: { eventSource: string; eventName: string; errorCode: string; errorMessage: string; requestParameters?: Record<string, unknown> | null },
  extra: Partial<CloudTrailRecord> & { account?: string } = {},
): CloudTrailRecord {
  const { account = '111122223333', ...fields } = extra;
  return {
    eventID: `synthetic-refusal-${call.eventSource}-${call.eventName}`,
    eventTime: '2026-12-05T10:00:00Z',
    eventSource: call.eventSource,
    eventName: call.eventName,
    awsRegion: 'us-east-1',
    errorCode: call.errorCode,
    errorMessage: call.errorMessage,
    recipientAccountId: account,
    requestParameters: call.requestParameters ?? null,
    userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${account}:user/under-privileged`, accountId: account, userName: 'under-privileged' },
    ...fields,
  };
}
