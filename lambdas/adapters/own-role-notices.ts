/**
 * Delivers the notices about denials of the alerter's own roles (`core/service-rules/own-roles.ts`) on the operations
 * path, never on the responders' routes: logged, then published to the operations topic when the handler knows it
 * (the topic's email subscribers get it, and so does the default route's Slack through the handler's own subscription
 * to that topic), else posted to the default route's Slack directly, as the topic's alarms are. At most once an hour
 * per role, account and action in a warm container, however many denials arrive.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { SNSEvent } from 'aws-lambda';
import type { OwnRoleNotice } from '../core/service-rules/own-roles.js';
import { deliverOperationsNotices, type OperationsSlackDeps } from './operations-slack.js';

/** How often one notice (same role, account and action) is delivered again while denials go on. */
export const OWN_ROLE_NOTICE_INTERVAL_MS = 3_600_000;

/** What delivering the notices needs. */
export interface OwnRoleNoticeDeps {
  /** The operations topic (client and ARN), or null to post to Slack directly. */
  operationsTopic: { client: () => SNSClient; topicArn: string } | null;
  /** The default route's Slack path (built on first use). */
  operationsSlack: () => OperationsSlackDeps;
  log(level: 'warn' | 'error', message: string, details?: Record<string, unknown>): void;
  /** @default Date.now */
  now?: () => number;
}

/** The delivery of own-role notices: `deliver` is the engine's `onOwnRoleDenial`. */
export function ownRoleNoticeDelivery(deps: OwnRoleNoticeDeps): { deliver(notice: OwnRoleNotice): Promise<void> } {
  const lastSent = new Map<string, number>();
  const now = deps.now ?? Date.now;
  let slack: OperationsSlackDeps | undefined;
  return {
    async deliver(notice) {
      deps.log('warn', notice.message, { ownRole: notice.role, key: notice.key, subject: notice.subject });
      const at = now();
      if ((lastSent.get(notice.key) ?? -Infinity) > at - OWN_ROLE_NOTICE_INTERVAL_MS) return;
      if (deps.operationsTopic) {
        const { client, topicArn } = deps.operationsTopic;
        await client().send(new PublishCommand({ TopicArn: topicArn, Subject: snsSubject(notice.subject), Message: notice.message }), { abortSignal: AbortSignal.timeout(10_000) });
      } else {
        slack ??= deps.operationsSlack();
        const event = { Records: [{ EventSource: 'aws:sns', Sns: { Message: notice.message, Subject: notice.subject } }] } as unknown as SNSEvent;
        await deliverOperationsNotices(event, slack, at + 10_000);
      }
      // Only a delivered notice waits an hour: one that failed is tried again with the next batch's denials.
      lastSent.set(notice.key, at);
    },
  };
}

/**
 * An SNS subject: "ASCII text that begins with a letter, number, or punctuation mark; must not include line breaks or
 * control characters; and must be less than 100 characters long" (SNS API Reference, Publish, Subject).
 */
function snsSubject(subject: string): string {
  return subject.replace(/[^\x20-\x7e]/g, '?').trim().slice(0, 99) || 'Denial Alerter: own role denied';
}
