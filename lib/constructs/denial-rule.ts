import { CfnRule } from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import { AWS_SOURCE_FILTER, denialEventPattern } from '../event-pattern.js';

export interface DenialRuleProps {
  /** Where matching events go (with its retry policy and dead-letter queue). */
  readonly target: CfnRule.TargetProperty;
  /** Opt-in extra error codes. @default [] */
  readonly extraErrorCodes?: readonly string[];
  /** The bus the rule listens on. @default the account's default bus */
  readonly eventBusName?: string;
  /** @default a description of the default bus rule */
  readonly description?: string;
  /** Another pattern (e.g. the "what changed" events) instead of the denial pattern. @default the denial pattern */
  readonly eventPattern?: Record<string, unknown>;
  /** @default 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS' (read-only CloudTrail events included) */
  readonly state?: 'ENABLED' | 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';
}

/** Every rule takes only events AWS services emitted (see `AWS_SOURCE_FILTER`): nobody can forge one onto a bus. */
const AWS_SOURCES_ONLY = { source: [...AWS_SOURCE_FILTER] };

/**
 * The EventBridge rule for CloudTrail denials, as a `CfnRule` because only its state
 * `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS` lets read-only (Get/List/Describe) denials reach a rule, and the L2
 * `Rule` cannot set it. EventBridge accepts the state on default and custom buses, so the central bus uses it too.
 */
export class DenialRule extends Construct {
  public readonly rule: CfnRule;

  constructor(scope: Construct, id: string, props: DenialRuleProps) {
    super(scope, id);
    this.rule = new CfnRule(this, 'Rule', {
      description: props.description ?? 'Denial Alerter: CloudTrail events whose errorCode means authorization was refused',
      eventBusName: props.eventBusName,
      state: props.state ?? 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
      eventPattern: { ...AWS_SOURCES_ONLY, ...(props.eventPattern ?? denialEventPattern(props.extraErrorCodes)) },
      targets: [props.target],
    });
  }
}
