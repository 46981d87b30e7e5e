import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { ServicePrincipal, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/**
 * The customer-managed KMS key that encrypts the table, the queues and the alert topic (one key: about $1 a month).
 *
 * Why not AWS-managed keys: the AWS-managed SNS and SQS keys have policies nobody can change, so CloudWatch alarms
 * could not publish to the topic and EventBridge could not send to the queues. EventBridge and CloudWatch may use this
 * key only on behalf of this account (`aws:SourceAccount`); the handler uses it through its role's IAM policy, which
 * the key policy's default account statement honours.
 */
export class DataKey extends Construct {
  public readonly key: Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: 'Denial Alerter: encrypts denial history, queues and the alert topic',
      enableKeyRotation: true,
      pendingWindow: Duration.days(30),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const service of ['events.amazonaws.com', 'cloudwatch.amazonaws.com']) {
      this.key.addToResourcePolicy(
        new PolicyStatement({
          sid: `Allow${service.split('.')[0]}`,
          principals: [new ServicePrincipal(service)],
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: ['*'], // in a key policy, "*" means this key
          conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
        }),
      );
    }
  }
}
