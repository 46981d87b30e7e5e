import { Aws, Duration, Validations } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, Code, Function as LambdaFunction, LoggingFormat, Runtime, type FunctionProps } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import { afterBundlingCommands, handlerAliasArgs, HANDLER_BUNDLING, HANDLER_ENTRY, prebuiltHandlerDirectory } from './handler-bundling.js';
import { HANDLER_ENV, POLICY_LOOKUPS_ENV, ROUTING_ENV } from '../../lambdas/config/env.js';
import { HandlerConfiguration, splitEnvironment } from './handler-configuration.js';
import { METRICS } from '../../lambdas/config/metrics.js';
import type { Settings } from '../../lambdas/core/config.js';
import { policyLookupGrants } from '../policy-lookups.js';
import { TABLE_SCHEMA } from '../../lambdas/adapters/table-schema.js';

export interface DenialHandlerProps {
  /** History, counters and alert state. */
  readonly table: Table;
  /** Where alerts are published. */
  readonly topic: Topic;
  /** The key of the table, queues and topic. */
  readonly encryptionKey: IKey;
  /** The queue the rule fills; the handler consumes it in batches. */
  readonly ingestQueue: Queue;
  /** Keeps records the handler cannot read. */
  readonly recordDeadLetterQueue: Queue;
  /** Keeps alerts whose delivery finally failed. */
  readonly alertDeadLetterQueue: Queue;
  /** Spike rules and suppressions, passed as JSON in `DENIAL_ALERTER_SETTINGS`. */
  readonly settings: Settings;
  /** The existing secret holding the Slack webhook URL. @default no Slack */
  readonly slackWebhookSecret?: ISecret;
  /** @default 30 */
  readonly logRetentionDays?: number;
  /** SQS messages per invocation. @default 1000 */
  readonly batchSize?: number;
  /** Grant the read-only policy lookups of `lib/policy-lookups.ts`. @default false */
  readonly policyLookups?: boolean;
  /** Narrows the Organizations lookups. @default any organization */
  readonly organizationId?: string;
  /** Maximum concurrent invocations from the ingest queue (2 to 1000). @default {@link DEFAULT_MAX_CONCURRENCY} */
  readonly maxConcurrency?: number;
  /** More environment variables (routes, member-account lookups). @default none */
  readonly environment?: Readonly<Record<string, string>>;
}

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/**
 * Concurrent batches from the ingest queue. One invocation takes up to 1,000 messages per 30-second window and
 * processes them in a second or two, so 5 in parallel absorb thousands of denials a second, far above what CloudTrail
 * delivers in a storm, while keeping fingerprint contention and Slack's rate limit out of the way.
 */
export const DEFAULT_MAX_CONCURRENCY = 5;

/** The handler's timeout; the ingest queue's visibility timeout is six times this. */
export const HANDLER_TIMEOUT = Duration.minutes(2);

/**
 * The Lambda that runs the spike engine on SQS batches: Node.js 22 on arm64, bundled by the local esbuild, with its
 * own least-privilege role and log group.
 */
export class DenialHandler extends Construct {
  /** A `NodejsFunction` from this repository's sources; a plain `Function` from the published package's bundle. */
  public readonly function: LambdaFunction;
  public readonly role: Role;
  public readonly logGroup: LogGroup;
  /** The configuration that did not fit Lambda's 4 KB environment, as a layer, when there was such configuration. */
  public readonly configuration?: HandlerConfiguration;

