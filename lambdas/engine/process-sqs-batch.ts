/**
 * One SQS batch of EventBridge CloudTrail events through the engine, with partial-batch failure reporting.
 *
 * - A message whose body is not a CloudTrail event cannot succeed on retry: it is dead-lettered and counted, and the
 *   batch goes on.
 * - When storage fails, every message of the batch is reported as failed so SQS delivers it again; the engine skips
 *   event ids already stored, so a retry counts nothing twice.
 * - Alerts that a channel could not take are dead-lettered with the alert intact; they do not fail the batch.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { AlertSummary } from '../core/alert.js';
import type { CloudTrailRecord } from '../core/types.js';
import { unwrapDocument } from '../core/unwrap.js';
import type { BatchResult } from './spike-engine.js';

/** One alert that a channel could not take. */
export interface DeliveryFailure {
  channel: string;
  error: string;
  alert: AlertSummary;
}

/** What the batch processor is built from. */
export interface SqsBatchDeps {
  engine: { processBatch(records: readonly CloudTrailRecord[]): Promise<BatchResult> };
  /** Publishes alerts; returns the deliveries that finally failed. */
  publish(alerts: readonly AlertSummary[]): Promise<DeliveryFailure[]>;
  /** Keeps what could not be processed (unreadable messages, undelivered alerts). */
  deadLetter(kind: 'unreadable-record' | 'undelivered-alert', body: Record<string, unknown>): Promise<void>;
  metric(name: MetricName, value: number): void;
  log(level: 'info' | 'warn' | 'error', message: string, details?: Record<string, unknown>): void;
}

export type MetricName = 'DenialsProcessed' | 'AlertsPublished' | 'Suppressed' | 'DeliveryFailures' | 'UnreadableRecords';

/** Processes one batch; the response lists the messages SQS must deliver again. */
export async function processSqsBatch(event: SQSEvent, deps: SqsBatchDeps): Promise<SQSBatchResponse> {
  const records: CloudTrailRecord[] = [];
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
      if ('record' in entry) records.push(entry.record as CloudTrailRecord);
      else {
        unreadable++;
        await deps.deadLetter('unreadable-record', { messageId: message.messageId, error: entry.error, body: message.body });
      }
    }
  }
  if (unreadable > 0) {
    deps.metric('UnreadableRecords', unreadable);
    deps.log('warn', 'unreadable messages dead-lettered', { unreadable });
  }
  let result: BatchResult;
  try {
    result = await deps.engine.processBatch(records);
  } catch (error) {
    deps.log('error', 'batch failed; SQS will deliver it again', { error: (error as Error).message, messages: event.Records.length });
    return { batchItemFailures: event.Records.map((message) => ({ itemIdentifier: message.messageId })) };
  }
  deps.metric('DenialsProcessed', result.stats.denials);
  deps.metric('Suppressed', result.stats.suppressed);
  if (result.alerts.length > 0) {
    const failures = await deps.publish(result.alerts);
    deps.metric('AlertsPublished', result.alerts.length);
    deps.metric('DeliveryFailures', failures.length);
    for (const failure of failures) {
      deps.log('error', 'alert delivery failed; dead-lettered', { channel: failure.channel, error: failure.error, fingerprint: failure.alert.fingerprint });
      await deps.deadLetter('undelivered-alert', { channel: failure.channel, error: failure.error, alert: failure.alert });
    }
  }
  deps.log('info', 'batch processed', { ...result.stats, fingerprints: result.stats.fingerprints.length, unreadable });
  return { batchItemFailures: [] };
}
