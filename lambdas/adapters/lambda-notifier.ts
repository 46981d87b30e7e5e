/**
 * The handler's notifier: SNS and Slack (webhook URL read from Secrets Manager). Placeholder until the delivery
 * adapters land: reports every alert as undelivered so that nothing is lost silently.
 */
import type { AlertSummary } from '../core/alert.js';
import type { DeliveryFailure } from '../engine/process-sqs-batch.js';

export interface LambdaNotifierOptions {
  snsTopicArn?: string;
  slackWebhookSecretArn?: string;
}

/** Builds the notifier for the configured channels. */
export function createLambdaNotifier(options: LambdaNotifierOptions): { publish(alerts: readonly AlertSummary[]): Promise<DeliveryFailure[]> } {
  const channels = [options.snsTopicArn ? 'sns' : null, options.slackWebhookSecretArn ? 'slack' : null].filter((c): c is string => c !== null);
  return {
    async publish(alerts) {
      return alerts.flatMap((alert) => channels.map((channel) => ({ channel, error: 'delivery not wired in yet', alert })));
    },
  };
}
