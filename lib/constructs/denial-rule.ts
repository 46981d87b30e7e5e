import { CfnRule } from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import { denialEventPattern } from '../event-pattern.js';

export interface DenialRuleProps {
  /** Where matching events go. */
  readonly target: CfnRule.TargetProperty;
  /** Opt-in extra error codes. @default [] */
  readonly extraErrorCodes?: readonly string[];
  /** The bus the rule listens on. @default the account's default bus */
  readonly eventBusName?: string;
  readonly description?: string;
}

/**
 * The EventBridge rule for CloudTrail denials, as a `CfnRule`: on the default bus its state is
 * `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`, without which read-only (Get/List/Describe) denials never reach a
 * rule. The L2 `Rule` cannot set that state.
 */
export class DenialRule extends Construct {
  public readonly rule: CfnRule;

  constructor(scope: Construct, id: string, props: DenialRuleProps) {
    super(scope, id);
    this.rule = new CfnRule(this, 'Rule', {
      description: props.description ?? 'Denial Alerter: CloudTrail events whose errorCode means authorization was refused',
      eventBusName: props.eventBusName,
      state: props.eventBusName ? 'ENABLED' : 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
      eventPattern: denialEventPattern(props.extraErrorCodes),
      targets: [props.target],
    });
  }
}
