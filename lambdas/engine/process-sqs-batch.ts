/**
 * One SQS batch of EventBridge CloudTrail events through the engine and the alert outbox, with partial-batch failure
 * reporting, inside the invocation's deadline.
 *
 * - A message whose body is not a CloudTrail event, or a record the engine cannot process (poison), cannot succeed
 *   on retry: it is dead-lettered alone and the batch goes on.
 * - When storage fails, every message of the batch is reported as failed so SQS delivers it again; every step before
 *   a decision is idempotent, so a retry counts nothing twice. Alerts decided before the failure are already in the
 *   outbox and are delivered all the same.
 * - Delivery publishes everything pending in the outbox (this batch's alerts and any left by earlier invocations)
 *   before `deadlineMs`; what a channel finally refused is dead-lettered with the alert intact.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { CloudTrailRecord } from '../core/types.js';
import { unwrapDocument } from '../core/unwrap.js';
import type { AlertPublisher } from './alert-publisher.js';
import type { DenialStore } from './denial-store.js';
import { createAlertOutbox } from './outbox.js';
import type { BatchResult, SpikeEngine } from './spike-engine.js';

/** What the batch processor is built from. */
export interface SqsBatchDeps {
  engine: Pick<SpikeEngine, 'processBatch'> & Partial<Pick<SpikeEngine, 'enrich'>>;
  /** The engine's store (its outbox is read here). */
  store: DenialStore;
  /** Delivers alerts to their channels within a deadline. */
  publisher: AlertPublisher;
  /** Keeps what could not be processed (unreadable messages, poison records, undelivered alerts). */
  deadLetter(kind: 'unreadable-record' | 'undelivered-alert', body: Record<string, unknown>): Promise<void>;
  metric(name: MetricName, value: number): void;
  log(level: 'info' | 'warn' | 'error', message: string, details?: Record<string, unknown>): void;
  /** @default Date.now */
  now?: () => number;
}

export type MetricName = 'DenialsProcessed' | 'AlertsPublished' | 'Suppressed' | 'DeliveryFailures' | 'UnreadableRecords' | 'UntrustedEvents' | 'AlertsPending';

/**
 * Processes one batch; the response lists the messages SQS must deliver again.
 *
 * @param options.deadlineMs - When delivery must be over (the handler derives it from
 *   `context.getRemainingTimeInMillis()` minus a safety margin). @default one minute from now
 */
export async function processSqsBatch(event: SQSEvent, deps: SqsBatchDeps, options: { deadlineMs?: number } = {}): Promise<SQSBatchResponse> {
  const now = deps.now ?? Date.now;
  const deadlineMs = options.deadlineMs ?? now() + 60_000;
  const records: CloudTrailRecord[] = [];
  const messageOf: string[] = [];
  let unreadable = 0;
  for (const message of event.Records) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(message.body);
    } catch (error) {
      unreadable++;
      await deps.deadLetter('unreadable-record', { messageId: message.messageId, error: `malformed JSON: ${(error as Error).message}`, body: message.body });
      continue;
    }
    for (const entry of unwrapDocument(parsed)) {
      if ('record' in entry) {
        records.push(entry.record as CloudTrailRecord);
        messageOf.push(message.messageId);
      } else {
        unreadable++;
        await deps.deadLetter('unreadable-record', { messageId: message.messageId, error: entry.error, body: message.body });
      }
    }
  }
  let result: BatchResult | null = null;
  let failed = false;
  try {
    result = await deps.engine.processBatch(records);
  } catch (error) {
    failed = true;
    deps.log('error', 'batch failed; SQS will deliver it again', { error: (error as Error).message, messages: event.Records.length });
  }
  for (const poison of result?.rejected ?? []) {
    unreadable++;
    await deps.deadLetter('unreadable-record', { messageId: messageOf[poison.index], error: poison.error, body: truncatedJson(poison.record) });
  }
  if (unreadable > 0) {
    deps.metric('UnreadableRecords', unreadable);
    deps.log('warn', 'unreadable messages dead-lettered', { unreadable });
  }
  if (result) {
    deps.metric('DenialsProcessed', result.stats.denials);
    deps.metric('Suppressed', result.stats.suppressed);
    if (result.stats.untrusted > 0) deps.metric('UntrustedEvents', result.stats.untrusted);
  }
  // Deliver whatever is pending, even when the batch failed: alerts decided before the failure must go out.
  try {
    const outbox = createAlertOutbox({
      store: deps.store,
      publisher: deps.publisher,
      deadLetter: (kind, body) => deps.deadLetter(kind, body),
      enrich: deps.engine.enrich ? (record, nowMs) => deps.engine.enrich!(record, nowMs) : undefined,
      now,
      log: deps.log,
    });
    const delivery = await outbox.deliverPending({ deadlineMs });
    deps.metric('AlertsPublished', delivery.attempted);
    deps.metric('DeliveryFailures', delivery.deadLettered);
    if (delivery.pending > 0) deps.metric('AlertsPending', delivery.pending);
    for (const failure of delivery.failures) {
      deps.log('error', 'alert delivery failed; dead-lettered', { channel: failure.channel, error: failure.error, alertId: failure.alert.alertId });
    }
  } catch (error) {
    deps.log('error', 'the outbox could not be read; pending alerts go out with a later batch', { error: (error as Error).message });
  }
  if (failed) return { batchItemFailures: event.Records.map((message) => ({ itemIdentifier: message.messageId })) };
  deps.log('info', 'batch processed', { ...result!.stats, fingerprints: result!.stats.fingerprints.length, unreadable });
  return { batchItemFailures: [] };
}

function truncatedJson(record: CloudTrailRecord): string {
  try {
    return JSON.stringify(record).slice(0, 200_000);
  } catch {
    return '(not serialisable)';
  }
}
