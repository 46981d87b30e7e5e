/**
 * The handler's notifier: SNS, and Slack with the webhook URL read from Secrets Manager on first use (never from a
 * plain environment variable). A secret that cannot be read fails the Slack deliveries only; SNS goes on.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import type { AlertSummary } from '../core/alert.js';
import type { DeliveryFailure } from '../engine/process-sqs-batch.js';
import { createNotifier } from './notifier.js';
import { readSlackWebhookUrl } from './slack-webhook-secret.js';
import { SlackWebhookSender } from './slack-webhook.js';
import { SnsPublisher } from './sns-publisher.js';

export interface LambdaNotifierOptions {
  snsTopicArn?: string;
  slackWebhookSecretArn?: string;
}

/** Builds the notifier for the configured channels. */
export function createLambdaNotifier(options: LambdaNotifierOptions): { publish(alerts: readonly AlertSummary[]): Promise<DeliveryFailure[]> } {
  const secrets = new SecretsManagerClient({});
  const notifier = createNotifier({
    slack: options.slackWebhookSecretArn
      ? new SlackWebhookSender({ webhookUrl: () => readSlackWebhookUrl(secrets, options.slackWebhookSecretArn!), totalTimeoutMs: 20_000 })
      : undefined,
    sns: options.snsTopicArn ? new SnsPublisher(new SNSClient({}), options.snsTopicArn) : undefined,
  });
  return { publish: async (alerts) => (await notifier.publish(alerts)).failures };
}
