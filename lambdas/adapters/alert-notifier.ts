/**
 * Sends each alert to every configured channel. Channels are independent: Slack failing does not stop SNS, nor the
 * reverse; a delivery that finally fails is returned with the alert intact, for the caller to dead-letter.
 */
import type { AlertSummary } from '../core/alert.js';
import { buildSlackMessage } from '../core/summary/slack-message.js';
import type { DeliveryFailure } from '../engine/process-sqs-batch.js';
import type { SlackWebhookSender } from './slack-webhook-sender.js';
import type { SnsAlertPublisher } from './sns-alert-publisher.js';

export interface AlertNotifier {
  publish(alerts: readonly AlertSummary[]): Promise<DeliveryFailure[]>;
}

/** Builds a notifier over the given channels (none: alerts go nowhere, and nothing fails). */
export function createAlertNotifier(channels: { slack?: Pick<SlackWebhookSender, 'send'>; sns?: Pick<SnsAlertPublisher, 'publish'> }): AlertNotifier {
  return {
    async publish(alerts) {
      const failures: DeliveryFailure[] = [];
      const deliverAll = async (channel: string, deliver: (alert: AlertSummary) => Promise<void>) => {
        for (const alert of alerts) {
          try {
            await deliver(alert);
          } catch (error) {
            failures.push({ channel, error: (error as Error).message, alert });
          }
        }
      };
      await Promise.all([
        channels.slack ? deliverAll('slack', (alert) => channels.slack!.send(buildSlackMessage(alert))) : undefined,
        channels.sns ? deliverAll('sns', (alert) => channels.sns!.publish(alert)) : undefined,
      ]);
      return failures;
    },
  };
}
