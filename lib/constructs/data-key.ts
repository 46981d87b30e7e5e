import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { ServicePrincipal, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/**
 * The customer-managed KMS key that encrypts the table, queues and topic. EventBridge (to write to encrypted queues)
 * and CloudWatch (to notify the encrypted topic) may use it, only from this account.
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
