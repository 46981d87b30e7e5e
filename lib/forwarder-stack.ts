/**
 * `DenialAlerterForwarderStack`: deployed in each member account and Region, it forwards CloudTrail denials from the
 * default bus to the central bus. IAM and STS (global endpoint) denials are recorded in us-east-1: deploy it there too.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { PolicyStatement as SqsPolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { DataKey } from './constructs/data-key.js';
import { DenialRule } from './constructs/denial-rule.js';
import { EncryptedQueue } from './constructs/encrypted-queue.js';

export interface DenialAlerterForwarderStackProps extends StackProps {
  /** The central event bus (the central stack's `CentralBusArn` output). */
  readonly centralBusArn: string;
  /** @default [] */
  readonly extraErrorCodes?: readonly string[];
}

export class DenialAlerterForwarderStack extends Stack {
  public readonly rule: DenialRule;
  public readonly role: Role;

  constructor(scope: Construct, id: string, props: DenialAlerterForwarderStackProps) {
    super(scope, id, props);
    const key = new DataKey(this, 'DataKey').key;
    const deadLetter = new EncryptedQueue(this, 'ForwardDeadLetter', { encryptionKey: key }).queue;
    this.role = new Role(this, 'PutEventsRole', { assumedBy: new ServicePrincipal('events.amazonaws.com'), description: 'Forwards denials to the central bus' });
    this.role.addToPolicy(new PolicyStatement({ actions: ['events:PutEvents'], resources: [props.centralBusArn] }));
    this.rule = new DenialRule(this, 'Rule', {
      description: 'Denial Alerter forwarder: CloudTrail denials to the central bus',
      extraErrorCodes: props.extraErrorCodes,
      target: {
        id: 'CentralBus',
        arn: props.centralBusArn,
        roleArn: this.role.roleArn,
        deadLetterConfig: { arn: deadLetter.queueArn },
        retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86_400 },
      },
    });
    deadLetter.addToResourcePolicy(
      new SqsPolicyStatement({
        principals: [new ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [deadLetter.queueArn],
        conditions: { ArnEquals: { 'aws:SourceArn': this.rule.rule.attrArn } },
      }),
    );
  }
}
