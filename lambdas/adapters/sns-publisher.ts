/**
 * Publishes alerts to an SNS topic: the subject, the text body and String message attributes that subscribers filter
 * on (see `core/render/sns.ts`). The SDK client is the caller's (its retries apply; set `maxAttempts` there), bounded
 * by the caller's deadline: the request is aborted when it passes.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { AlertSummary } from '../core/alert.js';
import { buildSnsMessage } from '../core/render/sns.js';
import { SnsDeliveryError } from './delivery-errors.js';

/** What a successful publish returned. */
export interface SnsPublishResult {
  messageId: string | null;
}

/**
 * Publishes one message per alert.
 *
 * @example await new SnsPublisher(new SNSClient({}), topicArn).publish(alert)
 */
export class SnsPublisher {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
    /** Renders an alert for SNS. @default buildSnsMessage */
    private readonly render: typeof buildSnsMessage = buildSnsMessage,
  ) {}

  /**
   * Publishes one alert.
   *
   * @throws {@link SnsDeliveryError} when SNS did not take it (after the SDK's own retries).
   */
  async publish(alert: AlertSummary, options: { deadlineMs?: number } = {}): Promise<SnsPublishResult> {
    const { subject, message, attributes } = this.render(alert);
    const remainingMs = options.deadlineMs === undefined ? undefined : Math.floor(options.deadlineMs - Date.now());
    if (remainingMs !== undefined && remainingMs <= 0) {
      throw new SnsDeliveryError(`SNS Publish to ${this.topicArn} not tried: the delivery deadline had passed`, { attempts: 0, retryable: true });
    }
    try {
      const response = await this.client.send(
        new PublishCommand({
          TopicArn: this.topicArn,
          Subject: subject,
          Message: message,
          MessageAttributes: Object.fromEntries(Object.entries(attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }])),
        }),
        // The SDK's retries stop at the deadline too: the request in flight is aborted.
        remainingMs === undefined ? {} : { abortSignal: AbortSignal.timeout(remainingMs) },
      );
      return { messageId: response.MessageId ?? null };
    } catch (error) {
      const err = error as Error & { $metadata?: { attempts?: number; httpStatusCode?: number }; $fault?: string; $retryable?: unknown };
      const status = err.$metadata?.httpStatusCode;
      throw new SnsDeliveryError(`SNS Publish to ${this.topicArn} failed: ${err.name ?? 'Error'}: ${err.message ?? String(error)}${status ? ` (HTTP ${status})` : ''}`, {
        attempts: err.$metadata?.attempts ?? 1,
        retryable: err.$fault === 'server' || err.$retryable !== undefined || status === undefined || status >= 500 || status === 429,
        cause: error,
      });
    }
  }
}
