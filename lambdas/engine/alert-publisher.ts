/**
 * The port between the engine's alert outbox and the delivery channels (Slack webhooks, SNS topics, chosen per alert
 * by its route). The notifier in `adapters/` implements it; the engine does not know Slack or SNS.
 */
import type { AlertSummary } from '../core/alert.js';

/** One alert to deliver, with the channels that already took it (skipped on a retry from the outbox). */
export interface PublishRequest {
  alert: AlertSummary;
  /** Channel ids (e.g. `slack:default`, `sns:arn:aws:sns:…`) that already delivered this alert. */
  alreadyDelivered: readonly string[];
}

/** What one channel did with one alert. */
export interface ChannelOutcome {
  alertId: string;
  /** Stable channel id; never a secret (no webhook URL). */
  channel: string;
  status: 'delivered' | 'failed';
  /** Why it failed, in one line (never the webhook URL). */
  error?: string;
}

/** Delivers alerts within a deadline; never rejects, never sleeps past `deadlineMs`. */
export interface AlertPublisher {
  publish(requests: readonly PublishRequest[], options: { deadlineMs: number }): Promise<ChannelOutcome[]>;
}
