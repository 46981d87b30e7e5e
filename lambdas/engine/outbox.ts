/**
 * The alert outbox: every decided alert is persisted with its state (one transaction) before anything is published.
 * Delivery reads what is pending, takes a lease per alert, publishes through the {@link AlertPublisher} port within
 * the deadline, records each channel's outcome, dead-letters what a channel finally refused (alert intact) and
 * removes an alert from the outbox once every channel took it or had it dead-lettered.
 *
 * Whatever is not finished (a crash, the deadline) stays pending: the next batch, or the redelivered one, publishes
 * it again, skipping the channels that already took it. A duplicate is possible only when the process dies between
 * a channel accepting the alert and the outcome being recorded; it carries the same `alertId`.
 */
import type { AlertSummary } from '../core/alert.js';
import type { AlertPublisher, ChannelOutcome } from './alert-publisher.js';
import type { AlertRecord, DenialStore } from './denial-store.js';

/** What delivery is built from. */
export interface AlertOutboxDeps {
  store: DenialStore;
  publisher: AlertPublisher;
  /** Keeps an alert a channel finally refused; throws when it could not (the alert then stays pending). */
  deadLetter(kind: 'undelivered-alert', body: Record<string, unknown>): Promise<void>;
  /** Enriches alerts persisted before their enrichment ran (a crash in between). */
  enrich?: (record: AlertRecord, nowMs: number) => Promise<AlertSummary>;
  now: () => number;
  log?: (level: 'info' | 'warn' | 'error', message: string, details?: Record<string, unknown>) => void;
}

/** What one delivery round did. */
export interface DeliveryStats {
  /** Alerts taken from the outbox this round. */
  attempted: number;
  /** Channel deliveries that succeeded. */
  delivered: number;
  /** Channel deliveries that failed and were dead-lettered. */
  deadLettered: number;
  /** Alerts left pending (deadline, dead-letter failure, lease held by another process). */
  pending: number;
  /** The failures, with the alert, for callers that report them. */
  failures: Array<{ channel: string; error: string; alert: AlertSummary }>;
}

/** How long after the deadline a lease holds, so a process that died releases its alerts soon. */
const LEASE_SLACK_MS = 30_000;
const PENDING_PAGE = 100;

/** Delivers one alert outbox. */
export interface AlertOutbox {
  /** Publishes every pending alert it can lease, within `deadlineMs`; never rejects on delivery problems. */
  deliverPending(options: { deadlineMs: number }): Promise<DeliveryStats>;
}

/** Builds the outbox delivery over a store and a publisher. */
export function createAlertOutbox(deps: AlertOutboxDeps): AlertOutbox {
  const log = deps.log ?? (() => undefined);
  return {
    async deliverPending({ deadlineMs }) {
      const stats: DeliveryStats = { attempted: 0, delivered: 0, deadLettered: 0, pending: 0, failures: [] };
      const ids = await deps.store.pendingAlertIds(PENDING_PAGE);
      const leased: AlertRecord[] = [];
      for (const alertId of ids) {
        if (deps.now() >= deadlineMs) break;
        const record = await deps.store.leaseAlert(alertId, deps.now(), deadlineMs + LEASE_SLACK_MS);
        if (record) leased.push(record);
      }
      stats.pending = ids.length - leased.length;
      if (leased.length === 0) return stats;
      for (const record of leased) {
        if (record.enriched || !deps.enrich) continue;
        record.alert = await deps.enrich(record, deps.now());
        record.enriched = true;
      }
      stats.attempted = leased.length;
      const outcomes = await deps.publisher.publish(
        leased.map((record) => ({ alert: record.alert, alreadyDelivered: [...record.delivered, ...record.deadLettered] })),
        { deadlineMs },
      );
      const byAlert = new Map<string, ChannelOutcome[]>();
      for (const outcome of outcomes) {
        const list = byAlert.get(outcome.alertId);
        if (list) list.push(outcome);
        else byAlert.set(outcome.alertId, [outcome]);
      }
      for (const record of leased) {
        const delivered: string[] = [];
        const deadLettered: string[] = [];
        let complete = true;
        for (const outcome of byAlert.get(record.alert.alertId) ?? []) {
          if (outcome.status === 'delivered') {
            delivered.push(outcome.channel);
            continue;
          }
          const error = outcome.error ?? 'failed';
          try {
            await deps.deadLetter('undelivered-alert', { channel: outcome.channel, error, alert: record.alert });
            deadLettered.push(outcome.channel);
            stats.failures.push({ channel: outcome.channel, error, alert: record.alert });
          } catch (deadLetterError) {
            complete = false;
            log('error', 'could not dead-letter an undelivered alert; it stays in the outbox', {
              alertId: record.alert.alertId,
              channel: outcome.channel,
              error: (deadLetterError as Error).message,
            });
          }
        }
        stats.delivered += delivered.length;
        stats.deadLettered += deadLettered.length;
        if (!complete) stats.pending++;
        try {
          await deps.store.recordDelivery(record.alert.alertId, { delivered, deadLettered, done: complete });
        } catch (error) {
          // The outcome is lost, not the alert: it is published again (same alertId) once the lease ends.
          log('error', 'could not record a delivery outcome; the alert may be published again', { alertId: record.alert.alertId, error: (error as Error).message });
        }
      }
      return stats;
    },
  };
}
