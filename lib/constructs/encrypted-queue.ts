import { Duration, Validations } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface EncryptedQueueProps {
  readonly encryptionKey: IKey;
  /** Queue that takes messages received `maxReceiveCount` times; none makes this a dead-letter queue itself. */
  readonly deadLetterQueue?: Queue;
  /** @default 5 */
  readonly maxReceiveCount?: number;
  /** @default Duration.seconds(30) */
  readonly visibilityTimeout?: Duration;
  /** @default Duration.days(14) */
  readonly retentionPeriod?: Duration;
}

/** An SQS queue encrypted with the data key, TLS-only. A queue without a dead-letter queue is one. */
export class EncryptedQueue extends Construct {
  public readonly queue: Queue;

  constructor(scope: Construct, id: string, props: EncryptedQueueProps) {
    super(scope, id);
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
      visibilityTimeout: props.visibilityTimeout ?? Duration.seconds(30),
      retentionPeriod: props.retentionPeriod ?? Duration.days(14),
      deadLetterQueue: props.deadLetterQueue ? { queue: props.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 5 } : undefined,
    });
    if (!props.deadLetterQueue) {
      Validations.of(this.queue).acknowledge({ id: 'AwsSolutions-SQS3', reason: 'This queue is itself a dead-letter queue: what lands here is kept for inspection and replay.' });
    }
  }
}
