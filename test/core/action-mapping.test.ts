import { describe, expect, it } from 'vitest';
import { EVENT_NAME_EXCEPTIONS, actionFromEvent, resolveAction, servicePrefixOf } from '../../lambdas/core/action-mapping.js';
import { DOCUMENTED_EVENT_SOURCES, legacyAction } from '../../lambdas/core/service-rules/event-source.js';
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

  it('maps every documented eventSource exception to service prefixes IAM knows', () => {
    for (const [host, prefixes] of Object.entries(DOCUMENTED_EVENT_SOURCES)) {
      for (const prefix of prefixes) expect(isKnownService(prefix), host).toBe(true);
      expect(servicePrefixOf(`${host}.amazonaws.com`)).toBe(prefixes[0]);
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

  it('never returns an action outside the IAM catalogue: an unknown message action with nothing better is null', () => {
    expect(resolveAction('Widgets:GetWidget', null, null)).toBeNull();
    expect(resolveAction('iam:Action', 'iam.amazonaws.com', 'NoSuchOperation')).toBeNull();
  });
});

describe('actions the IAM catalogue does not know (issue: invented actions leaked into fixes)', () => {
  it.each([
    // Console sign-in is no IAM action: no action, the event name stays on the denial.
    ['signin.amazonaws.com', 'ConsoleLogin', null],
    // API Gateway's management API is authorized by HTTP verb.
    ['apigateway.amazonaws.com', 'CreateStage', 'apigateway:POST'],
    ['apigateway.amazonaws.com', 'GetRestApis', 'apigateway:GET'],
    ['apigateway.amazonaws.com', 'UpdateStage', 'apigateway:PATCH'],
    ['apigateway.amazonaws.com', 'DeleteStage', 'apigateway:DELETE'],
    ['apigateway.amazonaws.com', 'ImportRestApi', null],
    ['s3.amazonaws.com', 'GetStorageLensDashboardDataInternal', 's3:GetStorageLensDashboard'],
    ['elasticfilesystem.amazonaws.com', 'NewClientConnection', 'elasticfilesystem:ClientMount'],
  ])('%s %s is %s', (source, name, action) => {
    expect(actionFromEvent(source, name)).toBe(action);
    expect(resolveAction(null, source, name)).toBe(action);
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'])('an eventName of %s is no action, never a function printed as one', (name) => {
    for (const source of ['s3.amazonaws.com', 'lambda.amazonaws.com', 'apigateway.amazonaws.com', 'constructor.amazonaws.com']) {
      expect(actionFromEvent(source, name)).toBeNull();
      expect(resolveAction(`s3:${name}`, source, name)).toBeNull();
    }
    expect(canonicalAction(`${name}:${name}`)).toBeNull();
    expect(servicePrefixOf(`${name}.amazonaws.com`)).toBe(name.toLowerCase());
  });

  it('every exception of the table maps to an action of the catalogue', () => {
    for (const [service, table] of Object.entries(EVENT_NAME_EXCEPTIONS)) {
      for (const action of Object.values(table)) expect(canonicalAction(`${service}:${action}`), `${service}:${action}`).toBe(`${service}:${action}`);
    }
  });
});

describe('no denial names an action outside the IAM catalogue', () => {
  it('on every record of the corpus, denials and negatives, and on their variants without an action in the message', async () => {
    const { classify } = await import('../../lambdas/core/classify.js');
    const { corpusFoldersWith, readJsonl } = await import('../support/corpus.js');
    let checked = 0;
    for (const file of ['denied.jsonl', 'negatives.jsonl']) {
      for (const folder of corpusFoldersWith(file)) {
        for (const record of readJsonl(`${folder}/${file}`)) {
          for (const variant of [record, { ...record, errorMessage: 'Access Denied' }, { ...record, eventName: 'constructor', errorMessage: 'Access Denied' }]) {
            const { action } = classify(variant);
            if (action !== null) expect(canonicalAction(action) ?? legacyAction(action), `${record.eventID} ${action}`).toBe(action);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(300);
  });
});
