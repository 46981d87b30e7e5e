/**
 * An {@link AlertPublisher} over a notifier of the earlier shape (`publish(alerts) → failures`), so the handler and
 * `replay` keep working until the notifier implements the port itself. It cannot skip channels that already took an
 * alert, nor honour the deadline beyond what the notifier's own budgets do: an alert it delivered is reported for the
 * channel `notifier`, and each failure for its own channel.
 */
import type { AlertSummary } from '../core/alert.js';
import type { AlertPublisher, ChannelOutcome } from './alert-publisher.js';

/** The earlier notifier's contract. */
export type LegacyPublish = (alerts: readonly AlertSummary[]) => Promise<Array<{ channel: string; error: string; alert: AlertSummary }>>;

/** Adapts a legacy notifier to the port. */
export function publisherFromNotifier(publish: LegacyPublish): AlertPublisher {
  return {
    async publish(requests) {
      const alerts = requests.map((request) => request.alert);
      if (alerts.length === 0) return [];
      let failures: Awaited<ReturnType<LegacyPublish>>;
      try {
        failures = await publish(alerts);
      } catch (error) {
        failures = alerts.map((alert) => ({ channel: 'notifier', error: (error as Error).message, alert }));
      }
      const outcomes: ChannelOutcome[] = [];
      for (const alert of alerts) {
        const failed = failures.filter((failure) => failure.alert.alertId === alert.alertId);
        for (const failure of failed) outcomes.push({ alertId: alert.alertId, channel: failure.channel, status: 'failed', error: failure.error });
        if (failed.length === 0) outcomes.push({ alertId: alert.alertId, channel: 'notifier', status: 'delivered' });
      }
      return outcomes;
    },
  };
}