  constructor(scope: Construct, id: string, props: DenialHandlerProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', { retention: retentionOf(props.logRetentionDays ?? 30) });
    this.role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com'), description: 'Denial Alerter handler (least privilege)' });
    this.grantOwnResources(props);
    if (props.slackWebhookSecret) {
      this.role.addToPolicy(
        new PolicyStatement({
          sid: 'SlackWebhookSecret',
          actions: ['secretsmanager:GetSecretValue'],
          // Known by name: the real ARN ends in the six random characters Secrets Manager appends.
          resources: [`${props.slackWebhookSecret.secretArn}-??????`],
        }),
      );
    }
    if (props.policyLookups) this.grantPolicyLookups(props.organizationId);

    // Lambda takes 4 KB of environment in all: what grows with the configuration moves to a file in a layer when needed.
    const split = splitEnvironment({
      [HANDLER_ENV.tableName]: props.table.tableName,
      [HANDLER_ENV.snsTopicArn]: props.topic.topicArn,
      [HANDLER_ENV.alertDeadLetterQueueUrl]: props.alertDeadLetterQueue.queueUrl,
      [HANDLER_ENV.recordDeadLetterQueueUrl]: props.recordDeadLetterQueue.queueUrl,
      [HANDLER_ENV.settings]: JSON.stringify(props.settings),
      ...(props.slackWebhookSecret ? { [HANDLER_ENV.slackWebhookSecretArn]: props.slackWebhookSecret.secretArn } : {}),
      ...(props.policyLookups ? { [POLICY_LOOKUPS_ENV]: 'true' } : {}),
      ...props.environment,
      POWERTOOLS_SERVICE_NAME: METRICS.service,
      POWERTOOLS_METRICS_NAMESPACE: METRICS.namespace,
    }, [HANDLER_ENV.settings, ROUTING_ENV.routes, ROUTING_ENV.accountOrganizationalUnits]);
    if (Object.keys(split.file).length > 0) this.configuration = new HandlerConfiguration(this, 'Configuration', { variables: split.file, architecture: Architecture.ARM_64 });

    const common: Omit<FunctionProps, 'code' | 'handler'> = {
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: 1024,
      timeout: HANDLER_TIMEOUT,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      description: 'Denial Alerter: CloudTrail denials to spike alerts',
      environment: split.environment,
      ...(this.configuration ? { layers: [this.configuration.layer] } : {}),
    };
    const prebuilt = prebuiltHandlerDirectory();
    this.function = prebuilt
      ? new LambdaFunction(this, 'Function', { ...common, code: Code.fromAsset(prebuilt), handler: 'index.handler' })
      : new NodejsFunction(this, 'Function', {
          ...common,
          entry: HANDLER_ENTRY,
          handler: 'handler',
          projectRoot: PROJECT_ROOT,
          depsLockFilePath: `${PROJECT_ROOT}/package-lock.json`,
          bundling: {
            forceDockerBundling: false,
            format: OutputFormat.ESM,
            target: HANDLER_BUNDLING.target,
            mainFields: [...HANDLER_BUNDLING.mainFields],
            // Bundle the AWS SDK too: the handler runs the SDK versions it was tested with, not the runtime's.
            externalModules: [],
            minify: HANDLER_BUNDLING.minify,
            sourceMap: HANDLER_BUNDLING.sourcemap,
            sourcesContent: HANDLER_BUNDLING.sourcesContent,
            banner: HANDLER_BUNDLING.banner,
            esbuildArgs: handlerAliasArgs(),
            commandHooks: {
              beforeBundling: () => [],
              beforeInstall: () => [],
              // Beside index.mjs: the modules loaded on first use and the generated indexes (HANDLER_LAZY_MODULES, HANDLER_DATA_FILES).
              afterBundling: afterBundlingCommands,
            },
          },
        });
    this.function.addEventSource(
      new SqsEventSource(props.ingestQueue, {
        batchSize: props.batchSize ?? 1000,
        // Above 10 messages SQS requires a batching window; 30 s lets a storm arrive as one batch.
        maxBatchingWindow: (props.batchSize ?? 1000) > 10 ? Duration.seconds(30) : undefined,
        reportBatchItemFailures: true,
        // Counting is exact at any concurrency (docs/engine.md); this bounds what concurrency costs instead: state
        // commits that conflict and retry when many invocations hit one fingerprint, parallel Slack posts that a
        // webhook (about 1 message/s) answers with 429, and the account's shared Lambda concurrency.
        maxConcurrency: props.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY,
      }),
    );
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'Node.js 22 is the runtime this project builds and tests for; move with the project, not ahead of it.',
    });
  }

  /** Exactly what the handler calls on the resources of this stack. */
  private grantOwnResources(props: DenialHandlerProps): void {
    this.role.addToPolicy(new PolicyStatement({ sid: 'WriteOwnLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }));
    this.role.addToPolicy(
      new PolicyStatement({
        sid: 'DenialTable',
        // What the engine calls (lambdas/adapters/dynamodb-denial-store.ts).
        // A transaction needs the actions of its items (the engine's hold Puts); IAM has no TransactWriteItems action.
        actions: ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        resources: [props.table.tableArn],
      }),
    );
    // Triage reads recent history by day (`byDay`) and, for pages of the previous layout, by time (`byTime`); the
    // store asks once, with a one-item Scan of `byTime`, whether the table holds old pages at all. A Query or Scan on
    // an index is authorized on the index's own ARN, not the table's ("IAM policy to grant access to a specific
    // DynamoDB table and its indexes",
    // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/iam-policy-specific-table-indexes.html).
    const indexArn = (name: string) => `${props.table.tableArn}/index/${name}`;
    this.role.addToPolicy(
      new PolicyStatement({ sid: 'DenialTableByDay', actions: ['dynamodb:Query'], resources: [indexArn(TABLE_SCHEMA.indexes.byDay.name)] }),
    );
    this.role.addToPolicy(
      new PolicyStatement({ sid: 'DenialTableByTime', actions: ['dynamodb:Query', 'dynamodb:Scan'], resources: [indexArn(TABLE_SCHEMA.indexes.byTime.name)] }),
    );
    this.role.addToPolicy(new PolicyStatement({ sid: 'PublishAlerts', actions: ['sns:Publish'], resources: [props.topic.topicArn] }));
    this.role.addToPolicy(
      new PolicyStatement({ sid: 'DeadLetters', actions: ['sqs:SendMessage'], resources: [props.recordDeadLetterQueue.queueArn, props.alertDeadLetterQueue.queueArn] }),
    );
    // The table, the topic and the dead-letter queues are encrypted with this key.
    this.role.addToPolicy(new PolicyStatement({ sid: 'DataKey', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [props.encryptionKey.keyArn] }));
  }

  /** The opt-in read-only lookups, each scoped as narrowly as IAM allows, each wildcard acknowledged with its reason. */
  private grantPolicyLookups(organizationId: string | undefined): void {
    const grants = policyLookupGrants({ partition: Aws.PARTITION, account: Aws.ACCOUNT_ID, organizationId, accessTroubleshooter: true });
    // The same grants with the placeholders cdk-nag prints for the partition and account: its finding ids.
    const findings = policyLookupGrants({ partition: '<AWS::Partition>', account: '<AWS::AccountId>', organizationId, accessTroubleshooter: true });
    grants.forEach((grant, index) => {
      this.role.addToPolicy(new PolicyStatement({ sid: grant.sid, actions: [...grant.actions], resources: [...grant.resources] }));
      for (const resource of findings[index]!.resources.filter((arn) => arn.includes('*'))) {
        Validations.of(this.role).acknowledge({ id: `AwsSolutions-IAM5[Resource::${resource}]`, reason: `Opt-in read-only policy lookups (context policyLookups). ${grant.reason}.` });
      }
    });
  }
}

/** The shortest retention CloudWatch Logs offers that keeps logs at least `days`. */
export function retentionOf(days: number): RetentionDays {
  const allowed = Object.values(RetentionDays)
    .filter((value): value is number => typeof value === 'number' && value > 0)
    .sort((a, b) => a - b);
  return (allowed.find((value) => value >= days) ?? RetentionDays.TEN_YEARS) as RetentionDays;
}
