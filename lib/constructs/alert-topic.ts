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
}

/** An SNS topic (alerts, or operational alarms): KMS-encrypted, TLS-only, with optional email subscriptions. */
export class AlertTopic extends Construct {
  public readonly topic: Topic;

  constructor(scope: Construct, id: string, props: AlertTopicProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', { displayName: props.displayName ?? 'Denial Alerter', masterKey: props.encryptionKey, enforceSSL: true });
    for (const email of props.emails ?? []) this.topic.addSubscription(new EmailSubscription(email));
  }
}
