/**
 * The Slack interaction endpoint (Slack app mode only): a Lambda behind a Function URL that Slack posts button
 * clicks to (output `SlackInteractionsUrl`). Its role reads the app secret and writes responder items (`RSP#…`) in
 * the engine's table, nothing else.
 *
 * The URL has no IAM auth because Slack cannot sign AWS requests: every request is authenticated by Slack's own
 * signature (HMAC-SHA256 under the app's signing secret, timestamps over 5 minutes refused, replays refused), checked
 * before anything is read or written (`lambdas/adapters/slack-app/interactions.ts`).
 */
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, FunctionUrlAuthType, LoggingFormat, Runtime, type FunctionUrl } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { Validations } from 'aws-cdk-lib';
import { fileURLToPath } from 'node:url';
import { HANDLER_ENV, SLACK_APP_ENV } from '../../lambdas/config/env.js';
import { HANDLER_BUNDLING } from './handler-bundling.js';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface SlackInteractionsProps {
  /** The engine's table (responder items live there). */
  readonly table: ITable;
  /** The table's encryption key. */
  readonly encryptionKey: IKey;
  /** The Slack app secret `{botToken, signingSecret, channel}`, known by name. */
  readonly appSecret: ISecret;
}

/** The interaction Lambda and its public Function URL. */
export class SlackInteractions extends Construct {
  public readonly function: NodejsFunction;
  public readonly url: FunctionUrl;
  public readonly role: Role;

  constructor(scope: Construct, id: string, props: SlackInteractionsProps) {
    super(scope, id);
    this.role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com'), description: 'Denial Alerter Slack interactions (least privilege)' });
    const logGroup = new LogGroup(this, 'Logs', { retention: RetentionDays.ONE_MONTH });
    logGroup.grantWrite(this.role);
    this.role.addToPolicy(new PolicyStatement({ sid: 'ResponderItems', actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'], resources: [props.table.tableArn] }));
    this.role.addToPolicy(new PolicyStatement({ sid: 'TableKey', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [props.encryptionKey.keyArn] }));
    this.role.addToPolicy(new PolicyStatement({ sid: 'SlackAppSecret', actions: ['secretsmanager:GetSecretValue'], resources: [`${props.appSecret.secretArn}-??????`] }));
    this.function = new NodejsFunction(this, 'Function', {
      entry: `${PROJECT_ROOT}lambdas/slack-interactions.ts`,
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      // Slack waits 3 s; the handler answers within 2.5 s.
      timeout: Duration.seconds(5),
      role: this.role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      description: 'Denial Alerter: Slack button clicks (signature-verified)',
      environment: { [HANDLER_ENV.tableName]: props.table.tableName, [SLACK_APP_ENV.secretArn]: props.appSecret.secretArn },
      bundling: { forceDockerBundling: false, format: OutputFormat.ESM, target: HANDLER_BUNDLING.target, mainFields: [...HANDLER_BUNDLING.mainFields], externalModules: [], minify: true, banner: HANDLER_BUNDLING.banner },
    });
    this.url = this.function.addFunctionUrl({ authType: FunctionUrlAuthType.NONE });
    Validations.of(this.function).acknowledge({ id: 'AwsSolutions-L1', reason: 'Node.js 22 is the runtime this project builds and tests for.' });
  }
}
