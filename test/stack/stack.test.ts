import { Stack, Token } from 'aws-cdk-lib';
import { SECURITY_HUB_ENV } from '../../lambdas/config/security-hub.js';
import { Capture, Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { TABLE_SCHEMA } from '../../lambdas/adapters/table-schema.js';
import { HANDLER_ENV, MEMBER_ACCOUNTS_ENV, POLICY_LOOKUPS_ENV, ROUTING_ENV } from '../../lambdas/config/env.js';
import { METRICS } from '../../lambdas/config/metrics.js';
import { resolveSettings } from '../../lambdas/core/config.js';
import { changeEventPatterns } from '../../lib/change-pattern.js';
import { denialEventPattern } from '../../lib/event-pattern.js';
import { POLICY_LOOKUP_ACTIONS, policyLookupGrants } from '../../lib/policy-lookups.js';
import { NEVER_BLIND_ENV } from '../../lambdas/config/never-blind.js';
import { buildCentral, buildForwarder, buildTemplates, FULL_CONTEXT, iamStatementsOf, resourcesOf } from './support/build.js';

const plain = buildTemplates();
const full = buildTemplates(FULL_CONTEXT);

function handlerOf(template: typeof plain.central): Record<string, any> {
  // The handler, not the canary (inline code, lib/constructs/canary.ts).
  const functions = resourcesOf(template, 'AWS::Lambda::Function').filter((fn) => fn.Properties.Runtime === 'nodejs22.x' && !fn.Properties.Code.ZipFile);
  expect(functions).toHaveLength(1);
  return functions[0]!.Properties;
}

describe('DenialAlerter stack: storage and messaging', () => {
  it('has the table of table-schema.ts: keys, its indexes, TTL, point-in-time recovery, KMS, on demand, retained', () => {
    plain.central.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: {
        KeySchema: [
          { AttributeName: TABLE_SCHEMA.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE_SCHEMA.sortKey, KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: TABLE_SCHEMA.ttlAttribute, Enabled: true },
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        GlobalSecondaryIndexes: Object.values(TABLE_SCHEMA.indexes).map((index) =>
          Match.objectLike({
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey, KeyType: 'HASH' },
              { AttributeName: index.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: (index as { projection?: string }).projection ?? 'ALL' },
          }),
        ),
      },
    });
  });

  it('encrypts the topic and every queue with the rotating customer-managed key, and refuses plain HTTP', () => {
    const key = new Capture();
    plain.central.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    plain.central.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [key, 'Arn'] } });
    const queues = resourcesOf(plain.central, 'AWS::SQS::Queue');
    expect(queues).toHaveLength(5);
    for (const queue of queues) expect(queue.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [key.asString(), 'Arn'] });
    for (const policy of resourcesOf(plain.central, 'AWS::SQS::QueuePolicy')) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  it('lets EventBridge and CloudWatch use the key only from this account, and the handler through its role', () => {
    plain.central.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'events.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } }),
          Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' } }),
        ]),
      },
    });
    expect(iamStatementsOf(plain.central)).toContainEqual(expect.objectContaining({ Sid: 'DataKey', Action: ['kms:Decrypt', 'kms:GenerateDataKey'] }));
  });

  it('feeds the handler in batches of 1000 within 30 s, reporting partial batch failures', () => {
    plain.central.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 1000,
      MaximumBatchingWindowInSeconds: 30,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('moves a message received 5 times to a dead-letter queue, with a visibility timeout of 6 handler timeouts', () => {
    const ingest = resourcesOf(plain.central, 'AWS::SQS::Queue').filter((queue) => queue.Properties.RedrivePolicy);
    expect(ingest).toHaveLength(1);
    expect(ingest[0]!.Properties.RedrivePolicy.maxReceiveCount).toBe(5);
    expect(ingest[0]!.Properties.VisibilityTimeout).toBe(6 * handlerOf(plain.central).Timeout);
  });
});

