/**
 * Sends each alert to every configured channel and reports what happened.
 *
 * Channels are independent: they run side by side, and Slack failing (down, refusing, rate limited past its budget)
 * does not stop SNS, nor the reverse. Within a channel, alerts go one after another (Slack is paced per webhook). A
 * delivery that finally fails is reported with the alert intact and, when `deadLetter` is given, handed to it whole,
 * so nothing is lost silently. `publish` itself never rejects.
 */
import type { AlertSummary } from '../core/alert.js';
import { buildSlackMessage, type SlackMessage } from '../core/render/slack.js';
import type { Channel } from './delivery-errors.js';

/** The Slack side: anything that sends a rendered message (a `SlackWebhookSender`). */
export interface SlackChannel {
  send(message: SlackMessage): Promise<unknown>;
}

/** The SNS side: anything that publishes an alert (an `SnsPublisher`). */
export interface SnsChannel {
  publish(alert: AlertSummary): Promise<unknown>;
}

/** One alert that one channel could not deliver. */
export interface DeliveryFailure {
  channel: Channel;
  /** Why, in one line (never the webhook URL). */
  error: string;
  /** The alert, unchanged. */
  alert: AlertSummary;
  /** The error itself (a `DeliveryError` from the adapters, or whatever the channel threw). */
  cause: unknown;
  /** `sent`: handed to `deadLetter`; `failed`: `deadLetter` threw (see `deadLetterError`); `none`: no `deadLetter`. */
  deadLetter: 'sent' | 'failed' | 'none';
  deadLetterError?: string;
}

/** What one channel did with a batch. */
export interface ChannelReport {
  /** Fingerprints of the alerts delivered, in order. */
  delivered: string[];
  failed: DeliveryFailure[];
}

/** What `publish` did, per channel; a channel that is not configured is absent. */
export interface DeliveryReport {
  slack?: ChannelReport;
  sns?: ChannelReport;
  /** Every failure of every channel (the same objects as in the channel reports). */
  failures: DeliveryFailure[];
}

export interface NotifierDeps {
  slack?: SlackChannel;
  sns?: SnsChannel;
  /** Keeps an alert a channel could not deliver (a dead-letter queue, a file). */
  deadLetter?: (failure: DeliveryFailure) => Promise<void>;
  /** Renders an alert for Slack. @default buildSlackMessage */
  renderSlack?: (alert: AlertSummary) => SlackMessage;
}

export interface Notifier {
  /** Delivers the alerts to every channel; resolves with the report, never rejects. */
  publish(alerts: readonly AlertSummary[]): Promise<DeliveryReport>;
}

/**
 * Builds a notifier over the given channels (none configured: nothing is sent and nothing fails).
 *
 * @example
 * const notifier = createNotifier({ slack: new SlackWebhookSender({ webhookUrl }), sns: new SnsPublisher(snsClient, topicArn), deadLetter });
 * const report = await notifier.publish(alerts);
 */
export function createNotifier(deps: NotifierDeps): Notifier {
  const renderSlack = deps.renderSlack ?? buildSlackMessage;
  const deliverers: Array<[Channel, (alert: AlertSummary) => Promise<unknown>]> = [];
  if (deps.slack) deliverers.push(['slack', (alert) => deps.slack!.send(renderSlack(alert))]);
  if (deps.sns) deliverers.push(['sns', (alert) => deps.sns!.publish(alert)]);

  async function runChannel(channel: Channel, deliver: (alert: AlertSummary) => Promise<unknown>, alerts: readonly AlertSummary[]): Promise<ChannelReport> {
    const report: ChannelReport = { delivered: [], failed: [] };
    for (const alert of alerts) {
      try {
        await deliver(alert);
        report.delivered.push(alert.fingerprint);
      } catch (error) {
        report.failed.push(await deadLetterOf({ channel, error: reasonOf(error), alert, cause: error, deadLetter: 'none' }));
      }
    }
    return report;
  }

  async function deadLetterOf(failure: DeliveryFailure): Promise<DeliveryFailure> {
    if (!deps.deadLetter) return failure;
    try {
      await deps.deadLetter(failure);
      return { ...failure, deadLetter: 'sent' };
    } catch (error) {
      return { ...failure, deadLetter: 'failed', deadLetterError: reasonOf(error) };
    }
  }

  return {
    async publish(alerts) {
      const reports = await Promise.all(deliverers.map(([channel, deliver]) => runChannel(channel, deliver, alerts)));
      const result: DeliveryReport = { failures: [] };
      deliverers.forEach(([channel], index) => {
        result[channel] = reports[index]!;
        result.failures.push(...reports[index]!.failed);
      });
      return result;
    },
  };
}

function reasonOf(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.replace(/[\u0000-\u001f]/g, ' ');
  return String(error);
}
