/**
 * The handler's rare paths, as a module it loads on first use (in the bundle, `operations.mjs` beside `index.mjs`,
 * from `HANDLER_LAZY_MODULES`): the operations topic's alarms to Slack, the notices about the alerter's own roles, the
 * scheduled canary check and the dead letters. They hold the SNS, SQS and Secrets Manager clients, which a batch of
 * denials without an alert never calls, so a cold start should neither load nor evaluate them.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { HANDLER_ENV } from '../config/env.js';
import { OWN_ROLES_ENV } from '../config/own-roles.js';
import { routingFromEnvironment } from '../config/routing.js';
import { defaultRouteSlackSecret, routesInForce } from '../core/routing.js';
import type { OperationsSlackDeps } from './operations-slack.js';
import { ownRoleNoticeDelivery } from './own-role-notices.js';
import { fetchSlackWebhookUrl } from './slack-webhook-secret.js';
import { SlackWebhookSender } from './slack-webhook.js';

export { canaryCheckFromEnvironment } from './canary-check-wiring.js';
export { deliverOperationsNotices } from './operations-slack.js';
export { sqsDeadLetterSender } from './sqs-dead-letters.js';

/** The handler's logger and metrics, as the operations path uses them. */
export interface OperationsReporting {
  log: OperationsSlackDeps['log'];
  metric: NonNullable<OperationsSlackDeps['metric']>;
}

/** The operations path from the environment: the default route's Slack webhook, read from Secrets Manager on first use. */
export function operationsSlackFromEnvironment(env: NodeJS.ProcessEnv, reporting: OperationsReporting, secretsManager: () => SecretsManagerClient = () => new SecretsManagerClient({})): OperationsSlackDeps {
  // The routes in force as the publisher's `effectiveRoutes` reads them (without the Slack app: operations notices go to webhooks).
  const routes = routesInForce(routingFromEnvironment(env).routes, { snsTopicArn: env[HANDLER_ENV.snsTopicArn], slackWebhookSecretArn: env[HANDLER_ENV.slackWebhookSecretArn] });
  const secretId = defaultRouteSlackSecret(routes);
  return {
    sender: secretId ? new SlackWebhookSender({ totalTimeoutMs: 20_000, webhookUrl: () => fetchSlackWebhookUrl(secretsManager(), secretId) }) : null,
    log: reporting.log,
    metric: reporting.metric,
  };
}

/**
 * The delivery of own-role notices from the environment: to the operations topic when the stack set one, else to the
 * default route's Slack ({@link operationsSlackFromEnvironment}, built on first use). Keep the one it returns: it
 * holds the once-an-hour memory.
 */
export function ownRoleNoticesFromEnvironment(env: NodeJS.ProcessEnv, reporting: OperationsReporting): ReturnType<typeof ownRoleNoticeDelivery> {
  const topicArn = env[OWN_ROLES_ENV.operationsTopicArn];
  return ownRoleNoticeDelivery({
    operationsTopic: topicArn ? { topicArn, client: () => new SNSClient({}) } : null,
    operationsSlack: () => operationsSlackFromEnvironment(env, reporting),
    log: reporting.log,
  });
}
