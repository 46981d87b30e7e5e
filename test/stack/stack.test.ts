import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { HANDLER_ENV } from '../../lambdas/config/env.js';
import { TABLE_SCHEMA } from '../../lambdas/adapters/table-schema.js';
import { denialEventPattern } from '../../lib/event-pattern.js';
import { StackConfigError } from '../../lib/stack-config.js';
import { POLICY_LOOKUP_ACTIONS } from '../../lib/constructs/policy-lookup-actions.js';
import { buildTemplates, FULL_CONTEXT } from './support/build.js';

const plain = buildTemplates();
const full = buildTemplates(FULL_CONTEXT);

function resourcesOf(template: typeof plain.central, type: string): Array<Record<string, any>> {
  return Object.values(template.findResources(type)) as Array<Record<string, any>>;
}

describe('DenialAlerter stack', () => {
  it('has the table of table-schema.ts: keys, three GSIs, TTL, PITR, KMS, on demand', () => {
    plain.central.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: TABLE_SCHEMA.ttlAttribute, Enabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      GlobalSecondaryIndexes: Object.values(TABLE_SCHEMA.indexes).map((index) =>
        Match.objectLike({ IndexName: index.name, KeySchema: [{ AttributeName: index.partitionKey, KeyType: 'HASH' }, { AttributeName: index.sortKey, KeyType: 'RANGE' }] }),
      ),
    });
  });

  it('encrypts every queue and the topic with the rotating customer-managed key, TLS only', () => {
    plain.central.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    const queues = resourcesOf(plain.central, 'AWS::SQS::Queue');
    expect(queues).toHaveLength(5);
    for (const queue of queues) expect(queue.Properties.KmsMasterKeyId).toBeDefined();
    plain.central.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    for (const policy of resourcesOf(plain.central, 'AWS::SQS::QueuePolicy')) {
      expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('aws:SecureTransport');
    }
  });

  it('routes CloudTrail denials, read-only ones included, to the ingest queue with retries and a dead-letter queue', () => {
    plain.central.hasResourceProperties('AWS::Events::Rule', {
      State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
      EventPattern: denialEventPattern(),
      Targets: [Match.objectLike({ DeadLetterConfig: { Arn: Match.anyValue() }, RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 } })],
    });
  });

  it('feeds the handler in batches with partial batch failure reporting, and redrives poison messages', () => {
    plain.central.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 1000,
      MaximumBatchingWindowInSeconds: 30,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const ingest = resourcesOf(plain.central, 'AWS::SQS::Queue').find((queue) => queue.Properties.RedrivePolicy);
    expect(ingest?.Properties.RedrivePolicy.maxReceiveCount).toBe(5);
    expect(ingest?.Properties.VisibilityTimeout).toBe(720);
  });

  it('runs the handler on Node.js 22, arm64, with exactly the environment the handler reads', () => {
    const functions = resourcesOf(full.central, 'AWS::Lambda::Function').filter((fn) => fn.Properties.Runtime?.startsWith('nodejs22'));
    expect(functions).toHaveLength(1);
    const handler = functions[0]!.Properties;
    expect(handler.Architectures).toEqual(['arm64']);
    expect(handler.Handler).toBe('index.handler');
    const names = Object.keys(handler.Environment.Variables);
    expect(names.filter((name) => !name.startsWith('POWERTOOLS_') && name !== 'NODE_OPTIONS').sort()).toEqual(Object.values(HANDLER_ENV).sort());
    expect(JSON.parse(handler.Environment.Variables[HANDLER_ENV.settings])).toMatchObject({ threshold: 5, windowMinutes: 5 });
    expect(JSON.stringify(handler.Environment.Variables)).not.toMatch(/hooks\.slack\.com/);
  });

  it('grants no wildcard action anywhere, and resource "*" only to the opt-in read-only policy lookups', () => {
    for (const template of [full.central, full.forwarder]) {
      for (const policy of [...resourcesOf(template, 'AWS::IAM::Policy'), ...resourcesOf(template, 'AWS::IAM::Role')]) {
        const documents = [policy.Properties.PolicyDocument, ...(policy.Properties.Policies ?? []).map((p: any) => p.PolicyDocument)].filter(Boolean);
        for (const statement of documents.flatMap((document: any) => document.Statement)) {
          const actions = [statement.Action].flat();
          for (const action of actions) expect(String(action)).not.toMatch(/\*/);
          if ([statement.Resource].flat().includes('*')) expect(statement.Sid).toBe('PolicyLookupsReadOnly');
        }
      }
    }
    const lookups = JSON.stringify(full.central.toJSON());
    for (const action of POLICY_LOOKUP_ACTIONS) expect(lookups).toContain(action);
    expect(JSON.stringify(plain.central.toJSON())).not.toContain('iam:GetRolePolicy');
  });

  it('alarms on handler errors, throttles, dead-letter depth and delivery failures, to the alert topic; has a dashboard', () => {
    const alarms = resourcesOf(plain.central, 'AWS::CloudWatch::Alarm');
    const metrics = alarms.map((alarm) => alarm.Properties.MetricName);
    expect(metrics).toEqual(expect.arrayContaining(['Errors', 'Throttles', 'DeliveryFailures', 'ApproximateNumberOfMessagesVisible']));
    expect(metrics.filter((name) => name === 'ApproximateNumberOfMessagesVisible')).toHaveLength(4);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toHaveLength(1);
    plain.central.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  it('adds a central bus open only to the organization, a trail with data events, and email subscriptions when asked', () => {
    full.central.hasResourceProperties('AWS::Events::EventBusPolicy', {
      Statement: Match.objectLike({ Action: 'events:PutEvents', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } }),
    });
    full.central.resourceCountIs('AWS::Events::Rule', 2);
    full.central.hasResourceProperties('AWS::CloudTrail::Trail', { IsMultiRegionTrail: true, EventSelectors: Match.anyValue() });
    full.central.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'secops@example.com' });
    plain.central.resourceCountIs('AWS::CloudTrail::Trail', 0);
    plain.central.resourceCountIs('AWS::Events::EventBus', 0);
  });
});

describe('DenialAlerterForwarder stack', () => {
  it('forwards the same pattern from the default bus to the central bus through a role, with a dead-letter queue', () => {
    plain.forwarder.hasResourceProperties('AWS::Events::Rule', {
      State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
      EventPattern: denialEventPattern(),
      Targets: [Match.objectLike({ RoleArn: Match.anyValue(), DeadLetterConfig: Match.anyValue() })],
    });
    plain.forwarder.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [Match.objectLike({ Action: 'events:PutEvents' })] },
    });
  });
});

describe('configuration', () => {
  it('fails synth with a clear message on bad context', () => {
    expect(() => buildTemplates({ settings: { threshold: -1 } })).toThrow(new StackConfigError('context "settings": setting "threshold" must be a positive number, got -1'));
    expect(() => buildTemplates({ alertEmails: ['not-an-email'] })).toThrow(/alertEmails/);
    expect(() => buildTemplates({ organizationId: 'acme' })).toThrow(/organizationId/);
  });
});
