/**
 * `DenialAlerterStack`: CloudTrail denials → EventBridge rule → SQS (batching, dead-letter) → Lambda (spike engine)
 * → DynamoDB history and alert state → SNS and Slack. Optionally a trail, and a central bus for an organization.
 */
import { Aws, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { CfnEventBusPolicy, EventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
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

export const CENTRAL_BUS_NAME = 'denial-alerter-central';

export interface DenialAlerterStackProps extends StackProps {
  readonly config: StackConfig;
}

export class DenialAlerterStack extends Stack {
  public readonly table: DenialTable;
  public readonly topic: AlertTopic;
  public readonly handler: DenialHandler;
  public readonly ingestQueue: Queue;
  public readonly rule: DenialRule;
  public readonly centralBus?: EventBus;
  public readonly trail?: OptionalTrail;

  constructor(scope: Construct, id: string, props: DenialAlerterStackProps) {
    super(scope, id, props);
    const { config } = props;
    const key = new DataKey(this, 'DataKey').key;
    this.table = new DenialTable(this, 'History', { encryptionKey: key });
    this.topic = new AlertTopic(this, 'Alerts', { encryptionKey: key, emails: config.alertEmails });

    const ingestDeadLetter = new EncryptedQueue(this, 'IngestDeadLetter', { encryptionKey: key }).queue;
    const ruleDeadLetter = new EncryptedQueue(this, 'RuleDeadLetter', { encryptionKey: key }).queue;
    const recordDeadLetter = new EncryptedQueue(this, 'RecordDeadLetter', { encryptionKey: key }).queue;
    const alertDeadLetter = new EncryptedQueue(this, 'AlertDeadLetter', { encryptionKey: key }).queue;
    this.ingestQueue = new EncryptedQueue(this, 'Ingest', {
      encryptionKey: key,
      deadLetterQueue: ingestDeadLetter,
      maxReceiveCount: 5,
      // Lambda's guidance: at least six times the function timeout.
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
      recordDeadLetterQueue: recordDeadLetter,
      alertDeadLetterQueue: alertDeadLetter,
      settings: config.settings,
      slackWebhookSecret,
      logRetentionDays: config.logRetentionDays,
      batchSize: config.batchSize,
      policyLookups: config.policyLookups,
    });

    this.rule = this.denialRuleTo('Rule', undefined, ruleDeadLetter, config);
    if (config.organizationId) {
      this.centralBus = new EventBus(this, 'CentralBus', { eventBusName: CENTRAL_BUS_NAME });
      new CfnEventBusPolicy(this, 'CentralBusOrgPolicy', {
        eventBusName: this.centralBus.eventBusName,
        statementId: 'DenialAlerterOrganization',
        statement: {
          Effect: 'Allow',
          Principal: '*',
          Action: 'events:PutEvents',
          Resource: this.centralBus.eventBusArn,
          Condition: { StringEquals: { 'aws:PrincipalOrgID': config.organizationId } },
        },
      });
      this.denialRuleTo('CentralRule', this.centralBus.eventBusName, ruleDeadLetter, config);
      new CfnOutput(this, 'CentralBusArn', { value: this.centralBus.eventBusArn, description: 'Give this to the forwarder stacks (context centralBusArn)' });
    }
    if (config.createTrail) this.trail = new OptionalTrail(this, 'Trail', { dataEvents: config.trailDataEvents });

    new Observability(this, 'Observability', {
      handler: this.handler.function,
      topic: this.topic.topic,
      deadLetterQueues: { Ingest: ingestDeadLetter, Rule: ruleDeadLetter, Record: recordDeadLetter, Alert: alertDeadLetter },
    });
    new CfnOutput(this, 'TableName', { value: this.table.table.tableName, description: 'denial-alerter history --table <this>' });
    new CfnOutput(this, 'AlertTopicArn', { value: this.topic.topic.topicArn });
  }

  /** A denial rule on a bus, into the ingest queue, with EventBridge's retries and a dead-letter queue. */
  private denialRuleTo(id: string, eventBusName: string | undefined, deadLetter: Queue, config: StackConfig): DenialRule {
    const rule = new DenialRule(this, id, {
      eventBusName,
      extraErrorCodes: config.settings.extraErrorCodes,
      target: {
        id: 'IngestQueue',
        arn: this.ingestQueue.queueArn,
        deadLetterConfig: { arn: deadLetter.queueArn },
        retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86_400 },
      },
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

/** The ARN of the central bus in the stack's own account and Region (the forwarder's default target). */
export const defaultCentralBusArn = (): string => `arn:${Aws.PARTITION}:events:${Aws.REGION}:${Aws.ACCOUNT_ID}:event-bus/${CENTRAL_BUS_NAME}`;
