/**
 * The canary of one account and Region (docs/never-blind.md): on a schedule, a minimal function tries to write one SSM
 * parameter, and its own role refuses it with an explicit Deny. CloudTrail records the refusal as a denied management
 * write event in this Region, EventBridge delivers it through the same denial rule (and forwarder) as any other, and
 * the engine recognises it (`lambdas/core/canary/canary.ts`): its arrival proves the pipeline end to end.
 */
import { Aws, Duration, Tags, Validations } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction as LambdaTarget } from 'aws-cdk-lib/aws-events-targets';
import { Effect, PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, Function as LambdaFunction, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { CANARY_ACTION, CANARY_PARAMETER_NAME, CANARY_PARAMETER_PREFIX, CANARY_ROLE_PREFIX, CANARY_ROLE_TAG } from '../../lambdas/core/canary/canary.js';
import { DEFAULT_CANARY_MINUTES } from '../../lambdas/core/canary/overdue.js';
import { retentionOf } from './denial-handler.js';

/** The canary role's name in this Region (IAM is global: one role per Region of an account, so the Region is in it). */
export const canaryRoleName = (region: string = Aws.REGION): string => `${CANARY_ROLE_PREFIX}-${region}`;

/**
 * The function's whole source (inline: no asset, so the StackSet's member template needs no bootstrap bucket). It uses
 * the AWS SDK for JavaScript v3 that the Node.js 22 runtime includes ("Lambda runtimes": Node.js runtimes include the
 * SDK v3). `AccessDeniedException` is what Systems Manager answers a refused call; anything else (throttling, a
 * network error) or a write that succeeded fails the invocation, so it shows in the function's errors.
 */
export const CANARY_SOURCE = `const { SSMClient, PutParameterCommand } = require('@aws-sdk/client-ssm');
const ssm = new SSMClient({});
exports.handler = async () => {
  try {
    await ssm.send(new PutParameterCommand({ Name: ${JSON.stringify(CANARY_PARAMETER_NAME)}, Value: 'denied', Type: 'String', Overwrite: true }));
  } catch (error) {
    if (error.name === 'AccessDeniedException') return 'denied, as intended';
    throw error;
  }
  throw new Error('the canary write was allowed: the explicit Deny of its role is gone');
};
`;

export interface DenialAlerterCanaryProps {
  /** Minutes between canaries (1 to 1440). @default 15 */
  readonly scheduleMinutes?: number;
  /** Days the function's logs are kept (rounded up to a retention CloudWatch offers). @default 30 */
  readonly logRetentionDays?: number;
}

/** The schedule, the function, its role (named `DenialAlerterCanary-<region>`, tagged) and its log group. */
export class DenialAlerterCanary extends Construct {
  public readonly role: Role;
  public readonly function: LambdaFunction;
  public readonly logGroup: LogGroup;
  /** The EventBridge schedule rule on the default bus that invokes the function. */
  public readonly schedule: Rule;

  constructor(scope: Construct, id: string, props: DenialAlerterCanaryProps = {}) {
    super(scope, id);
    const minutes = props.scheduleMinutes ?? DEFAULT_CANARY_MINUTES;
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440) throw new Error(`DenialAlerterCanary: scheduleMinutes must be a whole number from 1 to 1440, got ${minutes}`);
    this.logGroup = new LogGroup(this, 'Logs', { retention: retentionOf(props.logRetentionDays ?? 30) });
    this.role = new Role(this, 'Role', {
      // Named: the engine recognises the canary's denial by this name in the record's own account.
      roleName: canaryRoleName(),
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Denial Alerter canary: its one write is refused by the explicit Deny below',
      inlinePolicies: {
        Canary: new PolicyDocument({
          statements: [
            new PolicyStatement({ sid: 'WriteOwnLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }),
            // The point of the canary: an explicit deny always wins ("Policy evaluation logic", IAM user guide), so the
            // call is refused before any effect even if someone attaches a broad Allow to this role.
            new PolicyStatement({
              sid: 'CanaryWriteIsRefused',
              effect: Effect.DENY,
              actions: [CANARY_ACTION],
              resources: [`arn:${Aws.PARTITION}:ssm:${Aws.REGION}:${Aws.ACCOUNT_ID}:parameter${CANARY_PARAMETER_PREFIX}*`],
            }),
          ],
        }),
      },
    });
    Tags.of(this.role).add(CANARY_ROLE_TAG.key, CANARY_ROLE_TAG.value);
    this.function = new LambdaFunction(this, 'Function', {
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: 128,
      timeout: Duration.seconds(10),
      code: Code.fromInline(CANARY_SOURCE),
      handler: 'index.handler',
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      description: 'Denial Alerter canary: one refused ssm:PutParameter, so that the alerter sees this account and Region',
    });
    this.schedule = new Rule(this, 'Schedule', {
      description: `Denial Alerter canary: every ${minutes} minutes`,
      schedule: Schedule.rate(Duration.minutes(minutes)),
      // A missed canary is told by the next one: no retries.
      targets: [new LambdaTarget(this.function, { retryAttempts: 0 })],
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'Node.js 22 is the runtime this project builds and tests for (the handler\'s too); move with the project, not ahead of it.',
    });
  }
}

/** Minutes between the handler's canary checks: a blind account and Region is told at most this long after its threshold. */
export const CANARY_CHECK_MINUTES = 5;

/**
 * The central schedule that invokes the handler with a "Scheduled Event" (`lambdas/adapters/canary-check-wiring.ts`):
 * the check reads the canary states and reports "blind" and "back". A failed check is retried by EventBridge twice.
 */
export function canaryCheckRule(scope: Construct, id: string, handler: LambdaFunction): Rule {
  return new Rule(scope, id, {
    description: `Denial Alerter: the canary check, every ${CANARY_CHECK_MINUTES} minutes ("blind" and "back" to the operations topic)`,
    schedule: Schedule.rate(Duration.minutes(CANARY_CHECK_MINUTES)),
    targets: [new LambdaTarget(handler, { retryAttempts: 2 })],
  });
}
