/**
 * The handler's notifier: SNS, and Slack with the webhook URL read from Secrets Manager on first use (never from a
 * plain environment variable). A secret that cannot be read fails the Slack deliveries only; SNS goes on.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import type { AlertSummary } from '../core/alert.js';
import type { SlackMessage } from '../core/summary/slack-message.js';
import type { DeliveryFailure } from '../engine/process-sqs-batch.js';
import { createAlertNotifier } from './alert-notifier.js';
import { readSlackWebhookUrl } from './slack-webhook-secret.js';
import { SlackWebhookSender } from './slack-webhook-sender.js';
import { SnsAlertPublisher } from './sns-alert-publisher.js';

export interface LambdaNotifierOptions {
  snsTopicArn?: string;
  slackWebhookSecretArn?: string;
}

/** Builds the notifier for the configured channels. */
export function createLambdaNotifier(options: LambdaNotifierOptions): { publish(alerts: readonly AlertSummary[]): Promise<DeliveryFailure[]> } {
  let sender: Promise<SlackWebhookSender> | undefined;
  const slack = options.slackWebhookSecretArn
    ? {
        async send(message: SlackMessage) {
          sender ??= readSlackWebhookUrl(new SecretsManagerClient({}), options.slackWebhookSecretArn!).then(
            (webhookUrl) => new SlackWebhookSender({ webhookUrl, totalTimeoutMs: 20_000 }),
          );
          // A failed read is not cached: the next alert tries again.
          sender.catch(() => (sender = undefined));
          await (await sender).send(message);
        },
      }
    : undefined;
  return createAlertNotifier({
    slack,
    sns: options.snsTopicArn ? new SnsAlertPublisher(new SNSClient({}), options.snsTopicArn) : undefined,
  });
}
