/**
 * Publishes alerts to an SNS topic: subject, text body and filterable message attributes.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { AlertSummary } from '../core/alert.js';
import { buildSnsMessage } from '../core/summary/sns-message.js';

/** Publishes one alert per message. */
export class SnsAlertPublisher {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publish(alert: AlertSummary): Promise<void> {
    const { subject, message, attributes } = buildSnsMessage(alert);
    await this.client.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: subject,
        Message: message,
        MessageAttributes: Object.fromEntries(Object.entries(attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }])),
      }),
    );
  }
}
