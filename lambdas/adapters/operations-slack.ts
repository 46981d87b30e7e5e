/**
 * The handler's SNS path: what the operations topic receives (CloudWatch alarms of the deployment and of its
 * forwarders) goes to the default route's Slack webhook too, so that alarms reach the people who read the alerts and
 * not only a mailbox. A notice Slack does not take fails the invocation: Lambda retries it (asynchronous invocation)
 * and then sends it to the function's on-failure queue; the topic's email subscribers got it either way.
 */
import type { SNSEvent } from 'aws-lambda';
import { METRICS } from '../config/metrics.js';
import { operationsNoticeOf, operationsSlackMessage } from '../core/render/operations-notice.js';
import type { SlackWebhookSender } from './slack-webhook.js';

/** True for an SNS notification event (the operations topic), as opposed to an SQS batch. */
export function isSnsEvent(event: unknown): event is SNSEvent {
  const records = (event as { Records?: Array<{ EventSource?: unknown }> } | null)?.Records;
  return Array.isArray(records) && records.length > 0 && records.every((record) => record?.EventSource === 'aws:sns');
}

/** What delivering notices needs. */
export interface OperationsSlackDeps {
  /** The default route's sender; null when that route has no Slack webhook (notices are then only logged). */
  sender: SlackWebhookSender | null;
  log(level: 'info' | 'warn' | 'error', message: string, details?: Record<string, unknown>): void;
  /** Counts the notices posted (`OperationsNoticesSent`). @default none */
  metric?(name: string, value: number): void;
}

/**
 * Posts each notice of the event to Slack by `deadlineMs`.
 *
 * @throws the first delivery error, after every notice was tried (Lambda then retries the invocation).
 */
export async function deliverOperationsNotices(event: SNSEvent, deps: OperationsSlackDeps, deadlineMs: number): Promise<void> {
  const failures: Error[] = [];
  let sent = 0;
  for (const record of event.Records) {
    const notice = operationsNoticeOf(record.Sns.Message, record.Sns.Subject);
    if (!deps.sender) {
      deps.log('warn', 'operations notice not sent to Slack: the default route has no Slack webhook', { title: notice.title, state: notice.state });
      continue;
    }
    try {
      await deps.sender.send(operationsSlackMessage(notice), { deadlineMs });
      sent++;
      deps.log('info', 'operations notice sent to Slack', { title: notice.title, state: notice.state });
    } catch (error) {
      failures.push(error as Error);
      deps.log('error', 'operations notice not delivered to Slack', { title: notice.title, state: notice.state, error: (error as Error).message });
    }
  }
  deps.metric?.(METRICS.names.operationsNoticesSent, sent);
  if (failures.length > 0) throw new Error(`${failures.length} operations notice(s) not delivered to Slack: ${failures[0]!.message}`, { cause: failures[0] });
}