describe('DenialAlerter stack: rules', () => {
  it('routes denials from the default bus, read-only ones included, to the ingest queue with retries and a dead-letter queue', () => {
    plain.central.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: Match.absent(),
      State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
      EventPattern: denialEventPattern(),
      Targets: [Match.objectLike({ DeadLetterConfig: { Arn: Match.anyValue() }, RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 } })],
    });
  });

  it('has a central bus with the same rule, open to other accounts only with organizationId', () => {
    for (const { central } of [plain, full]) {
      central.resourceCountIs('AWS::Events::EventBus', 1);
      central.hasResourceProperties('AWS::Events::Rule', { EventBusName: { Ref: Match.anyValue() }, State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS' });
    }
    plain.central.resourceCountIs('AWS::Events::EventBusPolicy', 0);
    full.central.hasResourceProperties('AWS::Events::EventBusPolicy', {
      Statement: Match.objectLike({ Action: 'events:PutEvents', Condition: { StringEquals: { 'aws:PrincipalOrgID': FULL_CONTEXT.organizationId } } }),
    });
  });

  it('lets each rule, and nothing else, send to the ingest and rule dead-letter queues', () => {
    const sourceArns = resourcesOf(plain.central, 'AWS::SQS::QueuePolicy')
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
      .filter((statement: any) => statement.Principal?.Service === 'events.amazonaws.com')
      .map((statement: any) => statement.Condition.ArnEquals['aws:SourceArn']['Fn::GetAtt'][0]);
    // Denials and each shard of the policy changes ("what changed"), each on the default and the central bus; two queues.
    const rules = 2 * (1 + changeEventPatterns().length);
    expect(sourceArns).toHaveLength(2 * rules);
    expect(new Set(sourceArns).size).toBe(rules);
  });

  it('lets accounts outside the organization put events on the central bus with externalAccounts, and no one else', () => {
    buildCentral({ externalAccounts: ['444455556666'] }).central.hasResourceProperties('AWS::Events::EventBusPolicy', {
      Statement: Match.objectLike({ Sid: 'cdk-DenialAlerterExternalAccounts', Action: 'events:PutEvents', Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::444455556666:root']] } } }),
    });
    expect(() => buildCentral({ externalAccounts: ['4444'] })).toThrow('context "externalAccounts" must be an array of 12-digit account ids');
  });

  it('ingests the "what changed" events with one rule per pattern shard on each bus, into the same queue, unless whatChanged is false', () => {
    const shards = changeEventPatterns();
    expect(shards.length).toBeGreaterThan(1);
    for (const eventPattern of shards) {
      for (const busName of [Match.absent(), { Ref: Match.stringLikeRegexp('^CentralBus') }]) {
        plain.central.hasResourceProperties('AWS::Events::Rule', {
          EventBusName: busName,
          EventPattern: eventPattern,
          Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^IngestQueue'), 'Arn'] }, DeadLetterConfig: Match.anyValue() })],
        });
      }
      plain.forwarder.hasResourceProperties('AWS::Events::Rule', { EventPattern: eventPattern });
    }
    const without = buildTemplates({ whatChanged: false });
    const isShard = (rule: { Properties: Record<string, any> }) => shards.some((shard) => JSON.stringify(rule.Properties.EventPattern) === JSON.stringify(shard));
    for (const template of [without.central, without.forwarder]) expect(resourcesOf(template, 'AWS::Events::Rule').filter(isShard)).toEqual([]);
  });

  it('keeps every rule pattern of the central stack and the forwarder within EventBridge\'s 2,048 characters (compact JSON, as CloudFormation sends it)', () => {
    for (const template of [plain.central, plain.forwarder, full.central, full.forwarder]) {
      for (const rule of resourcesOf(template, 'AWS::Events::Rule').filter((rule) => !rule.Properties.ScheduleExpression)) expect(JSON.stringify(rule.Properties.EventPattern).length).toBeLessThanOrEqual(2048);
    }
  });

  it('puts the extra error codes in the rule pattern and in the handler settings alike', () => {
    full.central.hasResourceProperties('AWS::Events::Rule', { EventPattern: denialEventPattern(['AuthorizationError']) });
    expect(JSON.parse(handlerOf(full.central).Environment.Variables[HANDLER_ENV.settings]).extraErrorCodes).toEqual(['AuthorizationError']);
  });
});

describe('DenialAlerter stack: handler', () => {
  it('runs on Node.js 22, arm64, with JSON logs in its own log group kept 30 days', () => {
    const handler = handlerOf(plain.central);
    expect(handler).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: 'index.handler', LoggingConfig: { LogFormat: 'JSON' } });
    plain.central.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('sets exactly the environment variables the handler reads, plus Powertools\'', () => {
    const variables = handlerOf(full.central).Environment.Variables;
    expect(HANDLER_ENV).not.toEqual({});
    // NEVER_BLIND_ENV: all but the canary exclusions, which FULL_CONTEXT leaves empty (test/stack/canary.test.ts sets them).
    const neverBlind = Object.values(NEVER_BLIND_ENV).filter((name) => name !== NEVER_BLIND_ENV.canaryExcluded);
    const optional: string[] = [POLICY_LOOKUPS_ENV, ...Object.values(ROUTING_ENV), ...Object.values(MEMBER_ACCOUNTS_ENV), ...Object.values(SECURITY_HUB_ENV), ...neverBlind];
    const own = Object.keys(variables).filter((name) => !name.startsWith('POWERTOOLS_') && name !== 'NODE_OPTIONS' && !optional.includes(name));
    expect(own.sort()).toEqual(Object.values(HANDLER_ENV).sort());
    // With every option on, every optional variable is set too.
    for (const name of optional) expect(variables, name).toHaveProperty(name);
    expect(variables).toMatchObject({ POWERTOOLS_SERVICE_NAME: METRICS.service, POWERTOOLS_METRICS_NAMESPACE: METRICS.namespace });
  });

  it('passes the settings resolved from context, defaults filled in', () => {
    const settings = buildTemplates({ settings: { threshold: 9 } });
    expect(JSON.parse(handlerOf(settings.central).Environment.Variables[HANDLER_ENV.settings])).toEqual(resolveSettings({ threshold: 9 }));
  });

  it('leaves Slack out without a secret name', () => {
    expect(Object.keys(handlerOf(plain.central).Environment.Variables)).not.toContain(HANDLER_ENV.slackWebhookSecretArn);
    expect(iamStatementsOf(plain.central).some((statement) => statement.Sid === 'SlackWebhookSecret')).toBe(false);
  });

  it('gives the handler the secret\'s ARN (never the URL) and GetSecretValue on that secret only', () => {
    const variable = handlerOf(full.central).Environment.Variables[HANDLER_ENV.slackWebhookSecretArn];
    expect(JSON.stringify(variable)).toMatch(/:secretsmanager:.*:secret:denial-alerter\/slack-webhook"/);
    const secretStatement = iamStatementsOf(full.central).find((statement) => statement.Sid === 'SlackWebhookSecret');
    expect(secretStatement?.Action).toBe('secretsmanager:GetSecretValue');
    // Secrets Manager appends six random characters to the ARN of a secret created by name.
    expect(JSON.stringify(secretStatement?.Resource)).toMatch(/:secret:denial-alerter\/slack-webhook-\?\?\?\?\?\?"/);
  });
});

describe('least privilege', () => {
  it('grants no wildcard action in either stack', () => {
    for (const template of [full.central, full.forwarder, plain.central, plain.forwarder]) {
      for (const statement of iamStatementsOf(template)) {
        for (const action of [statement.Action].flat()) expect(String(action)).not.toContain('*');
      }
    }
  });

  it('grants resource "*" only where IAM supports nothing narrower (the lookups lib/policy-lookups.ts says so for)', () => {
    const everything = [...iamStatementsOf(full.central), ...iamStatementsOf(full.forwarder)].filter((statement) => [statement.Resource].flat().includes('*'));
    const unscopable = policyLookupGrants({ partition: 'aws', account: '111122223333', accessTroubleshooter: true }).filter((grant) => grant.resources.includes('*'));
    expect(unscopable.map((grant) => grant.sid)).toContain('PolicyLookupSts');
    expect(everything.map((statement) => statement.Sid).sort()).toEqual(unscopable.map((grant) => grant.sid).sort());
  });

  it('gives the handler exactly its DynamoDB item actions on the table, Query on byDay, and Query and a Scan on byTime (old pages)', () => {
    const table = iamStatementsOf(plain.central).filter((statement) => [statement.Action].flat().some((action: string) => action.startsWith('dynamodb:')));
    expect(table).toEqual([
      expect.objectContaining({
        Action: ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^HistoryTable/), 'Arn'] },
      }),
      expect.objectContaining({
        Action: 'dynamodb:Query',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^HistoryTable/), 'Arn'] }, '/index/byDay']] },
      }),
      expect.objectContaining({
        Action: ['dynamodb:Query', 'dynamodb:Scan'],
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^HistoryTable/), 'Arn'] }, '/index/byTime']] },
      }),
    ]);
  });

  it('turns the handler\'s policy lookups on only with policyLookups', () => {
    expect(handlerOf(full.central).Environment.Variables[POLICY_LOOKUPS_ENV]).toBe('true');
    expect(handlerOf(plain.central).Environment.Variables).not.toHaveProperty(POLICY_LOOKUPS_ENV);
  });

  it('adds the policy lookups only with policyLookups, scoped to this account\'s roles, users, groups and policies', () => {
    const granted = iamStatementsOf(full.central).flatMap((statement) => [statement.Action].flat());
    for (const action of POLICY_LOOKUP_ACTIONS) expect(granted).toContain(action);
    expect(iamStatementsOf(plain.central).flatMap((statement) => [statement.Action].flat())).not.toContain('iam:GetRolePolicy');
    const roleLookups = iamStatementsOf(full.central).find((statement) => statement.Sid === 'PolicyLookupIamRole');
    expect(roleLookups?.Resource).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':role/*']] });
  });
});

