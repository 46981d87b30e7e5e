import { Aws, Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { changeEventPatterns } from '../change-pattern.js';
import { checkAwsLimits } from '../limits/limit-checks.js';
import { DenialRule } from './denial-rule.js';
import { EncryptedQueue } from './encrypted-queue.js';

/** EventBridge retries a target for up to 24 hours and 185 attempts; these are the maximums, made explicit. */
export const RULE_RETRY_POLICY = { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86_400 } as const;

/**
 * Alarms of Denial Alerter are named with this prefix: a forwarder sends their state changes to the central bus, where
 * a rule passes those of the alarms entering ALARM to the operations topic.
 */
export const ALARM_NAME_PREFIX = 'DenialAlerter';

/** The pattern of Denial Alerter's alarms entering the ALARM state (forwarded from members, delivered centrally). */
export function alarmStatePattern(): Record<string, unknown> {
  return {
    'detail-type': ['CloudWatch Alarm State Change'],
    detail: { alarmName: [{ prefix: ALARM_NAME_PREFIX }], state: { value: ['ALARM'] } },
  };
}

export interface DenialAlerterForwarderProps {
  /** The central event bus (the central stack's `CentralBusArn` output). May be a token (a StackSet parameter). */
  readonly centralBusArn: string;
  /** Opt-in extra error codes, the same as the central stack's. @default [] */
  readonly extraErrorCodes?: readonly string[];
  /** Forward policy-change events ("what changed", docs/what-changed.md) with a second rule. @default true */
  readonly whatChanged?: boolean;
  /** The patterns of those events, one rule each. @default `changeEventPatterns()` of `lib/change-pattern.ts` */
  readonly changeEventPatterns?: ReadonlyArray<Record<string, unknown>>;
}

/**
 * Forwards one account and Region's CloudTrail denials (and, when given, its policy-change events and the state
 * changes of its own alarm) from the default bus to the central bus, through a role, with EventBridge's maximum
 * retries and an SSE-SQS dead-letter queue whose depth is alarmed on.
 */
export class DenialAlerterForwarder extends Construct {
  /** The denial rule on the default bus. */
  public readonly rule: DenialRule;
  /** The rules for the "what changed" events (one per pattern), when patterns were given. */
  public readonly changeRules: readonly DenialRule[];
  /** Forwards this forwarder's alarm state changes to the central bus, so the operations topic hears them. */
  public readonly alarmRule: DenialRule;
  /** Lets EventBridge put events on the central bus (required for another Region, and for another account). */
  public readonly role: Role;
  /** Events the central bus did not accept within 24 hours. */
  public readonly deadLetterQueue: Queue;
  /** Messages are waiting in the dead-letter queue. */
  public readonly deadLetterAlarm: Alarm;

  constructor(scope: Construct, id: string, props: DenialAlerterForwarderProps) {
    super(scope, id);
    checkAwsLimits(this);
    // SQS-managed encryption: no KMS key to pay for in every account and Region.
    this.deadLetterQueue = new EncryptedQueue(this, 'ForwardDeadLetter').queue;
    this.role = new Role(this, 'PutEventsRole', { assumedBy: new ServicePrincipal('events.amazonaws.com'), description: 'Denial Alerter: forwards denials to the central bus' });
    this.role.addToPolicy(new PolicyStatement({ sid: 'PutOnCentralBus', actions: ['events:PutEvents'], resources: [props.centralBusArn] }));
    const target = (targetId: string) => ({
      id: targetId,
      arn: props.centralBusArn,
      roleArn: this.role.roleArn,
      deadLetterConfig: { arn: this.deadLetterQueue.queueArn },
      retryPolicy: RULE_RETRY_POLICY,
    });
    this.rule = new DenialRule(this, 'Rule', {
      description: 'Denial Alerter forwarder: CloudTrail denials to the central bus',
      extraErrorCodes: props.extraErrorCodes,
      target: target('CentralBus'),
    });
    const changes = props.whatChanged === false ? [] : (props.changeEventPatterns ?? changeEventPatterns());
    // One rule per pattern (EventBridge's pattern size quota); the first keeps the id the single rule had.
    this.changeRules = changes.map(
      (eventPattern, index) =>
        new DenialRule(this, index === 0 ? 'ChangeRule' : `ChangeRule${index + 1}`, {
          description: 'Denial Alerter forwarder: policy changes ("what changed") to the central bus',
          eventPattern,
          target: target('CentralBus'),
        }),
    );
    this.alarmRule = new DenialRule(this, 'AlarmRule', {
      description: 'Denial Alerter forwarder: its alarms to the central bus (operations topic)',
      eventPattern: alarmStatePattern(),
      target: target('CentralBus'),
      state: 'ENABLED',
    });
    const rules = [this.rule, ...this.changeRules, this.alarmRule];
    this.deadLetterQueue.addToResourcePolicy(
      new PolicyStatement({
        sid: 'EventBridgeDeadLetter',
        principals: [new ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.deadLetterQueue.queueArn],
        conditions: { ArnEquals: { 'aws:SourceArn': rules.map((rule) => rule.rule.attrArn) } },
      }),
    );
    this.deadLetterAlarm = new Alarm(this, 'ForwardDeadLetterDepth', {
      // Named, so the alarm rule above can recognise it; the stack name keeps it unique in the account and Region.
      alarmName: `${ALARM_NAME_PREFIX}-ForwardDeadLetter-${Aws.STACK_NAME}`,
      alarmDescription: `Denials of account ${Aws.ACCOUNT_ID} in ${Aws.REGION} could not be forwarded to the central bus (kept 14 days in the forwarder's dead-letter queue)`,
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}
