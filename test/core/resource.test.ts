import { describe, expect, it } from 'vitest';
import { classify } from '../../lambdas/core/classify.js';
import { fingerprintOf } from '../../lambdas/core/fingerprint.js';
import { formatArn, partitionOf, resourceFromRequest } from '../../lambdas/core/resource-arn.js';
import { resourceFamily } from '../../lambdas/core/resource-family.js';

const context = { partition: 'aws', region: 'eu-west-1', account: '111122223333' };

describe('resourceFromRequest', () => {
  it.each([
    ['s3', { bucketName: 'b', key: 'a/b.txt' }, 'arn:aws:s3:::b/a/b.txt'],
    ['s3', { bucketName: 'b' }, 'arn:aws:s3:::b'],
    ['dynamodb', { tableName: 'orders' }, 'arn:aws:dynamodb:eu-west-1:111122223333:table/orders'],
    ['lambda', { functionName: 'fn:live' }, 'arn:aws:lambda:eu-west-1:111122223333:function:fn'],
    ['lambda', { functionName: 'arn:aws:lambda:eu-west-1:444455556666:function:x' }, 'arn:aws:lambda:eu-west-1:444455556666:function:x'],
    ['sqs', { queueUrl: 'https://sqs.eu-west-1.amazonaws.com/111122223333/jobs' }, 'arn:aws:sqs:eu-west-1:111122223333:jobs'],
    ['secretsmanager', { secretId: 'prod/db' }, 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-??????'],
    ['kms', { keyId: '1234abcd-12ab-34cd-56ef-1234567890ab' }, 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'],
    ['kms', { keyId: 'alias/app' }, 'arn:aws:kms:eu-west-1:111122223333:alias/app'],
    ['iam', { roleName: 'deployer' }, 'arn:aws:iam::111122223333:role/deployer'],
    ['ec2', { instanceId: 'i-0abc' }, 'arn:aws:ec2:eu-west-1:111122223333:instance/i-0abc'],
    ['ec2', { instancesSet: { items: [{ instanceId: 'i-1' }] } }, 'arn:aws:ec2:eu-west-1:111122223333:instance/i-1'],
    ['rds', { dBInstanceIdentifier: 'prod' }, 'arn:aws:rds:eu-west-1:111122223333:db:prod'],
    ['sns', { topicArn: 'arn:aws:sns:eu-west-1:111122223333:t' }, 'arn:aws:sns:eu-west-1:111122223333:t'],
    ['sts', { roleArn: 'arn:aws:iam::444455556666:role/x', roleSessionName: 's' }, 'arn:aws:iam::444455556666:role/x'],
  ])('%s %j', (service, requestParameters, arn) => {
    expect(resourceFromRequest({ requestParameters }, service, context)).toBe(arn);
  });

  it('returns null rather than inventing "*" when nothing names the resource', () => {
    expect(resourceFromRequest({ requestParameters: { includePublic: true } }, 'rds', context)).toBeNull();
    expect(resourceFromRequest({ requestParameters: null }, 's3', context)).toBeNull();
  });

  it('uses the iam-data ARN formats and refuses a format with a missing variable', () => {
    expect(formatArn('s3', 'object', { BucketName: 'b' }, context)).toBeNull();
    expect(formatArn('nosuchservice', 'thing', {}, context)).toBeNull();
  });

  it('knows the partitions', () => {
    expect([partitionOf('cn-north-1'), partitionOf('us-gov-west-1'), partitionOf('eu-west-1'), partitionOf(null)]).toEqual([
      'aws-cn',
      'aws-us-gov',
      'aws',
      'aws',
    ]);
  });
});

describe('resourceFamily', () => {
  it.each([
    ['arn:aws:s3:::bucket/logs/2024/07/30/a.gz', 'arn:aws:s3:::bucket/logs/*'],
    ['arn:aws:s3:::bucket/top.txt', 'arn:aws:s3:::bucket/*'],
    ['arn:aws:s3:::bucket', 'arn:aws:s3:::bucket'],
    ['arn:aws:ec2:us-east-1:111122223333:instance/i-0abcdef1234567890', 'arn:aws:ec2:us-east-1:111122223333:instance/*'],
    ['arn:aws:ec2:us-east-1:111122223333:volume/vol-0123456789abcdef0', 'arn:aws:ec2:us-east-1:111122223333:volume/*'],
    ['arn:aws:lambda:us-east-1:111122223333:function:fn:42', 'arn:aws:lambda:us-east-1:111122223333:function:fn'],
    ['arn:aws:logs:us-east-1:111122223333:log-group:/app:log-stream:abc', 'arn:aws:logs:us-east-1:111122223333:log-group:/app'],
    ['arn:aws:iam::111122223333:role/deployer', 'arn:aws:iam::111122223333:role/deployer'],
    ['*', '*'],
  ])('%s is in family %s', (arn, family) => {
    expect(resourceFamily(arn)).toBe(family);
  });
});

describe('fingerprints', () => {
  const record = (key: string, instance: string) => ({
    eventID: key,
    eventSource: 's3.amazonaws.com',
    eventName: 'PutObject',
    errorCode: 'AccessDenied',
    errorMessage: 'Access Denied',
    awsRegion: 'us-east-1',
    recipientAccountId: '111122223333',
    requestParameters: { bucketName: 'uploads', key: `${instance}/${key}.json` },
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/ci', accountId: '111122223333' },
  });

  it('is the same for keys under one prefix and differs across prefixes', () => {
    expect(classify(record('a', 'in')).fingerprint).toBe(classify(record('b', 'in')).fingerprint);
    expect(classify(record('a', 'in')).fingerprint).not.toBe(classify(record('a', 'out')).fingerprint);
  });

  it('is stable across runs (a fixed value, so that stored counters keep matching)', () => {
    expect(fingerprintOf('111122223333', 'arn:aws:iam::111122223333:user/ci', 's3:PutObject', 'arn:aws:s3:::uploads/in/*')).toBe(
      classify(record('a', 'in')).fingerprint,
    );
    expect(fingerprintOf('1', 'p', 'a', 'r')).toMatch(/^[0-9a-f]{20}$/);
    expect(fingerprintOf('1', 'p', 'a', 'r')).toBe(fingerprintOf('1', 'p', 'a', 'r'));
  });
});
