import { describe, expect, it } from 'vitest';
import { EVENT_NAME_EXCEPTIONS, SERVICE_PREFIX_EXCEPTIONS, actionFromEvent, resolveAction, servicePrefixOf } from '../../lambdas/core/action-mapping.js';
import { canonicalAction, isKnownService } from '../../lambdas/core/iam-catalog.js';

describe('actionFromEvent', () => {
  it.each([
    ['s3.amazonaws.com', 'HeadObject', 's3:GetObject'],
    ['s3.amazonaws.com', 'HeadBucket', 's3:ListBucket'],
    ['s3.amazonaws.com', 'ListObjects', 's3:ListBucket'],
    ['s3.amazonaws.com', 'ListObjectsV2', 's3:ListBucket'],
    ['s3.amazonaws.com', 'ListBuckets', 's3:ListAllMyBuckets'],
    ['s3.amazonaws.com', 'DeleteBucketEncryption', 's3:PutEncryptionConfiguration'],
    ['lambda.amazonaws.com', 'Invoke', 'lambda:InvokeFunction'],
    ['lambda.amazonaws.com', 'ListFunctions20150331', 'lambda:ListFunctions'],
    ['lambda.amazonaws.com', 'GetFunction20150331v2', 'lambda:GetFunction'],
    ['monitoring.amazonaws.com', 'PutMetricData', 'cloudwatch:PutMetricData'],
    ['email.amazonaws.com', 'SendEmail', 'ses:SendEmail'],
    ['cloudfront.amazonaws.com', 'GetDistribution2020_05_31', 'cloudfront:GetDistribution'],
    ['ec2.amazonaws.com', 'RunInstances', 'ec2:RunInstances'],
    ['kms.amazonaws.com', 'Decrypt', 'kms:Decrypt'],
  ])('%s %s is %s', (source, name, action) => {
    expect(actionFromEvent(source, name)).toBe(action);
  });

  it('maps every S3 and Lambda exception to an action IAM knows', () => {
    for (const [service, table] of Object.entries(EVENT_NAME_EXCEPTIONS)) {
      for (const [eventName, action] of Object.entries(table)) {
        expect(canonicalAction(`${service}:${action}`), `${service} ${eventName}`).not.toBeNull();
      }
    }
  });

  it('maps every eventSource exception to a service prefix IAM knows', () => {
    for (const [host, prefix] of Object.entries(SERVICE_PREFIX_EXCEPTIONS)) {
      expect(isKnownService(prefix), host).toBe(true);
      expect(servicePrefixOf(`${host}.amazonaws.com`)).toBe(prefix);
    }
  });

  it('returns null without a source or a name', () => {
    expect(actionFromEvent(null, 'GetObject')).toBeNull();
    expect(actionFromEvent('s3.amazonaws.com', undefined)).toBeNull();
  });
});

describe('resolveAction', () => {
  it('lets the message win and normalises its prefix (SNS:Publish is sns:Publish)', () => {
    expect(resolveAction('SNS:Publish', 'sns.amazonaws.com', 'Publish')).toBe('sns:Publish');
    expect(resolveAction('lambda:ListFunctions', 'lambda.amazonaws.com', 'ListFunctions20150331')).toBe('lambda:ListFunctions');
  });

  it('falls back to the event when the message names no action IAM knows', () => {
    expect(resolveAction('iam:Action', 'iam.amazonaws.com', 'CreateServiceLinkedRole')).toBe('iam:CreateServiceLinkedRole');
  });

  it('keeps an unknown message action (lower-case prefix) when the event says nothing better', () => {
    expect(resolveAction('Widgets:GetWidget', null, null)).toBe('widgets:GetWidget');
  });
});
