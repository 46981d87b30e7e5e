/**
 * The scheduled canary check in the Lambda: an EventBridge schedule invokes the handler with a "Scheduled Event",
 * which runs `engine/canary-check.ts` over the table's canary states and publishes "blind" and "back" to the operations
 * topic (its subscribers: the ops emails, and Slack through the handler's SNS path).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { HANDLER_ENV } from '../config/env.js';
import { NEVER_BLIND_ENV, stringListFromEnv } from '../config/never-blind.js';
import { DEFAULT_OVERDUE_MINUTES } from '../core/canary/overdue.js';
import { runCanaryCheck, type CanaryCheckDeps, type CanaryCheckResult } from '../engine/canary-check.js';
import { DynamoDbCanaryStore } from './dynamodb-canary-store.js';
import { OperationsTopic } from './operations-topic.js';

export { isScheduledEvent } from './scheduled-event.js';

/** Builds the check from the environment; `run(nowMs)` runs it once. */
export function canaryCheckFromEnvironment(
  env: NodeJS.ProcessEnv,
  deps: { dynamodb: () => DynamoDBClient; sns?: () => SNSClient; log: NonNullable<CanaryCheckDeps['log']> },
): (nowMs: number) => Promise<CanaryCheckResult> {
  const tableName = env[HANDLER_ENV.tableName];
  if (!tableName) throw new Error(`environment variable ${HANDLER_ENV.tableName} is not set`);
  const overdue = env[NEVER_BLIND_ENV.canaryOverdueMinutes];
  const overdueMinutes = overdue === undefined || overdue === '' ? DEFAULT_OVERDUE_MINUTES : Number(overdue);
  if (!Number.isFinite(overdueMinutes) || overdueMinutes <= 0) throw new Error(`environment variable ${NEVER_BLIND_ENV.canaryOverdueMinutes} must be a positive number of minutes, got ${overdue}`);
  const excluded = stringListFromEnv(env, NEVER_BLIND_ENV.canaryExcluded);
  const topicArn = env[NEVER_BLIND_ENV.operationsTopicArn];
  const topic = topicArn ? new OperationsTopic((deps.sns ?? (() => new SNSClient({})))(), topicArn) : null;
  const store = new DynamoDbCanaryStore({ tableName, client: deps.dynamodb() });
  const notify: CanaryCheckDeps['notify'] = topic
    ? (notice) => topic.publish(notice)
    : async (notice) => deps.log('warn', `${notice.subject} (not published: no operations topic)`, { message: notice.message });
  return (nowMs) => runCanaryCheck({ store, notify, log: deps.log }, { nowMs, overdueMinutes, excluded });
}
