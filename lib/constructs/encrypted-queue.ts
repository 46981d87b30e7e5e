import { Duration, Validations } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface EncryptedQueueProps {
  /**
   * Customer-managed key that encrypts the messages.
   * @default SQS-managed encryption (SSE-SQS): no key to pay for, which suits the forwarder's dead-letter queue in
   * every account and Region
   */
  readonly encryptionKey?: IKey;
  /** Queue that takes messages received `maxReceiveCount` times. @default none: this queue is a dead-letter queue */
  readonly deadLetterQueue?: Queue;
  /** Receives before a message moves to `deadLetterQueue`. @default 5 */
  readonly maxReceiveCount?: number;
  /** @default Duration.seconds(30) */
  readonly visibilityTimeout?: Duration;
  /** @default Duration.days(14), the longest SQS keeps a message */
  readonly retentionPeriod?: Duration;
  /**
   * Another queue's redrive policy names this one: cdk-nag then sees it is a dead-letter queue, and no
   * acknowledgement is needed. @default false (EventBridge or the handler sends here: acknowledged)
   */
  readonly isRedriveTarget?: boolean;
}

/** An encrypted, TLS-only SQS queue. A queue given no dead-letter queue is one itself. */
export class EncryptedQueue extends Construct {
  public readonly queue: Queue;

  constructor(scope: Construct, id: string, props: EncryptedQueueProps = {}) {
    super(scope, id);
    this.queue = new Queue(this, 'Queue', {
      ...(props.encryptionKey
        ? { encryption: QueueEncryption.KMS, encryptionMasterKey: props.encryptionKey }
        : { encryption: QueueEncryption.SQS_MANAGED }),
      enforceSSL: true,
      visibilityTimeout: props.visibilityTimeout ?? Duration.seconds(30),
      retentionPeriod: props.retentionPeriod ?? Duration.days(14),
      deadLetterQueue: props.deadLetterQueue ? { queue: props.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 5 } : undefined,
    });
    if (!props.deadLetterQueue && !props.isRedriveTarget) {
      Validations.of(this.queue).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason: 'This queue is itself a dead-letter queue: what lands here is kept 14 days for inspection and replay, and an alarm watches its depth.',
      });
    }
  }
}
