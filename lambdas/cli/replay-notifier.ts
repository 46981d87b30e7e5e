/**
 * Sends a replay's alerts to Slack and SNS when asked (`--slack-webhook`, `--sns-topic`), so that a back-test can be
 * seen in a test channel. Without either flag, alerts are only printed.
 */
import { SNSClient } from '@aws-sdk/client-sns';
import { createNotifier } from '../adapters/notifier.js';
import { SlackWebhookSender } from '../adapters/slack-webhook.js';
import { SnsPublisher } from '../adapters/sns-publisher.js';
import type { AlertSummary } from '../core/alert.js';
import type { DeliveryFailure } from '../engine/process-sqs-batch.js';

export type { DeliveryFailure };

export interface ReplayNotifier {
  publish(alerts: readonly AlertSummary[]): Promise<DeliveryFailure[]>;
}

export const NOTIFY_OPTIONS = {
  'slack-webhook': { type: 'string' },
  'sns-topic': { type: 'string' },
} as const;

export const NOTIFY_HELP = `Sending alerts (optional; without these, alerts are only printed):
  --slack-webhook URL      Slack incoming webhook (env: DENIAL_ALERTER_SLACK_WEBHOOK); never printed
  --sns-topic ARN          SNS topic (env: DENIAL_ALERTER_SNS_TOPIC), reached with the standard AWS environment
                           (AWS_ENDPOINT_URL_SNS for a local endpoint)`;

/** Builds the notifier from flags and environment. */
export function createReplayNotifier(values: Record<string, unknown>, env: NodeJS.ProcessEnv): ReplayNotifier {
  const slackWebhook = (values['slack-webhook'] as string | undefined) ?? env.DENIAL_ALERTER_SLACK_WEBHOOK;
  const snsTopic = (values['sns-topic'] as string | undefined) ?? env.DENIAL_ALERTER_SNS_TOPIC;
  if (!slackWebhook && !snsTopic) return { publish: async () => [] };
  if (slackWebhook && !/^https?:\/\/\S+$/.test(slackWebhook)) throw new Error('--slack-webhook must be an http(s) URL');
  if (snsTopic && !/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]+$/.test(snsTopic)) throw new Error(`--sns-topic must be an SNS topic ARN, got "${snsTopic}"`);
  const notifier = createNotifier({
    slack: slackWebhook ? new SlackWebhookSender({ webhookUrl: slackWebhook }) : undefined,
    sns: snsTopic ? new SnsPublisher(new SNSClient({ region: env.AWS_REGION ?? snsTopic.split(':')[3] }), snsTopic) : undefined,
  });
  return { publish: async (alerts) => (await notifier.publish(alerts)).failures };
}
