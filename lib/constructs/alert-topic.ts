import { Aws } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlertTopicProps {
  /** Encrypts messages at rest; publishers need kms:GenerateDataKey and kms:Decrypt on it. */
  readonly encryptionKey: IKey;
  /** Email addresses to subscribe (each confirms by email). @default [] */
  readonly emails?: readonly string[];
  /** @default 'Denial Alerter' */
  readonly displayName?: string;
  /** Let this account's CloudWatch alarms publish (alarm actions). @default false */
  readonly cloudWatchAlarms?: boolean;
}

/** An SNS topic (alerts, or operational alarms): KMS-encrypted, TLS-only, with optional email subscriptions. */
export class AlertTopic extends Construct {
  public readonly topic: Topic;

  constructor(scope: Construct, id: string, props: AlertTopicProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', { displayName: props.displayName ?? 'Denial Alerter', masterKey: props.encryptionKey, enforceSSL: true });
    for (const email of props.emails ?? []) this.topic.addSubscription(new EmailSubscription(email));
    if (props.cloudWatchAlarms) {
      // `enforceSSL` writes a topic policy, which replaces SNS's default one: CloudWatch alarms of this account must be
      // allowed by name, or their notifications are silently dropped ("Why didn't I receive an SNS notification for my
      // CloudWatch alarm trigger?", https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger; the
      // confused-deputy conditions of https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html).
      this.topic.addToResourcePolicy(
        new PolicyStatement({
          sid: 'CloudWatchAlarms',
          principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
          actions: ['sns:Publish'],
          resources: [this.topic.topicArn],
          conditions: {
            ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*` },
            StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          },
        }),
      );
    }
  }
}