describe('DenialAlerter stack: alarms, dashboard, subscriptions, trail', () => {
  it('alarms on handler errors and throttles, delivery failures, alerts stuck in the outbox and each dead-letter queue, to the operations topic', () => {
    const alarms = resourcesOf(plain.central, 'AWS::CloudWatch::Alarm');
    const metrics = alarms.map((alarm) => alarm.Properties.MetricName).sort();
    expect(metrics).toEqual(['AlertsPending', 'ApproximateNumberOfMessagesVisible', 'ApproximateNumberOfMessagesVisible', 'ApproximateNumberOfMessagesVisible', 'ApproximateNumberOfMessagesVisible', 'DeliveryFailures', 'Errors', 'Throttles']);
    plain.central.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: METRICS.names.alertsPending, EvaluationPeriods: 3, Period: 300 });
    const topic = Object.keys(plain.central.findResources('AWS::SNS::Topic', { Properties: { DisplayName: 'Denial Alerter operations' } }))[0];
    expect(topic).toBeDefined();
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topic }]);
    plain.central.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: METRICS.namespace, MetricName: METRICS.names.deliveryFailures, Dimensions: [{ Name: 'service', Value: METRICS.service }] });
  });

  it('has a dashboard graphing denials, alerts, suppressed, errors and dead-letter depth', () => {
    const body = JSON.stringify(resourcesOf(plain.central, 'AWS::CloudWatch::Dashboard')[0]!.Properties.DashboardBody);
    for (const name of [METRICS.names.denialsProcessed, METRICS.names.alertsPublished, METRICS.names.suppressed, 'Errors', 'ApproximateNumberOfMessagesVisible']) expect(body).toContain(name);
  });

  it('with Slack on the default route, the handler takes the operations topic\'s alarms; what Slack refuses goes to its own queue', () => {
    const topics = full.central.findResources('AWS::SNS::Topic');
    const lambdaSubscriptions = resourcesOf(full.central, 'AWS::SNS::Subscription').filter((subscription) => subscription.Properties.Protocol === 'lambda');
    expect(lambdaSubscriptions).toHaveLength(1);
    expect(topics[lambdaSubscriptions[0]!.Properties.TopicArn.Ref]!.Properties.DisplayName).toBe('Denial Alerter operations');
    const [handlerId] = Object.keys(full.central.findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.handler', Environment: { Variables: { [HANDLER_ENV.tableName]: Match.anyValue() } } } }));
    expect(lambdaSubscriptions[0]!.Properties.Endpoint).toEqual({ 'Fn::GetAtt': [handlerId, 'Arn'] });
    const [invokeConfig] = resourcesOf(full.central, 'AWS::Lambda::EventInvokeConfig');
    expect(invokeConfig!.Properties.MaximumRetryAttempts).toBe(2);
    const queueId = invokeConfig!.Properties.DestinationConfig.OnFailure.Destination['Fn::GetAtt'][0] as string;
    expect(queueId).toMatch(/^OperationsDeadLetter/);
    expect(iamStatementsOf(full.central).filter((statement) => statement.Sid === 'UndeliveredAlarms')).toEqual([
      expect.objectContaining({ Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [queueId, 'Arn'] } }),
    ]);
    // Watched like every dead-letter queue.
    expect(resourcesOf(full.central, 'AWS::CloudWatch::Alarm').some((alarm) => JSON.stringify(alarm.Properties.Dimensions ?? []).includes(queueId))).toBe(true);
    plain.central.resourceCountIs('AWS::Lambda::EventInvokeConfig', 0);
    expect(Object.keys(plain.central.findResources('AWS::SQS::Queue')).some((id) => id.startsWith('OperationsDeadLetter'))).toBe(false);
  });

  it('subscribes the alert emails to the topic', () => {
    full.central.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'secops@example.com' });
    plain.central.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('creates a trail only when asked, with management, data and VPC-endpoint denial selectors and no basic selectors', () => {
    plain.central.resourceCountIs('AWS::CloudTrail::Trail', 0);
    full.central.hasResourceProperties('AWS::CloudTrail::Trail', {
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EventSelectors: Match.absent(),
      AdvancedEventSelectors: [
        { Name: Match.anyValue(), FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
        Match.objectLike({ FieldSelectors: Match.arrayWith([{ Field: 'resources.type', Equals: ['AWS::S3::Object'] }]) }),
        Match.objectLike({ FieldSelectors: Match.arrayWith([{ Field: 'resources.type', Equals: ['AWS::Lambda::Function'] }]) }),
        ...FULL_CONTEXT.trailNetworkActivitySources.map((source) =>
          Match.objectLike({
            FieldSelectors: [
              { Field: 'eventCategory', Equals: ['NetworkActivity'] },
              { Field: 'eventSource', Equals: [source] },
              { Field: 'errorCode', Equals: ['VpceAccessDenied'] },
            ],
          }),
        ),
      ],
    });
  });

  it('keeps the trail logs in private, TLS-only, encrypted buckets with access logging', () => {
    const buckets = resourcesOf(full.central, 'AWS::S3::Bucket');
    expect(buckets).toHaveLength(2);
    for (const bucket of buckets) {
      expect(bucket.Properties.BucketEncryption).toBeDefined();
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    }
    expect(buckets.filter((bucket) => bucket.Properties.LoggingConfiguration)).toHaveLength(1);
  });
});

