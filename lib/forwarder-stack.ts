/**
 * `DenialAlerterForwarderStack`: deployed in each member account and in each Region, it forwards CloudTrail denials
 * from the default bus to the central bus. IAM, STS (global endpoint) and CloudFront denials are recorded in
 * us-east-1: deploy it there too.
 */
import { CliCredentialsStackSynthesizer, Stack, type StackProps } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { DenialRule } from './constructs/denial-rule.js';
import { EncryptedQueue } from './constructs/encrypted-queue.js';
import { RULE_RETRY_POLICY } from './denial-alerter-stack.js';

export interface DenialAlerterForwarderStackProps extends StackProps {
  /** The central event bus (the central stack's `CentralBusArn` output). */
  readonly centralBusArn: string;
  /** Opt-in extra error codes, the same as the central stack's. @default [] */
  readonly extraErrorCodes?: readonly string[];
}

export class DenialAlerterForwarderStack extends Stack {
  public readonly rule: DenialRule;
  /** Lets EventBridge put events on the central bus (required for another Region, and for another account). */
  public readonly role: Role;
  /** Events the central bus did not accept within 24 hours. */
  public readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: DenialAlerterForwarderStackProps) {
    // No assets: deployed with the caller's credentials, so member accounts need no `cdk bootstrap`, and the template
    // has no bootstrap-version parameter (a StackSet can deploy it as is).
    super(scope, id, { synthesizer: new CliCredentialsStackSynthesizer(), ...props });
    // SQS-managed encryption: no KMS key to pay for in every account and Region.
    this.deadLetterQueue = new EncryptedQueue(this, 'ForwardDeadLetter').queue;
    this.role = new Role(this, 'PutEventsRole', { assumedBy: new ServicePrincipal('events.amazonaws.com'), description: 'Denial Alerter: forwards denials to the central bus' });
    this.role.addToPolicy(new PolicyStatement({ sid: 'PutOnCentralBus', actions: ['events:PutEvents'], resources: [props.centralBusArn] }));
    this.rule = new DenialRule(this, 'Rule', {
      description: 'Denial Alerter forwarder: CloudTrail denials to the central bus',
      extraErrorCodes: props.extraErrorCodes,
      target: {
        id: 'CentralBus',
        arn: props.centralBusArn,
        roleArn: this.role.roleArn,
        deadLetterConfig: { arn: this.deadLetterQueue.queueArn },
        retryPolicy: RULE_RETRY_POLICY,
      },
    });
    this.deadLetterQueue.addToResourcePolicy(
      new PolicyStatement({
        sid: 'EventBridgeDeadLetter',
        principals: [new ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.deadLetterQueue.queueArn],
        conditions: { ArnEquals: { 'aws:SourceArn': this.rule.rule.attrArn } },
      }),
    );
  }
}
