/**
 * `DenialAlerterStack`: CloudTrail denials → EventBridge rules (default bus and central bus) → SQS (batching,
 * dead-letter) → Lambda (spike engine) → DynamoDB history and alert state → SNS and Slack. Optionally a trail.
 */
import { Aws, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { AnyPrincipal, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Secret, type ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { AlertTopic } from './constructs/alert-topic.js';
import { DataKey } from './constructs/data-key.js';
import { DenialHandler, HANDLER_TIMEOUT } from './constructs/denial-handler.js';
import { DenialRule } from './constructs/denial-rule.js';
import { DenialTable } from './constructs/denial-table.js';
import { EncryptedQueue } from './constructs/encrypted-queue.js';
import { Observability } from './constructs/observability.js';
import { OptionalTrail } from './constructs/optional-trail.js';
import type { StackConfig } from './stack-config.js';

/** Name of the central bus that forwarders send to. */
export const CENTRAL_BUS_NAME = 'denial-alerter-central';

/** EventBridge retries a target for up to 24 hours and 185 attempts; these are the maximums, made explicit. */
export const RULE_RETRY_POLICY = { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86_400 } as const;

export interface DenialAlerterStackProps extends StackProps {
  readonly config: StackConfig;
}

export class DenialAlerterStack extends Stack {
  public readonly key: DataKey;
  public readonly table: DenialTable;
  public readonly topic: AlertTopic;
  public readonly handler: DenialHandler;
  public readonly ingestQueue: Queue;
  public readonly deadLetterQueues: { readonly ingest: Queue; readonly rule: Queue; readonly record: Queue; readonly alert: Queue };
  /** The rule on the account's default bus. */
  public readonly rule: DenialRule;
  /** The bus forwarders send to (other Regions of this account; other accounts of `organizationId`). */
  public readonly centralBus: EventBus;
  public readonly centralRule: DenialRule;
  public readonly trail?: OptionalTrail;
  public readonly observability: Observability;

  constructor(scope: Construct, id: string, props: DenialAlerterStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.key = new DataKey(this, 'DataKey');
    const key = this.key.key;
    this.table = new DenialTable(this, 'History', { encryptionKey: key });
    this.topic = new AlertTopic(this, 'Alerts', { encryptionKey: key, emails: config.alertEmails });

    this.deadLetterQueues = {
      ingest: new EncryptedQueue(this, 'IngestDeadLetter', { encryptionKey: key }).queue,
      rule: new EncryptedQueue(this, 'RuleDeadLetter', { encryptionKey: key }).queue,
      record: new EncryptedQueue(this, 'RecordDeadLetter', { encryptionKey: key }).queue,
      alert: new EncryptedQueue(this, 'AlertDeadLetter', { encryptionKey: key }).queue,
    };
    this.ingestQueue = new EncryptedQueue(this, 'Ingest', {
      encryptionKey: key,
      deadLetterQueue: this.deadLetterQueues.ingest,
      maxReceiveCount: 5,
      // Lambda's guidance for SQS event sources: at least six times the function timeout.
      visibilityTimeout: Duration.seconds(HANDLER_TIMEOUT.toSeconds() * 6),
    }).queue;

    const slackWebhookSecret: ISecret | undefined = config.slackWebhookSecretName
      ? Secret.fromSecretNameV2(this, 'SlackWebhook', config.slackWebhookSecretName)
      : undefined;
    this.handler = new DenialHandler(this, 'Handler', {
      table: this.table.table,
      topic: this.topic.topic,
      encryptionKey: key,
      ingestQueue: this.ingestQueue,
      recordDeadLetterQueue: this.deadLetterQueues.record,
      alertDeadLetterQueue: this.deadLetterQueues.alert,
      settings: config.settings,
      slackWebhookSecret,
      logRetentionDays: config.logRetentionDays,
      batchSize: config.batchSize,
      policyLookups: config.policyLookups,
      organizationId: config.organizationId,
    });

    this.rule = this.denialRuleTo('Rule', undefined, config);
    // Always there (a custom bus costs nothing at rest), so that forwarders in this account's other Regions have a
    // target; other accounts may put events on it only with `organizationId`.
    this.centralBus = new EventBus(this, 'CentralBus', { eventBusName: CENTRAL_BUS_NAME, description: 'Denial Alerter: denials forwarded from other Regions and accounts' });
    if (config.organizationId) {
      this.centralBus.addToResourcePolicy(
        new PolicyStatement({
          sid: 'DenialAlerterOrganization',
          principals: [new AnyPrincipal()],
          actions: ['events:PutEvents'],
          resources: [this.centralBus.eventBusArn],
          conditions: { StringEquals: { 'aws:PrincipalOrgID': config.organizationId } },
        }),
      );
    }
    this.centralRule = this.denialRuleTo('CentralRule', this.centralBus.eventBusName, config);
    if (config.createTrail) {
      this.trail = new OptionalTrail(this, 'Trail', { dataEvents: config.trailDataEvents, networkActivitySources: config.trailNetworkActivitySources });
    }

    this.observability = new Observability(this, 'Observability', {
      handler: this.handler.function,
      topic: this.topic.topic,
      deadLetterQueues: { Ingest: this.deadLetterQueues.ingest, Rule: this.deadLetterQueues.rule, Record: this.deadLetterQueues.record, Alert: this.deadLetterQueues.alert },
    });
    new CfnOutput(this, 'CentralBusArn', { value: this.centralBus.eventBusArn, description: 'The forwarders\' target (context centralBusArn, or centralAccount and centralRegion)' });
    new CfnOutput(this, 'TableName', { value: this.table.table.tableName, description: 'denial-alerter history --table <this>' });
    new CfnOutput(this, 'AlertTopicArn', { value: this.topic.topic.topicArn });
    new CfnOutput(this, 'DashboardName', { value: this.observability.dashboard.dashboardName });
    new CfnOutput(this, 'HandlerLogGroup', { value: this.handler.logGroup.logGroupName });
  }

  /** A denial rule on a bus, into the ingest queue, with EventBridge's retries and the rule dead-letter queue. */
  private denialRuleTo(id: string, eventBusName: string | undefined, config: StackConfig): DenialRule {
    const deadLetter = this.deadLetterQueues.rule;
    const rule = new DenialRule(this, id, {
      eventBusName,
      extraErrorCodes: config.settings.extraErrorCodes,
      description: eventBusName ? 'Denial Alerter: denials forwarded to the central bus' : undefined,
      target: { id: 'IngestQueue', arn: this.ingestQueue.queueArn, deadLetterConfig: { arn: deadLetter.queueArn }, retryPolicy: RULE_RETRY_POLICY },
    });
    for (const queue of [this.ingestQueue, deadLetter]) {
      queue.addToResourcePolicy(
        new PolicyStatement({
          sid: `EventBridge${id}`,
          principals: [new ServicePrincipal('events.amazonaws.com')],
          actions: ['sqs:SendMessage'],
          resources: [queue.queueArn],
          conditions: { ArnEquals: { 'aws:SourceArn': rule.rule.attrArn } },
        }),
      );
    }
    return rule;
  }
}

/**
 * The ARN of the central bus: in `account` and `region` when given, else in the deploying stack's own (tokens, so
 * that an environment-agnostic template still resolves it at deploy time).
 */
export function centralBusArn(options: { account?: string; region?: string } = {}): string {
  return `arn:${Aws.PARTITION}:events:${options.region ?? Aws.REGION}:${options.account ?? Aws.ACCOUNT_ID}:event-bus/${CENTRAL_BUS_NAME}`;
}