describe('DenialAlerterForwarder stack', () => {
  it('forwards the same pattern from the default bus to the central bus through a role, with a dead-letter queue', () => {
    plain.forwarder.hasResourceProperties('AWS::Events::Rule', {
      State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
      EventPattern: denialEventPattern(),
      Targets: [Match.objectLike({ RoleArn: Match.anyValue(), DeadLetterConfig: Match.anyValue(), RetryPolicy: Match.anyValue() })],
    });
    plain.forwarder.hasResourceProperties('AWS::IAM::Policy', { PolicyDocument: { Statement: [Match.objectLike({ Action: 'events:PutEvents' })] } });
    plain.forwarder.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    plain.forwarder.resourceCountIs('AWS::KMS::Key', 0);
  });

  it('needs no bootstrap: no assets, no bootstrap-version parameter (deployable as a StackSet)', () => {
    expect(plain.forwarder.toJSON().Parameters ?? {}).toEqual({});
    expect(plain.forwarder.toJSON().Rules ?? {}).toEqual({});
    expect(JSON.stringify(plain.forwarder.toJSON())).not.toContain('cdk-bootstrap');
  });

  it('targets the central bus of this account and Region by default', () => {
    plain.forwarder.hasResourceProperties('AWS::Events::Rule', {
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':event-bus/denial-alerter-central']] },
        }),
      ],
    });
  });

  it('targets the central bus of centralAccount and centralRegion, or centralBusArn as given', () => {
    const elsewhere = buildForwarder({ centralAccount: '111122223333', centralRegion: 'eu-west-1' });
    elsewhere.forwarder.hasResourceProperties('AWS::Events::Rule', {
      Targets: [Match.objectLike({ Arn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:eu-west-1:111122223333:event-bus/denial-alerter-central']] } })],
    });
    const arn = 'arn:aws:events:eu-central-1:444455556666:event-bus/security';
    buildForwarder({ centralBusArn: arn }).forwarder.hasResourceProperties('AWS::Events::Rule', { Targets: [Match.objectLike({ Arn: arn })] });
    buildForwarder({ centralBusArn: arn }).forwarder.hasResourceProperties('AWS::IAM::Policy', { PolicyDocument: { Statement: [Match.objectLike({ Resource: arn })] } });
  });
});

describe('app', () => {
  it('keeps the logical ids the stateful resources had before the construct library (an update never replaces them)', () => {
    // Ids of the templates before `DenialAlerter` became a construct (commit 24e1461): the construct's id `Default`
    // is left out of logical ids, so the table, the key, the bus and the queues stay the same resources.
    const central = ['HistoryTable4479EEA3', 'DataKey2A0DE9E6', 'CentralBus3F528159', 'IngestQueue95F6DB49', 'IngestDeadLetterQueue79C94A84', 'RuleDeadLetterQueueE0B1BAF6', 'RecordDeadLetterQueueEE63D4ED', 'AlertDeadLetterQueue99CFBE84', 'HandlerLogs9F727CE1'];
    expect(Object.keys(plain.central.toJSON().Resources)).toEqual(expect.arrayContaining(central));
    expect(Object.keys(plain.forwarder.toJSON().Resources)).toEqual(expect.arrayContaining(['ForwardDeadLetterQueueBA8BCAB1', 'Rule562FBDCB']));
  });

  it('builds environment-agnostic stacks (no account or Region looked up or baked in)', () => {
    for (const stack of [plain.centralStack, plain.forwarderStack] as Stack[]) {
      expect(Token.isUnresolved(stack.account)).toBe(true);
      expect(Token.isUnresolved(stack.region)).toBe(true);
    }
  });

  it.each([
    [{ settings: { threshold: -1 } }, 'context "settings": setting "threshold" must be a positive number, got -1'],
    [{ alertEmails: ['not-an-email'] }, 'context "alertEmails" must be an email address or an array of email addresses'],
    [{ alertEmails: 'a@b.co; c@d.co' }, 'context "alertEmails" must be an email address or an array of email addresses'],
    [{ opsEmails: 42 }, 'context "opsEmails" must be an email address or an array of email addresses'],
    [{ maxConcurrency: 1 }, 'context "maxConcurrency" must be a whole number from 2 to 1000'],
    [{ routes: [{ name: 'prod', match: { accounts: ['1'] } }] }, 'context "routes": routes[0] ("prod").match.accounts[0]'],
    [{ routes: { name: 'x' } }, 'context "routes": routes must be an array'],
    [{ organization: { targets: ['ou-ab12-abcdefgh'], regions: ['eu-west-1'] } }, 'context "organization" needs context "organizationId"'],
    [{ organizationId: 'o-a1b2c3d4e5', organization: { targets: [], regions: ['eu-west-1'] } }, 'context "organization" "targets" must be a non-empty array of root ids'],
    [{ organizationId: 'o-a1b2c3d4e5', organization: { targets: ['ou-x'], regions: ['eu-west-1'] } }, 'context "organization" "targets"'],
    [{ organizationId: 'o-a1b2c3d4e5', organization: { targets: ['r-ab12'], regions: ['Ireland'] } }, 'context "organization" "regions" must be a non-empty array of Region names'],
    [{ organizationId: 'o-a1b2c3d4e5', organization: { targets: ['r-ab12'], regions: ['eu-west-1'], excludeAccounts: ['12'] } }, 'context "organization" "excludeAccounts" must be an array of 12-digit account ids'],
    [{ organizationId: 'o-a1b2c3d4e5', organization: { targets: ['r-ab12'], regions: ['eu-west-1'], callAs: 'ADMIN' } }, 'context "organization" "callAs" must be "SELF" or "DELEGATED_ADMIN"'],
    [{ organizationId: 'o-a1b2c3d4e5', organization: { targets: ['r-ab12'], regions: ['eu-west-1'], ou: [] } }, 'context "organization" has unknown key(s) "ou"'],
    [{ organizationId: 'o-a1b2c3d4e5', organization: '["r-ab12"]' }, 'context "organization" must be an object'],
    [{ organizationId: 'acme' }, 'context "organizationId" is not valid'],
    [{ trailDataEvents: ['s3'] }, 'need "createTrail": true'],
    [{ createTrail: true, trailDataEvents: ['dynamodb'] }, 'context "trailDataEvents"'],
    [{ centralAccount: '1234' }, 'context "centralAccount" is not valid'],
    [{ batchSize: 0 }, 'context "batchSize" must be a whole number from 1 to 10000'],
    [{ policyLookups: 'yes' }, 'context "policyLookups" must be true or false'],
  ])('fails synth with a clear message on bad context %j', (context, message) => {
    expect(() => buildTemplates(context)).toThrow(message);
  });

  it('takes one address from -c alertEmails=a@b.c (and a comma-separated list), for alerts and alarms alike', () => {
    const one = buildCentral({ alertEmails: 'a@example.com' }).central;
    const topics = one.findResources('AWS::SNS::Topic');
    const subscriptions = resourcesOf(one, 'AWS::SNS::Subscription');
    expect(subscriptions.map((subscription) => [subscription.Properties.Endpoint, topics[subscription.Properties.TopicArn.Ref]!.Properties.DisplayName]).sort()).toEqual([
      ['a@example.com', 'Denial Alerter'],
      ['a@example.com', 'Denial Alerter operations'],
    ]);
    const two = buildCentral({ alertEmails: 'a@example.com, b@example.com', opsEmails: 'ops@example.com' }).central;
    expect(resourcesOf(two, 'AWS::SNS::Subscription').map((subscription) => subscription.Properties.Endpoint).sort()).toEqual(['a@example.com', 'b@example.com', 'ops@example.com']);
  });

  it('reads JSON from -c key=value strings', () => {
    const fromCli = buildTemplates({ alertEmails: '["a@example.com"]', createTrail: 'true', batchSize: '10' });
    fromCli.central.hasResourceProperties('AWS::SNS::Subscription', { Endpoint: 'a@example.com' });
    fromCli.central.resourceCountIs('AWS::CloudTrail::Trail', 1);
    fromCli.central.hasResourceProperties('AWS::Lambda::EventSourceMapping', { BatchSize: 10, MaximumBatchingWindowInSeconds: Match.absent() });
  });
});
