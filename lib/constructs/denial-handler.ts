import { Duration, Validations } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import { HANDLER_ENV } from '../../lambdas/config/env.js';
import { METRICS } from '../../lambdas/config/metrics.js';
import type { Settings } from '../../lambdas/core/config.js';
import { POLICY_LOOKUP_ACTIONS } from './policy-lookup-actions.js';

export interface DenialHandlerProps {
  readonly table: Table;
  readonly topic: Topic;
  readonly encryptionKey: IKey;
  readonly ingestQueue: Queue;
  readonly recordDeadLetterQueue: Queue;
  readonly alertDeadLetterQueue: Queue;
  readonly settings: Settings;
  /** @default no Slack */
  readonly slackWebhookSecret?: ISecret;
  readonly logRetentionDays: number;
  readonly batchSize: number;
  /** @default false */
  readonly policyLookups?: boolean;
}

const ENTRY = fileURLToPath(new URL('../../lambdas/handler.ts', import.meta.url));
const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const HANDLER_TIMEOUT = Duration.minutes(2);

/**
 * The Lambda that runs the spike engine on SQS batches: Node.js 22 on arm64, bundled locally by esbuild (never
 * Docker), with its own least-privilege role and log group.
 */
export class DenialHandler extends Construct {
  public readonly function: NodejsFunction;
  public readonly role: Role;
  public readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: DenialHandlerProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', { retention: retentionOf(props.logRetentionDays) });
    this.role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com'), description: 'Denial Alerter handler (least privilege)' });
    this.role.addToPolicy(new PolicyStatement({ sid: 'WriteOwnLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }));
    this.role.addToPolicy(
      new PolicyStatement({
        sid: 'DenialTable',
        // Exactly what the engine calls; history queries run from the CLI, not here, so no index access.
        actions: ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        resources: [props.table.tableArn],
      }),
    );
    this.role.addToPolicy(new PolicyStatement({ sid: 'PublishAlerts', actions: ['sns:Publish'], resources: [props.topic.topicArn] }));
    this.role.addToPolicy(
      new PolicyStatement({
        sid: 'DeadLetters',
        actions: ['sqs:SendMessage'],
        resources: [props.recordDeadLetterQueue.queueArn, props.alertDeadLetterQueue.queueArn],
      }),
    );
    this.role.addToPolicy(new PolicyStatement({ sid: 'DataKey', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [props.encryptionKey.keyArn] }));
    if (props.slackWebhookSecret) {
      this.role.addToPolicy(new PolicyStatement({ sid: 'SlackWebhookSecret', actions: ['secretsmanager:GetSecretValue'], resources: [props.slackWebhookSecret.secretArn] }));
      Validations.of(this.role).acknowledge({
        id: 'AwsSolutions-IAM5',
        reason: 'The secret is referenced by name; its ARN ends in the random six-character suffix Secrets Manager adds ("-??????"), the narrowest form IAM offers for a secret known by name.',
      });
    }
    if (props.policyLookups) {
      this.role.addToPolicy(
        new PolicyStatement({
          sid: 'PolicyLookupsReadOnly',
          effect: Effect.ALLOW,
          actions: [...POLICY_LOOKUP_ACTIONS],
          // The principals and resources to inspect are only known from each denial at run time; every action here
          // is read-only, and sts:DecodeAuthorizationMessage and the Organizations reads support no resource scoping.
          resources: ['*'],
        }),
      );
      Validations.of(this.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'Read-only policy lookups (opt-in, context policyLookups): the principal or resource to inspect is only known from each denial at run time.',
      });
    }
    this.function = new NodejsFunction(this, 'Function', {
      entry: ENTRY,
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}/package-lock.json`,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: 1024,
      timeout: HANDLER_TIMEOUT,
      role: this.role,
      logGroup: this.logGroup,
      description: 'Denial Alerter: CloudTrail denials to spike alerts',
      environment: {
        [HANDLER_ENV.tableName]: props.table.tableName,
        [HANDLER_ENV.snsTopicArn]: props.topic.topicArn,
        [HANDLER_ENV.alertDeadLetterQueueUrl]: props.alertDeadLetterQueue.queueUrl,
        [HANDLER_ENV.recordDeadLetterQueueUrl]: props.recordDeadLetterQueue.queueUrl,
        [HANDLER_ENV.settings]: JSON.stringify(props.settings),
        ...(props.slackWebhookSecret ? { [HANDLER_ENV.slackWebhookSecretArn]: props.slackWebhookSecret.secretArn } : {}),
        POWERTOOLS_SERVICE_NAME: METRICS.service,
        POWERTOOLS_METRICS_NAMESPACE: METRICS.namespace,
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
      },
    });
    this.function.addEventSource(
      new SqsEventSource(props.ingestQueue, {
        batchSize: props.batchSize,
        maxBatchingWindow: props.batchSize > 10 ? Duration.seconds(30) : undefined,
        reportBatchItemFailures: true,
      }),
    );
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'Node.js 22 is the runtime this project builds and tests for; move with the project, not ahead of it.',
    });
  }
}

function retentionOf(days: number): RetentionDays {
  const allowed = Object.values(RetentionDays).filter((value): value is number => typeof value === 'number' && value > 0).sort((a, b) => a - b);
  return (allowed.find((value) => value >= days) ?? RetentionDays.TEN_YEARS) as RetentionDays;
}
